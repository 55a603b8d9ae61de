// SPDX-License-Identifier: GPL-2.0
/*
 * ipcbench --scale: how mailboxes behave as their number, their senders
 * and their queues grow.
 *
 *   lifecycle  per-operation cost of creating, opening and destroying N
 *              named mailboxes, N = 10, 100, 1000, 10000, 100000: create
 *              is MBOX_OPEN with CREATE|EXCL and close of the fd (the name
 *              keeps the mailbox), open is MBOX_OPEN of the name and close,
 *              destroy is UNLINK (the last reference: the mailbox is
 *              freed). Flat means the cost per operation does not grow
 *              with N. Populations under 2000 repeat the pass until 2000
 *              operations of each kind were timed. A population the
 *              per-user limits or the free memory cannot hold is skipped,
 *              with the larger ones, and the reason (lc_fits()). POSIX mq
 *              does the same as a control (mq_open O_CREAT|O_EXCL and
 *              mq_close, mq_open and mq_close, mq_unlink): its names are
 *              in the dcache, whose hash does not grow with them, so what
 *              grows for both is the machine (caches, TLB), not a table.
 *   senders    1 and 8 sender processes write() 64 B messages to one
 *              mailbox; one receiver read()s them. All on the same CPU.
 *              The aggregate is what the receiver gets per second.
 *   memory     kernel memory per queued 64 B message: the reservation per
 *              slot (GET_ATTR reserved_bytes / capacity), and what the
 *              memory cgroup is charged (memory.current of a child
 *              cgroup2 group the process moves into) while mailboxes are
 *              created and filled; the same for POSIX mq queues filled
 *              with the same number of messages. Without a usable cgroup2
 *              memory controller these figures are left out, with the
 *              reason.
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
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/ipcchan.h>

#include "bench.h"
#include "scale.h"
#include "../ipcchan/output.h"

#define SCALE_MSG	64
/* Operations of each kind timed per population, at least. */
#define SCALE_LC_MIN_OPS 2000
static const unsigned int lc_counts[SCALE_NCOUNTS] = { 10, 100, 1000, 10000, 100000 };
/* The lifecycle goal: the cost at the largest population over that at 10. */
#define SCALE_LC_TARGET	1.2

static int dev_fd = -1;

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

/*
 * What a lifecycle pass does to one name, for the mailbox and for its
 * POSIX mq control. Each returns 0, or -1 with errno set.
 */
struct lc_kind {
	const char *mech;	/* for IPCBENCH_WINDOWS */
	const char *prefix;	/* of the names */
	int (*create)(const char *name);
	int (*open)(const char *name);
	int (*destroy)(const char *name);
};

static int lc_fd_done(int fd)
{
	return fd < 0 ? -1 : close(fd);
}

static int lc_mbox_create(const char *name)
{
	return lc_fd_done(mbox_open(name, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
				    IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL, 4, SCALE_MSG));
}

static int lc_mbox_open(const char *name)
{
	return lc_fd_done(mbox_open(name, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE, 0, 0));
}

static int lc_mq_create(const char *name)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = SCALE_MSG };

	return lc_fd_done(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr));
}

static int lc_mq_open(const char *name)
{
	return lc_fd_done(mq_open(name, O_RDWR));
}

static const struct lc_kind lc_mbox = { "mailbox", "", lc_mbox_create, lc_mbox_open, mbox_unlink };
static const struct lc_kind lc_mq = { "posix-mq", "/", lc_mq_create, lc_mq_open, mq_unlink };

static void lc_name(char *buf, size_t len, const struct lc_kind *k, unsigned int i)
{
	snprintf(buf, len, "%sipcbench-scale.%d.%u", k->prefix, (int)getpid(), i);
}

/*
 * One pass: create, open and destroy the @n names; adds each phase's time
 * to @t[3].
 */
static int lifecycle_pass(const struct lc_kind *k, unsigned int n, uint64_t t[3],
			  char *err, size_t elen)
{
	char name[64];
	uint64_t t0, t1, t2, t3;
	unsigned int i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		lc_name(name, sizeof(name), k, i);
		if (k->create(name) < 0)
			goto fail_create;
	}
	t1 = now_ns();
	for (i = 0; i < n; i++) {
		lc_name(name, sizeof(name), k, i);
		if (k->open(name) < 0) {
			snprintf(err, elen, "open %s: %s", name, strerror(errno));
			i = 0;
			goto cleanup_from;
		}
	}
	t2 = now_ns();
	for (i = 0; i < n; i++) {
		lc_name(name, sizeof(name), k, i);
		if (k->destroy(name) < 0) {
			snprintf(err, elen, "unlink %s: %s", name, strerror(errno));
			goto cleanup_from;
		}
	}
	t3 = now_ns();
	bench_window(k->mech, "create", n, t0, t1, n);
	bench_window(k->mech, "open", n, t1, t2, n);
	bench_window(k->mech, "destroy", n, t2, t3, n);
	t[0] += t1 - t0;
	t[1] += t2 - t1;
	t[2] += t3 - t2;
	return 0;

fail_create:
	snprintf(err, elen, "create %s: %s", name, strerror(errno));
	n = i;
	i = 0;
cleanup_from:
	for (; i < n; i++) {
		lc_name(name, sizeof(name), k, i);
		k->destroy(name);
	}
	return -1;
}

/*
 * Per-operation cost of each phase with up to @n named mailboxes. Small
 * populations repeat the pass until at least SCALE_LC_MIN_OPS operations
 * of each kind were timed: ten operations timed once are mostly noise.
 */
static int lifecycle(const struct lc_kind *kind, unsigned int n, double ns[3], char *err,
		     size_t elen)
{
	uint64_t t[3] = { 0, 0, 0 };
	unsigned int pass, passes = (SCALE_LC_MIN_OPS + n - 1) / n;
	int k;

	for (pass = 0; pass < passes; pass++)
		if (lifecycle_pass(kind, n, t, err, elen) < 0)
			return -1;
	for (k = 0; k < 3; k++)
		ns[k] = (double)t[k] / ((double)n * passes);
	return 0;
}

/* CAP_SYS_RESOURCE in the effective set: the per-user limits do not apply. */
static bool has_cap_sys_resource(void)
{
	unsigned long long caps = 0;

	proc_scan("/proc/self/status", "CapEff: %llx", &caps);
	return caps & (1ULL << CAP_SYS_RESOURCE);
}

static unsigned long long mem_available(void)
{
	unsigned long long kb = 0;

	proc_scan("/proc/meminfo", "MemAvailable: %llu kB", &kb);
	return kb << 10;
}

/*
 * Whether @n named mailboxes of the lifecycle's kind fit: the caller's
 * per-user limits (GET_INFO; CAP_SYS_RESOURCE lifts them) must allow @n
 * objects of reserved_bytes each, and MemAvailable must hold twice their
 * reservation (slab rounding, the names, the id and name tables). 0, or 1
 * with the reason in @why.
 */
static int lc_fits(unsigned int n, char *why, size_t wlen)
{
	struct ipcchan_info info = { .size = sizeof(info) };
	struct ipcchan_mbox_attr a = { .size = sizeof(a) };
	unsigned long long need, avail;
	int fd;

	fd = mbox_open(NULL, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE, 4, SCALE_MSG);
	if (fd < 0 || ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &a) < 0 ||
	    ioctl(dev_fd, IPCCHAN_IOC_GET_INFO, &info) < 0) {
		snprintf(why, wlen, "%u: cannot read the reservation or the limits: %s", n,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	need = (unsigned long long)n * a.reserved_bytes;
	if (!has_cap_sys_resource() &&
	    (n > info.user_max_objects || need > info.user_max_bytes)) {
		snprintf(why, wlen, "%u: needs user_max_objects >= %u and user_max_bytes >= %llu "
			 "(now %u and %llu) or CAP_SYS_RESOURCE", n, n, need,
			 info.user_max_objects, (unsigned long long)info.user_max_bytes);
		return 1;
	}
	avail = mem_available();
	if (2 * need > avail) {
		snprintf(why, wlen, "%u: needs about %llu MiB of free memory, MemAvailable is %llu MiB",
			 n, (2 * need) >> 20, avail >> 20);
		return 1;
	}
	return 0;
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

			bench_pin_cpu(cpu);
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

/*
 * Kernel memory is measured as the memory cgroup sees it: the process
 * moves into a fresh child cgroup, and memory.current grows by what the
 * kernel charges to it. Mailboxes (kzalloc + vmalloc/kmalloc of the
 * slots) and POSIX mq (msg_msg and the queue) both allocate with
 * GFP_KERNEL_ACCOUNT, so both are counted the same way, to the byte for
 * slab objects and to the page for vmalloc.
 *
 * memory.current also counts the charge a CPU holds in advance for the
 * cgroup it charged last (up to 64 pages, the per-CPU stock). Before each
 * reading, memcg_settle() charges one page on the same CPU to a second cgroup,
 * which hands that stock back, so the reading is exact up to one page of
 * byte-sized slab precharge. The process stays on one CPU meanwhile.
 */
#define CG_ROOT	"/sys/fs/cgroup"

static int write_str(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, v, strlen(v)) == (ssize_t)strlen(v);
	close(fd);
	return ok ? 0 : -1;
}

static int cg_enter(const char *dir)
{
	char path[340], pid[24];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	return write_str(path, pid);
}

static long long cg_current(const char *dir)
{
	char path[340];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.current", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* memory.current of @m->dir with this CPU's precharge handed back. */
long long memcg_settle(struct memcg *m)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p;

	if (cg_enter(m->flush) < 0)
		return -1;
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		*(volatile char *)p = 1;	/* one page charged to m->flush */
		munmap(p, pg);
	}
	if (cg_enter(m->dir) < 0)
		return -1;
	return cg_current(m->dir);
}

int memcg_setup(struct memcg *m, int cpu, char *err, size_t elen)
{
	char line[256];
	FILE *f;

	memset(m, 0, sizeof(*m));
	if (access(CG_ROOT "/cgroup.controllers", F_OK) &&
	    mount("none", CG_ROOT, "cgroup2", 0, NULL)) {
		snprintf(err, elen, "memory: no cgroup2 at " CG_ROOT " (%s)", strerror(errno));
		return -1;
	}
	f = fopen("/proc/self/cgroup", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(m->home, sizeof(m->home), CG_ROOT "%s", line + 3);
		}
	if (f)
		fclose(f);
	if (!m->home[0]) {
		snprintf(err, elen, "memory: no cgroup2 entry in /proc/self/cgroup");
		return -1;
	}
	/* Harmless when already enabled; needed in a fresh guest. */
	write_str(CG_ROOT "/cgroup.subtree_control", "+memory");
	snprintf(m->dir, sizeof(m->dir), CG_ROOT "/ipcbench-mem.%d", (int)getpid());
	snprintf(m->flush, sizeof(m->flush), CG_ROOT "/ipcbench-flush.%d", (int)getpid());
	if ((mkdir(m->dir, 0755) && errno != EEXIST) ||
	    (mkdir(m->flush, 0755) && errno != EEXIST) || cg_enter(m->dir) < 0 ||
	    cg_current(m->dir) < 0) {
		snprintf(err, elen, "memory: cannot use a child memory cgroup under " CG_ROOT
			 " (%s)", strerror(errno));
		cg_enter(m->home);
		rmdir(m->dir);
		rmdir(m->flush);
		return -1;
	}
	sched_getaffinity(0, sizeof(m->cpus), &m->cpus);
	bench_pin_cpu(cpu >= 0 ? cpu : sched_getcpu());
	return 0;
}

void memcg_teardown(struct memcg *m)
{
	cg_enter(m->home);
	sched_setaffinity(0, sizeof(m->cpus), &m->cpus);
	rmdir(m->dir);
	rmdir(m->flush);
}

#define MEM_BOXES	16
#define MEM_CAP_LO	512
#define MEM_CAP		4096

/*
 * Bytes charged while MEM_BOXES mailboxes of @cap 64 B slots are created
 * and filled; *@reserved gets reserved_bytes / capacity.
 */
static double mem_mbox(struct memcg *m, unsigned int cap, double *reserved,
		       char *err, size_t elen)
{
	char buf[SCALE_MSG] = { 0 };
	int fds[MEM_BOXES], i, nfd = 0;
	struct ipcchan_mbox_attr a;
	long long before, after;
	unsigned int j;
	double r = -1;

	before = memcg_settle(m);
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
	after = memcg_settle(m);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	if (ioctl(fds[0], IPCCHAN_IOC_MBOX_GET_ATTR, &a) < 0) {
		snprintf(err, elen, "GET_ATTR: %s", strerror(errno));
		goto out;
	}
	*reserved = (double)a.reserved_bytes / cap;
	if (before < 0 || after < 0)
		snprintf(err, elen, "memory: reading memory.current failed");
	else
		r = (double)(after - before);
out:
	for (i = 0; i < nfd; i++)
		close(fds[i]);
	return r;
}

/* The same for POSIX mq: MEM_BOXES queues of @cap 64 B messages. */
static double mem_mq(struct memcg *m, unsigned int cap, char *err, size_t elen)
{
	struct mq_attr attr = { .mq_maxmsg = cap, .mq_msgsize = SCALE_MSG };
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	char buf[SCALE_MSG] = { 0 }, name[64];
	mqd_t q[MEM_BOXES];
	int i, nq = 0;
	long long before, after;
	unsigned int j;
	double r = -1;

	/* Root may lift the byte limit; mq_maxmsg above msg_max needs CAP_SYS_RESOURCE. */
	setrlimit(RLIMIT_MSGQUEUE, &rl);
	before = memcg_settle(m);
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
	after = memcg_settle(m);
	if (before < 0 || after < 0)
		snprintf(err, elen, "memory: reading memory.current failed");
	else
		r = (double)(after - before);
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
static int mem_per_msg(struct scale_result *s, int cpu, double *mb_slope, double *mq_slope)
{
	double lo, hi, qlo, qhi, res_lo;
	const double dn = (double)MEM_BOXES * (MEM_CAP - MEM_CAP_LO);
	struct memcg m;

	if (memcg_setup(&m, cpu, s->mem_err, sizeof(s->mem_err)) < 0)
		return -1;
	lo = mem_mbox(&m, MEM_CAP_LO, &res_lo, s->err, sizeof(s->err));
	hi = mem_mbox(&m, MEM_CAP, &s->reserved_per_msg, s->err, sizeof(s->err));
	qlo = mem_mq(&m, MEM_CAP_LO, s->err, sizeof(s->err));
	qhi = mem_mq(&m, MEM_CAP, s->err, sizeof(s->err));
	memcg_teardown(&m);
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
	double v[SCALE_NCOUNTS][3][MAX_REPS], vq[SCALE_NCOUNTS][3][MAX_REPS];
	double r1[MAX_REPS], r8[MAX_REPS], mm[MAX_REPS], mq[MAX_REPS], ns[3];
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int nlq = 0;
	int rep, c, k, n1 = 0, n8 = 0, nm = 0, nq = 0, nl = 0;
	bool skip[SCALE_NCOUNTS] = { false };
	double x;

	memset(s, 0, sizeof(*s));
	s->reps = reps;
	dev_fd = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0) {
		snprintf(s->err, sizeof(s->err), "no %s (%s): module not loaded",
			 IPCCHAN_DEVICE_PATH, strerror(errno));
		return -1;
	}
	if (bench_pin_cpu(cpu) < 0)
		snprintf(s->err, sizeof(s->err), "sched_setaffinity(%d): %s", cpu,
			 strerror(errno));
	/* A population that does not fit is skipped, and so are the larger ones. */
	for (c = 0; c < SCALE_NCOUNTS; c++)
		skip[c] = (c && skip[c - 1]) ||
			  lc_fits(lc_counts[c], s->lc_skip, sizeof(s->lc_skip));
	/* The control's queues count against RLIMIT_MSGQUEUE; root may lift it. */
	setrlimit(RLIMIT_MSGQUEUE, &rl);
	for (rep = 0; rep < reps; rep++) {
		for (c = 0; c < SCALE_NCOUNTS && !skip[c]; c++) {
			if (lifecycle(&lc_mbox, lc_counts[c], ns, s->err, sizeof(s->err)) < 0)
				goto out;
			for (k = 0; k < 3; k++)
				v[c][k][nl] = ns[k];
			/* A control that cannot run is left out, with the reason. */
			if (s->mq_err[0])
				continue;
			if (lifecycle(&lc_mq, lc_counts[c], ns, s->mq_err, sizeof(s->mq_err)) < 0)
				continue;
			for (k = 0; k < 3; k++)
				vq[c][k][nl] = ns[k];
		}
		if (!s->mq_err[0])
			nlq++;
		nl++;
		x = senders(1, cpu, warmup, secs, s->err, sizeof(s->err));
		if (x > 0)
			r1[n1++] = x;
		x = senders(SCALE_MAX_SENDERS, cpu, warmup, secs, s->err, sizeof(s->err));
		if (x > 0)
			r8[n8++] = x;
		if (!s->mem_err[0] && mem_per_msg(s, cpu, &mm[nm], &mq[nq]) == 0)
			nm++, nq++;
	}
out:
	for (c = 0; c < SCALE_NCOUNTS; c++) {
		s->count[c] = lc_counts[c];
		if (!skip[c])
			s->lc_measured = c + 1;
		for (k = 0; k < 3; k++) {
			s->op_ns[c][k] = skip[c] ? -1 : med(v[c][k], nl);
			s->mq_op_ns[c][k] = skip[c] || s->mq_err[0] ? -1 : med(vq[c][k], nlq);
		}
	}
	s->rate1 = med(r1, n1);
	s->rate8 = med(r8, n8);
	s->mem_mbox = med(mm, nm);
	s->mem_mq = med(mq, nq);
	s->mem_boxes = MEM_BOXES;
	s->mem_cap = MEM_CAP;
	close(dev_fd);
	/* No memory cgroup (mem_err) leaves the memory figures out, not the run. */
	return nl == reps && n1 == reps && n8 == reps &&
	       (nm == reps || (s->mem_err[0] && !nm)) ? 0 : -1;
}

static const char *const op_names[3] = { "create", "open", "destroy" };

/*
 * One row of a lifecycle table: op @k's cost per population in us, up to
 * the largest population measured (@top), then its ratio to the smallest.
 */
static void scale_lc_row(FILE *f, int k, const double ns[][3], int top)
{
	int c;

	fprintf(f, "%-10s", op_names[k]);
	for (c = 0; c < SCALE_NCOUNTS; c++)
		if (c <= top)
			fprintf(f, " %10.2f", ns[c][k] / 1e3);
		else
			fprintf(f, " %10s", "skipped");
	if (top > 0)
		fprintf(f, "  %.2f", ns[top][k] / ns[0][k]);
	fprintf(f, "\n");
}

void scale_table(FILE *f, const struct scale_result *s)
{
	int c, k, top = s->lc_measured - 1;

	fprintf(f, "\nScale (median of %d repetitions)\n\n", s->reps);
	fprintf(f, "Mailbox lifecycle, us per operation, by number of mailboxes:\n");
	fprintf(f, "%-10s", "op");
	for (c = 0; c < SCALE_NCOUNTS; c++)
		fprintf(f, " %10u", s->count[c]);
	if (top > 0)
		fprintf(f, "  x (%u / %u, target <= %.1f)", s->count[top], s->count[0],
			SCALE_LC_TARGET);
	fprintf(f, "\n");
	for (k = 0; k < 3; k++)
		scale_lc_row(f, k, s->op_ns, top);
	if (s->lc_skip[0])
		fprintf(f, "  skipped from %s\n", s->lc_skip);
	fprintf(f, "POSIX mq, the same (mq_open O_CREAT|O_EXCL, mq_open, mq_unlink), as a control:\n");
	for (k = 0; k < 3 && !s->mq_err[0]; k++)
		scale_lc_row(f, k, s->mq_op_ns, top);
	if (s->mq_err[0])
		fprintf(f, "  not measured: %s\n", s->mq_err);
	fprintf(f, "\nSenders on one mailbox (64 B write(), one read() receiver, same CPU):\n");
	fprintf(f, "  1 sender   %10.0f msgs/s\n", s->rate1);
	fprintf(f, "  %d senders  %10.0f msgs/s   x %.2f of one sender (target >= 0.7)\n",
		SCALE_MAX_SENDERS, s->rate8, s->rate8 / s->rate1);
	fprintf(f, "\nKernel memory per queued 64 B message (memcg memory.current, %d queues\n"
		"of %d and of %d messages; per message = slope between them, avg = at %d):\n",
		s->mem_boxes, MEM_CAP_LO, s->mem_cap, s->mem_cap);
	fprintf(f, "  mailbox reservation   %6.1f B  (GET_ATTR reserved_bytes / capacity)\n",
		s->reserved_per_msg);
	if (s->mem_err[0]) {
		fprintf(f, "  not measured: %s\n", s->mem_err);
	} else {
		fprintf(f, "  mailbox               %6.1f B  avg %6.1f B  (target <= 96)\n",
			s->mem_mbox, s->mem_mbox_avg);
		fprintf(f, "  posix-mq              %6.1f B  avg %6.1f B\n", s->mem_mq,
			s->mem_mq_avg);
	}
	if (s->err[0])
		fprintf(f, "  error: %s\n", s->err);
}

void scale_json(FILE *f, const struct scale_result *s)
{
	int c;

	int top = s->lc_measured - 1;

	fprintf(f, "{\"reps\": %d, \"lifecycle\": [", s->reps);
	for (c = 0; c <= top; c++)
		fprintf(f, "%s{\"mailboxes\": %u, \"create_ns\": %.1f, \"open_ns\": %.1f, "
			"\"destroy_ns\": %.1f}", c ? ", " : "", s->count[c], s->op_ns[c][0],
			s->op_ns[c][1], s->op_ns[c][2]);
	fprintf(f, "], \"lifecycle_mq\": [");
	for (c = 0; c <= top && !s->mq_err[0]; c++)
		fprintf(f, "%s{\"queues\": %u, \"create_ns\": %.1f, \"open_ns\": %.1f, "
			"\"destroy_ns\": %.1f}", c ? ", " : "", s->count[c], s->mq_op_ns[c][0],
			s->mq_op_ns[c][1], s->mq_op_ns[c][2]);
	fprintf(f, "], \"lifecycle_mq_not_measured\": ");
	json_print_string(f, s->mq_err);
	fprintf(f, ", \"lifecycle_skipped\": ");
	json_print_string(f, s->lc_skip);
	if (top > 0)
		fprintf(f, ", \"lifecycle_ratio\": {\"of\": %u, \"to\": %u, \"create\": %.4f, "
			"\"open\": %.4f, \"destroy\": %.4f, \"target\": %.1f}", s->count[top],
			s->count[0], s->op_ns[top][0] / s->op_ns[0][0],
			s->op_ns[top][1] / s->op_ns[0][1], s->op_ns[top][2] / s->op_ns[0][2],
			SCALE_LC_TARGET);
	fprintf(f, ", \"senders\": {\"msg_size\": %d, \"rate_1\": %.1f, \"rate_%d\": %.1f, "
		"\"ratio\": %.4f}, ", SCALE_MSG, s->rate1, SCALE_MAX_SENDERS, s->rate8,
		s->rate8 / s->rate1);
	fprintf(f, "\"memory\": {\"method\": \"memcg memory.current\", \"msg_size\": %d, "
		"\"queues\": %d, \"msgs_per_queue\": %d, \"mbox_reserved_per_msg\": %.1f, ",
		SCALE_MSG, s->mem_boxes, s->mem_cap, s->reserved_per_msg);
	if (s->mem_err[0])
		fprintf(f, "\"mbox_per_msg\": null, \"mq_per_msg\": null, "
			"\"mbox_avg\": null, \"mq_avg\": null, ");
	else
		fprintf(f, "\"mbox_per_msg\": %.1f, \"mq_per_msg\": %.1f, "
			"\"mbox_avg\": %.1f, \"mq_avg\": %.1f, ", s->mem_mbox, s->mem_mq,
			s->mem_mbox_avg, s->mem_mq_avg);
	fprintf(f, "\"not_measured\": ");
	json_print_string(f, s->mem_err);
	fprintf(f, "}, \"error\": ");
	json_print_string(f, s->err);
	fprintf(f, "}\n");
}
