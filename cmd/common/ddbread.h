/* ddbread — a range of a DynamoDB table of events read back: one Query per
 * day partition of day-time-index (per month of the sparse sig-time-index
 * when only events of M4.5 or more are asked for; or a parallel Scan), many in flight on a
 * struct dynamodb's pool, each paged with LastEvaluatedKey and retried with
 * backoff and full jitter; each event handed to the caller as its
 * canonical line, the days in time order. Shared by quake-ddb-get and
 * quake-map --archive (which runs it on a worker thread). Logs; never
 * exits. */
#ifndef QUAKE_DDBREAD_H
#define QUAKE_DDBREAD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/ddb.h"
#include "common/dynamodb.h"

struct ddbread_opts {
	struct quake_ddb_filter flt;	/* from and to set unless scan */
	int scan;			/* a Scan of nseg segments */
	int days;			/* 1: the day index even for minmag >= 4.5 */
	long concurrency;		/* the pool's size */
	long max_attempts;		/* per request */
	int64_t deadline;		/* µs; 0: none */
	volatile sig_atomic_t *stop;	/* stop when set (may be NULL) */
	/* each line (canonical, no newline), in order; non-zero stops */
	int (*line)(void *arg, const char *line, size_t len);
	void *arg;
};

struct ddbread_counts {
	long long pages, items, written, skipped, retries;
};

/* Read what o asks of d (pool ready, resp_max set). 0; 65 when items
 * were skipped (not events); 75 (given up after max attempts, a stop, the
 * deadline); 78 (the table, its index or access refused); 69, 70; why
 * (cap bytes) says what failed. *k (may be NULL) gets the counts. */
int ddbread_run(struct dynamodb *d, const struct ddbread_opts *o,
    struct ddbread_counts *k, char *why, size_t cap);

#endif
