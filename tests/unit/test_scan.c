/* Unit tests of the scan engine through scan/scan.h: policies, rules, probes on temp roots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utmp.h>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/error.h"
#include "scan/scan.h"

static char root[256];
/* Results point into their policy's checks: policies live until teardown. */
static struct bs_scan_policy keep[64];
static int nkeep;

static void put(const char *rel, const char *text)
{
	char path[512], dir[512];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void put_bytes(const char *rel, const void *data, size_t len)
{
	char path[512];
	put(rel, "");
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(data, 1, len, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "%s/bs-scan-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(root));
	/* a root holds a system (bs_scan_run refuses one without: issue 14, item 2) */
	put("etc/os-release", "ID=debian\n");
	bs_clock_set(0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	(void)state;
	for (int i = 0; i < nkeep; i++)
		bs_scan_policy_release(&keep[i]);
	nkeep = 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	bs_clock_set(0);
	return 0;
}

/* Parses policy text; returns the number of problems, errors in *errs (caller frees). */
static int parse(struct bs_scan_policy *pol, const char *text, char **errs)
{
	const struct bs_catalog *cat;
	struct bs_buf e = BS_BUF_INIT;
	assert_int_equal(bs_catalog_builtin(&cat), 0);
	int n = bs_scan_policy_parse(pol, cat, "t.yaml", text, strlen(text), &e);
	*errs = bs_buf_detach(&e, NULL);
	return n;
}

#define CHECK_HEAD(id) \
	"  - id: " id "\n" \
	"    title: {zh-TW: 測試, en: test}\n" \
	"    rationale: {zh-TW: 理由, en: why}\n" \
	"    remediation: {zh-TW: 修正, en: fix}\n" \
	"    refs: [A2.5.4.2.3]\n" \
	"    severity: high\n"

/* Runs one-check policy text against root; returns the status and the scan (free it). */
static enum bs_scan_status run1(const char *policy, struct bs_scan **out, const char *proc, const char *win)
{
	struct bs_scan_policy pol = { 0 };
	struct bs_scan_opts o = { 0 };
	char *errs;
	int n = parse(&pol, policy, &errs);
	if (n)
		fprintf(stderr, "%s", errs);
	assert_int_equal(n, 0);
	free(errs);
	o.root = win ? NULL : root;
	o.proc = proc;
	o.winexport = win;
	assert_int_equal(bs_scan_run(out, &pol, &o), 0);
	assert_int_equal((*out)->n, 1);
	enum bs_scan_status s = (*out)->results[0].status;
	assert_true(nkeep < 64);
	keep[nkeep++] = pol;
	return s;
}

static void test_policy_problems(void **state)
{
	struct bs_scan_policy pol = { 0 };
	char *errs;
	(void)state;
	int n = parse(&pol,
		      "platform: linux\n"
		      "checks:\n"
		      "  - id: Bad_Id\n"
		      "    title: {zh-TW: a}\n"
		      "    refs: [A2.99]\n"
		      "    severity: severe\n"
		      "    condition: most\n"
		      "    rules:\n"
		      "      - fact: pam.faillock.deny\n"
		      "        compare: '~ 5'\n"
		      "      - fact: pam.faillock.deny\n"
		      "        compare: '<= 5'\n"
		      "        equals: x\n"
		      "      - dir: /etc\n"
		      "      - file: /etc/x\n"
		      "        match: '[unclosed'\n",
		      &errs);
	assert_true(n >= 8);
	assert_non_null(strstr(errs, "t.yaml:3: check id 'Bad_Id'"));
	assert_non_null(strstr(errs, "'title' needs both zh-TW and en"));
	assert_non_null(strstr(errs, "t.yaml:5: ref 'A2.99' is not a catalog id"));
	assert_non_null(strstr(errs, "severity 'severe'"));
	assert_non_null(strstr(errs, "condition 'most'"));
	assert_non_null(strstr(errs, "compare '~ 5'"));
	assert_non_null(strstr(errs, "exactly one of present, compare"));
	assert_non_null(strstr(errs, "a dir rule needs entries"));
	assert_non_null(strstr(errs, "does not compile"));
	assert_int_equal(pol.n, 0);
	free(errs);

	n = parse(&pol, "platform: linux\nchecks: [\n", &errs);
	assert_int_equal(n, 1);
	assert_non_null(strstr(errs, "t.yaml:"));
	free(errs);
	n = parse(&pol, "platform: macos\nchecks: []\n", &errs);
	assert_int_equal(n, 1);
	assert_non_null(strstr(errs, "platform 'macos'"));
	free(errs);
	bs_scan_policy_release(&pol);
}

static void test_builtin_policies(void **state)
{
	const struct bs_scan_policy *pol;
	(void)state;
	assert_int_equal(bs_scan_policy_builtin(&pol), 0);
	assert_true(pol->n >= 50);
	for (size_t i = 0; i < pol->n; i++) {
		assert_true(pol->v[i].nrefs >= 1);
		assert_non_null(pol->v[i].title.zh);
		assert_non_null(pol->v[i].remediation.en);
	}
	assert_non_null(bs_scan_policy_find(pol, "linux.pam.lockout-threshold"));
	assert_null(bs_scan_policy_find(pol, "linux.nope"));
}

static void test_fact_compare_and_missing(void **state)
{
	struct bs_scan *s;
	(void)state;
	put("etc/login.defs", "PASS_MAX_DAYS 120\nPASS_MIN_DAYS abc\n");
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.max") "    rules:\n"
			      "      - fact: logindefs.PASS_MAX_DAYS\n        compare: '<= 90'\n", &s, NULL, NULL),
			 BS_SCAN_FAIL);
	assert_string_equal(s->results[0].ev[0].found, "120");
	assert_string_equal(s->results[0].ev[0].file, "/etc/login.defs");
	assert_int_equal(s->results[0].ev[0].line, 1);
	assert_non_null(strstr(s->results[0].ev[0].required, "<= 90"));
	bs_scan_free(s);
	/* not a number: error with the value in the reason, never a pass */
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.min") "    rules:\n"
			      "      - fact: logindefs.PASS_MIN_DAYS\n        compare: '>= 1'\n", &s, NULL, NULL),
			 BS_SCAN_ERROR);
	assert_non_null(strstr(s->results[0].reason, "'abc'"));
	bs_scan_free(s);
	/* not set at all: fail; with missing: na, not applicable */
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.warn") "    rules:\n"
			      "      - fact: logindefs.PASS_WARN_AGE\n        compare: '>= 7'\n", &s, NULL, NULL),
			 BS_SCAN_FAIL);
	assert_string_equal(s->results[0].ev[0].found, "(not set)");
	bs_scan_free(s);
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.warn2") "    rules:\n"
			      "      - fact: logindefs.PASS_WARN_AGE\n        compare: '>= 7'\n        missing: na\n",
			      &s, NULL, NULL),
			 BS_SCAN_NA);
	bs_scan_free(s);
	/* a probe that finds nothing to look at makes the check not applicable with its reason */
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.ssh") "    rules:\n"
			      "      - fact: sshd.permitrootlogin\n        equals: 'no'\n", &s, NULL, NULL),
			 BS_SCAN_NA);
	assert_non_null(strstr(s->results[0].reason, "sshd is not installed"));
	bs_scan_free(s);
}

static void test_conditions(void **state)
{
	struct bs_scan *s;
	(void)state;
	put("etc/a", "x\n");
	const char *rules = "    rules:\n      - file: /etc/a\n      - file: /etc/b\n";
	char buf[2048];
	snprintf(buf, sizeof(buf), "platform: linux\nchecks:\n" CHECK_HEAD("t.all") "    condition: all\n%s", rules);
	assert_int_equal(run1(buf, &s, NULL, NULL), BS_SCAN_FAIL);
	bs_scan_free(s);
	snprintf(buf, sizeof(buf), "platform: linux\nchecks:\n" CHECK_HEAD("t.any") "    condition: any\n%s", rules);
	assert_int_equal(run1(buf, &s, NULL, NULL), BS_SCAN_PASS);
	bs_scan_free(s);
	snprintf(buf, sizeof(buf), "platform: linux\nchecks:\n" CHECK_HEAD("t.none") "    condition: none\n%s", rules);
	assert_int_equal(run1(buf, &s, NULL, NULL), BS_SCAN_FAIL);
	assert_non_null(strstr(s->results[0].ev[0].required, "not:"));
	bs_scan_free(s);
	/* file regex with a captured number */
	put("etc/app.conf", "# timeout 1\ntimeout = 30\n");
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.cap") "    rules:\n"
			      "      - file: /etc/app.conf\n        match: '^timeout = ([0-9]+)'\n        compare: '<= 15'\n",
			      &s, NULL, NULL),
			 BS_SCAN_FAIL);
	assert_int_equal(s->results[0].ev[0].line, 2);
	bs_scan_free(s);
	/* directory entries */
	put("var/log/auth.log.1", "");
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.dir") "    rules:\n"
			      "      - dir: /var/log\n        entries: '^auth\\.log\\.[0-9]+$'\n", &s, NULL, NULL),
			 BS_SCAN_PASS);
	bs_scan_free(s);
}

static void test_pam_include_and_defaults(void **state)
{
	struct bs_scan *s;
	(void)state;
	put("etc/pam.d/login", "auth include system-auth\n");
	put("etc/pam.d/system-auth",
	    "auth required pam_env.so\n"
	    "auth [default=die] pam_faillock.so preauth silent\n"
	    "auth substack password-auth\n");
	put("etc/pam.d/password-auth", "auth sufficient pam_unix.so\nauth required pam_faillock.so authfail\n");
	/* no deny= and no faillock.conf: pam_faillock's built-in default 3, unlock 600 */
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.deny") "    rules:\n"
			      "      - fact: pam.faillock.deny\n        compare: '<= 5'\n", &s, NULL, NULL),
			 BS_SCAN_PASS);
	bs_scan_free(s);
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.unlock") "    rules:\n"
			      "      - fact: pam.faillock.unlock_time\n        compare: '>= 900'\n", &s, NULL, NULL),
			 BS_SCAN_FAIL);
	assert_string_equal(s->results[0].ev[0].found, "600");
	bs_scan_free(s);
	/* unlock_time = 0 means "until an administrator unlocks": stricter than 900 */
	put("etc/security/faillock.conf", "unlock_time = 0\n");
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.unlock0") "    rules:\n"
			      "      - fact: pam.faillock.unlock_time\n        compare: '>= 900'\n", &s, NULL, NULL),
			 BS_SCAN_PASS);
	bs_scan_free(s);
	/* an include loop is an error, not a hang */
	put("etc/pam.d/password-auth", "auth include system-auth\n");
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.loop") "    rules:\n"
			      "      - fact: pam.faillock.deny\n        compare: '<= 5'\n", &s, NULL, NULL),
			 BS_SCAN_ERROR);
	assert_non_null(strstr(s->results[0].reason, "deeper than 8"));
	bs_scan_free(s);
}

static void test_sockets_from_proc(void **state)
{
	struct bs_scan *s;
	char proc[512];
	(void)state;
	/* 0.0.0.0:3389 and 127.0.0.1:5432 listening; ::1 port 445 (loopback); 0.0.0.0:22 */
	put("proc/net/tcp",
	    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	    "   0: 00000000:0D3D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n"
	    "   1: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2\n"
	    "   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3\n"
	    "   3: 0100007F:0D3D 0200007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 4\n");
	put("proc/net/tcp6",
	    "  sl  local_address                         remote_address                        st\n"
	    "   0: 00000000000000000000000001000000:01BD 00000000000000000000000000000000:0000 0A 0\n");
	put("proc/net/udp", "  sl  local_address rem_address   st\n");
	snprintf(proc, sizeof(proc), "%s/proc", root);
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.risky") "    rules:\n"
			      "      - fact: sockets.risky\n        count: '== 0'\n", &s, proc, NULL),
			 BS_SCAN_FAIL);
	assert_int_equal(s->results[0].nev, 1);
	assert_string_equal(s->results[0].ev[0].subject, "tcp 0.0.0.0:3389");
	assert_non_null(strstr(s->results[0].ev[0].found, "RDP"));
	bs_scan_free(s);
	/* without --proc, a --root scan cannot see sockets: not applicable */
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.risky2") "    rules:\n"
			      "      - fact: sockets.risky\n        count: '== 0'\n", &s, NULL, NULL),
			 BS_SCAN_NA);
	bs_scan_free(s);
	put("proc/net/tcp", "header\n   0: ZZZZ:0016 00000000:0000 0A 0\n");
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.risky3") "    rules:\n"
			      "      - fact: sockets.risky\n        count: '== 0'\n", &s, proc, NULL),
			 BS_SCAN_ERROR);
	bs_scan_free(s);
}

static void test_idle_accounts_from_wtmp(void **state)
{
	struct bs_scan *s;
	struct utmp u[2];
	int64_t now = (int64_t)bs_days_from_civil(2026, 11, 27) * 86400 * 1000000;
	(void)state;
	bs_clock_set(now);
	put("etc/passwd", "root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n"
			  "bob:x:1001:1001::/home/bob:/bin/bash\nsvc:x:999:999::/:/usr/sbin/nologin\n");
	put("etc/shadow", "root:!:20000::::::\nalice:$6$x$y:20000::::::\nbob:$6$x$y:20000::::::\nsvc:!:1::::::\n");
	memset(u, 0, sizeof(u));
	u[0].ut_type = USER_PROCESS;
	snprintf(u[0].ut_user, sizeof(u[0].ut_user), "alice");
	u[0].ut_tv.tv_sec = (int32_t)(now / 1000000 - 10 * 86400);
	u[1].ut_type = USER_PROCESS;
	snprintf(u[1].ut_user, sizeof(u[1].ut_user), "bob");
	u[1].ut_tv.tv_sec = (int32_t)(now / 1000000 - 200 * 86400);
	put_bytes("var/log/wtmp", u, sizeof(u));
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.idle") "    rules:\n"
			      "      - fact: lastlog.idle_days\n        compare: '<= 90'\n", &s, NULL, NULL),
			 BS_SCAN_FAIL);
	assert_int_equal(s->results[0].nev, 1);
	assert_string_equal(s->results[0].ev[0].subject, "bob");
	assert_string_equal(s->results[0].ev[0].found, "200");
	bs_scan_free(s);
}

static void test_logrotate_retention(void **state)
{
	struct bs_scan *s;
	(void)state;
	put("etc/rsyslog.conf", "auth.* /var/log/auth.log\nmail.* -/var/log/mail.log\n");
	put("etc/logrotate.conf", "monthly\nrotate 12\ninclude /etc/logrotate.d\n");
	put("etc/logrotate.d/rsyslog", "/var/log/auth.log {\n\tdaily\n\trotate 7\n}\n");
	put("var/log/README", "");
	assert_int_equal(run1("platform: linux\nchecks:\n" CHECK_HEAD("t.ret") "    rules:\n"
			      "      - fact: logs.retention_days\n        compare: '>= 180'\n", &s, NULL, NULL),
			 BS_SCAN_FAIL);
	/* auth.log: daily x 7 = 7 days; mail.log: no block, never rotated: unbounded */
	assert_int_equal(s->results[0].nev, 1);
	assert_string_equal(s->results[0].ev[0].subject, "/var/log/auth.log");
	assert_string_equal(s->results[0].ev[0].found, "7");
	bs_scan_free(s);
}

static void test_waivers_expire(void **state)
{
	struct bs_scan *s;
	struct bs_scan_waiver w[2];
	int32_t today = bs_days_from_civil(2026, 11, 27);
	(void)state;
	put("etc/hostname", "web01\n");
	run1("platform: linux\nchecks:\n" CHECK_HEAD("t.w") "    rules:\n      - file: /etc/nothing\n", &s, NULL, NULL);
	assert_string_equal(s->host, "web01");
	memset(w, 0, sizeof(w));
	w[0].host = "web01";
	w[0].check_id = "t.w";
	w[0].justification = "accepted";
	w[0].approver = "ciso";
	w[0].expires = "2026-11-26";
	bs_scan_apply_waivers(s, w, 1, today);
	assert_int_equal(s->waived, 0);
	assert_int_equal(bs_scan_exit_status(s), 1);
	w[0].expires = "2026-11-27"; /* valid through its last day */
	w[1] = w[0];
	w[1].host = "other";
	bs_scan_apply_waivers(s, w + 1, 1, today);
	assert_int_equal(s->waived, 0);
	bs_scan_apply_waivers(s, w, 2, today);
	assert_int_equal(s->waived, 1);
	assert_int_equal(bs_scan_exit_status(s), 0);
	char *j = bs_scan_json(s);
	assert_non_null(strstr(j, "\"approver\": \"ciso\""));
	free(j);
	bs_scan_free(s);
}

static void test_windows_utf16_inf(void **state)
{
	struct bs_scan *s;
	char dir[512];
	const char *inf = "[Unicode]\r\nUnicode=yes\r\n[System Access]\r\nLockoutBadCount = 10\r\n"
			  "[Version]\r\nsignature=\"$CHICAGO$\"\r\n";
	unsigned char buf[1024];
	size_t n = 0;
	(void)state;
	buf[n++] = 0xff;
	buf[n++] = 0xfe;
	for (const char *p = inf; *p; p++) {
		buf[n++] = (unsigned char)*p;
		buf[n++] = 0;
	}
	put_bytes("win/whatever.bin", buf, n);
	snprintf(dir, sizeof(dir), "%s/win", root);
	assert_int_equal(run1("platform: windows\nchecks:\n" CHECK_HEAD("t.lock") "    rules:\n"
			      "      - fact: winpol.lockout_threshold\n        compare: '<= 5'\n", &s, NULL, dir),
			 BS_SCAN_FAIL);
	assert_string_equal(s->results[0].ev[0].found, "10");
	assert_int_equal(s->results[0].ev[0].line, 4);
	bs_scan_free(s);
	/* the same file with one byte cut off: an error that says so */
	put_bytes("win/whatever.bin", buf, n - 1);
	assert_int_equal(run1("platform: windows\nchecks:\n" CHECK_HEAD("t.lock2") "    rules:\n"
			      "      - fact: winpol.lockout_threshold\n        compare: '<= 5'\n", &s, NULL, dir),
			 BS_SCAN_ERROR);
	assert_non_null(strstr(s->results[0].reason, "UTF-16"));
	bs_scan_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_problems),
		cmocka_unit_test(test_builtin_policies),
		cmocka_unit_test_setup_teardown(test_fact_compare_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conditions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pam_include_and_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sockets_from_proc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_accounts_from_wtmp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logrotate_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waivers_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_windows_utf16_inf, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
