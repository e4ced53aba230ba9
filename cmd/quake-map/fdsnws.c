/* fdsnws — a query is parsed (lib/fdsn/fdsnq), matched over every held event
 * (numbers first, strings only for candidates), sorted, cut by offset and
 * limit, and written by lib's formatters. Answers are cached by query text
 * until the store changes: dashboards repeat the same few queries. A query
 * whose starttime is before the window is deferred: the archive's worker
 * reads the table for it, and the answer is the table's events merged with
 * the held ones, each id once at its newest revision. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdsn/fdsnq.h"
#include "fdsn/fdsntext.h"
#include "fdsn/geojson.h"
#include "core/log.h"
#include "archive.h"
#include "fdsnws.h"
#include "placer.h"
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
	struct archive *ar;	/* NULL: no --archive */
	int64_t window;		/* µs held before now; 0: all */
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

/* The i-th event of v into *ev and its place into place[PLACER_MAX]: v
 * is held events (their place was named once, when stored) or plain ones
 * (the archive's: named now) */
typedef void (*get_fn)(const struct store *st, const void *v, size_t i,
    struct quake_event *ev, char *place);

static void
get_held(const struct store *st, const void *v, size_t i,
    struct quake_event *ev, char *place)
{
	const struct store_ev *e = ((const struct store_ev *const *)v)[i];

	store_get(e, ev);
	snprintf(place, PLACER_MAX, "%s", store_place(e));
}

static void
get_plain(const struct store *st, const void *v, size_t i,
    struct quake_event *ev, char *place)
{
	*ev = ((const struct quake_event *)v)[i];
	placer_describe(store_places(st), ev->lat, ev->lon, place);
}

static void
write_events(struct out *o, const struct store *st,
    const struct quake_fdsnq *q, const void *v, size_t n, get_fn get)
{
	struct quake_event ev;
	char place[PLACER_MAX];

	if (q->format == QUAKE_FDSNQ_XML)
		EMIT(o, 1024, quake_quakeml_head(at_, 1024));
	else if (q->format == QUAKE_FDSNQ_TEXT)
		EMIT(o, 1024, quake_fdsntext_head(at_, 1024));
	else
		EMIT(o, 1024, quake_geojson_head(n, at_, 1024));
	for (size_t i = 0; i < n && !o->fail; i++) {
		get(st, v, i, &ev, place);
		if (q->format == QUAKE_FDSNQ_XML)
			EMIT(o, QUAKE_QUAKEML_EVENT_MAX, quake_quakeml_event(&ev, at_,
			    QUAKE_QUAKEML_EVENT_MAX));
		else if (q->format == QUAKE_FDSNQ_TEXT)
			EMIT(o, QUAKE_FDSNTEXT_EVENT_MAX, quake_fdsntext_event(&ev,
			    at_, QUAKE_FDSNTEXT_EVENT_MAX));
		else {
			if (i > 0)
				EMIT(o, 2, (*at_ = ',', 1));
			EMIT(o, QUAKE_GEOJSON_FEATURE_MAX + PLACER_FIELD_MAX,
			    placer_splice(at_, quake_geojson_feature(&ev, at_,
			    QUAKE_GEOJSON_FEATURE_MAX), QUAKE_GEOJSON_FEATURE_MAX +
			    PLACER_FIELD_MAX, place, 2));
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

/* ---- the archive: queries reaching before the window ---- */

/* A query waiting for the table (the job's user: one malloc, the query
 * text after it). */
struct pending {
	struct httpd_conn *c;	/* NULL once the client went */
	struct quake_fdsnq q;
	int count_only;
	size_t query_len;
	char query[];
};

static void job_done(void *ctx, struct archive_job *j);

static void
pending_gone(void *user)
{
	((struct pending *)user)->c = NULL;
}

static int
archive_query(struct fdsnws *m, struct httpd_conn *c,
    const struct httpd_req *r, const struct quake_fdsnq *q, int count_only,
    int64_t edge)
{
	struct archive_job *j = calloc(1, sizeof *j);
	struct pending *p = malloc(sizeof *p + r->query_len + 1);
	struct quake_ddb_filter *flt;

	if (j == NULL || p == NULL) {
		free(j);
		free(p);
		return httpd_error(c, 503, "Service Unavailable (out of memory)");
	}
	p->c = c;
	p->q = *q;
	p->count_only = count_only;
	p->query_len = r->query_len;
	memcpy(p->query, r->query, r->query_len + 1);
	j->user = p;
	j->done = job_done;
	j->ctx = m;
	/* the table's part: from starttime to the window's edge (the held
	 * events answer for the rest; an overlap is merged away) */
	flt = &j->flt;
	quake_time_format(q->start < 0 ? 0 : q->start, flt->from);
	quake_time_format(q->end < edge ? q->end : edge, flt->to);
	if (isfinite(q->minmag)) {
		flt->has_mag = 1;
		flt->minmag = q->minmag;
	}
	if ((isfinite(q->minlat) || isfinite(q->maxlat) || isfinite(q->minlon) ||
	    isfinite(q->maxlon)) && (!isfinite(q->minlon) || !isfinite(q->maxlon) ||
	    q->minlon <= q->maxlon)) {
		flt->has_box = 1;
		flt->minlat = isfinite(q->minlat) ? q->minlat : -90;
		flt->maxlat = isfinite(q->maxlat) ? q->maxlat : 90;
		flt->minlon = isfinite(q->minlon) ? q->minlon : -180;
		flt->maxlon = isfinite(q->maxlon) ? q->maxlon : 180;
	}
	if (httpd_defer(c, pending_gone, p) != 0) {
		archive_job_free(j);
		return -1;
	}
	m->stats.archive++;
	archive_submit(m->ar, j);
	return 0;
}

static int
cmp_id_newest(const void *a, const void *b)
{
	const struct quake_event *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c == 0)
		c = (x->lastupdate < y->lastupdate) - (x->lastupdate > y->lastupdate);
	return c;
}

static int
cmp_plain(const void *a, const void *b, void *arg)
{
	const struct quake_event *x = a, *y = b;
	enum quake_fdsnq_order o = *(enum quake_fdsnq_order *)arg;
	int c = 0;

	if (o == QUAKE_FDSNQ_MAG || o == QUAKE_FDSNQ_MAG_ASC)
		c = (x->mag > y->mag) - (x->mag < y->mag);
	if (c == 0)
		c = (x->time > y->time) - (x->time < y->time);
	if (c == 0)
		c = strcmp(x->id, y->id);
	return o == QUAKE_FDSNQ_TIME_ASC || o == QUAKE_FDSNQ_MAG_ASC ? c : -c;
}

/* The table's lines and the held events that match p->q, each id once at
 * its newest revision, sorted and cut: the answer. */
static void
archive_answer(struct fdsnws *m, struct pending *p, struct archive_job *j)
{
	struct quake_fdsnq all = p->q;
	struct quake_event *v;
	struct quake_fail f;
	struct out o = { NULL, 0, 0, 0 };
	const struct store_ev **held;
	size_t nheld, total, k = 0, w, off, n;
	int oom, status = 200;
	const char *path = p->count_only ? "c" : "q";

	all.limit = 0;
	all.offset = 1;
	held = select_events(m->st, &all, &nheld, &total, &oom);
	if (oom || (v = malloc((j->nlines + nheld + 1) * sizeof *v)) == NULL) {
		free(held);
		httpd_error(p->c, 503, "Service Unavailable (out of memory)");
		return;
	}
	for (size_t i = 0; i < nheld; i++)
		store_get(held[i], &v[k++]);
	free(held);
	for (size_t s = 0, e; s < j->len; s = e + 1) {
		e = s;
		while (e < j->len && j->lines[e] != '\n')
			e++;
		if (quake_event_parse_line(j->lines + s, e - s, &v[k], &f) ==
		    QUAKE_OK && quake_fdsnq_match(&p->q, &v[k]))
			k++;
	}
	/* each id once, its newest revision */
	qsort(v, k, sizeof *v, cmp_id_newest);
	for (size_t i = w = 0; i < k; i++)
		if (w == 0 || strcmp(v[w - 1].id, v[i].id) != 0)
			v[w++] = v[i];
	qsort_r(v, w, sizeof *v, cmp_plain, &p->q.orderby);
	total = w;
	off = (size_t)p->q.offset - 1 < w ? (size_t)p->q.offset - 1 : w;
	n = w - off;
	if (p->q.limit > 0 && (size_t)p->q.limit < n)
		n = (size_t)p->q.limit;
	if (p->count_only) {
		char *at = room(&o, 32);

		if (at != NULL)
			o.len = (size_t)snprintf(at, 32, "%zu\n", total);
	} else if (n == 0)
		status = p->q.nodata;
	else
		write_events(&o, m->st, &p->q, v + off, n, get_plain);
	free(v);
	if (o.fail) {
		free(o.p);
		httpd_error(p->c, 503, "Service Unavailable (out of memory)");
		return;
	}
	struct httpd_req r = { .query = p->query, .query_len = p->query_len };
	cache_put(m, path, &r, status, p->count_only ? "text/plain" :
	    ctype_of(p->q.format), &o);
	if (status != 200) {
		free(o.p);
		httpd_respond(p->c, status, "text/plain", "", 0, NULL);
		return;
	}
	httpd_respond_take(p->c, status, p->count_only ? "text/plain" :
	    ctype_of(p->q.format), o.p, o.len, NULL);
}

/* In the loop: a table read is done; answer its query (unless the client
 * went). */
static void
job_done(void *ctx, struct archive_job *j)
{
	struct fdsnws *m = ctx;
	struct pending *p = j->user;
	char why[800];

	if (p->c == NULL)
		return;
	if (j->status != 0) {
		m->stats.archive_failed++;
		snprintf(why, sizeof why, "Service Unavailable: the archive "
		    "(DynamoDB table %s) could not be read: %s",
		    archive_table(m->ar), j->why);
		httpd_error(p->c, 503, why);
	} else
		archive_answer(m, p, j);
}

void
fdsnws_set_archive(struct fdsnws *m, struct archive *ar, int64_t window)
{
	m->ar = ar;
	m->window = window;
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
	int64_t edge;
	char t[QUAKE_TIME_LEN + 1], warn[300] = "";

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
	edge = m->window > 0 ? quake_time_now() - m->window : INT64_MIN;
	if (q.start != INT64_MIN && q.start < edge && q.end >= 0 &&
	    q.end >= q.start) {
		if (m->ar != NULL)
			return archive_query(m, c, r, &q, count_only, edge);
		/* not held, and no archive: say so (a 204 has no body) */
		quake_time_format(edge, t);
		snprintf(warn, sizeof warn, "Warning: 299 quake-map \"events are "
		    "held from %s; older ones are in the archive (quake-map "
		    "--archive TABLE)\"\x0d\x0a", t);
	}
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
		write_events(&o, m->st, &q, v, n, get_held);
	free(v);
	if (o.fail) {
		free(o.p);
		return httpd_error(c, 503, "Service Unavailable (out of memory)");
	}
	if (warn[0] != '\0') {	/* not cached: the answer carries a warning */
		if (status != 200) {
			free(o.p);
			o.p = status == 404 && (o.p = malloc(300)) != NULL ? o.p : NULL;
			o.len = o.p != NULL ? (size_t)snprintf(o.p, 300, "Error 404: "
			    "no events held from %s on match; older ones are in "
			    "the archive (quake-map --archive TABLE)\n", t) : 0;
			if (o.p == NULL)
				return httpd_respond(c, status, "text/plain", "", 0, warn);
		}
		return httpd_respond_take(c, status, count_only || status != 200 ?
		    "text/plain" : ctype_of(q.format), o.p, o.len, warn);
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
