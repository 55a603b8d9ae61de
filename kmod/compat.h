/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place in ipcchan that looks at the kernel version. Everything
 * else is written against the newest API we support (6.12) and this header
 * supplies it on older kernels (6.1), so the other files read like
 * upstream code.
 */
#ifndef _IPCCHAN_COMPAT_H
#define _IPCCHAN_COMPAT_H

#include <linux/version.h>
#include <linux/mm.h>

/* True when building against a kernel older than @major.@minor. */
#define IPCCHAN_KERNEL_BEFORE(major, minor)				\
	(LINUX_VERSION_MAJOR * 256 + LINUX_VERSION_PATCHLEVEL <		\
	 (major) * 256 + (minor))

#if IPCCHAN_KERNEL_BEFORE(6, 3)
/* vm_flags became read-only with accessors in 6.3. */
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#if IPCCHAN_KERNEL_BEFORE(6, 12)
#include <linux/ipc_namespace.h>
#include <linux/proc_ns.h>

/*
 * put_ipc_ns() is not exported to modules before 6.12 (6.1 lacks it). The
 * nsfs operations of the namespace end in the same function and are
 * reachable through the namespace itself.
 */
static inline void ipcchan_put_ipc_ns(struct ipc_namespace *ns)
{
	ns->ns.ops->put(&ns->ns);
}

#define put_ipc_ns(ns) ipcchan_put_ipc_ns(ns)
#endif

/*
 * The attributes of a dump request: since 6.2 a dump has a struct
 * genl_info like a doit; before, genl_dumpit_info held them directly.
 */
#include <net/genetlink.h>

#if IPCCHAN_KERNEL_BEFORE(6, 2)
static inline struct nlattr **ipcchan_genl_dump_attrs(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->attrs;
}
#else
static inline struct nlattr **ipcchan_genl_dump_attrs(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs;
}
#endif

#endif /* _IPCCHAN_COMPAT_H */
