#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# faultinject.sh: the test suite under failslab and fail_page_alloc, aimed
# at the test processes only, with the probability swept.
#
#   host:   scripts/faultinject.sh [--quick]
#           boots the debug kernel (scripts/vm.sh --kernel debug) and runs
#           this same script inside as ipcchan-faultinject
#
#   guest   /sys/kernel/debug/fail{slab,_page_alloc}
#   -----   task-filter=Y     only tasks with /proc/<pid>/make-it-fail=1
#           require-start/end the module's address range: only allocations
#                             with an ipcchan frame on the stack fail
#           probability       swept: 2 10 30 70 (%), interval 1
#           times             large; what is left gives the failures forced
#           verbose=2         a stack per forced failure (rate-limited by
#                             the kernel), parsed into "sites hit"
#
#           For each probability: ipcchan-fuzz (which fails on any errno
#           not documented for its call) and the kselftests, with
#           make-it-fail inherited by every process they fork. Their test
#           verdicts are not the point (a forced ENOMEM fails assertions);
#           the kernel's are: while injecting, the console is quiet (the
#           expected allocation-failure stacks would drown it), and
#           afterwards every dmesg line outside a fault-injection or
#           allocation-failure dump is scanned for BUG/WARNING/KASAN/
#           UBSAN/lockdep reports, which are printed (so the runner sees
#           them) and fail the run. kmemleak runs after the script, in
#           the guest's init.
#
# Last lines: "FAULTINJECT site <function> <count>" per allocation site
# hit, then "FAULTINJECT forced N failures, M sites, R reports".
set -u

if [ "${1:-}" != "--guest" ]; then
	top=$(cd "$(dirname "$0")/.." && pwd)
	# --quick (make check's vm-fault layer) takes about 4 minutes; a
	# hang must fail the layer well inside CI's budget, not eat it.
	limit=3600
	[ "${1:-}" = "--quick" ] && limit=1200
	exec "$top/scripts/vm.sh" --kernel debug --timeout "$limit" -- \
		ipcchan-faultinject --guest "$@"
fi
shift
quick=0
[ "${1:-}" = "--quick" ] && quick=1

dbg=/sys/kernel/debug
for f in failslab fail_page_alloc; do
	[ -d "$dbg/$f" ] || { echo "faultinject: no $dbg/$f (not the debug kernel?)"; exit 1; }
done

TIMES=1000000000
# The module's range, from /proc/modules (root sees real addresses). Read
# again for every step: the lifecycle test reloads the module elsewhere.
module_range() {
	set -- $(grep '^ipcchan ' /proc/modules)
	mod_size=$2
	mod_base=$6
	[ -n "$mod_base" ] && [ "$mod_base" != 0x0000000000000000 ] ||
		{ echo "faultinject: cannot read the module's address"; exit 1; }
	mod_end=$(printf '0x%x' $((mod_base + mod_size)))
}

setup() {	# FILE PROBABILITY
	module_range
	d=$dbg/$1
	echo "$2" >"$d/probability"
	echo 1 >"$d/interval"
	echo $TIMES >"$d/times"
	echo 0 >"$d/space"
	echo 2 >"$d/verbose"
	echo Y >"$d/task-filter"
	echo "$mod_base" >"$d/require-start"
	echo "$mod_end" >"$d/require-end"
	echo 0 >"$d/reject-start"
	echo 0 >"$d/reject-end"
	echo 32 >"$d/stacktrace-depth"
	[ -w "$d/ignore-gfp-wait" ] && echo N >"$d/ignore-gfp-wait"
	[ -w "$d/ignore-gfp-highmem" ] && echo N >"$d/ignore-gfp-highmem"
	[ -w "$d/min-order" ] && echo 0 >"$d/min-order"
	[ -w "$d/cache-filter" ] && echo N >"$d/cache-filter"
}

forced() {	# FILE: failures forced since setup
	echo $((TIMES - $(cat "$dbg/$1/times")))
}

quiet_console() {
	echo N >/sys/module/printk/parameters/ignore_loglevel
	dmesg -n 1
}

loud_console() {
	dmesg -n 8
	echo Y >/sys/module/printk/parameters/ignore_loglevel
}

# Keep the selftests' output in /tmp/fi-tests.log, and show on the
# console which binary runs (with the time) and every test that fails.
progress() {
	tee -a /tmp/fi-tests.log | while IFS= read -r line; do
		case $line in
		"# ===== "*) echo "faultinject: $(date +%T) ${line#\# ===== }" ;;
		"not ok "*) echo "faultinject:   $line" ;;
		esac
	done
}

# Run "$@" as a process that fails allocations (inherited across fork).
failing() {
	sh -c 'echo 1 >/proc/self/make-it-fail && exec "$@"' failing "$@"
}

# The fuzzer opens, maps and scribbles on rings, and sends netlink
# requests and joins the monitor group, so its events are built too;
# ring_test, netlink_test and ring_security_test reach the ring and
# netlink allocation sites by their ordinary paths as well, and the
# lifecycle test creates a ring and a listener in every cycle.
if [ "$quick" -eq 1 ]; then
	probs="10 50"
	fuzz_ops=3000
	tests="core_test mailbox_test security_test ring_test netlink_test ring_security_test"
	lifecycle_cycles=3
	stress_msgs=3000
	# Each binary takes seconds here; one that hangs is killed (and
	# counted) after 3 minutes, so the run still reaches its checks.
	export IPCCHAN_TEST_TIMEOUT=180
else
	probs="2 10 30 70"
	fuzz_ops=20000
	tests="core_test mailbox_test security_test ring_test netlink_test ring_security_test stress_test ring_stress_test fuzz_test"
	lifecycle_cycles=10
	stress_msgs=20000
fi

dmesg -c >/dev/null
total=0
for p in $probs; do
	setup failslab "$p"
	setup fail_page_alloc "$p"
	echo "faultinject: probability $p%, ipcchan at $mod_base-$mod_end"
	quiet_console
	failing ipcchan-fuzz --seed "$p" --ops "$fuzz_ops" >/tmp/fi-fuzz.log 2>&1
	fuzz_rc=$?
	# Progress on the console: each binary as it starts, and each failure.
	: >/tmp/fi-tests.log
	IPCCHAN_STRESS_MSGS=$stress_msgs IPCCHAN_STRESS_RECORDS=$stress_msgs \
		IPCCHAN_FUZZ_OPS=2000 \
		failing run-selftests $tests 2>&1 | progress
	IPCCHAN_LIFECYCLE_CYCLES=$lifecycle_cycles \
		failing run-selftests lifecycle_test 2>&1 | progress
	loud_console
	fs=$(forced failslab) fp=$(forced fail_page_alloc)
	echo 0 >"$dbg/failslab/probability"
	echo 0 >"$dbg/fail_page_alloc/probability"
	total=$((total + fs + fp))
	tail -n 1 /tmp/fi-fuzz.log
	echo "faultinject: $p%: forced $fs slab + $fp page failures; fuzz exit $fuzz_rc;" \
		"selftests under injection: $(grep -a 'passed,' /tmp/fi-tests.log | tr '\n' ' ')"
	if [ "$fuzz_rc" -ne 0 ]; then
		echo "faultinject: ipcchan-fuzz saw an undocumented errno or wrong result:"
		grep -a 'ipcchan-fuzz: op' /tmp/fi-fuzz.log | head -n 20
		fuzz_failed=1
	fi
	# The module must still be there (the lifecycle test reloads it).
	grep -q '^ipcchan ' /proc/modules || insmod /lib/ipcchan/ipcchan.ko
	dmesg -c >>/tmp/fi-dmesg.log
done

# A test that failed under injection can leave a child behind (say, a
# reader blocked on a mailbox its failed parent never fills). Such a
# process holds real references and would make the rmmod after this run
# fail for a reason that is not a leak. List every process still running
# one of our binaries, with its ipcchan fds, then end it; the kmemleak
# scan and the rmmod that follow then test for leaked references only.
for d in /proc/[0-9]*; do
	exe=$(readlink "$d/exe" 2>/dev/null) || continue
	case $exe in /opt/ipcchan/bin/*) ;; *) continue ;; esac
	echo "faultinject: leftover ${d#/proc/} $exe:" \
		"$(ls -l "$d/fd" 2>/dev/null | grep -c ipcchan) ipcchan fds"
	kill -9 "${d#/proc/}" 2>/dev/null
done
sleep 1

# Sites: the innermost ipcchan frame of every forced-failure stack. Report
# lines: anything that matches outside those dumps and the allocator's
# own "page allocation failure" and "vmalloc error" dumps (warn_alloc();
# all end with </TASK>). Report lines are matched by their headers on
# every line, inside a dump too: with two vCPUs the dumps interleave, so
# a bare "Call Trace:" says nothing about which dump it belongs to, and
# every kind of report has a header of its own.
awk '
	/BUG:|WARNING:|Oops|general protection|Kernel panic|KASAN:|UBSAN:|possible recursive locking|possible circular locking|blocked for more than/ {
		print "FAULTINJECT report: " $0; reports++
	}
	/FAULT_INJECTION: forcing a failure|page allocation failure|vmalloc error:/ { dump = 1; site = ""; next }
	dump && /\[ipcchan\]/ && site == "" {
		site = $0
		sub(/^.*\] +/, "", site); sub(/^\? +/, "", site)
		sub(/\+0x.*/, "", site)
		count[site]++
	}
	dump && /<\/TASK>/ { dump = 0; next }
	dump { next }
	END {
		for (s in count) { print "FAULTINJECT site " s " " count[s]; n++ }
		print "FAULTINJECT-SUMMARY sites=" n+0 " reports=" reports+0
	}
' /tmp/fi-dmesg.log >/tmp/fi-summary
sort /tmp/fi-summary
sites=$(sed -n 's/.*sites=\([0-9]*\).*/\1/p' /tmp/fi-summary)
reports=$(sed -n 's/.*reports=\([0-9]*\).*/\1/p' /tmp/fi-summary)
echo "FAULTINJECT forced $total failures, $sites sites, $reports reports"
if [ "$reports" -eq 0 ] && [ "$sites" -gt 0 ] && [ -z "${fuzz_failed:-}" ]; then
	echo "IPCCHAN-RESULT pass=1 fail=0"
	exit 0
fi
echo "IPCCHAN-RESULT pass=0 fail=1"
exit 1
