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
#include "test.h"

HOST_TEST(xfer_no_timeout)
{
	struct ipcchan_mbox_msg m[2];
	struct ipcchan_mbox_xfer x;

	memset(&x, 0xa5, sizeof(x));
	CHECK(ipcchan_mbox_xfer_init(&x, m, 2, IPCCHAN_XFER_NONBLOCK, -1) == 0);
	CHECK(x.size == sizeof(x));
	CHECK(x.flags == IPCCHAN_XFER_NONBLOCK);
	CHECK(x.timeout_ns == 0);	/* the kernel rejects it otherwise */
	CHECK(x.msgs == (uintptr_t)m);
	CHECK(x.count == 2);
	CHECK(x.msg_size == sizeof(struct ipcchan_mbox_msg));
}

HOST_TEST(xfer_relative_and_absolute_timeout)
{
	struct ipcchan_mbox_msg m;
	struct ipcchan_mbox_xfer x;

	CHECK(ipcchan_mbox_xfer_init(&x, &m, 1, 0, 0) == 0);
	CHECK(x.flags == IPCCHAN_XFER_TIMEOUT && x.timeout_ns == 0);
	CHECK(ipcchan_mbox_xfer_init(&x, &m, 1, IPCCHAN_XFER_PEEK, 1500) == 0);
	CHECK(x.flags == (IPCCHAN_XFER_TIMEOUT | IPCCHAN_XFER_PEEK));
	CHECK(x.timeout_ns == 1500);
	CHECK(ipcchan_mbox_xfer_init(&x, &m, 1, IPCCHAN_XFER_ABSTIME,
				     INT64_MAX) == 0);
	CHECK(x.flags == (IPCCHAN_XFER_TIMEOUT | IPCCHAN_XFER_ABSTIME));
	CHECK(x.timeout_ns == (uint64_t)INT64_MAX);
}

HOST_TEST(xfer_rejects)
{
	struct ipcchan_mbox_msg m;
	struct ipcchan_mbox_xfer x;

	CHECK(ipcchan_mbox_xfer_init(&x, &m, 0, 0, -1) == -EINVAL);
	CHECK(ipcchan_mbox_xfer_init(&x, &m, IPCCHAN_MBOX_BATCH_MAX + 1, 0, -1) == -EINVAL);
	CHECK(ipcchan_mbox_xfer_init(&x, &m, IPCCHAN_MBOX_BATCH_MAX, 0, -1) == 0);
	CHECK(ipcchan_mbox_xfer_init(&x, &m, 1, IPCCHAN_XFER_TIMEOUT, 5) == -EINVAL);
	CHECK(ipcchan_mbox_xfer_init(&x, &m, 1, IPCCHAN_XFER_ABSTIME, -1) == -EINVAL);
	/* Flags the library does not know go to the kernel to judge. */
	CHECK(ipcchan_mbox_xfer_init(&x, &m, 1, 0x80000000U, -1) == 0);
	CHECK(x.flags == 0x80000000U);
}

HOST_TEST(msg_init)
{
	struct ipcchan_mbox_msg m;
	char buf[4] = "abc";

	memset(&m, 0xff, sizeof(m));
	ipcchan_mbox_msg_init(&m, buf, sizeof(buf), 7);
	CHECK(m.buf == (uintptr_t)buf && m.len == 4 && m.prio == 7);
	CHECK(m.flags == 0 && m.reserved == 0 && m.seq == 0 && m.dropped == 0);
}

HOST_TEST(quantile_empty_and_range)
{
	struct ipcchan_mbox_stats st;

	memset(&st, 0, sizeof(st));
	CHECK(ipcchan_mbox_residence_quantile(&st, 0.5) == 0);
	st.residence_hist[3] = 1;
	CHECK(ipcchan_mbox_residence_quantile(&st, -0.1) == 0);
	CHECK(ipcchan_mbox_residence_quantile(&st, 1.1) == 0);
	CHECK(ipcchan_mbox_residence_quantile(&st, NAN) == 0);
	/* Bucket 3 holds [8, 16) ns. */
	CHECK(ipcchan_mbox_residence_quantile(&st, 0.0) == 16);
	CHECK(ipcchan_mbox_residence_quantile(&st, 1.0) == 16);
}

HOST_TEST(quantile_buckets)
{
	struct ipcchan_mbox_stats st;

	memset(&st, 0, sizeof(st));
	st.residence_hist[0] = 50;	/* < 2 ns */
	st.residence_hist[10] = 49;	/* [1024, 2048) */
	st.residence_hist[IPCCHAN_MBOX_HIST_BUCKETS - 1] = 1;	/* >= 2^47 */
	CHECK(ipcchan_mbox_residence_quantile(&st, 0.5) == 2);
	CHECK(ipcchan_mbox_residence_quantile(&st, 0.51) == 2048);
	CHECK(ipcchan_mbox_residence_quantile(&st, 0.99) == 2048);
	CHECK(ipcchan_mbox_residence_quantile(&st, 0.995) == UINT64_MAX);
	CHECK(ipcchan_mbox_residence_quantile(&st, 1.0) == UINT64_MAX);
	st.residence_hist[IPCCHAN_MBOX_HIST_BUCKETS - 1] = 0;
	st.residence_hist[IPCCHAN_MBOX_HIST_BUCKETS - 2] = 1;	/* [2^46, 2^47) */
	CHECK(ipcchan_mbox_residence_quantile(&st, 1.0) == (uint64_t)1 << 47);
}
