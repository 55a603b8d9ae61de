#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh (make check): every test layer, in order, on a fresh machine.
#
#   deps      scripts/deps.sh: install what is missing (needs root)
#   build     module against the VM kernel's headers, tools (host and
#             static), selftests
#   lint      checkpatch --strict, W=1 + sparse on 6.12 and 6.1
#   host      host unit tests under ASan + UBSan
#   vm-stock  the kselftests in a VM on the stock Debian 6.12 kernel;
#             compare_test there also fails when a semantic cell of
#             Documentation/generated/props-6.12.rst (make props-doc)
#             differs from what the kernel does
#   vm-61     the same kselftests on the stock Debian 6.1 kernel (KVER61),
#             module built against its headers (about 90 s under TCG)
#   ynl       the kernel's own YNL CLI against the module and our spec,
#             in the VM on the stock kernel (about 75 s under TCG)
#   lab       ipcchan-lab check --measured all: every exercise of the
#             guided lab against ipcbench --props on the stock kernel
#             (Documentation/lab.rst; under a minute under TCG)
#   live      tracepoints through bpftrace (a mailbox recipe and its pipe
#             counterpart) and `ipcchan top` in tmux, stock kernel, host
#             root (scripts/live-check.sh)
#   vm-debug  the same on the debug kernel (KASAN, lockdep, kmemleak,
#             UBSAN); its first build on a machine takes 15-30 minutes
#   vm-fault  scripts/faultinject.sh --quick: allocation failures forced in
#             the module under the fuzzer and the suite, debug kernel
#   install   scripts/install-test.sh: make install/uninstall against the
#             documented tree, C and C++ programs on the installed
#             libipcchan in the VM, modules_install and modinfo, dkms build
#             on 6.12 and 6.1, the Debian packages, the selftests in a
#             kernel tree, and the suite without the module (all SKIP)
#
# Each layer's log is kept in build/check/<layer>.log. The last line is
# the sum over all layers: "N passed, N failed". Exit status 0 only when
# nothing failed and every layer ran.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

logs=$BUILD/check
mkdir -p "$logs"
total_pass=0 total_fail=0
summary=() failed=()
start=$SECONDS

# layer NAME COMMAND...: run it, tee its log, count its IPCCHAN-RESULT line.
# A layer that fails without reporting failed tests counts one failure.
layer() {
	local name=$1 log=$logs/$1.log rc res p=0 f=0 t0=$SECONDS
	shift
	echo "=== [$(date +%H:%M:%S)] $name: $*"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	res=$(grep -ao 'IPCCHAN-RESULT pass=[0-9]* fail=[0-9]*' "$log" | tail -n 1)
	if [ -n "$res" ]; then
		p=$(echo "$res" | sed 's/.*pass=\([0-9]*\).*/\1/')
		f=$(echo "$res" | sed 's/.*fail=\([0-9]*\).*/\1/')
	elif [ "$rc" -eq 0 ]; then
		p=1
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f))
	[ "$rc" -eq 0 ] || failed+=("$name")
	summary+=("$(printf '%-9s %4d passed %4d failed  %4ds  %s' "$name" "$p" "$f" \
		$((SECONDS - t0)) "$([ "$rc" -eq 0 ] && echo ok || echo "FAILED (exit $rc, log $log)")")")
	return "$rc"
}

finish() {
	echo
	echo "=== summary ($((SECONDS - start)) s)"
	printf '%s\n' "${summary[@]}"
	# What failed, where a reader of only the end of this output sees it:
	# the failing tests and the runners' own messages, then the log's end.
	local name
	for name in "${failed[@]}"; do
		echo "--- $name failed; from $logs/$name.log:"
		{
			grep -aE '^not ok|^# +FAIL|vm\.sh:|Kernel panic|BUG:|check:' \
				"$logs/$name.log" | tail -n 6
			echo "..."
			tail -n 4 "$logs/$name.log"
		} | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\r$//' | cut -c1-200
	done
	echo "$total_pass passed, $total_fail failed"
	[ "$total_fail" -eq 0 ] && [ "$1" -eq 0 ]
	exit
}

if ! layer deps "$TOP/scripts/deps.sh"; then
	echo "check: dependencies are missing; nothing else can run" >&2
	finish 1
fi
load_kernel_record

layer build make -C "$TOP" --no-print-directory all guest-bins KDIR="$KDIR_STOCK" || finish 1
layer lint "$TOP/scripts/lint.sh"
layer host make -C "$TOP" --no-print-directory host-test
layer vm-stock "$TOP/scripts/vm.sh" --kernel stock --log "$logs/vm-stock.serial"
layer vm-61 "$TOP/scripts/vm.sh" --kernel stock61 --log "$logs/vm-61.serial"
layer ynl make -C "$TOP" --no-print-directory ynl-test
layer lab "$TOP/scripts/vm.sh" --kernel stock --log "$logs/lab.serial" -- ipcchan-lab-check
layer install "$TOP/scripts/install-test.sh"
layer live "$TOP/scripts/vm.sh" --kernel stock --host --log "$logs/live.serial" \
	-- "$TOP/scripts/live-check.sh"
# Build (or find in the cache) the debug kernel first, as its own step,
# so a build failure is not mistaken for a test failure.
if layer dbg-kernel "$TOP/scripts/debug-kernel.sh"; then
	layer vm-debug "$TOP/scripts/vm.sh" --kernel debug --timeout 2400 \
		--log "$logs/vm-debug.serial"
	# failslab + fail_page_alloc over the fuzzer and the suite (issue 7).
	layer vm-fault "$TOP/scripts/faultinject.sh" --quick
fi
finish 0
