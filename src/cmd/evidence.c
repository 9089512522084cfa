/* brokersec evidence add|list|review: proof files kept against catalog controls or register
 * records, and their review (docs/status.md). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "catalog/catalog.h"
#include "cmd/cmd.h"
#include "core/error.h"
#include "core/utf8.h"
#include "evidence/evidence.h"
#include "jsonview/jsonview.h"
#include "registry/registry.h"

static const char usage_text[] =
	"usage: brokersec evidence add CONTROL_ID --file F [--note TEXT] [--format table|json] [--data DIR]\n"
	"       brokersec evidence add --record REGISTER:ID --file F [--note TEXT] [--format table|json] [--data DIR]\n"
	"       brokersec evidence list [CONTROL_ID|REGISTER[:ID]] [--format table|json] [--data DIR]\n"
	"       brokersec evidence review ID --accept|--reject --comment TEXT [--format table|json] [--data DIR]\n"
	"add keeps a copy of F in the data directory (named by its SHA-256) and records who added it when;\n"
	"the evidence is then 'submitted' and counts toward status only once a reviewer accepts it.\n"
	"--record attaches it to a register record instead of a control (the NDA to person:10).\n"
	"F must be a regular file of at most 100 MiB; symbolic links, FIFOs, devices and directories are\n"
	"refused.\n"
	"review accepts or rejects submitted evidence, once, with a comment; the reviewer is not the\n"
	"submitter and, when a brokersec account acts, holds the role security_officer or auditor.\n";
static const char usage_zh[] =
	"用法: brokersec evidence add 控制項 --file 檔案 [--note 說明] [--format table|json] [--data 目錄]\n"
	"      brokersec evidence add --record 登記簿:ID --file 檔案 [--note 說明] [--format table|json] [--data 目錄]\n"
	"      brokersec evidence list [控制項|登記簿[:ID]] [--format table|json] [--data 目錄]\n"
	"      brokersec evidence review ID --accept|--reject --comment 意見 [--format table|json] [--data 目錄]\n"
	"add 將佐證檔案複製保存於資料目錄（以其 SHA-256 命名），並記錄何人於何時新增；\n"
	"佐證此時為「已提交」，須經審核人員接受後才計入符合狀態（status）。\n"
	"--record 將佐證附於登記簿紀錄而非控制項（例如保密切結書附於 person:10）。\n"
	"檔案須為一般檔案，最大 100 MiB；符號連結、FIFO、裝置檔及目錄一律拒絕。\n"
	"review 以意見接受或退回已提交之佐證，僅限一次；審核者不得為提交者，\n"
	"以 brokersec 帳號操作時須具 security_officer（資安專責人員）或 auditor（稽核）角色。\n";

/* The one evidence view, the same as GET /api/v1/evidence (src/jsonview). */
static json_t *evidence_json(const struct bs_evidence *e)
{
	return bs_jsonview_evidence(e);
}

static const char *state_label(enum bs_evidence_state s, enum bs_lang lang)
{
	return s == BS_EVIDENCE_ACCEPTED ? BS_T(lang, "已採認", "accepted")
	       : s == BS_EVIDENCE_REJECTED ? BS_T(lang, "已退回", "rejected") : BS_T(lang, "待審核", "submitted");
}

struct list_ctx {
	json_t *arr;
	struct bs_buf out;
	size_t n;
	enum bs_lang lang;
};

static int list_one(const struct bs_evidence *e, void *p)
{
	struct list_ctx *lc = p;
	char day[11], what[96];

	lc->n++;
	if (lc->arr) {
		json_array_append_new(lc->arr, evidence_json(e));
		return 0;
	}
	snprintf(day, sizeof(day), "%.10s", e->created_at);
	if (e->record_register)
		snprintf(what, sizeof(what), "%s:%lld", e->record_register, (long long)e->record_id);
	else
		snprintf(what, sizeof(what), "%s", e->control_id);
	bs_buf_printf(&lc->out, "%-5lld ", (long long)e->id);
	bs_utf8_put_cell(&lc->out, what, 14, 1);
	bs_buf_printf(&lc->out, " %s ", day);
	bs_utf8_put_cell(&lc->out, state_label(e->state, lc->lang), 9, 1);
	bs_buf_putc(&lc->out, ' ');
	bs_utf8_put_cell(&lc->out, e->name, 24, 0);
	bs_buf_putc(&lc->out, '\n');
	return 0;
}

struct evidence_opts {
	const char *file, *note, *format, *id, *record, *comment;
	int json, accept, reject;
	int64_t review_id;
	struct bs_evidence_target target;
	char reg[64];
};

enum { OPT_FILE = 0x2000, OPT_NOTE, OPT_FORMAT, OPT_RECORD, OPT_ACCEPT, OPT_REJECT, OPT_COMMENT };

static int evidence_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct evidence_opts *o = ctx;

	(void)cli;
	if (opt == OPT_FILE)
		o->file = arg;
	else if (opt == OPT_NOTE)
		o->note = arg;
	else if (opt == OPT_FORMAT)
		o->format = arg;
	else if (opt == OPT_RECORD)
		o->record = arg;
	else if (opt == OPT_ACCEPT)
		o->accept = 1;
	else if (opt == OPT_REJECT)
		o->reject = 1;
	else if (opt == OPT_COMMENT)
		o->comment = arg;
	return -1;
}

static int check_add(struct bs_cli *cli, struct evidence_opts *o)
{
	if (!o->file || (!o->id == !o->record))
		return bs_cli_usage_error(cli, "add needs --file F and either CONTROL_ID or --record REGISTER:ID");
	if (o->record) {
		int err = bs_evidence_parse_record(o->record, &o->target, o->reg, sizeof(o->reg));
		if (err < 0)
			return bs_cli_fail(cli, err);
	} else {
		o->target.control_id = o->id;
	}
	return -1;
}

static int check_review(struct bs_cli *cli, struct evidence_opts *o)
{
	char *end;

	if (!o->id)
		return bs_cli_usage_error(cli, "review needs the evidence ID (see 'brokersec evidence list')");
	errno = 0;
	o->review_id = strtoll(o->id, &end, 10);
	if (errno || *end || o->review_id <= 0)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "佐證編號 '%s' 不是正整數", "evidence ID '%s' is not a positive number"),
					  o->id);
	if (o->accept == o->reject)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "review 需要 --accept 或 --reject 其中之一",
						       "review needs exactly one of --accept and --reject"));
	if (!o->comment || !*o->comment)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "review 需要 --comment 說明：%s此佐證的理由",
						       "review needs --comment TEXT: why the evidence is %s"),
					  o->accept ? BS_T(cli->lang, "採認", "accepted") : BS_T(cli->lang, "退回", "rejected"));
	return -1;
}

/* [CONTROL_ID], which must be in the catalog; add needs it (or --record) and --file. */
static int check_evidence(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", NULL };
	struct evidence_opts *o = ctx;
	const struct bs_catalog *cat;
	int fmt, err;

	if ((fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	o->json = fmt == 1;
	if (argc > 1)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
	o->id = argc ? argv[0] : NULL;
	if (!strcmp(cli->verb, "review"))
		return check_review(cli, o);
	if (!strcmp(cli->verb, "add") && (err = check_add(cli, o)) >= 0)
		return err;
	/* list takes a register name ("person", "person:10") as well as a control prefix */
	if (!strcmp(cli->verb, "list") && o->id) {
		char reg[64];
		snprintf(reg, sizeof(reg), "%.*s", (int)strcspn(o->id, ":"), o->id);
		if (bs_register_find(reg))
			return -1;
	}
	if ((err = bs_catalog_builtin(&cat)) < 0)
		return bs_cli_fail(cli, err);
	if (o->id && !bs_catalog_find(cat, o->id)) {
		bs_error(BS_ENOTFOUND, "no control '%s' in the catalog: see 'brokersec controls' for the ids", o->id);
		return bs_cli_fail(cli, BS_ENOTFOUND);
	}
	return -1;
}

static int print_one(struct bs_cli *cli, const struct evidence_opts *o, const struct bs_evidence *e)
{
	if (o->json) {
		json_t *j = evidence_json(e);
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(j);
	} else if (!strcmp(cli->verb, "add")) {
		printf("%lld\n", (long long)e->id);
	} else {
		printf("%lld %s\n", (long long)e->id, state_label(e->state, cli->lang));
	}
	return bs_cli_flush(cli);
}

static int evidence_add(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct evidence_opts *o = ctx;
	struct bs_evidence e;
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_evidence_add(dd, &o->target, o->file, o->note, dd->actor, &e)) < 0)
		return bs_cli_fail(cli, err);
	err = print_one(cli, o, &e);
	bs_evidence_release(&e);
	return err;
}

/* Who may review: when dd->actor is a brokersec account (signed in, or an OS user of the same
 * name), its role must hold evidence.review and the account must be active; the OS user
 * without an account is the data directory's owner and may. Nobody reviews their own
 * submission (bs_evidence_review). */
static int may_review(struct bs_datadir *dd)
{
	struct bs_account a;
	int err = bs_account_get(dd->store, dd->actor, &a);

	if (err == BS_ENOTFOUND) {
		bs_error_clear();
		return 0;
	}
	if (err < 0)
		return err;
	if (strcmp(a.state, "active") != 0)
		return bs_error(BS_EDENIED, "account '%s' is %s: it cannot review evidence", a.username, a.state);
	if (!bs_role_has(a.role, BS_PERM_EVIDENCE_REVIEW))
		return bs_error(BS_EDENIED, "account '%s' has the role %s: reviewing evidence needs security_officer or "
				"auditor (docs/roles.md)", a.username, bs_role_name(a.role));
	return 0;
}

static int evidence_review(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct evidence_opts *o = ctx;
	struct bs_evidence e;
	int err;

	(void)argc;
	(void)argv;
	if ((err = may_review(dd)) < 0 ||
	    (err = bs_evidence_review(dd, o->review_id, o->accept, o->comment, dd->actor, &e)) < 0)
		return bs_cli_fail(cli, err);
	err = print_one(cli, o, &e);
	bs_evidence_release(&e);
	return err;
}

static int evidence_list(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct evidence_opts *o = ctx;
	struct list_ctx lc = { o->json ? json_array() : NULL, BS_BUF_INIT, 0, cli->lang };
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_evidence_each(dd->store, o->id, list_one, &lc)) < 0) {
		json_decref(lc.arr);
		bs_buf_release(&lc.out);
		return bs_cli_fail(cli, err);
	}
	if (lc.arr) {
		char *s = json_dumps(lc.arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(lc.arr);
	} else {
		fputs(lc.out.ptr ? lc.out.ptr : "", stdout);
		printf("%zu %s\n", lc.n, BS_T(cli->lang, "筆佐證", "evidence records"));
	}
	bs_buf_release(&lc.out);
	return bs_cli_flush(cli);
}

int cmd_evidence(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, OPT_FILE },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "accept", no_argument, NULL, OPT_ACCEPT },
		{ "reject", no_argument, NULL, OPT_REJECT },
		{ "comment", required_argument, NULL, OPT_COMMENT },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb verbs[] = {
		{ "add", evidence_add, BS_CMD_WRITES, "file note format record", check_evidence },
		{ "list", evidence_list, BS_CMD_DATADIR, "format", check_evidence },
		{ "review", evidence_review, BS_CMD_WRITES, "accept reject comment format", check_evidence },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", evidence_option, verbs, NULL };
	struct evidence_opts o;

	memset(&o, 0, sizeof(o));
	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
