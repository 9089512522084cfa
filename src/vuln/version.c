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
	const char *colon, *end, *hyphen;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n'))
		end--;
	p->epoch = 0;
	colon = memchr(s, ':', (size_t)(end - s));
	if (colon) {
		for (const char *d = s; d < colon && is_digit((unsigned char)*d); d++)
			if (p->epoch < 1000000000ULL)
				p->epoch = p->epoch * 10 + (unsigned)(*d - '0');
		s = colon + 1;
	}
	hyphen = NULL;
	for (const char *q = s; q < end; q++)
		if (*q == '-')
			hyphen = q;
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
