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
# Shared rings: 100000 records with no system call per record. The stat
# shows how many system calls the data path did take: the kicks and waits.
step "A shared ring of 16 pages" \
	ipcchan ring create tour-ring --pages 16
echo "\$ ipcchan ring consume tour-ring --quiet &"
ipcchan ring consume tour-ring --quiet &
step "Stream 100000 records of 64 B into it" \
	ipcchan ring produce tour-ring --count 100000 --size 64
wait
step "Its statistics: kicks and waits are the only data-path system calls" \
	ipcchan ring stat tour-ring
step "Remove the name" \
	ipcchan ring rm tour-ring
echo
echo "=== end of tour"
