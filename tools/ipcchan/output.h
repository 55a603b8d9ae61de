/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output of the ipcchan commands, text or JSON from the same calls.
 *
 * In the style of iproute2's print_*(PRINT_ANY, ...): each field is
 * printed by one call that names its JSON key and its text format, so the
 * two forms cannot diverge. In text mode the call prints @fmt with the
 * value (a NULL @fmt prints nothing); in JSON mode it writes "key": value
 * into the object or array that is open.
 *
 *	out_init(stdout, json);
 *	open_json_object(NULL);
 *	print_uint(PRINT_ANY, "id", "id %u\n", o->id);
 *	print_size(PRINT_ANY, "charged", "charged %s\n", o->charged);
 *	open_json_object("mbox-stats");
 *	...
 *	close_json_object();
 *	close_json_object();	(JSON: the document ends with a newline)
 *
 * A JSON document is complete when its outermost object or array is
 * closed: the writer then ends the line and flushes, so a command that
 * opens one top-level value per message or event prints JSON Lines.
 * Keys are the YNL spec's attribute names (Documentation/netlink/specs/
 * ipcchan.yaml) wherever the value is one of its attributes.
 *
 * Strings are bytes. JSON strings are written as UTF-8: valid UTF-8
 * passes through, control characters, '"' and '\\' are escaped, and each
 * byte that is not part of a valid UTF-8 sequence is written as \u00XX
 * (the character with the byte's number), so the output is valid JSON
 * for any input. Binary data (print_data()) is written as UTF-8 text
 * when it is valid UTF-8 and as base64 otherwise, with the encoding named
 * in a second key.
 */
#ifndef IPCCHAN_OUTPUT_H
#define IPCCHAN_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum output_type {
	PRINT_TEXT = 1,		/* text mode only */
	PRINT_JSON = 2,		/* JSON mode only */
	PRINT_ANY = 3,		/* both */
};

/* Start writing to @f, as JSON when @json. Resets any open nesting. */
void out_init(FILE *f, bool json);
bool out_is_json(void);

/*
 * Open or close a JSON object or array; @key NULL at the top level and
 * inside arrays. No-ops in text mode.
 */
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value);
void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value);
void print_int(enum output_type t, const char *key, const char *fmt,
	       int value);
void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value);
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value);
/* JSON: @value with three decimals (null when not finite); text: @fmt. */
void print_float(enum output_type t, const char *key, const char *fmt,
		 double value);
/* JSON: a number of bytes; text: @fmt with "%s" of fmt_bytes(). */
void print_size(enum output_type t, const char *key, const char *fmt,
		uint64_t bytes);
/*
 * A number with a name (an overflow policy, a role): JSON the number,
 * text @fmt with "%s" of @name.
 */
void print_enum(enum output_type t, const char *key, const char *fmt,
		uint64_t value, const char *name);
/* JSON: null (a value the source cannot report); text: @fmt with @text. */
void print_null(enum output_type t, const char *key, const char *fmt,
		const char *text);
/*
 * JSON only: @key holds @len bytes of @buf, as a string when they are
 * valid UTF-8 (then @enc_key is "utf-8") and as base64 otherwise
 * (@enc_key "base64").
 */
void print_data(const char *key, const char *enc_key, const void *buf,
		size_t len);
/* Text mode only: printf(). */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write @s as a JSON string literal, quotes included, escaped as above. */
void json_print_string(FILE *f, const char *s);
void json_print_bytes(FILE *f, const void *buf, size_t len);
/* True when @len bytes of @buf are valid UTF-8 (NUL bytes included). */
bool utf8_valid(const void *buf, size_t len);
/* Format @bytes as "512 B", "64 KiB", "1.5 MiB" into @buf. */
const char *fmt_bytes(char *buf, size_t len, uint64_t bytes);

#endif
