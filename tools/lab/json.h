/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader for ipcchan-lab: enough of RFC 8259 to read what
 * ipcbench --props --json writes (and any other valid document), into a
 * tree. Writing JSON is tools/ipcchan/output.c's job.
 */
#ifndef IPCCHAN_LAB_JSON_H
#define IPCCHAN_LAB_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	bool b;			/* J_BOOL */
	double num;		/* J_NUM */
	char *str;		/* J_STR: UTF-8, NUL-terminated (an embedded \u0000 ends it) */
	size_t n;		/* J_ARR, J_OBJ: members */
	struct jval **v;	/* their values */
	char **k;		/* J_OBJ: their keys */
};

/*
 * Parse @text (NUL-terminated). Returns the tree, or NULL with a message
 * ("line L: what") in @err: a syntax error, nesting deeper than 64, or
 * no memory. Only whitespace may follow the value.
 */
struct jval *json_parse(const char *text, char *err, size_t errlen);
void json_free(struct jval *v);

/* The member @key of object @o; NULL if @o is not an object or has none. */
const struct jval *json_get(const struct jval *o, const char *key);
/* Element @i of array @a; NULL if @a is not an array or is shorter. */
const struct jval *json_at(const struct jval *a, size_t i);
/* The string of @v, or NULL if @v is not a string. */
const char *json_str(const struct jval *v);

#endif
