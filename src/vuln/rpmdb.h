/*
 * rpmdb.h - the installed packages of an RPM-based system read offline (issue 18; `vuln
 * inventory --root DIR`, docs/vulnerabilities.md "RPM databases"), and the OSV ecosystems
 * of RPM distributions (AlmaLinux, Rocky Linux, Red Hat, openSUSE, SUSE, Mageia) in the
 * form an inventory's os-release gives them.
 *
 * How the database is read: the file(s) are found inside the root as chroot(2) would
 * resolve them (through the opener the caller gives) (/var/lib/rpm, else /usr/lib/sysimage/rpm; an absolute symlink such as
 * Fedora's /var/lib/rpm -> /usr/lib/sysimage/rpm stays inside the root), copied into a
 * private temporary directory, and read there by librpm (rpm's own code: the sqlite backend
 * of RHEL 9 and Fedora 33+, rpmdb.sqlite; the read-only Berkeley DB backend bdb_ro for the
 * Packages file of RHEL 7 and 8). Nothing is ever written under the root (librpm's sqlite
 * backend creates -shm files next to a WAL database even when reading; a read-only mount
 * could not be read at all). rpm's ndb backend (Packages.db, SUSE) is not in Debian's
 * librpm: such a root is refused with a message saying so.
 *
 * librpm's messages (rpmlog) are caught, never printed: an error of librpm while reading
 * (a damaged header, a sqlite failure) fails the whole read, with its message, and nothing
 * is kept.
 */
#ifndef BS_VULN_RPMDB_H
#define BS_VULN_RPMDB_H

#include <stddef.h>

struct bs_vuln_inv;

/* Opens path of the system under root for reading, resolved inside the root as chroot(2)
 * would: 0 and *fd, BS_ENOTFOUND, or another error with its message. The command passes
 * bs_scan_root_open (scan/scan.h): src/vuln cannot include src/scan, whose probes read dpkg
 * status through src/vuln. */
typedef int (*bs_vuln_root_open_fn)(const char *root, const char *path, int *fd);

/* Adds the packages of the RPM database under root (NULL or "": "/") to inv, ecosystem
 * "rpm": name, version "[EPOCH:]VERSION-RELEASE" (rpm's %{EVR}), source (SOURCERPM without
 * "-VERSION-RELEASE.src.rpm"; the name when none), arch. path receives the database file
 * read (as seen inside the root: "/var/lib/rpm/rpmdb.sqlite") and backend its kind
 * ("sqlite", "bdb_ro"). Returns the number of packages, BS_ENOTFOUND (message set) when the
 * root has no RPM database, else a negative BS_E* code naming the file; inv is unchanged on
 * any error. */
int bs_vuln_inv_rpm(const char *root, bs_vuln_root_open_fn open_fn, struct bs_vuln_inv *inv, char *path,
		    size_t pathsize, char *backend, size_t backendsize);

/* The advisory ecosystem of an inventory's rpm packages from its os-release (distro = ID,
 * release = VERSION_ID): "rhel:9", "almalinux:9", "rocky:9", "opensuse-leap:15.5",
 * "opensuse-tumbleweed", "sles:15.5", "mageia:9"; NULL when no OSV ecosystem covers the
 * distribution (Fedora, CentOS ...). */
const char *bs_vuln_rpm_ecosystem(const char *distro, const char *release, char *buf, size_t size);

/* An OSV ecosystem in lower case ("almalinux:9.2", "rocky linux:8",
 * "red hat:enterprise_linux:9::appstream", "opensuse:leap 15.5",
 * "suse:linux enterprise server 15 sp5", "mageia:9") as bs_vuln_rpm_ecosystem names it:
 * 1 with out set, or 0 when it is not an RPM distribution's (or not one brokersec can match:
 * Red Hat's extended update streams such as rhel_eus:9.2). */
int bs_vuln_osv_rpm_ecosystem(const char *low, char *out, size_t size);

#endif
