/* reply.c - the reply: JSON, the one error shape {"error": {"code", "message"}}, the session
 * cookie, the security headers every response carries, and client bytes made printable for
 * messages. */
#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/utf8.h"
#include "http/http_int.h"

void bs_http_json(struct bs_http_ctx *c, int status, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	c->status = status;
	c->disposition[0] = c->sha256[0] = '\0'; /* an error after a download was prepared */
	if (c->has_file) {
		close(c->file_fd);
		c->has_file = 0;
	}
	bs_buf_clear(&c->out);
	bs_buf_puts(&c->out, s ? s : "{}");
	free(s);
	c->content_type = "application/json";
}

/* RFC 6266 / RFC 8187: filename="ASCII" (other bytes as '_'), filename*=UTF-8''pct-encoded. The
 * name is the last path segment only, without controls; an empty one becomes "download". */
static void put_disposition(char *out, size_t cap, const char *name)
{
	static const char attr[] = "!#$&+-.^_`|~"; /* RFC 8187 attr-char beyond ALPHA / DIGIT */
	const char *base = name ? name : "";
	char ascii[200], pct[480];
	size_t a = 0, p = 0;

	for (const char *s = base; *s; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	for (const unsigned char *s = (const unsigned char *)base; *s && a < sizeof(ascii) - 1; s++) {
		if (*s < 0x20 || *s == 0x7f)
			continue;
		ascii[a++] = (*s < 0x7f && *s != '"' && *s != '%') ? (char)*s : '_';
		if (p + 4 > sizeof(pct))
			break;
		if ((*s < 0x80 && ((*s >= '0' && *s <= '9') || ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z'))) ||
		    (*s < 0x80 && strchr(attr, *s)))
			pct[p++] = (char)*s;
		else
			p += (size_t)snprintf(pct + p, sizeof(pct) - p, "%%%02X", *s);
	}
	ascii[a] = pct[p] = '\0';
	if (!a)
		snprintf(out, cap, "attachment; filename=\"download\"");
	else
		snprintf(out, cap, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, pct);
}

void bs_http_attachment(struct bs_http_ctx *c, const char *content_type, const char *name, const void *data,
			size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	bs_buf_clear(&c->out);
	bs_buf_put(&c->out, data, len);
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(c->sha256, sizeof(c->sha256), h, sizeof(h));
	put_disposition(c->disposition, sizeof(c->disposition), name);
	c->status = 200;
	c->content_type = content_type;
}

void bs_http_attachment_fd(struct bs_http_ctx *c, const char *content_type, const char *name, int fd, uint64_t size)
{
	bs_buf_clear(&c->out);
	c->sha256[0] = '\0';
	put_disposition(c->disposition, sizeof(c->disposition), name);
	c->has_file = 1;
	c->file_fd = fd;
	c->file_size = size;
	c->status = 200;
	c->content_type = content_type;
}

void bs_http_error(struct bs_http_ctx *c, int status, const char *code, const char *fmt, ...)
{
	struct bs_buf m = BS_BUF_INIT;
	va_list ap;
	json_t *o = json_object(), *e = json_object();

	va_start(ap, fmt);
	bs_buf_vprintf(&m, fmt, ap);
	va_end(ap);
	json_object_set_new(e, "code", json_string(code));
	json_object_set_new(e, "message", json_string(m.ptr));
	json_object_set_new(o, "error", e);
	bs_buf_release(&m);
	bs_http_json(c, status, o);
}

void bs_http_fail(struct bs_http_ctx *c, int err)
{
	const char *msg = bs_error_message();
	switch (err) {
	case BS_ENOTFOUND: bs_http_error(c, 404, "not_found", "%s", msg); break;
	case BS_EEXISTS: bs_http_error(c, 409, "exists", "%s", msg); break;
	case BS_EDENIED: bs_http_error(c, 403, "forbidden", "%s", msg); break;
	case BS_EINVALID: bs_http_error(c, 400, "invalid", "%s", msg); break;
	case BS_ECONFLICT: bs_http_error(c, 409, "conflict", "%s", msg); break;
	default:
		/* internal detail (paths, SQLite text) goes to the server's log, not the client */
		fprintf(stderr, "brokersec serve: %s %s: %s\n", c->method, c->path, msg);
		bs_http_error(c, 500, "internal", "the server could not complete the request: the administrator "
			      "finds the reason in the server log");
	}
}

void bs_http_set_cookie(struct bs_http_ctx *c, const char *id)
{
	if (id)
		snprintf(c->cookie, sizeof(c->cookie),
			 "__Host-bs_session=%s; Path=/; Secure; HttpOnly; SameSite=Strict", id);
	else
		snprintf(c->cookie, sizeof(c->cookie),
			 "__Host-bs_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
}

/* Appends s to b as printable UTF-8 of at most max bytes (and "..." when s is longer):
 * control characters, bytes that are not UTF-8 (a URL decodes to any bytes: /users/%ff) and
 * the backslash become \xNN. The event log takes only valid text, a refusal must not go
 * unrecorded for want of it, and its event must stay small whatever the URL. */
void bs_http_put_escaped(struct bs_buf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, l, start = b->len, need;

	while (i < n) {
		uint32_t cp;
		l = bs_utf8_next(s + i, n - i, &cp);
		if (l > 1 && cp <= 0x9f)
			l = 0; /* a C1 control: escaped, as bytes that are not UTF-8 are */
		if (l == 1 && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			need = 1;
		else
			need = l > 1 ? l : 4;
		if (b->len - start + need > max)
			break;
		if (need == 4 && l <= 1)
			bs_buf_printf(b, "\\x%02x", p[i++]);
		else {
			bs_buf_put(b, p + i, need);
			i += need;
		}
	}
	if (i < n)
		bs_buf_puts(b, "...");
	if (!b->ptr)
		bs_buf_puts(b, "");
}

static enum MHD_Result add_headers(struct MHD_Response *resp)
{
	static const char *const h[][2] = {
		{ "Strict-Transport-Security", "max-age=31536000; includeSubDomains" },
		{ "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'" },
		{ "X-Content-Type-Options", "nosniff" },
		{ "X-Frame-Options", "DENY" },
		{ "Referrer-Policy", "no-referrer" },
		{ "Cross-Origin-Opener-Policy", "same-origin" },
		{ "Cross-Origin-Resource-Policy", "same-origin" },
	};
	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		if (MHD_add_response_header(resp, h[i][0], h[i][1]) != MHD_YES)
			return MHD_NO;
	return MHD_YES;
}

enum MHD_Result bs_http_send(struct MHD_Connection *conn, struct bs_http_ctx *c)
{
	struct MHD_Response *resp =
		c->has_file ? MHD_create_response_from_fd64(c->file_size, c->file_fd)
			    : MHD_create_response_from_buffer(c->out.len, c->out.ptr, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;
	char ra[16];

	if (c->has_file) { /* the response owns the file now (libmicrohttpd closes it), or nobody does */
		if (!resp)
			close(c->file_fd);
		c->has_file = 0;
	}
	if (!resp)
		return MHD_NO;
	/* a reply without its security headers is not sent at all (the connection closes) */
	if (add_headers(resp) != MHD_YES ||
	    MHD_add_response_header(resp, "Content-Type", c->content_type ? c->content_type : "application/json") != MHD_YES ||
	    MHD_add_response_header(resp, "Cache-Control", c->cache_control ? c->cache_control : "no-store") != MHD_YES ||
	    (c->cookie[0] && MHD_add_response_header(resp, "Set-Cookie", c->cookie) != MHD_YES) ||
	    (c->www_auth && (c->status == 401 || c->status == 403) &&
	     MHD_add_response_header(resp, "WWW-Authenticate", c->www_auth) != MHD_YES) ||
	    (c->close && MHD_add_response_header(resp, "Connection", "close") != MHD_YES) ||
	    (c->disposition[0] && MHD_add_response_header(resp, "Content-Disposition", c->disposition) != MHD_YES) ||
	    (c->sha256[0] && MHD_add_response_header(resp, "X-Content-SHA256", c->sha256) != MHD_YES)) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	if (c->retry_after) {
		snprintf(ra, sizeof(ra), "%d", c->retry_after);
		if (MHD_add_response_header(resp, "Retry-After", ra) != MHD_YES) {
			MHD_destroy_response(resp);
			return MHD_NO;
		}
	}
	ret = MHD_queue_response(conn, (unsigned)c->status, resp);
	MHD_destroy_response(resp);
	return ret;
}
