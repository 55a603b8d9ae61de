// SPDX-License-Identifier: GPL-2.0
/*
 * The extensible-argument convention, checked for every ioctl that takes a
 * sized structure (Documentation/userspace-api/ipcchan.rst, "Extensible
 * ioctl arguments"). One table row per ioctl gives the structure's size,
 * its first published size, its reserved fields, the fd it is issued on
 * and how to fill in a valid argument; every test runs once per row:
 *
 *   size below the first version          EINVAL
 *   size exactly the first version        accepted
 *   size above PAGE_SIZE                  E2BIG
 *   larger structure, non-zero tail       E2BIG
 *   larger structure, zero tail           accepted, tail never written
 *   undefined flag bit, reserved field    EINVAL
 *   NULL, unmapped, truncated argument    EFAULT
 *   read-only argument of an ioctl that
 *   writes its result back                EFAULT, and no effect
 *
 * A call that fails leaves the argument as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "kselftest_harness.h"

/* Room for the largest argument structure plus a tail. */
#define ARG_MAX		1024
#define TAIL		64
#define NO_FIELD	(-1)

enum target { ON_DEV, ON_MBOX, ON_RING };

FIXTURE(abi)
{
	int dev;
	int mbox;	/* anonymous, read-write, one message queued */
	int prod;	/* anonymous ring, producer */
	int cons;	/* and its consumer */
	char name[32];	/* a named mailbox for UNLINK */
	char payload[64];
	struct ipcchan_mbox_msg msg;
};

/*
 * One row per ioctl. @fill writes a valid argument of @size bytes (the
 * buffer is zeroed first); @done releases what a successful call made,
 * given its return value.
 */
FIXTURE_VARIANT(abi)
{
	unsigned long cmd;
	enum target on;
	size_t size;
	__u32 ver0;
	int reserved[2];	/* offsets of reserved fields, or NO_FIELD */
	int writes_back;	/* the ioctl copies its structure back */
	int writes_size;	/* ... and sets @size to the bytes copied */
	void (*fill)(FIXTURE_DATA(abi) *self, void *arg);
	void (*done)(FIXTURE_DATA(abi) *self, void *arg, int ret);
};

static void fill_size(FIXTURE_DATA(abi) *self, void *arg)
{
}

static void done_nothing(FIXTURE_DATA(abi) *self, void *arg, int ret)
{
}

static void done_close(FIXTURE_DATA(abi) *self, void *arg, int ret)
{
	close(ret);
}

static void fill_unlink(FIXTURE_DATA(abi) *self, void *arg)
{
	struct ipcchan_unlink *u = arg;
	struct ipcchan_mbox_open op = {
		.size = sizeof(op),
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_CREATE,
		.name_len = strlen(self->name),
		.name = (uintptr_t)self->name,
		.mode = 0600,
	};
	int fd = ioctl(self->dev, IPCCHAN_IOC_MBOX_OPEN, &op);

	/* A failure shows as a failed "accepted" case below. */
	if (fd >= 0)
		close(fd);
	u->type = IPCCHAN_OBJ_MAILBOX;
	u->name_len = strlen(self->name);
	u->name = (uintptr_t)self->name;
}

static void fill_mbox_open(FIXTURE_DATA(abi) *self, void *arg)
{
	struct ipcchan_mbox_open *op = arg;

	op->flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE;
}

static void fill_xfer(FIXTURE_DATA(abi) *self, void *arg)
{
	struct ipcchan_mbox_xfer *x = arg;

	memset(&self->msg, 0, sizeof(self->msg));
	self->msg.buf = (uintptr_t)self->payload;
	self->msg.len = sizeof(self->payload);
	x->flags = IPCCHAN_XFER_NONBLOCK;
	x->msgs = (uintptr_t)&self->msg;
	x->count = 1;
	x->msg_size = sizeof(self->msg);
}

static void fill_ring_open(FIXTURE_DATA(abi) *self, void *arg)
{
	struct ipcchan_ring_open *op = arg;

	op->flags = IPCCHAN_OPEN_CREATE;
	op->role = IPCCHAN_RING_PRODUCER;
	op->mode = 0600;
	op->nr_pages = 1;
}

static void done_ring_open(FIXTURE_DATA(abi) *self, void *arg, int ret)
{
	close(((struct ipcchan_ring_open *)arg)->peer_fd);
	close(ret);
}

static void fill_ring_wait(FIXTURE_DATA(abi) *self, void *arg)
{
	/* An empty ring has room: the producer's check returns at once. */
	((struct ipcchan_ring_wait *)arg)->timeout_ns = 0;
}

#define ROW(_name, _cmd, _on, _type, _ver0, _wb, _ws, _fill, _done, ...) \
	FIXTURE_VARIANT_ADD(abi, _name) {				\
		.cmd = _cmd, .on = _on, .size = sizeof(_type),		\
		.ver0 = _ver0, .writes_back = _wb, .writes_size = _ws,	\
		.fill = _fill, .done = _done,				\
		.reserved = { __VA_ARGS__ },				\
	}

ROW(get_info, IPCCHAN_IOC_GET_INFO, ON_DEV, struct ipcchan_info,
    IPCCHAN_INFO_SIZE_VER0, 1, 1, fill_size, done_nothing,
    offsetof(struct ipcchan_info, reserved0),
    offsetof(struct ipcchan_info, reserved1));
ROW(unlink, IPCCHAN_IOC_UNLINK, ON_DEV, struct ipcchan_unlink,
    IPCCHAN_UNLINK_SIZE_VER0, 0, 0, fill_unlink, done_nothing,
    NO_FIELD, NO_FIELD);
ROW(mbox_open, IPCCHAN_IOC_MBOX_OPEN, ON_DEV, struct ipcchan_mbox_open,
    IPCCHAN_MBOX_OPEN_SIZE_VER0, 0, 0, fill_mbox_open, done_close,
    offsetof(struct ipcchan_mbox_open, reserved),
    offsetof(struct ipcchan_mbox_open, reserved1));
ROW(mbox_send, IPCCHAN_IOC_MBOX_SEND, ON_MBOX, struct ipcchan_mbox_xfer,
    IPCCHAN_MBOX_XFER_SIZE_VER0, 0, 0, fill_xfer, done_nothing,
    NO_FIELD, NO_FIELD);
ROW(mbox_recv, IPCCHAN_IOC_MBOX_RECV, ON_MBOX, struct ipcchan_mbox_xfer,
    IPCCHAN_MBOX_XFER_SIZE_VER0, 0, 0, fill_xfer, done_nothing,
    NO_FIELD, NO_FIELD);
/* @reserved of the attributes is output only; @reserved1 is also input. */
ROW(mbox_get_attr, IPCCHAN_IOC_MBOX_GET_ATTR, ON_MBOX, struct ipcchan_mbox_attr,
    IPCCHAN_MBOX_ATTR_SIZE_VER0, 1, 1, fill_size, done_nothing,
    offsetof(struct ipcchan_mbox_attr, reserved1), NO_FIELD);
ROW(mbox_get_stats, IPCCHAN_IOC_MBOX_GET_STATS, ON_MBOX,
    struct ipcchan_mbox_stats, IPCCHAN_MBOX_STATS_SIZE_VER0, 1, 1,
    fill_size, done_nothing, NO_FIELD, NO_FIELD);
ROW(ring_open, IPCCHAN_IOC_RING_OPEN, ON_DEV, struct ipcchan_ring_open,
    IPCCHAN_RING_OPEN_SIZE_VER0, 1, 1, fill_ring_open, done_ring_open,
    NO_FIELD, NO_FIELD);
ROW(ring_get_info, IPCCHAN_IOC_RING_GET_INFO, ON_RING,
    struct ipcchan_ring_info, IPCCHAN_RING_INFO_SIZE_VER0, 1, 1,
    fill_size, done_nothing,
    offsetof(struct ipcchan_ring_info, reserved), NO_FIELD);
/* RING_WAIT writes back @avail only. */
ROW(ring_wait, IPCCHAN_IOC_RING_WAIT, ON_RING, struct ipcchan_ring_wait,
    IPCCHAN_RING_WAIT_SIZE_VER0, 1, 0, fill_ring_wait, done_nothing,
    offsetof(struct ipcchan_ring_wait, reserved), NO_FIELD);
ROW(ring_get_stats, IPCCHAN_IOC_RING_GET_STATS, ON_RING,
    struct ipcchan_ring_stats, IPCCHAN_RING_STATS_SIZE_VER0, 1, 1,
    fill_size, done_nothing, NO_FIELD, NO_FIELD);

FIXTURE_SETUP(abi)
{
	struct ipcchan_mbox_open mo = {
		.size = sizeof(mo),
		.flags = IPCCHAN_OPEN_READ | IPCCHAN_OPEN_WRITE,
	};
	struct ipcchan_ring_open ro = {
		.size = sizeof(ro),
		.flags = IPCCHAN_OPEN_CREATE,
		.role = IPCCHAN_RING_PRODUCER,
		.mode = 0600,
		.nr_pages = 1,
	};
	struct ipcchan_mbox_msg m = { .buf = (uintptr_t)"x", .len = 1 };
	struct ipcchan_mbox_xfer x = {
		.size = sizeof(x), .msgs = (uintptr_t)&m, .count = 1,
		.msg_size = sizeof(m),
	};

	snprintf(self->name, sizeof(self->name), "abi-test-%d", getpid());
	self->dev = open(IPCCHAN_DEVICE_PATH, O_RDWR);
	ASSERT_LE(0, self->dev);
	self->mbox = ioctl(self->dev, IPCCHAN_IOC_MBOX_OPEN, &mo);
	ASSERT_LE(0, self->mbox);
	/* Something for RECV to take. */
	ASSERT_EQ(1, ioctl(self->mbox, IPCCHAN_IOC_MBOX_SEND, &x));
	self->prod = ioctl(self->dev, IPCCHAN_IOC_RING_OPEN, &ro);
	ASSERT_LE(0, self->prod);
	self->cons = ro.peer_fd;
	ASSERT_LE(0, self->cons);
}

FIXTURE_TEARDOWN(abi)
{
	struct ipcchan_unlink u = {
		.size = sizeof(u), .type = IPCCHAN_OBJ_MAILBOX,
		.name_len = strlen(self->name), .name = (uintptr_t)self->name,
	};

	/* The unlink row may have left its name behind. */
	ioctl(self->dev, IPCCHAN_IOC_UNLINK, &u);
	close(self->cons);
	close(self->prod);
	close(self->mbox);
	close(self->dev);
}

static int target_fd(FIXTURE_DATA(abi) *self,
		     const FIXTURE_VARIANT(abi) *v)
{
	return v->on == ON_DEV ? self->dev :
	       v->on == ON_MBOX ? self->mbox : self->prod;
}

/* A valid argument in @buf: zeroed, @size set, filled in. */
static void make_arg(FIXTURE_DATA(abi) *self, const FIXTURE_VARIANT(abi) *v,
		     void *buf, size_t len, __u32 size)
{
	memset(buf, 0, len);
	v->fill(self, buf);
	*(__u32 *)buf = size;
}

/*
 * Issue the row's ioctl on @arg; it must fail with @err (0: succeed) and,
 * when it fails, leave all @len bytes at @arg as they were.
 */
static void __attribute__((noinline))
expect_ioctl(struct __test_metadata *_metadata, FIXTURE_DATA(abi) *self,
	     const FIXTURE_VARIANT(abi) *v, void *arg, size_t len, int err,
	     const char *what)
{
	char before[ARG_MAX + TAIL];
	int ret;

	memcpy(before, arg, len);
	errno = 0;
	ret = ioctl(target_fd(self, v), v->cmd, arg);
	if (!err) {
		EXPECT_LE(0, ret) TH_LOG("%s: %s", what, strerror(errno));
		if (ret >= 0)
			v->done(self, arg, ret);
		return;
	}
	EXPECT_EQ(-1, ret) TH_LOG("%s: accepted", what);
	EXPECT_EQ(err, errno) TH_LOG("%s: %s", what, strerror(errno));
	if (ret >= 0)
		v->done(self, arg, ret);
	EXPECT_EQ(0, memcmp(before, arg, len))
		TH_LOG("%s: a failed call wrote its argument", what);
}

TEST_F(abi, size_below_first_version_is_einval)
{
	__u32 sizes[] = { 0, 4, variant->ver0 - 1 };
	char buf[ARG_MAX];
	unsigned int i;

	ASSERT_GE(sizeof(buf), variant->size);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		make_arg(self, variant, buf, sizeof(buf), sizes[i]);
		expect_ioctl(_metadata, self, variant, buf, variant->size,
			     EINVAL, "short size");
	}
}

TEST_F(abi, size_first_version_is_accepted)
{
	char buf[ARG_MAX];

	make_arg(self, variant, buf, sizeof(buf), variant->ver0);
	expect_ioctl(_metadata, self, variant, buf, variant->ver0, 0,
		     "first version");
	if (variant->writes_size)
		EXPECT_EQ(variant->ver0, *(__u32 *)buf);
}

TEST_F(abi, size_above_page_is_e2big)
{
	long page = sysconf(_SC_PAGESIZE);
	char *buf = calloc(1, 2 * page);

	ASSERT_NE(NULL, buf);
	make_arg(self, variant, buf, 2 * page, page + 1);
	expect_ioctl(_metadata, self, variant, buf, ARG_MAX, E2BIG,
		     "size above page");
	free(buf);
}

TEST_F(abi, nonzero_tail_is_e2big)
{
	char buf[ARG_MAX + TAIL];
	size_t big = variant->size + TAIL;

	/* The first, a middle and the last unknown byte. */
	size_t at[] = { variant->size, variant->size + TAIL / 2, big - 1 };
	unsigned int i;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		make_arg(self, variant, buf, sizeof(buf), big);
		buf[at[i]] = 1;
		expect_ioctl(_metadata, self, variant, buf, big, E2BIG,
			     "non-zero tail");
	}
}

TEST_F(abi, zero_tail_is_accepted)
{
	char buf[ARG_MAX + TAIL];
	size_t big = variant->size + TAIL;
	unsigned int i;

	make_arg(self, variant, buf, sizeof(buf), big);
	expect_ioctl(_metadata, self, variant, buf, big, 0, "zero tail");
	/* The kernel reports its own size and never writes past it. */
	EXPECT_EQ(variant->writes_size ? variant->size : big, *(__u32 *)buf);
	for (i = variant->size; i < big; i++)
		ASSERT_EQ(0, buf[i]) TH_LOG("tail byte %u written", i);
}

TEST_F(abi, undefined_flag_is_einval)
{
	char buf[ARG_MAX];

	/* Every argument has @flags right after @size. */
	make_arg(self, variant, buf, sizeof(buf), variant->size);
	((__u32 *)buf)[1] |= 0x80000000u;
	expect_ioctl(_metadata, self, variant, buf, variant->size, EINVAL,
		     "flag bit 31");
}

TEST_F(abi, reserved_is_einval)
{
	char buf[ARG_MAX];
	unsigned int i;

	if (variant->reserved[0] == NO_FIELD)
		SKIP(return, "no reserved input field");
	for (i = 0; i < 2 && variant->reserved[i] != NO_FIELD; i++) {
		make_arg(self, variant, buf, sizeof(buf), variant->size);
		*(__u32 *)(buf + variant->reserved[i]) = 1;
		expect_ioctl(_metadata, self, variant, buf, variant->size,
			     EINVAL, "reserved field");
	}
}

TEST_F(abi, bad_pointer_is_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = target_fd(self, variant);
	char *p;

	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, NULL));
	EXPECT_EQ(EFAULT, errno);

	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + page, page));
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, p + page));
	EXPECT_EQ(EFAULT, errno) TH_LOG("unmapped");

	/* A structure that runs off the end of the mapping. */
	memset(p + page - 8, 0, 8);
	*(__u32 *)(p + page - 8) = variant->size;
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, p + page - 8));
	EXPECT_EQ(EFAULT, errno) TH_LOG("truncated");
	munmap(p, page);
}

/*
 * Read-only memory: the kernel reads the argument, then cannot write the
 * result back. Documented to have no effect; the tests of each object
 * type check that for themselves, this one only the errno.
 */
TEST_F(abi, read_only_result_is_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p;

	if (!variant->writes_back)
		SKIP(return, "the ioctl writes nothing back");
	p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	make_arg(self, variant, p, page, variant->size);
	ASSERT_EQ(0, mprotect(p, page, PROT_READ));
	errno = 0;
	EXPECT_EQ(-1, ioctl(target_fd(self, variant), variant->cmd, p));
	EXPECT_EQ(EFAULT, errno);
	munmap(p, page);
}

TEST_HARNESS_MAIN
