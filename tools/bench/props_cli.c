// SPDX-License-Identifier: GPL-2.0
/*
 * ipcbench --props: its own options, the run over the mechanisms, and
 * the three outputs. ipcbench's main() hands over when it sees --props.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "props.h"

#ifndef IPCCHAN_VERSION
#define IPCCHAN_VERSION "unknown"
#endif

static void props_usage(FILE *f)
{
	fprintf(f,
"usage: ipcbench --props [OPTIONS]\n"
"Measure the buffering properties of every mechanism on this kernel:\n"
"capacity, boundaries, short reads, zero-length messages, order and\n"
"priorities, non-blocking and blocking behaviour when empty and full, the\n"
"wakeup of a blocked writer, peer exit, named lifetime, kernel memory,\n"
"system calls, context switches and CPU time per message.\n\n"
"  -m, --mech LIST       mechanisms, comma-separated (default all; -l lists)\n"
"  -s, --sizes LIST      up to 3 message sizes, 1 B..8 KiB (default 1,64,4K)\n"
"  -c, --cpus A[,B]      the CPU to run on (default: the current one)\n"
"      --no-costs        leave out the speed rows (memory, csw, CPU)\n"
"      --deterministic   only the rows that do not depend on speed\n"
"      --json FILE       also write JSON to FILE ('-' for stdout)\n"
"      --rst FILE        also write rst list-tables to FILE ('-' for stdout)\n"
"      --quiet           no progress on stderr\n"
"  -l, --list            list the mechanisms\n"
"  -h, --help\n");
}

static int props_sizes_arg(struct props_opts *o, const char *arg)
{
	char buf[128], *save = NULL, *w, *end;
	unsigned long v;

	snprintf(buf, sizeof(buf), "%s", arg);
	o->nsizes = 0;
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		v = strtoul(w, &end, 10);
		if (*end == 'K' || *end == 'k')
			v *= 1024, end++;
		if ((*end && strcmp(end, "B")) || v < 1 || v > PROPS_MAX_SIZE ||
		    o->nsizes == PROPS_NSIZES)
			return -1;
		o->sizes[o->nsizes++] = v;
	}
	return o->nsizes ? 0 : -1;
}

static int props_mechs_arg(const struct pmech **sel, int *n, const char *arg)
{
	char buf[512], *save = NULL, *w;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		const struct pmech *m = props_find(w);

		if (!m) {
			fprintf(stderr, "ipcbench: --props has no mechanism '%s' (see -l)\n", w);
			return -1;
		}
		sel[(*n)++] = m;
	}
	return 0;
}

static FILE *out_open(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;

	if (!f)
		fprintf(stderr, "ipcbench: %s: %s\n", path, strerror(errno));
	return f;
}

static int out_close(FILE *f)
{
	if (f == stdout)
		return fflush(f) ? -1 : 0;
	return fclose(f) ? -1 : 0;
}

int props_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "props", no_argument, NULL, 1 },
		{ "mech", required_argument, NULL, 'm' },
		{ "sizes", required_argument, NULL, 's' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "no-costs", no_argument, NULL, 2 },
		{ "deterministic", no_argument, NULL, 3 },
		{ "json", required_argument, NULL, 4 },
		{ "rst", required_argument, NULL, 5 },
		{ "quiet", no_argument, NULL, 6 },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct props_opts o = { .costs = true, .cpu = -1 };
	const struct pmech *sel[64];
	const char *json = NULL, *rst = NULL;
	struct props_report rp = { 0 };
	struct bench_env env;
	struct utsname u;
	char date[32], kernel[200];
	int c, i, n = 0, ret = 0, cpus[2] = { -1, -1 };
	bool stdout_taken;
	FILE *tf, *f;
	time_t now;

	memcpy(o.sizes, props_default_sizes, sizeof(o.sizes));
	o.nsizes = PROPS_NSIZES;
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:s:c:lh", lo, NULL)) != -1) {
		switch (c) {
		case 1:
			break;
		case 'm':
			if (props_mechs_arg(sel, &n, optarg) < 0)
				return 2;
			break;
		case 's':
			if (props_sizes_arg(&o, optarg) < 0) {
				fprintf(stderr, "ipcbench: --props: bad sizes '%s' (up to %d of "
					"1 B..8 KiB)\n", optarg, PROPS_NSIZES);
				return 2;
			}
			break;
		case 'c':
			o.cpu = atoi(optarg);
			break;
		case 2:
			o.costs = false;
			break;
		case 3:
			rp.deterministic_only = true;
			o.costs = false;
			break;
		case 4:
			json = optarg;
			break;
		case 5:
			rst = optarg;
			break;
		case 6:
			o.quiet = true;
			break;
		case 'l':
			for (i = 0; props_mechs[i]; i++)
				printf("%-16s %s%s%s\n", props_mechs[i]->name, props_mechs[i]->desc,
				       props_mechs[i]->also ? "; stands for " : "",
				       props_mechs[i]->also ? props_mechs[i]->also : "");
			return 0;
		case 'h':
			props_usage(stdout);
			return 0;
		default:
			props_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		props_usage(stderr);
		return 2;
	}
	for (i = 0; !n && props_mechs[i]; i++)
		sel[i] = props_mechs[i];
	if (!n)
		n = i;

	stdout_taken = (json && !strcmp(json, "-")) || (rst && !strcmp(rst, "-"));
	tf = stdout_taken ? stderr : stdout;
	cpus[0] = o.cpu;
	env_probe(&env, cpus);
	env_print(tf, &env);
	uname(&u);
	snprintf(kernel, sizeof(kernel), "Linux %s", u.release);
	now = time(NULL);
	strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&now));

	rp.res = calloc((size_t)n, sizeof(*rp.res));
	if (!rp.res)
		return 1;
	rp.nres = (size_t)n;
	rp.nsizes = o.nsizes;
	rp.sizes = o.sizes;
	rp.kernel = kernel;
	rp.version = IPCCHAN_VERSION;
	rp.date = date;
	for (i = 0; i < n; i++) {
		if (!o.quiet)
			fprintf(stderr, "ipcbench: props [%d/%d] %s\n", i + 1, n, sel[i]->name);
		if (props_measure(sel[i], &o, &rp.res[i]) < 0)
			ret = 1;
	}
	props_table(tf, &rp);
	if (json) {
		f = out_open(json);
		if (!f || (props_json(f, &rp), out_close(f)) < 0)
			ret = 1;
	}
	if (rst) {
		f = out_open(rst);
		if (!f || (props_rst(f, &rp), out_close(f)) < 0)
			ret = 1;
	}
	free(rp.res);
	return ret;
}
