#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh KDIR OUTDIR [make args...]
#
# Build ipcchan.ko against KDIR in a private copy of kmod/, uapi/ and VERSION under
# OUTDIR, so builds for several kernels (6.1, 6.12, the debug kernel) never
# share object files and the work tree stays clean. The module ends up in
# OUTDIR/ipcchan.ko; the full build output goes to stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: build-module.sh KDIR OUTDIR [make args...]"
kdir=$1 out=$2
shift 2
[ -e "$kdir/Makefile" ] || die "$kdir is not a kernel build tree (run scripts/deps.sh)"

mkdir -p "$out/src"
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--exclude='*.mod*' --exclude=Module.symvers --exclude=modules.order \
	"$TOP/kmod" "$TOP/uapi" "$TOP/VERSION" "$out/src/"
make -C "$kdir" M="$out/src/kmod" "$@" modules
cp "$out/src/kmod/ipcchan.ko" "$out/ipcchan.ko"
