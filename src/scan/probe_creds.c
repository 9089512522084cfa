/* probe_creds.c - credentials stored in clear text in configuration: .netrc, .pgpass,
 * MySQL option files, URLs and DSNs with a password (ftp://user:pw@host,
 * postgres://..., mysql://...), password assignments in application configuration (keys
 * whose last word is password, passwd, pwd, pass, secret or passphrase: `db_pass = x`,
 * PHP's `$cfg['Servers'][$i]['password'] = 'x'`, YAML's `password: x`) and in the shell
 * variables of /etc/default/NAME, and passwords on command lines in cron files (`mysqldump
 * -pX`, `--password=X`, `curl -u user:X`, `sshpass -p X`).
 * Not secrets: empty values, null/none/nil/~/true/false, references (`${VAR}`, `$VAR`,
 * `%(name)s`, `{{ var }}`, getenv(...)), Ansible `!vault` values, absolute paths (the file a
 * secret is kept in), and keys that only contain such a word (`bypass`, `compass`,
 * `passwd_file`, `--password-file`).
 * Facts name the file, the line and the kind, never the secret. */
#include <ctype.h>
#include <regex.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "scan/probe.h"

static const struct { const char *dir; int depth; } starts[] = {
	{ "/etc", 4 }, { "/home", 5 }, { "/root", 4 }, { "/srv", 6 }, { "/var/www", 8 }, { "/opt", 6 },
	{ "/usr/local/etc", 4 }, { "/var/spool/cron", 3 }, { NULL, 0 },
};

static int placeholder(const char *v);

struct st {
	regex_t url, assign_eq, assign_colon, define;
	regex_t cmd_mysql, cmd_opt, cmd_curl, cmd_sshpass;
};

/* A cron line's command passing a password: its kind, or NULL (group: the pattern's
 * subexpression that holds the password, which must not be a placeholder). */
static const char *command_password(struct st *s, const char *t)
{
	static const struct { size_t off, group; const char *kind; } k[] = {
		{ offsetof(struct st, cmd_mysql), 2, "password on a mysql command line (-pPASSWORD)" },
		{ offsetof(struct st, cmd_opt), 2, "password on a command line (--password=)" },
		{ offsetof(struct st, cmd_curl), 3, "password on a curl/wget command line (-u user:password)" },
		{ offsetof(struct st, cmd_sshpass), 1, "password on an sshpass command line (-p)" },
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		regmatch_t m[4];
		const regex_t *re = (const regex_t *)((const char *)s + k[i].off);
		if (regexec(re, t, 4, m, 0) == 0 && m[k[i].group].rm_so >= 0 && !placeholder(t + m[k[i].group].rm_so))
			return k[i].kind;
	}
	return NULL;
}

/* cron runs these files' lines as commands: /etc/crontab, /etc/cron.d, users' crontabs, and
 * the scripts of /etc/cron.{hourly,daily,weekly,monthly} */
static int cron_file(const char *path)
{
	return !strcmp(path, "/etc/crontab") || !strncmp(path, "/etc/cron.", 10) ||
	       !strncmp(path, "/var/spool/cron/", 16);
}

static int placeholder(const char *v)
{
	/* ${VAR}, %(name)s, <password>, *, empty quotes, environment lookups, Ansible's !vault and
	 * the words for "nothing" are not secrets */
	static const char *const none[] = { "null", "none", "nil", "~", "true", "false", "yes", "no", "undef",
					    "undefined", NULL };
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '"' || *v == '\'') {
		char q = *v++;
		if (*v == q)
			return 1; /* '' or "" */
	}
	if (!*v || strchr("$%<*{!,;=", *v) || !strncasecmp(v, "getenv", 6) || !strncasecmp(v, "env(", 4) ||
	    !strncasecmp(v, "os.environ", 10) || !strncasecmp(v, "process.env", 11) || !strncasecmp(v, "env[", 4))
		return 1;
	/* a file the secret is kept in (HTPASSWD=/etc/nginx/.htpasswd), not the secret */
	if (v[0] == '/' && strchr(v + 1, '/'))
		return 1;
	size_t w = strcspn(v, " \t\"',;)]");
	for (int i = 0; none[i]; i++)
		if (strlen(none[i]) == w && !strncasecmp(v, none[i], w))
			return 1;
	return 0;
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
	int cron = cron_file(path);
	/* /etc/default/NAME: shell variables a service's start reads (DB_PASSWORD=...) */
	int cfg = config_like(base) || !strncmp(path, "/etc/default/", 13) || cron;

	while ((l = bs_text_line(b, &pos, &lineno))) {
		char *t = bs_text_trim(l);
		regmatch_t m[6];
		int hit = 0;
		/* comments; in cron's files only '#' (a line may start with * or * / 5) */
		if (!*t || *t == '#' || (!cron && (*t == ';' || !strncmp(t, "//", 2) || *t == '*')))
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
		const char *kind = cron ? command_password(s, t) : NULL;
		if (kind) {
			bs_fact_add(ctx, "creds.cleartext", path, kind, path, lineno);
			continue;
		}
		if (regexec(&s->assign_eq, t, 6, m, 0) == 0)
			hit = m[5].rm_so >= 0 && !placeholder(t + m[5].rm_so);
		else if (colon_ok && regexec(&s->assign_colon, t, 6, m, 0) == 0)
			hit = m[4].rm_so >= 0 && !placeholder(t + m[4].rm_so);
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
	/* Only files that configure something, and cron's: reading every file under /home would
	 * make the scan as slow as the tree is large. NEEDSWORK: credentials in scripts outside
	 * cron's directories are not looked for. */
	if (!config_like(base) && strcmp(base, ".netrc") && strcmp(base, "_netrc") && strcmp(base, ".pgpass") &&
	    strcmp(base, ".git-credentials") && strcmp(base, ".my.cnf") && strncmp(path, "/etc/", 5) && !cron_file(path))
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
	/* a key whose last word (after _ . -) is the password word; PHP's ['password'] too */
	ok &= regcomp(&s.assign_eq,
		      "(^|[^a-z0-9])([a-z0-9]+[_.-])*(password|passwd|pwd|pass|secret|passphrase)[\"']?\\]?[ \t]*(=>?|:=)[ \t]*(.*)$",
		      REG_EXTENDED | REG_ICASE) == 0;
	ok &= regcomp(&s.assign_colon,
		      "(^|[^a-z0-9])([a-z0-9]+[_.-])*(password|passwd|pwd|secret|passphrase)[\"']?[ \t]*:[ \t]*(.*)$",
		      REG_EXTENDED | REG_ICASE) == 0;
	/* mysql -pSECRET (no blank: `-p` alone asks), any --password=SECRET, curl/wget -u user:SECRET,
	 * sshpass -p SECRET */
	ok &= regcomp(&s.cmd_mysql,
		      "(mysql|mysqldump|mysqladmin|mysqlcheck|mysqlimport|mariadb|mariadb-dump|mariadb-admin)"
		      "[ \t][^;|&]*[ \t]-p([^ \t;|&]+)",
		      REG_EXTENDED) == 0;
	ok &= regcomp(&s.cmd_opt, "[ \t]--(password|passwd|pass|http-password|ftp-password)=([^ \t;|&]+)", REG_EXTENDED) == 0;
	ok &= regcomp(&s.cmd_curl, "(curl|wget)[ \t][^;|&]*[ \t](-u|--user)[ \t=]*[\"']?[^ \t:\"'$]+:([^ \t@\"']+)",
		      REG_EXTENDED) == 0;
	ok &= regcomp(&s.cmd_sshpass, "sshpass[ \t]+-p[ \t]*([^ \t;|&]+)", REG_EXTENDED) == 0;
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
	regfree(&s.cmd_mysql);
	regfree(&s.cmd_opt);
	regfree(&s.cmd_curl);
	regfree(&s.cmd_sshpass);
	return 0;
}

const struct bs_probe bs_probe_creds = { "creds", 0, run };
