/* brokersec controls: list the regulation catalog, or validate a catalog file. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "cmd/cmd.h"
#include "core/embed.h"
#include "core/error.h"
#include "core/utf8.h"
#include "profile/profile.h"

static const char usage_text[] =
	"usage: brokersec controls [--format table|json] [--id PREFIX] [--applicable [--data DIR]] [--lang zh-TW|en]\n"
	"       brokersec controls --check-file FILE...\n"
	"Lists the regulation's clauses (SR main rules, A1 mobile apps, A2 assessments, A3 ransomware).\n"
	"--id SR.4 selects SR.4 and everything under it; --applicable keeps what the data directory's\n"
	"profile makes applicable; --check-file validates catalog YAML and prints every problem.\n";

static json_t *text_json(const struct bs_text *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "zh-TW", json_string(t->zh));
	json_object_set_new(o, "en", json_string(t->en));
	return o;
}

static json_t *mask_json(unsigned mask)
{
	json_t *a = json_array();
	for (int i = 1; i <= 3; i++)
		if (mask & (1u << i))
			json_array_append_new(a, json_integer(i));
	return a;
}

static json_t *control_json(const struct bs_control *c)
{
	json_t *o = json_object(), *applies = json_object(), *how = json_array();

	json_object_set_new(o, "id", json_string(c->id));
	json_object_set_new(o, "parent", c->parent_id ? json_string(c->parent_id) : json_null());
	json_object_set_new(o, "title", text_json(&c->title));
	json_object_set_new(o, "text", text_json(&c->text));
	if (c->applies.profile) {
		json_t *p = json_array();
		for (int f = 0; f < BS_PF_COUNT; f++)
			if (c->applies.profile & (1u << f))
				json_array_append_new(p, json_string(bs_profile_info((enum bs_profile_flag)f)->name));
		json_object_set_new(applies, "profile", p);
	}
	if (c->applies.system_category)
		json_object_set_new(applies, "system_category", mask_json(c->applies.system_category));
	if (c->applies.app_class)
		json_object_set_new(applies, "app_class", mask_json(c->applies.app_class));
	json_object_set_new(o, "applies", applies);
	for (size_t i = 0; i < c->nhow; i++) {
		json_t *h = json_object();
		json_object_set_new(h, "kind", json_string(bs_how_kind_name(c->how[i].kind)));
		json_object_set_new(h, "ref", json_string(c->how[i].ref));
		json_array_append_new(how, h);
	}
	json_object_set_new(o, "how", how);
	json_object_set_new(o, "period", c->period ? json_string(c->period) : json_null());
	return o;
}

/* The conditions in a few columns: "internal-control", "cat 1", "app 2,3". Own only. */
static void applies_cell(const struct bs_control *c, struct bs_buf *b)
{
	for (int f = 0; f < BS_PF_COUNT; f++)
		if (c->applies.profile & (1u << f))
			bs_buf_printf(b, "%s%s", b->len ? "+" : "", bs_profile_info((enum bs_profile_flag)f)->option);
	if (c->applies.system_category) {
		bs_buf_puts(b, b->len ? " cat" : "cat");
		for (int i = 1; i <= 3; i++)
			if (c->applies.system_category & (1u << i))
				bs_buf_printf(b, "%s%d", b->ptr[b->len - 1] == 't' ? " " : ",", i);
	}
	if (c->applies.app_class) {
		bs_buf_puts(b, b->len ? " app" : "app");
		for (int i = 1; i <= 3; i++)
			if (c->applies.app_class & (1u << i))
				bs_buf_printf(b, "%s%d", b->ptr[b->len - 1] == 'p' ? " " : ",", i);
	}
}

static int check_files(struct bs_cli *cli, int n, char **files)
{
	struct bs_catalog cat = { 0 }, builtin = { 0 };
	struct bs_buf errors = BS_BUF_INIT, ignored = BS_BUF_INIT;
	int problems = 0;

	for (int i = 0; i < n; i++) {
		struct bs_buf data = BS_BUF_INIT;
		int err = bs_buf_read_file(&data, files[i]);
		if (err < 0) {
			bs_buf_printf(&errors, "%s:1: %s\n", files[i], bs_error_message());
			problems++;
		} else {
			problems += bs_catalog_parse(&cat, files[i], data.ptr, data.len, &errors);
		}
		bs_buf_release(&data);
	}
	/* Parents may live in built-in parts the checked files do not replace. */
	for (const struct bs_embed *e = bs_embed_catalog; e->name; e++)
		(void)bs_catalog_parse(&builtin, e->name, (const char *)e->data, e->len, &ignored);
	size_t own = cat.n;
	for (size_t i = 0; i < builtin.n; i++) {
		const char *root = builtin.v[i].id;
		if (!root)
			continue;
		size_t rl = strcspn(root, ".");
		int replaced = 0;
		for (size_t j = 0; j < own && !replaced; j++)
			replaced = strlen(cat.v[j].id) >= rl && !strncmp(cat.v[j].id, root, rl) &&
				   (cat.v[j].id[rl] == '.' || cat.v[j].id[rl] == '\0');
		if (replaced)
			continue;
		if (cat.n == cat.cap) {
			cat.cap = cat.cap ? cat.cap * 2 : 256;
			cat.v = bs_realloc(cat.v, bs_size_mul(cat.cap, sizeof(*cat.v)));
		}
		/* moved: the zeroed husk frees nothing when builtin is released */
		cat.v[cat.n++] = builtin.v[i];
		memset(&builtin.v[i], 0, sizeof(builtin.v[i]));
	}
	problems += bs_catalog_link(&cat, &errors);
	fputs(errors.ptr, stderr);
	if (!problems)
		printf("%s: %zu %s\n", BS_T(cli->lang, "目錄檔案正確", "catalog OK"), own,
		       BS_T(cli->lang, "個項目", "entries"));
	bs_buf_release(&errors);
	bs_buf_release(&ignored);
	bs_catalog_release(&cat);
	bs_catalog_release(&builtin);
	if (bs_cli_flush(cli))
		return 1;
	return problems ? 1 : 0;
}

int cmd_controls(int argc, char **argv, struct bs_cli *cli)
{
	static const char *const formats[] = { "table", "json", NULL };
	enum { OPT_FORMAT = 0x2000, OPT_ID, OPT_APPLICABLE, OPT_CHECK };
	struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "id", required_argument, NULL, OPT_ID },
		{ "applicable", no_argument, NULL, OPT_APPLICABLE },
		{ "check-file", no_argument, NULL, OPT_CHECK },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL, *prefix = NULL;
	int applicable = 0, check = 0, opt, r, fmt, err;
	const struct bs_catalog *cat;
	unsigned mask = 0;
	size_t shown = 0;

	cli->usage = usage_text;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == OPT_FORMAT)
			format = optarg;
		else if (opt == OPT_ID)
			prefix = optarg;
		else if (opt == OPT_APPLICABLE)
			applicable = 1;
		else if (opt == OPT_CHECK)
			check = 1;
		else if ((r = bs_cli_common_option(cli, opt, optarg)) >= 0)
			return r;
	}
	if (check) {
		if (optind >= argc)
			return bs_cli_usage_error(cli, "--check-file needs at least one FILE");
		return check_files(cli, argc - optind, argv + optind);
	}
	if (optind < argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((fmt = bs_cli_format(cli, format, formats)) < 0)
		return 2;
	if ((err = bs_catalog_builtin(&cat)) < 0)
		return bs_cli_fail(cli, err);
	if (prefix && !bs_catalog_find(cat, prefix)) {
		bs_error(BS_ENOTFOUND, "no control '%s' in the catalog: ids look like SR.4.5, A2.5.4.2.3, A3.7.11", prefix);
		return bs_cli_fail(cli, BS_ENOTFOUND);
	}
	if (applicable) {
		struct bs_datadir *dd;
		struct bs_profile p;
		if ((err = bs_cli_open(cli, &dd)) < 0)
			return bs_cli_fail(cli, err);
		err = bs_profile_load(dd->store, &p);
		bs_datadir_free(dd);
		if (err < 0)
			return bs_cli_fail(cli, err);
		mask = p.mask;
		bs_profile_release(&p);
	}

	json_t *arr = fmt == 1 ? json_array() : NULL;
	struct bs_buf out = BS_BUF_INIT;
	if (!arr) {
		bs_utf8_put_cell(&out, "ID", 13, 1);
		bs_buf_putc(&out, ' ');
		bs_utf8_put_cell(&out, BS_T(cli->lang, "標題", "TITLE"), 38, 1);
		bs_buf_putc(&out, ' ');
		bs_utf8_put_cell(&out, BS_T(cli->lang, "適用條件", "APPLIES"), 14, 1);
		bs_buf_printf(&out, " %s\n", BS_T(cli->lang, "落實方式", "HOW"));
	}
	for (size_t i = 0; i < cat->n; i++) {
		const struct bs_control *c = &cat->v[i];
		if (prefix && !bs_control_id_under(c->id, prefix))
			continue;
		if (applicable && (c->effective.profile & ~mask))
			continue;
		shown++;
		if (arr) {
			json_array_append_new(arr, control_json(c));
			continue;
		}
		struct bs_buf cond = BS_BUF_INIT, how = BS_BUF_INIT;
		applies_cell(c, &cond);
		for (int k = 0; k < 4; k++)
			for (size_t h = 0; h < c->nhow; h++)
				if ((int)c->how[h].kind == k) {
					bs_buf_printf(&how, "%s%c", how.len ? "," : "", "MCRS"[k]);
					break;
				}
		bs_utf8_put_cell(&out, c->id, 13, 1);
		bs_buf_putc(&out, ' ');
		bs_utf8_put_cell(&out, bs_text_get(&c->title, cli->lang), 38, 1);
		bs_buf_putc(&out, ' ');
		bs_utf8_put_cell(&out, cond.len ? cond.ptr : "-", 14, 1);
		bs_buf_putc(&out, ' ');
		bs_utf8_put_cell(&out, how.len ? how.ptr : "-", 9, 0);
		bs_buf_putc(&out, '\n');
		bs_buf_release(&cond);
		bs_buf_release(&how);
	}
	if (arr) {
		char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(arr);
	} else {
		bs_buf_printf(&out, "%zu %s  %s\n", shown, BS_T(cli->lang, "項", "entries"),
			      BS_T(cli->lang, "落實方式 M=機制 C=檢查 R=紀錄 S=排程",
				   "HOW: M=mechanism C=check R=record S=schedule"));
		fputs(out.ptr, stdout);
	}
	bs_buf_release(&out);
	return bs_cli_flush(cli);
}
