/* brokersec <register> add|list|show|update|archive|history|import|export: every register
 * through one handler; the register's field table (src/registry/reg_*.c) drives the options,
 * the usage text, validation and output. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "core/error.h"
#include "core/table.h"
#include "core/term.h"
#include "core/utf8.h"
#include "registry/registry.h"

#define OPT_FIELD 0x3000
#define MAX_FIELDS 48

enum verb { V_ADD, V_LIST, V_SHOW, V_UPDATE, V_ARCHIVE, V_HISTORY, V_IMPORT, V_EXPORT };
static const char *const verbs[] = { "add", "list", "show", "update", "archive", "history", "import", "export", NULL };

/* A field's value as the usage text shows it: "security|it|...", "YYYY-MM-DD", "TEXT" (文字). */
static void field_kind(const struct bs_field *f, enum bs_lang lang, struct bs_buf *kind)
{
	switch (f->type) {
	case BS_FT_ENUM:
	case BS_FT_SET:
		if (f->values) {
			for (size_t i = 0; f->values[i]; i++)
				bs_buf_printf(kind, "%s%s", i ? "|" : "", f->values[i]);
			if (f->type == BS_FT_SET)
				bs_buf_puts(kind, ",...");
		} else {
			bs_buf_puts(kind, "ID,...");
		}
		break;
	case BS_FT_INT:
		bs_buf_printf(kind, "%lld..%lld", (long long)f->min, (long long)f->max);
		break;
	case BS_FT_NUM:
		bs_buf_puts(kind, BS_T(lang, "時數", "HOURS"));
		break;
	case BS_FT_BOOL:
		bs_buf_puts(kind, "yes|no");
		break;
	case BS_FT_DATE:
		bs_buf_puts(kind, "YYYY-MM-DD");
		break;
	case BS_FT_TIME:
		bs_buf_puts(kind, BS_T(lang, "RFC3339時間", "RFC3339-TIME"));
		break;
	case BS_FT_REF:
		bs_buf_printf(kind, "%s-ID", f->ref);
		break;
	case BS_FT_REFS:
		bs_buf_printf(kind, "%s-ID,...", f->ref);
		break;
	default:
		bs_buf_puts(kind, BS_T(lang, "文字", "TEXT"));
	}
}

/* The register's usage text in lang, made from its descriptor: the verbs, then each field with
 * its label and, for an enum, what each value means ("security 資安專責人員"). */
static void usage_for(const struct bs_register *r, enum bs_lang lang, struct bs_buf *b)
{
	const char *n = r->name;
	const char *in = BS_T(lang, "      ", "       "); /* under "用法: " / "usage: " */

	bs_buf_printf(b, BS_T(lang, "用法: brokersec %s add --欄位 值 ... [--format table|json] [--data 目錄]\n",
			      "usage: brokersec %s add --FIELD VALUE ... [--format table|json] [--data DIR]\n"), n);
	bs_buf_printf(b, "%sbrokersec %s list [--all] [--format table|json]\n", in, n);
	bs_buf_printf(b, "%sbrokersec %s show ID [--format table|json]\n", in, n);
	bs_buf_printf(b, BS_T(lang, "%sbrokersec %s update ID --欄位 值 ... [--format table|json]\n",
			      "%sbrokersec %s update ID --FIELD VALUE ... [--format table|json]\n"), in, n);
	bs_buf_printf(b, "%sbrokersec %s archive ID [--format table|json]\n", in, n);
	bs_buf_printf(b, "%sbrokersec %s history ID [--format table|json]\n", in, n);
	if (r->csv) {
		bs_buf_printf(b, BS_T(lang, "%sbrokersec %s import 檔案.csv\n", "%sbrokersec %s import FILE.csv\n"), in, n);
		bs_buf_printf(b, BS_T(lang, "%sbrokersec %s export [--all] > 檔案.csv\n", "%sbrokersec %s export [--all] > FILE.csv\n"),
			      in, n);
	}
	if (lang == BS_LANG_EN)
		bs_buf_printf(b, "%s; %s. Records are never erased: archive keeps them with their history.\n", r->en, r->source);
	else
		bs_buf_printf(b, "%s登記簿（依 %s）。紀錄永不刪除：archive 封存後連同其異動歷程保留。\n", r->zh, r->source);
	bs_buf_puts(b, BS_T(lang, "add 新增、list 列出（--all 含已封存）、show 顯示、update 更新、archive 封存、history 異動歷程",
			    "add, list (--all: archived too), show, update, archive, history"));
	bs_buf_puts(b, r->csv ? BS_T(lang, "、import 自 CSV 匯入、export 匯出為 CSV。\n", ", import from CSV, export to CSV.\n")
			      : BS_T(lang, "。\n", ".\n"));
	bs_buf_puts(b, BS_T(lang, "欄位（update 時給空值可清除選填欄位）：\n",
			    "fields (an empty value clears an optional field on update):\n"));
	for (const struct bs_field *f = r->fields; f->name; f++) {
		char flag[64];
		struct bs_buf kind = BS_BUF_INIT;
		bs_field_flag(f, flag, sizeof(flag));
		field_kind(f, lang, &kind);
		bs_buf_printf(b, "  --%s %s%s  %s", flag, kind.ptr,
			      (f->flags & BS_FF_REQUIRED) ? BS_T(lang, "（必填）", " (required)") : "",
			      BS_T(lang, f->zh, f->en));
		if ((f->type == BS_FT_ENUM || f->type == BS_FT_SET) && f->values && f->labels) {
			for (size_t i = 0; f->values[i]; i++) {
				struct bs_buf l = BS_BUF_INIT;
				bs_field_value_label(f, f->values[i], lang, &l);
				bs_buf_printf(b, BS_T(lang, "%s%s %s", "%s%s = %s"), i ? BS_T(lang, "、", ", ") : BS_T(lang, "：", ": "), f->values[i],
					      l.ptr ? l.ptr : "");
				bs_buf_release(&l);
			}
		} else if (f->type == BS_FT_INT && f->labels) {
			/* "1 第一類、2 第二類、3 第三類"; nothing where a value reads as itself (English) */
			int shown = 0;
			for (int64_t v = f->min; v <= f->max && v - f->min < 64; v++) {
				char num[32];
				struct bs_buf l = BS_BUF_INIT;
				snprintf(num, sizeof(num), "%lld", (long long)v);
				bs_field_value_label(f, num, lang, &l);
				if (l.ptr && strcmp(l.ptr, num))
					bs_buf_printf(b, BS_T(lang, "%s%s %s", "%s%s = %s"), shown++ ? BS_T(lang, "、", ", ") : BS_T(lang, "：", ": "),
						      num, l.ptr);
				bs_buf_release(&l);
			}
		}
		bs_buf_putc(b, '\n');
		bs_buf_release(&kind);
	}
}

static void print_json(const json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
}

/* A reference as a person reads it: "王小明 (10)" rather than "10" (the record's name or
 * title; the id alone when it has neither or cannot be read). */
static void show_ref(struct bs_store *st, const char *reg, const json_t *id, struct bs_buf *b)
{
	const struct bs_register *r = bs_register_find(reg);
	json_t *rec = NULL;
	const char *name = NULL;

	if (r && json_is_integer(id) && bs_reg_get(st, r, json_integer_value(id), &rec) == 0) {
		name = json_string_value(json_object_get(rec, "name"));
		if (!name)
			name = json_string_value(json_object_get(rec, "title"));
	}
	bs_error_clear();
	if (name && *name)
		bs_buf_printf(b, "%s (%lld)", name, (long long)json_integer_value(id));
	else
		bs_buf_printf(b, "%lld", (long long)json_integer_value(id));
	json_decref(rec);
}

void bs_cli_record_name(struct bs_store *st, const char *reg, int64_t id, struct bs_buf *b)
{
	json_t *jid = json_integer(id);
	show_ref(st, reg, jid, b);
	json_decref(jid);
}

/* One value for a table: references by name, enum values by their labels (bs_field_show),
 * instants in UTC and Taiwan time, dates as --roc-dates says. */
static void show_value(struct bs_store *st, const struct bs_field *f, const json_t *v, enum bs_lang lang,
		       struct bs_buf *b)
{
	char when[BS_TIME_SHOW_MAX], date[BS_DATE_SHOW_MAX];
	int64_t us;
	int32_t day;

	if (f->type == BS_FT_REF && json_is_integer(v)) {
		show_ref(st, f->ref, v, b);
	} else if (f->type == BS_FT_REFS && json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				bs_buf_puts(b, BS_T(lang, "、", ", "));
			show_ref(st, f->ref, json_array_get(v, i), b);
		}
	} else if (f->type == BS_FT_TIME && json_is_string(v) && bs_time_parse(json_string_value(v), &us) == 0) {
		bs_buf_puts(b, bs_time_show(us, lang, when)); /* UTC and the Taiwan date and time */
	} else if (f->type == BS_FT_DATE && json_is_string(v) && bs_date_parse(json_string_value(v), &day) == 0) {
		bs_buf_puts(b, bs_date_show(day, lang, date)); /* 民國 with --roc-dates */
	} else {
		bs_field_show(f, v, lang, b);
	}
	bs_error_clear();
}

/* A row of the list: cells wrap within their columns (core/table.h), never cut. */
static void table_row(struct bs_buf *out, struct bs_store *st, const struct bs_register *r, const json_t *rec,
		      enum bs_lang lang, int header)
{
	struct bs_buf cells[MAX_FIELDS + 1];
	const char *text[MAX_FIELDS + 1];
	size_t widths[MAX_FIELDS + 1], n = 0;

	cells[n] = (struct bs_buf)BS_BUF_INIT;
	if (header)
		bs_buf_puts(&cells[n], "id");
	else
		bs_buf_printf(&cells[n], "%lld%s", (long long)json_integer_value(json_object_get(rec, "id")),
			      json_is_true(json_object_get(rec, "archived")) ? "*" : "");
	widths[n++] = 5;
	for (const struct bs_field *f = r->fields; f->name && n <= MAX_FIELDS; f++) {
		if (!f->width)
			continue;
		cells[n] = (struct bs_buf)BS_BUF_INIT;
		if (header)
			bs_buf_puts(&cells[n], BS_T(lang, f->zh, f->en));
		else
			show_value(st, f, json_object_get(rec, f->name), lang, &cells[n]);
		widths[n++] = f->width;
	}
	for (size_t i = 0; i < n; i++)
		text[i] = cells[i].ptr;
	bs_table_row(out, text, widths, n);
	for (size_t i = 0; i < n; i++)
		bs_buf_release(&cells[i]);
}

/* One record, a field a line: the value takes the rest of the terminal and wraps. */
static void show_table(struct bs_buf *out, struct bs_store *st, const struct bs_register *r, const json_t *rec,
		       enum bs_lang lang)
{
	struct bs_buf cell = BS_BUF_INIT;
	static const size_t widths[] = { 16, 0 };
	const char *row[2];

	bs_utf8_put_cell(out, "id", 16, 1);
	bs_buf_printf(out, " %lld\n", (long long)json_integer_value(json_object_get(rec, "id")));
	for (const struct bs_field *f = r->fields; f->name; f++) {
		bs_buf_clear(&cell);
		show_value(st, f, json_object_get(rec, f->name), lang, &cell);
		row[0] = BS_T(lang, f->zh, f->en);
		row[1] = cell.ptr;
		bs_table_row(out, row, widths, 2);
	}
	bs_utf8_put_cell(out, BS_T(lang, "已封存", "archived"), 16, 1);
	bs_buf_printf(out, " %s\n", json_is_true(json_object_get(rec, "archived")) ? BS_T(lang, "是", "yes")
										: BS_T(lang, "否", "no"));
	bs_buf_release(&cell);
}

static void history_table(struct bs_buf *out, const struct bs_register *r, const json_t *hist, enum bs_lang lang)
{
	for (size_t i = 0; i < json_array_size(hist); i++) {
		const json_t *h = json_array_get(hist, i);
		const json_t *o = json_object_get(h, "old"), *n = json_object_get(h, "new");
		const char *at = json_string_value(json_object_get(h, "at"));
		char when[BS_TIME_SHOW_MAX];
		int64_t us;
		/* the UTC instant and the Taiwan date and time (core/datefmt.h) */
		if (at && bs_time_parse(at, &us) == 0)
			bs_time_show(us, lang, when);
		else
			snprintf(when, sizeof(when), "%.19s", at ? at : "");
		bs_error_clear();
		bs_buf_printf(out, "v%lld %-7s %s ", (long long)json_integer_value(json_object_get(h, "version")),
			      json_string_value(json_object_get(h, "action")), when);
		bs_utf8_put_cell(out, json_string_value(json_object_get(h, "by")), 16, 0);
		bs_buf_putc(out, '\n');
		if (!json_is_object(o))
			continue;
		for (const struct bs_field *f = r->fields; f->name; f++) {
			const json_t *a = json_object_get(o, f->name), *b = json_object_get(n, f->name);
			struct bs_buf line = BS_BUF_INIT;
			if (json_equal(a, b) || (!a && json_is_null(b)) || (json_is_null(a) && !b))
				continue;
			bs_buf_printf(&line, "    %s: ", f->name);
			bs_field_format(f, a, &line);
			bs_buf_puts(&line, " -> ");
			bs_field_format(f, b, &line);
			bs_utf8_wrap(out, line.ptr, 0, bs_term_width(), 8);
			bs_buf_putc(out, '\n');
			bs_buf_release(&line);
		}
	}
}

static int parse_id(struct bs_cli *cli, const struct bs_register *r, const char *s, int64_t *id)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || *end || v <= 0 || s[0] == '+' || s[0] == ' ')
		return bs_cli_usage_error(cli, "'%s' is not a %s id: give the number 'brokersec %s list' shows",
					  s ? s : "", r->name, r->name);
	*id = v;
	return 0;
}

enum { OPT_FORMAT = 0x2000, OPT_ALL };

/* The option values of `brokersec <register>`; given holds the field options. */
struct reg_opts {
	const struct bs_register *r;
	char (*flags)[64];  /* the field options' names, by field */
	json_t *given;
	const char *format, *arg;
	int all, json;
	int64_t id;
};

static int reg_option(struct bs_cli *cli, void *ctx, int opt, const char *optarg_)
{
	struct reg_opts *o = ctx;

	if (opt >= OPT_FIELD && opt < OPT_FIELD + MAX_FIELDS) {
		const struct bs_field *f = &o->r->fields[opt - OPT_FIELD];
		json_t *val;
		if (json_object_get(o->given, f->name))
			return bs_cli_usage_error(cli, "--%s given twice", o->flags[opt - OPT_FIELD]);
		if (bs_field_parse(f, optarg_, &val) < 0) {
			char msg[600];
			snprintf(msg, sizeof(msg), "%s", bs_error_message());
			bs_error(BS_EINVALID, "%s: --%s: %s", o->r->name, o->flags[opt - OPT_FIELD], msg);
			return bs_cli_fail(cli, BS_EINVALID);
		}
		json_object_set_new(o->given, f->name, val);
	} else if (opt == OPT_FORMAT) {
		o->format = optarg_;
	} else if (opt == OPT_ALL) {
		o->all = 1;
	}
	return -1;
}

static enum verb verb_of(const char *name)
{
	int v = 0;
	while (verbs[v] && strcmp(verbs[v], name))
		v++;
	return (enum verb)v;
}

/* --format, and the ID (or FILE for import) of the verbs that take one. */
static int reg_check(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", NULL };
	struct reg_opts *o = ctx;
	enum verb v = verb_of(cli->verb);
	int fmt, want = v == V_SHOW || v == V_UPDATE || v == V_ARCHIVE || v == V_HISTORY || v == V_IMPORT;

	if ((fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	o->json = fmt == 1;
	if (want) {
		if (!argc)
			return bs_cli_usage_error(cli, "%s needs %s", verbs[v], v == V_IMPORT ? "a FILE" : "an ID");
		o->arg = argv[0];
		if (v != V_IMPORT && parse_id(cli, o->r, o->arg, &o->id) != 0)
			return 2;
	}
	if (argc > want)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[want]);
	return -1;
}

/* import and export on a register without CSV: say which registers have it */
static int reg_unknown(struct bs_cli *cli, const char *name)
{
	struct bs_buf which = BS_BUF_INIT;
	size_t n = 0, k = 0;
	int r;

	if (strcmp(name, "import") && strcmp(name, "export"))
		return -1;
	for (size_t i = 0; bs_registers[i]; i++)
		n += bs_registers[i]->csv != 0;
	for (size_t i = 0; bs_registers[i]; i++)
		if (bs_registers[i]->csv)
			bs_buf_printf(&which, "%s%s", !k++ ? "" : k == n ? " and " : ", ", bs_registers[i]->name);
	r = bs_cli_usage_error(cli, "unknown verb '%s': only %s have CSV", name, which.ptr);
	bs_buf_release(&which);
	return r;
}

static int reg_run(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct reg_opts *o = ctx;
	const struct bs_register *r = o->r;
	struct bs_buf out = BS_BUF_INIT;
	json_t *res = NULL;
	enum verb v = verb_of(cli->verb);
	int err = 0, ret;

	(void)argc;
	(void)argv;
	switch (v) {
	case V_ADD:
		err = bs_reg_add(dd, r, o->given, 0, &res);
		if (!err) {
			if (o->json)
				print_json(res);
			else
				printf("%lld\n", (long long)json_integer_value(json_object_get(res, "id")));
		}
		break;
	case V_UPDATE:
	case V_ARCHIVE:
	case V_SHOW:
		err = v == V_UPDATE ? bs_reg_update(dd, r, o->id, o->given, &res)
		      : v == V_ARCHIVE ? bs_reg_archive(dd, r, o->id, &res)
				       : bs_reg_get(dd->store, r, o->id, &res);
		if (!err) {
			if (o->json) {
				print_json(res);
			} else {
				show_table(&out, dd->store, r, res, cli->lang);
				fputs(out.ptr, stdout);
			}
		}
		break;
	case V_LIST:
		err = bs_reg_list(dd->store, r, o->all, &res);
		if (!err) {
			if (o->json) {
				print_json(res);
			} else {
				table_row(&out, dd->store, r, NULL, cli->lang, 1);
				for (size_t i = 0; i < json_array_size(res); i++)
					table_row(&out, dd->store, r, json_array_get(res, i), cli->lang, 0);
				bs_buf_printf(&out, "%zu %s%s\n", json_array_size(res), BS_T(cli->lang, "筆", "records"),
					      o->all ? BS_T(cli->lang, "（* 已封存）", " (* archived)") : "");
				fputs(out.ptr, stdout);
			}
		}
		break;
	case V_HISTORY:
		err = bs_reg_history(dd->store, r, o->id, &res);
		if (!err) {
			if (o->json) {
				print_json(res);
			} else {
				history_table(&out, r, res, cli->lang);
				fputs(out.ptr, stdout);
			}
		}
		break;
	case V_EXPORT:
		err = bs_reg_export_csv(dd->store, r, o->all, &out);
		if (!err)
			fwrite(out.ptr, 1, out.len, stdout);
		break;
	case V_IMPORT: {
		struct bs_buf errors = BS_BUF_INIT;
		size_t count = 0;
		err = bs_reg_import_csv_file(dd, r, o->arg, &errors, &count);
		fputs(errors.ptr, stderr);
		if (!err)
			printf("%s %zu %s\n", BS_T(cli->lang, "已匯入", "imported"), count,
			       BS_T(cli->lang, "筆", "records"));
		bs_buf_release(&errors);
		break;
	}
	}
	ret = err < 0 ? bs_cli_fail(cli, err) : bs_cli_flush(cli);
	json_decref(res);
	bs_buf_release(&out);
	return ret;
}

int cmd_register(int argc, char **argv, struct bs_cli *cli)
{
	const struct bs_register *r = bs_register_find(cli->command);
	struct option opts[MAX_FIELDS + 12];
	struct bs_buf usage = BS_BUF_INIT, usage_zh = BS_BUF_INIT, fields = BS_BUF_INIT;
	char flags[MAX_FIELDS][64];
	struct reg_opts o = { r, flags, NULL, NULL, NULL, 0, 0, 0 };
	int nopt = 0, ret;

	if (!r) {
		fprintf(stderr, "brokersec: '%s' is not a register\n", cli->command);
		return 2;
	}
	usage_for(r, BS_LANG_EN, &usage);
	usage_for(r, BS_LANG_ZH_TW, &usage_zh);
	cli->usage = usage.ptr;
	cli->usage_zh = usage_zh.ptr;
	for (const struct bs_field *f = r->fields; f->name && nopt < MAX_FIELDS; f++, nopt++) {
		bs_field_flag(f, flags[nopt], sizeof(flags[nopt]));
		opts[nopt] = (struct option){ flags[nopt], required_argument, NULL, OPT_FIELD + nopt };
		bs_buf_printf(&fields, "%s ", flags[nopt]);
	}
	bs_buf_puts(&fields, "format");
	opts[nopt++] = (struct option){ "format", required_argument, NULL, OPT_FORMAT };
	opts[nopt++] = (struct option){ "all", no_argument, NULL, OPT_ALL };
	static const struct option common[] = { BS_CLI_COMMON_OPTIONS };
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		opts[nopt++] = common[i];
	opts[nopt] = (struct option){ NULL, 0, NULL, 0 };

	/* The field options are the register's own, so the table is made here; import and
	 * export exist only for registers with CSV (the last two rows). */
	const struct bs_cli_verb table[] = {
		{ "add", reg_run, BS_CMD_WRITES, fields.ptr, reg_check },
		{ "list", reg_run, BS_CMD_DATADIR, "all format", reg_check },
		{ "show", reg_run, BS_CMD_DATADIR, "format", reg_check },
		{ "update", reg_run, BS_CMD_WRITES, fields.ptr, reg_check },
		{ "archive", reg_run, BS_CMD_WRITES, "format", reg_check },
		{ "history", reg_run, BS_CMD_DATADIR, "format", reg_check },
		{ r->csv ? "import" : NULL, reg_run, BS_CMD_WRITES, "", reg_check },
		{ "export", reg_run, BS_CMD_DATADIR, "all", reg_check },
		{ NULL, NULL, 0, NULL, NULL },
	};
	const struct bs_cli_spec spec = { opts, "h", reg_option, table, reg_unknown };

	o.given = json_object();
	ret = bs_cli_dispatch(cli, &spec, &o, argc, argv);
	json_decref(o.given);
	cli->usage = "";
	cli->usage_zh = NULL;
	bs_buf_release(&usage);
	bs_buf_release(&usage_zh);
	bs_buf_release(&fields);
	return ret;
}
