/* api_page.c - a list answered a page at a time: ?q= (search), ?sort= and ?order= (sort),
 * ?limit= (at most BS_API_PAGE_MAX) and ?offset=, over the records a handler has read, so
 * that no page carries more than BS_API_PAGE_MAX records to a browser. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"

/* 1 when a value of rec (a string, a number, or one in an array) contains q, ASCII case
 * ignored. */
static int rec_matches(json_t *rec, const char *q)
{
	const char *k;
	json_t *v;
	char num[32];

	json_object_foreach (rec, k, v) {
		size_t n = json_is_array(v) ? json_array_size(v) : 1;
		for (size_t i = 0; i < n; i++) {
			json_t *x = json_is_array(v) ? json_array_get(v, i) : v;
			const char *s = NULL;
			if (json_is_string(x))
				s = json_string_value(x);
			else if (json_is_integer(x)) {
				snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(x));
				s = num;
			}
			if (s && strcasestr(s, q))
				return 1;
		}
	}
	return 0;
}

struct sort_by {
	const char *key;
	int desc;
};

/* Missing and null values last whatever the order; numbers by value; strings by bytes. */
static int cmp_recs(const void *a, const void *b, void *arg)
{
	const struct sort_by *s = arg;
	json_t *x = json_object_get(*(json_t *const *)a, s->key), *y = json_object_get(*(json_t *const *)b, s->key);
	int xn = !x || json_is_null(x), yn = !y || json_is_null(y), r;

	if (xn || yn)
		return xn - yn;
	if (json_is_number(x) && json_is_number(y)) {
		double dx = json_number_value(x), dy = json_number_value(y);
		r = dx < dy ? -1 : dx > dy;
	} else if (json_is_string(x) && json_is_string(y))
		r = strcmp(json_string_value(x), json_string_value(y));
	else
		r = json_typeof(x) - json_typeof(y);
	return s->desc ? -r : r;
}

int bs_api_page(struct bs_http_ctx *c, json_t *recs, int (*sortable)(const char *key, const void *arg),
		const void *arg, json_t *out)
{
	const char *q = bs_http_query(c, "q"), *sort = bs_http_query(c, "sort"), *order = bs_http_query(c, "order");
	int limit = BS_API_PAGE_MAX, offset = 0, err;
	size_t n = 0, total = json_array_size(recs);
	json_t **v, *page = json_array();
	struct sort_by by = { sort, 0 };

	if ((err = bs_api_query_int(c, "limit", 1, BS_API_PAGE_MAX, &limit)) < 0 ||
	    (err = bs_api_query_int(c, "offset", 0, 1 << 30, &offset)) < 0)
		goto bad;
	if (order && strcmp(order, "asc") && strcmp(order, "desc")) {
		err = bs_error(BS_EINVALID, "?order='%.32s': use asc or desc", order);
		goto bad;
	}
	by.desc = order && !strcmp(order, "desc");
	if (sort && !sortable(sort, arg)) {
		err = bs_error(BS_EINVALID, "?sort='%.32s' is not a field of this list: use id or a field name", sort);
		goto bad;
	}
	v = bs_malloc((total ? total : 1) * sizeof(*v));
	for (size_t i = 0; i < total; i++) {
		json_t *rec = json_array_get(recs, i);
		if (!q || !*q || rec_matches(rec, q))
			v[n++] = rec;
	}
	if (sort)
		qsort_r(v, n, sizeof(*v), cmp_recs, &by);
	for (size_t i = (size_t)offset; i < n && i < (size_t)offset + (size_t)limit; i++)
		json_array_append(page, v[i]);
	free(v);
	json_object_set_new(out, "total", json_integer((json_int_t)n));
	json_object_set_new(out, "offset", json_integer(offset));
	json_object_set_new(out, "limit", json_integer(limit));
	json_object_set_new(out, "records", page);
	return 0;
bad:
	json_decref(page);
	return err;
}
