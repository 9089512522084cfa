/* brokersec lookalike gen: the look-alike domains of a broker's own that a phisher would
 * register (第十四條, src/lookalike), to watch for and to warn customers about. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/utf8.h"
#include "lookalike/lookalike.h"

static const char usage_text[] =
	"usage: brokersec lookalike gen DOMAIN... [--format table|json|list] [--dict FILE]\n"
	"Every permutation of each DOMAIN a phisher could register (第十四條): addition, bitsquatting,\n"
	"cyrillic, homoglyph (IDN, UTS #46), hyphenation, insertion, omission, repetition, replacement\n"
	"(keyboard neighbours), subdomain, transposition, vowel-swap, various, dictionary, tw-sld (the\n"
	"other .tw second levels and 台灣/臺灣) and tld-swap. The registrable part is taken from the\n"
	"Public Suffix List, so www.example.com.tw permutes 'example' and wang.idv.tw 'wang'.\n"
	"--dict FILE: words (brand names, pinyin, English), one a line, joined to the name (dictionary).\n"
	"--format list prints one name a line (A-labels, as registries and DNS know them); table and\n"
	"json add the class and the Unicode form.\n";
static const char usage_zh[] =
	"用法: brokersec lookalike gen 網域... [--format table|json|list] [--dict 檔案]\n"
	"列出網釣者可能註冊之各網域變形（第十四條）：addition（增字）、bitsquatting（位元翻轉）、cyrillic（西里爾字母）、\n"
	"homoglyph（形近字，含國際化網域，UTS #46）、hyphenation（加連字號）、insertion（鍵盤鄰字插入）、omission（漏字）、\n"
	"repetition（重複）、replacement（鍵盤鄰字替換）、subdomain（子網域）、transposition（對調）、vowel-swap（母音替換）、\n"
	"various、dictionary（字典）、tw-sld（.tw 其他第二層與台灣／臺灣）及 tld-swap（更換頂級網域）。可註冊部分依公共後綴清單\n"
	"（Public Suffix List）判斷，故 www.example.com.tw 變化 'example'，wang.idv.tw 變化 'wang'。\n"
	"--dict 檔案：每行一字（品牌、拼音、英文），與名稱組合（dictionary）。\n"
	"--format list 每行一個名稱（A-label，即註冊與 DNS 所用形式）；table 與 json 另列類別及 Unicode 形式。\n";

enum { OPT_FORMAT = 0x2000, OPT_DICT };

struct lookalike_opts {
	const char *format;
	const char *dict;
};

static int lookalike_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct lookalike_opts *o = ctx;
	(void)cli;
	if (opt == OPT_FORMAT)
		o->format = arg;
	else if (opt == OPT_DICT)
		o->dict = arg;
	return -1;
}

static int check_gen(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct lookalike_opts *o = ctx;
	(void)argv;
	if (argc < 1)
		return bs_cli_usage_error(cli, "lookalike gen needs at least one DOMAIN (example.com.tw)");
	if (strcmp(o->format, "table") && strcmp(o->format, "json") && strcmp(o->format, "list"))
		return bs_cli_usage_error(cli, "--format '%s' is not one of table, json, list", o->format);
	return -1;
}

/* The words of --dict FILE (one a line; '#' comments), each a valid label; in *words. */
static int read_dict(const char *path, char ***words, size_t *n, struct bs_buf *b)
{
	size_t cap = 0;
	int err, lineno = 0;
	char *line, *save = NULL;

	*words = NULL;
	*n = 0;
	if ((err = bs_buf_read_file(b, path)) < 0)
		return err;
	for (line = strtok_r(b->ptr ? b->ptr : (char *)"", "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t l;
		lineno++;
		while (*line == ' ' || *line == '\t')
			line++;
		l = strcspn(line, "\r# \t");
		line[l] = 0;
		if (!l)
			continue;
		for (size_t i = 0; i < l; i++) {
			char c = line[i];
			if (c >= 'A' && c <= 'Z')
				line[i] = (char)(c - 'A' + 'a');
			else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
				return bs_error(BS_EINVALID, "--dict '%s', line %d: '%.40s' is not a word of letters, digits and "
						"hyphens (write pinyin without tones: baoxian)", path, lineno, line);
		}
		if (l > 63)
			return bs_error(BS_EINVALID, "--dict '%s', line %d: a word longer than 63 letters", path, lineno);
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*words = bs_realloc(*words, bs_size_mul(cap, sizeof(**words)));
		}
		(*words)[(*n)++] = line;
	}
	return 0;
}

static int run_gen(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct lookalike_opts *o = ctx;
	struct bs_lookalike_set set = { 0 };
	struct bs_lookalike_opts lo = { NULL, 0 };
	struct bs_buf dict = BS_BUF_INIT;
	char **words = NULL;
	int err = 0;
	(void)dd;

	if (o->dict && (err = read_dict(o->dict, &words, &lo.nwords, &dict)) < 0)
		goto out;
	lo.words = (const char *const *)words;
	for (int i = 0; i < argc; i++) {
		struct bs_domain d;
		if ((err = bs_domain_split(argv[i], &d)) < 0)
			goto out;
		if ((err = bs_lookalike_gen(&d, &lo, &set)) < 0)
			goto out;
	}
	if (!strcmp(o->format, "list")) {
		for (size_t i = 0; i < set.n; i++)
			printf("%s\n", set.v[i].ascii);
	} else if (!strcmp(o->format, "json")) {
		json_t *arr = json_array();
		char *s;
		for (size_t i = 0; i < set.n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "kind", set.v[i].kind, "domain",
							     set.v[i].ascii, "unicode", set.v[i].unicode));
		s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(arr);
		if (!s)
			abort();
		printf("%s\n", s);
		free(s);
	} else {
		struct bs_buf h = BS_BUF_INIT;
		/* columns, not bytes: the zh-TW headings are two columns a character */
		bs_utf8_put_cell(&h, BS_T(cli->lang, "類別", "class"), 14, 1);
		bs_buf_puts(&h, " ");
		bs_utf8_put_cell(&h, BS_T(cli->lang, "網域", "domain"), 40, 1);
		bs_buf_puts(&h, " ");
		bs_buf_puts(&h, BS_T(cli->lang, "顯示為", "shown as"));
		printf("%s\n", h.ptr);
		bs_buf_release(&h);
		for (size_t i = 0; i < set.n; i++)
			printf("%-14s %-40s %s\n", set.v[i].kind, set.v[i].ascii,
			       strcmp(set.v[i].ascii, set.v[i].unicode) ? set.v[i].unicode : "");
		printf("%s %zu\n", BS_T(cli->lang, "合計", "total"), set.n);
	}
out:
	bs_lookalike_set_release(&set);
	free(words);
	bs_buf_release(&dict);
	if (err < 0)
		return bs_cli_fail(cli, err);
	return bs_cli_flush(cli);
}

int cmd_lookalike(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "dict", required_argument, NULL, OPT_DICT },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb verbs[] = {
		{ "gen", run_gen, BS_CMD_NO_DATADIR, "format dict", check_gen },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", lookalike_option, verbs, NULL };
	struct lookalike_opts o = { "table", NULL };

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
