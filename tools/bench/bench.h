/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipcbench internals: the mechanism interface, one run's configuration
 * and results, and the pieces main() ties together.
 *
 * A run forks two processes, pins them, and moves self-verifying messages
 * (payload.h) between them through one mechanism:
 *
 *   ping-pong:  parent --dir 0--> child --dir 1--> parent, each round trip
 *               timed by the parent
 *   stream:     parent (producer) --dir 0--> child (consumer), timed by
 *               the consumer from the first measured message to the last
 */
#ifndef IPCBENCH_BENCH_H
#define IPCBENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "stats.h"

/*
 * Buffers handed to send() and recv() have this many writable bytes in
 * front of them, so a mechanism whose call wants a prefix (SysV msg's
 * mtype) builds it in place instead of copying the payload.
 */
#define BENCH_HEADROOM	64

enum bench_mode { MODE_PINGPONG, MODE_STREAM, __MODE_MAX };
enum bench_pin { PIN_SAME, PIN_CROSS, PIN_NONE, __PIN_MAX };

/* Mechanism flags. */
#define MECH_STREAM_ONLY 0x1	/* batching: no meaning for one-at-a-time ping-pong */
#define MECH_BUSYPOLL	0x2	/* waits by spinning: look at its CPU time */
#define MECH_INPROC	0x4	/* no second process: run_rep runs it in one (null) */

struct chan;

struct chan_cfg {
	size_t size;		/* effective message size, from max_size() */
	int ndirs;		/* 2 for ping-pong, 1 for streaming */
	enum bench_mode mode;
};

/*
 * One mechanism. Every function returns 0 or a negative errno (or -1 with
 * errno set, for the I/O calls), and fills @why on failure where it takes
 * one.
 *
 * @available:	0 if it can run here, else a reason in @why (the mechanism
 *		is then skipped, not failed).
 * @max_size:	the message size actually used when @want is asked for
 *		(mechanisms with a cap report it: "effective message size").
 * @setup:	create the channel before fork; both processes inherit it.
 * @attach:	after fork, in each process (@role 0 = parent, 1 = child):
 *		drop what that side does not use.
 * @send:	send one message of @len bytes on direction @dir.
 * @recv:	receive one message on @dir; *@msg points at it afterwards,
 *		either in @buf (copying mechanisms) or in the mechanism's
 *		own memory (zero-copy), valid until @release. Returns its
 *		length, 0 on end of file, -1 on error.
 * @release:	optional: done with the message @recv returned.
 * @flush:	optional: push out messages a batching @send still holds.
 * @teardown:	in each process at the end; @role as for attach.
 * @poll_fd:	optional: the descriptor the receiver of @dir polls for
 *		POLLIN, one message readable per readiness (ipcbench --epoll).
 */
struct mech {
	const char *name;
	const char *desc;
	unsigned int flags;
	int (*available)(char *why, size_t len);
	size_t (*max_size)(size_t want);
	int (*setup)(struct chan **c, const struct chan_cfg *cfg, char *why, size_t len);
	int (*attach)(struct chan *c, int role);
	int (*send)(struct chan *c, int dir, void *buf, size_t len);
	ssize_t (*recv)(struct chan *c, int dir, void *buf, size_t cap, const void **msg);
	void (*release)(struct chan *c, int dir);
	int (*flush)(struct chan *c, int dir);
	void (*teardown)(struct chan *c, int role);
	int (*poll_fd)(struct chan *c, int dir);
};

extern const struct mech *const native_mechs[];
extern const struct mech *const shm_mechs[];
extern const struct mech *const ipcchan_mechs[];
extern const struct mech *const ring_mechs[];
extern const struct mech *const null_mechs[];

/* Parameters of one run. */
struct run_cfg {
	const struct mech *mech;
	enum bench_mode mode;
	enum bench_pin pin;
	size_t size;		/* effective size */
	double warmup_s, measure_s;
	int cpu[2];		/* parent, child; -1 = unpinned */
	uint64_t corrupt_every;	/* test hook: corrupt every Nth message, 0 = never */
};

/* What one repetition measured. */
struct rep_result {
	/* ping-pong */
	struct lat_summary lat;
	/* stream */
	double msgs_per_s, mb_per_s;
	/* both: CPU time of both processes per message (or round trip) */
	double cpu_ns_per_msg;
	double cpu_util;	/* CPU seconds / wall seconds, both processes */
	/* both: context switches of both processes per message (or round trip) */
	double csw_per_msg;
	uint64_t verified, errors;
	char err[160];		/* first error, if any */
};

int run_rep(const struct run_cfg *cfg, struct rep_result *res);

/* All repetitions of one mechanism at one mode, pinning and size. */
#define MAX_REPS 32
struct result {
	const struct mech *mech;
	enum bench_mode mode;
	enum bench_pin pin;
	size_t req_size, eff_size;
	bool skipped;		/* not run here: see reason */
	int failed;		/* repetitions that failed */
	char reason[200];	/* why skipped, or the first failure */
	int nreps;
	struct rep_result reps[MAX_REPS];
	/* Over the successful repetitions (report.c: result_summarise). */
	struct rep_summary p50, p99, p999, max, rate, mbps, cpu, util, csw;
	double n;		/* median samples (round trips or messages) per rep */
	uint64_t verified, errors;
	double ratio, ratio_mbps;	/* against the baseline; NAN if none */
	/*
	 * Streaming: the null mechanism's rate over this one's, from the same
	 * group (1 is the floor, 2 costs twice the floor); NAN if none.
	 */
	double floor_x;
};

struct report {
	const struct bench_env *env;
	struct result *res;
	size_t nres;
	const char *baseline;
	const char *argv;	/* the command line, for the record */
	int reps;
	double warmup_s, measure_s;
};

void result_summarise(struct result *r);
void report_ratios(struct report *rp);
void report_table(FILE *f, const struct report *rp);
void report_csv(FILE *f, const struct report *rp);
void report_json(FILE *f, const struct report *rp);
void report_json_num(FILE *f, const char *key, double v);
void report_json_summary(FILE *f, const char *key, const struct rep_summary *s);

/* env.c */
struct bench_env {
	char kernel[320], cpu_model[128], hv_vendor[16], dmi[128], clocksource[32];
	int ncpus;
	bool hypervisor, tcg;
	double clock_ns;	/* cost of one clock_gettime(CLOCK_MONOTONIC) */
	char topo[2][160];	/* topology of the two benchmark CPUs */
};
void env_probe(struct bench_env *e, const int cpu[2]);
void env_print(FILE *f, const struct bench_env *e);
void env_json(FILE *f, const struct bench_env *e);
extern const char tcg_warning[];
int bench_default_cpus(int cpu[2]);
int proc_scan(const char *path, const char *fmt, void *val);

/*
 * mech_ipcchan.c: the loaded module's IPCCHAN_IOC_GET_INFO into @info;
 * 0, or -1 with the reason in @why (no module, or the ioctl's error).
 */
struct ipcchan_info;
int bench_get_info(struct ipcchan_info *info, char *why, size_t len);

/*
 * mech_ipcchan.c: 0 if the loaded module has @feat (an IPCCHAN_FEAT_*
 * mask), else -1 with the reason in @why, naming @what ("rings") and the
 * flag.
 */
int bench_feature_check(uint64_t feat, const char *name, const char *what,
			char *why, size_t len);
#define bench_feature_available(feat, what, why, len) \
	bench_feature_check(feat, #feat, what, why, len)

/* epoll.c: ipcbench --epoll, with its own options. */
int epoll_main(int argc, char **argv);

/* Misc helpers (runner.c). */
uint64_t now_ns(void);
/* Record a measured interval for profiling, if IPCBENCH_WINDOWS is set. */
void bench_window(const char *mech, const char *what, size_t n, uint64_t t0,
		  uint64_t t1, uint64_t msgs);
int bench_pin_cpu(int cpu);
/* Context switches of this process so far, voluntary and involuntary. */
uint64_t bench_csw(void);
int for_each_word(const char *arg, int (*fn)(void *ctx, const char *w), void *ctx);
int parse_cpus_opt(const char *arg, int cpu[2]);
int parse_reps_opt(const char *arg, int *reps);
int parse_time_opt(const char *arg, double *v, bool positive);
int read_sysctl_ul(const char *path, unsigned long *v);
const char *mode_name(enum bench_mode m);
const char *pin_name(enum bench_pin p);

#endif
