// SPDX-License-Identifier: GPL-2.0
/*
 * The object core: what mailboxes and rings have in common.
 *
 * Lifetime. An object is reference counted. Every fd holds one reference,
 * a name holds one, and short-lived users (an open by name, a netlink
 * dump) take one while they work. When the count reaches zero the object
 * leaves the id table and its type's release() frees it. A named object
 * therefore never reaches zero, and the name table needs no lookup-vs-free
 * dance: a name found under ipcchan_names_mutex can simply be referenced.
 *
 * Names. The name table is an rhashtable keyed by (IPC namespace, type,
 * name): it grows and shrinks with the number of names (its worker
 * allocates the new bucket array and moves the entries over, bucket by
 * bucket, while the table stays usable), so a chain stays short and a
 * lookup costs the same at ten names as at a hundred thousand. It is used
 * as an ordinary table guarded by ipcchan_names_mutex: every lookup,
 * insertion and removal happens under the mutex, so an object found there
 * is still named, and an object leaves it before its name's reference is
 * dropped, with no RCU grace period in between (only the rhashtable's
 * worker walks it concurrently, under its bucket locks, and it keeps no
 * entry past them).
 *
 * Publication. A new object gets its id reserved and its name taken by
 * ipcchan_obj_open(), but becomes visible (stored at its id, "published",
 * CREATED sent) only in ipcchan_obj_commit(), after the type has done
 * everything that can fail: reserving fds, copying results out. A failure
 * before that is undone by ipcchan_obj_abort() without a trace. An open
 * of a name whose object is not published yet waits on ipcchan_publish_wq
 * and looks again; unlink treats such a name as missing.
 *
 * Because every fd pins the module (fops->owner), the only objects left at
 * module exit are named ones without fds; ipcchan_object_exit() unlinks
 * them, which frees them.
 *
 * Locks, outermost first:
 *
 * ipcchan_names_mutex protects the name table and every object's
 *	name_node, named and ipc_ns. It is a mutex because opening by name
 *	may allocate (the id) while holding it, and because create-or-open
 *	must be atomic: the check for an existing name and the insertion of
 *	a new one happen under one hold. The rhashtable's own locks (a bit
 *	lock per bucket, its resize mutex) nest inside it and are taken by
 *	nothing else of ours.
 *
 * ipcchan_ids.xa_lock protects the id table and ipcchan_generation, and
 *	is the lock of the final reference drop (kref_put_lock()): the count
 *	reaches zero only with it held, and the object leaves the table
 *	before it is dropped. So anything found in the table under the lock
 *	has a non-zero count and may be referenced with kref_get(); lookups
 *	by id never see an object that is being freed.
 *
 * ipcchan_users_lock protects the per-user accounting table. It nests
 *	inside nothing and nothing nests inside it.
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/ipc_namespace.h>
#include <linux/jhash.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "netlink.h"
#include "object.h"

/*
 * Defaults are sized for a teaching or benchmarking VM: far above POSIX
 * mq's 10 messages of 8 KiB, far below anything that could pin a
 * noticeable share of memory for one unprivileged user.
 */
static unsigned int mbox_max_msgs = 4096;
module_param(mbox_max_msgs, uint, 0644);
MODULE_PARM_DESC(mbox_max_msgs, "Largest mailbox capacity in messages (default 4096)");

static unsigned int mbox_max_msgsize = 65536;
module_param(mbox_max_msgsize, uint, 0644);
MODULE_PARM_DESC(mbox_max_msgsize, "Largest maximum message size in bytes (default 65536)");

static unsigned int ring_max_pages = 1024;
module_param(ring_max_pages, uint, 0644);
MODULE_PARM_DESC(ring_max_pages, "Largest ring data area in pages (default 1024)");

static unsigned int user_max_objects = 1024;
module_param(user_max_objects, uint, 0644);
MODULE_PARM_DESC(user_max_objects, "Objects one user may own (default 1024)");

static unsigned long user_max_bytes = 64UL << 20;
module_param(user_max_bytes, ulong, 0644);
MODULE_PARM_DESC(user_max_bytes, "Kernel memory one user's objects may reserve (default 64 MiB)");

/**
 * ipcchan_limits_get - sample the module parameters once
 * @lim: filled with a consistent snapshot for one operation
 */
void ipcchan_limits_get(struct ipcchan_limits *lim)
{
	lim->mbox_max_msgs = READ_ONCE(mbox_max_msgs);
	lim->mbox_max_msgsize = READ_ONCE(mbox_max_msgsize);
	lim->ring_max_pages = READ_ONCE(ring_max_pages);
	lim->user_max_objects = READ_ONCE(user_max_objects);
	lim->user_max_bytes = READ_ONCE(user_max_bytes);
}

/**
 * ipcchan_copy_arg - read an extensible ioctl argument
 * @karg: kernel copy, @ksize bytes
 * @ksize: sizeof() the kernel's structure
 * @minsize: size of the structure's first published version
 * @uarg: user pointer; the structure starts with its __u32 size
 *
 * Implements the convention of include/uapi/linux/ipcchan.h: EFAULT for a
 * bad pointer, EINVAL below @minsize, E2BIG above a page or for non-zero
 * bytes the kernel does not know. A caller that writes results back copies
 * min(size, ksize) bytes.
 *
 * Return: the caller's size on success, a negative errno otherwise.
 */
int ipcchan_copy_arg(void *karg, size_t ksize, size_t minsize,
		     const void __user *uarg)
{
	u32 usize;
	int ret;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < minsize)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(karg, ksize, uarg, usize);
	if (ret)
		return ret;
	return usize;
}

/**
 * __ipcchan_put_arg - write an extensible ioctl result back
 * @uarg: the user's structure
 * @karg: the result, starting with its __u32 size
 * @ksize: sizeof() the kernel's structure
 * @usize: the caller's size, as ipcchan_copy_arg() returned it
 *
 * Sets the result's size to min(@usize, @ksize), the bytes both sides
 * know, and copies that many: an older caller gets its version's fields,
 * a newer one learns how far the kernel wrote.
 *
 * Return: 0, or -EFAULT.
 */
int __ipcchan_put_arg(void __user *uarg, void *karg, size_t ksize, int usize)
{
	u32 size = min_t(size_t, usize, ksize);

	*(u32 *)karg = size;
	return copy_to_user(uarg, karg, size) ? -EFAULT : 0;
}

static DEFINE_XARRAY_ALLOC1(ipcchan_ids);
static u32 ipcchan_next_id;
static unsigned long ipcchan_generation;

static DEFINE_MUTEX(ipcchan_names_mutex);
/* Opens of a name whose object is not published yet wait here. */
static DECLARE_WAIT_QUEUE_HEAD(ipcchan_publish_wq);
static struct rhashtable ipcchan_names;

/**
 * struct ipcchan_user - what one user's objects have reserved
 * @node: entry in ipcchan_users
 * @uid: the user
 * @objects: number of objects owned
 * @bytes: bytes reserved by them
 *
 * An entry exists while @objects is non-zero.
 */
struct ipcchan_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned int objects;
	u64 bytes;
};

static DEFINE_SPINLOCK(ipcchan_users_lock);
static DEFINE_HASHTABLE(ipcchan_users, 6);

static struct ipcchan_user *ipcchan_user_find(kuid_t uid)
{
	struct ipcchan_user *user;

	hash_for_each_possible(ipcchan_users, user, node, __kuid_val(uid))
		if (uid_eq(user->uid, uid))
			return user;
	return NULL;
}

/*
 * Charge one object of @bytes to @uid. The limits are sampled once; a
 * caller with CAP_SYS_RESOURCE is counted but never refused.
 */
static struct ipcchan_user *ipcchan_user_charge(kuid_t uid, size_t bytes)
{
	struct ipcchan_user *user, *new, *unused;
	bool privileged = capable(CAP_SYS_RESOURCE);
	struct ipcchan_limits lim;
	int ret = 0;

	ipcchan_limits_get(&lim);
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return ERR_PTR(-ENOMEM);
	unused = new;

	spin_lock(&ipcchan_users_lock);
	user = ipcchan_user_find(uid);
	if (!user) {
		user = new;
		unused = NULL;
		user->uid = uid;
		hash_add(ipcchan_users, &user->node, __kuid_val(uid));
	}
	if (!privileged &&
	    (user->objects >= lim.user_max_objects ||
	     bytes > lim.user_max_bytes ||
	     user->bytes > lim.user_max_bytes - bytes)) {
		ret = -EDQUOT;
		if (!user->objects) {
			hash_del(&user->node);
			unused = user;
		}
	} else {
		user->objects++;
		user->bytes += bytes;
	}
	spin_unlock(&ipcchan_users_lock);

	kfree(unused);
	return ret ? ERR_PTR(ret) : user;
}

static void ipcchan_user_uncharge(struct ipcchan_user *user, size_t bytes)
{
	bool last;

	spin_lock(&ipcchan_users_lock);
	user->bytes -= bytes;
	last = !--user->objects;
	if (last)
		hash_del(&user->node);
	spin_unlock(&ipcchan_users_lock);
	if (last)
		kfree(user);
}

/**
 * ipcchan_name_from_user - copy and check an object name
 * @uptr: user pointer, 0 for an anonymous object
 * @len: length in bytes, without NUL; 0 for an anonymous object
 *
 * Return: NULL for "anonymous", a NUL-terminated kmalloc()ed copy, or an
 * ERR_PTR: EINVAL for an empty name, a pointer without length or the
 * reverse, or a name containing '/' or NUL; ENAMETOOLONG; EFAULT; ENOMEM.
 */
char *ipcchan_name_from_user(u64 uptr, u32 len)
{
	char *name;

	if (!uptr && !len)
		return NULL;
	if (!uptr || !len)
		return ERR_PTR(-EINVAL);
	if (len > IPCCHAN_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);

	/* The name lives as long as the object: charge it to the memcg. */
	name = kmalloc(len + 1, IPCCHAN_GFP_RESERVE);
	if (!name)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(name, u64_to_user_ptr(uptr), len)) {
		kfree(name);
		return ERR_PTR(-EFAULT);
	}
	name[len] = '\0';
	if (memchr(name, '\0', len) || memchr(name, '/', len)) {
		kfree(name);
		return ERR_PTR(-EINVAL);
	}
	return name;
}

/**
 * ipcchan_obj_init - fill in the core part of a new object
 * @obj: embedded in a zeroed allocation of the type
 * @ops: the type's operations
 * @mode: requested permission bits; the caller's umask is applied
 * @charge: bytes the object reserves in the worst case
 *
 * Charges the owner. On success the object holds one reference, and from
 * then on it must be disposed of with ipcchan_obj_put(), which ends in
 * @ops->release(): a type that fails to build the rest of the object puts
 * it and its release() copes with a half-built object.
 *
 * Return: 0, -EINVAL for mode bits beyond 0777, -EDQUOT over a per-user
 * limit, -ENOMEM.
 */
int ipcchan_obj_init(struct ipcchan_obj *obj, const struct ipcchan_obj_ops *ops,
		     umode_t mode, size_t charge)
{
	struct ipcchan_user *user;

	if (mode & ~0777)
		return -EINVAL;

	user = ipcchan_user_charge(current_fsuid(), charge);
	if (IS_ERR(user))
		return PTR_ERR(user);

	ipcchan_nl_obj_init(obj);
	kref_init(&obj->ref);
	obj->ops = ops;
	obj->uid = current_fsuid();
	obj->gid = current_fsgid();
	obj->mode = mode & ~current_umask();
	obj->user = user;
	obj->charged = charge;
	obj->creator_pid = get_pid(task_tgid(current));
	obj->creator_net = get_net(current->nsproxy->net_ns);
	obj->created_ns = ktime_get_ns();
	return 0;
}

/* Called with the id table locked by kref_put_lock(); drops the lock. */
static void ipcchan_obj_last_put(struct kref *ref)
	__releases(&ipcchan_ids.xa_lock)
{
	struct ipcchan_obj *obj = container_of(ref, struct ipcchan_obj, ref);

	if (obj->id) {
		__xa_erase(&ipcchan_ids, obj->id);
		ipcchan_generation++;
	}
	xa_unlock(&ipcchan_ids);

	ipcchan_nl_obj_destroyed(obj);
	WARN_ON_ONCE(obj->named);
	ipcchan_user_uncharge(obj->user, obj->charged);
	put_pid(obj->creator_pid);
	put_net(obj->creator_net);
	kfree(obj->name);
	obj->ops->release(obj);
}

/**
 * ipcchan_obj_put - drop a reference, freeing the object with the last one
 * @obj: the object
 *
 * Process context only: the release may sleep.
 */
void ipcchan_obj_put(struct ipcchan_obj *obj)
{
	might_sleep();
	kref_put_lock(&obj->ref, ipcchan_obj_last_put, &ipcchan_ids.xa_lock);
}

/*
 * Give @obj an id, reserved only: lookups by id and dumps skip a reserved
 * entry until ipcchan_obj_commit() stores the object there.
 */
static int ipcchan_obj_reserve_id(struct ipcchan_obj *obj)
{
	int ret;

	xa_lock(&ipcchan_ids);
	ret = __xa_alloc_cyclic(&ipcchan_ids, &obj->id, NULL, xa_limit_31b,
				&ipcchan_next_id, GFP_KERNEL);
	xa_unlock(&ipcchan_ids);
	if (ret == -EBUSY)
		return -ENOSPC;
	return ret < 0 ? ret : 0;
}

/* What the name table is keyed by; an object's key is in its own fields. */
struct ipcchan_name_key {
	const struct ipc_namespace *ns;
	enum ipcchan_obj_type type;
	const char *name;
	u32 len;
};

static u32 ipcchan_name_hash(const struct ipc_namespace *ns,
			     enum ipcchan_obj_type type, const char *name,
			     u32 len, u32 seed)
{
	unsigned long ptr = (unsigned long)ns;

	return jhash(name, len, jhash_3words(lower_32_bits(ptr),
					     upper_32_bits(ptr), type, seed));
}

static u32 ipcchan_name_key_hashfn(const void *data, u32 len, u32 seed)
{
	const struct ipcchan_name_key *key = data;

	return ipcchan_name_hash(key->ns, key->type, key->name, key->len, seed);
}

/* Also called by the rhashtable's resize worker: only fields that stay. */
static u32 ipcchan_name_obj_hashfn(const void *data, u32 len, u32 seed)
{
	const struct ipcchan_obj *obj = data;

	return ipcchan_name_hash(obj->ipc_ns, obj->ops->type, obj->name,
				 obj->name_len, seed);
}

static int ipcchan_name_obj_cmpfn(struct rhashtable_compare_arg *arg,
				  const void *data)
{
	const struct ipcchan_name_key *key = arg->key;
	const struct ipcchan_obj *obj = data;

	return obj->ipc_ns != key->ns || obj->ops->type != key->type ||
	       obj->name_len != key->len || memcmp(obj->name, key->name, key->len);
}

/*
 * The table grows to twice its size above 75 % load and shrinks below
 * 30 %, but never below IPCCHAN_NAMES_MIN buckets (2 KiB, allocated at
 * load): with the default floor of 4, a handful of names created and
 * unlinked over and over made the worker resize the table several times
 * per cycle, a cost the small populations paid and the large ones did not.
 */
#define IPCCHAN_NAMES_MIN	256

static const struct rhashtable_params ipcchan_name_params = {
	.head_offset = offsetof(struct ipcchan_obj, name_node),
	.min_size = IPCCHAN_NAMES_MIN,
	.hashfn = ipcchan_name_key_hashfn,
	.obj_hashfn = ipcchan_name_obj_hashfn,
	.obj_cmpfn = ipcchan_name_obj_cmpfn,
	.automatic_shrinking = true,
};

/* Called with ipcchan_names_mutex held. */
static struct ipcchan_obj *ipcchan_name_lookup(const struct ipc_namespace *ns,
					       enum ipcchan_obj_type type,
					       const char *name, u32 len)
{
	const struct ipcchan_name_key key = {
		.ns = ns, .type = type, .name = name, .len = len,
	};

	lockdep_assert_held(&ipcchan_names_mutex);
	return rhashtable_lookup_fast(&ipcchan_names, &key,
				      ipcchan_name_params);
}

/*
 * Give @obj the name @op holds, in namespace @ns. Called with
 * ipcchan_names_mutex held, after a lookup found no such name. On success
 * the object owns the name string and references @ns.
 *
 * Return: 0, or -ENOMEM when the name table could not take the entry.
 * The insertion allocates only when the table must grow before its
 * worker has grown it (GFP_ATOMIC); it fails with -ENOMEM when that
 * allocation fails and with -EBUSY when it finds an overlong chain while
 * a resize is already under way. Both mean "the table could not grow in
 * time", and the caller gets the error of a reservation that could not
 * be allocated. (Its -E2BIG, above 2^31 entries, cannot happen: every
 * entry also holds one of the 2^31 ids.)
 */
static int ipcchan_name_insert(struct ipcchan_obj *obj,
			       struct ipc_namespace *ns,
			       struct ipcchan_open *op)
{
	int ret;

	lockdep_assert_held(&ipcchan_names_mutex);
	/* The hash functions read these, so they are set first. */
	obj->name = op->name;
	obj->name_len = op->name_len;
	obj->ipc_ns = ns;
	ret = rhashtable_insert_fast(&ipcchan_names, &obj->name_node,
				     ipcchan_name_params);
	if (ret) {
		obj->name = NULL;
		obj->name_len = 0;
		obj->ipc_ns = NULL;
		return -ENOMEM;
	}
	op->name = NULL;
	get_ipc_ns(ns);
	WRITE_ONCE(obj->named, true);
	return 0;
}

/*
 * Look up @op's name with ipcchan_names_mutex held on success. A name
 * whose creation is still in progress is waited out (killably): it either
 * becomes an ordinary name or goes away, and the lookup starts again.
 */
static int ipcchan_name_lookup_settled(const struct ipc_namespace *ns,
				       const struct ipcchan_open *op,
				       struct ipcchan_obj **objp)
{
	struct ipcchan_obj *obj;
	int ret;

	for (;;) {
		mutex_lock(&ipcchan_names_mutex);
		obj = ipcchan_name_lookup(ns, op->type, op->name,
					  op->name_len);
		if (!obj || READ_ONCE(obj->published)) {
			*objp = obj;
			return 0;
		}
		ipcchan_obj_get(obj);
		mutex_unlock(&ipcchan_names_mutex);
		ret = wait_event_killable(ipcchan_publish_wq,
					  READ_ONCE(obj->published) ||
					  !READ_ONCE(obj->named));
		ipcchan_obj_put(obj);
		if (ret)
			return ret;
	}
}

/*
 * True when the caller may act on @obj's name as if privileged with @cap:
 * capable in the user namespace that owns the name's IPC namespace, and
 * the owner is visible there (as capable_wrt_inode_uidgid() demands).
 */
static bool ipcchan_obj_capable(const struct ipcchan_obj *obj, int cap)
{
	struct user_namespace *uns = obj->ipc_ns->user_ns;

	return ns_capable(uns, cap) && kuid_has_mapping(uns, obj->uid) &&
	       kgid_has_mapping(uns, obj->gid);
}

/* POSIX mq's check, minus the inode. @may is MAY_READ | MAY_WRITE. */
static int ipcchan_obj_permission(const struct ipcchan_obj *obj, int may)
{
	umode_t mode = obj->mode;

	if (uid_eq(current_fsuid(), obj->uid))
		mode >>= 6;
	else if (in_group_p(obj->gid))
		mode >>= 3;
	if (!(may & ~mode & (MAY_READ | MAY_WRITE)))
		return 0;
	if (ipcchan_obj_capable(obj, CAP_DAC_OVERRIDE))
		return 0;
	return -EACCES;
}

/*
 * Open an existing name: the checks and the reference happen under
 * ipcchan_names_mutex, so the object cannot lose its name (and ipc_ns)
 * in between.
 */
static struct ipcchan_obj *ipcchan_obj_open_existing(struct ipcchan_obj *obj,
						     const struct ipcchan_open *op)
{
	int ret;

	lockdep_assert_held(&ipcchan_names_mutex);
	if ((op->flags & IPCCHAN_OPEN_CREATE) &&
	    (op->flags & IPCCHAN_OPEN_EXCL))
		return ERR_PTR(-EEXIST);
	ret = ipcchan_obj_permission(obj, op->may);
	if (ret)
		return ERR_PTR(ret);
	ipcchan_obj_get(obj);
	return obj;
}

static struct ipcchan_obj *ipcchan_obj_create_anon(struct ipcchan_open *op)
{
	struct ipcchan_obj *obj;
	int ret;

	obj = op->create(op->create_arg);
	if (IS_ERR(obj))
		return obj;
	ret = ipcchan_obj_reserve_id(obj);
	if (ret) {
		ipcchan_obj_put(obj);
		return ERR_PTR(ret);
	}
	return obj;
}

/**
 * ipcchan_obj_open - open or create an object, by name or anonymously
 * @op: the request; @op->name is consumed
 *
 * A new object is built by @op->create() without any lock held, because
 * building it may allocate a lot. If another caller created the same
 * name meanwhile, the new object is thrown away and the existing one is
 * opened instead, exactly as if it had existed all along.
 *
 * A new object comes back unpublished: its id is reserved and its name
 * taken, but neither lookups by id, dumps nor events see it, and an open
 * of its name waits. The caller does everything that can still fail
 * (its fds, the copy-out of its results), then calls ipcchan_obj_commit(),
 * which cannot fail, or ipcchan_obj_abort(), which leaves no trace. Both
 * do the right thing for an object that already existed too.
 *
 * Return: the object with a reference for the caller, or an ERR_PTR:
 * ENOENT, EEXIST, EACCES, ENOSPC (no ids left), ENOMEM (the name table
 * could not grow, see ipcchan_name_insert()), -ERESTARTSYS (a fatal
 * signal while another caller's creation of the name was in progress) or
 * whatever @op->create() returned.
 */
struct ipcchan_obj *ipcchan_obj_open(struct ipcchan_open *op)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct ipcchan_obj *obj, *new;
	int ret;

	if (!op->name)
		return ipcchan_obj_create_anon(op);

	ret = ipcchan_name_lookup_settled(ns, op, &obj);
	if (ret) {
		obj = ERR_PTR(ret);
		goto out_free_name;
	}
	if (obj)
		obj = ipcchan_obj_open_existing(obj, op);
	mutex_unlock(&ipcchan_names_mutex);
	if (obj)
		goto out_free_name;
	if (!(op->flags & IPCCHAN_OPEN_CREATE)) {
		obj = ERR_PTR(-ENOENT);
		goto out_free_name;
	}

	new = op->create(op->create_arg);
	if (IS_ERR(new)) {
		obj = new;
		goto out_free_name;
	}

	ret = ipcchan_name_lookup_settled(ns, op, &obj);
	if (ret) {
		ipcchan_obj_put(new);
		obj = ERR_PTR(ret);
		goto out_free_name;
	}
	if (obj) {
		/* Lost a race with another creator. */
		obj = ipcchan_obj_open_existing(obj, op);
		mutex_unlock(&ipcchan_names_mutex);
		ipcchan_obj_put(new);
		goto out_free_name;
	}
	ret = ipcchan_obj_reserve_id(new);
	if (!ret)
		ret = ipcchan_name_insert(new, ns, op);
	if (ret) {
		mutex_unlock(&ipcchan_names_mutex);
		/* Frees the reserved id, if any, with the object. */
		ipcchan_obj_put(new);
		obj = ERR_PTR(ret);
		goto out_free_name;
	}
	/* The name's reference. */
	ipcchan_obj_get(new);
	mutex_unlock(&ipcchan_names_mutex);
	return new;

out_free_name:
	kfree(op->name);
	op->name = NULL;
	return obj;
}

/*
 * Take the name away from @obj. Called with ipcchan_names_mutex held;
 * returns the namespace reference, which the caller drops after
 * unlocking, and leaves the name's object reference to the caller too.
 */
static struct ipc_namespace *ipcchan_obj_unhash(struct ipcchan_obj *obj)
{
	struct ipc_namespace *ns = obj->ipc_ns;

	lockdep_assert_held(&ipcchan_names_mutex);
	/* Cannot fail for an entry in the table; may schedule a shrink. */
	WARN_ON_ONCE(rhashtable_remove_fast(&ipcchan_names, &obj->name_node,
					    ipcchan_name_params));
	WRITE_ONCE(obj->named, false);
	obj->ipc_ns = NULL;
	return ns;
}

static void ipcchan_obj_unhashed(struct ipcchan_obj *obj,
				 struct ipc_namespace *ns)
{
	put_ipc_ns(ns);
	if (obj->ops->unlinked)
		obj->ops->unlinked(obj);
	ipcchan_obj_put(obj);
}

/**
 * ipcchan_obj_commit - publish an object that ipcchan_obj_open() created
 * @obj: the object, with the caller's reference
 *
 * Stores it at its reserved id, sends CREATED and lets waiting opens of
 * its name go on. Cannot fail. Does nothing for an object that existed.
 *
 * Return: true when @obj was published by this call, so that the caller
 * reports the attachments made while it was unpublished.
 */
bool ipcchan_obj_commit(struct ipcchan_obj *obj)
{
	void *old;

	if (READ_ONCE(obj->published))
		return false;
	xa_lock(&ipcchan_ids);
	/* The reserved entry's node exists: storing allocates nothing. */
	old = __xa_store(&ipcchan_ids, obj->id, obj, GFP_NOWAIT);
	WARN_ON_ONCE(xa_is_err(old) || old);
	ipcchan_generation++;
	xa_unlock(&ipcchan_ids);

	mutex_lock(&ipcchan_names_mutex);
	WRITE_ONCE(obj->published, true);
	mutex_unlock(&ipcchan_names_mutex);
	ipcchan_nl_event(obj, IPCCHAN_EVENT_CREATED, 0);
	wake_up_all(&ipcchan_publish_wq);
	return true;
}

/**
 * ipcchan_obj_abort - undo ipcchan_obj_open() after a later failure
 * @obj: the object, with the caller's reference, which this drops
 *
 * A new, unpublished object loses its name and its reserved id and is
 * freed, as if it had never been created; nothing was reported about it.
 * An object that existed just loses the caller's reference.
 */
void ipcchan_obj_abort(struct ipcchan_obj *obj)
{
	struct ipc_namespace *ns = NULL;

	if (!READ_ONCE(obj->published)) {
		mutex_lock(&ipcchan_names_mutex);
		if (obj->named)
			ns = ipcchan_obj_unhash(obj);
		mutex_unlock(&ipcchan_names_mutex);
		wake_up_all(&ipcchan_publish_wq);
		if (ns) {
			put_ipc_ns(ns);
			ipcchan_obj_put(obj);	/* the name's */
		}
	}
	ipcchan_obj_put(obj);
}

/**
 * ipcchan_obj_is_named - whether @obj can still be opened by name
 * @obj: the object
 *
 * The answer may be stale as soon as it is returned; it only ever goes
 * from true to false.
 *
 * Return: true while the name is in the namespace's table.
 */
bool ipcchan_obj_is_named(const struct ipcchan_obj *obj)
{
	return READ_ONCE(obj->named);
}

/**
 * ipcchan_obj_ioctl_unlink - %IPCCHAN_IOC_UNLINK on /dev/ipcchan
 * @uarg: &struct ipcchan_unlink
 *
 * Return: 0 or a negative errno, as documented in the uapi header.
 */
long ipcchan_obj_ioctl_unlink(void __user *uarg)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct ipcchan_unlink arg;
	struct ipcchan_obj *obj;
	char *name;
	int ret;

	ret = ipcchan_copy_arg(&arg, sizeof(arg), IPCCHAN_UNLINK_SIZE_VER0,
			       uarg);
	if (ret < 0)
		return ret;
	if (arg.flags || !arg.type || arg.type >= __IPCCHAN_OBJ_MAX)
		return -EINVAL;
	name = ipcchan_name_from_user(arg.name, arg.name_len);
	if (!name)
		return -EINVAL;
	if (IS_ERR(name))
		return PTR_ERR(name);

	mutex_lock(&ipcchan_names_mutex);
	obj = ipcchan_name_lookup(ns, arg.type, name, arg.name_len);
	/* A name whose creation has not completed does not exist yet. */
	if (!obj || !READ_ONCE(obj->published)) {
		ret = -ENOENT;
	} else if (!uid_eq(current_fsuid(), obj->uid) &&
		   !ipcchan_obj_capable(obj, CAP_FOWNER)) {
		ret = -EPERM;
	} else {
		ns = ipcchan_obj_unhash(obj);
		ret = 0;
	}
	mutex_unlock(&ipcchan_names_mutex);
	kfree(name);

	if (!ret)
		ipcchan_obj_unhashed(obj, ns);
	return ret;
}

/*
 * An object's fd is made in three steps, so that everything that can fail
 * happens before anything is visible: ipcchan_fd_reserve() takes an fd
 * number, ipcchan_fd_prepare() makes the file, and ipcchan_fd_commit()
 * installs it once the call cannot fail any more (after the type has
 * published the object and copied its results out). ipcchan_fd_abort()
 * undoes whatever of the first two was done.
 */

/**
 * ipcchan_fd_reserve - take an fd number (O_CLOEXEC) for a file to come
 * @f: initialised with IPCCHAN_FD_INIT
 *
 * Return: 0, or -EMFILE.
 */
int ipcchan_fd_reserve(struct ipcchan_fd *f)
{
	int fd = get_unused_fd_flags(O_CLOEXEC);

	if (fd < 0)
		return fd;
	f->fd = fd;
	return 0;
}

/**
 * ipcchan_fd_prepare - make the file for a reserved fd
 * @f: reserved by ipcchan_fd_reserve()
 * @obj: the object; on success the file takes over one reference
 * @name: anon-inode name, "[ipcchan-...]"
 * @fops: the type's file operations, with .owner = THIS_MODULE
 * @priv: file->private_data
 * @flags: O_RDONLY, O_WRONLY or O_RDWR, optionally with O_NONBLOCK
 *
 * The file is a stream (no file position) and FMODE_NOWAIT: every type's
 * read_iter and write_iter honour IOCB_NOWAIT, so io_uring may try them
 * inline before falling back to a worker thread, and RWF_NOWAIT is
 * allowed.
 *
 * Return: 0, or a negative errno; on error the caller keeps its reference
 * and @f its fd.
 */
int ipcchan_fd_prepare(struct ipcchan_fd *f, struct ipcchan_obj *obj,
		       const char *name, const struct file_operations *fops,
		       void *priv, int flags)
{
	struct file *file;

	file = anon_inode_getfile(name, fops, priv,
				  flags & (O_ACCMODE | O_NONBLOCK));
	if (IS_ERR(file))
		return PTR_ERR(file);
	file->f_mode |= FMODE_NOWAIT;
	stream_open(file_inode(file), file);
	f->file = file;
	return 0;
}

/**
 * ipcchan_fd_commit - install a prepared file in its fd
 * @f: prepared by ipcchan_fd_prepare(); empty afterwards
 *
 * Once installed the fd belongs to the process, which may close it at
 * once: the caller must not touch the file or its object afterwards.
 *
 * Return: the fd.
 */
int ipcchan_fd_commit(struct ipcchan_fd *f)
{
	int fd = f->fd;

	fd_install(fd, f->file);
	*f = (struct ipcchan_fd)IPCCHAN_FD_INIT;
	return fd;
}

/**
 * ipcchan_fd_abort - drop a reserved fd and its prepared file, if any
 * @f: as left by ipcchan_fd_reserve() and ipcchan_fd_prepare(), or
 *	IPCCHAN_FD_INIT; empty afterwards
 *
 * Dropping the file runs the type's release, which drops the object
 * reference the file took over.
 */
void ipcchan_fd_abort(struct ipcchan_fd *f)
{
	if (f->file)
		fput(f->file);
	if (f->fd >= 0)
		put_unused_fd(f->fd);
	*f = (struct ipcchan_fd)IPCCHAN_FD_INIT;
}

/**
 * ipcchan_obj_get_by_id - find an object by id, for netlink
 * @id: the id
 * @type: required type, or 0 for any
 *
 * Return: the object with a reference, or NULL.
 */
struct ipcchan_obj *ipcchan_obj_get_by_id(u32 id, enum ipcchan_obj_type type)
{
	struct ipcchan_obj *obj;

	xa_lock(&ipcchan_ids);
	obj = xa_load(&ipcchan_ids, id);
	if (obj && (!type || obj->ops->type == type))
		ipcchan_obj_get(obj);
	else
		obj = NULL;
	xa_unlock(&ipcchan_ids);
	return obj;
}

/**
 * ipcchan_obj_get_next - walk the objects in id order, for netlink dumps
 * @id: in: smallest id wanted; out: id of the object returned
 * @type: required type, or 0 for any
 *
 * A dump resumes with *@id + 1. Objects created or destroyed during a
 * walk may or may not be seen; ipcchan_obj_generation() tells whether
 * that happened.
 *
 * Return: the next object with a reference, or NULL at the end.
 */
struct ipcchan_obj *ipcchan_obj_get_next(unsigned long *id,
					 enum ipcchan_obj_type type)
{
	struct ipcchan_obj *obj;

	xa_lock(&ipcchan_ids);
	for (;;) {
		obj = xa_find(&ipcchan_ids, id, ULONG_MAX, XA_PRESENT);
		if (!obj || !type || obj->ops->type == type)
			break;
		(*id)++;
	}
	if (obj)
		ipcchan_obj_get(obj);
	xa_unlock(&ipcchan_ids);
	return obj;
}

/**
 * ipcchan_obj_generation - changes whenever an object appears or goes
 *
 * For NLM_F_DUMP_INTR: a dump records it at the start and compares.
 *
 * Return: the current generation.
 */
unsigned long ipcchan_obj_generation(void)
{
	return READ_ONCE(ipcchan_generation);
}

/**
 * ipcchan_user_usage - what one user's objects reserve, for netlink
 * @uid: the user
 * @objects: out: objects owned
 * @bytes: out: bytes charged
 */
void ipcchan_user_usage(kuid_t uid, unsigned int *objects, u64 *bytes)
{
	struct ipcchan_user *user;

	spin_lock(&ipcchan_users_lock);
	user = ipcchan_user_find(uid);
	*objects = user ? user->objects : 0;
	*bytes = user ? user->bytes : 0;
	spin_unlock(&ipcchan_users_lock);
}

/**
 * ipcchan_object_init - set up the name table
 *
 * Return: 0 (the first table is allocated with __GFP_NOFAIL), or the
 * rhashtable's -EINVAL for bad parameters.
 */
int __init ipcchan_object_init(void)
{
	return rhashtable_init(&ipcchan_names, &ipcchan_name_params);
}

/*
 * For ipcchan_object_exit(): the table is being freed around @ptr, so the
 * name only needs to be forgotten, not removed.
 */
static void ipcchan_name_drop(void *ptr, void *arg)
{
	struct ipcchan_obj *obj = ptr;
	struct ipc_namespace *ns = obj->ipc_ns;

	WRITE_ONCE(obj->named, false);
	obj->ipc_ns = NULL;
	ipcchan_obj_unhashed(obj, ns);
}

/*
 * Every fd pins the module, so what is left now are named objects that
 * nobody has open. Unlinking them frees them.
 */
void ipcchan_object_exit(void)
{
	mutex_lock(&ipcchan_names_mutex);
	rhashtable_free_and_destroy(&ipcchan_names, ipcchan_name_drop, NULL);
	mutex_unlock(&ipcchan_names_mutex);

	WARN_ON(!xa_empty(&ipcchan_ids));
	WARN_ON(!hash_empty(ipcchan_users));
	xa_destroy(&ipcchan_ids);
}
