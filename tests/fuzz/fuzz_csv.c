/*
 * fuzz_csv.c - libFuzzer harness for the CSV import of the registers (src/registry/
 * registry_csv.c, `brokersec <register> import FILE`), through its public API only:
 * bs_csv_parse (the RFC 4180 splitter) and bs_reg_import_csv (header, per-cell parsing with
 * bs_field_parse, references, ids, the transaction and its audit event) into a real data
 * directory (fuzz_datadir.h) that holds a system and two people for the references to find.
 * After a clean import the register is exported (bs_reg_export_csv) and that must split
 * again. The data directory is rolled back after every input.
 *
 * Input: the first byte picks the register among those with CSV import (person, training,
 * device, asset: byte % 4 in the order of bs_registers), the rest is the file.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "profile/profile.h"
#include "registry/registry.h"

#include "fuzz_datadir.h"

static struct fuzz_datadir fd;
static const struct bs_register *csv_regs[32];
static size_t ncsv;

static void seed(const char *reg, json_t *fields)
{
	json_t *out = NULL;
	if (bs_reg_add(fd.dd, bs_register_find(reg), fields, 0, &out) < 0)
		fuzz_dd_fail(reg);
	json_decref(out);
	json_decref(fields);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_dd_create(&fd, "csv", (1u << BS_PF_COUNT) - 1);
	for (size_t i = 0; bs_registers[i]; i++)
		if (bs_registers[i]->csv && ncsv < sizeof(csv_regs) / sizeof(csv_regs[0]))
			csv_regs[ncsv++] = bs_registers[i];
	if (!ncsv)
		abort();
	seed("system", json_pack("{s:s,s:i,s:b}", "name", "網路投保", "category", 1, "core", 1));
	seed("person", json_pack("{s:s,s:s,s:s}", "name", "資安長", "role", "security", "hired", "2019-01-01"));
	seed("person", json_pack("{s:s,s:s}", "name", "王小明", "role", "general"));
	fuzz_dd_snapshot(&fd);
	return 0;
}

struct split {
	int last_line;
	size_t rows;
};

static int on_row(int line, char **cells, size_t n, void *ctx)
{
	struct split *sp = ctx;
	fuzz_check(line > sp->last_line);
	fuzz_check(n >= 1 && n <= 64);
	for (size_t i = 0; i < n; i++)
		fuzz_check(cells[i] != NULL);
	sp->last_line = line;
	sp->rows++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_buf errors = BS_BUF_INIT, out = BS_BUF_INIT;
	struct split sp = { 0, 0 };
	size_t count = 0;
	int r;

	if (size < 1)
		return 0;
	const struct bs_register *reg = csv_regs[data[0] % ncsv];
	size_t len = size - 1;
	/* an exact-size copy, so reading past the end is caught */
	char *text = malloc(len ? len : 1);
	memcpy(text, data + 1, len);

	r = bs_csv_parse(text, len, on_row, &sp);
	fuzz_check(r == 0 || r == BS_EINVALID);

	r = bs_reg_import_csv(fd.dd, reg, "fuzz.csv", text, len, &errors, &count);
	if (r == 0) {
		fuzz_check(errors.len == 0);
		/* what was imported exports, and the export splits again: a header and a row each */
		fuzz_check(bs_reg_export_csv(fd.dd->store, reg, 1, &out) == 0);
		struct split again = { 0, 0 };
		fuzz_check(bs_csv_parse(out.ptr, out.len, on_row, &again) == 0);
		fuzz_check(again.rows >= count + 1);
	} else {
		fuzz_check(r == BS_EINVALID || r == BS_ECONFLICT || r == BS_ENOTFOUND || r == BS_EEXISTS);
		fuzz_check(*bs_error_message());
	}
	fuzz_dd_restore(&fd);
	free(text);
	bs_buf_release(&errors);
	bs_buf_release(&out);
	return 0;
}
