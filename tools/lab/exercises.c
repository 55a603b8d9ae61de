// SPDX-License-Identifier: GPL-2.0
/*
 * The eight exercises. Each question names one cell of the property
 * table (mechanism, row, message size) and how to read an answer out of
 * it; nothing here says what the answer is. Each claim is a sentence of
 * the explanation that the measurement must bear out: check --measured
 * fails when a kernel (or a change to ipcbench) makes one untrue, so the
 * explanation cannot silently go stale.
 *
 * Questions may be added freely (a new mechanism or row in ipcbench
 * --props, such as a rendezvous mailbox, is one more entry): a question
 * whose mechanism this ipcbench does not have is reported as not
 * measured rather than failed.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "lab.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* The measured number of a cell, NAN (and @why) when there is none. */
#define NUM(mech, row, size, fn)	lab_num(L, mech, row, size, fn, why, len)
#define WORD(mech, row, size, fn, buf)	\
	lab_word(L, mech, row, size, fn, buf, sizeof(buf), why, len)

/* Fail a claim: what was seen. */
static int seen(char *why, size_t len, const char *fmt, double a, double b)
{
	snprintf(why, len, fmt, a, b);
	return 0;
}

/* A number from a /proc/sys file; -1 if unreadable. */
static long sysctl_num(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/*
 * A mechanism this ipcbench (or the saved document) does not have, such
 * as a rendezvous mailbox on an older one: claims about it are skipped,
 * as its questions are.
 */
static bool lacks(const struct lab *L, const char *mech, char *why, size_t len)
{
	struct lab_question q = { .mech = mech, .row = "capacity", .size = 64,
				  .extract = ex_count };
	struct lab_value v;

	lab_measured(L, &q, &v);
	if (v.absent)
		snprintf(why, len, "%s", v.why);
	return v.absent;
}

/* Claims about this machine's settings hold only for a live measurement. */
#define LIVE_ONLY() do {						\
	if (!L->live) {							\
		snprintf(why, len, "a saved document: this machine's "	\
			 "settings need not be the measured one's");	\
		return -1;						\
	}								\
} while (0)

/* ------------------------------------------------------------------ */
/* 1. Byte streams and messages */

static const struct lab_question q_boundaries[] = {
	{ "pipe-read", "pipe", "boundaries", 64, ex_read_bytes, 0, 0,
	  "pipe: two writes of 64 B, then one read(fd, buf, 128). Bytes returned?", "bytes" },
	{ "unix-stream-read", "unix-stream", "boundaries", 64, ex_read_bytes, 0, 0,
	  "Unix stream socket: the same. Bytes returned?", "bytes" },
	{ "unix-dgram-read", "unix-dgram", "boundaries", 64, ex_read_bytes, 0, 0,
	  "Unix datagram socket: the same. Bytes returned?", "bytes" },
	{ "mbox-read", "mbox-rw", "boundaries", 64, ex_read_bytes, 0, 0,
	  "ipcchan mailbox (read/write): the same. Bytes returned?", "bytes" },
	{ "pipe-short", "pipe", "short-read", 64, ex_short_read, 0, 0,
	  "pipe: one 64 B message, read with a 32 B buffer. What happens?",
	  "partial|truncate|ERRNO" },
	{ "unix-dgram-short", "unix-dgram", "short-read", 64, ex_short_read, 0, 0,
	  "Unix datagram socket: the same. What happens?", "partial|truncate|ERRNO" },
	{ "posix-mq-short", "posix-mq", "short-read", 64, ex_short_read, 0, 0,
	  "POSIX mq: the same (mq_receive). What happens?", "partial|truncate|ERRNO" },
	{ "sysv-msg-short", "sysv-msg", "short-read", 64, ex_short_read, 0, 0,
	  "SysV msg: the same (msgrcv without MSG_NOERROR). What happens?",
	  "partial|truncate|ERRNO" },
	{ "mbox-short", "mbox-rw", "short-read", 64, ex_short_read, 0, 0,
	  "mailbox: the same. What happens?", "partial|truncate|ERRNO" },
	{ "pipe-zero", "pipe", "zero-length", 64, ex_yes_no, 0, 0,
	  "pipe: does a write of 0 B give the reader something to receive?", "yes|no" },
	{ "mbox-zero", "mbox-rw", "zero-length", 64, ex_yes_no, 0, 0,
	  "mailbox: does a send of 0 B give the receiver a message?", "yes|no" },
};

static const char *const msg_mechs[] = { "pipe", "unix-stream", "unix-dgram", "posix-mq",
					 "sysv-msg", "mbox-rw" };

/* Keeping boundaries and carrying empty messages go together. */
static int c_zero_iff_boundaries(const struct lab *L, char *why, size_t len)
{
	char b[48], z[48];
	size_t i;

	for (i = 0; i < N(msg_mechs); i++) {
		WORD(msg_mechs[i], "boundaries", 64, ex_yes_no, b);
		WORD(msg_mechs[i], "zero-length", 64, ex_yes_no, z);
		if (!*b || !*z)
			return 0;
		if (strcmp(b, z)) {
			snprintf(why, len, "%s: boundaries %s, zero-length %s", msg_mechs[i], b, z);
			return 0;
		}
	}
	return 1;
}

/* No mechanism that keeps boundaries leaves part of a message behind. */
static int c_no_partial_message(const struct lab *L, char *why, size_t len)
{
	char b[48], s[48];
	size_t i;

	for (i = 0; i < N(msg_mechs); i++) {
		WORD(msg_mechs[i], "boundaries", 64, ex_yes_no, b);
		WORD(msg_mechs[i], "short-read", 64, ex_short_read, s);
		if (!*b || !*s)
			return 0;
		if (!strcmp(b, "yes") && !strcmp(s, "partial")) {
			snprintf(why, len, "%s keeps boundaries but reads part of a message",
				 msg_mechs[i]);
			return 0;
		}
	}
	return 1;
}

static const struct lab_claim c_boundaries[] = {
	{ "a mechanism keeps message boundaries exactly when it carries zero-length "
	  "messages (pipe, Unix stream, Unix datagram, POSIX mq, SysV msg, mailbox)",
	  c_zero_iff_boundaries },
	{ "no mechanism that keeps boundaries returns part of a message and keeps the rest",
	  c_no_partial_message },
};

/* ------------------------------------------------------------------ */
/* 2. Bounded capacity */

static const struct lab_question q_capacity[] = {
	{ "pipe-1", "pipe", "capacity", 1, ex_count, 0, 0,
	  "pipe: how many 1 B messages fit before a non-blocking write fails?", "messages" },
	{ "pipe-64", "pipe", "capacity", 64, ex_count, 0, 0,
	  "pipe: how many 64 B messages?", "messages" },
	{ "pipe-4096", "pipe", "capacity", 4096, ex_count, 0, 0,
	  "pipe: how many 4 KiB messages?", "messages" },
	{ "posix-mq-64", "posix-mq", "capacity", 64, ex_count, 0, 0,
	  "POSIX mq with default attributes: how many 64 B messages?", "messages" },
	{ "sysv-msg-64", "sysv-msg", "capacity", 64, ex_count, 0, 0,
	  "SysV msg queue: how many 64 B messages?", "messages" },
	{ "sysv-msg-4096", "sysv-msg", "capacity", 4096, ex_count, 0, 0,
	  "SysV msg queue: how many 4 KiB messages?", "messages" },
	{ "unix-dgram-1", "unix-dgram", "capacity", 1, ex_count, 0, 0,
	  "Unix datagram socketpair: how many 1 B datagrams?", "messages" },
	{ "unix-dgram-64", "unix-dgram", "capacity", 64, ex_count, 0, 0,
	  "Unix datagram socketpair: how many 64 B datagrams?", "messages" },
	{ "mbox-64", "mbox-rw", "capacity", 64, ex_count, 0, 0,
	  "default mailbox: how many 64 B messages?", "messages" },
	{ "mbox-4096", "mbox-rw", "capacity", 4096, ex_count, 0, 0,
	  "default mailbox: how many 4 KiB messages?", "messages" },
};

/* Messages x size: the bytes a mechanism held at message size @s. */
static double held(const struct lab *L, const char *mech, size_t s, char *why, size_t len)
{
	return NUM(mech, "capacity", s, ex_count) * (double)s;
}

static int c_pipe_bytes(const struct lab *L, char *why, size_t len)
{
	double b1 = held(L, "pipe", 1, why, len), b64 = held(L, "pipe", 64, why, len);
	double b4k = held(L, "pipe", 4096, why, len);

	if (isnan(b1) || isnan(b64) || isnan(b4k))
		return 0;
	if (b1 != b64 || b64 != b4k)
		return seen(why, len, "%.0f B at 1 B, %.0f B at 64 B", b1, b64);
	return 1;
}

static int c_pipe_size(const struct lab *L, char *why, size_t len)
{
	double b = held(L, "pipe", 64, why, len);
	int p[2], sz;

	LIVE_ONLY();
	if (isnan(b) || pipe(p) < 0)
		return 0;
	sz = fcntl(p[0], F_GETPIPE_SZ);
	close(p[0]);
	close(p[1]);
	if (b != (double)sz)
		return seen(why, len, "held %.0f B, F_GETPIPE_SZ %.0f", b, (double)sz);
	return 1;
}

static int c_sysv_bytes(const struct lab *L, char *why, size_t len)
{
	double b64 = held(L, "sysv-msg", 64, why, len), b4k = held(L, "sysv-msg", 4096, why, len);
	long mnb;

	if (isnan(b64) || isnan(b4k))
		return 0;
	if (b64 != b4k)
		return seen(why, len, "%.0f B at 64 B, %.0f B at 4 KiB", b64, b4k);
	if (!L->live)
		return 1;
	mnb = sysctl_num("/proc/sys/kernel/msgmnb");
	if (mnb >= 0 && b64 != (double)mnb)
		return seen(why, len, "held %.0f B, kernel.msgmnb %.0f", b64, (double)mnb);
	return 1;
}

static int c_mq_msgs(const struct lab *L, char *why, size_t len)
{
	double m1 = NUM("posix-mq", "capacity", 1, ex_count);
	double m4k = NUM("posix-mq", "capacity", 4096, ex_count);
	long def;

	if (isnan(m1) || isnan(m4k))
		return 0;
	if (m1 != m4k)
		return seen(why, len, "%.0f at 1 B, %.0f at 4 KiB", m1, m4k);
	if (!L->live)
		return 1;
	def = sysctl_num("/proc/sys/fs/mqueue/msg_default");
	if (def >= 0 && m1 != (double)def)
		return seen(why, len, "held %.0f, fs.mqueue.msg_default %.0f", m1, (double)def);
	return 1;
}

static int c_mbox_msgs(const struct lab *L, char *why, size_t len)
{
	double m1 = NUM("mbox-rw", "capacity", 1, ex_count);
	double m4k = NUM("mbox-rw", "capacity", 4096, ex_count);

	if (isnan(m1) || isnan(m4k))
		return 0;
	if (m1 != IPCCHAN_MBOX_DEFAULT_CAPACITY || m4k != IPCCHAN_MBOX_DEFAULT_CAPACITY)
		return seen(why, len, "%.0f at 1 B, %.0f at 4 KiB", m1, m4k);
	return 1;
}

static int c_dgram_count(const struct lab *L, char *why, size_t len)
{
	double m1 = NUM("unix-dgram", "capacity", 1, ex_count);
	double m64 = NUM("unix-dgram", "capacity", 64, ex_count);

	if (isnan(m1) || isnan(m64))
		return 0;
	if (m1 != m64)
		return seen(why, len, "%.0f at 1 B, %.0f at 64 B", m1, m64);
	return 1;
}

static const struct lab_claim c_capacity[] = {
	{ "a pipe holds the same number of bytes whatever the message size", c_pipe_bytes },
	{ "that number is the pipe's size, F_GETPIPE_SZ of a new pipe", c_pipe_size },
	{ "a SysV queue holds kernel.msgmnb bytes whatever the message size", c_sysv_bytes },
	{ "a POSIX mq holds fs.mqueue.msg_default messages whatever their size", c_mq_msgs },
	{ "a default mailbox holds IPCCHAN_MBOX_DEFAULT_CAPACITY messages whatever their size",
	  c_mbox_msgs },
	{ "a Unix datagram socket holds as many 1 B datagrams as 64 B ones", c_dgram_count },
};

/* ------------------------------------------------------------------ */
/* 3. Blocking, timeouts and rendezvous */

static const struct lab_question q_blocking[] = {
	{ "pipe-nb-empty", "pipe", "nb-empty", 64, ex_nonblock, 0, 0,
	  "pipe, O_NONBLOCK, empty: what does read() return?", "ERRNO" },
	{ "sysv-msg-nb-empty", "sysv-msg", "nb-empty", 64, ex_nonblock, 0, 0,
	  "SysV msg, IPC_NOWAIT, empty: what does msgrcv() fail with?", "ERRNO" },
	{ "mbox-nb-full", "mbox-rw", "nb-full", 64, ex_nonblock, 0, 0,
	  "mailbox, O_NONBLOCK, full: what does write() return?", "ERRNO|drop|partial" },
	{ "pipe-full", "pipe", "full", 64, ex_full, 0, 0,
	  "pipe, full: what does a blocking write do?", "block|drop|fail" },
	{ "mbox-full", "mbox-rw", "full", 64, ex_full, 0, 0,
	  "mailbox (default policy), full: what does a blocking send do?", "block|drop|fail" },
	{ "udp-full", "udp", "full", 64, ex_full, 0, 0,
	  "UDP over loopback, receiver's buffer full: what does a blocking send do?",
	  "block|drop|fail" },
	{ "signal-full", "signal", "full", 1, ex_full, 0, 0,
	  "a standard signal, already pending: what does sigqueue() do?", "block|drop|fail" },
	{ "rt-signal-full", "rt-signal", "full", 1, ex_full, 0, 0,
	  "real-time signals, RLIMIT_SIGPENDING reached: what does sigqueue() do?",
	  "block|drop|fail" },
	{ "pipe-timed-empty", "pipe", "timed-empty", 64, ex_timed, 0, 0,
	  "pipe, empty: what does a read with a timeout give up with (none if the pipe "
	  "has no such call)?", "ERRNO|none" },
	{ "posix-mq-timed-empty", "posix-mq", "timed-empty", 64, ex_timed, 0, 0,
	  "POSIX mq, empty: what does mq_timedreceive() with a 50 ms timeout return?",
	  "ERRNO|none" },
	{ "unix-dgram-timed-empty", "unix-dgram", "timed-empty", 64, ex_timed, 0, 0,
	  "Unix datagram socket with SO_RCVTIMEO of 50 ms, empty: what does recv() "
	  "return?", "ERRNO|none" },
	{ "udp-timed-full", "udp", "timed-full", 64, ex_timed, 0, 0,
	  "UDP with SO_SNDTIMEO of 50 ms, receiver's buffer full: what does send() do?",
	  "ERRNO|none|drop" },
	{ "mbox-rdv-capacity", "mbox-rendezvous", "capacity", 64, ex_count, 0, 0,
	  "rendezvous mailbox (ipcchan mbox create --policy rendezvous): how many 64 B "
	  "messages does it hold with no receiver?", "messages" },
	{ "mbox-rdv-nb-full", "mbox-rendezvous", "nb-full", 64, ex_nonblock, 0, 0,
	  "rendezvous mailbox, no receiver waiting: what does a non-blocking send return?",
	  "ERRNO|drop|partial" },
	{ "mbox-rdv-full", "mbox-rendezvous", "full", 64, ex_full, 0, 0,
	  "rendezvous mailbox, no receiver waiting: what does a blocking send do?",
	  "block|drop|fail" },
	{ "mbox-rdv-timed-full", "mbox-rendezvous", "timed-full", 64, ex_timed, 0, 0,
	  "rendezvous mailbox, no receiver: what does a send with a 50 ms timeout return?",
	  "ERRNO|none|drop" },
};

static const char *const block_mechs[] = { "pipe", "unix-stream", "unix-dgram", "udp",
					   "posix-mq", "sysv-msg", "signal", "rt-signal",
					   "mbox-rw" };

/* Blocking and non-blocking sends agree on what a full buffer means. */
static int c_nb_matches_full(const struct lab *L, char *why, size_t len)
{
	char f[48], nb[48];
	size_t i;
	int sz;

	for (i = 0; i < N(block_mechs); i++) {
		sz = strstr(block_mechs[i], "signal") ? 1 : 64;
		WORD(block_mechs[i], "full", sz, ex_full, f);
		WORD(block_mechs[i], "nb-full", sz, ex_nonblock, nb);
		if (!*f || !*nb)
			return 0;
		if ((!strcmp(f, "block") && strcmp(nb, "EAGAIN")) ||
		    (!strcmp(f, "drop") && strcmp(nb, "drop")) ||
		    (!strcmp(f, "fail") && !strcmp(nb, "drop"))) {
			snprintf(why, len, "%s: blocking send %s, non-blocking %s",
				 block_mechs[i], f, nb);
			return 0;
		}
	}
	return 1;
}

/* Empty: EAGAIN, but for SysV's ENOMSG. */
static int c_empty(const struct lab *L, char *why, size_t len)
{
	static const char *const m[] = { "pipe", "unix-dgram", "posix-mq", "sysv-msg", "mbox-rw" };
	char e[48];
	size_t i;

	for (i = 0; i < N(m); i++) {
		WORD(m[i], "nb-empty", 64, ex_nonblock, e);
		if (!*e)
			return 0;
		if (strcmp(e, strcmp(m[i], "sysv-msg") ? "EAGAIN" : "ENOMSG")) {
			snprintf(why, len, "%s: %s", m[i], e);
			return 0;
		}
	}
	return 1;
}

/* The mechanisms with a timed form the explanation names, and the error it gives. */
static const struct {
	const char *mech, *err;
} timed_errs[] = {
	{ "posix-mq", "ETIMEDOUT" }, { "mbox-ioctl", "ETIMEDOUT" },
	{ "mbox-rendezvous", "ETIMEDOUT" }, { "unix-stream", "EAGAIN" },
	{ "unix-dgram", "EAGAIN" },
};

/*
 * A timed call gives up with ETIMEDOUT (mq, mailbox) or EAGAIN (sockets),
 * and only after its timeout: "EAGAIN at once" would be a plain
 * non-blocking call.
 */
static int c_timed_errors(const struct lab *L, char *why, size_t len)
{
	static const char *const rows[] = { "timed-empty", "timed-full" };
	char want[64], w[200];
	const char *c;
	size_t i, k;

	for (i = 0; i < N(timed_errs); i++)
		for (k = 0; k < N(rows) && !lacks(L, timed_errs[i].mech, why, len); k++) {
			c = lab_cell(L, timed_errs[i].mech, rows[k], 64, w, sizeof(w));
			if (!c) {
				snprintf(why, len, "%s %s: %s", timed_errs[i].mech, rows[k], w);
				return 0;
			}
			snprintf(want, sizeof(want), "%s after the timeout", timed_errs[i].err);
			if (strcmp(c, want)) {
				snprintf(why, len, "%s %s: %s", timed_errs[i].mech, rows[k], c);
				return 0;
			}
		}
	return 1;
}

/* A timed send gives up where a blocking one blocks, and drops where it drops. */
static int c_timed_matches_full(const struct lab *L, char *why, size_t len)
{
	static const char *const m[] = { "pipe", "unix-dgram", "udp", "posix-mq", "sysv-msg",
					 "mbox-rw", "mbox-ioctl", "mbox-rendezvous" };
	char f[48], t[48];
	size_t i;

	for (i = 0; i < N(m); i++) {
		if (lacks(L, m[i], why, len))
			continue;
		WORD(m[i], "full", 64, ex_full, f);
		WORD(m[i], "timed-full", 64, ex_timed, t);
		if (!*f || !*t)
			return 0;
		if (!strcmp(t, "none"))
			continue;
		if (strcmp(f, "block") ? strcmp(t, f) : t[0] != 'E') {
			snprintf(why, len, "%s: blocking send %s, timed send %s", m[i], f, t);
			return 0;
		}
	}
	return 1;
}

/*
 * A rendezvous mailbox holds nothing: capacity 0 at every size, a
 * non-blocking send with no receiver gets EAGAIN and a blocking one
 * waits; its sender is woken by the one receive that takes its message.
 */
static int c_rendezvous(const struct lab *L, char *why, size_t len)
{
	static const size_t sz[] = { 1, 64, 4096 };
	double cap, wake;
	char nb[48], f[48];
	size_t i;

	if (lacks(L, "mbox-rendezvous", why, len))
		return -1;
	for (i = 0; i < N(sz); i++) {
		cap = NUM("mbox-rendezvous", "capacity", sz[i], ex_count);
		wake = NUM("mbox-rendezvous", "wake", sz[i], ex_count);
		WORD("mbox-rendezvous", "nb-full", sz[i], ex_nonblock, nb);
		WORD("mbox-rendezvous", "full", sz[i], ex_full, f);
		if (isnan(cap) || isnan(wake) || !*nb || !*f)
			return 0;
		if (cap != 0 || wake != 1 || strcmp(nb, "EAGAIN") || strcmp(f, "block")) {
			snprintf(why, len, "%zu B: capacity %.0f, non-blocking send %s, blocking "
				 "send %s, woken after %.0f", sz[i], cap, nb, f, wake);
			return 0;
		}
	}
	return 1;
}

static const struct lab_claim c_blocking[] = {
	{ "an empty buffer gives EAGAIN to a non-blocking receive, except SysV msg's ENOMSG",
	  c_empty },
	{ "where a blocking send blocks, a non-blocking one fails with EAGAIN; where it "
	  "drops, the non-blocking one drops too and reports success",
	  c_nb_matches_full },
	{ "a timed call of POSIX mq or a mailbox gives up with ETIMEDOUT, one of a socket "
	  "with EAGAIN, and each only after its timeout", c_timed_errors },
	{ "a timed send gives up where a blocking send blocks, and drops where it drops",
	  c_timed_matches_full },
	{ "a rendezvous mailbox holds nothing: capacity 0, EAGAIN for a non-blocking send "
	  "with no receiver, a blocking one waits, and one receive wakes it", c_rendezvous },
};

/* ------------------------------------------------------------------ */
/* 4. Who wakes the writer */

static const struct lab_question q_wake[] = {
	{ "pipe-1", "pipe", "wake", 1, ex_count, 0, 0,
	  "pipe full of 1 B messages, a writer blocked: how many does the reader take "
	  "before the writer runs again?", "messages" },
	{ "pipe-64", "pipe", "wake", 64, ex_count, 0, 0,
	  "the same with 64 B messages?", "messages" },
	{ "pipe-4096", "pipe", "wake", 4096, ex_count, 0, 0,
	  "the same with 4 KiB messages?", "messages" },
	{ "posix-mq-64", "posix-mq", "wake", 64, ex_count, 0, 0,
	  "POSIX mq, 64 B messages?", "messages" },
	{ "unix-dgram-64", "unix-dgram", "wake", 64, ex_count, 0, 0,
	  "Unix datagram socket, 64 B messages?", "messages" },
	{ "mbox-64", "mbox-rw", "wake", 64, ex_count, 0, 0,
	  "default mailbox, 64 B messages?", "messages" },
	{ "ring-64", "ring", "wake", 64, ex_count, 0, 0,
	  "shared ring (libipcchan producer), 64 B records?", "messages" },
	{ "mbox-rdv-64", "mbox-rendezvous", "wake", 64, ex_count, 0, 0,
	  "rendezvous mailbox (capacity 0), a sender blocked: 64 B messages?", "messages" },
};

static int c_pipe_page(const struct lab *L, char *why, size_t len)
{
	double w1 = NUM("pipe", "wake", 1, ex_count), w64 = NUM("pipe", "wake", 64, ex_count);
	double w4k = NUM("pipe", "wake", 4096, ex_count);
	long page = sysconf(_SC_PAGESIZE);

	if (isnan(w1) || isnan(w64) || isnan(w4k))
		return 0;
	if (w1 * 1 != w64 * 64 || w1 != w4k * 4096)
		return seen(why, len, "%.0f B at 1 B, %.0f B at 4 KiB", w1, w4k * 4096);
	if (L->live && w1 != (double)page)
		return seen(why, len, "woken after %.0f B, page size %.0f", w1, (double)page);
	return 1;
}

static int c_mbox_lowat(const struct lab *L, char *why, size_t len)
{
	double cap = NUM("mbox-rw", "capacity", 64, ex_count);
	double w1 = NUM("mbox-rw", "wake", 1, ex_count), w4k = NUM("mbox-rw", "wake", 4096, ex_count);

	if (isnan(cap) || isnan(w1) || isnan(w4k))
		return 0;
	if (w1 != w4k || w1 != floor(cap / 4))
		return seen(why, len, "woken after %.0f messages, capacity %.0f", w1, cap);
	return 1;
}

static int c_one_msg(const struct lab *L, char *why, size_t len)
{
	double mq = NUM("posix-mq", "wake", 64, ex_count), sv = NUM("sysv-msg", "wake", 64, ex_count);

	if (isnan(mq) || isnan(sv))
		return 0;
	if (mq != 1 || sv != 1)
		return seen(why, len, "POSIX mq %.0f, SysV %.0f", mq, sv);
	return 1;
}

static const struct lab_claim c_wake[] = {
	{ "a pipe wakes its writer once a whole page is free, whatever the message size",
	  c_pipe_page },
	{ "a mailbox wakes its writer once send_lowat slots are free: by default a quarter "
	  "of the capacity, whatever the message size", c_mbox_lowat },
	{ "POSIX mq and SysV msg wake the writer as soon as one message is taken", c_one_msg },
};

/* ------------------------------------------------------------------ */
/* 5. Where the bytes live */

static const struct lab_question q_memory[] = {
	{ "pipe-1", "pipe", "memory", 1, ex_bytes, 32, 0.25,
	  "pipe: kernel memory (memory cgroup) per queued 1 B message?", "bytes" },
	{ "pipe-4096", "pipe", "memory", 4096, ex_bytes, 32, 0.25,
	  "pipe: per queued 4 KiB message?", "bytes" },
	{ "unix-dgram-1", "unix-dgram", "memory", 1, ex_bytes, 32, 0.25,
	  "Unix datagram socket: per queued 1 B datagram?", "bytes" },
	{ "posix-mq-1", "posix-mq", "memory", 1, ex_bytes, 32, 0.25,
	  "POSIX mq: per queued 1 B message?", "bytes" },
	{ "mbox-1", "mbox-rw", "memory", 1, ex_bytes, 32, 0.25,
	  "mailbox: per queued 1 B message?", "bytes" },
	{ "mbox-4096", "mbox-rw", "memory", 4096, ex_bytes, 32, 0.25,
	  "mailbox: per queued 4 KiB message?", "bytes" },
};

static int c_mbox_reserved(const struct lab *L, char *why, size_t len)
{
	static const size_t sizes[] = { 1, 64, 4096 };
	double m;
	size_t i;

	for (i = 0; i < N(sizes); i++) {
		m = NUM("mbox-rw", "memory", sizes[i], ex_bytes);
		if (isnan(m))
			return 0;
		if (fabs(m) > 32)
			return seen(why, len, "%.0f B per message at %.0f B", m, (double)sizes[i]);
	}
	return 1;
}

static int c_dgram_overhead(const struct lab *L, char *why, size_t len)
{
	double d1 = NUM("unix-dgram", "memory", 1, ex_bytes);
	double d64 = NUM("unix-dgram", "memory", 64, ex_bytes);

	if (isnan(d1) || isnan(d64))
		return 0;
	if (d1 < 256 || fabs(d1 - d64) > 0.25 * d1)
		return seen(why, len, "%.0f B at 1 B, %.0f B at 64 B", d1, d64);
	return 1;
}

static const struct lab_claim c_memory[] = {
	{ "a mailbox charges its memory when it is created: a queued message adds "
	  "nothing (within 32 B)", c_mbox_reserved },
	{ "a small datagram costs hundreds of bytes, the same at 1 B and 64 B "
	  "(within 25%)", c_dgram_overhead },
};

/* ------------------------------------------------------------------ */
/* 6. Overflow policies and sequence gaps */

static const struct lab_question q_overflow[] = {
	{ "signal-delivered", "signal", "order", 1, ex_delivered, 0, 0,
	  "128 sends of one standard signal while it is blocked: how many arrive?",
	  "messages" },
	{ "signal-nb-full", "signal", "nb-full", 1, ex_nonblock, 0, 0,
	  "standard signal already pending: what does the sender learn?", "ERRNO|drop" },
	{ "rt-signal-nb-full", "rt-signal", "nb-full", 1, ex_nonblock, 0, 0,
	  "real-time signal queue full: what does the sender learn?", "ERRNO|drop" },
	{ "udp-nb-full", "udp", "nb-full", 64, ex_nonblock, 0, 0,
	  "UDP, receive buffer full, MSG_DONTWAIT: what does the sender learn?",
	  "ERRNO|drop" },
	{ "udp-delivered-64", "udp", "order", 64, ex_delivered, 0, 0,
	  "UDP: of the datagrams sent while the receiver slept, how many arrived?",
	  "messages" },
	{ "mbox-nb-full", "mbox-rw", "nb-full", 64, ex_nonblock, 0, 0,
	  "mailbox with the default policy (block), full, O_NONBLOCK?", "ERRNO|drop" },
};

/* What arrived of a dropping mechanism is what it holds. */
static int c_udp_holds(const struct lab *L, char *why, size_t len)
{
	double d = NUM("udp", "order", 64, ex_delivered), c = NUM("udp", "capacity", 64, ex_count);

	if (isnan(d) || isnan(c))
		return 0;
	if (d != c)
		return seen(why, len, "%.0f arrived, capacity %.0f", d, c);
	return 1;
}

static int c_signal_one(const struct lab *L, char *why, size_t len)
{
	double d = NUM("signal", "order", 1, ex_delivered), c = NUM("signal", "capacity", 1, ex_count);

	if (isnan(d) || isnan(c))
		return 0;
	if (d != 1 || c != 1)
		return seen(why, len, "%.0f arrived, capacity %.0f", d, c);
	return 1;
}

static const struct lab_claim c_overflow[] = {
	{ "a UDP socket delivers exactly what its buffer held and drops the rest silently",
	  c_udp_holds },
	{ "standard signals coalesce: one pending instance, capacity 1", c_signal_one },
};

/* ------------------------------------------------------------------ */
/* 7. Shared memory against a kernel buffer */

static const struct lab_question q_shm[] = {
	{ "pipe-syscalls", "pipe", "syscalls", 64, ex_decimal, 0.05, 0,
	  "pipe: system calls per 64 B message, both sides, while neither waits?", "calls" },
	{ "mbox-syscalls", "mbox-rw", "syscalls", 64, ex_decimal, 0.05, 0,
	  "mailbox (read/write)?", "calls" },
	{ "ring-syscalls", "ring", "syscalls", 64, ex_decimal, 0.05, 0,
	  "shared ring, libipcchan producer and consumer?", "calls" },
	{ "ring-write-syscalls", "ring-write", "syscalls", 64, ex_decimal, 0.05, 0,
	  "shared ring, producer using write() (kernel-mediated)?", "calls" },
	{ "pipe-copies", "pipe", "copies", 64, ex_copies, 0, 0,
	  "pipe: copies of the payload per message?", "copies" },
	{ "mbox-copies", "mbox-rw", "copies", 64, ex_copies, 0, 0,
	  "mailbox: copies per message?", "copies" },
	{ "ring-copies", "ring", "copies", 64, ex_copies, 0, 0,
	  "shared ring: copies per record?", "copies" },
};

static int c_ring_fewer(const struct lab *L, char *why, size_t len)
{
	double r = NUM("ring", "syscalls", 64, ex_decimal), w = NUM("ring-write", "syscalls", 64, ex_decimal);
	double p = NUM("pipe", "syscalls", 64, ex_decimal);

	double m = NUM("mbox-rw", "syscalls", 64, ex_decimal);

	if (isnan(r) || isnan(w) || isnan(p) || isnan(m))
		return 0;
	if (p != 2 || m != 2)
		return seen(why, len, "pipe %.2f, mailbox %.2f calls", p, m);
	if (!(r < w && w < p))
		return seen(why, len, "ring %.2f, pipe %.2f calls", r, p);
	return 1;
}

static int c_copies_fewer(const struct lab *L, char *why, size_t len)
{
	double r = NUM("ring", "copies", 64, ex_copies), m = NUM("mbox-rw", "copies", 64, ex_copies);

	if (isnan(r) || isnan(m))
		return 0;
	if (!(r < m))
		return seen(why, len, "ring %.0f, mailbox %.0f copies", r, m);
	return 1;
}

static const struct lab_claim c_shm[] = {
	{ "a pipe and a mailbox take two system calls per message; the ring needs fewer "
	  "than the ring through write(), which needs fewer than a pipe", c_ring_fewer },
	{ "the ring copies the payload fewer times than a mailbox", c_copies_fewer },
};

/* ------------------------------------------------------------------ */
/* 8. Naming and persistence */

static const struct lab_question q_naming[] = {
	{ "pipe-outlives", "pipe", "outlives", 64, ex_outlives, 0, 0,
	  "pipe: does it outlive the process that made it?", "yes|no|anonymous" },
	{ "fifo-outlives", "fifo", "outlives", 64, ex_outlives, 0, 0,
	  "FIFO (mkfifo): does it outlive its creator?", "yes|no|anonymous" },
	{ "posix-mq-outlives", "posix-mq", "outlives", 64, ex_outlives, 0, 0,
	  "POSIX mq: does it outlive its creator?", "yes|no|anonymous" },
	{ "mbox-outlives", "mbox-rw", "outlives", 64, ex_outlives, 0, 0,
	  "named mailbox: does it outlive its creator?", "yes|no|anonymous" },
	{ "pipe-writer-exit", "pipe", "writer-exit", 64, ex_peer, 0, 0,
	  "pipe: the writer exits; what does the reader's next read return?",
	  "EOF|ERRNO|succeeds|nothing" },
	{ "mbox-writer-exit", "mbox-rw", "writer-exit", 64, ex_peer, 0, 0,
	  "mailbox: the last sender's fd closes; the receiver's next read?",
	  "EOF|ERRNO|succeeds|nothing" },
	{ "posix-mq-writer-exit", "posix-mq", "writer-exit", 64, ex_peer, 0, 0,
	  "POSIX mq: the writer exits; the reader's next non-blocking receive?",
	  "EOF|ERRNO|succeeds|nothing" },
	{ "pipe-reader-exit", "pipe", "reader-exit", 64, ex_peer, 0, 0,
	  "pipe: the reader exits; the writer's next write?", "EOF|ERRNO|succeeds|nothing" },
	{ "pipe-sigpipe", "pipe", "reader-exit", 64, ex_sigpipe, 0, 0,
	  "pipe: does that write also raise SIGPIPE?", "yes|no" },
	{ "mbox-sigpipe", "mbox-rw", "reader-exit", 64, ex_sigpipe, 0, 0,
	  "mailbox: does a send after the last receiver left raise SIGPIPE?", "yes|no" },
};

static int c_named_outlive(const struct lab *L, char *why, size_t len)
{
	static const char *const named[] = { "fifo", "posix-mq", "sysv-msg", "shm-named",
					     "mbox-rw" };
	char o[48];
	size_t i;

	for (i = 0; i < N(named); i++) {
		WORD(named[i], "outlives", 64, ex_outlives, o);
		if (!*o)
			return 0;
		if (strcmp(o, "yes")) {
			snprintf(why, len, "%s: %s", named[i], o);
			return 0;
		}
	}
	return 1;
}

static int c_mq_no_peer(const struct lab *L, char *why, size_t len)
{
	char r[48];

	WORD("posix-mq", "reader-exit", 64, ex_peer, r);
	if (!*r)
		return 0;
	if (strcmp(r, "succeeds")) {
		snprintf(why, len, "a send after the reader left: %s", r);
		return 0;
	}
	return 1;
}

/* What each end is told, as the explanation says. */
static int c_peer_notice(const struct lab *L, char *why, size_t len)
{
	static const struct {
		const char *mech, *row;
		lab_extract_fn fn;
		const char *want;
	} t[] = {
		{ "pipe", "writer-exit", ex_peer, "EOF" },
		{ "pipe", "reader-exit", ex_peer, "EPIPE" },
		{ "pipe", "reader-exit", ex_sigpipe, "yes" },
		{ "mbox-rw", "writer-exit", ex_peer, "EPIPE" },
		{ "mbox-rw", "reader-exit", ex_peer, "EPIPE" },
		{ "mbox-rw", "reader-exit", ex_sigpipe, "no" },
	};
	char w[48];
	size_t i;

	for (i = 0; i < N(t); i++) {
		WORD(t[i].mech, t[i].row, 64, t[i].fn, w);
		if (!*w)
			return 0;
		if (strcmp(w, t[i].want)) {
			snprintf(why, len, "%s %s: %s", t[i].mech, t[i].row, w);
			return 0;
		}
	}
	return 1;
}

static const struct lab_claim c_naming[] = {
	{ "a pipe gives its reader end of file and its writer EPIPE with SIGPIPE; a "
	  "mailbox gives EPIPE either way, without a signal", c_peer_notice },
	{ "every named object (FIFO, POSIX mq, SysV msg, named shared memory, mailbox) "
	  "outlives its creator until it is unlinked", c_named_outlive },
	{ "a POSIX mq has no notion of a peer: a send after the reader left succeeds",
	  c_mq_no_peer },
};

/* ------------------------------------------------------------------ */

const struct lab_exercise lab_exercises[] = {
	{
		.name = "boundaries",
		.title = "Byte streams and messages",
		.rows = "boundaries, short-read, zero-length",
		.setup =
"A writer sends two 64-byte messages; the reader then calls read() once\n"
"with room for 128 bytes. Next, one 64-byte message is read with a\n"
"32-byte buffer. Last, the writer sends 0 bytes. Predict, for each\n"
"mechanism, what the reader gets.",
		.q = q_boundaries, .nq = N(q_boundaries),
		.claims = c_boundaries, .nclaims = N(c_boundaries),
		.extra = "sysv-msg",
		.explain =
"A pipe and a stream socket keep bytes, not messages: the kernel appends\n"
"each write to one buffer and a read takes whatever is there, so two\n"
"messages come back as one, a short read takes part of one and leaves the\n"
"rest, and a write of 0 bytes adds nothing a reader could see. Datagram\n"
"sockets, POSIX mq, SysV msg and the mailbox queue one record per send,\n"
"so a read returns one message, an empty message exists, and a buffer\n"
"that is too small is an event the mechanism must decide about: Unix\n"
"datagrams are truncated (the rest discarded, MSG_TRUNC tells), POSIX mq\n"
"and the mailbox refuse with EMSGSIZE and keep the message, SysV msg\n"
"refuses with E2BIG unless MSG_NOERROR asks for truncation.",
		.more =
"ipcbench --props -m pipe,unix-dgram,mbox-rw -s 64 --deterministic\n"
"ipcchan mbox create lab1; ipcchan mbox send lab1 hello world;\n"
"ipcchan mbox recv --count 2 lab1; ipcchan mbox rm lab1",
	},
	{
		.name = "capacity",
		.title = "Bounded capacity, per mechanism",
		.rows = "capacity",
		.setup =
"A writer sends messages of 1 B, 64 B or 4 KiB without anyone reading,\n"
"non-blocking, until a send fails (or is dropped). Predict how many fit,\n"
"and whether the limit is counted in bytes, in messages or in something\n"
"else.",
		.q = q_capacity, .nq = N(q_capacity),
		.claims = c_capacity, .nclaims = N(c_capacity),
		.explain =
"Every kernel buffer is bounded, but each counts differently. A pipe is a\n"
"ring of pages (F_GETPIPE_SZ bytes, 16 pages unless changed): small\n"
"writes merge into the page being filled, while each 4 KiB write takes a\n"
"page of its own, so it holds the same bytes at every size. A SysV queue\n"
"counts bytes too (kernel.msgmnb). POSIX mq and the mailbox count\n"
"messages: their limit (fs.mqueue.msg_default, the mailbox's capacity) is\n"
"the same whatever the size, because the worst case is reserved per\n"
"message. A Unix datagram socket counts neither: each datagram is charged\n"
"its whole sk_buff against the send buffer (net.core.wmem_default), so\n"
"1-byte and 64-byte datagrams fit in the same number.",
		.more =
"cat /proc/sys/fs/mqueue/msg_default /proc/sys/kernel/msgmnb\n"
"ipcchan info                      # the mailbox limits in force\n"
"ipcchan mbox create --capacity 4 lab2; ipcchan show lab2; ipcchan mbox rm lab2",
	},
	{
		.name = "blocking",
		.title = "Blocking, timeouts and rendezvous",
		.rows = "nb-empty, nb-full, full, timed-empty, timed-full, capacity",
		.setup =
"Receive from an empty buffer and send into a full one, first\n"
"non-blocking (O_NONBLOCK, IPC_NOWAIT, MSG_DONTWAIT), then with a\n"
"timeout of 50 ms, then blocking. Predict the error a non-blocking call\n"
"gets, the one a timed call gives up with (or that the mechanism has no\n"
"timed call), and whether a blocking send blocks, drops the message or\n"
"fails. Then the same for a mailbox of capacity zero, a rendezvous: a\n"
"send completes only when a receiver takes the message.",
		.q = q_blocking, .nq = N(q_blocking),
		.claims = c_blocking, .nclaims = N(c_blocking),
		.extra = "unix-stream,unix-dgram,posix-mq,sysv-msg,mbox-ioctl",
		.explain =
"Where the kernel can make a writer wait, a full buffer blocks it and a\n"
"non-blocking call gets EAGAIN instead: pipes, sockets, POSIX mq, SysV\n"
"msg and the mailbox. SysV says ENOMSG for an empty queue, an older\n"
"convention. Some mechanisms never wait: UDP drops the datagram and\n"
"reports success, a standard signal that is already pending is merged\n"
"into it, and the real-time signal queue fails with EAGAIN once\n"
"RLIMIT_SIGPENDING is reached. A timeout sits between the two: a\n"
"blocking call that gives up after a while. POSIX mq (mq_timedsend,\n"
"mq_timedreceive) and the mailbox (IPCCHAN_XFER_TIMEOUT on MBOX_SEND\n"
"and MBOX_RECV) take the timeout as an argument and say ETIMEDOUT. A\n"
"socket's timeout is an option (SO_SNDTIMEO, SO_RCVTIMEO), and a call\n"
"that runs out of it returns what a non-blocking one would have, EAGAIN.\n"
"A pipe's read() and write(), SysV msg and a mailbox's read() and\n"
"write() take no timeout at all: poll() with a timeout, then a\n"
"non-blocking call, is the only bounded wait there. A rendezvous is the\n"
"course's zero capacity: the mailbox holds nothing, so a sender with no\n"
"receiver waiting would block, a non-blocking send fails with EAGAIN,\n"
"a timed one gives up with ETIMEDOUT and withdraws its message, and a\n"
"blocked sender wakes after the one receive that took its message.",
		.more =
"ipcchan mbox create lab3\n"
"time ipcchan mbox recv --timeout 200 lab3   # empty: gives up after 200 ms\n"
"ipcchan mbox recv --nonblock lab3           # empty: at once\n"
"ipcchan mbox rm lab3\n"
"ipcchan mbox create --policy rendezvous lab3r\n"
"time ipcchan mbox send --timeout 200 lab3r hi   # no receiver: ETIMEDOUT\n"
"ipcchan mbox rm lab3r",
	},
	{
		.name = "wakeup",
		.title = "Who wakes the writer",
		.rows = "wake",
		.setup =
"The buffer is full and a writer sleeps in a blocking send. The reader\n"
"takes one message at a time, on the same CPU. Predict after how many\n"
"receives the writer runs again.",
		.q = q_wake, .nq = N(q_wake),
		.claims = c_wake, .nclaims = N(c_wake),
		.extra = "sysv-msg",
		.explain =
"Waking a writer costs a context switch, so mechanisms wait until the\n"
"writer can make progress worth it. A pipe wakes its writer when a whole\n"
"page of its ring is free, whatever the message size: a page's worth of\n"
"one-byte messages, 64 of 64 bytes, or one of 4 KiB. A Unix socket wakes its writer once its skbs, counted by\n"
"their full size, use at most a quarter of the send buffer again\n"
"(unix_writable()): three quarters must drain first. POSIX mq and\n"
"SysV msg wake at once. The mailbox has an explicit send low watermark,\n"
"as sockets' SO_SNDLOWAT: by default a quarter of its capacity, the\n"
"threshold at which poll() reports EPOLLOUT. A shared ring's producer is\n"
"woken by the consumer only when it said it waits (the need-wakeup\n"
"flag), after one record. A rendezvous mailbox has no buffer to drain:\n"
"its blocked sender wakes after the one receive that took its message.",
		.more =
"ipcbench --timeline 2000 -m pipe,mbox-block -o /tmp   # occupancy over time\n"
"ipcchan mbox create --capacity 16 --send-lowat 1 lab4; ipcchan show lab4\n"
"ipcchan mbox rm lab4",
	},
	{
		.name = "memory",
		.title = "Where the bytes live",
		.rows = "memory (and capacity)",
		.setup =
"Queue messages in a child memory cgroup and watch memory.current: the\n"
"slope between a quarter and three quarters full is the kernel memory\n"
"one queued message costs. Predict it for 1-byte and 4 KiB messages.",
		.q = q_memory, .nq = N(q_memory),
		.claims = c_memory, .nclaims = N(c_memory),
		.costs = true,
		.explain =
"A pipe stores bytes in whole pages, so a byte costs a byte once pages\n"
"are shared by many small writes. A datagram is an sk_buff: a few hundred\n"
"bytes of metadata whatever the payload, which is why small datagrams are\n"
"so expensive and why the socket counts them by their full size. A POSIX\n"
"mq message is a msg_msg header plus the payload. The mailbox reserves its\n"
"worst case, capacity times maximum message size, when it is created and\n"
"charges it to the creator's memory cgroup then: a send never allocates,\n"
"so it can never fail for lack of memory, and a queued message costs\n"
"nothing more. The speed rows (this one included) vary a little from run\n"
"to run; answers are right within 25% or 32 bytes.",
		.more =
"ipcchan mbox create --capacity 1024 --msgsize 4096 lab5\n"
"ipcchan show lab5; ipcchan mbox rm lab5       # what it charged\n"
"ipcbench --scale                   # POSIX mq against mailboxes, many queues",
	},
	{
		.name = "overflow",
		.title = "Overflow policies and sequence gaps",
		.rows = "order, nb-full (and capacity)",
		.setup =
"Send more than the buffer holds while the receiver sleeps. Predict, per\n"
"mechanism, what happens to the extra messages and what the sender and\n"
"the receiver can learn about them.",
		.q = q_overflow, .nq = N(q_overflow),
		.claims = c_overflow, .nclaims = N(c_overflow),
		.explain =
"When a buffer is full there are three policies: make the writer wait\n"
"(block), refuse the new message (fail, or drop the newest), or make\n"
"room (drop the oldest). UDP drops the newest silently: the sender is\n"
"told success and the receiver sees only a gap, if the payload carries a\n"
"sequence number. Standard signals coalesce into one pending bit.\n"
"Real-time signals queue until a limit and then fail with EAGAIN. A\n"
"mailbox blocks by default and can be created with drop-newest or\n"
"drop-oldest (flight-recorder mode); it counts every drop, and a\n"
"receiver learns how many messages it missed in-band, from the sequence\n"
"number and the dropped count of the next message (ipcchan mbox recv\n"
"--meta), while monitors get a netlink event.",
		.more =
"ipcchan mbox create --capacity 4 --policy drop-oldest lab6\n"
"for i in 1 2 3 4 5 6; do ipcchan mbox send lab6 m$i; done\n"
"ipcchan mbox recv --meta --count 4 lab6     # m3 first, with dropped=2\n"
"ipcchan mbox rm lab6",
	},
	{
		.name = "sharedmem",
		.title = "Shared memory against a kernel buffer",
		.rows = "syscalls, copies",
		.setup =
"A producer and a consumer exchange 64-byte messages and neither has to\n"
"wait. Predict the system calls per message, counting both sides, and\n"
"how often the payload is copied.",
		.q = q_shm, .nq = N(q_shm),
		.claims = c_shm, .nclaims = N(c_shm),
		.explain =
"A kernel buffer costs one system call to put a message in and one to\n"
"take it out, and each copies the payload (user to kernel, kernel to\n"
"user). A shared ring is mapped by both sides: the producer writes the\n"
"record in place and publishes a position, the consumer reads it in\n"
"place, and the kernel is entered only to wait or to wake a side that\n"
"said it waits (a kick). A ring fed with write() keeps the consumer's\n"
"zero-copy side but pays one call and one copy per record on the\n"
"producer's side, in exchange for letting the kernel check untrusted\n"
"producers. The copy counts are documented, not measured: x86 inlines\n"
"the user-copy routines, so nothing can count them per call.",
		.more =
"ipcbench -m pipe,mbox-rw,ring -s 64 -r 3   # the speed of the same\n"
"ipcchan ring create lab7; ipcchan ring stat lab7   # kicks and waits\n"
"ipcchan ring rm lab7",
	},
	{
		.name = "naming",
		.title = "Naming and persistence",
		.rows = "outlives, writer-exit, reader-exit",
		.setup =
"A process creates an object and exits. Another opens it by name, if it\n"
"has one. Then one end of a channel goes away: predict what the other\n"
"end is told.",
		.q = q_naming, .nq = N(q_naming),
		.claims = c_naming, .nclaims = N(c_naming),
		.extra = "sysv-msg,shm-named",
		.explain =
"An anonymous object (a pipe, a socketpair) lives as long as an fd refers\n"
"to it. A named one (a FIFO, a POSIX mq, a SysV queue, named shared\n"
"memory, a named mailbox) lives in a namespace until it is unlinked, and\n"
"outlives every process. Only mechanisms that know their ends can tell\n"
"the survivor: a pipe gives end of file to the reader and EPIPE plus\n"
"SIGPIPE to the writer; a mailbox tracks its senders and receivers and\n"
"gives EPIPE either way, without a signal; a POSIX mq has no ends at all,\n"
"so sends succeed into a queue nobody will read.",
		.more =
"ipcchan mbox create lab8; ipcchan list; ipcchan mbox rm lab8\n"
"cat /proc/sysvipc/msg",
	},
};

const size_t lab_nexercises = N(lab_exercises);
