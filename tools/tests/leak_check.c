// SPDX-License-Identifier: GPL-2.0
/*
 * LeakSanitizer for the host tests. kselftest_harness.h runs each test in
 * a forked child that ends with _exit(), which skips LeakSanitizer's check
 * at exit. The tests are linked with -Wl,--wrap=_exit, so the harness's
 * _exit() comes here first: a test that leaks fails.
 */
#include <sanitizer/lsan_interface.h>

void __real__exit(int status) __attribute__((noreturn));
void __wrap__exit(int status) __attribute__((noreturn));

void __wrap__exit(int status)
{
	if (__lsan_do_recoverable_leak_check() && !status)
		status = 1;	/* KSFT_FAIL */
	__real__exit(status);
}
