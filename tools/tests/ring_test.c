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
#include "test.h"

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

HOST_TEST(rec_total_rounds_up_to_alignment)
{
	CHECK(ipcchan_ring_rec_total(0) == 8);
	CHECK(ipcchan_ring_rec_total(1) == 16);
	CHECK(ipcchan_ring_rec_total(8) == 16);
	CHECK(ipcchan_ring_rec_total(9) == 24);
	CHECK(ipcchan_ring_rec_total(4088) == 4096);
}

HOST_TEST(span_checks_size_alignment_and_order)
{
	CHECK(ipcchan_ring_span(64, 0, 4096) == 64);
	CHECK(ipcchan_ring_span(4096, 0, 4096) == 4096);
	CHECK(ipcchan_ring_span(4104, 0, 4096) == -1);
	CHECK(ipcchan_ring_span(0, 8, 4096) == -1);	/* behind ahead */
	CHECK(ipcchan_ring_span(12, 0, 4096) == -1);	/* misaligned */
	CHECK(ipcchan_ring_span(16, 4, 4096) == -1);
	/* Across 2^32. */
	CHECK(ipcchan_ring_span(16, 0xfffffff8U, 4096) == 24);
	CHECK(ipcchan_ring_span(0, 0xfffff000U, 4096) == 4096);
	CHECK(ipcchan_ring_span(8, 0xfffff000U, 4096) == -1);
}

HOST_TEST(rec_check_rejects_bad_headers)
{
	CHECK(ipcchan_ring_rec_check(0, 0, 8, 2048) == 8);
	CHECK(ipcchan_ring_rec_check(100, 0, 112, 2048) == 112);
	CHECK(ipcchan_ring_rec_check(100, IPCCHAN_RING_REC_PAD, 200, 2048) ==
	      112);
	CHECK(ipcchan_ring_rec_check(100, 0, 104, 2048) == -EIO);
	CHECK(ipcchan_ring_rec_check(0, 0x2, 8, 2048) == -EIO);
	CHECK(ipcchan_ring_rec_check(0, 0x80000000U, 8, 2048) == -EIO);
	CHECK(ipcchan_ring_rec_check(2040, 0, 4096, 2048) == 2048);
	CHECK(ipcchan_ring_rec_check(2041, 0, 4096, 2048) == -EIO);
	CHECK(ipcchan_ring_rec_check(0xffffffffU, 0, 4096, 2048) == -EIO);
	CHECK(ipcchan_ring_rec_check(0xfffffff9U, 0, 4096, 2048) == -EIO);
	CHECK(ipcchan_ring_rec_check(0, 0, 8, 4) == -EIO);
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
static void stream(int *failed, uint32_t start)
{
	uint64_t sent = 0, got = 0, n = 20000;
	struct fake_ring f;
	uint32_t max;

	fake_init(&f, 1, start);
	max = ipcchan_ring_max_payload(&f.p);
	CHECK(max == 2040);
	while (got < n) {
		/* Produce a batch until full. */
		while (sent < n) {
			uint32_t len = rec_len(sent, max / 4);
			unsigned char *p;
			int ret = ipcchan_ring_reserve(&f.p, len, (void **)&p);

			if (ret == -EAGAIN)
				break;
			CHECK(ret == 0);
			if (ret)
				goto out;
			for (uint32_t i = 0; i < len; i++)
				p[i] = rec_byte(sent, i);
			sent++;
		}
		CHECK(ipcchan_ring_commit(&f.p) == 0);
		for (;;) {
			const unsigned char *p;
			uint32_t len;
			int ret = ipcchan_ring_peek(&f.c, (const void **)&p,
						    &len);

			if (ret == -EAGAIN)
				break;
			CHECK(ret == 0);
			if (ret)
				goto out;
			CHECK(len == rec_len(got, max / 4));
			for (uint32_t i = 0; i < len; i++)
				if (p[i] != rec_byte(got, i)) {
					CHECK(p[i] == rec_byte(got, i));
					goto out;
				}
			got++;
		}
		CHECK(ipcchan_ring_release(&f.c) == 0);
	}
	CHECK(stats_of(f.prod)->records == n);
	CHECK(stats_of(f.cons)->records == n);
	CHECK(stats_of(f.prod)->bytes == stats_of(f.cons)->bytes);
	CHECK(*pos_of(f.prod) == *pos_of(f.cons));
out:
	fake_fini(&f);
}

HOST_TEST(stream_wraps_data_area)
{
	stream(failed, 0);
}

HOST_TEST(stream_wraps_u32_positions)
{
	stream(failed, 0xffffff00U);
}

HOST_TEST(batch_invisible_until_commit)
{
	const void *p;
	struct fake_ring f;
	uint32_t len;
	void *w;

	fake_init(&f, 1, 0);
	for (int i = 0; i < 5; i++)
		CHECK(ipcchan_ring_reserve(&f.p, 10, &w) == 0);
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == -EAGAIN);
	CHECK(ipcchan_ring_commit(&f.p) == 0);
	CHECK(*pos_of(f.prod) == 5 * 24);
	for (int i = 0; i < 5; i++)
		CHECK(ipcchan_ring_peek(&f.c, &p, &len) == 0 && len == 10);
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == -EAGAIN);
	/* Peeked but not released: the producer still sees them used. */
	CHECK(*pos_of(f.cons) == 0);
	CHECK(ipcchan_ring_release(&f.c) == 0);
	CHECK(*pos_of(f.cons) == 5 * 24);
	fake_fini(&f);
}

HOST_TEST(full_ring_says_eagain_and_counts_stall)
{
	struct fake_ring f;
	void *w;
	int n = 0;

	fake_init(&f, 1, 0);
	while (ipcchan_ring_reserve(&f.p, 56, &w) == 0)
		n++;
	CHECK(n == 4096 / 64);
	CHECK(ipcchan_ring_reserve(&f.p, 0, &w) == -EAGAIN);
	CHECK(stats_of(f.prod)->stalls == 2);
	CHECK(ipcchan_ring_reserve(&f.p, 2041, &w) == -EMSGSIZE);
	fake_fini(&f);
}

HOST_TEST(cancel_makes_padding_that_consumer_skips)
{
	struct fake_ring f;
	const void *p;
	uint32_t len;
	void *a, *b;

	fake_init(&f, 1, 0);
	CHECK(ipcchan_ring_reserve(&f.p, 3, &a) == 0);
	memcpy(a, "abc", 3);
	CHECK(ipcchan_ring_reserve(&f.p, 100, &b) == 0);
	ipcchan_ring_cancel(&f.p, b);
	CHECK(ipcchan_ring_commit(&f.p) == 0);
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == 0);
	CHECK(len == 3 && !memcmp(p, "abc", 3));
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == -EAGAIN);
	CHECK(*pos_of(f.prod) == 16 + 112);
	CHECK(stats_of(f.prod)->records == 1);
	fake_fini(&f);
}

HOST_TEST(kick_only_when_peer_waits)
{
	struct fake_ring f;
	void *w;

	fake_init(&f, 1, 0);
	CHECK(ipcchan_ring_reserve(&f.p, 1, &w) == 0);
	CHECK(ipcchan_ring_commit(&f.p) == 0);
	CHECK(stats_of(f.prod)->kicks_avoided == 1);

	/* Consumer drains, then prepares to sleep: the flag goes up. */
	ipcchan_ring_busy_wait(&f.c, 0, 0);
	CHECK(ipcchan_ring_prepare_wait(&f.c, 0) == 1);	/* data there */
	CHECK(*(uint32_t *)(f.cons + 128) == 0);
	{
		const void *p;
		uint32_t len;

		CHECK(ipcchan_ring_peek(&f.c, &p, &len) == 0);
	}
	CHECK(ipcchan_ring_prepare_wait(&f.c, 0) == 0);
	/* The word says what it waits for: one record header. */
	CHECK(*(uint32_t *)(f.cons + 128) == 8);
	CHECK(*pos_of(f.cons) == 16);	/* released before sleeping */

	/* The producer must kick now; with no fd the ioctl fails, visibly. */
	CHECK(ipcchan_ring_reserve(&f.p, 1, &w) == 0);
	CHECK(ipcchan_ring_commit(&f.p) == -EBADF);
	ipcchan_ring_finish_wait(&f.c);
	CHECK(*(uint32_t *)(f.cons + 128) == 0);
	fake_fini(&f);
}

HOST_TEST(producer_kicks_only_when_consumer_need_is_met)
{
	struct fake_ring f;
	void *w;

	fake_init(&f, 1, 0);
	/* A consumer asleep until 64 bytes of records are published. */
	*(uint32_t *)(f.cons + 128) = 64;
	CHECK(ipcchan_ring_reserve(&f.p, 8, &w) == 0);
	CHECK(ipcchan_ring_commit(&f.p) == 0);		/* 16 < 64 */
	CHECK(stats_of(f.prod)->kicks_avoided == 1);
	CHECK(ipcchan_ring_reserve(&f.p, 24, &w) == 0);
	CHECK(ipcchan_ring_commit(&f.p) == 0);		/* 48 < 64 */
	CHECK(ipcchan_ring_reserve(&f.p, 8, &w) == 0);
	/* 64 bytes: the kick is due; with no fd the ioctl fails, visibly. */
	CHECK(ipcchan_ring_commit(&f.p) == -EBADF);
	CHECK(stats_of(f.prod)->kicks_avoided == 2);
	fake_fini(&f);
}

HOST_TEST(consumer_kicks_only_when_producer_need_is_met)
{
	struct fake_ring f;
	const void *p;
	uint32_t len;
	void *w;
	int i;

	fake_init(&f, 1, 0);
	for (i = 0; i < 4; i++)
		CHECK(ipcchan_ring_reserve(&f.p, 1016, &w) == 0);
	CHECK(ipcchan_ring_reserve(&f.p, 8, &w) == -EAGAIN);
	CHECK(ipcchan_ring_commit(&f.p) == 0);

	/* A producer asleep until half the ring is free. */
	*(uint32_t *)(f.prod + 128) = 2048;
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == 0);
	CHECK(ipcchan_ring_release(&f.c) == 0);		/* 1024 free */
	CHECK(stats_of(f.cons)->kicks_avoided == 1);
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == 0);
	CHECK(ipcchan_ring_release(&f.c) == -EBADF);	/* 2048 free */

	/* A word no release can satisfy only costs its writer. */
	*(uint32_t *)(f.prod + 128) = 0xffffffff;
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == 0);
	CHECK(ipcchan_ring_release(&f.c) == 0);
	fake_fini(&f);
}

HOST_TEST(wait_kick_kicks_even_without_sleeping)
{
	struct fake_ring f, g;
	void *w;

	fake_init(&f, 1, 0);
	fake_init(&g, 1, 0);
	/* Data is waiting on g, so the wait on g.c needs no system call. */
	CHECK(ipcchan_ring_reserve(&g.p, 8, &w) == 0);
	CHECK(ipcchan_ring_commit(&g.p) == 0);
	/* Nothing owed on f: no kick, no error. */
	CHECK(ipcchan_ring_wait_kick(&g.c, 0, -1, &f.p) == 0);
	/* A waiting consumer on f: the owed kick is made on its own. */
	*(uint32_t *)(f.cons + 128) = 8;
	CHECK(ipcchan_ring_reserve(&f.p, 8, &w) == 0);
	CHECK(ipcchan_ring_wait_kick(&g.c, 0, -1, &f.p) == -EBADF);
	CHECK(*pos_of(f.prod) == 16);			/* published */
	CHECK(ipcchan_ring_wait_kick(&g.c, g.size + 8, -1, &f.p) == -EINVAL);
	fake_fini(&f);
	fake_fini(&g);
}

HOST_TEST(corrupt_header_length_is_reported_and_sticky)
{
	struct ipcchan_ring_rec *rec;
	struct fake_ring f;
	const void *p;
	uint32_t len;
	void *w;

	fake_init(&f, 1, 0);
	CHECK(ipcchan_ring_reserve(&f.p, 16, &w) == 0);
	CHECK(ipcchan_ring_commit(&f.p) == 0);
	rec = (struct ipcchan_ring_rec *)f.data;
	rec->len = 4000;	/* beyond what was published */
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == -EIO);
	rec->len = 16;
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == -EIO);
	CHECK(ipcchan_ring_wait(&f.c, 0, 0) == -EIO);
	fake_fini(&f);
}

HOST_TEST(corrupt_header_flags_are_reported)
{
	struct ipcchan_ring_rec *rec;
	struct fake_ring f;
	const void *p;
	uint32_t len;
	void *w;

	fake_init(&f, 1, 0);
	CHECK(ipcchan_ring_reserve(&f.p, 16, &w) == 0);
	CHECK(ipcchan_ring_commit(&f.p) == 0);
	rec = (struct ipcchan_ring_rec *)f.data;
	rec->flags = 0x4;
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == -EIO);
	fake_fini(&f);
}

HOST_TEST(corrupt_positions_are_reported)
{
	struct fake_ring f;
	const void *p;
	uint32_t len;
	void *w;

	/* Producer position beyond a ring's worth. */
	fake_init(&f, 1, 0);
	*pos_of(f.prod) = 8192;
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == -EIO);
	fake_fini(&f);

	/* Misaligned producer position. */
	fake_init(&f, 1, 0);
	*pos_of(f.prod) = 12;
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == -EIO);
	fake_fini(&f);

	/* Consumer position ahead of the producer's: seen on reload. */
	fake_init(&f, 1, 0);
	for (int i = 0; i < 2; i++)
		CHECK(ipcchan_ring_reserve(&f.p, 1000, &w) == 0);
	CHECK(ipcchan_ring_commit(&f.p) == 0);
	*pos_of(f.cons) = 2024;
	CHECK(ipcchan_ring_busy_wait(&f.p, 0, 0) == -EIO);
	CHECK(ipcchan_ring_reserve(&f.p, 8, &w) == -EIO);
	fake_fini(&f);

	/* Consumer position more than a ring's worth behind. */
	fake_init(&f, 1, 0);
	for (int i = 0; i < 3; i++)
		CHECK(ipcchan_ring_reserve(&f.p, 1000, &w) == 0);
	CHECK(ipcchan_ring_commit(&f.p) == 0);
	*pos_of(f.cons) = (uint32_t)(3024 - 4096 - 8);
	CHECK(ipcchan_ring_reserve(&f.p, 2040, &w) == -EIO);
	fake_fini(&f);

	/* Already inconsistent when attached. */
	fake_init(&f, 1, 0);
	*pos_of(f.prod) = 4;
	ipcchan_ring__attach(&f.c, IPCCHAN_RING_CONSUMER, f.info, f.prod,
			     f.cons, f.data);
	CHECK(ipcchan_ring_peek(&f.c, &p, &len) == -EIO);
	fake_fini(&f);
}

HOST_TEST(busy_wait_reports_peer_gone)
{
	struct fake_ring f;

	fake_init(&f, 1, 0);
	CHECK(ipcchan_ring_busy_wait(&f.c, 0, 0) == -ETIMEDOUT);
	CHECK(ipcchan_ring_busy_wait(&f.c, 0, 1000000) == -ETIMEDOUT);
	f.info->gone = IPCCHAN_RING_PRODUCERS_GONE;
	CHECK(ipcchan_ring_peer_gone(&f.c));
	CHECK(!ipcchan_ring_peer_gone(&f.p));
	CHECK(ipcchan_ring_busy_wait(&f.c, 0, -1) == -EPIPE);
	CHECK(ipcchan_ring_busy_wait(&f.p, 0, -1) == 0);	/* empty ring */
	CHECK(ipcchan_ring_busy_wait(&f.p, 8192, -1) == -EINVAL);
	fake_fini(&f);
}

HOST_TEST(wrong_role_calls_fail)
{
	struct fake_ring f;
	const void *p;
	uint32_t len;
	void *w;

	fake_init(&f, 1, 0);
	CHECK(ipcchan_ring_reserve(&f.c, 8, &w) == -EBADF);
	CHECK(ipcchan_ring_commit(&f.c) == -EBADF);
	CHECK(ipcchan_ring_peek(&f.p, &p, &len) == -EBADF);
	CHECK(ipcchan_ring_release(&f.p) == -EBADF);
	fake_fini(&f);
}
