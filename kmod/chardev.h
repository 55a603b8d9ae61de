/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPCCHAN_CHARDEV_H
#define _IPCCHAN_CHARDEV_H

#include <linux/ipcchan.h>

int ipcchan_chardev_init(void);
void ipcchan_chardev_exit(void);

#endif /* _IPCCHAN_CHARDEV_H */
