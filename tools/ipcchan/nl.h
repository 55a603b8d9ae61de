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

#define NL_STATS_MAX	48

/*
 * A type statistic or attribute from the IPCCHAN_A_OBJ_MBOX_STATS or
 * _RING_STATS nest: name as in the spec ("producer-page.records" for the
 * nested page counters), value.
 */
struct nl_stat {
	const char *name;
	uint64_t value;
};

/* An object as OBJ_GET or an event reports it. */
struct nl_obj {
	uint32_t id;
	uint32_t type;
	bool has_name, named;
	char name[256];
	uint32_t mode;
	bool has_owner;		/* uid, gid, pid sent (privileged or own) */
	uint32_t uid, gid, pid;
	uint64_t created_ns;
	uint64_t charged;
	unsigned int nstats;
	struct nl_stat stats[NL_STATS_MAX];
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

const char *ipcnl_obj_type_name(uint32_t type);
const char *ipcnl_event_name(uint32_t type);

#endif
