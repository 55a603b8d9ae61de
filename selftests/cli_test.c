// SPDX-License-Identifier: GPL-2.0
/*
 * The ipcchan CLI's JSON, checked against a strict RFC 8259 parser (the
 * busybox guest has no python3): every command that prints parses, for a
 * mailbox named with the bytes 0xff 0xfe and payloads that are not UTF-8
 * too; JSON Lines commands (recv, peek, monitor) parse line by line;
 * show -j and mbox stat -j of one mailbox (and show -j and ring stat -j
 * of one ring) have the same keys; -j works before the command. The text
 * output names policies, roles and event types.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define OUT_MAX		(256 * 1024)

/* ------------------------------------------------------------------ */
/* A strict JSON parser that records the key paths of what it parses  */
/* ------------------------------------------------------------------ */

struct json {
	const char *p, *end;
	const char *err;
	char keys[16384];	/* "path\n" for every member, in order */
	size_t klen;
};

static bool j_value(struct json *j, const char *path, int depth);

static void j_ws(struct json *j)
{
	while (j->p < j->end && strchr(" \t\r\n", *j->p))
		j->p++;
}

static bool j_fail(struct json *j, const char *why)
{
	if (!j->err)
		j->err = why;
	return false;
}

static bool j_lit(struct json *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n))
		return j_fail(j, "bad literal");
	j->p += n;
	return true;
}

/* A string; its raw text (escapes kept) into @out when non-NULL. */
static bool j_string(struct json *j, char *out, size_t len)
{
	const unsigned char *s;
	size_t o = 0;
	int i, n;

	if (j->p >= j->end || *j->p != '"')
		return j_fail(j, "string expected");
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		s = (const unsigned char *)j->p;
		if (*s < 0x20)
			return j_fail(j, "control character in string");
		if (*s == '\\') {
			if (j->end - j->p < 2)
				return j_fail(j, "short escape");
			if (s[1] == 'u') {
				if (j->end - j->p < 6)
					return j_fail(j, "short \\u escape");
				for (i = 2; i < 6; i++)
					if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
						return j_fail(j, "bad \\u escape");
				n = 6;
			} else if (strchr("\"\\/bfnrt", s[1]) && s[1]) {
				n = 2;
			} else {
				return j_fail(j, "bad escape");
			}
		} else if (*s < 0x80) {
			n = 1;
		} else {
			/* UTF-8, strictly: no overlong, surrogate or > U+10FFFF. */
			unsigned char lo = 0x80, hi = 0xbf;

			if (*s >= 0xc2 && *s <= 0xdf)
				n = 2;
			else if (*s >= 0xe0 && *s <= 0xef)
				n = 3;
			else if (*s >= 0xf0 && *s <= 0xf4)
				n = 4;
			else
				return j_fail(j, "invalid UTF-8");
			lo = *s == 0xe0 ? 0xa0 : *s == 0xf0 ? 0x90 : 0x80;
			hi = *s == 0xed ? 0x9f : *s == 0xf4 ? 0x8f : 0xbf;
			if (j->end - j->p < n || s[1] < lo || s[1] > hi)
				return j_fail(j, "invalid UTF-8");
			for (i = 2; i < n; i++)
				if (s[i] < 0x80 || s[i] > 0xbf)
					return j_fail(j, "invalid UTF-8");
		}
		for (i = 0; i < n; i++)
			if (out && o + 1 < len)
				out[o++] = j->p[i];
		j->p += n;
	}
	if (j->p >= j->end)
		return j_fail(j, "unterminated string");
	j->p++;
	if (out)
		out[o] = '\0';
	return true;
}

static bool j_number(struct json *j)
{
	const char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0') {
		j->p++;
	} else if (j->p < j->end && *j->p >= '1' && *j->p <= '9') {
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	} else {
		return j_fail(j, "bad number");
	}
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return j_fail(j, "bad fraction");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return j_fail(j, "bad exponent");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static bool j_object(struct json *j, const char *path, int depth)
{
	char key[256], sub[1024];

	j->p++;
	j_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return true;
	}
	for (;;) {
		j_ws(j);
		if (!j_string(j, key, sizeof(key)))
			return false;
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
		if (j->klen + strlen(sub) + 2 < sizeof(j->keys))
			j->klen += sprintf(j->keys + j->klen, "%s\n", sub);
		j_ws(j);
		if (j->p >= j->end || *j->p != ':')
			return j_fail(j, "':' expected");
		j->p++;
		if (!j_value(j, sub, depth + 1))
			return false;
		j_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return true;
		}
		return j_fail(j, "',' or '}' expected");
	}
}

static bool j_array(struct json *j, const char *path, int depth)
{
	char sub[1024];

	snprintf(sub, sizeof(sub), "%s[]", path);
	j->p++;
	j_ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return true;
	}
	for (;;) {
		if (!j_value(j, sub, depth + 1))
			return false;
		j_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return true;
		}
		return j_fail(j, "',' or ']' expected");
	}
}

static bool j_value(struct json *j, const char *path, int depth)
{
	if (depth > 64)
		return j_fail(j, "too deep");
	j_ws(j);
	if (j->p >= j->end)
		return j_fail(j, "value expected");
	switch (*j->p) {
	case '{':
		return j_object(j, path, depth);
	case '[':
		return j_array(j, path, depth);
	case '"':
		return j_string(j, NULL, 0);
	case 't':
		return j_lit(j, "true");
	case 'f':
		return j_lit(j, "false");
	case 'n':
		return j_lit(j, "null");
	default:
		return j_number(j);
	}
}

/* One whole document in @s..@end: true, or false with j->err set. */
static bool json_parse(struct json *j, const char *s, const char *end)
{
	memset(j, 0, sizeof(*j));
	j->p = s;
	j->end = end;
	if (!j_value(j, "", 0))
		return false;
	j_ws(j);
	return j->p == j->end || j_fail(j, "trailing characters");
}

/* The sorted, deduplicated key paths of a parsed document. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *key_set(struct json *j)
{
	char *copy = strdup(j->keys), *lines[1024], *save = NULL, *l, *out;
	size_t n = 0, i, len = 0;

	for (l = strtok_r(copy, "\n", &save); l && n < 1024; l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, n, sizeof(lines[0]), cmp_str);
	out = calloc(1, strlen(j->keys) + 1);
	for (i = 0; i < n; i++) {
		if (i && !strcmp(lines[i], lines[i - 1]))
			continue;
		len += sprintf(out + len, "%s\n", lines[i]);
	}
	free(copy);
	return out;
}

/* ------------------------------------------------------------------ */
/* Running the CLI                                                     */
/* ------------------------------------------------------------------ */

struct run {
	int status;
	size_t len;
	char out[OUT_MAX];
};

static const char *tool(void)
{
	static char path[PATH_MAX];
	ssize_t n;

	if (!path[0]) {
		n = readlink("/proc/self/exe", path, sizeof(path) - 16);
		if (n < 0)
			return "ipcchan";
		path[n] = '\0';
		strcpy(strrchr(path, '/') + 1, "ipcchan");
	}
	return path;
}

/*
 * Start ipcchan with @args (NULL-terminated) and @input (a C string, or
 * when @input_len is non-zero that many bytes) on its stdin; its stdout
 * is *@fd.
 */
static pid_t start(char *const args[], int *fd, const char *input,
		   size_t input_len)
{
	char *argv[32] = { (char *)tool() };
	int out[2], in[2];
	pid_t pid;
	int i;

	for (i = 0; args[i] && i < 30; i++)
		argv[i + 1] = args[i];
	if (pipe(out) || pipe(in))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (input && write(in[1], input, input_len ?: strlen(input)) < 0)
		perror("write");
	close(in[1]);
	*fd = out[0];
	return pid;
}

static void collect(struct run *r, int fd, pid_t pid)
{
	ssize_t n;

	r->len = 0;
	while (r->len < sizeof(r->out) - 1 &&
	       (n = read(fd, r->out + r->len, sizeof(r->out) - 1 - r->len)) > 0)
		r->len += n;
	r->out[r->len] = '\0';
	close(fd);
	waitpid(pid, &r->status, 0);
}

#define RUN(r, input, ...) run_tool(r, input, 0, (char *[]){ __VA_ARGS__, NULL })
#define RUN_BYTES(r, input, len, ...) \
	run_tool(r, input, len, (char *[]){ __VA_ARGS__, NULL })
static int run_tool(struct run *r, const char *input, size_t input_len,
		    char *const args[])
{
	int fd;
	pid_t pid = start(args, &fd, input, input_len);

	if (pid < 0)
		return -1;
	collect(r, fd, pid);
	return WIFEXITED(r->status) ? WEXITSTATUS(r->status) : 128;
}

/* Every line of @r parses on its own (JSON Lines); returns the count. */
static int parse_lines(struct __test_metadata *_metadata, struct run *r)
{
	struct json *j = malloc(sizeof(*j));
	char *line = r->out, *nl;
	int n = 0;

	while (*line) {
		nl = strchr(line, '\n');
		EXPECT_NE(NULL, nl) TH_LOG("unterminated line");
		if (!nl)
			break;
		EXPECT_TRUE(json_parse(j, line, nl))
			TH_LOG("%s: %.*s", j->err, (int)(nl - line), line);
		n++;
		line = nl + 1;
	}
	free(j);
	return n;
}

/* The key set of @r's one document, or NULL (and a failure) if not one. */
static char *parse_doc(struct __test_metadata *_metadata, struct run *r)
{
	struct json *j = malloc(sizeof(*j));
	char *keys = NULL;

	if (json_parse(j, r->out, r->out + r->len))
		keys = key_set(j);
	else
		TH_LOG("%s at offset %zu: %s", j->err,
		       (size_t)(j->p - r->out), r->out);
	free(j);
	EXPECT_NE(NULL, keys);
	return keys;
}

/* The key set of the first element of a top-level array. */
static char *first_element_keys(char *keys)
{
	char *out = calloc(1, strlen(keys) + 1), *l, *save = NULL;
	size_t len = 0;

	for (l = strtok_r(keys, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (!strncmp(l, "[].", 3))
			len += sprintf(out + len, "%s\n", l + 3);
	return out;
}

/* ------------------------------------------------------------------ */

/* 0xff 0xfe: not UTF-8. */
static char weird[] = "\xff\xfe";

FIXTURE(cli) {
	struct run r;
	char name[64];
};

FIXTURE_SETUP(cli)
{
	snprintf(self->name, sizeof(self->name), "cli-%d", getpid());
	RUN(&self->r, NULL, "mbox", "rm", weird);
}

FIXTURE_TEARDOWN(cli)
{
	RUN(&self->r, NULL, "mbox", "rm", weird);
	RUN(&self->r, NULL, "mbox", "rm", self->name);
	RUN(&self->r, NULL, "ring", "rm", self->name);
}

/* The parser rejects what it must: the checks below can fail. */
TEST(parser_is_strict)
{
	static const char *const bad[] = {
		"{\"a\": 1,}", "[1 2]", "{\"a\" 1}", "\"\xff\"", "\"\xc0\xaf\"",
		"\"a\nb\"", "01", "1.", "{\"a\": tru}", "[1]]", "\"\\x41\"",
		"\"\xed\xa0\x80\"", "",
	};
	static const char *const good[] = {
		"{\"a\": [1, -2.5e3, true, false, null, \"\\u00ff\xc3\xa9\"]}",
		"[]", "{}", "0",
	};
	struct json *j = malloc(sizeof(*j));
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_FALSE(json_parse(j, bad[i], bad[i] + strlen(bad[i])))
			TH_LOG("accepted bad[%zu]", i);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		EXPECT_TRUE(json_parse(j, good[i], good[i] + strlen(good[i])))
			TH_LOG("rejected good[%zu]: %s", i, j->err ?: "?");
	free(j);
}

TEST_F(cli, info_json)
{
	char *keys;

	ASSERT_EQ(0, RUN(&self->r, NULL, "info", "-j"));
	keys = parse_doc(_metadata, &self->r);
	ASSERT_NE(NULL, keys);
	EXPECT_NE(NULL, strstr(keys, "limits.name-max\n")) TH_LOG("%s", keys);
	EXPECT_NE(NULL, strstr(keys, "abi-version\n"));
	free(keys);
	ASSERT_EQ(0, RUN(&self->r, NULL, "-j", "info"));
	keys = parse_doc(_metadata, &self->r);
	free(keys);
}

/*
 * A mailbox named 0xff 0xfe: its name, payloads that are and are not
 * UTF-8, every printing command's JSON, and show -j with the same keys as
 * mbox stat -j.
 */
TEST_F(cli, mbox_json_for_any_name_and_payload)
{
	static const char lines[] = "\xff\x00\x80\nplain \"text\" \xc3\xa9\n";
	char *show_keys, *stat_keys, *k;

	ASSERT_EQ(0, RUN(&self->r, NULL, "mbox", "create", weird, "--capacity", "8",
			 "--policy", "drop-oldest"));
	ASSERT_EQ(0, RUN_BYTES(&self->r, lines, sizeof(lines) - 1, "mbox", "send", weird));
	ASSERT_EQ(0, RUN(&self->r, NULL, "mbox", "send", weird, "third"));

	/* mbox stat: one document; -j before the command or after. */
	ASSERT_EQ(0, RUN(&self->r, NULL, "-j", "mbox", "stat", weird));
	stat_keys = parse_doc(_metadata, &self->r);
	ASSERT_NE(NULL, stat_keys);
	EXPECT_NE(NULL, strstr(self->r.out, "\"name\": \"\\u00ff\\u00fe\""))
		TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "\"mode\": 384")) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "\"policy\": 2"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"msgs-in\": 3"));
	ASSERT_EQ(0, RUN(&self->r, NULL, "mbox", "stat", "--json", weird));
	k = parse_doc(_metadata, &self->r);
	ASSERT_NE(NULL, k);
	EXPECT_STREQ(stat_keys, k);
	free(k);

	/* show: an array of the objects of that name. */
	ASSERT_EQ(0, RUN(&self->r, NULL, "show", "-j", "--type", "mailbox", weird));
	k = parse_doc(_metadata, &self->r);
	ASSERT_NE(NULL, k);
	show_keys = first_element_keys(k);
	free(k);
	EXPECT_STREQ(show_keys, stat_keys);
	EXPECT_NE(NULL, strstr(show_keys, "mbox-stats.residence-hist\n"));
	EXPECT_NE(NULL, strstr(show_keys, "creator-pid\n"));
	free(show_keys);
	free(stat_keys);

	/* list: one document, the mailbox in it. */
	ASSERT_EQ(0, RUN(&self->r, NULL, "-j", "list"));
	k = parse_doc(_metadata, &self->r);
	free(k);
	EXPECT_NE(NULL, strstr(self->r.out, "\\u00ff\\u00fe"));

	/* peek and recv: JSON Lines, binary payloads as base64. */
	ASSERT_EQ(0, RUN(&self->r, NULL, "mbox", "peek", "-j", weird));
	EXPECT_EQ(1, parse_lines(_metadata, &self->r));
	EXPECT_NE(NULL, strstr(self->r.out, "\"data\": \"/wCA\", \"encoding\": \"base64\""))
		TH_LOG("%s", self->r.out);
	ASSERT_EQ(0, RUN(&self->r, NULL, "-j", "mbox", "recv", "--count", "3", "--nonblock",
			 weird));
	EXPECT_EQ(3, parse_lines(_metadata, &self->r));
	EXPECT_NE(NULL, strstr(self->r.out,
			       "\"data\": \"plain \\\"text\\\" \xc3\xa9\", \"encoding\": \"utf-8\""))
		TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "\"sender-pid\": "));
}

/* show -j and ring stat -j of one ring: the same keys. */
TEST_F(cli, ring_json_keys_match)
{
	char *show_keys, *stat_keys, *k;

	ASSERT_EQ(0, RUN(&self->r, NULL, "ring", "create", self->name, "--pages", "4"));
	ASSERT_EQ(0, RUN(&self->r, NULL, "ring", "stat", "-j", self->name));
	stat_keys = parse_doc(_metadata, &self->r);
	ASSERT_NE(NULL, stat_keys);
	EXPECT_NE(NULL, strstr(self->r.out, "\"nr-pages\": 4"));
	ASSERT_EQ(0, RUN(&self->r, NULL, "-j", "show", "--type", "ring", self->name));
	k = parse_doc(_metadata, &self->r);
	ASSERT_NE(NULL, k);
	show_keys = first_element_keys(k);
	free(k);
	EXPECT_STREQ(show_keys, stat_keys);
	EXPECT_NE(NULL, strstr(show_keys, "ring-stats.producer-page.kicks-avoided\n"));
	free(show_keys);
	free(stat_keys);
}

/* monitor -j: JSON Lines, with the spec's event keys. */
TEST_F_TIMEOUT(cli, monitor_json_lines, 120)
{
	char *args[] = { "-j", "monitor", "--type", "mailbox", "--name", weird,
			 "--count", "4", NULL };
	struct pollfd pfd;
	int fd, i, st;
	pid_t pid;

	pid = start(args, &fd, NULL, 0);
	ASSERT_LT(0, pid);
	/*
	 * The monitor joins its group some time after it starts: make events
	 * until it has printed four (it exits then), for up to 100 s.
	 */
	for (i = 0; i < 200 && waitpid(pid, &st, WNOHANG) == 0; i++) {
		RUN(&self->r, NULL, "mbox", "create", weird);
		RUN(&self->r, NULL, "mbox", "rm", weird);
		pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
		poll(&pfd, 1, 500);
	}
	if (i == 200)
		kill(pid, SIGKILL);
	collect(&self->r, fd, pid);
	ASSERT_TRUE(WIFEXITED(self->r.status)) TH_LOG("monitor never saw 4 events");
	EXPECT_EQ(0, WEXITSTATUS(self->r.status));
	EXPECT_LE(4, parse_lines(_metadata, &self->r));
	EXPECT_NE(NULL, strstr(self->r.out, "\"ev-type\": \"created\"")) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "\"ev-seq\": "));
	EXPECT_NE(NULL, strstr(self->r.out, "\"name\": \"\\u00ff\\u00fe\""));
}

/* Text names policies, roles, event and object types, not numbers. */
TEST_F_TIMEOUT(cli, text_names_not_numbers, 120)
{
	char *args[] = { "monitor", "--name", self->name, "--count", "2", NULL };
	int fd, i, st;
	pid_t pid;

	ASSERT_EQ(0, RUN(&self->r, NULL, "mbox", "create", self->name,
			 "--policy", "drop-newest"));
	ASSERT_EQ(0, RUN(&self->r, NULL, "show", self->name));
	EXPECT_NE(NULL, strstr(self->r.out, "mailbox ")) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "drop-newest\n")) TH_LOG("%s", self->r.out);
	ASSERT_EQ(0, RUN(&self->r, NULL, "mbox", "stat", self->name));
	EXPECT_NE(NULL, strstr(self->r.out, "drop-newest\n")) TH_LOG("%s", self->r.out);

	/* attached and detached, with the fd's role by name. */
	pid = start(args, &fd, NULL, 0);
	ASSERT_LT(0, pid);
	for (i = 0; i < 200 && waitpid(pid, &st, WNOHANG) == 0; i++) {
		RUN(&self->r, NULL, "mbox", "send", self->name, "x");
		usleep(200000);
	}
	if (i == 200)
		kill(pid, SIGKILL);
	collect(&self->r, fd, pid);
	EXPECT_TRUE(WIFEXITED(self->r.status));
	EXPECT_NE(NULL, strstr(self->r.out, "attached")) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, " role write")) TH_LOG("%s", self->r.out);
}

TEST_HARNESS_MAIN
