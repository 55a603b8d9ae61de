/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink request building, shared by the tests that talk to
 * the ipcchan family without libnl (netlink_test.c, ring_security_test.c).
 */
#ifndef IPCCHAN_SELFTEST_GENL_UTIL_H
#define IPCCHAN_SELFTEST_GENL_UTIL_H

#include <stdint.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

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

#endif /* IPCCHAN_SELFTEST_GENL_UTIL_H */
