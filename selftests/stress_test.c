// SPDX-License-Identifier: GPL-2.0
/*
 * Conservation stress: P producer and C consumer processes over K
 * mailboxes, one per overflow policy (block, drop-newest, drop-oldest),
 * mixed sizes, priorities, batch sizes and send paths (write() and the
 * SEND ioctl), while the parent SIGKILLs random participants and
 * respawns them. Afterwards it proves, from logs kept in shared memory:
 *
 * - no message was received twice, and none that was never sent;
 * - every message whose send was confirmed was received or counted as
 *   dropped by its mailbox: missing(confirmed) <= msgs_dropped <=
 *   missing(confirmed) + missing(uncertain), where "uncertain" are the
 *   messages of a send a SIGKILL interrupted;
 * - per sender and priority, kernel sequence numbers grow with the
 *   sender's order (FIFO within a priority);
 * - payloads arrive intact;
 * - GET_STATS agrees: msgs_out and bytes_out equal what the consumers
 *   logged, msgs_in matches the policy, depth is 0, and sequence numbers
 *   never exceed received + dropped.
 *
 * Exactly-once bookkeeping across SIGKILL. A consumer receives into a
 * scratch area in shared memory whose metadata it first poisons; a
 * message's metadata is written by the kernel only when the message is
 * dequeued, and SIGKILL cannot stop a receive between copy and dequeue.
 * A 64-bit state word (phase, log base), stored in one instruction,
 * tells the parent after a kill whether the scratch holds a batch that
 * is not yet in the log, and where it goes; the parent finishes the
 * commit. A producer records the end of the batch it is attempting
 * before the send and the confirmed count after it.
 *
 * Environment: IPCCHAN_STRESS_MSGS (default 50000), _PRODUCERS (4),
 * _CONSUMERS (3), _KILLS (1: on), _SEED (1). `make stress` runs 10^6.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "kselftest_harness.h"

#define NMBOX		3
#define MAX_SENDERS	2048	/* producer instances, respawns included */
#define MAX_CONSUMERS	2048
#define MAX_PROCS	32
#define BATCH		8
#define MSGSIZE		512
#define CAPACITY	16
#define MAGIC		0x1bc0ffeeU
#define SEQ_POISON	(~0ULL)

struct payload_hdr {
	uint32_t magic;
	uint16_t sender;
	uint8_t mbox;
	uint8_t prio;
	uint32_t sseq;
	uint32_t len;
};

/* One received message, as logged. */
struct entry {
	uint32_t valid;		/* MAGIC once written */
	uint16_t sender;
	uint8_t mbox;
	uint8_t prio;
	uint32_t sseq;
	uint32_t len;
	uint64_t kseq;
	uint32_t dropped;	/* metadata: drops since the last receive */
	uint32_t bad;		/* payload or metadata did not match */
};

struct sender_state {
	uint32_t attempted[NMBOX];	/* end of the batch being sent */
	uint32_t confirmed[NMBOX];	/* sends that returned success */
};

struct consumer_state {
	uint64_t state;		/* phase << 32 | base */
	struct ipcchan_mbox_msg msgs[BATCH];
	unsigned char buf[BATCH][MSGSIZE];
};

#define PHASE_IDLE	0ULL
#define PHASE_ARMED	1ULL	/* scratch poisoned, receive may fill it */
#define PHASE_LOGGING	2ULL	/* base reserved: entries go to base + i */

struct shared {
	uint64_t target;
	uint64_t issued;	/* messages producers have claimed */
	uint64_t log_n;		/* log entries reserved */
	uint64_t log_cap;
	uint32_t stop;		/* consumers: exit once empty */
	uint32_t nsenders, nconsumers;
	struct sender_state senders[MAX_SENDERS];
	struct consumer_state consumers[MAX_CONSUMERS];
};

static struct shared *sh;
static struct entry *logv;
static int mbox_fd[NMBOX];
static const unsigned int policies[NMBOX] = {
	IPCCHAN_MBOX_BLOCK, IPCCHAN_MBOX_DROP_NEWEST, IPCCHAN_MBOX_DROP_OLDEST,
};
static const unsigned int prios[] = { 0, 0, 1, 7, 31 };
static const char mbox_name[] = "stress-named";

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

/* xorshift64*: reproducible per process from (seed, role, instance). */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static unsigned char pattern(uint16_t sender, uint32_t sseq, size_t i)
{
	return (unsigned char)(sender * 131 + sseq * 7 + i);
}

static void fill(unsigned char *buf, uint16_t sender, uint8_t mbox,
		 uint8_t prio, uint32_t sseq, uint32_t len)
{
	struct payload_hdr h = {
		.magic = MAGIC, .sender = sender, .mbox = mbox, .prio = prio,
		.sseq = sseq, .len = len,
	};
	size_t i;

	memcpy(buf, &h, sizeof(h));
	for (i = sizeof(h); i < len; i++)
		buf[i] = pattern(sender, sseq, i);
}

static void producer(uint16_t id, uint64_t seed)
{
	struct sender_state *ss = &sh->senders[id];
	static unsigned char bufs[BATCH][MSGSIZE];
	struct ipcchan_mbox_msg msgs[BATCH];
	uint64_t rng = seed ^ (0x9e3779b97f4a7c15ULL * (id + 1));
	unsigned int k, n, i, len;
	uint32_t sseq;
	long ret;

	for (;;) {
		k = rng_next(&rng) % NMBOX;
		n = 1 + rng_next(&rng) % BATCH;
		if (__atomic_fetch_add(&sh->issued, n, __ATOMIC_RELAXED) >=
		    sh->target)
			_exit(0);
		sseq = ss->confirmed[k];
		for (i = 0; i < n; i++) {
			len = sizeof(struct payload_hdr) +
			      rng_next(&rng) % (MSGSIZE - sizeof(struct payload_hdr) + 1);
			msgs[i] = (struct ipcchan_mbox_msg){
				.buf = (uintptr_t)bufs[i], .len = len,
				.prio = prios[rng_next(&rng) % ARRAY_SIZE(prios)],
			};
			fill(bufs[i], id, k, msgs[i].prio, sseq + i, len);
		}
		/* Published before the send: these may be in flight. */
		__atomic_store_n(&ss->attempted[k], sseq + n, __ATOMIC_SEQ_CST);
		if (n == 1 && msgs[0].prio == 0 && (rng_next(&rng) & 1)) {
			ret = write(mbox_fd[k], bufs[0], msgs[0].len);
			ret = ret == (long)msgs[0].len ? 1 : -1;
		} else {
			struct ipcchan_mbox_xfer x = {
				.size = sizeof(x), .msgs = (uintptr_t)msgs,
				.count = n, .msg_size = sizeof(msgs[0]),
			};

			ret = ioctl(mbox_fd[k], IPCCHAN_IOC_MBOX_SEND, &x);
		}
		if (ret < 0) {
			fprintf(stderr, "# producer %u: send: %s\n", id,
				strerror(errno));
			_exit(3);
		}
		__atomic_store_n(&ss->confirmed[k], sseq + ret, __ATOMIC_SEQ_CST);
		if (ret != n) {
			/* Only the block policy returns short, on error. */
			fprintf(stderr, "# producer %u: short send %ld/%u\n",
				id, ret, n);
			_exit(3);
		}
	}
}

/* Turn scratch message @i of consumer @cs into log entry @e. */
static void extract(struct consumer_state *cs, unsigned int i, unsigned int k,
		    struct entry *e)
{
	const struct ipcchan_mbox_msg *m = &cs->msgs[i];
	struct payload_hdr h;
	size_t j;

	memcpy(&h, cs->buf[i], sizeof(h));
	memset(e, 0, sizeof(*e));
	e->sender = h.sender;
	e->mbox = h.mbox;
	e->prio = m->prio;
	e->sseq = h.sseq;
	e->len = m->len;
	e->kseq = m->seq;
	e->dropped = m->dropped;
	if (h.magic != MAGIC || h.mbox != k || h.prio != m->prio ||
	    h.len != m->len || m->len > MSGSIZE || (m->flags & IPCCHAN_MSG_TRUNCATED))
		e->bad = 1;
	for (j = sizeof(h); !e->bad && j < m->len; j++)
		if (cs->buf[i][j] != pattern(h.sender, h.sseq, j))
			e->bad = 2;
	__atomic_store_n(&e->valid, MAGIC, __ATOMIC_RELEASE);
}

static uint64_t reserve(unsigned int n)
{
	uint64_t base = __atomic_fetch_add(&sh->log_n, n, __ATOMIC_RELAXED);

	if (base + n > sh->log_cap) {
		fprintf(stderr, "# log full\n");
		_exit(4);
	}
	return base;
}

/* Arm, receive, log: one round. Returns messages received or -errno. */
static long consume_once(unsigned int cid, unsigned int k, unsigned int flags,
			 uint64_t timeout_ns)
{
	struct consumer_state *cs = &sh->consumers[cid];
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .flags = flags, .timeout_ns = timeout_ns,
		.msgs = (uintptr_t)cs->msgs, .count = BATCH,
		.msg_size = sizeof(cs->msgs[0]),
	};
	uint64_t base;
	long n, i;

	for (i = 0; i < BATCH; i++) {
		memset(&cs->msgs[i], 0, sizeof(cs->msgs[i]));
		cs->msgs[i].buf = (uintptr_t)cs->buf[i];
		cs->msgs[i].len = MSGSIZE;
		cs->msgs[i].seq = SEQ_POISON;
	}
	__atomic_store_n(&cs->state, PHASE_ARMED << 32, __ATOMIC_SEQ_CST);
	n = ioctl(mbox_fd[k], IPCCHAN_IOC_MBOX_RECV, &x);
	if (n < 0) {
		n = -errno;
		__atomic_store_n(&cs->state, PHASE_IDLE << 32, __ATOMIC_SEQ_CST);
		return n;
	}
	base = reserve(n);
	__atomic_store_n(&cs->state, PHASE_LOGGING << 32 | base,
			 __ATOMIC_SEQ_CST);
	for (i = 0; i < n; i++)
		extract(cs, i, k, &logv[base + i]);
	__atomic_store_n(&cs->state, PHASE_IDLE << 32, __ATOMIC_SEQ_CST);
	return n;
}

static void consumer(unsigned int cid, unsigned int k)
{
	long n;

	for (;;) {
		n = consume_once(cid, k, IPCCHAN_XFER_TIMEOUT, 100000000);
		if (n == -ETIMEDOUT || n == -EAGAIN) {
			if (__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE))
				_exit(0);
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "# consumer %u: %s\n", cid, strerror(-n));
			_exit(5);
		}
	}
}

/* After a consumer died: finish the commit it may have been doing. */
static unsigned int recover_consumer(unsigned int cid, unsigned int k)
{
	struct consumer_state *cs = &sh->consumers[cid];
	uint64_t st = cs->state, phase = st >> 32, base = (uint32_t)st;
	unsigned int i, n = 0;

	if (phase == PHASE_IDLE)
		return 0;
	for (i = 0; i < BATCH && cs->msgs[i].seq != SEQ_POISON; i++)
		n++;
	if (phase == PHASE_ARMED && n)
		base = reserve(n);
	for (i = 0; i < n; i++)
		extract(cs, i, k, &logv[base + i]);
	cs->state = PHASE_IDLE << 32;
	return n;
}

struct proc {
	pid_t pid;
	bool consumer;
	unsigned int id, mbox;
};

static void spawn(struct proc *p, bool is_consumer, unsigned int mbox,
		  uint64_t seed)
{
	unsigned int id;

	if (is_consumer) {
		id = sh->nconsumers++;
		if (id >= MAX_CONSUMERS)
			abort();
	} else {
		id = sh->nsenders++;
		if (id >= MAX_SENDERS)
			abort();
	}
	*p = (struct proc){ .consumer = is_consumer, .id = id, .mbox = mbox };
	p->pid = fork();
	if (p->pid < 0)
		abort();
	if (!p->pid) {
		if (is_consumer)
			consumer(id, mbox);
		producer(id, seed);
	}
}

static int cmp_sender(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->mbox != y->mbox)
		return x->mbox - y->mbox;
	if (x->sender != y->sender)
		return x->sender - y->sender;
	return x->sseq < y->sseq ? -1 : x->sseq > y->sseq;
}

static int cmp_kseq(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->mbox != y->mbox)
		return x->mbox - y->mbox;
	return x->kseq < y->kseq ? -1 : x->kseq > y->kseq;
}

struct totals {
	uint64_t confirmed, attempted, received, dropped, bytes;
	uint64_t missing_confirmed, missing_uncertain;
	uint64_t dups, bad, phantom, order, kseq_dups, reported_drops;
};

FIXTURE(stress) {
	int dummy;
};

FIXTURE_SETUP(stress) {}
FIXTURE_TEARDOWN(stress) {}

TEST_F_TIMEOUT(stress, mailboxes, 7200)
{
	unsigned long nprod = env_ul("IPCCHAN_STRESS_PRODUCERS", 4);
	unsigned long ncons = env_ul("IPCCHAN_STRESS_CONSUMERS", 3);
	unsigned long kills_on = env_ul("IPCCHAN_STRESS_KILLS", 1);
	uint64_t seed = env_ul("IPCCHAN_STRESS_SEED", 1);
	uint64_t rng = seed, cnt, valid = 0, i, j;
	struct ipcchan_mbox_stats st[NMBOX];
	uint64_t recv_k[NMBOX] = {0}, bytes_k[NMBOX] = {0};
	uint64_t miss_c[NMBOX] = {0}, miss_u[NMBOX] = {0};
	uint64_t conf_k[NMBOX] = {0}, att_k[NMBOX] = {0};
	uint64_t drops_rep[NMBOX] = {0}, maxk[NMBOX] = {0};
	unsigned long kills = 0, recovered = 0;
	struct proc procs[MAX_PROCS];
	struct totals t = {0};
	struct timespec t0, t1;
	unsigned int nprocs, k, s;
	int dev, status, producers_left;
	struct entry *e;
	size_t log_bytes;
	double secs;

	ASSERT_LE(ncons, (unsigned long)MAX_PROCS / 2);
	ASSERT_LE(nprod, (unsigned long)MAX_PROCS / 2);
	ASSERT_LE(NMBOX, ncons);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	sh->target = env_ul("IPCCHAN_STRESS_MSGS", 50000);
	/* Every message, plus holes left by kills and batch rounding. */
	sh->log_cap = sh->target + BATCH * (nprod + 8) + 65536;
	log_bytes = sh->log_cap * sizeof(*logv);
	logv = mmap(NULL, log_bytes, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, logv);

	dev = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	for (k = 0; k < NMBOX; k++) {
		struct ipcchan_mbox_open op = {
			.size = sizeof(op),
			.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
				 IPCCHAN_OPEN_CREATE,
			.mode = 0600, .capacity = CAPACITY,
			.msgsize_max = MSGSIZE, .policy = policies[k],
		};

		/* One named, the others anonymous. */
		if (k == 0) {
			op.name = (uintptr_t)mbox_name;
			op.name_len = sizeof(mbox_name) - 1;
			op.flags |= IPCCHAN_OPEN_EXCL;
		}
		mbox_fd[k] = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
		ASSERT_LE(0, mbox_fd[k]) TH_LOG("open: %s", strerror(errno));
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	nprocs = 0;
	for (i = 0; i < ncons; i++, nprocs++)
		spawn(&procs[nprocs], true, i % NMBOX, seed);
	for (i = 0; i < nprod; i++, nprocs++)
		spawn(&procs[nprocs], false, 0, seed);

	/* Kill random participants while most of the traffic flows. */
	producers_left = nprod;
	while (producers_left) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		pid_t pid;

		nanosleep(&ts, NULL);
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (j = 0; j < nprocs && procs[j].pid != pid; j++)
				;
			ASSERT_LT(j, nprocs);
			ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
				TH_LOG("%s %u failed: status %#x",
				       procs[j].consumer ? "consumer" : "producer",
				       procs[j].id, status);
			ASSERT_FALSE(procs[j].consumer)
				TH_LOG("consumer %u exited early", procs[j].id);
			procs[j].pid = 0;
			producers_left--;
		}
		if (!kills_on || sh->issued >= sh->target * 9 / 10 ||
		    rng_next(&rng) % 4)
			continue;
		j = rng_next(&rng) % nprocs;
		if (!procs[j].pid)
			continue;
		kill(procs[j].pid, SIGKILL);
		ASSERT_EQ(procs[j].pid, waitpid(procs[j].pid, &status, 0));
		if (WIFEXITED(status)) {
			/* It finished first: a producer that ran out of work. */
			ASSERT_EQ(0, WEXITSTATUS(status));
			ASSERT_FALSE(procs[j].consumer);
			procs[j].pid = 0;
			producers_left--;
			continue;
		}
		kills++;
		if (procs[j].consumer)
			recovered += recover_consumer(procs[j].id, procs[j].mbox);
		spawn(&procs[j], procs[j].consumer, procs[j].mbox, seed);
	}

	/* Producers are done: consumers empty the mailboxes and leave. */
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	for (j = 0; j < nprocs; j++) {
		if (!procs[j].pid)
			continue;
		ASSERT_EQ(procs[j].pid, waitpid(procs[j].pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	/* Whatever arrived after a consumer's last look. */
	s = sh->nconsumers++;
	for (k = 0; k < NMBOX; k++)
		while (consume_once(s, k, IPCCHAN_XFER_NONBLOCK, 0) > 0)
			;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	for (k = 0; k < NMBOX; k++) {
		memset(&st[k], 0, sizeof(st[k]));
		st[k].size = sizeof(st[k]);
		ASSERT_EQ(0, ioctl(mbox_fd[k], IPCCHAN_IOC_MBOX_GET_STATS, &st[k]));
	}

	/* Compact the log (holes from kills), then check it. */
	cnt = sh->log_n;
	for (i = 0; i < cnt; i++)
		if (logv[i].valid == MAGIC)
			logv[valid++] = logv[i];
	for (i = 0; i < valid; i++) {
		e = &logv[i];
		if (e->bad) {
			t.bad++;
			continue;
		}
		recv_k[e->mbox]++;
		bytes_k[e->mbox] += e->len;
		drops_rep[e->mbox] += e->dropped;
		if (e->kseq + 1 > maxk[e->mbox])
			maxk[e->mbox] = e->kseq + 1;
		if (e->sender >= sh->nsenders ||
		    e->sseq >= sh->senders[e->sender].attempted[e->mbox])
			t.phantom++;
	}
	ASSERT_EQ(0, t.bad) TH_LOG("corrupted payloads or metadata");
	ASSERT_EQ(0, t.phantom) TH_LOG("messages nobody sent");

	/* Duplicates and per-sender, per-priority order. */
	qsort(logv, valid, sizeof(*logv), cmp_sender);
	for (i = 0; i < valid; i = j) {
		uint64_t last_kseq[IPCCHAN_MBOX_PRIO_MAX + 1];
		uint32_t expect = 0;
		struct sender_state *ss;

		memset(last_kseq, 0xff, sizeof(last_kseq));
		ss = &sh->senders[logv[i].sender];
		k = logv[i].mbox;
		for (j = i; j < valid && logv[j].mbox == k &&
			    logv[j].sender == logv[i].sender; j++) {
			e = &logv[j];
			if (j > i && e->sseq == logv[j - 1].sseq) {
				t.dups++;
				continue;
			}
			for (; expect < e->sseq; expect++) {
				if (expect < ss->confirmed[k])
					miss_c[k]++;
				else
					miss_u[k]++;
			}
			expect = e->sseq + 1;
			if (last_kseq[e->prio] != ~0ULL &&
			    e->kseq <= last_kseq[e->prio])
				t.order++;
			last_kseq[e->prio] = e->kseq;
		}
		for (; expect < ss->attempted[k]; expect++) {
			if (expect < ss->confirmed[k])
				miss_c[k]++;
			else
				miss_u[k]++;
		}
		/* Mark this (sender, mbox) as seen. */
		ss->attempted[k] |= 0x80000000U;
	}
	/* Senders of which nothing at all arrived. */
	for (s = 0; s < sh->nsenders; s++) {
		for (k = 0; k < NMBOX; k++) {
			uint32_t a = sh->senders[s].attempted[k];

			if (a & 0x80000000U) {
				a &= ~0x80000000U;
				sh->senders[s].attempted[k] = a;
			} else {
				miss_c[k] += sh->senders[s].confirmed[k];
				miss_u[k] += a - sh->senders[s].confirmed[k];
			}
			conf_k[k] += sh->senders[s].confirmed[k];
			att_k[k] += a;
		}
	}
	qsort(logv, valid, sizeof(*logv), cmp_kseq);
	for (i = 1; i < valid; i++)
		if (logv[i].mbox == logv[i - 1].mbox &&
		    logv[i].kseq == logv[i - 1].kseq)
			t.kseq_dups++;

	for (k = 0; k < NMBOX; k++) {
		uint64_t D = st[k].msgs_dropped, R = recv_k[k];

		TH_LOG("mbox %u (%s): confirmed %llu attempted %llu received %llu dropped %llu "
		       "missing confirmed %llu uncertain %llu; in %llu out %llu peak %u",
		       k, k == 0 ? "block" : k == 1 ? "drop-newest" : "drop-oldest",
		       (unsigned long long)conf_k[k], (unsigned long long)att_k[k],
		       (unsigned long long)R, (unsigned long long)D,
		       (unsigned long long)miss_c[k], (unsigned long long)miss_u[k],
		       (unsigned long long)st[k].msgs_in,
		       (unsigned long long)st[k].msgs_out, st[k].peak_depth);
		/* Every confirmed message received or counted as dropped. */
		EXPECT_LE(miss_c[k], D);
		EXPECT_LE(D, miss_c[k] + miss_u[k]);
		EXPECT_EQ(R, st[k].msgs_out);
		EXPECT_EQ(bytes_k[k], st[k].bytes_out);
		EXPECT_EQ(0, st[k].depth);
		EXPECT_LE(maxk[k], R + D);
		EXPECT_LE(drops_rep[k], D);
		EXPECT_LE(conf_k[k], R + D);
		EXPECT_LE(R + D, att_k[k]);
		if (policies[k] == IPCCHAN_MBOX_BLOCK) {
			EXPECT_EQ(0, D);
		}
		if (policies[k] == IPCCHAN_MBOX_DROP_OLDEST) {
			EXPECT_EQ(st[k].msgs_in, R + D);
		} else {
			EXPECT_EQ(st[k].msgs_in, R);
		}
		EXPECT_LE(st[k].peak_depth, CAPACITY);
		t.confirmed += conf_k[k];
		t.attempted += att_k[k];
		t.received += R;
		t.dropped += D;
		t.missing_confirmed += miss_c[k];
		t.missing_uncertain += miss_u[k];
	}
	EXPECT_EQ(0, t.dups);
	EXPECT_EQ(0, t.kseq_dups);
	EXPECT_EQ(0, t.order);
	TH_LOG("STRESS mailboxes: %llu messages moved (%llu received + %llu dropped and counted) "
	       "of %llu confirmed / %llu attempted sends; unaccounted %llu; duplicates %llu; "
	       "order violations %llu; %lu SIGKILLs (%lu batches recovered); %lu producers, "
	       "%lu consumers; %.1f s, %.0f msg/s",
	       (unsigned long long)(t.received + t.dropped),
	       (unsigned long long)t.received, (unsigned long long)t.dropped,
	       (unsigned long long)t.confirmed, (unsigned long long)t.attempted,
	       (unsigned long long)(t.missing_confirmed > t.dropped ?
				    t.missing_confirmed - t.dropped : 0),
	       (unsigned long long)t.dups, (unsigned long long)t.order,
	       kills, recovered, nprod, ncons, secs,
	       (t.received + t.dropped) / secs);

	{
		struct ipcchan_unlink u = {
			.size = sizeof(u), .type = IPCCHAN_OBJ_MAILBOX,
			.name = (uintptr_t)mbox_name,
			.name_len = sizeof(mbox_name) - 1,
		};

		EXPECT_EQ(0, ioctl(dev, IPCCHAN_IOC_UNLINK, &u));
	}
	for (k = 0; k < NMBOX; k++)
		close(mbox_fd[k]);
	close(dev);
	munmap(logv, log_bytes);
	munmap(sh, sizeof(*sh));
}

TEST_HARNESS_MAIN
