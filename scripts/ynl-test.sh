#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl-test.sh: drive the loaded module with a netlink client none of us
# wrote, the kernel's YNL CLI (tools/net/ynl/cli.py from linux-source),
# and our spec. Runs inside the VM (`make ynl-test` = scripts/vm.sh --host
# -- scripts/ynl-test.sh), where the host's python3 and build/ are seen.
#
#   1. the kernel's registered policies agree with the spec
#      (scripts/ynl-policy-check.py, via nlctrl GETPOLICY)
#   2. --dump obj-get and --do limits-get decode with the spec, the
#      mailbox statistics included
#   3. --subscribe monitor sees the events of objects created meanwhile
#   4. ipcchan -j show prints what cli.py decodes, under the same keys
#
# Prints "ynl: N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ynl=$BUILD/linux-source/tools/net/ynl
spec=$TOP/Documentation/netlink/specs/ipcchan.yaml
schema=$BUILD/linux-source/Documentation/netlink/$(sed -n "s/^protocol: *//p" "$spec").yaml
# Debian's python3 (python3-yaml, python3-jsonschema from scripts/deps.sh).
py=/usr/bin/python3
export ynl spec schema py
cli() { "$py" "$ynl/cli.py" --spec "$spec" --schema "$schema" "$@"; }

pass=0 fail=0
check() { # name command...
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $name"; pass=$((pass + 1))
	else
		echo "not ok - $name"; fail=$((fail + 1))
	fi
	printf '%s\n' "$out" | sed 's/^/# /'
}

ip link set lo up 2>/dev/null
check "kernel policies match the spec" \
	"$py" "$TOP/scripts/ynl-policy-check.py" "$ynl" "$spec"
check "cli.py --do limits-get" \
	sh -c "$(declare -f cli); cli --do limits-get | grep -q \"'name-max': 255\""

# Objects to list and events to see: mailboxes through the ipcchan CLI.
tmp=$(mktemp -d)
if ipcchan help 2>&1 | grep -q '^  mbox'; then
	cli --subscribe monitor --sleep 8 --output-json >"$tmp/events" 2>&1 &
	sub=$!
	# Python starts slowly under TCG: wait for the subscription, that is
	# a generic netlink socket (protocol 16) with a group joined.
	for _ in $(seq 100); do
		awk '$2 == 16 && $4 != "00000000" { found = 1 } END { exit !found }' \
			/proc/net/netlink && break
		sleep 0.2
	done
	# Events first, with the fast C CLI, while the subscription lasts:
	# capacity 4, so the third message reaches the high watermark (3).
	ipcchan mbox create ynl-test --capacity 4 >/dev/null 2>&1
	ipcchan mbox send ynl-test one two three >/dev/null 2>&1
	ipcchan mbox recv ynl-test >/dev/null 2>&1
	ipcchan mbox rm ynl-test >/dev/null 2>&1
	wait "$sub"
	check "cli.py --subscribe monitor sees created, attached, hiwat, detached, destroyed" \
		"$py" -c 'import json, sys
seen = {e["msg"]["ev-type"] for e in json.load(open(sys.argv[1]))}
sys.exit(not {"created", "attached", "hiwat", "detached", "destroyed"} <= seen)' \
		"$tmp/events"
	sed 's/^/# /' "$tmp/events"

	# Then a dump (cli.py is slow under TCG) of a mailbox with traffic.
	ipcchan mbox create ynl-test >/dev/null 2>&1
	ipcchan mbox send ynl-test one two three >/dev/null 2>&1
	ipcchan mbox recv ynl-test >/dev/null 2>&1
	cli --dump obj-get --output-json >"$tmp/dump" 2>&1
	check "cli.py --dump obj-get lists the mailbox with its statistics" \
		"$py" -c 'import json, sys
o = [o for o in json.load(open(sys.argv[1])) if o.get("name") == "ynl-test"][0]
s = o["mbox-stats"]
sys.exit(not (s["msgs-in"] == 3 and s["msgs-out"] == 1 and s["depth"] == 2 and
              len(s["residence-hist"]) == 48 and sum(s["residence-hist"]) == 1))' \
		"$tmp/dump"
	sed "s/^/# /" "$tmp/dump"
	# ipcchan -j show: what cli.py decoded, under the same keys (the
	# spec's attribute names) with the same values.
	ipcchan -j show --type mailbox ynl-test >"$tmp/show" 2>&1
	check "ipcchan -j show has cli.py's keys and values" \
		"$py" -c 'import json, sys
y = [o for o in json.load(open(sys.argv[1])) if o.get("name") == "ynl-test"][0]
c = json.load(open(sys.argv[2]))[0]
def same(a, b, path):
    for k, v in a.items():
        if k not in b:
            sys.exit(path + k + " missing")
        if isinstance(v, dict):
            same(v, b[k], path + k + ".")
        elif v != b[k]:
            sys.exit("%s%s: %r != %r" % (path, k, v, b[k]))
same(y, c, "")' "$tmp/dump" "$tmp/show"
	ipcchan mbox rm ynl-test >/dev/null 2>&1
else
	check "cli.py --dump obj-get" sh -c "$(declare -f cli); cli --dump obj-get"
	echo "# SKIP events: this ipcchan CLI cannot create objects yet"
fi
rm -rf "$tmp"

echo "IPCCHAN-RESULT pass=$pass fail=$fail skip=0"
echo "ynl: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
