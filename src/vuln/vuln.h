/*
 * vuln.h - vulnerability tracking (issue 18; 第十五條 漏洞修復機制, A2.5.3.1, SR.18.1
 * "系統及設備如有重大漏洞應立即處理"; docs/vulnerabilities.md).
 *
 *  - inventories: what a device has installed at a time (dpkg status: vuln/dpkg.h; an RPM
 *    database through librpm: vuln/rpmdb.h; CycloneDX or SPDX JSON SBOMs, SPDX tag-value:
 *    spdxtv.c), vuln_inv.c; a Windows PC's product and installed KBs, vuln_win.c;
 *  - feeds: the Debian Security Tracker JSON, OSV records, CISA KEV, MSRC's CVRF JSON
 *    documents (vuln_msrc.c, with their KB supersedence), parsed whole before
 *    anything is stored (a damaged feed is refused with its line and column), vuln_feed.c;
 *  - matching in memory (vuln_match.c): a Debian/Ubuntu binary package by its source package
 *    and that source's version in dpkg's order (vuln/version.h), SBOM components by purl, a
 *    Windows product by the KBs that fix its CVEs and those that supersede them (vuln_win.c);
 *  - findings in the data directory with a deadline per severity, KEV and system category
 *    from the policy (vuln_policy.c: defaults in docs, only ever tightened), closed by a later
 *    inventory or accepted as a risk until a date (vuln_store.c, migration 0013).
 * Core only: nothing prints; src/cmd/vuln.c is the command.
 */
#ifndef BS_VULN_VULN_H
#define BS_VULN_VULN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "vuln/dpkg.h"
#include "vuln/version.h"

struct bs_datadir;
struct bs_store;

/* --- inventories --- */

struct bs_vuln_pkg {
	char *name, *version, *source, *source_version, *arch;
	char *ecosystem; /* "deb", "rpm", or a purl type: "npm", "pypi", "maven", ... */
	char *purl;      /* "" when none */
};

struct bs_vuln_inv {
	char kind[16];     /* "dpkg", "rpm", "cyclonedx", "spdx" (JSON or tag-value) */
	char distro[32];   /* "debian", "ubuntu", "" */
	char release[96];  /* "bookworm", "22.04", an MSRC product name, "" */
	struct bs_vuln_pkg *v;
	size_t n, cap;
	size_t nopurl;     /* SBOM packages without a purl (not matched: said, not skipped in silence) */
};

/* The installed packages of a dpkg status file's text (changed in place). */
int bs_vuln_inv_dpkg(char *text, size_t len, const char *file, struct bs_vuln_inv *out);
/* /etc/os-release's ID and VERSION_CODENAME (Debian) or VERSION_ID (Ubuntu) into inv. */
void bs_vuln_inv_os_release(const char *text, struct bs_vuln_inv *inv);
/* A CycloneDX (bomFormat "CycloneDX") or SPDX 2.x JSON document: every component or package
 * with a purl (pkg:TYPE/...@VERSION). BS_EINVALID with the line and column when it is not. */
int bs_vuln_inv_sbom(const char *file, const char *text, size_t len, struct bs_vuln_inv *out);
void bs_vuln_inv_add(struct bs_vuln_inv *inv, const char *name, const char *version, const char *source,
		     const char *source_version, const char *arch, const char *ecosystem, const char *purl);
void bs_vuln_inv_release(struct bs_vuln_inv *inv);
/* A component by its purl (pkg:TYPE/NAMESPACE/NAME@VERSION), named as OSV names packages;
 * -1 (nothing added) when purl is not one with a type, a name and a version. */
int bs_vuln_inv_add_purl(struct bs_vuln_inv *inv, const char *purl);
/* An SPDX 2.x tag-value document (vuln/spdxtv.c; bs_vuln_inv_sbom sends it there when
 * bs_vuln_is_spdx_tv says so): each package's PackageName, PackageVersion and ExternalRef
 * PACKAGE-MANAGER purl (a purl without a version takes PackageVersion); <text>...</text>
 * values over several lines. BS_EINVALID with "FILE: line N: what" for a line that is not
 * "Tag: value", an unterminated <text>, a bad purl; nothing is kept then. */
int bs_vuln_inv_spdx_tv(const char *file, const char *text, size_t len, struct bs_vuln_inv *out);
/* 1 when text looks like SPDX tag-value: not JSON, and a line starts with SPDXVersion:. */
int bs_vuln_is_spdx_tv(const char *text, size_t len);
/* A Windows host from the export bundle (vuln_win.c): the operating system as the collector's
 * os.json gives it (Win32_OperatingSystem's Caption, Version, BuildNumber, OSArchitecture; the
 * registry's DisplayVersion, InstallationType and PROCESSOR_ARCHITECTURE; any may be NULL) is
 * mapped to MSRC's product name ("Windows 11 Version 23H2 for x64-based Systems", "Windows
 * Server 2022"): inv->kind "windows", distro "windows", release the product, a package row for
 * the product (ecosystem "windows") and one per installed KB (ecosystem "kb", name "KB5034123").
 * BS_EINVALID naming what was read when the product is not one brokersec knows. */
struct bs_vuln_winos {
	const char *caption, *version, *build, *arch, *display, *install_type, *proc_arch;
};
int bs_vuln_inv_windows(const struct bs_vuln_winos *os, const char *const *kbs, size_t nkbs, const char *origin,
			struct bs_vuln_inv *out);
/* "KB5034123", "kb5034123", "5034123" as "KB5034123" into buf; -1 when s names no KB. */
int bs_vuln_kb_norm(const char *s, char *buf, size_t size);

/* The advisory ecosystem an inventory is matched against: "debian:bookworm", "ubuntu:22.04"
 * for dpkg inventories (NULL when the release is not known); a component's own otherwise. */
const char *bs_vuln_inv_ecosystem(const struct bs_vuln_inv *inv, char *buf, size_t size);

/* --- feeds --- */

enum bs_vuln_format { BS_VULN_TRACKER, BS_VULN_OSV, BS_VULN_KEV, BS_VULN_MSRC };
/* "debian-tracker", "osv", "kev", "msrc" and back: 0 or BS_EINVALID. */
const char *bs_vuln_format_name(enum bs_vuln_format f);
int bs_vuln_format_parse(const char *s, enum bs_vuln_format *out);

struct bs_vuln_adv {
	char *ecosystem, *package, *vuln_id, *osv_id, *status; /* status: open, resolved, undetermined, not-affected */
	char *introduced, *fixed, *last_affected;               /* NULL when none */
	char *severity;                                         /* critical, high, medium, low, unknown */
	double cvss;                                            /* < 0: none */
	char *summary;
};

struct bs_vuln_kevrec {
	char *cve, *date_added, *due_date, *name;
};

struct bs_vuln_feed {
	struct bs_vuln_adv *adv;
	size_t nadv, capadv;
	struct bs_vuln_kevrec *kev;
	size_t nkev, capkev;
	size_t records;          /* tracker CVE entries, OSV records, KEV entries read */
	char **unknown;          /* ecosystems brokersec cannot match against any inventory */
	size_t nunknown;
};

/* Parses a feed held in memory (text[len] must be NUL). release: the tracker's release to
 * keep (NULL: all). Returns 0 or BS_EINVALID with "FILE: line L, column C: what" and nothing
 * kept. Memory: the tracker's top-level object is walked one source package at a time. */
int bs_vuln_feed_parse(enum bs_vuln_format f, const char *file, const char *text, size_t len, const char *release,
		       struct bs_vuln_feed *out);
/* A file, or for OSV a directory of *.json records (each refused whole with its name). */
int bs_vuln_feed_load(enum bs_vuln_format f, const char *path, const char *release, struct bs_vuln_feed *out,
		      char sha256_hex[65]);
void bs_vuln_feed_release(struct bs_vuln_feed *feed);
/* A new zeroed advisory row at the end of feed (cvss -1: none), for the feeds' parsers. */
struct bs_vuln_adv *bs_vuln_feed_row(struct bs_vuln_feed *feed);

/* CVSS v3.x base score of a vector ("CVSS:3.1/AV:N/AC:L/..."): 0 and *score, or BS_EINVALID. */
int bs_cvss3_score(const char *vector, double *score);
/* "critical" (>= 9.0), "high" (>= 7.0), "medium" (>= 4.0), "low" (> 0), "unknown" (none). */
const char *bs_cvss_severity(double score);
/* The Debian tracker's urgency as a severity: high, medium, low (low and unimportant),
 * unknown ("not yet assigned", end-of-life ...). */
const char *bs_vuln_urgency_severity(const char *urgency);

/* --- matching (in memory) --- */

struct bs_vuln_index {
	const struct bs_vuln_adv **v; /* sorted by (ecosystem, package) */
	size_t n;
	/* each distinct (ecosystem, package): its first row in v and how many, found by a hash
	 * table of tsize slots (a power of two; 0 empty, else key index + 1) */
	struct bs_vuln_ixkey {
		size_t first, n;
		uint64_t hash;
	} *keys;
	size_t nkeys;
	uint32_t *table;
	size_t tsize;
	unsigned char *flags; /* per row of v: 1 dpkg's order, 2 undetermined */
};
void bs_vuln_index_build(struct bs_vuln_index *ix, const struct bs_vuln_adv *adv, size_t n);
void bs_vuln_index_release(struct bs_vuln_index *ix);

/* 1 when version is affected by a (its status and range), else 0. The order is dpkg's for
 * debian:* and ubuntu:*, rpm's otherwise (see docs/vulnerabilities.md). */
int bs_vuln_affected(const struct bs_vuln_adv *a, const char *version);

/* Calls fn for every (package, advisory) of inv that is affected, undetermined included
 * (a->status says). Returns the number of calls. A "windows" inventory is matched by
 * bs_vuln_win_match. */
size_t bs_vuln_match(const struct bs_vuln_index *ix, const struct bs_vuln_inv *inv,
		     void (*fn)(const struct bs_vuln_pkg *p, const struct bs_vuln_adv *a, void *arg), void *arg);

/* A Windows inventory against the MSRC rows of the index (vuln_win.c): a CVE listed for the
 * host's product is affected unless, for every document that lists it, one of the KBs fixing
 * it there is installed or superseded by an installed KB (the "msrc-supersedes" rows, followed
 * transitively). fn gets the product's package row and one advisory row per affected CVE. */
size_t bs_vuln_win_match(const struct bs_vuln_index *ix, const struct bs_vuln_inv *inv,
			 void (*fn)(const struct bs_vuln_pkg *p, const struct bs_vuln_adv *a, void *arg), void *arg);

/* --- the data directory (vuln_store.c) --- */

/* Saves an inventory of device (0: none; else a record of the device register) from origin,
 * then matches every device's latest inventory again. One transaction, an event. */
int bs_vuln_inventory_save(struct bs_datadir *dd, int64_t device, const char *origin, const struct bs_vuln_inv *inv,
			   int64_t *inventory_id);
/* Stores a parsed feed (replacing what the same feed held before: the tracker's rows of the
 * release(s) it gave, an OSV record's rows, the whole KEV list), then matches again. One
 * transaction, an event. */
int bs_vuln_feed_import(struct bs_datadir *dd, enum bs_vuln_format f, const char *file, const char *release,
			const char *sha256_hex, const struct bs_vuln_feed *feed);
/* Matches every device's latest inventory against the stored advisories and updates the
 * findings (new ones open, gone ones closed, deadlines from the policy). Inside the caller's
 * transaction. Counts into opened/closed (may be NULL). */
int bs_vuln_rematch(struct bs_datadir *dd, size_t *opened, size_t *closed);

struct bs_vuln_finding {
	int64_t id, device, system, category;
	char *package, *source, *cve, *ecosystem, *version, *fixed, *status, *severity, *state;
	double cvss; /* < 0: none */
	int kev;
	char *first_seen, *deadline, *closed_at, *accepted_until, *approver, *reason;
	int overdue; /* open (or accepted past its date) and the deadline is before as_of */
};

struct bs_vuln_list_opts {
	int32_t as_of;   /* days since the epoch */
	int kev_only, overdue_only, all; /* all: closed ones too */
	int64_t device;  /* 0: every device */
};
/* Findings, most urgent first (deadline, then severity). Free with bs_vuln_findings_free. */
int bs_vuln_findings(struct bs_store *s, const struct bs_vuln_list_opts *o, struct bs_vuln_finding **out,
		     size_t *n);
void bs_vuln_findings_free(struct bs_vuln_finding *v, size_t n);
/* One finding as `vuln list --format json` and GET /api/v1/vulns give it. New reference. */
json_t *bs_vuln_finding_json(const struct bs_vuln_finding *f, int32_t as_of);
/* The effective state as of a day: "open", "accepted" (until a day not yet passed), "closed". */
const char *bs_vuln_state_as_of(const struct bs_vuln_finding *f, int32_t as_of);

/* Accepts the risk of finding id until (YYYY-MM-DD, after today, at most a year ahead)
 * by approver with reason: an event. */
int bs_vuln_accept(struct bs_datadir *dd, int64_t id, const char *until, const char *approver, const char *reason);

/* Counts for status and the deadline engine: inventories and feeds held, open findings,
 * overdue ones as of a day (accepted risks past their date count as open). */
struct bs_vuln_summary {
	int64_t inventories, feeds, open, overdue, kev_open;
	char latest_feed[32]; /* the newest feed's import time, "" when none */
};
int bs_vuln_summary(struct bs_store *s, int32_t as_of, struct bs_vuln_summary *out);

/* For the deadline engine (src/schedule, rule "vuln"): a row per device with open findings
 * or accepted risks as of a day: {device, system, category, open, kev, due (the earliest
 * deadline of the open ones), first ("package CVE (severity)" due first), review (the
 * earliest date an accepted risk runs out)}. New reference in *out. */
int bs_vuln_due_rows(struct bs_store *s, int32_t as_of, json_t **out);

/* --- the policy: remediation days (vuln_policy.c) --- */

enum bs_vuln_pol {
	BS_VPOL_KEV, BS_VPOL_CRITICAL, BS_VPOL_HIGH, BS_VPOL_MEDIUM, BS_VPOL_LOW,
	BS_VPOL_CAT1_KEV, BS_VPOL_CAT1_CRITICAL, BS_VPOL_CAT1_HIGH, BS_VPOL_CAT1_MEDIUM, BS_VPOL_CAT1_LOW,
	BS_VPOL_COUNT
};
struct bs_vuln_policy_info {
	const char *key;   /* "days.kev", "cat1.days.critical" ... */
	int def;           /* the default: the loosest allowed */
	const char *zh, *en;
};
const struct bs_vuln_policy_info *bs_vuln_policy_info(enum bs_vuln_pol k);
struct bs_vuln_policy {
	int days[BS_VPOL_COUNT];
};
int bs_vuln_policy_load(struct bs_store *s, struct bs_vuln_policy *out);
/* KEY=DAYS: 1..default (tightened only); BS_EINVALID names the range otherwise. */
int bs_vuln_policy_parse(const char *kv, enum bs_vuln_pol *key, int *days);
/* Sets one value (an event) and recomputes the open findings' deadlines. */
int bs_vuln_policy_set(struct bs_datadir *dd, enum bs_vuln_pol key, int days);
/* The days allowed for a finding of severity (kev: on the KEV list; category: 1, 2, 3 or 0). */
int bs_vuln_policy_days(const struct bs_vuln_policy *p, const char *severity, int kev, int category);

#endif
