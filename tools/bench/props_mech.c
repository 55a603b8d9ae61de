// SPDX-License-Identifier: GPL-2.0
/*
 * ipcbench --props: one small driver per mechanism (see props.h). Each
 * opens the mechanism at its default settings, the way a program that
 * asks for nothing special gets it, and maps its calls onto send/recv
 * with a non-blocking flag. A driver makes exactly the calls a program
 * would; each one it makes to move a message counts in pchan.nsys.
 *
 * Adding a mechanism (a rendezvous mailbox, say) is one more driver, or
 * one more entry that reuses a driver with other open flags, and one line
 * in props_mechs[].
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <poll.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipcchan.h>
#include <linux/sock_diag.h>

#include "bench.h"
#include "ipcchan.h"
#include "props.h"

static ssize_t ret_errno(ssize_t r)
{
	return r < 0 ? -errno : r;
}

static int name_seq;

/* ---- file descriptors: pipe, FIFO, sockets ---- */

struct fdc {
	bool sock;
	int nb[2];		/* O_NONBLOCK as last set, -1: unknown */
};

static int fdc_new(struct pchan *c, bool sock)
{
	struct fdc *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->sock = sock;
	p->nb[0] = p->nb[1] = -1;
	c->priv = p;
	return 0;
}

static void set_nb(struct pchan *c, int end, bool nb)
{
	struct fdc *p = c->priv;
	int fl;

	if (p->nb[end] == nb || c->fd[end] < 0)
		return;
	fl = fcntl(c->fd[end], F_GETFL);
	fcntl(c->fd[end], F_SETFL, nb ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
	p->nb[end] = nb;
}

static ssize_t fd_send(struct pchan *c, const void *buf, size_t len, bool nb)
{
	struct fdc *p = c->priv;

	if (c->fd[PE_WRITER] < 0)
		return -EBADF;
	c->nsys++;
	/* No MSG_NOSIGNAL: SIGPIPE is one of the things to see. */
	if (p->sock)
		return ret_errno(send(c->fd[PE_WRITER], buf, len, nb ? MSG_DONTWAIT : 0));
	set_nb(c, PE_WRITER, nb);
	return ret_errno(write(c->fd[PE_WRITER], buf, len));
}

static ssize_t fd_recv(struct pchan *c, void *buf, size_t cap, bool nb)
{
	struct fdc *p = c->priv;

	if (c->fd[PE_READER] < 0)
		return -EBADF;
	c->nsys++;
	if (p->sock)
		return ret_errno(recv(c->fd[PE_READER], buf, cap, nb ? MSG_DONTWAIT : 0));
	set_nb(c, PE_READER, nb);
	return ret_errno(read(c->fd[PE_READER], buf, cap));
}

/*
 * A socket's blocking call with SO_RCVTIMEO or SO_SNDTIMEO set to @ms for
 * that call alone: the timeout of sockets is an option, not an argument.
 */
static ssize_t sock_timed(struct pchan *c, int end, void *buf, size_t len, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	int fd = c->fd[end], opt = end == PE_WRITER ? SO_SNDTIMEO : SO_RCVTIMEO;
	struct timeval off = { 0, 0 };
	ssize_t r;

	if (fd < 0)
		return -EBADF;
	if (setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)) < 0)
		return -errno;
	c->nsys++;
	r = ret_errno(end == PE_WRITER ? send(fd, buf, len, 0) : recv(fd, buf, len, 0));
	setsockopt(fd, SOL_SOCKET, opt, &off, sizeof(off));
	return r;
}

static ssize_t sock_send_timed(struct pchan *c, const void *buf, size_t len, int ms)
{
	return sock_timed(c, PE_WRITER, (void *)buf, len, ms);
}

static ssize_t sock_recv_timed(struct pchan *c, void *buf, size_t cap, int ms)
{
	return sock_timed(c, PE_READER, buf, cap, ms);
}

static void fd_close_end(struct pchan *c, int end)
{
	if (c->fd[end] >= 0)
		close(c->fd[end]);
	c->fd[end] = -1;
}

static void fd_destroy(struct pchan *c)
{
	fd_close_end(c, PE_WRITER);
	fd_close_end(c, PE_READER);
	free(c->priv);
	c->priv = NULL;
}

static int pipe_open(struct pchan *c, char *why, size_t len)
{
	int p[2];

	if (fdc_new(c, false) < 0 || pipe2(p, O_CLOEXEC) < 0) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		return -1;
	}
	c->fd[PE_READER] = p[0];
	c->fd[PE_WRITER] = p[1];
	return 0;
}

static void fifo_path(char *b, size_t len, const char *name)
{
	snprintf(b, len, "/tmp/%s", name);
}

static int fifo_open(struct pchan *c, char *why, size_t len)
{
	char name[64], path[96];

	snprintf(name, sizeof(name), "ipcbench-props-fifo.%d.%d", (int)getpid(), name_seq++);
	fifo_path(path, sizeof(path), name);
	if (fdc_new(c, false) < 0 || mkfifo(path, 0600) < 0) {
		snprintf(why, len, "mkfifo %s: %s", path, strerror(errno));
		return -1;
	}
	/* The reader first, non-blocking, or opening the writer waits for it. */
	c->fd[PE_READER] = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	c->fd[PE_WRITER] = open(path, O_WRONLY | O_CLOEXEC);
	unlink(path);
	if (c->fd[PE_READER] < 0 || c->fd[PE_WRITER] < 0) {
		snprintf(why, len, "open %s: %s", path, strerror(errno));
		return -1;
	}
	((struct fdc *)c->priv)->nb[PE_READER] = 1;
	return 0;
}

static int fifo_create(const char *name)
{
	char path[96];

	fifo_path(path, sizeof(path), name);
	return mkfifo(path, 0600);
}

static int fifo_exists(const char *name)
{
	char path[96];
	struct stat st;

	fifo_path(path, sizeof(path), name);
	if (stat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	return S_ISFIFO(st.st_mode);
}

static void fifo_unlink(const char *name)
{
	char path[96];

	fifo_path(path, sizeof(path), name);
	unlink(path);
}

static int sp_open(struct pchan *c, int type, char *why, size_t len)
{
	int sv[2];

	if (fdc_new(c, true) < 0 || socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(why, len, "socketpair: %s", strerror(errno));
		return -1;
	}
	c->fd[PE_WRITER] = sv[0];
	c->fd[PE_READER] = sv[1];
	return 0;
}

static int ustream_open(struct pchan *c, char *why, size_t len)
{
	return sp_open(c, SOCK_STREAM, why, len);
}

static int udgram_open(struct pchan *c, char *why, size_t len)
{
	return sp_open(c, SOCK_DGRAM, why, len);
}

static int useq_open(struct pchan *c, char *why, size_t len)
{
	return sp_open(c, SOCK_SEQPACKET, why, len);
}

static int inet_sock(int type, struct sockaddr_in *a)
{
	socklen_t al = sizeof(*a);
	int s = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)a, sizeof(*a)) < 0 ||
	    getsockname(s, (struct sockaddr *)a, &al) < 0) {
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

static int tcp_open(struct pchan *c, char *why, size_t len)
{
	struct sockaddr_in a;
	int l;

	if (fdc_new(c, true) < 0)
		return -1;
	l = inet_sock(SOCK_STREAM, &a);
	if (l < 0 || listen(l, 1) < 0) {
		snprintf(why, len, "TCP listen on 127.0.0.1: %s", strerror(errno));
		if (l >= 0)
			close(l);
		return -1;
	}
	c->fd[PE_WRITER] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd[PE_WRITER] >= 0 &&
	    connect(c->fd[PE_WRITER], (struct sockaddr *)&a, sizeof(a)) == 0)
		c->fd[PE_READER] = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (c->fd[PE_READER] < 0) {
		snprintf(why, len, "TCP connect to 127.0.0.1: %s", strerror(errno));
		close(l);
		return -1;
	}
	close(l);
	return 0;
}

/*
 * Loopback TCP delivers in softirq context, which a loaded guest may run
 * after send() returned: a non-blocking receive waits up to 100 ms for
 * data to arrive before it reports what is there.
 */
static ssize_t tcp_recv(struct pchan *c, void *buf, size_t cap, bool nb)
{
	struct pollfd p = { .fd = c->fd[PE_READER], .events = POLLIN };

	if (nb && c->fd[PE_READER] >= 0)
		poll(&p, 1, 100);
	return fd_recv(c, buf, cap, nb);
}

/* Nagle holds a second small segment until the first is acknowledged. */
static void tcp_settle(struct pchan *c, size_t bytes)
{
	int i, n = 0;

	for (i = 0; i < 50; i++) {
		if (ioctl(c->fd[PE_READER], FIONREAD, &n) < 0 || (size_t)n >= bytes)
			return;
		usleep(10000);
	}
}

static int udp_open(struct pchan *c, char *why, size_t len)
{
	struct sockaddr_in a, b;

	if (fdc_new(c, true) < 0)
		return -1;
	c->fd[PE_WRITER] = inet_sock(SOCK_DGRAM, &a);
	c->fd[PE_READER] = inet_sock(SOCK_DGRAM, &b);
	if (c->fd[PE_WRITER] < 0 || c->fd[PE_READER] < 0 ||
	    connect(c->fd[PE_WRITER], (struct sockaddr *)&b, sizeof(b)) < 0 ||
	    connect(c->fd[PE_READER], (struct sockaddr *)&a, sizeof(a)) < 0) {
		snprintf(why, len, "UDP on 127.0.0.1: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Receive memory of the reader's socket: it stops growing when full. */
static long sock_rmem(struct pchan *c)
{
	__u32 mi[SK_MEMINFO_VARS];
	socklen_t l = sizeof(mi);

	if (getsockopt(c->fd[PE_READER], SOL_SOCKET, SO_MEMINFO, mi, &l) < 0)
		return -1;
	return mi[SK_MEMINFO_RMEM_ALLOC];
}

/* ---- POSIX message queues ---- */

struct mqc {
	char name[64];
	int nb[2];
};

static long mq_default_maxmsg(void)
{
	long v = 10;
	FILE *f = fopen("/proc/sys/fs/mqueue/msg_default", "r");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 10;
		fclose(f);
	}
	return v;
}

/*
 * The default number of messages (fs.mqueue.msg_default); the message
 * size is this probe's, so that a receive buffer of that size is valid
 * (mq_receive() wants at least mq_msgsize).
 */
static int mq_open_ch(struct pchan *c, char *why, size_t len)
{
	struct mq_attr a = { .mq_maxmsg = mq_default_maxmsg(), .mq_msgsize = (long)c->size };
	struct mqc *p = calloc(1, sizeof(*p));
	int q;

	if (!p)
		return -1;
	c->priv = p;
	p->nb[0] = p->nb[1] = 0;
	snprintf(p->name, sizeof(p->name), "/ipcbench-props.%d.%d", (int)getpid(), name_seq++);
	q = mq_open(p->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &a);
	if (q < 0) {
		snprintf(why, len, "mq_open(maxmsg %ld, msgsize %ld): %s", a.mq_maxmsg,
			 a.mq_msgsize, strerror(errno));
		return -1;
	}
	c->fd[PE_WRITER] = mq_open(p->name, O_WRONLY | O_CLOEXEC);
	c->fd[PE_READER] = mq_open(p->name, O_RDONLY | O_CLOEXEC);
	close(q);
	mq_unlink(p->name);
	if (c->fd[PE_WRITER] < 0 || c->fd[PE_READER] < 0) {
		snprintf(why, len, "mq_open: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void mq_nb(struct pchan *c, int end, bool nb)
{
	struct mqc *p = c->priv;
	struct mq_attr a = { .mq_flags = nb ? O_NONBLOCK : 0 };

	if (p->nb[end] != nb)
		mq_setattr(c->fd[end], &a, NULL);
	p->nb[end] = nb;
}

static ssize_t mq_send_p(struct pchan *c, const void *buf, size_t len, unsigned int prio, bool nb)
{
	if (c->fd[PE_WRITER] < 0)
		return -EBADF;
	mq_nb(c, PE_WRITER, nb);
	c->nsys++;
	return mq_send(c->fd[PE_WRITER], buf, len, prio) < 0 ? -errno : (ssize_t)len;
}

static ssize_t mq_send_ch(struct pchan *c, const void *buf, size_t len, bool nb)
{
	return mq_send_p(c, buf, len, 0, nb);
}

static ssize_t mq_prio_ch(struct pchan *c, const void *buf, size_t len, unsigned int prio)
{
	return mq_send_p(c, buf, len, prio, true);
}

static ssize_t mq_recv_ch(struct pchan *c, void *buf, size_t cap, bool nb)
{
	if (c->fd[PE_READER] < 0)
		return -EBADF;
	mq_nb(c, PE_READER, nb);
	c->nsys++;
	return ret_errno(mq_receive(c->fd[PE_READER], buf, cap, NULL));
}

/* mq_timedsend/mq_timedreceive take an absolute CLOCK_REALTIME time. */
static struct timespec mq_deadline(int ms)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static ssize_t mq_send_timed(struct pchan *c, const void *buf, size_t len, int ms)
{
	struct timespec t = mq_deadline(ms);

	if (c->fd[PE_WRITER] < 0)
		return -EBADF;
	mq_nb(c, PE_WRITER, false);
	c->nsys++;
	return mq_timedsend(c->fd[PE_WRITER], buf, len, 0, &t) < 0 ? -errno : (ssize_t)len;
}

static ssize_t mq_recv_timed(struct pchan *c, void *buf, size_t cap, int ms)
{
	struct timespec t = mq_deadline(ms);

	if (c->fd[PE_READER] < 0)
		return -EBADF;
	mq_nb(c, PE_READER, false);
	c->nsys++;
	return ret_errno(mq_timedreceive(c->fd[PE_READER], buf, cap, NULL, &t));
}

static int mq_create(const char *name)
{
	char n[80];
	int q;

	snprintf(n, sizeof(n), "/%s", name);
	q = mq_open(n, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	return q < 0 ? -errno : 0;
}

static int mq_exists(const char *name)
{
	char n[80];
	int q;

	snprintf(n, sizeof(n), "/%s", name);
	q = mq_open(n, O_RDWR);
	if (q < 0)
		return errno == ENOENT ? 0 : -errno;
	mq_close(q);
	return 1;
}

static void mq_unlink_name(const char *name)
{
	char n[80];

	snprintf(n, sizeof(n), "/%s", name);
	mq_unlink(n);
}

static void mq_destroy(struct pchan *c)
{
	fd_close_end(c, PE_WRITER);
	fd_close_end(c, PE_READER);
	free(c->priv);
	c->priv = NULL;
}

/* ---- SysV message queues (no file descriptors: fd[] stay -1) ---- */

struct sysvc {
	int q;
	long mtype;
	char text[8192 + 64];
};

static int sysv_open(struct pchan *c, char *why, size_t len)
{
	struct sysvc *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	c->priv = p;
	p->q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (p->q < 0) {
		snprintf(why, len, "msgget: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static ssize_t sysv_send(struct pchan *c, const void *buf, size_t len, bool nb)
{
	struct sysvc *p = c->priv;

	if (p->q < 0)
		return -EIDRM;
	p->mtype = 1;
	memcpy(p->text, buf, len);
	c->nsys++;
	return msgsnd(p->q, &p->mtype, len, nb ? IPC_NOWAIT : 0) < 0 ? -errno : (ssize_t)len;
}

static ssize_t sysv_recv(struct pchan *c, void *buf, size_t cap, bool nb)
{
	struct sysvc *p = c->priv;
	ssize_t r;

	if (p->q < 0)
		return -EIDRM;
	c->nsys++;
	r = msgrcv(p->q, &p->mtype, cap, 0, nb ? IPC_NOWAIT : 0);
	if (r < 0)
		return -errno;
	memcpy(buf, p->text, (size_t)r);
	return r;
}

static long sysv_queued(struct pchan *c)
{
	struct sysvc *p = c->priv;
	struct msqid_ds ds;

	return msgctl(p->q, IPC_STAT, &ds) < 0 ? -1 : (long)ds.msg_qnum;
}

/* A queue lives until IPC_RMID; neither end's exit tells the other. */
static void sysv_close_end(struct pchan *c, int end)
{
}

static void sysv_destroy(struct pchan *c)
{
	struct sysvc *p = c->priv;

	if (p && p->q >= 0)
		msgctl(p->q, IPC_RMID, NULL);
	free(p);
	c->priv = NULL;
}

static key_t sysv_key(const char *name)
{
	unsigned int h = 2166136261u;

	while (*name)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return (key_t)(h & 0x7fffffff);
}

static int sysv_create(const char *name)
{
	return msgget(sysv_key(name), IPC_CREAT | IPC_EXCL | 0600) < 0 ? -errno : 0;
}

static int sysv_exists(const char *name)
{
	if (msgget(sysv_key(name), 0) < 0)
		return errno == ENOENT ? 0 : -errno;
	return 1;
}

static void sysv_unlink(const char *name)
{
	int q = msgget(sysv_key(name), 0);

	if (q >= 0)
		msgctl(q, IPC_RMID, NULL);
}

/* ---- signals: the channel is this process; a message is one sigval ---- */

struct sigc {
	pid_t target;
	int signo;
	bool rt;
};

static void sig_set(sigset_t *set)
{
	int s;

	sigemptyset(set);
	sigaddset(set, SIGUSR1);
	for (s = SIGRTMIN; s <= SIGRTMAX; s++)
		sigaddset(set, s);
}

static int sig_open_ch(struct pchan *c, bool rt, char *why, size_t len)
{
	struct timespec zero = { 0, 0 };
	struct sigc *p = calloc(1, sizeof(*p));
	sigset_t set;

	if (!p)
		return -1;
	c->priv = p;
	p->target = getpid();
	p->rt = rt;
	p->signo = rt ? SIGRTMIN : SIGUSR1;
	sig_set(&set);
	/* Blocked, the signals stay pending: that is the queue. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
	return 0;
}

static int sig_open(struct pchan *c, char *why, size_t len)
{
	return sig_open_ch(c, false, why, len);
}

static int rtsig_open(struct pchan *c, char *why, size_t len)
{
	return sig_open_ch(c, true, why, len);
}

/* The sigval carries the length and the byte: a signal with no data is zero-length. */
static ssize_t sig_send_to(struct pchan *c, int signo, const void *buf, size_t len)
{
	struct sigc *p = c->priv;
	union sigval v = {
		.sival_int = (int)(len << 8 | (len ? *(const unsigned char *)buf : 0)),
	};

	c->nsys++;
	return sigqueue(p->target, signo, v) < 0 ? -errno : (ssize_t)len;
}

static ssize_t sig_send(struct pchan *c, const void *buf, size_t len, bool nb)
{
	return sig_send_to(c, ((struct sigc *)c->priv)->signo, buf, len);
}

static ssize_t rtsig_prio(struct pchan *c, const void *buf, size_t len, unsigned int prio)
{
	if (prio > 1024)
		return -EINVAL;	/* would overflow the signal number */
	return sig_send_to(c, SIGRTMIN + (int)prio, buf, len);
}

static ssize_t sig_recv(struct pchan *c, void *buf, size_t cap, bool nb)
{
	struct timespec zero = { 0, 0 };
	siginfo_t si;
	sigset_t set;
	size_t len;

	sig_set(&set);
	c->nsys++;
	if ((nb ? sigtimedwait(&set, &si, &zero) : sigwaitinfo(&set, &si)) < 0)
		return -errno;
	len = (size_t)si.si_value.sival_int >> 8;
	if (len && cap)
		*(unsigned char *)buf = (unsigned char)si.si_value.sival_int;
	return (ssize_t)len;
}

/* sigtimedwait with a timeout; sigqueue never waits, so there is no timed send. */
static ssize_t sig_recv_timed(struct pchan *c, void *buf, size_t cap, int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };
	siginfo_t si;
	sigset_t set;
	size_t len;

	sig_set(&set);
	c->nsys++;
	if (sigtimedwait(&set, &si, &t) < 0)
		return -errno;
	len = (size_t)si.si_value.sival_int >> 8;
	if (len && cap)
		*(unsigned char *)buf = (unsigned char)si.si_value.sival_int;
	return (ssize_t)len;
}

/* SigQ in /proc/self/status: signals queued for this user. */
static long sig_queued(struct pchan *c)
{
	long n = -1;

	proc_scan("/proc/self/status", "SigQ: %ld/", &n);
	return n;
}

/* The reader is a process: its exit leaves a pid that names nobody. */
static void sig_close_end(struct pchan *c, int end)
{
	struct sigc *p = c->priv;
	int status;
	pid_t pid;

	if (end != PE_READER)
		return;
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid(pid, &status, 0);
		p->target = pid;
	}
}

static void sig_destroy(struct pchan *c)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;

	sig_set(&set);
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
	free(c->priv);
	c->priv = NULL;
}

/* ---- shared memory: pages and a futex word, no kernel queue ---- */

#define SHM_LEN	4096

struct shmc {
	uint32_t *word;
	char name[64];
};

static int shm_open_ch(struct pchan *c, bool named, char *why, size_t len)
{
	struct shmc *p = calloc(1, sizeof(*p));
	int fd = -1;

	if (!p)
		return -1;
	c->priv = p;
	if (named) {
		snprintf(p->name, sizeof(p->name), "/ipcbench-props.%d.%d", (int)getpid(),
			 name_seq++);
		fd = shm_open(p->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || ftruncate(fd, SHM_LEN) < 0) {
			snprintf(why, len, "shm_open: %s", strerror(errno));
			return -1;
		}
		shm_unlink(p->name);
	}
	p->word = mmap(NULL, SHM_LEN, PROT_READ | PROT_WRITE,
		       MAP_SHARED | (named ? 0 : MAP_ANONYMOUS), fd, 0);
	if (fd >= 0)
		close(fd);
	if (p->word == MAP_FAILED) {
		p->word = NULL;
		snprintf(why, len, "mmap: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int shm_anon_open(struct pchan *c, char *why, size_t len)
{
	return shm_open_ch(c, false, why, len);
}

static int shm_named_open(struct pchan *c, char *why, size_t len)
{
	return shm_open_ch(c, true, why, len);
}

/* A waiter on the shared futex word, after the peer's exit. */
static int shm_peer_wait(struct pchan *c, char *out, size_t len)
{
	struct shmc *p = c->priv;
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	long r;

	r = syscall(SYS_futex, p->word, FUTEX_WAIT, *p->word, &ts, NULL, 0);
	snprintf(out, len, "FUTEX_WAIT %s", r < 0 && errno == ETIMEDOUT ? "times out" :
		 r < 0 ? strerror(errno) : "returns 0");
	return 0;
}

static void shm_close_end(struct pchan *c, int end)
{
}

static void shm_destroy(struct pchan *c)
{
	struct shmc *p = c->priv;

	if (p && p->word)
		munmap(p->word, SHM_LEN);
	free(p);
	c->priv = NULL;
}

static int shm_create(const char *name)
{
	char n[80];
	int fd;

	snprintf(n, sizeof(n), "/%s", name);
	fd = shm_open(n, O_RDWR | O_CREAT | O_EXCL, 0600);
	return fd < 0 ? -errno : 0;
}

static int shm_exists(const char *name)
{
	char n[80];
	int fd;

	snprintf(n, sizeof(n), "/%s", name);
	fd = shm_open(n, O_RDWR, 0);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	close(fd);
	return 1;
}

static void shm_unlink_name(const char *name)
{
	char n[80];

	snprintf(n, sizeof(n), "/%s", name);
	shm_unlink(n);
}

/* ---- ipcchan mailboxes ---- */

static int dev_open(char *why, size_t len)
{
	int fd = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		snprintf(why, len, "%s: %s (module not loaded?)", IPCCHAN_DEVICE_PATH,
			 strerror(errno));
	return fd;
}

static int ipcchan_available(char *why, size_t len)
{
	int fd = dev_open(why, len);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int mbox_open_name(int dev, const char *name, __u32 flags, __u32 policy)
{
	struct ipcchan_mbox_open op = {
		.size = sizeof(op),
		.flags = flags,
		.mode = 0600,
		.name = (__u64)(uintptr_t)name,
		.name_len = (__u32)strlen(name),
		.policy = policy,
	};

	return ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
}

static int obj_unlink(int dev, int type, const char *name)
{
	struct ipcchan_unlink u = {
		.size = sizeof(u),
		.type = (__u32)type,
		.name_len = (__u32)strlen(name),
		.name = (__u64)(uintptr_t)name,
	};

	return ioctl(dev, IPCCHAN_IOC_UNLINK, &u) < 0 ? -errno : 0;
}

/*
 * A writer fd and a reader fd on one mailbox at default capacity and
 * message size (rendezvous: capacity 0), then the name removed: the
 * mailbox is as anonymous as a pipe, so the peer-exit rows see what its
 * fds see.
 */
static int mbox_open_ch(struct pchan *c, char *why, size_t len)
{
	__u32 policy = (c->m->flags & PM_RENDEZVOUS) ? IPCCHAN_MBOX_RENDEZVOUS : IPCCHAN_MBOX_BLOCK;
	char name[64];
	int dev;

	if (fdc_new(c, false) < 0)
		return -1;
	dev = dev_open(why, len);
	if (dev < 0)
		return -1;
	snprintf(name, sizeof(name), "ipcbench-props.%d.%d", (int)getpid(), name_seq++);
	c->fd[PE_WRITER] = mbox_open_name(dev, name, IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL |
					  IPCCHAN_OPEN_WRITE, policy);
	c->fd[PE_READER] = mbox_open_name(dev, name, IPCCHAN_OPEN_READ, 0);
	if (c->fd[PE_WRITER] < 0 || c->fd[PE_READER] < 0) {
		snprintf(why, len, "IPCCHAN_IOC_MBOX_OPEN: %s", strerror(errno));
		obj_unlink(dev, IPCCHAN_OBJ_MAILBOX, name);
		close(dev);
		return -1;
	}
	obj_unlink(dev, IPCCHAN_OBJ_MAILBOX, name);
	close(dev);
	return 0;
}

/* One message through MBOX_SEND or MBOX_RECV; @ms >= 0: IPCCHAN_XFER_TIMEOUT. */
static ssize_t mbox_xfer_t(struct pchan *c, int end, void *buf, size_t len, unsigned int prio,
			   bool nb, int ms)
{
	struct ipcchan_mbox_msg m = {
		.buf = (__u64)(uintptr_t)buf, .len = (__u32)len, .prio = prio,
	};
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .flags = nb ? IPCCHAN_XFER_NONBLOCK : 0,
		.msgs = (__u64)(uintptr_t)&m, .count = 1, .msg_size = sizeof(m),
	};

	if (ms >= 0) {
		x.flags |= IPCCHAN_XFER_TIMEOUT;
		x.timeout_ns = (__u64)ms * 1000000ULL;
	}

	if (c->fd[end] < 0)
		return -EBADF;
	c->nsys++;
	if (ioctl(c->fd[end], end == PE_WRITER ? IPCCHAN_IOC_MBOX_SEND : IPCCHAN_IOC_MBOX_RECV,
		  &x) < 0)
		return -errno;
	return m.len;
}

static ssize_t mbox_xfer(struct pchan *c, int end, void *buf, size_t len, unsigned int prio,
			 bool nb)
{
	return mbox_xfer_t(c, end, buf, len, prio, nb, -1);
}

static ssize_t mbox_ioc_send_timed(struct pchan *c, const void *buf, size_t len, int ms)
{
	return mbox_xfer_t(c, PE_WRITER, (void *)buf, len, 0, false, ms);
}

static ssize_t mbox_ioc_recv_timed(struct pchan *c, void *buf, size_t cap, int ms)
{
	return mbox_xfer_t(c, PE_READER, buf, cap, 0, false, ms);
}

static ssize_t mbox_ioc_send(struct pchan *c, const void *buf, size_t len, bool nb)
{
	return mbox_xfer(c, PE_WRITER, (void *)buf, len, 0, nb);
}

static ssize_t mbox_ioc_prio(struct pchan *c, const void *buf, size_t len, unsigned int prio)
{
	return mbox_xfer(c, PE_WRITER, (void *)buf, len, prio, true);
}

static ssize_t mbox_ioc_recv(struct pchan *c, void *buf, size_t cap, bool nb)
{
	return mbox_xfer(c, PE_READER, buf, cap, 0, nb);
}

static int mbox_create_policy(const char *name, __u32 policy)
{
	char why[128];
	int dev = dev_open(why, sizeof(why)), fd;

	if (dev < 0)
		return -ENODEV;
	fd = mbox_open_name(dev, name, IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL |
			    IPCCHAN_OPEN_WRITE, policy);
	close(dev);
	return fd < 0 ? -errno : 0;
}

static int mbox_create(const char *name)
{
	return mbox_create_policy(name, IPCCHAN_MBOX_BLOCK);
}

static int mbox_rdv_create(const char *name)
{
	return mbox_create_policy(name, IPCCHAN_MBOX_RENDEZVOUS);
}

static int mbox_exists(const char *name)
{
	char why[128];
	int dev = dev_open(why, sizeof(why)), fd;

	if (dev < 0)
		return -ENODEV;
	fd = mbox_open_name(dev, name, IPCCHAN_OPEN_READ, 0);
	close(dev);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	close(fd);
	return 1;
}

static void mbox_unlink(const char *name)
{
	char why[128];
	int dev = dev_open(why, sizeof(why));

	if (dev >= 0) {
		obj_unlink(dev, IPCCHAN_OBJ_MAILBOX, name);
		close(dev);
	}
}

/* ---- ipcchan rings: a libipcchan consumer reading in place ---- */

#define RING_PAGES	16	/* the ipcchan CLI's default */

struct ringc {
	bool kprod;
	struct ipcchan_ring *prod, *cons;
	int nb;
};

static int ring_open_ch(struct pchan *c, bool kprod, char *why, size_t len)
{
	struct ringc *p = calloc(1, sizeof(*p));
	int dev, ret;

	if (!p)
		return -1;
	c->priv = p;
	p->kprod = kprod;
	p->nb = -1;
	dev = dev_open(why, len);
	if (dev < 0)
		return -1;
	c->fd[PE_WRITER] = ipcchan_ring_open(dev, NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_PRODUCER,
					     RING_PAGES,
					     kprod ? IPCCHAN_RING_KERNEL_PRODUCER : 0, 0600,
					     &c->fd[PE_READER]);
	close(dev);
	if (c->fd[PE_WRITER] < 0) {
		snprintf(why, len, "IPCCHAN_IOC_RING_OPEN: %s", strerror(-c->fd[PE_WRITER]));
		c->fd[PE_WRITER] = -1;
		return -1;
	}
	ret = ipcchan_ring_map(c->fd[PE_READER], &p->cons);
	if (!ret && !kprod)
		ret = ipcchan_ring_map(c->fd[PE_WRITER], &p->prod);
	if (ret) {
		snprintf(why, len, "ipcchan_ring_map: %s", strerror(-ret));
		return -1;
	}
	return 0;
}

static int ring_user_open(struct pchan *c, char *why, size_t len)
{
	return ring_open_ch(c, false, why, len);
}

static int ring_kprod_open(struct pchan *c, char *why, size_t len)
{
	return ring_open_ch(c, true, why, len);
}

/* A wait in IPCCHAN_IOC_RING_WAIT: -1 waits for ever, 0 only checks. */
static int64_t ring_timeout_ns(int ms)
{
	return ms < 0 ? -1 : (int64_t)ms * 1000000;
}

static ssize_t ring_send_t(struct pchan *c, const void *buf, size_t len, bool nb, int ms)
{
	struct ringc *p = c->priv;
	void *dst;
	int ret;

	if (c->fd[PE_WRITER] < 0)
		return -EBADF;
	if (p->kprod) {
		int fl = fcntl(c->fd[PE_WRITER], F_GETFL);

		if (p->nb != nb)
			fcntl(c->fd[PE_WRITER], F_SETFL, nb ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
		p->nb = nb;
		c->nsys++;
		return ret_errno(write(c->fd[PE_WRITER], buf, len));
	}
	for (;;) {
		ret = ipcchan_ring_reserve(p->prod, (uint32_t)len, &dst);
		if (ret != -EAGAIN)
			break;
		if (nb)
			return -EAGAIN;
		c->nsys++;
		ret = ipcchan_ring_wait(p->prod, ipcchan_ring_rec_total((uint32_t)len),
					ring_timeout_ns(ms));
		if (ret)
			return ret;
	}
	if (ret)
		return ret;
	memcpy(dst, buf, len);
	ret = ipcchan_ring_commit(p->prod);
	return ret ? ret : (ssize_t)len;
}

static ssize_t ring_recv_t(struct pchan *c, void *buf, size_t cap, bool nb, int ms)
{
	struct ringc *p = c->priv;
	const void *src;
	uint32_t len;
	int ret;

	if (!p->cons)
		return -EBADF;
	for (;;) {
		ret = ipcchan_ring_peek(p->cons, &src, &len);
		if (ret != -EAGAIN)
			break;
		/* Empty: a check-only wait tells a live producer from a gone one. */
		c->nsys++;
		ret = ipcchan_ring_wait(p->cons, 0, nb ? 0 : ring_timeout_ns(ms));
		if (ret == -ETIMEDOUT && nb)
			return -EAGAIN;
		if (ret)
			return ret;
	}
	if (ret)
		return ret;
	memcpy(buf, src, len < cap ? len : cap);
	ret = ipcchan_ring_release(p->cons);
	return ret ? ret : (ssize_t)len;
}

static ssize_t ring_send(struct pchan *c, const void *buf, size_t len, bool nb)
{
	return ring_send_t(c, buf, len, nb, -1);
}

static ssize_t ring_recv(struct pchan *c, void *buf, size_t cap, bool nb)
{
	return ring_recv_t(c, buf, cap, nb, -1);
}

/* The ring's producer and consumer wait with the timeout of RING_WAIT. */
static ssize_t ring_send_timed(struct pchan *c, const void *buf, size_t len, int ms)
{
	return ring_send_t(c, buf, len, false, ms);
}

static ssize_t ring_recv_timed(struct pchan *c, void *buf, size_t cap, int ms)
{
	return ring_recv_t(c, buf, cap, false, ms);
}

static void ring_close_end(struct pchan *c, int end)
{
	struct ringc *p = c->priv;
	struct ipcchan_ring **r = end == PE_WRITER ? &p->prod : &p->cons;

	if (*r)
		ipcchan_ring_unmap(*r);
	*r = NULL;
	fd_close_end(c, end);
}

static void ring_destroy(struct pchan *c)
{
	if (c->priv) {
		ring_close_end(c, PE_WRITER);
		ring_close_end(c, PE_READER);
	}
	free(c->priv);
	c->priv = NULL;
}

static int ring_create(const char *name)
{
	char why[128];
	int dev = dev_open(why, sizeof(why)), fd;

	if (dev < 0)
		return -ENODEV;
	fd = ipcchan_ring_open(dev, name, IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL,
			       IPCCHAN_RING_PRODUCER, RING_PAGES, 0, 0600, NULL);
	close(dev);
	return fd < 0 ? fd : 0;
}

static int ring_exists(const char *name)
{
	char why[128];
	int dev = dev_open(why, sizeof(why)), fd;

	if (dev < 0)
		return -ENODEV;
	fd = ipcchan_ring_open(dev, name, 0, IPCCHAN_RING_CONSUMER, 0, 0, 0, NULL);
	close(dev);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	close(fd);
	return 1;
}

static void ring_unlink(const char *name)
{
	char why[128];
	int dev = dev_open(why, sizeof(why));

	if (dev >= 0) {
		ipcchan_ring_unlink(dev, name);
		close(dev);
	}
}

/* ---- the table ---- */

#define FD_OPS	.send = fd_send, .recv = fd_recv, .close_end = fd_close_end, \
		.destroy = fd_destroy
#define SOCK_OPS	FD_OPS, .send_timed = sock_send_timed, .recv_timed = sock_recv_timed

static const struct pmech pm_pipe = {
	.name = "pipe", .bench = "pipe", .desc = "pipe(2)", FD_OPS, .open = pipe_open,
	.copies = "2 (user -> pipe page -> user)",
};
static const struct pmech pm_fifo = {
	.name = "fifo", .bench = "fifo", .desc = "mkfifo(3) in /tmp", FD_OPS,
	.flags = PM_NAMED, .open = fifo_open, .named_create = fifo_create,
	.named_exists = fifo_exists, .named_unlink = fifo_unlink,
	.copies = "2 (user -> pipe page -> user)",
};
static const struct pmech pm_ustream = {
	.name = "unix-stream", .bench = "unix-stream", .desc = "AF_UNIX SOCK_STREAM socketpair",
	SOCK_OPS, .open = ustream_open, .copies = "2 (user -> skb -> user)",
};
static const struct pmech pm_udgram = {
	.name = "unix-dgram", .bench = "unix-dgram", .desc = "AF_UNIX SOCK_DGRAM socketpair",
	SOCK_OPS, .open = udgram_open, .copies = "2 (user -> skb -> user)",
};
static const struct pmech pm_useq = {
	.name = "unix-seqpacket", .bench = "unix-seqpacket",
	.desc = "AF_UNIX SOCK_SEQPACKET socketpair", SOCK_OPS, .open = useq_open,
	.copies = "2 (user -> skb -> user)",
};
static const struct pmech pm_tcp = {
	.name = "tcp", .bench = "tcp", .desc = "TCP over 127.0.0.1", .send = fd_send,
	.recv = tcp_recv, .settle = tcp_settle, .close_end = fd_close_end, .destroy = fd_destroy, .open = tcp_open,
	.send_timed = sock_send_timed, .recv_timed = sock_recv_timed,
	.flags = PM_VOLATILE, .fill_max = 16384,
	.copies = "2 (user -> skb -> user)",
};
static const struct pmech pm_udp = {
	.name = "udp", .desc = "UDP over 127.0.0.1, connected sockets", SOCK_OPS,
	.open = udp_open, .queued = sock_rmem, .copies = "2 (user -> skb -> user)",
};
static const struct pmech pm_mq = {
	.name = "posix-mq", .bench = "posix-mq",
	.desc = "POSIX mq, fs.mqueue.msg_default messages of the probe's size",
	.open = mq_open_ch, .send = mq_send_ch, .recv = mq_recv_ch, .send_prio = mq_prio_ch,
	.send_timed = mq_send_timed, .recv_timed = mq_recv_timed,
	.close_end = fd_close_end, .destroy = mq_destroy, .flags = PM_NAMED,
	.named_create = mq_create, .named_exists = mq_exists, .named_unlink = mq_unlink_name,
	.copies = "2 (user -> msg_msg -> user)",
};
static const struct pmech pm_sysv = {
	.name = "sysv-msg", .bench = "sysv-msg", .desc = "SysV msgsnd/msgrcv, IPC_PRIVATE queue",
	.open = sysv_open, .send = sysv_send, .recv = sysv_recv, .queued = sysv_queued,
	.close_end = sysv_close_end, .destroy = sysv_destroy, .flags = PM_NAMED,
	.named_create = sysv_create, .named_exists = sysv_exists, .named_unlink = sysv_unlink,
	.copies = "2 (user -> msg_msg -> user)",
};
static const struct pmech pm_shm = {
	.name = "shm-futex", .also = "shm-eventfd", .bench = "shm-futex",
	.desc = "anonymous MAP_SHARED memory, futex wakeups", .flags = PM_NOQUEUE,
	.open = shm_anon_open, .peer_wait = shm_peer_wait, .close_end = shm_close_end,
	.destroy = shm_destroy, .copies = "1 (the sender writes the shared page)",
};
static const struct pmech pm_shm_named = {
	.name = "shm-named", .desc = "shm_open(3) memory, futex wakeups",
	.flags = PM_NOQUEUE | PM_NAMED, .open = shm_named_open, .peer_wait = shm_peer_wait,
	.close_end = shm_close_end, .destroy = shm_destroy, .named_create = shm_create,
	.named_exists = shm_exists, .named_unlink = shm_unlink_name,
	.copies = "1 (the sender writes the shared page)",
};
static const struct pmech pm_signal = {
	.name = "signal", .desc = "SIGUSR1 by sigqueue(3), blocked and taken by sigtimedwait(2)",
	.flags = PM_SINGLE | PM_SIGINFO, .max_size = 1, .max_why = "a signal carries one sigval word",
	.open = sig_open, .send = sig_send, .recv = sig_recv, .recv_timed = sig_recv_timed,
	.queued = sig_queued,
	.close_end = sig_close_end, .destroy = sig_destroy,
	.copies = "0 (the sigval travels in a siginfo)",
};
static const struct pmech pm_rtsignal = {
	.name = "rt-signal", .desc = "SIGRTMIN.. by sigqueue(3), taken by sigtimedwait(2)",
	.flags = PM_SINGLE | PM_SIGINFO, .max_size = 1, .max_why = "a signal carries one sigval word",
	.open = rtsig_open, .send = sig_send, .recv = sig_recv, .send_prio = rtsig_prio,
	.recv_timed = sig_recv_timed,
	.queued = sig_queued, .close_end = sig_close_end, .destroy = sig_destroy,
	.copies = "0 (the sigval travels in a siginfo)",
};
static const struct pmech pm_mbox_rw = {
	.name = "mbox-rw", .bench = "mbox-rw", .desc = "ipcchan mailbox, read()/write(), defaults",
	.available = ipcchan_available, FD_OPS, .open = mbox_open_ch, .flags = PM_NAMED,
	.named_create = mbox_create, .named_exists = mbox_exists, .named_unlink = mbox_unlink,
	.copies = "2 (user -> reserved slot -> user)",
};
static const struct pmech pm_mbox_ioctl = {
	.name = "mbox-ioctl", .also = "mbox-batch", .bench = "mbox-ioctl",
	.desc = "ipcchan mailbox, MBOX_SEND/RECV ioctls, defaults",
	.available = ipcchan_available, .open = mbox_open_ch, .send = mbox_ioc_send,
	.recv = mbox_ioc_recv, .send_prio = mbox_ioc_prio, .close_end = fd_close_end,
	.send_timed = mbox_ioc_send_timed, .recv_timed = mbox_ioc_recv_timed,
	.destroy = fd_destroy, .flags = PM_NAMED, .named_create = mbox_create,
	.named_exists = mbox_exists, .named_unlink = mbox_unlink,
	.copies = "2 (user -> reserved slot -> user)",
};
/* Needs IPCCHAN_FEAT_RENDEZVOUS, not only a module. */
static int rdv_available(char *why, size_t len)
{
	return bench_feature_available(IPCCHAN_FEAT_RENDEZVOUS, "rendezvous mailboxes",
				       why, len);
}

static const struct pmech pm_mbox_rdv = {
	.name = "mbox-rendezvous", .bench = "mbox-rendezvous",
	.desc = "ipcchan mailbox, policy rendezvous (capacity 0), MBOX_SEND/RECV ioctls",
	.available = rdv_available, .open = mbox_open_ch, .send = mbox_ioc_send,
	.recv = mbox_ioc_recv, .send_prio = mbox_ioc_prio, .close_end = fd_close_end,
	.send_timed = mbox_ioc_send_timed, .recv_timed = mbox_ioc_recv_timed,
	.destroy = fd_destroy, .flags = PM_NAMED | PM_RENDEZVOUS,
	.named_create = mbox_rdv_create, .named_exists = mbox_exists,
	.named_unlink = mbox_unlink,
	.copies = "2 (user -> the offered slot -> user)",
};
static const struct pmech pm_ring = {
	.name = "ring", .also = "ring-busy, ring-kickfd", .bench = "ring",
	.desc = "ipcchan ring of 16 pages, libipcchan producer and consumer",
	.available = ipcchan_available, .flags = PM_NAMED | PM_INPLACE,
	.open = ring_user_open, .send = ring_send, .recv = ring_recv,
	.send_timed = ring_send_timed, .recv_timed = ring_recv_timed,
	.close_end = ring_close_end, .destroy = ring_destroy, .named_create = ring_create,
	.named_exists = ring_exists, .named_unlink = ring_unlink,
	.copies = "1 (the producer writes the mapped ring; read in place)",
};
static const struct pmech pm_ring_write = {
	.name = "ring-write", .bench = "ring-write",
	.desc = "ipcchan ring of 16 pages, kernel write() producer, libipcchan consumer",
	.available = ipcchan_available, .flags = PM_INPLACE,
	.open = ring_kprod_open, .send = ring_send, .recv = ring_recv,
	.recv_timed = ring_recv_timed,
	.close_end = ring_close_end, .destroy = ring_destroy,
	.copies = "1 (write() copies into the ring; read in place)",
};

const struct pmech *const props_mechs[] = {
	&pm_pipe, &pm_fifo, &pm_ustream, &pm_udgram, &pm_useq, &pm_tcp, &pm_udp,
	&pm_mq, &pm_sysv, &pm_shm, &pm_shm_named, &pm_signal, &pm_rtsignal,
	&pm_mbox_rw, &pm_mbox_ioctl, &pm_mbox_rdv, &pm_ring, &pm_ring_write, NULL,
};

const struct pmech *props_find(const char *name)
{
	int i;

	for (i = 0; props_mechs[i]; i++)
		if (!strcmp(props_mechs[i]->name, name))
			return props_mechs[i];
	return NULL;
}
