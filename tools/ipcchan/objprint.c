// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "objprint.h"
#include "output.h"

uint32_t objprint_parse_type(const char *s)
{
	if (!strcmp(s, "mailbox") || !strcmp(s, "mbox"))
		return IPCCHAN_OBJ_MAILBOX;
	if (!strcmp(s, "ring"))
		return IPCCHAN_OBJ_RING;
	return 0;
}

const char *objprint_name(const struct nl_obj *o)
{
	static char buf[300];

	if (!o->has_name)
		return "(anonymous)";
	if (o->named)
		return o->name;
	snprintf(buf, sizeof(buf), "%s (unlinked)", o->name);
	return buf;
}

void objprint_json(const struct nl_obj *o)
{
	unsigned int i;

	printf("{\"id\": %u, \"type\": \"%s\", \"name\": ", o->id,
	       ipcnl_obj_type_name(o->type));
	if (o->has_name)
		json_print_string(stdout, o->name);
	else
		printf("null");
	printf(", \"named\": %s, \"mode\": %u", o->named ? "true" : "false",
	       o->mode);
	if (o->has_owner)
		printf(", \"uid\": %u, \"gid\": %u, \"creator_pid\": %u",
		       o->uid, o->gid, o->pid);
	printf(", \"created_ns\": %" PRIu64 ", \"charged\": %" PRIu64,
	       o->created_ns, o->charged);
	if (o->nstats) {
		printf(", \"stats\": {");
		for (i = 0; i < o->nstats; i++)
			printf("%s\"%s\": %" PRIu64, i ? ", " : "",
			       o->stats[i].name, o->stats[i].value);
		printf("}");
	}
	if (o->nhist) {
		printf(", \"residence_hist\": [");
		for (i = 0; i < o->nhist; i++)
			printf("%s%" PRIu64, i ? ", " : "", o->hist[i]);
		printf("]");
	}
	printf("}");
}

/*
 * The residence-time histogram, non-empty buckets only: bucket 0 is below
 * 2 ns, bucket i in [2^i, 2^(i+1)) ns.
 */
static void objprint_hist(const struct nl_obj *o)
{
	static const char *const unit[] = { "ns", "us", "ms", "s" };
	unsigned int i, u;
	uint64_t lo, total = 0;

	for (i = 0; i < o->nhist; i++)
		total += o->hist[i];
	if (!o->nhist)
		return;
	printf("residence time (%" PRIu64 " received):%s\n", total,
	       total ? "" : " -");
	for (i = 0; i < o->nhist; i++) {
		if (!o->hist[i])
			continue;
		lo = i ? 1ULL << i : 0;
		for (u = 0; u < 3 && lo >= 1000; u++)
			lo /= 1000;
		printf("  >= %4" PRIu64 " %-2s  %" PRIu64 "\n", lo, unit[u],
		       o->hist[i]);
	}
}

void objprint_text(const struct nl_obj *o)
{
	unsigned int i;
	char b[32];

	printf("id: %u\ntype: %s\nname: %s\nmode: %04o\n", o->id,
	       ipcnl_obj_type_name(o->type), objprint_name(o), o->mode);
	if (o->has_owner)
		printf("uid: %u\ngid: %u\ncreator pid: %u\n", o->uid, o->gid,
		       o->pid);
	else
		printf("owner: (not shown: another user's object)\n");
	printf("created: %" PRIu64 ".%09" PRIu64 " (CLOCK_MONOTONIC)\n",
	       o->created_ns / 1000000000, o->created_ns % 1000000000);
	printf("charged: %s\n", fmt_bytes(b, sizeof(b), o->charged));
	for (i = 0; i < o->nstats; i++)
		printf("%s: %" PRIu64 "\n", o->stats[i].name,
		       o->stats[i].value);
	objprint_hist(o);
}
