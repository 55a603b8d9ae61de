#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel.sh - build (once) and cache a small x86_64 debug kernel.
#
# Stock Debian kernels have no KASAN, lockdep, kmemleak, UBSAN, KUnit or
# fault injection, so the ipcchan module is tested in a QEMU guest running a
# kernel built here from Debian's linux-source-6.12 tarball:
#
#   make tinyconfig + scripts/debug-kernel.config (merged) + olddefconfig
#
# Every assignment in the fragment is checked against the final .config,
# because Kconfig silently drops options whose dependencies are missing.
#
# The result is cached outside the work tree, keyed by the fragment, the
# kernel source version and the compiler:
#
#   ${IPCCHAN_CACHE:-/var/cache/ipcchan}/debug-kernel/<key>/
#       bzImage        kernel for qemu -kernel
#       build/         object tree, usable as KDIR:
#                        make -C <dir>/build M=<module dir> modules
#       config         the final .config
#       build.log      full build log
#       info           key material and build time
#
# The source is extracted (once) to ${IPCCHAN_CACHE}/src/linux-source-6.12;
# build/ refers to it, so keep it.  A build happens in a temporary
# directory that is renamed into place only when complete, so an interrupted
# build is never taken for a finished one.
#
# Usage: scripts/debug-kernel.sh [--print-path]
#   On success the last line of stdout is the absolute cache directory;
#   progress goes to stderr.  With --print-path nothing is built: print the
#   directory if the kernel is already built, else exit 1.

set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
CACHE=$(realpath -m -- "${IPCCHAN_CACHE:-/var/cache/ipcchan}")
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd)
readonly SCRIPT_DIR CACHE REPO_ROOT
readonly FRAGMENT=$SCRIPT_DIR/debug-kernel.config
readonly SRC_PKG=linux-source-6.12
readonly TARBALL=/usr/src/$SRC_PKG.tar.xz
readonly SRC=$CACHE/src/$SRC_PKG
readonly KERNELS=$CACHE/debug-kernel
# Bump when the build procedure changes in a way that invalidates old caches.
readonly RECIPE=1

TMP_DIRS=()
LOG=
FAILED_LOG=
SHOW_TAIL=1
MAKE_PID=
SIGNALLED=0

log() { printf 'debug-kernel: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^$/p' "${BASH_SOURCE[0]}" >&2
}

cleanup() {
	local d
	for d in "${TMP_DIRS[@]}"; do
		[[ -e $d ]] && rm -rf -- "$d"
	done
	return 0
}

need_tools() {
	local t missing=()
	for t in make gcc flex bison bc perl tar xz flock sha256sum; do
		command -v "$t" >/dev/null || missing+=("$t")
	done
	[[ -e /usr/include/libelf.h ]] || missing+=("libelf-dev (libelf.h)")
	((${#missing[@]} == 0)) || die "missing build tools: ${missing[*]}"
}

# Extract the kernel source into the cache unless already there.
ensure_source() {
	[[ -f $SRC/Makefile ]] && return 0
	[[ -r $TARBALL ]] || die "$TARBALL not found: apt-get install $SRC_PKG"
	mkdir -p -- "$CACHE/src"
	local tmp
	tmp=$(mktemp -d -- "$CACHE/src/.extract.XXXXXX")
	TMP_DIRS+=("$tmp")
	log "extracting $TARBALL into $CACHE/src (~10 s)"
	tar -xJf "$TARBALL" -C "$tmp"
	[[ -f $tmp/$SRC_PKG/Makefile ]] || die "unexpected tarball layout in $TARBALL"
	# Another run may have won the race; its copy is as good as ours.
	mv -T -- "$tmp/$SRC_PKG" "$SRC" 2>/dev/null || [[ -f $SRC/Makefile ]] ||
		die "could not move the source into $SRC"
}

# "6.12.117" from the extracted tree's Makefile.
tree_version() {
	awk -F' *= *' '
		$1 == "VERSION"     { v = $2 }
		$1 == "PATCHLEVEL"  { p = $2 }
		$1 == "SUBLEVEL"    { s = $2 }
		$1 == "EXTRAVERSION"{ e = $2; exit }
		END { printf "%s.%s.%s%s\n", v, p, s, e }' "$SRC/Makefile"
}

# Debian version of the source package, or "none".
package_version() {
	dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null || echo none
}

# Refuse to mix an old extracted tree with a newer installed package.
check_source_matches_package() {
	local tv=$1 pv=$2 upstream
	[[ $pv == none ]] && return 0
	upstream=${pv#*:}
	upstream=${upstream%%-*}
	[[ $upstream == "$tv" ]] ||
		die "$SRC is $tv but $SRC_PKG $pv is installed; remove $SRC and rerun"
}

cache_key() {
	local tv=$1 pv=$2
	{
		printf 'recipe %s\nkernel %s\npackage %s\ncc %s\n' \
			"$RECIPE" "$tv" "$pv" "$(gcc --version | head -n1)"
		cat -- "$FRAGMENT"
	} | sha256sum | cut -c1-16
}

is_built() {
	[[ -f $1/bzImage && -f $1/build/Module.symvers ]]
}

# Every assignment in the fragment must appear verbatim in the final
# .config; every "is not set" must not be enabled.  Print offenders.
verify_config() {
	local frag=$1 config=$2 line sym actual bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$config" && continue
			sym=${line%%=*}
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			grep -q -- "^$sym=" "$config" || continue
			;;
		*) continue ;;
		esac
		actual=$(grep -E -- "^$sym=|^# $sym is not set" "$config" || echo "absent")
		log "  wanted: $line    got: $actual"
		bad=1
	done <"$frag"
	return "$bad"
}

# make in the source tree with output into the object tree, logged.  It
# runs in the background so that a signal reaches our trap at once (bash
# defers traps while a foreground command runs); on_exit then stops it.
kmake() {
	local obj=$1
	shift
	make -C "$SRC" O="$obj" "$@" >>"$LOG" 2>&1 &
	MAKE_PID=$!
	wait "$MAKE_PID"
	MAKE_PID=
}

build() {
	local dir=$1 key=$2 tv=$3 pv=$4
	local tmp obj start jobs

	tmp=$(mktemp -d -- "$KERNELS/.tmp.$key.XXXXXX")
	TMP_DIRS+=("$tmp")
	chmod 755 -- "$tmp"	# mktemp makes it 0700; the cache is shared
	obj=$tmp/build
	mkdir -p -- "$obj"
	LOG=$tmp/build.log
	FAILED_LOG=$KERNELS/$key.failed.log
	jobs=$(nproc)
	start=$(date +%s)

	log "building Linux $tv debug kernel (key $key) with make -j$jobs"
	log "a cold build takes ~15-25 min on 2 cores (~6 min if the machine is idle)"
	log "log: $LOG"

	log "[1/4] tinyconfig"
	kmake "$obj" tinyconfig

	log "[2/4] merge $FRAGMENT + olddefconfig"
	# merge_config.sh puts its temp files in the current directory.
	(cd -- "$obj" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$obj" \
		"$obj/.config" "$FRAGMENT") >>"$LOG" 2>&1
	kmake "$obj" olddefconfig

	log "[3/4] verify the fragment survived olddefconfig"
	if ! verify_config "$FRAGMENT" "$obj/.config"; then
		SHOW_TAIL=0
		die "fragment options dropped by Kconfig (missing dependencies?); fix $FRAGMENT"
	fi

	log "[4/4] make -j$jobs (vmlinux, bzImage, Module.symvers)"
	kmake "$obj" -j"$jobs" all
	[[ -f $obj/arch/x86/boot/bzImage ]] || die "no bzImage produced"
	[[ -f $obj/Module.symvers ]] || die "no Module.symvers produced"

	cp -- "$obj/arch/x86/boot/bzImage" "$tmp/bzImage"
	cp -- "$obj/.config" "$tmp/config"
	cp -- "$FRAGMENT" "$tmp/debug-kernel.config"
	cat >"$tmp/info" <<-EOF
		key $key
		recipe $RECIPE
		kernel $tv
		package $SRC_PKG $pv
		source $SRC
		cc $(gcc --version | head -n1)
		built $(date -u +%Y-%m-%dT%H:%M:%SZ)
		build_seconds $(($(date +%s) - start))
	EOF
	# Publish atomically: the final name exists only for complete builds.
	mv -T -- "$tmp" "$dir"
	LOG=
	log "built in $(($(date +%s) - start)) s"
}

on_exit() {
	local rc=$?
	if [[ -n $MAKE_PID ]]; then
		# GNU make passes SIGTERM on to its jobs and waits for them.
		kill -TERM "$MAKE_PID" 2>/dev/null || true
		wait "$MAKE_PID" 2>/dev/null || true
	fi
	if ((SIGNALLED)); then
		log "interrupted; the partial build is removed"
		SHOW_TAIL=0
	fi
	if ((rc != 0)) && [[ -n ${LOG:-} && -f $LOG ]]; then
		cp -- "$LOG" "$FAILED_LOG" 2>/dev/null || true
		if ((SHOW_TAIL)); then
			log "build failed; last lines of the log:"
			tail -n 40 -- "$LOG" >&2 || true
		fi
		log "full log of the failed build: $FAILED_LOG"
	fi
	cleanup
	exit "$rc"
}

main() {
	local print_only=0
	case ${1:-} in
	"") ;;
	--print-path) print_only=1 ;;
	-h | --help) usage; exit 0 ;;
	*) usage; exit 2 ;;
	esac
	(($# <= 1)) || { usage; exit 2; }
	[[ -f $FRAGMENT ]] || die "fragment $FRAGMENT not found"

	trap on_exit EXIT
	trap 'SIGNALLED=1; exit 130' INT
	trap 'SIGNALLED=1; exit 143' TERM

	case $CACHE/ in
	"$REPO_ROOT"/*) die "IPCCHAN_CACHE=$CACHE is inside the work tree $REPO_ROOT" ;;
	esac
	if ((print_only)); then
		[[ -f $SRC/Makefile ]] || { log "not built (no source in $SRC)"; exit 1; }
	else
		ensure_source
	fi

	local tv pv key dir
	tv=$(tree_version)
	pv=$(package_version)
	check_source_matches_package "$tv" "$pv"
	key=$(cache_key "$tv" "$pv")
	dir=$KERNELS/$key

	if is_built "$dir"; then
		printf '%s\n' "$dir"
		exit 0
	fi
	if ((print_only)); then
		log "not built: $dir (run ${BASH_SOURCE[0]} to build it)"
		exit 1
	fi

	need_tools
	mkdir -p -- "$KERNELS"
	# One builder at a time; whoever waited re-checks the cache.
	exec 9>"$KERNELS/.lock"
	if ! flock -n 9; then
		log "another build is running; waiting for it"
		flock 9
	fi
	if ! is_built "$dir"; then
		# Holding the lock, leftovers of killed builds are safe to remove.
		rm -rf -- "$KERNELS"/.tmp.*
		build "$dir" "$key" "$tv" "$pv"
	fi
	printf '%s\n' "$dir"
}

main "$@"
