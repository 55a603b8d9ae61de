#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-selftests [TEST...]: run the ipcchan kselftests (all by default),
# streaming each binary's TAP output as it runs, then print one summary
# line that scripts/check.sh and CI read:
#
#   IPCCHAN-RESULT pass=N fail=N skip=N
#   N passed, N failed, N skipped
#
# Each binary runs in its own session and is killed, with every process it
# forked, after IPCCHAN_TEST_TIMEOUT seconds (default: the timeout= of the
# kselftest `settings` file; 0 for no limit). A binary that is killed,
# crashes or prints no "# Totals:" line counts as one failure; one that
# skips as a whole (exit 4, plan "1..0 # SKIP", e.g. without the module)
# counts as one skip.

tests="${*:-@TESTS@}"
dir=$(dirname "$0")
limit=${IPCCHAN_TEST_TIMEOUT:-@TIMEOUT@}
tmp=/tmp/ipcchan-selftest.$$
pass=0 fail=0 skip=0

# run_one TEST: run it with its output on stdout and in $tmp.out, its exit
# status in $tmp.rc; 1 if it was killed for taking too long.
run_one() {
	rm -f "$tmp.pid" "$tmp.rc"
	{
		setsid sh -c 'echo $$ >"$1"; exec "$2"' run "$tmp.pid" "$dir/$1" 2>&1
		echo $? >"$tmp.rc"
	} | tee "$tmp.out" &
	pipe=$! ticks=0 grace=0
	while kill -0 "$pipe" 2>/dev/null; do
		sleep 0.2
		ticks=$((ticks + 1))
		# A process the binary left behind, outside its process group
		# (a child that called setsid(), say), keeps the pipe to tee
		# open after the binary is gone: stop reading after 10 s
		# rather than wait for it for ever.
		if [ -e "$tmp.rc" ]; then
			grace=$((grace + 1))
			if [ "$grace" -ge 50 ]; then
				echo "# $1 exited, but a process it left behind holds its output open"
				kill "$pipe" 2>/dev/null
				break
			fi
		fi
		if [ "$limit" -gt 0 ] && [ "$ticks" -ge $((limit * 5)) ] && [ -s "$tmp.pid" ]; then
			kill -KILL -- "-$(cat "$tmp.pid")" 2>/dev/null
			# The same for what escaped the process group.
			sleep 1
			kill "$pipe" 2>/dev/null
			wait "$pipe"
			return 1
		fi
	done
	wait "$pipe"
	return 0
}

for t in $tests; do
	echo "# ===== $t"
	if ! run_one "$t"; then
		echo "not ok $t # killed after ${limit}s (IPCCHAN_TEST_TIMEOUT)"
		fail=$((fail + 1))
		continue
	fi
	rc=$(cat "$tmp.rc" 2>/dev/null || echo 255)
	totals=$(grep '^# Totals:' "$tmp.out" | tail -n 1)
	if [ -z "$totals" ]; then
		if [ "$rc" -eq 4 ] && grep -q '^1\.\.0 # SKIP' "$tmp.out"; then
			skip=$((skip + 1))
			continue
		fi
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
rm -f "$tmp.out" "$tmp.pid" "$tmp.rc"

echo "IPCCHAN-RESULT pass=$pass fail=$fail skip=$skip"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
