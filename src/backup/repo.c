/* repo.c - a repository's files: config, chunks, snapshots; crash-safe writes (a file is
 * written under a temporary name, synced, renamed and its folder synced). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
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

void bs_repo_chunk_path(const char *repo, const unsigned char id[32], struct bs_buf *path)
{
	char hex[65];
	bs_hex(id, 32, hex);
	bs_buf_clear(path);
	bs_buf_printf(path, "%s/chunks/%.2s/%s", repo, hex, hex);
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

	bs_buf_printf(&tmp, "%s.tmp-%08x", path, randombytes_random());
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

static int mkdir_p(const char *path, int top)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	if (top)
		return bs_error(BS_ERR, "cannot create the backup target '%s': %s", path, bs_strerror(errno));
	return bs_error(BS_ERR, "cannot create folder '%s': %s", path, bs_strerror(errno));
}

int bs_repo_open(const char *repo, const struct bs_backup_keys *k, int create, char repo_id[33])
{
	struct bs_buf p = BS_BUF_INIT, b = BS_BUF_INIT;
	json_t *cfg = NULL;
	char pk[65];
	int err;

	bs_hex(k->sign_pk, 32, pk);
	bs_buf_printf(&p, "%s/config", repo);
	err = bs_repo_read(p.ptr, &b);
	if (err == BS_ENOTFOUND && create) {
		unsigned char rid[16];
		char when[BS_TIME_MAX];
		char *s;
		DIR *d;
		struct dirent *de;
		if ((err = mkdir_p(repo, 1)) < 0)
			goto done;
		/* a new repository only in a new or empty folder (never spread over someone's files) */
		if ((d = opendir(repo))) {
			int other = 0;
			/* chunks/ and snapshots/ are a skeleton an interrupted first run left */
			while ((de = readdir(d)))
				other |= strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, "chunks") &&
					 strcmp(de->d_name, "snapshots") && strncmp(de->d_name, "config.tmp-", 11);
			closedir(d);
			if (other) {
				err = bs_error(BS_EEXISTS, "'%s' is neither empty nor a brokersec backup repository: give a new "
							   "or empty folder, or the folder of an earlier backup", repo);
				goto done;
			}
		}
		bs_buf_clear(&b);
		bs_buf_printf(&b, "%s/chunks", repo);
		if ((err = mkdir_p(b.ptr, 0)) < 0)
			goto done;
		for (int i = 0; i < 256; i++) {
			bs_buf_clear(&b);
			bs_buf_printf(&b, "%s/chunks/%02x", repo, i);
			if ((err = mkdir_p(b.ptr, 0)) < 0)
				goto done;
		}
		bs_buf_clear(&b);
		bs_buf_printf(&b, "%s/snapshots", repo);
		if ((err = mkdir_p(b.ptr, 0)) < 0)
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
		err = bs_repo_write_atomic(p.ptr, b.ptr, b.len);
		goto done;
	}
	if (err == BS_ENOTFOUND) {
		err = bs_error(BS_ENOTFOUND, "'%s' is not a brokersec backup repository (no config file in it)", repo);
		goto done;
	}
	if (err < 0)
		goto done;
	cfg = json_loadb(b.ptr, b.len, 0, NULL);
	const char *fmt = json_string_value(json_object_get(cfg, "format"));
	const char *cpk = json_string_value(json_object_get(cfg, "sign_public_key"));
	const char *cid = json_string_value(json_object_get(cfg, "repository"));
	if (!fmt || strcmp(fmt, BS_BACKUP_FORMAT) || !cpk || !cid || strlen(cid) != 32) {
		err = bs_error(BS_EINVALID, "'%s' is not a brokersec backup repository of format %s (its config is "
					    "unreadable or of another format)", p.ptr, BS_BACKUP_FORMAT);
		goto done;
	}
	if (strcmp(cpk, pk)) {
		err = bs_error(BS_EDENIED, "wrong backup key for '%s': the repository was made under the key with "
					   "signing key %.16s..., this key's is %.16s...: give the key this repository "
					   "was made with (--key-file FILE)", repo, cpk, pk);
		goto done;
	}
	snprintf(repo_id, 33, "%s", cid);
	err = 0;
done:
	json_decref(cfg);
	bs_buf_release(&p);
	bs_buf_release(&b);
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

int bs_repo_snapshots(const char *repo, char ***ids, size_t *n)
{
	struct bs_buf p = BS_BUF_INIT;
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	*ids = NULL;
	*n = 0;
	bs_buf_printf(&p, "%s/snapshots", repo);
	d = opendir(p.ptr);
	if (!d) {
		int e = errno;
		bs_buf_release(&p);
		return bs_error(BS_ERR, "cannot list '%s/snapshots': %s", repo, bs_strerror(e));
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".bsm"))
			continue; /* temp files of an interrupted run, . and .. */
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*ids = bs_realloc(*ids, bs_size_mul(cap, sizeof(**ids)));
		}
		(*ids)[(*n)++] = bs_strndup(de->d_name, l - 4);
	}
	closedir(d);
	bs_buf_release(&p);
	if (*n)
		qsort(*ids, *n, sizeof(**ids), cmp_str);
	return 0;
}

int bs_repo_manifest_load(const char *repo, const struct bs_backup_keys *k, const char *id,
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
					id, repo);
	bs_buf_printf(&p, "%s/snapshots/%s.bsm", repo, id);
	if ((err = bs_repo_read(p.ptr, &b)) == BS_ENOTFOUND)
		err = bs_error(BS_ENOTFOUND, "no snapshot '%s' in '%s' ('brokersec backup snapshots %s' lists them)",
			       id, repo, repo);
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
		err = bs_error(BS_EINVALID, "snapshot file '%s' holds the manifest of '%s': it was renamed", p.ptr, m->id);
		bs_backup_manifest_release(m);
	}
done:
	free(text);
	bs_buf_release(&p);
	bs_buf_release(&b);
	return err;
}
