// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan-lab's pure logic under ASan + UBSan: the JSON reader on good
 * and bad input, the cell extractors on ipcbench's wording, and the
 * comparison of answers (a wrong answer is wrong, tolerances hold).
 */
#include <math.h>

#include "json.h"
#include "lab.h"
#include "kselftest_harness.h"

static struct jval *parse(const char *text)
{
	char err[160];

	return json_parse(text, err, sizeof(err));
}

TEST(json_values)
{
	struct jval *v = parse(" {\"a\": [1, -2.5e1, true, null, \"x\\u00e9\\ud83d\\ude00\\n\"],"
			       " \"b\": {}} ");
	const struct jval *a = json_get(v, "a");

	ASSERT_NE(NULL, v);
	EXPECT_EQ(J_OBJ, v->type);
	EXPECT_EQ(2, v->n);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(5, a->n);
	EXPECT_TRUE(json_at(a, 0)->num == 1);
	EXPECT_TRUE(json_at(a, 1)->num == -25);
	EXPECT_EQ(J_BOOL, json_at(a, 2)->type);
	EXPECT_TRUE(json_at(a, 2)->b);
	EXPECT_EQ(J_NULL, json_at(a, 3)->type);
	EXPECT_STREQ("x\xc3\xa9\xf0\x9f\x98\x80\n", json_str(json_at(a, 4)));
	ASSERT_NE(NULL, json_get(v, "b"));
	EXPECT_EQ(0, json_get(v, "b")->n);
	EXPECT_NULL(json_get(v, "c"));
	EXPECT_NULL(json_at(a, 5));
	EXPECT_NULL(json_str(json_at(a, 0)));
	json_free(v);
}

TEST(json_rejects)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "\"open", "\"\\x\"", "\"\\u12\"",
		"\"\\udc00\"", "\"\\ud800x\"", "01", "1.", "-", "1e", "tru", "[1] 2", "\"a\tb\"",
		"{1: 2}", "nul",
	};
	char deep[200];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct jval *v = parse(bad[i]);

		EXPECT_NULL(v) {
			TH_LOG("accepted: %s", bad[i]);
		}
		json_free(v);
	}
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = 0;
	EXPECT_NULL(parse(deep));
}

static struct lab_value ex(lab_extract_fn fn, const char *cell, size_t size)
{
	struct lab_value v;

	memset(&v, 0, sizeof(v));
	fn(cell, size, &v);
	return v;
}

TEST(extractors)
{
	struct lab_value v;

	v = ex(ex_count, "256 (16 KiB)", 64);
	EXPECT_TRUE(v.ok);
	EXPECT_TRUE(v.is_num);
	EXPECT_TRUE(v.num == 256);
	v = ex(ex_count, "1 msg (4 KiB)", 4096);
	EXPECT_TRUE(v.ok);
	EXPECT_TRUE(v.num == 1);
	EXPECT_FALSE(ex(ex_count, "> 16384 (16 KiB): no limit reached", 1).ok);
	EXPECT_FALSE(ex(ex_count, "once empty", 1).ok);
	EXPECT_TRUE(ex(ex_read_bytes, "no: one read returns both", 64).num == 128);
	EXPECT_TRUE(ex(ex_read_bytes, "yes", 64).num == 64);
	EXPECT_STREQ("E2BIG", ex(ex_short_read, "E2BIG; message kept", 64).word);
	EXPECT_STREQ("truncate",
		     ex(ex_short_read, "truncated to 32 B, the rest discarded", 64).word);
	EXPECT_STREQ("partial", ex(ex_short_read, "partial: 32 B, the rest stays", 64).word);
	EXPECT_STREQ("drop", ex(ex_nonblock, "succeeds; the message is dropped", 64).word);
	EXPECT_STREQ("ENOMSG", ex(ex_nonblock, "ENOMSG", 64).word);
	EXPECT_STREQ("fail", ex(ex_full, "fails at once: EAGAIN", 1).word);
	EXPECT_STREQ("ETIMEDOUT", ex(ex_timed, "ETIMEDOUT after the timeout", 64).word);
	EXPECT_STREQ("EAGAIN", ex(ex_timed, "EAGAIN at once", 64).word);
	EXPECT_STREQ("none", ex(ex_timed, "no timed form", 64).word);
	EXPECT_STREQ("drop", ex(ex_timed, "succeeds; the message is dropped", 64).word);
	EXPECT_STREQ("succeeds", ex(ex_timed, "returns 64 B at once", 64).word);
	EXPECT_FALSE(ex(ex_timed, "ETIMEDOUT", 64).ok);
	EXPECT_FALSE(ex(ex_timed, "EAGAIN after a while", 64).ok);
	EXPECT_FALSE(ex(ex_timed, "blocks", 64).ok);
	EXPECT_FALSE(ex(ex_full, "no answer in 10 s (state R)", 64).ok);
	EXPECT_TRUE(ex(ex_delivered, "FIFO; 127 of 128 dropped when full", 1).num == 1);
	EXPECT_FALSE(ex(ex_delivered, "FIFO", 1).ok);
	EXPECT_TRUE(ex(ex_bytes, "781 B", 1).num == 781);
	EXPECT_FALSE(ex(ex_bytes, "781", 1).ok);
	EXPECT_TRUE(ex(ex_decimal, "0.00 (in place: calls only to wait)", 64).num == 0);
	v = ex(ex_copies, "documented, not measured: 2 (user -> skb -> user)", 64);
	EXPECT_TRUE(v.num == 2);
	EXPECT_STREQ("anonymous", ex(ex_outlives, "n/a: anonymous", 64).word);
	EXPECT_STREQ("EOF", ex(ex_peer, "EOF (0); poll HUP", 64).word);
	EXPECT_STREQ("ECONNREFUSED", ex(ex_peer, "ECONNREFUSED, then ENOTCONN; poll OUT", 64).word);
	EXPECT_STREQ("succeeds",
		     ex(ex_peer, "succeeds, then EPIPE + SIGPIPE; poll IN|OUT|HUP", 64).word);
	EXPECT_STREQ("yes", ex(ex_sigpipe, "EPIPE + SIGPIPE; poll OUT|ERR", 64).word);
	EXPECT_STREQ("no", ex(ex_sigpipe, "EPIPE; poll ERR", 64).word);
}

static bool judged(const struct lab_question *q, const char *answer, const char *cell)
{
	struct lab_value a, m;

	memset(&m, 0, sizeof(m));
	q->extract(cell, q->size, &m);
	lab_parse_answer(q, answer, &a);
	return lab_right(q, &a, &m);
}

TEST(answers)
{
	struct lab_question count = { "x", "pipe", "capacity", 64, ex_count, 0, 0, "", "" };
	struct lab_question mem = { "x", "pipe", "memory", 1, ex_bytes, 32, 0.25, "", "" };
	struct lab_question word = { "x", "pipe", "full", 64, ex_full, 0, 0, "", "" };
	struct lab_question err = { "x", "pipe", "nb-full", 64, ex_nonblock, 0, 0, "", "" };
	struct lab_question peer = { "x", "pipe", "writer-exit", 64, ex_peer, 0, 0, "", "" };
	struct lab_question timed = { "x", "pipe", "timed-empty", 64, ex_timed, 0, 0, "", "" };
	struct lab_value m, w;

	EXPECT_TRUE(judged(&count, "1024", "1024 (64 KiB)"));
	EXPECT_TRUE(judged(&count, " 1024 msgs ", "1024 (64 KiB)"));
	EXPECT_FALSE(judged(&count, "1023", "1024 (64 KiB)"));
	EXPECT_FALSE(judged(&count, "lots", "1024 (64 KiB)"));
	EXPECT_FALSE(judged(&count, "", "1024 (64 KiB)"));
	EXPECT_TRUE(judged(&mem, "700", "781 B"));
	EXPECT_FALSE(judged(&mem, "500", "781 B"));
	EXPECT_TRUE(judged(&mem, "20 B", "0 B"));
	EXPECT_FALSE(judged(&mem, "40", "0 B"));
	EXPECT_TRUE(judged(&word, "Blocks", "blocks"));
	EXPECT_FALSE(judged(&word, "drop", "blocks"));
	EXPECT_TRUE(judged(&err, "eagain", "EAGAIN"));
	EXPECT_FALSE(judged(&err, "EINTR", "EAGAIN"));
	EXPECT_TRUE(judged(&peer, "0", "EOF (0); poll HUP"));
	EXPECT_FALSE(judged(&err, "0", "EAGAIN"));
	EXPECT_TRUE(judged(&timed, "etimedout", "ETIMEDOUT after the timeout"));
	EXPECT_FALSE(judged(&timed, "EAGAIN", "ETIMEDOUT after the timeout"));
	EXPECT_TRUE(judged(&timed, "None", "no timed form"));
	EXPECT_FALSE(judged(&timed, "no", "no timed form"));
	EXPECT_FALSE(judged(&timed, "ETIMEDOUT", "no timed form"));

	/* The wrong answer --measured tries is wrong for every kind. */
	ex_bytes("0 B", 1, &m);
	lab_wrong_answer(&mem, &m, &w);
	EXPECT_FALSE(lab_right(&mem, &w, &m));
	EXPECT_TRUE(lab_right(&mem, &m, &m));
	ex_full("blocks", 64, &m);
	lab_wrong_answer(&word, &m, &w);
	EXPECT_FALSE(lab_right(&word, &w, &m));
	EXPECT_TRUE(lab_right(&word, &m, &m));
	ex_timed("no timed form", 64, &m);
	lab_wrong_answer(&timed, &m, &w);
	EXPECT_FALSE(lab_right(&timed, &w, &m));
	EXPECT_TRUE(lab_right(&timed, &m, &m));
}

/* Every exercise has questions, and keys are unique within it. */
TEST(exercise_table)
{
	size_t e, i, j;

	EXPECT_LE(8, lab_nexercises);
	for (e = 0; e < lab_nexercises; e++) {
		EXPECT_LT(0, lab_exercises[e].nq);
		EXPECT_GE(16, lab_exercises[e].nq);
		for (i = 0; i < lab_exercises[e].nq; i++)
			for (j = i + 1; j < lab_exercises[e].nq; j++)
				EXPECT_STRNE(lab_exercises[e].q[i].id, lab_exercises[e].q[j].id);
	}
}

TEST_HARNESS_MAIN
