/* run.c - the scan engine: runs a policy's checks, each rule over a file of the scanned
 * root or over facts that probes produce lazily (at most once per scan), and turns rule
 * outcomes into results with evidence. The probe library is probe_util.c and probe_text.c;
 * what a scan leaves (release, waivers, JSON) is scan_result.c. */
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "scan/probe.h"
#include "scan/probe_ctx.h"
#include "scan/rule.h"
#include "scan/scan.h"

#define EV_MAX 20 /* evidence items kept per rule */

enum truth { T_FALSE, T_TRUE, T_NA, T_ERROR };

struct item {
	const char *file;
	int line;
	const char *subject;
	char *found;
	int ok; /* does this item satisfy the rule's requirement */
};

struct rule_out {
	enum truth t;
	struct bs_buf reason;
	struct bs_buf reason_zh; /* the not-applicable reason in zh-TW, empty when not known */
	struct item items[EV_MAX];
	size_t nitems;
	size_t more; /* items not kept */
};

static void out_item(struct rule_out *o, const char *file, int line, const char *subject, const char *found, int ok)
{
	if (o->nitems == EV_MAX) {
		o->more++;
		return;
	}
	struct item *it = &o->items[o->nitems];
	it->file = file;
	it->line = line;
	it->subject = subject;
	it->found = bs_strdup(found);
	it->ok = ok;
	o->nitems++;
}

static void out_release(struct rule_out *o)
{
	for (size_t i = 0; i < o->nitems; i++)
		free(o->items[i].found);
	bs_buf_release(&o->reason);
	bs_buf_release(&o->reason_zh);
}

static struct probe_slot *slot_for(struct bs_probe_ctx *ctx, const char *fact)
{
	const char *dot = strchr(fact, '.');
	size_t dl = dot ? (size_t)(dot - fact) : strlen(fact);

	for (size_t i = 0; i < ctx->nslots; i++) {
		const char *n = ctx->slots[i].probe->name;
		if (strlen(n) == dl && !strncmp(n, fact, dl))
			return &ctx->slots[i];
	}
	return NULL;
}

static void ensure_probe(struct bs_probe_ctx *ctx, struct probe_slot *s)
{
	if (s->state != PROBE_NOT_RUN)
		return;
	if ((s->probe->flags & BS_PROBE_LIVE) && ctx->root[0] && !ctx->opts->proc) {
		s->state = PROBE_NA;
		s->reason = bs_strdup("the probe reads the running system: not applicable to a --root scan");
		s->reason_zh = bs_strdup("此項讀取執行中的系統：不適用於 --root 掃描");
		return;
	}
	if ((s->probe->flags & BS_PROBE_WINDOWS) && !ctx->opts->winexport) {
		s->state = PROBE_NA;
		s->reason = bs_strdup("needs Windows exports: use --windows-export DIR");
		s->reason_zh = bs_strdup("需要 Windows 匯出檔：請用 --windows-export 目錄");
		return;
	}
	ctx->cur = s;
	s->state = PROBE_OK;
	bs_error_clear();
	int r = s->probe->run(ctx);
	if (r < 0 && s->state == PROBE_OK) {
		s->state = PROBE_ERROR;
		s->reason = bs_strdup(*bs_error_message() ? bs_error_message() : "the probe failed");
	}
	ctx->cur = NULL;
}

static void required_text(const struct bs_scan_rule *r, int negate, struct bs_buf *b)
{
	if (negate)
		bs_buf_puts(b, "not: ");
	switch (r->op) {
	case OP_EXISTS: bs_buf_puts(b, "exists"); break;
	case OP_ABSENT: bs_buf_puts(b, r->kind == RULE_FACT ? "not reported" : "does not exist"); break;
	case OP_PRESENT: bs_buf_puts(b, "reported"); break;
	case OP_MATCH: bs_buf_printf(b, "matches /%s/", r->pattern); break;
	case OP_ENTRIES: bs_buf_printf(b, "an entry matching /%s/", r->pattern); break;
	case OP_EQUALS: bs_buf_printf(b, "%s", r->pattern); break;
	case OP_COUNT: bs_buf_puts(b, "count "); break;
	case OP_MODE:
		if (r->has_perm)
			bs_buf_printf(b, "mode at most %04o", r->perm_max);
		if (r->owner)
			bs_buf_printf(b, "%sowner %s", r->has_perm ? ", " : "", r->owner);
		break;
	case OP_COMPARE: break;
	}
	if (r->has_cmp) {
		if (r->op == OP_MATCH)
			bs_buf_puts(b, " with ");
		if (r->num == BS_NUM_INF)
			bs_buf_printf(b, "%s never", bs_cmp_name(r->cmp));
		else
			bs_buf_printf(b, "%s %lld", bs_cmp_name(r->cmp), r->num);
	}
}

static void eval_fact(struct bs_probe_ctx *ctx, const struct bs_scan_rule *r, struct rule_out *o)
{
	struct probe_slot *s = slot_for(ctx, r->target);
	size_t n = 0, bad = 0, errs = 0;

	if (!s) {
		o->t = T_ERROR;
		bs_buf_printf(&o->reason, "no probe produces '%s'", r->target);
		return;
	}
	ensure_probe(ctx, s);
	if (s->state == PROBE_NA || s->state == PROBE_ERROR) {
		o->t = s->state == PROBE_NA ? T_NA : T_ERROR;
		bs_buf_printf(&o->reason, "%s: %s", s->probe->name, s->reason);
		if (s->reason_zh)
			bs_buf_printf(&o->reason_zh, "%s：%s", s->probe->name, s->reason_zh);
		return;
	}
	for (size_t i = 0; i < ctx->nfacts; i++) {
		const struct fact *f = &ctx->facts[i];
		int ok = 1;
		long long v;
		if (strcmp(f->name, r->target) != 0)
			continue;
		n++;
		switch (r->op) {
		case OP_COMPARE:
			if (!strncasecmp(f->value, "unset", 5)) {
				ok = 0;
			} else if (bs_num_parse(f->value, &v) < 0) {
				errs++;
				if (!o->reason.len)
					bs_buf_printf(&o->reason, "%s reports '%s' for %s%s%s, which is not a number", r->target,
						      f->value, f->subject ? f->subject : "", f->file ? " in " : "",
						      f->file ? f->file : "");
				ok = 0;
			} else {
				ok = bs_cmp_eval(r->cmp, v, r->num);
			}
			break;
		case OP_EQUALS: ok = !strcasecmp(f->value, r->pattern); break;
		case OP_MATCH: ok = regexec(&r->re, f->value, 0, NULL, 0) == 0; break;
		default: ok = r->op != OP_ABSENT; break; /* PRESENT, ABSENT, COUNT list what they saw */
		}
		if (!ok)
			bad++;
		out_item(o, f->file, f->line, f->subject, f->value, ok);
	}
	if (errs) {
		o->t = T_ERROR;
		return;
	}
	switch (r->op) {
	case OP_PRESENT: o->t = n ? T_TRUE : T_FALSE; break;
	case OP_ABSENT: o->t = n ? T_FALSE : T_TRUE; break;
	case OP_COUNT: o->t = bs_cmp_eval(r->cmp, (long long)n, r->num) ? T_TRUE : T_FALSE; break;
	default:
		if (n == 0) {
			o->t = r->missing_na ? T_NA : T_FALSE;
			if (r->missing_na)
				bs_buf_printf(&o->reason, "%s is not reported on this host", r->target);
			if (r->missing_na)
				bs_buf_printf(&o->reason_zh, "此主機未回報 %s", r->target);
			out_item(o, NULL, 0, NULL, "(not set)", 0);
		} else {
			o->t = bad ? T_FALSE : T_TRUE;
		}
	}
	if (r->op == OP_COUNT) {
		/* For a count, every listed item is what was counted: offending when the count fails. */
		for (size_t i = 0; i < o->nitems; i++)
			o->items[i].ok = o->t == T_TRUE;
		char num[32];
		snprintf(num, sizeof(num), "count %zu", n);
		if (n == 0)
			out_item(o, NULL, 0, NULL, num, o->t == T_TRUE);
	}
}

/* A file rule's MATCH: every line matching the pattern, with its captured number compared. */
static void eval_match(struct bs_probe_ctx *ctx, const struct bs_scan_rule *r, struct rule_out *o)
{
	struct bs_buf b = BS_BUF_INIT;
	int rc = bs_probe_read(ctx, r->target, &b);
	size_t pos = 0;

	if (rc == 0)
		rc = bs_probe_text_check(r->target, &b);
	int lineno = 0, matched = 0, bad = 0;
	char *line;

	/* a file that is not there matches nothing: the policy decides what that means (a
	 * `condition: none` rule on a file that is not there passes, a required setting fails);
	 * one that is there but cannot be read is an error below, never "nothing matched" */
	if (rc == BS_ENOTFOUND) {
		o->t = T_FALSE;
		out_item(o, r->target, 0, NULL, "does not exist", 0);
		bs_buf_release(&b);
		return;
	}
	if (rc < 0) {
		o->t = T_ERROR;
		bs_buf_puts(&o->reason, bs_error_message());
		bs_buf_release(&b);
		return;
	}
	while ((line = bs_text_line(&b, &pos, &lineno))) {
		regmatch_t m[2];
		long long v;
		int ok = 1;
		if (regexec(&r->re, line, 2, m, 0) != 0)
			continue;
		matched++;
		if (r->has_cmp) {
			char num[32];
			size_t l = m[1].rm_so >= 0 ? (size_t)(m[1].rm_eo - m[1].rm_so) : 0;
			if (!l || l >= sizeof(num)) {
				o->t = T_ERROR;
				bs_buf_printf(&o->reason, "%s:%d: the pattern captured no number to compare", r->target, lineno);
				bs_buf_release(&b);
				return;
			}
			memcpy(num, line + m[1].rm_so, l);
			num[l] = '\0';
			if (bs_num_parse(num, &v) < 0) {
				o->t = T_ERROR;
				bs_buf_printf(&o->reason, "%s:%d: '%s' is not a number", r->target, lineno, num);
				bs_buf_release(&b);
				return;
			}
			ok = bs_cmp_eval(r->cmp, v, r->num);
		}
		if (!ok)
			bad++;
		char shown[200];
		snprintf(shown, sizeof(shown), "%s", line);
		out_item(o, r->target, lineno, NULL, shown, ok);
	}
	bs_buf_release(&b);
	o->t = matched && !bad ? T_TRUE : T_FALSE;
	if (!matched)
		out_item(o, r->target, 0, NULL, "no matching line", 0);
}

/* A file rule: EXISTS or ABSENT, ENTRIES of a directory, MODE and owner, else MATCH. */
static void eval_file(struct bs_probe_ctx *ctx, const struct bs_scan_rule *r, struct rule_out *o)
{
	struct stat st;
	int exists = bs_probe_lstat(ctx, r->target, &st) == 0 || bs_probe_exists(ctx, r->target);

	if (r->op == OP_EXISTS || r->op == OP_ABSENT) {
		o->t = (exists == (r->op == OP_EXISTS)) ? T_TRUE : T_FALSE;
		out_item(o, r->target, 0, NULL, exists ? "exists" : "does not exist", o->t == T_TRUE);
		return;
	}
	if (r->op == OP_ENTRIES) {
		DIR *d = bs_probe_opendir(ctx, r->target);
		struct dirent *de;
		if (!d) {
			o->t = T_FALSE;
			out_item(o, r->target, 0, NULL, errno == ENOENT ? "no such directory" : strerror(errno), 0);
			return;
		}
		o->t = T_FALSE;
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (regexec(&r->re, de->d_name, 0, NULL, 0) == 0) {
				o->t = T_TRUE;
				out_item(o, r->target, 0, NULL, de->d_name, 1);
			}
		}
		closedir(d);
		if (o->t == T_FALSE)
			out_item(o, r->target, 0, NULL, "no matching entry", 0);
		return;
	}
	if (r->op == OP_MODE) {
		char buf[128];
		int ok = 1;
		if (!exists) {
			o->t = T_FALSE;
			out_item(o, r->target, 0, NULL, "does not exist", 0);
			return;
		}
		if (bs_probe_lstat(ctx, r->target, &st) < 0) {
			o->t = T_ERROR;
			bs_buf_printf(&o->reason, "cannot stat '%s': %s", r->target, strerror(errno));
			return;
		}
		if (r->has_perm && ((unsigned)st.st_mode & 07777 & ~r->perm_max))
			ok = 0;
		if (r->owner) {
			long want = bs_probe_uid(ctx, r->owner);
			if (want < 0) {
				o->t = T_ERROR;
				bs_buf_printf(&o->reason, "owner '%s' is not a user in the scanned /etc/passwd", r->owner);
				return;
			}
			if ((long)st.st_uid != want)
				ok = 0;
		}
		char *user = bs_probe_user(ctx, (long)st.st_uid);
		snprintf(buf, sizeof(buf), "mode %04o owner %s", (unsigned)st.st_mode & 07777, user);
		free(user);
		o->t = ok ? T_TRUE : T_FALSE;
		out_item(o, r->target, 0, NULL, buf, ok);
		return;
	}
	eval_match(ctx, r, o);
}

static void eval_rule(struct bs_probe_ctx *ctx, const struct bs_scan_rule *r, struct rule_out *o)
{
	if (r->kind == RULE_FACT)
		eval_fact(ctx, r, o);
	else
		eval_file(ctx, r, o);
}

static void add_evidence(struct bs_scan_result *res, const struct item *it, const struct bs_scan_rule *r, int negate)
{
	struct bs_buf req = BS_BUF_INIT;
	/* Two rules on one fact (">= 1", "<= 5") see the same value: show it once (but two
	 * facts that both count 0 are two pieces of evidence). */
	size_t tl = r->kind == RULE_FACT ? strlen(r->target) : 0;
	for (size_t i = 0; i < res->nev; i++)
		if (!strcmp(res->ev[i].found, it->found) && res->ev[i].line == it->line &&
		    (!tl || (!strncmp(res->ev[i].required, r->target, tl) && res->ev[i].required[tl] == ' ')) &&
		    !!res->ev[i].subject == !!it->subject && (!it->subject || !strcmp(res->ev[i].subject, it->subject)) &&
		    !!res->ev[i].file == !!it->file && (!it->file || !strcmp(res->ev[i].file, it->file)))
			return;
	res->ev = bs_realloc(res->ev, bs_size_mul(res->nev + 1, sizeof(*res->ev)));
	struct bs_scan_evidence *e = &res->ev[res->nev++];
	e->file = it->file ? bs_strdup(it->file) : NULL;
	e->line = it->line;
	e->subject = it->subject ? bs_strdup(it->subject) : NULL;
	e->found = bs_strdup(it->found);
	if (r->kind == RULE_FACT) {
		bs_buf_printf(&req, "%s ", r->target);
	}
	required_text(r, negate, &req);
	e->required = bs_buf_detach(&req, NULL);
}

static void run_check(struct bs_probe_ctx *ctx, const struct bs_scan_check *c, struct bs_scan_result *res)
{
	struct rule_out *outs = bs_calloc(c->nrules, sizeof(*outs));
	size_t ntrue = 0, nfalse = 0, nna = 0, nerr = 0;
	const char *reason = NULL, *reason_zh = NULL;

	res->check = c;
	for (size_t i = 0; i < c->nrules; i++) {
		bs_buf_init(&outs[i].reason);
		bs_buf_init(&outs[i].reason_zh);
		eval_rule(ctx, &c->rules[i], &outs[i]);
		switch (outs[i].t) {
		case T_TRUE: ntrue++; break;
		case T_FALSE: nfalse++; break;
		case T_NA:
			nna++;
			if (!reason || !*reason) {
				reason = outs[i].reason.ptr;
				reason_zh = outs[i].reason_zh.ptr;
			}
			break;
		case T_ERROR: nerr++; break;
		}
	}
	/* Errors explain more than "not applicable": prefer their reason. */
	for (size_t i = 0; i < c->nrules; i++)
		if (outs[i].t == T_ERROR) {
			reason = outs[i].reason.ptr;
			reason_zh = NULL; /* errors come from the core in English */
			break;
		}
	switch (c->cond) {
	case BS_COND_ALL:
		res->status = nfalse ? BS_SCAN_FAIL : nerr ? BS_SCAN_ERROR : nna ? BS_SCAN_NA : BS_SCAN_PASS;
		break;
	case BS_COND_ANY:
		res->status = ntrue ? BS_SCAN_PASS : nerr ? BS_SCAN_ERROR : nna ? BS_SCAN_NA : BS_SCAN_FAIL;
		break;
	case BS_COND_NONE:
		res->status = ntrue ? BS_SCAN_FAIL : nerr ? BS_SCAN_ERROR : nna ? BS_SCAN_NA : BS_SCAN_PASS;
		break;
	}
	if (res->status == BS_SCAN_NA || res->status == BS_SCAN_ERROR)
		res->reason = bs_strdup(reason && *reason ? reason : "no rule could decide");
	if (res->status == BS_SCAN_NA || res->status == BS_SCAN_ERROR)
		res->reason_zh = reason_zh && *reason_zh ? bs_strdup(reason_zh)
			       : !reason || !*reason ? bs_strdup("沒有規則能判定") : NULL;
	for (size_t i = 0; i < c->nrules; i++) {
		const struct rule_out *o = &outs[i];
		int negate = c->cond == BS_COND_NONE;
		for (size_t k = 0; k < o->nitems; k++) {
			const struct item *it = &o->items[k];
			int keep;
			if (res->status == BS_SCAN_FAIL) {
				if (c->cond == BS_COND_ALL)
					keep = o->t == T_FALSE && !it->ok;
				else if (c->cond == BS_COND_NONE)
					keep = o->t == T_TRUE && it->ok;
				else
					keep = 1;
			} else if (res->status == BS_SCAN_PASS) {
				keep = (c->cond == BS_COND_ANY) ? o->t == T_TRUE : 1;
			} else {
				keep = o->t == T_ERROR || o->t == T_FALSE;
			}
			if (keep)
				add_evidence(res, it, &c->rules[i], negate);
		}
		if (o->more && res->status == BS_SCAN_FAIL) {
			struct item more = { NULL, 0, NULL, NULL, 0 };
			char buf[64];
			snprintf(buf, sizeof(buf), "... and %zu more", o->more);
			more.found = buf;
			add_evidence(res, &more, &c->rules[i], negate);
		}
	}
	for (size_t i = 0; i < c->nrules; i++)
		out_release(&outs[i]);
	free(outs);
}

static char *host_name(const struct bs_probe_ctx *ctx)
{
	struct bs_buf b = BS_BUF_INIT;
	char name[256];

	if (ctx->opts->host)
		return bs_strdup(ctx->opts->host);
	if (ctx->opts->winexport)
		return bs_strdup("windows"); /* replaced by the export's machine name when found */
	if (!ctx->root[0]) {
		if (gethostname(name, sizeof(name)) == 0) {
			name[sizeof(name) - 1] = '\0';
			return bs_strdup(name);
		}
		return bs_strdup("localhost");
	}
	if (bs_probe_read(ctx, "/etc/hostname", &b) == 0) {
		char *s = bs_text_trim(b.ptr);
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		s = bs_text_trim(s);
		if (*s && strlen(s) < 256) {
			char *r = bs_strdup(s);
			bs_buf_release(&b);
			return r;
		}
	}
	bs_buf_release(&b);
	bs_error_clear();
	return bs_strdup("unknown");
}

/* A --root that holds no system at all (an empty or unmounted mount point, a wrong path) is
 * refused: scanned, its missing files made checks pass and a saved scan of nothing showed
 * clauses met (issue 14, item 2). A system has at least one of these. */
static const char *const os_marks[] = { "/etc/os-release", "/usr/lib/os-release", "/etc/passwd", BS_DPKG_STATUS,
					"/var/lib/rpm", "/usr/lib/sysimage/rpm", "/lib/apk/db/installed", NULL };

static int root_has_os(const struct bs_probe_ctx *ctx)
{
	for (int i = 0; os_marks[i]; i++)
		if (bs_probe_exists(ctx, os_marks[i]))
			return 0;
	return bs_error(BS_EINVALID, "cannot scan root '%s': it holds no operating system (no /etc/os-release, "
			"/etc/passwd, dpkg or rpm database): give the directory where the system is mounted or copied "
			"(is it mounted?)", ctx->root);
}

int bs_scan_run(struct bs_scan **out, const struct bs_scan_policy *pol, const struct bs_scan_opts *opts)
{
	struct bs_probe_ctx ctx;
	struct bs_scan *s;
	struct stat st;
	char when[BS_TIME_MAX];
	const char *platform = opts->winexport ? "windows" : "linux";
	char *root = NULL, *winabs = NULL;
	struct bs_scan_opts o;
	size_t nprobes = 0;
	int err;

	*out = NULL;
	if (opts->root && strcmp(opts->root, "/") != 0) {
		if (stat(opts->root, &st) < 0 || !S_ISDIR(st.st_mode))
			return bs_error(BS_ENOTFOUND, "cannot scan root '%s': %s: give a directory holding a mounted "
					"or copied system", opts->root, bs_strerror(errno ? errno : ENOTDIR));
		root = bs_strdup(opts->root);
		size_t l = strlen(root);
		while (l > 1 && root[l - 1] == '/')
			root[--l] = '\0';
	}
	if (opts->winexport && !opts->winfiles && (stat(opts->winexport, &st) < 0 || !S_ISDIR(st.st_mode))) {
		free(root), free(winabs);
		return bs_error(BS_ENOTFOUND, "cannot read Windows export directory '%s': give the directory holding "
				"the secedit, auditpol and net accounts exports (docs/windows-export.md)", opts->winexport);
	}
	/* the exports are opened under the root "/" (rootfs.c): a relative directory would be
	 * looked for there, so it is made absolute */
	if (opts->winexport && !opts->winfiles && opts->winexport[0] != '/') {
		if (!(winabs = realpath(opts->winexport, NULL))) {
			free(root);
			return bs_error(BS_ENOTFOUND, "cannot read Windows export directory '%s': %s", opts->winexport,
					bs_strerror(errno));
		}
		o = *opts;
		o.winexport = winabs;
		opts = &o;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = opts;
	ctx.root = root ? root : "";
	if ((err = bs_rootfs_open_root(&ctx.fs, ctx.root)) < 0) {
		free(root), free(winabs);
		return err;
	}
	if (root && !opts->winexport && (err = root_has_os(&ctx)) < 0) {
		bs_rootfs_close(&ctx.fs);
		free(root), free(winabs);
		return err;
	}
	for (const struct bs_probe *const *p = bs_probes; *p; p++)
		nprobes++;
	ctx.slots = bs_calloc(nprobes, sizeof(*ctx.slots));
	for (size_t i = 0; i < nprobes; i++)
		ctx.slots[i].probe = bs_probes[i];
	ctx.nslots = nprobes;

	s = bs_calloc(1, sizeof(*s));
	s->host = host_name(&ctx);
	s->root = bs_strdup(root ? root : "/");
	s->platform = bs_strdup(platform);
	bs_time_format(bs_clock_now(), when);
	s->started_at = bs_strdup(when);
	s->results = bs_calloc(pol->n ? pol->n : 1, sizeof(*s->results));
	for (size_t i = 0; i < pol->n; i++) {
		const struct bs_scan_check *c = &pol->v[i];
		if (strcmp(c->platform, platform) != 0)
			continue;
		if (opts->only && strncmp(c->id, opts->only, strlen(opts->only)) != 0)
			continue;
		run_check(&ctx, c, &s->results[s->n]);
		s->count[s->results[s->n].status]++;
		s->n++;
	}
	/* A Windows export names its machine: use it as the host unless --host said otherwise. */
	if (opts->winexport && !opts->host) {
		for (size_t i = 0; i < ctx.nfacts; i++)
			if (!strcmp(ctx.facts[i].name, "winaudit.machine") && ctx.facts[i].value[0]) {
				free(s->host);
				s->host = bs_strdup(ctx.facts[i].value);
				break;
			}
	}
	for (size_t i = 0; i < ctx.nfacts; i++) {
		free(ctx.facts[i].name);
		free(ctx.facts[i].subject);
		free(ctx.facts[i].value);
		free(ctx.facts[i].file);
	}
	free(ctx.facts);
	for (size_t i = 0; i < ctx.nslots; i++) {
		free(ctx.slots[i].reason);
		free(ctx.slots[i].reason_zh);
	}
	free(ctx.slots);
	bs_rootfs_close(&ctx.fs);
	free(root), free(winabs);
	bs_error_clear();
	*out = s;
	return 0;
}
