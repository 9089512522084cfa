/* api_witness.c - this brokersec as a witness of other brokersecs' event logs (issue 20,
 * docs/eventlog-format.md "Witnesses"): POST /witness stores a signed head another brokersec
 * sends (serve --witness https://.../api/v1/witness, an API token with witness.write), GET
 * /witness?log=ID gives the heads kept back, as the text lines `log verify --witness` reads,
 * or as JSON a page at a time. The checks (the line's form, its signature against the key
 * pinned for its log) are src/witness's; a head is not an event of its own (witness_store.c
 * says why: one summary event per log per hour). */
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "http/http_int.h"
#include "witness/witness.h"

/* POST /witness {"head": LINE, "key": "bspub1-..."}: 201 stored, 200 kept already. */
void bs_api_witness_post(struct bs_http_ctx *c)
{
	int bad = 0, stored = 0, err;
	const char *line = bs_api_jstr(c, "head", 400, &bad);
	const char *key = bs_api_jstr(c, "key", 80, &bad);

	if (bad || !line)
		return bs_http_error(c, 400, "invalid", "send {\"head\": \"brokersec-head v1 log=... sig=...\", \"key\": "
				     "\"bspub1-<64 hex>\"}: the line 'brokersec log head' prints, and the log's public key "
				     "(needed with a log's first head only)");
	if ((err = bs_witness_receive(c->dd, line, key, &stored)) < 0)
		return bs_http_fail(c, err);
	json_t *o = json_object();
	json_object_set_new(o, "stored", json_boolean(stored));
	json_object_set_new(o, "head", json_string(line));
	bs_http_json(c, stored ? 201 : 200, o);
}

struct text_out {
	struct bs_buf *b;
};

static int put_line(const struct bs_witness_head *h, void *ctx)
{
	struct text_out *t = ctx;
	bs_buf_printf(t->b, "%s\n", h->line);
	return 0;
}

static int put_json(const struct bs_witness_head *h, void *ctx)
{
	json_t *a = ctx, *o = json_object();
	char when[BS_TIME_MAX];
	bs_time_format(h->time_us, when);
	json_object_set_new(o, "size", json_integer(h->size));
	json_object_set_new(o, "root", json_string(h->root));
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "received_at", json_string(h->received_at));
	json_object_set_new(o, "source", json_string(h->source));
	json_object_set_new(o, "head", json_string(h->line));
	json_array_append_new(a, o);
	return 0;
}

/* GET /witness?log=ID[&offset&limit]: text/plain (every head, a line each) unless the
 * client asks for application/json (a page of at most 200). */
void bs_api_witness_get(struct bs_http_ctx *c)
{
	const char *log = bs_http_query(c, "log");
	const char *accept = c->conn ? MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Accept") : NULL;
	int json = accept && strstr(accept, "application/json") && !strstr(accept, "text/plain");
	int offset = 0, limit = BS_API_PAGE_MAX, err;
	int64_t total = 0;
	char pub[65];

	if (!log || strlen(log) != 32 || strspn(log, "0123456789abcdef") != 32)
		return bs_http_error(c, 400, "invalid", "?log='%.40s': give the log id, the 32 hex digits of 'log=' in its "
				     "head line", log ? log : "");
	if (bs_api_query_int(c, "offset", 0, 1 << 30, &offset) < 0 ||
	    bs_api_query_int(c, "limit", 1, BS_API_PAGE_MAX, &limit) < 0)
		return bs_http_fail(c, BS_EINVALID);
	if (!json) {
		struct bs_buf b = BS_BUF_INIT;
		struct text_out t = { &b };
		if ((err = bs_witness_heads(c->dd->store, log, 0, -1, NULL, pub, put_line, &t)) < 0) {
			bs_buf_release(&b);
			return bs_http_fail(c, err);
		}
		if (!pub[0]) {
			bs_buf_release(&b);
			return bs_http_error(c, 404, "not_found", "log %s: this witness has no head of it", log);
		}
		c->status = 200;
		bs_buf_clear(&c->out);
		if (b.len)
			bs_buf_put(&c->out, b.ptr, b.len);
		bs_buf_release(&b);
		c->content_type = "text/plain; charset=utf-8";
		return;
	}
	json_t *a = json_array();
	if ((err = bs_witness_heads(c->dd->store, log, offset, limit, &total, pub, put_json, a)) < 0) {
		json_decref(a);
		return bs_http_fail(c, err);
	}
	if (!pub[0]) {
		json_decref(a);
		return bs_http_error(c, 404, "not_found", "log %s: this witness has no head of it", log);
	}
	json_t *o = json_object();
	char key[80];
	snprintf(key, sizeof(key), "bspub1-%s", pub);
	json_object_set_new(o, "log", json_string(log));
	json_object_set_new(o, "key", json_string(key));
	json_object_set_new(o, "total", json_integer(total));
	json_object_set_new(o, "offset", json_integer(offset));
	json_object_set_new(o, "limit", json_integer(limit));
	json_object_set_new(o, "records", a);
	bs_http_json(c, 200, o);
}
