/* stats — the aggregates a dashboard polls, computed on request from the
 * held events (a scan of at most --max-events numbers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "core/time.h"

#define MAX_BINS 100000

static int
bin_of(const struct httpd_req *r, int64_t *us, const char **name)
{
	static const struct { const char *q, *name; int64_t s; } bins[] = {
		{ "", "1h", 3600 }, { "bin=5m", "5m", 300 },
		{ "bin=1h", "1h", 3600 }, { "bin=1d", "1d", 86400 },
	};

	for (size_t i = 0; i < sizeof bins / sizeof bins[0]; i++)
		if (strcmp(r->query, bins[i].q) == 0) {
			*us = bins[i].s * 1000000;
			*name = bins[i].name;
			return 0;
		}
	return -1;
}

static int
band(double mag)
{
	return mag < 2 ? 0 : mag < 4 ? 1 : mag < 6 ? 2 : 3;
}

int
stats_summary(struct store *st, int64_t window, struct httpd_conn *c,
    const struct httpd_req *r)
{
	int64_t bin, now = quake_time_now(), start = now - window, nbins;
	const char *name;
	char t0[QUAKE_TIME_LEN + 1], t1[QUAKE_TIME_LEN + 1];
	size_t held = store_count(st), cap, len;
	long long (*counts)[4];
	char *out;

	if (bin_of(r, &bin, &name) != 0)
		return httpd_error(c, 400, "bin must be 5m, 1h or 1d (the only parameter)");
	if (window <= 0) {
		start = now;
		for (size_t i = 0; i < held; i++)
			if (store_at(st, i)->time < start)
				start = store_at(st, i)->time;
	}
	start -= ((start % bin) + bin) % bin;
	if ((nbins = (now - start) / bin + 1) > MAX_BINS)
		return httpd_error(c, 400, "more than 100000 bins: take a larger bin");
	if ((counts = calloc((size_t)nbins, sizeof *counts)) == NULL)
		return httpd_error(c, 503, "Service Unavailable");
	for (size_t i = 0; i < held; i++) {
		const struct store_ev *e = store_at(st, i);

		if (e->time >= start && e->time <= now)
			counts[(e->time - start) / bin][band(e->mag)]++;
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
	return httpd_respond_take(c, 200, "application/json", out, len, NULL);
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
