/*
 * version.h - Debian package versions, compared the way dpkg compares them
 * (`dpkg --compare-versions`, deb-version(7)): [epoch:]upstream[-revision]; the epoch as a
 * number, then upstream and revision each by dpkg's verrevcmp: runs of non-digits compared
 * character by character with '~' before everything (even the end of the string) and
 * letters before other characters, runs of digits compared as numbers. The scanner's
 * pending-update check (src/scan/probe_packages.c) and the vulnerability matching of issue
 * 18 share this one implementation; tests/unit/test_version.c holds it to dpkg's own answers
 * on real version pairs.
 */
#ifndef BS_VULN_VERSION_H
#define BS_VULN_VERSION_H

/* <0, 0 or >0 as a is older than, the same as or newer than b (dpkg's order). */
int bs_version_cmp(const char *a, const char *b);

/* 1 when s is a version dpkg accepts (deb-version(7): an optional numeric epoch, an
 * upstream part starting with a digit made of [A-Za-z0-9.+~-:] (':' only with an epoch, '-'
 * only with a revision), an optional revision of [A-Za-z0-9.+~]); else 0. */
int bs_version_valid(const char *s);

/* rpm's order (rpmvercmp(3), rpm 4.x): alphanumeric segments, numbers as numbers and newer
 * than letters, '~' before everything (the end included), '^' after the end but before
 * anything else, other characters only separate. <0, 0 or >0. */
int bs_rpm_vercmp(const char *a, const char *b);
/* [epoch:]version[-release] of rpm: the epoch, then the version, then the release (none: an
 * empty one, older than any), each by bs_rpm_vercmp, as rpm.vercmp of rpm 4.18 orders them. */
int bs_rpm_evrcmp(const char *a, const char *b);

#endif
