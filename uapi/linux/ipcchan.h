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

/* ------------------------------------------------------------------ */
/* Objects and names                                                   */
/* ------------------------------------------------------------------ */

/**
 * enum ipcchan_obj_type - kinds of object /dev/ipcchan can create
 * @IPCCHAN_OBJ_MAILBOX: a mailbox, see "Mailboxes" below
 * @IPCCHAN_OBJ_RING: a shared ring, see "Shared rings" below
 * @__IPCCHAN_OBJ_MAX: one past the highest defined type
 *
 * Each type has its own name space: a mailbox and a ring may carry the
 * same name. Zero is not a type.
 */
enum ipcchan_obj_type {
	IPCCHAN_OBJ_MAILBOX = 1,
	IPCCHAN_OBJ_RING = 2,
	__IPCCHAN_OBJ_MAX,
};

/*
 * Open flags, shared by every open ioctl of the factory. Each open ioctl
 * documents which of them it accepts; any other bit gives EINVAL.
 *
 * Names. An object is anonymous (name pointer 0 and length 0), reachable
 * only through its fds, or named. A name is 1 to %IPCCHAN_NAME_MAX bytes
 * passed with an explicit length and no terminating NUL; it must contain
 * neither '/' nor NUL. Empty or malformed names give EINVAL, longer ones
 * ENAMETOOLONG. Names live in the IPC namespace of the caller, per type.
 *
 * A named object lives while it is named or has an fd; an anonymous one
 * while it has an fd. A name holds a reference on its IPC namespace, so a
 * namespace whose processes have all gone stays allocated until its
 * named objects are unlinked (or the module is unloaded).
 *
 * Permissions, as for POSIX message queues: a new object gets the
 * caller's filesystem uid and gid as owner and group, and the requested
 * mode bits minus the caller's umask. Opening an existing name checks the
 * owner, group or other bits against the requested access (EACCES);
 * CAP_DAC_OVERRIDE in the namespace's user namespace overrides. The
 * creator of a new object always gets the access it asked for.
 *
 * Accounting. Every object is charged to its owner: one object against
 * user_max_objects and its worst-case memory against user_max_bytes (see
 * &struct ipcchan_info). Going over either gives EDQUOT unless the caller
 * has CAP_SYS_RESOURCE. The memory is also charged to the creator's
 * memory cgroup; when that fails, ENOMEM.
 */

/** IPCCHAN_OPEN_READ - the new fd may receive (mailboxes) */
#define IPCCHAN_OPEN_READ	0x01U
/** IPCCHAN_OPEN_WRITE - the new fd may send (mailboxes) */
#define IPCCHAN_OPEN_WRITE	0x02U
/** IPCCHAN_OPEN_CREATE - create the name if it does not exist (O_CREAT) */
#define IPCCHAN_OPEN_CREATE	0x04U
/** IPCCHAN_OPEN_EXCL - with CREATE, fail with EEXIST if it exists (O_EXCL) */
#define IPCCHAN_OPEN_EXCL	0x08U
/** IPCCHAN_OPEN_NONBLOCK - the new fd starts in O_NONBLOCK mode */
#define IPCCHAN_OPEN_NONBLOCK	0x10U

/**
 * struct ipcchan_unlink - argument of %IPCCHAN_IOC_UNLINK
 * @size: sizeof(struct ipcchan_unlink), at least
 *	%IPCCHAN_UNLINK_SIZE_VER0.
 * @flags: must be zero.
 * @type: &enum ipcchan_obj_type of the object to unlink.
 * @name_len: length of the name in bytes, without any NUL.
 * @name: user pointer to the name.
 */
struct ipcchan_unlink {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 name_len;
	__u64 name;
};

/** IPCCHAN_UNLINK_SIZE_VER0 - size of the first published &struct ipcchan_unlink */
#define IPCCHAN_UNLINK_SIZE_VER0	24

/**
 * IPCCHAN_IOC_UNLINK - remove a name
 *
 * Argument: &struct ipcchan_unlink. The object itself lives on while fds
 * refer to it; a new object may be created under the same name at once.
 * Only the owner, or a caller with CAP_FOWNER in the user namespace of the
 * name's IPC namespace, may unlink (as in the sticky directory of the
 * mqueue file system). Errors: EFAULT, EINVAL (bad @size, @flags, @type
 * or name), E2BIG, ENAMETOOLONG, ENOENT (no such name), EPERM (not the
 * owner).
 */
#define IPCCHAN_IOC_UNLINK	_IO(IPCCHAN_IOC_MAGIC, 0x03)

/* ------------------------------------------------------------------ */
/* Generic netlink family "ipcchan"                                    */
/* ------------------------------------------------------------------ */

/*
 * Documentation/netlink/specs/ipcchan.yaml is the authoritative
 * description of the family; the names and values below follow it
 * (scripts/nl-spec-check.py compares them). Attribute trees:
 *
 * IPCCHAN_CMD_OBJ_GET: do (request: OBJ_ID, optional OBJ_TYPE) or dump (request: optional
 * OBJ_TYPE); one reply message per object:
 *
 *	IPCCHAN_A_OBJ_ID		u32
 *	IPCCHAN_A_OBJ_TYPE		u32, &enum ipcchan_obj_type
 *	IPCCHAN_A_OBJ_NAME		string, absent when anonymous
 *	IPCCHAN_A_OBJ_NAMED		flag, the name can still be opened
 *	IPCCHAN_A_OBJ_MODE		u32
 *	IPCCHAN_A_OBJ_UID		u32   \
 *	IPCCHAN_A_OBJ_GID		u32    > privileged or owner only
 *	IPCCHAN_A_OBJ_CREATOR_PID	u32   /
 *	IPCCHAN_A_OBJ_CREATED_NS	u64, CLOCK_MONOTONIC
 *	IPCCHAN_A_OBJ_CHARGED		u64, bytes charged to the owner
 *
 * IPCCHAN_CMD_LIMITS_GET: do (request: optional LIMITS_UID); reply:
 *
 *	IPCCHAN_A_LIMITS_NAME_MAX ... IPCCHAN_A_LIMITS_USER_MAX_BYTES
 *	IPCCHAN_A_LIMITS_UID		u32, whose usage follows
 *	IPCCHAN_A_LIMITS_USER_OBJECTS	u32
 *	IPCCHAN_A_LIMITS_USER_BYTES	u64
 *
 * IPCCHAN_CMD_EVENT: multicast on IPCCHAN_MCGRP_MONITOR and, with the
 * fields marked privileged above, on IPCCHAN_MCGRP_MONITOR_ADMIN; the
 * object's attributes as for OBJ_GET (statistics only in DESTROYED) plus:
 *
 *	IPCCHAN_A_OBJ_EV_SEQ		u64, per network namespace, +1 per event
 *	IPCCHAN_A_OBJ_EV_TYPE		u32, &enum ipcchan_event
 *	IPCCHAN_A_OBJ_EV_COUNT		u64, DROP: drops since the last DROP
 *	IPCCHAN_A_OBJ_EV_ROLE		u32, ATTACHED/DETACHED/PEER_GONE
 *	IPCCHAN_A_OBJ_EV_DEPTH		u32, HIWAT: depth reached
 *	IPCCHAN_A_OBJ_EV_PID		u32, ATTACHED/DETACHED, admin group only
 */

/** IPCCHAN_FAMILY_NAME - generic netlink family name */
#define IPCCHAN_FAMILY_NAME		"ipcchan"
/** IPCCHAN_FAMILY_VERSION - generic netlink family version */
#define IPCCHAN_FAMILY_VERSION		1

/** IPCCHAN_MCGRP_MONITOR - events, open to every listener */
#define IPCCHAN_MCGRP_MONITOR		"monitor"
/**
 * IPCCHAN_MCGRP_MONITOR_ADMIN - the same events with owner and pid
 * fields; joining needs CAP_NET_ADMIN in the network namespace
 */
#define IPCCHAN_MCGRP_MONITOR_ADMIN	"monitor-admin"

/**
 * enum ipcchan_event - values of %IPCCHAN_A_EV_TYPE
 * @IPCCHAN_EVENT_CREATED: an object got its id (it is now listed)
 * @IPCCHAN_EVENT_DESTROYED: an object is gone; carries its final statistics
 * @IPCCHAN_EVENT_ATTACHED: an fd was opened on an object
 * @IPCCHAN_EVENT_DETACHED: an fd of an object was closed
 * @IPCCHAN_EVENT_DROP: messages or records were dropped or refused for
 *	lack of space; the first one is reported at once, later ones at
 *	most once a second per object, summed in %IPCCHAN_A_EV_COUNT
 * @IPCCHAN_EVENT_HIWAT: an object's depth crossed its high watermark
 * @IPCCHAN_EVENT_PEER_GONE: a ring role lost its last fd
 * @__IPCCHAN_EVENT_MAX: one past the highest value
 */
enum ipcchan_event {
	IPCCHAN_EVENT_CREATED = 1,
	IPCCHAN_EVENT_DESTROYED,
	IPCCHAN_EVENT_ATTACHED,
	IPCCHAN_EVENT_DETACHED,
	IPCCHAN_EVENT_DROP,
	IPCCHAN_EVENT_HIWAT,
	IPCCHAN_EVENT_PEER_GONE,
	__IPCCHAN_EVENT_MAX,
};

/* Attributes of an object (OBJ_GET replies and events). */
enum {
	IPCCHAN_A_OBJ_ID = 1,
	IPCCHAN_A_OBJ_TYPE,
	IPCCHAN_A_OBJ_NAME,
	IPCCHAN_A_OBJ_NAMED,
	IPCCHAN_A_OBJ_PAD,
	IPCCHAN_A_OBJ_MODE,
	IPCCHAN_A_OBJ_UID,
	IPCCHAN_A_OBJ_GID,
	IPCCHAN_A_OBJ_CREATOR_PID,
	IPCCHAN_A_OBJ_CREATED_NS,
	IPCCHAN_A_OBJ_CHARGED,
	IPCCHAN_A_OBJ_EV_SEQ,
	IPCCHAN_A_OBJ_EV_TYPE,
	IPCCHAN_A_OBJ_EV_COUNT,
	IPCCHAN_A_OBJ_EV_ROLE,
	IPCCHAN_A_OBJ_EV_DEPTH,
	IPCCHAN_A_OBJ_EV_PID,

	__IPCCHAN_A_OBJ_MAX,
	IPCCHAN_A_OBJ_MAX = (__IPCCHAN_A_OBJ_MAX - 1)
};

/* Attributes of LIMITS_GET. */
enum {
	IPCCHAN_A_LIMITS_NAME_MAX = 1,
	IPCCHAN_A_LIMITS_MBOX_MAX_MSGS,
	IPCCHAN_A_LIMITS_MBOX_MAX_MSGSIZE,
	IPCCHAN_A_LIMITS_RING_MAX_PAGES,
	IPCCHAN_A_LIMITS_USER_MAX_OBJECTS,
	IPCCHAN_A_LIMITS_PAD,
	IPCCHAN_A_LIMITS_USER_MAX_BYTES,
	IPCCHAN_A_LIMITS_UID,
	IPCCHAN_A_LIMITS_USER_OBJECTS,
	IPCCHAN_A_LIMITS_USER_BYTES,

	__IPCCHAN_A_LIMITS_MAX,
	IPCCHAN_A_LIMITS_MAX = (__IPCCHAN_A_LIMITS_MAX - 1)
};

/* Commands. */
enum {
	IPCCHAN_CMD_OBJ_GET = 1,
	IPCCHAN_CMD_LIMITS_GET,
	IPCCHAN_CMD_EVENT,

	__IPCCHAN_CMD_MAX,
	IPCCHAN_CMD_MAX = (__IPCCHAN_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_IPCCHAN_H */
