// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan monitor [--json] [--admin] [--type T] [--name N] [--count N]:
 * print events as they come, like `ip monitor`. Sequence numbers are
 * checked before filtering, so a gap always means lost events; a socket
 * overrun (ENOBUFS) is reported too, and monitoring goes on.
 */
#include <inttypes.h>
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
	int json;
	uint32_t type;
	const char *name;
	long count;		/* events left to print, < 0 for no limit */
	bool have_seq;
	uint64_t last_seq;
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s monitor [--json] [--admin] [--type mailbox|ring] [--name NAME] [--count N]\n",
		prog_name);
}

static void stamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%06ld", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, ts.tv_nsec / 1000);
}

static void notice(struct monitor *m, const char *what, uint64_t a, uint64_t b)
{
	char ts[32];

	stamp(ts, sizeof(ts));
	if (m->json)
		printf("{\"time\": \"%s\", \"notice\": \"%s\", \"lost_from\": %" PRIu64
		       ", \"lost_to\": %" PRIu64 "}\n", ts, what, a, b);
	else if (b)
		printf("[%s] !! %s: %" PRIu64 " events lost (seq %" PRIu64 "..%" PRIu64 ")\n",
		       ts, what, b - a + 1, a, b);
	else
		printf("[%s] !! %s: events lost\n", ts, what);
	fflush(stdout);
}

static void print_event(const struct nl_event *ev, void *arg)
{
	struct monitor *m = arg;
	char ts[32];

	if (m->have_seq && ev->seq > m->last_seq + 1)
		notice(m, "gap", m->last_seq + 1, ev->seq - 1);
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
	if (m->json) {
		printf("{\"time\": \"%s\", \"seq\": %" PRIu64 ", \"event\": \"%s\", \"object\": ",
		       ts, ev->seq, ipcnl_event_name(ev->type));
		objprint_json(&ev->obj);
		if (ev->has_count)
			printf(", \"count\": %" PRIu64, ev->count);
		if (ev->has_role)
			printf(", \"role\": %u", ev->role);
		if (ev->has_depth)
			printf(", \"depth\": %u", ev->depth);
		if (ev->has_pid)
			printf(", \"pid\": %u", ev->pid);
		printf("}\n");
	} else {
		printf("[%s] seq %" PRIu64 " %-9s %s %u %s", ts, ev->seq,
		       ipcnl_event_name(ev->type), ipcnl_obj_type_name(ev->obj.type),
		       ev->obj.id, objprint_name(&ev->obj));
		if (ev->has_count)
			printf(" count %" PRIu64, ev->count);
		if (ev->has_role)
			printf(" role %u", ev->role);
		if (ev->has_depth)
			printf(" depth %u", ev->depth);
		if (ev->has_pid)
			printf(" pid %u", ev->pid);
		if (ev->obj.has_owner)
			printf(" uid %u", ev->obj.uid);
		printf("\n");
	}
	fflush(stdout);
}

int monitor_main(int argc, char *argv[])
{
	struct monitor m = { .count = -1 };
	struct ipcchan_nl *nl;
	bool admin = false;
	int i, ret = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			m.json = 1;
		} else if (!strcmp(argv[i], "--admin")) {
			admin = true;
		} else if (!strcmp(argv[i], "--type") && i + 1 < argc) {
			m.type = objprint_parse_type(argv[++i]);
			if (!m.type)
				goto bad;
		} else if (!strcmp(argv[i], "--name") && i + 1 < argc) {
			m.name = argv[++i];
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			m.count = strtol(argv[++i], NULL, 10);
			if (m.count <= 0)
				goto bad;
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			goto bad;
		}
	}

	nl = ipcnl_open();
	if (!nl)
		return 1;
	if (ipcnl_monitor_join(nl, admin))
		goto out;
	while (m.count) {
		int r = ipcnl_monitor_recv(nl, print_event, &m);

		if (r < 0)
			goto out;
		if (r > 0) {
			notice(&m, "socket overrun (ENOBUFS)", 0, 0);
			/* The next number after an overrun says nothing new. */
			m.have_seq = false;
		}
	}
	ret = 0;
out:
	ipcnl_close(nl);
	return ret;
bad:
	usage(stderr);
	return 1;
}
