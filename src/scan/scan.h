/*
 * scan.h - host assessment: check policies as data, probes in C, results with evidence.
 *
 * A policy (policies/ *.yaml, compiled into the binary; more with --policy) is a list of
 * checks. Each check names catalog ids (refs), a severity, bilingual title, rationale and
 * remediation, and a condition (all / any / none) over rules. A rule looks at a file under
 * the scanned root (exists, content regex with a captured number compared, directory
 * entries, mode and owner) or at a FACT: a named value produced by a probe (src/scan/
 * probe_*.c, registered in probes.c). Probes run lazily, only when a check asks for one of
 * their facts, read only, and honour the root; live-only probes are not applicable under
 * --root. A check that cannot decide reports not_applicable or error with the reason,
 * never a silent pass.
 *
 * Saved scans and waivers live in the data directory (scan_store.c, migration 0003).
 */
#ifndef BS_SCAN_SCAN_H
#define BS_SCAN_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "core/buf.h"
#include "datadir/datadir.h"

enum bs_scan_status { BS_SCAN_PASS, BS_SCAN_FAIL, BS_SCAN_NA, BS_SCAN_ERROR, BS_SCAN_STATUS_COUNT };
enum bs_scan_severity { BS_SEV_LOW, BS_SEV_MEDIUM, BS_SEV_HIGH, BS_SEV_CRITICAL };
enum bs_scan_cond { BS_COND_ALL, BS_COND_ANY, BS_COND_NONE };

/* "pass", "fail", "not_applicable", "error" */
const char *bs_scan_status_name(enum bs_scan_status s);
const char *bs_scan_status_label(enum bs_scan_status s, enum bs_lang lang);
const char *bs_scan_severity_name(enum bs_scan_severity s);

struct bs_scan_rule; /* private to policy.c / run.c */

struct bs_scan_check {
	char *id;
	char *platform;               /* "linux" or "windows" (from the policy file) */
	struct bs_text title, rationale, remediation;
	/* Where the text sets a limit without a number (maximum password age, idle accounts...):
	 * brokersec's own baseline and what the text asks, shown as such (never as the text's
	 * requirement). Both NULL when the check's number is the text's own. */
	struct bs_text baseline;
	char **refs;
	size_t nrefs;
	enum bs_scan_severity severity;
	enum bs_scan_cond cond;
	struct bs_scan_rule *rules;
	size_t nrules;
	char *file;
	int line;
};

struct bs_scan_policy {
	struct bs_scan_check *v;
	size_t n, cap;
};

/* Parses one policy YAML file and appends its checks. Refs are checked against cat.
 * Problems go to errors as "file:line: message" lines; returns the number of problems. */
int bs_scan_policy_parse(struct bs_scan_policy *pol, const struct bs_catalog *cat, const char *file,
			 const char *data, size_t len, struct bs_buf *errors);
/* Loads a file, or every *.yaml in a directory (sorted), appending checks. Returns 0, or
 * BS_EINVALID with every problem in the message, or BS_ENOTFOUND / BS_ERR. */
int bs_scan_policy_load(struct bs_scan_policy *pol, const struct bs_catalog *cat, const char *path);
/* The built-in policies, loaded once per process and never freed. */
int bs_scan_policy_builtin(const struct bs_scan_policy **out);
/* Duplicate check ids across everything appended; appends problems; returns their count. */
int bs_scan_policy_link(struct bs_scan_policy *pol, struct bs_buf *errors);
void bs_scan_policy_release(struct bs_scan_policy *pol);
const struct bs_scan_check *bs_scan_policy_find(const struct bs_scan_policy *pol, const char *id);
/* A one-line description of a rule in English, for docs ("fact pam.faillock.deny <= 5"). */
void bs_scan_rule_describe(const struct bs_scan_check *c, size_t i, struct bs_buf *out);

/* One file of a Windows export held in memory (its name as the bundle gave it). */
struct bs_scan_file {
	char *name;
	char *data;
	size_t len;
};

struct bs_scan_opts {
	const char *root;        /* NULL or "/" for the live host */
	const char *proc;        /* /proc to read live facts from; NULL: "/proc", none under --root */
	const char *winexport;   /* directory with Windows exports: Windows checks only */
	const char *host;        /* NULL: from the host (or <root>/etc/hostname) */
	const char *only;        /* NULL, or a check id prefix to run */
	/* Windows exports held in memory (an uploaded bundle: bs_scan_winzip_read), read instead
	 * of a directory; winexport then only names where they came from in messages. */
	const struct bs_scan_file *winfiles;
	size_t nwinfiles;
};

struct bs_scan_evidence {
	char *file;      /* path on the scanned host, or NULL */
	int line;        /* 0 when not known */
	char *subject;   /* the account, service or path it is about, or NULL */
	char *found;
	char *required;
};

struct bs_scan_waiver {
	int64_t id;
	char *host;
	char *check_id;
	char *justification;
	char *approver;
	char *expires;   /* YYYY-MM-DD: valid through that day (UTC) */
	char *created_at;
	char *created_by;
};

struct bs_scan_result {
	const struct bs_scan_check *check;
	enum bs_scan_status status;
	char *reason;                     /* why not_applicable / error; NULL otherwise */
	char *reason_zh;                  /* the same in zh-TW where known (N/A reasons), else NULL */
	struct bs_scan_evidence *ev;
	size_t nev;
	struct bs_scan_waiver *waiver;    /* a valid waiver of a failing check, or NULL */
};

struct bs_scan {
	char *host;
	char *root;
	char *platform;
	char *started_at;
	struct bs_scan_result *results;
	size_t n;
	unsigned count[BS_SCAN_STATUS_COUNT];
	unsigned waived;                  /* failing checks covered by a waiver */
};

/* Runs every check of pol for the platform the options select (windows when winexport is
 * set, else linux). Returns 0 with *out (free with bs_scan_free) even when checks fail or
 * error; fails only when the scan cannot run at all (the root is not a directory). */
int bs_scan_run(struct bs_scan **out, const struct bs_scan_policy *pol, const struct bs_scan_opts *opts);
void bs_scan_free(struct bs_scan *s);
/* Reads one file of the system under root (NULL or "/": this host) into out as the probes
 * read it: resolved inside the root as chroot(2) would, a regular file of at most 16 MiB
 * (scan_rootread.c; `vuln inventory --root`). 0, or BS_ENOTFOUND / BS_EDENIED / BS_ERR. */
int bs_scan_root_read(const char *root, const char *path, struct bs_buf *out);
/* Opens one regular file of the system under root for reading, resolved as bs_scan_root_read
 * resolves it, of any size (scan_rootopen.c; the RPM database of `vuln inventory --root`).
 * 0 and *fd_out (close it), or BS_ENOTFOUND / BS_EDENIED / BS_EINVALID (not a regular file) /
 * BS_ERR with a message naming root and path. */
int bs_scan_root_open(const char *root, const char *path, int *fd_out);

/* The files of a Windows export bundle (a zip, as scripts/windows/brokersec-collect.ps1 makes
 * it; win_zip.c): every file entry read into memory, never written to disk, named as in the
 * zip. Refused with BS_EINVALID and a message naming the entry and what is wrong: not a zip,
 * a name that is absolute or climbs out (zip-slip: "..", a drive letter, a backslash), an
 * encrypted or unsupported entry, more than BS_WINZIP_ENTRIES entries, or more than
 * BS_WINZIP_FILE_MAX bytes in one file or BS_WINZIP_TOTAL_MAX in all (a zip bomb: the bytes
 * are counted as they are inflated, never trusted from the headers). Free with
 * bs_scan_files_free. */
#define BS_WINZIP_ENTRIES 64
#define BS_WINZIP_FILE_MAX (4 * 1024 * 1024)
#define BS_WINZIP_TOTAL_MAX (32 * 1024 * 1024)
int bs_scan_winzip_read(const void *zip, size_t len, struct bs_scan_file **out, size_t *n);
void bs_scan_files_free(struct bs_scan_file *v, size_t n);
/* What `vuln inventory --windows-export` needs of an export (win_inventory.c), read as the
 * Windows checks read the files (win_export.c: found by content, UTF-16/UTF-8/Big5): the
 * installed updates' HotFixIDs (Get-HotFix JSON, every file of that kind) and the operating
 * system (the collector's os.json: Win32_OperatingSystem and the CurrentVersion key; NULL
 * members when absent). opts: winexport (a directory) or winfiles (an uploaded bundle).
 * BS_ENOTFOUND naming what was searched and found when either kind is missing, BS_EINVALID
 * for a damaged file. Release with bs_scan_wininv_release. */
struct bs_scan_wininv {
	char **kbs;
	size_t nkbs;
	char *caption, *version, *build, *arch, *display, *install_type, *proc_arch, *host;
	char *hotfix_file, *os_file;
};
int bs_scan_win_inventory(const struct bs_scan_opts *opts, struct bs_scan_wininv *out);
void bs_scan_wininv_release(struct bs_scan_wininv *w);
/* 0 all pass (or not applicable, or waived), 1 a check failed or could not decide. */
int bs_scan_exit_status(const struct bs_scan *s);
/* Attaches the unexpired waivers (for s->host) to failing results and recounts. */
void bs_scan_apply_waivers(struct bs_scan *s, struct bs_scan_waiver *w, size_t n, int32_t today);

/* The scan as a JSON document (text owned by the caller, free()). */
char *bs_scan_json(const struct bs_scan *s);

/* Waivers and saved scans (data directory). Each change is recorded with bs_audit(). */
int bs_scan_waiver_add(struct bs_datadir *dd, const struct bs_scan_waiver *w, int64_t *id);
/* Waivers for host (NULL: all), unexpired only unless all is set. Release each. */
int bs_scan_waiver_list(struct bs_store *st, const char *host, int all, int32_t today,
			struct bs_scan_waiver **out, size_t *n);
void bs_scan_waiver_release(struct bs_scan_waiver *w);
/* Saves s against system (and device, may be NULL); sets *id. */
int bs_scan_save(struct bs_datadir *dd, const struct bs_scan *s, const char *system, const char *device,
		 int64_t *id);

/* A saved scan as read back (scan_saved.c): its counts as saved, and waived_now, the failing
 * checks a waiver valid today covers (a waiver added after the scan shows at once; status
 * counts the scan as saved until the next one). result_json: bs_scan_json() as saved, only
 * from bs_scan_saved_get. */
struct bs_scan_saved {
	int64_t id;
	char *system_id, *device, *host, *platform, *root, *created_at, *created_by;
	int64_t created_us;
	unsigned count[BS_SCAN_STATUS_COUNT];
	unsigned waived_saved, waived_now;
	char *result_json;
};
/* Saved scans newest first, of host (NULL: all) or, with latest, the last one per host (in
 * host order); limit from offset; *total: how many there are in all. Release each, free(*out). */
int bs_scan_saved_list(struct bs_store *st, const char *host, int latest, int32_t today, int offset, int limit,
		       struct bs_scan_saved **out, size_t *n, int64_t *total);
/* One saved scan; BS_ENOTFOUND with a message when there is none. */
int bs_scan_saved_get(struct bs_store *st, int64_t id, int32_t today, struct bs_scan_saved *out);
void bs_scan_saved_release(struct bs_scan_saved *s);

/* For the status evaluator: the verdict per control of the latest saved scan of every
 * system/host, as of the end of as_of. fn is called per (control, scan) pair with the worst
 * status among the checks of that scan referring to the control. */
struct bs_scan_control_row {
	const char *control_id;
	int64_t scan_id;
	const char *system_id;
	const char *host;
	const char *device;      /* --device given at --save, or NULL (assessment sampling matches it) */
	const char *created_at;
	const char *check_id;    /* a check that decided the status (the first failing one) */
	enum bs_scan_status status;
};
int bs_scan_latest_each(struct bs_store *st, int64_t until_us,
			int (*fn)(const struct bs_scan_control_row *r, void *ctx), void *ctx);

#endif
