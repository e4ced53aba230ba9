/* quake-map — event lines on stdin, served over HTTP: a live map's page and
 * its Server-Sent Events stream, the FDSN event web service, a summary for
 * dashboards, health and metrics. The newest revision of each event is held
 * (the DynamoDB rule: a lastupdate not newer than the held one is ignored)
 * within --window of event time and --max-events. stdin is read by the same
 * event loop as the clients, in bounded batches, so no client can stall it.
 * With --archive, FDSN queries reaching before the window are answered from
 * the DynamoDB table too, read on a worker thread (archive.c). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lines/event.h"
#include "archive.h"
#include "lines/kpos.h"
#include "common/httpd.h"
#include "detstream.h"
#include "fdsnws.h"
#include "options.h"
#include "evstream.h"
#include "placer.h"
#include "pos.h"
#include "stats.h"
#include "store.h"
#include "tiles.h"
#include "core/ndjson.h"
#include "core/time.h"
#include "common/tool.h"

#define BATCH 5000		/* lines per turn of the event loop */

struct map {
	struct httpd *h;
	struct store *st;
	struct evstream *sse;
	struct fdsnws *fdsn;
	struct archive *ar;	/* --archive, or NULL */
	struct detstream *det;	/* quake-shake's detection lines */
	struct tiles tiles;	/* --tiles, for /basemap.json and the CSP */
	struct quake_ndjson *in;
	int64_t window;
	int ready, eof, status;
	struct stats_counters k;
	char stdin_topic[24];	/* "~<start µs>": where plain lines are read */
};

/* A line, maybe positioned (quake-consume --positions: the prefix says where
 * it was read); a plain one is placed at its line number in the stdin's
 * pseudo topic. Then a detection, or an event. */
static void
take_line(struct map *m, const struct quake_line *l)
{
	struct quake_event ev;
	struct quake_fail f = { "", "" };
	struct quake_line rec = *l;
	struct quake_kpos at = { m->stdin_topic, strlen(m->stdin_topic), 0,
	    (int64_t)l->lineno };
	size_t skip = 0;
	int src;

	if (quake_kpos_parse_prefix(l->buf, l->len, &at, &skip, &f) < 0) {
		m->k.lines++;
		m->k.rejected++;
		tool_reject(l->lineno, &f, l->buf, l->len);
		return;
	}
	rec.buf += skip;
	rec.len -= skip;
	if (detstream_take(m->det, &rec, &at))
		return;
	m->k.lines++;
	if (quake_event_parse_line(rec.buf, rec.len, &ev, &f) != QUAKE_OK) {
		m->k.rejected++;
		tool_reject(l->lineno, &f, l->buf, l->len);
		return;
	}
	if ((src = pos_read(evstream_pos(m->sse), &at)) == POS_NONE) {
		m->k.rejected++;
		quake_err_fail(&f, "position", "more than %d partitions", POS_MAX);
		tool_reject(l->lineno, &f, l->buf, l->len);
		return;
	}
	switch (store_put(m->st, &ev, quake_time_now(), src, at.offset)) {
	case STORE_NEW: m->k.created++; break;
	case STORE_UPDATED: m->k.updated++; break;
	case STORE_STALE: m->k.stale++; break;
	case STORE_OUTSIDE: m->k.outside++; break;
	case STORE_NOMEM:
		m->k.rejected++;
		quake_err_fail(&f, "", "out of memory");
		tool_reject(l->lineno, &f, l->buf, l->len);
		break;
	}
}

/* One batch of stdin: until it would wait (the first idle makes the map
 * ready), its end, or BATCH lines (then again, after the clients' turn). */
static void
on_input(void *arg)
{
	struct map *m = arg;
	struct quake_line l;
	struct quake_fail f;
	uint64_t head = store_head(m->st);
	enum quake_err err = QUAKE_OK;
	int n;

	for (n = 0; n < BATCH && !m->eof; n++) {
		err = tool_next_line(m->in, &l, &f, &m->status);
		if (err == QUAKE_OK)
			take_line(m, &l);
		else if (err == QUAKE_ETOOLONG) {
			m->k.lines++;
			m->k.rejected++;
			tool_reject(l.lineno, &f, NULL, 0);
		} else
			break;
	}
	if (err == QUAKE_EAGAIN)
		m->ready = 1;
	if (err == QUAKE_EOF) {
		m->ready = m->eof = 1;
		httpd_input_done(m->h);
		quake_log(QUAKE_LOG_INFO, "stdin ended; serving what is held", NULL);
	} else if (n == BATCH)
		httpd_input_again(m->h);
	if (store_head(m->st) != head)
		evstream_notify(m->sse);
}

static int
healthz(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	struct map *m = arg;

	if (!m->ready)
		return httpd_respond(c, 503, "text/plain", "starting: reading stdin\n",
		    24, "retry-after: 1\x0d\x0a");
	return httpd_respond(c, 200, "text/plain", "ok\n", 3, NULL);
}

static int
summary(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	struct map *m = arg;

	return stats_summary(m->st, m->window, m->ar, c, r);
}

static int
metrics(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	struct map *m = arg;
	struct evstream_stats s;
	struct fdsnws_stats q;
	char more[4096];
	size_t n = detstream_metrics(m->det, more, sizeof more);

	n += evstream_metrics(m->sse, more + n, sizeof more - n);

	evstream_stats(m->sse, &s);
	fdsnws_stats(m->fdsn, &q);
	m->k.sse_clients = s.clients;
	m->k.sse_messages = s.messages;
	m->k.sse_bytes = s.bytes;
	m->k.sse_dropped = s.dropped;
	m->k.queries = (long long)q.queries;
	m->k.cached = (long long)q.cached;
	m->k.query_rejected = (long long)q.rejected;
	return stats_metrics(m->st, &m->k, more, n, c);
}

static void
keepalive(void *arg)
{
	evstream_keepalive(((struct map *)arg)->sse);
	detstream_keepalive(((struct map *)arg)->det);
}

static void
expire(void *arg)
{
	struct map *m = arg;

	store_expire(m->st, quake_time_now());
	detstream_expire(m->det, quake_time_now());
}

/* the archive's worker finished a read */
static void
on_wake(void *arg)
{
	archive_finish(((struct map *)arg)->ar);
}

#define GH (HTTPD_GET | HTTPD_HEAD)

static enum quake_err
serve(struct map *m, struct httpd_config *cfg, struct quake_fail *f)
{
	const struct httpd_route routes[] = {
		{ "/events/stream", GH, evstream_open, m->sse },
		{ "/fdsnws/event/1/query", GH, fdsnws_query, m->fdsn },
		{ "/fdsnws/event/1/count", GH, fdsnws_count, m->fdsn },
		{ "/fdsnws/event/1/version", GH, fdsnws_version, m->fdsn },
		{ "/fdsnws/event/1/application.wadl", GH, fdsnws_wadl, m->fdsn },
		{ "/fdsnws/event/1/catalogs", GH, fdsnws_catalogs, m->fdsn },
		{ "/fdsnws/event/1/contributors", GH, fdsnws_contributors, m->fdsn },
		{ "/detections", GH, detstream_geojson, m->det },
		{ "/detections/stream", GH, detstream_open, m->det },
		{ "/summary", GH, summary, m },
		{ "/basemap.json", GH, tiles_basemap, &m->tiles },
		{ "/healthz", GH, healthz, m },
		{ "/metrics", GH, metrics, m },
	};
	enum quake_err err;

	cfg->routes = routes;
	cfg->nroutes = sizeof routes / sizeof routes[0];
	cfg->in_fd = 0;
	cfg->on_input = on_input;
	cfg->on_wake = on_wake;
	cfg->arg = m;
	cfg->csp = tiles_csp(&m->tiles);
	if ((err = httpd_open(cfg, &m->h, f)) != QUAKE_OK)
		return err;
	if (m->ar != NULL && archive_start(m->ar, m->h) != 0) {
		httpd_close(m->h);
		m->h = NULL;
		quake_err_fail(f, "archive", "cannot start its thread");
		return QUAKE_EUNAVAIL;
	}
	httpd_every(m->h, 15 * 1000000LL, keepalive, m);
	httpd_every(m->h, 10 * 1000000LL, expire, m);
	quake_log(QUAKE_LOG_INFO, "listening", "listen", cfg->listen, NULL);
	while (!tool_stop)
		httpd_run(m->h);
	archive_stop(m->ar);	/* it wakes nobody after this */
	httpd_close(m->h);	/* closes the streams before they are freed */
	m->h = NULL;
	return QUAKE_OK;
}

int
main(int argc, char **argv)
{
	struct map_opts o;
	struct httpd_config cfg = { .body_max = 0 };
	struct map m = { .window = 30LL * 86400 * 1000000 };
	struct quake_fail f = { "", "" };
	struct placer *pl;
	enum quake_err err;
	int rc;

	tool_init("quake-map");
	if ((rc = map_options(&o, argc, argv)) >= 0)
		return rc;
	cfg.listen = o.listen, cfg.assets = o.assets, cfg.cert = o.cert, cfg.key = o.key;
	m.window = o.window;
	if (tiles_init(&m.tiles, o.tiles, o.tiles_attr, &f) != QUAKE_OK)
		return map_usage(f.reason);
	if (o.dead != NULL && tool_dead_letter_open(o.dead) != 0)
		return QUAKE_EXIT_IOERR;
	if (o.ao.table != NULL && (m.ar = archive_new(&o.ao, &rc)) == NULL)
		return rc;
	if ((pl = placer_open(o.places, cfg.assets, &rc)) == NULL && rc != 0)
		return rc;
	if (strcmp(cfg.assets, QUAKE_ASSETS_DIR) == 0 && access(cfg.assets, X_OK) != 0) {
		quake_log(QUAKE_LOG_WARN, "no page: the assets directory is missing",
		    "assets", cfg.assets, NULL);
		cfg.assets = NULL;
	}
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	snprintf(m.stdin_topic, sizeof m.stdin_topic, "~%lld",
	    (long long)quake_time_now());
	if ((m.st = store_new(m.window, (size_t)o.max,
	    (uint64_t)quake_time_now())) == NULL ||
	    (m.sse = evstream_new(m.st, (size_t)o.queue)) == NULL ||
	    (m.fdsn = fdsnws_new(m.st)) == NULL ||
	    (m.det = detstream_new(m.window, (uint64_t)quake_time_now())) == NULL ||
	    quake_ndjson_open(0, QUAKE_EVENT_LINE_MAX * 2, &m.in) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	store_set_places(m.st, pl);
	detstream_set_places(m.det, pl);
	fdsnws_set_archive(m.fdsn, m.ar, m.window);
	err = serve(&m, &cfg, &f);
	if (err == QUAKE_EUNAVAIL && strcmp(f.field, "assets") == 0)
		err = QUAKE_ECONFIG;
	if (err != QUAKE_OK)
		quake_log(QUAKE_LOG_ERROR, "cannot serve", "field", f.field,
		    "reason", f.reason, NULL);
	rc = err != QUAKE_OK ? quake_err_exit_status(err) : m.status;
	quake_ndjson_close(m.in);
	archive_free(m.ar);	/* after httpd_close: no client waits on it */
	fdsnws_free(m.fdsn);
	detstream_free(m.det);
	evstream_free(m.sse);
	store_free(m.st);
	placer_free(pl);
	tool_dead_letter_close();
	return rc;
}
