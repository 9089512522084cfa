/* probe_logindefs.c - /etc/login.defs, read as shadow-utils reads it (KEY VALUE, the
 * last definition wins). Facts: logindefs.<KEY> for the password-ageing and hashing keys. */
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

static const char *const keys[] = {
	"PASS_MAX_DAYS", "PASS_MIN_DAYS", "PASS_MIN_LEN", "PASS_WARN_AGE", "ENCRYPT_METHOD", "SHA_CRYPT_MIN_ROUNDS",
	"YESCRYPT_COST_FACTOR", "UMASK", "LOGIN_RETRIES", "FAILLOG_ENAB", "LOG_OK_LOGINS", "LOGIN_TIMEOUT", NULL,
};

static int run(struct bs_probe_ctx *ctx)
{
	struct bs_probe_conf c;
	char *val[16] = { 0 };
	int line[16] = { 0 };
	int r;
	char *l;

	/* shadow-utils: a line starting with '#' is a comment */
	if ((r = bs_probe_conf_open(&c, ctx, "/etc/login.defs", BS_CONF_HASH_LINE)) < 0) {
		if (r == BS_ENOTFOUND)
			return bs_probe_na(ctx, "沒有 /etc/login.defs：未安裝 shadow-utils", "no /etc/login.defs: shadow-utils is not installed");
		return bs_probe_fail(ctx, "%s", bs_error_message());
	}
	while ((l = bs_probe_conf_next(&c))) {
		char *k, *v;
		k = l;
		v = k + strcspn(k, " \t");
		if (*v)
			*v++ = '\0';
		v = bs_text_trim(v);
		if (*v == '"') {
			char *q = strchr(v + 1, '"');
			v++;
			if (q)
				*q = '\0';
		}
		for (int i = 0; keys[i]; i++)
			if (!strcmp(k, keys[i])) {
				free(val[i]);
				val[i] = bs_strdup(v);
				line[i] = c.line;
			}
	}
	for (int i = 0; keys[i]; i++) {
		char name[64];
		if (!val[i])
			continue;
		snprintf(name, sizeof(name), "logindefs.%s", keys[i]);
		/* shadow-utils reads PASS_MAX_DAYS -1 and 99999 as "no limit" */
		if (!strcmp(keys[i], "PASS_MAX_DAYS") && (!strcmp(val[i], "-1") || atol(val[i]) >= 99999))
			bs_fact_add(ctx, name, NULL, "never", "/etc/login.defs", line[i]);
		else
			bs_fact_add(ctx, name, NULL, val[i], "/etc/login.defs", line[i]);
		free(val[i]);
	}
	bs_probe_conf_release(&c);
	return 0;
}

const struct bs_probe bs_probe_logindefs = { "logindefs", 0, run };
