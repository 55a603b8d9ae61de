// SPDX-License-Identifier: GPL-2.0
/* Host tests of the CLI's output writer (tools/ipcchan/output.h). */
#include <math.h>
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

/* What the writer printed between out_init() and done(). */
static char out_buf[1024];
static FILE *out_f;

static void start(bool json)
{
	memset(out_buf, 0, sizeof(out_buf));
	out_f = fmemopen(out_buf, sizeof(out_buf), "w");
	out_init(out_f, json);
}

static const char *done(void)
{
	fclose(out_f);
	out_init(stdout, false);
	return out_buf;
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
	CHECK_STR(json_of("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
	/* Valid UTF-8 passes through (names are bytes, UTF-8 stays UTF-8). */
	CHECK_STR(json_of("\xc3\xa9"), "\"\xc3\xa9\"");
	CHECK_STR(json_of("\xe2\x82\xac \xf0\x9f\x98\x80"),
		  "\"\xe2\x82\xac \xf0\x9f\x98\x80\"");
}

/* Bytes that are not UTF-8 become \u00XX: the output stays valid JSON. */
HOST_TEST(json_invalid_utf8)
{
	CHECK_STR(json_of("\xff\xfe"), "\"\\u00ff\\u00fe\"");
	/* A lone continuation byte, a truncated sequence. */
	CHECK_STR(json_of("a\x80z"), "\"a\\u0080z\"");
	CHECK_STR(json_of("\xc3"), "\"\\u00c3\"");
	CHECK_STR(json_of("\xe2\x82z"), "\"\\u00e2\\u0082z\"");
	/* Overlong '/', a UTF-16 surrogate, beyond U+10FFFF. */
	CHECK_STR(json_of("\xc0\xaf"), "\"\\u00c0\\u00af\"");
	CHECK_STR(json_of("\xed\xa0\x80"), "\"\\u00ed\\u00a0\\u0080\"");
	CHECK_STR(json_of("\xf4\x90\x80\x80"),
		  "\"\\u00f4\\u0090\\u0080\\u0080\"");
	CHECK(utf8_valid("\xf4\x8f\xbf\xbf", 4));
	CHECK(!utf8_valid("\xf4\x90\x80\x80", 4));
	CHECK(utf8_valid("a\0b", 3));
}

/* One call per field: JSON key and value, or the text format. */
HOST_TEST(writer_json_and_text)
{
	start(true);
	open_json_object(NULL);
	print_uint(PRINT_ANY, "id", "id %u\n", 7);
	print_string(PRINT_ANY, "name", "name %s\n", "a\xff");
	print_size(PRINT_ANY, "charged", "charged %s\n", 65536);
	print_enum(PRINT_ANY, "policy", "policy %s\n", 2, "drop-oldest");
	print_null(PRINT_ANY, "hiwat", "hiwat %s\n", "-");
	print_text("only text\n");
	print_bool(PRINT_JSON, "named", NULL, true);
	print_int(PRINT_ANY, "pid", "pid %d\n", -1);
	open_json_object("nest");
	open_json_array("hist");
	print_u64(PRINT_JSON, NULL, NULL, UINT64_MAX);
	print_u64(PRINT_JSON, NULL, NULL, 0);
	close_json_array();
	close_json_object();
	close_json_object();
	CHECK_STR(done(), "{\"id\": 7, \"name\": \"a\\u00ff\", \"charged\": 65536, "
		  "\"policy\": 2, \"hiwat\": null, \"named\": true, \"pid\": -1, "
		  "\"nest\": {\"hist\": [18446744073709551615, 0]}}\n");

	start(false);
	open_json_object(NULL);
	print_uint(PRINT_ANY, "id", "id %u\n", 7);
	print_string(PRINT_ANY, "name", "name %s\n", "a");
	print_size(PRINT_ANY, "charged", "charged %s\n", 65536);
	print_enum(PRINT_ANY, "policy", "policy %s\n", 2, "drop-oldest");
	print_null(PRINT_ANY, "hiwat", "hiwat %s\n", "-");
	print_text("only text\n");
	print_bool(PRINT_JSON, "named", NULL, true);
	print_int(PRINT_ANY, "pid", "pid %d\n", -1);
	close_json_object();
	CHECK_STR(done(), "id 7\nname a\ncharged 64 KiB\npolicy drop-oldest\n"
		  "hiwat -\nonly text\npid -1\n");
}

/* Rates are floats: three decimals, and null where JSON has no number. */
HOST_TEST(writer_float)
{
	start(true);
	open_json_object(NULL);
	print_float(PRINT_ANY, "rate", "%.1f/s\n", 2.5);
	print_float(PRINT_ANY, "zero", "%.1f/s\n", 0);
	print_float(PRINT_ANY, "nan", "%.1f/s\n", NAN);
	print_float(PRINT_ANY, "inf", "%.1f/s\n", -INFINITY);
	close_json_object();
	CHECK_STR(done(), "{\"rate\": 2.500, \"zero\": 0.000, \"nan\": null, "
		  "\"inf\": null}\n");

	start(false);
	print_float(PRINT_ANY, "rate", "%.1f/s\n", 2.5);
	print_float(PRINT_JSON, "hidden", "%.1f\n", 1);
	CHECK_STR(done(), "2.5/s\n");
}

/* Each top-level value is a line: JSON Lines when a command prints many. */
HOST_TEST(writer_documents_are_lines)
{
	start(true);
	open_json_array(NULL);
	open_json_object(NULL);
	print_uint(PRINT_ANY, "id", NULL, 1);
	close_json_object();
	open_json_object(NULL);
	print_uint(PRINT_ANY, "id", NULL, 2);
	close_json_object();
	close_json_array();
	open_json_object(NULL);
	close_json_object();
	open_json_array(NULL);
	close_json_array();
	CHECK_STR(done(), "[{\"id\": 1},\n {\"id\": 2}]\n{}\n[]\n");
}

/* Payloads: UTF-8 as text, anything else base64; the encoding is named. */
HOST_TEST(writer_data)
{
	start(true);
	open_json_object(NULL);
	print_data("data", "encoding", "h\xc3\xa9\n\0", 5);
	close_json_object();
	open_json_object(NULL);
	print_data("data", "encoding", "\xff\xfe", 2);
	close_json_object();
	open_json_object(NULL);
	print_data("data", "encoding", "\x80" "bc\xff", 4);
	close_json_object();
	open_json_object(NULL);
	print_data("data", "encoding", "", 0);
	close_json_object();
	CHECK_STR(done(),
		  "{\"data\": \"h\xc3\xa9\\n\\u0000\", \"encoding\": \"utf-8\"}\n"
		  "{\"data\": \"//4=\", \"encoding\": \"base64\"}\n"
		  "{\"data\": \"gGJj/w==\", \"encoding\": \"base64\"}\n"
		  "{\"data\": \"\", \"encoding\": \"utf-8\"}\n");
	/* Nothing at all in text mode: the command writes the raw bytes. */
	start(false);
	print_data("data", "encoding", "xyz", 3);
	CHECK_STR(done(), "");
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
