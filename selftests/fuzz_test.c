// SPDX-License-Identifier: GPL-2.0
/*
 * The short, fixed-seed run of ipcchan-fuzz (tools/fuzz) that make check
 * runs on both kernels: a few seeds, a few thousand operations each. The
 * fuzzer fails on any undocumented errno or wrong result; the VM runner
 * fails the run on any kernel report. `make fuzz` runs 10^6 operations.
 *
 * IPCCHAN_FUZZ_OPS overrides the operations per seed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

static int run_fuzz(const char *seed)
{
	const char *ops = getenv("IPCCHAN_FUZZ_OPS") ?: "15000";
	char path[4096];
	ssize_t n;
	pid_t pid;
	int st;

	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	if (n < 0)
		return -1;
	path[n] = '\0';
	strcpy(strrchr(path, '/') + 1, "ipcchan-fuzz");
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		execl(path, "ipcchan-fuzz", "--seed", seed, "--ops", ops, NULL);
		fprintf(stderr, "# exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

FIXTURE(fuzz) {
	int dummy;
};

FIXTURE_VARIANT(fuzz) {
	const char *seed;
};

FIXTURE_VARIANT_ADD(fuzz, seed1) { .seed = "1" };
FIXTURE_VARIANT_ADD(fuzz, seed2) { .seed = "2" };
FIXTURE_VARIANT_ADD(fuzz, seed3) { .seed = "3" };

FIXTURE_SETUP(fuzz) {}
FIXTURE_TEARDOWN(fuzz) {}

TEST_F_TIMEOUT(fuzz, fixed_seed, 1200)
{
	EXPECT_EQ(0, run_fuzz(variant->seed));
}

TEST_HARNESS_MAIN
