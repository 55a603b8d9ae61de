// SPDX-License-Identifier: GPL-2.0
/*
 * compare_test: ipcchan's mailboxes and rings side by side with the
 * native mechanisms, through real calls, row by row of the comparison
 * table (Documentation/generated/props-6.12.rst).
 *
 * The probes are ipcbench --props's own (tools/bench/props*.c, linked in),
 * and the committed table is compiled in (props_tables.h, generated from
 * the rst at build time). So:
 *   - every semantic cell measured here must equal the committed cell:
 *     editing a cell of the generated table makes this test fail;
 *   - on 6.1 a cell that differs from the 6.12 table must equal the
 *     committed 6.1 table, and that row skips there with the reason;
 *   - the relations the documentation promises are checked directly:
 *     a pipe holds F_GETPIPE_SZ / size messages, POSIX mq
 *     fs.mqueue.msg_default (= msg_max by default), a default mailbox
 *     IPCCHAN_MBOX_DEFAULT_CAPACITY, and wakes a blocked sender once a
 *     quarter of it is free.
 * Measured values go out as TAP comments.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/ipcchan.h>

#include "kselftest_harness.h"
#include "props.h"
#include "props_tables.h"

/* One committed cell. */
struct tcell {
	char row[24], mech[24];
	size_t size;
	char text[PROP_CELL * 2];
};

struct table {
	struct tcell *c;
	int n, cap;
};

static void table_add(void *arg, const char *row, const char *mech, size_t size,
		      const char *cell)
{
	struct table *t = arg;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->c = realloc(t->c, (size_t)t->cap * sizeof(*t->c));
		if (!t->c)
			exit(1);
	}
	snprintf(t->c[t->n].row, sizeof(t->c[0].row), "%s", row);
	snprintf(t->c[t->n].mech, sizeof(t->c[0].mech), "%s", mech);
	t->c[t->n].size = size;
	snprintf(t->c[t->n].text, sizeof(t->c[0].text), "%s", cell);
	t->n++;
}

static const char *table_get(const struct table *t, const char *row, const char *mech,
			     size_t size)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (t->c[i].size == size && !strcmp(t->c[i].row, row) &&
		    !strcmp(t->c[i].mech, mech))
			return t->c[i].text;
	return NULL;
}

static bool kernel_is_61(void)
{
	struct utsname u;

	return !uname(&u) && !strncmp(u.release, "6.1.", 4);
}

static bool have_module(void)
{
	return access(IPCCHAN_DEVICE_PATH, F_OK) == 0;
}

static void measure(struct __test_metadata *_metadata, const char *name, int nsizes,
		    const size_t *sizes, struct props_result *r)
{
	struct props_opts o = { .costs = false, .cpu = -1, .quiet = true, .nsizes = nsizes };
	const struct pmech *m = props_find(name);

	ASSERT_NE(NULL, m);
	memcpy(o.sizes, sizes, sizeof(size_t) * (size_t)nsizes);
	ASSERT_EQ(0, props_measure(m, &o, r));
	if (r->skipped)
		SKIP(return, "%s: %s", name, r->reason);
}

FIXTURE(table) {
	struct table t612, t61;
	struct props_result r;
};

FIXTURE_VARIANT(table) {
	const char *mech;
	bool ipcchan;
};

#define VARIANT(id, name, ipc) \
	FIXTURE_VARIANT_ADD(table, id) { .mech = name, .ipcchan = ipc }

VARIANT(pipe, "pipe", false);
VARIANT(fifo, "fifo", false);
VARIANT(posix_mq, "posix-mq", false);
VARIANT(sysv_msg, "sysv-msg", false);
VARIANT(unix_stream, "unix-stream", false);
VARIANT(unix_dgram, "unix-dgram", false);
VARIANT(unix_seqpacket, "unix-seqpacket", false);
VARIANT(mbox_rw, "mbox-rw", true);
VARIANT(mbox_ioctl, "mbox-ioctl", true);
VARIANT(mbox_rendezvous, "mbox-rendezvous", true);
VARIANT(ring, "ring", true);
VARIANT(ring_write, "ring-write", true);

FIXTURE_SETUP(table)
{
	memset(&self->t612, 0, sizeof(self->t612));
	memset(&self->t61, 0, sizeof(self->t61));
	ASSERT_LT(0, props_rst_parse(props_table_612, table_add, &self->t612));
	if (props_table_61[0])
		props_rst_parse(props_table_61, table_add, &self->t61);
}

FIXTURE_TEARDOWN(table)
{
	free(self->t612.c);
	free(self->t61.c);
}

/*
 * Every deterministic row of the committed table against a fresh
 * measurement of this mechanism, at the table's three sizes.
 */
TEST_F_TIMEOUT(table, matches_committed, 600)
{
	struct props_result *r = &self->r;
	int row, s, bad = 0, skipped = 0;
	bool is61 = kernel_is_61();
	char why[512] = "";

	if (variant->ipcchan && !have_module())
		SKIP(return, "no %s: module not loaded", IPCCHAN_DEVICE_PATH);
	measure(_metadata, variant->mech, PROPS_NSIZES, props_default_sizes, r);
	for (row = 0; row < __PR_MAX; row++) {
		if (!prop_rows[row].deterministic)
			continue;
		for (s = 0; s < r->nsizes; s++) {
			const char *key = prop_rows[row].key, *got = r->cell[row][s];
			const char *want = table_get(&self->t612, key, variant->mech, r->sizes[s]);
			const char *want61 = table_get(&self->t61, key, variant->mech, r->sizes[s]);

			ksft_print_msg("%s %s %zu B: %s\n", variant->mech, key, r->sizes[s], got);
			if (!want) {
				ksft_print_msg("  no committed cell: run make props-doc\n");
				bad++;
			} else if (!strcmp(want, got)) {
				continue;
			} else if (is61 && want61 && !strcmp(want61, got)) {
				ksft_print_msg("  differs on 6.1: 6.12 has '%s'\n", want);
				if (!skipped++)
					snprintf(why, sizeof(why), "%s %zu B differs on 6.1: '%s' "
						 "(6.12: '%s')", key, r->sizes[s], got, want);
			} else {
				ksft_print_msg("  MISMATCH: committed '%s'\n", want);
				bad++;
			}
		}
	}
	EXPECT_EQ(0, bad);
	if (!bad && skipped)
		SKIP(return, "%s", why);
}

/* The message size of the relation tests: the issue's -s 64. */
static const size_t s64[1] = { 64 };

/* A pipe holds F_GETPIPE_SZ bytes: F_GETPIPE_SZ / 64 messages of 64 B. */
TEST(pipe_capacity_is_pipe_size)
{
	struct props_result r;
	int p[2], sz;

	ASSERT_EQ(0, pipe(p));
	sz = fcntl(p[0], F_GETPIPE_SZ);
	close(p[0]);
	close(p[1]);
	ASSERT_LT(0, sz);
	measure(_metadata, "pipe", 1, s64, &r);
	ksft_print_msg("pipe: F_GETPIPE_SZ %d, capacity %lld x 64 B\n", sz, r.cap_msgs[0]);
	EXPECT_EQ(sz / 64, r.cap_msgs[0]);
	EXPECT_EQ(sz, r.cap_bytes[0]);
}

static long sysctl_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* POSIX mq at default settings: fs.mqueue.msg_default messages (msg_max is the same by default). */
TEST(mq_capacity_is_msg_default)
{
	long def = sysctl_long("/proc/sys/fs/mqueue/msg_default");
	long max = sysctl_long("/proc/sys/fs/mqueue/msg_max");
	struct props_result r;

	measure(_metadata, "posix-mq", 1, s64, &r);
	ksft_print_msg("posix-mq: msg_default %ld, msg_max %ld, capacity %lld\n", def, max,
		       r.cap_msgs[0]);
	EXPECT_EQ(def, r.cap_msgs[0]);
	EXPECT_EQ(max, r.cap_msgs[0]);
	EXPECT_EQ(1, r.wake_msgs[0]);	/* every receive wakes a sender */
}

/*
 * A default mailbox holds IPCCHAN_MBOX_DEFAULT_CAPACITY messages and
 * wakes a blocked sender once send_lowat (a quarter) slots are free; a
 * pipe wakes its writer once a whole page is free.
 */
TEST(mailbox_capacity_and_lowat)
{
	struct props_result r, p;

	if (!have_module())
		SKIP(return, "no %s: module not loaded", IPCCHAN_DEVICE_PATH);
	measure(_metadata, "mbox-rw", 1, s64, &r);
	ksft_print_msg("mailbox: capacity %lld, woken after %lld receives\n", r.cap_msgs[0],
		       r.wake_msgs[0]);
	EXPECT_EQ(IPCCHAN_MBOX_DEFAULT_CAPACITY, r.cap_msgs[0]);
	EXPECT_EQ(IPCCHAN_MBOX_DEFAULT_CAPACITY / 4, r.wake_msgs[0]);
	measure(_metadata, "pipe", 1, s64, &p);
	ksft_print_msg("pipe: woken after %lld receives of 64 B\n", p.wake_msgs[0]);
	EXPECT_EQ(getpagesize() / 64, p.wake_msgs[0]);
}

/*
 * The three buffering capacities of the course, measured: zero (a
 * rendezvous mailbox: the blocked writer wakes when its own message is
 * read), bounded (a default mailbox), and the bound the module allows.
 */
TEST(three_capacities)
{
	struct ipcchan_info info = { .size = sizeof(info) };
	struct props_result z, b;
	int dev;

	if (!have_module())
		SKIP(return, "no %s: module not loaded", IPCCHAN_DEVICE_PATH);
	dev = open(IPCCHAN_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, ioctl(dev, IPCCHAN_IOC_GET_INFO, &info));
	close(dev);
	measure(_metadata, "mbox-rendezvous", 1, s64, &z);
	measure(_metadata, "mbox-ioctl", 1, s64, &b);
	ksft_print_msg("capacity: rendezvous %lld, default mailbox %lld, most a mailbox may "
		       "have %u\n", z.cap_msgs[0], b.cap_msgs[0], info.mbox_max_msgs);
	EXPECT_EQ(0, z.cap_msgs[0]);
	EXPECT_STREQ("EAGAIN", z.cell[PR_NB_FULL][0]);
	EXPECT_STREQ("blocks", z.cell[PR_FULL][0]);
	EXPECT_EQ(1, z.wake_msgs[0]);	/* its own message */
	EXPECT_EQ(IPCCHAN_MBOX_DEFAULT_CAPACITY, b.cap_msgs[0]);
	EXPECT_LE(b.cap_msgs[0], info.mbox_max_msgs);
}

/* Side by side: what a mailbox does where a pipe does something else. */
TEST(mailbox_against_pipe)
{
	static const int rows[] = {
		PR_BOUNDARY, PR_SHORTREAD, PR_ZEROLEN, PR_NB_FULL, PR_WAKE,
		PR_READER_EXIT, PR_WRITER_EXIT,
	};
	struct props_result mb, p;
	size_t i;

	if (!have_module())
		SKIP(return, "no %s: module not loaded", IPCCHAN_DEVICE_PATH);
	measure(_metadata, "mbox-rw", 1, s64, &mb);
	measure(_metadata, "pipe", 1, s64, &p);

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ksft_print_msg("%-12s mailbox: %s | pipe: %s\n", prop_rows[rows[i]].key,
			       mb.cell[rows[i]][0], p.cell[rows[i]][0]);
	EXPECT_STREQ("yes", mb.cell[PR_BOUNDARY][0]);
	EXPECT_STREQ("no: one read returns both", p.cell[PR_BOUNDARY][0]);
	EXPECT_STREQ("EMSGSIZE; message kept", mb.cell[PR_SHORTREAD][0]);
	EXPECT_STREQ("partial: 32 B, the rest stays", p.cell[PR_SHORTREAD][0]);
	EXPECT_STREQ("yes", mb.cell[PR_ZEROLEN][0]);
	EXPECT_STREQ("EAGAIN", mb.cell[PR_NB_FULL][0]);
	EXPECT_STREQ("EAGAIN", p.cell[PR_NB_FULL][0]);
	/* EPIPE without SIGPIPE against EPIPE with it. */
	EXPECT_EQ(0, strncmp(mb.cell[PR_READER_EXIT][0], "EPIPE;", 6));
	EXPECT_EQ(0, strncmp(p.cell[PR_READER_EXIT][0], "EPIPE + SIGPIPE;", 16));
}

TEST_HARNESS_MAIN
