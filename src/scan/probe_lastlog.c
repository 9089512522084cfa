/* probe_lastlog.c - days since each login-capable account last logged in (wtmp and
 * lastlog), for disabling idle accounts. An account that never logged in counts from its
 * last password change. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utmp.h>

#include "scan/probe.h"

struct acct {
	char *name;
	long long uid;
	int64_t last;   /* seconds since the epoch, 0 = never */
	const char *src;
	long long lastchg; /* days, -1 unknown */
	int locked;
};

static int interactive(const char *shell)
{
	const char *base = strrchr(shell, '/');
	base = base ? base + 1 : shell;
	return *shell && strcmp(base, "nologin") && strcmp(base, "false") && strcmp(base, "sync") &&
	       strcmp(base, "halt") && strcmp(base, "shutdown");
}

static struct acct *find(struct acct *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

static int run(struct bs_probe_ctx *ctx)
{
	struct bs_buf b = BS_BUF_INIT;
	struct acct *v = NULL;
	size_t n = 0, cap = 0, pos = 0;
	int lineno = 0, have_records = 0, err = 0;
	char *line;
	int32_t today = bs_probe_today(ctx);

	if (bs_probe_read(ctx, "/etc/passwd", &b) < 0) {
		bs_buf_release(&b);
		return bs_probe_fail(ctx, "%s", bs_error_message());
	}
	while ((line = bs_text_line(&b, &pos, &lineno))) {
		char *f[7];
		long long uid;
		if (!*line || line[0] == '#' || bs_split_colon(line, f, 7) < 0 || bs_text_int(f[2], &uid) < 0)
			continue;
		if (!interactive(f[6]) || (uid != 0 && uid < 1000) || uid == 65534)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = bs_realloc(v, bs_size_mul(cap, sizeof(*v)));
		}
		v[n].name = bs_strdup(f[0]);
		v[n].uid = uid;
		v[n].last = 0;
		v[n].src = NULL;
		v[n].lastchg = -1;
		v[n].locked = 0;
		n++;
	}
	bs_buf_clear(&b);
	/* Shadow, when readable, tells locked accounts and the last password change. */
	if (bs_probe_read(ctx, "/etc/shadow", &b) == 0) {
		pos = 0;
		lineno = 0;
		while ((line = bs_text_line(&b, &pos, &lineno))) {
			char *f[9];
			struct acct *a;
			if (bs_split_colon(line, f, 9) < 0 || !(a = find(v, n, f[0])))
				continue;
			a->locked = f[1][0] == '!' || f[1][0] == '*';
			if (*f[2] && bs_text_int(f[2], &a->lastchg) < 0)
				a->lastchg = -1;
		}
	}
	bs_error_clear();
	bs_buf_clear(&b);
	if (bs_probe_read(ctx, "/var/log/wtmp", &b) == 0) {
		have_records = 1;
		for (size_t off = 0; off + sizeof(struct utmp) <= b.len; off += sizeof(struct utmp)) {
			struct utmp u;
			char user[sizeof(u.ut_user) + 1];
			struct acct *a;
			memcpy(&u, b.ptr + off, sizeof(u));
			if (u.ut_type != USER_PROCESS)
				continue;
			memcpy(user, u.ut_user, sizeof(u.ut_user));
			user[sizeof(u.ut_user)] = '\0';
			if ((a = find(v, n, user)) && (int64_t)u.ut_tv.tv_sec > a->last) {
				a->last = u.ut_tv.tv_sec;
				a->src = "/var/log/wtmp";
			}
		}
	} else if (bs_error_message()[0] && !strstr(bs_error_message(), "does not exist")) {
		err = bs_probe_fail(ctx, "%s", bs_error_message());
		goto done;
	}
	bs_buf_clear(&b);
	if (bs_probe_read(ctx, "/var/log/lastlog", &b) == 0) {
		/* struct lastlog on Linux: int32 time, char line[32], char host[256]; indexed by uid. */
		const size_t rec = 4 + 32 + 256;
		have_records = 1;
		for (size_t i = 0; i < n; i++) {
			int32_t t;
			size_t off = (size_t)v[i].uid * rec;
			if (v[i].uid < 0 || off + rec > b.len)
				continue;
			memcpy(&t, b.ptr + off, 4);
			if (t > 0 && (int64_t)t > v[i].last) {
				v[i].last = t;
				v[i].src = "/var/log/lastlog";
			}
		}
	}
	bs_error_clear();
	if (!have_records) {
		/* NEEDSWORK: Debian 13 keeps last logins in lastlog2's SQLite database
		 * (/var/lib/lastlog/lastlog2.db); read it when wtmp is gone too. */
		err = bs_probe_fail(ctx, "neither /var/log/wtmp nor /var/log/lastlog exists: cannot tell when accounts "
				    "last logged in; keep wtmp (or check with lastlog2)");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].locked)
			continue;
		if (v[i].last) {
			bs_fact_addf(ctx, "lastlog.idle_days", v[i].name, v[i].src, 0, "%lld",
				     (long long)(today - v[i].last / 86400));
		} else if (v[i].lastchg > 0) {
			bs_fact_addf(ctx, "lastlog.idle_days", v[i].name, "/etc/shadow", 0, "%lld",
				     (long long)(today - v[i].lastchg));
		} else {
			bs_fact_add(ctx, "lastlog.idle_days", v[i].name, "never", NULL, 0);
		}
	}
done:
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	bs_buf_release(&b);
	return err;
}

const struct bs_probe bs_probe_lastlog = { "lastlog", 0, run };
