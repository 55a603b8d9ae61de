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

/*
 * MBOX_OPEN of @name (NULL: anonymous) with IPCCHAN_OPEN_* @flags and, on
 * creation, the attributes in @attr (capacity, msgsize_max, policy, mode;
 * size, flags and name are filled in here). Returns the fd or -1.
 */
int dev_mbox_open(int fd, const char *name, unsigned int flags,
		  struct ipcchan_mbox_open *attr);
/* UNLINK @name of @type; returns 0 or -1 with errno set. */
int dev_unlink(int fd, unsigned int type, const char *name);

#endif
