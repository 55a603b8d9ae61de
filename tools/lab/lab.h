/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipcchan-lab: a guided lab on kernel-side buffering, in the predict,
 * run, explain style. Each exercise asks questions whose answers are
 * cells of the course's property table, as ipcbench --props --json
 * measures it on the running kernel; the lab never measures anything
 * itself, so its answers are right on every kernel ipcbench runs on.
 *
 *   lab.c        the command line: list, show, run, check; answers files
 *   measure.c    running ipcbench (or reading a saved JSON document) and
 *                turning a cell's text into an answer
 *   exercises.c  the eight exercises: questions, claims, explanations
 *   json.c       the JSON reader
 *
 * Documentation/lab.rst is the students' guide, ipcchan-lab(1) the
 * tool's manual.
 */
#ifndef IPCCHAN_LAB_H
#define IPCCHAN_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What one question's answer is, extracted from a cell or given by a student. */
struct lab_value {
	bool ok;		/* there is a value (else @why says why not) */
	bool absent;		/* the mechanism is not in this ipcbench or document */
	bool is_num;
	double num;
	char word[48];		/* lower case, except errno names */
	char why[200];
};

/* Turn a cell of a message size into a value, or say why it cannot. */
typedef void (*lab_extract_fn)(const char *cell, size_t size, struct lab_value *v);

struct lab_question {
	const char *id;		/* unique in its exercise: "pipe-64" */
	const char *mech;	/* ipcbench --props mechanism */
	const char *row;	/* property row key */
	size_t size;		/* message size of the cell: 1, 64 or 4096 */
	lab_extract_fn extract;
	double abs_tol, rel_tol;	/* numbers: right within max(abs, rel x measured) */
	const char *text;	/* the question */
	const char *form;	/* the form of an answer, e.g. "messages", "yes|no" */
};

struct lab;

/*
 * A statement the explanation makes, checked against the measurement:
 * @holds returns 1 (it holds), 0 (it does not: @why says what was seen)
 * or -1 (it cannot be checked here: a claim about this machine's
 * settings, against a saved document).
 */
struct lab_claim {
	const char *text;
	int (*holds)(const struct lab *L, char *why, size_t len);
};

struct lab_exercise {
	const char *name;	/* one word */
	const char *title;
	const char *rows;	/* the property table rows it is about */
	const char *setup;	/* the experiment: what to predict */
	const struct lab_question *q;
	size_t nq;
	const struct lab_claim *claims;
	size_t nclaims;
	const char *extra;	/* mechanisms the claims need beyond the questions' */
	bool costs;		/* needs ipcbench's speed rows (the memory row) */
	const char *explain;	/* the explanation, after the measurement */
	const char *more;	/* what to try next (commands; not checked) */
};

extern const struct lab_exercise lab_exercises[];
extern const size_t lab_nexercises;

/* measure.c */

#define LAB_MAX_DOCS	2

/* The measured documents: one without the speed rows, one with them. */
struct lab {
	struct jval *doc[LAB_MAX_DOCS];
	size_t ndocs;
	const char *ipcbench;	/* the program, or NULL: find it */
	bool verbose;		/* show ipcbench's own output */
	bool live;		/* measured here and now (not a saved document) */
	char *known;		/* ipcbench --props -l, when it was run */
	char cmdline[LAB_MAX_DOCS][1200];	/* what was run, for the student */
};

/* Measure what exercises @sel (bitmap by index) need, with ipcbench. */
int lab_measure(struct lab *L, unsigned long sel);
/* Read a document ipcbench --props --json FILE wrote instead. */
int lab_load(struct lab *L, const char *path);
void lab_free(struct lab *L);

/*
 * The cell of @mech, @row, @size, or NULL with the reason in @why (the
 * mechanism or row was not measured, or this ipcbench has no such row).
 */
const char *lab_cell(const struct lab *L, const char *mech, const char *row, size_t size,
		     char *why, size_t len);
/* The measured answer to @q. */
void lab_measured(const struct lab *L, const struct lab_question *q, struct lab_value *v);
/* A student's answer @text to @q. */
void lab_parse_answer(const struct lab_question *q, const char *text, struct lab_value *v);
/* Is @a right, measured @m? */
bool lab_right(const struct lab_question *q, const struct lab_value *a,
	       const struct lab_value *m);
/* An answer that must be judged wrong, for checking the checker. */
void lab_wrong_answer(const struct lab_question *q, const struct lab_value *m,
		      struct lab_value *w);
/* The value as text: "1024", "EMSGSIZE". */
const char *lab_value_str(const struct lab_value *v, char *buf, size_t len);

/* A measured number of @q-like coordinates for claims; NAN if unavailable. */
double lab_num(const struct lab *L, const char *mech, const char *row, size_t size,
	       lab_extract_fn fn, char *why, size_t len);
/* A measured word; "" with @why if unavailable. */
const char *lab_word(const struct lab *L, const char *mech, const char *row, size_t size,
		     lab_extract_fn fn, char *buf, size_t blen, char *why, size_t len);

/* Extractors: what a cell of each row says, as an answer. */
void ex_count(const char *cell, size_t size, struct lab_value *v);
void ex_read_bytes(const char *cell, size_t size, struct lab_value *v);
void ex_short_read(const char *cell, size_t size, struct lab_value *v);
void ex_yes_no(const char *cell, size_t size, struct lab_value *v);
void ex_nonblock(const char *cell, size_t size, struct lab_value *v);
void ex_full(const char *cell, size_t size, struct lab_value *v);
void ex_timed(const char *cell, size_t size, struct lab_value *v);
void ex_delivered(const char *cell, size_t size, struct lab_value *v);
void ex_bytes(const char *cell, size_t size, struct lab_value *v);
void ex_decimal(const char *cell, size_t size, struct lab_value *v);
void ex_copies(const char *cell, size_t size, struct lab_value *v);
void ex_outlives(const char *cell, size_t size, struct lab_value *v);
void ex_peer(const char *cell, size_t size, struct lab_value *v);
void ex_sigpipe(const char *cell, size_t size, struct lab_value *v);

#endif
