// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/ipcchan: the factory device. Its ioctls report what the module can
 * do and create or open objects, each returned as a new anon-inode fd.
 *
 * Module lifetime: every file_operations here and in the object files has
 * .owner = THIS_MODULE, so each open fd (and, through vm_file, each
 * mapping) pins the module and rmmod fails with EBUSY until all are gone.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>

#include "chardev.h"
#include "mailbox.h"
#include "object.h"
#include "ring.h"

/*
 * Every published size of an extensible argument ends at a field of its
 * structure. A field added to a structure without a new *_SIZE_VERn, or a
 * constant that does not end where its version did, fails the build here.
 */
#define IPCCHAN_ABI_SIZE(type, field, size) \
	static_assert(offsetofend(struct type, field) == (size))
#define IPCCHAN_ABI_LAST(type, field, size) \
	static_assert(sizeof(struct type) == (size) && \
		      offsetofend(struct type, field) == sizeof(struct type))

IPCCHAN_ABI_LAST(ipcchan_info, user_max_bytes, IPCCHAN_INFO_SIZE_VER0);
IPCCHAN_ABI_LAST(ipcchan_unlink, name, IPCCHAN_UNLINK_SIZE_VER0);
IPCCHAN_ABI_SIZE(ipcchan_mbox_open, reserved, IPCCHAN_MBOX_OPEN_SIZE_VER0);
IPCCHAN_ABI_LAST(ipcchan_mbox_open, reserved1, IPCCHAN_MBOX_OPEN_SIZE_VER1);
IPCCHAN_ABI_LAST(ipcchan_mbox_msg, dropped, IPCCHAN_MBOX_MSG_SIZE_VER0);
IPCCHAN_ABI_LAST(ipcchan_mbox_xfer, msg_size, IPCCHAN_MBOX_XFER_SIZE_VER0);
IPCCHAN_ABI_SIZE(ipcchan_mbox_attr, reserved_bytes, IPCCHAN_MBOX_ATTR_SIZE_VER0);
IPCCHAN_ABI_LAST(ipcchan_mbox_attr, reserved1, IPCCHAN_MBOX_ATTR_SIZE_VER1);
IPCCHAN_ABI_LAST(ipcchan_mbox_stats, residence_hist, IPCCHAN_MBOX_STATS_SIZE_VER0);
IPCCHAN_ABI_LAST(ipcchan_ring_open, off, IPCCHAN_RING_OPEN_SIZE_VER0);
IPCCHAN_ABI_LAST(ipcchan_ring_info, off, IPCCHAN_RING_INFO_SIZE_VER0);
IPCCHAN_ABI_SIZE(ipcchan_ring_wait, timeout_ns, IPCCHAN_RING_WAIT_SIZE_VER0);
IPCCHAN_ABI_LAST(ipcchan_ring_wait, reserved, IPCCHAN_RING_WAIT_SIZE_VER1);
IPCCHAN_ABI_LAST(ipcchan_ring_stats, consumer, IPCCHAN_RING_STATS_SIZE_VER0);

static long ipcchan_get_info(void __user *uarg)
{
	struct ipcchan_info info;
	struct ipcchan_limits lim;
	int usize;

	usize = ipcchan_copy_arg(&info, sizeof(info), IPCCHAN_INFO_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	if (info.flags || info.reserved0 || info.reserved1)
		return -EINVAL;
	/* Everything else is output; the caller's values are ignored. */

	ipcchan_limits_get(&lim);
	memset(&info, 0, sizeof(info));
	info.abi_version = IPCCHAN_ABI_VERSION;
	info.features = 0;
	info.features |= IPCCHAN_FEAT_MAILBOX;
	info.features |= IPCCHAN_FEAT_RING;
	info.features |= IPCCHAN_FEAT_NETLINK;
	info.features |= IPCCHAN_FEAT_RENDEZVOUS;
	info.name_max = IPCCHAN_NAME_MAX;
	info.mbox_max_msgs = lim.mbox_max_msgs;
	info.mbox_max_msgsize = lim.mbox_max_msgsize;
	info.ring_max_pages = lim.ring_max_pages;
	info.user_max_objects = lim.user_max_objects;
	info.user_max_bytes = lim.user_max_bytes;
	return ipcchan_put_arg(uarg, &info, usize);
}

static long ipcchan_dev_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case IPCCHAN_IOC_GET_INFO:
		return ipcchan_get_info(uarg);
	case IPCCHAN_IOC_MBOX_OPEN:
		return ipcchan_mbox_ioctl_open(uarg);
	case IPCCHAN_IOC_UNLINK:
		return ipcchan_obj_ioctl_unlink(uarg);
	case IPCCHAN_IOC_RING_OPEN:
		return ipcchan_ring_open(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations ipcchan_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= ipcchan_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice ipcchan_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "ipcchan",
	.fops	= &ipcchan_dev_fops,
	/* Per-object permissions are checked by the objects themselves. */
	.mode	= 0666,
};

int __init ipcchan_chardev_init(void)
{
	return misc_register(&ipcchan_miscdev);
}

void ipcchan_chardev_exit(void)
{
	misc_deregister(&ipcchan_miscdev);
}
