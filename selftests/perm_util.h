/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The permission-test scaffolding that security_test.c (mailboxes) and
 * ring_security_test.c (rings) share: the test users, a case counter that
 * children add to, CHECK() for code running in a child as another user,
 * running a function as another user or as root of a new user namespace,
 * the mode bits the permission matrices walk, the names of their objects
 * and the unlink check, and the scan for leaked kernel addresses.
 *
 * Include after kselftest_harness.h (NEED_ROOT uses SKIP and ASSERT_EQ).
 */
#ifndef IPCCHAN_SELFTEST_PERM_UTIL_H
#define IPCCHAN_SELFTEST_PERM_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "test_util.h"

/* Users and groups the tests switch to. */
#define OWNER		1001
#define GROUPMATE	1002	/* primary gid 1002, supplementary 1001 */
#define GROUPPRIM	1004	/* primary gid 1001 */
#define OTHER		1003
#define NOBODY		65534

/* Cases checked, summed over children through a shared page. */
static unsigned long *cases;

static inline void count_case(void)
{
	__atomic_fetch_add(cases, 1, __ATOMIC_RELAXED);
}

/* In a child: count the case, and exit 1 with a message if @cond fails. */
#define CHECK(cond, fmt, ...) do {					\
	count_case();							\
	if (!(cond)) {							\
		fprintf(stderr, "# %s:%d: check failed: %s: " fmt "\n",	\
			__FILE__, __LINE__, #cond, ##__VA_ARGS__);	\
		_exit(1);						\
	}								\
} while (0)

static inline int setup_cases(void)
{
	if (!cases) {
		cases = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (cases == MAP_FAILED) {
			cases = NULL;
			return -1;
		}
	}
	return 0;
}

/*
 * The harness runs each test in a child of its own: map the counter
 * before it forks the first one, so that the last test sees the total.
 */
static void __attribute__((constructor)) cases_early(void)
{
	setup_cases();
}

#define NEED_ROOT() do {						\
	if (geteuid())							\
		SKIP(return, "needs root for setresuid");		\
	ASSERT_EQ(0, setup_cases());					\
} while (0)

/*
 * Run @fn in a child as @uid/@gid (uid 0: stay root); returns its exit
 * status (0: pass).
 */
static inline int as_user(uid_t uid, gid_t gid, const gid_t *groups,
			  int ngroups, void (*fn)(void *), void *arg)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		umask(0);
		if (uid)
			become(uid, gid, groups, ngroups);
		fn(arg);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* In a child: become root of a new user namespace mapping only us. */
static inline void user_namespace_root(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();
	int fd;

	CHECK(unshare(CLONE_NEWUSER) == 0, "unshare(CLONE_NEWUSER): %s",
	      strerror(errno));
	fd = open("/proc/self/setgroups", O_WRONLY);
	CHECK(fd >= 0 && write(fd, "deny", 4) == 4, "setgroups");
	close(fd);
	snprintf(map, sizeof(map), "0 %u 1", uid);
	fd = open("/proc/self/uid_map", O_WRONLY);
	CHECK(fd >= 0 && write(fd, map, strlen(map)) == (ssize_t)strlen(map),
	      "uid_map");
	close(fd);
	snprintf(map, sizeof(map), "0 %u 1", gid);
	fd = open("/proc/self/gid_map", O_WRONLY);
	CHECK(fd >= 0 && write(fd, map, strlen(map)) == (ssize_t)strlen(map),
	      "gid_map");
	close(fd);
	CHECK(setresuid(0, 0, 0) == 0 && setresgid(0, 0, 0) == 0, "become root");
	CHECK(geteuid() == 0, "root in the user namespace");
}

/*
 * Count the kernel direct-map, vmalloc or text addresses in any 8-byte
 * window of @p, and name each on stderr.
 */
static inline int scan_words(const void *p, size_t len, const char *what)
{
	const unsigned char *b = p;
	uint64_t v;
	size_t i;
	int hits = 0;

	for (i = 0; i + 8 <= len; i++) {
		memcpy(&v, b + i, 8);
		if (v >= 0xffff800000000000ULL && v != ~0ULL &&
		    (v >> 32) != 0xffffffffULL) {
			fprintf(stderr, "# %s: kernel-looking value %#llx at %zu\n",
				what, (unsigned long long)v, i);
			hits++;
		}
	}
	return hits;
}

/*
 * The @i-th of the 64 modes the permission matrices walk: every
 * combination of read and write for owner, group and other.
 */
static inline unsigned int nth_mode(unsigned int i)
{
	return ((i >> 4) & 3) << 7 | ((i >> 2) & 3) << 4 | (i & 3) << 1;
}

/* The name of a matrix's object with @mode: @prefix, a dash, octal mode. */
static inline void mode_name(char *buf, size_t len, const char *prefix,
			     unsigned int mode)
{
	snprintf(buf, len, "%s-%03o", prefix, mode);
}

/*
 * In a child, as the role @what whose class of mode bits is @shift (6, 3
 * or 0; -1 for root): unlink the 64 objects of @type named by @prefix.
 * Only the owner and root may, whatever the mode bits say.
 */
static inline void unlink_modes(unsigned int type, const char *prefix,
				const char *what, int shift)
{
	char name[32];
	unsigned int i;
	int ret;

	for (i = 0; i < 64; i++) {
		mode_name(name, sizeof(name), prefix, nth_mode(i));
		ret = obj_unlink(type, name);
		if (shift == 6 || shift < 0)
			CHECK(ret == 0, "%s unlink %s: %d", what, name, ret);
		else
			CHECK(ret == -EPERM, "%s unlink %s: %d", what, name,
			      ret);
	}
}

#endif /* IPCCHAN_SELFTEST_PERM_UTIL_H */
