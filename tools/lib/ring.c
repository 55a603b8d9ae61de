// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libipcchan: producer and consumer sides of an ipcchan shared ring.
 *
 * The protocol (Documentation/userspace-api/ipcchan.rst, "Shared rings"):
 *
 *   producer                              consumer
 *   write records at its position         read records up to the producer
 *   release-store its position  ------->  acquire-load the producer position
 *   full barrier                          ...
 *   load consumer waiting word N          store N, the bytes it waits for,
 *   if N and N bytes are published:         in its waiting word
 *     KICK                                full barrier
 *                                         re-check the producer position
 *                                         if still short: WAIT (kernel
 *                                         re-checks after queueing us)
 *
 * and the same with the roles swapped for space. The two full barriers
 * make it impossible for the producer to miss the word while the
 * consumer misses the position; since the consumer's condition only
 * grows with the producer's position, a publication that does not meet N
 * needs no kick, and a later one that does will see N. A kick owed when
 * the publisher then waits itself rides on its WAIT (KICK_FD): one
 * system call instead of two.
 *
 * Each side caches the other side's position and reloads it only when the
 * cached value says there is no room (producer) or nothing to read
 * (consumer); batches of records are published with one store.
 *
 * Nothing read from shared memory is trusted: positions and headers are
 * loaded once, validated, and only the validated copies are used.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "ipcchan.h"
#include "ring_internal.h"

#define load_acquire(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define load_relaxed(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define store_relaxed(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define full_barrier()		__atomic_thread_fence(__ATOMIC_SEQ_CST)

#define HDR_SIZE	((uint32_t)sizeof(struct ipcchan_ring_rec))

/* ------------------------------------------------------------------ */
/* Pure logic                                                          */
/* ------------------------------------------------------------------ */

/*
 * The static inline copies are what the ring code calls: the exported
 * names are interposable in a -fPIC build, so calls to them from this
 * file are never inlined, and under QEMU TCG each such call costs about
 * as much as the check it makes.
 */
static inline uint32_t rec_total(uint32_t len)
{
	uint64_t t = (uint64_t)HDR_SIZE + len + IPCCHAN_RING_ALIGN - 1;

	return (uint32_t)(t & ~(uint64_t)(IPCCHAN_RING_ALIGN - 1));
}

static inline int64_t span(uint32_t ahead, uint32_t behind, uint32_t size)
{
	uint32_t used = ahead - behind;

	if (used > size || (ahead | behind) % IPCCHAN_RING_ALIGN)
		return -1;
	return used;
}

static inline int64_t rec_check(uint32_t len, uint32_t flags, uint32_t avail,
				uint32_t max_record)
{
	uint32_t total;

	if (flags & ~IPCCHAN_RING_REC_PAD)
		return -EIO;
	if (max_record < HDR_SIZE || len > max_record - HDR_SIZE)
		return -EIO;
	total = rec_total(len);
	if (total > max_record || total > avail)
		return -EIO;
	return total;
}

uint32_t ipcchan_ring_rec_total(uint32_t len)
{
	return rec_total(len);
}

int64_t ipcchan_ring_span(uint32_t ahead, uint32_t behind, uint32_t size)
{
	return span(ahead, behind, size);
}

int64_t ipcchan_ring_rec_check(uint32_t len, uint32_t flags, uint32_t avail,
			       uint32_t max_record)
{
	return rec_check(len, flags, avail, max_record);
}

/* ------------------------------------------------------------------ */
/* Device and fd helpers                                               */
/* ------------------------------------------------------------------ */

int ipcchan_dev_open(void)
{
	int fd = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int ipcchan_ring_open(int dev, const char *name, uint32_t flags,
		      uint32_t role, uint32_t nr_pages, uint32_t ring_flags,
		      mode_t mode, int *peer_fd)
{
	struct ipcchan_ring_open op;
	int fd;

	memset(&op, 0, sizeof(op));
	op.size = sizeof(op);
	op.flags = flags;
	op.role = role;
	op.mode = mode;
	op.nr_pages = nr_pages;
	op.ring_flags = ring_flags;
	if (name) {
		op.name = (uintptr_t)name;
		op.name_len = strlen(name);
	}
	fd = ioctl(dev, IPCCHAN_IOC_RING_OPEN, &op);
	if (fd < 0)
		return -errno;
	if (peer_fd)
		*peer_fd = op.peer_fd;
	return fd;
}

int ipcchan__unlink(int dev, uint32_t type, const char *name)
{
	struct ipcchan_unlink ul;

	memset(&ul, 0, sizeof(ul));
	ul.size = sizeof(ul);
	ul.type = type;
	ul.name = (uintptr_t)name;
	ul.name_len = strlen(name);
	return ioctl(dev, IPCCHAN_IOC_UNLINK, &ul) ? -errno : 0;
}

int ipcchan_ring_unlink(int dev, const char *name)
{
	return ipcchan__unlink(dev, IPCCHAN_OBJ_RING, name);
}

int ipcchan_ring_get_stats(int fd, struct ipcchan_ring_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, IPCCHAN_IOC_RING_GET_STATS, st) ? -errno : 0;
}

/* ------------------------------------------------------------------ */
/* Mapping                                                             */
/* ------------------------------------------------------------------ */

static int is_pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

/* The info page must agree with the kernel's answer and with itself. */
static int ring_check_info(const struct ipcchan_ring_info_page *info,
			   const struct ipcchan_ring_info *ri)
{
	const struct ipcchan_ring_offsets *o = &info->off;
	uint32_t line = 3 * 128;

	if (info->magic != IPCCHAN_RING_MAGIC ||
	    info->version != IPCCHAN_RING_LAYOUT_VERSION)
		return -EPROTO;
	if (memcmp(o, &ri->off, sizeof(*o)) || info->nr_pages != ri->nr_pages)
		return -EPROTO;
	if (!is_pow2(o->data_size) || o->data_size > (1U << 30) ||
	    info->max_record != o->data_size / 2)
		return -EPROTO;
	if (o->ctrl_len < line || o->pos > o->ctrl_len - sizeof(uint32_t) ||
	    o->waiting > o->ctrl_len - sizeof(uint32_t) ||
	    o->stats > o->ctrl_len - sizeof(struct ipcchan_ring_ctrl_stats) ||
	    (o->pos | o->waiting | o->stats) % 8)
		return -EPROTO;
	return 0;
}

static void *map_region(int fd, uint64_t off, size_t len, int writable)
{
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);

	return mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);
}

int ipcchan_ring__attach(struct ipcchan_ring *r, uint32_t role,
			 const struct ipcchan_ring_info_page *info,
			 void *prod, void *cons, void *data)
{
	const struct ipcchan_ring_offsets *o = &info->off;
	char *mine = role == IPCCHAN_RING_PRODUCER ? prod : cons;
	char *peer = role == IPCCHAN_RING_PRODUCER ? cons : prod;

	r->role = role;
	r->info = info;
	r->size = o->data_size;
	r->mask = o->data_size - 1;
	r->max_record = info->max_record;
	r->kernel_producer = !!(info->flags & IPCCHAN_RING_KERNEL_PRODUCER);
	r->data = data;
	r->my_pos = (uint32_t *)(mine + o->pos);
	r->my_waiting = (uint32_t *)(mine + o->waiting);
	r->my_stats = (struct ipcchan_ring_ctrl_stats *)(mine + o->stats);
	r->peer_pos = (const uint32_t *)(peer + o->pos);
	r->peer_waiting = (const uint32_t *)(peer + o->waiting);
	/* A producer page we may not write is the kernel's. */
	r->own_page = !(role == IPCCHAN_RING_PRODUCER && r->kernel_producer);

	r->local = load_acquire(r->my_pos);
	r->published = r->local;
	r->cached_peer = load_acquire(r->peer_pos);
	if (span(role == IPCCHAN_RING_PRODUCER ? r->local :
			      r->cached_peer,
			      role == IPCCHAN_RING_PRODUCER ? r->cached_peer :
			      r->local, r->size) < 0)
		r->corrupt = 1;
	return 0;
}

int ipcchan_ring_map(int fd, struct ipcchan_ring **ringp)
{
	struct ipcchan_ring_info ri;
	struct ipcchan_ring *r;
	int prod_w, cons_w, data_w, ret;

	memset(&ri, 0, sizeof(ri));
	ri.size = sizeof(ri);
	if (ioctl(fd, IPCCHAN_IOC_RING_GET_INFO, &ri))
		return -errno;
	if (ri.role != IPCCHAN_RING_PRODUCER &&
	    ri.role != IPCCHAN_RING_CONSUMER)
		return -EBADF;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->fd = fd;
	prod_w = ri.role == IPCCHAN_RING_PRODUCER &&
		 !(ri.ring_flags & IPCCHAN_RING_KERNEL_PRODUCER);
	cons_w = ri.role == IPCCHAN_RING_CONSUMER;
	data_w = prod_w;

	r->map[0] = map_region(fd, ri.off.info_off, ri.off.info_len, 0);
	r->map_len[0] = ri.off.info_len;
	r->map[1] = map_region(fd, ri.off.prod_off, ri.off.ctrl_len, prod_w);
	r->map_len[1] = ri.off.ctrl_len;
	r->map[2] = map_region(fd, ri.off.cons_off, ri.off.ctrl_len, cons_w);
	r->map_len[2] = ri.off.ctrl_len;
	r->map[3] = map_region(fd, ri.off.data_off, 2 * (size_t)ri.off.data_size,
			       data_w);
	r->map_len[3] = 2 * (size_t)ri.off.data_size;
	for (int i = 0; i < 4; i++) {
		if (r->map[i] == MAP_FAILED) {
			ret = -errno;
			goto err;
		}
	}
	ret = ring_check_info(r->map[0], &ri);
	if (ret)
		goto err;
	ipcchan_ring__attach(r, ri.role, r->map[0], r->map[1], r->map[2],
			     r->map[3]);
	*ringp = r;
	return 0;

err:
	for (int i = 0; i < 4; i++)
		if (r->map[i] && r->map[i] != MAP_FAILED)
			munmap(r->map[i], r->map_len[i]);
	free(r);
	return ret;
}

void ipcchan_ring_unmap(struct ipcchan_ring *r)
{
	if (!r)
		return;
	if (r->role == IPCCHAN_RING_PRODUCER)
		ipcchan_ring_commit(r);
	else
		ipcchan_ring_release(r);
	for (int i = 0; i < 4; i++)
		if (r->map[i])
			munmap(r->map[i], r->map_len[i]);
	free(r);
}

int ipcchan_ring_fd(const struct ipcchan_ring *r)
{
	return r->fd;
}

uint32_t ipcchan_ring_role(const struct ipcchan_ring *r)
{
	return r->role;
}

uint32_t ipcchan_ring_data_size(const struct ipcchan_ring *r)
{
	return r->size;
}

uint32_t ipcchan_ring_max_payload(const struct ipcchan_ring *r)
{
	return r->max_record - HDR_SIZE;
}

const struct ipcchan_ring_info_page *
ipcchan_ring_info(const struct ipcchan_ring *r)
{
	return r->info;
}

/* ------------------------------------------------------------------ */
/* Publishing and kicking                                              */
/* ------------------------------------------------------------------ */

static void stat_add(__u64 *field, uint64_t n)
{
	store_relaxed(field, load_relaxed(field) + n);
}

int ipcchan_ring_kick(struct ipcchan_ring *r)
{
	if (ioctl(r->fd, IPCCHAN_IOC_RING_KICK, 0))
		return -errno;
	if (r->own_page)
		stat_add(&r->my_stats->kicks, 1);
	return 0;
}

/*
 * Whether the other side, waiting for @need bytes, can go on now: a
 * consumer when @need bytes are published, a producer when @need bytes
 * are free. The other side's position is loaded afresh; a nonsensical
 * pair says yes and leaves the verdict to the kernel.
 */
static int peer_satisfied(const struct ipcchan_ring *r, uint32_t need)
{
	int64_t used;

	if (r->role == IPCCHAN_RING_PRODUCER) {
		used = span(r->local, load_acquire(r->peer_pos),
					 r->size);
		return used < 0 || used >= need;
	}
	used = span(load_acquire(r->peer_pos), r->local, r->size);
	return used < 0 || r->size - used >= need;
}

/*
 * Make r->local visible to the other side. Returns 1 when the other side
 * must now be kicked (it waits, and for no more than there is), else 0.
 * The full barrier between our store and its word's load pairs with the
 * one between its word's store and its re-check. The word is the other
 * side's to write, so any value only decides whether we kick.
 */
static int ring_publish_owed(struct ipcchan_ring *r)
{
	uint32_t need;

	if (r->local == r->published)
		return 0;
	store_release(r->my_pos, r->local);
	r->published = r->local;
	stat_add(&r->my_stats->records, r->pending_records);
	stat_add(&r->my_stats->bytes, r->pending_bytes);
	r->pending_records = 0;
	r->pending_bytes = 0;

	full_barrier();
	need = load_relaxed(r->peer_waiting);
	if (!need || !peer_satisfied(r, need)) {
		stat_add(&r->my_stats->kicks_avoided, 1);
		return 0;
	}
	return 1;
}

/* Publish, and kick the other side if, and only if, it needs it. */
static int ring_publish(struct ipcchan_ring *r)
{
	return ring_publish_owed(r) ? ipcchan_ring_kick(r) : 0;
}

/* ------------------------------------------------------------------ */
/* Producer                                                            */
/* ------------------------------------------------------------------ */

/* Free bytes, reloading the consumer position; -EIO if it is bogus. */
static int64_t prod_free(struct ipcchan_ring *r, int reload)
{
	int64_t used;

	if (reload)
		r->cached_peer = load_acquire(r->peer_pos);
	used = span(r->local, r->cached_peer, r->size);
	if (used < 0) {
		r->corrupt = 1;
		return -EIO;
	}
	return r->size - used;
}

/*
 * Whether @r may reserve records: -EBADF for a consumer, -EOPNOTSUPP for
 * a ring whose producer is the kernel, -EIO once a header was found
 * corrupt; 0 otherwise.
 */
static int producer_usable(const struct ipcchan_ring *r)
{
	if (r->role != IPCCHAN_RING_PRODUCER)
		return -EBADF;
	if (r->kernel_producer)
		return -EOPNOTSUPP;
	if (r->corrupt)
		return -EIO;
	return 0;
}

int ipcchan_ring_reserve(struct ipcchan_ring *r, uint32_t len, void **payload)
{
	struct ipcchan_ring_rec *rec;
	uint32_t total;
	int64_t room;
	int ret;

	ret = producer_usable(r);
	if (ret)
		return ret;
	if (len > r->max_record - HDR_SIZE)
		return -EMSGSIZE;
	total = rec_total(len);

	room = prod_free(r, 0);
	if (room >= 0 && room < total)
		room = prod_free(r, 1);
	if (room < 0)
		return -EIO;
	if (room < total) {
		stat_add(&r->my_stats->stalls, 1);
		return -EAGAIN;
	}

	rec = (struct ipcchan_ring_rec *)(r->data + (r->local & r->mask));
	rec->len = len;
	rec->flags = 0;
	*payload = rec + 1;
	r->local += total;
	r->pending_records++;
	r->pending_bytes += len;
	r->last_rec = rec;
	return 0;
}

void ipcchan_ring_cancel(struct ipcchan_ring *r, void *payload)
{
	struct ipcchan_ring_rec *rec = (struct ipcchan_ring_rec *)payload - 1;

	if (rec != r->last_rec || !r->pending_records)
		return;
	rec->flags = IPCCHAN_RING_REC_PAD;
	r->pending_records--;
	r->pending_bytes -= rec->len;
	r->last_rec = NULL;
}

int ipcchan_ring_reserve_batch(struct ipcchan_ring *r, const uint32_t *lens,
			       void **payloads, unsigned int n)
{
	uint32_t pos, end, max_len, total;
	uint64_t bytes = 0;
	struct ipcchan_ring_rec *rec = NULL;
	unsigned int i;
	int reloaded = 0, ret;
	int64_t room;

	ret = producer_usable(r);
	if (ret)
		return ret;
	if (!n)
		return 0;

	room = prod_free(r, 0);
	if (room < 0)
		return -EIO;
	max_len = r->max_record - HDR_SIZE;
	pos = r->local;
	end = pos + (uint32_t)room;
	for (i = 0; i < n; i++) {
		if (lens[i] > max_len)
			break;
		total = rec_total(lens[i]);
		if (total > end - pos) {
			/* One reload of the consumer position per call. */
			if (reloaded)
				break;
			reloaded = 1;
			room = prod_free(r, 1);
			if (room < 0)
				return -EIO;
			end = r->local + (uint32_t)room;
			if (total > end - pos)
				break;
		}
		rec = (struct ipcchan_ring_rec *)(r->data + (pos & r->mask));
		rec->len = lens[i];
		rec->flags = 0;
		payloads[i] = rec + 1;
		bytes += lens[i];
		pos += total;
	}
	if (!i) {
		if (lens[0] > max_len)
			return -EMSGSIZE;
		stat_add(&r->my_stats->stalls, 1);
		return -EAGAIN;
	}
	r->local = pos;
	r->pending_records += i;
	r->pending_bytes += bytes;
	r->last_rec = rec;
	return (int)i;
}

int ipcchan_ring_unreserve(struct ipcchan_ring *r, unsigned int n)
{
	uint32_t pos, keep_pos, count = 0, keep;
	uint64_t records = 0, bytes = 0;
	int pass, ret;

	ret = producer_usable(r);
	if (ret)
		return ret;
	if (!n || r->local == r->published)
		return 0;

	/*
	 * Only @r->local and @r->published are ours; the headers in between
	 * are shared memory like any other, so they are walked and checked
	 * as a consumer would: first to count the records, then to find the
	 * first one given back and to recount what stays.
	 */
	keep_pos = r->published;
	keep = 0;
	for (pass = 0; pass < 2; pass++) {
		for (pos = r->published; pos != r->local;) {
			const struct ipcchan_ring_rec *rec =
				(const struct ipcchan_ring_rec *)
				(r->data + (pos & r->mask));
			uint32_t hlen = load_relaxed(&rec->len);
			uint32_t hflags = load_relaxed(&rec->flags);
			int64_t total = rec_check(hlen, hflags, r->local - pos,
						  r->max_record);

			if (total < 0) {
				r->corrupt = 1;
				return -EIO;
			}
			if (pass == 0) {
				count++;
			} else {
				if (!keep--)
					break;
				if (!(hflags & IPCCHAN_RING_REC_PAD)) {
					records++;
					bytes += hlen;
				}
			}
			pos += (uint32_t)total;
		}
		if (pass == 0) {
			if (n > count)
				n = count;
			keep = count - n;
		} else {
			keep_pos = pos;
		}
	}
	r->local = keep_pos;
	r->pending_records = records;
	r->pending_bytes = bytes;
	r->last_rec = NULL;
	return (int)n;
}

int ipcchan_ring_commit(struct ipcchan_ring *r)
{
	if (r->role != IPCCHAN_RING_PRODUCER || r->kernel_producer)
		return -EBADF;
	r->last_rec = NULL;
	return ring_publish(r);
}

int ipcchan_ring_send(struct ipcchan_ring *r, const void *buf, uint32_t len)
{
	void *p;
	int ret;

	if (r->role == IPCCHAN_RING_PRODUCER && r->kernel_producer) {
		ssize_t n = write(r->fd, buf, len);

		return n < 0 ? -errno : 0;
	}
	ret = ipcchan_ring_reserve(r, len, &p);
	if (ret)
		return ret;
	memcpy(p, buf, len);
	return ipcchan_ring_commit(r);
}

/* ------------------------------------------------------------------ */
/* Consumer                                                            */
/* ------------------------------------------------------------------ */

int ipcchan_ring_peek(struct ipcchan_ring *r, const void **payload,
		      uint32_t *len)
{
	if (r->role != IPCCHAN_RING_CONSUMER)
		return -EBADF;

	for (;;) {
		const struct ipcchan_ring_rec *rec;
		uint32_t hlen, hflags;
		int64_t avail, total;

		if (r->corrupt)
			return -EIO;
		if (r->cached_peer == r->local)
			r->cached_peer = load_acquire(r->peer_pos);
		avail = span(r->cached_peer, r->local, r->size);
		if (avail < 0) {
			r->corrupt = 1;
			return -EIO;
		}
		if (!avail) {
			stat_add(&r->my_stats->stalls, 1);
			return -EAGAIN;
		}

		/* One load of each field; only the copies are used. */
		rec = (const struct ipcchan_ring_rec *)
			(r->data + (r->local & r->mask));
		hlen = load_relaxed(&rec->len);
		hflags = load_relaxed(&rec->flags);
		total = rec_check(hlen, hflags, avail,
					       r->max_record);
		if (total < 0) {
			r->corrupt = 1;
			return -EIO;
		}
		r->local += total;
		if (hflags & IPCCHAN_RING_REC_PAD)
			continue;
		r->pending_records++;
		r->pending_bytes += hlen;
		*payload = rec + 1;
		*len = hlen;
		return 0;
	}
}

int ipcchan_ring_peek_batch(struct ipcchan_ring *r, const void **payloads,
			    uint32_t *lens, unsigned int n)
{
	uint32_t pos, end;
	uint64_t bytes = 0;
	unsigned int i = 0;
	int reloaded = 0, err = 0;

	if (r->role != IPCCHAN_RING_CONSUMER)
		return -EBADF;
	if (r->corrupt)
		return -EIO;
	if (!n)
		return 0;

	pos = r->local;
	end = r->cached_peer;
	if (span(end, pos, r->size) < 0) {
		r->corrupt = 1;
		return -EIO;
	}
	while (i < n) {
		const struct ipcchan_ring_rec *rec;
		uint32_t hlen, hflags;
		int64_t avail, total;

		if (pos == end) {
			/* One load of the producer position per call. */
			if (reloaded)
				break;
			reloaded = 1;
			end = load_acquire(r->peer_pos);
			r->cached_peer = end;
			if (span(end, pos, r->size) < 0) {
				err = -EIO;
				break;
			}
			if (pos == end)
				break;
		}
		avail = end - pos;

		/* One load of each field; only the copies are used. */
		rec = (const struct ipcchan_ring_rec *)
			(r->data + (pos & r->mask));
		hlen = load_relaxed(&rec->len);
		hflags = load_relaxed(&rec->flags);
		total = rec_check(hlen, hflags, (uint32_t)avail, r->max_record);
		if (total < 0) {
			err = -EIO;
			break;
		}
		pos += (uint32_t)total;
		if (hflags & IPCCHAN_RING_REC_PAD)
			continue;
		payloads[i] = rec + 1;
		lens[i] = hlen;
		bytes += hlen;
		i++;
	}
	/* As peek() would have: what was good is handed out, -EIO sticks. */
	r->local = pos;
	r->pending_records += i;
	r->pending_bytes += bytes;
	if (err)
		r->corrupt = 1;
	if (i)
		return (int)i;
	if (err)
		return err;
	stat_add(&r->my_stats->stalls, 1);
	return -EAGAIN;
}

int ipcchan_ring_release(struct ipcchan_ring *r)
{
	if (r->role != IPCCHAN_RING_CONSUMER)
		return -EBADF;
	return ring_publish(r);
}

/* ------------------------------------------------------------------ */
/* Waiting                                                             */
/* ------------------------------------------------------------------ */

/* 1 when what the caller waits for is there, 0 if not, -EIO. */
static int ring_ready(struct ipcchan_ring *r, uint32_t need)
{
	int64_t n;

	if (r->corrupt)
		return -EIO;
	if (r->role == IPCCHAN_RING_PRODUCER) {
		n = prod_free(r, 1);
	} else {
		r->cached_peer = load_acquire(r->peer_pos);
		n = span(r->cached_peer, r->local, r->size);
		if (n < 0) {
			r->corrupt = 1;
			n = -EIO;
		}
	}
	if (n < 0)
		return -EIO;
	return n >= need;
}

static uint32_t ring_need(const struct ipcchan_ring *r, uint32_t min_bytes)
{
	if (min_bytes)
		return min_bytes;
	return r->role == IPCCHAN_RING_PRODUCER ? r->max_record : HDR_SIZE;
}

/* Publish pending work; returns 1 when a kick is owed, 0, or -errno. */
static int ring_flush_owed(struct ipcchan_ring *r)
{
	if (r->role == IPCCHAN_RING_PRODUCER) {
		r->last_rec = NULL;
		if (r->kernel_producer)
			return 0;
	}
	return ring_publish_owed(r);
}

static int ring_flush(struct ipcchan_ring *r)
{
	return ring_flush_owed(r) ? ipcchan_ring_kick(r) : 0;
}

/*
 * Check, announce @need in the waiting word, check again: 1 if the
 * condition holds (word cleared), 0 if the caller may sleep, -EIO.
 */
static int ring_announce(struct ipcchan_ring *r, uint32_t need)
{
	int ret = ring_ready(r, need);

	if (ret)
		return ret;
	if (!r->own_page)
		return 0;	/* the kernel announces us */
	store_relaxed(r->my_waiting, need);
	/* Word before the re-check; pairs with the publisher's barrier. */
	full_barrier();
	ret = ring_ready(r, need);
	if (ret)
		store_relaxed(r->my_waiting, 0);
	return ret;
}

int ipcchan_ring_prepare_wait(struct ipcchan_ring *r, uint32_t min_bytes)
{
	int ret;

	if (min_bytes > r->size)
		return -EINVAL;
	ret = ring_flush(r);
	if (ret)
		return ret;
	return ring_announce(r, ring_need(r, min_bytes));
}

void ipcchan_ring_finish_wait(struct ipcchan_ring *r)
{
	if (r->own_page)
		store_relaxed(r->my_waiting, 0);
}

/* A kick that rode on a WAIT: count it as ipcchan_ring_kick() would. */
static void kick_counted(struct ipcchan_ring *k)
{
	if (k->own_page)
		stat_add(&k->my_stats->kicks, 1);
}

/* The WAIT itself; @owe, if not NULL, is the ring to kick on the way. */
static int ring_wait_ioctl(struct ipcchan_ring *r, uint32_t min_bytes,
			   int64_t timeout_ns, struct ipcchan_ring *owe)
{
	struct ipcchan_ring_wait w;
	int ret;

	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.min_bytes = min_bytes;
	w.timeout_ns = timeout_ns;
	if (owe) {
		w.flags = IPCCHAN_RING_WAIT_KICK_FD;
		w.kick_fd = owe->fd;
	}
	ret = ioctl(r->fd, IPCCHAN_IOC_RING_WAIT, &w) ? -errno : 0;
	if (ret == -EINVAL && owe) {
		/* A module without KICK_FD: kick, then wait, in two calls. */
		ret = ipcchan_ring_kick(owe);
		if (ret)
			return ret;
		return ring_wait_ioctl(r, min_bytes, timeout_ns, NULL);
	}
	if (owe)
		kick_counted(owe);
	return ret;
}

int ipcchan_ring_wait_kick(struct ipcchan_ring *r, uint32_t min_bytes,
			   int64_t timeout_ns, struct ipcchan_ring *kick)
{
	struct ipcchan_ring *owe = NULL;
	int ret;

	if (min_bytes > r->size)
		return -EINVAL;
	if (kick && kick != r) {
		ret = ring_flush_owed(kick);
		if (ret < 0)
			return ret;
		if (ret)
			owe = kick;
	}
	ret = ring_flush_owed(r);
	if (ret < 0)
		goto kick_now;
	if (ret && owe) {
		/* Only one kick rides on the WAIT; rare, both were owed. */
		ret = ipcchan_ring_kick(r);
		if (ret)
			goto kick_now;
	} else if (ret) {
		owe = r;
	}

	/*
	 * No need to announce ourselves here: the kernel writes our waiting
	 * word once it has queued us, and re-checks after that. Announcing
	 * early would only make the side we kick, if it runs before we
	 * queue, kick us back for nothing.
	 */
	ret = ring_ready(r, ring_need(r, min_bytes));
	if (ret || !timeout_ns) {
		if (!ret)
			ret = -ETIMEDOUT;
		goto kick_now;
	}

	if (r->own_page)
		stat_add(&r->my_stats->waits, 1);
	ret = ring_wait_ioctl(r, min_bytes, timeout_ns, owe);
	if (ret == -EIO)
		r->corrupt = 1;
	return ret;

kick_now:
	/* No WAIT to carry the kick: it is still owed. */
	if (owe) {
		int kret = ipcchan_ring_kick(owe);

		if (kret && ret >= 0)
			ret = kret;
	}
	return ret < 0 ? ret : 0;
}

int ipcchan_ring_wait(struct ipcchan_ring *r, uint32_t min_bytes,
		      int64_t timeout_ns)
{
	return ipcchan_ring_wait_kick(r, min_bytes, timeout_ns, NULL);
}

int ipcchan_ring_peer_gone(const struct ipcchan_ring *r)
{
	uint32_t bit = r->role == IPCCHAN_RING_PRODUCER ?
		IPCCHAN_RING_CONSUMERS_GONE : IPCCHAN_RING_PRODUCERS_GONE;

	return !!(load_acquire(&r->info->gone) & bit);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int ipcchan_ring_busy_wait(struct ipcchan_ring *r, uint32_t min_bytes,
			   int64_t timeout_ns)
{
	uint32_t need = ring_need(r, min_bytes);
	int64_t deadline = 0;
	unsigned int spins = 0;
	int ret;

	if (min_bytes > r->size)
		return -EINVAL;
	ret = ring_flush(r);
	if (ret)
		return ret;
	if (timeout_ns > 0)
		deadline = now_ns() + timeout_ns;

	for (;;) {
		ret = ring_ready(r, need);
		if (ret)
			return ret < 0 ? ret : 0;
		if (ipcchan_ring_peer_gone(r)) {
			/* The peer may have published just before leaving. */
			ret = ring_ready(r, need);
			return ret ? (ret < 0 ? ret : 0) : -EPIPE;
		}
		if (!timeout_ns)
			return -ETIMEDOUT;
		if (++spins % 256)
			continue;
		/* Let the other side run when both share a CPU. */
		sched_yield();
		if (deadline && now_ns() >= deadline)
			return -ETIMEDOUT;
	}
}
