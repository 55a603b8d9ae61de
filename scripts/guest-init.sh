#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the ipcchan test VM (busybox sh). It mounts the pseudo
# filesystems, loads the 9p modules and ipcchan.ko, runs /ipcchan/cmd,
# scans kmemleak (debug kernel) before rmmod, prints a marker with the exit
# status that scripts/vm.sh reads back from the serial log, and powers off.
#
#   /ipcchan/cmd          the command (a sh script), added per run
#   /ipcchan/modparams    insmod arguments for ipcchan.ko, added per run
#   /ipcchan/flags        words: host (run inside the host-root overlay),
#                         out (mount the results share at /out), nomod
#   /lib/ipcchan/extra/   9p/overlay modules of the stock kernel, in order

export PATH=/opt/ipcchan/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root TERM=dumb
# scripts/vm.sh looks for this line: a guest that ended without it died
# before init ran, which is the emulator's or the kernel's doing, never
# the module's (it is not loaded yet).
echo "ipcchan-vm: init started"

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /dev/mqueue /tmp /root
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t mqueue mqueue /dev/mqueue 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# cgroup2, for the memcg tests (memcg_test makes its own cgroups there).
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
ip link set lo up 2>/dev/null
hostname ipcchan-vm

flags=$(cat /ipcchan/flags 2>/dev/null)
has_flag() { case " $flags " in *" $1 "*) return 0;; esac; return 1; }

if [ -r /lib/ipcchan/extra/order ]; then
	while read -r m; do
		insmod "/lib/ipcchan/extra/$m" 2>/dev/null
	done </lib/ipcchan/extra/order
fi

p9opts=trans=virtio,version=9p2000.L,msize=512000
if has_flag out; then
	mkdir -p /out && mount -t 9p -o "$p9opts" out /out ||
		echo "ipcchan-vm: cannot mount the results share" >&2
fi

rc=0
if ! has_flag nomod; then
	# shellcheck disable=SC2046
	if ! insmod /lib/ipcchan/ipcchan.ko $(cat /ipcchan/modparams 2>/dev/null); then
		echo "ipcchan-vm: insmod ipcchan.ko failed" >&2
		rc=1
	fi
fi

if [ "$rc" -eq 0 ]; then
	if has_flag host; then
		# The host's root, read-only over 9p, under a tmpfs overlay: host
		# programs (python3, strace, YNL) run against the loaded module.
		mkdir -p /host /ovl /newroot
		mount -t 9p -o "$p9opts,ro" hostroot /host &&
		mount -t tmpfs tmpfs /ovl &&
		mkdir -p /ovl/upper /ovl/work &&
		mount -t overlay overlay \
			-o lowerdir=/host,upperdir=/ovl/upper,workdir=/ovl/work /newroot || rc=1
		if [ "$rc" -eq 0 ]; then
			# Not /tmp: the work tree may live there (a CI clone),
			# and the overlay already makes the host's /tmp writable.
			for d in proc sys dev dev/pts dev/shm dev/mqueue; do
				mount --bind "/$d" "/newroot/$d" 2>/dev/null
			done
			[ -d /out ] && mkdir -p /newroot/out && mount --bind /out /newroot/out
			cp /ipcchan/cmd /newroot/tmp/.ipcchan-cmd
			chroot /newroot /bin/sh /tmp/.ipcchan-cmd
			rc=$?
		else
			echo "ipcchan-vm: cannot set up the host-root overlay" >&2
		fi
	else
		(cd /root && sh /ipcchan/cmd)
		rc=$?
	fi
fi

# kmemleak reports only objects older than 5 s and wants two scans; scan
# while the module is still loaded so backtraces keep their symbols.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo "ipcchan-vm: kmemleak scan" >&2
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
fi

# Show who still holds the module: its reference count and every process
# with an ipcchan fd or mapping.
holders() {
	echo "ipcchan-vm: refcnt $(cat /sys/module/ipcchan/refcnt 2>/dev/null)" >&2
	for d in /proc/[0-9]*; do
		n=$(ls -l "$d/fd" 2>/dev/null | grep -c ipcchan)
		m=$(grep -c ipcchan "$d/maps" 2>/dev/null)
		[ "${n:-0}" -gt 0 ] || [ "${m:-0}" -gt 0 ] || continue
		echo "ipcchan-vm: pid ${d#/proc/} ($(cat "$d/comm")): $n fds, $m mappings" >&2
	done
}

# Some references go away just after their process (deferred fput, RCU),
# so a refused rmmod is retried for a few seconds; a leaked reference
# stays and fails the run.
if grep -q '^ipcchan ' /proc/modules; then
	tries=0
	until rmmod ipcchan 2>/dev/null; do
		tries=$((tries + 1))
		[ "$tries" -eq 1 ] && holders
		if [ "$tries" -ge 5 ]; then
			echo "ipcchan-vm: rmmod ipcchan failed" >&2
			rmmod ipcchan
			[ "$rc" -eq 0 ] && rc=1
			break
		fi
		sleep 1
	done
	[ "$tries" -gt 0 ] && [ "$tries" -lt 5 ] &&
		echo "ipcchan-vm: rmmod succeeded after $tries retries" >&2
fi

sync
echo "IPCCHAN-EXIT=$rc"
poweroff -f
