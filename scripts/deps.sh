#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything ipcchan needs on a fresh Debian 12 machine, with apt,
# by exact package name. Idempotent: a second run installs nothing.
#
#   1. resolve the VM kernel once: the newest Debian 6.12 -amd64 image that
#      has matching headers, and the newest 6.1 -amd64 headers (whose image
#      the vm-61 layer boots); record both in $CACHE/vm-kernel so build
#      and boot always agree
#   2. apt-get install whatever of the package list is missing
#   3. unpack the VM kernel images (vmlinuz + modules) of both recorded
#      versions, 6.12 and 6.1, into $CACHE/kernels/ with apt-get download
#      and dpkg-deb, so no initramfs hook runs for a kernel we never boot
#      on the host
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	build-essential bc bison flex libelf-dev libssl-dev xz-utils kmod cpio
	qemu-system-x86 busybox-static
	libnl-3-dev libnl-genl-3-dev
	sparse dwarves perl python3 python3-yaml python3-docutils groff-base python3-jsonschema
	gnuplot-nox strace rsync linux-perf
	bpftrace tmux
	linux-source-6.12
	dkms dh-dkms debhelper fakeroot pkg-config g++
)

missing_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return
	run apt-get update -qq
	apt_updated=1
}

newest() { # newest package name matching an anchored regex
	apt-cache search --names-only "$1" | awk '{print $1}' | grep -E "$1" |
		sort -V | tail -n 1
}

resolve_kernels() {
	if [ -r "$KERNEL_RECORD" ]; then
		. "$KERNEL_RECORD"
		if apt-cache show "linux-image-$KVER" >/dev/null 2>&1 ||
		   [ -e "$CACHE/kernels/$KVER/.unpacked" ]; then
			log "VM kernel: $KVER (recorded in $KERNEL_RECORD)"
			return
		fi
		log "recorded kernel $KVER is no longer available; resolving again"
	fi
	apt_update
	local img61
	KVER=$(newest '^linux-image-6\.12\.[0-9]+\+deb12-amd64$')
	KVER=${KVER#linux-image-}
	[ -n "$KVER" ] || die "no linux-image-6.12.*+deb12-amd64 in the apt lists"
	apt-cache show "linux-headers-$KVER" >/dev/null 2>&1 ||
		die "linux-headers-$KVER is not available for linux-image-$KVER"
	img61=$(newest '^linux-headers-6\.1\.0-[0-9]+-amd64$')
	[ -n "$img61" ] || die "no linux-headers-6.1.0-*-amd64 in the apt lists"
	KVER61=${img61#linux-headers-}
	apt-cache show "linux-image-$KVER61" >/dev/null 2>&1 ||
		die "linux-image-$KVER61 is not available for linux-headers-$KVER61"
	mkdir -p "$CACHE"
	printf 'KVER=%s\nKVER61=%s\n' "$KVER" "$KVER61" >"$KERNEL_RECORD"
	log "VM kernel resolved to $KVER, 6.1 headers to $KVER61 (recorded in $KERNEL_RECORD)"
}

# unpack_kernel_image VERSION: linux-image-VERSION, exact name, into
# $CACHE/kernels/VERSION.
unpack_kernel_image() {
	local ver=$1 dir=$CACHE/kernels/$1 tmp deb
	[ -e "$dir/.unpacked" ] && return
	apt-cache show "linux-image-$ver" >/dev/null 2>&1 || apt_update
	tmp=$(mktemp -d "$CACHE/kernels.XXXXXX")
	chmod 755 "$tmp"	# apt downloads as _apt
	(cd "$tmp" && run apt-get download -q "linux-image-$ver")
	deb=$(echo "$tmp"/linux-image-*.deb)
	run dpkg-deb -x "$deb" "$tmp/root"
	rm -f "$deb"
	mkdir -p "$CACHE/kernels"
	rm -rf "$dir"
	mv "$tmp/root" "$dir"
	rmdir "$tmp"
	touch "$dir/.unpacked"
	log "unpacked linux-image-$ver into $dir"
}

main() {
	local need
	if [ "$(id -u)" -ne 0 ]; then
		# Report precisely what a root run would do, then stop.
		if [ -r "$KERNEL_RECORD" ]; then . "$KERNEL_RECORD"; fi
		need=$(missing_pkgs "${PACKAGES[@]}" \
			${KVER:+linux-headers-$KVER} ${KVER61:+linux-headers-$KVER61})
		if [ -z "$need" ] && [ -n "${KVER:-}" ] &&
		   [ -e "$CACHE/kernels/$KVER/.unpacked" ] &&
		   [ -e "$CACHE/kernels/$KVER61/.unpacked" ]; then
			log "all dependencies present"
			exit 0
		fi
		log "missing (run scripts/deps.sh as root to install):"
		[ -n "${KVER:-}" ] || log "  the VM kernel has not been resolved yet ($KERNEL_RECORD)"
		[ -n "${KVER:-}" ] && [ ! -e "$CACHE/kernels/$KVER/.unpacked" ] &&
			log "  the unpacked image of linux-image-$KVER"
		[ -n "${KVER61:-}" ] && [ ! -e "$CACHE/kernels/$KVER61/.unpacked" ] &&
			log "  the unpacked image of linux-image-$KVER61"
		for p in $need; do log "  package $p"; done
		exit 1
	fi

	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine may have empty apt lists.
	apt-cache show linux-source-6.12 >/dev/null 2>&1 || apt_update
	resolve_kernels
	need=$(missing_pkgs "${PACKAGES[@]}" "linux-headers-$KVER" "linux-headers-$KVER61")
	if [ -n "$need" ]; then
		apt_update
		# shellcheck disable=SC2086
		run apt-get install -y -q --no-install-recommends $need
	fi
	unpack_kernel_image "$KVER"
	unpack_kernel_image "$KVER61"
	log "dependencies complete: VM kernels $KVER and $KVER61"
}

main "$@"
