/* detstream — the detections' endpoints over a detstore. A stream client is a
 * cursor (the last seq sent): the set is small and bounded, so catching up
 * scans it, and a client that stopped reading costs no queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detstore.h"
#include "core/json.h"
#include "detstream.h"
#include "placer.h"
#include "pos.h"
#include "core/time.h"
#include "sse.h"
#include "common/tool.h"

struct dclient {
	struct sse_client b;	/* first: the list's */
	struct detstream *m;
	uint64_t cursor;
	struct pos_cursor pos;	/* what it has: its id */
};

struct detstream {
	struct detstore *s;
	struct pos_table pos;	/* where the detections were read */
	struct sse_list list;
	long long lines, created, updated, stale, outside, rejected, skipped;
	long long messages;
	const struct placer *places;
};

void
detstream_set_places(struct detstream *m, const struct placer *p)
{
	m->places = p;
}

/* the revision just taken (the newest seq) gets its place */
static void
name_place(struct detstream *m, const struct quake_detection *d)
{
	char place[PLACER_MAX];

	placer_describe(m->places, d->lat, d->lon, place);
	detstore_set_place(m->s, detstore_head(m->s), place);
}

struct detstream *
detstream_new(int64_t window, uint64_t seq0)
{
	struct detstream *m = calloc(1, sizeof *m);

	if (m == NULL || (m->s = detstore_new(window, MAPDET_MAX, seq0)) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void
detstream_free(struct detstream *m)
{
	if (m == NULL)
		return;
	detstore_free(m->s);
	free(m);
}

int
detstream_take(struct detstream *m, const struct quake_line *l,
    const struct quake_kpos *at)
{
	static const char kind[] = "{\"kind\":", det[] = "{\"kind\":\"detection\"";
	struct quake_detection d;
	struct quake_fail f = { "", "" };
	int src;

	if (l->len < sizeof kind - 1 || memcmp(l->buf, kind, sizeof kind - 1) != 0)
		return 0;
	m->lines++;
	if (l->len < sizeof det - 1 || memcmp(l->buf, det, sizeof det - 1) != 0) {
		m->skipped++;	/* a trigger or sample batch: not shown */
		return 1;
	}
	if (quake_detection_parse(l->buf, l->len, &d, &f) != QUAKE_OK) {
		m->rejected++;
		tool_reject(l->lineno, &f, l->buf, l->len);
		return 1;
	}
	if ((src = pos_read(&m->pos, at)) == POS_NONE) {
		m->rejected++;
		quake_err_fail(&f, "position", "more than %d partitions", POS_MAX);
		tool_reject(l->lineno, &f, l->buf, l->len);
		return 1;
	}
	switch (detstore_put(m->s, &d, quake_time_now(), src, at->offset)) {
	case DETS_NEW: m->created++; name_place(m, &d); sse_list_wake(&m->list); break;
	case DETS_UPDATED: m->updated++; name_place(m, &d); sse_list_wake(&m->list); break;
	case DETS_STALE: m->stale++; break;
	case DETS_OUTSIDE: m->outside++; break;
	case DETS_NOMEM:
		m->rejected++;
		quake_err_fail(&f, "", "out of memory");
		tool_reject(l->lineno, &f, l->buf, l->len);
		break;
	}
	return 1;
}

/* newest time first */
static int
by_time_desc(const void *a, const void *b)
{
	const struct detstore_rec *x = *(const struct detstore_rec *const *)a;
	const struct detstore_rec *y = *(const struct detstore_rec *const *)b;

	return (x->d.time < y->d.time) - (x->d.time > y->d.time);
}

/* One Feature: the point (lon, lat) and the line's other fields. */
static size_t
feature(const struct detstore_rec *r, char *out, size_t cap)
{
	const struct quake_detection *d = &r->d;
	char tm[QUAKE_TIME_LEN + 1], id[6 * sizeof d->id + 3];
	int n;
	size_t k;

	quake_time_format(d->time, tm);
	id[quake_json_format_string(d->id, id)] = '\0';
	n = snprintf(out, cap, "{\"type\":\"Feature\",\"id\":%s,\"geometry\":"
	    "{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]},\"properties\":"
	    "{\"kind\":\"detection\",\"id\":%s,\"time\":\"%s\",\"devices\":%d,"
	    "\"peak\":%.6g,\"radius_km\":%.3f}}", id, d->lon, d->lat, id, tm,
	    d->devices, d->peak, d->radius_km);
	if (n <= 0 || (size_t)n >= cap)
		return 0;
	k = placer_splice(out, (size_t)n, cap, r->place, 2);
	return k < cap ? k : 0;
}

int
detstream_geojson(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	struct detstream *m = arg;
	size_t n = detstore_count(m->s), len = 0, cap = 64 + n * (1100 + PLACER_FIELD_MAX);
	const struct detstore_rec **v = malloc((n ? n : 1) * sizeof *v);
	char *out = malloc(cap);

	if (r->query_len > 0) {
		free(v);
		free(out);
		return httpd_error(c, 400, "/detections takes no parameters");
	}
	if (v == NULL || out == NULL) {
		free(v);
		free(out);
		return httpd_error(c, 503, "Service Unavailable");
	}
	for (size_t i = 0; i < n; i++)
		v[i] = detstore_at(m->s, i);
	qsort(v, n, sizeof *v, by_time_desc);
	len = (size_t)snprintf(out, cap, "{\"type\":\"FeatureCollection\",\"features\":[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			out[len++] = ',';
		len += feature(v[i], out + len, cap - len);
	}
	len += (size_t)snprintf(out + len, cap - len, "]}\n");
	free(v);
	return httpd_respond_take(c, 200, "application/geo+json", out, len, NULL);
}

/* What is due after the cursor (what the client lacks), as much as fits;
 * then waiting for news. Detections are rare: each message's id is
 * formatted for its client. */
static int
writable(struct httpd_conn *c, void *user)
{
	struct dclient *cl = user;
	struct detstream *m = cl->m;
	const struct detstore_rec *e;
	size_t cap, len, k;
	char *buf = httpd_wbuf(&cap), id[QUAKE_KPOS_ID_MAX + 1];
	char line[QUAKE_DETECTION_FORMAT_MAX + PLACER_FIELD_MAX];
	size_t n;
	int lacks, head;

	len = sse_preamble(&cl->b, buf);
	while ((e = detstore_after(m->s, cl->cursor)) != NULL) {
		if ((lacks = pos_cursor_lacks(&cl->pos, &m->pos, e->src, e->off)) < 0)
			return -1;	/* out of memory: closed, it resumes */
		if (lacks) {
			head = e->seq == detstore_head(m->s) &&
			    pos_cursor_within(&cl->pos, &m->pos);
			k = head ? pos_head_id(&m->pos, id, sizeof id) :
			    pos_cursor_id(&cl->pos, &m->pos, e->src, e->off, id, sizeof id);
			memcpy(line, e->line, e->len);
			n = placer_splice(line, e->len, sizeof line, e->place, 1);
			if (len + k + n + 16 > cap)
				break;		/* full: the rest next time */
			len += (size_t)snprintf(buf + len, cap - len, "id: %s\ndata: %.*s\n\n",
			    id, (int)n, line);
			if (head)
				pos_cursor_took_head(&cl->pos, &m->pos);
			else
				pos_cursor_took(&cl->pos, e->src, e->off);
			m->messages++;
		}
		cl->cursor = e->seq;
	}
	if (len > 0 && httpd_write(c, len) != 0)
		return -1;
	if (e != NULL)
		httpd_want_write(c);
	else
		cl->b.waiting = 1;
	return 0;
}

static void
closed(struct httpd_conn *c, void *user)
{
	struct dclient *cl = user;

	sse_list_remove(&cl->m->list, &cl->b);
	pos_cursor_free(&cl->pos);
	free(cl);
}

static const struct httpd_stream_ops ops = { writable, closed };

int
detstream_open(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	struct detstream *m = arg;
	struct dclient *cl;
	const char *since = NULL, *why = NULL;
	size_t since_len = 0;
	int rc;

	if (r->query_len > 0 && (r->query_len < 7 || memcmp(r->query, "since=", 6) != 0 ||
	    memchr(r->query, '&', r->query_len) != NULL))
		return httpd_error(c, 400, "the one parameter is since=<id>");
	if (r->query_len > 0) {
		since = r->query + 6;
		since_len = r->query_len - 6;
	}
	if (r->last_event_id != NULL) {
		since = r->last_event_id;
		since_len = strlen(since);
	}
	if ((cl = calloc(1, sizeof *cl)) == NULL)
		return httpd_error(c, 503, "Service Unavailable");
	cl->m = m;
	if ((rc = pos_cursor_from(&cl->pos, &m->pos, since, since_len, &why)) < 0) {
		free(cl);
		return rc == -1 ? httpd_error(c, 400, why) :
		    httpd_error(c, 503, "Service Unavailable");
	}
	if (rc == 1)
		cl->b.note = SSE_OLDER;
	if (r->method == HTTPD_HEAD) {
		pos_cursor_free(&cl->pos);
		free(cl);
		return httpd_respond(c, 200, "text/event-stream", "", 0, NULL);
	}
	if (httpd_stream_begin(c, "text/event-stream", &ops, cl) != 0) {
		pos_cursor_free(&cl->pos);
		free(cl);
		return -1;
	}
	sse_list_add(&m->list, &cl->b, c);
	return 0;
}

void
detstream_keepalive(struct detstream *m)
{
	sse_list_keepalive(&m->list);
}

void
detstream_expire(struct detstream *m, int64_t now)
{
	detstore_expire(m->s, now);
}

size_t
detstream_metrics(const struct detstream *m, char *out, size_t cap)
{
	int n = snprintf(out, cap,
	    "# HELP quake_map_detections Detections held.\n"
	    "# TYPE quake_map_detections gauge\nquake_map_detections %zu\n"
	    "# HELP quake_map_detection_lines_total quake-shake lines read on stdin, by outcome.\n"
	    "# TYPE quake_map_detection_lines_total counter\n"
	    "quake_map_detection_lines_total{outcome=\"created\"} %lld\n"
	    "quake_map_detection_lines_total{outcome=\"updated\"} %lld\n"
	    "quake_map_detection_lines_total{outcome=\"stale\"} %lld\n"
	    "quake_map_detection_lines_total{outcome=\"outside\"} %lld\n"
	    "quake_map_detection_lines_total{outcome=\"rejected\"} %lld\n"
	    "quake_map_detection_lines_total{outcome=\"skipped\"} %lld\n"
	    "# HELP quake_map_detections_evicted_total Detections dropped by window or cap.\n"
	    "# TYPE quake_map_detections_evicted_total counter\n"
	    "quake_map_detections_evicted_total %llu\n"
	    "# HELP quake_map_detection_clients Detection stream clients connected.\n"
	    "# TYPE quake_map_detection_clients gauge\nquake_map_detection_clients %lld\n"
	    "# HELP quake_map_detection_messages_total Detection messages sent.\n"
	    "# TYPE quake_map_detection_messages_total counter\n"
	    "quake_map_detection_messages_total %lld\n",
	    detstore_count(m->s), m->created, m->updated, m->stale, m->outside,
	    m->rejected, m->skipped, (unsigned long long)detstore_evicted(m->s),
	    m->list.count, m->messages);

	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
