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
# A monitor follows the mailbox's events over generic netlink meanwhile;
# its output is shown after the mailbox is gone. --count bounds it, and
# it is stopped after the last event in any case (drop reports are
# rate-limited, so their number depends on timing).
events=/tmp/tour-events
echo "\$ ipcchan monitor --name tour --count 40 > $events &"
ipcchan monitor --name tour --count 40 >"$events" 2>&1 &
monitor=$!
sleep 0.5
step "Create a named mailbox: 4 messages deep, drop the oldest when full" \
	ipcchan mbox create tour --capacity 4 --msgsize 256 --policy drop-oldest
step "A sender process queues six messages at mixed priorities" \
	sh -c 'ipcchan mbox send tour --prio 0 "routine 1" "routine 2" &&
	       ipcchan mbox send tour --prio 5 "urgent" &&
	       ipcchan mbox send tour --prio 0 "routine 3" "routine 4" "routine 5"'
step "Four fit: the two oldest at the lowest priority were dropped and counted" \
	ipcchan mbox stat tour
step "ipcchan top, the live view (here one sample): the mailbox full, 4/4" \
	ipcchan top --once --interval 0.5
step "A receiver process takes them: highest priority first, FIFO within one" \
	ipcchan mbox recv tour --count 4 --meta
step "An empty mailbox with --nonblock: EAGAIN, as for pipes and mq" \
	ipcchan mbox recv tour --nonblock
step "Side by side with a pipe and POSIX mq, measured now (ipcbench --props): boundaries, empty and full, with and without O_NONBLOCK" \
	ipcbench --props -m pipe,posix-mq,mbox-rw -s 64 --deterministic --quiet
step "Over generic netlink, without opening anything: every object" \
	ipcchan list
step "One object with all its statistics, the residence-time histogram too" \
	ipcchan show tour
step "The name goes; the mailbox would live on while an fd held it" \
	ipcchan mbox rm tour
sleep 1
kill "$monitor" 2>/dev/null
wait "$monitor" 2>/dev/null
step "What the monitor saw: every fd attached and detached, the high watermark (3 of 4), the drops, the end" \
	cat "$events"
rm -f "$events"

echo
echo "=== Shared rings: the kernel maps pages into both processes; no system call per record"
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
