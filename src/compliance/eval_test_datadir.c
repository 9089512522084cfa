/* A test data directory (datadir.h, "test data directories") hashes passwords at the
 * cheapest Argon2id cost: password storage (A2.5.4.4) is not met there, whatever else says,
 * so that such a directory can never pass for a real one. First in the chain for that. */
#include <string.h>

#include "compliance/status.h"

static int evaluate(const struct bs_status_ctx *ctx, void *state, const struct bs_control *c,
		    struct bs_verdict *v)
{
	(void)state;
	if (!ctx->dd->test_kdf || strcmp(c->id, "A2.5.4.4") != 0)
		return 0;
	v->state = BS_STATE_NOT_MET;
	bs_buf_puts(&v->zh, "測試用資料目錄：密碼雜湊強度不足");
	bs_buf_puts(&v->en, "test data directory: weak password hashing");
	return 1;
}

const struct bs_evaluator bs_eval_test_datadir = { "test-datadir", NULL, evaluate, NULL };
