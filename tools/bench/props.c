// SPDX-License-Identifier: GPL-2.0
/*
 * ipcbench --props: the probes. Each probe opens a fresh channel through
 * the mechanism's driver (props_mech.c), does one experiment with real
 * system calls and writes what happened into a cell. Nothing in a cell
 * is written from knowledge of the mechanism: where a probe cannot run,
 * the cell says why.
 *
 *   capacity   fill without reading, non-blocking, until the send fails
 *              (EAGAIN) or what is queued stops growing (a silent drop);
 *              then drain and count what arrived, checking order
 *   full       a child does one blocking send into the full channel;
 *              after 0.5 s without an answer it is blocked (its state in
 *              /proc is S). Then the parent receives one message at a
 *              time; both run on one CPU, so after each receive the
 *              child either ran (its send completed: the wake amount) or
 *              is still asleep
 *   timed      on the full channel, the mechanism's send with a timeout of
 *              TIMED_MS; on the drained one, its receive with one: the
 *              error each gives up with, and whether it waited for it
 *   peer exit  a child holding copies of both ends exits after the
 *              parent closed one end: the last reference to that end is
 *              gone; the survivor's non-blocking call and poll() show what
 *              it is told
 *   memory     memory.current of a child memory cgroup (scale.c), with
 *              the channel a quarter and three quarters full: the slope
 *              is the kernel memory per queued message
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "payload.h"
#include "props.h"
#include "scale.h"

const size_t props_default_sizes[PROPS_NSIZES] = { 1, 64, 4096 };

/*
 * Why the copy row is not measured. The iov_iter entry points
 * (_copy_to_iter and friends) can be counted with kprobes, but POSIX mq,
 * SysV msg and the ring's kernel producer copy with copy_from_user(),
 * which x86 inlines as "rep movsb" (FSRM/ERMS alternatives) with no
 * function to probe; a count that sees some mechanisms' copies and not
 * others' would mislead more than the documented figure.
 */
const char props_copies_why[] =
	"copies are documented, not measured: x86 inlines copy_to_user() and "
	"copy_from_user() as rep movs, which no kprobe sees, so a count from "
	"the probeable iov_iter routines would miss the copies of POSIX mq, "
	"SysV msg and others";

const struct prop_row_info prop_rows[__PR_MAX] = {
	[PR_CAPACITY]    = { "capacity", "Capacity at default settings (messages / bytes)", true },
	[PR_BOUNDARY]    = { "boundaries", "Message boundaries kept", true },
	[PR_SHORTREAD]   = { "short-read", "Receive buffer of half the message", true },
	[PR_ZEROLEN]     = { "zero-length", "Zero-length messages", true },
	[PR_ORDER]       = { "order", "Delivery order", true },
	[PR_PRIO]        = { "priorities", "Priorities", true },
	[PR_NB_EMPTY]    = { "nb-empty", "Non-blocking receive when empty", true },
	[PR_NB_FULL]     = { "nb-full", "Non-blocking send when full", true },
	[PR_FULL]        = { "full", "Blocking send when full", true },
	[PR_TIMED_EMPTY] = { "timed-empty", "Receive with a timeout when empty", true },
	[PR_TIMED_FULL]  = { "timed-full", "Send with a timeout when full", true },
	[PR_WAKE]        = { "wake", "Read before a blocked writer wakes", true },
	[PR_WRITER_EXIT] = { "writer-exit", "Writer exits: the reader sees", true },
	[PR_READER_EXIT] = { "reader-exit", "Reader exits: the writer sees", true },
	[PR_OUTLIVES]    = { "outlives", "Named object outlives its creator", true },
	[PR_MEMORY]      = { "memory", "Kernel memory per queued message (memcg slope)", false },
	[PR_SYSCALLS]    = { "syscalls", "System calls per message, both sides", true },
	[PR_CSW]         = { "csw", "Context switches per message (streaming, one CPU)", false },
	[PR_CPU]         = { "cpu", "CPU time per message (streaming, one CPU)", false },
	[PR_COPIES]      = { "copies", "Data copies per message", false },
};

/* Probe limits: enough for every default buffer, bounded under TCG. */
#define FILL_MAX_MSGS	(1L << 17)
#define FILL_MAX_BYTES	(16L << 20)
#define DROP_CHECK	64	/* sends between two looks at queued() */
#define TIMED_MS	50	/* the timeout of the timed probes */

static void cellf(struct props_result *r, int row, int s, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void cellf(struct props_result *r, int row, int s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->cell[row][s], PROP_CELL, fmt, ap);
	va_end(ap);
}

/* "EAGAIN" for -EAGAIN: the symbolic name students look up. */
static const char *ename(long e)
{
	static char buf[32];

	switch (-e) {
	case EAGAIN: return "EAGAIN";
	case EPIPE: return "EPIPE";
	case EMSGSIZE: return "EMSGSIZE";
	case E2BIG: return "E2BIG";
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case ENOTCONN: return "ENOTCONN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENOBUFS: return "ENOBUFS";
	case ENOMEM: return "ENOMEM";
	case EIDRM: return "EIDRM";
	case ENOMSG: return "ENOMSG";
	case EBADF: return "EBADF";
	case EIO: return "EIO";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	}
	snprintf(buf, sizeof(buf), "errno %ld", -e);
	return buf;
}

/* Byte @k of message @n: position-dependent, so order is checkable. */
static inline unsigned char pat(long n, size_t k)
{
	return (unsigned char)(n * 7 + (long)k);
}

static void fill_msg(unsigned char *b, size_t len, long n)
{
	size_t k;

	for (k = 0; k < len; k++)
		b[k] = pat(n, k);
}

static int chan_open(const struct pmech *m, size_t size, struct pchan *c, char *why, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->size = size;
	c->fd[0] = c->fd[1] = -1;
	if (m->open(c, why, len) == 0)
		return 0;
	m->destroy(c);	/* what was opened before the failure */
	return -1;
}

struct fill {
	long sent, sent_bytes;	/* accepted by send */
	long err;		/* the send's -errno that stopped the fill, 0: none */
	bool dropped;		/* queued() stopped growing while sends succeeded */
	bool partial;		/* a send took part of a message */
	long partial_len;
};

/* Fill @c without reading: up to @max messages, or until it stops. */
static void fill(struct pchan *c, long max, struct fill *f, unsigned char *buf)
{
	long lastq = -1, q;
	ssize_t r;

	memset(f, 0, sizeof(*f));
	while (f->sent < max && f->sent_bytes < FILL_MAX_BYTES) {
		fill_msg(buf, c->size, f->sent);
		r = c->m->send(c, buf, c->size, true);
		if (r < 0) {
			f->err = r;
			return;
		}
		f->sent_bytes += r;
		if ((size_t)r != c->size) {
			/* A byte stream took part of it: full, at a byte boundary. */
			f->partial = true;
			f->partial_len = r;
			return;
		}
		f->sent++;
		if (c->m->queued && f->sent % DROP_CHECK == 0) {
			q = c->m->queued(c);
			if (q == lastq) {
				f->dropped = true;
				return;
			}
			lastq = q;
		}
	}
}

struct drain {
	long msgs, bytes;	/* received */
	long first_bad;		/* first message out of order, -1: none */
	long err;		/* what ended it */
};

static void drain_init(struct drain *d)
{
	memset(d, 0, sizeof(*d));
	d->first_bad = -1;
}

/*
 * Receive one message (or what a byte stream returns) and check it
 * against the pattern. Message mechanisms give one message per call;
 * byte streams may split and join them, so the check runs on the byte
 * offset in the stream. Returns what recv returned.
 */
static ssize_t drain_one(struct pchan *c, struct drain *d, unsigned char *buf, size_t cap,
			 bool nb)
{
	ssize_t r = c->m->recv(c, buf, cap, nb), k;

	if (r <= 0) {
		d->err = r;
		return r;
	}
	for (k = 0; k < r && d->first_bad < 0; k++) {
		long off = d->bytes + k;

		if (buf[k] != pat(off / (long)c->size, (size_t)(off % (long)c->size)))
			d->first_bad = off / (long)c->size;
	}
	d->bytes += r;
	d->msgs++;
	return r;
}

/* Receive until empty. */
static void drain_more(struct pchan *c, struct drain *d, unsigned char *buf, size_t cap)
{
	while (drain_one(c, d, buf, cap, true) > 0)
		if (d->bytes > FILL_MAX_BYTES * 2)
			return;
}

static void drain(struct pchan *c, struct drain *d, unsigned char *buf, size_t cap)
{
	drain_init(d);
	drain_more(c, d, buf, cap);
}

static void fmt_bytes(char *b, size_t len, long long v)
{
	if (v >= (1 << 20) && v % (1 << 20) == 0)
		snprintf(b, len, "%lld MiB", v >> 20);
	else if (v >= 1024 && v % 1024 == 0)
		snprintf(b, len, "%lld KiB", v >> 10);
	else
		snprintf(b, len, "%lld B", v);
}

/* The scheduler state letter from an open /proc/PID/stat, '?' if unreadable. */
static char proc_state(int fd)
{
	char line[256], *p;
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);

	if (n <= 0)
		return '?';
	line[n] = 0;
	p = strrchr(line, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Wait up to @ms for the child's one status word. */
static bool child_result(int fd, int ms, long *res)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return false;
	return read(fd, res, sizeof(*res)) == sizeof(*res);
}

static bool asleep(char st)
{
	return st == 'S' || st == 'D';
}

/*
 * The child is not asleep after a receive: it was woken. Give it the CPU
 * until it answers (a real wakeup) or is asleep again (a spurious one:
 * the condition it waits for did not hold yet).
 */
static bool woken(int st, int sfd, long *res)
{
	int i;

	if (asleep(proc_state(sfd)))
		return false;
	for (i = 0; i < 500; i++) {
		if (child_result(st, 10, res))
			return true;
		if (asleep(proc_state(sfd)))
			return false;
	}
	return false;
}

/*
 * The channel is full (@f). A child on our CPU makes one blocking send,
 * continuing the pattern where the fill stopped; then we receive one
 * message at a time (through @d, so order is still checked) until its
 * send completes. Returns the bytes the child added to the channel.
 */
static long probe_full(struct props_result *r, int s, struct pchan *c, const struct fill *f,
		       struct drain *d, unsigned char *buf, unsigned char *rbuf)
{
	size_t off = f->partial ? (size_t)f->partial_len : 0;
	int st[2], status, sfd = -1;
	char path[64], stc = '?';
	long res = 0, n, added = 0;
	bool got = false;
	pid_t pid;

	if (pipe2(st, O_CLOEXEC) < 0) {
		cellf(r, PR_FULL, s, "not measured: pipe: %s", strerror(errno));
		return 0;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		fill_msg(buf, c->size, f->sent);
		res = c->m->send(c, buf + off, c->size - off, false);
		_exit(write(st[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(st[1]);
	if (pid < 0) {
		cellf(r, PR_FULL, s, "not measured: fork: %s", strerror(errno));
		close(st[0]);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	sfd = open(path, O_RDONLY | O_CLOEXEC);
	/* Until it answers or sleeps; a loaded host may keep it from running. */
	for (n = 0; n < 500 && !got; n++) {
		got = child_result(st[0], 20, &res);
		stc = proc_state(sfd);
		if (n >= 2 && asleep(stc))
			break;
	}
	if (got) {
		if (res < 0)
			cellf(r, PR_FULL, s, "fails at once: %s", ename(res));
		else if (f->dropped || (!f->err && !f->partial))
			cellf(r, PR_FULL, s, "returns at once; the message is dropped");
		else
			cellf(r, PR_FULL, s, "returns at once (%ld B)", res), added = res;
		cellf(r, PR_WAKE, s, "n/a: the writer does not block");
		goto out;
	}
	if (!asleep(stc)) {
		cellf(r, PR_FULL, s, "no answer in 10 s (state %c)", stc);
		goto out;
	}
	cellf(r, PR_FULL, s, "blocks");
	/*
	 * Both on one CPU: a woken child preempts us or waits for our next
	 * sleep. So after each receive it has either answered, is runnable
	 * (woken: give it the CPU), or is still asleep.
	 */
	for (n = 1; drain_one(c, d, rbuf, c->size, true) > 0; n++) {
		if (child_result(st[0], 0, &res) || woken(st[0], sfd, &res)) {
			char b[32];

			added = res > 0 ? res : 0;
			r->wake_msgs[s] = n;
			fmt_bytes(b, sizeof(b), (long long)n * (long long)c->size);
			cellf(r, PR_WAKE, s, "%ld msg%s (%s)", n, n == 1 ? "" : "s", b);
			goto out;
		}
	}
	if (child_result(st[0], 2000, &res)) {
		added = res > 0 ? res : 0;
		cellf(r, PR_WAKE, s, "once empty");
	} else {
		cellf(r, PR_WAKE, s, "not woken after %ld receives", n - 1);
	}
out:
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(st[0]);
	if (sfd >= 0)
		close(sfd);
	return added;
}

/* Voluntary context switches of this thread so far: a call that slept made one. */
static long nvcsw(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? -1 : ru.ru_nvcsw;
}

/*
 * How a call with a timeout of TIMED_MS ended, from its result @x, and
 * the context switches (@cs0) and time (@t0) before it: it gave up with an
 * error after waiting, or at once. It waited if it slept; the time is
 * only a second witness (at least half the timeout: socket timeouts count
 * in jiffies), as a loaded TCG guest's clock can lag behind its timers.
 */
static void timed_cell(struct props_result *r, int row, int s, ssize_t x, long cs0,
		       uint64_t t0)
{
	bool waited = nvcsw() > cs0 || now_ns() - t0 >= TIMED_MS * 1000000ULL / 2;

	if (x < 0)
		cellf(r, row, s, "%s %s", ename(x), waited ? "after the timeout" : "at once");
	else
		cellf(r, row, s, "returns %zd B %s", x, waited ? "after waiting" : "at once");
}

/* A receive with a timeout on the drained, empty channel. */
static void probe_timed_empty(struct props_result *r, int s, struct pchan *c,
			      unsigned char *rbuf)
{
	uint64_t t0;
	ssize_t x;
	long cs0;

	if (!c->m->recv_timed) {
		cellf(r, PR_TIMED_EMPTY, s, "no timed form");
		return;
	}
	cs0 = nvcsw();
	t0 = now_ns();
	x = c->m->recv_timed(c, rbuf, c->size, TIMED_MS);
	timed_cell(r, PR_TIMED_EMPTY, s, x, cs0, t0);
}

/*
 * A send with a timeout into the channel the fill @f left full, the next
 * message of the pattern (the rest of it after a partial send). It should
 * give up, or succeed where the fill's sends were dropped (then it counts
 * as sent, and lost if it does not arrive). Should it succeed otherwise,
 * its bytes are returned and the pattern moves on, so that the capacity
 * and order probes see them as the blocked writer's.
 */
static long probe_timed_full(struct props_result *r, int s, struct pchan *c, struct fill *f,
			     unsigned char *buf)
{
	size_t off = f->partial ? (size_t)f->partial_len : 0;
	uint64_t t0;
	ssize_t x;
	long cs0;

	if (!f->err && !f->dropped && !f->partial) {
		cellf(r, PR_TIMED_FULL, s, "not measured: no limit reached");
		return 0;
	}
	if (!c->m->send_timed) {
		cellf(r, PR_TIMED_FULL, s, "no timed form");
		return 0;
	}
	fill_msg(buf, c->size, f->sent);
	cs0 = nvcsw();
	t0 = now_ns();
	x = c->m->send_timed(c, buf + off, c->size - off, TIMED_MS);
	if (x >= 0 && f->dropped) {
		/* Sent into a full channel, as the fill's last messages were. */
		f->sent++;
		f->sent_bytes += x;
		cellf(r, PR_TIMED_FULL, s, "succeeds; the message is dropped");
		return 0;
	}
	timed_cell(r, PR_TIMED_FULL, s, x, cs0, t0);
	if (x <= 0)
		return 0;
	f->partial_len = (long)off + x;
	f->sent += f->partial_len / (long)c->size;
	f->partial_len %= (long)c->size;
	f->partial = f->partial || f->partial_len;
	return x;
}

/*
 * Fill, see what a blocked writer does (probe_full), then drain: the
 * capacity is what came out, less what the child added.
 */
static void probe_capacity(struct props_result *r, int s, struct pchan *c, unsigned char *buf,
			   unsigned char *rbuf)
{
	long msgs, bytes, added;
	struct drain d;
	struct fill f;
	char b[32];

	r->wake_msgs[s] = -1;
	fill(c, c->m->fill_max ? c->m->fill_max : FILL_MAX_MSGS, &f, buf);
	if (f.partial)
		cellf(r, PR_NB_FULL, s, "partial: %ld of %zu B", f.partial_len, c->size);
	else if (f.err)
		cellf(r, PR_NB_FULL, s, "%s", ename(f.err));
	else if (f.dropped)
		cellf(r, PR_NB_FULL, s, "succeeds; the message is dropped");
	else
		cellf(r, PR_NB_FULL, s, "not reached");

	drain_init(&d);
	added = probe_timed_full(r, s, c, &f, buf);
	if (!f.err && !f.dropped && !f.partial) {
		cellf(r, PR_FULL, s, "not measured: no limit reached");
		cellf(r, PR_WAKE, s, "not measured: no limit reached");
	} else {
		added += probe_full(r, s, c, &f, &d, buf, rbuf);
	}
	drain_more(c, &d, rbuf, c->size);
	bytes = d.bytes - added;
	msgs = bytes / (long)c->size;
	r->cap_msgs[s] = msgs;
	r->cap_bytes[s] = bytes;
	fmt_bytes(b, sizeof(b), bytes);
	if (!f.err && !f.dropped && !f.partial)
		cellf(r, PR_CAPACITY, s, "> %ld (%s): no limit reached", msgs, b);
	else
		cellf(r, PR_CAPACITY, s, "%ld (%s)", msgs, b);

	if (d.first_bad >= 0)
		cellf(r, PR_ORDER, s, "not FIFO: message %ld out of place", d.first_bad);
	else if (f.sent_bytes > bytes)
		cellf(r, PR_ORDER, s, "FIFO; %ld of %ld dropped when full", f.sent - msgs, f.sent);
	else
		cellf(r, PR_ORDER, s, "FIFO");

	if (d.err == 0)
		cellf(r, PR_NB_EMPTY, s, "returns 0");
	else
		cellf(r, PR_NB_EMPTY, s, "%s", ename(d.err));
	probe_timed_empty(r, s, c, rbuf);
}

/* Calls per message in the steady state: send one, receive one, 64 times. */
static void probe_syscalls(struct props_result *r, int s, struct pchan *c, unsigned char *buf,
			   unsigned char *rbuf)
{
	long n;

	c->nsys = 0;
	for (n = 0; n < 64; n++) {
		fill_msg(buf, c->size, n);
		if (c->m->send(c, buf, c->size, true) != (ssize_t)c->size ||
		    c->m->recv(c, rbuf, c->size, true) != (ssize_t)c->size) {
			cellf(r, PR_SYSCALLS, s, "not measured: send/receive failed");
			return;
		}
	}
	cellf(r, PR_SYSCALLS, s, "%.2f%s", (double)c->nsys / 64.0,
	      (c->m->flags & PM_INPLACE) ? " (in place: calls only to wait)" : "");
}

static void probe_boundary(struct props_result *r, int s, struct pchan *c, unsigned char *buf,
			   unsigned char *rbuf)
{
	ssize_t a, b, got;
	struct drain d;

	fill_msg(buf, c->size, 0);
	a = c->m->send(c, buf, c->size, true);
	fill_msg(buf, c->size, 1);
	b = c->m->send(c, buf, c->size, true);
	if (a != (ssize_t)c->size || b != (ssize_t)c->size) {
		cellf(r, PR_BOUNDARY, s, "not measured: two sends gave %zd, %zd", a, b);
		return;
	}
	if (c->m->settle)
		c->m->settle(c, 2 * c->size);
	got = c->m->recv(c, rbuf, 2 * c->size, true);
	if (got == (ssize_t)c->size)
		cellf(r, PR_BOUNDARY, s, "yes");
	else if (got == (ssize_t)(2 * c->size))
		cellf(r, PR_BOUNDARY, s, "no: one read returns both");
	else
		cellf(r, PR_BOUNDARY, s, "read of 2 x %zu B returns %zd", c->size, got);
	drain(c, &d, rbuf, 2 * c->size);
}

static void probe_shortread(struct props_result *r, int s, struct pchan *c, unsigned char *buf,
			    unsigned char *rbuf)
{
	size_t cap = c->size / 2;
	ssize_t a, b;
	struct drain d;

	if (c->m->flags & PM_INPLACE) {
		cellf(r, PR_SHORTREAD, s, "n/a: the receiver reads the record in place");
		return;
	}
	if (c->m->flags & PM_SIGINFO) {
		cellf(r, PR_SHORTREAD, s, "n/a: the value arrives in a siginfo, no buffer");
		return;
	}
	fill_msg(buf, c->size, 0);
	if (c->m->send(c, buf, c->size, true) != (ssize_t)c->size) {
		cellf(r, PR_SHORTREAD, s, "not measured: send failed");
		return;
	}
	a = c->m->recv(c, rbuf, cap, true);
	b = c->m->recv(c, rbuf, c->size * 2, true);
	if (a < 0 && b == (ssize_t)c->size)
		cellf(r, PR_SHORTREAD, s, "%s; message kept", ename(a));
	else if (a < 0 && b == -EAGAIN)
		cellf(r, PR_SHORTREAD, s, "%s; message lost", ename(a));
	else if (a == (ssize_t)cap && b == (ssize_t)(c->size - cap))
		cellf(r, PR_SHORTREAD, s, "partial: %zd B, the rest stays", a);
	else if (a == (ssize_t)cap && b == -EAGAIN)
		cellf(r, PR_SHORTREAD, s, "truncated to %zd B, the rest discarded", a);
	else
		cellf(r, PR_SHORTREAD, s, "returns %zd, then %zd", a, b);
	drain(c, &d, rbuf, c->size);
}

static void probe_zerolen(struct props_result *r, int s, struct pchan *c, unsigned char *rbuf)
{
	ssize_t a, b;
	struct drain d;

	a = c->m->send(c, rbuf, 0, true);
	if (a < 0) {
		cellf(r, PR_ZEROLEN, s, "no: send fails with %s", ename(a));
		return;
	}
	b = c->m->recv(c, rbuf, c->size, true);
	if (b == 0)
		cellf(r, PR_ZEROLEN, s, "yes");
	else if (b == -EAGAIN)
		cellf(r, PR_ZEROLEN, s, "no: a send of 0 B queues nothing");
	else
		cellf(r, PR_ZEROLEN, s, "send returns %zd, receive %zd", a, b);
	drain(c, &d, rbuf, c->size);
}

/*
 * Priorities: the highest level a send accepts (doubling, then
 * bisecting: a rejected level is -EINVAL), and the order of three
 * messages sent at levels 0, top, 0.
 */
static void probe_prio(struct props_result *r, int s, struct pchan *c, unsigned char *buf,
		       unsigned char *rbuf)
{
	unsigned long lo = 0, hi = 1, mid;
	unsigned char got[3];
	struct drain d;
	int i;

	if (!c->m->send_prio) {
		cellf(r, PR_PRIO, s, "none");
		return;
	}
	fill_msg(buf, c->size, 0);
	if (c->m->send_prio(c, buf, c->size, 0) < 0) {
		cellf(r, PR_PRIO, s, "not measured: a send at priority 0 fails");
		return;
	}
	drain(c, &d, rbuf, c->size);
	while (hi < (1UL << 31) && c->m->send_prio(c, buf, c->size, (unsigned int)hi) >= 0) {
		drain(c, &d, rbuf, c->size);
		lo = hi;
		hi *= 2;
	}
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (c->m->send_prio(c, buf, c->size, (unsigned int)mid) >= 0) {
			drain(c, &d, rbuf, c->size);
			lo = mid;
		} else {
			hi = mid;
		}
	}
	r->prio_levels = (long)lo + 1;
	for (i = 0; i < 3; i++) {
		memset(buf, 'a' + i, c->size);
		if (c->m->send_prio(c, buf, c->size, i == 1 ? (unsigned int)lo : 0) < 0) {
			cellf(r, PR_PRIO, s, "%ld levels; order not measured", r->prio_levels);
			drain(c, &d, rbuf, c->size);
			return;
		}
	}
	for (i = 0; i < 3; i++)
		got[i] = c->m->recv(c, rbuf, c->size, true) >= 1 ? rbuf[0] : '?';
	if (got[0] == 'b' && got[1] == 'a' && got[2] == 'c')
		cellf(r, PR_PRIO, s, "%ld levels, highest first, FIFO within one", r->prio_levels);
	else if (got[0] == 'a' && got[1] == 'c' && got[2] == 'b')
		cellf(r, PR_PRIO, s, "%ld levels, lowest first, FIFO within one", r->prio_levels);
	else
		cellf(r, PR_PRIO, s, "%ld levels; order %c%c%c for sends a(0) b(top) c(0)",
		      r->prio_levels, got[0], got[1], got[2]);
}

static void poll_names(char *b, size_t len, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	size_t o = 0;

	if (fd < 0) {
		snprintf(b, len, "no fd to poll");
		return;
	}
	if (poll(&p, 1, 0) < 0) {
		snprintf(b, len, "poll: %s", strerror(errno));
		return;
	}
	b[0] = 0;
	if (p.revents & POLLIN)
		o += snprintf(b + o, len - o, "%sIN", o ? "|" : "");
	if (p.revents & POLLOUT)
		o += snprintf(b + o, len - o, "%sOUT", o ? "|" : "");
	if (p.revents & POLLHUP)
		o += snprintf(b + o, len - o, "%sHUP", o ? "|" : "");
	if (p.revents & POLLERR)
		o += snprintf(b + o, len - o, "%sERR", o ? "|" : "");
	if (!o)
		snprintf(b, len, "nothing");
}

/* A child that holds copies of everything exits after we closed @end. */
static int peer_gone(struct pchan *c, int end)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -1;
	c->m->close_end(c, end);
	waitpid(pid, &status, 0);
	return 0;
}

static void probe_writer_exit(struct props_result *r, int s, struct pchan *c,
			      unsigned char *rbuf)
{
	char pl[48], w[64];
	ssize_t x;

	if (peer_gone(c, PE_WRITER) < 0) {
		cellf(r, PR_WRITER_EXIT, s, "not measured: fork failed");
		return;
	}
	if (c->m->peer_wait && c->m->peer_wait(c, w, sizeof(w)) == 0) {
		cellf(r, PR_WRITER_EXIT, s, "nothing: %s", w);
		return;
	}
	x = c->m->recv(c, rbuf, c->size, true);
	poll_names(pl, sizeof(pl), c->fd[PE_READER]);
	if (x == 0)
		cellf(r, PR_WRITER_EXIT, s, "EOF (0); poll %s", pl);
	else
		cellf(r, PR_WRITER_EXIT, s, "%s; poll %s", x < 0 ? ename(x) : "data", pl);
}

static void probe_reader_exit(struct props_result *r, int s, struct pchan *c,
			      unsigned char *buf)
{
	sigset_t pipeset, old, pend;
	struct timespec zero = { 0, 0 };
	char pl[48], w[64];
	ssize_t a, b;
	bool sigpipe;

	if (peer_gone(c, PE_READER) < 0) {
		cellf(r, PR_READER_EXIT, s, "not measured: fork failed");
		return;
	}
	if (c->m->peer_wait && c->m->peer_wait(c, w, sizeof(w)) == 0) {
		cellf(r, PR_READER_EXIT, s, "nothing: %s", w);
		return;
	}
	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipeset, &old);
	fill_msg(buf, c->size, 0);
	a = c->m->send(c, buf, c->size, true);
	b = c->m->send(c, buf, c->size, true);
	sigpending(&pend);
	sigpipe = sigismember(&pend, SIGPIPE);
	if (sigpipe)
		sigtimedwait(&pipeset, NULL, &zero);
	sigprocmask(SIG_SETMASK, &old, NULL);
	poll_names(pl, sizeof(pl), c->fd[PE_WRITER]);
	if ((a < 0) == (b < 0) && (a >= 0 || a == b))
		cellf(r, PR_READER_EXIT, s, "%s%s; poll %s", a < 0 ? ename(a) : "send succeeds",
		      sigpipe ? " + SIGPIPE" : "", pl);
	else
		cellf(r, PR_READER_EXIT, s, "%s, then %s%s; poll %s",
		      a < 0 ? ename(a) : "succeeds", b < 0 ? ename(b) : "succeeds",
		      sigpipe ? " + SIGPIPE" : "", pl);
}

static void probe_outlives(struct props_result *r, int s)
{
	const struct pmech *m = r->m;
	char name[64];
	int status, e;
	pid_t pid;

	if (!(m->flags & PM_NAMED)) {
		cellf(r, PR_OUTLIVES, s, "n/a: anonymous");
		return;
	}
	snprintf(name, sizeof(name), "ipcbench-props.%d", (int)getpid());
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(m->named_create(name) < 0 ? 1 : 0);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		cellf(r, PR_OUTLIVES, s, "not measured: creating it failed");
		return;
	}
	e = m->named_exists(name);
	if (e == 1)
		cellf(r, PR_OUTLIVES, s, "yes, until unlinked");
	else if (e == 0)
		cellf(r, PR_OUTLIVES, s, "no");
	else
		cellf(r, PR_OUTLIVES, s, "not measured: opening it: %s", ename(e));
	m->named_unlink(name);
}

#define MEM_CHANS	8
#define MEM_MAX_MSGS	8192

/* Kernel memory per queued message: the memcg slope between 1/4 and 3/4 full. */
static void probe_memory(struct props_result *r, int s, unsigned char *buf, unsigned char *rbuf,
			 int cpu)
{
	const struct pmech *m = r->m;
	long lo = r->cap_msgs[s] / 4, hi = r->cap_msgs[s] * 3 / 4, j;
	struct pchan c[MEM_CHANS];
	int n = 0, i, nch = (m->flags & PM_SINGLE) ? 1 : MEM_CHANS;
	long long m0, m1;
	char why[160], err[200];
	struct memcg mc;
	struct drain d;
	bool ok = true;

	if (hi - lo < 1) {
		cellf(r, PR_MEMORY, s, "not measured: capacity below 2");
		return;
	}
	/* Bounded work: a slope over a few thousand messages is exact enough. */
	if (lo > MEM_MAX_MSGS / 4)
		lo = MEM_MAX_MSGS / 4;
	if (hi - lo > MEM_MAX_MSGS)
		hi = lo + MEM_MAX_MSGS;
	while (nch > 1 && (hi - lo) * nch > MEM_MAX_MSGS)
		nch /= 2;
	if (memcg_setup(&mc, cpu, err, sizeof(err)) < 0) {
		cellf(r, PR_MEMORY, s, "not measured: %s", err);
		return;
	}
	for (n = 0; n < nch; n++)
		if (chan_open(m, r->sizes[s], &c[n], why, sizeof(why)) < 0)
			break;
	for (i = 0; i < n && ok; i++)
		for (j = 0; j < lo && ok; j++) {
			fill_msg(buf, c[i].size, j);
			ok = m->send(&c[i], buf, c[i].size, true) == (ssize_t)c[i].size;
		}
	m0 = memcg_settle(&mc);
	for (i = 0; i < n && ok; i++)
		for (j = lo; j < hi && ok; j++) {
			fill_msg(buf, c[i].size, j);
			ok = m->send(&c[i], buf, c[i].size, true) == (ssize_t)c[i].size;
		}
	m1 = memcg_settle(&mc);
	for (i = 0; i < n; i++) {
		drain(&c[i], &d, rbuf, c[i].size);
		m->destroy(&c[i]);
	}
	memcg_teardown(&mc);
	if (!n || !ok || m0 < 0 || m1 < 0) {
		cellf(r, PR_MEMORY, s, "not measured: %s", !n ? why : "filling failed");
		return;
	}
	cellf(r, PR_MEMORY, s, "%.0f B", (double)(m1 - m0) / ((double)n * (double)(hi - lo)));
}

const struct mech *bench_mech_find(const char *name)
{
	static const struct mech *const *const sets[] = {
		native_mechs, shm_mechs, ipcchan_mechs, ring_mechs,
	};
	size_t i;
	int j;

	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		for (j = 0; sets[i][j]; j++)
			if (!strcmp(sets[i][j]->name, name))
				return sets[i][j];
	return NULL;
}

/* Context switches and CPU per message: one ipcbench streaming repetition. */
static void probe_costs(struct props_result *r, int s, int cpu)
{
	const struct mech *bm = NULL;
	struct rep_result rr;
	struct run_cfg cfg;

	if (r->m->bench)
		bm = bench_mech_find(r->m->bench);
	if (!bm) {
		cellf(r, PR_CSW, s, "not measured: no ipcbench mechanism");
		cellf(r, PR_CPU, s, "not measured: no ipcbench mechanism");
		return;
	}
	if (r->sizes[s] < MSG_MIN_LEN) {
		cellf(r, PR_CSW, s, "not measured: ipcbench messages carry a %d B header",
		      MSG_MIN_LEN);
		memcpy(r->cell[PR_CPU][s], r->cell[PR_CSW][s], PROP_CELL);
		return;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.mech = bm;
	cfg.mode = MODE_STREAM;
	cfg.pin = PIN_SAME;
	cfg.size = bm->max_size(r->sizes[s]);
	cfg.warmup_s = 0.02;
	cfg.measure_s = 0.1;
	cfg.cpu[0] = cfg.cpu[1] = cpu;
	if (cfg.size != r->sizes[s] || run_rep(&cfg, &rr) < 0) {
		cellf(r, PR_CSW, s, "not measured: %s",
		      cfg.size != r->sizes[s] ? "ipcbench caps the size" : rr.err);
		memcpy(r->cell[PR_CPU][s], r->cell[PR_CSW][s], PROP_CELL);
		return;
	}
	cellf(r, PR_CSW, s, "%.3f", rr.csw_per_msg);
	cellf(r, PR_CPU, s, "%.0f ns", rr.cpu_ns_per_msg);
}

static void size_na(struct props_result *r, int s)
{
	int row;

	for (row = 0; row < __PR_MAX; row++)
		cellf(r, row, s, "n/a: %s", r->m->max_why);
}

/* Rows a mechanism without a kernel queue cannot have. */
static void noqueue(struct props_result *r, int s)
{
	int row;

	for (row = 0; row < __PR_MAX; row++)
		if (row != PR_OUTLIVES && row != PR_WRITER_EXIT && row != PR_READER_EXIT &&
		    row != PR_CSW && row != PR_CPU && row != PR_COPIES)
			cellf(r, row, s, "n/a: no kernel queue, user-space protocol");
}

/*
 * Rows whose probes send before they receive, in one process: a
 * rendezvous send would wait for a receive that comes only after it.
 * The order the capacity probe saw is of one message: no order at all.
 */
static void unqueued(struct props_result *r, int s)
{
	static const int rows[] = { PR_SYSCALLS, PR_BOUNDARY, PR_SHORTREAD, PR_ZEROLEN, PR_PRIO };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		cellf(r, rows[i], s, "not measured: the probe sends first and receives "
		      "after, and a rendezvous send waits for its receive");
	cellf(r, PR_ORDER, s, "not measured: one message at a time is ever offered");
}

/* Open a fresh channel for the probes of size @s; on failure the mechanism is skipped. */
static int open_or_fail(struct props_result *r, int s, struct pchan *c)
{
	char why[160];

	if (chan_open(r->m, r->sizes[s], c, why, sizeof(why)) == 0)
		return 0;
	snprintf(r->reason, sizeof(r->reason), "%s", why);
	return -1;
}

static void costs_off(struct props_result *r, int s)
{
	cellf(r, PR_CSW, s, "not measured (speed rows off)");
	cellf(r, PR_CPU, s, "not measured (speed rows off)");
}

static int probe_size(struct props_result *r, int s, const struct props_opts *o,
		      unsigned char *buf, unsigned char *rbuf)
{
	const struct pmech *m = r->m;
	struct pchan c;

	if (m->max_size && r->sizes[s] > m->max_size) {
		size_na(r, s);
		return 0;
	}
	if (m->flags & PM_NOQUEUE) {
		noqueue(r, s);
	} else {
		if (open_or_fail(r, s, &c) < 0)
			return -1;
		probe_capacity(r, s, &c, buf, rbuf);
		/*
		 * A fresh channel for the rest: the blocked writer was another
		 * process, and a user-space producer (the ring) caches positions
		 * that its send moved behind our back.
		 */
		m->destroy(&c);
		if (m->flags & PM_RENDEZVOUS) {
			unqueued(r, s);
		} else {
			if (open_or_fail(r, s, &c) < 0)
				return -1;
			probe_syscalls(r, s, &c, buf, rbuf);
			probe_boundary(r, s, &c, buf, rbuf);
			probe_shortread(r, s, &c, buf, rbuf);
			probe_zerolen(r, s, &c, rbuf);
			probe_prio(r, s, &c, buf, rbuf);
			m->destroy(&c);
		}
	}
	if (open_or_fail(r, s, &c) < 0)
		return -1;
	probe_writer_exit(r, s, &c, rbuf);
	m->destroy(&c);
	if (open_or_fail(r, s, &c) < 0)
		return -1;
	probe_reader_exit(r, s, &c, buf);
	m->destroy(&c);
	probe_outlives(r, s);
	if (o->costs && !(m->flags & PM_NOQUEUE))
		probe_memory(r, s, buf, rbuf, o->cpu);
	else if (!o->costs)
		cellf(r, PR_MEMORY, s, "not measured (speed rows off)");
	if (o->costs)
		probe_costs(r, s, o->cpu);
	else
		costs_off(r, s);
	cellf(r, PR_COPIES, s, "documented, not measured: %s", m->copies);
	return 0;
}

int props_measure(const struct pmech *m, const struct props_opts *o, struct props_result *r)
{
	struct props_opts oo = *o;
	unsigned char *buf, *rbuf;
	cpu_set_t old;
	int s, ret = 0;

	memset(r, 0, sizeof(*r));
	r->m = m;
	r->prio_levels = -1;
	r->nsizes = o->nsizes;
	for (s = 0; s < PROPS_NSIZES; s++) {
		r->sizes[s] = s < o->nsizes ? o->sizes[s] : 0;
		r->cap_msgs[s] = r->cap_bytes[s] = r->wake_msgs[s] = -1;
	}
	if (m->available && m->available(r->reason, sizeof(r->reason))) {
		r->skipped = true;
		return 0;
	}
	buf = malloc(2 * PROPS_MAX_SIZE + 64);
	rbuf = malloc(2 * PROPS_MAX_SIZE + 64);
	if (!buf || !rbuf) {
		free(buf);
		free(rbuf);
		return -1;
	}
	/* Everything on one CPU: the wake probe depends on it. */
	sched_getaffinity(0, sizeof(old), &old);
	if (oo.cpu < 0)
		oo.cpu = sched_getcpu();
	pin(oo.cpu);
	for (s = 0; s < r->nsizes && !ret; s++)
		ret = probe_size(r, s, &oo, buf, rbuf);
	sched_setaffinity(0, sizeof(old), &old);
	if (ret)
		r->skipped = true;
	free(buf);
	free(rbuf);
	return 0;
}
