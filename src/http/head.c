/* head.c - the request head as received: the client's address, heads libmicrohttpd parsed
 * differently from what was sent (NUL bytes, bare LF, folded lines), and how the body is
 * delimited (request smuggling). */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "http/http_int.h"

void bs_http_client_address(struct MHD_Connection *conn, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, cap, "unknown");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr, out,
			  (socklen_t)cap);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr, out,
			  (socklen_t)cap);
}

/* ---- the request head as received ---- */

/* libmicrohttpd 0.9.75 keeps header values as C strings: a NUL byte in the request line or a
 * header cuts it short without a word, and a NUL at the start of a line ends the head there
 * (the rest is then read as body or as the next request). It also takes a bare LF for CRLF
 * and folds continuation lines. None of this is visible in the values it hands over, but the
 * head is still in its read buffer as received, with only the separators it parsed replaced
 * by NUL: from the method (which starts the buffer) to MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE
 * bytes later, in the order method NUL SP* url NUL "HTTP/1.x" NUL NUL, then per header
 * name NUL (SP|HT)* value NUL NUL, then NUL NUL. The checks below walk that layout with the
 * pointers libmicrohttpd hands out; any byte it did not account for (a NUL, a bare LF, a
 * folded line) makes the head malformed. Tied to 0.9.75's parser: tests/cli/t0214 fails if a
 * newer libmicrohttpd lays it out differently. */
struct head_walk {
	uintptr_t pos, end;
	int ok;
};

static enum MHD_Result walk_header(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
				   const char *value, size_t value_size)
{
	struct head_walk *w = cls;
	uintptr_t k = (uintptr_t)key, v = (uintptr_t)value;
	(void)kind;

	if (!w->ok)
		return MHD_NO;
	w->ok = 0;
	if (!key || !value || k != w->pos || k + key_size >= w->end || key[key_size] != '\0' || v <= k + key_size ||
	    v > w->end || w->end - v < value_size + 2)
		return MHD_NO;
	for (const char *q = key + key_size + 1; (uintptr_t)q < v; q++)
		if (*q != ' ' && *q != '\t')
			return MHD_NO;
	if (value[value_size] != '\0' || value[value_size + 1] != '\0')
		return MHD_NO;
	w->pos = v + value_size + 2;
	w->ok = 1;
	return MHD_YES;
}

int bs_http_head_intact(struct MHD_Connection *conn, const char *method, const char *version, const char *raw_uri,
			size_t raw_uri_len)
{
	const union MHD_ConnectionInfo *hi = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	uintptr_t base = (uintptr_t)method, u = (uintptr_t)raw_uri, v = (uintptr_t)version;
	struct head_walk w;
	size_t m;

	if (!hi || !raw_uri || !method || !version)
		return 0;
	m = strlen(method);
	w.end = base + hi->header_size;
	if (!(base + m < u && u < v && v + 10 <= w.end))
		return 0;
	for (const char *p = method + m + 1; (uintptr_t)p < u; p++)
		if (*p != ' ')
			return 0;
	if (u + raw_uri_len + 1 != v || version[-1] != '\0' || strlen(version) != 8 || version[9] != '\0')
		return 0;
	w.pos = v + 10;
	w.ok = 1;
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, walk_header, &w);
	return w.ok && w.pos + 2 == w.end && ((const char *)w.pos)[0] == '\0' && ((const char *)w.pos)[1] == '\0';
}

struct framing {
	int cl, te;
	const char *cl_val[2], *te_val;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
				     const char *value, size_t value_size)
{
	struct framing *f = cls;
	(void)kind;
	(void)key_size;
	(void)value_size;
	if (!strcasecmp(key, "Content-Length")) {
		if (f->cl < 2)
			f->cl_val[f->cl] = value;
		f->cl++;
	} else if (!strcasecmp(key, "Transfer-Encoding")) {
		f->te++;
		f->te_val = value;
	}
	return MHD_YES;
}

/* How the body is delimited (RFC 9112 6): libmicrohttpd 0.9.75 reads a chunked body when
 * Transfer-Encoding is there and ignores Content-Length then, takes the first of several
 * Content-Lengths, and waits forever for a body of any other transfer coding. A front proxy
 * that reads the same bytes differently would see other requests in them (smuggling), so
 * every ambiguous head is refused and the connection closed. Returns 1 when c holds the
 * refusal; else *has_body, *chunked and *clen (the declared length) say what follows. */
int bs_http_framing(struct bs_http_ctx *c, struct MHD_Connection *conn, const char *version, int *has_body,
		    int *chunked, uint64_t *clen)
{
	struct framing f;

	memset(&f, 0, sizeof(f));
	*has_body = *chunked = 0;
	*clen = 0;
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, count_framing, &f);
	c->close = 1;
	if (f.te && f.cl)
		return bs_http_error(c, 400, "bad_request", "the request has both Transfer-Encoding and Content-Length: "
				     "send one of them"), 1;
	if (f.te && !strcmp(version, "HTTP/1.0"))
		return bs_http_error(c, 400, "bad_request", "Transfer-Encoding is not defined for HTTP/1.0: send "
				     "Content-Length"), 1;
	if (f.te > 1 || (f.te && strcasecmp(f.te_val, "chunked"))) {
		struct bs_buf p = BS_BUF_INIT;
		bs_http_put_escaped(&p, f.te_val, 60);
		bs_http_error(c, 501, "not_implemented", "the transfer coding '%s' is not supported: send the body with "
			      "Content-Length or Transfer-Encoding: chunked", f.te > 1 ? "(several)" : p.ptr);
		bs_buf_release(&p);
		return 1;
	}
	if (f.cl > 1 && strcmp(f.cl_val[0], f.cl_val[1]))
		return bs_http_error(c, 400, "bad_request", "the request has two different Content-Length headers: "
				     "send one"), 1;
	c->close = 0;
	if (f.te) {
		*has_body = *chunked = 1;
	} else if (f.cl) {
		/* libmicrohttpd has checked that it is digits only */
		*clen = strtoull(f.cl_val[0], NULL, 10);
		*has_body = *clen > 0;
	}
	return 0;
}
