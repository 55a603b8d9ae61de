// SPDX-License-Identifier: GPL-2.0
/*
 * ipcbench --epoll: one receiver waits in epoll on N channels of one
 * mechanism while one sender writes each message to a channel picked at
 * random. The cost per message at N = 1, 10, 100, 1000 shows whether a
 * mechanism's readiness and wakeup path stays flat as the set grows
 * (Documentation/benchmarks.rst, "epoll at scale").
 *
 * The channels are the mechanisms of the main suite (bench.h), set up
 * with one direction each and polled through their poll_fd(); the
 * payload is the suite's self-verifying message (payload.h) with one
 * sequence per channel, so a lost, reordered or corrupted message fails
 * the repetition. The sender (child) plays role 0 of the suite and the
 * receiver (parent) role 1. The receiver is level-triggered and takes one
 * message from every channel epoll_wait() reports, then waits again; it
 * times from its first measured message to the LAST message of every
 * channel, so the cost per message is that interval over the messages it
 * received in it.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "output.h"
#include "payload.h"

#define EP_MAX_N	16
#define EP_MAX_MECHS	8
#define EP_MAX_CHANNELS	65536
#define EP_MAX_SIZE	65536
#define EP_EVENTS	64
#define EP_FD_SLACK	64	/* stdio, epoll, the device, probes */

static const char *const ep_default_mechs[] = { "pipe", "posix-mq", "unix-dgram", "mbox-rw" };
static const unsigned int ep_default_n[] = { 1, 10, 100, 1000 };

struct ep_opts {
	const struct mech *mechs[EP_MAX_MECHS];
	int nmechs, nn, reps;
	unsigned int n[EP_MAX_N];
	size_t size;
	double warmup_s, measure_s;
	int cpu[2];
	bool cross, quiet;
	const char *json;
};

/* One mechanism at one N, over the repetitions. */
struct ep_result {
	const struct mech *mech;
	unsigned int n;
	size_t size;
	bool skipped;
	int nreps, failed;
	char reason[240];
	/* Per good rep: per message, and messages per epoll_wait() */
	double ns[MAX_REPS], cpu[MAX_REPS], csw[MAX_REPS], per_wait[MAX_REPS];
	int ngood;
	struct rep_summary ns_sum, cpu_sum, csw_sum, per_wait_sum;
	uint64_t verified, errors;
};

/* What the sender hands back. */
struct ep_shared {
	double cpu_s;
	uint64_t csw;
	uint64_t errors;
	char err[160];
};

static void ep_usage(FILE *f)
{
	fprintf(f,
"usage: ipcbench --epoll [OPTIONS]\n"
"One receiver waits in epoll on N channels while one sender writes each\n"
"message to a random one; cost per message at each N, every message\n"
"verified.\n\n"
"  -m, --mech LIST       mechanisms (default pipe,posix-mq,unix-dgram,mbox-rw;\n"
"                        also fifo, unix-seqpacket, mbox-ioctl)\n"
"  -n, --channels LIST   channel counts (default 1,10,100,1000; max %d)\n"
"  -s, --size BYTES      message size, K suffix (default 64; %d B..64K)\n"
"  -p, --pin same|cross  both on the first CPU of -c (default), or one each\n"
"  -c, --cpus A,B        the two CPUs (default: first two allowed)\n"
"  -r, --reps N          repetitions (default 3)\n"
"  -t, --time SEC        measured time per repetition (default 0.3)\n"
"  -w, --warmup SEC      warm-up time per repetition (default 0.1)\n"
"      --json FILE       also write JSON to FILE ('-' for stdout)\n"
"      --quiet           no progress on stderr\n"
"  -h, --help\n\n"
"Exit status: 0 if every repetition verified every message, 1 if any\n"
"failed, 2 on bad usage.\n", EP_MAX_CHANNELS, MSG_MIN_LEN);
}

static const struct mech *ep_find(const char *name)
{
	static const struct mech *const *const sets[] = { native_mechs, ipcchan_mechs };
	size_t s;
	int i;

	for (s = 0; s < sizeof(sets) / sizeof(sets[0]); s++)
		for (i = 0; sets[s][i]; i++)
			if (!strcmp(sets[s][i]->name, name) && sets[s][i]->poll_fd)
				return sets[s][i];
	return NULL;
}

static int ep_add_mech(void *ctx, const char *w)
{
	struct ep_opts *o = ctx;
	const struct mech *m = ep_find(w);
	int i;

	if (!m) {
		fprintf(stderr, "ipcbench: --epoll: mechanism '%s' cannot be polled here "
			"(pipe, fifo, posix-mq, unix-dgram, unix-seqpacket, mbox-rw, "
			"mbox-ioctl)\n", w);
		return -1;
	}
	for (i = 0; i < o->nmechs; i++)
		if (o->mechs[i] == m)
			return 0;
	if (o->nmechs == EP_MAX_MECHS)
		return -1;
	o->mechs[o->nmechs++] = m;
	return 0;
}

static int ep_add_n(void *ctx, const char *w)
{
	struct ep_opts *o = ctx;
	char *end;
	unsigned long v = strtoul(w, &end, 10);

	if (end == w || *end || v < 1 || v > EP_MAX_CHANNELS || o->nn == EP_MAX_N) {
		fprintf(stderr, "ipcbench: --epoll: bad channel count '%s' (1..%d, at most %d)\n",
			w, EP_MAX_CHANNELS, EP_MAX_N);
		return -1;
	}
	o->n[o->nn++] = (unsigned int)v;
	return 0;
}

/* Parse the command line: 0 to run, 1 to exit 0 (help), -1 on bad usage. */
static int ep_parse(int argc, char **argv, struct ep_opts *o)
{
	static const struct option lo[] = {
		{ "epoll", no_argument, NULL, 1 },
		{ "mech", required_argument, NULL, 'm' },
		{ "channels", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "pin", required_argument, NULL, 'p' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "reps", required_argument, NULL, 'r' },
		{ "time", required_argument, NULL, 't' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "json", required_argument, NULL, 2 },
		{ "quiet", no_argument, NULL, 3 },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned long long v;
	char *end;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "m:n:s:p:c:r:t:w:h", lo, NULL)) != -1) {
		switch (c) {
		case 1:
			break;
		case 'm':
			if (for_each_word(optarg, ep_add_mech, o) < 0)
				return -1;
			break;
		case 'n':
			if (for_each_word(optarg, ep_add_n, o) < 0)
				return -1;
			break;
		case 's':
			v = strtoull(optarg, &end, 10);
			if (*end == 'K' || *end == 'k')
				v <<= 10, end++;
			if (end == optarg || *end || v < MSG_MIN_LEN || v > EP_MAX_SIZE) {
				fprintf(stderr, "ipcbench: --epoll: bad size '%s' (%d B..64K)\n",
					optarg, MSG_MIN_LEN);
				return -1;
			}
			o->size = (size_t)v;
			break;
		case 'p':
			if (strcmp(optarg, "same") && strcmp(optarg, "cross")) {
				fprintf(stderr, "ipcbench: --epoll: --pin is same or cross\n");
				return -1;
			}
			o->cross = !strcmp(optarg, "cross");
			break;
		case 'c':
			if (parse_cpus_opt(optarg, o->cpu) < 0)
				return -1;
			break;
		case 'r':
			if (parse_reps_opt(optarg, &o->reps) < 0)
				return -1;
			break;
		case 't':
		case 'w':
			if (parse_time_opt(optarg, c == 't' ? &o->measure_s : &o->warmup_s,
					   c == 't') < 0)
				return -1;
			break;
		case 2:
			o->json = optarg;
			break;
		case 3:
			o->quiet = true;
			break;
		case 'h':
			ep_usage(stdout);
			return 1;
		default:
			ep_usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		ep_usage(stderr);
		return -1;
	}
	if (!o->nmechs)
		for (i = 0; i < sizeof(ep_default_mechs) / sizeof(ep_default_mechs[0]); i++)
			if (ep_add_mech(o, ep_default_mechs[i]) < 0)
				return -1;
	if (!o->nn)
		for (i = 0; i < sizeof(ep_default_n) / sizeof(ep_default_n[0]); i++)
			o->n[o->nn++] = ep_default_n[i];
	return 0;
}

static unsigned int ep_max_n(const struct ep_opts *o)
{
	unsigned int m = 0;
	int i;

	for (i = 0; i < o->nn; i++)
		m = o->n[i] > m ? o->n[i] : m;
	return m;
}

/*
 * Two descriptors per channel (pipes, socket pairs) must fit under
 * RLIMIT_NOFILE: raise the soft limit to the hard one if needed, and fail
 * clearly when even that is too low.
 */
static int ep_raise_nofile(unsigned int maxn)
{
	rlim_t need = (rlim_t)maxn * 2 + EP_FD_SLACK;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		fprintf(stderr, "ipcbench: --epoll: %u channels need %llu descriptors, but "
			"RLIMIT_NOFILE's hard limit is %llu (ulimit -Hn); use fewer channels "
			"(-n) or raise it\n", maxn, (unsigned long long)need,
			(unsigned long long)rl.rlim_max);
		return -1;
	}
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		fprintf(stderr, "ipcbench: --epoll: setrlimit(RLIMIT_NOFILE, %llu): %s\n",
			(unsigned long long)need, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Every POSIX queue charges its buffer to the user's RLIMIT_MSGQUEUE
 * (819200 bytes by default, about 700 queues of 10 x 64 B): raise the soft
 * limit to the hard one, and with CAP_SYS_RESOURCE both to unlimited.
 * fs.mqueue.queues_max (256 by default) is not touched: a process with
 * CAP_SYS_RESOURCE is not bound by it, and without it mq_open() fails
 * with ENOSPC past the limit, which the run reports as a skip.
 */
static void ep_raise_msgqueue(void)
{
	struct rlimit rl, inf = { RLIM_INFINITY, RLIM_INFINITY };

	if (setrlimit(RLIMIT_MSGQUEUE, &inf) == 0 || getrlimit(RLIMIT_MSGQUEUE, &rl) < 0)
		return;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_MSGQUEUE, &rl);
}

/* Why setting up channel @k of @n failed, with the limits that bind there. */
static void ep_setup_reason(struct ep_result *r, unsigned int k, const char *why, int err)
{
	unsigned long qmax = 0;
	struct rlimit rl = { 0, 0 };
	size_t l;

	l = (size_t)snprintf(r->reason, sizeof(r->reason), "channel %u of %u: %s", k + 1,
			     r->n, why[0] ? why : strerror(err));
	if (strcmp(r->mech->name, "posix-mq") || l >= sizeof(r->reason))
		return;
	read_sysctl_ul("/proc/sys/fs/mqueue/queues_max", &qmax);
	getrlimit(RLIMIT_MSGQUEUE, &rl);
	snprintf(r->reason + l, sizeof(r->reason) - l,
		 " (fs.mqueue.queues_max %lu without CAP_SYS_RESOURCE, RLIMIT_MSGQUEUE %llu B)",
		 qmax, (unsigned long long)rl.rlim_cur);
}

static double ep_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t ep_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The sender: warm up, measure, then LAST on every channel. */
static void ep_sender(const struct mech *m, struct chan **ch, unsigned int n,
		      const struct ep_opts *o, struct ep_shared *sh)
{
	uint64_t *seq = calloc(n, sizeof(*seq)), rng = 0x9e3779b97f4a7c15ull, t_end, t;
	unsigned char *buf = malloc(o->size + BENCH_HEADROOM);
	struct msg_tmpl tmpl;
	unsigned int i, k;
	uint32_t flags = MSG_F_WARMUP;
	uint64_t k0 = 0;
	double c0 = 0;

	if (!seq || !buf) {
		snprintf(sh->err, sizeof(sh->err), "out of memory");
		sh->errors++;
		return;
	}
	msg_tmpl_init(&tmpl, buf + BENCH_HEADROOM, o->size, 0xc0ffee);
	t_end = now_ns() + (uint64_t)(o->warmup_s * 1e9);
	for (;;) {
		for (k = 0; k < 64; k++) {
			i = (unsigned int)(ep_rand(&rng) % n);
			msg_stamp(&tmpl, seq[i]++, flags);
			if (m->send(ch[i], 0, tmpl.buf, o->size) < 0)
				goto fail;
		}
		t = now_ns();
		if (t < t_end)
			continue;
		if (!flags)
			break;
		flags = 0;
		c0 = ep_cpu_s();
		k0 = bench_csw();
		t_end = t + (uint64_t)(o->measure_s * 1e9);
	}
	for (i = 0; i < n; i++) {
		msg_stamp(&tmpl, seq[i]++, MSG_F_LAST);
		if (m->send(ch[i], 0, tmpl.buf, o->size) < 0 ||
		    (m->flush && m->flush(ch[i], 0) < 0))
			goto fail;
	}
	sh->cpu_s = ep_cpu_s() - c0;
	sh->csw = bench_csw() - k0;
	free(seq);
	free(buf);
	return;
fail:
	snprintf(sh->err, sizeof(sh->err), "%s: send: %s", m->name,
		 errno == EINTR ? "timed out" : strerror(errno));
	sh->errors++;
	free(seq);
	free(buf);
}

/* The receiver: one epoll set over every channel, until every LAST. */
struct ep_counts {
	double ns, cpu_s;		/* the receiver's, over the timed messages */
	uint64_t msgs, waits, csw;
};

static int ep_receiver(const struct mech *m, struct chan **ch, unsigned int n,
		       const struct ep_opts *o, struct ep_result *r, struct ep_counts *cnt)
{
	struct epoll_event ev[EP_EVENTS];
	uint64_t *seq = calloc(n, sizeof(*seq)), got = 0, t0 = 0, t, waits = 0, k0 = 0;
	unsigned char *buf = malloc(o->size + BENCH_HEADROOM);
	unsigned int i, last = 0;
	int ep = epoll_create1(EPOLL_CLOEXEC), k, nev, ret = -1;
	double c0 = 0;

	if (!seq || !buf || ep < 0) {
		snprintf(r->reason, sizeof(r->reason), "receiver: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = i };

		if (epoll_ctl(ep, EPOLL_CTL_ADD, m->poll_fd(ch[i], 0), &e) < 0) {
			snprintf(r->reason, sizeof(r->reason), "epoll_ctl(ADD) channel %u: %s",
				 i, strerror(errno));
			goto out;
		}
	}
	while (last < n) {
		nev = epoll_wait(ep, ev, EP_EVENTS, -1);
		waits += !!t0;
		if (nev < 0) {
			snprintf(r->reason, sizeof(r->reason), "epoll_wait: %s",
				 errno == EINTR ? "timed out (lost wakeup?)" : strerror(errno));
			goto out;
		}
		for (k = 0; k < nev; k++) {
			const void *msg = NULL;
			enum msg_err e;
			uint32_t flags = 0;
			ssize_t len;

			i = ev[k].data.u32;
			len = m->recv(ch[i], 0, buf + BENCH_HEADROOM, o->size, &msg);
			if (len <= 0) {
				snprintf(r->reason, sizeof(r->reason), "%s: recv: %s", m->name,
					 len == 0 ? "end of file" : errno == EINTR ?
					 "timed out" : strerror(errno));
				goto out;
			}
			e = msg_verify(msg, (size_t)len, seq[i]++, &flags);
			if (m->release)
				m->release(ch[i], 0);
			if (e != MSG_OK) {
				r->errors++;
				snprintf(r->reason, sizeof(r->reason), "%s: channel %u message %llu: %s",
					 m->name, i, (unsigned long long)seq[i] - 1,
					 msg_strerror(e));
				goto out;
			}
			r->verified++;
			if (flags & MSG_F_WARMUP)
				continue;
			if (!t0) {
				t0 = now_ns();
				c0 = ep_cpu_s();
				k0 = bench_csw();
			} else {
				got++;
			}
			last += !!(flags & MSG_F_LAST);
		}
	}
	if (!got) {
		snprintf(r->reason, sizeof(r->reason), "run too short to time");
		goto out;
	}
	t = now_ns();
	cnt->ns = (double)(t - t0) / (double)got;
	bench_window(m->name, "epoll", n, t0, t, got);
	cnt->cpu_s = ep_cpu_s() - c0;
	cnt->csw = bench_csw() - k0;
	cnt->msgs = got;
	cnt->waits = waits;
	ret = 0;
out:
	if (ep >= 0)
		close(ep);
	free(seq);
	free(buf);
	return ret;
}

static void ep_alarm(int sig)
{
	(void)sig;	/* interrupts epoll_wait() with EINTR */
}

static void ep_teardown(const struct mech *m, struct chan **ch, unsigned int n, int role)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ch[i])
			m->teardown(ch[i], role);
	free(ch);
}

/* One repetition of @r's mechanism at @r->n channels. */
static void ep_rep(const struct ep_opts *o, struct ep_result *r)
{
	static struct chan_cfg cc;	/* the channels keep a pointer to it */
	const struct mech *m = r->mech;
	unsigned int i, wd = (unsigned int)(o->warmup_s + o->measure_s) * 10 + 30;
	struct sigaction sa = { .sa_handler = ep_alarm };
	struct chan **ch = calloc(r->n, sizeof(*ch));
	struct ep_shared *sh;
	char why[200] = "";
	struct ep_counts cnt = { 0 };
	int status, ret, done[2];
	char b;
	pid_t pid;

	cc = (struct chan_cfg){ .size = r->size, .ndirs = 1, .mode = MODE_STREAM };
	if (!ch)
		goto nomem;
	for (i = 0; i < r->n; i++) {
		ret = m->setup(&ch[i], &cc, why, sizeof(why));
		if (ret < 0) {
			ch[i] = NULL;
			/* The limits are the machine's, not the mechanism's fault. */
			r->skipped = true;
			ep_setup_reason(r, i, why, -ret);
			ep_teardown(m, ch, r->n, 0);
			return;
		}
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		ep_teardown(m, ch, r->n, 1);
		goto nomem;
	}
	memset(sh, 0, sizeof(*sh));
	/*
	 * The sender keeps its ends open until the receiver is done: a
	 * channel whose writer is gone would poll as hung up, not empty.
	 */
	if (pipe(done) < 0) {
		munmap(sh, sizeof(*sh));
		ep_teardown(m, ch, r->n, 1);
		goto nomem;
	}
	r->nreps++;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(done[1]);
		alarm(wd);
		if (bench_pin_cpu(o->cross ? o->cpu[1] : o->cpu[0]) < 0)
			_exit(3);
		for (i = 0; i < r->n; i++)
			if (m->attach(ch[i], 0) < 0)
				_exit(3);
		ep_sender(m, ch, r->n, o, sh);
		if (read(done[0], &b, 1) < 0)
			sh->errors += errno != EINTR;
		_exit(sh->errors ? 2 : 0);
	}
	close(done[0]);
	if (pid < 0) {
		snprintf(r->reason, sizeof(r->reason), "fork: %s", strerror(errno));
		close(done[1]);
		r->failed++;
		goto out;
	}
	sigaction(SIGALRM, &sa, NULL);
	alarm(wd);
	ret = -1;
	if (bench_pin_cpu(o->cpu[0]) < 0) {
		snprintf(r->reason, sizeof(r->reason), "sched_setaffinity: %s", strerror(errno));
	} else {
		for (i = 0; i < r->n; i++)
			m->attach(ch[i], 1);
		ret = ep_receiver(m, ch, r->n, o, r, &cnt);
	}
	close(done[1]);
	if (ret < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	alarm(0);
	if (ret == 0 && (!WIFEXITED(status) || WEXITSTATUS(status))) {
		snprintf(r->reason, sizeof(r->reason), "sender: %s",
			 sh->err[0] ? sh->err : "died or failed to attach");
		ret = -1;
	}
	r->errors += sh->errors;
	if (ret < 0) {
		r->failed++;
	} else {
		r->ns[r->ngood] = cnt.ns;
		/* Both processes' CPU and switches over the messages timed. */
		r->cpu[r->ngood] = (cnt.cpu_s + sh->cpu_s) * 1e9 / (double)cnt.msgs;
		r->csw[r->ngood] = (double)(cnt.csw + sh->csw) / (double)cnt.msgs;
		r->per_wait[r->ngood] = cnt.waits ? (double)cnt.msgs / (double)cnt.waits : NAN;
		r->ngood++;
	}
out:
	munmap(sh, sizeof(*sh));
	ep_teardown(m, ch, r->n, 1);
	return;
nomem:
	free(ch);
	r->failed++;
	r->nreps++;
	snprintf(r->reason, sizeof(r->reason), "out of memory");
}

static void ep_progress(const struct ep_opts *o, int done, int total, const struct ep_result *r,
			int rep)
{
	if (o->quiet)
		return;
	fprintf(stderr, isatty(2) ? "\r\033[K[%d/%d] epoll %s N=%u rep %d/%d" :
		"ipcbench: [%d/%d] epoll %s N=%u rep %d/%d\n",
		done + 1, total, r->mech->name, r->n, rep + 1, o->reps);
}

/* The result of @name at @n channels, if it has a median. */
static const struct ep_result *ep_get(const struct ep_result *res, int nres, const char *name,
				      unsigned int n)
{
	int i;

	for (i = 0; i < nres; i++)
		if (res[i].n == n && !strcmp(res[i].mech->name, name) && res[i].ngood)
			return &res[i];
	return NULL;
}

/*
 * The goal rows (issue 16): the mailbox's cost at the largest N within
 * 1.2x of its cost at the smallest, and no worse than the pipe's at every
 * N. Each is printed as met or missed with its numbers, or as not
 * measured with the reason.
 */
static void ep_goals(FILE *f, const struct ep_opts *o, const struct ep_result *res, int nres,
		     bool json)
{
	unsigned int lo = o->n[0], hi = o->n[0];
	const struct ep_result *a, *b;
	const char *mb = "mbox-rw";
	double v;
	int i;

	for (i = 0; i < o->nn; i++) {
		lo = o->n[i] < lo ? o->n[i] : lo;
		hi = o->n[i] > hi ? o->n[i] : hi;
	}
	if (!json)
		fprintf(f, "\n== goals (this run) ==\n");
	a = ep_get(res, nres, mb, hi);
	b = ep_get(res, nres, mb, lo);
	v = a && b ? ratio(a->ns_sum.median, b->ns_sum.median) : NAN;
	if (json) {
		fprintf(f, "{\"goal\":\"%s at N=%u <= 1.2x %s at N=%u\",", mb, hi, mb, lo);
		report_json_num(f, "value", v);
		fprintf(f, ",\"target\":1.2,\"met\":%s}", isnan(v) ? "null" :
			v <= 1.2 ? "true" : "false");
	} else if (isnan(v)) {
		fprintf(f, "%s N=%u <= 1.2x N=%u: not measured (no %s result at both)\n", mb, hi, lo,
			mb);
	} else {
		fprintf(f, "%s N=%u <= 1.2x N=%u        %6.3fx (%.0f / %.0f ns)  %s\n", mb, hi, lo,
			v, a->ns_sum.median, b->ns_sum.median, v <= 1.2 ? "met" : "MISSED");
	}
	for (i = 0; i < o->nn; i++) {
		a = ep_get(res, nres, mb, o->n[i]);
		b = ep_get(res, nres, "pipe", o->n[i]);
		v = a && b ? ratio(a->ns_sum.median, b->ns_sum.median) : NAN;
		if (json) {
			fprintf(f, ",{\"goal\":\"%s <= 1.0x pipe at N=%u\",", mb, o->n[i]);
			report_json_num(f, "value", v);
			fprintf(f, ",\"target\":1,\"met\":%s}", isnan(v) ? "null" :
				v <= 1.0 ? "true" : "false");
		} else if (isnan(v)) {
			fprintf(f, "%s <= 1.0x pipe at N=%-6u not measured (%s or pipe not in "
				"this run)\n", mb, o->n[i], mb);
		} else {
			fprintf(f, "%s <= 1.0x pipe at N=%-6u %6.3fx (%.0f / %.0f ns)  %s\n", mb,
				o->n[i], v, a->ns_sum.median, b->ns_sum.median,
				v <= 1.0 ? "met" : "MISSED");
		}
	}
}

static void ep_table(FILE *f, const struct ep_opts *o, const struct ep_result *res, int nres)
{
	int i;

	fprintf(f, "\n== epoll at scale: one receiver, N channels, %zu B, %s CPU ==\n",
		o->size, o->cross ? "cross" : "same");
	fprintf(f, "%-14s %6s %10s %8s %11s %8s %9s %11s  %s\n", "mechanism", "N", "ns/msg",
		"spread", "cpu ns/msg", "csw/msg", "msgs/wait", "x N=first", "notes");
	for (i = 0; i < nres; i++) {
		const struct ep_result *r = &res[i];
		const struct ep_result *first = ep_get(res, nres, r->mech->name, o->n[0]);
		char sp[16];

		if (r->skipped) {
			fprintf(f, "%-14s %6u skipped: %s\n", r->mech->name, r->n, r->reason);
			continue;
		}
		if (!r->ngood) {
			fprintf(f, "%-14s %6u FAILED: %s\n", r->mech->name, r->n, r->reason);
			continue;
		}
		snprintf(sp, sizeof(sp), "%.1f%%", r->ns_sum.spread * 100);
		fprintf(f, "%-14s %6u %10.0f %8s %11.0f %8.3f %9.2f %11.2f  ", r->mech->name, r->n,
			r->ns_sum.median, sp, r->cpu_sum.median, r->csw_sum.median,
			r->per_wait_sum.median,
			first ? ratio(r->ns_sum.median, first->ns_sum.median) : NAN);
		if (r->failed)
			fprintf(f, "%d/%d reps FAILED: %s", r->failed, r->nreps, r->reason);
		fputc('\n', f);
	}
	fprintf(f, "\nns/msg: the receiver's wall time from its first measured message to "
		"the last, over the messages in it (median of %d reps); cpu ns/msg: both "
		"processes. csw/msg: context switches of both processes per message. msgs/wait: "
		"messages the receiver took per epoll_wait() call. x N=first: ns/msg over the "
		"same mechanism's at N=%u.\n",
		o->reps, o->n[0]);
	ep_goals(f, o, res, nres, false);
}

static void ep_json(FILE *f, const struct ep_opts *o, const struct bench_env *env,
		    const struct ep_result *res, int nres)
{
	int i, k;

	fputs("{\"schema_version\":1,\"tool\":\"ipcbench\",\"mode\":\"epoll\",\"environment\":", f);
	env_json(f, env);
	fprintf(f, ",\"config\":{\"size\":%zu,\"pin\":\"%s\",\"reps\":%d,\"warmup_s\":%g,"
		"\"measure_s\":%g,\"channels\":[", o->size, o->cross ? "cross" : "same",
		o->reps, o->warmup_s, o->measure_s);
	for (i = 0; i < o->nn; i++)
		fprintf(f, "%s%u", i ? "," : "", o->n[i]);
	fputs("]},\"results\":[", f);
	for (i = 0; i < nres; i++) {
		const struct ep_result *r = &res[i];

		fprintf(f, "%s\n{\"mechanism\":", i ? "," : "");
		json_print_string(f, r->mech->name);
		fprintf(f, ",\"channels\":%u,\"size\":%zu,\"status\":\"%s\",\"reason\":", r->n,
			r->size, r->skipped ? "skipped" : r->ngood ? "ok" : "failed");
		if (r->reason[0])
			json_print_string(f, r->reason);
		else
			fputs("null", f);
		if (r->ngood) {
			report_json_summary(f, "ns_per_msg", &r->ns_sum);
			report_json_summary(f, "cpu_ns_per_msg", &r->cpu_sum);
			report_json_summary(f, "csw_per_msg", &r->csw_sum);
			report_json_summary(f, "msgs_per_wait", &r->per_wait_sum);
			fputs(",\"reps_ns_per_msg\":[", f);
			for (k = 0; k < r->ngood; k++)
				fprintf(f, "%s%.6g", k ? "," : "", r->ns[k]);
			fputc(']', f);
		}
		fprintf(f, ",\"failed\":%d,\"verified\":%llu,\"errors\":%llu}", r->failed,
			(unsigned long long)r->verified, (unsigned long long)r->errors);
	}
	fputs("\n],\"goals\":[", f);
	ep_goals(f, o, res, nres, true);
	fputs("]}\n", f);
}

/*
 * Repetition by repetition, then N by N, every mechanism in turn, so
 * drift of the machine hits them alike.
 */
static int ep_run(const struct ep_opts *o, struct ep_result *res, int nres)
{
	int rep, i, done = 0, total = nres * o->reps, bad = 0;
	char why[200];

	for (i = 0; i < nres; i++) {
		why[0] = 0;
		if (res[i].mech->available(why, sizeof(why))) {
			res[i].skipped = true;
			snprintf(res[i].reason, sizeof(res[i].reason), "%s", why);
			continue;
		}
		res[i].size = res[i].mech->max_size(o->size);
		if (res[i].size != o->size) {
			res[i].skipped = true;
			snprintf(res[i].reason, sizeof(res[i].reason),
				 "cannot carry %zu B messages here (at most %zu)", o->size,
				 res[i].size);
		}
	}
	for (rep = 0; rep < o->reps; rep++)
		for (i = 0; i < nres; i++, done++) {
			if (res[i].skipped)
				continue;
			ep_progress(o, done, total, &res[i], rep);
			ep_rep(o, &res[i]);
		}
	if (!o->quiet && isatty(2))
		fputc('\n', stderr);
	for (i = 0; i < nres; i++) {
		rep_summarise(res[i].ns, (size_t)res[i].ngood, &res[i].ns_sum);
		rep_summarise(res[i].cpu, (size_t)res[i].ngood, &res[i].cpu_sum);
		rep_summarise(res[i].csw, (size_t)res[i].ngood, &res[i].csw_sum);
		rep_summarise(res[i].per_wait, (size_t)res[i].ngood, &res[i].per_wait_sum);
		bad += res[i].failed || res[i].errors;
	}
	return bad;
}

int epoll_main(int argc, char **argv)
{
	struct ep_opts o = { .reps = 3, .size = 64, .warmup_s = 0.1, .measure_s = 0.3,
			     .cpu = { -1, -1 } };
	struct ep_result *res;
	struct bench_env env;
	int i, k, nres, bad, ret = 0;
	bool mq = false, stdout_taken;
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (i = 0, k = 0; i < CPU_SETSIZE && k < 2; i++)
			if (CPU_ISSET(i, &set))
				o.cpu[k++] = i;
	k = ep_parse(argc, argv, &o);
	if (k)
		return k > 0 ? 0 : 2;
	if (o.cross && (o.cpu[1] < 0 || o.cpu[0] == o.cpu[1])) {
		fprintf(stderr, "ipcbench: --epoll: --pin cross needs two CPUs\n");
		return 2;
	}
	if (ep_raise_nofile(ep_max_n(&o)) < 0)
		return 1;
	nres = o.nn * o.nmechs;
	res = calloc((size_t)nres, sizeof(*res));
	if (!res)
		return 1;
	/* Mechanism by mechanism, each at every N: the table reads that way. */
	for (k = 0; k < o.nmechs; k++) {
		mq |= !strcmp(o.mechs[k]->name, "posix-mq");
		for (i = 0; i < o.nn; i++) {
			res[k * o.nn + i].mech = o.mechs[k];
			res[k * o.nn + i].n = o.n[i];
		}
	}
	if (mq)
		ep_raise_msgqueue();
	env_probe(&env, o.cpu);
	stdout_taken = o.json && !strcmp(o.json, "-");
	env_print(stdout_taken ? stderr : stdout, &env);
	bad = ep_run(&o, res, nres);
	ep_table(stdout_taken ? stderr : stdout, &o, res, nres);
	if (o.json) {
		FILE *f = stdout_taken ? stdout : fopen(o.json, "w");

		if (!f) {
			fprintf(stderr, "ipcbench: %s: %s\n", o.json, strerror(errno));
			ret = 1;
		} else {
			ep_json(f, &o, &env, res, nres);
			if (f != stdout ? fclose(f) : fflush(f))
				ret = 1;
		}
	}
	free(res);
	return ret || bad ? 1 : 0;
}
