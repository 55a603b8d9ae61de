// SPDX-License-Identifier: GPL-2.0
/*
 * ipcbench --scale: how mailboxes behave as their number, their senders
 * and their queues grow.
 *
 *   lifecycle  per-operation cost of creating, opening and destroying N
 *              named mailboxes, N = 10, 100, 1000, 10000: create is
 *              MBOX_OPEN with CREATE|EXCL and close of the fd (the name
 *              keeps the mailbox), open is MBOX_OPEN of the name and close,
 *              destroy is UNLINK (the last reference: the mailbox is
 *              freed). Flat means the cost per operation does not grow
 *              with N.
 *   senders    1 and 8 sender processes write() 64 B messages to one
 *              mailbox; one receiver read()s them. All on the same CPU.
 *              The aggregate is what the receiver gets per second.
 *   memory     kernel memory per queued 64 B message: the reservation per
 *              slot (GET_ATTR reserved_bytes / capacity), and the drop of
 *              MemFree in /proc/meminfo while mailboxes are created and
 *              filled; the same MemFree delta for POSIX mq queues filled
 *              with the same number of messages.
 *
 * Every figure is the median over the repetitions.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "bench.h"
#include "scale.h"
#include "../ipcchan/output.h"

#define SCALE_MSG	64
static const unsigned int lc_counts[SCALE_NCOUNTS] = { 10, 100, 1000, 10000 };

static int dev_fd = -1;

static int pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static int mbox_open(const char *name, __u32 flags, __u32 cap, __u32 msgsize)
{
	struct ipcchan_mbox_open op = {
		.size = sizeof(op),
		.flags = flags,
		.mode = 0600,
		.capacity = cap,
		.msgsize_max = msgsize,
		.name = (__u64)(uintptr_t)name,
		.name_len = name ? (__u32)strlen(name) : 0,
	};

	return ioctl(dev_fd, IPCCHAN_IOC_MBOX_OPEN, &op);
}

static int mbox_unlink(const char *name)
{
	struct ipcchan_unlink u = {
		.size = sizeof(u),
		.type = IPCCHAN_OBJ_MAILBOX,
		.name_len = (__u32)strlen(name),
		.name = (__u64)(uintptr_t)name,
	};

	return ioctl(dev_fd, IPCCHAN_IOC_UNLINK, &u);
}

static void lc_name(char *buf, size_t len, unsigned int i)
{
	snprintf(buf, len, "ipcbench-scale.%d.%u", (int)getpid(), i);
}

/* One lifecycle pass over @n mailboxes: ns per create, open, destroy. */
static int lifecycle(unsigned int n, double ns[3], char *err, size_t elen)
{
	const __u32 rw = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE;
	char name[64];
	uint64_t t0, t1, t2, t3;
	unsigned int i;
	int fd;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		lc_name(name, sizeof(name), i);
		fd = mbox_open(name, rw | IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL, 4, SCALE_MSG);
		if (fd < 0)
			goto fail_create;
		close(fd);
	}
	t1 = now_ns();
	for (i = 0; i < n; i++) {
		lc_name(name, sizeof(name), i);
		fd = mbox_open(name, rw, 0, 0);
		if (fd < 0) {
			snprintf(err, elen, "open %s: %s", name, strerror(errno));
			i = 0;
			goto cleanup_from;
		}
		close(fd);
	}
	t2 = now_ns();
	for (i = 0; i < n; i++) {
		lc_name(name, sizeof(name), i);
		if (mbox_unlink(name) < 0) {
			snprintf(err, elen, "unlink %s: %s", name, strerror(errno));
			goto cleanup_from;
		}
	}
	t3 = now_ns();
	ns[0] = (double)(t1 - t0) / n;
	ns[1] = (double)(t2 - t1) / n;
	ns[2] = (double)(t3 - t2) / n;
	return 0;

fail_create:
	snprintf(err, elen, "create %s: %s", name, strerror(errno));
	n = i;
	i = 0;
cleanup_from:
	for (; i < n; i++) {
		lc_name(name, sizeof(name), i);
		mbox_unlink(name);
	}
	return -1;
}

/*
 * @nsend processes write() to one mailbox as fast as they can; the parent
 * reads for @secs after a warm-up and returns messages/s.
 */
static double senders(int nsend, int cpu, double warmup, double secs, char *err, size_t elen)
{
	pid_t pids[SCALE_MAX_SENDERS];
	char buf[SCALE_MSG] = { 0 };
	uint64_t t_end, t0, n = 0;
	int fd, i, status;
	double rate = -1;

	fd = mbox_open(NULL, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE, 4096, SCALE_MSG);
	if (fd < 0) {
		snprintf(err, elen, "MBOX_OPEN: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	for (i = 0; i < nsend; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			uint64_t seq = 0;

			pin_cpu(cpu);
			for (;;) {
				memcpy(buf, &seq, sizeof(seq));
				seq++;
				if (write(fd, buf, sizeof(buf)) != sizeof(buf))
					_exit(errno == EPIPE ? 0 : 1);
			}
		}
		if (pids[i] < 0) {
			snprintf(err, elen, "fork: %s", strerror(errno));
			nsend = i;
			goto out;
		}
	}
	t_end = now_ns() + (uint64_t)(warmup * 1e9);
	while (now_ns() < t_end)
		if (read(fd, buf, sizeof(buf)) != sizeof(buf))
			goto rfail;
	t0 = now_ns();
	t_end = t0 + (uint64_t)(secs * 1e9);
	do {
		if (read(fd, buf, sizeof(buf)) != sizeof(buf))
			goto rfail;
		n++;
	} while (now_ns() < t_end);
	rate = (double)n / ((double)(now_ns() - t0) / 1e9);
	goto out;
rfail:
	snprintf(err, elen, "read: %s", strerror(errno));
out:
	for (i = 0; i < nsend; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < nsend; i++)
		waitpid(pids[i], &status, 0);
	close(fd);
	return rate;
}

static long memfree_kb(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

#define MEM_BOXES	16
#define MEM_CAP_LO	512
#define MEM_CAP		4096

/*
 * MemFree drop, in bytes, while MEM_BOXES mailboxes of @cap 64 B slots
 * are created and filled; *@reserved gets reserved_bytes / capacity.
 */
static double mem_mbox(unsigned int cap, double *reserved, char *err, size_t elen)
{
	char buf[SCALE_MSG] = { 0 };
	int fds[MEM_BOXES], i, nfd = 0;
	struct ipcchan_mbox_attr a;
	long before, after;
	unsigned int j;
	double r = -1;

	before = memfree_kb();
	for (i = 0; i < MEM_BOXES; i++, nfd++) {
		fds[i] = mbox_open(NULL, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE, cap, SCALE_MSG);
		if (fds[i] < 0) {
			snprintf(err, elen, "MBOX_OPEN(capacity %u): %s", cap, strerror(errno));
			goto out;
		}
		for (j = 0; j < cap; j++)
			if (write(fds[i], buf, sizeof(buf)) != sizeof(buf)) {
				snprintf(err, elen, "write: %s", strerror(errno));
				nfd++;
				goto out;
			}
	}
	after = memfree_kb();
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	if (ioctl(fds[0], IPCCHAN_IOC_MBOX_GET_ATTR, &a) < 0) {
		snprintf(err, elen, "GET_ATTR: %s", strerror(errno));
		goto out;
	}
	*reserved = (double)a.reserved_bytes / cap;
	r = (double)(before - after) * 1024;
out:
	for (i = 0; i < nfd; i++)
		close(fds[i]);
	return r;
}

/* The same for POSIX mq: MEM_BOXES queues of @cap 64 B messages. */
static double mem_mq(unsigned int cap, char *err, size_t elen)
{
	struct mq_attr attr = { .mq_maxmsg = cap, .mq_msgsize = SCALE_MSG };
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	char buf[SCALE_MSG] = { 0 }, name[64];
	mqd_t q[MEM_BOXES];
	int i, nq = 0;
	long before, after;
	unsigned int j;
	double r = -1;

	/* Root may lift the byte limit; mq_maxmsg above msg_max needs CAP_SYS_RESOURCE. */
	setrlimit(RLIMIT_MSGQUEUE, &rl);
	before = memfree_kb();
	for (i = 0; i < MEM_BOXES; i++) {
		snprintf(name, sizeof(name), "/ipcbench-scale.%d.%d", (int)getpid(), i);
		q[i] = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
		if (q[i] == (mqd_t)-1) {
			snprintf(err, elen, "mq_open(maxmsg %u): %s", cap, strerror(errno));
			goto out;
		}
		mq_unlink(name);
		nq++;
		for (j = 0; j < cap; j++)
			if (mq_send(q[i], buf, sizeof(buf), 0) < 0) {
				snprintf(err, elen, "mq_send: %s", strerror(errno));
				goto out;
			}
	}
	after = memfree_kb();
	r = (double)(before - after) * 1024;
out:
	for (i = 0; i < nq; i++)
		mq_close(q[i]);
	return r;
}

/*
 * Per queued message: the slope between queues of MEM_CAP_LO and MEM_CAP
 * messages, so fixed costs (the mailbox, the queue's inode) cancel out;
 * and the plain average at MEM_CAP.
 */
static int mem_per_msg(struct scale_result *s, double *mb_slope, double *mq_slope)
{
	double lo, hi, qlo, qhi, res_lo;
	const double dn = (double)MEM_BOXES * (MEM_CAP - MEM_CAP_LO);

	lo = mem_mbox(MEM_CAP_LO, &res_lo, s->err, sizeof(s->err));
	hi = mem_mbox(MEM_CAP, &s->reserved_per_msg, s->err, sizeof(s->err));
	qlo = mem_mq(MEM_CAP_LO, s->err, sizeof(s->err));
	qhi = mem_mq(MEM_CAP, s->err, sizeof(s->err));
	if (lo < 0 || hi < 0 || qlo < 0 || qhi < 0)
		return -1;
	*mb_slope = (hi - lo) / dn;
	*mq_slope = (qhi - qlo) / dn;
	s->mem_mbox_avg = hi / (MEM_BOXES * MEM_CAP);
	s->mem_mq_avg = qhi / (MEM_BOXES * MEM_CAP);
	return 0;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double med(double *v, int n)
{
	if (n <= 0)
		return -1;
	qsort(v, (size_t)n, sizeof(*v), dcmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int scale_run(struct scale_result *s, int reps, double warmup, double secs, int cpu)
{
	double v[SCALE_NCOUNTS][3][MAX_REPS], r1[MAX_REPS], r8[MAX_REPS];
	double mm[MAX_REPS], mq[MAX_REPS], ns[3];
	int rep, c, k, n1 = 0, n8 = 0, nm = 0, nq = 0, nl = 0;
	double x;

	memset(s, 0, sizeof(*s));
	s->reps = reps;
	dev_fd = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0) {
		snprintf(s->err, sizeof(s->err), "no %s (%s): module not loaded",
			 IPCCHAN_DEVICE_PATH, strerror(errno));
		return -1;
	}
	if (pin_cpu(cpu) < 0)
		snprintf(s->err, sizeof(s->err), "sched_setaffinity(%d): %s", cpu,
			 strerror(errno));
	for (rep = 0; rep < reps; rep++) {
		for (c = 0; c < SCALE_NCOUNTS; c++) {
			if (lifecycle(lc_counts[c], ns, s->err, sizeof(s->err)) < 0)
				goto out;
			for (k = 0; k < 3; k++)
				v[c][k][nl] = ns[k];
		}
		nl++;
		x = senders(1, cpu, warmup, secs, s->err, sizeof(s->err));
		if (x > 0)
			r1[n1++] = x;
		x = senders(SCALE_MAX_SENDERS, cpu, warmup, secs, s->err, sizeof(s->err));
		if (x > 0)
			r8[n8++] = x;
		if (mem_per_msg(s, &mm[nm], &mq[nq]) == 0)
			nm++, nq++;
	}
out:
	for (c = 0; c < SCALE_NCOUNTS; c++) {
		s->count[c] = lc_counts[c];
		for (k = 0; k < 3; k++)
			s->op_ns[c][k] = med(v[c][k], nl);
	}
	s->rate1 = med(r1, n1);
	s->rate8 = med(r8, n8);
	s->mem_mbox = med(mm, nm);
	s->mem_mq = med(mq, nq);
	s->mem_boxes = MEM_BOXES;
	s->mem_cap = MEM_CAP;
	close(dev_fd);
	return nl == reps && n1 == reps && n8 == reps && nm == reps ? 0 : -1;
}

static const char *const op_names[3] = { "create", "open", "destroy" };

void scale_table(FILE *f, const struct scale_result *s)
{
	int c, k;

	fprintf(f, "\nScale (median of %d repetitions)\n\n", s->reps);
	fprintf(f, "Mailbox lifecycle, us per operation, by number of mailboxes:\n");
	fprintf(f, "%-10s", "op");
	for (c = 0; c < SCALE_NCOUNTS; c++)
		fprintf(f, " %10u", s->count[c]);
	fprintf(f, "  %s\n", "x (10000 / 10)");
	for (k = 0; k < 3; k++) {
		fprintf(f, "%-10s", op_names[k]);
		for (c = 0; c < SCALE_NCOUNTS; c++)
			fprintf(f, " %10.2f", s->op_ns[c][k] / 1e3);
		fprintf(f, "  %.2f\n", s->op_ns[SCALE_NCOUNTS - 1][k] / s->op_ns[0][k]);
	}
	fprintf(f, "\nSenders on one mailbox (64 B write(), one read() receiver, same CPU):\n");
	fprintf(f, "  1 sender   %10.0f msgs/s\n", s->rate1);
	fprintf(f, "  %d senders  %10.0f msgs/s   x %.2f of one sender (target >= 0.7)\n",
		SCALE_MAX_SENDERS, s->rate8, s->rate8 / s->rate1);
	fprintf(f, "\nKernel memory per queued 64 B message (MemFree drop, %d queues of %d\n"
		"and of %d messages; per message = slope between them, avg = at %d):\n",
		s->mem_boxes, MEM_CAP_LO, s->mem_cap, s->mem_cap);
	fprintf(f, "  mailbox reservation   %6.1f B  (GET_ATTR reserved_bytes / capacity)\n",
		s->reserved_per_msg);
	fprintf(f, "  mailbox               %6.1f B  avg %6.1f B  (target <= 96)\n",
		s->mem_mbox, s->mem_mbox_avg);
	fprintf(f, "  posix-mq              %6.1f B  avg %6.1f B\n", s->mem_mq, s->mem_mq_avg);
	if (s->err[0])
		fprintf(f, "  error: %s\n", s->err);
}

void scale_json(FILE *f, const struct scale_result *s)
{
	int c;

	fprintf(f, "{\"reps\": %d, \"lifecycle\": [", s->reps);
	for (c = 0; c < SCALE_NCOUNTS; c++)
		fprintf(f, "%s{\"mailboxes\": %u, \"create_ns\": %.1f, \"open_ns\": %.1f, "
			"\"destroy_ns\": %.1f}", c ? ", " : "", s->count[c], s->op_ns[c][0],
			s->op_ns[c][1], s->op_ns[c][2]);
	fprintf(f, "], \"senders\": {\"msg_size\": %d, \"rate_1\": %.1f, \"rate_%d\": %.1f, "
		"\"ratio\": %.4f}, ", SCALE_MSG, s->rate1, SCALE_MAX_SENDERS, s->rate8,
		s->rate8 / s->rate1);
	fprintf(f, "\"memory\": {\"msg_size\": %d, \"queues\": %d, \"msgs_per_queue\": %d, "
		"\"mbox_reserved_per_msg\": %.1f, \"mbox_memfree_per_msg\": %.1f, "
		"\"mq_memfree_per_msg\": %.1f, \"mbox_memfree_avg\": %.1f, "
		"\"mq_memfree_avg\": %.1f}, \"error\": ", SCALE_MSG, s->mem_boxes,
		s->mem_cap, s->reserved_per_msg, s->mem_mbox, s->mem_mq, s->mem_mbox_avg,
		s->mem_mq_avg);
	json_print_string(f, s->err);
	fprintf(f, "}\n");
}
