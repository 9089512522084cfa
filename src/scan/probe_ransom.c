/* probe_ransom.c - signs of ransomware (Annex 3 四): ransom notes and encrypted files under
 * the places users and services keep data, counted per directory so that one odd file is no
 * alarm (issue 14 item 16: precision matters as much as recall).
 *
 * A sign is reported (a fact) when it is specific on its own, or when others corroborate it:
 *   - a note with a name a ransomware family uses (ransom_signs.c), or a text or picture that
 *     speaks of decrypting files in its name: reported;
 *   - one that only speaks of restoring or recovering (how_to_restore.txt, also the name of
 *     many a runbook; a .md or .pdf is never a note): reported when the same name lies in
 *     three directories or more (ransomware drops its note in every folder it encrypts) or
 *     beside encrypted files;
 *   - an extension of a family (.wncry, .lockbit, ...), or one the text names (.crypt .VVV
 *     ...) after a document's own (budget.xlsx.CCC): reported;
 *   - one the text names on its own (tune.abc is also ABC music notation): reported when three
 *     or more in one directory have content that looks encrypted (its bytes uniform; text such
 *     as ABC notation is far from it). */
#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/buf.h"
#include "scan/probe.h"
#include "scan/probe_ctx.h"
#include "scan/ransom_signs.h"

static const char *const starts[] = { "/home", "/root", "/srv", "/var/www", "/opt", "/tmp", "/var/tmp", "/mnt",
				      "/media", NULL };

#define WEAK_PER_DIR 3     /* weak extensions with encrypted-looking content in one directory */
#define NOTE_DIRS 3        /* directories holding the same weak note */
#define SAMPLE_BLOCK 4096  /* the first bytes of a file looked at */
#define SAMPLE_MIN_BYTES 512 /* fewer say nothing about how the content is distributed */

enum sign { NOTE_STRONG, NOTE_WEAK, EXT_STRONG, EXT_WEAK };

struct hit {
	char *dir, *name, *path;
	enum sign sign;
};

struct st {
	regex_t decrypt, restore;
	struct hit *h;
	size_t n, cap;
};

static int in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcasecmp(s, list[i]))
			return 1;
	return 0;
}

/* The extension before the last one is a document's own ("budget.xlsx" of budget.xlsx.CCC). */
static int document_before(const char *base, const char *dot)
{
	const char *p = dot;
	char ext[16];
	size_t n;

	while (p > base && p[-1] != '.')
		p--;
	if (p == base)
		return 0;
	n = (size_t)(dot - p);
	if (n == 0 || n >= sizeof(ext))
		return 0;
	memcpy(ext, p, n);
	ext[n] = 0;
	return in_list(ext, bs_ransom_document_exts);
}

/* 1 when the first block of the file looks encrypted: nearly every byte value occurs, none
 * far more often than the others (encrypted or compressed data is uniform; text, such as ABC
 * music notation, uses a hundred values or fewer, some very often). 0 when not, or when it
 * cannot tell (too short, unreadable: no sign; the walk reports what it cannot list). */
static int looks_encrypted(const struct bs_probe_ctx *ctx, const char *path)
{
	unsigned char buf[SAMPLE_BLOCK];
	size_t count[256] = { 0 }, distinct = 0, most = 0;
	ssize_t n;
	int fd = bs_rootfs_openat(&ctx->fs, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < SAMPLE_MIN_BYTES)
		return 0;
	for (ssize_t i = 0; i < n; i++)
		count[buf[i]]++;
	for (int i = 0; i < 256; i++) {
		distinct += count[i] > 0;
		if (count[i] > most)
			most = count[i];
	}
	/* uniform bytes: about n/256 each; allow four times that for the most frequent */
	return distinct >= (n >= 2048 ? 240u : 180u) && most * 256 <= 4 * (size_t)n;
}

static void add(struct st *s, const char *path, const char *base, enum sign sign)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->h = bs_realloc(s->h, bs_size_mul(s->cap, sizeof(*s->h)));
	}
	s->h[s->n].dir = bs_strndup(path, (size_t)(base - path));
	s->h[s->n].name = bs_strdup(base);
	s->h[s->n].path = bs_strdup(path);
	s->h[s->n].sign = sign;
	s->n++;
}

static int cb(struct bs_probe_ctx *ctx, const char *path, const struct stat *sb, void *arg)
{
	struct st *s = arg;
	const char *base = strrchr(path, '/'), *dot;

	if (!S_ISREG(sb->st_mode))
		return 0;
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (in_list(base, bs_ransom_note_names) || regexec(&s->decrypt, base, 0, NULL, 0) == 0)
		add(s, path, base, NOTE_STRONG);
	else if (regexec(&s->restore, base, 0, NULL, 0) == 0)
		add(s, path, base, NOTE_WEAK);
	if (!dot || dot == base)
		return 0;
	if (in_list(dot, bs_ransom_family_exts) || (in_list(dot, bs_ransom_text_exts) && document_before(base, dot)))
		add(s, path, base, EXT_STRONG);
	else if (in_list(dot, bs_ransom_text_exts) && looks_encrypted(ctx, path))
		add(s, path, base, EXT_WEAK);
	return 0;
}

static int by_dir(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = strcmp(x->dir, y->dir);
	return c ? c : strcmp(x->name, y->name);
}

static size_t dirs_with_name(const struct st *s, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		if ((s->h[i].sign == NOTE_WEAK || s->h[i].sign == NOTE_STRONG) && !strcasecmp(s->h[i].name, name))
			n++;
	return n;
}

/* The facts, directory by directory (hits sorted by directory). */
static void report(struct bs_probe_ctx *ctx, struct st *s)
{
	if (s->n > 1) /* qsort's array may not be NULL, even when empty */
		qsort(s->h, s->n, sizeof(*s->h), by_dir);
	for (size_t i = 0; i < s->n;) {
		size_t j = i, weak = 0, encrypted = 0;
		while (j < s->n && !strcmp(s->h[j].dir, s->h[i].dir)) {
			weak += s->h[j].sign == EXT_WEAK;
			encrypted += s->h[j].sign == EXT_STRONG || s->h[j].sign == EXT_WEAK;
			j++;
		}
		for (size_t k = i; k < j; k++) {
			const struct hit *h = &s->h[k];
			if (h->sign == NOTE_STRONG ||
			    (h->sign == NOTE_WEAK && (encrypted >= 1 || dirs_with_name(s, h->name) >= NOTE_DIRS)))
				bs_fact_add(ctx, "ransom.note", h->path, h->name, h->path, 0);
			else if (h->sign == EXT_STRONG || (h->sign == EXT_WEAK && weak >= WEAK_PER_DIR))
				bs_fact_add(ctx, "ransom.extension", h->path, strrchr(h->name, '.'), h->path, 0);
		}
		i = j;
	}
}

static int run(struct bs_probe_ctx *ctx)
{
	struct st s;

	memset(&s, 0, sizeof(s));
	if (regcomp(&s.decrypt, BS_RANSOM_NOTE_DECRYPT_RE, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
		return bs_probe_fail(ctx, "the ransom-note pattern does not compile (a bug)");
	if (regcomp(&s.restore, BS_RANSOM_NOTE_RESTORE_RE, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0) {
		regfree(&s.decrypt);
		return bs_probe_fail(ctx, "the ransom-note pattern does not compile (a bug)");
	}
	for (int i = 0; starts[i]; i++)
		bs_probe_walk(ctx, starts[i], 8, cb, &s);
	report(ctx, &s);
	for (size_t i = 0; i < s.n; i++) {
		free(s.h[i].dir);
		free(s.h[i].name);
		free(s.h[i].path);
	}
	free(s.h);
	regfree(&s.decrypt);
	regfree(&s.restore);
	return 0; /* an incomplete walk marked the probe an error itself (bs_probe_walk) */
}

const struct bs_probe bs_probe_ransom = { "ransom", 0, run };
