/* manifest.c - a snapshot's manifest as JSON: dump (create) and parse (verify, restore).
 * The parser takes outside input: a repository carried to another machine may have been
 * made by anyone who holds the backup key, or be damaged in ways the signature cannot see
 * (a bug in an older writer). It checks every field and fails with what and where. */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "backup/backup.h"
#include "backup/backup_int.h"
#include "core/buf.h"
#include "core/error.h"

#define MAX_FILES 10000000u
#define MAX_PATH 1024u

int bs_backup_path_ok(const char *p)
{
	size_t len = strlen(p), part = 0;
	if (!len || len > MAX_PATH || p[0] == '/' || p[len - 1] == '/')
		return 0;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '/' || c == 0) {
			if (part == 0)
				return 0;
			if ((part == 1 && p[i - 1] == '.') || (part == 2 && p[i - 1] == '.' && p[i - 2] == '.'))
				return 0;
			part = 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			return 0;
		part++;
	}
	return 1;
}

static int id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      s[i] == '-'))
			return 0;
	return 1;
}

void bs_backup_manifest_release(struct bs_backup_manifest *m)
{
	for (size_t i = 0; i < m->nfiles; i++) {
		free(m->files[i].path);
		free(m->files[i].chunks);
	}
	free(m->files);
	free(m->id);
	free(m->created);
	free(m->host);
	free(m->source);
	free(m->log_head);
	json_decref(m->state);
	memset(m, 0, sizeof(*m));
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int text_field(const json_t *o, const char *key, size_t max, int empty_ok, char **out)
{
	const json_t *v = json_object_get(o, key);
	const char *s = json_string_value(v);
	if (!s)
		return bs_error(BS_EINVALID, "manifest: '%s' is missing or not a string", key);
	if (strlen(s) != json_string_length(v) || strlen(s) > max || (!empty_ok && !*s))
		return bs_error(BS_EINVALID, "manifest: '%s' is empty, too long or holds a NUL byte", key);
	*out = bs_strdup(s);
	return 0;
}

static int parse_state(const json_t *st)
{
	const char *db, *t;
	const json_t *tables, *n;
	if (!json_is_object(st))
		return bs_error(BS_EINVALID, "manifest: 'state' is missing or not an object");
	json_object_foreach((json_t *)st, db, tables) {
		if (strcmp(db, "brokersec.db") && strcmp(db, "events.db"))
			return bs_error(BS_EINVALID, "manifest: state of '%.60s': only brokersec.db and events.db", db);
		if (!json_is_object(tables))
			return bs_error(BS_EINVALID, "manifest: state of '%s' is not an object", db);
		json_object_foreach((json_t *)tables, t, n)
			if (!json_is_integer(n) || json_integer_value(n) < 0 || strlen(t) > 128)
				return bs_error(BS_EINVALID, "manifest: state of '%s': table '%.60s' has no row count",
						db, t);
	}
	return 0;
}

static int parse_file(const json_t *f, size_t idx, struct bs_backup_file *out)
{
	const json_t *chunks, *mode = json_object_get(f, "mode"), *size = json_object_get(f, "size"),
			      *mtime = json_object_get(f, "mtime");
	uint64_t sum = 0;
	int err;

	if (!json_is_object(f) || json_object_size(f) != 5)
		return bs_error(BS_EINVALID, "manifest: file %zu is not an object of path, mode, size, mtime, chunks", idx);
	if ((err = text_field(f, "path", MAX_PATH, 0, &out->path)) < 0)
		return err;
	if (!bs_backup_path_ok(out->path))
		return bs_error(BS_EINVALID, "manifest: file %zu: path '%.100s' is not a relative path inside the data "
					     "directory", idx, out->path);
	if (!json_is_integer(mode) || json_integer_value(mode) < 0 || json_integer_value(mode) > 0777 ||
	    !json_is_integer(size) || json_integer_value(size) < 0 || !json_is_integer(mtime))
		return bs_error(BS_EINVALID, "manifest: file '%.100s': mode, size or mtime is not a valid number",
				out->path);
	out->mode = (unsigned)json_integer_value(mode);
	out->size = (uint64_t)json_integer_value(size);
	out->mtime = (int64_t)json_integer_value(mtime);
	chunks = json_object_get(f, "chunks");
	if (!json_is_array(chunks) || json_array_size(chunks) > out->size)
		return bs_error(BS_EINVALID, "manifest: file '%.100s': 'chunks' is not a list that fits its size",
				out->path);
	out->nchunks = json_array_size(chunks);
	out->chunks = bs_calloc(out->nchunks ? out->nchunks : 1, sizeof(*out->chunks));
	for (size_t i = 0; i < out->nchunks; i++) {
		const json_t *c = json_array_get(chunks, i), *h = json_array_get(c, 0), *l = json_array_get(c, 1);
		const char *hex = json_string_value(h);
		size_t bin = 0;
		if (!json_is_array(c) || json_array_size(c) != 2 || !hex || json_string_length(h) != 64 ||
		    sodium_hex2bin(out->chunks[i].id, 32, hex, 64, NULL, &bin, NULL) != 0 || bin != 32 ||
		    !json_is_integer(l) || json_integer_value(l) < 1 || json_integer_value(l) > BS_CHUNK_MAX)
			return bs_error(BS_EINVALID, "manifest: file '%.100s': chunk %zu is not [64 hex digits, length "
						     "1..%u]", out->path, i, BS_CHUNK_MAX);
		out->chunks[i].len = (uint32_t)json_integer_value(l);
		sum += out->chunks[i].len;
	}
	if (sum != out->size)
		return bs_error(BS_EINVALID, "manifest: file '%.100s': its chunks hold %llu bytes, its size says %llu",
				out->path, (unsigned long long)sum, (unsigned long long)out->size);
	return 0;
}

int bs_backup_manifest_parse(const char *text, size_t len, struct bs_backup_manifest *m)
{
	json_error_t je;
	json_t *root = NULL;
	const json_t *files, *fmt;
	char **paths = NULL;
	int err = 0;

	memset(m, 0, sizeof(*m));
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		err = bs_error(BS_EINVALID, "manifest: not JSON at byte %d: %s", je.position, je.text);
		goto done;
	}
	if (!json_is_object(root) || json_object_size(root) != 8) {
		err = bs_error(BS_EINVALID, "manifest: not an object of exactly format, id, created, host, source, "
					    "log_head, state, files");
		goto done;
	}
	fmt = json_object_get(root, "format");
	if (!json_is_string(fmt) || strcmp(json_string_value(fmt), BS_BACKUP_FORMAT)) {
		err = bs_error(BS_EINVALID, "manifest: format is not '%s': made by another program or a newer "
					    "brokersec", BS_BACKUP_FORMAT);
		goto done;
	}
	if ((err = text_field(root, "id", 63, 0, &m->id)) < 0 || (err = text_field(root, "created", 64, 0, &m->created)) < 0 ||
	    (err = text_field(root, "host", 255, 1, &m->host)) < 0 ||
	    (err = text_field(root, "source", 4096, 1, &m->source)) < 0 ||
	    (err = text_field(root, "log_head", 200, 1, &m->log_head)) < 0)
		goto done;
	if (!id_ok(m->id)) {
		err = bs_error(BS_EINVALID, "manifest: id '%.70s' is not letters, digits and hyphens", m->id);
		goto done;
	}
	if ((err = parse_state(json_object_get(root, "state"))) < 0)
		goto done;
	m->state = json_incref(json_object_get(root, "state"));
	files = json_object_get(root, "files");
	if (!json_is_array(files) || json_array_size(files) > MAX_FILES) {
		err = bs_error(BS_EINVALID, "manifest: 'files' is missing or not a list");
		goto done;
	}
	m->files = bs_calloc(json_array_size(files) + 1, sizeof(*m->files));
	for (size_t i = 0; i < json_array_size(files); i++) {
		m->nfiles = i + 1;
		if ((err = parse_file(json_array_get(files, i), i, &m->files[i])) < 0)
			goto done;
		if (m->bytes + m->files[i].size < m->bytes) {
			err = bs_error(BS_EINVALID, "manifest: the sizes add up to more than 2^64 bytes");
			goto done;
		}
		m->bytes += m->files[i].size;
	}
	/* no path twice, and none under another file's path (a file "a" and "a/b") */
	paths = bs_calloc(m->nfiles + 1, sizeof(*paths));
	for (size_t i = 0; i < m->nfiles; i++)
		paths[i] = m->files[i].path;
	qsort(paths, m->nfiles, sizeof(*paths), cmp_path);
	for (size_t i = 0; i < m->nfiles; i++) {
		if (i && !strcmp(paths[i], paths[i - 1])) {
			err = bs_error(BS_EINVALID, "manifest: path '%.100s' appears twice", paths[i]);
			goto done;
		}
		for (const char *s = strchr(paths[i], '/'); s; s = strchr(s + 1, '/')) {
			char *key = bs_strndup(paths[i], (size_t)(s - paths[i]));
			int clash = bsearch(&key, paths, m->nfiles, sizeof(*paths), cmp_path) != NULL;
			free(key);
			if (clash) {
				err = bs_error(BS_EINVALID, "manifest: path '%.100s' lies under a file of the same snapshot",
					       paths[i]);
				goto done;
			}
		}
	}
done:
	free(paths);
	json_decref(root);
	if (err < 0)
		bs_backup_manifest_release(m);
	return err;
}

void bs_backup_manifest_dump(const struct bs_backup_manifest *m, struct bs_buf *out)
{
	json_t *root = json_object(), *files = json_array();
	char hex[65];
	char *s;

	json_object_set_new(root, "format", json_string(BS_BACKUP_FORMAT));
	json_object_set_new(root, "id", json_string(m->id));
	json_object_set_new(root, "created", json_string(m->created));
	json_object_set_new(root, "host", json_string(m->host ? m->host : ""));
	json_object_set_new(root, "source", json_string(m->source ? m->source : ""));
	json_object_set_new(root, "log_head", json_string(m->log_head ? m->log_head : ""));
	json_object_set_new(root, "state", m->state ? json_incref(m->state) : json_object());
	for (size_t i = 0; i < m->nfiles; i++) {
		const struct bs_backup_file *f = &m->files[i];
		json_t *cl = json_array();
		for (size_t j = 0; j < f->nchunks; j++) {
			bs_hex(f->chunks[j].id, 32, hex);
			json_array_append_new(cl, json_pack("[s, I]", hex, (json_int_t)f->chunks[j].len));
		}
		json_array_append_new(files, json_pack("{s:s, s:I, s:I, s:I, s:o}", "path", f->path, "mode",
						       (json_int_t)f->mode, "size", (json_int_t)f->size, "mtime",
						       (json_int_t)f->mtime, "chunks", cl));
	}
	json_object_set_new(root, "files", files);
	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!s)
		abort();
	bs_buf_clear(out);
	bs_buf_puts(out, s);
	free(s);
}
