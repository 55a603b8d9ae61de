// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan: command-line front end of the ipcchan module.
 * One file per subcommand, each exporting <name>_main(argc, argv).
 *
 *	ipcchan [-j|--json] [-h|--help] [-V|--version] COMMAND [ARGS]
 *	ipcchan help [COMMAND [VERB]]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "subcommands.h"

#ifndef IPCCHAN_VERSION
#define IPCCHAN_VERSION "unknown"
#endif

const char *prog_name = "ipcchan";

static int help_main(int argc, char *argv[]);

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
	{ "help", help_main, "Shows the usage of a command or verb" },
};

#define NR_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void show_usage(FILE *file)
{
	size_t i;

	fprintf(file, "Usage: %s [-j|--json] <cmd> [<args>]\n", prog_name);
	fprintf(file, "       %s help [<cmd> [<verb>]]\n\n", prog_name);
	fprintf(file, "Available subcommands:\n");
	for (i = 0; i < NR_SUBCOMMANDS; i++)
		fprintf(file, "  %-8s %s\n", subcommands[i].subcommand,
			subcommands[i].description);
	fprintf(file, "\nOptions:\n"
		"  -j, --json     print JSON (also after the command)\n"
		"  -h, --help     print this help\n"
		"  -V, --version  print the version\n"
		"You may pass `--help' to any of these subcommands to view usage.\n"
		"Exit status: 0 success, 1 a request failed, 2 bad usage.\n");
}

static int find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_SUBCOMMANDS; i++)
		if (!strcmp(name, subcommands[i].subcommand))
			return i;
	return -1;
}

/*
 * help [CMD [VERB]]: the command's own --help, which prints before it
 * looks at anything else.
 */
static int help_main(int argc, char *argv[])
{
	char *args[] = { NULL, NULL, "--help", NULL };
	int i;

	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help")) {
		show_usage(stdout);
		return EXIT_OK;
	}
	i = find(argv[1]);
	if (i < 0 || argc > 3) {
		fprintf(stderr, "%s: help: unknown command `%s'\n", prog_name,
			argv[1]);
		show_usage(stderr);
		return EXIT_USAGE;
	}
	if (argc == 2) {
		args[1] = "--help";
		args[2] = NULL;
	} else {
		args[1] = argv[2];
	}
	args[0] = argv[1];
	return subcommands[i].function(argc == 2 ? 2 : 3, args);
}

int main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	int c, i;

	/* "+": options before the command only; the rest is the command's. */
	while ((c = getopt_long(argc, argv, "+jhV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt_json = true;
			break;
		case 'h':
			show_usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("ipcchan %s\n", IPCCHAN_VERSION);
			return EXIT_OK;
		default:
			show_usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		show_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "version")) {
		printf("ipcchan %s\n", IPCCHAN_VERSION);
		return EXIT_OK;
	}
	i = find(argv[0]);
	if (i < 0) {
		fprintf(stderr, "Invalid subcommand: `%s'\n", argv[0]);
		show_usage(stderr);
		return EXIT_USAGE;
	}
	return subcommands[i].function(argc, argv);
}
