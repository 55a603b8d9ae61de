// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan list [--json] [--type mailbox|ring]: every object of the
 * caller's network namespace, from an OBJ_GET dump.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "objprint.h"
#include "output.h"
#include "subcommands.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s list [--json] [--type mailbox|ring]\n", prog_name);
}

int list_main(int argc, char *argv[])
{
	struct ipcchan_nl *nl = NULL;
	struct nl_obj *objs = NULL;
	int json = 0, n, i, ret = 1;
	uint32_t type = 0;
	char b[32];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			json = 1;
		} else if (!strcmp(argv[i], "--type") && i + 1 < argc) {
			type = objprint_parse_type(argv[++i]);
			if (!type) {
				usage(stderr);
				return 1;
			}
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 1;
		}
	}

	nl = ipcnl_open();
	if (!nl)
		goto out;
	n = ipcnl_obj_dump(nl, type, &objs);
	if (n < 0)
		goto out;

	if (json) {
		printf("[");
		for (i = 0; i < n; i++) {
			printf("%s", i ? ",\n " : "");
			objprint_json(&objs[i]);
		}
		printf("]\n");
	} else {
		printf("%-8s %-8s %-24s %-5s %-6s %-6s %-8s %10s\n", "ID", "TYPE",
		       "NAME", "MODE", "UID", "GID", "PID", "CHARGED");
		for (i = 0; i < n; i++) {
			const struct nl_obj *o = &objs[i];
			char uid[16] = "-", gid[16] = "-", pid[16] = "-";

			if (o->has_owner) {
				snprintf(uid, sizeof(uid), "%u", o->uid);
				snprintf(gid, sizeof(gid), "%u", o->gid);
				snprintf(pid, sizeof(pid), "%u", o->pid);
			}
			printf("%-8u %-8s %-24s %04o  %-6s %-6s %-8s %10s\n",
			       o->id, ipcnl_obj_type_name(o->type),
			       objprint_name(o), o->mode, uid, gid, pid,
			       fmt_bytes(b, sizeof(b), o->charged));
		}
	}
	ret = 0;
out:
	free(objs);
	ipcnl_close(nl);
	return ret;
}
