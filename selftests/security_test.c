// SPDX-License-Identifier: GPL-2.0
/*
 * The security matrix, run as root with a second and third uid and gid
 * (fork + setgroups/setresgid/setresuid in a child for every role):
 *
 * - owner, group (primary and supplementary) and other, times read,
 *   write and read-write, times all 64 combinations of the rw bits of the
 *   three classes: the open succeeds exactly when POSIX mq would allow it,
 *   and the fd can do exactly what it was opened for;
 * - unlink by a non-owner (EPERM whatever the mode);
 * - per-user quotas (EDQUOT) on objects and bytes, independent per user,
 *   released on close, not bypassed by root inside a user namespace,
 *   whose capabilities also do not override host permissions;
 * - IPC namespace isolation of names;
 * - identities across namespaces: a receiver in another user or pid
 *   namespace sees the overflow uid or pid 0, never the host's ids;
 * - no kernel addresses in any ioctl output, fdinfo, or the kernel log;
 * - mmap of a mailbox fd or of /dev/ipcchan refused.
 *
 * Every case is counted; the totals are printed for the report.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <regex.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "kselftest_harness.h"
#include "perm_util.h"

/* Open or create a mailbox; returns an fd or -errno. */
static int mb_open(const char *name, unsigned int flags, unsigned int mode,
		   unsigned int capacity, unsigned int msgsize)
{
	struct ipcchan_mbox_open op = {
		.size = sizeof(op), .flags = flags, .mode = mode,
		.capacity = capacity, .msgsize_max = msgsize,
	};
	int dev, fd;

	if (name) {
		op.name = (uintptr_t)name;
		op.name_len = strlen(name);
	}
	dev = dev_fd();
	if (dev < 0)
		return -errno;
	fd = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &op);
	fd = fd < 0 ? -errno : fd;
	close(dev);
	return fd;
}

static int mb_send(int fd, const void *buf, unsigned int len)
{
	struct ipcchan_mbox_msg m = { .buf = (uintptr_t)buf, .len = len };
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .flags = IPCCHAN_XFER_NONBLOCK,
		.msgs = (uintptr_t)&m, .count = 1, .msg_size = sizeof(m),
	};

	return ioctl(fd, IPCCHAN_IOC_MBOX_SEND, &x) < 0 ? -errno : 0;
}

static int mb_recv(int fd, void *buf, unsigned int len,
		   struct ipcchan_mbox_msg *m)
{
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .flags = IPCCHAN_XFER_NONBLOCK,
		.msgs = (uintptr_t)m, .count = 1, .msg_size = sizeof(*m),
	};

	memset(m, 0, sizeof(*m));
	m->buf = (uintptr_t)buf;
	m->len = len;
	return ioctl(fd, IPCCHAN_IOC_MBOX_RECV, &x) < 0 ? -errno : 0;
}

/* ---------------------------------------------------------------- */
/* Owner / group / other x read / write x all mode bits              */
/* ---------------------------------------------------------------- */

#define PERM_PREFIX	"sec-perm"

/* The 64 combinations of r and w for owner, group and other. */
static void create_all_modes(void *arg)
{
	char name[32];
	unsigned int i;
	int fd;

	for (i = 0; i < 64; i++) {
		mode_name(name, sizeof(name), PERM_PREFIX, nth_mode(i));
		fd = mb_open(name, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
				   IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL,
			     nth_mode(i), 32, 64);
		CHECK(fd >= 0, "create %s: %s", name, strerror(-fd));
		close(fd);
	}
}

struct role {
	const char *what;
	uid_t uid;
	gid_t gid;
	gid_t groups[2];
	int ngroups;
	int shift;	/* which class of bits applies: 6, 3 or 0; -1: root */
};

static void check_role(void *arg)
{
	const struct role *r = arg;
	static const unsigned int access[] = {
		IPCCHAN_OPEN_READ, IPCCHAN_OPEN_WRITE,
		IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE,
	};
	unsigned int i, a, mode, bits, need;
	char name[32], buf[64];
	struct ipcchan_mbox_msg m;
	bool allowed;
	int fd, ret;

	for (i = 0; i < 64; i++) {
		mode = nth_mode(i);
		mode_name(name, sizeof(name), PERM_PREFIX, mode);
		bits = r->shift < 0 ? 7 : (mode >> r->shift) & 7;
		for (a = 0; a < 3; a++) {
			need = (access[a] & IPCCHAN_OPEN_READ ? 4 : 0) |
			       (access[a] & IPCCHAN_OPEN_WRITE ? 2 : 0);
			allowed = (bits & need) == need;
			fd = mb_open(name, access[a], 0, 0, 0);
			if (!allowed) {
				CHECK(fd == -EACCES, "%s %s access %u: %d",
				      r->what, name, access[a], fd);
				continue;
			}
			CHECK(fd >= 0, "%s %s access %u: %s", r->what, name,
			      access[a], strerror(-fd));
			/* The fd does what it was opened for, and no more. */
			ret = mb_send(fd, "x", 1);
			CHECK(access[a] & IPCCHAN_OPEN_WRITE ? ret == 0 :
			      ret == -EBADF, "%s %s send: %d", r->what, name,
			      ret);
			ret = write(fd, "y", 1) < 0 ? -errno : 0;
			CHECK(access[a] & IPCCHAN_OPEN_WRITE ? ret == 0 :
			      ret == -EBADF, "%s %s write: %d", r->what, name,
			      ret);
			ret = mb_recv(fd, buf, sizeof(buf), &m);
			if (access[a] & IPCCHAN_OPEN_READ) {
				CHECK(ret == 0 || ret == -EAGAIN,
				      "%s %s recv: %d", r->what, name, ret);
				/* Drain what this role sent. */
				while (mb_recv(fd, buf, sizeof(buf), &m) == 0)
					;
			} else {
				CHECK(ret == -EBADF, "%s %s recv: %d",
				      r->what, name, ret);
				ret = read(fd, buf, sizeof(buf)) < 0 ? -errno : 0;
				CHECK(ret == -EBADF, "%s %s read: %d",
				      r->what, name, ret);
			}
			close(fd);
		}
	}
}

static void unlink_all_modes(void *arg)
{
	const struct role *r = arg;

	unlink_modes(IPCCHAN_OBJ_MAILBOX, PERM_PREFIX, r->what, r->shift);
}

TEST(permission_matrix)
{
	static const struct role roles[] = {
		{ "owner", OWNER, OWNER, { OWNER }, 1, 6 },
		{ "group-supplementary", GROUPMATE, GROUPMATE,
		  { GROUPMATE, OWNER }, 2, 3 },
		{ "group-primary", GROUPPRIM, OWNER, { OWNER }, 1, 3 },
		{ "other", OTHER, OTHER, { OTHER }, 1, 0 },
		{ "root", 0, 0, { 0 }, 1, -1 },
	};
	const struct role owner = roles[0];
	unsigned long before;
	unsigned int i;

	NEED_ROOT();
	before = *cases;
	ASSERT_EQ(0, as_user(OWNER, OWNER, owner.groups, 1, create_all_modes,
			     NULL));
	for (i = 0; i < ARRAY_SIZE(roles); i++) {
		ASSERT_EQ(0, as_user(roles[i].uid, roles[i].gid,
				     roles[i].groups, roles[i].ngroups,
				     check_role, (void *)&roles[i]))
			TH_LOG("role %s", roles[i].what);
	}
	/* Nobody may unlink but the owner, whatever the mode bits say. */
	for (i = 1; i < ARRAY_SIZE(roles) - 1; i++)
		ASSERT_EQ(0, as_user(roles[i].uid, roles[i].gid,
				     roles[i].groups, roles[i].ngroups,
				     unlink_all_modes, (void *)&roles[i]));
	/* Messages still queued are freed with the last reference. */
	ASSERT_EQ(0, as_user(OWNER, OWNER, owner.groups, 1, unlink_all_modes,
			     (void *)&owner));
	TH_LOG("permission cases checked: %lu", *cases - before);
}

/* ---------------------------------------------------------------- */
/* Quotas                                                            */
/* ---------------------------------------------------------------- */

struct quota_arg {
	unsigned int max_objects;
	int fds[16];
	int nfds;
};

/* Fill the object quota; then check EDQUOT, and release on close. */
static void fill_object_quota(void *arg)
{
	struct quota_arg *q = arg;
	unsigned int i;
	int fd;

	for (i = 0; i < q->max_objects; i++) {
		fd = mb_open(NULL, IPCCHAN_OPEN_READ, 0, 1, 16);
		CHECK(fd >= 0, "object %u: %d", i, fd);
		q->fds[i] = fd;
	}
	fd = mb_open(NULL, IPCCHAN_OPEN_READ, 0, 1, 16);
	CHECK(fd == -EDQUOT, "object over quota: %d", fd);
	/* A named create is refused the same way, and leaves no name. */
	fd = mb_open("sec-quota-name", IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE,
		     0600, 1, 16);
	CHECK(fd == -EDQUOT, "named over quota: %d", fd);
	CHECK(obj_unlink(IPCCHAN_OBJ_MAILBOX, "sec-quota-name") == -ENOENT, "name left behind");
	close(q->fds[0]);
	fd = mb_open(NULL, IPCCHAN_OPEN_READ, 0, 1, 16);
	CHECK(fd >= 0, "after close: %d", fd);
	fd = mb_open(NULL, IPCCHAN_OPEN_READ, 0, 1, 16);
	CHECK(fd == -EDQUOT, "over quota again: %d", fd);
}

static void fill_quota_userns(void *arg)
{
	user_namespace_root();
	fill_object_quota(arg);
}

TEST(quota_objects)
{
	unsigned long long saved = read_param("user_max_objects");
	struct quota_arg q = { .max_objects = 5 };
	gid_t g2[] = { GROUPMATE }, g3[] = { OTHER };

	NEED_ROOT();
	ASSERT_NE(0, saved);
	write_param("user_max_objects", q.max_objects);
	ASSERT_EQ(q.max_objects, read_param("user_max_objects"));
	/* Each user has its own quota: both fill theirs. */
	EXPECT_EQ(0, as_user(GROUPMATE, GROUPMATE, g2, 1, fill_object_quota, &q));
	EXPECT_EQ(0, as_user(OTHER, OTHER, g3, 1, fill_object_quota, &q));
	/* Root in a user namespace is still the same host user. */
	EXPECT_EQ(0, as_user(GROUPMATE, GROUPMATE, g2, 1, fill_quota_userns, &q));
	write_param("user_max_objects", saved);
}

/* The quota is per user, not per process: two children share it. */
static void hold_one_and_wait(void *arg)
{
	int *pipefd = arg, fd;
	char c;

	fd = mb_open(NULL, IPCCHAN_OPEN_READ, 0, 1, 16);
	CHECK(fd >= 0, "first object: %d", fd);
	CHECK(write(pipefd[1], "1", 1) == 1, "ready");
	CHECK(read(pipefd[0], &c, 1) >= 0, "wait");
}

static void second_process_refused(void *arg)
{
	int fd = mb_open(NULL, IPCCHAN_OPEN_READ, 0, 1, 16);

	CHECK(fd == -EDQUOT, "second process of the same user: %d", fd);
}

TEST(quota_per_user_not_per_process)
{
	unsigned long long saved = read_param("user_max_objects");
	gid_t g[] = { OTHER };
	int up[2], down[2], fds[2];
	pid_t pid;
	char c;
	int st;

	NEED_ROOT();
	write_param("user_max_objects", 1);
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(down[1]);
		close(up[0]);
		fds[0] = down[0];
		fds[1] = up[1];
		become(OTHER, OTHER, g, 1);
		hold_one_and_wait(fds);
		_exit(0);
	}
	ASSERT_EQ(1, read(up[0], &c, 1));
	EXPECT_EQ(0, as_user(OTHER, OTHER, g, 1, second_process_refused, NULL));
	close(down[1]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	write_param("user_max_objects", saved);
}

struct bytes_arg {
	unsigned int capacity, msgsize;
};

static void fill_byte_quota(void *arg)
{
	const struct bytes_arg *b = arg;
	int fd1, fd2;

	fd1 = mb_open(NULL, IPCCHAN_OPEN_READ, 0, b->capacity, b->msgsize);
	CHECK(fd1 >= 0, "first reservation: %d", fd1);
	fd2 = mb_open(NULL, IPCCHAN_OPEN_READ, 0, b->capacity, b->msgsize);
	CHECK(fd2 == -EDQUOT, "second reservation over the byte limit: %d",
	      fd2);
	close(fd1);
	fd2 = mb_open(NULL, IPCCHAN_OPEN_READ, 0, b->capacity, b->msgsize);
	CHECK(fd2 >= 0, "after release: %d", fd2);
}

static void byte_quota_userns(void *arg)
{
	const struct bytes_arg *b = arg;
	int fd;

	user_namespace_root();
	fill_byte_quota(arg);
	/* Nor may it raise the per-mailbox limits. */
	fd = mb_open(NULL, IPCCHAN_OPEN_READ, 0,
		     read_param("mbox_max_msgs") + 1, b->msgsize);
	CHECK(fd == -EINVAL, "capacity above the limit in a userns: %d", fd);
}

TEST(quota_bytes)
{
	unsigned long long saved = read_param("user_max_bytes");
	/* 100 slots of 8 KiB + 32: about 0.8 MiB against a 1 MiB limit. */
	struct bytes_arg b = { .capacity = 100, .msgsize = 8192 };
	gid_t g[] = { OTHER };
	int fd1, fd2;

	NEED_ROOT();
	ASSERT_NE(0, saved);
	write_param("user_max_bytes", 1 << 20);
	EXPECT_EQ(0, as_user(OTHER, OTHER, g, 1, fill_byte_quota, &b));
	EXPECT_EQ(0, as_user(OTHER, OTHER, g, 1, byte_quota_userns, &b));
	/* CAP_SYS_RESOURCE in the initial namespace does exceed it. */
	fd1 = mb_open(NULL, IPCCHAN_OPEN_READ, 0, b.capacity, b.msgsize);
	fd2 = mb_open(NULL, IPCCHAN_OPEN_READ, 0, b.capacity, b.msgsize);
	EXPECT_LE(0, fd1);
	EXPECT_LE(0, fd2);
	close(fd1);
	close(fd2);
	write_param("user_max_bytes", saved);
}

/* ---------------------------------------------------------------- */
/* Namespaces                                                        */
/* ---------------------------------------------------------------- */

static void userns_no_dac_override(void *arg)
{
	user_namespace_root();
	/* Root of a user namespace that does not own the IPC namespace. */
	CHECK(mb_open("sec-private", IPCCHAN_OPEN_READ, 0, 0, 0) == -EACCES,
	      "read a 0600 mailbox of another user");
	CHECK(mb_open("sec-private", IPCCHAN_OPEN_WRITE, 0, 0, 0) == -EACCES,
	      "write a 0600 mailbox of another user");
	CHECK(obj_unlink(IPCCHAN_OBJ_MAILBOX, "sec-private") == -EPERM, "unlink another's name");
}

static void userns_owns_new_ipcns(void *arg)
{
	int fd;

	user_namespace_root();
	CHECK(unshare(CLONE_NEWIPC) == 0, "unshare(CLONE_NEWIPC): %s",
	      strerror(errno));
	CHECK(mb_open("sec-private", IPCCHAN_OPEN_READ, 0, 0, 0) == -ENOENT,
	      "host name visible in a new IPC namespace");
	fd = mb_open("sec-private", IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE,
		     0600, 2, 16);
	CHECK(fd >= 0, "create in own IPC namespace: %d", fd);
	close(fd);
	CHECK(obj_unlink(IPCCHAN_OBJ_MAILBOX, "sec-private") == 0, "unlink in own namespace");
}

TEST(user_namespace_root_is_not_host_root)
{
	gid_t g[] = { OWNER }, g3[] = { OTHER };
	int fd;

	NEED_ROOT();
	umask(0);
	fd = mb_open("sec-private", IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE |
				    IPCCHAN_OPEN_EXCL, 0600, 2, 16);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, as_user(OTHER, OTHER, g3, 1, userns_no_dac_override, NULL));
	EXPECT_EQ(0, as_user(OWNER, OWNER, g, 1, userns_owns_new_ipcns, NULL));
	/* The host's name is untouched. */
	EXPECT_EQ(0, obj_unlink(IPCCHAN_OBJ_MAILBOX, "sec-private"));
	close(fd);
}

TEST(ipc_namespace_isolation)
{
	struct ipcchan_mbox_attr a1 = { .size = sizeof(a1) };
	struct ipcchan_mbox_attr a3 = { .size = sizeof(a3) };
	int fd, wfd, p[2], st;
	unsigned int child_id;
	pid_t pid;

	NEED_ROOT();
	fd = mb_open("sec-iso", IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
				IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL,
		     0666, 4, 64);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &a1));
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct ipcchan_mbox_attr a2 = { .size = sizeof(a2) };
		int cfd;

		if (unshare(CLONE_NEWIPC))
			_exit(10);
		if (mb_open("sec-iso", IPCCHAN_OPEN_READ, 0, 0, 0) != -ENOENT)
			_exit(11);
		if (obj_unlink(IPCCHAN_OBJ_MAILBOX, "sec-iso") != -ENOENT)
			_exit(12);
		cfd = mb_open("sec-iso", IPCCHAN_OPEN_WRITE |
					 IPCCHAN_OPEN_CREATE |
					 IPCCHAN_OPEN_EXCL, 0666, 4, 64);
		if (cfd < 0 || ioctl(cfd, IPCCHAN_IOC_MBOX_GET_ATTR, &a2))
			_exit(13);
		if (mb_send(cfd, "child", 5))
			_exit(14);
		if (write(p[1], &a2.id, sizeof(a2.id)) != sizeof(a2.id))
			_exit(15);
		/*
		 * Exit with the name still linked: the dead namespace is
		 * kept by the name until rmmod, which must free both.
		 */
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_EQ(0, st) TH_LOG("child failed at step %d", WEXITSTATUS(st));
	ASSERT_EQ(sizeof(child_id), read(p[0], &child_id, sizeof(child_id)));
	EXPECT_NE(a1.id, child_id);
	/* The parent's mailbox saw nothing of the child's message. */
	wfd = mb_open("sec-iso", IPCCHAN_OPEN_READ, 0, 0, 0);
	ASSERT_LE(0, wfd);
	ASSERT_EQ(0, ioctl(wfd, IPCCHAN_IOC_MBOX_GET_ATTR, &a3));
	EXPECT_EQ(a1.id, a3.id);
	EXPECT_EQ(0, a3.depth);
	EXPECT_EQ(0, obj_unlink(IPCCHAN_OBJ_MAILBOX, "sec-iso"));
	close(wfd);
	close(fd);
	close(p[0]);
	close(p[1]);
}

/*
 * A receiver in a new user namespace where the sender's uid is unmapped
 * sees the overflow uid; in a new pid namespace, pid 0.
 */
TEST(sender_identity_not_leaked_across_namespaces)
{
	struct ipcchan_mbox_msg m;
	int fd, st, p[2];
	char buf[16];
	pid_t pid;

	NEED_ROOT();
	fd = mb_open(NULL, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE, 0, 4, 16);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mb_send(fd, "a", 1));
	ASSERT_EQ(0, mb_send(fd, "b", 1));
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		gid_t g[] = { OTHER };
		pid_t gc;

		become(OTHER, OTHER, g, 1);
		user_namespace_root();
		if (mb_recv(fd, buf, sizeof(buf), &m))
			_exit(20);
		if (m.sender_uid != NOBODY)
			_exit(21);
		/* Pid namespace: the grandchild is its first process. */
		if (unshare(CLONE_NEWPID))
			_exit(22);
		gc = fork();
		if (!gc) {
			if (mb_recv(fd, buf, sizeof(buf), &m))
				_exit(23);
			_exit(m.sender_pid == 0 ? 0 : 24);
		}
		if (waitpid(gc, &st, 0) != gc)
			_exit(25);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 26);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st) TH_LOG("child failed at step %d", WEXITSTATUS(st));
	close(fd);
	close(p[0]);
	close(p[1]);
}

/* ---------------------------------------------------------------- */
/* No kernel addresses anywhere                                      */
/* ---------------------------------------------------------------- */

static int scan_text(const char *text, const char *what)
{
	regex_t re;
	regmatch_t mt;
	const char *p = text;
	int hits = 0;

	if (regcomp(&re, "ffff[89a-f][0-9a-f]{11}", REG_EXTENDED | REG_ICASE))
		return 1;
	while (!regexec(&re, p, 1, &mt, 0)) {
		fprintf(stderr, "# %s: kernel address %.*s\n", what,
			(int)(mt.rm_eo - mt.rm_so), p + mt.rm_so);
		hits++;
		p += mt.rm_eo;
	}
	regfree(&re);
	return hits;
}

TEST(no_kernel_addresses_in_outputs)
{
	struct ipcchan_info info;
	struct ipcchan_mbox_attr attr;
	struct ipcchan_mbox_stats *st;
	struct ipcchan_mbox_msg m;
	char buf[4096], path[64];
	int dev, fd, rfd, i, n;
	int hits = 0;

	ASSERT_EQ(0, setup_cases());
	st = malloc(sizeof(*st));
	ASSERT_NE(NULL, st);
	dev = dev_fd();
	ASSERT_LE(0, dev);
	/* Poison the outputs: only kernel-written bytes can match. */
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	ASSERT_EQ(0, ioctl(dev, IPCCHAN_IOC_GET_INFO, &info));
	hits += scan_words(&info, sizeof(info), "GET_INFO");

	fd = mb_open("sec-addr", IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE |
				 IPCCHAN_OPEN_CREATE, 0600, 8, 256);
	ASSERT_LE(0, fd);
	memset(buf, 'p', sizeof(buf));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, mb_send(fd, buf, 7 * i));
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	ASSERT_EQ(0, ioctl(fd, IPCCHAN_IOC_MBOX_GET_ATTR, &attr));
	hits += scan_words(&attr, sizeof(attr), "GET_ATTR");
	for (i = 0; i < 3; i++) {
		memset(buf, 0, sizeof(buf));
		ASSERT_EQ(0, mb_recv(fd, buf, 256, &m));
		hits += scan_words(&m, sizeof(m), "RECV metadata");
		hits += scan_words(buf, 256, "RECV payload");
	}
	/* Peek too. */
	{
		struct ipcchan_mbox_xfer x = {
			.size = sizeof(x),
			.flags = IPCCHAN_XFER_PEEK | IPCCHAN_XFER_NONBLOCK,
			.msgs = (uintptr_t)&m, .count = 1, .msg_size = sizeof(m),
		};

		memset(&m, 0, sizeof(m));
		m.buf = (uintptr_t)buf;
		m.len = 256;
		ASSERT_EQ(1, ioctl(fd, IPCCHAN_IOC_MBOX_RECV, &x));
		hits += scan_words(&m, sizeof(m), "PEEK metadata");
	}
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	ASSERT_EQ(0, ioctl(fd, IPCCHAN_IOC_MBOX_GET_STATS, st));
	hits += scan_words(st, sizeof(*st), "GET_STATS");

	/* fdinfo and the anon inode link of both kinds of fd. */
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d",
			 i ? fd : dev);
		rfd = open(path, O_RDONLY);
		ASSERT_LE(0, rfd);
		n = read(rfd, buf, sizeof(buf) - 1);
		close(rfd);
		ASSERT_LT(0, n);
		buf[n] = '\0';
		hits += scan_text(buf, "fdinfo");
		snprintf(path, sizeof(path), "/proc/self/fd/%d", i ? fd : dev);
		n = readlink(path, buf, sizeof(buf) - 1);
		ASSERT_LT(0, n);
		buf[n] = '\0';
		hits += scan_text(buf, "fd link");
	}
	EXPECT_EQ(0, obj_unlink(IPCCHAN_OBJ_MAILBOX, "sec-addr"));
	close(fd);
	close(dev);
	free(st);
	*cases += 10;
	EXPECT_EQ(0, hits);
}

/* Every kernel log line that mentions ipcchan, scanned for addresses. */
TEST(no_kernel_addresses_in_kernel_log)
{
	char rec[2048];
	int fd, hits = 0, lines = 0;
	ssize_t n;

	NEED_ROOT();
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		SKIP(return, "no /dev/kmsg");
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (!strstr(rec, "ipcchan"))
			continue;
		lines++;
		hits += scan_text(rec, "kernel log");
	}
	close(fd);
	TH_LOG("%d kernel log records mention ipcchan", lines);
	EXPECT_EQ(0, hits);
}

/* ---------------------------------------------------------------- */
/* mmap                                                              */
/* ---------------------------------------------------------------- */

TEST(mmap_refused_on_mailbox_and_device)
{
	int dev, fd, prot;
	void *p;

	dev = dev_fd();
	ASSERT_LE(0, dev);
	fd = mb_open(NULL, IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE, 0, 4, 64);
	ASSERT_LE(0, fd);
	for (prot = PROT_READ; prot <= (PROT_READ | PROT_WRITE); prot++) {
		p = mmap(NULL, 4096, prot, MAP_SHARED, fd, 0);
		EXPECT_EQ(MAP_FAILED, p);
		p = mmap(NULL, 4096, prot, MAP_PRIVATE, fd, 0);
		EXPECT_EQ(MAP_FAILED, p);
		p = mmap(NULL, 4096, prot, MAP_SHARED, dev, 0);
		EXPECT_EQ(MAP_FAILED, p);
	}
	close(fd);
	close(dev);
}

TEST_HARNESS_MAIN
