/* notify_msg.c - the messages: an event's, in zh-TW first and then English, as mail text and as
 * the webhook's JSON; and the RFC 5322 form of a queued message (RFC 2047 subject, base64 body). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/datefmt.h"
#include "core/utf8.h"
#include "eventlog/eventlog.h"
#include "notify/notify_int.h"

void nt_text_release(struct nt_text *t)
{
	bs_buf_release(&t->subject);
	bs_buf_release(&t->body);
}

static const char *short_zh[BS_NOTIFY_CLASS_COUNT] = { "事件紀錄警示", "帳號鎖定與拒絕", "完整性警示",
							"網路釣魚",     "作業提醒",       "缺失逾期" };
static const char *short_en[BS_NOTIFY_CLASS_COUNT] = { "event log alert", "lockout", "integrity alert",
							"phishing",        "duties",  "findings past due" };

/* At most max bytes of s, never cutting a UTF-8 sequence; "..." when cut. */
static void put_cut(struct bs_buf *b, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max) {
		bs_buf_puts(b, s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	bs_buf_put(b, s, max);
	bs_buf_puts(b, "...");
}

/* One line of text: control characters (a message from outside) become spaces. */
static void put_line(struct bs_buf *b, const char *s)
{
	for (; *s; s++)
		bs_buf_putc(b, (unsigned char)*s < ' ' && *s != '\t' ? ' ' : *s);
}

void nt_event_msg(const struct bs_event *ev, enum bs_notify_class c, struct nt_text *t, json_t **payload)
{
	char tz[BS_TIME_SHOW_MAX], te[BS_TIME_SHOW_MAX];
	const char *msg = ev->message ? ev->message : "";
	json_t *p = json_object();

	bs_buf_init(&t->subject);
	bs_buf_init(&t->body);
	bs_buf_printf(&t->subject, "[brokersec] %s / %s: ", short_zh[c], short_en[c]);
	{
		struct bs_buf one = BS_BUF_INIT;
		put_line(&one, msg);
		put_cut(&t->subject, one.ptr ? one.ptr : "", 120);
		bs_buf_release(&one);
	}
	bs_time_show(ev->time_us, BS_LANG_ZH_TW, tz);
	bs_time_show(ev->time_us, BS_LANG_EN, te);
	bs_buf_printf(&t->body, "brokersec 通知：%s\n\n", bs_notify_class_title(c, BS_LANG_ZH_TW));
	bs_buf_printf(&t->body, "事件：第 %lld 筆，%s\n", (long long)ev->seq, tz);
	bs_buf_printf(&t->body, "類型：%s（結果：%s）\n", ev->type, ev->outcome ? ev->outcome : "-");
	bs_buf_printf(&t->body, "主機：%s　來源：%s　使用者：%s\n", ev->host ? ev->host : "-",
		      ev->source ? ev->source : "-", ev->user ? ev->user : "-");
	bs_buf_puts(&t->body, "內容：");
	put_line(&t->body, msg);
	bs_buf_printf(&t->body, "\n\n請登入 brokersec 查看並處理（brokersec log search --type %s）。\n", ev->type);
	bs_buf_puts(&t->body, "\n-- English --\n");
	bs_buf_printf(&t->body, "brokersec notification: %s\n\n", bs_notify_class_title(c, BS_LANG_EN));
	bs_buf_printf(&t->body, "Event: #%lld, %s\n", (long long)ev->seq, te);
	bs_buf_printf(&t->body, "Type: %s (outcome: %s)\n", ev->type, ev->outcome ? ev->outcome : "-");
	bs_buf_printf(&t->body, "Host: %s  source: %s  user: %s\n", ev->host ? ev->host : "-",
		      ev->source ? ev->source : "-", ev->user ? ev->user : "-");
	bs_buf_puts(&t->body, "Message: ");
	put_line(&t->body, msg);
	bs_buf_printf(&t->body, "\n\nSee and deal with it in brokersec (brokersec log search --type %s).\n", ev->type);

	json_object_set_new(p, "class", json_string(bs_notify_class_name(c)));
	json_object_set_new(p, "title", json_pack("{s:s, s:s}", "zh-TW", bs_notify_class_title(c, BS_LANG_ZH_TW), "en",
						   bs_notify_class_title(c, BS_LANG_EN)));
	json_object_set_new(p, "event", bs_event_json(ev));
	*payload = p;
}

/* "=?UTF-8?B?...?=" words of at most 45 bytes of s each (never splitting a character), folded. */
static void put_subject(struct bs_buf *out, const char *s)
{
	size_t n = strlen(s), i = 0;
	int ascii = 1;

	for (size_t k = 0; k < n; k++)
		if ((unsigned char)s[k] >= 0x7f || (unsigned char)s[k] < ' ')
			ascii = 0;
	bs_buf_puts(out, "Subject: ");
	if (ascii && n < 900) {
		bs_buf_puts(out, s);
		bs_buf_puts(out, "\r\n");
		return;
	}
	while (i < n) {
		size_t len = n - i < 45 ? n - i : 45;
		char b64[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];
		while (i + len < n && len > 0 && ((unsigned char)s[i + len] & 0xC0) == 0x80)
			len--;
		if (len == 0) /* not UTF-8 (a run of continuation bytes): cut anywhere, never stall */
			len = n - i < 45 ? n - i : 45;
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s + i, len, sodium_base64_VARIANT_ORIGINAL);
		bs_buf_printf(out, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", b64);
		i += len;
	}
	bs_buf_puts(out, "\r\n");
}

void nt_mail_format(const char *from, const char *const *to, const char *subject, const char *body, int64_t now_us,
		    int64_t id, struct bs_buf *out)
{
	static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int32_t days = bs_days_from_time(now_us);
	int64_t sec = now_us / 1000000 - (int64_t)days * 86400;
	unsigned char rnd[8];
	char rhex[17];
	struct bs_buf crlf = BS_BUF_INIT;
	int y;
	unsigned m, d;

	bs_civil_from_days(days, &y, &m, &d);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(rhex, sizeof(rhex), rnd, sizeof(rnd));
	bs_buf_printf(out, "From: <%s>\r\nTo: ", from);
	for (size_t i = 0; to[i]; i++)
		bs_buf_printf(out, "%s<%s>", i ? ", " : "", to[i]);
	bs_buf_puts(out, "\r\n");
	put_subject(out, subject);
	bs_buf_printf(out, "Date: %s, %02u %s %04d %02d:%02d:%02d +0000\r\n", wd[((days % 7) + 7) % 7], d, mon[m - 1], y,
		      (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
	bs_buf_printf(out, "Message-ID: <notify-%lld-%s@brokersec>\r\n", (long long)id, rhex);
	bs_buf_puts(out, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
			 "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n");
	/* text/plain's canonical form: CRLF line ends, then base64 in lines of 76 */
	for (const char *p = body; *p; p++) {
		if (*p == '\n')
			bs_buf_putc(&crlf, '\r');
		bs_buf_putc(&crlf, *p);
	}
	for (size_t i = 0; i < crlf.len; i += 57) {
		size_t len = crlf.len - i < 57 ? crlf.len - i : 57;
		char b64[sodium_base64_ENCODED_LEN(57, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)crlf.ptr + i, len, sodium_base64_VARIANT_ORIGINAL);
		bs_buf_printf(out, "%s\r\n", b64);
	}
	bs_buf_release(&crlf);
}
