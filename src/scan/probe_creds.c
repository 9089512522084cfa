/* probe_creds.c - credentials stored in clear text in configuration: .netrc, .pgpass,
 * MySQL option files, URLs and DSNs with a password (ftp://user:pw@host,
 * postgres://..., mysql://...), and password assignments in application configuration.
 * Facts name the file, the line and the kind, never the secret. */
#include <ctype.h>
#include <regex.h>
#include <string.h>
#include <strings.h>

#include "scan/probe.h"

static const struct { const char *dir; int depth; } starts[] = {
	{ "/etc", 4 }, { "/home", 5 }, { "/root", 4 }, { "/srv", 6 }, { "/var/www", 8 }, { "/opt", 6 },
	{ "/usr/local/etc", 4 }, { NULL, 0 },
};

struct st {
	regex_t url, assign_eq, assign_colon, define;
};

static int placeholder(const char *v)
{
	/* ${VAR}, %(name)s, <password>, *, empty quotes and environment lookups are not secrets */
	while (*v == '"' || *v == '\'' || *v == ' ')
		v++;
	return !*v || *v == '$' || *v == '%' || *v == '<' || *v == '*' || *v == '{' || *v == '"' || *v == '\'' ||
	       !strncasecmp(v, "getenv", 6) || !strncasecmp(v, "env(", 4) || !strncasecmp(v, "os.environ", 10);
}

static const char *ext_of(const char *base)
{
	const char *dot = strrchr(base, '.');
	return dot ? dot : "";
}

static int config_like(const char *base)
{
	static const char *const exts[] = { ".conf", ".cfg", ".cnf", ".ini", ".env", ".php", ".properties", ".yml",
					    ".yaml", ".json", ".xml", ".toml", ".py", ".rb", ".js", NULL };
	const char *e = ext_of(base);
	if (!strcmp(base, ".env") || !strcmp(base, "odbc.ini") || !strncmp(base, ".env.", 5))
		return 1;
	for (int i = 0; exts[i]; i++)
		if (!strcasecmp(e, exts[i]))
			return 1;
	return 0;
}

static void scan_text(struct bs_probe_ctx *ctx, struct st *s, const char *path, const char *base, struct bs_buf *b)
{
	size_t pos = 0;
	int lineno = 0;
	char *l;
	int netrc = !strcmp(base, ".netrc") || !strcmp(base, "_netrc");
	int pgpass = !strcmp(base, ".pgpass");
	const char *e = ext_of(base);
	int colon_ok = !strcasecmp(e, ".yml") || !strcasecmp(e, ".yaml") || !strcasecmp(e, ".json");
	int cfg = config_like(base);

	while ((l = bs_text_line(b, &pos, &lineno))) {
		char *t = bs_text_trim(l);
		regmatch_t m[4];
		int hit = 0;
		if (!*t || *t == '#' || *t == ';' || !strncmp(t, "//", 2) || *t == '*')
			continue;
		if (netrc) {
			char *p = strstr(t, "password");
			if (p && (p == t || isspace((unsigned char)p[-1])) && isspace((unsigned char)p[8]))
				bs_fact_add(ctx, "creds.cleartext", path, ".netrc password", path, lineno);
			continue;
		}
		if (pgpass) {
			int colons = 0;
			const char *last = t;
			for (const char *p = t; *p; p++)
				if (*p == ':' && (p == t || p[-1] != '\\')) {
					colons++;
					last = p + 1;
				}
			if (colons >= 4 && *last)
				bs_fact_add(ctx, "creds.cleartext", path, ".pgpass password", path, lineno);
			continue;
		}
		if (regexec(&s->url, t, 0, NULL, 0) == 0) {
			bs_fact_add(ctx, "creds.cleartext", path, "URL or DSN with a password (scheme://user:password@host)",
				    path, lineno);
			continue;
		}
		if (!cfg)
			continue;
		if (regexec(&s->assign_eq, t, 4, m, 0) == 0 || (colon_ok && regexec(&s->assign_colon, t, 4, m, 0) == 0))
			hit = m[3].rm_so >= 0 && !placeholder(t + m[3].rm_so);
		else if (regexec(&s->define, t, 2, m, 0) == 0)
			hit = m[1].rm_so >= 0 && !placeholder(t + m[1].rm_so);
		if (hit)
			bs_fact_add(ctx, "creds.cleartext", path, "password assignment in configuration", path, lineno);
	}
}

static int cb(struct bs_probe_ctx *ctx, const char *path, const struct stat *sb, void *arg)
{
	struct st *s = arg;
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (S_ISDIR(sb->st_mode))
		return !strcmp(path, "/etc/ssl") || !strcmp(base, ".git") || !strcmp(base, "node_modules");
	if (!S_ISREG(sb->st_mode) || sb->st_size > (256 << 10) || sb->st_size == 0)
		return 0;
	/* Only files that configure something: reading every file under /home would make the
	 * scan as slow as the tree is large. NEEDSWORK: credentials in files with other names
	 * (scripts, crontabs) are not looked for. */
	if (!config_like(base) && strcmp(base, ".netrc") && strcmp(base, "_netrc") && strcmp(base, ".pgpass") &&
	    strcmp(base, ".git-credentials") && strcmp(base, ".my.cnf") && strncmp(path, "/etc/", 5))
		return 0;
	if (!strcmp(path, "/etc/shadow") || !strcmp(path, "/etc/gshadow") || !strcmp(path, "/etc/shadow-") ||
	    !strcmp(path, "/etc/gshadow-") || !strcmp(path, "/etc/passwd") || !strcmp(path, "/etc/passwd-"))
		return 0;
	struct bs_buf b = BS_BUF_INIT;
	int r = bs_probe_read(ctx, path, &b);
	if (r == 0 && !memchr(b.ptr, '\0', b.len < 4096 ? b.len : 4096) && !strstr(b.ptr, "PRIVATE KEY-----"))
		scan_text(ctx, s, path, base, &b);
	/* a file it may not read could hold a credential: the check cannot pass (binary and
	 * over-large files are not configuration: skipped) */
	if (r == BS_EDENIED)
		bs_probe_read_error(ctx, r);
	bs_error_clear();
	bs_buf_release(&b);
	return 0;
}

static int run(struct bs_probe_ctx *ctx)
{
	struct st s;
	int ok = regcomp(&s.url, "[a-z][a-z0-9+.-]*://[^/:@ \t\"']+:[^@/ \t\"']+@[a-z0-9._-]+", REG_EXTENDED | REG_ICASE) == 0;
	ok &= regcomp(&s.assign_eq,
		      "(^|[^a-z0-9_])[$]?[a-z0-9_]*(password|passwd|pwd|pass|secret)[\"']?[ \t]*=>?[ \t]*(.+)$",
		      REG_EXTENDED | REG_ICASE) == 0;
	ok &= regcomp(&s.assign_colon, "(^|[^a-z0-9_])[\"']?[a-z0-9_]*(password|passwd|pwd|secret)[\"']?[ \t]*:[ \t]*(.+)$",
		      REG_EXTENDED | REG_ICASE) == 0;
	ok &= regcomp(&s.define, "define[ \t]*\\([ \t]*['\"][a-z_]*pass[a-z_]*['\"][ \t]*,[ \t]*(.+)\\)",
		      REG_EXTENDED | REG_ICASE) == 0;
	if (!ok)
		return bs_probe_fail(ctx, "a credential pattern does not compile (a bug)");
	for (int i = 0; starts[i].dir; i++)
		bs_probe_walk(ctx, starts[i].dir, starts[i].depth, cb, &s);
	regfree(&s.url);
	regfree(&s.assign_eq);
	regfree(&s.assign_colon);
	regfree(&s.define);
	return 0;
}

const struct bs_probe bs_probe_creds = { "creds", 0, run };
