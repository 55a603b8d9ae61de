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
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#define MAX_FDS		48
#define MAX_MAPS	16
#define MAX_CHILDREN	4
#define NNAMES		6
#define BUFSZ		(128 * 1024)

enum op_kind {
	OP_OPEN_DEV, OP_MBOX_OPEN, OP_UNLINK, OP_INFO, OP_SEND, OP_RECV,
	OP_ATTR, OP_STATS, OP_RAW_IOCTL, OP_READ, OP_WRITE, OP_READV, OP_WRITEV,
	OP_MMAP, OP_MPROTECT, OP_MUNMAP, OP_POLL, OP_DUP, OP_CLOSE, OP_FORK,
	OP_FCNTL, NR_OPS,
};

static const char *const op_names[NR_OPS] = {
	"open_dev", "mbox_open", "unlink", "get_info", "send", "recv",
	"get_attr", "get_stats", "raw_ioctl", "read", "write", "readv",
	"writev", "mmap", "mprotect", "munmap", "poll", "dup", "close", "fork",
	"fcntl",
};

/* Errnos each kind of call may return (documented in ipcchan.h/.rst). */
static const int ioctl_errnos[] = {
	EFAULT, EINVAL, E2BIG, ENOTTY, EBADF, ENAMETOOLONG, ENOENT, EEXIST,
	EACCES, EPERM, EDQUOT, ENOMEM, EMFILE, ENFILE, EMSGSIZE, EAGAIN,
	ETIMEDOUT, EINTR, EPIPE, ENOSPC, 0,
};
static const int rw_errnos[] = {
	EFAULT, EINVAL, EBADF, EMSGSIZE, EAGAIN, EINTR, EPIPE, ENOMEM, 0,
};
static const int mmap_errnos[] = {
	ENODEV, EACCES, EINVAL, EPERM, ENOMEM, EBADF, EAGAIN, 0,
};
static const int misc_errnos[] = { EBADF, EINTR, EMFILE, ENOMEM, EAGAIN, EINVAL, 0 };

struct map {
	void *addr;
	size_t len;
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
	f.maps[f.nmaps++] = (struct map){ p, len };
}

static void op_mprotect(void)
{
	struct map *m;

	if (!f.nmaps)
		return;
	m = &f.maps[below(f.nmaps)];
	result(OP_MPROTECT, mprotect(m->addr, m->len, below(8)), mmap_errnos);
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
		one_op(dev);
		if (f.bad > 20)
			break;
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
	printf("\nipcchan-fuzz: seed %llu: %lu ops (%lu failed as documented, %lu wrong) in %.1f s\n",
	       seed, f.ops, f.fails - f.bad, f.bad,
	       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return f.bad ? 1 : 0;
}
