#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# live-check.sh: the live views as a person uses them, checked. Runs in
# the test VM through the host-root mode (the host's bpftrace and tmux):
#
#   scripts/vm.sh --host -- scripts/live-check.sh
#
#   1. bpftrace, Documentation/tracing.rst recipe "messages and depth":
#      the mailbox tracepoints count 20 enqueues reaching depth 20 and 20
#      dequeues with a residence histogram
#   2. bpftrace, its native counterpart "kprobes on pipe_write/pipe_read":
#      20 writes of 64 bytes into a pipe, the pipe's occupancy from BTF
#   3. ipcchan top in a tmux pane, with a stalled (SIGSTOPped) receiver on
#      a 16-slot mailbox and a sender adding a message every 0.3 s: the
#      captured screens show the depth rising to 16/16 and then one
#      blocked sender; q quits top
#
# Prints "ok - ..." / "not ok - ..." per check and an IPCCHAN-RESULT line.
set -u

pass=0 fail=0
result() { # status description
	if [ "$1" -eq 0 ]; then
		echo "ok - $2"; pass=$((pass + 1))
	else
		echo "not ok - $2"; fail=$((fail + 1))
	fi
}
# The value of "@name: N" in bpftrace's output.
bt_val() { sed -n "s/^@$1: \([0-9]*\)$/\1/p" "$2" | tail -n 1; }

tmp=$(mktemp -d /tmp/live-check.XXXXXX)
cleanup() {
	[ -n "${rpid:-}" ] && kill -CONT "$rpid" 2>/dev/null && kill "$rpid" 2>/dev/null
	[ -n "${spid:-}" ] && kill "$spid" 2>/dev/null
	tmux kill-server 2>/dev/null
	ipcchan mbox rm live-bt 2>/dev/null
	ipcchan mbox rm stall 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# bpftrace needs tracefs (events) and debugfs; the guest mounts debugfs.
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing

# 1. The mailbox recipe.
ipcchan mbox create live-bt --capacity 32 >/dev/null
# bpftrace -c splits its command at spaces, without a shell: a script.
echo 'seq 1 20 | ipcchan mbox send live-bt && ipcchan mbox recv live-bt --count 20 >/dev/null' \
	>"$tmp/mbox-work.sh"
bpftrace -q -e '
tracepoint:ipcchan:ipcchan_mbox_enqueue { @enqueued = count(); @max_depth = max(args->depth); }
tracepoint:ipcchan:ipcchan_mbox_dequeue { @dequeued = count(); @residence_ns = hist(args->residence_ns); }' \
	-c "/bin/sh $tmp/mbox-work.sh" \
	>"$tmp/mbox.out" 2>&1
cat "$tmp/mbox.out"
[ "$(bt_val enqueued "$tmp/mbox.out")" = 20 ] && [ "$(bt_val dequeued "$tmp/mbox.out")" = 20 ] &&
	[ "$(bt_val max_depth "$tmp/mbox.out")" = 20 ] && grep -q '^@residence_ns:' "$tmp/mbox.out"
result $? "bpftrace: 20 enqueues up to depth 20, 20 dequeues with a residence histogram"

# 2. The pipe recipe: the same question asked of a pipe.
echo 'dd if=/dev/zero bs=64 count=20 status=none | (sleep 1; dd of=/dev/null bs=4096 status=none)' \
	>"$tmp/pipe-work.sh"
bpftrace -q -e '
kprobe:pipe_write /comm == "dd"/ {
	$pipe = (struct pipe_inode_info *)((struct kiocb *)arg0)->ki_filp->private_data;
	@writes = count();
	@max_slots_used = max($pipe->head - $pipe->tail);
}
kprobe:pipe_read /comm == "dd"/ { @reads = count(); }' \
	-c "/bin/sh $tmp/pipe-work.sh" \
	>"$tmp/pipe.out" 2>&1
cat "$tmp/pipe.out"
# The writer finishes before the reader starts: all 20 writes found the
# pipe with room, and the reader drains it in few reads (bytes, not
# messages: 64-byte writes merge into the pipe's pages).
[ "$(bt_val writes "$tmp/pipe.out")" = 20 ] && [ -n "$(bt_val reads "$tmp/pipe.out")" ] &&
	[ "$(bt_val max_slots_used "$tmp/pipe.out")" -ge 0 ] 2>/dev/null
result $? "bpftrace: kprobes on pipe_write/pipe_read see 20 writes"

# 3. top in tmux.
ipcchan mbox create stall --capacity 16 >/dev/null
ipcchan mbox recv stall --loop >/dev/null 2>&1 &
rpid=$!
for _ in $(seq 1 300); do
	ipcchan mbox stat stall --json 2>/dev/null | grep -Eq 'receivers[_-]blocked"?: *1\b' && break
	sleep 0.1
done
kill -STOP "$rpid"
export TERM=xterm
tmux new-session -d -s top -x 160 -y 30 "ipcchan top --interval 0.3"
(for i in $(seq 1 17); do echo "m$i"; sleep 0.3; done | ipcchan mbox send stall 2>/dev/null) &
spid=$!
# The stall row of each screen: DEPTH/CAP and SBLK.
seen="" final=""
for _ in $(seq 1 600); do
	row=$(tmux capture-pane -p -t top 2>/dev/null | awk '$2 == "stall" { print $4, $9 }')
	[ -n "$row" ] && [ "$row" != "${seen##*;}" ] && seen="$seen;$row"
	case $row in "16/16 1") final=$row; break ;; esac
	sleep 0.1
done
tmux capture-pane -p -t top >"$tmp/screen"
echo "# last screen:"; sed "/^ *$/d; s/^/# /" "$tmp/screen"
echo "# stall rows seen (depth/cap sblk):${seen//;/ |}"
rising=$(echo "${seen#;}" | tr ';' '\n' | awk '{ split($1, d, "/"); if (d[1] > 0 && d[1] < 16) n++ } END { print n + 0 }')
ordered=$(echo "${seen#;}" | tr ';' '\n' | awk '{ split($1, d, "/"); if (d[1] < last) bad = 1; last = d[1] } END { print bad + 0 }')
[ "$final" = "16/16 1" ] && [ "$rising" -ge 3 ] && [ "$ordered" -eq 0 ]
result $? "top in tmux: depth rises ($rising screens between 0 and 16) to 16/16, then one blocked sender"
tmux send-keys -t top q
for _ in $(seq 1 50); do tmux has-session -t top 2>/dev/null || break; sleep 0.1; done
! tmux has-session -t top 2>/dev/null
result $? "top in tmux: q quits"

echo "IPCCHAN-RESULT pass=$pass fail=$fail"
[ "$fail" -eq 0 ]
