/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libipcchan: the shared-ring protocol of ipcchan, so that no user has to
 * get the memory barriers right alone.
 *
 * Functions return 0 (or a non-negative count or fd) on success and a
 * negative errno on failure; they do not touch errno otherwise. -EIO
 * means the ring's shared memory is inconsistent (a corrupt header or
 * position): the library never reads outside the mapping, and once it has
 * reported -EIO for a ring it keeps doing so.
 *
 * A struct ipcchan_ring is used by one thread at a time.
 */
#ifndef IPCCHAN_LIB_H
#define IPCCHAN_LIB_H

#include <stdint.h>
#include <sys/types.h>

#include <linux/ipcchan.h>

struct ipcchan_ring;

/* Open /dev/ipcchan (O_RDWR | O_CLOEXEC). Returns the fd or -errno. */
int ipcchan_dev_open(void);

/**
 * ipcchan_ring_open - %IPCCHAN_IOC_RING_OPEN
 * @dev: fd of /dev/ipcchan
 * @name: name, or NULL for a new anonymous ring
 * @flags: IPCCHAN_OPEN_CREATE, _EXCL, _NONBLOCK
 * @role: IPCCHAN_RING_PRODUCER or IPCCHAN_RING_CONSUMER
 * @nr_pages: data pages when creating (a power of two)
 * @ring_flags: IPCCHAN_RING_KERNEL_PRODUCER or 0, when creating
 * @mode: permission bits when creating
 * @peer_fd: for an anonymous ring, receives the fd of the other role;
 *	may be NULL for a named ring
 *
 * Returns the new ring fd or -errno.
 */
int ipcchan_ring_open(int dev, const char *name, uint32_t flags,
		      uint32_t role, uint32_t nr_pages, uint32_t ring_flags,
		      mode_t mode, int *peer_fd);

/* Remove a ring's name (IPCCHAN_IOC_UNLINK). Returns 0 or -errno. */
int ipcchan_ring_unlink(int dev, const char *name);

/* IPCCHAN_IOC_RING_GET_STATS on any ring fd. Returns 0 or -errno. */
int ipcchan_ring_get_stats(int fd, struct ipcchan_ring_stats *st);

/**
 * ipcchan_ring_map - map a ring fd for its role
 * @fd: a ring fd; the caller keeps it open until ipcchan_ring_unmap()
 * @ringp: receives the mapped ring
 *
 * Maps the info page, both control pages and the data area with the
 * protections the role allows, and checks the info page against what
 * the kernel reported. Returns 0, -EBADF for an observer fd, -EPROTO if
 * the info page makes no sense, or the -errno of the failing call.
 */
int ipcchan_ring_map(int fd, struct ipcchan_ring **ringp);

/* Publish pending work, unmap and free; the fd stays open. */
void ipcchan_ring_unmap(struct ipcchan_ring *r);

int ipcchan_ring_fd(const struct ipcchan_ring *r);
uint32_t ipcchan_ring_role(const struct ipcchan_ring *r);
uint32_t ipcchan_ring_data_size(const struct ipcchan_ring *r);
/* Largest payload of one record. */
uint32_t ipcchan_ring_max_payload(const struct ipcchan_ring *r);
/* The read-only info page. */
const struct ipcchan_ring_info_page *
ipcchan_ring_info(const struct ipcchan_ring *r);

/*
 * Producer. reserve() hands out room for one record of @len payload bytes
 * at *@payload, after the ones reserved before; commit() publishes all of
 * them at once and kicks the consumer if, and only if, it is waiting.
 * reserve() returns -EAGAIN when the ring is too full (commit, then wait),
 * -EMSGSIZE when @len exceeds ipcchan_ring_max_payload(), -EOPNOTSUPP on a
 * kernel-producer ring (use ipcchan_ring_send()). cancel() turns the last
 * reserved record into padding, which consumers skip.
 */
int ipcchan_ring_reserve(struct ipcchan_ring *r, uint32_t len, void **payload);
void ipcchan_ring_cancel(struct ipcchan_ring *r, void *payload);
int ipcchan_ring_commit(struct ipcchan_ring *r);
/* reserve + copy + commit, or write(2) on a kernel-producer ring. */
int ipcchan_ring_send(struct ipcchan_ring *r, const void *buf, uint32_t len);

/*
 * Consumer. peek() returns the next record after those already peeked
 * (padding skipped), -EAGAIN when none is published, -EIO on a corrupt
 * record. The payload stays valid until release(), which hands every
 * peeked record back to the producer at once and kicks it if, and only
 * if, it is waiting.
 */
int ipcchan_ring_peek(struct ipcchan_ring *r, const void **payload,
		      uint32_t *len);
int ipcchan_ring_release(struct ipcchan_ring *r);

/*
 * Waiting for data (consumer) or space (producer): at least @min_bytes,
 * or with 0 one record (consumer) or room for the largest record, half
 * the ring (producer). Both publish pending work first. The other side
 * kicks, and the kernel wakes, only once @min_bytes are there: a producer
 * that waits for a large part of the ring costs one wakeup per that much
 * released, not one per release. @timeout_ns: -1 for no
 * limit, 0 to check only. They return 0, -ETIMEDOUT, -EINTR, -EPIPE (the
 * other role is gone and the condition does not hold) or -EIO.
 *
 * wait() sleeps in the kernel (IPCCHAN_IOC_RING_WAIT) after setting the
 * waiting flag. busy_wait() spins on the shared positions and yields the
 * CPU every few hundred spins; it makes no system call while the other
 * side keeps up.
 */
int ipcchan_ring_wait(struct ipcchan_ring *r, uint32_t min_bytes,
		      int64_t timeout_ns);

/**
 * ipcchan_ring_wait_kick - publish on one ring, then wait on another
 * @r: the ring to wait on, as ipcchan_ring_wait()
 * @min_bytes: as ipcchan_ring_wait()
 * @timeout_ns: as ipcchan_ring_wait()
 * @kick: a ring whose pending work (commit for a producer, release for a
 *	consumer) to publish first, or NULL; may be @r
 *
 * A request/reply round trip: send on @kick, wait for the answer on @r.
 * If @kick's other side must be kicked, the kick rides on the wait's
 * system call (IPCCHAN_RING_WAIT_KICK_FD), so each side of a ping-pong
 * makes one system call per round trip; if no sleep is needed, it is made
 * on its own. Returns as ipcchan_ring_wait(); the kick is made in every
 * case but an error before publishing.
 */
int ipcchan_ring_wait_kick(struct ipcchan_ring *r, uint32_t min_bytes,
			   int64_t timeout_ns, struct ipcchan_ring *kick);
int ipcchan_ring_busy_wait(struct ipcchan_ring *r, uint32_t min_bytes,
			   int64_t timeout_ns);

/*
 * For callers that sleep in poll/epoll instead: prepare_wait() publishes
 * pending work, sets the waiting flag and re-checks; it returns 1 if the
 * condition already holds (flag cleared, do not sleep), 0 if the caller
 * may sleep, or -EIO. finish_wait() clears the flag after waking.
 */
int ipcchan_ring_prepare_wait(struct ipcchan_ring *r, uint32_t min_bytes);
void ipcchan_ring_finish_wait(struct ipcchan_ring *r);

/* IPCCHAN_IOC_RING_KICK. Returns 0 or -errno. */
int ipcchan_ring_kick(struct ipcchan_ring *r);

/* Non-zero when every fd of the other role is gone (no system call). */
int ipcchan_ring_peer_gone(const struct ipcchan_ring *r);

/*
 * Pure index and record logic, exported for the host unit tests.
 *
 * ipcchan_ring_rec_total: bytes a record of @len payload bytes occupies.
 * ipcchan_ring_span: @ahead - @behind if it is a valid used length of a
 *	ring of @size bytes (at most @size, both aligned), else -1.
 * ipcchan_ring_rec_check: validate a header read from shared memory, with
 *	@avail bytes published from its start; returns its total size or
 *	-EIO.
 */
uint32_t ipcchan_ring_rec_total(uint32_t len);
int64_t ipcchan_ring_span(uint32_t ahead, uint32_t behind, uint32_t size);
int64_t ipcchan_ring_rec_check(uint32_t len, uint32_t flags, uint32_t avail,
			       uint32_t max_record);

#endif /* IPCCHAN_LIB_H */
