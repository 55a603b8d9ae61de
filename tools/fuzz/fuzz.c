// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan-fuzz: a seeded, reproducible fuzzer of /dev/ipcchan.
 *
 * Each operation is drawn from one pseudo-random stream (xorshift64*,
 * seeded by --seed): every ioctl number of the factory, mailbox and ring
 * ranges, with argument structures built from a valid template and then
 * mutated (sizes, flags, reserved fields, counts, priorities, pointers to
 * NULL, unmapped, read-only, kernel or misaligned memory, overlapping
 * buffers); read/write/readv/writev with random lengths; mmap, mprotect
 * and munmap of every fd; poll; dup, close and fork in every order (a
 * forked child runs a few operations of its own and exits, so objects
 * are shared across processes and released in random orders). A 10 ms
 * interval timer interrupts any call that would block.
 *
 * Rings: RING_OPEN (every role, flag and size, named and anonymous),
 * GET_INFO, GET_STATS, KICK and WAIT with mutated arguments, write() to
 * kernel-producer rings; mmap of each region with random offsets, sizes
 * and protections, mprotect, munmap, mremap and madvise of the mappings;
 * and, from the writable mappings the fuzzer's own roles own, random
 * positions, waiting flags and record headers (lengths, flags) written
 * into the shared control pages and data area, which the kernel must
 * treat as untrusted (EIO at worst, never a report).
 *
 * Netlink: requests to the generic netlink family "ipcchan" with random
 * commands, flags (do, dump, ack), versions and attributes: known and
 * unknown types, wrong lengths, nested flags, TLVs that run past their
 * message, and truncated headers; dumps left half read; joins of the
 * multicast groups (monitor-admin must be refused, the fuzzer is
 * unprivileged). Error acks must carry a netlink-documented errno.
 *
 * The process runs as nobody (65534) when started as root, so the
 * per-user limits bound what it can allocate.
 *
 * Every failure must carry a documented errno for its call; anything else
 * (or a crash of the fuzzer itself, or a wrong result such as a read
 * returning more than asked) fails the run. The kernel side is judged by
 * the VM runner: any KASAN, lockdep, UBSAN or kmemleak report fails it.
 *
 *   ipcchan-fuzz [--seed N] [--ops N] [--verbose]
 *
 * The last line is "ipcchan-fuzz: seed S: N ops, ... errno histogram".
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/ipcchan.h>

#include "genl_util.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define MAX_FDS		48
#define MAX_MAPS	16
#define MAX_CHILDREN	4
#define NNAMES		6
#define BUFSZ		(128 * 1024)

enum op_kind {
	OP_OPEN_DEV, OP_MBOX_OPEN, OP_UNLINK, OP_INFO, OP_SEND, OP_RECV,
	OP_ATTR, OP_STATS, OP_RAW_IOCTL, OP_READ, OP_WRITE, OP_READV, OP_WRITEV,
	OP_MMAP, OP_MPROTECT, OP_MUNMAP, OP_POLL, OP_DUP, OP_CLOSE, OP_FORK,
	OP_FCNTL, OP_RING_OPEN, OP_RING_INFO, OP_RING_KICK, OP_RING_WAIT,
	OP_RING_MAP, OP_MADVISE, OP_MREMAP, OP_CORRUPT, OP_NETLINK, OP_NL_JOIN,
	NR_OPS,
};

static const char *const op_names[NR_OPS] = {
	"open_dev", "mbox_open", "unlink", "get_info", "send", "recv",
	"get_attr", "get_stats", "raw_ioctl", "read", "write", "readv",
	"writev", "mmap", "mprotect", "munmap", "poll", "dup", "close", "fork",
	"fcntl", "ring_open", "ring_info", "ring_kick", "ring_wait",
	"ring_map", "madvise", "mremap", "corrupt", "netlink", "nl_join",
};

/* Errnos each kind of call may return (documented in ipcchan.h/.rst). */
static const int ioctl_errnos[] = {
	EFAULT, EINVAL, E2BIG, ENOTTY, EBADF, ENAMETOOLONG, ENOENT, EEXIST,
	EACCES, EPERM, EDQUOT, ENOMEM, EMFILE, ENFILE, EMSGSIZE, EAGAIN,
	ETIMEDOUT, EINTR, EPIPE, ENOSPC, EIO, 0,
};
static const int rw_errnos[] = {
	EFAULT, EINVAL, EBADF, EMSGSIZE, EAGAIN, EINTR, EPIPE, ENOMEM,
	EOPNOTSUPP, EIO, 0,
};
static const int mmap_errnos[] = {
	ENODEV, EACCES, EINVAL, EPERM, ENOMEM, EBADF, EAGAIN,
	EOVERFLOW,	/* offset + length past the end of the file offsets */
	EEXIST,		/* MAP_FIXED_NOREPLACE on something mapped */
	0,
};
static const int misc_errnos[] = { EBADF, EINTR, EMFILE, ENOMEM, EAGAIN, EINVAL, 0 };
/*
 * madvise and mremap of ring mappings: the core mm's answers (EFAULT for
 * growing a VM_DONTEXPAND mapping, ENODEV or EINVAL for advice that does
 * not apply to driver pages).
 */
static const int vm_errnos[] = {
	EINVAL, EFAULT, ENOMEM, EAGAIN, EACCES, EPERM, ENODEV, EOPNOTSUPP,
	EBUSY, EIO,
	ENOSYS,		/* the debug kernel has no CONFIG_ADVISE_SYSCALLS */
	0,
};
/* Netlink: send() and the errors in acks of requests to our family. */
static const int nl_send_errnos[] = {
	EINVAL, ENOBUFS, EAGAIN, ENOMEM, EMSGSIZE, ECONNREFUSED, EINTR, EFAULT,
	ENODATA,	/* af_netlink refuses a zero-length datagram */
	0,
};
static const int nl_ack_errnos[] = {
	EINVAL, ENOENT, EOPNOTSUPP, EPERM, ERANGE, EMSGSIZE, ENOMEM, ENOBUFS,
	EBUSY, 0,
};

struct map {
	void *addr;
	size_t len;
	int prot;
	bool dontfork;		/* MADV_DONTFORK: absent in forked children */
};

static struct {
	uint64_t rng;
	int fds[MAX_FDS];
	bool kind[MAX_FDS];	/* an object fd */
	int nfds;
	struct map maps[MAX_MAPS];
	int nmaps;
	pid_t children[MAX_CHILDREN];
	int nchildren;
	unsigned char *buf;	/* BUFSZ read-write */
	unsigned char *robuf;	/* one read-only page */
	unsigned char *hole;	/* one unmapped page */
	unsigned long ops, fails, bad;
	unsigned long per_op[NR_OPS];
	unsigned long per_op_ok[NR_OPS];
	unsigned long errnos[256];
	bool verbose;
	bool child;
	int nl;			/* generic netlink socket, or -1 */
	uint16_t nl_family;
	uint32_t grp_monitor, grp_admin;
	unsigned long nl_acks, nl_msgs, corruptions;
} f;

static uint64_t rnd(void)
{
	f.rng ^= f.rng >> 12;
	f.rng ^= f.rng << 25;
	f.rng ^= f.rng >> 27;
	return f.rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int one_in)
{
	return below(one_in) == 0;
}

static void on_alarm(int sig)
{
}

static bool allowed(const int *list, int err)
{
	for (; *list; list++)
		if (*list == err)
			return true;
	return false;
}

/* Account a result; an undocumented errno is a failure of the run. */
static void result(enum op_kind op, long ret, const int *ok)
{
	int err = errno;

	f.ops++;
	f.per_op[op]++;
	if (ret >= 0) {
		f.per_op_ok[op]++;
		return;
	}
	f.fails++;
	f.errnos[err & 0xff]++;
	if (!allowed(ok, err)) {
		f.bad++;
		fprintf(stderr, "ipcchan-fuzz: op %lu %s: undocumented errno %d (%s)\n",
			f.ops, op_names[op], err, strerror(err));
	}
	if (f.verbose)
		fprintf(stderr, "op %lu %s = %ld (%s)\n", f.ops, op_names[op],
			ret, strerror(err));
}

static void wrong(const char *what, long val)
{
	f.bad++;
	fprintf(stderr, "ipcchan-fuzz: op %lu: %s (%ld)\n", f.ops, what, val);
}

static int pick_fd(void);

/* A mailbox fd most of the time, for the calls that need one. */
static int pick_obj_fd(void)
{
	int i, start;

	if (f.nfds && !chance(4)) {
		start = below(f.nfds);
		for (i = 0; i < f.nfds; i++)
			if (f.kind[(start + i) % f.nfds])
				return f.fds[(start + i) % f.nfds];
	}
	return pick_fd();
}

static int pick_fd(void)
{
	if (!f.nfds || chance(40))
		return chance(2) ? -1 : 1000 + (int)below(10);
	return f.fds[below(f.nfds)];
}

static void add_fd(int fd, bool obj)
{
	int i = f.nfds;

	if (fd < 0)
		return;
	if (f.nfds == MAX_FDS) {
		i = below(MAX_FDS);
		close(f.fds[i]);
	} else {
		f.nfds++;
	}
	f.fds[i] = fd;
	f.kind[i] = obj;
}

/* A user pointer: mostly good, sometimes hostile. */
static uint64_t uptr(size_t need)
{
	switch (below(48)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)f.hole;
	case 2:
		return (uintptr_t)f.robuf;
	case 3:
		return 0xffff888000000000ULL + below(1 << 20) * 8;
	case 4:
		return (uintptr_t)f.buf + BUFSZ - below(need + 1);	/* runs off */
	case 5:
		return (uintptr_t)f.hole - below(64);		/* into the hole */
	case 6:
		return ~0ULL - below(4096);
	default:
		return (uintptr_t)f.buf + below(BUFSZ - need > 0 ? BUFSZ - need : 1);
	}
}

static uint32_t mutate_u32(uint32_t v)
{
	switch (below(10)) {
	case 0:
		return 0;
	case 1:
		return ~0U;
	case 2:
		return v ^ (1U << below(32));
	case 3:
		return v + below(16) - 8;
	case 4:
		return rnd();
	default:
		return v;
	}
}

/* The size field: the real one mostly, or too small, odd, or huge. */
static uint32_t mutate_size(uint32_t real, uint32_t ver0)
{
	switch (below(12)) {
	case 0:
		return below(ver0);
	case 1:
		return real + 8 * (1 + below(8));
	case 2:
		return 4096 + below(8192);
	case 3:
		return ver0;
	case 4:
		return real - 1;
	default:
		return real;
	}
}

/* Copy the argument into the shared buffer, with a random tail. */
static void *place(const void *arg, size_t len, uint32_t size)
{
	unsigned char *p = f.buf + BUFSZ - 8192;

	memcpy(p, arg, len);
	if (size > len && size <= 8192) {
		if (chance(2))
			memset(p + len, 0, size - len);
		else
			p[len + below(size - len)] = rnd();
	}
	return p;
}

static const char *const names[NNAMES] = {
	"fz-a", "fz-b", "fz-c", "fz-d", "fz/bad", "",
};

static void set_name(__u64 *ptr, __u32 *len)
{
	const char *n = names[below(NNAMES)];
	char *dst = (char *)f.buf + 65536;

	if (chance(6)) {
		*ptr = 0;
		*len = 0;
		return;
	}
	strcpy(dst, n);
	*ptr = (uintptr_t)dst;
	*len = strlen(n);
	if (chance(15)) {
		*len = 200 + below(100);	/* long names: ENAMETOOLONG at 256 */
		memset(dst, 'x', *len);
	}
	if (chance(20))
		*ptr = uptr(*len);
	if (chance(20))
		*len = mutate_u32(*len);
}

static void op_mbox_open(int dev)
{
	struct ipcchan_mbox_open op = {
		.size = sizeof(op),
		.flags = below(32),
		.mode = below(2) ? 0600 : below(01000),
		.capacity = below(3) ? 1 + below(32) : below(5000),
		.msgsize_max = below(3) ? below(4096) : below(70000),
		.policy = below(__IPCCHAN_MBOX_POLICY_MAX + 1),
		.send_lowat = below(2) ? 0 : below(3) ? 1 + below(32) : below(6000),
	};
	long ret;

	if (chance(2))
		op.flags |= IPCCHAN_OPEN_NONBLOCK;
	if (!(op.flags & 3))
		op.flags |= 1 + below(3);
	set_name(&op.name, &op.name_len);
	if (chance(8))
		op.flags = mutate_u32(op.flags);
	if (chance(10))
		op.reserved = mutate_u32(0);
	if (chance(10))
		op.reserved1 = mutate_u32(0);
	op.size = mutate_size(sizeof(op), IPCCHAN_MBOX_OPEN_SIZE_VER0);
	ret = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN,
		    chance(30) ? (void *)(uintptr_t)uptr(sizeof(op)) :
				 place(&op, sizeof(op), op.size));
	result(OP_MBOX_OPEN, ret, ioctl_errnos);
	add_fd(ret, true);
}

static void op_unlink(int dev)
{
	struct ipcchan_unlink u = {
		.size = sizeof(u), .type = 1 + below(3),
	};
	long ret;

	set_name(&u.name, &u.name_len);
	if (chance(10))
		u.flags = mutate_u32(0);
	u.size = mutate_size(sizeof(u), IPCCHAN_UNLINK_SIZE_VER0);
	ret = ioctl(dev, IPCCHAN_IOC_UNLINK, place(&u, sizeof(u), u.size));
	result(OP_UNLINK, ret, ioctl_errnos);
}

static void op_info(int fd)
{
	struct ipcchan_info in = { .size = sizeof(in) };
	long ret;

	if (chance(10))
		in.flags = mutate_u32(0);
	in.size = mutate_size(sizeof(in), IPCCHAN_INFO_SIZE_VER0);
	ret = ioctl(fd, IPCCHAN_IOC_GET_INFO, place(&in, sizeof(in), in.size));
	result(OP_INFO, ret, ioctl_errnos);
}

static void op_xfer(int fd, bool send)
{
	struct ipcchan_mbox_msg *msgs = (void *)(f.buf + 32768);
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x),
		.flags = IPCCHAN_XFER_NONBLOCK,
		.msgs = (uintptr_t)msgs,
		.count = 1 + below(4),
		.msg_size = sizeof(*msgs),
	};
	unsigned int i;
	long ret;

	if (chance(4))
		x.flags = below(32);
	if (x.flags & IPCCHAN_XFER_TIMEOUT)
		x.timeout_ns = below(3) ? below(2000000) : rnd();
	if (chance(10))
		x.timeout_ns = mutate_u32(x.timeout_ns);
	if (chance(10))
		x.count = mutate_u32(x.count);
	if (chance(10))
		x.msg_size = mutate_size(sizeof(*msgs), IPCCHAN_MBOX_MSG_SIZE_VER0);
	if (chance(20))
		x.msgs = uptr(x.count * sizeof(*msgs));
	for (i = 0; i < 4; i++) {
		size_t len = below(3) ? below(256) : below(70000);

		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].len = len;
		msgs[i].buf = uptr(len);
		msgs[i].prio = below(8) ? below(32) : mutate_u32(31);
		if (chance(15))
			msgs[i].reserved = mutate_u32(0);
	}
	x.size = mutate_size(sizeof(x), IPCCHAN_MBOX_XFER_SIZE_VER0);
	ret = ioctl(fd, send ? IPCCHAN_IOC_MBOX_SEND : IPCCHAN_IOC_MBOX_RECV,
		    place(&x, sizeof(x), x.size));
	result(send ? OP_SEND : OP_RECV, ret, ioctl_errnos);
	if (ret > 0 && (x.count > IPCCHAN_MBOX_BATCH_MAX || ret > (long)x.count))
		wrong("xfer moved more than count", ret);
}

static void op_attr_stats(int fd, bool stats)
{
	unsigned char arg[sizeof(struct ipcchan_mbox_stats)] = { 0 };
	uint32_t real = stats ? sizeof(struct ipcchan_mbox_stats) :
				sizeof(struct ipcchan_mbox_attr);
	uint32_t size = mutate_size(real, stats ? IPCCHAN_MBOX_STATS_SIZE_VER0 :
					  IPCCHAN_MBOX_ATTR_SIZE_VER0);
	long ret;

	memcpy(arg, &size, 4);
	if (chance(10))
		arg[4 + below(real - 4)] = rnd();
	ret = ioctl(fd, stats ? IPCCHAN_IOC_MBOX_GET_STATS : IPCCHAN_IOC_MBOX_GET_ATTR,
		    chance(20) ? (void *)(uintptr_t)uptr(real) :
				 place(arg, real, size));
	result(stats ? OP_STATS : OP_ATTR, ret, ioctl_errnos);
}

static void op_raw_ioctl(int fd)
{
	unsigned long cmd;

	switch (below(4)) {
	case 0:
		cmd = _IO(IPCCHAN_IOC_MAGIC, below(0x50));
		break;
	case 1:
		cmd = _IOWR(IPCCHAN_IOC_MAGIC, below(0x50), struct ipcchan_info);
		break;
	case 2:
		cmd = rnd();
		break;
	default:
		cmd = _IO(below(256), below(256));
		break;
	}
	/* Random bytes as the argument. */
	{
		size_t i;

		for (i = 0; i < 64; i++)
			f.buf[BUFSZ - 8192 + i] = rnd();
	}
	result(OP_RAW_IOCTL,
	       ioctl(fd, cmd, chance(2) ? (void *)(uintptr_t)uptr(64) :
					  (void *)(f.buf + BUFSZ - 8192)),
	       ioctl_errnos);
}

static void op_rw(int fd, enum op_kind op)
{
	size_t len = below(3) ? below(512) : below(70000);
	uint64_t p = uptr(len);
	struct iovec iov[3];
	long ret;
	int i, n = 1 + below(3);

	switch (op) {
	case OP_READ:
		ret = read(fd, (void *)(uintptr_t)p, len);
		break;
	case OP_WRITE:
		ret = write(fd, (void *)(uintptr_t)p, len);
		break;
	default:
		len = 0;
		for (i = 0; i < n; i++) {
			iov[i].iov_len = below(300);
			iov[i].iov_base = (void *)(uintptr_t)uptr(iov[i].iov_len);
			len += iov[i].iov_len;
		}
		ret = op == OP_READV ? readv(fd, iov, n) : writev(fd, iov, n);
		break;
	}
	result(op, ret, rw_errnos);
	if (ret > (long)len)
		wrong("read/write returned more than asked", ret);
}

static void op_mmap(int fd)
{
	size_t len = 4096 * (1 + below(8));
	int prot = below(8), flags = chance(4) ? MAP_PRIVATE : MAP_SHARED;
	void *p;

	p = mmap(NULL, len, prot, flags, fd, 4096 * below(8));
	result(OP_MMAP, p == MAP_FAILED ? -1 : 0, mmap_errnos);
	if (p == MAP_FAILED)
		return;
	if (f.nmaps == MAX_MAPS) {
		munmap(f.maps[0].addr, f.maps[0].len);
		f.maps[0] = f.maps[--f.nmaps];
	}
	f.maps[f.nmaps++] = (struct map){ p, len, prot, false };
}

static void op_mprotect(void)
{
	int prot = below(8);
	struct map *m;
	long ret;

	if (!f.nmaps)
		return;
	m = &f.maps[below(f.nmaps)];
	ret = mprotect(m->addr, m->len, prot);
	if (!ret)
		m->prot = prot;
	result(OP_MPROTECT, ret, mmap_errnos);
}

static void op_munmap(void)
{
	int i;

	if (!f.nmaps)
		return;
	i = below(f.nmaps);
	result(OP_MUNMAP, munmap(f.maps[i].addr, 4096 * (1 + below(f.maps[i].len / 4096))),
	       mmap_errnos);
	f.maps[i] = f.maps[--f.nmaps];
}

static void op_poll(void)
{
	struct pollfd p[4];
	int i, n = 1 + below(4);

	for (i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = pick_fd(), .events = rnd() };
	result(OP_POLL, poll(p, n, below(3)), misc_errnos);
}

/* ---------------------------------------------------------------- */
/* Rings                                                             */
/* ---------------------------------------------------------------- */

static void add_map(void *p, size_t len, int prot)
{
	if (f.nmaps == MAX_MAPS) {
		munmap(f.maps[0].addr, f.maps[0].len);
		f.maps[0] = f.maps[--f.nmaps];
	}
	f.maps[f.nmaps++] = (struct map){ p, len, prot, false };
}

static uint32_t ring_pages(void)
{
	switch (below(8)) {
	case 0:
		return 0;
	case 1:
		return 3 + below(5);		/* not a power of two */
	case 2:
		return 1U << below(12);		/* up to ring_max_pages and past */
	case 3:
		return rnd();
	default:
		return 1U << below(3);
	}
}

static void op_ring_open(int dev)
{
	struct ipcchan_ring_open op = {
		.size = sizeof(op),
		.flags = below(4) ? IPCCHAN_OPEN_CREATE : 0,
		.role = below(8) ? 1 + below(3) : below(6),
		.mode = below(2) ? 0600 : below(01000),
		.nr_pages = ring_pages(),
		.ring_flags = below(3) ? 0 : IPCCHAN_RING_KERNEL_PRODUCER,
	};
	long ret;

	if (chance(2))
		op.flags |= IPCCHAN_OPEN_NONBLOCK;
	if (chance(6))
		op.flags |= IPCCHAN_OPEN_EXCL;
	set_name(&op.name, &op.name_len);
	if (chance(8))
		op.flags = mutate_u32(op.flags);
	if (chance(12))
		op.ring_flags = mutate_u32(op.ring_flags);
	if (chance(12))
		op.peer_fd = mutate_u32(0);
	op.size = mutate_size(sizeof(op), IPCCHAN_RING_OPEN_SIZE_VER0);
	ret = ioctl(dev, IPCCHAN_IOC_RING_OPEN,
		    chance(30) ? (void *)(uintptr_t)uptr(sizeof(op)) :
				 place(&op, sizeof(op), op.size));
	result(OP_RING_OPEN, ret, ioctl_errnos);
	if (ret < 0)
		return;
	add_fd(ret, true);
	/* The anonymous ring's second fd, read back from where it was put. */
	memcpy(&op, f.buf + BUFSZ - 8192, sizeof(op));
	if (op.peer_fd >= 0 && fcntl(op.peer_fd, F_GETFD) >= 0 &&
	    op.peer_fd != (int)ret)
		add_fd(op.peer_fd, true);
}

static void op_ring_info(int fd)
{
	unsigned char arg[sizeof(struct ipcchan_ring_stats)] = { 0 };
	bool stats = chance(2);
	uint32_t real = stats ? sizeof(struct ipcchan_ring_stats) :
				sizeof(struct ipcchan_ring_info);
	uint32_t size = mutate_size(real, stats ? IPCCHAN_RING_STATS_SIZE_VER0 :
					  IPCCHAN_RING_INFO_SIZE_VER0);
	long ret;

	memcpy(arg, &size, 4);
	if (chance(10))
		arg[4 + below(real - 4)] = rnd();
	ret = ioctl(fd, stats ? IPCCHAN_IOC_RING_GET_STATS :
				IPCCHAN_IOC_RING_GET_INFO,
		    chance(20) ? (void *)(uintptr_t)uptr(real) :
				 place(arg, real, size));
	result(OP_RING_INFO, ret, ioctl_errnos);
}

static void op_ring_kick(int fd)
{
	result(OP_RING_KICK, ioctl(fd, IPCCHAN_IOC_RING_KICK,
				   chance(4) ? (unsigned long)rnd() : 0UL),
	       ioctl_errnos);
}

static void op_ring_wait(int fd)
{
	struct ipcchan_ring_wait w = {
		.size = sizeof(w),
		.flags = chance(6) ? IPCCHAN_RING_WAIT_ABSTIME : 0,
		.min_bytes = below(3) ? 0 : below(3) ? below(1 << 14) : rnd(),
		.timeout_ns = below(3) ? 0 : below(2) ? -1 : (int64_t)below(3000000),
	};
	struct timespec now;

	if (w.flags & IPCCHAN_RING_WAIT_ABSTIME) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		w.timeout_ns = now.tv_sec * 1000000000LL + now.tv_nsec +
			       below(3000000) - 1000000;
	}
	if (chance(10))
		w.flags = mutate_u32(w.flags);
	if (chance(10))
		w.timeout_ns = (int64_t)rnd();
	if (chance(15))
		w.avail = mutate_u32(0);
	/* Kick another fd first: mostly one of ours, sometimes anything. */
	if (chance(4)) {
		w.flags |= IPCCHAN_RING_WAIT_KICK_FD;
		w.kick_fd = below(4) ? pick_fd() : (int32_t)rnd();
	} else if (chance(15)) {
		w.kick_fd = pick_fd();
	}
	if (chance(15))
		w.reserved = mutate_u32(0);
	w.size = mutate_size(sizeof(w), IPCCHAN_RING_WAIT_SIZE_VER0);
	result(OP_RING_WAIT, ioctl(fd, IPCCHAN_IOC_RING_WAIT,
				   chance(20) ? (void *)(uintptr_t)uptr(sizeof(w)) :
						place(&w, sizeof(w), w.size)),
	       ioctl_errnos);
}

/*
 * Map one region of a ring fd: mostly right (offset and length from
 * GET_INFO), sometimes with the offset or length off by pages, the other
 * region's length, or random protections and flags.
 */
static void op_ring_map(int fd)
{
	struct ipcchan_ring_info in = { .size = sizeof(in) };
	int prot, flags = MAP_SHARED, r;
	uint64_t off;
	size_t len;
	void *p;

	if (ioctl(fd, IPCCHAN_IOC_RING_GET_INFO, &in)) {
		result(OP_RING_MAP, -1, ioctl_errnos);
		return;
	}
	/* Mostly a region the role may write, to scribble on later. */
	r = below(4);
	if (chance(2) && in.role == IPCCHAN_RING_PRODUCER)
		r = below(2) ? 1 : 3;
	else if (chance(2) && in.role == IPCCHAN_RING_CONSUMER)
		r = 2;
	switch (r) {
	case 0:
		off = in.off.info_off;
		len = in.off.info_len;
		break;
	case 1:
		off = in.off.prod_off;
		len = in.off.ctrl_len;
		break;
	case 2:
		off = in.off.cons_off;
		len = in.off.ctrl_len;
		break;
	default:
		off = in.off.data_off;
		len = 2 * (size_t)in.off.data_size;
		break;
	}
	/* The role's own writable regions most of the time. */
	prot = below(3) ? PROT_READ | PROT_WRITE : below(2) ? PROT_READ : below(8);
	if (chance(8))
		off += 4096 * (below(5) - 2);
	if (chance(8))
		len = chance(2) ? len + 4096 * (below(4) + 1) - 4096 * below(2) :
				  4096 * (1 + below(4));
	if (chance(12))
		flags = MAP_PRIVATE;
	if (chance(20))
		flags |= MAP_FIXED_NOREPLACE;
	p = mmap(chance(20) ? (void *)f.hole : NULL, len, prot, flags, fd, off);
	result(OP_RING_MAP, p == MAP_FAILED ? -1 : 0, mmap_errnos);
	if (p != MAP_FAILED)
		add_map(p, len, prot);
}

static void op_madvise(void)
{
	static const int advice[] = {
		MADV_DONTNEED, MADV_WILLNEED, MADV_RANDOM, MADV_SEQUENTIAL,
		MADV_DONTFORK, MADV_DOFORK, MADV_DONTDUMP, MADV_WIPEONFORK,
		MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ,
		MADV_POPULATE_WRITE, MADV_FREE, MADV_REMOVE, MADV_MERGEABLE,
		MADV_HUGEPAGE, MADV_COLLAPSE,
	};
	int adv = advice[below(sizeof(advice) / sizeof(advice[0]))];
	struct map *m;
	size_t pages, first;
	long ret;

	if (!f.nmaps)
		return;
	m = &f.maps[below(f.nmaps)];
	pages = m->len / 4096;
	first = below(pages);
	ret = madvise((char *)m->addr + first * 4096,
		      4096 * (1 + below(pages - first)), adv);
	if (!ret && adv == MADV_DONTFORK)
		m->dontfork = true;
	result(OP_MADVISE, ret, vm_errnos);
}

static void op_mremap(void)
{
	struct map *m;
	size_t newlen;
	void *p;

	if (!f.nmaps)
		return;
	m = &f.maps[below(f.nmaps)];
	newlen = below(3) ? m->len : below(2) ? m->len + 4096 :
				     4096 * (1 + below(m->len / 4096));
	p = mremap(m->addr, m->len, newlen, chance(2) ? MREMAP_MAYMOVE : 0);
	result(OP_MREMAP, p == MAP_FAILED ? -1 : 0, vm_errnos);
	if (p == MAP_FAILED)
		return;
	if (newlen < m->len) {
		m->addr = p;
		m->len = newlen;
	} else {
		m->addr = p;
		m->len = newlen;
	}
}

/*
 * Scribble on a writable mapping the fuzzer holds: positions, waiting
 * flags and counters of a control page, record headers in a data area,
 * or random bytes anywhere. The kernel reads all of it as untrusted.
 */
static void op_corrupt(void)
{
	static const uint32_t interesting[] = {
		0, 1, 4, 7, 8, 4088, 4096, 8192, 0x7fffffff, 0x80000000,
		0xfffffff8, 0xffffffff, 16, 24,
	};
	struct map *m = NULL;
	uint32_t v, *w;
	size_t at;
	int i, n;

	if (!f.nmaps)
		return;
	/* A writable (and readable) mapping, if there is one. */
	n = below(f.nmaps);
	for (i = 0; i < f.nmaps; i++) {
		m = &f.maps[(n + i) % f.nmaps];
		if ((m->prot & PROT_WRITE) && (m->prot & PROT_READ))
			break;
	}
	if (i == f.nmaps)
		return;
	n = 1 + below(4);
	for (i = 0; i < n; i++) {
		switch (below(4)) {
		case 0:		/* a position or waiting flag: offsets 0, 128 */
			at = below(3) * 128;
			break;
		case 1:		/* a record header at an aligned place */
			at = 8 * below(m->len / 8);
			break;
		default:
			at = 4 * below(m->len / 4);
			break;
		}
		if (at + 4 > m->len)
			continue;
		w = (uint32_t *)((char *)m->addr + at);
		switch (below(4)) {
		case 0:
			v = interesting[below(sizeof(interesting) / 4)];
			break;
		case 1:
			v = *w + below(64) - 32;
			break;
		case 2:
			v = rnd();
			break;
		default:
			v = *w ^ (1U << below(32));
			break;
		}
		__atomic_store_n(w, v, __ATOMIC_RELEASE);
	}
	f.corruptions++;
	f.ops++;
	f.per_op[OP_CORRUPT]++;
	f.per_op_ok[OP_CORRUPT]++;
}

/* ---------------------------------------------------------------- */
/* Generic netlink                                                   */
/* ---------------------------------------------------------------- */

/* Non-blocking; extended and capped acks each on or off at random. */
static int fuzz_nl_socket(void)
{
	int fd = genl_open(SOCK_NONBLOCK);

	if (fd < 0)
		return -1;
	if (chance(2))
		genl_set(fd, NETLINK_EXT_ACK);
	if (chance(2))
		genl_set(fd, NETLINK_CAP_ACK);
	return genl_bind(fd);
}

/* The family id and group ids, once, with a blocking socket. */
static void nl_resolve(void)
{
	struct family fam;
	int fd = nl_socket();

	if (fd >= 0 && !resolve_family(fd, &fam)) {
		f.nl_family = fam.id;
		f.grp_monitor = fam.grp_monitor;
		f.grp_admin = fam.grp_admin;
	}
	if (fd >= 0)
		close(fd);
	if (!f.nl_family)
		fprintf(stderr, "ipcchan-fuzz: no netlink family, netlink ops skipped\n");
}

/* Read what is queued (a half-read dump goes on here); check the acks. */
static void nl_drain(int max)
{
	static char buf[32768];
	struct nlmsghdr *nlh;
	int n, err;

	while (max-- > 0) {
		n = recv(f.nl, buf, chance(8) ? 64 + below(4096) : sizeof(buf),
			 MSG_DONTWAIT | (chance(16) ? MSG_TRUNC : 0));
		if (n < 0) {
			/* A dump that fails part-way reports through sk_err. */
			if (errno != EAGAIN && errno != EINTR &&
			    !allowed(nl_ack_errnos, errno))
				wrong("netlink recv errno", errno);
			return;
		}
		if (n > (int)sizeof(buf))
			n = sizeof(buf);
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			f.nl_msgs++;
			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
				continue;
			err = -*(int *)NLMSG_DATA(nlh);
			f.nl_acks++;
			/* seq 1: a request to our family (see op_netlink). */
			if (err && nlh->nlmsg_seq == 1 &&
			    !allowed(nl_ack_errnos, err)) {
				f.bad++;
				fprintf(stderr, "ipcchan-fuzz: op %lu netlink: undocumented ack errno %d (%s)\n",
					f.ops, err, strerror(err));
			}
			if (err > 0 && err < 256)
				f.errnos[err]++;
		}
	}
}

/* One attribute; sometimes lying about its length or nesting others. */
static size_t nl_put_attr(unsigned char *at, size_t room, int depth)
{
	struct nlattr *nla = (struct nlattr *)at;
	size_t plen, i, used;

	if (room < NLA_HDRLEN + 8)
		return 0;
	nla->nla_type = below(4) ? below(IPCCHAN_A_OBJ_MAX + 3) :
		       below(2) ? below(IPCCHAN_A_LIMITS_MAX + 2) : rnd();
	if (chance(8))
		nla->nla_type |= NLA_F_NESTED;
	switch (below(6)) {
	case 0:
		plen = 0;
		break;
	case 1:
		plen = 4;
		break;
	case 2:
		plen = 8;
		break;
	default:
		plen = below(room - NLA_HDRLEN < 64 ? room - NLA_HDRLEN : 64);
		break;
	}
	if (depth < 3 && chance(6) && room > 64) {
		/* A nest of a few attributes. */
		used = NLA_HDRLEN;
		for (i = 0; i < 1 + below(3); i++)
			used += nl_put_attr(at + used, room - used - 8, depth + 1);
		nla->nla_len = used;
		return NLA_ALIGN(used);
	}
	for (i = 0; i < plen; i++)
		at[NLA_HDRLEN + i] = below(3) ? below(4) : rnd();
	if (plen >= 4 && chance(2)) {
		uint32_t v = below(2) ? below(64) : mutate_u32(1);

		memcpy(at + NLA_HDRLEN, &v, 4);
	}
	nla->nla_len = NLA_HDRLEN + plen;
	if (chance(15))
		nla->nla_len = below(4);			/* below the header */
	else if (chance(15))
		nla->nla_len += 1 + below(200);			/* past the end */
	return NLA_ALIGN(NLA_HDRLEN + plen);
}

static void op_netlink(void)
{
	static unsigned char msg[1024];
	struct nlmsghdr *nlh = (struct nlmsghdr *)msg;
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	size_t len = NLMSG_LENGTH(GENL_HDRLEN);
	int i, n;
	long ret;

	if (!f.nl_family)
		return;
	if (f.nl < 0 || chance(200)) {
		if (f.nl >= 0)
			close(f.nl);	/* perhaps in the middle of a dump */
		f.nl = fuzz_nl_socket();
		if (f.nl < 0) {
			result(OP_NETLINK, -1, misc_errnos);
			return;
		}
	}
	memset(msg, 0, sizeof(msg));
	nlh->nlmsg_type = below(16) ? f.nl_family : below(2) ? GENL_ID_CTRL : rnd();
	nlh->nlmsg_flags = NLM_F_REQUEST;
	if (chance(2))
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (chance(3))
		nlh->nlmsg_flags |= NLM_F_DUMP;
	if (chance(10))
		nlh->nlmsg_flags = rnd();
	nlh->nlmsg_seq = nlh->nlmsg_type == f.nl_family ? 1 : 2;
	g->cmd = below(8) ? below(IPCCHAN_CMD_MAX + 2) : rnd();
	g->version = below(4) ? 1 : rnd();
	n = below(5);
	for (i = 0; i < n; i++)
		len += nl_put_attr(msg + len, sizeof(msg) - len, 0);
	nlh->nlmsg_len = len;
	if (chance(12))
		nlh->nlmsg_len = below(len + 32);	/* truncated or too long */
	if (chance(20))
		len = below(len + 1);			/* a short datagram */
	ret = send(f.nl, msg, len, 0);
	/* Only requests to our family are held to our list of errnos. */
	if (ret < 0 && nlh->nlmsg_type != f.nl_family && len >= NLMSG_HDRLEN)
		ret = 0;
	result(OP_NETLINK, ret, nl_send_errnos);
	nl_drain(chance(4) ? 1 : 64);
}

static void op_nl_join(void)
{
	uint32_t grp;
	long ret;

	if (!f.nl_family)
		return;
	if (f.nl < 0)
		f.nl = fuzz_nl_socket();
	if (f.nl < 0)
		return;
	switch (below(4)) {
	case 0:
		grp = f.grp_admin;
		ret = setsockopt(f.nl, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				 &grp, sizeof(grp));
		/* The fuzzer runs unprivileged: the admin group is closed. */
		if (!ret && geteuid() != 0)
			wrong("unprivileged join of monitor-admin succeeded", grp);
		f.ops++;
		f.per_op[OP_NL_JOIN]++;
		break;
	case 1:
		grp = f.grp_monitor;
		ret = setsockopt(f.nl, SOL_NETLINK, chance(3) ?
				 NETLINK_DROP_MEMBERSHIP : NETLINK_ADD_MEMBERSHIP,
				 &grp, sizeof(grp));
		result(OP_NL_JOIN, ret, misc_errnos);
		break;
	default:
		/* Events are read (and checked for acks) like replies. */
		nl_drain(4);
		break;
	}
}

static void reap_children(bool all)
{
	int i, st;

	for (i = 0; i < f.nchildren; i++) {
		pid_t r = waitpid(f.children[i], &st, all ? 0 : WNOHANG);

		if (r == 0)
			continue;
		if (r == f.children[i] && !(WIFEXITED(st) && !WEXITSTATUS(st)))
			wrong("child failed", st);
		f.children[i--] = f.children[--f.nchildren];
	}
}

static void one_op(int dev);

static void op_fork(int dev)
{
	pid_t pid;
	int i;

	reap_children(false);
	if (f.nchildren == MAX_CHILDREN || f.child)
		return;
	pid = fork();
	if (pid < 0) {
		result(OP_FORK, -1, misc_errnos);
		return;
	}
	if (!pid) {
		f.child = true;
		f.bad = 0;
		/* Forget what fork did not copy. */
		for (i = 0; i < f.nmaps; i++)
			if (f.maps[i].dontfork)
				f.maps[i--] = f.maps[--f.nmaps];
		f.rng ^= 0x5bd1e995;
		/* Interval timers are not inherited. */
		setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 10000 }, { 0, 10000 } },
			  NULL);
		for (i = 0; i < 20 + (int)below(100); i++)
			one_op(dev);
		_exit(f.bad ? 1 : 0);
	}
	f.ops++;
	f.per_op[OP_FORK]++;
	f.children[f.nchildren++] = pid;
}

static void one_op(int dev)
{
	int fd, i, newfd;
	enum op_kind op = below(NR_OPS);

	fd = op >= OP_SEND && op <= OP_WRITEV ? pick_obj_fd() : pick_fd();
	switch (op) {
	case OP_OPEN_DEV:
		newfd = open(IPCCHAN_DEVICE_PATH, below(3) | O_CLOEXEC);
		result(OP_OPEN_DEV, newfd, misc_errnos);
		add_fd(newfd, false);
		break;
	case OP_MBOX_OPEN:
		op_mbox_open(chance(10) ? fd : dev);
		break;
	case OP_UNLINK:
		op_unlink(chance(10) ? fd : dev);
		break;
	case OP_INFO:
		op_info(chance(3) ? fd : dev);
		break;
	case OP_SEND:
		op_xfer(fd, true);
		break;
	case OP_RECV:
		op_xfer(fd, false);
		break;
	case OP_ATTR:
		op_attr_stats(fd, false);
		break;
	case OP_STATS:
		op_attr_stats(fd, true);
		break;
	case OP_RAW_IOCTL:
		op_raw_ioctl(chance(4) ? dev : fd);
		break;
	case OP_READ:
	case OP_WRITE:
	case OP_READV:
	case OP_WRITEV:
		op_rw(fd, below(4) + OP_READ);
		break;
	case OP_MMAP:
		op_mmap(chance(4) ? dev : fd);
		break;
	case OP_MPROTECT:
		op_mprotect();
		break;
	case OP_MUNMAP:
		op_munmap();
		break;
	case OP_POLL:
		op_poll();
		break;
	case OP_DUP:
		for (i = 0; i < f.nfds && f.fds[i] != fd; i++)
			;
		newfd = fcntl(fd, F_DUPFD_CLOEXEC, 100);
		result(OP_DUP, newfd, misc_errnos);
		add_fd(newfd, i < f.nfds && f.kind[i]);
		break;
	case OP_CLOSE:
		if (!f.nfds)
			break;
		i = below(f.nfds);
		result(OP_CLOSE, close(f.fds[i]), misc_errnos);
		f.nfds--;
		f.fds[i] = f.fds[f.nfds];
		f.kind[i] = f.kind[f.nfds];
		break;
	case OP_FORK:
		if (chance(8))
			op_fork(dev);
		break;
	case OP_FCNTL:
		result(OP_FCNTL, fcntl(fd, F_SETFL, chance(2) ? O_NONBLOCK : 0),
		       misc_errnos);
		break;
	case OP_RING_OPEN:
		op_ring_open(chance(10) ? fd : dev);
		break;
	case OP_RING_INFO:
		op_ring_info(pick_obj_fd());
		break;
	case OP_RING_KICK:
		op_ring_kick(pick_obj_fd());
		break;
	case OP_RING_WAIT:
		op_ring_wait(pick_obj_fd());
		break;
	case OP_RING_MAP:
		op_ring_map(pick_obj_fd());
		break;
	case OP_MADVISE:
		op_madvise();
		break;
	case OP_MREMAP:
		op_mremap();
		break;
	case OP_CORRUPT:
		op_corrupt();
		break;
	case OP_NETLINK:
		op_netlink();
		break;
	case OP_NL_JOIN:
		op_nl_join();
		break;
	default:
		break;
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: ipcchan-fuzz [--seed N] [--ops N] [--verbose]\n");
	exit(1);
}

int main(int argc, char **argv)
{
	unsigned long long seed = 1, nops = 100000;
	struct itimerval it = { { 0, 10000 }, { 0, 10000 } };
	struct sigaction sa = { .sa_handler = on_alarm };
	struct timespec t0, t1;
	int dev, a, e;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--seed") && a + 1 < argc)
			seed = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--ops") && a + 1 < argc)
			nops = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--verbose"))
			f.verbose = true;
		else
			usage();
	}
	f.rng = seed * 0x9e3779b97f4a7c15ULL + 1;

	f.buf = mmap(NULL, BUFSZ + 3 * 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f.buf == MAP_FAILED)
		return 1;
	f.robuf = f.buf + BUFSZ;
	f.hole = f.robuf + 4096;
	mprotect(f.robuf, 4096, PROT_READ);
	munmap(f.hole, 4096);

	f.nl = -1;
	nl_resolve();
	dev = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		perror("ipcchan-fuzz: " IPCCHAN_DEVICE_PATH);
		return 1;
	}
	/* Unprivileged, so that the per-user limits apply. */
	if (geteuid() == 0 &&
	    (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	     setresuid(65534, 65534, 65534))) {
		perror("ipcchan-fuzz: drop privileges");
		return 1;
	}
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: blocked calls end */
	setitimer(ITIMER_REAL, &it, NULL);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (f.ops < nops) {
		unsigned long before = f.ops;

		one_op(dev);
		if (f.bad > 20)
			break;
		/* Long runs under TCG: say how far they got. */
		if (f.ops / 100000 != before / 100000) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			fprintf(stderr, "ipcchan-fuzz: progress: %lu ops, %lu wrong, %.0f s\n",
				f.ops, f.bad, t1.tv_sec - t0.tv_sec +
				(t1.tv_nsec - t0.tv_nsec) / 1e9);
		}
	}
	it = (struct itimerval){ 0 };
	setitimer(ITIMER_REAL, &it, NULL);
	reap_children(true);
	while (f.nfds)
		close(f.fds[--f.nfds]);
	while (f.nmaps--)
		munmap(f.maps[f.nmaps].addr, f.maps[f.nmaps].len);
	close(dev);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	printf("ipcchan-fuzz: per op (succeeded/run):");
	for (a = 0; a < NR_OPS; a++)
		printf(" %s=%lu/%lu", op_names[a], f.per_op_ok[a], f.per_op[a]);
	printf("\nipcchan-fuzz: errnos:");
	for (e = 1; e < 256; e++)
		if (f.errnos[e])
			printf(" %s=%lu", strerrorname_np(e) ?: "?", f.errnos[e]);
	printf("\nipcchan-fuzz: rings: %lu control/data scribbles; netlink: %lu messages received, %lu acks",
	       f.corruptions, f.nl_msgs, f.nl_acks);
	printf("\nipcchan-fuzz: seed %llu: %lu ops (%lu failed as documented, %lu wrong) in %.1f s\n",
	       seed, f.ops, f.fails - f.bad, f.bad,
	       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return f.bad ? 1 : 0;
}
