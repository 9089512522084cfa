/* probe_shadow.c - /etc/shadow: hash algorithm per account, empty passwords, password
 * ages, expired accounts that can still log in. Never reports a hash itself. */
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

/* The crypt(3) scheme of a hash, by its prefix. */
const char *bs_shadow_algo(const char *h);
const char *bs_shadow_algo(const char *h)
{
	static const struct { const char *prefix, *name; } algos[] = {
		{ "$y$", "yescrypt" }, { "$gy$", "gost-yescrypt" }, { "$7$", "scrypt" }, { "$6$", "sha512" },
		{ "$5$", "sha256" }, { "$2b$", "bcrypt" }, { "$2a$", "bcrypt" }, { "$2y$", "bcrypt" },
		{ "$1$", "md5" }, { "$sha1$", "sha1" }, { "$md5", "sunmd5" }, { "_", "bsdi-des" },
	};
	for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
		if (!strncmp(h, algos[i].prefix, strlen(algos[i].prefix)))
			return algos[i].name;
	if (strlen(h) == 13 && h[0] != '$')
		return "des";
	return "unknown";
}

static int run(struct bs_probe_ctx *ctx)
{
	struct bs_buf b = BS_BUF_INIT;
	size_t pos = 0;
	int lineno = 0;
	char *line;
	int32_t today = bs_probe_today(ctx);

	if (bs_probe_read(ctx, "/etc/shadow", &b) < 0) {
		bs_buf_release(&b);
		return bs_probe_fail(ctx, "%s", bs_error_message());
	}
	while ((line = bs_text_line(&b, &pos, &lineno))) {
		char *f[9];
		long long lastchg = -1, maxd = -1, mind = -1, expire = -1;
		if (!*line || line[0] == '#')
			continue;
		if (bs_split_colon(line, f, 9) < 0 || !*f[0]) {
			bs_buf_release(&b);
			return bs_probe_fail(ctx, "/etc/shadow:%d: malformed entry (expected 9 colon-separated fields): "
					     "fix the file with vipw -s", lineno);
		}
		if ((*f[2] && bs_text_int(f[2], &lastchg) < 0) || (*f[3] && bs_text_int(f[3], &mind) < 0) ||
		    (*f[4] && bs_text_int(f[4], &maxd) < 0) || (*f[7] && bs_text_int(f[7], &expire) < 0)) {
			/* the message names the account, f[0], which lives in b: release b after it */
			int err = bs_probe_fail(ctx, "/etc/shadow:%d: a day count of '%s' is not a number: fix the "
						"file with chage", lineno, f[0]);
			bs_buf_release(&b);
			return err;
		}
		const char *h = f[1];
		if (!*h) {
			bs_fact_add(ctx, "shadow.empty_password", f[0], f[0], "/etc/shadow", lineno);
			continue;
		}
		if (h[0] == '!' || h[0] == '*') {
			bs_fact_add(ctx, "shadow.locked", f[0], "locked", "/etc/shadow", lineno);
			continue;
		}
		/* A usable password from here on. */
		bs_fact_add(ctx, "shadow.hash", f[0], bs_shadow_algo(h), "/etc/shadow", lineno);
		if (maxd < 0 || maxd >= 99999)
			bs_fact_add(ctx, "shadow.max_days", f[0], "never", "/etc/shadow", lineno);
		else
			bs_fact_addf(ctx, "shadow.max_days", f[0], "/etc/shadow", lineno, "%lld", maxd);
		bs_fact_addf(ctx, "shadow.min_days", f[0], "/etc/shadow", lineno, "%lld", mind < 0 ? 0 : mind);
		if (lastchg >= 0)
			bs_fact_addf(ctx, "shadow.password_age_days", f[0], "/etc/shadow", lineno, "%lld",
				     lastchg == 0 ? 0 : today - lastchg);
		if (expire >= 0 && expire <= today)
			bs_fact_addf(ctx, "shadow.expired_active", f[0], "/etc/shadow", lineno,
				     "account expired %lld days ago but its password still works", today - expire);
	}
	bs_buf_release(&b);
	return 0;
}

const struct bs_probe bs_probe_shadow = { "shadow", 0, run };
