#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lab_test.sh: host tests of ipcchan-lab (TAP), without the module.
#
#   --help, list, show   exit 0, and under strace no ipcbench run, no open
#                        of /dev/ipcchan
#   usage errors         exit 2, usage on stderr, nothing measured
#   every question key   in Documentation/lab.rst
#   the checker          on a saved measurement (lab-props.json, written
#                        by ipcbench --props --json on stock 6.12; any
#                        ipcbench --props document will do):
#                        --measured passes; answers equal to the measured
#                        values are all right; one wrong answer (file or
#                        --answer) is reported wrong and exits 1; a cell
#                        edited to contradict an explanation (boundaries,
#                        timeouts, rendezvous), or to text the lab cannot
#                        read, fails --measured
#   the ipcbench runs    through a stand-in ipcbench that serves the same
#                        document: one run without the speed rows, one
#                        with them for the memory exercise only; a
#                        mechanism this ipcbench lacks (a ring, a
#                        rendezvous mailbox) is skipped, its questions
#                        and claims too; a failing ipcbench fails the check
#
# Needs bash, python3, strace and $IPCCHAN_LAB (make host-test sets it).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

lab=${IPCCHAN_LAB:-${BUILD:-$top/build}/host/bin/ipcchan-lab}
props=$top/tools/tests/lab-props.json

# run ARGS...: ipcchan-lab under strace; $tmp/{out,err,trace}; its status.
run() {
	traced execve,open,openat "$lab" "$@"
}

# Did the traced run start a program (ipcbench) or open the device?
measured() {
	[ "$(grep -c 'execve(' "$tmp/trace")" -gt 1 ] || grep -q '"/dev/ipcchan"' "$tmp/trace"
}

tap_start lab_test "$lab" strace python3

rc=0
for args in "--help" "-h" "help" "check --help" "run 1 -h" "-j --help" "check -m all --help"; do
	# shellcheck disable=SC2086
	run $args
	r=$?
	if [ "$r" -ne 0 ] || ! head -n 1 "$tmp/out" | grep -q '^Usage: ipcchan-lab' ||
	   [ -s "$tmp/err" ] || measured; then
		echo "# ipcchan-lab $args: exit $r, or no usage on stdout, or it measured"
		rc=1
	fi
done
ok $rc "--help prints the usage on stdout, exits 0, measures nothing"

rc=0
for args in "list" "-j list" "show all" "show 3" "show capacity" "-j show all"; do
	# shellcheck disable=SC2086
	run $args
	r=$?
	if [ "$r" -ne 0 ] || [ ! -s "$tmp/out" ] || [ -s "$tmp/err" ] || measured; then
		echo "# ipcchan-lab $args: exit $r, or it measured"
		rc=1
	fi
done
ok $rc "list and show run without ipcbench or the device"

"$lab" -j list >"$tmp/list.json" && python3 -m json.tool "$tmp/list.json" >/dev/null &&
	[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/list.json")" -ge 8 ]
ok $? "list -j is JSON with at least eight exercises"

# Every question key is in the students' guide.
python3 -c 'import json,sys
for e in json.load(open(sys.argv[1])):
    for k in e["questions"]: print(k)' "$tmp/list.json" >"$tmp/keys"
rc=0
while read -r k; do
	grep -qF -- "$k" "$top/Documentation/lab.rst" || { echo "# $k is not in lab.rst"; rc=1; }
done <"$tmp/keys"
[ -s "$tmp/keys" ] || rc=1
ok $rc "every question key ($(wc -l <"$tmp/keys")) is in Documentation/lab.rst"

rc=0
for args in "" "bogus" "run" "run 9" "run nosuch" "list 1" "check 1 2" "--bogus list" \
	    "show 1 --measured" "show 1 --props $props" "run 1 -A pipe-read=1" \
	    "check 1 --answer nosuch=1 --props $props" \
	    "check all --answer pipe-read=1 --props $props" \
	    "check 1 -A 1.pipe-read --props $props" \
	    "check 1 --measured -A pipe-read=1 --props $props"; do
	# shellcheck disable=SC2086
	run $args
	r=$?
	if [ "$r" -ne 2 ] || [ -s "$tmp/out" ] || ! grep -q 'Usage: \|ipcchan-lab: ' "$tmp/err" ||
	   measured; then
		echo "# ipcchan-lab $args: exit $r, not 2 with a message on stderr alone"
		rc=1
	fi
done
ok $rc "usage errors exit 2 on stderr, before measuring"

# The checker on the saved measurement.
"$lab" check --measured all --props "$props" >"$tmp/self" 2>&1
r=$?
[ "$r" -eq 0 ] && tail -n 1 "$tmp/self" | grep -Eq '^[1-9][0-9]* passed, 0 failed' &&
	! grep -q '^not ok' "$tmp/self"
ok $? "check --measured all passes on the saved measurement ($(tail -n 1 "$tmp/self"))"

# Answers equal to the measured values, from check -j, are all right.
"$lab" -j check --measured all --props "$props" >"$tmp/self.json" 2>/dev/null
python3 -c 'import json,sys
for e in json.load(open(sys.argv[1]))["exercises"]:
    for q in e["questions"]: print("%s = %s" % (q["key"], q["measured"]))' \
	"$tmp/self.json" >"$tmp/answers"
{ echo "# a comment"; echo; cat "$tmp/answers"; } >"$tmp/answers.txt"
"$lab" check all -a "$tmp/answers.txt" --props "$props" >"$tmp/out" 2>&1
r=$?
[ "$r" -eq 0 ] && ! grep -q '^  wrong\|^  unanswered' "$tmp/out" &&
	tail -n 1 "$tmp/out" | grep -q "^$(wc -l <"$tmp/answers") passed, 0 failed"
ok $? "an answers file with the measured values: all right, exit 0"

# One wrong answer among right ones: exit 1, that one reported wrong.
sed 's/^1\.mbox-short = .*/1.mbox-short = partial/' "$tmp/answers.txt" >"$tmp/wrong.txt"
"$lab" check all -a "$tmp/wrong.txt" --props "$props" >"$tmp/out" 2>&1
r=$?
[ "$r" -eq 1 ] && grep -Eq '^  wrong +1\.mbox-short +partial +\(measured: EMSGSIZE\)' "$tmp/out" &&
	[ "$(grep -c '^  wrong ' "$tmp/out")" -eq 1 ] &&
	tail -n 1 "$tmp/out" | grep -q ' passed, 1 failed$'
ok $? "a wrong answer in the file is reported wrong, exit 1"

"$lab" check 2 --answer pipe-64=1000 --props "$props" >"$tmp/out" 2>&1
r=$?
[ "$r" -eq 1 ] && grep -Eq '^  wrong +2\.pipe-64 +1000 +\(measured: 1024\)' "$tmp/out"
ok $? "a wrong --answer is reported wrong, exit 1"

"$lab" check 3 --answer mbox-rdv-capacity=1 -A pipe-timed-empty=ETIMEDOUT \
	--props "$props" >"$tmp/out" 2>&1
r=$?
[ "$r" -eq 1 ] && grep -Eq '^  wrong +3\.mbox-rdv-capacity +1 +\(measured: 0\)' "$tmp/out" &&
	grep -Eq '^  wrong +3\.pipe-timed-empty +ETIMEDOUT +\(measured: none\)' "$tmp/out"
ok $? "wrong rendezvous and timeout answers are reported wrong, exit 1"

"$lab" check 2 -a "$tmp/answers.txt" --answer 2.pipe-64=1023 --props "$props" >"$tmp/out" 2>&1
r1=$?
"$lab" check 5 -a "$tmp/answers.txt" --answer unix-dgram-1=700 --props "$props" >/dev/null 2>&1
r2=$?
"$lab" check 5 -a "$tmp/answers.txt" --answer unix-dgram-1=400 --props "$props" >/dev/null 2>&1
r3=$?
[ "$r1" -eq 1 ] && [ "$r2" -eq 0 ] && [ "$r3" -eq 1 ]
ok $? "exact counts are exact; memory is right within its tolerance only"

# A blank answer (show's template) is unanswered, not right.
"$lab" show 8 >"$tmp/template"
"$lab" check 8 -a "$tmp/template" --props "$props" >"$tmp/out" 2>&1
r=$?
[ "$r" -eq 1 ] && [ "$(grep -c '^  unanswered' "$tmp/out")" -eq "$(grep -c '^8\.' "$tmp/template")" ]
ok $? "show's template checks as unanswered, exit 1"

printf '2.pipe-64 = 1024\n2.pipe-64 = 1024\n' >"$tmp/dup.txt"
"$lab" check 2 -a "$tmp/dup.txt" --props "$props" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'answered twice' "$tmp/err"
ok $? "an answer given twice in a file is a usage error"

"$lab" -j check all -a "$tmp/wrong.txt" --props "$props" >"$tmp/check.json" 2>/dev/null
python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = [q["result"] for e in d["exercises"] for q in e["questions"]]
assert d["failed"] == 1 and r.count("wrong") == 1, (d["failed"], r.count("wrong"))' "$tmp/check.json"
ok $? "check -j is JSON and counts the wrong answer"

# edit MECH ROW SIZE-INDEX TEXT: the saved measurement with one cell changed, in $tmp/edit.json.
edit() {
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for m in d["mechanisms"]:
    if m["name"] == sys.argv[3]: m["cells"][sys.argv[4]][int(sys.argv[5])] = sys.argv[6]
json.dump(d, open(sys.argv[2], "w"))' "$props" "$tmp/edit.json" "$@"
}

# A measurement that contradicts an explanation fails --measured.
edit pipe boundaries 1 "yes"
"$lab" check --measured 1 --props "$tmp/edit.json" >"$tmp/out" 2>&1
r=$?
[ "$r" -eq 1 ] && grep -q '^not ok - 1: claim: a mechanism keeps message boundaries' "$tmp/out"
ok $? "a pipe that kept boundaries would fail exercise 1's claim"

edit mbox-rw full 1 "sleeps for a while"
"$lab" check --measured 3 --props "$tmp/edit.json" >"$tmp/out" 2>&1
r=$?
[ "$r" -eq 1 ] && grep -q '^not ok - 3.mbox-full: unknown full-buffer cell' "$tmp/out"
ok $? "a cell the lab cannot read fails --measured"

# A socket whose timed receive failed at once would be a non-blocking one.
edit unix-dgram timed-empty 1 "EAGAIN at once"
"$lab" check --measured 3 --props "$tmp/edit.json" >"$tmp/out" 2>&1
r=$?
[ "$r" -eq 1 ] && grep -q '^ok - 3.unix-dgram-timed-empty = EAGAIN$' "$tmp/out" &&
	grep -q '^not ok - 3: claim: a timed call of POSIX mq or a mailbox gives up' "$tmp/out"
ok $? "a timed call that did not wait for its timeout fails exercise 3's claim"

edit mbox-rendezvous capacity 2 "1 (4 KiB)"
"$lab" check --measured 3 --props "$tmp/edit.json" >"$tmp/out" 2>&1
r=$?
[ "$r" -eq 1 ] && grep -q '^not ok - 3: claim: a rendezvous mailbox holds nothing' "$tmp/out"
ok $? "a rendezvous mailbox that held a message fails its claim"

edit udp timed-full 1 "EAGAIN after the timeout"
"$lab" check --measured 3 --props "$tmp/edit.json" >"$tmp/out" 2>&1
r=$?
[ "$r" -eq 1 ] && grep -q '^not ok - 3: claim: a timed send gives up where a blocking' "$tmp/out"
ok $? "a timed send that waited where the blocking one drops fails its claim"

# The live path, through a stand-in ipcbench serving the saved document.
cat >"$tmp/ipcbench" <<EOF
#!/bin/sh
echo "\$*" >>"$tmp/ipcbench.log"
[ -n "\${FAIL:-}" ] && exit 3
case " \$* " in
*" -l "*) python3 -c 'import json,sys
for m in json.load(open(sys.argv[1]))["mechanisms"]:
    if m["name"] != sys.argv[2]: print("%-16s %s" % (m["name"], m["desc"]))' "$props" "\${LACK:-none}" ;;
*) cat "$props" ;;
esac
EOF
chmod +x "$tmp/ipcbench"
"$lab" check --measured all -b "$tmp/ipcbench" >"$tmp/out" 2>&1
r=$?
grep -v -- ' -l$' "$tmp/ipcbench.log" >"$tmp/runs"
[ "$r" -eq 0 ] && [ "$(wc -l <"$tmp/runs")" -eq 2 ] &&
	grep -q -- '--no-costs --json - --quiet$' "$tmp/runs" &&
	grep -q -- '^--props -m pipe,unix-dgram,posix-mq,mbox-rw -s 1,64,4096 --json - --quiet$' "$tmp/runs" &&
	! grep -q 'no-costs' <(grep -- '-m pipe,unix-dgram,posix-mq,mbox-rw ' "$tmp/runs")
ok $? "two ipcbench runs: the speed rows only for the memory exercise's mechanisms"

rm -f "$tmp/ipcbench.log"
LACK=ring "$lab" check --measured 4 -b "$tmp/ipcbench" >"$tmp/out" 2>&1
r=$?
[ "$r" -eq 0 ] && grep -q "^ok - 4.ring-64 # SKIP this ipcbench has no mechanism 'ring'" "$tmp/out" &&
	! grep -q -- '-m .*ring' "$tmp/ipcbench.log"
ok $? "a mechanism this ipcbench lacks is skipped, not asked for"

rm -f "$tmp/ipcbench.log"
LACK=mbox-rendezvous "$lab" check --measured 3 -b "$tmp/ipcbench" >"$tmp/out" 2>&1
r=$?
[ "$r" -eq 0 ] &&
	[ "$(grep -c "^ok - 3.mbox-rdv-.* # SKIP this ipcbench has no mechanism 'mbox-rendezvous'" \
		"$tmp/out")" -eq 4 ] &&
	grep -q '^ok - 3: claim: a rendezvous mailbox holds nothing.* # SKIP' "$tmp/out" &&
	! grep -q -- '-m .*mbox-rendezvous' "$tmp/ipcbench.log"
ok $? "without a rendezvous mailbox its questions and claim are skipped"

FAIL=1 "$lab" check 2 -A pipe-64=1024 -b "$tmp/ipcbench" >"$tmp/out" 2>"$tmp/err"
r=$?
[ "$r" -eq 1 ] && grep -q 'failed (exit status 3)' "$tmp/err"
ok $? "a failing ipcbench fails the check, exit 1"

tap_end
