/* repo.c - a repository's files: config, chunks, snapshots; crash-safe writes (a file is
 * written under a temporary name, synced, renamed and its folder synced). The files are
 * reached through a backend (struct bs_repo_ops): a local folder here, sftp:// in sftp.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup/backup.h"
#include "backup/backup_int.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"

void bs_hex(const unsigned char *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = 0;
}

void bs_repo_chunk_path(const unsigned char id[32], struct bs_buf *path)
{
	char hex[65];
	bs_hex(id, 32, hex);
	bs_buf_clear(path);
	bs_buf_printf(path, "chunks/%.2s/%s", hex, hex);
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return bs_error(BS_ERR, "cannot open folder '%s': %s", dir, bs_strerror(errno));
	if (fsync(fd) != 0 && errno != EINVAL) {
		int e = errno;
		close(fd);
		return bs_error(BS_ERR, "cannot sync folder '%s': %s", dir, bs_strerror(e));
	}
	close(fd);
	return 0;
}

static int write_all(int fd, const void *data, size_t len, const char *path)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno == ENOSPC || errno == EDQUOT)
				return bs_error(BS_ERR, "the backup target is full: cannot write '%s': %s: free space "
							"there or use another target; earlier backups are intact", path,
						bs_strerror(errno));
			return bs_error(BS_ERR, "cannot write '%s': %s", path, bs_strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int bs_repo_write_atomic(const char *path, const void *data, size_t len)
{
	struct bs_buf tmp = BS_BUF_INIT, dir = BS_BUF_INIT;
	int fd, err = 0;
	char *slash;

	bs_buf_printf(&tmp, "%s.tmp-%lld-%08x", path, (long long)(bs_clock_now() / 1000000), randombytes_random());
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = bs_error(BS_ERR, "cannot create '%s': %s", tmp.ptr, bs_strerror(errno));
		goto done;
	}
	if ((err = write_all(fd, data, len, tmp.ptr)) < 0)
		goto fail;
	if (fsync(fd) != 0) {
		err = errno == ENOSPC ? bs_error(BS_ERR, "the backup target is full: cannot write '%s': %s: free space "
							 "there or use another target; earlier backups are intact",
						 tmp.ptr, bs_strerror(errno))
				      : bs_error(BS_ERR, "cannot sync '%s': %s", tmp.ptr, bs_strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		err = bs_error(BS_ERR, "cannot write '%s': %s", tmp.ptr, bs_strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp.ptr, path) != 0) {
		err = bs_error(BS_ERR, "cannot rename '%s' to '%s': %s", tmp.ptr, path, bs_strerror(errno));
		goto fail;
	}
	bs_buf_puts(&dir, path);
	slash = strrchr(dir.ptr, '/');
	if (slash) {
		*slash = 0;
		err = sync_dir(dir.ptr);
	}
	goto done;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp.ptr);
done:
	bs_buf_release(&tmp);
	bs_buf_release(&dir);
	return err;
}

int bs_repo_read(const char *path, struct bs_buf *b)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat sb;
	int err = 0;

	bs_buf_clear(b);
	if (fd < 0)
		return errno == ENOENT ? BS_ENOTFOUND : bs_error(BS_ERR, "cannot open '%s': %s", path, bs_strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return bs_error(BS_EINVALID, "'%s' is not a regular file", path);
	}
	bs_buf_grow(b, (size_t)sb.st_size + 1);
	for (;;) {
		ssize_t n;
		if (b->cap - b->len < 2)
			bs_buf_grow(b, 65536);
		n = read(fd, b->ptr + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = bs_error(BS_ERR, "cannot read '%s': %s", path, bs_strerror(errno));
			break;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	b->ptr[b->len] = 0;
	close(fd);
	return err;
}

/* --- the local folder backend --- */

struct local {
	struct bs_repo base;
	char *root;
};

static char *local_path(const struct local *l, const char *rel)
{
	struct bs_buf p = BS_BUF_INIT;
	bs_buf_printf(&p, "%s%s%s", l->root, *rel ? "/" : "", rel);
	return bs_buf_detach(&p, NULL);
}

static int local_put(struct bs_repo *r, const char *rel, const void *data, size_t len, int exists_ok)
{
	char *p = local_path((struct local *)r, rel);
	int err = bs_repo_write_atomic(p, data, len);
	(void)exists_ok; /* rename replaces: the same content */
	free(p);
	return err;
}

static int local_get(struct bs_repo *r, const char *rel, struct bs_buf *b)
{
	char *p = local_path((struct local *)r, rel);
	int err = bs_repo_read(p, b);
	free(p);
	return err;
}

static int local_list(struct bs_repo *r, const char *rel, struct bs_buf *names, size_t *n)
{
	char *p = local_path((struct local *)r, rel);
	struct dirent *de;
	DIR *d = opendir(p);
	int err = 0;

	bs_buf_clear(names);
	*n = 0;
	if (!d) {
		err = errno == ENOENT ? BS_ENOTFOUND : bs_error(BS_ERR, "cannot list '%s': %s", p, bs_strerror(errno));
		free(p);
		return err;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		bs_buf_put(names, de->d_name, strlen(de->d_name) + 1);
		(*n)++;
	}
	closedir(d);
	free(p);
	return 0;
}

static int local_mkdirs(struct bs_repo *r, const char *const *rels, size_t n)
{
	int err = 0;
	for (size_t i = 0; i < n && !err; i++) {
		char *p = local_path((struct local *)r, rels[i]);
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			err = *rels[i] ? bs_error(BS_ERR, "cannot create folder '%s': %s", p, bs_strerror(errno))
				       : bs_error(BS_ERR, "cannot create the backup target '%s': %s", p, bs_strerror(errno));
		if (!err && !*rels[i]) {
			/* made now: its absolute path is known only from now on */
			free(r->where);
			r->where = bs_repo_location(p);
		}
		free(p);
	}
	return err;
}

static int local_remove(struct bs_repo *r, const char *rel)
{
	char *p = local_path((struct local *)r, rel);
	int err = 0;
	if (unlink(p) != 0)
		err = errno == ENOENT ? BS_ENOTFOUND : bs_error(BS_ERR, "cannot remove '%s': %s", p, bs_strerror(errno));
	free(p);
	return err;
}

static void local_close(struct bs_repo *r)
{
	struct local *l = (struct local *)r;
	free(l->root);
	free(l->base.where);
	free(l);
}

static const struct bs_repo_ops local_ops = { local_put, local_get, local_list, local_mkdirs, local_remove, local_close };

int bs_repo_is_sftp(const char *loc)
{
	return !strncmp(loc, "sftp://", 7);
}

char *bs_repo_location(const char *loc)
{
	char *r;
	if (bs_repo_is_sftp(loc)) {
		/* the URL as given, without a trailing '/' */
		r = bs_strdup(loc);
		for (size_t l = strlen(r); l > 7 && r[l - 1] == '/'; l--)
			r[l - 1] = 0;
		return r;
	}
	r = realpath(loc, NULL);
	return r ? r : bs_strdup(loc);
}

char *bs_backup_location(const char *repo)
{
	return bs_repo_location(repo);
}

int bs_repo_connect(const char *loc, const struct bs_repo_opts *o, struct bs_repo **out)
{
	static const struct bs_repo_opts none = { NULL, NULL };
	struct local *l;

	*out = NULL;
	if (bs_repo_is_sftp(loc))
		return bs_repo_sftp_connect(loc, o ? o : &none, out);
	if (strstr(loc, "://"))
		return bs_error(BS_EINVALID, "'%s': a backup target is a folder or sftp://[USER@]HOST[:PORT]/PATH", loc);
	if (!*loc)
		return bs_error(BS_EINVALID, "the backup repository is empty: give a folder or an sftp:// URL");
	l = bs_calloc(1, sizeof(*l));
	l->base.ops = &local_ops;
	l->root = bs_strdup(loc);
	l->base.where = bs_repo_location(loc);
	*out = &l->base;
	return 0;
}

void bs_repo_close(struct bs_repo *r)
{
	if (r)
		r->ops->close(r);
}

/* --- the chunk id set --- */

static size_t id_hash(const unsigned char id[32])
{
	size_t h;
	memcpy(&h, id, sizeof(h)); /* keyed BLAKE2b: already uniform */
	return h;
}

static void idset_grow(struct bs_idset *s)
{
	struct bs_idset n = { 0 };
	n.cap = s->cap ? 2 * s->cap : 1024;
	n.slot = bs_calloc(n.cap, sizeof(*n.slot));
	n.used = bs_calloc(n.cap, 1);
	for (size_t i = 0; i < s->cap; i++)
		if (s->used[i])
			bs_idset_add(&n, s->slot[i]);
	bs_idset_release(s);
	*s = n;
}

int bs_idset_add(struct bs_idset *s, const unsigned char id[32])
{
	size_t i;
	if (bs_idset_has(s, id))
		return 0;
	if ((s->n + 1) * 2 > s->cap)
		idset_grow(s);
	for (i = id_hash(id) & (s->cap - 1); s->used[i]; i = (i + 1) & (s->cap - 1))
		;
	memcpy(s->slot[i], id, 32);
	s->used[i] = 1;
	s->n++;
	return 1;
}

int bs_idset_has(const struct bs_idset *s, const unsigned char id[32])
{
	if (!s->cap)
		return 0;
	for (size_t i = id_hash(id) & (s->cap - 1); s->used[i]; i = (i + 1) & (s->cap - 1))
		if (!memcmp(s->slot[i], id, 32))
			return 1;
	return 0;
}

void bs_idset_release(struct bs_idset *s)
{
	free(s->slot);
	free(s->used);
	memset(s, 0, sizeof(*s));
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void bs_repo_listing_parse(const char *raw, size_t len, struct bs_buf *names, size_t *n)
{
	const char *line = raw, *end = raw + len;
	bs_buf_clear(names);
	*n = 0;
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t l = (size_t)((nl ? nl : end) - line);
		const char *next = nl ? nl + 1 : end;
		if (l && line[l - 1] == '\r')
			l--;
		/* no ., .., empty names, '/', quotes, backslashes or control characters: nothing a
		 * repository folder holds, and nothing that could break out of a quote command's "..." */
		int ok = l && !(l == 1 && line[0] == '.') && !(l == 2 && !memcmp(line, "..", 2));
		for (size_t i = 0; ok && i < l; i++)
			ok = (unsigned char)line[i] >= 0x20 && line[i] != 0x7f && line[i] != '/' && line[i] != '"' &&
			     line[i] != '\\';
		if (ok) {
			bs_buf_put(names, line, l);
			bs_buf_putc(names, 0);
			(*n)++;
		}
		line = next;
	}
}

int bs_repo_chunk_name(const char *dir2, const char *name, unsigned char id[32])
{
	if (strlen(name) != 64 || strncmp(name, dir2, 2))
		return 0;
	for (int b = 0; b < 32; b++) {
		int hi = hexval(name[2 * b]), lo = hexval(name[2 * b + 1]);
		if (hi < 0 || lo < 0)
			return 0;
		id[b] = (unsigned char)(hi << 4 | lo);
	}
	return 1;
}

int64_t bs_repo_tmp_time(const char *name)
{
	const char *t = strstr(name, ".tmp-");
	char *end;
	long long v;
	if (!t)
		return -1;
	errno = 0;
	v = strtoll(t + 5, &end, 10);
	return !errno && *end == '-' && v > 0 ? (int64_t)v : 0;
}

int bs_repo_chunk_ids(struct bs_repo *r, struct bs_idset *s, struct bs_buf *tmps, size_t *ntmps)
{
	struct bs_buf names = BS_BUF_INIT;
	char dir[16];
	int err = 0;

	if (ntmps)
		*ntmps = 0;
	for (int i = 0; i < 256 && !err; i++) {
		size_t n;
		const char *nm;
		snprintf(dir, sizeof(dir), "chunks/%02x", i);
		err = r->ops->list(r, dir, &names, &n);
		if (err == BS_ENOTFOUND) {
			err = 0;
			continue;
		}
		if (err < 0)
			break;
		nm = names.ptr;
		for (size_t k = 0; k < n; k++, nm += strlen(nm) + 1) {
			unsigned char id[32];
			if (bs_repo_chunk_name(dir + 7, nm, id))
				bs_idset_add(s, id);
			else if (tmps && strstr(nm, ".tmp-")) {
				bs_buf_printf(tmps, "%s/%s", dir, nm);
				bs_buf_putc(tmps, 0);
				(*ntmps)++;
			}
		}
	}
	bs_buf_release(&names);
	return err;
}

/* --- the repository on top of a backend --- */

int bs_repo_probe(struct bs_repo *r)
{
	struct bs_buf b = BS_BUF_INIT;
	int err = r->ops->get(r, "config", &b);
	bs_buf_release(&b);
	if (err == BS_ENOTFOUND)
		return bs_error(BS_ENOTFOUND, "'%s' is not a brokersec backup repository (no config file in it)", r->where);
	return err < 0 ? err : 0;
}

int bs_repo_open(struct bs_repo *r, const struct bs_backup_keys *k, int create, char repo_id[33])
{
	struct bs_buf b = BS_BUF_INIT, names = BS_BUF_INIT;
	json_t *cfg = NULL;
	char pk[65];
	int err;

	bs_hex(k->sign_pk, 32, pk);
	err = r->ops->get(r, "config", &b);
	if (err == BS_ENOTFOUND && create) {
		unsigned char rid[16];
		char when[BS_TIME_MAX], sub[256][10];
		const char *dirs[260];
		size_t n = 0, nn;
		char *s;
		const char *top[] = { "" };
		if ((err = r->ops->mkdirs(r, top, 1)) < 0)
			goto done;
		/* a new repository only in a new or empty folder (never spread over someone's files) */
		if ((err = r->ops->list(r, "", &names, &nn)) < 0) {
			if (err == BS_ENOTFOUND)
				err = bs_error(BS_ERR, "cannot create the backup target '%s': %s", r->where, bs_strerror(ENOENT));
			goto done;
		}
		{
			int other = 0;
			const char *nm = names.ptr;
			/* chunks/, snapshots/, locks/ are a skeleton an interrupted first run left */
			for (size_t i = 0; i < nn; i++, nm += strlen(nm) + 1)
				other |= strcmp(nm, "chunks") && strcmp(nm, "snapshots") && strcmp(nm, "locks") &&
					 strncmp(nm, "config.tmp-", 11);
			if (other) {
				err = bs_error(BS_EEXISTS, "'%s' is neither empty nor a brokersec backup repository: give a new "
							   "or empty folder, or the folder of an earlier backup", r->where);
				goto done;
			}
		}
		dirs[n++] = "chunks";
		for (int i = 0; i < 256; i++) {
			snprintf(sub[i], sizeof(sub[i]), "chunks/%02x", i);
			dirs[n++] = sub[i];
		}
		dirs[n++] = "snapshots";
		dirs[n++] = "locks";
		if ((err = r->ops->mkdirs(r, dirs, n)) < 0)
			goto done;
		randombytes_buf(rid, sizeof(rid));
		bs_hex(rid, sizeof(rid), repo_id);
		bs_time_format(bs_clock_now(), when);
		cfg = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "format", BS_BACKUP_FORMAT, "repository", repo_id,
				"created", when, "sign_public_key", pk, "chunker", "fastcdc-gear-1MiB", "cipher",
				"xchacha20poly1305-ietf+zstd, blake2b-256 keyed ids, ed25519 manifests");
		s = json_dumps(cfg, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!s)
			abort();
		bs_buf_clear(&b);
		bs_buf_printf(&b, "%s\n", s);
		free(s);
		err = r->ops->put(r, "config", b.ptr, b.len, 0);
		goto done;
	}
	if (err == BS_ENOTFOUND) {
		err = bs_error(BS_ENOTFOUND, "'%s' is not a brokersec backup repository (no config file in it)", r->where);
		goto done;
	}
	if (err < 0)
		goto done;
	cfg = json_loadb(b.ptr, b.len, 0, NULL);
	const char *fmt = json_string_value(json_object_get(cfg, "format"));
	const char *cpk = json_string_value(json_object_get(cfg, "sign_public_key"));
	const char *cid = json_string_value(json_object_get(cfg, "repository"));
	if (!fmt || strcmp(fmt, BS_BACKUP_FORMAT) || !cpk || !cid || strlen(cid) != 32) {
		struct bs_buf full = BS_BUF_INIT;
		bs_buf_printf(&full, "%s/config", r->where);
		err = bs_error(BS_EINVALID, "'%s' is not a brokersec backup repository of format %s (its config is "
					    "unreadable or of another format)", full.ptr, BS_BACKUP_FORMAT);
		bs_buf_release(&full);
		goto done;
	}
	if (strcmp(cpk, pk)) {
		err = bs_error(BS_EDENIED, "wrong backup key for '%s': the repository was made under the key with "
					   "signing key %.16s..., this key's is %.16s...: give the key this repository "
					   "was made with (--key-file FILE)", r->where, cpk, pk);
		goto done;
	}
	snprintf(repo_id, 33, "%s", cid);
	err = 0;
done:
	json_decref(cfg);
	bs_buf_release(&b);
	bs_buf_release(&names);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void bs_repo_ids_free(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int bs_repo_snapshots(struct bs_repo *r, char ***ids, size_t *n)
{
	struct bs_buf names = BS_BUF_INIT;
	const char *nm;
	size_t nn, cap = 0;
	int err;

	*ids = NULL;
	*n = 0;
	if ((err = r->ops->list(r, "snapshots", &names, &nn)) < 0) {
		bs_buf_release(&names);
		if (err == BS_ENOTFOUND)
			return bs_error(BS_ERR, "cannot list '%s/snapshots': %s", r->where, bs_strerror(ENOENT));
		return err;
	}
	nm = names.ptr;
	for (size_t i = 0; i < nn; i++, nm += strlen(nm) + 1) {
		size_t l = strlen(nm);
		if (l < 5 || strcmp(nm + l - 4, ".bsm"))
			continue; /* temp files of an interrupted run */
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*ids = bs_realloc(*ids, bs_size_mul(cap, sizeof(**ids)));
		}
		(*ids)[(*n)++] = bs_strndup(nm, l - 4);
	}
	bs_buf_release(&names);
	if (*n)
		qsort(*ids, *n, sizeof(**ids), cmp_str);
	return 0;
}

int bs_repo_manifest_load(struct bs_repo *r, const struct bs_backup_keys *k, const char *id,
			  struct bs_backup_manifest *m)
{
	struct bs_buf p = BS_BUF_INIT, b = BS_BUF_INIT;
	char *text = NULL;
	size_t tlen;
	int err;

	memset(m, 0, sizeof(*m));
	for (const char *c = id; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || *c == '-'))
			return bs_error(BS_EINVALID, "'%.80s' is not a snapshot id ('brokersec backup snapshots %s' lists them)",
					id, r->where);
	bs_buf_printf(&p, "snapshots/%s.bsm", id);
	if ((err = r->ops->get(r, p.ptr, &b)) == BS_ENOTFOUND)
		err = bs_error(BS_ENOTFOUND, "no snapshot '%s' in '%s' ('brokersec backup snapshots %s' lists them)",
			       id, r->where, r->where);
	if (err < 0)
		goto done;
	if ((err = bs_backup_envelope_open(k, (const unsigned char *)b.ptr, b.len, &text, &tlen)) < 0 ||
	    (err = bs_backup_manifest_parse(text, tlen, m)) < 0) {
		char *msg = bs_strdup(bs_error_message());
		err = bs_error(err, "snapshot '%s': %s", id, msg);
		free(msg);
		goto done;
	}
	if (strcmp(m->id, id)) {
		struct bs_buf full = BS_BUF_INIT;
		bs_buf_printf(&full, "%s/%s", r->where, p.ptr);
		err = bs_error(BS_EINVALID, "snapshot file '%s' holds the manifest of '%s': it was renamed", full.ptr, m->id);
		bs_buf_release(&full);
		bs_backup_manifest_release(m);
	}
done:
	free(text);
	bs_buf_release(&p);
	bs_buf_release(&b);
	return err;
}

int bs_backup_probe(const char *repo, const struct bs_repo_opts *ro)
{
	struct bs_repo *r = NULL;
	int err = bs_repo_connect(repo, ro, &r);
	if (err >= 0)
		err = bs_repo_probe(r);
	bs_repo_close(r);
	return err;
}
