// SPDX-License-Identifier: GPL-2.0
/*
 * ipcbench: ipcchan against the native IPC mechanisms, side by side, in
 * one run. See Documentation/man/ipcbench.1 and
 * Documentation/benchmarks.rst.
 *
 * The suite walks pinning x mode x size; inside each of those it runs
 * repetition 1 of every mechanism, then repetition 2 of every mechanism,
 * and so on, so drift during the run hits all mechanisms alike.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "payload.h"
#include "props.h"
#include "scale.h"
#include "timeline.h"

#ifndef IPCCHAN_VERSION
#define IPCCHAN_VERSION "unknown"
#endif

static const size_t sweep_sizes[] = {
	64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
};

struct opts {
	const struct mech *mechs[64];
	int nmechs;
	bool modes[__MODE_MAX], pins[__PIN_MAX];
	size_t sizes[32];
	int nsizes, reps;
	double warmup_s, measure_s;
	const char *baseline, *csv, *json;
	bool quiet, quick, scale;
	int cpus[2];
	uint64_t corrupt_every;
};

static const struct mech *const *const mech_sets[] = {
	null_mechs, native_mechs, shm_mechs, ipcchan_mechs, ring_mechs,
};

static const struct mech *mech_find(const char *name)
{
	size_t s;
	int i;

	for (s = 0; s < sizeof(mech_sets) / sizeof(mech_sets[0]); s++)
		for (i = 0; mech_sets[s][i]; i++)
			if (!strcmp(mech_sets[s][i]->name, name))
				return mech_sets[s][i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: ipcbench [OPTIONS]\n"
"Measure IPC mechanisms side by side: ping-pong latency and one-way\n"
"streaming, every payload verified.\n\n"
"  -m, --mech LIST       mechanisms, comma-separated, or 'all' (default)\n"
"  -M, --mode LIST       pingpong,stream (default both)\n"
"  -s, --sizes LIST      message sizes in bytes, K/M suffixes, or 'sweep'\n"
"                        (64 B..1 MiB in powers of 4); default 64,4K\n"
"  -p, --pin LIST        same,cross,none (default same)\n"
"  -c, --cpus A,B        the two CPUs to pin to (default: first two allowed)\n"
"  -r, --reps N          repetitions (default 5)\n"
"  -t, --time SEC        measured time per repetition (default 0.5)\n"
"  -w, --warmup SEC      warm-up time per repetition (default 0.1)\n"
"  -b, --baseline MECH   ratios against MECH (default pipe)\n"
"      --csv FILE        also write CSV to FILE ('-' for stdout)\n"
"      --json FILE       also write JSON to FILE ('-' for stdout)\n"
"      --props           instead of speed: the buffering properties of every\n"
"                        mechanism, measured (ipcbench --props --help)\n"
"      --scale           instead of the mechanisms: mailbox create/open/\n"
"                        destroy cost at 10..100000 mailboxes, 1 vs 8 senders\n"
"                        on one mailbox, kernel memory per queued message\n"
"                        (uses -r, -t, -w and the first CPU of -c; --json)\n"
"      --timeline MS     instead: each buffer's occupancy over MS ms, producer\n"
"                        ahead then consumer ahead, with plots' data; see\n"
"                        ipcbench --timeline 0 --help\n"
"      --epoll           instead: one receiver in epoll on 1..1000 channels,\n"
"                        cost per message for each mechanism; see\n"
"                        ipcbench --epoll --help\n"
"  -q, --quick           smoke test: every mechanism, 64 B and 4 KiB, both\n"
"                        modes, same CPU, 3 short repetitions\n"
"      --quiet           no progress on stderr\n"
"  -l, --list            list mechanisms and whether they can run here\n"
"      --corrupt-every N test hook: corrupt every Nth message sent; the run\n"
"                        must then fail verification\n"
"  -V, --version\n"
"  -h, --help\n\n"
"Exit status: 0 if every run verified every message, 1 if any run failed\n"
"or any message failed verification, 2 on bad usage.\n");
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || v < MSG_MIN_LEN || v > (64ull << 20))
		return -1;
	*out = (size_t)v;
	return 0;
}

static int add_mech(void *ctx, const char *w)
{
	struct opts *o = ctx;
	const struct mech *m;
	size_t s;
	int i;

	if (!strcmp(w, "all")) {
		for (s = 0; s < sizeof(mech_sets) / sizeof(mech_sets[0]); s++)
			for (i = 0; mech_sets[s][i]; i++)
				if (add_mech(o, mech_sets[s][i]->name) < 0)
					return -1;
		return 0;
	}
	m = mech_find(w);
	if (!m) {
		fprintf(stderr, "ipcbench: unknown mechanism '%s' (see --list)\n", w);
		return -1;
	}
	for (i = 0; i < o->nmechs; i++)
		if (o->mechs[i] == m)
			return 0;
	if (o->nmechs == (int)(sizeof(o->mechs) / sizeof(o->mechs[0])))
		return -1;
	o->mechs[o->nmechs++] = m;
	return 0;
}

static int add_mode(void *ctx, const char *w)
{
	struct opts *o = ctx;

	if (!strcmp(w, "pingpong") || !strcmp(w, "latency"))
		o->modes[MODE_PINGPONG] = true;
	else if (!strcmp(w, "stream") || !strcmp(w, "throughput"))
		o->modes[MODE_STREAM] = true;
	else
		return fprintf(stderr, "ipcbench: unknown mode '%s'\n", w), -1;
	return 0;
}

static int add_pin(void *ctx, const char *w)
{
	struct opts *o = ctx;
	int p;

	for (p = 0; p < __PIN_MAX; p++)
		if (!strcmp(w, pin_name(p))) {
			o->pins[p] = true;
			return 0;
		}
	fprintf(stderr, "ipcbench: unknown pinning '%s' (same, cross, none)\n", w);
	return -1;
}

static int add_size(void *ctx, const char *w)
{
	struct opts *o = ctx;
	size_t i;

	if (!strcmp(w, "sweep")) {
		for (i = 0; i < sizeof(sweep_sizes) / sizeof(sweep_sizes[0]); i++)
			if (o->nsizes < 32)
				o->sizes[o->nsizes++] = sweep_sizes[i];
		return 0;
	}
	if (o->nsizes == 32 || parse_size(w, &o->sizes[o->nsizes]) < 0) {
		fprintf(stderr, "ipcbench: bad size '%s' (%d B..64 MiB)\n", w, MSG_MIN_LEN);
		return -1;
	}
	o->nsizes++;
	return 0;
}

static void list_mechs(void)
{
	char why[200];
	size_t s;
	int i;

	for (s = 0; s < sizeof(mech_sets) / sizeof(mech_sets[0]); s++)
		for (i = 0; mech_sets[s][i]; i++) {
			const struct mech *m = mech_sets[s][i];

			int skip;

			why[0] = 0;
			skip = m->available(why, sizeof(why));
			printf("%-16s %-10s %s\n", m->name, skip ? "skip" : "available",
			       skip ? why : m->desc);
		}
}

/* Where the suite is, for the progress line and its estimate. */
struct suite_pos {
	int done, total;
	time_t t0;
};

static void progress(const struct opts *o, const struct suite_pos *sp, const struct result *r,
		     int rep)
{
	long el = (long)(time(NULL) - sp->t0);
	long eta = sp->done ? el * (sp->total - sp->done) / sp->done : 0;

	if (o->quiet)
		return;
	if (isatty(2))
		fprintf(stderr, "\r\033[K[%d/%d] %s %s %zu B %s rep %d/%d  %ldm%02lds, eta %ldm%02lds",
			sp->done + 1, sp->total, mode_name(r->mode), pin_name(r->pin), r->req_size,
			r->mech->name, rep + 1, o->reps, el / 60, el % 60, eta / 60, eta % 60);
	else
		fprintf(stderr, "ipcbench: [%d/%d] %s %s %zu B %s rep %d/%d (%ldm%02lds, eta %ldm%02lds)\n",
			sp->done + 1, sp->total, mode_name(r->mode), pin_name(r->pin), r->req_size,
			r->mech->name, rep + 1, o->reps, el / 60, el % 60, eta / 60, eta % 60);
}

/* Prepare the result slots of one (pin, mode, size) group. */
static void group_init(struct opts *o, struct result *res, enum bench_pin pin,
		       enum bench_mode mode, size_t size)
{
	char why[200];
	int i;

	for (i = 0; i < o->nmechs; i++) {
		struct result *r = &res[i];
		const struct mech *m = o->mechs[i];

		memset(r, 0, sizeof(*r));
		r->mech = m;
		r->mode = mode;
		r->pin = pin;
		r->req_size = size;
		why[0] = 0;
		if (m->available(why, sizeof(why))) {
			r->skipped = true;
			snprintf(r->reason, sizeof(r->reason), "%s", why);
		} else if (mode == MODE_PINGPONG && (m->flags & MECH_STREAM_ONLY)) {
			r->skipped = true;
			snprintf(r->reason, sizeof(r->reason), "%s",
				 m->flags & MECH_INPROC ?
				 "the floor is a streaming measure; streaming only" :
				 "batching needs a stream of messages; streaming only");
		} else if (pin == PIN_CROSS && (o->cpus[0] < 0 || o->cpus[1] < 0 ||
						o->cpus[0] == o->cpus[1])) {
			r->skipped = true;
			snprintf(r->reason, sizeof(r->reason), "cross-CPU needs two CPUs");
		} else {
			r->eff_size = m->max_size(size);
			if (r->eff_size < MSG_MIN_LEN) {
				r->skipped = true;
				snprintf(r->reason, sizeof(r->reason),
					 "cannot carry a %d-byte message", MSG_MIN_LEN);
			}
		}
	}
}

/*
 * One repetition of @r's mechanism into its next slot; -1 if it failed,
 * with the first failure kept as the row's reason.
 */
static int run_one(const struct opts *o, struct result *r)
{
	struct run_cfg cfg = {
		.mech = r->mech, .mode = r->mode, .pin = r->pin,
		.size = r->eff_size,
		.warmup_s = o->warmup_s,
		.measure_s = o->measure_s,
		.corrupt_every = o->corrupt_every,
	};
	struct rep_result *x = &r->reps[r->nreps++];

	cfg.cpu[0] = r->pin == PIN_NONE ? -1 : o->cpus[0];
	cfg.cpu[1] = r->pin == PIN_NONE ? -1 : r->pin == PIN_SAME ? o->cpus[0] : o->cpus[1];
	if (run_rep(&cfg, x) == 0)
		return 0;
	if (!x->err[0])
		snprintf(x->err, sizeof(x->err), "failed");
	if (!r->failed++)
		snprintf(r->reason, sizeof(r->reason), "%s", x->err);
	return -1;
}

/*
 * One (pin, mode, size) group: repetition 1 of every mechanism, then
 * repetition 2, and so on. Returns the number of failed repetitions.
 */
static int run_group(const struct opts *o, struct result *res, struct suite_pos *sp)
{
	int rep, i, bad = 0;

	for (rep = 0; rep < o->reps; rep++) {
		for (i = 0; i < o->nmechs; i++, sp->done++) {
			if (res[i].skipped)
				continue;
			progress(o, sp, &res[i], rep);
			bad += run_one(o, &res[i]) < 0;
		}
	}
	for (i = 0; i < o->nmechs; i++)
		if (!res[i].skipped)
			result_summarise(&res[i]);
	return bad;
}

static int count_true(const bool *v, int n)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += v[i];
	return k;
}

/*
 * Every group, pinning x mode x size, into @rp's results. Returns the
 * number of failed repetitions, or -1 when out of memory.
 */
static int run_suite(struct opts *o, struct report *rp)
{
	struct suite_pos sp = { .t0 = time(NULL) };
	int p, md, s, bad = 0;
	struct result *res;

	rp->nres = (size_t)(count_true(o->pins, __PIN_MAX) * count_true(o->modes, __MODE_MAX) *
			    o->nsizes * o->nmechs);
	rp->res = res = calloc(rp->nres, sizeof(*res));
	if (!res)
		return -1;
	sp.total = (int)rp->nres * o->reps;

	for (p = 0; p < __PIN_MAX; p++) {
		for (md = 0; md < __MODE_MAX; md++) {
			if (!o->pins[p] || !o->modes[md])
				continue;
			for (s = 0; s < o->nsizes; s++, res += o->nmechs) {
				group_init(o, res, p, md, o->sizes[s]);
				bad += run_group(o, res, &sp);
			}
		}
	}
	if (!o->quiet && isatty(2))
		fputc('\n', stderr);
	return bad;
}

static int write_to(const char *path, void (*fn)(FILE *, const struct report *),
		    const struct report *rp)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;

	if (!f) {
		fprintf(stderr, "ipcbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fn(f, rp);
	if (f != stdout)
		return fclose(f) ? -1 : 0;
	return fflush(f) ? -1 : 0;
}

/* The suite's options that take a comma-separated list, one word at a time. */
static int (*const list_opt[128])(void *ctx, const char *w) = {
	['m'] = add_mech, ['M'] = add_mode, ['s'] = add_size, ['p'] = add_pin,
};

/*
 * One option of the suite's command line: 0 to go on, 1 when it was
 * answered (--help, --version, --list: exit 0), -1 on bad usage.
 */
static int parse_opt(int c, const char *arg, struct opts *o)
{
	if (c > 0 && c < 128 && list_opt[c])
		return for_each_word(arg, list_opt[c], o);
	switch (c) {
	case 'c':
		return parse_cpus_opt(arg, o->cpus);
	case 'r':
		return parse_reps_opt(arg, &o->reps);
	case 't':
		return parse_time_opt(arg, &o->measure_s, true);
	case 'w':
		return parse_time_opt(arg, &o->warmup_s, false);
	case 'b':
		o->baseline = arg;
		break;
	case 1:
		o->csv = arg;
		break;
	case 2:
		o->json = arg;
		break;
	case 3:
		o->quiet = true;
		break;
	case 4:
		o->corrupt_every = strtoull(arg, NULL, 10);
		break;
	case 5:
		o->scale = true;
		break;
	case 'q':
		o->quick = true;
		break;
	case 'l':
		list_mechs();
		return 1;
	case 'V':
		printf("ipcbench %s\n", IPCCHAN_VERSION);
		return 1;
	case 'h':
		usage(stdout);
		return 1;
	default:
		usage(stderr);
		return -1;
	}
	return 0;
}

/* What was not given: --quick's settings, then the defaults. */
static void opts_defaults(struct opts *o)
{
	if (o->quick) {
		o->reps = 3;
		o->warmup_s = 0.02;
		o->measure_s = 0.05;
		if (!o->nsizes)
			add_size(o, "64"), add_size(o, "4K");
	}
	if (!o->nmechs)
		add_mech(o, "all");
	if (!o->modes[MODE_PINGPONG] && !o->modes[MODE_STREAM])
		o->modes[MODE_PINGPONG] = o->modes[MODE_STREAM] = true;
	if (!o->pins[PIN_SAME] && !o->pins[PIN_CROSS] && !o->pins[PIN_NONE])
		o->pins[PIN_SAME] = true;
	if (!o->nsizes)
		add_size(o, "64"), add_size(o, "4K");
}

/* The suite's command line: 0 to run, 1 to exit 0 (answered), -1 on bad usage. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "mech", required_argument, NULL, 'm' },
		{ "mode", required_argument, NULL, 'M' },
		{ "sizes", required_argument, NULL, 's' },
		{ "pin", required_argument, NULL, 'p' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "reps", required_argument, NULL, 'r' },
		{ "time", required_argument, NULL, 't' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "csv", required_argument, NULL, 1 },
		{ "json", required_argument, NULL, 2 },
		{ "quiet", no_argument, NULL, 3 },
		{ "corrupt-every", required_argument, NULL, 4 },
		{ "quick", no_argument, NULL, 'q' },
		{ "scale", no_argument, NULL, 5 },
		{ "list", no_argument, NULL, 'l' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c, ret;

	bench_default_cpus(o->cpus);
	while ((c = getopt_long(argc, argv, "m:M:s:p:c:r:t:w:b:qlVh", lo, NULL)) != -1) {
		ret = parse_opt(c, optarg, o);
		if (ret)
			return ret;
	}
	if (optind < argc) {
		usage(stderr);
		return -1;
	}
	opts_defaults(o);
	if (!mech_find(o->baseline)) {
		fprintf(stderr, "ipcbench: unknown baseline '%s'\n", o->baseline);
		return -1;
	}
	return 0;
}

/* ipcbench --scale: the mailbox scaling figures instead of the suite. */
static int scale_mode(const struct opts *o, FILE *out)
{
	struct scale_result sr;
	FILE *f;
	int ret;

	ret = scale_run(&sr, o->reps, o->warmup_s, o->measure_s, o->cpus[0]) < 0;
	scale_table(out, &sr);
	if (!o->json)
		return ret;
	f = strcmp(o->json, "-") ? fopen(o->json, "w") : stdout;
	if (!f)
		return 1;
	scale_json(f, &sr);
	if (f != stdout)
		fclose(f);
	return ret;
}

/* The last line: what was verified, what failed; the verification errors. */
static uint64_t print_totals(FILE *out, const struct report *rp)
{
	uint64_t verified = 0, errors = 0;
	int nfail = 0, nskip = 0;
	size_t i;

	for (i = 0; i < rp->nres; i++) {
		verified += rp->res[i].verified;
		errors += rp->res[i].errors;
		nfail += rp->res[i].failed;
		nskip += rp->res[i].skipped;
	}
	fprintf(out, "\nipcbench: verified %llu messages, %llu verification errors, "
		"%d failed runs, %d skipped\n",
		(unsigned long long)verified, (unsigned long long)errors, nfail, nskip);
	return errors;
}

/* The suite: run it, print the table to @out, write CSV and JSON, sum up. */
static int suite_mode(struct opts *o, const struct bench_env *env, const char *cmd, FILE *out)
{
	struct report rp = {
		.env = env, .baseline = o->baseline, .argv = cmd, .reps = o->reps,
		.warmup_s = o->warmup_s, .measure_s = o->measure_s,
	};
	int bad, ret = 0;

	bad = run_suite(o, &rp);
	if (bad < 0) {
		fprintf(stderr, "ipcbench: out of memory\n");
		return 1;
	}
	report_ratios(&rp);
	report_table(out, &rp);
	if (o->csv && write_to(o->csv, report_csv, &rp) < 0)
		ret = 1;
	if (o->json && write_to(o->json, report_json, &rp) < 0)
		ret = 1;
	if (print_totals(out, &rp))
		ret = 1;
	free(rp.res);
	return ret || bad ? 1 : 0;
}

/*
 * The modes that parse options of their own (props_cli.c, timeline.c,
 * epoll.c). If several are on the command line, the first in this table
 * runs. --timeline matches as a prefix, so that --timeline=MS works.
 */
static const struct own_mode {
	const char *opt;
	bool prefix;
	int (*run)(int argc, char **argv);
} own_modes[] = {
	{ "--props", false, props_main },
	{ "--timeline", true, timeline_main },
	{ "--epoll", false, epoll_main },
};

static const struct own_mode *own_mode_find(int argc, char **argv)
{
	const struct own_mode *m;
	size_t k;
	int i;

	for (k = 0; k < sizeof(own_modes) / sizeof(own_modes[0]); k++) {
		m = &own_modes[k];
		for (i = 1; i < argc; i++)
			if (!strncmp(argv[i], m->opt, strlen(m->opt) + !m->prefix))
				return m;
	}
	return NULL;
}

/* The command line as one string, for the record (taken before getopt permutes it). */
static void join_argv(char *cmd, size_t len, int argc, char **argv)
{
	size_t cl = 0;
	int i;

	cmd[0] = 0;
	for (i = 0; i < argc && cl < len - 1; i++)
		cl += (size_t)snprintf(cmd + cl, len - cl, "%s%s", i ? " " : "", argv[i]);
}

int main(int argc, char **argv)
{
	struct opts o = { .reps = 5, .warmup_s = 0.1, .measure_s = 0.5, .baseline = "pipe" };
	const struct own_mode *own = own_mode_find(argc, argv);
	struct bench_env env;
	char cmd[1024];
	FILE *out;
	int ret;

	if (own)
		return own->run(argc, argv);
	join_argv(cmd, sizeof(cmd), argc, argv);
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;

	env_probe(&env, o.cpus);
	/* With CSV or JSON on stdout, the human-readable report goes to stderr. */
	out = (o.csv && !strcmp(o.csv, "-")) || (o.json && !strcmp(o.json, "-")) ?
	      stderr : stdout;
	env_print(out, &env);
	if (o.scale)
		return scale_mode(&o, out);
	return suite_mode(&o, &env, cmd, out);
}
