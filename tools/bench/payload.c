// SPDX-License-Identifier: GPL-2.0
/* Self-verifying benchmark messages: see payload.h. */
#include <string.h>

#include "payload.h"

static const char *const msg_errs[] = {
	[MSG_OK] = "ok",
	[MSG_E_SHORT] = "message too short",
	[MSG_E_MAGIC] = "bad magic",
	[MSG_E_LEN] = "length differs from header",
	[MSG_E_SEQ] = "unexpected sequence number",
	[MSG_E_STAMP] = "body stamp differs from sequence number (torn message)",
	[MSG_E_CSUM] = "checksum mismatch (corrupted body)",
};

const char *msg_strerror(enum msg_err e)
{
	return (unsigned)e < sizeof(msg_errs) / sizeof(msg_errs[0]) ? msg_errs[e] : "?";
}

static uint64_t stamp_word(uint64_t seq, uint32_t salt)
{
	return seq ^ ((uint64_t)salt << 32 | 0x5eedu);
}

/*
 * Sums over the body seen as little-endian 64-bit words w_0..w_{k-1}, the
 * last one zero-padded:  a = sum(w_i),  b = sum((k - i) * w_i)  (mod 2^64).
 * b makes the sum depend on position, so swapped words are caught.
 */
static void csum_parts(const unsigned char *p, size_t len, uint64_t *pa, uint64_t *pb)
{
	uint64_t a = 0, b = 0, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		a += w;
		b += a;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, p + i, len - i);
		a += w;
		b += a;
	}
	*pa = a;
	*pb = b;
}

static uint64_t csum_fold(uint64_t a, uint64_t b)
{
	return a ^ (b << 29 | b >> 35);
}

uint64_t msg_csum(const void *body, size_t len)
{
	uint64_t a, b;

	csum_parts(body, len, &a, &b);
	return csum_fold(a, b);
}

/* Stamps sit at body offsets 0, 512, 1024, ... where a whole word fits. */
#define for_each_stamp(off, blen) \
	for ((off) = 0; (off) + 8 <= (blen); (off) += MSG_STAMP_STRIDE)

void msg_tmpl_init(struct msg_tmpl *t, void *buf, size_t len, uint32_t salt)
{
	unsigned char *p = buf, *body = p + MSG_HDR_LEN;
	size_t blen = len - MSG_HDR_LEN, words = (blen + 7) / 8, off, i;
	uint64_t x = 0x9e3779b97f4a7c15ull ^ salt;

	t->buf = buf;
	t->len = len;
	t->salt = salt;
	for (i = 0; i < blen; i++) {
		/* xorshift64 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		body[i] = (unsigned char)x;
	}
	t->coef_a = t->coef_b = 0;
	for_each_stamp(off, blen) {
		memset(body + off, 0, 8);
		t->coef_a += 1;
		t->coef_b += words - off / 8;
	}
	csum_parts(body, blen, &t->base_a, &t->base_b);
	memset(p, 0, MSG_HDR_LEN);
}

void msg_stamp(struct msg_tmpl *t, uint64_t seq, uint32_t flags)
{
	unsigned char *body = t->buf + MSG_HDR_LEN;
	size_t blen = t->len - MSG_HDR_LEN, off;
	uint64_t s = stamp_word(seq, t->salt);
	struct msg_hdr h = {
		.magic = MSG_MAGIC,
		.flags = flags,
		.seq = seq,
		.len = (uint32_t)t->len,
		.stamp_salt = t->salt,
		.csum = csum_fold(t->base_a + t->coef_a * s, t->base_b + t->coef_b * s),
	};

	for_each_stamp(off, blen)
		memcpy(body + off, &s, 8);
	memcpy(t->buf, &h, sizeof(h));
}

enum msg_err msg_verify(const void *buf, size_t len, uint64_t seq, uint32_t *flags)
{
	const unsigned char *body = (const unsigned char *)buf + MSG_HDR_LEN;
	struct msg_hdr h;
	size_t blen, off;
	uint64_t s, w;

	if (len < MSG_HDR_LEN)
		return MSG_E_SHORT;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != MSG_MAGIC)
		return MSG_E_MAGIC;
	if (h.len != len)
		return h.len > len ? MSG_E_SHORT : MSG_E_LEN;
	if (h.seq != seq)
		return MSG_E_SEQ;
	/*
	 * The header checks out: its flags count even if the body is damaged,
	 * so a damaged LAST message still ends the run (with the damage
	 * reported) instead of leaving the receiver waiting for the watchdog.
	 */
	if (flags)
		*flags = h.flags;
	blen = len - MSG_HDR_LEN;
	s = stamp_word(seq, h.stamp_salt);
	for_each_stamp(off, blen) {
		memcpy(&w, body + off, 8);
		if (w != s)
			return MSG_E_STAMP;
	}
	if (msg_csum(body, blen) != h.csum)
		return MSG_E_CSUM;
	return MSG_OK;
}
