/* stats — quake-map's /summary (counts per time bin and magnitude band)
 * and /metrics (Prometheus text) answers. */
#ifndef QUAKE_STATS_H
#define QUAKE_STATS_H

#include <stdint.h>

#include "common/httpd.h"
#include "store.h"

/* What /metrics reports beyond the store's own numbers. */
struct stats_counters {
	long long lines, rejected, stale, outside, updated, created;
	long long sse_clients, sse_messages, sse_bytes, sse_dropped;
	long long queries, cached, query_rejected;
};

struct archive;

/* GET /summary?bin=5m|1h|1d[&starttime=T] over the window (µs; 0: the span
 * held) or from T, up to now, from st (borrowed); before the window from
 * the archive ar (may be NULL: then what is held, with a Warning). */
int stats_summary(struct store *st, int64_t window, struct archive *ar,
    struct httpd_conn *c, const struct httpd_req *r);

/* GET /metrics; more[0..more_len) (other modules' lines) appended. */
int stats_metrics(struct store *st, const struct stats_counters *k,
    const char *more, size_t more_len, struct httpd_conn *c);

#endif
