/* web.c - the web UI: the files under web/, compiled into the binary (tools/embed, Makefile
 * WEB), served through the route table like every API route (no private way in: the files
 * are public, and every page reads its data from /api/v1 with the session's cookie and CSRF
 * header). The assets are addressed as /assets/HASH/NAME, HASH being a hash of every file, so
 * they can be cached for a year: a new build has a new HASH. index.html, at /, names them and
 * is never cached. Client routes are fragments (/#/registers): every other path is a 404. */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "core/embed.h"
#include "http/http_int.h"

#define WEB_DIR "web/"
#define WEB_INDEX "web/index.html"
#define WEB_PLACEHOLDER "{{ASSETS}}" /* index.html's prefix of every asset URL */

static pthread_once_t web_once = PTHREAD_ONCE_INIT;
static char web_hash[33];            /* 16 bytes of BLAKE2b over every name and file, in hex */
static struct bs_buf web_index_html; /* index.html with the placeholder replaced */

static void web_init(void)
{
	crypto_generichash_state st;
	unsigned char h[16];
	const struct bs_embed *idx = NULL;
	char prefix[64];

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	for (const struct bs_embed *e = bs_embed_web; e->name; e++) {
		/* the name with its NUL, so that moving bytes between name and content changes the hash */
		crypto_generichash_update(&st, (const unsigned char *)e->name, strlen(e->name) + 1);
		crypto_generichash_update(&st, e->data, e->len);
		if (!strcmp(e->name, WEB_INDEX))
			idx = e;
	}
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(web_hash, sizeof(web_hash), h, sizeof(h));
	snprintf(prefix, sizeof(prefix), "/assets/%s", web_hash);

	bs_buf_init(&web_index_html);
	if (!idx)
		return; /* a build without web/: bs_web_index answers 404 */
	const char *s = (const char *)idx->data, *end = s + idx->len, *p;
	while ((p = memmem(s, (size_t)(end - s), WEB_PLACEHOLDER, strlen(WEB_PLACEHOLDER)))) {
		bs_buf_put(&web_index_html, s, (size_t)(p - s));
		bs_buf_puts(&web_index_html, prefix);
		s = p + strlen(WEB_PLACEHOLDER);
	}
	bs_buf_put(&web_index_html, s, (size_t)(end - s));
}

static const char *content_type(const char *name)
{
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".json", "application/json" },
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

static void not_found(struct bs_http_ctx *c, const char *what)
{
	struct bs_buf p = BS_BUF_INIT;
	bs_http_put_escaped(&p, c->path, 200);
	bs_http_error(c, 404, "not_found", "no such %s '%s': open / and follow the links (the web UI's pages are "
		      "/#/..., its files change name with every build)", what, p.ptr);
	bs_buf_release(&p);
}

void bs_web_index(struct bs_http_ctx *c)
{
	pthread_once(&web_once, web_init);
	if (!web_index_html.len)
		return not_found(c, "page");
	c->status = 200;
	bs_buf_clear(&c->out);
	bs_buf_put(&c->out, web_index_html.ptr, web_index_html.len);
	c->content_type = "text/html; charset=utf-8";
	c->cache_control = "no-cache"; /* it names this build's HASH: always asked again */
}

void bs_web_asset(struct bs_http_ctx *c)
{
	char name[128];

	pthread_once(&web_once, web_init);
	/* an old HASH is a 404: serving today's file under it would let a cache keep it a year */
	if (strcmp(c->params[0], web_hash) || snprintf(name, sizeof(name), WEB_DIR "%s", c->params[1]) >= (int)sizeof(name) ||
	    !strcmp(name, WEB_INDEX))
		return not_found(c, "file");
	for (const struct bs_embed *e = bs_embed_web; e->name; e++) {
		if (strcmp(e->name, name))
			continue;
		c->status = 200;
		bs_buf_clear(&c->out);
		bs_buf_put(&c->out, e->data, e->len);
		c->content_type = content_type(name);
		c->cache_control = "public, max-age=31536000, immutable";
		return;
	}
	not_found(c, "file");
}
