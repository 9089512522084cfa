/* notify_run.c - one pass of the notifier (notify.h): the event log's alert flag, the new events
 * from the cursor, the day's digests, then delivery with backoff. Enqueueing and moving the
 * cursor commit together, so a crash between them neither loses nor doubles a message (the
 * queue's (channel, key) is unique besides). */
#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "datadir/datadir.h"
#include "eventlog/eventlog.h"
#include "notify/notify_int.h"
#include "scan/scan.h"
#include "schedule/schedule.h"
#include "store/store.h"
#include "witness/witness.h"

/* The digest's window: duties due within this many days besides the overdue ones. */
#define DIGEST_DAYS 30
/* Messages delivered at most per pass. */
#define DELIVER_MAX 200

struct ev_msg {
	enum bs_notify_class c;
	int64_t seq;
	char *subject, *body, *payload;
};

struct scan_ctx {
	struct bs_datadir *dd;
	unsigned want;         /* classes some channel is subscribed to */
	const char *flag_told; /* the alert flag's text told already this pass or before, or NULL */
	struct ev_msg *v;
	size_t n, cap;
	int64_t last, read, max;
};

/* A saved scan whose ransomware checks failed (Annex 3 四): 1, else 0. */
static int scan_ransom(struct bs_datadir *dd, const struct bs_event *ev)
{
	json_error_t je;
	json_t *d = ev->data ? json_loads(ev->data, 0, &je) : NULL, *res, *r;
	struct bs_scan_saved s;
	int hit = 0;
	size_t i;

	if (!d || !json_is_integer(json_object_get(d, "id"))) {
		json_decref(d);
		return 0;
	}
	memset(&s, 0, sizeof(s));
	if (bs_scan_saved_get(dd->store, (int64_t)json_integer_value(json_object_get(d, "id")),
			      bs_days_from_time(bs_clock_now()), &s) == 0 && s.result_json) {
		json_t *sj = json_loads(s.result_json, 0, &je);
		res = json_object_get(sj, "results");
		json_array_foreach(res, i, r) {
			const char *id = json_string_value(json_object_get(r, "id"));
			const char *st = json_string_value(json_object_get(r, "status"));
			if (id && st && strstr(id, "ransom") && !strcmp(st, "fail"))
				hit = 1;
		}
		json_decref(sj);
	}
	bs_scan_saved_release(&s);
	bs_error_clear();
	json_decref(d);
	return hit;
}

static int on_event(const struct bs_event *ev, void *vctx)
{
	struct scan_ctx *x = vctx;
	int c;

	x->last = ev->seq;
	x->read++;
	c = bs_notify_classify(ev);
	if (c < 0 && ev->type && !strcmp(ev->type, "scan.save") && (x->want & (1u << BS_NOTIFY_INTEGRITY)) &&
	    scan_ransom(x->dd, ev))
		c = BS_NOTIFY_INTEGRITY;
	/* an alert the flag file told already (the event, made of the whole file once the log can be
	 * written again, holds the flag's last line) */
	if (c == BS_NOTIFY_LOG && x->flag_told && ev->message && strstr(ev->message, x->flag_told))
		c = -1;
	if (c >= 0 && (x->want & (1u << c))) {
		struct nt_text t;
		json_t *p;
		struct ev_msg *m;
		if (x->n == x->cap) {
			x->cap = x->cap ? x->cap * 2 : 16;
			x->v = bs_realloc(x->v, bs_size_mul(x->cap, sizeof(*x->v)));
		}
		m = &x->v[x->n++];
		nt_event_msg(ev, (enum bs_notify_class)c, &t, &p);
		m->c = (enum bs_notify_class)c;
		m->seq = ev->seq;
		m->subject = bs_buf_detach(&t.subject, NULL);
		m->body = bs_buf_detach(&t.body, NULL);
		m->payload = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(p);
		if (!m->payload)
			abort();
	}
	return x->read >= x->max;
}

/* Enqueues one message for every channel subscribed to c. */
static int enqueue_class(struct bs_store *s, enum bs_notify_class c, const struct nt_msg *tmpl, int64_t now_us,
			 int64_t *added)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int err, one;

	if ((err = nt_channels_for(s, c, &ids, &n)) < 0)
		return err;
	for (size_t i = 0; i < n && err >= 0; i++) {
		struct nt_msg m = *tmpl;
		m.channel_id = ids[i];
		m.cls = bs_notify_class_name(c);
		if ((err = nt_enqueue(s, &m, now_us, &one)) >= 0)
			*added += one;
	}
	free(ids);
	return err;
}

/* The event log's alert flag (A2.4.1.7.3), told once per distinct text, even when no event can
 * be written. *told: the flag's text when it is pending (told now or before). */
static int check_alert(struct bs_datadir *dd, struct nt_state *ns, int64_t now_us, char *text, size_t cap,
		       struct bs_notify_run_stats *st)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[65], key[80];
	struct bs_event ev = { 0 };
	struct nt_text t;
	json_t *p;
	struct nt_msg m = { 0 };
	int err;

	if (!bs_eventlog_alert_pending(dd->path, text, cap)) {
		text[0] = '\0';
		ns->alert[0] = '\0';
		return 0;
	}
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if (!strcmp(hex, ns->alert))
		return 0;
	ev.type = "eventlog.alert";
	ev.time_us = now_us;
	ev.severity = 1;
	ev.host = bs_eventlog_hostname();
	ev.source = "brokersec";
	ev.outcome = "failure";
	ev.message = text;
	nt_event_msg(&ev, BS_NOTIFY_LOG, &t, &p);
	snprintf(key, sizeof(key), "alert:%s", hex);
	m.key = key;
	m.subject = t.subject.ptr;
	m.body = t.body.ptr;
	m.payload = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(p);
	if (!m.payload)
		abort();
	err = enqueue_class(dd->store, BS_NOTIFY_LOG, &m, now_us, &st->enqueued);
	free((char *)m.payload);
	nt_text_release(&t);
	if (err >= 0)
		snprintf(ns->alert, sizeof(ns->alert), "%s", hex);
	return err;
}

/* ---- the daily digest ---- */

struct who {
	char key[80];       /* "person:3", "addr:x@y", "officers" */
	char name[210];
	char *rcpt;         /* comma-separated addresses, or NULL: the channel's --to */
	struct bs_buf zh, en;
	int count;
};

static const json_t *find_rec(const json_t *snap, const char *reg, int64_t id)
{
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(snap, reg), i, r)
	{
		if (json_integer_value(json_object_get(r, "id")) == id)
			return r;
	}
	return NULL;
}

static const char *sget(const json_t *r, const char *f)
{
	const json_t *v = json_object_get(r, f);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The live person whose name, account or e-mail is text, or NULL. */
static const json_t *person_named(const json_t *snap, const char *text)
{
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(snap, "person"), i, r)
	{
		const char *f[] = { "name", "account", "email" };
		if (json_is_true(json_object_get(r, "archived")))
			continue;
		for (int k = 0; k < 3; k++)
			if (sget(r, f[k]) && !strcmp(sget(r, f[k]), text))
				return r;
	}
	return NULL;
}

/* Who answers for a duty's subject: the person it names; the owner or holder of the record it
 * names (a person of the register by name, account or e-mail, or an address); else the
 * security officers (persons with the role security). */
static void responsible(const json_t *snap, const char *subject, char key[80], char name[210], const char **email)
{
	char reg[40];
	const char *colon = strchr(subject, ':');
	const json_t *rec = NULL, *p = NULL;
	const char *owner = NULL;

	*email = NULL;
	if (colon && (size_t)(colon - subject) < sizeof(reg)) {
		snprintf(reg, sizeof(reg), "%.*s", (int)(colon - subject), subject);
		rec = find_rec(snap, !strcmp(reg, "finding") ? "assessment_finding" : reg, strtoll(colon + 1, NULL, 10));
	}
	if (rec && colon && !strncmp(subject, "person:", 7))
		p = rec;
	if (rec && !p) {
		const char *f[] = { "owner", "holder", "handler", "responsible" };
		for (int k = 0; k < 4 && !owner; k++)
			owner = sget(rec, f[k]);
		if (!owner && json_is_integer(json_object_get(rec, "person")))
			p = find_rec(snap, "person", json_integer_value(json_object_get(rec, "person")));
		if (owner && *owner)
			p = person_named(snap, owner);
	}
	if (p) {
		snprintf(key, 80, "person:%lld", (long long)json_integer_value(json_object_get(p, "id")));
		snprintf(name, 210, "%s", sget(p, "name") ? sget(p, "name") : "?");
		*email = sget(p, "email");
		return;
	}
	if (owner && *owner && strchr(owner, '@') && !strchr(owner, ' ')) {
		snprintf(key, 80, "addr:%.70s", owner);
		snprintf(name, 210, "%s", owner);
		*email = owner;
		return;
	}
	snprintf(key, 80, "officers");
	snprintf(name, 210, "%s", owner && *owner ? owner : "資安專責人員 security officers");
}

/* The security officers' addresses, comma-separated, or NULL when none has one. */
static char *officers(const json_t *snap)
{
	struct bs_buf b = BS_BUF_INIT;
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(snap, "person"), i, r)
	{
		const char *role = sget(r, "role"), *em = sget(r, "email");
		if (json_is_true(json_object_get(r, "archived")) || !role || strcmp(role, "security") || !em || !*em)
			continue;
		bs_buf_printf(&b, "%s%s", b.len ? "," : "", em);
	}
	return b.len ? bs_buf_detach(&b, NULL) : (bs_buf_release(&b), NULL);
}

static void duty_line(struct who *w, const struct bs_duty *d)
{
	char day[BS_DATE_MAX];
	bs_date_format(d->due, day);
	bs_buf_printf(&w->zh, "・%s　%s　%s（%s，%s）\n  %s\n", bs_duty_status_label(d->status, BS_LANG_ZH_TW), day, d->duty,
		      d->source, d->subject, d->detail_zh ? d->detail_zh : "");
	bs_buf_printf(&w->en, "- %s  %s  %s (%s, %s)\n  %s\n", bs_duty_status_label(d->status, BS_LANG_EN), day, d->duty,
		      d->source, d->subject, d->detail_en ? d->detail_en : "");
	w->count++;
}

static void msg_payload(struct nt_msg *m, const char *kind, const char *day, const struct who *w, json_t *items,
			char **payload)
{
	json_t *p = json_pack("{s:s, s:s, s:s, s:o}", "class", m->cls, "kind", kind, "day", day, "items", items);
	if (w)
		json_object_set_new(p, "person", json_pack("{s:s, s:s, s:s?}", "key", w->key, "name", w->name, "email",
							    w->rcpt));
	*payload = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(p);
	if (!*payload)
		abort();
	m->payload = *payload;
}

static json_t *duty_json(const struct bs_duty *d)
{
	char day[BS_DATE_MAX];
	bs_date_format(d->due, day);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?}", "duty", d->duty, "source", d->source, "subject",
			 d->subject, "due", day, "status", bs_duty_status_name(d->status), "detail_zh", d->detail_zh,
			 "detail_en", d->detail_en);
}

/* The digests of today (Taiwan's calendar day) for the duties channels, and the findings past
 * due for the findings channels. */
static int digest(struct bs_datadir *dd, int32_t today, int64_t now_us, struct bs_notify_run_stats *st)
{
	struct bs_schedule_opts o;
	struct bs_duties duties = { 0 };
	json_t *snap = NULL;
	struct who *w = NULL;
	size_t nw = 0;
	char day[BS_DATE_MAX], key[128];
	char *off = NULL;
	int err;
	struct bs_buf fz = BS_BUF_INIT, fe = BS_BUF_INIT;
	json_t *fitems = json_array();
	int nf = 0;

	bs_date_format(today, day);
	bs_schedule_opts_default(&o, today);
	o.within = DIGEST_DAYS;
	if ((err = bs_schedule_load(dd->store, &o, &duties)) < 0 || (err = bs_schedule_snapshot(dd->store, today, &snap)) < 0)
		goto out;
	off = officers(snap);
	for (size_t i = 0; i < duties.n; i++) {
		const struct bs_duty *d = &duties.v[i];
		char k[80], name[210];
		const char *email;
		size_t j;
		if (d->status == BS_DUTY_OK || d->kind == BS_DUTY_RETENTION)
			continue;
		if (d->status == BS_DUTY_OVERDUE && (!strcmp(d->duty, "finding") || !strncmp(d->duty, "vuln", 4))) {
			char dd_[BS_DATE_MAX];
			bs_date_format(d->due, dd_);
			bs_buf_printf(&fz, "・%s　%s（%s）\n  %s\n", dd_, d->subject, d->source, d->detail_zh ? d->detail_zh : "");
			bs_buf_printf(&fe, "- %s  %s (%s)\n  %s\n", dd_, d->subject, d->source, d->detail_en ? d->detail_en : "");
			json_array_append_new(fitems, duty_json(d));
			nf++;
		}
		responsible(snap, d->subject, k, name, &email);
		for (j = 0; j < nw && strcmp(w[j].key, k); j++)
			;
		if (j == nw) {
			w = bs_realloc(w, bs_size_mul(nw + 1, sizeof(*w)));
			memset(&w[nw], 0, sizeof(*w));
			snprintf(w[nw].key, sizeof(w[nw].key), "%s", k);
			snprintf(w[nw].name, sizeof(w[nw].name), "%s", name);
			w[nw].rcpt = email && *email ? bs_strdup(email) : off ? bs_strdup(off) : NULL;
			bs_buf_init(&w[nw].zh);
			bs_buf_init(&w[nw].en);
			nw++;
		}
		duty_line(&w[j], d);
	}
	for (size_t j = 0; j < nw && err >= 0; j++) {
		struct nt_msg m = { 0 };
		struct bs_buf subj = BS_BUF_INIT, body = BS_BUF_INIT;
		json_t *items = json_array();
		char *payload;
		for (size_t i = 0; i < duties.n; i++) {
			char k[80], name[210];
			const char *email;
			if (duties.v[i].status == BS_DUTY_OK || duties.v[i].kind == BS_DUTY_RETENTION)
				continue;
			responsible(snap, duties.v[i].subject, k, name, &email);
			if (!strcmp(k, w[j].key))
				json_array_append_new(items, duty_json(&duties.v[i]));
		}
		bs_buf_printf(&subj, "[brokersec] 作業提醒 %s：%s，%d 項 / duties digest %s: %d", day, w[j].name, w[j].count,
			      day, w[j].count);
		bs_buf_printf(&body, "%s 您好：\n\n以下為您負責、已逾期或 %d 日內到期之作業（%s，依 brokersec due）：\n\n%s\n"
				     "請以 brokersec due --within %d 查看全部，完成後登錄於相關登記簿。\n\n-- English --\n"
				     "Dear %s,\n\nThe duties you answer for that are overdue or due within %d days (%s, from "
				     "brokersec due):\n\n%s\nSee them all with brokersec due --within %d; record each in its "
				     "register when done.\n",
			      w[j].name, DIGEST_DAYS, day, w[j].zh.ptr ? w[j].zh.ptr : "", DIGEST_DAYS, w[j].name,
			      DIGEST_DAYS, day, w[j].en.ptr ? w[j].en.ptr : "", DIGEST_DAYS);
		snprintf(key, sizeof(key), "digest:%s:%s", day, w[j].key);
		m.key = key;
		m.recipients = w[j].rcpt;
		m.subject = subj.ptr;
		m.body = body.ptr;
		m.cls = bs_notify_class_name(BS_NOTIFY_DUTIES);
		msg_payload(&m, "digest", day, &w[j], items, &payload);
		{
			int64_t before = st->enqueued;
			err = enqueue_class(dd->store, BS_NOTIFY_DUTIES, &m, now_us, &st->enqueued);
			st->digests += st->enqueued - before;
		}
		free(payload);
		bs_buf_release(&subj);
		bs_buf_release(&body);
	}
	if (err >= 0 && nf) {
		struct nt_msg m = { 0 };
		struct bs_buf subj = BS_BUF_INIT, body = BS_BUF_INIT;
		char *payload;
		bs_buf_printf(&subj, "[brokersec] 缺失逾期未改善 %s：%d 項 / findings past due: %d", day, nf, nf);
		bs_buf_printf(&body, "下列評估缺失已逾改善期限（附件二捌，%s）：\n\n%s\n請督促負責人改善，並送稽核單位追蹤覆查"
				     "（brokersec assessment findings）。\n\n-- English --\nThese assessment findings are "
				     "past their due date (A2.8, %s):\n\n%s\nHave their owners fix them and the audit unit "
				     "follow them up (brokersec assessment findings).\n",
			      day, fz.ptr, day, fe.ptr);
		snprintf(key, sizeof(key), "findings:%s", day);
		m.key = key;
		m.subject = subj.ptr;
		m.body = body.ptr;
		m.cls = bs_notify_class_name(BS_NOTIFY_FINDINGS);
		msg_payload(&m, "findings", day, NULL, json_incref(fitems), &payload);
		err = enqueue_class(dd->store, BS_NOTIFY_FINDINGS, &m, now_us, &st->enqueued);
		free(payload);
		bs_buf_release(&subj);
		bs_buf_release(&body);
	}
out:
	for (size_t j = 0; j < nw; j++) {
		free(w[j].rcpt);
		bs_buf_release(&w[j].zh);
		bs_buf_release(&w[j].en);
	}
	free(w);
	free(off);
	json_decref(fitems);
	bs_buf_release(&fz);
	bs_buf_release(&fe);
	json_decref(snap);
	bs_duties_release(&duties);
	return err;
}

/* ---- delivery ---- */

/* Tries m once over its channel and records the outcome (an event when it failed or was given
 * up: best effort, so that a log that cannot be written still lets its alert out). 0 when sent. */
static int deliver_one(struct bs_datadir *dd, struct bs_witness_conn *k, const struct nt_channel *c,
		       const struct nt_msg *m, int64_t now_us, struct bs_notify_run_stats *st, json_t *sent)
{
	long status = 0;
	int attempts = m->attempts + 1, err, derr;
	char *why = NULL;
	json_t *j;
	char *js;

	if (c->removed)
		derr = bs_error(BS_ENOTFOUND, "channel '%s' was removed", c->name);
	else
		derr = nt_deliver(k, c, m, now_us, &status);
	if (derr == 0) {
		if ((err = nt_mark(dd->store, m->id, "sent", attempts, now_us, now_us, NULL, status)) < 0)
			return err;
		st->sent++;
		/* one notify.sent event per pass for all (deliver): an event log append is a full sync */
		if (sent)
			json_array_append_new(sent, json_pack("{s:I, s:s, s:s, s:s, s:i, s:I}", "id", (json_int_t)m->id,
							      "channel", c->name, "class", m->cls, "key", m->key,
							      "attempt", attempts, "status", (json_int_t)status));
		return 0;
	}
	why = bs_strdup(bs_error_message());
	{
		int dead = c->removed || attempts >= BS_NOTIFY_MAX_ATTEMPTS;
		int64_t next = dead ? now_us : now_us + bs_notify_backoff_us(attempts);
		char nt[BS_TIME_MAX];
		if ((err = nt_mark(dd->store, m->id, dead ? "dead" : "pending", attempts, next, now_us, why, status)) < 0) {
			free(why);
			return err;
		}
		bs_time_format(next, nt);
		j = json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:s?}", "id", (json_int_t)m->id, "channel", c->name, "class",
			      m->cls, "key", m->key, "attempt", attempts, "error", why, "next_try", dead ? NULL : nt);
		js = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(j);
		if (dead) {
			st->dead++;
			(void)bs_audit(dd, "notify.dead", "failure", js, "notification %lld (%s) over channel '%s' given up "
				       "after %d attempts: %s", (long long)m->id, m->cls, c->name, attempts, why);
		} else {
			st->failed++;
			(void)bs_audit(dd, "notify.failed", "failure", js, "notification %lld (%s) over channel '%s': attempt "
				       "%d failed, next at %s: %s", (long long)m->id, m->cls, c->name, attempts, nt, why);
		}
		free(js);
	}
	bs_error(derr, "%s", why);
	free(why);
	return derr;
}

/* Delivers what is due (only_id: that one message, whatever its time); a channel that failed
 * once in this pass is not tried again in it. One libcurl handle for the pass: the messages to
 * one server go over one connection (an SMTP session, HTTPS keep-alive) as long as the server
 * keeps it. The last delivery error in *last_err. */
static int deliver(struct bs_datadir *dd, int64_t now_us, int64_t only_id, struct bs_notify_run_stats *st,
		   int *last_err)
{
	struct nt_msg *v = NULL;
	size_t n = 0;
	int64_t failed[64];
	size_t nfailed = 0;
	struct nt_channel c = { 0 };
	json_t *sent = json_array();
	struct bs_witness_conn *conn = NULL;
	int err;

	*last_err = 0;
	if ((err = nt_due(dd->store, now_us, only_id, DELIVER_MAX, &v, &n)) < 0) {
		json_decref(sent);
		return err;
	}
	for (size_t i = 0; i < n && err >= 0; i++) {
		size_t k;
		for (k = 0; k < nfailed && failed[k] != v[i].channel_id; k++)
			;
		if (k < nfailed)
			continue;
		/* the attempt's lease: the longest a delivery takes (libcurl's 20 s) and more */
		int got = nt_claim(dd->store, v[i].id, now_us, 120LL * 1000000, only_id != 0);
		if (got < 0) {
			err = got;
			break;
		}
		if (!got)
			continue;
		if (c.id != v[i].channel_id) {
			nt_channel_release(&c);
			if ((err = nt_channel_load(dd, v[i].channel_id, NULL, 1, &c)) < 0)
				break;
		}
		if (!conn)
			conn = bs_witness_conn_new();
		if ((*last_err = deliver_one(dd, conn, &c, &v[i], now_us, st, sent)) < 0) {
			if (*last_err != BS_ERR && *last_err != BS_EDENIED && *last_err != BS_EINVALID &&
			    *last_err != BS_ENOTFOUND)
				err = *last_err; /* the queue itself could not be written */
			else if (nfailed < sizeof(failed) / sizeof(failed[0]))
				failed[nfailed++] = v[i].channel_id;
		}
	}
	st->connections += bs_witness_conn_connects(conn);
	bs_witness_conn_free(conn); /* closes the connections (SMTP: QUIT) */
	nt_channel_release(&c);
	nt_msgs_free(v, n);
	if (json_array_size(sent)) {
		json_t *j = json_pack("{s:O}", "sent", sent);
		char *js = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		size_t k;
		json_t *x;
		struct bs_buf ids = BS_BUF_INIT;
		json_decref(j);
		json_array_foreach(sent, k, x) {
			if (k == 20) {
				bs_buf_puts(&ids, " ...");
				break;
			}
			bs_buf_printf(&ids, "%s%lld", k ? " " : "", (long long)json_integer_value(json_object_get(x, "id")));
		}
		(void)bs_audit(dd, "notify.sent", "success", js, "%zu notification(s) delivered: %s", json_array_size(sent),
			       ids.ptr);
		bs_buf_release(&ids);
		free(js);
	}
	json_decref(sent);
	return err;
}

int bs_notify_run(struct bs_datadir *dd, const struct bs_notify_run_opts *o, struct bs_notify_run_stats *st)
{
	struct scan_ctx x = { 0 };
	struct nt_state ns;
	char alert[1024];
	int err, any, last_err;
	int32_t today = bs_days_taipei(o->now_us);
	char day[BS_DATE_MAX];

	memset(st, 0, sizeof(*st));
	if ((any = nt_any_channel(dd->store)) < 0)
		return any;
	if ((err = nt_state_get(dd->store, &ns)) < 0)
		return err;
	x.dd = dd;
	x.max = o->scan_max > 0 ? o->scan_max : 100000;
	x.last = ns.cursor;
	for (int c = 0; any && c < BS_NOTIFY_CLASS_COUNT; c++) {
		int64_t *ids = NULL;
		size_t n = 0;
		if ((err = nt_channels_for(dd->store, (enum bs_notify_class)c, &ids, &n)) < 0)
			return err;
		if (n)
			x.want |= 1u << c;
		free(ids);
	}
	/* the events after the cursor (read outside the transaction: a read never blocks a writer) */
	{
		struct bs_event_filter f = { 0 };
		f.after_seq = ns.cursor;
		if ((err = bs_store_begin(dd->store)) < 0)
			return err;
		err = check_alert(dd, &ns, o->now_us, alert, sizeof(alert), st);
		err = bs_store_finish(dd->store, err);
		if (err < 0)
			return err;
		x.flag_told = alert[0] ? alert : NULL;
		if ((err = bs_eventlog_each(dd->path, &f, on_event, &x)) < 0)
			goto out;
		err = 0;
	}
	if ((err = bs_store_begin(dd->store)) < 0)
		goto out;
	for (size_t i = 0; i < x.n && err >= 0; i++) {
		char key[40];
		struct nt_msg m = { 0 };
		snprintf(key, sizeof(key), "event:%lld", (long long)x.v[i].seq);
		m.key = key;
		m.event_seq = x.v[i].seq;
		m.subject = x.v[i].subject;
		m.body = x.v[i].body;
		m.payload = x.v[i].payload;
		err = enqueue_class(dd->store, x.v[i].c, &m, o->now_us, &st->enqueued);
	}
	if (err >= 0 && any) {
		bs_date_format(today, day);
		if (strcmp(ns.digest_day, day) &&
		    (x.want & ((1u << BS_NOTIFY_DUTIES) | (1u << BS_NOTIFY_FINDINGS))) &&
		    (err = digest(dd, today, o->now_us, st)) >= 0)
			snprintf(ns.digest_day, sizeof(ns.digest_day), "%s", day);
	}
	if (err >= 0) {
		ns.cursor = x.last;
		err = nt_state_put(dd->store, &ns);
	}
	err = bs_store_finish(dd->store, err);
	if (err < 0)
		goto out;
	st->read = x.read;
	st->cursor = x.last;
	/* what the channels were given of the log is itself a read of it (A2.4.1.7.6); best effort:
	 * a log that cannot be written must still let its alert out */
	if (x.n)
		(void)bs_eventlog_audit_read(dd, NULL, "the notifier read %lld events and queued %lld notifications",
					     (long long)x.read, (long long)st->enqueued);
	if (o->deliver)
		err = deliver(dd, o->now_us, 0, st, &last_err);
out:
	for (size_t i = 0; i < x.n; i++) {
		free(x.v[i].subject);
		free(x.v[i].body);
		free(x.v[i].payload);
	}
	free(x.v);
	return err;
}

int bs_notify_test(struct bs_datadir *dd, const char *name, int64_t now_us)
{
	struct nt_channel c;
	struct nt_msg m = { 0 };
	struct bs_notify_run_stats st = { 0 };
	char key[48], tz[BS_TIME_SHOW_MAX], *payload;
	struct bs_buf body = BS_BUF_INIT;
	json_t *p;
	int err, added, last_err = 0;
	int64_t id = 0;

	if ((err = nt_channel_load(dd, 0, name, 0, &c)) < 0)
		return err;
	bs_time_show(now_us, BS_LANG_ZH_TW, tz);
	bs_buf_printf(&body, "這是 brokersec 通知管道「%s」之測試訊息（%s）。收到即表示通知可送達。\n\n-- English --\n"
			     "This is a test message of brokersec's notification channel '%s'. If you read it, "
			     "notifications reach you.\n", c.name, tz, c.name);
	snprintf(key, sizeof(key), "test:%lld", (long long)now_us);
	p = json_pack("{s:s, s:s, s:s}", "class", "test", "channel", c.name, "message", "brokersec notification test");
	payload = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(p);
	m.channel_id = c.id;
	m.cls = "test";
	m.key = key;
	m.subject = "[brokersec] 通知測試 / notification test";
	m.body = body.ptr;
	m.payload = payload;
	if ((err = bs_store_begin(dd->store)) >= 0) {
		err = nt_enqueue(dd->store, &m, now_us, &added);
		id = sqlite3_last_insert_rowid(bs_store_sqlite(dd->store));
		if (err >= 0)
			err = bs_audit(dd, "notify.test", "success", NULL, "test notification queued on channel '%s'", c.name);
		err = bs_store_finish(dd->store, err);
	}
	if (err >= 0) {
		err = deliver(dd, now_us, id, &st, &last_err);
		if (err >= 0)
			err = last_err;
	}
	free(payload);
	bs_buf_release(&body);
	nt_channel_release(&c);
	return err;
}
