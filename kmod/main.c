// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan module entry: the init/exit ladder.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "chardev.h"
#include "netlink.h"
#include "object.h"

static int __init ipcchan_init(void)
{
	int ret;

	/* First: destroying the objects left at exit sends events. */
	ret = ipcchan_nl_init();
	if (ret)
		goto err_nl;

	ret = ipcchan_object_init();
	if (ret)
		goto err_object;

	ret = ipcchan_chardev_init();
	if (ret)
		goto err_chardev;

	pr_info("loaded, ABI version %u\n", IPCCHAN_ABI_VERSION);
	return 0;

err_chardev:
	ipcchan_object_exit();
err_object:
	ipcchan_nl_exit();
err_nl:
	return ret;
}

static void __exit ipcchan_exit(void)
{
	ipcchan_chardev_exit();
	ipcchan_object_exit();
	ipcchan_nl_exit();
	pr_info("unloaded\n");
}

module_init(ipcchan_init);
module_exit(ipcchan_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The ipcchan authors");
MODULE_DESCRIPTION("Kernel-buffered mailboxes, shared rings and netlink events for IPC study");
MODULE_VERSION(IPCCHAN_VERSION);
/* Resolving the family (genl_ctrl_resolve, YNL) loads the module. */
MODULE_ALIAS_GENL_FAMILY(IPCCHAN_FAMILY_NAME);
