#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-host-tests.sh TEST...: run host unit-test binaries (TAP), then print
# "N passed, N failed" summed over all of them.
set -uo pipefail
pass=0 fail=0
for t in "$@"; do
	echo "# ===== ${t##*/}"
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	# A sanitizer abort or crash without TAP lines is one failure.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok ${t##*/} # exit status $rc"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f))
done
echo "IPCCHAN-RESULT pass=$pass fail=$fail skip=0"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
