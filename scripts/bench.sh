#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: run the default ipcbench suite in the VM and render plots.
#
#   host                                   guest (scripts/vm.sh, TCG here)
#   ----                                   -----
#   bench-results/<date>/  --9p as /out--> ipcbench core   (64 B, 4 KiB, same CPU,
#                                                           5 reps: the targets)
#                                          ipcbench sweep  (64 B..1 MiB, same CPU)
#                                          ipcbench cross  (64 B, 4 KiB, cross CPU)
#                                          ipcbench --scale (mailbox count, 1 vs 8
#                                                           senders, memory per message)
#                                          ipcbench --epoll (1 receiver, 1..1000
#                                                           channels)
#   <-- core.{txt,csv,json}, sweep.*, cross.*, scale.{txt,json}, epoll.{txt,json}
#   gnuplot: latency.{svg,png}, throughput.{svg,png} from sweep.csv
#
# Usage: bench.sh [--quick] [--render DIR] [--out DIR] [-- IPCBENCH-ARGS...]
#   --quick       a minute-long smoke version of the suite
#   --render DIR  only (re)draw the plots of an existing results directory
#   --out DIR     results directory (default bench-results/<date>)
#   IPCBENCH-ARGS are added to every ipcbench run (e.g. -m pipe,shm-futex)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

quick=0 render= out=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--render) render=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--) shift; break ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done
extra=$*

# plot CSV OUTBASE MODE COLUMN YLABEL TITLE: one line per mechanism.
plot() {
	local csv=$1 base=$2 mode=$3 col=$4 ylabel=$5 title=$6 dir mechs m plots=
	dir=$(dirname "$base")/.plotdata
	mkdir -p "$dir"
	# CSV columns: see ipcbench(1); field 6 is status, 5 the effective size.
	mechs=$(awk -F, -v m="$mode" 'NR > 1 && $1 == m && $6 == "ok" { print $3 }' "$csv" | awk '!s[$0]++')
	[ -n "$mechs" ] || { log "bench.sh: no $mode rows in $csv"; return 0; }
	for m in $mechs; do
		awk -F, -v m="$mode" -v n="$m" -v c="$col" \
			'NR > 1 && $1 == m && $3 == n && $6 == "ok" && $c != "" { print $5, $c }' \
			"$csv" >"$dir/$mode-$m.dat"
		plots+="${plots:+, }'$dir/$mode-$m.dat' using 1:2 with linespoints title '$m'"
	done
	for term in svg png; do
		local t="svg size 900,600 dynamic background rgb 'white'" ext=svg
		[ $term = png ] && t="pngcairo size 1200,800" ext=png
		gnuplot <<-GP
			set terminal $t
			set output '$base.$ext'
			set title "$title"
			set datafile separator whitespace
			set logscale xy
			set xlabel 'message size (bytes, effective)'
			set ylabel '$ylabel'
			set key outside right top
			set grid
			set format x '%.0s%cB'
			plot $plots
		GP
	done
	rm -rf "$dir"
	log "bench.sh: wrote $base.svg and $base.png"
}

render_plots() {
	local d=$1 env
	[ -r "$d/sweep.csv" ] || die "$d/sweep.csv missing"
	env=$(grep -m1 '^virtualisation:' "$d/sweep.txt" 2>/dev/null | sed 's/^virtualisation: *//; s/,.*//' || true)
	env=${env:-unknown}
	plot "$d/sweep.csv" "$d/latency" pingpong 9 'round trip p50 (us)' \
		"ping-pong round trip, same CPU, median of reps, $env"
	plot "$d/sweep.csv" "$d/throughput" stream 15 'MB/s' \
		"one-way streaming, same CPU, median of reps, $env"
}

if [ -n "$render" ]; then
	render_plots "$render"
	exit 0
fi

command -v gnuplot >/dev/null || die "gnuplot missing: run scripts/deps.sh"
out=${out:-$TOP/bench-results/$(date +%Y-%m-%d-%H%M%S)}
mkdir -p "$out"
out=$(realpath "$out")

if [ "$quick" -eq 1 ]; then
	core="-s 64,4K -r 3 -t 0.1 -w 0.05"
	sweep="-s 64,4K,64K,1M -r 3 -t 0.05 -w 0.02"
	cross="-s 64 -r 3 -t 0.05 -w 0.02"
	scale="-r 1 -t 0.1 -w 0.05"
	epoll="-n 1,10,100 -r 1 -t 0.1 -w 0.02"
	timeout=600
else
	# About 10 minutes under TCG on 2 cores (see Documentation/benchmarks.rst).
	core="-s 64,4K -r 5 -t 0.3 -w 0.2"
	sweep="-s sweep -r 3 -t 0.2 -w 0.1"
	cross="-s 64,4K -r 3 -t 0.2 -w 0.1"
	scale="-r 3 -t 0.3 -w 0.1"
	epoll="-r 3 -t 0.3 -w 0.1"
	timeout=1800
fi

# The guest writes each part's table, CSV and JSON straight into /out.
cmd="set -e
cd /out
ipcbench --list >mechanisms.txt
for part in core sweep cross; do
	case \$part in
	core) args='$core -p same' ;;
	sweep) args='$sweep -p same' ;;
	cross) args='$cross -p cross' ;;
	esac
	echo \"ipcbench-suite: \$part: ipcbench \$args $extra\" >&2
	rc=0
	ipcbench \$args $extra --csv \$part.csv --json \$part.json >\$part.txt || rc=\$?
	[ \$rc -le 1 ] || exit \$rc
	[ \$rc -eq 0 ] || failed=1
done
echo \"ipcbench-suite: scale: ipcbench --scale $scale\" >&2
rc=0
ipcbench --scale $scale --json scale.json >scale.txt || rc=\$?
[ \$rc -le 1 ] || exit \$rc
[ \$rc -eq 0 ] || failed=1
echo \"ipcbench-suite: epoll: ipcbench --epoll $epoll\" >&2
rc=0
ipcbench --epoll $epoll --json epoll.json >epoll.txt || rc=\$?
[ \$rc -le 1 ] || exit \$rc
[ \$rc -eq 0 ] || failed=1
[ -z \"\${failed:-}\" ]"

log "bench.sh: results in $out"
rc=0
"$TOP/scripts/vm.sh" --timeout "$timeout" --out "$out" --log "$out/serial.log" -- sh -c "$cmd" || rc=$?
git -C "$TOP" describe --always --dirty >"$out/version" 2>/dev/null || true
[ -r "$out/sweep.csv" ] && render_plots "$out"
[ -r "$out/core.txt" ] && cat "$out/core.txt"
[ -r "$out/scale.txt" ] && cat "$out/scale.txt"
[ -r "$out/epoll.txt" ] && cat "$out/epoll.txt"
[ "$rc" -eq 0 ] || log "bench.sh: the suite failed (status $rc): see $out/*.txt and $out/serial.log"
exit "$rc"
