/*
 * fuzz_notify.c - libFuzzer harness for what src/notify makes of outside text: an event's message
 * (a syslog line from anywhere, a user name, a host) put into a notification's subject and body
 * and then into an RFC 5322 mail (notify_msg.c), and the channel options a person gives
 * (bs_notify_channel_check). Invariants: the mail's header lines end in CRLF and hold no other
 * CR, LF or control byte (no header injection: a message with "\r\nBcc: x" stays in the body),
 * no header line is over 998 bytes, and the base64 body decodes back to the text with CRLF ends.
 *
 * Input: fields split by a NUL byte: message, user, host, type; then the channel's url, from,
 * to. Seeds (corpus/notify/): plain, zh-TW, a header injection, long, invalid UTF-8.
 */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog/eventlog.h"
#include "notify/notify_int.h"

#include "fuzz_common.h"

static const char *field(const uint8_t *data, size_t size, size_t *at, char **own)
{
	size_t s = *at, e = s;
	while (e < size && data[e])
		e++;
	*own = malloc(e - s + 1);
	memcpy(*own, data + s, e - s);
	(*own)[e - s] = 0;
	*at = e < size ? e + 1 : e;
	return *own;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[7];
	size_t at = 0;
	struct bs_event ev = { 0 };
	struct nt_text t;
	struct bs_buf mail = BS_BUF_INIT, want = BS_BUF_INIT;
	json_t *p = NULL;
	const char *to[] = { "sec@example.com", NULL };
	char *hdr_end, *payload;

	if (size > 8192 || sodium_init() < 0)
		return 0;
	for (int i = 0; i < 7; i++)
		field(data, size, &at, &f[i]);
	ev.seq = 42;
	ev.time_us = 1796000000000000LL;
	ev.message = f[0];
	ev.user = f[1];
	ev.host = f[2];
	ev.type = f[3][0] ? f[3] : "auth.lockout";
	ev.outcome = "failure";
	nt_event_msg(&ev, BS_NOTIFY_LOCKOUT, &t, &p);
	payload = json_dumps(p, JSON_COMPACT);
	fuzz_check(payload != NULL);
	nt_mail_format("brokersec@example.com", to, t.subject.ptr, t.body.ptr, ev.time_us, 7, &mail);
	hdr_end = strstr(mail.ptr, "\r\n\r\n");
	fuzz_check(hdr_end != NULL);
	for (char *line = mail.ptr; line < hdr_end + 2;) {
		char *crlf = strstr(line, "\r\n");
		fuzz_check(crlf != NULL && crlf - line <= 998);
		for (char *c = line; c < crlf; c++)
			fuzz_check((unsigned char)*c >= ' ' || *c == '\t');
		line = crlf + 2;
	}
	/* the body: base64 lines that decode to the text with CRLF line ends */
	for (const char *b = t.body.ptr; *b; b++) {
		if (*b == '\n')
			bs_buf_putc(&want, '\r');
		bs_buf_putc(&want, *b);
	}
	{
		struct bs_buf got = BS_BUF_INIT;
		for (char *line = hdr_end + 4; *line;) {
			char *crlf = strstr(line, "\r\n");
			unsigned char bin[64];
			size_t n = 0;
			fuzz_check(crlf != NULL && crlf - line <= 76);
			fuzz_check(sodium_base642bin(bin, sizeof(bin), line, (size_t)(crlf - line), NULL, &n, NULL,
						     sodium_base64_VARIANT_ORIGINAL) == 0);
			bs_buf_put(&got, bin, n);
			line = crlf + 2;
		}
		fuzz_check(got.len == want.len && (!got.len || !memcmp(got.ptr, want.ptr, got.len)));
		bs_buf_release(&got);
	}
	{
		struct bs_notify_channel_spec s = { "fz", f[4], NULL, f[5], f[6], NULL, NULL, NULL };
		if (bs_notify_channel_check(&s) == 0) {
			/* accepted: no credentials, spaces or line breaks anywhere */
			fuzz_check(!strchr(f[4], '@') && !strpbrk(f[4], " \r\n") && !strpbrk(f[5], " \r\n<>") &&
				   !strpbrk(f[6], " \r\n<>"));
		}
	}
	free(payload);
	json_decref(p);
	nt_text_release(&t);
	bs_buf_release(&mail);
	bs_buf_release(&want);
	for (int i = 0; i < 7; i++)
		free(f[i]);
	return 0;
}
