// SPDX-License-Identifier: GPL-2.0
/*
 * libipcchan's mailbox API against the module: what the library promises
 * in <ipcchan/ipcchan.h> (return values, metadata, timeouts, batches,
 * attributes, statistics), as a program linked with it sees it. The
 * ioctls themselves, with every bad input, are mailbox_test's; the ring
 * API is ring_test's.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipcchan.h"
#include "kselftest_harness.h"

FIXTURE(lib)
{
	int dev;
	int mb;
};

FIXTURE_SETUP(lib)
{
	struct ipcchan_mbox_params p = {
		.capacity = 8, .msgsize_max = 64, .mode = 0600,
	};

	self->dev = ipcchan_dev_open();
	ASSERT_LE(0, self->dev) TH_LOG("ipcchan_dev_open: %s", strerror(-self->dev));
	self->mb = ipcchan_mbox_open(self->dev, NULL,
				     IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE, &p);
	ASSERT_LE(0, self->mb) TH_LOG("ipcchan_mbox_open: %s", strerror(-self->mb));
}

FIXTURE_TEARDOWN(lib)
{
	close(self->mb);
	close(self->dev);
}

TEST_F(lib, send_recv_metadata)
{
	struct ipcchan_mbox_msg meta;
	char buf[64];

	ASSERT_EQ(0, ipcchan_mbox_send(self->mb, "low", 3, 1, 0, -1));
	ASSERT_EQ(0, ipcchan_mbox_send(self->mb, "high!", 5, 9, 0, -1));
	memset(&meta, 0, sizeof(meta));
	/* Highest priority first; the return value is the length. */
	ASSERT_EQ(5, ipcchan_mbox_recv(self->mb, buf, sizeof(buf), 0, -1, &meta));
	EXPECT_EQ(0, memcmp(buf, "high!", 5));
	EXPECT_EQ(9, meta.prio);
	EXPECT_EQ(5, meta.len);
	EXPECT_EQ(1, meta.seq);
	EXPECT_EQ(getpid(), meta.sender_pid);
	EXPECT_EQ(getuid(), meta.sender_uid);
	EXPECT_NE(0, meta.enqueue_ns);
	ASSERT_EQ(3, ipcchan_mbox_recv(self->mb, buf, sizeof(buf), 0, -1, NULL));
	EXPECT_EQ(0, memcmp(buf, "low", 3));
}

TEST_F(lib, empty_nonblock_and_timeout)
{
	struct timespec t0, t1;
	char buf[8];

	EXPECT_EQ(-EAGAIN, ipcchan_mbox_recv(self->mb, buf, sizeof(buf),
					     IPCCHAN_XFER_NONBLOCK, -1, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_EQ(-ETIMEDOUT, ipcchan_mbox_recv(self->mb, buf, sizeof(buf), 0,
						20 * 1000 * 1000, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_LE(20 * 1000 * 1000LL, (t1.tv_sec - t0.tv_sec) * 1000000000LL +
				      t1.tv_nsec - t0.tv_nsec);
	/* An absolute deadline already past. */
	EXPECT_EQ(-ETIMEDOUT, ipcchan_mbox_recv(self->mb, buf, sizeof(buf),
						IPCCHAN_XFER_ABSTIME, 1, NULL));
	/* Rejected by the library itself. */
	EXPECT_EQ(-EINVAL, ipcchan_mbox_recv(self->mb, buf, sizeof(buf),
					     IPCCHAN_XFER_TIMEOUT, 5, NULL));
	EXPECT_EQ(-EINVAL, ipcchan_mbox_recv_batch(self->mb, NULL, 0, 0, -1));
}

TEST_F(lib, too_long_peek_trunc)
{
	struct ipcchan_mbox_msg meta;
	char buf[4];

	ASSERT_EQ(0, ipcchan_mbox_send(self->mb, "abcdefgh", 8, 0, 0, -1));
	EXPECT_EQ(-EMSGSIZE, ipcchan_mbox_send(self->mb, buf, 65, 0, 0, -1));
	EXPECT_EQ(-EMSGSIZE, ipcchan_mbox_recv(self->mb, buf, sizeof(buf), 0, -1, NULL));
	ASSERT_EQ(8, ipcchan_mbox_recv(self->mb, buf, sizeof(buf),
				       IPCCHAN_XFER_PEEK | IPCCHAN_XFER_TRUNC, -1, &meta));
	EXPECT_TRUE(meta.flags & IPCCHAN_MSG_TRUNCATED);
	/* Peeked, so still there; now consumed with truncation. */
	ASSERT_EQ(8, ipcchan_mbox_recv(self->mb, buf, sizeof(buf),
				       IPCCHAN_XFER_TRUNC, -1, &meta));
	EXPECT_EQ(0, memcmp(buf, "abcd", 4));
	EXPECT_EQ(-EAGAIN, ipcchan_mbox_recv(self->mb, buf, sizeof(buf),
					     IPCCHAN_XFER_NONBLOCK, -1, NULL));
}

TEST_F(lib, batches)
{
	struct ipcchan_mbox_msg out[5], in[8];
	char payload[5][8], room[8][64];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(payload[i], sizeof(payload[i]), "m%d", i);
		ipcchan_mbox_msg_init(&out[i], payload[i], strlen(payload[i]), 0);
	}
	ASSERT_EQ(5, ipcchan_mbox_send_batch(self->mb, out, 5, 0, -1));
	for (i = 0; i < 8; i++)
		ipcchan_mbox_msg_init(&in[i], room[i], sizeof(room[i]), 0);
	/* Takes what is queued, up to the count. */
	ASSERT_EQ(5, ipcchan_mbox_recv_batch(self->mb, in, 8, 0, -1));
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(2, in[i].len);
		EXPECT_EQ(i, in[i].seq);
		EXPECT_EQ(0, memcmp(room[i], payload[i], 2));
	}
}

TEST_F(lib, attr_and_stats)
{
	struct ipcchan_mbox_attr a;
	struct ipcchan_mbox_stats st;
	char buf[64];
	int i;

	ASSERT_EQ(0, ipcchan_mbox_get_attr(self->mb, &a));
	EXPECT_EQ(8, a.capacity);
	EXPECT_EQ(64, a.msgsize_max);
	EXPECT_EQ(IPCCHAN_MBOX_BLOCK, a.policy);
	EXPECT_EQ(2, a.send_lowat);	/* a quarter of the capacity */
	EXPECT_EQ(0, a.attr_flags & IPCCHAN_MBOX_ATTR_NAMED);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, ipcchan_mbox_send(self->mb, "xyz", 3, 0, 0, -1));
	ASSERT_EQ(3, ipcchan_mbox_recv(self->mb, buf, sizeof(buf), 0, -1, NULL));
	ASSERT_EQ(0, ipcchan_mbox_get_stats(self->mb, &st));
	EXPECT_EQ(3, st.msgs_in);
	EXPECT_EQ(9, st.bytes_in);
	EXPECT_EQ(1, st.msgs_out);
	EXPECT_EQ(3, st.bytes_out);
	EXPECT_EQ(2, st.depth);
	EXPECT_EQ(3, st.peak_depth);
	EXPECT_NE(0, ipcchan_mbox_residence_quantile(&st, 0.5));
}

TEST_F(lib, names)
{
	char name[64], buf[8];
	int a, b;

	snprintf(name, sizeof(name), "libipcchan_test.%d", getpid());
	a = ipcchan_mbox_open(self->dev, name, IPCCHAN_OPEN_WRITE |
			      IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL, NULL);
	ASSERT_LE(0, a);
	EXPECT_EQ(-EEXIST, ipcchan_mbox_open(self->dev, name, IPCCHAN_OPEN_WRITE |
					     IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL, NULL));
	b = ipcchan_mbox_open(self->dev, name, IPCCHAN_OPEN_READ, NULL);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, ipcchan_mbox_send(a, "hi", 2, 0, 0, -1));
	EXPECT_EQ(2, ipcchan_mbox_recv(b, buf, sizeof(buf), 0, -1, NULL));
	/* Read-only fd cannot send, write-only cannot receive. */
	EXPECT_EQ(-EBADF, ipcchan_mbox_send(b, "x", 1, 0, 0, -1));
	EXPECT_EQ(-EBADF, ipcchan_mbox_recv(a, buf, sizeof(buf), 0, -1, NULL));
	EXPECT_EQ(0, ipcchan_mbox_unlink(self->dev, name));
	EXPECT_EQ(-ENOENT, ipcchan_mbox_unlink(self->dev, name));
	EXPECT_EQ(-ENOENT, ipcchan_mbox_open(self->dev, name, IPCCHAN_OPEN_READ, NULL));
	close(a);
	close(b);
}

TEST_HARNESS_MAIN
