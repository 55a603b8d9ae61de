/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capacity of a kernel buffer: fill it without reading until the writer
 * would block. One method, used by ipcbench --timeline (each plateau is
 * checked against it) and meant for ipcbench --props.
 */
#ifndef IPCBENCH_CAPACITY_H
#define IPCBENCH_CAPACITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * @msgs: messages held when full, bytes / size (whole messages, but a
 *	byte stream may hold part of its last one)
 * @bytes: payload bytes held when full
 * @level: the kernel's occupancy when full, in its unit (bufobj.h)
 * @unit: the kernel's occupancy of one message
 * @stop: why filling stopped: EAGAIN (the writer would block), ENOBUFS
 *	(the kernel dropped a message), 0 (the limit was reached)
 */
struct capacity {
	double msgs;
	uint64_t bytes;
	double level;
	double unit;
	int stop;
};

/*
 * One non-blocking send of @len bytes: returns the bytes taken, or -1 with
 * errno EAGAIN when a blocking writer would wait, ENOBUFS when the buffer
 * took the message but the kernel dropped one (a dropping mechanism is
 * full), anything else on error.
 */
typedef ssize_t (*capacity_send_fn)(void *ctx, const void *buf, size_t len);

/*
 * capacity_fill - send @buf (@len bytes) through @send until it would block
 *
 * "Would block" is an EAGAIN that persists: after one, the fill waits
 * 10 ms and tries again, and it stops after CAPACITY_RETRIES such tries in
 * a row (a TCP sender gets room back as the receiver acknowledges). Fills
 * c->msgs, c->bytes and c->stop; stops anyway after @limit messages.
 * Returns 0, or -1 with errno when a send failed otherwise.
 */
#define CAPACITY_RETRIES	5
int capacity_fill(capacity_send_fn send, void *ctx, const void *buf, size_t len,
		  uint64_t limit, struct capacity *c);

/*
 * capacity_measure - the capacity of mechanism @mech at @size bytes
 *
 * @mech is a bufobj name (pipe, fifo, posix-mq, sysv-msg, unix-stream,
 * unix-dgram, unix-seqpacket, tcp, mbox-block, mbox-drop-newest,
 * mbox-drop-oldest, ring): a fresh object at its default settings, filled
 * with capacity_fill() and then read back (c->level, c->unit). Returns 0,
 * 1 when the mechanism cannot run here (reason in @why), -1 on error.
 */
int capacity_measure(const char *mech, size_t size, struct capacity *c,
		     char *why, size_t len);

#endif
