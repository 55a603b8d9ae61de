#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# props-doc.sh (make props-doc): regenerate the measured property tables
# that Documentation/ includes.
#
#   host                                      guest (scripts/vm.sh)
#   ----                                      -----
#   stock 6.12  --------------------------->  ipcbench --props --rst /out/props.rst
#   Documentation/generated/props-6.12.rst <- /out/props.rst
#   stock 6.1   --------------------------->  the same
#   Documentation/generated/props-6.1.rst  <- /out/props.rst
#
# userspace-api/ipcchan.rst includes the semantic rows of props-6.12.rst,
# benchmarks.rst its cost rows, and both show the 6.1 table. compare_test
# compiles both files in and fails when a deterministic cell differs from
# what it measures, so commit what this script writes.
#
# Usage: props-doc.sh [--kernel stock|stock61]...  (default: both)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernels=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernels+=("$2"); shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done
[ ${#kernels[@]} -gt 0 ] || kernels=(stock stock61)

gen=$TOP/Documentation/generated
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$gen"
for k in "${kernels[@]}"; do
	case $k in
	stock) ver=6.12 ;;
	stock61) ver=6.1 ;;
	*) die "--kernel must be stock or stock61" ;;
	esac
	rm -f "$tmp/props.rst"
	log "props-doc: measuring on $k ($ver)"
	"$TOP/scripts/vm.sh" --kernel "$k" --out "$tmp" --log "$tmp/serial-$k.log" -- \
		ipcbench --props --quiet --rst /out/props.rst >"$tmp/$k.log" 2>&1 ||
		{ tail -n 30 "$tmp/$k.log" >&2; die "ipcbench --props failed on $k"; }
	[ -s "$tmp/props.rst" ] || die "no table from $k"
	{
		echo ".. SPDX-License-Identifier: GPL-2.0"
		echo
		cat "$tmp/props.rst"
	} >"$gen/props-$ver.rst"
	log "props-doc: wrote $gen/props-$ver.rst"
done
if [ -r "$gen/props-6.12.rst" ] && [ -r "$gen/props-6.1.rst" ]; then
	/usr/bin/python3 "$TOP/scripts/props-diff.py" "$gen/props-6.12.rst" \
		"$gen/props-6.1.rst" "6.12" "6.1" >"$gen/props-6.1-diff.rst"
	log "props-doc: wrote $gen/props-6.1-diff.rst"
fi
