// SPDX-License-Identifier: GPL-2.0
/*
 * Mailbox and object tests: creation and names, permissions with a second
 * uid, IPC namespaces, limits, message boundaries, priorities, metadata,
 * peek and truncation, batches, every blocking mode, timeouts, signals,
 * poll and edge-triggered epoll, hang-up, overflow policies with exact
 * counts, statistics, and every bad-input path (each followed by a check
 * that the mailbox still holds exactly what it held).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipcchan.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"

/* The XF()/OP()/UL() macros below override their defaults on purpose. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define NOBODY		65534
#define PARAM_DIR	"/sys/module/ipcchan/parameters/"

static int dev_fd(void)
{
	return open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
}

struct mb_opts {
	unsigned int flags;
	const char *name;
	unsigned int name_len;	/* 0: strlen(name) */
	unsigned int capacity;
	unsigned int msgsize;
	unsigned int policy;
	unsigned int mode;
	unsigned int lowat;	/* send_lowat; 0 for the default */
};

/* Returns an fd or -errno. */
static int mb_open(const struct mb_opts *o)
{
	struct ipcchan_mbox_open op = {
		.size = sizeof(op),
		.flags = o->flags,
		.mode = o->mode,
		.capacity = o->capacity,
		.msgsize_max = o->msgsize,
		.policy = o->policy,
		.send_lowat = o->lowat,
	};
	int dev, fd;

	if (o->name) {
		op.name = (uintptr_t)o->name;
		op.name_len = o->name_len ?: strlen(o->name);
	}
	dev = dev_fd();
	if (dev < 0)
		return -errno;
	fd = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
	fd = fd < 0 ? -errno : fd;
	close(dev);
	return fd;
}

static int mb_anon(unsigned int capacity, unsigned int msgsize,
		   unsigned int policy)
{
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE,
		.capacity = capacity, .msgsize = msgsize, .policy = policy,
	};

	return mb_open(&o);
}

static int mb_unlink(const char *name)
{
	struct ipcchan_unlink u = {
		.size = sizeof(u), .type = IPCCHAN_OBJ_MAILBOX,
		.name = (uintptr_t)name, .name_len = strlen(name),
	};
	int dev = dev_fd(), ret;

	ret = ioctl(dev, IPCCHAN_IOC_UNLINK, &u);
	ret = ret < 0 ? -errno : ret;
	close(dev);
	return ret;
}

/* One-message SEND/RECV; return the ioctl result or -errno. */
static int mb_xfer(int fd, bool send, struct ipcchan_mbox_msg *m,
		   unsigned int flags, uint64_t timeout_ns)
{
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .flags = flags, .timeout_ns = timeout_ns,
		.msgs = (uintptr_t)m, .count = 1, .msg_size = sizeof(*m),
	};
	int ret;

	ret = ioctl(fd, send ? IPCCHAN_IOC_MBOX_SEND : IPCCHAN_IOC_MBOX_RECV,
		    &x);
	return ret < 0 ? -errno : ret;
}

static int mb_send(int fd, const void *buf, unsigned int len,
		   unsigned int prio, unsigned int flags)
{
	struct ipcchan_mbox_msg m = {
		.buf = (uintptr_t)buf, .len = len, .prio = prio,
	};

	return mb_xfer(fd, true, &m, flags, 0);
}

static int mb_recv(int fd, void *buf, unsigned int len, unsigned int flags,
		   struct ipcchan_mbox_msg *out)
{
	struct ipcchan_mbox_msg m = { .buf = (uintptr_t)buf, .len = len };
	int ret = mb_xfer(fd, false, &m, flags, 0);

	if (out)
		*out = m;
	return ret;
}

static int mb_stats(int fd, struct ipcchan_mbox_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, IPCCHAN_IOC_MBOX_GET_STATS, st) ? -errno : 0;
}

static int mb_attr(int fd, struct ipcchan_mbox_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	return ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, a) ? -errno : 0;
}

static unsigned int mb_depth(int fd)
{
	struct ipcchan_mbox_attr a;

	return mb_attr(fd, &a) ? ~0U : a.depth;
}

/* ioctl() returning -errno on failure; a returned fd is closed. */
static int ioctl_err(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	if (ret < 0)
		return -errno;
	if (cmd == IPCCHAN_IOC_MBOX_OPEN)
		close(ret);
	return 0;
}

static unsigned int name_max(void)
{
	struct ipcchan_info info = { .size = sizeof(info) };
	int dev = dev_fd();

	if (ioctl(dev, IPCCHAN_IOC_GET_INFO, &info))
		info.name_max = 0;
	close(dev);
	return info.name_max;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Unmapped; volatile so that the compiler does not see through it. */
static void *volatile bad_ptr = (void *)8;

static char name_buf[64];

static const char *uniq(const char *tag)
{
	snprintf(name_buf, sizeof(name_buf), "mbt-%d-%s", getpid(), tag);
	return name_buf;
}

/* Run @fn(@arg) in a child as uid/gid nobody without capabilities. */
static int as_nobody(int (*fn)(void *arg), void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1000;
	if (!pid) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(250);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1001;
	return WEXITSTATUS(status);
}

/* A child process that sends @n messages "c<i>" after @delay_ms. */
static pid_t sender_child(int fd, unsigned int delay_ms, int n)
{
	pid_t pid = fork();
	char buf[16];
	int i;

	if (pid)
		return pid;
	msleep(delay_ms);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "c%d", i);
		if (write(fd, buf, strlen(buf)) < 0)
			_exit(1);
	}
	_exit(0);
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void on_signal(int sig)
{
}

static void set_handler(int sig, int flags)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void arm_alarm_ms(unsigned int ms)
{
	struct itimerval it = { .it_value = { ms / 1000, (ms % 1000) * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static int write_param(const char *name, unsigned long long v)
{
	char path[128], buf[32];
	int fd, n, ret;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%llu", v);
	ret = write(fd, buf, n) == n ? 0 : -errno;
	close(fd);
	return ret;
}

static unsigned long long read_param(const char *name)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return ~0ULL;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return strtoull(buf, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Fixture: one anonymous read-write mailbox with 3 queued messages    */
/* ------------------------------------------------------------------ */

FIXTURE(mb) {
	int fd;
};

FIXTURE_VARIANT(mb) {
	unsigned int policy;
};

FIXTURE_VARIANT_ADD(mb, block) { .policy = IPCCHAN_MBOX_BLOCK };
FIXTURE_VARIANT_ADD(mb, drop_newest) { .policy = IPCCHAN_MBOX_DROP_NEWEST };
FIXTURE_VARIANT_ADD(mb, drop_oldest) { .policy = IPCCHAN_MBOX_DROP_OLDEST };

static int three_msgs_policy(unsigned int policy)
{
	int fd = mb_anon(8, 64, policy);

	if (fd < 0 || mb_send(fd, "one", 3, 0, 0) != 1 ||
	    mb_send(fd, "two", 3, 0, 0) != 1 ||
	    mb_send(fd, "three", 5, 0, 0) != 1)
		return -1;
	return fd;
}

static int three_msgs(void)
{
	return three_msgs_policy(IPCCHAN_MBOX_BLOCK);
}

FIXTURE_SETUP(mb)
{
	umask(0);
	self->fd = three_msgs_policy(variant->policy);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(mb)
{
	close(self->fd);
}

/* The three setup messages are all still there, in order, once each. */
#define EXPECT_INTACT(fd) do {						\
	char b_[64];							\
	EXPECT_EQ(3, read(fd, b_, sizeof(b_)));				\
	EXPECT_EQ(0, memcmp(b_, "one", 3));				\
	EXPECT_EQ(3, read(fd, b_, sizeof(b_)));				\
	EXPECT_EQ(0, memcmp(b_, "two", 3));				\
	EXPECT_EQ(5, read(fd, b_, sizeof(b_)));				\
	EXPECT_EQ(0, memcmp(b_, "three", 5));				\
	EXPECT_EQ(-EAGAIN, mb_recv(fd, b_, sizeof(b_),			\
				   IPCCHAN_XFER_NONBLOCK, NULL));	\
} while (0)

TEST_F(mb, intact_baseline)
{
	EXPECT_INTACT(self->fd);
}

TEST_F(mb, read_short_buffer_emsgsize)
{
	char b[2];

	EXPECT_EQ(-1, read(self->fd, b, sizeof(b)));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(-EMSGSIZE, mb_recv(self->fd, b, sizeof(b), 0, NULL));
	EXPECT_INTACT(self->fd);
}

TEST_F(mb, write_oversize_emsgsize)
{
	char b[65] = "";

	EXPECT_EQ(-1, write(self->fd, b, sizeof(b)));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(-EMSGSIZE, mb_send(self->fd, b, sizeof(b), 0, 0));
	EXPECT_INTACT(self->fd);
}

TEST_F(mb, write_bad_pointer_efault)
{
	EXPECT_EQ(-1, write(self->fd, bad_ptr, 4));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-EFAULT, mb_send(self->fd, (void *)8, 4, 0, 0));
	EXPECT_INTACT(self->fd);
}

TEST_F(mb, read_bad_pointer_efault)
{
	struct ipcchan_mbox_xfer x = { .size = sizeof(x), .count = 1,
		.msg_size = sizeof(struct ipcchan_mbox_msg) };
	struct ipcchan_mbox_msg *m;
	char b[64];

	EXPECT_EQ(-1, read(self->fd, bad_ptr, 64));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-EFAULT, mb_recv(self->fd, (void *)8, 64, 0, NULL));
	/*
	 * The payload copy succeeds but the metadata cannot be written
	 * back (read-only element): the message must stay queued.
	 */
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, m);
	m->buf = (uintptr_t)b;
	m->len = sizeof(b);
	ASSERT_EQ(0, mprotect(m, 4096, PROT_READ));
	x.msgs = (uintptr_t)m;
	EXPECT_EQ(-1, ioctl(self->fd, IPCCHAN_IOC_MBOX_RECV, &x));
	EXPECT_EQ(EFAULT, errno);
	munmap(m, 4096);
	EXPECT_INTACT(self->fd);
}

/*
 * Messages larger than a page, in slots that start at odd offsets within
 * the mailbox's pages, arrive whole and in order through both the read()
 * and the ioctl paths, truncated receives copy the right prefix, and a
 * payload whose second page faults fails with EFAULT and loses nothing.
 */
TEST(multipage_slots)
{
	const unsigned int len = 3 * 4096 + 123;
	unsigned char *src, *dst, *hole;
	struct ipcchan_mbox_msg out;
	unsigned int i, k;
	int fd;

	fd = mb_anon(4, len, IPCCHAN_MBOX_BLOCK);
	ASSERT_LE(0, fd);
	src = malloc(len);
	dst = malloc(len);
	ASSERT_TRUE(src && dst);

	for (k = 0; k < 4; k++) {
		for (i = 0; i < len; i++)
			src[i] = (unsigned char)(i * 7 + k);
		if (k & 1) {
			ASSERT_EQ((ssize_t)len, write(fd, src, len));
		} else {
			ASSERT_EQ(1, mb_send(fd, src, len, 0, 0));
		}
	}
	for (k = 0; k < 4; k++) {
		for (i = 0; i < len; i++)
			src[i] = (unsigned char)(i * 7 + k);
		memset(dst, 0, len);
		if (k == 3) {
			/* A truncated receive: the first 5000 bytes only. */
			ASSERT_EQ(1, mb_recv(fd, dst, 5000,
					     IPCCHAN_XFER_TRUNC, &out));
			EXPECT_EQ(len, out.len);
			EXPECT_EQ(IPCCHAN_MSG_TRUNCATED, out.flags);
			EXPECT_EQ(0, memcmp(dst, src, 5000));
			EXPECT_EQ(0, dst[5000]);
		} else if (k & 1) {
			ASSERT_EQ((ssize_t)len, read(fd, dst, len));
			EXPECT_EQ(0, memcmp(dst, src, len));
		} else {
			ASSERT_EQ(1, mb_recv(fd, dst, len, 0, &out));
			EXPECT_EQ(len, out.len);
			EXPECT_EQ(0, out.flags);
			EXPECT_EQ(0, memcmp(dst, src, len));
		}
	}

	/*
	 * A payload whose first page is readable and second is not: the
	 * send fails with EFAULT and queues nothing; a receive buffer that
	 * faults after its first page leaves the message queued.
	 */
	hole = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	ASSERT_EQ(0, munmap(hole + 4096, 4096));
	memset(hole, 0x5a, 4096);
	EXPECT_EQ(-1, write(fd, hole + 100, 5000));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-EFAULT, mb_send(fd, hole + 100, 5000, 0, 0));
	EXPECT_EQ(-EAGAIN, mb_recv(fd, dst, len, IPCCHAN_XFER_NONBLOCK, NULL));

	ASSERT_EQ(1, mb_send(fd, src, len, 0, 0));
	EXPECT_EQ(-1, read(fd, hole + 100, len));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-EFAULT, mb_recv(fd, hole + 100, len, 0, NULL));
	memset(dst, 0, len);
	ASSERT_EQ((ssize_t)len, read(fd, dst, len));
	EXPECT_EQ(0, memcmp(dst, src, len));

	munmap(hole, 4096);
	free(src);
	free(dst);
	close(fd);
}

TEST_F(mb, prio_out_of_range_einval)
{
	EXPECT_EQ(-EINVAL, mb_send(self->fd, "x", 1,
				   IPCCHAN_MBOX_PRIO_MAX + 1, 0));
	EXPECT_EQ(-EINVAL, mb_send(self->fd, "x", 1, ~0U, 0));
	EXPECT_INTACT(self->fd);
}

/*
 * Plain TEST()s with an out-of-line body: inlined into TEST_F's wrapper,
 * these trip -Wclobbered on the harness's setjmp().
 */
static void __attribute__((noinline))
check_xfer_bad_args(struct __test_metadata *_metadata, int fd)
{
	struct ipcchan_mbox_msg m[2] = {
		{ .buf = (uintptr_t)"x", .len = 1 },
		{ .buf = (uintptr_t)"y", .len = 1 },
	};
	struct {
		struct ipcchan_mbox_xfer x;
		uint64_t tail;
	} big;
	struct ipcchan_mbox_xfer x;
	unsigned long cmd;
	char msgbig[128];
	int i;

	for (i = 0; i < 2; i++) {
		cmd = i ? IPCCHAN_IOC_MBOX_RECV : IPCCHAN_IOC_MBOX_SEND;
#define XF(...) ioctl_err(fd, cmd,					\
		&(struct ipcchan_mbox_xfer){ .size = sizeof(x),		\
		.msgs = (uintptr_t)m, .count = 1, .msg_size = sizeof(m[0]),	\
		__VA_ARGS__ })
		EXPECT_EQ(-EINVAL, XF(.flags = 0x80));
		EXPECT_EQ(-EINVAL, XF(.count = 0));
		EXPECT_EQ(-EINVAL, XF(.count = IPCCHAN_MBOX_BATCH_MAX + 1));
		EXPECT_EQ(-EINVAL, XF(.msg_size = IPCCHAN_MBOX_MSG_SIZE_VER0 - 8));
		EXPECT_EQ(-E2BIG, XF(.msg_size = 8192));
		EXPECT_EQ(-EINVAL, XF(.timeout_ns = 5));
		EXPECT_EQ(-EINVAL, XF(.flags = IPCCHAN_XFER_ABSTIME));
		EXPECT_EQ(-EFAULT, XF(.msgs = 8));
		EXPECT_EQ(-EINVAL, XF(.size = 16));
		/* Reserved field of a message. */
		m[0].reserved = 1;
		EXPECT_EQ(-EINVAL, XF());
		m[0].reserved = 0;
		/* A longer message element with a non-zero unknown tail. */
		memset(msgbig, 0, sizeof(msgbig));
		memcpy(msgbig, &m[0], sizeof(m[0]));
		msgbig[sizeof(m[0]) + 3] = 1;
		EXPECT_EQ(-E2BIG, XF(.msgs = (uintptr_t)msgbig,
				     .msg_size = sizeof(msgbig)));
		/* A longer xfer with a non-zero tail, then with a zero one. */
		memset(&big, 0, sizeof(big));
		big.x = (struct ipcchan_mbox_xfer){ .size = sizeof(big),
			.msgs = (uintptr_t)m, .count = 1,
			.msg_size = sizeof(m[0]) };
		big.tail = 1;
		EXPECT_EQ(-1, ioctl(fd, cmd, &big));
		EXPECT_EQ(E2BIG, errno);
		EXPECT_EQ(-EFAULT, ioctl(fd, cmd, (void *)8) ? -errno : 0);
#undef XF
	}
	x = (struct ipcchan_mbox_xfer){ .size = sizeof(x),
		.flags = IPCCHAN_XFER_PEEK, .msgs = (uintptr_t)m, .count = 1,
		.msg_size = sizeof(m[0]) };
	EXPECT_EQ(-1, ioctl(fd, IPCCHAN_IOC_MBOX_SEND, &x));
	EXPECT_EQ(EINVAL, errno);
	x.count = 2;
	EXPECT_EQ(-1, ioctl(fd, IPCCHAN_IOC_MBOX_RECV, &x));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO(IPCCHAN_IOC_MAGIC, 0x2f), &x));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, IPCCHAN_IOC_GET_INFO, &x));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_INTACT(fd);
}

TEST(xfer_bad_args)
{
	int fd = three_msgs();

	ASSERT_LE(0, fd);
	check_xfer_bad_args(_metadata, fd);
	close(fd);
}

/*
 * Plain TEST()s with an out-of-line body: inlined into TEST_F's wrapper,
 * these trip -Wclobbered on the harness's setjmp().
 */
static void __attribute__((noinline))
check_attr_stats_bad_args(struct __test_metadata *_metadata, int fd)
{
	struct ipcchan_mbox_stats st;
	struct ipcchan_mbox_attr a;
	struct {
		struct ipcchan_mbox_attr a;
		uint32_t tail;
		uint32_t pad;
	} big = { .a.size = sizeof(big), .tail = 1 };

	a = (struct ipcchan_mbox_attr){ .size = sizeof(a), .flags = 1 };
	EXPECT_EQ(-1, ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &a));
	EXPECT_EQ(EINVAL, errno);
	a = (struct ipcchan_mbox_attr){ .size = 8 };
	EXPECT_EQ(-1, ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &a));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &big));
	EXPECT_EQ(E2BIG, errno);
	big.tail = 0;
	EXPECT_EQ(0, ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &big));
	EXPECT_EQ(sizeof(a), big.a.size);
	EXPECT_EQ(3, big.a.depth);
	st = (struct ipcchan_mbox_stats){ .size = sizeof(st), .flags = 2 };
	EXPECT_EQ(-1, ioctl(fd, IPCCHAN_IOC_MBOX_GET_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, IPCCHAN_IOC_MBOX_GET_STATS, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_INTACT(fd);
}

TEST(attr_stats_bad_args)
{
	int fd = three_msgs();

	ASSERT_LE(0, fd);
	check_attr_stats_bad_args(_metadata, fd);
	close(fd);
}

TEST_F(mb, peek_leaves_message)
{
	struct ipcchan_mbox_msg m;
	char b[16];

	EXPECT_EQ(1, mb_recv(self->fd, b, sizeof(b), IPCCHAN_XFER_PEEK, &m));
	EXPECT_EQ(3, m.len);
	EXPECT_EQ(0, memcmp(b, "one", 3));
	EXPECT_EQ(0, m.seq);
	EXPECT_EQ(1, mb_recv(self->fd, b, sizeof(b), IPCCHAN_XFER_PEEK, &m));
	EXPECT_EQ(0, m.seq);
	EXPECT_EQ(-EMSGSIZE, mb_recv(self->fd, b, 2, IPCCHAN_XFER_PEEK, &m));
	EXPECT_INTACT(self->fd);
}

TEST_F(mb, truncate_consumes)
{
	struct ipcchan_mbox_msg m;
	char b[8] = "";

	EXPECT_EQ(1, mb_recv(self->fd, b, 2, IPCCHAN_XFER_TRUNC, &m));
	EXPECT_EQ(3, m.len);
	EXPECT_EQ(IPCCHAN_MSG_TRUNCATED, m.flags);
	EXPECT_EQ(0, memcmp(b, "on\0", 3));
	/* Peek + truncate leaves it. */
	EXPECT_EQ(1, mb_recv(self->fd, b, 1,
			     IPCCHAN_XFER_TRUNC | IPCCHAN_XFER_PEEK, &m));
	EXPECT_EQ(IPCCHAN_MSG_TRUNCATED, m.flags);
	EXPECT_EQ(1, mb_recv(self->fd, b, sizeof(b), 0, &m));
	EXPECT_EQ(0, m.flags);
	EXPECT_EQ(0, memcmp(b, "two", 3));
	EXPECT_EQ(1, mb_depth(self->fd));
}

TEST_F(mb, rdonly_wronly_ebadf)
{
	/* Anonymous mailboxes have a single description: use a named one. */
	struct mb_opts o = { .flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
			     IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL,
			     .name = uniq("rw"), .mode = 0600 };
	int rw, ro, wo;
	char b[8];

	rw = mb_open(&o);
	ASSERT_LE(0, rw);
	ASSERT_EQ(1, mb_send(rw, "q", 1, 0, 0));
	o.flags = IPCCHAN_OPEN_READ;
	ro = mb_open(&o);
	ASSERT_LE(0, ro);
	o.flags = IPCCHAN_OPEN_WRITE;
	wo = mb_open(&o);
	ASSERT_LE(0, wo);
	EXPECT_EQ(O_RDONLY, fcntl(ro, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(O_WRONLY, fcntl(wo, F_GETFL) & O_ACCMODE);

	EXPECT_EQ(-1, write(ro, "x", 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-EBADF, mb_send(ro, "x", 1, 0, 0));
	EXPECT_EQ(-1, read(wo, b, sizeof(b)));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-EBADF, mb_recv(wo, b, sizeof(b), 0, NULL));
	EXPECT_EQ(1, mb_depth(rw));
	EXPECT_EQ(1, read(ro, b, sizeof(b)));
	EXPECT_EQ(0, mb_unlink(o.name));
	close(rw);
	close(ro);
	close(wo);
}

/* ------------------------------------------------------------------ */
/* Creation, attributes, names                                         */
/* ------------------------------------------------------------------ */

TEST(feature_bit)
{
	struct ipcchan_info info = { .size = sizeof(info) };
	int dev = dev_fd();

	ASSERT_LE(0, dev);
	ASSERT_EQ(0, ioctl(dev, IPCCHAN_IOC_GET_INFO, &info));
	EXPECT_TRUE(info.features & IPCCHAN_FEAT_MAILBOX);
	close(dev);
}

TEST(anon_defaults_and_fd_flags)
{
	struct ipcchan_mbox_attr a;
	int fd = mb_anon(0, 0, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mb_attr(fd, &a));
	EXPECT_EQ(sizeof(a), a.size);
	EXPECT_EQ(IPCCHAN_MBOX_DEFAULT_CAPACITY, a.capacity);
	EXPECT_EQ(IPCCHAN_MBOX_DEFAULT_MSGSIZE, a.msgsize_max);
	EXPECT_EQ(IPCCHAN_MBOX_BLOCK, a.policy);
	EXPECT_EQ(0, a.attr_flags);
	EXPECT_NE(0, a.id);
	EXPECT_EQ(0, a.depth);
	EXPECT_EQ(getuid(), a.uid);
	EXPECT_LE((uint64_t)(IPCCHAN_MBOX_DEFAULT_CAPACITY + 1) *
		  (IPCCHAN_MBOX_DEFAULT_MSGSIZE + 32), a.reserved_bytes);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	EXPECT_EQ(O_RDWR, fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	EXPECT_EQ(-1, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	close(fd);
}

TEST(slot_overhead_at_most_32_bytes)
{
	struct ipcchan_mbox_attr a;
	int fd = mb_anon(1000, 64, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mb_attr(fd, &a));
	/* Per 64-byte message: at most 96 bytes, plus a fixed overhead. */
	EXPECT_GE(1001 * 96 + 4096, a.reserved_bytes);
	close(fd);
}

/* area() of the reserved-bytes formula in the uapi header. */
static uint64_t mb_area(uint64_t x)
{
	uint64_t p = sysconf(_SC_PAGESIZE);

	return x <= p ? x : (x + p - 1) / p * p;
}

/* The documented reservation, less the fixed M. */
static uint64_t mb_reserved_less_m(uint64_t capacity, uint64_t msgsize)
{
	uint64_t n = capacity + 1, s = (msgsize + 7) & ~7ULL;
	uint64_t chunk = 8 * sysconf(_SC_PAGESIZE);

	return mb_area(32 * n) + mb_area(s * n) +
	       sizeof(void *) * ((s * n + chunk - 1) / chunk);
}

/*
 * reserved_bytes follows the formula for many shapes (one slab buffer,
 * pages, several chunks, sizes not a multiple of 8), with one M for all,
 * and a queued 64-byte message costs 96 bytes.
 */
TEST(reserved_bytes_formula)
{
	static const struct { unsigned int capacity, msgsize; } v[] = {
		{ 1, 1 }, { 1, 8 }, { 3, 100 }, { 4, 4096 }, { 7, 4064 },
		{ 15, 256 }, { 127, 64 }, { 128, 64 }, { 255, 8192 },
		{ 256, 8192 }, { 1023, 64 }, { 2047, 64 }, { 100, 8192 },
		{ 31, 32768 }, { 1, 65536 }, { 4095, 1 }, { 64, 1000 },
		{ 500, 24 }, { 3, 5000 }, { 1000, 13 },
	};
	uint64_t m = 0, r1023 = 0, r2047 = 0;
	struct ipcchan_mbox_attr a;
	unsigned int i;
	int fd;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		fd = mb_anon(v[i].capacity, v[i].msgsize, 0);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, mb_attr(fd, &a));
		close(fd);
		if (!i) {
			m = a.reserved_bytes -
			    mb_reserved_less_m(v[i].capacity, v[i].msgsize);
			TH_LOG("M = %llu", (unsigned long long)m);
			EXPECT_LT(0, (int64_t)m);
			EXPECT_GT(sysconf(_SC_PAGESIZE), m);
		}
		EXPECT_EQ(m + mb_reserved_less_m(v[i].capacity, v[i].msgsize),
			  a.reserved_bytes)
			TH_LOG("capacity %u, msgsize_max %u", v[i].capacity,
			       v[i].msgsize);
		if (v[i].capacity == 1023 && v[i].msgsize == 64)
			r1023 = a.reserved_bytes;
		if (v[i].capacity == 2047 && v[i].msgsize == 64)
			r2047 = a.reserved_bytes;
	}
	/* 1024 more 64-byte slots: 96 bytes each, plus < 1 for pointers. */
	EXPECT_EQ(96, (r2047 - r1023) / 1024);
}

/* Byte @i of test message @n: differs from message to message. */
static unsigned char pattern(unsigned int n, size_t i)
{
	return (unsigned char)(n * 131 + i * 7 + (i >> 8));
}

/*
 * Message data crosses pages and chunks (32 KiB) intact: strides that do
 * not divide a page, messages longer than a page and than a chunk, and
 * the small slab-backed buffer. Every slot is used twice, written whole
 * and read back through an iovec split at odd offsets.
 */
TEST(data_crosses_pages_and_chunks_intact)
{
	static const struct { unsigned int capacity, msgsize; } v[] = {
		{ 3, 100 }, { 40, 1000 }, { 20, 5000 }, { 6, 40000 },
		{ 9, 4100 }, { 64, 4096 },
	};
	unsigned char *out, *in;
	unsigned int i, n, round;
	struct iovec iov[3];
	size_t len, k;
	int fd;

	out = malloc(65536);
	in = malloc(65536);
	ASSERT_NE(NULL, out);
	ASSERT_NE(NULL, in);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		fd = mb_anon(v[i].capacity, v[i].msgsize, 0);
		ASSERT_LE(0, fd) TH_LOG("capacity %u, msgsize %u", v[i].capacity, v[i].msgsize);
		for (round = 0; round < 2; round++) {
			for (n = 0; n < v[i].capacity; n++) {
				/* Full length, and one byte short every third. */
				len = v[i].msgsize - (n % 3 == 2);
				for (k = 0; k < len; k++)
					out[k] = pattern(round * 1000 + n, k);
				ASSERT_EQ((ssize_t)len, write(fd, out, len));
			}
			for (n = 0; n < v[i].capacity; n++) {
				len = v[i].msgsize - (n % 3 == 2);
				memset(in, 0, len);
				iov[0] = (struct iovec){ in, 7 };
				iov[1] = (struct iovec){ in + 7, len / 2 };
				iov[2] = (struct iovec){ in + 7 + len / 2, 65536 - 7 - len / 2 };
				ASSERT_EQ((ssize_t)len, readv(fd, iov, 3));
				for (k = 0; k < len; k++)
					if (in[k] != pattern(round * 1000 + n, k))
						break;
				EXPECT_EQ(len, k)
					TH_LOG("capacity %u, msgsize %u, round %u, message %u: byte %zu",
					       v[i].capacity, v[i].msgsize, round, n, k);
			}
		}
		close(fd);
	}
	free(out);
	free(in);
}

TEST(open_bad_args)
{
	struct ipcchan_mbox_open op;
	struct {
		struct ipcchan_mbox_open op;
		uint64_t tail;
	} big;
	int dev = dev_fd();

	ASSERT_LE(0, dev);
#define OP(...) ioctl_err(dev, IPCCHAN_IOC_MBOX_OPEN,			\
		&(struct ipcchan_mbox_open){ .size = sizeof(op),		\
		 .flags = IPCCHAN_OPEN_READ, __VA_ARGS__ })
	EXPECT_EQ(-EINVAL, OP(.flags = 0));
	EXPECT_EQ(-EINVAL, OP(.flags = IPCCHAN_OPEN_CREATE));
	EXPECT_EQ(-EINVAL, OP(.flags = IPCCHAN_OPEN_READ | 0x100));
	EXPECT_EQ(-EINVAL, OP(.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_EXCL));
	EXPECT_EQ(-EINVAL, OP(.reserved = 1));
	EXPECT_EQ(-EINVAL, OP(.reserved1 = 1));
	EXPECT_EQ(-EINVAL, OP(.capacity = 8, .send_lowat = 9));
	EXPECT_EQ(-EINVAL, OP(.size = 16));
	EXPECT_EQ(-EINVAL, OP(.policy = __IPCCHAN_MBOX_POLICY_MAX));
	EXPECT_EQ(-EINVAL, OP(.mode = 01000));
	EXPECT_EQ(-EINVAL, OP(.capacity = IPCCHAN_MBOX_HARD_MAX_CAPACITY + 1));
	EXPECT_EQ(-EINVAL, OP(.msgsize_max = IPCCHAN_MBOX_HARD_MAX_MSGSIZE + 1));
	EXPECT_EQ(-EINVAL, OP(.capacity = 1 << 20, .msgsize_max = 1 << 20));
	EXPECT_EQ(-EFAULT, ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, (void *)8) < 0 ?
			   -errno : 0);
	memset(&big, 0, sizeof(big));
	big.op.size = sizeof(big);
	big.op.flags = IPCCHAN_OPEN_READ;
	big.tail = 1;
	EXPECT_EQ(-1, ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &big));
	EXPECT_EQ(E2BIG, errno);
	big.tail = 0;
	op.size = 0;
	EXPECT_LE(0, op.size = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &big));
	close(op.size);
#undef OP
	close(dev);
}

TEST(names_bad)
{
	unsigned int nmax = name_max();
	char longname[nmax + 2];
	struct ipcchan_mbox_open op;
	int dev;
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE, .mode = 0600,
	};
	int fd;

	o.name = "";
	EXPECT_EQ(-EINVAL, mb_open(&o));	/* pointer, length 0 */
	o.name = "a/b";
	EXPECT_EQ(-EINVAL, mb_open(&o));
	o.name = "/ab";
	EXPECT_EQ(-EINVAL, mb_open(&o));
	o.name = "a\0b";
	o.name_len = 3;
	EXPECT_EQ(-EINVAL, mb_open(&o));
	o.name = (const char *)8;
	EXPECT_EQ(-EFAULT, mb_open(&o));
	ASSERT_EQ(255, nmax);
	memset(longname, 'n', sizeof(longname));
	longname[nmax + 1] = '\0';
	o.name = longname;
	o.name_len = 0;
	EXPECT_EQ(-ENAMETOOLONG, mb_open(&o));

	/* The longest name works. */
	longname[nmax] = '\0';
	longname[0] = 'A' + getpid() % 26;
	fd = mb_open(&o);
	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(0, mb_unlink(longname));

	/* Length without pointer. */
	op = (struct ipcchan_mbox_open){ .size = sizeof(op),
		.flags = IPCCHAN_OPEN_READ, .name_len = 3 };
	dev = dev_fd();
	EXPECT_EQ(-1, ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op));
	EXPECT_EQ(EINVAL, errno);
	close(dev);
}

TEST(named_lifecycle)
{
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
			 IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL,
		.name = uniq("life"), .mode = 0600, .capacity = 4,
		.msgsize = 32,
	};
	struct ipcchan_mbox_attr a1, a2;
	int fd1, fd2, fd3;
	char b[32];

	o.flags &= ~IPCCHAN_OPEN_CREATE & ~IPCCHAN_OPEN_EXCL;
	EXPECT_EQ(-ENOENT, mb_open(&o));
	o.flags |= IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL;
	fd1 = mb_open(&o);
	ASSERT_LE(0, fd1);
	EXPECT_EQ(-EEXIST, mb_open(&o));

	/* Plain open and CREATE without EXCL both find it; attrs ignored. */
	o.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE | IPCCHAN_OPEN_CREATE;
	o.capacity = 99;
	fd2 = mb_open(&o);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, mb_attr(fd1, &a1));
	ASSERT_EQ(0, mb_attr(fd2, &a2));
	EXPECT_EQ(a1.id, a2.id);
	EXPECT_EQ(4, a2.capacity);
	EXPECT_EQ(IPCCHAN_MBOX_ATTR_NAMED, a2.attr_flags);

	ASSERT_EQ(3, write(fd1, "abc", 3));
	EXPECT_EQ(3, read(fd2, b, sizeof(b)));

	/* It lives while named, with no fd open. */
	ASSERT_EQ(3, write(fd1, "def", 3));
	close(fd1);
	close(fd2);
	o.flags = IPCCHAN_OPEN_READ;
	fd3 = mb_open(&o);
	ASSERT_LE(0, fd3);
	EXPECT_EQ(3, read(fd3, b, sizeof(b)));
	EXPECT_EQ(0, memcmp(b, "def", 3));

	/* Unlinked, it lives on through the fd; the name is free again. */
	EXPECT_EQ(0, mb_unlink(o.name));
	EXPECT_EQ(-ENOENT, mb_unlink(o.name));
	EXPECT_EQ(-ENOENT, mb_open(&o));
	ASSERT_EQ(0, mb_attr(fd3, &a2));
	EXPECT_EQ(0, a2.attr_flags);
	EXPECT_EQ(a1.id, a2.id);
	o.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL;
	fd1 = mb_open(&o);
	ASSERT_LE(0, fd1);
	ASSERT_EQ(0, mb_attr(fd1, &a2));
	EXPECT_NE(a1.id, a2.id);
	EXPECT_EQ(0, mb_unlink(o.name));
	close(fd1);
	close(fd3);
}

/*
 * The name table grows and shrinks with the number of names (an
 * rhashtable, kmod/object.c): while it is resized under them, every name
 * must still find its own object, and an unlinked one nothing. 600 names
 * take the table from its floor of 256 buckets to 1024 (two resizes);
 * unlinking three in four shrinks it back to 256. Few enough for the
 * harness's 30 s on the debug kernel.
 */
#define MANY_NAMES	600

static const char *many_name(char *buf, size_t len, int i)
{
	snprintf(buf, len, "mbt-%d-many-%d", getpid(), i);
	return buf;
}

TEST(names_survive_table_resizes)
{
	struct mb_opts o = { .mode = 0600, .capacity = 1, .msgsize = 8 };
	const unsigned int rw = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE;
	static __u32 ids[MANY_NAMES];
	struct ipcchan_mbox_attr a;
	char name[64];
	int i, fd;

	/* Root: CAP_SYS_RESOURCE lifts user_max_objects (1024 by default). */
	if (geteuid())
		SKIP(return, "needs root for %d objects", MANY_NAMES);
	o.name = name;
	for (i = 0; i < MANY_NAMES; i++) {
		many_name(name, sizeof(name), i);
		o.flags = rw | IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL;
		fd = mb_open(&o);
		ASSERT_LE(0, fd) TH_LOG("create %s: %s", name, strerror(-fd));
		ASSERT_EQ(0, mb_attr(fd, &a));
		ids[i] = a.id;
		close(fd);
	}
	for (i = 0; i < MANY_NAMES; i++) {
		many_name(name, sizeof(name), i);
		o.flags = rw;
		fd = mb_open(&o);
		ASSERT_LE(0, fd) TH_LOG("open %s: %s", name, strerror(-fd));
		ASSERT_EQ(0, mb_attr(fd, &a));
		ASSERT_EQ(ids[i], a.id) TH_LOG("%s found another mailbox", name);
		close(fd);
	}
	for (i = 0; i < MANY_NAMES; i++)
		if (i % 4)
			ASSERT_EQ(0, mb_unlink(many_name(name, sizeof(name), i)));
	for (i = 0; i < MANY_NAMES; i++) {
		many_name(name, sizeof(name), i);
		o.flags = IPCCHAN_OPEN_READ;
		fd = mb_open(&o);
		if (i % 4) {
			ASSERT_EQ(-ENOENT, fd) TH_LOG("unlinked %s found", name);
			continue;
		}
		ASSERT_LE(0, fd) TH_LOG("open %s: %s", name, strerror(-fd));
		ASSERT_EQ(0, mb_attr(fd, &a));
		ASSERT_EQ(ids[i], a.id) TH_LOG("%s found another mailbox", name);
		close(fd);
		ASSERT_EQ(0, mb_unlink(name));
		EXPECT_EQ(-ENOENT, mb_unlink(name));
	}
}

/*
 * An open that fails after the mailbox was built (here: no fd left)
 * leaves nothing behind, named or not: no fd, no mailbox, no name, so the
 * same CREATE|EXCL succeeds afterwards.
 */
TEST(failed_open_leaves_nothing_behind)
{
	struct ipcchan_mbox_open op = {
		.size = sizeof(op), .mode = 0600,
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE |
			 IPCCHAN_OPEN_EXCL,
	};
	const char *name = uniq("failed-open");
	int dev = dev_fd(), free_fd, fd, named;
	struct rlimit old, rl;

	ASSERT_LE(0, dev);
	for (named = 0; named < 2; named++) {
		op.name = named ? (uintptr_t)name : 0;
		op.name_len = named ? strlen(name) : 0;
		free_fd = dup(0);
		ASSERT_LE(0, free_fd);
		close(free_fd);
		ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
		rl = old;
		rl.rlim_cur = free_fd;
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
		EXPECT_EQ(-1, ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op));
		EXPECT_EQ(EMFILE, errno);
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
		if (named)
			EXPECT_EQ(-ENOENT, mb_unlink(name));
		fd = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
		ASSERT_LE(0, fd) TH_LOG("retry: %s", strerror(errno));
		EXPECT_EQ(free_fd, fd);
		if (named)
			EXPECT_EQ(0, mb_unlink(name));
		close(fd);
	}
	close(dev);
}

TEST(unlink_bad_args)
{
	struct ipcchan_unlink u;
	int dev = dev_fd();

	ASSERT_LE(0, dev);
#define UL(...) ioctl_err(dev, IPCCHAN_IOC_UNLINK,			\
		&(struct ipcchan_unlink){ .size = sizeof(u),		\
		 .type = IPCCHAN_OBJ_MAILBOX, .name = (uintptr_t)"zz",	\
		 .name_len = 2, __VA_ARGS__ })
	EXPECT_EQ(-ENOENT, UL());
	EXPECT_EQ(-EINVAL, UL(.flags = 1));
	EXPECT_EQ(-EINVAL, UL(.type = 0));
	EXPECT_EQ(-EINVAL, UL(.type = __IPCCHAN_OBJ_MAX));
	EXPECT_EQ(-EINVAL, UL(.name = 0, .name_len = 0));
	EXPECT_EQ(-EINVAL, UL(.name_len = 0));
	EXPECT_EQ(-EINVAL, UL(.name = (uintptr_t)"a/b", .name_len = 3));
	EXPECT_EQ(-ENAMETOOLONG, UL(.name_len = 256));
	EXPECT_EQ(-EFAULT, UL(.name = 8));
	EXPECT_EQ(-EINVAL, UL(.size = 8));
	EXPECT_EQ(-EFAULT, ioctl(dev, IPCCHAN_IOC_UNLINK, (void *)8) < 0 ?
			   -errno : 0);
#undef UL
	close(dev);
}

TEST(umask_applies)
{
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE,
		.name = uniq("umask"), .mode = 0666,
	};
	struct ipcchan_mbox_attr a;
	int fd;

	umask(027);
	fd = mb_open(&o);
	umask(0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mb_attr(fd, &a));
	EXPECT_EQ(0640, a.mode);
	EXPECT_EQ(0, mb_unlink(o.name));
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Permissions with a second uid                                       */
/* ------------------------------------------------------------------ */

static int try_open(void *arg)
{
	struct mb_opts *o = arg;
	int fd = mb_open(o);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return -fd;
}

static int try_unlink(void *arg)
{
	return -mb_unlink(arg);
}

static int try_create_own(void *arg)
{
	struct mb_opts *o = arg;
	int fd = mb_open(o);
	struct ipcchan_mbox_attr a;

	if (fd < 0)
		return -fd;
	if (mb_attr(fd, &a) || a.uid != NOBODY || a.gid != NOBODY)
		return 200;
	if (mb_unlink(o->name))
		return 201;
	close(fd);
	return 0;
}

TEST(permissions_second_uid)
{
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
			 IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL,
		.name = uniq("perm"),
	};
	static const struct {
		unsigned int mode, flags;
		int err;
	} cases[] = {
		{ 0600, IPCCHAN_OPEN_READ, EACCES },
		{ 0600, IPCCHAN_OPEN_WRITE, EACCES },
		{ 0604, IPCCHAN_OPEN_READ, 0 },
		{ 0604, IPCCHAN_OPEN_WRITE, EACCES },
		{ 0604, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE, EACCES },
		{ 0602, IPCCHAN_OPEN_WRITE, 0 },
		{ 0606, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE, 0 },
		{ 0060, IPCCHAN_OPEN_READ, EACCES },	/* group root */
		/* CREATE on an existing name still checks. */
		{ 0600, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE, EACCES },
	};
	struct mb_opts child;
	unsigned int i;
	int fd;

	umask(0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o.mode = cases[i].mode;
		fd = mb_open(&o);
		ASSERT_LE(0, fd);
		child = o;
		child.flags = cases[i].flags;
		EXPECT_EQ(cases[i].err, as_nobody(try_open, &child))
			TH_LOG("case %u", i);
		/* Only the owner may unlink. */
		EXPECT_EQ(EPERM, as_nobody(try_unlink, (void *)o.name));
		EXPECT_EQ(0, mb_unlink(o.name));
		close(fd);
	}

	/* Group bits: a mailbox owned by root with group nobody. */
	o.mode = 0640;
	ASSERT_EQ(0, setegid(NOBODY));
	fd = mb_open(&o);
	ASSERT_EQ(0, setegid(0));
	ASSERT_LE(0, fd);
	child = o;
	child.flags = IPCCHAN_OPEN_READ;
	EXPECT_EQ(0, as_nobody(try_open, &child));
	child.flags = IPCCHAN_OPEN_WRITE;
	EXPECT_EQ(EACCES, as_nobody(try_open, &child));
	EXPECT_EQ(0, mb_unlink(o.name));
	close(fd);

	/* The second user's own mailbox is owned by it, and it may unlink. */
	child = o;
	child.mode = 0600;
	child.name = uniq("perm-own");
	EXPECT_EQ(0, as_nobody(try_create_own, &child));
}

TEST(root_overrides_mode)
{
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE,
		.name = uniq("root"), .mode = 0,
	};
	int fd = mb_open(&o), fd2;

	ASSERT_LE(0, fd);
	o.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE;
	fd2 = mb_open(&o);
	EXPECT_LE(0, fd2);
	close(fd2);
	EXPECT_EQ(0, mb_unlink(o.name));
	close(fd);
}

static int in_new_ipcns(void *arg)
{
	struct mb_opts o = *(struct mb_opts *)arg;
	int fd;

	if (unshare(CLONE_NEWIPC))
		return 100;
	o.flags = IPCCHAN_OPEN_READ;
	fd = mb_open(&o);
	if (fd != -ENOENT)
		return 101;
	o.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL;
	fd = mb_open(&o);
	if (fd < 0)
		return 102;
	close(fd);
	/* Left named: the namespace dies with this process. */
	return 0;
}

TEST(names_scoped_to_ipc_namespace)
{
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE |
			 IPCCHAN_OPEN_EXCL,
		.name = uniq("ipcns"), .mode = 0600,
	};
	int fd = mb_open(&o), status;
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(in_new_ipcns(&o));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Ours is untouched by the other namespace's name. */
	o.flags = IPCCHAN_OPEN_READ;
	EXPECT_EQ(0, try_open(&o));
	EXPECT_EQ(0, mb_unlink(o.name));
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Limits                                                              */
/* ------------------------------------------------------------------ */

static int create_many(void *arg)
{
	int n = *(int *)arg, i, fd;

	for (i = 0; i < n; i++) {
		fd = mb_anon(1, 16, 0);
		if (fd < 0)
			return i == n - 1 ? -fd : 100 + i;
	}
	return 0;
}

static int create_big(void *arg)
{
	unsigned int *cap = arg;
	int fd = mb_anon(cap[0], cap[1], 0);

	return fd < 0 ? -fd : 0;
}

TEST(limits)
{
	unsigned long long objs = read_param("user_max_objects");
	unsigned long long bytes = read_param("user_max_bytes");
	unsigned long long msgs = read_param("mbox_max_msgs");
	unsigned int cap[2];
	int n = 4, fd, fds[4], i;

	ASSERT_NE(~0ULL, objs);
	/* Three objects allowed: the fourth fails with EDQUOT. */
	ASSERT_EQ(0, write_param("user_max_objects", 3));
	EXPECT_EQ(EDQUOT, as_nobody(create_many, &n));
	/* Root (CAP_SYS_RESOURCE) is counted but not refused. */
	for (i = 0; i < 4; i++) {
		fds[i] = mb_anon(1, 16, 0);
		EXPECT_LE(0, fds[i]);
	}
	for (i = 0; i < 4; i++)
		close(fds[i]);
	ASSERT_EQ(0, write_param("user_max_objects", objs));

	/* Bytes: a reservation over user_max_bytes is EDQUOT. */
	ASSERT_EQ(0, write_param("user_max_bytes", 1 << 20));
	cap[0] = 64;
	cap[1] = 32768;		/* 2 MiB */
	EXPECT_EQ(EDQUOT, as_nobody(create_big, cap));
	cap[0] = 16;
	cap[1] = 1024;
	EXPECT_EQ(0, as_nobody(create_big, cap));
	ASSERT_EQ(0, write_param("user_max_bytes", bytes));

	/* Attributes over the module limits: EINVAL unless privileged. */
	cap[0] = msgs + 1;
	cap[1] = 16;
	EXPECT_EQ(EINVAL, as_nobody(create_big, cap));
	fd = mb_anon(msgs + 1, 16, 0);
	EXPECT_LE(0, fd);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

TEST(boundaries_and_zero_length)
{
	int fd = mb_anon(8, 100, 0);
	struct ipcchan_mbox_stats st;
	struct pollfd p;
	char b[100];

	ASSERT_LE(0, fd);
	ASSERT_EQ(5, write(fd, "hello", 5));
	ASSERT_EQ(0, write(fd, "", 0));
	ASSERT_EQ(100, write(fd, b, 100));
	ASSERT_EQ(1, write(fd, "!", 1));
	EXPECT_EQ(5, read(fd, b, sizeof(b)));
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(0, read(fd, b, sizeof(b)));	/* the empty message */
	EXPECT_EQ(-1, read(fd, b, 99));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(100, read(fd, b, sizeof(b)));
	EXPECT_EQ(1, read(fd, b, 1));
	ASSERT_EQ(0, mb_stats(fd, &st));
	EXPECT_EQ(4, st.msgs_in);
	EXPECT_EQ(4, st.msgs_out);
	EXPECT_EQ(106, st.bytes_in);
	EXPECT_EQ(106, st.bytes_out);
	close(fd);
}

TEST(readv_writev)
{
	int fd = mb_anon(4, 64, 0);
	char a[4], b[8];
	struct iovec w[3] = {
		{ "ab", 2 }, { "", 0 }, { "cdefg", 5 },
	};
	struct iovec r[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

	ASSERT_LE(0, fd);
	ASSERT_EQ(7, writev(fd, w, 3));
	ASSERT_EQ(3, writev(fd, w, 1) + 1);
	EXPECT_EQ(7, readv(fd, r, 2));
	EXPECT_EQ(0, memcmp(a, "abcd", 4));
	EXPECT_EQ(0, memcmp(b, "efg", 3));
	r[0].iov_len = 1;
	r[1].iov_len = 0;
	EXPECT_EQ(-1, readv(fd, r, 2));
	EXPECT_EQ(EMSGSIZE, errno);
	r[1].iov_len = 1;
	EXPECT_EQ(2, readv(fd, r, 2));
	close(fd);
}

TEST(priorities_fifo_within)
{
	static const struct { const char *s; unsigned int prio; } in[] = {
		{ "a0", 0 }, { "b5", 5 }, { "c5", 5 }, { "d31", 31 },
		{ "e1", 1 }, { "f0", 0 }, { "g31", 31 },
	};
	static const char *const out[] = {
		"d31", "g31", "b5", "c5", "e1", "a0", "f0",
	};
	struct ipcchan_mbox_msg m;
	int fd = mb_anon(16, 16, 0);
	unsigned int i;
	char b[16];

	ASSERT_LE(0, fd);
	for (i = 0; i < 7; i++)
		ASSERT_EQ(1, mb_send(fd, in[i].s, strlen(in[i].s), in[i].prio, 0));
	for (i = 0; i < 7; i++) {
		memset(b, 0, sizeof(b));
		ASSERT_EQ(1, mb_recv(fd, b, sizeof(b), 0, &m));
		EXPECT_STREQ(out[i], b);
		EXPECT_EQ(strtoul(b + 1, NULL, 10), m.prio);
	}
	close(fd);
}

TEST(metadata)
{
	int fd = mb_anon(8, 16, 0);
	struct ipcchan_mbox_msg m;
	uint64_t t0, t1;
	pid_t pid;
	char b[16];

	ASSERT_LE(0, fd);
	t0 = now_ns();
	ASSERT_EQ(1, mb_send(fd, "x", 1, 3, 0));
	t1 = now_ns();
	pid = sender_child(fd, 0, 1);
	ASSERT_EQ(0, reap(pid));

	memset(&m, 0xff, sizeof(m));
	m.buf = (uintptr_t)b;
	m.len = sizeof(b);
	m.reserved = 0;
	ASSERT_EQ(1, mb_xfer(fd, false, &m, 0, 0));
	EXPECT_EQ(1, m.len);
	EXPECT_EQ(3, m.prio);
	EXPECT_EQ(0, m.flags);
	EXPECT_EQ(0, m.seq);
	EXPECT_EQ(getpid(), m.sender_pid);
	EXPECT_EQ(geteuid(), m.sender_uid);
	EXPECT_LE(t0, m.enqueue_ns);
	EXPECT_GE(t1, m.enqueue_ns);
	EXPECT_EQ(0, m.dropped);

	ASSERT_EQ(1, mb_recv(fd, b, sizeof(b), 0, &m));
	EXPECT_EQ(1, m.seq);
	EXPECT_EQ(pid, m.sender_pid);
	EXPECT_EQ(0, memcmp(b, "c0", 2));
	close(fd);
}

static int send_as_nobody(void *arg)
{
	return mb_send(*(int *)arg, "n", 1, 0, 0) == 1 ? 0 : 1;
}

TEST(metadata_sender_uid)
{
	int fd = mb_anon(4, 16, 0);
	struct ipcchan_mbox_msg m;
	char b[4];

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, as_nobody(send_as_nobody, &fd));
	ASSERT_EQ(1, mb_recv(fd, b, sizeof(b), 0, &m));
	EXPECT_EQ(NOBODY, m.sender_uid);
	close(fd);
}

static int pidns_child(int fd)
{
	struct ipcchan_mbox_msg m;
	char b[8];
	pid_t pid;
	int st;

	/* Our child is pid 1 in a new namespace: it sees itself as 1 and
	 * a sender outside the namespace as 0.
	 */
	if (unshare(CLONE_NEWPID))
		return 10;
	pid = fork();
	if (pid < 0)
		return 11;
	if (!pid) {
		if (mb_send(fd, "in", 2, 0, 0) != 1)
			_exit(12);
		if (mb_recv(fd, b, sizeof(b), 0, &m) != 1 || m.sender_pid != 0)
			_exit(13);
		if (mb_recv(fd, b, sizeof(b), 0, &m) != 1 || m.sender_pid != 1)
			_exit(14);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return 15;
	return WEXITSTATUS(st);
}

TEST(metadata_pid_translated)
{
	int fd = mb_anon(4, 16, 0), status;
	pid_t pid;

	ASSERT_LE(0, fd);
	ASSERT_EQ(1, mb_send(fd, "out", 3, 5, 0));	/* received first */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(pidns_child(fd));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(fd);
}

TEST(batches)
{
	struct ipcchan_mbox_msg m[40];
	struct ipcchan_mbox_xfer x;
	int fd = mb_anon(64, 16, 0);
	char data[40][16], out[40][16];
	unsigned int i;

	ASSERT_LE(0, fd);
	for (i = 0; i < 32; i++) {
		snprintf(data[i], 16, "m%u", i);
		m[i] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)data[i],
			.len = strlen(data[i]), .prio = i % 2 };
	}
	x = (struct ipcchan_mbox_xfer){ .size = sizeof(x),
		.msgs = (uintptr_t)m, .count = 32, .msg_size = sizeof(m[0]) };
	ASSERT_EQ(32, ioctl(fd, IPCCHAN_IOC_MBOX_SEND, &x));

	/* Receive up to 40: only 32 are there, odd priorities first. */
	for (i = 0; i < 40; i++)
		m[i] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)out[i],
						  .len = 16 };
	x.count = 40;
	memset(out, 0, sizeof(out));
	ASSERT_EQ(32, ioctl(fd, IPCCHAN_IOC_MBOX_RECV, &x));
	for (i = 0; i < 32; i++) {
		unsigned int want = i < 16 ? 2 * i + 1 : 2 * (i - 16);

		snprintf(data[0], 16, "m%u", want);
		EXPECT_STREQ(data[0], out[i]);
		EXPECT_EQ(want, m[i].seq);
		EXPECT_EQ(want % 2, m[i].prio);
	}
	x.flags = IPCCHAN_XFER_NONBLOCK;
	EXPECT_EQ(-1, ioctl(fd, IPCCHAN_IOC_MBOX_RECV, &x));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
}

TEST(batch_stops_at_bad_element)
{
	struct ipcchan_mbox_msg m[3] = {
		{ .buf = (uintptr_t)"ok", .len = 2 },
		{ .buf = (uintptr_t)"bad", .len = 3, .prio = 99 },
		{ .buf = (uintptr_t)"never", .len = 5 },
	};
	struct ipcchan_mbox_xfer x = { .size = sizeof(x),
		.msgs = (uintptr_t)m, .count = 3, .msg_size = sizeof(m[0]) };
	int fd = mb_anon(8, 16, 0);
	char b[16];

	ASSERT_LE(0, fd);
	EXPECT_EQ(1, ioctl(fd, IPCCHAN_IOC_MBOX_SEND, &x));
	EXPECT_EQ(1, mb_depth(fd));
	m[1].prio = 0;
	m[1].buf = 8;		/* bad pointer */
	EXPECT_EQ(1, ioctl(fd, IPCCHAN_IOC_MBOX_SEND, &x));
	EXPECT_EQ(2, mb_depth(fd));
	m[1].buf = (uintptr_t)"big";
	m[1].len = 17;
	EXPECT_EQ(1, ioctl(fd, IPCCHAN_IOC_MBOX_SEND, &x));
	EXPECT_EQ(3, mb_depth(fd));

	/* Receive: the second buffer is too short; it stays queued. */
	m[0] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)b, .len = 16 };
	m[1] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)b, .len = 1 };
	EXPECT_EQ(1, ioctl(fd, IPCCHAN_IOC_MBOX_RECV, &x));
	EXPECT_EQ(2, mb_depth(fd));
	close(fd);
}

/*
 * A receive takes up to 32 messages off the queue at once, copies them
 * out, and puts back the ones it could not deliver. Whether the failure
 * is inside a take or at its start, with three priorities interleaved,
 * the undelivered messages come out later in exactly the order they
 * would have: priority first, then sequence.
 */
TEST(batch_failure_puts_back_in_order)
{
	static struct ipcchan_mbox_msg m[70];
	static char data[70][8], out[70][8];
	struct ipcchan_mbox_xfer x = { .size = sizeof(x),
		.msgs = (uintptr_t)m, .msg_size = sizeof(m[0]) };
	unsigned int order[70], n = 0, got = 0, i;
	int p, fd = mb_anon(100, 8, 0);

	ASSERT_LE(0, fd);
	for (i = 0; i < 70; i++) {
		snprintf(data[i], sizeof(data[i]), "m%u", i);
		m[i] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)data[i],
			.len = strlen(data[i]) + 1, .prio = i % 3 };
	}
	x.count = 70;
	ASSERT_EQ(70, ioctl(fd, IPCCHAN_IOC_MBOX_SEND, &x));
	for (p = 2; p >= 0; p--)
		for (i = p; i < 70; i += 3)
			order[n++] = i;

	/* EFAULT at element 40: the second take, 8 messages in. */
	for (i = 0; i < 70; i++)
		m[i] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)out[i],
						  .len = sizeof(out[i]) };
	m[40].buf = 8;
	ASSERT_EQ(40, ioctl(fd, IPCCHAN_IOC_MBOX_RECV, &x));
	EXPECT_EQ(30, mb_depth(fd));
	/* EMSGSIZE at element 3: inside a take. */
	m[40].buf = (uintptr_t)out[40];
	m[43].len = 1;
	x.msgs = (uintptr_t)&m[40];
	x.count = 30;
	ASSERT_EQ(3, ioctl(fd, IPCCHAN_IOC_MBOX_RECV, &x));
	EXPECT_EQ(27, mb_depth(fd));
	m[43].len = sizeof(out[43]);
	x.msgs = (uintptr_t)&m[43];
	x.count = 27;
	ASSERT_EQ(27, ioctl(fd, IPCCHAN_IOC_MBOX_RECV, &x));
	EXPECT_EQ(0, mb_depth(fd));

	for (i = 0; i < 70; i++) {
		EXPECT_STREQ(data[order[i]], out[i]) TH_LOG("position %u", i);
		EXPECT_EQ(order[i], m[i].seq);
		EXPECT_EQ(order[i] % 3, m[i].prio);
		got += !strcmp(data[order[i]], out[i]);
	}
	EXPECT_EQ(70, got);
	close(fd);
}

TEST(batch_send_partial_when_full)
{
	struct ipcchan_mbox_msg m[6];
	struct ipcchan_mbox_xfer x = { .size = sizeof(x),
		.flags = IPCCHAN_XFER_NONBLOCK, .msgs = (uintptr_t)m,
		.count = 6, .msg_size = sizeof(m[0]) };
	int fd = mb_anon(4, 16, 0), i;

	ASSERT_LE(0, fd);
	for (i = 0; i < 6; i++)
		m[i] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)"z",
						  .len = 1 };
	EXPECT_EQ(4, ioctl(fd, IPCCHAN_IOC_MBOX_SEND, &x));
	EXPECT_EQ(-1, ioctl(fd, IPCCHAN_IOC_MBOX_SEND, &x));
	EXPECT_EQ(EAGAIN, errno);
	x.flags = IPCCHAN_XFER_TIMEOUT;
	x.timeout_ns = 20000000;
	EXPECT_EQ(-1, ioctl(fd, IPCCHAN_IOC_MBOX_SEND, &x));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(4, mb_depth(fd));
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Blocking, timeouts, signals                                         */
/* ------------------------------------------------------------------ */

TEST(nonblock)
{
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
			 IPCCHAN_OPEN_NONBLOCK, .capacity = 1, .msgsize = 8,
	};
	int fd = mb_open(&o);
	char b[8];

	ASSERT_LE(0, fd);
	EXPECT_EQ(O_NONBLOCK, fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(-1, read(fd, b, sizeof(b)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-EAGAIN, mb_recv(fd, b, sizeof(b), 0, NULL));
	EXPECT_EQ(1, write(fd, "1", 1));
	EXPECT_EQ(-1, write(fd, "2", 1));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-EAGAIN, mb_send(fd, "2", 1, 0, 0));
	/* Per-call NONBLOCK on a blocking fd. */
	ASSERT_EQ(0, fcntl(fd, F_SETFL, 0));
	EXPECT_EQ(-EAGAIN, mb_send(fd, "2", 1, 0, IPCCHAN_XFER_NONBLOCK));
	EXPECT_EQ(1, read(fd, b, sizeof(b)));
	EXPECT_EQ(-EAGAIN, mb_recv(fd, b, sizeof(b), IPCCHAN_XFER_NONBLOCK,
				   NULL));
	close(fd);
}

TEST(timeouts)
{
	int fd = mb_anon(1, 8, 0);
	struct ipcchan_mbox_msg m;
	uint64_t t0;
	char b[8];

	ASSERT_LE(0, fd);
	m = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)b, .len = 8 };
	t0 = now_ns();
	EXPECT_EQ(-ETIMEDOUT, mb_xfer(fd, false, &m, IPCCHAN_XFER_TIMEOUT,
				      50000000));
	EXPECT_LE(t0 + 50000000, now_ns());
	/* Relative 0: try once. */
	EXPECT_EQ(-ETIMEDOUT, mb_xfer(fd, false, &m, IPCCHAN_XFER_TIMEOUT, 0));
	/* Absolute, in the past and 50 ms ahead. */
	EXPECT_EQ(-ETIMEDOUT, mb_xfer(fd, false, &m, IPCCHAN_XFER_TIMEOUT |
				      IPCCHAN_XFER_ABSTIME, 1));
	t0 = now_ns();
	EXPECT_EQ(-ETIMEDOUT, mb_xfer(fd, false, &m, IPCCHAN_XFER_TIMEOUT |
				      IPCCHAN_XFER_ABSTIME, t0 + 50000000));
	EXPECT_LE(t0 + 50000000, now_ns());

	/* Sending to a full mailbox. */
	ASSERT_EQ(1, write(fd, "x", 1));
	m = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)"y", .len = 1 };
	t0 = now_ns();
	EXPECT_EQ(-ETIMEDOUT, mb_xfer(fd, true, &m, IPCCHAN_XFER_TIMEOUT,
				      30000000));
	EXPECT_LE(t0 + 30000000, now_ns());
	/* A message available is taken even with an expired timeout. */
	m = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)b, .len = 8 };
	EXPECT_EQ(1, mb_xfer(fd, false, &m, IPCCHAN_XFER_TIMEOUT, 0));
	/* Huge timeouts do not overflow. */
	EXPECT_EQ(1, mb_xfer(fd, true, &m, IPCCHAN_XFER_TIMEOUT, ~0ULL));
	close(fd);
}

TEST(blocking_recv_woken_by_sender)
{
	int fd = mb_anon(4, 8, 0);
	uint64_t t0 = now_ns();
	pid_t pid;
	char b[8];

	ASSERT_LE(0, fd);
	pid = sender_child(fd, 100, 1);
	ASSERT_EQ(2, read(fd, b, sizeof(b)));
	EXPECT_LE(t0 + 90000000, now_ns());
	EXPECT_EQ(0, reap(pid));
	close(fd);
}

TEST(blocking_send_woken_by_receiver)
{
	int fd = mb_anon(1, 8, 0);
	struct ipcchan_mbox_stats st;
	char b[8];
	pid_t pid;
	int i;

	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(fd, "x", 1));
	pid = sender_child(fd, 0, 1);
	for (i = 0; i < 200; i++) {
		ASSERT_EQ(0, mb_stats(fd, &st));
		if (st.senders_blocked == 1)
			break;
		msleep(5);
	}
	EXPECT_EQ(1, st.senders_blocked);
	EXPECT_EQ(1, st.sender_waits);
	EXPECT_EQ(1, read(fd, b, sizeof(b)));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(2, read(fd, b, sizeof(b)));
	ASSERT_EQ(0, mb_stats(fd, &st));
	EXPECT_EQ(0, st.senders_blocked);
	close(fd);
}

TEST(signal_eintr_and_restart)
{
	int fd = mb_anon(4, 8, 0);
	struct ipcchan_mbox_msg m;
	pid_t pid;
	char b[8];

	ASSERT_LE(0, fd);
	/* No SA_RESTART: EINTR. */
	set_handler(SIGALRM, 0);
	arm_alarm_ms(50);
	EXPECT_EQ(-1, read(fd, b, sizeof(b)));
	EXPECT_EQ(EINTR, errno);
	arm_alarm_ms(50);
	EXPECT_EQ(-EINTR, mb_recv(fd, b, sizeof(b), 0, NULL));

	/* SA_RESTART: read() restarts and gets the later message. */
	set_handler(SIGALRM, SA_RESTART);
	arm_alarm_ms(50);
	pid = sender_child(fd, 200, 1);
	EXPECT_EQ(2, read(fd, b, sizeof(b)));
	EXPECT_EQ(0, reap(pid));

	/* ...but a relative timeout is not restarted. */
	arm_alarm_ms(50);
	m = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)b, .len = 8 };
	EXPECT_EQ(-EINTR, mb_xfer(fd, false, &m, IPCCHAN_XFER_TIMEOUT,
				  5000000000ULL));
	signal(SIGALRM, SIG_DFL);
	EXPECT_EQ(0, mb_depth(fd));
	close(fd);
}

struct reader_arg {
	int fd;
	int done;
	int err;
};

static void *reader_thread(void *p)
{
	struct reader_arg *a = p;
	char b[16];
	int ret;

	ret = read(a->fd, b, sizeof(b));
	a->err = ret < 0 ? errno : 0;
	__atomic_store_n(&a->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int count_done(struct reader_arg *a, int n)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		c += __atomic_load_n(&a[i].done, __ATOMIC_SEQ_CST);
	return c;
}

TEST(exclusive_wakeup)
{
	struct ipcchan_mbox_stats st;
	struct reader_arg a[4];
	pthread_t t[4];
	int fd = mb_anon(8, 16, 0), i;

	ASSERT_LE(0, fd);
	for (i = 0; i < 4; i++) {
		a[i] = (struct reader_arg){ .fd = fd };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, reader_thread, &a[i]));
	}
	for (i = 0; i < 400; i++) {
		ASSERT_EQ(0, mb_stats(fd, &st));
		if (st.receivers_blocked == 4)
			break;
		msleep(5);
	}
	ASSERT_EQ(4, st.receivers_blocked);
	ASSERT_EQ(1, write(fd, "1", 1));
	msleep(200);
	EXPECT_EQ(1, count_done(a, 4));
	ASSERT_EQ(0, mb_stats(fd, &st));
	EXPECT_EQ(3, st.receivers_blocked);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(1, write(fd, "2", 1));
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(4, count_done(a, 4));
	close(fd);
}

/*
 * One SEND of two messages wakes one of two readers blocked in read(2);
 * that reader takes one message and must pass the wakeup on for the
 * other (the read path once did not, and the second reader slept on with
 * a message queued).
 */
TEST(read_passes_wakeup_on)
{
	struct ipcchan_mbox_msg m[2] = {
		{ .buf = (uintptr_t)"a", .len = 1 },
		{ .buf = (uintptr_t)"b", .len = 1 },
	};
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .msgs = (uintptr_t)m, .count = 2,
		.msg_size = sizeof(m[0]),
	};
	struct ipcchan_mbox_stats st;
	struct reader_arg a[2];
	pthread_t t[2];
	int fd = mb_anon(8, 16, 0), i;

	ASSERT_LE(0, fd);
	for (i = 0; i < 2; i++) {
		a[i] = (struct reader_arg){ .fd = fd };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, reader_thread, &a[i]));
	}
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(0, mb_stats(fd, &st));
		if (st.receivers_blocked == 2)
			break;
		msleep(5);
	}
	ASSERT_EQ(2, st.receivers_blocked);
	ASSERT_EQ(2, ioctl(fd, IPCCHAN_IOC_MBOX_SEND, &x));
	for (i = 0; i < 1000 && count_done(a, 2) < 2; i++)
		msleep(5);
	EXPECT_EQ(2, count_done(a, 2)) TH_LOG("a reader slept on with a message queued");
	EXPECT_EQ(0, mb_depth(fd));
	if (count_done(a, 2) < 2)
		ASSERT_EQ(1, write(fd, "c", 1));
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, a[i].err);
	}
	close(fd);
}

/* ------------------------------------------------------------------ */
/* poll, epoll, hang-up                                                */
/* ------------------------------------------------------------------ */

static short poll_now(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

TEST(poll_states)
{
	int fd = mb_anon(2, 8, 0), dr = mb_anon(1, 8, IPCCHAN_MBOX_DROP_NEWEST);
	char b[8];

	ASSERT_LE(0, fd);
	ASSERT_LE(0, dr);
	EXPECT_EQ(POLLOUT, poll_now(fd, POLLIN | POLLOUT));
	ASSERT_EQ(1, write(fd, "a", 1));
	EXPECT_EQ(POLLIN | POLLOUT, poll_now(fd, POLLIN | POLLOUT));
	ASSERT_EQ(1, write(fd, "b", 1));
	EXPECT_EQ(POLLIN, poll_now(fd, POLLIN | POLLOUT));
	ASSERT_EQ(1, read(fd, b, sizeof(b)));
	EXPECT_EQ(POLLIN | POLLOUT, poll_now(fd, POLLIN | POLLOUT));
	/* Drop policies never block, so they are always writable. */
	ASSERT_EQ(1, write(dr, "a", 1));
	EXPECT_EQ(POLLIN | POLLOUT, poll_now(dr, POLLIN | POLLOUT));
	close(fd);
	close(dr);
}

TEST(epoll_edge_triggered)
{
	int fd = mb_anon(8, 8, 0), ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	struct epoll_event out;
	pid_t pid;
	char b[8];

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(1, write(fd, "a", 1));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));	/* edge consumed */
	/* Every new message is an edge, even if the last was not read. */
	ASSERT_EQ(1, write(fd, "b", 1));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(1, read(fd, b, sizeof(b)));
	EXPECT_EQ(1, read(fd, b, sizeof(b)));
	/* A blocked epoll_wait is woken by another process's send. */
	pid = sender_child(fd, 100, 1);
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 5000));
	EXPECT_EQ(EPOLLIN, out.events);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(2, read(fd, b, sizeof(b)));

	/*
	 * EPOLLOUT edge when room reaches the send low watermark (the
	 * default, 2 of 8 slots): not at the first free slot.
	 */
	ev.events = EPOLLOUT | EPOLLET;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
	while (write(fd, "f", 1) == 1 && mb_depth(fd) < 8)
		;
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(1, read(fd, b, sizeof(b)));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(1, read(fd, b, sizeof(b)));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(EPOLLOUT, out.events);
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));	/* edge consumed */
	/*
	 * A receive while EPOLLOUT is on is no new edge, as a read from a
	 * pipe that was not full is none: nothing a writer waits for
	 * changed. Taking the room away again and giving it back is.
	 */
	EXPECT_EQ(1, read(fd, b, sizeof(b)));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	while (write(fd, "f", 1) == 1 && mb_depth(fd) < 8)
		;
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(1, read(fd, b, sizeof(b)));
	EXPECT_EQ(1, read(fd, b, sizeof(b)));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(EPOLLOUT, out.events);
	close(ep);
	close(fd);
}

TEST(hangup)
{
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE |
			 IPCCHAN_OPEN_EXCL,
		.name = uniq("hup"), .mode = 0600,
	};
	struct reader_arg ra;
	int rd, wr, wr2;
	pthread_t t;
	char b[8];

	rd = mb_open(&o);
	ASSERT_LE(0, rd);
	o.flags = IPCCHAN_OPEN_WRITE;
	wr = mb_open(&o);
	ASSERT_LE(0, wr);
	wr2 = mb_open(&o);
	ASSERT_LE(0, wr2);
	ASSERT_EQ(0, mb_unlink(o.name));
	EXPECT_EQ(0, poll_now(rd, POLLIN));
	EXPECT_EQ(POLLOUT, poll_now(wr, POLLOUT));

	/* A blocked reader is woken with EPIPE by the last writer's close. */
	ra = (struct reader_arg){ .fd = rd };
	ASSERT_EQ(0, pthread_create(&t, NULL, reader_thread, &ra));
	msleep(50);
	ASSERT_EQ(1, write(wr, "m", 1));
	pthread_join(t, NULL);
	EXPECT_EQ(0, ra.err);
	ra = (struct reader_arg){ .fd = rd };
	ASSERT_EQ(0, pthread_create(&t, NULL, reader_thread, &ra));
	msleep(50);
	close(wr);
	msleep(50);
	EXPECT_EQ(0, ra.done);
	ASSERT_EQ(1, write(wr2, "n", 1));
	close(wr2);
	pthread_join(t, NULL);
	EXPECT_EQ(0, ra.err);

	/* Now nothing can ever arrive. */
	EXPECT_EQ(POLLHUP, poll_now(rd, POLLIN));
	EXPECT_EQ(-1, read(rd, b, sizeof(b)));
	EXPECT_EQ(EPIPE, errno);
	close(rd);

	/* The writer side: EPOLLERR and EPIPE once the last reader goes. */
	o.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL;
	rd = mb_open(&o);
	ASSERT_LE(0, rd);
	o.flags = IPCCHAN_OPEN_WRITE;
	wr = mb_open(&o);
	ASSERT_LE(0, wr);
	ASSERT_EQ(0, mb_unlink(o.name));
	ASSERT_EQ(1, write(wr, "x", 1));
	close(rd);
	EXPECT_EQ(POLLERR, poll_now(wr, POLLOUT));
	EXPECT_EQ(-1, write(wr, "y", 1));
	EXPECT_EQ(EPIPE, errno);
	close(wr);
}

/* ------------------------------------------------------------------ */
/* Send low watermark                                                  */
/* ------------------------------------------------------------------ */

static int mb_lowat(unsigned int capacity, unsigned int lowat)
{
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE,
		.capacity = capacity, .msgsize = 8, .lowat = lowat,
	};

	return mb_open(&o);
}

static unsigned int mb_send_lowat(int fd)
{
	struct ipcchan_mbox_attr a;

	return mb_attr(fd, &a) ? ~0U : a.send_lowat;
}

/* Fill @fd's mailbox to its capacity with 1-byte messages. */
static int mb_fill(int fd)
{
	struct ipcchan_mbox_attr a;

	if (mb_attr(fd, &a))
		return -1;
	while (a.depth < a.capacity) {
		if (mb_send(fd, "f", 1, 0, IPCCHAN_XFER_NONBLOCK) != 1)
			return -1;
		a.depth++;
	}
	return mb_depth(fd) == a.capacity ? 0 : -1;
}

/* Wait up to 2 s until @n senders are blocked on @fd. */
static unsigned int wait_senders_blocked(int fd, unsigned int n)
{
	struct ipcchan_mbox_stats st = { 0 };
	int i;

	for (i = 0; i < 400; i++) {
		if (mb_stats(fd, &st))
			return ~0U;
		if (st.senders_blocked == n)
			break;
		msleep(5);
	}
	return st.senders_blocked;
}

static unsigned int senders_blocked(int fd)
{
	struct ipcchan_mbox_stats st;

	return mb_stats(fd, &st) ? ~0U : st.senders_blocked;
}

struct writer_arg {
	int fd;
	int done;
	int ret;		/* the SEND result or -errno */
	uint64_t timeout_ns;	/* with IPCCHAN_XFER_TIMEOUT when non-zero */
};

static void *writer_thread(void *p)
{
	struct writer_arg *a = p;
	struct ipcchan_mbox_msg m = { .buf = (uintptr_t)"w", .len = 1 };

	a->ret = mb_xfer(a->fd, true, &m,
			 a->timeout_ns ? IPCCHAN_XFER_TIMEOUT : 0,
			 a->timeout_ns);
	__atomic_store_n(&a->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int writers_done(struct writer_arg *a, int n)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		c += __atomic_load_n(&a[i].done, __ATOMIC_SEQ_CST);
	return c;
}

/* Wait up to 5 s for a writer thread to finish its send. */
static int wait_writer(struct writer_arg *w)
{
	int i;

	for (i = 0; i < 1000 && !writers_done(w, 1); i++)
		msleep(5);
	return writers_done(w, 1);
}

TEST(send_lowat_default_and_range)
{
	static const unsigned int caps[] = { 1, 2, 3, 4, 7, 8, 9, 4096 };
	struct ipcchan_mbox_open op;
	struct ipcchan_mbox_attr a;
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE |
			 IPCCHAN_OPEN_EXCL,
		.name = uniq("lowat"), .mode = 0600, .capacity = 16,
		.lowat = 3,
	};
	unsigned int i;
	int dev, fd, fd2;

	/* Default: a quarter of the capacity, at least 1. */
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		fd = mb_anon(caps[i], 8, 0);
		ASSERT_LE(0, fd);
		EXPECT_EQ(caps[i] / 4 ?: 1, mb_send_lowat(fd));
		close(fd);
	}
	fd = mb_anon(0, 8, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(IPCCHAN_MBOX_DEFAULT_CAPACITY / 4, mb_send_lowat(fd));
	close(fd);

	/* Settable from 1 to the capacity, for every policy. */
	fd = mb_lowat(8, 1);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, mb_send_lowat(fd));
	close(fd);
	fd = mb_lowat(8, 8);
	ASSERT_LE(0, fd);
	EXPECT_EQ(8, mb_send_lowat(fd));
	close(fd);
	EXPECT_EQ(-EINVAL, mb_lowat(8, 9));
	EXPECT_EQ(-EINVAL, mb_lowat(1, 2));
	EXPECT_EQ(-EINVAL, mb_lowat(0, IPCCHAN_MBOX_DEFAULT_CAPACITY + 1));
	fd = mb_lowat(0, IPCCHAN_MBOX_DEFAULT_CAPACITY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(IPCCHAN_MBOX_DEFAULT_CAPACITY, mb_send_lowat(fd));
	close(fd);

	/* Fixed at creation: a second open's value is ignored. */
	fd = mb_open(&o);
	ASSERT_LE(0, fd);
	EXPECT_EQ(3, mb_send_lowat(fd));
	o.flags = IPCCHAN_OPEN_WRITE;
	o.lowat = 100;
	fd2 = mb_open(&o);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(3, mb_send_lowat(fd2));
	close(fd2);
	ASSERT_EQ(0, mb_unlink(o.name));
	close(fd);

	/* A VER0 MBOX_OPEN (without send_lowat) gets the default. */
	dev = dev_fd();
	ASSERT_LE(0, dev);
	memset(&op, 0xff, sizeof(op));
	memset(&op, 0, IPCCHAN_MBOX_OPEN_SIZE_VER0);
	op.size = IPCCHAN_MBOX_OPEN_SIZE_VER0;
	op.flags = IPCCHAN_OPEN_READ;
	op.capacity = 40;
	fd = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
	ASSERT_LE(0, fd);
	close(dev);
	EXPECT_EQ(10, mb_send_lowat(fd));

	/* A VER0 GET_ATTR is answered without send_lowat... */
	memset(&a, 0xff, sizeof(a));
	memset(&a, 0, IPCCHAN_MBOX_ATTR_SIZE_VER0);
	a.size = IPCCHAN_MBOX_ATTR_SIZE_VER0;
	ASSERT_EQ(0, ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &a));
	EXPECT_EQ(IPCCHAN_MBOX_ATTR_SIZE_VER0, a.size);
	EXPECT_EQ(40, a.capacity);
	EXPECT_EQ(~0U, a.send_lowat);
	EXPECT_EQ(~0U, a.reserved1);
	/* ...a VER1 one with it, and reserved1 must be zero on input. */
	memset(&a, 0, sizeof(a));
	a.size = IPCCHAN_MBOX_ATTR_SIZE_VER1;
	ASSERT_EQ(0, ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &a));
	EXPECT_EQ(IPCCHAN_MBOX_ATTR_SIZE_VER1, a.size);
	EXPECT_EQ(10, a.send_lowat);
	EXPECT_EQ(0, a.reserved1);
	a.reserved1 = 1;
	EXPECT_EQ(-1, ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &a));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* Watermarks of a mailbox of 8, and the receives that wake a sender. */
static const struct { unsigned int lowat, wakes_at; } lowat_v[] = {
	{ 0, 2 },	/* the default, 8 / 4 */
	{ 1, 1 },	/* per slot, as POSIX mq */
	{ 5, 5 },
	{ 8, 8 },	/* only draining to empty wakes */
};

#define for_each_lowat(k) \
	for ((k) = 0; (k) < sizeof(lowat_v) / sizeof(lowat_v[0]); (k)++)

/* A full mailbox of 8 and one sender thread blocked on it. */
struct lowat_ctx {
	int fd;
	pthread_t t;
	struct writer_arg w;
};

static int lowat_block(struct lowat_ctx *c, unsigned int lowat)
{
	c->fd = mb_lowat(8, lowat);
	if (c->fd < 0 || mb_fill(c->fd))
		return -1;
	c->w = (struct writer_arg){ .fd = c->fd };
	if (pthread_create(&c->t, NULL, writer_thread, &c->w))
		return -1;
	return wait_senders_blocked(c->fd, 1) == 1 ? 0 : -1;
}

/* Let the writer finish whatever the test did, and close. */
static void lowat_done(struct lowat_ctx *c)
{
	char b[8];

	while (!__atomic_load_n(&c->w.done, __ATOMIC_SEQ_CST) &&
	       read(c->fd, b, sizeof(b)) > 0)
		;
	pthread_join(c->t, NULL);
	close(c->fd);
}

/* Woken by the receive that brings the room to the watermark, no sooner. */
TEST(send_lowat_wakes_blocked_sender)
{
	struct ipcchan_mbox_stats st;
	struct lowat_ctx c;
	unsigned int k, i;
	char b[8];

	for_each_lowat(k) {
		ASSERT_EQ(0, lowat_block(&c, lowat_v[k].lowat));
		for (i = 1; i < lowat_v[k].wakes_at; i++) {
			ASSERT_EQ(1, read(c.fd, b, sizeof(b)));
			msleep(i == 1 ? 100 : 20);
			EXPECT_EQ(0, writers_done(&c.w, 1));
			EXPECT_EQ(1, senders_blocked(c.fd));
			EXPECT_EQ(8 - i, mb_depth(c.fd));
		}
		ASSERT_EQ(1, read(c.fd, b, sizeof(b)));
		ASSERT_EQ(1, wait_writer(&c.w));
		EXPECT_EQ(1, c.w.ret);
		EXPECT_EQ(8 - lowat_v[k].wakes_at + 1, mb_depth(c.fd));
		ASSERT_EQ(0, mb_stats(c.fd, &st));
		EXPECT_EQ(0, st.senders_blocked);
		EXPECT_EQ(1, st.sender_waits);	/* no spurious wakeup */
		lowat_done(&c);
	}
}

/* The same through batch receives; a batch wakes once, at its end. */
TEST(send_lowat_batch_receive_wakes)
{
	struct ipcchan_mbox_msg m[8];
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .msgs = (uintptr_t)m, .msg_size = sizeof(m[0]),
	};
	struct lowat_ctx c;
	unsigned int k;
	char b[8][8];
	int i;

	for (i = 0; i < 8; i++)
		m[i] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)b[i],
						  .len = 8 };
	for_each_lowat(k) {
		ASSERT_EQ(0, lowat_block(&c, lowat_v[k].lowat));
		if (lowat_v[k].wakes_at > 1) {
			x.count = lowat_v[k].wakes_at - 1;
			ASSERT_EQ(x.count, ioctl(c.fd, IPCCHAN_IOC_MBOX_RECV, &x));
			msleep(100);
			EXPECT_EQ(0, writers_done(&c.w, 1));
			EXPECT_EQ(1, senders_blocked(c.fd));
		}
		x.count = 1;
		ASSERT_EQ(1, ioctl(c.fd, IPCCHAN_IOC_MBOX_RECV, &x));
		ASSERT_EQ(1, wait_writer(&c.w));
		EXPECT_EQ(1, c.w.ret);
		lowat_done(&c);
	}
}

/* A signal ends the wait below the watermark; nothing is sent. */
TEST(send_lowat_signal_below_watermark)
{
	struct lowat_ctx c;
	unsigned int k, depth;
	char b[8];

	set_handler(SIGUSR1, 0);
	for_each_lowat(k) {
		if (lowat_v[k].wakes_at < 2)
			continue;
		ASSERT_EQ(0, lowat_block(&c, lowat_v[k].lowat));
		ASSERT_EQ(1, read(c.fd, b, sizeof(b)));
		depth = mb_depth(c.fd);
		ASSERT_EQ(0, pthread_kill(c.t, SIGUSR1));
		ASSERT_EQ(1, wait_writer(&c.w));
		EXPECT_EQ(-EINTR, c.w.ret);
		EXPECT_EQ(depth, mb_depth(c.fd));
		EXPECT_EQ(0, senders_blocked(c.fd));
		lowat_done(&c);
	}
	signal(SIGUSR1, SIG_DFL);
}

/*
 * EPOLLOUT, level and edge, appears with the receive that would wake a
 * blocked sender (the one that brings the room to the watermark), no
 * sooner, for every watermark.
 */
TEST(send_lowat_epollout)
{
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET };
	struct epoll_event out;
	unsigned int k, i;
	int fd, ep;
	pid_t pid;
	char b[8];

	for_each_lowat(k) {
		fd = mb_lowat(8, lowat_v[k].lowat);
		ASSERT_LE(0, fd);
		ep = epoll_create1(EPOLL_CLOEXEC);
		ASSERT_LE(0, ep);
		ASSERT_EQ(0, mb_fill(fd));
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
		EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
		EXPECT_EQ(0, poll_now(fd, POLLOUT));
		for (i = 1; i < lowat_v[k].wakes_at; i++) {
			ASSERT_EQ(1, read(fd, b, sizeof(b)));
			EXPECT_EQ(0, poll_now(fd, POLLOUT));
			EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
		}
		ASSERT_EQ(1, read(fd, b, sizeof(b)));
		EXPECT_EQ(POLLOUT, poll_now(fd, POLLOUT));
		EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
		EXPECT_EQ(EPOLLOUT, out.events);
		EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));	/* edge consumed */
		/* A send that takes the room below the mark clears it. */
		ASSERT_EQ(1, write(fd, "a", 1));
		EXPECT_EQ(0, poll_now(fd, POLLOUT));
		/* A blocked epoll_wait is woken by another process's receives. */
		ASSERT_EQ(0, mb_fill(fd));
		EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
		pid = fork();
		if (!pid) {
			msleep(100);
			for (i = 0; i < lowat_v[k].wakes_at; i++)
				if (read(fd, b, sizeof(b)) != 1)
					_exit(1);
			_exit(0);
		}
		EXPECT_EQ(1, epoll_wait(ep, &out, 1, 5000));
		EXPECT_EQ(0, reap(pid));
		close(ep);
		close(fd);
	}
}

/* The last reader leaving wakes the sender with EPIPE, below the mark. */
TEST(send_lowat_reader_close_epipe)
{
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE |
			 IPCCHAN_OPEN_EXCL,
		.name = uniq("lowat-hup"), .mode = 0600, .capacity = 8,
		.msgsize = 8, .lowat = 8,
	};
	struct writer_arg w;
	pthread_t t;
	int rd, wr;
	char b[8];

	rd = mb_open(&o);
	ASSERT_LE(0, rd);
	o.flags = IPCCHAN_OPEN_WRITE;
	wr = mb_open(&o);
	ASSERT_LE(0, wr);
	ASSERT_EQ(0, mb_unlink(o.name));
	ASSERT_EQ(0, mb_fill(wr));
	w = (struct writer_arg){ .fd = wr };
	ASSERT_EQ(0, pthread_create(&t, NULL, writer_thread, &w));
	ASSERT_EQ(1, wait_senders_blocked(wr, 1));
	ASSERT_EQ(1, read(rd, b, sizeof(b)));
	msleep(50);
	EXPECT_EQ(0, writers_done(&w, 1));
	close(rd);
	pthread_join(t, NULL);
	EXPECT_EQ(-EPIPE, w.ret);
	EXPECT_EQ(POLLERR, poll_now(wr, POLLOUT));
	close(wr);
}

/*
 * Timeouts still end a blocked send; a sender that finds room never
 * waits, and one whose message fits at its deadline sends it.
 */
TEST(send_lowat_timeouts)
{
	int fd = mb_lowat(8, 4);
	struct ipcchan_mbox_msg m = { .buf = (uintptr_t)"t", .len = 1 };
	struct writer_arg w;
	pthread_t t;
	uint64_t t0;
	char b[8];

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mb_fill(fd));
	t0 = now_ns();
	EXPECT_EQ(-ETIMEDOUT, mb_xfer(fd, true, &m, IPCCHAN_XFER_TIMEOUT,
				      50000000));
	EXPECT_LE(t0 + 50000000, now_ns());
	EXPECT_EQ(-EAGAIN, mb_send(fd, "n", 1, 0, IPCCHAN_XFER_NONBLOCK));

	/* One slot free, below the watermark: taken at once. */
	ASSERT_EQ(1, read(fd, b, sizeof(b)));
	EXPECT_EQ(1, mb_xfer(fd, true, &m, IPCCHAN_XFER_TIMEOUT, 0));
	ASSERT_EQ(1, read(fd, b, sizeof(b)));
	EXPECT_EQ(1, mb_send(fd, "n", 1, 0, IPCCHAN_XFER_NONBLOCK));
	EXPECT_EQ(8, mb_depth(fd));

	/* Blocked, a slot frees below the watermark: sent at the deadline. */
	w = (struct writer_arg){ .fd = fd, .timeout_ns = 300000000 };
	t0 = now_ns();
	ASSERT_EQ(0, pthread_create(&t, NULL, writer_thread, &w));
	ASSERT_EQ(1, wait_senders_blocked(fd, 1));
	ASSERT_EQ(1, read(fd, b, sizeof(b)));
	msleep(50);
	EXPECT_EQ(0, writers_done(&w, 1));
	pthread_join(t, NULL);
	EXPECT_EQ(1, w.ret);
	EXPECT_LE(t0 + 300000000, now_ns());
	EXPECT_EQ(8, mb_depth(fd));
	close(fd);
}

/*
 * One receive wakes one blocked sender; a sender that leaves the room at
 * or above the watermark passes the wakeup on, one that leaves it below
 * does not.
 */
TEST(send_lowat_exclusive_pass_on)
{
	struct ipcchan_mbox_msg m[4];
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .msgs = (uintptr_t)m, .msg_size = sizeof(m[0]),
	};
	struct writer_arg w[3];
	pthread_t t[3];
	int fd = mb_lowat(8, 2), i;
	char b[4][8];

	ASSERT_LE(0, fd);
	for (i = 0; i < 4; i++)
		m[i] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)b[i],
						  .len = 8 };
	ASSERT_EQ(0, mb_fill(fd));
	for (i = 0; i < 3; i++) {
		w[i] = (struct writer_arg){ .fd = fd };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, writer_thread, &w[i]));
	}
	ASSERT_EQ(3, wait_senders_blocked(fd, 3));
	/* Room 2: one sender goes, leaves 1, and the other two sleep on. */
	x.count = 2;
	ASSERT_EQ(2, ioctl(fd, IPCCHAN_IOC_MBOX_RECV, &x));
	for (i = 0; i < 400 && writers_done(w, 3) < 1; i++)
		msleep(5);
	msleep(100);
	EXPECT_EQ(1, writers_done(w, 3));
	EXPECT_EQ(2, senders_blocked(fd));
	EXPECT_EQ(7, mb_depth(fd));
	/* Room 5 in one receive, one wakeup: passed on to both. */
	x.count = 4;
	ASSERT_EQ(4, ioctl(fd, IPCCHAN_IOC_MBOX_RECV, &x));
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(1, w[i].ret);
	EXPECT_EQ(5, mb_depth(fd));
	close(fd);
}

/* ------------------------------------------------------------------ */
/* A woken waiter that leaves without using its wakeup passes it on    */
/* ------------------------------------------------------------------ */

/*
 * Two waiters, A then B, sleep on one side of a mailbox; one message (or
 * one free slot) arrives, and the wakeup goes to A, which leaves without
 * using it. B must then take it. Every path a waiter can sleep in is
 * covered: read()/write(), a one-message SEND/RECV, a RECV with PEEK and
 * a batch. A sender checks message sizes before it waits, so a sender
 * never leaves a wakeup with EMSGSIZE; that reason is receiver-only.
 */
enum leave_path { LEAVE_RW, LEAVE_ONE, LEAVE_PEEK, LEAVE_BATCH };
enum leave_why { LEAVE_EMSGSIZE, LEAVE_EFAULT, LEAVE_EPIPE, LEAVE_SIGNAL };

#define LEAVE_BATCH_N	4

struct leaver {
	int fd;
	bool send;
	enum leave_path path;
	enum leave_why why;	/* the fault this waiter carries, if bad */
	bool bad;
	pthread_t tid;
	int done;
	int ret;		/* bytes, messages or -errno */
};

static void *leaver_thread(void *p)
{
	struct leaver *l = p;
	struct ipcchan_mbox_msg m[LEAVE_BATCH_N];
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .msgs = (uintptr_t)m, .count = 1,
		.msg_size = sizeof(m[0]),
	};
	char b[LEAVE_BATCH_N][16] = { "abc" };
	void *buf = b[0];
	unsigned int len = l->send ? 3 : sizeof(b[0]), i;
	long ret;

	if (l->bad && l->why == LEAVE_EFAULT)
		buf = bad_ptr;
	if (l->bad && l->why == LEAVE_EMSGSIZE)
		len = 1;
	for (i = 0; i < LEAVE_BATCH_N; i++)
		m[i] = (struct ipcchan_mbox_msg){
			.buf = (uintptr_t)(i ? b[i] : buf), .len = len };
	/* The other waiter of a send batch sends one: it must not block on. */
	if (l->path == LEAVE_BATCH && (l->bad || !l->send))
		x.count = LEAVE_BATCH_N;
	if (l->path == LEAVE_PEEK)
		x.flags = IPCCHAN_XFER_PEEK;
	if (l->path == LEAVE_RW)
		ret = l->send ? write(l->fd, buf, len) : read(l->fd, buf, len);
	else
		ret = ioctl(l->fd, l->send ? IPCCHAN_IOC_MBOX_SEND :
				   IPCCHAN_IOC_MBOX_RECV, &x);
	l->ret = ret < 0 ? -errno : ret;
	__atomic_store_n(&l->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* What the waiter that gets the message or the room returns. */
static int leaver_ok(const struct leaver *l)
{
	if (l->path == LEAVE_RW)
		return l->send ? 3 : 5;		/* the receive side gets "hello" */
	return 1;
}

/* Wait up to @ms for @l to return; 1 when it did. */
static int leaver_wait(struct leaver *l, unsigned int ms)
{
	unsigned int i;

	for (i = 0; i < ms / 5 && !__atomic_load_n(&l->done, __ATOMIC_SEQ_CST);
	     i++)
		msleep(5);
	return __atomic_load_n(&l->done, __ATOMIC_SEQ_CST);
}

/* Wait up to 5 s until @n waiters sleep on the side of @send. */
static unsigned int wait_blocked(int fd, bool send, unsigned int n)
{
	struct ipcchan_mbox_stats st = { 0 };
	unsigned int got = ~0U;
	int i;

	for (i = 0; i < 1000; i++) {
		if (mb_stats(fd, &st))
			return ~0U;
		got = send ? st.senders_blocked : st.receivers_blocked;
		if (got == n)
			break;
		msleep(5);
	}
	return got;
}

/* Wait up to 5 s until @b has returned or is the one waiter asleep. */
static bool leaver_settle(int fd, struct leaver *b)
{
	struct ipcchan_mbox_stats st;
	int i;

	for (i = 0; i < 1000; i++) {
		if (__atomic_load_n(&b->done, __ATOMIC_SEQ_CST))
			return true;
		if (mb_stats(fd, &st))
			return false;
		if ((b->send ? st.senders_blocked : st.receivers_blocked) == 1)
			return true;
		msleep(5);
	}
	return false;
}

FIXTURE(leave) {
	int rd, wr;
	struct leaver a, b;
};

FIXTURE_VARIANT(leave) {
	bool send;
	enum leave_path path;
	enum leave_why why;
};

#define LEAVE_SIDE_recv	false
#define LEAVE_SIDE_send	true
#define LEAVE_V(side, p, w)						\
	FIXTURE_VARIANT_ADD(leave, side##_##p##_##w) {			\
		.send = LEAVE_SIDE_##side, .path = LEAVE_##p,		\
		.why = LEAVE_##w,					\
	}

LEAVE_V(recv, RW, EMSGSIZE);
LEAVE_V(recv, ONE, EMSGSIZE);
LEAVE_V(recv, PEEK, EMSGSIZE);
LEAVE_V(recv, BATCH, EMSGSIZE);
LEAVE_V(recv, RW, EFAULT);
LEAVE_V(recv, ONE, EFAULT);
LEAVE_V(recv, PEEK, EFAULT);
LEAVE_V(recv, BATCH, EFAULT);
LEAVE_V(recv, RW, EPIPE);
LEAVE_V(recv, ONE, EPIPE);
LEAVE_V(recv, PEEK, EPIPE);
LEAVE_V(recv, BATCH, EPIPE);
LEAVE_V(recv, RW, SIGNAL);
LEAVE_V(recv, ONE, SIGNAL);
LEAVE_V(recv, PEEK, SIGNAL);
LEAVE_V(recv, BATCH, SIGNAL);
LEAVE_V(send, RW, EFAULT);
LEAVE_V(send, ONE, EFAULT);
LEAVE_V(send, BATCH, EFAULT);
LEAVE_V(send, RW, EPIPE);
LEAVE_V(send, ONE, EPIPE);
LEAVE_V(send, BATCH, EPIPE);
LEAVE_V(send, RW, SIGNAL);
LEAVE_V(send, ONE, SIGNAL);
LEAVE_V(send, BATCH, SIGNAL);

/*
 * A named mailbox with a read-only and a write-only fd, unlinked so that
 * closing one side hangs the other up; a sender test starts it full.
 */
FIXTURE_SETUP(leave)
{
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE |
			 IPCCHAN_OPEN_EXCL,
		.name = uniq("leave"), .mode = 0600, .msgsize = 16,
		.capacity = variant->send ? 1 : 4,
	};

	self->rd = mb_open(&o);
	ASSERT_LE(0, self->rd);
	o.flags = IPCCHAN_OPEN_WRITE;
	self->wr = mb_open(&o);
	ASSERT_LE(0, self->wr);
	ASSERT_EQ(0, mb_unlink(o.name));
	if (variant->send)
		ASSERT_EQ(1, write(self->wr, "f", 1));
	set_handler(SIGUSR1, 0);
}

FIXTURE_TEARDOWN(leave)
{
	signal(SIGUSR1, SIG_DFL);
	if (self->rd >= 0)
		close(self->rd);
	if (self->wr >= 0)
		close(self->wr);
}

static int leavers_done(FIXTURE_DATA(leave) *self)
{
	return __atomic_load_n(&self->a.done, __ATOMIC_SEQ_CST) +
	       __atomic_load_n(&self->b.done, __ATOMIC_SEQ_CST);
}

static void leaver_start(struct __test_metadata *_metadata, struct leaver *l,
			 int fd, const FIXTURE_VARIANT(leave) *v, bool bad)
{
	*l = (struct leaver){ .fd = fd, .send = v->send, .path = v->path,
			      .why = v->why, .bad = bad };
	ASSERT_EQ(0, pthread_create(&l->tid, NULL, leaver_thread, l));
}

/* Make one message or one slot appear: what wakes one waiter. */
static int leave_trigger(FIXTURE_DATA(leave) *self, bool send)
{
	char b[16];

	if (send)
		return read(self->rd, b, sizeof(b)) > 0 ? 0 : -1;
	return write(self->wr, "hello", 5) == 5 ? 0 : -1;
}

TEST_F_TIMEOUT(leave, wakeup_passed_on, 120)
{
	int fd = variant->send ? self->wr : self->rd, round, i, done;
	char c[16];

	leaver_start(_metadata, &self->a, fd, variant,
		     variant->why != LEAVE_SIGNAL);
	ASSERT_EQ(1, wait_blocked(self->rd, variant->send, 1));
	leaver_start(_metadata, &self->b, fd, variant, false);
	ASSERT_EQ(2, wait_blocked(self->rd, variant->send, 2));

	switch (variant->why) {
	case LEAVE_EMSGSIZE:
	case LEAVE_EFAULT:
		ASSERT_EQ(0, leave_trigger(self, variant->send));
		ASSERT_TRUE(leaver_wait(&self->a, 5000));
		EXPECT_EQ(variant->why == LEAVE_EFAULT ? -EFAULT : -EMSGSIZE,
			  self->a.ret);
		/* B is woken, though A took the only wakeup. */
		EXPECT_TRUE(leaver_wait(&self->b, 5000));
		EXPECT_EQ(leaver_ok(&self->b), self->b.ret);
		EXPECT_EQ(variant->send || variant->path == LEAVE_PEEK ? 1 : 0,
			  mb_depth(self->rd));
		break;
	case LEAVE_EPIPE:
		/* The last fd of the other side goes: both leave. */
		if (variant->send) {
			close(self->rd);
			self->rd = -1;
		} else {
			close(self->wr);
			self->wr = -1;
		}
		ASSERT_TRUE(leaver_wait(&self->a, 5000));
		ASSERT_TRUE(leaver_wait(&self->b, 5000));
		EXPECT_EQ(-EPIPE, self->a.ret);
		EXPECT_EQ(-EPIPE, self->b.ret);
		break;
	case LEAVE_SIGNAL:
		/*
		 * A signal and a wakeup race: A either takes what arrived
		 * or leaves with EINTR, and then B must take it. Several
		 * rounds, so that both orders happen.
		 */
		for (round = 0; round < 10; round++) {
			ASSERT_EQ(0, pthread_kill(self->a.tid, SIGUSR1));
			ASSERT_EQ(0, leave_trigger(self, variant->send));
			ASSERT_TRUE(leaver_wait(&self->a, 5000));
			pthread_join(self->a.tid, NULL);
			if (self->a.ret == -EINTR) {
				ASSERT_TRUE(leaver_wait(&self->b, 5000));
			} else {
				ASSERT_EQ(leaver_ok(&self->a), self->a.ret);
			}
			/* A peek leaves the message, which B may see too. */
			if (variant->path == LEAVE_PEEK)
				ASSERT_EQ(5, read(self->rd, c, sizeof(c)));
			/* Back to: nothing to take, A then B asleep. */
			ASSERT_TRUE(leaver_settle(self->rd, &self->b));
			if (__atomic_load_n(&self->b.done, __ATOMIC_SEQ_CST)) {
				pthread_join(self->b.tid, NULL);
				EXPECT_EQ(leaver_ok(&self->b), self->b.ret);
				leaver_start(_metadata, &self->b, fd, variant,
					     false);
			}
			ASSERT_EQ(1, wait_blocked(self->rd, variant->send, 1));
			leaver_start(_metadata, &self->a, fd, variant, false);
			ASSERT_EQ(2, wait_blocked(self->rd, variant->send, 2));
		}
		/* Let both go (a receive batch may take two at once). */
		for (round = 0; round < 2 && leavers_done(self) < 2; round++) {
			done = leavers_done(self);
			ASSERT_EQ(0, leave_trigger(self, variant->send));
			for (i = 0; i < 1000 && leavers_done(self) == done; i++)
				msleep(5);
			ASSERT_LT(done, leavers_done(self));
			if (leavers_done(self) < 2)
				ASSERT_TRUE(leaver_settle(self->rd,
					self->a.done ? &self->b : &self->a));
		}
		break;
	}
	pthread_join(self->a.tid, NULL);
	pthread_join(self->b.tid, NULL);
}

/* ------------------------------------------------------------------ */
/* Overflow policies and statistics                                    */
/* ------------------------------------------------------------------ */

TEST(drop_newest_counts)
{
	int fd = mb_anon(4, 8, IPCCHAN_MBOX_DROP_NEWEST), i;
	struct ipcchan_mbox_stats st;
	struct ipcchan_mbox_msg m;
	char b[8];

	ASSERT_LE(0, fd);
	for (i = 0; i < 10; i++) {
		snprintf(b, sizeof(b), "%d", i);
		ASSERT_EQ(1, write(fd, b, 1));
	}
	ASSERT_EQ(0, mb_stats(fd, &st));
	EXPECT_EQ(4, st.msgs_in);
	EXPECT_EQ(6, st.msgs_dropped);
	EXPECT_EQ(6, st.bytes_dropped);
	EXPECT_EQ(4, st.depth);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(1, mb_recv(fd, b, sizeof(b), 0, &m));
		EXPECT_EQ('0' + i, b[0]);
		EXPECT_EQ(i, m.seq);
		EXPECT_EQ(i ? 0 : 6, m.dropped);
	}
	close(fd);
}

TEST(drop_oldest_counts)
{
	int fd = mb_anon(4, 8, IPCCHAN_MBOX_DROP_OLDEST), i;
	struct ipcchan_mbox_stats st;
	struct ipcchan_mbox_msg m;
	char b[8];

	ASSERT_LE(0, fd);
	for (i = 0; i < 10; i++) {
		snprintf(b, sizeof(b), "%d", i);
		ASSERT_EQ(1, write(fd, b, 1));
	}
	ASSERT_EQ(0, mb_stats(fd, &st));
	EXPECT_EQ(10, st.msgs_in);
	EXPECT_EQ(6, st.msgs_dropped);
	EXPECT_EQ(4, st.depth);
	EXPECT_EQ(4, st.peak_depth);
	/* Peek reports the drops without consuming the report. */
	ASSERT_EQ(1, mb_recv(fd, b, sizeof(b), IPCCHAN_XFER_PEEK, &m));
	EXPECT_EQ(6, m.dropped);
	for (i = 6; i < 10; i++) {
		ASSERT_EQ(1, mb_recv(fd, b, sizeof(b), 0, &m));
		EXPECT_EQ('0' + i, b[0]);
		EXPECT_EQ(i, m.seq);
		EXPECT_EQ(i == 6 ? 6 : 0, m.dropped);
	}
	ASSERT_EQ(0, mb_stats(fd, &st));
	EXPECT_EQ(st.msgs_in, st.msgs_out + st.msgs_dropped + st.depth);
	close(fd);
}

TEST(drop_oldest_lowest_priority_first)
{
	int fd = mb_anon(3, 8, IPCCHAN_MBOX_DROP_OLDEST);
	struct ipcchan_mbox_msg m;
	char b[8] = "";

	ASSERT_LE(0, fd);
	ASSERT_EQ(1, mb_send(fd, "h1", 2, 9, 0));
	ASSERT_EQ(1, mb_send(fd, "l1", 2, 1, 0));
	ASSERT_EQ(1, mb_send(fd, "l2", 2, 1, 0));
	ASSERT_EQ(1, mb_send(fd, "h2", 2, 9, 0));	/* drops l1 */
	ASSERT_EQ(1, mb_send(fd, "h3", 2, 9, 0));	/* drops l2 */
	ASSERT_EQ(1, mb_send(fd, "h4", 2, 9, 0));	/* drops h1 */
	ASSERT_EQ(1, mb_recv(fd, b, sizeof(b), 0, &m));
	EXPECT_STREQ("h2", b);
	EXPECT_EQ(3, m.dropped);
	ASSERT_EQ(1, mb_recv(fd, b, sizeof(b), 0, &m));
	EXPECT_STREQ("h3", b);
	ASSERT_EQ(1, mb_recv(fd, b, sizeof(b), 0, &m));
	EXPECT_STREQ("h4", b);
	close(fd);
}

TEST(stats_and_histogram)
{
	int fd = mb_anon(16, 32, 0), i;
	struct ipcchan_mbox_stats st;
	uint64_t sum = 0;
	char b[32];

	ASSERT_LE(0, fd);
	for (i = 0; i < 10; i++)
		ASSERT_EQ(i, write(fd, b, i));
	for (i = 0; i < 6; i++)
		ASSERT_EQ(i, read(fd, b, sizeof(b)));
	ASSERT_EQ(0, mb_stats(fd, &st));
	EXPECT_EQ(sizeof(st), st.size);
	EXPECT_EQ(10, st.msgs_in);
	EXPECT_EQ(45, st.bytes_in);
	EXPECT_EQ(6, st.msgs_out);
	EXPECT_EQ(15, st.bytes_out);
	EXPECT_EQ(0, st.msgs_dropped);
	EXPECT_EQ(4, st.depth);
	EXPECT_EQ(10, st.peak_depth);
	EXPECT_EQ(0, st.senders_blocked);
	EXPECT_EQ(0, st.receivers_blocked);
	for (i = 0; i < IPCCHAN_MBOX_HIST_BUCKETS; i++)
		sum += st.residence_hist[i];
	EXPECT_EQ(6, sum);

	/* A message that waited ~80 ms lands in bucket 26: [67, 134) ms. */
	while (read(fd, b, sizeof(b)) >= 0 && mb_depth(fd))
		;
	ASSERT_EQ(1, write(fd, "w", 1));
	msleep(80);
	ASSERT_EQ(0, mb_stats(fd, &st));
	sum = st.residence_hist[26];
	ASSERT_EQ(1, read(fd, b, sizeof(b)));
	ASSERT_EQ(0, mb_stats(fd, &st));
	EXPECT_EQ(sum + 1, st.residence_hist[26]);
	close(fd);
}

/*
 * A batch receive that takes a message which arrived while it was copying
 * an earlier one files that message's residence from its own enqueue to
 * its own dequeue (the batch once read the clock once per call, before
 * its first copy, and filed such a message in bucket 0).
 *
 * The copy of the first message is held up by a userfaultfd page: the
 * second message is sent while the receiver waits there, and the fault is
 * resolved 20 ms later. Both messages then spent at least 20 ms queued:
 * bucket 24 ([16.7, 33.5) ms) or above, none below.
 */
struct uffd_hold {
	int uffd, fd;
	void *page;
	long page_size;
	const char *send;	/* what to send while the copy is held */
	int err;
};

static void *uffd_handler(void *p)
{
	struct uffd_hold *h = p;
	struct uffdio_copy copy;
	struct uffd_msg msg;
	struct pollfd pfd = { .fd = h->uffd, .events = POLLIN };
	static char src[65536] __attribute__((aligned(4096)));

	if (poll(&pfd, 1, 30000) != 1 ||
	    read(h->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		h->err = 1;
		return NULL;
	}
	/* The receiver is inside its first copy: send a message. */
	if (write(h->fd, h->send, strlen(h->send)) != (ssize_t)strlen(h->send))
		h->err = 2;
	msleep(20);
	copy = (struct uffdio_copy){
		.dst = (uintptr_t)h->page, .src = (uintptr_t)src,
		.len = h->page_size,
	};
	if (ioctl(h->uffd, UFFDIO_COPY, &copy))
		h->err = 3;
	return NULL;
}

/*
 * A page registered with userfaultfd, whose first touch waits for
 * uffd_handler(). Returns 0, or -1 with errno when the kernel has no
 * userfaultfd.
 */
static int uffd_hold_setup(struct __test_metadata *_metadata,
			   struct uffd_hold *h)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };

	h->page_size = sysconf(_SC_PAGESIZE);
	h->uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (h->uffd < 0)
		return -1;
	ASSERT_EQ(0, ioctl(h->uffd, UFFDIO_API, &api));
	h->page = mmap(NULL, h->page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, h->page);
	reg.range.start = (uintptr_t)h->page;
	reg.range.len = h->page_size;
	ASSERT_EQ(0, ioctl(h->uffd, UFFDIO_REGISTER, &reg));
	return 0;
}

TEST(batch_residence_per_message)
{
	struct ipcchan_mbox_stats st;
	struct ipcchan_mbox_msg m[2];
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .msgs = (uintptr_t)m, .count = 2,
		.msg_size = sizeof(m[0]),
	};
	struct uffd_hold h = { .send = "second" };
	uint64_t below = 0, total = 0;
	char second[16];
	pthread_t t;
	int i;

	if (uffd_hold_setup(_metadata, &h))
		SKIP(return, "no userfaultfd (%s): the kernel lacks CONFIG_USERFAULTFD",
		     strerror(errno));

	h.fd = mb_anon(8, 16, 0);
	ASSERT_LE(0, h.fd);
	ASSERT_EQ(5, write(h.fd, "first", 5));
	m[0] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)h.page, .len = 16 };
	m[1] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)second, .len = 16 };
	ASSERT_EQ(0, pthread_create(&t, NULL, uffd_handler, &h));
	ASSERT_EQ(2, ioctl(h.fd, IPCCHAN_IOC_MBOX_RECV, &x));
	pthread_join(t, NULL);
	ASSERT_EQ(0, h.err);
	EXPECT_EQ(0, memcmp(h.page, "first", 5));
	EXPECT_EQ(0, memcmp(second, "second", 6));
	EXPECT_LT(m[0].enqueue_ns, m[1].enqueue_ns);

	ASSERT_EQ(0, mb_stats(h.fd, &st));
	for (i = 0; i < IPCCHAN_MBOX_HIST_BUCKETS; i++) {
		total += st.residence_hist[i];
		if (i < 24)
			below += st.residence_hist[i];
	}
	EXPECT_EQ(2, total);
	EXPECT_EQ(0, below) TH_LOG("a message received in the batch was filed below 16 ms");
	close(h.fd);
	munmap(h.page, h.page_size);
	close(h.uffd);
}

/*
 * Under drop-oldest, a send into a full mailbox while a batch receive is
 * copying out its first message drops the oldest message the receive is
 * not copying, and keeps the new one: a receive under drop-oldest takes
 * one message at a time, so a batch spares only the message in its copy.
 */
TEST(drop_oldest_spares_only_the_message_being_copied)
{
	struct ipcchan_mbox_stats st;
	struct ipcchan_mbox_msg m[4];
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .msgs = (uintptr_t)m, .count = 4,
		.msg_size = sizeof(m[0]),
	};
	struct uffd_hold h = { .send = "new" };
	char out[3][8] = { "", "", "" };
	pthread_t t;
	int i;

	if (uffd_hold_setup(_metadata, &h))
		SKIP(return, "no userfaultfd (%s): the kernel lacks CONFIG_USERFAULTFD",
		     strerror(errno));

	h.fd = mb_anon(4, 8, IPCCHAN_MBOX_DROP_OLDEST);
	ASSERT_LE(0, h.fd);
	ASSERT_EQ(2, write(h.fd, "m0", 2));
	ASSERT_EQ(2, write(h.fd, "m1", 2));
	ASSERT_EQ(2, write(h.fd, "m2", 2));
	ASSERT_EQ(2, write(h.fd, "m3", 2));
	m[0] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)h.page, .len = 8 };
	for (i = 1; i < 4; i++)
		m[i] = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)out[i - 1],
						  .len = 8 };
	ASSERT_EQ(0, pthread_create(&t, NULL, uffd_handler, &h));
	ASSERT_EQ(4, ioctl(h.fd, IPCCHAN_IOC_MBOX_RECV, &x));
	pthread_join(t, NULL);
	ASSERT_EQ(0, h.err);
	EXPECT_EQ(0, memcmp(h.page, "m0", 2));
	EXPECT_STREQ("m2", out[0]);
	EXPECT_STREQ("m3", out[1]);
	EXPECT_STREQ("new", out[2]);
	EXPECT_EQ(1, m[1].dropped);
	ASSERT_EQ(0, mb_stats(h.fd, &st));
	EXPECT_EQ(1, st.msgs_dropped);
	EXPECT_EQ(0, st.depth);
	close(h.fd);
	munmap(h.page, h.page_size);
	close(h.uffd);
}

/* ------------------------------------------------------------------ */
/* Sharing and conservation                                            */
/* ------------------------------------------------------------------ */

TEST(fd_passing)
{
	int fd = mb_anon(4, 8, 0), sv[2], got;
	char cbuf[CMSG_SPACE(sizeof(int))], b[8];
	struct iovec iov = { "x", 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	ASSERT_EQ(1, sendmsg(sv[0], &mh, 0));
	close(fd);
	iov.iov_base = b;
	ASSERT_EQ(1, recvmsg(sv[1], &mh, 0));
	c = CMSG_FIRSTHDR(&mh);
	ASSERT_NE(NULL, c);
	memcpy(&got, CMSG_DATA(c), sizeof(int));
	ASSERT_EQ(3, write(got, "via", 3));
	EXPECT_EQ(3, read(got, b, sizeof(b)));
	close(got);
	close(sv[0]);
	close(sv[1]);
}

#define CONS_SENDERS	3
#define CONS_MSGS	2000

struct cons {
	int fd;
	unsigned int bad;
	unsigned int total;
	unsigned char seen[CONS_SENDERS][CONS_MSGS];
	pthread_mutex_t lock;
};

static void *cons_sender(void *p)
{
	struct cons *c = p;
	static int next_id;
	int id = __atomic_fetch_add(&next_id, 1, __ATOMIC_SEQ_CST);
	unsigned int i, v[2];

	for (i = 0; i < CONS_MSGS; i++) {
		v[0] = id;
		v[1] = i;
		if (mb_send(c->fd, v, sizeof(v), 0, 0) != 1)
			__atomic_fetch_add(&c->bad, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/*
 * Several receivers: each must see every sender's messages in increasing
 * order, and together they must see each message exactly once.
 */
static void *cons_receiver(void *p)
{
	int last[CONS_SENDERS] = { -1, -1, -1 };
	struct cons *c = p;
	struct ipcchan_mbox_msg m;
	unsigned int v[2];

	for (;;) {
		m = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)v,
					       .len = sizeof(v) };
		if (mb_xfer(c->fd, false, &m, IPCCHAN_XFER_TIMEOUT,
			    1000000000) != 1)
			return NULL;
		pthread_mutex_lock(&c->lock);
		if (m.len != sizeof(v) || v[0] >= CONS_SENDERS ||
		    v[1] >= CONS_MSGS || (int)v[1] <= last[v[0]] ||
		    c->seen[v[0]][v[1]]++)
			c->bad++;
		else
			last[v[0]] = v[1];
		c->total++;
		pthread_mutex_unlock(&c->lock);
	}
}

TEST(conservation_many_threads)
{
	struct cons c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct ipcchan_mbox_stats st;
	pthread_t s[CONS_SENDERS], r[2];
	int i;

	c.fd = mb_anon(16, 8, 0);
	ASSERT_LE(0, c.fd);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&r[i], NULL, cons_receiver, &c));
	for (i = 0; i < CONS_SENDERS; i++)
		ASSERT_EQ(0, pthread_create(&s[i], NULL, cons_sender, &c));
	for (i = 0; i < CONS_SENDERS; i++)
		pthread_join(s[i], NULL);
	for (i = 0; i < 2; i++)
		pthread_join(r[i], NULL);
	EXPECT_EQ(0, c.bad);
	EXPECT_EQ(CONS_SENDERS * CONS_MSGS, c.total);
	ASSERT_EQ(0, mb_stats(c.fd, &st));
	EXPECT_EQ(CONS_SENDERS * CONS_MSGS, st.msgs_in);
	EXPECT_EQ(CONS_SENDERS * CONS_MSGS, st.msgs_out);
	EXPECT_EQ(0, st.depth);
	close(c.fd);
}

/* ------------------------------------------------------------------ */
/* Rendezvous: capacity zero, a send returns once its message is taken */
/* ------------------------------------------------------------------ */

static int rdv_anon(void)
{
	return mb_anon(0, 64, IPCCHAN_MBOX_RENDEZVOUS);
}

/* Wait up to 20 s for the statistics field @field to read @want: 0 or -1. */
#define RDV_WAIT_STAT(fd, field, want) ({				\
	struct ipcchan_mbox_stats _st;					\
	int _i, _r = -1;						\
									\
	for (_i = 0; _i < 20000 && !mb_stats(fd, &_st); _i++) {	\
		if (_st.field == (want)) {				\
			_r = 0;						\
			break;						\
		}							\
		msleep(1);						\
	}								\
	_r;								\
})

struct rdv_recv {
	int fd;
	unsigned int delay_ms;	/* before receiving */
	unsigned int count;	/* messages to receive, one call each */
	unsigned int flags;	/* IPCCHAN_XFER_PEEK */
	int ret[4];
	char buf[4][64];
	struct ipcchan_mbox_msg m[4];
};

static void *rdv_receiver(void *arg)
{
	struct rdv_recv *r = arg;
	unsigned int i;

	msleep(r->delay_ms);
	for (i = 0; i < r->count && i < 4; i++)
		r->ret[i] = mb_recv(r->fd, r->buf[i], sizeof(r->buf[i]), r->flags,
				    &r->m[i]);
	return NULL;
}

TEST(rendezvous_create)
{
	struct ipcchan_info info = { .size = sizeof(info) };
	struct ipcchan_mbox_attr a;
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE,
		.policy = IPCCHAN_MBOX_RENDEZVOUS,
	};
	int dev = dev_fd(), fd;

	ASSERT_EQ(0, ioctl(dev, IPCCHAN_IOC_GET_INFO, &info));
	close(dev);
	EXPECT_TRUE(info.features & IPCCHAN_FEAT_RENDEZVOUS);

	fd = mb_open(&o);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mb_attr(fd, &a));
	EXPECT_EQ(0, a.capacity);	/* zero for real, not the default */
	EXPECT_EQ(IPCCHAN_MBOX_RENDEZVOUS, a.policy);
	EXPECT_EQ(1, a.send_lowat);
	EXPECT_EQ(0, a.depth);
	EXPECT_EQ(IPCCHAN_MBOX_DEFAULT_MSGSIZE, a.msgsize_max);
	close(fd);

	/* A capacity or a watermark has no meaning here. */
	o.capacity = 1;
	EXPECT_EQ(-EINVAL, mb_open(&o));
	o.capacity = 0;
	o.lowat = 1;
	EXPECT_EQ(-EINVAL, mb_open(&o));
}

/* Nobody to take it: EAGAIN at once, and nothing is left queued. */
TEST(rendezvous_nonblock_without_receiver)
{
	struct ipcchan_mbox_stats st;
	struct pollfd pfd;
	char buf[8];
	int fd = rdv_anon(), fl;

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EAGAIN, mb_send(fd, "a", 1, 0, IPCCHAN_XFER_NONBLOCK));
	fl = fcntl(fd, F_GETFL);
	ASSERT_EQ(0, fcntl(fd, F_SETFL, fl | O_NONBLOCK));
	EXPECT_EQ(-1, write(fd, "b", 1));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, fcntl(fd, F_SETFL, fl));

	pfd = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
	EXPECT_EQ(0, poll(&pfd, 1, 0));	/* neither readable nor writable */
	EXPECT_EQ(-EAGAIN, mb_recv(fd, buf, sizeof(buf), IPCCHAN_XFER_NONBLOCK, NULL));
	ASSERT_EQ(0, mb_stats(fd, &st));
	EXPECT_EQ(0, st.msgs_in);
	EXPECT_EQ(0, st.msgs_dropped);
	EXPECT_EQ(0, st.depth);
	close(fd);
}

/* A timed send nobody takes fails and withdraws its message. */
TEST(rendezvous_timeout_withdraws)
{
	struct ipcchan_mbox_msg m = { .buf = (uintptr_t)"late", .len = 4 };
	struct ipcchan_mbox_stats st;
	struct rdv_recv r = { .count = 1 };
	pthread_t t;
	uint64_t t0;
	int fd = rdv_anon();

	ASSERT_LE(0, fd);
	t0 = now_ns();
	EXPECT_EQ(-ETIMEDOUT, mb_xfer(fd, true, &m, IPCCHAN_XFER_TIMEOUT, 50000000));
	EXPECT_LE(50000000, now_ns() - t0);
	EXPECT_EQ(0, mb_depth(fd));
	EXPECT_EQ(-EAGAIN, mb_recv(fd, r.buf[0], 64, IPCCHAN_XFER_NONBLOCK, NULL));
	ASSERT_EQ(0, mb_stats(fd, &st));
	EXPECT_EQ(1, st.msgs_in);
	EXPECT_EQ(1, st.msgs_dropped);	/* withdrawn, never received */
	EXPECT_EQ(0, st.msgs_out);

	/* The next message tells the receiver about the gap. */
	r.fd = fd;
	ASSERT_EQ(0, pthread_create(&t, NULL, rdv_receiver, &r));
	EXPECT_EQ(1, mb_send(fd, "next", 4, 0, 0));
	pthread_join(t, NULL);
	EXPECT_EQ(1, r.ret[0]);
	EXPECT_EQ(0, memcmp(r.buf[0], "next", 4));
	EXPECT_EQ(1, r.m[0].seq);
	EXPECT_EQ(1, r.m[0].dropped);
	close(fd);
}

/* A blocking send returns only after a receiver has taken the message. */
TEST(rendezvous_handoff)
{
	struct rdv_recv r = { .delay_ms = 200, .count = 1 };
	struct ipcchan_mbox_stats st;
	pthread_t t;
	uint64_t t0;

	r.fd = rdv_anon();
	ASSERT_LE(0, r.fd);
	t0 = now_ns();
	ASSERT_EQ(0, pthread_create(&t, NULL, rdv_receiver, &r));
	EXPECT_EQ(5, write(r.fd, "hello", 5));
	/* Already received when write() returns, not merely queued. */
	ASSERT_EQ(0, mb_stats(r.fd, &st));
	EXPECT_EQ(1, st.msgs_out);
	EXPECT_EQ(0, st.depth);
	EXPECT_LE(1, st.sender_waits);
	EXPECT_LE(200000000, now_ns() - t0);
	pthread_join(t, NULL);
	EXPECT_EQ(1, r.ret[0]);
	EXPECT_EQ(5, r.m[0].len);
	EXPECT_EQ(0, memcmp(r.buf[0], "hello", 5));
	EXPECT_EQ(0, st.msgs_dropped);
	close(r.fd);
}

/* With a receiver blocked: EPOLLOUT, and a non-blocking send succeeds. */
TEST(rendezvous_nonblock_to_waiting_receiver)
{
	struct rdv_recv r = { .count = 1 };
	struct ipcchan_mbox_stats st;
	struct pollfd pfd;
	pthread_t t;

	r.fd = rdv_anon();
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, pthread_create(&t, NULL, rdv_receiver, &r));
	ASSERT_EQ(0, RDV_WAIT_STAT(r.fd, receivers_blocked, 1));
	pfd = (struct pollfd){ .fd = r.fd, .events = POLLOUT };
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents);
	EXPECT_EQ(1, mb_send(r.fd, "now", 3, 0, IPCCHAN_XFER_NONBLOCK));
	ASSERT_EQ(0, mb_stats(r.fd, &st));
	EXPECT_EQ(1, st.msgs_out);
	pthread_join(t, NULL);
	EXPECT_EQ(1, r.ret[0]);
	EXPECT_EQ(3, r.m[0].len);
	EXPECT_EQ(0, memcmp(r.buf[0], "now", 3));
	close(r.fd);
}

/* A peek does not take: the non-blocking sender is told EAGAIN. */
TEST(rendezvous_peek_does_not_take)
{
	struct rdv_recv r = { .count = 1, .flags = IPCCHAN_XFER_PEEK };
	struct ipcchan_mbox_stats st;
	pthread_t t;

	r.fd = rdv_anon();
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, pthread_create(&t, NULL, rdv_receiver, &r));
	ASSERT_EQ(0, RDV_WAIT_STAT(r.fd, receivers_blocked, 1));
	EXPECT_EQ(-EAGAIN, mb_send(r.fd, "peek", 4, 0, IPCCHAN_XFER_NONBLOCK));
	pthread_join(t, NULL);
	/* The peeker saw the offer, which was then withdrawn. */
	EXPECT_EQ(1, r.ret[0]);
	EXPECT_EQ(0, memcmp(r.buf[0], "peek", 4));
	EXPECT_EQ(0, mb_depth(r.fd));
	ASSERT_EQ(0, mb_stats(r.fd, &st));
	EXPECT_EQ(0, st.msgs_out);
	EXPECT_EQ(1, st.msgs_dropped);
	close(r.fd);
}

/* Senders take turns: one message is offered at a time. */
TEST(rendezvous_one_offer_at_a_time)
{
	struct rdv_recv r = { .delay_ms = 100, .count = 3 };
	struct ipcchan_mbox_stats st;
	pthread_t t;
	pid_t pid;

	r.fd = rdv_anon();
	ASSERT_LE(0, r.fd);
	pid = sender_child(r.fd, 0, 2);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, RDV_WAIT_STAT(r.fd, senders_blocked, 1));
	ASSERT_EQ(0, pthread_create(&t, NULL, rdv_receiver, &r));
	EXPECT_EQ(1, write(r.fd, "p", 1));
	EXPECT_EQ(0, reap(pid));
	pthread_join(t, NULL);
	EXPECT_EQ(1, r.ret[0]);
	EXPECT_EQ(2, r.m[0].len);
	EXPECT_EQ(0, memcmp(r.buf[0], "c0", 2));
	ASSERT_EQ(0, mb_stats(r.fd, &st));
	EXPECT_EQ(1, st.peak_depth);
	EXPECT_EQ(3, st.msgs_out);
	close(r.fd);
}

/* A batch sends one message at a time and counts the ones taken. */
TEST(rendezvous_batch)
{
	struct rdv_recv r = { .delay_ms = 50, .count = 2 };
	struct ipcchan_mbox_msg m[3];
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .msgs = (uintptr_t)m, .count = 3,
		.msg_size = sizeof(m[0]), .flags = IPCCHAN_XFER_TIMEOUT,
		.timeout_ns = 1500000000,
	};
	static const char *const txt[] = { "one", "two", "three" };
	struct ipcchan_mbox_stats st;
	pthread_t t;
	int i;

	r.fd = rdv_anon();
	ASSERT_LE(0, r.fd);
	for (i = 0; i < 3; i++)
		m[i] = (struct ipcchan_mbox_msg){
			.buf = (uintptr_t)txt[i], .len = strlen(txt[i]),
		};
	ASSERT_EQ(0, pthread_create(&t, NULL, rdv_receiver, &r));
	/* Two are taken, the third times out and is withdrawn. */
	EXPECT_EQ(2, ioctl(r.fd, IPCCHAN_IOC_MBOX_SEND, &x));
	pthread_join(t, NULL);
	EXPECT_EQ(0, memcmp(r.buf[0], "one", 3));
	EXPECT_EQ(0, memcmp(r.buf[1], "two", 3));
	ASSERT_EQ(0, mb_stats(r.fd, &st));
	EXPECT_EQ(2, st.msgs_out);
	EXPECT_EQ(1, st.msgs_dropped);
	EXPECT_EQ(0, st.depth);
	close(r.fd);
}

/* A signal ends the wait: EINTR, and the message is withdrawn. */
TEST(rendezvous_signal_withdraws)
{
	int fd = rdv_anon();

	ASSERT_LE(0, fd);
	set_handler(SIGALRM, 0);
	arm_alarm_ms(100);
	EXPECT_EQ(-1, write(fd, "sig", 3));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(0, mb_depth(fd));
	close(fd);
}

/* The only reader goes away: the offering sender gets EPIPE. */
TEST(rendezvous_peer_exit)
{
	struct mb_opts o = {
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL,
		.name = uniq("rdv-exit"), .policy = IPCCHAN_MBOX_RENDEZVOUS,
		.mode = 0600,
	};
	struct ipcchan_mbox_stats st;
	int rfd, wfd;
	pid_t pid;

	rfd = mb_open(&o);
	ASSERT_LE(0, rfd);
	o.flags = IPCCHAN_OPEN_WRITE;
	wfd = mb_open(&o);
	ASSERT_LE(0, wfd);
	ASSERT_EQ(0, mb_unlink(o.name));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Hold the only reader until the sender waits, then exit. */
		close(wfd);
		_exit(RDV_WAIT_STAT(rfd, senders_blocked, 1) ? 1 : 0);
	}
	close(rfd);
	EXPECT_EQ(-1, write(wfd, "bye", 3));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(0, reap(pid));
	ASSERT_EQ(0, mb_stats(wfd, &st));
	EXPECT_EQ(0, st.depth);
	EXPECT_EQ(1, st.msgs_dropped);
	close(wfd);
}

TEST_HARNESS_MAIN
