// SPDX-License-Identifier: GPL-2.0
/*
 * Dispatch of verbs, usage, help and error messages, shared by every
 * command so that they all behave the same (see subcommands.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "subcommands.h"

bool opt_json;
const char *verb_name;

static const struct verb *find_verb(const struct command *cmd,
				    const char *name)
{
	unsigned int i;

	for (i = 0; i < cmd->nverbs; i++)
		if (!cmd->verbs[i].name ||
		    (name && !strcmp(cmd->verbs[i].name, name)))
			return &cmd->verbs[i];
	return NULL;
}

static void verb_synopsis(FILE *f, const struct command *cmd,
			  const struct verb *v, const char *lead)
{
	fprintf(f, "%s%s %s%s%s%s%s\n", lead, prog_name, cmd->name,
		v->name ? " " : "", v->name ?: "", *v->usage ? " " : "",
		v->usage);
}

void cmd_usage(FILE *f, const struct command *cmd, const char *verb)
{
	const struct verb *v = verb ? find_verb(cmd, verb) : NULL;
	unsigned int i;

	if (v || cmd->nverbs == 1) {
		v = v ?: &cmd->verbs[0];
		verb_synopsis(f, cmd, v, "Usage: ");
		fprintf(f, "%s.\n\n%s", v->description, v->help ?: "");
		fprintf(f, "  -j, --json         print JSON (see ipcchan(8))\n"
			"  -h, --help         print this help\n");
		return;
	}
	fprintf(f, "Usage: %s %s VERB [OPTIONS] [ARGS]\n\nVerbs:\n", prog_name,
		cmd->name);
	for (i = 0; i < cmd->nverbs; i++)
		fprintf(f, "  %-8s %s\n", cmd->verbs[i].name,
			cmd->verbs[i].description);
	fprintf(f, "\n");
	for (i = 0; i < cmd->nverbs; i++)
		verb_synopsis(f, cmd, &cmd->verbs[i], "  ");
	fprintf(f, "\n`%s help %s VERB' or `%s %s VERB --help' explains a verb's options.\n",
		prog_name, cmd->name, prog_name, cmd->name);
}

int cmd_help(const struct command *cmd, const char *verb)
{
	cmd_usage(stdout, cmd, verb);
	return EXIT_OK;
}

int cmd_usage_error(const struct command *cmd, const char *verb,
		    const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fprintf(stderr, "%s %s%s%s: ", prog_name, cmd->name,
			verb ? " " : "", verb ?: "");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	cmd_usage(stderr, cmd, verb);
	return EXIT_USAGE;
}

bool opt_common(int c, const struct command *cmd, const char *verb, int *done)
{
	switch (c) {
	case 'h':
		*done = cmd_help(cmd, verb);
		return true;
	case 'j':
		opt_json = true;
		return true;
	case '?':
		/* getopt_long has said what was wrong. */
		*done = cmd_usage_error(cmd, verb, NULL);
		return true;
	}
	return false;
}

int cmd_dispatch(const struct command *cmd, int argc, char *argv[])
{
	static char who[64];
	const struct verb *v;
	const char *name;

	/*
	 * getopt starts afresh for each command (optind 0: full reset), and
	 * its messages name "ipcchan CMD VERB" (argv[0]).
	 */
	optind = 0;
	if (cmd->nverbs == 1 && !cmd->verbs[0].name) {
		snprintf(who, sizeof(who), "%s %s", prog_name, cmd->name);
		argv[0] = who;
		return cmd->verbs[0].fn(argc, argv);
	}
	/* "ipcchan mbox -j stat X" is "ipcchan -j mbox stat X". */
	while (argc > 1 && (!strcmp(argv[1], "-j") || !strcmp(argv[1], "--json"))) {
		opt_json = true;
		argc--;
		argv++;
	}
	if (argc < 2)
		return cmd_usage_error(cmd, NULL, "a verb is needed");
	name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") ||
	    !strcmp(name, "help"))
		return cmd_help(cmd, argc > 2 && !strcmp(name, "help") ?
				argv[2] : NULL);
	v = find_verb(cmd, name);
	if (!v)
		return cmd_usage_error(cmd, NULL, "unknown verb `%s'", name);
	verb_name = v->name;
	snprintf(who, sizeof(who), "%s %s %s", prog_name, cmd->name, v->name);
	argv[1] = who;
	return v->fn(argc - 1, argv + 1);
}

void opts_select(const struct option *all, const char *allowed,
		 struct option *opts, char *shorts, size_t len)
{
	size_t i, n = 0, s = 0;

	for (i = 0; all[i].name; i++) {
		if (all[i].val != 'h' && all[i].val != 'j' &&
		    !strchr(allowed, all[i].val))
			continue;
		opts[n++] = all[i];
		if (s + 3 > len)
			continue;
		shorts[s++] = all[i].val;
		if (all[i].has_arg)
			shorts[s++] = ':';
	}
	opts[n] = (struct option){ 0 };
	shorts[s] = '\0';
}

int parse_uint(const char *s, unsigned long long max, int base,
	       unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, base);
	if (errno || !*s || *end || *s == '-' || *out > max) {
		fprintf(stderr, "%s: invalid number `%s' (0 to %llu%s)\n",
			prog_name, s, max, base == 8 ? ", octal" : "");
		return -1;
	}
	return 0;
}

const char *errno_name(int err)
{
	const char *n = strerrorname_np(err);

	return n ?: "E?";
}

void print_errno(const char *what, int err, const char *detail)
{
	fprintf(stderr, "%s: %s: %s (%s)%s%s\n", prog_name, what,
		strerror(err), errno_name(err), detail && *detail ? ": " : "",
		detail && *detail ? detail : "");
}
