/* probe_firewall.c - a firewall configuration that loads at boot: nftables, iptables
 * (iptables-persistent, RHEL sysconfig), ufw, firewalld; and the default input policy.
 * A ruleset file loads only when the service that reads it is enabled (nftables.service,
 * netfilter-persistent.service, iptables.service): a file alone is reported as
 * firewall.not_loaded, not as a firewall (issue 14, item 7).
 * NEEDSWORK: this reads configuration, not the rules loaded in the kernel (that needs
 * netlink); a ruleset that failed to load is not noticed. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/probe.h"

static void ruleset(struct bs_probe_ctx *ctx, const char *fw, const char *path, const char *unit, int rules)
{
	if (!rules)
		return;
	if (bs_probe_unit_enabled(ctx, unit, NULL))
		bs_fact_addf(ctx, "firewall.ruleset", fw, path, 0, "%d rules (%s enabled)", rules, unit);
	else
		bs_fact_addf(ctx, "firewall.not_loaded", fw, path, 0, "%d rules, but %s is not enabled: not loaded at boot",
			     rules, unit);
}

static void nft(struct bs_probe_ctx *ctx, const char *path, const char *unit)
{
	struct bs_probe_conf c;
	int rules = 0, in_input = 0;
	char *l;

	int r;
	/* each firewall's file is optional: a missing one is another firewall's host */
	if ((r = bs_probe_conf_open(&c, ctx, path, BS_CONF_HASH)) < 0) {
		bs_probe_read_error(ctx, r);
		return;
	}
	while ((l = bs_probe_conf_next(&c))) {
		if (!strcmp(l, "}") || !strncmp(l, "flush", 5) || !strncmp(l, "table", 5) || !strncmp(l, "include", 7))
			continue;
		if (!strncmp(l, "chain", 5)) {
			in_input = 0;
			continue;
		}
		if (!strncmp(l, "type filter hook input", 22)) {
			in_input = 1;
			char *pol = strstr(l, "policy ");
			if (pol)
				bs_fact_add(ctx, "firewall.input_policy", "nftables",
					    strncmp(pol + 7, "drop", 4) ? "accept" : "drop", path, c.line);
			continue;
		}
		if (!strncmp(l, "type ", 5))
			continue;
		rules++;
	}
	(void)in_input;
	ruleset(ctx, "nftables", path, unit, rules);
	bs_probe_conf_release(&c);
}

static void ipt(struct bs_probe_ctx *ctx, const char *path, const char *unit)
{
	struct bs_buf b = BS_BUF_INIT;
	size_t pos = 0;
	int lineno = 0, rules = 0;
	char *l;

	int r;
	if ((r = bs_probe_read(ctx, path, &b)) < 0) {
		bs_probe_read_error(ctx, r);
		bs_buf_release(&b);
		return;
	}
	while ((l = bs_text_line(&b, &pos, &lineno))) {
		if (!strncmp(l, "-A ", 3))
			rules++;
		else if (!strncmp(l, ":INPUT ", 7))
			bs_fact_add(ctx, "firewall.input_policy", "iptables", !strncmp(l + 7, "DROP", 4) ? "drop" : "accept",
				    path, lineno);
	}
	ruleset(ctx, "iptables", path, unit, rules);
	bs_buf_release(&b);
}

static void ufw(struct bs_probe_ctx *ctx)
{
	struct bs_buf b = BS_BUF_INIT;
	size_t pos = 0;
	int lineno = 0;
	char *l;

	int r;
	if ((r = bs_probe_read(ctx, "/etc/ufw/ufw.conf", &b)) < 0) {
		bs_probe_read_error(ctx, r);
		bs_buf_release(&b);
		return;
	}
	while ((l = bs_text_line(&b, &pos, &lineno)))
		if (!strncasecmp(bs_text_trim(l), "ENABLED=yes", 11))
			bs_fact_add(ctx, "firewall.ruleset", "ufw", "enabled", "/etc/ufw/ufw.conf", lineno);
	bs_buf_clear(&b);
	pos = 0;
	lineno = 0;
	if (bs_probe_read(ctx, "/etc/default/ufw", &b) == 0)
		while ((l = bs_text_line(&b, &pos, &lineno)))
			if (!strncmp(l, "DEFAULT_INPUT_POLICY=", 21))
				bs_fact_add(ctx, "firewall.input_policy", "ufw", strstr(l, "DROP") || strstr(l, "REJECT")
								     ? "drop" : "accept", "/etc/default/ufw", lineno);
	bs_error_clear();
	bs_buf_release(&b);
}

static int run(struct bs_probe_ctx *ctx)
{
	/* Debian's nftables.service reads /etc/nftables.conf, RHEL's /etc/sysconfig/nftables.conf;
	 * iptables-persistent's rules are loaded by netfilter-persistent.service */
	nft(ctx, "/etc/nftables.conf", "nftables.service");
	nft(ctx, "/etc/sysconfig/nftables.conf", "nftables.service");
	ipt(ctx, "/etc/iptables/rules.v4", "netfilter-persistent.service");
	ipt(ctx, "/etc/iptables/rules.v6", "netfilter-persistent.service");
	ipt(ctx, "/etc/sysconfig/iptables", "iptables.service");
	ufw(ctx);
	char *where = NULL;
	/* enabled under any target, not masked (bs_probe_unit_enabled) */
	if (bs_probe_unit_enabled(ctx, "firewalld.service", &where))
		bs_fact_add(ctx, "firewall.ruleset", "firewalld", "enabled", where, 0);
	free(where);
	return 0;
}

const struct bs_probe bs_probe_firewall = { "firewall", 0, run };
