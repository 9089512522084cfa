/* notice.c - 提醒客戶防範網路釣魚 (第十四條): the warning a broker puts on its site and in its
 * mail, naming the official domains as the only real ones, so a customer can tell a
 * look-alike; with the look-alikes a person confirmed as phishing when asked. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "lookalike/check.h"
#include "profile/profile.h"
#include "store/store.h"

static void esc(struct bs_buf *b, const char *s, int html)
{
	if (html)
		bs_buf_put_html(b, s, 0);
	else
		bs_buf_puts(b, s);
}

struct text {
	const char *title, *intro, *list_head, *rules[5], *fake_head, *end;
};

static const struct text zh = {
	"防範網路釣魚提醒",
	"%s 提醒您：詐騙集團常架設與本公司相似之網站或寄送仿冒電子郵件，騙取您的個人資料、帳號密碼或保費。"
	"本公司網站及電子郵件僅使用下列官方網域：",
	"本公司官方網域",
	{ "請自行輸入網址或使用書籤連線，勿點選簡訊、電子郵件或社群訊息中之不明連結。",
	  "連線前請確認網址列之網域與上列官方網域完全相同；相似之拼字（如 0 與 o、rn 與 m）或其他結尾（如 .com、.net）皆非本公司網站。",
	  "本公司不會以電子郵件或簡訊要求您提供密碼、驗證碼或信用卡資料。",
	  "如對網站或訊息之真偽有疑問，請逕洽本公司客服確認，或撥打 165 反詐騙諮詢專線。",
	  NULL },
	"本公司已發現之仿冒網域（請勿連線）",
	"感謝您的配合，共同防範網路釣魚。",
};

static const struct text en = {
	"Beware of phishing",
	"%s reminds you: fraudsters set up websites that look like ours and send fake e-mail to steal your personal "
	"data, passwords or premiums. Our website and our e-mail use only these official domains:",
	"Our official domains",
	{ "Type the address yourself or use a bookmark; do not follow links in text messages, e-mail or social media.",
	  "Check that the domain in the address bar is exactly one of the official domains above; a similar spelling "
	  "(0 for o, rn for m) or another ending (.com, .net) is not our website.",
	  "We never ask for your password, a verification code or card details by e-mail or text message.",
	  "If you doubt a website or a message, ask our customer service, or call 165 (the anti-fraud hotline).",
	  NULL },
	"Look-alike domains we found (do not visit them)",
	"Thank you for helping us keep phishing away.",
};

static void one(struct bs_buf *b, const struct text *t, const char *org, char **names, char **uni, size_t n,
		const struct bs_lookalike_hit *fake, size_t nfake, int html)
{
	struct bs_buf intro = BS_BUF_INIT;

	bs_buf_printf(&intro, t->intro, org);
	if (html) {
		bs_buf_puts(b, "<section class=\"brokersec-notice\">\n<h2>");
		esc(b, t->title, 1);
		bs_buf_puts(b, "</h2>\n<p>");
		esc(b, intro.ptr, 1);
		bs_buf_puts(b, "</p>\n<ul>\n");
		for (size_t i = 0; i < n; i++) {
			bs_buf_puts(b, "<li><strong>");
			esc(b, uni[i], 1);
			bs_buf_puts(b, "</strong>");
			if (strcmp(uni[i], names[i])) {
				bs_buf_puts(b, " (");
				esc(b, names[i], 1);
				bs_buf_puts(b, ")");
			}
			bs_buf_puts(b, "</li>\n");
		}
		bs_buf_puts(b, "</ul>\n<ol>\n");
		for (size_t i = 0; t->rules[i]; i++) {
			bs_buf_puts(b, "<li>");
			esc(b, t->rules[i], 1);
			bs_buf_puts(b, "</li>\n");
		}
		bs_buf_puts(b, "</ol>\n");
		if (nfake) {
			bs_buf_puts(b, "<p>");
			esc(b, t->fake_head, 1);
			bs_buf_puts(b, "</p>\n<ul>\n");
			for (size_t i = 0; i < nfake; i++) {
				bs_buf_puts(b, "<li>");
				esc(b, fake[i].name, 1); /* A-labels: what a customer's address bar may show */
				bs_buf_puts(b, "</li>\n");
			}
			bs_buf_puts(b, "</ul>\n");
		}
		bs_buf_puts(b, "<p>");
		esc(b, t->end, 1);
		bs_buf_puts(b, "</p>\n</section>\n");
	} else {
		bs_buf_printf(b, "【%s】\n\n%s\n\n", t->title, intro.ptr);
		for (size_t i = 0; i < n; i++)
			bs_buf_printf(b, "  %s%s%s%s\n", uni[i], strcmp(uni[i], names[i]) ? " (" : "",
				      strcmp(uni[i], names[i]) ? names[i] : "", strcmp(uni[i], names[i]) ? ")" : "");
		bs_buf_puts(b, "\n");
		for (size_t i = 0; t->rules[i]; i++)
			bs_buf_printf(b, "%zu. %s\n", i + 1, t->rules[i]);
		if (nfake) {
			bs_buf_printf(b, "\n%s:\n", t->fake_head);
			for (size_t i = 0; i < nfake; i++)
				bs_buf_printf(b, "  %s\n", fake[i].name);
		}
		bs_buf_printf(b, "\n%s\n", t->end);
	}
	bs_buf_release(&intro);
}

int bs_lookalike_notice(struct bs_store *s, const char *lang, const char *format, int with_hits, struct bs_buf *out)
{
	struct bs_profile prof = { 0 };
	struct bs_lookalike_hit *fake = NULL;
	char **names = NULL, **uni = NULL;
	size_t n = 0, nfake = 0;
	int html, err;

	if (strcmp(lang, "zh-TW") && strcmp(lang, "en") && strcmp(lang, "both"))
		return bs_error(BS_EINVALID, "--notice-lang '%s' is not one of zh-TW, en, both", lang);
	if (strcmp(format, "text") && strcmp(format, "html"))
		return bs_error(BS_EINVALID, "--format '%s' is not one of text, html", format);
	html = !strcmp(format, "html");
	if ((err = bs_profile_load(s, &prof)) < 0)
		return err;
	if ((err = bs_lookalike_domains(s, &names, &uni, &n)) < 0)
		goto done;
	if (!n) {
		err = bs_error(BS_ENOTFOUND, "no official domains to name in the notice: add them first with 'brokersec "
			       "lookalike domain add example.com.tw'");
		goto done;
	}
	if (with_hits && (err = bs_lookalike_hits(s, "phishing", &fake, &nfake)) < 0)
		goto done;
	if (strcmp(lang, "en"))
		one(out, &zh, prof.org ? prof.org : "本公司", names, uni, n, fake, nfake, html);
	if (!strcmp(lang, "both"))
		bs_buf_puts(out, html ? "" : "\n----\n\n");
	if (strcmp(lang, "zh-TW"))
		one(out, &en, prof.org ? prof.org : "We", names, uni, n, fake, nfake, html);
done:
	bs_lookalike_hits_free(fake, nfake);
	bs_lookalike_strv_free(names, n);
	bs_lookalike_strv_free(uni, n);
	bs_profile_release(&prof);
	return err;
}
