/* dynamodb — a small DynamoDB client over libcurl for quake-ddb-put and
 * quake-ddb-get:
 * endpoint and region resolution, SigV4-signed requests (credentials from
 * libquake's chain, cached), a pool of kept-alive connections (curl multi)
 * for requests in flight, one synchronous call, and --create-table. The
 * bodies and the error classification are lib/aws/ddb's. Functions that can
 * fail log one line and return an exit status (0: ok); none exits. */
#ifndef QUAKE_DYNAMODB_H
#define QUAKE_DYNAMODB_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "aws/creds.h"
#include "aws/ddb.h"
#include "aws/sigv4.h"

#define DYNAMODB_RESP_MAX 16384	/* the start of an answer is kept, unless
				 * the pool's resp_max allows more */

struct dynamodb;

/* One request slot: an easy handle, its signed headers, its answer. */
struct dynamodb_req {
	CURL *h;
	struct curl_slist *hdrs;	/* hold the token and signature */
	int busy;			/* in the pool's multi handle */
	uint64_t seq;			/* the caller's: what it is for */
	struct dynamodb *pool;		/* the pool it belongs to */
	size_t rlen, rcap;
	int truncated;			/* the answer passed resp_max */
	char *resp;			/* rcap + 1 bytes, NUL-terminated */
};

/* What a finished request came to. */
struct dynamodb_result {
	enum quake_ddb_outcome outcome;
	long http_status;		/* 0: no answer */
	struct quake_ddb_error e;
	char why[512];			/* "HTTP 400 Type: message" or curl's */
};

struct dynamodb {
	const char *table, *region, *endpoint;	/* borrowed */
	char host[300];		/* Host header as curl sends it */
	char url[1200];
	struct quake_creds_cache cache;
	struct quake_sigv4_key sigkey;
	CURLM *multi;
	struct dynamodb_req *reqs;
	long nreqs;
	size_t resp_max;	/* answers kept whole up to this (set before
				 * dynamodb_pool_init; 0: DYNAMODB_RESP_MAX) */
};

/* 1 when name is a DynamoDB table name: 3-255 of a-z A-Z 0-9 _ . - */
int dynamodb_table_name_ok(const char *name);

/* Region and endpoint (d->region, d->endpoint may be set: flags) from the
 * environment, the profile, the instance; d->url and d->host from them.
 * 0 or 78. */
int dynamodb_resolve(struct dynamodb *d, const char *profile, int imds_v1);

/* What every DynamoDB client does first: libcurl's globals, the random
 * seed for backoff jitter, dynamodb_resolve, and the credential cache's
 * profile (borrowed) and IMDSv1 choice. 0 or an exit status (logged). */
int dynamodb_open(struct dynamodb *d, const char *profile, int imds_v1);

/* n request slots and their multi handle; 0 or 70. */
int dynamodb_pool_init(struct dynamodb *d, long n);

/* Credentials now, to fail fast before reading anything: 0 or the exit
 * status of why there are none. */
int dynamodb_creds_check(struct dynamodb *d);

/* Forget the cached credentials (refused): the next request refetches. */
void dynamodb_creds_refresh(struct dynamodb *d);

/* An idle slot, or NULL when all are busy. Borrowed from the pool. */
struct dynamodb_req *dynamodb_idle(struct dynamodb *d);

/* Sign a POST of body[0..len) (borrowed until it finishes) to target
 * ("PutItem") in r and start it. 0, or the exit status why not. */
int dynamodb_send(struct dynamodb *d, struct dynamodb_req *r,
    const char *target, const char *body, size_t len);

/* Move the requests in flight along. */
void dynamodb_perform(struct dynamodb *d);

/* A finished request, its slot idle again, and what it came to in *res;
 * NULL when none is finished. */
struct dynamodb_req *dynamodb_done(struct dynamodb *d,
    struct dynamodb_result *res);

/* Take r out of flight unfinished (its slot idle again). */
void dynamodb_abort(struct dynamodb *d, struct dynamodb_req *r);

/* 1 while a request is in flight. */
int dynamodb_busy(const struct dynamodb *d);

/* Sleep until an answer, stdin readable (when watch_stdin), or timeout_ms
 * (at most; curl may want less). */
void dynamodb_wait(struct dynamodb *d, int watch_stdin, long timeout_ms);

/* One synchronous request of body (a NUL-terminated string) to target on
 * slot 0: the answer in *res (and d->reqs[0].resp). 0, or the exit status
 * when it could not be signed. */
int dynamodb_call(struct dynamodb *d, const char *target, const char *body,
    struct dynamodb_result *res);

/* Create the table (day/time index) unless it exists, wait until it is
 * active (5 minutes at most), and turn on TTL when ttl is set. 0, 69 or
 * 78. */
int dynamodb_create_table(struct dynamodb *d, int ttl);

/* Abort what is in flight, free the pool, wipe the cached secrets. */
void dynamodb_free(struct dynamodb *d);

#endif
