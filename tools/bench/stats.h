/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics of ipcbench: percentiles of one repetition's samples, and
 * median and spread over repetitions. Pure functions, unit-tested on the
 * host (tools/tests/bench_stats_test.c).
 */
#ifndef IPCBENCH_STATS_H
#define IPCBENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Distribution of one repetition's round-trip times, in nanoseconds. */
struct lat_summary {
	size_t n;
	uint64_t min, p50, p99, p999, max;
	double mean;
};

/*
 * Nearest-rank percentile of @n sorted samples: the smallest sample such
 * that at least @p per cent of the samples are <= it. @p in (0, 100].
 * Returns 0 for n == 0.
 */
uint64_t pct_sorted(const uint64_t *sorted, size_t n, double p);

/* Sort @samples in place and summarise them. */
void lat_summarise(uint64_t *samples, size_t n, struct lat_summary *s);

/* Median of @n values (mean of the two middle ones for even n); NAN if n == 0. */
double median(const double *v, size_t n);

/*
 * Median, minimum and maximum of @n repetitions, and the relative spread
 * (max - min) / median; spread is NAN when the median is 0 or n == 0.
 */
struct rep_summary {
	size_t n;
	double median, min, max, spread;
};
void rep_summarise(const double *v, size_t n, struct rep_summary *s);

/* @a / @b, or NAN when either is not a positive finite number. */
double ratio(double a, double b);

#endif
