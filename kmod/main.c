// SPDX-License-Identifier: GPL-2.0
/*
 * ipcchan module entry: limits and the init/exit ladder.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <net/genetlink.h>

#include "chardev.h"
#include "main.h"
#include "netlink.h"
#include "object.h"

/*
 * Defaults are sized for a teaching or benchmarking VM: far above POSIX
 * mq's 10 messages of 8 KiB, far below anything that could pin a
 * noticeable share of memory for one unprivileged user.
 */
static unsigned int mbox_max_msgs = 4096;
module_param(mbox_max_msgs, uint, 0644);
MODULE_PARM_DESC(mbox_max_msgs, "Largest mailbox capacity in messages (default 4096)");

static unsigned int mbox_max_msgsize = 65536;
module_param(mbox_max_msgsize, uint, 0644);
MODULE_PARM_DESC(mbox_max_msgsize, "Largest maximum message size in bytes (default 65536)");

static unsigned int ring_max_pages = 1024;
module_param(ring_max_pages, uint, 0644);
MODULE_PARM_DESC(ring_max_pages, "Largest ring data area in pages (default 1024)");

static unsigned int user_max_objects = 1024;
module_param(user_max_objects, uint, 0644);
MODULE_PARM_DESC(user_max_objects, "Objects one user may own (default 1024)");

static unsigned long user_max_bytes = 64UL << 20;
module_param(user_max_bytes, ulong, 0644);
MODULE_PARM_DESC(user_max_bytes, "Kernel memory one user's objects may reserve (default 64 MiB)");

void ipcchan_limits_get(struct ipcchan_limits *lim)
{
	lim->mbox_max_msgs = READ_ONCE(mbox_max_msgs);
	lim->mbox_max_msgsize = READ_ONCE(mbox_max_msgsize);
	lim->ring_max_pages = READ_ONCE(ring_max_pages);
	lim->user_max_objects = READ_ONCE(user_max_objects);
	lim->user_max_bytes = READ_ONCE(user_max_bytes);
}

static int __init ipcchan_init(void)
{
	int ret;

	/* First: destroying the objects left at exit sends events. */
	ret = ipcchan_nl_init();
	if (ret)
		goto err_nl;

	ret = ipcchan_chardev_init();
	if (ret)
		goto err_chardev;

	pr_info("loaded, ABI version %u\n", IPCCHAN_ABI_VERSION);
	return 0;

err_chardev:
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
