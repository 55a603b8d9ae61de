#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cli_test.sh: host tests of the ipcchan CLI's conventions (TAP).
#
#   every command and verb, found in the tool's own help, asked for help
#   in every form (CMD VERB --help, -h, NAME --help, help CMD VERB)
#        -> exit 0, usage on stdout, nothing on stderr, and under strace
#           no open of /dev/ipcchan and no netlink socket
#   usage errors -> exit 2, usage on stderr, nothing on stdout
#   a failed request (no module on the host) -> exit 1, errno named
#   bash completion: `ipcchan mbox <TAB>`, object names from `list`
#
# Needs bash, strace and $IPCCHAN_CLI (make host-test sets it to the
# host build it has just made).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ipcchan=${IPCCHAN_CLI:-${BUILD:-$top/build}/host/bin/ipcchan}

# run ARGS...: the tool under strace; $tmp/{out,err,trace}, returns its status.
run() {
	traced open,openat,socket "$ipcchan" "$@"
}

# What the traced run touched of the kernel interface, if anything.
touched() {
	grep -E '"/dev/ipcchan"|socket\(AF_NETLINK' "$tmp/trace"
}

# help_ok ARGS...: help printed as promised, or say why not.
help_ok() {
	local rc

	run "$@"
	rc=$?
	if touched >/dev/null; then
		echo "# ipcchan $*: touched the kernel: $(touched | head -n 1)"; return 1
	elif [ "$rc" -ne 0 ]; then
		echo "# ipcchan $*: exit $rc"; return 1
	elif ! head -n 1 "$tmp/out" | grep -q '^Usage: '; then
		echo "# ipcchan $*: no usage on stdout"; return 1
	elif [ -s "$tmp/err" ]; then
		echo "# ipcchan $*: stderr: $(head -n 2 "$tmp/err")"; return 1
	fi
	return 0
}

# usage_error ARGS...: exit 2, usage on stderr, stdout empty, kernel untouched.
usage_error() {
	local rc

	run "$@"
	rc=$?
	if [ "$rc" -ne 2 ]; then
		echo "# ipcchan $*: exit $rc, not 2"; return 1
	elif [ -s "$tmp/out" ] || ! grep -q 'Usage: ' "$tmp/err"; then
		echo "# ipcchan $*: usage not on stderr alone"; return 1
	elif touched >/dev/null; then
		echo "# ipcchan $*: touched the kernel"; return 1
	fi
	return 0
}

tap_start cli_test "$ipcchan" strace

# The detector itself: requests that must reach the kernel are seen.
run info
touched >/dev/null
ok $? "strace sees ipcchan info open /dev/ipcchan"
run list
touched >/dev/null
ok $? "strace sees ipcchan list open a netlink socket"

rc=0
for args in "--help" "-h" "help" "-j --help"; do
	help_ok $args || rc=1
done
ok $rc "ipcchan --help, -h, help"

# Every command and verb; the tool's help must list exactly these, so a
# new one cannot go untested.
cmds="info mbox ring list show monitor top help"
declare -A verbs_of=([mbox]="create send recv peek stat rm"
		     [ring]="create produce consume stat rm")
section() { sed -n "/^$1/,/^\$/s/^  \([a-z]*\) .*/\1/p" "$tmp/out" | xargs; }
run help
[ "$(section 'Available subcommands:')" = "$cmds" ]
ok $? "ipcchan help lists every command"
for cmd in mbox ring; do
	run help "$cmd"
	[ "$(section 'Verbs:')" = "${verbs_of[$cmd]}" ]
	ok $? "ipcchan help $cmd lists every verb"
done

for cmd in $cmds; do
	verbs=${verbs_of[$cmd]:-}
	rc=0
	for args in "$cmd --help" "$cmd -h" "help $cmd" "-j $cmd --help"; do
		help_ok $args || rc=1
	done
	ok $rc "ipcchan $cmd --help"
	for verb in $verbs; do
		rc=0
		for args in "$cmd $verb --help" "$cmd $verb -h" "$cmd $verb x --help" \
			    "$cmd $verb --help x" "help $cmd $verb" "-j $cmd $verb -h" \
			    "$cmd help $verb"; do
			help_ok $args || rc=1
		done
		# The help is the verb's own.
		help_ok "$cmd" "$verb" --help &&
			grep -q "^Usage: ipcchan $cmd $verb" "$tmp/out" || rc=1
		ok $rc "ipcchan $cmd $verb --help"
	done
done

rc=0
for args in "" "bogus" "mbox" "mbox bogus" "mbox create" "mbox create --bogus x" \
	    "mbox create --policy fifo x" "mbox create --capacity -1 x" \
	    "mbox recv --count 2 --loop x" "mbox peek --timeout 5 x" "mbox stat a b" \
	    "ring" "ring create" "ring create --pages lots x" "ring rm a b" \
	    "ring stat --quiet x" "list extra" "list --type pipe" "show" \
	    "monitor --count 0" "top --interval 0" "top --count 0" "top --sort size" \
	    "top extra" "info extra" "help bogus" "--bogus"; do
	usage_error $args || rc=1
done
ok $rc "usage errors exit 2 with the usage on stderr"

if [ ! -e /dev/ipcchan ]; then
	run mbox stat x
	rc=$?
	[ "$rc" -eq 1 ] && grep -q 'No such file or directory (ENOENT)' "$tmp/err"
	ok $? "a failed request exits 1 and names the errno"
fi

# Completion: commands from the binary (a stub forwards to it) and names
# from its list (the stub's table stands in for a loaded module).
mkdir -p "$tmp/path"
cat >"$tmp/path/ipcchan" <<STUB
#!/bin/sh
if [ "\$1" = list ]; then
	printf '%s\n' "ID TYPE NAME MODE UID GID PID CHARGED" \
		"1 mailbox jobs 0600 0 0 1 2.0 MiB" \
		"2 ring log 0600 0 0 1 64 KiB" \
		"3 mailbox old (unlinked) 0600 0 0 1 2.0 MiB" \
		"4 mailbox (anonymous) 0600 0 0 1 2.0 MiB" \
		"5 mailbox tasks 0600 0 0 1 2.0 MiB" |
	if [ "\$2" = --type ]; then awk -v t="\$3" 'NR == 1 || \$2 == t'; else cat; fi
	exit 0
fi
exec "$ipcchan" "\$@"
STUB
chmod +x "$tmp/path/ipcchan"
comp() {
	PATH=$tmp/path:$PATH bash -c '. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ipcchan
		echo "${COMPREPLY[*]}"' _ "$top/tools/ipcchan/ipcchan.bash-completion" "$@"
}
check_comp() { # expected words...
	local want=$1 got
	shift
	got=$(comp "$@")
	[ "$got" = "$want" ] && return 0
	echo "# completing '$*': got '$got', want '$want'"
	return 1
}
check_comp "create send recv peek stat rm" ipcchan mbox ""
ok $? "completion: ipcchan mbox <TAB> gives the verbs"
rc=0
check_comp "info mbox ring list show monitor top help" ipcchan "" || rc=1
check_comp "stat" ipcchan -j mbox st || rc=1
check_comp "jobs tasks" ipcchan mbox stat "" || rc=1
check_comp "tasks" ipcchan mbox send --prio 3 t || rc=1
check_comp "log" ipcchan ring consume "" || rc=1
check_comp "jobs log tasks" ipcchan show "" || rc=1
check_comp "block drop-newest drop-oldest rendezvous" ipcchan mbox create --policy "" || rc=1
check_comp "--count --help --json --loop --meta --nonblock --timeout" ipcchan mbox recv -- || rc=1
check_comp "create produce consume stat rm" ipcchan help ring "" || rc=1
check_comp "mailbox ring" ipcchan list --type "" || rc=1
check_comp "id fill rate drops p99" ipcchan top --sort "" || rc=1
check_comp "--count --help --interval --json --once --sort" ipcchan top -- || rc=1
ok $rc "completion: commands, verbs, options, option values and names"

tap_end
