// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libipcchan's ring logic: index maths, record
 * validation, and the producer/consumer code over a fake ring built from
 * a memfd mapped twice back to back, as the kernel maps the data area.
 * No module is needed; ASan and UBSan watch every access.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "ipcchan.h"
#include "ring_internal.h"
#include "kselftest_harness.h"

#define PAGE	4096U

struct fake_ring {
	struct ipcchan_ring_info_page *info;
	unsigned char *prod;
	unsigned char *cons;
	unsigned char *data;
	uint32_t size;
	struct ipcchan_ring p;
	struct ipcchan_ring c;
};

static void *page_alloc(void)
{
	void *p = NULL;

	if (posix_memalign(&p, PAGE, PAGE))
		abort();
	memset(p, 0, PAGE);
	return p;
}

/* @start: initial value of both positions, to test 2^32 wrap-around. */
static void fake_init(struct fake_ring *f, uint32_t pages, uint32_t start)
{
	size_t size = (size_t)pages * PAGE;
	unsigned char *base;
	int fd;

	memset(f, 0, sizeof(*f));
	f->size = size;
	fd = memfd_create("ring_test", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, size))
		abort();
	base = mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (base == MAP_FAILED ||
	    mmap(base, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, 0) == MAP_FAILED ||
	    mmap(base + size, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
		abort();
	close(fd);
	f->data = base;

	f->info = page_alloc();
	f->prod = page_alloc();
	f->cons = page_alloc();
	f->info->magic = IPCCHAN_RING_MAGIC;
	f->info->version = IPCCHAN_RING_LAYOUT_VERSION;
	f->info->page_size = PAGE;
	f->info->nr_pages = pages;
	f->info->max_record = size / 2;
	f->info->off.data_size = size;
	f->info->off.info_len = PAGE;
	f->info->off.ctrl_len = PAGE;
	f->info->off.pos = 0;
	f->info->off.waiting = 128;
	f->info->off.stats = 256;
	*(uint32_t *)f->prod = start;
	*(uint32_t *)f->cons = start;

	f->p.fd = -1;
	f->c.fd = -1;
	ipcchan_ring__attach(&f->p, IPCCHAN_RING_PRODUCER, f->info, f->prod,
			     f->cons, f->data);
	ipcchan_ring__attach(&f->c, IPCCHAN_RING_CONSUMER, f->info, f->prod,
			     f->cons, f->data);
}

static void fake_fini(struct fake_ring *f)
{
	munmap(f->data, 2 * (size_t)f->size);
	free(f->info);
	free(f->prod);
	free(f->cons);
}

static uint32_t *pos_of(unsigned char *ctrl)
{
	return (uint32_t *)ctrl;
}

static const struct ipcchan_ring_ctrl_stats *stats_of(unsigned char *ctrl)
{
	return (const struct ipcchan_ring_ctrl_stats *)(ctrl + 256);
}

/* Most tests need one fresh one-page ring, positions at 0. */
FIXTURE(ring) {
	struct fake_ring f;
};

FIXTURE_SETUP(ring)
{
	fake_init(&self->f, 1, 0);
}

FIXTURE_TEARDOWN(ring)
{
	fake_fini(&self->f);
}

TEST(rec_total_rounds_up_to_alignment)
{
	EXPECT_EQ(8, ipcchan_ring_rec_total(0));
	EXPECT_EQ(16, ipcchan_ring_rec_total(1));
	EXPECT_EQ(16, ipcchan_ring_rec_total(8));
	EXPECT_EQ(24, ipcchan_ring_rec_total(9));
	EXPECT_EQ(4096, ipcchan_ring_rec_total(4088));
}

TEST(span_checks_size_alignment_and_order)
{
	EXPECT_EQ(64, ipcchan_ring_span(64, 0, 4096));
	EXPECT_EQ(4096, ipcchan_ring_span(4096, 0, 4096));
	EXPECT_EQ(-1, ipcchan_ring_span(4104, 0, 4096));
	EXPECT_EQ(-1, ipcchan_ring_span(0, 8, 4096));	/* behind ahead */
	EXPECT_EQ(-1, ipcchan_ring_span(12, 0, 4096));	/* misaligned */
	EXPECT_EQ(-1, ipcchan_ring_span(16, 4, 4096));
	/* Across 2^32. */
	EXPECT_EQ(24, ipcchan_ring_span(16, 0xfffffff8U, 4096));
	EXPECT_EQ(4096, ipcchan_ring_span(0, 0xfffff000U, 4096));
	EXPECT_EQ(-1, ipcchan_ring_span(8, 0xfffff000U, 4096));
}

TEST(rec_check_rejects_bad_headers)
{
	EXPECT_EQ(8, ipcchan_ring_rec_check(0, 0, 8, 2048));
	EXPECT_EQ(112, ipcchan_ring_rec_check(100, 0, 112, 2048));
	EXPECT_EQ(112, ipcchan_ring_rec_check(100, IPCCHAN_RING_REC_PAD, 200, 2048));
	EXPECT_EQ(-EIO, ipcchan_ring_rec_check(100, 0, 104, 2048));
	EXPECT_EQ(-EIO, ipcchan_ring_rec_check(0, 0x2, 8, 2048));
	EXPECT_EQ(-EIO, ipcchan_ring_rec_check(0, 0x80000000U, 8, 2048));
	EXPECT_EQ(2048, ipcchan_ring_rec_check(2040, 0, 4096, 2048));
	EXPECT_EQ(-EIO, ipcchan_ring_rec_check(2041, 0, 4096, 2048));
	EXPECT_EQ(-EIO, ipcchan_ring_rec_check(0xffffffffU, 0, 4096, 2048));
	EXPECT_EQ(-EIO, ipcchan_ring_rec_check(0xfffffff9U, 0, 4096, 2048));
	EXPECT_EQ(-EIO, ipcchan_ring_rec_check(0, 0, 8, 4));
}

static uint32_t rec_len(uint64_t seq, uint32_t max)
{
	return (uint32_t)((seq * 2654435761U) % (max + 1));
}

static unsigned char rec_byte(uint64_t seq, uint32_t i)
{
	return (unsigned char)(seq * 31 + i * 7);
}

/*
 * Stream records through a one-page ring, in batches, across the end of
 * the data area many times, checking every byte.
 */
static void stream(struct __test_metadata *_metadata, uint32_t start)
{
	uint64_t sent = 0, got = 0, n = 20000;
	struct fake_ring f;
	uint32_t max;

	fake_init(&f, 1, start);
	max = ipcchan_ring_max_payload(&f.p);
	EXPECT_EQ(2040, max);
	while (got < n) {
		/* Produce a batch until full. */
		while (sent < n) {
			uint32_t len = rec_len(sent, max / 4);
			unsigned char *p;
			int ret = ipcchan_ring_reserve(&f.p, len, (void **)&p);

			if (ret == -EAGAIN)
				break;
			EXPECT_EQ(0, ret);
			if (ret)
				goto out;
			for (uint32_t i = 0; i < len; i++)
				p[i] = rec_byte(sent, i);
			sent++;
		}
		EXPECT_EQ(0, ipcchan_ring_commit(&f.p));
		for (;;) {
			const unsigned char *p;
			uint32_t len;
			int ret = ipcchan_ring_peek(&f.c, (const void **)&p,
						    &len);

			if (ret == -EAGAIN)
				break;
			EXPECT_EQ(0, ret);
			if (ret)
				goto out;
			EXPECT_EQ(rec_len(got, max / 4), len);
			for (uint32_t i = 0; i < len; i++)
				if (p[i] != rec_byte(got, i)) {
					EXPECT_EQ(rec_byte(got, i), p[i]);
					goto out;
				}
			got++;
		}
		EXPECT_EQ(0, ipcchan_ring_release(&f.c));
	}
	EXPECT_EQ(n, stats_of(f.prod)->records);
	EXPECT_EQ(n, stats_of(f.cons)->records);
	EXPECT_EQ(stats_of(f.prod)->bytes, stats_of(f.cons)->bytes);
	EXPECT_EQ(*pos_of(f.prod), *pos_of(f.cons));
out:
	fake_fini(&f);
}

TEST(stream_wraps_data_area)
{
	stream(_metadata, 0);
}

TEST(stream_wraps_u32_positions)
{
	stream(_metadata, 0xffffff00U);
}

TEST_F(ring, batch_invisible_until_commit)
{
	struct fake_ring *f = &self->f;
	const void *p;
	uint32_t len;
	void *w;

	for (int i = 0; i < 5; i++)
		EXPECT_EQ(0, ipcchan_ring_reserve(&f->p, 10, &w));
	EXPECT_EQ(-EAGAIN, ipcchan_ring_peek(&f->c, &p, &len));
	EXPECT_EQ(0, ipcchan_ring_commit(&f->p));
	EXPECT_EQ(5 * 24, *pos_of(f->prod));
	for (int i = 0; i < 5; i++) {
		ASSERT_EQ(0, ipcchan_ring_peek(&f->c, &p, &len));
		EXPECT_EQ(10, len);
	}
	EXPECT_EQ(-EAGAIN, ipcchan_ring_peek(&f->c, &p, &len));
	/* Peeked but not released: the producer still sees them used. */
	EXPECT_EQ(0, *pos_of(f->cons));
	EXPECT_EQ(0, ipcchan_ring_release(&f->c));
	EXPECT_EQ(5 * 24, *pos_of(f->cons));
}

TEST_F(ring, full_ring_says_eagain_and_counts_stall)
{
	struct fake_ring *f = &self->f;
	void *w;
	int n = 0;

	while (ipcchan_ring_reserve(&f->p, 56, &w) == 0)
		n++;
	EXPECT_EQ(4096 / 64, n);
	EXPECT_EQ(-EAGAIN, ipcchan_ring_reserve(&f->p, 0, &w));
	EXPECT_EQ(2, stats_of(f->prod)->stalls);
	EXPECT_EQ(-EMSGSIZE, ipcchan_ring_reserve(&f->p, 2041, &w));
}

TEST_F(ring, cancel_makes_padding_that_consumer_skips)
{
	struct fake_ring *f = &self->f;
	const void *p;
	uint32_t len;
	void *a, *b;

	ASSERT_EQ(0, ipcchan_ring_reserve(&f->p, 3, &a));
	memcpy(a, "abc", 3);
	ASSERT_EQ(0, ipcchan_ring_reserve(&f->p, 100, &b));
	ipcchan_ring_cancel(&f->p, b);
	EXPECT_EQ(0, ipcchan_ring_commit(&f->p));
	ASSERT_EQ(0, ipcchan_ring_peek(&f->c, &p, &len));
	EXPECT_EQ(3, len);
	EXPECT_EQ(0, memcmp(p, "abc", 3));
	EXPECT_EQ(-EAGAIN, ipcchan_ring_peek(&f->c, &p, &len));
	EXPECT_EQ(16 + 112, *pos_of(f->prod));
	EXPECT_EQ(1, stats_of(f->prod)->records);
}

TEST_F(ring, kick_only_when_peer_waits)
{
	struct fake_ring *f = &self->f;
	void *w;

	EXPECT_EQ(0, ipcchan_ring_reserve(&f->p, 1, &w));
	EXPECT_EQ(0, ipcchan_ring_commit(&f->p));
	EXPECT_EQ(1, stats_of(f->prod)->kicks_avoided);

	/* Consumer drains, then prepares to sleep: the flag goes up. */
	ipcchan_ring_busy_wait(&f->c, 0, 0);
	EXPECT_EQ(1, ipcchan_ring_prepare_wait(&f->c, 0));	/* data there */
	EXPECT_EQ(0, *(uint32_t *)(f->cons + 128));
	{
		const void *p;
		uint32_t len;

		EXPECT_EQ(0, ipcchan_ring_peek(&f->c, &p, &len));
	}
	EXPECT_EQ(0, ipcchan_ring_prepare_wait(&f->c, 0));
	/* The word says what it waits for: one record header. */
	EXPECT_EQ(8, *(uint32_t *)(f->cons + 128));
	EXPECT_EQ(16, *pos_of(f->cons));	/* released before sleeping */

	/* The producer must kick now; with no fd the ioctl fails, visibly. */
	EXPECT_EQ(0, ipcchan_ring_reserve(&f->p, 1, &w));
	EXPECT_EQ(-EBADF, ipcchan_ring_commit(&f->p));
	ipcchan_ring_finish_wait(&f->c);
	EXPECT_EQ(0, *(uint32_t *)(f->cons + 128));
}

TEST_F(ring, producer_kicks_only_when_consumer_need_is_met)
{
	struct fake_ring *f = &self->f;
	void *w;

	/* A consumer asleep until 64 bytes of records are published. */
	*(uint32_t *)(f->cons + 128) = 64;
	EXPECT_EQ(0, ipcchan_ring_reserve(&f->p, 8, &w));
	EXPECT_EQ(0, ipcchan_ring_commit(&f->p));		/* 16 < 64 */
	EXPECT_EQ(1, stats_of(f->prod)->kicks_avoided);
	EXPECT_EQ(0, ipcchan_ring_reserve(&f->p, 24, &w));
	EXPECT_EQ(0, ipcchan_ring_commit(&f->p));		/* 48 < 64 */
	EXPECT_EQ(0, ipcchan_ring_reserve(&f->p, 8, &w));
	/* 64 bytes: the kick is due; with no fd the ioctl fails, visibly. */
	EXPECT_EQ(-EBADF, ipcchan_ring_commit(&f->p));
	EXPECT_EQ(2, stats_of(f->prod)->kicks_avoided);
}

TEST_F(ring, consumer_kicks_only_when_producer_need_is_met)
{
	struct fake_ring *f = &self->f;
	const void *p;
	uint32_t len;
	void *w;
	int i;

	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, ipcchan_ring_reserve(&f->p, 1016, &w));
	EXPECT_EQ(-EAGAIN, ipcchan_ring_reserve(&f->p, 8, &w));
	EXPECT_EQ(0, ipcchan_ring_commit(&f->p));

	/* A producer asleep until half the ring is free. */
	*(uint32_t *)(f->prod + 128) = 2048;
	EXPECT_EQ(0, ipcchan_ring_peek(&f->c, &p, &len));
	EXPECT_EQ(0, ipcchan_ring_release(&f->c));		/* 1024 free */
	EXPECT_EQ(1, stats_of(f->cons)->kicks_avoided);
	EXPECT_EQ(0, ipcchan_ring_peek(&f->c, &p, &len));
	EXPECT_EQ(-EBADF, ipcchan_ring_release(&f->c));	/* 2048 free */

	/* A word no release can satisfy only costs its writer. */
	*(uint32_t *)(f->prod + 128) = 0xffffffff;
	EXPECT_EQ(0, ipcchan_ring_peek(&f->c, &p, &len));
	EXPECT_EQ(0, ipcchan_ring_release(&f->c));
}

TEST_F(ring, wait_kick_kicks_even_without_sleeping)
{
	struct fake_ring *f = &self->f, g;
	void *w;

	fake_init(&g, 1, 0);
	/* Data is waiting on g, so the wait on g.c needs no system call. */
	EXPECT_EQ(0, ipcchan_ring_reserve(&g.p, 8, &w));
	EXPECT_EQ(0, ipcchan_ring_commit(&g.p));
	/* Nothing owed on f: no kick, no error. */
	EXPECT_EQ(0, ipcchan_ring_wait_kick(&g.c, 0, -1, &f->p));
	/* A waiting consumer on f: the owed kick is made on its own. */
	*(uint32_t *)(f->cons + 128) = 8;
	EXPECT_EQ(0, ipcchan_ring_reserve(&f->p, 8, &w));
	EXPECT_EQ(-EBADF, ipcchan_ring_wait_kick(&g.c, 0, -1, &f->p));
	EXPECT_EQ(16, *pos_of(f->prod));			/* published */
	EXPECT_EQ(-EINVAL, ipcchan_ring_wait_kick(&g.c, g.size + 8, -1, &f->p));
	fake_fini(&g);
}

TEST_F(ring, corrupt_header_length_is_reported_and_sticky)
{
	struct fake_ring *f = &self->f;
	struct ipcchan_ring_rec *rec;
	const void *p;
	uint32_t len;
	void *w;

	EXPECT_EQ(0, ipcchan_ring_reserve(&f->p, 16, &w));
	EXPECT_EQ(0, ipcchan_ring_commit(&f->p));
	rec = (struct ipcchan_ring_rec *)f->data;
	rec->len = 4000;	/* beyond what was published */
	EXPECT_EQ(-EIO, ipcchan_ring_peek(&f->c, &p, &len));
	rec->len = 16;
	EXPECT_EQ(-EIO, ipcchan_ring_peek(&f->c, &p, &len));
	EXPECT_EQ(-EIO, ipcchan_ring_wait(&f->c, 0, 0));
}

TEST_F(ring, corrupt_header_flags_are_reported)
{
	struct fake_ring *f = &self->f;
	struct ipcchan_ring_rec *rec;
	const void *p;
	uint32_t len;
	void *w;

	EXPECT_EQ(0, ipcchan_ring_reserve(&f->p, 16, &w));
	EXPECT_EQ(0, ipcchan_ring_commit(&f->p));
	rec = (struct ipcchan_ring_rec *)f->data;
	rec->flags = 0x4;
	EXPECT_EQ(-EIO, ipcchan_ring_peek(&f->c, &p, &len));
}

TEST(corrupt_positions_are_reported)
{
	struct fake_ring f;
	const void *p;
	uint32_t len;
	void *w;

	/* Producer position beyond a ring's worth. */
	fake_init(&f, 1, 0);
	*pos_of(f.prod) = 8192;
	EXPECT_EQ(-EIO, ipcchan_ring_peek(&f.c, &p, &len));
	fake_fini(&f);

	/* Misaligned producer position. */
	fake_init(&f, 1, 0);
	*pos_of(f.prod) = 12;
	EXPECT_EQ(-EIO, ipcchan_ring_peek(&f.c, &p, &len));
	fake_fini(&f);

	/* Consumer position ahead of the producer's: seen on reload. */
	fake_init(&f, 1, 0);
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(0, ipcchan_ring_reserve(&f.p, 1000, &w));
	EXPECT_EQ(0, ipcchan_ring_commit(&f.p));
	*pos_of(f.cons) = 2024;
	EXPECT_EQ(-EIO, ipcchan_ring_busy_wait(&f.p, 0, 0));
	EXPECT_EQ(-EIO, ipcchan_ring_reserve(&f.p, 8, &w));
	fake_fini(&f);

	/* Consumer position more than a ring's worth behind. */
	fake_init(&f, 1, 0);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(0, ipcchan_ring_reserve(&f.p, 1000, &w));
	EXPECT_EQ(0, ipcchan_ring_commit(&f.p));
	*pos_of(f.cons) = (uint32_t)(3024 - 4096 - 8);
	EXPECT_EQ(-EIO, ipcchan_ring_reserve(&f.p, 2040, &w));
	fake_fini(&f);

	/* Already inconsistent when attached. */
	fake_init(&f, 1, 0);
	*pos_of(f.prod) = 4;
	ipcchan_ring__attach(&f.c, IPCCHAN_RING_CONSUMER, f.info, f.prod,
			     f.cons, f.data);
	EXPECT_EQ(-EIO, ipcchan_ring_peek(&f.c, &p, &len));
	fake_fini(&f);
}

TEST_F(ring, busy_wait_reports_peer_gone)
{
	struct fake_ring *f = &self->f;

	EXPECT_EQ(-ETIMEDOUT, ipcchan_ring_busy_wait(&f->c, 0, 0));
	EXPECT_EQ(-ETIMEDOUT, ipcchan_ring_busy_wait(&f->c, 0, 1000000));
	f->info->gone = IPCCHAN_RING_PRODUCERS_GONE;
	EXPECT_TRUE(ipcchan_ring_peer_gone(&f->c));
	EXPECT_FALSE(ipcchan_ring_peer_gone(&f->p));
	EXPECT_EQ(-EPIPE, ipcchan_ring_busy_wait(&f->c, 0, -1));
	EXPECT_EQ(0, ipcchan_ring_busy_wait(&f->p, 0, -1));	/* empty ring */
	EXPECT_EQ(-EINVAL, ipcchan_ring_busy_wait(&f->p, 8192, -1));
}

TEST_F(ring, wrong_role_calls_fail)
{
	struct fake_ring *f = &self->f;
	const void *p;
	uint32_t len;
	void *w;

	EXPECT_EQ(-EBADF, ipcchan_ring_reserve(&f->c, 8, &w));
	EXPECT_EQ(-EBADF, ipcchan_ring_commit(&f->c));
	EXPECT_EQ(-EBADF, ipcchan_ring_peek(&f->p, &p, &len));
	EXPECT_EQ(-EBADF, ipcchan_ring_release(&f->p));
}

TEST_HARNESS_MAIN
