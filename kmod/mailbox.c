// SPDX-License-Identifier: GPL-2.0
/*
 * Mailboxes: kernel-buffered message queues with priorities, overflow
 * policies and per-message metadata.
 *
 * Storage. Creation allocates capacity + 1 fixed-size slots, each a
 * 32-byte header and room for the largest message. The headers form one
 * array; the message data lives in directly mapped chunks of
 * MBOX_CHUNK_SIZE bytes (one kmalloc'ed buffer when it all fits in a
 * page), slot i's at byte i * data_stride of their concatenation, so that
 * a user copy is a plain copy_{to,from}_iter() of at most a few pieces.
 * (In vmalloc space every copy would pay hardened usercopy's lookup of the
 * vmap area, or a page-table walk to find the page: in profiles that was
 * the mailbox's largest per-message cost.) Queued messages form one
 * singly linked FIFO per priority (indices, not pointers, to keep the
 * header small); free slots form a free list.
 *
 * Sending. A sender reserves free slots under the spinlock (inflight
 * counts them), copies into them without any lock, then links them under
 * a second hold, taking sequence numbers and the timestamp there. No
 * sender waits for another's copy, so a sender preempted mid-copy holds
 * up nobody. Under block, depth + inflight never exceeds capacity. Under
 * drop-oldest a full mailbox still lends the extra slot, and the link
 * drops the oldest message then; a failed copy gives its slots back, so
 * EFAULT loses nothing. A sender's messages are linked in its order, so
 * they stay FIFO within a priority.
 *
 * Locks:
 *
 * recv_mutex serialises receivers from choosing messages until they are
 *	removed. A receive takes up to MBOX_TAKE_MAX messages off the
 *	lists under one hold of the spinlock, copies them out without it,
 *	and removes the ones copied under the next hold, which also takes
 *	the next ones; the others go back to the heads of their lists, so
 *	a failed copy (EFAULT, EMSGSIZE) loses nothing and changes no
 *	order. Messages being copied out still count in depth (they are in
 *	the mailbox until removed) but are on no list, so drop-oldest
 *	never picks them; under drop-oldest a receive takes one at a time.
 *
 * lock (spinlock) protects the lists, depth, counters and statistics. It
 *	is the innermost lock and is never held across user copies.
 *
 * Waiting. Receivers wait on wait_recv and senders on wait_send, both
 * exclusively, so a message or enough room wakes one waiter. Poll and
 * epoll entries have queues of their own: poll_recv for an fd open for
 * reading, poll_send for one open for writing (release and unlink wake
 * every queue, so EPOLLHUP and EPOLLERR reach either). Waiters pass a
 * wakeup on to the next waiter when what it stood for is left over (a
 * receiver leaving messages, a sender leaving room), and that hand-on is
 * for blocked callers only: it changes nothing a poller can see, and on
 * a shared queue it ran every poller's callback (an epoll entry's takes
 * the epoll lock) once per message to find nothing new. A pipe's writes
 * do not wake its writers' pollers either.
 *
 * A receiver may go on as soon as one message is queued. Under block a
 * sender that found no room at all may go on only once send_lowat slots
 * are free, or the mailbox is empty with any room (mbox_send_ready()):
 * waking it for every freed slot made a full mailbox with many senders
 * cost two context switches per message, as each woken sender sent one
 * message and slept again. A sender that finds room when it comes in
 * never waits, and at its deadline it takes whatever room there is; the
 * watermark only decides when a sleeping sender is woken. EPOLLOUT is
 * reported on the same condition as wakes a sender, so level and edge
 * triggers agree with blocking writes.
 *
 * Rendezvous. A rendezvous mailbox has capacity 0 and one slot, which
 * holds the message offered by the one sender whose turn it is (others
 * wait for the slot as for room). The offering sender waits on
 * wait_taken until a receive has removed its message (taken_seq passes
 * its sequence number), not merely until it is queued. A send that has
 * to give up (deadline, signal, no receiver for a non-blocking send, no
 * reader at all) withdraws its message under recv_mutex, so that no
 * receiver is copying it out at that moment: either a receiver took it,
 * and the send succeeded after all, or it is removed unread. A withdrawn
 * message keeps its sequence number and counts as dropped, so receivers
 * can still account for every number. A non-blocking send offers only
 * while a receiver is blocked, and then waits for as long as some
 * receiver is inside a receive (receivers_in), never for one to arrive.
 *
 * Every call that queues messages wakes the receive queue, and every call
 * that frees room (receive, unreserve) wakes the send queue when the
 * sender condition holds afterwards (a batch once, at its end or before
 * it sleeps). Each checks after its own change under the lock, so the
 * change that makes the condition true is the one that wakes, and
 * edge-triggered epoll sees every edge. A receive wakes the writers' poll
 * entries only if EPOLLOUT was off when it freed room, as a pipe wakes
 * its writers' pollers only when it was full: while EPOLLOUT stays on, a
 * receive changes nothing a writer's poll can see, and waking them ran
 * every read-write epoll entry's callback once per message. One wakeup
 * may stand for several messages or many slots, so a receiver that
 * leaves messages queued and a sender that leaves the condition true pass
 * it on to the next exclusive waiter. A waiter that was woken but leaves
 * without taking what it was woken for (signal, EMSGSIZE, EFAULT, EPIPE)
 * passes the wakeup on under the same rule. Losing the last reader or
 * writer, or the name, wakes everyone.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "mailbox.h"
#include "netlink.h"
#include "object.h"
#include "trace.h"

#define MBOX_NIL	U32_MAX
#define MBOX_NPRIO	(IPCCHAN_MBOX_PRIO_MAX + 1)

/*
 * A slot's header. 32 bytes, so a queued 64-byte message costs 96 bytes
 * (and 1/4096 of a chunk pointer). The sequence number is stored modulo
 * 2^32 and widened on receipt.
 */
struct mbox_msg {
	u32 next;
	u32 len;
	kuid_t uid;
	u32 seq_lo;
	struct pid *pid;
	u64 time_ns;
};

/* Message data comes in chunks of this size (order 3: not "costly"). */
#define MBOX_CHUNK_SHIFT	(PAGE_SHIFT + 3)
#define MBOX_CHUNK_SIZE		BIT(MBOX_CHUNK_SHIFT)

struct ipcchan_mbox {
	struct ipcchan_obj obj;

	/* Fixed at creation. */
	u32 capacity;
	u32 msgsize_max;
	u32 slot_size;
	u32 data_stride;		/* bytes of data per slot */
	u32 policy;
	u32 send_lowat;		/* free slots that wake a blocked sender */
	struct mbox_msg *hdrs;		/* capacity + 1 headers */
	u8 **chunks;			/* the data, see the top of the file */
	u32 nr_chunks;

	struct mutex recv_mutex;	/* receivers: choice and pin */

	spinlock_t lock;		/* everything below */
	u32 head[MBOX_NPRIO];
	u32 tail[MBOX_NPRIO];
	unsigned long prio_mask;	/* bit p set: list p not empty */
	u32 free;
	u32 inflight;			/* slots reserved by senders copying */
	u32 depth;			/* queued, or taken by a receive */
	u32 readers;
	u32 writers;
	u64 next_seq;
	u64 dropped_seen;	/* msgs_dropped at the last receive */
	u64 taken_seq;		/* rendezvous: 1 + seq of the last received */
	struct ipcchan_mbox_stats st;

	atomic_t receivers_in;		/* rendezvous: receivers in mbox_recv() */
	wait_queue_head_t wait_recv;
	wait_queue_head_t wait_send;
	wait_queue_head_t poll_recv;	/* readers' poll and epoll entries */
	wait_queue_head_t poll_send;	/* writers' poll and epoll entries */
	wait_queue_head_t wait_taken;	/* rendezvous: the offering sender */
};

/* How one call waits: from O_NONBLOCK, IOCB_NOWAIT or the xfer flags. */
struct mbox_wait {
	bool nonblock;
	bool nowait;		/* IOCB_NOWAIT: do not sleep on mutexes either */
	bool has_deadline;
	ktime_t deadline;
	int intr_err;		/* -ERESTARTSYS, or -EINTR after a relative timeout */
};

static_assert(sizeof(struct mbox_msg) == 32);
static_assert(sizeof(unsigned long) * BITS_PER_BYTE >= MBOX_NPRIO);

static inline struct mbox_msg *mbox_slot(const struct ipcchan_mbox *mb, u32 idx)
{
	return &mb->hdrs[idx];
}

static inline struct ipcchan_mbox *mbox_from_obj(struct ipcchan_obj *obj)
{
	return container_of(obj, struct ipcchan_mbox, obj);
}

static bool mbox_rdv(const struct ipcchan_mbox *mb)
{
	return mb->policy == IPCCHAN_MBOX_RENDEZVOUS;
}

/* Slots that queued messages and senders' copies may take together. */
static u32 mbox_room_max(const struct ipcchan_mbox *mb)
{
	return mbox_rdv(mb) ? 1 : mb->capacity;
}

/* Lockless hints for waiters and poll; the real decisions take the lock. */
static bool mbox_no_writers(struct ipcchan_mbox *mb)
{
	return !READ_ONCE(mb->writers) && !ipcchan_obj_is_named(&mb->obj);
}

static bool mbox_no_readers(struct ipcchan_mbox *mb)
{
	return !READ_ONCE(mb->readers) && !ipcchan_obj_is_named(&mb->obj);
}

static bool mbox_recv_ready(struct ipcchan_mbox *mb)
{
	return READ_ONCE(mb->depth) || mbox_no_writers(mb);
}

/* A sender can go on now: room, or a slot to copy into. */
static bool mbox_send_fits(struct ipcchan_mbox *mb)
{
	if (mbox_no_readers(mb))
		return true;
	if (mb->policy == IPCCHAN_MBOX_DROP_OLDEST)
		return READ_ONCE(mb->free) != MBOX_NIL;
	return READ_ONCE(mb->depth) + READ_ONCE(mb->inflight) <
	       mbox_room_max(mb);
}

/*
 * Under block: send_lowat slots free, or an empty mailbox with any room
 * (slots reserved by senders still copying count as taken).
 */
static bool mbox_lowat_room(struct ipcchan_mbox *mb)
{
	u32 depth = READ_ONCE(mb->depth);
	u32 used = depth + READ_ONCE(mb->inflight);

	if (used >= mbox_room_max(mb))
		return false;
	return mbox_room_max(mb) - used >= mb->send_lowat || !depth;
}

/*
 * Rendezvous, EPOLLOUT: a send would not wait, as a receiver is blocked
 * and the slot is free.
 */
static bool mbox_rdv_pollout(struct ipcchan_mbox *mb)
{
	return READ_ONCE(mb->st.receivers_blocked) && !READ_ONCE(mb->depth) &&
	       !READ_ONCE(mb->inflight);
}

/*
 * EPOLLOUT for a writer while readers are there, as mbox_poll() reports
 * it: a rendezvous send would not wait, a drop policy never waits, and
 * under block the room reaches the send low watermark.
 */
static bool mbox_pollout(struct ipcchan_mbox *mb)
{
	if (mbox_rdv(mb))
		return mbox_rdv_pollout(mb);
	return mb->policy != IPCCHAN_MBOX_BLOCK || mbox_lowat_room(mb);
}

/*
 * A waiting sender may be woken: as mbox_send_fits(), but under block only
 * once the room reaches the send low watermark.
 */
static bool mbox_send_ready(struct ipcchan_mbox *mb)
{
	if (mbox_no_readers(mb))
		return true;
	if (mb->policy == IPCCHAN_MBOX_DROP_OLDEST)
		return READ_ONCE(mb->free) != MBOX_NIL;
	return mbox_lowat_room(mb);
}

/*
 * Wake one exclusive waiter and every poller, with the poll bits that
 * became true so that epoll can ignore entries not interested in them.
 */
static void mbox_wake_traced(struct ipcchan_mbox *mb,
			     struct wait_queue_head *wq, __poll_t events);

static void mbox_wake(struct ipcchan_mbox *mb, struct wait_queue_head *wq,
		      __poll_t events)
{
	if (!wq_has_sleeper(wq))
		return;
	if (trace_ipcchan_mbox_wake_enabled())
		mbox_wake_traced(mb, wq, events);
	else
		wake_up_poll(wq, events);
}

#define MBOX_POLLIN	(EPOLLIN | EPOLLRDNORM)
#define MBOX_POLLOUT	(EPOLLOUT | EPOLLWRNORM)

/*
 * A message was queued: wake one receiver blocked for it, and every
 * reader's poll and epoll entry (every new message is an EPOLLIN edge).
 */
static void mbox_wake_receivers(struct ipcchan_mbox *mb)
{
	mbox_wake(mb, &mb->wait_recv, MBOX_POLLIN);
	mbox_wake(mb, &mb->poll_recv, MBOX_POLLIN);
}

/*
 * Wake one sender blocked for room and, with @pollers, the writers' poll
 * and epoll entries: for what can make EPOLLOUT true (a receive, room
 * given back, a drop, a rendezvous receiver arriving). A sender that
 * only passes the wakeup on leaves the pollers alone.
 */
static void mbox_wake_senders(struct ipcchan_mbox *mb, bool pollers)
{
	mbox_wake(mb, &mb->wait_send, MBOX_POLLOUT);
	if (pollers)
		mbox_wake(mb, &mb->poll_send, MBOX_POLLOUT);
}

/*
 * mbox_wake() while its tracepoint is on: the same wakeup, made under the
 * queue's lock so that the entries it reaches can be counted first (poll
 * entries up to and including the first exclusive sleeper, which ends an
 * exclusive wakeup). MBOX_POLLIN wakes the receivers' side, anything
 * else a senders' queue.
 */
static void mbox_wake_traced(struct ipcchan_mbox *mb,
			     struct wait_queue_head *wq, __poll_t events)
{
	bool send = !(events & EPOLLIN);
	struct wait_queue_entry *e;
	unsigned long flags;
	u32 woken = 0;

	spin_lock_irqsave(&wq->lock, flags);
	list_for_each_entry(e, &wq->head, entry) {
		woken++;
		if (e->flags & WQ_FLAG_EXCLUSIVE)
			break;
	}
	trace_ipcchan_mbox_wake(mb->obj.id, send, woken, READ_ONCE(mb->depth),
				mb->capacity);
	wake_up_locked_poll(wq, events);
	spin_unlock_irqrestore(&wq->lock, flags);
}

/*
 * What a wait checks after each wakeup: > 0 when it is over, < 0 for an
 * error that ends it, 0 to sleep on. @arg is the condition's own.
 */
typedef int (*mbox_cond_fn)(struct ipcchan_mbox *mb,
			    const struct mbox_wait *w, u64 arg);

/*
 * The sleep every mailbox wait shares: on @wq (as an exclusive waiter if
 * @exclusive, so a wakeup reaches one of them) until @cond ends it, a
 * signal or the deadline. Returns 0 when @cond said the wait is over,
 * else its error, w->intr_err or -ETIMEDOUT.
 */
static int mbox_sleep(struct ipcchan_mbox *mb, struct wait_queue_head *wq,
		      bool exclusive, mbox_cond_fn cond, u64 arg,
		      struct mbox_wait *w)
{
	DEFINE_WAIT(wait);
	int ret;

	for (;;) {
		if (exclusive)
			prepare_to_wait_exclusive(wq, &wait, TASK_INTERRUPTIBLE);
		else
			prepare_to_wait(wq, &wait, TASK_INTERRUPTIBLE);
		ret = cond(mb, w, arg);
		if (ret)
			break;
		if (signal_pending(current)) {
			ret = w->intr_err;
			break;
		}
		if (!w->has_deadline) {
			schedule();
			continue;
		}
		if (!schedule_hrtimeout_range(&w->deadline,
					      current->timer_slack_ns,
					      HRTIMER_MODE_ABS)) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	finish_wait(wq, &wait);
	return ret > 0 ? 0 : ret;
}

/* A sender or receiver starts waiting: counted, traced. */
static void mbox_wait_begin(struct ipcchan_mbox *mb, bool sender)
{
	spin_lock(&mb->lock);
	if (sender) {
		mb->st.senders_blocked++;
		mb->st.sender_waits++;
	} else {
		mb->st.receivers_blocked++;
		mb->st.receiver_waits++;
	}
	trace_ipcchan_mbox_wait_begin(mb->obj.id, sender, mb->depth,
				      mb->capacity,
				      sender ? mb->st.senders_blocked :
					       mb->st.receivers_blocked);
	spin_unlock(&mb->lock);
}

static void mbox_wait_end(struct ipcchan_mbox *mb, bool sender, int ret)
{
	spin_lock(&mb->lock);
	if (sender)
		mb->st.senders_blocked--;
	else
		mb->st.receivers_blocked--;
	spin_unlock(&mb->lock);
	trace_ipcchan_mbox_wait_end(mb->obj.id, sender, READ_ONCE(mb->depth),
				    mb->capacity, ret);
}

static int mbox_send_cond(struct ipcchan_mbox *mb, const struct mbox_wait *w,
			  u64 arg)
{
	return mbox_send_ready(mb);
}

static int mbox_recv_cond(struct ipcchan_mbox *mb, const struct mbox_wait *w,
			  u64 arg)
{
	return mbox_recv_ready(mb);
}

/*
 * Sleep until a sender (@sender) may go on, mbox_send_ready(), or a
 * receiver may, mbox_recv_ready(); or the deadline, a signal or EAGAIN.
 * Returns 0 when ready, so the caller retries under its locks; at the
 * deadline also when a sender's message fits below the watermark.
 */
static int mbox_wait_for(struct ipcchan_mbox *mb, struct mbox_wait *w,
			 bool sender)
{
	int ret;

	if (w->nonblock)
		return -EAGAIN;

	mbox_wait_begin(mb, sender);
	/* A blocked receiver is what a rendezvous EPOLLOUT waits for. */
	if (!sender && mbox_rdv(mb) && mbox_rdv_pollout(mb))
		mbox_wake_senders(mb, true);

	if (sender)
		ret = mbox_sleep(mb, &mb->wait_send, true, mbox_send_cond, 0, w);
	else
		ret = mbox_sleep(mb, &mb->wait_recv, true, mbox_recv_cond, 0, w);
	if (ret == -ETIMEDOUT &&
	    (sender ? mbox_send_fits(mb) : mbox_recv_ready(mb)))
		ret = 0;

	mbox_wait_end(mb, sender, ret);
	return ret;
}

static int mbox_lock_mutex(struct mutex *m, struct mbox_wait *w)
{
	if (w->nowait)
		return mutex_trylock(m) ? 0 : -EAGAIN;
	if (mutex_lock_interruptible(m))
		return w->intr_err;
	return 0;
}

/* Bytes of message data in all, and in chunk @k. */
static size_t mbox_data_size(const struct ipcchan_mbox *mb)
{
	return (size_t)(mb->capacity + 1) * mb->data_stride;
}

static size_t mbox_chunk_size(const struct ipcchan_mbox *mb, u32 k)
{
	return min_t(size_t, MBOX_CHUNK_SIZE,
		     mbox_data_size(mb) - ((size_t)k << MBOX_CHUNK_SHIFT));
}

/* Data larger than a page lives in chunks of whole pages. */
static bool mbox_data_paged(const struct ipcchan_mbox *mb)
{
	return mbox_data_size(mb) > PAGE_SIZE;
}

/*
 * Copies between slot @idx's data and user memory. Paged data is copied
 * a page at a time with copy_page_{to,from}_iter(), as a pipe copies its
 * buffers: no run crosses a page, and so none a chunk. A plain
 * copy_{to,from}_iter() would have hardened usercopy look up the struct
 * page behind every copy (check_heap_object()) only to find an order-0
 * page it has no bounds for; with many mailboxes that lookup missed the
 * cache on every message (Documentation/benchmarks.rst, round 4). The
 * kmalloc'ed data of a small mailbox keeps the plain copy and its slab
 * object check. Every caller bounds @len by msgsize_max.
 */
static void *mbox_data_at(const struct ipcchan_mbox *mb, bool paged,
			  size_t pos, size_t left, size_t *run)
{
	*run = paged ? min_t(size_t, left, PAGE_SIZE - offset_in_page(pos)) : left;
	return mb->chunks[pos >> MBOX_CHUNK_SHIFT] + (pos & (MBOX_CHUNK_SIZE - 1));
}

static size_t mbox_copy_to_iter(const struct ipcchan_mbox *mb, u32 idx,
				size_t len, struct iov_iter *to)
{
	size_t pos = (size_t)idx * mb->data_stride, done = 0, n, c;
	bool paged = mbox_data_paged(mb);
	void *p;

	while (done < len) {
		p = mbox_data_at(mb, paged, pos, len - done, &n);
		c = paged ? copy_page_to_iter(virt_to_page(p), offset_in_page(p), n, to) :
			    copy_to_iter(p, n, to);
		done += c;
		pos += c;
		if (c != n)
			break;
	}
	return done;
}

static bool mbox_copy_from_iter_full(const struct ipcchan_mbox *mb, u32 idx,
				     size_t len, struct iov_iter *from)
{
	size_t pos = (size_t)idx * mb->data_stride, done = 0, n, c;
	bool paged = mbox_data_paged(mb);
	void *p;

	while (done < len) {
		p = mbox_data_at(mb, paged, pos, len - done, &n);
		c = paged ? copy_page_from_iter(virt_to_page(p), offset_in_page(p), n, from) :
			    copy_from_iter(p, n, from);
		done += c;
		pos += c;
		if (c != n) {
			iov_iter_revert(from, done);
			return false;
		}
	}
	return true;
}

/* Append slot @idx to list @prio. Called with the lock held. */
static void mbox_link(struct ipcchan_mbox *mb, u32 idx, u32 prio)
{
	mbox_slot(mb, idx)->next = MBOX_NIL;
	if (mb->tail[prio] == MBOX_NIL)
		mb->head[prio] = idx;
	else
		mbox_slot(mb, mb->tail[prio])->next = idx;
	mb->tail[prio] = idx;
	__set_bit(prio, &mb->prio_mask);
	WRITE_ONCE(mb->depth, mb->depth + 1);
}

/* Put slot @idx back at the head of list @prio. Lock held. */
static void mbox_link_head(struct ipcchan_mbox *mb, u32 idx, u32 prio)
{
	mbox_slot(mb, idx)->next = mb->head[prio];
	if (mb->head[prio] == MBOX_NIL)
		mb->tail[prio] = idx;
	mb->head[prio] = idx;
	__set_bit(prio, &mb->prio_mask);
}

/*
 * Take the head of list @prio off it; it still counts in depth. Lock
 * held; returns its index.
 */
static u32 mbox_unqueue(struct ipcchan_mbox *mb, u32 prio)
{
	u32 idx = mb->head[prio];

	mb->head[prio] = mbox_slot(mb, idx)->next;
	if (mb->head[prio] == MBOX_NIL) {
		mb->tail[prio] = MBOX_NIL;
		__clear_bit(prio, &mb->prio_mask);
	}
	return idx;
}

/*
 * Remove the message in slot @idx, already off its list, and put the slot
 * on the free list. Lock held; returns the sender pid reference, to be
 * dropped outside it.
 */
static struct pid *mbox_remove(struct ipcchan_mbox *mb, u32 idx)
{
	struct mbox_msg *m = mbox_slot(mb, idx);
	struct pid *pid = m->pid;

	WRITE_ONCE(mb->depth, mb->depth - 1);
	m->pid = NULL;
	m->next = mb->free;
	WRITE_ONCE(mb->free, idx);
	return pid;
}

/*
 * The full sequence number of a message from its low 32 bits, given the
 * mailbox's next_seq at any time after the message took its number.
 */
static u64 mbox_seq_at(u64 next_seq, u32 seq_lo)
{
	return next_seq - (u32)((u32)next_seq - seq_lo);
}

static u64 mbox_seq(const struct ipcchan_mbox *mb, u32 seq_lo)
{
	return mbox_seq_at(mb->next_seq, seq_lo);
}

/* Trace the drop of the message queued in slot @idx. Lock held. */
static void mbox_trace_drop(const struct ipcchan_mbox *mb, u32 idx)
{
	const struct mbox_msg *m = mbox_slot(mb, idx);

	trace_ipcchan_mbox_drop(mb->obj.id, mbox_seq(mb, m->seq_lo), m->len,
				mb->depth, mb->capacity, mb->policy);
}

/*
 * Drop-oldest: discard the oldest message of the lowest priority on the
 * lists (messages a receive is copying out are on none). Called with the
 * lock held and the mailbox full. Returns false if every message in the
 * mailbox is being copied out.
 */
static bool mbox_drop_oldest(struct ipcchan_mbox *mb, struct pid **pid)
{
	u32 prio, idx;

	if (!mb->prio_mask)
		return false;
	prio = __ffs(mb->prio_mask);
	idx = mb->head[prio];
	mb->st.msgs_dropped++;
	mb->st.bytes_dropped += mbox_slot(mb, idx)->len;
	if (trace_ipcchan_mbox_drop_enabled())
		mbox_trace_drop(mb, idx);
	*pid = mbox_remove(mb, mbox_unqueue(mb, prio));
	return true;
}

/* The depth whose reaching raises a hiwat event: 3/4 of the capacity. */
static u32 mbox_hiwat(const struct ipcchan_mbox *mb)
{
	return mb->capacity - mb->capacity / 4;
}

/* Put the @n slots chained from @first back on the free list. Lock held. */
static void mbox_free_chain(struct ipcchan_mbox *mb, u32 first, u32 n)
{
	u32 idx = first, next;

	while (n--) {
		next = mbox_slot(mb, idx)->next;
		mbox_slot(mb, idx)->next = mb->free;
		WRITE_ONCE(mb->free, idx);
		idx = next;
	}
}

/*
 * Reserve up to @want free slots for a sender to copy @len-byte messages
 * into, or decide to drop. Under block, room is what neither queued
 * messages nor other senders' reservations take; a full mailbox waits
 * until the room reaches the send low watermark, then takes what it can.
 * Under drop-oldest a full mailbox still lends its one extra slot (the
 * link drops the oldest message then), and waits only while every slot
 * is being copied into by other senders, however briefly. Under
 * drop-newest a full mailbox counts the message as dropped. Returns 1
 * when it was dropped, 0 with *@n slots chained from *@first (->next), or
 * an error.
 */
static int mbox_reserve(struct ipcchan_mbox *mb, u32 want, size_t len,
			struct mbox_wait *w, u32 *first, u32 *n)
{
	struct mbox_wait slot_wait;
	u32 k, idx, room, used;
	int ret;

	for (;;) {
		spin_lock(&mb->lock);
		if (mbox_no_readers(mb)) {
			ret = -EPIPE;
			break;
		}
		used = mb->depth + mb->inflight;
		room = used < mbox_room_max(mb) ? mbox_room_max(mb) - used : 0;
		if (room && mbox_rdv(mb) &&
		    (w->nowait || (w->nonblock && !mb->st.receivers_blocked))) {
			/* Nobody to hand the message to without waiting. */
			ret = -EAGAIN;
			break;
		}
		if (room || (mb->policy == IPCCHAN_MBOX_DROP_OLDEST &&
			     mb->free != MBOX_NIL)) {
			*n = room ? min(room, want) : 1;
			*first = idx = mb->free;
			for (k = 1; k < *n; k++)
				idx = mbox_slot(mb, idx)->next;
			WRITE_ONCE(mb->free, mbox_slot(mb, idx)->next);
			mbox_slot(mb, idx)->next = MBOX_NIL;
			WRITE_ONCE(mb->inflight, mb->inflight + *n);
			spin_unlock(&mb->lock);
			return 0;
		}
		if (mb->policy == IPCCHAN_MBOX_DROP_NEWEST) {
			mb->next_seq++;
			mb->st.msgs_dropped++;
			mb->st.bytes_dropped += len;
			trace_ipcchan_mbox_drop(mb->obj.id, mb->next_seq - 1, len,
						mb->depth, mb->capacity,
						mb->policy);
			ret = 1;
			break;
		}
		spin_unlock(&mb->lock);
		if (mb->policy == IPCCHAN_MBOX_DROP_OLDEST) {
			/* Not "full": only a non-blocking-at-all call fails. */
			slot_wait = *w;
			slot_wait.nonblock = w->nowait;
			ret = mbox_wait_for(mb, &slot_wait, true);
		} else {
			ret = mbox_wait_for(mb, w, true);
		}
		if (ret)
			return ret;
	}
	spin_unlock(&mb->lock);
	if (ret > 0)
		ipcchan_nl_drop(&mb->obj, 1);
	return ret;
}

/*
 * Give back the @n reserved slots chained from @first (copies that
 * failed or were not needed), and wake a sender if the room now reaches
 * the watermark; writers' pollers only if EPOLLOUT was off before, as
 * after a receive.
 */
static void mbox_unreserve(struct ipcchan_mbox *mb, u32 first, u32 n)
{
	bool out_was_off;

	spin_lock(&mb->lock);
	out_was_off = !mbox_pollout(mb);
	mbox_free_chain(mb, first, n);
	WRITE_ONCE(mb->inflight, mb->inflight - n);
	spin_unlock(&mb->lock);
	if (mbox_send_ready(mb))
		mbox_wake_senders(mb, out_was_off);
}

/*
 * Queue the @n copied slots chained from @first, in chain order, under
 * one hold of the lock and with one timestamp; each has its length set
 * and holds its priority in seq_lo until linked. Sequence numbers are
 * taken here, so they follow the queue order. Under drop-oldest a full
 * mailbox drops its oldest message on a list for each, or the new one
 * when all it holds are being copied out. Returns the sequence number of
 * the last message.
 */
static u64 mbox_commit(struct ipcchan_mbox *mb, u32 first, u32 n)
{
	struct pid *self = task_tgid(current), *victim;
	kuid_t uid = current_euid();
	u32 k, idx, next, prio, drops = 0;
	struct mbox_msg *m;
	u64 bytes = 0, now, seq;
	bool hiwat;

	spin_lock(&mb->lock);
	hiwat = mb->depth < mbox_hiwat(mb);
	now = ktime_get_ns();
	for (k = 0, idx = first; k < n; k++, idx = next) {
		m = mbox_slot(mb, idx);
		next = m->next;
		prio = m->seq_lo;
		/* Only drop-oldest lends a slot beyond the capacity. */
		if (mb->policy == IPCCHAN_MBOX_DROP_OLDEST &&
		    mb->depth == mb->capacity) {
			drops++;
			victim = NULL;
			if (!mbox_drop_oldest(mb, &victim)) {
				/* All are being copied out: drop ours. */
				mb->next_seq++;
				mb->st.msgs_dropped++;
				mb->st.bytes_dropped += m->len;
				trace_ipcchan_mbox_drop(mb->obj.id,
							mb->next_seq - 1,
							m->len, mb->depth,
							mb->capacity,
							mb->policy);
				mbox_free_chain(mb, idx, 1);
				continue;
			}
			put_pid(victim);
		}
		m->uid = uid;
		m->pid = get_pid(self);
		m->time_ns = now;
		bytes += m->len;
		mbox_link(mb, idx, prio);
		m->seq_lo = (u32)mb->next_seq++;
		mb->st.msgs_in++;
		trace_ipcchan_mbox_enqueue(mb->obj.id, mb->next_seq - 1, m->len,
					   prio, mb->depth, mb->capacity);
	}
	WRITE_ONCE(mb->inflight, mb->inflight - n);
	mb->st.bytes_in += bytes;
	if (mb->depth > mb->st.peak_depth)
		mb->st.peak_depth = mb->depth;
	hiwat = hiwat && mb->depth >= mbox_hiwat(mb);
	seq = mb->next_seq - 1;
	spin_unlock(&mb->lock);

	if (drops)
		ipcchan_nl_drop(&mb->obj, drops);
	if (hiwat)
		ipcchan_nl_hiwat(&mb->obj, mbox_hiwat(mb));
	return seq;
}

/*
 * After a send: wake the receivers, and, if the room left still reaches
 * the watermark, the next blocked sender (a receive wakes one sender
 * however many slots are free, so senders pass the wakeup along), but
 * not the writers' pollers: a send takes room, it never makes EPOLLOUT
 * true. Each wake looks at its queue first and costs nothing when
 * nobody waits.
 */
static void mbox_send_done(struct ipcchan_mbox *mb)
{
	mbox_wake_receivers(mb);
	if (mbox_send_ready(mb))
		mbox_wake_senders(mb, false);
}

static bool mbox_rdv_taken(struct ipcchan_mbox *mb, u64 seq)
{
	return READ_ONCE(mb->taken_seq) > seq;
}

/*
 * Rendezvous: the send of the message @seq in slot @idx gives up with
 * @err. Under recv_mutex no receiver is copying it out, so it was either
 * taken (then the send succeeded: 0) or is still queued, the only
 * message, and is removed unread, counted as dropped. A fatal signal
 * while waiting for the mutex leaves it offered.
 */
static int mbox_rdv_withdraw(struct ipcchan_mbox *mb, u32 idx, u64 seq,
			     int err)
{
	struct pid *pid = NULL;
	struct mbox_msg *m = mbox_slot(mb, idx);
	u32 prio;

	if (mutex_lock_killable(&mb->recv_mutex))
		return err;
	spin_lock(&mb->lock);
	if (mbox_rdv_taken(mb, seq)) {
		err = 0;
	} else if (!WARN_ON_ONCE(mb->depth != 1)) {
		prio = __fls(mb->prio_mask);
		WARN_ON_ONCE(mb->head[prio] != idx);
		mb->st.msgs_dropped++;
		mb->st.bytes_dropped += m->len;
		trace_ipcchan_mbox_drop(mb->obj.id, seq, m->len, mb->depth,
					mb->capacity, mb->policy);
		pid = mbox_remove(mb, mbox_unqueue(mb, prio));
	}
	spin_unlock(&mb->lock);
	mutex_unlock(&mb->recv_mutex);
	if (pid) {
		put_pid(pid);
		mbox_wake_senders(mb, true);
	}
	return err;
}

/*
 * Rendezvous: the offer @seq was taken (> 0), can never be (-EPIPE), or a
 * non-blocking send finds no receiver left to take it (-EAGAIN).
 */
static int mbox_rdv_cond(struct ipcchan_mbox *mb, const struct mbox_wait *w,
			 u64 seq)
{
	if (mbox_rdv_taken(mb, seq))
		return 1;
	if (mbox_no_readers(mb))
		return -EPIPE;
	if (w->nonblock && !atomic_read(&mb->receivers_in))
		return -EAGAIN;
	return 0;
}

/*
 * Rendezvous: wait until the message @seq just queued in slot @idx has
 * been received (see the top of the file). The sender counts as blocked
 * meanwhile. Returns 0 once it was taken, else the error of a send that
 * gave up and withdrew it.
 */
static int mbox_rdv_wait(struct ipcchan_mbox *mb, u32 idx, u64 seq,
			 struct mbox_wait *w)
{
	int ret;

	mbox_wait_begin(mb, true);
	ret = mbox_sleep(mb, &mb->wait_taken, false, mbox_rdv_cond, seq, w);
	if (ret)
		ret = mbox_rdv_withdraw(mb, idx, seq, ret);
	mbox_wait_end(mb, true, ret);
	return ret;
}

/*
 * Send one message of @len bytes from @from: reserve a slot under the
 * spinlock, copy into it without any lock, queue it; under rendezvous,
 * wait until it is taken. Returns 0 when it was queued (taken) or dropped
 * by the policy, or an error with the mailbox unchanged.
 */
static int mbox_send_one(struct ipcchan_mbox *mb, struct iov_iter *from,
			 size_t len, u32 prio, struct mbox_wait *w)
{
	struct mbox_msg *m;
	u32 idx, n;
	u64 seq;
	int ret;

	if (len > mb->msgsize_max)
		return -EMSGSIZE;

	ret = mbox_reserve(mb, 1, len, w, &idx, &n);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		iov_iter_advance(from, len);
		return 0;
	}
	m = mbox_slot(mb, idx);
	if (!mbox_copy_from_iter_full(mb, idx, len, from)) {
		mbox_unreserve(mb, idx, 1);
		return -EFAULT;
	}
	m->len = len;
	m->seq_lo = prio;
	seq = mbox_commit(mb, idx, 1);
	mbox_send_done(mb);
	if (mbox_rdv(mb))
		return mbox_rdv_wait(mb, idx, seq, w);
	return 0;
}

/* What a receive learns about its message, before translation. */
struct mbox_meta {
	u32 len;
	u32 prio;
	u64 seq;
	u64 time_ns;
	u64 dropped;
	struct pid *pid;
	kuid_t uid;
};

/*
 * Write the output fields of the receiver's struct ipcchan_mbox_msg at
 * @umsg for a message of which @copied bytes were copied. Field by field
 * in one user-access section: cheaper than building the struct and
 * copying it, and the input fields (@buf, @reserved) are left alone.
 */
static int mbox_put_meta(struct ipcchan_mbox_msg __user *umsg,
			 const struct mbox_meta *meta, size_t copied)
{
	s32 pid = pid_nr_ns(meta->pid, task_active_pid_ns(current));
	u32 uid = from_kuid_munged(current_user_ns(), meta->uid);
	u32 flags = copied < meta->len ? IPCCHAN_MSG_TRUNCATED : 0;

	if (!user_write_access_begin(umsg, sizeof(*umsg)))
		return -EFAULT;
	unsafe_put_user(meta->len, &umsg->len, efault);
	unsafe_put_user(meta->prio, &umsg->prio, efault);
	unsafe_put_user(flags, &umsg->flags, efault);
	unsafe_put_user(meta->seq, &umsg->seq, efault);
	unsafe_put_user(meta->time_ns, &umsg->enqueue_ns, efault);
	unsafe_put_user(pid, &umsg->sender_pid, efault);
	unsafe_put_user(uid, &umsg->sender_uid, efault);
	unsafe_put_user(meta->dropped, &umsg->dropped, efault);
	user_write_access_end();
	return 0;
efault:
	user_write_access_end();
	return -EFAULT;
}

/*
 * Nothing queued: fail with EPIPE if nothing can ever arrive, else wait.
 * Returns 0 to try again.
 */
static int mbox_recv_wait(struct ipcchan_mbox *mb, struct mbox_wait *w,
			  bool hup)
{
	if (hup)
		return -EPIPE;
	return mbox_wait_for(mb, w, false);
}

static unsigned int mbox_hist_bucket(u64 ns)
{
	if (ns < 2)
		return 0;
	return min_t(unsigned int, ilog2(ns), IPCCHAN_MBOX_HIST_BUCKETS - 1);
}

/* Read element @i of the message array and set up its iterator. */
static int mbox_xfer_msg(const struct ipcchan_mbox_xfer *x, u32 i, int dir,
			 struct ipcchan_mbox_msg *msg,
			 struct ipcchan_mbox_msg __user **umsg,
			 struct iov_iter *iter)
{
	struct ipcchan_mbox_msg __user *u;
	int ret;

	u = u64_to_user_ptr(x->msgs + (u64)i * x->msg_size);
	*umsg = u;
	if (x->msg_size != sizeof(*msg)) {
		ret = copy_struct_from_user(msg, sizeof(*msg), u, x->msg_size);
		if (ret)
			return ret;
	} else {
		/* The common case: read just the input fields. */
		if (!user_read_access_begin(u, sizeof(*u)))
			return -EFAULT;
		unsafe_get_user(msg->buf, &u->buf, efault);
		unsafe_get_user(msg->len, &u->len, efault);
		unsafe_get_user(msg->prio, &u->prio, efault);
		unsafe_get_user(msg->reserved, &u->reserved, efault);
		user_read_access_end();
	}
	if (msg->reserved)
		return -EINVAL;
	iov_iter_ubuf(iter, dir, u64_to_user_ptr(msg->buf), msg->len);
	return 0;
efault:
	user_read_access_end();
	return -EFAULT;
}

/*
 * A batch's result: the messages done, else the error. Not "done ? done :
 * ret": with a u32 and an int that expression is unsigned, so an error
 * came back as a large positive long. The syscall truncates it to the
 * right errno on its way out, but mbox_ioctl_xfer() saw a success and did
 * not pass the wakeup on.
 */
static long mbox_batch_result(u32 done, int ret)
{
	return done ? (long)done : ret;
}

/*
 * Where a receive puts messages: one message into the caller's @iter
 * (read(2)), or the elements of an IPCCHAN_IOC_MBOX_RECV array (@x set),
 * element i read from userspace once message i - 1 is copied. @umsg, when
 * set, gets the metadata of the message copied into @iter.
 */
struct mbox_dest {
	const struct ipcchan_mbox_xfer *x;
	struct iov_iter *iter;
	struct ipcchan_mbox_msg __user *umsg;
	struct iov_iter xfer_iter;
	struct ipcchan_mbox_msg msg;
	u32 count;		/* messages wanted */
	u32 flags;		/* IPCCHAN_XFER_PEEK, IPCCHAN_XFER_TRUNC */
	size_t copied;		/* payload bytes of the last message */
};

/* Set @d up for element @i of its array. */
static int mbox_dest_elem(struct mbox_dest *d, u32 i)
{
	d->iter = &d->xfer_iter;
	return mbox_xfer_msg(d->x, i, ITER_DEST, &d->msg, &d->umsg, d->iter);
}

/* Messages a receive takes off the lists at once. */
#define MBOX_TAKE_MAX	32

/*
 * The messages a receive has taken off the lists, in receive order, and
 * what it needs to know of them once the spinlock is dropped. Their slot
 * headers stay as they are meanwhile: a slot on no list is touched by
 * nobody but its receiver.
 */
struct mbox_take {
	u32 n;
	u64 next_seq;		/* to widen their sequence numbers */
	u64 dropped;		/* drops to report with the first */
	u32 idx[MBOX_TAKE_MAX];
	u8 prio[MBOX_TAKE_MAX];
};

/*
 * Take up to @want (1 to MBOX_TAKE_MAX) messages off the lists, the
 * highest priority first and in order within one. Both locks held.
 */
static void mbox_take(struct ipcchan_mbox *mb, u32 want, struct mbox_take *t)
{
	u32 prio;

	t->next_seq = mb->next_seq;
	t->dropped = mb->st.msgs_dropped - mb->dropped_seen;
	for (t->n = 0; t->n < want && mb->prio_mask; t->n++) {
		prio = __fls(mb->prio_mask);
		t->prio[t->n] = prio;
		t->idx[t->n] = mbox_unqueue(mb, prio);
	}
}

/* What a receive reports of taken message @k. */
static void mbox_take_meta(const struct ipcchan_mbox *mb,
			   const struct mbox_take *t, u32 k,
			   struct mbox_meta *meta)
{
	const struct mbox_msg *m = mbox_slot(mb, t->idx[k]);

	meta->len = m->len;
	meta->prio = t->prio[k];
	meta->seq = mbox_seq_at(t->next_seq, m->seq_lo);
	meta->time_ns = m->time_ns;
	meta->dropped = k ? 0 : t->dropped;
	meta->pid = m->pid;
	meta->uid = m->uid;
}

/*
 * Copy taken message @k out to @d: its data, then its metadata. Returns 0,
 * -EMSGSIZE when it does not fit and truncating was not asked for, or
 * -EFAULT.
 */
static int mbox_copy_out(const struct ipcchan_mbox *mb, struct mbox_dest *d,
			 const struct mbox_take *t, u32 k)
{
	struct mbox_meta meta;

	mbox_take_meta(mb, t, k, &meta);
	if (meta.len > iov_iter_count(d->iter) &&
	    !(d->flags & IPCCHAN_XFER_TRUNC))
		return -EMSGSIZE;
	d->copied = min_t(size_t, meta.len, iov_iter_count(d->iter));
	if (mbox_copy_to_iter(mb, t->idx[k], d->copied, d->iter) != d->copied)
		return -EFAULT;
	if (d->umsg)
		return mbox_put_meta(d->umsg, &meta, d->copied);
	return 0;
}

/*
 * Back under the spinlock: remove the first @ok taken messages, the ones
 * copied out, and put the others back at the heads of their lists in
 * their order. Each removal is accounted (statistics, residence
 * histogram, tracepoint) with the clock read here, once, after the
 * copies: a message's residence runs until it is removed, and every
 * message removed here was queued before the take.
 */
static void mbox_untake(struct ipcchan_mbox *mb, struct mbox_take *t, u32 ok)
{
	struct mbox_meta meta;
	struct pid *pid;
	u64 now = 0, res;
	u32 k;

	if (ok)
		now = ktime_get_ns();
	for (k = 0; k < ok; k++) {
		mbox_take_meta(mb, t, k, &meta);
		/* The receive dropped the pid reference after the copy. */
		pid = mbox_remove(mb, t->idx[k]);
		WARN_ON_ONCE(pid);
		res = now > meta.time_ns ? now - meta.time_ns : 0;
		mb->dropped_seen += meta.dropped;
		mb->st.msgs_out++;
		mb->st.bytes_out += meta.len;
		mb->st.residence_hist[mbox_hist_bucket(res)]++;
		trace_ipcchan_mbox_dequeue(mb->obj.id, meta.seq, meta.len,
					   meta.prio, mb->depth, mb->capacity,
					   res);
		if (mbox_rdv(mb))
			WRITE_ONCE(mb->taken_seq, meta.seq + 1);
	}
	for (k = t->n; k-- > ok;)
		mbox_link_head(mb, t->idx[k], t->prio[k]);
}

/*
 * How many messages to take at once: one for PEEK, and one under
 * drop-oldest, whose senders may drop any message on the lists but never
 * one taken: a take of many would make them drop the new messages
 * instead, the opposite of a flight recorder.
 */
static u32 mbox_take_want(const struct ipcchan_mbox *mb,
			  const struct mbox_dest *d, u32 done)
{
	if ((d->flags & IPCCHAN_XFER_PEEK) ||
	    mb->policy == IPCCHAN_MBOX_DROP_OLDEST)
		return 1;
	return min_t(u32, d->count - done, MBOX_TAKE_MAX);
}

/*
 * The one receive path, for read(2), IPCCHAN_IOC_MBOX_RECV and PEEK: wait
 * for the first message only, then take what is queued, up to @d->count,
 * under one hold of recv_mutex. Messages are taken off the lists up to
 * MBOX_TAKE_MAX at a time under one hold of the spinlock, copied out
 * without it, and removed under a second hold; a message that does not
 * fit or faults (EMSGSIZE, EFAULT) goes back with the ones after it, as
 * do all under PEEK, so nothing is lost. At the end senders are woken if
 * the room reaches their watermark (and writers' pollers if EPOLLOUT was
 * off before a removal), and another receiver if messages are
 * left (the wakeup this one consumed may have stood for them). Returns
 * the messages received, or an error if none.
 */
static long mbox_recv_msgs(struct ipcchan_mbox *mb, struct mbox_dest *d,
			   struct mbox_wait *w)
{
	bool peek = d->flags & IPCCHAN_XFER_PEEK;
	struct mbox_msg *m;
	struct mbox_take t;
	bool hup, out_was_off = false;
	u32 done = 0, k;
	int ret;

	if (d->x) {
		ret = mbox_dest_elem(d, 0);
		if (ret)
			return ret;
	}
	for (;;) {
		ret = mbox_lock_mutex(&mb->recv_mutex, w);
		if (ret)
			return ret;
		spin_lock(&mb->lock);
		if (mb->depth)
			break;
		hup = !mb->writers && !ipcchan_obj_is_named(&mb->obj);
		spin_unlock(&mb->lock);
		mutex_unlock(&mb->recv_mutex);
		ret = mbox_recv_wait(mb, w, hup);
		if (ret)
			return ret;
	}

	do {
		mbox_take(mb, mbox_take_want(mb, d, done), &t);
		spin_unlock(&mb->lock);
		for (k = 0; k < t.n; ) {
			ret = mbox_copy_out(mb, d, &t, k);
			if (ret)
				break;
			k++;
			if (peek)
				break;
			/* Copied: it will be removed. Its pid is not needed. */
			m = mbox_slot(mb, t.idx[k - 1]);
			put_pid(m->pid);
			m->pid = NULL;
			/* A bad next element ends the batch after this one. */
			if (done + k < d->count) {
				ret = mbox_dest_elem(d, done + k);
				if (ret)
					break;
			}
		}
		spin_lock(&mb->lock);
		/* Room is freed here: did writers' EPOLLOUT go away before? */
		if (k && !peek && !mbox_pollout(mb))
			out_was_off = true;
		mbox_untake(mb, &t, peek ? 0 : k);
		done += k;
	} while (!ret && !peek && done < d->count && mb->depth);
	spin_unlock(&mb->lock);
	mutex_unlock(&mb->recv_mutex);

	if (done && !peek) {
		if (mbox_send_ready(mb))
			mbox_wake_senders(mb, out_was_off);
		/* Hand on to a blocked receiver; pollers saw the sends. */
		if (READ_ONCE(mb->depth))
			mbox_wake(mb, &mb->wait_recv, MBOX_POLLIN);
	}
	return mbox_batch_result(done, ret);
}

/*
 * Receive, and under rendezvous count the receiver in while it is in
 * (a non-blocking sender waits for as long as one is) and wake the
 * offering sender on the way out: its message may have been taken, or
 * the last receiver it was waiting for gone.
 */
static long mbox_recv(struct ipcchan_mbox *mb, struct mbox_dest *d,
		      struct mbox_wait *w)
{
	long ret;

	if (!mbox_rdv(mb))
		return mbox_recv_msgs(mb, d, w);
	atomic_inc(&mb->receivers_in);
	ret = mbox_recv_msgs(mb, d, w);
	atomic_dec(&mb->receivers_in);
	wake_up(&mb->wait_taken);
	return ret;
}

/*
 * A waiter leaving with an error may have consumed an exclusive wakeup
 * meant for whoever can use the message or the room: pass it on.
 */
static void mbox_pass_wakeup(struct ipcchan_mbox *mb, bool sender)
{
	if (sender ? mbox_send_ready(mb) : READ_ONCE(mb->depth))
		mbox_wake(mb, sender ? &mb->wait_send : &mb->wait_recv,
			  sender ? MBOX_POLLOUT : MBOX_POLLIN);
}

static void mbox_wait_init(struct mbox_wait *w, struct file *file,
			   bool nowait)
{
	memset(w, 0, sizeof(*w));
	w->nonblock = (file->f_flags & O_NONBLOCK) || nowait;
	w->nowait = nowait;
	w->intr_err = -ERESTARTSYS;
}

static ssize_t mbox_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct ipcchan_mbox *mb = iocb->ki_filp->private_data;
	struct mbox_dest d = { .iter = to, .count = 1 };
	struct mbox_wait w;
	ssize_t ret;

	mbox_wait_init(&w, iocb->ki_filp, iocb->ki_flags & IOCB_NOWAIT);
	ret = mbox_recv(mb, &d, &w);
	if (ret < 0) {
		if (ret != -EAGAIN)
			mbox_pass_wakeup(mb, false);
		return ret;
	}
	return d.copied;
}

static ssize_t mbox_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct ipcchan_mbox *mb = iocb->ki_filp->private_data;
	size_t len = iov_iter_count(from);
	struct mbox_wait w;
	int ret;

	mbox_wait_init(&w, iocb->ki_filp, iocb->ki_flags & IOCB_NOWAIT);
	ret = mbox_send_one(mb, from, len, 0, &w);
	if (ret < 0) {
		if (ret != -EAGAIN)
			mbox_pass_wakeup(mb, true);
		return ret;
	}
	return len;
}

static __poll_t mbox_poll(struct file *file, struct poll_table_struct *pt)
{
	struct ipcchan_mbox *mb = file->private_data;
	__poll_t mask = 0;

	/* Only the queues that can change this fd's mask, as pipe_poll(). */
	if (file->f_mode & FMODE_READ)
		poll_wait(file, &mb->poll_recv, pt);
	if (file->f_mode & FMODE_WRITE)
		poll_wait(file, &mb->poll_send, pt);

	if (file->f_mode & FMODE_READ) {
		if (READ_ONCE(mb->depth))
			mask |= MBOX_POLLIN;
		else if (mbox_no_writers(mb))
			mask |= EPOLLHUP;
	}
	if (file->f_mode & FMODE_WRITE) {
		if (mbox_no_readers(mb))
			mask |= EPOLLERR;
		else if (mbox_pollout(mb))
			mask |= MBOX_POLLOUT;
	}
	return mask;
}

/* Fill @w from the xfer flags and timeout. */
static int mbox_xfer_wait(struct mbox_wait *w, struct file *file,
			  const struct ipcchan_mbox_xfer *x)
{
	mbox_wait_init(w, file, false);
	if (x->flags & IPCCHAN_XFER_NONBLOCK)
		w->nonblock = true;
	if (!(x->flags & IPCCHAN_XFER_TIMEOUT)) {
		if (x->timeout_ns || (x->flags & IPCCHAN_XFER_ABSTIME))
			return -EINVAL;
		return 0;
	}
	w->has_deadline = true;
	if (x->flags & IPCCHAN_XFER_ABSTIME) {
		w->deadline = min_t(u64, x->timeout_ns, KTIME_MAX);
	} else {
		w->deadline = ktime_add_safe(ktime_get(),
					     min_t(u64, x->timeout_ns, KTIME_MAX));
		/* Restarting would start the relative wait afresh. */
		w->intr_err = -EINTR;
	}
	return 0;
}

/* Read and check element @i of a send batch. */
static int mbox_send_msg(struct ipcchan_mbox *mb,
			 const struct ipcchan_mbox_xfer *x, u32 i,
			 struct ipcchan_mbox_msg *msg, struct iov_iter *iter)
{
	struct ipcchan_mbox_msg __user *umsg;
	int ret;

	ret = mbox_xfer_msg(x, i, ITER_SOURCE, msg, &umsg, iter);
	if (ret)
		return ret;
	if (msg->prio > IPCCHAN_MBOX_PRIO_MAX)
		return -EINVAL;
	if (msg->len > mb->msgsize_max)
		return -EMSGSIZE;
	return 0;
}

/*
 * IPCCHAN_IOC_MBOX_SEND: reserve as many slots as the rest of the batch
 * needs and the mailbox has room for under one hold of the spinlock, copy
 * into them without it, queue the ones copied under a second hold, and
 * wake the receivers once per run: at the end of the batch, or before
 * sleeping for room. Under rendezvous each message is sent, and taken,
 * before the next is read.
 */
static long mbox_send_batch(struct ipcchan_mbox *mb,
			    const struct ipcchan_mbox_xfer *x,
			    struct mbox_wait *w)
{
	struct ipcchan_mbox_msg msg;
	struct iov_iter iter;
	u32 done = 0, first, n, k, idx;
	struct mbox_msg *m;
	u64 seq = 0;
	int ret = 0;

	while (done < x->count) {
		ret = mbox_send_msg(mb, x, done, &msg, &iter);
		if (ret)
			break;
		ret = mbox_reserve(mb, x->count - done, msg.len, w, &first, &n);
		if (ret < 0)
			break;
		if (ret > 0) {
			done++;
			ret = 0;
			continue;
		}
		for (k = 0, idx = first; k < n; k++, idx = m->next) {
			m = mbox_slot(mb, idx);
			if (k)
				ret = mbox_send_msg(mb, x, done + k, &msg, &iter);
			if (!ret &&
			    !mbox_copy_from_iter_full(mb, idx, msg.len, &iter))
				ret = -EFAULT;
			if (ret)
				break;
			m->len = msg.len;
			m->seq_lo = msg.prio;
		}
		if (k < n)
			mbox_unreserve(mb, idx, n - k);
		if (k) {
			seq = mbox_commit(mb, first, k);
			mbox_send_done(mb);
		}
		/* Rendezvous reserves one slot at a time. */
		if (k && mbox_rdv(mb)) {
			ret = mbox_rdv_wait(mb, first, seq, w);
			if (ret)
				k = 0;
		}
		done += k;
		if (ret)
			break;
	}
	return mbox_batch_result(done, ret);
}

static long mbox_ioctl_xfer(struct file *file, void __user *uarg, bool send)
{
	struct ipcchan_mbox *mb = file->private_data;
	u32 allowed = IPCCHAN_XFER_NONBLOCK | IPCCHAN_XFER_TIMEOUT |
		      IPCCHAN_XFER_ABSTIME;
	struct ipcchan_mbox_xfer x;
	struct mbox_wait w;
	long ret = 0;

	if (!(file->f_mode & (send ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	ret = ipcchan_copy_arg(&x, sizeof(x), IPCCHAN_MBOX_XFER_SIZE_VER0,
			       uarg);
	if (ret < 0)
		return ret;
	if (!send)
		allowed |= IPCCHAN_XFER_PEEK | IPCCHAN_XFER_TRUNC;
	if (x.flags & ~allowed)
		return -EINVAL;
	if (!x.count || x.count > IPCCHAN_MBOX_BATCH_MAX ||
	    ((x.flags & IPCCHAN_XFER_PEEK) && x.count != 1))
		return -EINVAL;
	if (x.msg_size < IPCCHAN_MBOX_MSG_SIZE_VER0)
		return -EINVAL;
	if (x.msg_size > PAGE_SIZE)
		return -E2BIG;
	ret = mbox_xfer_wait(&w, file, &x);
	if (ret)
		return ret;

	if (send) {
		ret = mbox_send_batch(mb, &x, &w);
	} else {
		struct mbox_dest d = {
			.x = &x, .count = x.count, .flags = x.flags,
		};

		ret = mbox_recv(mb, &d, &w);
	}
	if (ret < 0 && ret != -EAGAIN && ret != -ETIMEDOUT)
		mbox_pass_wakeup(mb, send);
	return ret;
}

static long mbox_ioctl_get_attr(struct ipcchan_mbox *mb, void __user *uarg)
{
	struct user_namespace *uns = current_user_ns();
	struct ipcchan_mbox_attr a;
	int usize;

	usize = ipcchan_copy_arg(&a, sizeof(a), IPCCHAN_MBOX_ATTR_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	if (a.flags || a.reserved || a.reserved1)
		return -EINVAL;

	memset(&a, 0, sizeof(a));
	a.id = mb->obj.id;
	if (ipcchan_obj_is_named(&mb->obj))
		a.attr_flags |= IPCCHAN_MBOX_ATTR_NAMED;
	a.capacity = mb->capacity;
	a.msgsize_max = mb->msgsize_max;
	a.policy = mb->policy;
	a.mode = mb->obj.mode;
	a.uid = from_kuid_munged(uns, mb->obj.uid);
	a.gid = from_kgid_munged(uns, mb->obj.gid);
	a.depth = READ_ONCE(mb->depth);
	a.reserved_bytes = mb->obj.charged;
	a.send_lowat = mb->send_lowat;
	return ipcchan_put_arg(uarg, &a, usize);
}

/* A consistent copy of the statistics, for GET_STATS and netlink. */
static void mbox_stats_snapshot(struct ipcchan_mbox *mb,
				struct ipcchan_mbox_stats *st)
{
	spin_lock(&mb->lock);
	*st = mb->st;
	st->depth = mb->depth;
	spin_unlock(&mb->lock);
}

static long mbox_ioctl_get_stats(struct ipcchan_mbox *mb, void __user *uarg)
{
	struct ipcchan_mbox_stats *st;
	int usize;
	long ret = 0;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	usize = ipcchan_copy_arg(st, sizeof(*st), IPCCHAN_MBOX_STATS_SIZE_VER0,
				 uarg);
	if (usize < 0) {
		ret = usize;
		goto out;
	}
	if (st->flags) {
		ret = -EINVAL;
		goto out;
	}

	mbox_stats_snapshot(mb, st);
	st->flags = 0;
	ret = ipcchan_put_arg(uarg, st, usize);
out:
	kfree(st);
	return ret;
}

static long mbox_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ipcchan_mbox *mb = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case IPCCHAN_IOC_MBOX_SEND:
		return mbox_ioctl_xfer(file, uarg, true);
	case IPCCHAN_IOC_MBOX_RECV:
		return mbox_ioctl_xfer(file, uarg, false);
	case IPCCHAN_IOC_MBOX_GET_ATTR:
		return mbox_ioctl_get_attr(mb, uarg);
	case IPCCHAN_IOC_MBOX_GET_STATS:
		return mbox_ioctl_get_stats(mb, uarg);
	default:
		return -ENOTTY;
	}
}

/* ev-role of attach and detach events: IPCCHAN_OPEN_READ/WRITE bits. */
static u32 mbox_nl_role(fmode_t mode)
{
	return (mode & FMODE_READ ? IPCCHAN_OPEN_READ : 0) |
	       (mode & FMODE_WRITE ? IPCCHAN_OPEN_WRITE : 0);
}

/* Count an fd in (@delta 1) or out (-1) as reader and/or writer. */
static void mbox_count_fd(struct ipcchan_mbox *mb, fmode_t mode, int delta)
{
	spin_lock(&mb->lock);
	if (mode & FMODE_READ)
		WRITE_ONCE(mb->readers, mb->readers + delta);
	if (mode & FMODE_WRITE)
		WRITE_ONCE(mb->writers, mb->writers + delta);
	spin_unlock(&mb->lock);
}

static const char *const mbox_policy_names[] = {
	[IPCCHAN_MBOX_BLOCK]		= "block",
	[IPCCHAN_MBOX_DROP_NEWEST]	= "drop-newest",
	[IPCCHAN_MBOX_DROP_OLDEST]	= "drop-oldest",
	[IPCCHAN_MBOX_RENDEZVOUS]	= "rendezvous",
};

/*
 * /proc/PID/fdinfo/N: what this fd is and the state of its mailbox, one
 * "key:\tvalue" line each, keys named as the GET_ATTR and GET_STATS
 * fields. The counters are one consistent snapshot.
 */
static void mbox_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct ipcchan_mbox *mb = file->private_data;
	u32 depth, peak, sblocked, rblocked;
	u64 in, out, dropped;

	spin_lock(&mb->lock);
	depth = mb->depth;
	peak = mb->st.peak_depth;
	sblocked = mb->st.senders_blocked;
	rblocked = mb->st.receivers_blocked;
	in = mb->st.msgs_in;
	out = mb->st.msgs_out;
	dropped = mb->st.msgs_dropped;
	spin_unlock(&mb->lock);

	seq_puts(m, "type:\tmailbox\n");
	seq_printf(m, "id:\t%u\n", mb->obj.id);
	seq_printf(m, "role:\t%s\n",
		   (file->f_mode & FMODE_READ) && (file->f_mode & FMODE_WRITE) ?
		   "read-write" : file->f_mode & FMODE_READ ? "read" : "write");
	seq_printf(m, "named:\t%d\n", ipcchan_obj_is_named(&mb->obj));
	seq_printf(m, "policy:\t%s\n", mbox_policy_names[mb->policy]);
	seq_printf(m, "capacity:\t%u\n", mb->capacity);
	seq_printf(m, "msgsize_max:\t%u\n", mb->msgsize_max);
	seq_printf(m, "send_lowat:\t%u\n", mb->send_lowat);
	seq_printf(m, "reserved_bytes:\t%zu\n", mb->obj.charged);
	seq_printf(m, "depth:\t%u\n", depth);
	seq_printf(m, "peak_depth:\t%u\n", peak);
	seq_printf(m, "senders_blocked:\t%u\n", sblocked);
	seq_printf(m, "receivers_blocked:\t%u\n", rblocked);
	seq_printf(m, "msgs_in:\t%llu\n", in);
	seq_printf(m, "msgs_out:\t%llu\n", out);
	seq_printf(m, "msgs_dropped:\t%llu\n", dropped);
}

/* Wake every waiter and poller: the other side may be gone. */
static void mbox_wake_all(struct ipcchan_mbox *mb)
{
	wake_up_all(&mb->wait_recv);
	wake_up_all(&mb->wait_send);
	wake_up_all(&mb->poll_recv);
	wake_up_all(&mb->poll_send);
	wake_up_all(&mb->wait_taken);
}

/*
 * An fd going away may leave the other side with nobody to talk to:
 * wake every waiter so that it can see EPIPE, and pollers EPOLLHUP/ERR.
 */
static int mbox_release(struct inode *inode, struct file *file)
{
	struct ipcchan_mbox *mb = file->private_data;

	mbox_count_fd(mb, file->f_mode, -1);
	mbox_wake_all(mb);
	ipcchan_nl_event(&mb->obj, IPCCHAN_EVENT_DETACHED,
			 mbox_nl_role(file->f_mode));
	ipcchan_obj_put(&mb->obj);
	return 0;
}

static const struct file_operations mbox_fops = {
	.owner		= THIS_MODULE,
	.read_iter	= mbox_read_iter,
	.write_iter	= mbox_write_iter,
	.poll		= mbox_poll,
	.unlocked_ioctl	= mbox_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= mbox_release,
	.show_fdinfo	= mbox_show_fdinfo,
};

static void mbox_unlinked(struct ipcchan_obj *obj)
{
	mbox_wake_all(mbox_from_obj(obj));
}

/*
 * The data: one kmalloc'ed buffer when it fits in a page, else chunks of
 * whole pages, directly mapped (alloc_pages_exact(): no rounding of the
 * last one up to a power of two). Charged to the memory cgroup either way.
 */
static int mbox_alloc_data(struct ipcchan_mbox *mb)
{
	const gfp_t gfp = IPCCHAN_GFP_RESERVE;
	size_t size = mbox_data_size(mb);
	u32 k;

	mb->nr_chunks = DIV_ROUND_UP(size, MBOX_CHUNK_SIZE);
	mb->chunks = kcalloc(mb->nr_chunks, sizeof(*mb->chunks), gfp);
	if (!mb->chunks)
		return -ENOMEM;
	if (!mbox_data_paged(mb)) {
		mb->chunks[0] = kmalloc(size, gfp);
		return mb->chunks[0] ? 0 : -ENOMEM;
	}
	for (k = 0; k < mb->nr_chunks; k++) {
		mb->chunks[k] = alloc_pages_exact(mbox_chunk_size(mb, k), gfp);
		if (!mb->chunks[k])
			return -ENOMEM;
	}
	return 0;
}

/* Free what mbox_alloc_data() got, also after it failed half-way. */
static void mbox_free_data(struct ipcchan_mbox *mb)
{
	u32 k;

	if (!mb->chunks)
		return;
	if (!mbox_data_paged(mb)) {
		kfree(mb->chunks[0]);
	} else {
		for (k = 0; k < mb->nr_chunks && mb->chunks[k]; k++)
			free_pages_exact(mb->chunks[k],
					 mbox_chunk_size(mb, k));
	}
	kfree(mb->chunks);
}

static void mbox_free(struct ipcchan_obj *obj)
{
	struct ipcchan_mbox *mb = mbox_from_obj(obj);
	unsigned long prio;
	u32 idx;

	if (mb->hdrs) {
		for_each_set_bit(prio, &mb->prio_mask, MBOX_NPRIO)
			for (idx = mb->head[prio]; idx != MBOX_NIL;
			     idx = mbox_slot(mb, idx)->next)
				put_pid(mbox_slot(mb, idx)->pid);
		kvfree(mb->hdrs);
	}
	mbox_free_data(mb);
	kfree(mb);
}

static int mbox_nl_fill(struct sk_buff *skb, struct ipcchan_obj *obj)
{
	struct ipcchan_mbox *mb = mbox_from_obj(obj);
	struct ipcchan_nl_mbox attr = {
		.capacity = mb->capacity,
		.msgsize_max = mb->msgsize_max,
		.policy = mb->policy,
		.hiwat = mbox_hiwat(mb),
		.send_lowat = mb->send_lowat,
	};
	struct ipcchan_mbox_stats st;

	mbox_stats_snapshot(mb, &st);
	return ipcchan_nl_put_mbox(skb, &attr, &st);
}

static const struct ipcchan_obj_ops mbox_obj_ops = {
	.type		= IPCCHAN_OBJ_MAILBOX,
	.release	= mbox_free,
	.unlinked	= mbox_unlinked,
	.nl_fill	= mbox_nl_fill,
};

/*
 * Memory of one buffer of @n bytes as mbox_create() allocates it: up to a
 * page from the slab (counted as asked; the slab's own rounding is not),
 * above a page in whole pages (vmalloc, alloc_pages_exact()).
 */
static size_t mbox_area(size_t n)
{
	return n <= PAGE_SIZE ? n : PAGE_ALIGN(n);
}

/*
 * What a mailbox of @nslots slots of @stride data bytes reserves: the
 * structure, the headers, the data chunks and the chunk pointers. This is
 * what is charged to the owner and reported as reserved_bytes; the uapi
 * header and Documentation/userspace-api/ipcchan.rst give the formula.
 */
static size_t mbox_reserved_bytes(size_t nslots, size_t stride)
{
	size_t data = nslots * stride;

	return sizeof(struct ipcchan_mbox) +
	       mbox_area(nslots * sizeof(struct mbox_msg)) + mbox_area(data) +
	       DIV_ROUND_UP(data, MBOX_CHUNK_SIZE) * sizeof(u8 *);
}

/* Check the creation attributes and fill in the defaults. */
static int mbox_check_attrs(struct ipcchan_mbox_open *op, u32 *slot_size,
			    size_t *bytes)
{
	struct ipcchan_limits lim;
	u64 total;

	if (op->policy >= __IPCCHAN_MBOX_POLICY_MAX || op->mode & ~0777)
		return -EINVAL;
	if (op->policy == IPCCHAN_MBOX_RENDEZVOUS) {
		/* Capacity 0 for real, and the one slot wakes a sender. */
		if (op->capacity || op->send_lowat)
			return -EINVAL;
		op->send_lowat = 1;
	} else if (!op->capacity) {
		op->capacity = IPCCHAN_MBOX_DEFAULT_CAPACITY;
	}
	if (!op->msgsize_max)
		op->msgsize_max = IPCCHAN_MBOX_DEFAULT_MSGSIZE;
	if (op->capacity > IPCCHAN_MBOX_HARD_MAX_CAPACITY ||
	    op->msgsize_max > IPCCHAN_MBOX_HARD_MAX_MSGSIZE)
		return -EINVAL;
	*slot_size = ALIGN(sizeof(struct mbox_msg) + op->msgsize_max, 8);
	total = (u64)(op->capacity + 1) * *slot_size;
	if (total > IPCCHAN_MBOX_HARD_MAX_BYTES)
		return -EINVAL;
	if (!op->send_lowat)
		op->send_lowat = max(1U, op->capacity / 4);
	if (op->send_lowat > max(op->capacity, 1U))
		return -EINVAL;

	ipcchan_limits_get(&lim);
	if ((op->capacity > lim.mbox_max_msgs ||
	     op->msgsize_max > lim.mbox_max_msgsize) &&
	    !capable(CAP_SYS_RESOURCE))
		return -EINVAL;
	*bytes = mbox_reserved_bytes((size_t)op->capacity + 1,
				     *slot_size - sizeof(struct mbox_msg));
	return 0;
}

static struct ipcchan_obj *mbox_create(void *arg)
{
	struct ipcchan_mbox_open *op = arg;
	struct ipcchan_mbox *mb;
	size_t bytes, hbytes;
	u32 slot_size, i;
	int ret;

	ret = mbox_check_attrs(op, &slot_size, &bytes);
	if (ret)
		return ERR_PTR(ret);

	mb = kzalloc(sizeof(*mb), IPCCHAN_GFP_RESERVE);
	if (!mb)
		return ERR_PTR(-ENOMEM);
	ret = ipcchan_obj_init(&mb->obj, &mbox_obj_ops, op->mode, bytes);
	if (ret) {
		kfree(mb);
		return ERR_PTR(ret);
	}

	mb->capacity = op->capacity;
	mb->msgsize_max = op->msgsize_max;
	mb->slot_size = slot_size;
	mb->data_stride = slot_size - sizeof(struct mbox_msg);
	mb->policy = op->policy;
	mb->send_lowat = op->send_lowat;
	mutex_init(&mb->recv_mutex);
	spin_lock_init(&mb->lock);
	init_waitqueue_head(&mb->wait_recv);
	init_waitqueue_head(&mb->wait_send);
	init_waitqueue_head(&mb->poll_recv);
	init_waitqueue_head(&mb->poll_send);
	init_waitqueue_head(&mb->wait_taken);
	atomic_set(&mb->receivers_in, 0);
	memset(mb->head, 0xff, sizeof(mb->head));
	memset(mb->tail, 0xff, sizeof(mb->tail));

	/*
	 * Above a page, kvmalloc() would round up to a power of two of pages
	 * (up to twice the reservation); vmalloc rounds to one page. The
	 * headers are only ever touched by the kernel, so vmalloc costs
	 * nothing per message there.
	 */
	hbytes = (size_t)(mb->capacity + 1) * sizeof(struct mbox_msg);
	if (hbytes > PAGE_SIZE)
		mb->hdrs = __vmalloc(hbytes, IPCCHAN_GFP_RESERVE);
	else
		mb->hdrs = kmalloc(hbytes, IPCCHAN_GFP_RESERVE);
	if (!mb->hdrs || mbox_alloc_data(mb)) {
		ipcchan_obj_put(&mb->obj);
		return ERR_PTR(-ENOMEM);
	}
	/* All capacity + 1 slots start free. */
	for (i = 0; i <= mb->capacity; i++)
		mbox_slot(mb, i)->next = i < mb->capacity ? i + 1 : MBOX_NIL;
	mb->free = 0;
	return &mb->obj;
}

/**
 * ipcchan_mbox_ioctl_open - %IPCCHAN_IOC_MBOX_OPEN on /dev/ipcchan
 * @uarg: &struct ipcchan_mbox_open
 *
 * Return: a new mailbox fd or a negative errno.
 */
long ipcchan_mbox_ioctl_open(void __user *uarg)
{
	u32 allowed = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
		      IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL |
		      IPCCHAN_OPEN_NONBLOCK;
	struct ipcchan_open open = { .type = IPCCHAN_OBJ_MAILBOX };
	struct ipcchan_fd f = IPCCHAN_FD_INIT;
	struct ipcchan_mbox_open op;
	struct ipcchan_mbox *mb;
	struct ipcchan_obj *obj;
	int ret, flags;

	ret = ipcchan_copy_arg(&op, sizeof(op), IPCCHAN_MBOX_OPEN_SIZE_VER0,
			       uarg);
	if (ret < 0)
		return ret;
	if ((op.flags & ~allowed) || op.reserved || op.reserved1 ||
	    !(op.flags & (IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE)) ||
	    ((op.flags & IPCCHAN_OPEN_EXCL) &&
	     !(op.flags & IPCCHAN_OPEN_CREATE)))
		return -EINVAL;

	switch (op.flags & (IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE)) {
	case IPCCHAN_OPEN_READ:
		flags = O_RDONLY;
		open.may = MAY_READ;
		break;
	case IPCCHAN_OPEN_WRITE:
		flags = O_WRONLY;
		open.may = MAY_WRITE;
		break;
	default:
		flags = O_RDWR;
		open.may = MAY_READ | MAY_WRITE;
		break;
	}
	if (op.flags & IPCCHAN_OPEN_NONBLOCK)
		flags |= O_NONBLOCK;

	open.name = ipcchan_name_from_user(op.name, op.name_len);
	if (IS_ERR(open.name))
		return PTR_ERR(open.name);
	open.name_len = op.name_len;
	open.flags = op.flags;
	open.create = mbox_create;
	open.create_arg = &op;

	/*
	 * Everything that can fail comes before the commit, which publishes
	 * a new mailbox and its name, so a failed call leaves nothing behind.
	 */
	ret = ipcchan_fd_reserve(&f);
	if (ret) {
		kfree(open.name);
		return ret;
	}
	obj = ipcchan_obj_open(&open);
	if (IS_ERR(obj)) {
		ipcchan_fd_abort(&f);
		return PTR_ERR(obj);
	}
	mb = mbox_from_obj(obj);
	ret = ipcchan_fd_prepare(&f, obj, "[ipcchan-mbox]", &mbox_fops, mb,
				 flags);
	if (ret) {
		ipcchan_fd_abort(&f);
		ipcchan_obj_abort(obj);
		return ret;
	}

	mbox_count_fd(mb, OPEN_FMODE(flags), 1);
	ipcchan_obj_commit(obj);
	/* Before the fd exists: once installed, it may be closed at once. */
	ipcchan_nl_event(obj, IPCCHAN_EVENT_ATTACHED,
			 mbox_nl_role(OPEN_FMODE(flags)));
	return ipcchan_fd_commit(&f);
}
