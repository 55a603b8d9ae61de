/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Self-verifying benchmark messages.
 *
 *   0          8          16        24        32                  len
 *   | magic,   | seq      | len,    | csum    | body: pseudo-random bytes,
 *   | flags    |          | stamp   |         | one seq stamp per 512 B
 *
 * Every message carries its sequence number in the header and in a stamp
 * word every 512 bytes of the body, and a checksum over the whole body.
 * The receiver checks all of them, so a lost, duplicated, reordered, torn
 * (mixing two messages) or corrupted message is counted as an error.
 *
 * The sender fills the body once; per message it only rewrites the
 * header and the stamps, and derives the checksum from a precomputed base
 * (the checksum is linear in the stamp value). The receiver recomputes the
 * checksum over every byte.
 */
#ifndef IPCBENCH_PAYLOAD_H
#define IPCBENCH_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#define MSG_MAGIC	0x49504342u	/* "IPCB" */
#define MSG_HDR_LEN	32
#define MSG_MIN_LEN	MSG_HDR_LEN
#define MSG_STAMP_STRIDE 512

/* Header flags. */
#define MSG_F_WARMUP	0x1	/* warm-up traffic, not measured */
#define MSG_F_LAST	0x2	/* last message of the run */

struct msg_hdr {
	uint32_t magic;
	uint32_t flags;
	uint64_t seq;
	uint32_t len;
	uint32_t stamp_salt;
	uint64_t csum;
};

/* A sender's template: the body filled once, and the checksum pieces. */
struct msg_tmpl {
	unsigned char *buf;	/* len bytes, caller-owned */
	size_t len;
	uint32_t salt;
	uint64_t base_a, base_b;	/* checksum sums with all stamps 0 */
	uint64_t coef_a, coef_b;	/* their change per unit of stamp */
};

enum msg_err {
	MSG_OK = 0,
	MSG_E_SHORT,	/* shorter than the header or than header.len */
	MSG_E_MAGIC,
	MSG_E_LEN,	/* header.len differs from the received length */
	MSG_E_SEQ,	/* not the expected sequence number */
	MSG_E_STAMP,	/* a body stamp differs from the header's seq */
	MSG_E_CSUM,
};

const char *msg_strerror(enum msg_err e);

/* Fill @t->buf (@len bytes) with pseudo-random bytes seeded by @salt. */
void msg_tmpl_init(struct msg_tmpl *t, void *buf, size_t len, uint32_t salt);
/* Stamp @t->buf as message @seq with @flags, ready to send. */
void msg_stamp(struct msg_tmpl *t, uint64_t seq, uint32_t flags);
/* Checksum of @len body bytes (a Fletcher-style pair folded to 64 bits). */
uint64_t msg_csum(const void *body, size_t len);
/*
 * Verify @len received bytes at @buf as message @seq. Once its header
 * (magic, length, sequence) checks out, store its flags in *@flags (may
 * be NULL), even if the body then fails: a damaged LAST still ends a run.
 */
enum msg_err msg_verify(const void *buf, size_t len, uint64_t seq, uint32_t *flags);

#endif
