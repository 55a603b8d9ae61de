// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "ipcchan", as described by
 * Documentation/netlink/specs/ipcchan.yaml: get and dump of objects, a get
 * of the limits and one user's usage, and events on two multicast groups.
 *
 * Visibility. A socket sees the objects created from its own network
 * namespace, and events go to that namespace only. The owner, group and
 * creator pid of an object go only to requesters with CAP_NET_ADMIN over
 * the namespace and to the owner itself; events carry them only on the
 * "monitor-admin" group, which needs CAP_NET_ADMIN to join.
 *
 * Events. Each event of a namespace gets the next sequence number of that
 * namespace, so a listener can tell that it missed one. Numbers are taken
 * and the messages multicast under the namespace's mutex, after they are
 * built, so listeners see them in order. Nothing is built when neither
 * group has a listener in the namespace (the number is not consumed then
 * either: nobody could have missed it).
 *
 * High-watermark crossings happen under the types' spinlocks. Those
 * only record the fact in the object and kick a delayed work, which
 * builds and sends in process context. (Peer-gone is sent directly: a
 * ring reports it from the release of its last fd of a role.) Drop reports
 * are rate-limited per object: the first drop a second or more after the
 * previous report is reported at once, by the call that dropped (the
 * mailbox reports drops after it has let go of its spinlock); later ones
 * are summed and reported by the work a second after the previous
 * report. The work never holds a reference: the object's last put
 * cancels it and sends what is still pending before the DESTROYED event.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "compat.h"
#include "netlink.h"
#include "object.h"

enum {
	IPCCHAN_NL_GRP_MONITOR,
	IPCCHAN_NL_GRP_MONITOR_ADMIN,
};

enum {
	IPCCHAN_NL_PENDING_DROP,
	IPCCHAN_NL_PENDING_HIWAT,
};

/* Minimum interval between two drop reports of one object. */
#define IPCCHAN_NL_DROP_INTERVAL	HZ

/**
 * struct ipcchan_nl_net - per network namespace state
 * @lock: serialises taking a sequence number and sending its messages
 * @seq: last sequence number given to an event
 */
struct ipcchan_nl_net {
	struct mutex lock;	/* @seq, and the order of multicasts */
	u64 seq;
};

static unsigned int ipcchan_nl_net_id __read_mostly;
static struct genl_family ipcchan_nl_family;

/**
 * struct ipcchan_nl_view - what a receiver may see, and in which terms
 * @user_ns: uids and gids are translated into it
 * @pid_ns: pids are translated into it (0 when not visible there)
 * @fsuid: the requester; sees its own objects' owner fields
 * @admin: CAP_NET_ADMIN over the namespace: sees every owner field
 */
struct ipcchan_nl_view {
	struct user_namespace *user_ns;
	struct pid_namespace *pid_ns;
	kuid_t fsuid;
	bool admin;
};

static int ipcchan_nl_put_u64(struct sk_buff *skb, int type, u64 value)
{
	return nla_put_u64_64bit(skb, type, value, IPCCHAN_A_OBJ_PAD);
}

/*
 * The attributes every object has, then with @stats the type's
 * statistics. Fails only with -EMSGSIZE.
 */
static int ipcchan_nl_fill_obj(struct sk_buff *skb, struct ipcchan_obj *obj,
			       const struct ipcchan_nl_view *view, bool stats)
{
	bool owner = view->admin || uid_eq(view->fsuid, obj->uid);

	if (nla_put_u32(skb, IPCCHAN_A_OBJ_ID, obj->id) ||
	    nla_put_u32(skb, IPCCHAN_A_OBJ_TYPE, obj->ops->type) ||
	    (obj->name && nla_put_string(skb, IPCCHAN_A_OBJ_NAME, obj->name)) ||
	    (ipcchan_obj_is_named(obj) &&
	     nla_put_flag(skb, IPCCHAN_A_OBJ_NAMED)) ||
	    nla_put_u32(skb, IPCCHAN_A_OBJ_MODE, obj->mode) ||
	    ipcchan_nl_put_u64(skb, IPCCHAN_A_OBJ_CREATED_NS, obj->created_ns) ||
	    ipcchan_nl_put_u64(skb, IPCCHAN_A_OBJ_CHARGED, obj->charged))
		return -EMSGSIZE;

	if (owner &&
	    (nla_put_u32(skb, IPCCHAN_A_OBJ_UID,
			 from_kuid_munged(view->user_ns, obj->uid)) ||
	     nla_put_u32(skb, IPCCHAN_A_OBJ_GID,
			 from_kgid_munged(view->user_ns, obj->gid)) ||
	     nla_put_u32(skb, IPCCHAN_A_OBJ_CREATOR_PID,
			 pid_nr_ns(obj->creator_pid, view->pid_ns))))
		return -EMSGSIZE;

	if (stats && obj->ops->nl_fill)
		return obj->ops->nl_fill(skb, obj);
	return 0;
}

/**
 * ipcchan_nl_put_mbox - add a mailbox's IPCCHAN_A_OBJ_MBOX_STATS nest
 * @skb: the message
 * @mb: the mailbox's attributes
 * @st: a consistent snapshot of its statistics
 *
 * Return: 0, or -EMSGSIZE with @skb as it was.
 */
int ipcchan_nl_put_mbox(struct sk_buff *skb, const struct ipcchan_nl_mbox *mb,
			const struct ipcchan_mbox_stats *st)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, IPCCHAN_A_OBJ_MBOX_STATS);
	if (!nest)
		return -EMSGSIZE;
#define PUT64(a, v)	nla_put_u64_64bit(skb, IPCCHAN_A_MBOX_##a, v, \
					  IPCCHAN_A_MBOX_PAD)
	if (nla_put_u32(skb, IPCCHAN_A_MBOX_CAPACITY, mb->capacity) ||
	    nla_put_u32(skb, IPCCHAN_A_MBOX_MSGSIZE_MAX, mb->msgsize_max) ||
	    nla_put_u32(skb, IPCCHAN_A_MBOX_POLICY, mb->policy) ||
	    nla_put_u32(skb, IPCCHAN_A_MBOX_HIWAT, mb->hiwat) ||
	    nla_put_u32(skb, IPCCHAN_A_MBOX_SEND_LOWAT, mb->send_lowat) ||
	    PUT64(MSGS_IN, st->msgs_in) ||
	    PUT64(BYTES_IN, st->bytes_in) ||
	    PUT64(MSGS_OUT, st->msgs_out) ||
	    PUT64(BYTES_OUT, st->bytes_out) ||
	    PUT64(MSGS_DROPPED, st->msgs_dropped) ||
	    PUT64(BYTES_DROPPED, st->bytes_dropped) ||
	    nla_put_u32(skb, IPCCHAN_A_MBOX_DEPTH, st->depth) ||
	    nla_put_u32(skb, IPCCHAN_A_MBOX_PEAK_DEPTH, st->peak_depth) ||
	    nla_put_u32(skb, IPCCHAN_A_MBOX_SENDERS_BLOCKED,
			st->senders_blocked) ||
	    nla_put_u32(skb, IPCCHAN_A_MBOX_RECEIVERS_BLOCKED,
			st->receivers_blocked) ||
	    PUT64(SENDER_WAITS, st->sender_waits) ||
	    PUT64(RECEIVER_WAITS, st->receiver_waits))
		goto cancel;
	for (i = 0; i < IPCCHAN_MBOX_HIST_BUCKETS; i++)
		if (PUT64(RESIDENCE_HIST, st->residence_hist[i]))
			goto cancel;
#undef PUT64
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int ipcchan_nl_put_ring_page(struct sk_buff *skb, int type,
				    const struct ipcchan_ring_ctrl_stats *st)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
#define PUT64(a, v)	nla_put_u64_64bit(skb, IPCCHAN_A_RING_PAGE_##a, v, \
					  IPCCHAN_A_RING_PAGE_PAD)
	if (PUT64(RECORDS, st->records) || PUT64(BYTES, st->bytes) ||
	    PUT64(KICKS, st->kicks) || PUT64(KICKS_AVOIDED, st->kicks_avoided) ||
	    PUT64(STALLS, st->stalls) || PUT64(WAITS, st->waits)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
#undef PUT64
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * ipcchan_nl_put_ring - add a ring's IPCCHAN_A_OBJ_RING_STATS nest
 * @skb: the message
 * @nr_pages: data pages
 * @flags: creation flags
 * @st: a snapshot of its statistics
 *
 * Return: 0, or -EMSGSIZE with @skb as it was.
 */
int ipcchan_nl_put_ring(struct sk_buff *skb, u32 nr_pages, u32 flags,
			const struct ipcchan_ring_stats *st)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, IPCCHAN_A_OBJ_RING_STATS);
	if (!nest)
		return -EMSGSIZE;
#define PUT64(a, v)	nla_put_u64_64bit(skb, IPCCHAN_A_RING_##a, v, \
					  IPCCHAN_A_RING_PAD)
	if (nla_put_u32(skb, IPCCHAN_A_RING_NR_PAGES, nr_pages) ||
	    nla_put_u32(skb, IPCCHAN_A_RING_FLAGS, flags) ||
	    nla_put_u32(skb, IPCCHAN_A_RING_PRODUCER_POS, st->producer_pos) ||
	    nla_put_u32(skb, IPCCHAN_A_RING_CONSUMER_POS, st->consumer_pos) ||
	    nla_put_u32(skb, IPCCHAN_A_RING_PRODUCERS, st->producers) ||
	    nla_put_u32(skb, IPCCHAN_A_RING_CONSUMERS, st->consumers) ||
	    PUT64(PRODUCER_KICKS, st->producer_kicks) ||
	    PUT64(CONSUMER_KICKS, st->consumer_kicks) ||
	    PUT64(KICKS_IDLE, st->kicks_idle) ||
	    PUT64(WAITS, st->waits) ||
	    PUT64(WAIT_TIMEOUTS, st->wait_timeouts) ||
	    PUT64(CORRUPT, st->corrupt) ||
	    PUT64(WRITE_RECORDS, st->write_records) ||
	    PUT64(WRITE_BYTES, st->write_bytes) ||
	    ipcchan_nl_put_ring_page(skb, IPCCHAN_A_RING_PRODUCER_PAGE,
				     &st->producer) ||
	    ipcchan_nl_put_ring_page(skb, IPCCHAN_A_RING_CONSUMER_PAGE,
				     &st->consumer)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
#undef PUT64
	nla_nest_end(skb, nest);
	return 0;
}

/* One OBJ_GET reply message; -EMSGSIZE leaves @skb as it was. */
static int ipcchan_nl_obj_msg(struct sk_buff *skb, struct ipcchan_obj *obj,
			      const struct ipcchan_nl_view *view, u32 portid,
			      u32 seq, int flags, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ipcchan_nl_family, flags,
			  IPCCHAN_CMD_OBJ_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (ipcchan_nl_fill_obj(skb, obj, view, true)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* The requester's view; called in the context of its sendmsg(). */
static void ipcchan_nl_view_init(struct ipcchan_nl_view *view,
				 struct sk_buff *skb)
{
	view->user_ns = sk_user_ns(NETLINK_CB(skb).sk);
	view->pid_ns = task_active_pid_ns(current);
	view->fsuid = current_fsuid();
	view->admin = netlink_net_capable(skb, CAP_NET_ADMIN);
}

static int ipcchan_nl_obj_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	enum ipcchan_obj_type type = 0;
	struct ipcchan_nl_view view;
	struct ipcchan_obj *obj;
	struct sk_buff *msg;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, IPCCHAN_A_OBJ_ID))
		return -EINVAL;
	if (info->attrs[IPCCHAN_A_OBJ_TYPE])
		type = nla_get_u32(info->attrs[IPCCHAN_A_OBJ_TYPE]);

	obj = ipcchan_obj_get_by_id(nla_get_u32(info->attrs[IPCCHAN_A_OBJ_ID]),
				    type);
	if (obj && !net_eq(obj->creator_net, net)) {
		ipcchan_obj_put(obj);
		obj = NULL;
	}
	if (!obj) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[IPCCHAN_A_OBJ_ID],
				    "no such object");
		return -ENOENT;
	}

	ipcchan_nl_view_init(&view, skb);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out_put;
	}
	ret = ipcchan_nl_obj_msg(msg, obj, &view, info->snd_portid,
				 info->snd_seq, 0, NULL);
	if (ret) {
		nlmsg_free(msg);
		goto out_put;
	}
	ipcchan_obj_put(obj);
	return genlmsg_reply(msg, info);

out_put:
	ipcchan_obj_put(obj);
	return ret;
}

/**
 * struct ipcchan_nl_dump - state of an OBJ_GET dump, in cb->ctx
 * @view: the requester's, fixed when the dump starts
 * @next_id: the id to resume at
 * @type: only objects of this type, or 0 for all
 */
struct ipcchan_nl_dump {
	struct ipcchan_nl_view view;
	unsigned long next_id;
	enum ipcchan_obj_type type;
};

static struct ipcchan_nl_dump *ipcchan_nl_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct ipcchan_nl_dump) > sizeof(cb->ctx));
	return (struct ipcchan_nl_dump *)cb->ctx;
}

static int ipcchan_nl_obj_get_start(struct netlink_callback *cb)
{
	struct ipcchan_nl_dump *ctx = ipcchan_nl_dump_ctx(cb);
	struct nlattr **attrs = ipcchan_genl_dump_attrs(cb);

	if (attrs[IPCCHAN_A_OBJ_ID]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[IPCCHAN_A_OBJ_ID],
				    "a dump takes no id");
		return -EINVAL;
	}
	if (attrs[IPCCHAN_A_OBJ_TYPE])
		ctx->type = nla_get_u32(attrs[IPCCHAN_A_OBJ_TYPE]);
	ctx->next_id = 1;
	ipcchan_nl_view_init(&ctx->view, cb->skb);
	/* Dumps continue in recvmsg(), perhaps from another namespace. */
	get_pid_ns(ctx->view.pid_ns);
	return 0;
}

static int ipcchan_nl_obj_get_done(struct netlink_callback *cb)
{
	put_pid_ns(ipcchan_nl_dump_ctx(cb)->view.pid_ns);
	return 0;
}

/*
 * Walks the id table from where the last call stopped. Every message is
 * stamped with the generation seen just before its object was looked up,
 * so a dump during which objects came or went ends up with
 * NLM_F_DUMP_INTR on some message, and the requester knows to retry.
 */
static int ipcchan_nl_obj_get_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	struct ipcchan_nl_dump *ctx = ipcchan_nl_dump_ctx(cb);
	struct net *net = sock_net(skb->sk);
	struct ipcchan_obj *obj;
	int ret = 0;

	for (;;) {
		cb->seq = ipcchan_obj_generation();
		obj = ipcchan_obj_get_next(&ctx->next_id, ctx->type);
		if (!obj)
			break;
		if (net_eq(obj->creator_net, net))
			ret = ipcchan_nl_obj_msg(skb, obj, &ctx->view,
						 NETLINK_CB(cb->skb).portid,
						 cb->nlh->nlmsg_seq,
						 NLM_F_MULTI, cb);
		ipcchan_obj_put(obj);
		if (ret)
			break;
		ctx->next_id++;
	}
	/* An object too big for an empty message is a bug in its nl_fill. */
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

static int ipcchan_nl_limits_get_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct nlattr *uid_attr = info->attrs[IPCCHAN_A_LIMITS_UID];
	struct user_namespace *user_ns = sk_user_ns(NETLINK_CB(skb).sk);
	kuid_t uid = current_fsuid();
	struct ipcchan_limits lim;
	unsigned int objects;
	struct sk_buff *msg;
	u64 bytes;
	void *hdr;

	if (uid_attr) {
		uid = make_kuid(user_ns, nla_get_u32(uid_attr));
		if (!uid_valid(uid)) {
			NL_SET_ERR_MSG_ATTR(info->extack, uid_attr,
					    "uid not mapped in your user namespace");
			return -EINVAL;
		}
		if (!uid_eq(uid, current_fsuid()) &&
		    !netlink_net_capable(skb, CAP_NET_ADMIN)) {
			NL_SET_ERR_MSG_ATTR(info->extack, uid_attr,
					    "another user's usage needs CAP_NET_ADMIN");
			return -EPERM;
		}
	}

	ipcchan_limits_get(&lim);
	ipcchan_user_usage(uid, &objects, &bytes);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ipcchan_nl_family, 0,
				IPCCHAN_CMD_LIMITS_GET);
	if (!hdr ||
	    nla_put_u32(msg, IPCCHAN_A_LIMITS_NAME_MAX, IPCCHAN_NAME_MAX) ||
	    nla_put_u32(msg, IPCCHAN_A_LIMITS_MBOX_MAX_MSGS,
			lim.mbox_max_msgs) ||
	    nla_put_u32(msg, IPCCHAN_A_LIMITS_MBOX_MAX_MSGSIZE,
			lim.mbox_max_msgsize) ||
	    nla_put_u32(msg, IPCCHAN_A_LIMITS_RING_MAX_PAGES,
			lim.ring_max_pages) ||
	    nla_put_u32(msg, IPCCHAN_A_LIMITS_USER_MAX_OBJECTS,
			lim.user_max_objects) ||
	    nla_put_u64_64bit(msg, IPCCHAN_A_LIMITS_USER_MAX_BYTES,
			      lim.user_max_bytes, IPCCHAN_A_LIMITS_PAD) ||
	    nla_put_u32(msg, IPCCHAN_A_LIMITS_UID,
			from_kuid_munged(user_ns, uid)) ||
	    nla_put_u32(msg, IPCCHAN_A_LIMITS_USER_OBJECTS, objects) ||
	    nla_put_u64_64bit(msg, IPCCHAN_A_LIMITS_USER_BYTES, bytes,
			      IPCCHAN_A_LIMITS_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * The policies, ops and groups below are written by hand, not generated
 * with `ynl-gen-c --mode kernel` as the uapi names are: the generator
 * emits a table of struct genl_split_ops (.split_ops), which 6.1 lacks
 * (split ops came in 6.2), and we build for 6.1. `make ynl-test` checks
 * them against the spec instead (scripts/ynl-policy-check.py, through
 * nlctrl). Generate them once 6.1 is no longer supported.
 */
static const struct nla_policy ipcchan_nl_obj_policy[IPCCHAN_A_OBJ_TYPE + 1] = {
	[IPCCHAN_A_OBJ_ID]	= NLA_POLICY_MIN(NLA_U32, 1),
	[IPCCHAN_A_OBJ_TYPE]	= NLA_POLICY_RANGE(NLA_U32, IPCCHAN_OBJ_MAILBOX,
						   IPCCHAN_OBJ_MAX),
};

static const struct nla_policy ipcchan_nl_limits_policy[IPCCHAN_A_LIMITS_UID + 1] = {
	[IPCCHAN_A_LIMITS_UID]	= { .type = NLA_U32 },
};

static const struct genl_ops ipcchan_nl_ops[] = {
	{
		.cmd	= IPCCHAN_CMD_OBJ_GET,
		.doit	= ipcchan_nl_obj_get_doit,
		.start	= ipcchan_nl_obj_get_start,
		.dumpit	= ipcchan_nl_obj_get_dumpit,
		.done	= ipcchan_nl_obj_get_done,
		.policy	= ipcchan_nl_obj_policy,
		.maxattr = ARRAY_SIZE(ipcchan_nl_obj_policy) - 1,
	},
	{
		.cmd	= IPCCHAN_CMD_LIMITS_GET,
		.doit	= ipcchan_nl_limits_get_doit,
		.policy	= ipcchan_nl_limits_policy,
		.maxattr = ARRAY_SIZE(ipcchan_nl_limits_policy) - 1,
	},
};

static const struct genl_multicast_group ipcchan_nl_mcgrps[] = {
	[IPCCHAN_NL_GRP_MONITOR] = { .name = IPCCHAN_MCGRP_MONITOR },
	[IPCCHAN_NL_GRP_MONITOR_ADMIN] = {
		.name	= IPCCHAN_MCGRP_MONITOR_ADMIN,
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
};

static struct genl_family ipcchan_nl_family __ro_after_init = {
	.name		= IPCCHAN_FAMILY_NAME,
	.version	= IPCCHAN_FAMILY_VERSION,
	.module		= THIS_MODULE,
	.netnsok	= true,
	.parallel_ops	= true,
	.ops		= ipcchan_nl_ops,
	.n_ops		= ARRAY_SIZE(ipcchan_nl_ops),
	.mcgrps		= ipcchan_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(ipcchan_nl_mcgrps),
};

/**
 * struct ipcchan_nl_ev - one event to send
 * @type: &enum ipcchan_event
 * @count: DROP: drops since the previous report
 * @role: ATTACHED, DETACHED, PEER_GONE
 * @depth: HIWAT
 * @pid: ATTACHED, DETACHED: the process, or NULL
 */
struct ipcchan_nl_ev {
	enum ipcchan_event type;
	u64 count;
	u32 role;
	u32 depth;
	struct pid *pid;
};

/*
 * Build the event for one group. The sequence number is reserved and
 * written in later, under the namespace's lock; *@seq points at it.
 */
static struct sk_buff *ipcchan_nl_ev_build(struct ipcchan_obj *obj,
					   const struct ipcchan_nl_ev *ev,
					   bool admin, void **seq)
{
	struct ipcchan_nl_view view = {
		.user_ns = obj->creator_net->user_ns,
		.pid_ns = ns_of_pid(obj->creator_pid),
		.fsuid = INVALID_UID,
		.admin = admin,
	};
	struct sk_buff *skb;
	struct nlattr *attr;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	hdr = genlmsg_put(skb, 0, 0, &ipcchan_nl_family, 0, IPCCHAN_CMD_EVENT);
	if (!hdr)
		goto err;
	attr = nla_reserve_64bit(skb, IPCCHAN_A_OBJ_EV_SEQ, sizeof(u64),
				 IPCCHAN_A_OBJ_PAD);
	if (!attr || nla_put_u32(skb, IPCCHAN_A_OBJ_EV_TYPE, ev->type) ||
	    ipcchan_nl_fill_obj(skb, obj, &view,
				ev->type == IPCCHAN_EVENT_DESTROYED))
		goto err;
	switch (ev->type) {
	case IPCCHAN_EVENT_DROP:
		if (ipcchan_nl_put_u64(skb, IPCCHAN_A_OBJ_EV_COUNT, ev->count))
			goto err;
		break;
	case IPCCHAN_EVENT_HIWAT:
		if (nla_put_u32(skb, IPCCHAN_A_OBJ_EV_DEPTH, ev->depth))
			goto err;
		break;
	case IPCCHAN_EVENT_ATTACHED:
	case IPCCHAN_EVENT_DETACHED:
		if (admin && ev->pid &&
		    nla_put_u32(skb, IPCCHAN_A_OBJ_EV_PID,
				pid_nr_ns(ev->pid, view.pid_ns)))
			goto err;
		fallthrough;
	case IPCCHAN_EVENT_PEER_GONE:
		if (nla_put_u32(skb, IPCCHAN_A_OBJ_EV_ROLE, ev->role))
			goto err;
		break;
	default:
		break;
	}
	genlmsg_end(skb, hdr);
	*seq = nla_data(attr);
	return skb;

err:
	nlmsg_free(skb);
	return NULL;
}

/*
 * Process context. A message that cannot be built is not sent, but its
 * sequence number is still used, so listeners see the loss as a gap.
 */
static void ipcchan_nl_send(struct ipcchan_obj *obj,
			    const struct ipcchan_nl_ev *ev)
{
	struct ipcchan_nl_net *nn = net_generic(obj->creator_net,
						ipcchan_nl_net_id);
	struct sk_buff *skb[2] = {};
	void *seq[2] = {};
	unsigned int grp;
	u64 val;

	bool listened = false;

	might_sleep();
	/* Nothing about an object until it is published: it may never be. */
	if (!READ_ONCE(obj->published))
		return;
	for (grp = 0; grp < ARRAY_SIZE(skb); grp++) {
		if (!genl_has_listeners(&ipcchan_nl_family, obj->creator_net,
					grp))
			continue;
		listened = true;
		skb[grp] = ipcchan_nl_ev_build(obj, ev, grp, &seq[grp]);
	}
	if (!listened)
		return;

	mutex_lock(&nn->lock);
	val = ++nn->seq;
	for (grp = 0; grp < ARRAY_SIZE(skb); grp++) {
		if (!skb[grp])
			continue;
		memcpy(seq[grp], &val, sizeof(val));
		/* Fails with ESRCH without listeners; overruns are theirs. */
		genlmsg_multicast_netns(&ipcchan_nl_family, obj->creator_net,
					skb[grp], 0, grp, GFP_KERNEL);
	}
	mutex_unlock(&nn->lock);
}

/**
 * ipcchan_nl_event - report a lifecycle event of @obj
 * @obj: the object, referenced by the caller
 * @event: %IPCCHAN_EVENT_CREATED, _ATTACHED, _DETACHED or _PEER_GONE
 * @role: for ATTACHED, DETACHED and PEER_GONE, the type's role value
 *
 * Process context; builds and sends at once when someone listens.
 */
void ipcchan_nl_event(struct ipcchan_obj *obj, enum ipcchan_event event,
		      u32 role)
{
	struct ipcchan_nl_ev ev = {
		.type = event,
		.role = role,
		.pid = task_tgid(current),
	};

	ipcchan_nl_send(obj, &ev);
}

static bool ipcchan_nl_listened(struct ipcchan_obj *obj)
{
	return genl_has_listeners(&ipcchan_nl_family, obj->creator_net,
				  IPCCHAN_NL_GRP_MONITOR) ||
	       genl_has_listeners(&ipcchan_nl_family, obj->creator_net,
				  IPCCHAN_NL_GRP_MONITOR_ADMIN);
}

static void ipcchan_nl_flush_drops(struct ipcchan_obj *obj, bool final);

/**
 * ipcchan_nl_drop - count drops of @obj and report them, rate-limited
 * @obj: the object, referenced by the caller
 * @count: messages or records dropped or refused
 *
 * Process context, no spinlock held: the first drop a second or more
 * after the previous report is reported before this returns, so that a
 * listener sees it once the call that dropped has returned. Later ones
 * are added to a report the work sends one second after the previous.
 * Drops while nobody listens are not reported later.
 */
void ipcchan_nl_drop(struct ipcchan_obj *obj, u64 count)
{
	struct ipcchan_nl_obj *nl = &obj->nl;
	unsigned long due;

	might_sleep();
	if (!ipcchan_nl_listened(obj))
		return;
	atomic64_add(count, &nl->drops);
	if (test_and_set_bit(IPCCHAN_NL_PENDING_DROP, &nl->pending))
		return;
	due = READ_ONCE(nl->last_drop) + IPCCHAN_NL_DROP_INTERVAL;
	if (time_after(due, jiffies))
		queue_delayed_work(system_wq, &nl->work, due - jiffies);
	else
		ipcchan_nl_flush_drops(obj, false);
}

/**
 * ipcchan_nl_hiwat - report that @obj's depth crossed its high watermark
 * @obj: the object, referenced by the caller
 * @depth: the depth reached
 *
 * Any context. Crossings closer together than the worker runs are
 * reported once, with the last depth.
 */
void ipcchan_nl_hiwat(struct ipcchan_obj *obj, u32 depth)
{
	if (!ipcchan_nl_listened(obj))
		return;
	WRITE_ONCE(obj->nl.depth, depth);
	set_bit(IPCCHAN_NL_PENDING_HIWAT, &obj->nl.pending);
	mod_delayed_work(system_wq, &obj->nl.work, 0);
}

/* Send what atomic context left pending; @final ignores the rate limit. */
static void ipcchan_nl_flush(struct ipcchan_obj *obj, bool final)
{
	struct ipcchan_nl_obj *nl = &obj->nl;
	struct ipcchan_nl_ev ev = {};

	if (test_and_clear_bit(IPCCHAN_NL_PENDING_HIWAT, &nl->pending)) {
		ev.type = IPCCHAN_EVENT_HIWAT;
		ev.depth = READ_ONCE(nl->depth);
		ipcchan_nl_send(obj, &ev);
	}
	ipcchan_nl_flush_drops(obj, final);
}

/*
 * Send the pending drop report if it is due (@final: in any case). The
 * drop path and the work may both get here: whichever clears the bit
 * first takes the count, the other finds zero and sends nothing.
 */
static void ipcchan_nl_flush_drops(struct ipcchan_obj *obj, bool final)
{
	struct ipcchan_nl_obj *nl = &obj->nl;
	struct ipcchan_nl_ev ev = {};
	unsigned long due;

	if (!test_bit(IPCCHAN_NL_PENDING_DROP, &nl->pending))
		return;
	due = READ_ONCE(nl->last_drop) + IPCCHAN_NL_DROP_INTERVAL;
	if (!final && time_after(due, jiffies)) {
		queue_delayed_work(system_wq, &nl->work, due - jiffies);
		return;
	}
	/*
	 * A drop after this clear sets the bit again; it must see the new
	 * report time (release here, full barrier in test_and_set_bit()),
	 * or it would report at once, less than a second after this one.
	 */
	WRITE_ONCE(nl->last_drop, jiffies);
	clear_bit_unlock(IPCCHAN_NL_PENDING_DROP, &nl->pending);
	ev.type = IPCCHAN_EVENT_DROP;
	ev.count = atomic64_xchg(&nl->drops, 0);
	if (ev.count)
		ipcchan_nl_send(obj, &ev);
}

static void ipcchan_nl_work(struct work_struct *work)
{
	struct ipcchan_nl_obj *nl = container_of(to_delayed_work(work),
						 struct ipcchan_nl_obj, work);

	ipcchan_nl_flush(container_of(nl, struct ipcchan_obj, nl), false);
}

/**
 * ipcchan_nl_obj_init - set up the event state of a new object
 * @obj: the object
 */
void ipcchan_nl_obj_init(struct ipcchan_obj *obj)
{
	INIT_DELAYED_WORK(&obj->nl.work, ipcchan_nl_work);
	atomic64_set(&obj->nl.drops, 0);
	obj->nl.pending = 0;
	obj->nl.last_drop = jiffies - IPCCHAN_NL_DROP_INTERVAL;
}

/**
 * ipcchan_nl_obj_destroyed - the last reference to @obj is gone
 * @obj: the object, out of the id table but still whole
 *
 * Process context. Sends what is still pending, then DESTROYED with the
 * final statistics.
 */
void ipcchan_nl_obj_destroyed(struct ipcchan_obj *obj)
{
	struct ipcchan_nl_ev ev = { .type = IPCCHAN_EVENT_DESTROYED };

	cancel_delayed_work_sync(&obj->nl.work);
	ipcchan_nl_flush(obj, true);
	ipcchan_nl_send(obj, &ev);
}

static int __net_init ipcchan_nl_net_init(struct net *net)
{
	struct ipcchan_nl_net *nn = net_generic(net, ipcchan_nl_net_id);

	mutex_init(&nn->lock);
	nn->seq = 0;
	return 0;
}

static struct pernet_operations ipcchan_nl_net_ops = {
	.init	= ipcchan_nl_net_init,
	.id	= &ipcchan_nl_net_id,
	.size	= sizeof(struct ipcchan_nl_net),
};

int __init ipcchan_nl_init(void)
{
	int ret;

	ret = register_pernet_subsys(&ipcchan_nl_net_ops);
	if (ret)
		return ret;
	ret = genl_register_family(&ipcchan_nl_family);
	if (ret)
		unregister_pernet_subsys(&ipcchan_nl_net_ops);
	return ret;
}

void ipcchan_nl_exit(void)
{
	genl_unregister_family(&ipcchan_nl_family);
	unregister_pernet_subsys(&ipcchan_nl_net_ops);
}
