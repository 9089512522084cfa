/* fim_run.c - baseline, verify-baseline, check and canaries as operations on a data directory
 * (fim.h): the store, the signature with the data directory's key, and the events. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "datadir/datadir.h"
#include "eventlog/eventlog.h"
#include "fim/fim_int.h"
#include "keys/keys.h"
#include "store/store.h"

/* Change events written one by one at most (then the summary counts the rest). */
#define CHANGE_EVENTS_MAX 5000

/* root made absolute and without links; a directory */
static int resolve_root(const char *root, char out[PATH_MAX])
{
	struct stat st;
	if (!realpath(root, out))
		return bs_error(errno == ENOENT ? BS_ENOTFOUND : BS_ERR, "--root '%s': %s", root, bs_strerror(errno));
	if (stat(out, &st) < 0 || !S_ISDIR(st.st_mode))
		return bs_error(BS_EINVALID, "--root '%s' is not a directory: give the directory to watch over", root);
	return 0;
}

static void put_field(struct bs_buf *b, const char *s)
{
	bs_buf_printf(b, "%zu:%s\n", strlen(s), s);
}

void fim_sealed_message(const struct bs_fim_baseline_info *i, const char *policy_text, struct bs_buf *b)
{
	unsigned char md[32];
	char hex[65], num[64];

	crypto_hash_sha256(md, (const unsigned char *)policy_text, strlen(policy_text));
	sodium_bin2hex(hex, sizeof(hex), md, 32);
	bs_buf_puts(b, "brokersec-fim-baseline-v1\n");
	snprintf(num, sizeof(num), "%" PRId64 " %" PRId64, i->id, i->entries);
	put_field(b, num);
	put_field(b, i->root);
	put_field(b, i->host);
	put_field(b, i->created_at);
	put_field(b, i->created_by);
	put_field(b, i->policy_file);
	put_field(b, hex);
	put_field(b, i->digest);
}

static char *keys_dir(struct bs_datadir *dd)
{
	return bs_datadir_file(dd, "keys");
}

static int sign(struct bs_datadir *dd, const struct fim_row *r, const char *policy_text, char sig_hex[129])
{
	unsigned char sk[BS_SIGN_SECRET_BYTES], sig[64];
	struct bs_buf m = BS_BUF_INIT;
	char *keys = keys_dir(dd);
	int err;

	err = bs_keys_load_signing(keys, sk);
	free(keys);
	if (err < 0)
		return err;
	fim_sealed_message(&r->info, policy_text, &m);
	crypto_sign_detached(sig, NULL, (const unsigned char *)m.ptr, m.len, sk);
	sodium_memzero(sk, sizeof(sk));
	sodium_bin2hex(sig_hex, 129, sig, 64);
	bs_buf_release(&m);
	return 0;
}

void fim_events_free(struct fim_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ev[i].message);
		free(ev[i].data);
	}
	free(ev);
}

int fim_events_write(struct bs_datadir *dd, struct fim_event *fe, size_t n)
{
	struct bs_event *ev;
	int err;

	if (!n)
		return 0;
	if (!dd->events && (err = bs_eventlog_open(&dd->events, dd->path)) < 0)
		return err;
	ev = bs_calloc(n, sizeof(*ev));
	for (size_t i = 0; i < n; i++) {
		ev[i].type = fe[i].type;
		ev[i].severity = fe[i].severity;
		ev[i].host = bs_eventlog_hostname();
		ev[i].source = dd->source ? dd->source : "cli";
		ev[i].user = dd->actor;
		ev[i].outcome = fe[i].outcome;
		ev[i].message = fe[i].message;
		ev[i].data = fe[i].data;
	}
	err = bs_eventlog_append(dd->events, ev, n);
	free(ev);
	return err;
}

static char *json_take(json_t *o)
{
	char *s;
	if (!o)
		abort();
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		abort();
	return s;
}

static json_t *json_path(const char *p)
{
	struct bs_buf b = BS_BUF_INIT;
	json_t *j;
	bs_fim_path_text(p, &b);
	j = json_string(b.ptr ? b.ptr : "");
	bs_buf_release(&b);
	return j;
}

int bs_fim_baseline(struct bs_datadir *dd, const char *root_arg, const char *policy_path, int threads,
		    struct bs_fim_baseline_info *info, struct bs_fim_tree *walk)
{
	struct bs_fim_policy p = { 0 };
	struct bs_fim_tree t = { 0 };
	struct bs_fim_walk_opts o = { NULL, 1, threads };
	struct fim_row r;
	char root[PATH_MAX], sig[129];
	struct bs_buf rootj = BS_BUF_INIT;
	json_t *data;
	int err;

	memset(&r, 0, sizeof(r));
	if ((err = resolve_root(root_arg, root)) < 0 || (err = bs_fim_policy_load(&p, policy_path)) < 0)
		goto out;
	if ((err = bs_fim_host_id(r.info.host)) < 0)
		goto out;
	if ((err = bs_fim_walk(root, &p, &o, &t)) < 0)
		goto out;
	snprintf(r.info.root, sizeof(r.info.root), "%s", root);
	snprintf(r.info.policy_file, sizeof(r.info.policy_file), "%s", p.file);
	snprintf(r.info.created_by, sizeof(r.info.created_by), "%s", dd->actor ? dd->actor : "");
	bs_time_format(bs_clock_now(), r.info.created_at);
	r.info.entries = (int64_t)t.n;
	bs_fim_tree_digest(&t, r.info.digest);
	if ((err = bs_store_begin(dd->store)) < 0)
		goto out;
	if ((err = fim_store_save(dd->store, &r, p.text, &t)) < 0 || (err = sign(dd, &r, p.text, sig)) < 0 ||
	    (err = fim_store_sign(dd->store, r.info.id, sig)) < 0)
		goto done;
	bs_fim_path_text(root, &rootj);
	data = json_pack("{s:s, s:I, s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:[s,s]}", "root", rootj.ptr, "baseline",
			 (json_int_t)r.info.id, "digest", r.info.digest, "entries", (json_int_t)t.n, "host", r.info.host,
			 "algo", "sha256", "unreadable", (json_int_t)t.unreadable, "vanished", (json_int_t)t.vanished,
			 "loops", (json_int_t)t.loops, "clauses", "A2.5.3.3", "SR.15");
	char *ds = json_take(data);
	err = bs_audit(dd, "fim.baseline", "success", ds,
		       "fim baseline %" PRId64 " of %s: %zu entries, digest %s (sha256, signed with the data "
		       "directory's key); %" PRId64 " unreadable, %" PRId64 " vanished, %" PRId64 " link loops "
		       "(A2.5.3.3, SR.15)", r.info.id, rootj.ptr, t.n, r.info.digest, t.unreadable, t.vanished, t.loops);
	free(ds);
done:
	err = bs_store_finish(dd->store, err);
out:
	if (err >= 0 && info)
		*info = r.info;
	if (err >= 0 && walk) {
		*walk = t;
		memset(&t, 0, sizeof(t));
	}
	bs_fim_tree_release(&t);
	bs_fim_policy_release(&p);
	bs_buf_release(&rootj);
	free(r.policy_text);
	return err;
}

/* What the event log pinned for root: the latest fim.baseline event's baseline id and digest. */
struct pin {
	const char *root;
	int64_t id;
	char digest[65];
};

static int pin_event(const struct bs_event *ev, void *ctx)
{
	struct pin *p = ctx;
	json_t *d = ev->data ? json_loads(ev->data, 0, NULL) : NULL;
	const char *root = json_string_value(json_object_get(d, "root"));
	const char *digest = json_string_value(json_object_get(d, "digest"));

	if (root && digest && !strcmp(root, p->root)) {
		p->id = json_integer_value(json_object_get(d, "baseline"));
		snprintf(p->digest, sizeof(p->digest), "%s", digest);
	}
	json_decref(d);
	return 0;
}

/* Verifies r (root's active baseline) and loads its entries into t (may be NULL). */
static int verify_row(struct bs_datadir *dd, const struct fim_row *r, struct bs_fim_tree *t)
{
	struct bs_fim_tree own = { 0 };
	struct bs_buf m = BS_BUF_INIT, rootj = BS_BUF_INIT;
	struct bs_event_filter f = { 0 };
	struct pin pin = { NULL, 0, "" };
	unsigned char pk[BS_SIGN_PUBLIC_BYTES], sig[64];
	char host[65], digest[65], *keys = keys_dir(dd);
	size_t got = 0;
	int err;

	if (!t)
		t = &own;
	if ((err = bs_fim_host_id(host)) < 0)
		goto out;
	if (strcmp(host, r->info.host)) {
		err = bs_error(BS_ECONFLICT, "the baseline of '%s' was made on another host (%s, this is %s): a baseline "
			       "holds only for the host it was made on; make one here with 'brokersec fim baseline --root %s'",
			       r->info.root, r->info.host, host, r->info.root);
		goto out;
	}
	if ((err = fim_store_entries(dd->store, r->info.id, t)) < 0)
		goto out;
	bs_fim_tree_digest(t, digest);
	if ((int64_t)t->n != r->info.entries || strcmp(digest, r->info.digest)) {
		err = bs_error(BS_ECONFLICT, "the baseline of '%s' was changed in brokersec.db: its %zu entries digest to "
			       "%.16s..., not the %" PRId64 " entries and %.16s... it was made with; do not trust it: "
			       "investigate, then make a new one (fim baseline)", r->info.root, t->n, digest,
			       r->info.entries, r->info.digest);
		goto out;
	}
	if ((err = bs_keys_load_public(keys, pk)) < 0)
		goto out;
	fim_sealed_message(&r->info, r->policy_text ? r->policy_text : "", &m);
	if (sodium_hex2bin(sig, sizeof(sig), r->sig, strlen(r->sig), NULL, &got, NULL) || got != 64 ||
	    crypto_sign_verify_detached(sig, (const unsigned char *)m.ptr, m.len, pk)) {
		err = bs_error(BS_ECONFLICT, "the baseline of '%s' (%" PRId64 ") is not signed with this data directory's "
			       "key: its record, rules or signature were changed; do not trust it: investigate, then make "
			       "a new one (fim baseline)", r->info.root, r->info.id);
		goto out;
	}
	bs_fim_path_text(r->info.root, &rootj);
	pin.root = rootj.ptr;
	f.type = "fim.baseline";
	if ((err = bs_eventlog_each(dd->path, &f, pin_event, &pin)) < 0)
		goto out;
	if (pin.id != r->info.id || strcmp(pin.digest, r->info.digest)) {
		err = bs_error(BS_ECONFLICT, "the baseline of '%s' (%" PRId64 ", digest %.16s...) is not the one the event "
			       "log pinned last (%s%" PRId64 ", digest %.16s...): it was put back or made outside brokersec; "
			       "check 'brokersec log verify', then make a new one (fim baseline)", r->info.root, r->info.id,
			       r->info.digest, pin.id ? "" : "none: ", pin.id, pin.digest[0] ? pin.digest : "-");
		goto out;
	}
	err = 0;
out:
	free(keys);
	bs_buf_release(&m);
	bs_buf_release(&rootj);
	bs_fim_tree_release(&own);
	return err;
}

int bs_fim_verify_baseline(struct bs_datadir *dd, const char *root_arg, int64_t *verified)
{
	char **roots = NULL, root[PATH_MAX];
	size_t n = 0;
	int err = 0;

	*verified = 0;
	if (root_arg) {
		if ((err = resolve_root(root_arg, root)) < 0)
			return err;
		roots = bs_calloc(1, sizeof(*roots));
		roots[n++] = bs_strdup(root);
	} else if ((err = fim_store_roots(dd->store, &roots, &n)) < 0) {
		return err;
	}
	for (size_t i = 0; i < n && err >= 0; i++) {
		struct fim_row r;
		int have = fim_store_active(dd->store, roots[i], &r);
		if (have < 0)
			err = have;
		else if (!have)
			err = bs_error(BS_ENOTFOUND, "no baseline of '%s': make one with 'brokersec fim baseline --root %s'",
				       roots[i], roots[i]);
		else if ((err = verify_row(dd, &r, NULL)) >= 0)
			(*verified)++;
		free(r.policy_text);
	}
	if (err >= 0 && !n)
		err = bs_error(BS_ENOTFOUND, "no baseline yet: make one with 'brokersec fim baseline --root DIR'");
	for (size_t i = 0; i < n; i++)
		free(roots[i]);
	free(roots);
	return err;
}

void bs_fim_report_release(struct bs_fim_report *r)
{
	bs_fim_diff_release(&r->diff);
	bs_fim_tree_release(&r->now);
	bs_fim_tree_release(&r->old);
	bs_fim_signs_release(&r->signs);
	memset(r, 0, sizeof(*r));
}

static void add_event(struct fim_event **ev, size_t *n, const char *type, int severity, const char *outcome, char *msg,
		      char *data)
{
	*ev = bs_realloc(*ev, bs_size_mul(*n + 1, sizeof(**ev)));
	(*ev)[*n].type = type;
	(*ev)[*n].severity = severity;
	(*ev)[*n].outcome = outcome;
	(*ev)[*n].message = msg;
	(*ev)[*n].data = data;
	(*n)++;
}

static const char *kind_name(char k)
{
	return k == BS_FIM_ADDED ? "added" : k == BS_FIM_REMOVED ? "removed" : "changed";
}

/* The events of a check: one per change (at most CHANGE_EVENTS_MAX), one per indicator, the
 * summary. */
static void check_events(struct bs_datadir *dd, struct bs_fim_report *r, const char *rootj, struct fim_event **ev,
			 size_t *n)
{
	struct bs_buf m = BS_BUF_INIT, a = BS_BUF_INIT;
	(void)dd;

	for (size_t i = 0; i < r->diff.n && i < CHANGE_EVENTS_MAX; i++) {
		const struct bs_fim_change *c = &r->diff.v[i];
		json_t *attrs = json_array();
		bs_buf_clear(&m);
		bs_buf_clear(&a);
		for (unsigned k = 0; k < BS_FIM_ATTR_COUNT; k++)
			if (c->attrs & (1u << k))
				json_array_append_new(attrs, json_string(bs_fim_attr_name(k)));
		bs_fim_attrs_text(c->attrs, &a);
		bs_buf_puts(&m, "fim: '");
		bs_fim_path_text(c->path, &m);
		bs_buf_printf(&m, "' under %s %s%s%s%s (A2.5.3.3, SR.15)", rootj, kind_name(c->kind), a.len ? " (" : "",
			      a.len ? a.ptr : "", a.len ? ")" : "");
		add_event(ev, n, "fim.change", 4, NULL, bs_strdup(m.ptr),
			  json_take(json_pack("{s:s, s:o, s:s, s:o, s:I, s:[s,s]}", "root", rootj, "path", json_path(c->path),
					      "change", kind_name(c->kind), "attributes", attrs, "check", (json_int_t)r->check_id,
					      "clauses", "A2.5.3.3", "SR.15")));
		r->events++;
	}
	for (size_t i = 0; i < r->signs.n; i++) {
		const struct bs_fim_indicator *s = &r->signs.v[i];
		bs_buf_clear(&m);
		bs_buf_printf(&m, "fim: ransomware sign (%s) under %s", bs_fim_sign_name(s->sign), rootj);
		if (s->path) {
			bs_buf_puts(&m, ": '");
			bs_fim_path_text(s->path, &m);
			bs_buf_puts(&m, "'");
		}
		bs_buf_printf(&m, ": %s (A3.4)", s->detail);
		add_event(ev, n, "fim.alert", s->sign == BS_FIM_SIGN_CANARY || s->sign == BS_FIM_SIGN_NOTE ? 2 : 3, NULL,
			  bs_strdup(m.ptr),
			  json_take(json_pack("{s:s, s:s, s:o, s:s, s:i, s:I, s:[s,s]}", "root", rootj, "sign",
					      bs_fim_sign_name(s->sign), "path", s->path ? json_path(s->path) : json_null(),
					      "detail", s->detail, "weight", s->weight, "check", (json_int_t)r->check_id,
					      "clauses", "A3.4", "A3.6")));
	}
	bs_buf_clear(&m);
	/* a link loop is recorded (its target compared) and listed, but it is no change */
	int clean = !r->diff.n && !r->signs.n && !r->now.unreadable && !r->now.vanished;
	bs_buf_printf(&m, "fim check %" PRId64 " of %s against baseline %" PRId64 ": %s; %" PRId64 " added, %" PRId64
		      " removed, %" PRId64 " changed%s; %zu entries, %" PRId64 " hashed, %" PRId64 " unchanged by size, "
		      "mtime, ctime and inode; %" PRId64 " unreadable, %" PRId64 " vanished, %" PRId64 " link loops; "
		      "ransomware score %d%s (A2.5.3.3, SR.15, A3.4)", r->check_id, rootj, r->base.id,
		      clean ? "clean" : "NOT clean", r->diff.added, r->diff.removed, r->diff.changed,
		      r->diff.n > CHANGE_EVENTS_MAX ? " (the first 5000 an event each)" : "", r->now.n, r->now.hashed,
		      r->now.reused, r->now.unreadable, r->now.vanished, r->now.loops, r->signs.score,
		      r->incident_id ? ", incident drafted" : "");
	add_event(ev, n, "fim.check", clean ? 5 : 4, "success", bs_strdup(m.ptr),
		  json_take(json_pack("{s:s, s:I, s:I, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:I, s:[s,s,s]}", "root",
				      rootj, "check", (json_int_t)r->check_id, "baseline", (json_int_t)r->base.id, "clean",
				      clean, "added", (json_int_t)r->diff.added, "removed", (json_int_t)r->diff.removed,
				      "changed", (json_int_t)r->diff.changed, "unreadable", (json_int_t)r->now.unreadable,
				      "vanished", (json_int_t)r->now.vanished, "loops", (json_int_t)r->now.loops, "score",
				      r->signs.score, "incident", (json_int_t)r->incident_id, "clauses", "A2.5.3.3", "SR.15",
				      "A3.4")));
	bs_buf_release(&m);
	bs_buf_release(&a);
}

int bs_fim_check(struct bs_datadir *dd, const char *root_arg, int full, int threads, struct bs_fim_report *r)
{
	struct bs_fim_policy p = { 0 };
	struct fim_row row;
	struct bs_fim_walk_opts o = { NULL, full, threads };
	struct bs_buf errors = BS_BUF_INIT, rootj = BS_BUF_INIT;
	struct fim_event *ev = NULL;
	char root[PATH_MAX], started[BS_TIME_MAX], **cpaths = NULL, **chashes = NULL;
	size_t nev = 0, ncanary = 0;
	int err, have;

	memset(r, 0, sizeof(*r));
	memset(&row, 0, sizeof(row));
	bs_time_format(bs_clock_now(), started);
	if ((err = resolve_root(root_arg, root)) < 0)
		goto out;
	if ((err = have = fim_store_active(dd->store, root, &row)) < 0)
		goto out;
	if (!have) {
		err = bs_error(BS_ENOTFOUND, "no baseline of '%s': make one with 'brokersec fim baseline --root %s'", root,
			       root);
		goto out;
	}
	r->base = row.info;
	if ((err = verify_row(dd, &row, &r->old)) < 0)
		goto out;
	/* the baseline's own rules, as signed */
	if ((err = bs_fim_policy_parse(&p, row.info.policy_file, row.policy_text, strlen(row.policy_text), &errors)) < 0) {
		err = bs_error(BS_ERR, "the rules kept with the baseline of '%s' no longer parse: make a new baseline", root);
		goto out;
	}
	o.prior = &r->old;
	if ((err = bs_fim_walk(root, &p, &o, &r->now)) < 0)
		goto out;
	bs_fim_diff(&r->old, &r->now, &r->diff);
	bs_fim_signs_of_diff(root, &r->diff, &r->signs);
	if ((err = bs_fim_canaries(dd->store, root, &cpaths, &chashes, &ncanary)) < 0)
		goto out;
	bs_fim_canary_signs(&r->now, cpaths, chashes, ncanary, &r->signs);
	/* the draft first: its own transaction and event, its id then in the check's record */
	if (r->signs.score >= BS_FIM_INCIDENT_SCORE && (err = fim_incident_draft(dd, root, &r->signs, &r->incident_id)) < 0)
		goto out;
	if ((err = bs_store_begin(dd->store)) < 0)
		goto out;
	if ((err = fim_store_check(dd->store, r, started, full, dd->actor, &r->check_id)) < 0)
		goto done;
	bs_fim_path_text(root, &rootj);
	check_events(dd, r, rootj.ptr, &ev, &nev);
	err = fim_events_write(dd, ev, nev);
done:
	err = bs_store_finish(dd->store, err);
out:
	for (size_t i = 0; i < ncanary; i++) {
		free(cpaths[i]);
		free(chashes[i]);
	}
	free(cpaths);
	free(chashes);
	fim_events_free(ev, nev);
	bs_fim_policy_release(&p);
	bs_buf_release(&errors);
	bs_buf_release(&rootj);
	free(row.policy_text);
	return err;
}

int bs_fim_canary_plant(struct bs_datadir *dd, const char *dir_arg, char **out)
{
	static const char body[] =
		"客戶編號,姓名,保單號碼,險種,保費\n"
		"C0001,王小明,P2026-000123,終身壽險,36000\n"
		"C0002,陳美玲,P2026-000456,醫療險,12000\n"
		"C0003,林志強,P2026-000789,意外險,3600\n";
	char dir[PATH_MAX], tag[9];
	unsigned char rnd[4], md[32];
	char hex[65];
	struct bs_buf path = BS_BUF_INIT, pj = BS_BUF_INIT;
	int fd, err;

	*out = NULL;
	if ((err = resolve_root(dir_arg, dir)) < 0)
		return err;
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(tag, sizeof(tag), rnd, sizeof(rnd));
	/* a name that sorts first, as ransomware often walks in name order */
	bs_buf_printf(&path, "%s/!0000-客戶資料備份-%s.csv", strcmp(dir, "/") ? dir : "", tag);
	fd = open(path.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = bs_error(BS_ERR, "cannot plant a canary in '%s': %s", dir, bs_strerror(errno));
		goto out;
	}
	if (write(fd, body, sizeof(body) - 1) != (ssize_t)(sizeof(body) - 1) || fsync(fd) < 0) {
		err = bs_error(BS_ERR, "cannot write the canary '%s': %s", path.ptr, bs_strerror(errno));
		close(fd);
		unlink(path.ptr);
		goto out;
	}
	close(fd);
	crypto_hash_sha256(md, (const unsigned char *)body, sizeof(body) - 1);
	sodium_bin2hex(hex, sizeof(hex), md, 32);
	if ((err = bs_store_begin(dd->store)) < 0) {
		unlink(path.ptr);
		goto out;
	}
	bs_fim_path_text(path.ptr, &pj);
	char *data = json_take(json_pack("{s:s, s:s, s:[s,s]}", "path", pj.ptr, "sha256", hex, "clauses", "A3.4", "A3.7"));
	if ((err = fim_store_canary_add(dd->store, path.ptr, hex, dd->actor)) >= 0)
		err = bs_audit(dd, "fim.canary", "success", data,
			       "fim canary planted: %s (any change to it is a ransomware alert, A3.4)", pj.ptr);
	free(data);
	err = bs_store_finish(dd->store, err);
	if (err < 0)
		unlink(path.ptr);
	else
		*out = bs_strdup(path.ptr);
out:
	bs_buf_release(&path);
	bs_buf_release(&pj);
	return err;
}

int bs_fim_summary_json(struct bs_datadir *dd, json_t **out)
{
	json_t *top = NULL, *bases = json_array();
	char **roots = NULL;
	size_t n = 0;
	struct bs_fim_last last;
	int err, have;

	*out = NULL;
	if ((err = fim_store_roots(dd->store, &roots, &n)) < 0)
		goto done;
	for (size_t i = 0; i < n && err >= 0; i++) {
		struct fim_row r;
		struct bs_buf rj = BS_BUF_INIT;
		if ((err = have = fim_store_active(dd->store, roots[i], &r)) <= 0) {
			free(r.policy_text);
			continue;
		}
		err = 0;
		int v = verify_row(dd, &r, NULL);
		bs_fim_path_text(r.info.root, &rj);
		json_t *b = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "root", rj.ptr, "id",
				      (json_int_t)r.info.id, "entries", (json_int_t)r.info.entries, "digest", r.info.digest,
				      "host", r.info.host, "created_at", r.info.created_at, "created_by", r.info.created_by,
				      "policy", r.info.policy_file, "verified", v >= 0);
		if (v < 0)
			json_object_set_new(b, "problem", json_string(bs_error_message()));
		json_array_append_new(bases, b);
		bs_buf_release(&rj);
		free(r.policy_text);
	}
	if (err < 0 || (err = have = bs_fim_last_check(dd->store, &last)) < 0)
		goto done;
	err = 0;
	top = json_pack("{s:o, s:o}", "baselines", bases, "last_check", json_null());
	bases = NULL;
	if (have) {
		char at[BS_TIME_MAX];
		struct bs_buf rj = BS_BUF_INIT;
		bs_time_format(last.finished_us, at);
		bs_fim_path_text(last.root, &rj);
		json_object_set_new(top, "last_check", json_pack("{s:s, s:s, s:b, s:I, s:I, s:I}", "root", rj.ptr, "finished_at",
								  at, "clean", last.clean, "changes", (json_int_t)last.changes,
								  "signs", (json_int_t)last.indicators, "problems",
								  (json_int_t)last.problems));
		bs_buf_release(&rj);
	}
	*out = top;
	top = NULL;
done:
	json_decref(bases);
	json_decref(top);
	for (size_t i = 0; i < n; i++)
		free(roots[i]);
	free(roots);
	return err;
}
