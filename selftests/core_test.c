// SPDX-License-Identifier: GPL-2.0
/*
 * Core /dev/ipcchan tests: the device node, IPCCHAN_IOC_GET_INFO, and module
 * lifetime (rmmod refused while an fd is open). The extensible-argument
 * convention (sizes, tails, reserved fields, bad pointers) is checked for
 * every ioctl, GET_INFO included, by abi_test.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "kselftest_harness.h"

#define MODULE_PATH_DEFAULT "/lib/ipcchan/ipcchan.ko"

static unsigned long long read_param(const char *name)
{
	char path[128], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/ipcchan/parameters/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return ~0ULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return ~0ULL;
	buf[n] = '\0';
	return strtoull(buf, NULL, 0);
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", IPCCHAN_DEVICE_PATH,
				       strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST(node_is_world_rw_char_device)
{
	struct stat st;

	ASSERT_EQ(0, stat(IPCCHAN_DEVICE_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0666, st.st_mode & 07777);
}

TEST(open_close_many)
{
	int i, fd;

	for (i = 0; i < 1000; i++) {
		fd = open(IPCCHAN_DEVICE_PATH, i & 1 ? O_RDONLY : O_RDWR);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, close(fd));
	}
}

TEST_F(dev, get_info)
{
	struct ipcchan_info info = { .size = sizeof(info) };

	ASSERT_EQ(0, ioctl(self->fd, IPCCHAN_IOC_GET_INFO, &info));
	EXPECT_EQ(sizeof(info), info.size);
	EXPECT_EQ(IPCCHAN_ABI_VERSION, info.abi_version);
	EXPECT_EQ(0, info.features & ~((1ULL << __IPCCHAN_FEAT_MAX) - 1));
	EXPECT_EQ(255, info.name_max);
	EXPECT_EQ(read_param("mbox_max_msgs"), info.mbox_max_msgs);
	EXPECT_EQ(read_param("mbox_max_msgsize"), info.mbox_max_msgsize);
	EXPECT_EQ(read_param("ring_max_pages"), info.ring_max_pages);
	EXPECT_EQ(read_param("user_max_objects"), info.user_max_objects);
	EXPECT_EQ(read_param("user_max_bytes"), info.user_max_bytes);
	EXPECT_EQ(0, info.flags);
	EXPECT_EQ(0, info.reserved0);
	EXPECT_EQ(0, info.reserved1);
}

TEST_F(dev, get_info_on_readonly_fd)
{
	struct ipcchan_info info = { .size = sizeof(info) };
	int fd = open(IPCCHAN_DEVICE_PATH, O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ioctl(fd, IPCCHAN_IOC_GET_INFO, &info));
	EXPECT_EQ(IPCCHAN_ABI_VERSION, info.abi_version);
	close(fd);
}

/* Module parameters are writable; GET_INFO reports the value in force. */
TEST_F(dev, get_info_follows_parameters)
{
	struct ipcchan_info info = { .size = sizeof(info) };
	const char *p = "/sys/module/ipcchan/parameters/user_max_objects";
	unsigned long long old = read_param("user_max_objects");
	char buf[32];
	int pfd;

	pfd = open(p, O_WRONLY);
	ASSERT_LE(0, pfd);
	ASSERT_LT(0, write(pfd, "77", 2));
	close(pfd);
	ASSERT_EQ(0, ioctl(self->fd, IPCCHAN_IOC_GET_INFO, &info));
	EXPECT_EQ(77, info.user_max_objects);

	pfd = open(p, O_WRONLY);
	ASSERT_LE(0, pfd);
	snprintf(buf, sizeof(buf), "%llu", old);
	ASSERT_LT(0, write(pfd, buf, strlen(buf)));
	close(pfd);
}

/* A newer caller's larger struct: zero tail accepted, size says how much. */
TEST_F(dev, long_zero_tail_is_accepted)
{
	struct {
		struct ipcchan_info info;
		__u8 tail[64];
	} big;

	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big);
	ASSERT_EQ(0, ioctl(self->fd, IPCCHAN_IOC_GET_INFO, &big));
	EXPECT_EQ(sizeof(big.info), big.info.size);
	EXPECT_EQ(IPCCHAN_ABI_VERSION, big.info.abi_version);
	/* The kernel never writes past its own structure. */
	for (unsigned int i = 0; i < sizeof(big.tail); i++)
		ASSERT_EQ(0, big.tail[i]);
}

TEST_F(dev, nonzero_flags_is_einval)
{
	struct ipcchan_info info = { .size = sizeof(info), .flags = 1 };

	EXPECT_EQ(-1, ioctl(self->fd, IPCCHAN_IOC_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	info.flags = 0x80000000u;
	EXPECT_EQ(-1, ioctl(self->fd, IPCCHAN_IOC_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
}

/* Output fields carry no input meaning: garbage in them is ignored. */
TEST_F(dev, output_fields_ignored_on_input)
{
	struct ipcchan_info info;

	memset(&info, 0xff, sizeof(info));
	info.size = sizeof(info);
	info.flags = 0;
	info.reserved0 = 0;
	info.reserved1 = 0;
	ASSERT_EQ(0, ioctl(self->fd, IPCCHAN_IOC_GET_INFO, &info));
	EXPECT_EQ(IPCCHAN_ABI_VERSION, info.abi_version);
}

TEST_F(dev, unknown_ioctl_is_enotty)
{
	struct ipcchan_info info = { .size = sizeof(info) };
	unsigned int nr;

	/* Numbers this device does not answer, and foreign magics. */
	for (nr = 0x04; nr < 0x100; nr += 0x1b) {
		EXPECT_EQ(-1, ioctl(self->fd, _IO(IPCCHAN_IOC_MAGIC, nr), &info));
		EXPECT_EQ(ENOTTY, errno);
	}
	EXPECT_EQ(-1, ioctl(self->fd, _IO(0xB8, 0x00), &info));
	EXPECT_EQ(ENOTTY, errno);
	/* Direction/size bits are part of the number: this is not GET_INFO. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(IPCCHAN_IOC_MAGIC, 0x00,
					    struct ipcchan_info), &info));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, read_write_are_einval)
{
	char buf[8] = { 0 };

	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
}

/* The CLI names every feature the module announces (no bare "bitN"). */
TEST(cli_names_every_feature)
{
	char exe[4096], cmd[4200], out[4096] = "";
	ssize_t n;
	size_t len;
	FILE *p;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(cmd, sizeof(cmd), "%s/ipcchan info --json", exe);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	len = fread(out, 1, sizeof(out) - 1, p);
	out[len] = '\0';
	ASSERT_EQ(0, pclose(p));
	ASSERT_NE(NULL, strstr(out, "\"features\": ["));
	EXPECT_EQ(NULL, strstr(out, "\"bit")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"mailbox\""));
}

/*
 * An open fd pins the module: rmmod fails with EWOULDBLOCK until the last
 * fd is closed. The test then loads the module again so later tests run.
 */
TEST(rmmod_refused_while_open)
{
	const char *ko = getenv("IPCCHAN_KO") ?: MODULE_PATH_DEFAULT;
	struct ipcchan_info info = { .size = sizeof(info) };
	int fd, kofd;

	if (geteuid() != 0)
		SKIP(return, "needs root to unload the module");
	kofd = open(ko, O_RDONLY | O_CLOEXEC);
	if (kofd < 0)
		SKIP(return, "module file %s not found", ko);

	fd = open(IPCCHAN_DEVICE_PATH, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, syscall(SYS_delete_module, "ipcchan", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	/* Still fully working. */
	EXPECT_EQ(0, ioctl(fd, IPCCHAN_IOC_GET_INFO, &info));
	ASSERT_EQ(0, close(fd));

	ASSERT_EQ(0, syscall(SYS_delete_module, "ipcchan", O_NONBLOCK))
		TH_LOG("delete_module: %s", strerror(errno));
	EXPECT_EQ(-1, access(IPCCHAN_DEVICE_PATH, F_OK));

	ASSERT_EQ(0, syscall(SYS_finit_module, kofd, "", 0))
		TH_LOG("finit_module: %s", strerror(errno));
	close(kofd);
	fd = open(IPCCHAN_DEVICE_PATH, O_RDWR);
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_HARNESS_MAIN
