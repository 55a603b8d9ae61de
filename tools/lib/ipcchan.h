/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libipcchan: the mailbox calls and the shared-ring protocol of ipcchan,
 * so that no user has to wrap the ioctls or get the memory barriers right
 * alone. Installed as <ipcchan/ipcchan.h>; link with
 * `pkg-config --cflags --libs libipcchan`. Manual: libipcchan(3).
 *
 * Functions return 0 (or a non-negative count or fd) on success and a
 * negative errno on failure; they do not touch errno otherwise. -EIO
 * means the ring's shared memory is inconsistent (a corrupt header or
 * position): the library never reads outside the mapping, and once it has
 * reported -EIO for a ring it keeps doing so.
 *
 * A struct ipcchan_ring is used by one thread at a time. The mailbox
 * calls keep no state: any thread may use them on any mailbox fd.
 */
#ifndef IPCCHAN_LIB_H
#define IPCCHAN_LIB_H

#include <stdint.h>
#include <sys/types.h>

#include <linux/ipcchan.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ipcchan_ring;

/* Open /dev/ipcchan (O_RDWR | O_CLOEXEC). Returns the fd or -errno. */
int ipcchan_dev_open(void);

/* ------------------------------------------------------------------ */
/* Mailboxes                                                           */
/* ------------------------------------------------------------------ */

/**
 * struct ipcchan_mbox_params - what a new mailbox is created with
 * @capacity: messages it holds; 0 for %IPCCHAN_MBOX_DEFAULT_CAPACITY
 * @msgsize_max: largest message in bytes; 0 for
 *	%IPCCHAN_MBOX_DEFAULT_MSGSIZE
 * @policy: &enum ipcchan_mbox_policy
 * @send_lowat: send low watermark in free slots; 0 for the default
 * @mode: permission bits (the umask applies)
 *
 * All zero is a valid choice: the defaults, blocking, mode 0.
 */
struct ipcchan_mbox_params {
	uint32_t capacity;
	uint32_t msgsize_max;
	uint32_t policy;
	uint32_t send_lowat;
	uint32_t mode;
};

/**
 * ipcchan_mbox_open - %IPCCHAN_IOC_MBOX_OPEN
 * @dev: fd of /dev/ipcchan
 * @name: name, or NULL for a new anonymous mailbox
 * @flags: IPCCHAN_OPEN_READ and/or _WRITE, optionally _CREATE, _EXCL,
 *	_NONBLOCK
 * @params: creation parameters, or NULL for all defaults; ignored when
 *	an existing name is opened
 *
 * Returns the new mailbox fd (O_CLOEXEC) or -errno.
 */
int ipcchan_mbox_open(int dev, const char *name, uint32_t flags,
		      const struct ipcchan_mbox_params *params);

/* Remove a mailbox's name (IPCCHAN_IOC_UNLINK). Returns 0 or -errno. */
int ipcchan_mbox_unlink(int dev, const char *name);

/*
 * Sending and receiving. @flags are IPCCHAN_XFER_* (NONBLOCK, ABSTIME,
 * and PEEK, TRUNC for receive); the library sets IPCCHAN_XFER_TIMEOUT
 * itself from @timeout_ns: negative waits without limit (or not at all
 * with NONBLOCK or an O_NONBLOCK fd), 0 or more is the longest wait in ns,
 * or with ABSTIME the CLOCK_MONOTONIC deadline. Errors are the ioctl's,
 * as -errno, plus -EINVAL for IPCCHAN_XFER_TIMEOUT in @flags, ABSTIME
 * with a negative @timeout_ns, or a @count of 0 or above
 * %IPCCHAN_MBOX_BATCH_MAX.
 *
 * ipcchan_mbox_send: one message of @len bytes at priority @prio.
 *	Returns 0 (also when the policy dropped it) or -errno.
 * ipcchan_mbox_recv: one message into @buf of @len bytes. Returns the
 *	message's full length, which exceeds @len only with TRUNC (then
 *	@len bytes were copied), or -errno. @meta, if not NULL, receives
 *	the metadata: priority, flags, sequence number, enqueue time,
 *	sender, drops since the previous receive.
 * ipcchan_mbox_send_batch / _recv_batch: @count messages described by
 *	@msgs (see ipcchan_mbox_msg_init()); receive fills in each one's
 *	metadata. Return the number transferred (a batch stops early at an
 *	error after the first message) or -errno.
 */
int ipcchan_mbox_send(int fd, const void *buf, uint32_t len, uint32_t prio,
		      uint32_t flags, int64_t timeout_ns);
int ipcchan_mbox_recv(int fd, void *buf, uint32_t len, uint32_t flags,
		      int64_t timeout_ns, struct ipcchan_mbox_msg *meta);
int ipcchan_mbox_send_batch(int fd, struct ipcchan_mbox_msg *msgs,
			    unsigned int count, uint32_t flags,
			    int64_t timeout_ns);
int ipcchan_mbox_recv_batch(int fd, struct ipcchan_mbox_msg *msgs,
			    unsigned int count, uint32_t flags,
			    int64_t timeout_ns);

/* Point @m at @buf of @len bytes (send: the payload; receive: the room). */
void ipcchan_mbox_msg_init(struct ipcchan_mbox_msg *m, const void *buf,
			   uint32_t len, uint32_t prio);

/* IPCCHAN_IOC_MBOX_GET_ATTR and _GET_STATS. Return 0 or -errno. */
int ipcchan_mbox_get_attr(int fd, struct ipcchan_mbox_attr *attr);
int ipcchan_mbox_get_stats(int fd, struct ipcchan_mbox_stats *st);

/*
 * Pure mailbox logic, also for the host unit tests.
 *
 * ipcchan_mbox_xfer_init: fill @x for @count messages at @msgs with the
 *	rules above; returns 0 or -EINVAL.
 * ipcchan_mbox_residence_quantile: from @st's residence histogram, an
 *	upper bound in ns of the @q quantile (0 <= @q <= 1) of the time
 *	received messages spent queued: the end of the log2 bucket it falls
 *	in, UINT64_MAX for the last, open bucket. 0 when nothing was
 *	received or @q is out of range.
 */
int ipcchan_mbox_xfer_init(struct ipcchan_mbox_xfer *x,
			   struct ipcchan_mbox_msg *msgs, unsigned int count,
			   uint32_t flags, int64_t timeout_ns);
uint64_t ipcchan_mbox_residence_quantile(const struct ipcchan_mbox_stats *st,
					 double q);

/* ------------------------------------------------------------------ */
/* Shared rings                                                        */
/* ------------------------------------------------------------------ */

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
 * Batches, in the manner of AF_XDP's xsk_ring_prod__reserve() and
 * xsk_ring_cons__peek(): one call for many records, one load of the other
 * side's position at most, one commit() or release() for all of them.
 *
 * reserve_batch() reserves up to @n records after those reserved before,
 * the i-th of @lens[i] payload bytes, and stores where each payload goes
 * in @payloads[i]. It stops before the first record that does not fit or
 * exceeds ipcchan_ring_max_payload(), and returns how many it reserved:
 * 1 to @n, or the error reserve() would give for the first record
 * (-EAGAIN, -EMSGSIZE, -EIO, -EOPNOTSUPP, -EBADF), or 0 when @n is 0.
 * Records are as reserve()'s: commit() publishes them, cancel() pads the
 * last one. unreserve() gives back the last @n records reserved and not
 * yet committed (padded ones count), as if they had never been reserved;
 * it returns how many it gave back (fewer when fewer were pending), or
 * -EIO if a pending header was changed under it.
 *
 * peek_batch() is up to @n peek()s in one call: it stores each published
 * record's payload and length in @payloads[i] and @lens[i] (padding
 * skipped, every header validated as peek() validates it) and returns
 * how many, 1 to @n; -EAGAIN when none is published, -EIO when the first
 * is corrupt, 0 when @n is 0. A corrupt record after good ones ends the
 * batch: the good ones are returned and the next call returns -EIO. The
 * payloads stay valid until release().
 */
int ipcchan_ring_reserve_batch(struct ipcchan_ring *r, const uint32_t *lens,
			       void **payloads, unsigned int n);
int ipcchan_ring_unreserve(struct ipcchan_ring *r, unsigned int n);
int ipcchan_ring_peek_batch(struct ipcchan_ring *r, const void **payloads,
			    uint32_t *lens, unsigned int n);

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

#ifdef __cplusplus
}
#endif

#endif /* IPCCHAN_LIB_H */
