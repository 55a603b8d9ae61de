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
echo "=== Mailboxes: messages with boundaries and priorities, kept by the kernel"
step "Create a named mailbox: 4 messages deep, drop the oldest when full" \
	ipcchan mbox create tour --capacity 4 --msgsize 256 --policy drop-oldest
step "A sender process queues six messages at mixed priorities" \
	sh -c 'ipcchan mbox send tour --prio 0 "routine 1" "routine 2" &&
	       ipcchan mbox send tour --prio 5 "urgent" &&
	       ipcchan mbox send tour --prio 0 "routine 3" "routine 4" "routine 5"'
step "Four fit: the two oldest at the lowest priority were dropped and counted" \
	ipcchan mbox stat tour
step "A receiver process takes them: highest priority first, FIFO within one" \
	ipcchan mbox recv tour --count 4 --meta
step "An empty mailbox with --nonblock: EAGAIN, as for pipes and mq" \
	ipcchan mbox recv tour --nonblock
step "The name goes; the mailbox would live on while an fd held it" \
	ipcchan mbox rm tour

echo
echo "=== end of tour"
