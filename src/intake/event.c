/*
 * event.c - one received syslog message into one struct bs_event. See intake.h.
 *
 * The data JSON is written by hand into a reused buffer rather than built with jansson:
 * this runs once per message at 100k+ messages a second, and the shape is fixed.
 */
#include <sodium.h>
#include <string.h>

#include "core/clock.h"
#include "intake/intake.h"
#include "syslog/syslog.h"

/* The eventlog's limits for message text and for the data JSON. */
#define MESSAGE_MAX (64 * 1024)
#define DATA_MAX (64 * 1024)

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when s does not start one. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	unsigned lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		lo = c == 0xE0 ? 0xA0 : 0x80;
		hi = c == 0xED ? 0x9F : 0xBF;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF;
	} else {
		return 0;
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if (s[k] < 0x80 || s[k] > 0xBF)
			return 0;
	return n;
}

static int utf8_valid(const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(s + i, len - i);
		if (!n)
			return 0;
		i += n;
	}
	return 1;
}

/* Appends text as valid UTF-8 without control characters other than tab, LF and CR, at
 * most max bytes (whole characters). Returns 1 when something was cut. */
static int put_text(struct bs_buf *b, const char *p, size_t len, size_t max)
{
	static const char repl[] = "\xEF\xBF\xBD";
	const unsigned char *s = (const unsigned char *)p;
	size_t start = b->len, i = 0, run = 0;

	while (i < len) {
		size_t n = utf8_seq(s + i, len - i);
		if (n == 1 && ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') || s[i] == 0x7f))
			n = 0;
		if (n) {
			if (b->len - start + (i + n - run) > max)
				break;
			i += n;
			continue;
		}
		bs_buf_put(b, p + run, i - run);
		if (b->len - start + 3 > max) {
			run = i;
			break;
		}
		bs_buf_put(b, repl, 3);
		i++;
		run = i;
	}
	bs_buf_put(b, p + run, i - run);
	return i < len;
}

/* A JSON string of valid UTF-8 bytes. */
static void json_str(struct bs_buf *b, const char *p, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	bs_buf_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		/* DEL too: the event log takes no control characters, even inside JSON */
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		bs_buf_put(b, p + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': bs_buf_puts(b, "\\\""); break;
		case '\\': bs_buf_puts(b, "\\\\"); break;
		case '\n': bs_buf_puts(b, "\\n"); break;
		case '\r': bs_buf_puts(b, "\\r"); break;
		case '\t': bs_buf_puts(b, "\\t"); break;
		default: {
			char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };
			bs_buf_put(b, u, 6);
		}
		}
	}
	bs_buf_put(b, p + run, len - run);
	bs_buf_putc(b, '"');
}

static void json_slice(struct bs_buf *b, const char *key, struct bs_slice s)
{
	bs_buf_printf(b, ",\"%s\":", key);
	if (s.p)
		json_str(b, s.p, s.len); /* header fields are printable ASCII */
	else
		bs_buf_puts(b, "null");
}

static void json_sd(struct bs_buf *b, struct bs_buf *tmp, const struct bs_syslog_msg *m)
{
	struct bs_syslog_sd_iter it, it2;
	struct bs_slice id, name, value, n2, v2;
	int first_el = 1;

	bs_buf_puts(b, ",\"sd\":");
	if (!m->sd.p) {
		bs_buf_puts(b, "null");
		return;
	}
	bs_buf_putc(b, '{');
	bs_syslog_sd_init(&it, m);
	while (bs_syslog_sd_element(&it, &id)) {
		int first = 1;
		size_t idx = 0;
		if (!first_el)
			bs_buf_putc(b, ',');
		first_el = 0;
		json_str(b, id.p, id.len);
		bs_buf_puts(b, ":{");
		/* A PARAM-NAME may repeat (RFC 5424 7.1.1 "ip"): its values become an array. The
		 * parser caps params at BS_SYSLOG_SD_PARAMS_MAX, so the quadratic scan is bounded. */
		while (bs_syslog_sd_param(&it, &name, &value)) {
			size_t seen = 0, count = 0, k = 0;
			it2 = it;
			it2.p = id.p + id.len;
			while (bs_syslog_sd_param(&it2, &n2, &v2)) {
				if (n2.len == name.len && !memcmp(n2.p, name.p, name.len)) {
					if (k < idx)
						seen = 1;
					count++;
				}
				k++;
			}
			idx++;
			if (seen)
				continue;
			if (!first)
				bs_buf_putc(b, ',');
			first = 0;
			json_str(b, name.p, name.len);
			bs_buf_putc(b, ':');
			if (count > 1) {
				int f2 = 1;
				bs_buf_putc(b, '[');
				it2 = it;
				it2.p = id.p + id.len;
				while (bs_syslog_sd_param(&it2, &n2, &v2)) {
					if (n2.len != name.len || memcmp(n2.p, name.p, name.len))
						continue;
					if (!f2)
						bs_buf_putc(b, ',');
					f2 = 0;
					bs_buf_clear(tmp);
					bs_syslog_sd_unescape(tmp, v2);
					json_str(b, tmp->ptr, tmp->len);
				}
				bs_buf_putc(b, ']');
			} else {
				bs_buf_clear(tmp);
				bs_syslog_sd_unescape(tmp, value);
				json_str(b, tmp->ptr, tmp->len);
			}
		}
		bs_buf_putc(b, '}');
	}
	bs_buf_putc(b, '}');
}

void bs_intake_scratch_release(struct bs_intake_scratch *s)
{
	bs_buf_release(&s->host);
	bs_buf_release(&s->message);
	bs_buf_release(&s->source);
	bs_buf_release(&s->data);
	bs_buf_release(&s->tmp);
}

static const char *const format_names[] = { "unknown", "rfc5424", "rfc3164" };
static const char *const transport_names[] = { "udp", "tcp", "tls" };

/* The raw bytes as a JSON member: "raw" when they are UTF-8 and that is no longer than
 * base64, else "raw_base64"; cut to fit budget bytes of JSON (then "raw_truncated"). */
static void json_raw(struct bs_buf *d, const char *raw, size_t len, size_t budget)
{
	size_t esc = len, b64;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t')
			esc += 1;
		else if (c < 0x20 || c == 0x7f)
			esc += 5;
	}
	b64 = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	if (esc + 16 <= budget && esc <= b64 && utf8_valid(raw, len)) {
		bs_buf_puts(d, ",\"raw\":");
		json_str(d, raw, len);
		return;
	}
	int cut = 0;
	if (b64 + 48 > budget) {
		size_t room = budget > 64 ? budget - 64 : 0;
		len = room / 4 * 3;
		b64 = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
		cut = 1;
	}
	bs_buf_puts(d, ",\"raw_base64\":\"");
	bs_buf_grow(d, b64);
	sodium_bin2base64(d->ptr + d->len, b64, (const unsigned char *)raw, len, sodium_base64_VARIANT_ORIGINAL);
	d->len += b64 - 1; /* sodium wrote the NUL at b64 - 1 */
	bs_buf_putc(d, '"');
	if (cut)
		bs_buf_puts(d, ",\"raw_truncated\":true");
}

static void build_data(struct bs_buf *d, struct bs_buf *tmp, const struct bs_syslog_msg *m, int ok, int cut,
		       const char *raw, size_t len, int64_t recv_us, enum bs_intake_transport transport,
		       unsigned frame_flags, int omit_sd)
{
	char t[BS_TIME_MAX];

	bs_buf_clear(d);
	bs_buf_printf(d, "{\"format\":\"%s\"", format_names[m->format]);
	if (m->pri >= 0)
		bs_buf_printf(d, ",\"facility\":%d,\"facility_name\":\"%s\",\"severity\":%d", m->facility,
			      bs_syslog_facility_name(m->facility), m->severity);
	else
		bs_buf_puts(d, ",\"facility\":null,\"facility_name\":null,\"severity\":null");
	json_slice(d, "app_name", m->app_name);
	json_slice(d, "procid", m->procid);
	json_slice(d, "msgid", m->msgid);
	if (omit_sd)
		bs_buf_puts(d, ",\"sd\":null,\"sd_omitted\":true");
	else
		json_sd(d, tmp, m);
	json_slice(d, "timestamp", m->timestamp);
	if (m->has_time) {
		bs_time_format(m->time_us, t);
		bs_buf_printf(d, ",\"time\":\"%s\",\"time_zone_known\":%s", t, m->time_local ? "false" : "true");
	}
	bs_time_format(recv_us, t);
	bs_buf_printf(d, ",\"received\":\"%s\",\"transport\":\"%s\"", t, transport_names[transport]);
	if (transport != BS_INTAKE_UDP)
		bs_buf_printf(d, ",\"framing\":\"%s\"", (frame_flags & BS_FRAME_OCTET) ? "octet-counting" : "lf");
	if (frame_flags & (BS_FRAME_TRUNCATED | BS_FRAME_CONTINUED | BS_FRAME_INCOMPLETE))
		bs_buf_printf(d, ",\"frame\":\"%s\"",
			      (frame_flags & BS_FRAME_INCOMPLETE) ? "incomplete"
			      : (frame_flags & BS_FRAME_CONTINUED) ? "continued" : "truncated");
	if (m->bom)
		bs_buf_puts(d, ",\"bom\":true");
	if (cut)
		bs_buf_puts(d, ",\"message_truncated\":true");
	if (ok) {
		bs_buf_puts(d, ",\"parse\":\"ok\"");
	} else {
		bs_buf_puts(d, ",\"parse\":\"invalid\",\"parse_error\":");
		json_str(d, m->error, strlen(m->error));
		bs_buf_printf(d, ",\"parse_error_at\":%zu", m->error_at);
	}
	json_raw(d, raw, len, DATA_MAX > d->len + 2 ? DATA_MAX - d->len - 2 : 0);
	bs_buf_putc(d, '}');
}

int bs_intake_event_build(struct bs_event *ev, struct bs_intake_scratch *s, const char *raw, size_t len,
			  int64_t recv_us, const char *source, enum bs_intake_transport transport,
			  unsigned frame_flags)
{
	struct bs_syslog_msg m;
	int ok, cut;

	ok = bs_syslog_parse(&m, raw, len, recv_us) == 0;
	bs_buf_clear(&s->host);
	bs_buf_clear(&s->message);
	bs_buf_clear(&s->source);
	memset(ev, 0, sizeof(*ev));
	ev->type = "syslog";
	/* RFC 3164 4.3.3: a message without PRI is user.notice */
	ev->severity = m.severity >= 0 ? m.severity : 5;
	if (m.hostname.p) {
		put_text(&s->host, m.hostname.p, m.hostname.len, BS_SYSLOG_HOSTNAME_MAX);
		ev->host = s->host.ptr;
	}
	bs_buf_puts(&s->source, source ? source : "");
	ev->source = s->source.ptr;
	/* A malformed message keeps all its text as the message, so a search finds it. A
	 * trailing line end (rsyslog's templates end octet-counted frames with LF) is not
	 * part of the text; data.raw keeps it. */
	struct bs_slice text = { raw, len };
	if (ok)
		text = m.msg;
	while (text.p && text.len && (text.p[text.len - 1] == '\n' || text.p[text.len - 1] == '\r'))
		text.len--;
	cut = text.p ? put_text(&s->message, text.p, text.len, MESSAGE_MAX) : 0;
	ev->message = s->message.ptr;
	build_data(&s->data, &s->tmp, &m, ok, cut, raw, len, recv_us, transport, frame_flags, 0);
	/* escaped STRUCTURED-DATA can grow past the limit; the raw bytes still hold it */
	if (s->data.len > DATA_MAX)
		build_data(&s->data, &s->tmp, &m, ok, cut, raw, len, recv_us, transport, frame_flags, 1);
	ev->data = s->data.ptr;
	return ok;
}
