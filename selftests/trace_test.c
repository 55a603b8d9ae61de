// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoints (kmod/trace.h) through tracefs, as a person would use
 * them: each test makes its own tracefs instance, enables ipcchan events
 * filtered to its object, drives the object and parses the events back:
 * N sends give N enqueue events with consecutive sequence numbers and
 * rising depth, receives give dequeue events with the residence time,
 * overflow gives drop events naming the policy, a blocked receiver gives
 * wait begin, wake and wait end, and a ring gives kick, wait and wake.
 *
 * tracefs is mounted at /sys/kernel/tracing if it is not there; a kernel
 * without it makes every test SKIP with the reason. (The debug kernel has
 * event tracing too, so the tests run there as well.)
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "kselftest_harness.h"
#include "test_util.h"



struct tracefs {
	char dir[128];		/* the instance */
	char why[320];		/* why there is none */
};

static inline int tfs_write(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fputs(val, f) < 0)
		ret = -EIO;
	if (fclose(f))
		ret = -errno;
	return ret;
}

/*
 * The tracefs root, mounted if need be: the stock guests mount only
 * debugfs. Returns NULL with @why set when the kernel has no tracefs or
 * no ipcchan events (module built without CONFIG_TRACEPOINTS).
 */
static inline const char *tfs_root(char *why, size_t len)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[160];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events", roots[i]);
		if (access(path, F_OK) && i == 0 &&
		    mount("nodev", roots[0], "tracefs", 0, NULL) && errno != EBUSY)
			continue;
		if (access(path, F_OK))
			continue;
		snprintf(path, sizeof(path), "%s/events/ipcchan", roots[i]);
		if (access(path, F_OK)) {
			snprintf(why, len, "%s: no ipcchan events (kernel without tracepoints?)",
				 roots[i]);
			return NULL;
		}
		return roots[i];
	}
	snprintf(why, len, "no tracefs: %s", strerror(errno));
	return NULL;
}

/*
 * A new instance named after the test and pid, with the ipcchan events
 * listed in @events (space separated, NULL for all) enabled and filtered
 * to object @id. Returns 0, or -1 with t->why set.
 */
static inline int tfs_open(struct tracefs *t, const char *tag, unsigned int id,
			   const char *events)
{
	char path[256], filter[32], list[256], *ev, *save;
	const char *root = tfs_root(t->why, sizeof(t->why));

	if (!root)
		return -1;
	/*
	 * No comm recording: with it on, enabling the instance's first
	 * event registers probes on sched_switch and sched_wakeup, and so
	 * patches the scheduler's text while the other CPU runs it, which
	 * multi-threaded QEMU TCG now and then gets wrong ("Oops: int3" in
	 * ttwu_do_activate). The tests read no comm. A new instance takes
	 * this flag from the top level; best effort.
	 */
	snprintf(path, sizeof(path), "%s/options/record-cmd", root);
	tfs_write(path, "0");
	snprintf(t->dir, sizeof(t->dir), "%s/instances/ipcchan-%s-%d", root,
		 tag, getpid());
	if (mkdir(t->dir, 0700) && errno != EEXIST) {
		snprintf(t->why, sizeof(t->why), "mkdir %s: %s", t->dir,
			 strerror(errno));
		return -1;
	}
	snprintf(filter, sizeof(filter), "id == %u", id);
	snprintf(path, sizeof(path), "%s/events/ipcchan/filter", t->dir);
	if (tfs_write(path, filter))
		goto fail;
	if (!events) {
		snprintf(path, sizeof(path), "%s/events/ipcchan/enable", t->dir);
		if (tfs_write(path, "1"))
			goto fail;
		return 0;
	}
	snprintf(list, sizeof(list), "%s", events);
	for (ev = strtok_r(list, " ", &save); ev; ev = strtok_r(NULL, " ", &save)) {
		snprintf(path, sizeof(path), "%s/events/ipcchan/%s/enable",
			 t->dir, ev);
		if (tfs_write(path, "1"))
			goto fail;
	}
	return 0;
fail:
	snprintf(t->why, sizeof(t->why), "%s: %s", path, strerror(errno));
	rmdir(t->dir);
	return -1;
}

/* Stop recording and remove the instance (and its buffer). */
static inline void tfs_close(struct tracefs *t)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/events/ipcchan/enable", t->dir);
	tfs_write(path, "0");
	rmdir(t->dir);
}

/*
 * The recorded events named @event, in order: each entry of @out (up to
 * @max) points at the text after "<event>: " in one line of @buf, which
 * holds the instance's trace file. Returns the number found.
 */
static inline int tfs_events(struct tracefs *t, const char *event, char *buf,
			     size_t len, char **out, int max)
{
	char path[256], key[64], *line, *save, *p;
	size_t n = 0, r;
	FILE *f;
	int k = 0;

	snprintf(path, sizeof(path), "%s/trace", t->dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (n + 1 < len && (r = fread(buf + n, 1, len - 1 - n, f)) > 0)
		n += r;
	fclose(f);
	buf[n] = '\0';
	snprintf(key, sizeof(key), " %s: ", event);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		p = strstr(line, key);
		if (p && k < max)
			out[k++] = p + strlen(key);
	}
	return k;
}

#define TRACE_BUF	(1 << 20)

/* One ipcchan_mbox_wake event's fields. */
struct wake_ev {
	char side[8];
	unsigned int id, woken, depth, cap;
};

/* Parse ipcchan_mbox_wake event @line into @w; the test fails if it cannot. */
static void parse_wake(struct __test_metadata *_metadata, const char *line,
		       struct wake_ev *w)
{
	ASSERT_EQ(5, sscanf(line, "id=%u side=%7s woken=%u depth=%u/%u",
			    &w->id, w->side, &w->woken, &w->depth, &w->cap));
}

/*
 * Count the ipcchan_mbox_wake events @ev[0..@n) by side (*@recv, *@send),
 * each of which must have reached exactly one entry.
 */
static void count_wake_sides(struct __test_metadata *_metadata, char **ev, int n,
			     unsigned int *recv, unsigned int *send)
{
	struct wake_ev w;
	unsigned int i;

	for (i = 0; i < (unsigned int)n; i++) {
		parse_wake(_metadata, ev[i], &w);
		EXPECT_EQ(1, w.woken) TH_LOG("event %u: %s", i, ev[i]);
		if (!strcmp(w.side, "send"))
			(*send)++;
		else
			(*recv)++;
	}
}
#define N_MSGS		100

/*
 * The mailbox called @name (anonymous if NULL) opened with @flags, made
 * with @capacity and @policy if created; an fd or -errno.
 */
static int mb_open_as(const char *name, __u32 flags, unsigned int capacity,
		      unsigned int policy)
{
	struct ipcchan_mbox_open op = {
		.size = sizeof(op), .mode = 0600, .flags = flags,
		.capacity = capacity, .msgsize_max = 256, .policy = policy,
	};
	int dev = dev_fd(), fd;

	if (name) {
		op.name = (uintptr_t)name;
		op.name_len = strlen(name);
	}
	if (dev < 0)
		return -errno;
	fd = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
	fd = fd < 0 ? -errno : fd;
	close(dev);
	return fd;
}

/* An anonymous read-write mailbox, or -errno. */
static int mb_new(unsigned int capacity, unsigned int policy)
{
	return mb_open_as(NULL, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
			  IPCCHAN_OPEN_CREATE, capacity, policy);
}

static unsigned int mb_id(int fd)
{
	struct ipcchan_mbox_attr a = { .size = sizeof(a) };

	return ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &a) ? 0 : a.id;
}

static int mb_stats(int fd, struct ipcchan_mbox_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, IPCCHAN_IOC_MBOX_GET_STATS, st);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The state letter of task @pid in /proc/PID/stat, or 0. */
static char task_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : 0;
}

/*
 * Wait (up to 30 s: a loaded TCG host) until @pid is a blocked receiver
 * of @fd and asleep: counted as blocked, it has nothing left to do but
 * sleep on the queue, so once it is in S it is queued there.
 */
static bool wait_receiver_asleep(int fd, pid_t pid)
{
	struct ipcchan_mbox_stats st;
	uint64_t end = now_ns() + 30000000000ULL;

	while (now_ns() < end) {
		if (!mb_stats(fd, &st) && st.receivers_blocked == 1 &&
		    task_state(pid) == 'S')
			return true;
		usleep(1000);
	}
	return false;
}

FIXTURE(trace) {
	struct tracefs t;
	int fd;
	unsigned int id;
	char *buf;
	char *ev[4 * N_MSGS];
};

FIXTURE_VARIANT(trace) {
	unsigned int capacity;
	unsigned int policy;
};

FIXTURE_VARIANT_ADD(trace, block) { .capacity = N_MSGS, .policy = IPCCHAN_MBOX_BLOCK };

FIXTURE_SETUP(trace)
{
	self->t.dir[0] = '\0';
	self->buf = malloc(TRACE_BUF);
	ASSERT_NE(NULL, self->buf);
	self->fd = mb_new(variant->capacity, variant->policy);
	if (self->fd == -ENOENT)
		SKIP(return, "%s missing: module not loaded", IPCCHAN_DEVICE_PATH);
	ASSERT_LE(0, self->fd) TH_LOG("mailbox: %s", strerror(-self->fd));
	self->id = mb_id(self->fd);
	ASSERT_NE(0, self->id);
	if (tfs_open(&self->t, "mbox", self->id, NULL)) {
		self->t.dir[0] = '\0';
		SKIP(return, "%s", self->t.why);
	}
}

FIXTURE_TEARDOWN(trace)
{
	if (self->t.dir[0])
		tfs_close(&self->t);
	if (self->fd >= 0)
		close(self->fd);
	free(self->buf);
}

/* N sends: N enqueue events, sequence 0..N-1, depth 1..N, the sizes sent. */
TEST_F(trace, enqueue_seq_depth)
{
	char msg[256];
	unsigned int i, id, len, prio, depth, cap;
	unsigned long long seq;
	int n;

	for (i = 0; i < N_MSGS; i++) {
		len = 1 + i % 200;
		memset(msg, i, len);
		ASSERT_EQ((ssize_t)len, write(self->fd, msg, len));
	}
	n = tfs_events(&self->t, "ipcchan_mbox_enqueue", self->buf, TRACE_BUF,
		       self->ev, 4 * N_MSGS);
	ASSERT_EQ(N_MSGS, n);
	for (i = 0; i < N_MSGS; i++) {
		ASSERT_EQ(6, sscanf(self->ev[i], "id=%u seq=%llu len=%u prio=%u depth=%u/%u",
				    &id, &seq, &len, &prio, &depth, &cap))
			TH_LOG("event %u: %s", i, self->ev[i]);
		EXPECT_EQ(self->id, id);
		EXPECT_EQ(i, seq);
		EXPECT_EQ(1 + i % 200, len);
		EXPECT_EQ(0, prio);
		EXPECT_EQ(i + 1, depth);
		EXPECT_EQ(N_MSGS, cap);
	}
}

/*
 * Receives: one dequeue event each, in sequence order, the depth falling
 * to 0 and each residence time within what the test measured around it.
 */
TEST_F(trace, dequeue_residence)
{
	unsigned int i, id, len, prio, depth, cap;
	unsigned long long seq, res;
	uint64_t t0, t1;
	char msg[256];
	int n;

	t0 = now_ns();
	for (i = 0; i < 10; i++)
		ASSERT_EQ(8, write(self->fd, "abcdefgh", 8));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(8, read(self->fd, msg, sizeof(msg)));
	t1 = now_ns();
	n = tfs_events(&self->t, "ipcchan_mbox_dequeue", self->buf, TRACE_BUF,
		       self->ev, 4 * N_MSGS);
	ASSERT_EQ(10, n);
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(7, sscanf(self->ev[i],
				    "id=%u seq=%llu len=%u prio=%u depth=%u/%u residence_ns=%llu",
				    &id, &seq, &len, &prio, &depth, &cap, &res))
			TH_LOG("event %u: %s", i, self->ev[i]);
		EXPECT_EQ(self->id, id);
		EXPECT_EQ(i, seq);
		EXPECT_EQ(8, len);
		EXPECT_EQ(9 - i, depth);
		EXPECT_GE(t1 - t0, res);
	}
}

/*
 * A receiver asleep on the empty mailbox: wait_begin (recv, blocked 1),
 * then a send's wake reaches it (woken 1, depth 1), then wait_end with 0
 * and the dequeue.
 */
TEST_F(trace, wait_and_wake)
{
	unsigned int id, depth, cap, blocked;
	char side[8], msg[16];
	struct wake_ev w;
	pid_t pid;
	int n, ret, status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(read(self->fd, msg, sizeof(msg)) == 4 ? 0 : 1);
	if (!wait_receiver_asleep(self->fd, pid)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		ASSERT_TRUE(false) TH_LOG("the receiver never went to sleep");
	}
	ASSERT_EQ(4, write(self->fd, "ping", 4));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);

	n = tfs_events(&self->t, "ipcchan_mbox_wait_begin", self->buf,
		       TRACE_BUF, self->ev, 4 * N_MSGS);
	ASSERT_EQ(1, n);
	ASSERT_EQ(5, sscanf(self->ev[0], "id=%u side=%7s depth=%u/%u blocked=%u",
			    &id, side, &depth, &cap, &blocked));
	EXPECT_STREQ("recv", side);
	EXPECT_EQ(0, depth);
	EXPECT_EQ(1, blocked);

	n = tfs_events(&self->t, "ipcchan_mbox_wake", self->buf, TRACE_BUF,
		       self->ev, 4 * N_MSGS);
	ASSERT_LE(1, n);
	parse_wake(_metadata, self->ev[0], &w);
	EXPECT_STREQ("recv", w.side);
	EXPECT_EQ(1, w.woken);
	EXPECT_EQ(1, w.depth);

	n = tfs_events(&self->t, "ipcchan_mbox_wait_end", self->buf, TRACE_BUF,
		       self->ev, 4 * N_MSGS);
	ASSERT_LE(1, n);
	ASSERT_EQ(5, sscanf(self->ev[n - 1], "id=%u side=%7s depth=%u/%u ret=%d",
			    &id, side, &depth, &cap, &ret));
	EXPECT_STREQ("recv", side);
	EXPECT_EQ(0, ret);

	n = tfs_events(&self->t, "ipcchan_mbox_dequeue", self->buf, TRACE_BUF,
		       self->ev, 4 * N_MSGS);
	EXPECT_EQ(1, n);
}

/*
 * A read-write fd in epoll for EPOLLIN and EPOLLOUT: each send wakes its
 * EPOLLIN entry, and nothing wakes the EPOLLOUT side, as EPOLLOUT is on
 * throughout. A send takes room, so waking writers' pollers there would
 * run every such entry's callback for nothing (the module used to, once
 * per send, from the wakeup senders pass along); so would the receive,
 * which frees room while EPOLLOUT is already on (it used to, once per
 * receive). receive_wakes_writers_pollers_when_epollout_returns is the
 * other half. The EPOLLIN side is woken by the sends alone: the receive
 * that leaves messages queued hands on only to blocked receivers (it
 * used to run every reader's poll callback too, once per receive).
 */
TEST_F(trace, send_leaves_writers_pollers_alone)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT };
	unsigned int i, send = 0, recv = 0;
	char msg[16];
	int ep, n;

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(4, write(self->fd, "ping", 4));
	ASSERT_EQ(4, read(self->fd, msg, sizeof(msg)));
	n = tfs_events(&self->t, "ipcchan_mbox_wake", self->buf, TRACE_BUF,
		       self->ev, 4 * N_MSGS);
	count_wake_sides(_metadata, self->ev, n, &recv, &send);
	/*
	 * Each send wakes the reader's entry. The receive that leaves
	 * messages hands its wakeup on to blocked receivers only: there
	 * are none, and the poller already saw every send.
	 */
	EXPECT_EQ(4, recv);
	EXPECT_EQ(0, send);
	close(ep);
}

/*
 * The receive that brings EPOLLOUT back wakes the writers' pollers, once;
 * the receives before it (room still under the send low watermark, a
 * quarter of the capacity) and after it (EPOLLOUT already on) do not.
 * An edge-triggered EPOLLOUT entry sees exactly that one edge.
 */
TEST_F(trace, receive_wakes_writers_pollers_when_epollout_returns)
{
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET }, got;
	unsigned int i, send = 0;
	unsigned int lowat = N_MSGS / 4;
	struct wake_ev w;
	char msg[16];
	int ep, n;

	for (i = 0; i < N_MSGS; i++)
		ASSERT_EQ(4, write(self->fd, "ping", 4));
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, 0)) TH_LOG("EPOLLOUT on a full mailbox");
	for (i = 0; i < lowat - 1; i++)
		ASSERT_EQ(4, read(self->fd, msg, sizeof(msg)));
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, 0)) TH_LOG("EPOLLOUT under the watermark");
	ASSERT_EQ(4, read(self->fd, msg, sizeof(msg)));
	ASSERT_EQ(1, epoll_wait(ep, &got, 1, 0)) TH_LOG("no EPOLLOUT edge at the watermark");
	EXPECT_EQ(EPOLLOUT, got.events);
	ASSERT_EQ(4, read(self->fd, msg, sizeof(msg)));
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, 0)) TH_LOG("a second edge, EPOLLOUT was on");

	n = tfs_events(&self->t, "ipcchan_mbox_wake", self->buf, TRACE_BUF,
		       self->ev, 4 * N_MSGS);
	for (i = 0; i < (unsigned int)n; i++) {
		parse_wake(_metadata, self->ev[i], &w);
		if (strcmp(w.side, "send"))
			continue;
		send++;
		EXPECT_EQ(1, w.woken) TH_LOG("event %u: %s", i, self->ev[i]);
		/* The receive that left lowat slots free. */
		EXPECT_EQ(N_MSGS - lowat, w.depth);
	}
	EXPECT_EQ(1, send);
	close(ep);
}

/*
 * A send whose copy faults gives its slot back. EPOLLOUT was on before
 * and is after, so the writers' pollers are not woken (they used to
 * be); the send fails with EFAULT and leaves nothing queued.
 */
TEST_F(trace, failed_send_leaves_writers_pollers_alone)
{
	struct epoll_event ev = { .events = EPOLLOUT };
	unsigned int i, send = 0;
	/* Unmapped; volatile so that the compiler does not read through it. */
	const char *volatile bad = (const char *)8;
	struct wake_ev w;
	int ep, n;

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	ASSERT_EQ(-1, write(self->fd, bad, 4));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, 0)) TH_LOG("EPOLLOUT lost");
	n = tfs_events(&self->t, "ipcchan_mbox_wake", self->buf, TRACE_BUF,
		       self->ev, 4 * N_MSGS);
	for (i = 0; i < (unsigned int)n; i++) {
		parse_wake(_metadata, self->ev[i], &w);
		EXPECT_EQ(0, w.depth);
		send += !strcmp(w.side, "send");
	}
	EXPECT_EQ(0, send);
	close(ep);
}

/*
 * A read-only fd in epoll is on the receivers' side only: the receive
 * that frees room wakes writers' pollers, and it has none. (The module
 * used to put every fd's poll entry on both sides.)
 */
TEST_F(trace, read_only_poller_is_not_a_writers_poller)
{
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned int i, send = 0, recv = 0;
	struct tracefs t = { .dir = "" };
	char name[32], msg[16];
	int wr, rd, ep, n;

	snprintf(name, sizeof(name), "trace-ro-%d", getpid());
	wr = mb_open_as(name, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
			IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL, N_MSGS,
			IPCCHAN_MBOX_BLOCK);
	ASSERT_LE(0, wr) TH_LOG("%s: %s", name, strerror(-wr));
	rd = mb_open_as(name, IPCCHAN_OPEN_READ, 0, 0);
	EXPECT_EQ(0, obj_unlink(IPCCHAN_OBJ_MAILBOX, name));
	ASSERT_LE(0, rd) TH_LOG("%s read-only: %s", name, strerror(-rd));
	ASSERT_EQ(0, tfs_open(&t, "ro", mb_id(wr), "ipcchan_mbox_wake")) TH_LOG("%s", t.why);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, rd, &ev));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(4, write(wr, "ping", 4));
	ASSERT_EQ(4, read(rd, msg, sizeof(msg)));
	n = tfs_events(&t, "ipcchan_mbox_wake", self->buf, TRACE_BUF, self->ev, 4 * N_MSGS);
	tfs_close(&t);
	count_wake_sides(_metadata, self->ev, n, &recv, &send);
	/*
	 * Each send wakes the reader's entry. The receive that leaves
	 * messages hands its wakeup on to blocked receivers only: there
	 * are none, and the poller already saw every send.
	 */
	EXPECT_EQ(4, recv);
	EXPECT_EQ(0, send);
	close(ep);
	close(rd);
	close(wr);
}

/* Events of another mailbox do not pass the instance's id filter. */
TEST_F(trace, filtered_by_id)
{
	int other = mb_new(4, IPCCHAN_MBOX_BLOCK);

	ASSERT_LE(0, other);
	ASSERT_EQ(1, write(other, "x", 1));
	ASSERT_EQ(1, write(self->fd, "y", 1));
	EXPECT_EQ(1, tfs_events(&self->t, "ipcchan_mbox_enqueue", self->buf,
				TRACE_BUF, self->ev, 4 * N_MSGS));
	close(other);
}

/*
 * Overflow of a 2-slot mailbox with 4 sends: drop-newest drops sequence
 * 2 and 3 (the new ones), drop-oldest 0 and 1 (the queued ones), each
 * event naming the policy, at depth 2 of 2.
 */
static void drop_case(struct __test_metadata *_metadata, unsigned int policy,
		      unsigned long long first, const char *name)
{
	struct tracefs t = { .dir = "" };
	unsigned int i, id, len, depth, cap;
	unsigned long long seq;
	char pol[16], *ev[8], *buf;
	int fd, n;

	fd = mb_new(2, policy);
	if (fd == -ENOENT)
		SKIP(return, "module not loaded");
	ASSERT_LE(0, fd);
	if (tfs_open(&t, "drop", mb_id(fd), "ipcchan_mbox_drop")) {
		close(fd);
		SKIP(return, "%s", t.why);
	}
	for (i = 0; i < 4; i++)
		ASSERT_EQ(3, write(fd, "abc", 3));
	buf = malloc(TRACE_BUF);
	ASSERT_NE(NULL, buf);
	n = tfs_events(&t, "ipcchan_mbox_drop", buf, TRACE_BUF, ev, 8);
	EXPECT_EQ(2, n);
	for (i = 0; i < (unsigned int)n && i < 2; i++) {
		ASSERT_EQ(6, sscanf(ev[i], "id=%u seq=%llu len=%u depth=%u/%u policy=%15s",
				    &id, &seq, &len, &depth, &cap, pol))
			TH_LOG("%s", ev[i]);
		EXPECT_EQ(first + i, seq);
		EXPECT_EQ(3, len);
		EXPECT_EQ(2, depth);
		EXPECT_EQ(2, cap);
		EXPECT_STREQ(name, pol);
	}
	free(buf);
	tfs_close(&t);
	close(fd);
}

TEST(drop_newest)
{
	drop_case(_metadata, IPCCHAN_MBOX_DROP_NEWEST, 2, "drop-newest");
}

TEST(drop_oldest)
{
	drop_case(_metadata, IPCCHAN_MBOX_DROP_OLDEST, 0, "drop-oldest");
}

/*
 * A kernel-producer ring: a kick with nobody waiting wakes nobody; a
 * consumer wait with no timeout and no data ends at once with ETIMEDOUT
 * and without sleeping; a consumer asleep is woken by a record
 * (ring_wake woken 1) and its wait ends slept with the record available.
 */
TEST(ring_kick_wait_wake)
{
	struct ipcchan_ring_open op = {
		.size = sizeof(op), .mode = 0600, .nr_pages = 1,
		.flags = IPCCHAN_OPEN_CREATE, .role = IPCCHAN_RING_PRODUCER,
		.ring_flags = IPCCHAN_RING_KERNEL_PRODUCER,
	};
	struct ipcchan_ring_wait w = { .size = sizeof(w), .timeout_ns = 0 };
	unsigned int id, woken, prod, cons, used, size, need, avail, slept, waiting;
	struct tracefs t = { .dir = "" };
	char side[16], *ev[16], *buf;
	volatile uint32_t *cwait;
	int dev, pfd, cfd, n, ret, status;
	uint64_t end;
	void *cpage;
	pid_t pid;

	dev = dev_fd();
	if (dev < 0)
		SKIP(return, "%s: %s", IPCCHAN_DEVICE_PATH, strerror(errno));
	pfd = ioctl(dev, IPCCHAN_IOC_RING_OPEN, &op);
	close(dev);
	ASSERT_LE(0, pfd);
	cfd = op.peer_fd;
	if (tfs_open(&t, "ring", op.id, NULL)) {
		close(pfd);
		close(cfd);
		SKIP(return, "%s", t.why);
	}
	buf = malloc(TRACE_BUF);
	ASSERT_NE(NULL, buf);

	ASSERT_EQ(0, ioctl(pfd, IPCCHAN_IOC_RING_KICK, 0));
	n = tfs_events(&t, "ipcchan_ring_kick", buf, TRACE_BUF, ev, 16);
	ASSERT_EQ(1, n);
	ASSERT_EQ(7, sscanf(ev[0], "id=%u side=%15s woken=%u prod=%u cons=%u used=%u/%u",
			    &id, side, &woken, &prod, &cons, &used, &size));
	EXPECT_EQ(op.id, id);
	EXPECT_STREQ("producer", side);
	EXPECT_EQ(0, woken);
	EXPECT_EQ(0, used);
	EXPECT_EQ((unsigned int)getpagesize(), size);

	EXPECT_EQ(-1, ioctl(cfd, IPCCHAN_IOC_RING_WAIT, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	n = tfs_events(&t, "ipcchan_ring_wait", buf, TRACE_BUF, ev, 16);
	ASSERT_EQ(1, n);
	ASSERT_EQ(7, sscanf(ev[0], "id=%u side=%15s need=%u avail=%u/%u slept=%u ret=%d",
			    &id, side, &need, &avail, &size, &slept, &ret));
	EXPECT_STREQ("consumer", side);
	EXPECT_EQ(1, need);
	EXPECT_EQ(0, avail);
	EXPECT_EQ(0, slept);
	EXPECT_EQ(-ETIMEDOUT, ret);

	/* The consumer's waiting word says when the child is about to sleep. */
	cpage = mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, cfd, op.off.cons_off);
	ASSERT_NE(MAP_FAILED, cpage);
	cwait = (volatile uint32_t *)((char *)cpage + op.off.waiting);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		w.timeout_ns = 30000000000LL;
		_exit(ioctl(cfd, IPCCHAN_IOC_RING_WAIT, &w) ? 1 : 0);
	}
	for (end = now_ns() + 30000000000ULL; !*cwait && now_ns() < end;)
		usleep(1000);
	ASSERT_NE(0, *cwait);
	ASSERT_EQ(5, write(pfd, "hello", 5));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);

	n = tfs_events(&t, "ipcchan_ring_wake", buf, TRACE_BUF, ev, 16);
	ASSERT_LE(1, n);
	ASSERT_EQ(6, sscanf(ev[n - 1], "id=%u side=%15s woken=%u avail=%u/%u waiting=%u",
			    &id, side, &woken, &avail, &size, &waiting));
	EXPECT_STREQ("consumer", side);
	EXPECT_EQ(1, woken);
	EXPECT_EQ(0, waiting);

	n = tfs_events(&t, "ipcchan_ring_wait", buf, TRACE_BUF, ev, 16);
	ASSERT_EQ(2, n);
	ASSERT_EQ(7, sscanf(ev[1], "id=%u side=%15s need=%u avail=%u/%u slept=%u ret=%d",
			    &id, side, &need, &avail, &size, &slept, &ret));
	EXPECT_EQ(1, slept);
	EXPECT_EQ(0, ret);
	EXPECT_LE(5, avail);

	munmap(cpage, getpagesize());
	free(buf);
	tfs_close(&t);
	close(pfd);
	close(cfd);
}

TEST_HARNESS_MAIN
