/* Unit tests for src/syslog: RFC 5424 (with the RFC's own examples), RFC 3164 variants,
 * SD-PARAM escaping, BOM, NILVALUE, RFC 6587 framing edge cases and garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "syslog/syslog.h"

#define NOW INT64_C(1700000000000000) /* 2023-11-14T22:13:20Z */

static int parse(struct bs_syslog_msg *m, const char *s)
{
	return bs_syslog_parse(m, s, strlen(s), NOW);
}

static int slice_is(struct bs_slice s, const char *want)
{
	if (!want)
		return s.p == NULL;
	return s.p && s.len == strlen(want) && !memcmp(s.p, want, s.len);
}

#define assert_slice(s, want) assert_true(slice_is((s), (want)))

static int64_t at_time(const char *rfc3339)
{
	int64_t t = 0;
	assert_int_equal(bs_time_parse(rfc3339, &t), 0);
	return t;
}

/* RFC 5424 6.5, example 1: no STRUCTURED-DATA, BOM. */
static void rfc5424_example1(void **state)
{
	const char s[] = "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
			 "\xEF\xBB\xBF'su root' failed for lonvick on /dev/pts/8";
	struct bs_syslog_msg m;
	(void)state;
	assert_int_equal(parse(&m, s), 0);
	assert_int_equal(m.format, BS_SYSLOG_RFC5424);
	assert_int_equal(m.pri, 34);
	assert_int_equal(m.facility, 4);
	assert_int_equal(m.severity, 2);
	assert_int_equal(m.version, 1);
	assert_true(m.has_time);
	assert_true(m.time_us == at_time("2003-10-11T22:14:15.003Z"));
	assert_slice(m.timestamp, "2003-10-11T22:14:15.003Z");
	assert_slice(m.hostname, "mymachine.example.com");
	assert_slice(m.app_name, "su");
	assert_slice(m.procid, NULL);
	assert_slice(m.msgid, "ID47");
	assert_slice(m.sd, NULL);
	assert_true(m.bom);
	assert_slice(m.msg, "'su root' failed for lonvick on /dev/pts/8");
	assert_null(m.error);
}

/* Example 2: offset, 6 fraction digits, no MSGID, MSG-ANY without BOM. */
static void rfc5424_example2(void **state)
{
	struct bs_syslog_msg m;
	(void)state;
	assert_int_equal(parse(&m, "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - "
				   "%% It's time to make the do-nuts."), 0);
	assert_int_equal(m.facility, 20);
	assert_int_equal(m.severity, 5);
	assert_true(m.time_us == at_time("2003-08-24T12:14:15.000003Z"));
	assert_slice(m.hostname, "192.0.2.1");
	assert_slice(m.app_name, "myproc");
	assert_slice(m.procid, "8710");
	assert_slice(m.msgid, NULL);
	assert_false(m.bom);
	assert_slice(m.msg, "%% It's time to make the do-nuts.");
}

/* Examples 3 and 4: STRUCTURED-DATA, one and two elements, with and without MSG. */
static void rfc5424_example3_4(void **state)
{
	struct bs_syslog_msg m;
	struct bs_syslog_sd_iter it;
	struct bs_slice id, name, value;
	(void)state;
	assert_int_equal(parse(&m, "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
				   "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
				   "\xEF\xBB\xBF" "An application event log entry..."), 0);
	assert_slice(m.sd, "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]");
	assert_slice(m.msg, "An application event log entry...");
	bs_syslog_sd_init(&it, &m);
	assert_int_equal(bs_syslog_sd_element(&it, &id), 1);
	assert_slice(id, "exampleSDID@32473");
	assert_int_equal(bs_syslog_sd_param(&it, &name, &value), 1);
	assert_slice(name, "iut");
	assert_slice(value, "3");
	assert_int_equal(bs_syslog_sd_param(&it, &name, &value), 1);
	assert_slice(name, "eventSource");
	assert_slice(value, "Application");
	assert_int_equal(bs_syslog_sd_param(&it, &name, &value), 1);
	assert_slice(name, "eventID");
	assert_slice(value, "1011");
	assert_int_equal(bs_syslog_sd_param(&it, &name, &value), 0);
	assert_int_equal(bs_syslog_sd_element(&it, &id), 0);

	assert_int_equal(parse(&m, "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
				   "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
				   "[examplePriority@32473 class=\"high\"]"), 0);
	assert_slice(m.msg, NULL);
	bs_syslog_sd_init(&it, &m);
	assert_int_equal(bs_syslog_sd_element(&it, &id), 1); /* skip its params */
	assert_int_equal(bs_syslog_sd_element(&it, &id), 1);
	assert_slice(id, "examplePriority@32473");
	assert_int_equal(bs_syslog_sd_param(&it, &name, &value), 1);
	assert_slice(name, "class");
	assert_slice(value, "high");
	assert_int_equal(bs_syslog_sd_param(&it, &name, &value), 0);
	assert_int_equal(bs_syslog_sd_element(&it, &id), 0);
}

/* RFC 5424 6.2.3.1 timestamp examples, valid and invalid. */
static void rfc5424_timestamps(void **state)
{
	static const struct {
		const char *ts, *utc;
	} good[] = {
		{ "1985-04-12T23:20:50.52Z", "1985-04-12T23:20:50.52Z" },
		{ "1985-04-12T19:20:50.52-04:00", "1985-04-12T23:20:50.52Z" },
		{ "2003-10-11T22:14:15.003Z", "2003-10-11T22:14:15.003Z" },
		{ "2003-08-24T05:14:15.000003-07:00", "2003-08-24T12:14:15.000003Z" },
		{ "2000-02-29T00:00:00+08:00", "2000-02-28T16:00:00Z" },
		{ "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z" },
	};
	static const char *const bad[] = {
		"2003-08-24T05:14:15.000000003-07:00", /* the RFC's own invalid example */
		"2003-10-11T22:14:15.003",             /* no zone */
		"2003-10-11t22:14:15.003Z",            /* lowercase T */
		"2003-10-11T22:14:15.003z",
		"2001-02-29T00:00:00Z", "2003-13-01T00:00:00Z", "2003-00-01T00:00:00Z",
		"2003-10-11T24:00:00Z", "2003-10-11T23:60:00Z", "2003-10-11T23:59:60Z",
		"2003-10-11T22:14:15.Z", "2003-10-11T22:14:15+24:00", "2003-10-11T22:14:15+08",
		"03-10-11T22:14:15Z", "2003-10-11 22:14:15Z", "0000-01-01T00:00:00Z",
	};
	struct bs_syslog_msg m;
	char line[200];
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(line, sizeof(line), "<14>1 %s h a p m - x", good[i].ts);
		assert_int_equal(parse(&m, line), 0);
		assert_true(m.time_us == at_time(good[i].utc));
		assert_slice(m.timestamp, good[i].ts);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "<14>1 %s h a p m - x", bad[i]);
		assert_int_equal(parse(&m, line), BS_EINVALID);
		assert_non_null(m.error);
		assert_int_equal(m.pri, 14); /* what parsed is kept */
	}
}

static void rfc5424_nilvalues(void **state)
{
	struct bs_syslog_msg m;
	(void)state;
	assert_int_equal(parse(&m, "<0>1 - - - - - -"), 0);
	assert_int_equal(m.pri, 0);
	assert_false(m.has_time);
	assert_slice(m.timestamp, NULL);
	assert_slice(m.hostname, NULL);
	assert_slice(m.app_name, NULL);
	assert_slice(m.procid, NULL);
	assert_slice(m.msgid, NULL);
	assert_slice(m.sd, NULL);
	assert_slice(m.msg, NULL);
	/* an SP then an empty MSG */
	assert_int_equal(parse(&m, "<0>1 - - - - - - "), 0);
	assert_slice(m.msg, "");
	/* "--" is a value, not NILVALUE */
	assert_int_equal(parse(&m, "<191>1 - -- -- -- -- - m"), 0);
	assert_int_equal(m.facility, 23);
	assert_int_equal(m.severity, 7);
	assert_slice(m.hostname, "--");
	assert_slice(m.msg, "m");
}

static void rfc5424_sd_escaping(void **state)
{
	const char s[] = "<14>1 - h a - - [id@1 q=\"x\\\"y\" b=\"c\\\\d\" c=\"e\\]f\" d=\"g\\h\" e=\"\" "
			 "u=\"\xE4\xBF\x9D\xE9\x9A\xAA\"] msg";
	static const char *const want[] = { "x\"y", "c\\d", "e]f", "g\\h", "", "\xE4\xBF\x9D\xE9\x9A\xAA" };
	struct bs_syslog_msg m;
	struct bs_syslog_sd_iter it;
	struct bs_slice id, name, value;
	struct bs_buf b = BS_BUF_INIT;
	size_t i = 0;
	(void)state;
	assert_int_equal(parse(&m, s), 0);
	bs_syslog_sd_init(&it, &m);
	assert_int_equal(bs_syslog_sd_element(&it, &id), 1);
	assert_slice(id, "id@1");
	while (bs_syslog_sd_param(&it, &name, &value)) {
		assert_true(i < 6);
		bs_buf_clear(&b);
		bs_syslog_sd_unescape(&b, value);
		assert_string_equal(b.ptr, want[i]);
		i++;
	}
	assert_int_equal(i, 6);
	assert_slice(m.msg, "msg");
	/* a value that ends in an escaped backslash */
	assert_int_equal(parse(&m, "<14>1 - h a - - [a b=\"\\\\\"]"), 0);
	bs_syslog_sd_init(&it, &m);
	assert_int_equal(bs_syslog_sd_element(&it, &id), 1);
	assert_int_equal(bs_syslog_sd_param(&it, &name, &value), 1);
	bs_buf_clear(&b);
	bs_syslog_sd_unescape(&b, value);
	assert_string_equal(b.ptr, "\\");
	/* element without params, and several elements */
	assert_int_equal(parse(&m, "<14>1 - h a - - [a][b c=\"1\" c=\"2\"][d]"), 0);
	bs_buf_release(&b);
}

static void rfc5424_sd_invalid(void **state)
{
	static const char *const bad[] = {
		"[a b=\"x]y\"]",      /* unescaped ] */
		"[a b=\"xy]",         /* unterminated value */
		"[a b=\"1\"c=\"2\"]", /* no SP between params */
		"[ b=\"1\"]",         /* empty SD-ID */
		"[a b=1]",            /* unquoted */
		"[a b]",              /* no = */
		"[a =\"1\"]",         /* empty PARAM-NAME */
		"[a b=\"1\"",         /* element not closed */
		"[a=b]",              /* = in SD-ID */
		"[a\"b]",
		"[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]", /* 33 characters */
		"[a b=\"\xC3\x28\"]",                    /* not UTF-8 */
		"[a b=\"\xED\xA0\x80\"]",                /* surrogate */
		"[a b=\"\xC0\xAF\"]",                    /* overlong */
		"[a  b=\"1\"]",                          /* two SPs */
		"[]",
		"[a][b][a]",                             /* SD-ID twice */
		"x",
		"",
	};
	struct bs_syslog_msg m;
	char line[200];
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "<14>1 - h a - - %s", bad[i]);
		assert_int_equal(parse(&m, line), BS_EINVALID);
		assert_non_null(m.error);
		assert_slice(m.sd, NULL);
		assert_int_equal(m.format, BS_SYSLOG_RFC5424);
	}
	assert_int_equal(parse(&m, "<14>1 - h a - - [aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]"), 0); /* 32 */
}

static void rfc5424_bom_and_bytes(void **state)
{
	struct bs_syslog_msg m;
	const char any[] = "<14>1 - h a - - - \xff\xfe binary \x01";
	const char nul[] = "<14>1 - h a - - - a\0b";
	(void)state;
	/* MSG-ANY: any octets */
	assert_int_equal(bs_syslog_parse(&m, any, sizeof(any) - 1, NOW), 0);
	assert_false(m.bom);
	assert_int_equal(m.msg.len, 11);
	assert_int_equal(bs_syslog_parse(&m, nul, sizeof(nul) - 1, NOW), 0);
	assert_int_equal(m.msg.len, 3);
	/* BOM promises UTF-8 */
	assert_int_equal(parse(&m, "<14>1 - h a - - - \xEF\xBB\xBF\xff"), BS_EINVALID);
	assert_true(m.bom);
	assert_int_equal(parse(&m, "<14>1 - h a - - - \xEF\xBB\xBF"), 0);
	assert_true(m.bom);
	assert_slice(m.msg, "");
	/* half a BOM is just bytes */
	assert_int_equal(parse(&m, "<14>1 - h a - - - \xEF\xBB"), 0);
	assert_false(m.bom);
}

static void rfc5424_header_invalid(void **state)
{
	static const char *const bad[] = {
		"<14>2 - h a - - - x",  /* unknown version */
		"<14>10 - h a - - - x",
		"<14>1  h a - - - x",   /* empty TIMESTAMP */
		"<14>1 - h a - -",      /* ends in the header */
		"<14>1 - h a - - ",
		"<14>1 - h a -",
		"<14>1 -",
		"<14>1 ",
		"<14>1 - h\x7f a - - - x",
		"<14>1 - h\xc3\xa9 a - - - x",
		"<14>1 - h\ta - - - x",
		"<14>1 - h a - - [a b=\"1\"]x", /* no SP before MSG */
	};
	struct bs_syslog_msg m;
	char line[400];
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&m, bad[i]), BS_EINVALID);
		assert_non_null(m.error);
		assert_true(m.error_at <= strlen(bad[i]));
	}
	/* field limits: 255 / 48 / 128 / 32 */
	char h[260];
	memset(h, 'h', sizeof(h));
	snprintf(line, sizeof(line), "<14>1 - %.255s a - - - x", h);
	assert_int_equal(parse(&m, line), 0);
	snprintf(line, sizeof(line), "<14>1 - %.256s a - - - x", h);
	assert_int_equal(parse(&m, line), BS_EINVALID);
	snprintf(line, sizeof(line), "<14>1 - h %.48s - - - x", h);
	assert_int_equal(parse(&m, line), 0);
	snprintf(line, sizeof(line), "<14>1 - h %.49s - - - x", h);
	assert_int_equal(parse(&m, line), BS_EINVALID);
	snprintf(line, sizeof(line), "<14>1 - h a %.128s - - x", h);
	assert_int_equal(parse(&m, line), 0);
	snprintf(line, sizeof(line), "<14>1 - h a %.129s - - x", h);
	assert_int_equal(parse(&m, line), BS_EINVALID);
	snprintf(line, sizeof(line), "<14>1 - h a - %.32s - x", h);
	assert_int_equal(parse(&m, line), 0);
	snprintf(line, sizeof(line), "<14>1 - h a - %.33s - x", h);
	assert_int_equal(parse(&m, line), BS_EINVALID);
}

static void pri_invalid(void **state)
{
	static const char *const bad[] = { "", "x", "<", "<>", "<192>1 - - - - - -", "<01>x", "<1234>x", "<12",
					   "<12x>", "<-1>x", " <13>x", "<999>" };
	struct bs_syslog_msg m;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&m, bad[i]), BS_EINVALID);
		assert_int_equal(m.format, BS_SYSLOG_UNKNOWN);
		assert_int_equal(m.pri, -1);
		assert_int_equal(m.severity, -1);
		assert_non_null(m.error);
		/* the whole buffer is kept as the message */
		assert_int_equal(m.msg.len, strlen(bad[i]));
	}
	assert_int_equal(bs_syslog_parse(&m, NULL, 0, NOW), BS_EINVALID);
	assert_int_equal(parse(&m, "<0>"), 0);
	assert_int_equal(m.format, BS_SYSLOG_RFC3164);
	assert_int_equal(parse(&m, "<191>x"), 0);
}

static void rfc3164_variants(void **state)
{
	struct bs_syslog_msg m;
	(void)state;
	/* RFC 3164 5.4 example 1 */
	assert_int_equal(parse(&m, "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"), 0);
	assert_int_equal(m.format, BS_SYSLOG_RFC3164);
	assert_int_equal(m.severity, 2);
	assert_true(m.has_time && m.time_local);
	assert_true(m.time_us == at_time("2023-10-11T22:14:15Z"));
	assert_slice(m.timestamp, "Oct 11 22:14:15");
	assert_slice(m.hostname, "mymachine");
	assert_slice(m.app_name, "su");
	assert_slice(m.procid, NULL);
	assert_slice(m.msg, "'su root' failed for lonvick on /dev/pts/8");
	/* example 2: no TAG */
	assert_int_equal(parse(&m, "<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!"), 0);
	assert_slice(m.timestamp, "Feb  5 17:32:18");
	assert_slice(m.hostname, "10.0.0.99");
	assert_slice(m.app_name, NULL);
	assert_slice(m.msg, "Use the BFG!");
	/* example 4: not a timestamp at all: everything is the content */
	assert_int_equal(parse(&m, "<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!"), 0);
	assert_int_equal(m.format, BS_SYSLOG_RFC3164);
	assert_false(m.has_time);
	assert_slice(m.hostname, NULL);
	assert_slice(m.msg, "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!");
	/* TAG with pid, no hostname */
	assert_int_equal(parse(&m, "<13>Oct 11 22:14:15 sshd[123]: Accepted publickey"), 0);
	assert_slice(m.hostname, NULL);
	assert_slice(m.app_name, "sshd");
	assert_slice(m.procid, "123");
	assert_slice(m.msg, "Accepted publickey");
	/* what util-linux logger --rfc3164 sends */
	assert_int_equal(parse(&m, "<13>Nov  1 09:00:00 host1 alice: hello world"), 0);
	assert_slice(m.hostname, "host1");
	assert_slice(m.app_name, "alice");
	assert_slice(m.msg, "hello world");
	/* unpadded day */
	assert_int_equal(parse(&m, "<13>Nov 1 09:00:00 host1 app[7]: x"), 0);
	assert_slice(m.hostname, "host1");
	assert_slice(m.procid, "7");
	/* RFC 3339 timestamp in the old format (rsyslog forwarding) */
	assert_int_equal(parse(&m, "<86>2023-11-14T22:00:00.123456+08:00 web01 sudo[42]: pam_unix(sudo:session): opened"), 0);
	assert_true(m.has_time);
	assert_false(m.time_local);
	assert_true(m.time_us == at_time("2023-11-14T14:00:00.123456Z"));
	assert_slice(m.hostname, "web01");
	assert_slice(m.app_name, "sudo");
	assert_slice(m.procid, "42");
	assert_slice(m.msg, "pam_unix(sudo:session): opened");
	/* no timestamp, TAG only */
	assert_int_equal(parse(&m, "<13>kernel: Out of memory"), 0);
	assert_slice(m.app_name, "kernel");
	assert_slice(m.msg, "Out of memory");
	/* PRI only, and plain text */
	assert_int_equal(parse(&m, "<13>"), 0);
	assert_slice(m.msg, "");
	assert_int_equal(parse(&m, "<13>just words here"), 0);
	assert_slice(m.app_name, NULL);
	assert_slice(m.msg, "just words here");
	/* a timestamp not followed by SP is content */
	assert_int_equal(parse(&m, "<13>Oct 11 22:14:15x y"), 0);
	assert_false(m.has_time);
	assert_slice(m.msg, "Oct 11 22:14:15x y");
	/* impossible times are content too */
	assert_int_equal(parse(&m, "<13>Oct 32 22:14:15 h a: x"), 0);
	assert_false(m.has_time);
	assert_int_equal(parse(&m, "<13>Oct 11 25:14:15 h a: x"), 0);
	assert_false(m.has_time);
	/* timestamp at the very end */
	assert_int_equal(parse(&m, "<13>Oct 11 22:14:15"), 0);
	assert_true(m.has_time);
	assert_slice(m.msg, "");
	/* bytes that are not ASCII */
	assert_int_equal(parse(&m, "<13>Oct 11 22:14:15 h app: \xe4\xbf\x9d\xe9\x9a\xaa \xff"), 0);
	assert_slice(m.app_name, "app");
}

static void rfc3164_year(void **state)
{
	struct bs_syslog_msg m;
	const char s[] = "<13>Dec 31 23:59:59 h a: x";
	const char leap[] = "<13>Feb 29 12:00:00 h a: x";
	(void)state;
	/* received just after new year: last year */
	assert_int_equal(bs_syslog_parse(&m, s, strlen(s), at_time("2024-01-01T00:00:10Z")), 0);
	assert_true(m.time_us == at_time("2023-12-31T23:59:59Z"));
	/* Feb 29 exists only in the leap year near now */
	assert_int_equal(bs_syslog_parse(&m, leap, strlen(leap), at_time("2023-03-01T00:00:00Z")), 0);
	assert_true(m.time_us == at_time("2024-02-29T12:00:00Z"));
	assert_int_equal(bs_syslog_parse(&m, leap, strlen(leap), at_time("2025-07-01T00:00:00Z")), 0);
	assert_true(m.time_us == at_time("2024-02-29T12:00:00Z"));
}

/* Every prefix of every example parses or fails cleanly, without reading past the end
 * (ASan checks that: each prefix is copied into a buffer of exactly its length). */
static void prefixes_and_garbage(void **state)
{
	static const char *const msgs[] = {
		"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
		"[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
		"[examplePriority@32473 class=\"high\"] \xEF\xBB\xBFmsg",
		"<34>Oct 11 22:14:15 mymachine su[12]: 'su root' failed",
		"<86>2023-11-14T22:00:00.123456+08:00 web01 sudo[42]: x",
		"<14>1 - h a - - [a b=\"\\\\\\\"\\]\"] m",
	};
	struct bs_syslog_msg m;
	(void)state;
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		size_t n = strlen(msgs[i]);
		for (size_t k = 0; k <= n; k++) {
			char *p = malloc(k ? k : 1);
			memcpy(p, msgs[i], k);
			int r = bs_syslog_parse(&m, p, k, NOW);
			assert_true(r == 0 || r == BS_EINVALID);
			assert_true(r == 0 ? m.error == NULL : m.error != NULL);
			if (m.msg.p)
				assert_true(m.msg.p >= p && m.msg.p + m.msg.len <= p + k);
			free(p);
		}
	}
	/* pseudo-random garbage, a fixed seed */
	uint32_t x = 12345;
	for (int round = 0; round < 20000; round++) {
		char buf[96];
		size_t n = (size_t)(round % 96);
		for (size_t k = 0; k < n; k++) {
			x = x * 1103515245u + 12345u;
			buf[k] = "<>1 -[]=\"\\:ZT0123456789abc\xef\xbb\xbf\xff"[(x >> 16) % 31];
		}
		int r = bs_syslog_parse(&m, buf, n, NOW);
		assert_true(r == 0 || r == BS_EINVALID);
	}
}

/* --- framing --- */

struct frames {
	char text[16][128];
	unsigned flags[16];
	size_t n;
};

/* Feeds s through a framer of the given max, byte by byte when trickle is set, and
 * collects the frames (blank ones left out). */
static void feed(const char *s, size_t len, size_t max, int trickle, struct frames *out)
{
	struct bs_syslog_framer fr;
	struct bs_syslog_frame f;
	char buf[1024];
	size_t have = 0, given = 0;

	memset(out, 0, sizeof(*out));
	bs_syslog_framer_init(&fr, max);
	for (;;) {
		size_t add = trickle ? 1 : len - given;
		if (given < len && have + add <= sizeof(buf)) {
			memcpy(buf + have, s + given, add);
			have += add;
			given += add;
		}
		int eof = given == len;
		int r = bs_syslog_frame_next(&fr, buf, have, eof, &f);
		if (r == 0) {
			if (eof)
				break;
			continue;
		}
		assert_int_equal(r, 1);
		assert_true(f.consumed > 0 && f.consumed <= have);
		assert_true(f.off + f.len <= f.consumed);
		if (f.len || f.flags) {
			assert_true(out->n < 16);
			assert_true(f.len < 128);
			memcpy(out->text[out->n], buf + f.off, f.len);
			out->text[out->n][f.len] = 0;
			out->flags[out->n++] = f.flags;
		}
		memmove(buf, buf + f.consumed, have - f.consumed);
		have -= f.consumed;
	}
	assert_int_equal(have, 0);
}

static void framing_basic(void **state)
{
	struct frames fs;
	(void)state;
	for (int trickle = 0; trickle <= 1; trickle++) {
		const char mixed[] = "5 hello<13>lf one\n3 abc\r\n<13>crlf\r\n\n\n11 <13>1 - - -\n";
		feed(mixed, strlen(mixed), 1000, trickle, &fs);
		assert_int_equal(fs.n, 5);
		assert_string_equal(fs.text[0], "hello");
		assert_int_equal(fs.flags[0], BS_FRAME_OCTET);
		assert_string_equal(fs.text[1], "<13>lf one");
		assert_int_equal(fs.flags[1], 0);
		assert_string_equal(fs.text[2], "abc");
		assert_string_equal(fs.text[3], "<13>crlf"); /* the stray CRLF after "abc" was a blank line */
		assert_string_equal(fs.text[4], "<13>1 - - -");
		assert_int_equal(fs.flags[4], BS_FRAME_OCTET);
	}
}

static void framing_edges(void **state)
{
	struct frames fs;
	(void)state;
	/* not a count: leading zero, no SP, too many digits -> LF framing */
	feed("0 x\n12abc\n12345678901 y\n", 24, 1000, 0, &fs);
	assert_int_equal(fs.n, 3);
	assert_string_equal(fs.text[0], "0 x");
	assert_string_equal(fs.text[1], "12abc");
	assert_string_equal(fs.text[2], "12345678901 y");
	assert_int_equal(fs.flags[2], 0);
	/* the stream ends inside an octet frame and inside an LF frame */
	feed("10 abc", 6, 1000, 1, &fs);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.text[0], "abc");
	assert_int_equal(fs.flags[0], BS_FRAME_OCTET | BS_FRAME_INCOMPLETE);
	feed("<13>no newline", 14, 1000, 1, &fs);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.text[0], "<13>no newline");
	assert_int_equal(fs.flags[0], BS_FRAME_INCOMPLETE);
	/* digits only, then the end */
	feed("12", 2, 1000, 0, &fs);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.text[0], "12");
	/* count then SP then nothing */
	feed("3 ", 2, 1000, 0, &fs);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.text[0], "");
	assert_int_equal(fs.flags[0], BS_FRAME_OCTET | BS_FRAME_INCOMPLETE);
	/* an octet-counted frame may hold LF and anything else */
	feed("7 a\nb\0c\nde", 10, 1000, 0, &fs);
	assert_int_equal(fs.n, 2);
	assert_int_equal(memcmp(fs.text[0], "a\nb\0c\nd", 7), 0);
	assert_string_equal(fs.text[1], "e");
	assert_int_equal(fs.flags[1], BS_FRAME_INCOMPLETE);
}

static void framing_oversize(void **state)
{
	char s[400];
	struct frames fs;
	(void)state;
	/* octet-counted, 150 bytes with max 64: 64 + 64 + 22, then the next frame */
	size_t n = (size_t)snprintf(s, sizeof(s), "150 ");
	for (int i = 0; i < 150; i++)
		s[n++] = (char)('a' + i % 26);
	memcpy(s + n, "2 ok", 4);
	n += 4;
	for (int trickle = 0; trickle <= 1; trickle++) {
		feed(s, n, 64, trickle, &fs);
		assert_int_equal(fs.n, 4);
		assert_int_equal(strlen(fs.text[0]), 64);
		assert_int_equal(fs.flags[0], BS_FRAME_OCTET | BS_FRAME_TRUNCATED);
		assert_int_equal(strlen(fs.text[1]), 64);
		assert_int_equal(fs.flags[1], BS_FRAME_OCTET | BS_FRAME_CONTINUED);
		assert_int_equal(strlen(fs.text[2]), 22);
		assert_int_equal(fs.flags[2], BS_FRAME_OCTET | BS_FRAME_CONTINUED);
		assert_string_equal(fs.text[3], "ok");
		assert_int_equal(fs.flags[3], BS_FRAME_OCTET);
	}
	/* LF framing, 150 bytes then LF: 64 + 64 + 22 */
	n = 0;
	for (int i = 0; i < 150; i++)
		s[n++] = 'x';
	memcpy(s + n, "\n<13>next\n", 10);
	n += 10;
	for (int trickle = 0; trickle <= 1; trickle++) {
		feed(s, n, 64, trickle, &fs);
		assert_int_equal(fs.n, 4);
		assert_int_equal(fs.flags[0], BS_FRAME_TRUNCATED);
		assert_int_equal(fs.flags[1], BS_FRAME_CONTINUED);
		assert_int_equal(strlen(fs.text[2]), 22);
		assert_int_equal(fs.flags[2], BS_FRAME_CONTINUED);
		assert_string_equal(fs.text[3], "<13>next");
	}
	/* exactly max bytes then LF is one whole frame */
	memset(s, 'y', 64);
	s[64] = '\n';
	feed(s, 65, 64, 0, &fs);
	assert_int_equal(fs.n, 1);
	assert_int_equal(fs.flags[0], 0);
	/* a count far beyond the stream: incomplete continuation */
	feed("999999999 abc", 13, 64, 0, &fs);
	assert_int_equal(fs.n, 1);
	assert_int_equal(fs.flags[0], BS_FRAME_OCTET | BS_FRAME_INCOMPLETE);
}

/* With max + SLACK bytes the framer always hands out a frame. */
static void framing_progress(void **state)
{
	char buf[64 + BS_SYSLOG_FRAME_SLACK];
	struct bs_syslog_framer fr;
	struct bs_syslog_frame f;
	uint32_t x = 99;
	(void)state;
	for (int round = 0; round < 5000; round++) {
		for (size_t k = 0; k < sizeof(buf); k++) {
			x = x * 1103515245u + 12345u;
			buf[k] = "0123456789 \n<>a"[(x >> 16) % 15];
		}
		bs_syslog_framer_init(&fr, 64);
		assert_int_equal(bs_syslog_frame_next(&fr, buf, sizeof(buf), 0, &f), 1);
		assert_true(f.consumed > 0 && f.consumed <= sizeof(buf));
		assert_true(f.off + f.len <= f.consumed && f.len <= 64);
	}
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(bs_syslog_severity_name(0), "emerg");
	assert_string_equal(bs_syslog_severity_name(7), "debug");
	assert_string_equal(bs_syslog_severity_name(8), "?");
	assert_string_equal(bs_syslog_facility_name(16), "local0");
	assert_string_equal(bs_syslog_facility_name(-1), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc5424_example1),
		cmocka_unit_test(rfc5424_example2),
		cmocka_unit_test(rfc5424_example3_4),
		cmocka_unit_test(rfc5424_timestamps),
		cmocka_unit_test(rfc5424_nilvalues),
		cmocka_unit_test(rfc5424_sd_escaping),
		cmocka_unit_test(rfc5424_sd_invalid),
		cmocka_unit_test(rfc5424_bom_and_bytes),
		cmocka_unit_test(rfc5424_header_invalid),
		cmocka_unit_test(pri_invalid),
		cmocka_unit_test(rfc3164_variants),
		cmocka_unit_test(rfc3164_year),
		cmocka_unit_test(prefixes_and_garbage),
		cmocka_unit_test(framing_basic),
		cmocka_unit_test(framing_edges),
		cmocka_unit_test(framing_oversize),
		cmocka_unit_test(framing_progress),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
