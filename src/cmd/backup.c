/* brokersec backup create|verify|restore|snapshots|targets|key export: brokersec's backups of
 * its own state (issue 19, src/backup, docs/backup.md), beside the backup register's own verbs
 * (add|list|show|update|archive|history: copies other tools make), which this command hands to
 * the register. 第十二條, 附件二肆、一、(八) (A2.4.1.8), 附件三七、(十一) (A3.7.11). */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "backup/backup.h"
#include "cmd/cmd.h"
#include "core/buf.h"
#include "core/error.h"

static const char usage_text[] =
	"usage: brokersec backup create --to REPO [--medium disk|usb|nas|tape|optical|cloud] [--offline] [--offsite]\n"
	"                               [--record ID] [--ssh-key FILE] [--known-hosts FILE]\n"
	"       brokersec backup verify REPO [--snapshot ID] [--key-file FILE]\n"
	"       brokersec backup restore REPO --to NEWDIR [--snapshot ID] [--key-file FILE] [--record ID]\n"
	"       brokersec backup snapshots REPO [--key-file FILE] [--format table|json]\n"
	"       brokersec backup forget REPO --keep-last N [--keep-daily N] [--keep-weekly N] [--keep-monthly N]\n"
	"                               [--dry-run]\n"
	"       brokersec backup prune REPO [--dry-run]\n"
	"       brokersec backup targets [--format table|json]\n"
	"       brokersec backup key export\n"
	"REPO is a folder or sftp://[USER@]HOST[:PORT]/PATH (PATH absolute, or /~/PATH in the user's home).\n"
	"Backups of this data directory (SR.12, A2.4.1.8, A3.7.11; docs/backup.md): a consistent snapshot\n"
	"of brokersec.db and events.db (SQLite's online backup) and every other file (evidence, reports,\n"
	"keys), in content-defined chunks stored once, compressed (zstd), encrypted and authenticated\n"
	"(XChaCha20-Poly1305) under the backup key keys/backup.key, with a signed manifest (Ed25519).\n"
	"create       writes a backup into the repository REPO (made when missing); each backup is an event,\n"
	"             and updates the backup register record's last backup and copies\n"
	"  --medium M   what DIR is on (default disk); --offline: kept disconnected; --offsite: at another site\n"
	"  --record ID  the backup register record these backups keep up to date (remembered)\n"
	"verify       reads every chunk back, checks each MAC and every manifest's signature, and names the\n"
	"             files a damaged or missing chunk affects (an event)\n"
	"restore      restores the latest snapshot (or --snapshot ID) into NEWDIR (new or empty, never a\n"
	"             non-empty directory), verifies the restored event log and compares every table's row\n"
	"             count with the backup: the restore test, recorded as an event and in the register\n"
	"snapshots    lists the snapshots of REPO\n"
	"forget       removes the snapshots the policy does not keep: the last N, the newest of each of the\n"
	"             last N days, ISO weeks, months (Asia/Taipei); never the latest, never the one the last\n"
	"             passing restore test was made from (A2.4.1.8), never an unreadable one (an event)\n"
	"prune        then deletes the chunks no snapshot references, and temporary files of killed runs\n"
	"             (waits while another run holds the repository's lock; an event). --dry-run: only says\n"
	"sftp targets log in with a key (--ssh-key FILE; FILE.pub beside it) and check the server's host key\n"
	"             against --known-hosts FILE (default ~/.ssh/known_hosts): an unknown or changed key is\n"
	"             refused. No password, none in the URL. Both are remembered for the target.\n"
	"targets      lists the targets backed up to: medium, offline, last backup, verify and restore test\n"
	"key export   prints the backup key (bsbackup1-...): keep it offline, apart from the backups;\n"
	"             restoring on another machine needs it (--key-file FILE)\n"
	"The register's own verbs (add|list|show|update|archive|history) record copies other tools make:\n";
static const char usage_zh[] =
	"用法: brokersec backup create --to 儲存庫 [--medium disk|usb|nas|tape|optical|cloud] [--offline] [--offsite]\n"
	"      brokersec backup create --to 儲存庫 [--record 編號] [--ssh-key 檔案] [--known-hosts 檔案]\n"
	"      brokersec backup verify 儲存庫 [--snapshot 識別碼] [--key-file 檔案]\n"
	"      brokersec backup restore 儲存庫 --to 新目錄 [--snapshot 識別碼] [--key-file 檔案] [--record 編號]\n"
	"      brokersec backup snapshots 儲存庫 [--key-file 檔案] [--format table|json]\n"
	"      brokersec backup forget 儲存庫 --keep-last N [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--dry-run]\n"
	"      brokersec backup prune 儲存庫 [--dry-run]\n"
	"      brokersec backup targets [--format table|json]\n"
	"      brokersec backup key export\n"
	"儲存庫為資料夾或 sftp://[使用者@]主機[:埠]/路徑（絕對路徑，或 /~/路徑 表示使用者家目錄下）。\n"
	"備份本資料目錄（第十二條、附件二肆、一、(八)、附件三七、(十一)；docs/backup.md）：brokersec.db 與 events.db 之一致快照\n"
	"（SQLite 線上備份）及其他所有檔案（佐證、報告、金鑰），依內容切塊、相同者只存一次、壓縮（zstd），以備份金鑰\n"
	"keys/backup.key 加密並驗證（XChaCha20-Poly1305），清單另加簽章（Ed25519）。\n"
	"create       將備份寫入儲存庫（不存在時建立）；每次備份皆記入事件紀錄，並更新備份登錄之最近備份日期與份數\n"
	"  --medium M   目錄所在媒體（預設 disk 磁碟）；--offline：離線保存；--offsite：異地保存\n"
	"  --record 編號  由本備份維護之備份登錄紀錄（會記住）\n"
	"verify       讀回所有區塊，逐一檢查訊息鑑別碼及各清單簽章，指出受損或遺失區塊影響之檔案（記入事件紀錄）\n"
	"restore      將最新快照（或 --snapshot 指定者）還原至新目錄（須為新的或空的目錄，絕不寫入非空目錄），驗證還原後之\n"
	"             事件紀錄，並比對各資料表筆數與備份所記：即規範所稱之還原測試，記入事件紀錄及備份登錄\n"
	"snapshots    列出儲存庫之各快照\n"
	"forget       刪除保留原則以外之快照：最近 N 份，及最近 N 日、N 週（ISO 週）、N 月（臺北時間）各最新一份；最新一份、\n"
	"             最近一次通過還原測試所用之快照（附件二肆、一、(八)）及無法讀取者一律保留（記入事件紀錄）\n"
	"prune        其後刪除任何快照皆未引用之區塊及中斷作業留下之暫存檔（另有作業持有儲存庫鎖定時等候；記入事件\n"
	"             紀錄）。--dry-run：僅列出\n"
	"sftp 目的地以金鑰登入（--ssh-key 檔案，其旁之 檔案.pub），並以 --known-hosts 檔案（預設 ~/.ssh/known_hosts）\n"
	"             核對伺服器主機金鑰：未知或已變更之金鑰一律拒絕。不用密碼，網址中亦不得有密碼。兩者皆為該目的地記住。\n"
	"targets      列出備份目的地：媒體、是否離線、最近備份、驗證及還原測試\n"
	"key export   印出備份金鑰（bsbackup1-...）：請離線保存並與備份分開；於他機還原時需要（--key-file 檔案）\n"
	"備份登錄本身之動詞（add|list|show|update|archive|history）記錄以其他工具所做之備份：\n";

enum {
	OPT_TO = 0x2000, OPT_MEDIUM, OPT_OFFLINE, OPT_OFFSITE, OPT_RECORD, OPT_SNAPSHOT, OPT_KEY_FILE, OPT_FORMAT,
	OPT_SSH_KEY, OPT_KNOWN_HOSTS, OPT_KEEP_LAST, OPT_KEEP_DAILY, OPT_KEEP_WEEKLY, OPT_KEEP_MONTHLY, OPT_DRY_RUN
};

struct backup_opts {
	const char *to, *medium, *snapshot, *key_file, *format, *ssh_key, *known_hosts;
	int offline, offsite, dry_run, keep_given;
	struct bs_backup_keep keep;
	int64_t record;
	int live; /* verify / restore: a data directory is open to record in */
	char *stored_key, *stored_kh; /* an sftp target's recorded ssh key and known_hosts */
};

static const char *const media[] = { "disk", "usb", "nas", "tape", "optical", "cloud", NULL };

static int backup_option(struct bs_cli *cli, void *ctx, int opt, const char *arg)
{
	struct backup_opts *o = ctx;
	char *end;
	switch (opt) {
	case OPT_TO: o->to = arg; break;
	case OPT_MEDIUM: o->medium = arg; break;
	case OPT_OFFLINE: o->offline = 1; break;
	case OPT_OFFSITE: o->offsite = 1; break;
	case OPT_SNAPSHOT: o->snapshot = arg; break;
	case OPT_KEY_FILE: o->key_file = arg; break;
	case OPT_FORMAT: o->format = arg; break;
	case OPT_SSH_KEY: o->ssh_key = arg; break;
	case OPT_KNOWN_HOSTS: o->known_hosts = arg; break;
	case OPT_DRY_RUN: o->dry_run = 1; break;
	case OPT_KEEP_LAST:
	case OPT_KEEP_DAILY:
	case OPT_KEEP_WEEKLY:
	case OPT_KEEP_MONTHLY: {
		long v;
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || !*arg || v < 0 || v > 100000)
			return bs_cli_usage_error(cli, "'%s' is not a number of snapshots to keep (0 to 100000)", arg);
		*(opt == OPT_KEEP_LAST ? &o->keep.last : opt == OPT_KEEP_DAILY ? &o->keep.daily
				 : opt == OPT_KEEP_WEEKLY ? &o->keep.weekly : &o->keep.monthly) = (int)v;
		o->keep_given |= opt == OPT_KEEP_LAST;
		break;
	}
	case OPT_RECORD:
		errno = 0;
		o->record = strtoll(arg, &end, 10);
		if (errno || *end || o->record < 1)
			return bs_cli_usage_error(cli, "--record '%s' is not a backup register record id ('brokersec backup "
						  "list' shows them)", arg);
		break;
	}
	return -1;
}

static int check_format(struct bs_cli *cli, struct backup_opts *o)
{
	if (o->format && strcmp(o->format, "table") && strcmp(o->format, "json"))
		return bs_cli_usage_error(cli, "--format '%s' is not one of table, json", o->format);
	return -1;
}

static int check_create(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct backup_opts *o = ctx;
	int ok = 0;
	(void)argv;
	if (argc)
		return bs_cli_usage_error(cli, "backup create takes no argument: the target is --to DIR");
	if (!o->to || !*o->to)
		return bs_cli_usage_error(cli, "backup create needs --to DIR (the backup repository, made when missing)");
	if (strncmp(o->to, "sftp://", 7) && strstr(o->to, "://"))
		return bs_cli_usage_error(cli, "--to '%s': a target is a folder or sftp://[USER@]HOST[:PORT]/PATH (mount "
					  "other media, then --to /mnt/...)", o->to);
	if (o->medium) {
		for (int i = 0; media[i]; i++)
			ok |= !strcmp(o->medium, media[i]);
		if (!ok)
			return bs_cli_usage_error(cli, "--medium '%s' is not one of disk, usb, nas, tape, optical, cloud",
						  o->medium);
	}
	return -1;
}

/* verify / restore / snapshots: with --key-file and no data directory here (a new machine),
 * nothing is opened; otherwise the data directory records what was done. */
static int no_live_datadir(struct bs_cli *cli, struct backup_opts *o)
{
	struct stat sb;
	if (!o->key_file || stat(bs_datadir_locate(cli->data_flag), &sb) == 0)
		return 0;
	cli->flags &= ~(BS_CMD_WRITES | BS_CMD_DATADIR);
	cli->flags |= BS_CMD_NO_DATADIR;
	return 1;
}

static int check_verify(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct backup_opts *o = ctx;
	(void)argv;
	if (argc != 1)
		return bs_cli_usage_error(cli, "backup verify needs DIR (the backup repository)");
	o->live = !no_live_datadir(cli, o);
	return -1;
}

static int check_restore(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct backup_opts *o = ctx;
	(void)argv;
	if (argc != 1)
		return bs_cli_usage_error(cli, "backup restore needs DIR (the backup repository) and --to NEWDIR");
	if (!o->to || !*o->to)
		return bs_cli_usage_error(cli, "backup restore needs --to NEWDIR (a new or empty directory)");
	o->live = !no_live_datadir(cli, o);
	return -1;
}

static int check_snapshots(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct backup_opts *o = ctx;
	(void)argv;
	if (argc != 1)
		return bs_cli_usage_error(cli, "backup snapshots needs DIR (the backup repository)");
	if (no_live_datadir(cli, o))
		cli->flags &= ~BS_CMD_DATADIR;
	return check_format(cli, o);
}

static int check_forget(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	struct backup_opts *o = ctx;
	(void)argv;
	if (argc != 1)
		return bs_cli_usage_error(cli, "backup forget needs DIR (the backup repository) and --keep-last N");
	if (!o->keep_given)
		return bs_cli_usage_error(cli, "backup forget needs --keep-last N (N >= 1: the latest snapshots kept), "
					  "and may add --keep-daily, --keep-weekly, --keep-monthly");
	if (o->keep.last < 1)
		return bs_cli_usage_error(cli, "--keep-last %d: at least the latest snapshot is always kept (1 or more)",
					  o->keep.last);
	return -1;
}

static int check_prune(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argv;
	if (argc != 1)
		return bs_cli_usage_error(cli, "backup prune needs DIR (the backup repository)");
	return -1;
}

static int check_targets(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc)
		return bs_cli_usage_error(cli, "backup targets takes no argument");
	return check_format(cli, ctx);
}

static int check_key(struct bs_cli *cli, void *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc != 1 || strcmp(argv[0], "export"))
		return bs_cli_usage_error(cli, "backup key needs 'export' (brokersec backup key export)");
	return -1;
}

/* How to reach repo when it is an sftp:// target: --ssh-key / --known-hosts, else what the
 * targets table recorded for it. */
static int remote_opts(struct backup_opts *o, struct bs_datadir *dd, const char *repo, struct bs_repo_opts *ro)
{
	ro->ssh_key = o->ssh_key;
	ro->known_hosts = o->known_hosts;
	if (dd && !strncmp(repo, "sftp://", 7) && (!o->ssh_key || !o->known_hosts)) {
		char *loc = bs_backup_location(repo);
		int err = bs_backup_target_remote(dd, loc, &o->stored_key, &o->stored_kh);
		free(loc);
		if (err < 0)
			return err;
		if (!ro->ssh_key)
			ro->ssh_key = o->stored_key;
		if (!ro->known_hosts)
			ro->known_hosts = o->stored_kh;
	}
	return 0;
}

static void opts_release(struct backup_opts *o)
{
	free(o->stored_key);
	free(o->stored_kh);
	o->stored_key = o->stored_kh = NULL;
}

/* The key: --key-file, else the data directory's keys/backup.key. */
static int load_key(struct backup_opts *o, struct bs_datadir *dd, struct bs_backup_keys *k)
{
	int made;
	if (o->key_file)
		return bs_backup_key_read_file(o->key_file, k);
	return bs_backup_key_load(dd->path, 0, k, &made);
}

/* The repository first (a folder that is none is said before a missing key: the key would
 * point the wrong way), then the key; targets: where sftp:// settings were stored, or NULL. */
static int open_repo(struct backup_opts *o, struct bs_datadir *targets, struct bs_datadir *dd, const char *repo,
		     struct bs_repo_opts *ro, struct bs_backup_keys *k)
{
	int err;
	if ((err = remote_opts(o, targets, repo, ro)) < 0 || (err = bs_backup_probe(repo, ro)) < 0 ||
	    (err = load_key(o, dd, k)) < 0)
		opts_release(o);
	return err;
}

static void mib(uint64_t b, char out[32])
{
	snprintf(out, 32, "%.1f MiB", (double)b / (1024.0 * 1024.0));
}

static int run_create(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct backup_opts *o = ctx;
	struct bs_backup_target t = { o->to, { NULL, NULL }, o->medium, o->offline, o->offsite };
	struct bs_backup_stats st;
	struct bs_buf kp = BS_BUF_INIT;
	struct stat sb;
	char a[32], b[32];
	int err, had_key;
	(void)argc, (void)argv;

	if ((err = remote_opts(o, dd, o->to, &t.remote)) < 0)
		return bs_cli_fail(cli, err);
	bs_buf_printf(&kp, "%s/keys/backup.key", dd->path);
	had_key = stat(kp.ptr, &sb) == 0;
	memset(&st, 0, sizeof(st));
	err = bs_backup_create(dd, &t, o->record, &st);
	/* a stored setting is kept as it is; one given is recorded (create did) */
	opts_release(o);
	if (!had_key && stat(kp.ptr, &sb) == 0)
		fprintf(stderr, "%s\n", BS_T(cli->lang,
			"brokersec backup: 已建立備份金鑰 keys/backup.key。請執行 'brokersec backup key export' 並將其離線保存、"
			"與備份分開：沒有它，任何備份都無法還原",
			"brokersec backup: made the backup key keys/backup.key. Run 'brokersec backup key export' and keep "
			"it offline, apart from the backups: without it no backup can be restored"));
	bs_buf_release(&kp);
	if (err < 0 && !st.snapshot[0])
		return bs_cli_fail(cli, err);
	mib(st.bytes, a);
	mib(st.stored_bytes, b);
	printf(BS_T(cli->lang, "備份 %s 已寫入 %s：%llu 個檔案，%s；區塊 %llu 個，新增 %llu 個（寫入 %s）\n",
		    "backup %s written to %s: %llu files, %s; %llu chunks, %llu new (%s written)\n"),
	       st.snapshot, o->to, (unsigned long long)st.files, a, (unsigned long long)st.chunks,
	       (unsigned long long)st.new_chunks, b);
	if (err < 0)
		return bs_cli_fail(cli, err);
	if (st.register_id)
		printf(BS_T(cli->lang, "備份登錄 %lld：已更新最近備份日期與份數\n",
			    "backup register record %lld: last backup and copies updated\n"),
		       (long long)st.register_id);
	else
		fprintf(stderr, "%s\n", BS_T(cli->lang,
			"brokersec backup: 未連結備份登錄紀錄：以 'brokersec backup add --system 編號 --rpo-hours 24' 新增後，"
			"下次加上 --record 編號，期限與 3-2-1 狀態即由實際備份維護",
			"brokersec backup: no backup register record linked: add one with 'brokersec backup add --system ID "
			"--rpo-hours 24' and pass --record ID once, so that the deadlines and 3-2-1 follow the backups made"));
	return bs_cli_flush(cli);
}

static int run_verify(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct backup_opts *o = ctx;
	struct bs_backup_keys k;
	struct bs_backup_stats st = { 0 };
	struct bs_buf rep = BS_BUF_INIT;
	struct bs_repo_opts ro;
	char a[32];
	int err;
	(void)argc;

	if ((err = open_repo(o, o->live ? dd : NULL, dd, argv[0], &ro, &k)) < 0)
		return bs_cli_fail(cli, err);
	st.report = &rep;
	err = bs_backup_verify(o->live ? dd : NULL, &k, argv[0], &ro, o->snapshot, &st);
	opts_release(o);
	bs_backup_keys_wipe(&k);
	fputs(rep.ptr, stdout);
	bs_buf_release(&rep);
	if (st.chunks || st.damaged) {
		mib(st.bytes, a);
		printf(BS_T(cli->lang, "已讀回 %llu 個區塊（%llu 個檔案，%s）：%llu 個問題\n",
			    "read back %llu chunks (%llu files, %s): %llu problems\n"),
		       (unsigned long long)st.chunks, (unsigned long long)st.files, a, (unsigned long long)st.damaged);
	}
	if (err < 0)
		return bs_cli_fail(cli, err);
	printf("%s\n", BS_T(cli->lang, "備份完整：每一區塊之鑑別碼與每一清單之簽章皆正確",
			   "backup intact: every chunk's MAC and every manifest's signature verify"));
	return bs_cli_flush(cli);
}

static int run_restore(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct backup_opts *o = ctx;
	struct bs_backup_keys k;
	struct bs_backup_stats st = { 0 };
	struct bs_datadir *rec = dd, *restored = NULL;
	struct bs_repo_opts ro;
	char a[32];
	int err, rerr = 0;
	(void)argc;

	if ((err = open_repo(o, o->live ? dd : NULL, dd, argv[0], &ro, &k)) < 0)
		return bs_cli_fail(cli, err);
	err = bs_backup_restore(&k, argv[0], &ro, o->snapshot, o->to, &st);
	opts_release(o);
	bs_backup_keys_wipe(&k);
	if (err < 0 && !st.files)
		return bs_cli_fail(cli, err);
	mib(st.bytes, a);
	printf(BS_T(cli->lang, "已將備份 %s 還原至 %s：%llu 個檔案，%s\n", "restored backup %s into %s: %llu files, %s\n"),
	       st.snapshot, o->to, (unsigned long long)st.files, a);
	if (st.tested) {
		printf("%s %s\n", BS_T(cli->lang, "事件紀錄驗證：", "event log verify:"),
		       st.log_ok ? BS_T(cli->lang, "通過", "intact") : BS_T(cli->lang, "失敗", "FAILED"));
		printf("%s %s\n", BS_T(cli->lang, "資料表筆數比對：", "row counts against the backup:"),
		       st.state_ok ? BS_T(cli->lang, "相符", "match") : BS_T(cli->lang, "不符", "DIFFER"));
		if (st.problem[0])
			printf("%s\n", st.problem);
	}
	fflush(stdout);
	/* the restore test is recorded in this data directory, or (a new machine, nothing
	 * here) in the restored one, whose log it continues */
	char *keep = err < 0 ? bs_strdup(bs_error_message()) : NULL;
	if (!o->live && st.files) {
		if ((rerr = bs_datadir_open(&restored, o->to)) >= 0 &&
		    (rerr = bs_cli_sign_in(cli, restored, BS_CMD_WRITES)) >= 0)
			rec = restored;
	}
	if (rerr >= 0 && rec)
		rerr = bs_backup_record_restore(rec, argv[0], o->to, o->record, err >= 0, &st);
	bs_datadir_free(restored);
	if (err < 0) {
		bs_error(err, "%s", keep);
		free(keep);
		return bs_cli_fail(cli, err);
	}
	free(keep);
	if (rerr < 0)
		return bs_cli_fail(cli, rerr);
	printf("%s\n", BS_T(cli->lang, "還原測試通過，已記入事件紀錄（A2.4.1.8）", "restore test passed and recorded (A2.4.1.8)"));
	return bs_cli_flush(cli);
}

static int run_snapshots(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct backup_opts *o = ctx;
	struct bs_backup_keys k;
	json_t *list = NULL, *s;
	struct bs_repo_opts ro;
	size_t i;
	int err;
	(void)argc;

	if ((err = open_repo(o, dd, dd, argv[0], &ro, &k)) < 0)
		return bs_cli_fail(cli, err);
	err = bs_backup_list(&k, argv[0], &ro, &list);
	opts_release(o);
	bs_backup_keys_wipe(&k);
	if (err < 0)
		return bs_cli_fail(cli, err);
	if (o->format && !strcmp(o->format, "json")) {
		char *t = json_dumps(list, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", t ? t : "[]");
		free(t);
	} else {
		printf("%-28s %-22s %8s %12s\n", BS_T(cli->lang, "快照", "snapshot"), BS_T(cli->lang, "時間", "created"),
		       BS_T(cli->lang, "檔案", "files"), BS_T(cli->lang, "位元組", "bytes"));
		json_array_foreach(list, i, s) {
			if (json_object_get(s, "problem"))
				printf("%-28s %s\n", json_string_value(json_object_get(s, "id")),
				       json_string_value(json_object_get(s, "problem")));
			else
				printf("%-28s %-22s %8lld %12lld\n", json_string_value(json_object_get(s, "id")),
				       json_string_value(json_object_get(s, "created")),
				       (long long)json_integer_value(json_object_get(s, "files")),
				       (long long)json_integer_value(json_object_get(s, "bytes")));
		}
	}
	json_decref(list);
	return bs_cli_flush(cli);
}

static void print_why(struct bs_cli *cli, const json_t *why)
{
	size_t i;
	json_t *w;
	json_array_foreach(why, i, w) {
		const char *t = json_string_value(w);
		if (cli->lang != BS_LANG_EN) {
			if (!strcmp(t, "last"))
				t = "最近幾份";
			else if (!strcmp(t, "daily"))
				t = "每日";
			else if (!strcmp(t, "weekly"))
				t = "每週";
			else if (!strcmp(t, "monthly"))
				t = "每月";
			else if (!strncmp(t, "latest", 6))
				t = "最新一份（附件三七、(十一)：本目的地之備份）";
			else if (!strncmp(t, "restore-tested", 14))
				t = "已通過還原測試（附件二肆、一、(八)）";
			else if (!strncmp(t, "unreadable", 10))
				t = "無法讀取：絕不刪除（請執行 backup verify）";
		}
		printf("%s%s", i ? (cli->lang == BS_LANG_EN ? ", " : "、") : "", t);
	}
}

static int run_forget(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct backup_opts *o = ctx;
	struct bs_backup_keys k;
	struct bs_backup_forget_result res;
	struct bs_repo_opts ro;
	json_t *s;
	size_t i;
	int err;
	(void)argc;

	if ((err = open_repo(o, dd, dd, argv[0], &ro, &k)) < 0)
		return bs_cli_fail(cli, err);
	err = bs_backup_forget(dd, &k, argv[0], &ro, &o->keep, o->dry_run, &res);
	opts_release(o);
	bs_backup_keys_wipe(&k);
	json_array_foreach(res.kept, i, s) {
		printf("%s %s  ", BS_T(cli->lang, "保留", "keep  "), json_string_value(json_object_get(s, "id")));
		print_why(cli, json_object_get(s, "why"));
		putchar('\n');
	}
	json_array_foreach(res.removed, i, s)
		printf("%s %s\n", o->dry_run ? BS_T(cli->lang, "將刪除", "would remove") : BS_T(cli->lang, "刪除", "remove"),
		       json_string_value(json_object_get(s, "id")));
	if (res.kept && cli->lang == BS_LANG_EN)
		printf("%s: %zu snapshots kept, %zu %s\n", argv[0], json_array_size(res.kept), json_array_size(res.removed),
		       o->dry_run ? "would be removed" : "removed");
	else if (res.kept)
		printf("%s：保留 %zu 份快照，%s %zu 份\n", argv[0], json_array_size(res.kept),
		       o->dry_run ? "將刪除" : "已刪除", json_array_size(res.removed));
	bs_backup_forget_release(&res);
	if (err < 0)
		return bs_cli_fail(cli, err);
	if (!o->dry_run)
		printf("%s\n", BS_T(cli->lang, "其區塊於 brokersec backup prune 時刪除", "their chunks go at the next brokersec backup prune"));
	return bs_cli_flush(cli);
}

static int run_prune(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct backup_opts *o = ctx;
	struct bs_backup_keys k;
	struct bs_backup_prune_stats ps;
	struct bs_repo_opts ro;
	int err;
	(void)argc;

	if ((err = open_repo(o, dd, dd, argv[0], &ro, &k)) < 0)
		return bs_cli_fail(cli, err);
	err = bs_backup_prune(dd, &k, argv[0], &ro, o->dry_run, &ps);
	opts_release(o);
	bs_backup_keys_wipe(&k);
	if (err < 0)
		return bs_cli_fail(cli, err);
	if (cli->lang == BS_LANG_EN)
		printf("%s: %llu snapshots reference %llu of %llu chunks; %llu unreferenced chunks %s, %llu temporary "
		       "files removed\n", argv[0], (unsigned long long)ps.snapshots, (unsigned long long)ps.referenced,
		       (unsigned long long)ps.chunks, (unsigned long long)ps.removed,
		       o->dry_run ? "would be removed" : "removed", (unsigned long long)ps.tmp_removed);
	else
		printf("%s：%llu 份快照引用 %llu 個區塊（共 %llu 個）；未被引用之區塊 %llu 個%s，暫存檔 %llu 個已刪除\n",
		       argv[0], (unsigned long long)ps.snapshots, (unsigned long long)ps.referenced,
		       (unsigned long long)ps.chunks, (unsigned long long)ps.removed, o->dry_run ? "將刪除" : "已刪除",
		       (unsigned long long)ps.tmp_removed);
	return bs_cli_flush(cli);
}

static int run_targets(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct backup_opts *o = ctx;
	json_t *list = NULL, *t;
	size_t i;
	int err;
	(void)argc, (void)argv;

	if ((err = bs_backup_targets(dd, &list)) < 0)
		return bs_cli_fail(cli, err);
	if (o->format && !strcmp(o->format, "json")) {
		char *s = json_dumps(list, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", s ? s : "[]");
		free(s);
	} else {
		json_array_foreach(list, i, t) {
			const json_t *v = json_object_get(t, "last_verify_ok"), *r = json_object_get(t, "last_restore_ok");
			printf("%s\n  %s %s%s%s; %s %s; %s %s%s; %s %s%s\n", json_string_value(json_object_get(t, "location")),
			       BS_T(cli->lang, "媒體", "medium"), json_string_value(json_object_get(t, "medium")),
			       json_is_true(json_object_get(t, "offline")) ? BS_T(cli->lang, "，離線", ", offline") : "",
			       json_is_true(json_object_get(t, "offsite")) ? BS_T(cli->lang, "，異地", ", off-site") : "",
			       BS_T(cli->lang, "最近備份", "last backup"),
			       json_string_value(json_object_get(t, "last_backup")) ? json_string_value(json_object_get(t, "last_backup")) : "-",
			       BS_T(cli->lang, "驗證", "verify"),
			       json_string_value(json_object_get(t, "last_verify")) ? json_string_value(json_object_get(t, "last_verify")) : "-",
			       json_is_null(v) || !v ? "" : json_is_true(v) ? " ok" : BS_T(cli->lang, " 失敗", " FAILED"),
			       BS_T(cli->lang, "還原測試", "restore test"),
			       json_string_value(json_object_get(t, "last_restore_test")) ? json_string_value(json_object_get(t, "last_restore_test")) : "-",
			       json_is_null(r) || !r ? "" : json_is_true(r) ? " ok" : BS_T(cli->lang, " 失敗", " FAILED"));
		}
		if (!json_array_size(list))
			printf("%s\n", BS_T(cli->lang, "尚無備份目的地：brokersec backup create --to 目錄",
					   "no backup target yet: brokersec backup create --to DIR"));
	}
	json_decref(list);
	return bs_cli_flush(cli);
}

static int run_key(struct bs_cli *cli, void *ctx, struct bs_datadir *dd, int argc, char **argv)
{
	struct bs_backup_keys k;
	char text[BS_BACKUP_KEY_TEXT_MAX];
	int made, err;
	(void)ctx, (void)argc, (void)argv;

	if ((err = bs_backup_key_load(dd->path, 1, &k, &made)) < 0)
		return bs_cli_fail(cli, err);
	/* handing out a secret is an event (never the key itself) */
	if ((err = bs_audit(dd, "backup.key-export", "success", NULL, "the backup key was exported%s",
			    made ? " (made now)" : "")) < 0) {
		bs_backup_keys_wipe(&k);
		return bs_cli_fail(cli, err);
	}
	bs_backup_key_text(&k, text);
	bs_backup_keys_wipe(&k);
	printf("%s\n", text);
	sodium_memzero(text, sizeof(text));
	if (isatty(fileno(stdout)))
		fprintf(stderr, "%s\n", BS_T(cli->lang, "請將此金鑰離線保存（紙本或離線媒體），與備份分開存放",
					      "keep this key offline (on paper or an offline medium), apart from the backups"));
	return bs_cli_flush(cli);
}

static const char *const mine[] = { "create", "verify", "restore", "snapshots", "forget", "prune", "targets", "key",
				     NULL };

int cmd_backup(int argc, char **argv, struct bs_cli *cli)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, OPT_TO },
		{ "medium", required_argument, NULL, OPT_MEDIUM },
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		{ "offsite", no_argument, NULL, OPT_OFFSITE },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
		{ "key-file", required_argument, NULL, OPT_KEY_FILE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "ssh-key", required_argument, NULL, OPT_SSH_KEY },
		{ "known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS },
		{ "keep-last", required_argument, NULL, OPT_KEEP_LAST },
		{ "keep-daily", required_argument, NULL, OPT_KEEP_DAILY },
		{ "keep-weekly", required_argument, NULL, OPT_KEEP_WEEKLY },
		{ "keep-monthly", required_argument, NULL, OPT_KEEP_MONTHLY },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		BS_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bs_cli_verb verbs[] = {
		{ "create", run_create, BS_CMD_WRITES, "to medium offline offsite record ssh-key known-hosts", check_create },
		{ "verify", run_verify, BS_CMD_WRITES, "snapshot key-file ssh-key known-hosts", check_verify },
		{ "restore", run_restore, BS_CMD_WRITES, "to snapshot key-file record ssh-key known-hosts", check_restore },
		{ "snapshots", run_snapshots, BS_CMD_DATADIR, "key-file format ssh-key known-hosts", check_snapshots },
		{ "forget", run_forget, BS_CMD_WRITES,
		  "keep-last keep-daily keep-weekly keep-monthly dry-run key-file ssh-key known-hosts", check_forget },
		{ "prune", run_prune, BS_CMD_WRITES, "dry-run key-file ssh-key known-hosts", check_prune },
		{ "targets", run_targets, BS_CMD_DATADIR, "format", check_targets },
		{ "key", run_key, BS_CMD_WRITES, "", check_key },
		{ NULL, NULL, 0, NULL, NULL },
	};
	static const struct bs_cli_spec spec = { opts, "h", backup_option, verbs, NULL };
	struct backup_opts o = { 0 };
	int is_mine = 0;

	for (int i = 0; argc > 1 && mine[i]; i++)
		is_mine |= !strcmp(argv[1], mine[i]);
	if (!is_mine) {
		/* the backup register's verbs; its --help after this command's own lines */
		if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			enum bs_lang lang = cli->lang;
			/* --lang after --help is the register's to parse; its text follows it here too */
			for (int i = 2; i < argc; i++) {
				if (!strcmp(argv[i], "--lang") && i + 1 < argc)
					bs_lang_parse(argv[i + 1], &lang);
				else if (!strncmp(argv[i], "--lang=", 7))
					bs_lang_parse(argv[i] + 7, &lang);
			}
			fputs(lang == BS_LANG_EN ? usage_text : usage_zh, stdout);
		}
		cli->flags = BS_CMD_PER_VERB;
		cli->perm_read = cli->perm_write = BS_PERM_NONE;
		return cmd_register(argc, argv, cli);
	}
	cli->usage = usage_text;
	cli->usage_zh = usage_zh;
	return bs_cli_dispatch(cli, &spec, &o, argc, argv);
}
