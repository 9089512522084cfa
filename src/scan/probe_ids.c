/* probe_ids.c - intrusion detection and prevention installed and enabled at boot: Suricata,
 * Snort, OSSEC / Wazuh, CrowdSec, and fail2ban (it only blocks sources after repeated
 * failures found in logs: an IPS of sorts for logins). From dpkg status and the systemd
 * units enabled under /etc/systemd/system. */
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

static const struct {
	const char *pkg;
	const char *units[3];
} tools[] = {
	{ "suricata", { "suricata.service", NULL } },
	{ "snort", { "snort.service", NULL } },
	{ "ossec-hids", { "ossec.service", "ossec-hids.service", NULL } },
	{ "ossec-hids-agent", { "ossec.service", "ossec-hids-agent.service", NULL } },
	{ "ossec-hids-server", { "ossec.service", "ossec-hids-server.service", NULL } },
	{ "wazuh-agent", { "wazuh-agent.service", NULL } },
	{ "wazuh-manager", { "wazuh-manager.service", NULL } },
	{ "crowdsec", { "crowdsec.service", NULL } },
	{ "fail2ban", { "fail2ban.service", NULL } },
};

static int run(struct bs_probe_ctx *ctx)
{
	struct bs_dpkg d;
	int r = bs_dpkg_load(ctx, &d);

	if (r < 0) {
		bs_dpkg_release(&d);
		if (r == BS_ENOTFOUND)
			return bs_probe_na(ctx, "沒有 dpkg 資料庫（%s）：不是 Debian 系主機", "no dpkg database (%s): not a Debian-family host", BS_DPKG_STATUS);
		return bs_probe_fail(ctx, "%s", bs_error_message());
	}
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		const struct bs_dpkg_pkg *p = bs_dpkg_find(&d, tools[i].pkg);
		char *where = NULL;
		int on = 0;
		if (!p)
			continue;
		for (int k = 0; tools[i].units[k] && !on; k++)
			on = bs_probe_unit_enabled(ctx, tools[i].units[k], &where);
		if (on)
			bs_fact_addf(ctx, "ids.enabled", p->name, where, 0, "%s enabled at boot", p->version);
		else
			bs_fact_addf(ctx, "ids.disabled", p->name, BS_DPKG_STATUS, p->line,
				     "%s installed, not enabled at boot", p->version);
		free(where);
	}
	bs_dpkg_release(&d);
	return 0;
}

const struct bs_probe bs_probe_ids = { "ids", 0, run };
