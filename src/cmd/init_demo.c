/* init_demo.c - `brokersec init --demo` (init_demo.h). */
#include "cmd/init_demo.h"

#include <stdio.h>

#include "core/error.h"
#include "core/whoami.h"
#include "datadir/datadir.h"
#include "demo/demo.h"

int bs_cli_init_demo(struct bs_cli *cli, const char *path)
{
	struct bs_demo_counts n;
	struct bs_datadir *dd = NULL;
	int err;

	bs_error_clear();
	if ((err = bs_datadir_open(&dd, path)) >= 0) {
		dd->actor = bs_os_user();
		dd->actor_kind = "os-user";
		err = bs_demo_fill(dd, &n);
	}
	bs_datadir_free(dd);
	if (err < 0) {
		fprintf(stderr, "%s %s: %s\n%s '%s' %s\n", cli->prog, cli->command, bs_error_message(),
			BS_T(cli->lang, "示範資料目錄", "the demo data directory"), path,
			BS_T(cli->lang, "的示範資料不完整：請刪除該目錄（rm -r）後再執行 'brokersec init --demo'",
			     "holds incomplete demo data: remove it (rm -r) and run 'brokersec init --demo' again"));
		return 1;
	}
	fprintf(stderr, "%s %s: %s\n", cli->prog, cli->command,
		BS_T(cli->lang, BS_DEMO_DATADIR_WARNING_ZH, BS_DEMO_DATADIR_WARNING_EN));
	if (cli->lang == BS_LANG_EN)
		printf("demo data: %zu systems, %zu devices, %zu assets, %zu people, %zu training records, %zu vendors, "
		       "%zu app, %zu incident, %zu drills, %zu policy documents, %zu backups, %zu account review, %zu plan, "
		       "%zu assessors, %zu saved scan; assessment %lld "
		       "with %zu findings, report %lld issued\n",
		       n.systems, n.devices, n.assets, n.people, n.trainings, n.vendors, n.apps, n.incidents, n.drills,
		       n.policy_docs, n.backups, n.account_reviews, n.plans, n.assessors, n.scans, (long long)n.assessment, n.findings, (long long)n.report);
	else
		printf("示範資料：系統 %zu、設備 %zu、資產 %zu、人員 %zu、訓練紀錄 %zu、委外廠商 %zu、行動應用程式 %zu、"
		       "資安事件 %zu、演練 %zu、政策文件 %zu、備份 %zu、帳號審核 %zu、評估計畫 %zu、評估人員 %zu、已儲存掃描 %zu；評估 %lld（缺失 %zu 項），"
		       "已出具報告 %lld\n",
		       n.systems, n.devices, n.assets, n.people, n.trainings, n.vendors, n.apps, n.incidents, n.drills,
		       n.policy_docs, n.backups, n.account_reviews, n.plans, n.assessors, n.scans, (long long)n.assessment, n.findings, (long long)n.report);
	return 0;
}
