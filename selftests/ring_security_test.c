// SPDX-License-Identifier: GPL-2.0
/*
 * The security matrix of shared rings and of the netlink family, run as
 * root with a second and third uid and gid (fork + setgroups/setresgid/
 * setresuid in a child for every role), as security_test.c does for
 * mailboxes:
 *
 * - owner, group (primary and supplementary), other and root, times the
 *   producer, consumer and observer roles, times all 64 combinations of
 *   the rw bits of the three classes on named rings: the open succeeds
 *   exactly when producers have write and the others read permission;
 * - on every fd that was granted: each region (info page, producer and
 *   consumer control pages, data area) mapped PROT_READ and PROT_WRITE,
 *   refused exactly where the role may not write, an mprotect() upgrade
 *   of every read-only mapping refused, PROT_EXEC and MAP_PRIVATE
 *   refused, and KICK/WAIT/write() allowed only to the roles they belong
 *   to; the same on kernel-producer rings, where producers map nothing
 *   writable;
 * - unlink by a non-owner (EPERM whatever the mode);
 * - per-user quotas counting ring pages (EDQUOT), also for root in a user
 *   namespace; ring_max_pages;
 * - IPC namespace isolation of ring names;
 * - no kernel addresses in RING_OPEN, RING_GET_INFO, RING_GET_STATS, the
 *   info and control pages, or any netlink reply or event;
 * - netlink privacy: a monitor without CAP_NET_ADMIN never sees another
 *   user's uid, gid or pid in events or dumps, cannot join
 *   monitor-admin (nor can root in a user namespace), and a listener in
 *   another network namespace sees nothing of this one.
 *
 * Every case is counted; the totals are printed for the report.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/ipcchan.h>

#include "kselftest_harness.h"
#include "genl_util.h"
#include "perm_util.h"

#define PAGE		4096

/* Open or create a ring; returns an fd or -errno; *@op gets the output. */
static int rg_open(const char *name, unsigned int flags, unsigned int role,
		   unsigned int mode, unsigned int nr_pages,
		   unsigned int ring_flags, struct ipcchan_ring_open *out)
{
	struct ipcchan_ring_open op = {
		.size = sizeof(op), .flags = flags, .role = role,
		.mode = mode, .nr_pages = nr_pages, .ring_flags = ring_flags,
	};
	int dev, fd;

	if (name) {
		op.name = (uintptr_t)name;
		op.name_len = strlen(name);
	}
	dev = dev_fd();
	if (dev < 0)
		return -errno;
	fd = ioctl(dev, IPCCHAN_IOC_RING_OPEN, &op);
	fd = fd < 0 ? -errno : fd;
	close(dev);
	if (out)
		*out = op;
	return fd;
}

/* ---------------------------------------------------------------- */
/* What one ring fd may do                                           */
/* ---------------------------------------------------------------- */

enum region { R_INFO, R_PROD, R_CONS, R_DATA, NR_REGIONS };
static const char *const region_names[] = { "info", "prod", "cons", "data" };

static void region_at(const struct ipcchan_ring_offsets *o, enum region r,
		      off_t *off, size_t *len)
{
	switch (r) {
	case R_INFO:
		*off = o->info_off;
		*len = o->info_len;
		break;
	case R_PROD:
		*off = o->prod_off;
		*len = o->ctrl_len;
		break;
	case R_CONS:
		*off = o->cons_off;
		*len = o->ctrl_len;
		break;
	default:
		*off = o->data_off;
		*len = 2 * (size_t)o->data_size;
		break;
	}
}

static bool role_may_write(unsigned int role, bool kprod, enum region r)
{
	switch (r) {
	case R_PROD:
	case R_DATA:
		return role == IPCCHAN_RING_PRODUCER && !kprod;
	case R_CONS:
		return role == IPCCHAN_RING_CONSUMER;
	default:
		return false;
	}
}

/*
 * Every region x PROT_READ / PROT_READ|PROT_WRITE, the mprotect upgrade,
 * PROT_EXEC, MAP_PRIVATE, a wrong length and offset; then the role's
 * calls. @what names the case in messages.
 */
static void check_ring_fd(int fd, unsigned int role, const char *what)
{
	struct ipcchan_ring_info info = { .size = sizeof(info) };
	struct ipcchan_ring_wait w = { .size = sizeof(w) };
	bool kprod, may;
	enum region r;
	size_t len;
	off_t off;
	void *p;
	int ret;

	CHECK(ioctl(fd, IPCCHAN_IOC_RING_GET_INFO, &info) == 0,
	      "%s get_info: %s", what, strerror(errno));
	CHECK(info.role == role, "%s role %u", what, info.role);
	kprod = info.ring_flags & IPCCHAN_RING_KERNEL_PRODUCER;
	for (r = 0; r < NR_REGIONS; r++) {
		region_at(&info.off, r, &off, &len);
		may = role_may_write(role, kprod, r);

		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
		CHECK(p != MAP_FAILED, "%s map %s read: %s", what,
		      region_names[r], strerror(errno));
		ret = mprotect(p, len, PROT_READ | PROT_WRITE) ? -errno : 0;
		CHECK(may ? ret == 0 : ret == -EACCES,
		      "%s mprotect %s rw: %d", what, region_names[r], ret);
		ret = mprotect(p, len, PROT_READ | PROT_EXEC) ? -errno : 0;
		CHECK(ret == -EACCES, "%s mprotect %s exec: %d", what,
		      region_names[r], ret);
		munmap(p, len);

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
		ret = p == MAP_FAILED ? -errno : 0;
		CHECK(may ? ret == 0 : ret == -EACCES, "%s map %s write: %d",
		      what, region_names[r], ret);
		if (p != MAP_FAILED)
			munmap(p, len);

		p = mmap(NULL, len, PROT_READ | PROT_EXEC, MAP_SHARED, fd, off);
		CHECK(p == MAP_FAILED && errno == EACCES, "%s map %s exec",
		      what, region_names[r]);
		p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, off);
		CHECK(p == MAP_FAILED && errno == EINVAL, "%s map %s private",
		      what, region_names[r]);
		p = mmap(NULL, len + PAGE, PROT_READ, MAP_SHARED, fd, off);
		CHECK(p == MAP_FAILED && errno == EINVAL, "%s map %s long",
		      what, region_names[r]);
	}
	/* Between the regions: nothing. */
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, info.off.data_off - PAGE);
	CHECK(p == MAP_FAILED && errno == EINVAL, "%s map gap", what);

	ret = ioctl(fd, IPCCHAN_IOC_RING_KICK, 0) ? -errno : 0;
	CHECK(role == IPCCHAN_RING_OBSERVER ? ret == -EBADF : ret == 0,
	      "%s kick: %d", what, ret);
	w.timeout_ns = 0;
	ret = ioctl(fd, IPCCHAN_IOC_RING_WAIT, &w) ? -errno : 0;
	CHECK(role == IPCCHAN_RING_OBSERVER ? ret == -EBADF :
	      ret != -EBADF && ret != -EINVAL, "%s wait: %d", what, ret);
	ret = write(fd, "abcdefgh", 8) < 0 ? -errno : 0;
	if (role != IPCCHAN_RING_PRODUCER)
		CHECK(ret == -EBADF, "%s write: %d", what, ret);
	else if (!kprod)
		CHECK(ret == -EOPNOTSUPP, "%s write: %d", what, ret);
	else
		CHECK(ret == 0 || ret == -EAGAIN || ret == -EPIPE,
		      "%s write: %d", what, ret);
}

/* ---------------------------------------------------------------- */
/* Owner / group / other x role x all mode bits                      */
/* ---------------------------------------------------------------- */

/* The prefix of the matrix's names, by who produces into its rings. */
static const char *ring_prefix(bool kprod)
{
	return kprod ? "rsec-k" : "rsec-u";
}

static void create_all_modes(void *arg)
{
	bool kprod = arg != NULL;
	char name[32];
	unsigned int i;
	int fd;

	for (i = 0; i < 64; i++) {
		mode_name(name, sizeof(name), ring_prefix(kprod), nth_mode(i));
		fd = rg_open(name, IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL |
				   IPCCHAN_OPEN_NONBLOCK,
			     IPCCHAN_RING_CONSUMER, nth_mode(i), 1,
			     kprod ? IPCCHAN_RING_KERNEL_PRODUCER : 0, NULL);
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
	bool kprod;
};

static void check_role(void *arg)
{
	const struct role *r = arg;
	static const unsigned int roles[] = {
		IPCCHAN_RING_PRODUCER, IPCCHAN_RING_CONSUMER,
		IPCCHAN_RING_OBSERVER,
	};
	unsigned int i, a, mode, bits, need;
	char name[32], what[96];
	int fd;

	for (i = 0; i < 64; i++) {
		mode = nth_mode(i);
		mode_name(name, sizeof(name), ring_prefix(r->kprod), mode);
		bits = r->shift < 0 ? 7 : (mode >> r->shift) & 7;
		for (a = 0; a < 3; a++) {
			need = roles[a] == IPCCHAN_RING_PRODUCER ? 2 : 4;
			fd = rg_open(name, IPCCHAN_OPEN_NONBLOCK, roles[a], 0,
				     0, 0, NULL);
			snprintf(what, sizeof(what), "%s %s role %u", r->what,
				 name, roles[a]);
			if ((bits & need) != need) {
				CHECK(fd == -EACCES, "%s: %d", what, fd);
				continue;
			}
			CHECK(fd >= 0, "%s: %s", what, strerror(-fd));
			/* The full mmap matrix on a few modes per class. */
			if (i % 21 == 0 || mode == 0666)
				check_ring_fd(fd, roles[a], what);
			close(fd);
		}
	}
}

static void unlink_all_modes(void *arg)
{
	const struct role *r = arg;

	unlink_modes(IPCCHAN_OBJ_RING, ring_prefix(r->kprod), r->what,
		     r->shift);
}

static void permission_matrix(struct __test_metadata *_metadata, bool kprod)
{
	struct role roles[] = {
		{ "owner", OWNER, OWNER, { OWNER }, 1, 6, kprod },
		{ "group-supplementary", GROUPMATE, GROUPMATE,
		  { GROUPMATE, OWNER }, 2, 3, kprod },
		{ "group-primary", GROUPPRIM, OWNER, { OWNER }, 1, 3, kprod },
		{ "other", OTHER, OTHER, { OTHER }, 1, 0, kprod },
		{ "root", 0, 0, { 0 }, 1, -1, kprod },
	};
	unsigned long before = *cases;
	const struct role *r;
	unsigned int i;

	ASSERT_EQ(0, as_user(OWNER, OWNER, roles[0].groups, 1,
			     create_all_modes, kprod ? (void *)1 : NULL));
	for (r = roles; r < roles + ARRAY_SIZE(roles); r++)
		ASSERT_EQ(0, as_user(r->uid, r->gid, r->groups, r->ngroups,
				     check_role, (void *)r))
			TH_LOG("role %s", r->what);
	for (i = 1; i < ARRAY_SIZE(roles) - 1; i++)
		ASSERT_EQ(0, as_user(roles[i].uid, roles[i].gid,
				     roles[i].groups, roles[i].ngroups,
				     unlink_all_modes, &roles[i]));
	ASSERT_EQ(0, as_user(OWNER, OWNER, roles[0].groups, 1,
			     unlink_all_modes, &roles[0]));
	TH_LOG("ring permission cases checked (%s producer): %lu",
	       kprod ? "kernel" : "user", *cases - before);
}

TEST(ring_permission_matrix)
{
	NEED_ROOT();
	permission_matrix(_metadata, false);
}

TEST(ring_permission_matrix_kernel_producer)
{
	NEED_ROOT();
	permission_matrix(_metadata, true);
}

/* Both fds of an anonymous ring: the same region rules. */
static void anon_roles(void *arg)
{
	struct ipcchan_ring_open op;
	int fd;

	fd = rg_open(NULL, IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_NONBLOCK,
		     IPCCHAN_RING_PRODUCER, 0600, 2,
		     arg ? IPCCHAN_RING_KERNEL_PRODUCER : 0, &op);
	CHECK(fd >= 0 && op.peer_fd >= 0, "anon: %d", fd);
	check_ring_fd(fd, IPCCHAN_RING_PRODUCER, "anon producer");
	check_ring_fd(op.peer_fd, IPCCHAN_RING_CONSUMER, "anon consumer");
	close(fd);
	close(op.peer_fd);
	/* No anonymous observer. */
	fd = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_OBSERVER, 0600, 1,
		     0, NULL);
	CHECK(fd == -EINVAL, "anonymous observer: %d", fd);
}

TEST(ring_anonymous_roles)
{
	gid_t g[] = { OTHER };

	NEED_ROOT();
	EXPECT_EQ(0, as_user(OTHER, OTHER, g, 1, anon_roles, NULL));
	EXPECT_EQ(0, as_user(OTHER, OTHER, g, 1, anon_roles, (void *)1));
}

/*
 * An fd passed to a process of another user keeps its role and nothing
 * more: the region rules follow the fd, not the process.
 */
static void passed_fd(void *arg)
{
	int *fds = arg;

	check_ring_fd(fds[0], IPCCHAN_RING_CONSUMER, "inherited consumer");
	check_ring_fd(fds[1], IPCCHAN_RING_OBSERVER, "inherited observer");
}

TEST(ring_fd_inherited_by_other_user)
{
	gid_t g[] = { OTHER };
	int fds[2], prod;

	NEED_ROOT();
	prod = rg_open("rsec-inherit", IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL |
					IPCCHAN_OPEN_NONBLOCK,
		       IPCCHAN_RING_PRODUCER, 0600, 1, 0, NULL);
	ASSERT_LE(0, prod);
	fds[0] = rg_open("rsec-inherit", IPCCHAN_OPEN_NONBLOCK,
			 IPCCHAN_RING_CONSUMER, 0, 0, 0, NULL);
	fds[1] = rg_open("rsec-inherit", 0, IPCCHAN_RING_OBSERVER, 0, 0, 0,
			 NULL);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	EXPECT_EQ(0, as_user(OTHER, OTHER, g, 1, passed_fd, fds));
	EXPECT_EQ(0, obj_unlink(IPCCHAN_OBJ_RING, "rsec-inherit"));
	close(fds[0]);
	close(fds[1]);
	close(prod);
}

/* ---------------------------------------------------------------- */
/* Quotas                                                            */
/* ---------------------------------------------------------------- */

/*
 * With user_max_bytes at 1 MiB, a ring of 128 data pages (512 KiB plus
 * its control pages) fits once, not twice; a small one still fits; both
 * anonymous fds release it only when both are closed.
 */
static void ring_byte_quota(void *arg)
{
	struct ipcchan_ring_open op;
	int a, b, c;

	a = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_PRODUCER, 0600,
		    128, 0, &op);
	CHECK(a >= 0, "first big ring: %d", a);
	b = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_PRODUCER, 0600,
		    128, 0, NULL);
	CHECK(b == -EDQUOT, "second big ring: %d", b);
	b = rg_open("rsec-quota", IPCCHAN_OPEN_CREATE, IPCCHAN_RING_PRODUCER,
		    0600, 128, IPCCHAN_RING_KERNEL_PRODUCER, NULL);
	CHECK(b == -EDQUOT, "second big named ring: %d", b);
	/* A refused named creation leaves no name behind. */
	CHECK(obj_unlink(IPCCHAN_OBJ_RING, "rsec-quota") == -ENOENT, "name left behind");
	c = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_PRODUCER, 0600,
		    16, 0, NULL);
	CHECK(c >= 0, "small ring: %d", c);
	close(c);
	close(a);
	b = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_PRODUCER, 0600,
		    128, 0, NULL);
	CHECK(b == -EDQUOT, "peer fd still holds the ring: %d", b);
	close(op.peer_fd);
	b = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_PRODUCER, 0600,
		    128, 0, &op);
	CHECK(b >= 0, "after close: %d", b);
	close(b);
	close(op.peer_fd);
}

/* A mapping keeps the ring, and its charge, after every fd is closed. */
static void ring_quota_mapping(void *arg)
{
	struct ipcchan_ring_open op;
	void *p;
	int a, b;

	a = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_PRODUCER, 0600,
		    128, 0, &op);
	CHECK(a >= 0, "big ring: %d", a);
	p = mmap(NULL, 2 * op.off.data_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED, a, op.off.data_off);
	CHECK(p != MAP_FAILED, "map: %s", strerror(errno));
	close(a);
	close(op.peer_fd);
	b = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_PRODUCER, 0600,
		    128, 0, NULL);
	CHECK(b == -EDQUOT, "mapped ring still charged: %d", b);
	munmap(p, 2 * op.off.data_size);
	b = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_PRODUCER, 0600,
		    128, 0, &op);
	CHECK(b >= 0, "after munmap: %d", b);
	close(b);
	close(op.peer_fd);
}

static void ring_byte_quota_userns(void *arg)
{
	user_namespace_root();
	ring_byte_quota(arg);
}

static void ring_object_quota(void *arg)
{
	int fds[8], i, fd;

	for (i = 0; i < 5; i++) {
		fds[i] = rg_open(NULL, IPCCHAN_OPEN_CREATE,
				 IPCCHAN_RING_CONSUMER, 0600, 1, 0, NULL);
		CHECK(fds[i] >= 0, "ring %d: %d", i, fds[i]);
	}
	fd = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_CONSUMER, 0600, 1,
		     0, NULL);
	CHECK(fd == -EDQUOT, "sixth ring: %d", fd);
	/* Opening an existing name is no new object. */
	for (i = 0; i < 5; i++)
		close(fds[i]);
}

static void ring_max_pages_unpriv(void *arg)
{
	unsigned int max = *(unsigned int *)arg;
	int fd;

	fd = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_CONSUMER, 0600,
		     2 * max, 0, NULL);
	CHECK(fd == -EINVAL, "above ring_max_pages: %d", fd);
	user_namespace_root();
	fd = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_CONSUMER, 0600,
		     2 * max, 0, NULL);
	CHECK(fd == -EINVAL, "above ring_max_pages, userns root: %d", fd);
}

TEST(ring_quotas)
{
	unsigned long long bytes = read_param("user_max_bytes");
	unsigned long long objs = read_param("user_max_objects");
	unsigned long long pages = read_param("ring_max_pages");
	gid_t g2[] = { GROUPMATE }, g3[] = { OTHER };
	unsigned long before;
	unsigned int max = 4;
	int fd;

	NEED_ROOT();
	before = *cases;
	ASSERT_NE(0, bytes);
	ASSERT_NE(0, objs);
	ASSERT_NE(0, pages);
	write_param("user_max_bytes", 1 << 20);
	EXPECT_EQ(0, as_user(GROUPMATE, GROUPMATE, g2, 1, ring_byte_quota, NULL));
	EXPECT_EQ(0, as_user(OTHER, OTHER, g3, 1, ring_byte_quota, NULL));
	EXPECT_EQ(0, as_user(OTHER, OTHER, g3, 1, ring_quota_mapping, NULL));
	EXPECT_EQ(0, as_user(GROUPMATE, GROUPMATE, g2, 1,
			     ring_byte_quota_userns, NULL));
	write_param("user_max_bytes", bytes);

	write_param("user_max_objects", 5);
	EXPECT_EQ(0, as_user(OTHER, OTHER, g3, 1, ring_object_quota, NULL));
	write_param("user_max_objects", objs);

	write_param("ring_max_pages", max);
	EXPECT_EQ(0, as_user(OTHER, OTHER, g3, 1, ring_max_pages_unpriv, &max));
	/* Root in the initial namespace may go above it. */
	fd = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_CONSUMER, 0600,
		     2 * max, 0, NULL);
	EXPECT_LE(0, fd);
	close(fd);
	write_param("ring_max_pages", pages);
	TH_LOG("ring quota cases checked: %lu", *cases - before);
}

/* ---------------------------------------------------------------- */
/* IPC namespaces                                                    */
/* ---------------------------------------------------------------- */

TEST(ring_ipc_namespace_isolation)
{
	struct ipcchan_ring_open op;
	uint64_t host_id;
	int fd, st;
	pid_t pid;

	NEED_ROOT();
	fd = rg_open("rsec-ns", IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL,
		     IPCCHAN_RING_CONSUMER, 0666, 1, 0, &op);
	ASSERT_LE(0, fd);
	host_id = op.id;
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int cfd;

		if (unshare(CLONE_NEWIPC))
			_exit(1);
		cfd = rg_open("rsec-ns", 0, IPCCHAN_RING_PRODUCER, 0, 0, 0, NULL);
		if (cfd != -ENOENT)
			_exit(2);
		cfd = rg_open("rsec-ns", 0, IPCCHAN_RING_OBSERVER, 0, 0, 0, NULL);
		if (cfd != -ENOENT)
			_exit(3);
		if (obj_unlink(IPCCHAN_OBJ_RING, "rsec-ns") != -ENOENT)
			_exit(4);
		cfd = rg_open("rsec-ns", IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_EXCL,
			      IPCCHAN_RING_PRODUCER, 0600, 1, 0, &op);
		if (cfd < 0 || op.id == host_id)
			_exit(5);
		/* Left named in a namespace that dies with us. */
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st) TH_LOG("child failed at step %d", WEXITSTATUS(st));
	/* The host's name is still the host's ring. */
	st = rg_open("rsec-ns", 0, IPCCHAN_RING_OBSERVER, 0, 0, 0, &op);
	ASSERT_LE(0, st);
	EXPECT_EQ(host_id, op.id);
	close(st);
	EXPECT_EQ(0, obj_unlink(IPCCHAN_OBJ_RING, "rsec-ns"));
	close(fd);
	*cases += 7;
}

/* ---------------------------------------------------------------- */
/* Netlink helpers                                                   */
/* ---------------------------------------------------------------- */

/*
 * Send @r and pass every data message to @fn until the ack or DONE.
 * Returns the positive errno of the ack (0 for success), or -1.
 */
static int nl_call(int fd, struct req *r,
		   void (*fn)(struct nlmsghdr *nlh, void *arg), void *arg)
{
	struct ack ack;

	return transact(fd, r, &ack, fn, arg) < 0 ? -1 : ack.error;
}

/* Resolve the family on a socket of our own (a test may change netns). */
static int resolve(struct family *f)
{
	int fd = nl_socket(), ret;

	memset(f, 0, sizeof(*f));
	if (fd < 0)
		return -1;
	ret = resolve_family(fd, f);
	close(fd);
	return ret ? ret : f->id ? 0 : -1;
}

static int join(int fd, uint32_t grp)
{
	return setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
			  sizeof(grp)) ? -errno : 0;
}

/*
 * What a listener saw: per object id of interest, the events and whether
 * any of them carried an owner or pid attribute.
 */
struct seen {
	uint32_t ids[8];
	int nids;
	int events, dumped;	/* messages about those ids */
	int others;		/* messages about other ids */
	int private_attrs;	/* UID, GID, CREATOR_PID or EV_PID present */
	int kaddr;		/* kernel-looking words */
	uint32_t uid, creator_pid;	/* last values seen for those ids */
};

static void seen_cb(struct nlmsghdr *nlh, void *arg)
{
	struct seen *s = arg;
	struct nlattr *id;
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	int len, i;
	void *a = genl_attrs(nlh, &len);
	bool mine = false;

	s->kaddr += scan_words(nlh, nlh->nlmsg_len, "netlink");
	id = attr_find(a, len, IPCCHAN_A_OBJ_ID);
	if (!id)
		return;
	for (i = 0; i < s->nids; i++)
		mine |= nla_u32(id) == s->ids[i];
	if (!mine) {
		s->others++;
		return;
	}
	if (g->cmd == IPCCHAN_CMD_EVENT)
		s->events++;
	else
		s->dumped++;
	if (attr_find(a, len, IPCCHAN_A_OBJ_UID) ||
	    attr_find(a, len, IPCCHAN_A_OBJ_GID) ||
	    attr_find(a, len, IPCCHAN_A_OBJ_CREATOR_PID) ||
	    attr_find(a, len, IPCCHAN_A_OBJ_EV_PID))
		s->private_attrs++;
	id = attr_find(a, len, IPCCHAN_A_OBJ_UID);
	if (id)
		s->uid = nla_u32(id);
	id = attr_find(a, len, IPCCHAN_A_OBJ_CREATOR_PID);
	if (id)
		s->creator_pid = nla_u32(id);
}

/* Read everything queued on @fd, waiting up to @ms for more. */
static void drain(int fd, struct seen *s, int ms)
{
	static char buf[1 << 16];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct nlmsghdr *nlh;
	int n;

	while (poll(&pfd, 1, ms) == 1) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			return;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n))
			seen_cb(nlh, s);
	}
}

/* Dump every object (OBJ_GET with NLM_F_DUMP) into @s. */
static int dump(struct family *f, struct seen *s)
{
	struct req r;
	int fd = nl_socket(), ret;

	if (fd < 0)
		return -1;
	req_init(&r, f->id, NLM_F_DUMP, IPCCHAN_CMD_OBJ_GET);
	ret = nl_call(fd, &r, seen_cb, s);
	close(fd);
	return ret;
}

/* OBJ_GET of one id into @s; returns the errno of the ack. */
static int get_one(struct family *f, uint32_t id, struct seen *s)
{
	struct req r;
	int fd = nl_socket(), ret;

	if (fd < 0)
		return -1;
	req_init(&r, f->id, 0, IPCCHAN_CMD_OBJ_GET);
	req_put(&r, IPCCHAN_A_OBJ_ID, &id, sizeof(id));
	ret = nl_call(fd, &r, seen_cb, s);
	close(fd);
	return ret;
}

/*
 * A life of a ring and of a mailbox owned by root: create, attach,
 * detach, destroy. Returns the ids through @s.
 */
static void root_objects_live_and_die(struct seen *s, int *keep)
{
	struct ipcchan_mbox_open mo = {
		.size = sizeof(mo),
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE,
		.mode = 0666, .capacity = 4, .msgsize_max = 64,
	};
	struct ipcchan_ring_open op;
	int dev = dev_fd(), mb, rg, c;

	rg = rg_open("rsec-nl", IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_NONBLOCK,
		     IPCCHAN_RING_PRODUCER, 0666, 1,
		     IPCCHAN_RING_KERNEL_PRODUCER, &op);
	s->ids[s->nids++] = op.id;
	c = rg_open("rsec-nl", IPCCHAN_OPEN_NONBLOCK, IPCCHAN_RING_CONSUMER,
		    0, 0, 0, NULL);
	if (write(rg, "12345678", 8) != 8)
		s->private_attrs += 1000;
	mb = ioctl(dev, IPCCHAN_IOC_MBOX_OPEN, &mo);
	if (mb >= 0) {
		struct ipcchan_mbox_attr at = { .size = sizeof(at) };

		ioctl(mb, IPCCHAN_IOC_MBOX_GET_ATTR, &at);
		s->ids[s->nids++] = at.id;
	}
	close(c);
	if (keep) {
		keep[0] = rg;
		keep[1] = mb;
	} else {
		obj_unlink(IPCCHAN_OBJ_RING, "rsec-nl");
		close(rg);
		close(mb);
	}
	close(dev);
}

/* ---------------------------------------------------------------- */
/* Netlink privacy                                                   */
/* ---------------------------------------------------------------- */

static struct family fam;
static int pipe_ready[2], pipe_go[2];

/*
 * As nobody: join monitor (allowed) and monitor-admin (EPERM), tell the
 * parent, then collect what root's objects produced, and dump.
 */
static void nobody_monitor(void *arg)
{
	struct seen *s = arg;
	int mon = nl_socket(), ret;
	char c;

	CHECK(mon >= 0, "socket");
	CHECK(join(mon, fam.grp_monitor) == 0, "join monitor");
	ret = join(mon, fam.grp_admin);
	CHECK(ret == -EPERM, "join monitor-admin unprivileged: %d", ret);
	CHECK(write(pipe_ready[1], "r", 1) == 1, "ready");
	CHECK(read(pipe_go[0], &c, 1) == 1, "go");
	CHECK(read(pipe_go[0], s->ids, sizeof(s->ids)) == sizeof(s->ids),
	      "ids");
	s->nids = 2;
	drain(mon, s, 500);
	CHECK(s->events >= 6, "events seen: %d", s->events);
	CHECK(s->private_attrs == 0, "owner/pid attributes in %d events",
	      s->private_attrs);
	CHECK(s->kaddr == 0, "kernel addresses in events: %d", s->kaddr);
	close(mon);
}

TEST(netlink_unprivileged_monitor_sees_no_owner_or_pid)
{
	struct seen *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct seen rs = {};
	int st, mon;
	pid_t pid;
	char c;

	NEED_ROOT();
	ASSERT_NE(MAP_FAILED, s);
	ASSERT_EQ(0, resolve(&fam));
	ASSERT_EQ(0, pipe(pipe_ready));
	ASSERT_EQ(0, pipe(pipe_go));
	/* Root's own admin monitor: the positive control. */
	mon = nl_socket();
	ASSERT_EQ(0, join(mon, fam.grp_admin));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		umask(0);
		become(NOBODY, NOBODY, (gid_t[]){ NOBODY }, 1);
		nobody_monitor(s);
		_exit(0);
	}
	ASSERT_EQ(1, read(pipe_ready[0], &c, 1));
	root_objects_live_and_die(&rs, NULL);
	ASSERT_EQ(1, write(pipe_go[1], "g", 1));
	ASSERT_EQ(sizeof(rs.ids), write(pipe_go[1], rs.ids, sizeof(rs.ids)));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	drain(mon, &rs, 500);
	close(mon);
	EXPECT_LE(6, rs.events);
	EXPECT_LT(0, rs.private_attrs);	/* the admin group does get them */
	EXPECT_EQ(0, rs.kaddr);
	TH_LOG("unprivileged monitor: %d events, 0 with owner/pid; admin: %d events, %d with",
	       s->events, rs.events, rs.private_attrs);
	*cases += 5;
	munmap(s, PAGE);
}

/* As nobody: dump and get root's objects; none may carry owner fields. */
static void nobody_dump(void *arg)
{
	struct seen *s = arg;
	unsigned int i;
	int ret;

	ret = dump(&fam, s);
	CHECK(ret == 0, "dump: %d", ret);
	CHECK(s->dumped == 2, "root's objects in the dump: %d", s->dumped);
	CHECK(s->private_attrs == 0, "owner fields in %d dumped objects",
	      s->private_attrs);
	for (i = 0; i < 2; i++) {
		ret = get_one(&fam, s->ids[i], s);
		CHECK(ret == 0, "get %u: %d", s->ids[i], ret);
	}
	CHECK(s->dumped == 4, "got: %d", s->dumped);
	CHECK(s->private_attrs == 0, "owner fields in get: %d",
	      s->private_attrs);
	CHECK(s->kaddr == 0, "kernel addresses: %d", s->kaddr);
}

/* Its own object: the owner fields are there. */
static void nobody_dump_own(void *arg)
{
	struct seen s = {};
	struct ipcchan_ring_open op;
	int fd, ret;

	fd = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_CONSUMER, 0600, 1,
		     0, &op);
	CHECK(fd >= 0, "own ring: %d", fd);
	s.ids[s.nids++] = op.id;
	ret = get_one(&fam, op.id, &s);
	CHECK(ret == 0 && s.dumped == 1 && s.private_attrs == 1,
	      "own object's owner fields: %d %d %d", ret, s.dumped,
	      s.private_attrs);
	close(fd);
}

static void userns_root_join_admin(void *arg)
{
	int mon, ret;

	user_namespace_root();
	mon = nl_socket();
	CHECK(mon >= 0, "socket");
	ret = join(mon, fam.grp_admin);
	CHECK(ret == -EPERM, "userns root joins monitor-admin: %d", ret);
	CHECK(join(mon, fam.grp_monitor) == 0, "userns root joins monitor");
	close(mon);
}

TEST(netlink_unprivileged_dump_sees_no_owner_or_pid)
{
	struct seen *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	gid_t g[] = { NOBODY };
	int keep[2];

	NEED_ROOT();
	ASSERT_NE(MAP_FAILED, s);
	ASSERT_EQ(0, resolve(&fam));
	memset(s, 0, sizeof(*s));
	root_objects_live_and_die(s, keep);
	ASSERT_EQ(2, s->nids);
	EXPECT_EQ(0, as_user(NOBODY, NOBODY, g, 1, nobody_dump, s));
	EXPECT_EQ(0, as_user(NOBODY, NOBODY, g, 1, nobody_dump_own, NULL));
	EXPECT_EQ(0, as_user(OTHER, OTHER, g, 1, userns_root_join_admin, NULL));
	obj_unlink(IPCCHAN_OBJ_RING, "rsec-nl");
	close(keep[0]);
	close(keep[1]);
	munmap(s, PAGE);
}

/*
 * A listener (monitor and monitor-admin, as root of the new namespace)
 * in a new network namespace hears nothing of the objects made in the
 * parent's, nor finds them by dump or get; its own objects it does see.
 */
TEST(netlink_per_network_namespace)
{
	struct seen *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct seen parent = {};
	int st, keep[2];
	pid_t pid;
	char c;

	NEED_ROOT();
	ASSERT_NE(MAP_FAILED, s);
	ASSERT_EQ(0, pipe(pipe_ready));
	ASSERT_EQ(0, pipe(pipe_go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct family f;
		struct ipcchan_ring_open op;
		int mon, fd, ret;

		CHECK(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s",
		      strerror(errno));
		CHECK(resolve(&f) == 0, "family in the new netns");
		mon = nl_socket();
		CHECK(join(mon, f.grp_monitor) == 0 &&
		      join(mon, f.grp_admin) == 0, "join");
		CHECK(write(pipe_ready[1], "r", 1) == 1, "ready");
		CHECK(read(pipe_go[0], &c, 1) == 1, "go");
		CHECK(read(pipe_go[0], s->ids, sizeof(s->ids)) ==
		      sizeof(s->ids), "ids");
		s->nids = 2;
		drain(mon, s, 500);
		CHECK(s->events == 0 && s->others == 0,
		      "events from the parent netns: %d + %d", s->events,
		      s->others);
		ret = dump(&f, s);
		CHECK(ret == 0 && s->dumped == 0,
		      "parent objects in the dump: %d %d", ret, s->dumped);
		ret = get_one(&f, s->ids[0], s);
		CHECK(ret == ENOENT, "get of a parent object: %d", ret);
		/* Positive control: its own ring is heard and listed. */
		fd = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_CONSUMER,
			     0600, 1, 0, &op);
		CHECK(fd >= 0, "own ring");
		s->ids[s->nids++] = op.id;
		drain(mon, s, 300);
		CHECK(s->events >= 2, "own events: %d", s->events);
		ret = dump(&f, s);
		CHECK(ret == 0 && s->dumped == 1, "own dump: %d %d", ret,
		      s->dumped);
		close(fd);
		close(mon);
		_exit(0);
	}
	ASSERT_EQ(1, read(pipe_ready[0], &c, 1));
	ASSERT_EQ(0, resolve(&fam));
	root_objects_live_and_die(&parent, keep);
	ASSERT_EQ(1, write(pipe_go[1], "g", 1));
	ASSERT_EQ(sizeof(parent.ids),
		  write(pipe_go[1], parent.ids, sizeof(parent.ids)));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	obj_unlink(IPCCHAN_OBJ_RING, "rsec-nl");
	close(keep[0]);
	close(keep[1]);
	munmap(s, PAGE);
}

/*
 * A listener in a network namespace owned by a user namespace (root
 * there is uid OTHER on the host): it may join monitor-admin, since it
 * has CAP_NET_ADMIN over that namespace, and hears only that namespace's
 * objects. Owner fields are translated into the namespace owner's user
 * namespace: its own ring shows uid 0, a ring that host root makes in
 * its network namespace (setns) the overflow uid; the creator pid is in
 * the creator's pid namespace (here the same as the listener's). The
 * plain monitor group gets no owner field at all.
 */
TEST(netlink_netns_owned_by_user_namespace)
{
	struct seen *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int st, self_net, child_net, fd;
	struct ipcchan_ring_open op;
	char path[64], c;
	uint32_t id;
	pid_t pid;

	NEED_ROOT();
	ASSERT_NE(MAP_FAILED, s);
	ASSERT_EQ(0, pipe(pipe_ready));
	ASSERT_EQ(0, pipe(pipe_go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct seen own = {}, plain = {};
		struct family f;
		int admin, mon, ret;

		become(OTHER, OTHER, (gid_t[]){ OTHER }, 1);
		user_namespace_root();
		CHECK(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s",
		      strerror(errno));
		CHECK(resolve(&f) == 0, "family in the new netns");
		admin = nl_socket();
		mon = nl_socket();
		ret = join(admin, f.grp_admin);
		CHECK(ret == 0, "userns root joins its netns' monitor-admin: %d",
		      ret);
		CHECK(join(mon, f.grp_monitor) == 0, "join monitor");

		/* Its own ring: uid 0 in its user namespace, its own pid. */
		fd = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_CONSUMER,
			     0600, 1, 0, &op);
		CHECK(fd >= 0, "own ring: %d", fd);
		own.ids[own.nids++] = op.id;
		plain.ids[plain.nids++] = op.id;
		drain(admin, &own, 300);
		drain(mon, &plain, 300);
		CHECK(own.events >= 2 && own.private_attrs == own.events,
		      "own events %d, with owner fields %d", own.events,
		      own.private_attrs);
		CHECK(own.uid == 0 && own.creator_pid == (uint32_t)getpid(),
		      "own ring: uid %u pid %u (pid %d)", own.uid,
		      own.creator_pid, getpid());
		CHECK(plain.events == own.events && !plain.private_attrs,
		      "monitor: %d events, %d with owner fields", plain.events,
		      plain.private_attrs);
		own.uid = ~0U;
		ret = dump(&f, &own);
		CHECK(ret == 0 && own.dumped == 1 && own.uid == 0,
		      "own dump: %d %d uid %u", ret, own.dumped, own.uid);

		/* Host root's ring in this namespace: overflow uid. */
		CHECK(write(pipe_ready[1], "r", 1) == 1, "ready");
		CHECK(read(pipe_go[0], &c, 1) == 1, "go");
		CHECK(read(pipe_go[0], s->ids, sizeof(s->ids[0])) ==
		      sizeof(s->ids[0]), "id");
		s->nids = 1;
		drain(admin, s, 300);
		CHECK(s->events >= 2 && s->uid == 65534 &&
		      s->creator_pid == (uint32_t)getppid(),
		      "host's ring: %d events, uid %u, pid %u (host pid %d)",
		      s->events, s->uid, s->creator_pid, getppid());
		plain.ids[0] = s->ids[0];
		plain.events = 0;
		drain(mon, &plain, 300);
		CHECK(plain.events == s->events && !plain.private_attrs,
		      "monitor, host's ring: %d events, %d with owner fields",
		      plain.events, plain.private_attrs);
		CHECK(write(pipe_ready[1], "d", 1) == 1, "done");
		close(fd);
		close(admin);
		close(mon);
		_exit(0);
	}
	ASSERT_EQ(1, read(pipe_ready[0], &c, 1));
	/* Make a ring in the child's network namespace, as host root. */
	self_net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	child_net = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self_net);
	ASSERT_LE(0, child_net);
	ASSERT_EQ(0, setns(child_net, CLONE_NEWNET));
	fd = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_CONSUMER, 0600, 1,
		     0, &op);
	ASSERT_EQ(0, setns(self_net, CLONE_NEWNET));
	ASSERT_LE(0, fd);
	id = op.id;
	ASSERT_EQ(1, write(pipe_go[1], "g", 1));
	ASSERT_EQ(sizeof(id), write(pipe_go[1], &id, sizeof(id)));
	read(pipe_ready[0], &c, 1);
	close(fd);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	close(self_net);
	close(child_net);
	*cases += 9;
	munmap(s, PAGE);
}

/*
 * A listener in another pid namespace (root, monitor-admin, same network
 * and user namespace). Event pids are in the pid namespace of the
 * object's creator, one message for every listener: its own ring (made
 * as pid 1 of the new namespace) shows creator pid 1, and so does a get;
 * a ring made by the host shows in events the host's pid for it, and in
 * a get by the listener pid 0, since replies are translated into the
 * requester's pid namespace, where that process is not visible.
 */
TEST(netlink_listener_in_other_pid_namespace)
{
	struct seen *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct ipcchan_ring_open op;
	int st, fd;
	uint32_t id;
	pid_t pid, me = getpid();
	char c;

	NEED_ROOT();
	ASSERT_NE(MAP_FAILED, s);
	ASSERT_EQ(0, pipe(pipe_ready));
	ASSERT_EQ(0, pipe(pipe_go));
	ASSERT_EQ(0, resolve(&fam));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		CHECK(unshare(CLONE_NEWPID) == 0, "unshare(CLONE_NEWPID): %s",
		      strerror(errno));
		pid = fork();
		CHECK(pid >= 0, "fork");
		if (pid) {
			CHECK(waitpid(pid, &st, 0) == pid, "wait");
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
		}
		/* pid 1 of the new pid namespace */
		struct seen own = {};
		int admin = nl_socket(), ret;

		CHECK(getpid() == 1, "pid %d", getpid());
		CHECK(join(admin, fam.grp_admin) == 0, "join monitor-admin");
		fd = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_CONSUMER,
			     0600, 1, 0, &op);
		CHECK(fd >= 0, "own ring: %d", fd);
		own.ids[own.nids++] = op.id;
		drain(admin, &own, 300);
		CHECK(own.events >= 2 && own.creator_pid == 1,
		      "own ring: %d events, creator pid %u", own.events,
		      own.creator_pid);
		own.creator_pid = ~0U;
		ret = get_one(&fam, op.id, &own);
		CHECK(ret == 0 && own.creator_pid == 1, "own get: %d pid %u",
		      ret, own.creator_pid);
		close(fd);

		CHECK(write(pipe_ready[1], "r", 1) == 1, "ready");
		CHECK(read(pipe_go[0], &c, 1) == 1, "go");
		CHECK(read(pipe_go[0], s->ids, sizeof(s->ids[0])) ==
		      sizeof(s->ids[0]), "id");
		s->nids = 1;
		drain(admin, s, 300);
		CHECK(s->events >= 2 && s->creator_pid == (uint32_t)me,
		      "host's ring in events: %d events, pid %u (host %d)",
		      s->events, s->creator_pid, me);
		s->creator_pid = ~0U;
		ret = get_one(&fam, s->ids[0], s);
		CHECK(ret == 0 && s->creator_pid == 0,
		      "host's ring in a get: %d pid %u", ret, s->creator_pid);
		CHECK(write(pipe_ready[1], "d", 1) == 1, "done");
		close(admin);
		_exit(0);
	}
	ASSERT_EQ(1, read(pipe_ready[0], &c, 1));
	fd = rg_open(NULL, IPCCHAN_OPEN_CREATE, IPCCHAN_RING_CONSUMER, 0600, 1,
		     0, &op);
	ASSERT_LE(0, fd);
	id = op.id;
	ASSERT_EQ(1, write(pipe_go[1], "g", 1));
	ASSERT_EQ(sizeof(id), write(pipe_go[1], &id, sizeof(id)));
	read(pipe_ready[0], &c, 1);
	close(fd);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	*cases += 6;
	munmap(s, PAGE);
}

/* ---------------------------------------------------------------- */
/* No kernel addresses in ring outputs                               */
/* ---------------------------------------------------------------- */

TEST(ring_no_kernel_addresses)
{
	struct ipcchan_ring_info info;
	struct ipcchan_ring_stats st;
	struct ipcchan_ring_open op;
	int fd, kfd, cons, hits = 0, i;
	struct seen s = {};
	char buf[64];
	void *p;

	ASSERT_EQ(0, setup_cases());
	ASSERT_EQ(0, resolve(&fam));
	for (i = 0; i < 2; i++) {
		memset(&op, 0, sizeof(op));
		fd = rg_open(NULL, IPCCHAN_OPEN_CREATE | IPCCHAN_OPEN_NONBLOCK,
			     IPCCHAN_RING_PRODUCER, 0600, 2,
			     i ? IPCCHAN_RING_KERNEL_PRODUCER : 0, &op);
		ASSERT_LE(0, fd);
		cons = op.peer_fd;
		hits += scan_words(&op, sizeof(op), "RING_OPEN");
		kfd = i ? fd : -1;
		if (kfd >= 0) {
			memset(buf, 'k', sizeof(buf));
			ASSERT_EQ(40, write(kfd, buf, 40));
		}
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		ASSERT_EQ(0, ioctl(cons, IPCCHAN_IOC_RING_GET_INFO, &info));
		hits += scan_words(&info, sizeof(info), "RING_GET_INFO");
		memset(&st, 0, sizeof(st));
		st.size = sizeof(st);
		ASSERT_EQ(0, ioctl(fd, IPCCHAN_IOC_RING_GET_STATS, &st));
		hits += scan_words(&st, sizeof(st), "RING_GET_STATS");
		/* The info page, both control pages and the data pages. */
		p = mmap(NULL, op.off.info_len, PROT_READ, MAP_SHARED, cons,
			 op.off.info_off);
		ASSERT_NE(MAP_FAILED, p);
		hits += scan_words(p, op.off.info_len, "info page");
		munmap(p, op.off.info_len);
		p = mmap(NULL, op.off.ctrl_len, PROT_READ, MAP_SHARED, cons,
			 op.off.prod_off);
		ASSERT_NE(MAP_FAILED, p);
		hits += scan_words(p, op.off.ctrl_len, "producer page");
		munmap(p, op.off.ctrl_len);
		p = mmap(NULL, op.off.ctrl_len, PROT_READ, MAP_SHARED, cons,
			 op.off.cons_off);
		ASSERT_NE(MAP_FAILED, p);
		hits += scan_words(p, op.off.ctrl_len, "consumer page");
		munmap(p, op.off.ctrl_len);
		p = mmap(NULL, 2 * op.off.data_size, PROT_READ, MAP_SHARED,
			 cons, op.off.data_off);
		ASSERT_NE(MAP_FAILED, p);
		hits += scan_words(p, 2 * op.off.data_size, "data area");
		munmap(p, 2 * op.off.data_size);
		/* The netlink view of it, with statistics. */
		s.ids[s.nids++] = op.id;
		EXPECT_EQ(0, get_one(&fam, op.id, &s));
		close(cons);
		close(fd);
	}
	EXPECT_EQ(0, dump(&fam, &s));
	hits += s.kaddr;
	*cases += 16;
	EXPECT_EQ(0, hits);
}

/* Runs last (tests run in the order they are defined): the total. */
TEST(cases_total)
{
	ASSERT_EQ(0, setup_cases());
	TH_LOG("ring and netlink security cases checked: %lu", *cases);
}

TEST_HARNESS_MAIN
