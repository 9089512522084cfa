/*
 * syslog.c - RFC 5424 / RFC 3164 parsing and RFC 6587 framing. See syslog.h.
 *
 * Every read of buf[p] is preceded by a check of p against len; the parsers keep the
 * position in a size_t and never form a pointer past the end.
 */
#include "syslog/syslog.h"

#include <string.h>

#include "core/clock.h"

struct cur {
	const unsigned char *b;
	size_t len, p;
	struct bs_syslog_msg *m;
};

static int at(const struct cur *c, char ch)
{
	return c->p < c->len && c->b[c->p] == (unsigned char)ch;
}

static int is_digit(unsigned char ch)
{
	return ch >= '0' && ch <= '9';
}

static int is_print(unsigned char ch)
{
	return ch >= 33 && ch <= 126;
}

static int fail(struct cur *c, const char *why)
{
	c->m->error = why;
	c->m->error_at = c->p;
	return bs_error(BS_EINVALID, "syslog message not valid at byte %zu: %s", c->p, why);
}

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
 * Returns the length of the valid prefix. */
static size_t utf8_prefix(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned lo = 0x80, hi = 0xBF;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return i;
		i += n + 1;
	}
	return i;
}

/* "<PRIVAL>": 1-3 digits without a leading zero (except "0"), at most 191. */
static int parse_pri(struct cur *c)
{
	size_t start;
	int v = 0;

	if (!at(c, '<'))
		return fail(c, "no PRI: a syslog message starts with '<' and a priority 0..191");
	c->p++;
	start = c->p;
	while (c->p < c->len && is_digit(c->b[c->p]) && c->p - start < 3)
		v = v * 10 + (c->b[c->p++] - '0');
	if (c->p == start)
		return fail(c, "PRI has no digits");
	if (c->b[start] == '0' && c->p - start > 1)
		return fail(c, "PRI has a leading zero");
	if (!at(c, '>'))
		return fail(c, "PRI not closed by '>' after at most 3 digits");
	if (v > 191)
		return fail(c, "PRI above 191");
	c->p++;
	c->m->pri = v;
	c->m->facility = v / 8;
	c->m->severity = v % 8;
	return 0;
}

/* n digits at p into *v. */
static int digits(struct cur *c, size_t n, int *v)
{
	int r = 0;

	if (c->len - c->p < n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(c->b[c->p + i]))
			return -1;
		r = r * 10 + (c->b[c->p + i] - '0');
	}
	c->p += n;
	*v = r;
	return 0;
}

static int expect(struct cur *c, char ch)
{
	if (!at(c, ch))
		return -1;
	c->p++;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int64_t civil_us(int y, int mo, int d, int h, int mi, int s)
{
	return ((int64_t)bs_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s) *
	       INT64_C(1000000);
}

/* FULL-DATE "T" FULL-TIME of RFC 5424 6.2.3 (RFC 3339 with at most 6 fraction digits). */
static int parse_rfc3339(struct cur *c, const char **why)
{
	int y, mo, d, h, mi, s, oh = 0, om = 0, sign = 0;
	int64_t frac = 0;

	*why = "TIMESTAMP is not YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm)";
	if (digits(c, 4, &y) || expect(c, '-') || digits(c, 2, &mo) || expect(c, '-') || digits(c, 2, &d) ||
	    expect(c, 'T') || digits(c, 2, &h) || expect(c, ':') || digits(c, 2, &mi) || expect(c, ':') ||
	    digits(c, 2, &s))
		return -1;
	if (at(c, '.')) {
		size_t n = 0;
		c->p++;
		while (c->p < c->len && is_digit(c->b[c->p]) && n < 6) {
			frac = frac * 10 + (c->b[c->p++] - '0');
			n++;
		}
		if (n == 0) {
			*why = "TIMESTAMP fraction has no digits";
			return -1;
		}
		if (c->p < c->len && is_digit(c->b[c->p])) {
			*why = "TIMESTAMP fraction has more than 6 digits";
			return -1;
		}
		for (; n < 6; n++)
			frac *= 10;
	}
	if (at(c, 'Z')) {
		c->p++;
	} else if (at(c, '+') || at(c, '-')) {
		sign = c->b[c->p++] == '+' ? 1 : -1;
		if (digits(c, 2, &oh) || expect(c, ':') || digits(c, 2, &om))
			return -1;
		if (oh > 23 || om > 59) {
			*why = "TIMESTAMP offset out of range";
			return -1;
		}
	} else {
		*why = "TIMESTAMP has no zone (Z or +hh:mm)";
		return -1;
	}
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59) {
		*why = "TIMESTAMP is not a real date and time";
		return -1;
	}
	c->m->time_us = civil_us(y, mo, d, h, mi, s) + frac - (int64_t)sign * (oh * 3600 + om * 60) * 1000000;
	c->m->has_time = 1;
	return 0;
}

/* NILVALUE or 1*max PRINTUSASCII, then SP. */
static int header_field(struct cur *c, size_t max, struct bs_slice *out, const char *what)
{
	size_t start = c->p;

	while (c->p < c->len && is_print(c->b[c->p]))
		c->p++;
	if (c->p == start)
		return fail(c, what);
	if (c->p - start > max) {
		c->p = start + max;
		return fail(c, "header field longer than RFC 5424 allows");
	}
	if (!(c->p - start == 1 && c->b[start] == '-')) {
		out->p = (const char *)c->b + start;
		out->len = c->p - start;
	}
	if (!at(c, ' '))
		return fail(c, c->p < c->len ? "header field has a character that is not printable ASCII"
					     : "message ends inside the header");
	c->p++;
	return 0;
}

/* SD-NAME: 1*32 PRINTUSASCII except '=', SP, ']', '"'. */
static int sd_name(struct cur *c)
{
	size_t start = c->p;

	while (c->p < c->len && is_print(c->b[c->p]) && c->b[c->p] != '=' && c->b[c->p] != ']' &&
	       c->b[c->p] != '"')
		c->p++;
	if (c->p == start)
		return fail(c, "SD-ID or PARAM-NAME is empty or has a character not allowed");
	if (c->p - start > BS_SYSLOG_SDNAME_MAX)
		return fail(c, "SD-ID or PARAM-NAME longer than 32 characters");
	return 0;
}

static int parse_sd(struct cur *c)
{
	size_t start = c->p, nparams = 0, nids = 0;
	size_t id_at[BS_SYSLOG_SD_ELEMENTS_MAX], id_len[BS_SYSLOG_SD_ELEMENTS_MAX];

	if (at(c, '-')) {
		c->p++;
		return 0;
	}
	if (!at(c, '['))
		return fail(c, "STRUCTURED-DATA is neither '-' nor '[...]'");
	while (at(c, '[')) {
		size_t id0 = ++c->p;
		if (nids == BS_SYSLOG_SD_ELEMENTS_MAX)
			return fail(c, "more than 128 SD-ELEMENTs");
		if (sd_name(c) < 0)
			return -1;
		for (size_t k = 0; k < nids; k++)
			if (id_len[k] == c->p - id0 && !memcmp(c->b + id_at[k], c->b + id0, id_len[k])) {
				c->p = id0;
				return fail(c, "the same SD-ID appears twice");
			}
		id_at[nids] = id0;
		id_len[nids++] = c->p - id0;
		while (at(c, ' ')) {
			size_t vstart;
			if (++nparams > BS_SYSLOG_SD_PARAMS_MAX)
				return fail(c, "more than 1024 SD-PARAMs");
			c->p++;
			if (sd_name(c) < 0)
				return -1;
			if (expect(c, '=') < 0)
				return fail(c, "SD-PARAM has no '=' after its name");
			if (expect(c, '"') < 0)
				return fail(c, "PARAM-VALUE does not start with '\"'");
			vstart = c->p;
			for (;;) {
				if (c->p >= c->len)
					return fail(c, "PARAM-VALUE is not closed by '\"'");
				unsigned char ch = c->b[c->p];
				if (ch == '"')
					break;
				if (ch == ']')
					return fail(c, "']' inside PARAM-VALUE must be escaped as '\\]'");
				if (ch == '\\' && c->p + 1 < c->len &&
				    (c->b[c->p + 1] == '"' || c->b[c->p + 1] == '\\' || c->b[c->p + 1] == ']'))
					c->p += 2;
				else
					c->p++;
			}
			size_t ok = utf8_prefix(c->b + vstart, c->p - vstart);
			if (ok != c->p - vstart) {
				c->p = vstart + ok;
				return fail(c, "PARAM-VALUE is not valid UTF-8");
			}
			c->p++; /* closing quote */
		}
		if (expect(c, ']') < 0)
			return fail(c, "SD-ELEMENT not closed by ']' (or SP missing between params)");
	}
	c->m->sd.p = (const char *)c->b + start;
	c->m->sd.len = c->p - start;
	return 0;
}

static int parse_5424(struct cur *c)
{
	struct bs_syslog_msg *m = c->m;
	const char *why;
	size_t start = c->p;
	int v = 0;

	m->format = BS_SYSLOG_RFC5424;
	while (c->p < c->len && is_digit(c->b[c->p]) && c->p - start < 3)
		v = v * 10 + (c->b[c->p++] - '0');
	if (v != 1)
		return fail(c, "unsupported syslog VERSION (only 1 is defined)");
	m->version = 1;
	if (expect(c, ' ') < 0)
		return fail(c, "no SP after VERSION");
	/* TIMESTAMP */
	start = c->p;
	if (at(c, '-')) {
		c->p++;
	} else if (parse_rfc3339(c, &why) < 0) {
		return fail(c, why);
	} else {
		m->timestamp.p = (const char *)c->b + start;
		m->timestamp.len = c->p - start;
	}
	if (expect(c, ' ') < 0)
		return fail(c, "no SP after TIMESTAMP");
	if (header_field(c, BS_SYSLOG_HOSTNAME_MAX, &m->hostname, "HOSTNAME is empty") < 0 ||
	    header_field(c, BS_SYSLOG_APPNAME_MAX, &m->app_name, "APP-NAME is empty") < 0 ||
	    header_field(c, BS_SYSLOG_PROCID_MAX, &m->procid, "PROCID is empty") < 0 ||
	    header_field(c, BS_SYSLOG_MSGID_MAX, &m->msgid, "MSGID is empty") < 0)
		return -1;
	if (parse_sd(c) < 0)
		return -1;
	if (c->p == c->len)
		return 0;
	if (!at(c, ' '))
		return fail(c, "no SP between STRUCTURED-DATA and MSG");
	c->p++;
	if (c->len - c->p >= 3 && c->b[c->p] == 0xEF && c->b[c->p + 1] == 0xBB && c->b[c->p + 2] == 0xBF) {
		size_t ok;
		c->p += 3;
		m->bom = 1;
		ok = utf8_prefix(c->b + c->p, c->len - c->p);
		if (ok != c->len - c->p) {
			m->msg.p = (const char *)c->b + c->p;
			m->msg.len = c->len - c->p;
			c->p += ok;
			return fail(c, "MSG starts with a BOM but is not valid UTF-8");
		}
	}
	m->msg.p = (const char *)c->b + c->p;
	m->msg.len = c->len - c->p;
	c->p = c->len;
	return 0;
}

/* "Mmm dd hh:mm:ss" (day space-padded or not); the year is the one nearest now_us. */
static int parse_3164_time(struct cur *c, int64_t now_us)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	size_t save = c->p;
	int mo = 0, d, h, mi, s, y0;
	int64_t best = 0, bestdist = -1;

	if (c->len - c->p < 14)
		return -1;
	for (int i = 0; i < 12; i++)
		if (!memcmp(c->b + c->p, months + 3 * i, 3))
			mo = i + 1;
	if (!mo)
		return -1;
	c->p += 3;
	if (expect(c, ' ') < 0)
		goto no;
	if (at(c, ' '))
		c->p++;
	if (c->p < c->len && is_digit(c->b[c->p]) && c->p + 1 < c->len && is_digit(c->b[c->p + 1])) {
		if (digits(c, 2, &d))
			goto no;
	} else if (digits(c, 1, &d)) {
		goto no;
	}
	if (expect(c, ' ') || digits(c, 2, &h) || expect(c, ':') || digits(c, 2, &mi) || expect(c, ':') ||
	    digits(c, 2, &s))
		goto no;
	if (d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
		goto no;
	{
		int yy;
		unsigned um, ud;
		bs_civil_from_days(bs_days_from_time(now_us), &yy, &um, &ud);
		y0 = yy;
	}
	for (int y = y0 - 1; y <= y0 + 1; y++) {
		if (d > days_in_month(y, mo))
			continue;
		int64_t t = civil_us(y, mo, d, h, mi, s);
		int64_t dist = t > now_us ? t - now_us : now_us - t;
		if (bestdist < 0 || dist < bestdist) {
			bestdist = dist;
			best = t;
		}
	}
	if (bestdist < 0)
		goto no;
	c->m->time_us = best;
	c->m->has_time = 1;
	c->m->time_local = 1;
	c->m->timestamp.p = (const char *)c->b + save;
	c->m->timestamp.len = c->p - save;
	return 0;
no:
	c->p = save;
	return -1;
}

/* TAG ("app", "app[123]") followed by ':' and an optional SP. 0 with the fields set, or
 * -1 with the position unchanged. */
static int parse_3164_tag(struct cur *c)
{
	size_t start = c->p, pstart = 0, pend = 0;

	while (c->p < c->len && is_print(c->b[c->p]) && c->b[c->p] != '[' && c->b[c->p] != ':' &&
	       c->p - start <= BS_SYSLOG_APPNAME_MAX)
		c->p++;
	if (c->p == start || c->p - start > BS_SYSLOG_APPNAME_MAX)
		goto no;
	size_t tend = c->p;
	if (at(c, '[')) {
		pstart = ++c->p;
		while (c->p < c->len && is_print(c->b[c->p]) && c->b[c->p] != ']' &&
		       c->p - pstart <= BS_SYSLOG_PROCID_MAX)
			c->p++;
		if (c->p == pstart || c->p - pstart > BS_SYSLOG_PROCID_MAX || !at(c, ']'))
			goto no;
		pend = c->p++;
	}
	if (!at(c, ':'))
		goto no;
	c->p++;
	if (at(c, ' '))
		c->p++;
	c->m->app_name.p = (const char *)c->b + start;
	c->m->app_name.len = tend - start;
	if (pend) {
		c->m->procid.p = (const char *)c->b + pstart;
		c->m->procid.len = pend - pstart;
	}
	return 0;
no:
	c->p = start;
	return -1;
}

static int parse_3164(struct cur *c, int64_t now_us)
{
	struct bs_syslog_msg *m = c->m;
	int have_time = 0;
	size_t start = c->p;
	const char *why;

	m->format = BS_SYSLOG_RFC3164;
	if (parse_3164_time(c, now_us) == 0) {
		have_time = 1;
	} else if (c->p < c->len && is_digit(c->b[c->p])) {
		/* rsyslog and others send RFC 3339 in the old format */
		if (parse_rfc3339(c, &why) == 0) {
			m->timestamp.p = (const char *)c->b + start;
			m->timestamp.len = c->p - start;
			have_time = 1;
		} else {
			c->p = start;
			m->has_time = 0;
			m->time_us = 0;
		}
	}
	if (have_time) {
		if (at(c, ' ')) {
			c->p++;
		} else if (c->p < c->len) {
			/* "Oct 11 22:14:15x": not a timestamp after all */
			c->p = start;
			m->has_time = m->time_local = 0;
			m->time_us = 0;
			m->timestamp.p = NULL;
			m->timestamp.len = 0;
			have_time = 0;
		}
	}
	/* HOSTNAME follows a timestamp unless the next word is already the TAG. */
	if (have_time && parse_3164_tag(c) < 0) {
		size_t h = c->p;
		while (c->p < c->len && is_print(c->b[c->p]))
			c->p++;
		if (c->p > h && c->p - h <= BS_SYSLOG_HOSTNAME_MAX && (c->p == c->len || at(c, ' '))) {
			m->hostname.p = (const char *)c->b + h;
			m->hostname.len = c->p - h;
			if (at(c, ' '))
				c->p++;
			(void)parse_3164_tag(c);
		} else {
			c->p = h;
		}
	} else if (!have_time) {
		(void)parse_3164_tag(c);
	}
	m->msg.p = (const char *)c->b + c->p;
	m->msg.len = c->len - c->p;
	c->p = c->len;
	return 0;
}

int bs_syslog_parse(struct bs_syslog_msg *out, const char *buf, size_t len, int64_t now_us)
{
	struct cur c = { (const unsigned char *)buf, len, 0, out };
	size_t q;

	memset(out, 0, sizeof(*out));
	out->pri = out->facility = out->severity = -1;
	if (!buf)
		c.len = len = 0;
	if (parse_pri(&c) < 0) {
		out->format = BS_SYSLOG_UNKNOWN;
		out->msg.p = buf;
		out->msg.len = len;
		return BS_EINVALID;
	}
	/* "<PRI>" 1-3 digits SP can only be RFC 5424's VERSION ("<0>1990 Oct 22" is RFC 3164). */
	q = c.p;
	while (q < len && q - c.p < 4 && is_digit(c.b[q]))
		q++;
	if (q > c.p && q - c.p <= 3 && q < len && c.b[q] == ' ')
		return parse_5424(&c) < 0 ? BS_EINVALID : 0;
	return parse_3164(&c, now_us);
}

void bs_syslog_sd_init(struct bs_syslog_sd_iter *it, const struct bs_syslog_msg *m)
{
	it->p = m->sd.p;
	it->end = m->sd.p ? m->sd.p + m->sd.len : NULL;
	it->in_element = 0;
}

static const char *sd_name_end(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '=' && *p != ']')
		p++;
	return p;
}

int bs_syslog_sd_param(struct bs_syslog_sd_iter *it, struct bs_slice *name, struct bs_slice *value)
{
	const char *p = it->p, *e;

	if (!p || !it->in_element || p >= it->end || *p != ' ')
		return 0;
	p++;
	e = sd_name_end(p, it->end);
	name->p = p;
	name->len = (size_t)(e - p);
	p = e + 2; /* '=' '"' (validated) */
	value->p = p;
	while (p < it->end && *p != '"')
		p += (*p == '\\' && p + 1 < it->end && (p[1] == '"' || p[1] == '\\' || p[1] == ']')) ? 2 : 1;
	value->len = (size_t)(p - value->p);
	it->p = p + 1;
	return 1;
}

int bs_syslog_sd_element(struct bs_syslog_sd_iter *it, struct bs_slice *id)
{
	struct bs_slice n, v;
	const char *e;

	if (!it->p)
		return 0;
	if (it->in_element) {
		while (bs_syslog_sd_param(it, &n, &v))
			;
		it->p++; /* ']' */
		it->in_element = 0;
	}
	if (it->p >= it->end || *it->p != '[')
		return 0;
	e = sd_name_end(it->p + 1, it->end);
	id->p = it->p + 1;
	id->len = (size_t)(e - id->p);
	it->p = e;
	it->in_element = 1;
	return 1;
}

void bs_syslog_sd_unescape(struct bs_buf *out, struct bs_slice value)
{
	size_t i = 0, run = 0;

	while (i < value.len) {
		if (value.p[i] == '\\' && i + 1 < value.len &&
		    (value.p[i + 1] == '"' || value.p[i + 1] == '\\' || value.p[i + 1] == ']')) {
			bs_buf_put(out, value.p + run, i - run);
			bs_buf_putc(out, value.p[i + 1]);
			i += 2;
			run = i;
		} else {
			i++;
		}
	}
	bs_buf_put(out, value.p + run, i - run);
}

void bs_syslog_framer_init(struct bs_syslog_framer *fr, size_t max)
{
	memset(fr, 0, sizeof(*fr));
	fr->max = max < 64 ? 64 : max;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* An LF frame in buf[0..len): up to the LF, or max bytes, or (at eof) what is there. */
static int frame_lf(struct bs_syslog_framer *fr, const char *buf, size_t len, int eof, unsigned flags,
		    struct bs_syslog_frame *out)
{
	size_t look = min_size(len, fr->max + 1);
	const char *lf = look ? memchr(buf, '\n', look) : NULL;

	out->off = 0;
	out->flags = flags;
	if (lf && (size_t)(lf - buf) <= fr->max) {
		out->len = (size_t)(lf - buf);
		out->consumed = out->len + 1;
		if (out->len && buf[out->len - 1] == '\r')
			out->len--;
		if (fr->lf_overflow)
			out->flags |= BS_FRAME_CONTINUED;
		fr->lf_overflow = 0;
		return 1;
	}
	if (len >= fr->max) {
		out->len = fr->max;
		out->consumed = fr->max;
		out->flags |= fr->lf_overflow ? BS_FRAME_CONTINUED : BS_FRAME_TRUNCATED;
		fr->lf_overflow = 1;
		return 1;
	}
	if (eof && len) {
		out->len = out->consumed = len;
		out->flags |= BS_FRAME_INCOMPLETE | (fr->lf_overflow ? BS_FRAME_CONTINUED : 0);
		fr->lf_overflow = 0;
		return 1;
	}
	return 0;
}

int bs_syslog_frame_next(struct bs_syslog_framer *fr, const char *buf, size_t len, int eof,
			 struct bs_syslog_frame *out)
{
	size_t i = 0, n = 0;

	memset(out, 0, sizeof(*out));
	if (fr->remaining) {
		size_t want = min_size(fr->remaining, fr->max);
		if ((len < want && !eof) || !len)
			return 0;
		out->len = out->consumed = min_size(want, len);
		out->flags = BS_FRAME_OCTET | BS_FRAME_CONTINUED | (len < want ? BS_FRAME_INCOMPLETE : 0);
		fr->remaining = len < want ? 0 : fr->remaining - want;
		return 1;
	}
	if (fr->lf_overflow)
		return frame_lf(fr, buf, len, eof, 0, out);
	if (len == 0)
		return 0;
	if (buf[0] == '\n') { /* a blank line: nothing to hand out */
		out->consumed = 1;
		return 1;
	}
	/* MSG-LEN = NONZERO-DIGIT *DIGIT, then SP; at most 9 digits (frames are far smaller) */
	if (buf[0] >= '1' && buf[0] <= '9') {
		while (i < len && i < 10 && buf[i] >= '0' && buf[i] <= '9')
			n = n * 10 + (size_t)(buf[i++] - '0');
		if (i == len && i < 10 && !eof)
			return 0; /* only digits so far: wait for the rest */
		if (i < len && i < 10 && buf[i] == ' ') {
			size_t hdr = i + 1, have = len - hdr, want = min_size(n, fr->max);
			if (have < want && !eof)
				return 0;
			out->off = hdr;
			out->len = min_size(want, have);
			out->consumed = hdr + out->len;
			out->flags = BS_FRAME_OCTET;
			if (have < want) {
				out->flags |= BS_FRAME_INCOMPLETE;
			} else if (n > fr->max) {
				out->flags |= BS_FRAME_TRUNCATED;
				fr->remaining = n - fr->max;
			}
			return 1;
		}
	}
	return frame_lf(fr, buf, len, eof, 0, out);
}

const char *bs_syslog_severity_name(int severity)
{
	static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };
	return severity >= 0 && severity < 8 ? names[severity] : "?";
}

const char *bs_syslog_facility_name(int facility)
{
	static const char *const names[] = { "kern",   "user",   "mail",   "daemon", "auth",   "syslog",
					     "lpr",    "news",   "uucp",   "cron",   "authpriv", "ftp",
					     "ntp",    "security", "console", "solaris-cron", "local0", "local1",
					     "local2", "local3", "local4", "local5", "local6", "local7" };
	return facility >= 0 && facility < 24 ? names[facility] : "?";
}
