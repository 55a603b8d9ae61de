// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/self/fdinfo/N of mailbox and ring fds: every value the kernel
 * shows there is checked against what GET_ATTR, GET_STATS and GET_INFO
 * return for the same fd at the same moment (nothing moves in between:
 * the test is the only user of its objects).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "kselftest_harness.h"

/* The value of "@key:\t" in /proc/self/fdinfo/@fd into @val, or -1. */
static int fdinfo(int fd, const char *key, char *val, size_t len)
{
	char path[64], buf[4096], *p;
	size_t klen = strlen(key);
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	if (f < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, klen) || p[klen] != ':' || p[klen + 1] != '\t')
			continue;
		p += klen + 2;
		snprintf(val, len, "%.*s", (int)strcspn(p, "\n"), p);
		return 0;
	}
	return -1;
}

/* A numeric fdinfo value; fails the test if the key is missing. */
#define FDI(fd, key) ({							\
	char __v[64] = "";						\
	ASSERT_EQ(0, fdinfo(fd, key, __v, sizeof(__v)))			\
		TH_LOG("no '%s' in fdinfo of fd %d", key, fd);		\
	strtoull(__v, NULL, 0);						\
})

#define FDI_STR(fd, key, out) \
	ASSERT_EQ(0, fdinfo(fd, key, out, sizeof(out))) TH_LOG("no '%s'", key)

static int mb_new(unsigned int flags, unsigned int capacity,
		  unsigned int policy)
{
	struct ipcchan_mbox_open op = {
		.size = sizeof(op), .mode = 0600,
		.flags = flags | IPCCHAN_OPEN_CREATE,
		.capacity = capacity, .msgsize_max = 200, .policy = policy,
		.send_lowat = capacity >= 3 ? 3 : 0,
	};
	int dev = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC), fd;

	if (dev < 0)
		return -errno;
	fd = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
	fd = fd < 0 ? -errno : fd;
	close(dev);
	return fd;
}

static void mb_get(int fd, struct ipcchan_mbox_attr *a,
		   struct ipcchan_mbox_stats *st)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	if (ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, a) ||
	    ioctl(fd, IPCCHAN_IOC_MBOX_GET_STATS, st))
		memset(a, 0xff, sizeof(*a));
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Every mailbox line against GET_ATTR and GET_STATS. */
static void check_mbox(struct __test_metadata *_metadata, int fd,
		       const char *role)
{
	static const char *const policies[] = {
		"block", "drop-newest", "drop-oldest",
	};
	struct ipcchan_mbox_stats st;
	struct ipcchan_mbox_attr a;
	char s[64];

	mb_get(fd, &a, &st);
	ASSERT_LT(a.policy, 3);
	FDI_STR(fd, "type", s);
	EXPECT_STREQ("mailbox", s);
	FDI_STR(fd, "role", s);
	EXPECT_STREQ(role, s);
	FDI_STR(fd, "policy", s);
	EXPECT_STREQ(policies[a.policy], s);
	EXPECT_EQ(a.id, FDI(fd, "id"));
	EXPECT_EQ(!!(a.attr_flags & IPCCHAN_MBOX_ATTR_NAMED), FDI(fd, "named"));
	EXPECT_EQ(a.capacity, FDI(fd, "capacity"));
	EXPECT_EQ(a.msgsize_max, FDI(fd, "msgsize_max"));
	EXPECT_EQ(a.send_lowat, FDI(fd, "send_lowat"));
	EXPECT_EQ(a.reserved_bytes, FDI(fd, "reserved_bytes"));
	EXPECT_EQ(a.depth, FDI(fd, "depth"));
	EXPECT_EQ(st.depth, FDI(fd, "depth"));
	EXPECT_EQ(st.peak_depth, FDI(fd, "peak_depth"));
	EXPECT_EQ(st.senders_blocked, FDI(fd, "senders_blocked"));
	EXPECT_EQ(st.receivers_blocked, FDI(fd, "receivers_blocked"));
	EXPECT_EQ(st.msgs_in, FDI(fd, "msgs_in"));
	EXPECT_EQ(st.msgs_out, FDI(fd, "msgs_out"));
	EXPECT_EQ(st.msgs_dropped, FDI(fd, "msgs_dropped"));
}

FIXTURE(mbox) {
	int fd;
};

FIXTURE_VARIANT(mbox) {
	unsigned int policy;
};

FIXTURE_VARIANT_ADD(mbox, block) { .policy = IPCCHAN_MBOX_BLOCK };
FIXTURE_VARIANT_ADD(mbox, drop_newest) { .policy = IPCCHAN_MBOX_DROP_NEWEST };
FIXTURE_VARIANT_ADD(mbox, drop_oldest) { .policy = IPCCHAN_MBOX_DROP_OLDEST };

FIXTURE_SETUP(mbox)
{
	self->fd = mb_new(IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
			  IPCCHAN_OPEN_NONBLOCK, 4, variant->policy);
	if (self->fd == -ENOENT)
		SKIP(return, "%s missing: module not loaded", IPCCHAN_DEVICE_PATH);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(mbox)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Empty, then three queued, then one received, then six sent into four
 * slots (drops or EAGAIN by policy): the fdinfo follows each state.
 */
TEST_F(mbox, follows_state)
{
	char buf[200];
	int i;

	check_mbox(_metadata, self->fd, "read-write");
	EXPECT_EQ(0, FDI(self->fd, "depth"));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(5, write(self->fd, "hello", 5));
	check_mbox(_metadata, self->fd, "read-write");
	EXPECT_EQ(3, FDI(self->fd, "depth"));
	ASSERT_EQ(5, read(self->fd, buf, sizeof(buf)));
	check_mbox(_metadata, self->fd, "read-write");
	EXPECT_EQ(2, FDI(self->fd, "depth"));
	EXPECT_EQ(3, FDI(self->fd, "peak_depth"));
	for (i = 0; i < 6; i++)
		write(self->fd, "x", 1);
	check_mbox(_metadata, self->fd, "read-write");
	EXPECT_EQ(4, FDI(self->fd, "depth"));
	EXPECT_EQ(variant->policy == IPCCHAN_MBOX_BLOCK ? 0 : 4,
		  FDI(self->fd, "msgs_dropped"));
}

/* Read-only and write-only fds say so. */
TEST(mbox_roles)
{
	int r = mb_new(IPCCHAN_OPEN_READ, 2, IPCCHAN_MBOX_BLOCK);
	int w = mb_new(IPCCHAN_OPEN_WRITE, 2, IPCCHAN_MBOX_BLOCK);

	if (r == -ENOENT)
		SKIP(return, "module not loaded");
	ASSERT_LE(0, r);
	ASSERT_LE(0, w);
	check_mbox(_metadata, r, "read");
	check_mbox(_metadata, w, "write");
	close(r);
	close(w);
}

/* The numeric value of @key, or ~0 when missing: never fails the test. */
static unsigned long long fdinfo_num(int fd, const char *key)
{
	char v[64];

	return fdinfo(fd, key, v, sizeof(v)) ? ~0ULL : strtoull(v, NULL, 0);
}

/*
 * A sender asleep on a full mailbox shows as senders_blocked 1. The
 * sender is released before anything is asserted, so a failure leaves
 * no task blocked on the mailbox.
 */
TEST(mbox_blocked_sender)
{
	int fd = mb_new(IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE, 1,
			IPCCHAN_MBOX_BLOCK);
	unsigned long long blocked = 0;
	uint64_t end;
	char buf[8];
	pid_t pid;
	int status;

	if (fd == -ENOENT)
		SKIP(return, "module not loaded");
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(fd, "a", 1));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(write(fd, "b", 1) == 1 ? 0 : 1);
	for (end = now_ns() + 30000000000ULL; now_ns() < end; usleep(1000)) {
		blocked = fdinfo_num(fd, "senders_blocked");
		if (blocked == 1)
			break;
	}
	ASSERT_EQ(1, read(fd, buf, sizeof(buf)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(1, blocked);
	EXPECT_EQ(0, status);
	check_mbox(_metadata, fd, "read-write");
	EXPECT_EQ(0, FDI(fd, "senders_blocked"));
	close(fd);
}

/* Every ring line against GET_INFO and GET_STATS. */
static void check_ring(struct __test_metadata *_metadata, int fd)
{
	static const char *const roles[] = {
		"", "producer", "consumer", "observer",
	};
	struct ipcchan_ring_info ri = { .size = sizeof(ri) };
	struct ipcchan_ring_stats st = { .size = sizeof(st) };
	char s[64];

	ASSERT_EQ(0, ioctl(fd, IPCCHAN_IOC_RING_GET_INFO, &ri));
	ASSERT_EQ(0, ioctl(fd, IPCCHAN_IOC_RING_GET_STATS, &st));
	ASSERT_LE(1, ri.role);
	ASSERT_GE(3, ri.role);
	FDI_STR(fd, "type", s);
	EXPECT_STREQ("ring", s);
	FDI_STR(fd, "role", s);
	EXPECT_STREQ(roles[ri.role], s);
	EXPECT_EQ(ri.id, FDI(fd, "id"));
	EXPECT_EQ(ri.ring_flags, FDI(fd, "ring_flags"));
	EXPECT_EQ(ri.nr_pages, FDI(fd, "nr_pages"));
	EXPECT_EQ(ri.off.data_size, FDI(fd, "data_size"));
	EXPECT_LE((uint64_t)ri.nr_pages * getpagesize(), FDI(fd, "reserved_bytes"));
	EXPECT_EQ(st.producer_pos, FDI(fd, "producer_pos"));
	EXPECT_EQ(st.consumer_pos, FDI(fd, "consumer_pos"));
	EXPECT_EQ(st.producer_pos - st.consumer_pos, FDI(fd, "used"));
	EXPECT_EQ(st.producers, FDI(fd, "producers"));
	EXPECT_EQ(st.consumers, FDI(fd, "consumers"));
	EXPECT_EQ(st.producer_kicks, FDI(fd, "producer_kicks"));
	EXPECT_EQ(st.consumer_kicks, FDI(fd, "consumer_kicks"));
	EXPECT_EQ(st.waits, FDI(fd, "waits"));
}

/*
 * A kernel-producer ring: its producer and consumer fds before and after
 * records and a kick, and the consumer alone once the producer closed.
 */
TEST(ring_fds)
{
	struct ipcchan_ring_open op = {
		.size = sizeof(op), .mode = 0600, .nr_pages = 2,
		.flags = IPCCHAN_OPEN_CREATE, .role = IPCCHAN_RING_PRODUCER,
		.ring_flags = IPCCHAN_RING_KERNEL_PRODUCER,
	};
	int dev, pfd, cfd;

	dev = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		SKIP(return, "%s: %s", IPCCHAN_DEVICE_PATH, strerror(errno));
	pfd = ioctl(dev, IPCCHAN_IOC_RING_OPEN, &op);
	close(dev);
	ASSERT_LE(0, pfd);
	cfd = op.peer_fd;
	check_ring(_metadata, pfd);
	check_ring(_metadata, cfd);
	EXPECT_EQ(0, FDI(pfd, "used"));
	EXPECT_EQ(IPCCHAN_RING_KERNEL_PRODUCER, FDI(pfd, "ring_flags"));

	ASSERT_EQ(10, write(pfd, "0123456789", 10));
	ASSERT_EQ(3, write(pfd, "abc", 3));
	ASSERT_EQ(0, ioctl(cfd, IPCCHAN_IOC_RING_KICK, 0));
	check_ring(_metadata, pfd);
	check_ring(_metadata, cfd);
	EXPECT_LT(13, FDI(cfd, "used"));
	EXPECT_EQ(1, FDI(cfd, "consumer_kicks"));
	close(pfd);
	check_ring(_metadata, cfd);
	EXPECT_EQ(0, FDI(cfd, "producers"));
	close(cfd);
}

TEST_HARNESS_MAIN
