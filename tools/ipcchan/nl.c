// SPDX-License-Identifier: GPL-2.0
/*
 * libnl-genl-3 client of the "ipcchan" family, after iw: nl_socket_alloc,
 * genl_connect, NETLINK_EXT_ACK, genl_ctrl_resolve. Error messages the
 * kernel attaches to an ack (extack) are printed with the errno.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "nl.h"
#include "subcommands.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct ipcchan_nl {
	struct nl_sock *sk;
	int family;
	int error;		/* errno from the last ack, 0 when none */
	char extack[256];	/* its message, "" when none */
};

struct dump_state {
	struct nl_obj *objs;
	int n, cap;
	bool intr;
	bool failed;
};

static struct nla_policy obj_policy[IPCCHAN_A_OBJ_MAX + 1] = {
	[IPCCHAN_A_OBJ_ID] = { .type = NLA_U32 },
	[IPCCHAN_A_OBJ_TYPE] = { .type = NLA_U32 },
	[IPCCHAN_A_OBJ_NAME] = { .type = NLA_NUL_STRING },
	[IPCCHAN_A_OBJ_NAMED] = { .type = NLA_FLAG },
	[IPCCHAN_A_OBJ_MODE] = { .type = NLA_U32 },
	[IPCCHAN_A_OBJ_UID] = { .type = NLA_U32 },
	[IPCCHAN_A_OBJ_GID] = { .type = NLA_U32 },
	[IPCCHAN_A_OBJ_CREATOR_PID] = { .type = NLA_U32 },
	[IPCCHAN_A_OBJ_CREATED_NS] = { .type = NLA_U64 },
	[IPCCHAN_A_OBJ_CHARGED] = { .type = NLA_U64 },
	[IPCCHAN_A_OBJ_EV_SEQ] = { .type = NLA_U64 },
	[IPCCHAN_A_OBJ_EV_TYPE] = { .type = NLA_U32 },
	[IPCCHAN_A_OBJ_EV_COUNT] = { .type = NLA_U64 },
	[IPCCHAN_A_OBJ_EV_ROLE] = { .type = NLA_U32 },
	[IPCCHAN_A_OBJ_EV_DEPTH] = { .type = NLA_U32 },
	[IPCCHAN_A_OBJ_EV_PID] = { .type = NLA_U32 },
	[IPCCHAN_A_OBJ_MBOX_STATS] = { .type = NLA_NESTED },
	[IPCCHAN_A_OBJ_RING_STATS] = { .type = NLA_NESTED },
};

/*
 * Collect the u32 and u64 attributes of @nest into @val by type, setting
 * their bits in @has.
 */
static void parse_nest(struct nlattr *nest, int max, uint64_t *val,
		       uint64_t *has)
{
	struct nlattr *a;
	int rem, type;

	nla_for_each_nested(a, nest, rem) {
		type = nla_type(a);
		if (type > max || type >= 64)
			continue;
		if (nla_len(a) == 4)
			val[type] = nla_get_u32(a);
		else if (nla_len(a) == 8)
			val[type] = nla_get_u64(a);
		else
			continue;
		*has |= 1ULL << type;
	}
}

static void parse_mbox(struct nlattr *nest, struct nl_obj *o)
{
	struct nlattr *a;
	int rem;

	o->has_mbox = true;
	parse_nest(nest, IPCCHAN_A_MBOX_MAX, o->mbox, &o->mbox_has);
	/* The histogram is a multi-attr: one u64 per bucket, in order. */
	o->mbox_has &= ~(1ULL << IPCCHAN_A_MBOX_RESIDENCE_HIST);
	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) == IPCCHAN_A_MBOX_RESIDENCE_HIST &&
		    nla_len(a) == 8 && o->nhist < IPCCHAN_MBOX_HIST_BUCKETS)
			o->hist[o->nhist++] = nla_get_u64(a);
}

static void parse_ring(struct nlattr *nest, struct nl_obj *o)
{
	struct nlattr *a;
	int rem, i;

	o->has_ring = true;
	parse_nest(nest, IPCCHAN_A_RING_MAX, o->ring, &o->ring_has);
	o->ring_has &= ~(1ULL << IPCCHAN_A_RING_PRODUCER_PAGE |
			 1ULL << IPCCHAN_A_RING_CONSUMER_PAGE);
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) == IPCCHAN_A_RING_PRODUCER_PAGE)
			i = 0;
		else if (nla_type(a) == IPCCHAN_A_RING_CONSUMER_PAGE)
			i = 1;
		else
			continue;
		parse_nest(a, IPCCHAN_A_RING_PAGE_MAX, o->page[i],
			   &o->page_has[i]);
	}
}

static void parse_obj(struct nlattr **tb, struct nl_obj *o)
{
	memset(o, 0, sizeof(*o));
	if (tb[IPCCHAN_A_OBJ_ID])
		o->id = nla_get_u32(tb[IPCCHAN_A_OBJ_ID]);
	if (tb[IPCCHAN_A_OBJ_TYPE])
		o->type = nla_get_u32(tb[IPCCHAN_A_OBJ_TYPE]);
	if (tb[IPCCHAN_A_OBJ_NAME]) {
		o->has_name = true;
		snprintf(o->name, sizeof(o->name), "%s",
			 nla_get_string(tb[IPCCHAN_A_OBJ_NAME]));
	}
	o->named = tb[IPCCHAN_A_OBJ_NAMED] != NULL;
	o->has_mode = tb[IPCCHAN_A_OBJ_MODE];
	if (o->has_mode)
		o->mode = nla_get_u32(tb[IPCCHAN_A_OBJ_MODE]);
	if (tb[IPCCHAN_A_OBJ_UID] && tb[IPCCHAN_A_OBJ_GID]) {
		o->has_owner = true;
		o->uid = nla_get_u32(tb[IPCCHAN_A_OBJ_UID]);
		o->gid = nla_get_u32(tb[IPCCHAN_A_OBJ_GID]);
	}
	o->has_pid = tb[IPCCHAN_A_OBJ_CREATOR_PID];
	if (o->has_pid)
		o->pid = nla_get_u32(tb[IPCCHAN_A_OBJ_CREATOR_PID]);
	o->has_created = tb[IPCCHAN_A_OBJ_CREATED_NS];
	if (o->has_created)
		o->created_ns = nla_get_u64(tb[IPCCHAN_A_OBJ_CREATED_NS]);
	o->has_charged = tb[IPCCHAN_A_OBJ_CHARGED];
	if (o->has_charged)
		o->charged = nla_get_u64(tb[IPCCHAN_A_OBJ_CHARGED]);
	if (tb[IPCCHAN_A_OBJ_MBOX_STATS])
		parse_mbox(tb[IPCCHAN_A_OBJ_MBOX_STATS], o);
	if (tb[IPCCHAN_A_OBJ_RING_STATS])
		parse_ring(tb[IPCCHAN_A_OBJ_RING_STATS], o);
}

static int parse_msg(struct nl_msg *msg, struct nlattr **tb)
{
	return genlmsg_parse(nlmsg_hdr(msg), 0, tb, IPCCHAN_A_OBJ_MAX,
			     obj_policy);
}

/* Keeps the errno and the extack message of an error ack. */
static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct ipcchan_nl *nl = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)err - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int len = nlh->nlmsg_len, ack_len;

	nl->error = -err->error;
	nl->extack[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	ack_len = sizeof(*nlh) + sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += err->msg.nlmsg_len - sizeof(*nlh);
	if (len <= ack_len)
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + ack_len), len - ack_len,
		      NULL) == 0 && tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->extack, sizeof(nl->extack), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static void print_error(struct ipcchan_nl *nl, const char *what, int nlerr)
{
	if (nl->error)
		print_errno(what, nl->error, nl->extack);
	else
		fprintf(stderr, "%s: %s: %s\n", prog_name, what,
			nl_geterror(nlerr));
}

struct ipcchan_nl *ipcnl_open(void)
{
	struct ipcchan_nl *nl;
	int one = 1;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return NULL;
	nl->sk = nl_socket_alloc();
	if (!nl->sk || genl_connect(nl->sk)) {
		fprintf(stderr, "cannot open a generic netlink socket\n");
		goto err;
	}
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, IPCCHAN_FAMILY_NAME);
	if (nl->family < 0) {
		fprintf(stderr, "generic netlink family \"%s\" not found: is the ipcchan module loaded?\n",
			IPCCHAN_FAMILY_NAME);
		goto err;
	}
	nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, error_cb, nl);
	return nl;
err:
	nl_socket_free(nl->sk);
	free(nl);
	return NULL;
}

void ipcnl_close(struct ipcchan_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

int ipcnl_fd(struct ipcchan_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

static struct nl_msg *new_request(struct ipcchan_nl *nl, int flags, int cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				flags, cmd, IPCCHAN_FAMILY_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* Send @msg (consumed) and receive until the ack or the dump's end. */
static int transact(struct ipcchan_nl *nl, struct nl_msg *msg,
		    const char *what, nl_recvmsg_msg_cb_t fn, void *arg)
{
	int ret;

	nl->error = 0;
	nl->extack[0] = '\0';
	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, fn, arg);
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		print_error(nl, what, ret);
		return -1;
	}
	ret = nl_wait_for_ack(nl->sk);
	if (ret < 0 || nl->error) {
		print_error(nl, what, ret);
		errno = nl->error ? nl->error : EIO;
		return -1;
	}
	return 0;
}

static int dump_cb(struct nl_msg *msg, void *arg)
{
	struct dump_state *st = arg;
	struct nlattr *tb[IPCCHAN_A_OBJ_MAX + 1];
	struct nl_obj *grown;

	if (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP_INTR)
		st->intr = true;
	if (parse_msg(msg, tb))
		return NL_SKIP;
	if (st->n == st->cap) {
		st->cap = st->cap ? 2 * st->cap : 64;
		grown = realloc(st->objs, st->cap * sizeof(*st->objs));
		if (!grown) {
			st->failed = true;
			return NL_STOP;
		}
		st->objs = grown;
	}
	parse_obj(tb, &st->objs[st->n++]);
	return NL_OK;
}

int ipcnl_obj_dump(struct ipcchan_nl *nl, uint32_t type, struct nl_obj **objs)
{
	struct dump_state st = {};
	struct nl_msg *msg;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		st.n = 0;
		st.intr = false;
		msg = new_request(nl, NLM_F_DUMP, IPCCHAN_CMD_OBJ_GET);
		if (!msg || (type && nla_put_u32(msg, IPCCHAN_A_OBJ_TYPE, type)))
			goto err_nomem;
		if (transact(nl, msg, "dump", dump_cb, &st))
			goto err;
		if (st.failed)
			goto err_nomem;
		if (!st.intr)
			break;
	}
	if (st.intr)
		fprintf(stderr, "warning: objects kept changing during the dump; the list may be inconsistent\n");
	*objs = st.objs;
	return st.n;
err_nomem:
	fprintf(stderr, "out of memory\n");
err:
	free(st.objs);
	return -1;
}

static int get_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[IPCCHAN_A_OBJ_MAX + 1];

	if (!parse_msg(msg, tb))
		parse_obj(tb, arg);
	return NL_OK;
}

int ipcnl_obj_get(struct ipcchan_nl *nl, uint32_t id, struct nl_obj *obj)
{
	struct nl_msg *msg;

	msg = new_request(nl, 0, IPCCHAN_CMD_OBJ_GET);
	if (!msg || nla_put_u32(msg, IPCCHAN_A_OBJ_ID, id)) {
		nlmsg_free(msg);
		fprintf(stderr, "out of memory\n");
		return -1;
	}
	memset(obj, 0, sizeof(*obj));
	return transact(nl, msg, "get", get_cb, obj);
}

static int limits_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[IPCCHAN_A_LIMITS_MAX + 1];
	struct nl_limits *lim = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, IPCCHAN_A_LIMITS_MAX, NULL))
		return NL_SKIP;
#define GET(attr, field, bits) \
	if (tb[attr]) lim->field = nla_get_u##bits(tb[attr])
	GET(IPCCHAN_A_LIMITS_NAME_MAX, name_max, 32);
	GET(IPCCHAN_A_LIMITS_MBOX_MAX_MSGS, mbox_max_msgs, 32);
	GET(IPCCHAN_A_LIMITS_MBOX_MAX_MSGSIZE, mbox_max_msgsize, 32);
	GET(IPCCHAN_A_LIMITS_RING_MAX_PAGES, ring_max_pages, 32);
	GET(IPCCHAN_A_LIMITS_USER_MAX_OBJECTS, user_max_objects, 32);
	GET(IPCCHAN_A_LIMITS_USER_MAX_BYTES, user_max_bytes, 64);
	GET(IPCCHAN_A_LIMITS_UID, uid, 32);
	GET(IPCCHAN_A_LIMITS_USER_OBJECTS, user_objects, 32);
	GET(IPCCHAN_A_LIMITS_USER_BYTES, user_bytes, 64);
#undef GET
	return NL_OK;
}

int ipcnl_limits_get(struct ipcchan_nl *nl, struct nl_limits *lim)
{
	struct nl_msg *msg = new_request(nl, 0, IPCCHAN_CMD_LIMITS_GET);

	if (!msg) {
		fprintf(stderr, "out of memory\n");
		return -1;
	}
	memset(lim, 0, sizeof(*lim));
	return transact(nl, msg, "limits", limits_cb, lim);
}

int ipcnl_monitor_join(struct ipcchan_nl *nl, bool admin)
{
	const char *grp = admin ? IPCCHAN_MCGRP_MONITOR_ADMIN :
				  IPCCHAN_MCGRP_MONITOR;
	int id, ret;

	id = genl_ctrl_resolve_grp(nl->sk, IPCCHAN_FAMILY_NAME, grp);
	if (id < 0) {
		fprintf(stderr, "multicast group %s: %s\n", grp, nl_geterror(id));
		return -1;
	}
	ret = nl_socket_add_membership(nl->sk, id);
	if (ret < 0) {
		fprintf(stderr, "joining %s: %s%s\n", grp, nl_geterror(ret),
			admin ? " (needs CAP_NET_ADMIN)" : "");
		return -1;
	}
	/* Events are not answers: no sequence numbers to check. */
	nl_socket_disable_seq_check(nl->sk);
	return 0;
}

struct monitor_state {
	void (*fn)(const struct nl_event *ev, void *arg);
	void *arg;
};

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[IPCCHAN_A_OBJ_MAX + 1];
	struct monitor_state *st = arg;
	struct nl_event ev;

	if (genlmsg_hdr(nlmsg_hdr(msg))->cmd != IPCCHAN_CMD_EVENT ||
	    parse_msg(msg, tb))
		return NL_SKIP;
	memset(&ev, 0, sizeof(ev));
	parse_obj(tb, &ev.obj);
	if (tb[IPCCHAN_A_OBJ_EV_SEQ])
		ev.seq = nla_get_u64(tb[IPCCHAN_A_OBJ_EV_SEQ]);
	if (tb[IPCCHAN_A_OBJ_EV_TYPE])
		ev.type = nla_get_u32(tb[IPCCHAN_A_OBJ_EV_TYPE]);
	if ((ev.has_count = tb[IPCCHAN_A_OBJ_EV_COUNT]))
		ev.count = nla_get_u64(tb[IPCCHAN_A_OBJ_EV_COUNT]);
	if ((ev.has_role = tb[IPCCHAN_A_OBJ_EV_ROLE]))
		ev.role = nla_get_u32(tb[IPCCHAN_A_OBJ_EV_ROLE]);
	if ((ev.has_depth = tb[IPCCHAN_A_OBJ_EV_DEPTH]))
		ev.depth = nla_get_u32(tb[IPCCHAN_A_OBJ_EV_DEPTH]);
	if ((ev.has_pid = tb[IPCCHAN_A_OBJ_EV_PID]))
		ev.pid = nla_get_u32(tb[IPCCHAN_A_OBJ_EV_PID]);
	st->fn(&ev, st->arg);
	return NL_OK;
}

int ipcnl_monitor_recv(struct ipcchan_nl *nl,
		    void (*fn)(const struct nl_event *ev, void *arg),
		    void *arg)
{
	struct monitor_state st = { .fn = fn, .arg = arg };
	int ret;

	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &st);
	errno = 0;
	ret = nl_recvmsgs_default(nl->sk);
	if (ret >= 0)
		return 0;
	/* libnl folds ENOBUFS into NLE_NOMEM; errno still tells them apart. */
	if (errno == ENOBUFS)
		return 1;
	fprintf(stderr, "receiving events: %s\n", nl_geterror(ret));
	return -1;
}
