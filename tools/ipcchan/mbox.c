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
#include "output.h"
#include "subcommands.h"

static const char *const policy_names[] = {
	[IPCCHAN_MBOX_BLOCK] = "block",
	[IPCCHAN_MBOX_DROP_NEWEST] = "drop-newest",
	[IPCCHAN_MBOX_DROP_OLDEST] = "drop-oldest",
};

static const char *cmd_name;

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s mbox create NAME [--capacity N] [--msgsize BYTES]\n"
		"                   [--policy block|drop-newest|drop-oldest] [--send-lowat N]\n"
		"                   [--mode OCTAL] [--excl]\n"
		"       %s mbox send NAME [--prio P] [--timeout MS] [--nonblock] [MESSAGE...]\n"
		"                   (without MESSAGE: one message per line of stdin)\n"
		"       %s mbox recv NAME [--count N | --loop] [--timeout MS] [--nonblock]\n"
		"                   [--meta] [--json]\n"
		"       %s mbox peek NAME [--meta] [--json]\n"
		"       %s mbox stat NAME [--json]\n"
		"       %s mbox rm NAME\n",
		prog_name, prog_name, prog_name, prog_name, prog_name, prog_name);
}

static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *out, int base)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, base);
	if (errno || !*s || *end || *s == '-' || *out > max) {
		fprintf(stderr, "%s: mbox %s: invalid number `%s'\n", prog_name,
			cmd_name, s);
		return -1;
	}
	return 0;
}

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
		fprintf(stderr, "%s: mbox %s: %s: %s\n", prog_name, cmd_name,
			name, strerror(errno));
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
		{ 0 }
	};
	struct ipcchan_mbox_open attr = { .mode = 0600 };
	unsigned int flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE;
	unsigned long long v;
	int c, fd;
	size_t i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_uint(optarg, UINT32_MAX, &v, 0))
				return 1;
			attr.capacity = v;
			break;
		case 's':
			if (parse_uint(optarg, UINT32_MAX, &v, 0))
				return 1;
			attr.msgsize_max = v;
			break;
		case 'l':
			if (parse_uint(optarg, UINT32_MAX, &v, 0))
				return 1;
			attr.send_lowat = v;
			break;
		case 'm':
			if (parse_uint(optarg, 0777, &v, 8))
				return 1;
			attr.mode = v;
			break;
		case 'p':
			for (i = 0; i < __IPCCHAN_MBOX_POLICY_MAX; i++)
				if (!strcmp(optarg, policy_names[i]))
					break;
			if (i == __IPCCHAN_MBOX_POLICY_MAX) {
				usage();
				return 1;
			}
			attr.policy = i;
			break;
		case 'x':
			flags |= IPCCHAN_OPEN_EXCL;
			break;
		default:
			usage();
			return 1;
		}
	}
	if (optind != argc - 1) {
		usage();
		return 1;
	}
	fd = open_name(argv[optind], flags, &attr);
	if (fd < 0)
		return 1;
	close(fd);
	return 0;
}

/* Common options of send, recv and peek. */
struct xfer_opts {
	unsigned int flags;
	uint64_t timeout_ns;
	unsigned int prio;
	unsigned long long count;
	int loop, meta, json;
};

static int parse_xfer(int argc, char *argv[], struct xfer_opts *o,
		      const char *allowed)
{
	static const struct option opts[] = {
		{ "prio", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "nonblock", no_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'c' },
		{ "loop", no_argument, NULL, 'l' },
		{ "meta", no_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ 0 }
	};
	unsigned long long v;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == '?' || !strchr(allowed, c)) {
			usage();
			return -1;
		}
		switch (c) {
		case 'p':
			if (parse_uint(optarg, IPCCHAN_MBOX_PRIO_MAX, &v, 0))
				return -1;
			o->prio = v;
			break;
		case 't':
			if (parse_uint(optarg, UINT64_MAX / 1000000, &v, 0))
				return -1;
			o->flags |= IPCCHAN_XFER_TIMEOUT;
			o->timeout_ns = v * 1000000;
			break;
		case 'n':
			o->flags |= IPCCHAN_XFER_NONBLOCK;
			break;
		case 'c':
			if (parse_uint(optarg, UINT32_MAX, &v, 0) || !v)
				return -1;
			o->count = v;
			break;
		case 'l':
			o->loop = 1;
			break;
		case 'M':
			o->meta = 1;
			break;
		case 'j':
			o->json = 1;
			break;
		}
	}
	if (optind >= argc || (o->loop && o->count)) {
		usage();
		return -1;
	}
	return 0;
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

static int send_msg(int fd, const char *buf, size_t len,
		    const struct xfer_opts *o)
{
	struct ipcchan_mbox_msg m = {
		.buf = (uintptr_t)buf, .len = len, .prio = o->prio,
	};

	if (xfer_one(fd, IPCCHAN_IOC_MBOX_SEND, &m, o) == 1)
		return 0;
	fprintf(stderr, "%s: mbox send: %s\n", prog_name, strerror(errno));
	return -1;
}

static int do_send(int argc, char *argv[])
{
	struct xfer_opts o = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int fd, i, ret = 1;

	if (parse_xfer(argc, argv, &o, "ptn"))
		return 1;
	fd = open_name(argv[optind], IPCCHAN_OPEN_WRITE, NULL);
	if (fd < 0)
		return 1;
	if (optind + 1 < argc) {
		for (i = optind + 1; i < argc; i++)
			if (send_msg(fd, argv[i], strlen(argv[i]), &o))
				goto out;
	} else {
		while ((n = getline(&line, &cap, stdin)) >= 0) {
			if (n && line[n - 1] == '\n')
				n--;
			if (send_msg(fd, line, n, &o))
				goto out;
		}
	}
	ret = 0;
out:
	free(line);
	close(fd);
	return ret;
}

static void json_print_bytes(const unsigned char *p, size_t len)
{
	size_t i;

	putchar('"');
	for (i = 0; i < len; i++) {
		if (p[i] == '"' || p[i] == '\\')
			printf("\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			printf("\\u%04x", p[i]);
		else
			putchar(p[i]);
	}
	putchar('"');
}

static void print_msg(const struct ipcchan_mbox_msg *m, const void *buf,
		      const struct xfer_opts *o)
{
	/* The buffer holds the largest message: never truncated. */
	size_t n = m->len;

	if (o->json) {
		printf("{\"seq\": %" PRIu64 ", \"prio\": %u, \"len\": %u, "
		       "\"truncated\": %s, \"sender_pid\": %d, \"sender_uid\": %u, "
		       "\"enqueue_ns\": %" PRIu64 ", \"dropped\": %" PRIu64
		       ", \"data\": ", (uint64_t)m->seq, m->prio, m->len,
		       m->flags & IPCCHAN_MSG_TRUNCATED ? "true" : "false",
		       m->sender_pid, m->sender_uid, (uint64_t)m->enqueue_ns,
		       (uint64_t)m->dropped);
		json_print_bytes(buf, n);
		printf("}\n");
	} else {
		if (o->meta)
			printf("seq=%" PRIu64 " prio=%u len=%u pid=%d uid=%u dropped=%"
			       PRIu64 "%s: ", (uint64_t)m->seq, m->prio, m->len,
			       m->sender_pid, m->sender_uid, (uint64_t)m->dropped,
			       m->flags & IPCCHAN_MSG_TRUNCATED ? " truncated" : "");
		else if (m->dropped)
			fprintf(stderr, "%s: %" PRIu64 " message(s) dropped before this one\n",
				prog_name, (uint64_t)m->dropped);
		fwrite(buf, 1, n, stdout);
		putchar('\n');
	}
	fflush(stdout);
}

static int do_recv(int argc, char *argv[], int peek)
{
	struct xfer_opts o = { 0 };
	struct ipcchan_mbox_attr a = { .size = sizeof(a) };
	struct ipcchan_mbox_msg m;
	unsigned long long i;
	char *buf = NULL;
	int fd, ret = 1;

	if (parse_xfer(argc, argv, &o, peek ? "Mj" : "tnclMj"))
		return 1;
	if (peek)
		o.flags |= IPCCHAN_XFER_PEEK | IPCCHAN_XFER_NONBLOCK;
	if (!o.count)
		o.count = 1;
	fd = open_name(argv[optind], IPCCHAN_OPEN_READ, NULL);
	if (fd < 0)
		return 1;
	if (ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &a)) {
		fprintf(stderr, "%s: mbox %s: GET_ATTR: %s\n", prog_name,
			cmd_name, strerror(errno));
		goto out;
	}
	buf = malloc(a.msgsize_max ?: 1);
	if (!buf)
		goto out;
	for (i = 0; o.loop || i < o.count; i++) {
		m = (struct ipcchan_mbox_msg){ .buf = (uintptr_t)buf,
					       .len = a.msgsize_max };
		if (xfer_one(fd, IPCCHAN_IOC_MBOX_RECV, &m, &o) != 1) {
			/* A loop ends quietly when it runs dry. */
			if (o.loop && (errno == EAGAIN || errno == ETIMEDOUT))
				break;
			fprintf(stderr, "%s: mbox %s: %s\n", prog_name,
				cmd_name, errno == EAGAIN ? "mailbox is empty" :
				strerror(errno));
			goto out;
		}
		print_msg(&m, buf, &o);
	}
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
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

static void print_stat_json(const struct ipcchan_mbox_attr *a,
			    const struct ipcchan_mbox_stats *s)
{
	unsigned int i;

	printf("{\"id\": %u, \"named\": %s, \"capacity\": %u, \"msgsize_max\": %u, "
	       "\"policy\": \"%s\", \"mode\": \"%04o\", \"uid\": %u, \"gid\": %u, "
	       "\"reserved_bytes\": %" PRIu64 ", ",
	       a->id, a->attr_flags & IPCCHAN_MBOX_ATTR_NAMED ? "true" : "false",
	       a->capacity, a->msgsize_max,
	       a->policy < __IPCCHAN_MBOX_POLICY_MAX ? policy_names[a->policy] : "?",
	       a->mode, a->uid, a->gid, (uint64_t)a->reserved_bytes);
	printf("\"msgs_in\": %" PRIu64 ", \"bytes_in\": %" PRIu64
	       ", \"msgs_out\": %" PRIu64 ", \"bytes_out\": %" PRIu64
	       ", \"msgs_dropped\": %" PRIu64 ", \"bytes_dropped\": %" PRIu64
	       ", \"depth\": %u, \"peak_depth\": %u, \"senders_blocked\": %u"
	       ", \"receivers_blocked\": %u, \"sender_waits\": %" PRIu64
	       ", \"receiver_waits\": %" PRIu64 ", \"residence_hist_log2_ns\": [",
	       (uint64_t)s->msgs_in, (uint64_t)s->bytes_in,
	       (uint64_t)s->msgs_out, (uint64_t)s->bytes_out,
	       (uint64_t)s->msgs_dropped, (uint64_t)s->bytes_dropped,
	       s->depth, s->peak_depth, s->senders_blocked,
	       s->receivers_blocked, (uint64_t)s->sender_waits,
	       (uint64_t)s->receiver_waits);
	for (i = 0; i < IPCCHAN_MBOX_HIST_BUCKETS; i++)
		printf("%s%" PRIu64, i ? ", " : "",
		       (uint64_t)s->residence_hist[i]);
	printf("]}\n");
}

static void print_stat_text(const char *name, const struct ipcchan_mbox_attr *a,
			    const struct ipcchan_mbox_stats *s)
{
	char b1[32], b2[32], b3[32];
	uint64_t max = 0;
	unsigned int i;
	int bar;

	printf("mailbox %s (id %u)\n", name, a->id);
	printf("  capacity %u x %s, policy %s, mode %04o, owner %u:%u, reserved %s\n",
	       a->capacity, fmt_bytes(b1, sizeof(b1), a->msgsize_max),
	       a->policy < __IPCCHAN_MBOX_POLICY_MAX ? policy_names[a->policy] : "?",
	       a->mode, a->uid, a->gid,
	       fmt_bytes(b2, sizeof(b2), a->reserved_bytes));
	printf("  in      %" PRIu64 " msgs, %s\n", (uint64_t)s->msgs_in,
	       fmt_bytes(b1, sizeof(b1), s->bytes_in));
	printf("  out     %" PRIu64 " msgs, %s\n", (uint64_t)s->msgs_out,
	       fmt_bytes(b1, sizeof(b1), s->bytes_out));
	printf("  dropped %" PRIu64 " msgs, %s\n", (uint64_t)s->msgs_dropped,
	       fmt_bytes(b1, sizeof(b1), s->bytes_dropped));
	printf("  depth   %u now, %u peak\n", s->depth, s->peak_depth);
	printf("  blocked %u senders, %u receivers now; %" PRIu64 " and %" PRIu64
	       " waits in total\n", s->senders_blocked, s->receivers_blocked,
	       (uint64_t)s->sender_waits, (uint64_t)s->receiver_waits);
	for (i = 0; i < IPCCHAN_MBOX_HIST_BUCKETS; i++)
		if (s->residence_hist[i] > max)
			max = s->residence_hist[i];
	if (!max)
		return;
	printf("  residence time (enqueue to dequeue):\n");
	for (i = 0; i < IPCCHAN_MBOX_HIST_BUCKETS; i++) {
		if (!s->residence_hist[i])
			continue;
		bar = (int)(40 * s->residence_hist[i] / max) ?: 1;
		printf("    %9s .. %-9s %10" PRIu64 " %.*s\n",
		       fmt_ns(b1, sizeof(b1), i ? 1ULL << i : 0),
		       i == IPCCHAN_MBOX_HIST_BUCKETS - 1 ? "" :
		       fmt_ns(b3, sizeof(b3), 2ULL << i),
		       (uint64_t)s->residence_hist[i], bar,
		       "########################################");
	}
}

static int do_stat(int argc, char *argv[])
{
	struct ipcchan_mbox_attr a = { .size = sizeof(a) };
	struct ipcchan_mbox_stats s = { .size = sizeof(s) };
	int fd, json = 0, ret = 1;

	if (argc == 3 && !strcmp(argv[2], "--json"))
		json = 1;
	else if (argc != 2) {
		usage();
		return 1;
	}
	/* Write access is not needed and not asked for. */
	fd = open_name(argv[1], IPCCHAN_OPEN_READ, NULL);
	if (fd < 0)
		return 1;
	if (ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &a) ||
	    ioctl(fd, IPCCHAN_IOC_MBOX_GET_STATS, &s)) {
		fprintf(stderr, "%s: mbox stat: %s\n", prog_name, strerror(errno));
		goto out;
	}
	if (json)
		print_stat_json(&a, &s);
	else
		print_stat_text(argv[1], &a, &s);
	ret = 0;
out:
	close(fd);
	return ret;
}

static int do_rm(int argc, char *argv[])
{
	int dev, ret = 0;

	if (argc != 2) {
		usage();
		return 1;
	}
	dev = dev_open();
	if (dev < 0)
		return 1;
	if (dev_unlink(dev, IPCCHAN_OBJ_MAILBOX, argv[1])) {
		fprintf(stderr, "%s: mbox rm: %s: %s\n", prog_name, argv[1],
			strerror(errno));
		ret = 1;
	}
	close(dev);
	return ret;
}

int mbox_main(int argc, char *argv[])
{
	if (argc < 2) {
		usage();
		return 1;
	}
	cmd_name = argv[1];
	if (!strcmp(cmd_name, "--help") || !strcmp(cmd_name, "-h")) {
		usage();
		return 0;
	}
	/* getopt sees "mbox <verb> args...": skip "mbox". */
	argc--;
	argv++;
	optind = 1;
	if (!strcmp(cmd_name, "create"))
		return do_create(argc, argv);
	if (!strcmp(cmd_name, "send"))
		return do_send(argc, argv);
	if (!strcmp(cmd_name, "recv"))
		return do_recv(argc, argv, 0);
	if (!strcmp(cmd_name, "peek"))
		return do_recv(argc, argv, 1);
	if (!strcmp(cmd_name, "stat"))
		return do_stat(argc, argv);
	if (!strcmp(cmd_name, "rm"))
		return do_rm(argc, argv);
	fprintf(stderr, "%s: mbox: unknown command `%s'\n", prog_name, cmd_name);
	usage();
	return 1;
}
