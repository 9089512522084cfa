/* win_export.h - private to src/scan: decoding and recognising Windows exports. */
#ifndef BS_SCAN_WIN_EXPORT_H
#define BS_SCAN_WIN_EXPORT_H

#include "core/buf.h"
#include "scan/probe.h"

enum bs_win_kind { BS_WIN_UNKNOWN, BS_WIN_SECEDIT, BS_WIN_AUDITPOL, BS_WIN_NETACCOUNTS };

/* Converts raw bytes to UTF-8 in out; *encoding names what was found. 0 or -1. */
int bs_win_decode(const char *raw, size_t len, struct bs_buf *out, const char **encoding);
enum bs_win_kind bs_win_recognise(const char *utf8);
/* Counts (and copies into values, when given; free each) the "label:  value" lines. */
int bs_win_netaccounts_lines(const char *text, char *values[9]);
/* Calls fn for every file of the export directory that is an export of kind want (sorted by
 * name). Returns 1 when one was found, 0 when none, <0 after bs_probe_fail. */
int bs_win_each(struct bs_probe_ctx *ctx, enum bs_win_kind want,
		int (*fn)(struct bs_probe_ctx *ctx, const char *file, struct bs_buf *text, void *arg), void *arg);

#endif
