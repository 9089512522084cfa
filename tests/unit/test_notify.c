/* src/notify without a server: which events are told, the backoff, the webhook's signature
 * (against Python's hmac), the mail's headers (RFC 2047 subject, no injection) and the channel
 * options refused. Delivery against real servers: tests/cli/t0320, t0321. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "core/error.h"
#include "eventlog/eventlog.h"
#include "notify/notify_int.h"

static int cls(const char *type, const char *outcome)
{
	struct bs_event ev = { 0 };
	ev.type = type;
	ev.outcome = outcome;
	return bs_notify_classify(&ev);
}

static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(cls("eventlog.alert", "failure"), BS_NOTIFY_LOG);
	assert_int_equal(cls("auth.lockout", "success"), BS_NOTIFY_LOCKOUT);
	assert_int_equal(cls("auth.denied.summary", "failure"), BS_NOTIFY_LOCKOUT);
	assert_int_equal(cls("auth.denied", "failure"), -1); /* one refusal: the summary tells */
	assert_int_equal(cls("evidence.integrity", "failure"), BS_NOTIFY_INTEGRITY);
	assert_int_equal(cls("ransom.note", NULL), BS_NOTIFY_INTEGRITY);
	assert_int_equal(cls("fim.change", "failure"), BS_NOTIFY_INTEGRITY);
	assert_int_equal(cls("fim.alert", NULL), BS_NOTIFY_INTEGRITY);
	assert_int_equal(cls("fim.baseline", "success"), -1);
	assert_int_equal(cls("fim.change", NULL), -1); /* a change the rules allow: fim.alert tells what matters */
	assert_int_equal(cls("phishing.hit", NULL), BS_NOTIFY_PHISHING);
	assert_int_equal(cls("lookalike.live", "failure"), BS_NOTIFY_PHISHING);
	assert_int_equal(cls("lookalike.hit", "success"), BS_NOTIFY_PHISHING);
	assert_int_equal(cls("lookalike.check", "success"), -1);
	/* the notifier's own events never: no message breeds another */
	assert_int_equal(cls("notify.failed", "failure"), -1);
	assert_int_equal(cls("notify.dead", "failure"), -1);
	assert_int_equal(cls("syslog", NULL), -1);
	assert_int_equal(cls("ransom", NULL), -1); /* a prefix row matches only with its dot */
}

static void test_class_names(void **state)
{
	enum bs_notify_class c;
	(void)state;
	for (int i = 0; i < BS_NOTIFY_CLASS_COUNT; i++) {
		assert_int_equal(bs_notify_class_parse(bs_notify_class_name((enum bs_notify_class)i), &c), 0);
		assert_int_equal(c, i);
	}
	assert_int_equal(bs_notify_class_parse("Log", &c), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "log, lockout, integrity, phishing, duties, findings"));
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(bs_notify_backoff_us(1), 60LL * 1000000);
	assert_int_equal(bs_notify_backoff_us(2), 120LL * 1000000);
	assert_int_equal(bs_notify_backoff_us(9), 256LL * 60 * 1000000);
	assert_int_equal(bs_notify_backoff_us(10), 6LL * 3600 * 1000000);
	assert_int_equal(bs_notify_backoff_us(1000), 6LL * 3600 * 1000000);
}

static void test_sign(void **state)
{
	const char *body = "{\"class\":\"log\"}";
	char sig[72];
	(void)state;
	bs_notify_sign((const unsigned char *)"Jefe", 4, "1796000000", body, strlen(body), sig);
	/* python3: hmac.new(b'Jefe', b'1796000000.' + body, hashlib.sha256).hexdigest() */
	assert_string_equal(sig, "sha256=60ab784b6baae0ec71a5cfa28cf019665d1e7c1f7990fc67d9e2670d8b10bdaf");
	bs_notify_sign((const unsigned char *)"Jefe", 4, "1796000001", body, strlen(body), sig);
	assert_string_not_equal(sig, "sha256=60ab784b6baae0ec71a5cfa28cf019665d1e7c1f7990fc67d9e2670d8b10bdaf");
}

static void test_mail(void **state)
{
	struct bs_event ev = { 0 };
	struct nt_text t;
	struct bs_buf mail = BS_BUF_INIT;
	const char *to[] = { "a@example.com", "b@example.com", NULL };
	json_t *p;
	char *end;
	(void)state;
	ev.seq = 9;
	ev.time_us = 1796000000LL * 1000000;
	ev.type = "auth.lockout";
	ev.outcome = "success";
	ev.message = "account 'bob' locked\r\nBcc: evil@example.com";
	nt_event_msg(&ev, BS_NOTIFY_LOCKOUT, &t, &p);
	assert_null(strchr(t.subject.ptr, '\n'));
	assert_non_null(strstr(t.body.ptr, "brokersec 通知：帳號鎖定與多次拒絕存取"));
	assert_true(strstr(t.body.ptr, "brokersec notification:") > strstr(t.body.ptr, "brokersec 通知："));
	assert_string_equal(json_string_value(json_object_get(p, "class")), "lockout");
	nt_mail_format("bs@example.com", to, t.subject.ptr, t.body.ptr, ev.time_us, 9, &mail);
	end = strstr(mail.ptr, "\r\n\r\n");
	assert_non_null(end);
	*end = '\0';
	assert_null(strstr(mail.ptr, "Bcc:"));
	assert_non_null(strstr(mail.ptr, "To: <a@example.com>, <b@example.com>\r\n"));
	assert_non_null(strstr(mail.ptr, "Subject: =?UTF-8?B?"));
	/* 1796000000: python3 datetime.utcfromtimestamp says Mon, 30 Nov 2026 00:53:20 */
	assert_non_null(strstr(mail.ptr, "Date: Mon, 30 Nov 2026 00:53:20 +0000\r\n"));
	json_decref(p);
	nt_text_release(&t);
	bs_buf_release(&mail);
}

static void test_channel_check(void **state)
{
	struct bs_notify_channel_spec ok = { "ops", "smtp://mail.example.com:587", NULL, "bs@example.com",
					     "a@example.com,b@example.com", NULL, NULL, NULL };
	struct bs_notify_channel_spec s;
	(void)state;
	if (bs_notify_channel_check(&ok) != 0)
		fail_msg("%s", bs_error_message());
	s = ok, s.name = "Ops";
	assert_int_equal(bs_notify_channel_check(&s), BS_EINVALID);
	s = ok, s.smtp = "smtp://u:p@mail.example.com:587";
	assert_int_equal(bs_notify_channel_check(&s), BS_EINVALID);
	s = ok, s.smtp = "smtp://mail.example.com:587/x@y.z";
	assert_int_equal(bs_notify_channel_check(&s), BS_EINVALID);
	s = ok, s.to = "a@example.com,";
	assert_int_equal(bs_notify_channel_check(&s), BS_EINVALID);
	s = ok, s.to = "a@example.com\r\nRCPT TO:<x@y.z>";
	assert_int_equal(bs_notify_channel_check(&s), BS_EINVALID);
	s = ok, s.from = "<bs@example.com>";
	assert_int_equal(bs_notify_channel_check(&s), BS_EINVALID);
	s = ok, s.webhook = "https://hooks.example.com/x";
	assert_int_equal(bs_notify_channel_check(&s), BS_EINVALID); /* both */
	s = ok, s.smtp = NULL, s.from = NULL, s.to = NULL, s.webhook = "http://hooks.example.com/x", s.secret_file = "/dev/null";
	assert_int_equal(bs_notify_channel_check(&s), BS_EINVALID);
	s.webhook = "https://hooks.example.com/x";
	assert_int_equal(bs_notify_channel_check(&s), 0);
	s.secret_file = NULL;
	assert_int_equal(bs_notify_channel_check(&s), BS_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),   cmocka_unit_test(test_class_names), cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_sign),       cmocka_unit_test(test_mail),        cmocka_unit_test(test_channel_check),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
