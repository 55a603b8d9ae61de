#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-selftests [TEST...]: run the ipcchan kselftests (all by default) and
# print their TAP output, then one summary line that scripts/check.sh and
# CI read:
#
#   N passed, N failed, N skipped
#
# A binary that crashes or prints no "# Totals:" line counts as one failure.

tests="${*:-@TESTS@}"
dir=$(dirname "$0")
pass=0 fail=0 skip=0

for t in $tests; do
	echo "# ===== $t"
	out=/tmp/ipcchan-selftest.$$
	"$dir/$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	totals=$(grep '^# Totals:' "$out" | tail -n 1)
	rm -f "$out"
	if [ -z "$totals" ]; then
		echo "not ok $t # crashed or was killed (exit $rc)"
		fail=$((fail + 1))
		continue
	fi
	# "# Totals: pass:N fail:N xfail:N xpass:N skip:N error:N"
	# $4 pass, $6 fail, $8 xfail, $10 xpass, $12 skip, $14 error
	set -- $(echo "$totals" | tr ':' ' ')
	pass=$((pass + $4 + $8)) fail=$((fail + $6 + ${10} + ${14}))
	skip=$((skip + ${12}))
	if [ "$rc" -ne 0 ] && [ "$6" -eq 0 ] && [ "${14}" -eq 0 ]; then
		echo "not ok $t # exit status $rc"
		fail=$((fail + 1))
	fi
done

echo "IPCCHAN-RESULT pass=$pass fail=$fail skip=$skip"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
