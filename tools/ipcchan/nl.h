/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CLI's boundary with the generic netlink family "ipcchan" (libnl-genl-3).
 * No subcommand opens a netlink socket or parses an attribute by itself.
 */
#ifndef IPCCHAN_NL_H
#define IPCCHAN_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/ipcchan.h>

/*
 * An object as OBJ_GET or an event reports it, or as the CLI assembles it
 * from a mailbox's or ring's ioctls (mbox stat, ring stat). A has_ flag
 * or bit is clear for what the source did not report: the printer
 * (objprint.h) writes JSON null for it, so every object of a type has the
 * same keys whatever its source.
 *
 * The statistics nests are kept by attribute type: mbox[IPCCHAN_A_MBOX_*]
 * with bit 1 << type of mbox_has set when sent, likewise ring[] and
 * page[0] (producer page), page[1] (consumer page).
 */
struct nl_obj {
	uint32_t id;
	uint32_t type;
	bool has_name, named;
	char name[256];
	bool has_mode;
	uint32_t mode;
	bool has_owner;		/* uid and gid sent (privileged or own) */
	uint32_t uid, gid;
	bool has_pid;
	uint32_t pid;
	bool has_created;
	uint64_t created_ns;
	bool has_charged;
	uint64_t charged;
	bool has_mbox, has_ring;	/* the nest was sent */
	uint64_t mbox_has, ring_has, page_has[2];
	uint64_t mbox[IPCCHAN_A_MBOX_MAX + 1];
	uint64_t ring[IPCCHAN_A_RING_MAX + 1];
	uint64_t page[2][IPCCHAN_A_RING_PAGE_MAX + 1];
	unsigned int nhist;	/* mailboxes: residence-time buckets */
	uint64_t hist[IPCCHAN_MBOX_HIST_BUCKETS];
};

struct nl_event {
	uint64_t seq;
	uint32_t type;		/* enum ipcchan_event */
	struct nl_obj obj;
	bool has_count, has_role, has_depth, has_pid;
	uint64_t count;
	uint32_t role, depth, pid;
};

struct nl_limits {
	uint32_t name_max, mbox_max_msgs, mbox_max_msgsize, ring_max_pages;
	uint32_t user_max_objects;
	uint64_t user_max_bytes;
	uint32_t uid, user_objects;
	uint64_t user_bytes;
};

struct ipcchan_nl;

/* Connect and resolve the family; on failure print why and return NULL. */
struct ipcchan_nl *ipcnl_open(void);
void ipcnl_close(struct ipcchan_nl *nl);

/*
 * Dump every object (of @type, or all for 0) into a malloc()ed array.
 * Retries a dump the kernel marked interrupted (objects came or went) a
 * few times. Returns the count, or -1 with a message printed.
 */
int ipcnl_obj_dump(struct ipcchan_nl *nl, uint32_t type, struct nl_obj **objs);
/* One object by id; returns 0, or -1 with a message printed (ENOENT: errno). */
int ipcnl_obj_get(struct ipcchan_nl *nl, uint32_t id, struct nl_obj *obj);
int ipcnl_limits_get(struct ipcchan_nl *nl, struct nl_limits *lim);

/*
 * Join the monitor group, or monitor-admin (with owners and pids) when
 * @admin; returns 0 or -1 with a message printed.
 */
int ipcnl_monitor_join(struct ipcchan_nl *nl, bool admin);
int ipcnl_fd(struct ipcchan_nl *nl);
/*
 * Receive what is queued (blocking until something is) and call @fn for
 * each event. Returns 0, 1 when the socket overran (ENOBUFS: events were
 * lost), or -1 with a message printed.
 */
int ipcnl_monitor_recv(struct ipcchan_nl *nl,
		    void (*fn)(const struct nl_event *ev, void *arg),
		    void *arg);


#endif
