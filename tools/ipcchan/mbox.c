// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan mbox create|send|recv|peek|stat|rm: named mailboxes from the
 * command line.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dev.h"
#include "nl.h"
#include "objprint.h"
#include "output.h"
#include "subcommands.h"

static int do_create(int argc, char *argv[]);
static int do_send(int argc, char *argv[]);
static int do_recv(int argc, char *argv[]);
static int do_peek(int argc, char *argv[]);
static int do_stat(int argc, char *argv[]);
static int do_rm(int argc, char *argv[]);

static const struct verb mbox_verbs[] = {
	{ "create", do_create, "Create a named mailbox (or open it: without --excl)",
	  "[--capacity N] [--msgsize BYTES] [--policy block|drop-newest|drop-oldest|rendezvous]\n"
	  "                    [--send-lowat N] [--mode OCTAL] [--excl] NAME",
	  "  -c, --capacity N   messages it holds (default 256)\n"
	  "  -s, --msgsize BYTES  largest message (default 8192)\n"
	  "  -p, --policy P     when full: block (default), drop-newest, drop-oldest;\n"
	  "                     rendezvous: no buffer, a send waits until its message is taken\n"
	  "  -l, --send-lowat N  a blocked sender wakes once N slots are free\n"
	  "  -m, --mode OCTAL   permission bits (default 0600, minus the umask)\n"
	  "  -x, --excl         fail with EEXIST if NAME exists\n" },
	{ "send", do_send, "Send each MESSAGE, or one message per line of stdin",
	  "[--prio P] [--timeout MS] [--nonblock] NAME [MESSAGE...]",
	  "  -p, --prio P       priority 0 to 31 (default 0)\n"
	  "  -t, --timeout MS   wait at most MS milliseconds when full\n"
	  "  -n, --nonblock     do not wait when full (EAGAIN)\n" },
	{ "recv", do_recv, "Receive messages, highest priority first",
	  "[--count N | --loop] [--timeout MS] [--nonblock] [--meta] NAME",
	  "  -c, --count N      receive N messages (default 1)\n"
	  "  -l, --loop         until a --nonblock or timed receive finds it empty\n"
	  "  -t, --timeout MS   wait at most MS milliseconds for each message\n"
	  "  -n, --nonblock     do not wait (EAGAIN)\n"
	  "  -M, --meta         prefix each message with its metadata\n"
	  "With --json, one JSON object per message (JSON Lines).\n" },
	{ "peek", do_peek, "Print the message recv would return next, leaving it queued",
	  "[--meta] NAME",
	  "  -M, --meta         prefix the message with its metadata\n" },
	{ "stat", do_stat, "Show a mailbox's attributes and statistics (ioctls)",
	  "NAME", "" },
	{ "rm", do_rm, "Remove a mailbox's name (open fds keep it alive)",
	  "NAME", "" },
};

static const struct command mbox_cmd = {
	"mbox", mbox_verbs, sizeof(mbox_verbs) / sizeof(mbox_verbs[0]),
};

/* The options every verb takes: true when the verb is done (help, bad option). */
#define VERB_COMMON(c, done)					\
	(opt_common(c, &mbox_cmd, verb_name, &done) && done >= 0)

/* Open NAME with @flags; prints the error and returns -1 on failure. */
static int open_name(const char *name, unsigned int flags,
		     struct ipcchan_mbox_open *attr)
{
	struct ipcchan_mbox_open none = { 0 };
	int dev, fd;

	dev = dev_open();
	if (dev < 0)
		return -1;
	fd = dev_mbox_open(dev, name, flags, attr ?: &none);
	if (fd < 0)
		print_errno(name, errno, NULL);
	close(dev);
	return fd;
}

static int do_create(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "capacity", required_argument, NULL, 'c' },
		{ "msgsize", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "send-lowat", required_argument, NULL, 'l' },
		{ "mode", required_argument, NULL, 'm' },
		{ "excl", no_argument, NULL, 'x' },
		COMMON_OPTIONS,
		{ 0 }
	};
	struct ipcchan_mbox_open attr = { .mode = 0600 };
	unsigned int flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE;
	unsigned long long v;
	int c, fd, done = -1;
	uint32_t i;

	while ((c = getopt_long(argc, argv, COMMON_SHORT "c:s:p:l:m:x", opts,
				NULL)) != -1) {
		if (VERB_COMMON(c, done))
			return done;
		switch (c) {
		case 'c':
			if (parse_uint(optarg, UINT32_MAX, 0, &v))
				return cmd_usage_error(&mbox_cmd, verb_name, NULL);
			attr.capacity = v;
			break;
		case 's':
			if (parse_uint(optarg, UINT32_MAX, 0, &v))
				return cmd_usage_error(&mbox_cmd, verb_name, NULL);
			attr.msgsize_max = v;
			break;
		case 'l':
			if (parse_uint(optarg, UINT32_MAX, 0, &v))
				return cmd_usage_error(&mbox_cmd, verb_name, NULL);
			attr.send_lowat = v;
			break;
		case 'm':
			if (parse_uint(optarg, 0777, 8, &v))
				return cmd_usage_error(&mbox_cmd, verb_name, NULL);
			attr.mode = v;
			break;
		case 'p':
			for (i = 0; i < __IPCCHAN_MBOX_POLICY_MAX; i++)
				if (!strcmp(optarg, policy_name(i)))
					break;
			if (i == __IPCCHAN_MBOX_POLICY_MAX)
				return cmd_usage_error(&mbox_cmd, verb_name,
						       "unknown policy `%s'", optarg);
			attr.policy = i;
			break;
		case 'x':
			flags |= IPCCHAN_OPEN_EXCL;
			break;
		}
	}
	if (optind != argc - 1)
		return cmd_usage_error(&mbox_cmd, verb_name, "one NAME is needed");
	fd = open_name(argv[optind], flags, &attr);
	if (fd < 0)
		return EXIT_FAIL;
	close(fd);
	return EXIT_OK;
}

/* Common options of send, recv and peek. */
struct xfer_opts {
	unsigned int flags;
	uint64_t timeout_ns;
	unsigned int prio;
	unsigned long long count;
	int loop, meta;
};

/*
 * The options of send, recv and peek; @allowed the ones this verb takes.
 * Returns -1 to go on, or the exit status.
 */
static int parse_xfer(int argc, char *argv[], struct xfer_opts *o,
		      const char *allowed)
{
	static const struct option all[] = {
		{ "prio", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "nonblock", no_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'c' },
		{ "loop", no_argument, NULL, 'l' },
		{ "meta", no_argument, NULL, 'M' },
		COMMON_OPTIONS,
		{ 0 }
	};
	struct option opts[sizeof(all) / sizeof(all[0])];
	char shorts[32];
	unsigned long long v;
	int c, done = -1;

	opts_select(all, allowed, opts, shorts, sizeof(shorts));
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		if (VERB_COMMON(c, done))
			return done;
		switch (c) {
		case 'p':
			if (parse_uint(optarg, IPCCHAN_MBOX_PRIO_MAX, 0, &v))
				return cmd_usage_error(&mbox_cmd, verb_name, NULL);
			o->prio = v;
			break;
		case 't':
			if (parse_uint(optarg, UINT64_MAX / 1000000, 0, &v))
				return cmd_usage_error(&mbox_cmd, verb_name, NULL);
			o->flags |= IPCCHAN_XFER_TIMEOUT;
			o->timeout_ns = v * 1000000;
			break;
		case 'n':
			o->flags |= IPCCHAN_XFER_NONBLOCK;
			break;
		case 'c':
			if (parse_uint(optarg, UINT32_MAX, 0, &v) || !v)
				return cmd_usage_error(&mbox_cmd, verb_name,
						       "--count needs a positive number");
			o->count = v;
			break;
		case 'l':
			o->loop = 1;
			break;
		case 'M':
			o->meta = 1;
			break;
		}
	}
	if (optind >= argc)
		return cmd_usage_error(&mbox_cmd, verb_name, "NAME is needed");
	if (o->loop && o->count)
		return cmd_usage_error(&mbox_cmd, verb_name,
				       "--count and --loop exclude each other");
	return -1;
}

static int xfer_one(int fd, unsigned long cmd, struct ipcchan_mbox_msg *m,
		    const struct xfer_opts *o)
{
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .flags = o->flags,
		.timeout_ns = o->timeout_ns, .msgs = (uintptr_t)m, .count = 1,
		.msg_size = sizeof(*m),
	};

	return ioctl(fd, cmd, &x);
}

static int send_msg(int fd, const char *name, const char *buf, size_t len,
		    const struct xfer_opts *o)
{
	struct ipcchan_mbox_msg m = {
		.buf = (uintptr_t)buf, .len = len, .prio = o->prio,
	};

	if (xfer_one(fd, IPCCHAN_IOC_MBOX_SEND, &m, o) == 1)
		return 0;
	print_errno(name, errno, NULL);
	return -1;
}

static int do_send(int argc, char *argv[])
{
	struct xfer_opts o = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int fd, i, ret;

	ret = parse_xfer(argc, argv, &o, "ptn");
	if (ret >= 0)
		return ret;
	ret = EXIT_FAIL;
	fd = open_name(argv[optind], IPCCHAN_OPEN_WRITE, NULL);
	if (fd < 0)
		return EXIT_FAIL;
	if (optind + 1 < argc) {
		for (i = optind + 1; i < argc; i++)
			if (send_msg(fd, argv[optind], argv[i], strlen(argv[i]), &o))
				goto out;
	} else {
		while ((n = getline(&line, &cap, stdin)) >= 0) {
			if (n && line[n - 1] == '\n')
				n--;
			if (send_msg(fd, argv[optind], line, n, &o))
				goto out;
		}
	}
	ret = EXIT_OK;
out:
	free(line);
	close(fd);
	return ret;
}

/*
 * One message: text the payload on its own line (with --meta a prefix),
 * JSON one object per message (JSON Lines), the payload as "data".
 */
static void print_msg(const struct ipcchan_mbox_msg *m, const void *buf,
		      const struct xfer_opts *o)
{
	enum output_type t = o->meta ? PRINT_ANY : PRINT_JSON;
	/* The buffer holds the largest message: never truncated. */
	size_t n = m->len;

	if (!o->meta && !out_is_json() && m->dropped)
		fprintf(stderr, "%s: %" PRIu64 " message(s) dropped before this one\n",
			prog_name, (uint64_t)m->dropped);
	open_json_object(NULL);
	print_u64(t, "seq", "seq=%" PRIu64, m->seq);
	print_uint(t, "prio", " prio=%u", m->prio);
	print_uint(t, "len", " len=%u", m->len);
	print_int(t, "sender-pid", " pid=%d", m->sender_pid);
	print_uint(t, "sender-uid", " uid=%u", m->sender_uid);
	print_u64(PRINT_JSON, "enqueue-ns", NULL, m->enqueue_ns);
	print_u64(t, "dropped", " dropped=%" PRIu64, m->dropped);
	print_bool(PRINT_JSON, "truncated", NULL, m->flags & IPCCHAN_MSG_TRUNCATED);
	if (m->flags & IPCCHAN_MSG_TRUNCATED)
		print_string(t & PRINT_TEXT, NULL, "%s", " truncated");
	print_text("%s", o->meta ? ": " : "");
	print_data("data", "encoding", buf, n);
	if (!out_is_json()) {
		fwrite(buf, 1, n, stdout);
		putchar('\n');
	}
	close_json_object();
	fflush(stdout);
}

static int recv_common(int argc, char *argv[], int peek)
{
	struct xfer_opts o = { 0 };
	struct ipcchan_mbox_attr a = { .size = sizeof(a) };
	struct ipcchan_mbox_msg m;
	const char *name;
	unsigned long long i;
	char *buf = NULL;
	int fd, ret;

	ret = parse_xfer(argc, argv, &o, peek ? "M" : "tnclM");
	if (ret >= 0)
		return ret;
	ret = EXIT_FAIL;
	if (optind != argc - 1)
		return cmd_usage_error(&mbox_cmd, verb_name, "one NAME is needed");
	name = argv[optind];
	if (peek)
		o.flags |= IPCCHAN_XFER_PEEK | IPCCHAN_XFER_NONBLOCK;
	if (!o.count)
		o.count = 1;
	fd = open_name(name, IPCCHAN_OPEN_READ, NULL);
	if (fd < 0)
		return EXIT_FAIL;
	if (ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &a)) {
		print_errno("MBOX_GET_ATTR", errno, NULL);
		goto out;
	}
	buf = malloc(a.msgsize_max ?: 1);
	if (!buf)
		goto out;
	out_init(stdout, opt_json);
	for (i = 0; o.loop || i < o.count; i++) {
		m = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)buf,
					       .len = a.msgsize_max };
		if (xfer_one(fd, IPCCHAN_IOC_MBOX_RECV, &m, &o) != 1) {
			/* A loop ends quietly when it runs dry. */
			if (o.loop && (errno == EAGAIN || errno == ETIMEDOUT))
				break;
			print_errno(name, errno, errno == EAGAIN ?
				    "mailbox is empty" : NULL);
			goto out;
		}
		print_msg(&m, buf, &o);
	}
	ret = EXIT_OK;
out:
	free(buf);
	close(fd);
	return ret;
}

static int do_recv(int argc, char *argv[])
{
	return recv_common(argc, argv, 0);
}

static int do_peek(int argc, char *argv[])
{
	return recv_common(argc, argv, 1);
}

/*
 * A mailbox as its fd's ioctls describe it, in the shape netlink reports
 * it: what GET_ATTR and GET_STATS do not carry (creator pid, creation
 * time, high watermark) stays unset and is printed as null.
 */
static void mbox_obj(struct nl_obj *o, const char *name,
		     const struct ipcchan_mbox_attr *a,
		     const struct ipcchan_mbox_stats *s)
{
	unsigned int i;

	memset(o, 0, sizeof(*o));
	o->id = a->id;
	o->type = IPCCHAN_OBJ_MAILBOX;
	o->has_name = true;
	o->named = a->attr_flags & IPCCHAN_MBOX_ATTR_NAMED;
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->has_mode = true;
	o->mode = a->mode;
	o->has_owner = true;
	o->uid = a->uid;
	o->gid = a->gid;
	o->has_charged = true;
	o->charged = a->reserved_bytes;
	o->has_mbox = true;
#define SET(attr, val) do {						\
		o->mbox[IPCCHAN_A_MBOX_##attr] = (val);			\
		o->mbox_has |= 1ULL << IPCCHAN_A_MBOX_##attr;		\
	} while (0)
	SET(CAPACITY, a->capacity);
	SET(MSGSIZE_MAX, a->msgsize_max);
	SET(POLICY, a->policy);
	if (a->size >= IPCCHAN_MBOX_ATTR_SIZE_VER1)
		SET(SEND_LOWAT, a->send_lowat);
	SET(MSGS_IN, s->msgs_in);
	SET(BYTES_IN, s->bytes_in);
	SET(MSGS_OUT, s->msgs_out);
	SET(BYTES_OUT, s->bytes_out);
	SET(MSGS_DROPPED, s->msgs_dropped);
	SET(BYTES_DROPPED, s->bytes_dropped);
	SET(DEPTH, s->depth);
	SET(PEAK_DEPTH, s->peak_depth);
	SET(SENDERS_BLOCKED, s->senders_blocked);
	SET(RECEIVERS_BLOCKED, s->receivers_blocked);
	SET(SENDER_WAITS, s->sender_waits);
	SET(RECEIVER_WAITS, s->receiver_waits);
#undef SET
	o->nhist = IPCCHAN_MBOX_HIST_BUCKETS;
	for (i = 0; i < IPCCHAN_MBOX_HIST_BUCKETS; i++)
		o->hist[i] = s->residence_hist[i];
}

static int do_stat(int argc, char *argv[])
{
	static const struct option opts[] = { COMMON_OPTIONS, { 0 } };
	struct ipcchan_mbox_attr a = { .size = sizeof(a) };
	struct ipcchan_mbox_stats s = { .size = sizeof(s) };
	int c, fd, done = -1, ret = EXIT_FAIL;
	struct nl_obj o;

	while ((c = getopt_long(argc, argv, COMMON_SHORT, opts, NULL)) != -1)
		if (VERB_COMMON(c, done))
			return done;
	if (optind != argc - 1)
		return cmd_usage_error(&mbox_cmd, verb_name, "one NAME is needed");
	/* Write access is not needed and not asked for. */
	fd = open_name(argv[optind], IPCCHAN_OPEN_READ, NULL);
	if (fd < 0)
		return EXIT_FAIL;
	if (ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &a) ||
	    ioctl(fd, IPCCHAN_IOC_MBOX_GET_STATS, &s)) {
		print_errno(argv[optind], errno, NULL);
		goto out;
	}
	mbox_obj(&o, argv[optind], &a, &s);
	out_init(stdout, opt_json);
	objprint(&o);
	ret = EXIT_OK;
out:
	close(fd);
	return ret;
}

static int do_rm(int argc, char *argv[])
{
	static const struct option opts[] = { COMMON_OPTIONS, { 0 } };
	int c, dev, done = -1, ret = EXIT_OK;

	while ((c = getopt_long(argc, argv, COMMON_SHORT, opts, NULL)) != -1)
		if (VERB_COMMON(c, done))
			return done;
	if (optind != argc - 1)
		return cmd_usage_error(&mbox_cmd, verb_name, "one NAME is needed");
	dev = dev_open();
	if (dev < 0)
		return EXIT_FAIL;
	if (dev_unlink(dev, IPCCHAN_OBJ_MAILBOX, argv[optind])) {
		print_errno(argv[optind], errno, NULL);
		ret = EXIT_FAIL;
	}
	close(dev);
	return ret;
}

int mbox_main(int argc, char *argv[])
{
	return cmd_dispatch(&mbox_cmd, argc, argv);
}
