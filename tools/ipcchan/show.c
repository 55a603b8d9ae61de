// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan show [--json] [--type mailbox|ring] NAME|ID: one object with
 * its statistics. A number is an id; anything else a name, which may
 * match a mailbox and a ring (both are shown unless --type says which).
 * The JSON is an array of the objects found.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "objprint.h"
#include "output.h"
#include "subcommands.h"

static int show_run(int argc, char *argv[]);

static const struct verb show_verb = {
	.fn = show_run,
	.description = "Show one object and every statistic it keeps",
	.usage = "[--type mailbox|ring] NAME|ID",
	.help = "  -t, --type TYPE    only an object of TYPE (mailbox or ring)\n"
		"A number is an id, anything else a name.\n",
};
static const struct command show_cmd = { "show", &show_verb, 1 };

static void show_one(const struct nl_obj *o, int *shown)
{
	if (*shown)
		print_text("\n");
	objprint(o);
	(*shown)++;
}

static int show_run(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		COMMON_OPTIONS,
		{ 0 }
	};
	struct ipcchan_nl *nl = NULL;
	struct nl_obj *objs = NULL, obj;
	int shown = 0, n, i, c, done = -1, ret = EXIT_FAIL;
	const char *what;
	uint32_t type = 0;
	unsigned long id;
	char *end;

	while ((c = getopt_long(argc, argv, COMMON_SHORT "t:", opts, NULL)) != -1) {
		if (opt_common(c, &show_cmd, NULL, &done)) {
			if (done >= 0)
				return done;
			continue;
		}
		type = objprint_parse_type(optarg);
		if (!type)
			return cmd_usage_error(&show_cmd, NULL, "unknown type `%s'", optarg);
	}
	if (optind != argc - 1)
		return cmd_usage_error(&show_cmd, NULL, "one NAME or ID is needed");
	what = argv[optind];

	nl = ipcnl_open();
	if (!nl)
		goto out;
	id = strtoul(what, &end, 10);
	if (*what && !*end && id && id <= UINT32_MAX) {
		if (ipcnl_obj_get(nl, id, &obj))
			goto out;
		n = 1;
	} else {
		n = ipcnl_obj_dump(nl, type, &objs);
		if (n < 0)
			goto out;
	}
	/* Printed once everything is in: no half document on an error. */
	out_init(stdout, opt_json);
	open_json_array(NULL);
	for (i = 0; i < n; i++) {
		const struct nl_obj *o = objs ? &objs[i] : &obj;

		if (type && o->type != type)
			continue;
		if (objs && !(o->has_name && o->named && !strcmp(o->name, what)))
			continue;
		show_one(o, &shown);
	}
	close_json_array();
	if (!shown) {
		print_errno(what, ENOENT, "no such object");
		goto out;
	}
	ret = EXIT_OK;
out:
	free(objs);
	ipcnl_close(nl);
	return ret;
}

int show_main(int argc, char *argv[])
{
	return cmd_dispatch(&show_cmd, argc, argv);
}
