/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPCCHAN_MAILBOX_H
#define _IPCCHAN_MAILBOX_H

long ipcchan_mbox_ioctl_open(void __user *uarg);

#endif /* _IPCCHAN_MAILBOX_H */
