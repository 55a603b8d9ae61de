// SPDX-License-Identifier: GPL-2.0
/*
 * Shared-memory rings: the do-it-yourself baseline for ipcchan's rings.
 *
 * One single-producer single-consumer ring per direction in a MAP_SHARED
 * anonymous mapping inherited across fork. Slots are fixed-size (one run
 * has one message size): a length word, then the payload. The producer
 * copies the message into a slot (one copy); the consumer verifies it in
 * place (zero-copy) and then frees the slot.
 *
 * Wakeups follow the need-wakeup protocol ipcchan's rings use:
 *
 *   waiter:  set my waiting flag; full barrier; re-check; sleep
 *   waker:   publish my position; full barrier; wake only if the flag is set
 *
 * so while both sides keep up no system call happens. Sleeping is a futex
 * on the position word (shm-futex) or a read() of an eventfd (shm-eventfd).
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

#define CACHELINE 64

struct ring_hdr {
	_Alignas(CACHELINE) _Atomic uint32_t head;	/* producer: next slot to fill */
	_Atomic uint32_t prod_waiting;
	_Alignas(CACHELINE) _Atomic uint32_t tail;	/* consumer: next slot to read */
	_Atomic uint32_t cons_waiting;
	_Alignas(CACHELINE) unsigned char slots[];
};

struct ring {
	struct ring_hdr *h;
	size_t map_len, slot_size;
	uint32_t nslots;
	int efd_data, efd_space;	/* eventfd flavour */
};

enum { W_FUTEX, W_EVENTFD };

struct chan {
	struct ring r[2];
	int ndirs, wait;
};

static long futex(_Atomic uint32_t *uaddr, int op, uint32_t val)
{
	/* Shared (not FUTEX_PRIVATE_FLAG): the word lives in a shared mapping. */
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void ring_sleep(struct chan *c, struct ring *r, _Atomic uint32_t *word,
		       uint32_t seen, int efd)
{
	uint64_t v;

	if (c->wait == W_FUTEX)
		futex(word, FUTEX_WAIT, seen);	/* EAGAIN if it moved: fine */
	else if (read(efd, &v, sizeof(v)) < 0 && errno == EINTR)
		return;
}

static void ring_wake(struct chan *c, _Atomic uint32_t *word, int efd)
{
	uint64_t one = 1;

	if (c->wait == W_FUTEX)
		futex(word, FUTEX_WAKE, 1);
	else if (write(efd, &one, sizeof(one)) < 0)
		return;
}

static int wait_until(struct chan *c, struct ring *r, bool for_data)
{
	struct ring_hdr *h = r->h;
	_Atomic uint32_t *flag = for_data ? &h->cons_waiting : &h->prod_waiting;
	_Atomic uint32_t *word = for_data ? &h->head : &h->tail;
	int efd = for_data ? r->efd_data : r->efd_space;
	uint32_t head, tail;

	for (;;) {
		head = atomic_load_explicit(&h->head, memory_order_acquire);
		tail = atomic_load_explicit(&h->tail, memory_order_acquire);
		if (for_data ? head != tail : head - tail < r->nslots)
			return 0;
		atomic_store_explicit(flag, 1, memory_order_relaxed);
		atomic_thread_fence(memory_order_seq_cst);
		head = atomic_load_explicit(&h->head, memory_order_acquire);
		tail = atomic_load_explicit(&h->tail, memory_order_acquire);
		if (for_data ? head == tail : head - tail == r->nslots) {
			errno = 0;
			ring_sleep(c, r, word, for_data ? head : tail, efd);
			if (errno == EINTR) {
				atomic_store_explicit(flag, 0, memory_order_relaxed);
				return -1;
			}
		}
		atomic_store_explicit(flag, 0, memory_order_relaxed);
	}
}

static int shm_send(struct chan *c, int dir, void *buf, size_t len)
{
	struct ring *r = &c->r[dir];
	struct ring_hdr *h = r->h;
	uint32_t head = atomic_load_explicit(&h->head, memory_order_relaxed);
	unsigned char *slot;
	uint64_t l = len;

	if (head - atomic_load_explicit(&h->tail, memory_order_acquire) == r->nslots &&
	    wait_until(c, r, false) < 0)
		return -1;
	slot = h->slots + (size_t)(head & (r->nslots - 1)) * r->slot_size;
	memcpy(slot, &l, sizeof(l));
	memcpy(slot + sizeof(l), buf, len);
	atomic_store_explicit(&h->head, head + 1, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&h->cons_waiting, memory_order_relaxed))
		ring_wake(c, &h->head, r->efd_data);
	return 0;
}

static ssize_t shm_recv(struct chan *c, int dir, void *buf, size_t cap, const void **msg)
{
	struct ring *r = &c->r[dir];
	struct ring_hdr *h = r->h;
	uint32_t tail = atomic_load_explicit(&h->tail, memory_order_relaxed);
	unsigned char *slot;
	uint64_t l;

	if (atomic_load_explicit(&h->head, memory_order_acquire) == tail &&
	    wait_until(c, r, true) < 0)
		return -1;
	slot = h->slots + (size_t)(tail & (r->nslots - 1)) * r->slot_size;
	memcpy(&l, slot, sizeof(l));
	if (l > cap) {	/* never trust a length read from shared memory */
		errno = EMSGSIZE;
		return -1;
	}
	*msg = slot + sizeof(l);
	return (ssize_t)l;
}

static void shm_release(struct chan *c, int dir)
{
	struct ring *r = &c->r[dir];
	struct ring_hdr *h = r->h;
	uint32_t tail = atomic_load_explicit(&h->tail, memory_order_relaxed);

	atomic_store_explicit(&h->tail, tail + 1, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&h->prod_waiting, memory_order_relaxed))
		ring_wake(c, &h->tail, r->efd_space);
}

static void shm_teardown(struct chan *c, int role)
{
	int d;

	for (d = 0; d < c->ndirs; d++) {
		if (c->r[d].h)
			munmap(c->r[d].h, c->r[d].map_len);
		if (c->r[d].efd_data >= 0)
			close(c->r[d].efd_data);
		if (c->r[d].efd_space >= 0)
			close(c->r[d].efd_space);
	}
	free(c);
}

/*
 * Slots of the message size rounded up to a cache line; at least 8 slots
 * and at least 256 KiB of ring, like a generously sized pipe.
 */
static int shm_setup(struct chan **cp, const struct chan_cfg *cfg, int wait,
		     char *why, size_t len)
{
	struct chan *c = calloc(1, sizeof(*c));
	int d;

	if (!c)
		return -ENOMEM;
	c->ndirs = cfg->ndirs;
	c->wait = wait;
	for (d = 0; d < 2; d++)
		c->r[d].efd_data = c->r[d].efd_space = -1;
	for (d = 0; d < cfg->ndirs; d++) {
		struct ring *r = &c->r[d];

		r->slot_size = (cfg->size + 8 + CACHELINE - 1) & ~(size_t)(CACHELINE - 1);
		r->nslots = 8;
		while ((size_t)r->nslots * r->slot_size < 262144)
			r->nslots *= 2;
		r->map_len = sizeof(struct ring_hdr) + (size_t)r->nslots * r->slot_size;
		r->h = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (r->h == MAP_FAILED) {
			r->h = NULL;
			snprintf(why, len, "mmap %zu bytes: %s", r->map_len, strerror(errno));
			shm_teardown(c, 0);
			return -ENOMEM;
		}
		if (wait == W_EVENTFD) {
			r->efd_data = eventfd(0, EFD_CLOEXEC);
			r->efd_space = eventfd(0, EFD_CLOEXEC);
			if (r->efd_data < 0 || r->efd_space < 0) {
				snprintf(why, len, "eventfd: %s", strerror(errno));
				shm_teardown(c, 0);
				return -EIO;
			}
		}
	}
	*cp = c;
	return 0;
}

static int futex_setup(struct chan **cp, const struct chan_cfg *cfg, char *why, size_t len)
{
	return shm_setup(cp, cfg, W_FUTEX, why, len);
}

static int eventfd_setup(struct chan **cp, const struct chan_cfg *cfg, char *why, size_t len)
{
	return shm_setup(cp, cfg, W_EVENTFD, why, len);
}

static int shm_attach(struct chan *c, int role)
{
	return 0;
}

static int always(char *why, size_t len)
{
	return 0;
}

static size_t no_cap(size_t want)
{
	return want;
}

static const struct mech mech_futex = {
	.name = "shm-futex", .desc = "shared-memory SPSC ring, futex wakeups (need-wakeup)",
	.available = always, .max_size = no_cap, .setup = futex_setup,
	.attach = shm_attach, .send = shm_send, .recv = shm_recv,
	.release = shm_release, .teardown = shm_teardown,
};

static const struct mech mech_eventfd = {
	.name = "shm-eventfd", .desc = "shared-memory SPSC ring, eventfd wakeups (need-wakeup)",
	.available = always, .max_size = no_cap, .setup = eventfd_setup,
	.attach = shm_attach, .send = shm_send, .recv = shm_recv,
	.release = shm_release, .teardown = shm_teardown,
};

const struct mech *const shm_mechs[] = { &mech_futex, &mech_eventfd, NULL };
