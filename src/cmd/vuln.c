/* brokersec vuln: vulnerability tracking (issue 18; 第十五條 漏洞修復機制, A2.5.3.1, SR.18.1;
 * src/vuln, docs/vulnerabilities.md): inventories of devices, advisory feeds read offline,
 * findings with remediation deadlines, accepted risks, the deadline policy, and an offline
 * check of dpkg status files against a tracker file without a data directory. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "core/table.h"
#include "scan/scan.h"
#include "vuln/rpmdb.h"
#include "vuln/vuln.h"

static const char usage_text[] =
	"usage: brokersec vuln inventory (--root DIR | --sbom FILE | --windows-export DIR) [--device ID] [--release NAME]\n"
	"       brokersec vuln import-feed --format debian-tracker|osv|kev|msrc [--release NAME] FILE|DIR\n"
	"       brokersec vuln list [--kev] [--overdue] [--device ID] [--all] [--as-of DATE] [--format table|json]\n"
	"       brokersec vuln accept FINDING --until DATE --approver NAME --reason TEXT\n"
	"       brokersec vuln policy show [--format table|json] | policy set KEY=DAYS...\n"
	"       brokersec vuln check --feed FILE --release NAME [--format table|json|count] STATUS_FILE...\n"
	"       brokersec vuln vercmp [--rpm] FILE|-\n"
	"Vulnerability remediation (第十五條 漏洞修復機制, A2.5.3.1, SR.18.1; docs/vulnerabilities.md).\n"
	"inventory    reads the installed packages of the system under --root DIR (its dpkg status and/or\n"
	"             RPM database - rpmdb.sqlite, or Packages of RHEL 7/8, read by librpm from a private\n"
	"             copy, never written - and os-release, as scan --root reads them) or the components of\n"
	"             a CycloneDX JSON, SPDX JSON or SPDX tag-value SBOM (--sbom FILE, told apart by content;\n"
	"             each with a purl), saves them for --device ID (a record of the\n"
	"             device register; its system's category sets the deadlines) with the time, and matches\n"
	"             them; --release NAME when the root has no os-release (bookworm, 22.04);\n"
	"             --windows-export DIR: a Windows PC's installed updates (Get-HotFix) and its product\n"
	"             (os.json), from the folder the collector wrote (docs/windows-export.md)\n"
	"import-feed  stores an advisory feed downloaded beforehand: the Debian Security Tracker's JSON\n"
	"             (--release keeps one release), OSV records (a file, an array or a directory of\n"
	"             *.json), CISA's KEV list, or Microsoft's monthly CVRF JSON documents (--format msrc, a\n"
	"             file or a directory of them); a damaged feed is refused whole with its line and column\n"
	"list         the findings: package, version, fixed version, CVE, severity, KEV, device, system\n"
	"             category, first seen, deadline; --kev only known exploited ones, --overdue only those\n"
	"             past their deadline, --all closed ones too\n"
	"accept       accepts the risk of a finding until a date (at most a year) by an approver, with a\n"
	"             reason; after that date it is open again\n"
	"policy       the remediation days per severity, KEV and 第一類 systems: show them, or set KEY=DAYS\n"
	"             (only ever shorter than the default)\n"
	"check        without a data directory: the dpkg status files against a tracker file, one line per\n"
	"             package and CVE (as debsecan reports); --format count: a line per file with its\n"
	"             packages, findings and undetermined ones\n"
	"vercmp       compares the version pairs of FILE (- : standard input), \"A B\" a line, and prints\n"
	"             \"A < B\", \"A = B\" or \"A > B\": dpkg's order, --rpm rpm's (the tests hold both to dpkg\n"
	"             --compare-versions and rpm's rpm.vercmp)\n";
static const char usage_zh[] =
	"用法: brokersec vuln inventory (--root 目錄 | --sbom 檔案 | --windows-export 目錄) [--device 編號] [--release 名稱]\n"
	"      brokersec vuln import-feed --format debian-tracker|osv|kev|msrc [--release 名稱] 檔案|目錄\n"
	"      brokersec vuln list [--kev] [--overdue] [--device 編號] [--all] [--as-of 日期] [--format table|json]\n"
	"      brokersec vuln accept 弱點編號 --until 日期 --approver 核准人 --reason 理由\n"
	"      brokersec vuln policy show [--format table|json] | policy set 鍵=天數...\n"
	"      brokersec vuln check --feed 檔案 --release 名稱 [--format table|json|count] 狀態檔...\n"
	"      brokersec vuln vercmp [--rpm] 檔案|-\n"
	"漏洞修復機制（第十五條、附件二伍、三、(一) A2.5.3.1、第十八條一 SR.18.1；docs/vulnerabilities.md）。\n"
	"inventory    讀取 --root 目錄下系統之已安裝套件（dpkg 狀態檔及／或 RPM 資料庫：rpmdb.sqlite，或\n"
	"             RHEL 7/8 之 Packages，由 librpm 讀取其私有複本，絕不寫入；與 os-release，讀法同\n"
	"             scan --root），或 CycloneDX JSON、SPDX JSON、SPDX tag-value 軟體物料清單（--sbom 檔案，\n"
	"             依內容辨識；各元件須有 purl），\n"
	"             以 --device 編號（設備登錄之紀錄；其系統之類別決定修復期限）連同時間保存並比對；\n"
	"             根目錄無 os-release 時以 --release 指定版本（bookworm、22.04）；\n"
	"             --windows-export 目錄：收集器所寫資料夾中 Windows 電腦之已安裝更新（Get-HotFix）\n"
	"             與產品（os.json）（docs/windows-export.md）\n"
	"import-feed  匯入事先下載之弱點通報來源：Debian Security Tracker JSON（--release 只保留一個版本）、\n"
	"             OSV 紀錄（單一檔案、陣列或含 *.json 之目錄）、CISA KEV 已知遭利用漏洞清單、\n"
	"             微軟每月安全性更新 CVRF JSON 文件（--format msrc，單一檔案或目錄）；\n"
	"             損毀之來源整份拒絕，並指出行與欄\n"
	"list         列出弱點：套件、版本、修正版本、CVE、嚴重程度、是否已知遭利用、設備、系統類別、\n"
	"             首次發現、修復期限；--kev 只列已知遭利用者，--overdue 只列逾期者，--all 含已結案者\n"
	"accept       風險接受：由核准人附理由接受某弱點之風險至某日（至多一年），逾期即恢復未結\n"
	"policy       各嚴重程度、已知遭利用與第一類系統之修復天數：show 顯示，set 鍵=天數 設定（只能比預設更短）\n"
	"check        不需資料目錄：以 Debian Security Tracker 檔比對 dpkg 狀態檔，每一套件與 CVE 一行\n"
	"             （同 debsecan 之報告）；--format count：每一檔案一行，列出套件數、弱點數與待確認數\n"
	"vercmp       比較檔案（- 為標準輸入）中每行 \"A B\" 之版本，輸出 \"A < B\"、\"A = B\" 或 \"A > B\"：\n"
	"             依 dpkg 之順序，--rpm 依 rpm 之順序（測試以 dpkg --compare-versions 與 rpm 之 rpm.vercmp 驗證）\n";

struct vuln_opts {
	const char *root, *sbom, *device, *release, *format, *until, *approver, *reason, *as_of, *feed;
	const char *winexport;
	int kev, overdue, all, rpm;
	int json;
	int64_t device_id;
};

enum {
	O_ROOT = 0x2000, O_SBOM, O_DEVICE, O_RELEASE, O_FORMAT, O_UNTIL, O_APPROVER, O_REASON, O_KEV, O_OVERDUE,
	O_ALL, O_AS_OF, O_FEED, O_RPM
};
enum { O_WINEXPORT = 0x2100 }; /* --windows-export */

static int vuln_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct vuln_opts *o = ctx;
	(void)cli;
	switch (opt) {
	case O_ROOT: o->root = arg; break;
	case O_WINEXPORT: o->winexport = arg; break;
	case O_SBOM: o->sbom = arg; break;
	case O_DEVICE: o->device = arg; break;
	case O_RELEASE: o->release = arg; break;
	case O_FORMAT: o->format = arg; break;
	case O_UNTIL: o->until = arg; break;
	case O_APPROVER: o->approver = arg; break;
	case O_REASON: o->reason = arg; break;
	case O_KEV: o->kev = 1; break;
	case O_OVERDUE: o->overdue = 1; break;
	case O_ALL: o->all = 1; break;
	case O_AS_OF: o->as_of = arg; break;
	case O_FEED: o->feed = arg; break;
	case O_RPM: o->rpm = 1; break;
	}
	return -1;
}

static int parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v;
	if (!s || !*s)
		return -1;
	v = strtoll(s, &end, 10);
	if (*end || v <= 0)
		return -1;
	*out = v;
	return 0;
}

static int check_device(struct bs_cli *cli, struct vuln_opts *o)
{
	o->device_id = 0;
	if (o->device && parse_id(o->device, &o->device_id) < 0)
		return bs_cli_usage_error(cli, "--device '%s' is not a device record's number", o->device);
	return -1;
}

static int check_inventory(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct vuln_opts *o = ctx;
	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (!!o->root + !!o->sbom + !!o->winexport != 1)
		return bs_cli_usage_error(cli, "vuln inventory needs one of --root DIR (a dpkg or RPM system), --sbom FILE "
						  "(CycloneDX or SPDX, JSON or tag-value) or --windows-export DIR (a Windows PC's export)");
	if (o->winexport && o->release)
		return bs_cli_usage_error(cli, "--release does not apply to --windows-export: the product is read from "
					  "its os.json");
	return check_device(cli, o);
}

static int run_inventory(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct vuln_opts *o = ctx;
	struct bs_vuln_inv inv;
	struct bs_buf b = BS_BUF_INIT, origin = BS_BUF_INIT;
	int64_t id = 0;
	int err;
	(void)argc, (void)argv;

	memset(&inv, 0, sizeof(inv));
	if (o->root) {
		struct bs_buf osr = BS_BUF_INIT;
		char rpmpath[256], backend[16], eco[128];
		int have_dpkg = 0, nrpm = BS_ENOTFOUND;
		/* dpkg status and/or an RPM database (vuln/rpmdb.h): whichever the root has, both
		 * when both are there, each said */
		if ((err = bs_scan_root_read(o->root, BS_DPKG_STATUS, &b)) == 0) {
			bs_buf_printf(&origin, "%s%s", o->root, BS_DPKG_STATUS);
			if ((err = bs_vuln_inv_dpkg(b.ptr ? b.ptr : (char *)"", b.len, origin.ptr, &inv)) < 0)
				goto out;
			have_dpkg = 1;
			printf("%s %s%s (dpkg): %zu %s\n", BS_T(cli->lang, "已讀取", "read"), o->root, BS_DPKG_STATUS, inv.n,
			       BS_T(cli->lang, "個套件", "packages"));
		} else if (err != BS_ENOTFOUND) {
			goto out;
		}
		bs_error_clear();
		nrpm = bs_vuln_inv_rpm(o->root, bs_scan_root_open, &inv, rpmpath, sizeof(rpmpath), backend, sizeof(backend));
		if (nrpm == 0 && !have_dpkg) {
			err = bs_error(BS_EINVALID, "the RPM database '%s%s' lists no installed package: it is damaged or not the "
				       "system's own", o->root, rpmpath);
			goto out;
		}
		if (nrpm >= 0) {
			bs_buf_printf(&origin, "%s%s%s", origin.len ? ", " : "", o->root, rpmpath);
			if (!have_dpkg) /* both: "dpkg", the origin names both files (the CHECK of 0013) */
				snprintf(inv.kind, sizeof(inv.kind), "rpm");
			printf("%s %s%s (rpm, %s): %d %s\n", BS_T(cli->lang, "已讀取", "read"), o->root, rpmpath, backend, nrpm,
			       BS_T(cli->lang, "個套件", "packages"));
		} else if (nrpm != BS_ENOTFOUND) {
			err = nrpm;
			goto out;
		} else if (!have_dpkg) {
			err = bs_error(BS_ENOTFOUND, "no dpkg status (%s) and no RPM database (/var/lib/rpm) under '%s': for "
				       "other systems give an SBOM with --sbom", BS_DPKG_STATUS, o->root);
			goto out;
		}
		bs_error_clear();
		if (bs_scan_root_read(o->root, "/etc/os-release", &osr) == 0 ||
		    (bs_buf_clear(&osr), bs_scan_root_read(o->root, "/usr/lib/os-release", &osr) == 0))
			bs_vuln_inv_os_release(osr.ptr ? osr.ptr : "", &inv);
		bs_error_clear();
		bs_buf_release(&osr);
		if (o->release) {
			snprintf(inv.release, sizeof(inv.release), "%s", o->release);
			if (!inv.distro[0] && have_dpkg)
				snprintf(inv.distro, sizeof(inv.distro), "debian");
		}
		if (nrpm >= 0 && !inv.distro[0]) {
			err = bs_error(BS_EINVALID, "'%s' has no os-release (ID, VERSION_ID) naming its distribution: its RPM "
				       "packages cannot be matched against any advisory", o->root);
			goto out;
		}
		if (nrpm >= 0 && !bs_vuln_rpm_ecosystem(inv.distro, inv.release, eco, sizeof(eco)))
			fprintf(stderr, "%s: %s %s %s: %s\n", cli->prog, BS_T(cli->lang, "警告：", "warning:"), inv.distro,
				inv.release,
				BS_T(cli->lang, "沒有 OSV 生態系涵蓋此發行版（支援 rhel、almalinux、rocky、opensuse-leap、"
						"opensuse-tumbleweed、sles、mageia）：盤點已保存但不會比對出弱點",
				     "no OSV ecosystem covers this distribution (rhel, almalinux, rocky, opensuse-leap, "
				     "opensuse-tumbleweed, sles and mageia do): the inventory is saved but nothing is matched"));
		if (!inv.release[0]) {
			err = bs_error(BS_EINVALID, "'%s' has no os-release naming its release: give --release NAME (bookworm, "
				       "22.04)", o->root);
			goto out;
		}
	} else if (o->winexport) {
		struct bs_scan_opts so;
		struct bs_scan_wininv w;
		memset(&so, 0, sizeof(so));
		so.winexport = o->winexport;
		bs_buf_puts(&origin, o->winexport);
		if ((err = bs_scan_win_inventory(&so, &w)) < 0)
			goto out;
		struct bs_vuln_winos os = { w.caption, w.version, w.build, w.arch, w.display, w.install_type, w.proc_arch };
		err = bs_vuln_inv_windows(&os, (const char *const *)w.kbs, w.nkbs, origin.ptr, &inv);
		bs_scan_wininv_release(&w);
		if (err < 0)
			goto out;
	} else {
		bs_buf_puts(&origin, o->sbom);
		if ((err = bs_buf_read_file(&b, o->sbom)) < 0 ||
		    (err = bs_vuln_inv_sbom(o->sbom, b.ptr ? b.ptr : "", b.len, &inv)) < 0)
			goto out;
		if (o->release)
			snprintf(inv.release, sizeof(inv.release), "%s", o->release);
		if (inv.nopurl)
			fprintf(stderr, "%s: %s %zu %s\n", cli->prog, BS_T(cli->lang, "警告：", "warning:"), inv.nopurl,
				BS_T(cli->lang, "個套件沒有 purl（ExternalRef PACKAGE-MANAGER purl），無法比對",
				     "packages have no purl (ExternalRef PACKAGE-MANAGER purl) and cannot be matched"));
	}
	if ((err = bs_vuln_inventory_save(dd, o->device_id, origin.ptr, &inv, &id)) < 0)
		goto out;
	if (!strcmp(inv.kind, "windows"))
		printf("%s %lld: %s, %zu %s\n", BS_T(cli->lang, "已保存盤點", "inventory saved"), (long long)id, inv.release,
		       inv.n - 1, BS_T(cli->lang, "個已安裝更新（KB）", "installed updates (KB)"));
	else
		printf("%s %lld: %zu %s (%s%s%s)\n", BS_T(cli->lang, "已保存盤點", "inventory saved"), (long long)id, inv.n,
	       BS_T(cli->lang, "個套件", "packages"), inv.kind, inv.release[0] ? ", " : "", inv.release);
out:
	bs_vuln_inv_release(&inv);
	bs_buf_release(&b);
	bs_buf_release(&origin);
	if (err < 0)
		return bs_cli_fail(cli, err);
	return bs_cli_flush(cli);
}

static int check_import(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct vuln_opts *o = ctx;
	enum bs_vuln_format f;
	(void)argv;
	if (argc != 1)
		return bs_cli_usage_error(cli, "vuln import-feed needs one FILE (or an OSV directory)");
	if (!o->format)
		return bs_cli_usage_error(cli, "vuln import-feed needs --format debian-tracker, osv, kev or msrc");
	if (bs_vuln_format_parse(o->format, &f) < 0)
		return bs_cli_usage_error(cli, "unknown feed format '%s': give debian-tracker, osv, kev or msrc", o->format);
	if (o->release && f != BS_VULN_TRACKER)
		return bs_cli_usage_error(cli, "--release applies to --format debian-tracker only");
	return -1;
}

static int run_import(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct vuln_opts *o = ctx;
	struct bs_vuln_feed feed;
	enum bs_vuln_format f;
	char sha[65];
	int err;
	(void)argc;

	(void)bs_vuln_format_parse(o->format, &f);
	if ((err = bs_vuln_feed_load(f, argv[0], o->release, &feed, sha)) < 0)
		return bs_cli_fail(cli, err);
	for (size_t i = 0; i < feed.nunknown; i++)
		fprintf(stderr, "%s: %s '%s' %s\n", cli->prog,
			BS_T(cli->lang, "警告：生態系", "warning: ecosystem"), feed.unknown[i],
			BS_T(cli->lang, "已保存，但沒有任何盤點可與之比對（brokersec 只比對 Debian、Ubuntu、RPM 發行版"
					"（docs/vulnerabilities.md）與 SBOM 之 purl 類型）",
			     "stored, but no inventory can be matched against it (brokersec matches Debian, Ubuntu, the RPM "
			     "distributions of docs/vulnerabilities.md and SBOM purl types)"));
	if ((err = bs_vuln_feed_import(dd, f, argv[0], o->release, sha, &feed)) < 0) {
		bs_vuln_feed_release(&feed);
		return bs_cli_fail(cli, err);
	}
	printf("%s %s: %zu %s, %zu %s (sha256 %s)\n", BS_T(cli->lang, "已匯入", "imported"), bs_vuln_format_name(f),
	       feed.records, BS_T(cli->lang, "筆紀錄", "records"), f == BS_VULN_KEV ? feed.nkev : feed.nadv,
	       BS_T(cli->lang, "列", "rows"), sha);
	bs_vuln_feed_release(&feed);
	return bs_cli_flush(cli);
}

static const char *sev_label(const char *s, enum bs_lang lang)
{
	if (lang != BS_LANG_ZH_TW)
		return s;
	return !strcmp(s, "critical") ? "嚴重" : !strcmp(s, "high") ? "高" : !strcmp(s, "medium") ? "中" : !strcmp(s, "low") ? "低" : "未分級";
}

static const char *state_label(const char *s, enum bs_lang lang)
{
	if (lang != BS_LANG_ZH_TW)
		return s;
	return !strcmp(s, "open") ? "未修復" : !strcmp(s, "accepted") ? "風險接受" : "已結案";
}

static int check_list(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", NULL };
	struct vuln_opts *o = ctx;
	int fmt;
	if ((fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	o->json = fmt == 1;
	if (argc)
		return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (o->as_of) {
		int32_t d;
		if (bs_date_parse(o->as_of, &d) < 0)
			return bs_cli_usage_error(cli, "--as-of '%s' is not a date (YYYY-MM-DD)", o->as_of);
	}
	return check_device(cli, o);
}

static int run_list(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct vuln_opts *o = ctx;
	struct bs_vuln_list_opts lo;
	struct bs_vuln_finding *v = NULL;
	size_t n = 0;
	int err;
	(void)argc, (void)argv;

	memset(&lo, 0, sizeof(lo));
	lo.as_of = bs_days_taipei(bs_clock_now()); /* today as `due` and GET /vulns count it */
	if (o->as_of)
		(void)bs_date_parse(o->as_of, &lo.as_of);
	lo.kev_only = o->kev;
	lo.overdue_only = o->overdue;
	lo.all = o->all;
	lo.device = o->device_id;
	if ((err = bs_vuln_findings(dd->store, &lo, &v, &n)) < 0)
		return bs_cli_fail(cli, err);
	if (o->json) {
		json_t *arr = json_array();
		char *s;
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, bs_vuln_finding_json(&v[i], lo.as_of));
		s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(arr);
		if (!s)
			abort();
		printf("%s\n", s);
		free(s);
	} else {
		static const size_t w[] = { 5, 6, 22, 18, 18, 16, 6, 4, 4, 0 };
		struct bs_buf t = BS_BUF_INIT;
		const char *head[] = { BS_T(cli->lang, "編號", "id"), BS_T(cli->lang, "設備", "device"),
				       BS_T(cli->lang, "套件", "package"), BS_T(cli->lang, "版本", "version"),
				       BS_T(cli->lang, "修正版本", "fixed"), "CVE", BS_T(cli->lang, "嚴重", "sev"), "KEV",
				       BS_T(cli->lang, "類別", "cat"), BS_T(cli->lang, "期限／狀態", "deadline / state") };
		size_t overdue = 0;
		bs_table_row(&t, head, w, 10);
		for (size_t i = 0; i < n; i++) {
			char id[24], dev[24], cat[8], dl[128];
			const struct bs_vuln_finding *f = &v[i];
			const char *state = bs_vuln_state_as_of(f, lo.as_of);
			snprintf(id, sizeof(id), "%lld", (long long)f->id);
			snprintf(dev, sizeof(dev), "%lld", (long long)f->device);
			snprintf(cat, sizeof(cat), "%lld", (long long)f->category);
			if (!strcmp(state, "open"))
				snprintf(dl, sizeof(dl), "%s%s", f->deadline,
					 f->overdue ? BS_T(cli->lang, " 逾期", " overdue") : "");
			else if (!strcmp(state, "accepted"))
				snprintf(dl, sizeof(dl), "%s %s", state_label(state, cli->lang), f->accepted_until);
			else
				snprintf(dl, sizeof(dl), "%s", state_label(state, cli->lang));
			overdue += (size_t)f->overdue;
			const char *cells[] = { id, f->device ? dev : "-", f->package, f->version,
						*f->fixed ? f->fixed
						: !strcmp(f->status, "undetermined") ? BS_T(cli->lang, "（待確認）", "(undetermined)")
										       : BS_T(cli->lang, "（尚無）", "(none)"),
						f->cve,
						sev_label(f->severity, cli->lang), f->kev ? "KEV" : "", f->category ? cat : "-", dl };
			bs_table_row(&t, cells, w, 10);
		}
		fputs(t.ptr ? t.ptr : "", stdout);
		bs_buf_release(&t);
		printf("%s %zu, %s %zu\n", BS_T(cli->lang, "合計", "total"), n, BS_T(cli->lang, "逾期", "overdue"), overdue);
	}
	bs_vuln_findings_free(v, n);
	return bs_cli_flush(cli);
}

static int check_accept(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct vuln_opts *o = ctx;
	int64_t id;
	if (argc != 1 || parse_id(argv[0], &id) < 0)
		return bs_cli_usage_error(cli, "vuln accept needs a FINDING number ('brokersec vuln list' shows them)");
	if (!o->until || !o->approver || !o->reason)
		return bs_cli_usage_error(cli, "vuln accept needs --until DATE, --approver NAME and --reason TEXT");
	return -1;
}

static int run_accept(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct vuln_opts *o = ctx;
	int64_t id = 0;
	int err;
	(void)argc;
	(void)parse_id(argv[0], &id);
	if ((err = bs_vuln_accept(dd, id, o->until, o->approver, o->reason)) < 0)
		return bs_cli_fail(cli, err);
	printf("%s %lld %s %s\n", BS_T(cli->lang, "已接受弱點", "risk accepted for finding"), (long long)id,
	       BS_T(cli->lang, "之風險至", "until"), o->until);
	return bs_cli_flush(cli);
}

static int check_policy(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", NULL };
	struct vuln_opts *o = ctx;
	int fmt;
	if (!argc || (strcmp(argv[0], "show") && strcmp(argv[0], "set")))
		return bs_cli_usage_error(cli, "vuln policy needs show or set KEY=DAYS");
	if (!strcmp(argv[0], "show")) {
		if ((fmt = bs_cli_format(cli, o->format, formats)) < 0)
			return 2;
		o->json = fmt == 1;
		if (argc > 1)
			return bs_cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
		return -1;
	}
	if (argc < 2)
		return bs_cli_usage_error(cli, "'vuln policy set' needs KEY=DAYS");
	cli->flags |= BS_CMD_WRITES; /* set changes state as a person; show only reads */
	for (int i = 1; i < argc; i++) {
		enum bs_vuln_pol k;
		int d;
		if (bs_vuln_policy_parse(argv[i], &k, &d) < 0)
			return bs_cli_fail(cli, BS_EINVALID);
	}
	return -1;
}

static int run_policy(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct vuln_opts *o = ctx;
	struct bs_vuln_policy p;
	int err;

	if (!strcmp(argv[0], "set")) {
		for (int i = 1; i < argc; i++) {
			enum bs_vuln_pol k;
			int d;
			(void)bs_vuln_policy_parse(argv[i], &k, &d);
			if ((err = bs_vuln_policy_set(dd, k, d)) < 0)
				return bs_cli_fail(cli, err);
			printf("%s=%d\n", bs_vuln_policy_info(k)->key, d);
		}
		return bs_cli_flush(cli);
	}
	if ((err = bs_vuln_policy_load(dd->store, &p)) < 0)
		return bs_cli_fail(cli, err);
	if (o->json) {
		json_t *arr = json_array();
		char *s;
		for (int k = 0; k < BS_VPOL_COUNT; k++) {
			const struct bs_vuln_policy_info *in = bs_vuln_policy_info((enum bs_vuln_pol)k);
			json_array_append_new(arr, json_pack("{s:s, s:i, s:i, s:s}", "key", in->key, "days", p.days[k], "default",
							     in->def, "what", BS_T(cli->lang, in->zh, in->en)));
		}
		s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(arr);
		if (!s)
			abort();
		printf("%s\n", s);
		free(s);
	} else {
		static const size_t w[] = { 20, 6, 8, 0 };
		struct bs_buf t = BS_BUF_INIT;
		const char *head[] = { BS_T(cli->lang, "鍵", "key"), BS_T(cli->lang, "天數", "days"),
				       BS_T(cli->lang, "預設", "default"), BS_T(cli->lang, "說明", "what") };
		bs_table_row(&t, head, w, 4);
		for (int k = 0; k < BS_VPOL_COUNT; k++) {
			const struct bs_vuln_policy_info *in = bs_vuln_policy_info((enum bs_vuln_pol)k);
			char d[16], def[16];
			snprintf(d, sizeof(d), "%d", p.days[k]);
			snprintf(def, sizeof(def), "%d", in->def);
			const char *cells[] = { in->key, d, def, BS_T(cli->lang, in->zh, in->en) };
			bs_table_row(&t, cells, w, 4);
		}
		fputs(t.ptr ? t.ptr : "", stdout);
		bs_buf_release(&t);
	}
	return bs_cli_flush(cli);
}

static int check_check(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	static const char *const formats[] = { "table", "json", "count", NULL };
	struct vuln_opts *o = ctx;
	int fmt;
	(void)argv;
	if ((fmt = bs_cli_format(cli, o->format, formats)) < 0)
		return 2;
	o->json = fmt; /* 1 json, 2 count */
	if (!o->feed || !o->release || !argc)
		return bs_cli_usage_error(cli, "vuln check needs --feed FILE (the tracker's JSON), --release NAME and one "
					  "or more dpkg status files");
	return -1;
}

struct check_out {
	const char *host;
	json_t *arr;
	struct bs_buf *out;
	int count;
	size_t hits, undetermined;
};

static void print_hit(const struct bs_vuln_pkg *p, const struct bs_vuln_adv *a, void *arg)
{
	struct check_out *c = arg;
	if (c->count) {
		c->hits++;
		c->undetermined += a->status[0] == 'u'; /* "undetermined" */
	} else if (c->arr)
		json_array_append_new(c->arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "host", c->host, "package",
							p->name, "version", p->version, "fixed", a->fixed ? a->fixed : "",
							"cve", a->vuln_id, "severity", a->severity, "status", a->status));
	else
		bs_buf_printf(c->out, "%s %s %s %s %s %s\n", c->host, a->vuln_id, p->name, p->version,
			      a->fixed ? a->fixed : "-", a->status);
}

static int run_check(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct vuln_opts *o = ctx;
	struct bs_vuln_feed feed;
	struct bs_vuln_index ix;
	struct bs_buf out = BS_BUF_INIT;
	struct check_out c = { NULL, NULL, &out, 0, 0, 0 };
	char sha[65];
	int err;
	(void)dd;

	if ((err = bs_vuln_feed_load(BS_VULN_TRACKER, o->feed, o->release, &feed, sha)) < 0)
		return bs_cli_fail(cli, err);
	bs_vuln_index_build(&ix, feed.adv, feed.nadv);
	if (o->json == 1)
		c.arr = json_array();
	c.count = o->json == 2;
	for (int i = 0; i < argc && err == 0; i++) {
		struct bs_buf b = BS_BUF_INIT;
		struct bs_vuln_inv inv;
		memset(&inv, 0, sizeof(inv));
		if ((err = bs_buf_read_file(&b, argv[i])) == 0 &&
		    (err = bs_vuln_inv_dpkg(b.ptr ? b.ptr : (char *)"", b.len, argv[i], &inv)) == 0) {
			snprintf(inv.distro, sizeof(inv.distro), "debian");
			snprintf(inv.release, sizeof(inv.release), "%s", o->release);
			c.host = argv[i];
			c.hits = c.undetermined = 0;
			bs_vuln_match(&ix, &inv, print_hit, &c);
			if (c.count)
				bs_buf_printf(&out, "%s %zu %zu %zu\n", argv[i], inv.n, c.hits, c.undetermined);
		}
		bs_vuln_inv_release(&inv);
		bs_buf_release(&b);
		if (out.len > (1 << 20)) {
			fwrite(out.ptr, 1, out.len, stdout);
			bs_buf_clear(&out);
		}
	}
	if (c.arr) {
		char *s = json_dumps(c.arr, JSON_INDENT(2));
		json_decref(c.arr);
		if (!s)
			abort();
		printf("%s\n", s);
		free(s);
	} else if (out.len) {
		fwrite(out.ptr, 1, out.len, stdout);
	}
	bs_buf_release(&out);
	bs_vuln_index_release(&ix);
	bs_vuln_feed_release(&feed);
	if (err < 0)
		return bs_cli_fail(cli, err);
	return bs_cli_flush(cli);
}

static int check_vercmp(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argv;
	if (argc != 1)
		return bs_cli_usage_error(cli, "vuln vercmp needs one FILE of version pairs ('-': standard input)");
	return -1;
}

static int run_vercmp(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct vuln_opts *o = ctx;
	FILE *in = strcmp(argv[0], "-") ? fopen(argv[0], "r") : stdin;
	char line[2048];
	int lineno = 0, err = 0;
	(void)dd, (void)argc;

	if (!in)
		return bs_cli_fail(cli, bs_error(BS_ERR, "cannot read '%s': %s", argv[0], bs_strerror(errno)));
	while (fgets(line, sizeof(line), in)) {
		char *a = line, *b, *end;
		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		while (*a == ' ' || *a == '\t')
			a++;
		if (!*a || *a == '#')
			continue;
		b = a + strcspn(a, " \t");
		if (*b)
			*b++ = 0;
		while (*b == ' ' || *b == '\t')
			b++;
		end = b + strcspn(b, " \t");
		*end = 0;
		if (!*b) {
			err = bs_error(BS_EINVALID, "'%s', line %d: two versions expected (\"A B\")", argv[0], lineno);
			break;
		}
		int r = o->rpm ? bs_rpm_evrcmp(a, b) : bs_version_cmp(a, b);
		printf("%s %c %s\n", a, r < 0 ? '<' : r > 0 ? '>' : '=', b);
	}
	if (in != stdin)
		fclose(in);
	if (err < 0)
		return bs_cli_fail(cli, err);
	return bs_cli_flush(cli);
}

int cmd_vuln(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, O_ROOT },
		{ "windows-export", required_argument, NULL, O_WINEXPORT },
		{ "sbom", required_argument, NULL, O_SBOM },
		{ "device", required_argument, NULL, O_DEVICE },
		{ "release", required_argument, NULL, O_RELEASE },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "approver", required_argument, NULL, O_APPROVER },
		{ "reason", required_argument, NULL, O_REASON },
		{ "kev", no_argument, NULL, O_KEV },
		{ "overdue", no_argument, NULL, O_OVERDUE },
		{ "all", no_argument, NULL, O_ALL },
		{ "as-of", required_argument, NULL, O_AS_OF },
		{ "feed", required_argument, NULL, O_FEED },
		{ "rpm", no_argument, NULL, O_RPM },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb verbs[] = {
		{ "inventory", run_inventory, BS_CMD_WRITES, "root sbom device release windows-export", check_inventory },
		{ "import-feed", run_import, BS_CMD_WRITES, "format release", check_import },
		{ "list", run_list, BS_CMD_DATADIR, "kev overdue device all as-of format", check_list },
		{ "accept", run_accept, BS_CMD_WRITES, "until approver reason", check_accept },
		{ "policy", run_policy, BS_CMD_DATADIR, "format", check_policy },
		{ "check", run_check, BS_CMD_NO_DATADIR, "feed release format", check_check },
		{ "vercmp", run_vercmp, BS_CMD_NO_DATADIR, "rpm", check_vercmp },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", vuln_option, verbs, NULL };
	struct vuln_opts o;

	memset(&o, 0, sizeof(o));
	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
