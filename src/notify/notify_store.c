/* notify_store.c - the tables of migration 0016 (the only SQL of src/notify): channels with
 * their sealed secrets, subscriptions, the queue and the notifier's row. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "datadir/datadir.h"
#include "eventlog/eventlog.h"
#include "keys/keys.h"
#include "notify/notify_int.h"
#include "outbox/outbox.h"
#include "store/store.h"

#define SECRET_MAX 256

static void secret_ad(char *ad, size_t cap, int64_t id)
{
	snprintf(ad, cap, "brokersec.notify.v1:%" PRId64, id);
}

/* An address as a mailbox's: local@domain, no spaces or brackets. */
static int address_ok(const char *a, size_t n)
{
	const char *at = memchr(a, '@', n);
	if (n < 3 || n > 254 || !at || at == a || at == a + n - 1 || memchr(at + 1, '@', (size_t)(a + n - at - 1)))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)a[i] <= ' ' || strchr("<>\"'\\,;:()[]/", a[i]))
			return 0;
	return 1;
}

/* HOST[:PORT] from p to end: no credentials, no spaces. */
static int hostport_ok(const char *p, size_t n)
{
	if (n == 0 || n > 300 || memchr(p, '@', n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] <= ' ' || strchr("\"'\\<>?#/", p[i]))
			return 0;
	return 1;
}

int bs_notify_channel_check(const struct bs_notify_channel_spec *s)
{
	size_t n = s->name ? strlen(s->name) : 0;
	int nto = 0;

	if (n == 0 || n > 40 || strspn(s->name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return bs_error(BS_EINVALID, "channel name '%.60s': give 1 to 40 of a-z, 0-9, '-' and '_' (ops-mail)",
				s->name ? s->name : "");
	if (!s->smtp == !s->webhook)
		return bs_error(BS_EINVALID, "channel '%s': give one of --smtp smtp://HOST[:PORT] and --webhook "
				"https://HOST[:PORT]/PATH", s->name);
	if (s->smtp) {
		const char *h = !strncmp(s->smtp, "smtps://", 8) ? s->smtp + 8 : !strncmp(s->smtp, "smtp://", 7) ? s->smtp + 7 : NULL;
		size_t hl = h ? strlen(h) : 0;
		if (h && hl && h[hl - 1] == '/')
			hl--;
		if (!h || !hostport_ok(h, hl))
			return bs_error(BS_EINVALID, "--smtp '%.200s': give smtp://HOST[:PORT] (STARTTLS, required) or "
					"smtps://HOST[:PORT] (TLS from the start), without a user or path (the login goes in "
					"--user and --smtp-password-file)", s->smtp);
		if (!s->from || !address_ok(s->from, strlen(s->from)))
			return bs_error(BS_EINVALID, "--from '%.200s': give the sender's address (brokersec@example.com.tw)",
					s->from ? s->from : "");
		if (!s->to || !*s->to)
			return bs_error(BS_EINVALID, "channel '%s': give --to ADDR[,ADDR...] (who is told)", s->name);
		for (const char *p = s->to, *e;; p = e + 1) { /* every item, the empty one after a ',' too */
			if (++nto > 32)
				return bs_error(BS_EINVALID, "--to: at most 32 recipients (give a list address for more)");
			e = p + strcspn(p, ",");
			if (!address_ok(p, (size_t)(e - p)))
				return bs_error(BS_EINVALID, "--to '%.200s': '%.*s' is not an address (give ADDR[,ADDR...])",
						s->to, (int)(e - p < 200 ? e - p : 200), p);
			if (!*e)
				break;
		}
		if (!s->user != !s->secret_file)
			return bs_error(BS_EINVALID, "channel '%s': --user and --smtp-password-file go together (SMTP AUTH)",
					s->name);
		if (s->user && (!*s->user || strlen(s->user) > 254 || strcspn(s->user, " \t\r\n") != strlen(s->user)))
			return bs_error(BS_EINVALID, "--user '%.80s': give the SMTP login name", s->user);
	} else {
		const char *h = s->webhook + 8;
		size_t hl = strncmp(s->webhook, "https://", 8) ? 0 : strcspn(h, "/");
		if (!hl || !hostport_ok(h, hl) || strlen(s->webhook) > 2048 || strchr(s->webhook, '#') ||
		    strcspn(s->webhook, " \t\r\n\"'\\<>") != strlen(s->webhook))
			return bs_error(BS_EINVALID, "--webhook '%.200s': give https://HOST[:PORT]/PATH with no credentials "
					"in it (TLS is required; the key goes in --secret-file)", s->webhook);
		if (s->from || s->to || s->user)
			return bs_error(BS_EINVALID, "channel '%s': --from, --to and --user are for --smtp", s->name);
		if (!s->secret_file)
			return bs_error(BS_EINVALID, "channel '%s': a webhook needs --secret-file FILE (the HMAC key the "
					"receiver checks the signature with)", s->name);
	}
	if (s->ca_file && access(s->ca_file, R_OK) != 0)
		return bs_error(BS_EINVALID, "--ca '%s': cannot read it: %s", s->ca_file, bs_strerror(errno));
	if (s->secret_file && access(s->secret_file, R_OK) != 0)
		return bs_error(BS_EINVALID, "secret file '%s': cannot read it: %s", s->secret_file, bs_strerror(errno));
	return 0;
}

/* The first line of path into *out (sodium_malloc'd); a webhook key must have 16 bytes or more. */
static int secret_read(const char *path, int webhook, char **out, size_t *len)
{
	struct bs_buf b = BS_BUF_INIT;
	size_t n;
	int err = 0;

	*out = NULL;
	if ((err = bs_buf_read_file(&b, path)) < 0)
		return err;
	n = strcspn(b.ptr ? b.ptr : "", "\r\n");
	if (n == 0 || n > SECRET_MAX || (webhook && n < 16)) {
		err = bs_error(BS_EINVALID, "secret file '%s': its first line must be the secret, %d to %d characters "
			       "(a webhook key: head -c 32 /dev/urandom | base64)", path, webhook ? 16 : 1, SECRET_MAX);
	} else {
		if (!(*out = sodium_malloc(n + 1)))
			abort();
		memcpy(*out, b.ptr, n);
		(*out)[n] = '\0';
		*len = n;
	}
	if (b.ptr)
		sodium_memzero(b.ptr, b.len);
	bs_buf_release(&b);
	return err;
}

static int64_t live_id(struct bs_store *s, const char *name, int *err)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	int rc;

	if ((*err = bs_store_prepare(s, "SELECT id FROM notify_channel WHERE name = ?1 AND removed_at IS NULL", &st)) < 0)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		*err = bs_store_fail(s, "cannot read the notification channels");
	sqlite3_finalize(st);
	return id;
}

/* The log's last seq (0 when empty). */
static int last_seq_cb(const struct bs_event *ev, void *ctx)
{
	*(int64_t *)ctx = ev->seq;
	return 0;
}

int bs_notify_channel_add(struct bs_datadir *dd, const struct bs_notify_channel_spec *spec)
{
	sqlite3_stmt *st = NULL;
	unsigned char *sealed = NULL;
	char *secret = NULL, now[BS_TIME_MAX], ad[64], *keysdir = NULL;
	size_t slen = 0;
	int64_t id, last = 0;
	struct nt_state ns;
	int err, had = 0;

	if ((err = bs_notify_channel_check(spec)) < 0)
		return err;
	if (spec->secret_file && (err = secret_read(spec->secret_file, spec->webhook != NULL, &secret, &slen)) < 0)
		return err;
	{
		struct bs_event_filter f = { 0 };
		f.tail = 1;
		f.limit = 1;
		if ((err = bs_eventlog_each(dd->path, &f, last_seq_cb, &last)) < 0)
			goto out;
	}
	if ((err = bs_store_begin(dd->store)) < 0)
		goto out;
	if ((had = nt_any_channel(dd->store)) < 0) {
		err = had;
		goto done;
	}
	if (live_id(dd->store, spec->name, &err) || err < 0) {
		if (err >= 0)
			err = bs_error(BS_EEXISTS, "channel '%s' exists already ('brokersec notify channel remove %s' first)",
				       spec->name, spec->name);
		goto done;
	}
	bs_time_format(bs_clock_now(), now);
	if ((err = bs_store_prepare(dd->store, "INSERT INTO notify_channel (name, kind, url, mail_from, mail_to, username, "
				    "ca_file, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, spec->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, spec->smtp ? "smtp" : "webhook", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, spec->smtp ? spec->smtp : spec->webhook, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, spec->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, spec->to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, spec->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, spec->ca_file, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, dd->actor ? dd->actor : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot add the notification channel");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	id = sqlite3_last_insert_rowid(bs_store_sqlite(dd->store));
	if (secret) {
		sealed = bs_malloc(slen + BS_SECRET_SEAL_BYTES);
		secret_ad(ad, sizeof(ad), id);
		keysdir = bs_datadir_file(dd, "keys");
		if ((err = bs_keys_seal_secret(keysdir, ad, (const unsigned char *)secret, slen, sealed)) < 0)
			goto done;
		if ((err = bs_store_prepare(dd->store, "UPDATE notify_channel SET secret = ?2 WHERE id = ?1", &st)) < 0)
			goto done;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_blob(st, 2, sealed, (int)(slen + BS_SECRET_SEAL_BYTES), SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			err = bs_store_fail(dd->store, "cannot keep the channel's secret");
			goto done;
		}
	}
	/* the first channel (or the first again after all were removed): the notifier tells of what
	 * happens from now on, not of the past */
	if ((err = nt_state_get(dd->store, &ns)) < 0)
		goto done;
	if (!had && last > ns.cursor) {
		ns.cursor = last;
		if ((err = nt_state_put(dd->store, &ns)) < 0)
			goto done;
	}
	{
		json_t *j = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:b}", "channel", spec->name, "kind",
				      spec->smtp ? "smtp" : "webhook", "url", spec->smtp ? spec->smtp : spec->webhook,
				      "from", spec->from, "to", spec->to, "user", spec->user, "ca", spec->ca_file, "secret",
				      secret != NULL);
		char *js = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(j);
		err = bs_audit(dd, "notify.channel.add", "success", js, "notification channel '%s' added (%s %s)",
			       spec->name, spec->smtp ? "smtp" : "webhook", spec->smtp ? spec->smtp : spec->webhook);
		free(js);
	}
done:
	sqlite3_finalize(st);
	err = bs_store_finish(dd->store, err);
out:
	free(keysdir);
	if (sealed)
		sodium_memzero(sealed, slen + BS_SECRET_SEAL_BYTES);
	free(sealed);
	if (secret)
		sodium_free(secret);
	return err;
}

int bs_notify_channel_remove(struct bs_datadir *dd, const char *name)
{
	sqlite3_stmt *st = NULL;
	char now[BS_TIME_MAX];
	int64_t id;
	int err = 0;

	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if (!(id = live_id(dd->store, name, &err))) {
		if (err >= 0)
			err = bs_error(BS_ENOTFOUND, "no notification channel '%.60s' ('brokersec notify channel list' shows "
				       "them)", name);
		goto done;
	}
	bs_time_format(bs_clock_now(), now);
	if ((err = bs_store_prepare(dd->store, "UPDATE notify_channel SET removed_at = ?2, secret = NULL WHERE id = ?1",
				    &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot remove the notification channel");
		goto done;
	}
	if ((err = nt_drop_channel(dd->store, id)) < 0)
		goto done;
	{
		json_t *j = json_pack("{s:s}", "channel", name);
		char *js = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		err = bs_audit(dd, "notify.channel.remove", "success", js, "notification channel '%s' removed", name);
		free(js);
	}
done:
	sqlite3_finalize(st);
	return bs_store_finish(dd->store, err);
}

int bs_notify_subscribe(struct bs_datadir *dd, const char *name, const enum bs_notify_class *c, size_t n, int on)
{
	sqlite3_stmt *st = NULL;
	json_t *list = json_array();
	int64_t id;
	int err = 0;

	if ((err = bs_store_begin(dd->store)) < 0) {
		json_decref(list);
		return err;
	}
	if (!(id = live_id(dd->store, name, &err))) {
		if (err >= 0)
			err = bs_error(BS_ENOTFOUND, "no notification channel '%.60s' ('brokersec notify channel list' shows "
				       "them)", name);
		goto done;
	}
	if ((err = bs_store_prepare(dd->store, on ? "INSERT OR IGNORE INTO notify_sub (channel_id, class) VALUES (?1, ?2)"
						  : "DELETE FROM notify_sub WHERE channel_id = ?1 AND class = ?2", &st)) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, bs_notify_class_name(c[i]), -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			err = bs_store_fail(dd->store, "cannot change the channel's subscriptions");
			goto done;
		}
		json_array_append_new(list, json_string(bs_notify_class_name(c[i])));
	}
	{
		json_t *j = json_pack("{s:s, s:O}", "channel", name, on ? "subscribed" : "unsubscribed", list);
		char *js = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		err = bs_audit(dd, on ? "notify.subscribe" : "notify.unsubscribe", "success", js,
			       "notification channel '%s' %s %zu class(es)", name, on ? "subscribed to" : "unsubscribed from",
			       n);
		free(js);
	}
done:
	sqlite3_finalize(st);
	json_decref(list);
	return bs_store_finish(dd->store, err);
}

static unsigned classes_of(struct bs_store *s, int64_t id, int *err)
{
	sqlite3_stmt *st = NULL;
	unsigned mask = 0;
	int rc;

	if ((*err = bs_store_prepare(s, "SELECT class FROM notify_sub WHERE channel_id = ?1", &st)) < 0)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum bs_notify_class c;
		if (bs_notify_class_parse(bs_store_text(st, 0), &c) == 0)
			mask |= 1u << c;
	}
	if (rc != SQLITE_DONE)
		*err = bs_store_fail(s, "cannot read the channel's subscriptions");
	sqlite3_finalize(st);
	return mask;
}

static char *dup_col(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : bs_strdup(bs_store_text(st, col));
}

int nt_channel_load(struct bs_datadir *dd, int64_t id, const char *name, int with_secret, struct nt_channel *c)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	memset(c, 0, sizeof(*c));
	if ((err = bs_store_prepare(dd->store, name ? "SELECT id, name, kind, url, mail_from, mail_to, username, ca_file, "
						      "secret, removed_at IS NOT NULL FROM notify_channel WHERE name = ?2 AND "
						      "removed_at IS NULL"
						    : "SELECT id, name, kind, url, mail_from, mail_to, username, ca_file, "
						      "secret, removed_at IS NOT NULL FROM notify_channel WHERE id = ?1", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (name)
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = bs_error(BS_ENOTFOUND, "no notification channel '%.60s' ('brokersec notify channel list' shows them)",
			       name ? name : "?");
		goto out;
	}
	if (rc != SQLITE_ROW) {
		err = bs_store_fail(dd->store, "cannot read the notification channels");
		goto out;
	}
	c->id = sqlite3_column_int64(st, 0);
	snprintf(c->name, sizeof(c->name), "%s", bs_store_text(st, 1));
	snprintf(c->kind, sizeof(c->kind), "%s", bs_store_text(st, 2));
	c->url = dup_col(st, 3);
	c->from = dup_col(st, 4);
	c->to = dup_col(st, 5);
	c->user = dup_col(st, 6);
	c->ca = dup_col(st, 7);
	c->removed = sqlite3_column_int(st, 9);
	if (with_secret && sqlite3_column_type(st, 8) == SQLITE_BLOB) {
		int len = sqlite3_column_bytes(st, 8);
		char ad[64], *keysdir;
		if (len <= BS_SECRET_SEAL_BYTES || len > SECRET_MAX + BS_SECRET_SEAL_BYTES) {
			err = bs_error(BS_ERR, "the secret of channel '%s' is damaged: add the channel again", c->name);
			goto out;
		}
		if (!(c->secret = sodium_malloc((size_t)len - BS_SECRET_SEAL_BYTES + 1)))
			abort();
		secret_ad(ad, sizeof(ad), c->id);
		keysdir = bs_datadir_file(dd, "keys");
		err = bs_keys_open_secret(keysdir, ad, sqlite3_column_blob(st, 8), (size_t)len, (unsigned char *)c->secret);
		free(keysdir);
		c->secret[len - BS_SECRET_SEAL_BYTES] = '\0';
		if (err < 0)
			goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	c->classes = classes_of(dd->store, c->id, &err);
out:
	sqlite3_finalize(st);
	if (err < 0)
		nt_channel_release(c);
	return err;
}

void nt_channel_release(struct nt_channel *c)
{
	free(c->url);
	free(c->from);
	free(c->to);
	free(c->user);
	free(c->ca);
	if (c->secret)
		sodium_free(c->secret);
	memset(c, 0, sizeof(*c));
}

int nt_channels_for(struct bs_store *s, enum bs_notify_class c, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int err, rc;

	*ids = NULL;
	*n = 0;
	if ((err = bs_store_prepare(s, "SELECT c.id FROM notify_channel c JOIN notify_sub s ON s.channel_id = c.id WHERE "
				    "c.removed_at IS NULL AND s.class = ?1 ORDER BY c.id", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, bs_notify_class_name(c), -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*ids = bs_realloc(*ids, bs_size_mul(cap, sizeof(**ids)));
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the notification channels");
	sqlite3_finalize(st);
	return err;
}

int nt_any_channel(struct bs_store *s)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	if ((err = bs_store_prepare(s, "SELECT 1 FROM notify_channel WHERE removed_at IS NULL LIMIT 1", &st)) < 0)
		return err;
	rc = sqlite3_step(st);
	err = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : bs_store_fail(s, "cannot read the notification channels");
	sqlite3_finalize(st);
	return err;
}

int bs_notify_active(struct bs_store *s)
{
	return nt_any_channel(s);
}

int bs_notify_channel_list(struct bs_store *s, json_t **out)
{
	sqlite3_stmt *st = NULL;
	json_t *arr = json_array();
	int err, rc;

	*out = NULL;
	if ((err = bs_store_prepare(s, "SELECT id, name, kind, url, mail_from, mail_to, username, ca_file, created_at, "
				    "created_by, secret IS NOT NULL FROM notify_channel WHERE removed_at IS NULL ORDER BY "
				    "name", &st)) < 0) {
		json_decref(arr);
		return err;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object(), *cl = json_array();
		unsigned mask = classes_of(s, sqlite3_column_int64(st, 0), &err);
		if (err < 0) {
			json_decref(o);
			json_decref(cl);
			break;
		}
		for (int i = 0; i < BS_NOTIFY_CLASS_COUNT; i++)
			if (mask & (1u << i))
				json_array_append_new(cl, json_string(bs_notify_class_name((enum bs_notify_class)i)));
		json_object_set_new(o, "name", json_string(bs_store_text(st, 1)));
		json_object_set_new(o, "kind", json_string(bs_store_text(st, 2)));
		json_object_set_new(o, "url", json_string(bs_store_text(st, 3)));
		static const char *const keys[] = { "from", "to", "user", "ca" };
		for (int k = 0; k < 4; k++)
			json_object_set_new(o, keys[k], sqlite3_column_type(st, 4 + k) == SQLITE_NULL
								? json_null()
								: json_string(bs_store_text(st, 4 + k)));
		json_object_set_new(o, "secret", json_boolean(sqlite3_column_int(st, 10)));
		json_object_set_new(o, "classes", cl);
		json_object_set_new(o, "created_at", json_string(bs_store_text(st, 8)));
		json_object_set_new(o, "created_by", json_string(bs_store_text(st, 9)));
		json_array_append_new(arr, o);
	}
	if (err >= 0 && rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the notification channels");
	sqlite3_finalize(st);
	if (err < 0) {
		json_decref(arr);
		return err;
	}
	*out = arr;
	return 0;
}

int nt_enqueue(struct bs_store *s, const struct nt_msg *m, int64_t now_us, int *added)
{
	sqlite3_stmt *st = NULL;
	int err;

	*added = 0;
	if ((err = bs_store_prepare(s, "INSERT OR IGNORE INTO notify_queue (channel_id, class, key, event_seq, recipients, "
				    "subject, body, payload, state, attempts, next_us, created_us) VALUES (?1, ?2, ?3, ?4, "
				    "?5, ?6, ?7, ?8, 'pending', 0, ?9, ?9)", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, m->channel_id);
	sqlite3_bind_text(st, 2, m->cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->key, -1, SQLITE_STATIC);
	if (m->event_seq)
		sqlite3_bind_int64(st, 4, m->event_seq);
	sqlite3_bind_text(st, 5, m->recipients, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, m->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, m->body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, m->payload, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, now_us);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot queue the notification");
	else
		*added = sqlite3_changes(bs_store_sqlite(s)) > 0;
	sqlite3_finalize(st);
	return err;
}

int nt_due(struct bs_store *s, int64_t now_us, int64_t only_id, size_t limit, struct nt_msg **v, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int err, rc = SQLITE_DONE;

	*v = NULL;
	*n = 0;
	if ((err = bs_store_prepare(s, only_id ? "SELECT id, channel_id, class, key, event_seq, recipients, subject, body, "
						 "payload, attempts FROM notify_queue WHERE id = ?3 AND state = 'pending'"
					       : "SELECT id, channel_id, class, key, event_seq, recipients, subject, body, "
						 "payload, attempts FROM notify_queue WHERE state = 'pending' AND next_us <= ?1 "
						 "ORDER BY next_us, id LIMIT ?2", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, now_us);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	sqlite3_bind_int64(st, 3, only_id);
	*v = bs_calloc(limit ? limit : 1, sizeof(**v));
	while (*n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct nt_msg *m = &(*v)[(*n)++];
		m->id = sqlite3_column_int64(st, 0);
		m->channel_id = sqlite3_column_int64(st, 1);
		m->cls = bs_strdup(bs_store_text(st, 2));
		m->key = bs_strdup(bs_store_text(st, 3));
		m->event_seq = sqlite3_column_int64(st, 4);
		m->recipients = dup_col(st, 5);
		m->subject = bs_strdup(bs_store_text(st, 6));
		m->body = bs_strdup(bs_store_text(st, 7));
		m->payload = bs_strdup(bs_store_text(st, 8));
		m->attempts = sqlite3_column_int(st, 9);
	}
	if (*n < limit && rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the notification queue");
	sqlite3_finalize(st);
	if (err < 0) {
		nt_msgs_free(*v, *n);
		*v = NULL;
		*n = 0;
	}
	return err;
}

void nt_msgs_free(struct nt_msg *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)v[i].cls);
		free((char *)v[i].key);
		free((char *)v[i].recipients);
		free((char *)v[i].subject);
		free((char *)v[i].body);
		free((char *)v[i].payload);
	}
	free(v);
}

int nt_mark(struct bs_store *s, int64_t id, const char *state, int attempts, int64_t next_us, int64_t now_us,
	    const char *error, long status)
{
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = bs_store_prepare(s, "UPDATE notify_queue SET state = ?2, attempts = ?3, next_us = ?4, last_us = ?5, "
				    "last_error = ?6, status = ?7 WHERE id = ?1", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, attempts);
	sqlite3_bind_int64(st, 4, next_us);
	sqlite3_bind_int64(st, 5, now_us);
	sqlite3_bind_text(st, 6, error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, status);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot record the notification's delivery");
	sqlite3_finalize(st);
	return err;
}

int nt_claim(struct bs_store *s, int64_t id, int64_t now_us, int64_t lease_us, int any_time)
{
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = bs_store_prepare(s, "UPDATE notify_queue SET next_us = ?2 + ?3 WHERE id = ?1 AND state = 'pending' AND "
				    "(?4 OR next_us <= ?2)", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_us);
	sqlite3_bind_int64(st, 3, lease_us);
	sqlite3_bind_int(st, 4, any_time);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot take the notification for delivery");
	else
		err = sqlite3_changes(bs_store_sqlite(s)) == 1;
	sqlite3_finalize(st);
	return err;
}

int nt_drop_channel(struct bs_store *s, int64_t channel_id)
{
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = bs_store_prepare(s, "UPDATE notify_queue SET state = 'dead', last_error = 'channel removed' WHERE "
				    "channel_id = ?1 AND state = 'pending'", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, channel_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot give up the removed channel's notifications");
	sqlite3_finalize(st);
	return err;
}

int nt_state_get(struct bs_store *s, struct nt_state *ns)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	memset(ns, 0, sizeof(*ns));
	if ((err = bs_store_prepare(s, "SELECT cursor_seq, digest_day, alert_sha256 FROM notify_state WHERE id = 1", &st)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ns->cursor = sqlite3_column_int64(st, 0);
		snprintf(ns->digest_day, sizeof(ns->digest_day), "%s", bs_store_text(st, 1));
		snprintf(ns->alert, sizeof(ns->alert), "%s", bs_store_text(st, 2));
	} else {
		err = bs_store_fail(s, "cannot read the notifier's state");
	}
	sqlite3_finalize(st);
	return err;
}

int nt_state_put(struct bs_store *s, const struct nt_state *ns)
{
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = bs_store_prepare(s, "UPDATE notify_state SET cursor_seq = ?1, digest_day = ?2, alert_sha256 = ?3 WHERE "
				    "id = 1", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, ns->cursor);
	sqlite3_bind_text(st, 2, ns->digest_day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ns->alert, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot record the notifier's state");
	sqlite3_finalize(st);
	return err;
}

int bs_notify_queue_list(struct bs_store *s, const char *state, int64_t limit, json_t **out)
{
	sqlite3_stmt *st = NULL;
	json_t *arr = json_array();
	int err, rc;

	*out = NULL;
	if ((err = bs_store_prepare(s, "SELECT q.id, c.name, q.class, q.key, q.state, q.attempts, q.next_us, q.created_us, "
				    "q.last_us, q.last_error, q.status, q.subject, c.removed_at IS NULL FROM notify_queue q JOIN "
				    "notify_channel c ON c.id = q.channel_id WHERE ?1 IS NULL OR q.state = ?1 ORDER BY q.id DESC "
				    "LIMIT ?2", &st)) < 0) {
		json_decref(arr);
		return err;
	}
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char t1[BS_TIME_MAX], t2[BS_TIME_MAX], t3[BS_TIME_MAX];
		const char *stt = bs_store_text(st, 4);
		char retry[64];
		json_t *m;
		bs_time_format(sqlite3_column_int64(st, 6), t1);
		bs_time_format(sqlite3_column_int64(st, 7), t2);
		bs_time_format(sqlite3_column_int64(st, 8), t3);
		m = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:o, s:s, s:o, s:o, s:o, s:s}", "id",
				       (json_int_t)sqlite3_column_int64(st, 0), "channel", bs_store_text(st, 1), "class",
				       bs_store_text(st, 2), "key", bs_store_text(st, 3), "state", stt, "attempts",
				       sqlite3_column_int(st, 5), "next_try",
				       strcmp(stt, "pending") ? json_null() : json_string(t1), "created", t2, "last_try",
				       sqlite3_column_type(st, 8) == SQLITE_NULL ? json_null() : json_string(t3),
				       "last_error",
				       sqlite3_column_type(st, 9) == SQLITE_NULL ? json_null() : json_string(bs_store_text(st, 9)),
				       "status",
				       sqlite3_column_type(st, 10) == SQLITE_NULL ? json_null()
										  : json_integer(sqlite3_column_int64(st, 10)),
				       "subject", bs_store_text(st, 11));
		/* given up on a live channel: the command that queues it again */
		snprintf(retry, sizeof(retry), "brokersec notify retry %lld", (long long)sqlite3_column_int64(st, 0));
		json_object_set_new(m, "retry", !strcmp(stt, "dead") && sqlite3_column_int(st, 12) ? json_string(retry)
												   : json_null());
		json_array_append_new(arr, m);
	}
	if (rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the notification queue");
	sqlite3_finalize(st);
	if (err < 0) {
		json_decref(arr);
		return err;
	}
	*out = arr;
	return 0;
}

int bs_notify_queue_counts(struct bs_store *s, int64_t n[3])
{
	static const char *const names[3] = { "pending", "sent", "dead" };
	sqlite3_stmt *st = NULL;
	int err, rc;

	n[0] = n[1] = n[2] = 0;
	if ((err = bs_store_prepare(s, "SELECT state, count(*) FROM notify_queue GROUP BY state", &st)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (int i = 0; i < 3; i++)
			if (!strcmp(bs_store_text(st, 0), names[i]))
				n[i] = sqlite3_column_int64(st, 1);
	if (rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the notification queue");
	sqlite3_finalize(st);
	return err;
}

/* ---- messages given up (their summary: src/outbox) ---- */

#define LIVE_DEAD BS_OUTBOX_LIVE_DEAD

int bs_notify_retry(struct bs_datadir *dd, int64_t id, int64_t now_us, int64_t *n)
{
	sqlite3_stmt *st = NULL;
	json_t *ids = json_array();
	struct bs_buf list = BS_BUF_INIT;
	int err, rc;

	*n = 0;
	if ((err = bs_store_begin(dd->store)) < 0) {
		json_decref(ids);
		return err;
	}
	if (id) {
		/* one message: say why it cannot be retried */
		if ((err = bs_store_prepare(dd->store, "SELECT q.state, c.removed_at IS NOT NULL, c.name FROM notify_queue q JOIN "
					    "notify_channel c ON c.id = q.channel_id WHERE q.id = ?1", &st)) < 0)
			goto done;
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			err = bs_error(BS_ENOTFOUND, "no notification %lld ('brokersec notify queue --state dead' lists those "
				       "given up)", (long long)id);
		else if (rc != SQLITE_ROW)
			err = bs_store_fail(dd->store, "cannot read the notification queue");
		else if (strcmp(bs_store_text(st, 0), "dead"))
			err = bs_error(BS_EINVALID, "notification %lld is %s, not given up: only those given up are retried "
				       "('brokersec notify queue --state dead')", (long long)id, bs_store_text(st, 0));
		else if (sqlite3_column_int(st, 1))
			err = bs_error(BS_EINVALID, "notification %lld cannot be retried: its channel '%s' was removed",
				       (long long)id, bs_store_text(st, 2));
		sqlite3_finalize(st);
		st = NULL;
		if (err < 0)
			goto done;
	}
	if ((err = bs_store_prepare(dd->store, "SELECT id FROM notify_queue WHERE " LIVE_DEAD " AND (?1 = 0 OR id = ?1) ORDER BY "
				    "id", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_array_append_new(ids, json_integer(sqlite3_column_int64(st, 0)));
		if (json_array_size(ids) <= 20)
			bs_buf_printf(&list, "%s%lld", list.len ? " " : "", (long long)sqlite3_column_int64(st, 0));
	}
	if (rc != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot read the notification queue");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!json_array_size(ids))
		goto done;
	if ((err = bs_store_prepare(dd->store, "UPDATE notify_queue SET state = 'pending', attempts = 0, next_us = ?2 WHERE "
				    LIVE_DEAD " AND (?1 = 0 OR id = ?1)", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_us);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot queue the notifications again");
		goto done;
	}
	*n = sqlite3_changes(bs_store_sqlite(dd->store));
	{
		json_t *j = json_pack("{s:O, s:I}", "ids", ids, "count", (json_int_t)*n);
		char *js = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		err = bs_audit(dd, "notify.retry", "success", js, "%lld notification(s) given up queued again: %s%s",
			       (long long)*n, list.ptr, json_array_size(ids) > 20 ? " ..." : "");
		free(js);
	}
done:
	sqlite3_finalize(st);
	bs_buf_release(&list);
	json_decref(ids);
	return bs_store_finish(dd->store, err);
}
