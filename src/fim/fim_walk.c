/* fim_walk.c - one walk of a tree on every core: a shared stack of work (directories to list,
 * files to hash), each thread taking the next item; SHA-256 through libcrypto's EVP (SHA-NI
 * where the CPU has it: 1.7x libsodium's BLAKE2b on this project's build machine, docs/fim.md);
 * a file whose size, mtime, ctime and inode match the prior baseline keeps its hash. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "fim/fim.h"

#define READ_CHUNK (256 * 1024)
#define ENTROPY_BYTES (64 * 1024)
#define PROBLEMS_LISTED 200

struct item {
	char *rel;              /* relative to the root */
	int dir;                /* 1: list it; 0: hash it (e holds its lstat) */
	struct bs_fim_entry e;
};

struct walk {
	const char *root;
	size_t rootlen;
	const struct bs_fim_policy *p;
	const struct bs_fim_walk_opts *o;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct item *stack;
	size_t n, cap;
	int busy;               /* threads working on an item */
	struct bs_fim_tree *out;
};

void bs_fim_tree_release(struct bs_fim_tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].link);
		free(t->v[i].err);
	}
	free(t->v);
	bs_buf_release(&t->problems);
	memset(t, 0, sizeof(*t));
}

static void tree_push(struct bs_fim_tree *t, const struct bs_fim_entry *e)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->v = bs_realloc(t->v, bs_size_mul(t->cap, sizeof(*t->v)));
	}
	t->v[t->n++] = *e;
}

void bs_fim_tree_add(struct bs_fim_tree *t, const struct bs_fim_entry *e)
{
	struct bs_fim_entry c = *e;
	c.path = bs_strdup(e->path);
	c.link = e->link ? bs_strdup(e->link) : NULL;
	c.err = e->err ? bs_strdup(e->err) : NULL;
	tree_push(t, &c);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct bs_fim_entry *)a)->path, ((const struct bs_fim_entry *)b)->path);
}

void bs_fim_tree_sort(struct bs_fim_tree *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), by_path);
}

const struct bs_fim_entry *bs_fim_tree_find(const struct bs_fim_tree *t, const char *path)
{
	size_t lo = 0, hi = t ? t->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->v[mid].path, path);
		if (!c)
			return &t->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int bs_fim_entropy(const unsigned char *data, size_t len)
{
	size_t count[256] = { 0 };
	double h = 0;

	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		count[data[i]]++;
	for (int i = 0; i < 256; i++)
		if (count[i]) {
			double q = (double)count[i] / (double)len;
			h -= q * log2(q);
		}
	return (int)lround(h * 1000);
}

int bs_fim_magic_compressed(const unsigned char *d, size_t n)
{
	static const struct { const char *m; size_t len, at; } magic[] = {
		{ "PK\x03\x04", 4, 0 }, { "PK\x05\x06", 4, 0 },    /* zip, OOXML, ODF, jar */
		{ "\x1f\x8b", 2, 0 },                              /* gzip */
		{ "BZh", 3, 0 },                                   /* bzip2 */
		{ "\xfd" "7zXZ\x00", 6, 0 },                       /* xz */
		{ "\x28\xb5\x2f\xfd", 4, 0 },                      /* zstd */
		{ "\x04\x22\x4d\x18", 4, 0 },                      /* lz4 */
		{ "7z\xbc\xaf\x27\x1c", 6, 0 },                    /* 7z */
		{ "Rar!\x1a\x07", 6, 0 },                          /* rar */
		{ "\xff\xd8\xff", 3, 0 },                          /* JPEG */
		{ "\x89PNG", 4, 0 },                               /* PNG */
		{ "GIF8", 4, 0 },                                  /* GIF */
		{ "%PDF", 4, 0 },                                  /* PDF: deflated streams */
		{ "ID3", 3, 0 }, { "\xff\xfb", 2, 0 },             /* MP3 */
		{ "ftyp", 4, 4 },                                  /* MP4, MOV, HEIC */
		{ "WEBP", 4, 8 },                                  /* WebP (RIFF) */
		{ "\xd0\xcf\x11\xe0", 4, 0 },                      /* OLE (old Office: often compressed parts) */
		{ "SQLite format 3", 15, 0 },                      /* databases rewrite pages: not a sign */
		{ "-----BEGIN PGP", 14, 0 }, { "\x85\x01", 2, 0 }, /* encrypted by design */
	};
	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if (n >= magic[i].at + magic[i].len && !memcmp(d + magic[i].at, magic[i].m, magic[i].len))
			return 1;
	return 0;
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[b[i] >> 4];
		out[2 * i + 1] = hx[b[i] & 15];
	}
	out[2 * n] = 0;
}

/* A problem on the way: counted by the caller, listed (the first PROBLEMS_LISTED) here. */
static void problem(struct walk *w, const char *rel, const char *fmt, ...) BS_PRINTF(3, 4);
static void problem(struct walk *w, const char *rel, const char *fmt, ...)
{
	va_list ap;
	pthread_mutex_lock(&w->mu);
	if (w->out->nproblems++ < PROBLEMS_LISTED) {
		bs_fim_path_text(rel, &w->out->problems);
		bs_buf_puts(&w->out->problems, ": ");
		va_start(ap, fmt);
		bs_buf_vprintf(&w->out->problems, fmt, ap);
		va_end(ap);
		bs_buf_putc(&w->out->problems, '\n');
	}
	pthread_mutex_unlock(&w->mu);
}

static void count(struct walk *w, int64_t *c, int64_t by)
{
	pthread_mutex_lock(&w->mu);
	*c += by;
	pthread_mutex_unlock(&w->mu);
}

static char *full_path(const struct walk *w, const char *rel)
{
	struct bs_buf b = BS_BUF_INIT;
	bs_buf_put(&b, w->root, w->rootlen);
	if (strcmp(rel, ".")) {
		if (!w->rootlen || w->root[w->rootlen - 1] != '/')
			bs_buf_putc(&b, '/');
		bs_buf_puts(&b, rel);
	}
	return bs_buf_detach(&b, NULL);
}

static char type_of(mode_t m)
{
	if (S_ISREG(m)) return 'f';
	if (S_ISDIR(m)) return 'd';
	if (S_ISLNK(m)) return 'l';
	if (S_ISCHR(m)) return 'c';
	if (S_ISBLK(m)) return 'b';
	if (S_ISFIFO(m)) return 'p';
	return 's';
}

static void fill_stat(struct bs_fim_entry *e, const struct stat *st)
{
	e->type = type_of(st->st_mode);
	e->mode = st->st_mode & 07777;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->size = st->st_size;
	e->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	e->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
	e->inode = st->st_ino;
}

/* The extended attributes of path: the ACLs into acl, the rest into xattrs (SHA-256 of the
 * sorted "name\0value-length:value" list), "" when there are none. */
static void read_xattrs(struct walk *w, const char *path, const char *rel, struct bs_fim_entry *e)
{
	char names[8192];
	ssize_t n = llistxattr(path, names, sizeof(names));
	const char *sorted[256];
	size_t ns = 0;
	EVP_MD_CTX *cx = NULL, *ca = NULL;
	unsigned char md[32];

	if (n <= 0) {
		if (n < 0 && errno != ENOTSUP && errno != ENOENT)
			problem(w, rel, "cannot list extended attributes: %s", bs_strerror(errno));
		return;
	}
	for (char *p = names; p < names + n && ns < 256; p += strlen(p) + 1)
		sorted[ns++] = p;
	for (size_t i = 1; i < ns; i++)
		for (size_t j = i; j > 0 && strcmp(sorted[j - 1], sorted[j]) > 0; j--) {
			const char *t = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	for (size_t i = 0; i < ns; i++) {
		int acl = !strncmp(sorted[i], "system.posix_acl_", 17);
		unsigned char val[65536];
		char len[32];
		ssize_t vl;
		EVP_MD_CTX **c = acl ? &ca : &cx;
		if (!((acl ? BS_FIM_ACL : BS_FIM_XATTRS) & e->attrs))
			continue;
		vl = lgetxattr(path, sorted[i], val, sizeof(val));
		if (vl < 0) {
			problem(w, rel, "cannot read extended attribute '%s': %s", sorted[i], bs_strerror(errno));
			continue;
		}
		if (!*c) {
			*c = EVP_MD_CTX_new();
			EVP_DigestInit_ex(*c, EVP_sha256(), NULL);
		}
		snprintf(len, sizeof(len), "%zd:", vl);
		EVP_DigestUpdate(*c, sorted[i], strlen(sorted[i]) + 1);
		EVP_DigestUpdate(*c, len, strlen(len));
		EVP_DigestUpdate(*c, val, (size_t)vl);
	}
	if (cx) {
		EVP_DigestFinal_ex(cx, md, NULL);
		to_hex(md, 32, e->xattrs);
		EVP_MD_CTX_free(cx);
	}
	if (ca) {
		EVP_DigestFinal_ex(ca, md, NULL);
		to_hex(md, 32, e->acl);
		EVP_MD_CTX_free(ca);
	}
}

/* Hashes a regular file (e holds its lstat) and measures the entropy of its first bytes. */
static void hash_file(struct walk *w, const char *path, struct bs_fim_entry *e, unsigned char *buf, EVP_MD_CTX *md)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC | O_NOATIME);
	struct stat st;
	unsigned char digest[32];
	size_t head = 0;
	int64_t total = 0;

	if (fd < 0 && errno == EPERM)
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int e0 = errno;
		if (e0 == ENOENT) {
			count(w, &w->out->vanished, 1);
			problem(w, e->path, "vanished while being read");
			e->err = bs_strdup("vanished");
		} else {
			count(w, &w->out->unreadable, 1);
			problem(w, e->path, "cannot open: %s", bs_strerror(e0));
			e->err = bs_strdup("unreadable");
		}
		return;
	}
	/* replaced between the listing and the open: what was opened is what is recorded */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		fill_stat(e, &st);
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (;;) {
		ssize_t r = read(fd, buf, READ_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			count(w, &w->out->unreadable, 1);
			problem(w, e->path, "cannot read: %s", bs_strerror(errno));
			e->err = bs_strdup("unreadable");
			close(fd);
			return;
		}
		if (!r)
			break;
		if (!total) {
			head = (size_t)r < ENTROPY_BYTES ? (size_t)r : ENTROPY_BYTES;
			e->entropy = (int16_t)bs_fim_entropy(buf, head);
			e->compressed = (uint8_t)bs_fim_magic_compressed(buf, head);
		}
		EVP_DigestUpdate(md, buf, (size_t)r);
		total += r;
	}
	close(fd);
	if (!total) {
		e->entropy = 0;
		e->compressed = 0;
	}
	EVP_DigestFinal_ex(md, digest, NULL);
	to_hex(digest, 32, e->hash);
	pthread_mutex_lock(&w->mu);
	w->out->hashed++;
	w->out->bytes_hashed += total;
	pthread_mutex_unlock(&w->mu);
}

static void push(struct walk *w, const struct item *it)
{
	pthread_mutex_lock(&w->mu);
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 1024;
		w->stack = bs_realloc(w->stack, bs_size_mul(w->cap, sizeof(*w->stack)));
	}
	w->stack[w->n++] = *it;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void record(struct walk *w, struct bs_fim_entry *e)
{
	pthread_mutex_lock(&w->mu);
	tree_push(w->out, e);
	pthread_mutex_unlock(&w->mu);
}

/* 1 when a rule's path lies under the directory rel */
static int leads_to_rule(const struct bs_fim_policy *p, const char *rel)
{
	size_t l = strlen(rel);
	if (!strcmp(rel, "."))
		return 1;
	for (size_t i = 0; i < p->n; i++)
		if (!strncmp(p->rules[i].path, rel, l) && p->rules[i].path[l] == '/')
			return 1;
	return 0;
}

/* One entry found at rel (its lstat in st): recorded, queued to be hashed, or listed. */
static void visit(struct walk *w, char *rel, const struct stat *st)
{
	int excluded;
	const struct bs_fim_rule *r = bs_fim_policy_match(w->p, rel, &excluded);
	struct item it = { rel, 0, { 0 } };
	struct bs_fim_entry *e = &it.e;

	if (excluded) {
		count(w, &w->out->excluded, 1);
		free(rel);
		return;
	}
	e->path = rel;
	e->entropy = -1;
	fill_stat(e, st);
	if (S_ISDIR(st->st_mode)) {
		/* a directory above the rules' paths is entered (not recorded) when it leads to one */
		if (!r && !leads_to_rule(w->p, rel)) {
			free(rel);
			return;
		}
		if (r) {
			struct bs_fim_entry d = *e;
			d.path = bs_strdup(rel);
			d.attrs = r->attrs;
			d.size = 0;
			char *path = full_path(w, rel);
			if (d.attrs & (BS_FIM_XATTRS | BS_FIM_ACL))
				read_xattrs(w, path, rel, &d);
			free(path);
			record(w, &d);
		}
		it.dir = 1;
		push(w, &it);
		return;
	}
	if (!r) {
		free(rel);
		return;
	}
	e->attrs = r->attrs;
	if (S_ISLNK(st->st_mode)) {
		char *path = full_path(w, rel), target[4097];
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		struct stat t;
		if (n >= 0) {
			target[n] = 0;
			e->link = bs_strndup(target, (size_t)n);
		} else if (errno == ENOENT) {
			count(w, &w->out->vanished, 1);
			problem(w, rel, "vanished while being read");
			free(path);
			free(rel);
			return;
		}
		if (stat(path, &t) < 0 && errno == ELOOP) {
			count(w, &w->out->loops, 1);
			problem(w, rel, "a symbolic link loop (-> %.200s)", e->link ? e->link : "?");
		}
		if (e->attrs & (BS_FIM_XATTRS | BS_FIM_ACL))
			read_xattrs(w, path, rel, e);
		free(path);
		record(w, e);
		return;
	}
	if (S_ISREG(st->st_mode) && (e->attrs & BS_FIM_HASH)) {
		push(w, &it);
		return;
	}
	if (e->attrs & (BS_FIM_XATTRS | BS_FIM_ACL)) {
		char *path = full_path(w, rel);
		read_xattrs(w, path, rel, e);
		free(path);
	}
	record(w, e);
}

static void list_dir(struct walk *w, const char *rel)
{
	char *path = full_path(w, rel);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	if (fd < 0 || !(d = fdopendir(fd))) {
		int e0 = errno;
		if (fd >= 0)
			close(fd);
		if (e0 == ENOENT) {
			count(w, &w->out->vanished, 1);
			problem(w, rel, "directory vanished before it was listed");
		} else {
			count(w, &w->out->unreadable, 1);
			problem(w, rel, "cannot list the directory: %s", bs_strerror(e0));
		}
		free(path);
		return;
	}
	while ((errno = 0, de = readdir(d))) {
		struct stat st;
		char *child;
		size_t rl;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			struct bs_buf c = BS_BUF_INIT;
			if (strcmp(rel, "."))
				bs_buf_printf(&c, "%s/", rel);
			bs_buf_puts(&c, de->d_name);
			if (errno == ENOENT) {
				count(w, &w->out->vanished, 1);
				problem(w, c.ptr, "vanished during the walk");
			} else {
				count(w, &w->out->unreadable, 1);
				problem(w, c.ptr, "cannot stat: %s", bs_strerror(errno));
			}
			bs_buf_release(&c);
			continue;
		}
		rl = strcmp(rel, ".") ? strlen(rel) : 0;
		child = bs_malloc(rl + strlen(de->d_name) + 2);
		if (rl) {
			memcpy(child, rel, rl);
			child[rl] = '/';
			memcpy(child + rl + 1, de->d_name, strlen(de->d_name) + 1);
		} else {
			memcpy(child, de->d_name, strlen(de->d_name) + 1);
		}
		visit(w, child, &st);
	}
	if (errno) {
		count(w, &w->out->unreadable, 1);
		problem(w, rel, "cannot list the directory whole: %s", bs_strerror(errno));
	}
	closedir(d);
	free(path);
}

static void process(struct walk *w, struct item *it, unsigned char *buf, EVP_MD_CTX *md)
{
	const struct bs_fim_entry *old;

	if (it->dir) {
		list_dir(w, it->rel);
		free(it->rel);
		return;
	}
	old = w->o->prior && !w->o->full ? bs_fim_tree_find(w->o->prior, it->rel) : NULL;
	if (old && old->type == 'f' && old->hash[0] && old->size == it->e.size && old->mtime_ns == it->e.mtime_ns &&
	    old->ctime_ns == it->e.ctime_ns && old->inode == it->e.inode) {
		memcpy(it->e.hash, old->hash, sizeof(it->e.hash));
		it->e.entropy = old->entropy;
		it->e.compressed = old->compressed;
		count(w, &w->out->reused, 1);
	} else {
		char *path = full_path(w, it->rel);
		hash_file(w, path, &it->e, buf, md);
		free(path);
	}
	if (it->e.attrs & (BS_FIM_XATTRS | BS_FIM_ACL)) {
		char *path = full_path(w, it->rel);
		read_xattrs(w, path, it->rel, &it->e);
		free(path);
	}
	record(w, &it->e);
}

static void *worker(void *arg)
{
	struct walk *w = arg;
	unsigned char *buf = bs_malloc(READ_CHUNK);
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	if (!md)
		abort();
	for (;;) {
		struct item it;
		pthread_mutex_lock(&w->mu);
		while (!w->n && w->busy)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->n) {
			/* nothing queued and nobody working: nothing more will come */
			pthread_cond_broadcast(&w->cv);
			pthread_mutex_unlock(&w->mu);
			break;
		}
		it = w->stack[--w->n];
		w->busy++;
		pthread_mutex_unlock(&w->mu);
		process(w, &it, buf, md);
		pthread_mutex_lock(&w->mu);
		w->busy--;
		if (!w->busy && !w->n)
			pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	EVP_MD_CTX_free(md);
	free(buf);
	return NULL;
}

int bs_fim_walk(const char *root, const struct bs_fim_policy *p, const struct bs_fim_walk_opts *o,
		struct bs_fim_tree *out)
{
	struct walk w = { root, strlen(root), p, o, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			  NULL, 0, 0, 0, out };
	struct stat st;
	int threads = o->threads > 0 ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t *tid;
	int started = 0;

	memset(out, 0, sizeof(*out));
	if (threads < 1)
		threads = 1;
	if (threads > 64)
		threads = 64;
	if (lstat(root, &st) < 0)
		return bs_error(BS_ENOTFOUND, "--root '%s': %s", root, bs_strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return bs_error(BS_EINVALID, "--root '%s' is not a directory", root);
	/* the root itself, then its tree (each rule's path lies under it) */
	visit(&w, bs_strdup("."), &st);
	tid = bs_calloc((size_t)threads, sizeof(*tid));
	for (int i = 0; i < threads; i++)
		if (pthread_create(&tid[i], NULL, worker, &w) == 0)
			started++;
	if (!started)
		worker(&w);
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	free(tid);
	free(w.stack);
	pthread_mutex_destroy(&w.mu);
	pthread_cond_destroy(&w.cv);
	bs_fim_tree_sort(out);
	return 0;
}
