/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output helpers shared by the subcommands: JSON string escaping and the
 * human-readable size format used in tables.
 */
#ifndef IPCCHAN_OUTPUT_H
#define IPCCHAN_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Write @s as a JSON string literal, quotes included. */
void json_print_string(FILE *f, const char *s);
/* Format @bytes as "512 B", "64 KiB", "1.5 MiB" into @buf. */
const char *fmt_bytes(char *buf, size_t len, uint64_t bytes);

#endif
