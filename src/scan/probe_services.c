/* probe_services.c - network services that take logins or files in clear text, by their
 * configuration (issue 14, item 11): anonymous and anonymously writable FTP (vsftpd,
 * ProFTPD <Anonymous> blocks), FTP logins without TLS, and telnet, rsh/rlogin/rexec, tftp,
 * plain ftp, POP3 and IMAP started by inetd (inetd.conf, inetd.d), xinetd (xinetd.d) or
 * a systemd unit. A server counts when it can start: its program is installed and, where
 * its systemd unit is installed, the unit is enabled; a configuration left behind by a
 * removed package, a line commented out (`#<off>#` from update-inetd), an xinetd service
 * with `disable = yes` or a file xinetd skips (a name with a dot or ending in ~) does not.
 * Facts: services.ftp_server (an FTP server that starts: the FTP checks apply),
 * services.ftp_anonymous, services.ftp_anonymous_write, services.cleartext. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/probe.h"

/* Whether a server can start: its program is there and its unit (when installed) is enabled. */
static int can_start(struct bs_probe_ctx *ctx, const char *program, const char *unit)
{
	char path[256];
	if (!bs_probe_exists(ctx, program))
		return 0;
	if (!unit || bs_probe_unit_enabled(ctx, unit, NULL))
		return 1;
	snprintf(path, sizeof(path), "/lib/systemd/system/%s", unit);
	if (bs_probe_exists(ctx, path))
		return 0;
	snprintf(path, sizeof(path), "/usr/lib/systemd/system/%s", unit);
	if (bs_probe_exists(ctx, path))
		return 0;
	snprintf(path, sizeof(path), "/etc/systemd/system/%s", unit);
	return !bs_probe_exists(ctx, path); /* no unit at all: a host without systemd */
}

/* vsftpd's booleans: YES/TRUE/1 (any case) */
static int yes(const char *v)
{
	return !strcasecmp(v, "YES") || !strcasecmp(v, "TRUE") || !strcmp(v, "1");
}

struct vopt {
	const char *key;
	int def;        /* vsftpd's built-in default (tunables.c) */
	int val, line;  /* line 0: not set */
};

static void vsftpd(struct bs_probe_ctx *ctx, const char *path)
{
	struct vopt o[] = { { "anonymous_enable", 1, 0, 0 }, { "write_enable", 0, 0, 0 },
			    { "anon_upload_enable", 0, 0, 0 }, { "anon_mkdir_write_enable", 0, 0, 0 },
			    { "anon_other_write_enable", 0, 0, 0 }, { "local_enable", 0, 0, 0 },
			    { "ssl_enable", 0, 0, 0 }, { "force_local_logins_ssl", 1, 0, 0 } };
	enum { ANON, WRITE, UPLOAD, MKDIR, OTHER, LOCAL, SSL, FORCE_SSL, NOPT };
	struct bs_probe_conf c;
	char *l;
	int r;

	if ((r = bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH_LINE)) < 0) {
		bs_probe_read_error(ctx, r);
		return;
	}
	for (int i = 0; i < NOPT; i++)
		o[i].val = o[i].def;
	while ((l = bs_probe_conf_next(&c))) {
		char *eq = strchr(l, '=');
		if (!eq)
			continue;
		*eq = '\0';
		for (int i = 0; i < NOPT; i++)
			if (!strcmp(l, o[i].key)) {
				o[i].val = yes(bs_text_trim(eq + 1));
				o[i].line = c.line;
			}
	}
	bs_probe_conf_release(&c);
	if (o[ANON].val) {
		if (o[ANON].line)
			bs_fact_add(ctx, "services.ftp_anonymous", "vsftpd", "anonymous_enable=YES", path, o[ANON].line);
		else
			bs_fact_add(ctx, "services.ftp_anonymous", "vsftpd", "anonymous_enable not set (vsftpd's default is YES)",
				    path, 0);
		int w = o[UPLOAD].val ? UPLOAD : o[MKDIR].val ? MKDIR : o[OTHER].val ? OTHER : -1;
		if (o[WRITE].val && w >= 0)
			bs_fact_addf(ctx, "services.ftp_anonymous_write", "vsftpd", path, o[w].line,
				     "write_enable=YES and %s=YES: anonymous users may write", o[w].key);
	}
	if (o[LOCAL].val && !(o[SSL].val && o[FORCE_SSL].val))
		bs_fact_addf(ctx, "services.cleartext", "vsftpd (ftp)", path, o[LOCAL].line,
			     "local_enable=YES with %s: passwords cross the network in clear text",
			     o[SSL].val ? "force_local_logins_ssl=NO" : "ssl_enable=NO");
}

/* ProFTPD: the configuration and its Include's (a file, a directory, a pattern). */
struct pro {
	int depth;
	int anon, anon_line, in_limit, limit_write, limit_denied, limit_allowed;
	int anon_write, anon_denied_write;
	char *anon_file;
	int tls_engine, tls_required;
};

static void pro_end_anon(struct bs_probe_ctx *ctx, struct pro *p)
{
	if (p->anon_write || !p->anon_denied_write)
		bs_fact_add(ctx, "services.ftp_anonymous_write", "proftpd",
			    p->anon_write ? "<Anonymous> with <Limit WRITE/STOR> AllowAll: anonymous users may write"
					  : "<Anonymous> without <Limit WRITE> DenyAll: anonymous users may write where "
					    "the files allow it",
			    p->anon_file, p->anon_line);
	p->anon = 0;
	free(p->anon_file);
	p->anon_file = NULL;
}

static void proftpd_file(struct bs_probe_ctx *ctx, const char *path, struct pro *p);

static void pro_include(struct bs_probe_ctx *ctx, const char *arg, struct pro *p)
{
	char **v;
	size_t n = bs_probe_include(ctx, arg, &v);
	struct stat st;

	for (size_t i = 0; i < n; i++) {
		const char *b = strrchr(v[i], '/');
		b = b ? b + 1 : v[i];
		/* ProFTPD skips backups and editor files in an included directory */
		if (*b == '.' || b[strlen(b) - 1] == '~')
			continue;
		if (bs_probe_stat(ctx, v[i], &st) == 0 && S_ISREG(st.st_mode))
			proftpd_file(ctx, v[i], p);
	}
	bs_probe_strv_free(v, n);
}

static void proftpd_file(struct bs_probe_ctx *ctx, const char *path, struct pro *p)
{
	struct bs_probe_conf c;
	char *l;
	int r;

	if (p->depth > 8)
		return;
	if ((r = bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH_LINE)) < 0) {
		bs_probe_read_error(ctx, r);
		return;
	}
	p->depth++;
	while ((l = bs_probe_conf_next(&c))) {
		if (!strncasecmp(l, "Include ", 8)) {
			pro_include(ctx, bs_text_trim(l + 8), p);
		} else if (!strncasecmp(l, "<Anonymous", 10)) {
			p->anon = 1;
			p->anon_line = c.line;
			p->anon_write = p->anon_denied_write = 0;
			free(p->anon_file);
			p->anon_file = bs_strdup(path);
			bs_fact_add(ctx, "services.ftp_anonymous", "proftpd", l, path, c.line);
		} else if (!strncasecmp(l, "</Anonymous", 11)) {
			if (p->anon)
				pro_end_anon(ctx, p);
		} else if (p->anon && !strncasecmp(l, "<Limit", 6)) {
			char *cmds = l + 6;
			p->in_limit = 1;
			p->limit_denied = p->limit_allowed = 0;
			p->limit_write = 0;
			for (char *save = NULL, *t = strtok_r(cmds, " \t>", &save); t; t = strtok_r(NULL, " \t>", &save))
				if (!strcasecmp(t, "WRITE") || !strcasecmp(t, "STOR") || !strcasecmp(t, "STOU") ||
				    !strcasecmp(t, "APPE") || !strcasecmp(t, "MKD") || !strcasecmp(t, "XMKD") ||
				    !strcasecmp(t, "ALL"))
					p->limit_write = 1;
		} else if (p->anon && p->in_limit && !strncasecmp(l, "</Limit", 7)) {
			if (p->limit_write && p->limit_allowed)
				p->anon_write = 1;
			else if (p->limit_write && p->limit_denied)
				p->anon_denied_write = 1;
			p->in_limit = 0;
		} else if (p->anon && p->in_limit) {
			if (!strcasecmp(l, "DenyAll") || !strncasecmp(l, "Deny from all", 13) || !strcasecmp(l, "Deny all"))
				p->limit_denied = 1;
			else if (!strcasecmp(l, "AllowAll") || !strncasecmp(l, "Allow from all", 14) ||
				 !strcasecmp(l, "Allow all"))
				p->limit_allowed = 1;
		} else if (!strncasecmp(l, "TLSEngine", 9)) {
			p->tls_engine = !strcasecmp(bs_text_trim(l + 9), "on");
		} else if (!strncasecmp(l, "TLSRequired", 11)) {
			const char *v = bs_text_trim(l + 11);
			p->tls_required = !strcasecmp(v, "on") || !strcasecmp(v, "ctrl") || !strcasecmp(v, "auth") ||
					  !strcasecmp(v, "auth+data") || !strcasecmp(v, "auth+!data");
		}
	}
	p->depth--;
	bs_probe_conf_release(&c);
}

static void proftpd(struct bs_probe_ctx *ctx, const char *path)
{
	struct pro p;
	memset(&p, 0, sizeof(p));
	if (!bs_probe_exists(ctx, path))
		return;
	proftpd_file(ctx, path, &p);
	if (p.anon) /* an <Anonymous> block never closed: ProFTPD refuses to start, but say it */
		pro_end_anon(ctx, &p);
	if (!(p.tls_engine && p.tls_required))
		bs_fact_add(ctx, "services.cleartext", "proftpd (ftp)",
			    p.tls_engine ? "TLSEngine on without TLSRequired: passwords may cross the network in clear text"
					 : "no TLSEngine on: passwords cross the network in clear text",
			    path, 0);
}

/* Services that carry logins or files in clear text, by inetd service name or program. */
static const struct {
	const char *service, *program, *what;
} clear[] = {
	{ "telnet", "telnetd", "telnet: logins in clear text" },
	{ "shell", "rshd", "rsh: trust by host name, commands in clear text" },
	{ "login", "rlogind", "rlogin: logins in clear text" },
	{ "exec", "rexecd", "rexec: passwords in clear text" },
	{ "tftp", "tftpd", "tftp: files without any login" },
	{ "ftp", "ftpd", "ftp: passwords in clear text" },
	{ "pop3", "pop3d", "pop3: passwords in clear text" },
	{ "imap2", "imapd", "imap: passwords in clear text" },
	{ "imap", "imapd", "imap: passwords in clear text" },
};

/* The clear[] row of an inetd service name or its program, or -1. */
static int clear_row(const char *service, const char *program)
{
	const char *b = program ? strrchr(program, '/') : NULL;
	b = b ? b + 1 : program;
	if (b && !strncmp(b, "in.", 3))
		b += 3;
	for (int i = 0; i < (int)(sizeof(clear) / sizeof(clear[0])); i++) {
		if (service && !strcmp(service, clear[i].service))
			return i;
		if (b) {
			size_t n = strlen(b), k = strlen(clear[i].program);
			/* telnetd, in.telnetd, inetutils-telnetd; vsftpd/proftpd have checks of their own */
			if (n >= k && !strcmp(b + n - k, clear[i].program) && strcmp(b, "vsftpd") && strcmp(b, "proftpd"))
				return i;
		}
	}
	return -1;
}

static void inetd_file(struct bs_probe_ctx *ctx, const char *path)
{
	struct bs_probe_conf c;
	char *l;
	int r;

	if ((r = bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH_LINE)) < 0) {
		bs_probe_read_error(ctx, r);
		return;
	}
	while ((l = bs_probe_conf_next(&c))) {
		char *f[8] = { 0 }, *save = NULL;
		int n = 0;
		for (char *t = strtok_r(l, " \t", &save); t && n < 8; t = strtok_r(NULL, " \t", &save))
			f[n++] = t;
		if (n < 6)
			continue;
		/* service socktype proto wait user program [args]: tcpd runs the first argument */
		const char *prog = f[5];
		if (strstr(prog, "tcpd") && n > 6)
			prog = f[6];
		int row = clear_row(f[0], prog);
		if (row >= 0)
			bs_fact_addf(ctx, "services.cleartext", f[0], path, c.line, "inetd starts %s (%s)", prog,
				     clear[row].what);
	}
	bs_probe_conf_release(&c);
}

static void xinetd_file(struct bs_probe_ctx *ctx, const char *path, char **disabled)
{
	struct bs_probe_conf c;
	char *l, *name = NULL, *server = NULL;
	int r, line = 0, off = 0, in = 0, defaults = 0;

	if ((r = bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH)) < 0) {
		bs_probe_read_error(ctx, r);
		return;
	}
	while ((l = bs_probe_conf_next(&c))) {
		if (!in && !strncmp(l, "service", 7) && (l[7] == ' ' || l[7] == '\t')) {
			free(name);
			name = bs_strdup(bs_text_trim(l + 7));
			line = c.line;
			off = 0;
			free(server);
			server = NULL;
		} else if (!in && !strcmp(l, "defaults")) {
			defaults = 1;
		} else if (!strcmp(l, "{")) {
			in = 1;
		} else if (!strcmp(l, "}")) {
			int row = name ? clear_row(name, server) : -1;
			if (name && !off && disabled && *disabled) {
				char buf[1024], *save = NULL;
				snprintf(buf, sizeof(buf), "%s", *disabled);
				for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
					if (!strcmp(t, name))
						off = 1;
			}
			if (name && !off && row >= 0)
				bs_fact_addf(ctx, "services.cleartext", name, path, line, "xinetd starts %s (%s)",
					     server ? server : name, clear[row].what);
			in = defaults = 0;
			free(name);
			name = NULL;
		} else if (in) {
			char *eq = strchr(l, '=');
			if (!eq)
				continue;
			char *val = bs_text_trim(eq + 1), *key = l;
			eq[eq > l && eq[-1] == '+' ? -1 : 0] = '\0';
			key = bs_text_trim(key);
			if (!strcmp(key, "disable"))
				off = !strcmp(val, "yes");
			else if (!strcmp(key, "server"))
				free(server), server = bs_strdup(val);
			else if (defaults && disabled && !strcmp(key, "disabled")) {
				char *old = *disabled;
				size_t n = (old ? strlen(old) : 0) + strlen(val) + 2;
				*disabled = bs_malloc(n);
				snprintf(*disabled, n, "%s %s", old ? old : "", val);
				free(old);
			}
		}
	}
	free(name);
	free(server);
	bs_probe_conf_release(&c);
}

static void xinetd(struct bs_probe_ctx *ctx)
{
	char **v, *disabled = NULL;
	size_t n;

	if (!can_start(ctx, "/usr/sbin/xinetd", "xinetd.service"))
		return;
	xinetd_file(ctx, "/etc/xinetd.conf", &disabled);
	n = bs_probe_glob(ctx, "/etc/xinetd.d/*", &v);
	for (size_t i = 0; i < n; i++) {
		const char *b = strrchr(v[i], '/') + 1;
		/* xinetd's includedir skips names with a dot and names ending in ~ (rpm/dpkg copies) */
		if (strchr(b, '.') || b[strlen(b) - 1] == '~')
			continue;
		xinetd_file(ctx, v[i], &disabled);
	}
	bs_probe_strv_free(v, n);
	free(disabled);
}

/* Clear-text servers started by systemd units of their own. */
static const struct {
	const char *unit, *what;
} units[] = {
	{ "telnet.socket", "telnet: logins in clear text" },
	{ "rsh.socket", "rsh: trust by host name, commands in clear text" },
	{ "rlogin.socket", "rlogin: logins in clear text" },
	{ "rexec.socket", "rexec: passwords in clear text" },
	{ "tftp.socket", "tftp: files without any login" },
	{ "tftp.service", "tftp: files without any login" },
	{ "tftpd-hpa.service", "tftp: files without any login" },
	{ "atftpd.service", "tftp: files without any login" },
	{ "atftpd.socket", "tftp: files without any login" },
};

static int run(struct bs_probe_ctx *ctx)
{
	if (can_start(ctx, "/usr/sbin/vsftpd", "vsftpd.service")) {
		bs_fact_add(ctx, "services.ftp_server", "vsftpd", "installed, starts at boot", "/usr/sbin/vsftpd", 0);
		if (bs_probe_exists(ctx, "/etc/vsftpd.conf"))
			vsftpd(ctx, "/etc/vsftpd.conf");
		else
			vsftpd(ctx, "/etc/vsftpd/vsftpd.conf");
	}
	if (can_start(ctx, "/usr/sbin/proftpd", "proftpd.service")) {
		bs_fact_add(ctx, "services.ftp_server", "proftpd", "installed, starts at boot", "/usr/sbin/proftpd", 0);
		proftpd(ctx, "/etc/proftpd/proftpd.conf");
	}
	if (can_start(ctx, "/usr/sbin/inetd", "inetd.service") ||
	    can_start(ctx, "/usr/sbin/inetutils-inetd", "inetutils-inetd.service")) {
		char **v;
		size_t n;
		inetd_file(ctx, "/etc/inetd.conf");
		n = bs_probe_glob(ctx, "/etc/inetd.d/*", &v);
		for (size_t i = 0; i < n; i++)
			inetd_file(ctx, v[i]);
		bs_probe_strv_free(v, n);
	}
	xinetd(ctx);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		char *where = NULL;
		if (bs_probe_unit_enabled(ctx, units[i].unit, &where))
			bs_fact_addf(ctx, "services.cleartext", units[i].unit, where, 0, "%s enabled (%s)", units[i].unit,
				     units[i].what);
		free(where);
	}
	return 0;
}

const struct bs_probe bs_probe_services = { "services", 0, run };
