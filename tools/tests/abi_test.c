// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the uapi header itself: structure sizes are the published
 * *_SIZE_VER* constants and no structure has implicit padding, so 32- and
 * 64-bit callers see one layout.
 */
#include <stddef.h>

#include <linux/ipcchan.h>

#include "kselftest_harness.h"

TEST(info_layout)
{
	EXPECT_EQ(IPCCHAN_INFO_SIZE_VER0, sizeof(struct ipcchan_info));
	EXPECT_EQ(0, offsetof(struct ipcchan_info, size));
	EXPECT_EQ(16, offsetof(struct ipcchan_info, features));
	EXPECT_EQ(48, offsetof(struct ipcchan_info, user_max_bytes));
	EXPECT_EQ(0, sizeof(struct ipcchan_info) % 8);
}

TEST(ioctl_numbers_carry_no_size)
{
	/* Extensible structs: the size travels in the struct, not the number. */
	EXPECT_EQ(0, _IOC_SIZE(IPCCHAN_IOC_GET_INFO));
	EXPECT_EQ(IPCCHAN_IOC_MAGIC, _IOC_TYPE(IPCCHAN_IOC_GET_INFO));
	EXPECT_EQ(0x00, _IOC_NR(IPCCHAN_IOC_GET_INFO));
}

TEST_HARNESS_MAIN
