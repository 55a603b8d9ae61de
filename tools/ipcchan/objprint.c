// SPDX-License-Identifier: GPL-2.0
/*
 * One printer per kind of field, driven by tables of the spec's
 * attributes: the JSON key and the text label of a field are the same
 * string, the attribute's name in Documentation/netlink/specs/ipcchan.yaml.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "objprint.h"
#include "output.h"

enum kind { K_NUM, K_SIZE, K_POLICY, K_RINGFLAGS };

struct attr_desc {
	unsigned int type;
	const char *key;
	enum kind kind;
};

static const struct attr_desc mbox_attrs[] = {
	{ IPCCHAN_A_MBOX_CAPACITY, "capacity", K_NUM },
	{ IPCCHAN_A_MBOX_MSGSIZE_MAX, "msgsize-max", K_SIZE },
	{ IPCCHAN_A_MBOX_POLICY, "policy", K_POLICY },
	{ IPCCHAN_A_MBOX_HIWAT, "hiwat", K_NUM },
	{ IPCCHAN_A_MBOX_SEND_LOWAT, "send-lowat", K_NUM },
	{ IPCCHAN_A_MBOX_MSGS_IN, "msgs-in", K_NUM },
	{ IPCCHAN_A_MBOX_BYTES_IN, "bytes-in", K_SIZE },
	{ IPCCHAN_A_MBOX_MSGS_OUT, "msgs-out", K_NUM },
	{ IPCCHAN_A_MBOX_BYTES_OUT, "bytes-out", K_SIZE },
	{ IPCCHAN_A_MBOX_MSGS_DROPPED, "msgs-dropped", K_NUM },
	{ IPCCHAN_A_MBOX_BYTES_DROPPED, "bytes-dropped", K_SIZE },
	{ IPCCHAN_A_MBOX_DEPTH, "depth", K_NUM },
	{ IPCCHAN_A_MBOX_PEAK_DEPTH, "peak-depth", K_NUM },
	{ IPCCHAN_A_MBOX_SENDERS_BLOCKED, "senders-blocked", K_NUM },
	{ IPCCHAN_A_MBOX_RECEIVERS_BLOCKED, "receivers-blocked", K_NUM },
	{ IPCCHAN_A_MBOX_SENDER_WAITS, "sender-waits", K_NUM },
	{ IPCCHAN_A_MBOX_RECEIVER_WAITS, "receiver-waits", K_NUM },
};

static const struct attr_desc ring_attrs[] = {
	{ IPCCHAN_A_RING_NR_PAGES, "nr-pages", K_NUM },
	{ IPCCHAN_A_RING_FLAGS, "flags", K_RINGFLAGS },
	{ IPCCHAN_A_RING_PRODUCER_POS, "producer-pos", K_NUM },
	{ IPCCHAN_A_RING_CONSUMER_POS, "consumer-pos", K_NUM },
	{ IPCCHAN_A_RING_PRODUCERS, "producers", K_NUM },
	{ IPCCHAN_A_RING_CONSUMERS, "consumers", K_NUM },
	{ IPCCHAN_A_RING_PRODUCER_KICKS, "producer-kicks", K_NUM },
	{ IPCCHAN_A_RING_CONSUMER_KICKS, "consumer-kicks", K_NUM },
	{ IPCCHAN_A_RING_KICKS_IDLE, "kicks-idle", K_NUM },
	{ IPCCHAN_A_RING_WAITS, "waits", K_NUM },
	{ IPCCHAN_A_RING_WAIT_TIMEOUTS, "wait-timeouts", K_NUM },
	{ IPCCHAN_A_RING_CORRUPT, "corrupt", K_NUM },
	{ IPCCHAN_A_RING_WRITE_RECORDS, "write-records", K_NUM },
	{ IPCCHAN_A_RING_WRITE_BYTES, "write-bytes", K_SIZE },
};

static const struct attr_desc page_attrs[] = {
	{ IPCCHAN_A_RING_PAGE_RECORDS, "records", K_NUM },
	{ IPCCHAN_A_RING_PAGE_BYTES, "bytes", K_SIZE },
	{ IPCCHAN_A_RING_PAGE_KICKS, "kicks", K_NUM },
	{ IPCCHAN_A_RING_PAGE_KICKS_AVOIDED, "kicks-avoided", K_NUM },
	{ IPCCHAN_A_RING_PAGE_STALLS, "stalls", K_NUM },
	{ IPCCHAN_A_RING_PAGE_WAITS, "waits", K_NUM },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

uint32_t objprint_parse_type(const char *s)
{
	if (!strcmp(s, "mailbox") || !strcmp(s, "mbox"))
		return IPCCHAN_OBJ_MAILBOX;
	if (!strcmp(s, "ring"))
		return IPCCHAN_OBJ_RING;
	return 0;
}

const char *obj_type_name(uint32_t type)
{
	switch (type) {
	case IPCCHAN_OBJ_MAILBOX:
		return "mailbox";
	case IPCCHAN_OBJ_RING:
		return "ring";
	default:
		return "unknown";
	}
}

const char *event_name(uint32_t event)
{
	static const char *const names[] = {
		[IPCCHAN_EVENT_CREATED] = "created",
		[IPCCHAN_EVENT_DESTROYED] = "destroyed",
		[IPCCHAN_EVENT_ATTACHED] = "attached",
		[IPCCHAN_EVENT_DETACHED] = "detached",
		[IPCCHAN_EVENT_DROP] = "drop",
		[IPCCHAN_EVENT_HIWAT] = "hiwat",
		[IPCCHAN_EVENT_PEER_GONE] = "peer-gone",
	};

	if (event < ARRAY_SIZE(names) && names[event])
		return names[event];
	return "unknown";
}

const char *policy_name(uint32_t policy)
{
	static const char *const names[] = {
		[IPCCHAN_MBOX_BLOCK] = "block",
		[IPCCHAN_MBOX_DROP_NEWEST] = "drop-newest",
		[IPCCHAN_MBOX_DROP_OLDEST] = "drop-oldest",
		[IPCCHAN_MBOX_RENDEZVOUS] = "rendezvous",
	};

	if (policy < ARRAY_SIZE(names) && names[policy])
		return names[policy];
	return "unknown";
}

const char *role_name(uint32_t obj_type, uint32_t role)
{
	if (obj_type == IPCCHAN_OBJ_MAILBOX) {
		switch (role & (IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE)) {
		case IPCCHAN_OPEN_READ:
			return "read";
		case IPCCHAN_OPEN_WRITE:
			return "write";
		case IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE:
			return "read-write";
		}
		return "unknown";
	}
	switch (role) {
	case IPCCHAN_RING_PRODUCER:
		return "producer";
	case IPCCHAN_RING_CONSUMER:
		return "consumer";
	case IPCCHAN_RING_OBSERVER:
		return "observer";
	}
	return "unknown";
}

const char *objprint_name(const struct nl_obj *o)
{
	static char buf[300];

	if (!o->has_name)
		return "(anonymous)";
	if (o->named)
		return o->name;
	snprintf(buf, sizeof(buf), "%s (unlinked)", o->name);
	return buf;
}

/* "  key:<padding> @conv\n", the text line of a field. */
static const char *line_fmt(char *buf, size_t len, const char *prefix,
			    const char *key, const char *conv)
{
	char label[64];

	snprintf(label, sizeof(label), "%s%s:", prefix, key);
	snprintf(buf, len, "  %-28s %s\n", label, conv);
	return buf;
}

static void print_attr(enum output_type t, const char *prefix,
		       const struct attr_desc *d, bool has, uint64_t v)
{
	char fmt[96];

	if (!has) {
		print_null(t, d->key, line_fmt(fmt, sizeof(fmt), prefix, d->key, "%s"), "-");
		return;
	}
	switch (d->kind) {
	case K_NUM:
		print_u64(t, d->key, line_fmt(fmt, sizeof(fmt), prefix, d->key, "%" PRIu64), v);
		break;
	case K_SIZE:
		print_size(t, d->key, line_fmt(fmt, sizeof(fmt), prefix, d->key, "%s"), v);
		break;
	case K_POLICY:
		print_enum(t, d->key, line_fmt(fmt, sizeof(fmt), prefix, d->key, "%s"),
			   v, policy_name(v));
		break;
	case K_RINGFLAGS:
		print_enum(t, d->key, line_fmt(fmt, sizeof(fmt), prefix, d->key, "%s"),
			   v, v & IPCCHAN_RING_KERNEL_PRODUCER ?
			   "kernel-producer" : "none");
		break;
	}
}

static void print_nest(enum output_type t, const char *prefix,
		       const struct attr_desc *d, unsigned int n,
		       const uint64_t *val, uint64_t has)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		print_attr(t, prefix, &d[i], has & (1ULL << d[i].type),
			   val[d[i].type]);
}

static const char *fmt_ns(char *b, size_t len, uint64_t ns)
{
	if (ns < 1000)
		snprintf(b, len, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(b, len, "%.1f us", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(b, len, "%.1f ms", ns / 1e6);
	else
		snprintf(b, len, "%.1f s", ns / 1e9);
	return b;
}

/*
 * The residence-time histogram: JSON every bucket, text the non-empty
 * ones as bars. Bucket 0 is below 2 ns, bucket i in [2^i, 2^(i+1)) ns.
 */
static void print_hist(enum output_type t, const struct nl_obj *o)
{
	uint64_t max = 0, total = 0;
	char b1[32], b2[32];
	unsigned int i;
	int bar;

	if (!o->nhist) {
		print_null(t & PRINT_JSON, "residence-hist", NULL, NULL);
		return;
	}
	open_json_array("residence-hist");
	for (i = 0; i < o->nhist; i++) {
		print_u64(t & PRINT_JSON, NULL, NULL, o->hist[i]);
		total += o->hist[i];
		if (o->hist[i] > max)
			max = o->hist[i];
	}
	close_json_array();
	if (!(t & PRINT_TEXT))
		return;
	print_text("  residence-hist (enqueue to dequeue, %" PRIu64 " received)%s\n",
		   total, total ? ":" : "");
	for (i = 0; i < o->nhist && max; i++) {
		if (!o->hist[i])
			continue;
		bar = (int)(40 * o->hist[i] / max) ?: 1;
		print_text("    %9s .. %-9s %10" PRIu64 " %.*s\n",
			   fmt_ns(b1, sizeof(b1), i ? 1ULL << i : 0),
			   i == o->nhist - 1 ? "" :
			   fmt_ns(b2, sizeof(b2), 2ULL << i),
			   o->hist[i], bar,
			   "########################################");
	}
}

static void print_owner(enum output_type t, const struct nl_obj *o)
{
	char fmt[96];

	if (o->has_owner) {
		print_uint(t, "uid", line_fmt(fmt, sizeof(fmt), "", "uid", "%u"), o->uid);
		print_uint(t, "gid", line_fmt(fmt, sizeof(fmt), "", "gid", "%u"), o->gid);
	} else {
		print_null(t, "uid", line_fmt(fmt, sizeof(fmt), "", "uid", "%s"), "-");
		print_null(t, "gid", line_fmt(fmt, sizeof(fmt), "", "gid", "%s"), "-");
	}
	if (o->has_pid)
		print_uint(t, "creator-pid", line_fmt(fmt, sizeof(fmt), "", "creator-pid", "%u"),
			   o->pid);
	else
		print_null(t, "creator-pid", line_fmt(fmt, sizeof(fmt), "", "creator-pid", "%s"),
			   "-");
}

void objprint_members(const struct nl_obj *o, enum obj_style style)
{
	enum output_type t = style == OBJ_DETAIL ? PRINT_ANY : PRINT_JSON;
	char fmt[96], ts[48];

	/* The heading: "mailbox jobs (id 3)". */
	print_string(PRINT_ANY, "type", "%s ", obj_type_name(o->type));
	if (o->has_name)
		print_string(PRINT_JSON, "name", NULL, o->name);
	else
		print_null(PRINT_JSON, "name", NULL, NULL);
	print_string(PRINT_TEXT, NULL, "%s", objprint_name(o));
	print_uint(PRINT_ANY, "id", " (id %u)", o->id);
	print_text("%s", style == OBJ_DETAIL ? "\n" : "");
	print_bool(PRINT_JSON, "named", NULL, o->named);
	if (o->has_mode)
		print_uint(t, "mode", line_fmt(fmt, sizeof(fmt), "", "mode", "%04o"), o->mode);
	else
		print_null(t, "mode", line_fmt(fmt, sizeof(fmt), "", "mode", "%s"), "-");
	print_owner(t, o);
	if (o->has_created) {
		snprintf(ts, sizeof(ts), "%" PRIu64 ".%09" PRIu64 " s (CLOCK_MONOTONIC)",
			 o->created_ns / 1000000000, o->created_ns % 1000000000);
		print_u64(t & PRINT_JSON, "created-ns", NULL, o->created_ns);
		print_string(t & PRINT_TEXT, NULL,
			     line_fmt(fmt, sizeof(fmt), "", "created-ns", "%s"), ts);
	} else {
		print_null(t, "created-ns", line_fmt(fmt, sizeof(fmt), "", "created-ns", "%s"),
			   "-");
	}
	if (o->has_charged)
		print_size(t, "charged", line_fmt(fmt, sizeof(fmt), "", "charged", "%s"),
			   o->charged);
	else
		print_null(t, "charged", line_fmt(fmt, sizeof(fmt), "", "charged", "%s"), "-");

	/* A nest the source did not send (most events) is left out. */
	if (o->type == IPCCHAN_OBJ_MAILBOX && o->has_mbox) {
		open_json_object("mbox-stats");
		print_nest(t, "", mbox_attrs, ARRAY_SIZE(mbox_attrs), o->mbox,
			   o->mbox_has);
		print_hist(t, o);
		close_json_object();
	} else if (o->type == IPCCHAN_OBJ_RING && o->has_ring) {
		open_json_object("ring-stats");
		print_nest(t, "", ring_attrs, ARRAY_SIZE(ring_attrs), o->ring,
			   o->ring_has);
		open_json_object("producer-page");
		print_nest(t, "producer-page.", page_attrs, ARRAY_SIZE(page_attrs),
			   o->page[0], o->page_has[0]);
		close_json_object();
		open_json_object("consumer-page");
		print_nest(t, "consumer-page.", page_attrs, ARRAY_SIZE(page_attrs),
			   o->page[1], o->page_has[1]);
		close_json_object();
		close_json_object();
	}
}

void objprint(const struct nl_obj *o)
{
	open_json_object(NULL);
	objprint_members(o, OBJ_DETAIL);
	close_json_object();
}
