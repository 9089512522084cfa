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
#include "core/clock.h"
#include "lookalike/check.h"
#include "lookalike/lookalike.h"

static const char usage_text[] =
	"usage: brokersec lookalike gen DOMAIN... [--format table|json|list] [--dict FILE]\n"
	"       brokersec lookalike domain add|remove DOMAIN...\n"
	"       brokersec lookalike domains [--format table|json]\n"
	"       brokersec lookalike check [--names FILE]... [--ct FILE]... [--zone FILE]... [--events]\n"
	"                                 [--resolve [--resolver ADDR[:PORT],...] [--timeout MS]] [--dict FILE]\n"
	"                                 [--format table|json]\n"
	"       brokersec lookalike hits [--state open|phishing|benign|closed] [--format table|json]\n"
	"       brokersec lookalike triage ID --state open|phishing|benign|closed [--note TEXT]\n"
	"       brokersec lookalike notice [--notice-lang zh-TW|en|both] [--format text|html] [--with-phishing]\n"
	"Phishing look-alike domains (第十四條 偵測釣魚網站, 提醒客戶).\n"
	"gen: every permutation of each DOMAIN a phisher could register: addition, bitsquatting,\n"
	"cyrillic, homoglyph (IDN, UTS #46), hyphenation, insertion, omission, repetition, replacement\n"
	"(keyboard neighbours), subdomain, transposition, vowel-swap, various, dictionary, tw-sld (the\n"
	"other .tw second levels and 台灣/臺灣) and tld-swap. The registrable part is taken from the\n"
	"Public Suffix List, so www.example.com.tw permutes 'example' and wang.idv.tw 'wang'.\n"
	"--dict FILE: words (brand names, pinyin, English), one a line, joined to the name (dictionary).\n"
	"--format list prints one name a line (A-labels, as registries and DNS know them); table and\n"
	"json add the class and the Unicode form.\n"
	"domain add|remove: the broker's official domains, whose look-alikes check looks for (events).\n"
	"check: matches the official domains' permutations against names read offline: --names (newly\n"
	"registered domain lists, one a line), --ct (Certificate Transparency exports, JSON lines),\n"
	"--zone (DNS zone files), --events (the mail and proxy logs in the event log since the last\n"
	"check); a name under a look-alike, or one holding an official label (brand), matches too.\n"
	"--resolve asks DNS (A, NS, then AAAA and MX) for every permutation and every hit with c-ares,\n"
	"at --resolver (default: /etc/resolv.conf). Every new look-alike is an event; run it daily\n"
	"(`due` shows a missed day). Exit status 3 when new look-alikes were found.\n"
	"hits: the look-alikes found, open ones first; triage: a person's decision on one (an event):\n"
	"phishing (confirmed, to report and to warn about), benign, closed (taken down), open.\n"
	"notice: the warning for customers (提醒客戶) naming the official domains, in zh-TW and English;\n"
	"--with-phishing lists the look-alikes confirmed as phishing.\n";
static const char usage_zh[] =
	"用法: brokersec lookalike gen 網域... [--format table|json|list] [--dict 檔案]\n"
	"      brokersec lookalike domain add|remove 網域...\n"
	"      brokersec lookalike domains [--format table|json]\n"
	"      brokersec lookalike check [--names 檔案]... [--ct 檔案]... [--zone 檔案]... [--events]\n"
	"                                [--resolve [--resolver 位址[:埠],...] [--timeout 毫秒]] [--dict 檔案]\n"
	"                                [--format table|json]\n"
	"      brokersec lookalike hits [--state open|phishing|benign|closed] [--format table|json]\n"
	"      brokersec lookalike triage 編號 --state open|phishing|benign|closed [--note 說明]\n"
	"      brokersec lookalike notice [--notice-lang zh-TW|en|both] [--format text|html] [--with-phishing]\n"
	"網釣仿冒網域（第十四條：偵測釣魚網站、提醒客戶）。\n"
	"gen：列出網釣者可能註冊之各網域變形：addition（增字）、bitsquatting（位元翻轉）、cyrillic（西里爾字母）、\n"
	"homoglyph（形近字，含國際化網域，UTS #46）、hyphenation（加連字號）、insertion（鍵盤鄰字插入）、omission（漏字）、\n"
	"repetition（重複）、replacement（鍵盤鄰字替換）、subdomain（子網域）、transposition（對調）、vowel-swap（母音替換）、\n"
	"various、dictionary（字典）、tw-sld（.tw 其他第二層與台灣／臺灣）及 tld-swap（更換頂級網域）。可註冊部分依公共後綴清單\n"
	"（Public Suffix List）判斷，故 www.example.com.tw 變化 'example'，wang.idv.tw 變化 'wang'。\n"
	"--dict 檔案：每行一字（品牌、拼音、英文），與名稱組合（dictionary）。\n"
	"--format list 每行一個名稱（A-label，即註冊與 DNS 所用形式）；table 與 json 另列類別及 Unicode 形式。\n"
	"domain add|remove：本公司官方網域；check 即找其仿冒網域（皆記入事件紀錄）。\n"
	"check：以官方網域之各變形比對離線取得之名稱：--names（新註冊網域清單，每行一個）、--ct（憑證透明度\n"
	"紀錄匯出，JSON lines）、--zone（DNS 區域檔）、--events（事件紀錄中自上次檢查後之郵件與代理伺服器紀錄）；\n"
	"仿冒網域下之主機名稱、或含官方網域標籤之名稱（brand）亦算。--resolve 以 c-ares 查詢每一變形及每一\n"
	"發現之 DNS（A、NS，存在者再查 AAAA、MX），--resolver 指定伺服器（預設 /etc/resolv.conf）。每一新發現\n"
	"之仿冒網域皆為一筆事件；請每日執行（`due` 顯示漏做之日）。發現新仿冒網域時結束代碼為 3。\n"
	"hits：已發現之仿冒網域，待處理者在前；triage：人員對其之判定（記入事件紀錄）：phishing（確認為釣魚，\n"
	"應通報並提醒客戶）、benign（無害）、closed（已下架）、open（待處理）。\n"
	"notice：提醒客戶之公告文字，列出官方網域，中英文；--with-phishing 並列出已確認之釣魚網域。\n";

enum {
	OPT_FORMAT = 0x2000,
	OPT_DICT,
	OPT_NAMES,
	OPT_CT,
	OPT_ZONE,
	OPT_EVENTS,
	OPT_RESOLVE,
	OPT_RESOLVER,
	OPT_TIMEOUT,
	OPT_STATE,
	OPT_NOTE,
	OPT_NOTICE_LANG,
	OPT_WITH_PHISHING,
};

#define MAX_FEEDS 64

struct lookalike_opts {
	const char *format; /* NULL: the verb's default */
	const char *dict;
	struct bs_lookalike_feed feeds[MAX_FEEDS];
	size_t nfeeds;
	int too_many_feeds;
	int events, resolve, with_phishing;
	const char *resolver, *timeout, *state, *note, *notice_lang;
};

static int lookalike_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct lookalike_opts *o = ctx;
	(void)cli;
	switch (opt) {
	case OPT_FORMAT: o->format = arg; break;
	case OPT_DICT: o->dict = arg; break;
	case OPT_NAMES:
	case OPT_CT:
	case OPT_ZONE:
		if (o->nfeeds == MAX_FEEDS) {
			o->too_many_feeds = 1;
			break;
		}
		o->feeds[o->nfeeds].path = arg;
		o->feeds[o->nfeeds++].kind = opt == OPT_NAMES ? BS_FEED_NAMES : opt == OPT_CT ? BS_FEED_CT : BS_FEED_ZONE;
		break;
	case OPT_EVENTS: o->events = 1; break;
	case OPT_RESOLVE: o->resolve = 1; break;
	case OPT_RESOLVER: o->resolver = arg; break;
	case OPT_TIMEOUT: o->timeout = arg; break;
	case OPT_STATE: o->state = arg; break;
	case OPT_NOTE: o->note = arg; break;
	case OPT_NOTICE_LANG: o->notice_lang = arg; break;
	case OPT_WITH_PHISHING: o->with_phishing = 1; break;
	}
	return -1;
}

/* --format among allowed (a NULL-ended list), defaulting to the first. */
static int format_ok(struct bs_cli *cli, struct lookalike_opts *o, const char *const *allowed, const char *list)
{
	if (!o->format) {
		o->format = allowed[0];
		return -1;
	}
	for (size_t i = 0; allowed[i]; i++)
		if (!strcmp(o->format, allowed[i]))
			return -1;
	return bs_cli_usage_error(cli, "--format '%s' is not one of %s", o->format, list);
}

static const char *const fmt_gen[] = { "table", "json", "list", NULL };
static const char *const fmt_tj[] = { "table", "json", NULL };
static const char *const fmt_notice[] = { "text", "html", NULL };

static void print_json(json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(v);
	if (!s)
		abort();
	printf("%s\n", s);
	free(s);
}

static int check_gen(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct lookalike_opts *o = ctx;
	(void)argv;
	if (argc < 1)
		return bs_cli_usage_error(cli, "lookalike gen needs at least one DOMAIN (example.com.tw)");
	return format_ok(cli, o, fmt_gen, "table, json, list");
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
		for (size_t i = 0; i < set.n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "kind", set.v[i].kind, "domain",
							     set.v[i].ascii, "unicode", set.v[i].unicode));
		print_json(arr);
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

/* ---- the official domains ---- */

static int check_domain(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc < 2 || (strcmp(argv[0], "add") && strcmp(argv[0], "remove")))
		return bs_cli_usage_error(cli, "lookalike domain needs add or remove and at least one DOMAIN "
					  "(lookalike domain add example.com.tw)");
	return -1;
}

static int run_domain(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	int add = !strcmp(argv[0], "add"), err = 0;
	(void)ctx;
	for (int i = 1; i < argc && err == 0; i++) {
		int added = 0;
		if (add) {
			if ((err = bs_lookalike_domain_add(dd, argv[i], &added)) == 0)
				printf(added ? BS_T(cli->lang, "已加入官方網域 %s\n", "official domain %s added\n")
					     : BS_T(cli->lang, "%s 已是官方網域\n", "%s is already an official domain\n"),
				       argv[i]);
		} else if ((err = bs_lookalike_domain_remove(dd, argv[i])) == 0) {
			printf(BS_T(cli->lang, "已移除官方網域 %s\n", "official domain %s removed\n"), argv[i]);
		}
	}
	if (err < 0)
		return bs_cli_fail(cli, err);
	return bs_cli_flush(cli);
}

static int check_tj(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc)
		return bs_cli_usage_error(cli, "'lookalike %s' takes no arguments", cli->verb);
	return format_ok(cli, ctx, fmt_tj, "table, json");
}

static int run_domains(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct lookalike_opts *o = ctx;
	char **names = NULL, **uni = NULL;
	size_t n = 0;
	int err;
	(void)argc;
	(void)argv;

	if ((err = bs_lookalike_domains(dd->store, &names, &uni, &n)) < 0)
		return bs_cli_fail(cli, err);
	if (!strcmp(o->format, "json")) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s}", "domain", names[i], "unicode", uni[i]));
		print_json(arr);
	} else if (!n) {
		printf("%s\n", BS_T(cli->lang, "尚無官方網域：brokersec lookalike domain add example.com.tw",
				    "no official domains yet: brokersec lookalike domain add example.com.tw"));
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s%s%s%s\n", names[i], strcmp(names[i], uni[i]) ? " (" : "", strcmp(names[i], uni[i]) ? uni[i] : "",
			       strcmp(names[i], uni[i]) ? ")" : "");
	}
	bs_lookalike_strv_free(names, n);
	bs_lookalike_strv_free(uni, n);
	return bs_cli_flush(cli);
}

/* ---- check ---- */

static int check_check(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct lookalike_opts *o = ctx;
	(void)argv;
	if (argc)
		return bs_cli_usage_error(cli, "lookalike check takes no arguments: it checks the official domains "
					  "(lookalike domain add) against --names, --ct, --zone, --events or --resolve");
	if (o->too_many_feeds)
		return bs_cli_usage_error(cli, "more than %d feed files: merge them, or run check more than once", MAX_FEEDS);
	if (!o->nfeeds && !o->events && !o->resolve)
		return bs_cli_usage_error(cli, "lookalike check needs something to look in: --names FILE, --ct FILE, "
					  "--zone FILE, --events or --resolve");
	if ((o->resolver || o->timeout) && !o->resolve)
		return bs_cli_usage_error(cli, "--resolver and --timeout apply only with --resolve");
	if (o->timeout) {
		char *end;
		long ms = strtol(o->timeout, &end, 10);
		if (*end || end == o->timeout || ms < 100 || ms > 60000)
			return bs_cli_usage_error(cli, "--timeout '%s' is not a number of milliseconds from 100 to 60000",
						  o->timeout);
	}
	return format_ok(cli, o, fmt_tj, "table, json");
}

static void print_hit_row(struct bs_cli *cli, const struct bs_lookalike_hit *h)
{
	struct bs_buf b = BS_BUF_INIT;
	char when[BS_TIME_MAX];
	bs_time_format(h->first_us, when);
	bs_buf_printf(&b, "%-5lld %-9s %-36s %-14s %-24s %.10s %s", (long long)h->id, h->state, h->name, h->kind,
		      h->official, when, h->is_new ? BS_T(cli->lang, "新發現 ", "new ") : "");
	bs_buf_puts(&b, h->last_source ? h->last_source : h->source);
	if (h->dns && strcmp(h->dns, "{\"a\":[],\"aaaa\":[],\"mx\":[],\"ns\":[]}"))
		bs_buf_printf(&b, " dns=%s", h->dns);
	if (h->unicode && strcmp(h->unicode, h->name))
		bs_buf_printf(&b, " [%s]", h->unicode);
	printf("%s\n", b.ptr);
	bs_buf_release(&b);
}

static void print_hit_head(struct bs_cli *cli)
{
	struct bs_buf h = BS_BUF_INIT;
	static const struct { const char *zh, *en; int w; } cols[] = {
		{ "編號", "id", 5 }, { "狀態", "state", 9 }, { "仿冒網域", "look-alike", 36 }, { "類別", "class", 14 },
		{ "官方網域", "official", 24 }, { "首次發現", "first seen", 10 }, { "來源", "source", 0 },
	};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		if (cols[i].w) {
			bs_utf8_put_cell(&h, BS_T(cli->lang, cols[i].zh, cols[i].en), cols[i].w, 1);
			bs_buf_puts(&h, " ");
		} else {
			bs_buf_puts(&h, BS_T(cli->lang, cols[i].zh, cols[i].en));
		}
	}
	printf("%s\n", h.ptr);
	bs_buf_release(&h);
}

static int run_check(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct lookalike_opts *o = ctx;
	struct bs_lookalike_check_opts co;
	struct bs_lookalike_result r;
	struct bs_buf dict = BS_BUF_INIT;
	char **words = NULL;
	size_t nwords = 0;
	int err;
	(void)argc;
	(void)argv;

	memset(&co, 0, sizeof(co));
	if (o->dict && (err = read_dict(o->dict, &words, &nwords, &dict)) < 0)
		goto fail;
	co.feeds = o->feeds;
	co.nfeeds = o->nfeeds;
	co.events = o->events;
	co.resolve = o->resolve;
	co.resolver = o->resolver;
	co.timeout_ms = o->timeout ? atoi(o->timeout) : 0;
	co.words = (const char *const *)words;
	co.nwords = nwords;
	if ((err = bs_lookalike_check(dd, &co, &r)) < 0)
		goto fail;
	if (!strcmp(o->format, "json")) {
		json_t *doc = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:O, s:[]}", "run", (json_int_t)r.run_id,
					"domains", (json_int_t)r.domains, "permutations", (json_int_t)r.permutations,
					"names_read", (json_int_t)r.candidates, "bad_lines", (json_int_t)r.bad, "resolved",
					(json_int_t)r.resolved, "dns_failed", (json_int_t)r.dns_failed, "hits",
					(json_int_t)r.nhits, "new", (json_int_t)r.nnew, "sources", r.sources, "found");
		json_t *found = json_object_get(doc, "found");
		for (size_t i = 0; i < r.nhits; i++)
			json_array_append_new(found, bs_lookalike_hit_json(&r.hits[i]));
		print_json(doc);
	} else {
		size_t i;
		json_t *src;
		printf(BS_T(cli->lang, "檢查 %lld：%zu 個官方網域、%zu 個變形，讀取 %lld 個名稱（%lld 行格式不符）",
			    "check %lld: %zu official domain(s), %zu permutations, %lld names read (%lld bad lines)"),
		       (long long)r.run_id, r.domains, r.permutations, (long long)r.candidates, (long long)r.bad);
		if (o->resolve)
			printf(BS_T(cli->lang, "，DNS 查得 %zu 個存在（%zu 個無回應）", ", %zu exist in DNS (%zu unanswered)"),
			       r.resolved, r.dns_failed);
		printf("\n");
		json_array_foreach(r.sources, i, src) {
			json_t *bad = json_object_get(src, "first_bad");
			if (json_integer_value(json_object_get(src, "bad")) > 0) {
				struct bs_buf lines = BS_BUF_INIT;
				size_t k;
				json_t *x;
				json_array_foreach(bad, k, x)
					bs_buf_printf(&lines, "%s%lld", k ? ", " : "", (long long)json_integer_value(x));
				printf(BS_T(cli->lang, "  %s：%lld 行格式不符，略過（第 %s 行…）\n",
					    "  %s: %lld bad lines skipped (lines %s...)\n"),
				       json_string_value(json_object_get(src, "path")),
				       (long long)json_integer_value(json_object_get(src, "bad")), lines.ptr ? lines.ptr : "");
				bs_buf_release(&lines);
			}
		}
		if (r.nhits) {
			print_hit_head(cli);
			for (i = 0; i < r.nhits; i++)
				print_hit_row(cli, &r.hits[i]);
		}
		printf(BS_T(cli->lang, "發現 %zu 個仿冒網域，其中 %zu 個為新發現%s\n", "%zu look-alike(s) found, %zu new%s\n"),
		       r.nhits, r.nnew,
		       r.nnew ? BS_T(cli->lang, "：請以 brokersec lookalike triage 判定", ": decide on each with brokersec lookalike triage")
			      : "");
	}
	err = r.nnew ? 3 : 0;
	bs_lookalike_result_release(&r);
	free(words);
	bs_buf_release(&dict);
	if (bs_cli_flush(cli))
		return 1;
	return err;
fail:
	free(words);
	bs_buf_release(&dict);
	return bs_cli_fail(cli, err);
}

/* ---- hits and triage ---- */

static int state_ok(const char *s)
{
	return !strcmp(s, "open") || !strcmp(s, "phishing") || !strcmp(s, "benign") || !strcmp(s, "closed");
}

static int check_hits(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct lookalike_opts *o = ctx;
	(void)argv;
	if (argc)
		return bs_cli_usage_error(cli, "'lookalike %s' takes no arguments", cli->verb);
	if (o->state && !state_ok(o->state))
		return bs_cli_usage_error(cli, "--state '%s' is not one of open, phishing, benign, closed", o->state);
	return format_ok(cli, o, fmt_tj, "table, json");
}

static int run_hits(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct lookalike_opts *o = ctx;
	struct bs_lookalike_hit *v = NULL;
	size_t n = 0;
	int err;
	(void)argc;
	(void)argv;

	if ((err = bs_lookalike_hits(dd->store, o->state, &v, &n)) < 0)
		return bs_cli_fail(cli, err);
	if (!strcmp(o->format, "json")) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, bs_lookalike_hit_json(&v[i]));
		print_json(arr);
	} else if (!n) {
		printf("%s\n", BS_T(cli->lang, "沒有發現仿冒網域", "no look-alikes found"));
	} else {
		print_hit_head(cli);
		for (size_t i = 0; i < n; i++)
			print_hit_row(cli, &v[i]);
	}
	bs_lookalike_hits_free(v, n);
	return bs_cli_flush(cli);
}

static int check_triage(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct lookalike_opts *o = ctx;
	char *end;
	if (argc != 1 || strtoll(argv[0], &end, 10) <= 0 || *end)
		return bs_cli_usage_error(cli, "lookalike triage needs one look-alike number (lookalike hits lists them)");
	if (!o->state || !state_ok(o->state))
		return bs_cli_usage_error(cli, "lookalike triage needs --state open|phishing|benign|closed");
	return -1;
}

static int run_triage(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct lookalike_opts *o = ctx;
	int err;
	(void)argc;
	if ((err = bs_lookalike_hit_set(dd, strtoll(argv[0], NULL, 10), o->state, o->note)) < 0)
		return bs_cli_fail(cli, err);
	printf(BS_T(cli->lang, "仿冒網域 %s 已判定為 %s\n", "look-alike %s marked %s\n"), argv[0], o->state);
	return bs_cli_flush(cli);
}

/* ---- notice ---- */

static int check_notice(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct lookalike_opts *o = ctx;
	(void)argv;
	if (argc)
		return bs_cli_usage_error(cli, "'lookalike %s' takes no arguments", cli->verb);
	if (o->notice_lang && strcmp(o->notice_lang, "zh-TW") && strcmp(o->notice_lang, "en") &&
	    strcmp(o->notice_lang, "both"))
		return bs_cli_usage_error(cli, "--notice-lang '%s' is not one of zh-TW, en, both", o->notice_lang);
	return format_ok(cli, o, fmt_notice, "text, html");
}

static int run_notice(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct lookalike_opts *o = ctx;
	struct bs_buf b = BS_BUF_INIT;
	int err;
	(void)argc;
	(void)argv;
	if ((err = bs_lookalike_notice(dd->store, o->notice_lang ? o->notice_lang : "both", o->format, o->with_phishing,
				       &b)) < 0) {
		bs_buf_release(&b);
		return bs_cli_fail(cli, err);
	}
	fputs(b.ptr ? b.ptr : "", stdout);
	bs_buf_release(&b);
	return bs_cli_flush(cli);
}

int cmd_lookalike(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "dict", required_argument, NULL, OPT_DICT },
		{ "names", required_argument, NULL, OPT_NAMES },
		{ "ct", required_argument, NULL, OPT_CT },
		{ "zone", required_argument, NULL, OPT_ZONE },
		{ "events", no_argument, NULL, OPT_EVENTS },
		{ "resolve", no_argument, NULL, OPT_RESOLVE },
		{ "resolver", required_argument, NULL, OPT_RESOLVER },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "notice-lang", required_argument, NULL, OPT_NOTICE_LANG },
		{ "with-phishing", no_argument, NULL, OPT_WITH_PHISHING },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb verbs[] = {
		{ "gen", run_gen, BS_CMD_NO_DATADIR, "format dict", check_gen },
		{ "domain", run_domain, BS_CMD_WRITES, "", check_domain },
		{ "domains", run_domains, BS_CMD_DATADIR, "format", check_tj },
		{ "check", run_check, BS_CMD_WRITES, "names ct zone events resolve resolver timeout dict format", check_check },
		{ "hits", run_hits, BS_CMD_DATADIR, "state format", check_hits },
		{ "triage", run_triage, BS_CMD_WRITES, "state note", check_triage },
		{ "notice", run_notice, BS_CMD_DATADIR, "notice-lang format with-phishing", check_notice },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", lookalike_option, verbs, NULL };
	struct lookalike_opts o;

	memset(&o, 0, sizeof(o));
	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
