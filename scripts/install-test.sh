#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# install-test.sh (make install-test; the install layer of make check):
# ipcchan installs as Documentation/install.rst says it does.
#
#   host                                        VM (scripts/vm.sh)
#   ----                                        ------------------
#   make install DESTDIR=T  == documented tree
#   C and C++ programs, outside the tree,
#     pkg-config against T, linked to
#     T's libipcchan.so.0            ------>   run with --host: mailbox
#                                              and ring, module loaded
#   make uninstall DESTDIR=T  -> no file left
#   modules_install INSTALL_MOD_PATH=T: updates/, depmod, modinfo
#   dkms build, 6.12 and 6.1 headers, private dkms tree and key
#   dpkg-buildpackage -us -uc -b: four packages, hardened
#   selftests copied into an extracted kernel tree, built there with
#     make -C tools/testing/selftests TARGETS=ipcchan
#   the suite without the module            ------>   vm.sh --no-module:
#                                              every binary SKIPs
#
# Prints "ok"/"not ok" per check, then IPCCHAN-RESULT and "N passed, N
# failed". Everything is built under build/install-test/, which is removed
# first; nothing outside it is written (dkms runs with its own tree and
# signing key).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

load_kernel_record
VERSION=$(cat "$TOP/VERSION")
T=$BUILD/install-test
pass=0 fail=0

check() { # NAME STATUS
	if [ "$2" -eq 0 ]; then
		echo "ok $1"
		pass=$((pass + 1))
	else
		echo "not ok $1"
		fail=$((fail + 1))
	fi
}

# step NAME COMMAND...: run it with its output in $T/NAME.log (shown when
# it fails), and record the result.
step() {
	local name=$1 t0=$SECONDS rc
	shift
	"$@" >"$T/$name.log" 2>&1
	rc=$?
	[ "$rc" -ne 0 ] && tail -n 40 "$T/$name.log" | sed 's/^/#   /'
	echo "# $name: $((SECONDS - t0)) s"
	check "$name" "$rc"
	return "$rc"
}

rm -rf "$T"
mkdir -p "$T"
root=$T/root

# ------------------------------------------------------------------
# make install / uninstall against the documented tree

listing() { # DIR: every file and symlink under DIR, as the document lists them
	(cd "$1" && find . -mindepth 1 \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort |
		while read -r f; do
			if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else echo "$f"; fi
		done)
}

documented_tree() {
	sed -n '/^\.\. install-tree-begin/,/^\.\. install-tree-end/p' "$TOP/Documentation/install.rst" |
		sed -n 's/^    //p' | sed "s/VERSION/$VERSION/g" | LC_ALL=C sort
}

tree_matches() {
	diff -u <(documented_tree) <(listing "$root")
}

tree_empty() {
	local left
	left=$(listing "$root")
	[ -z "$left" ] || { echo "left behind:"; echo "$left"; return 1; }
}

step build-tools make -C "$TOP" tools
step install make -C "$TOP" install DESTDIR="$root"
step installed-tree-is-documented tree_matches

# ------------------------------------------------------------------
# Programs outside the tree, C and C++, against the installed library

write_program() {
	cat >"$T/ext/hello.c" <<'EOF'
/* Uses only the installed <ipcchan/ipcchan.h> and libipcchan. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <ipcchan/ipcchan.h>

static int fail(const char *what, int err)
{
	fprintf(stderr, "hello: %s: %s\n", what, strerror(-err));
	return 1;
}

int main(void)
{
	struct ipcchan_ring *prod, *cons;
	struct ipcchan_mbox_msg meta;
	const void *data;
	uint32_t len;
	void *slot;
	char buf[64];
	int dev, mb, pfd, cfd = -1, n, ret;

	dev = ipcchan_dev_open();
	if (dev < 0)
		return fail("open /dev/ipcchan", dev);

	mb = ipcchan_mbox_open(dev, NULL, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE, NULL);
	if (mb < 0)
		return fail("mailbox", mb);
	ret = ipcchan_mbox_send(mb, "mailbox hello", 13, 2, 0, -1);
	if (ret < 0)
		return fail("send", ret);
	n = ipcchan_mbox_recv(mb, buf, sizeof(buf), 0, 1000000000, &meta);
	if (n < 0)
		return fail("recv", n);
	if (n != 13 || memcmp(buf, "mailbox hello", 13) || meta.prio != 2 ||
	    meta.sender_pid != getpid()) {
		fprintf(stderr, "hello: mailbox returned the wrong message\n");
		return 1;
	}

	pfd = ipcchan_ring_open(dev, NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_PRODUCER, 1, 0,
				0600, &cfd);
	if (pfd < 0)
		return fail("ring", pfd);
	ret = ipcchan_ring_map(pfd, &prod);
	if (!ret)
		ret = ipcchan_ring_map(cfd, &cons);
	if (ret)
		return fail("map", ret);
	ret = ipcchan_ring_reserve(prod, 10, &slot);
	if (ret)
		return fail("reserve", ret);
	memcpy(slot, "ring hello", 10);
	ret = ipcchan_ring_commit(prod);
	if (ret < 0)
		return fail("commit", ret);
	ret = ipcchan_ring_wait(cons, 0, 1000000000);
	if (!ret)
		ret = ipcchan_ring_peek(cons, &data, &len);
	if (ret)
		return fail("peek", ret);
	if (len != 10 || memcmp(data, "ring hello", 10)) {
		fprintf(stderr, "hello: ring returned the wrong record\n");
		return 1;
	}
	ret = ipcchan_ring_release(cons);
	if (ret < 0)
		return fail("release", ret);
	ipcchan_ring_unmap(cons);
	ipcchan_ring_unmap(prod);
	close(cfd);
	close(pfd);
	close(mb);
	close(dev);
	printf("hello: mailbox and ring ok\n");
	return 0;
}
EOF
	cp "$T/ext/hello.c" "$T/ext/hello.cc"
}

build_programs() {
	local pc flags
	mkdir -p "$T/ext"
	write_program
	# pkg-config as a user of this DESTDIR sees it: the .pc file names
	# /usr/local, the sysroot maps it into $root.
	pc=(env PKG_CONFIG_LIBDIR="$root/usr/local/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
	    pkg-config)
	"${pc[@]}" --modversion libipcchan | grep -qx "$VERSION" || return 1
	flags=$("${pc[@]}" --cflags --libs libipcchan) || return 1
	echo "pkg-config: $flags"
	# shellcheck disable=SC2086
	gcc -std=c99 -D_GNU_SOURCE -Wall -Werror -o "$T/ext/hello-c" "$T/ext/hello.c" $flags &&
	g++ -Wall -Werror -o "$T/ext/hello-cxx" "$T/ext/hello.cc" $flags || return 1
	for b in hello-c hello-cxx; do
		readelf -d "$T/ext/$b" | grep -q 'NEEDED.*\[libipcchan\.so\.0\]' ||
			{ echo "$b does not link libipcchan.so.0"; return 1; }
	done
}

run_programs() {
	local lib=$root/usr/local/lib log=$T/vm-programs.serial
	"$TOP/scripts/vm.sh" --kernel stock --host --log "$log" -- \
		sh -c "LD_LIBRARY_PATH=$lib $T/ext/hello-c && LD_LIBRARY_PATH=$lib $T/ext/hello-cxx" || return 1
	[ "$(grep -ac 'hello: mailbox and ring ok' "$log")" -eq 2 ]
}

step external-programs-build build_programs &&
	step external-programs-run-in-vm run_programs

step uninstall make -C "$TOP" uninstall DESTDIR="$root"
step uninstall-leaves-nothing tree_empty

# ------------------------------------------------------------------
# The module: modules_install, modinfo

# In the VM's private build of the module for the stock kernel
# (build-module.sh, up to date after the VM run above), so that
# modules_install has nothing left to compile.
modules_install() {
	local ko
	"$TOP/scripts/build-module.sh" "$KDIR_STOCK" "$BUILD/stock" >/dev/null || return 1
	make -C "$BUILD/stock/src/kmod" KDIR="$KDIR_STOCK" INSTALL_MOD_PATH="$T/mod/root" \
		modules_install || return 1
	# Kbuild compresses it for a kernel with CONFIG_MODULE_COMPRESS_XZ (6.12).
	ko=$(find "$T/mod/root/lib/modules/$KVER/updates" -name 'ipcchan.ko*' 2>/dev/null)
	[ -n "$ko" ] || { echo "nothing in $T/mod/root/lib/modules/$KVER/updates"; return 1; }
	grep -q '^alias net-pf-16-proto-16-family-ipcchan ipcchan$' \
		"$T/mod/root/lib/modules/$KVER/modules.alias" || { echo "depmod: no family alias"; return 1; }
	echo "modinfo: version $(modinfo -F version "$ko"), alias $(modinfo -F alias "$ko")"
	[ "$(modinfo -F version "$ko")" = "$VERSION" ] &&
		modinfo -F alias "$ko" | grep -qx 'net-pf-16-proto-16-family-ipcchan'
}
step modules-install-and-modinfo modules_install

# ------------------------------------------------------------------
# DKMS, with a private tree and signing key

dkms_build() { # KVER KDIR
	local d=$T/dkms ko
	mkdir -p "$d/tree" "$d/key"
	[ -d "$d/src/usr/src/ipcchan-$VERSION" ] ||
		make -C "$TOP" dkms-install DESTDIR="$d/src" || return 1
	export mok_signing_key=$d/key/mok.key mok_certificate=$d/key/mok.pub
	dkms_args=(-m ipcchan -v "$VERSION" --dkmstree "$d/tree" --sourcetree "$d/src/usr/src")
	[ -d "$d/tree/ipcchan/$VERSION" ] || dkms add "${dkms_args[@]}" || return 1
	dkms build "${dkms_args[@]}" -k "$1" --kernelsourcedir "$2" || return 1
	ko=$(find "$d/tree/ipcchan/$VERSION/$1" -name 'ipcchan.ko*' | head -n 1)
	[ -n "$ko" ] || { echo "dkms built no module for $1"; return 1; }
	echo "built $ko: version $(modinfo -F version "$ko"), signer $(modinfo -F signer "$ko")"
	[ "$(modinfo -F version "$ko")" = "$VERSION" ] &&
		[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$1" ]
}
step dkms-build-6.12 dkms_build "$KVER" "$KDIR_STOCK"
step dkms-build-6.1 dkms_build "$KVER61" "$KDIR_61"

# ------------------------------------------------------------------
# Debian packages

debian_packages() {
	local src=$T/deb/ipcchan-$VERSION p
	mkdir -p "$src"
	rsync -a --exclude=/build --exclude=/.git --exclude=/bench-results "$TOP/" "$src/"
	# No -dbgsym packages: they cost a third of the time and test nothing.
	(cd "$src" && DEB_BUILD_OPTIONS="noddebs parallel=2" dpkg-buildpackage -us -uc -b) || return 1
	for p in ipcchan-dkms_${VERSION}_all ipcchan-tools_${VERSION}_amd64 \
		 libipcchan0_${VERSION}_amd64 libipcchan-dev_${VERSION}_amd64; do
		[ -f "$T/deb/$p.deb" ] || { echo "missing $p.deb"; return 1; }
	done
	# Listings into variables: grep -q closing the pipe early would kill
	# dpkg-deb with SIGPIPE, which pipefail reports as a failure.
	local dkms_ls lib_ls dev_ls
	dkms_ls=$(dpkg-deb -c "$T/deb/ipcchan-dkms_${VERSION}_all.deb") &&
	lib_ls=$(dpkg-deb -c "$T/deb/libipcchan0_${VERSION}_amd64.deb") &&
	dev_ls=$(dpkg-deb -c "$T/deb/libipcchan-dev_${VERSION}_amd64.deb") || return 1
	grep -q "usr/src/ipcchan-$VERSION/dkms.conf" <<<"$dkms_ls" || return 1
	dpkg-deb -f "$T/deb/ipcchan-dkms_${VERSION}_all.deb" Depends | grep -q dkms ||
		{ echo "ipcchan-dkms does not depend on dkms"; return 1; }
	grep -q 'libipcchan.so.0 ->' <<<"$lib_ls" || return 1
	grep -q 'pkgconfig/libipcchan.pc' <<<"$dev_ls" || return 1
	# Debian's hardening flags reached the compiler and the linker.
	local dyn relocs
	dpkg-deb -x "$T/deb/ipcchan-tools_${VERSION}_amd64.deb" "$T/deb/x"
	dyn=$(readelf -d "$T/deb/x/usr/bin/ipcchan") &&
	relocs=$(readelf -r "$T/deb/x/usr/bin/ipcchan") || return 1
	grep -q BIND_NOW <<<"$dyn" || { echo "no -z now"; return 1; }
	grep -q __stack_chk_fail <<<"$relocs" || { echo "no stack protector"; return 1; }
}
step debian-packages debian_packages

# ------------------------------------------------------------------
# The selftests inside a kernel tree

kernel_tree_selftests() {
	local k=$BUILD/ksft-tree stamp p
	stamp=$k/.extracted-$(stat -c %s-%Y "$KSRC_TARBALL")
	if [ ! -e "$stamp" ]; then
		rm -rf "$k" && mkdir -p "$k"
		tar -xJf "$KSRC_TARBALL" -C "$k" --strip-components=1 --wildcards \
			'*/tools/testing/selftests/Makefile' '*/tools/testing/selftests/lib.mk' \
			'*/tools/testing/selftests/kselftest.h' \
			'*/tools/testing/selftests/kselftest_harness.h' \
			'*/tools/testing/selftests/kselftest/*' \
			'*/scripts/subarch.include' || return 1
		touch "$stamp"
	fi
	rm -rf "$k/tools/testing/selftests/ipcchan"
	cp -a "$TOP/selftests" "$k/tools/testing/selftests/ipcchan"
	make -j2 -C "$k/tools/testing/selftests" TARGETS=ipcchan IPCCHAN_SRC="$TOP" || return 1
	for p in $(sed -n 's/^\(TEST_GEN_PROGS\|COMPANIONS\)[ +:]*= *//p' "$TOP/selftests/Makefile"); do
		[ -x "$k/tools/testing/selftests/ipcchan/$p" ] || { echo "not built: $p"; return 1; }
	done
}
step kernel-tree-selftests kernel_tree_selftests

# ------------------------------------------------------------------
# Without the module every test binary skips, none fails

no_module() {
	local log=$T/vm-no-module.serial n res
	n=$(sed -n 's/^TEST_GEN_PROGS[ +:]*= *//p' "$TOP/selftests/Makefile" | wc -w)
	"$TOP/scripts/vm.sh" --kernel stock --no-module --log "$log" >/dev/null 2>&1
	res=$(grep -ao 'IPCCHAN-RESULT pass=[0-9]* fail=[0-9]* skip=[0-9]*' "$log" | tail -n 1)
	echo "without the module: $res ($n binaries)"
	[ "$res" = "IPCCHAN-RESULT pass=0 fail=0 skip=$n" ]
}
step no-module-all-skip no_module

echo "IPCCHAN-RESULT pass=$pass fail=$fail skip=0"
echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
