/* lookalike.c - look-alike domains of a broker's own (lookalike.h): the Public Suffix List
 * split (libpsl), IDNA with UTS #46 mapping (libidn2), and the permutation classes. Every
 * candidate goes through libidn2 again, so only names that can be registered come out
 * (a homoglyph IDNA2008 disallows is dropped, not printed). */
#include <idn2.h>
#include <libpsl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/utf8.h"
#include "lookalike/lookalike.h"

const char *const bs_lookalike_kinds[] = {
	"addition", "bitsquatting", "cyrillic", "homoglyph", "hyphenation", "insertion", "omission", "repetition",
	"replacement", "subdomain", "transposition", "vowel-swap", "various", "dictionary", "tw-sld", "tld-swap",
	NULL,
};

static const psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

/* The system's list (Debian's publicsuffix package) when it is newer than the built-in one. */
static void psl_load(void)
{
	psl = psl_latest(NULL);
	if (!psl)
		psl = psl_builtin();
}

static int ldh_ok(const char *s)
{
	size_t n = 0;
	const char *label = s;

	if (!*s || strlen(s) > 253)
		return 0;
	for (const char *p = s;; p++) {
		if (*p == '.' || !*p) {
			n = (size_t)(p - label);
			if (n == 0 || n > 63 || label[0] == '-' || label[n - 1] == '-')
				return 0;
			if (!*p)
				return 1;
			label = p + 1;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	}
}

/* name (UTF-8) to A-labels with UTS #46 mapping, lower case; 0 or -1 with *why. */
static int to_ascii(const char *name, char *out, size_t cap, const char **why)
{
	char *a = NULL;
	int rc = idn2_to_ascii_8z(name, &a, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);

	if (rc != IDN2_OK) {
		*why = idn2_strerror(rc);
		return -1;
	}
	for (char *p = a; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (strlen(a) >= cap || !ldh_ok(a)) {
		*why = "not letters, digits and hyphens in labels of 1 to 63 characters";
		idn2_free(a);
		return -1;
	}
	memcpy(out, a, strlen(a) + 1);
	idn2_free(a);
	return 0;
}

const char *bs_domain_registrable(const char *ascii)
{
	pthread_once(&psl_once, psl_load);
	return psl ? psl_registrable_domain(psl, ascii) : NULL;
}

int bs_domain_known_suffix(const char *ascii)
{
	const char *tld = strrchr(ascii, '.');
	pthread_once(&psl_once, psl_load);
	return psl && psl_is_public_suffix2(psl, tld ? tld + 1 : ascii, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
}

int bs_domain_to_ascii(const char *name, char *out, size_t cap, const char **why)
{
	return to_ascii(name, out, cap, why);
}

int bs_domain_split(const char *name, struct bs_domain *out)
{
	char tmp[256];
	const char *why = NULL, *reg;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!name || !*name || strlen(name) > 253)
		return bs_error(BS_EINVALID, "'%.80s' is not a domain name: give a name such as example.com.tw", name ? name : "");
	n = strlen(name);
	memcpy(tmp, name, n + 1);
	if (tmp[n - 1] == '.') /* the root's dot */
		tmp[n - 1] = 0;
	if (!bs_utf8_valid_text(tmp, strlen(tmp)) || strpbrk(tmp, "\t\r\n") || to_ascii(tmp, out->ascii, sizeof(out->ascii), &why) < 0)
		return bs_error(BS_EINVALID, "'%.80s' is not a domain name (%s): give a name such as example.com.tw", name,
				why ? why : "not UTF-8");
	pthread_once(&psl_once, psl_load);
	if (!psl || !(reg = psl_registrable_domain(psl, out->ascii)) || !strchr(reg, '.'))
		return bs_error(BS_EINVALID, "'%.80s' has no registrable part: it is a public suffix (like com.tw or "
				"idv.tw), give the broker's own domain", name);
	n = strcspn(reg, ".");
	if (n >= sizeof(out->label))
		return bs_error(BS_EINVALID, "'%.80s': its label is longer than 63 characters", name);
	memcpy(out->label, reg, n);
	snprintf(out->suffix, sizeof(out->suffix), "%s", reg + n + 1);
	if (reg > out->ascii)
		snprintf(out->sub, sizeof(out->sub), "%.*s", (int)(reg - out->ascii - 1), out->ascii);
	return 0;
}

/* --- the set ------------------------------------------------------------------------ */

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

size_t bs_lookalike_set_find(const struct bs_lookalike_set *s, const char *ascii)
{
	size_t i;
	if (!s->nslots)
		return 0;
	for (i = fnv(ascii) & (s->nslots - 1); s->slots[i]; i = (i + 1) & (s->nslots - 1))
		if (!strcmp(s->v[s->slots[i] - 1].ascii, ascii))
			return s->slots[i];
	return 0;
}

static int seen(struct bs_lookalike_set *s, const char *ascii)
{
	return bs_lookalike_set_find(s, ascii) != 0;
}

static void slot_put(struct bs_lookalike_set *s, size_t idx)
{
	size_t i = fnv(s->v[idx].ascii) & (s->nslots - 1);
	while (s->slots[i])
		i = (i + 1) & (s->nslots - 1);
	s->slots[i] = idx + 1;
}

/* Adds ascii (its Unicode form: unicode, or ascii itself when NULL) unless it is there. */
static void set_add(struct bs_lookalike_set *s, const char *ascii, const char *unicode, const char *kind)
{

	if (seen(s, ascii))
		return;
	if ((s->n + 1) * 2 > s->nslots) { /* keep the table at most half full */
		size_t old = s->nslots;
		s->nslots = old ? old * 2 : 1024;
		free(s->slots);
		s->slots = bs_calloc(s->nslots, sizeof(*s->slots));
		for (size_t i = 0; i < s->n; i++)
			slot_put(s, i);
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = bs_realloc(s->v, bs_size_mul(s->cap, sizeof(*s->v)));
	}
	s->v[s->n].ascii = bs_strdup(ascii);
	s->v[s->n].unicode = bs_strdup(unicode ? unicode : ascii);
	s->v[s->n].kind = kind;
	slot_put(s, s->n);
	s->n++;
}

void bs_lookalike_set_release(struct bs_lookalike_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].ascii);
		free(s->v[i].unicode);
	}
	free(s->v);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

/* --- generation ----------------------------------------------------------------------- */

struct gen {
	const struct bs_domain *d;
	struct bs_lookalike_set *out;
	const char *kind;
	char chars[64][5];  /* the label's characters, UTF-8 each */
	size_t n;
};

/* Emits label + "." + suffix when it is a registrable name other than the original. */
static void emit_full(struct gen *g, const char *label, const char *suffix)
{
	char full[512], ascii[256];
	const char *why;

	int plain = 1;

	if (!*label || snprintf(full, sizeof(full), "%s.%s", label, suffix) >= (int)sizeof(full))
		return;
	for (const char *p = full; *p && plain; p++)
		plain = !((unsigned char)*p & 0x80);
	/* an ASCII name needs only the LDH rule; anything else goes through IDNA2008 */
	if (plain ? !ldh_ok(full) || strlen(full) >= sizeof(ascii) : to_ascii(full, ascii, sizeof(ascii), &why) < 0)
		return;
	if (plain)
		memcpy(ascii, full, strlen(full) + 1);
	if (!strcmp(ascii, g->d->ascii) || (!*g->d->sub && !strcmp(ascii, g->d->ascii)))
		return;
	{ /* the original registrable domain is no look-alike of itself */
		char orig[512];
		snprintf(orig, sizeof(orig), "%s.%s", g->d->label, g->d->suffix);
		if (!strcmp(ascii, orig))
			return;
	}
	set_add(g->out, ascii, plain ? NULL : full, g->kind);
}

static void emit(struct gen *g, const char *label)
{
	emit_full(g, label, g->d->suffix);
}

/* The label with character i replaced by rep (NULL: removed), and ins inserted before
 * character j (j == n: at the end; NULL: nothing). */
static void build(const struct gen *g, size_t i, const char *rep, size_t j, const char *ins, char *out, size_t cap)
{
	struct bs_buf b = BS_BUF_INIT;
	for (size_t k = 0; k <= g->n; k++) {
		if (k == j && ins)
			bs_buf_puts(&b, ins);
		if (k == g->n)
			break;
		if (k == i) {
			if (rep)
				bs_buf_puts(&b, rep);
		} else {
			bs_buf_puts(&b, g->chars[k]);
		}
	}
	snprintf(out, cap, "%s", b.ptr ? b.ptr : "");
	bs_buf_release(&b);
}

#define NONE ((size_t)-1)

/* Keyboard neighbours on the QWERTY, QWERTZ and AZERTY layouts, from their rows: each row
 * sits half a key right of the one above, so key i touches i-1 and i+1 in its row, i and
 * i+1 above, and i-1 and i below. */
static const char *const layouts[][4] = {
	{ "1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm" },
	{ "1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm" },
	{ "1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn" },
};

static void add_key(char *set, char k)
{
	if (k && !strchr(set, k)) {
		size_t l = strlen(set);
		set[l] = k;
		set[l + 1] = 0;
	}
}

/* The neighbours of c (one ASCII letter or digit) into out (at least 40 bytes). */
static void neighbours_of(char c, char *out)
{
	*out = 0;
	for (size_t l = 0; l < sizeof(layouts) / sizeof(layouts[0]); l++)
		for (int r = 0; r < 4; r++) {
			const char *row = layouts[l][r], *p = strchr(row, c);
			int i, len = (int)strlen(row);
			if (!p)
				continue;
			i = (int)(p - row);
			if (i > 0)
				add_key(out, row[i - 1]);
			if (i + 1 < len)
				add_key(out, row[i + 1]);
			if (r > 0) {
				const char *up = layouts[l][r - 1];
				int ul = (int)strlen(up);
				if (i < ul)
					add_key(out, up[i]);
				if (i + 1 < ul)
					add_key(out, up[i + 1]);
			}
			if (r < 3) {
				const char *dn = layouts[l][r + 1];
				int dl = (int)strlen(dn);
				if (i > 0 && i - 1 < dl)
					add_key(out, dn[i - 1]);
				if (i < dl)
					add_key(out, dn[i]);
			}
		}
}

static const char *neighbours(const char *c, char *buf)
{
	*buf = 0;
	if (!c[1] && ((c[0] >= 'a' && c[0] <= 'z') || (c[0] >= '0' && c[0] <= '9')))
		neighbours_of(c[0], buf);
	return buf;
}

/* Characters that look alike (one replaced at a time); multi-letter ones too. */
static const struct { const char *from; const char *to[20]; } glyphs[] = {
	{ "0", { "o", NULL } }, { "1", { "l", "i", NULL } }, { "o", { "0", "ȯ", "ọ", "ỏ", "ơ", "ó", "ö", "ò", "ô", "ο", "о", "ᴏ", NULL } },
	{ "a", { "à", "á", "â", "ã", "ä", "å", "ɑ", "ạ", "ǎ", "ă", "ȧ", "ą", "а", "ə", NULL } },
	{ "b", { "d", "lb", "ɓ", "ḃ", "ḅ", "ḇ", "ƅ", "ʙ", NULL } }, { "c", { "e", "ƈ", "ċ", "ć", "ç", "č", "ĉ", "с", "ᴄ", NULL } },
	{ "d", { "b", "cl", "dl", "ɗ", "đ", "ď", "ɖ", "ḑ", "ḋ", "ḍ", "ḏ", "ḓ", "ԁ", "ᴅ", NULL } },
	{ "e", { "c", "é", "è", "ê", "ë", "ē", "ĕ", "ě", "ė", "ẹ", "ę", "ȩ", "ɇ", "ḛ", "е", "ᴇ", NULL } },
	{ "f", { "ƒ", "ḟ", "ꜰ", NULL } }, { "g", { "q", "ɡ", "ġ", "ğ", "ǵ", "ģ", "ĝ", "ǧ", "ǥ", "ɢ", NULL } },
	{ "h", { "lh", "ĥ", "ȟ", "ħ", "ɦ", "ḧ", "ḩ", "ḣ", "ḥ", "ḫ", "ẖ", "һ", "ʜ", "ⱨ", NULL } },
	{ "i", { "1", "l", "í", "ì", "ï", "ı", "ɩ", "ǐ", "ĭ", "ỉ", "ị", "ɨ", "ȋ", "ī", "і", "ɪ", NULL } },
	{ "j", { "ʝ", "ɉ", "ј", "ᴊ", NULL } }, { "k", { "lk", "ik", "lc", "ḳ", "ḵ", "ķ", "к", "ᴋ", "ⱪ", NULL } },
	{ "l", { "1", "i", "ɫ", "ł", "ӏ", "ʟ", NULL } }, { "m", { "n", "nn", "rn", "rr", "ṁ", "ṃ", "ɱ", "ḿ", "м", "ᴍ", NULL } },
	{ "n", { "m", "r", "ń", "ṅ", "ṇ", "ṉ", "ñ", "ņ", "ǹ", "ň", "ꞑ", "ɴ", NULL } }, { "p", { "ƿ", "ƥ", "ṕ", "ṗ", "р", "ᴘ", NULL } },
	{ "q", { "g", "ʠ", "ԛ", NULL } }, { "r", { "ʀ", "ɼ", "ɽ", "ŕ", "ŗ", "ř", "ɍ", "ɾ", "ȓ", "ȑ", "ṙ", "ṛ", "ṟ", NULL } },
	{ "s", { "ʂ", "ś", "ṣ", "ṡ", "ș", "ŝ", "š", "ѕ", "ꜱ", NULL } }, { "t", { "ţ", "ŧ", "ṫ", "ṭ", "ț", "ƫ", "т", "ᴛ", NULL } },
	{ "u", { "ǔ", "ŭ", "ü", "ʉ", "ù", "ú", "û", "ũ", "ū", "ų", "ư", "ů", "ű", "ụ", "ᴜ", "ȕ", "ȗ", NULL } },
	{ "v", { "ṿ", "ⱱ", "ṽ", "ⱴ", "ѵ", "ᴠ", "ᶌ", NULL } }, { "w", { "vv", "ŵ", "ẁ", "ẃ", "ẅ", "ⱳ", "ẇ", "ẉ", "ẘ", "ԝ", "ᴡ", NULL } },
	{ "x", { "ẋ", "ẍ", "х", NULL } }, { "y", { "ý", "ÿ", "ŷ", "ƴ", "ȳ", "ɏ", "ỿ", "ẏ", "ỵ", "у", "ʏ", NULL } },
	{ "z", { "ʐ", "ż", "ź", "ƶ", "ẓ", "ẕ", "ⱬ", "ᴢ", NULL } },
};
/* Letter pairs that read as one letter, and the other way round. */
static const char *const pairs[][2] = { { "rn", "m" }, { "m", "rn" }, { "vv", "w" }, { "w", "vv" }, { "cl", "d" },
					{ "d", "cl" }, { "nn", "m" }, { "ii", "u" }, { "ci", "a" } };
/* Latin letters with a Cyrillic twin. */
static const char *const cyrillic[26] = { "а", "ь", "с", "ԁ", "е", NULL, "ԍ", "һ", "і", "ј", "к", "ӏ", "м", NULL, "о",
					  "р", "ԛ", NULL, "ѕ", "т", NULL, "ѵ", "ԝ", "х", "у", NULL };
static const char *const vowels = "aeiouy";
/* Other endings a phisher takes (tld-swap) and the .tw second levels (tw-sld; 台灣 and 臺灣
 * are .tw's own IDN top-level domains). */
static const char *const tlds[] = { "com", "net", "org", "info", "biz", "co", "io", "app", "online", "site", "shop",
				    "store", "top", "xyz", "cc", "asia", "cn", "com.cn", "hk", "com.hk", "us", "me",
				    "tw", "com.tw", NULL };
static const char *const tw_slds[] = { "tw", "com.tw", "net.tw", "org.tw", "idv.tw", "biz.tw", "game.tw", "ebiz.tw",
				       "club.tw", "台灣", "臺灣", NULL };

/* A set of strings (the labels of the homoglyph rounds), open addressing. */
struct strset {
	char **v;
	size_t n, cap;
};

static int strset_add(struct strset *s, const char *str)
{
	size_t i;
	if ((s->n + 1) * 2 > s->cap) {
		struct strset t = { NULL, 0, s->cap ? s->cap * 2 : 1024 };
		t.v = bs_calloc(t.cap, sizeof(*t.v));
		for (size_t k = 0; k < s->cap; k++)
			if (s->v[k]) {
				for (i = fnv(s->v[k]) & (t.cap - 1); t.v[i]; i = (i + 1) & (t.cap - 1))
					;
				t.v[i] = s->v[k];
				t.n++;
			}
		free(s->v);
		*s = t;
	}
	for (i = fnv(str) & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (!strcmp(s->v[i], str))
			return 0;
	s->v[i] = bs_strdup(str);
	s->n++;
	return 1;
}

static void strset_release(struct strset *s)
{
	for (size_t k = 0; k < s->cap; k++)
		free(s->v[k]);
	free(s->v);
}

static const char *const *glyphs_of(const char *c)
{
	for (size_t k = 0; k < sizeof(glyphs) / sizeof(glyphs[0]); k++)
		if (!strcmp(c, glyphs[k].from))
			return glyphs[k].to;
	return NULL;
}

/* Splits a UTF-8 label into its characters (at most 63). */
static size_t split_chars(const char *label, char chars[][5])
{
	size_t n = 0, pos = 0, len = strlen(label);
	while (pos < len && n < 63) {
		uint32_t cp;
		size_t l = bs_utf8_next(label + pos, len - pos, &cp);
		if (!l || l > 4)
			break;
		memcpy(chars[n], label + pos, l);
		chars[n][l] = 0;
		n++;
		pos += l;
	}
	return n;
}

/* Homoglyph labels kept at most (a long label's two rounds grow as its length to the fourth),
 * and the longest label that gets the second round: brand names are short. */
#define HOMOGLYPH_MAX 200000
#define HOMOGLYPH_ROUND2_MAX 24

/* One round of look-alike characters, as dnstwist does it: in every window of the label
 * shorter than the label, every occurrence of one character replaced by one of its glyphs.
 * Such a window replaces a run of that character's occurrences, so the runs are made directly
 * (each once) rather than every window's string being built and most found again; only the run
 * from the label's first character to its last has no window. */
static void mix(const char chars[][5], size_t n, struct strset *out)
{
	struct bs_buf b = BS_BUF_INIT;
	const char *const *to[64];
	size_t id[64]; /* the first position holding the same character */

	for (size_t k = 0; k < n; k++) {
		to[k] = glyphs_of(chars[k]);
		id[k] = k;
		for (size_t j = 0; j < k; j++)
			if (!strcmp(chars[j], chars[k])) {
				id[k] = j;
				break;
			}
	}
	for (size_t c = 0; c < n; c++) {
		size_t pos[64], m = 0;
		if (id[c] != c || !to[c])
			continue;
		for (size_t k = c; k < n; k++)
			if (id[k] == c)
				pos[m++] = k;
		for (size_t t = 0; to[c][t]; t++)
			for (size_t x = 0; x < m; x++)
				for (size_t y = x; y < m; y++) {
					if (pos[x] == 0 && pos[y] == n - 1)
						continue;
					if (out->n >= HOMOGLYPH_MAX)
						goto done;
					bs_buf_clear(&b);
					for (size_t k = 0; k < n; k++)
						bs_buf_puts(&b, k >= pos[x] && k <= pos[y] && id[k] == c ? to[c][t] : chars[k]);
					strset_add(out, b.ptr);
				}
	}
done:
	bs_buf_release(&b);
}

static void gen_simple(struct gen *g)
{
	char buf[512], one[2] = { 0, 0 }, keys[64];
	size_t n = g->n;

	g->kind = "addition";
	for (const char *c = "abcdefghijklmnopqrstuvwxyz0123456789"; *c; c++) {
		one[0] = *c;
		build(g, NONE, NULL, n, one, buf, sizeof(buf));
		emit(g, buf);
		build(g, NONE, NULL, 0, one, buf, sizeof(buf));
		emit(g, buf);
	}
	g->kind = "bitsquatting";
	for (size_t i = 0; i < n; i++) {
		if (g->chars[i][1])
			continue;
		for (int b = 0; b < 8; b++) {
			char c = (char)(g->chars[i][0] ^ (1 << b));
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
				one[0] = c;
				build(g, i, one, NONE, NULL, buf, sizeof(buf));
				emit(g, buf);
			}
		}
	}
	g->kind = "cyrillic";
	{
		struct bs_buf b = BS_BUF_INIT;
		int changed = 0, all = 1;
		for (size_t i = 0; i < n; i++) {
			char c = g->chars[i][1] ? 0 : g->chars[i][0];
			if (c >= 'a' && c <= 'z' && cyrillic[c - 'a']) {
				bs_buf_puts(&b, cyrillic[c - 'a']);
				changed = 1;
			} else {
				bs_buf_puts(&b, g->chars[i]);
				all &= !(c >= 'a' && c <= 'z');
			}
		}
		if (changed)
			emit(g, b.ptr);
		(void)all;
		bs_buf_release(&b);
	}
	g->kind = "homoglyph";
	{ /* two rounds, the second over the first's labels */
		struct strset r1 = { NULL, 0, 0 }, r2 = { NULL, 0, 0 };
		char (*cs)[5] = bs_malloc(64 * sizeof(*cs));
		mix((const char (*)[5])g->chars, n, &r1);
		for (size_t k = 0; k < r1.cap && r2.n < HOMOGLYPH_MAX; k++)
			if (r1.v[k] && n <= HOMOGLYPH_ROUND2_MAX) {
				size_t m = split_chars(r1.v[k], cs);
				mix((const char (*)[5])cs, m, &r2);
			}
		for (size_t k = 0; k < r1.cap; k++)
			if (r1.v[k])
				emit(g, r1.v[k]);
		for (size_t k = 0; k < r2.cap; k++)
			if (r2.v[k])
				emit(g, r2.v[k]);
		free(cs);
		strset_release(&r1);
		strset_release(&r2);
	}
	{
		char label[256];
		build(g, NONE, NULL, NONE, NULL, label, sizeof(label));
		for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++)
			for (char *p = strstr(label, pairs[k][0]); p; p = strstr(p + 1, pairs[k][0])) {
				snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(p - label), label, pairs[k][1],
					 p + strlen(pairs[k][0]));
				emit(g, buf);
			}
	}
	g->kind = "hyphenation";
	for (size_t i = 1; i < n; i++) {
		build(g, NONE, NULL, i, "-", buf, sizeof(buf));
		emit(g, buf);
	}
	g->kind = "insertion";
	for (size_t i = 0; i < n; i++)
		for (const char *k = neighbours(g->chars[i], keys); *k; k++) {
			one[0] = *k;
			build(g, NONE, NULL, i, one, buf, sizeof(buf));
			emit(g, buf);
			build(g, NONE, NULL, i + 1, one, buf, sizeof(buf));
			emit(g, buf);
		}
	g->kind = "omission";
	for (size_t i = 0; i < n; i++) {
		build(g, i, NULL, NONE, NULL, buf, sizeof(buf));
		emit(g, buf);
	}
	g->kind = "repetition";
	for (size_t i = 0; i < n; i++) {
		build(g, NONE, NULL, i, g->chars[i], buf, sizeof(buf));
		emit(g, buf);
	}
	g->kind = "replacement";
	for (size_t i = 0; i < n; i++)
		for (const char *k = neighbours(g->chars[i], keys); *k; k++) {
			one[0] = *k;
			build(g, i, one, NONE, NULL, buf, sizeof(buf));
			emit(g, buf);
		}
	g->kind = "subdomain";
	for (size_t i = 1; i < n; i++)
		if (strcmp(g->chars[i], "-") && strcmp(g->chars[i - 1], "-")) {
			build(g, NONE, NULL, i, ".", buf, sizeof(buf));
			emit(g, buf);
		}
	g->kind = "transposition";
	for (size_t i = 0; i + 1 < n; i++)
		if (strcmp(g->chars[i], g->chars[i + 1])) {
			struct gen t = *g;
			memcpy(t.chars[i], g->chars[i + 1], sizeof(t.chars[i]));
			memcpy(t.chars[i + 1], g->chars[i], sizeof(t.chars[i]));
			build(&t, NONE, NULL, NONE, NULL, buf, sizeof(buf));
			emit(g, buf);
		}
	g->kind = "vowel-swap";
	for (size_t i = 0; i < n; i++)
		if (!g->chars[i][1] && strchr(vowels, g->chars[i][0]))
			for (const char *v = vowels; *v; v++)
				if (*v != g->chars[i][0]) {
					one[0] = *v;
					build(g, i, one, NONE, NULL, buf, sizeof(buf));
					emit(g, buf);
				}
}

static void gen_names(struct gen *g, const struct bs_lookalike_opts *o)
{
	const struct bs_domain *d = g->d;
	char buf[512], flat[256];
	const char *last = strrchr(d->suffix, '.');

	/* the suffix folded into the label: example.com.tw -> examplecom.tw, example-com.tw */
	g->kind = "various";
	snprintf(flat, sizeof(flat), "%s", d->suffix);
	for (char *p = flat; *p; p++)
		if (*p == '.')
			*p = '-';
	if (last) {
		snprintf(buf, sizeof(buf), "%s%.*s", d->label, (int)(last - d->suffix), d->suffix);
		emit_full(g, buf, last + 1);
		snprintf(buf, sizeof(buf), "%s-%.*s", d->label, (int)(last - d->suffix), d->suffix);
		emit_full(g, buf, last + 1);
		emit_full(g, d->label, last + 1);
	}
	snprintf(buf, sizeof(buf), "%s-%s", d->label, flat);
	emit_full(g, buf, "com");
	if (!last) { /* example.tw -> exampletw.tw */
		snprintf(buf, sizeof(buf), "%s%s", d->label, d->suffix);
		emit(g, buf);
	}
	for (const char *const *w = (const char *const[]){ "www", "www-", "m-", "login-", "secure-", NULL }; *w; w++) {
		snprintf(buf, sizeof(buf), "%s%s", *w, d->label);
		emit(g, buf);
	}
	g->kind = "dictionary";
	for (size_t i = 0; i < o->nwords; i++) {
		static const char *const joins[] = { "", "-" };
		for (size_t j = 0; j < 2; j++) {
			snprintf(buf, sizeof(buf), "%s%s%s", d->label, joins[j], o->words[i]);
			emit(g, buf);
			snprintf(buf, sizeof(buf), "%s%s%s", o->words[i], joins[j], d->label);
			emit(g, buf);
		}
	}
	g->kind = "tw-sld";
	for (size_t i = 0; tw_slds[i]; i++)
		emit_full(g, d->label, tw_slds[i]);
	g->kind = "tld-swap";
	for (size_t i = 0; tlds[i]; i++)
		emit_full(g, d->label, tlds[i]);
}

int bs_lookalike_gen(const struct bs_domain *d, const struct bs_lookalike_opts *o, struct bs_lookalike_set *out)
{
	static const struct bs_lookalike_opts none = { NULL, 0 };
	struct gen *g = bs_calloc(1, sizeof(*g));
	char *u = NULL;
	const char *label = d->label;

	g->d = d;
	g->out = out;
	/* an IDN label is permuted as people read it */
	if (!strncmp(d->label, "xn--", 4) && idn2_to_unicode_8z8z(d->label, &u, 0) == IDN2_OK)
		label = u;
	g->n = split_chars(label, g->chars);
	if (u)
		idn2_free(u);
	gen_simple(g);
	gen_names(g, o ? o : &none);
	free(g);
	return 0;
}
