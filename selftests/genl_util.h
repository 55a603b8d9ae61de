/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A raw generic netlink client, shared by the programs that talk to the
 * ipcchan family without libnl (netlink_test.c, ring_security_test.c,
 * lifecycle_test.c and the fuzzer, tools/fuzz/fuzz.c): opening the
 * socket, building requests, sending them and reading the replies and the
 * ack, finding attributes, and resolving the family and its multicast
 * groups.
 */
#ifndef IPCCHAN_SELFTEST_GENL_UTIL_H
#define IPCCHAN_SELFTEST_GENL_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/ipcchan.h>
#include <linux/netlink.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct req {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[512];
};

static inline void req_init(struct req *r, uint16_t type, uint16_t flags,
			    uint8_t cmd)
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
static inline void req_put(struct req *r, uint16_t type, const void *data,
			   int len)
{
	struct nlattr *nla = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->nlh.nlmsg_len));

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	r->nlh.nlmsg_len = NLMSG_ALIGN(r->nlh.nlmsg_len) + NLA_ALIGN(nla->nla_len);
}

struct ack {
	int error;		/* positive errno, 0 for success */
	char msg[256];		/* NLMSGERR_ATTR_MSG */
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE, 0 if none */
	uint32_t offs;		/* NLMSGERR_ATTR_OFFS, 0 if none */
};

/*
 * A socket is made in three steps, so that a caller can choose its
 * options in between: genl_open() (@flags: SOCK_NONBLOCK or 0), any
 * genl_set() of a NETLINK_* flag option, then genl_bind(), which closes
 * the socket if it fails. Each returns -1 on failure.
 */
static inline int genl_open(int flags)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | flags,
		      NETLINK_GENERIC);
}

static inline void genl_set(int fd, int opt)
{
	int one = 1;

	setsockopt(fd, SOL_NETLINK, opt, &one, sizeof(one));
}

static inline int genl_bind(int fd)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A blocking socket whose acks carry messages and not the request. */
static inline int nl_socket(void)
{
	int fd = genl_open(0);

	if (fd < 0)
		return -1;
	genl_set(fd, NETLINK_EXT_ACK);
	genl_set(fd, NETLINK_CAP_ACK);
	return genl_bind(fd);
}

static inline struct nlattr *attr_find(void *start, int len, uint16_t type)
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

static inline void *genl_attrs(struct nlmsghdr *nlh, int *len)
{
	*len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
}

static inline uint32_t nla_u32(const struct nlattr *nla)
{
	return *(const uint32_t *)((const char *)nla + NLA_HDRLEN);
}

static inline uint32_t attr_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t def)
{
	struct nlattr *nla;
	int len;
	void *a = genl_attrs(nlh, &len);

	nla = attr_find(a, len, type);
	return nla ? nla_u32(nla) : def;
}

static inline void parse_ack(struct nlmsghdr *nlh, struct ack *ack)
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
static inline int transact(int fd, struct req *r, struct ack *ack,
		    void (*fn)(struct nlmsghdr *nlh, void *arg), void *arg)
{
	static char buf[1 << 16];
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

static inline void family_cb(struct nlmsghdr *nlh, void *arg)
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
			f->grp_monitor = nla_u32(id);
		if (!strcmp((char *)name + NLA_HDRLEN, IPCCHAN_MCGRP_MONITOR_ADMIN))
			f->grp_admin = nla_u32(id);
	}
}

/*
 * Look the ipcchan family and its groups up on @fd. Returns the errno of
 * the lookup: 0, or ENOENT when not registered.
 */
static inline int resolve_family(int fd, struct family *f)
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

#endif /* IPCCHAN_SELFTEST_GENL_UTIL_H */
