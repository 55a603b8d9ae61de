// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan show [--json] [--type mailbox|ring] NAME|ID: one object with
 * its statistics. A number is an id; anything else a name, which may
 * match a mailbox and a ring (both are shown unless --type says which).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "objprint.h"
#include "subcommands.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s show [--json] [--type mailbox|ring] NAME|ID\n",
		prog_name);
}

static void show_one(const struct nl_obj *o, int json, int *shown)
{
	if (json) {
		printf("%s", *shown ? ",\n " : "");
		objprint_json(o);
	} else {
		printf("%s", *shown ? "\n" : "");
		objprint_text(o);
	}
	(*shown)++;
}

int show_main(int argc, char *argv[])
{
	const char *what = NULL;
	struct ipcchan_nl *nl = NULL;
	struct nl_obj *objs = NULL, obj;
	int json = 0, shown = 0, n, i, ret = 1;
	uint32_t type = 0;
	unsigned long id;
	char *end;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			json = 1;
		} else if (!strcmp(argv[i], "--type") && i + 1 < argc) {
			type = objprint_parse_type(argv[++i]);
			if (!type)
				goto bad;
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!what && argv[i][0] != '-') {
			what = argv[i];
		} else {
			goto bad;
		}
	}
	if (!what)
		goto bad;

	nl = ipcnl_open();
	if (!nl)
		goto out;
	if (json)
		printf("[");
	id = strtoul(what, &end, 10);
	if (*what && !*end && id && id <= UINT32_MAX) {
		if (ipcnl_obj_get(nl, id, &obj))
			goto out;
		if (!type || obj.type == type)
			show_one(&obj, json, &shown);
	} else {
		n = ipcnl_obj_dump(nl, type, &objs);
		if (n < 0)
			goto out;
		for (i = 0; i < n; i++)
			if (objs[i].has_name && objs[i].named &&
			    !strcmp(objs[i].name, what))
				show_one(&objs[i], json, &shown);
	}
	if (json)
		printf("]\n");
	if (!shown) {
		fprintf(stderr, "%s: no such object\n", what);
		goto out;
	}
	ret = 0;
out:
	free(objs);
	ipcnl_close(nl);
	return ret;
bad:
	usage(stderr);
	return 1;
}
