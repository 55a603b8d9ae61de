#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lab-check.sh, installed in the VM as ipcchan-lab-check: make check's lab
# layer. Every exercise of ipcchan-lab checked against this kernel's own
# measurement (check --measured: each question readable, right when
# answered with the measured value and wrong otherwise, each claim of the
# explanations true), then the "IPCCHAN-RESULT pass=N fail=N" line that
# scripts/check.sh counts. busybox sh.
t0=$(date +%s)
out=/tmp/ipcchan-lab-check.out
ipcchan-lab check --measured all >"$out" 2>&1
rc=$?
cat "$out"
skip=$(grep -c '^ok .*# SKIP' "$out")
pass=$(($(grep -c '^ok ' "$out") - skip))
fail=$(grep -c '^not ok ' "$out")
[ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
echo "lab: $(($(date +%s) - t0)) s in the guest"
echo "IPCCHAN-RESULT pass=$pass fail=$fail skip=$skip"
exit "$rc"
