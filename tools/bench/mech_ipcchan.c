// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan mailboxes, one anonymous mailbox per direction:
 *
 *   mbox-rw      write() sends one message, read() receives one
 *   mbox-ioctl   IPCCHAN_IOC_MBOX_SEND/RECV with one message per call (the
 *                receiver also gets the per-message metadata)
 *   mbox-batch   up to 32 messages per SEND and per RECV call; streaming
 *                only. The sender copies each message into its batch array
 *                (one user-space copy, counted in its CPU time) and sends
 *                when 32 are gathered or at the last message; the receiver
 *                takes what is queued, up to 32, and verifies each in place.
 *   mbox-rendezvous  write() and read() on a rendezvous mailbox (capacity
 *                0): every write() returns only once its message has been
 *                read, so streaming is a hand-off per message. Needs
 *                IPCCHAN_FEAT_RENDEZVOUS.
 *
 * Each needs /dev/ipcchan with IPCCHAN_FEAT_MAILBOX in GET_INFO, and is
 * skipped otherwise. The message size is capped at the module's
 * mbox_max_msgsize; the capacity is about 256 KiB of messages, within
 * mbox_max_msgs and at least 4.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "bench.h"

#define BATCH 32

struct chan {
	int fd[2];
	size_t size;
	/* mbox-batch: per direction, the messages gathered or received */
	unsigned char *bbuf[2];
	struct ipcchan_mbox_msg bmsg[2][BATCH];
	unsigned int bn[2], bpos[2];
};

int bench_get_info(struct ipcchan_info *info, char *why, size_t len)
{
	int dev = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC), ret;

	if (dev < 0) {
		snprintf(why, len, "no %s (%s): module not loaded", IPCCHAN_DEVICE_PATH,
			 strerror(errno));
		return -1;
	}
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	ret = ioctl(dev, IPCCHAN_IOC_GET_INFO, info);
	if (ret < 0)
		snprintf(why, len, "IPCCHAN_IOC_GET_INFO: %s", strerror(errno));
	close(dev);
	return ret < 0 ? -1 : 0;
}

int bench_feature_check(uint64_t feat, const char *name, const char *what,
			char *why, size_t len)
{
	struct ipcchan_info info;

	if (bench_get_info(&info, why, len) < 0)
		return -1;
	if (!(info.features & feat)) {
		snprintf(why, len, "module has no %s (%s not set)", what, name);
		return -1;
	}
	return 0;
}

static int mbox_available(char *why, size_t len)
{
	return bench_feature_available(IPCCHAN_FEAT_MAILBOX, "mailboxes", why, len);
}

static int rdv_available(char *why, size_t len)
{
	return bench_feature_available(IPCCHAN_FEAT_RENDEZVOUS, "rendezvous mailboxes", why, len);
}

static size_t mbox_cap(size_t want)
{
	struct ipcchan_info info;
	char why[128];

	if (bench_get_info(&info, why, sizeof(why)) < 0)
		return 0;
	return want < info.mbox_max_msgsize ? want : info.mbox_max_msgsize;
}

static void mbox_teardown(struct chan *c, int role)
{
	int d;

	for (d = 0; d < 2; d++) {
		if (c->fd[d] >= 0)
			close(c->fd[d]);
		free(c->bbuf[d]);
	}
	free(c);
}

static int mbox_setup_policy(struct chan **cp, const struct chan_cfg *cfg, __u32 policy,
			     char *why, size_t len)
{
	struct chan *c = calloc(1, sizeof(*c));
	struct ipcchan_info info;
	unsigned int cap;
	int dev, d;

	if (!c)
		return -ENOMEM;
	c->fd[0] = c->fd[1] = -1;
	c->size = cfg->size;
	if (bench_get_info(&info, why, len) < 0) {
		free(c);
		return -ENODEV;
	}
	cap = (unsigned int)(262144 / cfg->size);
	if (cap > info.mbox_max_msgs)
		cap = info.mbox_max_msgs;
	if (cap < 4)
		cap = 4;
	if (policy == IPCCHAN_MBOX_RENDEZVOUS)
		cap = 0;	/* zero, not the default */
	dev = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		snprintf(why, len, "%s: %s", IPCCHAN_DEVICE_PATH, strerror(errno));
		free(c);
		return -ENODEV;
	}
	for (d = 0; d < cfg->ndirs; d++) {
		struct ipcchan_mbox_open op = {
			.size = sizeof(op),
			.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE,
			.mode = 0600,
			.capacity = cap,
			.msgsize_max = (__u32)cfg->size,
			.policy = policy,
		};

		c->fd[d] = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
		if (c->fd[d] < 0) {
			snprintf(why, len, "IPCCHAN_IOC_MBOX_OPEN(capacity %u, msgsize %zu): %s",
				 cap, cfg->size, strerror(errno));
			close(dev);
			mbox_teardown(c, 0);
			return -EIO;
		}
		c->bbuf[d] = malloc((size_t)BATCH * cfg->size);
		if (!c->bbuf[d]) {
			close(dev);
			mbox_teardown(c, 0);
			return -ENOMEM;
		}
	}
	close(dev);
	*cp = c;
	return 0;
}

static int mbox_setup(struct chan **cp, const struct chan_cfg *cfg, char *why, size_t len)
{
	return mbox_setup_policy(cp, cfg, IPCCHAN_MBOX_BLOCK, why, len);
}

static int rdv_setup(struct chan **cp, const struct chan_cfg *cfg, char *why, size_t len)
{
	return mbox_setup_policy(cp, cfg, IPCCHAN_MBOX_RENDEZVOUS, why, len);
}

static int mbox_attach(struct chan *c, int role)
{
	return 0;
}

static int mbox_poll(struct chan *c, int dir)
{
	return c->fd[dir];
}

static int rw_send(struct chan *c, int dir, void *buf, size_t len)
{
	ssize_t n = write(c->fd[dir], buf, len);

	if (n >= 0 && (size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return n < 0 ? -1 : 0;
}

static ssize_t rw_recv(struct chan *c, int dir, void *buf, size_t cap, const void **msg)
{
	*msg = buf;
	return read(c->fd[dir], buf, cap);
}

static int xfer(struct chan *c, int dir, unsigned long req, struct ipcchan_mbox_msg *m,
		unsigned int count)
{
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x),
		.msgs = (__u64)(uintptr_t)m,
		.count = count,
		.msg_size = sizeof(*m),
	};

	return ioctl(c->fd[dir], req, &x);
}

static int ioc_send(struct chan *c, int dir, void *buf, size_t len)
{
	struct ipcchan_mbox_msg m = { .buf = (__u64)(uintptr_t)buf, .len = (__u32)len };

	return xfer(c, dir, IPCCHAN_IOC_MBOX_SEND, &m, 1) == 1 ? 0 : -1;
}

static ssize_t ioc_recv(struct chan *c, int dir, void *buf, size_t cap, const void **msg)
{
	struct ipcchan_mbox_msg m = { .buf = (__u64)(uintptr_t)buf, .len = (__u32)cap };

	*msg = buf;
	if (xfer(c, dir, IPCCHAN_IOC_MBOX_RECV, &m, 1) != 1)
		return -1;
	return m.len;
}

/* Send every gathered message; SEND waits for room as often as needed. */
static int batch_flush(struct chan *c, int dir)
{
	unsigned int done = 0;
	int n;

	while (done < c->bn[dir]) {
		n = xfer(c, dir, IPCCHAN_IOC_MBOX_SEND, c->bmsg[dir] + done, c->bn[dir] - done);
		if (n <= 0)
			return -1;
		done += (unsigned int)n;
	}
	c->bn[dir] = 0;
	return 0;
}

static int batch_send(struct chan *c, int dir, void *buf, size_t len)
{
	unsigned int i = c->bn[dir];
	unsigned char *slot = c->bbuf[dir] + (size_t)i * c->size;

	memcpy(slot, buf, len);
	c->bmsg[dir][i] = (struct ipcchan_mbox_msg){
		.buf = (__u64)(uintptr_t)slot, .len = (__u32)len,
	};
	if (++c->bn[dir] == BATCH)
		return batch_flush(c, dir);
	return 0;
}

static ssize_t batch_recv(struct chan *c, int dir, void *buf, size_t cap, const void **msg)
{
	unsigned int i;
	int n;

	if (c->bpos[dir] == c->bn[dir]) {
		for (i = 0; i < BATCH; i++)
			c->bmsg[dir][i] = (struct ipcchan_mbox_msg){
				.buf = (__u64)(uintptr_t)(c->bbuf[dir] + (size_t)i * c->size),
				.len = (__u32)c->size,
			};
		n = xfer(c, dir, IPCCHAN_IOC_MBOX_RECV, c->bmsg[dir], BATCH);
		if (n <= 0)
			return -1;
		c->bn[dir] = (unsigned int)n;
		c->bpos[dir] = 0;
	}
	i = c->bpos[dir]++;
	*msg = (const void *)(uintptr_t)c->bmsg[dir][i].buf;
	return c->bmsg[dir][i].len;
}

static const struct mech mech_mbox_rw = {
	.name = "mbox-rw", .desc = "ipcchan mailbox, read()/write()",
	.available = mbox_available, .max_size = mbox_cap, .setup = mbox_setup,
	.attach = mbox_attach, .send = rw_send, .recv = rw_recv, .teardown = mbox_teardown,
	.poll_fd = mbox_poll,
};

static const struct mech mech_mbox_ioctl = {
	.name = "mbox-ioctl", .desc = "ipcchan mailbox, MBOX_SEND/RECV ioctls, one message each",
	.available = mbox_available, .max_size = mbox_cap, .setup = mbox_setup,
	.attach = mbox_attach, .send = ioc_send, .recv = ioc_recv, .teardown = mbox_teardown,
	.poll_fd = mbox_poll,
};

static const struct mech mech_mbox_batch = {
	.name = "mbox-batch", .desc = "ipcchan mailbox, 32 messages per SEND/RECV ioctl",
	.flags = MECH_STREAM_ONLY,
	.available = mbox_available, .max_size = mbox_cap, .setup = mbox_setup,
	.attach = mbox_attach, .send = batch_send, .recv = batch_recv,
	.flush = batch_flush, .teardown = mbox_teardown,
};

static const struct mech mech_mbox_rdv = {
	.name = "mbox-rendezvous", .desc = "ipcchan rendezvous mailbox (capacity 0), read()/write()",
	.available = rdv_available, .max_size = mbox_cap, .setup = rdv_setup,
	.attach = mbox_attach, .send = rw_send, .recv = rw_recv, .teardown = mbox_teardown,
	.poll_fd = mbox_poll,
};

const struct mech *const ipcchan_mechs[] = {
	&mech_mbox_rw, &mech_mbox_ioctl, &mech_mbox_batch, &mech_mbox_rdv, NULL,
};
