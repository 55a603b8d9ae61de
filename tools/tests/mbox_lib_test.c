// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libipcchan's mailbox logic that needs no module: how
 * a transfer request is built from the caller's flags and timeout, and
 * the quantiles read from the residence-time histogram.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ipcchan.h"
#include "kselftest_harness.h"

TEST(xfer_no_timeout)
{
	struct ipcchan_mbox_msg m[2];
	struct ipcchan_mbox_xfer x;

	memset(&x, 0xa5, sizeof(x));
	EXPECT_EQ(0, ipcchan_mbox_xfer_init(&x, m, 2, IPCCHAN_XFER_NONBLOCK, -1));
	EXPECT_EQ(sizeof(x), x.size);
	EXPECT_EQ(IPCCHAN_XFER_NONBLOCK, x.flags);
	EXPECT_EQ(0, x.timeout_ns);	/* the kernel rejects it otherwise */
	EXPECT_EQ((uintptr_t)m, x.msgs);
	EXPECT_EQ(2, x.count);
	EXPECT_EQ(sizeof(struct ipcchan_mbox_msg), x.msg_size);
}

TEST(xfer_relative_and_absolute_timeout)
{
	struct ipcchan_mbox_msg m;
	struct ipcchan_mbox_xfer x;

	EXPECT_EQ(0, ipcchan_mbox_xfer_init(&x, &m, 1, 0, 0));
	EXPECT_EQ(IPCCHAN_XFER_TIMEOUT, x.flags);
	EXPECT_EQ(0, x.timeout_ns);
	EXPECT_EQ(0, ipcchan_mbox_xfer_init(&x, &m, 1, IPCCHAN_XFER_PEEK, 1500));
	EXPECT_EQ(IPCCHAN_XFER_TIMEOUT | IPCCHAN_XFER_PEEK, x.flags);
	EXPECT_EQ(1500, x.timeout_ns);
	EXPECT_EQ(0, ipcchan_mbox_xfer_init(&x, &m, 1, IPCCHAN_XFER_ABSTIME,
						 INT64_MAX));
	EXPECT_EQ(IPCCHAN_XFER_TIMEOUT | IPCCHAN_XFER_ABSTIME, x.flags);
	EXPECT_EQ((uint64_t)INT64_MAX, x.timeout_ns);
}

TEST(xfer_rejects)
{
	struct ipcchan_mbox_msg m;
	struct ipcchan_mbox_xfer x;

	EXPECT_EQ(-EINVAL, ipcchan_mbox_xfer_init(&x, &m, 0, 0, -1));
	EXPECT_EQ(-EINVAL, ipcchan_mbox_xfer_init(&x, &m, IPCCHAN_MBOX_BATCH_MAX + 1, 0, -1));
	EXPECT_EQ(0, ipcchan_mbox_xfer_init(&x, &m, IPCCHAN_MBOX_BATCH_MAX, 0, -1));
	EXPECT_EQ(-EINVAL, ipcchan_mbox_xfer_init(&x, &m, 1, IPCCHAN_XFER_TIMEOUT, 5));
	EXPECT_EQ(-EINVAL, ipcchan_mbox_xfer_init(&x, &m, 1, IPCCHAN_XFER_ABSTIME, -1));
	/* Flags the library does not know go to the kernel to judge. */
	EXPECT_EQ(0, ipcchan_mbox_xfer_init(&x, &m, 1, 0x80000000U, -1));
	EXPECT_EQ(0x80000000U, x.flags);
}

TEST(msg_init)
{
	struct ipcchan_mbox_msg m;
	char buf[4] = "abc";

	memset(&m, 0xff, sizeof(m));
	ipcchan_mbox_msg_init(&m, buf, sizeof(buf), 7);
	EXPECT_EQ((uintptr_t)buf, m.buf);
	EXPECT_EQ(4, m.len);
	EXPECT_EQ(7, m.prio);
	EXPECT_EQ(0, m.flags);
	EXPECT_EQ(0, m.reserved);
	EXPECT_EQ(0, m.seq);
	EXPECT_EQ(0, m.dropped);
}

TEST(quantile_empty_and_range)
{
	struct ipcchan_mbox_stats st;

	memset(&st, 0, sizeof(st));
	EXPECT_EQ(0, ipcchan_mbox_residence_quantile(&st, 0.5));
	st.residence_hist[3] = 1;
	EXPECT_EQ(0, ipcchan_mbox_residence_quantile(&st, -0.1));
	EXPECT_EQ(0, ipcchan_mbox_residence_quantile(&st, 1.1));
	EXPECT_EQ(0, ipcchan_mbox_residence_quantile(&st, NAN));
	/* Bucket 3 holds [8, 16) ns. */
	EXPECT_EQ(16, ipcchan_mbox_residence_quantile(&st, 0.0));
	EXPECT_EQ(16, ipcchan_mbox_residence_quantile(&st, 1.0));
}

TEST(quantile_buckets)
{
	struct ipcchan_mbox_stats st;

	memset(&st, 0, sizeof(st));
	st.residence_hist[0] = 50;	/* < 2 ns */
	st.residence_hist[10] = 49;	/* [1024, 2048) */
	st.residence_hist[IPCCHAN_MBOX_HIST_BUCKETS - 1] = 1;	/* >= 2^47 */
	EXPECT_EQ(2, ipcchan_mbox_residence_quantile(&st, 0.5));
	EXPECT_EQ(2048, ipcchan_mbox_residence_quantile(&st, 0.51));
	EXPECT_EQ(2048, ipcchan_mbox_residence_quantile(&st, 0.99));
	EXPECT_EQ(UINT64_MAX, ipcchan_mbox_residence_quantile(&st, 0.995));
	EXPECT_EQ(UINT64_MAX, ipcchan_mbox_residence_quantile(&st, 1.0));
	st.residence_hist[IPCCHAN_MBOX_HIST_BUCKETS - 1] = 0;
	st.residence_hist[IPCCHAN_MBOX_HIST_BUCKETS - 2] = 1;	/* [2^46, 2^47) */
	EXPECT_EQ((uint64_t)1 << 47, ipcchan_mbox_residence_quantile(&st, 1.0));
}

TEST_HARNESS_MAIN
