/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libipcchan internals: the ring handle, and the attach step that the
 * host unit tests drive with ordinary memory instead of a kernel ring.
 */
#ifndef IPCCHAN_LIB_RING_INTERNAL_H
#define IPCCHAN_LIB_RING_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ipcchan.h"

struct ipcchan_ring {
	int fd;
	uint32_t role;
	uint32_t size;
	uint32_t mask;
	uint32_t max_record;
	int kernel_producer;
	int own_page;		/* we may write our control page */
	int corrupt;		/* sticky: shared memory was inconsistent */

	const struct ipcchan_ring_info_page *info;
	unsigned char *data;
	uint32_t *my_pos;
	uint32_t *my_waiting;
	struct ipcchan_ring_ctrl_stats *my_stats;
	const uint32_t *peer_pos;
	const uint32_t *peer_waiting;

	/*
	 * Producer: @local is where the next reservation goes, @published
	 * the position the consumer sees, @cached_peer the consumer position
	 * last loaded. Consumer: @local is where the next peek reads,
	 * @published what the producer sees, @cached_peer the producer
	 * position last loaded.
	 */
	uint32_t local;
	uint32_t published;
	uint32_t cached_peer;
	uint64_t pending_records;
	uint64_t pending_bytes;
	struct ipcchan_ring_rec *last_rec;

	void *map[4];
	size_t map_len[4];
};

/*
 * Set up @r (zeroed, fd filled in) over already mapped regions. @data
 * must show the data area twice in a row. Always returns 0; a ring whose
 * positions are already inconsistent is marked corrupt.
 */
int ipcchan_ring__attach(struct ipcchan_ring *r, uint32_t role,
			 const struct ipcchan_ring_info_page *info,
			 void *prod, void *cons, void *data);

/* IPCCHAN_IOC_UNLINK of a @type object; for ring.c and mailbox.c. */
int ipcchan__unlink(int dev, uint32_t type, const char *name);

#endif /* IPCCHAN_LIB_RING_INTERNAL_H */
