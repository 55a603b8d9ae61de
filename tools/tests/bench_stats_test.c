// SPDX-License-Identifier: GPL-2.0
/* Host tests of ipcbench's statistics and self-verifying payloads. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "payload.h"
#include "stats.h"
#include "test.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

HOST_TEST(pct_nearest_rank)
{
	uint64_t v[100];
	int i;

	for (i = 0; i < 100; i++)
		v[i] = (uint64_t)i + 1;	/* 1..100 */
	CHECK(pct_sorted(v, 100, 50) == 50);
	CHECK(pct_sorted(v, 100, 99) == 99);
	CHECK(pct_sorted(v, 100, 99.9) == 100);
	CHECK(pct_sorted(v, 100, 100) == 100);
	CHECK(pct_sorted(v, 100, 1) == 1);
	CHECK(pct_sorted(v, 100, 0.001) == 1);
	/* With 1000 samples p99.9 is the 999th, not the maximum. */
	{
		uint64_t w[1000];

		for (i = 0; i < 1000; i++)
			w[i] = (uint64_t)i;
		CHECK(pct_sorted(w, 1000, 99.9) == 998);
		CHECK(pct_sorted(w, 1000, 50) == 499);
	}
}

HOST_TEST(pct_small_and_empty)
{
	uint64_t one = 7, two[2] = { 3, 9 };

	CHECK(pct_sorted(NULL, 0, 50) == 0);
	CHECK(pct_sorted(&one, 1, 50) == 7);
	CHECK(pct_sorted(&one, 1, 99.9) == 7);
	CHECK(pct_sorted(two, 2, 50) == 3);
	CHECK(pct_sorted(two, 2, 51) == 9);
}

HOST_TEST(lat_summary_sorts_unsorted_input)
{
	uint64_t v[] = { 50, 10, 40, 20, 30 };
	struct lat_summary s;

	lat_summarise(v, 5, &s);
	CHECK(s.n == 5);
	CHECK(s.min == 10 && s.max == 50);
	CHECK(s.p50 == 30);
	CHECK(s.p99 == 50 && s.p999 == 50);
	CHECK(NEAR(s.mean, 30));
	lat_summarise(v, 0, &s);
	CHECK(s.n == 0 && s.max == 0);
}

HOST_TEST(median_odd_even)
{
	double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 };

	CHECK(NEAR(median(odd, 3), 2));
	CHECK(NEAR(median(even, 4), 2.5));
	CHECK(isnan(median(odd, 0)));
	/* The input is left as it was. */
	CHECK(odd[0] == 3 && odd[1] == 1);
}

HOST_TEST(rep_spread)
{
	double v[] = { 90, 100, 110, 105, 95 };
	struct rep_summary s;

	rep_summarise(v, 5, &s);
	CHECK(NEAR(s.median, 100));
	CHECK(NEAR(s.min, 90) && NEAR(s.max, 110));
	CHECK(NEAR(s.spread, 0.2));
	rep_summarise(v, 1, &s);
	CHECK(NEAR(s.median, 90) && NEAR(s.spread, 0));
	rep_summarise(v, 0, &s);
	CHECK(isnan(s.median) && isnan(s.spread));
}

HOST_TEST(ratios)
{
	CHECK(NEAR(ratio(50, 100), 0.5));
	CHECK(NEAR(ratio(300, 100), 3));
	CHECK(isnan(ratio(1, 0)));
	CHECK(isnan(ratio(0, 1)));
	CHECK(isnan(ratio(NAN, 1)));
	CHECK(isnan(ratio(1, INFINITY)));
	CHECK(isnan(ratio(-1, 1)));
}

static void roundtrip(int *failed, size_t len)
{
	unsigned char *buf = malloc(len);
	struct msg_tmpl t;
	uint32_t flags = 0;
	uint64_t seq;

	msg_tmpl_init(&t, buf, len, 42);
	for (seq = 0; seq < 3; seq++) {
		msg_stamp(&t, seq, seq == 2 ? MSG_F_LAST : 0);
		CHECK(msg_verify(buf, len, seq, &flags) == MSG_OK);
		CHECK(flags == (seq == 2 ? MSG_F_LAST : 0));
	}
	free(buf);
}

HOST_TEST(payload_roundtrip_sizes)
{
	/* Odd sizes exercise the zero-padded last word. */
	size_t sizes[] = { 32, 33, 39, 40, 64, 543, 544, 4096, 65536 + 3 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		roundtrip(failed, sizes[i]);
}

HOST_TEST(payload_detects_damage)
{
	size_t len = 4096, i;
	unsigned char *buf = malloc(len), *old = malloc(len), *mix = malloc(len);
	uint32_t flags = 0;
	struct msg_tmpl t;

	msg_tmpl_init(&t, buf, len, 7);
	msg_stamp(&t, 5, 0);
	memcpy(old, buf, len);
	CHECK(msg_verify(buf, len, 6, NULL) == MSG_E_SEQ);	/* lost or duplicated */
	CHECK(msg_verify(buf, len - 8, 5, NULL) == MSG_E_SHORT);	/* truncated */
	CHECK(msg_verify(buf, 16, 5, NULL) == MSG_E_SHORT);
	/* Every single flipped body byte is caught. */
	for (i = MSG_HDR_LEN; i < len; i++) {
		buf[i] ^= 1;
		if (msg_verify(buf, len, 5, NULL) == MSG_OK) {
			printf("#   flip at %zu not detected\n", i);
			*failed = 1;
			break;
		}
		buf[i] ^= 1;
	}
	buf[0] ^= 1;
	CHECK(msg_verify(buf, len, 5, NULL) == MSG_E_MAGIC);
	buf[0] ^= 1;
	/* Two 8-byte words swapped: the position-weighted sum sees it. */
	memcpy(mix, buf, len);
	memcpy(mix + 100, buf + 108, 8);
	memcpy(mix + 108, buf + 100, 8);
	CHECK(msg_verify(mix, len, 5, NULL) == MSG_E_CSUM);
	/* Torn: second half from the next message. */
	msg_stamp(&t, 6, 0);
	memcpy(mix, old, len / 2);
	memcpy(mix + len / 2, buf + len / 2, len / 2);
	CHECK(msg_verify(mix, len, 5, NULL) == MSG_E_STAMP);
	/* Longer than the header says. */
	CHECK(msg_verify(buf, len, 6, NULL) == MSG_OK);
	{
		unsigned char *big = calloc(1, len + 8);

		memcpy(big, buf, len);
		CHECK(msg_verify(big, len + 8, 6, NULL) == MSG_E_LEN);
		free(big);
	}
	/* A damaged body still hands out the header's flags: LAST ends a run. */
	msg_stamp(&t, 7, MSG_F_LAST);
	buf[len - 1] ^= 0x40;
	CHECK(msg_verify(buf, len, 7, &flags) != MSG_OK);
	CHECK(flags == MSG_F_LAST);
	free(buf);
	free(old);
	free(mix);
}

HOST_TEST(payload_incremental_csum_matches_full)
{
	size_t len = 10000;
	unsigned char *buf = malloc(len);
	struct msg_tmpl t;
	struct msg_hdr h;

	msg_tmpl_init(&t, buf, len, 99);
	msg_stamp(&t, 123456789, 0);
	memcpy(&h, buf, sizeof(h));
	CHECK(h.csum == msg_csum(buf + MSG_HDR_LEN, len - MSG_HDR_LEN));
	CHECK(h.len == len && h.seq == 123456789);
	free(buf);
}
