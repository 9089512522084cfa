#include "core/clock.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/error.h"

static _Atomic int64_t pinned;

int64_t bs_clock_now(void)
{
	struct timespec ts;
	int64_t p = atomic_load(&pinned);

	if (p)
		return p;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void bs_clock_set(int64_t us)
{
	atomic_store(&pinned, us);
}

/* Howard Hinnant's days_from_civil: exact for the whole int32 day range we use. */
int32_t bs_days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

void bs_civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)yoe + era * 400 + (*m <= 2);
}

static unsigned days_in_month(int y, unsigned m)
{
	static const unsigned dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dim[m - 1];
}

int32_t bs_days_from_time(int64_t us)
{
	int64_t s = us / 1000000;
	if (us < 0 && us % 1000000)
		s--;
	int64_t d = s / 86400;
	if (s < 0 && s % 86400)
		d--;
	return (int32_t)d;
}

void bs_time_format(int64_t us, char out[BS_TIME_MAX])
{
	int32_t days = bs_days_from_time(us);
	int64_t rem = us - (int64_t)days * 86400 * 1000000;
	int y;
	unsigned m, d;

	bs_civil_from_days(days, &y, &m, &d);
	int64_t secs = rem / 1000000;
	snprintf(out, BS_TIME_MAX, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", y, m, d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60), (int)(rem % 1000000));
}

void bs_date_format(int32_t days, char out[BS_DATE_MAX])
{
	int y;
	unsigned m, d;

	bs_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(out, BS_DATE_MAX, "%s", "0000-00-00");
		return;
	}
	snprintf(out, BS_DATE_MAX, "%04d-%02u-%02u", y, m, d);
}

/* Reads exactly n decimal digits. */
static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int parse_date_prefix(const char *s, int32_t *days)
{
	int y, m, d;

	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || (unsigned)d > days_in_month(y, (unsigned)m))
		return -1;
	*days = bs_days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int bs_date_parse(const char *s, int32_t *days)
{
	if (strlen(s) != 10 || parse_date_prefix(s, days))
		return bs_error(BS_EINVALID, "invalid date '%s': expected YYYY-MM-DD, e.g. 2026-01-31", s);
	return 0;
}

int bs_time_parse(const char *s, int64_t *out)
{
	int32_t days;
	int hh = 0, mi = 0, ss = 0, frac = 0;
	int64_t offset = 0;
	const char *p = s + 10;

	if (strlen(s) < 10 || parse_date_prefix(s, &days))
		goto bad;
	if (*p == '\0')
		goto done;
	if ((*p != 'T' && *p != 't' && *p != ' ') || digits(p + 1, 2, &hh) || p[3] != ':' ||
	    digits(p + 4, 2, &mi) || p[6] != ':' || digits(p + 7, 2, &ss))
		goto bad;
	if (hh > 23 || mi > 59 || ss > 60)
		goto bad;
	if (ss == 60) /* leap second: the event log has no use for it; clamp */
		ss = 59;
	p += 9;
	if (*p == '.') {
		int n = 0;
		p++;
		while (isdigit((unsigned char)*p)) {
			if (n < 6) {
				frac = frac * 10 + (*p - '0');
				n++;
			}
			p++;
		}
		if (n == 0)
			goto bad;
		while (n++ < 6)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
			goto bad;
		offset = (int64_t)(oh * 60 + om) * 60 * (*p == '+' ? 1 : -1);
		p += 6;
	} else {
		goto bad;
	}
	if (*p)
		goto bad;
done:
	*out = (((int64_t)days * 86400 + hh * 3600 + mi * 60 + ss) - offset) * 1000000 + frac;
	return 0;
bad:
	return bs_error(BS_EINVALID,
			"invalid time '%s': expected RFC 3339 such as 2026-11-27T08:00:00Z or a date YYYY-MM-DD", s);
}

int32_t bs_date_add_months(int32_t days, int months)
{
	int y;
	unsigned m, d;

	bs_civil_from_days(days, &y, &m, &d);
	int total = y * 12 + (int)m - 1 + months;
	int ny = total >= 0 ? total / 12 : (total - 11) / 12;
	unsigned nm = (unsigned)(total - ny * 12) + 1;
	unsigned dim = days_in_month(ny, nm);
	return bs_days_from_civil(ny, nm, d > dim ? dim : d);
}

int bs_duration_parse(const char *s, struct bs_duration *out)
{
	const char *p = s;
	int in_time = 0, any = 0;

	memset(out, 0, sizeof(*out));
	if (*p++ != 'P')
		goto bad;
	while (*p) {
		long v = 0;
		if (*p == 'T') {
			if (in_time)
				goto bad;
			in_time = 1;
			p++;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p)) {
			v = v * 10 + (*p++ - '0');
			if (v > 100000)
				goto bad;
		}
		switch (*p++) {
		case 'Y': if (in_time) goto bad; out->years += (int)v; break;
		case 'M': if (in_time) out->seconds += v * 60; else out->months += (int)v; break;
		case 'W': if (in_time) goto bad; out->days += (int)v * 7; break;
		case 'D': if (in_time) goto bad; out->days += (int)v; break;
		case 'H': if (!in_time) goto bad; out->seconds += v * 3600; break;
		case 'S': if (!in_time) goto bad; out->seconds += v; break;
		default: goto bad;
		}
		any = 1;
	}
	if (!any || p[-1] == 'T')
		goto bad;
	return 0;
bad:
	return bs_error(BS_EINVALID, "invalid duration '%s': expected ISO 8601 such as P1Y, P3M, PT15M", s);
}

int32_t bs_duration_add(int32_t days, const struct bs_duration *d)
{
	days = bs_date_add_months(days, d->years * 12 + d->months);
	days += d->days;
	days += (int32_t)((d->seconds + 86399) / 86400);
	return days;
}
