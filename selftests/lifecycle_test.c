// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifecycle: rmmod is refused while any object fd is alive, even
 * with /dev/ipcchan closed and even in another process, while a ring
 * mapping is alive with every fd closed, and while a netlink dump is in
 * progress; and many cycles of insmod -> create objects (anonymous
 * mailbox, named mailbox with queued messages, named in an IPC namespace
 * whose processes are gone, a mapped kernel-producer ring with records,
 * a netlink listener that hears them) -> close -> rmmod run clean. The VM runner's kmemleak scan and report check after the
 * test catch what any cycle leaked.
 *
 * IPCCHAN_KO overrides the module path, IPCCHAN_LIFECYCLE_CYCLES the
 * number of cycles (100).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/ipcchan.h>

#include "kselftest_harness.h"
#include "genl_util.h"

#define MODULE_PATH_DEFAULT "/lib/ipcchan/ipcchan.ko"

static int mb_open(const char *name, unsigned int flags)
{
	struct ipcchan_mbox_open op = {
		.size = sizeof(op), .flags = flags, .mode = 0600,
		.capacity = 8, .msgsize_max = 128,
	};
	int dev, fd;

	if (name) {
		op.name = (uintptr_t)name;
		op.name_len = strlen(name);
	}
	dev = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	fd = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
	fd = fd < 0 ? -errno : fd;
	close(dev);
	return fd;
}

/* An anonymous ring; *@peer gets the consumer fd, *@op the layout. */
static int ring_open(const char *name, struct ipcchan_ring_open *op,
		     unsigned int ring_flags)
{
	int dev, fd;

	memset(op, 0, sizeof(*op));
	op->size = sizeof(*op);
	op->flags = IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_NONBLOCK;
	op->role = IPCCHAN_RING_PRODUCER;
	op->mode = 0600;
	op->nr_pages = 2;
	op->ring_flags = ring_flags;
	if (name) {
		op->name = (uintptr_t)name;
		op->name_len = strlen(name);
	}
	dev = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	fd = ioctl(dev, IPCCHAN_IOC_RING_OPEN, op);
	fd = fd < 0 ? -errno : fd;
	close(dev);
	return fd;
}

static int ring_unlink(const char *name)
{
	struct ipcchan_unlink u = {
		.size = sizeof(u), .type = IPCCHAN_OBJ_RING,
		.name = (uintptr_t)name, .name_len = strlen(name),
	};
	int dev = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC), ret;

	ret = ioctl(dev, IPCCHAN_IOC_UNLINK, &u) ? -errno : 0;
	close(dev);
	return ret;
}

/*
 * A generic netlink socket with the family resolved on it into @fam, or
 * -1; with @join, in the family's monitor group.
 */
static int nl_open(bool join, struct family *fam)
{
	int fd = nl_socket();

	if (fd < 0)
		return -1;
	if (resolve_family(fd, fam) ||
	    (join && (!fam->grp_monitor ||
		      setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				 &fam->grp_monitor, sizeof(fam->grp_monitor))))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Messages queued on @fd, read without waiting. */
static int nl_count(int fd)
{
	static char buf[65536];
	struct nlmsghdr *nlh;
	int n, count = 0;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n))
			count++;
	return count;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "ipcchan", O_NONBLOCK) ? -errno : 0;
}

static int load(int kofd)
{
	return syscall(SYS_finit_module, kofd, "", 0) ? -errno : 0;
}

FIXTURE(mod) {
	int kofd;
};

FIXTURE_SETUP(mod)
{
	const char *ko = getenv("IPCCHAN_KO") ?: MODULE_PATH_DEFAULT;

	if (geteuid() != 0)
		SKIP(return, "needs root to unload the module");
	self->kofd = open(ko, O_RDONLY | O_CLOEXEC);
	if (self->kofd < 0)
		SKIP(return, "module file %s not found", ko);
}

FIXTURE_TEARDOWN(mod)
{
	/* Leave the module loaded for the tests and the runner after us. */
	if (self->kofd >= 0 && access(IPCCHAN_DEVICE_PATH, F_OK))
		load(self->kofd);
	if (self->kofd >= 0)
		close(self->kofd);
}

/* A mailbox fd alone, without /dev/ipcchan open, pins the module. */
TEST_F(mod, rmmod_refused_while_object_fd_open)
{
	int fd = mb_open(NULL, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EWOULDBLOCK, unload());
	EXPECT_EQ(1, write(fd, "x", 1));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load(self->kofd));
}

/* The fd held by another process only. */
TEST_F(mod, rmmod_refused_while_child_holds_fd)
{
	int fd = mb_open(NULL, IPCCHAN_OPEN_READ), p[2], st;
	pid_t pid;
	char c;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(p[1]);
		read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	close(fd);
	EXPECT_EQ(-EWOULDBLOCK, unload());
	close(p[1]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load(self->kofd));
}

/*
 * A ring mapping pins the module with every fd closed: the mapping holds
 * the file, the file the module.
 */
TEST_F(mod, rmmod_refused_while_ring_mapped)
{
	struct ipcchan_ring_open op;
	int fd = ring_open(NULL, &op, 0);
	uint32_t *pos;
	void *data;

	ASSERT_LE(0, fd);
	data = mmap(NULL, 2 * op.off.data_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, op.off.data_off);
	ASSERT_NE(MAP_FAILED, data);
	pos = mmap(NULL, op.off.ctrl_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, op.off.prod_off);
	ASSERT_NE(MAP_FAILED, pos);
	close(fd);
	close(op.peer_fd);
	EXPECT_EQ(-EWOULDBLOCK, unload());
	/* The pages are still there and still shared. */
	memset(data, 0x5a, 64);
	EXPECT_EQ(0x5a, ((unsigned char *)data)[op.off.data_size]);
	munmap(data, 2 * op.off.data_size);
	EXPECT_EQ(-EWOULDBLOCK, unload());
	pos[0] = 8;
	munmap(pos, op.off.ctrl_len);
	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load(self->kofd));
}

/*
 * A dump in progress pins the module (genetlink takes a module reference
 * for the dump's callbacks) until it ends or its socket is closed.
 */
#define DUMP_OBJECTS 200
TEST_F(mod, rmmod_refused_while_netlink_dump_in_progress)
{
	static char buf[4096];
	int fds[DUMP_OBJECTS], nl, i, n, tries, rc;
	struct nlmsghdr *nlh;
	struct family fam;
	bool done = false;
	struct req r;
	int round;

	for (i = 0; i < DUMP_OBJECTS; i++) {
		fds[i] = mb_open(NULL, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE);
		ASSERT_LE(0, fds[i]);
	}
	for (round = 0; round < 2; round++) {
		nl = nl_open(false, &fam);
		ASSERT_LE(0, nl);
		ASSERT_NE(0, fam.id);
		req_init(&r, fam.id, NLM_F_DUMP, IPCCHAN_CMD_OBJ_GET);
		ASSERT_EQ(r.nlh.nlmsg_len, send(nl, &r, r.nlh.nlmsg_len, 0));
		/* One small read: the dump goes on with the rest. */
		ASSERT_LT(0, recv(nl, buf, sizeof(buf), 0));
		for (i = 0; i < DUMP_OBJECTS; i++)
			if (round == 0 || fds[i] >= 0) {
				close(fds[i]);
				fds[i] = -1;
			}
		EXPECT_EQ(-EWOULDBLOCK, unload());
		if (round == 0) {
			/* Read it to its end. */
			while (!done) {
				n = recv(nl, buf, sizeof(buf), 0);
				ASSERT_LT(0, n);
				for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
				     nlh = NLMSG_NEXT(nlh, n))
					done |= nlh->nlmsg_type == NLMSG_DONE ||
						nlh->nlmsg_type == NLMSG_ERROR;
			}
		}
		/* Round 1: closing the socket abandons the dump. */
		close(nl);
		/* The socket's destruction may be deferred by RCU. */
		for (tries = 0; (rc = unload()) == -EWOULDBLOCK && tries < 50; tries++)
			usleep(20000);
		ASSERT_EQ(0, rc) TH_LOG("round %d", round);
		ASSERT_EQ(0, load(self->kofd));
		if (round == 0)
			for (i = 0; i < DUMP_OBJECTS; i++) {
				fds[i] = mb_open(NULL, IPCCHAN_OPEN_READ |
						       IPCCHAN_OPEN_WRITE);
				ASSERT_LE(0, fds[i]);
			}
	}
}

/* Named objects without fds do not pin it: exit unlinks and frees them. */
static void one_cycle(struct __test_metadata *_metadata, int kofd, int i)
{
	struct ipcchan_ring_open op;
	int fd, anon, st, ring, mon;
	struct family fam;
	char name[32], rname[32];
	void *data;
	pid_t pid;

	ASSERT_EQ(0, load(kofd)) TH_LOG("cycle %d: insmod", i);
	mon = nl_open(true, &fam);
	ASSERT_LE(0, mon) TH_LOG("cycle %d: netlink listener", i);
	snprintf(rname, sizeof(rname), "ring-%d", i);
	ring = ring_open(rname, &op, IPCCHAN_RING_KERNEL_PRODUCER);
	ASSERT_LE(0, ring) TH_LOG("cycle %d: ring: %s", i, strerror(-ring));
	ASSERT_EQ(5, write(ring, "ring!", 5));
	data = mmap(NULL, 2 * op.off.data_size, PROT_READ, MAP_SHARED, ring,
		    op.off.data_off);
	ASSERT_NE(MAP_FAILED, data);
	ASSERT_EQ(5, *(uint32_t *)data);	/* the record's length */
	snprintf(name, sizeof(name), "cycle-%d", i);
	fd = mb_open(name, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
			   IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL);
	ASSERT_LE(0, fd) TH_LOG("cycle %d: %s", i, strerror(-fd));
	anon = mb_open(NULL, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE);
	ASSERT_LE(0, anon);
	ASSERT_EQ(3, write(fd, "abc", 3));
	ASSERT_EQ(2, write(anon, "de", 2));
	/* A name left in an IPC namespace whose only process exits. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int cfd;

		if (unshare(CLONE_NEWIPC))
			_exit(1);
		cfd = mb_open("orphan", IPCCHAN_OPEN_WRITE | IPCCHAN_OPEN_CREATE);
		_exit(cfd < 0 || write(cfd, "o", 1) != 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_EQ(0, st);
	EXPECT_EQ(-EWOULDBLOCK, unload());
	close(anon);
	EXPECT_EQ(-EWOULDBLOCK, unload());
	close(fd);
	/* A named ring left mapped after its fds and name are gone. */
	close(ring);
	EXPECT_EQ(0, ring_unlink(rname));
	EXPECT_EQ(-EWOULDBLOCK, unload());
	munmap(data, 2 * op.off.data_size);
	/* The listener heard the ring and mailboxes come and go. */
	EXPECT_LE(8, nl_count(mon)) TH_LOG("cycle %d: events", i);
	/* It stays open across the family's unregistration. */
	ASSERT_EQ(0, unload()) TH_LOG("cycle %d: rmmod", i);
	ASSERT_NE(0, access(IPCCHAN_DEVICE_PATH, F_OK));
	close(mon);
}

TEST_F_TIMEOUT(mod, insmod_create_destroy_rmmod_cycles, 3600)
{
	const char *env = getenv("IPCCHAN_LIFECYCLE_CYCLES");
	int i, n = env ? atoi(env) : 100;

	ASSERT_EQ(0, unload());
	for (i = 0; i < n; i++)
		one_cycle(_metadata, self->kofd, i);
	ASSERT_EQ(0, load(self->kofd));
	TH_LOG("%d insmod/create/destroy/rmmod cycles", n);
}

TEST_HARNESS_MAIN
