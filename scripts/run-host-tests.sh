#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-host-tests.sh TEST...: run host unit tests (TAP), then print the
# summary line scripts/check.sh reads, summed over all of them:
#
#   IPCCHAN-RESULT pass=N fail=N skip=N
#   N passed, N failed, N skipped
#
# The C tests (kselftest_harness.h) are counted from their "# Totals:"
# line, as selftests/run-selftests.sh counts the VM's; the scripts, which
# print none, from their "ok" and "not ok" lines ("# SKIP" is a skip).
set -uo pipefail
pass=0 fail=0 skip=0
for t in "$@"; do
	echo "# ===== ${t##*/}"
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	totals=$(printf '%s\n' "$out" | grep '^# Totals:' | tail -n 1)
	if [ -n "$totals" ]; then
		# "# Totals: pass:N fail:N xfail:N xpass:N skip:N error:N"
		read -r _ _ _ tp _ tf _ txf _ txp _ ts _ te <<<"${totals//:/ }"
		p=$((tp + txf)) f=$((tf + txp + te)) s=$ts
	else
		s=$(printf '%s\n' "$out" | grep -c '^ok .*# SKIP')
		p=$(($(printf '%s\n' "$out" | grep -c '^ok ') - s))
		f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	fi
	# A sanitizer abort or crash without a failed test is one failure.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok ${t##*/} # exit status $rc"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
echo "IPCCHAN-RESULT pass=$pass fail=$fail skip=$skip"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
