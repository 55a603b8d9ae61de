#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl-uapi.sh [--check]: uapi/linux/ipcchan_netlink.h is exactly what the
# kernel's YNL generator renders from Documentation/netlink/specs/ipcchan.yaml.
#
#   build/ynl-uapi/                      a kernel-shaped tree, so that the
#     MAINTAINERS                        generator finds its schema and
#     Documentation/netlink/             names the spec as the kernel would
#       genetlink-c.yaml -> linux-source's schema
#       specs/ipcchan.yaml -> our spec
#     ipcchan_netlink.h                  ynl-gen-c.py --mode uapi --header
#
# Without --check (make ynl-uapi): copy the result over the committed
# header. With --check (make lint): diff -u the committed header against
# it; any difference fails and is printed. The generator and the schema
# come from the linux-source tarball (build/linux-source), never from this
# tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check=0
case ${1-} in
--check) check=1 ;;
'') ;;
*) die "usage: ${0##*/} [--check]" ;;
esac

ksrc=$(ksrc_extract)
spec=$TOP/Documentation/netlink/specs/ipcchan.yaml
header=$TOP/uapi/linux/ipcchan_netlink.h
proto=$(sed -n 's/^protocol: *//p' "$spec")
gen=$BUILD/ynl-uapi
out=$gen/ipcchan_netlink.h

# ynl-gen-c.py takes the schema from ../<protocol>.yaml next to the spec's
# directory, and prints the spec's path relative to the nearest directory
# with a MAINTAINERS file.
rm -rf "$gen"
mkdir -p "$gen/Documentation/netlink/specs"
: >"$gen/MAINTAINERS"
ln -s "$ksrc/Documentation/netlink/$proto.yaml" "$gen/Documentation/netlink/"
ln -s "$spec" "$gen/Documentation/netlink/specs/ipcchan.yaml"
# Debian's python3 (python3-yaml, python3-jsonschema from scripts/deps.sh).
/usr/bin/python3 "$ksrc/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
	--spec "$gen/Documentation/netlink/specs/ipcchan.yaml" -o "$out"

if [ "$check" -eq 0 ]; then
	cp "$out" "$header"
	echo "${header#"$TOP"/}: regenerated from ${spec#"$TOP"/}"
	exit 0
fi
if ! diff -u --label "${header#"$TOP"/} (committed)" \
	--label "ynl-gen-c --mode uapi of ${spec#"$TOP"/}" "$header" "$out"; then
	echo "${header#"$TOP"/} differs from what the spec generates: edit the spec, then make ynl-uapi" >&2
	exit 1
fi
