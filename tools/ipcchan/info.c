// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan info [--json]: what IPCCHAN_IOC_GET_INFO reports.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"
#include "output.h"
#include "subcommands.h"

static const char *const feature_names[] = {
	[IPCCHAN_FEAT_MAILBOX_BIT] = "mailbox",
	[IPCCHAN_FEAT_RING_BIT] = "ring",
	[IPCCHAN_FEAT_NETLINK_BIT] = "netlink",
	[__IPCCHAN_FEAT_MAX] = NULL,
};

static void print_features_text(uint64_t features)
{
	unsigned int bit;
	int any = 0;

	for (bit = 0; bit < 64; bit++) {
		if (!(features & (1ULL << bit)))
			continue;
		if (bit < __IPCCHAN_FEAT_MAX && feature_names[bit])
			printf("%s%s", any ? " " : "", feature_names[bit]);
		else
			printf("%sbit%u", any ? " " : "", bit);
		any = 1;
	}
	printf("%s\n", any ? "" : "(none)");
}

static void print_features_json(uint64_t features)
{
	unsigned int bit;
	int any = 0;

	printf("[");
	for (bit = 0; bit < 64; bit++) {
		if (!(features & (1ULL << bit)))
			continue;
		printf("%s", any ? ", " : "");
		if (bit < __IPCCHAN_FEAT_MAX && feature_names[bit])
			json_print_string(stdout, feature_names[bit]);
		else
			printf("\"bit%u\"", bit);
		any = 1;
	}
	printf("]");
}

int info_main(int argc, char *argv[])
{
	struct ipcchan_info info;
	char b[32];
	int json = 0, fd, ret = 1;

	if (argc == 2 && !strcmp(argv[1], "--json")) {
		json = 1;
	} else if (argc != 1) {
		fprintf(stderr, "Usage: %s %s [--json]\n", prog_name, argv[0]);
		return 1;
	}

	fd = dev_open();
	if (fd < 0)
		return 1;
	if (dev_get_info(fd, &info) < 0) {
		fprintf(stderr, "%s: GET_INFO: %s\n", prog_name, strerror(errno));
		goto out;
	}

	if (json) {
		printf("{\"abi_version\": %u, \"features\": ", info.abi_version);
		print_features_json(info.features);
		printf(", \"features_mask\": %" PRIu64 ", \"limits\": {"
		       "\"name_max\": %u, \"mbox_max_msgs\": %u, "
		       "\"mbox_max_msgsize\": %u, \"ring_max_pages\": %u, "
		       "\"user_max_objects\": %u, \"user_max_bytes\": %" PRIu64 "}}\n",
		       (uint64_t)info.features, info.name_max, info.mbox_max_msgs,
		       info.mbox_max_msgsize, info.ring_max_pages,
		       info.user_max_objects, (uint64_t)info.user_max_bytes);
	} else {
		long page = sysconf(_SC_PAGESIZE);

		printf("ipcchan ABI version %u\n", info.abi_version);
		printf("features:          ");
		print_features_text(info.features);
		printf("limits (unprivileged; CAP_SYS_RESOURCE may exceed them):\n");
		printf("  name length      %u bytes\n", info.name_max);
		printf("  mailbox capacity %u messages\n", info.mbox_max_msgs);
		printf("  message size     %s\n",
		       fmt_bytes(b, sizeof(b), info.mbox_max_msgsize));
		printf("  ring data area   %u pages (%s)\n", info.ring_max_pages,
		       fmt_bytes(b, sizeof(b), (uint64_t)info.ring_max_pages * page));
		printf("  objects per user %u\n", info.user_max_objects);
		printf("  memory per user  %s\n",
		       fmt_bytes(b, sizeof(b), info.user_max_bytes));
	}
	ret = 0;
out:
	close(fd);
	return ret;
}
