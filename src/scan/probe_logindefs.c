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
	struct bs_buf b = BS_BUF_INIT;
	char *val[16] = { 0 };
	int line[16] = { 0 };
	size_t pos = 0;
	int lineno = 0, r;
	char *l;

	if ((r = bs_probe_read(ctx, "/etc/login.defs", &b)) < 0) {
		bs_buf_release(&b);
		if (r == BS_ENOTFOUND)
			return bs_probe_na(ctx, "no /etc/login.defs: shadow-utils is not installed");
		return bs_probe_fail(ctx, "%s", bs_error_message());
	}
	while ((l = bs_text_line(&b, &pos, &lineno))) {
		char *k, *v;
		l = bs_text_trim(l);
		if (!*l || *l == '#')
			continue;
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
				line[i] = lineno;
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
	bs_buf_release(&b);
	return 0;
}

const struct bs_probe bs_probe_logindefs = { "logindefs", 0, run };
