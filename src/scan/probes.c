/* probes.c - the one table of probes. Adding a probe: a file and a line here. */
#include <string.h>

#include "scan/probe.h"

extern const struct bs_probe bs_probe_passwd, bs_probe_shadow, bs_probe_lastlog, bs_probe_pam,
	bs_probe_logindefs, bs_probe_sshd, bs_probe_logs, bs_probe_ransom, bs_probe_creds, bs_probe_keys,
	bs_probe_webroot, bs_probe_sockets, bs_probe_clock, bs_probe_timesync, bs_probe_firewall,
	bs_probe_packages, bs_probe_malware, bs_probe_procs, bs_probe_ids, bs_probe_integrity, bs_probe_audit,
	bs_probe_winpol, bs_probe_winaudit, bs_probe_services, bs_probe_kmod, bs_probe_suid;
/* sudoers with its includes (probe_sudo.c); modes of account, sshd and cron files, homes, umask (probe_perms.c) */
extern const struct bs_probe bs_probe_sudo, bs_probe_perms;
/* the Windows exports the collector writes as JSON (probe_winjson.c: six probes, one file) */
extern const struct bs_probe bs_probe_windefender, bs_probe_wincfa, bs_probe_winbitlocker, bs_probe_winfirewall,
	bs_probe_winupdates, bs_probe_winoffice;

const struct bs_probe *const bs_probes[] = {
	&bs_probe_passwd, &bs_probe_shadow, &bs_probe_lastlog, &bs_probe_pam, &bs_probe_logindefs,
	&bs_probe_sshd, &bs_probe_logs, &bs_probe_ransom, &bs_probe_creds, &bs_probe_keys, &bs_probe_webroot,
	&bs_probe_sockets, &bs_probe_clock, &bs_probe_timesync, &bs_probe_firewall, &bs_probe_packages,
	&bs_probe_malware, &bs_probe_procs, &bs_probe_ids, &bs_probe_integrity, &bs_probe_audit, &bs_probe_winpol,
	&bs_probe_sudo, &bs_probe_perms,
	&bs_probe_services, &bs_probe_kmod, &bs_probe_suid,
	&bs_probe_winaudit, &bs_probe_windefender, &bs_probe_wincfa, &bs_probe_winbitlocker, &bs_probe_winfirewall,
	&bs_probe_winupdates, &bs_probe_winoffice, NULL,
};

const struct bs_probe *bs_probe_lookup(const char *domain)
{
	for (const struct bs_probe *const *p = bs_probes; *p; p++)
		if (!strcmp((*p)->name, domain))
			return *p;
	return NULL;
}
