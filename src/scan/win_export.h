/* win_export.h - private to src/scan: decoding and recognising Windows exports. */
#ifndef BS_SCAN_WIN_EXPORT_H
#define BS_SCAN_WIN_EXPORT_H

#include "core/buf.h"
#include "scan/probe.h"

/* The kinds of export, each read by its own probe (a damaged file of one kind never stops
 * the checks of another): the three text exports, and the JSON the collector writes
 * (scripts/windows/brokersec-collect.ps1, PowerShell's ConvertTo-Json). */
enum bs_win_kind {
	BS_WIN_UNKNOWN, BS_WIN_SECEDIT, BS_WIN_AUDITPOL, BS_WIN_NETACCOUNTS,
	BS_WIN_DEFENDER,  /* Get-MpComputerStatus */
	BS_WIN_MPPREF,    /* Get-MpPreference (controlled folder access) */
	BS_WIN_BITLOCKER, /* Get-BitLockerVolume */
	BS_WIN_FIREWALL,  /* Get-NetFirewallProfile */
	BS_WIN_HOTFIX,    /* Get-HotFix */
	BS_WIN_OFFICE,    /* the Office macro policies from the registry, as the collector writes them */
	BS_WIN_OS,        /* Win32_OperatingSystem and CurrentVersion (os.json; vuln inventory) */
	BS_WIN_KINDS
};
/* "secedit export", "auditpol CSV" ... (English, for messages) */
const char *bs_win_kind_name(enum bs_win_kind k);

/* Converts raw bytes to UTF-8 in out; *encoding names what was found. 0 or -1. */
int bs_win_decode(const char *raw, size_t len, struct bs_buf *out, const char **encoding);
enum bs_win_kind bs_win_recognise(const char *utf8);
/* Counts (and copies into values, when given; free each) the "label:  value" lines. */
int bs_win_netaccounts_lines(const char *text, char *values[9]);
/* Calls fn for every file of the export (the directory and its subfolders, up to 3 levels,
 * or the files of an uploaded bundle) that is an export of kind want, sorted by path. A file
 * that cannot be decoded (a truncated UTF-16 file) fails the probe naming it only when what
 * could be decoded is of kind want: each file stands alone. Returns 1 when one was found, 0
 * when none, <0 after bs_probe_fail. */
int bs_win_each(struct bs_probe_ctx *ctx, enum bs_win_kind want,
		int (*fn)(struct bs_probe_ctx *ctx, const char *file, struct bs_buf *text, void *arg), void *arg);
/* Where the exports were looked for and what was found there, for a message: "searched
 * 'DIR' and its subfolders: found 'DIR/a' (secedit export), 'DIR/sub/b' (not an export)". */
void bs_win_where(struct bs_probe_ctx *ctx, struct bs_buf *out);

#endif
