/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the permission and quota tests (security_test.c,
 * ring_security_test.c): switching a child to another user, and reading
 * and writing the module's parameters.
 */
#ifndef IPCCHAN_SELFTEST_UTIL_H
#define IPCCHAN_SELFTEST_UTIL_H

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

#define PARAM_DIR	"/sys/module/ipcchan/parameters/"

/* In a child: drop to @uid/@gid with @groups, or exit 2. */
static inline void become(uid_t uid, gid_t gid, const gid_t *groups,
			  int ngroups)
{
	if (setgroups(ngroups, groups) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid)) {
		fprintf(stderr, "# become %u/%u: %s\n", uid, gid,
			strerror(errno));
		_exit(2);
	}
	/* setresuid() cleared it; the user namespace maps need it. */
	prctl(PR_SET_DUMPABLE, 1);
}

static inline void write_param(const char *name, unsigned long long val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%llu\n", val);
		fclose(f);
	}
}

static inline unsigned long long read_param(const char *name)
{
	unsigned long long v = 0;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

#endif /* IPCCHAN_SELFTEST_UTIL_H */
