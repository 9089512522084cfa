/* openapi.c - docs/openapi.yaml as compiled into the binary by tools/embed (see Makefile). */
#include "core/embed.h"
#include "http/http.h"

const char *bs_http_openapi(size_t *len)
{
	*len = bs_embed_docs[0].len;
	return (const char *)bs_embed_docs[0].data;
}
