// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan info [--json]: what IPCCHAN_IOC_GET_INFO reports. The limits'
 * keys are the names of the spec's limits attribute set.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"
#include "output.h"
#include "subcommands.h"

static int info_run(int argc, char *argv[]);

static const struct verb info_verb = {
	.fn = info_run,
	.description = "Show the module's ABI version, features and limits",
	.usage = "",
	.help = "",
};
static const struct command info_cmd = { "info", &info_verb, 1 };

static const char *const feature_names[] = {
	[IPCCHAN_FEAT_MAILBOX_BIT] = "mailbox",
	[IPCCHAN_FEAT_RING_BIT] = "ring",
	[IPCCHAN_FEAT_NETLINK_BIT] = "netlink",
	[IPCCHAN_FEAT_RENDEZVOUS_BIT] = "rendezvous",
	[__IPCCHAN_FEAT_MAX] = NULL,
};

static void print_features(uint64_t features)
{
	unsigned int bit;
	char name[16];
	int any = 0;

	print_text("features:          ");
	open_json_array("features");
	for (bit = 0; bit < 64; bit++) {
		if (!(features & (1ULL << bit)))
			continue;
		if (bit < __IPCCHAN_FEAT_MAX && feature_names[bit])
			snprintf(name, sizeof(name), "%s", feature_names[bit]);
		else
			snprintf(name, sizeof(name), "bit%u", bit);
		print_text("%s", any ? " " : "");
		print_string(PRINT_ANY, NULL, "%s", name);
		any = 1;
	}
	close_json_array();
	print_text("%s\n", any ? "" : "(none)");
	print_u64(PRINT_JSON, "features-mask", NULL, features);
}

static void print_limits(const struct ipcchan_info *info)
{
	long page = sysconf(_SC_PAGESIZE);
	char b[32];

	print_text("limits (unprivileged; CAP_SYS_RESOURCE may exceed them):\n");
	open_json_object("limits");
	print_uint(PRINT_ANY, "name-max", "  name length      %u bytes\n",
		   info->name_max);
	print_uint(PRINT_ANY, "mbox-max-msgs", "  mailbox capacity %u messages\n",
		   info->mbox_max_msgs);
	print_size(PRINT_ANY, "mbox-max-msgsize", "  message size     %s\n",
		   info->mbox_max_msgsize);
	print_uint(PRINT_ANY, "ring-max-pages", "  ring data area   %u pages",
		   info->ring_max_pages);
	print_text(" (%s)\n", fmt_bytes(b, sizeof(b),
					(uint64_t)info->ring_max_pages * page));
	print_uint(PRINT_ANY, "user-max-objects", "  objects per user %u\n",
		   info->user_max_objects);
	print_size(PRINT_ANY, "user-max-bytes", "  memory per user  %s\n",
		   info->user_max_bytes);
	close_json_object();
}

static int info_run(int argc, char *argv[])
{
	static const struct option opts[] = { COMMON_OPTIONS, { 0 } };
	struct ipcchan_info info;
	int c, done = -1, fd, ret = EXIT_FAIL;

	while ((c = getopt_long(argc, argv, COMMON_SHORT, opts, NULL)) != -1) {
		if (opt_common(c, &info_cmd, NULL, &done) && done >= 0)
			return done;
	}
	if (optind != argc)
		return cmd_usage_error(&info_cmd, NULL, "unexpected argument `%s'",
				       argv[optind]);

	fd = dev_open();
	if (fd < 0)
		return EXIT_FAIL;
	if (dev_get_info(fd, &info) < 0) {
		print_errno("GET_INFO", errno, NULL);
		goto out;
	}
	out_init(stdout, opt_json);
	open_json_object(NULL);
	print_uint(PRINT_ANY, "abi-version", "ipcchan ABI version %u\n",
		   info.abi_version);
	print_features(info.features);
	print_limits(&info);
	close_json_object();
	ret = EXIT_OK;
out:
	close(fd);
	return ret;
}

int info_main(int argc, char *argv[])
{
	return cmd_dispatch(&info_cmd, argc, argv);
}
