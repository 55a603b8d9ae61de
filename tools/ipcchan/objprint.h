/* SPDX-License-Identifier: GPL-2.0 */
/* Printing objects and events from nl.h, shared by list, show and monitor. */
#ifndef IPCCHAN_OBJPRINT_H
#define IPCCHAN_OBJPRINT_H

#include "nl.h"

/* "mailbox" or "ring" to its type; 0 when neither. */
uint32_t objprint_parse_type(const char *s);
/* The name, "(anonymous)", or the name with " (unlinked)". */
const char *objprint_name(const struct nl_obj *o);
/* One JSON object, no newline. */
void objprint_json(const struct nl_obj *o);
/* "key: value" lines. */
void objprint_text(const struct nl_obj *o);

#endif
