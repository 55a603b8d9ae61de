// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dev.h"
#include "subcommands.h"

int dev_open(void)
{
	int fd = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int err = errno;

		print_errno(IPCCHAN_DEVICE_PATH, err, NULL);
		if (err == ENOENT)
			fprintf(stderr, "%s: is the module loaded? (insmod kmod/ipcchan.ko)\n",
				prog_name);
		errno = err;
	}
	return fd;
}

int dev_get_info(int fd, struct ipcchan_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, IPCCHAN_IOC_GET_INFO, info);
}

int dev_mbox_open(int fd, const char *name, unsigned int flags,
		  struct ipcchan_mbox_open *attr)
{
	attr->size = sizeof(*attr);
	attr->flags = flags;
	attr->name = (uintptr_t)name;
	attr->name_len = name ? strlen(name) : 0;
	return ioctl(fd, IPCCHAN_IOC_MBOX_OPEN, attr);
}

int dev_unlink(int fd, unsigned int type, const char *name)
{
	struct ipcchan_unlink u = {
		.size = sizeof(u), .type = type,
		.name = (uintptr_t)name, .name_len = strlen(name),
	};

	return ioctl(fd, IPCCHAN_IOC_UNLINK, &u);
}
