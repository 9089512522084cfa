/* sftp.c - the sftp:// backend of a backup repository (repo.c, docs/backup.md "sftp
 * targets"): libcurl's SFTP (libssh2). Authentication by key only (never a password, never
 * one in the URL); the server's host key checked against a known_hosts file, an unknown or
 * changed key refused with its fingerprint (never accepted blindly). A file is uploaded under
 * a temporary name and renamed (CURLOPT_POSTQUOTE "rename"): a broken connection leaves a
 * temporary file at most, never a half file under its real name. One libcurl handle per
 * worker at a time (kept for the next request: one SSH connection each, reused). */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup/backup.h"
#include "backup/backup_int.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"

#define MAXCONN 8

struct conn {
	CURL *e;
	int checked;              /* the host key callback ran */
	enum curl_khmatch match;
	char fpr[64];             /* SHA256:<base64> of the key the server offered */
	char errbuf[CURL_ERROR_SIZE];
};

struct sftp {
	struct bs_repo base;
	CURLU *url;      /* scheme, user, host, port of the target */
	char *path;      /* its folder, as in the URL ("/srv/b", "/~/b") */
	char *qpath;     /* the same for quote commands ("/srv/b", "b": relative to the home folder) */
	char *hostport;  /* for messages */
	char *user, *key, *pub, *kh;
	pthread_mutex_t mu;
	struct conn *idle[MAXCONN];
	int nidle;
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static CURLcode init_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
	init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int keyfn(CURL *e, const struct curl_khkey *known, const struct curl_khkey *found, enum curl_khmatch match,
		 void *arg)
{
	struct conn *c = arg;
	(void)e, (void)known;
	c->checked = 1;
	c->match = match;
	c->fpr[0] = 0;
	if (found && found->key) {
		unsigned char raw[4096], h[32];
		size_t rawlen = 0;
		const unsigned char *k = (const unsigned char *)found->key;
		if (!found->len) {
			if (sodium_base642bin(raw, sizeof(raw), found->key, strlen(found->key), NULL, &rawlen, NULL,
					      sodium_base64_VARIANT_ORIGINAL) == 0)
				k = raw;
			else
				rawlen = 0;
		} else {
			rawlen = found->len;
		}
		if (rawlen) {
			char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
			crypto_hash_sha256(h, k, rawlen);
			sodium_bin2base64(b64, sizeof(b64), h, sizeof(h), sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
			snprintf(c->fpr, sizeof(c->fpr), "SHA256:%s", b64);
		}
	}
	/* only a key that matches the known_hosts entry is accepted */
	return match == CURLKHMATCH_OK ? CURLKHSTAT_FINE : CURLKHSTAT_REJECT;
}

static struct conn *conn_get(struct sftp *s)
{
	struct conn *c = NULL;
	pthread_mutex_lock(&s->mu);
	if (s->nidle)
		c = s->idle[--s->nidle];
	pthread_mutex_unlock(&s->mu);
	if (!c) {
		c = bs_calloc(1, sizeof(*c));
		c->e = curl_easy_init();
		if (!c->e)
			abort();
	}
	curl_easy_reset(c->e);
	c->checked = 0;
	c->errbuf[0] = 0;
	curl_easy_setopt(c->e, CURLOPT_PROTOCOLS_STR, "sftp");
	curl_easy_setopt(c->e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->e, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(c->e, CURLOPT_USERNAME, s->user);
	curl_easy_setopt(c->e, CURLOPT_SSH_AUTH_TYPES, (long)CURLSSH_AUTH_PUBLICKEY);
	curl_easy_setopt(c->e, CURLOPT_SSH_PRIVATE_KEYFILE, s->key);
	curl_easy_setopt(c->e, CURLOPT_SSH_PUBLIC_KEYFILE, s->pub ? s->pub : "");
	curl_easy_setopt(c->e, CURLOPT_SSH_KNOWNHOSTS, s->kh);
	curl_easy_setopt(c->e, CURLOPT_SSH_KEYFUNCTION, keyfn);
	curl_easy_setopt(c->e, CURLOPT_SSH_KEYDATA, c);
	curl_easy_setopt(c->e, CURLOPT_CONNECTTIMEOUT, 30L);
	/* a server gone silent: stop after a minute under 1 KiB/s */
	curl_easy_setopt(c->e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(c->e, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c->e, CURLOPT_NEW_FILE_PERMS, 0600L);
	curl_easy_setopt(c->e, CURLOPT_NEW_DIRECTORY_PERMS, 0700L);
	return c;
}

static void conn_put(struct sftp *s, struct conn *c)
{
	pthread_mutex_lock(&s->mu);
	if (s->nidle < MAXCONN) {
		s->idle[s->nidle++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&s->mu);
	if (c) {
		curl_easy_cleanup(c->e);
		free(c);
	}
}

/* The URL of rel (a folder when dir: a trailing '/'), percent-encoded. */
static char *url_of(struct sftp *s, const char *rel, int dir)
{
	struct bs_buf p = BS_BUF_INIT;
	CURLU *u = curl_url_dup(s->url);
	char *out = NULL, *ret;
	if (!u)
		abort();
	bs_buf_printf(&p, "%s%s%s%s", s->path, *rel ? "/" : "", rel, dir ? "/" : "");
	if (curl_url_set(u, CURLUPART_PATH, p.ptr, CURLU_URLENCODE) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
		abort(); /* the path's characters were checked at connect */
	ret = bs_strdup(out);
	curl_free(out);
	curl_url_cleanup(u);
	bs_buf_release(&p);
	return ret;
}

/* A quote command's path argument for rel: "qpath/rel" in double quotes. */
static void qarg(struct sftp *s, const char *rel, struct bs_buf *b)
{
	bs_buf_printf(b, " \"%s%s%s\"", s->qpath, *s->qpath && *rel ? "/" : "", rel);
}

/* The error of a request: what was done (op) to what (rel). */
static int fail(struct sftp *s, struct conn *c, CURLcode rc, const char *op, const char *rel)
{
	if (c->checked && c->match != CURLKHMATCH_OK) {
		if (c->match == CURLKHMATCH_MISMATCH)
			return bs_error(BS_EDENIED, "the host key of %s has CHANGED since it was recorded in '%s' (the server "
						    "now offers %s): refused. If its administrator confirms the new key, "
						    "replace the old line in that file; else someone may be in between",
					s->hostport, s->kh, c->fpr[0] ? c->fpr : "?");
		return bs_error(BS_EDENIED, "the host key of %s (%s) is not in '%s': refused, a key is never accepted "
					    "unchecked. Compare the fingerprint with the server's administrator "
					    "(ssh-keygen -lf on the server), then add it: ssh-keyscan -p PORT HOST >> FILE",
				s->hostport, c->fpr[0] ? c->fpr : "?", s->kh);
	}
	switch (rc) {
	case CURLE_REMOTE_FILE_NOT_FOUND:
		return BS_ENOTFOUND;
	case CURLE_LOGIN_DENIED:
		return bs_error(BS_EDENIED, "%s refused the key '%s' for user '%s': add '%s' to that user's "
					    "authorized_keys on the server, or give the right key (--ssh-key FILE)",
				s->hostport, s->key, s->user, s->pub ? s->pub : "its public key");
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return bs_error(BS_ERR, "cannot connect to the backup target %s: %s: is the server up and the address "
					"right? Earlier backups are intact", s->hostport, c->errbuf[0] ? c->errbuf
												   : curl_easy_strerror(rc));
	case CURLE_REMOTE_DISK_FULL:
		return bs_error(BS_ERR, "the backup target is full: cannot write '%s': %s: free space "
					"there or use another target; earlier backups are intact", rel, s->hostport);
	default:
		return bs_error(BS_ERR, "sftp: cannot %s '%s' on %s: %s (%s): when the connection broke, run "
					"again; earlier backups are intact", op, rel, s->hostport, curl_easy_strerror(rc),
				c->errbuf[0] ? c->errbuf : "-");
	}
}

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;
	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

static size_t write_cb(char *data, size_t size, size_t n, void *arg)
{
	bs_buf_put(arg, data, size * n);
	return size * n;
}

/* Runs quote commands cmds (NUL-separated, n of them) on their own. */
static CURLcode quote(struct sftp *s, struct conn *c, const char *cmds, size_t n)
{
	struct curl_slist *l = NULL;
	struct bs_buf sink = BS_BUF_INIT;
	CURLcode rc;
	char *u;
	/* run in the home folder (always there: the target's may not be yet) */
	char *keep = s->path;
	s->path = (char *)"/~";
	u = url_of(s, "", 1);
	s->path = keep;
	for (size_t i = 0; i < n; i++, cmds += strlen(cmds) + 1) {
		struct curl_slist *t = curl_slist_append(l, cmds);
		if (!t)
			abort();
		l = t;
	}
	curl_easy_setopt(c->e, CURLOPT_URL, u);
	curl_easy_setopt(c->e, CURLOPT_QUOTE, l);
	curl_easy_setopt(c->e, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c->e, CURLOPT_DIRLISTONLY, 1L);
	curl_easy_setopt(c->e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c->e, CURLOPT_WRITEDATA, &sink);
	rc = curl_easy_perform(c->e);
	curl_easy_setopt(c->e, CURLOPT_QUOTE, NULL);
	curl_slist_free_all(l);
	bs_buf_release(&sink);
	free(u);
	return rc;
}

static CURLcode fetch(struct sftp *s, struct conn *c, const char *rel, int dir, const char *range, struct bs_buf *b)
{
	char *u = url_of(s, rel, dir);
	CURLcode rc;
	bs_buf_clear(b);
	curl_easy_setopt(c->e, CURLOPT_URL, u);
	curl_easy_setopt(c->e, CURLOPT_DIRLISTONLY, dir ? 1L : 0L);
	curl_easy_setopt(c->e, CURLOPT_RANGE, range);
	curl_easy_setopt(c->e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c->e, CURLOPT_WRITEDATA, b);
	rc = curl_easy_perform(c->e);
	free(u);
	return rc;
}

static int sftp_put(struct bs_repo *r, const char *rel, const void *data, size_t len, int exists_ok)
{
	struct sftp *s = (struct sftp *)r;
	struct conn *c = conn_get(s);
	struct bs_buf tmp = BS_BUF_INIT, cmd = BS_BUF_INIT, probe = BS_BUF_INIT;
	struct curl_slist *post = NULL;
	struct upload up = { data, len };
	char *u;
	CURLcode rc;
	int err = 0;

	bs_buf_printf(&tmp, "%s.tmp-%lld-%08x", rel, (long long)(bs_clock_now() / 1000000), randombytes_random());
	bs_buf_puts(&cmd, "rename");
	qarg(s, tmp.ptr, &cmd);
	qarg(s, rel, &cmd);
	if (!(post = curl_slist_append(NULL, cmd.ptr)))
		abort();
	u = url_of(s, tmp.ptr, 0);
	curl_easy_setopt(c->e, CURLOPT_URL, u);
	curl_easy_setopt(c->e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c->e, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c->e, CURLOPT_READDATA, &up);
	curl_easy_setopt(c->e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c->e, CURLOPT_POSTQUOTE, post);
	rc = curl_easy_perform(c->e);
	curl_easy_setopt(c->e, CURLOPT_POSTQUOTE, NULL);
	curl_easy_setopt(c->e, CURLOPT_UPLOAD, 0L);
	free(u);
	if (rc != CURLE_OK) {
		err = fail(s, c, rc, "write", rel);
		if (rc == CURLE_QUOTE_ERROR || rc == CURLE_REMOTE_DISK_FULL || rc == CURLE_UPLOAD_FAILED) {
			/* the temporary file, when the connection still stands */
			char *keep = bs_strdup(bs_error_message());
			bs_buf_clear(&cmd);
			bs_buf_puts(&cmd, "*rm");
			qarg(s, tmp.ptr, &cmd);
			quote(s, c, cmd.ptr, 1);
			/* a chunk's name is its content: one already there is the same */
			if (rc == CURLE_QUOTE_ERROR && exists_ok &&
			    fetch(s, c, rel, 0, "0-0", &probe) == CURLE_OK && probe.len)
				err = 0;
			else
				bs_error(err, "%s", keep);
			free(keep);
		}
	}
	curl_slist_free_all(post);
	bs_buf_release(&tmp);
	bs_buf_release(&cmd);
	bs_buf_release(&probe);
	conn_put(s, c);
	return err;
}

static int sftp_get(struct bs_repo *r, const char *rel, struct bs_buf *b)
{
	struct sftp *s = (struct sftp *)r;
	struct conn *c = conn_get(s);
	CURLcode rc = fetch(s, c, rel, 0, NULL, b);
	int err = rc == CURLE_OK ? 0 : fail(s, c, rc, "read", rel);
	conn_put(s, c);
	return err;
}

static int sftp_list(struct bs_repo *r, const char *rel, struct bs_buf *names, size_t *n)
{
	struct sftp *s = (struct sftp *)r;
	struct conn *c = conn_get(s);
	struct bs_buf raw = BS_BUF_INIT;
	CURLcode rc = fetch(s, c, rel, 1, NULL, &raw);
	int err = 0;

	bs_buf_clear(names);
	*n = 0;
	if (rc != CURLE_OK) {
		err = fail(s, c, rc, "list", *rel ? rel : ".");
	} else {
		bs_repo_listing_parse(raw.ptr, raw.len, names, n);
	}
	bs_buf_release(&raw);
	conn_put(s, c);
	return err;
}

static int sftp_mkdirs(struct bs_repo *r, const char *const *rels, size_t n)
{
	struct sftp *s = (struct sftp *)r;
	struct conn *c = conn_get(s);
	struct bs_buf cmds = BS_BUF_INIT;
	CURLcode rc;
	size_t m = 0;
	int err = 0;

	/* "*": an existing folder is fine; what could not be made shows in the next listing.
	 * The target's folder: its parents first */
	if (n && !*rels[0]) {
		char *p = bs_strdup(s->qpath);
		for (char *sl = p + 1; *p && (sl = strchr(sl, '/')); sl++) {
			*sl = 0;
			bs_buf_printf(&cmds, "*mkdir \"%s\"", p);
			bs_buf_putc(&cmds, 0);
			m++;
			*sl = '/';
		}
		free(p);
	}
	for (size_t i = 0; i < n; i++) {
		bs_buf_puts(&cmds, "*mkdir");
		qarg(s, rels[i], &cmds);
		bs_buf_putc(&cmds, 0);
		m++;
	}
	rc = quote(s, c, cmds.ptr, m);
	if (rc != CURLE_OK)
		err = fail(s, c, rc, "create folders in", ".");
	bs_buf_release(&cmds);
	conn_put(s, c);
	return err;
}

static int sftp_remove(struct bs_repo *r, const char *rel)
{
	struct sftp *s = (struct sftp *)r;
	struct conn *c = conn_get(s);
	struct bs_buf cmd = BS_BUF_INIT, probe = BS_BUF_INIT;
	CURLcode rc;
	int err = 0;

	bs_buf_puts(&cmd, "rm");
	qarg(s, rel, &cmd);
	rc = quote(s, c, cmd.ptr, 1);
	if (rc == CURLE_QUOTE_ERROR && fetch(s, c, rel, 0, "0-0", &probe) == CURLE_REMOTE_FILE_NOT_FOUND)
		err = BS_ENOTFOUND;
	else if (rc != CURLE_OK)
		err = fail(s, c, rc, "remove", rel);
	bs_buf_release(&cmd);
	bs_buf_release(&probe);
	conn_put(s, c);
	return err;
}

static void sftp_close(struct bs_repo *r)
{
	struct sftp *s = (struct sftp *)r;
	while (s->nidle) {
		struct conn *c = s->idle[--s->nidle];
		curl_easy_cleanup(c->e);
		free(c);
	}
	pthread_mutex_destroy(&s->mu);
	curl_url_cleanup(s->url);
	free(s->path);
	free(s->qpath);
	free(s->hostport);
	free(s->user);
	free(s->key);
	free(s->pub);
	free(s->kh);
	free(s->base.where);
	free(s);
}

static const struct bs_repo_ops sftp_ops = { sftp_put, sftp_get, sftp_list, sftp_mkdirs, sftp_remove, sftp_close };

static char *home_file(const char *name)
{
	const char *home = getenv("HOME");
	struct passwd *pw;
	struct bs_buf b = BS_BUF_INIT;
	if (!home || !*home)
		home = (pw = getpwuid(getuid())) ? pw->pw_dir : "/";
	bs_buf_printf(&b, "%s/%s", home, name);
	return bs_buf_detach(&b, NULL);
}

static int readable(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, R_OK) == 0;
}

int bs_repo_sftp_connect(const char *url, const struct bs_repo_opts *o, struct bs_repo **out)
{
	struct sftp *s;
	CURLU *u;
	char *host = NULL, *port = NULL, *user = NULL, *pass = NULL, *path = NULL;
	int err = 0;

	*out = NULL;
	pthread_once(&once, global_init);
	if (init_rc != CURLE_OK)
		return bs_error(BS_ERR, "cannot start libcurl: %s", curl_easy_strerror(init_rc));
	if (!(u = curl_url()))
		abort();
	if (strlen(url) > 2048 || strcspn(url, " \t\r\n\"\\'") != strlen(url) ||
	    curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) != CURLUE_OK || strspn(path, "/") == strlen(path) ||
	    strstr(path, "/../") || strstr(path, "/./") || strcspn(path, "\"\\\r\n") != strlen(path) ||
	    curl_url_get(u, CURLUPART_QUERY, &pass, 0) == CURLUE_OK || curl_url_get(u, CURLUPART_FRAGMENT, &pass, 0) == CURLUE_OK) {
		err = bs_error(BS_EINVALID, "'%.200s' is not an sftp target: give sftp://[USER@]HOST[:PORT]/PATH (an "
					    "absolute PATH, or /~/PATH under the user's home folder)", url);
		goto fail;
	}
	if (curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK) {
		err = bs_error(BS_EINVALID, "a password in an sftp target's URL is refused (it would land in the shell "
					    "history, the process list and the targets table; it is not repeated here): "
					    "sftp targets log in with a key, --ssh-key FILE");
		goto fail;
	}
	s = bs_calloc(1, sizeof(*s));
	s->base.ops = &sftp_ops;
	s->base.remote = 1;
	pthread_mutex_init(&s->mu, NULL);
	s->url = u;
	u = NULL;
	curl_url_get(s->url, CURLUPART_PORT, &port, 0);
	if (curl_url_get(s->url, CURLUPART_USER, &user, CURLU_URLDECODE) == CURLUE_OK && *user) {
		s->user = bs_strdup(user);
	} else {
		struct passwd *pw = getpwuid(getuid());
		s->user = bs_strdup(pw ? pw->pw_name : "root");
	}
	{
		size_t l = strlen(path);
		while (l > 1 && path[l - 1] == '/')
			path[--l] = 0;
		s->path = bs_strdup(path);
		s->qpath = bs_strdup(!strncmp(path, "/~/", 3) ? path + 3 : !strcmp(path, "/~") ? "" : path);
	}
	{
		struct bs_buf b = BS_BUF_INIT;
		bs_buf_printf(&b, "%s:%s", host, port ? port : "22");
		s->hostport = bs_buf_detach(&b, NULL);
		/* the URL as given, without a trailing '/': what the targets table records */
		s->base.where = bs_repo_location(url);
	}
	s->kh = o->known_hosts ? bs_strdup(o->known_hosts) : home_file(".ssh/known_hosts");
	if (o->ssh_key) {
		s->key = bs_strdup(o->ssh_key);
	} else {
		static const char *const def[] = { ".ssh/id_ed25519", ".ssh/id_ecdsa", ".ssh/id_rsa", NULL };
		for (int i = 0; def[i] && !s->key; i++) {
			char *f = home_file(def[i]);
			if (readable(f))
				s->key = f;
			else
				free(f);
		}
		if (!s->key) {
			err = bs_error(BS_EINVALID, "no ssh key for %s: give one with --ssh-key FILE (its public half in "
						    "the server user's authorized_keys)", s->base.where);
			sftp_close(&s->base);
			goto fail;
		}
	}
	if (!readable(s->key)) {
		err = bs_error(BS_EINVALID, "cannot read the ssh key '%s': give a readable private key file (--ssh-key FILE)",
			       s->key);
		sftp_close(&s->base);
		goto fail;
	}
	if (!readable(s->kh)) {
		err = bs_error(BS_EINVALID, "cannot read the known_hosts file '%s': the server's host key must be known "
					    "beforehand. Check its fingerprint with the server's administrator, then "
					    "ssh-keyscan -p PORT HOST >> FILE and give --known-hosts FILE", s->kh);
		sftp_close(&s->base);
		goto fail;
	}
	{
		struct bs_buf b = BS_BUF_INIT;
		bs_buf_printf(&b, "%s.pub", s->key);
		if (readable(b.ptr))
			s->pub = bs_buf_detach(&b, NULL);
		bs_buf_release(&b);
	}
	*out = &s->base;
fail:
	curl_url_cleanup(u);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_free(pass);
	curl_free(path);
	return err;
}
