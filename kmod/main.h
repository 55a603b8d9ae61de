/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module-wide limits. They are module parameters, writable at run time
 * through /sys/module/ipcchan/parameters/, so every reader samples them
 * once with READ_ONCE() and works with that snapshot.
 */
#ifndef _IPCCHAN_MAIN_H
#define _IPCCHAN_MAIN_H

#include <linux/types.h>

/* Longest object name, excluding the NUL; fixed, it sizes kernel buffers. */
#define IPCCHAN_NAME_MAX	255

struct ipcchan_limits {
	u32 mbox_max_msgs;
	u32 mbox_max_msgsize;
	u32 ring_max_pages;
	u32 user_max_objects;
	u64 user_max_bytes;
};

void ipcchan_limits_get(struct ipcchan_limits *lim);

#endif /* _IPCCHAN_MAIN_H */
