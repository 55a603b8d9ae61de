/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal TAP producer for the host unit tests. Each test is a function
 * registered with HOST_TEST(); CHECK() records a failure and carries on,
 * so one run shows every broken expectation.
 */
#ifndef IPCCHAN_HOST_TEST_H
#define IPCCHAN_HOST_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct host_test {
	const char *name;
	void (*fn)(int *failed);
};

#define MAX_HOST_TESTS 256
static struct host_test host_tests[MAX_HOST_TESTS];
static int n_host_tests;

#define HOST_TEST(name)							\
	static void name(int *failed);					\
	__attribute__((constructor)) static void register_##name(void)	\
	{								\
		if (n_host_tests < MAX_HOST_TESTS)			\
			host_tests[n_host_tests++] =			\
				(struct host_test){ #name, name };	\
	}								\
	static void name(int *failed)

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("#   %s:%d: check failed: %s\n",		\
			       __FILE__, __LINE__, #cond);		\
			*failed = 1;					\
		}							\
	} while (0)

#define CHECK_STR(a, b)							\
	do {								\
		const char *_a = (a), *_b = (b);			\
		if (strcmp(_a, _b)) {					\
			printf("#   %s:%d: \"%s\" != \"%s\"\n",		\
			       __FILE__, __LINE__, _a, _b);		\
			*failed = 1;					\
		}							\
	} while (0)

int main(void)
{
	int i, pass = 0, fail = 0;

	printf("TAP version 13\n1..%d\n", n_host_tests);
	for (i = 0; i < n_host_tests; i++) {
		int failed = 0;

		host_tests[i].fn(&failed);
		printf("%s %d %s\n", failed ? "not ok" : "ok", i + 1,
		       host_tests[i].name);
		if (failed)
			fail++;
		else
			pass++;
	}
	printf("# host: %d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}

#endif
