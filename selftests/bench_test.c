// SPDX-License-Identifier: GPL-2.0
/*
 * ipcbench in the VM suite: the quick mode must run every mechanism that
 * is available and verify every message, and the verification must be
 * able to fail (the --corrupt-every hook must make the run fail).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

struct counts {
	unsigned long long verified, errors;
	int failed, skipped, status;
	char out[65536];
};

/*
 * Run ipcbench (next to this binary) with @args, collect its summary line;
 * with @echo, show its output in the TAP log as comments.
 */
static int run_bench(struct counts *c, const char *args, int echo)
{
	char exe[PATH_MAX], cmd[PATH_MAX + 512], *line, *copy, *save = NULL;
	ssize_t n;
	size_t len = 0;
	FILE *p;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -1;
	exe[n] = 0;
	snprintf(cmd, sizeof(cmd), "%s/ipcbench %s 2>&1", dirname(exe), args);
	memset(c, 0, sizeof(*c));
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (len < sizeof(c->out) - 1 && fgets(c->out + len, (int)(sizeof(c->out) - len), p))
		len += strlen(c->out + len);
	c->status = pclose(p);
	/* Show the table in the TAP log, as comments. */
	copy = strdup(c->out);
	if (!copy)
		return -1;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (echo)
			printf("# %s\n", line);
		sscanf(line, "ipcbench: verified %llu messages, %llu verification errors, "
		       "%d failed runs, %d skipped", &c->verified, &c->errors,
		       &c->failed, &c->skipped);
	}
	free(copy);
	return 0;
}

FIXTURE(bench) {
	struct counts c;
};

FIXTURE_SETUP(bench) {}
FIXTURE_TEARDOWN(bench) {}

/* Every mechanism, both modes, 64 B and 4 KiB: all verified. */
TEST_F_TIMEOUT(bench, quick_verifies_every_message, 300)
{
	ASSERT_EQ(0, run_bench(&self->c, "--quick --quiet", 1));
	EXPECT_TRUE(WIFEXITED(self->c.status));
	EXPECT_EQ(0, WEXITSTATUS(self->c.status));
	EXPECT_LT(0, self->c.verified);
	EXPECT_EQ(0, self->c.errors);
	EXPECT_EQ(0, self->c.failed);
	/* The native mechanisms never skip inside the VM. */
	EXPECT_EQ(NULL, strstr(self->c.out, "pipe             skipped"));
}

/* A corrupted byte must be caught, counted and fail the run. */
TEST_F_TIMEOUT(bench, corruption_fails_the_run, 120)
{
	ASSERT_EQ(0, run_bench(&self->c, "--quiet -m pipe,unix-dgram,shm-futex -M stream "
			       "-s 4K -r 1 -t 0.05 -w 0.01 --corrupt-every 50", 0));
	EXPECT_TRUE(WIFEXITED(self->c.status));
	EXPECT_EQ(1, WEXITSTATUS(self->c.status));
	EXPECT_LT(0, self->c.errors);
	EXPECT_EQ(3, self->c.failed);
	EXPECT_NE(NULL, strstr(self->c.out, "checksum mismatch"));
	/* Its output is not echoed: the failures in it are the point. */
	TH_LOG("corrupted run caught %llu verification errors in %d runs",
	       self->c.errors, self->c.failed);
}

/* Machine-readable output is complete and parseable in shape. */
TEST_F_TIMEOUT(bench, csv_has_one_row_per_result, 120)
{
	int rows = 0;
	char *l;

	ASSERT_EQ(0, run_bench(&self->c, "--quiet -m pipe,posix-mq -s 64,16K -r 1 "
			       "-t 0.02 -w 0.01 --csv -", 1));
	EXPECT_EQ(0, WEXITSTATUS(self->c.status));
	for (l = self->c.out; (l = strstr(l, "\npingpong,same,")); l++)
		rows++;
	for (l = self->c.out; (l = strstr(l, "\nstream,same,")); l++)
		rows++;
	EXPECT_EQ(8, rows);
	/* posix-mq is capped at fs.mqueue.msgsize_max (8192 by default). */
	EXPECT_NE(NULL, strstr(self->c.out, "stream,same,posix-mq,16384,8192,ok"));
}

TEST_HARNESS_MAIN
