// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan-lab's pure logic under ASan + UBSan: the JSON reader on good
 * and bad input, the cell extractors on ipcbench's wording, and the
 * comparison of answers (a wrong answer is wrong, tolerances hold).
 */
#include <math.h>

#include "test.h"
#include "json.h"
#include "lab.h"

static struct jval *parse(const char *text)
{
	char err[160];

	return json_parse(text, err, sizeof(err));
}

HOST_TEST(json_values)
{
	struct jval *v = parse(" {\"a\": [1, -2.5e1, true, null, \"x\\u00e9\\ud83d\\ude00\\n\"],"
			       " \"b\": {}} ");
	const struct jval *a = json_get(v, "a");

	CHECK(v && v->type == J_OBJ && v->n == 2);
	CHECK(a && a->n == 5);
	CHECK(json_at(a, 0)->num == 1 && json_at(a, 1)->num == -25);
	CHECK(json_at(a, 2)->type == J_BOOL && json_at(a, 2)->b);
	CHECK(json_at(a, 3)->type == J_NULL);
	CHECK_STR(json_str(json_at(a, 4)), "x\xc3\xa9\xf0\x9f\x98\x80\n");
	CHECK(json_get(v, "b") && json_get(v, "b")->n == 0);
	CHECK(!json_get(v, "c") && !json_at(a, 5) && !json_str(json_at(a, 0)));
	json_free(v);
}

HOST_TEST(json_rejects)
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

		if (v)
			printf("#   accepted: %s\n", bad[i]);
		CHECK(!v);
		json_free(v);
	}
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = 0;
	CHECK(!parse(deep));
}

static struct lab_value ex(lab_extract_fn fn, const char *cell, size_t size)
{
	struct lab_value v;

	memset(&v, 0, sizeof(v));
	fn(cell, size, &v);
	return v;
}

HOST_TEST(extractors)
{
	struct lab_value v;

	v = ex(ex_count, "256 (16 KiB)", 64);
	CHECK(v.ok && v.is_num && v.num == 256);
	v = ex(ex_count, "1 msg (4 KiB)", 4096);
	CHECK(v.ok && v.num == 1);
	CHECK(!ex(ex_count, "> 16384 (16 KiB): no limit reached", 1).ok);
	CHECK(!ex(ex_count, "once empty", 1).ok);
	CHECK(ex(ex_read_bytes, "no: one read returns both", 64).num == 128);
	CHECK(ex(ex_read_bytes, "yes", 64).num == 64);
	CHECK_STR(ex(ex_short_read, "E2BIG; message kept", 64).word, "E2BIG");
	CHECK_STR(ex(ex_short_read, "truncated to 32 B, the rest discarded", 64).word, "truncate");
	CHECK_STR(ex(ex_short_read, "partial: 32 B, the rest stays", 64).word, "partial");
	CHECK_STR(ex(ex_nonblock, "succeeds; the message is dropped", 64).word, "drop");
	CHECK_STR(ex(ex_nonblock, "ENOMSG", 64).word, "ENOMSG");
	CHECK_STR(ex(ex_full, "fails at once: EAGAIN", 1).word, "fail");
	CHECK_STR(ex(ex_timed, "ETIMEDOUT after the timeout", 64).word, "ETIMEDOUT");
	CHECK_STR(ex(ex_timed, "EAGAIN at once", 64).word, "EAGAIN");
	CHECK_STR(ex(ex_timed, "no timed form", 64).word, "none");
	CHECK_STR(ex(ex_timed, "succeeds; the message is dropped", 64).word, "drop");
	CHECK_STR(ex(ex_timed, "returns 64 B at once", 64).word, "succeeds");
	CHECK(!ex(ex_timed, "ETIMEDOUT", 64).ok);
	CHECK(!ex(ex_timed, "EAGAIN after a while", 64).ok);
	CHECK(!ex(ex_timed, "blocks", 64).ok);
	CHECK(!ex(ex_full, "no answer in 10 s (state R)", 64).ok);
	CHECK(ex(ex_delivered, "FIFO; 127 of 128 dropped when full", 1).num == 1);
	CHECK(!ex(ex_delivered, "FIFO", 1).ok);
	CHECK(ex(ex_bytes, "781 B", 1).num == 781);
	CHECK(!ex(ex_bytes, "781", 1).ok);
	CHECK(ex(ex_decimal, "0.00 (in place: calls only to wait)", 64).num == 0);
	CHECK(ex(ex_copies, "documented, not measured: 2 (user -> skb -> user)", 64).num == 2);
	CHECK_STR(ex(ex_outlives, "n/a: anonymous", 64).word, "anonymous");
	CHECK_STR(ex(ex_peer, "EOF (0); poll HUP", 64).word, "EOF");
	CHECK_STR(ex(ex_peer, "ECONNREFUSED, then ENOTCONN; poll OUT", 64).word, "ECONNREFUSED");
	CHECK_STR(ex(ex_peer, "succeeds, then EPIPE + SIGPIPE; poll IN|OUT|HUP", 64).word,
		  "succeeds");
	CHECK_STR(ex(ex_sigpipe, "EPIPE + SIGPIPE; poll OUT|ERR", 64).word, "yes");
	CHECK_STR(ex(ex_sigpipe, "EPIPE; poll ERR", 64).word, "no");
}

static bool judged(const struct lab_question *q, const char *answer, const char *cell)
{
	struct lab_value a, m;

	memset(&m, 0, sizeof(m));
	q->extract(cell, q->size, &m);
	lab_parse_answer(q, answer, &a);
	return lab_right(q, &a, &m);
}

HOST_TEST(answers)
{
	struct lab_question count = { "x", "pipe", "capacity", 64, ex_count, 0, 0, "", "" };
	struct lab_question mem = { "x", "pipe", "memory", 1, ex_bytes, 32, 0.25, "", "" };
	struct lab_question word = { "x", "pipe", "full", 64, ex_full, 0, 0, "", "" };
	struct lab_question err = { "x", "pipe", "nb-full", 64, ex_nonblock, 0, 0, "", "" };
	struct lab_question peer = { "x", "pipe", "writer-exit", 64, ex_peer, 0, 0, "", "" };
	struct lab_question timed = { "x", "pipe", "timed-empty", 64, ex_timed, 0, 0, "", "" };
	struct lab_value m, w;

	CHECK(judged(&count, "1024", "1024 (64 KiB)"));
	CHECK(judged(&count, " 1024 msgs ", "1024 (64 KiB)"));
	CHECK(!judged(&count, "1023", "1024 (64 KiB)"));
	CHECK(!judged(&count, "lots", "1024 (64 KiB)"));
	CHECK(!judged(&count, "", "1024 (64 KiB)"));
	CHECK(judged(&mem, "700", "781 B") && !judged(&mem, "500", "781 B"));
	CHECK(judged(&mem, "20 B", "0 B") && !judged(&mem, "40", "0 B"));
	CHECK(judged(&word, "Blocks", "blocks") && !judged(&word, "drop", "blocks"));
	CHECK(judged(&err, "eagain", "EAGAIN") && !judged(&err, "EINTR", "EAGAIN"));
	CHECK(judged(&peer, "0", "EOF (0); poll HUP") && !judged(&err, "0", "EAGAIN"));
	CHECK(judged(&timed, "etimedout", "ETIMEDOUT after the timeout"));
	CHECK(!judged(&timed, "EAGAIN", "ETIMEDOUT after the timeout"));
	CHECK(judged(&timed, "None", "no timed form") && !judged(&timed, "no", "no timed form"));
	CHECK(!judged(&timed, "ETIMEDOUT", "no timed form"));

	/* The wrong answer --measured tries is wrong for every kind. */
	ex_bytes("0 B", 1, &m);
	lab_wrong_answer(&mem, &m, &w);
	CHECK(!lab_right(&mem, &w, &m) && lab_right(&mem, &m, &m));
	ex_full("blocks", 64, &m);
	lab_wrong_answer(&word, &m, &w);
	CHECK(!lab_right(&word, &w, &m) && lab_right(&word, &m, &m));
	ex_timed("no timed form", 64, &m);
	lab_wrong_answer(&timed, &m, &w);
	CHECK(!lab_right(&timed, &w, &m) && lab_right(&timed, &m, &m));
}

/* Every exercise has questions, and keys are unique within it. */
HOST_TEST(exercise_table)
{
	size_t e, i, j;

	CHECK(lab_nexercises >= 8);
	for (e = 0; e < lab_nexercises; e++) {
		CHECK(lab_exercises[e].nq > 0 && lab_exercises[e].nq <= 16);
		for (i = 0; i < lab_exercises[e].nq; i++)
			for (j = i + 1; j < lab_exercises[e].nq; j++)
				CHECK(strcmp(lab_exercises[e].q[i].id, lab_exercises[e].q[j].id));
	}
}
