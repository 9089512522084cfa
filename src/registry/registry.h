/*
 * registry.h - the registers the regulation makes a broker keep (systems, people, training,
 * incidents, drills, ...), all run by one generic engine.
 *
 * A register is ONE file (src/registry/reg_<name>.c) defining
 * `const struct bs_register bs_reg_<name>` (the file name with '-' as '_'): its name, place in
 * the CLI order, labels, the catalog clauses it serves and a table of field descriptors. The
 * engine does everything else from that table: CLI option parsing, validation (the error
 * names the field), storage, JSON, CSV import/export, history, the API routes
 * (/api/v1/registers/NAME/...), the OpenAPI schema and the documentation
 * (bs_register_doc()). Adding a register is adding that file: bs_registers[] is generated
 * from the files at build time (tools/gen-registers.sh), and `make docs` regenerates the
 * docs (docs/DEVELOPING.md, "Adding a register").
 *
 * Records are JSON objects {"id": N, <field>: value|null ..., "archived": bool}. Nothing is
 * ever erased: `archive` hides a record from lists, and every add/update/archive keeps the
 * old and new record in a history table and is an event in the event log (bs_audit) before
 * it commits; when the event cannot be written the change is rolled back (fail closed).
 */
#ifndef BS_REGISTRY_REGISTRY_H
#define BS_REGISTRY_REGISTRY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "datadir/datadir.h"

enum bs_ftype {
	BS_FT_TEXT,  /* UTF-8 text, one line, at most max bytes (default 500) */
	BS_FT_DATE,  /* YYYY-MM-DD */
	BS_FT_TIME,  /* RFC 3339 instant, stored as UTC "...Z" */
	BS_FT_INT,   /* whole number in [min, max] */
	BS_FT_NUM,   /* decimal with at most 2 decimals in [min, max] (hours) */
	BS_FT_BOOL,  /* yes|no|true|false|1|0 */
	BS_FT_ENUM,  /* one of values */
	BS_FT_REF,   /* id of a record in register `ref` */
	BS_FT_SET,   /* comma-separated subset of values (values NULL: tokens the register's check() judges) */
	BS_FT_REFS,  /* comma-separated ids of records in register `ref` */
};

#define BS_FF_REQUIRED 0x1u

struct bs_field {
	const char *name;          /* JSON key and CSV column; CLI flag --name with '_' as '-' */
	enum bs_ftype type;
	unsigned flags;            /* BS_FF_* */
	const char *const *values; /* enum / set: allowed values, NULL-terminated */
	const char *ref;           /* ref / refs: the register referred to */
	int64_t min, max;          /* int / num range; text: max bytes (0: 500) */
	const char *def;           /* value on add when the field is not given, or NULL */
	unsigned width;            /* column width in `list` tables; 0: not listed */
	const char *zh, *en;       /* labels */
	/* enum / set: how each value reads in a table, "中文|English", parallel to values (a
	 * NULL entry or array: the value itself); int: one per value from min to max (the system
	 * category 1..3 reads 第一類 .. 第三類). Stored values and JSON stay the values. */
	const char *const *labels;
};

struct bs_register {
	const char *name;          /* "system"; the CLI command, the API path segment and the event
				    * type's middle */
	int order;                 /* place in the CLI order (`brokersec --help`, GET /registers):
				    * bs_registers[] is sorted by it at build time; unique, > 0 */
	const char *zh, *en;       /* what it holds */
	const char *summary_zh, *summary_en; /* its line in `brokersec --help` */
	const char *about;         /* one or two sentences for docs/registers.md (English) */
	const char *source;        /* the catalog clauses it serves, "A2.3.1" */
	const struct bs_field *fields; /* ends with a field whose name is NULL */
	int csv;                   /* import/export as CSV */
	/* Cross-field rules on a complete record (fields only); 0 or BS_EINVALID with a
	 * message naming the field. May be NULL. */
	int (*check)(const json_t *rec);
	/* Rules against other records (a training not before its person was hired), run after
	 * the refs are found to exist, on add, update and CSV import; id is the record's (0: a
	 * new one); cli names the field as a flag (1) or a column (0). 0 or BS_EINVALID naming
	 * the field. May be NULL. */
	int (*check_linked)(struct bs_store *s, const json_t *rec, int64_t id, int cli);
};

/* Every register, in CLI order (by .order), ending with NULL. Generated at build time from
 * src/registry/reg_*.c ($(BUILD)/gen/registers_list.c, included by registry.c). */
extern const struct bs_register *const bs_registers[];
const struct bs_register *bs_register_find(const char *name);
const struct bs_field *bs_register_field(const struct bs_register *r, const char *name);
/* Writes the CLI flag of f without the dashes into out ("device_count" -> "device-count"). */
void bs_field_flag(const struct bs_field *f, char *out, size_t outsz);
const char *bs_ftype_name(enum bs_ftype t);

/* Parses one value given as text (CLI argument or CSV cell) into *out (owned by caller).
 * Empty text gives json null. Returns 0 or BS_EINVALID with a message that says what is
 * wrong without naming the field (the caller prefixes where it came from). */
int bs_field_parse(const struct bs_field *f, const char *text, json_t **out);
/* Formats a value for a table or CSV cell, appending to b ("" for null). */
void bs_field_format(const struct bs_field *f, const json_t *v, struct bs_buf *b);
/* The same for a person reading a table in lang: enum and set values by their labels,
 * yes/no as 是/否 in zh-TW. CSV and JSON keep bs_field_format's values. */
void bs_field_show(const struct bs_field *f, const json_t *v, enum bs_lang lang, struct bs_buf *b);
/* The label of one enum / set value in lang (the value itself when it has none). */
void bs_field_value_label(const struct bs_field *f, const char *value, enum bs_lang lang, struct bs_buf *b);

/* Checks a complete record of r: required fields present, every value of the right kind,
 * the register's cross-field check. prefix ("--" for CLI, "" for CSV) decides how the field
 * is named in the message. */
int bs_register_validate(const struct bs_register *r, const json_t *rec, int cli);

/* --- stored records (registry_store.c) --- */

/* Adds a record made of fields (a JSON object: field -> value; missing fields take their
 * default or null). id > 0 asks for that id (CSV restore), 0 takes the next one. On success
 * *out (may be NULL) is the stored record, owned by the caller. */
int bs_reg_add(struct bs_datadir *dd, const struct bs_register *r, const json_t *fields, int64_t id, json_t **out);
/* Changes the given fields of record id (json null clears an optional field). */
int bs_reg_update(struct bs_datadir *dd, const struct bs_register *r, int64_t id, const json_t *changes,
		  json_t **out);
/* Archives record id; BS_ECONFLICT when it is archived already. */
int bs_reg_archive(struct bs_datadir *dd, const struct bs_register *r, int64_t id, json_t **out);
/* One record; BS_ENOTFOUND naming the register and id when missing. */
int bs_reg_get(struct bs_store *s, const struct bs_register *r, int64_t id, json_t **out);
/* Every record of r, by id; archived ones only when all is set. *out is a new array. */
int bs_reg_list(struct bs_store *s, const struct bs_register *r, int all, json_t **out);
/* The first live record of r (by id, other than except_id) whose text field equals value:
 * *out (a new reference) or NULL when there is none. */
int bs_reg_find_text(struct bs_store *s, const struct bs_register *r, const char *field, const char *value,
		     int64_t except_id, json_t **out);
/* The history of record id, oldest first: [{version, action, at, by, old, new}]. */
int bs_reg_history(struct bs_store *s, const struct bs_register *r, int64_t id, json_t **out);
/* Every register's records including archived ones: {"system": [...], ...}; the deadline
 * engine and the status evaluators read this. */
int bs_reg_snapshot(struct bs_store *s, json_t **out);

/* --- CSV (registry_csv.c) --- */

/* The records of r as CSV (RFC 4180, CRLF, header row of field names with "id" first). A cell
 * that starts with = + - @, a tab or a carriage return after any single quotes (a spreadsheet
 * formula) gets one more leading "'" and is quoted (OWASP CSV injection); import takes it off. */
int bs_reg_export_csv(struct bs_store *s, const struct bs_register *r, int all, struct bs_buf *out);
/* Imports CSV text (file names it in messages) in one transaction that the rows stream
 * through, so memory does not grow with the file. Problems are collected one
 * "file:line: message" per line in errors (the first 100, then a count), and then nothing is
 * imported (BS_EINVALID). A non-empty "id" column restores that id. Before the commit, one
 * register.<name>.import event per 10,000 rows (count, lines, ids, SHA-256 of the rows).
 * *count: records added. */
int bs_reg_import_csv(struct bs_datadir *dd, const struct bs_register *r, const char *file, const char *text,
		      size_t len, struct bs_buf *errors, size_t *count);
/* The same, reading the file at path as it goes. */
int bs_reg_import_csv_file(struct bs_datadir *dd, const struct bs_register *r, const char *path,
			   struct bs_buf *errors, size_t *count);

/* Splits CSV text into rows of cells (at most 64 cells of 64 KiB each). fn gets each row with
 * the line it starts on; a nonzero return stops. Returns 0, fn's value, or BS_EINVALID with
 * "line N: ..." for broken quoting, a NUL byte or too many or too long cells. Exposed for tests. */
int bs_csv_parse(const char *text, size_t len,
		 int (*fn)(int line, char **cells, size_t n, void *ctx), void *ctx);

/* --- documentation (registry_doc.c), made from the descriptors alone --- */

enum bs_register_doc {
	BS_REGDOC_OPENAPI,  /* docs/openapi.yaml, under components/schemas: RegisterName,
			     * RegisterRecord and one Register.<name> record schema per register
			     * (types, allowed values, required fields, ranges) */
	BS_REGDOC_MARKDOWN, /* docs/registers.md: the table of registers (name, zh-TW, English,
			     * clauses, CSV) and a field table per register */
	BS_REGDOC_README,   /* README.md: the cells of the registers' row of "What works today" */
};
/* Appends the fragment kind to out. `make docs` puts each between its markers in those files
 * and `make docs-check` fails when one is stale (tools/registers-doc.c). */
void bs_register_doc(enum bs_register_doc kind, struct bs_buf *out);

/* --- policy documents and apps: what each must contain (used by the engine and status) --- */

struct bs_policy_kind {
	const char *kind;          /* "byod" */
	const char *article;       /* "SR.5" */
	int profile_flag;          /* enum bs_profile_flag that makes it required, -1: always */
	const char *const *items;  /* catalog ids the document must cover */
};
extern const struct bs_policy_kind bs_policy_kinds[]; /* ends with kind NULL */
const struct bs_policy_kind *bs_policy_kind_find(const char *kind);

/* 1 when Table 1 row id (A1.T1.NN) is required for app class cls (1..3), per the catalog. */
int bs_app_requires(const char *id, int cls);

#endif
