/* brokersec user: the account lifecycle (A2.4.1.6.1). The CLI acts as the operating-system
 * user that owns the data directory: whoever can read keys/ and brokersec.db has full
 * control anyway (docs/roles.md), so the CLI needs no sign-in and is not bound by the
 * who-may-act-on-whom table (it passes by = NULL); every change is still an event naming
 * that OS user, and the rules that protect the data itself (no change to a deleted
 * account, never without an active admin) hold here too. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "cmd/cmd.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "core/utf8.h"
#include "core/whoami.h"
#include "intake/intake.h"
#include "jsonview/jsonview.h"
#include "registry/registry.h"

static const char usage_text[] =
	"usage: brokersec user add --username U --role ROLE [--full-name N] [--expires DATE]\n"
	"                          [--temporary|--emergency] [--password-stdin]\n"
	"       brokersec user list|review [--format table|json]\n"
	"       brokersec user show U [--format table|json]\n"
	"       brokersec user disable|enable|delete|unlock|reset U\n"
	"       brokersec user set-role U ROLE\n"
	"       brokersec user access (U | --role ROLE) [--networks CIDR,...] [--hours 'mon-fri 08:00-18:00']\n"
	"                          [--max-sessions N]\n"
	"       brokersec user totp U                 issue a TOTP secret (RFC 6238)\n"
	"       brokersec user token U --scope PERM[,PERM] [--days N]   issue an API token\n"
	"       brokersec user tokens [U] [--format table|json]   the API tokens (of U): id, owner, scopes,\n"
	"                             created, expires, state; never the token itself\n"
	"       brokersec user token-revoke ID        revoke API token ID (an event)\n"
	"       brokersec user roles                  the role x permission matrix (Markdown)\n"
	"       brokersec user privileges             who may act on whom over the API (Markdown)\n"
	"review checks every account and marks anomalies, recorded in the account-review register;\n"
	"access sets the remote-access rule of an account or a role (networks, hours, sessions).\n"
	"Roles: admin, security_officer, auditor, it_staff, employee (docs/roles.md).\n"
	"A new account gets a one-time password (printed once) that must be changed at first sign-in.\n";
static const char usage_zh[] =
	"用法: brokersec user add --username 帳號 --role 角色 [--full-name 姓名] [--expires 日期]\n"
	"                         [--temporary|--emergency] [--password-stdin]\n"
	"      brokersec user list|review [--format table|json]\n"
	"      brokersec user show 帳號 [--format table|json]\n"
	"      brokersec user disable|enable|delete|unlock|reset 帳號\n"
	"      brokersec user set-role 帳號 角色\n"
	"      brokersec user access (帳號 | --role 角色) [--networks CIDR,...] [--hours 'mon-fri 08:00-18:00']\n"
	"                         [--max-sessions N]\n"
	"      brokersec user totp 帳號              核發 TOTP 金鑰（RFC 6238）\n"
	"      brokersec user token 帳號 --scope 權限[,權限] [--days N]   核發 API 符記\n"
	"      brokersec user tokens [帳號] [--format table|json]   列出（該帳號之）API 符記：編號、持有人、\n"
	"                            權限範圍、建立、到期、狀態；絕不顯示符記本身\n"
	"      brokersec user token-revoke 編號      撤銷編號為 ID 之 API 符記（記入事件日誌）\n"
	"      brokersec user roles                  角色與權限對照表（Markdown）\n"
	"      brokersec user privileges             透過 API 誰可對誰操作（Markdown）\n"
	"review 審查所有帳號並標示異常，結果記入帳號審核登記簿（account-review）；\n"
	"access 設定帳號或角色之遠端存取規則（來源網段、時段、同時連線數）。\n"
	"角色：admin（系統管理者）、security_officer（資安專責人員）、auditor（稽核，即稽核單位）、\n"
	"it_staff（資訊人員）、employee（一般使用者）（docs/roles.md）。\n"
	"新帳號取得一次性密碼（只顯示一次），首次登入時必須變更。\n";

static void fmt_time(int64_t us, char out[BS_TIME_MAX])
{
	if (!us) {
		snprintf(out, BS_TIME_MAX, "-");
		return;
	}
	bs_time_format(us, out);
	out[19] = 'Z'; /* seconds are enough here */
	out[20] = '\0';
}

/* `user show`: a label (in the reader's language) and its value. */
static void show_row(const struct bs_cli *cli, const char *zh, const char *en, const char *value)
{
	struct bs_buf b = BS_BUF_INIT;
	bs_utf8_put_cell(&b, BS_T(cli->lang, zh, en), 18, 1);
	bs_buf_puts(&b, value);
	puts(b.ptr);
	bs_buf_release(&b);
}

/* An instant as a person reads it (UTC and the Taiwan date, core/datefmt.h), "-" for none. */
static const char *show_time(int64_t us, enum bs_lang lang, char out[BS_TIME_SHOW_MAX])
{
	if (!us) {
		snprintf(out, BS_TIME_SHOW_MAX, "-");
		return out;
	}
	return bs_time_show(us, lang, out);
}

/* The roles in the words of docs/roles.md and the text (資安專責人員, 稽核). */
static const char *role_label(enum bs_role r, enum bs_lang lang)
{
	switch (r) {
	case BS_ROLE_ADMIN: return BS_T(lang, "系統管理者", "admin");
	case BS_ROLE_SECURITY_OFFICER: return BS_T(lang, "資安專責人員", "security officer");
	case BS_ROLE_AUDITOR: return BS_T(lang, "稽核", "auditor");
	case BS_ROLE_IT_STAFF: return BS_T(lang, "資訊人員", "IT staff");
	case BS_ROLE_EMPLOYEE: return BS_T(lang, "一般使用者", "employee");
	default: return bs_role_name(r);
	}
}

static const char *state_label(const char *state, enum bs_lang lang)
{
	if (!strcmp(state, "active"))
		return BS_T(lang, "啟用", "active");
	if (!strcmp(state, "disabled"))
		return BS_T(lang, "停用", "disabled");
	if (!strcmp(state, "deleted"))
		return BS_T(lang, "已封存", "deleted");
	return state;
}

/* The one account view, the same as GET /api/v1/users (src/jsonview). */
static json_t *account_json(const struct bs_account *a)
{
	return bs_jsonview_account(a);
}

static void put_json(json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(o);
}

static void table_head(struct bs_buf *b, enum bs_lang lang, int review)
{
	bs_utf8_put_cell(b, BS_T(lang, "帳號", "USER"), 16, 1);
	bs_buf_putc(b, ' ');
	bs_utf8_put_cell(b, BS_T(lang, "角色", "ROLE"), 16, 1);
	bs_buf_putc(b, ' ');
	bs_utf8_put_cell(b, BS_T(lang, "狀態", "STATE"), 9, 1);
	bs_buf_putc(b, ' ');
	bs_utf8_put_cell(b, BS_T(lang, "最後登入", "LAST LOGIN"), 11, 1);
	bs_buf_putc(b, ' ');
	bs_utf8_put_cell(b, review ? BS_T(lang, "異常", "ANOMALIES") : BS_T(lang, "到期", "EXPIRES"), 24, 0);
	bs_buf_putc(b, '\n');
}

static void table_row(struct bs_buf *b, const struct bs_account *a, const char *last_col)
{
	char t[BS_TIME_MAX], e[BS_TIME_MAX];
	fmt_time(a->last_login_us, t);
	t[10] = '\0';
	fmt_time(a->expires_us, e);
	e[10] = '\0';
	bs_utf8_put_cell(b, a->username, 16, 1);
	bs_buf_putc(b, ' ');
	bs_utf8_put_cell(b, bs_role_name(a->role), 16, 1);
	bs_buf_putc(b, ' ');
	bs_utf8_put_cell(b, a->state, 9, 1);
	bs_buf_putc(b, ' ');
	bs_utf8_put_cell(b, t, 11, 1);
	bs_buf_putc(b, ' ');
	bs_utf8_put_cell(b, last_col ? (*last_col ? last_col : "-") : e, 24, 0);
	bs_buf_putc(b, '\n');
}

/* Reads one line (the password) from stdin without echoing anything. */
static int read_password(struct bs_cli *cli, char *buf, size_t n)
{
	if (!fgets(buf, (int)n, stdin)) {
		fprintf(stderr, "%s %s: --password-stdin: no password on standard input\n", cli->prog, cli->command);
		return -1;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* The review of brokersec's own accounts is also an entry in the account-review register,
 * so the deadline engine (A2.4.1.6.1.4) sees it beside reviews of other systems. */
static int record_review(struct bs_datadir *dd, size_t n, const struct bs_review_row *rows)
{
	const struct bs_register *r = bs_register_find("account-review");
	char day[BS_DATE_MAX], note[160];
	int anomalies = 0, err;

	for (size_t i = 0; i < n; i++)
		if (rows[i].anomalies[0])
			anomalies++;
	bs_date_format(bs_days_from_time(bs_clock_now()), day);
	snprintf(note, sizeof(note), "brokersec accounts: %zu reviewed, %d with anomalies", n, anomalies);
	json_t *rec = json_pack("{s:s, s:s, s:s}", "date", day, "reviewer", dd->actor ? dd->actor : "", "note", note);
	err = r ? bs_reg_add(dd, r, rec, 0, NULL) : bs_error(BS_ERR, "the account-review register is missing");
	json_decref(rec);
	return err;
}

/* The option values of `brokersec user`, for every verb (each takes only its own). */
struct user_opts {
	const char *username, *role_s, *full, *expires, *format, *nets, *hours, *scope;
	enum bs_account_kind kind;
	int use_stdin, max_sessions, days, json;
	enum bs_role role;  /* add: --role, parsed */
	int64_t expires_us; /* add: --expires, parsed */
	const char *extra;  /* set-role: ROLE */
	long long token_id; /* token-revoke: ID */
};

enum { O_USER = 0x2000, O_ROLE, O_NAME, O_EXPIRES, O_TEMP, O_EMERG, O_STDIN, O_FORMAT, O_NETS, O_HOURS, O_MAX,
       O_SCOPE, O_DAYS };

static int user_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct user_opts *o = ctx;

	switch (opt) {
	case O_USER: o->username = arg; break;
	case O_ROLE: o->role_s = arg; break;
	case O_NAME: o->full = arg; break;
	case O_EXPIRES: o->expires = arg; break;
	case O_TEMP: o->kind = BS_KIND_TEMPORARY; break;
	case O_EMERG: o->kind = BS_KIND_EMERGENCY; break;
	case O_STDIN: o->use_stdin = 1; break;
	case O_FORMAT: o->format = arg; break;
	case O_NETS: o->nets = arg; break;
	case O_HOURS: o->hours = arg; break;
	case O_SCOPE: o->scope = arg; break;
	case O_MAX:
	case O_DAYS: {
		char *end;
		long v = strtol(arg, &end, 10);
		if (end == arg || *end || v < 0 || v > 1000)
			return bs_cli_usage_error(cli, "--%s takes a number 0..1000, not '%s'",
						  opt == O_MAX ? "max-sessions" : "days", arg);
		if (opt == O_MAX)
			o->max_sessions = (int)v;
		else
			o->days = (int)v;
		break;
	}
	}
	return -1;
}

/* --format of list, show and review. */
static int check_format(struct bs_cli *cli, struct user_opts *o)
{
	static const char *const formats[] = { "table", "json", NULL };
	int fmt = bs_cli_format(cli, o->format, formats);

	if (fmt < 0)
		return 2;
	o->json = fmt == 1;
	return -1;
}

static int check_list(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	return check_format(cli, ctx);
}

/* The positional USER (and ROLE for set-role) of every verb but add, list and review. */
static int check_user(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct user_opts *o = ctx;
	int r, want = !strcmp(cli->verb, "set-role") ? 2 : !strcmp(cli->verb, "access") && o->role_s ? 0 : 1;

	if ((r = check_format(cli, o)) >= 0)
		return r;
	if (want && argc < 1)
		return bs_cli_usage_error(cli, "'user %s' needs a USERNAME", cli->verb);
	if (want == 2 && argc < 2)
		return bs_cli_usage_error(cli, "'user set-role' needs USERNAME and ROLE");
	if (argc > want)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[want]);
	if (want)
		o->username = argv[0];
	if (want == 2)
		o->extra = argv[1];
	if (!strcmp(cli->verb, "token") && !o->scope)
		return bs_cli_usage_error(cli, "'user token' needs --scope PERM[,PERM], e.g. --scope events.append");
	return -1;
}

static int check_add(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct user_opts *o = ctx;
	int err;

	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (!o->username || !o->role_s)
		return bs_cli_usage_error(cli, "'user add' needs --username U and --role ROLE");
	if ((err = bs_role_parse(o->role_s, &o->role)) < 0)
		return bs_cli_fail(cli, err);
	if (o->expires && (err = bs_time_parse(o->expires, &o->expires_us)) < 0)
		return bs_cli_fail(cli, err);
	if (o->kind != BS_KIND_PERSONAL && !o->expires)
		return bs_cli_usage_error(cli, "--temporary and --emergency accounts need --expires DATE (A2.4.1.6.1)");
	return -1;
}

static int user_add(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	struct bs_account_new nw = { o->username, o->full, o->role, o->kind, o->expires_us, NULL };
	char pw[BS_PASSWORD_MAX + 2], gen[32];
	int err;

	(void)argc;
	(void)argv;
	if (o->use_stdin) {
		if (read_password(cli, pw, sizeof(pw)) < 0)
			return 2;
		nw.password = pw;
	}
	err = bs_account_create(dd, &nw, gen);
	sodium_memzero(pw, sizeof(pw));
	if (err < 0)
		return bs_cli_fail(cli, err);
	printf("%s '%s' (%s)\n", BS_T(cli->lang, "已建立帳號", "created account"), o->username, bs_role_name(nw.role));
	if (!o->use_stdin) {
		printf("%s %s\n", BS_T(cli->lang, "一次性密碼（僅顯示這一次，首次登入時必須變更）:",
				       "one-time password (shown only this once; must be changed at first sign-in):"), gen);
		sodium_memzero(gen, sizeof(gen));
	}
	return bs_cli_flush(cli);
}

static int user_show(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	struct bs_account one;
	char t[BS_TIME_SHOW_MAX], v[512];
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_account_get(dd->store, o->username, &one)) < 0)
		return bs_cli_fail(cli, err);
	if (o->json) {
		put_json(account_json(&one));
		return bs_cli_flush(cli);
	}
	show_row(cli, "帳號", "username", one.username);
	show_row(cli, "姓名", "full name", one.full_name);
	snprintf(v, sizeof(v), "%s%s%s", role_label(one.role, cli->lang), cli->lang == BS_LANG_EN ? "" : " ",
		 cli->lang == BS_LANG_EN ? "" : bs_role_name(one.role));
	show_row(cli, "角色", "role", v);
	show_row(cli, "種類", "kind", bs_account_kind_name(one.kind));
	snprintf(v, sizeof(v), "%s%s%s", state_label(one.state, cli->lang), one.disabled_reason[0] ? " - " : "",
		 one.disabled_reason);
	show_row(cli, "狀態", "state", v);
	show_row(cli, "到期", "expires", show_time(one.expires_us, cli->lang, t));
	show_row(cli, "最後登入", "last sign-in", show_time(one.last_login_us, cli->lang, t));
	snprintf(v, sizeof(v), "%s%s", show_time(one.pw_changed_us, cli->lang, t),
		 one.must_change ? BS_T(cli->lang, "（須變更）", " (change required)") : "");
	show_row(cli, "密碼變更", "password changed", v);
	show_row(cli, "鎖定", "locked", one.locked_until_us > bs_clock_now() ? BS_T(cli->lang, "是", "yes")
									  : BS_T(cli->lang, "否", "no"));
	snprintf(v, sizeof(v), "%s%s", one.totp_enrolled ? BS_T(cli->lang, "已設定", "yes") : BS_T(cli->lang, "未設定", "no"),
		 one.totp_cli_only ? BS_T(cli->lang, "（種子只能由 'brokersec user totp' 取得）",
					  " (a seed only from 'brokersec user totp')") : "");
	show_row(cli, "TOTP", "totp", v);
	show_row(cli, "允許網段", "networks", one.networks[0] ? one.networks : BS_T(cli->lang, "（不限）", "(any)"));
	show_row(cli, "允許時段", "hours", one.hours[0] ? one.hours : BS_T(cli->lang, "（不限）", "(any)"));
	snprintf(v, sizeof(v), "%d", one.max_sessions);
	show_row(cli, "連線數上限", "max sessions", v);
	return bs_cli_flush(cli);
}

static int user_list(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	struct bs_account *v = NULL;
	size_t n = 0;
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_account_list(dd->store, 0, &v, &n)) < 0)
		return bs_cli_fail(cli, err);
	if (o->json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, account_json(&v[i]));
		put_json(a);
	} else {
		struct bs_buf b = BS_BUF_INIT;
		table_head(&b, cli->lang, 0);
		for (size_t i = 0; i < n; i++)
			table_row(&b, &v[i], NULL);
		fputs(b.ptr, stdout);
		bs_buf_release(&b);
	}
	free(v);
	return bs_cli_flush(cli);
}

static int user_review(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	struct bs_review_row *rows = NULL;
	size_t n = 0;
	int swept = 0, err;

	(void)argc;
	(void)argv;
	if ((err = bs_account_sweep(dd, &swept)) < 0 || (err = bs_account_review(dd, &rows, &n)) < 0 ||
	    (err = record_review(dd, n, rows)) < 0) {
		free(rows);
		return bs_cli_fail(cli, err);
	}
	if (o->json) {
		json_t *obj = json_object(), *a = json_array();
		char t[BS_TIME_MAX];
		fmt_time(bs_clock_now(), t);
		json_object_set_new(obj, "reviewed_at", json_string(t));
		json_object_set_new(obj, "reviewed_by", json_string(dd->actor));
		json_object_set_new(obj, "disabled_now", json_integer(swept));
		for (size_t i = 0; i < n; i++) {
			json_t *j = account_json(&rows[i].a);
			json_object_set_new(j, "anomalies", json_string(rows[i].anomalies));
			json_array_append_new(a, j);
		}
		json_object_set_new(obj, "accounts", a);
		put_json(obj);
	} else {
		struct bs_buf b = BS_BUF_INIT;
		table_head(&b, cli->lang, 1);
		for (size_t i = 0; i < n; i++)
			table_row(&b, &rows[i].a, rows[i].anomalies);
		bs_buf_printf(&b, "%s: %zu %s, %d %s; %s %s\n", BS_T(cli->lang, "帳號審查", "account review"), n,
			      BS_T(cli->lang, "個帳號", "accounts"), swept,
			      BS_T(cli->lang, "個因到期或閒置而停用", "disabled now as expired or idle"),
			      BS_T(cli->lang, "審查人", "reviewed by"), dd->actor);
		fputs(b.ptr, stdout);
		bs_buf_release(&b);
	}
	free(rows);
	return bs_cli_flush(cli);
}

/* disable, enable, delete */
static int user_state(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	const char *verb = cli->verb;
	const char *state = verb[0] == 'e' ? "active" : verb[1] == 'i' ? "disabled" : "deleted";
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_account_set_state(dd, NULL, o->username, state, NULL)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s: %s\n", o->username, verb[0] == 'e' ? BS_T(cli->lang, "已啟用", "enabled")
				     : verb[1] == 'i' ? BS_T(cli->lang, "已停用", "disabled")
						      : BS_T(cli->lang, "已刪除（封存）", "deleted (archived)"));
	return bs_cli_flush(cli);
}

static int user_set_role(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	enum bs_role role;
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_role_parse(o->extra, &role)) < 0 || (err = bs_account_set_role(dd, NULL, o->username, role)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s: %s %s\n", o->username, BS_T(cli->lang, "角色改為", "role is now"), bs_role_name(role));
	return bs_cli_flush(cli);
}

static int user_unlock(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_account_unlock(dd, NULL, o->username)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s: %s\n", o->username, BS_T(cli->lang, "已解除鎖定", "unlocked"));
	return bs_cli_flush(cli);
}

static int user_reset(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	char tok[65];
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_reset_issue(dd, NULL, o->username, tok)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s\n%s\n", BS_T(cli->lang, "一次性重設碼（15 分鐘內有效，僅能使用一次；請在確認本人身分後交付）:",
				 "one-time reset token (valid 15 minutes, usable once; hand it over only after "
				 "re-identifying the person):"), tok);
	sodium_memzero(tok, sizeof(tok));
	return bs_cli_flush(cli);
}

static int user_access(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	int err;

	(void)argc;
	(void)argv;
	if (o->role_s) {
		enum bs_role role;
		if ((err = bs_role_parse(o->role_s, &role)) < 0 ||
		    (err = bs_role_set_access(dd, role, o->nets, o->hours, o->max_sessions)) < 0)
			return bs_cli_fail(cli, err);
	} else if ((err = bs_account_set_access(dd, NULL, o->username, o->nets, o->hours, o->max_sessions)) < 0) {
		return bs_cli_fail(cli, err);
	}
	printf("%s\n", BS_T(cli->lang, "已更新遠端存取規則", "remote-access rule updated"));
	return bs_cli_flush(cli);
}

static int user_totp(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	unsigned char secret[BS_TOTP_SECRET_BYTES];
	char b32[64];
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_account_totp_enroll(dd, NULL, o->username, NULL, secret)) < 0)
		return bs_cli_fail(cli, err);
	bs_base32_encode(secret, sizeof(secret), b32, sizeof(b32));
	sodium_memzero(secret, sizeof(secret));
	printf("%s\n%s\notpauth://totp/brokersec:%s?secret=%s&issuer=brokersec\n",
	       BS_T(cli->lang, "TOTP 金鑰（僅顯示這一次；請在確認本人身分後親自交付，下次登入須輸入其驗證碼）:",
		    "TOTP secret (shown only this once: hand it over only after re-identifying the person; "
		    "the next sign-in needs a code from it):"), b32, o->username, b32);
	sodium_memzero(b32, sizeof(b32));
	return bs_cli_flush(cli);
}

static int user_token(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	char tok[69];
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_token_create(dd, o->username, o->scope, o->days, tok)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s\n%s\n", BS_T(cli->lang, "API 符記（僅顯示這一次）:", "API token (shown only this once):"), tok);
	sodium_memzero(tok, sizeof(tok));
	return bs_cli_flush(cli);
}

/* A token's state now: revoked, expired or active. */
static const char *token_state(const struct bs_token_info *t)
{
	return t->revoked ? "revoked" : t->expires_us <= bs_clock_now() ? "expired" : "active";
}

static const char *token_state_label(const char *state, enum bs_lang lang)
{
	if (!strcmp(state, "revoked"))
		return BS_T(lang, "已撤銷", "revoked");
	if (!strcmp(state, "expired"))
		return BS_T(lang, "已到期", "expired");
	return BS_T(lang, "有效", "active");
}

static int check_tokens(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct user_opts *o = ctx;
	int r;

	if ((r = check_format(cli, o)) >= 0)
		return r;
	if (argc > 1)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
	o->username = argc ? argv[0] : NULL;
	return -1;
}

static int user_tokens(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	struct bs_token_info *v = NULL;
	size_t n = 0;
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_token_list(dd, NULL, o->username, &v, &n)) < 0)
		return bs_cli_fail(cli, err);
	if (o->json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, bs_jsonview_token(&v[i], token_state(&v[i])));
		put_json(a);
	} else {
		struct bs_buf b = BS_BUF_INIT;
		char c[BS_TIME_MAX], e[BS_TIME_MAX];
		bs_utf8_put_cell(&b, BS_T(cli->lang, "編號", "ID"), 6, 1);
		bs_buf_putc(&b, ' ');
		bs_utf8_put_cell(&b, BS_T(cli->lang, "持有人", "OWNER"), 16, 1);
		bs_buf_putc(&b, ' ');
		bs_utf8_put_cell(&b, BS_T(cli->lang, "狀態", "STATE"), 8, 1);
		bs_buf_putc(&b, ' ');
		bs_utf8_put_cell(&b, BS_T(cli->lang, "建立", "CREATED"), 11, 1);
		bs_buf_putc(&b, ' ');
		bs_utf8_put_cell(&b, BS_T(cli->lang, "到期", "EXPIRES"), 11, 1);
		bs_buf_putc(&b, ' ');
		bs_utf8_put_cell(&b, BS_T(cli->lang, "權限範圍", "SCOPES"), 20, 0);
		bs_buf_putc(&b, '\n');
		for (size_t i = 0; i < n; i++) {
			char id[24];
			snprintf(id, sizeof(id), "%lld", (long long)v[i].id);
			fmt_time(v[i].created_us, c);
			c[10] = '\0';
			fmt_time(v[i].expires_us, e);
			e[10] = '\0';
			bs_utf8_put_cell(&b, id, 6, 1);
			bs_buf_putc(&b, ' ');
			bs_utf8_put_cell(&b, v[i].owner, 16, 1);
			bs_buf_putc(&b, ' ');
			bs_utf8_put_cell(&b, token_state_label(token_state(&v[i]), cli->lang), 8, 1);
			bs_buf_putc(&b, ' ');
			bs_utf8_put_cell(&b, c, 11, 1);
			bs_buf_putc(&b, ' ');
			bs_utf8_put_cell(&b, e, 11, 1);
			bs_buf_putc(&b, ' ');
			bs_utf8_put_cell(&b, v[i].scopes, 20, 0);
			bs_buf_putc(&b, '\n');
		}
		if (!n)
			bs_buf_printf(&b, "%s\n", BS_T(cli->lang, "（沒有 API 符記）", "(no API tokens)"));
		fputs(b.ptr, stdout);
		bs_buf_release(&b);
	}
	free(v);
	return bs_cli_flush(cli);
}

static int check_token_revoke(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct user_opts *o = ctx;
	char *end;

	if (argc != 1)
		return argc ? bs_cli_usage_error(cli, "unexpected argument '%s'", argv[1])
			    : bs_cli_usage_error(cli, "'user token-revoke' needs the token's ID ('brokersec user tokens' "
						 "lists them)");
	o->token_id = strtoll(argv[0], &end, 10);
	if (end == argv[0] || *end || o->token_id < 1)
		return bs_cli_usage_error(cli, "token ID '%s' is not a whole number from 1: 'brokersec user tokens' "
					  "lists the IDs", argv[0]);
	return -1;
}

static int user_token_revoke(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct user_opts *o = ctx;
	char owner[65];
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_token_revoke(dd, NULL, o->token_id, owner)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %lld (%s): %s\n", BS_T(cli->lang, "API 符記", "API token"), (long long)o->token_id, owner,
	       BS_T(cli->lang, "已撤銷", "revoked"));
	return bs_cli_flush(cli);
}

/* roles, privileges: the tables themselves (docs/roles.md is checked against them) */
static int user_matrix(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct bs_buf b = BS_BUF_INIT;

	(void)ctx;
	(void)dd;
	(void)argc;
	(void)argv;
	if (cli->verb[0] == 'r')
		bs_perm_matrix_markdown(&b);
	else
		bs_privilege_matrix_markdown(&b);
	fputs(b.ptr, stdout);
	bs_buf_release(&b);
	return bs_cli_flush(cli);
}

int cmd_user(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "username", required_argument, NULL, O_USER },
		{ "role", required_argument, NULL, O_ROLE },
		{ "full-name", required_argument, NULL, O_NAME },
		{ "expires", required_argument, NULL, O_EXPIRES },
		{ "temporary", no_argument, NULL, O_TEMP },
		{ "emergency", no_argument, NULL, O_EMERG },
		{ "password-stdin", no_argument, NULL, O_STDIN },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "networks", required_argument, NULL, O_NETS },
		{ "hours", required_argument, NULL, O_HOURS },
		{ "max-sessions", required_argument, NULL, O_MAX },
		{ "scope", required_argument, NULL, O_SCOPE },
		{ "days", required_argument, NULL, O_DAYS },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	/* Every verb that changes an account writes; the CLI passes by = NULL (see the top). */
	static const struct bs_cli_verb verbs[] = {
		{ "add", user_add, BS_CMD_WRITES,
		  "username role full-name expires temporary emergency password-stdin", check_add },
		{ "list", user_list, BS_CMD_DATADIR, "format", check_list },
		{ "show", user_show, BS_CMD_DATADIR, "format", check_user },
		{ "disable", user_state, BS_CMD_WRITES, "", check_user },
		{ "enable", user_state, BS_CMD_WRITES, "", check_user },
		{ "delete", user_state, BS_CMD_WRITES, "", check_user },
		{ "set-role", user_set_role, BS_CMD_WRITES, "", check_user },
		{ "reset", user_reset, BS_CMD_WRITES, "", check_user },
		{ "unlock", user_unlock, BS_CMD_WRITES, "", check_user },
		{ "review", user_review, BS_CMD_WRITES, "format", check_list },
		{ "access", user_access, BS_CMD_WRITES, "role networks hours max-sessions", check_user },
		{ "totp", user_totp, BS_CMD_WRITES, "", check_user },
		{ "token", user_token, BS_CMD_WRITES, "scope days", check_user },
		{ "tokens", user_tokens, BS_CMD_DATADIR, "format", check_tokens },
		{ "token-revoke", user_token_revoke, BS_CMD_WRITES, "", check_token_revoke },
		{ "roles", user_matrix, BS_CMD_NO_DATADIR, "", NULL },
		{ "privileges", user_matrix, BS_CMD_NO_DATADIR, "", NULL },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", user_option, verbs, NULL };
	struct user_opts o = { .kind = BS_KIND_PERSONAL, .max_sessions = -1, .days = 90 };

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}

int bs_cli_init_auth(struct bs_cli *cli, const char *path, const char *admin, int show_password)
{
	struct bs_datadir *dd = NULL;
	char gen[32], *cert = NULL, *key = NULL, fp[128];
	const char *os = bs_os_user();
	int err;

	if (!admin)
		admin = bs_username_check(os) == 0 && strcmp(os, "root") ? os : "admin";
	bs_error_clear();
	if ((err = bs_datadir_open(&dd, path)) < 0)
		goto fail;
	struct bs_account_new nw = { admin, NULL, BS_ROLE_ADMIN, BS_KIND_PERSONAL, 0, NULL };
	if ((err = bs_account_create(dd, &nw, gen)) < 0)
		goto fail;
	if (show_password)
		printf("%s '%s'\n%s %s\n", BS_T(cli->lang, "已建立第一位管理者帳號", "created the first administrator account"),
		       admin, BS_T(cli->lang, "一次性密碼（僅顯示這一次，首次登入時必須變更）:",
				   "one-time password (shown only this once; must be changed at first sign-in):"), gen);
	else /* init --password-at-serve: serve gives it a new one (bs_account_first_password) */
		printf("%s '%s'\n%s\n", BS_T(cli->lang, "已建立第一位管理者帳號", "created the first administrator account"),
		       admin, BS_T(cli->lang, "一次性密碼將於 'brokersec serve' 啟動時顯示", "its one-time password is shown when "
				   "'brokersec serve' starts"));
	sodium_memzero(gen, sizeof(gen));
	if ((err = bs_intake_tls_ensure(path, &cert, &key, fp, sizeof(fp))) < 0)
		goto fail;
	printf("%s %s\n", BS_T(cli->lang, "TLS 憑證（自簽）", "TLS certificate (self-signed)"), fp);
	free(cert);
	free(key);
	bs_datadir_free(dd);
	return 0;
fail:
	fprintf(stderr, "%s %s: %s\n%s\n", cli->prog, cli->command, bs_error_message(),
		BS_T(cli->lang, "資料目錄已建立，但第一位管理者未建立：請執行 'brokersec user add --username 帳號 --role admin'",
		     "the data directory exists but the first administrator was not created: run "
		     "'brokersec user add --username NAME --role admin'"));
	bs_datadir_free(dd);
	return 1;
}
