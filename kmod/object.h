/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The object core shared by mailboxes and rings: reference counting, ids,
 * names in IPC namespaces, ownership and permissions, per-user accounting
 * and its limits (the module parameters), fd creation, and the extensible
 * ioctl argument convention. See object.c for the locking rules.
 */
#ifndef _IPCCHAN_OBJECT_H
#define _IPCCHAN_OBJECT_H

#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/ipcchan.h>

#include "netlink.h"

/*
 * Every allocation that builds an object or an fd for it: charged to the
 * creator's memory cgroup, and refused with ENOMEM rather than by the OOM
 * killer when the charge (or the page allocator) cannot be satisfied.
 * Reclaim still runs in full first. Why __GFP_RETRY_MAYFAIL and not
 * __GFP_NORETRY: Documentation/userspace-api/ipcchan.rst, "Accounting".
 */
#define IPCCHAN_GFP_RESERVE	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | \
				 __GFP_NOWARN)

/* Longest object name, excluding the NUL; fixed, it sizes kernel buffers. */
#define IPCCHAN_NAME_MAX	255

/*
 * Module-wide limits. They are module parameters, writable at run time
 * through /sys/module/ipcchan/parameters/, so every reader samples them
 * once with ipcchan_limits_get() and works with that snapshot.
 */
struct ipcchan_limits {
	u32 mbox_max_msgs;
	u32 mbox_max_msgsize;
	u32 ring_max_pages;
	u32 user_max_objects;
	u64 user_max_bytes;
};

void ipcchan_limits_get(struct ipcchan_limits *lim);

int ipcchan_copy_arg(void *karg, size_t ksize, size_t minsize,
		     const void __user *uarg);
int __ipcchan_put_arg(void __user *uarg, void *karg, size_t ksize, int usize);

/*
 * Write the result in *@karg back to @uarg: the first min(@usize, sizeof)
 * bytes, its size field set to that count. @usize is what
 * ipcchan_copy_arg() returned. 0 or -EFAULT.
 */
#define ipcchan_put_arg(uarg, karg, usize) ({				\
	typeof(karg) __karg = (karg);					\
	static_assert(offsetof(typeof(*__karg), size) == 0);		\
	__ipcchan_put_arg(uarg, __karg, sizeof(*__karg), usize);	\
})

struct ipc_namespace;
struct ipcchan_obj;
struct ipcchan_user;
struct net;
struct pid;
struct sk_buff;

/**
 * struct ipcchan_obj_ops - what the core needs from an object type
 * @type: &enum ipcchan_obj_type
 * @release: frees the object containing @obj. Called once, in process
 *	context, after the last reference is gone and the object has left
 *	the id table; the core has already returned its accounting.
 * @unlinked: optional; called after the object lost its name, with a
 *	reference held, so that a type can tell waiters that no new fd can
 *	appear any more.
 * @nl_fill: optional; adds the type's statistics to a netlink message
 *	about @obj (a get, a dump or the DESTROYED event), in process
 *	context with a reference held. Returns 0 or -EMSGSIZE.
 */
struct ipcchan_obj_ops {
	enum ipcchan_obj_type type;
	void (*release)(struct ipcchan_obj *obj);
	void (*unlinked)(struct ipcchan_obj *obj);
	int (*nl_fill)(struct sk_buff *skb, struct ipcchan_obj *obj);
};

/**
 * struct ipcchan_obj - embedded at the start of every mailbox and ring
 * @ref: one per fd, one for the name, one per transient user (ioctl on
 *	the factory, netlink dump)
 * @id: unique while the object exists, allocated cyclically so that ids
 *	are not soon reused; 0 until the object is published
 * @ops: the type's operations
 * @uid: owner, checked on open by name and on unlink
 * @gid: group
 * @mode: permission bits (0777 at most)
 * @charged: bytes charged to @user
 * @user: accounting entry of @uid
 * @creator_pid: thread group of the creator
 * @creator_net: network namespace of the creator, for netlink
 * @created_ns: CLOCK_MONOTONIC time of creation
 * @name: NUL-terminated name, or NULL when anonymous
 * @name_len: strlen(@name)
 * @ipc_ns: namespace of @name, referenced while the object is named
 * @name_node: entry in the name table while @named
 * @named: in the name table; changed under the name table's mutex, read
 *	without it by ipcchan_obj_is_named()
 * @nl: netlink event state
 * @published: set by ipcchan_obj_commit(); until then the object is in
 *	no lookup, dump or event, and opens of its name wait
 */
struct ipcchan_obj {
	struct kref ref;
	u32 id;
	const struct ipcchan_obj_ops *ops;
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	size_t charged;
	struct ipcchan_user *user;
	struct pid *creator_pid;
	struct net *creator_net;
	u64 created_ns;
	char *name;
	u32 name_len;
	struct ipc_namespace *ipc_ns;
	struct rhash_head name_node;
	struct ipcchan_nl_obj nl;
	bool named;
	bool published;
};

/**
 * struct ipcchan_open - one open-or-create request, built by a type
 * @type: &enum ipcchan_obj_type to look up
 * @flags: IPCCHAN_OPEN_CREATE and IPCCHAN_OPEN_EXCL are used here
 * @may: MAY_READ and/or MAY_WRITE, checked against an existing name
 * @name: kernel copy from ipcchan_name_from_user(), or NULL (anonymous);
 *	ipcchan_obj_open() takes it over in every case
 * @name_len: its length
 * @create: builds a new, unpublished object (ipcchan_obj_init() done)
 * @create_arg: passed to @create
 */
struct ipcchan_open {
	enum ipcchan_obj_type type;
	u32 flags;
	int may;
	char *name;
	u32 name_len;
	struct ipcchan_obj *(*create)(void *create_arg);
	void *create_arg;
};

char *ipcchan_name_from_user(u64 uptr, u32 len);

int ipcchan_obj_init(struct ipcchan_obj *obj, const struct ipcchan_obj_ops *ops,
		     umode_t mode, size_t charge);
struct ipcchan_obj *ipcchan_obj_open(struct ipcchan_open *op);
bool ipcchan_obj_commit(struct ipcchan_obj *obj);
void ipcchan_obj_abort(struct ipcchan_obj *obj);
/**
 * struct ipcchan_fd - an fd being made for an object (see object.c)
 * @fd: the reserved fd number, or -1
 * @file: the prepared file, or NULL
 */
struct ipcchan_fd {
	int fd;
	struct file *file;
};

#define IPCCHAN_FD_INIT { .fd = -1, .file = NULL }

int ipcchan_fd_reserve(struct ipcchan_fd *f);
int ipcchan_fd_prepare(struct ipcchan_fd *f, struct ipcchan_obj *obj,
		       const char *name, const struct file_operations *fops,
		       void *priv, int flags);
int ipcchan_fd_commit(struct ipcchan_fd *f);
void ipcchan_fd_abort(struct ipcchan_fd *f);

static inline void ipcchan_obj_get(struct ipcchan_obj *obj)
{
	kref_get(&obj->ref);
}

void ipcchan_obj_put(struct ipcchan_obj *obj);

bool ipcchan_obj_is_named(const struct ipcchan_obj *obj);

struct ipcchan_obj *ipcchan_obj_get_by_id(u32 id, enum ipcchan_obj_type type);
struct ipcchan_obj *ipcchan_obj_get_next(unsigned long *id,
					 enum ipcchan_obj_type type);
unsigned long ipcchan_obj_generation(void);
void ipcchan_user_usage(kuid_t uid, unsigned int *objects, u64 *bytes);

long ipcchan_obj_ioctl_unlink(void __user *uarg);

int ipcchan_object_init(void);
void ipcchan_object_exit(void);

#endif /* _IPCCHAN_OBJECT_H */
