/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPCCHAN_CHARDEV_H
#define _IPCCHAN_CHARDEV_H

#include <linux/ipcchan.h>

int ipcchan_copy_arg(void *karg, size_t ksize, size_t minsize,
		     const void __user *uarg);

int ipcchan_chardev_init(void);
void ipcchan_chardev_exit(void);

#endif /* _IPCCHAN_CHARDEV_H */
