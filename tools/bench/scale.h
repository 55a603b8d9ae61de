/* SPDX-License-Identifier: GPL-2.0 */
/* ipcbench --scale: mailbox lifecycle, many senders, memory per message. */
#ifndef IPCBENCH_SCALE_H
#define IPCBENCH_SCALE_H

#include <sched.h>
#include <stdio.h>

#define SCALE_NCOUNTS		5	/* 10, 100, 1000, 10000, 100000 mailboxes */
#define SCALE_MAX_SENDERS	8

struct scale_result {
	int reps;
	unsigned int count[SCALE_NCOUNTS];
	double op_ns[SCALE_NCOUNTS][3];	/* create, open, destroy: ns per op */
	int lc_measured;		/* populations measured, from the smallest */
	char lc_skip[200];		/* why the next one was skipped, if so */
	double mq_op_ns[SCALE_NCOUNTS][3];	/* the same for POSIX mq (control) */
	char mq_err[200];		/* why the control was not measured */
	double rate1, rate8;		/* messages/s with 1 and 8 senders */
	double reserved_per_msg;	/* GET_ATTR reserved_bytes / capacity */
	double mem_mbox, mem_mq;	/* memcg bytes per queued message (slope) */
	double mem_mbox_avg, mem_mq_avg;	/* memcg bytes / messages at mem_cap */
	int mem_boxes, mem_cap;
	char mem_err[200];		/* why memory was not measured, if so */
	char err[200];			/* first error, if any */
};

/*
 * Kernel memory as a child memory cgroup sees it (also used by --props):
 * setup moves the process into a fresh cgroup and pins it to @cpu (-1:
 * the current one), settle returns memory.current with this CPU's
 * precharge handed back (-1 on error), teardown undoes setup.
 */
struct memcg {
	char dir[96], flush[96];	/* measured and flushing cgroups */
	char home[300];			/* where the process was */
	cpu_set_t cpus;			/* its affinity before */
};

int memcg_setup(struct memcg *m, int cpu, char *err, size_t elen);
long long memcg_settle(struct memcg *m);
void memcg_teardown(struct memcg *m);

int scale_run(struct scale_result *s, int reps, double warmup, double secs, int cpu);
void scale_table(FILE *f, const struct scale_result *s);
void scale_json(FILE *f, const struct scale_result *s);

#endif
