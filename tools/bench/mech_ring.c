// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan shared rings through libipcchan, one anonymous ring per
 * direction (a producer fd and a consumer fd from one RING_OPEN):
 *
 *   ring          wakeup mode: the producer reserves a record, copies the
 *                 message in and commits; the consumer peeks, verifies in
 *                 place (zero-copy) and releases. A side that finds
 *                 nothing to do sleeps in IPCCHAN_IOC_RING_WAIT after
 *                 setting its waiting flag; the other side kicks only
 *                 when it sees the flag.
 *   ring-busy     the same, but waiting spins on the shared positions
 *                 (yielding every 256 spins): no system call at all.
 *   ring-kickfd   as ring, but in ping-pong the reply's kick rides on the
 *                 wait (ipcchan_ring_wait_kick(), IPCCHAN_RING_WAIT_KICK_FD):
 *                 the send leaves the message to the receive that follows,
 *                 which publishes it and, if the peer waits, kicks it from
 *                 inside its own RING_WAIT.
 *   ring-write    a kernel-mediated producer: write() copies each message
 *                 into the ring (one copy, one system call, the kernel
 *                 wakes a sleeping consumer); the consumer is as for ring.
 *
 * Streaming commits (producer) and releases (consumer) in batches of up
 * to 16 records, as the library is meant to be used: every wait publishes
 * what is pending first, and flush() publishes the last batch. Both sides
 * use the batch calls: the producer reserves room for up to 16 records
 * with one ipcchan_ring_reserve_batch() and fills one per send (flush()
 * gives back the room it did not fill), the consumer peeks up to 16 with
 * one ipcchan_ring_peek_batch(), hands them out one per receive and
 * releases them together. A producer
 * that finds the ring full waits for half of it to be free (the library's
 * default), so that it and the consumer trade the CPU once per half ring,
 * not once per batch. Ping-pong publishes every message at once, except
 * in ring-kickfd.
 *
 * ring and ring-kickfd both make one system call per side per round trip
 * when the two share a CPU: the task a kick wakes runs at once, so with
 * ring the kicker is preempted on its way out of KICK and finds the reply
 * there when it runs again, never calling WAIT; ring-kickfd is preempted
 * inside WAIT instead. Comparing the two shows what the extra work of a
 * WAIT costs against a KICK on one CPU, and what KICK_FD saves across
 * CPUs. The ring holds at least 256 KiB and
 * four records; the message size is capped by what ring_max_pages allows.
 * Each mechanism needs /dev/ipcchan with IPCCHAN_FEAT_RING, and is
 * skipped otherwise.
 *
 * With IPCBENCH_RING_STATS=1 in the environment, the parent prints each
 * ring's IPCCHAN_IOC_RING_GET_STATS counters per record to stderr at
 * teardown (warm-up included): the system calls and wakeups the protocol
 * costs per message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "bench.h"
#include "ipcchan.h"

#define RING_BATCH	16
#define RING_MIN_BYTES	262144
#define PAGE		4096UL

enum ring_kind { K_WAKEUP, K_BUSY, K_WRITE, K_KICKFD };

struct chan {
	enum ring_kind kind;
	int ndirs;
	bool stream;
	/* per direction: fds before attach, then the side this process uses */
	int pfd[2], cfd[2];
	struct ipcchan_ring *prod[2], *cons[2];
	unsigned int unpublished[2];
	/* streaming: records reserved (producer) or peeked (consumer) */
	void *slot[2][RING_BATCH];
	const void *peeked[2][RING_BATCH];
	uint32_t peeked_len[2][RING_BATCH];
	unsigned int next[2], count[2];
};

static int ring_available(char *why, size_t len)
{
	return bench_feature_available(IPCCHAN_FEAT_RING, "rings", why, len);
}

/* Pages for records of @size: a power of two, >= 256 KiB and 4 records. */
static unsigned long ring_pages(size_t size)
{
	unsigned long need = 4 * (size + 16), pages = 1;

	if (need < RING_MIN_BYTES)
		need = RING_MIN_BYTES;
	while (pages * PAGE < need)
		pages *= 2;
	return pages;
}

/* The largest record half the biggest allowed ring holds, header off. */
static size_t ring_cap(size_t want)
{
	struct ipcchan_info info;
	char why[128];
	size_t max;

	if (bench_get_info(&info, why, sizeof(why)) < 0 || !info.ring_max_pages)
		return 0;
	max = (size_t)info.ring_max_pages * PAGE / 4 - 16;
	return want < max ? want : max;
}

static void ring_print_stats(struct chan *c)
{
	const char *env = getenv("IPCBENCH_RING_STATS");
	static const char *const kind[] = {
		"ring", "ring-busy", "ring-write", "ring-kickfd",
	};

	if (!env || strcmp(env, "1"))
		return;
	for (int d = 0; d < c->ndirs; d++) {
		int fd = c->pfd[d] >= 0 ? c->pfd[d] : c->cfd[d];
		struct ipcchan_ring_stats st;
		double n;

		if (fd < 0 || ipcchan_ring_get_stats(fd, &st))
			continue;
		n = (double)(c->kind == K_WRITE ? st.write_records :
			     st.consumer.records);
		if (n < 1)
			n = 1;
		fprintf(stderr,
			"ring-stats %s dir %d: %.0f records; per record: prod kicks %.5f cons kicks %.5f idle %.5f waits %.5f; prod waits %llu stalls %llu, cons waits %llu stalls %llu\n",
			kind[c->kind], d, n, st.producer_kicks / n,
			st.consumer_kicks / n, st.kicks_idle / n, st.waits / n,
			(unsigned long long)st.producer.waits,
			(unsigned long long)st.producer.stalls,
			(unsigned long long)st.consumer.waits,
			(unsigned long long)st.consumer.stalls);
	}
}

static void ring_teardown(struct chan *c, int role)
{
	if (role == 0)
		ring_print_stats(c);
	for (int d = 0; d < 2; d++) {
		if (c->prod[d])
			ipcchan_ring_unmap(c->prod[d]);
		if (c->cons[d])
			ipcchan_ring_unmap(c->cons[d]);
		if (c->pfd[d] >= 0)
			close(c->pfd[d]);
		if (c->cfd[d] >= 0)
			close(c->cfd[d]);
	}
	free(c);
}

static int ring_setup(struct chan **cp, const struct chan_cfg *cfg,
		      enum ring_kind kind, char *why, size_t len)
{
	struct chan *c = calloc(1, sizeof(*c));
	int dev;

	if (!c)
		return -ENOMEM;
	c->kind = kind;
	c->ndirs = cfg->ndirs;
	c->stream = cfg->mode == MODE_STREAM;
	for (int d = 0; d < 2; d++)
		c->pfd[d] = c->cfd[d] = -1;
	dev = ipcchan_dev_open();
	if (dev < 0) {
		snprintf(why, len, "%s: %s", IPCCHAN_DEVICE_PATH, strerror(-dev));
		free(c);
		return -ENODEV;
	}
	for (int d = 0; d < cfg->ndirs; d++) {
		unsigned long pages = ring_pages(cfg->size);

		c->pfd[d] = ipcchan_ring_open(dev, NULL, IPCCHAN_OPEN_CREATE,
					      IPCCHAN_RING_PRODUCER, pages,
					      kind == K_WRITE ?
					      IPCCHAN_RING_KERNEL_PRODUCER : 0,
					      0600, &c->cfd[d]);
		if (c->pfd[d] < 0) {
			snprintf(why, len, "IPCCHAN_IOC_RING_OPEN(%lu pages): %s",
				 pages, strerror(-c->pfd[d]));
			c->pfd[d] = -1;
			close(dev);
			ring_teardown(c, 0);
			return -EIO;
		}
	}
	close(dev);
	*cp = c;
	return 0;
}

static int wakeup_setup(struct chan **cp, const struct chan_cfg *cfg,
			char *why, size_t len)
{
	return ring_setup(cp, cfg, K_WAKEUP, why, len);
}

static int busy_setup(struct chan **cp, const struct chan_cfg *cfg,
		      char *why, size_t len)
{
	return ring_setup(cp, cfg, K_BUSY, why, len);
}

static int write_setup(struct chan **cp, const struct chan_cfg *cfg,
		       char *why, size_t len)
{
	return ring_setup(cp, cfg, K_WRITE, why, len);
}

static int kickfd_setup(struct chan **cp, const struct chan_cfg *cfg,
			char *why, size_t len)
{
	return ring_setup(cp, cfg, K_KICKFD, why, len);
}

/*
 * Role 0 (parent) produces on direction 0 and consumes direction 1; role
 * 1 (child) the reverse. Each process closes the fds of the sides it does
 * not use, so a dead peer shows as EPIPE instead of a hang, and maps the
 * ones it does (a kernel producer maps nothing: it uses write()).
 */
static int ring_attach(struct chan *c, int role)
{
	for (int d = 0; d < c->ndirs; d++) {
		bool produce = (d == 0) == (role == 0);
		int *keep = produce ? &c->pfd[d] : &c->cfd[d];
		int *drop = produce ? &c->cfd[d] : &c->pfd[d];
		int ret;

		close(*drop);
		*drop = -1;
		if (produce && c->kind == K_WRITE)
			continue;
		ret = ipcchan_ring_map(*keep, produce ? &c->prod[d] : &c->cons[d]);
		if (ret) {
			errno = -ret;
			return -1;
		}
	}
	return 0;
}

static int ring_wait_for(struct chan *c, struct ipcchan_ring *r, uint32_t need,
			 struct ipcchan_ring *kick)
{
	int ret;

	if (c->kind == K_BUSY)
		ret = ipcchan_ring_busy_wait(r, need, 10LL * 1000000000);
	else
		ret = ipcchan_ring_wait_kick(r, need, -1, kick);
	if (ret == -EPIPE) {
		errno = EPIPE;
		return -1;
	}
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

static int ring_flush(struct chan *c, int dir)
{
	int ret;

	if (!c->prod[dir])
		return 0;
	c->unpublished[dir] = 0;
	if (c->next[dir] < c->count[dir]) {
		/* Room reserved for messages that were never sent. */
		ret = ipcchan_ring_unreserve(c->prod[dir],
					     c->count[dir] - c->next[dir]);
		if (ret < 0) {
			errno = -ret;
			return -1;
		}
	}
	c->next[dir] = c->count[dir] = 0;
	ret = ipcchan_ring_commit(c->prod[dir]);
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

/* Wait until the ring has room for a record of @len; see ring_send(). */
static int ring_wait_room(struct chan *c, int dir, size_t len)
{
	/*
	 * The wait publishes the pending batch first. In wakeup mode wait
	 * for half the ring (min_bytes 0), busy-polling for just this
	 * record.
	 */
	c->unpublished[dir] = 0;
	return ring_wait_for(c, c->prod[dir], c->kind == K_BUSY ?
			     ipcchan_ring_rec_total((uint32_t)len) : 0, NULL);
}

/* Streaming: fill the next reserved record, reserving up to 16 at once. */
static int ring_send_batched(struct chan *c, int dir, void *buf, size_t len)
{
	struct ipcchan_ring *r = c->prod[dir];
	unsigned int i = c->next[dir];
	int ret;

	if (i == c->count[dir]) {
		uint32_t lens[RING_BATCH];

		for (i = 0; i < RING_BATCH; i++)
			lens[i] = (uint32_t)len;
		while ((ret = ipcchan_ring_reserve_batch(r, lens, c->slot[dir],
							 RING_BATCH)) ==
		       -EAGAIN)
			if (ring_wait_room(c, dir, len))
				return -1;
		if (ret < 0) {
			errno = -ret;
			return -1;
		}
		c->count[dir] = (unsigned int)ret;
		i = 0;
	}
	memcpy(c->slot[dir][i], buf, len);
	c->next[dir] = ++i;
	if (i == c->count[dir])
		return ring_flush(c, dir);
	return 0;
}

static int ring_send(struct chan *c, int dir, void *buf, size_t len)
{
	struct ipcchan_ring *r = c->prod[dir];
	void *p;
	int ret;

	if (c->kind == K_WRITE) {
		ssize_t n = write(c->pfd[dir], buf, len);

		if (n >= 0 && (size_t)n != len) {
			errno = EMSGSIZE;
			return -1;
		}
		return n < 0 ? -1 : 0;
	}
	if (c->stream)
		return ring_send_batched(c, dir, buf, len);
	while ((ret = ipcchan_ring_reserve(r, (uint32_t)len, &p)) == -EAGAIN)
		if (ring_wait_room(c, dir, len))
			return -1;
	if (ret) {
		errno = -ret;
		return -1;
	}
	memcpy(p, buf, len);
	if (!c->stream && c->kind == K_KICKFD) {
		/* Published by the receive that follows: see the top. */
		c->unpublished[dir] = 1;
		return 0;
	}
	return ring_flush(c, dir);
}

/* A ping-pong message sent and not yet published, if any. */
static struct ipcchan_ring *ring_owed(struct chan *c)
{
	if (c->stream || c->kind != K_KICKFD)
		return NULL;
	for (int d = 0; d < c->ndirs; d++)
		if (c->prod[d] && c->unpublished[d])
			return c->prod[d];
	return NULL;
}

static ssize_t ring_recv(struct chan *c, int dir, void *buf, size_t cap,
			 const void **msg)
{
	struct ipcchan_ring *r = c->cons[dir];
	unsigned int i = c->next[dir], want = c->stream ? RING_BATCH : 1;
	int ret = 0;

	/* Peek up to a batch; ping-pong takes one at a time. */
	while (i == c->count[dir] &&
	       (ret = ipcchan_ring_peek_batch(r, c->peeked[dir],
					      c->peeked_len[dir], want)) ==
	       -EAGAIN) {
		struct ipcchan_ring *kick = ring_owed(c);

		/* The wait releases what was consumed, and publishes kick. */
		c->unpublished[dir] = 0;
		for (int d = 0; kick && d < c->ndirs; d++)
			if (c->prod[d] == kick)
				c->unpublished[d] = 0;
		if (ring_wait_for(c, r, 0, kick))
			return errno == EPIPE ? 0 : -1;
	}
	/* Data without a wait: publish the owed message on its own. */
	for (int d = 0; ring_owed(c) && d < c->ndirs; d++)
		if (c->unpublished[d] && ring_flush(c, d))
			return -1;
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	if (i == c->count[dir]) {
		c->count[dir] = (unsigned int)ret;
		i = 0;
	}
	c->next[dir] = i + 1;
	*msg = c->peeked[dir][i];
	if (c->peeked_len[dir][i] > cap) {
		errno = EMSGSIZE;
		return -1;
	}
	return c->peeked_len[dir][i];
}

/* Done with a message: release the batch once all of it is done with. */
static void ring_release(struct chan *c, int dir)
{
	if (c->next[dir] == c->count[dir])
		ipcchan_ring_release(c->cons[dir]);
}

static const struct mech mech_ring = {
	.name = "ring", .desc = "ipcchan ring, libipcchan, sleeps in RING_WAIT",
	.available = ring_available, .max_size = ring_cap, .setup = wakeup_setup,
	.attach = ring_attach, .send = ring_send, .recv = ring_recv,
	.release = ring_release, .flush = ring_flush, .teardown = ring_teardown,
};

static const struct mech mech_ring_busy = {
	.name = "ring-busy", .desc = "ipcchan ring, libipcchan, busy-polls",
	.flags = MECH_BUSYPOLL,
	.available = ring_available, .max_size = ring_cap, .setup = busy_setup,
	.attach = ring_attach, .send = ring_send, .recv = ring_recv,
	.release = ring_release, .flush = ring_flush, .teardown = ring_teardown,
};

static const struct mech mech_ring_write = {
	.name = "ring-write", .desc = "ipcchan ring, kernel write() producer",
	.available = ring_available, .max_size = ring_cap, .setup = write_setup,
	.attach = ring_attach, .send = ring_send, .recv = ring_recv,
	.release = ring_release, .flush = ring_flush, .teardown = ring_teardown,
};

static const struct mech mech_ring_kickfd = {
	.name = "ring-kickfd",
	.desc = "ipcchan ring, libipcchan, kick rides on RING_WAIT",
	.available = ring_available, .max_size = ring_cap, .setup = kickfd_setup,
	.attach = ring_attach, .send = ring_send, .recv = ring_recv,
	.release = ring_release, .flush = ring_flush, .teardown = ring_teardown,
};

const struct mech *const ring_mechs[] = {
	&mech_ring, &mech_ring_busy, &mech_ring_write, &mech_ring_kickfd, NULL,
};
