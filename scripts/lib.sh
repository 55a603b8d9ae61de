# SPDX-License-Identifier: GPL-2.0
# Shared settings for the ipcchan scripts; sourced, never run.
#
#   TOP     the work tree
#   BUILD   untracked build output, including what is taken from the
#           linux-source tarball (kselftest harness, checkpatch, YNL)
#   CACHE   machine-wide cache outside the work tree: the resolved VM kernel,
#           extracted kernel images, the debug kernel

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${IPCCHAN_BUILD:-$TOP/build}
CACHE=${IPCCHAN_CACHE:-/var/cache/ipcchan}
KSRC_TARBALL=/usr/src/linux-source-6.12.tar.xz
KERNEL_RECORD=$CACHE/vm-kernel

log() { printf '%s\n' "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }
run() { printf '+ %s\n' "$*" >&2; "$@"; }

# load_kernel_record: sets KVER (the 6.12 kernel the VM boots by default and
# the module is built for) and KVER61 (the 6.1 kernel of the build matrix,
# which vm.sh --kernel stock61 boots), as resolved once by scripts/deps.sh.
load_kernel_record() {
	[ -r "$KERNEL_RECORD" ] ||
		die "no recorded VM kernel in $KERNEL_RECORD: run scripts/deps.sh (as root) first"
	# shellcheck disable=SC1090
	. "$KERNEL_RECORD"
	KVER=${IPCCHAN_KVER:-$KVER}
	KIMG_DIR=$CACHE/kernels/$KVER
	KDIR_STOCK=/usr/src/linux-headers-$KVER
	KDIR_61=/usr/src/linux-headers-$KVER61
}

# The few files we take from the linux-source tarball. Changing this list
# changes the stamp below, so an older extraction is redone.
KSRC_FILES=(
	'*/tools/testing/selftests/kselftest_harness.h'
	'*/tools/testing/selftests/kselftest.h'
	'*/tools/testing/selftests/lib.mk'
	'*/scripts/checkpatch.pl' '*/scripts/spelling.txt'
	'*/scripts/const_structs.checkpatch'
	'*/scripts/kernel-doc'
	'*/tools/net/ynl/*' '*/Documentation/netlink/*'
	'*/Documentation/userspace-api/ioctl/ioctl-number.rst'
)

# ksrc_extract: KSRC_FILES, unpacked once into $BUILD/linux-source. Never
# committed.
ksrc_extract() {
	local dst=$BUILD/linux-source stamp key
	key=$(printf '%s\n' "$(stat -c %s-%Y "$KSRC_TARBALL")" "${KSRC_FILES[@]}" |
		md5sum | cut -c1-12)
	stamp=$dst/.extracted-$key
	[ -e "$stamp" ] && { echo "$dst"; return; }
	[ -r "$KSRC_TARBALL" ] || die "$KSRC_TARBALL missing: run scripts/deps.sh"
	log "extracting kselftest harness, checkpatch, kernel-doc and YNL from $KSRC_TARBALL"
	rm -rf "$dst" && mkdir -p "$dst"
	tar -xJf "$KSRC_TARBALL" -C "$dst" --strip-components=1 --wildcards \
		"${KSRC_FILES[@]}"
	touch "$stamp"
	echo "$dst"
}
