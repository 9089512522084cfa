/* brokersec scan: host assessment against the check policies; waivers; saved scans. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "cmd/cmd.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/term.h"
#include "core/utf8.h"
#include "scan/scan.h"

static const char usage_text[] =
	"usage: brokersec scan [--root DIR] [--policy FILE|DIR] [--only PREFIX] [--format table|json]\n"
	"                      [--host NAME] [--save --system ID [--device ID]] [--data DIR]\n"
	"       brokersec scan --windows-export DIR [--format table|json] [--save --system ID ...]\n"
	"       brokersec scan --list-checks [--policy FILE|DIR] [--format table|json|markdown]\n"
	"       brokersec scan --waive CHECK_ID --host NAME --justification TEXT --approver NAME\n"
	"                      --expires YYYY-MM-DD [--data DIR]\n"
	"       brokersec scan --waivers [--host NAME] [--all] [--format table|json] [--data DIR]\n"
	"Checks this host (or the system mounted at --root) against the built-in policies and any\n"
	"given with --policy; --windows-export reads Windows exports (secedit, auditpol, net accounts),\n"
	"--list-checks lists the checks, --waive records a waiver (justified, approved, expiring), --waivers lists them.\n"
	"--root DIR is read as chroot would (links stay inside it); a DIR with no system in it (no\n"
	"etc/os-release, etc/passwd, dpkg, rpm or apk database) is refused; a file a check cannot read\n"
	"or parse makes that check an error, never a pass.\n"
	"With --data or --save, waivers for the host apply; --save keeps the\n"
	"scan as evidence for 'brokersec status'. Exit status: 0 all pass, 1 a check failed or could\n"
	"not decide, 2 the scan could not run.\n";
static const char usage_zh[] =
	"用法: brokersec scan [--root 目錄] [--policy 檔案|目錄] [--only 前綴] [--format table|json]\n"
	"                     [--host 主機名稱] [--save --system ID [--device ID]] [--data 目錄]\n"
	"      brokersec scan --windows-export 目錄 [--format table|json] [--save --system ID ...]\n"
	"      brokersec scan --list-checks [--policy 檔案|目錄] [--format table|json|markdown]\n"
	"      brokersec scan --waive 檢查項 --host 主機名稱 --justification 理由 --approver 核准人\n"
	"                     --expires YYYY-MM-DD [--data 目錄]\n"
	"      brokersec scan --waivers [--host 主機名稱] [--all] [--format table|json] [--data 目錄]\n"
	"依內建檢查政策及 --policy 所給者，檢查本主機（或掛載於 --root 之系統）。\n"
	"--windows-export 檢查 Windows 匯出檔（secedit、auditpol、net accounts）；--list-checks 列出檢查項。\n"
	"--root 目錄如 chroot 般讀取（連結不會指向目錄之外）；目錄中沒有系統（沒有 etc/os-release、\n"
	"etc/passwd、dpkg、rpm 或 apk 資料庫）者拒絕掃描；檢查項無法讀取或解析其檔案時列為錯誤，絕不視為通過。\n"
	"給 --data 或 --save 時，套用該主機之豁免；--save 將掃描結果保存為 'brokersec status' 之佐證。\n"
	"--waive 登錄一項豁免（須有理由、核准人與到期日）；--waivers 列出豁免。\n"
	"結束狀態：0 全部通過，1 有檢查未通過或無法判定，2 無法執行掃描。\n";

enum {
	OPT_ROOT = 0x2000, OPT_POLICY, OPT_FORMAT, OPT_SAVE, OPT_SYSTEM, OPT_DEVICE, OPT_HOST, OPT_WINEXPORT,
	OPT_LIST, OPT_ONLY, OPT_PROC, OPT_WAIVE, OPT_WAIVERS, OPT_ALL, OPT_JUST, OPT_APPROVER, OPT_EXPIRES,
};

/* One line of detail, wrapped to the terminal (continuation lines indented like the first)
 * rather than cut: a fix or a reason is read whole. */
static void put_line(struct bs_buf *b, const char *indent, const char *text)
{
	size_t w = bs_utf8_width(indent);
	bs_buf_puts(b, indent);
	bs_utf8_wrap(b, text, w, bs_term_width() - 1, w);
	bs_buf_putc(b, '\n');
}

static void evidence_text(const struct bs_scan_evidence *e, enum bs_lang lang, struct bs_buf *t)
{
	if (e->file && e->line)
		bs_buf_printf(t, "%s:%d ", e->file, e->line);
	else if (e->file)
		bs_buf_printf(t, "%s ", e->file);
	if (e->subject && (!e->file || strcmp(e->subject, e->file)))
		bs_buf_printf(t, "[%s] ", e->subject);
	bs_buf_printf(t, "%s %s%s %s", BS_T(lang, "找到", "found"), e->found, BS_T(lang, "；要求", "; required"),
		      e->required);
}

static void print_table(const struct bs_scan *s, enum bs_lang lang)
{
	struct bs_buf b = BS_BUF_INIT, t = BS_BUF_INIT;

	bs_buf_printf(&t, "%s %s · %s · %.19sZ · %s %s", BS_T(lang, "主機", "host"), s->host, s->platform, s->started_at,
		      BS_T(lang, "根目錄", "root"), s->root);
	put_line(&b, "", t.ptr);
	bs_utf8_put_cell(&b, BS_T(lang, "結果", "result"), 6, 1);
	bs_buf_putc(&b, ' ');
	bs_utf8_put_cell(&b, BS_T(lang, "嚴重度", "severity"), 8, 1);
	bs_buf_putc(&b, ' ');
	bs_utf8_put_cell(&b, BS_T(lang, "檢查", "check"), 30, 1);
	bs_buf_putc(&b, ' ');
	bs_utf8_put_cell(&b, BS_T(lang, "項目", "title"), 32, 0);
	bs_buf_putc(&b, '\n');
	for (size_t i = 0; i < s->n; i++) {
		const struct bs_scan_result *r = &s->results[i];
		bs_utf8_put_cell(&b, r->waiver ? BS_T(lang, "豁免", "waived") : bs_scan_status_label(r->status, lang), 6, 1);
		bs_buf_putc(&b, ' ');
		bs_utf8_put_cell(&b, bs_scan_severity_name(r->check->severity), 8, 1);
		bs_buf_putc(&b, ' ');
		bs_utf8_put_cell(&b, r->check->id, 30, 1);
		bs_buf_putc(&b, ' ');
		bs_utf8_put_cell(&b, bs_text_get(&r->check->title, lang), 32, 0);
		bs_buf_putc(&b, '\n');
		/* the number is brokersec's where the text sets none: said on every result */
		if (r->check->baseline.zh)
			put_line(&b, "  ", bs_text_get(&r->check->baseline, lang));
		if (r->status == BS_SCAN_PASS)
			continue;
		bs_buf_clear(&t);
		for (size_t k = 0; k < r->check->nrefs; k++)
			bs_buf_printf(&t, "%s%s", k ? " " : "", r->check->refs[k]);
		put_line(&b, "  § ", t.ptr);
		if (r->reason) {
			bs_buf_clear(&t);
			bs_buf_printf(&t, "%s%s", BS_T(lang, "原因：", "reason: "),
				      BS_T(lang, r->reason_zh ? r->reason_zh : r->reason, r->reason));
			put_line(&b, "  ", t.ptr);
		}
		for (size_t k = 0; k < r->nev && k < 5 && r->status == BS_SCAN_FAIL; k++) {
			bs_buf_clear(&t);
			evidence_text(&r->ev[k], lang, &t);
			put_line(&b, "  - ", t.ptr);
		}
		if (r->nev > 5 && r->status == BS_SCAN_FAIL) {
			bs_buf_clear(&t);
			bs_buf_printf(&t, BS_T(lang, "另有 %zu 項（--format json 可見全部）", "%zu more (see --format json)"),
				      r->nev - 5);
			put_line(&b, "  - ", t.ptr);
		}
		if (r->waiver) {
			bs_buf_clear(&t);
			bs_buf_printf(&t, BS_T(lang, "豁免 #%lld 至 %s，核准：%s，理由：%s", "waiver #%lld until %s, approved by %s: %s"),
				      (long long)r->waiver->id, r->waiver->expires, r->waiver->approver,
				      r->waiver->justification);
			put_line(&b, "  ", t.ptr);
		} else if (r->status == BS_SCAN_FAIL) {
			bs_buf_clear(&t);
			bs_buf_printf(&t, "%s%s", BS_T(lang, "改善：", "fix: "), bs_text_get(&r->check->remediation, lang));
			put_line(&b, "  ", t.ptr);
		}
	}
	bs_buf_printf(&b, "%s %u · %s %u · %s %u · %s %u · %s %u\n", BS_T(lang, "通過", "pass"), s->count[BS_SCAN_PASS],
		      BS_T(lang, "不符", "fail"), s->count[BS_SCAN_FAIL] - s->waived, BS_T(lang, "豁免", "waived"), s->waived,
		      BS_T(lang, "不適用", "n/a"), s->count[BS_SCAN_NA], BS_T(lang, "錯誤", "error"), s->count[BS_SCAN_ERROR]);
	fputs(b.ptr, stdout);
	bs_buf_release(&b);
	bs_buf_release(&t);
}

static json_t *text_json(const struct bs_text *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "zh-TW", json_string(t->zh));
	json_object_set_new(o, "en", json_string(t->en));
	return o;
}

static void md_cell(struct bs_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			bs_buf_puts(b, "\\|");
		else if (*s == '\n')
			bs_buf_putc(b, ' ');
		else
			bs_buf_putc(b, *s);
	}
}

static void list_checks(const struct bs_scan_policy *pol, const struct bs_catalog *cat, int fmt, enum bs_lang lang)
{
	struct bs_buf b = BS_BUF_INIT;

	if (fmt == 1) {
		json_t *arr = json_array();
		for (size_t i = 0; i < pol->n; i++) {
			const struct bs_scan_check *c = &pol->v[i];
			json_t *o = json_object(), *refs = json_array(), *rules = json_array();
			json_object_set_new(o, "id", json_string(c->id));
			json_object_set_new(o, "platform", json_string(c->platform));
			json_object_set_new(o, "severity", json_string(bs_scan_severity_name(c->severity)));
			json_object_set_new(o, "title", text_json(&c->title));
			json_object_set_new(o, "rationale", text_json(&c->rationale));
			json_object_set_new(o, "remediation", text_json(&c->remediation));
			if (c->baseline.zh)
				json_object_set_new(o, "baseline", text_json(&c->baseline));
			for (size_t k = 0; k < c->nrefs; k++)
				json_array_append_new(refs, json_string(c->refs[k]));
			json_object_set_new(o, "refs", refs);
			json_object_set_new(o, "condition", json_string(c->cond == BS_COND_ALL ? "all" :
									 c->cond == BS_COND_ANY ? "any" : "none"));
			for (size_t k = 0; k < c->nrules; k++) {
				bs_buf_clear(&b);
				bs_scan_rule_describe(c, k, &b);
				json_array_append_new(rules, json_string(b.ptr));
			}
			json_object_set_new(o, "rules", rules);
			json_object_set_new(o, "file", json_string(c->file));
			json_array_append_new(arr, o);
		}
		char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(arr);
	} else if (fmt == 2) {
		bs_buf_puts(&b, "# 主機檢查項目 / Host checks\n\n"
				"<!-- generated by `make docs` (brokersec scan --list-checks --format markdown): do not edit -->\n\n"
				"每項檢查對應法規條款（catalog id）。結果：pass / fail / not_applicable / error，附證據。\n"
				"Every check maps to catalog ids; results carry evidence (file, line, found, required).\n\n"
				"條文只要求「設定」而未定數值之處（密碼最長／最短效期、最低長度、閒置帳號、MaxAuthTries），\n"
				"檢查所用的數值是 brokersec 的基準，不是條文的要求：各列以「基準（brokersec 預設）…；條文要求：…」標明。\n"
				"Where the text asks for a limit without a number (password ages, length, idle accounts,\n"
				"MaxAuthTries), the number checked is brokersec's baseline, not the text's: such rows say\n"
				"\"baseline (brokersec default) ...; the text requires: ...\".\n");
		for (int plat = 0; plat < 2; plat++) {
			const char *pname = plat ? "windows" : "linux";
			bs_buf_printf(&b, "\n## %s\n\n| id | severity | refs | 檢查項目 / check | rules |\n|---|---|---|---|---|\n",
				      plat ? "Windows (`scan --windows-export DIR`)" : "Linux (`scan [--root DIR]`)");
			for (size_t i = 0; i < pol->n; i++) {
				const struct bs_scan_check *c = &pol->v[i];
				if (strcmp(c->platform, pname))
					continue;
				bs_buf_printf(&b, "| `%s` | %s | ", c->id, bs_scan_severity_name(c->severity));
				for (size_t k = 0; k < c->nrefs; k++)
					bs_buf_printf(&b, "%s%s", k ? ", " : "", c->refs[k]);
				bs_buf_puts(&b, " | ");
				md_cell(&b, c->title.zh);
				bs_buf_puts(&b, " / ");
				md_cell(&b, c->title.en);
				if (c->baseline.zh) {
					bs_buf_puts(&b, "<br>");
					md_cell(&b, c->baseline.zh);
					bs_buf_puts(&b, " / ");
					md_cell(&b, c->baseline.en);
				}
				bs_buf_printf(&b, " | %s of: ", c->cond == BS_COND_ALL ? "all" : c->cond == BS_COND_ANY ? "any" : "none");
				for (size_t k = 0; k < c->nrules; k++) {
					struct bs_buf r = BS_BUF_INIT;
					bs_scan_rule_describe(c, k, &r);
					bs_buf_puts(&b, k ? "; " : "");
					bs_buf_putc(&b, '`');
					md_cell(&b, r.ptr);
					bs_buf_putc(&b, '`');
					bs_buf_release(&r);
				}
				bs_buf_puts(&b, " |\n");
			}
		}
		/* Coverage: every catalog entry some check refers to, with its checks. */
		bs_buf_puts(&b, "\n## 法規條款覆蓋 / Regulation coverage\n\n| catalog id | 條款 / item | checks |\n|---|---|---|\n");
		for (size_t ci = 0; ci < cat->n; ci++) {
			const struct bs_control *ctl = &cat->v[ci];
			int first = 1;
			for (size_t i = 0; i < pol->n; i++)
				for (size_t k = 0; k < pol->v[i].nrefs; k++) {
					if (strcmp(pol->v[i].refs[k], ctl->id))
						continue;
					if (first) {
						bs_buf_printf(&b, "| %s | ", ctl->id);
						md_cell(&b, ctl->title.zh);
						bs_buf_puts(&b, " | ");
					}
					bs_buf_printf(&b, "%s`%s`", first ? "" : ", ", pol->v[i].id);
					first = 0;
				}
			if (!first)
				bs_buf_puts(&b, " |\n");
		}
		fputs(b.ptr, stdout);
	} else {
		for (size_t i = 0; i < pol->n; i++) {
			const struct bs_scan_check *c = &pol->v[i];
			struct bs_buf refs = BS_BUF_INIT;
			for (size_t k = 0; k < c->nrefs; k++)
				bs_buf_printf(&refs, "%s%s", k ? "," : "", c->refs[k]);
			bs_utf8_put_cell(&b, c->id, 30, 1);
			bs_buf_putc(&b, ' ');
			bs_utf8_put_cell(&b, bs_scan_severity_name(c->severity), 8, 1);
			bs_buf_putc(&b, ' ');
			bs_utf8_put_cell(&b, refs.ptr, 17, 1);
			bs_buf_putc(&b, ' ');
			bs_utf8_put_cell(&b, bs_text_get(&c->title, lang), 21, 0);
			bs_buf_putc(&b, '\n');
			bs_buf_release(&refs);
		}
		bs_buf_printf(&b, "%zu %s\n", pol->n, BS_T(lang, "項檢查", "checks"));
		fputs(b.ptr, stdout);
	}
	bs_buf_release(&b);
}

static int do_waive(struct bs_cli *cli, struct bs_datadir *dd, const struct bs_scan_policy *pol,
		    struct bs_scan_waiver *w)
{
	int64_t id;
	int err;

	if (!bs_scan_policy_find(pol, w->check_id)) {
		bs_error(BS_ENOTFOUND, "no check '%s': see 'brokersec scan --list-checks' for the ids", w->check_id);
		return bs_cli_fail(cli, BS_ENOTFOUND);
	}
	if ((err = bs_scan_waiver_add(dd, w, &id)) < 0)
		return bs_cli_fail(cli, err);
	printf("%lld\n", (long long)id);
	return bs_cli_flush(cli);
}

static int do_waivers(struct bs_cli *cli, struct bs_datadir *dd, const char *host, int all, int fmt)
{
	struct bs_scan_waiver *w = NULL;
	size_t n = 0;
	int err;

	if ((err = bs_scan_waiver_list(dd->store, host, all, bs_days_from_time(bs_clock_now()), &w, &n)) < 0)
		return bs_cli_fail(cli, err);
	if (fmt == 1) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)w[i].id,
							     "host", w[i].host, "check_id", w[i].check_id, "justification",
							     w[i].justification, "approver", w[i].approver, "expires",
							     w[i].expires, "created_at", w[i].created_at, "created_by",
							     w[i].created_by));
		char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(arr);
	} else {
		struct bs_buf b = BS_BUF_INIT;
		for (size_t i = 0; i < n; i++) {
			bs_buf_printf(&b, "%-4lld ", (long long)w[i].id);
			bs_utf8_put_cell(&b, w[i].host, 16, 1);
			bs_utf8_put_cell(&b, w[i].check_id, 30, 1);
			bs_buf_printf(&b, "%s ", w[i].expires);
			bs_utf8_put_cell(&b, w[i].approver, 13, 0);
			bs_buf_putc(&b, '\n');
		}
		bs_buf_printf(&b, "%zu %s\n", n, BS_T(cli->lang, "筆豁免", "waivers"));
		fputs(b.ptr, stdout);
		bs_buf_release(&b);
	}
	for (size_t i = 0; i < n; i++)
		bs_scan_waiver_release(&w[i]);
	free(w);
	return bs_cli_flush(cli);
}

struct scan_opts {
	struct bs_scan_opts so;
	struct bs_scan_waiver w;
	const char *policy, *format, *system, *device;
	int save, list, waivers, all, fmt;
};

static int scan_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct scan_opts *o = ctx;

	(void)cli;
	switch (opt) {
	case OPT_ROOT: o->so.root = arg; break;
	case OPT_POLICY: o->policy = arg; break;
	case OPT_FORMAT: o->format = arg; break;
	case OPT_SAVE: o->save = 1; break;
	case OPT_SYSTEM: o->system = arg; break;
	case OPT_DEVICE: o->device = arg; break;
	case OPT_HOST: o->so.host = arg; break;
	case OPT_WINEXPORT: o->so.winexport = arg; break;
	case OPT_LIST: o->list = 1; break;
	case OPT_ONLY: o->so.only = arg; break;
	case OPT_PROC: o->so.proc = arg; break;
	case OPT_WAIVE: o->w.check_id = (char *)arg; break;
	case OPT_WAIVERS: o->waivers = 1; break;
	case OPT_ALL: o->all = 1; break;
	case OPT_JUST: o->w.justification = (char *)arg; break;
	case OPT_APPROVER: o->w.approver = (char *)arg; break;
	case OPT_EXPIRES: o->w.expires = (char *)arg; break;
	}
	return -1;
}

/* Judges the options; --waive and --waivers need the data directory, which the dispatcher
 * then opens. A scan with --save or --data opens it itself, after reading the host: when that
 * fails the scan could not run (exit 2), which a script must not take for a failed check. */
static int scan_check(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", "markdown", NULL };
	struct scan_opts *o = ctx;
	const struct bs_scan_waiver *w = &o->w;

	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if ((o->fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	if (o->fmt == 2 && !o->list)
		return bs_cli_usage_error(cli, "--format markdown is for --list-checks");
	if (o->so.root && o->so.winexport)
		return bs_cli_usage_error(cli, "--root and --windows-export exclude each other");
	if ((o->system || o->device) && !o->save)
		return bs_cli_usage_error(cli, "--system and --device go with --save");
	if (o->save && !o->system)
		return bs_cli_usage_error(cli, "--save needs --system ID: the system the scanned host belongs to");
	if ((w->justification || w->approver || w->expires) && !w->check_id)
		return bs_cli_usage_error(cli, "--justification, --approver and --expires go with --waive CHECK_ID");
	if (w->check_id && (!o->so.host || !w->justification || !w->approver || !w->expires))
		return bs_cli_usage_error(cli, "--waive needs --host, --justification, --approver and --expires");
	if (!o->list && (w->check_id || o->waivers))
		cli->flags = (cli->flags & ~(unsigned)BS_CMD_NO_DATADIR) |
			     (w->check_id ? BS_CMD_DATADIR | BS_CMD_WRITES : BS_CMD_DATADIR);
	return -1;
}

static int scan_run(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct scan_opts *o = ctx;
	struct bs_scan_opts so = o->so;
	struct bs_scan_waiver w = o->w;
	const char *policy = o->policy, *system = o->system, *device = o->device;
	int save = o->save, fmt = o->fmt, err;
	const struct bs_catalog *cat;
	const struct bs_scan_policy *builtin;
	struct bs_scan_policy extra = { 0 }, merged = { 0 };
	const struct bs_scan_policy *pol;
	struct bs_scan *scan = NULL;
	int status = 2;

	(void)argc;
	(void)argv;
	if ((err = bs_catalog_builtin(&cat)) < 0 || (err = bs_scan_policy_builtin(&builtin)) < 0)
		return bs_cli_fail(cli, err) ? 2 : 2;
	pol = builtin;
	if (policy) {
		/* --policy adds to the built-in checks; ids must stay unique across both. */
		if ((err = bs_scan_policy_load(&extra, cat, policy)) < 0) {
			bs_scan_policy_release(&extra);
			bs_cli_fail(cli, err);
			return 2;
		}
		merged.n = merged.cap = builtin->n + extra.n;
		merged.v = bs_calloc(merged.n ? merged.n : 1, sizeof(*merged.v));
		memcpy(merged.v, builtin->v, builtin->n * sizeof(*merged.v));
		memcpy(merged.v + builtin->n, extra.v, extra.n * sizeof(*merged.v));
		struct bs_buf errors = BS_BUF_INIT;
		if (bs_scan_policy_link(&merged, &errors)) {
			bs_error(BS_EINVALID, "policy '%s' clashes with the built-in checks: %s", policy, errors.ptr);
			bs_buf_release(&errors);
			bs_cli_fail(cli, BS_EINVALID);
			goto out;
		}
		bs_buf_release(&errors);
		pol = &merged;
	}
	if (o->list) {
		list_checks(pol, cat, fmt, cli->lang);
		status = bs_cli_flush(cli);
		goto out;
	}
	if (w.check_id) {
		w.host = (char *)so.host;
		status = do_waive(cli, dd, pol, &w);
		goto out;
	}
	if (o->waivers) {
		status = do_waivers(cli, dd, so.host, o->all, fmt);
		goto out;
	}
	if ((err = bs_scan_run(&scan, pol, &so)) < 0) {
		bs_cli_fail(cli, err);
		status = 2;
		goto out;
	}
	if (save || cli->data_flag) {
		struct bs_datadir *sd = NULL;
		struct bs_scan_waiver *wv = NULL;
		size_t nw = 0;
		int32_t today = bs_days_from_time(bs_clock_now());
		if ((err = bs_cli_setup(cli, save ? BS_CMD_WRITES : BS_CMD_DATADIR, &sd)) < 0 ||
		    (err = bs_scan_waiver_list(sd->store, scan->host, 0, today, &wv, &nw)) < 0) {
			bs_datadir_free(sd);
			bs_cli_fail(cli, err);
			status = 2;
			goto out;
		}
		bs_scan_apply_waivers(scan, wv, nw, today);
		for (size_t i = 0; i < nw; i++)
			bs_scan_waiver_release(&wv[i]);
		free(wv);
		if (save) {
			int64_t id;
			if ((err = bs_scan_save(sd, scan, system, device, &id)) < 0) {
				bs_datadir_free(sd);
				bs_cli_fail(cli, err);
				status = 2;
				goto out;
			}
			fprintf(stderr, "%s #%lld\n", BS_T(cli->lang, "已儲存掃描", "saved scan"), (long long)id);
		}
		bs_datadir_free(sd);
	}
	if (fmt == 1) {
		char *s = bs_scan_json(scan);
		puts(s);
		free(s);
	} else {
		print_table(scan, cli->lang);
	}
	status = bs_cli_flush(cli) ? 2 : bs_scan_exit_status(scan);
out:
	bs_scan_free(scan);
	free(merged.v);
	/* the checks in merged belong to extra (and the built-in table) */
	bs_scan_policy_release(&extra);
	return status;
}

int cmd_scan(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "save", no_argument, NULL, OPT_SAVE },
		{ "system", required_argument, NULL, OPT_SYSTEM },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "windows-export", required_argument, NULL, OPT_WINEXPORT },
		{ "list-checks", no_argument, NULL, OPT_LIST },
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "proc", required_argument, NULL, OPT_PROC },
		{ "waive", required_argument, NULL, OPT_WAIVE },
		{ "waivers", no_argument, NULL, OPT_WAIVERS },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "justification", required_argument, NULL, OPT_JUST },
		{ "approver", required_argument, NULL, OPT_APPROVER },
		{ "expires", required_argument, NULL, OPT_EXPIRES },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb self[] = { { "", scan_run, 0, NULL, scan_check }, { NULL, NULL, 0, NULL, NULL } };
	static const struct bs_cli_spec spec = { opts, "h", scan_option, self, NULL };
	struct scan_opts o;

	memset(&o, 0, sizeof(o));
	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
