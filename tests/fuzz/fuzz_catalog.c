/*
 * fuzz_catalog.c - libFuzzer harness for the catalog loader (src/catalog/catalog.c over
 * src/yamldoc): the input is one catalog YAML file (catalog/README.md). It is parsed, then
 * linked on its own, and once more as one more file after the built-in catalog (so it can
 * name built-in entries as parents and collide with their ids).
 * Invariants: problems are counted exactly when reported; every entry kept is whole.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "catalog/catalog.h"
#include "core/utf8.h"

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct bs_catalog *cat;
	(void)argc;
	(void)argv;
	if (bs_catalog_builtin(&cat) < 0) {
		fprintf(stderr, "the built-in catalog does not load: %s\n", bs_error_message());
		abort();
	}
	return 0;
}

static void check_entries(const struct bs_catalog *cat, size_t from)
{
	char group[64];
	for (size_t i = from; i < cat->n; i++) {
		const struct bs_control *c = &cat->v[i];
		fuzz_check(c->id && c->title.zh && c->title.en && c->text.zh && c->text.en);
		fuzz_check(bs_utf8_valid_text(c->title.zh, strlen(c->title.zh)));
		fuzz_check(bs_utf8_valid_text(c->text.en, strlen(c->text.en)));
		for (size_t k = 0; k < c->nhow; k++)
			fuzz_check(c->how[k].ref && c->how[k].kind <= BS_HOW_SCHEDULE);
		fuzz_check(!c->parent || c->parent < c);
		bs_control_group(c, group, sizeof(group));
		fuzz_check(bs_catalog_find(cat, c->id) != NULL);
	}
}

static int parse(struct bs_catalog *cat, const char *name, const char *data, size_t len, struct bs_buf *errors)
{
	size_t before = errors->len;
	int r = bs_catalog_parse(cat, name, data, len, errors);
	fuzz_check(r >= 0);
	fuzz_check((r == 0) == (errors->len == before));
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_catalog cat;
	struct bs_buf errors = BS_BUF_INIT;
	/* an exact-size copy, so reading past the end is caught */
	char *copy = malloc(size ? size : 1);
	int r;

	memcpy(copy, data, size);

	/* alone */
	memset(&cat, 0, sizeof(cat));
	parse(&cat, "fuzz.yaml", copy, size, &errors);
	bs_buf_clear(&errors);
	r = bs_catalog_link(&cat, &errors);
	fuzz_check(r >= 0 && (r == 0) == (errors.len == 0));
	check_entries(&cat, 0);
	bs_catalog_release(&cat);

	/* as one more file after the built-in catalog: its entries can name built-in parents and
	 * collide with built-in ids. The built-in entries are copied (link writes into them); only
	 * the new ones are freed. */
	const struct bs_catalog *bi;
	fuzz_check(bs_catalog_builtin(&bi) == 0);
	memset(&cat, 0, sizeof(cat));
	cat.cap = bi->n + 16;
	cat.n = bi->n;
	cat.v = bs_calloc(cat.cap, sizeof(*cat.v));
	memcpy(cat.v, bi->v, bi->n * sizeof(*cat.v));
	/* the copies share the built-in's strings, not its links: link makes them anew */
	for (size_t i = 0; i < bi->n; i++) {
		cat.v[i].linked = NULL;
		cat.v[i].nlinked = 0;
		cat.v[i].implemented_by = NULL;
		cat.v[i].nimplemented = 0;
	}
	bs_buf_clear(&errors);
	parse(&cat, "fuzz.yaml", copy, size, &errors);
	bs_buf_clear(&errors);
	r = bs_catalog_link(&cat, &errors);
	fuzz_check(r >= 0 && (r == 0) == (errors.len == 0));
	check_entries(&cat, bi->n);
	for (size_t i = 0; i < bi->n; i++) {
		free(cat.v[i].linked);
		free(cat.v[i].implemented_by);
	}
	for (size_t i = bi->n; i < cat.n; i++)
		bs_control_release(&cat.v[i]);
	free(cat.v);

	bs_buf_release(&errors);
	free(copy);
	bs_error_clear();
	return 0;
}
