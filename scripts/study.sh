#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# study.sh: the buffering study in the VM: the measured property table
# (ipcbench --props) and each buffer's occupancy
# over time (ipcbench --timeline), with one plot per mechanism and one
# page that shows them together.
#
#   host                                     guest (scripts/vm.sh, TCG here)
#   ----                                     -----
#   bench-results/<date>/study/ --9p /out--> ipcbench --props   -> props.{txt,json}
#                                            ipcbench --timeline -s 64 -> timeline-64/
#                                            ipcbench --timeline -s 4K -> timeline-4096/
#   <-- the tables, timeline.json, timeline-MECH.csv
#   gnuplot: timeline-SIZE/MECH.{svg,png}; index.md shows them together
#
# About 5 minutes under TCG (--quick: about 2). See "Reading the
# occupancy plots" in Documentation/benchmarks.rst.
#
# Usage: study.sh [--quick] [--render DIR] [--out DIR]
#   --quick       one size (64 B), 1-second timelines
#   --render DIR  only (re)draw the plots and the page of a results directory
#   --out DIR     results directory (default bench-results/<date>/study)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

quick=0 render= out=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--render) render=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done

# plot_one DIR MECH CAPACITY DROPS: occupancy with the capacity above,
# and under it the writer blocked (0/1) or, for a dropping mechanism, the
# kernel's drop count.
plot_one() {
	local d=$1 m=$2 cap=$3 drops=$4 csv=$1/timeline-$2.csv half size term t ext lower
	# The sampler decides when phase 2 begins: the first sample marked 2.
	half=$(awk -F, 'NR > 1 && $2 == 2 { print $1; exit }' "$csv")
	size=$(sed -n 's/^Occupancy over time: \([0-9]*\) B.*/\1/p' "$d/timeline.txt")
	if [ "$drops" = 1 ]; then
		lower="set ylabel 'dropped (total)'; set yrange [0:*]; set format y '%.0s%c'; stats '$csv' using 6 nooutput; if (STATS_max > 0) { set ytics STATS_max / 3 }; plot '$csv' using 1:6 with steps lw 2 lc rgb '#c03030' title 'messages the kernel dropped'"
	else
		lower="set ylabel 'writer'; set yrange [-0.1:1.2]; set ytics ('running' 0, 'blocked' 1); plot '$csv' using 1:11 with steps lw 2 lc rgb '#c03030' title 'writer blocked'"
	fi
	for term in svg png; do
		t="svg size 900,600 dynamic background rgb 'white'" ext=svg
		[ $term = png ] && t="pngcairo size 1200,800" ext=png
		gnuplot <<-GP
			set terminal $t
			set output '$d/$m.$ext'
			set datafile separator ','
			set multiplot layout 2,1 title "$m, $size B messages: occupancy over time"
			set lmargin 12
			set autoscale xfix
			set size 1,0.68; set origin 0,0.30
			set grid
			set key center right
			set xlabel ''
			set format x ''
			set ylabel 'queued (messages)'
			set yrange [0:$cap * 1.15 + 1]
			set arrow from $half, graph 0 to $half, graph 1 nohead dt 2 lc rgb 'gray40'
			set label 'phase 1: producer ahead' at graph 0.02, graph 0.95
			set label 'phase 2: consumer ahead' at $half, graph 0.95 offset 1,0
			plot '$csv' using 1:5 with lines lw 2 lc rgb '#1f5fbf' title 'queued', \
			     $cap with lines dt 2 lw 2 lc rgb '#208020' title sprintf('capacity by filling: %g', $cap)
			unset label; unset arrow
			set size 1,0.30; set origin 0,0
			set format x '%g'
			set xlabel 'time (ms)'
			set key top right
			set autoscale y
			set arrow from $half, graph 0 to $half, graph 1 nohead dt 2 lc rgb 'gray40'
			$lower
			unset multiplot
		GP
	done
}

# render_dir DIR: a plot per mechanism of one timeline run.
render_dir() {
	local d=$1 m cap drops
	[ -r "$d/timeline.txt" ] || { log "study.sh: no $d/timeline.txt"; return 0; }
	# Table rows: mechanism capacity plateau ratio check ...
	awk '$5 == "ok" || $5 == "MISMATCH" { print $1, $2 }' "$d/timeline.txt" |
	while read -r m cap; do
		drops=0
		case $m in mbox-drop-*) drops=1 ;; esac
		plot_one "$d" "$m" "$cap" "$drops"
	done
	log "study.sh: plots in $d"
}

# page DIR: index.md with the tables and the plots.
page() {
	local d=$1 t m
	{
		echo "# ipcchan buffering study"
		echo
		[ -r "$d/kernel.txt" ] && echo "Kernel: \`$(cat "$d/kernel.txt")\`, ipcchan $(cat "$d/version" 2>/dev/null || echo unknown)."
		echo
		echo "## Measured properties (\`ipcbench --props\`)"
		echo
		if [ -s "$d/props.txt" ]; then
			echo "JSON: [props.json](props.json)"
			echo
			echo '```text'
			cat "$d/props.txt"
			echo '```'
		else
			echo "Not measured: ipcbench --props wrote nothing (see the run's log)."
		fi
		# Smallest message size first.
		for t in $(cd "$d" && ls -d timeline-* | sort -t- -k2 -n); do
			t=$d/$t
			[ -r "$t/timeline.txt" ] || continue
			echo
			echo "## Occupancy over time ($(basename "$t"))"
			echo
			echo "Summary: [timeline.json]($(basename "$t")/timeline.json). How to read the plots: Documentation/benchmarks.rst, \"Reading the occupancy plots\"."
			echo
			echo '```text'
			cat "$t/timeline.txt"
			echo '```'
			awk '$5 == "ok" || $5 == "MISMATCH" { print $1 }' "$t/timeline.txt" |
			while read -r m; do
				echo
				echo "### $m"
				echo
				echo "![$m]($(basename "$t")/$m.svg) ([PNG]($(basename "$t")/$m.png), [data]($(basename "$t")/timeline-$m.csv))"
			done
		done
	} >"$d/index.md"
	log "study.sh: wrote $d/index.md"
}

render_all() {
	local d=$1 t
	for t in "$d"/timeline-*/; do
		render_dir "${t%/}"
	done
	page "$d"
}

if [ -n "$render" ]; then
	command -v gnuplot >/dev/null || die "gnuplot missing: run scripts/deps.sh"
	render_all "$render"
	exit 0
fi

command -v gnuplot >/dev/null || die "gnuplot missing: run scripts/deps.sh"
out=${out:-$TOP/bench-results/$(date +%Y-%m-%d-%H%M%S)/study}
mkdir -p "$out"
out=$(realpath "$out")

if [ "$quick" -eq 1 ]; then
	ms=1000 sizes="64" timeout=900
else
	ms=5000 sizes="64 4096" timeout=1800
fi

# The guest writes straight into /out; ipcbench reports progress on stderr.
cmd="set -e
cd /out
uname -r >kernel.txt
failed=
echo 'study: [props] ipcbench --props --json props.json' >&2
rc=0
ipcbench --props --json props.json >props.txt || rc=\$?
[ \$rc -le 1 ] || exit \$rc
[ \$rc -eq 0 ] || failed=1
for s in $sizes; do
	echo \"study: [timeline \$s B] ipcbench --timeline $ms -s \$s\" >&2
	rc=0
	ipcbench --timeline $ms -s \$s -o timeline-\$s >timeline-\$s.txt || rc=\$?
	mv timeline-\$s.txt timeline-\$s/timeline.txt
	[ \$rc -le 1 ] || exit \$rc
	[ \$rc -eq 0 ] || failed=1
done
[ -z \"\$failed\" ]"

log "study.sh: results in $out (about $([ "$quick" -eq 1 ] && echo 2 || echo 5) minutes under TCG)"
rc=0
"$TOP/scripts/vm.sh" --timeout "$timeout" --out "$out" --log "$out/serial.log" -- sh -c "$cmd" || rc=$?
git -C "$TOP" describe --always --dirty >"$out/version" 2>/dev/null || true
render_all "$out"
for t in "$out"/timeline-*/timeline.txt; do
	[ -r "$t" ] && cat "$t"
done
[ "$rc" -eq 0 ] || log "study.sh: the study failed (status $rc): see $out/*/timeline.txt and $out/serial.log"
exit "$rc"
