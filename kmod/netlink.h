/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "ipcchan": listing and events. The object
 * types report what happens to their objects through the functions here.
 */
#ifndef _IPCCHAN_NETLINK_H
#define _IPCCHAN_NETLINK_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/ipcchan.h>

struct ipcchan_obj;
struct sk_buff;

/**
 * struct ipcchan_nl_obj - per-object event state, embedded in the object
 * @work: sends the events raised in atomic context
 * @drops: drops not yet reported
 * @pending: IPCCHAN_NL_PENDING_* bits for @work
 * @last_drop: jiffies of the last drop report
 * @depth: depth for the pending high-watermark event
 */
struct ipcchan_nl_obj {
	struct delayed_work work;
	atomic64_t drops;
	unsigned long pending;
	unsigned long last_drop;
	u32 depth;
};

/* Process context, may sleep: CREATED, ATTACHED, DETACHED, PEER_GONE. */
void ipcchan_nl_event(struct ipcchan_obj *obj, enum ipcchan_event event,
		      u32 role);
/* Any context, also under spinlocks: reported later from a worker. */
void ipcchan_nl_drop(struct ipcchan_obj *obj, u64 count);
void ipcchan_nl_hiwat(struct ipcchan_obj *obj, u32 depth);

/*
 * For the types' nl_fill: the IPCCHAN_A_OBJ_MBOX_STATS or _RING_STATS nest
 * from a snapshot taken by the type. Process context; 0 or -EMSGSIZE.
 */
struct ipcchan_nl_mbox {
	u32 capacity;
	u32 msgsize_max;
	u32 policy;
	u32 hiwat;
	u32 send_lowat;
};

int ipcchan_nl_put_mbox(struct sk_buff *skb, const struct ipcchan_nl_mbox *mb,
			const struct ipcchan_mbox_stats *st);
int ipcchan_nl_put_ring(struct sk_buff *skb, u32 nr_pages, u32 flags,
			const struct ipcchan_ring_stats *st);

/* For the object core. */
void ipcchan_nl_obj_init(struct ipcchan_obj *obj);
void ipcchan_nl_obj_destroyed(struct ipcchan_obj *obj);

int ipcchan_nl_init(void);
void ipcchan_nl_exit(void);

#endif /* _IPCCHAN_NETLINK_H */
