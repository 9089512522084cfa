/* probe_sshd.c - the effective sshd configuration, read the way sshd reads it: the first
 * value of a keyword wins, Include (globs, relative to /etc/ssh) is read in place, and
 * keywords inside Match blocks apply only to some connections. Match blocks are judged
 * conservatively: each override becomes a fact of its own (subject "Match ..."), so a
 * check holds only when the global value and every override satisfy it. Words are split as
 * sshd splits them (quotes; a word starting with '#' ends the line, so `PermitRootLogin no
 * # CIS` is "no"); a keyword given more values than it takes, or one sshd allows only
 * outside Match blocks set inside one, is an error (sshd would not start). Ciphers and MACs
 * are the lists in effect: "-x" removes from, "+x" appends to and "^x" prepends to the
 * default list, with patterns, as `sshd -T` prints them. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/probe.h"

#define MAX_DEPTH 16
#define MAX_BLOCKS 64

static const struct { const char *key, *def; } keys[] = {
	{ "permitrootlogin", "prohibit-password" }, { "passwordauthentication", "yes" },
	{ "permitemptypasswords", "no" }, { "kbdinteractiveauthentication", "yes" }, { "maxauthtries", "6" },
	{ "x11forwarding", "no" }, { "protocol", "2" }, { "ciphers", "default" }, { "macs", "default" },
	{ "clientaliveinterval", "0" }, { "clientalivecountmax", "3" }, { "logingracetime", "120" },
	{ "usepam", "no" }, { "loglevel", "info" }, { "hostbasedauthentication", "no" }, { "ignorerhosts", "yes" },
	{ "permituserenvironment", "no" }, { "allowusers", "unset" }, { "allowgroups", "unset" },
	{ "maxsessions", "10" }, { "maxstartups", "10:30:100" },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct value {
	char *v;
	char *file;
	int line;
};

struct block {
	char *match;              /* NULL: the global section */
	struct value val[NKEYS];
};

struct conf {
	struct block b[MAX_BLOCKS];
	int nb;
	int cur;                  /* the block lines go to */
	char *error;
};

static int key_index(const char *k)
{
	if (!strcasecmp(k, "challengeresponseauthentication"))
		k = "kbdinteractiveauthentication";
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcasecmp(k, keys[i].key))
			return (int)i;
	return -1;
}

static void set_error(struct conf *c, const char *file, int line, const char *msg)
{
	if (c->error)
		return;
	struct bs_buf b = BS_BUF_INIT;
	bs_buf_printf(&b, "%s:%d: %s", file, line, msg);
	c->error = bs_buf_detach(&b, NULL);
}

static void read_conf(struct bs_probe_ctx *ctx, const char *path, int depth, struct conf *c);

/* Keywords sshd refuses inside a Match block (servconf.c: SSHCFG_GLOBAL): a configuration
 * that sets one there does not start. */
static int global_only(const char *k)
{
	static const char *const g[] = { "ciphers", "macs", "protocol", "logingracetime", "usepam",
					 "permituserenvironment", "maxstartups", NULL };
	for (int i = 0; g[i]; i++)
		if (!strcasecmp(k, g[i]))
			return 1;
	return 0;
}

/* Keywords that take several words (the rest of the line); the others take exactly one. */
static int many_words(const char *k)
{
	return !strcasecmp(k, "allowusers") || !strcasecmp(k, "allowgroups");
}

/* Splits s into words in place the way sshd does (misc.c argv_split with comments on): blanks
 * separate words, "..." and '...' quote, a backslash escapes a quote, a backslash or (outside
 * quotes) a space, and a word that starts with '#' ends the line (`PermitRootLogin no # CIS`
 * is "no"; `no#CIS` is one word). Returns the number of words (the first max stored in w),
 * or -1 for a quote left open. */
static int split_words(char *s, char **w, int max)
{
	int n = 0;
	char *out = s;

	while (*s) {
		if (*s == ' ' || *s == '\t') {
			s++;
			continue;
		}
		if (*s == '#')
			break;
		char *start = out, quote = 0;
		for (; *s; s++) {
			if (*s == '\\' && (s[1] == '\'' || s[1] == '"' || s[1] == '\\' || (!quote && s[1] == ' '))) {
				*out++ = *++s;
			} else if (!quote && (*s == ' ' || *s == '\t')) {
				break;
			} else if (!quote && (*s == '"' || *s == '\'')) {
				quote = *s;
			} else if (quote && *s == quote) {
				quote = 0;
			} else {
				*out++ = *s;
			}
		}
		if (quote)
			return -1;
		if (*s)
			s++;
		*out++ = '\0';
		if (n < max)
			w[n] = start;
		n++;
	}
	return n;
}

/* One line of read_conf's: trimmed, neither blank nor a comment. */
static void do_line(struct bs_probe_ctx *ctx, char *l, const char *path, int lineno, int depth, struct conf *c)
{
	char *k, *rest, *w[64], msg[256];
	int idx, nw;

	/* the keyword ends at a blank or one '=' (misc.c strdelim) */
	k = l;
	rest = k + strcspn(k, " \t=");
	if (*rest) {
		int eq = *rest == '=';
		*rest++ = '\0';
		while (*rest == ' ' || *rest == '\t' || (!eq && *rest == '=' && (eq = 1)))
			rest++;
	}
	nw = split_words(rest, w, 64);
	if (nw < 0) {
		set_error(c, path, lineno, "a quote is not closed: sshd refuses this configuration");
		return;
	}
	if (nw > 64) {
		set_error(c, path, lineno, "more than 64 words on one line: not judged");
		return;
	}
	if (!strcasecmp(k, "Include")) {
		if (depth >= MAX_DEPTH) {
			set_error(c, path, lineno, "Include nests deeper than 16 (an include loop?): fix the Include lines");
			return;
		}
		/* A Match block opened inside an included file ends with that file, as in sshd. */
		int outer = c->cur;
		for (int i = 0; i < nw; i++) {
			char pat[1024], **v;
			snprintf(pat, sizeof(pat), "%s%s", w[i][0] == '/' ? "" : "/etc/ssh/", w[i]);
			size_t n = bs_probe_glob(ctx, pat, &v);
			for (size_t j = 0; j < n; j++) {
				read_conf(ctx, v[j], depth + 1, c);
				c->cur = outer;
			}
			bs_probe_strv_free(v, n);
		}
		return;
	}
	if (!strcasecmp(k, "Match")) {
		if (!nw) {
			set_error(c, path, lineno, "Match without criteria: sshd refuses this configuration");
			return;
		}
		if (nw == 1 && !strcasecmp(w[0], "all")) {
			c->cur = 0;
			return;
		}
		if (c->nb == MAX_BLOCKS) {
			set_error(c, path, lineno, "more than 64 Match blocks: not judged");
			return;
		}
		struct bs_buf b = BS_BUF_INIT;
		bs_buf_puts(&b, "Match");
		for (int i = 0; i < nw; i++)
			bs_buf_printf(&b, " %s", w[i]);
		c->b[c->nb].match = bs_buf_detach(&b, NULL);
		c->cur = c->nb++;
		return;
	}
	if ((idx = key_index(k)) < 0)
		return;
	if (!nw) {
		set_error(c, path, lineno, "keyword without a value: sshd refuses this configuration");
		return;
	}
	if (nw > 1 && !many_words(k)) {
		snprintf(msg, sizeof(msg), "%s has more than one value: sshd refuses this configuration", k);
		set_error(c, path, lineno, msg);
		return;
	}
	if (c->cur && global_only(k)) {
		snprintf(msg, sizeof(msg), "%s is not allowed within a Match block: sshd refuses this configuration", k);
		set_error(c, path, lineno, msg);
		return;
	}
	struct value *v = &c->b[c->cur].val[idx];
	if (v->v)
		return; /* first value wins */
	struct bs_buf b = BS_BUF_INIT;
	for (int i = 0; i < nw; i++)
		bs_buf_printf(&b, "%s%s", i ? " " : "", w[i]);
	v->v = bs_buf_detach(&b, NULL);
	for (char *p = v->v; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	v->file = bs_strdup(path);
	v->line = lineno;
}

static void read_conf(struct bs_probe_ctx *ctx, const char *path, int depth, struct conf *c)
{
	struct bs_probe_conf f;
	char *l;

	/* sshd_config(5): a line starting with '#' is a comment, a '#' further on is not */
	if (bs_probe_conf_open(&f, ctx, path, BS_CONF_HASH_LINE) < 0) {
		if (!c->error)
			c->error = bs_strdup(bs_error_message());
		return;
	}
	while ((l = bs_probe_conf_next(&f)))
		do_line(ctx, l, path, f.line, depth, c);
	bs_probe_conf_release(&f);
}

/* Ciphers and MACs: sshd's lists of Debian bookworm's OpenSSH 9.2 (`ssh -Q cipher`, `ssh -Q
 * mac`; `sshd -T` with neither set), with the algorithms older releases still accept after
 * them, so an old host's explicit list is judged as written. */
static const char *const cipher_all =
	"3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
	"aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,"
	"arcfour,arcfour128,arcfour256,blowfish-cbc,cast128-cbc,rijndael-cbc@lysator.liu.se,none";
static const char *const cipher_def =
	"chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com";
static const char *const mac_all =
	"hmac-sha1,hmac-sha1-96,hmac-sha2-256,hmac-sha2-512,hmac-md5,hmac-md5-96,umac-64@openssh.com,"
	"umac-128@openssh.com,hmac-sha1-etm@openssh.com,hmac-sha1-96-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
	"hmac-sha2-512-etm@openssh.com,hmac-md5-etm@openssh.com,hmac-md5-96-etm@openssh.com,umac-64-etm@openssh.com,"
	"umac-128-etm@openssh.com,hmac-ripemd160,hmac-ripemd160@openssh.com,hmac-ripemd160-etm@openssh.com";
static const char *const mac_def =
	"umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
	"hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1";

/* OpenSSH's match_pattern: '*' any run, '?' one character. Iterative, going back only to
 * the last '*' (linear, whatever a configuration's pattern holds). */
static int wild(const char *s, const char *p)
{
	const char *star = NULL, *resume = NULL;
	while (*s) {
		if (*p == '*') {
			star = ++p;
			resume = s;
		} else if (*p && (*p == '?' || *p == *s)) {
			p++, s++;
		} else if (star) {
			p = star;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* OpenSSH's match_pattern_list: the last pattern that matches decides, a negated one ("!x")
 * refuses. */
static int in_patterns(const char *name, const char *list)
{
	char *copy = bs_strdup(list), *save = NULL;
	int r = 0;
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int neg = *p == '!';
		if (wild(name, p + neg)) {
			if (neg) {
				r = 0;
				break;
			}
			r = 1;
		}
	}
	free(copy);
	return r;
}

static void cat_name(struct bs_buf *b, const char *name)
{
	/* kex_names_cat: a name already in the list is not added again */
	size_t n = strlen(name);
	for (const char *p = b->len ? b->ptr : ""; *p;) {
		size_t l = strcspn(p, ",");
		if (l == n && !strncmp(p, name, n))
			return;
		p += l + (p[l] == ',');
	}
	bs_buf_printf(b, "%s%s", b->len ? "," : "", name);
}

/* Names of list that match pattern, in list's order, appended to b. */
static void cat_matching(struct bs_buf *b, const char *list, const char *pattern, int neg_ok)
{
	char *copy = bs_strdup(list), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (neg_ok ? !in_patterns(t, pattern) : in_patterns(t, pattern))
			cat_name(b, t);
	free(copy);
}

/* The list sshd uses for a Ciphers or MACs value (kex.c kex_assemble_names): "-list" removes
 * what matches from the default list, "+list" appends to it, "^list" puts in front of it, any
 * other value replaces it; each name may be a pattern. An explicit name this table does not
 * know is kept as written (an older sshd may know it). Owned. */
static char *assemble(const char *val, const char *def, const char *all)
{
	struct bs_buf b = BS_BUF_INIT, in = BS_BUF_INIT;

	if (!*val)
		return bs_strdup(def);
	if (*val == '-') {
		cat_matching(&b, def, val + 1, 1);
		return bs_buf_detach(&b, NULL);
	}
	if (*val == '+')
		bs_buf_printf(&in, "%s,%s", def, val + 1);
	else if (*val == '^')
		bs_buf_printf(&in, "%s,%s", val + 1, def);
	else
		bs_buf_puts(&in, val);
	char *save = NULL;
	for (char *t = strtok_r(in.ptr, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strchr(t, '*') || strchr(t, '?'))
			cat_matching(&b, all, t, 0);
		else
			cat_name(&b, t);
	}
	bs_buf_release(&in);
	if (!b.len)
		return bs_strdup("");
	return bs_buf_detach(&b, NULL);
}

static void weak_ciphers(struct bs_probe_ctx *ctx, const char *list, const char *file, int line, const char *subject)
{
	char *copy = bs_strdup(list), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strstr(t, "cbc") || strstr(t, "arcfour") || strstr(t, "3des") || strstr(t, "md5") ||
		    strstr(t, "-96") || !strcmp(t, "none"))
			bs_fact_add(ctx, "sshd.weak_algorithm", subject, t, file, line);
	}
	free(copy);
}

static int run(struct bs_probe_ctx *ctx)
{
	struct conf *c;
	int err = 0;

	struct stat st;

	/* only a file that is not there means no sshd: one that is there but cannot be read (a
	 * link loop, a link to nothing, no permission) is read below and is an error */
	if (bs_probe_lstat(ctx, "/etc/ssh/sshd_config", &st) < 0 && (errno == ENOENT || errno == ENOTDIR))
		return bs_probe_na(ctx, "未安裝 sshd（沒有 /etc/ssh/sshd_config）", "sshd is not installed (no /etc/ssh/sshd_config)");
	c = bs_calloc(1, sizeof(*c));
	c->nb = 1;
	read_conf(ctx, "/etc/ssh/sshd_config", 0, c);
	if (c->error) {
		err = bs_probe_fail(ctx, "%s", c->error);
		goto done;
	}
	for (size_t k = 0; k < NKEYS; k++) {
		char name[64];
		const struct value *g = &c->b[0].val[k];
		snprintf(name, sizeof(name), "sshd.%s", keys[k].key);
		int ciphers = !strcmp(keys[k].key, "ciphers");
		if (ciphers || !strcmp(keys[k].key, "macs")) {
			/* the list in effect, as `sshd -T` prints it (never set in a Match block) */
			char *list = assemble(g->v ? g->v : "", ciphers ? cipher_def : mac_def, ciphers ? cipher_all : mac_all);
			const char *file = g->v ? g->file : "(sshd default)";
			bs_fact_add(ctx, name, NULL, list, file, g->v ? g->line : 0);
			weak_ciphers(ctx, list, file, g->v ? g->line : 0, NULL);
			free(list);
			continue;
		}
		if (g->v)
			bs_fact_add(ctx, name, NULL, g->v, g->file, g->line);
		else
			bs_fact_add(ctx, name, NULL, keys[k].def, "(sshd default)", 0);
		for (int bi = 1; bi < c->nb; bi++) {
			const struct value *m = &c->b[bi].val[k];
			if (m->v)
				bs_fact_add(ctx, name, c->b[bi].match, m->v, m->file, m->line);
		}
	}
done:
	for (int bi = 0; bi < c->nb; bi++) {
		free(c->b[bi].match);
		for (size_t k = 0; k < NKEYS; k++) {
			free(c->b[bi].val[k].v);
			free(c->b[bi].val[k].file);
		}
	}
	free(c->error);
	free(c);
	return err;
}

const struct bs_probe bs_probe_sshd = { "sshd", 0, run };
