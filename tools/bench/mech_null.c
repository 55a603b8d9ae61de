// SPDX-License-Identifier: GPL-2.0
/*
 * null: the floor. No IPC at all: one process stamps a message and then
 * verifies it in place, as a zero-copy receiver would (runner.c,
 * run_inproc()). It pays exactly the payload work every other mechanism
 * pays (the template filled once, the header and stamps rewritten per
 * message, every byte read once to check the checksum) and nothing else,
 * so a mechanism's msgs/s over null's is what its IPC costs on top of the
 * physical limit of the machine. Streaming only: a round trip of a
 * mechanism that does nothing has no meaning.
 */
#include <errno.h>
#include <stdlib.h>

#include "bench.h"

struct chan {
	const void *msg;	/* the last message sent, in the sender's buffer */
	size_t len;
};

static int null_available(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0;
}

static size_t null_max_size(size_t want)
{
	return want;
}

static int null_setup(struct chan **c, const struct chan_cfg *cfg, char *why, size_t len)
{
	(void)cfg;
	(void)why;
	(void)len;
	*c = calloc(1, sizeof(**c));
	return *c ? 0 : -ENOMEM;
}

static int null_attach(struct chan *c, int role)
{
	(void)c;
	(void)role;
	return 0;
}

static int null_send(struct chan *c, int dir, void *buf, size_t len)
{
	(void)dir;
	c->msg = buf;
	c->len = len;
	return 0;
}

static ssize_t null_recv(struct chan *c, int dir, void *buf, size_t cap, const void **msg)
{
	(void)dir;
	(void)buf;
	(void)cap;
	*msg = c->msg;
	return (ssize_t)c->len;
}

static void null_teardown(struct chan *c, int role)
{
	(void)role;
	free(c);
}

static const struct mech mech_null = {
	.name = "null", .desc = "no IPC: stamp and verify in one process (the floor)",
	.flags = MECH_STREAM_ONLY | MECH_INPROC,
	.available = null_available, .max_size = null_max_size, .setup = null_setup,
	.attach = null_attach, .send = null_send, .recv = null_recv,
	.teardown = null_teardown,
};

const struct mech *const null_mechs[] = { &mech_null, NULL };
