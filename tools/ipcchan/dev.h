/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CLI's boundary with /dev/ipcchan for device-level requests. No
 * subcommand opens the device or issues a factory ioctl by itself.
 */
#ifndef IPCCHAN_DEV_H
#define IPCCHAN_DEV_H

#include <linux/ipcchan.h>

/* Open /dev/ipcchan; on failure print why (module not loaded?) and return -1. */
int dev_open(void);
/* GET_INFO into @info; returns 0 or -1 with errno set. */
int dev_get_info(int fd, struct ipcchan_info *info);

#endif
