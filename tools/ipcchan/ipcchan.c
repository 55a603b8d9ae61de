// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan: command-line front end of the ipcchan module.
 * One file per subcommand, each exporting <name>_main(argc, argv).
 */
#include <stdio.h>
#include <string.h>

#include "subcommands.h"

#ifndef IPCCHAN_VERSION
#define IPCCHAN_VERSION "unknown"
#endif

const char *prog_name;

static const struct {
	const char *subcommand;
	int (*function)(int, char **);
	const char *description;
} subcommands[] = {
	{ "info", info_main, "Shows the module's ABI version, features and limits" },
	{ "mbox", mbox_main, "Creates, sends to, receives from, inspects and removes mailboxes" },
	{ "ring", ring_main, "Creates, feeds, drains, inspects and removes shared rings" },
	{ "list", list_main, "Lists mailboxes and rings (netlink)" },
	{ "show", show_main, "Shows one object and its statistics (netlink)" },
	{ "monitor", monitor_main, "Prints lifecycle and overflow events (netlink)" },
	{ "top", top_main, "Live view of every mailbox and ring (netlink)" },
};

static void show_usage(FILE *file)
{
	size_t i;

	fprintf(file, "Usage: %s <cmd> [<args>]\n\n", prog_name);
	fprintf(file, "Available subcommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(file, "  %-8s %s\n", subcommands[i].subcommand,
			subcommands[i].description);
	fprintf(file, "You may pass `--help' to any of these subcommands to view usage.\n");
}

int main(int argc, char *argv[])
{
	size_t i;

	prog_name = argv[0];

	if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version") ||
			  !strcmp(argv[1], "version"))) {
		printf("ipcchan %s\n", IPCCHAN_VERSION);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "help"))) {
		show_usage(stdout);
		return 0;
	}
	if (argc < 2) {
		show_usage(stderr);
		return 1;
	}

	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (!strcmp(argv[1], subcommands[i].subcommand))
			return subcommands[i].function(argc - 1, argv + 1);
	}

	fprintf(stderr, "Invalid subcommand: `%s'\n", argv[1]);
	show_usage(stderr);
	return 1;
}
