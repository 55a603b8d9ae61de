# SPDX-License-Identifier: GPL-2.0
# What the host test scripts (cli_test.sh, lab_test.sh) share; sourced,
# never run.
#
#   top                        the work tree
#   tmp                        a fresh directory, removed when the script exits
#   tap_start NAME PROG CMD... "TAP version 13"; without the executable PROG
#                              or a command CMD, one failing test and exit 1
#   ok STATUS DESCRIPTION      one TAP line; a non-zero STATUS fails the script
#   traced SYSCALLS PROG ARG...
#                              PROG under strace -f -e trace=SYSCALLS: its
#                              output in $tmp/out and $tmp/err, the trace in
#                              $tmp/trace; returns PROG's status
#   tap_end                    the plan, then exit: 1 if a test failed

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

tap_start() { # name prog cmd...
	local name=$1 prog=$2 c missing=0
	shift 2

	echo "TAP version 13"
	for c in "$@"; do
		command -v "$c" >/dev/null || missing=1
	done
	if [ ! -x "$prog" ] || [ "$missing" -ne 0 ]; then
		echo "1..1"
		echo "not ok 1 $name # needs $prog $*"
		exit 1
	fi
}

ok() { # status description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=1
	fi
}

traced() { # syscalls prog arg...
	local calls=$1
	shift
	strace -f -qq -e trace="$calls" -o "$tmp/trace" "$@" >"$tmp/out" 2>"$tmp/err"
}

tap_end() {
	echo "1..$n"
	exit "$failed"
}
