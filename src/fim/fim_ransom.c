/* fim_ransom.c - the signs of ransomware (Annex 3 四, A3.4) in what a check or the watcher saw:
 * ransom notes by name and by content, the extensions of scan's one list (src/scan/
 * ransom_signs.c: Annex 3's own and the families'), the entropy jump of rewritten files
 * (compressed formats told by their first bytes), renames and rewrites in bursts, canaries;
 * and the incident draft (A3.6) when the score reaches BS_FIM_INCIDENT_SCORE. */
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "fim/fim_int.h"
#include "registry/registry.h"
#include "scan/ransom_signs.h"

#define LISTED_MAX 1000
/* a rewritten file whose first 64 KiB went from below 7.0 to above 7.9 bits a byte */
#define ENTROPY_LOW 7000
#define ENTROPY_HIGH 7900
/* five files encrypted reach the incident threshold (BS_FIM_INCIDENT_SCORE 10) */
#define ENTROPY_WEIGHT 2

static const char *const sign_names[BS_FIM_SIGN_COUNT] = { "note", "extension", "entropy", "renames", "rewrites",
							    "canary" };

const char *bs_fim_sign_name(enum bs_fim_sign s)
{
	return (unsigned)s < BS_FIM_SIGN_COUNT ? sign_names[s] : "?";
}

void bs_fim_signs_add(struct bs_fim_signs *s, enum bs_fim_sign sign, const char *path, int weight, const char *fmt, ...)
{
	struct bs_buf b = BS_BUF_INIT;
	va_list ap;

	s->count[sign]++;
	s->score += weight;
	if (s->n >= LISTED_MAX)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = bs_realloc(s->v, bs_size_mul(s->cap, sizeof(*s->v)));
	}
	va_start(ap, fmt);
	bs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	s->v[s->n].sign = sign;
	s->v[s->n].path = path ? bs_strdup(path) : NULL;
	s->v[s->n].detail = bs_buf_detach(&b, NULL);
	s->v[s->n].weight = weight;
	s->n++;
}

void bs_fim_signs_release(struct bs_fim_signs *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].path);
		free(s->v[i].detail);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static regex_t note_re;
static int note_re_ok;
static pthread_once_t note_once = PTHREAD_ONCE_INIT;

static void note_init(void)
{
	note_re_ok = regcomp(&note_re, BS_RANSOM_NOTE_DECRYPT_RE, REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0;
}

static const char *base_name(const char *rel)
{
	const char *b = strrchr(rel, '/');
	return b ? b + 1 : rel;
}

/* What a ransom note says: two of these phrases in a small text file. */
static int note_content(const char *path)
{
	static const char *const words[] = { "bitcoin", "decrypt", "your files", "encrypted", ".onion", "tor browser",
					     "private key", "ransom", "monero", "已被加密", "解密", NULL };
	char buf[65536];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), hits = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] = (char)(buf[i] - 'A' + 'a');
		else if (!buf[i])
			buf[i] = ' ';
	for (int i = 0; words[i]; i++)
		if (strstr(buf, words[i]))
			hits++;
	return hits >= 2;
}

static int ends_with(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n > e && !strcasecmp(name + n - e, ext);
}

/* Note and extension signs of the file rel under root. */
static void name_signs(const char *root, const char *rel, const struct bs_fim_entry *now, unsigned what,
		       struct bs_fim_signs *out)
{
	const char *name = base_name(rel);
	size_t nl = strlen(name);

	pthread_once(&note_once, note_init);
	if (!(what & BS_FIM_BY_NAME))
		goto content;
	for (int i = 0; bs_ransom_note_names[i]; i++)
		if (!strcasecmp(name, bs_ransom_note_names[i])) {
			bs_fim_signs_add(out, BS_FIM_SIGN_NOTE, rel, 10, "a ransom note's name (%s)", bs_ransom_note_names[i]);
			return;
		}
	if (note_re_ok && regexec(&note_re, name, 0, NULL, 0) == 0) {
		bs_fim_signs_add(out, BS_FIM_SIGN_NOTE, rel, 5, "named like a ransom note");
		return;
	}
content:
	if ((what & BS_FIM_BY_CONTENT) && now && now->type == 'f' && now->size > 0 && now->size < 65536 &&
	    (ends_with(name, ".txt") || ends_with(name, ".html") || ends_with(name, ".htm") || ends_with(name, ".hta"))) {
		struct bs_buf p = BS_BUF_INIT;
		bs_buf_printf(&p, "%s/%s", root, rel);
		if (note_content(p.ptr))
			bs_fim_signs_add(out, BS_FIM_SIGN_NOTE, rel, 10, "a ransom note's words (decrypt, bitcoin ...)");
		bs_buf_release(&p);
	}
	if (!(what & BS_FIM_BY_NAME))
		return;
	for (int i = 0; bs_ransom_family_exts[i]; i++)
		if (ends_with(name, bs_ransom_family_exts[i])) {
			bs_fim_signs_add(out, BS_FIM_SIGN_EXT, rel, 5, "a ransomware family's extension (%s)",
					 bs_ransom_family_exts[i]);
			return;
		}
	for (int i = 0; bs_ransom_text_exts[i]; i++) {
		size_t el = strlen(bs_ransom_text_exts[i]);
		if (!ends_with(name, bs_ransom_text_exts[i]))
			continue;
		/* budget.xlsx.ccc: a document's extension, then Annex 3's */
		const char *dot = NULL;
		for (const char *q = name; q < name + nl - el; q++)
			if (*q == '.')
				dot = q;
		if (!dot)
			return;
		for (int j = 0; bs_ransom_document_exts[j]; j++) {
			size_t dl = strlen(bs_ransom_document_exts[j]);
			if ((size_t)(name + nl - el - dot - 1) == dl && !strncasecmp(dot + 1, bs_ransom_document_exts[j], dl)) {
				bs_fim_signs_add(out, BS_FIM_SIGN_EXT, rel, 3, "a document renamed with Annex 3's extension %s",
						 bs_ransom_text_exts[i]);
				return;
			}
		}
		return;
	}
}

/* What random bytes measure at least in a sample of n bytes: 8 bits less the small-sample bias
 * (about 255 / (2 n ln 2)), less a margin; too few bytes to tell: never. */
static int random_floor(int64_t n)
{
	if (n > 65536)
		n = 65536;
	if (n < 128)
		return 9000;
	if (n >= 4096)
		return ENTROPY_HIGH;
	return (int)(8000 - 184000 / n - 100);
}

/* old (a baseline entry) rewritten as now: random bytes now, and before either plain content
 * or a format with a signature (zip, PDF, PNG ...) that is gone: encrypted. A compressed file
 * replaced by another of its kind keeps its signature and is no sign. */
static int entropy_jump(const struct bs_fim_entry *old, const struct bs_fim_entry *now)
{
	return old && now && old->type == 'f' && now->type == 'f' && old->entropy >= 0 &&
	       (old->entropy < ENTROPY_LOW || old->compressed) && now->entropy > random_floor(now->size) && !now->compressed;
}

/* A document whose format has a signature (zip-based Office, PDF, pictures, archives) that now
 * holds random bytes without it: encrypted where it lies, whatever the baseline says. */
static int format_lost(const char *rel, const struct bs_fim_entry *now)
{
	static const char *const exts[] = { ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".zip", ".pdf", ".jpg",
					    ".jpeg", ".png", ".gif", ".gz", ".7z", ".rar", ".xz", NULL };
	const char *name = base_name(rel);
	if (!now || now->type != 'f' || now->compressed || now->entropy <= random_floor(now->size))
		return 0;
	for (int i = 0; exts[i]; i++)
		if (ends_with(name, exts[i]))
			return 1;
	return 0;
}

void bs_fim_signs_of_file(const char *root, const char *rel, const struct bs_fim_entry *old, unsigned what,
			  struct bs_fim_signs *out)
{
	struct bs_fim_entry now = { 0 };
	struct bs_buf p = BS_BUF_INIT;
	unsigned char buf[65536];
	int fd;
	ssize_t n = -1;

	bs_buf_printf(&p, "%s/%s", root, rel);
	fd = open(p.ptr, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	now.type = 'f';
	now.entropy = -1;
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n >= 0) {
			now.size = n;
			now.entropy = (int16_t)bs_fim_entropy(buf, (size_t)n);
			now.compressed = (uint8_t)bs_fim_magic_compressed(buf, (size_t)n);
		}
	}
	name_signs(root, rel, fd >= 0 ? &now : NULL, what, out);
	if ((what & BS_FIM_BY_CONTENT) && n > 0 && entropy_jump(old, &now))
		bs_fim_signs_add(out, BS_FIM_SIGN_ENTROPY, rel, ENTROPY_WEIGHT, "rewritten as random bytes (entropy %.2f -> %.2f bits a "
				 "byte)", old->entropy / 1000.0, now.entropy / 1000.0);
	else if ((what & BS_FIM_BY_CONTENT) && n > 0 && format_lost(rel, &now))
		bs_fim_signs_add(out, BS_FIM_SIGN_ENTROPY, rel, ENTROPY_WEIGHT, "random bytes without the format its name says (entropy "
				 "%.2f bits a byte)", now.entropy / 1000.0);
	bs_buf_release(&p);
}

void bs_fim_canary_signs(const struct bs_fim_tree *now, char *const *paths, char *const *hashes, size_t n,
			 struct bs_fim_signs *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct bs_fim_entry *e = bs_fim_tree_find(now, paths[i]);
		if (!e)
			bs_fim_signs_add(out, BS_FIM_SIGN_CANARY, paths[i], 10, "a canary file was removed or renamed");
		else if (e->type != 'f' || (e->hash[0] && strcmp(e->hash, hashes[i])))
			bs_fim_signs_add(out, BS_FIM_SIGN_CANARY, paths[i], 10, "a canary file was changed");
	}
}

void bs_fim_signs_of_diff(const char *root, const struct bs_fim_diff *d, struct bs_fim_signs *out)
{
	int64_t renames = 0, rewrites = 0, jumps = 0;
	const struct bs_fim_change **removed = bs_calloc(d->n + 1, sizeof(*removed));
	size_t nremoved = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].kind == BS_FIM_REMOVED && d->v[i].old->type == 'f')
			removed[nremoved++] = &d->v[i];
	for (size_t i = 0; i < d->n; i++) {
		const struct bs_fim_change *c = &d->v[i];
		const char *path = c->path;
		if (c->kind == BS_FIM_REMOVED)
			continue;
		if (c->now->type == 'f')
			name_signs(root, path, c->now, BS_FIM_BY_NAME | BS_FIM_BY_CONTENT, out);
		if (c->kind == BS_FIM_CHANGED && (c->attrs & BS_FIM_HASH)) {
			rewrites++;
			if (entropy_jump(c->old, c->now)) {
				jumps++;
				bs_fim_signs_add(out, BS_FIM_SIGN_ENTROPY, path, ENTROPY_WEIGHT, "rewritten as random bytes (entropy %.2f -> "
						 "%.2f bits a byte)", c->old->entropy / 1000.0, c->now->entropy / 1000.0);
			} else if (format_lost(path, c->now)) {
				jumps++;
				bs_fim_signs_add(out, BS_FIM_SIGN_ENTROPY, path, ENTROPY_WEIGHT, "random bytes without the format its name "
						 "says (entropy %.2f bits a byte)", c->now->entropy / 1000.0);
			}
		}
		if (c->kind == BS_FIM_ADDED && c->now->type == 'f') {
			/* moved here (the same inode), or a new file named after a removed one (x.docx ->
			 * x.docx.locked: encrypted to a new file, the original deleted) */
			const char *dot = strrchr(path, '.');
			for (size_t k = 0; k < nremoved; k++) {
				const struct bs_fim_entry *o = removed[k]->old;
				size_t ol = strlen(o->path);
				int same_inode = o->inode == c->now->inode && (o->attrs & BS_FIM_INODE);
				int named_after = dot && (size_t)(dot - path) == ol && !strncmp(path, o->path, ol);
				if (!same_inode && !named_after)
					continue;
				if (same_inode)
					renames++;
				else
					rewrites++;
				if (entropy_jump(o, c->now)) {
					jumps++;
					bs_fim_signs_add(out, BS_FIM_SIGN_ENTROPY, path, ENTROPY_WEIGHT, "replaces '%.200s' with random bytes "
							 "(entropy %.2f -> %.2f bits a byte)", o->path, o->entropy / 1000.0,
							 c->now->entropy / 1000.0);
				}
				break;
			}
		}
	}
	if (renames >= BS_FIM_BURST_FILES)
		bs_fim_signs_add(out, BS_FIM_SIGN_RENAMES, NULL, 5, "%lld files renamed since the baseline",
				 (long long)renames);
	if (jumps >= BS_FIM_BURST_FILES)
		bs_fim_signs_add(out, BS_FIM_SIGN_REWRITES, NULL, 10, "%lld of %lld rewritten files became random bytes",
				 (long long)jumps, (long long)rewrites);
	free(removed);
}

/* b cut to at most max bytes, at a character boundary */
static void cut_utf8(struct bs_buf *b, size_t max)
{
	if (b->len <= max)
		return;
	bs_buf_truncate(b, max);
	while (b->len && ((unsigned char)b->ptr[b->len - 1] & 0xc0) == 0x80)
		bs_buf_truncate(b, b->len - 1);
	if (b->len && ((unsigned char)b->ptr[b->len - 1] & 0xc0) == 0xc0)
		bs_buf_truncate(b, b->len - 1);
}

int fim_incident_draft(struct bs_datadir *dd, const char *root, const struct bs_fim_signs *signs, int64_t *id)
{
	const struct bs_register *r = bs_register_find("incident");
	struct bs_buf title = BS_BUF_INIT, note = BS_BUF_INIT;
	char now[BS_TIME_MAX];
	json_t *fields = json_object(), *rec = NULL;
	const char *vals[][2] = { { "title", NULL }, { "detected", now }, { "severity", "high" }, { "major", "no" },
				  { "ransomware", "yes" }, { "note", NULL } };
	int err = 0;

	*id = 0;
	if (!r)
		return bs_error(BS_ERR, "no incident register in this brokersec");
	bs_time_format(bs_clock_now(), now);
	bs_buf_puts(&title, "勒索軟體徵兆 ransomware signs: ");
	bs_fim_path_text(root, &title);
	cut_utf8(&title, 195);
	/* a register's text is one line */
	bs_buf_printf(&note, "Draft made by brokersec fim (A3.4, A3.6): score %d. Signs:", signs->score);
	for (int s = 0; s < BS_FIM_SIGN_COUNT; s++)
		if (signs->count[s])
			bs_buf_printf(&note, " %s %lld;", bs_fim_sign_name((enum bs_fim_sign)s), (long long)signs->count[s]);
	for (size_t i = 0; i < signs->n && note.len < 1700; i++) {
		bs_buf_puts(&note, i ? " | " : " ");
		if (signs->v[i].path) {
			bs_fim_path_text(signs->v[i].path, &note);
			bs_buf_puts(&note, ": ");
		}
		bs_buf_puts(&note, signs->v[i].detail);
	}
	cut_utf8(&note, 1990);
	vals[0][1] = title.ptr;
	vals[5][1] = note.ptr;
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]) && err >= 0; i++) {
		const struct bs_field *f = bs_register_field(r, vals[i][0]);
		json_t *v = NULL;
		if (!f)
			err = bs_error(BS_ERR, "the incident register has no field '%s'", vals[i][0]);
		else if ((err = bs_field_parse(f, vals[i][1], &v)) >= 0)
			json_object_set_new(fields, vals[i][0], v);
	}
	if (err >= 0)
		err = bs_reg_add(dd, r, fields, 0, &rec);
	if (err >= 0)
		*id = json_integer_value(json_object_get(rec, "id"));
	json_decref(rec);
	json_decref(fields);
	bs_buf_release(&title);
	bs_buf_release(&note);
	return err;
}
