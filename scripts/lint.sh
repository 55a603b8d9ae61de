#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh: the module's static checks, each one a pass or a fail.
#
#   checkpatch --strict   on kmod/ and the uapi header (checkpatch.pl from
#                         the linux-source tarball, never from this tree)
#   kernel-doc -Wall      the same files (kernel-doc from the tarball too);
#                         both include uapi/linux/ipcchan_netlink.h, which
#                         the generator writes clean for both
#   YNL uapi header       uapi/linux/ipcchan_netlink.h is what the kernel's
#                         ynl-gen-c --mode uapi renders from the spec
#                         (scripts/ynl-uapi.sh --check prints the diff)
#   W=1 + sparse (C=2)    against the Debian 6.12 headers of the VM kernel
#   W=1 + sparse (C=2)    against the Debian 6.1 headers
#   dependency graph      scripts/kmod-deps.py on the 6.12 objects: no
#                         cycle beyond object <-> netlink
#   documentation         every .rst parses cleanly (docutils), every man
#                         page formats without a groff warning
#
# Any warning fails its check. Ends with "lint: N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"
load_kernel_record

ksrc=$(ksrc_extract)
pass=0 fail=0
result() { # name status
	if [ "$2" -eq 0 ]; then
		echo "ok - $1"; pass=$((pass + 1))
	else
		echo "not ok - $1"; fail=$((fail + 1))
	fi
}

# Generated files (ipcchan.mod.c) are not ours to style.
mapfile -t srcs < <(cd "$TOP" && ls kmod/*.[ch] uapi/linux/*.h | grep -v '\.mod\.c$')
out=$(cd "$TOP" && perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree \
	--terse --show-types -f "${srcs[@]}" 2>&1)
bad=$(printf '%s\n' "$out" | grep -E ': (ERROR|WARNING|CHECK):' || true)
[ -n "$bad" ] && printf '%s\n' "$bad"
result "checkpatch --strict (${#srcs[@]} files)" "$([ -z "$bad" ]; echo $?)"

# kernel-doc of the ABI document and the module: every comment that opens
# with /** must parse, and every documented function says what it returns.
out=$(cd "$TOP" && perl "$ksrc/scripts/kernel-doc" -Wall -none "${srcs[@]}" 2>&1)
[ -n "$out" ] && printf '%s\n' "$out"
result "kernel-doc -Wall (${#srcs[@]} files)" "$([ -z "$out" ]; echo $?)"

# The netlink names and values come from the spec, not from a hand.
"$TOP/scripts/ynl-uapi.sh" --check
result "uapi/linux/ipcchan_netlink.h is ynl-gen-c --mode uapi of the spec" "$?"

build_check() { # label kdir
	local dir=$BUILD/lint-$1 out bad
	rm -rf "$dir"
	out=$("$TOP/scripts/build-module.sh" "$2" "$dir" W=1 C=2 2>&1)
	local rc=$?
	bad=$(printf '%s\n' "$out" | grep -E 'warning:|error:|Error [0-9]' || true)
	[ -n "$bad" ] && printf '%s\n' "$bad"
	[ "$rc" -ne 0 ] && [ -z "$bad" ] && printf '%s\n' "$out" | tail -n 20
	result "W=1 C=2 build against $(basename "$2")" "$([ "$rc" -eq 0 ] && [ -z "$bad" ]; echo $?)"
}
build_check 6.12 "$KDIR_STOCK"

# Dependencies point one way: the only cycle allowed is object <-> netlink.
out=$(python3 "$TOP/scripts/kmod-deps.py" "$BUILD/lint-6.12/src/kmod" 2>&1)
rc=$?
printf '%s\n' "$out"
result "module dependency graph (nm): no cycle beyond object <-> netlink" "$rc"
build_check 6.1 "$KDIR_61"

mapfile -t rsts < <(cd "$TOP" && find Documentation -name '*.rst' | sort)
out=$(cd "$TOP" && /usr/bin/python3 scripts/rst-check.py "${rsts[@]}" 2>&1)
rc=$?
[ -n "$out" ] && printf '%s\n' "$out"
result "reStructuredText (${#rsts[@]} files)" "$rc"

mapfile -t mans < <(cd "$TOP" && find Documentation/man -type f | sort)
bad=""
for m in "${mans[@]}"; do
	bad+=$(cd "$TOP" && LC_ALL=C.UTF-8 groff -man -ww -z -t "$m" 2>&1)
done
[ -n "$bad" ] && printf '%s\n' "$bad"
result "man pages (${#mans[@]} files)" "$([ -z "$bad" ]; echo $?)"

echo "IPCCHAN-RESULT pass=$pass fail=$fail skip=0"
echo "lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
