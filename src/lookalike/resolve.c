/* resolve.c - which look-alikes exist in DNS, asked with c-ares against the broker's own
 * resolver: A and NS of every name first (a registered domain has NS at its parent, a
 * phishing site an address), then AAAA and MX of the names that exist. Asynchronous with a
 * bounded number of queries in flight, so tens of thousands of permutations take seconds,
 * not the minutes of one lookup after another. */
#include <arpa/inet.h>
#include <ares.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "lookalike/check.h"

#define T_A 1
#define T_NS 2
#define T_MX 15
#define T_AAAA 28
#define C_IN 1

struct job {
	struct resolver *r;
	size_t i;
	int type;
};

struct resolver {
	ares_channel ch;
	const char *const *names;
	struct bs_dns_answer *out;
	int *pending;      /* per name: queries not yet answered */
	unsigned char *stage; /* per name: 1 A and NS asked, 2 AAAA and MX too */
	size_t n, next, inflight, max_inflight;
};

static void add(char **list, const char *item)
{
	size_t a = *list ? strlen(*list) : 0, b = strlen(item);
	*list = bs_realloc(*list, a + b + 2);
	if (a)
		(*list)[a++] = ',';
	memcpy(*list + a, item, b + 1);
}

static void start(struct resolver *r, size_t i, int type);

static void answered(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct job *j = arg;
	struct resolver *r = j->r;
	struct bs_dns_answer *a = &r->out[j->i];
	size_t i = j->i;
	int type = j->type;
	(void)timeouts;

	free(j);
	r->inflight--;
	if (status == ARES_EDESTRUCTION)
		return;
	if (status == ARES_SUCCESS || status == ARES_ENODATA) {
		a->exists = 1;
	} else if (status != ARES_ENOTFOUND) {
		if (!a->failed)
			snprintf(a->status, sizeof(a->status), "%s", ares_strerror(status));
		a->failed = 1;
	}
	if (status == ARES_SUCCESS && abuf) {
		char ip[INET6_ADDRSTRLEN];
		if (type == T_A) {
			struct ares_addrttl t[16];
			int nt = 16;
			if (ares_parse_a_reply(abuf, alen, NULL, t, &nt) == ARES_SUCCESS)
				for (int k = 0; k < nt; k++)
					if (inet_ntop(AF_INET, &t[k].ipaddr, ip, sizeof(ip)))
						add(&a->a, ip);
		} else if (type == T_AAAA) {
			struct ares_addr6ttl t[16];
			int nt = 16;
			if (ares_parse_aaaa_reply(abuf, alen, NULL, t, &nt) == ARES_SUCCESS)
				for (int k = 0; k < nt; k++)
					if (inet_ntop(AF_INET6, &t[k].ip6addr, ip, sizeof(ip)))
						add(&a->aaaa, ip);
		} else if (type == T_MX) {
			struct ares_mx_reply *mx = NULL;
			if (ares_parse_mx_reply(abuf, alen, &mx) == ARES_SUCCESS) {
				for (struct ares_mx_reply *m = mx; m; m = m->next)
					add(&a->mx, m->host);
				ares_free_data(mx);
			}
		} else if (type == T_NS) {
			struct hostent *h = NULL;
			if (ares_parse_ns_reply(abuf, alen, &h) == ARES_SUCCESS) {
				for (char **al = h->h_aliases; al && *al; al++)
					add(&a->ns, *al);
				ares_free_hostent(h);
			}
		}
	}
	if (--r->pending[i] == 0 && r->stage[i] == 1 && a->exists) {
		/* the name exists: now its AAAA and MX */
		r->stage[i] = 2;
		r->pending[i] = 2;
		start(r, i, T_AAAA);
		start(r, i, T_MX);
	}
}

static void start(struct resolver *r, size_t i, int type)
{
	struct job *j = bs_malloc(sizeof(*j));

	j->r = r;
	j->i = i;
	j->type = type;
	r->inflight++;
	ares_query(r->ch, r->names[i], C_IN, type, answered, j);
}

static void feed(struct resolver *r)
{
	while (r->next < r->n && r->inflight + 2 <= r->max_inflight) {
		size_t i = r->next++;
		r->pending[i] = 2;
		r->stage[i] = 1;
		start(r, i, T_A);
		start(r, i, T_NS);
	}
}

int bs_lookalike_resolve(const char *servers, const char *const *names, size_t n, int timeout_ms,
			 struct bs_dns_answer *out)
{
	struct ares_options opt;
	struct resolver r;
	int rc, err = 0;

	memset(&r, 0, sizeof(r));
	memset(out, 0, n * sizeof(*out));
	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS)
		return bs_error(BS_ERR, "cannot start c-ares: %s", ares_strerror(rc));
	memset(&opt, 0, sizeof(opt));
	opt.timeout = timeout_ms > 0 ? timeout_ms : 2000;
	opt.tries = 2;
	if ((rc = ares_init_options(&r.ch, &opt, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES)) != ARES_SUCCESS) {
		ares_library_cleanup();
		return bs_error(BS_ERR, "cannot start c-ares: %s", ares_strerror(rc));
	}
	if (servers && (rc = ares_set_servers_ports_csv(r.ch, servers)) != ARES_SUCCESS) {
		err = bs_error(BS_EINVALID, "--resolver '%s' is not a list of addresses (192.0.2.53, 127.0.0.1:5353, "
			       "[::1]:53): %s", servers, ares_strerror(rc));
		goto done;
	}
	r.names = names;
	r.out = out;
	r.n = n;
	r.max_inflight = 256;
	r.pending = bs_calloc(n ? n : 1, sizeof(*r.pending));
	r.stage = bs_calloc(n ? n : 1, 1);
	feed(&r);
	while (r.inflight) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		struct pollfd pfd[ARES_GETSOCK_MAXNUM];
		struct timeval tv, *tvp;
		int bits = ares_getsock(r.ch, socks, ARES_GETSOCK_MAXNUM), np = 0, ms;

		for (int k = 0; k < ARES_GETSOCK_MAXNUM; k++) {
			/* c-ares's ARES_GETSOCK_WRITABLE shifts 1 into int's sign bit for the 16th socket */
			unsigned rd = ((unsigned)bits >> k) & 1u, wr = ((unsigned)bits >> (k + ARES_GETSOCK_MAXNUM)) & 1u;
			if (!rd && !wr)
				continue;
			pfd[np].fd = socks[k];
			pfd[np].events = (short)((rd ? POLLIN : 0) | (wr ? POLLOUT : 0));
			pfd[np].revents = 0;
			np++;
		}
		tvp = ares_timeout(r.ch, NULL, &tv);
		ms = tvp ? (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000) : 1000;
		if (poll(pfd, (nfds_t)np, ms) < 0)
			continue; /* EINTR: poll again; c-ares keeps its own timeouts */
		if (!np)
			ares_process_fd(r.ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		for (int k = 0; k < np; k++)
			ares_process_fd(r.ch, pfd[k].revents & (POLLIN | POLLERR | POLLHUP) ? pfd[k].fd : ARES_SOCKET_BAD,
					pfd[k].revents & POLLOUT ? pfd[k].fd : ARES_SOCKET_BAD);
		if (np && !ms)
			ares_process_fd(r.ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* timeouts due now */
		feed(&r);
	}
done:
	ares_destroy(r.ch);
	ares_library_cleanup();
	free(r.pending);
	free(r.stage);
	return err;
}

void bs_dns_answer_release(struct bs_dns_answer *a)
{
	free(a->a);
	free(a->aaaa);
	free(a->mx);
	free(a->ns);
	memset(a, 0, sizeof(*a));
}

static json_t *list(const char *csv)
{
	json_t *arr = json_array();
	while (csv && *csv) {
		size_t n = strcspn(csv, ",");
		json_array_append_new(arr, json_stringn(csv, n));
		csv += n + (csv[n] == ',');
	}
	return arr;
}

json_t *bs_dns_answer_json(const struct bs_dns_answer *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "a", list(a->a));
	json_object_set_new(o, "aaaa", list(a->aaaa));
	json_object_set_new(o, "mx", list(a->mx));
	json_object_set_new(o, "ns", list(a->ns));
	if (a->failed)
		json_object_set_new(o, "error", json_string(a->status));
	return o;
}
