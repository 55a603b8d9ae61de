#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh FLAVOUR MODULE_KO MODULES_DIR OUTPUT
#
# Build the base initramfs of the test VM:
#
#   /init                    scripts/guest-init.sh
#   /bin/busybox + links     busybox-static
#   /lib/ipcchan/ipcchan.ko  the module built for this kernel
#   /lib/ipcchan/extra/      virtio-pci, 9p and overlay modules with their
#                            dependencies, in load order (stock kernels; the
#                            debug kernel has them built in): MODULES_DIR is
#                            the kernel's lib/modules/<version>, or "-"
#   /opt/ipcchan/bin/        every static binary in $BUILD/bin (tools, tests)
#
# scripts/vm.sh appends a second, per-run archive with /ipcchan/cmd.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || die "usage: mkinitramfs.sh FLAVOUR MODULE_KO MODULES_DIR OUTPUT"
flavour=$1 ko=$2 moddir=$3 out=$4
root=$BUILD/$flavour/initramfs.d

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc}
mkdir -p "$root"/lib/ipcchan/extra "$root"/opt/ipcchan/bin "$root"/ipcchan

cp /bin/busybox "$root/bin/busybox"
# busybox --list names busybox itself: linking it would loop (ELOOP).
for applet in $(/bin/busybox --list); do
	[ "$applet" = busybox ] && continue
	ln -sf busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
install -m 0755 "$TOP/scripts/guest-init.sh" "$root/init"
install -m 0644 "$ko" "$root/lib/ipcchan/ipcchan.ko"

# Depth-first over modinfo's "depends", dependencies first. A module the
# kernel has built in (modules.builtin) is skipped: 6.12 builds in the
# virtio PCI transport, 6.1 ships it as virtio_pci.ko with two helpers, so
# 6.1 needs 11 modules (.ko, uncompressed) where 6.12 needs 4 (.ko.xz).
declare -A seen=()
add_module() {
	local name=$1 file dep
	[ -n "${seen[$name]:-}" ] && return
	seen[$name]=1
	grep -qE "/$name\.ko\$" "$moddir/modules.builtin" 2>/dev/null && return
	file=$(find "$moddir/kernel" -name "$name.ko*" | head -n 1)
	[ -n "$file" ] || die "module $name not found under $moddir"
	for dep in $(modinfo -F depends "$file" | tr ',' ' '); do
		add_module "$dep"
	done
	case $file in
	*.xz) xz -dc "$file" >"$root/lib/ipcchan/extra/$name.ko" ;;
	*.zst) zstd -qdc "$file" >"$root/lib/ipcchan/extra/$name.ko" ;;
	*) cp "$file" "$root/lib/ipcchan/extra/$name.ko" ;;
	esac
	echo "$name.ko" >>"$root/lib/ipcchan/extra/order"
}
if [ "$moddir" != - ]; then
	# virtio_pci: the transport of the 9p devices (-virtfs).
	for m in virtio_pci 9pnet_virtio 9p overlay; do add_module "$m"; done
fi

if [ -d "$BUILD/bin" ]; then
	cp -a "$BUILD/bin/." "$root/opt/ipcchan/bin/"
fi

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
