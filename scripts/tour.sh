#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ipcchan tour, run inside the VM by `make demo` (installed there as
# ipcchan-tour). Each step prints the command it runs, then its output.

step() {
	echo
	echo "### $1"
	shift
	echo "\$ $*"
	"$@"
}

echo "=== ipcchan tour: kernel $(uname -r), module loaded from /lib/ipcchan"
step "The factory device: one node, world read-write; objects carry their own permissions" \
	ls -l /dev/ipcchan
step "What GET_INFO reports: ABI version, features and the limits in force" \
	ipcchan info
step "The same for machines" \
	ipcchan info --json
step "Limits are module parameters, writable at run time" \
	grep -H . /sys/module/ipcchan/parameters/mbox_max_msgs
echo
echo "=== end of tour"
