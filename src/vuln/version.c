/* version.c - Debian package versions in dpkg's order (version.h). */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "vuln/version.h"

/* dpkg's order(): digits 0 (they are compared as numbers elsewhere), letters by their code,
 * '~' before everything including the end, other characters after all letters. */
static int order(int c)
{
	if (c >= '0' && c <= '9')
		return 0;
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* dpkg's verrevcmp() on the parts [a, ae) and [b, be). */
static int verrevcmp(const char *a, const char *ae, const char *b, const char *be)
{
	while (a < ae || b < be) {
		int first_diff = 0;
		while ((a < ae && !is_digit((unsigned char)*a)) || (b < be && !is_digit((unsigned char)*b))) {
			int ac = a < ae ? order((unsigned char)*a) : 0;
			int bc = b < be ? order((unsigned char)*b) : 0;
			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (a < ae && *a == '0')
			a++;
		while (b < be && *b == '0')
			b++;
		while (a < ae && b < be && is_digit((unsigned char)*a) && is_digit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (a < ae && is_digit((unsigned char)*a))
			return 1;
		if (b < be && is_digit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

struct parts {
	unsigned long long epoch;
	const char *up, *up_end, *rev, *rev_end;
};

/* Splits s as dpkg's parseversion() does: the epoch before the first ':' (leading blanks
 * skipped), the revision after the last '-' (none: empty, which dpkg treats as "0"). */
static void split(const char *s, struct parts *p)
{
	const char *colon = NULL, *end, *hyphen = NULL, *q;

	while (*s == ' ' || *s == '\t')
		s++;
	/* one pass: the first ':', the last '-', the end (matching runs a thousand hosts' packages
	 * through here) */
	for (q = s; *q; q++) {
		if (*q == ':' && !colon)
			colon = q;
		else if (*q == '-')
			hyphen = q;
	}
	end = q;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n'))
		end--;
	if (hyphen && hyphen >= end)
		for (hyphen = NULL, q = colon ? colon + 1 : s; q < end; q++)
			if (*q == '-')
				hyphen = q;
	p->epoch = 0;
	if (colon && colon < end) {
		for (const char *d = s; d < colon && is_digit((unsigned char)*d); d++)
			if (p->epoch < 1000000000ULL)
				p->epoch = p->epoch * 10 + (unsigned)(*d - '0');
		s = colon + 1;
		if (hyphen && hyphen < s)
			hyphen = NULL;
	} else {
		colon = NULL;
	}
	p->up = s;
	p->up_end = hyphen ? hyphen : end;
	p->rev = hyphen ? hyphen + 1 : end;
	p->rev_end = end;
}

int bs_version_cmp(const char *a, const char *b)
{
	struct parts pa, pb;
	int r;

	split(a, &pa);
	split(b, &pb);
	if (pa.epoch != pb.epoch)
		return pa.epoch < pb.epoch ? -1 : 1;
	if ((r = verrevcmp(pa.up, pa.up_end, pb.up, pb.up_end)) != 0)
		return r;
	return verrevcmp(pa.rev, pa.rev_end, pb.rev, pb.rev_end);
}

int bs_version_valid(const char *s)
{
	struct parts p;
	const char *colon = strchr(s, ':');

	if (!*s)
		return 0;
	if (colon) {
		if (colon == s)
			return 0;
		for (const char *d = s; d < colon; d++)
			if (!is_digit((unsigned char)*d))
				return 0;
	}
	split(s, &p);
	if (p.up == p.up_end || !is_digit((unsigned char)*p.up))
		return 0;
	for (const char *q = p.up; q < p.up_end; q++)
		if (!isalnum((unsigned char)*q) && !strchr(".+~-:", *q))
			return 0;
	if (p.up_end != p.rev_end && p.rev == p.rev_end)
		return 0; /* a '-' with nothing after it */
	for (const char *q = p.rev; q < p.rev_end; q++)
		if (!isalnum((unsigned char)*q) && !strchr(".+~", *q))
			return 0;
	return 1;
}

/* --- rpm's order (rpmvercmp, rpm 4.x: lib/rpmvercmp.c) --- */

static int rpm_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int rpm_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* rpmvercmp on [one, oe) and [two, te). */
static int rpm_segcmp(const char *one, const char *oe, const char *two, const char *te)
{
	while (one < oe || two < te) {
		const char *s1, *s2;
		int isnum;
		while (one < oe && !rpm_alnum((unsigned char)*one) && *one != '~' && *one != '^')
			one++;
		while (two < te && !rpm_alnum((unsigned char)*two) && *two != '~' && *two != '^')
			two++;
		/* '~' sorts before everything, the end included */
		if ((one < oe && *one == '~') || (two < te && *two == '~')) {
			if (!(one < oe && *one == '~'))
				return 1;
			if (!(two < te && *two == '~'))
				return -1;
			one++, two++;
			continue;
		}
		/* '^' sorts after the end, before anything else */
		if ((one < oe && *one == '^') || (two < te && *two == '^')) {
			if (one >= oe)
				return -1;
			if (two >= te)
				return 1;
			if (*one != '^')
				return 1;
			if (*two != '^')
				return -1;
			one++, two++;
			continue;
		}
		if (one >= oe || two >= te)
			break;
		s1 = one;
		s2 = two;
		if (is_digit((unsigned char)*s1)) {
			while (s1 < oe && is_digit((unsigned char)*s1))
				s1++;
			while (s2 < te && is_digit((unsigned char)*s2))
				s2++;
			isnum = 1;
		} else {
			while (s1 < oe && rpm_alpha((unsigned char)*s1))
				s1++;
			while (s2 < te && rpm_alpha((unsigned char)*s2))
				s2++;
			isnum = 0;
		}
		if (two == s2) /* a number against letters: the number is newer */
			return isnum ? 1 : -1;
		if (isnum) {
			while (one < s1 && *one == '0')
				one++;
			while (two < s2 && *two == '0')
				two++;
			if (s1 - one != s2 - two)
				return s1 - one > s2 - two ? 1 : -1;
		}
		size_t l1 = (size_t)(s1 - one), l2 = (size_t)(s2 - two);
		int rc = memcmp(one, two, l1 < l2 ? l1 : l2);
		if (rc)
			return rc < 0 ? -1 : 1;
		if (l1 != l2)
			return l1 < l2 ? -1 : 1;
		one = s1;
		two = s2;
	}
	if (one >= oe && two >= te)
		return 0;
	return one >= oe ? -1 : 1;
}

int bs_rpm_vercmp(const char *a, const char *b)
{
	return rpm_segcmp(a, a + strlen(a), b, b + strlen(b));
}

/* [epoch:]version[-release]: the epoch a number (none: 0), the release after the last '-'. */
int bs_rpm_evrcmp(const char *a, const char *b)
{
	struct parts pa, pb;
	int r;

	split(a, &pa);
	split(b, &pb);
	if (pa.epoch != pb.epoch)
		return pa.epoch < pb.epoch ? -1 : 1;
	if ((r = rpm_segcmp(pa.up, pa.up_end, pb.up, pb.up_end)) != 0)
		return r;
	/* a missing release is an empty one, older than any (as rpm.vercmp of rpm 4.18 orders them) */
	return rpm_segcmp(pa.rev, pa.rev_end, pb.rev, pb.rev_end);
}
