// SPDX-License-Identifier: GPL-2.0
/* ipcbench statistics: see stats.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

uint64_t pct_sorted(const uint64_t *sorted, size_t n, double p)
{
	size_t rank;

	if (!n)
		return 0;
	/* rank = ceil(p/100 * n), computed without float rounding surprises. */
	rank = (size_t)ceil(p * (double)n / 100.0 - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

void lat_summarise(uint64_t *samples, size_t n, struct lat_summary *s)
{
	double sum = 0;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (!n)
		return;
	qsort(samples, n, sizeof(*samples), cmp_u64);
	for (i = 0; i < n; i++)
		sum += (double)samples[i];
	s->min = samples[0];
	s->max = samples[n - 1];
	s->p50 = pct_sorted(samples, n, 50);
	s->p99 = pct_sorted(samples, n, 99);
	s->p999 = pct_sorted(samples, n, 99.9);
	s->mean = sum / (double)n;
}

double median(const double *v, size_t n)
{
	double *c, m;

	if (!n)
		return NAN;
	c = malloc(n * sizeof(*c));
	if (!c)
		return NAN;
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return m;
}

void rep_summarise(const double *v, size_t n, struct rep_summary *s)
{
	size_t i;

	s->n = n;
	s->median = median(v, n);
	s->min = s->max = n ? v[0] : NAN;
	for (i = 1; i < n; i++) {
		if (v[i] < s->min)
			s->min = v[i];
		if (v[i] > s->max)
			s->max = v[i];
	}
	s->spread = (n && s->median > 0) ? (s->max - s->min) / s->median : NAN;
}

double ratio(double a, double b)
{
	if (!isfinite(a) || !isfinite(b) || a <= 0 || b <= 0)
		return NAN;
	return a / b;
}
