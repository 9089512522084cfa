/* probe_pam.c - PAM stacks parsed the way libpam reads them: types, control flags
 * (including [value=action] brackets), @include / include / substack, line continuations,
 * module arguments over /etc/security/{faillock,pwquality,pwhistory}.conf over the
 * modules' built-in defaults. Facts per service: lockout threshold and time, password
 * length and classes, password history. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/probe.h"

#define MAX_DEPTH 8
#define MAX_ARGS 32

struct entry {
	char *module;      /* "pam_faillock" */
	char *control;     /* "required", "[default=die]" */
	char *args[MAX_ARGS];
	int nargs;
	char *file;
	int line;
};

struct stack {
	struct entry *v;
	size_t n, cap;
	char *error;       /* first problem met while reading the stack */
};

static void stack_release(struct stack *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].module);
		free(s->v[i].control);
		for (int k = 0; k < s->v[i].nargs; k++)
			free(s->v[i].args[k]);
		free(s->v[i].file);
	}
	free(s->v);
	free(s->error);
	memset(s, 0, sizeof(*s));
}

static void stack_error(struct stack *s, const char *fmt, const char *a, int line)
{
	if (s->error)
		return;
	struct bs_buf b = BS_BUF_INIT;
	bs_buf_printf(&b, fmt, a, line);
	s->error = bs_buf_detach(&b, NULL);
}

/* Next token: a bracketed [..] group is one token (it may hold spaces). */
static char *token(char **p)
{
	char *s = *p, *start;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	start = s;
	if (*s == '[') {
		int depth = 0;
		for (; *s; s++) {
			if (*s == '[')
				depth++;
			else if (*s == ']' && --depth == 0) {
				s++;
				break;
			}
		}
		if (depth) {
			*p = s;
			return NULL; /* unbalanced */
		}
	} else {
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	if (*s)
		*s++ = '\0';
	*p = s;
	return start;
}

static void read_stack(struct bs_probe_ctx *ctx, const char *name, const char *type, int depth, struct stack *st);

static void add_line(struct bs_probe_ctx *ctx, char *l, const char *path, int lineno, const char *type, int depth,
		     struct stack *st)
{
	char *p = l, *t, *ctl, *mod;

	l = bs_text_trim(l);
	if (!*l)
		return;
	if (!strncmp(l, "@include", 8) && (l[8] == ' ' || l[8] == '\t')) {
		read_stack(ctx, bs_text_trim(l + 9), type, depth + 1, st);
		return;
	}
	p = l;
	t = token(&p);
	ctl = token(&p);
	if (!t || !ctl) {
		stack_error(st, "%s:%d: malformed PAM line (expected type, control, module): fix it", path, lineno);
		return;
	}
	if (*t == '-')
		t++;
	if (strcasecmp(t, type) != 0) {
		if (strcasecmp(t, "auth") && strcasecmp(t, "account") && strcasecmp(t, "password") &&
		    strcasecmp(t, "session"))
			stack_error(st, "%s:%d: unknown PAM type: use auth, account, password or session", path, lineno);
		return;
	}
	mod = token(&p);
	if (!mod) {
		stack_error(st, "%s:%d: PAM line without a module", path, lineno);
		return;
	}
	if (!strcmp(ctl, "include") || !strcmp(ctl, "substack")) {
		/* NEEDSWORK: a substack's done/die end only the substack; for the settings read here
		 * (which modules run, with what arguments) it reads like an include. */
		read_stack(ctx, mod, type, depth + 1, st);
		return;
	}
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 32;
		st->v = bs_realloc(st->v, bs_size_mul(st->cap, sizeof(*st->v)));
	}
	struct entry *e = &st->v[st->n];
	memset(e, 0, sizeof(*e));
	const char *base = strrchr(mod, '/');
	base = base ? base + 1 : mod;
	size_t bl = strlen(base);
	if (bl > 3 && !strcmp(base + bl - 3, ".so"))
		bl -= 3;
	e->module = bs_strndup(base, bl);
	e->control = bs_strdup(ctl);
	e->file = bs_strdup(path);
	e->line = lineno;
	while ((t = token(&p)) && e->nargs < MAX_ARGS)
		e->args[e->nargs++] = bs_strdup(t);
	st->n++;
}

static void read_stack(struct bs_probe_ctx *ctx, const char *name, const char *type, int depth, struct stack *st)
{
	struct bs_probe_conf c;
	struct bs_buf path = BS_BUF_INIT;
	char *line;

	if (depth > MAX_DEPTH) {
		stack_error(st, "%s: PAM includes nest deeper than 8 (a loop?)%.0d", name, 0);
		return;
	}
	if (name[0] == '/')
		bs_buf_puts(&path, name);
	else
		bs_buf_printf(&path, "/etc/pam.d/%s", name);
	/* pam.conf(5): '#' to the end of the line is a comment, a backslash continues a line */
	if (bs_probe_conf_open(&c, ctx, path.ptr, BS_CONF_HASH | BS_CONF_CONTINUE) < 0) {
		stack_error(st, "%s%.0d", bs_error_message(), 0);
		bs_error_clear();
		goto done;
	}
	while ((line = bs_probe_conf_next(&c)))
		add_line(ctx, line, path.ptr, c.line, type, depth, st);
	bs_probe_conf_release(&c);
done:
	bs_buf_release(&path);
}

/* A key = value config file (faillock.conf, pwquality.conf); *line set when found. */
static char *conf_get(struct bs_probe_ctx *ctx, const char *path, const char *key, int *line)
{
	struct bs_probe_conf c;
	char *l, *val = NULL;

	int r;
	/* the module's own .conf is optional (module arguments may say it all) */
	if ((r = bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH)) < 0) {
		bs_probe_read_error(ctx, r);
		return NULL;
	}
	while ((l = bs_probe_conf_next(&c))) {
		char *eq;
		if (!strcmp(l, key) && (!strcmp(key, "enforce_for_root") || !strcmp(key, "audit"))) {
			free(val);
			val = bs_strdup("1");
			*line = c.line;
			continue;
		}
		if (!(eq = strchr(l, '=')))
			continue;
		*eq = '\0';
		if (strcmp(bs_text_trim(l), key) != 0)
			continue;
		free(val);
		val = bs_strdup(bs_text_trim(eq + 1)); /* the last setting wins */
		*line = c.line;
	}
	bs_probe_conf_release(&c);
	return val;
}

static const char *arg_get(const struct entry *e, const char *key)
{
	size_t kl = strlen(key);
	const char *v = NULL;
	for (int i = 0; i < e->nargs; i++)
		if (!strncmp(e->args[i], key, kl) && e->args[i][kl] == '=')
			v = e->args[i] + kl + 1;
	return v;
}

/* A setting: module argument, else the config files (drop-ins last), else the default. */
static void setting(struct bs_probe_ctx *ctx, const struct entry *e, const char *key, const char *conf,
		    const char *confdir, const char *def, char **val, const char **file, int *line)
{
	const char *a = arg_get(e, key);
	static char fbuf[512];
	if (a) {
		*val = bs_strdup(a);
		*file = e->file;
		*line = e->line;
		return;
	}
	if (confdir) {
		char **v;
		size_t n = bs_probe_glob(ctx, confdir, &v);
		for (size_t i = n; i-- > 0;) {
			char *cv = conf_get(ctx, v[i], key, line);
			if (cv) {
				snprintf(fbuf, sizeof(fbuf), "%s", v[i]);
				*val = cv;
				*file = fbuf;
				bs_probe_strv_free(v, n);
				return;
			}
		}
		bs_probe_strv_free(v, n);
	}
	char *cv = conf_get(ctx, conf, key, line);
	if (cv) {
		*val = cv;
		*file = conf;
		return;
	}
	*val = bs_strdup(def);
	*file = NULL;
	*line = 0;
}

static int is_optional(const struct entry *e)
{
	return !strcmp(e->control, "optional");
}

/* pam_faillock's "audit" flag (module argument, else faillock.conf): failed attempts,
 * unknown user names included, are logged. */
static void faillock_audit(struct bs_probe_ctx *ctx, const char *service, const struct stack *st,
			   const struct entry *fl)
{
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->v[i].module, "pam_faillock"))
			for (int k = 0; k < st->v[i].nargs; k++)
				if (!strcmp(st->v[i].args[k], "audit")) {
					bs_fact_add(ctx, "pam.faillock.audit", service, "audit", st->v[i].file, st->v[i].line);
					return;
				}
	const char *conf = arg_get(fl, "conf");
	int line = 0;
	char *v = conf_get(ctx, conf ? conf : "/etc/security/faillock.conf", "audit", &line);
	if (v)
		bs_fact_add(ctx, "pam.faillock.audit", service, "audit", conf ? conf : "/etc/security/faillock.conf",
			    line);
	free(v);
}

static void lockout(struct bs_probe_ctx *ctx, const char *service, const struct stack *st)
{
	const struct entry *fl = NULL, *tally = NULL;
	int enforced = 0;

	for (size_t i = 0; i < st->n; i++) {
		if (!strcmp(st->v[i].module, "pam_unix"))
			for (int k = 0; k < st->v[i].nargs; k++)
				if (!strcmp(st->v[i].args[k], "nullok"))
					bs_fact_add(ctx, "pam.unix.nullok", service, "nullok", st->v[i].file, st->v[i].line);
		if (!strcmp(st->v[i].module, "pam_faillock")) {
			if (!fl || arg_get(&st->v[i], "deny"))
				fl = &st->v[i];
			if (!is_optional(&st->v[i]))
				enforced = 1;
		} else if (!strcmp(st->v[i].module, "pam_tally2") || !strcmp(st->v[i].module, "pam_tally")) {
			tally = &st->v[i];
			if (!is_optional(&st->v[i]))
				enforced = 1;
		}
	}
	if (!fl && !tally) {
		bs_fact_add(ctx, "pam.faillock.deny", service, "unset (no pam_faillock in the auth stack)", NULL, 0);
		bs_fact_add(ctx, "pam.faillock.unlock_time", service, "unset (no pam_faillock in the auth stack)", NULL, 0);
		return;
	}
	if (fl)
		faillock_audit(ctx, service, st, fl);
	const struct entry *e = fl ? fl : tally;
	if (!enforced) {
		bs_fact_add(ctx, "pam.faillock.deny", service, "unset (the module is only optional)", e->file, e->line);
		bs_fact_add(ctx, "pam.faillock.unlock_time", service, "unset (the module is only optional)", e->file,
			    e->line);
		return;
	}
	char *val;
	const char *file;
	int line;
	const char *conf = arg_get(e, "conf");
	/* pam_faillock's built-in defaults: deny=3, unlock_time=600; pam_tally2 has no deny. */
	setting(ctx, e, "deny", fl ? (conf ? conf : "/etc/security/faillock.conf") : "/nonexistent", NULL,
		fl ? "3" : "unset (pam_tally2 without deny=)", &val, &file, &line);
	bs_fact_add(ctx, "pam.faillock.deny", service, val, file ? file : e->file, file ? line : e->line);
	free(val);
	setting(ctx, e, "unlock_time", fl ? (conf ? conf : "/etc/security/faillock.conf") : "/nonexistent", NULL,
		fl ? "600" : "never", &val, &file, &line);
	bs_fact_add(ctx, "pam.faillock.unlock_time", service, !strcmp(val, "0") ? "never" : val,
		    file ? file : e->file, file ? line : e->line);
	free(val);
}

static void quality(struct bs_probe_ctx *ctx, const char *service, const struct stack *st)
{
	const struct entry *q = NULL, *hist = NULL, *unix_ = NULL;

	for (size_t i = 0; i < st->n; i++) {
		if (is_optional(&st->v[i]))
			continue;
		if (!strcmp(st->v[i].module, "pam_pwquality") || !strcmp(st->v[i].module, "pam_cracklib"))
			q = &st->v[i];
		else if (!strcmp(st->v[i].module, "pam_pwhistory"))
			hist = &st->v[i];
		else if (!strcmp(st->v[i].module, "pam_unix"))
			unix_ = &st->v[i];
	}
	if (!q) {
		bs_fact_add(ctx, "pam.pwquality.minlen", service, "unset (no pam_pwquality in the password stack)", NULL, 0);
		bs_fact_add(ctx, "pam.pwquality.minclass", service, "unset (no pam_pwquality in the password stack)", NULL, 0);
	} else {
		int cracklib = !strcmp(q->module, "pam_cracklib");
		const char *conf = cracklib ? "/nonexistent" : "/etc/security/pwquality.conf";
		const char *dir = cracklib ? NULL : "/etc/security/pwquality.conf.d/*.conf";
		char *val;
		const char *file;
		int line, classes = 0, mcline = 0;
		long long minclass = 0, credit;
		const char *mcfile = NULL;
		setting(ctx, q, "minlen", conf, dir, cracklib ? "9" : "8", &val, &file, &line);
		bs_fact_add(ctx, "pam.pwquality.minlen", service, val, file ? file : q->file, file ? line : q->line);
		free(val);
		setting(ctx, q, "minclass", conf, dir, "0", &val, &file, &line);
		if (bs_text_int(val, &minclass) < 0)
			minclass = 0;
		mcfile = file;
		mcline = line;
		free(val);
		/* A negative credit makes its class mandatory. */
		static const char *const credits[] = { "dcredit", "ucredit", "lcredit", "ocredit" };
		for (int i = 0; i < 4; i++) {
			setting(ctx, q, credits[i], conf, dir, "0", &val, &file, &line);
			if (bs_text_int(val, &credit) == 0 && credit < 0)
				classes++;
			free(val);
		}
		if (classes > minclass)
			minclass = classes;
		bs_fact_addf(ctx, "pam.pwquality.minclass", service, mcfile ? mcfile : q->file, mcfile ? mcline : q->line,
			     "%lld", minclass);
	}
	/* History: pam_pwhistory remember= (default 10, pwhistory.conf), or pam_unix remember=. */
	long long best = -1;
	const char *hfile = NULL;
	int hline = 0;
	if (hist) {
		char *val;
		const char *file;
		int line;
		long long n;
		setting(ctx, hist, "remember", "/etc/security/pwhistory.conf", NULL, "10", &val, &file, &line);
		if (bs_text_int(val, &n) == 0 && n > best) {
			best = n;
			hfile = file ? file : hist->file;
			hline = file ? line : hist->line;
		}
		free(val);
	}
	if (unix_) {
		const char *r = arg_get(unix_, "remember");
		long long n;
		if (r && bs_text_int(r, &n) == 0 && n > best) {
			best = n;
			hfile = unix_->file;
			hline = unix_->line;
		}
		static const char *const hashes[] = { "yescrypt", "sha512", "sha256", "blowfish", "gost_yescrypt", "md5",
						      "bigcrypt", NULL };
		for (int i = 0; i < unix_->nargs; i++)
			for (int h = 0; hashes[h]; h++)
				if (!strcmp(unix_->args[i], hashes[h]))
					bs_fact_add(ctx, "pam.unix.hash", service, hashes[h], unix_->file, unix_->line);
		for (int i = 0; i < unix_->nargs; i++)
			if (!strcmp(unix_->args[i], "nullok"))
				bs_fact_add(ctx, "pam.unix.nullok", service, "nullok", unix_->file, unix_->line);
	}
	if (best < 0)
		bs_fact_add(ctx, "pam.pwhistory.remember", service, "unset (no pam_pwhistory or pam_unix remember=)",
			    NULL, 0);
	else
		bs_fact_addf(ctx, "pam.pwhistory.remember", service, hfile, hline, "%lld", best);
}

static int run(struct bs_probe_ctx *ctx)
{
	static const char *const auth_services[] = { "login", "sshd", NULL };
	static const char *const pw_services[] = { "passwd", NULL };
	struct stat sb;
	int any = 0;

	if (bs_probe_lstat(ctx, "/etc/pam.d", &sb) < 0)
		return bs_probe_na(ctx, "沒有 /etc/pam.d：此主機未使用 PAM", "no /etc/pam.d: PAM is not in use on this host");
	for (int pass = 0; pass < 2; pass++) {
		const char *const *svcs = pass ? pw_services : auth_services;
		const char *type = pass ? "password" : "auth";
		int found = 0;
		for (int i = 0; svcs[i] || !found; i++) {
			const char *svc = svcs[i];
			char path[128];
			struct stack st = { 0 };
			if (!svc) {
				/* none of the services has its own file: judge the shared stack */
				svc = pass ? "common-password" : "common-auth";
				if (!bs_probe_exists(ctx, "/etc/pam.d/common-auth"))
					svc = pass ? "system-auth" : "system-auth";
				found = 1;
			}
			snprintf(path, sizeof(path), "/etc/pam.d/%s", svc);
			if (!bs_probe_exists(ctx, path)) {
				if (!svcs[i])
					break;
				continue;
			}
			found = any = 1;
			read_stack(ctx, svc, type, 0, &st);
			if (st.error) {
				int r = bs_probe_fail(ctx, "%s", st.error);
				stack_release(&st);
				return r;
			}
			if (pass)
				quality(ctx, svc, &st);
			else
				lockout(ctx, svc, &st);
			stack_release(&st);
			if (!svcs[i])
				break;
		}
	}
	if (!any)
		return bs_probe_na(ctx, "/etc/pam.d 中沒有 login、sshd、passwd、common-auth、system-auth 任一檔", "/etc/pam.d holds none of login, sshd, passwd, common-auth, system-auth");
	return 0;
}

const struct bs_probe bs_probe_pam = { "pam", 0, run };
