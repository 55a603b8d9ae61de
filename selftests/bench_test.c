// SPDX-License-Identifier: GPL-2.0
/*
 * ipcbench in the VM suite: the quick mode must run every mechanism that
 * is available and verify every message, and the verification must be
 * able to fail (the --corrupt-every hook must make the run fail). The
 * null floor and the --epoll mode must report every row they promise.
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
	ASSERT_EQ(0, run_bench(&self->c, "--quiet -m pipe,unix-dgram,shm-futex,null -M stream "
			       "-s 4K -r 1 -t 0.05 -w 0.01 --corrupt-every 50", 0));
	EXPECT_TRUE(WIFEXITED(self->c.status));
	EXPECT_EQ(1, WEXITSTATUS(self->c.status));
	EXPECT_LT(0, self->c.errors);
	EXPECT_EQ(4, self->c.failed);
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

/* Read all of @path into @buf (NUL-terminated); its length or -1. */
static ssize_t slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
	return (ssize_t)n;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

/*
 * How many of the result objects (one per line) that contain @which also
 * contain @what.
 */
static int count_lines_with(const char *json, const char *which, const char *what)
{
	const char *p, *end;
	int n = 0;

	for (p = json; (p = strstr(p, which)); p = end) {
		while (p > json && p[-1] != '\n')
			p--;
		end = strchr(p, '\n');
		end = end ? end : p + strlen(p);
		if (memmem(p, (size_t)(end - p), what, strlen(what)))
			n++;
	}
	return n;
}

/* The value of the first "@key": number after @from in @json, or -1. */
static double num_after(const char *json, const char *from, const char *key)
{
	const char *p = strstr(json, from);
	char k[64];

	snprintf(k, sizeof(k), "\"%s\":", key);
	p = p ? strstr(p, k) : NULL;
	return p ? strtod(p + strlen(k), NULL) : -1;
}

/*
 * The floor: null streams alone, the others carry an "x floor" column and
 * floor_x field, null's is 1, and the ring goal rows are present.
 */
TEST_F_TIMEOUT(bench, null_floor_is_reported, 120)
{
	static char json[65536];
	const char *path = "/tmp/bench_test_floor.json";
	double fl, fx;

	unlink(path);
	ASSERT_EQ(0, run_bench(&self->c, "--quiet -m null,pipe,ring -M stream,pingpong -s 64 "
			       "-r 1 -t 0.05 -w 0.01 --json /tmp/bench_test_floor.json", 1));
	EXPECT_EQ(0, WEXITSTATUS(self->c.status));
	EXPECT_EQ(0, self->c.errors);
	EXPECT_NE(NULL, strstr(self->c.out, "x floor"));
	/* null has no round trip: its ping-pong row is a skip with a reason. */
	EXPECT_EQ(1, self->c.skipped);
	EXPECT_NE(NULL, strstr(self->c.out, "null             skipped: the floor is a streaming"));
	ASSERT_LT(0, slurp(path, json, sizeof(json)));
	unlink(path);
	fl = num_after(json, "\"mechanism\":\"null\",\"mode\":\"stream\"", "median");
	EXPECT_LT(0, fl);
	EXPECT_EQ(1.0, num_after(json, "\"mechanism\":\"null\",\"mode\":\"stream\"",
				 "floor_x"));
	fx = num_after(json, "\"mechanism\":\"pipe\",\"mode\":\"stream\"", "floor_x");
	EXPECT_LT(0, fx);
	if (!strstr(self->c.out, "ring             skipped")) {
		EXPECT_NE(NULL, strstr(json, "\"goal\":\"ring streaming >= 20x pipe\""));
		EXPECT_NE(NULL, strstr(json, "\"goal\":\"ring streaming <= 1.5x null\""));
		EXPECT_EQ(2, count(json, "\"met\":true") + count(json, "\"met\":false"));
		/* Every streaming result that ran has its multiple of the floor. */
		EXPECT_EQ(3, count(json, "\"floor_x\":"));
	} else {
		EXPECT_EQ(2, count(json, "\"floor_x\":"));
	}
	TH_LOG("null floor %.0f msgs/s, pipe at %.1fx the floor", fl, fx);
}

/*
 * Every goal row of the speed suite (Documentation/benchmarks.rst) comes
 * out of one run that has the mechanisms it compares: the mailbox's round
 * trips against pipe and POSIX mq, its streaming and batched rates
 * against the pipe, the ring against the floor, the pipe and shm-futex.
 */
TEST_F_TIMEOUT(bench, every_goal_row_is_answered, 180)
{
	static const char *const rows[] = {
		"mbox-rw round trip <= 1x pipe", "mbox-rw round trip <= 1x posix-mq",
		"mbox-rw streaming >= 1x pipe", "mbox-batch streaming >= 4x pipe",
		"ring streaming <= 1.5x null", "ring streaming <= 1.2x null",
		"ring streaming >= 20x pipe", "ring round trip <= 1x shm-futex",
	};
	/* How often each row is answered: once per size it is set for. */
	static const int times[] = { 2, 2, 2, 1, 1, 1, 1, 2 };
	static char json[262144];
	const char *path = "/tmp/bench_test_goals.json";
	char needle[96];
	size_t i;

	unlink(path);
	ASSERT_EQ(0, run_bench(&self->c, "--quiet -m null,pipe,posix-mq,shm-futex,mbox-rw,"
			       "mbox-batch,ring -M stream,pingpong -s 64,4K -r 1 -t 0.05 "
			       "-w 0.01 --json /tmp/bench_test_goals.json", 1));
	EXPECT_EQ(0, WEXITSTATUS(self->c.status));
	EXPECT_EQ(0, self->c.errors);
	/* Only the ping-pong rows of null and mbox-batch, at both sizes, skip. */
	ASSERT_EQ(4, self->c.skipped);
	ASSERT_LT(0, slurp(path, json, sizeof(json)));
	unlink(path);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(needle, sizeof(needle), "\"goal\":\"%s\"", rows[i]);
		EXPECT_EQ(times[i], count(json, needle)) TH_LOG("%s", rows[i]);
	}
	EXPECT_EQ(12, count(json, "\"met\":true") + count(json, "\"met\":false"));
	EXPECT_NE(NULL, strstr(self->c.out, "== goals (this run) =="));
	EXPECT_EQ(12, count(self->c.out, " met\n") + count(self->c.out, " MISSED\n"));
}

/*
 * --epoll with small N: one row per mechanism and N, all verified, and
 * every goal row answered met or missed (the mailbox runs in the VM).
 */
TEST_F_TIMEOUT(bench, epoll_reports_every_n, 180)
{
	static char json[65536];
	const char *path = "/tmp/bench_test_epoll.json";

	unlink(path);
	ASSERT_EQ(0, run_bench(&self->c, "--epoll --quiet -n 1,8,64 -r 1 -t 0.05 -w 0.01 "
			       "--json /tmp/bench_test_epoll.json", 1));
	EXPECT_TRUE(WIFEXITED(self->c.status));
	EXPECT_EQ(0, WEXITSTATUS(self->c.status));
	ASSERT_LT(0, slurp(path, json, sizeof(json)));
	unlink(path);
	EXPECT_NE(NULL, strstr(json, "\"mode\":\"epoll\""));
	EXPECT_EQ(4, count(json, "\"channels\":1,"));
	EXPECT_EQ(4, count(json, "\"channels\":8,"));
	EXPECT_EQ(4, count(json, "\"channels\":64,"));
	EXPECT_EQ(12, count(json, "\"status\":\"ok\""));
	EXPECT_EQ(12, count(json, "\"ns_per_msg\":{\"median\":"));
	EXPECT_EQ(0, count(json, "\"ns_per_msg\":{\"median\":0,"));
	EXPECT_EQ(0, count(json, "\"median\":null"));
	EXPECT_EQ(12, count(json, "\"csw_per_msg\":{\"median\":"));
	EXPECT_EQ(12, count(json, "\"msgs_per_wait\":{\"median\":"));
	/*
	 * One channel: every epoll_wait() reports it alone, one message.
	 * (More channels may also give one per wait, when the receiver keeps
	 * up, as unix-dgram's blocking sender makes it: only N = 1 must.)
	 */
	EXPECT_EQ(4, count_lines_with(json, "\"channels\":1,",
				      "\"msgs_per_wait\":{\"median\":1,\"min\":1,\"max\":1,"));
	EXPECT_EQ(12, count(json, "\"errors\":0}"));
	/* N=64 against N=1, and against the pipe at each N. */
	EXPECT_EQ(4, count(json, "\"met\":true") + count(json, "\"met\":false"));
	EXPECT_EQ(0, count(json, "\"met\":null"));
	EXPECT_NE(NULL, strstr(self->c.out, "mbox-rw N=64 <= 1.2x N=1"));
	/* Bad usage is refused with 2 and never runs. */
	ASSERT_EQ(0, run_bench(&self->c, "--epoll -n 0", 0));
	EXPECT_EQ(2, WEXITSTATUS(self->c.status));
	ASSERT_EQ(0, run_bench(&self->c, "--epoll -m mbox-batch", 0));
	EXPECT_EQ(2, WEXITSTATUS(self->c.status));
}

TEST_HARNESS_MAIN
