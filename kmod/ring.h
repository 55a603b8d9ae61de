/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPCCHAN_RING_H
#define _IPCCHAN_RING_H

#include <linux/compiler_types.h>

long ipcchan_ring_open(void __user *uarg);

#endif /* _IPCCHAN_RING_H */
