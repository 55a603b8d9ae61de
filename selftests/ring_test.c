// SPDX-License-Identifier: GPL-2.0
/*
 * Shared ring tests: creation and naming, the info page, mmap rules
 * (offsets, sizes, protections, mprotect, fork, munmap after close),
 * roles, the kernel-mediated producer, the wakeup protocol (blocking,
 * busy-poll, EPOLLET), checksummed streams across the wrap point between
 * processes, corrupt shared memory, peer death, shared futexes, and
 * rmmod while mapped.
 *
 * IPCCHAN_RING_RECORDS sets the stream length (default 200000 per
 * stream, which takes seconds under QEMU TCG; the 10^6 is
 * IPCCHAN_RING_RECORDS=1000000).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/fs.h>
#include <linux/ipcchan.h>

#include "ipcchan.h"
#include "kselftest_harness.h"

#define MODULE_PATH_DEFAULT "/lib/ipcchan/ipcchan.ko"
#define PAGE 4096UL

static int dev_open(void)
{
	return open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
}

static long records_wanted(void)
{
	const char *s = getenv("IPCCHAN_RING_RECORDS");

	return s ? atol(s) : 200000;
}

static void *map(int fd, uint64_t off, size_t len, int prot)
{
	return mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);
}

static int get_info(int fd, struct ipcchan_ring_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->size = sizeof(*ri);
	return ioctl(fd, IPCCHAN_IOC_RING_GET_INFO, ri);
}

/* Runs @fn in a child; returns the signal that killed it, or 0. */
static int child_signal(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void poke(void *p)
{
	*(volatile uint32_t *)p = 1;
}

FIXTURE(ring) {
	int dev;
	int pfd;
	int cfd;
	struct ipcchan_ring_offsets off;
};

FIXTURE_SETUP(ring)
{
	struct ipcchan_ring_open op = { .size = sizeof(op) };
	int fd;

	self->dev = dev_open();
	ASSERT_LE(0, self->dev);
	op.flags = IPCCHAN_OPEN_CREATE;
	op.role = IPCCHAN_RING_PRODUCER;
	op.nr_pages = 4;
	fd = ioctl(self->dev, IPCCHAN_IOC_RING_OPEN, &op);
	ASSERT_LE(0, fd) TH_LOG("RING_OPEN: %s", strerror(errno));
	self->pfd = fd;
	self->cfd = op.peer_fd;
	self->off = op.off;
	ASSERT_LE(0, self->cfd);
	ASSERT_EQ(4 * PAGE, op.off.data_size);
}

FIXTURE_TEARDOWN(ring)
{
	close(self->pfd);
	close(self->cfd);
	close(self->dev);
}

/* ------------------------------------------------------------------ */
/* Creation, naming, arguments                                         */
/* ------------------------------------------------------------------ */

static int ring_open_raw(int dev, struct ipcchan_ring_open *op)
{
	return ioctl(dev, IPCCHAN_IOC_RING_OPEN, op);
}

TEST(feature_bit_set)
{
	struct ipcchan_info info = { .size = sizeof(info) };
	int dev = dev_open();

	ASSERT_LE(0, dev);
	ASSERT_EQ(0, ioctl(dev, IPCCHAN_IOC_GET_INFO, &info));
	EXPECT_TRUE(info.features & IPCCHAN_FEAT_RING);
	close(dev);
}

TEST(open_bad_arguments)
{
	struct ipcchan_ring_open op;
	unsigned char big[sizeof(op) + 8];
	int dev = dev_open();

	ASSERT_LE(0, dev);
#define BAD(field, value, err) do {					\
		memset(&op, 0, sizeof(op));				\
		op.size = sizeof(op);					\
		op.flags = IPCCHAN_OPEN_CREATE;				\
		op.role = IPCCHAN_RING_CONSUMER;			\
		op.nr_pages = 1;					\
		op.field = value;					\
		EXPECT_EQ(-1, ring_open_raw(dev, &op));			\
		EXPECT_EQ(err, errno) TH_LOG(#field " = " #value);	\
	} while (0)
	BAD(size, IPCCHAN_RING_OPEN_SIZE_VER0 - 8, EINVAL);
	BAD(flags, IPCCHAN_OPEN_CREATE | 0x100, EINVAL);
	BAD(flags, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE, EINVAL);
	BAD(flags, 0, EINVAL);		/* anonymous without CREATE */
	BAD(flags, IPCCHAN_OPEN_EXCL, EINVAL);
	BAD(role, 0, EINVAL);
	BAD(role, 3, EINVAL);
	BAD(nr_pages, 0, EINVAL);
	BAD(nr_pages, 3, EINVAL);
	BAD(nr_pages, 1U << 31, EINVAL);
	BAD(ring_flags, 0x2, EINVAL);
	BAD(mode, 01000, EINVAL);
	BAD(name_len, 4, EINVAL);	/* length without pointer */
	BAD(name, (uintptr_t)"x", EINVAL);	/* pointer without length */
#undef BAD

	memset(big, 0, sizeof(big));
	memcpy(big, &op, sizeof(op));
	((struct ipcchan_ring_open *)big)->size = sizeof(big);
	((struct ipcchan_ring_open *)big)->name = 0;
	((struct ipcchan_ring_open *)big)->name_len = 0;
	big[sizeof(op) + 3] = 1;
	EXPECT_EQ(-1, ioctl(dev, IPCCHAN_IOC_RING_OPEN, big));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, ioctl(dev, IPCCHAN_IOC_RING_OPEN, NULL));
	EXPECT_EQ(EFAULT, errno);
	close(dev);
}

TEST(named_create_open_unlink)
{
	const char *name = "selftest-ring-named";
	int dev = dev_open(), p, c, c2, peer = 7;
	struct ipcchan_ring_info ri;

	ASSERT_LE(0, dev);
	ipcchan_ring_unlink(dev, name);
	EXPECT_EQ(-ENOENT, ipcchan_ring_open(dev, name, 0,
					     IPCCHAN_RING_CONSUMER, 0, 0, 0,
					     NULL));
	p = ipcchan_ring_open(dev, name,
			      IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL,
			      IPCCHAN_RING_PRODUCER, 2, 0, 0600, &peer);
	ASSERT_LE(0, p);
	EXPECT_EQ(-1, peer);
	EXPECT_EQ(-EEXIST, ipcchan_ring_open(dev, name,
					     IPCCHAN_OPEN_CREATE |
					     IPCCHAN_OPEN_EXCL,
					     IPCCHAN_RING_PRODUCER, 2, 0, 0600,
					     NULL));
	/* Creation attributes are ignored when the ring exists. */
	c = ipcchan_ring_open(dev, name, IPCCHAN_OPEN_CREATE,
			      IPCCHAN_RING_CONSUMER, 8, 0, 0600, NULL);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, get_info(c, &ri));
	EXPECT_EQ(2, ri.nr_pages);
	EXPECT_EQ(IPCCHAN_RING_CONSUMER, ri.role);
	ASSERT_EQ(0, get_info(p, &ri));
	EXPECT_EQ(IPCCHAN_RING_PRODUCER, ri.role);

	EXPECT_EQ(0, ipcchan_ring_unlink(dev, name));
	EXPECT_EQ(-ENOENT, ipcchan_ring_unlink(dev, name));
	/* The fds still work; a new ring can take the name. */
	EXPECT_EQ(0, ipcchan_ring_get_stats(c, &(struct ipcchan_ring_stats){}));
	c2 = ipcchan_ring_open(dev, name, IPCCHAN_OPEN_CREATE,
			       IPCCHAN_RING_CONSUMER, 1, 0, 0600, NULL);
	ASSERT_LE(0, c2);
	ASSERT_EQ(0, get_info(c2, &ri));
	EXPECT_EQ(1, ri.nr_pages);
	EXPECT_EQ(0, ipcchan_ring_unlink(dev, name));
	close(c2);
	close(c);
	close(p);
	close(dev);
}

/* The lowest free fd: with RLIMIT_NOFILE set to it, no fd is left. */
static int lowest_free_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}

static int limit_fds(rlim_t n, struct rlimit *old)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, old))
		return -1;
	rl = *old;
	rl.rlim_cur = n;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

/*
 * A RING_OPEN that fails after the ring was built (no fd left, or the
 * result cannot be copied out) leaves nothing behind: no fd, and no ring
 * or name, so that a retry can create it afresh.
 */
FIXTURE(failed_open) {
	int dev;
	char name[64];
};

FIXTURE_VARIANT(failed_open) {
	bool named;
	int err;	/* EFAULT: read-only argument; EMFILE: no fd left */
};

FIXTURE_VARIANT_ADD(failed_open, named_efault) { .named = true, .err = EFAULT };
FIXTURE_VARIANT_ADD(failed_open, named_emfile) { .named = true, .err = EMFILE };
FIXTURE_VARIANT_ADD(failed_open, anon_efault) { .err = EFAULT };
FIXTURE_VARIANT_ADD(failed_open, anon_emfile) { .err = EMFILE };

FIXTURE_SETUP(failed_open)
{
	self->dev = dev_open();
	ASSERT_LE(0, self->dev);
	snprintf(self->name, sizeof(self->name), "rt-failed-open-%d",
		 getpid());
}

FIXTURE_TEARDOWN(failed_open)
{
	close(self->dev);
}

TEST_F(failed_open, leaves_nothing_behind)
{
	struct ipcchan_ring_open *op;
	struct rlimit old;
	int free_fd, fd, peer;

	op = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, op);
	op->size = sizeof(*op);
	op->flags = IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL;
	op->role = IPCCHAN_RING_PRODUCER;
	op->mode = 0600;
	op->nr_pages = 1;
	if (variant->named) {
		op->name = (uintptr_t)self->name;
		op->name_len = strlen(self->name);
	}
	free_fd = lowest_free_fd();
	ASSERT_LE(0, free_fd);

	if (variant->err == EFAULT) {
		/* Readable, so only the final copy-out fails. */
		ASSERT_EQ(0, mprotect(op, PAGE, PROT_READ));
		EXPECT_EQ(-1, ioctl(self->dev, IPCCHAN_IOC_RING_OPEN, op));
		EXPECT_EQ(EFAULT, errno);
		ASSERT_EQ(0, mprotect(op, PAGE, PROT_READ | PROT_WRITE));
	} else {
		ASSERT_EQ(0, limit_fds(free_fd, &old));
		EXPECT_EQ(-1, ioctl(self->dev, IPCCHAN_IOC_RING_OPEN, op));
		EXPECT_EQ(EMFILE, errno);
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	}
	/* No fd was installed... */
	EXPECT_EQ(free_fd, lowest_free_fd());
	/* ...and no name is left: the same call now succeeds. */
	if (variant->named)
		EXPECT_EQ(-ENOENT, ipcchan_ring_unlink(self->dev, self->name));
	fd = ioctl(self->dev, IPCCHAN_IOC_RING_OPEN, op);
	ASSERT_LE(0, fd) TH_LOG("retry: %s", strerror(errno));
	EXPECT_EQ(free_fd, fd);
	peer = op->peer_fd;
	EXPECT_EQ(variant->named ? -1 : free_fd + 1, peer);
	if (variant->named)
		EXPECT_EQ(0, ipcchan_ring_unlink(self->dev, self->name));
	if (peer >= 0)
		close(peer);
	close(fd);
	munmap(op, PAGE);
}

/*
 * The size rule of the uapi header: exactly the ioctls that copy their
 * structure back (GET_INFO, MBOX_GET_ATTR, MBOX_GET_STATS, RING_OPEN,
 * RING_GET_INFO, RING_GET_STATS) write size, as min(caller's size,
 * kernel's size); the others (MBOX_OPEN, UNLINK, MBOX_SEND, MBOX_RECV,
 * RING_WAIT) leave it as the caller set it. Each is called with a size
 * 64 bytes above the kernel's, the tail zero.
 */
TEST(size_written_back_exactly)
{
	enum { INFO, MB_OPEN, MB_ATTR, MB_STATS, MB_SEND, MB_RECV, UNLINK,
	       R_OPEN, R_INFO, R_STATS, R_WAIT };
	static const struct {
		const char *name;
		int which;
		unsigned long cmd;
		uint32_t ksize;
		bool writes;
	} c[] = {
#define C(w, cmd, type, wr) { #cmd, w, cmd, sizeof(struct type), wr }
		C(INFO, IPCCHAN_IOC_GET_INFO, ipcchan_info, true),
		C(MB_OPEN, IPCCHAN_IOC_MBOX_OPEN, ipcchan_mbox_open, false),
		C(MB_ATTR, IPCCHAN_IOC_MBOX_GET_ATTR, ipcchan_mbox_attr, true),
		C(MB_STATS, IPCCHAN_IOC_MBOX_GET_STATS, ipcchan_mbox_stats,
		  true),
		C(MB_SEND, IPCCHAN_IOC_MBOX_SEND, ipcchan_mbox_xfer, false),
		C(MB_RECV, IPCCHAN_IOC_MBOX_RECV, ipcchan_mbox_xfer, false),
		C(UNLINK, IPCCHAN_IOC_UNLINK, ipcchan_unlink, false),
		C(R_OPEN, IPCCHAN_IOC_RING_OPEN, ipcchan_ring_open, true),
		C(R_INFO, IPCCHAN_IOC_RING_GET_INFO, ipcchan_ring_info, true),
		C(R_STATS, IPCCHAN_IOC_RING_GET_STATS, ipcchan_ring_stats,
		  true),
		C(R_WAIT, IPCCHAN_IOC_RING_WAIT, ipcchan_ring_wait, false),
#undef C
	};
	struct ipcchan_mbox_open mop = {
		.size = sizeof(mop),
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE,
	};
	char name[] = "rt-size-rule", mbuf[8] = "x";
	struct ipcchan_mbox_msg msg = { .buf = (uintptr_t)mbuf, .len = 1 };
	int dev = dev_open(), mb, r, peer, fd, ret;
	union {
		uint32_t size;
		struct ipcchan_mbox_open mop;
		struct ipcchan_mbox_xfer x;
		struct ipcchan_unlink u;
		struct ipcchan_ring_open rop;
		struct ipcchan_ring_wait w;
		char raw[1024];
	} a;
	unsigned int i;

	ASSERT_LE(0, dev);
	mb = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &mop);
	ASSERT_LE(0, mb);
	r = ipcchan_ring_open(dev, NULL, IPCCHAN_OPEN_CREATE,
			      IPCCHAN_RING_CONSUMER, 1, 0, 0600, &peer);
	ASSERT_LE(0, r);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&a, 0, sizeof(a));
		a.size = c[i].ksize + 64;
		fd = dev;
		switch (c[i].which) {
		case MB_ATTR:
		case MB_STATS:
			fd = mb;
			break;
		case MB_OPEN:
			a.mop.flags = IPCCHAN_OPEN_READ;
			break;
		case MB_SEND:
		case MB_RECV:
			fd = mb;
			a.x.msgs = (uintptr_t)&msg;
			a.x.count = 1;
			a.x.msg_size = sizeof(msg);
			break;
		case UNLINK:
			/* Fails with ENOENT: the size is still only read. */
			a.u.type = IPCCHAN_OBJ_RING;
			a.u.name = (uintptr_t)name;
			a.u.name_len = strlen(name);
			break;
		case R_OPEN:
			a.rop.flags = IPCCHAN_OPEN_CREATE;
			a.rop.role = IPCCHAN_RING_PRODUCER;
			a.rop.nr_pages = 1;
			break;
		case R_INFO:
		case R_STATS:
			fd = r;
			break;
		case R_WAIT:
			fd = r;		/* only checks: 0 or ETIMEDOUT */
			break;
		}
		ret = ioctl(fd, c[i].cmd, &a);
		if (ret < 0)
			EXPECT_TRUE(c[i].which == UNLINK || c[i].which == R_WAIT)
				TH_LOG("%s: %s", c[i].name, strerror(errno));
		EXPECT_EQ(c[i].writes ? c[i].ksize : c[i].ksize + 64, a.size)
			TH_LOG("%s", c[i].name);
		if (c[i].which == MB_OPEN && ret >= 0)
			close(ret);
		if (c[i].which == R_OPEN && ret >= 0) {
			close(ret);
			close(a.rop.peer_fd);
		}
	}
	close(r);
	close(peer);
	close(mb);
	close(dev);
}

TEST(named_permissions_follow_role)
{
	const char *name = "selftest-ring-perm";
	int dev = dev_open(), p, status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to change uid");
	ASSERT_LE(0, dev);
	ipcchan_ring_unlink(dev, name);
	/* Others may read (consume) but not write (produce). */
	p = ipcchan_ring_open(dev, name, IPCCHAN_OPEN_CREATE,
			      IPCCHAN_RING_PRODUCER, 1, 0, 0644, NULL);
	ASSERT_LE(0, p);
	pid = fork();
	if (pid == 0) {
		int c;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		if (ipcchan_ring_open(dev, name, 0, IPCCHAN_RING_PRODUCER, 0,
				      0, 0, NULL) != -EACCES)
			_exit(11);
		c = ipcchan_ring_open(dev, name, 0, IPCCHAN_RING_CONSUMER, 0,
				      0, 0, NULL);
		if (c < 0)
			_exit(12);
		if (ipcchan_ring_unlink(dev, name) != -EPERM)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, ipcchan_ring_unlink(dev, name));
	close(p);
	close(dev);
}

TEST(observer_is_not_an_attachment)
{
	const char *name = "selftest-ring-observer";
	const struct ipcchan_ring_info_page *info;
	struct ipcchan_ring_wait w = { .size = sizeof(w) };
	int dev = dev_open(), p, o, peer;
	struct ipcchan_ring_info ri;
	struct ipcchan_ring *r;

	ASSERT_LE(0, dev);
	ipcchan_ring_unlink(dev, name);
	EXPECT_EQ(-EINVAL, ipcchan_ring_open(dev, NULL, IPCCHAN_OPEN_CREATE,
					     IPCCHAN_RING_OBSERVER, 1, 0,
					     0600, &peer));
	p = ipcchan_ring_open(dev, name, IPCCHAN_OPEN_CREATE,
			      IPCCHAN_RING_PRODUCER, 1, 0, 0600, NULL);
	ASSERT_LE(0, p);
	o = ipcchan_ring_open(dev, name, 0, IPCCHAN_RING_OBSERVER, 0, 0, 0,
			      NULL);
	ASSERT_LE(0, o);
	ASSERT_EQ(0, get_info(o, &ri));
	EXPECT_EQ(IPCCHAN_RING_OBSERVER, ri.role);
	info = map(o, ri.off.info_off, ri.off.info_len, PROT_READ);
	ASSERT_NE(MAP_FAILED, info);
	EXPECT_EQ(1, info->producers);
	EXPECT_EQ(0, info->consumers);
	EXPECT_EQ(MAP_FAILED, map(o, ri.off.cons_off, ri.off.ctrl_len,
				  PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, ioctl(o, IPCCHAN_IOC_RING_KICK, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(o, IPCCHAN_IOC_RING_WAIT, &w));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, write(o, "x", 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-EBADF, ipcchan_ring_map(o, &r));
	close(o);
	/* Its departure changed nothing. */
	EXPECT_EQ(1, info->producers);
	EXPECT_EQ(0, info->gone);
	/* Unlinked with no consumer: none can ever come. */
	EXPECT_EQ(0, ipcchan_ring_unlink(dev, name));
	EXPECT_EQ(IPCCHAN_RING_CONSUMERS_GONE, info->gone);
	munmap((void *)info, ri.off.info_len);
	close(p);
	close(dev);
}

TEST_F(ring, ring_fd_ioctls_check_arguments)
{
	struct ipcchan_ring_wait w = { .size = sizeof(w) };
	struct ipcchan_ring_info ri;

	EXPECT_EQ(-1, ioctl(self->pfd, _IO(IPCCHAN_IOC_MAGIC, 0x4f), 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->pfd, IPCCHAN_IOC_RING_OPEN, 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->pfd, IPCCHAN_IOC_RING_KICK, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->pfd, IPCCHAN_IOC_RING_GET_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	memset(&ri, 0, sizeof(ri));
	ri.size = sizeof(ri);
	ri.flags = 1;
	EXPECT_EQ(-1, ioctl(self->pfd, IPCCHAN_IOC_RING_GET_INFO, &ri));
	EXPECT_EQ(EINVAL, errno);

	w.flags = 4;
	EXPECT_EQ(-1, ioctl(self->cfd, IPCCHAN_IOC_RING_WAIT, &w));
	EXPECT_EQ(EINVAL, errno);
	w.flags = 0;
	w.timeout_ns = -2;
	EXPECT_EQ(-1, ioctl(self->cfd, IPCCHAN_IOC_RING_WAIT, &w));
	EXPECT_EQ(EINVAL, errno);
	w.timeout_ns = 0;
	w.min_bytes = 4 * PAGE + 8;
	EXPECT_EQ(-1, ioctl(self->cfd, IPCCHAN_IOC_RING_WAIT, &w));
	EXPECT_EQ(EINVAL, errno);
	w.min_bytes = 0;
	EXPECT_EQ(-1, ioctl(self->cfd, IPCCHAN_IOC_RING_WAIT, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	/* A producer of an empty ring has room at once. */
	EXPECT_EQ(0, ioctl(self->pfd, IPCCHAN_IOC_RING_WAIT, &w));
	EXPECT_EQ(4 * PAGE, w.avail);
	w.timeout_ns = 20 * 1000 * 1000;
	EXPECT_EQ(-1, ioctl(self->cfd, IPCCHAN_IOC_RING_WAIT, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	w.flags = IPCCHAN_RING_WAIT_ABSTIME;
	w.timeout_ns = 1;
	EXPECT_EQ(-1, ioctl(self->cfd, IPCCHAN_IOC_RING_WAIT, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(-1, lseek(self->pfd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
}

/* ------------------------------------------------------------------ */
/* Layout and mmap rules                                               */
/* ------------------------------------------------------------------ */

TEST_F(ring, info_page)
{
	const struct ipcchan_ring_info_page *info;
	struct ipcchan_ring_info ri;

	info = map(self->cfd, self->off.info_off, self->off.info_len,
		   PROT_READ);
	ASSERT_NE(MAP_FAILED, info);
	ASSERT_EQ(0, get_info(self->cfd, &ri));
	EXPECT_EQ(IPCCHAN_RING_MAGIC, info->magic);
	EXPECT_EQ(IPCCHAN_RING_LAYOUT_VERSION, info->version);
	EXPECT_EQ(PAGE, info->page_size);
	EXPECT_EQ(4, info->nr_pages);
	EXPECT_EQ(2 * PAGE, info->max_record);
	EXPECT_EQ(1, info->producers);
	EXPECT_EQ(1, info->consumers);
	EXPECT_EQ(0, info->gone);
	EXPECT_EQ(ri.id, info->id);
	EXPECT_NE(0, info->id);
	EXPECT_EQ(0, memcmp(&info->off, &self->off, sizeof(self->off)));
	/* Control fields on separate cache lines. */
	EXPECT_LE(64, self->off.waiting - self->off.pos);
	EXPECT_LE(64, self->off.stats - self->off.waiting);
	munmap((void *)info, self->off.info_len);
}

TEST_F(ring, mmap_offsets_and_sizes_exact)
{
	const struct ipcchan_ring_offsets *o = &self->off;
	size_t dlen = 2 * (size_t)o->data_size;
	void *p;

	/* Exact ones work. */
	p = map(self->cfd, o->info_off, o->info_len, PROT_READ);
	EXPECT_NE(MAP_FAILED, p);
	munmap(p, o->info_len);
	p = map(self->cfd, o->data_off, dlen, PROT_READ);
	EXPECT_NE(MAP_FAILED, p);
	munmap(p, dlen);

	EXPECT_EQ(MAP_FAILED, map(self->cfd, o->info_off, 2 * PAGE,
				  PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, map(self->cfd, o->data_off, o->data_size,
				  PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, map(self->cfd, o->data_off, dlen + PAGE,
				  PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, map(self->cfd, o->data_off + PAGE, dlen - PAGE,
				  PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, map(self->cfd, o->cons_off + PAGE, PAGE,
				  PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, map(self->cfd, 1UL << 40, PAGE, PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, o->info_len, PROT_READ, MAP_PRIVATE,
				   self->cfd, o->info_off));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(ring, mmap_protections_follow_role)
{
	const struct ipcchan_ring_offsets *o = &self->off;
	size_t dlen = 2 * (size_t)o->data_size;
	int rw = PROT_READ | PROT_WRITE;
	void *p;

	/* Allowed. */
	p = map(self->pfd, o->prod_off, o->ctrl_len, rw);
	EXPECT_NE(MAP_FAILED, p);
	munmap(p, o->ctrl_len);
	p = map(self->pfd, o->data_off, dlen, rw);
	EXPECT_NE(MAP_FAILED, p);
	munmap(p, dlen);
	p = map(self->cfd, o->cons_off, o->ctrl_len, rw);
	EXPECT_NE(MAP_FAILED, p);
	munmap(p, o->ctrl_len);

	/* Refused. */
	EXPECT_EQ(MAP_FAILED, map(self->cfd, o->data_off, dlen, rw));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(MAP_FAILED, map(self->cfd, o->prod_off, o->ctrl_len, rw));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(MAP_FAILED, map(self->pfd, o->cons_off, o->ctrl_len, rw));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(MAP_FAILED, map(self->pfd, o->info_off, o->info_len, rw));
	EXPECT_EQ(EACCES, errno);
	/* EPERM where the VFS marks anon inodes noexec, else ours. */
	EXPECT_EQ(MAP_FAILED, map(self->pfd, o->data_off, dlen,
				  PROT_READ | PROT_EXEC));
	EXPECT_TRUE(errno == EACCES || errno == EPERM);
}

TEST_F(ring, mprotect_cannot_upgrade)
{
	const struct ipcchan_ring_offsets *o = &self->off;
	size_t dlen = 2 * (size_t)o->data_size;
	void *data, *info, *pctl;

	data = map(self->cfd, o->data_off, dlen, PROT_READ);
	info = map(self->pfd, o->info_off, o->info_len, PROT_READ);
	pctl = map(self->cfd, o->prod_off, o->ctrl_len, PROT_READ);
	ASSERT_NE(MAP_FAILED, data);
	ASSERT_NE(MAP_FAILED, info);
	ASSERT_NE(MAP_FAILED, pctl);
	EXPECT_EQ(-1, mprotect(data, dlen, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(info, o->info_len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(pctl, o->ctrl_len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(data, dlen, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	/* And a write through them faults. */
	EXPECT_EQ(SIGSEGV, child_signal(poke, data));
	EXPECT_EQ(SIGSEGV, child_signal(poke, info));
	/* Growing is refused too. */
	EXPECT_EQ(MAP_FAILED, mremap(data, dlen, dlen + PAGE, MREMAP_MAYMOVE));
	munmap(data, dlen);
	munmap(info, o->info_len);
	munmap(pctl, o->ctrl_len);
}

TEST_F(ring, data_is_mapped_twice_and_zeroed)
{
	const struct ipcchan_ring_offsets *o = &self->off;
	size_t dlen = 2 * (size_t)o->data_size;
	unsigned char *w, *r;
	size_t i;

	w = map(self->pfd, o->data_off, dlen, PROT_READ | PROT_WRITE);
	r = map(self->cfd, o->data_off, dlen, PROT_READ);
	ASSERT_NE(MAP_FAILED, w);
	ASSERT_NE(MAP_FAILED, r);
	for (i = 0; i < dlen; i++)
		if (r[i])
			break;
	EXPECT_EQ(dlen, i);
	memcpy(w + o->data_size - 4, "abcdefgh", 8);
	EXPECT_EQ(0, memcmp(r + o->data_size - 4, "abcdefgh", 8));
	EXPECT_EQ(0, memcmp(r, "efgh", 4));
	EXPECT_EQ(0, memcmp(r + 2 * o->data_size - 4, "abcd", 4));
	/* Zapped page tables come back from the fault handler. */
	EXPECT_EQ(0, madvise(r, dlen, MADV_DONTNEED));
	EXPECT_EQ(0, memcmp(r + o->data_size - 4, "abcdefgh", 8));
	munmap(w, dlen);
	munmap(r, dlen);
}

TEST_F(ring, munmap_after_close_and_fork)
{
	const struct ipcchan_ring_offsets *o = &self->off;
	size_t dlen = 2 * (size_t)o->data_size;
	unsigned char *w, *r;
	int status;
	pid_t pid;

	w = map(self->pfd, o->data_off, dlen, PROT_READ | PROT_WRITE);
	r = map(self->cfd, o->data_off, dlen, PROT_READ);
	ASSERT_NE(MAP_FAILED, w);
	ASSERT_NE(MAP_FAILED, r);
	/* Every fd gone: the mappings keep the ring. */
	close(self->pfd);
	close(self->cfd);
	self->pfd = self->cfd = -1;

	pid = fork();
	if (pid == 0) {
		/* The child shares the pages. */
		memcpy(w + 100, "child", 5);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, memcmp(r + 100, "child", 5));
	EXPECT_EQ(0, memcmp(r + o->data_size + 100, "child", 5));
	EXPECT_EQ(0, munmap(w, dlen));
	EXPECT_EQ(0, memcmp(r + 100, "child", 5));
	EXPECT_EQ(0, munmap(r, dlen));
}

/* ------------------------------------------------------------------ */
/* Roles and the kernel-mediated producer                              */
/* ------------------------------------------------------------------ */

TEST_F(ring, wrong_role_writes)
{
	struct ipcchan_ring *r;
	void *p;

	EXPECT_EQ(-1, write(self->cfd, "x", 1));
	EXPECT_EQ(EBADF, errno);
	/* write() is for kernel-producer rings only. */
	EXPECT_EQ(-1, write(self->pfd, "x", 1));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, read(self->cfd, &p, 1));
	ASSERT_EQ(0, ipcchan_ring_map(self->cfd, &r));
	EXPECT_EQ(-EBADF, ipcchan_ring_reserve(r, 8, &p));
	ipcchan_ring_unmap(r);
}

static int kring(int dev, int nonblock, int *cfd)
{
	return ipcchan_ring_open(dev, NULL,
				 IPCCHAN_OPEN_CREATE |
				 (nonblock ? IPCCHAN_OPEN_NONBLOCK : 0),
				 IPCCHAN_RING_PRODUCER, 1,
				 IPCCHAN_RING_KERNEL_PRODUCER, 0600, cfd);
}

TEST(kernel_producer_write)
{
	int dev = dev_open(), pfd, cfd, n = 0;
	struct ipcchan_ring_stats st;
	struct ipcchan_ring *c, *p;
	char buf[2048] = "hello";
	const void *data;
	uint32_t len;
	void *wp;

	ASSERT_LE(0, dev);
	pfd = kring(dev, 1, &cfd);
	ASSERT_LE(0, pfd);
	/* The producer may map nothing writable. */
	EXPECT_EQ(MAP_FAILED, map(pfd, PAGE, PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	ASSERT_EQ(0, ipcchan_ring_map(pfd, &p));
	ASSERT_EQ(0, ipcchan_ring_map(cfd, &c));
	EXPECT_EQ(-EOPNOTSUPP, ipcchan_ring_reserve(p, 8, &wp));

	EXPECT_EQ(5, write(pfd, buf, 5));
	EXPECT_EQ(0, write(pfd, buf, 0));
	EXPECT_EQ(-1, write(pfd, buf, 2041));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(-1, write(pfd, (void *)(uintptr_t)PAGE, 10));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, ipcchan_ring_peek(c, &data, &len));
	EXPECT_EQ(5, len);
	EXPECT_EQ(0, memcmp(data, "hello", 5));
	ASSERT_EQ(0, ipcchan_ring_peek(c, &data, &len));
	EXPECT_EQ(0, len);
	EXPECT_EQ(-EAGAIN, ipcchan_ring_peek(c, &data, &len));
	ipcchan_ring_release(c);

	while (write(pfd, buf, 1000) == 1000)
		n++;
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(4, n);
	/* Space is there only after release. */
	ASSERT_EQ(0, ipcchan_ring_peek(c, &data, &len));
	EXPECT_EQ(-1, write(pfd, buf, 1000));
	ipcchan_ring_release(c);
	EXPECT_EQ(1000, write(pfd, buf, 1000));

	ASSERT_EQ(0, ipcchan_ring_get_stats(cfd, &st));
	EXPECT_EQ(7, st.write_records);
	EXPECT_EQ(5 + 5000, st.write_bytes);
	EXPECT_EQ(7, st.producer.records);
	EXPECT_EQ(3, st.consumer.records);
	EXPECT_LE(2, st.producer.stalls);
	ipcchan_ring_unmap(c);
	ipcchan_ring_unmap(p);
	close(pfd);
	close(cfd);
	close(dev);
}

/*
 * The kernel producer is a write_iter: writev() makes one record of all
 * its iovecs, and RWF_NOWAIT (IOCB_NOWAIT, which the kernel allows only on
 * files with FMODE_NOWAIT, else EOPNOTSUPP) ends with EAGAIN on a full
 * ring instead of waiting, even on a blocking fd.
 */
TEST(kernel_producer_writev_and_nowait)
{
	int dev = dev_open(), pfd, cfd, n = 0;
	struct iovec iov[3] = {
		{ .iov_base = "ab", .iov_len = 2 },
		{ .iov_base = NULL, .iov_len = 0 },
		{ .iov_base = "cde", .iov_len = 3 },
	};
	struct iovec big = { .iov_len = 1000 };
	struct ipcchan_ring *c;
	const void *data;
	char buf[1000];
	uint32_t len;

	ASSERT_LE(0, dev);
	pfd = kring(dev, 0, &cfd);
	ASSERT_LE(0, pfd);
	ASSERT_EQ(0, ipcchan_ring_map(cfd, &c));

	EXPECT_EQ(5, writev(pfd, iov, 3));
	ASSERT_EQ(0, ipcchan_ring_peek(c, &data, &len));
	EXPECT_EQ(5, len);
	EXPECT_EQ(0, memcmp(data, "abcde", 5));
	ipcchan_ring_release(c);
	EXPECT_EQ(-EAGAIN, ipcchan_ring_peek(c, &data, &len));

	/* A bad pointer in any iovec: EFAULT and nothing published. */
	iov[1].iov_base = (void *)(uintptr_t)PAGE;
	iov[1].iov_len = 4;
	EXPECT_EQ(-1, writev(pfd, iov, 3));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-EAGAIN, ipcchan_ring_peek(c, &data, &len));

	memset(buf, 'x', sizeof(buf));
	big.iov_base = buf;
	while (n < 16 && pwritev2(pfd, &big, 1, -1, RWF_NOWAIT) == 1000)
		n++;
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(4, n);
	/* After one release there is room again, without waiting. */
	ASSERT_EQ(0, ipcchan_ring_peek(c, &data, &len));
	EXPECT_EQ(1000, len);
	ipcchan_ring_release(c);
	EXPECT_EQ(1000, pwritev2(pfd, &big, 1, -1, RWF_NOWAIT));

	ipcchan_ring_unmap(c);
	close(pfd);
	close(cfd);
	close(dev);
}

/* ------------------------------------------------------------------ */
/* Streams between processes                                           */
/* ------------------------------------------------------------------ */

enum mode { BLOCKING, BUSY, WRITE };

/*
 * Record @seq of producer @who: 8 bytes of sequence (producer in the top
 * byte), pseudo-random bytes, and a 4-byte FNV-1a checksum at the end.
 * Lengths 12..1012 vary so records land everywhere across the wrap.
 */
static uint32_t stream_len(uint64_t seq)
{
	return 12 + (uint32_t)((seq * 2654435761U) >> 7) % 1001;
}

static uint32_t fnv(const unsigned char *p, uint32_t n)
{
	uint32_t h = 2166136261U;

	while (n--)
		h = (h ^ *p++) * 16777619U;
	return h;
}

static void stream_fill(unsigned char *p, uint64_t tag, uint32_t len)
{
	uint32_t h;

	memcpy(p, &tag, 8);
	for (uint32_t i = 8; i < len - 4; i++)
		p[i] = (unsigned char)(tag * 13 + i);
	h = fnv(p, len - 4);
	memcpy(p + len - 4, &h, 4);
}

static int stream_check(const unsigned char *p, uint32_t len, uint64_t tag)
{
	uint32_t h;
	uint64_t t;

	if (len != stream_len(tag & ((1ULL << 56) - 1)))
		return -1;
	memcpy(&t, p, 8);
	memcpy(&h, p + len - 4, 4);
	return t == tag && h == fnv(p, len - 4) ? 0 : -1;
}

static int ring_wait_mode(struct ipcchan_ring *r, uint32_t need, enum mode m)
{
	if (m == BUSY)
		return ipcchan_ring_busy_wait(r, need, 30LL * 1000000000);
	return ipcchan_ring_wait(r, need, 30LL * 1000000000);
}

/* A producer child gives up: say why on stderr, for the consumer's log. */
static void produce_fail(int who, long i, const char *what, int code)
{
	fprintf(stderr, "# producer %d: %s of record %ld failed: %s\n",
		who, what, i, strerror(errno));
	_exit(code);
}

/*
 * Reap the producers and log how each ended. Called when the consumer
 * fails: a producer still running (blocked on a full ring, say) is
 * killed first, and that is logged as such.
 */
static void report_producers(struct __test_metadata *_metadata,
			     const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++) {
		int status, killed = 0;
		pid_t ret = waitpid(pids[i], &status, WNOHANG);

		if (ret == 0) {
			kill(pids[i], SIGKILL);
			ret = waitpid(pids[i], &status, 0);
			killed = 1;
		}
		if (ret != pids[i])
			TH_LOG("producer %d: waitpid: %s", i, strerror(errno));
		else if (killed)
			TH_LOG("producer %d: still running (killed)", i);
		else if (WIFEXITED(status))
			TH_LOG("producer %d: exited with %d", i,
			       WEXITSTATUS(status));
		else
			TH_LOG("producer %d: killed by signal %d", i,
			       WTERMSIG(status));
	}
}

static void produce(int fd, long n, enum mode m, int who)
{
	unsigned char buf[1100];
	struct ipcchan_ring *r;
	long batch = 0;

	if (m == WRITE) {
		for (long i = 0; i < n; i++) {
			uint64_t tag = (uint64_t)who << 56 | i;
			uint32_t len = stream_len(i);

			stream_fill(buf, tag, len);
			if (write(fd, buf, len) != len)
				produce_fail(who, i, "write", 20);
		}
		_exit(0);
	}
	if (ipcchan_ring_map(fd, &r))
		_exit(21);
	for (long i = 0; i < n; i++) {
		uint32_t len = stream_len(i);
		void *p;
		int ret;

		while ((ret = ipcchan_ring_reserve(r, len, &p)) == -EAGAIN) {
			ret = ring_wait_mode(r, ipcchan_ring_rec_total(len), m);
			if (ret) {
				errno = -ret;
				produce_fail(who, i, "wait", 22);
			}
			batch = 0;
		}
		if (ret)
			_exit(23);
		stream_fill(p, i, len);
		if (++batch == 16) {
			if (ipcchan_ring_commit(r))
				_exit(24);
			batch = 0;
		}
	}
	ipcchan_ring_unmap(r);
	_exit(0);
}

FIXTURE(stream) {
	int dev;
};

FIXTURE_VARIANT(stream) {
	enum mode mode;
	int producers;
};

FIXTURE_VARIANT_ADD(stream, blocking) { .mode = BLOCKING, .producers = 1 };
FIXTURE_VARIANT_ADD(stream, busy_poll) { .mode = BUSY, .producers = 1 };
FIXTURE_VARIANT_ADD(stream, write_3_producers) {
	.mode = WRITE, .producers = 3
};

FIXTURE_SETUP(stream)
{
	self->dev = dev_open();
	ASSERT_LE(0, self->dev);
}

FIXTURE_TEARDOWN(stream)
{
	close(self->dev);
}

TEST_F_TIMEOUT(stream, checksummed_records, 900)
{
	long total = records_wanted(), per = total / variant->producers;
	uint64_t next[4] = { 0 };
	struct ipcchan_ring_stats st;
	struct ipcchan_ring *r;
	int pfd, cfd, status;
	long got = 0;
	pid_t pids[4];

	pfd = ipcchan_ring_open(self->dev, NULL, IPCCHAN_OPEN_CREATE,
				IPCCHAN_RING_PRODUCER, 4,
				variant->mode == WRITE ?
				IPCCHAN_RING_KERNEL_PRODUCER : 0, 0600, &cfd);
	ASSERT_LE(0, pfd);
	for (int i = 0; i < variant->producers; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0) {
			close(cfd);
			produce(pfd, per, variant->mode, i);
		}
	}
	close(pfd);
	ASSERT_EQ(0, ipcchan_ring_map(cfd, &r));

	while (got < per * variant->producers) {
		const unsigned char *p;
		uint32_t len;
		uint64_t tag;
		int ret = ipcchan_ring_peek(r, (const void **)&p, &len);

		if (ret == -EAGAIN) {
			ret = ring_wait_mode(r, 0, variant->mode);
			if (ret) {
				report_producers(_metadata, pids,
						 variant->producers);
				if (!ipcchan_ring_get_stats(cfd, &st))
					TH_LOG("positions p=%u c=%u, corrupt %llu",
					       st.producer_pos, st.consumer_pos,
					       st.corrupt);
			}
			ASSERT_EQ(0, ret) TH_LOG("wait after %ld records", got);
			continue;
		}
		if (ret)
			report_producers(_metadata, pids, variant->producers);
		ASSERT_EQ(0, ret);
		ASSERT_LE(12, len);
		memcpy(&tag, p, 8);
		ASSERT_GT(variant->producers, tag >> 56);
		/* Per-producer order, no loss, no duplicate. */
		ASSERT_EQ(next[tag >> 56], tag & ((1ULL << 56) - 1))
			TH_LOG("record %ld", got);
		ASSERT_EQ(0, stream_check(p, len, tag)) TH_LOG("record %ld", got);
		next[tag >> 56]++;
		if (++got % 64 == 0)
			ASSERT_EQ(0, ipcchan_ring_release(r));
	}
	ASSERT_EQ(0, ipcchan_ring_release(r));
	for (int i = 0; i < variant->producers; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	/* Nothing more; the producers are gone. */
	EXPECT_EQ(-EPIPE, ipcchan_ring_wait(r, 0, -1));
	ASSERT_EQ(0, ipcchan_ring_get_stats(cfd, &st));
	EXPECT_EQ(got, st.producer.records);
	EXPECT_EQ(got, st.consumer.records);
	EXPECT_EQ(st.producer.bytes, st.consumer.bytes);
	EXPECT_EQ(st.producer_pos, st.consumer_pos);
	EXPECT_EQ(0, st.corrupt);
	TH_LOG("%ld records; kicks p=%llu c=%llu idle=%llu, avoided p=%llu c=%llu, waits %llu, stalls p=%llu c=%llu",
	       got, st.producer_kicks, st.consumer_kicks, st.kicks_idle,
	       st.producer.kicks_avoided, st.consumer.kicks_avoided,
	       st.waits, st.producer.stalls, st.consumer.stalls);
	ipcchan_ring_unmap(r);
	close(cfd);
}

/*
 * Edge-triggered epoll on both sides, with the need-wakeup flag: a lost
 * wakeup shows up as a 10 s epoll_wait timeout with work pending.
 */
TEST_F_TIMEOUT(ring, epollet_no_lost_wakeup, 600)
{
	long n = records_wanted() / 4, got = 0;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	struct ipcchan_ring *r;
	int ep, status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct epoll_event pev = { .events = EPOLLOUT | EPOLLET };
		struct ipcchan_ring *w;
		int pep = epoll_create1(0);

		close(self->cfd);
		if (ipcchan_ring_map(self->pfd, &w) ||
		    epoll_ctl(pep, EPOLL_CTL_ADD, self->pfd, &pev))
			_exit(30);
		for (long i = 0; i < n; i++) {
			uint32_t len = (uint32_t)(i * 7919) % 3000;
			void *p;

			while (ipcchan_ring_reserve(w, len, &p) == -EAGAIN) {
				int ret = ipcchan_ring_prepare_wait(w, 0);

				if (ret < 0)
					_exit(31);
				if (ret == 0 &&
				    epoll_wait(pep, &pev, 1, 10000) != 1)
					_exit(32);
				ipcchan_ring_finish_wait(w);
			}
			memcpy(p, &i, len < 8 ? len : 8);
			/* Irregular batches. */
			if ((i * 31) % 7 == 0 && ipcchan_ring_commit(w))
				_exit(33);
		}
		ipcchan_ring_unmap(w);
		_exit(0);
	}
	close(self->pfd);
	self->pfd = -1;
	ASSERT_EQ(0, ipcchan_ring_map(self->cfd, &r));
	ep = epoll_create1(0);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->cfd, &ev));
	while (got < n) {
		const void *p;
		uint32_t len;
		int ret = ipcchan_ring_peek(r, &p, &len);

		if (ret == -EAGAIN) {
			ret = ipcchan_ring_prepare_wait(r, 0);
			ASSERT_LE(0, ret);
			if (ret == 0)
				ASSERT_EQ(1, epoll_wait(ep, &ev, 1, 10000))
					TH_LOG("lost wakeup after %ld", got);
			ipcchan_ring_finish_wait(r);
			continue;
		}
		ASSERT_EQ(0, ret);
		ASSERT_EQ((uint32_t)(got * 7919) % 3000, len);
		if (len >= 8)
			ASSERT_EQ(0, memcmp(p, &got, 8));
		got++;
		if (got % 5 == 0)
			ipcchan_ring_release(r);
	}
	ipcchan_ring_release(r);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ipcchan_ring_unmap(r);
	close(ep);
}

/* ------------------------------------------------------------------ */
/* Hostile shared memory, peer death, futex, module lifetime           */
/* ------------------------------------------------------------------ */

TEST_F(ring, corrupt_shared_memory)
{
	const struct ipcchan_ring_offsets *o = &self->off;
	struct ipcchan_ring_wait w = { .size = sizeof(w), .timeout_ns = -1 };
	struct ipcchan_ring_stats st;
	struct ipcchan_ring *c, *p;
	struct pollfd pfd;
	const void *data;
	uint32_t *cpos, len;
	void *wp;

	ASSERT_EQ(0, ipcchan_ring_map(self->pfd, &p));
	ASSERT_EQ(0, ipcchan_ring_map(self->cfd, &c));
	cpos = map(self->cfd, o->cons_off, o->ctrl_len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, cpos);

	/* A producer header lying about its length. */
	ASSERT_EQ(0, ipcchan_ring_reserve(p, 16, &wp));
	((struct ipcchan_ring_rec *)wp - 1)->len = 100000;
	ASSERT_EQ(0, ipcchan_ring_commit(p));
	EXPECT_EQ(-EIO, ipcchan_ring_peek(c, &data, &len));
	EXPECT_EQ(-EIO, ipcchan_ring_peek(c, &data, &len));

	/* A consumer position from nowhere. */
	cpos[o->pos / 4] = 0x12345;
	pfd.fd = self->pfd;
	pfd.events = POLLOUT;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_TRUE(pfd.revents & POLLERR);
	EXPECT_EQ(-1, ioctl(self->pfd, IPCCHAN_IOC_RING_WAIT, &w));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(-1, ioctl(self->cfd, IPCCHAN_IOC_RING_WAIT, &w));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(-EIO, ipcchan_ring_busy_wait(p, 0, -1));
	ASSERT_EQ(0, ipcchan_ring_get_stats(self->pfd, &st));
	EXPECT_LE(3, st.corrupt);
	EXPECT_EQ(0x12345, st.consumer_pos);
	ipcchan_ring_unmap(c);
	ipcchan_ring_unmap(p);
	munmap(cpos, o->ctrl_len);
}

TEST(corrupt_positions_vs_kernel_producer)
{
	int dev = dev_open(), pfd, cfd;
	struct ipcchan_ring_offsets off;
	struct ipcchan_ring_info ri;
	uint32_t *cpos;

	ASSERT_LE(0, dev);
	pfd = kring(dev, 0, &cfd);
	ASSERT_LE(0, pfd);
	ASSERT_EQ(0, get_info(cfd, &ri));
	off = ri.off;
	cpos = map(cfd, off.cons_off, off.ctrl_len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, cpos);
	for (uint32_t v = 4; v < 0xf0000000U; v = v * 3 + 1) {
		cpos[off.pos / 4] = v;
		/* Either refused as corrupt or accepted; never out of bounds. */
		if (write(pfd, "0123456789", 10) < 0)
			EXPECT_TRUE(errno == EIO) TH_LOG("v=%u errno=%d", v,
							 errno);
	}
	cpos[off.pos / 4] = 0x10;	/* ahead of the producer */
	EXPECT_EQ(-1, write(pfd, "x", 1));
	EXPECT_EQ(EIO, errno);
	munmap(cpos, off.ctrl_len);
	close(pfd);
	close(cfd);
	close(dev);
}

TEST_F(ring, peer_death_gives_hup)
{
	struct ipcchan_ring_wait w = { .size = sizeof(w), .timeout_ns = -1 };
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	const struct ipcchan_ring_info_page *info;
	int ep, status, sync[2];
	struct ipcchan_ring *r;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ipcchan_ring *pr;

		close(self->cfd);
		if (ipcchan_ring_map(self->pfd, &pr))
			_exit(1);
		close(self->pfd);	/* the mapping keeps it attached */
		if (write(sync[1], "x", 1) != 1)
			_exit(2);
		pause();
		_exit(3);
	}
	close(self->pfd);
	self->pfd = -1;
	ASSERT_EQ(1, read(sync[0], &c, 1));
	ASSERT_EQ(0, ipcchan_ring_map(self->cfd, &r));
	info = ipcchan_ring_info(r);
	EXPECT_EQ(1, info->producers);
	EXPECT_FALSE(ipcchan_ring_peer_gone(r));

	ep = epoll_create1(0);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->cfd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, 10000));
	EXPECT_TRUE(ev.events & EPOLLHUP);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, info->producers);
	EXPECT_TRUE(ipcchan_ring_peer_gone(r));
	EXPECT_EQ(-1, ioctl(self->cfd, IPCCHAN_IOC_RING_WAIT, &w));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-EPIPE, ipcchan_ring_wait(r, 0, -1));
	ipcchan_ring_unmap(r);
	close(ep);
	close(sync[0]);
	close(sync[1]);
}

/* ------------------------------------------------------------------ */
/* WAIT with KICK_FD, and waiting for a number of bytes                */
/* ------------------------------------------------------------------ */

static int get_stats(int fd, struct ipcchan_ring_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, IPCCHAN_IOC_RING_GET_STATS, st);
}

/* A check-only WAIT on @fd, kicking @kick_fd; returns 0 or errno. */
static int wait_kick(int fd, uint32_t size, uint32_t flags, int kick_fd,
		     uint32_t reserved)
{
	struct ipcchan_ring_wait w;

	memset(&w, 0, sizeof(w));
	w.size = size;
	w.flags = flags;
	w.kick_fd = kick_fd;
	w.reserved = reserved;
	return ioctl(fd, IPCCHAN_IOC_RING_WAIT, &w) ? errno : 0;
}

TEST_F(ring, wait_kick_fd_checks_arguments)
{
	const char *name = "selftest-ring-kick-observer";
	const uint32_t kf = IPCCHAN_RING_WAIT_KICK_FD;
	const uint32_t v1 = IPCCHAN_RING_WAIT_SIZE_VER1;
	const uint32_t v0 = IPCCHAN_RING_WAIT_SIZE_VER0;
	struct ipcchan_ring_stats st0, st1;
	unsigned char big[sizeof(struct ipcchan_ring_wait) + 8];
	struct ipcchan_ring_wait *bw = (void *)big;
	int pipefd[2], p, o;

	ASSERT_EQ(32, sizeof(struct ipcchan_ring_wait));
	ASSERT_EQ(0, pipe(pipefd));
	/* A producer of an empty ring has room: the waits only check. */
	EXPECT_EQ(EBADF, wait_kick(self->pfd, v1, kf, -1, 0));
	EXPECT_EQ(EBADF, wait_kick(self->pfd, v1, kf, 1000000, 0));
	EXPECT_EQ(EINVAL, wait_kick(self->pfd, v1, kf, self->dev, 0));
	EXPECT_EQ(EINVAL, wait_kick(self->pfd, v1, kf, pipefd[0], 0));
	EXPECT_EQ(EINVAL, wait_kick(self->pfd, v1, kf, self->cfd, 1));
	EXPECT_EQ(EINVAL, wait_kick(self->pfd, v1, 0, 0, 1));
	/* kick_fd without the flag is a reserved field. */
	EXPECT_EQ(EINVAL, wait_kick(self->pfd, v1, 0, self->cfd, 0));
	/* A VER0 caller cannot ask for a kick it has no field for. */
	EXPECT_EQ(EINVAL, wait_kick(self->pfd, v0, kf, 0, 0));
	EXPECT_EQ(EINVAL, wait_kick(self->pfd, v0 - 8, 0, 0, 0));
	memset(big, 0, sizeof(big));
	bw->size = sizeof(big);
	big[sizeof(big) - 1] = 1;
	EXPECT_EQ(-1, ioctl(self->pfd, IPCCHAN_IOC_RING_WAIT, bw));
	EXPECT_EQ(E2BIG, errno);

	/* Nothing above kicked anyone. */
	ASSERT_EQ(0, get_stats(self->pfd, &st0));
	EXPECT_EQ(0, st0.producer_kicks);
	EXPECT_EQ(0, st0.consumer_kicks);

	/* VER0 without a kick still works, on both roles. */
	EXPECT_EQ(0, wait_kick(self->pfd, v0, 0, 0, 0));
	EXPECT_EQ(ETIMEDOUT, wait_kick(self->cfd, v0, 0, 0, 0));

	/* Valid: either role of this ring, from either fd. */
	EXPECT_EQ(0, wait_kick(self->pfd, v1, kf, self->cfd, 0));
	EXPECT_EQ(0, wait_kick(self->pfd, v1, kf, self->pfd, 0));
	EXPECT_EQ(ETIMEDOUT, wait_kick(self->cfd, v1, kf, self->pfd, 0));
	ASSERT_EQ(0, get_stats(self->pfd, &st1));
	EXPECT_EQ(2, st1.producer_kicks);
	EXPECT_EQ(1, st1.consumer_kicks);
	EXPECT_EQ(3, st1.kicks_idle);

	/* An observer may neither be kicked through nor wait. */
	ipcchan_ring_unlink(self->dev, name);
	p = ipcchan_ring_open(self->dev, name, IPCCHAN_OPEN_CREATE,
			      IPCCHAN_RING_PRODUCER, 1, 0, 0600, NULL);
	ASSERT_LE(0, p);
	o = ipcchan_ring_open(self->dev, name, 0, IPCCHAN_RING_OBSERVER, 0, 0,
			      0, NULL);
	ASSERT_LE(0, o);
	EXPECT_EQ(EBADF, wait_kick(self->pfd, v1, kf, o, 0));
	EXPECT_EQ(EBADF, wait_kick(o, v1, kf, self->cfd, 0));
	/* Another ring's producer is fine. */
	EXPECT_EQ(0, wait_kick(self->pfd, v1, kf, p, 0));
	EXPECT_EQ(0, ipcchan_ring_unlink(self->dev, name));
	close(o);
	close(p);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* The waiting word of a control page, mapped read-only. */
static volatile uint32_t *map_word(int fd, uint64_t ctrl_off,
				   const struct ipcchan_ring_offsets *off)
{
	unsigned char *ctrl = map(fd, ctrl_off, off->ctrl_len, PROT_READ);

	if (ctrl == MAP_FAILED)
		return NULL;
	return (volatile uint32_t *)(ctrl + off->waiting);
}

/* Wait up to 10 s for *@word to read @want. */
static int word_becomes(volatile uint32_t *word, uint32_t want)
{
	for (int i = 0; i < 10000; i++) {
		if (*word == want)
			return 0;
		usleep(1000);
	}
	return -1;
}

/* Whether @fd has something to read within @ms. */
static int readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms);
}

/*
 * One process publishes on ring A without kicking and waits on ring B
 * with KICK_FD = A's producer: the consumer of A, asleep in WAIT, must
 * wake (only the kick can wake it) and answer on B.
 */
TEST_F(ring, wait_kick_fd_wakes_the_other_ring)
{
	struct ipcchan_ring_wait w = { .size = sizeof(w) };
	int bp, bc, status;
	volatile uint32_t *cword;
	unsigned char *data, *prod;
	struct ipcchan_ring_rec *rec;
	pid_t pid;

	bp = ipcchan_ring_open(self->dev, NULL, IPCCHAN_OPEN_CREATE,
			       IPCCHAN_RING_PRODUCER, 1, 0, 0600, &bc);
	ASSERT_LE(0, bp);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ipcchan_ring *a, *b;
		int ret;

		if (ipcchan_ring_map(self->cfd, &a) ||
		    ipcchan_ring_map(bp, &b))
			_exit(10);
		ret = ipcchan_ring_wait(a, 0, 10LL * 1000000000);
		if (ret)
			_exit(11);
		ret = ipcchan_ring_send(b, "pong", 4);
		_exit(ret ? 12 : 0);
	}
	cword = map_word(self->cfd, self->off.cons_off, &self->off);
	ASSERT_NE(NULL, cword);
	/* The child is queued once the kernel wrote its need. */
	ASSERT_EQ(0, word_becomes(cword, 1));

	data = map(self->pfd, self->off.data_off, 2 * self->off.data_size,
		   PROT_READ | PROT_WRITE);
	prod = map(self->pfd, self->off.prod_off, self->off.ctrl_len,
		   PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, data);
	ASSERT_NE(MAP_FAILED, prod);
	rec = (struct ipcchan_ring_rec *)data;
	rec->len = 4;
	rec->flags = 0;
	memcpy(rec + 1, "ping", 4);
	__atomic_store_n((uint32_t *)(prod + self->off.pos), 16,
			 __ATOMIC_SEQ_CST);

	w.flags = IPCCHAN_RING_WAIT_KICK_FD;
	w.kick_fd = self->pfd;
	w.timeout_ns = 20LL * 1000000000;
	EXPECT_EQ(0, ioctl(bc, IPCCHAN_IOC_RING_WAIT, &w))
		TH_LOG("WAIT with KICK_FD: %s", strerror(errno));
	EXPECT_EQ(16, w.avail);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(bp);
	close(bc);
}

/*
 * Producer asleep until half the ring is free: releases and kicks that
 * leave less free do not wake it (the kernel counts the kick idle and
 * rewrites its word), the release that frees enough does (the library
 * kicks by itself), and the consumer's departure wakes it with EPIPE.
 */
TEST_F(ring, producer_waits_for_min_bytes)
{
	const uint32_t half = 2 * PAGE, size = 4 * PAGE;
	struct ipcchan_ring_stats st;
	volatile uint32_t *pword;
	struct ipcchan_ring *c;
	int report[2], status, i;
	uint32_t avail = 0, len;
	const void *msg;
	pid_t pid;

	ASSERT_EQ(0, pipe(report));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ipcchan_ring_wait w = { .size = sizeof(w) };
		static char buf[1016];
		struct ipcchan_ring *p;

		close(self->cfd);
		if (ipcchan_ring_map(self->pfd, &p))
			_exit(10);
		for (i = 0; i < 16; i++)
			if (ipcchan_ring_send(p, buf, sizeof(buf)))
				_exit(11);
		if (ipcchan_ring_send(p, buf, 8) != -EAGAIN)
			_exit(12);
		w.min_bytes = half;
		w.timeout_ns = 30LL * 1000000000;
		if (ioctl(self->pfd, IPCCHAN_IOC_RING_WAIT, &w))
			_exit(13);
		if (write(report[1], &w.avail, sizeof(w.avail)) != 4)
			_exit(14);
		w.min_bytes = size;
		if (ioctl(self->pfd, IPCCHAN_IOC_RING_WAIT, &w) == 0)
			_exit(15);
		_exit(errno == EPIPE ? 0 : 16);
	}
	close(self->pfd);
	self->pfd = -1;
	pword = map_word(self->cfd, self->off.prod_off, &self->off);
	ASSERT_NE(NULL, pword);
	ASSERT_EQ(0, word_becomes(pword, half));
	ASSERT_EQ(0, ipcchan_ring_map(self->cfd, &c));

	/* 2 KiB free: the library sees the word and does not kick. */
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, ipcchan_ring_peek(c, &msg, &len));
	ASSERT_EQ(0, ipcchan_ring_release(c));
	ASSERT_EQ(0, get_stats(self->cfd, &st));
	EXPECT_EQ(0, st.consumer_kicks);
	EXPECT_EQ(0, readable(report[0], 200));

	/* A kick anyway: the kernel does not wake a producer still short. */
	ASSERT_EQ(0, ioctl(self->cfd, IPCCHAN_IOC_RING_KICK, 0));
	ASSERT_EQ(0, get_stats(self->cfd, &st));
	EXPECT_EQ(1, st.consumer_kicks);
	EXPECT_EQ(1, st.kicks_idle);
	EXPECT_EQ(half, *pword);
	EXPECT_EQ(0, readable(report[0], 200));
	EXPECT_EQ(0, waitpid(pid, &status, WNOHANG));

	/* 8 KiB free: the library kicks, the producer wakes. */
	for (i = 0; i < 6; i++)
		ASSERT_EQ(0, ipcchan_ring_peek(c, &msg, &len));
	ASSERT_EQ(0, ipcchan_ring_release(c));
	ASSERT_EQ(1, readable(report[0], 10000));
	ASSERT_EQ(4, read(report[0], &avail, sizeof(avail)));
	EXPECT_LE(half, avail);
	ASSERT_EQ(0, get_stats(self->cfd, &st));
	EXPECT_EQ(2, st.consumer_kicks);
	EXPECT_EQ(1, st.kicks_idle);

	/* Now it waits for the whole ring; the consumer leaves instead. */
	ASSERT_EQ(0, word_becomes(pword, size));
	ipcchan_ring_unmap(c);
	munmap((void *)((uintptr_t)pword & ~(PAGE - 1)), self->off.ctrl_len);
	close(self->cfd);
	self->cfd = -1;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(report[0]);
	close(report[1]);
}

/* The same for a consumer asleep until 4 KiB of records are published. */
TEST_F(ring, consumer_waits_for_min_bytes)
{
	struct ipcchan_ring_stats st;
	volatile uint32_t *cword;
	struct ipcchan_ring *p;
	static char buf[1016];
	int status, i;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ipcchan_ring_wait w = { .size = sizeof(w) };

		close(self->pfd);
		w.min_bytes = PAGE;
		w.timeout_ns = 30LL * 1000000000;
		if (ioctl(self->cfd, IPCCHAN_IOC_RING_WAIT, &w))
			_exit(10);
		_exit(w.avail >= PAGE ? 0 : 11);
	}
	cword = map_word(self->pfd, self->off.cons_off, &self->off);
	ASSERT_NE(NULL, cword);
	ASSERT_EQ(0, word_becomes(cword, PAGE));
	ASSERT_EQ(0, ipcchan_ring_map(self->pfd, &p));

	/* One record, then a kick anyway: the consumer sleeps on. */
	ASSERT_EQ(0, ipcchan_ring_send(p, buf, sizeof(buf)));
	ASSERT_EQ(0, ioctl(self->pfd, IPCCHAN_IOC_RING_KICK, 0));
	ASSERT_EQ(0, get_stats(self->pfd, &st));
	EXPECT_EQ(1, st.producer_kicks);
	EXPECT_EQ(1, st.kicks_idle);
	EXPECT_EQ(PAGE, *cword);
	usleep(200000);
	EXPECT_EQ(0, waitpid(pid, &status, WNOHANG));

	/* Three more make 4 KiB: the library kicks on the last commit. */
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, ipcchan_ring_send(p, buf, sizeof(buf)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, get_stats(self->pfd, &st));
	EXPECT_EQ(2, st.producer_kicks);
	EXPECT_EQ(1, st.kicks_idle);
	ipcchan_ring_unmap(p);
}

/*
 * The ring's pages are kernel pages outside the page cache, so a shared
 * (non-private) futex cannot key on them: the kernel answers EFAULT. A
 * private futex works but only inside one process. Waiting across
 * processes is what IPCCHAN_IOC_RING_WAIT and KICK are for.
 */
TEST_F(ring, shared_futex_is_refused)
{
	const struct ipcchan_ring_offsets *o = &self->off;
	size_t dlen = 2 * (size_t)o->data_size;
	uint32_t *d;

	d = map(self->pfd, o->data_off, dlen, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	EXPECT_EQ(-1, syscall(SYS_futex, d, FUTEX_WAKE, 1, NULL, NULL, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, syscall(SYS_futex, d, FUTEX_WAKE_PRIVATE, 1, NULL, NULL,
			     0));
	munmap(d, dlen);
}

TEST(rmmod_refused_while_mapped)
{
	const char *ko = getenv("IPCCHAN_KO") ?: MODULE_PATH_DEFAULT;
	int dev, pfd, cfd, kofd, fd;
	struct ipcchan_ring_info ri;
	unsigned char *d;
	size_t dlen;

	if (geteuid() != 0)
		SKIP(return, "needs root to unload the module");
	kofd = open(ko, O_RDONLY | O_CLOEXEC);
	if (kofd < 0)
		SKIP(return, "module file %s not found", ko);
	dev = dev_open();
	ASSERT_LE(0, dev);
	pfd = ipcchan_ring_open(dev, NULL, IPCCHAN_OPEN_CREATE,
				IPCCHAN_RING_PRODUCER, 1, 0, 0600, &cfd);
	ASSERT_LE(0, pfd);
	ASSERT_EQ(0, get_info(pfd, &ri));
	dlen = 2 * (size_t)ri.off.data_size;
	d = map(pfd, ri.off.data_off, dlen, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	close(pfd);
	close(cfd);
	close(dev);

	/* Only the mapping is left, and it pins the module. */
	EXPECT_EQ(-1, syscall(SYS_delete_module, "ipcchan", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	d[0] = 42;
	EXPECT_EQ(42, d[ri.off.data_size]);
	ASSERT_EQ(0, munmap(d, dlen));

	ASSERT_EQ(0, syscall(SYS_delete_module, "ipcchan", O_NONBLOCK))
		TH_LOG("delete_module: %s", strerror(errno));
	ASSERT_EQ(0, syscall(SYS_finit_module, kofd, "", 0))
		TH_LOG("finit_module: %s", strerror(errno));
	close(kofd);
	fd = dev_open();
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_HARNESS_MAIN
