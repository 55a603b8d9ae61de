/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every ipcchan selftest needs the module. The Makefile force-includes
 * this header into every test binary (-include require_module.h), so the
 * check lives here, once, and no test has to remember it.
 *
 * Before the harness starts: if /dev/ipcchan is missing and this is not
 * the test VM (whose init loads the module, or deliberately does not with
 * vm.sh --no-module), try `modprobe ipcchan` once; if the device is still
 * missing, skip the whole binary the kselftest way (plan "1..0 # SKIP",
 * exit 4), so that a machine without the module reports SKIP, not FAIL.
 */
#ifndef IPCCHAN_SELFTEST_REQUIRE_MODULE_H
#define IPCCHAN_SELFTEST_REQUIRE_MODULE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcchan.h>

/* Where the test VM's initramfs keeps the module its init loads. */
#define IPCCHAN_VM_MODULE	"/lib/ipcchan/ipcchan.ko"
/* kselftest's exit status for "skipped" (KSFT_SKIP in kselftest.h). */
#define IPCCHAN_KSFT_SKIP	4

__attribute__((constructor)) static void ipcchan_require_module(void)
{
	pid_t pid;

	if (!access(IPCCHAN_DEVICE_PATH, F_OK))
		return;
	if (access(IPCCHAN_VM_MODULE, F_OK)) {
		pid = fork();
		if (pid == 0) {
			execlp("modprobe", "modprobe", "-q", "ipcchan",
			       (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
		if (!access(IPCCHAN_DEVICE_PATH, F_OK))
			return;
	}
	printf("TAP version 13\n1..0 # SKIP %s missing: the ipcchan module is not loaded\n",
	       IPCCHAN_DEVICE_PATH);
	fflush(stdout);
	exit(IPCCHAN_KSFT_SKIP);
}

#endif /* IPCCHAN_SELFTEST_REQUIRE_MODULE_H */
