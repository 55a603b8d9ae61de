// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the uapi header itself: structure sizes are the published
 * *_SIZE_VER* constants and no structure has implicit padding, so 32- and
 * 64-bit callers see one layout.
 */
#include <stddef.h>

#include <linux/ipcchan.h>

#include "test.h"

HOST_TEST(info_layout)
{
	CHECK(sizeof(struct ipcchan_info) == IPCCHAN_INFO_SIZE_VER0);
	CHECK(offsetof(struct ipcchan_info, size) == 0);
	CHECK(offsetof(struct ipcchan_info, features) == 16);
	CHECK(offsetof(struct ipcchan_info, user_max_bytes) == 48);
	CHECK(sizeof(struct ipcchan_info) % 8 == 0);
}

HOST_TEST(ioctl_numbers_carry_no_size)
{
	/* Extensible structs: the size travels in the struct, not the number. */
	CHECK(_IOC_SIZE(IPCCHAN_IOC_GET_INFO) == 0);
	CHECK(_IOC_TYPE(IPCCHAN_IOC_GET_INFO) == IPCCHAN_IOC_MAGIC);
	CHECK(_IOC_NR(IPCCHAN_IOC_GET_INFO) == 0x00);
}
