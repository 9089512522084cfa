/* probe_webroot.c - web roots: files anyone may write and files owned by the web server's
 * own account (a compromised server could rewrite its pages). */
#include <stdlib.h>
#include <string.h>

#include "scan/probe.h"

static const char *const roots[] = { "/var/www", "/srv/www", "/srv/http", "/usr/share/nginx/html", NULL };
static const char *const servers[] = { "www-data", "nginx", "apache", "httpd", "lighttpd", NULL };

struct st {
	long uids[8];
	int nuids;
};

static int cb(struct bs_probe_ctx *ctx, const char *path, const struct stat *sb, void *arg)
{
	struct st *s = arg;
	unsigned mode = (unsigned)sb->st_mode & 07777;

	if (mode & 0002 && !(S_ISDIR(sb->st_mode) && (mode & 01000)))
		bs_fact_addf(ctx, "webroot.world_writable", path, path, 0, "mode %04o", mode);
	for (int i = 0; i < s->nuids; i++)
		if ((long)sb->st_uid == s->uids[i]) {
			char *u = bs_probe_user(ctx, s->uids[i]);
			bs_fact_addf(ctx, "webroot.server_owned", path, path, 0, "owned by %s", u);
			free(u);
		}
	return 0;
}

static int run(struct bs_probe_ctx *ctx)
{
	struct st s = { { 0 }, 0 };
	int any = 0;

	for (int i = 0; servers[i] && s.nuids < 8; i++) {
		long uid = bs_probe_uid(ctx, servers[i]);
		if (uid > 0)
			s.uids[s.nuids++] = uid;
	}
	for (int i = 0; roots[i]; i++) {
		struct stat sb;
		if (bs_probe_lstat(ctx, roots[i], &sb) < 0 || !S_ISDIR(sb.st_mode))
			continue;
		any = 1;
		bs_fact_add(ctx, "webroot.root", roots[i], roots[i], roots[i], 0);
		cb(ctx, roots[i], &sb, &s);
		bs_probe_walk(ctx, roots[i], 12, cb, &s);
	}
	if (!any)
		return bs_probe_na(ctx, "沒有網站根目錄（/var/www、/srv/www、/srv/http、/usr/share/nginx/html）",
				   "no web root (/var/www, /srv/www, /srv/http, /usr/share/nginx/html)");
	return 0;
}

const struct bs_probe bs_probe_webroot = { "webroot", 0, run };
