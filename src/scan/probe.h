/*
 * probe.h - private to src/scan: what a probe sees and how it reports facts.
 *
 * A probe is one file src/scan/probe_<name>.c defining `const struct bs_probe
 * bs_probe_<name>` and one line in probes[] (probes.c). It produces facts whose names start
 * with "<name>." (the probe's domain). When it cannot look at all it says so with
 * bs_probe_na() (nothing to check: no such software) or bs_probe_fail() (could not read
 * what it must read); every check that uses its facts then reports that reason.
 * Probes only read. Paths given to the helpers are host paths ("/etc/shadow"); the helpers
 * put the scanned root in front.
 *
 * The helpers below are the probe library: facts and host access in probe_util.c, text
 * (lines, numbers, configuration files with comments) in probe_text.c, the dpkg database in
 * probe_packages.c. A parsing idiom two probes share belongs here, not in a copy.
 */
#ifndef BS_SCAN_PROBE_H
#define BS_SCAN_PROBE_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/error.h"
#include "vuln/dpkg.h"

#define BS_PROBE_LIVE 0x1     /* reads the running system: not applicable under --root */
#define BS_PROBE_WINDOWS 0x2  /* reads the Windows export directory */

struct bs_probe_ctx;

struct bs_probe {
	const char *name;
	unsigned flags;
	/* Returns 0; or a negative code after bs_probe_fail / bs_probe_na. */
	int (*run)(struct bs_probe_ctx *ctx);
};

const struct bs_probe *bs_probe_lookup(const char *domain);
/* All probes, NULL-terminated (for --list-checks and docs). */
extern const struct bs_probe *const bs_probes[];

/* Adds a fact. subject, file may be NULL; line 0 when not known. Strings are copied. */
void bs_fact_add(struct bs_probe_ctx *ctx, const char *name, const char *subject, const char *value,
		 const char *file, int line);
void bs_fact_addf(struct bs_probe_ctx *ctx, const char *name, const char *subject, const char *file, int line,
		  const char *fmt, ...) BS_PRINTF(6, 7);
/* Nothing to check here: zh is the reason in zh-TW, a format taking the same arguments as
 * fmt (English); the scan shows the reader's language (issue 12: N/A reasons follow --lang). */
int bs_probe_na(struct bs_probe_ctx *ctx, const char *zh, const char *fmt, ...) BS_PRINTF(3, 4);
int bs_probe_fail(struct bs_probe_ctx *ctx, const char *fmt, ...) BS_PRINTF(2, 3);

/* Host paths are resolved inside the scanned root as chroot(2) would (rootfs.h): an
 * absolute link in the image names the image's file, `..` stops at the root, and nothing
 * outside the root is ever opened. Probes never build "<root><path>" themselves and never
 * call open, stat, opendir, readlink or glob on a path of the scanned system directly.
 *
 * Reads a host file (appending to b). 0, BS_ENOTFOUND, BS_EDENIED, BS_ERR (message set:
 * a link loop is "cannot read '...': ...(ELOOP)"). Files over 16 MiB are refused (BS_ERR). */
int bs_probe_read(const struct bs_probe_ctx *ctx, const char *path, struct bs_buf *b);
/* 0 when b (read from path) is text a configuration program reads: no NUL byte, valid UTF-8,
 * no line over 32 KiB; else BS_EINVALID naming the file and the line (garbage is never read
 * as "no such setting"). */
int bs_probe_text_check(const char *path, const struct bs_buf *b);
/* After a failed read (bs_probe_read, bs_probe_conf_open) of a file that may be absent:
 * BS_ENOTFOUND is no error (cleared, 0: the file is optional where this is used); any other
 * error (unreadable, a link loop, not text) marks the probe an error with its message (the
 * first reason stays) and is returned: a check never passes on input it could not read. */
int bs_probe_read_error(struct bs_probe_ctx *ctx, int err);
/* lstat / stat of a host path; 0 or -1 (errno). */
int bs_probe_lstat(const struct bs_probe_ctx *ctx, const char *path, struct stat *st);
int bs_probe_stat(const struct bs_probe_ctx *ctx, const char *path, struct stat *st);
/* 1 when path exists (links followed inside the root), else 0. */
int bs_probe_exists(const struct bs_probe_ctx *ctx, const char *path);
/* A host directory opened for readdir (closedir it), or NULL (errno). */
DIR *bs_probe_opendir(const struct bs_probe_ctx *ctx, const char *path);
/* The text of host symlink path (NUL-terminated in buf); its length or -1 (errno). */
ssize_t bs_probe_readlink(const struct bs_probe_ctx *ctx, const char *path, char *buf, size_t size);
/* Host paths matching a glob pattern (* ? [..] in any component; sorted), in *out (free
 * each and the array). */
size_t bs_probe_glob(const struct bs_probe_ctx *ctx, const char *pattern, char ***out);
void bs_probe_strv_free(char **v, size_t n);
/* The files an include directive names (logrotate, ProFTPD): a directory's entries, or a
 * file or glob's matches; sorted, as bs_probe_glob. Which to skip is the program's rule. */
size_t bs_probe_include(const struct bs_probe_ctx *ctx, const char *arg, char ***out);
/* The /proc directory for live probes (never NULL for a live probe). */
const char *bs_probe_proc(const struct bs_probe_ctx *ctx);
const char *bs_probe_winexport(const struct bs_probe_ctx *ctx);
/* Now (bs_clock_now), in days since the epoch. */
int32_t bs_probe_today(const struct bs_probe_ctx *ctx);

/* Walks host directories (no symlinks followed, not crossing into /proc, /sys or /dev),
 * calling fn for every regular file and directory up to depth levels below each start.
 * fn gets the host path and its lstat; returns 0 to go on, 1 to skip a directory.
 * Returns 0; or BS_ERR when the walk was incomplete: it stopped at its limit of entries
 * (500000), or a directory could not be listed. The probe is then marked an error with
 * that reason (the first reason it gave stays), so no check on its facts can pass. A start
 * that does not exist is not an error (the places walked are optional). */
int bs_probe_walk(struct bs_probe_ctx *ctx, const char *start, int depth,
		   int (*fn)(struct bs_probe_ctx *ctx, const char *path, const struct stat *st, void *arg),
		   void *arg);

/* Looks a user up in the scanned root's /etc/passwd: its uid, or -1. */
long bs_probe_uid(const struct bs_probe_ctx *ctx, const char *name);
/* The user name for uid from the scanned root's /etc/passwd, or "uid N" (owned). */
char *bs_probe_user(const struct bs_probe_ctx *ctx, long uid);

/* Installed packages of the scanned root's dpkg database (/var/lib/dpkg/status), sorted by
 * name (probe_packages.c). Returns 0, BS_ENOTFOUND (no dpkg database: not a Debian-family
 * host) or BS_ERR (message set: unreadable, or no installed package at all). */
/* struct bs_dpkg, bs_dpkg_find, bs_dpkg_release, BS_DPKG_STATUS: vuln/dpkg.h */
int bs_dpkg_load(struct bs_probe_ctx *ctx, struct bs_dpkg *out);
/* Whether a systemd unit is enabled at boot: a link in a <target>.wants/ or .requires/
 * directory (any target) of /etc/systemd/system (systemctl enable) or of the vendor unit
 * directories /usr/lib/systemd/system, /lib/systemd/system (enabled by the package) that
 * leads, inside the root, to a unit file; not when the unit is masked
 * (/etc/systemd/system/<unit> -> /dev/null) or the link itself is a mask. Sets *where to
 * the host path found (owned) when where is not NULL. */
int bs_probe_unit_enabled(const struct bs_probe_ctx *ctx, const char *unit, char **where);

/* systemd's own configuration (systemd_conf.c): the files systemd reads for name
 * ("journald", "timesyncd", ...) in the order it reads them: the main file (/etc/systemd/
 * name.conf, else the vendor's), then the drop-ins name.conf.d/\*.conf of /etc/systemd,
 * /run/systemd, /usr/local/lib/systemd, /usr/lib/systemd and /lib/systemd sorted by file
 * name, a name in /etc hiding the same name further down. In *out (bs_probe_strv_free). */
size_t bs_probe_systemd_files(const struct bs_probe_ctx *ctx, const char *name, char ***out);
/* The value of key in those files, the last assignment winning ("Key=", blanks allowed around
 * '='; '#' and ';' lines are comments): *value, *file (both owned, NULL when unset) and *line.
 * Returns 0, or the error of a file that could not be read (the probe is marked an error). */
int bs_probe_systemd_setting(struct bs_probe_ctx *ctx, const char *name, const char *key, char **value,
			     char **file, int *line);
/* A systemd time span (systemd.time(7): "6month", "1y 2w", "15552000", "183d"): 0 and its
 * seconds in *sec, and in *months the calendar months when only M/month/y/year units make it
 * (else 0); -1 when s is not a time span. */
int bs_probe_timespan(const char *s, long long *sec, long long *months);

/* Small text helpers shared by the parsers. */
/* Next line of b from *pos: the '\n' (and a '\r' before it) become NUL in b, so the line
 * is a C string inside b; NULL at the end. *lineno counts lines from 1. */
char *bs_text_line(struct bs_buf *b, size_t *pos, int *lineno);
/* Trims spaces in place, returns the start. */
char *bs_text_trim(char *s);
/* Parses a decimal integer; 0 or -1. */
int bs_text_int(const char *s, long long *out);
/* Splits a colon-separated line (passwd, shadow) into exactly n fields, in place; 0 or -1. */
int bs_split_colon(char *line, char **f, int n);

/* A configuration file read line by line the way most are written: comments dropped, blanks
 * trimmed at both ends, blank lines skipped. The flags say what a comment is, as the program
 * that reads the file decides it:
 *   BS_CONF_HASH       '#' starts a comment anywhere on a line (chrony/ntp, nftables,
 *                      rsyslog, logrotate, PAM)
 *   BS_CONF_HASH_LINE  only a line whose first non-blank character is '#' is a comment, a
 *                      '#' further on is data (login.defs, sshd_config, auditctl rules)
 *   BS_CONF_CONTINUE   a line whose last character is a backslash is joined to the next with a
 *                      space, unless a comment was cut from it (PAM)
 * Usage:
 *   struct bs_probe_conf c;
 *   if (bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH) < 0) { ...bs_error_message()... }
 *   while ((l = bs_probe_conf_next(&c))) { ...l, c.line... }
 *   bs_probe_conf_release(&c);
 */
#define BS_CONF_HASH 0x1
#define BS_CONF_HASH_LINE 0x2
#define BS_CONF_CONTINUE 0x4
struct bs_probe_conf {
	struct bs_buf text;    /* the file */
	size_t pos;
	int lineno;            /* physical lines read so far */
	int line;              /* the line number of the line last returned (of its first part) */
	unsigned flags;
	struct bs_buf joined;  /* continued lines joined */
};
/* Reads host file path (bs_probe_read): 0, or its error (message set) with nothing held:
 * release c after success (releasing it twice is harmless). A file that is not text (a NUL
 * byte, invalid UTF-8, a line over BS_CONF_LINE_MAX bytes) is BS_EINVALID naming the file
 * and the line: garbage is never read as "nothing set, so the defaults". */
#define BS_CONF_LINE_MAX 32768
int bs_probe_conf_open(struct bs_probe_conf *c, const struct bs_probe_ctx *ctx, const char *path, unsigned flags);
/* The next line that is not blank once its comment is cut, trimmed (a C string inside c,
 * valid until the next call); NULL at the end of the file. */
char *bs_probe_conf_next(struct bs_probe_conf *c);
/* The next physical line as it is (only its line end removed), for a block whose lines the
 * file's program does not parse (logrotate's scripts); NULL at the end. */
char *bs_probe_conf_raw(struct bs_probe_conf *c);
void bs_probe_conf_release(struct bs_probe_conf *c);

#endif
