/* probes.c - the one table of probes. Adding a probe: a file and a line here. */
#include <string.h>

#include "scan/probe.h"

extern const struct bs_probe bs_probe_passwd, bs_probe_shadow, bs_probe_lastlog, bs_probe_pam,
	bs_probe_logindefs, bs_probe_sshd, bs_probe_logs, bs_probe_ransom, bs_probe_creds, bs_probe_keys,
	bs_probe_webroot, bs_probe_sockets, bs_probe_clock, bs_probe_timesync, bs_probe_firewall,
	bs_probe_packages, bs_probe_malware, bs_probe_procs, bs_probe_ids, bs_probe_integrity, bs_probe_audit,
	bs_probe_winpol, bs_probe_winaudit;

const struct bs_probe *const bs_probes[] = {
	&bs_probe_passwd, &bs_probe_shadow, &bs_probe_lastlog, &bs_probe_pam, &bs_probe_logindefs,
	&bs_probe_sshd, &bs_probe_logs, &bs_probe_ransom, &bs_probe_creds, &bs_probe_keys, &bs_probe_webroot,
	&bs_probe_sockets, &bs_probe_clock, &bs_probe_timesync, &bs_probe_firewall, &bs_probe_packages,
	&bs_probe_malware, &bs_probe_procs, &bs_probe_ids, &bs_probe_integrity, &bs_probe_audit, &bs_probe_winpol,
	&bs_probe_winaudit, NULL,
};

const struct bs_probe *bs_probe_lookup(const char *domain)
{
	for (const struct bs_probe *const *p = bs_probes; *p; p++)
		if (!strcmp((*p)->name, domain))
			return *p;
	return NULL;
}
