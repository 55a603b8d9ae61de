// SPDX-License-Identifier: GPL-2.0
/* Host tests of the CLI's output writer (tools/ipcchan/output.h). */
#include <math.h>
#include <stdint.h>

#include "output.h"
#include "kselftest_harness.h"

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

TEST(json_plain)
{
	EXPECT_STREQ("\"mbox-1\"", json_of("mbox-1"));
	EXPECT_STREQ("\"\"", json_of(""));
}

TEST(json_escapes)
{
	EXPECT_STREQ("\"a\\\"b\"", json_of("a\"b"));
	EXPECT_STREQ("\"a\\\\b\"", json_of("a\\b"));
	EXPECT_STREQ("\"l1\\nl2\\t\"", json_of("l1\nl2\t"));
	EXPECT_STREQ("\"\\u0001\\u001f\\u007f\"", json_of("\x01\x1f\x7f"));
	/* Valid UTF-8 passes through (names are bytes, UTF-8 stays UTF-8). */
	EXPECT_STREQ("\"\xc3\xa9\"", json_of("\xc3\xa9"));
	EXPECT_STREQ("\"\xe2\x82\xac \xf0\x9f\x98\x80\"",
		     json_of("\xe2\x82\xac \xf0\x9f\x98\x80"));
}

/* Bytes that are not UTF-8 become \u00XX: the output stays valid JSON. */
TEST(json_invalid_utf8)
{
	EXPECT_STREQ("\"\\u00ff\\u00fe\"", json_of("\xff\xfe"));
	/* A lone continuation byte, a truncated sequence. */
	EXPECT_STREQ("\"a\\u0080z\"", json_of("a\x80z"));
	EXPECT_STREQ("\"\\u00c3\"", json_of("\xc3"));
	EXPECT_STREQ("\"\\u00e2\\u0082z\"", json_of("\xe2\x82z"));
	/* Overlong '/', a UTF-16 surrogate, beyond U+10FFFF. */
	EXPECT_STREQ("\"\\u00c0\\u00af\"", json_of("\xc0\xaf"));
	EXPECT_STREQ("\"\\u00ed\\u00a0\\u0080\"", json_of("\xed\xa0\x80"));
	EXPECT_STREQ("\"\\u00f4\\u0090\\u0080\\u0080\"",
		     json_of("\xf4\x90\x80\x80"));
	EXPECT_TRUE(utf8_valid("\xf4\x8f\xbf\xbf", 4));
	EXPECT_FALSE(utf8_valid("\xf4\x90\x80\x80", 4));
	EXPECT_TRUE(utf8_valid("a\0b", 3));
}

/* One call per field: JSON key and value, or the text format. */
TEST(writer_json_and_text)
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
	EXPECT_STREQ("{\"id\": 7, \"name\": \"a\\u00ff\", \"charged\": 65536, "
		     "\"policy\": 2, \"hiwat\": null, \"named\": true, \"pid\": -1, "
		     "\"nest\": {\"hist\": [18446744073709551615, 0]}}\n", done());

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
	EXPECT_STREQ("id 7\nname a\ncharged 64 KiB\npolicy drop-oldest\n"
		     "hiwat -\nonly text\npid -1\n", done());
}

/* Rates are floats: three decimals, and null where JSON has no number. */
TEST(writer_float)
{
	start(true);
	open_json_object(NULL);
	print_float(PRINT_ANY, "rate", "%.1f/s\n", 2.5);
	print_float(PRINT_ANY, "zero", "%.1f/s\n", 0);
	print_float(PRINT_ANY, "nan", "%.1f/s\n", NAN);
	print_float(PRINT_ANY, "inf", "%.1f/s\n", -INFINITY);
	close_json_object();
	EXPECT_STREQ("{\"rate\": 2.500, \"zero\": 0.000, \"nan\": null, "
		     "\"inf\": null}\n", done());

	start(false);
	print_float(PRINT_ANY, "rate", "%.1f/s\n", 2.5);
	print_float(PRINT_JSON, "hidden", "%.1f\n", 1);
	EXPECT_STREQ("2.5/s\n", done());
}

/* Each top-level value is a line: JSON Lines when a command prints many. */
TEST(writer_documents_are_lines)
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
	EXPECT_STREQ("[{\"id\": 1},\n {\"id\": 2}]\n{}\n[]\n", done());
}

/* Payloads: UTF-8 as text, anything else base64; the encoding is named. */
TEST(writer_data)
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
	EXPECT_STREQ("{\"data\": \"h\xc3\xa9\\n\\u0000\", \"encoding\": \"utf-8\"}\n"
		     "{\"data\": \"//4=\", \"encoding\": \"base64\"}\n"
		     "{\"data\": \"gGJj/w==\", \"encoding\": \"base64\"}\n"
		     "{\"data\": \"\", \"encoding\": \"utf-8\"}\n", done());
	/* Nothing at all in text mode: the command writes the raw bytes. */
	start(false);
	print_data("data", "encoding", "xyz", 3);
	EXPECT_STREQ("", done());
}

TEST(bytes_format)
{
	char b[32];

	EXPECT_STREQ("0 B", fmt_bytes(b, sizeof(b), 0));
	EXPECT_STREQ("1023 B", fmt_bytes(b, sizeof(b), 1023));
	EXPECT_STREQ("1 KiB", fmt_bytes(b, sizeof(b), 1024));
	EXPECT_STREQ("64 KiB", fmt_bytes(b, sizeof(b), 65536));
	EXPECT_STREQ("1.5 MiB", fmt_bytes(b, sizeof(b), 1536 * 1024));
	EXPECT_STREQ("64 MiB", fmt_bytes(b, sizeof(b), 64ULL << 20));
	EXPECT_STREQ("15.9 EiB", fmt_bytes(b, sizeof(b), UINT64_MAX));
	/* Truncation to the caller's buffer, always terminated. */
	EXPECT_STREQ("64 ", fmt_bytes(b, 4, 65536));
}

TEST_HARNESS_MAIN
