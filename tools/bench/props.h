/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipcbench --props: the buffering properties an operating-systems course
 * tabulates per IPC mechanism, measured on the running kernel.
 *
 * props.c holds the probes, props_mech.c one small driver per mechanism,
 * props_out.c the table, JSON and rst output and the parser that reads a
 * committed rst table back. selftests/compare_test.c links the same code,
 * so the table and the test cannot measure two different things.
 */
#ifndef IPCBENCH_PROPS_H
#define IPCBENCH_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define PROPS_NSIZES	3	/* sizes measured at most in one run */
#define PROPS_MAX_SIZE	8192	/* largest message size a probe uses */
extern const size_t props_default_sizes[PROPS_NSIZES];	/* 1, 64, 4096 */

/* The rows. Deterministic rows are those make check compares. */
enum prop_row {
	PR_CAPACITY,		/* messages and bytes held at default settings */
	PR_BOUNDARY,		/* message boundaries kept */
	PR_SHORTREAD,		/* receive buffer shorter than the message */
	PR_ZEROLEN,		/* zero-length messages */
	PR_ORDER,		/* delivery order */
	PR_PRIO,		/* priorities */
	PR_NB_EMPTY,		/* non-blocking receive, empty */
	PR_NB_FULL,		/* non-blocking send, full */
	PR_FULL,		/* blocking send, full */
	PR_TIMED_EMPTY,		/* receive with a timeout, empty */
	PR_TIMED_FULL,		/* send with a timeout, full */
	PR_WAKE,		/* read before a blocked writer wakes */
	PR_WRITER_EXIT,		/* what the reader sees when the writer exits */
	PR_READER_EXIT,		/* what the writer sees when the reader exits */
	PR_OUTLIVES,		/* named object outlives its creator */
	PR_MEMORY,		/* memcg bytes per queued message */
	PR_SYSCALLS,		/* system calls per message, both sides */
	PR_CSW,			/* context switches per message (ipcbench stream) */
	PR_CPU,			/* CPU ns per message (ipcbench stream) */
	PR_COPIES,		/* data copies per message */
	__PR_MAX
};

struct prop_row_info {
	const char *key;	/* JSON key and rst table anchor */
	const char *title;
	bool deterministic;	/* compared by compare_test / make check */
};
extern const struct prop_row_info prop_rows[__PR_MAX];
extern const char props_copies_why[];

/* One channel of one mechanism, as the probes see it. */
struct pchan {
	const struct pmech *m;
	size_t size;		/* message size of this probe */
	int fd[2];		/* [PE_WRITER], [PE_READER]; -1 if none */
	void *priv;		/* the driver's */
	long nsys;		/* system calls the driver made */
};

enum { PE_WRITER, PE_READER };

#define PM_NAMED	0x1	/* has named_create/named_exists */
#define PM_NOQUEUE	0x2	/* the kernel keeps no messages (shared memory) */
#define PM_SINGLE	0x4	/* one per process (signals): no parallel channels */
#define PM_INPLACE	0x8	/* the receiver reads in place: no receive buffer */
#define PM_SIGINFO	0x10	/* the value arrives in a siginfo: no receive buffer */
#define PM_VOLATILE	0x20	/* cells depend on timing: shown, not checked */
#define PM_RENDEZVOUS	0x40	/* a send waits for its receive: nothing queues */

/*
 * A mechanism driver. I/O calls return bytes (>= 0) or -errno; @nb asks
 * for a non-blocking call. recv() returning 0 is a zero-length message
 * while the writer lives and end of file after it is gone.
 */
struct pmech {
	const char *name;
	const char *also;	/* ipcbench mechanisms with the same semantics */
	const char *bench;	/* ipcbench mechanism for CPU and context switches */
	const char *desc;
	unsigned int flags;
	size_t max_size;	/* 0: no limit below 4 KiB */
	long fill_max;		/* messages a capacity probe sends at most; 0: default */
	const char *max_why;	/* why larger messages cannot be carried */
	const char *copies;	/* documented copy count, when not measured */
	int (*available)(char *why, size_t len);
	int (*open)(struct pchan *c, char *why, size_t len);
	ssize_t (*send)(struct pchan *c, const void *buf, size_t len, bool nb);
	ssize_t (*recv)(struct pchan *c, void *buf, size_t cap, bool nb);
	/* optional: priority @prio; -EINVAL beyond the highest */
	ssize_t (*send_prio)(struct pchan *c, const void *buf, size_t len, unsigned int prio);
	/*
	 * optional: the mechanism's own call with a timeout, waiting at most
	 * @ms (mq_timedreceive, SO_RCVTIMEO, ...); without one, the timed
	 * rows say the mechanism has no timed form
	 */
	ssize_t (*recv_timed)(struct pchan *c, void *buf, size_t cap, int ms);
	ssize_t (*send_timed)(struct pchan *c, const void *buf, size_t len, int ms);
	/* optional: what is queued (any unit), to see silent drops */
	long (*queued)(struct pchan *c);
	/* optional: wait (briefly) until @bytes are readable: asynchronous delivery */
	void (*settle)(struct pchan *c, size_t bytes);
	/* after the other end's owner exited: a wait that gets no notice */
	int (*peer_wait)(struct pchan *c, char *out, size_t len);
	void (*close_end)(struct pchan *c, int end);
	void (*destroy)(struct pchan *c);
	int (*named_create)(const char *name);
	int (*named_exists)(const char *name);	/* 1, 0 or -errno */
	void (*named_unlink)(const char *name);
};

extern const struct pmech *const props_mechs[];
const struct pmech *props_find(const char *name);

#define PROP_CELL	112

/* What was measured for one mechanism. */
struct props_result {
	const struct pmech *m;
	int nsizes;
	size_t sizes[PROPS_NSIZES];
	bool skipped;
	char reason[160];
	char cell[__PR_MAX][PROPS_NSIZES][PROP_CELL];
	long long cap_msgs[PROPS_NSIZES], cap_bytes[PROPS_NSIZES];	/* -1: none */
	long long wake_msgs[PROPS_NSIZES];				/* -1: none */
	long prio_levels;						/* -1: none */
};

struct props_opts {
	int nsizes;
	size_t sizes[PROPS_NSIZES];
	bool costs;		/* measure the speed rows (CPU, csw, memory) */
	int cpu;		/* CPU to pin to, -1: the current one */
	bool quiet;
};

const struct mech *bench_mech_find(const char *name);
int props_measure(const struct pmech *m, const struct props_opts *o, struct props_result *r);

/* props_out.c */
struct props_report {
	struct props_result *res;
	size_t nres;
	int nsizes;
	const size_t *sizes;
	const char *kernel;
	const char *version;
	const char *date;
	bool deterministic_only;
};
void props_table(FILE *f, const struct props_report *rp);
void props_json(FILE *f, const struct props_report *rp);
void props_rst(FILE *f, const struct props_report *rp);
int props_main(int argc, char **argv);

/*
 * Read an rst document written by props_rst() back: @fn is called with
 * each cell (row key, mechanism, size index, text). Returns the number of
 * cells, or -1 if the text is not such a document. @size is the
 * message size of the cell's column.
 */
int props_rst_parse(const char *text,
		    void (*fn)(void *arg, const char *row, const char *mech, size_t size,
			       const char *cell),
		    void *arg);

#endif
