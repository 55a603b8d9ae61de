#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# trace-ab.sh: what the tracepoints cost while tracing is off, as an A/B
# of two builds of the same source in one boot.
#
#   host                                  guest (scripts/vm.sh --no-module)
#   ----                                  -----
#   A.ko: the module as shipped           round 1: insmod A, ipcbench, rmmod
#         (tracepoints in, not enabled)            insmod B, ipcbench, rmmod
#   B.ko: IPCCHAN_NO_TRACE=1 (NOTRACE,    round 2: B first, then A
#         no tracepoints at all)          ... (AB, BA, AB, ...: a drift
#   nm: A has every event, B none                 within a round cancels)
#   OUT/ --- 9p as /out ----------------> A.ko, B.ko, guest.sh
#        <----------------------------- rN-A.csv, rN-B.csv (ipcbench)
#   table: p50 per round, the medians, A/B, the noise band
#
# Each load runs ipcbench ping-pong (same CPU) on the mailbox mechanisms at
# each size; a round's value is ipcbench's median p50 over its repetitions.
# The noise band of a mechanism and size is max - min of B's values over
# the rounds; the verdict is "within noise" when |median A - median B| is
# at most that band. The rounds' own A/B ratios (A and B back to back) are
# shown too, with their median: less exposed to the host's load changing
# from one round to the next; so is the best round of each, the one the
# host disturbed least. Before booting, nm checks that A defines a
# __tracepoint_ipcchan_* symbol for every TRACE_EVENT of kmod/trace.h and
# B none; in the guest, each load checks tracefs (A's events exist and are
# off, B has none), so the run cannot compare A with A.
#
# Usage: trace-ab.sh [--kernel stock|stock61] [--rounds N] [--reps N]
#                    [--time SEC] [--warmup SEC] [--mech LIST] [--sizes LIST]
#                    [--aa] [--out DIR] [--json FILE]
#        trace-ab.sh --render DIR [--json FILE]
#   --rounds N    A/B pairs, at least 2 (default 16)
#   --reps, --time, --warmup   ipcbench -r -t -w per load (default 1, 0.5, 0.1):
#                 short loads keep A and B of a round close in time
#   --mech LIST   ipcbench mechanisms (default mbox-rw,mbox-ioctl)
#   --sizes LIST  ipcbench sizes (default 64,4K)
#   --aa          the control: B built exactly as A, to see what the method
#                 reports when there is nothing to find
#   --out DIR     results directory (default bench-results/trace-ab-<date>)
#   --json FILE   also write the result as JSON (- for stdout)
#   --render DIR  only print the table (and JSON) of an earlier run's DIR
# Progress goes to stderr, the table to stdout (stderr with --json -) and
# OUT/table.txt. The exit status is 0 whatever the verdict: a measurement,
# not a test; it fails only when a build, the nm check or the guest fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=stock rounds=16 reps=1 mtime=0.5 warmup=0.1 mech=mbox-rw,mbox-ioctl
sizes=64,4K out='' json='' aa=0 render=''
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) flavour=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--time) mtime=$2; shift 2 ;;
	--warmup) warmup=$2; shift 2 ;;
	--mech) mech=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--json) json=$2; shift 2 ;;
	--aa) aa=1; shift ;;
	--render) render=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done
if ! [[ $rounds =~ ^[0-9]+$ ]] || [ "$rounds" -lt 2 ]; then
	die "--rounds must be a number of at least 2"
fi

# report DIR JSON: the table (and JSON) from the results in DIR.
report() {
python3 - "$1" "$2" <<'PY'
import csv, json, statistics, sys

# A p50 of fewer round trips than this measured a stall of the host more
# than the module: such values are marked (and kept; the medians resist).
FEW = 100
out, json_to = sys.argv[1], sys.argv[2]
cond = dict(l.rstrip("\n").split(": ", 1) for l in open(f"{out}/conditions.txt"))
rounds = int(cond["rounds"])
aa = cond["b"] != "IPCCHAN_NO_TRACE=1"
kernel = open(f"{out}/kernel.txt").read().strip()
env = next((l.split(":", 1)[1].strip() for l in open(f"{out}/r1-A.txt")
            if l.startswith("virtualisation:")), "unknown")
p50 = {}                # (mech, size) -> {"A": [...], "B": [...]} by round
few = {}                # (mech, size, variant, round) with too few samples
for r in range(1, rounds + 1):
    for v in "AB":
        for row in csv.DictReader(open(f"{out}/r{r}-{v}.csv")):
            if row["mode"] != "pingpong":
                continue
            if row["status"] != "ok":
                sys.exit(f"trace-ab: round {r} {v}: {row['mechanism']} "
                         f"{row['size_req']} B {row['status']}")
            key = (row["mechanism"], int(row["size_req"]))
            p50.setdefault(key, {"A": [], "B": []})[v].append(float(row["p50_us"]))
            if float(row["n_per_rep"]) < FEW:
                few[key + (v, r)] = True

results, lines = [], []
lines.append(f"trace-ab: {kernel}, {env}; {cond['host']}; after: {cond['after']}")
lines.append(f"{cond['date']}, tree {cond['tree']}")
lines.append("A: tracepoints compiled in, tracing off; B: "
             + ("the same build (--aa control)" if aa else "IPCCHAN_NO_TRACE=1")
             + "; ping-pong p50 in us, same CPU")
for (m, size), d in p50.items():           # in ipcbench's order
    a, b = d["A"], d["B"]
    ma, mb = statistics.median(a), statistics.median(b)
    band = max(b) - min(b)
    within = abs(ma - mb) <= band
    # A and B of one round ran back to back: their ratio is free of the
    # host's load changing between rounds.
    paired = [x / y for x, y in zip(a, b)]
    mp = statistics.median(paired)
    results.append({"mechanism": m, "size": size, "a_p50_us": a, "b_p50_us": b,
                    "a_median_us": ma, "b_median_us": mb, "ratio": ma / mb,
                    "noise_band_us": band, "within_noise": within,
                    "paired_ratios": paired, "paired_ratio_median": mp,
                    "a_min_us": min(a), "b_min_us": min(b),
                    "few_samples": sorted(f"{v}{r}" for (mm, ss, v, r) in few
                                          if (mm, ss) == (m, size))})
    lines.append("")
    lines.append(f"{m}, {size} B")
    lines.append(f"  {'round':>6} {'A':>9} {'B':>9} {'A/B':>8}")
    for r in range(rounds):
        fa = "*" if few.get((m, size, "A", r + 1)) else " "
        fb = "*" if few.get((m, size, "B", r + 1)) else " "
        lines.append(f"  {r + 1:>6} {a[r]:>9.1f}{fa}{b[r]:>9.1f}{fb}{paired[r]:>7.3f}")
    lines.append(f"  {'median':>6} {ma:>9.1f} {mb:>9.1f} {ma / mb:>8.3f}"
                 f"   (median of the rounds' A/B {mp:.3f})")
    lines.append(f"  {'min':>6} {min(a):>9.1f} {min(b):>9.1f} {min(a) / min(b):>8.3f}"
                 "   (the least disturbed rounds)")
    lines.append(f"  A-B {ma - mb:+.1f} us, noise band (B max-min) {band:.1f} us "
                 f"[{min(b):.1f}-{max(b):.1f}]: "
                 + ("within noise" if within else "OUTSIDE noise"))
if few:
    lines.append("")
    lines.append(f"* fewer than {FEW} round trips in that load: the host stalled the guest")
text = "\n".join(lines) + "\n"
open(f"{out}/table.txt", "w").write(text)
(sys.stderr if json_to == "-" else sys.stdout).write(text)
if json_to:
    doc = {"tool": "trace-ab", "control_aa": aa, "kernel": kernel, "virtualisation": env,
           "rounds": rounds, "conditions": cond, "results": results}
    f = sys.stdout if json_to == "-" else open(json_to, "w")
    json.dump(doc, f, indent=1)
    f.write("\n")
PY
}

if [ -n "$render" ]; then
	report "$render" "$json"
	exit 0
fi

load_kernel_record
case $flavour in
stock) kdir=$KDIR_STOCK ;;
stock61) kdir=$KDIR_61 ;;
*) die "--kernel must be stock or stock61 (the debug kernel's checkers would be what is measured)" ;;
esac

out=${out:-$TOP/bench-results/trace-ab-$(date +%Y-%m-%d-%H%M%S)}
mkdir -p "$out"
out=$(realpath "$out")
log "trace-ab: results in $out"

# Both builds from one copy of the tree, back to back.
bdir=$BUILD/trace-ab/$flavour
mkdir -p "$bdir"
for v in A B; do
	args=()
	[ "$v" = B ] && [ "$aa" -eq 0 ] && args=(IPCCHAN_NO_TRACE=1)
	log "trace-ab: building $v${args:+ (${args[*]})} against $(basename "$kdir")"
	"$TOP/scripts/build-module.sh" "$kdir" "$bdir/$v" "${args[@]}" >"$bdir/$v.log" 2>&1 ||
		{ tail -n 30 "$bdir/$v.log" >&2; die "build of $v failed"; }
	cp "$bdir/$v/ipcchan.ko" "$out/$v.ko"
done

# The two builds must differ in exactly the tracepoints (or, for --aa,
# not at all).
events=$(grep -c '^TRACE_EVENT(ipcchan_' "$TOP/kmod/trace.h")
count_tp() { nm "$1" | grep -c ' __tracepoint_ipcchan_' || true; }
na=$(count_tp "$out/A.ko") nb=$(count_tp "$out/B.ko")
b_events=$((aa ? events : 0))
if [ "$events" -eq 0 ] || [ "$na" -ne "$events" ]; then
	die "A.ko has $na __tracepoint_ipcchan_* symbols, kmod/trace.h declares $events"
fi
[ "$nb" -eq "$b_events" ] ||
	die "B.ko has $nb __tracepoint_ipcchan_* symbols, not $b_events: IPCCHAN_NO_TRACE did not apply"
log "trace-ab: nm: A.ko has all $events tracepoints, B.ko $nb"

# The guest's part: busybox sh, everything through /out.
cat >"$out/guest.sh" <<EOF
# generated by scripts/trace-ab.sh
set -e
cd /out
ev=/sys/kernel/tracing/events/ipcchan
[ -d /sys/kernel/tracing/events ] || mount -t tracefs tracefs /sys/kernel/tracing
uname -r >kernel.txt
ipcbench --list >mechanisms.txt
load() {
	insmod /out/\$1.ko
	if [ \$1 = A ] || [ $b_events -gt 0 ]; then
		[ -d \$ev ] || { echo "trace-ab: \$1 loaded without its events" >&2; exit 3; }
		grep -q '^0\$' \$ev/enable || { echo "trace-ab: \$1's events are enabled" >&2; exit 3; }
	elif [ -d \$ev ]; then
		echo "trace-ab: B loaded with ipcchan events" >&2; exit 3
	fi
}
unload() {
	n=0
	until rmmod ipcchan 2>/dev/null; do
		n=\$((n + 1)); [ \$n -lt 10 ] || { echo "trace-ab: rmmod failed" >&2; exit 3; }
		sleep 1
	done
}
r=1
while [ \$r -le $rounds ]; do
	order="A B"
	[ \$((r % 2)) -eq 0 ] && order="B A"
	for v in \$order; do
		echo "trace-ab: round \$r/$rounds: \$v" >&2
		load \$v
		ipcbench -M pingpong -p same -m $mech -b ${mech%%,*} -s $sizes \\
			-r $reps -t $mtime -w $warmup --csv r\$r-\$v.csv >r\$r-\$v.txt
		unload
	done
	r=\$((r + 1))
done
EOF

# What vm.sh would build first, here, so that its output stays in a log.
log "trace-ab: building the guest's tools"
make -s -C "$TOP" --no-print-directory guest-bins >"$bdir/guest-bins.log" 2>&1 ||
	{ tail -n 30 "$bdir/guest-bins.log" >&2; die "make guest-bins failed"; }

# A rough picture of what else ran on the host meanwhile.
host_load() { echo "$(cut -d' ' -f1-3 /proc/loadavg) load, $(pgrep -c qemu-system || true) QEMU processes"; }
{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "tree: $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "host: $(nproc) CPUs; before: $(host_load)"
	echo "rounds: $rounds"
	echo "b: $([ "$aa" -eq 1 ] && echo "the same build as A (--aa)" || echo IPCCHAN_NO_TRACE=1)"
} >"$out/conditions.txt"
# ~4 s per load under TCG with the defaults; generous for a busy host.
timeout=$((300 + rounds * reps * 60))
log "trace-ab: booting one $flavour VM for $rounds rounds"
set +e
"$TOP/scripts/vm.sh" --kernel "$flavour" --no-module --timeout "$timeout" \
	--out "$out" --log "$out/serial.log" -- sh /out/guest.sh |
	grep --line-buffered -a 'trace-ab:' >&2
rc=${PIPESTATUS[0]}
set -e
echo "after: $(host_load)" >>"$out/conditions.txt"
[ "$rc" -eq 0 ] || die "the guest run failed (status $rc): see $out/serial.log"

report "$out" "$json"
