// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel buffers at their default settings, and where an unprivileged
 * user reads how full each one is (see bufobj.h):
 *
 *   pipe, fifo         FIONREAD on the read end: bytes queued
 *   unix-stream,       SIOCINQ on the receiver: bytes queued; aux: SIOCOUTQ
 *   unix-seqpacket     on the sender (the truesize its skbs hold)
 *   unix-dgram         SIOCOUTQ on the sender: the truesize of the queued
 *                      datagrams, which is what SO_SNDBUF limits (SIOCINQ
 *                      only gives the length of the first; it is aux)
 *   tcp                SIOCINQ on the receiver + SIOCOUTQNSD on the sender
 *                      (received and not read, plus not yet sent); aux:
 *                      SIOCOUTQ (not yet acknowledged)
 *   posix-mq           mq_getattr(): mq_curmsgs
 *   sysv-msg           msgctl(IPC_STAT): msg_qnum; aux: msg_cbytes
 *   mbox-*             IPCCHAN_IOC_MBOX_GET_STATS: depth, msgs_dropped;
 *                      senders_blocked is the writer-blocked signal
 *   ring               the producer and consumer positions, read from the
 *                      ring's control pages mapped read-only; the
 *                      producer's waiting word is the writer-blocked signal
 *
 * Everything is read through the object's own fds or mappings, so no
 * privilege is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipcchan.h>
#include <linux/sockios.h>

#include "bench.h"
#include "bufobj.h"
#include "ipcchan.h"

#define RING_BYTES	262144

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int set_nonblock(int fd, int *state, bool nb)
{
	int fl;

	if (*state == nb)
		return 0;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, nb ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) < 0)
		return -1;
	*state = nb;
	return 0;
}

static int ioctl_int(int fd, unsigned long req)
{
	int v = 0;

	return ioctl(fd, req, &v) < 0 ? -1 : v;
}

/* ---- pipe and FIFO ---- */

static int pipe_open(struct bufobj *o, char *why, size_t len)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		return -1;
	}
	o->rfd = p[0];
	o->wfd = p[1];
	return 0;
}

static int fifo_open(struct bufobj *o, char *why, size_t len)
{
	static int serial;
	char path[64];

	snprintf(path, sizeof(path), "/tmp/ipcbench-tl-%d-%d.fifo", (int)getpid(), serial++);
	unlink(path);
	if (mkfifo(path, 0600) < 0) {
		snprintf(why, len, "mkfifo %s: %s", path, strerror(errno));
		return -1;
	}
	/* Read end first without blocking, then the write end succeeds. */
	o->rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	o->rnb = 1;
	if (o->rfd >= 0)
		o->wfd = open(path, O_WRONLY | O_CLOEXEC);
	if (o->rfd < 0 || o->wfd < 0)
		snprintf(why, len, "open %s: %s", path, strerror(errno));
	unlink(path);	/* the fds keep it */
	return o->wfd < 0 ? -1 : 0;
}

static void fd_attach(struct bufobj *o, enum bufobj_role role)
{
	if (role == BO_PRODUCER)
		close_fd(&o->rfd);
	else if (role == BO_CONSUMER)
		close_fd(&o->wfd);
}

static ssize_t pipe_send(struct bufobj *o, const void *buf, size_t len, bool nb)
{
	if (set_nonblock(o->wfd, &o->wnb, nb) < 0)
		return -1;
	return write(o->wfd, buf, len);
}

static ssize_t pipe_recv(struct bufobj *o, void *buf, size_t len, bool nb)
{
	if (set_nonblock(o->rfd, &o->rnb, nb) < 0)
		return -1;
	return read(o->rfd, buf, len);
}

static int pipe_sample(struct bufobj *o, struct bufobj_sample *s)
{
	int n = ioctl_int(o->rfd, FIONREAD);

	s->level = n;
	return n < 0 ? -1 : 0;
}

static void fd_close(struct bufobj *o)
{
	close_fd(&o->wfd);
	close_fd(&o->rfd);
}

/* ---- sockets ---- */

static int unix_open(struct bufobj *o, int type, char *why, size_t len)
{
	int sv[2];

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(why, len, "socketpair: %s", strerror(errno));
		return -1;
	}
	o->wfd = sv[0];
	o->rfd = sv[1];
	return 0;
}

static int ustream_open(struct bufobj *o, char *why, size_t len)
{
	return unix_open(o, SOCK_STREAM, why, len);
}

static int udgram_open(struct bufobj *o, char *why, size_t len)
{
	return unix_open(o, SOCK_DGRAM, why, len);
}

static int useqp_open(struct bufobj *o, char *why, size_t len)
{
	return unix_open(o, SOCK_SEQPACKET, why, len);
}

/* A loopback connection with default settings: wfd connects, rfd accepted. */
static int tcp_open(struct bufobj *o, char *why, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&sa, &sl) < 0)
		goto fail;
	o->wfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (o->wfd < 0 || connect(o->wfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	o->rfd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (o->rfd < 0)
		goto fail;
	close(l);
	return 0;
fail:
	snprintf(why, len, "no TCP over 127.0.0.1 (is lo up?): %s", strerror(errno));
	if (l >= 0)
		close(l);
	fd_close(o);
	return 1;
}

static ssize_t sock_send(struct bufobj *o, const void *buf, size_t len, bool nb)
{
	return send(o->wfd, buf, len, MSG_NOSIGNAL | (nb ? MSG_DONTWAIT : 0));
}

static ssize_t sock_recv(struct bufobj *o, void *buf, size_t len, bool nb)
{
	return recv(o->rfd, buf, len, nb ? MSG_DONTWAIT : 0);
}

static int inq_sample(struct bufobj *o, struct bufobj_sample *s)
{
	int in = ioctl_int(o->rfd, SIOCINQ), out = ioctl_int(o->wfd, SIOCOUTQ);

	s->level = in;
	s->aux = out;
	return in < 0 || out < 0 ? -1 : 0;
}

static int outq_sample(struct bufobj *o, struct bufobj_sample *s)
{
	int in = ioctl_int(o->rfd, SIOCINQ), out = ioctl_int(o->wfd, SIOCOUTQ);

	s->level = out;
	s->aux = in;
	return in < 0 || out < 0 ? -1 : 0;
}

static int tcp_sample(struct bufobj *o, struct bufobj_sample *s)
{
	int in = ioctl_int(o->rfd, SIOCINQ), nsd = ioctl_int(o->wfd, SIOCOUTQNSD);
	int out = ioctl_int(o->wfd, SIOCOUTQ);

	s->level = in + nsd;
	s->aux = out;
	return in < 0 || nsd < 0 || out < 0 ? -1 : 0;
}

/* ---- POSIX mq: wfd is a blocking descriptor, rfd an O_NONBLOCK one ---- */

static int mq_open2(struct bufobj *o, char *why, size_t len)
{
	struct mq_attr a = { .mq_msgsize = (long)o->size };
	unsigned long maxmsg = 10;
	static int serial;
	char name[64];

	read_sysctl_ul("/proc/sys/fs/mqueue/msg_max", &maxmsg);
	a.mq_maxmsg = (long)maxmsg;
	snprintf(name, sizeof(name), "/ipcbench-tl-%d-%d", (int)getpid(), serial++);
	o->wfd = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	if (o->wfd < 0) {
		snprintf(why, len, "mq_open(maxmsg %ld, msgsize %ld): %s", a.mq_maxmsg,
			 a.mq_msgsize, strerror(errno));
		return errno == ENOSYS ? 1 : -1;
	}
	o->rfd = mq_open(name, O_RDWR | O_NONBLOCK);
	mq_unlink(name);
	if (o->rfd < 0) {
		snprintf(why, len, "mq_open: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void both_attach(struct bufobj *o, enum bufobj_role role)
{
}

static ssize_t mq_send2(struct bufobj *o, const void *buf, size_t len, bool nb)
{
	return mq_send(nb ? o->rfd : o->wfd, buf, len, 0) < 0 ? -1 : (ssize_t)len;
}

static ssize_t mq_recv2(struct bufobj *o, void *buf, size_t len, bool nb)
{
	return mq_receive(nb ? o->rfd : o->wfd, buf, len, NULL);
}

static int mq_sample(struct bufobj *o, struct bufobj_sample *s)
{
	struct mq_attr a;

	if (mq_getattr(o->rfd, &a) < 0)
		return -1;
	s->level = (double)a.mq_curmsgs;
	return 0;
}

/* ---- SysV msg ---- */

static int sysv_open(struct bufobj *o, char *why, size_t len)
{
	o->mbuf = malloc(sizeof(long) + o->size);
	o->id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (!o->mbuf || o->id < 0) {
		snprintf(why, len, "msgget: %s", strerror(errno));
		return errno == ENOSYS ? 1 : -1;
	}
	return 0;
}

static ssize_t sysv_send(struct bufobj *o, const void *buf, size_t len, bool nb)
{
	long mtype = 1;

	memcpy(o->mbuf, &mtype, sizeof(mtype));
	memcpy(o->mbuf + sizeof(long), buf, len);
	return msgsnd(o->id, o->mbuf, len, nb ? IPC_NOWAIT : 0) < 0 ? -1 : (ssize_t)len;
}

static ssize_t sysv_recv(struct bufobj *o, void *buf, size_t len, bool nb)
{
	ssize_t n = msgrcv(o->id, o->mbuf, len, 0, nb ? IPC_NOWAIT : 0);

	if (n > 0)
		memcpy(buf, o->mbuf + sizeof(long), (size_t)n);
	return n;
}

static int sysv_sample(struct bufobj *o, struct bufobj_sample *s)
{
	struct msqid_ds ds;

	if (msgctl(o->id, IPC_STAT, &ds) < 0)
		return -1;
	s->level = (double)ds.msg_qnum;
	s->aux = (double)ds.msg_cbytes;
	return 0;
}

static void sysv_close(struct bufobj *o)
{
	if (o->id >= 0)
		msgctl(o->id, IPC_RMID, NULL);
	o->id = -1;
	free(o->mbuf);
	o->mbuf = NULL;
}

/* ---- ipcchan ---- */

static int dev_feature(uint64_t feat, char *why, size_t len)
{
	struct ipcchan_info info = { .size = sizeof(info) };
	int dev = ipcchan_dev_open(), ret;

	if (dev < 0) {
		snprintf(why, len, "no %s (%s): module not loaded", IPCCHAN_DEVICE_PATH,
			 strerror(-dev));
		return 1;
	}
	ret = ioctl(dev, IPCCHAN_IOC_GET_INFO, &info);
	if (ret < 0 || !(info.features & feat)) {
		snprintf(why, len, "module lacks the feature (GET_INFO: %s)",
			 ret < 0 ? strerror(errno) : "bit not set");
		close(dev);
		return 1;
	}
	return dev;
}

static int mbox_open(struct bufobj *o, char *why, size_t len)
{
	struct ipcchan_mbox_open op = {
		.size = sizeof(op),
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE,
		.mode = 0600,
		.capacity = IPCCHAN_MBOX_DEFAULT_CAPACITY,
		.msgsize_max = (__u32)o->size,
		.policy = (__u32)o->type->policy,
	};
	int dev = dev_feature(IPCCHAN_FEAT_MAILBOX, why, len);

	if (dev <= 1)
		return 1;
	o->wfd = o->rfd = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
	if (o->wfd < 0)
		snprintf(why, len, "IPCCHAN_IOC_MBOX_OPEN: %s", strerror(errno));
	close(dev);
	return o->wfd < 0 ? -1 : 0;
}

static int mbox_xfer(struct bufobj *o, unsigned long req, void *buf, size_t len)
{
	struct ipcchan_mbox_msg m = { .buf = (uintptr_t)buf, .len = (__u32)len };
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .flags = IPCCHAN_XFER_NONBLOCK,
		.msgs = (uintptr_t)&m, .count = 1, .msg_size = sizeof(m),
	};

	return ioctl(o->wfd, req, &x) == 1 ? (int)m.len : -1;
}

/* Blocking: write() and read(), the plain idiom; non-blocking: the ioctls. */
static ssize_t mbox_send(struct bufobj *o, const void *buf, size_t len, bool nb)
{
	if (nb)
		return mbox_xfer(o, IPCCHAN_IOC_MBOX_SEND, (void *)buf, len) < 0 ? -1 :
			(ssize_t)len;
	return write(o->wfd, buf, len);
}

static ssize_t mbox_recv(struct bufobj *o, void *buf, size_t len, bool nb)
{
	if (nb)
		return mbox_xfer(o, IPCCHAN_IOC_MBOX_RECV, buf, len);
	return read(o->wfd, buf, len);
}

static int mbox_sample(struct bufobj *o, struct bufobj_sample *s)
{
	struct ipcchan_mbox_stats st = { .size = sizeof(st) };

	if (ioctl(o->wfd, IPCCHAN_IOC_MBOX_GET_STATS, &st) < 0)
		return -1;
	s->level = st.depth;
	s->aux = st.senders_blocked;
	s->dropped = (int64_t)st.msgs_dropped;
	s->blocked = st.senders_blocked > 0;
	return 0;
}

static void mbox_close(struct bufobj *o)
{
	close_fd(&o->wfd);
	o->rfd = -1;
}

/*
 * A ring: wfd is the producer fd, rfd the consumer fd. Both control pages
 * are mapped read-only from the consumer fd at open, before any fork, so
 * every process can read the positions without a system call.
 */
static int ring_open(struct bufobj *o, char *why, size_t len)
{
	struct ipcchan_ring_info ri = { .size = sizeof(ri) };
	int dev = dev_feature(IPCCHAN_FEAT_RING, why, len), i;

	if (dev <= 1)
		return 1;
	o->wfd = ipcchan_ring_open(dev, NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_PRODUCER,
				   RING_BYTES / 4096, 0, 0600, &o->rfd);
	close(dev);
	if (o->wfd < 0 || ioctl(o->rfd, IPCCHAN_IOC_RING_GET_INFO, &ri) < 0) {
		snprintf(why, len, "ring open/info: %s",
			 strerror(o->wfd < 0 ? -o->wfd : errno));
		if (o->wfd < 0)
			o->wfd = o->rfd = -1;
		return -1;
	}
	for (i = 0; i < 2; i++) {
		o->maplen[i] = ri.off.ctrl_len;
		o->map[i] = mmap(NULL, ri.off.ctrl_len, PROT_READ, MAP_SHARED, o->rfd,
				 (off_t)(i ? ri.off.cons_off : ri.off.prod_off));
		if (o->map[i] == MAP_FAILED) {
			o->map[i] = NULL;
			snprintf(why, len, "mmap control page: %s", strerror(errno));
			return -1;
		}
	}
	o->ppos = (const uint32_t *)((char *)o->map[0] + ri.off.pos);
	o->pwait = (const uint32_t *)((char *)o->map[0] + ri.off.waiting);
	o->cpos = (const uint32_t *)((char *)o->map[1] + ri.off.pos);
	/* Both sides mapped until attach: bufobj_open() calibrates with both. */
	i = ipcchan_ring_map(o->wfd, &o->prod);
	if (!i)
		i = ipcchan_ring_map(o->rfd, &o->cons);
	if (i) {
		snprintf(why, len, "ipcchan_ring_map: %s", strerror(-i));
		return -1;
	}
	return 0;
}

static void ring_attach(struct bufobj *o, enum bufobj_role role)
{
	if (role == BO_BOTH)
		return;
	/* The sampler reads the pages mapped at open and needs no fd. */
	if (role != BO_PRODUCER && o->prod) {
		ipcchan_ring_unmap(o->prod);
		o->prod = NULL;
		close_fd(&o->wfd);
	}
	if (role != BO_CONSUMER && o->cons) {
		ipcchan_ring_unmap(o->cons);
		o->cons = NULL;
		close_fd(&o->rfd);
	}
}

static ssize_t ring_send(struct bufobj *o, const void *buf, size_t len, bool nb)
{
	int ret;

	if (!o->prod)
		return errno = EBADF, -1;
	while ((ret = ipcchan_ring_send(o->prod, buf, (uint32_t)len)) == -EAGAIN && !nb) {
		/* Sleeps (waiting word set) until room for a max record. */
		ret = ipcchan_ring_wait(o->prod, 0, -1);
		if (ret)
			break;
	}
	if (ret)
		return errno = -ret, -1;
	return (ssize_t)len;
}

static ssize_t ring_recv(struct bufobj *o, void *buf, size_t len, bool nb)
{
	const void *p;
	uint32_t n;
	int ret;

	if (!o->cons)
		return errno = EBADF, -1;
	while ((ret = ipcchan_ring_peek(o->cons, &p, &n)) == -EAGAIN && !nb) {
		ret = ipcchan_ring_wait(o->cons, 0, -1);
		if (ret)
			break;
	}
	if (ret)
		return errno = -ret, -1;
	memcpy(buf, p, n < len ? n : len);
	ipcchan_ring_release(o->cons);
	return n;
}

static int ring_sample(struct bufobj *o, struct bufobj_sample *s)
{
	/* The consumer position first: the level is then never too low. */
	uint32_t c = __atomic_load_n(o->cpos, __ATOMIC_ACQUIRE);
	uint32_t p = __atomic_load_n(o->ppos, __ATOMIC_ACQUIRE);
	uint32_t w = __atomic_load_n(o->pwait, __ATOMIC_RELAXED);

	s->level = (uint32_t)(p - c);
	s->aux = w;
	s->blocked = w != 0;
	return 0;
}

static void ring_close(struct bufobj *o)
{
	int i;

	if (o->prod)
		ipcchan_ring_unmap(o->prod);
	if (o->cons)
		ipcchan_ring_unmap(o->cons);
	o->prod = o->cons = NULL;
	for (i = 0; i < 2; i++)
		if (o->map[i])
			munmap(o->map[i], o->maplen[i]);
	o->map[0] = o->map[1] = NULL;
	fd_close(o);
}

/* ---- the table ---- */

#define PROC_BLOCKED	NULL	/* writer blocked: /proc/PID/stat + syscall only */

static const struct bufobj_type bo_pipe = {
	.name = "pipe", .desc = "pipe(2), default size",
	.level_src = "FIONREAD (bytes)", .send_nr = SYS_write, .stream = true,
	.open = pipe_open, .attach = fd_attach, .send = pipe_send, .recv = pipe_recv,
	.sample = pipe_sample, .close = fd_close,
};

static const struct bufobj_type bo_fifo = {
	.name = "fifo", .desc = "mkfifo(3) in /tmp, default size",
	.level_src = "FIONREAD (bytes)", .send_nr = SYS_write, .stream = true,
	.open = fifo_open, .attach = fd_attach, .send = pipe_send, .recv = pipe_recv,
	.sample = pipe_sample, .close = fd_close,
};

static const struct bufobj_type bo_ustream = {
	.name = "unix-stream", .desc = "AF_UNIX SOCK_STREAM socketpair, default buffers",
	.level_src = "SIOCINQ on the receiver (bytes)",
	.aux_src = "SIOCOUTQ on the sender (skb truesize)",
	.send_nr = SYS_sendto, .stream = true,
	.open = ustream_open, .attach = fd_attach, .send = sock_send, .recv = sock_recv,
	.sample = inq_sample, .close = fd_close,
};

static const struct bufobj_type bo_udgram = {
	.name = "unix-dgram", .desc = "AF_UNIX SOCK_DGRAM socketpair, default buffers",
	.level_src = "SIOCOUTQ on the sender (skb truesize)",
	.aux_src = "SIOCINQ on the receiver (first datagram's length)",
	.send_nr = SYS_sendto,
	.open = udgram_open, .attach = fd_attach, .send = sock_send, .recv = sock_recv,
	.sample = outq_sample, .close = fd_close,
};

static const struct bufobj_type bo_useqp = {
	.name = "unix-seqpacket", .desc = "AF_UNIX SOCK_SEQPACKET socketpair, default buffers",
	.level_src = "SIOCINQ on the receiver (bytes)",
	.aux_src = "SIOCOUTQ on the sender (skb truesize)",
	.send_nr = SYS_sendto,
	.open = useqp_open, .attach = fd_attach, .send = sock_send, .recv = sock_recv,
	.sample = inq_sample, .close = fd_close,
};

static const struct bufobj_type bo_tcp = {
	.name = "tcp", .desc = "TCP over 127.0.0.1, default (autotuned) buffers",
	.level_src = "SIOCINQ on the receiver + SIOCOUTQNSD on the sender (bytes)",
	.aux_src = "SIOCOUTQ on the sender (unacknowledged bytes)",
	.send_nr = SYS_sendto, .stream = true,
	.open = tcp_open, .attach = fd_attach, .send = sock_send, .recv = sock_recv,
	.sample = tcp_sample, .close = fd_close,
};

static const struct bufobj_type bo_mq = {
	.name = "posix-mq", .desc = "POSIX mq at fs.mqueue.msg_max messages",
	.level_src = "mq_getattr() mq_curmsgs (messages)", .send_nr = SYS_mq_timedsend,
	.open = mq_open2, .attach = both_attach, .send = mq_send2, .recv = mq_recv2,
	.sample = mq_sample, .close = fd_close,
};

static const struct bufobj_type bo_sysv = {
	.name = "sysv-msg", .desc = "SysV message queue at kernel.msgmnb bytes",
	.level_src = "msgctl(IPC_STAT) msg_qnum (messages)",
	.aux_src = "msgctl(IPC_STAT) msg_cbytes (bytes)", .send_nr = SYS_msgsnd,
	.open = sysv_open, .attach = both_attach, .send = sysv_send, .recv = sysv_recv,
	.sample = sysv_sample, .close = sysv_close,
};

#define MBOX_TYPE(nm, pol, d)						\
	{								\
		.name = nm, .desc = d, .policy = pol,			\
		.drops = pol != IPCCHAN_MBOX_BLOCK,			\
		.level_src = "MBOX_GET_STATS depth (messages)",		\
		.aux_src = "MBOX_GET_STATS senders_blocked",		\
		.blocked_src = "MBOX_GET_STATS senders_blocked > 0",	\
		.send_nr = SYS_write,					\
		.open = mbox_open, .attach = both_attach,		\
		.send = mbox_send, .recv = mbox_recv,			\
		.sample = mbox_sample, .close = mbox_close,		\
	}

static const struct bufobj_type bo_mbox[] = {
	MBOX_TYPE("mbox-block", IPCCHAN_MBOX_BLOCK,
		  "ipcchan mailbox, default capacity, block when full"),
	MBOX_TYPE("mbox-drop-newest", IPCCHAN_MBOX_DROP_NEWEST,
		  "ipcchan mailbox, default capacity, drop the newest when full"),
	MBOX_TYPE("mbox-drop-oldest", IPCCHAN_MBOX_DROP_OLDEST,
		  "ipcchan mailbox, default capacity, drop the oldest when full"),
};

static const struct bufobj_type bo_ring = {
	.name = "ring", .desc = "ipcchan ring of 256 KiB, libipcchan, sleeps in RING_WAIT",
	.level_src = "producer pos - consumer pos, mapped control pages (ring bytes)",
	.aux_src = "producer page waiting word (free bytes it waits for)",
	.blocked_src = "producer page waiting word != 0",
	.send_nr = SYS_ioctl,
	.open = ring_open, .attach = ring_attach, .send = ring_send, .recv = ring_recv,
	.sample = ring_sample, .close = ring_close,
};

const struct bufobj_type *const bufobj_types[] = {
	&bo_pipe, &bo_fifo, &bo_mq, &bo_sysv, &bo_ustream, &bo_udgram, &bo_useqp,
	&bo_tcp, &bo_mbox[0], &bo_mbox[1], &bo_mbox[2], &bo_ring, NULL,
};

const struct bufobj_type *bufobj_find(const char *name)
{
	int i;

	for (i = 0; bufobj_types[i]; i++)
		if (!strcmp(bufobj_types[i]->name, name))
			return bufobj_types[i];
	return NULL;
}

static void nap_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

int bufobj_sample(struct bufobj *o, struct bufobj_sample *s)
{
	s->aux = NAN;
	s->dropped = -1;
	s->blocked = -1;
	return o->type->sample(o, s);
}

int bufobj_send_msg(struct bufobj *o, const void *buf)
{
	const char *p = buf;
	size_t left = o->size;
	ssize_t n;

	do {
		n = o->type->send(o, p, left, false);
		if (n < 0)
			return -1;
		p += n;
		left -= (size_t)n;
	} while (o->type->stream && left);
	return 0;
}

int bufobj_recv_msg(struct bufobj *o, void *buf)
{
	char *p = buf;
	size_t left = o->size;
	ssize_t n;

	do {
		n = o->type->recv(o, p, left, false);
		if (n <= 0)
			return n == 0 ? (errno = EPIPE, -1) : -1;
		p += n;
		left -= (size_t)n;
	} while (o->type->stream && left);
	return 0;
}

/*
 * Queue one message, read the level until it shows (a TCP segment may be
 * on its way for a moment), take the message back out.
 */
static int calibrate(struct bufobj *o, char *why, size_t len)
{
	struct bufobj_sample s;
	char *buf = calloc(1, o->size);
	int i, ret = -1;

	if (!buf)
		return -1;
	if (o->type->send(o, buf, o->size, true) != (ssize_t)o->size) {
		snprintf(why, len, "cannot queue one %zu-byte message: %s", o->size,
			 strerror(errno));
		goto out;
	}
	for (i = 0; i < 1000; i++) {
		if (bufobj_sample(o, &s) < 0) {
			snprintf(why, len, "occupancy: %s", strerror(errno));
			goto out;
		}
		if (s.level > 0)
			break;
		nap_ms(1);
	}
	o->unit = s.level;
	if (o->unit <= 0 || bufobj_recv_msg(o, buf) < 0) {
		snprintf(why, len, "one queued message shows no occupancy (%.0f)", s.level);
		goto out;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

int bufobj_open(struct bufobj *o, const struct bufobj_type *t, size_t size,
		char *why, size_t len)
{
	int ret;

	memset(o, 0, sizeof(*o));
	o->type = t;
	o->size = size;
	o->wfd = o->rfd = o->id = -1;
	o->wnb = o->rnb = -1;
	ret = t->open(o, why, len);
	if (ret) {
		t->close(o);
		return ret;
	}
	if (calibrate(o, why, len) < 0) {
		t->close(o);
		return -1;
	}
	return 0;
}

