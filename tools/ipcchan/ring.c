// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan ring create|produce|consume|stat|rm: shared rings from the shell.
 * The ring protocol itself is libipcchan's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "dev.h"
#include "ipcchan.h"
#include "output.h"
#include "subcommands.h"

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s ring create NAME [--pages N] [--mode OCTAL] [--kernel-producer]\n"
		"       %s ring produce NAME [--count N --size BYTES] [--busy]\n"
		"       %s ring consume NAME [--count N] [--busy] [--quiet]\n"
		"       %s ring stat NAME [--json]\n"
		"       %s ring rm NAME\n"
		"produce reads one record per line of stdin, or generates --count\n"
		"records of --size bytes; consume writes one record per line.\n",
		prog_name, prog_name, prog_name, prog_name, prog_name);
}

struct ring_opts {
	unsigned long pages;
	unsigned long mode;
	unsigned long count;
	unsigned long size;
	int kernel_producer;
	int busy;
	int quiet;
	int json;
};

static int parse_ulong(const char *s, int base, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, base);
	return errno || !*s || *end ? -1 : 0;
}

static int parse_opts(int argc, char *argv[], struct ring_opts *o)
{
	o->pages = 16;
	o->mode = 0600;
	o->size = 64;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--kernel-producer")) {
			o->kernel_producer = 1;
		} else if (!strcmp(a, "--busy")) {
			o->busy = 1;
		} else if (!strcmp(a, "--quiet")) {
			o->quiet = 1;
		} else if (!strcmp(a, "--json")) {
			o->json = 1;
		} else if (v && !strcmp(a, "--pages")) {
			if (parse_ulong(v, 0, &o->pages))
				return -1;
			i++;
		} else if (v && !strcmp(a, "--mode")) {
			if (parse_ulong(v, 8, &o->mode))
				return -1;
			i++;
		} else if (v && !strcmp(a, "--count")) {
			if (parse_ulong(v, 0, &o->count))
				return -1;
			i++;
		} else if (v && !strcmp(a, "--size")) {
			if (parse_ulong(v, 0, &o->size))
				return -1;
			i++;
		} else {
			return -1;
		}
	}
	return 0;
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
		fprintf(stderr, "%s: ring %s: %s\n", prog_name, name,
			strerror(-fd));
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

static int do_produce(struct ipcchan_ring *r, const struct ring_opts *o)
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

static int do_consume(struct ipcchan_ring *r, const struct ring_opts *o)
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
		fprintf(stderr, "%s: map: %s\n", prog_name, strerror(-ret));
		close(fd);
		return 1;
	}
	ret = role == IPCCHAN_RING_PRODUCER ? do_produce(r, o) :
					      do_consume(r, o);
	ipcchan_ring_unmap(r);
	close(fd);
	if (ret) {
		fprintf(stderr, "%s: ring %s: %s\n", prog_name, name,
			strerror(-ret));
		return 1;
	}
	return 0;
}

#define STAT_FIELDS(X)							\
	X(producers, st.producers)					\
	X(consumers, st.consumers)					\
	X(producer_pos, st.producer_pos)				\
	X(consumer_pos, st.consumer_pos)				\
	X(produced_records, st.producer.records)			\
	X(produced_bytes, st.producer.bytes)				\
	X(consumed_records, st.consumer.records)			\
	X(consumed_bytes, st.consumer.bytes)				\
	X(producer_kicks, st.producer_kicks)				\
	X(consumer_kicks, st.consumer_kicks)				\
	X(kicks_idle, st.kicks_idle)					\
	X(producer_kicks_avoided, st.producer.kicks_avoided)		\
	X(consumer_kicks_avoided, st.consumer.kicks_avoided)		\
	X(full_events, st.producer.stalls)				\
	X(empty_events, st.consumer.stalls)				\
	X(producer_waits, st.producer.waits)				\
	X(consumer_waits, st.consumer.waits)				\
	X(kernel_waits, st.waits)					\
	X(wait_timeouts, st.wait_timeouts)				\
	X(write_records, st.write_records)				\
	X(write_bytes, st.write_bytes)					\
	X(corrupt, st.corrupt)

static int stat_main(const char *name, const struct ring_opts *o)
{
	struct ipcchan_ring_stats st;
	struct ipcchan_ring_info ri;
	int fd, ret = 1;

	fd = open_ring(name, IPCCHAN_RING_OBSERVER, 0, o);
	if (fd < 0)
		return 1;
	memset(&ri, 0, sizeof(ri));
	ri.size = sizeof(ri);
	if (ioctl(fd, IPCCHAN_IOC_RING_GET_INFO, &ri) ||
	    ipcchan_ring_get_stats(fd, &st)) {
		fprintf(stderr, "%s: ring %s: %s\n", prog_name, name,
			strerror(errno));
		goto out;
	}
	if (o->json) {
		printf("{\"name\": ");
		json_print_string(stdout, name);
		printf(", \"id\": %" PRIu64 ", \"pages\": %u, \"data_size\": %u, \"kernel_producer\": %s",
		       (uint64_t)ri.id, ri.nr_pages, ri.off.data_size,
		       ri.ring_flags & IPCCHAN_RING_KERNEL_PRODUCER ?
		       "true" : "false");
#define X(n, v) printf(", \"" #n "\": %" PRIu64, (uint64_t)(v));
		STAT_FIELDS(X)
#undef X
		printf("}\n");
	} else {
		printf("ring %s: id %" PRIu64 ", %u pages, %s producer\n", name,
		       (uint64_t)ri.id, ri.nr_pages,
		       ri.ring_flags & IPCCHAN_RING_KERNEL_PRODUCER ?
		       "kernel (write())" : "mmap");
#define X(n, v) printf("  %-24s %" PRIu64 "\n", #n, (uint64_t)(v));
		STAT_FIELDS(X)
#undef X
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

int ring_main(int argc, char *argv[])
{
	struct ring_opts o;
	const char *verb, *name;
	int dev, fd, ret;

	memset(&o, 0, sizeof(o));
	if (argc < 3 || parse_opts(argc - 3, argv + 3, &o)) {
		usage();
		return 1;
	}
	verb = argv[1];
	name = argv[2];

	if (!strcmp(verb, "create")) {
		fd = open_ring(name, IPCCHAN_RING_OBSERVER,
			       IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL, &o);
		if (fd < 0)
			return 1;
		close(fd);
		return 0;
	}
	if (!strcmp(verb, "produce"))
		return stream_main(name, IPCCHAN_RING_PRODUCER, &o);
	if (!strcmp(verb, "consume"))
		return stream_main(name, IPCCHAN_RING_CONSUMER, &o);
	if (!strcmp(verb, "stat"))
		return stat_main(name, &o);
	if (!strcmp(verb, "rm")) {
		dev = dev_open();
		if (dev < 0)
			return 1;
		ret = ipcchan_ring_unlink(dev, name);
		close(dev);
		if (ret) {
			fprintf(stderr, "%s: ring %s: %s\n", prog_name, name,
				strerror(-ret));
			return 1;
		}
		return 0;
	}
	usage();
	return 1;
}
