// SPDX-License-Identifier: GPL-2.0
/* Host tests of the CLI's output helpers. */
#include <stdint.h>

#include "output.h"
#include "test.h"

static char *json_of(const char *s)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	json_print_string(f, s);
	fclose(f);
	return buf;
}

HOST_TEST(json_plain)
{
	CHECK_STR(json_of("mbox-1"), "\"mbox-1\"");
	CHECK_STR(json_of(""), "\"\"");
}

HOST_TEST(json_escapes)
{
	CHECK_STR(json_of("a\"b"), "\"a\\\"b\"");
	CHECK_STR(json_of("a\\b"), "\"a\\\\b\"");
	CHECK_STR(json_of("l1\nl2\t"), "\"l1\\nl2\\t\"");
	CHECK_STR(json_of("\x01\x1f"), "\"\\u0001\\u001f\"");
	/* Bytes >= 0x80 pass through (names are opaque bytes, UTF-8 stays UTF-8). */
	CHECK_STR(json_of("\xc3\xa9"), "\"\xc3\xa9\"");
}

HOST_TEST(bytes_format)
{
	char b[32];

	CHECK_STR(fmt_bytes(b, sizeof(b), 0), "0 B");
	CHECK_STR(fmt_bytes(b, sizeof(b), 1023), "1023 B");
	CHECK_STR(fmt_bytes(b, sizeof(b), 1024), "1 KiB");
	CHECK_STR(fmt_bytes(b, sizeof(b), 65536), "64 KiB");
	CHECK_STR(fmt_bytes(b, sizeof(b), 1536 * 1024), "1.5 MiB");
	CHECK_STR(fmt_bytes(b, sizeof(b), 64ULL << 20), "64 MiB");
	CHECK_STR(fmt_bytes(b, sizeof(b), UINT64_MAX), "15.9 EiB");
	/* Truncation to the caller's buffer, always terminated. */
	CHECK_STR(fmt_bytes(b, 4, 65536), "64 ");
}
