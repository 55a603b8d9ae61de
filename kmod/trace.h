/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of ipcchan: the life of a message in a mailbox and the
 * wakeup protocol of a ring. They appear in tracefs as events/ipcchan/
 * and in perf and bpftrace as ipcchan:<event>. Each event carries the
 * object id (as in netlink and GET_ATTR), sizes and the depth, so one
 * event stream shows a queue filling and draining without reading any
 * statistics. Documentation/tracing.rst describes every field.
 *
 * Disabled tracepoints cost a patched-out branch; the arguments are only
 * evaluated when the event is enabled.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM ipcchan

#if !defined(_IPCCHAN_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _IPCCHAN_TRACE_H

#include <linux/tracepoint.h>
#include <linux/ipcchan.h>

TRACE_DEFINE_ENUM(IPCCHAN_MBOX_BLOCK);
TRACE_DEFINE_ENUM(IPCCHAN_MBOX_DROP_NEWEST);
TRACE_DEFINE_ENUM(IPCCHAN_MBOX_DROP_OLDEST);
TRACE_DEFINE_ENUM(IPCCHAN_MBOX_RENDEZVOUS);

#define ipcchan_show_policy(p)					\
	__print_symbolic(p,					\
			 { IPCCHAN_MBOX_BLOCK, "block" },		\
			 { IPCCHAN_MBOX_DROP_NEWEST, "drop-newest" },	\
			 { IPCCHAN_MBOX_DROP_OLDEST, "drop-oldest" },	\
			 { IPCCHAN_MBOX_RENDEZVOUS, "rendezvous" })

/* A mailbox wait queue or a ring side: 0 receivers/consumers, 1 senders/producers. */
#define ipcchan_show_mbox_side(s)	((s) ? "send" : "recv")
#define ipcchan_show_ring_side(s)	((s) ? "producer" : "consumer")

/* A message queued: @depth counts it. */
TRACE_EVENT(ipcchan_mbox_enqueue,
	    TP_PROTO(u32 id, u64 seq, u32 len, u32 prio, u32 depth, u32 capacity),
	    TP_ARGS(id, seq, len, prio, depth, capacity),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u32, len)
			     __field(u64, seq)
			     __field(u32, prio)
			     __field(u32, depth)
			     __field(u32, capacity)),
	    TP_fast_assign(__entry->id = id;
			   __entry->len = len;
			   __entry->seq = seq;
			   __entry->prio = prio;
			   __entry->depth = depth;
			   __entry->capacity = capacity;),
	    TP_printk("id=%u seq=%llu len=%u prio=%u depth=%u/%u",
		      __entry->id, __entry->seq, __entry->len, __entry->prio,
		      __entry->depth, __entry->capacity)
);

/* A message received: @depth no longer counts it; @residence_ns in the buffer. */
TRACE_EVENT(ipcchan_mbox_dequeue,
	    TP_PROTO(u32 id, u64 seq, u32 len, u32 prio, u32 depth, u32 capacity,
		     u64 residence_ns),
	    TP_ARGS(id, seq, len, prio, depth, capacity, residence_ns),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u32, len)
			     __field(u64, seq)
			     __field(u64, residence_ns)
			     __field(u32, prio)
			     __field(u32, depth)
			     __field(u32, capacity)),
	    TP_fast_assign(__entry->id = id;
			   __entry->len = len;
			   __entry->seq = seq;
			   __entry->residence_ns = residence_ns;
			   __entry->prio = prio;
			   __entry->depth = depth;
			   __entry->capacity = capacity;),
	    TP_printk("id=%u seq=%llu len=%u prio=%u depth=%u/%u residence_ns=%llu",
		      __entry->id, __entry->seq, __entry->len, __entry->prio,
		      __entry->depth, __entry->capacity, __entry->residence_ns)
);

/*
 * A message discarded by the overflow policy: the one being sent
 * (drop-newest, or drop-oldest when only a message being received is
 * queued) or the oldest queued one (drop-oldest). @seq is the sequence
 * number it had or would have had.
 */
TRACE_EVENT(ipcchan_mbox_drop,
	    TP_PROTO(u32 id, u64 seq, u32 len, u32 depth, u32 capacity, u32 policy),
	    TP_ARGS(id, seq, len, depth, capacity, policy),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u32, len)
			     __field(u64, seq)
			     __field(u32, depth)
			     __field(u32, capacity)
			     __field(u32, policy)),
	    TP_fast_assign(__entry->id = id;
			   __entry->len = len;
			   __entry->seq = seq;
			   __entry->depth = depth;
			   __entry->capacity = capacity;
			   __entry->policy = policy;),
	    TP_printk("id=%u seq=%llu len=%u depth=%u/%u policy=%s",
		      __entry->id, __entry->seq, __entry->len, __entry->depth,
		      __entry->capacity, ipcchan_show_policy(__entry->policy))
);

/*
 * A sender (@sender 1) or receiver is about to sleep: no room or no
 * message. @blocked counts the tasks of that side asleep, this one too.
 */
TRACE_EVENT(ipcchan_mbox_wait_begin,
	    TP_PROTO(u32 id, bool sender, u32 depth, u32 capacity, u32 blocked),
	    TP_ARGS(id, sender, depth, capacity, blocked),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u32, depth)
			     __field(u32, capacity)
			     __field(u32, blocked)
			     __field(u8, sender)),
	    TP_fast_assign(__entry->id = id;
			   __entry->depth = depth;
			   __entry->capacity = capacity;
			   __entry->blocked = blocked;
			   __entry->sender = sender;),
	    TP_printk("id=%u side=%s depth=%u/%u blocked=%u",
		      __entry->id, ipcchan_show_mbox_side(__entry->sender),
		      __entry->depth, __entry->capacity, __entry->blocked)
);

/*
 * The wait of ipcchan_mbox_wait_begin is over: @ret 0 when the task may
 * go on (it retries under the lock), else the error it returns.
 */
TRACE_EVENT(ipcchan_mbox_wait_end,
	    TP_PROTO(u32 id, bool sender, u32 depth, u32 capacity, int ret),
	    TP_ARGS(id, sender, depth, capacity, ret),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u32, depth)
			     __field(u32, capacity)
			     __field(int, ret)
			     __field(u8, sender)),
	    TP_fast_assign(__entry->id = id;
			   __entry->depth = depth;
			   __entry->capacity = capacity;
			   __entry->ret = ret;
			   __entry->sender = sender;),
	    TP_printk("id=%u side=%s depth=%u/%u ret=%d",
		      __entry->id, ipcchan_show_mbox_side(__entry->sender),
		      __entry->depth, __entry->capacity, __entry->ret)
);

/*
 * A wakeup of a senders' (@sender 1) or the receivers' wait queue,
 * issued only when someone waits there. @woken counts the entries it
 * reaches: every poll/epoll entry before the first sleeping task, and
 * that task (wakeups are exclusive: one sleeper per wakeup). Writers'
 * poll and epoll entries have their own queue, so a wakeup that reaches
 * both a blocked sender and them is two events.
 */
TRACE_EVENT(ipcchan_mbox_wake,
	    TP_PROTO(u32 id, bool sender, u32 woken, u32 depth, u32 capacity),
	    TP_ARGS(id, sender, woken, depth, capacity),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u32, woken)
			     __field(u32, depth)
			     __field(u32, capacity)
			     __field(u8, sender)),
	    TP_fast_assign(__entry->id = id;
			   __entry->woken = woken;
			   __entry->depth = depth;
			   __entry->capacity = capacity;
			   __entry->sender = sender;),
	    TP_printk("id=%u side=%s woken=%u depth=%u/%u",
		      __entry->id, ipcchan_show_mbox_side(__entry->sender),
		      __entry->woken, __entry->depth, __entry->capacity)
);

/*
 * IPCCHAN_IOC_RING_KICK (or a wait's kick_fd) from the @producer side,
 * or the consumer's. @woken: whether it woke anyone on the other side.
 * @prod and @cons are the positions as the kernel read them, so @used is
 * what they say, not a value the kernel relies on.
 */
TRACE_EVENT(ipcchan_ring_kick,
	    TP_PROTO(u32 id, bool producer, bool woken, u32 prod, u32 cons,
		     u32 size),
	    TP_ARGS(id, producer, woken, prod, cons, size),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u32, prod)
			     __field(u32, cons)
			     __field(u32, used)
			     __field(u32, size)
			     __field(u8, producer)
			     __field(u8, woken)),
	    TP_fast_assign(__entry->id = id;
			   __entry->prod = prod;
			   __entry->cons = cons;
			   __entry->used = prod - cons;
			   __entry->size = size;
			   __entry->producer = producer;
			   __entry->woken = woken;),
	    TP_printk("id=%u side=%s woken=%u prod=%u cons=%u used=%u/%u",
		      __entry->id, ipcchan_show_ring_side(__entry->producer),
		      __entry->woken, __entry->prod, __entry->cons,
		      __entry->used, __entry->size)
);

/*
 * IPCCHAN_IOC_RING_WAIT is over: a consumer waited for @need published
 * bytes or a producer for @need free bytes, and found @avail. @slept:
 * whether it went to sleep; @ret 0 or the error it returns.
 */
TRACE_EVENT(ipcchan_ring_wait,
	    TP_PROTO(u32 id, bool producer, u32 need, u32 avail, u32 size,
		     bool slept, int ret),
	    TP_ARGS(id, producer, need, avail, size, slept, ret),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u32, need)
			     __field(u32, avail)
			     __field(u32, size)
			     __field(int, ret)
			     __field(u8, producer)
			     __field(u8, slept)),
	    TP_fast_assign(__entry->id = id;
			   __entry->need = need;
			   __entry->avail = avail;
			   __entry->size = size;
			   __entry->ret = ret;
			   __entry->producer = producer;
			   __entry->slept = slept;),
	    TP_printk("id=%u side=%s need=%u avail=%u/%u slept=%u ret=%d",
		      __entry->id, ipcchan_show_ring_side(__entry->producer),
		      __entry->need, __entry->avail, __entry->size,
		      __entry->slept, __entry->ret)
);

/*
 * A look at the wait queue of the @producer side or the consumers', after
 * a kick or a kernel-producer record: @woken entries were woken (sleepers
 * whose need @avail meets, and poll/epoll entries); @waiting is the need
 * left in the side's waiting word for those that sleep on (0: none).
 * @avail is U32_MAX when the kernel did not look at the positions.
 */
TRACE_EVENT(ipcchan_ring_wake,
	    TP_PROTO(u32 id, bool producer, u32 woken, u32 avail, u32 waiting,
		     u32 size),
	    TP_ARGS(id, producer, woken, avail, waiting, size),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u32, woken)
			     __field(u32, avail)
			     __field(u32, waiting)
			     __field(u32, size)
			     __field(u8, producer)),
	    TP_fast_assign(__entry->id = id;
			   __entry->woken = woken;
			   __entry->avail = avail;
			   __entry->waiting = waiting;
			   __entry->size = size;
			   __entry->producer = producer;),
	    TP_printk("id=%u side=%s woken=%u avail=%u/%u waiting=%u",
		      __entry->id, ipcchan_show_ring_side(__entry->producer),
		      __entry->woken, __entry->avail, __entry->size,
		      __entry->waiting)
);

#endif /* _IPCCHAN_TRACE_H */

/* Out of tree: the build adds this directory to the include path. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
