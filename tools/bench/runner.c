// SPDX-License-Identifier: GPL-2.0
/*
 * One repetition of one mechanism: fork, pin, warm up, measure, verify.
 *
 * The child is the echo side in ping-pong and the consumer in streaming;
 * the parent times the round trips, the child the stream. Both verify
 * every message they receive. The child reports its CPU time and its
 * verification counts through a shared page.
 * A watchdog alarm turns a lost wakeup or a dead peer into a failed
 * repetition instead of a hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "payload.h"

/*
 * Streaming rates are the median over windows of about 1/STREAM_WINDOWS
 * of the measured time, so that a stall of a few milliseconds (another
 * guest or host process taking the vCPU's host thread) costs one window,
 * not the repetition.
 */
#define STREAM_WINDOWS		10
#define STREAM_MAX_WINDOWS	64

/* What the child hands back to the parent. */
struct shared {
	double cpu_s;		/* child CPU during the measured part */
	uint64_t csw;		/* child context switches in that part */
	double wall_s;		/* streaming: the consumer's timed interval */
	uint64_t n;		/* streaming: messages in that interval */
	uint64_t verified, errors;
	/* streaming: the consumer's rate in each fixed time window */
	unsigned int nwin;
	double win_rate[STREAM_MAX_WINDOWS];
	char err[160];
};

/*
 * How many streamed messages pass between two clock reads: the producer
 * checks its deadline and the consumer its window only that often, so
 * that the harness costs little per message for cheap mechanisms (a
 * clock read is over 100 ns under TCG). Few enough bytes between reads
 * that large messages still stop close to the deadline.
 */
static uint64_t stream_clock_every(size_t size)
{
	size_t n = (256 * 1024) / (size ? size : 1);

	return n < 1 ? 1 : n > 64 ? 64 : n;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * With IPCBENCH_WINDOWS=FILE in the environment, append one line per
 * measured interval to FILE: the mechanism, what was measured, the
 * message size or channel count, the interval's CLOCK_MONOTONIC start and
 * end in seconds, and the messages in it. `perf record -k mono` stamps
 * its samples with the same clock, so `perf report --time START,END`
 * profiles exactly what a result line measured (scripts/bench-profile.sh).
 * One write() of a whole line with O_APPEND: the two processes of a run
 * never interleave their lines.
 */
void bench_window(const char *mech, const char *what, size_t n, uint64_t t0,
		  uint64_t t1, uint64_t msgs)
{
	const char *path = getenv("IPCBENCH_WINDOWS");
	char line[256];
	int fd, len;

	if (!path || !*path)
		return;
	len = snprintf(line, sizeof(line), "%s %s %zu %llu.%09llu %llu.%09llu %llu\n",
		       mech, what, n,
		       (unsigned long long)(t0 / 1000000000ull),
		       (unsigned long long)(t0 % 1000000000ull),
		       (unsigned long long)(t1 / 1000000000ull),
		       (unsigned long long)(t1 % 1000000000ull),
		       (unsigned long long)msgs);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "ipcbench: IPCBENCH_WINDOWS: %s: %s\n", path, strerror(errno));
		return;
	}
	if (len > 0 && (size_t)len < sizeof(line) && write(fd, line, (size_t)len) != len)
		fprintf(stderr, "ipcbench: IPCBENCH_WINDOWS: %s: short write\n", path);
	close(fd);
}

/* Context switches of this process so far, voluntary and involuntary. */
uint64_t bench_csw(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (uint64_t)ru.ru_nvcsw + (uint64_t)ru.ru_nivcsw;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int read_sysctl_ul(const char *path, unsigned long *v)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%lu", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

const char *mode_name(enum bench_mode m)
{
	return m == MODE_PINGPONG ? "pingpong" : "stream";
}

const char *pin_name(enum bench_pin p)
{
	static const char *const n[] = { "same", "cross", "none" };

	return n[p];
}

/* Pin the calling thread to @cpu; a negative @cpu leaves it where it is. */
int bench_pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Split @arg at commas and call @fn on each word; stop at the first error. */
int for_each_word(const char *arg, int (*fn)(void *ctx, const char *w), void *ctx)
{
	char buf[512], *save = NULL, *w;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (fn(ctx, w) < 0)
			return -1;
	return 0;
}

/*
 * The option arguments that the suite and --epoll share. Each says
 * what is wrong on stderr and returns -1, or returns 0.
 */
int parse_cpus_opt(const char *arg, int cpu[2])
{
	if (sscanf(arg, "%d,%d", &cpu[0], &cpu[1]) != 2 || cpu[0] < 0 || cpu[1] < 0) {
		fprintf(stderr, "ipcbench: --cpus wants A,B\n");
		return -1;
	}
	return 0;
}

int parse_reps_opt(const char *arg, int *reps)
{
	*reps = atoi(arg);
	if (*reps < 1 || *reps > MAX_REPS) {
		fprintf(stderr, "ipcbench: --reps must be 1..%d\n", MAX_REPS);
		return -1;
	}
	return 0;
}

/* Seconds, 0 up to an hour; more than 0 with @positive (--time). */
int parse_time_opt(const char *arg, double *v, bool positive)
{
	char *end;

	*v = strtod(arg, &end);
	if (end == arg || *end || !(*v >= 0 && *v < 3600) || (positive && *v <= 0)) {
		fprintf(stderr, "ipcbench: bad time '%s'\n", arg);
		return -1;
	}
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;	/* only there to interrupt blocking calls with EINTR */
}

/* A side's state: its buffers, the template it sends, its counters. */
struct side {
	const struct run_cfg *cfg;
	struct chan *c;
	unsigned char *sbuf, *rbuf;	/* after BENCH_HEADROOM */
	struct msg_tmpl tmpl;
	uint64_t verified, errors, sent;
	bool unflip;		/* MECH_INPROC: undo the test hook after recv */
	char err[160];
};

static int side_init(struct side *s, const struct run_cfg *cfg, struct chan *c, uint32_t salt)
{
	size_t room = cfg->size + BENCH_HEADROOM;

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->c = c;
	s->sbuf = malloc(room);
	s->rbuf = malloc(room);
	if (!s->sbuf || !s->rbuf) {
		/* side_free() expects both or neither, offset by the headroom */
		free(s->sbuf);
		free(s->rbuf);
		s->sbuf = NULL;
		s->rbuf = NULL;
		return -1;
	}
	s->sbuf += BENCH_HEADROOM;
	s->rbuf += BENCH_HEADROOM;
	msg_tmpl_init(&s->tmpl, s->sbuf, cfg->size, salt);
	return 0;
}

static void side_free(struct side *s)
{
	if (s->sbuf)
		free(s->sbuf - BENCH_HEADROOM);
	if (s->rbuf)
		free(s->rbuf - BENCH_HEADROOM);
}

static int side_send(struct side *s, int dir, uint64_t seq, uint32_t flags)
{
	const struct mech *m = s->cfg->mech;
	uint64_t every = s->cfg->corrupt_every;
	bool corrupt = every && s->sent % every == every - 1;
	int ret;

	msg_stamp(&s->tmpl, seq, flags);
	/* Test hook: flip one body byte after the checksum was computed. */
	if (corrupt)
		s->sbuf[s->cfg->size - 1] ^= 0x40;
	ret = m->send(s->c, dir, s->sbuf, s->cfg->size);
	/* In one process the receiver reads this very buffer: undo it after. */
	if (corrupt && (m->flags & MECH_INPROC))
		s->unflip = true;
	else if (corrupt)
		s->sbuf[s->cfg->size - 1] ^= 0x40;
	s->sent++;
	if (ret < 0) {
		s->errors++;
		if (!s->err[0])
			snprintf(s->err, sizeof(s->err), "%s: send: %s", m->name,
				 errno == EINTR ? "timed out (lost wakeup or dead peer?)" :
				 strerror(errno));
		return -1;
	}
	if ((flags & MSG_F_LAST) && m->flush && m->flush(s->c, dir) < 0) {
		s->errors++;
		if (!s->err[0])
			snprintf(s->err, sizeof(s->err), "%s: flush: %s", m->name,
				 strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Receive and verify message @seq on @dir; its flags go to *@flags.
 * Returns 0, or -1 when the channel failed (verification failures are
 * counted and do not stop the run unless the stream lost its place).
 */
static int side_recv(struct side *s, int dir, uint64_t seq, uint32_t *flags)
{
	const struct mech *m = s->cfg->mech;
	const void *msg = NULL;
	enum msg_err e;
	ssize_t n;

	n = m->recv(s->c, dir, s->rbuf, s->cfg->size, &msg);
	if (n <= 0) {
		s->errors++;
		if (!s->err[0])
			snprintf(s->err, sizeof(s->err), "%s: recv: %s", m->name,
				 n == 0 ? "unexpected end of file" :
				 errno == EINTR ? "timed out (lost wakeup or dead peer?)" :
				 strerror(errno));
		return -1;
	}
	e = msg_verify(msg, (size_t)n, seq, flags);
	if (s->unflip) {
		s->sbuf[s->cfg->size - 1] ^= 0x40;
		s->unflip = false;
	}
	if (m->release)
		m->release(s->c, dir);
	if (e != MSG_OK) {
		s->errors++;
		if (!s->err[0])
			snprintf(s->err, sizeof(s->err),
				 "%s: message %llu (%zd bytes): %s", m->name,
				 (unsigned long long)seq, n, msg_strerror(e));
		/* A sequence error means the stream is out of step: stop. */
		return e == MSG_E_SEQ || e == MSG_E_MAGIC || e == MSG_E_SHORT ? -1 : 0;
	}
	s->verified++;
	return 0;
}

/* Child of a ping-pong run: echo until the LAST message. */
static void child_pingpong(struct side *s, struct shared *sh)
{
	uint32_t flags = 0;
	double c0 = 0;
	bool measuring = false;
	uint64_t seq, k0 = 0;

	for (seq = 0;; seq++) {
		if (side_recv(s, 0, seq, &flags) < 0)
			return;
		if (!measuring && !(flags & MSG_F_WARMUP)) {
			measuring = true;
			c0 = cpu_s();
			k0 = bench_csw();
		}
		if (side_send(s, 1, seq, flags & MSG_F_LAST) < 0)
			return;
		if (flags & MSG_F_LAST)
			break;
	}
	sh->cpu_s = cpu_s() - c0;
	sh->csw = bench_csw() - k0;
}

/*
 * Consumer (child) of a streaming run: receive until LAST, time from the
 * first measured message to the last, and the rate in each window of
 * about 1/STREAM_WINDOWS of the measured time (the clock is read every
 * stream_clock_every() messages, so a window closes at the first read
 * past its length).
 */
static void child_stream(struct side *s, struct shared *sh)
{
	const struct run_cfg *cfg = s->cfg;
	uint64_t seq = 0, first = 0, t_first = 0, t_last, t_win = 0, n_win = 0, t;
	uint64_t every = stream_clock_every(cfg->size);
	uint64_t win_ns = (uint64_t)(cfg->measure_s * 1e9 / STREAM_WINDOWS);
	uint32_t flags = 0;
	uint64_t k0 = 0;
	double c0 = 0;

	for (;; seq++) {
		if (side_recv(s, 0, seq, &flags) < 0)
			return;
		if (flags & MSG_F_WARMUP)
			continue;
		if (!t_first) {
			t_first = t_win = now_ns();
			c0 = cpu_s();
			k0 = bench_csw();
			first = n_win = seq;
		}
		if (flags & MSG_F_LAST)
			break;
		if ((seq - first) % every == every - 1) {
			t = now_ns();
			if (t - t_win >= win_ns && sh->nwin < STREAM_MAX_WINDOWS) {
				sh->win_rate[sh->nwin++] =
					(double)(seq - n_win) * 1e9 / (double)(t - t_win);
				t_win = t;
				n_win = seq;
			}
		}
	}
	t_last = now_ns();
	sh->cpu_s = cpu_s() - c0;
	sh->csw = bench_csw() - k0;
	/* seq - first messages arrived in the timed interval. */
	sh->n = seq - first;
	bench_window(cfg->mech->name, "stream", cfg->size, t_first, t_last, sh->n);
	sh->wall_s = (double)(t_last - t_first) / 1e9;
}

static int parent_pingpong(struct side *s, struct shared *sh, struct rep_result *res)
{
	const struct run_cfg *cfg = s->cfg;
	uint64_t seq = 0, t0, t1, t_end, *samples = NULL, start, k0;
	size_t n = 0, cap = 0;
	uint32_t flags;
	double c0, wall;
	int ret = -1;

	t_end = now_ns() + (uint64_t)(cfg->warmup_s * 1e9);
	do {
		if (side_send(s, 0, seq, MSG_F_WARMUP) < 0 || side_recv(s, 1, seq, &flags) < 0)
			goto out;
		seq++;
	} while (now_ns() < t_end);

	c0 = cpu_s();
	k0 = bench_csw();
	start = now_ns();
	t_end = start + (uint64_t)(cfg->measure_s * 1e9);
	for (;;) {
		if (n == cap) {
			uint64_t *p = realloc(samples, (cap = cap ? cap * 2 : 4096) * sizeof(*p));

			if (!p)
				goto out;
			samples = p;
		}
		t0 = now_ns();
		if (side_send(s, 0, seq, 0) < 0 || side_recv(s, 1, seq, &flags) < 0)
			goto out;
		t1 = now_ns();
		samples[n++] = t1 - t0;
		seq++;
		if (t1 >= t_end)
			break;
	}
	t1 = now_ns();
	wall = (double)(t1 - start) / 1e9;
	bench_window(cfg->mech->name, "pingpong", cfg->size, start, t1, n);
	/* The closing exchange is verified but not timed. */
	if (side_send(s, 0, seq, MSG_F_LAST) < 0 || side_recv(s, 1, seq, &flags) < 0)
		goto out;
	res->cpu_util = cpu_s() - c0;	/* child's part added after wait */
	res->csw_per_msg = (double)(bench_csw() - k0);	/* likewise */
	res->cpu_ns_per_msg = wall;	/* stash; finished in run_rep */
	lat_summarise(samples, n, &res->lat);
	ret = 0;
out:
	free(samples);
	return ret;
}

/* Producer (parent) of a streaming run: warm up, then measure, then LAST. */
static int parent_stream(struct side *s, struct shared *sh, struct rep_result *res)
{
	const struct run_cfg *cfg = s->cfg;
	uint64_t seq = 0, t, t_end, every, i, k0;
	double c0;

	t_end = now_ns() + (uint64_t)(cfg->warmup_s * 1e9);
	do {
		if (side_send(s, 0, seq++, MSG_F_WARMUP) < 0)
			return -1;
		t = now_ns();
	} while (t < t_end);
	c0 = cpu_s();
	k0 = bench_csw();
	t_end = t + (uint64_t)(cfg->measure_s * 1e9);
	every = stream_clock_every(cfg->size);
	do {
		for (i = 0; i < every; i++)
			if (side_send(s, 0, seq++, 0) < 0)
				return -1;
		t = now_ns();
	} while (t < t_end);
	if (side_send(s, 0, seq, MSG_F_LAST) < 0)
		return -1;
	res->cpu_util = cpu_s() - c0;	/* finished in run_rep with the child's */
	res->csw_per_msg = (double)(bench_csw() - k0);
	return 0;
}

/*
 * Create the channel of @cfg with @ndirs directions; on failure the
 * reason is in @res->err.
 */
static int rep_setup(const struct run_cfg *cfg, int ndirs, struct chan **c,
		     struct rep_result *res)
{
	struct chan_cfg cc = { .size = cfg->size, .ndirs = ndirs, .mode = cfg->mode };
	int ret;

	ret = cfg->mech->setup(c, &cc, res->err, sizeof(res->err));
	if (ret < 0 && !res->err[0])
		snprintf(res->err, sizeof(res->err), "setup: %s", strerror(-ret));
	return ret < 0 ? -1 : 0;
}

/*
 * The timing side (role 0: the parent, or the only process of an
 * in-process run): pin it, attach it and set up @s. Whatever happens,
 * side_free() may then be called on @s; on failure the reason is in
 * @res->err.
 */
static int parent_side_init(struct side *s, const struct run_cfg *cfg, struct chan *c,
			    struct rep_result *res)
{
	memset(s, 0, sizeof(*s));
	if (bench_pin_cpu(cfg->cpu[0]) < 0) {
		snprintf(res->err, sizeof(res->err), "sched_setaffinity(%d): %s",
			 cfg->cpu[0], strerror(errno));
		return -1;
	}
	if (cfg->mech->attach(c, 0) < 0 || side_init(s, cfg, c, 0xfeed) < 0) {
		snprintf(res->err, sizeof(res->err), "attach: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A MECH_INPROC mechanism (null) streaming in this process alone: stamp
 * message seq, receive and verify it, next. Timed like child_stream():
 * the rate is the median over windows of the measured time.
 */
static int run_inproc(const struct run_cfg *cfg, struct rep_result *res)
{
	const struct mech *m = cfg->mech;
	uint64_t every = stream_clock_every(cfg->size), seq = 0, i, first, n_win;
	uint64_t win_ns = (uint64_t)(cfg->measure_s * 1e9 / STREAM_WINDOWS);
	uint64_t t, t0, t_end, t_win, k0;
	double win_rate[STREAM_MAX_WINDOWS], c0, cpu, wall;
	unsigned int nwin = 0;
	struct chan *c = NULL;
	struct side s;
	uint32_t flags;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (cfg->mode != MODE_STREAM) {
		snprintf(res->err, sizeof(res->err), "%s: streaming only", m->name);
		return -1;
	}
	if (rep_setup(cfg, 1, &c, res) < 0)
		return -1;
	if (parent_side_init(&s, cfg, c, res) < 0)
		goto out;
	t_end = now_ns() + (uint64_t)(cfg->warmup_s * 1e9);
	do {
		if (side_send(&s, 0, seq, MSG_F_WARMUP) < 0 ||
		    side_recv(&s, 0, seq, &flags) < 0)
			goto out;
		seq++;
	} while (now_ns() < t_end);
	c0 = cpu_s();
	k0 = bench_csw();
	t0 = t_win = now_ns();
	t_end = t0 + (uint64_t)(cfg->measure_s * 1e9);
	first = n_win = seq;
	do {
		for (i = 0; i < every; i++, seq++)
			if (side_send(&s, 0, seq, 0) < 0 || side_recv(&s, 0, seq, &flags) < 0)
				goto out;
		t = now_ns();
		if (t - t_win >= win_ns && nwin < STREAM_MAX_WINDOWS) {
			win_rate[nwin++] = (double)(seq - n_win) * 1e9 / (double)(t - t_win);
			t_win = t;
			n_win = seq;
		}
	} while (t < t_end);
	wall = (double)(t - t0) / 1e9;
	cpu = cpu_s() - c0;
	res->lat.n = seq - first;
	bench_window(m->name, "stream", cfg->size, t0, t, res->lat.n);
	res->msgs_per_s = nwin >= 3 ? median(win_rate, nwin) : (double)res->lat.n / wall;
	res->mb_per_s = res->msgs_per_s * (double)cfg->size / 1e6;
	res->cpu_ns_per_msg = cpu * 1e9 / (double)res->lat.n;
	res->cpu_util = wall > 0 ? cpu / wall : 0;
	res->csw_per_msg = (double)(bench_csw() - k0) / (double)res->lat.n;
	ret = 0;
out:
	res->verified = s.verified;
	res->errors = s.errors;
	if (s.err[0])
		memcpy(res->err, s.err, sizeof(res->err));
	side_free(&s);
	m->teardown(c, 0);
	return ret < 0 || res->errors ? -1 : 0;
}

/*
 * The child of a two-process repetition: attach as role 1, tell the
 * parent it is ready, run until LAST, and hand back what it saw through
 * @sh. Exit status 3: it could not start; 2: verification errors.
 */
static void __attribute__((noreturn))
child_main(const struct run_cfg *cfg, struct chan *c, struct shared *sh, int ready[2],
	   unsigned int watchdog)
{
	const struct mech *m = cfg->mech;
	struct side s;

	close(ready[0]);
	/*
	 * Default action, the child dies: from the second repetition on it
	 * would otherwise inherit the parent's on_alarm() and only see EINTR.
	 */
	signal(SIGALRM, SIG_DFL);
	alarm(watchdog);
	if (bench_pin_cpu(cfg->cpu[1]) < 0 || m->attach(c, 1) < 0 ||
	    side_init(&s, cfg, c, 0xc0ffee) < 0)
		_exit(3);
	if (write(ready[1], "r", 1) != 1)
		_exit(3);
	close(ready[1]);
	if (cfg->mode == MODE_PINGPONG)
		child_pingpong(&s, sh);
	else
		child_stream(&s, sh);
	sh->verified = s.verified;
	sh->errors = s.errors;
	memcpy(sh->err, s.err, sizeof(sh->err));
	m->teardown(c, 1);
	_exit(s.errors ? 2 : 0);
}

/*
 * The parent of a two-process repetition: attach as role 0, wait until
 * the child is ready (@ready), run until LAST. Its counts and its first
 * error go to @res; the child's are added once it is reaped.
 */
static int parent_main(const struct run_cfg *cfg, struct chan *c, struct shared *sh,
		       int ready, struct rep_result *res)
{
	struct side s;
	int ret = -1;
	char b;

	if (parent_side_init(&s, cfg, c, res) < 0)
		goto out;
	if (read(ready, &b, 1) != 1) {
		snprintf(res->err, sizeof(res->err), "child failed to start");
		goto out;
	}
	if (cfg->mode == MODE_PINGPONG)
		ret = parent_pingpong(&s, sh, res);
	else
		ret = parent_stream(&s, sh, res);
	if (ret < 0 && !s.err[0])
		snprintf(s.err, sizeof(s.err), "run failed");
	memcpy(res->err, s.err, sizeof(res->err));
	res->verified = s.verified;
	res->errors = s.errors;
out:
	side_free(&s);
	return ret;
}

/* How the child ended, when the parent's side went well: 0 or -1. */
static int child_status(int status, struct rep_result *res)
{
	if (WIFSIGNALED(status)) {
		snprintf(res->err, sizeof(res->err), "child killed by signal %d%s",
			 WTERMSIG(status), WTERMSIG(status) == SIGALRM ?
			 " (watchdog: lost wakeup?)" : "");
		return -1;
	}
	if (WEXITSTATUS(status) == 3) {
		snprintf(res->err, sizeof(res->err), "child failed to attach");
		return -1;
	}
	return 0;
}

/* Streaming: the rate the consumer (child) timed. */
static int stream_rate(const struct run_cfg *cfg, const struct shared *sh,
		       struct rep_result *res)
{
	if (sh->n == 0 || sh->wall_s <= 0) {
		snprintf(res->err, sizeof(res->err), "stream too short to time");
		return -1;
	}
	res->lat.n = sh->n;
	res->cpu_ns_per_msg = sh->wall_s;	/* stash, as parent_pingpong() does */
	res->msgs_per_s = (double)sh->n / sh->wall_s;
	/* Robust to a stall of the host: the median window. */
	if (sh->nwin >= 3)
		res->msgs_per_s = median(sh->win_rate, sh->nwin);
	res->mb_per_s = res->msgs_per_s * (double)cfg->size / 1e6;
	return 0;
}

/*
 * CPU time and context switches of both processes per message. The
 * parent's side left its own in cpu_util and csw_per_msg, and the wall
 * time in cpu_ns_per_msg.
 */
static void add_child_costs(const struct shared *sh, struct rep_result *res)
{
	double wall = res->cpu_ns_per_msg, cpu = res->cpu_util + sh->cpu_s;

	res->cpu_util = wall > 0 ? cpu / wall : 0;
	res->cpu_ns_per_msg = res->lat.n ? cpu * 1e9 / (double)res->lat.n : 0;
	res->csw_per_msg = res->lat.n ? (res->csw_per_msg + (double)sh->csw) /
			   (double)res->lat.n : 0;
}

/*
 * After the child is reaped: add what it handed back in @sh to what the
 * parent's side measured. @ret is the parent's side's result; returns
 * the repetition's.
 */
static int rep_finish(const struct run_cfg *cfg, const struct shared *sh, int status,
		      int ret, struct rep_result *res)
{
	res->verified += sh->verified;
	res->errors += sh->errors;
	if (!res->err[0] && sh->err[0])
		memcpy(res->err, sh->err, sizeof(res->err));
	if (ret == 0)
		ret = child_status(status, res);
	if (res->errors)
		return -1;
	if (ret == 0 && cfg->mode == MODE_STREAM)
		ret = stream_rate(cfg, sh, res);
	if (ret == 0)
		add_child_costs(sh, res);
	return ret;
}

int run_rep(const struct run_cfg *cfg, struct rep_result *res)
{
	const struct mech *m = cfg->mech;
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned int watchdog = (unsigned int)(cfg->warmup_s + cfg->measure_s) * 10 + 20;
	struct shared *sh;
	struct chan *c = NULL;
	int ret = -1, status = 0, ready[2];
	pid_t pid;

	if (m->flags & MECH_INPROC)
		return run_inproc(cfg, res);
	memset(res, 0, sizeof(*res));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		snprintf(res->err, sizeof(res->err), "mmap: %s", strerror(errno));
		return -1;
	}
	memset(sh, 0, sizeof(*sh));
	if (rep_setup(cfg, cfg->mode == MODE_PINGPONG ? 2 : 1, &c, res) < 0)
		goto out_unmap;
	if (pipe(ready) < 0) {
		snprintf(res->err, sizeof(res->err), "pipe: %s", strerror(errno));
		goto out_teardown;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(res->err, sizeof(res->err), "fork: %s", strerror(errno));
		close(ready[1]);
		goto out_close;
	}
	if (pid == 0)
		child_main(cfg, c, sh, ready, watchdog);

	close(ready[1]);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: blocked calls get EINTR */
	alarm(watchdog);
	ret = parent_main(cfg, c, sh, ready[0], res);
	if (ret < 0)
		kill(pid, SIGKILL);
	/*
	 * Tear down only after the child is gone: removing a SysV queue
	 * destroys the messages the consumer has not read yet.
	 */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	alarm(0);
	ret = rep_finish(cfg, sh, status, ret, res);
out_close:
	close(ready[0]);
out_teardown:
	m->teardown(c, 0);
out_unmap:
	munmap(sh, sizeof(*sh));
	return ret;
}
