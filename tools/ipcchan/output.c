// SPDX-License-Identifier: GPL-2.0
/*
 * The text/JSON writer of output.h. One writer per process: the commands
 * print one thing at a time, so global state keeps every call short.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "output.h"

#define OUT_DEPTH_MAX	16

static struct {
	FILE *f;
	bool json;
	int depth;
	bool first[OUT_DEPTH_MAX];	/* no member written yet at this level */
} out = { .f = NULL };

static FILE *out_file(void)
{
	return out.f ?: stdout;
}

void out_init(FILE *f, bool json)
{
	out.f = f;
	out.json = json;
	out.depth = 0;
}

bool out_is_json(void)
{
	return out.json;
}

/*
 * Length of the valid UTF-8 sequence at @p (at most @len bytes), 0 when
 * the byte there does not start one. Overlong forms, surrogates and code
 * points above U+10FFFF are invalid (RFC 3629).
 */
static size_t utf8_seq(const unsigned char *p, size_t len)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (len < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

bool utf8_valid(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i = 0, n;

	while (i < len) {
		n = utf8_seq(p + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

void json_print_bytes(FILE *f, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i = 0, n;

	fputc('"', f);
	while (i < len) {
		switch (p[i]) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			n = utf8_seq(p + i, len - i);
			if (p[i] < 0x20 || p[i] == 0x7f || !n) {
				/* Control character or a byte that is not UTF-8. */
				fprintf(f, "\\u%04x", p[i]);
			} else {
				fwrite(p + i, 1, n, f);
				i += n;
				continue;
			}
		}
		i++;
	}
	fputc('"', f);
}

void json_print_string(FILE *f, const char *s)
{
	json_print_bytes(f, s, strlen(s));
}

static void base64(FILE *f, const unsigned char *p, size_t len)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t v;
	size_t i;

	fputc('"', f);
	for (i = 0; i + 2 < len; i += 3) {
		v = p[i] << 16 | p[i + 1] << 8 | p[i + 2];
		fprintf(f, "%c%c%c%c", tab[v >> 18], tab[(v >> 12) & 63],
			tab[(v >> 6) & 63], tab[v & 63]);
	}
	if (len - i == 1) {
		v = p[i] << 16;
		fprintf(f, "%c%c==", tab[v >> 18], tab[(v >> 12) & 63]);
	} else if (len - i == 2) {
		v = p[i] << 16 | p[i + 1] << 8;
		fprintf(f, "%c%c%c=", tab[v >> 18], tab[(v >> 12) & 63],
			tab[(v >> 6) & 63]);
	}
	fputc('"', f);
}

/* Separator and key of the next member; NULL @key inside arrays. */
static void json_key(const char *key)
{
	FILE *f = out_file();

	if (out.depth > 0) {
		if (!out.first[out.depth - 1])
			/* Elements of a top-level array: one per line. */
			fputs(out.depth == 1 && !key ? ",\n " : ", ", f);
		out.first[out.depth - 1] = false;
	}
	if (key) {
		json_print_string(f, key);
		fputs(": ", f);
	}
}

static void json_open(const char *key, char c)
{
	if (!out.json)
		return;
	json_key(key);
	fputc(c, out_file());
	if (out.depth < OUT_DEPTH_MAX)
		out.first[out.depth] = true;
	out.depth++;
}

static void json_close(char c)
{
	FILE *f = out_file();

	if (!out.json)
		return;
	fputc(c, f);
	if (out.depth > 0)
		out.depth--;
	if (!out.depth) {
		/* A whole document: one line, visible at once. */
		fputc('\n', f);
		fflush(f);
	}
}

void open_json_object(const char *key)
{
	json_open(key, '{');
}

void close_json_object(void)
{
	json_close('}');
}

void open_json_array(const char *key)
{
	json_open(key, '[');
}

void close_json_array(void)
{
	json_close(']');
}

/* True when the call prints in JSON mode; in text mode, whether to print. */
static bool want(enum output_type t)
{
	return out.json ? (t & PRINT_JSON) : (t & PRINT_TEXT);
}

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value)
{
	if (!want(t))
		return;
	if (out.json) {
		json_key(key);
		json_print_string(out_file(), value);
	} else if (fmt) {
		fprintf(out_file(), fmt, value);
	}
}

void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value)
{
	if (!want(t))
		return;
	if (out.json) {
		json_key(key);
		fprintf(out_file(), "%" PRIu64, value);
	} else if (fmt) {
		fprintf(out_file(), fmt, value);
	}
}

void print_int(enum output_type t, const char *key, const char *fmt,
	       int value)
{
	if (!want(t))
		return;
	if (out.json) {
		json_key(key);
		fprintf(out_file(), "%d", value);
	} else if (fmt) {
		fprintf(out_file(), fmt, value);
	}
}

void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value)
{
	if (!want(t))
		return;
	if (out.json) {
		json_key(key);
		fprintf(out_file(), "%u", value);
	} else if (fmt) {
		fprintf(out_file(), fmt, value);
	}
}

void print_float(enum output_type t, const char *key, const char *fmt,
		 double value)
{
	if (!want(t))
		return;
	if (out.json) {
		json_key(key);
		/* JSON has no NaN or infinity. */
		if (isfinite(value))
			fprintf(out_file(), "%.3f", value);
		else
			fputs("null", out_file());
	} else if (fmt) {
		fprintf(out_file(), fmt, value);
	}
}

void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value)
{
	if (!want(t))
		return;
	if (out.json) {
		json_key(key);
		fputs(value ? "true" : "false", out_file());
	} else if (fmt) {
		fprintf(out_file(), fmt, value ? "true" : "false");
	}
}

void print_size(enum output_type t, const char *key, const char *fmt,
		uint64_t bytes)
{
	char b[32];

	if (out.json)
		print_u64(t, key, NULL, bytes);
	else
		print_string(t, key, fmt, fmt_bytes(b, sizeof(b), bytes));
}

void print_enum(enum output_type t, const char *key, const char *fmt,
		uint64_t value, const char *name)
{
	if (out.json)
		print_u64(t, key, NULL, value);
	else
		print_string(t, key, fmt, name);
}

void print_null(enum output_type t, const char *key, const char *fmt,
		const char *text)
{
	if (!want(t))
		return;
	if (out.json) {
		json_key(key);
		fputs("null", out_file());
	} else if (fmt) {
		fprintf(out_file(), fmt, text);
	}
}

void print_data(const char *key, const char *enc_key, const void *buf,
		size_t len)
{
	bool text = utf8_valid(buf, len);

	if (!out.json)
		return;
	json_key(key);
	if (text)
		json_print_bytes(out_file(), buf, len);
	else
		base64(out_file(), buf, len);
	print_string(PRINT_JSON, enc_key, NULL, text ? "utf-8" : "base64");
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	va_start(ap, fmt);
	vfprintf(out_file(), fmt, ap);
	va_end(ap);
}

const char *fmt_bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned int u = 0;
	uint64_t whole = bytes, rem = 0;

	while (whole >= 1024 && u < sizeof(units) / sizeof(units[0]) - 1) {
		rem = whole % 1024;
		whole /= 1024;
		u++;
	}
	if (u == 0 || rem == 0)
		snprintf(buf, len, "%" PRIu64 " %s", whole, units[u]);
	else
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " %s", whole,
			 rem * 10 / 1024, units[u]);
	return buf;
}
