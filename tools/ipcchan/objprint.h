/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Printing objects and events (nl.h) with the writer of output.h, shared
 * by list, show, monitor, mbox stat and ring stat, so that an object has
 * the same JSON keys (the spec's attribute names) in each of them.
 */
#ifndef IPCCHAN_OBJPRINT_H
#define IPCCHAN_OBJPRINT_H

#include "nl.h"

/* "mailbox", "mbox" or "ring" to its type; 0 when neither. */
uint32_t objprint_parse_type(const char *s);
const char *obj_type_name(uint32_t type);
const char *event_name(uint32_t event);
const char *policy_name(uint32_t policy);
/* An attach/detach/peer-gone role of an object of @obj_type, as a name. */
const char *role_name(uint32_t obj_type, uint32_t role);
/* The name, "(anonymous)", or the name with " (unlinked)". */
const char *objprint_name(const struct nl_obj *o);

enum obj_style {
	OBJ_DETAIL,	/* text: a heading and one line per attribute */
	OBJ_BRIEF,	/* text: "TYPE NAME (id N)" only; JSON the same */
};

/*
 * The members of @o into the JSON object that is open: id, type, name,
 * named, mode, uid, gid, creator-pid, created-ns, charged and the
 * mbox-stats or ring-stats nest. What the source did not report is
 * null, so every object of one type has the same keys.
 */
void objprint_members(const struct nl_obj *o, enum obj_style style);
/* @o as one JSON object or its text block. */
void objprint(const struct nl_obj *o);

#endif
