/* probe_sockets.c - listening sockets of the running system (/proc/net/tcp, tcp6, udp,
 * udp6), and those on ports that ransomware and worms use to spread (Annex 3 七 (三):
 * RDP 3389, SMB 445, ...) or that carry passwords in clear text. Live only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

static const struct { int port; const char *what; } risky[] = {
	{ 21, "FTP (clear-text passwords)" }, { 23, "Telnet (clear-text passwords)" }, { 69, "TFTP" },
	{ 111, "rpcbind" }, { 135, "MS RPC" }, { 137, "NetBIOS" }, { 138, "NetBIOS" }, { 139, "NetBIOS/SMB" },
	{ 445, "SMB" }, { 512, "rexec" }, { 513, "rlogin" }, { 514, "rsh" }, { 1433, "MS SQL" }, { 1521, "Oracle" },
	{ 2049, "NFS" }, { 3306, "MySQL" }, { 3389, "RDP" }, { 5432, "PostgreSQL" }, { 5900, "VNC" },
	{ 5985, "WinRM" }, { 6379, "Redis" }, { 9200, "Elasticsearch" }, { 11211, "memcached" }, { 27017, "MongoDB" },
};

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "0100007F:0016" (v4) or 32 hex digits (v6), each 32-bit word in host (little) order. */
static int parse_addr(const char *s, int v6, char *out, size_t outsz, int *port, int *loopback)
{
	unsigned char a[16];
	size_t n = v6 ? 16 : 4;
	for (size_t w = 0; w < n / 4; w++)
		for (size_t k = 0; k < 4; k++) {
			int hi = hexval(s[w * 8 + (3 - k) * 2]), lo = hexval(s[w * 8 + (3 - k) * 2 + 1]);
			if (hi < 0 || lo < 0)
				return -1;
			a[w * 4 + (3 - k)] = (unsigned char)(hi * 16 + lo);
		}
	if (s[n * 2] != ':')
		return -1;
	char *end;
	long p = strtol(s + n * 2 + 1, &end, 16);
	if (end == s + n * 2 + 1 || p < 0 || p > 65535)
		return -1;
	*port = (int)p;
	/* the words were read big-end first: reverse each word back */
	for (size_t w = 0; w < n / 4; w++) {
		unsigned char t0 = a[w * 4], t1 = a[w * 4 + 1];
		a[w * 4] = a[w * 4 + 3];
		a[w * 4 + 1] = a[w * 4 + 2];
		a[w * 4 + 2] = t1;
		a[w * 4 + 3] = t0;
	}
	if (!v6) {
		snprintf(out, outsz, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		*loopback = a[0] == 127;
	} else {
		static const unsigned char lo6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		*loopback = !memcmp(a, lo6, 16) || (!memcmp(a, mapped, 12) && a[12] == 127);
		size_t o = 0;
		out[0] = '\0';
		for (int i = 0; i < 16 && o + 6 < outsz; i += 2)
			o += (size_t)snprintf(out + o, outsz - o, "%s%x", i ? ":" : "", (unsigned)(a[i] << 8 | a[i + 1]));
	}
	return 0;
}

static int read_table(struct bs_probe_ctx *ctx, const char *name, int v6, int udp)
{
	char path[512];
	FILE *f;
	char line[512];
	int lineno = 0;

	/* a live probe: the running system's /proc (or --proc), not a path of a --root image */
	snprintf(path, sizeof(path), "%s/net/%s", bs_probe_proc(ctx), name);
	if (!(f = fopen(path, "re"))) {
		if (v6)
			return 0; /* IPv6 disabled */
		return bs_probe_fail(ctx, "cannot read '%s': the listening sockets are unknown", path);
	}
	while (fgets(line, sizeof(line), f)) {
		char local[64], st[8], addr[64], subject[96];
		int port, loop;
		if (++lineno == 1)
			continue;
		if (sscanf(line, "%*s %63s %*s %7s", local, st) != 2)
			continue;
		if (strcmp(st, udp ? "07" : "0A") != 0)
			continue;
		if (parse_addr(local, v6, addr, sizeof(addr), &port, &loop) < 0) {
			fclose(f);
			return bs_probe_fail(ctx, "%s:%d: unreadable local address '%s'", path, lineno, local);
		}
		if (udp && port == 0)
			continue;
		snprintf(subject, sizeof(subject), "%s %s%s%s:%d", udp ? "udp" : "tcp", v6 ? "[" : "", addr, v6 ? "]" : "",
			 port);
		bs_fact_addf(ctx, "sockets.listen", subject, path, lineno, "%d", port);
		if (loop)
			continue;
		bs_fact_addf(ctx, "sockets.exposed", subject, path, lineno, "%d", port);
		for (size_t i = 0; i < sizeof(risky) / sizeof(risky[0]); i++)
			if (risky[i].port == port)
				bs_fact_addf(ctx, "sockets.risky", subject, path, lineno, "%d %s", port, risky[i].what);
	}
	fclose(f);
	return 0;
}

static int run(struct bs_probe_ctx *ctx)
{
	int r;
	if ((r = read_table(ctx, "tcp", 0, 0)) < 0 || (r = read_table(ctx, "tcp6", 1, 0)) < 0 ||
	    (r = read_table(ctx, "udp", 0, 1)) < 0 || (r = read_table(ctx, "udp6", 1, 1)) < 0)
		return r;
	return 0;
}

const struct bs_probe bs_probe_sockets = { "sockets", BS_PROBE_LIVE, run };
