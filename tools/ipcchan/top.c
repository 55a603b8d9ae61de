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
#include <limits.h>
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
	bool once;
	enum top_sort sort;
};

static struct termios saved_tty;
static bool tty_raw;
static volatile sig_atomic_t stop;

static int top_run(int argc, char *argv[]);

static const struct verb top_verb = {
	.fn = top_run,
	.description = "Watch every mailbox and ring live: fill, rates, residence",
	.usage = "[--interval SEC] [--count N] [--once] [--sort id|fill|rate|drops|p99]",
	.help = "  -i, --interval SEC  time between samples (0.1 to 3600, default 1)\n"
		"  -n, --count N       stop after N samples\n"
		"  -1, --once          one sample after one interval, plain text\n"
		"  -s, --sort KEY      initial sort (default id)\n"
		"With --json, one JSON document per sample (JSON Lines).\n"
		"Keys on a terminal: q quit, s next sort, r reverse the sort.\n",
};
static const struct command top_cmd = { "top", &top_verb, 1 };

/* The growth of a counter from @then to @now, per second. */
static double rate(uint64_t now, uint64_t then, double dt)
{
	return dt > 0 && now >= then ? (now - then) / dt : 0;
}

/* Rates of mailbox counter @a and of ring counter @a. */
static double mbox_rate(const struct top_row *r, int a, double dt)
{
	return r->prev ? rate(r->o->mbox[a], r->prev->mbox[a], dt) : 0;
}

static double ring_rate(const struct top_row *r, int a, double dt)
{
	return r->prev ? rate(r->o->ring[a], r->prev->ring[a], dt) : 0;
}

/* Ring records: those the producer page counts and those written by write(). */
static double ring_record_rate(const struct top_row *r, double dt)
{
	if (!r->prev)
		return 0;
	return rate(r->o->page[0][IPCCHAN_A_RING_PAGE_RECORDS],
		    r->prev->page[0][IPCCHAN_A_RING_PAGE_RECORDS], dt) +
	       ring_rate(r, IPCCHAN_A_RING_WRITE_RECORDS, dt);
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
		r->in_rate = mbox_rate(r, IPCCHAN_A_MBOX_MSGS_IN, dt);
		r->out_rate = mbox_rate(r, IPCCHAN_A_MBOX_MSGS_OUT, dt);
		r->drop_rate = mbox_rate(r, IPCCHAN_A_MBOX_MSGS_DROPPED, dt);
		r->p50_ns = residence_pct(r, 50);
		r->p99_ns = residence_pct(r, 99);
		r->fill = o->mbox[IPCCHAN_A_MBOX_DEPTH];
		r->size = o->mbox[IPCCHAN_A_MBOX_CAPACITY];
	} else {
		r->kick_rate = ring_rate(r, IPCCHAN_A_RING_PRODUCER_KICKS, dt) +
			       ring_rate(r, IPCCHAN_A_RING_CONSUMER_KICKS, dt);
		r->wait_rate = ring_rate(r, IPCCHAN_A_RING_WAITS, dt);
		r->in_rate = ring_record_rate(r, dt);
		/* Positions are free-running 32-bit byte counts. */
		r->fill = (uint32_t)(o->ring[IPCCHAN_A_RING_PRODUCER_POS] -
				     o->ring[IPCCHAN_A_RING_CONSUMER_POS]);
		r->size = o->ring[IPCCHAN_A_RING_NR_PAGES] *
			  (uint64_t)sysconf(_SC_PAGESIZE);
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
	printf("\n%-6s %-16s %-11s %11s %-18s %8s %8s %8s %4s %4s %7s %7s %9s\n",
	       "ID", "MAILBOX", "POLICY", "DEPTH/CAP", "", "IN/s", "OUT/s",
	       "DROP/s", "SBLK", "RBLK", "RES-P50", "RES-P99", "CHARGED");
	for (i = 0; i < n; i++) {
		const struct top_row *r = &rows[i];
		char dc[24];

		if (r->o->type != IPCCHAN_OBJ_MAILBOX)
			continue;
		snprintf(dc, sizeof(dc), "%" PRIu64 "/%" PRIu64, r->fill, r->size);
		printf("%-6u %-16s %-11s %11s %-18s %8.1f %8.1f %8.1f %4" PRIu64
		       " %4" PRIu64 " %7s %7s %9s\n",
		       r->o->id, short_name(name, sizeof(name), r->o),
		       policy_name(r->o->mbox[IPCCHAN_A_MBOX_POLICY]), dc,
		       bar(b, r->fill, r->size), r->in_rate, r->out_rate,
		       r->drop_rate, r->o->mbox[IPCCHAN_A_MBOX_SENDERS_BLOCKED],
		       r->o->mbox[IPCCHAN_A_MBOX_RECEIVERS_BLOCKED],
		       fmt_ns(p50, sizeof(p50), r->p50_ns),
		       fmt_ns(p99, sizeof(p99), r->p99_ns),
		       fmt_bytes(ch, sizeof(ch), r->o->charged));
	}
	printf("\n%-6s %-16s %-11s %11s %-18s %8s %8s %8s %4s %4s %7s %7s %9s\n",
	       "ID", "RING", "PAGES", "USED", "", "REC/s", "KICK/s", "WAIT/s",
	       "PROD", "CONS", "", "", "CHARGED");
	for (i = 0; i < n; i++) {
		const struct top_row *r = &rows[i];
		char used[32];

		if (r->o->type != IPCCHAN_OBJ_RING)
			continue;
		fmt_bytes(used, sizeof(used), r->fill);
		printf("%-6u %-16s %-11" PRIu64 " %11s %-18s %8.1f %8.1f %8.1f %4" PRIu64
		       " %4" PRIu64 " %7s %7s %9s\n",
		       r->o->id, short_name(name, sizeof(name), r->o),
		       r->o->ring[IPCCHAN_A_RING_NR_PAGES], used, bar(b, r->fill, r->size),
		       r->in_rate, r->kick_rate, r->wait_rate,
		       r->o->ring[IPCCHAN_A_RING_PRODUCERS],
		       r->o->ring[IPCCHAN_A_RING_CONSUMERS], "", "",
		       fmt_bytes(ch, sizeof(ch), r->o->charged));
	}
	fflush(stdout);
}

/* A rate, or null when there is no interval to measure it over. */
static void print_rate(const char *key, double v, bool valid)
{
	if (valid)
		print_float(PRINT_JSON, key, NULL, v);
	else
		print_null(PRINT_JSON, key, NULL, NULL);
}

/*
 * One document: {"time-ns":..., "interval-s":..., "objects":[...]}, each
 * object {"object": as `ipcchan show --json` prints it, "top": the fill,
 * the rates and the percentiles (null on the first sample, when there is
 * no interval yet, and percentiles null when no message left)}.
 */
static void top_print_json(const struct top_row *rows, int n, uint64_t t_ns,
			   double dt)
{
	int i;

	open_json_object(NULL);
	print_u64(PRINT_JSON, "time-ns", NULL, t_ns);
	print_float(PRINT_JSON, "interval-s", NULL, dt);
	open_json_array("objects");
	for (i = 0; i < n; i++) {
		const struct top_row *r = &rows[i];
		bool have = r->prev != NULL;

		open_json_object(NULL);
		open_json_object("object");
		objprint_members(r->o, OBJ_DETAIL);
		close_json_object();
		open_json_object("top");
		print_u64(PRINT_JSON, "fill", NULL, r->fill);
		print_u64(PRINT_JSON, "size", NULL, r->size);
		if (r->o->type == IPCCHAN_OBJ_MAILBOX) {
			print_rate("msgs-in-per-s", r->in_rate, have);
			print_rate("msgs-out-per-s", r->out_rate, have);
			print_rate("msgs-dropped-per-s", r->drop_rate, have);
			print_rate("residence-p50-ns", r->p50_ns, have && r->p50_ns);
			print_rate("residence-p99-ns", r->p99_ns, have && r->p99_ns);
		} else {
			print_rate("records-per-s", r->in_rate, have);
			print_rate("kicks-per-s", r->kick_rate, have);
			print_rate("waits-per-s", r->wait_rate, have);
		}
		close_json_object();
		close_json_object();
	}
	close_json_array();
	close_json_object();
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
		{ "sort", required_argument, NULL, 's' },
		COMMON_OPTIONS,
		{ 0 }
	};
	unsigned long long count;
	int c, k, done = -1;
	char *end;

	*op = (struct top_opts){ .interval = 1, .count = -1, .sort = SORT_ID };
	while ((c = getopt_long(argc, argv, COMMON_SHORT "i:n:1s:", opts, NULL)) != -1) {
		if (opt_common(c, &top_cmd, NULL, &done)) {
			if (done >= 0)
				return done;
			continue;
		}
		switch (c) {
		case 'i':
			op->interval = strtod(optarg, &end);
			if (!*optarg || *end || !(op->interval >= 0.1 && op->interval <= 3600))
				return cmd_usage_error(&top_cmd, NULL,
						       "interval `%s' is not 0.1 to 3600 seconds",
						       optarg);
			break;
		case 'n':
			if (parse_uint(optarg, LONG_MAX, 10, &count))
				return cmd_usage_error(&top_cmd, NULL, NULL);
			if (!count)
				return cmd_usage_error(&top_cmd, NULL, "count must be at least 1");
			op->count = count;
			break;
		case '1':
			op->once = true;
			break;
		case 's':
			for (k = 0; k < NR_SORTS && strcmp(optarg, sort_names[k]); k++)
				;
			if (k == NR_SORTS)
				return cmd_usage_error(&top_cmd, NULL, "unknown sort key `%s'",
						       optarg);
			op->sort = k;
			break;
		}
	}
	if (optind != argc)
		return cmd_usage_error(&top_cmd, NULL, "unexpected argument `%s'",
				       argv[optind]);
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
	if (opt_json)
		top_print_json(rows, n, t, dt);
	else
		top_print_text(rows, n, op, screen);
}

static int top_run(int argc, char *argv[])
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
	if (ret >= 0)
		return ret;
	ret = EXIT_FAIL;
	sort_key = op.sort;
	screen = !op.once && !opt_json && isatty(STDOUT_FILENO);
	out_init(stdout, opt_json);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	nl = ipcnl_open();
	if (!nl)
		return EXIT_FAIL;
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
	ret = EXIT_OK;
out:
	tty_restore();
	free(rows);
	free(cur);
	free(prev);
	ipcnl_close(nl);
	return ret;
}

int top_main(int argc, char *argv[])
{
	return cmd_dispatch(&top_cmd, argc, argv);
}
