// SPDX-License-Identifier: GPL-2.0
/*
 * ipcbench --timeline MS: how full each kernel buffer is over time, while
 * a producer outruns its consumer and then the reverse.
 *
 *   producer (CPU A) ---- buffer ----> consumer (CPU A)
 *                           |
 *   sampler (the parent, CPU B): the buffer's level (bufobj.c), the
 *   kernel's drop counter, the writer's /proc/PID/stat and /proc/PID/syscall
 *
 * Phases, for a run of T = MS milliseconds, burst N, delay D:
 *
 *   1 "producer ahead", from 0 for T/2: the producer sends bursts of N
 *     messages back to back; the consumer sleeps D us after each message.
 *     The buffer fills to its capacity and stays there while the writer
 *     blocks (or the kernel drops).
 *   2 "consumer ahead", for T/2: the consumer reads without pausing; the
 *     producer sends a burst of N, then sleeps 2 * N * D us. The reader
 *     catches up: the level falls to zero, and each burst shows as a
 *     spike of at most N messages.
 *
 * The sampler moves the children from one phase to the next, and it
 * does so on events, not only on time, so that a loaded host (other TCG
 * guests taking the vCPUs for a while) stretches a phase instead of
 * spoiling it: phase 1 ends at the first sample after T/2 that finds
 * the buffer full (the writer blocked, or a drop counted since the
 * sample before) once the consumer has taken 1/TL_DWELL of the capacity
 * since the first full sample; phase 2 at the first sample after another
 * T/2 that finds it empty; each waits at most TL_STRETCH longer.
 *
 * The dwell is for buffers that give room back in steps larger than a
 * message. A pipe frees a page at a time (1/16 of its capacity): its
 * writer blocks anywhere from the page's first message read to its last,
 * so the level saws between capacity - 1/16 and capacity, and the top is
 * seen only after a page comes free. When the buffer filled early the
 * dwell has long passed at T/2; a host slow enough to fill it only after
 * T/2 would otherwise end phase 1 in mid-saw, below the top.
 *
 * The writer counts as blocked when /proc/PID/stat says it sleeps (S or
 * D) inside the system call the mechanism's send blocks in (from
 * /proc/PID/syscall), or when the mechanism itself says so (a mailbox's
 * senders_blocked, a ring producer's waiting word). All of it is readable
 * for one's own processes without privilege.
 *
 * The plateau (the highest level of phase 1, in messages) is checked
 * against the capacity capacity_measure() finds on a fresh object of the
 * same settings: they must agree within 5 %.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "bufobj.h"
#include "capacity.h"
#include "output.h"
#include "timeline.h"

#define TL_TOLERANCE	0.05
#define TL_SAMPLES	2000	/* per run, at most */
#define TL_MIN_US	250	/* shortest sampling interval */
#define TL_STRETCH	30000000000ull	/* longest wait for full or empty, ns */
#define TL_DWELL	16	/* full for 1/TL_DWELL of the capacity read */

struct tl_opts {
	const struct bufobj_type *types[32];
	int ntypes;
	long ms, delay_us, burst;
	size_t size;
	int cpu[2];
	const char *out, *json;
	bool quiet;
	unsigned long plant_off;
};

/* Shared between the sampler and the two children. */
struct tl_shared {
	uint64_t t0;		/* start, CLOCK_MONOTONIC ns */
	int phase;		/* 1 or 2, set by the sampler */
	int stop;		/* set by the sampler */
	uint64_t sent, received, errors;
	char err[2][96];
};

struct tl_sample {
	double t_ms;
	int phase;
	struct bufobj_sample s;
	char state;		/* writer's /proc state, '?' unknown */
	long nr;		/* writer's system call, -1 running, -2 unknown */
	int blocked_proc;
	uint64_t sent, received;
};

struct tl_result {
	const struct bufobj_type *type;
	bool skipped, failed;
	char why[200];
	struct capacity cap;
	double checked;		/* the capacity checked against (--plant-off) */
	double unit, plateau, ratio, drained;
	double blocked1;	/* fraction of phase-1 samples with the writer blocked */
	double t2_ms, end_ms;	/* when phase 2 began, when the run ended */
	int64_t drops;
	uint64_t sent, received, errors;
	int nsamples;
	bool ok;
};

static void sleep_until(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Interruptible: a stop signal ends it early. */
static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static bool stopped(const struct tl_shared *sh)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE);
}

static int phase(const struct tl_shared *sh)
{
	return __atomic_load_n(&sh->phase, __ATOMIC_RELAXED);
}

static void on_stop(int sig)
{
	(void)sig;	/* only interrupts a blocking call */
}

static void child_err(struct tl_shared *sh, int role, const char *what)
{
	snprintf(sh->err[role], sizeof(sh->err[role]), "%s: %s", what, strerror(errno));
}

/*
 * Each message carries its sequence number; the consumer checks that
 * they increase, by exactly one unless the mechanism drops.
 */
static void producer(const struct tl_opts *to, struct bufobj *o, struct tl_shared *sh,
		     unsigned char *buf)
{
	uint64_t seq = 0;
	long i;

	while (!stopped(sh)) {
		for (i = 0; i < to->burst && !stopped(sh); i++) {
			memcpy(buf, &seq, sizeof(seq));
			if (bufobj_send_msg(o, buf) < 0) {
				/* At the end the peer may go first: EPIPE. */
				if (errno == EINTR || stopped(sh))
					continue;
				child_err(sh, 0, "send");
				_exit(1);
			}
			seq++;
			__atomic_add_fetch(&sh->sent, 1, __ATOMIC_RELAXED);
		}
		if (phase(sh) == 2)
			sleep_us(2 * to->burst * to->delay_us);
	}
	_exit(0);
}

static void consumer(const struct tl_opts *to, struct bufobj *o, struct tl_shared *sh,
		     unsigned char *buf)
{
	uint64_t seq, next = 0;

	while (!stopped(sh)) {
		if (bufobj_recv_msg(o, buf) < 0) {
			if (errno == EINTR || stopped(sh))
				continue;
			child_err(sh, 1, "receive");
			_exit(1);
		}
		memcpy(&seq, buf, sizeof(seq));
		if (seq < next || (seq != next && !o->type->drops))
			__atomic_add_fetch(&sh->errors, 1, __ATOMIC_RELAXED);
		next = seq + 1;
		__atomic_add_fetch(&sh->received, 1, __ATOMIC_RELAXED);
		if (phase(sh) == 1)
			sleep_us(to->delay_us);
	}
	_exit(0);
}

static pid_t spawn(const struct tl_opts *to, struct bufobj *o, struct tl_shared *sh, int role)
{
	struct sigaction sa = { .sa_handler = on_stop };	/* no SA_RESTART */
	unsigned char *buf;
	pid_t pid = fork();

	if (pid)
		return pid;
	pin(to->cpu[0]);
	sigaction(SIGUSR1, &sa, NULL);
	bufobj_attach(o, role ? BO_CONSUMER : BO_PRODUCER);
	buf = calloc(1, o->size);
	if (!buf)
		_exit(1);
	sleep_until(sh->t0);
	if (role)
		consumer(to, o, sh, buf);
	producer(to, o, sh, buf);
	return 0;
}

/* The writer's state letter and system call; pread() re-reads a proc file. */
static void read_writer(int statfd, int sysfd, struct tl_sample *x)
{
	char b[512], *p;
	int tries;
	ssize_t n;

	x->state = '?';
	x->nr = -2;
	n = statfd < 0 ? -1 : pread(statfd, b, sizeof(b) - 1, 0);
	if (n > 0) {
		b[n] = 0;
		p = strrchr(b, ')');	/* the name may hold anything */
		if (p && p[1] == ' ')
			x->state = p[2];
	}
	/*
	 * /proc/PID/syscall says "running" not only for a running task but
	 * also when a sleeping one woke while the kernel looked at it. A
	 * writer that the reader wakes every millisecond, on a slow (debug)
	 * kernel, is caught that way most of the time: when stat said it
	 * sleeps, look again a few times.
	 */
	for (tries = 0; sysfd >= 0 && tries < 4; tries++) {
		n = pread(sysfd, b, sizeof(b) - 1, 0);
		if (n <= 0)
			break;
		b[n] = 0;
		if (strncmp(b, "running", 7)) {
			x->nr = strtol(b, NULL, 10);
			break;
		}
		x->nr = -1;
		if (x->state != 'S' && x->state != 'D')
			break;
	}
}

static int open_proc(pid_t pid, const char *file)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Set stop and interrupt both children until they are gone. */
static int reap(pid_t pid[2], struct tl_shared *sh, char *why, size_t len)
{
	uint64_t deadline = now_ns() + 10000000000ull;
	int st, i, bad = 0, left = (pid[0] > 0) + (pid[1] > 0);

	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	while (left) {
		for (i = 0; i < 2; i++) {
			if (pid[i] <= 0)
				continue;
			if (waitpid(pid[i], &st, WNOHANG) == pid[i]) {
				if (!WIFEXITED(st) || WEXITSTATUS(st))
					bad = 1;
				pid[i] = 0;
				left--;
				continue;
			}
			kill(pid[i], now_ns() > deadline ? SIGKILL : SIGUSR1);
		}
		if (left)
			sleep_us(2000);
	}
	if (bad)
		snprintf(why, len, "%s%s%s", sh->err[0], sh->err[0][0] ? "; " : "",
			 sh->err[1][0] ? sh->err[1] : "a child failed");
	return bad ? -1 : 0;
}

static int blocked_of(const struct tl_sample *x)
{
	return x->s.blocked >= 0 ? x->s.blocked : x->blocked_proc;
}

static int write_csv(const struct tl_opts *to, const struct bufobj *o,
		     const struct tl_sample *smp, int n)
{
	char path[512];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/timeline-%s.csv", to->out, o->type->name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "ipcbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "t_ms,phase,level,aux,msgs,dropped,writer_state,writer_syscall,"
		"writer_blocked_proc,writer_blocked_mech,writer_blocked,sent,received\n");
	for (i = 0; i < n; i++) {
		const struct tl_sample *x = &smp[i];

		fprintf(f, "%.3f,%d,%.0f,", x->t_ms, x->phase, x->s.level);
		if (isnan(x->s.aux))
			fputc(',', f);
		else
			fprintf(f, "%.0f,", x->s.aux);
		fprintf(f, "%.3f,%lld,%c,%ld,%d,%d,%d,%llu,%llu\n", bufobj_msgs(o, &x->s),
			(long long)x->s.dropped, x->state, x->nr, x->blocked_proc,
			x->s.blocked, blocked_of(x), (unsigned long long)x->sent,
			(unsigned long long)x->received);
	}
	return fclose(f) ? -1 : 0;
}

/* Plateau, blocking, drops and draining, from the samples. */
static void summarise(const struct tl_opts *to, const struct bufobj *o,
		      const struct tl_sample *smp, int n, struct tl_result *r)
{
	int64_t drop1 = -1, drop0 = -1;
	int i, n1 = 0, b1 = 0;
	double cap = r->cap.msgs - (double)to->plant_off;

	r->checked = cap;
	r->plateau = 0;
	r->drained = INFINITY;
	for (i = 0; i < n; i++) {
		double m = bufobj_msgs(o, &smp[i].s);

		if (smp[i].phase == 1) {
			n1++;
			b1 += blocked_of(&smp[i]) > 0;
			if (m > r->plateau)
				r->plateau = m;
			if (drop0 < 0)
				drop0 = smp[i].s.dropped;
			drop1 = smp[i].s.dropped;
		} else if (m < r->drained) {
			r->drained = m;
		}
	}
	r->nsamples = n;
	r->blocked1 = n1 ? (double)b1 / n1 : 0;
	r->drops = drop1 >= 0 ? drop1 - drop0 : -1;
	r->ratio = cap > 0 ? r->plateau / cap : NAN;
	r->ok = n1 > 0 && fabs(r->ratio - 1) <= TL_TOLERANCE;
	if (!r->ok && !r->why[0] && !b1 && !o->type->drops && r->ratio < 1)
		snprintf(r->why, sizeof(r->why), "the writer never blocked: phase 1 was too "
			 "short to fill the buffer (a longer --consumer-delay)");
}

/*
 * Sample every @interval until the end of phase 2, moving the children
 * to phase 2 on the way (see the top). Returns the number of samples in
 * *@smpp, or -1 (reason in r->why).
 */
static int sample_phases(const struct tl_opts *to, const struct bufobj_type *t,
			 struct bufobj *o, struct tl_shared *sh, uint64_t interval,
			 int statfd, int sysfd, struct tl_sample **smpp, struct tl_result *r)
{
	uint64_t half = (uint64_t)to->ms * 500000ull, next, el, t2 = 0;
	uint64_t dwell = (uint64_t)ceil(r->cap.msgs / TL_DWELL), full_rcvd = 0;
	bool seen_full = false;
	int64_t drops = -1;
	struct tl_sample *x;
	int n = 0, max = 0;
	bool full;

	for (next = sh->t0;; next += interval) {
		if (n == max) {
			max = max ? 2 * max : (int)(2 * half / interval) + 16;
			x = realloc(*smpp, (size_t)max * sizeof(*x));
			if (!x) {
				snprintf(r->why, sizeof(r->why), "out of memory");
				return -1;
			}
			*smpp = x;
		}
		x = &(*smpp)[n++];
		sleep_until(next);
		el = now_ns() - sh->t0;
		x->t_ms = (double)el / 1e6;
		x->phase = phase(sh);
		x->sent = __atomic_load_n(&sh->sent, __ATOMIC_RELAXED);
		x->received = __atomic_load_n(&sh->received, __ATOMIC_RELAXED);
		if (bufobj_sample(o, &x->s) < 0) {
			snprintf(r->why, sizeof(r->why), "occupancy: %s", strerror(errno));
			return -1;
		}
		read_writer(statfd, sysfd, x);
		x->blocked_proc = (x->state == 'S' || x->state == 'D') && x->nr == t->send_nr;
		full = blocked_of(x) > 0 || (drops >= 0 && x->s.dropped > drops);
		drops = x->s.dropped;
		if (x->phase == 1 && full && !seen_full) {
			seen_full = true;
			full_rcvd = x->received;
		}
		if (x->phase == 1 && el >= half &&
		    ((full && x->received - full_rcvd >= dwell) || el >= half + TL_STRETCH)) {
			t2 = el;
			r->t2_ms = x->t_ms;
			__atomic_store_n(&sh->phase, 2, __ATOMIC_RELAXED);
		} else if (x->phase == 2 && el >= t2 + half &&
			   (x->s.level == 0 || el >= t2 + half + TL_STRETCH)) {
			r->end_ms = x->t_ms;
			return n;
		}
	}
}

static int run_one(const struct tl_opts *to, const struct bufobj_type *t, struct tl_result *r)
{
	uint64_t interval = (uint64_t)to->ms * 1000000ull / TL_SAMPLES;
	struct tl_sample *smp = NULL;
	struct tl_shared *sh;
	struct bufobj o;
	pid_t pid[2] = { 0, 0 };
	int ret, n, statfd, sysfd;

	r->type = t;
	ret = capacity_measure(t->name, to->size, &r->cap, r->why, sizeof(r->why));
	if (ret == 0)
		ret = bufobj_open(&o, t, to->size, r->why, sizeof(r->why));
	if (ret) {
		r->skipped = ret > 0;
		r->failed = ret < 0;
		return ret < 0 ? -1 : 0;
	}
	r->unit = o.unit;
	if (interval < TL_MIN_US * 1000ull)
		interval = TL_MIN_US * 1000ull;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		snprintf(r->why, sizeof(r->why), "mmap: %s", strerror(errno));
		bufobj_close(&o);
		r->failed = true;
		return -1;
	}
	memset(sh, 0, sizeof(*sh));
	sh->t0 = now_ns() + 100000000ull;	/* both children are up by then */
	sh->phase = 1;
	fflush(NULL);
	pid[0] = spawn(to, &o, sh, 0);
	pid[1] = pid[0] > 0 ? spawn(to, &o, sh, 1) : -1;
	bufobj_attach(&o, BO_SAMPLER);
	statfd = open_proc(pid[0], "stat");
	sysfd = open_proc(pid[0], "syscall");
	n = sample_phases(to, t, &o, sh, interval, statfd, sysfd, &smp, r);
	if (reap(pid, sh, r->why, sizeof(r->why)) < 0)
		r->failed = true;
	if (n < 0)
		r->failed = true;
	n = n < 0 ? 0 : n;
	if (pid[1] < 0 && !r->failed) {
		snprintf(r->why, sizeof(r->why), "fork: %s", strerror(errno));
		r->failed = true;
	}
	if (statfd >= 0)
		close(statfd);
	if (sysfd >= 0)
		close(sysfd);
	r->sent = sh->sent;
	r->received = sh->received;
	r->errors = sh->errors;
	if (r->errors && !r->failed) {
		snprintf(r->why, sizeof(r->why), "%llu messages out of sequence",
			 (unsigned long long)r->errors);
		r->failed = true;
	}
	summarise(to, &o, smp, n, r);
	if (write_csv(to, &o, smp, n) < 0)
		r->failed = true;
	munmap(sh, sizeof(*sh));
	free(smp);
	bufobj_close(&o);
	return r->failed ? -1 : 0;
}

static void print_header(FILE *f, const struct tl_opts *to)
{
	fprintf(f, "Occupancy over time: %zu B messages, %ld ms, sampled every %.2f ms\n",
		to->size, to->ms,
		fmax(to->ms * 1000.0 / TL_SAMPLES, TL_MIN_US) / 1000.0);
	fprintf(f, "  phase 1, producer ahead (%ld ms, then until the buffer is full and has "
		"been for 1/%d of it read):\n    bursts of %ld back to back, the consumer "
		"sleeps %ld us per message\n",
		to->ms / 2, TL_DWELL, to->burst, to->delay_us);
	fprintf(f, "  phase 2, consumer ahead (%ld ms, then until it is empty): the consumer "
		"reads without pausing,\n    the producer sleeps %ld us after each burst\n",
		to->ms / 2, 2 * to->burst * to->delay_us);
	fprintf(f, "  plateau: highest level in phase 1, in messages; must be within %.0f %% "
		"of the capacity (filled until the writer would block)\n\n",
		TL_TOLERANCE * 100);
	fprintf(f, "%-17s %9s %9s %7s %-8s %8s %8s %8s  %s\n", "mechanism", "capacity",
		"plateau", "ratio", "check", "blocked1", "drops1", "drained", "level source");
}

/*
 * The share of phase-1 samples with the writer blocked, never rounded
 * to zero when it is not: a run whose buffer filled only just after T/2
 * sees the writer blocked in one sample out of hundreds.
 */
static const char *share(char *b, size_t len, double frac)
{
	if (frac > 0 && frac < 0.001)
		snprintf(b, len, "<0.1%%");
	else
		snprintf(b, len, "%.1f%%", frac * 100);
	return b;
}

static void print_row(FILE *f, const struct tl_result *r)
{
	char b1[16];

	if (r->skipped || (r->failed && !r->nsamples)) {
		fprintf(f, "%-17s %s: %s\n", r->type->name, r->skipped ? "skipped" : "FAILED",
			r->why);
		return;
	}
	fprintf(f, "%-17s %9.1f %9.1f %7.3f %-8s %8s %8lld %8.1f  %s\n", r->type->name,
		r->checked, r->plateau, r->ratio,
		r->failed ? "FAILED" : r->ok ? "ok" : "MISMATCH",
		share(b1, sizeof(b1), r->blocked1),
		(long long)r->drops, r->drained, r->type->level_src);
	if ((r->failed || !r->ok) && r->why[0])
		fprintf(f, "%-17s   %s\n", "", r->why);
}

static void json_num(FILE *f, const char *k, double v, bool comma)
{
	if (isfinite(v))
		fprintf(f, "\"%s\": %.4g%s", k, v, comma ? ", " : "");
	else
		fprintf(f, "\"%s\": null%s", k, comma ? ", " : "");
}

static void json_str(FILE *f, const char *k, const char *v)
{
	fprintf(f, "\"%s\": ", k);
	if (v)
		json_print_string(f, v);
	else
		fputs("null", f);
	fputs(", ", f);
}

static void write_json(FILE *f, const struct tl_opts *to, const struct tl_result *res, int n)
{
	int i;

	fprintf(f, "{\n  \"size\": %zu, \"duration_ms\": %ld, \"consumer_delay_us\": %ld, "
		"\"producer_burst\": %ld, \"tolerance\": %.2f,\n", to->size, to->ms,
		to->delay_us, to->burst, TL_TOLERANCE);
	fprintf(f, "  \"phases\": [\n    {\"phase\": 1, \"name\": \"producer ahead\", "
		"\"min_ms\": %.1f, \"until\": \"full\"},\n    {\"phase\": 2, \"name\": "
		"\"consumer ahead\", \"min_ms\": %.1f, \"until\": \"empty\"}\n  ],\n",
		to->ms / 2.0, to->ms / 2.0);
	fputs("  \"mechanisms\": [\n", f);
	for (i = 0; i < n; i++) {
		const struct tl_result *r = &res[i];
		const struct bufobj_type *t = r->type;

		fputs("    {", f);
		json_str(f, "name", t->name);
		json_str(f, "status", r->skipped ? "skipped" : r->failed ? "failed" :
			 r->ok ? "ok" : "mismatch");
		json_str(f, "reason", r->why[0] ? r->why : NULL);
		json_str(f, "level_source", t->level_src);
		json_str(f, "aux_source", t->aux_src);
		json_str(f, "blocked_source", t->blocked_src ? t->blocked_src :
			 "/proc/PID/stat state S or D inside the send system call "
			 "(/proc/PID/syscall)");
		fprintf(f, "\"send_syscall\": %ld, \"drops\": %s, ", t->send_nr,
			t->drops ? "true" : "false");
		fprintf(f, "\"csv\": \"timeline-%s.csv\",\n     ", t->name);
		json_num(f, "capacity_msgs", r->cap.msgs, true);
		fprintf(f, "\"capacity_bytes\": %llu, ", (unsigned long long)r->cap.bytes);
		json_num(f, "capacity_level", r->cap.level, true);
		json_num(f, "capacity_checked", r->checked, true);
		json_num(f, "unit", r->unit, true);
		json_num(f, "plateau_msgs", r->plateau, true);
		json_num(f, "ratio", r->ratio, true);
		json_num(f, "blocked_phase1", r->blocked1, true);
		json_num(f, "phase2_from_ms", r->t2_ms, true);
		json_num(f, "end_ms", r->end_ms, true);
		fprintf(f, "\"drops_phase1\": %lld, ", (long long)r->drops);
		json_num(f, "drained_msgs", r->drained, true);
		fprintf(f, "\"sent\": %llu, \"received\": %llu, \"samples\": %d}%s\n",
			(unsigned long long)r->sent, (unsigned long long)r->received,
			r->nsamples, i + 1 < n ? "," : "");
	}
	fputs("  ]\n}\n", f);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: ipcbench --timeline MS [OPTIONS]\n"
"Occupancy of each mechanism's kernel buffer over MS milliseconds: the\n"
"producer ahead for the first half, the consumer ahead for the second.\n\n"
"  -m, --mech LIST         mechanisms (default all):");
	for (int i = 0; bufobj_types[i]; i++)
		fprintf(f, "%s%s", i % 4 ? ", " : "\n                            ",
			bufobj_types[i]->name);
	fprintf(f, "\n"
"  -s, --sizes SIZE        message size in bytes, K suffix (default 64)\n"
"      --consumer-delay US consumer's sleep per message in phase 1 (default 1000)\n"
"      --producer-burst N  messages per producer burst (default 32)\n"
"  -c, --cpus A,B          producer and consumer on A, sampler on B\n"
"  -o, --out DIR           write timeline-MECH.csv and timeline.json there (default .)\n"
"      --json FILE         the summary JSON elsewhere ('-' for stdout)\n"
"      --quiet             no progress on stderr\n"
"      --plant-off N       test hook: check against a capacity N messages too small;\n"
"                          the check must then fail\n\n"
"Exit status: 0 if every plateau is within 5 %% of the capacity, 1 if not or\n"
"a run failed, 2 on bad usage.\n");
}

static long parse_long(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	return end == s || *end || v < lo || v > hi ? -1 : v;
}

static int add_types(struct tl_opts *to, const char *arg)
{
	char buf[512], *save = NULL, *w;
	int i;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "all")) {
			for (i = 0; bufobj_types[i] && to->ntypes < 32; i++)
				to->types[to->ntypes++] = bufobj_types[i];
			continue;
		}
		if (!bufobj_find(w)) {
			fprintf(stderr, "ipcbench: --timeline has no mechanism '%s' (see --help)\n",
				w);
			return -1;
		}
		if (to->ntypes < 32)
			to->types[to->ntypes++] = bufobj_find(w);
	}
	return 0;
}

static int parse_opts(struct tl_opts *to, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "timeline", required_argument, NULL, 1 },
		{ "consumer-delay", required_argument, NULL, 2 },
		{ "producer-burst", required_argument, NULL, 3 },
		{ "json", required_argument, NULL, 4 },
		{ "quiet", no_argument, NULL, 5 },
		{ "plant-off", required_argument, NULL, 6 },
		{ "mech", required_argument, NULL, 'm' },
		{ "sizes", required_argument, NULL, 's' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "m:s:c:o:h", lo, NULL)) != -1) {
		switch (c) {
		case 1:
			to->ms = parse_long(optarg, 100, 3600000);
			break;
		case 2:
			to->delay_us = parse_long(optarg, 1, 1000000);
			break;
		case 3:
			to->burst = parse_long(optarg, 1, 1000000);
			break;
		case 4:
			to->json = optarg;
			break;
		case 5:
			to->quiet = true;
			break;
		case 6:
			to->plant_off = strtoul(optarg, NULL, 10);
			break;
		case 'm':
			if (add_types(to, optarg) < 0)
				return -1;
			break;
		case 's':
			to->size = strtoul(optarg, &end, 10);
			if (*end == 'K' || *end == 'k')
				to->size <<= 10, end++;
			if (*end || to->size < 8 || to->size > (1 << 20)) {
				fprintf(stderr, "ipcbench: --timeline wants one size, 8 B..1 MiB\n");
				return -1;
			}
			break;
		case 'c':
			if (sscanf(optarg, "%d,%d", &to->cpu[0], &to->cpu[1]) != 2 ||
			    to->cpu[0] < 0 || to->cpu[1] < 0) {
				fprintf(stderr, "ipcbench: --cpus wants A,B\n");
				return -1;
			}
			break;
		case 'o':
			to->out = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc || to->ms < 0 || to->delay_us < 0 || to->burst < 0) {
		fprintf(stderr, "ipcbench: --timeline MS (100..3600000), --consumer-delay US "
			"(1..1000000), --producer-burst N (1..1000000)\n");
		return -1;
	}
	return 0;
}

int timeline_main(int argc, char **argv)
{
	struct tl_opts to = { .delay_us = 1000, .burst = 32, .size = 64, .out = "." };
	struct tl_result *res;
	int i, bad = 0, nok = 0, nskip = 0;
	char path[512];
	FILE *f;

	/* The first two CPUs this process may use (one: everything on it). */
	if (bench_default_cpus(to.cpu) == 1)
		to.cpu[1] = to.cpu[0];
	if (parse_opts(&to, argc, argv) < 0)
		return 2;
	if (!to.ntypes)
		add_types(&to, "all");
	if (mkdir(to.out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "ipcbench: %s: %s\n", to.out, strerror(errno));
		return 1;
	}
	res = calloc((size_t)to.ntypes, sizeof(*res));
	if (!res)
		return 1;
	pin(to.cpu[1]);
	print_header(stdout, &to);
	for (i = 0; i < to.ntypes; i++) {
		struct tl_result *r = &res[i];

		if (!to.quiet)
			fprintf(stderr, "ipcbench: timeline [%d/%d] %s, %zu B, %ld ms\n", i + 1,
				to.ntypes, to.types[i]->name, to.size, to.ms);
		run_one(&to, to.types[i], r);
		print_row(stdout, r);
		fflush(stdout);
		nskip += r->skipped;
		nok += !r->skipped && !r->failed && r->ok;
		bad += !r->skipped && (r->failed || !r->ok);
	}
	snprintf(path, sizeof(path), "%s/timeline.json", to.out);
	f = to.json && !strcmp(to.json, "-") ? stdout : fopen(to.json ? to.json : path, "w");
	if (f) {
		write_json(f, &to, res, to.ntypes);
		if (f != stdout && fclose(f))
			bad++;
	} else {
		fprintf(stderr, "ipcbench: %s: %s\n", to.json ? to.json : path, strerror(errno));
		bad++;
	}
	printf("\nipcbench: timeline: %d mechanisms, %d plateaus within %.0f %% of capacity, "
	       "%d failed or mismatched, %d skipped\n", to.ntypes, nok, TL_TOLERANCE * 100,
	       bad, nskip);
	free(res);
	return bad ? 1 : 0;
}
