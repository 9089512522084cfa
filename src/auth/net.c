/* net.c - remote-access rules (A2.4.1.6.3): source networks and Asia/Taipei time windows.
 * Taiwan has used UTC+08:00 without daylight saving since 1980, so local time is UTC plus
 * a fixed 8 hours: no time-zone database is needed, and none can be misconfigured. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"

#define TAIPEI_OFFSET_S (8 * 3600)

static int parse_addr(const char *s, int *family, unsigned char out[16])
{
	unsigned char a6[16];
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a6) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (!memcmp(a6, mapped, 12)) { /* ::ffff:192.0.2.1 is an IPv4 client */
			memcpy(out, a6 + 12, 4);
			*family = 4;
		} else {
			memcpy(out, a6, 16);
			*family = 6;
		}
		return 0;
	}
	return BS_EINVALID;
}

int bs_cidr_parse(const char *s, struct bs_cidr *out)
{
	char host[64];
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);

	memset(out, 0, sizeof(*out));
	if (hl == 0 || hl >= sizeof(host))
		return bs_error(BS_EINVALID, "network '%s' is not an address or CIDR block such as 192.0.2.0/24", s);
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (parse_addr(host, &out->family, out->addr) < 0)
		return bs_error(BS_EINVALID, "network '%s' is not an address or CIDR block such as 192.0.2.0/24", s);
	int max = out->family == 4 ? 32 : 128;
	out->prefix = max;
	if (slash) {
		char *end;
		long p = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || p < 0 || p > max)
			return bs_error(BS_EINVALID, "network '%s': the prefix length must be 0..%d", s, max);
		out->prefix = (int)p;
	}
	return 0;
}

int bs_cidr_match(const struct bs_cidr *c, const char *addr)
{
	unsigned char a[16];
	int fam;

	if (parse_addr(addr, &fam, a) < 0 || fam != c->family)
		return 0;
	int full = c->prefix / 8, rest = c->prefix % 8;
	if (memcmp(a, c->addr, (size_t)full))
		return 0;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));
		if ((a[full] & mask) != (c->addr[full] & mask))
			return 0;
	}
	return 1;
}

int bs_networks_allow(const char *list, const char *addr)
{
	const char *p = list;
	int any = 0, hit = 0;

	while (*p) {
		char item[80];
		size_t n = strcspn(p, ",");
		while (n && (*p == ' ')) {
			p++;
			n--;
		}
		if (n >= sizeof(item))
			return bs_error(BS_EINVALID, "network list '%s': an entry is too long", list);
		memcpy(item, p, n);
		item[n] = '\0';
		while (n && item[n - 1] == ' ')
			item[--n] = '\0';
		if (n) {
			struct bs_cidr c;
			if (bs_cidr_parse(item, &c) < 0)
				return BS_EINVALID;
			any = 1;
			if (addr && bs_cidr_match(&c, addr))
				hit = 1; /* go on: the whole list must be valid */
		}
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return any ? hit : 1;
}

static int parse_day(const char *s, size_t n)
{
	static const char *const days[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };
	for (int i = 0; i < 7; i++)
		if (n == 3 && !strncmp(s, days[i], 3))
			return i;
	return -1;
}

static int parse_hhmm(const char *s, int *out)
{
	if (strlen(s) < 5 || s[2] != ':' || !strchr("012", s[0]) || s[1] < '0' || s[1] > '9' || s[3] < '0' ||
	    s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
	if (h > 24 || (h == 24 && m))
		return -1;
	*out = h * 60 + m;
	return 0;
}

/* One window "mon-fri 08:00-18:00"; fills a day mask and minutes [from, to). */
static int parse_window(const char *w, unsigned *days, int *from, int *to)
{
	const char *sp = strchr(w, ' ');
	if (!sp)
		return -1;
	size_t dl = (size_t)(sp - w);
	*days = 0;
	if (dl == 1 && w[0] == '*') {
		*days = 0x7f;
	} else {
		const char *dash = memchr(w, '-', dl);
		int a = parse_day(w, dash ? (size_t)(dash - w) : dl);
		int b = dash ? parse_day(dash + 1, dl - (size_t)(dash - w) - 1) : a;
		if (a < 0 || b < 0)
			return -1;
		for (int d = a;; d = (d + 1) % 7) {
			*days |= 1u << d;
			if (d == b)
				break;
		}
	}
	while (*sp == ' ')
		sp++;
	if (strlen(sp) != 11 || sp[5] != '-')
		return -1;
	char a[6], b[6];
	memcpy(a, sp, 5);
	a[5] = '\0';
	memcpy(b, sp + 6, 5);
	b[5] = '\0';
	if (parse_hhmm(a, from) < 0 || parse_hhmm(b, to) < 0 || *from >= *to)
		return -1;
	return 0;
}

static int windows_eval(const char *spec, int64_t now_us, int *allowed)
{
	const char *p = spec;
	int64_t s = now_us / 1000000 + TAIPEI_OFFSET_S;
	int64_t day = s / 86400 - (s < 0 && s % 86400);
	int minute = (int)((s - day * 86400) / 60);
	int dow = (int)(((day + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	int any = 0;

	*allowed = 0;
	while (*p) {
		char item[64];
		size_t n = strcspn(p, ",");
		while (n && *p == ' ') {
			p++;
			n--;
		}
		if (n >= sizeof(item))
			return bs_error(BS_EINVALID, "time window list '%s': an entry is too long", spec);
		memcpy(item, p, n);
		item[n] = '\0';
		while (n && item[n - 1] == ' ')
			item[--n] = '\0';
		if (n) {
			unsigned days;
			int from, to;
			if (parse_window(item, &days, &from, &to) < 0)
				return bs_error(BS_EINVALID, "time window '%s' is not like 'mon-fri 08:00-18:00' (days "
						"sun..sat or '*', Asia/Taipei time, start before end)", item);
			any = 1;
			if (((days >> dow) & 1) && minute >= from && minute < to)
				*allowed = 1;
		}
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	if (!any)
		*allowed = 1;
	return 0;
}

int bs_windows_allow(const char *spec, int64_t now_us)
{
	int allowed, err;
	if ((err = windows_eval(spec, now_us, &allowed)) < 0)
		return err;
	return allowed;
}

int bs_windows_check(const char *spec)
{
	int allowed;
	return windows_eval(spec, 0, &allowed);
}
