/* probe_keys.c - private keys (PEM and OpenSSH) that users other than the owner can read,
 * where services and users keep keys. */
#include <string.h>

#include "scan/probe.h"

static const char *const starts[] = { "/etc", "/home", "/root", "/srv", "/var/www", "/opt", "/usr/local/etc",
				      NULL };

static int cb(struct bs_probe_ctx *ctx, const char *path, const struct stat *sb, void *arg)
{
	(void)arg;
	if (!S_ISREG(sb->st_mode) || sb->st_size > (64 << 10) || !(sb->st_mode & 0044))
		return 0;
	struct bs_buf b = BS_BUF_INIT;
	int r = bs_probe_read(ctx, path, &b);
	if (r == BS_EDENIED)
		bs_probe_read_error(ctx, r); /* a key it may not read is not known to be protected */
	if (r == 0 && strstr(b.ptr, "-----BEGIN ") && strstr(b.ptr, "PRIVATE KEY-----")) {
		/* NEEDSWORK: a group-readable key is fine when the group is the service's own
		 * (ssl-cert); only others' read access is judged for now. */
		if (sb->st_mode & 0004)
			bs_fact_addf(ctx, "keys.readable_by_others", path, path, 0, "mode %04o",
				     (unsigned)sb->st_mode & 07777);
		bs_fact_add(ctx, "keys.private_key", path, path, path, 0);
	}
	bs_error_clear();
	bs_buf_release(&b);
	return 0;
}

static int run(struct bs_probe_ctx *ctx)
{
	for (int i = 0; starts[i]; i++)
		bs_probe_walk(ctx, starts[i], 6, cb, NULL);
	return 0;
}

const struct bs_probe bs_probe_keys = { "keys", 0, run };
