/* api_fim.c - file integrity over the API (src/fim, docs/fim.md): GET /fim, what `brokersec fim
 * verify-baseline` and the latest `fim check` say: every root's baseline, whether it verifies
 * now (entries, signature, host, the event log's pin), and the latest check. */
#include <jansson.h>

#include "fim/fim.h"
#include "http/http_int.h"

void bs_api_fim(struct bs_http_ctx *c)
{
	json_t *out = NULL;
	int err = bs_fim_summary_json(c->dd, &out);
	if (err < 0)
		bs_http_fail(c, err);
	else
		bs_http_json(c, 200, out);
}
