/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ipcchan: kernel-buffered mailboxes, mmap-able shared rings and a generic
 * netlink family for studying kernel-side IPC buffering.
 *
 * This header is the whole ABI. Every structure and field is documented
 * here; Documentation/userspace-api/ipcchan.rst explains the semantics.
 *
 * Conventions shared by every ioctl
 * =================================
 *
 * - /dev/ipcchan is a factory: its ioctls create or open objects and return
 *   new O_CLOEXEC file descriptors for them. Object ioctls are issued on
 *   those descriptors, never on /dev/ipcchan itself.
 *
 * - Ioctl numbers are _IO(IPCCHAN_IOC_MAGIC, nr): the argument size is not
 *   encoded in the number, so that argument structures can grow. Instead,
 *   every argument structure starts with a __u32 @size that the caller sets
 *   to sizeof() of the structure it was compiled with. The kernel reads it
 *   with copy_struct_from_user() semantics:
 *
 *   ======================  ===============================================
 *   @size < first version   EINVAL
 *   @size > kernel's size   E2BIG if any byte the kernel does not know is
 *                           non-zero; otherwise the extra bytes are ignored
 *   @size < kernel's size   the missing fields read as zero
 *   ======================  ===============================================
 *
 * - Structures use only fixed-size types, __u64 for user pointers, and have
 *   no implicit padding. Fields named reserved* must be zero (EINVAL), and
 *   so must flag bits that are not defined (EINVAL).
 *
 * - A bad user pointer gives EFAULT and an unknown ioctl number ENOTTY.
 *
 * Ioctl number allocation (magic 0xB9, free in the kernel's
 * Documentation/userspace-api/ioctl/ioctl-number.rst):
 *
 *   ==========  ==================================  ==================
 *   nr          issued on                           header section
 *   ==========  ==================================  ==================
 *   0x00-0x0f   /dev/ipcchan (factory)              core, below
 *   0x10-0x2f   a mailbox fd                        "Mailboxes"
 *   0x30-0x4f   a ring fd                           "Shared rings"
 *   ==========  ==================================  ==================
 */
#ifndef _UAPI_LINUX_IPCCHAN_H
#define _UAPI_LINUX_IPCCHAN_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define IPCCHAN_DEVICE_PATH	"/dev/ipcchan"

/** IPCCHAN_IOC_MAGIC - ioctl type byte of every ipcchan ioctl */
#define IPCCHAN_IOC_MAGIC	0xB9

/**
 * IPCCHAN_ABI_VERSION - version of the ABI described by this header
 *
 * Bumped only for incompatible changes, which this project avoids: new
 * functionality is announced through feature bits instead.
 */
#define IPCCHAN_ABI_VERSION	1

/* ------------------------------------------------------------------ */
/* Core: /dev/ipcchan                                                  */
/* ------------------------------------------------------------------ */

/**
 * enum ipcchan_feature - bits of &ipcchan_info.features
 *
 * Each bit announces one facility of the loaded module. A bit is set only
 * when the facility is fully implemented; test for it before use.
 *
 * @__IPCCHAN_FEAT_MAX: one past the highest defined bit
 */
enum ipcchan_feature {
	__IPCCHAN_FEAT_MAX,
};

/**
 * struct ipcchan_info - argument of %IPCCHAN_IOC_GET_INFO
 * @size: in: sizeof(struct ipcchan_info) as known to the caller, at least
 *	%IPCCHAN_INFO_SIZE_VER0. out: the number of bytes the kernel filled
 *	in, that is min(caller's size, kernel's size); fields beyond it were
 *	not written.
 * @flags: in: must be zero.
 * @abi_version: out: %IPCCHAN_ABI_VERSION of the running module.
 * @reserved0: must be zero.
 * @features: out: bitmap of &enum ipcchan_feature.
 * @name_max: out: longest object name, in bytes, excluding the NUL.
 * @mbox_max_msgs: out: largest mailbox capacity, in messages, that an
 *	unprivileged creator may ask for.
 * @mbox_max_msgsize: out: largest maximum message size, in bytes, that an
 *	unprivileged creator may ask for.
 * @ring_max_pages: out: largest ring data area, in pages, that an
 *	unprivileged creator may ask for.
 * @user_max_objects: out: objects (mailboxes plus rings) a user may own.
 * @reserved1: must be zero.
 * @user_max_bytes: out: kernel memory, in bytes, that a user's objects may
 *	reserve in total.
 *
 * The limits are the module parameters in force when the call was made.
 * Callers with CAP_SYS_RESOURCE may exceed them.
 */
struct ipcchan_info {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 reserved0;
	__u64 features;
	__u32 name_max;
	__u32 mbox_max_msgs;
	__u32 mbox_max_msgsize;
	__u32 ring_max_pages;
	__u32 user_max_objects;
	__u32 reserved1;
	__u64 user_max_bytes;
};

/** IPCCHAN_INFO_SIZE_VER0 - size of the first published &struct ipcchan_info */
#define IPCCHAN_INFO_SIZE_VER0	56

/**
 * IPCCHAN_IOC_GET_INFO - report the ABI version, features and limits
 *
 * Argument: &struct ipcchan_info. Errors: EFAULT, EINVAL (short @size,
 * non-zero @flags or reserved field), E2BIG (unknown non-zero trailing
 * bytes).
 */
#define IPCCHAN_IOC_GET_INFO	_IO(IPCCHAN_IOC_MAGIC, 0x00)

#endif /* _UAPI_LINUX_IPCCHAN_H */
