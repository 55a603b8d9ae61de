// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan list [--json] [--type mailbox|ring]: every object of the
 * caller's network namespace, from an OBJ_GET dump. The JSON is an array
 * of the objects as show prints them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "objprint.h"
#include "output.h"
#include "subcommands.h"

static int list_run(int argc, char *argv[]);

static const struct verb list_verb = {
	.fn = list_run,
	.description = "List the mailboxes and rings of this network namespace",
	.usage = "[--type mailbox|ring]",
	.help = "  -t, --type TYPE    only objects of TYPE (mailbox or ring)\n",
};
static const struct command list_cmd = { "list", &list_verb, 1 };

/* One row of the table. */
static void print_row(const struct nl_obj *o)
{
	char uid[16] = "-", gid[16] = "-", pid[16] = "-", b[32];

	if (o->has_owner) {
		snprintf(uid, sizeof(uid), "%u", o->uid);
		snprintf(gid, sizeof(gid), "%u", o->gid);
	}
	if (o->has_pid)
		snprintf(pid, sizeof(pid), "%u", o->pid);
	printf("%-8u %-8s %-24s %04o  %-6s %-6s %-8s %10s\n", o->id,
	       obj_type_name(o->type), objprint_name(o), o->mode, uid, gid,
	       pid, fmt_bytes(b, sizeof(b), o->charged));
}

static int list_run(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		COMMON_OPTIONS,
		{ 0 }
	};
	struct ipcchan_nl *nl = NULL;
	struct nl_obj *objs = NULL;
	int n, i, c, done = -1, ret = EXIT_FAIL;
	uint32_t type = 0;

	while ((c = getopt_long(argc, argv, COMMON_SHORT "t:", opts, NULL)) != -1) {
		if (opt_common(c, &list_cmd, NULL, &done)) {
			if (done >= 0)
				return done;
			continue;
		}
		type = objprint_parse_type(optarg);
		if (!type)
			return cmd_usage_error(&list_cmd, NULL, "unknown type `%s'", optarg);
	}
	if (optind != argc)
		return cmd_usage_error(&list_cmd, NULL, "unexpected argument `%s'",
				       argv[optind]);

	nl = ipcnl_open();
	if (!nl)
		goto out;
	n = ipcnl_obj_dump(nl, type, &objs);
	if (n < 0)
		goto out;

	out_init(stdout, opt_json);
	if (opt_json) {
		open_json_array(NULL);
		for (i = 0; i < n; i++)
			objprint(&objs[i]);
		close_json_array();
	} else {
		printf("%-8s %-8s %-24s %-5s %-6s %-6s %-8s %10s\n", "ID", "TYPE",
		       "NAME", "MODE", "UID", "GID", "PID", "CHARGED");
		for (i = 0; i < n; i++)
			print_row(&objs[i]);
	}
	ret = EXIT_OK;
out:
	free(objs);
	ipcnl_close(nl);
	return ret;
}

int list_main(int argc, char *argv[])
{
	return cmd_dispatch(&list_cmd, argc, argv);
}
