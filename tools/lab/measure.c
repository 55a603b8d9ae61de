// SPDX-License-Identifier: GPL-2.0
/*
 * The lab's measurements are ipcbench's: this file runs
 *
 *	ipcbench --props -m MECHS -s 1,64,4096 [--no-costs] --json - --quiet
 *
 * (the speed rows only where an exercise needs the memory row), or reads
 * a document such a run saved, and reads answers out of its cells. The
 * cell texts are ipcbench's (tools/bench/props.c); an extractor that does
 * not recognise a cell says so, and check --measured then fails, so a
 * change in ipcbench's wording cannot pass unnoticed.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"
#include "lab.h"

#define LAB_SIZES	"1,64,4096"
#define MAX_OUTPUT	(16 << 20)

static void whyf(struct lab_value *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void whyf(struct lab_value *v, const char *fmt, ...)
{
	va_list ap;

	v->ok = false;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
}

/* ipcbench beside our own binary (build/bin, /usr/bin), else from PATH. */
static const char *ipcbench_path(const struct lab *L, char *buf, size_t len)
{
	char self[PATH_MAX - 16];
	ssize_t n;
	char *slash;

	if (L->ipcbench)
		return L->ipcbench;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			snprintf(buf, len, "%s/ipcbench", self);
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return "ipcbench";
}

/*
 * Run @argv, its standard output into *@out (NUL-terminated, malloc'd).
 * Its standard error goes to ours with @show, else nowhere. Returns its
 * exit status, or -1 with errno if it could not run.
 */
static int run_capture(char *const argv[], bool show, char **out)
{
	size_t len = 0, cap = 65536;
	int p[2], status, null;
	char *buf = malloc(cap);
	ssize_t r;
	pid_t pid;

	if (!buf || pipe2(p, O_CLOEXEC) < 0) {
		free(buf);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		if (!show) {
			null = open("/dev/null", O_WRONLY);
			if (null >= 0)
				dup2(null, 2);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "ipcchan-lab: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		free(buf);
		return -1;
	}
	for (;;) {
		if (len + 1 == cap) {
			char *nb = cap < MAX_OUTPUT ? realloc(buf, cap * 2) : NULL;

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		r = read(p[0], buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = 0;
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*out = buf;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Is @name in ipcbench --props -l (first word of a line)? */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, n) && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* Add @m to the comma-framed @list (",a,b,") unless it is in @exclude. */
static void add_mech(char *list, size_t len, const char *m, const char *exclude)
{
	char pat[64];

	snprintf(pat, sizeof(pat), ",%s,", m);
	if (strstr(list, pat) || (exclude && strstr(exclude, pat)))
		return;
	if (!*list)
		snprintf(list, len, ",");
	strncat(list, m, len - strlen(list) - 1);
	strncat(list, ",", len - strlen(list) - 1);
}

/*
 * The mechanisms of the exercises in @sel that need the speed rows
 * (@costs) or not, those this ipcbench knows (@known), less @exclude.
 */
static void mech_list(unsigned long sel, bool costs, const char *known, char *list,
		      size_t len, const char *exclude)
{
	char extra[256], *save = NULL, *w;
	size_t e, i;

	list[0] = 0;
	for (e = 0; e < lab_nexercises; e++) {
		const struct lab_exercise *x = &lab_exercises[e];

		if (!(sel & (1UL << e)) || x->costs != costs)
			continue;
		for (i = 0; i < x->nq; i++)
			if (listed(known, x->q[i].mech))
				add_mech(list, len, x->q[i].mech, exclude);
		snprintf(extra, sizeof(extra), "%s", x->extra ? x->extra : "");
		for (w = strtok_r(extra, ",", &save); w; w = strtok_r(NULL, ",", &save))
			if (listed(known, w))
				add_mech(list, len, w, exclude);
	}
}

static int add_doc(struct lab *L, char *text, const char *what)
{
	char err[160];
	struct jval *d = json_parse(text, err, sizeof(err));

	if (!d) {
		fprintf(stderr, "ipcchan-lab: %s: not JSON: %s\n", what, err);
		return -1;
	}
	if (!json_get(d, "mechanisms") || !json_get(d, "sizes")) {
		fprintf(stderr, "ipcchan-lab: %s: not an ipcbench --props document\n", what);
		json_free(d);
		return -1;
	}
	if (L->ndocs == LAB_MAX_DOCS) {
		json_free(d);
		return -1;
	}
	L->doc[L->ndocs++] = d;
	return 0;
}

static int measure_one(struct lab *L, const char *prog, const char *list, bool costs)
{
	char mlist[1024], *out = NULL;
	char *argv[12];
	int n = 0, rc;

	/* The list starts and ends with a comma. */
	snprintf(mlist, sizeof(mlist), "%.*s", (int)strlen(list) - 2, list + 1);
	argv[n++] = (char *)prog;
	argv[n++] = "--props";
	argv[n++] = "-m";
	argv[n++] = mlist;
	argv[n++] = "-s";
	argv[n++] = LAB_SIZES;
	if (!costs)
		argv[n++] = "--no-costs";
	argv[n++] = "--json";
	argv[n++] = "-";
	argv[n++] = "--quiet";
	argv[n] = NULL;
	snprintf(L->cmdline[L->ndocs], sizeof(L->cmdline[0]), "ipcbench --props -m %s -s %s%s",
		 mlist, LAB_SIZES, costs ? "" : " --no-costs");
	rc = run_capture(argv, L->verbose, &out);
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "ipcchan-lab: running %s: %s\n", prog, strerror(errno));
		else
			fprintf(stderr, "ipcchan-lab: %s failed (exit status %d)%s\n",
				L->cmdline[L->ndocs], rc,
				L->verbose ? "" : "; -v shows its messages");
		free(out);
		return -1;
	}
	rc = add_doc(L, out, "ipcbench --props --json");
	free(out);
	return rc;
}

int lab_measure(struct lab *L, unsigned long sel)
{
	char path[PATH_MAX], plain[1024], costly[1024], *known = NULL;
	const char *prog = ipcbench_path(L, path, sizeof(path));
	char *argv[] = { (char *)prog, "--props", "-l", NULL };
	int rc;

	/* Which mechanisms this ipcbench has: a newer lab may ask for more. */
	rc = run_capture(argv, L->verbose, &known);
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "ipcchan-lab: running %s: %s\n", prog, strerror(errno));
		else
			fprintf(stderr, "ipcchan-lab: %s --props -l failed (exit status %d)%s\n",
				prog, rc, rc == 127 ? ": is ipcbench installed?" : "");
		free(known);
		return -1;
	}
	L->known = known;
	mech_list(sel, true, known, costly, sizeof(costly), NULL);
	mech_list(sel, false, known, plain, sizeof(plain), costly);
	if (*plain && measure_one(L, prog, plain, false) < 0)
		return -1;
	if (*costly && measure_one(L, prog, costly, true) < 0)
		return -1;
	return 0;
}

int lab_load(struct lab *L, const char *path)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	FILE *f = fopen(path, "r");
	size_t r;
	int rc;

	if (!f || !buf) {
		fprintf(stderr, "ipcchan-lab: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		free(buf);
		return -1;
	}
	while ((r = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += r;
		if (len + 1 == cap) {
			char *nb = cap < MAX_OUTPUT ? realloc(buf, cap * 2) : NULL;

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	buf[len] = 0;
	fclose(f);
	rc = add_doc(L, buf, path);
	free(buf);
	if (rc == 0)
		snprintf(L->cmdline[L->ndocs - 1], sizeof(L->cmdline[0]), "%s", path);
	return rc;
}

void lab_free(struct lab *L)
{
	size_t i;

	for (i = 0; i < L->ndocs; i++)
		json_free(L->doc[i]);
	L->ndocs = 0;
	free(L->known);
	L->known = NULL;
}

static const char *doc_cell(const struct jval *d, const char *mech, const char *row,
			    size_t size, char *why, size_t len)
{
	const struct jval *ms = json_get(d, "mechanisms"), *m = NULL, *sizes, *cells, *c;
	size_t i, k;

	for (i = 0; (c = json_at(ms, i)); i++)
		if (json_str(json_get(c, "name")) && !strcmp(json_str(json_get(c, "name")), mech))
			m = c;
	if (!m) {
		snprintf(why, len, "%s was not measured", mech);
		return NULL;
	}
	c = json_get(m, "measured");
	if (!c || c->type != J_BOOL || !c->b) {
		snprintf(why, len, "%s was not measured: %s", mech,
			 json_str(json_get(m, "reason")) ?: "no reason given");
		return NULL;
	}
	sizes = json_get(d, "sizes");
	for (k = 0; (c = json_at(sizes, k)); k++)
		if (c->type == J_NUM && c->num == (double)size)
			break;
	if (!c) {
		snprintf(why, len, "%zu B messages were not measured", size);
		return NULL;
	}
	cells = json_get(m, "cells");
	c = json_get(cells, row);
	if (!c) {
		snprintf(why, len, "no row '%s' in the measurement (an older ipcbench?)", row);
		return NULL;
	}
	if (!json_str(json_at(c, k))) {
		snprintf(why, len, "row '%s' of %s has no %zu B cell", row, mech, size);
		return NULL;
	}
	return json_str(json_at(c, k));
}

/* A run without the speed rows says so in those cells: look further. */
#define SPEED_OFF	"not measured (speed rows off)"

const char *lab_cell(const struct lab *L, const char *mech, const char *row, size_t size,
		     char *why, size_t len)
{
	const char *best = NULL, *c;
	size_t i;

	snprintf(why, len, "nothing was measured");
	for (i = 0; i < L->ndocs; i++) {
		c = doc_cell(L->doc[i], mech, row, size, why, len);
		if (c && strcmp(c, SPEED_OFF))
			return c;
		if (c && !best)
			best = c;
	}
	if (best)
		snprintf(why, len, "%s", best);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Extractors: the cell texts of tools/bench/props.c */

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void set_num(struct lab_value *v, double n)
{
	v->ok = true;
	v->is_num = true;
	v->num = n;
}

static void set_word(struct lab_value *v, const char *w, size_t n)
{
	v->ok = true;
	v->is_num = false;
	snprintf(v->word, sizeof(v->word), "%.*s", (int)n, w);
}

/* An errno name at the start of @s ("EAGAIN; ...", "E2BIG; ..."), its length or 0. */
static size_t errno_at(const char *s)
{
	size_t n = 1;

	if (s[0] != 'E' || !(isupper((unsigned char)s[1]) || isdigit((unsigned char)s[1])))
		return 0;
	while (isupper((unsigned char)s[n]) || isdigit((unsigned char)s[n]))
		n++;
	return n;
}

/* "256 (16 KiB)", "64 msgs (4 KiB)", "1 msg (1 B)": the leading count. */
void ex_count(const char *cell, size_t size, struct lab_value *v)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)*cell)) {
		whyf(v, "no count: \"%s\"", cell);
		return;
	}
	n = strtol(cell, &end, 10);
	if (*end && *end != ' ') {
		whyf(v, "no count: \"%s\"", cell);
		return;
	}
	set_num(v, (double)n);
}

/* Boundaries: what one read of two messages' room returns, in bytes. */
void ex_read_bytes(const char *cell, size_t size, struct lab_value *v)
{
	if (!strcmp(cell, "yes"))
		set_num(v, (double)size);
	else if (!strcmp(cell, "no: one read returns both"))
		set_num(v, 2.0 * (double)size);
	else
		whyf(v, "unknown boundary cell \"%s\"", cell);
}

void ex_short_read(const char *cell, size_t size, struct lab_value *v)
{
	size_t n = errno_at(cell);

	if (starts(cell, "partial: "))
		set_word(v, "partial", 7);
	else if (starts(cell, "truncated to "))
		set_word(v, "truncate", 8);
	else if (n && cell[n] == ';')
		set_word(v, cell, n);
	else
		whyf(v, "unknown short-read cell \"%s\"", cell);
}

void ex_yes_no(const char *cell, size_t size, struct lab_value *v)
{
	if (!strcmp(cell, "yes"))
		set_word(v, "yes", 3);
	else if (starts(cell, "no"))
		set_word(v, "no", 2);
	else
		whyf(v, "neither yes nor no: \"%s\"", cell);
}

/* Non-blocking calls: an errno, or a silent drop, or part of the message. */
void ex_nonblock(const char *cell, size_t size, struct lab_value *v)
{
	size_t n = errno_at(cell);

	if (n && !cell[n])
		set_word(v, cell, n);
	else if (!strcmp(cell, "succeeds; the message is dropped"))
		set_word(v, "drop", 4);
	else if (starts(cell, "partial: "))
		set_word(v, "partial", 7);
	else if (!strcmp(cell, "returns 0"))
		set_word(v, "0", 1);
	else
		whyf(v, "unknown non-blocking cell \"%s\"", cell);
}

/* A blocking send into a full buffer: block, drop or fail. */
void ex_full(const char *cell, size_t size, struct lab_value *v)
{
	if (!strcmp(cell, "blocks"))
		set_word(v, "block", 5);
	else if (!strcmp(cell, "returns at once; the message is dropped"))
		set_word(v, "drop", 4);
	else if (starts(cell, "fails at once: "))
		set_word(v, "fail", 4);
	else
		whyf(v, "unknown full-buffer cell \"%s\"", cell);
}

/*
 * A call with a timeout: "ETIMEDOUT after the timeout", "EAGAIN at once"
 * -> the errno; "no timed form" -> none; "succeeds; the message is
 * dropped" -> drop; "returns 64 B at once" -> succeeds.
 */
void ex_timed(const char *cell, size_t size, struct lab_value *v)
{
	size_t n = errno_at(cell);

	if (n && (!strcmp(cell + n, " after the timeout") || !strcmp(cell + n, " at once")))
		set_word(v, cell, n);
	else if (!strcmp(cell, "no timed form"))
		set_word(v, "none", 4);
	else if (!strcmp(cell, "succeeds; the message is dropped"))
		set_word(v, "drop", 4);
	else if (starts(cell, "returns "))
		set_word(v, "succeeds", 8);
	else
		whyf(v, "unknown timed-call cell \"%s\"", cell);
}

/* Order: "FIFO; D of S dropped when full": S - D arrived. */
void ex_delivered(const char *cell, size_t size, struct lab_value *v)
{
	long d, s;
	int n = 0;

	if (sscanf(cell, "FIFO; %ld of %ld dropped when full%n", &d, &s, &n) == 2 &&
	    !cell[n] && d <= s)
		set_num(v, (double)(s - d));
	else
		whyf(v, "no drops counted: \"%s\"", cell);
}

/* Memory: "781 B". */
void ex_bytes(const char *cell, size_t size, struct lab_value *v)
{
	double b;
	int n = 0;

	if (sscanf(cell, "%lf B%n", &b, &n) == 1 && n && !cell[n])
		set_num(v, b);
	else
		whyf(v, "no byte count: \"%s\"", cell);
}

/* System calls: "2.00", "0.00 (in place: calls only to wait)". */
void ex_decimal(const char *cell, size_t size, struct lab_value *v)
{
	char *end;
	double d;

	if (!isdigit((unsigned char)*cell)) {
		whyf(v, "no number: \"%s\"", cell);
		return;
	}
	d = strtod(cell, &end);
	if (*end && *end != ' ') {
		whyf(v, "no number: \"%s\"", cell);
		return;
	}
	set_num(v, d);
}

/* Copies: "documented, not measured: 2 (...)" or, once measured, "2 ...". */
void ex_copies(const char *cell, size_t size, struct lab_value *v)
{
	const char *p = cell;

	if (starts(p, "documented, not measured: "))
		p += strlen("documented, not measured: ");
	ex_count(p, size, v);
}

void ex_outlives(const char *cell, size_t size, struct lab_value *v)
{
	if (starts(cell, "yes"))
		set_word(v, "yes", 3);
	else if (!strcmp(cell, "no"))
		set_word(v, "no", 2);
	else if (!strcmp(cell, "n/a: anonymous"))
		set_word(v, "anonymous", 9);
	else
		whyf(v, "unknown lifetime cell \"%s\"", cell);
}

/*
 * Peer exit: the survivor's first call. "EOF (0); poll HUP" -> EOF,
 * "EPIPE + SIGPIPE; ..." -> EPIPE, "send succeeds; ..." and "succeeds,
 * then ..." -> succeeds, "nothing: ..." -> nothing.
 */
void ex_peer(const char *cell, size_t size, struct lab_value *v)
{
	size_t n = errno_at(cell);

	if (n && (cell[n] == ';' || cell[n] == ' ' || cell[n] == ','))
		set_word(v, cell, n);
	else if (starts(cell, "EOF (0)"))
		set_word(v, "EOF", 3);
	else if (starts(cell, "send succeeds") || starts(cell, "succeeds"))
		set_word(v, "succeeds", 8);
	else if (starts(cell, "nothing: "))
		set_word(v, "nothing", 7);
	else
		whyf(v, "unknown peer-exit cell \"%s\"", cell);
}

/* Reader exit: did the writer get SIGPIPE? */
void ex_sigpipe(const char *cell, size_t size, struct lab_value *v)
{
	struct lab_value first;

	ex_peer(cell, size, &first);
	if (!first.ok) {
		whyf(v, "unknown peer-exit cell \"%s\"", cell);
		return;
	}
	if (strstr(cell, " + SIGPIPE;"))
		set_word(v, "yes", 3);
	else
		set_word(v, "no", 2);
}

/* ------------------------------------------------------------------ */

static bool numeric(lab_extract_fn fn)
{
	return fn == ex_count || fn == ex_read_bytes || fn == ex_delivered ||
	       fn == ex_bytes || fn == ex_decimal || fn == ex_copies;
}

/*
 * Is @mech one this ipcbench knows (a lab newer than its ipcbench may ask
 * for more), or, for a saved document, one it has?
 */
static bool mech_present(const struct lab *L, const char *mech)
{
	const struct jval *c;
	size_t d, i;

	if (L->known)
		return listed(L->known, mech);
	for (d = 0; d < L->ndocs; d++)
		for (i = 0; (c = json_at(json_get(L->doc[d], "mechanisms"), i)); i++)
			if (json_str(json_get(c, "name")) &&
			    !strcmp(json_str(json_get(c, "name")), mech))
				return true;
	return false;
}

void lab_measured(const struct lab *L, const struct lab_question *q, struct lab_value *v)
{
	const char *cell;

	memset(v, 0, sizeof(*v));
	if (!mech_present(L, q->mech)) {
		v->absent = true;
		whyf(v, "%s has no mechanism '%s'",
		     L->known ? "this ipcbench" : "the document", q->mech);
		return;
	}
	cell = lab_cell(L, q->mech, q->row, q->size, v->why, sizeof(v->why));
	if (!cell)
		return;
	if (starts(cell, "not measured")) {
		whyf(v, "%s", cell);
		return;
	}
	q->extract(cell, q->size, v);
}

static const struct {
	const char *said, *means;
} synonyms[] = {
	{ "blocks", "block" }, { "blocked", "block" }, { "drops", "drop" },
	{ "dropped", "drop" }, { "fails", "fail" }, { "truncated", "truncate" },
	{ "truncates", "truncate" }, { "y", "yes" }, { "n", "no" }, { "true", "yes" },
	{ "false", "no" }, { "n/a", "anonymous" }, { "succeed", "succeeds" },
	{ "eof (0)", "EOF" }, { "0", "EOF" },
};

void lab_parse_answer(const struct lab_question *q, const char *text, struct lab_value *v)
{
	char w[sizeof(v->word)], *end;
	size_t n, i;

	memset(v, 0, sizeof(*v));
	while (isspace((unsigned char)*text))
		text++;
	n = strlen(text);
	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	if (!n || n >= sizeof(w)) {
		whyf(v, "%s", n ? "answer too long" : "no answer");
		return;
	}
	for (i = 0; i < n; i++)
		w[i] = (char)tolower((unsigned char)text[i]);
	w[n] = 0;
	if (numeric(q->extract)) {
		double d = strtod(w, &end);

		while (*end == ' ')
			end++;
		if (end == w || (*end && strcmp(end, "b") && strcmp(end, "msgs") &&
				 strcmp(end, "msg") && strcmp(end, "messages")))
			{
		whyf(v, "not a number: \"%s\"", text);
		return;
	}
		set_num(v, d);
		return;
	}
	/* "0" is end of file only where a peer's exit is asked about. */
	for (i = 0; i < sizeof(synonyms) / sizeof(synonyms[0]); i++)
		if (!strcmp(w, synonyms[i].said) &&
		    (q->extract == ex_peer || strcmp(synonyms[i].means, "EOF")))
			snprintf(w, sizeof(w), "%s", synonyms[i].means);
	set_word(v, w, strlen(w));
}

bool lab_right(const struct lab_question *q, const struct lab_value *a,
	       const struct lab_value *m)
{
	double tol;

	if (!a->ok || !m->ok || a->is_num != m->is_num)
		return false;
	if (!a->is_num)
		return !strcasecmp(a->word, m->word);
	tol = fmax(q->abs_tol, q->rel_tol * fabs(m->num));
	return fabs(a->num - m->num) <= tol + 1e-9;
}

void lab_wrong_answer(const struct lab_question *q, const struct lab_value *m,
		      struct lab_value *w)
{
	*w = *m;
	if (m->is_num)
		w->num = m->num * 2 + q->abs_tol + 10;
	else
		snprintf(w->word, sizeof(w->word), "not-%.40s", m->word);
}

const char *lab_value_str(const struct lab_value *v, char *buf, size_t len)
{
	if (!v->ok)
		snprintf(buf, len, "-");
	else if (!v->is_num)
		snprintf(buf, len, "%s", v->word);
	else if (v->num == floor(v->num))
		snprintf(buf, len, "%.0f", v->num);
	else
		snprintf(buf, len, "%.2f", v->num);
	return buf;
}

double lab_num(const struct lab *L, const char *mech, const char *row, size_t size,
	       lab_extract_fn fn, char *why, size_t len)
{
	struct lab_question q = { .mech = mech, .row = row, .size = size, .extract = fn };
	struct lab_value v;

	lab_measured(L, &q, &v);
	if (!v.ok || !v.is_num) {
		snprintf(why, len, "%s %s %zu B: %s", mech, row, size, v.why);
		return NAN;
	}
	return v.num;
}

const char *lab_word(const struct lab *L, const char *mech, const char *row, size_t size,
		     lab_extract_fn fn, char *buf, size_t blen, char *why, size_t len)
{
	struct lab_question q = { .mech = mech, .row = row, .size = size, .extract = fn };
	struct lab_value v;

	lab_measured(L, &q, &v);
	if (!v.ok || v.is_num) {
		snprintf(why, len, "%s %s %zu B: %s", mech, row, size, v.why);
		buf[0] = 0;
		return buf;
	}
	snprintf(buf, blen, "%s", v.word);
	return buf;
}
