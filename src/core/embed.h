/*
 * embed.h - files compiled into the binary (catalog YAML, SQL migrations, docs).
 * Generated tables end with an entry whose name is NULL. data is NUL-terminated.
 */
#ifndef BS_CORE_EMBED_H
#define BS_CORE_EMBED_H

#include <stddef.h>

struct bs_embed {
	const char *name;
	const unsigned char *data;
	size_t len;
};

extern const struct bs_embed bs_embed_catalog[];
extern const struct bs_embed bs_embed_migrations[];
/* docs served by the binary: [0] is docs/openapi.yaml */
extern const struct bs_embed bs_embed_docs[];
extern const struct bs_embed bs_embed_policies[];
/* the web UI: every file under web/ (src/http/web.c) */
extern const struct bs_embed bs_embed_web[];

#endif
