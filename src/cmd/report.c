/* brokersec report assessment|verify|purge: the 電腦系統資訊安全評估報告 (Annex 2 捌) in
 * HTML, PDF, DOCX or OSCAL, recorded as issued; and whether a file is such a report. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/error.h"
#include "report/report.h"

static const char usage_text[] =
	"usage: brokersec report assessment ID [--format html|pdf|docx|oscal] [-o FILE] [--lang zh-TW|en] [--data DIR]\n"
	"       brokersec report verify FILE [--data DIR]\n"
	"       brokersec report purge ID [--data DIR]\n"
	"assessment writes the 電腦系統資訊安全評估報告 of assessment ID (Annex 2 捌): assessors'\n"
	"qualifications, scope, sampling, results per control, findings with severity, category, risk\n"
	"and recommendation, the social-engineering drill, the audit unit's follow-up. Default format\n"
	"html; -o FILE, else stdout (pdf and docx only to a file or a pipe). The file's SHA-256 is\n"
	"recorded (an event) and kept five years.\n"
	"verify says whether FILE is a report brokersec issued, unchanged: which assessment, when, by whom.\n"
	"purge deletes the issued-report records of assessment ID once their five years have passed.\n";

static const char usage_zh[] =
	"用法: brokersec report assessment 評估ID [--format html|pdf|docx|oscal] [-o 檔案] [--lang zh-TW|en] [--data 目錄]\n"
	"      brokersec report verify 檔案 [--data 目錄]\n"
	"      brokersec report purge 評估ID [--data 目錄]\n"
	"assessment 產生評估之「電腦系統資訊安全評估報告」（附件二捌）：評估人員資格、評估範圍、設備抽測、\n"
	"各控制項評估結果、缺失項目（嚴重程度、類別、風險說明、具體改善建議）、社交演練結果、稽核單位追蹤覆查。\n"
	"預設格式 html；-o 寫入檔案，否則寫至標準輸出（pdf、docx 僅寫入檔案或管線）。\n"
	"檔案之 SHA-256 記入事件日誌並保存五年。\n"
	"verify 驗證檔案是否為 brokersec 發行且未經變更之報告：屬於哪一評估、何時、由誰發行。\n"
	"purge 於五年保存期滿後刪除該評估之發行報告紀錄。\n";

struct report_opts {
	const char *format, *out;
	enum bs_report_format fmt;
	int64_t id;
};

enum { OPT_FORMAT = 0x2000 };

static int report_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct report_opts *o = ctx;
	(void)cli;
	if (opt == OPT_FORMAT)
		o->format = arg;
	else if (opt == 'o')
		o->out = arg;
	return -1;
}

static int parse_id(struct bs_cli *cli, int argc, char **argv, int64_t *id)
{
	char *end;
	long long v;

	if (argc < 1)
		return bs_cli_usage_error(cli, "%s", BS_T(cli->lang, "請給評估 ID（'brokersec assessment list' 列出）",
							   "give the assessment's id ('brokersec assessment list' shows them)"));
	if (argc > 1)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "多餘的參數 '%s'", "unexpected argument '%s'"), argv[1]);
	errno = 0;
	v = strtoll(argv[0], &end, 10);
	if (!*argv[0] || *end || errno || v <= 0)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "評估 ID '%s' 不是數字：請給 brokersec assessment list 列出之 ID",
						       "assessment id '%s' is not a number: give the id that brokersec assessment list shows"),
					  argv[0]);
	*id = v;
	return -1;
}

static int check_assessment(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct report_opts *o = ctx;
	int r = parse_id(cli, argc, argv, &o->id);
	if (r >= 0)
		return r;
	if (o->format && bs_report_format_parse(o->format, &o->fmt) < 0)
		return bs_cli_usage_error(cli, BS_T(cli->lang, "--format '%s'：請用 html、pdf、docx 或 oscal",
						       "--format '%s': use html, pdf, docx or oscal"), o->format);
	if (!o->out && (o->fmt == BS_REPORT_PDF || o->fmt == BS_REPORT_DOCX) && isatty(STDOUT_FILENO))
		return bs_cli_usage_error(cli, BS_T(cli->lang, "%s 報告為二進位檔：請以 -o 檔案 寫入檔案",
						       "a %s report is binary: write it to a file with -o FILE"),
					  bs_report_format_name(o->fmt));
	return -1;
}

/* Writes data to path by way of a temporary file beside it; the caller renames it once the
 * report is recorded. */
static int write_tmp(const char *tmp, const struct bs_buf *b)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	size_t off = 0;

	if (fd < 0)
		return bs_error(BS_ERR, "cannot create %s: %s (check the directory exists and is writable)", tmp, bs_strerror(errno));
	while (off < b->len) {
		ssize_t n = write(fd, b->ptr + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;
			close(fd);
			unlink(tmp);
			return bs_error(BS_ERR, "cannot write %s: %s", tmp, bs_strerror(e));
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		unlink(tmp);
		return bs_error(BS_ERR, "cannot write %s: %s", tmp, bs_strerror(errno));
	}
	return 0;
}

static int report_assessment(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct report_opts *o = ctx;
	struct bs_report_doc doc;
	struct bs_report_issued iss;
	struct bs_buf out = BS_BUF_INIT, tmp = BS_BUF_INIT;
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_report_load(dd, o->id, &doc)) < 0)
		return bs_cli_fail(cli, err);
	err = bs_report_render(&doc, o->fmt, cli->lang, &out);
	bs_report_doc_release(&doc);
	if (err < 0)
		goto done;
	if (o->out) {
		bs_buf_printf(&tmp, "%s.tmp-%ld", o->out, (long)getpid());
		if ((err = write_tmp(tmp.ptr, &out)) < 0)
			goto done;
	}
	/* recorded before the file appears under its name: an unrecorded report never exists */
	if ((err = bs_report_issue(dd, o->id, o->fmt, cli->lang, out.ptr, out.len, &iss)) < 0) {
		if (o->out)
			unlink(tmp.ptr);
		goto done;
	}
	if (o->out) {
		if (rename(tmp.ptr, o->out) < 0) {
			err = bs_error(BS_ERR, "cannot move the report to %s: %s", o->out, bs_strerror(errno));
			unlink(tmp.ptr);
			goto done;
		}
	} else if (fwrite(out.ptr, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		err = bs_error(BS_ERR, "cannot write the report to stdout: %s", bs_strerror(errno));
		goto done;
	}
	if (cli->lang == BS_LANG_EN)
		fprintf(stderr, "issued the %s report of assessment %lld%s%s: SHA-256 %s, kept until %s\n", iss.format,
			(long long)o->id, o->out ? " to " : "", o->out ? o->out : "", iss.sha256, iss.retain_until);
	else
		fprintf(stderr, "已發行評估 %lld 之 %s 報告%s%s：SHA-256 %s，保存至 %s\n", (long long)o->id, iss.format,
			o->out ? "至 " : "", o->out ? o->out : "", iss.sha256, iss.retain_until);
done:
	bs_buf_release(&out);
	bs_buf_release(&tmp);
	return err < 0 ? bs_cli_fail(cli, err) : 0;
}

static int check_verify(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc != 1)
		return bs_cli_usage_error(cli, argc ? "unexpected argument '%s'" : "give the report file to verify%s",
					  argc ? argv[1] : "");
	return -1;
}

static int report_verify(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct bs_buf data = BS_BUF_INIT;
	struct bs_report_issued r;
	int err;

	(void)ctx;
	(void)argc;
	if ((err = bs_buf_read_file(&data, argv[0])) < 0)
		return bs_cli_fail(cli, err);
	err = bs_report_verify(dd->store, data.ptr, data.len, &r);
	bs_buf_release(&data);
	if (err == BS_ENOTFOUND) {
		printf(BS_T(cli->lang, "未通過：%s 不是 brokersec 發行之報告，或已被變更（SHA-256 %s）\n",
			    "NOT VERIFIED: %s is not a report brokersec issued, or it was changed (SHA-256 %s)\n"),
		       argv[0], r.sha256);
		return 1;
	}
	if (err < 0)
		return bs_cli_fail(cli, err);
	if (cli->lang == BS_LANG_EN)
		printf("VERIFIED: %s is the %s report (%s) of assessment %lld, issued %s by %s, unchanged "
		       "(SHA-256 %s); kept until %s\n", argv[0], r.format, r.lang, (long long)r.assessment_id, r.issued_at,
		       r.issued_by, r.sha256, r.retain_until);
	else
		printf("通過：%s 為評估 %lld 之 %s 報告（%s），由 %s 於 %s 發行，未經變更（SHA-256 %s）；保存至 %s\n",
		       argv[0], (long long)r.assessment_id, r.format, r.lang, r.issued_by, r.issued_at, r.sha256, r.retain_until);
	return bs_cli_flush(cli);
}

static int check_purge(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct report_opts *o = ctx;
	return parse_id(cli, argc, argv, &o->id);
}

static int report_purge(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct report_opts *o = ctx;
	size_t n;
	int err;

	(void)argc;
	(void)argv;
	if ((err = bs_report_purge(dd, o->id, &n)) < 0)
		return bs_cli_fail(cli, err);
	printf(BS_T(cli->lang, "已刪除評估 %lld 之發行報告紀錄 %zu 筆\n", "assessment %lld: purged %zu issued-report record(s)\n"),
	       (long long)o->id, n);
	return bs_cli_flush(cli);
}

int cmd_report(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb verbs[] = {
		{ "assessment", report_assessment, BS_CMD_WRITES, "format output o", check_assessment },
		{ "verify", report_verify, BS_CMD_DATADIR, "", check_verify },
		{ "purge", report_purge, BS_CMD_WRITES, "", check_purge },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "ho:", report_option, verbs, NULL };
	struct report_opts o = { .fmt = BS_REPORT_HTML };

	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
