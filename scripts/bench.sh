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
#   gnuplot: latency.{svg,png}, throughput.{svg,png} from sweep.csv: medians
#            with min-max error bars over the repetitions, and p99 latency
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

# series CSV MODE MECH COLUMN...: one "size value..." line per effective
# size of one mechanism's ok rows, the columns found by their names in the
# CSV header (ipcbench(1)), an empty field as NaN (gnuplot: no point). A
# capped mechanism repeats its cap as effective size: its first row there
# (the smallest request that hit the cap) is kept, the rest would stack.
series() {
	local csv=$1 mode=$2 mech=$3
	shift 3
	awk -F, -v mode="$mode" -v mech="$mech" -v want="$*" '
	NR == 1 {
		for (i = 1; i <= NF; i++)
			col[$i] = i
		k = split("mode mechanism status size_eff " want, w, " ")
		for (i = 1; i <= k; i++)
			if (!(w[i] in col)) {
				printf "bench.sh: %s has no %s column (older ipcbench?)\n",
					FILENAME, w[i] > "/dev/stderr"
				exit 3
			}
		next
	}
	$col["mode"] == mode && $col["mechanism"] == mech && $col["status"] == "ok" &&
	!seen[$col["size_eff"]]++ {
		line = $col["size_eff"]
		for (i = 5; i <= k; i++)
			line = line " " ($col[w[i]] == "" ? "NaN" : $col[w[i]])
		print line
	}' "$csv"
}

# reps CSV MODE: the repetitions behind the mode's ok rows, "3" or "2-3".
reps() {
	awk -F, -v mode="$2" '
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$col["mode"] == mode && $col["status"] == "ok" {
		r = $col["reps_ok"] + 0
		if (lo == "" || r < lo) lo = r
		if (r > hi) hi = r
	}
	END { print lo == hi ? lo : lo "-" hi }' "$1"
}

# plot CSV OUTBASE MODE YLABEL TITLE: one line per mechanism through the
# median over repetitions, with an error bar from the smallest to the
# largest repetition's value; ping-pong adds each mechanism's p99 (median
# over repetitions) as a dashed line of the same colour and point type,
# right after the mechanism's own series (tools/tests/bench_plot_test.py
# reads them in that order). Like the table's p99.9 below 1000 samples, a
# p99 of fewer than 100 round trips per repetition is only their maximum:
# it is left out.
plot() {
	local csv=$1 base=$2 mode=$3 ylabel=$4 title=$5 dir mechs m k=0 plots= cols
	dir=$(dirname "$base")/.plotdata
	cols=(mb_per_s mb_per_s_min mb_per_s_max)
	[ "$mode" = pingpong ] && cols=(p50_us p50_min_us p50_max_us p99_us n_per_rep)
	mkdir -p "$dir"
	mechs=$(awk -F, -v m="$mode" 'NR > 1 && $1 == m && $6 == "ok" { print $3 }' "$csv" | awk '!s[$0]++')
	[ -n "$mechs" ] || { log "bench.sh: no $mode rows in $csv"; return 0; }
	for m in $mechs; do
		k=$((k + 1))
		series "$csv" "$mode" "$m" "${cols[@]}" >"$dir/$mode-$m.dat" ||
			{ rm -rf "$dir"; die "cannot plot $csv"; }
		plots+="${plots:+, }'$dir/$mode-$m.dat' using 1:2:3:4 with yerrorlines lt $k title '$m'"
		if [ "$mode" = pingpong ]; then
			plots+=", '' using 1:(\$6 >= 100 ? \$5 : NaN) with linespoints lt $k dt 2 ps 0.5 notitle"
		fi
	done
	if [ "$mode" = pingpong ]; then
		plots+=", NaN with lines lc 'black' dt 2 title 'dashed: p99'"
	fi
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
	# Two title lines: gnuplot reads \n in a double-quoted string.
	plot "$d/sweep.csv" "$d/latency" pingpong 'round trip (us)' \
		"ping-pong round trip, same CPU, $env\\nline: median p50; bar: min-max p50 over \
$(reps "$d/sweep.csv" pingpong) reps; dashed: median p99 (n >= 100 per rep)"
	plot "$d/sweep.csv" "$d/throughput" stream 'MB/s' \
		"one-way streaming, same CPU, $env\\nline: median; bar: min-max over \
$(reps "$d/sweep.csv" stream) reps"
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
