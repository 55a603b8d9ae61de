/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the subcommands share: the dispatch of verbs, usage and help, the
 * exit codes and error messages. Each command is a file exporting
 * <name>_main(argc, argv), argv[0] being the command's name.
 *
 * Every command and verb parses its options with getopt_long and takes
 * -h/--help (usage on stdout, exit 0) and -j/--json. Help is handled
 * before anything else, so it never opens /dev/ipcchan or a netlink
 * socket.
 */
#ifndef IPCCHAN_SUBCOMMANDS_H
#define IPCCHAN_SUBCOMMANDS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/* Exit status: success, a request the kernel (or system) refused, bad usage. */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

extern const char *prog_name;
/* -j/--json, before the command or after it. */
extern bool opt_json;
/* The verb cmd_dispatch() runs (argv[0] is "ipcchan CMD VERB" for getopt). */
extern const char *verb_name;

/*
 * One verb of a command (a command without verbs has one entry with a
 * NULL @name). @usage is what follows "ipcchan CMD VERB" in the synopsis;
 * @help the lines that explain it and its options.
 */
struct verb {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *description;
	const char *usage;
	const char *help;
};

struct command {
	const char *name;
	const struct verb *verbs;
	unsigned int nverbs;
};

/*
 * Run the verb named argv[1] of @cmd with argv + 1 ("mbox", "--help" and
 * "help" print every verb's usage). For a command without verbs, run it.
 */
int cmd_dispatch(const struct command *cmd, int argc, char *argv[]);

/* Print the usage of @verb of @cmd (NULL: every verb) to @f. */
void cmd_usage(FILE *f, const struct command *cmd, const char *verb);
/* -h/--help: usage on stdout; returns EXIT_OK. */
int cmd_help(const struct command *cmd, const char *verb);
/*
 * A usage error: "ipcchan: CMD VERB: message" (if @fmt) and the usage on
 * stderr; returns EXIT_USAGE.
 */
int cmd_usage_error(const struct command *cmd, const char *verb,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * The options every verb takes, to append to its own; getopt_opt_common()
 * handles them: 'h' prints help and *done gets EXIT_OK, 'j' sets
 * opt_json, '?' (bad option, message already printed) *done gets
 * EXIT_USAGE. Returns true when it handled @c.
 */
#define COMMON_OPTIONS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "json", no_argument, NULL, 'j' }
#define COMMON_SHORT	"hj"
bool opt_common(int c, const struct command *cmd, const char *verb, int *done);

/*
 * Of the options @all (ending with a zeroed entry), keep help, json and
 * those whose short letter is in @allowed, into @opts (room for all of
 * @all) and their getopt string into @shorts: a verb that shares a table
 * with others then rejects the options it does not take.
 */
void opts_select(const struct option *all, const char *allowed,
		 struct option *opts, char *shorts, size_t len);

/* Parse an unsigned number (base 0, or 8 for modes) up to @max. */
int parse_uint(const char *s, unsigned long long max, int base,
	       unsigned long long *out);

/*
 * A failed request: "ipcchan: WHAT: strerror (ENAME)", with ": detail"
 * when @detail is non-NULL (netlink's extack message).
 */
void print_errno(const char *what, int err, const char *detail);
/* "EACCES" for EACCES; "E?" when unknown. */
const char *errno_name(int err);

int info_main(int argc, char *argv[]);
int mbox_main(int argc, char *argv[]);
int ring_main(int argc, char *argv[]);
int list_main(int argc, char *argv[]);
int show_main(int argc, char *argv[]);
int monitor_main(int argc, char *argv[]);
int top_main(int argc, char *argv[]);

#endif
