/* fdsnws — a query is parsed (lib/fdsn/fdsnq), matched over every held event
 * (numbers first, strings only for candidates), sorted, cut by offset and
 * limit, and written by lib's formatters. Answers are cached by query text
 * until the store changes: dashboards repeat the same few queries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdsn/fdsnq.h"
#include "fdsn/fdsntext.h"
#include "fdsn/geojson.h"
#include "core/log.h"
#include "fdsnws.h"
#include "fdsn/quakeml.h"
#include "core/time.h"

#define VERSION "1.2.0"
#define NCACHE 8

struct cached {
	char *key, *body;
	size_t len;
	int status;
	const char *ctype;
	uint64_t gen;
	unsigned long long used;
};

struct fdsnws {
	struct store *st;
	struct cached cache[NCACHE];
	unsigned long long clock;
	struct fdsnws_stats stats;
};

struct out {
	char *p;
	size_t len, cap;
	int fail;
};

static char *
room(struct out *o, size_t n)
{
	if (o->fail)
		return NULL;
	if (o->len + n + 1 > o->cap) {
		size_t c = o->cap ? o->cap : 65536;
		char *p;

		while (c < o->len + n + 1)
			c *= 2;
		if ((p = realloc(o->p, c)) == NULL) {
			o->fail = 1;
			return NULL;
		}
		o->p = p;
		o->cap = c;
	}
	return o->p + o->len;
}

/* Append what fn writes (at most max bytes) */
#define EMIT(o, max, call) do {						\
	char *at_ = room((o), (max));					\
	size_t n_ = at_ ? (call) : 0;					\
	if (at_ != NULL && n_ == 0) (o)->fail = 1;			\
	(o)->len += n_;							\
} while (0)

static uint64_t
generation(const struct store *st)
{
	return store_head(st) * 1000003ULL + store_evicted(st);
}

/* Cheap checks on the numbers before the strings are unpacked. */
static int
prefilter(const struct quake_fdsnq *q, const struct store_ev *e)
{
	return e->time >= q->start && e->time <= q->end &&
	    e->lat >= q->minlat && e->lat <= q->maxlat &&
	    e->mag >= q->minmag && e->mag <= q->maxmag &&
	    e->depth >= q->mindepth && e->depth <= q->maxdepth;
}

static int
cmp(const void *a, const void *b, void *arg)
{
	const struct store_ev *x = *(const struct store_ev *const *)a;
	const struct store_ev *y = *(const struct store_ev *const *)b;
	enum quake_fdsnq_order o = *(enum quake_fdsnq_order *)arg;
	int c = 0;

	if (o == QUAKE_FDSNQ_MAG || o == QUAKE_FDSNQ_MAG_ASC)
		c = (x->mag > y->mag) - (x->mag < y->mag);
	if (c == 0)
		c = (x->time > y->time) - (x->time < y->time);
	if (c == 0)
		c = strcmp(store_id(x), store_id(y));
	return o == QUAKE_FDSNQ_TIME_ASC || o == QUAKE_FDSNQ_MAG_ASC ? c : -c;
}

/* The events matching q, sorted and cut; *n their count, *total before
 * the cut. NULL with *n 0 when none (or out of memory: *oom). */
static const struct store_ev **
select_events(struct store *st, struct quake_fdsnq *q, size_t *n,
    size_t *total, int *oom)
{
	size_t held = store_count(st), k = 0, off;
	const struct store_ev **v = malloc((held ? held : 1) * sizeof *v);
	struct quake_event ev;

	*n = *total = 0;
	*oom = v == NULL;
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < held; i++) {
		const struct store_ev *e = store_at(st, i);

		if (!prefilter(q, e))
			continue;
		store_get(e, &ev);
		if (quake_fdsnq_match(q, &ev))
			v[k++] = e;
	}
	qsort_r(v, k, sizeof *v, cmp, &q->orderby);
	*total = k;
	off = (size_t)q->offset - 1 < k ? (size_t)q->offset - 1 : k;
	k -= off;
	if (q->limit > 0 && (size_t)q->limit < k)
		k = (size_t)q->limit;
	memmove(v, v + off, k * sizeof *v);
	*n = k;
	return v;
}

static void
write_events(struct out *o, const struct quake_fdsnq *q,
    const struct store_ev **v, size_t n)
{
	struct quake_event ev;

	if (q->format == QUAKE_FDSNQ_XML)
		EMIT(o, 1024, quake_quakeml_head(at_, 1024));
	else if (q->format == QUAKE_FDSNQ_TEXT)
		EMIT(o, 1024, quake_fdsntext_head(at_, 1024));
	else
		EMIT(o, 1024, quake_geojson_head(n, at_, 1024));
	for (size_t i = 0; i < n && !o->fail; i++) {
		store_get(v[i], &ev);
		if (q->format == QUAKE_FDSNQ_XML)
			EMIT(o, QUAKE_QUAKEML_EVENT_MAX, quake_quakeml_event(&ev, at_,
			    QUAKE_QUAKEML_EVENT_MAX));
		else if (q->format == QUAKE_FDSNQ_TEXT)
			EMIT(o, QUAKE_FDSNTEXT_EVENT_MAX, quake_fdsntext_event(&ev,
			    at_, QUAKE_FDSNTEXT_EVENT_MAX));
		else {
			if (i > 0)
				EMIT(o, 2, (*at_ = ',', 1));
			EMIT(o, QUAKE_GEOJSON_FEATURE_MAX, quake_geojson_feature(&ev,
			    at_, QUAKE_GEOJSON_FEATURE_MAX));
		}
	}
	if (q->format == QUAKE_FDSNQ_XML)
		EMIT(o, 1024, quake_quakeml_tail(at_, 1024));
	else if (q->format != QUAKE_FDSNQ_TEXT)
		EMIT(o, 1024, quake_geojson_tail(at_, 1024));
}

/* status (400, 404 or 413) with the FDSN error document */
static int
error_doc(struct httpd_conn *c, const struct httpd_req *r,
    const struct quake_fail *f, int status)
{
	char body[1024 + 3 * HTTPD_URL_MAX], now[QUAKE_TIME_LEN + 1];
	int n;

	quake_time_format(quake_time_now(), now);
	n = snprintf(body, sizeof body, "Error %d: %s\n\n%s%s%s\n\n"
	    "Usage details are available from /fdsnws/event/1/application.wadl\n\n"
	    "Request:\n%s%s%.*s\n\nRequest Submitted:\n%s\n\n"
	    "Service version:\n" VERSION "\n", status,
	    status == 413 ? "Request Entity Too Large" : status == 404 ?
	    "Not Found" : "Bad Request",
	    f->field, f->field[0] ? ": " : "", f->reason, r->path,
	    r->query_len ? "?" : "", (int)r->query_len, r->query, now);
	return httpd_respond(c, status, "text/plain; charset=utf-8", body,
	    n < 0 ? 0 : (size_t)n >= sizeof body ? sizeof body - 1 : (size_t)n,
	    NULL);
}

/* 400 (or 413) with the FDSN error document. */
static int
bad_request(struct fdsnws *m, struct httpd_conn *c, const struct httpd_req *r,
    const struct quake_fail *f, int status)
{
	m->stats.rejected++;
	return error_doc(c, r, f, status);
}

/* no match: 204 with no body, or nodata=404's error document */
static int
no_data(struct httpd_conn *c, const struct httpd_req *r, int status)
{
	const struct quake_fail f = { "", "no event matches the request" };

	if (status == 404)
		return error_doc(c, r, &f, 404);
	return httpd_respond(c, status, "text/plain", "", 0, NULL);
}

static struct cached *
cache_find(struct fdsnws *m, const char *path, const struct httpd_req *r)
{
	uint64_t gen = generation(m->st);

	for (int i = 0; i < NCACHE; i++) {
		struct cached *e = &m->cache[i];

		if (e->key != NULL && e->gen == gen &&
		    strncmp(e->key, path, strlen(path)) == 0 &&
		    strcmp(e->key + strlen(path), r->query) == 0) {
			e->used = ++m->clock;
			return e;
		}
	}
	return NULL;
}

static void
cache_put(struct fdsnws *m, const char *path, const struct httpd_req *r,
    int status, const char *ctype, const struct out *o)
{
	struct cached *e = &m->cache[0];
	size_t pl = strlen(path);
	char *key, *body;

	for (int i = 1; i < NCACHE; i++)
		if (m->cache[i].used < e->used)
			e = &m->cache[i];
	if ((key = malloc(pl + r->query_len + 1)) == NULL ||
	    (body = malloc(o->len + 1)) == NULL) {
		free(key);
		return;
	}
	memcpy(key, path, pl);
	memcpy(key + pl, r->query, r->query_len + 1);
	if (o->len > 0)
		memcpy(body, o->p, o->len);
	free(e->key);
	free(e->body);
	*e = (struct cached){ key, body, o->len, status, ctype,
	    generation(m->st), ++m->clock };
}

static const char *
ctype_of(enum quake_fdsnq_format f)
{
	return f == QUAKE_FDSNQ_XML ? "application/xml" :
	    f == QUAKE_FDSNQ_TEXT ? "text/plain; charset=utf-8" :
	    "application/json";
}

static int
answer(struct fdsnws *m, struct httpd_conn *c, const struct httpd_req *r,
    int count_only)
{
	const char *path = count_only ? "c" : "q";
	struct quake_fdsnq q;
	struct quake_fail f = { "", "" };
	struct out o = { NULL, 0, 0, 0 };
	const struct store_ev **v;
	struct cached *hit;
	size_t n, total;
	int oom, status = 200;
	enum quake_err err;

	m->stats.queries++;
	if ((hit = cache_find(m, path, r)) != NULL) {
		m->stats.cached++;
		if (hit->status != 200)
			return no_data(c, r, hit->status);
		return httpd_respond(c, hit->status, hit->ctype, hit->body,
		    hit->len, NULL);
	}
	if ((err = quake_fdsnq_parse(r->query, r->query_len, &q, &f)) != QUAKE_OK)
		return bad_request(m, c, r, &f, err == QUAKE_ETOOLONG ? 413 : 400);
	v = select_events(m->st, &q, &n, &total, &oom);
	if (oom)
		return httpd_error(c, 503, "Service Unavailable (out of memory)");
	if (count_only) {
		char *at = room(&o, 32);

		if (at != NULL)
			o.len = (size_t)snprintf(at, 32, "%zu\n", total);
	} else if (n == 0)
		status = q.nodata;
	else
		write_events(&o, &q, v, n);
	free(v);
	if (o.fail) {
		free(o.p);
		return httpd_error(c, 503, "Service Unavailable (out of memory)");
	}
	cache_put(m, path, r, status, count_only ? "text/plain" :
	    ctype_of(q.format), &o);
	if (status != 200) {
		free(o.p);
		return no_data(c, r, status);
	}
	return httpd_respond_take(c, status, count_only ? "text/plain" :
	    ctype_of(q.format), o.p, o.len, NULL);
}

int
fdsnws_query(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	return answer(arg, c, r, 0);
}

int
fdsnws_count(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	return answer(arg, c, r, 1);
}

int
fdsnws_version(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	return httpd_respond(c, 200, "text/plain", VERSION "\n",
	    sizeof VERSION, NULL);
}

int
fdsnws_wadl(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	static const char *params[][2] = {
		{ "starttime", "dateTime" }, { "endtime", "dateTime" },
		{ "minlatitude", "float" }, { "maxlatitude", "float" },
		{ "minlongitude", "float" }, { "maxlongitude", "float" },
		{ "latitude", "float" }, { "longitude", "float" },
		{ "minradius", "float" }, { "maxradius", "float" },
		{ "mindepth", "float" }, { "maxdepth", "float" },
		{ "minmagnitude", "float" }, { "maxmagnitude", "float" },
		{ "magnitudetype", "string" }, { "eventtype", "string" },
		{ "includeallorigins", "boolean" },
		{ "includeallmagnitudes", "boolean" },
		{ "includearrivals", "boolean" }, { "eventid", "string" },
		{ "limit", "int" }, { "offset", "int" }, { "orderby", "string" },
		{ "catalog", "string" }, { "contributor", "string" },
		{ "updatedafter", "dateTime" }, { "format", "string" },
		{ "nodata", "int" },
	};
	struct out o = { NULL, 0, 0, 0 };

	EMIT(&o, 1024, (size_t)snprintf(at_, 1024, "%s",
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<application xmlns=\"http://wadl.dev.java.net/2009/02\" "
	    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\n"
	    "<resources base=\"/fdsnws/event/1/\">\n"
	    "<resource path=\"query\" id=\"query\"><method name=\"GET\"><request>\n"));
	for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
		EMIT(&o, 256, (size_t)snprintf(at_, 256, "<param name=\"%s\" "
		    "style=\"query\" type=\"xsd:%s\"/>\n", params[i][0],
		    params[i][1]));
	EMIT(&o, 1024, (size_t)snprintf(at_, 1024, "%s",
	    "</request><response status=\"200\"><representation "
	    "mediaType=\"application/xml\"/><representation mediaType=\"text/plain\"/>"
	    "<representation mediaType=\"application/json\"/></response>"
	    "<response status=\"204 400 404 413 414 500 503\"/></method></resource>\n"
	    "<resource path=\"count\"/><resource path=\"catalogs\"/>"
	    "<resource path=\"contributors\"/><resource path=\"version\"/>"
	    "<resource path=\"application.wadl\"/>\n</resources>\n</application>\n"));
	if (o.fail) {
		free(o.p);
		return httpd_error(c, 503, "Service Unavailable");
	}
	return httpd_respond_take(c, 200, "application/xml", o.p, o.len, NULL);
}

/* <Catalogs><Catalog>…</Catalog>…</Catalogs> of the distinct values held
 * (which 0: source_catalog, 1: auth). */
static int
distinct(struct fdsnws *m, struct httpd_conn *c, int which, const char *tag)
{
	struct out o = { NULL, 0, 0, 0 };
	char seen[64][64];
	size_t ns = 0;
	struct quake_event ev;

	EMIT(&o, 128, (size_t)snprintf(at_, 128, "<?xml version=\"1.0\" "
	    "encoding=\"UTF-8\"?>\n<%ss>\n", tag));
	for (size_t i = 0; i < store_count(m->st) && ns < 64; i++) {
		const char *s;
		size_t k;

		store_get(store_at(m->st, i), &ev);
		s = which == 0 ? ev.source_catalog : ev.auth;
		for (k = 0; k < ns && strcmp(seen[k], s) != 0; k++)
			;
		if (k < ns || strpbrk(s, "<>&\"'") != NULL)
			continue;
		EMIT(&o, 256, (size_t)snprintf(at_, 256, "<%s>%s</%s>\n", tag, s, tag));
		snprintf(seen[ns++], sizeof seen[0], "%s", s);
	}
	EMIT(&o, 128, (size_t)snprintf(at_, 128, "</%ss>\n", tag));
	if (o.fail) {
		free(o.p);
		return httpd_error(c, 503, "Service Unavailable");
	}
	return httpd_respond_take(c, 200, "application/xml", o.p, o.len, NULL);
}

int
fdsnws_catalogs(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	return distinct(arg, c, 0, "Catalog");
}

int
fdsnws_contributors(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	return distinct(arg, c, 1, "Contributor");
}

struct fdsnws *
fdsnws_new(struct store *st)
{
	struct fdsnws *m = calloc(1, sizeof *m);

	if (m != NULL)
		m->st = st;
	return m;
}

void
fdsnws_free(struct fdsnws *m)
{
	if (m == NULL)
		return;
	for (int i = 0; i < NCACHE; i++) {
		free(m->cache[i].key);
		free(m->cache[i].body);
	}
	free(m);
}

void
fdsnws_stats(const struct fdsnws *m, struct fdsnws_stats *out)
{
	*out = m->stats;
}
