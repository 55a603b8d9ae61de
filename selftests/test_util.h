/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the permission and quota tests (security_test.c,
 * ring_security_test.c) and others: switching a child to another user,
 * reading and writing the module's parameters, opening the device and
 * unlinking a name.
 */
#ifndef IPCCHAN_SELFTEST_UTIL_H
#define IPCCHAN_SELFTEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#define PARAM_DIR	"/sys/module/ipcchan/parameters/"

static inline int dev_fd(void)
{
	return open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
}

/* Unlink the @type object called @name; returns 0 or -errno. */
static inline int obj_unlink(unsigned int type, const char *name)
{
	struct ipcchan_unlink u = {
		.size = sizeof(u), .type = type,
		.name = (uintptr_t)name, .name_len = strlen(name),
	};
	int dev = dev_fd(), ret;

	ret = ioctl(dev, IPCCHAN_IOC_UNLINK, &u);
	ret = ret < 0 ? -errno : ret;
	close(dev);
	return ret;
}

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
