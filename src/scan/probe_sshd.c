/* probe_sshd.c - the effective sshd configuration, read the way sshd reads it: the first
 * value of a keyword wins, Include (globs, relative to /etc/ssh) is read in place, and
 * keywords inside Match blocks apply only to some connections. Match blocks are judged
 * conservatively: each override becomes a fact of its own (subject "Match ..."), so a
 * check holds only when the global value and every override satisfy it. */
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

/* One line of read_conf's: trimmed, neither blank nor a comment. */
static void do_line(struct bs_probe_ctx *ctx, char *l, const char *path, int lineno, int depth, struct conf *c)
{
	char *k, *rest;
	int idx;

	k = l;
	rest = k + strcspn(k, " \t=");
	if (*rest) {
		*rest++ = '\0';
		while (*rest == ' ' || *rest == '\t' || *rest == '=')
			rest++;
	}
	rest = bs_text_trim(rest);
	if (!strcasecmp(k, "Include")) {
		char *save = NULL, *tok;
		if (depth >= MAX_DEPTH) {
			set_error(c, path, lineno, "Include nests deeper than 16 (an include loop?): fix the Include lines");
			return;
		}
		/* A Match block opened inside an included file ends with that file, as in sshd. */
		int outer = c->cur;
		for (tok = strtok_r(rest, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
			char pat[1024], **v;
			snprintf(pat, sizeof(pat), "%s%s", tok[0] == '/' ? "" : "/etc/ssh/", tok);
			size_t n = bs_probe_glob(ctx, pat, &v);
			for (size_t i = 0; i < n; i++) {
				read_conf(ctx, v[i], depth + 1, c);
				c->cur = outer;
			}
			bs_probe_strv_free(v, n);
		}
		return;
	}
	if (!strcasecmp(k, "Match")) {
		if (!*rest) {
			set_error(c, path, lineno, "Match without criteria: sshd refuses this configuration");
			return;
		}
		if (!strcasecmp(rest, "all")) {
			c->cur = 0;
			return;
		}
		if (c->nb == MAX_BLOCKS) {
			set_error(c, path, lineno, "more than 64 Match blocks: not judged");
			return;
		}
		struct bs_buf b = BS_BUF_INIT;
		bs_buf_printf(&b, "Match %s", rest);
		c->b[c->nb].match = bs_buf_detach(&b, NULL);
		c->cur = c->nb++;
		return;
	}
	if ((idx = key_index(k)) < 0)
		return;
	if (!*rest) {
		set_error(c, path, lineno, "keyword without a value: sshd refuses this configuration");
		return;
	}
	struct value *v = &c->b[c->cur].val[idx];
	if (v->v)
		return; /* first value wins */
	for (char *p = rest; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (*rest == '"') {
		rest++;
		char *q = strchr(rest, '"');
		if (q)
			*q = '\0';
	}
	v->v = bs_strdup(rest);
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

static void weak_ciphers(struct bs_probe_ctx *ctx, const struct value *v, const char *subject)
{
	char *copy = bs_strdup(v->v), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strstr(t, "cbc") || strstr(t, "arcfour") || strstr(t, "3des") || strstr(t, "md5") ||
		    strstr(t, "-96") || !strcmp(t, "none"))
			bs_fact_add(ctx, "sshd.weak_algorithm", subject, t, v->file, v->line);
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
		if (g->v)
			bs_fact_add(ctx, name, NULL, g->v, g->file, g->line);
		else
			bs_fact_add(ctx, name, NULL, keys[k].def, "(sshd default)", 0);
		if (g->v && (k == 7 || k == 8))
			weak_ciphers(ctx, g, NULL);
		for (int bi = 1; bi < c->nb; bi++) {
			const struct value *m = &c->b[bi].val[k];
			if (!m->v)
				continue;
			bs_fact_add(ctx, name, c->b[bi].match, m->v, m->file, m->line);
			if (k == 7 || k == 8)
				weak_ciphers(ctx, m, c->b[bi].match);
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
