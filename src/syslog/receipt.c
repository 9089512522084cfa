/*
 * receipt.c - one received syslog message into one struct bs_event whose data is its receipt,
 * and the parsed fields back from the receipt when the event is read. See syslog.h.
 *
 * The data JSON is written by hand into a reused buffer rather than built with jansson:
 * this runs once per message at 100k+ messages a second, and the shape is fixed. No printf:
 * strings are copied and escaped in runs, numbers and times formatted by hand, and space is
 * reserved once per piece (put/lit below); the buffers are reused from message to message.
 * The output is the event log's trusted input (BS_EVENTLOG_TRUSTED): valid UTF-8 text
 * without control characters, data one JSON object, every field within the log's limits.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "eventlog/eventlog.h"
#include "syslog/syslog.h"

/* The eventlog's limits for message text and for the data JSON. */
#define MESSAGE_MAX (64 * 1024)
#define DATA_MAX (64 * 1024)

/* ---- appending without printf ---- */

/* Room for n more bytes (and the NUL bs_buf keeps after them). */
static inline char *room(struct bs_buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap)
		bs_buf_grow(b, n);
	return b->ptr + b->len;
}

static inline void put(struct bs_buf *b, const char *p, size_t n)
{
	if (!n)
		return;
	memcpy(room(b, n), p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

static inline void putch(struct bs_buf *b, char c)
{
	char *w = room(b, 1);
	w[0] = c;
	w[1] = '\0';
	b->len++;
}

#define lit(b, s) put((b), (s), sizeof(s) - 1)

/* A non-negative decimal. */
static void put_uint(struct bs_buf *b, uint64_t v)
{
	char t[24];
	size_t i = sizeof(t);
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(b, t + i, sizeof(t) - i);
}

static void put_int(struct bs_buf *b, int64_t v)
{
	if (v < 0) {
		putch(b, '-');
		put_uint(b, (uint64_t)0 - (uint64_t)v);
	} else {
		put_uint(b, (uint64_t)v);
	}
}

static inline void dig2(char *w, unsigned v)
{
	w[0] = (char)('0' + v / 10 % 10);
	w[1] = (char)('0' + v % 10);
}

/* bs_time_format()'s text ("%04d-%02u-%02uT%02d:%02d:%02d.%06dZ"), quoted. */
static void put_time(struct bs_buf *b, int64_t us)
{
	int32_t days = bs_days_from_time(us);
	int64_t rem = us - (int64_t)days * 86400 * 1000000;
	int y;
	unsigned m, d;

	bs_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) { /* only from hostile timestamps: the general formatter */
		char t[BS_TIME_MAX];
		bs_time_format(us, t);
		putch(b, '"');
		put(b, t, strlen(t));
		putch(b, '"');
		return;
	}
	unsigned secs = (unsigned)(rem / 1000000), frac = (unsigned)(rem % 1000000);
	char *w = room(b, 29);
	w[0] = '"';
	dig2(w + 1, (unsigned)y / 100);
	dig2(w + 3, (unsigned)y % 100);
	w[5] = '-';
	dig2(w + 6, m);
	w[8] = '-';
	dig2(w + 9, d);
	w[11] = 'T';
	dig2(w + 12, secs / 3600);
	w[14] = ':';
	dig2(w + 15, secs / 60 % 60);
	w[17] = ':';
	dig2(w + 18, secs % 60);
	w[20] = '.';
	dig2(w + 21, frac / 10000);
	dig2(w + 23, frac / 100 % 100);
	dig2(w + 25, frac % 100);
	w[27] = 'Z';
	w[28] = '"';
	b->len += 29;
	b->ptr[b->len] = '\0';
}

/* Printable ASCII (0x20..0x7e): text that needs no second look. */
static inline int plain(unsigned char c)
{
	return (unsigned char)(c - 0x20) < 0x5f;
}

/* Appends text as valid UTF-8 without control characters other than tab, LF and CR, at
 * most max bytes (whole characters). Returns 1 when something was cut. */
static int put_text(struct bs_buf *b, const char *p, size_t len, size_t max)
{
	static const char repl[] = "\xEF\xBF\xBD";
	const unsigned char *s = (const unsigned char *)p;
	size_t start = b->len, i = 0, run = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;
		if (plain(s[i])) {
			if (b->len - start + (i + 1 - run) > max)
				break;
			i++;
			continue;
		}
		n = bs_utf8_next(p + i, len - i, &cp);
		if (n == 1 && ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') || s[i] == 0x7f))
			n = 0;
		if (n) {
			if (b->len - start + (i + n - run) > max)
				break;
			i += n;
			continue;
		}
		put(b, p + run, i - run);
		if (b->len - start + 3 > max) {
			run = i;
			break;
		}
		put(b, repl, 3);
		i++;
		run = i;
	}
	put(b, p + run, i - run);
	return i < len;
}

/* 1 for the bytes a JSON string must escape here: '"', '\\', controls and DEL (the event
 * log takes no control characters, even inside JSON). */
static const unsigned char json_esc[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1,
	[0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1,
	[0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
	[0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1,
	['"'] = 1, ['\\'] = 1, [0x7f] = 1,
};

/* A JSON string of valid UTF-8 bytes. */
static void json_str(struct bs_buf *b, const char *p, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)p;
	size_t run = 0;

	putch(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (!json_esc[c])
			continue;
		put(b, p + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': lit(b, "\\\""); break;
		case '\\': lit(b, "\\\\"); break;
		case '\n': lit(b, "\\n"); break;
		case '\r': lit(b, "\\r"); break;
		case '\t': lit(b, "\\t"); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			put(b, u, 6);
		}
		}
	}
	put(b, p + run, len - run);
	putch(b, '"');
}

/* key: ,"name": already quoted */
static void json_slice(struct bs_buf *b, const char *key, size_t keylen, struct bs_slice s)
{
	put(b, key, keylen);
	if (s.p)
		json_str(b, s.p, s.len); /* header fields are printable ASCII */
	else
		lit(b, "null");
}

static void json_sd(struct bs_buf *b, struct bs_buf *tmp, const struct bs_syslog_msg *m)
{
	struct bs_syslog_sd_iter it, it2;
	struct bs_slice id, name, value, n2, v2;
	int first_el = 1;

	lit(b, ",\"sd\":");
	if (!m->sd.p) {
		lit(b, "null");
		return;
	}
	putch(b, '{');
	bs_syslog_sd_init(&it, m);
	while (bs_syslog_sd_element(&it, &id)) {
		int first = 1;
		size_t idx = 0;
		if (!first_el)
			putch(b, ',');
		first_el = 0;
		json_str(b, id.p, id.len);
		lit(b, ":{");
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
				putch(b, ',');
			first = 0;
			json_str(b, name.p, name.len);
			putch(b, ':');
			if (count > 1) {
				int f2 = 1;
				putch(b, '[');
				it2 = it;
				it2.p = id.p + id.len;
				while (bs_syslog_sd_param(&it2, &n2, &v2)) {
					if (n2.len != name.len || memcmp(n2.p, name.p, name.len))
						continue;
					if (!f2)
						putch(b, ',');
					f2 = 0;
					bs_buf_clear(tmp);
					bs_syslog_sd_unescape(tmp, v2);
					json_str(b, tmp->ptr, tmp->len);
				}
				putch(b, ']');
			} else {
				bs_buf_clear(tmp);
				bs_syslog_sd_unescape(tmp, value);
				json_str(b, tmp->ptr, tmp->len);
			}
		}
		putch(b, '}');
	}
	putch(b, '}');
}

void bs_syslog_scratch_release(struct bs_syslog_scratch *s)
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
 * base64, else "raw_base64"; cut to fit budget bytes of JSON (then "raw_truncated").
 * Returns 1 when all the bytes are there, 0 when they were cut. */
static int json_raw(struct bs_buf *d, const char *raw, size_t len, size_t budget)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t esc = len, b64;
	int utf8 = 1;

	/* one pass: the escaped length and whether the bytes are UTF-8 */
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		if (plain(c)) {
			if (c == '"' || c == '\\')
				esc += 1;
			i++;
			continue;
		}
		if (c == '\n' || c == '\r' || c == '\t')
			esc += 1;
		else if (c < 0x20 || c == 0x7f)
			esc += 5;
		if (c < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = bs_utf8_next(raw + i, len - i, &cp);
		if (!n) {
			utf8 = 0;
			n = 1;
		}
		i += n;
	}
	b64 = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	if (esc + 16 <= budget && esc <= b64 && utf8) {
		lit(d, ",\"raw\":");
		json_str(d, raw, len);
		return 1;
	}
	int cut = 0;
	if (b64 + 48 > budget) {
		size_t space = budget > 64 ? budget - 64 : 0;
		len = space / 4 * 3;
		b64 = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
		cut = 1;
	}
	lit(d, ",\"raw_base64\":\"");
	room(d, b64);
	sodium_bin2base64(d->ptr + d->len, b64, (const unsigned char *)raw, len, sodium_base64_VARIANT_ORIGINAL);
	d->len += b64 - 1; /* sodium wrote the NUL at b64 - 1 */
	putch(d, '"');
	if (cut)
		lit(d, ",\"raw_truncated\":true");
	return !cut;
}

/* The receipt (no leading comma): what was received, when and how. Everything else in the data is a function
 * of these (see bs_syslog_event_view). */
static void put_receipt(struct bs_buf *d, int64_t recv_us, enum bs_syslog_transport transport, unsigned frame_flags,
			int cut)
{
	lit(d, "\"received\":");
	put_time(d, recv_us);
	lit(d, ",\"transport\":\"");
	put(d, transport_names[transport], 3);
	putch(d, '"');
	if (transport != BS_SYSLOG_UDP) {
		if (frame_flags & BS_FRAME_OCTET)
			lit(d, ",\"framing\":\"octet-counting\"");
		else
			lit(d, ",\"framing\":\"lf\"");
	}
	if (frame_flags & BS_FRAME_INCOMPLETE)
		lit(d, ",\"frame\":\"incomplete\"");
	else if (frame_flags & BS_FRAME_CONTINUED)
		lit(d, ",\"frame\":\"continued\"");
	else if (frame_flags & BS_FRAME_TRUNCATED)
		lit(d, ",\"frame\":\"truncated\"");
	if (cut)
		lit(d, ",\"message_truncated\":true");
}

/* The parsed fields; ends where put_receipt starts. */
static void put_parsed(struct bs_buf *d, struct bs_buf *tmp, const struct bs_syslog_msg *m, int omit_sd)
{
	lit(d, "{\"format\":\"");
	put(d, format_names[m->format], strlen(format_names[m->format]));
	putch(d, '"');
	if (m->pri >= 0) {
		const char *fn = bs_syslog_facility_name(m->facility);
		lit(d, ",\"facility\":");
		put_int(d, m->facility);
		lit(d, ",\"facility_name\":\"");
		put(d, fn, strlen(fn));
		lit(d, "\",\"severity\":");
		put_int(d, m->severity);
	} else {
		lit(d, ",\"facility\":null,\"facility_name\":null,\"severity\":null");
	}
	json_slice(d, ",\"app_name\":", 12, m->app_name);
	json_slice(d, ",\"procid\":", 10, m->procid);
	json_slice(d, ",\"msgid\":", 9, m->msgid);
	if (omit_sd)
		lit(d, ",\"sd\":null,\"sd_omitted\":true");
	else
		json_sd(d, tmp, m);
	json_slice(d, ",\"timestamp\":", 13, m->timestamp);
	if (m->has_time) {
		lit(d, ",\"time\":");
		put_time(d, m->time_us);
		if (m->time_local)
			lit(d, ",\"time_zone_known\":false");
		else
			lit(d, ",\"time_zone_known\":true");
	}
}

static void put_status(struct bs_buf *d, const struct bs_syslog_msg *m, int ok)
{
	if (m->bom)
		lit(d, ",\"bom\":true");
	if (ok) {
		lit(d, ",\"parse\":\"ok\"");
	} else {
		lit(d, ",\"parse\":\"invalid\",\"parse_error\":");
		json_str(d, m->error, strlen(m->error));
		lit(d, ",\"parse_error_at\":");
		put_uint(d, m->error_at);
	}
}

/*
 * The data JSON. Stored (full = 0) it is the receipt alone: received, transport, framing
 * and the raw bytes. The parsed fields are a pure function of those, so storing them would
 * only double what every event costs to write and keep; readers get them back from
 * bs_syslog_event_view. Only when the raw bytes do not fit whole (a frame near the 64 KiB
 * limit) are the parsed fields stored with what is left of them, so nothing parsed is
 * lost. full = 1 is the view: parsed fields, receipt, status, raw.
 */
static void build_data(struct bs_buf *d, struct bs_buf *tmp, const struct bs_syslog_msg *m, int ok, int cut,
		       const char *raw, size_t len, int64_t recv_us, enum bs_syslog_transport transport,
		       unsigned frame_flags, int full, int omit_sd)
{
	bs_buf_clear(d);
	if (!full) {
		putch(d, '{');
		put_receipt(d, recv_us, transport, frame_flags, cut);
		if (json_raw(d, raw, len, DATA_MAX > d->len + 2 ? DATA_MAX - d->len - 2 : 0)) {
			putch(d, '}');
			return;
		}
		bs_buf_clear(d);
	}
	put_parsed(d, tmp, m, omit_sd);
	putch(d, ',');
	put_receipt(d, recv_us, transport, frame_flags, cut);
	put_status(d, m, ok);
	json_raw(d, raw, len, DATA_MAX > d->len + 2 ? DATA_MAX - d->len - 2 : 0);
	putch(d, '}');
}

static int build(struct bs_event *ev, struct bs_syslog_scratch *s, const char *raw, size_t len, int64_t recv_us,
		 const char *source, enum bs_syslog_transport transport, unsigned frame_flags, int full)
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
	if (source)
		put(&s->source, source, strlen(source));
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
	build_data(&s->data, &s->tmp, &m, ok, cut, raw, len, recv_us, transport, frame_flags, full, 0);
	/* escaped STRUCTURED-DATA can grow past the limit; the raw bytes still hold it */
	if (s->data.len > DATA_MAX)
		build_data(&s->data, &s->tmp, &m, ok, cut, raw, len, recv_us, transport, frame_flags, 1, 1);
	ev->data = s->data.ptr;
	return ok;
}

int bs_syslog_event_build(struct bs_event *ev, struct bs_syslog_scratch *s, const char *raw, size_t len,
			  int64_t recv_us, const char *source, enum bs_syslog_transport transport,
			  unsigned frame_flags)
{
	return build(ev, s, raw, len, recv_us, source, transport, frame_flags, 0);
}

/* The receipt's members back as build() arguments; 0 when data is not a whole receipt. */
static int read_receipt(json_t *data, unsigned char **raw, size_t *len, int64_t *recv_us,
			enum bs_syslog_transport *transport, unsigned *flags)
{
	const char *received = json_string_value(json_object_get(data, "received"));
	const char *tr = json_string_value(json_object_get(data, "transport"));
	const char *framing = json_string_value(json_object_get(data, "framing"));
	const char *frame = json_string_value(json_object_get(data, "frame"));
	json_t *text = json_object_get(data, "raw"), *b64 = json_object_get(data, "raw_base64");

	if (json_object_get(data, "format") || json_object_get(data, "raw_truncated") || !received ||
	    bs_time_parse(received, recv_us) < 0 || !tr)
		return 0;
	if (!strcmp(tr, "udp"))
		*transport = BS_SYSLOG_UDP;
	else if (!strcmp(tr, "tcp"))
		*transport = BS_SYSLOG_TCP;
	else if (!strcmp(tr, "tls"))
		*transport = BS_SYSLOG_TLS;
	else
		return 0;
	*flags = framing && !strcmp(framing, "octet-counting") ? BS_FRAME_OCTET : 0;
	if (frame && !strcmp(frame, "incomplete"))
		*flags |= BS_FRAME_INCOMPLETE;
	else if (frame && !strcmp(frame, "continued"))
		*flags |= BS_FRAME_CONTINUED;
	else if (frame && !strcmp(frame, "truncated"))
		*flags |= BS_FRAME_TRUNCATED;
	if (json_is_string(text)) {
		*len = json_string_length(text);
		*raw = bs_malloc(*len + 1);
		memcpy(*raw, json_string_value(text), *len);
		return 1;
	}
	const char *b = json_string_value(b64);
	size_t blen = b ? strlen(b) : 0;
	if (!b)
		return 0;
	*raw = bs_malloc(blen / 4 * 3 + 3);
	if (sodium_base642bin(*raw, blen / 4 * 3 + 3, b, blen, NULL, len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(*raw);
		*raw = NULL;
		return 0;
	}
	return 1;
}

json_t *bs_syslog_event_view(const char *type, json_t *data)
{
	struct bs_syslog_scratch s = { 0 };
	struct bs_event ev;
	unsigned char *raw = NULL;
	size_t len = 0;
	int64_t recv_us;
	enum bs_syslog_transport transport;
	unsigned flags;
	json_t *view = NULL;

	if (!type || strcmp(type, "syslog") || !json_is_object(data) ||
	    !read_receipt(data, &raw, &len, &recv_us, &transport, &flags))
		return json_incref(data);
	build(&ev, &s, (const char *)raw, len, recv_us, NULL, transport, flags, 1);
	view = json_loadb(s.data.ptr, s.data.len, JSON_ALLOW_NUL, NULL);
	bs_syslog_scratch_release(&s);
	free(raw);
	return view ? view : json_incref(data);
}
