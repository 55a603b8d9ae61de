// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan-lab: the guided lab's runner (see lab.h, ipcchan-lab(1) and
 * Documentation/lab.rst).
 *
 *	ipcchan-lab [OPTIONS] list
 *	ipcchan-lab [OPTIONS] show  N|NAME|all
 *	ipcchan-lab [OPTIONS] run   N|NAME|all
 *	ipcchan-lab [OPTIONS] check N|NAME|all [-a FILE] [-A KEY=VALUE]... | --measured
 *
 * list, show and --help never run ipcbench nor open /dev/ipcchan.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lab.h"
#include "output.h"

#ifndef IPCCHAN_VERSION
#define IPCCHAN_VERSION "unknown"
#endif

#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define MAX_Q		16

static const char usage_text[] =
"Usage: ipcchan-lab [OPTIONS] COMMAND [N|NAME|all]\n"
"A guided lab on kernel-side buffering: predict, run, explain. Each answer\n"
"is a cell of the property table that ipcbench --props measures on the\n"
"running kernel.\n"
"\n"
"Commands:\n"
"  list             the exercises and the property rows they are about\n"
"  show N           exercise N's questions, as an answers file to fill in\n"
"  run N            the questions, the measurement and the explanation\n"
"  check N          your answers against the measurement\n"
"  help             this help\n"
"N is an exercise's number or name, or all.\n"
"\n"
"Options:\n"
"  -a, --answers FILE     check: answers, \"N.KEY = VALUE\" lines ('-': stdin)\n"
"  -A, --answer KEY=VALUE check: one answer (KEY or N.KEY); repeatable\n"
"  -m, --measured         check: answer with the measured values themselves,\n"
"                         and check the explanations' claims (also --self)\n"
"  -p, --props FILE       run, check: read what ipcbench --props --json FILE\n"
"                         saved instead of measuring\n"
"  -b, --ipcbench PROG    the ipcbench to run (default: beside ipcchan-lab,\n"
"                         else from PATH)\n"
"  -v, --verbose          show ipcbench's own messages\n"
"  -j, --json             print JSON\n"
"  -h, --help             print this help\n"
"  -V, --version          print the version\n"
"Exit status: 0 success (check: every answer right), 1 a wrong or missing\n"
"answer, a claim that does not hold or a failed measurement, 2 bad usage.\n";

struct opts {
	const char *answers_file, *props_file;
	const char *answer[64];
	int nanswer;
	bool measured, json;
	unsigned long sel;
};

/* The answers, by exercise and question; NULL: none given. */
static char *answers[sizeof(unsigned long) * 8][MAX_Q];

static int usage_error(const char *fmt, const char *arg)
{
	if (fmt) {
		fprintf(stderr, "ipcchan-lab: ");
		fprintf(stderr, fmt, arg);
		fputc('\n', stderr);
	}
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* "3", "capacity" or "all" into a bitmap of exercises; 0 if neither. */
static unsigned long select_arg(const char *s)
{
	char *end;
	unsigned long n;
	size_t i;

	if (!strcmp(s, "all"))
		return (1UL << lab_nexercises) - 1;
	n = strtoul(s, &end, 10);
	if (!*end && end != s && n >= 1 && n <= lab_nexercises)
		return 1UL << (n - 1);
	for (i = 0; i < lab_nexercises; i++)
		if (!strcmp(s, lab_exercises[i].name))
			return 1UL << i;
	return 0;
}

/* "N.KEY" (or "KEY" when exactly one exercise is selected) to a question. */
static int find_key(const char *key, size_t klen, unsigned long sel, size_t *e, size_t *q)
{
	const char *dot = memchr(key, '.', klen);
	char num[16];
	unsigned long one;
	size_t i;

	if (dot) {
		snprintf(num, sizeof(num), "%.*s", (int)(dot - key), key);
		one = select_arg(num);
		if (!one || !strcmp(num, "all"))
			return -1;
		klen -= (size_t)(dot + 1 - key);
		key = dot + 1;
	} else if (sel && !(sel & (sel - 1))) {
		one = sel;
	} else {
		return -1;
	}
	*e = (size_t)__builtin_ctzl(one);
	for (i = 0; i < lab_exercises[*e].nq; i++)
		if (strlen(lab_exercises[*e].q[i].id) == klen &&
		    !strncmp(lab_exercises[*e].q[i].id, key, klen)) {
			*q = i;
			return 0;
		}
	return -1;
}

/* Record "KEY = VALUE" (or KEY=VALUE); @where names it in messages. */
static int set_answer(const char *line, unsigned long sel, bool dup_ok, const char *where)
{
	const char *eq = strchr(line, '='), *k = line, *v;
	size_t klen, e, q;

	if (!eq) {
		fprintf(stderr, "ipcchan-lab: %s: not KEY = VALUE: %s\n", where, line);
		return -1;
	}
	while (isspace((unsigned char)*k))
		k++;
	klen = (size_t)(eq - k);
	while (klen && isspace((unsigned char)k[klen - 1]))
		klen--;
	if (find_key(k, klen, sel, &e, &q) < 0) {
		fprintf(stderr, "ipcchan-lab: %s: no question '%.*s' (`ipcchan-lab show all' "
			"lists them, as N.KEY)\n", where, (int)klen, k);
		return -1;
	}
	for (v = eq + 1; isspace((unsigned char)*v); v++)
		;
	if (!*v)		/* a blank in show's template: unanswered */
		return 0;
	if (answers[e][q] && !dup_ok) {
		fprintf(stderr, "ipcchan-lab: %s: %zu.%s answered twice\n", where, e + 1,
			lab_exercises[e].q[q].id);
		return -1;
	}
	free(answers[e][q]);
	answers[e][q] = strdup(v);
	return answers[e][q] ? 0 : -1;
}

static int read_answers(const char *path, unsigned long sel)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[512], where[300], *p;
	int n = 0, ret = 0;

	if (!f) {
		fprintf(stderr, "ipcchan-lab: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (ret == 0 && fgets(line, sizeof(line), f)) {
		n++;
		line[strcspn(line, "\r\n")] = 0;
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (!*p || *p == '#')
			continue;
		snprintf(where, sizeof(where), "%s:%d", path, n);
		ret = set_answer(p, sel, false, where);
	}
	if (f != stdin)
		fclose(f);
	return ret;
}

static void free_answers(void)
{
	size_t e, q;

	for (e = 0; e < lab_nexercises; e++)
		for (q = 0; q < MAX_Q; q++) {
			free(answers[e][q]);
			answers[e][q] = NULL;
		}
}

/* ------------------------------------------------------------------ */

static void print_indented(const char *text, const char *indent)
{
	const char *p = text, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		printf("%s%.*s\n", indent, nl ? (int)(nl - p) : (int)strlen(p), p);
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void exercise_head(size_t e)
{
	const struct lab_exercise *x = &lab_exercises[e];

	print_uint(PRINT_JSON, "number", NULL, (unsigned int)(e + 1));
	print_string(PRINT_JSON, "name", NULL, x->name);
	print_string(PRINT_JSON, "title", NULL, x->title);
	print_string(PRINT_JSON, "rows", NULL, x->rows);
}

static int cmd_list(void)
{
	size_t e;

	open_json_array(NULL);
	for (e = 0; e < lab_nexercises; e++) {
		const struct lab_exercise *x = &lab_exercises[e];
		size_t i;

		open_json_object(NULL);
		exercise_head(e);
		print_text("%zu  %-11s %-40s rows: %s\n", e + 1, x->name, x->title, x->rows);
		open_json_array("questions");
		for (i = 0; i < x->nq; i++) {
			char key[64];

			snprintf(key, sizeof(key), "%zu.%s", e + 1, x->q[i].id);
			print_string(PRINT_JSON, NULL, NULL, key);
		}
		close_json_array();
		close_json_object();
	}
	close_json_array();
	return EXIT_OK;
}

static void question_json(size_t e, const struct lab_question *q)
{
	char key[64];

	snprintf(key, sizeof(key), "%zu.%s", e + 1, q->id);
	print_string(PRINT_JSON, "key", NULL, key);
	print_string(PRINT_JSON, "question", NULL, q->text);
	print_string(PRINT_JSON, "form", NULL, q->form);
	print_string(PRINT_JSON, "mechanism", NULL, q->mech);
	print_string(PRINT_JSON, "row", NULL, q->row);
	print_uint(PRINT_JSON, "size", NULL, (unsigned int)q->size);
}

/* show: the questions, as a template of the answers file. */
static int cmd_show(unsigned long sel)
{
	size_t e, i;

	open_json_array(NULL);
	for (e = 0; e < lab_nexercises; e++) {
		const struct lab_exercise *x = &lab_exercises[e];

		if (!(sel & (1UL << e)))
			continue;
		open_json_object(NULL);
		exercise_head(e);
		print_string(PRINT_JSON, "setup", NULL, x->setup);
		print_text("# Exercise %zu: %s (property rows: %s)\n#\n", e + 1, x->title, x->rows);
		if (!out_is_json())
			print_indented(x->setup, "# ");
		open_json_array("questions");
		for (i = 0; i < x->nq; i++) {
			open_json_object(NULL);
			question_json(e, &x->q[i]);
			close_json_object();
			print_text("\n# %s (%s)\n%zu.%s =\n", x->q[i].text, x->q[i].form, e + 1,
				   x->q[i].id);
		}
		close_json_array();
		close_json_object();
		print_text("\n");
	}
	close_json_array();
	return EXIT_OK;
}

/* ------------------------------------------------------------------ */

struct tally {
	int pass, fail, skip;
};

static const char *claim_result(int r)
{
	return r > 0 ? "holds" : r == 0 ? "fails" : "skipped";
}

/* The claims of exercise @e; counts into @t. */
static void claims_out(const struct lab *L, size_t e, struct tally *t, bool tap)
{
	const struct lab_exercise *x = &lab_exercises[e];
	char why[256];
	size_t i;
	int r;

	open_json_array("claims");
	for (i = 0; i < x->nclaims; i++) {
		why[0] = 0;
		r = x->claims[i].holds(L, why, sizeof(why));
		if (r > 0)
			t->pass++;
		else if (r == 0)
			t->fail++;
		else
			t->skip++;
		open_json_object(NULL);
		print_string(PRINT_JSON, "claim", NULL, x->claims[i].text);
		print_string(PRINT_JSON, "result", NULL, claim_result(r));
		if (why[0])
			print_string(PRINT_JSON, "why", NULL, why);
		close_json_object();
		if (tap)
			print_text("%s - %zu: claim: %s%s%s\n", r ? "ok" : "not ok", e + 1,
				   x->claims[i].text, r < 0 ? " # SKIP " : why[0] ? ": " : "",
				   why);
		else
			print_text("  %-8s %s%s%s\n", claim_result(r), x->claims[i].text,
				   why[0] ? ": " : "", why);
	}
	close_json_array();
}

static void measured_json(const struct lab *L, const struct lab_question *q,
			  const struct lab_value *m)
{
	char buf[64], why[200];
	const char *cell = lab_cell(L, q->mech, q->row, q->size, why, sizeof(why));

	if (cell)
		print_string(PRINT_JSON, "cell", NULL, cell);
	else
		print_null(PRINT_JSON, "cell", NULL, NULL);
	if (m->ok)
		print_string(PRINT_JSON, "measured", NULL, lab_value_str(m, buf, sizeof(buf)));
	else
		print_null(PRINT_JSON, "measured", NULL, NULL);
	if (!m->ok)
		print_string(PRINT_JSON, "why", NULL, m->why);
}

static void measurement_head(const struct lab *L)
{
	const char *k = json_str(json_get(L->doc[0], "kernel"));
	size_t i;

	print_string(PRINT_ANY, "kernel", "Measured on %s", k ? k : "an unknown kernel");
	open_json_array("measured-with");
	for (i = 0; i < L->ndocs; i++)
		print_string(PRINT_ANY, NULL, i ? "\n  and: %s" : ", with:\n  %s", L->cmdline[i]);
	close_json_array();
	print_text("\n\n");
}

static int cmd_run(const struct lab *L, unsigned long sel)
{
	struct tally t = { 0 };
	struct lab_value m;
	char buf[64], key[64];
	size_t e, i;

	open_json_object(NULL);
	measurement_head(L);
	open_json_array("exercises");
	for (e = 0; e < lab_nexercises; e++) {
		const struct lab_exercise *x = &lab_exercises[e];

		if (!(sel & (1UL << e)))
			continue;
		open_json_object(NULL);
		exercise_head(e);
		print_text("Exercise %zu: %s (property rows: %s)\n\n", e + 1, x->title, x->rows);
		print_string(PRINT_JSON, "setup", NULL, x->setup);
		if (!out_is_json()) {
			print_indented(x->setup, "  ");
			printf("\nPredict, then see what this kernel does:\n");
		}
		open_json_array("questions");
		for (i = 0; i < x->nq; i++) {
			const struct lab_question *q = &x->q[i];

			lab_measured(L, q, &m);
			snprintf(key, sizeof(key), "%zu.%s", e + 1, q->id);
			open_json_object(NULL);
			question_json(e, q);
			measured_json(L, q, &m);
			close_json_object();
			print_text("  %s\n      %-22s = %-8s   (%s)\n", q->text, key,
				   lab_value_str(&m, buf, sizeof(buf)), m.ok ? q->form : m.why);
		}
		close_json_array();
		print_string(PRINT_JSON, "explanation", NULL, x->explain);
		if (!out_is_json()) {
			printf("\nWhy:\n");
			print_indented(x->explain, "  ");
			printf("\nThe explanation's claims, on this measurement:\n");
		}
		claims_out(L, e, &t, false);
		print_string(PRINT_JSON, "more", NULL, x->more);
		if (!out_is_json()) {
			printf("\nTry next (in the VM: make shell):\n");
			print_indented(x->more, "  ");
			printf("\n");
		}
		close_json_object();
	}
	close_json_array();
	close_json_object();
	return t.fail ? EXIT_FAIL : EXIT_OK;
}

/* ------------------------------------------------------------------ */

static const char *q_result(bool ok, bool answered, bool absent)
{
	if (absent)
		return "not-measured";
	if (!answered)
		return "unanswered";
	return ok ? "right" : "wrong";
}

/*
 * check --measured: each question answered with its own measured value
 * must be right, and a wrong answer must be judged wrong; then the
 * claims. TAP-like lines, one per question and claim.
 */
static void check_measured(const struct lab *L, size_t e, struct tally *t)
{
	const struct lab_exercise *x = &lab_exercises[e];
	struct lab_value m, w;
	char buf[64], key[64];
	size_t i;
	bool ok;

	open_json_array("questions");
	for (i = 0; i < x->nq; i++) {
		const struct lab_question *q = &x->q[i];

		lab_measured(L, q, &m);
		snprintf(key, sizeof(key), "%zu.%s", e + 1, q->id);
		open_json_object(NULL);
		question_json(e, q);
		measured_json(L, q, &m);
		if (m.absent) {
			t->skip++;
			print_string(PRINT_JSON, "result", NULL, "not-measured");
			print_text("ok - %s # SKIP %s\n", key, m.why);
			close_json_object();
			continue;
		}
		lab_wrong_answer(q, &m, &w);
		ok = m.ok && lab_right(q, &m, &m) && !lab_right(q, &w, &m);
		if (ok)
			t->pass++;
		else
			t->fail++;
		print_string(PRINT_JSON, "result", NULL, ok ? "right" : "wrong");
		close_json_object();
		if (!m.ok)
			print_text("not ok - %s: %s\n", key, m.why);
		else if (!ok)
			print_text("not ok - %s = %s: a wrong answer is judged right\n", key,
				   lab_value_str(&m, buf, sizeof(buf)));
		else
			print_text("ok - %s = %s\n", key, lab_value_str(&m, buf, sizeof(buf)));
	}
	close_json_array();
	claims_out(L, e, t, true);
}

/* check: the student's answers. */
static void check_answers(const struct lab *L, size_t e, struct tally *t)
{
	const struct lab_exercise *x = &lab_exercises[e];
	int right = 0, wrong = 0, none = 0;
	struct lab_value m, a;
	char mb[64], key[64];
	const char *res;
	size_t i;
	bool ok;

	print_text("Exercise %zu: %s\n", e + 1, x->title);
	open_json_array("questions");
	for (i = 0; i < x->nq; i++) {
		const struct lab_question *q = &x->q[i];

		lab_measured(L, q, &m);
		snprintf(key, sizeof(key), "%zu.%s", e + 1, q->id);
		if (answers[e][i])
			lab_parse_answer(q, answers[e][i], &a);
		ok = answers[e][i] && lab_right(q, &a, &m);
		res = q_result(ok, answers[e][i], m.absent);
		if (m.absent)
			t->skip++;
		else if (ok)
			right++;
		else if (!answers[e][i])
			none++;
		else
			wrong++;
		open_json_object(NULL);
		question_json(e, q);
		if (answers[e][i])
			print_string(PRINT_JSON, "answer", NULL, answers[e][i]);
		else
			print_null(PRINT_JSON, "answer", NULL, NULL);
		measured_json(L, q, &m);
		print_string(PRINT_JSON, "result", NULL, res);
		close_json_object();
		if (!m.ok)
			print_text("  %-12s %-22s %s\n", res, key, m.why);
		else
			print_text("  %-12s %-22s %-10s (measured: %s)\n", res, key,
				   answers[e][i] ? answers[e][i] : "-",
				   lab_value_str(&m, mb, sizeof(mb)));
		if (answers[e][i] && !a.ok && !m.absent)
			print_text("  %-12s %-22s %s\n", "", "", a.why);
	}
	close_json_array();
	print_text("exercise %zu: %d right, %d wrong, %d unanswered\n\n", e + 1, right, wrong,
		   none);
	t->pass += right;
	t->fail += wrong + none;
}

static int cmd_check(const struct lab *L, const struct opts *o)
{
	struct tally t = { 0 };
	size_t e;

	open_json_object(NULL);
	measurement_head(L);
	print_bool(PRINT_JSON, "self-check", NULL, o->measured);
	open_json_array("exercises");
	for (e = 0; e < lab_nexercises; e++) {
		if (!(o->sel & (1UL << e)))
			continue;
		open_json_object(NULL);
		exercise_head(e);
		if (o->measured)
			check_measured(L, e, &t);
		else
			check_answers(L, e, &t);
		close_json_object();
	}
	close_json_array();
	print_int(PRINT_JSON, "passed", NULL, t.pass);
	print_int(PRINT_JSON, "failed", NULL, t.fail);
	print_int(PRINT_JSON, "skipped", NULL, t.skip);
	close_json_object();
	/* The plain closing line, on stderr when stdout carries JSON. */
	fprintf(out_is_json() ? stderr : stdout, "%d passed, %d failed%s", t.pass, t.fail,
		t.skip ? "" : "\n");
	if (t.skip)
		fprintf(out_is_json() ? stderr : stdout, ", %d skipped\n", t.skip);
	return t.fail ? EXIT_FAIL : EXIT_OK;
}

/* ------------------------------------------------------------------ */

static int parse_opts(int argc, char *argv[], struct opts *o, struct lab *L, int *done)
{
	static const struct option lo[] = {
		{ "answers", required_argument, NULL, 'a' },
		{ "answer", required_argument, NULL, 'A' },
		{ "measured", no_argument, NULL, 'm' },
		{ "self", no_argument, NULL, 'm' },
		{ "props", required_argument, NULL, 'p' },
		{ "ipcbench", required_argument, NULL, 'b' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	bool help = false, version = false;
	int c;

	*done = -1;
	while ((c = getopt_long(argc, argv, "a:A:mp:b:vjhV", lo, NULL)) != -1) {
		switch (c) {
		case 'a': o->answers_file = optarg; break;
		case 'A':
			if (o->nanswer == (int)(sizeof(o->answer) / sizeof(o->answer[0]))) {
				*done = usage_error("too many --answer options", NULL);
				return -1;
			}
			o->answer[o->nanswer++] = optarg;
			break;
		case 'm': o->measured = true; break;
		case 'p': o->props_file = optarg; break;
		case 'b': L->ipcbench = optarg; break;
		case 'v': L->verbose = true; break;
		case 'j': o->json = true; break;
		case 'h': help = true; break;
		case 'V': version = true; break;
		default:
			*done = usage_error(NULL, NULL);
			return -1;
		}
	}
	if (help || (optind < argc && !strcmp(argv[optind], "help"))) {
		fputs(usage_text, stdout);
		*done = EXIT_OK;
		return -1;
	}
	if (version) {
		printf("ipcchan-lab %s\n", IPCCHAN_VERSION);
		*done = EXIT_OK;
		return -1;
	}
	return 0;
}

/* The command's own checks of what the options ask for. */
static int validate(const char *cmd, int nargs, const struct opts *o)
{
	bool check = !strcmp(cmd, "check"), run = !strcmp(cmd, "run");

	if (strcmp(cmd, "list") && !check && !run && strcmp(cmd, "show"))
		return usage_error("unknown command '%s'", cmd);
	if (!strcmp(cmd, "list") ? nargs != 0 : nargs != 1)
		return usage_error(nargs ? "%s: one exercise (N, NAME or all) is expected"
				   : "%s: which exercise? (N, NAME or all)", cmd);
	if (!check && (o->answers_file || o->nanswer || o->measured))
		return usage_error("%s: --answers, --answer and --measured are for check", cmd);
	if (!check && !run && o->props_file)
		return usage_error("%s: --props is for run and check", cmd);
	if (o->measured && (o->answers_file || o->nanswer))
		return usage_error("check: --measured answers by itself; no --answers/--answer",
				   NULL);
	return -1;
}

int main(int argc, char *argv[])
{
	struct opts o = { 0 };
	struct lab L = { 0 };
	const char *cmd;
	int done, i, ret;

	if (parse_opts(argc, argv, &o, &L, &done) < 0)
		return done;
	if (optind >= argc)
		return usage_error("a command is needed", NULL);
	cmd = argv[optind];
	ret = validate(cmd, argc - optind - 1, &o);
	if (ret >= 0)
		return ret;
	if (strcmp(cmd, "list")) {
		o.sel = select_arg(argv[optind + 1]);
		if (!o.sel)
			return usage_error("no exercise '%s' (see ipcchan-lab list)",
					   argv[optind + 1]);
	}
	out_init(stdout, o.json);
	if (!strcmp(cmd, "list"))
		return cmd_list();
	if (!strcmp(cmd, "show"))
		return cmd_show(o.sel);

	/* Answers first: a typo is a usage error before any measurement. */
	if (o.answers_file && read_answers(o.answers_file, o.sel) < 0) {
		free_answers();
		return EXIT_USAGE;
	}
	for (i = 0; i < o.nanswer; i++)
		if (set_answer(o.answer[i], o.sel, true, "--answer") < 0) {
			free_answers();
			return EXIT_USAGE;
		}

	if (o.props_file)
		ret = lab_load(&L, o.props_file);
	else {
		L.live = true;
		ret = lab_measure(&L, o.sel);
	}
	if (ret == 0)
		ret = !strcmp(cmd, "run") ? cmd_run(&L, o.sel) : cmd_check(&L, &o);
	else
		ret = EXIT_FAIL;
	lab_free(&L);
	free_answers();
	return ret;
}
