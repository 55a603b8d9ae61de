// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifecycle: rmmod is refused while any object fd is alive, even
 * with /dev/ipcchan closed and even in another process; and many cycles
 * of insmod -> create objects (anonymous, named with queued messages,
 * named in an IPC namespace whose processes are gone) -> close -> rmmod
 * run clean. The VM runner's kmemleak scan and report check after the
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
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "kselftest_harness.h"

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

/* Named objects without fds do not pin it: exit unlinks and frees them. */
static void one_cycle(struct __test_metadata *_metadata, int kofd, int i)
{
	char name[32];
	int fd, anon, st;
	pid_t pid;

	ASSERT_EQ(0, load(kofd)) TH_LOG("cycle %d: insmod", i);
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
	ASSERT_EQ(0, unload()) TH_LOG("cycle %d: rmmod", i);
	ASSERT_NE(0, access(IPCCHAN_DEVICE_PATH, F_OK));
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
