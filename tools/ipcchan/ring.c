// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan ring create|produce|consume|stat|rm: shared rings from the shell.
 * The ring protocol itself is libipcchan's.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "dev.h"
#include "ipcchan.h"
#include "nl.h"
#include "objprint.h"
#include "output.h"
#include "subcommands.h"

static int do_create(int argc, char *argv[]);
static int do_produce(int argc, char *argv[]);
static int do_consume(int argc, char *argv[]);
static int do_stat(int argc, char *argv[]);
static int do_rm(int argc, char *argv[]);

static const struct verb ring_verbs[] = {
	{ "create", do_create, "Create a shared ring (the name must not exist)",
	  "[--pages N] [--mode OCTAL] [--kernel-producer] NAME",
	  "  -p, --pages N      data pages, a power of two (default 16)\n"
	  "  -m, --mode OCTAL   permission bits (default 0600, minus the umask)\n"
	  "  -k, --kernel-producer  producers write(); the kernel copies records in\n" },
	{ "produce", do_produce, "Attach as a producer and write records",
	  "[--count N --size BYTES] [--busy] NAME",
	  "  -c, --count N      generate N records (default: one per line of stdin)\n"
	  "  -s, --size BYTES   of BYTES bytes each (default 64, at least 8)\n"
	  "  -b, --busy         poll when full instead of sleeping in the kernel\n" },
	{ "consume", do_consume, "Attach as a consumer and print records, one per line",
	  "[--count N] [--busy] [--quiet] NAME",
	  "  -c, --count N      stop after N records (default: when producers are gone)\n"
	  "  -b, --busy         poll when empty instead of sleeping in the kernel\n"
	  "  -q, --quiet        print only the number of records, on stderr\n" },
	{ "stat", do_stat, "Show a ring's statistics (attaches as an observer)",
	  "NAME", "" },
	{ "rm", do_rm, "Remove a ring's name (attached processes keep it)",
	  "NAME", "" },
};

static const struct command ring_cmd = {
	"ring", ring_verbs, sizeof(ring_verbs) / sizeof(ring_verbs[0]),
};

struct ring_opts {
	unsigned long pages;
	unsigned long mode;
	unsigned long count;
	unsigned long size;
	int kernel_producer;
	int busy;
	int quiet;
};

/*
 * The options of every ring verb; @allowed the ones this verb takes.
 * Returns -1 to go on (argv[optind] is NAME), or the exit status.
 */
static int parse_opts(int argc, char *argv[], struct ring_opts *o,
		      const char *allowed)
{
	static const struct option all[] = {
		{ "pages", required_argument, NULL, 'p' },
		{ "mode", required_argument, NULL, 'm' },
		{ "kernel-producer", no_argument, NULL, 'k' },
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "busy", no_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		COMMON_OPTIONS,
		{ 0 }
	};
	struct option opts[sizeof(all) / sizeof(all[0])];
	char shorts[32];
	unsigned long long v;
	int c, done = -1;

	memset(o, 0, sizeof(*o));
	o->pages = 16;
	o->mode = 0600;
	o->size = 64;
	opts_select(all, allowed, opts, shorts, sizeof(shorts));
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		if (opt_common(c, &ring_cmd, verb_name, &done)) {
			if (done >= 0)
				return done;
			continue;
		}
		switch (c) {
		case 'p':
		case 'c':
		case 's':
			if (parse_uint(optarg, UINT32_MAX, 0, &v))
				return cmd_usage_error(&ring_cmd, verb_name, NULL);
			*(c == 'p' ? &o->pages : c == 'c' ? &o->count : &o->size) = v;
			break;
		case 'm':
			if (parse_uint(optarg, 0777, 8, &v))
				return cmd_usage_error(&ring_cmd, verb_name, NULL);
			o->mode = v;
			break;
		case 'k':
			o->kernel_producer = 1;
			break;
		case 'b':
			o->busy = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		}
	}
	if (optind != argc - 1)
		return cmd_usage_error(&ring_cmd, verb_name, "one NAME is needed");
	return -1;
}

/* Open NAME in @role; prints why on failure. */
static int open_ring(const char *name, uint32_t role, uint32_t flags,
		     const struct ring_opts *o)
{
	int dev, fd;

	dev = dev_open();
	if (dev < 0)
		return -1;
	fd = ipcchan_ring_open(dev, name, flags, role, o->pages,
			       o->kernel_producer ?
			       IPCCHAN_RING_KERNEL_PRODUCER : 0,
			       o->mode, NULL);
	close(dev);
	if (fd < 0)
		print_errno(name, -fd, NULL);
	return fd;
}

static int wait_ring(struct ipcchan_ring *r, uint32_t need, int busy)
{
	if (busy)
		return ipcchan_ring_busy_wait(r, need, -1);
	return ipcchan_ring_wait(r, need, -1);
}

/*
 * Queue one record without publishing it; put_commit() publishes the
 * batch. A full ring publishes too (the wait flushes first). A
 * kernel-producer ring takes each record with its own write().
 */
static int put_rec(struct ipcchan_ring *r, const void *buf, uint32_t len,
		   int busy)
{
	void *p;
	int ret;

	if (ipcchan_ring_info(r)->flags & IPCCHAN_RING_KERNEL_PRODUCER) {
		while ((ret = ipcchan_ring_send(r, buf, len)) == -EAGAIN) {
			ret = wait_ring(r, ipcchan_ring_rec_total(len), busy);
			if (ret)
				return ret;
		}
		return ret;
	}
	while ((ret = ipcchan_ring_reserve(r, len, &p)) == -EAGAIN) {
		ret = wait_ring(r, ipcchan_ring_rec_total(len), busy);
		if (ret)
			return ret;
	}
	if (!ret)
		memcpy(p, buf, len);
	return ret;
}

static int put_commit(struct ipcchan_ring *r)
{
	if (ipcchan_ring_info(r)->flags & IPCCHAN_RING_KERNEL_PRODUCER)
		return 0;
	return ipcchan_ring_commit(r);
}

/* Generated records are published 64 at a time. */
#define PRODUCE_BATCH	64

/*
 * Records from stdin, one per line, published once per read(): a batch is
 * whatever arrived together, so an interactive producer's line is
 * published at once and a pipe's burst with one store (and at most one
 * kick).
 */
static int produce_lines(struct ipcchan_ring *r, const struct ring_opts *o)
{
	size_t cap = 65536, have = 0;
	char *buf = malloc(cap), *nbuf;
	int ret = 0;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		size_t start = 0;

		if (have == cap) {
			nbuf = cap < ipcchan_ring_max_payload(r) + 1 ?
			       realloc(buf, cap * 2) : NULL;
			if (!nbuf) {
				ret = -EMSGSIZE;
				break;
			}
			buf = nbuf;
			cap *= 2;
		}
		n = read(STDIN_FILENO, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0) {
			/* A last line without a newline is a record too. */
			if (have)
				ret = put_rec(r, buf, have, o->busy);
			break;
		}
		have += n;
		for (size_t i = have - n; i < have && !ret; i++) {
			if (buf[i] != '\n')
				continue;
			if (i - start > ipcchan_ring_max_payload(r))
				ret = -EMSGSIZE;
			else
				ret = put_rec(r, buf + start, i - start,
					      o->busy);
			start = i + 1;
		}
		if (ret)
			break;
		memmove(buf, buf + start, have - start);
		have -= start;
		ret = put_commit(r);
		if (ret)
			break;
	}
	free(buf);
	if (!ret)
		ret = put_commit(r);
	return ret;
}

static int produce(struct ipcchan_ring *r, const struct ring_opts *o)
{
	char *buf;
	int ret = 0;

	if (!o->count)
		return produce_lines(r, o);
	if (o->size > ipcchan_ring_max_payload(r) || o->size < 8)
		return -EMSGSIZE;
	buf = calloc(1, o->size);
	if (!buf)
		return -ENOMEM;
	for (uint64_t i = 0; i < o->count && !ret; i++) {
		memcpy(buf, &i, sizeof(i));
		ret = put_rec(r, buf, o->size, o->busy);
		if (!ret && (i + 1) % PRODUCE_BATCH == 0)
			ret = put_commit(r);
	}
	free(buf);
	if (!ret)
		ret = put_commit(r);
	return ret;
}

static int consume(struct ipcchan_ring *r, const struct ring_opts *o)
{
	unsigned long got = 0;
	int ret = 0;

	while (!o->count || got < o->count) {
		const void *p;
		uint32_t len;

		ret = ipcchan_ring_peek(r, &p, &len);
		if (ret == -EAGAIN) {
			fflush(stdout);
			ret = wait_ring(r, 0, o->busy);
			if (ret == -EPIPE) {
				ret = 0;	/* producers gone, ring empty */
				break;
			}
			if (ret)
				break;
			continue;
		}
		if (ret)
			break;
		if (!o->quiet) {
			fwrite(p, 1, len, stdout);
			putchar('\n');
		}
		got++;
		if (got % 64 == 0)
			ipcchan_ring_release(r);
	}
	ipcchan_ring_release(r);
	fflush(stdout);
	if (o->quiet)
		fprintf(stderr, "%lu records\n", got);
	return ret;
}

static int stream_main(const char *name, uint32_t role,
		       const struct ring_opts *o)
{
	struct ipcchan_ring *r;
	int fd, ret;

	fd = open_ring(name, role, 0, o);
	if (fd < 0)
		return 1;
	ret = ipcchan_ring_map(fd, &r);
	if (ret) {
		print_errno("map", -ret, NULL);
		close(fd);
		return EXIT_FAIL;
	}
	ret = role == IPCCHAN_RING_PRODUCER ? produce(r, o) : consume(r, o);
	ipcchan_ring_unmap(r);
	close(fd);
	if (ret) {
		print_errno(name, -ret, NULL);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/*
 * A ring as its observer fd's ioctls describe it, in the shape netlink
 * reports it: mode, owner, creation time and charge are not among them
 * and are printed as null.
 */
static void ring_obj(struct nl_obj *o, const char *name,
		     const struct ipcchan_ring_info *ri,
		     const struct ipcchan_ring_stats *st)
{
	const struct ipcchan_ring_ctrl_stats *page[2] = {
		&st->producer, &st->consumer,
	};
	int i;

	memset(o, 0, sizeof(*o));
	o->id = ri->id;
	o->type = IPCCHAN_OBJ_RING;
	o->has_name = true;
	o->named = true;	/* it was just opened by this name */
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->has_ring = true;
#define SET(attr, val) do {						\
		o->ring[IPCCHAN_A_RING_##attr] = (val);			\
		o->ring_has |= 1ULL << IPCCHAN_A_RING_##attr;		\
	} while (0)
	SET(NR_PAGES, ri->nr_pages);
	SET(FLAGS, ri->ring_flags);
	SET(PRODUCER_POS, st->producer_pos);
	SET(CONSUMER_POS, st->consumer_pos);
	SET(PRODUCERS, st->producers);
	SET(CONSUMERS, st->consumers);
	SET(PRODUCER_KICKS, st->producer_kicks);
	SET(CONSUMER_KICKS, st->consumer_kicks);
	SET(KICKS_IDLE, st->kicks_idle);
	SET(WAITS, st->waits);
	SET(WAIT_TIMEOUTS, st->wait_timeouts);
	SET(CORRUPT, st->corrupt);
	SET(WRITE_RECORDS, st->write_records);
	SET(WRITE_BYTES, st->write_bytes);
#undef SET
#define SET(attr, val) do {						\
		o->page[i][IPCCHAN_A_RING_PAGE_##attr] = (val);		\
		o->page_has[i] |= 1ULL << IPCCHAN_A_RING_PAGE_##attr;	\
	} while (0)
	for (i = 0; i < 2; i++) {
		SET(RECORDS, page[i]->records);
		SET(BYTES, page[i]->bytes);
		SET(KICKS, page[i]->kicks);
		SET(KICKS_AVOIDED, page[i]->kicks_avoided);
		SET(STALLS, page[i]->stalls);
		SET(WAITS, page[i]->waits);
	}
#undef SET
}

static int do_stat(int argc, char *argv[])
{
	struct ipcchan_ring_stats st;
	struct ipcchan_ring_info ri;
	struct ring_opts o;
	struct nl_obj obj;
	const char *name;
	int fd, ret;

	ret = parse_opts(argc, argv, &o, "");
	if (ret >= 0)
		return ret;
	ret = EXIT_FAIL;
	name = argv[optind];
	fd = open_ring(name, IPCCHAN_RING_OBSERVER, 0, &o);
	if (fd < 0)
		return EXIT_FAIL;
	memset(&ri, 0, sizeof(ri));
	ri.size = sizeof(ri);
	if (ioctl(fd, IPCCHAN_IOC_RING_GET_INFO, &ri)) {
		print_errno(name, errno, NULL);
		goto out;
	}
	ret = ipcchan_ring_get_stats(fd, &st);
	if (ret) {
		print_errno(name, -ret, NULL);
		ret = EXIT_FAIL;
		goto out;
	}
	ring_obj(&obj, name, &ri, &st);
	out_init(stdout, opt_json);
	objprint(&obj);
	ret = EXIT_OK;
out:
	close(fd);
	return ret;
}

static int do_create(int argc, char *argv[])
{
	struct ring_opts o;
	int fd, ret;

	ret = parse_opts(argc, argv, &o, "pmk");
	if (ret >= 0)
		return ret;
	fd = open_ring(argv[optind], IPCCHAN_RING_OBSERVER,
		       IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL, &o);
	if (fd < 0)
		return EXIT_FAIL;
	close(fd);
	return EXIT_OK;
}

static int do_produce(int argc, char *argv[])
{
	struct ring_opts o;
	int ret;

	ret = parse_opts(argc, argv, &o, "csb");
	if (ret >= 0)
		return ret;
	return stream_main(argv[optind], IPCCHAN_RING_PRODUCER, &o);
}

static int do_consume(int argc, char *argv[])
{
	struct ring_opts o;
	int ret;

	ret = parse_opts(argc, argv, &o, "cbq");
	if (ret >= 0)
		return ret;
	return stream_main(argv[optind], IPCCHAN_RING_CONSUMER, &o);
}

static int do_rm(int argc, char *argv[])
{
	struct ring_opts o;
	int dev, ret;

	ret = parse_opts(argc, argv, &o, "");
	if (ret >= 0)
		return ret;
	dev = dev_open();
	if (dev < 0)
		return EXIT_FAIL;
	ret = ipcchan_ring_unlink(dev, argv[optind]);
	close(dev);
	if (ret) {
		print_errno(argv[optind], -ret, NULL);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int ring_main(int argc, char *argv[])
{
	return cmd_dispatch(&ring_cmd, argc, argv);
}
