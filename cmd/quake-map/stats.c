/* stats — the aggregates a dashboard polls, computed on request from the
 * held events (a scan of at most --max-events numbers), and with --archive
 * from the table for a starttime before the window (a worker's read, the
 * answer made in the loop when it is done). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "fdsn/fdsnq.h"
#include "lines/event.h"
#include "stats.h"
#include "core/time.h"

#define MAX_BINS 100000

/* bin=5m|1h|1d (default 1h) and starttime= (default: the window's start,
 * *start left alone): 0, or -1 with *why. */
static int
params(const struct httpd_req *r, int64_t *us, const char **name,
    int64_t *start, const char **why)
{
	static const struct { const char *q, *name; int64_t s; } bins[] = {
		{ "5m", "5m", 300 }, { "1h", "1h", 3600 }, { "1d", "1d", 86400 },
	};
	const char *p = r->query, *e, *v;
	size_t n;
	char t[64];

	*us = 3600 * 1000000LL;
	*name = "1h";
	for (; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, '&');
		if (e == NULL)
			e = p + strlen(p);
		if ((v = memchr(p, '=', (size_t)(e - p))) == NULL)
			goto bad;
		n = (size_t)(e - v - 1);
		if (v - p == 3 && strncmp(p, "bin", 3) == 0) {
			size_t i;
			for (i = 0; i < sizeof bins / sizeof bins[0]; i++)
				if (n == strlen(bins[i].q) && strncmp(v + 1, bins[i].q, n) == 0)
					break;
			if (i == sizeof bins / sizeof bins[0])
				goto bad;
			*us = bins[i].s * 1000000;
			*name = bins[i].name;
		} else if (v - p == 9 && strncmp(p, "starttime", 9) == 0 && n < sizeof t) {
			memcpy(t, v + 1, n);
			t[n] = '\0';
			for (char *c = t; *c; c++)	/* "%3A" as sent by forms */
				if (c[0] == '%' && c[1] == '3' && (c[2] == 'A' || c[2] == 'a'))
					memmove(c, ":", 1), memmove(c + 1, c + 3, strlen(c + 3) + 1);
			if (quake_fdsnq_time(t, strlen(t), start, NULL) != QUAKE_OK)
				goto bad;
		} else
			goto bad;
	}
	return 0;
bad:
	*why = "bin must be 5m, 1h or 1d; starttime a time (2025-01-01 or 2025-01-01T06:00:00Z); nothing else";
	return -1;
}

static int
band(double mag)
{
	return mag < 2 ? 0 : mag < 4 ? 1 : mag < 6 ? 2 : 3;
}

/* The answer over [start, now] in bins of bin: the held events from
 * held_from on, and the table's lines (may be NULL) before it. */
static int
summary_answer(struct store *st, int64_t start, int64_t bin, const char *name,
    int64_t held_from, const char *lines, size_t llen, struct httpd_conn *c,
    const char *extra)
{
	int64_t now = quake_time_now(), nbins;
	char t0[QUAKE_TIME_LEN + 1], t1[QUAKE_TIME_LEN + 1];
	size_t held = store_count(st), cap, len;
	long long (*counts)[4];
	struct quake_event ev;
	struct quake_fail f;
	char *out;

	start -= ((start % bin) + bin) % bin;
	if ((nbins = (now - start) / bin + 1) > MAX_BINS)
		return httpd_error(c, 400, "more than 100000 bins: take a larger bin");
	if ((counts = calloc((size_t)nbins, sizeof *counts)) == NULL)
		return httpd_error(c, 503, "Service Unavailable");
	for (size_t i = 0; i < held; i++) {
		const struct store_ev *e = store_at(st, i);

		if (e->time >= start && e->time >= held_from && e->time <= now)
			counts[(e->time - start) / bin][band(e->mag)]++;
	}
	for (size_t s = 0, e; lines != NULL && s < llen; s = e + 1) {
		for (e = s; e < llen && lines[e] != '\n'; e++)
			;
		if (quake_event_parse_line(lines + s, e - s, &ev, &f) == QUAKE_OK &&
		    ev.time >= start && ev.time < held_from)
			counts[(ev.time - start) / bin][band(ev.mag)]++;
	}
	quake_time_format(start, t0);
	quake_time_format(now, t1);
	cap = 256 + (size_t)nbins * 4 * 22;
	if ((out = malloc(cap)) == NULL) {
		free(counts);
		return httpd_error(c, 503, "Service Unavailable");
	}
	len = (size_t)snprintf(out, cap, "{\"bin\":\"%s\",\"bin_seconds\":%lld,"
	    "\"start\":\"%s\",\"end\":\"%s\",\"bands\":[\"<2\",\"2-4\",\"4-6\","
	    "\">=6\"],\"counts\":[", name, (long long)(bin / 1000000), t0, t1);
	for (int64_t i = 0; i < nbins; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s[%lld,%lld,%lld,%lld]",
		    i ? "," : "", counts[i][0], counts[i][1], counts[i][2],
		    counts[i][3]);
	len += (size_t)snprintf(out + len, cap - len, "]}\n");
	free(counts);
	return httpd_respond_take(c, 200, "application/json", out, len, extra);
}

/* A /summary waiting for the table. */
struct spending {
	struct httpd_conn *c;	/* NULL once the client went */
	struct store *st;
	struct archive *ar;
	int64_t start, bin, edge;
	const char *name;
};

static void
spending_gone(void *user)
{
	((struct spending *)user)->c = NULL;
}

static void
summary_done(void *ctx, struct archive_job *j)
{
	struct spending *p = j->user;
	char why[800];

	if (p->c == NULL)
		return;
	if (j->status != 0) {
		snprintf(why, sizeof why, "Service Unavailable: the archive "
		    "(DynamoDB table %s) could not be read: %s",
		    archive_table(p->ar), j->why);
		httpd_error(p->c, 503, why);
		return;
	}
	summary_answer(p->st, p->start, p->bin, p->name, p->edge, j->lines,
	    j->len, p->c, NULL);
}

int
stats_summary(struct store *st, int64_t window, struct archive *ar,
    struct httpd_conn *c, const struct httpd_req *r)
{
	int64_t bin, now = quake_time_now(), start = now - window;
	int64_t edge = window > 0 ? now - window : INT64_MIN;
	const char *name, *why;
	size_t held = store_count(st);
	char t[QUAKE_TIME_LEN + 1], warn[300];

	if (window <= 0) {
		start = now;
		for (size_t i = 0; i < held; i++)
			if (store_at(st, i)->time < start)
				start = store_at(st, i)->time;
	}
	if (params(r, &bin, &name, &start, &why) != 0)
		return httpd_error(c, 400, why);
	if (start < 0)
		start = 0;
	if (start >= edge || start > now)
		return summary_answer(st, start, bin, name, INT64_MIN, NULL, 0, c, NULL);
	if (ar == NULL) {	/* counted from what is held: say so */
		quake_time_format(edge, t);
		snprintf(warn, sizeof warn, "Warning: 299 quake-map \"events are "
		    "held from %s; older ones are in the archive (quake-map "
		    "--archive TABLE)\"\x0d\x0a", t);
		return summary_answer(st, start, bin, name, INT64_MIN, NULL, 0, c, warn);
	}
	if ((now - (start - ((start % bin) + bin) % bin)) / bin + 1 > MAX_BINS)
		return httpd_error(c, 400, "more than 100000 bins: take a larger bin");
	struct archive_job *j = calloc(1, sizeof *j);
	struct spending *p = malloc(sizeof *p);

	if (j == NULL || p == NULL) {
		free(j);
		free(p);
		return httpd_error(c, 503, "Service Unavailable (out of memory)");
	}
	*p = (struct spending){ c, st, ar, start, bin, edge, name };
	j->user = p;
	j->done = summary_done;
	quake_time_format(start, j->flt.from);
	quake_time_format(edge, j->flt.to);
	if (httpd_defer(c, spending_gone, p) != 0) {
		archive_job_free(j);
		return -1;
	}
	archive_submit(ar, j);
	return 0;
}

int
stats_metrics(struct store *st, const struct stats_counters *k,
    const char *more, size_t more_len, struct httpd_conn *c)
{
	char b[8192];
	int n = snprintf(b, sizeof b,
	    "# HELP quake_map_events Events held.\n# TYPE quake_map_events gauge\n"
	    "quake_map_events %zu\n"
	    "# HELP quake_map_event_bytes Bytes of the held events' strings.\n"
	    "# TYPE quake_map_event_bytes gauge\nquake_map_event_bytes %zu\n"
	    "# HELP quake_map_lines_total Lines read on stdin, by outcome.\n"
	    "# TYPE quake_map_lines_total counter\n"
	    "quake_map_lines_total{outcome=\"created\"} %lld\n"
	    "quake_map_lines_total{outcome=\"updated\"} %lld\n"
	    "quake_map_lines_total{outcome=\"stale\"} %lld\n"
	    "quake_map_lines_total{outcome=\"outside\"} %lld\n"
	    "quake_map_lines_total{outcome=\"rejected\"} %lld\n"
	    "# HELP quake_map_evicted_total Events dropped by window or cap.\n"
	    "# TYPE quake_map_evicted_total counter\nquake_map_evicted_total %llu\n"
	    "# HELP quake_map_sse_clients Event stream clients connected.\n"
	    "# TYPE quake_map_sse_clients gauge\nquake_map_sse_clients %lld\n"
	    "# HELP quake_map_sse_messages_total Event messages sent.\n"
	    "# TYPE quake_map_sse_messages_total counter\n"
	    "quake_map_sse_messages_total %lld\n"
	    "# HELP quake_map_sse_bytes_total Event stream bytes sent.\n"
	    "# TYPE quake_map_sse_bytes_total counter\nquake_map_sse_bytes_total %lld\n"
	    "# HELP quake_map_sse_dropped_total Stream clients closed for falling behind.\n"
	    "# TYPE quake_map_sse_dropped_total counter\n"
	    "quake_map_sse_dropped_total %lld\n"
	    "# HELP quake_map_fdsn_queries_total FDSN queries, by outcome.\n"
	    "# TYPE quake_map_fdsn_queries_total counter\n"
	    "quake_map_fdsn_queries_total{outcome=\"answered\"} %lld\n"
	    "quake_map_fdsn_queries_total{outcome=\"cached\"} %lld\n"
	    "quake_map_fdsn_queries_total{outcome=\"rejected\"} %lld\n",
	    store_count(st), store_bytes(st), k->created, k->updated, k->stale,
	    k->outside, k->rejected, (unsigned long long)store_evicted(st),
	    k->sse_clients, k->sse_messages, k->sse_bytes, k->sse_dropped,
	    k->queries - k->cached - k->query_rejected, k->cached,
	    k->query_rejected);

	if (n < 0 || (size_t)n >= sizeof b)
		n = 0;
	if (more_len > sizeof b - (size_t)n)
		more_len = 0;
	memcpy(b + n, more, more_len);
	return httpd_respond(c, 200, "text/plain; version=0.0.4", b,
	    (size_t)n + more_len, NULL);
}
