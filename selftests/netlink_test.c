// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "ipcchan", driven with raw netlink sockets
 * (as tools/testing/selftests/net/netlink-dumps.c does) so that every
 * malformed request can be built byte by byte: family and groups, the
 * limits get, dumps, strict policies with extack messages, privileged
 * fields and groups, and the family's absence after rmmod.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/ipcchan.h>

#include "kselftest_harness.h"

#define MODULE_PATH_DEFAULT "/lib/ipcchan/ipcchan.ko"
#define BUF_SIZE 65536

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct ack {
	int error;		/* positive errno, 0 for success */
	char msg[256];		/* NLMSGERR_ATTR_MSG */
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE, 0 if none */
	uint32_t offs;		/* NLMSGERR_ATTR_OFFS, 0 if none */
};

struct req {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[512];
};

static int nl_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void req_init(struct req *r, uint16_t type, uint16_t flags, uint8_t cmd)
{
	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh.nlmsg_type = type;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nlh.nlmsg_seq = 1;
	r->genl.cmd = cmd;
	r->genl.version = 1;
}

/* Append an attribute with @len bytes of payload; @len may lie short. */
static void req_put(struct req *r, uint16_t type, const void *data, int len)
{
	struct nlattr *nla = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->nlh.nlmsg_len));

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	r->nlh.nlmsg_len = NLMSG_ALIGN(r->nlh.nlmsg_len) + NLA_ALIGN(nla->nla_len);
}

static void req_put_u32(struct req *r, uint16_t type, uint32_t v)
{
	req_put(r, type, &v, sizeof(v));
}

static struct nlattr *attr_find(void *start, int len, uint16_t type)
{
	struct nlattr *nla;

	for (nla = start; len >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN &&
	     nla->nla_len <= len;
	     len -= NLA_ALIGN(nla->nla_len),
	     nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len)))
		if ((nla->nla_type & NLA_TYPE_MASK) == type)
			return nla;
	return NULL;
}

static void *genl_attrs(struct nlmsghdr *nlh, int *len)
{
	*len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
}

static uint32_t attr_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t def)
{
	struct nlattr *nla;
	int len;
	void *a = genl_attrs(nlh, &len);

	nla = attr_find(a, len, type);
	return nla ? *(uint32_t *)((char *)nla + NLA_HDRLEN) : def;
}

static void parse_ack(struct nlmsghdr *nlh, struct ack *ack)
{
	struct nlmsgerr *err = NLMSG_DATA(nlh);
	int off = NLMSG_LENGTH(sizeof(*err));
	struct nlattr *nla;

	ack->error = -err->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	nla = attr_find((char *)nlh + off, nlh->nlmsg_len - off,
			NLMSGERR_ATTR_MSG);
	if (nla)
		snprintf(ack->msg, sizeof(ack->msg), "%s",
			 (char *)nla + NLA_HDRLEN);
	nla = attr_find((char *)nlh + off, nlh->nlmsg_len - off,
			NLMSGERR_ATTR_MISS_TYPE);
	if (nla)
		ack->miss_type = *(uint32_t *)((char *)nla + NLA_HDRLEN);
	nla = attr_find((char *)nlh + off, nlh->nlmsg_len - off,
			NLMSGERR_ATTR_OFFS);
	if (nla)
		ack->offs = *(uint32_t *)((char *)nla + NLA_HDRLEN);
}

/*
 * Send @r and read until its ack or NLMSG_DONE. Each data message is
 * passed to @fn. Returns the number of data messages, or -1.
 */
static int transact(int fd, struct req *r, struct ack *ack,
		    void (*fn)(struct nlmsghdr *nlh, void *arg), void *arg)
{
	static char buf[BUF_SIZE];
	struct nlmsghdr *nlh;
	int n, count = 0;

	memset(ack, 0, sizeof(*ack));
	if (send(fd, r, r->nlh.nlmsg_len, 0) != (ssize_t)r->nlh.nlmsg_len)
		return -1;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -1;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				parse_ack(nlh, ack);
				return count;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				/* With NETLINK_EXT_ACK, DONE carries an errno too. */
				ack->error = -*(int *)e;
				return count;
			}
			if (fn)
				fn(nlh, arg);
			count++;
		}
	}
}

struct family {
	uint16_t id;
	uint32_t grp_monitor, grp_admin;
};

static void family_cb(struct nlmsghdr *nlh, void *arg)
{
	struct family *f = arg;
	struct nlattr *grps, *g, *name, *id;
	int len, glen, one;
	void *a = genl_attrs(nlh, &len);

	f->id = attr_u32(nlh, CTRL_ATTR_FAMILY_ID, 0) & 0xffff;
	grps = attr_find(a, len, CTRL_ATTR_MCAST_GROUPS);
	if (!grps)
		return;
	glen = grps->nla_len - NLA_HDRLEN;
	for (g = (struct nlattr *)((char *)grps + NLA_HDRLEN);
	     glen >= NLA_HDRLEN && g->nla_len <= glen;
	     glen -= NLA_ALIGN(g->nla_len),
	     g = (struct nlattr *)((char *)g + NLA_ALIGN(g->nla_len))) {
		one = g->nla_len - NLA_HDRLEN;
		name = attr_find((char *)g + NLA_HDRLEN, one, CTRL_ATTR_MCAST_GRP_NAME);
		id = attr_find((char *)g + NLA_HDRLEN, one, CTRL_ATTR_MCAST_GRP_ID);
		if (!name || !id)
			continue;
		if (!strcmp((char *)name + NLA_HDRLEN, IPCCHAN_MCGRP_MONITOR))
			f->grp_monitor = *(uint32_t *)((char *)id + NLA_HDRLEN);
		if (!strcmp((char *)name + NLA_HDRLEN, IPCCHAN_MCGRP_MONITOR_ADMIN))
			f->grp_admin = *(uint32_t *)((char *)id + NLA_HDRLEN);
	}
}

/* Returns the errno of the lookup: 0, or ENOENT when not registered. */
static int resolve(int fd, struct family *f)
{
	struct ack ack;
	struct req r;

	memset(f, 0, sizeof(*f));
	req_init(&r, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	req_put(&r, CTRL_ATTR_FAMILY_NAME, IPCCHAN_FAMILY_NAME,
		sizeof(IPCCHAN_FAMILY_NAME));
	if (transact(fd, &r, &ack, family_cb, f) < 0)
		return errno;
	return ack.error;
}

FIXTURE(nl) {
	int fd;
	struct family fam;
};

FIXTURE_SETUP(nl)
{
	self->fd = nl_socket();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, resolve(self->fd, &self->fam));
}

FIXTURE_TEARDOWN(nl)
{
	close(self->fd);
}

TEST_F(nl, family_and_groups)
{
	EXPECT_NE(0, self->fam.id);
	EXPECT_NE(0, self->fam.grp_monitor);
	EXPECT_NE(0, self->fam.grp_admin);
}

struct limits {
	uint32_t name_max, uid, objects;
	int msgs;
};

static void limits_cb(struct nlmsghdr *nlh, void *arg)
{
	struct limits *l = arg;

	l->name_max = attr_u32(nlh, IPCCHAN_A_LIMITS_NAME_MAX, 0);
	l->uid = attr_u32(nlh, IPCCHAN_A_LIMITS_UID, ~0U);
	l->objects = attr_u32(nlh, IPCCHAN_A_LIMITS_USER_OBJECTS, ~0U);
	l->msgs++;
}

TEST_F(nl, limits_get)
{
	struct limits l = {};
	struct ack ack;
	struct req r;

	req_init(&r, self->fam.id, 0, IPCCHAN_CMD_LIMITS_GET);
	ASSERT_EQ(1, transact(self->fd, &r, &ack, limits_cb, &l));
	EXPECT_EQ(0, ack.error);
	EXPECT_EQ(255, l.name_max);
	EXPECT_EQ(getuid(), l.uid);
	EXPECT_EQ(0, l.objects);

	/* Root may ask about another user. */
	req_init(&r, self->fam.id, 0, IPCCHAN_CMD_LIMITS_GET);
	req_put_u32(&r, IPCCHAN_A_LIMITS_UID, 4242);
	ASSERT_EQ(1, transact(self->fd, &r, &ack, limits_cb, &l));
	EXPECT_EQ(0, ack.error);
	EXPECT_EQ(4242, l.uid);
}

/* Run @fn in a child with uid/gid 65534 and no capabilities. */
static int as_nobody(int (*fn)(struct family *f), struct family *f)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(100);
		_exit(fn(f));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int nobody_limits_other(struct family *f)
{
	struct ack ack;
	struct req r;
	int fd = nl_socket();

	req_init(&r, f->id, 0, IPCCHAN_CMD_LIMITS_GET);
	req_put_u32(&r, IPCCHAN_A_LIMITS_UID, 0);
	if (transact(fd, &r, &ack, NULL, NULL) != 0)
		return 101;
	if (ack.error != EPERM || !strstr(ack.msg, "CAP_NET_ADMIN"))
		return 102;
	/* Its own usage is fine. */
	req_init(&r, f->id, 0, IPCCHAN_CMD_LIMITS_GET);
	req_put_u32(&r, IPCCHAN_A_LIMITS_UID, 65534);
	if (transact(fd, &r, &ack, NULL, NULL) != 1 || ack.error)
		return 103;
	return 0;
}

TEST_F(nl, limits_other_user_needs_cap)
{
	EXPECT_EQ(0, as_nobody(nobody_limits_other, &self->fam));
}

static int nobody_join(struct family *f)
{
	int fd = nl_socket(), grp;

	grp = f->grp_monitor;
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return 101;
	grp = f->grp_admin;
	if (!setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return 102;
	return errno == EPERM ? 0 : 103;
}

TEST_F(nl, admin_group_needs_cap)
{
	int grp = self->fam.grp_admin;

	EXPECT_EQ(0, setsockopt(self->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&grp, sizeof(grp)));
	EXPECT_EQ(0, as_nobody(nobody_join, &self->fam));
}

static void count_cb(struct nlmsghdr *nlh, void *arg)
{
	(*(int *)arg)++;
}

TEST_F(nl, dump_objects)
{
	struct ack ack;
	struct req r;
	int n = 0;

	req_init(&r, self->fam.id, NLM_F_DUMP, IPCCHAN_CMD_OBJ_GET);
	ASSERT_LE(0, transact(self->fd, &r, &ack, count_cb, &n));
	EXPECT_EQ(0, ack.error);

	req_init(&r, self->fam.id, NLM_F_DUMP, IPCCHAN_CMD_OBJ_GET);
	req_put_u32(&r, IPCCHAN_A_OBJ_TYPE, IPCCHAN_OBJ_RING);
	ASSERT_LE(0, transact(self->fd, &r, &ack, count_cb, &n));
	EXPECT_EQ(0, ack.error);
}

TEST_F(nl, get_needs_id)
{
	struct ack ack;
	struct req r;

	req_init(&r, self->fam.id, 0, IPCCHAN_CMD_OBJ_GET);
	ASSERT_EQ(0, transact(self->fd, &r, &ack, NULL, NULL));
	EXPECT_EQ(EINVAL, ack.error);
	EXPECT_EQ(IPCCHAN_A_OBJ_ID, ack.miss_type);
}

TEST_F(nl, get_no_such_object)
{
	struct ack ack;
	struct req r;

	req_init(&r, self->fam.id, 0, IPCCHAN_CMD_OBJ_GET);
	req_put_u32(&r, IPCCHAN_A_OBJ_ID, 0x7ffffff0);
	ASSERT_EQ(0, transact(self->fd, &r, &ack, NULL, NULL));
	EXPECT_EQ(ENOENT, ack.error);
	EXPECT_STREQ("no such object", ack.msg);
	EXPECT_NE(0, ack.offs);
}

TEST_F(nl, get_id_zero)
{
	struct ack ack;
	struct req r;

	req_init(&r, self->fam.id, 0, IPCCHAN_CMD_OBJ_GET);
	req_put_u32(&r, IPCCHAN_A_OBJ_ID, 0);
	ASSERT_EQ(0, transact(self->fd, &r, &ack, NULL, NULL));
	/* Range checks of the policy fail with ERANGE. */
	EXPECT_EQ(ERANGE, ack.error);
	EXPECT_NE(0, ack.msg[0]);
}

TEST_F(nl, type_out_of_range)
{
	struct ack ack;
	struct req r;

	req_init(&r, self->fam.id, NLM_F_DUMP, IPCCHAN_CMD_OBJ_GET);
	req_put_u32(&r, IPCCHAN_A_OBJ_TYPE, __IPCCHAN_OBJ_MAX);
	ASSERT_EQ(0, transact(self->fd, &r, &ack, NULL, NULL));
	EXPECT_EQ(ERANGE, ack.error);
	EXPECT_NE(0, ack.msg[0]);
}

TEST_F(nl, unknown_attribute)
{
	struct ack ack;
	struct req r;

	req_init(&r, self->fam.id, 0, IPCCHAN_CMD_OBJ_GET);
	req_put_u32(&r, IPCCHAN_A_OBJ_ID, 1);
	req_put_u32(&r, IPCCHAN_A_OBJ_MAX + 1, 1);
	ASSERT_EQ(0, transact(self->fd, &r, &ack, NULL, NULL));
	EXPECT_EQ(EINVAL, ack.error);
	EXPECT_STREQ("Unknown attribute type", ack.msg);
}

/* Known to the family, but not accepted by this command. */
TEST_F(nl, reply_only_attribute)
{
	struct ack ack;
	struct req r;

	req_init(&r, self->fam.id, 0, IPCCHAN_CMD_OBJ_GET);
	req_put_u32(&r, IPCCHAN_A_OBJ_ID, 1);
	req_put_u32(&r, IPCCHAN_A_OBJ_MODE, 0644);
	ASSERT_EQ(0, transact(self->fd, &r, &ack, NULL, NULL));
	EXPECT_EQ(EINVAL, ack.error);
	EXPECT_NE(0, ack.msg[0]);
}

TEST_F(nl, truncated_attribute)
{
	uint16_t half = 1;
	struct ack ack;
	struct req r;

	req_init(&r, self->fam.id, 0, IPCCHAN_CMD_OBJ_GET);
	req_put(&r, IPCCHAN_A_OBJ_ID, &half, sizeof(half));
	ASSERT_EQ(0, transact(self->fd, &r, &ack, NULL, NULL));
	EXPECT_EQ(EINVAL, ack.error);
	EXPECT_NE(0, ack.msg[0]);
}

TEST_F(nl, attribute_past_message_end)
{
	struct ack ack;
	struct req r;

	req_init(&r, self->fam.id, 0, IPCCHAN_CMD_OBJ_GET);
	req_put_u32(&r, IPCCHAN_A_OBJ_ID, 1);
	r.nlh.nlmsg_len -= 2;	/* the attribute claims more than is sent */
	ASSERT_EQ(0, transact(self->fd, &r, &ack, NULL, NULL));
	EXPECT_EQ(EINVAL, ack.error);
}

TEST_F(nl, dump_takes_no_id)
{
	struct ack ack;
	struct req r;

	req_init(&r, self->fam.id, NLM_F_DUMP, IPCCHAN_CMD_OBJ_GET);
	req_put_u32(&r, IPCCHAN_A_OBJ_ID, 1);
	ASSERT_EQ(0, transact(self->fd, &r, &ack, NULL, NULL));
	EXPECT_EQ(EINVAL, ack.error);
	EXPECT_STREQ("a dump takes no id", ack.msg);
}

TEST_F(nl, event_is_not_a_request)
{
	struct ack ack;
	struct req r;

	req_init(&r, self->fam.id, 0, IPCCHAN_CMD_EVENT);
	ASSERT_EQ(0, transact(self->fd, &r, &ack, NULL, NULL));
	EXPECT_EQ(EOPNOTSUPP, ack.error);

	req_init(&r, self->fam.id, 0, IPCCHAN_CMD_MAX + 1);
	ASSERT_EQ(0, transact(self->fd, &r, &ack, NULL, NULL));
	EXPECT_EQ(EOPNOTSUPP, ack.error);
}

TEST_F(nl, limits_uid_unmapped)
{
	struct ack ack;
	struct req r;

	req_init(&r, self->fam.id, 0, IPCCHAN_CMD_LIMITS_GET);
	req_put_u32(&r, IPCCHAN_A_LIMITS_UID, (uint32_t)-1);
	ASSERT_EQ(0, transact(self->fd, &r, &ack, NULL, NULL));
	EXPECT_EQ(EINVAL, ack.error);
	EXPECT_NE(0, ack.msg[0]);
}

/* Last: unloads and reloads the module. */
TEST(family_gone_after_rmmod)
{
	const char *ko = getenv("IPCCHAN_KO") ?: MODULE_PATH_DEFAULT;
	struct family fam;
	int fd, kofd;

	kofd = open(ko, O_RDONLY | O_CLOEXEC);
	if (kofd < 0)
		SKIP(return, "%s: %s", ko, strerror(errno));
	fd = nl_socket();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, resolve(fd, &fam));

	ASSERT_EQ(0, syscall(SYS_delete_module, "ipcchan", O_NONBLOCK))
		TH_LOG("delete_module: %s", strerror(errno));
	EXPECT_EQ(ENOENT, resolve(fd, &fam));

	ASSERT_EQ(0, syscall(SYS_finit_module, kofd, "", 0))
		TH_LOG("finit_module: %s", strerror(errno));
	close(kofd);
	EXPECT_EQ(0, resolve(fd, &fam));
	close(fd);
}

TEST_HARNESS_MAIN
