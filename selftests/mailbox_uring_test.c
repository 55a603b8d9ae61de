// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring on mailbox fds (read_iter/write_iter), through the raw
 * io_uring_setup/io_uring_enter system calls and the mmapped rings, no
 * liburing: READ/WRITE and READV/WRITEV keep message boundaries, a read
 * on an empty mailbox waits until a message arrives, a write to a full
 * one waits for room, a too-short buffer completes with EMSGSIZE and
 * leaves the message queued, IOSQE_ASYNC (the io-wq worker) completes,
 * and RWF_NOWAIT (IOCB_NOWAIT, allowed because mailbox files carry
 * FMODE_NOWAIT) gives EAGAIN on an empty mailbox.
 *
 * Every test skips, with the reason, when io_uring is not available:
 * ENOSYS (not built) or kernel.io_uring_disabled.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/fs.h>
#include <linux/io_uring.h>
#include <linux/ipcchan.h>

#include "kselftest_harness.h"

#define ENTRIES	8

/* One io_uring instance: the three mappings and the ring indexes in them. */
struct uring {
	int fd;
	unsigned int *sq_head, *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	void *sq_map, *cq_map;
	size_t sq_len, cq_len, sqes_len;
};

/* 0, or why io_uring cannot be used here (in @why). */
static int uring_init(struct uring *u, char *why, size_t wlen)
{
	struct io_uring_params p;
	char *sq, *cq;
	FILE *f;
	int v;

	memset(&p, 0, sizeof(p));
	memset(u, 0, sizeof(*u));
	u->fd = syscall(__NR_io_uring_setup, ENTRIES, &p);
	if (u->fd < 0) {
		int err = errno;

		snprintf(why, wlen, "io_uring_setup: %s", strerror(err));
		f = fopen("/proc/sys/kernel/io_uring_disabled", "r");
		if (f) {
			if (fscanf(f, "%d", &v) == 1 && v)
				snprintf(why, wlen,
					 "io_uring disabled (sysctl kernel.io_uring_disabled=%d)",
					 v);
			fclose(f);
		}
		if (err == ENOSYS)
			snprintf(why, wlen, "io_uring not in this kernel (ENOSYS)");
		return -1;
	}
	u->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	u->cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (u->cq_len > u->sq_len)
			u->sq_len = u->cq_len;
		u->cq_len = u->sq_len;
	}
	u->sq_map = mmap(NULL, u->sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			 u->fd, IORING_OFF_SQ_RING);
	if (u->sq_map == MAP_FAILED)
		goto fail;
	u->cq_map = u->sq_map;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		u->cq_map = mmap(NULL, u->cq_len, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_CQ_RING);
		if (u->cq_map == MAP_FAILED)
			goto fail;
	}
	u->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	u->sqes = mmap(NULL, u->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       u->fd, IORING_OFF_SQES);
	if (u->sqes == MAP_FAILED)
		goto fail;
	sq = u->sq_map;
	cq = u->cq_map;
	u->sq_head = (unsigned int *)(sq + p.sq_off.head);
	u->sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	u->sq_mask = (unsigned int *)(sq + p.sq_off.ring_mask);
	u->sq_array = (unsigned int *)(sq + p.sq_off.array);
	u->cq_head = (unsigned int *)(cq + p.cq_off.head);
	u->cq_tail = (unsigned int *)(cq + p.cq_off.tail);
	u->cq_mask = (unsigned int *)(cq + p.cq_off.ring_mask);
	u->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
fail:
	snprintf(why, wlen, "mmap of the io_uring rings: %s", strerror(errno));
	close(u->fd);
	return -1;
}

static void uring_exit(struct uring *u)
{
	munmap(u->sqes, u->sqes_len);
	if (u->cq_map != u->sq_map)
		munmap(u->cq_map, u->cq_len);
	munmap(u->sq_map, u->sq_len);
	close(u->fd);
}

/*
 * Queue one read/write-style request and submit it. Returns what
 * io_uring_enter returns (1 when the request was consumed).
 */
static int uring_submit(struct uring *u, int op, int fd, void *addr,
			unsigned int len, unsigned int sqe_flags,
			unsigned int rw_flags, uint64_t user_data)
{
	unsigned int tail = *u->sq_tail, idx = tail & *u->sq_mask;
	struct io_uring_sqe *sqe = &u->sqes[idx];

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = (uintptr_t)addr;
	sqe->len = len;
	sqe->off = -1;			/* the file position; a mailbox has none */
	sqe->flags = sqe_flags;
	sqe->rw_flags = rw_flags;
	sqe->user_data = user_data;
	u->sq_array[idx] = idx;
	__atomic_store_n(u->sq_tail, tail + 1, __ATOMIC_RELEASE);
	return syscall(__NR_io_uring_enter, u->fd, 1, 0, 0, NULL, 0);
}

/* Take one completion if there is one: 1, or 0 when the queue is empty. */
static int uring_peek(struct uring *u, struct io_uring_cqe *out)
{
	unsigned int head = *u->cq_head;

	if (head == __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE))
		return 0;
	*out = u->cqes[head & *u->cq_mask];
	__atomic_store_n(u->cq_head, head + 1, __ATOMIC_RELEASE);
	return 1;
}

/* Wait for one completion (the harness's timeout bounds the wait). */
static int uring_wait(struct uring *u, struct io_uring_cqe *out)
{
	while (!uring_peek(u, out))
		if (syscall(__NR_io_uring_enter, u->fd, 0, 1, IORING_ENTER_GETEVENTS,
			    NULL, 0) < 0 && errno != EINTR)
			return -1;
	return 0;
}

/* Let task work run, then report whether a completion arrived. */
static int uring_settle_peek(struct uring *u, struct io_uring_cqe *out)
{
	usleep(200 * 1000);
	syscall(__NR_io_uring_enter, u->fd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
	return uring_peek(u, out);
}

/* An anonymous mailbox, read-write; returns the fd or -1. */
static int mbox(unsigned int capacity, unsigned int msgsize)
{
	struct ipcchan_mbox_open op = {
		.size = sizeof(op),
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE,
		.capacity = capacity,
		.msgsize_max = msgsize,
	};
	int dev = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC), fd;

	if (dev < 0)
		return -1;
	fd = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
	close(dev);
	return fd;
}

static unsigned int depth(int fd)
{
	struct ipcchan_mbox_stats st = { .size = sizeof(st) };

	if (ioctl(fd, IPCCHAN_IOC_MBOX_GET_STATS, &st) < 0)
		return ~0u;
	return st.depth;
}

/* Fork a child that sleeps @ms, write()s @msg to @fd and exits. */
static pid_t write_later(int fd, const char *msg, int ms)
{
	pid_t pid = fork();

	if (pid == 0) {
		usleep(ms * 1000);
		_exit(write(fd, msg, strlen(msg)) == (ssize_t)strlen(msg) ? 0 : 1);
	}
	return pid;
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

FIXTURE(uring) {
	struct uring u;
	int fd;
};

FIXTURE_SETUP(uring)
{
	char why[128];

	self->fd = -1;
	self->u.fd = -1;
	if (uring_init(&self->u, why, sizeof(why)) < 0)
		SKIP(return, "%s", why);
	self->fd = mbox(4, 256);
	ASSERT_LE(0, self->fd) TH_LOG("MBOX_OPEN: %s", strerror(errno));
}

FIXTURE_TEARDOWN(uring)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->u.fd >= 0)
		uring_exit(&self->u);
}

/* WRITE sends one message, READ returns exactly that message. */
TEST_F(uring, write_then_read)
{
	struct io_uring_cqe c;
	char buf[256];

	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_WRITE, self->fd, "hello", 5, 0, 0, 1));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	EXPECT_EQ(1, c.user_data);
	EXPECT_EQ(5, c.res);
	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_WRITE, self->fd, "world!", 6, 0, 0, 2));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	EXPECT_EQ(6, c.res);
	EXPECT_EQ(2, depth(self->fd));

	/* Two reads with big buffers: one message each, boundaries kept. */
	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_READ, self->fd, buf, sizeof(buf), 0, 0, 3));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	EXPECT_EQ(3, c.user_data);
	ASSERT_EQ(5, c.res);
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_READ, self->fd, buf, sizeof(buf), 0, 0, 4));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	ASSERT_EQ(6, c.res);
	EXPECT_EQ(0, memcmp(buf, "world!", 6));
	EXPECT_EQ(0, depth(self->fd));
}

/* WRITEV gathers its iovecs into one message; READV scatters one message. */
TEST_F(uring, writev_then_readv)
{
	char a[4], b[8], c2[64];
	struct iovec out[3] = {
		{ "abc", 3 }, { "", 0 }, { "defgh", 5 },
	};
	struct iovec in[3] = {
		{ a, sizeof(a) }, { b, sizeof(b) }, { c2, sizeof(c2) },
	};
	struct io_uring_cqe c;

	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_WRITEV, self->fd, out, 3, 0, 0, 1));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	EXPECT_EQ(8, c.res);
	EXPECT_EQ(1, depth(self->fd));
	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_WRITE, self->fd, "next", 4, 0, 0, 2));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	EXPECT_EQ(4, c.res);

	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_READV, self->fd, in, 3, 0, 0, 3));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	ASSERT_EQ(8, c.res);
	EXPECT_EQ(0, memcmp(a, "abcd", 4));
	EXPECT_EQ(0, memcmp(b, "efgh", 4));
	/* The second message was not merged into the first read. */
	EXPECT_EQ(1, depth(self->fd));
	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_READV, self->fd, in, 3, 0, 0, 4));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	ASSERT_EQ(4, c.res);
	EXPECT_EQ(0, memcmp(a, "next", 4));
}

/* A READ on an empty mailbox completes only when a message arrives. */
TEST_F(uring, read_waits_for_message)
{
	struct io_uring_cqe c;
	char buf[64] = { 0 };
	pid_t pid;

	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_READ, self->fd, buf, sizeof(buf), 0, 0, 7));
	EXPECT_EQ(0, uring_settle_peek(&self->u, &c)) TH_LOG("completed early: res %d", c.res);
	pid = write_later(self->fd, "late", 300);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	EXPECT_EQ(7, c.user_data);
	ASSERT_EQ(4, c.res);
	EXPECT_EQ(0, memcmp(buf, "late", 4));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, depth(self->fd));
}

/* A WRITE to a full (blocking-policy) mailbox completes when room appears. */
TEST_F(uring, write_waits_for_room)
{
	struct io_uring_cqe c;
	char buf[64];
	int i;

	for (i = 0; i < 4; i++)
		ASSERT_EQ(1, write(self->fd, "x", 1));
	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_WRITE, self->fd, "fifth", 5, 0, 0, 9));
	EXPECT_EQ(0, uring_settle_peek(&self->u, &c)) TH_LOG("completed early: res %d", c.res);
	EXPECT_EQ(4, depth(self->fd));
	ASSERT_EQ(1, read(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	EXPECT_EQ(9, c.user_data);
	EXPECT_EQ(5, c.res);
	EXPECT_EQ(4, depth(self->fd));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(1, read(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(5, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "fifth", 5));
}

/* A buffer shorter than the message: EMSGSIZE, and the message stays. */
TEST_F(uring, short_buffer_emsgsize)
{
	struct io_uring_cqe c;
	char small[4], buf[64];
	struct iovec iov[2] = { { small, 2 }, { small + 2, 2 } };

	ASSERT_EQ(10, write(self->fd, "0123456789", 10));
	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_READ, self->fd, small, sizeof(small),
				  0, 0, 1));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	EXPECT_EQ(-EMSGSIZE, c.res);
	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_READV, self->fd, iov, 2, 0, 0, 2));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	EXPECT_EQ(-EMSGSIZE, c.res);
	EXPECT_EQ(1, depth(self->fd));
	ASSERT_EQ(10, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "0123456789", 10));
}

/*
 * IOSQE_ASYNC: issued from an io-wq worker instead of inline. A read that
 * must wait and a write both complete.
 */
TEST_F(uring, async_worker_completes)
{
	struct io_uring_cqe c;
	char buf[64] = { 0 };
	pid_t pid;

	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_READ, self->fd, buf, sizeof(buf),
				  IOSQE_ASYNC, 0, 1));
	EXPECT_EQ(0, uring_settle_peek(&self->u, &c)) TH_LOG("completed early: res %d", c.res);
	pid = write_later(self->fd, "from-child", 100);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	ASSERT_EQ(10, c.res);
	EXPECT_EQ(0, memcmp(buf, "from-child", 10));
	EXPECT_EQ(0, reap(pid));

	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_WRITE, self->fd, "async", 5,
				  IOSQE_ASYNC, 0, 2));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	EXPECT_EQ(5, c.res);
	ASSERT_EQ(5, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "async", 5));
}

/*
 * RWF_NOWAIT sets IOCB_NOWAIT, which the kernel allows only on files with
 * FMODE_NOWAIT (else EOPNOTSUPP): on an empty mailbox the read ends with
 * EAGAIN instead of waiting; with a message queued it succeeds; on a full
 * mailbox the write ends with EAGAIN.
 */
TEST_F(uring, rwf_nowait)
{
	struct io_uring_cqe c;
	char buf[64];
	int i;

	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_READ, self->fd, buf, sizeof(buf),
				  0, RWF_NOWAIT, 1));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	EXPECT_EQ(-EAGAIN, c.res);
	ASSERT_EQ(2, write(self->fd, "ok", 2));
	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_READ, self->fd, buf, sizeof(buf),
				  0, RWF_NOWAIT, 2));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	ASSERT_EQ(2, c.res);
	EXPECT_EQ(0, memcmp(buf, "ok", 2));

	for (i = 0; i < 4; i++)
		ASSERT_EQ(1, write(self->fd, "x", 1));
	ASSERT_EQ(1, uring_submit(&self->u, IORING_OP_WRITE, self->fd, "y", 1,
				  0, RWF_NOWAIT, 3));
	ASSERT_EQ(0, uring_wait(&self->u, &c));
	EXPECT_EQ(-EAGAIN, c.res);
	EXPECT_EQ(4, depth(self->fd));
}

TEST_HARNESS_MAIN
