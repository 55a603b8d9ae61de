#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-profile.sh: profile exactly what ipcbench measured, in the VM.
#
#   host                                 guest (scripts/vm.sh --host)
#   ----                                 -----
#   OUT/ ---- 9p as /out --------------> perf record -a -g -k mono -e cpu-clock
#                                          -F HZ -- ipcbench ARGS
#                                        (IPCBENCH_WINDOWS=/out/windows: one line
#                                         per measured interval, CLOCK_MONOTONIC)
#        <------------------------------ perf script (sample times on the same clock)
#   scripts/bench-profile.py: per row (mechanism, what, size or N), the
#   sampled time per message by symbol, self and inclusive; --compare A B
#   lists what differs between two rows
#
# Setup, warm-up and teardown are outside the intervals, so creating a
# thousand mailboxes, say, does not show up in the profile of --epoll's
# measured window. `perf record -k mono` stamps samples with the clock
# ipcbench times with.
#
# Under QEMU TCG a sampling interrupt is taken only where the guest has
# interrupts enabled, so "self" time piles up where a function re-enables
# them (_raw_spin_unlock_irqrestore, finish_task_switch); the inclusive
# column, which credits every caller in the chain, does not move with
# that skid. Sampling costs time too: keep -F low (the default 250 Hz
# slows a 10 us message by a few per cent; 2 kHz doubled it).
#
# Usage: bench-profile.sh [--kernel stock|stock61] [--freq HZ] [--out DIR]
#                         [--top N] [--compare A B]... -- IPCBENCH-ARGS...
#   --freq HZ     sampling rate (default 250)
#   --out DIR     results directory (default bench-results/profile-<date>)
#   --top N       symbols per table (default 25)
#   --compare A B also list the symbols whose ns/msg differs most between
#                 rows A and B, named MECH:WHAT:N (what: pingpong, stream,
#                 epoll; N: the message size, or the channel count of
#                 --epoll), e.g. --compare mbox-rw:epoll:1 mbox-rw:epoll:1000
#   Example: bench-profile.sh --compare pipe:stream:64 mbox-rw:stream:64 \
#                -- -m pipe,mbox-rw -M stream -s 64 -r 3 -t 1
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=stock freq=250 out= top=25 compare=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--freq) freq=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--top) top=$2; shift 2 ;;
	--compare) [ $# -ge 3 ] || die "--compare needs two rows"
		compare+=(--compare "$2" "$3"); shift 3 ;;
	--) shift; break ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done
[ $# -gt 0 ] || die "no ipcbench arguments (see --help)"
case $freq in ''|*[!0-9]*) die "--freq: not a number: $freq" ;; esac
[ "$freq" -ge 1 ] && [ "$freq" -le 10000 ] || die "--freq: $freq is not in 1..10000"
case $top in ''|*[!0-9]*|0) die "--top: not a positive number: $top" ;; esac
case $kernel in stock|stock61) ;; *) die "--kernel: stock or stock61, not $kernel" ;; esac
command -v perf >/dev/null || die "perf missing: run scripts/deps.sh (linux-perf)"

out=${out:-$TOP/bench-results/profile-$(date +%Y-%m-%d-%H%M%S)}
mkdir -p "$out"
out=$(realpath "$out")
rm -f "$out"/windows "$out"/win-*.script "$out"/samples.script "$out"/perf.data

# The guest runs the host's perf (--host) and the freshly built ipcbench
# (vm.sh puts the build's bin first on PATH).
{
	echo 'set -e'
	echo 'cd /out'
	echo 'echo 0 >/proc/sys/kernel/kptr_restrict'
	echo 'echo -1 >/proc/sys/kernel/perf_event_paranoid'
	printf 'IPCBENCH_WINDOWS=/out/windows perf record -q -a -g -k mono -e cpu-clock -F %d -o /out/perf.data -- ipcbench' "$freq"
	printf ' %q' "$@"
	echo ' >/out/ipcbench.txt'
	echo '[ -s windows ] || { echo "bench-profile: ipcbench measured nothing" >&2; exit 1; }'
	echo 'perf script -i perf.data --kallsyms=/proc/kallsyms --ns \'
	echo '	-F comm,pid,cpu,time,period,ip,sym >samples.script 2>/dev/null'
	echo 'rm -f perf.data'
} >"$out/guest.sh"

log "bench-profile: ipcbench $* under perf at $freq Hz, results in $out"
"$TOP/scripts/vm.sh" --kernel "$kernel" --host --out "$out" --timeout 3600 \
	-- bash /out/guest.sh
python3 "$TOP/scripts/bench-profile.py" "$out" --top "$top" "${compare[@]}" \
	--json "$out/profile.json" | tee "$out/profile.txt"
