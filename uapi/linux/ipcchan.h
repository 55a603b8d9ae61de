/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ipcchan: kernel-buffered mailboxes, mmap-able shared rings and a generic
 * netlink family for studying kernel-side IPC buffering.
 *
 * This header is the whole ABI, with <linux/ipcchan_netlink.h> that it
 * includes (the netlink family's names and values, generated from its
 * spec). Every structure and field is documented here;
 * Documentation/userspace-api/ipcchan.rst explains the semantics.
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
 * - @size is written back by exactly the ioctls that copy their whole
 *   structure back: %IPCCHAN_IOC_GET_INFO, %IPCCHAN_IOC_MBOX_GET_ATTR,
 *   %IPCCHAN_IOC_MBOX_GET_STATS, %IPCCHAN_IOC_RING_OPEN,
 *   %IPCCHAN_IOC_RING_GET_INFO and %IPCCHAN_IOC_RING_GET_STATS. They copy
 *   min(caller's size, kernel's size) bytes and set @size to that number,
 *   so a new program on an old kernel knows which fields were filled in.
 *   Every other ioctl (%IPCCHAN_IOC_MBOX_OPEN, %IPCCHAN_IOC_UNLINK, the
 *   SEND/RECV &struct ipcchan_mbox_xfer, %IPCCHAN_IOC_RING_WAIT, which
 *   writes only @avail) only reads @size.
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

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/ipcchan_netlink.h>
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
 * @IPCCHAN_FEAT_MAILBOX_BIT: mailboxes: %IPCCHAN_IOC_MBOX_OPEN and the
 *	mailbox fd ioctls; test with %IPCCHAN_FEAT_MAILBOX.
 * @IPCCHAN_FEAT_RING_BIT: shared rings: %IPCCHAN_IOC_RING_OPEN and the
 *	ring fd ioctls; test with %IPCCHAN_FEAT_RING.
 * @IPCCHAN_FEAT_NETLINK_BIT: the generic netlink family
 *	%IPCCHAN_FAMILY_NAME with statistics and every event of
 *	&enum ipcchan_event; test with %IPCCHAN_FEAT_NETLINK.
 * @IPCCHAN_FEAT_RENDEZVOUS_BIT: rendezvous mailboxes
 *	(%IPCCHAN_MBOX_RENDEZVOUS); test with %IPCCHAN_FEAT_RENDEZVOUS.
 * @__IPCCHAN_FEAT_MAX: one past the highest defined bit
 */
enum ipcchan_feature {
	IPCCHAN_FEAT_MAILBOX_BIT = 0,
	IPCCHAN_FEAT_RING_BIT = 1,
	IPCCHAN_FEAT_NETLINK_BIT = 2,
	IPCCHAN_FEAT_RENDEZVOUS_BIT = 3,
	__IPCCHAN_FEAT_MAX,
};

/** IPCCHAN_FEAT_MAILBOX - &ipcchan_info.features mask for mailboxes */
#define IPCCHAN_FEAT_MAILBOX	_BITULL(IPCCHAN_FEAT_MAILBOX_BIT)
/** IPCCHAN_FEAT_RING - &ipcchan_info.features mask for shared rings */
#define IPCCHAN_FEAT_RING	_BITULL(IPCCHAN_FEAT_RING_BIT)
/** IPCCHAN_FEAT_NETLINK - &ipcchan_info.features mask for the netlink family */
#define IPCCHAN_FEAT_NETLINK	_BITULL(IPCCHAN_FEAT_NETLINK_BIT)
/** IPCCHAN_FEAT_RENDEZVOUS - &ipcchan_info.features mask for rendezvous mailboxes */
#define IPCCHAN_FEAT_RENDEZVOUS	_BITULL(IPCCHAN_FEAT_RENDEZVOUS_BIT)

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

/*
 * &enum ipcchan_obj_type (%IPCCHAN_OBJ_MAILBOX, %IPCCHAN_OBJ_RING) is
 * shared with the netlink family, so it is defined by the family's spec
 * and comes from <linux/ipcchan_netlink.h>.
 */

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
 * A new object is published (its id, name and created event) and its fds
 * installed only once everything that can fail has succeeded, including
 * the copy-out of results, so a failed open or create leaves nothing
 * behind. Until then an open of the same name waits for the outcome
 * (only a fatal signal ends that wait) and unlinking it gives ENOENT.
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
/* Mailboxes                                                           */
/* ------------------------------------------------------------------ */

/*
 * A mailbox is a kernel-buffered message queue. write() sends one message
 * at priority 0 and read() receives exactly one whole message: a buffer
 * that is too short gives EMSGSIZE and leaves the message queued. readv(),
 * writev() and io_uring gather or scatter one message per call. Messages
 * come out highest priority first, FIFO within a priority. Zero-length
 * messages are messages (read() returns 0 for them).
 *
 * All memory is reserved when the mailbox is created, so sending never
 * fails for lack of memory and never allocates. With n = capacity + 1
 * slots (the extra one lets a sender copy in while the mailbox is full),
 * s = msgsize_max rounded up to a multiple of 8 and P the page size, the
 * reservation is
 *
 *	M + area(32 * n) + area(s * n) + sizeof(void *) * ceil(s * n / (8 * P))
 *
 * where 32 * n are the slots' headers, s * n their data, kept in chunks
 * of 8 pages whose pointers make the last term, area(x) is x for x <= P
 * and x rounded up to whole pages above (what is allocated; the slab's
 * rounding of smaller buffers is not counted), and M is the kernel's
 * mailbox structure, the same for every mailbox of one module build and
 * below P. A queued 64-byte message in a mailbox of 64-byte messages so
 * costs 96 bytes. The reservation is what is charged against
 * user_max_bytes and reported in &ipcchan_mbox_attr.reserved_bytes.
 *
 * A mailbox fd opened for reading only cannot send and vice versa: EBADF
 * from read()/write() and from the SEND/RECV ioctls.
 *
 * When no message can ever arrive (no fd open for writing and no name) an
 * empty mailbox reports EPOLLHUP to readers and receiving fails with
 * EPIPE; when no message can ever be received (no fd open for reading and
 * no name), writers see EPOLLERR and sending fails with EPIPE. No SIGPIPE
 * is sent.
 */

/** IPCCHAN_MBOX_PRIO_MAX - highest message priority; 0 is the lowest */
#define IPCCHAN_MBOX_PRIO_MAX		31

/** IPCCHAN_MBOX_DEFAULT_CAPACITY - capacity used when 0 is asked for */
#define IPCCHAN_MBOX_DEFAULT_CAPACITY	256
/** IPCCHAN_MBOX_DEFAULT_MSGSIZE - maximum size used when 0 is asked for */
#define IPCCHAN_MBOX_DEFAULT_MSGSIZE	8192

/**
 * IPCCHAN_MBOX_HARD_MAX_CAPACITY - capacity no caller may exceed
 *
 * Also with CAP_SYS_RESOURCE, as are %IPCCHAN_MBOX_HARD_MAX_MSGSIZE and
 * %IPCCHAN_MBOX_HARD_MAX_BYTES (capacity times slot size).
 */
#define IPCCHAN_MBOX_HARD_MAX_CAPACITY	(1024U * 1024)
/** IPCCHAN_MBOX_HARD_MAX_MSGSIZE - maximum message size no caller may exceed */
#define IPCCHAN_MBOX_HARD_MAX_MSGSIZE	(16U * 1024 * 1024)
/** IPCCHAN_MBOX_HARD_MAX_BYTES - buffer reservation no caller may exceed */
#define IPCCHAN_MBOX_HARD_MAX_BYTES	(1024ULL * 1024 * 1024)

/**
 * enum ipcchan_mbox_policy - what a send does when the mailbox is full
 * @IPCCHAN_MBOX_BLOCK: wait for room (or EAGAIN/ETIMEDOUT); the default.
 * @IPCCHAN_MBOX_DROP_NEWEST: discard the message being sent. The send
 *	succeeds; the message is not read from user memory.
 * @IPCCHAN_MBOX_DROP_OLDEST: discard the oldest queued message of the
 *	lowest queued priority to make room (flight-recorder mode). A
 *	message being copied out to a receiver at that instant is never
 *	discarded; if it is the only one queued, the new message is.
 * @IPCCHAN_MBOX_RENDEZVOUS: capacity zero: a send returns only once a
 *	receiver has taken its message (see below). Since
 *	%IPCCHAN_FEAT_RENDEZVOUS.
 * @__IPCCHAN_MBOX_POLICY_MAX: one past the highest policy
 *
 * Every discarded message is counted in &ipcchan_mbox_stats.msgs_dropped
 * and reported to the next receiver in &ipcchan_mbox_msg.dropped.
 *
 * Rendezvous. The mailbox buffers nothing: it is always "full", and a
 * send waits until a receive has removed its message, not merely queued
 * it (a read that gets %EMSGSIZE or %EFAULT, or a peek, does not take
 * it). One sender at a time offers its message, which then shows as
 * depth 1 and %EPOLLIN to receivers; other senders wait for their turn.
 * A blocking send waits for a receiver to come; with a timeout it fails
 * with %ETIMEDOUT if none took the message in time. A non-blocking send
 * fails with %EAGAIN at once unless a receiver is blocked in a receive;
 * it then waits only while a receiver is in a receive call, and fails
 * with %EAGAIN if they all leave without taking the message (a peek).
 * A send that fails (%ETIMEDOUT, %EAGAIN, %EINTR, %EPIPE) withdraws its
 * message unread; if a receiver took it first, the send succeeds
 * instead. A withdrawn message keeps its sequence number and is counted
 * as dropped, so receivers can still account for every number; no
 * message of a send that succeeded is ever dropped. A send killed by a
 * fatal signal while a receiver copies its message may leave it
 * offered. A batch sends its messages one at a time, each taken before
 * the next is read, and returns how many were taken. %EPOLLOUT means a
 * receiver is blocked and no message is offered: a send would not wait.
 * io_uring's non-blocking attempt (%IOCB_NOWAIT) always gets %EAGAIN
 * and is retried from a worker, which may block.
 */
enum ipcchan_mbox_policy {
	IPCCHAN_MBOX_BLOCK = 0,
	IPCCHAN_MBOX_DROP_NEWEST = 1,
	IPCCHAN_MBOX_DROP_OLDEST = 2,
	IPCCHAN_MBOX_RENDEZVOUS = 3,
	__IPCCHAN_MBOX_POLICY_MAX,
};

/**
 * struct ipcchan_mbox_open - argument of %IPCCHAN_IOC_MBOX_OPEN
 * @size: sizeof(struct ipcchan_mbox_open), at least
 *	%IPCCHAN_MBOX_OPEN_SIZE_VER0.
 * @flags: %IPCCHAN_OPEN_READ and/or %IPCCHAN_OPEN_WRITE (at least one),
 *	optionally %IPCCHAN_OPEN_CREATE, %IPCCHAN_OPEN_EXCL and
 *	%IPCCHAN_OPEN_NONBLOCK. An anonymous mailbox is always created.
 * @name_len: length of the name in bytes without NUL, 0 when anonymous.
 * @name: user pointer to the name, 0 when anonymous.
 * @mode: on creation: permission bits (at most 0777; the umask applies).
 * @capacity: on creation: messages the mailbox holds; 0 for
 *	%IPCCHAN_MBOX_DEFAULT_CAPACITY, except under
 *	%IPCCHAN_MBOX_RENDEZVOUS, where it must be 0 and means zero.
 * @msgsize_max: on creation: largest message in bytes; 0 for
 *	%IPCCHAN_MBOX_DEFAULT_MSGSIZE.
 * @policy: on creation: &enum ipcchan_mbox_policy.
 * @reserved: must be zero.
 * @send_lowat: on creation: the send low watermark, in free slots, 1 to
 *	@capacity (after the default for @capacity is applied), else EINVAL;
 *	0 for the default, a quarter of the capacity rounded down but at
 *	least 1 (as sockets wake a blocked writer once a good part of the
 *	buffer is free, not for every byte). Under %IPCCHAN_MBOX_BLOCK a
 *	sender that has to wait for room sleeps until this many slots are
 *	free (or the mailbox is empty), and %EPOLLOUT is reported on the
 *	same condition. 1 wakes a blocked sender for every slot freed, as
 *	POSIX mq does. Ignored by the drop policies. Under
 *	%IPCCHAN_MBOX_RENDEZVOUS it must be 0 and reads back as 1 (the
 *	sender whose turn comes next is woken when the offered message
 *	goes). Since %IPCCHAN_MBOX_OPEN_SIZE_VER1.
 * @reserved1: must be zero.
 *
 * @mode, @capacity, @msgsize_max, @policy and @send_lowat are ignored when
 * an existing name is opened; read them back with
 * %IPCCHAN_IOC_MBOX_GET_ATTR.
 */
struct ipcchan_mbox_open {
	__u32 size;
	__u32 flags;
	__u32 name_len;
	__u32 mode;
	__u64 name;
	__u32 capacity;
	__u32 msgsize_max;
	__u32 policy;
	__u32 reserved;
	__u32 send_lowat;
	__u32 reserved1;
};

/** IPCCHAN_MBOX_OPEN_SIZE_VER0 - size of the first published &struct ipcchan_mbox_open */
#define IPCCHAN_MBOX_OPEN_SIZE_VER0	40
/** IPCCHAN_MBOX_OPEN_SIZE_VER1 - &struct ipcchan_mbox_open with @send_lowat */
#define IPCCHAN_MBOX_OPEN_SIZE_VER1	48

/**
 * IPCCHAN_IOC_MBOX_OPEN - create or open a mailbox
 *
 * Argument: &struct ipcchan_mbox_open. Returns a new O_CLOEXEC mailbox fd,
 * readable and/or writable as asked. Errors:
 *
 * - EFAULT, E2BIG, EINVAL (bad @size, unknown @flags, neither READ nor
 *   WRITE, EXCL without CREATE, non-zero @reserved, malformed name; on
 *   creation: @mode beyond 0777, unknown @policy, @capacity or
 *   @msgsize_max above the module limits without CAP_SYS_RESOURCE or
 *   above the hard limits, @send_lowat above the capacity, @capacity or
 *   @send_lowat not 0 under %IPCCHAN_MBOX_RENDEZVOUS; non-zero
 *   @reserved1);
 * - ENAMETOOLONG, ENOENT (no such name and no CREATE), EEXIST (CREATE and
 *   EXCL, name exists), EACCES (mode bits deny the access asked for);
 * - EDQUOT (per-user object or byte limit), ENOMEM, EMFILE, ENFILE.
 *
 * A call that fails has no effect: no fd, and no new mailbox or name.
 */
#define IPCCHAN_IOC_MBOX_OPEN	_IO(IPCCHAN_IOC_MAGIC, 0x01)

/** IPCCHAN_MSG_TRUNCATED - &ipcchan_mbox_msg.flags: only part was copied */
#define IPCCHAN_MSG_TRUNCATED	0x01U

/**
 * struct ipcchan_mbox_msg - one message of a send or receive
 * @buf: user pointer to the payload (send) or the buffer (receive).
 * @len: send: payload length, at most the mailbox's maximum (EMSGSIZE).
 *	receive: in: buffer size; out: the message's full length, which
 *	exceeds the bytes copied only when @flags has
 *	%IPCCHAN_MSG_TRUNCATED.
 * @prio: send: priority, 0 to %IPCCHAN_MBOX_PRIO_MAX (EINVAL). receive:
 *	out.
 * @flags: receive, out: %IPCCHAN_MSG_TRUNCATED. Ignored on input.
 * @seq: receive, out: per-mailbox sequence number given at enqueue time,
 *	counting from 0, dropped messages included. Exact as long as fewer
 *	than 2^32 messages are sent while this one waits.
 * @enqueue_ns: receive, out: CLOCK_MONOTONIC time of the send.
 * @sender_pid: receive, out: sender's process (thread group) id in the
 *	receiver's pid namespace, 0 if not visible there.
 * @sender_uid: receive, out: sender's effective uid in the receiver's
 *	user namespace (the overflow uid if not mapped).
 * @dropped: receive, out: messages the mailbox discarded since the
 *	previous receive (not counting peeks).
 * @reserved: must be zero.
 *
 * On send only @buf, @len and @prio are read; the output fields are
 * ignored. On receive only @buf and @len are read.
 */
struct ipcchan_mbox_msg {
	__u64 buf;
	__u32 len;
	__u32 prio;
	__u32 flags;
	__u32 reserved;
	__u64 seq;
	__u64 enqueue_ns;
	__s32 sender_pid;
	__u32 sender_uid;
	__u64 dropped;
};

/** IPCCHAN_MBOX_MSG_SIZE_VER0 - size of the first published &struct ipcchan_mbox_msg */
#define IPCCHAN_MBOX_MSG_SIZE_VER0	56

/** IPCCHAN_XFER_NONBLOCK - do not wait, as if the fd were O_NONBLOCK */
#define IPCCHAN_XFER_NONBLOCK	0x01U
/** IPCCHAN_XFER_TIMEOUT - wait at most until &ipcchan_mbox_xfer.timeout_ns */
#define IPCCHAN_XFER_TIMEOUT	0x02U
/** IPCCHAN_XFER_ABSTIME - with TIMEOUT: timeout_ns is an absolute CLOCK_MONOTONIC time */
#define IPCCHAN_XFER_ABSTIME	0x04U
/** IPCCHAN_XFER_PEEK - receive: copy the first message, leave it queued */
#define IPCCHAN_XFER_PEEK	0x08U
/** IPCCHAN_XFER_TRUNC - receive: copy what fits of a long message, consume it */
#define IPCCHAN_XFER_TRUNC	0x10U

/** IPCCHAN_MBOX_BATCH_MAX - most messages in one send or receive ioctl */
#define IPCCHAN_MBOX_BATCH_MAX	1024

/**
 * struct ipcchan_mbox_xfer - argument of %IPCCHAN_IOC_MBOX_SEND and _RECV
 * @size: sizeof(struct ipcchan_mbox_xfer), at least
 *	%IPCCHAN_MBOX_XFER_SIZE_VER0.
 * @flags: IPCCHAN_XFER_*: NONBLOCK, TIMEOUT, ABSTIME (only with TIMEOUT)
 *	for both; PEEK and TRUNC for receive only.
 * @timeout_ns: with %IPCCHAN_XFER_TIMEOUT, the longest wait in ns, or the
 *	CLOCK_MONOTONIC deadline with %IPCCHAN_XFER_ABSTIME. A wait that
 *	expires gives ETIMEDOUT. Must be zero without TIMEOUT.
 * @msgs: user pointer to an array of @count messages, each @msg_size
 *	bytes apart.
 * @count: 1 to %IPCCHAN_MBOX_BATCH_MAX; exactly 1 with PEEK.
 * @msg_size: sizeof(struct ipcchan_mbox_msg) as known to the caller, at
 *	least %IPCCHAN_MBOX_MSG_SIZE_VER0; each element is read and written
 *	with the same rules as @size.
 *
 * Sending waits for room as often as needed until all @count messages are
 * queued (or dropped by policy). Receiving waits for the first message
 * only and then takes what is queued, up to @count.
 *
 * The ioctl returns the number of messages transferred. An error that
 * stops a batch after the first message ends it early with the count so
 * far; the message that failed stays where it was (queued for receive,
 * unsent for send). Waiting follows O_NONBLOCK of the fd or
 * %IPCCHAN_XFER_NONBLOCK (EAGAIN). A signal gives EINTR; the call is
 * restarted under SA_RESTART unless it had a relative timeout.
 */
struct ipcchan_mbox_xfer {
	__u32 size;
	__u32 flags;
	__u64 timeout_ns;
	__u64 msgs;
	__u32 count;
	__u32 msg_size;
};

/** IPCCHAN_MBOX_XFER_SIZE_VER0 - size of the first published &struct ipcchan_mbox_xfer */
#define IPCCHAN_MBOX_XFER_SIZE_VER0	32

/**
 * IPCCHAN_IOC_MBOX_SEND - send one or more messages
 *
 * Argument: &struct ipcchan_mbox_xfer. Needs an fd open for writing
 * (EBADF). Errors: EFAULT, E2BIG, EINVAL (bad sizes, flags, @count,
 * @timeout_ns without TIMEOUT, priority out of range, reserved fields),
 * EMSGSIZE, EAGAIN, ETIMEDOUT, EINTR, EPIPE.
 */
#define IPCCHAN_IOC_MBOX_SEND	_IO(IPCCHAN_IOC_MAGIC, 0x10)

/**
 * IPCCHAN_IOC_MBOX_RECV - receive or peek one or more messages
 *
 * Argument: &struct ipcchan_mbox_xfer. Needs an fd open for reading
 * (EBADF). Errors: as for %IPCCHAN_IOC_MBOX_SEND, with EMSGSIZE meaning a
 * buffer too small for the message (without TRUNC).
 */
#define IPCCHAN_IOC_MBOX_RECV	_IO(IPCCHAN_IOC_MAGIC, 0x11)

/** IPCCHAN_MBOX_ATTR_NAMED - &ipcchan_mbox_attr.attr_flags: has a name */
#define IPCCHAN_MBOX_ATTR_NAMED	0x01U

/**
 * struct ipcchan_mbox_attr - argument of %IPCCHAN_IOC_MBOX_GET_ATTR
 * @size: in: sizeof(struct ipcchan_mbox_attr), at least
 *	%IPCCHAN_MBOX_ATTR_SIZE_VER0; out: bytes filled in.
 * @flags: in: must be zero.
 * @id: out: object id, as listed over netlink.
 * @attr_flags: out: %IPCCHAN_MBOX_ATTR_NAMED.
 * @capacity: out: capacity in messages.
 * @msgsize_max: out: largest message in bytes.
 * @policy: out: &enum ipcchan_mbox_policy.
 * @mode: out: permission bits.
 * @uid: out: owner, in the caller's user namespace.
 * @gid: out: group, in the caller's user namespace.
 * @depth: out: messages queued now.
 * @reserved: out: zero.
 * @reserved_bytes: out: memory reserved by the mailbox and charged to its
 *	owner, by the formula under "Mailboxes" above.
 * @send_lowat: out: send low watermark in free slots, see
 *	&ipcchan_mbox_open.send_lowat. Since %IPCCHAN_MBOX_ATTR_SIZE_VER1.
 * @reserved1: in: must be zero; out: zero.
 */
struct ipcchan_mbox_attr {
	__u32 size;
	__u32 flags;
	__u32 id;
	__u32 attr_flags;
	__u32 capacity;
	__u32 msgsize_max;
	__u32 policy;
	__u32 mode;
	__u32 uid;
	__u32 gid;
	__u32 depth;
	__u32 reserved;
	__u64 reserved_bytes;
	__u32 send_lowat;
	__u32 reserved1;
};

/** IPCCHAN_MBOX_ATTR_SIZE_VER0 - size of the first published &struct ipcchan_mbox_attr */
#define IPCCHAN_MBOX_ATTR_SIZE_VER0	56
/** IPCCHAN_MBOX_ATTR_SIZE_VER1 - &struct ipcchan_mbox_attr with @send_lowat */
#define IPCCHAN_MBOX_ATTR_SIZE_VER1	64

/** IPCCHAN_IOC_MBOX_GET_ATTR - read a mailbox's attributes. Errors: EFAULT, EINVAL, E2BIG. */
#define IPCCHAN_IOC_MBOX_GET_ATTR	_IO(IPCCHAN_IOC_MAGIC, 0x12)

/**
 * IPCCHAN_MBOX_HIST_BUCKETS - buckets of the residence-time histogram
 *
 * Bucket 0 counts residence times below 2 ns, bucket i (1 <= i < 47) times
 * in [2^i, 2^(i+1)) ns, and the last bucket everything from 2^47 ns on.
 */
#define IPCCHAN_MBOX_HIST_BUCKETS	48

/**
 * struct ipcchan_mbox_stats - argument of %IPCCHAN_IOC_MBOX_GET_STATS
 * @size: in: sizeof(struct ipcchan_mbox_stats), at least
 *	%IPCCHAN_MBOX_STATS_SIZE_VER0; out: bytes filled in.
 * @flags: in: must be zero.
 * @msgs_in: out: messages queued since creation.
 * @bytes_in: out: their payload bytes.
 * @msgs_out: out: messages received (peeks not counted).
 * @bytes_out: out: their full payload bytes (truncated ones included).
 * @msgs_dropped: out: messages discarded by the overflow policy.
 * @bytes_dropped: out: their payload bytes.
 * @depth: out: messages queued now.
 * @peak_depth: out: highest depth seen.
 * @senders_blocked: out: senders waiting for room now.
 * @receivers_blocked: out: receivers waiting for a message now.
 * @sender_waits: out: times a sender had to wait, since creation.
 * @receiver_waits: out: times a receiver had to wait, since creation.
 * @residence_hist: out: log2 histogram of the time each received message
 *	spent queued, see %IPCCHAN_MBOX_HIST_BUCKETS.
 *
 * The counters are one consistent snapshot, and msgs_in == msgs_out +
 * depth + the dropped messages that had been queued (drop-oldest).
 */
struct ipcchan_mbox_stats {
	__u32 size;
	__u32 flags;
	__u64 msgs_in;
	__u64 bytes_in;
	__u64 msgs_out;
	__u64 bytes_out;
	__u64 msgs_dropped;
	__u64 bytes_dropped;
	__u32 depth;
	__u32 peak_depth;
	__u32 senders_blocked;
	__u32 receivers_blocked;
	__u64 sender_waits;
	__u64 receiver_waits;
	__u64 residence_hist[IPCCHAN_MBOX_HIST_BUCKETS];
};

/** IPCCHAN_MBOX_STATS_SIZE_VER0 - size of the first published &struct ipcchan_mbox_stats */
#define IPCCHAN_MBOX_STATS_SIZE_VER0	472

/** IPCCHAN_IOC_MBOX_GET_STATS - read a mailbox's statistics. Errors: EFAULT, EINVAL, E2BIG. */
#define IPCCHAN_IOC_MBOX_GET_STATS	_IO(IPCCHAN_IOC_MAGIC, 0x13)

/* ------------------------------------------------------------------ */
/* Shared rings                                                        */
/* ------------------------------------------------------------------ */

/*
 * A ring is a power-of-two data area of pages that the kernel allocates and
 * that producers and consumers map. Records move with no system call; the
 * kernel sets the ring up, enforces who may write what, and wakes a side
 * that said it is about to sleep.
 *
 * Every ring fd is attached in one role. What it may map:
 *
 *   ==============  ===================  ===================
 *   region          producer fd          consumer fd
 *   ==============  ===================  ===================
 *   info page       read                 read
 *   producer page   read, write (1)      read
 *   consumer page   read                 read, write
 *   data area       read, write (1)      read
 *   ==============  ===================  ===================
 *
 *   (1) read only when the ring has %IPCCHAN_RING_KERNEL_PRODUCER: then the
 *       kernel alone writes the producer page and the data, on write().
 *
 * Each region is mapped on its own with MAP_SHARED, at exactly the offset
 * and length that &struct ipcchan_ring_offsets gives; the data area is
 * 2 * @data_size bytes long because its pages appear twice, back to back,
 * so that no record ever wraps. Nothing else about the layout is fixed:
 * always use the offsets.
 *
 * Positions are free-running __u32 byte counts; the byte at position p is
 * at data + (p & (data_size - 1)). The used part of the ring is
 * producer_pos - consumer_pos (modulo 2^32), never more than data_size.
 * Records start at multiples of %IPCCHAN_RING_ALIGN; each is a
 * &struct ipcchan_ring_rec followed by its payload, padded to the
 * alignment. Documentation/userspace-api/ipcchan.rst describes the barrier
 * protocol step by step; libipcchan implements it.
 */

/** IPCCHAN_RING_MAGIC - &ipcchan_ring_info_page.magic ("IPCR") */
#define IPCCHAN_RING_MAGIC		0x52435049
/** IPCCHAN_RING_LAYOUT_VERSION - &ipcchan_ring_info_page.version */
#define IPCCHAN_RING_LAYOUT_VERSION	1
/** IPCCHAN_RING_ALIGN - alignment of every record, in bytes */
#define IPCCHAN_RING_ALIGN		8

/**
 * enum ipcchan_ring_role - the role a ring fd is attached in
 * @IPCCHAN_RING_PRODUCER: writes records.
 * @IPCCHAN_RING_CONSUMER: reads records.
 * @IPCCHAN_RING_OBSERVER: neither; may map every region read-only and read
 *	statistics, and does not count as an attached producer or consumer
 *	(its arrival or departure never changes &ipcchan_ring_info_page.gone).
 *	Named rings only; needs read permission. KICK and WAIT give EBADF and
 *	poll reports nothing.
 */
enum ipcchan_ring_role {
	IPCCHAN_RING_PRODUCER = 1,
	IPCCHAN_RING_CONSUMER = 2,
	IPCCHAN_RING_OBSERVER = 3,
};

/**
 * define IPCCHAN_RING_REC_PAD - &ipcchan_ring_rec.flags bit for padding
 *
 * No payload to deliver; the consumer skips the record. A producer that
 * reserved space and changed its mind commits it as padding.
 */
#define IPCCHAN_RING_REC_PAD		0x1

/**
 * struct ipcchan_ring_rec - header at the start of every record
 * @len: payload bytes that follow the header. The record occupies
 *	sizeof(header) + @len rounded up to %IPCCHAN_RING_ALIGN, and never more
 *	than &ipcchan_ring_info_page.max_record.
 * @flags: %IPCCHAN_RING_REC_PAD or zero; other bits are reserved and mark
 *	the ring as corrupt.
 */
struct ipcchan_ring_rec {
	__u32 len;
	__u32 flags;
};

/**
 * struct ipcchan_ring_offsets - where the regions of a ring are
 * @info_off: mmap() offset of the info page.
 * @prod_off: mmap() offset of the producer control page.
 * @cons_off: mmap() offset of the consumer control page.
 * @data_off: mmap() offset of the data area.
 * @info_len: length to map at @info_off.
 * @ctrl_len: length to map at @prod_off and at @cons_off.
 * @data_size: bytes in the data area, a power of two; map 2 * @data_size
 *	bytes at @data_off.
 * @pos: offset, within a control page, of that side's __u32 position.
 * @waiting: offset, within a control page, of that side's __u32 waiting
 *	word: 0 while no task of the side sleeps; otherwise the number of
 *	bytes it waits for (published bytes for a consumer, free bytes for a
 *	producer; the smallest such number when several sleep), asking the
 *	other side to kick once, after publishing, that much is there. A
 *	value of 1 (what early libraries wrote) asks for a kick after any
 *	publication. The kernel keeps the word of every side it puts to
 *	sleep, and never trusts it: whatever a side writes there only
 *	decides whether the other side kicks.
 * @stats: offset, within a control page, of that side's
 *	&struct ipcchan_ring_ctrl_stats.
 *
 * @pos, @waiting and @stats lie on different cache lines.
 */
struct ipcchan_ring_offsets {
	__u64 info_off;
	__u64 prod_off;
	__u64 cons_off;
	__u64 data_off;
	__u32 info_len;
	__u32 ctrl_len;
	__u32 data_size;
	__u32 pos;
	__u32 waiting;
	__u32 stats;
};

/**
 * struct ipcchan_ring_ctrl_stats - counters a side keeps in its own page
 * @records: records produced, or consumed (padding not included).
 * @bytes: payload bytes of those records.
 * @kicks: %IPCCHAN_IOC_RING_KICK calls this side made, including kicks
 *	made through %IPCCHAN_RING_WAIT_KICK_FD.
 * @kicks_avoided: publications after which the other side was not waiting,
 *	or waited for more than there was, so no system call was needed.
 * @stalls: producer: times the ring was too full to reserve; consumer:
 *	times it found the ring empty.
 * @waits: times this side went to sleep.
 *
 * The kernel maintains the producer's block of a
 * %IPCCHAN_RING_KERNEL_PRODUCER ring; otherwise libipcchan maintains them.
 * The kernel only reports them (in &struct ipcchan_ring_stats) and never
 * trusts them.
 */
struct ipcchan_ring_ctrl_stats {
	__u64 records;
	__u64 bytes;
	__u64 kicks;
	__u64 kicks_avoided;
	__u64 stalls;
	__u64 waits;
};

/**
 * define IPCCHAN_RING_PRODUCERS_GONE - &ipcchan_ring_info_page.gone bit
 *
 * The last producer fd was released and no producer is attached.
 */
#define IPCCHAN_RING_PRODUCERS_GONE	0x1
/** define IPCCHAN_RING_CONSUMERS_GONE - likewise for consumers */
#define IPCCHAN_RING_CONSUMERS_GONE	0x2

/**
 * struct ipcchan_ring_info_page - the read-only first page of a ring
 * @magic: %IPCCHAN_RING_MAGIC.
 * @version: %IPCCHAN_RING_LAYOUT_VERSION.
 * @flags: the ring's creation flags (%IPCCHAN_RING_KERNEL_PRODUCER).
 * @page_size: page size of the kernel, in bytes.
 * @nr_pages: pages in the data area.
 * @max_record: largest record, header included, in bytes: half the data
 *	area, so that one fits whenever the producer may poll EPOLLOUT.
 * @producers: producer files attached now (kernel counter).
 * @consumers: consumer files attached now (kernel counter).
 * @gone: %IPCCHAN_RING_PRODUCERS_GONE, %IPCCHAN_RING_CONSUMERS_GONE; lets a
 *	busy-polling side notice that its peer left without a system call.
 * @reserved: zero.
 * @id: the ring's object id.
 * @off: the layout, as returned by %IPCCHAN_IOC_RING_OPEN.
 *
 * Only the kernel writes this page; @producers, @consumers and @gone change
 * while the ring lives, everything else is fixed at creation.
 */
struct ipcchan_ring_info_page {
	__u32 magic;
	__u32 version;
	__u32 flags;
	__u32 page_size;
	__u32 nr_pages;
	__u32 max_record;
	__u32 producers;
	__u32 consumers;
	__u32 gone;
	__u32 reserved;
	__u64 id;
	struct ipcchan_ring_offsets off;
};

/**
 * define IPCCHAN_RING_KERNEL_PRODUCER - &ipcchan_ring_open.ring_flags bit
 *
 * Producers write records with write(2), which the kernel copies into the
 * ring under its own lock, so several mutually untrusted producers can
 * share it. Producer fds may then map nothing writable.
 */
#define IPCCHAN_RING_KERNEL_PRODUCER	0x1

/**
 * struct ipcchan_ring_open - argument of %IPCCHAN_IOC_RING_OPEN
 * @size: in: sizeof(struct ipcchan_ring_open), at least
 *	%IPCCHAN_RING_OPEN_SIZE_VER0; out: bytes filled in.
 * @flags: in: %IPCCHAN_OPEN_CREATE, %IPCCHAN_OPEN_EXCL,
 *	%IPCCHAN_OPEN_NONBLOCK (for write() on a kernel-producer ring).
 *	Anonymous rings need %IPCCHAN_OPEN_CREATE.
 * @role: in: &enum ipcchan_ring_role of the returned fd.
 * @mode: in: permission bits (0777 at most) of a ring this call creates;
 *	ignored otherwise. Producers need write permission, consumers read
 *	permission.
 * @nr_pages: in: data pages of a ring this call creates, a power of two
 *	between 1 and &ipcchan_info.ring_max_pages; ignored otherwise.
 *	out: the ring's.
 * @name_len: in: length of the name, 0 for an anonymous ring.
 * @name: in: user pointer to the name (see "Objects and names"), or 0 for
 *	a new anonymous ring.
 * @id: out: the ring's object id.
 * @ring_flags: in: creation flags (%IPCCHAN_RING_KERNEL_PRODUCER) of a ring
 *	this call creates; ignored otherwise. out: the ring's.
 * @peer_fd: out: for an anonymous ring, a second new O_CLOEXEC fd,
 *	attached in the other role; -1 for a named ring.
 * @off: out: the layout.
 */
struct ipcchan_ring_open {
	__u32 size;
	__u32 flags;
	__u32 role;
	__u32 mode;
	__u32 nr_pages;
	__u32 name_len;
	__u64 name;
	__u64 id;
	__u32 ring_flags;
	__s32 peer_fd;
	struct ipcchan_ring_offsets off;
};

/** IPCCHAN_RING_OPEN_SIZE_VER0 - first published &struct ipcchan_ring_open */
#define IPCCHAN_RING_OPEN_SIZE_VER0	104

/**
 * IPCCHAN_IOC_RING_OPEN - create or open a ring; issued on /dev/ipcchan
 *
 * Argument: &struct ipcchan_ring_open. Returns a new O_CLOEXEC ring fd
 * attached in @role, and for an anonymous ring also @peer_fd.
 *
 * Errors: EFAULT, E2BIG, EINVAL (bad @size, unknown @flags or @ring_flags,
 * bad @role, EXCL without CREATE, anonymous without CREATE, malformed
 * name; on creation: @mode beyond 0777, @nr_pages zero, not a power of
 * two, above ring_max_pages without CAP_SYS_RESOURCE or above the hard
 * limit of 2^30 bytes), ENAMETOOLONG, ENOENT (no such name and no CREATE),
 * EEXIST (CREATE|EXCL and the name exists), EACCES (the ring's mode denies
 * the role), EDQUOT (per-user limits), ENOSPC (no ids left), EMFILE,
 * ENOMEM.
 *
 * A call that fails, also with EFAULT from the copy-out of the results,
 * has no effect: no fd, and no new ring or name (see "Objects and names").
 */
#define IPCCHAN_IOC_RING_OPEN		_IO(IPCCHAN_IOC_MAGIC, 0x02)

/**
 * struct ipcchan_ring_info - argument of %IPCCHAN_IOC_RING_GET_INFO
 * @size: in: sizeof(struct ipcchan_ring_info), at least
 *	%IPCCHAN_RING_INFO_SIZE_VER0; out: bytes filled in.
 * @flags: in: must be zero.
 * @role: out: &enum ipcchan_ring_role of this fd.
 * @ring_flags: out: the ring's creation flags.
 * @nr_pages: out: pages in the data area.
 * @reserved: must be zero.
 * @id: out: the ring's object id.
 * @off: out: the layout.
 *
 * Lets a process that received a ring fd (fork, SCM_RIGHTS) map it.
 */
struct ipcchan_ring_info {
	__u32 size;
	__u32 flags;
	__u32 role;
	__u32 ring_flags;
	__u32 nr_pages;
	__u32 reserved;
	__u64 id;
	struct ipcchan_ring_offsets off;
};

/** IPCCHAN_RING_INFO_SIZE_VER0 - first published &struct ipcchan_ring_info */
#define IPCCHAN_RING_INFO_SIZE_VER0	88

/**
 * IPCCHAN_IOC_RING_GET_INFO - describe a ring fd
 *
 * Argument: &struct ipcchan_ring_info. Errors: EFAULT, EINVAL, E2BIG.
 */
#define IPCCHAN_IOC_RING_GET_INFO	_IO(IPCCHAN_IOC_MAGIC, 0x30)

/**
 * IPCCHAN_IOC_RING_KICK - wake the other side
 *
 * On a producer fd, wakes consumers waiting for data; on a consumer fd,
 * wakes producers waiting for space. Call it after publishing a position
 * and a full barrier, only when the other side's waiting word is non-zero
 * and what it asks for is there. Only sleepers whose condition (their
 * min_bytes, re-checked by the kernel) holds are woken; the others sleep
 * on and their waiting word is rewritten with what they still need.
 * The argument must be 0 (EINVAL otherwise). An observer fd gets EBADF.
 */
#define IPCCHAN_IOC_RING_KICK		_IO(IPCCHAN_IOC_MAGIC, 0x31)

/**
 * define IPCCHAN_RING_WAIT_ABSTIME - &ipcchan_ring_wait.flags bit
 *
 * @timeout_ns is an absolute CLOCK_MONOTONIC time.
 */
#define IPCCHAN_RING_WAIT_ABSTIME	0x1

/**
 * define IPCCHAN_RING_WAIT_KICK_FD - &ipcchan_ring_wait.flags bit
 *
 * Before waiting, do what %IPCCHAN_IOC_RING_KICK on @kick_fd would do, so that
 * a process that published on one ring and waits on another (a request
 * and its reply) makes one system call instead of two. Needs a @size of
 * at least %IPCCHAN_RING_WAIT_SIZE_VER1.
 */
#define IPCCHAN_RING_WAIT_KICK_FD	0x2

/**
 * struct ipcchan_ring_wait - argument of %IPCCHAN_IOC_RING_WAIT
 * @size: sizeof(struct ipcchan_ring_wait), at least
 *	%IPCCHAN_RING_WAIT_SIZE_VER0.
 * @flags: in: %IPCCHAN_RING_WAIT_ABSTIME, %IPCCHAN_RING_WAIT_KICK_FD.
 * @min_bytes: in: consumer: wait until at least this many bytes of records
 *	are published; producer: until at least this many bytes are free.
 *	0 means what poll reports: any record, or room for a max_record.
 *	At most &ipcchan_ring_offsets.data_size. Kicks wake the caller only
 *	once this much is there, so a producer that asks for a large part of
 *	the ring sleeps through the consumer's small releases.
 * @avail: out: bytes published (consumer) or free (producer) on return.
 * @timeout_ns: in: relative timeout in nanoseconds, or an absolute time
 *	with %IPCCHAN_RING_WAIT_ABSTIME; -1 waits without limit, 0 only
 *	checks. Other negative values are invalid.
 * @kick_fd: in: with %IPCCHAN_RING_WAIT_KICK_FD, a producer or consumer fd
 *	of any ring (this one included) to kick before waiting; must be 0
 *	otherwise.
 * @reserved: must be zero.
 */
struct ipcchan_ring_wait {
	__u32 size;
	__u32 flags;
	__u32 min_bytes;
	__u32 avail;
	__s64 timeout_ns;
	__s32 kick_fd;
	__u32 reserved;
};

/** IPCCHAN_RING_WAIT_SIZE_VER0 - first published &struct ipcchan_ring_wait */
#define IPCCHAN_RING_WAIT_SIZE_VER0	24
/** IPCCHAN_RING_WAIT_SIZE_VER1 - &struct ipcchan_ring_wait with @kick_fd */
#define IPCCHAN_RING_WAIT_SIZE_VER1	32

/**
 * IPCCHAN_IOC_RING_WAIT - sleep until data or space is available
 *
 * Argument: &struct ipcchan_ring_wait. The kernel re-checks the positions
 * after it has queued the caller on the wait queue, so a kick that follows
 * a publication is never lost. Set the waiting word to @min_bytes (or to
 * what 0 stands for; issue a full barrier, then re-check) before calling,
 * or the other side will not kick. With %IPCCHAN_RING_WAIT_KICK_FD the
 * kick on @kick_fd happens once the argument is valid, before the first
 * check, whatever the wait then returns.
 *
 * Returns 0 when the condition holds, even if the other side is gone.
 * Errors: EFAULT, E2BIG, EINVAL (bad @size, unknown @flags, @min_bytes
 * above data_size, @timeout_ns below -1, non-zero @reserved, non-zero
 * @kick_fd without KICK_FD, KICK_FD with a @size below VER1, @kick_fd open
 * but not an ipcchan ring fd), EBADF (this fd or @kick_fd is an observer,
 * or @kick_fd is not open), ETIMEDOUT, EINTR (a signal; not restarted),
 * EPIPE (the other role has no fd any more and the condition does not
 * hold), EIO (the positions in shared memory are inconsistent).
 */
#define IPCCHAN_IOC_RING_WAIT		_IO(IPCCHAN_IOC_MAGIC, 0x32)

/**
 * struct ipcchan_ring_stats - argument of %IPCCHAN_IOC_RING_GET_STATS
 * @size: in: sizeof(struct ipcchan_ring_stats), at least
 *	%IPCCHAN_RING_STATS_SIZE_VER0; out: bytes filled in.
 * @flags: in: must be zero.
 * @producer_pos: out: producer position, read from shared memory.
 * @consumer_pos: out: consumer position, read from shared memory.
 * @producers: out: producer files attached.
 * @consumers: out: consumer files attached.
 * @producer_kicks: out: %IPCCHAN_IOC_RING_KICK calls on producer fds.
 * @consumer_kicks: out: %IPCCHAN_IOC_RING_KICK calls on consumer fds.
 * @kicks_idle: out: kicks that found nobody on the wait queue.
 * @waits: out: %IPCCHAN_IOC_RING_WAIT calls and blocking write()s that
 *	slept at least once.
 * @wait_timeouts: out: %IPCCHAN_IOC_RING_WAIT calls that timed out.
 * @corrupt: out: times the kernel found the shared positions inconsistent.
 * @write_records: out: records written with write().
 * @write_bytes: out: payload bytes written with write().
 * @producer: out: the producer page's counters (untrusted, see
 *	&struct ipcchan_ring_ctrl_stats).
 * @consumer: out: the consumer page's counters (untrusted).
 *
 * Kernel counters are exact; the positions and page counters are a
 * snapshot of shared memory.
 */
struct ipcchan_ring_stats {
	__u32 size;
	__u32 flags;
	__u32 producer_pos;
	__u32 consumer_pos;
	__u32 producers;
	__u32 consumers;
	__u64 producer_kicks;
	__u64 consumer_kicks;
	__u64 kicks_idle;
	__u64 waits;
	__u64 wait_timeouts;
	__u64 corrupt;
	__u64 write_records;
	__u64 write_bytes;
	struct ipcchan_ring_ctrl_stats producer;
	struct ipcchan_ring_ctrl_stats consumer;
};

/** IPCCHAN_RING_STATS_SIZE_VER0 - first published &struct ipcchan_ring_stats */
#define IPCCHAN_RING_STATS_SIZE_VER0	184

/**
 * IPCCHAN_IOC_RING_GET_STATS - read a ring's statistics
 *
 * Argument: &struct ipcchan_ring_stats. Errors: EFAULT, EINVAL, E2BIG.
 */
#define IPCCHAN_IOC_RING_GET_STATS	_IO(IPCCHAN_IOC_MAGIC, 0x33)

/* ------------------------------------------------------------------ */
/* Generic netlink family "ipcchan"                                    */
/* ------------------------------------------------------------------ */

/*
 * Documentation/netlink/specs/ipcchan.yaml is the source of the family:
 * its names and values (family and group names, &enum ipcchan_event,
 * attributes, commands) are in <linux/ipcchan_netlink.h>, which is what
 * the kernel's `ynl-gen-c --mode uapi` renders from the spec, unedited
 * (`make lint` fails when it differs); `make ynl-test` checks the module's
 * policies against the spec. Attribute trees:
 *
 * IPCCHAN_CMD_OBJ_GET: do (request: OBJ_ID, optional OBJ_TYPE) or dump
 * (request: optional OBJ_TYPE); one reply message per object:
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
 *	IPCCHAN_A_OBJ_MBOX_STATS	nest, mailboxes: IPCCHAN_A_MBOX_*,
 *		attributes and every counter of &struct ipcchan_mbox_stats;
 *		IPCCHAN_A_MBOX_RESIDENCE_HIST repeated once per bucket
 *	IPCCHAN_A_OBJ_RING_STATS	nest, rings: IPCCHAN_A_RING_*, the
 *		counters of &struct ipcchan_ring_stats, the control pages'
 *		in nests IPCCHAN_A_RING_PRODUCER_PAGE/_CONSUMER_PAGE
 *
 * IPCCHAN_CMD_LIMITS_GET: do (request: optional LIMITS_UID); reply:
 *
 *	IPCCHAN_A_LIMITS_NAME_MAX ... IPCCHAN_A_LIMITS_USER_MAX_BYTES
 *	IPCCHAN_A_LIMITS_UID		u32, whose usage follows
 *	IPCCHAN_A_LIMITS_USER_OBJECTS	u32
 *	IPCCHAN_A_LIMITS_USER_BYTES	u64
 *
 * IPCCHAN_CMD_EVENT: multicast on IPCCHAN_MCGRP_MONITOR and, with the
 * fields marked privileged above, on IPCCHAN_MCGRP_MONITOR_ADMIN (joining
 * it needs CAP_NET_ADMIN over the network namespace); the object's
 * attributes as for OBJ_GET (statistics only in DESTROYED) plus:
 *
 *	IPCCHAN_A_OBJ_EV_SEQ		u64, per network namespace, +1 per event
 *	IPCCHAN_A_OBJ_EV_TYPE		u32, &enum ipcchan_event
 *	IPCCHAN_A_OBJ_EV_COUNT		u64, DROP: drops since the last DROP
 *	IPCCHAN_A_OBJ_EV_ROLE		u32, ATTACHED/DETACHED/PEER_GONE
 *	IPCCHAN_A_OBJ_EV_DEPTH		u32, HIWAT: depth reached
 *	IPCCHAN_A_OBJ_EV_PID		u32, ATTACHED/DETACHED, admin group only
 */

#endif /* _UAPI_LINUX_IPCCHAN_H */
