// SPDX-License-Identifier: GPL-2.0
/*
 * The native mechanisms, each in its usual idiom:
 *
 *   pipe, fifo         one pipe per direction, grown with F_SETPIPE_SZ to
 *                      hold one whole message (up to fs.pipe-max-size)
 *   posix-mq           one queue per direction, at the limits an
 *                      unprivileged user gets (fs.mqueue.msg_max and
 *                      msgsize_max): the message size is capped there
 *   sysv-msg           one queue per direction, mtype built in place in
 *                      the buffer's headroom; capped at kernel.msgmax
 *   unix-stream        socketpair, default buffers
 *   unix-dgram,        socketpair with SO_SNDBUF/SO_RCVBUF raised to fit
 *   unix-seqpacket     the message; capped where the kernel refuses it
 *   tcp                loopback connection, TCP_NODELAY on both ends,
 *                      default (autotuned) buffers
 *
 * Byte-stream mechanisms (pipe, fifo, unix-stream, tcp) move a message
 * with as many read()/write() calls as the kernel needs. No call retries
 * on EINTR: the runner's watchdog interrupts a stuck call that way.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

struct chan {
	const struct chan_cfg *cfg;
	int rfd[2], wfd[2];	/* per direction; -1 if unused */
	int end[2];		/* sockets: each side's end, else -1 */
	bool stream;		/* byte stream: loop until a whole message */
	int kind;		/* K_* below */
	char path[2][64];	/* fifo paths, for cleanup */
};

enum { K_FD, K_MQ, K_SYSV };

static struct chan *chan_new(const struct chan_cfg *cfg, int kind, bool stream)
{
	struct chan *c = calloc(1, sizeof(*c));
	int i;

	if (!c)
		return NULL;
	c->cfg = cfg;
	c->kind = kind;
	c->stream = stream;
	for (i = 0; i < 2; i++)
		c->rfd[i] = c->wfd[i] = c->end[i] = -1;
	return c;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int full_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static ssize_t full_read(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, p + got, len - got);
		if (n <= 0)
			return n;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* ---- fd-based mechanisms: pipe, fifo, sockets ---- */

static int fd_attach(struct chan *c, int role)
{
	int d;

	if (c->end[0] >= 0) {	/* socket pair: keep our end */
		close_fd(&c->end[!role]);
		return 0;
	}
	/* Direction 0 flows parent -> child, direction 1 child -> parent. */
	for (d = 0; d < 2; d++) {
		if ((d == 0) == (role == 0))
			close_fd(&c->rfd[d]);
		else
			close_fd(&c->wfd[d]);
	}
	return 0;
}

static int fd_send(struct chan *c, int dir, void *buf, size_t len)
{
	ssize_t n;

	if (c->stream)
		return full_write(c->wfd[dir], buf, len);
	n = send(c->wfd[dir], buf, len, 0);
	if (n >= 0 && (size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return n < 0 ? -1 : 0;
}

static ssize_t fd_recv(struct chan *c, int dir, void *buf, size_t cap, const void **msg)
{
	*msg = buf;
	if (c->stream)
		return full_read(c->rfd[dir], buf, cap);
	/* MSG_TRUNC: a datagram longer than cap shows its true length. */
	return recv(c->rfd[dir], buf, cap, MSG_TRUNC);
}

static int rfd_poll(struct chan *c, int dir)
{
	return c->rfd[dir];
}

static void fd_teardown(struct chan *c, int role)
{
	int d;

	for (d = 0; d < 2; d++) {
		close_fd(&c->rfd[d]);
		close_fd(&c->wfd[d]);
		close_fd(&c->end[d]);
		if (role == 0 && c->path[d][0])
			unlink(c->path[d]);
	}
	free(c);
}

/* Grow a pipe to hold one message, within fs.pipe-max-size. */
static void pipe_grow(int fd, size_t size)
{
	unsigned long max = 1048576;
	size_t want = 65536;

	read_sysctl_ul("/proc/sys/fs/pipe-max-size", &max);
	while (want < size && want < max)
		want *= 2;
	if (want > 65536)
		fcntl(fd, F_SETPIPE_SZ, (int)(want < max ? want : max));
}

static int pipe_setup(struct chan **cp, const struct chan_cfg *cfg, char *why, size_t len)
{
	struct chan *c = chan_new(cfg, K_FD, true);
	int d, p[2];

	if (!c)
		return -ENOMEM;
	for (d = 0; d < cfg->ndirs; d++) {
		if (pipe(p) < 0) {
			snprintf(why, len, "pipe: %s", strerror(errno));
			fd_teardown(c, 0);
			return -errno;
		}
		c->rfd[d] = p[0];
		c->wfd[d] = p[1];
		pipe_grow(p[1], cfg->size);
	}
	*cp = c;
	return 0;
}

static int fifo_setup(struct chan **cp, const struct chan_cfg *cfg, char *why, size_t len)
{
	struct chan *c = chan_new(cfg, K_FD, true);
	static int serial;
	int d, fl;

	if (!c)
		return -ENOMEM;
	for (d = 0; d < cfg->ndirs; d++) {
		snprintf(c->path[d], sizeof(c->path[d]), "/tmp/ipcbench-%d-%d.fifo",
			 (int)getpid(), serial++);
		unlink(c->path[d]);
		if (mkfifo(c->path[d], 0600) < 0)
			goto fail;
		/*
		 * Open the read end without blocking, then the write end
		 * (which succeeds now that a reader exists), then make the
		 * read end blocking again.
		 */
		c->rfd[d] = open(c->path[d], O_RDONLY | O_NONBLOCK);
		if (c->rfd[d] < 0)
			goto fail;
		c->wfd[d] = open(c->path[d], O_WRONLY);
		if (c->wfd[d] < 0)
			goto fail;
		fl = fcntl(c->rfd[d], F_GETFL);
		if (fl < 0 || fcntl(c->rfd[d], F_SETFL, fl & ~O_NONBLOCK) < 0)
			goto fail;
		pipe_grow(c->wfd[d], cfg->size);
	}
	*cp = c;
	return 0;
fail:
	snprintf(why, len, "fifo %s: %s", c->path[d], strerror(errno));
	fd_teardown(c, 0);
	return -EIO;
}

static size_t no_cap(size_t want)
{
	return want;
}

static int always(char *why, size_t len)
{
	return 0;
}

static const struct mech mech_pipe = {
	.name = "pipe", .desc = "pipe(2), one per direction",
	.available = always, .max_size = no_cap, .setup = pipe_setup,
	.attach = fd_attach, .send = fd_send, .recv = fd_recv, .teardown = fd_teardown,
	.poll_fd = rfd_poll,
};

static const struct mech mech_fifo = {
	.name = "fifo", .desc = "named pipe (mkfifo) in /tmp",
	.available = always, .max_size = no_cap, .setup = fifo_setup,
	.attach = fd_attach, .send = fd_send, .recv = fd_recv, .teardown = fd_teardown,
	.poll_fd = rfd_poll,
};

/* ---- Unix sockets ---- */

static void sock_bufs(int fd, size_t size)
{
	int v = (int)(size > INT_MAX / 4 ? INT_MAX / 2 : size * 2 + 65536);

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}

static int unix_pair(int type, size_t size, int sv[2])
{
	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if (type != SOCK_STREAM) {
		sock_bufs(sv[0], size);
		sock_bufs(sv[1], size);
	}
	return 0;
}

/* Whether one datagram of @len bytes goes through the tuned pair @sv. */
static bool dgram_fits(int sv[2], char *buf, size_t len)
{
	if (send(sv[0], buf, len, MSG_DONTWAIT) != (ssize_t)len)
		return false;
	recv(sv[1], buf, len, MSG_DONTWAIT);
	return true;
}

/*
 * The largest datagram a tuned pair accepts, at most @want: @want itself,
 * or a binary search in 8-byte steps below it (the kernel refuses more than
 * about SO_SNDBUF, which it caps at net.core.wmem_max).
 */
static size_t unix_cap(int type, size_t want)
{
	size_t lo = 0, hi = want, mid;
	char *buf = calloc(1, want);
	int sv[2];

	if (!buf || unix_pair(type, want, sv) < 0) {
		free(buf);
		return 0;
	}
	if (dgram_fits(sv, buf, want)) {
		lo = want;
	} else {
		while (hi - lo > 8) {
			mid = ((lo + hi) / 2) & ~(size_t)7;
			if (dgram_fits(sv, buf, mid))
				lo = mid;
			else
				hi = mid;
		}
	}
	close(sv[0]);
	close(sv[1]);
	free(buf);
	return lo;
}

static size_t dgram_cap(size_t want)
{
	return unix_cap(SOCK_DGRAM, want);
}

static size_t seqpacket_cap(size_t want)
{
	return unix_cap(SOCK_SEQPACKET, want);
}

static int unix_setup(struct chan **cp, const struct chan_cfg *cfg, int type,
		      char *why, size_t len)
{
	struct chan *c = chan_new(cfg, K_FD, type == SOCK_STREAM);
	int sv[2];

	if (!c)
		return -ENOMEM;
	if (unix_pair(type, cfg->size, sv) < 0) {
		snprintf(why, len, "socketpair: %s", strerror(errno));
		free(c);
		return -EIO;
	}
	c->end[0] = sv[0];
	c->end[1] = sv[1];
	/* The socket fds double as the direction fds; teardown closes end[]. */
	*cp = c;
	return 0;
}

static int unix_send(struct chan *c, int dir, void *buf, size_t len)
{
	c->wfd[dir] = c->end[dir];	/* dir 0: parent's end writes */
	return fd_send(c, dir, buf, len);
}

static ssize_t unix_recv(struct chan *c, int dir, void *buf, size_t cap, const void **msg)
{
	c->rfd[dir] = c->end[!dir];
	return fd_recv(c, dir, buf, cap, msg);
}

static int unix_poll(struct chan *c, int dir)
{
	return c->end[!dir];
}

static void sock_teardown(struct chan *c, int role)
{
	int d;

	for (d = 0; d < 2; d++)
		c->rfd[d] = c->wfd[d] = -1;	/* aliases of end[] */
	fd_teardown(c, role);
}

static int ustream_setup(struct chan **cp, const struct chan_cfg *cfg, char *why, size_t len)
{
	return unix_setup(cp, cfg, SOCK_STREAM, why, len);
}

static int udgram_setup(struct chan **cp, const struct chan_cfg *cfg, char *why, size_t len)
{
	return unix_setup(cp, cfg, SOCK_DGRAM, why, len);
}

static int useqp_setup(struct chan **cp, const struct chan_cfg *cfg, char *why, size_t len)
{
	return unix_setup(cp, cfg, SOCK_SEQPACKET, why, len);
}

static const struct mech mech_ustream = {
	.name = "unix-stream", .desc = "AF_UNIX SOCK_STREAM socketpair",
	.available = always, .max_size = no_cap, .setup = ustream_setup,
	.attach = fd_attach, .send = unix_send, .recv = unix_recv, .teardown = sock_teardown,
};

static const struct mech mech_udgram = {
	.name = "unix-dgram", .desc = "AF_UNIX SOCK_DGRAM socketpair, buffers raised",
	.available = always, .max_size = dgram_cap, .setup = udgram_setup,
	.attach = fd_attach, .send = unix_send, .recv = unix_recv, .teardown = sock_teardown,
	.poll_fd = unix_poll,
};

static const struct mech mech_useqp = {
	.name = "unix-seqpacket", .desc = "AF_UNIX SOCK_SEQPACKET socketpair, buffers raised",
	.available = always, .max_size = seqpacket_cap, .setup = useqp_setup,
	.attach = fd_attach, .send = unix_send, .recv = unix_recv, .teardown = sock_teardown,
	.poll_fd = unix_poll,
};

/* ---- TCP loopback ---- */

static int tcp_listener(struct sockaddr_in *sa)
{
	socklen_t sl = sizeof(*sa);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (l < 0)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)sa, sizeof(*sa)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)sa, &sl) < 0) {
		close(l);
		return -1;
	}
	return l;
}

static int tcp_available(char *why, size_t len)
{
	struct sockaddr_in sa;
	int l = tcp_listener(&sa), c;

	if (l < 0) {
		snprintf(why, len, "no IPv4 loopback: %s", strerror(errno));
		return -1;
	}
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(why, len, "cannot connect to 127.0.0.1: %s (is lo up?)",
			 strerror(errno));
		if (c >= 0)
			close(c);
		close(l);
		return -1;
	}
	close(c);
	close(l);
	return 0;
}

static int tcp_setup(struct chan **cp, const struct chan_cfg *cfg, char *why, size_t len)
{
	struct chan *c = chan_new(cfg, K_FD, true);
	struct sockaddr_in sa;
	int l, one = 1;

	if (!c)
		return -ENOMEM;
	l = tcp_listener(&sa);
	if (l < 0)
		goto fail;
	c->end[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->end[0] < 0 || connect(c->end[0], (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	c->end[1] = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (c->end[1] < 0)
		goto fail;
	close(l);
	if (setsockopt(c->end[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
	    setsockopt(c->end[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		goto fail;
	*cp = c;
	return 0;
fail:
	snprintf(why, len, "tcp loopback: %s", strerror(errno));
	if (l >= 0)
		close(l);
	sock_teardown(c, 0);
	return -EIO;
}

static const struct mech mech_tcp = {
	.name = "tcp", .desc = "TCP over 127.0.0.1, TCP_NODELAY",
	.available = tcp_available, .max_size = no_cap, .setup = tcp_setup,
	.attach = fd_attach, .send = unix_send, .recv = unix_recv, .teardown = sock_teardown,
};

/* ---- POSIX message queues ---- */

static int mq_available(char *why, size_t len)
{
	struct mq_attr a = { .mq_maxmsg = 1, .mq_msgsize = 64 };
	char name[64];
	mqd_t q;

	snprintf(name, sizeof(name), "/ipcbench-probe-%d", (int)getpid());
	q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	if (q == (mqd_t)-1) {
		snprintf(why, len, "mq_open: %s (no mqueue support?)", strerror(errno));
		return -1;
	}
	mq_close(q);
	mq_unlink(name);
	return 0;
}

static size_t mq_cap(size_t want)
{
	unsigned long max = 8192;

	read_sysctl_ul("/proc/sys/fs/mqueue/msgsize_max", &max);
	return want < max ? want : max;
}

static int mq_setup(struct chan **cp, const struct chan_cfg *cfg, char *why, size_t len)
{
	struct chan *c = chan_new(cfg, K_MQ, false);
	unsigned long maxmsg = 10;
	struct mq_attr a = { 0 };
	static int serial;
	char name[64];
	int d;

	if (!c)
		return -ENOMEM;
	read_sysctl_ul("/proc/sys/fs/mqueue/msg_max", &maxmsg);
	a.mq_maxmsg = (long)maxmsg;
	a.mq_msgsize = (long)cfg->size;
	for (d = 0; d < cfg->ndirs; d++) {
		snprintf(name, sizeof(name), "/ipcbench-%d-%d", (int)getpid(), serial++);
		c->rfd[d] = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
		if (c->rfd[d] < 0) {
			snprintf(why, len, "mq_open(maxmsg %ld, msgsize %ld): %s",
				 a.mq_maxmsg, a.mq_msgsize, strerror(errno));
			fd_teardown(c, 0);
			return -EIO;
		}
		mq_unlink(name);	/* the descriptors keep it alive */
	}
	*cp = c;
	return 0;
}

static int mq_attach(struct chan *c, int role)
{
	return 0;
}

static int mq_send_one(struct chan *c, int dir, void *buf, size_t len)
{
	return mq_send(c->rfd[dir], buf, len, 0);
}

static ssize_t mq_recv_one(struct chan *c, int dir, void *buf, size_t cap, const void **msg)
{
	*msg = buf;
	return mq_receive(c->rfd[dir], buf, cap, NULL);
}

static const struct mech mech_mq = {
	.name = "posix-mq", .desc = "POSIX mq, one queue per direction, unprivileged limits",
	.available = mq_available, .max_size = mq_cap, .setup = mq_setup,
	.attach = mq_attach, .send = mq_send_one, .recv = mq_recv_one, .teardown = fd_teardown,
	.poll_fd = rfd_poll,
};

/* ---- SysV message queues ---- */

static int sysv_available(char *why, size_t len)
{
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	if (q < 0) {
		snprintf(why, len, "msgget: %s (no SysV IPC?)", strerror(errno));
		return -1;
	}
	msgctl(q, IPC_RMID, NULL);
	return 0;
}

static size_t sysv_cap(size_t want)
{
	unsigned long max = 8192, mnb = 16384;

	read_sysctl_ul("/proc/sys/kernel/msgmax", &max);
	read_sysctl_ul("/proc/sys/kernel/msgmnb", &mnb);
	if (mnb < max)
		max = mnb;
	return want < max ? want : max;
}

static int sysv_setup(struct chan **cp, const struct chan_cfg *cfg, char *why, size_t len)
{
	struct chan *c = chan_new(cfg, K_SYSV, false);
	int d;

	if (!c)
		return -ENOMEM;
	for (d = 0; d < cfg->ndirs; d++) {
		c->rfd[d] = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		if (c->rfd[d] < 0) {
			snprintf(why, len, "msgget: %s", strerror(errno));
			c->rfd[d] = -1;
			while (d--)
				msgctl(c->rfd[d], IPC_RMID, NULL);
			free(c);
			return -EIO;
		}
	}
	*cp = c;
	return 0;
}

static int sysv_send(struct chan *c, int dir, void *buf, size_t len)
{
	long mtype = 1;
	char *m = (char *)buf - sizeof(long);

	memcpy(m, &mtype, sizeof(mtype));	/* in the headroom: no payload copy */
	return msgsnd(c->rfd[dir], m, len, 0);
}

static ssize_t sysv_recv(struct chan *c, int dir, void *buf, size_t cap, const void **msg)
{
	*msg = buf;
	return msgrcv(c->rfd[dir], (char *)buf - sizeof(long), cap, 0, 0);
}

static void sysv_teardown(struct chan *c, int role)
{
	int d;

	for (d = 0; d < 2; d++)
		if (role == 0 && c->rfd[d] >= 0)
			msgctl(c->rfd[d], IPC_RMID, NULL);
	free(c);
}

static const struct mech mech_sysv = {
	.name = "sysv-msg", .desc = "SysV msgsnd/msgrcv, one queue per direction",
	.available = sysv_available, .max_size = sysv_cap, .setup = sysv_setup,
	.attach = mq_attach, .send = sysv_send, .recv = sysv_recv, .teardown = sysv_teardown,
};

const struct mech *const native_mechs[] = {
	&mech_pipe, &mech_fifo, &mech_mq, &mech_sysv, &mech_ustream,
	&mech_udgram, &mech_useqp, &mech_tcp, NULL,
};
