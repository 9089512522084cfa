/* verify.c - backup verify: every manifest's signature, every chunk read back whole (MAC,
 * decompression, keyed id, length), and for each damaged or missing chunk the files it
 * affects; backup list. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "audit/audit.h"
#include "backup/backup.h"
#include "backup/backup_int.h"
#include "core/buf.h"
#include "core/error.h"

int bs_backup_chunk_decode(const struct bs_backup_keys *k, const unsigned char id[32], struct bs_buf *stored,
			   struct bs_buf *out)
{
	unsigned char *plain, check[32];
	size_t plen;
	int flag;

	bs_buf_clear(out);
	if (bs_backup_chunk_open(k, id, (unsigned char *)stored->ptr, stored->len, &plain, &plen, &flag) < 0)
		return bs_error(BS_EINVALID, "does not authenticate (changed or damaged)");
	if (flag == BS_CHUNK_RAW) {
		bs_buf_put(out, plain, plen);
	} else if (flag == BS_CHUNK_ZSTD) {
		unsigned long long n = ZSTD_getFrameContentSize(plain, plen);
		size_t z;
		if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN || n > BS_CHUNK_MAX)
			return bs_error(BS_EINVALID, "holds no valid compressed data");
		bs_buf_grow(out, (size_t)n);
		z = ZSTD_decompress(out->ptr, (size_t)n, plain, plen);
		if (ZSTD_isError(z) || z != n)
			return bs_error(BS_EINVALID, "holds no valid compressed data");
		out->len = z;
		out->ptr[z] = 0;
	} else {
		return bs_error(BS_EINVALID, "has an unknown storage flag %d", flag);
	}
	bs_backup_chunk_id(k, (const unsigned char *)out->ptr, out->len, check);
	if (memcmp(check, id, 32))
		return bs_error(BS_EINVALID, "content does not match its id");
	return 0;
}

struct use {
	unsigned char id[32];
	uint32_t len;
	uint32_t snap;
	uint32_t file;
};

static int cmp_use(const void *a, const void *b)
{
	const struct use *x = a, *y = b;
	int c = memcmp(x->id, y->id, 32);
	if (c)
		return c;
	return x->snap != y->snap ? (x->snap < y->snap ? -1 : 1) : (x->file < y->file ? -1 : x->file > y->file);
}

int bs_backup_verify(struct bs_datadir *dd, const struct bs_backup_keys *k, const char *repo,
		     const struct bs_repo_opts *ro, const char *snapshot, struct bs_backup_stats *st)
{
	struct bs_repo *r = NULL;
	struct bs_backup_manifest *ms = NULL;
	struct use *uses = NULL;
	size_t nids = 0, nm = 0, nuses = 0, cap = 0;
	char **ids = NULL, repo_id[33], hex[65];
	struct bs_buf path = BS_BUF_INIT, stored = BS_BUF_INIT, plain = BS_BUF_INIT, first = BS_BUF_INIT;
	struct bs_buf *rep = st->report;
	int err;

	{
		struct bs_buf *keep = st->report;
		memset(st, 0, sizeof(*st));
		st->report = rep = keep;
	}
	if ((err = bs_repo_connect(repo, ro, &r)) < 0 || (err = bs_repo_open(r, k, 0, repo_id)) < 0)
		goto done;
	repo = r->where;
	if (snapshot) {
		ids = bs_calloc(1, sizeof(*ids));
		ids[0] = bs_strdup(snapshot);
		nids = 1;
	} else if ((err = bs_repo_snapshots(r, &ids, &nids)) < 0) {
		goto done;
	}
	if (!nids) {
		err = bs_error(BS_ENOTFOUND, "'%s' holds no snapshot yet: run brokersec backup create --to '%s'", repo,
			       repo);
		goto done;
	}
	ms = bs_calloc(nids, sizeof(*ms));
	nm = nids;
	for (size_t i = 0; i < nids; i++) {
		if ((err = bs_repo_manifest_load(r, k, ids[i], &ms[i])) < 0) {
			if (err == BS_ENOTFOUND)
				goto done;
			/* a damaged manifest: say so, check the others */
			if (rep)
				bs_buf_printf(rep, "%s\n", bs_error_message());
			if (!first.len)
				bs_buf_puts(&first, bs_error_message());
			st->damaged++;
			continue;
		}
		for (size_t f = 0; f < ms[i].nfiles; f++)
			for (size_t c = 0; c < ms[i].files[f].nchunks; c++) {
				if (nuses == cap) {
					cap = cap ? 2 * cap : 1024;
					uses = bs_realloc(uses, bs_size_mul(cap, sizeof(*uses)));
				}
				memcpy(uses[nuses].id, ms[i].files[f].chunks[c].id, 32);
				uses[nuses].len = ms[i].files[f].chunks[c].len;
				uses[nuses].snap = (uint32_t)i;
				uses[nuses++].file = (uint32_t)f;
			}
		st->files += ms[i].nfiles;
		st->bytes += ms[i].bytes;
	}
	if (nuses)
		qsort(uses, nuses, sizeof(*uses), cmp_use);
	for (size_t i = 0; i < nuses;) {
		size_t j = i + 1;
		const char *why = NULL;
		char msg[200];
		while (j < nuses && !memcmp(uses[j].id, uses[i].id, 32))
			j++;
		st->chunks++;
		bs_repo_chunk_path(uses[i].id, &path);
		err = r->ops->get(r, path.ptr, &stored);
		if (err == BS_ENOTFOUND) {
			why = BS_T(bs_error_lang(), "不存在", "is missing");
		} else if (err < 0) {
			snprintf(msg, sizeof(msg), "%s", bs_error_message());
			why = msg;
		} else if (bs_backup_chunk_decode(k, uses[i].id, &stored, &plain) < 0) {
			snprintf(msg, sizeof(msg), "%s", bs_error_message());
			why = msg;
		} else if (plain.len != uses[i].len) {
			why = BS_T(bs_error_lang(), "長度與清單不符", "length differs from the manifest's");
		}
		err = 0;
		if (why) {
			st->damaged++;
			bs_hex(uses[i].id, 32, hex);
			if (!first.len)
				bs_buf_printf(&first, "%s %.16s %s", BS_T(bs_error_lang(), "區塊", "chunk"), hex, why);
			if (rep) {
				bs_buf_printf(rep, "%s %.16s… %s; %s:", BS_T(bs_error_lang(), "區塊", "chunk"), hex, why,
					      BS_T(bs_error_lang(), "影響檔案", "affects"));
				for (size_t u = i; u < j; u++)
					if (u == i || uses[u].snap != uses[u - 1].snap || uses[u].file != uses[u - 1].file)
						bs_buf_printf(rep, " %s:%s", ms[uses[u].snap].id,
							      ms[uses[u].snap].files[uses[u].file].path);
				bs_buf_putc(rep, '\n');
			}
		}
		i = j;
	}
	if (st->damaged)
		err = bs_error(BS_EINVALID, "backup '%s' is damaged: %llu problems, the first: %s", repo,
			       (unsigned long long)st->damaged, first.ptr);
	if (nids == 1)
		snprintf(st->snapshot, sizeof(st->snapshot), "%s", ids[0]);
	if (dd) {
		int ok = err >= 0;
		char *keep = ok ? NULL : bs_strdup(bs_error_message());
		int rerr = bs_backup_record_verify(dd, repo, ok, st);
		if (rerr < 0)
			err = rerr;
		else if (keep)
			bs_error(err, "%s", keep);
		free(keep);
	}
done:
	for (size_t i = 0; i < nm && ms; i++)
		bs_backup_manifest_release(&ms[i]);
	free(ms);
	free(uses);
	bs_repo_ids_free(ids, nids);
	bs_buf_release(&path);
	bs_buf_release(&stored);
	bs_buf_release(&plain);
	bs_buf_release(&first);
	bs_repo_close(r);
	return err;
}

int bs_backup_list(const struct bs_backup_keys *k, const char *repo, const struct bs_repo_opts *ro, json_t **out)
{
	char **ids = NULL, repo_id[33];
	struct bs_repo *r = NULL;
	size_t n = 0;
	int err;

	*out = NULL;
	if ((err = bs_repo_connect(repo, ro, &r)) < 0 || (err = bs_repo_open(r, k, 0, repo_id)) < 0 ||
	    (err = bs_repo_snapshots(r, &ids, &n)) < 0) {
		bs_repo_close(r);
		return err;
	}
	*out = json_array();
	for (size_t i = 0; i < n; i++) {
		struct bs_backup_manifest m;
		if ((err = bs_repo_manifest_load(r, k, ids[i], &m)) < 0) {
			json_array_append_new(*out, json_pack("{s:s, s:s}", "id", ids[i], "problem", bs_error_message()));
			err = 0;
			continue;
		}
		json_array_append_new(*out, json_pack("{s:s, s:s, s:s, s:I, s:I}", "id", m.id, "created", m.created,
						       "host", m.host, "files", (json_int_t)m.nfiles, "bytes",
						       (json_int_t)m.bytes));
		bs_backup_manifest_release(&m);
	}
	bs_repo_ids_free(ids, n);
	bs_repo_close(r);
	return 0;
}
