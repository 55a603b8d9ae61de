// SPDX-License-Identifier: GPL-2.0
/*
 * libipcchan's mailbox API against the module: what the library promises
 * in <ipcchan/ipcchan.h> (return values, metadata, timeouts, batches,
 * attributes, statistics), as a program linked with it sees it. The
 * ioctls themselves, with every bad input, are mailbox_test's; the ring
 * API is ring_test's, except the batch calls (reserve_batch, unreserve,
 * peek_batch), tested here: the "batch" fixture drives them over a fake
 * ring in ordinary memory (no module needed, so the positions can start
 * just below 2^32), and the "ring" tests over a real ring.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "ipcchan.h"
#include "ring_internal.h"
#include "kselftest_harness.h"

#define PAGE	4096U
#define HDR	((uint32_t)sizeof(struct ipcchan_ring_rec))

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

/* ------------------------------------------------------------------ */
/* Batch calls over a fake ring: one data page mapped twice, as the    */
/* kernel maps it, and the control pages in ordinary memory.           */
/* ------------------------------------------------------------------ */

FIXTURE(batch)
{
	unsigned char *data, *info, *prod, *cons;
	struct ipcchan_ring p, c;
};

FIXTURE_VARIANT(batch)
{
	uint32_t start;		/* both positions at attach */
};

FIXTURE_VARIANT_ADD(batch, at_zero)
{
	.start = 0,
};

/* The 32-bit positions wrap after a few records. */
FIXTURE_VARIANT_ADD(batch, below_2_32)
{
	.start = 0xfffff000,
};

static void *zpage(void)
{
	void *p = NULL;

	if (posix_memalign(&p, PAGE, PAGE))
		return NULL;
	memset(p, 0, PAGE);
	return p;
}

FIXTURE_SETUP(batch)
{
	struct ipcchan_ring_info_page *info;
	int fd = memfd_create("libipcchan_test", MFD_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, PAGE));
	self->data = mmap(NULL, 2 * PAGE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->data);
	ASSERT_NE(MAP_FAILED, mmap(self->data, PAGE, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_FIXED, fd, 0));
	ASSERT_NE(MAP_FAILED, mmap(self->data + PAGE, PAGE,
				   PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_FIXED, fd, 0));
	close(fd);
	self->info = zpage();
	self->prod = zpage();
	self->cons = zpage();
	ASSERT_TRUE(self->info && self->prod && self->cons);
	info = (struct ipcchan_ring_info_page *)self->info;
	info->magic = IPCCHAN_RING_MAGIC;
	info->version = IPCCHAN_RING_LAYOUT_VERSION;
	info->page_size = PAGE;
	info->nr_pages = 1;
	info->max_record = PAGE / 2;
	info->off.data_size = PAGE;
	info->off.info_len = PAGE;
	info->off.ctrl_len = PAGE;
	info->off.pos = 0;
	info->off.waiting = 128;
	info->off.stats = 256;
	*(uint32_t *)self->prod = variant->start;
	*(uint32_t *)self->cons = variant->start;
	memset(&self->p, 0, sizeof(self->p));
	memset(&self->c, 0, sizeof(self->c));
	self->p.fd = self->c.fd = -1;
	ipcchan_ring__attach(&self->p, IPCCHAN_RING_PRODUCER, info,
			     self->prod, self->cons, self->data);
	ipcchan_ring__attach(&self->c, IPCCHAN_RING_CONSUMER, info,
			     self->prod, self->cons, self->data);
}

FIXTURE_TEARDOWN(batch)
{
	munmap(self->data, 2 * PAGE);
	free(self->info);
	free(self->prod);
	free(self->cons);
}

static uint32_t pos_of(const unsigned char *ctrl)
{
	return *(const uint32_t *)ctrl;
}

/* Fill a payload with bytes derived from @seq. */
static void fill(void *p, uint32_t len, uint32_t seq)
{
	for (uint32_t i = 0; i < len; i++)
		((unsigned char *)p)[i] = (unsigned char)(seq * 31 + i);
}

static int filled(const void *p, uint32_t len, uint32_t seq)
{
	for (uint32_t i = 0; i < len; i++)
		if (((const unsigned char *)p)[i] != (unsigned char)(seq * 31 + i))
			return 0;
	return 1;
}

TEST_F(batch, zero_records)
{
	uint32_t lens[1] = { 8 };
	const void *pl[1];
	void *slot[1];

	EXPECT_EQ(0, ipcchan_ring_reserve_batch(&self->p, lens, slot, 0));
	EXPECT_EQ(0, ipcchan_ring_unreserve(&self->p, 0));
	EXPECT_EQ(0, ipcchan_ring_commit(&self->p));
	EXPECT_EQ(variant->start, pos_of(self->prod));
	/* Zero asked for with nothing there, and with something there. */
	EXPECT_EQ(0, ipcchan_ring_peek_batch(&self->c, pl, lens, 0));
	ASSERT_EQ(1, ipcchan_ring_reserve_batch(&self->p, lens, slot, 1));
	ASSERT_EQ(0, ipcchan_ring_commit(&self->p));
	EXPECT_EQ(0, ipcchan_ring_peek_batch(&self->c, pl, lens, 0));
	EXPECT_EQ(1, ipcchan_ring_peek_batch(&self->c, pl, lens, 1));
	/* The wrong role, before anything else. */
	EXPECT_EQ(-EBADF, ipcchan_ring_reserve_batch(&self->c, lens, slot, 0));
	EXPECT_EQ(-EBADF, ipcchan_ring_unreserve(&self->c, 0));
	EXPECT_EQ(-EBADF, ipcchan_ring_peek_batch(&self->p, pl, lens, 0));
}

/* Asking for more than is published returns what is, then -EAGAIN. */
TEST_F(batch, more_asked_than_published)
{
	uint32_t lens[5] = { 0, 1, 8, 9, 100 }, got[16];
	const void *pl[16];
	void *slot[5];
	int i;

	ASSERT_EQ(5, ipcchan_ring_reserve_batch(&self->p, lens, slot, 5));
	for (i = 0; i < 5; i++)
		fill(slot[i], lens[i], i);
	/* Reserved but not committed: nothing to peek. */
	EXPECT_EQ(-EAGAIN, ipcchan_ring_peek_batch(&self->c, pl, got, 16));
	ASSERT_EQ(0, ipcchan_ring_commit(&self->p));
	ASSERT_EQ(5, ipcchan_ring_peek_batch(&self->c, pl, got, 16));
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(lens[i], got[i]);
		EXPECT_TRUE(filled(pl[i], got[i], i));
	}
	EXPECT_EQ(-EAGAIN, ipcchan_ring_peek_batch(&self->c, pl, got, 16));
	ASSERT_EQ(0, ipcchan_ring_release(&self->c));
	EXPECT_EQ(pos_of(self->prod), pos_of(self->cons));
	EXPECT_EQ(variant->start + 8 + 16 + 16 + 24 + 112, pos_of(self->cons));
}

/* Partial reservations, the size limit, and padding skipped by peeks. */
TEST_F(batch, partial_and_padding)
{
	uint32_t lens[4] = { 1000, 1000, 1000, 1000 }, got[4];
	uint32_t big[2] = { 8, PAGE / 2 - HDR + 1 };
	const void *pl[4];
	void *slot[4];

	/* 1008 bytes each: four fit in 4096 only if nothing else is there. */
	ASSERT_EQ(4, ipcchan_ring_reserve_batch(&self->p, lens, slot, 4));
	ASSERT_EQ(0, ipcchan_ring_commit(&self->p));
	EXPECT_EQ(-EAGAIN, ipcchan_ring_reserve_batch(&self->p, lens, slot, 4));
	ASSERT_EQ(2, ipcchan_ring_peek_batch(&self->c, pl, got, 2));
	ASSERT_EQ(0, ipcchan_ring_release(&self->c));
	/* Room for two: the producer reloads the consumer position once. */
	ASSERT_EQ(2, ipcchan_ring_reserve_batch(&self->p, lens, slot, 4));
	/* The second of these is padding now. */
	ipcchan_ring_cancel(&self->p, slot[1]);
	ASSERT_EQ(0, ipcchan_ring_commit(&self->p));
	/* The two left of the first batch, then the new one. */
	ASSERT_EQ(3, ipcchan_ring_peek_batch(&self->c, pl, got, 4));
	EXPECT_EQ(-EAGAIN, ipcchan_ring_peek_batch(&self->c, pl, got, 4));
	ASSERT_EQ(0, ipcchan_ring_release(&self->c));

	/* Too long: -EMSGSIZE first, else the batch stops before it. */
	EXPECT_EQ(-EMSGSIZE, ipcchan_ring_reserve_batch(&self->p, big + 1,
							 slot, 1));
	EXPECT_EQ(1, ipcchan_ring_reserve_batch(&self->p, big, slot, 2));
	EXPECT_EQ(1, ipcchan_ring_unreserve(&self->p, 1));
}

/* Many batches around the data area, and past 2^32 for below_2_32. */
TEST_F(batch, wrap_around)
{
	uint32_t lens[7], got[7], sent = 0, recvd = 0;
	const void *pl[7];
	void *slot[7];
	int round, i, n;

	for (round = 0; round < 300; round++) {
		for (i = 0; i < 7; i++)
			lens[i] = 40 + (uint32_t)(round + i) % 300;
		n = ipcchan_ring_reserve_batch(&self->p, lens, slot, 7);
		if (n == -EAGAIN)
			n = 0;
		ASSERT_LE(0, n);
		for (i = 0; i < n; i++)
			fill(slot[i], lens[i], sent + i);
		sent += n;
		ASSERT_EQ(0, ipcchan_ring_commit(&self->p));
		/* Consume less than was produced every other round. */
		n = ipcchan_ring_peek_batch(&self->c, pl, got, round % 2 ? 7 : 3);
		if (n == -EAGAIN)
			n = 0;
		ASSERT_LE(0, n);
		for (i = 0; i < n; i++, recvd++)
			ASSERT_TRUE(filled(pl[i], got[i], recvd));
		ASSERT_EQ(0, ipcchan_ring_release(&self->c));
	}
	EXPECT_LT(100, recvd);
	/* Past the end of the data area many times. */
	EXPECT_LT(10 * PAGE, pos_of(self->cons) - variant->start);
	if (variant->start)
		EXPECT_GT(variant->start, pos_of(self->cons));
}

/* A corrupt header ends a batch; -EIO from then on, as for peek(). */
TEST_F(batch, corrupt_header)
{
	uint32_t lens[3] = { 16, 16, 16 }, got[8];
	struct ipcchan_ring_rec *rec;
	const void *pl[8];
	void *slot[3];

	ASSERT_EQ(3, ipcchan_ring_reserve_batch(&self->p, lens, slot, 3));
	ASSERT_EQ(0, ipcchan_ring_commit(&self->p));
	rec = (struct ipcchan_ring_rec *)slot[2] - 1;
	rec->len = PAGE;	/* past what is published */
	ASSERT_EQ(2, ipcchan_ring_peek_batch(&self->c, pl, got, 8));
	EXPECT_EQ(-EIO, ipcchan_ring_peek_batch(&self->c, pl, got, 8));
	EXPECT_EQ(-EIO, ipcchan_ring_peek(&self->c, pl, got));
}

TEST_F(batch, corrupt_first_header_and_flags)
{
	uint32_t lens[2] = { 16, 16 }, got[8];
	struct ipcchan_ring_rec *rec;
	const void *pl[8];
	void *slot[2];

	ASSERT_EQ(2, ipcchan_ring_reserve_batch(&self->p, lens, slot, 2));
	ASSERT_EQ(0, ipcchan_ring_commit(&self->p));
	rec = (struct ipcchan_ring_rec *)slot[0] - 1;
	rec->flags = 0x80;	/* a reserved flag */
	EXPECT_EQ(-EIO, ipcchan_ring_peek_batch(&self->c, pl, got, 8));
	EXPECT_EQ(-EIO, ipcchan_ring_peek_batch(&self->c, pl, got, 1));
}

/* A producer position beyond the ring is -EIO, not a read past it. */
TEST_F(batch, corrupt_position)
{
	uint32_t got[8];
	const void *pl[8];

	*(uint32_t *)self->prod = variant->start + 2 * PAGE;
	EXPECT_EQ(-EIO, ipcchan_ring_peek_batch(&self->c, pl, got, 8));
}

TEST_F(batch, unreserve)
{
	uint32_t lens[5] = { 8, 16, 24, 32, 40 }, got[8];
	struct ipcchan_ring_rec *rec;
	const void *pl[8];
	void *slot[5];
	int i;

	ASSERT_EQ(5, ipcchan_ring_reserve_batch(&self->p, lens, slot, 5));
	for (i = 0; i < 5; i++)
		fill(slot[i], lens[i], i);
	EXPECT_EQ(2, ipcchan_ring_unreserve(&self->p, 2));
	ASSERT_EQ(0, ipcchan_ring_commit(&self->p));
	EXPECT_EQ(variant->start + 16 + 24 + 32, pos_of(self->prod));
	ASSERT_EQ(3, ipcchan_ring_peek_batch(&self->c, pl, got, 8));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(lens[i], got[i]);
		EXPECT_TRUE(filled(pl[i], got[i], i));
	}
	EXPECT_EQ(-EAGAIN, ipcchan_ring_peek_batch(&self->c, pl, got, 8));
	ASSERT_EQ(0, ipcchan_ring_release(&self->c));

	/* More than is pending gives back what is; nothing pending, 0. */
	ASSERT_EQ(2, ipcchan_ring_reserve_batch(&self->p, lens, slot, 2));
	EXPECT_EQ(2, ipcchan_ring_unreserve(&self->p, 9));
	EXPECT_EQ(0, ipcchan_ring_unreserve(&self->p, 1));
	ASSERT_EQ(0, ipcchan_ring_commit(&self->p));
	EXPECT_EQ(variant->start + 16 + 24 + 32, pos_of(self->prod));

	/* A pending header changed under the producer. */
	ASSERT_EQ(2, ipcchan_ring_reserve_batch(&self->p, lens, slot, 2));
	rec = (struct ipcchan_ring_rec *)slot[0] - 1;
	rec->len = PAGE;
	EXPECT_EQ(-EIO, ipcchan_ring_unreserve(&self->p, 1));
	EXPECT_EQ(-EIO, ipcchan_ring_reserve_batch(&self->p, lens, slot, 1));
}

/* ------------------------------------------------------------------ */
/* The batch calls over a real ring, both roles in this process.       */
/* ------------------------------------------------------------------ */

TEST(ring_batches)
{
	struct ipcchan_ring *p, *c;
	uint32_t lens[16], got[16], sent = 0, recvd = 0;
	struct ipcchan_ring_rec *rec;
	const void *pl[16];
	void *slot[16];
	int dev, pfd, cfd, n, i, round;

	dev = ipcchan_dev_open();
	ASSERT_LE(0, dev);
	pfd = ipcchan_ring_open(dev, NULL, IPCCHAN_OPEN_CREATE,
				IPCCHAN_RING_PRODUCER, 1, 0, 0600, &cfd);
	ASSERT_LE(0, pfd) TH_LOG("ipcchan_ring_open: %s", strerror(-pfd));
	ASSERT_EQ(0, ipcchan_ring_map(pfd, &p));
	ASSERT_EQ(0, ipcchan_ring_map(cfd, &c));

	/* Around a one-page ring many times. */
	for (round = 0; round < 200; round++) {
		for (i = 0; i < 16; i++)
			lens[i] = 64 + (uint32_t)(round * 7 + i) % 200;
		n = ipcchan_ring_reserve_batch(p, lens, slot, 16);
		ASSERT_LT(0, n);
		for (i = 0; i < n; i++)
			fill(slot[i], lens[i], sent + i);
		sent += n;
		ASSERT_EQ(0, ipcchan_ring_commit(p));
		while ((n = ipcchan_ring_peek_batch(c, pl, got, 16)) > 0)
			for (i = 0; i < n; i++, recvd++)
				ASSERT_TRUE(filled(pl[i], got[i], recvd));
		ASSERT_EQ(-EAGAIN, n);
		ASSERT_EQ(0, ipcchan_ring_release(c));
	}
	EXPECT_EQ(sent, recvd);

	/* The producer's mapping can write any header: -EIO, not a crash. */
	lens[0] = lens[1] = 32;
	ASSERT_EQ(2, ipcchan_ring_reserve_batch(p, lens, slot, 2));
	ASSERT_EQ(0, ipcchan_ring_commit(p));
	rec = (struct ipcchan_ring_rec *)slot[1] - 1;
	rec->len = 0xfffffff0;
	ASSERT_EQ(1, ipcchan_ring_peek_batch(c, pl, got, 16));
	EXPECT_EQ(-EIO, ipcchan_ring_peek_batch(c, pl, got, 16));

	ipcchan_ring_unmap(p);
	ipcchan_ring_unmap(c);
	close(pfd);
	close(cfd);
	close(dev);
}

TEST_HARNESS_MAIN
