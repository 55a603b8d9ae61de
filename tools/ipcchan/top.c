// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan top: a live view of every mailbox and ring, refreshed from the
 * netlink dump (OBJ_GET) every interval. Rates are the differences of
 * the kernel's counters between two dumps divided by the time between
 * them; the residence percentiles come from the part of the residence
 * histogram filled during the interval. Nothing here needs the objects'
 * fds or any privilege beyond what `ipcchan list` needs.
 *
 * Interactive on a terminal (q quits, s changes the sort, r reverses
 * it); with --once, --json or when stdout is not a terminal it prints
 * samples one after another without terminal control.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "nl.h"
#include "objprint.h"
#include "output.h"
#include "subcommands.h"

#define BAR_WIDTH	16

/* One object of one sample, with what the previous sample had of it. */
struct top_row {
	const struct nl_obj *o;
	const struct nl_obj *prev;	/* NULL: new since the last sample */
	double in_rate, out_rate, drop_rate, kick_rate, wait_rate;
	uint64_t p50_ns, p99_ns;	/* 0: no message left in the interval */
	uint64_t fill, size;		/* depth/capacity or used/data bytes */
};

enum top_sort { SORT_ID, SORT_FILL, SORT_RATE, SORT_DROPS, SORT_P99, NR_SORTS };

static const char *const sort_names[NR_SORTS] = {
	"id", "fill", "rate", "drops", "p99",
};

struct top_opts {
	double interval;
	long count;		/* samples to show; < 0: until q */
	bool once, json, reverse;
	enum top_sort sort;
};

static struct termios saved_tty;
static bool tty_raw;
static volatile sig_atomic_t stop;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s top [--interval SEC] [--count N] [--once] [--json]\n"
		"                  [--sort id|fill|rate|drops|p99]\n"
		"  -i, --interval SEC  time between samples (default 1, at least 0.1)\n"
		"  -n, --count N       stop after N samples\n"
		"  -1, --once          one sample after one interval, plain text\n"
		"  -j, --json          one JSON document per sample (JSON Lines)\n"
		"  -s, --sort KEY      initial sort (default id)\n"
		"Keys: q quit, s next sort, r reverse the sort.\n", prog_name);
}

/* The statistic @name of @o, 0 when it does not have it. */
static uint64_t obj_stat(const struct nl_obj *o, const char *name)
{
	unsigned int i;

	for (i = 0; i < o->nstats; i++)
		if (!strcmp(o->stats[i].name, name))
			return o->stats[i].value;
	return 0;
}

/* The growth of counter @name since @prev, per second. */
static double rate(const struct top_row *r, const char *name, double dt)
{
	uint64_t now = obj_stat(r->o, name), then;

	if (!r->prev || dt <= 0)
		return 0;
	then = obj_stat(r->prev, name);
	return now >= then ? (now - then) / dt : 0;
}

/*
 * The @pct percentile of the messages that left during the interval, as
 * the upper bound of its log2 bucket (bucket b holds [2^b, 2^(b+1)) ns).
 */
static uint64_t residence_pct(const struct top_row *r, unsigned int pct)
{
	uint64_t d[IPCCHAN_MBOX_HIST_BUCKETS], total = 0, seen = 0, want;
	unsigned int b;

	for (b = 0; b < r->o->nhist; b++) {
		d[b] = r->o->hist[b];
		if (r->prev && b < r->prev->nhist && d[b] >= r->prev->hist[b])
			d[b] -= r->prev->hist[b];
		total += d[b];
	}
	if (!total)
		return 0;
	want = (total * pct + 99) / 100;
	for (b = 0; b < r->o->nhist; b++) {
		seen += d[b];
		if (seen >= want)
			break;
	}
	return 2ULL << b;
}

static void row_compute(struct top_row *r, double dt)
{
	const struct nl_obj *o = r->o;

	if (o->type == IPCCHAN_OBJ_MAILBOX) {
		r->in_rate = rate(r, "msgs-in", dt);
		r->out_rate = rate(r, "msgs-out", dt);
		r->drop_rate = rate(r, "msgs-dropped", dt);
		r->p50_ns = residence_pct(r, 50);
		r->p99_ns = residence_pct(r, 99);
		r->fill = obj_stat(o, "depth");
		r->size = obj_stat(o, "capacity");
	} else {
		r->kick_rate = rate(r, "producer-kicks", dt) +
			       rate(r, "consumer-kicks", dt);
		r->wait_rate = rate(r, "waits", dt);
		r->in_rate = rate(r, "producer-page.records", dt) +
			     rate(r, "write-records", dt);
		r->fill = (uint32_t)(obj_stat(o, "producer-pos") -
				     obj_stat(o, "consumer-pos"));
		r->size = obj_stat(o, "nr-pages") * (uint64_t)sysconf(_SC_PAGESIZE);
	}
}

static enum top_sort sort_key;
static bool sort_reverse;

static double sort_value(const struct top_row *r)
{
	switch (sort_key) {
	case SORT_FILL:
		return r->size ? (double)r->fill / r->size : 0;
	case SORT_RATE:
		return r->in_rate + r->out_rate + r->kick_rate;
	case SORT_DROPS:
		return r->drop_rate;
	case SORT_P99:
		return r->p99_ns;
	default:
		return -(double)r->o->id;	/* ascending ids */
	}
}

/* Mailboxes before rings; within a type, largest value first. */
static int row_cmp(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;
	double vx, vy;
	int c;

	if (x->o->type != y->o->type)
		return x->o->type == IPCCHAN_OBJ_MAILBOX ? -1 : 1;
	vx = sort_value(x);
	vy = sort_value(y);
	c = vx < vy ? 1 : vx > vy ? -1 : (x->o->id > y->o->id) - (x->o->id < y->o->id);
	return sort_reverse ? -c : c;
}

static int obj_id_cmp(const void *a, const void *b)
{
	const struct nl_obj *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* "[#####...........]" for @fill of @size. */
static const char *bar(char *buf, uint64_t fill, uint64_t size)
{
	unsigned int n = size ? (unsigned int)((fill * BAR_WIDTH + size - 1) / size) : 0, i;

	if (n > BAR_WIDTH)
		n = BAR_WIDTH;
	buf[0] = '[';
	for (i = 0; i < BAR_WIDTH; i++)
		buf[1 + i] = i < n ? '#' : '.';
	buf[1 + BAR_WIDTH] = ']';
	buf[2 + BAR_WIDTH] = '\0';
	return buf;
}

/* A time as "850ns", "12us", "3.4ms", "2.0s"; "-" for 0 (none). */
static const char *fmt_ns(char *buf, size_t len, uint64_t ns)
{
	if (!ns)
		snprintf(buf, len, "-");
	else if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%" PRIu64 "us", ns / 1000);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else
		snprintf(buf, len, "%.1fs", ns / 1e9);
	return buf;
}

/* The name cut to @len - 1 bytes, or "(anon)". */
static const char *short_name(char *buf, size_t len, const struct nl_obj *o)
{
	const char *s = o->has_name && o->name[0] ? o->name : "(anon)";

	snprintf(buf, len, "%.*s", (int)len - 1, s);
	return buf;
}

static const char *policy_name(uint64_t p)
{
	return p == IPCCHAN_MBOX_DROP_NEWEST ? "drop-new" :
	       p == IPCCHAN_MBOX_DROP_OLDEST ? "drop-old" : "block";
}

static void top_print_text(const struct top_row *rows, int n, const struct top_opts *op,
		       bool screen)
{
	char b[BAR_WIDTH + 3], name[17], p50[16], p99[16], ch[32], tbuf[16];
	int i, nmb = 0;
	time_t now = time(NULL);

	for (i = 0; i < n; i++)
		nmb += rows[i].o->type == IPCCHAN_OBJ_MAILBOX;
	strftime(tbuf, sizeof(tbuf), "%H:%M:%S", localtime(&now));
	if (screen)
		fputs("\033[H\033[2J", stdout);
	printf("ipcchan top - %s - %d mailboxes, %d rings - every %.1fs - sort %s%s%s\n",
	       tbuf, nmb, n - nmb, op->interval, sort_names[sort_key],
	       sort_reverse ? " (reversed)" : "",
	       screen ? " - q quit, s sort, r reverse" : "");
	printf("\n%-6s %-16s %-8s %11s %-18s %8s %8s %8s %4s %4s %7s %7s %9s\n",
	       "ID", "MAILBOX", "POLICY", "DEPTH/CAP", "", "IN/s", "OUT/s",
	       "DROP/s", "SBLK", "RBLK", "RES-P50", "RES-P99", "CHARGED");
	for (i = 0; i < n; i++) {
		const struct top_row *r = &rows[i];
		char dc[24];

		if (r->o->type != IPCCHAN_OBJ_MAILBOX)
			continue;
		snprintf(dc, sizeof(dc), "%" PRIu64 "/%" PRIu64, r->fill, r->size);
		printf("%-6u %-16s %-8s %11s %-18s %8.1f %8.1f %8.1f %4" PRIu64
		       " %4" PRIu64 " %7s %7s %9s\n",
		       r->o->id, short_name(name, sizeof(name), r->o),
		       policy_name(obj_stat(r->o, "policy")), dc,
		       bar(b, r->fill, r->size), r->in_rate, r->out_rate,
		       r->drop_rate, obj_stat(r->o, "senders-blocked"),
		       obj_stat(r->o, "receivers-blocked"),
		       fmt_ns(p50, sizeof(p50), r->p50_ns),
		       fmt_ns(p99, sizeof(p99), r->p99_ns),
		       fmt_bytes(ch, sizeof(ch), r->o->charged));
	}
	printf("\n%-6s %-16s %-8s %11s %-18s %8s %8s %8s %4s %4s %7s %7s %9s\n",
	       "ID", "RING", "PAGES", "USED", "", "REC/s", "KICK/s", "WAIT/s",
	       "PROD", "CONS", "", "", "CHARGED");
	for (i = 0; i < n; i++) {
		const struct top_row *r = &rows[i];
		char used[32];

		if (r->o->type != IPCCHAN_OBJ_RING)
			continue;
		fmt_bytes(used, sizeof(used), r->fill);
		printf("%-6u %-16s %-8" PRIu64 " %11s %-18s %8.1f %8.1f %8.1f %4" PRIu64
		       " %4" PRIu64 " %7s %7s %9s\n",
		       r->o->id, short_name(name, sizeof(name), r->o),
		       obj_stat(r->o, "nr-pages"), used, bar(b, r->fill, r->size),
		       r->in_rate, r->kick_rate, r->wait_rate,
		       obj_stat(r->o, "producers"), obj_stat(r->o, "consumers"), "", "",
		       fmt_bytes(ch, sizeof(ch), r->o->charged));
	}
	fflush(stdout);
}

static void json_num_or_null(const char *key, double v, bool valid, bool last)
{
	if (valid)
		printf("\"%s\":%.3f%s", key, v, last ? "" : ",");
	else
		printf("\"%s\":null%s", key, last ? "" : ",");
}

/*
 * One document: {"time-ns":..., "interval-s":..., "objects":[...]}, each
 * object as `ipcchan show --json` prints it plus a "top" object with the
 * rates and percentiles (null on the first sample, when there is no
 * interval yet).
 */
static void top_print_json(const struct top_row *rows, int n, uint64_t t_ns,
		       double dt)
{
	int i;

	printf("{\"time-ns\":%" PRIu64 ",\"interval-s\":%.3f,\"objects\":[", t_ns, dt);
	for (i = 0; i < n; i++) {
		const struct top_row *r = &rows[i];
		bool have = r->prev != NULL;

		printf("%s{\"object\":", i ? "," : "");
		objprint_json(r->o);
		printf(",\"top\":{\"fill\":%" PRIu64 ",\"size\":%" PRIu64 ",", r->fill, r->size);
		if (r->o->type == IPCCHAN_OBJ_MAILBOX) {
			json_num_or_null("msgs-in-per-s", r->in_rate, have, false);
			json_num_or_null("msgs-out-per-s", r->out_rate, have, false);
			json_num_or_null("msgs-dropped-per-s", r->drop_rate, have, false);
			json_num_or_null("residence-p50-ns", r->p50_ns, have && r->p50_ns, false);
			json_num_or_null("residence-p99-ns", r->p99_ns, have && r->p99_ns, true);
		} else {
			json_num_or_null("records-per-s", r->in_rate, have, false);
			json_num_or_null("kicks-per-s", r->kick_rate, have, false);
			json_num_or_null("waits-per-s", r->wait_rate, have, true);
		}
		printf("}}");
	}
	printf("]}\n");
	fflush(stdout);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void tty_restore(void)
{
	if (tty_raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
		tty_raw = false;
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Keys without Enter and without echo, restored at exit. */
static void tty_setup(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty))
		return;
	t = saved_tty;
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (!tcsetattr(STDIN_FILENO, TCSANOW, &t)) {
		tty_raw = true;
		atexit(tty_restore);
	}
}

enum top_wake { WAKE_SAMPLE, WAKE_QUIT, WAKE_REDRAW };

/*
 * Wait until @deadline (CLOCK_MONOTONIC ns) for the next sample, handling
 * keys when @interactive: q quits, s and r change the sort and ask for a
 * redraw of the sample shown.
 */
static enum top_wake wait_keys(uint64_t deadline, bool interactive)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	uint64_t now;
	char c;

	while (!stop && (now = mono_ns()) < deadline) {
		int ms = (int)((deadline - now + 999999) / 1000000);

		if (!interactive) {
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
			continue;
		}
		if (poll(&pfd, 1, ms) <= 0 || read(STDIN_FILENO, &c, 1) != 1)
			continue;
		if (c == 'q' || c == 'Q')
			return WAKE_QUIT;
		if (c == 's') {
			sort_key = (sort_key + 1) % NR_SORTS;
			return WAKE_REDRAW;
		}
		if (c == 'r') {
			sort_reverse = !sort_reverse;
			return WAKE_REDRAW;
		}
	}
	return stop ? WAKE_QUIT : WAKE_SAMPLE;
}

static int parse_args(int argc, char *argv[], struct top_opts *op)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "once", no_argument, NULL, '1' },
		{ "json", no_argument, NULL, 'j' },
		{ "sort", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *end;
	int c, k;

	*op = (struct top_opts){ .interval = 1, .count = -1, .sort = SORT_ID };
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:n:1js:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			op->interval = strtod(optarg, &end);
			if (*end || !(op->interval >= 0.1 && op->interval <= 3600))
				goto bad;
			break;
		case 'n':
			op->count = strtol(optarg, &end, 10);
			if (*end || op->count < 1)
				goto bad;
			break;
		case '1':
			op->once = true;
			break;
		case 'j':
			op->json = true;
			break;
		case 's':
			for (k = 0; k < NR_SORTS && strcmp(optarg, sort_names[k]); k++)
				;
			if (k == NR_SORTS)
				goto bad;
			op->sort = k;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;
	return 1;
bad:
	usage(stderr);
	return -1;
}

/* Build the rows of sample @cur against @prev (sorted by id). */
static struct top_row *make_rows(const struct nl_obj *cur, int n,
				 const struct nl_obj *prev, int nprev, double dt)
{
	struct top_row *rows = calloc(n ? n : 1, sizeof(*rows));
	int i;

	if (!rows)
		return NULL;
	for (i = 0; i < n; i++) {
		rows[i].o = &cur[i];
		rows[i].prev = nprev ? bsearch(&cur[i], prev, nprev, sizeof(*prev),
					       obj_id_cmp) : NULL;
		if (rows[i].prev && rows[i].prev->type != cur[i].type)
			rows[i].prev = NULL;
		row_compute(&rows[i], dt);
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	return rows;
}

static void show(const struct top_row *rows, int n, const struct top_opts *op,
		 uint64_t t, double dt, bool screen)
{
	if (op->json)
		top_print_json(rows, n, t, dt);
	else
		top_print_text(rows, n, op, screen);
}

int top_main(int argc, char *argv[])
{
	struct nl_obj *cur = NULL, *prev = NULL;
	struct ipcchan_nl *nl = NULL;
	struct top_row *rows = NULL;
	enum top_wake wake = WAKE_SAMPLE;
	struct top_opts op;
	int n, nprev = 0, ret;
	uint64_t t, tprev = 0, next;
	long shown = 0;
	bool screen;
	double dt;

	ret = parse_args(argc, argv, &op);
	if (ret <= 0)
		return ret < 0 ? 1 : 0;
	ret = 1;
	sort_key = op.sort;
	screen = !op.once && !op.json && isatty(STDOUT_FILENO);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	nl = ipcnl_open();
	if (!nl)
		return 1;
	if (screen)
		tty_setup();

	for (next = mono_ns(); !stop; ) {
		n = ipcnl_obj_dump(nl, 0, &cur);
		if (n < 0)
			goto out;
		t = mono_ns();
		qsort(cur, n, sizeof(*cur), obj_id_cmp);
		dt = tprev ? (t - tprev) / 1e9 : 0;
		rows = make_rows(cur, n, prev, nprev, dt);
		if (!rows)
			goto out;
		/* --once shows the second sample: the first has no rates. */
		if (!op.once || tprev) {
			show(rows, n, &op, t, dt, screen);
			shown++;
		}
		if ((op.once && shown) || (op.count > 0 && shown >= op.count))
			break;
		next += (uint64_t)(op.interval * 1e9);
		while ((wake = wait_keys(next, tty_raw)) == WAKE_REDRAW) {
			qsort(rows, n, sizeof(*rows), row_cmp);
			show(rows, n, &op, t, dt, screen);
		}
		if (wake == WAKE_QUIT)
			break;
		free(rows);
		rows = NULL;
		free(prev);
		prev = cur;
		nprev = n;
		cur = NULL;
		tprev = t;
	}
	ret = 0;
out:
	tty_restore();
	free(rows);
	free(cur);
	free(prev);
	ipcnl_close(nl);
	return ret;
}
