/* rpmeco.c - the OSV ecosystems of RPM distributions and an inventory's os-release in one
 * spelling (rpmdb.h). OSV names them "AlmaLinux:9", "Rocky Linux:9",
 * "Red Hat:enterprise_linux:9::appstream", "openSUSE:Leap 15.5", "openSUSE:Tumbleweed",
 * "SUSE:Linux Enterprise Server 15 SP5" (and its modules), "Mageia:9"
 * (ossf.github.io/osv-schema, "Affected package ecosystems"); os-release's ID and VERSION_ID
 * say "almalinux" "9.3", "rocky" "9.3", "rhel" "9.3", "opensuse-leap" "15.5",
 * "opensuse-tumbleweed" "20240101", "sles" "15.5", "mageia" "9". Both become "almalinux:9",
 * "rocky:9", "rhel:9", "opensuse-leap:15.5", "opensuse-tumbleweed", "sles:15.5", "mageia:9":
 * RHEL and its rebuilds publish one advisory stream per major release, SUSE one per service
 * pack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/rpmdb.h"

/* The leading number of v ("9" of "9.3"), at most 15 digits, into out; 0 when none. */
static int major_of(const char *v, char *out, size_t size)
{
	size_t n = 0;
	while (v[n] >= '0' && v[n] <= '9' && n < 15)
		n++;
	if (!n || n >= size)
		return 0;
	memcpy(out, v, n);
	out[n] = 0;
	return 1;
}

/* "15.5" or "15" (digits and at most one dot), else 0. */
static int version_ok(const char *v)
{
	int dots = 0;
	if (!(*v >= '0' && *v <= '9'))
		return 0;
	for (; *v; v++)
		if (*v == '.')
			dots++;
		else if (!(*v >= '0' && *v <= '9'))
			return 0;
	return dots <= 1;
}

const char *bs_vuln_rpm_ecosystem(const char *distro, const char *release, char *buf, size_t size)
{
	char maj[16];
	if (!strcmp(distro, "opensuse-tumbleweed")) {
		snprintf(buf, size, "opensuse-tumbleweed");
		return buf;
	}
	if (!release[0])
		return NULL;
	if (!strcmp(distro, "rhel") || !strcmp(distro, "almalinux") || !strcmp(distro, "rocky") ||
	    !strcmp(distro, "mageia")) {
		if (!major_of(release, maj, sizeof(maj)))
			return NULL;
		snprintf(buf, size, "%s:%s", distro, maj);
		return buf;
	}
	if (!strcmp(distro, "opensuse-leap") && version_ok(release)) {
		snprintf(buf, size, "opensuse-leap:%s", release);
		return buf;
	}
	if ((!strcmp(distro, "sles") || !strcmp(distro, "sles_sap") || !strcmp(distro, "sled")) &&
	    version_ok(release)) {
		snprintf(buf, size, "sles:%s", release);
		return buf;
	}
	return NULL;
}

/* SUSE's "... 15 SP5" (or "... 15") at the end of a product name as "15.5" ("15"). */
static int suse_version(const char *name, char *out, size_t size)
{
	const char *sp = strstr(name, " sp"), *v;
	char maj[16];
	size_t n;
	if (sp) {
		/* the number before " spN" */
		const char *s = sp;
		while (s > name && s[-1] >= '0' && s[-1] <= '9')
			s--;
		if (s == sp || s == name || s[-1] != ' ' || !major_of(s, maj, sizeof(maj)))
			return 0;
		v = sp + 3;
		n = strspn(v, "0123456789");
		if (!n || n > 3 || v[n])
			return 0;
		snprintf(out, size, "%s.%.*s", maj, (int)n, v);
		return 1;
	}
	v = strrchr(name, ' ');
	if (!v || !major_of(v + 1, maj, sizeof(maj)) || strlen(v + 1) != strlen(maj))
		return 0;
	snprintf(out, size, "%s", maj);
	return 1;
}

int bs_vuln_osv_rpm_ecosystem(const char *low, char *out, size_t size)
{
	char v[32];
	if (!strncmp(low, "almalinux:", 10) || !strncmp(low, "rocky linux:", 12) || !strncmp(low, "mageia:", 7)) {
		const char *colon = strchr(low, ':');
		if (!major_of(colon + 1, v, sizeof(v)))
			return 0;
		snprintf(out, size, "%s:%s", low[0] == 'a' ? "almalinux" : low[0] == 'r' ? "rocky" : "mageia", v);
		return 1;
	}
	if (!strncmp(low, "red hat:enterprise_linux:", 25)) {
		if (!major_of(low + 25, v, sizeof(v)))
			return 0;
		snprintf(out, size, "rhel:%s", v);
		return 1;
	}
	if (!strcmp(low, "opensuse:tumbleweed")) {
		snprintf(out, size, "opensuse-tumbleweed");
		return 1;
	}
	if (!strncmp(low, "opensuse:leap ", 14) && version_ok(low + 14)) {
		snprintf(out, size, "opensuse-leap:%s", low + 14);
		return 1;
	}
	/* SUSE:Linux Enterprise Server 15 SP5, SUSE:Linux Enterprise Module for Basesystem 15 SP5
	 * ...: the packages of a SLES 15 SP5 system come from its modules; not Micro (5.x) */
	if (!strncmp(low, "suse:linux enterprise ", 22) && !strstr(low, " micro") && suse_version(low + 5, v, sizeof(v))) {
		snprintf(out, size, "sles:%s", v);
		return 1;
	}
	return 0;
}
