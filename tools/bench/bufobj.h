/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One kernel buffer per mechanism, at its default settings, with the
 * occupancy the kernel reports for it to an unprivileged user. Used by
 * capacity.c (fill until the writer would block) and timeline.c
 * (occupancy over time), so that both see the very same configuration.
 *
 * "Default settings" means what a program gets without raising a limit:
 * pipe and FIFO at the default pipe size, sockets with default buffers,
 * POSIX mq at fs.mqueue.msg_max messages of the message size (what an
 * unprivileged user may ask for), SysV msg at kernel.msgmnb, a mailbox at
 * IPCCHAN_MBOX_DEFAULT_CAPACITY, a ring of 256 KiB (the ring of ipcbench).
 *
 * Occupancy is read in the kernel's own unit (the "level": bytes for
 * pipes and sockets, messages for queues, ring bytes for rings) and
 * converted to messages with the level of one message, measured when the
 * object is opened (bufobj_open): for a Unix datagram socket that is the
 * truesize of one skb, which is what the send buffer limits.
 */
#ifndef IPCBENCH_BUFOBJ_H
#define IPCBENCH_BUFOBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Who uses an object after fork: each keeps only what it needs. */
enum bufobj_role { BO_PRODUCER, BO_CONSUMER, BO_SAMPLER, BO_BOTH };

/* One reading of an object's kernel state. */
struct bufobj_sample {
	double level;		/* occupancy in the kernel's unit (level_src) */
	double aux;		/* a second kernel value (aux_src), NAN if none */
	int64_t dropped;	/* messages the kernel dropped so far, -1: never drops */
	int blocked;		/* the mechanism's own writer-blocked signal, -1: none */
};

struct bufobj;

/*
 * A mechanism. @send and @recv move one message (or, for byte streams,
 * as much of it as one call takes) and return the bytes moved or -1 with
 * errno (EAGAIN with @nonblock when full or empty, EINTR on a signal).
 */
struct bufobj_type {
	const char *name, *desc;
	const char *level_src;	/* where the level comes from */
	const char *aux_src;	/* where aux comes from, or NULL */
	const char *blocked_src;	/* the mechanism's blocked signal, or NULL */
	long send_nr;		/* the system call a blocked writer sleeps in */
	bool stream;		/* byte stream: a message may take several calls */
	bool drops;		/* a full buffer drops messages, never blocks */
	int policy;		/* mailbox overflow policy */
	int (*available)(char *why, size_t len);
	int (*open)(struct bufobj *o, char *why, size_t len);
	void (*attach)(struct bufobj *o, enum bufobj_role role);
	ssize_t (*send)(struct bufobj *o, const void *buf, size_t len, bool nonblock);
	ssize_t (*recv)(struct bufobj *o, void *buf, size_t len, bool nonblock);
	int (*sample)(struct bufobj *o, struct bufobj_sample *s);
	void (*close)(struct bufobj *o);
};

struct ipcchan_ring;

struct bufobj {
	const struct bufobj_type *type;
	size_t size;		/* message size */
	double unit;		/* level of one queued message */
	int wfd, rfd;		/* write and read ends (or the one object fd) */
	int wnb, rnb;		/* O_NONBLOCK state of wfd/rfd, -1 unknown */
	int id;			/* SysV queue id */
	unsigned char *mbuf;	/* SysV: mtype + payload */
	struct ipcchan_ring *prod, *cons;
	const uint32_t *ppos, *cpos, *pwait;	/* ring pages, read-only */
	void *map[2];
	size_t maplen[2];
};

extern const struct bufobj_type *const bufobj_types[];
const struct bufobj_type *bufobj_find(const char *name);

/* Create the object and measure the level of one message (o->unit). */
int bufobj_open(struct bufobj *o, const struct bufobj_type *t, size_t size,
		char *why, size_t len);
/* A whole message, waiting as the mechanism does; 0 or -1 with errno. */
int bufobj_send_msg(struct bufobj *o, const void *buf);
int bufobj_recv_msg(struct bufobj *o, void *buf);
/* Read the object's kernel state (aux NAN, dropped and blocked -1 if none). */
int bufobj_sample(struct bufobj *o, struct bufobj_sample *s);
/* Keep what @role needs after fork (BO_BOTH: everything, one process). */
static inline void bufobj_attach(struct bufobj *o, enum bufobj_role role)
{
	o->type->attach(o, role);
}

static inline void bufobj_close(struct bufobj *o)
{
	o->type->close(o);
}

/* The level in messages. */
static inline double bufobj_msgs(const struct bufobj *o, const struct bufobj_sample *s)
{
	return o->unit > 0 ? s->level / o->unit : 0;
}

#endif
