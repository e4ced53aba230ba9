/* archive — quake-map --archive: FDSN queries reaching before the window
 * read from the DynamoDB table on one worker thread (its own pool of
 * kept-alive connections, cmd/common/ddbread), so the event loop never
 * waits on the table. A job goes in from the loop, its lines come back to
 * the loop (httpd_wake), bounded by a deadline. */
#ifndef QUAKE_ARCHIVE_H
#define QUAKE_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "aws/ddb.h"
#include "common/httpd.h"

struct archive;

/* One read: asked by the loop, done by the worker, back to the loop. */
struct archive_job {
	struct quake_ddb_filter flt;	/* the range and the coarse filter */
	int64_t deadline;		/* µs: answered (maybe failed) by then */
	/* the worker's answer */
	int status;			/* 0, or ddbread's exit status */
	char why[512];
	char *lines;			/* canonical lines, "\n" after each */
	size_t len, cap, nlines;
	/* the loop's */
	void *user;			/* one malloc, freed with the job */
	void (*done)(void *ctx, struct archive_job *j);	/* in the loop */
	void *ctx;
	struct archive_job *next;
};

struct archive_opts {
	const char *table, *region, *endpoint, *profile;	/* borrowed */
	int imds_v1;
	long concurrency;		/* requests in flight (16) */
	int64_t timeout;		/* µs a query may take (20 s) */
};

/* Resolve the endpoint, check credentials, make the pool: NULL and *rc
 * the exit status when that fails (logged). */
struct archive *archive_new(const struct archive_opts *o, int *rc);

/* Start the worker; h (borrowed, open) is woken when a job is done. 0 or
 * -1. */
int archive_start(struct archive *a, struct httpd *h);

/* Queue job (owned by the archive until archive_done hands it back);
 * job->deadline is set from the timeout. */
void archive_submit(struct archive *a, struct archive_job *job);

/* In the loop, after a wake: each finished job's done(ctx, job), then the
 * job freed. */
void archive_finish(struct archive *a);

void archive_job_free(struct archive_job *job);

/* The table's name (borrowed). */
const char *archive_table(const struct archive *a);

/* Stop the worker (the job in hand is cut short) and wake nobody after:
 * before httpd_close. The jobs stay (their users still valid) until
 * archive_free. */
void archive_stop(struct archive *a);

/* Stop the worker if running, free every job and a. */
void archive_free(struct archive *a);

#endif
