// SPDX-License-Identifier: GPL-2.0
/*
 * Record conservation over shared rings, with SIGKILL of participants.
 *
 * Setup: KRINGS kernel-producer rings, each fed by KPROD producers with
 * write(2), and URINGS rings with a libipcchan producer each (reserve,
 * copy, commit in batches); one libipcchan consumer per ring (peek,
 * check, release in batches). Record sizes 16-1024 bytes, rings of 4
 * pages so that producers keep blocking. The parent holds a producer
 * and a consumer fd of every ring, so a killed side never makes the
 * other see its peer gone, and SIGKILLs a random producer or consumer
 * about every 40 ms, then starts a new one in its place.
 *
 * Records carry (slot, seq) and a payload derived from them. Every
 * producer slot has a shared state: @attempted (one past the last seq
 * that may have been published, stored before write() or commit) and
 * @confirmed (one past the last seq known published, stored after). A
 * killed producer leaves the seqs [confirmed, attempted) interrupted:
 * each of them may or may not be in the ring, and its successor starts
 * at @attempted. A consumer stores, for every record it reads, the
 * ring position it found it at; a consumer killed before its release
 * hands the same records, at the same positions, to its successor, which
 * is how a re-read is told from a duplicate.
 *
 * Checked at the end, after the consumers drained every ring:
 * - no record at two positions (duplicate), none nobody sent, payloads
 *   intact, per-producer order kept;
 * - every confirmed record received; every missing record interrupted
 *   (a write() or a commit that SIGKILL cut short); unaccounted: 0;
 * - the kernel's counters: producer position = consumer position = the
 *   bytes of the records received; on kernel-producer rings,
 *   write_records and write_bytes = the records and payload received.
 *
 * IPCCHAN_STRESS_RECORDS sets the records to send (default 120000;
 * `make stress` sends 10^6).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "ipcchan.h"
#include "kselftest_harness.h"

#define KRINGS		2
#define KPROD		3	/* write() producers per kernel-producer ring */
#define URINGS		2
#define NRINGS		(KRINGS + URINGS)
#define NSLOTS		(KRINGS * KPROD + URINGS)
#define RING_PAGES	4
#define MIN_LEN		16
#define MAX_LEN		1024
#define BATCH_MAX	8

struct hdr {
	uint32_t slot;
	uint32_t seq;
	uint32_t len;
	uint32_t check;
};

struct slot {
	uint32_t attempted;
	uint32_t confirmed;
	uint32_t done;		/* reached its quota */
	uint32_t pad;
};

struct shared {
	volatile uint32_t stop;		/* consumers: drain and exit */
	uint32_t quota;			/* records per slot */
	struct slot slot[NSLOTS];
	uint32_t last_seq[NSLOTS];	/* highest seq seen + 1, per slot */
	uint64_t dups, bad_payload, foreign, order, reread;
	uint32_t pos_of[];		/* [slot * quota + seq]: ring position + 1 */
};

static struct shared *sh;
static int ring_fd[NRINGS][2];	/* the parent's producer and consumer fds */
static char ring_names[NRINGS][32];

static int slot_ring(int slot)
{
	return slot < KRINGS * KPROD ? slot / KPROD : KRINGS + slot - KRINGS * KPROD;
}

static bool ring_kernel(int ring)
{
	return ring < KRINGS;
}

static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	x ^= x >> 16;
	return x;
}

static uint32_t rec_len(uint32_t slot, uint32_t seq)
{
	uint32_t h = mix(slot * 0x9e3779b9 + seq);

	/* Mostly small, sometimes large. */
	return h & 3 ? MIN_LEN + (h >> 8) % 200 : MIN_LEN + (h >> 8) % (MAX_LEN - MIN_LEN + 1);
}

static void fill(void *buf, uint32_t slot, uint32_t seq, uint32_t len)
{
	struct hdr *h = buf;
	unsigned char *p = buf;
	uint32_t i;

	h->slot = slot;
	h->seq = seq;
	h->len = len;
	h->check = mix(slot ^ (seq << 8) ^ len);
	for (i = sizeof(*h); i < len; i++)
		p[i] = (unsigned char)(seq * 131 + i + slot);
}

static bool intact(const void *buf, uint32_t len)
{
	const struct hdr *h = buf;
	const unsigned char *p = buf;
	uint32_t i;

	if (len < sizeof(*h) || h->slot >= NSLOTS || h->len != len ||
	    len != rec_len(h->slot, h->seq) ||
	    h->check != mix(h->slot ^ (h->seq << 8) ^ len))
		return false;
	for (i = sizeof(*h); i < len; i++)
		if (p[i] != (unsigned char)(h->seq * 131 + i + h->slot))
			return false;
	return true;
}

static int open_ring(int ring, uint32_t role, bool create)
{
	int dev = ipcchan_dev_open(), fd;

	if (dev < 0)
		return dev;
	fd = ipcchan_ring_open(dev, ring_names[ring],
			       create ? IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL : 0,
			       role, RING_PAGES,
			       ring_kernel(ring) ? IPCCHAN_RING_KERNEL_PRODUCER : 0,
			       0600, NULL);
	close(dev);
	return fd;
}

/* A write() producer of a kernel-producer ring. */
static void kernel_producer(int slot)
{
	struct slot *s = &sh->slot[slot];
	char buf[MAX_LEN];
	uint32_t seq, len;
	int fd = open_ring(slot_ring(slot), IPCCHAN_RING_PRODUCER, false);

	if (fd < 0)
		_exit(10);
	for (seq = s->attempted; seq < sh->quota; seq++) {
		len = rec_len(slot, seq);
		fill(buf, slot, seq, len);
		__atomic_store_n(&s->attempted, seq + 1, __ATOMIC_SEQ_CST);
		if (write(fd, buf, len) != (ssize_t)len)
			_exit(11);
		__atomic_store_n(&s->confirmed, seq + 1, __ATOMIC_SEQ_CST);
	}
	s->done = 1;
	_exit(0);
}

/* The libipcchan producer of a ring: reserve, fill, commit, in batches. */
static void lib_producer(int slot)
{
	struct slot *s = &sh->slot[slot];
	struct ipcchan_ring *r;
	uint32_t seq, end, len;
	void *p;
	int fd, ret;

	fd = open_ring(slot_ring(slot), IPCCHAN_RING_PRODUCER, false);
	if (fd < 0 || ipcchan_ring_map(fd, &r))
		_exit(20);
	seq = s->attempted;
	while (seq < sh->quota) {
		end = seq + 1 + mix(seq) % BATCH_MAX;
		if (end > sh->quota)
			end = sh->quota;
		/* Anything reserved from here on may be published. */
		__atomic_store_n(&s->attempted, end, __ATOMIC_SEQ_CST);
		while (seq < end) {
			len = rec_len(slot, seq);
			ret = ipcchan_ring_reserve(r, len, &p);
			if (ret == -EAGAIN) {
				ret = ipcchan_ring_wait(r, 0, 200000000);
				if (ret && ret != -ETIMEDOUT && ret != -EINTR)
					_exit(21);
				continue;
			}
			if (ret)
				_exit(22);
			fill(p, slot, seq, len);
			seq++;
		}
		if (ipcchan_ring_commit(r))
			_exit(23);
		__atomic_store_n(&s->confirmed, end, __ATOMIC_SEQ_CST);
	}
	ipcchan_ring_unmap(r);
	s->done = 1;
	_exit(0);
}

/* Log one record found at ring position @pos. */
static void consume_one(const void *payload, uint32_t len, uint32_t pos)
{
	const struct hdr *h = payload;
	uint32_t *at;

	if (!intact(payload, len)) {
		__atomic_fetch_add(&sh->bad_payload, 1, __ATOMIC_RELAXED);
		return;
	}
	if (h->seq >= sh->quota) {
		__atomic_fetch_add(&sh->foreign, 1, __ATOMIC_RELAXED);
		return;
	}
	at = &sh->pos_of[(size_t)h->slot * sh->quota + h->seq];
	if (*at == pos + 1) {
		/* A dead consumer's unreleased record, read again. */
		__atomic_fetch_add(&sh->reread, 1, __ATOMIC_RELAXED);
		return;
	}
	if (*at) {
		__atomic_fetch_add(&sh->dups, 1, __ATOMIC_RELAXED);
		return;
	}
	if (h->seq < sh->last_seq[h->slot])
		__atomic_fetch_add(&sh->order, 1, __ATOMIC_RELAXED);
	__atomic_store_n(at, pos + 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&sh->last_seq[h->slot], h->seq + 1, __ATOMIC_SEQ_CST);
}

static void consumer(int ring)
{
	struct ipcchan_ring_stats st = { .size = sizeof(st) };
	struct ipcchan_ring *r;
	const void *payload;
	uint32_t len, pos;
	int fd, ret, n;

	fd = open_ring(ring, IPCCHAN_RING_CONSUMER, false);
	if (fd < 0 || ipcchan_ring_map(fd, &r))
		_exit(30);
	/* Where libipcchan starts: the released position in the page. */
	if (ipcchan_ring_get_stats(fd, &st))
		_exit(31);
	pos = st.consumer_pos;
	for (;;) {
		for (n = 0; n < 1 + (int)(mix(pos) % (2 * BATCH_MAX)); n++) {
			ret = ipcchan_ring_peek(r, &payload, &len);
			if (ret == -EAGAIN)
				break;
			if (ret)
				_exit(32);
			consume_one(payload, len, pos);
			pos += ipcchan_ring_rec_total(len);
		}
		if (ipcchan_ring_release(r))
			_exit(33);
		if (ret != -EAGAIN)
			continue;
		if (sh->stop) {
			/* Empty after the stop: nobody produces any more. */
			if (ipcchan_ring_get_stats(fd, &st))
				_exit(34);
			if (st.producer_pos == st.consumer_pos)
				break;
			continue;
		}
		ret = ipcchan_ring_wait(r, 0, 100000000);
		if (ret && ret != -ETIMEDOUT && ret != -EINTR)
			_exit(35);
	}
	ipcchan_ring_unmap(r);
	_exit(0);
}

struct proc {
	pid_t pid;
	int what;	/* slot (producer) or NSLOTS + ring (consumer) */
};

static pid_t spawn(int what)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	if (what < NSLOTS) {
		if (ring_kernel(slot_ring(what)))
			kernel_producer(what);
		lib_producer(what);
	}
	consumer(what - NSLOTS);
	_exit(99);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Interrupted seqs per slot: [lo, hi) of every killed producer. */
struct gap {
	uint32_t lo, hi;
};

#define MAX_GAPS 4096
static struct gap gaps[NSLOTS][MAX_GAPS];
static int ngaps[NSLOTS];

static bool interrupted(int slot, uint32_t seq)
{
	int i;

	for (i = 0; i < ngaps[slot]; i++)
		if (seq >= gaps[slot][i].lo && seq < gaps[slot][i].hi)
			return true;
	return false;
}

FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress) {}
FIXTURE_TEARDOWN(stress) {}

TEST_F_TIMEOUT(stress, rings, 7200)
{
	const char *env = getenv("IPCCHAN_STRESS_RECORDS");
	uint64_t total = env ? strtoull(env, NULL, 0) : 120000, t0, next_kill;
	uint64_t received = 0, confirmed = 0, attempted = 0, lost = 0;
	uint64_t unaccounted = 0, n_interrupted = 0, kills = 0, recovered;
	struct proc procs[NSLOTS + NRINGS];
	uint64_t ring_recs[NRINGS] = {}, ring_bytes[NRINGS] = {};
	uint64_t ring_space[NRINGS] = {};
	int i, st, nprocs = NSLOTS + NRINGS, alive;
	uint32_t quota, seq;
	size_t shsize;
	double secs;

	if (geteuid())
		SKIP(return, "needs root: rings of a fixed size and quota");
	quota = (total + NSLOTS - 1) / NSLOTS;
	shsize = sizeof(*sh) + (size_t)NSLOTS * quota * sizeof(uint32_t);
	sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	sh->quota = quota;
	for (i = 0; i < NRINGS; i++) {
		snprintf(ring_names[i], sizeof(ring_names[i]), "rstress-%d-%d",
			 i, getpid());
		ring_fd[i][1] = open_ring(i, IPCCHAN_RING_CONSUMER, true);
		ASSERT_LE(0, ring_fd[i][1]) TH_LOG("ring %d: %d", i, ring_fd[i][1]);
		ring_fd[i][0] = open_ring(i, IPCCHAN_RING_PRODUCER, false);
		ASSERT_LE(0, ring_fd[i][0]);
	}

	t0 = now_ns();
	srandom(1);
	for (i = 0; i < nprocs; i++) {
		procs[i].what = i;
		procs[i].pid = spawn(i);
		ASSERT_LT(0, procs[i].pid);
	}
	next_kill = now_ns() + 40000000;
	/* Kill and respawn until every producer slot met its quota. */
	for (;;) {
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid > 0) {
			for (i = 0; i < nprocs && procs[i].pid != pid; i++)
				;
			ASSERT_LT(i, nprocs);
			procs[i].pid = 0;
			if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
				if (procs[i].what < NSLOTS) {
					struct slot *s = &sh->slot[procs[i].what];
					int w = procs[i].what;

					ASSERT_LT(ngaps[w], MAX_GAPS);
					if (s->attempted > s->confirmed)
						gaps[w][ngaps[w]++] = (struct gap){
							s->confirmed, s->attempted };
					/* The successor starts after them. */
					s->confirmed = s->attempted;
				}
				if (procs[i].what >= NSLOTS || !sh->slot[procs[i].what].done)
					procs[i].pid = spawn(procs[i].what);
				continue;
			}
			ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
				TH_LOG("participant %d: status %#x", procs[i].what, st);
			ASSERT_LT(procs[i].what, NSLOTS) TH_LOG("consumer exited early");
			continue;
		}
		for (i = 0, alive = 0; i < NSLOTS; i++)
			alive += procs[i].pid != 0;
		if (!alive)
			break;
		if (now_ns() >= next_kill) {
			i = random() % nprocs;
			if (procs[i].pid) {
				kill(procs[i].pid, SIGKILL);
				kills++;
			}
			next_kill = now_ns() + 10000000 + random() % 60000000;
		}
		usleep(2000);
	}
	/* Producers are done: the consumers drain and leave. */
	sh->stop = 1;
	for (i = NSLOTS; i < nprocs; i++) {
		ASSERT_EQ(procs[i].pid, waitpid(procs[i].pid, &st, 0));
		/*
		 * Killed in the loop's last round, after its last reaping:
		 * a successor drains in its place, as during the run.
		 */
		while (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
			procs[i].pid = spawn(procs[i].what);
			ASSERT_LT(0, procs[i].pid);
			ASSERT_EQ(procs[i].pid, waitpid(procs[i].pid, &st, 0));
		}
		ASSERT_EQ(0, st) TH_LOG("consumer %d: status %#x", i - NSLOTS, st);
	}
	secs = (now_ns() - t0) / 1e9;

	/* Every record: received, or interrupted, or unaccounted. */
	for (i = 0; i < NSLOTS; i++) {
		attempted += sh->slot[i].attempted;
		for (seq = 0; seq < sh->slot[i].attempted; seq++) {
			uint32_t pos = sh->pos_of[(size_t)i * quota + seq];
			int ring = slot_ring(i);

			if (pos) {
				received++;
				ring_recs[ring]++;
				ring_bytes[ring] += rec_len(i, seq);
				ring_space[ring] += ipcchan_ring_rec_total(rec_len(i, seq));
				if (!interrupted(i, seq))
					confirmed++;
				continue;
			}
			if (interrupted(i, seq)) {
				lost++;
				continue;
			}
			unaccounted++;
			if (unaccounted < 10)
				TH_LOG("slot %d seq %u: confirmed but never received", i, seq);
		}
		for (st = 0; st < ngaps[i]; st++)
			n_interrupted += gaps[i][st].hi - gaps[i][st].lo;
	}
	recovered = n_interrupted - lost;

	/* The kernel's counters agree with the logs. */
	for (i = 0; i < NRINGS; i++) {
		struct ipcchan_ring_stats rs = { .size = sizeof(rs) };

		ASSERT_EQ(0, ipcchan_ring_get_stats(ring_fd[i][1], &rs));
		EXPECT_EQ(rs.producer_pos, rs.consumer_pos) TH_LOG("ring %d", i);
		EXPECT_EQ((uint32_t)ring_space[i], rs.producer_pos) TH_LOG("ring %d", i);
		EXPECT_EQ(0, rs.corrupt);
		if (ring_kernel(i)) {
			EXPECT_EQ(ring_recs[i], rs.write_records) TH_LOG("ring %d", i);
			EXPECT_EQ(ring_bytes[i], rs.write_bytes) TH_LOG("ring %d", i);
		}
		close(ring_fd[i][0]);
		close(ring_fd[i][1]);
		ASSERT_EQ(0, ({ int dev = ipcchan_dev_open(), r;
				r = ipcchan_ring_unlink(dev, ring_names[i]);
				close(dev); r; }));
	}

	TH_LOG("%llu records moved (%llu confirmed + %llu of %llu interrupted by SIGKILL) of %llu attempted; "
	       "lost with a killed producer's unpublished write/reservation %llu; unaccounted %llu; "
	       "duplicates %llu; order violations %llu; bad payloads %llu; foreign %llu; "
	       "%llu SIGKILLs (%llu records re-read after a consumer's death); %.1f s, %.0f records/s",
	       (unsigned long long)received, (unsigned long long)confirmed,
	       (unsigned long long)recovered, (unsigned long long)n_interrupted,
	       (unsigned long long)attempted, (unsigned long long)lost,
	       (unsigned long long)unaccounted, (unsigned long long)sh->dups,
	       (unsigned long long)sh->order, (unsigned long long)sh->bad_payload,
	       (unsigned long long)sh->foreign, (unsigned long long)kills,
	       (unsigned long long)sh->reread, secs, received / secs);
	EXPECT_EQ(0, unaccounted);
	EXPECT_EQ(0, sh->dups);
	EXPECT_EQ(0, sh->order);
	EXPECT_EQ(0, sh->bad_payload);
	EXPECT_EQ(0, sh->foreign);
	EXPECT_EQ(attempted - lost, received);
	munmap(sh, shsize);
}

TEST_HARNESS_MAIN
