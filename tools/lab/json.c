// SPDX-License-Identifier: GPL-2.0
/*
 * A recursive-descent JSON reader (see json.h). Input comes from a
 * program we run or a file a user names, so every byte is checked:
 * nesting is bounded, strings must be closed, escapes complete and
 * numbers well formed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define JSON_MAX_DEPTH	64

struct jparser {
	const char *p, *start;
	char *err;
	size_t errlen;
	bool failed;
};

static void jfail(struct jparser *jp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void jfail(struct jparser *jp, const char *fmt, ...)
{
	const char *q;
	va_list ap;
	int line = 1, o;

	if (jp->failed)
		return;
	jp->failed = true;
	for (q = jp->start; q < jp->p; q++)
		line += *q == '\n';
	o = snprintf(jp->err, jp->errlen, "line %d: ", line);
	if (o < 0 || (size_t)o >= jp->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(jp->err + o, jp->errlen - o, fmt, ap);
	va_end(ap);
}

static void skip_ws(struct jparser *jp)
{
	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r')
		jp->p++;
}

static struct jval *jnew(struct jparser *jp, enum jtype t)
{
	struct jval *v = calloc(1, sizeof(*v));

	if (!v)
		jfail(jp, "out of memory");
	else
		v->type = t;
	return v;
}

/* Append @c as UTF-8 to @out (room checked by the caller: 4 bytes). */
static size_t put_utf8(char *out, unsigned long c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static int hex4(const char *s, unsigned long *out)
{
	unsigned long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned long)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A \uXXXX escape at jp->p (after the backslash and 'u'), surrogate pairs joined. */
static int parse_u(struct jparser *jp, unsigned long *c)
{
	unsigned long lo;

	if (hex4(jp->p, c) < 0)
		return -1;
	jp->p += 4;
	if (*c >= 0xdc00 && *c <= 0xdfff)
		return -1;
	if (*c < 0xd800 || *c > 0xdbff)
		return 0;
	if (jp->p[0] != '\\' || jp->p[1] != 'u' || hex4(jp->p + 2, &lo) < 0 ||
	    lo < 0xdc00 || lo > 0xdfff)
		return -1;
	jp->p += 6;
	*c = 0x10000 + ((*c - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/* A string at jp->p (its opening quote); its decoded bytes, malloc'd. */
static char *parse_string(struct jparser *jp)
{
	const char *q;
	char *out, *o;
	unsigned long c;

	/* The decoded string is never longer than its source. */
	q = jp->p + 1;
	while (*q && *q != '"')
		q += (*q == '\\' && q[1]) ? 2 : 1;
	if (*q != '"') {
		jfail(jp, "string not closed");
		return NULL;
	}
	out = malloc((size_t)(q - jp->p) + 4);
	if (!out) {
		jfail(jp, "out of memory");
		return NULL;
	}
	o = out;
	for (jp->p++; *jp->p != '"'; ) {
		unsigned char ch = (unsigned char)*jp->p++;

		if (ch < 0x20) {
			jfail(jp, "control character in a string");
			goto bad;
		}
		if (ch != '\\') {
			*o++ = (char)ch;
			continue;
		}
		ch = (unsigned char)*jp->p++;
		switch (ch) {
		case '"': case '\\': case '/': *o++ = (char)ch; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (parse_u(jp, &c) < 0) {
				jfail(jp, "bad \\u escape");
				goto bad;
			}
			o += put_utf8(o, c);
			break;
		default:
			jfail(jp, "bad escape \\%c", ch ? ch : '0');
			goto bad;
		}
	}
	jp->p++;
	*o = 0;
	return out;
bad:
	free(out);
	return NULL;
}

static struct jval *parse_value(struct jparser *jp, int depth);

static int add_member(struct jparser *jp, struct jval *c, char *key, struct jval *v)
{
	struct jval **nv;
	char **nk;

	nv = realloc(c->v, (c->n + 1) * sizeof(*nv));
	if (!nv)
		goto oom;
	c->v = nv;
	if (c->type == J_OBJ) {
		nk = realloc(c->k, (c->n + 1) * sizeof(*nk));
		if (!nk)
			goto oom;
		c->k = nk;
		c->k[c->n] = key;
	}
	c->v[c->n++] = v;
	return 0;
oom:
	jfail(jp, "out of memory");
	return -1;
}

/* An array or object at jp->p ('[' or '{'). */
static struct jval *parse_container(struct jparser *jp, int depth)
{
	bool obj = *jp->p == '{';
	char close = obj ? '}' : ']', *key = NULL;
	struct jval *c = jnew(jp, obj ? J_OBJ : J_ARR), *v;

	if (!c)
		return NULL;
	jp->p++;
	skip_ws(jp);
	if (*jp->p == close) {
		jp->p++;
		return c;
	}
	for (;;) {
		skip_ws(jp);
		if (obj) {
			if (*jp->p != '"') {
				jfail(jp, "object key expected");
				break;
			}
			key = parse_string(jp);
			if (!key)
				break;
			skip_ws(jp);
			if (*jp->p++ != ':') {
				jfail(jp, "':' expected");
				break;
			}
		}
		v = parse_value(jp, depth + 1);
		if (!v || add_member(jp, c, key, v) < 0) {
			json_free(v);
			break;
		}
		key = NULL;
		skip_ws(jp);
		if (*jp->p == ',') {
			jp->p++;
			continue;
		}
		if (*jp->p == close) {
			jp->p++;
			return c;
		}
		jfail(jp, "',' or '%c' expected", close);
		break;
	}
	free(key);
	json_free(c);
	return NULL;
}

/* A number: the JSON grammar checked, then strtod. */
static struct jval *parse_number(struct jparser *jp)
{
	const char *s = jp->p, *q = s;
	struct jval *v;
	char *end;

	if (*q == '-')
		q++;
	if (*q == '0')
		q++;
	else if (*q >= '1' && *q <= '9')
		while (*q >= '0' && *q <= '9')
			q++;
	else
		goto bad;
	if (*q == '.') {
		if (*++q < '0' || *q > '9')
			goto bad;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (*q < '0' || *q > '9')
			goto bad;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	v = jnew(jp, J_NUM);
	if (!v)
		return NULL;
	v->num = strtod(s, &end);
	jp->p = q;
	return v;
bad:
	jfail(jp, "bad number");
	return NULL;
}

static struct jval *parse_word(struct jparser *jp, const char *w, enum jtype t, bool b)
{
	struct jval *v;

	if (strncmp(jp->p, w, strlen(w))) {
		jfail(jp, "unexpected '%c'", *jp->p);
		return NULL;
	}
	jp->p += strlen(w);
	v = jnew(jp, t);
	if (v)
		v->b = b;
	return v;
}

static struct jval *parse_value(struct jparser *jp, int depth)
{
	struct jval *v;

	if (depth > JSON_MAX_DEPTH) {
		jfail(jp, "nested deeper than %d", JSON_MAX_DEPTH);
		return NULL;
	}
	skip_ws(jp);
	switch (*jp->p) {
	case '{':
	case '[':
		return parse_container(jp, depth);
	case '"':
		v = jnew(jp, J_STR);
		if (v && !(v->str = parse_string(jp))) {
			free(v);
			return NULL;
		}
		return v;
	case 't':
		return parse_word(jp, "true", J_BOOL, true);
	case 'f':
		return parse_word(jp, "false", J_BOOL, false);
	case 'n':
		return parse_word(jp, "null", J_NULL, false);
	case 0:
		jfail(jp, "unexpected end of input");
		return NULL;
	}
	return parse_number(jp);
}

struct jval *json_parse(const char *text, char *err, size_t errlen)
{
	struct jparser jp = { .p = text, .start = text, .err = err, .errlen = errlen };
	struct jval *v = parse_value(&jp, 0);

	if (v) {
		skip_ws(&jp);
		if (*jp.p) {
			jfail(&jp, "text after the document");
			json_free(v);
			v = NULL;
		}
	}
	return v;
}

void json_free(struct jval *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		json_free(v->v[i]);
		if (v->k)
			free(v->k[i]);
	}
	free(v->v);
	free(v->k);
	free(v->str);
	free(v);
}

const struct jval *json_get(const struct jval *o, const char *key)
{
	size_t i;

	if (!o || o->type != J_OBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (!strcmp(o->k[i], key))
			return o->v[i];
	return NULL;
}

const struct jval *json_at(const struct jval *a, size_t i)
{
	if (!a || a->type != J_ARR || i >= a->n)
		return NULL;
	return a->v[i];
}

const char *json_str(const struct jval *v)
{
	return v && v->type == J_STR ? v->str : NULL;
}
