// SPDX-License-Identifier: GPL-2.0
/*
 * Shared rings: pages the kernel allocates and producers and consumers map.
 *
 * Memory. A ring is an info page, a producer control page, a consumer
 * control page and nr_pages data pages, all zeroed order-0 pages charged to
 * the creator's memory cgroup. The data pages appear twice in a row in
 * every data mapping (and, for a kernel-producer ring, in one kernel vmap),
 * so a record that starts near the end continues at the start without any
 * wrap handling.
 *
 * Lifetime. A ring is an ipcchan object (object.c): each ring fd is a file
 * holding one reference, and a name holds another. A mapping
 * holds its vm_file, so a mapped ring keeps its file, the file its ring,
 * and, through fops.owner, the module: the pages stay valid as long as any
 * mapping does, whatever the order of munmap() and close(), and rmmod
 * fails with EBUSY meanwhile. The pages are inserted into each mapping at
 * mmap() time; the page tables hold page references of their own, so
 * nothing here needs vm_ops open/close.
 *
 * Trust. Everything in the control pages and the data area is writable by
 * some process. The kernel reads the positions once (READ_ONCE or acquire)
 * and only subtracts and compares them; it indexes the data area only with
 * its own private producer position (kernel-producer rings), never with a
 * value from shared memory. It writes the waiting words and never trusts
 * them: what a side says it waits for only decides whether the other side
 * bothers to kick, and the kernel wakes a sleeper by its own re-check.
 *
 * Locks, outermost first:
 *
 * write_lock (mutex), kernel-producer rings only, serialises write(2)
 *	producers: the kernel's own position kprod, the data area through the
 *	kernel vmap and the producer control page (position and counters),
 *	which no process may write on such a ring. It is a mutex because the
 *	record is copied from user memory under it, which may fault.
 *
 * wq[side].lock, the wait queue's own spinlock (interrupts off), protects
 *	the side's sleepers and what each needs, the side's waiting word as
 *	the kernel writes it (ring_announce_wait()) and wake_avail[side]. A
 *	kernel producer takes the consumers' one under write_lock to wake
 *	them after a record; a kick takes it with nothing else held.
 *
 * lock (spinlock) protects attached[], gone and the counts in the info
 *	page. It nests inside nothing and nothing nests inside it: the
 *	wakeup that follows a detach is made after it is dropped.
 *
 * The positions and everything else both sides see live in pages that
 * userspace can write; they are covered by "Trust" above, not by a lock,
 * and the atomic64_t counters need none.
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "compat.h"
#include "netlink.h"
#include "object.h"
#include "ring.h"
#include "trace.h"

/*
 * The layout, reported to userspace in struct ipcchan_ring_offsets and
 * free to change. mmap offsets are in pages. The data area starts well
 * after the control pages to leave room for more of them.
 */
#define RING_PGOFF_INFO		0
#define RING_PGOFF_PROD		1
#define RING_PGOFF_CONS		2
#define RING_PGOFF_DATA		16

/*
 * Within a control page, the position, the waiting flag and the counters
 * each get their own pair of cache lines (adjacent-line prefetch works on
 * 128-byte pairs). The other side reads the waiting flag after every
 * publication; kept apart from the position, which its owner rewrites on
 * every record, that read stays a cache hit until the flag changes.
 */
#define RING_CTRL_POS		0
#define RING_CTRL_WAITING	128
#define RING_CTRL_STATS		256

/* Positions are __u32 byte counts: the data area must stay below 2^31. */
#define RING_HARD_MAX_PAGES	(1U << (30 - PAGE_SHIFT))

/*
 * An observer file (the CLI's stat) is attached to no side: it may read
 * the ring but does not count as a producer or consumer, so opening and
 * closing one never makes the ring's sides appear or go. It indexes none
 * of the per-side arrays.
 */
enum ring_side {
	RING_PROD,
	RING_CONS,
	RING_NR_SIDES,
	RING_OBSERVER = RING_NR_SIDES,
};

struct ipcchan_ring {
	struct ipcchan_obj obj;
	u32 flags;		/* IPCCHAN_RING_KERNEL_PRODUCER */
	u32 nr_pages;
	u32 data_size;
	u32 max_record;

	struct page *info_page;
	struct page *ctrl_page[RING_NR_SIDES];
	struct page **pages;	/* 2 * nr_pages entries, second half repeats */
	void *kdata;		/* double vmap, kernel-producer rings only */

	struct ipcchan_ring_info_page *info;
	u32 *pos[RING_NR_SIDES];
	u32 *waiting[RING_NR_SIDES];
	struct ipcchan_ring_ctrl_stats *cstats[RING_NR_SIDES];

	/* Tasks of a side that wait: consumers for data, producers for space. */
	wait_queue_head_t wq[RING_NR_SIDES];
	/* Under wq[side].lock: what ring_wake_side() found there. */
	u32 wake_avail[RING_NR_SIDES];

	spinlock_t lock;	/* attached[], gone, info page */
	unsigned int attached[RING_NR_SIDES];
	u32 gone;

	struct mutex write_lock;	/* kernel producer: kprod, data, pages */
	u32 kprod;

	atomic64_t kicks[RING_NR_SIDES];
	atomic64_t kicks_idle;
	atomic64_t waits;
	atomic64_t wait_timeouts;
	atomic64_t corrupt;
	atomic64_t write_records;
	atomic64_t write_bytes;
};

/* Per open file description: which ring, in which role. */
struct ring_file {
	struct ipcchan_ring *ring;
	enum ring_side side;
};

static const struct file_operations ring_fops;
static const struct ipcchan_obj_ops ring_obj_ops;

static enum ring_side other_side(enum ring_side side)
{
	return side == RING_PROD ? RING_CONS : RING_PROD;
}

static u32 gone_bit(enum ring_side side)
{
	return side == RING_PROD ? IPCCHAN_RING_PRODUCERS_GONE :
				   IPCCHAN_RING_CONSUMERS_GONE;
}

static bool ring_kernel_producer(const struct ipcchan_ring *ring)
{
	return ring->flags & IPCCHAN_RING_KERNEL_PRODUCER;
}

static void ring_fill_offsets(const struct ipcchan_ring *ring,
			      struct ipcchan_ring_offsets *off)
{
	off->info_off = (u64)RING_PGOFF_INFO << PAGE_SHIFT;
	off->prod_off = (u64)RING_PGOFF_PROD << PAGE_SHIFT;
	off->cons_off = (u64)RING_PGOFF_CONS << PAGE_SHIFT;
	off->data_off = (u64)RING_PGOFF_DATA << PAGE_SHIFT;
	off->info_len = PAGE_SIZE;
	off->ctrl_len = PAGE_SIZE;
	off->data_size = ring->data_size;
	off->pos = RING_CTRL_POS;
	off->waiting = RING_CTRL_WAITING;
	off->stats = RING_CTRL_STATS;
}

/* The object core's release: also frees half-built rings. */
static void ring_obj_release(struct ipcchan_obj *obj)
{
	struct ipcchan_ring *ring = container_of(obj, struct ipcchan_ring, obj);
	unsigned int i;

	if (ring->kdata)
		vunmap(ring->kdata);
	if (ring->pages) {
		for (i = 0; i < ring->nr_pages; i++)
			if (ring->pages[i])
				__free_page(ring->pages[i]);
		kvfree(ring->pages);
	}
	for (i = 0; i < RING_NR_SIDES; i++)
		if (ring->ctrl_page[i])
			__free_page(ring->ctrl_page[i]);
	if (ring->info_page)
		__free_page(ring->info_page);
	kfree(ring);
}

static void ring_put(struct ipcchan_ring *ring)
{
	ipcchan_obj_put(&ring->obj);
}

static struct page *ring_alloc_page(void)
{
	return alloc_page(IPCCHAN_GFP_RESERVE | __GFP_ZERO);
}

static int ring_alloc_pages(struct ipcchan_ring *ring)
{
	unsigned int i;

	ring->info_page = ring_alloc_page();
	if (!ring->info_page)
		return -ENOMEM;
	for (i = 0; i < RING_NR_SIDES; i++) {
		ring->ctrl_page[i] = ring_alloc_page();
		if (!ring->ctrl_page[i])
			return -ENOMEM;
	}
	ring->pages = kvcalloc(2 * ring->nr_pages, sizeof(*ring->pages),
			       IPCCHAN_GFP_RESERVE);
	if (!ring->pages)
		return -ENOMEM;
	for (i = 0; i < ring->nr_pages; i++) {
		ring->pages[i] = ring_alloc_page();
		if (!ring->pages[i])
			return -ENOMEM;
		ring->pages[ring->nr_pages + i] = ring->pages[i];
	}
	return 0;
}

static void ring_init_pages(struct ipcchan_ring *ring)
{
	struct ipcchan_ring_info_page *info = page_address(ring->info_page);
	unsigned int i;

	for (i = 0; i < RING_NR_SIDES; i++) {
		void *ctrl = page_address(ring->ctrl_page[i]);

		ring->pos[i] = ctrl + RING_CTRL_POS;
		ring->waiting[i] = ctrl + RING_CTRL_WAITING;
		ring->cstats[i] = ctrl + RING_CTRL_STATS;
	}

	ring->info = info;
	info->magic = IPCCHAN_RING_MAGIC;
	info->version = IPCCHAN_RING_LAYOUT_VERSION;
	info->flags = ring->flags;
	info->page_size = PAGE_SIZE;
	info->nr_pages = ring->nr_pages;
	info->max_record = ring->max_record;
	ring_fill_offsets(ring, &info->off);
}

/* Worst-case kernel memory of a ring, charged to its owner. */
static size_t ring_charge(u32 nr_pages)
{
	return sizeof(struct ipcchan_ring) +
	       2 * nr_pages * sizeof(struct page *) +
	       ((size_t)nr_pages + 1 + RING_NR_SIDES) * PAGE_SIZE;
}

/* ipcchan_open.create: a new ring as asked by a RING_OPEN argument. */
static struct ipcchan_obj *ring_create(void *arg)
{
	const struct ipcchan_ring_open *op = arg;
	u32 nr_pages = op->nr_pages;
	struct ipcchan_limits lim;
	struct ipcchan_ring *ring;
	unsigned int i;
	int ret;

	ipcchan_limits_get(&lim);
	if (!nr_pages || !is_power_of_2(nr_pages) ||
	    nr_pages > RING_HARD_MAX_PAGES ||
	    (nr_pages > lim.ring_max_pages && !capable(CAP_SYS_RESOURCE)))
		return ERR_PTR(-EINVAL);

	ring = kzalloc(sizeof(*ring), IPCCHAN_GFP_RESERVE);
	if (!ring)
		return ERR_PTR(-ENOMEM);
	ret = ipcchan_obj_init(&ring->obj, &ring_obj_ops, op->mode,
			       ring_charge(nr_pages));
	if (ret) {
		kfree(ring);
		return ERR_PTR(ret);
	}

	ring->flags = op->ring_flags;
	ring->nr_pages = nr_pages;
	ring->data_size = nr_pages << PAGE_SHIFT;
	ring->max_record = ring->data_size / 2;
	spin_lock_init(&ring->lock);
	mutex_init(&ring->write_lock);
	for (i = 0; i < RING_NR_SIDES; i++) {
		init_waitqueue_head(&ring->wq[i]);
		atomic64_set(&ring->kicks[i], 0);
	}
	atomic64_set(&ring->kicks_idle, 0);
	atomic64_set(&ring->waits, 0);
	atomic64_set(&ring->wait_timeouts, 0);
	atomic64_set(&ring->corrupt, 0);
	atomic64_set(&ring->write_records, 0);
	atomic64_set(&ring->write_bytes, 0);

	ret = ring_alloc_pages(ring);
	if (ret)
		goto err;
	if (ring_kernel_producer(ring)) {
		ring->kdata = vmap(ring->pages, 2 * nr_pages, VM_MAP,
				   PAGE_KERNEL);
		if (!ring->kdata) {
			ret = -ENOMEM;
			goto err;
		}
	}
	ring_init_pages(ring);
	return &ring->obj;

err:
	ring_put(ring);
	return ERR_PTR(ret);
}

/* Publish the attachment counts; called with ring->lock held. */
static void ring_publish_attached(struct ipcchan_ring *ring)
{
	WRITE_ONCE(ring->info->producers, ring->attached[RING_PROD]);
	WRITE_ONCE(ring->info->consumers, ring->attached[RING_CONS]);
	/* Release, like ring->gone: for busy-pollers that re-check. */
	smp_store_release(&ring->info->gone, ring->gone);
}

static void ring_attach(struct ipcchan_ring *ring, enum ring_side side)
{
	spin_lock(&ring->lock);
	ring->attached[side]++;
	WRITE_ONCE(ring->gone, ring->gone & ~gone_bit(side));
	ring_publish_attached(ring);
	spin_unlock(&ring->lock);
}

/*
 * The last file of a side is gone: the other side sees EPOLLHUP, and its
 * sleepers wake to find EPIPE (unless their condition already holds).
 */
static bool ring_detach(struct ipcchan_ring *ring, enum ring_side side)
{
	bool last;

	spin_lock(&ring->lock);
	last = --ring->attached[side] == 0;
	if (last) {
		/* Seen with the side's last publication; see ring_peer_gone(). */
		smp_store_release(&ring->gone, ring->gone | gone_bit(side));
	}
	ring_publish_attached(ring);
	spin_unlock(&ring->lock);

	if (last)
		wake_up_interruptible_poll(&ring->wq[other_side(side)],
					   EPOLLHUP);
	return last;
}

/*
 * Whether the other role is gone. The acquire orders the caller's re-read
 * of the positions after it: a peer that published and then left is seen
 * to have published.
 */
static bool ring_peer_gone(struct ipcchan_ring *ring, enum ring_side side)
{
	/* Pairs with the release in ring_detach(). */
	return smp_load_acquire(&ring->gone) & gone_bit(other_side(side));
}

/*
 * Without its name, a ring can gain no new fd: a side with none now will
 * never have one, so it counts as gone for the other side.
 */
static void ring_obj_unlinked(struct ipcchan_obj *obj)
{
	struct ipcchan_ring *ring = container_of(obj, struct ipcchan_ring, obj);
	unsigned int i;

	spin_lock(&ring->lock);
	for (i = 0; i < RING_NR_SIDES; i++)
		if (!ring->attached[i])
			WRITE_ONCE(ring->gone, ring->gone | gone_bit(i));
	ring_publish_attached(ring);
	spin_unlock(&ring->lock);

	for (i = 0; i < RING_NR_SIDES; i++)
		wake_up_interruptible_poll(&ring->wq[i], EPOLLHUP);
}

/* The producer position the kernel goes by; see ring_used(). */
static u32 ring_prod_pos(struct ipcchan_ring *ring)
{
	if (ring_kernel_producer(ring))
		return READ_ONCE(ring->kprod);
	/* Pairs with the producer's release of its position. */
	return smp_load_acquire(ring->pos[RING_PROD]);
}

/*
 * Bytes published and not yet consumed, or -EIO when the positions cannot
 * describe a ring of this size.
 *
 * Both positions may move while we read them: several kernel-mediated
 * producers write under write_lock while a producer waits without it, and
 * the consumer consumes meanwhile. Read in the wrong order, two honest
 * positions look corrupt: an old producer position and a newer consumer
 * position give a negative used part. So read the consumer position
 * first; an honest consumer never passes a published position, and
 * positions only grow, so the producer position read afterwards is at
 * least as large. The one remaining window, a consumer position that grew
 * after we read it while the producer filled the space it freed (used
 * above data_size), is told apart from corruption by reading the consumer
 * position again: if it did not move, the pair is what shared memory
 * really held. Each retry means the consumer made progress; the bound
 * keeps a consumer that rewrites its position in a loop from keeping us
 * here.
 *
 * For a kernel-producer ring the producer position is the kernel's own
 * ring->kprod, never the copy in the (read-only) producer page. It is
 * advanced before that copy is published, so it is never behind a
 * position the consumer has seen; it may be ahead of the copy by the
 * record being published, for a few instructions under write_lock, which
 * at worst ends a consumer's wait just before the position it then reads
 * appears (the writer wakes it again right after).
 */
static long ring_used(struct ipcchan_ring *ring)
{
	unsigned int tries = 4;
	u32 prod, cons, again, used;

	/*
	 * Pairs with the consumer's release: a kernel producer must not
	 * overwrite bytes before the consumer's reads of them are done.
	 * Also orders the consumer position before the producer position.
	 */
	cons = smp_load_acquire(ring->pos[RING_CONS]);
	for (;;) {
		prod = ring_prod_pos(ring);
		used = prod - cons;
		if (used <= ring->data_size &&
		    !((prod | cons) % IPCCHAN_RING_ALIGN))
			return used;
		if (used > ring->data_size && --tries) {
			/* Producer position before the re-read; see above. */
			smp_rmb();
			/* Same pairing as the first read. */
			again = smp_load_acquire(ring->pos[RING_CONS]);
			if (again != cons) {
				cons = again;
				continue;
			}
		}
		atomic64_inc(&ring->corrupt);
		return -EIO;
	}
}

/*
 * What @side is waiting for: consumers for @need published bytes,
 * producers for @need free bytes. *@avail gets the bytes published or
 * free. Returns 1 when satisfied, 0 when not, -EIO on a corrupt ring.
 */
static int ring_ready(struct ipcchan_ring *ring, enum ring_side side,
		      u32 need, u32 *avail)
{
	long used = ring_used(ring);

	if (used < 0)
		return used;
	*avail = side == RING_CONS ? used : ring->data_size - used;
	return *avail >= need;
}

static u32 ring_default_need(struct ipcchan_ring *ring, enum ring_side side)
{
	return side == RING_CONS ? 1 : ring->max_record;
}

/*
 * A task asleep in ring_sleep(): what it waits for, so that a wakeup can
 * tell whether it is worth waking.
 */
struct ring_waiter {
	struct wait_queue_entry wq;
	struct ipcchan_ring *ring;
	enum ring_side side;
	u32 need;
	bool hup;	/* woken because a side went */
};

/*
 * Wake a sleeper only when its condition holds (or the ring is corrupt,
 * which it must learn), or on EPOLLHUP: a peer that leaves wakes everyone.
 * Leaving the others queued saves each a wakeup, a futile re-check and a
 * context switch, which is what lets a producer that waits for half the
 * ring sleep through the consumer's small releases. Runs under the wait
 * queue's lock, where ring_wake_side() left what is there.
 */
static int ring_wake_fn(struct wait_queue_entry *wq, unsigned int mode,
			int sync, void *key)
{
	struct ring_waiter *w = container_of(wq, struct ring_waiter, wq);

	if (key_to_poll(key) & EPOLLHUP)
		w->hup = true;
	else if (w->need > w->ring->wake_avail[w->side])
		return 0;
	return autoremove_wake_function(wq, mode, sync, key);
}

/*
 * What the waiting word of @side should say: the smallest number of bytes
 * one of its queued waiters needs, 0 if none is queued. poll and epoll
 * entries count with what poll reports (one record, or room for a
 * max_record) when @polls is set. Called with the queue's lock held.
 */
static u32 ring_waiters_need(struct ipcchan_ring *ring, enum ring_side side,
			     bool polls)
{
	struct wait_queue_entry *e;
	u32 need = 0, n;

	list_for_each_entry(e, &ring->wq[side].head, entry) {
		if (e->func == ring_wake_fn)
			n = container_of(e, struct ring_waiter, wq)->need;
		else if (polls)
			n = ring_default_need(ring, side);
		else
			continue;
		if (!need || n < need)
			need = n;
	}
	return need;
}

/*
 * The waiting word of a side says how many bytes (published for
 * consumers, free for producers) its sleepers need, 0 when none sleeps;
 * the other side kicks after publishing only when its sleeper's condition
 * can hold. The kernel rewrites the word, under the wait queue's lock, on
 * every change of the queue it knows of: when a sleeper queues (WAIT,
 * write() of a kernel producer, poll that finds nothing), when it leaves,
 * and after a kick has woken those it could. For a kernel-producer ring
 * this is also how producer-side sleepers get a word at all: the kernel
 * owns that page.
 *
 * The barrier orders the word before the caller's re-read of the
 * positions, pairing with the other side's barrier between publishing its
 * position and reading the word: either we see what it published or it
 * sees the word and kicks.
 */
static void ring_announce_wait(struct ipcchan_ring *ring, enum ring_side side)
{
	wait_queue_head_t *wq = &ring->wq[side];

	spin_lock_irq(&wq->lock);
	WRITE_ONCE(*ring->waiting[side], ring_waiters_need(ring, side, true));
	spin_unlock_irq(&wq->lock);
	/* Word before positions; see above. */
	smp_mb();
}

/* Make the file of a reserved fd, attached to @ring in role @side. */
static int ring_fd_prepare(struct ipcchan_fd *f, struct ipcchan_ring *ring,
			   enum ring_side side, int fflags)
{
	struct ring_file *rf;
	int ret;

	rf = kzalloc(sizeof(*rf), IPCCHAN_GFP_RESERVE);
	if (!rf)
		return -ENOMEM;
	rf->ring = ring;
	rf->side = side;

	ipcchan_obj_get(&ring->obj);
	if (side != RING_OBSERVER)
		ring_attach(ring, side);
	ret = ipcchan_fd_prepare(f, &ring->obj, "[ipcchan-ring]", &ring_fops,
				 rf, O_RDWR | fflags);
	if (ret) {
		if (side != RING_OBSERVER)
			ring_detach(ring, side);
		ring_put(ring);
		kfree(rf);
		return ret;
	}
	ipcchan_nl_event(&ring->obj, IPCCHAN_EVENT_ATTACHED, side + 1);
	return 0;
}

/* enum ring_side + 1 is enum ipcchan_ring_role, the events' ev-role. */
static_assert(RING_PROD + 1 == IPCCHAN_RING_PRODUCER &&
	      RING_CONS + 1 == IPCCHAN_RING_CONSUMER &&
	      RING_OBSERVER + 1 == IPCCHAN_RING_OBSERVER);

static int ring_release(struct inode *inode, struct file *file)
{
	struct ring_file *rf = file->private_data;
	struct ipcchan_obj *obj = &rf->ring->obj;

	ipcchan_nl_event(obj, IPCCHAN_EVENT_DETACHED, rf->side + 1);
	if (rf->side != RING_OBSERVER && ring_detach(rf->ring, rf->side))
		ipcchan_nl_event(obj, IPCCHAN_EVENT_PEER_GONE, rf->side + 1);
	ring_put(rf->ring);
	kfree(rf);
	return 0;
}

/* ------------------------------------------------------------------ */
/* mmap                                                                */
/* ------------------------------------------------------------------ */

/*
 * The page behind @pgoff of the ring's mmap space, or NULL. Used by the
 * fault handler, which refills page tables that were zapped (for instance
 * by MADV_DONTNEED) after mmap() inserted them.
 */
static struct page *ring_page_at(struct ipcchan_ring *ring,
				 unsigned long pgoff)
{
	switch (pgoff) {
	case RING_PGOFF_INFO:
		return ring->info_page;
	case RING_PGOFF_PROD:
		return ring->ctrl_page[RING_PROD];
	case RING_PGOFF_CONS:
		return ring->ctrl_page[RING_CONS];
	}
	if (pgoff >= RING_PGOFF_DATA &&
	    pgoff - RING_PGOFF_DATA < 2UL * ring->nr_pages)
		return ring->pages[pgoff - RING_PGOFF_DATA];
	return NULL;
}

static vm_fault_t ring_fault(struct vm_fault *vmf)
{
	struct ring_file *rf = vmf->vma->vm_file->private_data;
	struct page *page = ring_page_at(rf->ring, vmf->pgoff);

	if (!page)
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct ring_vm_ops = {
	.fault = ring_fault,
};

/*
 * Which region starts at @pgoff and how long its mapping must be, and
 * whether @side may write it. Returns the first page-array entry to insert.
 */
static struct page **ring_region(struct ipcchan_ring *ring,
				 enum ring_side side, unsigned long pgoff,
				 unsigned long *nr, bool *writable)
{
	bool kprod = ring_kernel_producer(ring);

	*nr = 1;
	*writable = false;
	switch (pgoff) {
	case RING_PGOFF_INFO:
		return &ring->info_page;
	case RING_PGOFF_PROD:
		*writable = side == RING_PROD && !kprod;
		return &ring->ctrl_page[RING_PROD];
	case RING_PGOFF_CONS:
		*writable = side == RING_CONS;
		return &ring->ctrl_page[RING_CONS];
	case RING_PGOFF_DATA:
		*nr = 2UL * ring->nr_pages;
		*writable = side == RING_PROD && !kprod;
		return ring->pages;
	}
	return NULL;
}

static int ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ring_file *rf = file->private_data;
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long nr, inserted;
	struct page **pages;
	bool writable;
	int ret;

	pages = ring_region(rf->ring, rf->side, vma->vm_pgoff, &nr, &writable);
	if (!pages || len != nr << PAGE_SHIFT)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if ((vma->vm_flags & VM_EXEC) ||
	    ((vma->vm_flags & VM_WRITE) && !writable))
		return -EACCES;

	/* Without VM_MAYWRITE, mprotect(PROT_WRITE) fails with EACCES. */
	vm_flags_clear(vma, VM_MAYEXEC | (writable ? 0 : VM_MAYWRITE));
	vm_flags_set(vma, VM_DONTEXPAND);
	vma->vm_ops = &ring_vm_ops;

	inserted = nr;
	ret = vm_insert_pages(vma, vma->vm_start, pages, &inserted);
	if (!ret && inserted)
		ret = -EFAULT;
	return ret;
}

/* ------------------------------------------------------------------ */
/* Wakeups                                                             */
/* ------------------------------------------------------------------ */

static __poll_t ring_poll(struct file *file, poll_table *pt)
{
	struct ring_file *rf = file->private_data;
	struct ipcchan_ring *ring = rf->ring;
	__poll_t mask = 0;
	u32 avail;
	int ready;

	if (rf->side == RING_OBSERVER)
		return 0;
	poll_wait(file, &ring->wq[rf->side], pt);
	/*
	 * Order our queueing before the reads of the positions; pairs with
	 * the barrier in wq_has_sleeper() on the kicking side, so either the
	 * kicker sees us queued or we see what it published.
	 */
	smp_mb();

	ready = ring_ready(ring, rf->side, ring_default_need(ring, rf->side),
			   &avail);
	/*
	 * Not ready: the caller may sleep in poll or epoll_wait (a kick
	 * that ended such a sleep too early cleared the flag), so re-set
	 * the flag and look again.
	 */
	if (!ready) {
		ring_announce_wait(ring, rf->side);
		ready = ring_ready(ring, rf->side,
				   ring_default_need(ring, rf->side), &avail);
	}
	if (ready < 0)
		mask |= EPOLLERR;
	else if (ready)
		mask |= rf->side == RING_CONS ? EPOLLIN | EPOLLRDNORM :
						EPOLLOUT | EPOLLWRNORM;
	if (ring_peer_gone(ring, rf->side))
		mask |= EPOLLHUP;
	return mask;
}

static __poll_t side_event(enum ring_side side)
{
	return side == RING_CONS ? EPOLLIN | EPOLLRDNORM :
				   EPOLLOUT | EPOLLWRNORM;
}

/* The largest need of @side's sleepers in ring_sleep(); with its lock. */
static u32 ring_waiters_max(struct ipcchan_ring *ring, enum ring_side side)
{
	struct wait_queue_entry *e;
	u32 need = 0, n;

	list_for_each_entry(e, &ring->wq[side].head, entry) {
		if (e->func != ring_wake_fn)
			continue;
		n = container_of(e, struct ring_waiter, wq)->need;
		need = max(need, n);
	}
	return need;
}

/*
 * Wake the sleepers of @side whose condition holds. What is there is read
 * once, here, and ring_wake_fn() compares each sleeper's need with that
 * same number, so the sleepers left asleep are exactly those counted here.
 * Their waiting word is set, before anyone wakes, to the smallest need of
 * those that sleep on, or 0: those woken are awake from now on, so the
 * other side's next publications do not kick them again while they run.
 * It must come before the wakeup, as a woken task (or a poll or epoll
 * user, always woken) may announce itself again at once, from userspace.
 * They rewrite the word if they sleep again, and need not touch it if
 * they do not (ring_sleep()). Returns false when nobody was woken.
 */
static bool ring_wake_side(struct ipcchan_ring *ring, enum ring_side side)
{
	wait_queue_head_t *wq = &ring->wq[side];
	struct wait_queue_entry *e;
	u32 avail, need = 0, n, woken = 0;

	spin_lock_irq(&wq->lock);
	/*
	 * Corrupt: wake everyone, to fail with EIO. Consumers that wait for
	 * any record (the usual case, and all of a ping-pong) are woken
	 * without a look at the positions, which saves touching both control
	 * pages on every kick; one woken for nothing looks and sleeps again.
	 */
	if (side == RING_CONS && ring_waiters_max(ring, side) <= IPCCHAN_RING_ALIGN)
		avail = U32_MAX;
	else if (ring_ready(ring, side, 0, &avail) < 0)
		avail = U32_MAX;
	ring->wake_avail[side] = avail;
	list_for_each_entry(e, &wq->head, entry) {
		if (e->func != ring_wake_fn) {
			woken++;
			continue;
		}
		n = container_of(e, struct ring_waiter, wq)->need;
		if (n <= avail)
			woken++;
		else if (!need || n < need)
			need = n;
	}
	WRITE_ONCE(*ring->waiting[side], need);
	trace_ipcchan_ring_wake(ring->obj.id, side == RING_PROD, woken, avail,
				need, ring->data_size);
	if (woken)
		wake_up_locked_poll(wq, side_event(side));
	spin_unlock_irq(&wq->lock);
	return woken;
}

/*
 * The kernel producer's wakeup after a record: the barrier in
 * wq_has_sleeper() orders the publication before the look at the queue.
 */
static bool ring_wake(struct ipcchan_ring *ring, enum ring_side side)
{
	if (!wq_has_sleeper(&ring->wq[side]))
		return false;
	return ring_wake_side(ring, side);
}

/* A kick from a file of @side: wake the other side (ring_wake_side()). */
static void ring_do_kick(struct ipcchan_ring *ring, enum ring_side side)
{
	bool woken;

	atomic64_inc(&ring->kicks[side]);
	woken = ring_wake_side(ring, other_side(side));
	if (!woken)
		atomic64_inc(&ring->kicks_idle);
	trace_ipcchan_ring_kick(ring->obj.id, side == RING_PROD, woken,
				ring_prod_pos(ring),
				READ_ONCE(*ring->pos[RING_CONS]),
				ring->data_size);
}

static long ring_kick(struct ring_file *rf, unsigned long arg)
{
	if (arg)
		return -EINVAL;
	if (rf->side == RING_OBSERVER)
		return -EBADF;
	ring_do_kick(rf->ring, rf->side);
	return 0;
}

/*
 * Sleep until ring_ready(). The condition is evaluated after
 * prepare_to_wait() has queued us and set our state, so a kick that
 * follows a publication we did not see will find us on the queue and wake
 * us. Returns 0, -ETIMEDOUT, -EINTR, -EPIPE or -EIO; *@slept tells whether
 * we actually went to sleep.
 */
static int ring_sleep(struct ipcchan_ring *ring, enum ring_side side,
		      u32 need, ktime_t *expires, bool *slept, u32 *avail)
{
	struct ring_waiter w = { .ring = ring, .side = side, .need = need };
	bool timed_out = false;
	int ret;

	*slept = false;
	/* Often there already: then leave the queue and the word alone. */
	ret = ring_ready(ring, side, need, avail);
	if (ret)
		return ret < 0 ? ret : 0;

	init_wait(&w.wq);
	w.wq.func = ring_wake_fn;
	for (;;) {
		prepare_to_wait(&ring->wq[side], &w.wq, TASK_INTERRUPTIBLE);
		ring_announce_wait(ring, side);
		ret = ring_ready(ring, side, need, avail);
		if (ret)
			break;
		if (ring_peer_gone(ring, side)) {
			/*
			 * The peer may have published (or freed space)
			 * between our check and its leaving: look again.
			 */
			ret = ring_ready(ring, side, need, avail);
			if (!ret)
				ret = -EPIPE;
			break;
		}
		if (timed_out || (expires && *expires == 0)) {
			ret = -ETIMEDOUT;
			break;
		}
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		*slept = true;
		if (!schedule_hrtimeout(expires, HRTIMER_MODE_ABS))
			timed_out = true;
		/*
		 * Woken by a kick or a kernel producer: the waker took us off
		 * the queue, found our condition met and rewrote the word for
		 * those left. Unless that changed since, go without touching
		 * the queue or the word again.
		 */
		if (list_empty_careful(&w.wq.entry) && !w.hup) {
			ret = ring_ready(ring, side, need, avail);
			if (ret)
				return ret < 0 ? ret : 0;
		}
	}
	finish_wait(&ring->wq[side], &w.wq);
	/*
	 * Off the queue (condition met, timeout, signal): the word now covers
	 * the remaining waiters only, or reads 0 so that the other side does
	 * not kick nobody. A sleeper that queues after this takes the lock
	 * after us and writes its own need.
	 */
	ring_announce_wait(ring, side);
	return ret < 0 ? ret : 0;
}

/*
 * The ring file @fd names for IPCCHAN_RING_WAIT_KICK_FD, with a reference
 * the caller drops with fput(); EBADF when @fd is not open or is an
 * observer, EINVAL when it is not a ring.
 */
static struct file *ring_kick_file(s32 fd)
{
	struct ring_file *krf;
	struct file *file;

	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	if (file->f_op != &ring_fops) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	krf = file->private_data;
	if (krf->side == RING_OBSERVER) {
		fput(file);
		return ERR_PTR(-EBADF);
	}
	return file;
}

static long ring_wait_ioctl(struct ring_file *rf, void __user *uarg)
{
	struct ipcchan_ring *ring = rf->ring;
	struct ipcchan_ring_wait w;
	ktime_t expires, *exp = NULL;
	struct file *kick = NULL;
	bool slept;
	u32 need;
	int usize, ret;

	usize = ipcchan_copy_arg(&w, sizeof(w), IPCCHAN_RING_WAIT_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	if (rf->side == RING_OBSERVER)
		return -EBADF;
	if (w.flags & ~(IPCCHAN_RING_WAIT_ABSTIME | IPCCHAN_RING_WAIT_KICK_FD))
		return -EINVAL;
	if (w.min_bytes > ring->data_size || w.timeout_ns < -1 || w.reserved)
		return -EINVAL;
	/* A VER0 caller has no kick_fd: the zero it reads as is not its. */
	if (w.flags & IPCCHAN_RING_WAIT_KICK_FD) {
		if (usize < IPCCHAN_RING_WAIT_SIZE_VER1)
			return -EINVAL;
		kick = ring_kick_file(w.kick_fd);
		if (IS_ERR(kick))
			return PTR_ERR(kick);
	} else if (w.kick_fd) {
		return -EINVAL;
	}

	if (w.timeout_ns == 0 && !(w.flags & IPCCHAN_RING_WAIT_ABSTIME)) {
		expires = 0;	/* check only */
		exp = &expires;
	} else if (w.timeout_ns >= 0) {
		expires = ns_to_ktime(w.timeout_ns);
		if (!(w.flags & IPCCHAN_RING_WAIT_ABSTIME))
			expires = ktime_add_safe(ktime_get(), expires);
		/* An absolute time of 0 is in the past, not "check only". */
		if (!expires)
			expires = 1;
		exp = &expires;
	}

	/*
	 * Kick before our first check of the positions: the side we wake may
	 * be the one that will publish what we wait for, and it runs while we
	 * queue; ring_sleep()'s re-check after queueing loses nothing.
	 */
	if (kick) {
		struct ring_file *krf = kick->private_data;

		ring_do_kick(krf->ring, krf->side);
		fput(kick);
		/*
		 * If the task we woke is to run before us (same CPU), let it
		 * run now, before we queue and announce ourselves: its answer
		 * is then often there when we check, it need not kick us, and
		 * we need not sleep and be woken. This is the order a separate
		 * KICK would have given (preempted on its way out), in one
		 * system call.
		 */
		cond_resched();
	}

	need = w.min_bytes ? w.min_bytes : ring_default_need(ring, rf->side);
	w.avail = 0;
	ret = ring_sleep(ring, rf->side, need, exp, &slept, &w.avail);
	trace_ipcchan_ring_wait(ring->obj.id, rf->side == RING_PROD, need,
				w.avail, ring->data_size, slept, ret);
	if (slept)
		atomic64_inc(&ring->waits);
	if (ret == -ETIMEDOUT)
		atomic64_inc(&ring->wait_timeouts);

	if (copy_to_user(uarg + offsetof(struct ipcchan_ring_wait, avail),
			 &w.avail, sizeof(w.avail)))
		return -EFAULT;
	return ret;
}

/* ------------------------------------------------------------------ */
/* Kernel-mediated producer                                            */
/* ------------------------------------------------------------------ */

static u32 rec_total(u32 len)
{
	return ALIGN(sizeof(struct ipcchan_ring_rec) + len,
		     IPCCHAN_RING_ALIGN);
}

/*
 * Copy one record in at the kernel's own producer position and publish
 * it. Called with write_lock held and room for @total bytes.
 */
static int ring_put_record(struct ipcchan_ring *ring, struct iov_iter *from,
			   u32 len, u32 total)
{
	struct ipcchan_ring_ctrl_stats *st = ring->cstats[RING_PROD];
	struct ipcchan_ring_rec *rec;
	void *at;

	/* The vmap repeats the data pages: at + total never runs past it. */
	at = ring->kdata + (ring->kprod & (ring->data_size - 1));
	if (!copy_from_iter_full(at + sizeof(*rec), len, from))
		return -EFAULT;
	rec = at;
	WRITE_ONCE(rec->len, len);
	WRITE_ONCE(rec->flags, 0);

	/*
	 * The kernel's own position first: ring_used() relies on it never
	 * being behind the copy the consumer reads. Then the record bytes
	 * before the copy that publishes them.
	 */
	WRITE_ONCE(ring->kprod, ring->kprod + total);
	/* Pairs with the consumer's acquire of the producer position. */
	smp_store_release(ring->pos[RING_PROD], ring->kprod);

	atomic64_inc(&ring->write_records);
	atomic64_add(len, &ring->write_bytes);
	WRITE_ONCE(st->records, st->records + 1);
	WRITE_ONCE(st->bytes, st->bytes + len);

	/* Full barrier (in wq_has_sleeper) between publishing and looking. */
	if (ring_wake(ring, RING_CONS))
		WRITE_ONCE(st->kicks, st->kicks + 1);
	else
		WRITE_ONCE(st->kicks_avoided, st->kicks_avoided + 1);
	return 0;
}

/* Sleep until @total bytes are free; ring_sleep() announces it. */
static int ring_write_wait(struct ipcchan_ring *ring, u32 total)
{
	struct ipcchan_ring_ctrl_stats *st = ring->cstats[RING_PROD];
	bool slept;
	u32 avail;
	int ret;

	ret = ring_sleep(ring, RING_PROD, total, NULL, &slept, &avail);
	if (slept) {
		mutex_lock(&ring->write_lock);
		WRITE_ONCE(st->waits, st->waits + 1);
		mutex_unlock(&ring->write_lock);
		atomic64_inc(&ring->waits);
	}
	return ret;
}

/*
 * The writers' mutex; under IOCB_NOWAIT (io_uring's inline attempt,
 * RWF_NOWAIT) only if it is free.
 */
static int ring_lock_writers(struct ipcchan_ring *ring, bool nowait)
{
	if (nowait)
		return mutex_trylock(&ring->write_lock) ? 0 : -EAGAIN;
	if (mutex_lock_interruptible(&ring->write_lock))
		return -ERESTARTSYS;
	return 0;
}

/*
 * One record per call, whatever the number of iovecs: the payload is
 * everything in @from. Waits for room unless O_NONBLOCK or IOCB_NOWAIT.
 */
static ssize_t ring_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct ring_file *rf = file->private_data;
	struct ipcchan_ring *ring = rf->ring;
	struct ipcchan_ring_ctrl_stats *st = ring->cstats[RING_PROD];
	bool nowait = iocb->ki_flags & IOCB_NOWAIT;
	size_t count = iov_iter_count(from);
	bool gone_seen = false;
	u32 total, avail;
	int ret;

	if (rf->side != RING_PROD)
		return -EBADF;
	if (!ring_kernel_producer(ring))
		return -EOPNOTSUPP;
	if (count > ring->max_record - sizeof(struct ipcchan_ring_rec))
		return -EMSGSIZE;
	total = rec_total(count);

	for (;;) {
		ret = ring_lock_writers(ring, nowait);
		if (ret)
			return ret;
		ret = ring_ready(ring, RING_PROD, total, &avail);
		if (ret > 0) {
			ret = ring_put_record(ring, from, count, total);
			mutex_unlock(&ring->write_lock);
			return ret ? ret : count;
		}
		if (!ret)
			WRITE_ONCE(st->stalls, st->stalls + 1);
		mutex_unlock(&ring->write_lock);
		if (ret < 0)
			return ret;
		if (ring_peer_gone(ring, RING_PROD)) {
			/* The consumer may have freed space, then left. */
			if (gone_seen)
				return -EPIPE;
			gone_seen = true;
			continue;
		}
		if ((file->f_flags & O_NONBLOCK) || nowait)
			return -EAGAIN;
		ret = ring_write_wait(ring, total);
		if (ret == -EINTR)
			return -ERESTARTSYS;
		if (ret)
			return ret;
	}
}

/* ------------------------------------------------------------------ */
/* ioctls                                                              */
/* ------------------------------------------------------------------ */

static long ring_get_info(struct ring_file *rf, void __user *uarg)
{
	struct ipcchan_ring *ring = rf->ring;
	struct ipcchan_ring_info ri;
	int usize;

	usize = ipcchan_copy_arg(&ri, sizeof(ri), IPCCHAN_RING_INFO_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	if (ri.flags || ri.reserved)
		return -EINVAL;

	memset(&ri, 0, sizeof(ri));
	ri.role = rf->side == RING_PROD ? IPCCHAN_RING_PRODUCER :
		  rf->side == RING_CONS ? IPCCHAN_RING_CONSUMER :
					  IPCCHAN_RING_OBSERVER;
	ri.ring_flags = ring->flags;
	ri.nr_pages = ring->nr_pages;
	ri.id = ring->obj.id;
	ring_fill_offsets(ring, &ri.off);
	return ipcchan_put_arg(uarg, &ri, usize);
}

static void ring_read_cstats(struct ipcchan_ring_ctrl_stats *dst,
			     const struct ipcchan_ring_ctrl_stats *src)
{
	dst->records = READ_ONCE(src->records);
	dst->bytes = READ_ONCE(src->bytes);
	dst->kicks = READ_ONCE(src->kicks);
	dst->kicks_avoided = READ_ONCE(src->kicks_avoided);
	dst->stalls = READ_ONCE(src->stalls);
	dst->waits = READ_ONCE(src->waits);
}

/* The statistics after size and flags, for GET_STATS and netlink. */
static void ring_stats_fill(struct ipcchan_ring *ring,
			    struct ipcchan_ring_stats *p)
{
	struct ipcchan_ring_stats st = {};

	st.producer_pos = READ_ONCE(*ring->pos[RING_PROD]);
	st.consumer_pos = READ_ONCE(*ring->pos[RING_CONS]);
	spin_lock(&ring->lock);
	st.producers = ring->attached[RING_PROD];
	st.consumers = ring->attached[RING_CONS];
	spin_unlock(&ring->lock);
	st.producer_kicks = atomic64_read(&ring->kicks[RING_PROD]);
	st.consumer_kicks = atomic64_read(&ring->kicks[RING_CONS]);
	st.kicks_idle = atomic64_read(&ring->kicks_idle);
	st.waits = atomic64_read(&ring->waits);
	st.wait_timeouts = atomic64_read(&ring->wait_timeouts);
	st.corrupt = atomic64_read(&ring->corrupt);
	st.write_records = atomic64_read(&ring->write_records);
	st.write_bytes = atomic64_read(&ring->write_bytes);
	ring_read_cstats(&st.producer, ring->cstats[RING_PROD]);
	ring_read_cstats(&st.consumer, ring->cstats[RING_CONS]);
	*p = st;
}

static long ring_get_stats(struct ring_file *rf, void __user *uarg)
{
	struct ipcchan_ring_stats st;
	int usize;

	usize = ipcchan_copy_arg(&st, sizeof(st), IPCCHAN_RING_STATS_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	if (st.flags)
		return -EINVAL;

	ring_stats_fill(rf->ring, &st);
	return ipcchan_put_arg(uarg, &st, usize);
}

static int ring_nl_fill(struct sk_buff *skb, struct ipcchan_obj *obj)
{
	struct ipcchan_ring *ring = container_of(obj, struct ipcchan_ring, obj);
	struct ipcchan_ring_stats st;

	ring_stats_fill(ring, &st);
	return ipcchan_nl_put_ring(skb, ring->nr_pages, ring->flags, &st);
}

static long ring_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ring_file *rf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case IPCCHAN_IOC_RING_GET_INFO:
		return ring_get_info(rf, uarg);
	case IPCCHAN_IOC_RING_KICK:
		return ring_kick(rf, arg);
	case IPCCHAN_IOC_RING_WAIT:
		return ring_wait_ioctl(rf, uarg);
	case IPCCHAN_IOC_RING_GET_STATS:
		return ring_get_stats(rf, uarg);
	default:
		return -ENOTTY;
	}
}

static const char *const ring_role_names[] = {
	[RING_PROD]	= "producer",
	[RING_CONS]	= "consumer",
	[RING_OBSERVER]	= "observer",
};

/*
 * /proc/PID/fdinfo/N: the fd's role and the ring's state, keys named as
 * the GET_INFO and GET_STATS fields. The positions and waiting words are
 * read from the shared control pages as they are now: shown, never used,
 * so what a process wrote there is what appears.
 */
static void ring_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct ring_file *rf = file->private_data;
	struct ipcchan_ring *ring = rf->ring;
	u32 prod, cons, producers, consumers;

	cons = READ_ONCE(*ring->pos[RING_CONS]);
	prod = READ_ONCE(*ring->pos[RING_PROD]);
	spin_lock(&ring->lock);
	producers = ring->attached[RING_PROD];
	consumers = ring->attached[RING_CONS];
	spin_unlock(&ring->lock);

	seq_puts(m, "type:\tring\n");
	seq_printf(m, "id:\t%u\n", ring->obj.id);
	seq_printf(m, "role:\t%s\n", ring_role_names[rf->side]);
	seq_printf(m, "named:\t%d\n", ipcchan_obj_is_named(&ring->obj));
	seq_printf(m, "ring_flags:\t%#x\n", ring->flags);
	seq_printf(m, "nr_pages:\t%u\n", ring->nr_pages);
	seq_printf(m, "data_size:\t%u\n", ring->data_size);
	seq_printf(m, "max_record:\t%u\n", ring->max_record);
	seq_printf(m, "reserved_bytes:\t%zu\n", ring->obj.charged);
	seq_printf(m, "producer_pos:\t%u\n", prod);
	seq_printf(m, "consumer_pos:\t%u\n", cons);
	seq_printf(m, "used:\t%u\n", prod - cons);
	seq_printf(m, "producer_waiting:\t%u\n",
		   READ_ONCE(*ring->waiting[RING_PROD]));
	seq_printf(m, "consumer_waiting:\t%u\n",
		   READ_ONCE(*ring->waiting[RING_CONS]));
	seq_printf(m, "producers:\t%u\n", producers);
	seq_printf(m, "consumers:\t%u\n", consumers);
	seq_printf(m, "producer_kicks:\t%lld\n",
		   atomic64_read(&ring->kicks[RING_PROD]));
	seq_printf(m, "consumer_kicks:\t%lld\n",
		   atomic64_read(&ring->kicks[RING_CONS]));
	seq_printf(m, "waits:\t%lld\n", atomic64_read(&ring->waits));
}

static const struct file_operations ring_fops = {
	.owner		= THIS_MODULE,
	.release	= ring_release,
	.write_iter	= ring_write_iter,
	.poll		= ring_poll,
	.mmap		= ring_mmap,
	.unlocked_ioctl	= ring_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.show_fdinfo	= ring_show_fdinfo,
};

/* ------------------------------------------------------------------ */
/* Creation                                                            */
/* ------------------------------------------------------------------ */

static const struct ipcchan_obj_ops ring_obj_ops = {
	.type		= IPCCHAN_OBJ_RING,
	.release	= ring_obj_release,
	.unlinked	= ring_obj_unlinked,
	.nl_fill	= ring_nl_fill,
};

static int ring_check_open(const struct ipcchan_ring_open *op)
{
	if (op->flags & ~(IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL |
			  IPCCHAN_OPEN_NONBLOCK))
		return -EINVAL;
	if ((op->flags & IPCCHAN_OPEN_EXCL) &&
	    !(op->flags & IPCCHAN_OPEN_CREATE))
		return -EINVAL;
	if (op->role != IPCCHAN_RING_PRODUCER &&
	    op->role != IPCCHAN_RING_CONSUMER &&
	    op->role != IPCCHAN_RING_OBSERVER)
		return -EINVAL;
	if (op->ring_flags & ~IPCCHAN_RING_KERNEL_PRODUCER)
		return -EINVAL;
	return 0;
}

/*
 * New fds for @ring: one in the role asked for and, for an anonymous ring,
 * one in the other role. A new ring is published, and the fds installed,
 * only once the results are safely copied out, so a fault leaves neither
 * an fd nor the ring and its name behind.
 */
static long ring_install(struct ipcchan_ring *ring,
			 struct ipcchan_ring_open *op, void __user *uarg,
			 bool anon)
{
	enum ring_side side = op->role == IPCCHAN_RING_PRODUCER ? RING_PROD :
			      op->role == IPCCHAN_RING_CONSUMER ? RING_CONS :
								  RING_OBSERVER;
	int fflags = op->flags & IPCCHAN_OPEN_NONBLOCK ? O_NONBLOCK : 0;
	struct ipcchan_fd f = IPCCHAN_FD_INIT, peer = IPCCHAN_FD_INIT;
	long ret;

	ret = ipcchan_fd_reserve(&f);
	if (!ret)
		ret = ring_fd_prepare(&f, ring, side, fflags);
	if (!ret && anon) {
		ret = ipcchan_fd_reserve(&peer);
		if (!ret)
			ret = ring_fd_prepare(&peer, ring, other_side(side),
					      fflags);
	}
	if (ret)
		goto err;

	op->nr_pages = ring->nr_pages;
	op->id = ring->obj.id;
	op->ring_flags = ring->flags;
	op->peer_fd = peer.fd;
	ring_fill_offsets(ring, &op->off);
	ret = ipcchan_put_arg(uarg, op, op->size);
	if (ret)
		goto err;

	/* Nothing can fail any more: publish a new ring, then the fds. */
	if (ipcchan_obj_commit(&ring->obj)) {
		/* Attached while unpublished, so not reported yet. */
		ipcchan_nl_event(&ring->obj, IPCCHAN_EVENT_ATTACHED, side + 1);
		if (anon)
			ipcchan_nl_event(&ring->obj, IPCCHAN_EVENT_ATTACHED,
					 other_side(side) + 1);
	}
	ret = ipcchan_fd_commit(&f);
	if (anon)
		ipcchan_fd_commit(&peer);
	return ret;

err:
	ipcchan_fd_abort(&peer);
	ipcchan_fd_abort(&f);
	return ret;
}

/**
 * ipcchan_ring_open - %IPCCHAN_IOC_RING_OPEN on /dev/ipcchan
 * @uarg: &struct ipcchan_ring_open
 *
 * Return: the new fd or a negative errno, as documented in the uapi header.
 */
long ipcchan_ring_open(void __user *uarg)
{
	struct ipcchan_ring_open op;
	struct ipcchan_open req = { .type = IPCCHAN_OBJ_RING };
	struct ipcchan_ring *ring;
	struct ipcchan_obj *obj;
	int usize;
	long ret;

	usize = ipcchan_copy_arg(&op, sizeof(op), IPCCHAN_RING_OPEN_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	op.size = min_t(size_t, usize, sizeof(op));
	ret = ring_check_open(&op);
	if (ret)
		return ret;

	req.name = ipcchan_name_from_user(op.name, op.name_len);
	if (IS_ERR(req.name))
		return PTR_ERR(req.name);
	if (!req.name && (!(op.flags & IPCCHAN_OPEN_CREATE) ||
			  op.role == IPCCHAN_RING_OBSERVER))
		return -EINVAL;
	req.name_len = op.name_len;
	req.flags = op.flags;
	/* Producers need write permission, consumers and observers read. */
	req.may = op.role == IPCCHAN_RING_PRODUCER ? MAY_WRITE : MAY_READ;
	req.create = ring_create;
	req.create_arg = &op;

	/* Consumes req.name. */
	obj = ipcchan_obj_open(&req);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	ring = container_of(obj, struct ipcchan_ring, obj);
	/* The id exists only once the core has published the ring. */
	WRITE_ONCE(ring->info->id, obj->id);

	ret = ring_install(ring, &op, uarg, !op.name);
	if (ret < 0)
		ipcchan_obj_abort(obj);
	else
		ipcchan_obj_put(obj);
	return ret;
}
