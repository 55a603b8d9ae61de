#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm_test.sh: host tests of scripts/vm.sh's verdicts (TAP), with a
# stand-in qemu-system-x86_64 first on PATH that prints what a guest
# would on its serial console, boot by boot, from a plan:
#
#   panic     the kernel panics before init (no "init started" line)
#   ok:N      init starts, the command exits N (IPCCHAN-EXIT=N)
#   crash     init starts, then the guest dies without an exit marker
#   bug       init starts, a kernel report, then IPCCHAN-EXIT=0
#   hang      init starts, then nothing until vm.sh's timeout
#   stall     nothing after the first kernel line, until the timeout
#
#   a boot that dies before init   is retried, up to three boots; each
#                                  failed boot's log is kept (.boot1,
#                                  .boot2); the third failure is exit 125
#   a death after init started     is not retried: exit 125
#   a timeout, before init or      is not retried: exit 125, "timed out"
#   after
#   the command's status           is vm.sh's; a kernel report makes a
#                                  passing command 126
#   the kernel command line        has no_timer_check
#
# vm.sh still builds what a guest needs (incremental) and needs the
# recorded kernel image (scripts/deps.sh); no guest is booted.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

tap_start vm_test "$top/scripts/vm.sh" gzip cpio

mkdir -p "$tmp/bin"
cat >"$tmp/bin/qemu-system-x86_64" <<'EOF'
#!/bin/sh
# The stand-in: boot number k follows word k of $FAKEQ_PLAN.
n=$(($(cat "$FAKEQ_DIR/boots" 2>/dev/null || echo 0) + 1))
echo "$n" >"$FAKEQ_DIR/boots"
printf '%s\n' "$*" >"$FAKEQ_DIR/args"
set -- $FAKEQ_PLAN
shift $((n - 1))
echo "[    0.000000] Linux version (stand-in qemu, boot $n)"
case ${1:-panic} in
panic)	echo "[    0.512000] Kernel panic - not syncing: IO-APIC + timer doesn't work!"; exit 0 ;;
ok:*)	echo "ipcchan-vm: init started"; echo "IPCCHAN-EXIT=${1#ok:}" ;;
crash)	echo "ipcchan-vm: init started"; exit 1 ;;
bug)	echo "ipcchan-vm: init started"; echo "[    3.000000] BUG: unable to handle page fault"
	echo "IPCCHAN-EXIT=0" ;;
hang)	echo "ipcchan-vm: init started"; exec sleep 60 ;;
stall)	exec sleep 60 ;;
esac
EOF
chmod +x "$tmp/bin/qemu-system-x86_64"

# vm PLAN [TIMEOUT]: vm.sh under the stand-in; its status, boots and
# stderr in $st, $boots, $tmp/err; its serial log is $tmp/serial.log.
vm() {
	rm -f "$tmp/boots" "$tmp/args" "$tmp"/serial.log*
	FAKEQ_PLAN=$1 FAKEQ_DIR=$tmp IPCCHAN_ACCEL=tcg PATH="$tmp/bin:$PATH" \
		"$top/scripts/vm.sh" --kernel stock --timeout "${2:-60}" \
		--log "$tmp/serial.log" -- true >"$tmp/out" 2>"$tmp/err"
	st=$?
	boots=$(cat "$tmp/boots" 2>/dev/null || echo 0)
}

vm "ok:0"
ok $(( st != 0 || boots != 1 )) "a guest that exits 0 is 0, in one boot (got $st, $boots boots)"
grep -q 'no_timer_check' "$tmp/args"
ok $? "the kernel command line has no_timer_check"

vm "ok:3"
ok $(( st != 3 )) "the command's status is vm.sh's (got $st)"

vm "panic ok:0"
ok $(( st != 0 || boots != 2 )) "a death before init is booted again (got $st, $boots boots)"
[ -r "$tmp/serial.log.boot1" ] && grep -q 'Kernel panic' "$tmp/serial.log.boot1" &&
	grep -q 'IPCCHAN-EXIT=0' "$tmp/serial.log" &&
	grep -q 'boot 1 ended before init ran.*Kernel panic' "$tmp/err"
ok $? "the failed boot's log is kept and its panic named"

vm "panic panic panic ok:0"
ok $(( st != 125 || boots != 3 )) "three deaths before init are 125, after three boots (got $st, $boots boots)"
[ -r "$tmp/serial.log.boot1" ] && [ -r "$tmp/serial.log.boot2" ] &&
	grep -q 'without an exit marker' "$tmp/err"
ok $? "all three logs are kept, and the last says there was no exit marker"

vm "crash ok:0"
ok $(( st != 125 || boots != 1 )) "a death after init started is 125 and not retried (got $st, $boots boots)"

vm "hang ok:0" 3
ok $(( st != 125 || boots != 1 )) "a timeout is 125 and not retried (got $st, $boots boots)"
grep -q 'timed out after 3s' "$tmp/err"
ok $? "a timeout says so"

vm "stall ok:0" 3
ok $(( st != 125 || boots != 1 )) "a timeout before init is 125 and not retried either (got $st, $boots boots)"

vm "bug ok:0"
ok $(( st != 126 )) "a kernel report fails a passing command with 126 (got $st)"

tap_end
