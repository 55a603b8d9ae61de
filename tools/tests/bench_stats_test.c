// SPDX-License-Identifier: GPL-2.0
/* Host tests of ipcbench's statistics and self-verifying payloads. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "payload.h"
#include "stats.h"
#include "kselftest_harness.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

TEST(pct_nearest_rank)
{
	uint64_t v[100];
	int i;

	for (i = 0; i < 100; i++)
		v[i] = (uint64_t)i + 1;	/* 1..100 */
	EXPECT_EQ(50, pct_sorted(v, 100, 50));
	EXPECT_EQ(99, pct_sorted(v, 100, 99));
	EXPECT_EQ(100, pct_sorted(v, 100, 99.9));
	EXPECT_EQ(100, pct_sorted(v, 100, 100));
	EXPECT_EQ(1, pct_sorted(v, 100, 1));
	EXPECT_EQ(1, pct_sorted(v, 100, 0.001));
	/* With 1000 samples p99.9 is the 999th, not the maximum. */
	{
		uint64_t w[1000];

		for (i = 0; i < 1000; i++)
			w[i] = (uint64_t)i;
		EXPECT_EQ(998, pct_sorted(w, 1000, 99.9));
		EXPECT_EQ(499, pct_sorted(w, 1000, 50));
	}
}

TEST(pct_small_and_empty)
{
	uint64_t one = 7, two[2] = { 3, 9 };

	EXPECT_EQ(0, pct_sorted(NULL, 0, 50));
	EXPECT_EQ(7, pct_sorted(&one, 1, 50));
	EXPECT_EQ(7, pct_sorted(&one, 1, 99.9));
	EXPECT_EQ(3, pct_sorted(two, 2, 50));
	EXPECT_EQ(9, pct_sorted(two, 2, 51));
}

TEST(lat_summary_sorts_unsorted_input)
{
	uint64_t v[] = { 50, 10, 40, 20, 30 };
	struct lat_summary s;

	lat_summarise(v, 5, &s);
	EXPECT_EQ(5, s.n);
	EXPECT_EQ(10, s.min);
	EXPECT_EQ(50, s.max);
	EXPECT_EQ(30, s.p50);
	EXPECT_EQ(50, s.p99);
	EXPECT_EQ(50, s.p999);
	EXPECT_TRUE(NEAR(s.mean, 30));
	lat_summarise(v, 0, &s);
	EXPECT_EQ(0, s.n);
	EXPECT_EQ(0, s.max);
}

TEST(median_odd_even)
{
	double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 };

	EXPECT_TRUE(NEAR(median(odd, 3), 2));
	EXPECT_TRUE(NEAR(median(even, 4), 2.5));
	EXPECT_TRUE(isnan(median(odd, 0)));
	/* The input is left as it was. */
	EXPECT_TRUE(odd[0] == 3 && odd[1] == 1);
}

TEST(rep_spread)
{
	double v[] = { 90, 100, 110, 105, 95 };
	struct rep_summary s;

	rep_summarise(v, 5, &s);
	EXPECT_TRUE(NEAR(s.median, 100));
	EXPECT_TRUE(NEAR(s.min, 90));
	EXPECT_TRUE(NEAR(s.max, 110));
	EXPECT_TRUE(NEAR(s.spread, 0.2));
	rep_summarise(v, 1, &s);
	EXPECT_TRUE(NEAR(s.median, 90));
	EXPECT_TRUE(NEAR(s.spread, 0));
	rep_summarise(v, 0, &s);
	EXPECT_TRUE(isnan(s.median));
	EXPECT_TRUE(isnan(s.spread));
}

TEST(ratios)
{
	EXPECT_TRUE(NEAR(ratio(50, 100), 0.5));
	EXPECT_TRUE(NEAR(ratio(300, 100), 3));
	EXPECT_TRUE(isnan(ratio(1, 0)));
	EXPECT_TRUE(isnan(ratio(0, 1)));
	EXPECT_TRUE(isnan(ratio(NAN, 1)));
	EXPECT_TRUE(isnan(ratio(1, INFINITY)));
	EXPECT_TRUE(isnan(ratio(-1, 1)));
}

static void roundtrip(struct __test_metadata *_metadata, size_t len)
{
	unsigned char *buf = malloc(len);
	struct msg_tmpl t;
	uint32_t flags = 0;
	uint64_t seq;

	msg_tmpl_init(&t, buf, len, 42);
	for (seq = 0; seq < 3; seq++) {
		msg_stamp(&t, seq, seq == 2 ? MSG_F_LAST : 0);
		EXPECT_EQ(MSG_OK, msg_verify(buf, len, seq, &flags));
		EXPECT_EQ(seq == 2 ? MSG_F_LAST : 0, flags);
	}
	free(buf);
}

TEST(payload_roundtrip_sizes)
{
	/* Odd sizes exercise the zero-padded last word. */
	size_t sizes[] = { 32, 33, 39, 40, 64, 543, 544, 4096, 65536 + 3 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		roundtrip(_metadata, sizes[i]);
}

TEST(payload_detects_damage)
{
	size_t len = 4096, i;
	unsigned char *buf = malloc(len), *old = malloc(len), *mix = malloc(len);
	uint32_t flags = 0;
	struct msg_tmpl t;

	msg_tmpl_init(&t, buf, len, 7);
	msg_stamp(&t, 5, 0);
	memcpy(old, buf, len);
	EXPECT_EQ(MSG_E_SEQ, msg_verify(buf, len, 6, NULL));	/* lost or duplicated */
	EXPECT_EQ(MSG_E_SHORT, msg_verify(buf, len - 8, 5, NULL));	/* truncated */
	EXPECT_EQ(MSG_E_SHORT, msg_verify(buf, 16, 5, NULL));
	/* Every single flipped body byte is caught. */
	for (i = MSG_HDR_LEN; i < len; i++) {
		buf[i] ^= 1;
		if (msg_verify(buf, len, 5, NULL) == MSG_OK)
			break;
		buf[i] ^= 1;
	}
	EXPECT_EQ(len, i) {
		TH_LOG("flip at %zu not detected", i);
	}
	buf[0] ^= 1;
	EXPECT_EQ(MSG_E_MAGIC, msg_verify(buf, len, 5, NULL));
	buf[0] ^= 1;
	/* Two 8-byte words swapped: the position-weighted sum sees it. */
	memcpy(mix, buf, len);
	memcpy(mix + 100, buf + 108, 8);
	memcpy(mix + 108, buf + 100, 8);
	EXPECT_EQ(MSG_E_CSUM, msg_verify(mix, len, 5, NULL));
	/* Torn: second half from the next message. */
	msg_stamp(&t, 6, 0);
	memcpy(mix, old, len / 2);
	memcpy(mix + len / 2, buf + len / 2, len / 2);
	EXPECT_EQ(MSG_E_STAMP, msg_verify(mix, len, 5, NULL));
	/* Longer than the header says. */
	EXPECT_EQ(MSG_OK, msg_verify(buf, len, 6, NULL));
	{
		unsigned char *big = calloc(1, len + 8);

		memcpy(big, buf, len);
		EXPECT_EQ(MSG_E_LEN, msg_verify(big, len + 8, 6, NULL));
		free(big);
	}
	/* A damaged body still hands out the header's flags: LAST ends a run. */
	msg_stamp(&t, 7, MSG_F_LAST);
	buf[len - 1] ^= 0x40;
	EXPECT_NE(MSG_OK, msg_verify(buf, len, 7, &flags));
	EXPECT_EQ(MSG_F_LAST, flags);
	free(buf);
	free(old);
	free(mix);
}

TEST(payload_incremental_csum_matches_full)
{
	size_t len = 10000;
	unsigned char *buf = malloc(len);
	struct msg_tmpl t;
	struct msg_hdr h;

	msg_tmpl_init(&t, buf, len, 99);
	msg_stamp(&t, 123456789, 0);
	memcpy(&h, buf, sizeof(h));
	EXPECT_EQ(msg_csum(buf + MSG_HDR_LEN, len - MSG_HDR_LEN), h.csum);
	EXPECT_EQ(len, h.len);
	EXPECT_EQ(123456789, h.seq);
	free(buf);
}

TEST_HARNESS_MAIN
