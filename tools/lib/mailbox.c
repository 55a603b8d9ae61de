// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libipcchan: mailboxes. Thin, stateless wrappers over the mailbox
 * ioctls, so that programs neither fill in the extensible structs by hand
 * nor get the timeout flags wrong; the kernel does all the checking that
 * matters, and its errno comes back negated.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "ipcchan.h"
#include "ring_internal.h"

#define XFER_USER_FLAGS	(IPCCHAN_XFER_NONBLOCK | IPCCHAN_XFER_ABSTIME | \
			 IPCCHAN_XFER_PEEK | IPCCHAN_XFER_TRUNC)

int ipcchan_mbox_open(int dev, const char *name, uint32_t flags,
		      const struct ipcchan_mbox_params *params)
{
	struct ipcchan_mbox_open op;
	int fd;

	memset(&op, 0, sizeof(op));
	op.size = sizeof(op);
	op.flags = flags;
	if (name) {
		op.name = (uintptr_t)name;
		op.name_len = strlen(name);
	}
	if (params) {
		op.capacity = params->capacity;
		op.msgsize_max = params->msgsize_max;
		op.policy = params->policy;
		op.send_lowat = params->send_lowat;
		op.mode = params->mode;
	}
	fd = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
	return fd < 0 ? -errno : fd;
}

int ipcchan_mbox_unlink(int dev, const char *name)
{
	return ipcchan__unlink(dev, IPCCHAN_OBJ_MAILBOX, name);
}

void ipcchan_mbox_msg_init(struct ipcchan_mbox_msg *m, const void *buf,
			   uint32_t len, uint32_t prio)
{
	memset(m, 0, sizeof(*m));
	m->buf = (uintptr_t)buf;
	m->len = len;
	m->prio = prio;
}

int ipcchan_mbox_xfer_init(struct ipcchan_mbox_xfer *x,
			   struct ipcchan_mbox_msg *msgs, unsigned int count,
			   uint32_t flags, int64_t timeout_ns)
{
	if (!count || count > IPCCHAN_MBOX_BATCH_MAX)
		return -EINVAL;
	/* TIMEOUT is ours to set; ABSTIME means nothing without a time. */
	if (flags & IPCCHAN_XFER_TIMEOUT)
		return -EINVAL;
	if ((flags & IPCCHAN_XFER_ABSTIME) && timeout_ns < 0)
		return -EINVAL;
	memset(x, 0, sizeof(*x));
	x->size = sizeof(*x);
	x->flags = flags;
	if (timeout_ns >= 0) {
		x->flags |= IPCCHAN_XFER_TIMEOUT;
		x->timeout_ns = (uint64_t)timeout_ns;
	}
	x->msgs = (uintptr_t)msgs;
	x->count = count;
	x->msg_size = sizeof(*msgs);
	return 0;
}

static int xfer(int fd, unsigned long cmd, struct ipcchan_mbox_msg *msgs,
		unsigned int count, uint32_t flags, int64_t timeout_ns)
{
	struct ipcchan_mbox_xfer x;
	int ret;

	/* Flags we do not know are the kernel's to judge. */
	ret = ipcchan_mbox_xfer_init(&x, msgs, count, flags, timeout_ns);
	if (ret)
		return ret;
	ret = ioctl(fd, cmd, &x);
	return ret < 0 ? -errno : ret;
}

int ipcchan_mbox_send_batch(int fd, struct ipcchan_mbox_msg *msgs,
			    unsigned int count, uint32_t flags,
			    int64_t timeout_ns)
{
	return xfer(fd, IPCCHAN_IOC_MBOX_SEND, msgs, count, flags, timeout_ns);
}

int ipcchan_mbox_recv_batch(int fd, struct ipcchan_mbox_msg *msgs,
			    unsigned int count, uint32_t flags,
			    int64_t timeout_ns)
{
	return xfer(fd, IPCCHAN_IOC_MBOX_RECV, msgs, count, flags, timeout_ns);
}

int ipcchan_mbox_send(int fd, const void *buf, uint32_t len, uint32_t prio,
		      uint32_t flags, int64_t timeout_ns)
{
	struct ipcchan_mbox_msg m;
	int ret;

	ipcchan_mbox_msg_init(&m, buf, len, prio);
	ret = ipcchan_mbox_send_batch(fd, &m, 1, flags, timeout_ns);
	return ret < 0 ? ret : 0;
}

int ipcchan_mbox_recv(int fd, void *buf, uint32_t len, uint32_t flags,
		      int64_t timeout_ns, struct ipcchan_mbox_msg *meta)
{
	struct ipcchan_mbox_msg m;
	int ret;

	ipcchan_mbox_msg_init(&m, buf, len, 0);
	ret = ipcchan_mbox_recv_batch(fd, &m, 1, flags, timeout_ns);
	if (ret < 0)
		return ret;
	if (ret != 1)	/* the kernel returns a count of 1 for one message */
		return -EPROTO;
	if (meta)
		*meta = m;
	/* At most the hard maximum message size, so it fits an int. */
	return (int)m.len;
}

int ipcchan_mbox_get_attr(int fd, struct ipcchan_mbox_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	return ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, attr) ? -errno : 0;
}

int ipcchan_mbox_get_stats(int fd, struct ipcchan_mbox_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, IPCCHAN_IOC_MBOX_GET_STATS, st) ? -errno : 0;
}

uint64_t ipcchan_mbox_residence_quantile(const struct ipcchan_mbox_stats *st,
					 double q)
{
	uint64_t total = 0, seen = 0, rank;
	unsigned int i;

	if (!(q >= 0.0 && q <= 1.0))	/* also rejects NaN */
		return 0;
	for (i = 0; i < IPCCHAN_MBOX_HIST_BUCKETS; i++)
		total += st->residence_hist[i];
	if (!total)
		return 0;
	/* The rank of the quantile among 1..total, at least the first. */
	rank = (uint64_t)(q * (double)total + 0.999999999);
	if (rank < 1)
		rank = 1;
	if (rank > total)
		rank = total;
	for (i = 0; i < IPCCHAN_MBOX_HIST_BUCKETS - 1; i++) {
		seen += st->residence_hist[i];
		if (seen >= rank)
			return (uint64_t)2 << i;	/* bucket i ends at 2^(i+1) */
	}
	return UINT64_MAX;
}
