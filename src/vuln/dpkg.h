/*
 * dpkg.h - the one reader of Debian control stanzas (deb822: "Field: value" lines, blank
 * lines between stanzas, continuation lines starting with a blank): dpkg's status file
 * (/var/lib/dpkg/status) and apt's Packages lists. The scanner's probes (src/scan,
 * bs_dpkg_load) and the vulnerability inventory (`vuln inventory`, vuln.h) both read
 * through it; nothing here opens a file.
 */
#ifndef BS_VULN_DPKG_H
#define BS_VULN_DPKG_H

#include <stddef.h>

#define BS_DPKG_STATUS "/var/lib/dpkg/status"

/* One stanza's fields of interest, NUL-terminated inside the text (NULL when absent). */
struct bs_deb_stanza {
	const char *package, *version, *status, *source, *arch;
	int line;             /* the stanza's first line (1-based) */
};

/* Calls fn for every stanza of text (len bytes, NUL-terminated; changed in place: line
 * ends become NULs) that has a Package and a Version. */
void bs_deb822_each(char *text, size_t len, void (*fn)(const struct bs_deb_stanza *, void *), void *arg);

struct bs_dpkg_pkg {
	char *name, *version;
	char *source;         /* Source: without its version, else the name */
	char *source_version; /* Source: x (v) -> v, else the version */
	char *arch;           /* Architecture:, "" when absent */
	int line;             /* the stanza's first line in the status file */
};
struct bs_dpkg {
	struct bs_dpkg_pkg *v;
	size_t n, cap;
};

/* The installed packages ("install ok installed", "hold ok installed"; not half-installed
 * or config-files) of a status file's text (changed in place), sorted by name. Returns 0,
 * or BS_EINVALID when it lists none (message names file). */
int bs_dpkg_parse(char *text, size_t len, const char *file, struct bs_dpkg *out);
/* The package called name, or NULL. */
const struct bs_dpkg_pkg *bs_dpkg_find(const struct bs_dpkg *d, const char *name);
void bs_dpkg_release(struct bs_dpkg *d);

#endif
