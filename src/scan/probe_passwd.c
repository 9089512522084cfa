/* probe_passwd.c - /etc/passwd: superuser accounts, shared (duplicate) uids and names,
 * accounts without any password. */
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

static int run(struct bs_probe_ctx *ctx)
{
	struct bs_buf b = BS_BUF_INIT;
	size_t pos = 0, n = 0;
	int lineno = 0, r;
	char *line;
	struct ent { char *name; long long uid; int line; } *v = NULL;

	if ((r = bs_probe_read(ctx, "/etc/passwd", &b)) < 0) {
		bs_buf_release(&b);
		return bs_probe_fail(ctx, "%s", bs_error_message());
	}
	size_t cap = 64;
	v = bs_calloc(cap, sizeof(*v));
	while ((line = bs_text_line(&b, &pos, &lineno))) {
		char *f[7];
		long long uid;
		if (!*line || line[0] == '#')
			continue;
		if (line[0] == '+' || line[0] == '-')
			continue; /* NIS compat entries: nothing local to judge */
		if (bs_split_colon(line, f, 7) < 0 || !*f[0] || bs_text_int(f[2], &uid) < 0) {
			for (size_t i = 0; i < n; i++)
				free(v[i].name);
			free(v);
			bs_buf_release(&b);
			return bs_probe_fail(ctx, "/etc/passwd:%d: malformed entry (expected 7 colon-separated fields "
					     "with a numeric uid): fix the file with vipw", lineno);
		}
		if (uid == 0)
			bs_fact_add(ctx, "passwd.uid0", f[0], f[0], "/etc/passwd", lineno);
		if (!*f[1])
			bs_fact_add(ctx, "passwd.empty_password", f[0], f[0], "/etc/passwd", lineno);
		bs_fact_add(ctx, "passwd.account", f[0], f[6], "/etc/passwd", lineno);
		for (size_t i = 0; i < n; i++) {
			if (v[i].uid == uid)
				bs_fact_addf(ctx, "passwd.duplicate_uid", f[0], "/etc/passwd", lineno,
					     "uid %lld also used by %s (line %d)", uid, v[i].name, v[i].line);
			if (!strcmp(v[i].name, f[0]))
				bs_fact_addf(ctx, "passwd.duplicate_name", f[0], "/etc/passwd", lineno,
					     "name also at line %d", v[i].line);
		}
		if (n == cap) {
			cap *= 2;
			v = bs_realloc(v, bs_size_mul(cap, sizeof(*v)));
		}
		v[n].name = bs_strdup(f[0]);
		v[n].uid = uid;
		v[n].line = lineno;
		n++;
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	bs_buf_release(&b);
	return 0;
}

const struct bs_probe bs_probe_passwd = { "passwd", 0, run };
