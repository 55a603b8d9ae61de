// SPDX-License-Identifier: GPL-2.0
/*
 * Capacity by filling: send without reading until the writer would block
 * (or, for a mechanism that drops instead, until the kernel counts the
 * first drop), and count what the buffer took. See capacity.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bufobj.h"
#include "capacity.h"

/* Enough for any default buffer here (TCP's autotuned ones included). */
#define CAPACITY_MAX_BYTES	(64ull << 20)
#define CAPACITY_MAX_MSGS	(1ull << 20)

static void nap_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

int capacity_fill(capacity_send_fn send, void *ctx, const void *buf, size_t len,
		  uint64_t limit, struct capacity *c)
{
	uint64_t n = 0, bytes = 0;
	size_t off = 0;
	int tries = 0;
	ssize_t r;

	c->stop = 0;
	while (n < limit) {
		/* A byte stream that took part of a message gets the rest. */
		r = send(ctx, (const char *)buf + off, len - off);
		if (r < 0 && errno == EAGAIN && ++tries < CAPACITY_RETRIES) {
			nap_ms(10);
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
			c->stop = errno;
			break;
		}
		if (r < 0)
			return -1;
		tries = 0;
		bytes += (uint64_t)r;
		off += (size_t)r;
		if (off == len) {
			off = 0;
			n++;
		}
	}
	c->bytes = bytes;
	c->msgs = (double)bytes / (double)len;
	return 0;
}

/* Non-blocking send on a bufobj; a drop counted by the kernel is "full". */
static ssize_t obj_send(void *ctx, const void *buf, size_t len)
{
	struct bufobj *o = ctx;
	struct bufobj_sample s;
	ssize_t n = o->type->send(o, buf, len, true);

	if (n >= 0 && o->type->drops) {
		if (bufobj_sample(o, &s) < 0)
			return -1;
		if (s.dropped > 0)
			return errno = ENOBUFS, -1;
	}
	return n;
}

int capacity_measure(const char *mech, size_t size, struct capacity *c,
		     char *why, size_t len)
{
	const struct bufobj_type *t = bufobj_find(mech);
	struct bufobj_sample s = { 0 }, prev = { 0 };
	struct bufobj o;
	uint64_t limit = CAPACITY_MAX_BYTES / (size ? size : 1);
	void *buf;
	int ret, i;

	memset(c, 0, sizeof(*c));
	if (!t) {
		snprintf(why, len, "no mechanism '%s'", mech);
		return -1;
	}
	buf = calloc(1, size);
	if (!buf)
		return -1;
	ret = bufobj_open(&o, t, size, why, len);
	if (ret) {
		free(buf);
		return ret;
	}
	bufobj_attach(&o, BO_BOTH);
	c->unit = o.unit;
	if (limit > CAPACITY_MAX_MSGS)
		limit = CAPACITY_MAX_MSGS;
	ret = capacity_fill(obj_send, &o, buf, size, limit, c);
	if (ret < 0)
		snprintf(why, len, "%s: send: %s", mech, strerror(errno));
	/* The level once it settles (TCP segments in flight). */
	for (i = 0; !ret && i < 50; i++) {
		if (bufobj_sample(&o, &s) < 0) {
			snprintf(why, len, "%s: occupancy: %s", mech, strerror(errno));
			ret = -1;
			break;
		}
		if (i && s.level == prev.level)
			break;
		prev = s;
		nap_ms(10);
	}
	c->level = s.level;
	bufobj_close(&o);
	free(buf);
	return ret;
}
