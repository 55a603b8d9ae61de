// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan monitor [--json] [--admin] [--type T] [--name N] [--count N]:
 * print events as they come, like `ip monitor`. Sequence numbers are
 * checked before filtering, so a gap always means lost events; a socket
 * overrun (ENOBUFS) is reported too, and monitoring goes on. With --json
 * each event or notice is one JSON object on its own line (JSON Lines).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nl.h"
#include "objprint.h"
#include "output.h"
#include "subcommands.h"

struct monitor {
	uint32_t type;
	const char *name;
	long count;		/* events left to print, < 0 for no limit */
	bool have_seq;
	uint64_t last_seq;
};

static int monitor_run(int argc, char *argv[]);

static const struct verb monitor_verb = {
	.fn = monitor_run,
	.description = "Print lifecycle and overflow events as they happen",
	.usage = "[--admin] [--type mailbox|ring] [--name NAME] [--count N]",
	.help = "  -a, --admin        join monitor-admin (CAP_NET_ADMIN): owners and pids\n"
		"  -t, --type TYPE    only events of objects of TYPE\n"
		"  -n, --name NAME    only events of objects named NAME\n"
		"  -c, --count N      exit after N printed events\n"
		"With --json, one JSON object per line (JSON Lines).\n",
};
static const struct command monitor_cmd = { "monitor", &monitor_verb, 1 };

static void stamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%06ld", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, ts.tv_nsec / 1000);
}

/* Lost events: @a..@b by sequence number, or an unknown number (0, 0). */
static void notice(const char *what, uint64_t a, uint64_t b)
{
	char ts[32];

	stamp(ts, sizeof(ts));
	open_json_object(NULL);
	print_string(PRINT_ANY, "time", "[%s] !! ", ts);
	print_string(PRINT_ANY, "notice", "%s: ", what);
	if (b) {
		print_text("%" PRIu64 " events lost (seq ", b - a + 1);
		print_u64(PRINT_ANY, "lost-from", "%" PRIu64 "..", a);
		print_u64(PRINT_ANY, "lost-to", "%" PRIu64 ")\n", b);
	} else {
		print_null(PRINT_JSON, "lost-from", NULL, NULL);
		print_null(PRINT_JSON, "lost-to", NULL, NULL);
		print_text("events lost\n");
	}
	close_json_object();
	fflush(stdout);
}

static void print_event(const struct nl_event *ev, void *arg)
{
	struct monitor *m = arg;
	char ts[32];

	if (m->have_seq && ev->seq > m->last_seq + 1)
		notice("gap", m->last_seq + 1, ev->seq - 1);
	m->have_seq = true;
	m->last_seq = ev->seq;

	if (m->type && ev->obj.type != m->type)
		return;
	if (m->name && (!ev->obj.has_name || strcmp(ev->obj.name, m->name)))
		return;
	if (!m->count)
		return;
	if (m->count > 0)
		m->count--;

	stamp(ts, sizeof(ts));
	open_json_object(NULL);
	print_string(PRINT_ANY, "time", "[%s] ", ts);
	print_u64(PRINT_ANY, "ev-seq", "seq %" PRIu64 " ", ev->seq);
	print_string(PRINT_ANY, "ev-type", "%-9s ", event_name(ev->type));
	objprint_members(&ev->obj, OBJ_BRIEF);
	if (ev->has_count)
		print_u64(PRINT_ANY, "ev-count", " count %" PRIu64, ev->count);
	if (ev->has_role)
		print_enum(PRINT_ANY, "ev-role", " role %s", ev->role,
			   role_name(ev->obj.type, ev->role));
	if (ev->has_depth)
		print_uint(PRINT_ANY, "ev-depth", " depth %u", ev->depth);
	if (ev->has_pid)
		print_uint(PRINT_ANY, "ev-pid", " pid %u", ev->pid);
	if (ev->obj.has_owner)
		print_text(" uid %u", ev->obj.uid);
	print_text("\n");
	close_json_object();
	fflush(stdout);
}

static int monitor_run(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "admin", no_argument, NULL, 'a' },
		{ "type", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'c' },
		COMMON_OPTIONS,
		{ 0 }
	};
	struct monitor m = { .count = -1 };
	struct ipcchan_nl *nl;
	unsigned long long v;
	bool admin = false;
	int c, done = -1, ret = EXIT_FAIL;

	while ((c = getopt_long(argc, argv, COMMON_SHORT "at:n:c:", opts, NULL)) != -1) {
		if (opt_common(c, &monitor_cmd, NULL, &done)) {
			if (done >= 0)
				return done;
			continue;
		}
		switch (c) {
		case 'a':
			admin = true;
			break;
		case 't':
			m.type = objprint_parse_type(optarg);
			if (!m.type)
				return cmd_usage_error(&monitor_cmd, NULL,
						       "unknown type `%s'", optarg);
			break;
		case 'n':
			m.name = optarg;
			break;
		case 'c':
			if (parse_uint(optarg, LONG_MAX, 0, &v) || !v)
				return cmd_usage_error(&monitor_cmd, NULL,
						       "--count needs a positive number");
			m.count = v;
			break;
		}
	}
	if (optind != argc)
		return cmd_usage_error(&monitor_cmd, NULL, "unexpected argument `%s'",
				       argv[optind]);

	nl = ipcnl_open();
	if (!nl)
		return EXIT_FAIL;
	if (ipcnl_monitor_join(nl, admin))
		goto out;
	out_init(stdout, opt_json);
	while (m.count) {
		int r = ipcnl_monitor_recv(nl, print_event, &m);

		if (r < 0)
			goto out;
		if (r > 0) {
			notice("socket overrun (ENOBUFS)", 0, 0);
			/* The next number after an overrun says nothing new. */
			m.have_seq = false;
		}
	}
	ret = EXIT_OK;
out:
	ipcnl_close(nl);
	return ret;
}

int monitor_main(int argc, char *argv[])
{
	return cmd_dispatch(&monitor_cmd, argc, argv);
}
