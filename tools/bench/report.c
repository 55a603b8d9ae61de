// SPDX-License-Identifier: GPL-2.0
/*
 * ipcbench output: a table for people, CSV for plots and spreadsheets,
 * JSON with every repetition for anything else. All three carry medians
 * over repetitions, the spread (max - min) / median, the ratio against
 * the baseline mechanism, and the verification counts.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "output.h"

/*
 * p99.9 of fewer than 1000 round trips is only the largest: the table
 * prints "(n<1k)", CSV an empty field and JSON null in its place.
 */
static bool has_p999(double n)
{
	return n >= 1000;
}

#ifndef IPCCHAN_VERSION
#define IPCCHAN_VERSION "unknown"
#endif

/*
 * The JSON report's layout version (Documentation/benchmarks.rst, "JSON
 * schema"): raised when a field changes meaning or goes away, not when
 * one is added.
 */
#define REPORT_SCHEMA_VERSION	1

void result_summarise(struct result *r)
{
	double v[9][MAX_REPS];
	size_t k = 0, i;

	r->verified = r->errors = 0;
	for (i = 0; i < (size_t)r->nreps; i++) {
		const struct rep_result *x = &r->reps[i];

		r->verified += x->verified;
		r->errors += x->errors;
		if (x->err[0] || x->errors)
			continue;
		v[0][k] = (double)x->lat.p50 / 1e3;
		v[1][k] = (double)x->lat.p99 / 1e3;
		v[2][k] = (double)x->lat.p999 / 1e3;
		v[3][k] = (double)x->lat.max / 1e3;
		v[4][k] = x->msgs_per_s;
		v[5][k] = x->mb_per_s;
		v[6][k] = x->cpu_ns_per_msg;
		v[7][k] = (double)x->lat.n;
		v[8][k] = x->csw_per_msg;
		k++;
	}
	rep_summarise(v[0], k, &r->p50);
	rep_summarise(v[1], k, &r->p99);
	rep_summarise(v[2], k, &r->p999);
	rep_summarise(v[3], k, &r->max);
	rep_summarise(v[4], k, &r->rate);
	rep_summarise(v[5], k, &r->mbps);
	rep_summarise(v[6], k, &r->cpu);
	rep_summarise(v[8], k, &r->csw);
	r->n = median(v[7], k);
	for (i = 0, k = 0; i < (size_t)r->nreps; i++)
		if (!r->reps[i].err[0] && !r->reps[i].errors)
			v[0][k++] = r->reps[i].cpu_util;
	rep_summarise(v[0], k, &r->util);
}

/* The result of mechanism @name in @r's group, if it ran. */
static const struct result *find_in_group(const struct report *rp, const struct result *r,
					  const char *name)
{
	size_t i;

	for (i = 0; i < rp->nres; i++) {
		const struct result *b = &rp->res[i];

		if (!strcmp(b->mech->name, name) && b->mode == r->mode &&
		    b->pin == r->pin && b->req_size == r->req_size && !b->skipped &&
		    b->failed < b->nreps)
			return b;
	}
	return NULL;
}

static const struct result *find_base(const struct report *rp, const struct result *r)
{
	return find_in_group(rp, r, rp->baseline);
}

/*
 * Streaming cost as a multiple of the floor (the null mechanism in the
 * same group): null msgs/s over this one's, or the byte rates when a cap
 * made this mechanism's messages smaller.
 */
static double floor_multiple(const struct report *rp, const struct result *r)
{
	const struct result *fl = find_in_group(rp, r, "null");

	if (!fl || r->mode != MODE_STREAM || r->skipped)
		return NAN;
	if (r->eff_size == fl->eff_size)
		return ratio(fl->rate.median, r->rate.median);
	return ratio(fl->mbps.median, r->mbps.median);
}

/*
 * Latency ratios are mechanism / baseline (below 1 is faster); throughput
 * ratios are mechanism / baseline (above 1 is faster).
 */
void report_ratios(struct report *rp)
{
	size_t i;

	for (i = 0; i < rp->nres; i++) {
		struct result *r = &rp->res[i];
		const struct result *b = find_base(rp, r);

		r->ratio = r->ratio_mbps = NAN;
		r->floor_x = floor_multiple(rp, r);
		if (!b || r->skipped)
			continue;
		/*
		 * A capped mechanism moved smaller messages than the baseline:
		 * only the byte rate compares.
		 */
		if (r->mode == MODE_PINGPONG) {
			if (r->eff_size == b->eff_size)
				r->ratio = ratio(r->p50.median, b->p50.median);
		} else {
			if (r->eff_size == b->eff_size)
				r->ratio = ratio(r->rate.median, b->rate.median);
			r->ratio_mbps = ratio(r->mbps.median, b->mbps.median);
		}
	}
}

/* Results measured where the environment distorts them (DESIGN.md). */
static bool untrusted(const struct report *rp, const struct result *r)
{
	return rp->env->tcg && (r->pin != PIN_SAME || r->eff_size >= 65536 ||
				(r->mech->flags & MECH_BUSYPOLL));
}

static void notes(const struct report *rp, const struct result *r, char *buf, size_t len)
{
	size_t l = 0;

	buf[0] = 0;
	if (r->eff_size != r->req_size)
		l += snprintf(buf + l, len - l, "capped at %zu B; ", r->eff_size);
	if (r->mech->flags & MECH_BUSYPOLL)
		l += snprintf(buf + l, len - l, "busy-poll; ");
	if (untrusted(rp, r))
		l += snprintf(buf + l, len - l, "TCG-distorted; ");
	if (r->failed)
		l += snprintf(buf + l, len - l, "%d/%d reps FAILED: %s; ", r->failed,
			      r->nreps, r->reason);
	if (l >= 2 && l < len)
		buf[l - 2] = 0;
}

static const char *fmt_size(char *buf, size_t len, size_t s)
{
	if (s >= 1048576 && s % 1048576 == 0)
		snprintf(buf, len, "%zuM", s / 1048576);
	else if (s >= 1024 && s % 1024 == 0)
		snprintf(buf, len, "%zuK", s / 1024);
	else
		snprintf(buf, len, "%zu", s);
	return buf;
}

static void fmt_num(char *buf, size_t len, double v, int prec)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*f", prec, v);
}

static void table_header(FILE *f, const struct report *rp, const struct result *r)
{
	char sz[24];

	fprintf(f, "\n== %s, %s CPU, %s B ==\n",
		r->mode == MODE_PINGPONG ? "ping-pong round trip" : "one-way streaming",
		pin_name(r->pin), fmt_size(sz, sizeof(sz), r->req_size));
	if (r->mode == MODE_PINGPONG)
		fprintf(f, "%-16s %6s %9s %9s %9s %9s %8s %7s %9s %7s %8s  %s\n",
			"mechanism", "size", "p50 us", "p99 us", "p99.9 us", "max us",
			"n/rep", "spread", "cpu us/rt", "csw/rt", "x base", "notes");
	else
		fprintf(f, "%-16s %6s %10s %9s %10s %6s %8s %7s %8s %8s %8s  %s\n",
			"mechanism", "size", "msgs/s", "MB/s", "cpu ns/msg", "cpu%",
			"csw/msg", "spread", "x base", "x MB/s", "x floor", "notes");
}

/*
 * The goal rows that one run can answer (issue 16,
 * Documentation/benchmarks.rst), each computed from this run's results:
 * a round trip is the p50 over @against's p50 (at most @target), a
 * streaming rate the messages/s over @against's (at least @target),
 * except against the floor, where it is the "x floor" multiple (at most).
 */
struct goal {
	const char *mech, *against;
	enum bench_mode mode;
	size_t size;
	double target;
	bool at_most;			/* met if value <= target, else >= */
};

static const struct goal goals[] = {
	{ "mbox-rw", "pipe", MODE_PINGPONG, 64, 1.0, true },
	{ "mbox-rw", "pipe", MODE_PINGPONG, 4096, 1.0, true },
	{ "mbox-rw", "posix-mq", MODE_PINGPONG, 64, 1.0, true },
	{ "mbox-rw", "posix-mq", MODE_PINGPONG, 4096, 1.0, true },
	{ "mbox-rw", "pipe", MODE_STREAM, 64, 1.0, false },
	{ "mbox-rw", "pipe", MODE_STREAM, 4096, 1.0, false },
	{ "mbox-batch", "pipe", MODE_STREAM, 64, 4, false },
	{ "ring", "null", MODE_STREAM, 64, 1.5, true },
	{ "ring", "null", MODE_STREAM, 4096, 1.2, true },
	{ "ring", "pipe", MODE_STREAM, 64, 20, false },
	{ "ring", "shm-futex", MODE_PINGPONG, 64, 1.0, true },
	{ "ring", "shm-futex", MODE_PINGPONG, 4096, 1.0, true },
};

/* @g's value for result @r, or NaN when this run cannot answer it. */
static double goal_value(const struct report *rp, const struct goal *g,
			 const struct result *r)
{
	const struct result *a;

	if (r->mode != g->mode || r->req_size != g->size ||
	    strcmp(r->mech->name, g->mech) || r->skipped || r->failed == r->nreps)
		return NAN;
	a = find_in_group(rp, r, g->against);
	if (!a)
		return NAN;
	if (!strcmp(g->against, "null"))
		return r->floor_x;
	/* A capped mechanism moved other sizes: no like-for-like ratio. */
	if (r->eff_size != a->eff_size)
		return NAN;
	if (g->mode == MODE_PINGPONG)
		return ratio(r->p50.median, a->p50.median);
	return ratio(r->rate.median, a->rate.median);
}

static void report_goals(FILE *f, const struct report *rp, bool json)
{
	const struct goal *g;
	const char *what;
	size_t i, n;
	int k = 0;
	double v;
	bool met;

	for (n = 0; n < sizeof(goals) / sizeof(goals[0]); n++)
		for (i = 0; i < rp->nres; i++) {
			g = &goals[n];
			v = goal_value(rp, g, &rp->res[i]);
			if (isnan(v))
				continue;
			met = g->at_most ? v <= g->target : v >= g->target;
			what = g->mode == MODE_PINGPONG ? "round trip" : "streaming";
			if (json) {
				fprintf(f, "%s{\"goal\":\"%s %s %s %gx %s\",\"pin\":\"%s\","
					"\"size\":%zu,\"value\":%.4g,\"target\":%g,\"met\":%s}",
					k ? "," : "", g->mech, what, g->at_most ? "<=" : ">=",
					g->target, g->against, pin_name(rp->res[i].pin),
					g->size, v, g->target, met ? "true" : "false");
			} else {
				if (!k)
					fprintf(f, "\n== goals (this run) ==\n");
				fprintf(f, "%-10s %-10s %s %4gx %-9s %5zu B %-5s  %8.2fx  %s\n",
					g->mech, what, g->at_most ? "<=" : ">=", g->target,
					g->against, g->size, pin_name(rp->res[i].pin), v,
					met ? "met" : "MISSED");
			}
			k++;
		}
}

void report_table(FILE *f, const struct report *rp)
{
	const struct result *prev = NULL;
	char sz[24], p999[16], rt[16], rm[16], rf[16], sp[16], nt[400];
	size_t i;

	for (i = 0; i < rp->nres; i++) {
		const struct result *r = &rp->res[i];

		if (!prev || prev->mode != r->mode || prev->pin != r->pin ||
		    prev->req_size != r->req_size)
			table_header(f, rp, r);
		prev = r;
		if (r->skipped) {
			fprintf(f, "%-16s skipped: %s\n", r->mech->name, r->reason);
			continue;
		}
		if (r->failed == r->nreps) {
			fprintf(f, "%-16s FAILED: %s\n", r->mech->name, r->reason);
			continue;
		}
		notes(rp, r, nt, sizeof(nt));
		fmt_size(sz, sizeof(sz), r->eff_size);
		fmt_num(rt, sizeof(rt), r->ratio, 2);
		fmt_num(rm, sizeof(rm), r->ratio_mbps, 2);
		if (r->mode == MODE_PINGPONG) {
			if (has_p999(r->n))
				fmt_num(p999, sizeof(p999), r->p999.median, 1);
			else
				snprintf(p999, sizeof(p999), "(n<1k)");
			fmt_num(sp, sizeof(sp), r->p50.spread * 100, 1);
			strcat(sp, "%");
			fprintf(f, "%-16s %6s %9.1f %9.1f %9s %9.1f %8.0f %7s %9.1f %7.2f %8s  %s\n",
				r->mech->name, sz, r->p50.median, r->p99.median, p999,
				r->max.median, r->n, sp, r->cpu.median / 1e3,
				r->csw.median, rt, nt);
		} else {
			fmt_num(sp, sizeof(sp), r->rate.spread * 100, 1);
			strcat(sp, "%");
			fmt_num(rf, sizeof(rf), r->floor_x, 2);
			fprintf(f, "%-16s %6s %10.0f %9.1f %10.0f %5.0f%% %8.3f %7s %8s %8s %8s  %s\n",
				r->mech->name, sz, r->rate.median, r->mbps.median,
				r->cpu.median, r->util.median * 100, r->csw.median,
				sp, rt, rm, rf, nt);
		}
	}
	fprintf(f, "\nx base: p50 / baseline p50 for ping-pong (below 1 is faster), "
		"msgs/s / baseline msgs/s for streaming (above 1 is faster); "
		"baseline %s. spread = (max - min) / median over repetitions. "
		"csw: context switches of both processes (voluntary and "
		"involuntary) per round trip or message. x floor: null msgs/s / "
		"msgs/s, what the message costs as a multiple of the payload work "
		"alone (1 is the floor; '-' without null in the run).\n",
		rp->baseline);
	report_goals(f, rp, false);
}

/*
 * Six significant digits, never an exponent: spreadsheets and awk read
 * "1234567" and "0.000123" alike, not all of them read "1.23457e+06".
 */
static void csv_num(FILE *f, double v)
{
	int dec = 0;

	if (isnan(v) || isinf(v)) {
		fputs(",", f);
		return;
	}
	if (v != 0)
		dec = 5 - (int)floor(log10(fabs(v)));
	dec = dec < 0 ? 0 : dec > 12 ? 12 : dec;
	fprintf(f, ",%.*f", dec, v);
}

void report_csv(FILE *f, const struct report *rp)
{
	size_t i;

	fputs("mode,pin,mechanism,size_req,size_eff,status,reps_ok,n_per_rep,"
	      "p50_us,p99_us,p999_us,max_us,p50_spread,msgs_per_s,mb_per_s,rate_spread,"
	      "cpu_ns_per_msg,cpu_util,ratio,ratio_mbps,verified,errors,tcg_distorted,"
	      "csw_per_msg,floor_x,p50_min_us,p50_max_us,msgs_per_s_min,msgs_per_s_max,"
	      "mb_per_s_min,mb_per_s_max\n", f);
	for (i = 0; i < rp->nres; i++) {
		const struct result *r = &rp->res[i];
		bool pp = r->mode == MODE_PINGPONG;

		fprintf(f, "%s,%s,%s,%zu,%zu,%s,%d", mode_name(r->mode), pin_name(r->pin),
			r->mech->name, r->req_size, r->eff_size,
			r->skipped ? "skipped" : r->failed ? "failed" : "ok",
			r->skipped ? 0 : r->nreps - r->failed);
		if (r->skipped || r->failed == r->nreps) {
			fputs(",,,,,,,,,,,,,,0,0,,,,,,,,,\n", f);
			continue;
		}
		csv_num(f, r->n);
		csv_num(f, pp ? r->p50.median : NAN);
		csv_num(f, pp ? r->p99.median : NAN);
		csv_num(f, pp && has_p999(r->n) ? r->p999.median : NAN);
		csv_num(f, pp ? r->max.median : NAN);
		csv_num(f, pp ? r->p50.spread : NAN);
		csv_num(f, pp ? NAN : r->rate.median);
		csv_num(f, pp ? NAN : r->mbps.median);
		csv_num(f, pp ? NAN : r->rate.spread);
		csv_num(f, r->cpu.median);
		csv_num(f, r->util.median);
		csv_num(f, r->ratio);
		csv_num(f, r->ratio_mbps);
		fprintf(f, ",%llu,%llu,%d", (unsigned long long)r->verified,
			(unsigned long long)r->errors, untrusted(rp, r));
		csv_num(f, r->csw.median);
		csv_num(f, r->floor_x);
		/* Appended, so positional readers of the columns above still work. */
		csv_num(f, pp ? r->p50.min : NAN);
		csv_num(f, pp ? r->p50.max : NAN);
		csv_num(f, pp ? NAN : r->rate.min);
		csv_num(f, pp ? NAN : r->rate.max);
		csv_num(f, pp ? NAN : r->mbps.min);
		csv_num(f, pp ? NAN : r->mbps.max);
		fputc('\n', f);
	}
}

static void json_num(FILE *f, const char *key, double v)
{
	if (isnan(v) || isinf(v))
		fprintf(f, "\"%s\":null", key);
	else
		fprintf(f, "\"%s\":%.6g", key, v);
}

static const struct rep_summary no_summary = {
	.median = NAN, .min = NAN, .max = NAN, .spread = NAN,
};

static void json_summary(FILE *f, const char *key, const struct rep_summary *s)
{
	fprintf(f, ",\"%s\":{", key);
	json_num(f, "median", s->median);
	fputc(',', f);
	json_num(f, "min", s->min);
	fputc(',', f);
	json_num(f, "max", s->max);
	fputc(',', f);
	json_num(f, "spread", s->spread);
	fputc('}', f);
}

/* For the other reports (epoll.c): the same number and summary format. */
void report_json_num(FILE *f, const char *key, double v)
{
	json_num(f, key, v);
}

void report_json_summary(FILE *f, const char *key, const struct rep_summary *s)
{
	json_summary(f, key, s);
}

static void json_rep(FILE *f, const struct result *r, const struct rep_result *x)
{
	fprintf(f, "{\"n\":%zu,\"verified\":%llu,\"errors\":%llu,", x->lat.n,
		(unsigned long long)x->verified, (unsigned long long)x->errors);
	if (r->mode == MODE_PINGPONG) {
		fprintf(f, "\"p50_ns\":%llu,\"p99_ns\":%llu,",
			(unsigned long long)x->lat.p50, (unsigned long long)x->lat.p99);
		if (has_p999(x->lat.n))
			fprintf(f, "\"p999_ns\":%llu", (unsigned long long)x->lat.p999);
		else
			fputs("\"p999_ns\":null", f);
		fprintf(f, ",\"max_ns\":%llu,\"min_ns\":%llu,\"mean_ns\":%.0f,",
			(unsigned long long)x->lat.max, (unsigned long long)x->lat.min,
			x->lat.mean);
	}
	else
		fprintf(f, "\"msgs_per_s\":%.6g,\"mb_per_s\":%.6g,", x->msgs_per_s, x->mb_per_s);
	fprintf(f, "\"cpu_ns_per_msg\":%.6g,\"cpu_util\":%.4g,\"csw_per_msg\":%.6g,\"error\":",
		x->cpu_ns_per_msg, x->cpu_util, x->csw_per_msg);
	if (x->err[0])
		json_print_string(f, x->err);
	else
		fputs("null", f);
	fputc('}', f);
}

void report_json(FILE *f, const struct report *rp)
{
	size_t i;
	int k;

	char date[32];
	time_t now = time(NULL);

	/* ISO 8601 UTC: when the numbers were taken. */
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fprintf(f, "{\"schema_version\":%d,\"tool\":\"ipcbench\",\"version\":",
		REPORT_SCHEMA_VERSION);
	json_print_string(f, IPCCHAN_VERSION);
	fprintf(f, ",\"date\":\"%s\",\"command\":", date);
	json_print_string(f, rp->argv);
	fputs(",\"environment\":", f);
	env_json(f, rp->env);
	fprintf(f, ",\"config\":{\"baseline\":");
	json_print_string(f, rp->baseline);
	fprintf(f, ",\"reps\":%d,\"warmup_s\":%g,\"measure_s\":%g},\"results\":[",
		rp->reps, rp->warmup_s, rp->measure_s);
	for (i = 0; i < rp->nres; i++) {
		const struct result *r = &rp->res[i];

		fprintf(f, "%s\n{\"mechanism\":", i ? "," : "");
		json_print_string(f, r->mech->name);
		fprintf(f, ",\"mode\":\"%s\",\"pin\":\"%s\",\"size_req\":%zu,\"size_eff\":%zu,"
			"\"status\":\"%s\",\"tcg_distorted\":%s,\"reason\":",
			mode_name(r->mode), pin_name(r->pin), r->req_size, r->eff_size,
			r->skipped ? "skipped" : r->failed ? "failed" : "ok",
			untrusted(rp, r) ? "true" : "false");
		if (r->reason[0])
			json_print_string(f, r->reason);
		else
			fputs("null", f);
		if (!r->skipped) {
			fputc(',', f);
			json_num(f, "n_per_rep", r->n);
			if (r->mode == MODE_PINGPONG) {
				json_summary(f, "p50_us", &r->p50);
				json_summary(f, "p99_us", &r->p99);
				json_summary(f, "p999_us", has_p999(r->n) ? &r->p999 : &no_summary);
				json_summary(f, "max_us", &r->max);
			} else {
				json_summary(f, "msgs_per_s", &r->rate);
				json_summary(f, "mb_per_s", &r->mbps);
			}
			json_summary(f, "cpu_ns_per_msg", &r->cpu);
			json_summary(f, "cpu_util", &r->util);
			json_summary(f, "csw_per_msg", &r->csw);
			fputc(',', f);
			json_num(f, "ratio", r->ratio);
			fputc(',', f);
			json_num(f, "ratio_mbps", r->ratio_mbps);
			if (r->mode == MODE_STREAM) {
				fputc(',', f);
				json_num(f, "floor_x", r->floor_x);
			}
			fprintf(f, ",\"verified\":%llu,\"errors\":%llu,\"reps\":[",
				(unsigned long long)r->verified, (unsigned long long)r->errors);
			for (k = 0; k < r->nreps; k++) {
				if (k)
					fputc(',', f);
				json_rep(f, r, &r->reps[k]);
			}
			fputc(']', f);
		}
		fputc('}', f);
	}
	fputs("\n],\"goals\":[", f);
	report_goals(f, rp, true);
	fputs("]}\n", f);
}
