/* probe_ransom.c - signs of ransomware (Annex 3 四): ransom notes and files with the
 * extensions the text names (.crypt .VVV .CCC .ZZZ .AAA .ABC .XXX .TTT), under the places
 * users and services keep data. */
#include <regex.h>
#include <string.h>
#include <strings.h>

#include "scan/probe.h"

static const char *const starts[] = { "/home", "/root", "/srv", "/var/www", "/opt", "/tmp", "/var/tmp", "/mnt",
				      "/media", NULL };
static const char *const exts[] = { ".crypt", ".vvv", ".ccc", ".zzz", ".aaa", ".abc", ".xxx", ".ttt", NULL };

/* Names ransomware families give their notes. */
#define NOTE_RE \
	"^(_?readme[_-]?(for[_-])?decrypt.*|how[_ -]?to[_ -]?(decrypt|recover|restore).*|.*decrypt[_-]?" \
	"(instructions?|files?|info).*|help[_-]?(decrypt|recover|restore).*|restore[_-]files.*|" \
	"!+[_-]?read[_-]?me[_-]?!+.*|_readme\\.txt|recovery[_-]?(key|file)s?\\..*|.*your[_-]files" \
	"[_-]are[_-]encrypted.*|#?decrypt[_-]my[_-]files#?.*)$"

struct st {
	regex_t re;
};

static int cb(struct bs_probe_ctx *ctx, const char *path, const struct stat *sb, void *arg)
{
	struct st *s = arg;
	const char *base = strrchr(path, '/');

	if (!S_ISREG(sb->st_mode))
		return 0;
	base = base ? base + 1 : path;
	if (regexec(&s->re, base, 0, NULL, 0) == 0)
		bs_fact_add(ctx, "ransom.note", path, base, path, 0);
	const char *dot = strrchr(base, '.');
	if (dot && dot != base)
		for (int i = 0; exts[i]; i++)
			if (!strcasecmp(dot, exts[i]))
				bs_fact_add(ctx, "ransom.extension", path, dot, path, 0);
	return 0;
}

static int run(struct bs_probe_ctx *ctx)
{
	struct st s;

	if (regcomp(&s.re, NOTE_RE, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
		return bs_probe_fail(ctx, "the ransom-note pattern does not compile (a bug)");
	for (int i = 0; starts[i]; i++)
		bs_probe_walk(ctx, starts[i], 8, cb, &s);
	regfree(&s.re);
	return 0;
}

const struct bs_probe bs_probe_ransom = { "ransom", 0, run };
