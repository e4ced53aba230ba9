/* ddb — DynamoDB's JSON protocol for one table of events: the PutItem body
 * of an event (a conditional write that only ever moves an item forward in
 * lastupdate), the CreateTable body with the day/time index, the Query (one
 * day partition of the index) and Scan bodies of a read, their answers
 * parsed back into events, and errors parsed and classified. Pure
 * functions: the HTTP is the caller's. */
#ifndef QUAKE_DDB_H
#define QUAKE_DDB_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/time.h"
#include "lines/event.h"

#define QUAKE_DDB_BODY_MAX 8192	/* a PutItem body always fits */
#define QUAKE_DDB_GSI "day-time-index"
/* The sparse index of significant events: "sig" (S, YYYY-MM of time) is
 * set only on items of magnitude QUAKE_DDB_SIG_MAG or more, so a read of
 * those (minmagnitude >= 4.5) Queries a month partition of this index and
 * reads only them, not every item of every day. */
#define QUAKE_DDB_SIG_GSI "sig-time-index"
#define QUAKE_DDB_SIG_MAG 4.5

/* Write the PutItem body for ev into out[cap]: every field of the event
 * line (numbers as N), "day" (S, YYYY-MM-DD of time), "sig" (S, YYYY-MM of
 * time) when mag >= QUAKE_DDB_SIG_MAG, "ttl" (N, epoch seconds) when
 * ttl > 0, and the condition
 * attribute_not_exists(id) OR lastupdate < :lu, asking for the stored
 * item back when the condition fails. Returns the length, 0 if
 * it does not fit. */
size_t quake_ddb_put_body(const struct quake_event *ev, const char *table,
    int64_t ttl, char *out, size_t cap);

/* Write the CreateTable body (on-demand; key id; GSIs day/time and
 * sig/time) for table into out[cap]. Returns the length, 0 if it does not
 * fit. */
size_t quake_ddb_create_table_body(const char *table, char *out, size_t cap);

/* What a read keeps, besides the time range: applied by DynamoDB as a
 * FilterExpression (capacity is charged for what is read) and again by
 * quake_ddb_filter_match. A box with minlon > maxlon crosses 180°. */
struct quake_ddb_filter {
	char from[QUAKE_TIME_LEN + 1], to[QUAKE_TIME_LEN + 1];	/* "": open */
	int has_mag, has_box;
	double minmag;
	double minlat, maxlat, minlon, maxlon;
};

#define QUAKE_DDB_KEY_MAX 1024	/* a LastEvaluatedKey as compact JSON */

/* Write the Query body for one day partition ("YYYY-MM-DD") of the
 * day-time-index, or one month partition ("YYYY-MM") of the
 * sig-time-index: time between flt->from and flt->to (inclusive; "" is
 * the day's or month's start or end), the magnitude and box as a filter,
 * continuing after start_key (a LastEvaluatedKey's JSON, NULL or "" for
 * the first page). Returns the length, 0 if it does not fit. */
size_t quake_ddb_query_body(const char *table, const char *day,
    const struct quake_ddb_filter *flt, const char *start_key, char *out,
    size_t cap);

/* Write the Scan body of segment seg of total (total 1: the whole table)
 * with every part of flt as a filter, continuing after start_key. */
size_t quake_ddb_scan_body(const char *table, int seg, int total,
    const struct quake_ddb_filter *flt, const char *start_key, char *out,
    size_t cap);

/* 1 when ev passes flt (the time range included). */
int quake_ddb_filter_match(const struct quake_ddb_filter *flt,
    const struct quake_event *ev);

/* Called once per item of an answer, in order: err is QUAKE_OK and ev is
 * the item's event (validated), or QUAKE_EINPUT and f says why the item is
 * not one. Borrowed for the call. Non-zero stops the parse. */
typedef int (*quake_ddb_item_fn)(void *arg, enum quake_err err,
    const struct quake_event *ev, const struct quake_fail *f);

/* Parse a Query or Scan answer {"Items":[…],"Count":n,
 * "LastEvaluatedKey":{…}} from body[0..len): fn gets each item; next_key
 * (cap bytes) gets the LastEvaluatedKey as compact JSON, "" when this was
 * the last page. QUAKE_EINPUT (*f) when the answer is not one (then fn
 * may have had some items), or the key does not fit. *nitems (may be NULL)
 * gets how many items fn was given. */
enum quake_err quake_ddb_parse_items(const char *body, size_t len,
    quake_ddb_item_fn fn, void *arg, char *next_key, size_t cap,
    size_t *nitems, struct quake_fail *f);

/* What to do with a response. */
enum quake_ddb_outcome {
	QUAKE_DDB_OK,		/* stored */
	QUAKE_DDB_STALE,	/* condition failed: a newer revision is there */
	QUAKE_DDB_RETRY,	/* throttled, 5xx, network: back off, retry */
	QUAKE_DDB_REAUTH,	/* credentials expired or refused: refresh once */
	QUAKE_DDB_FATAL		/* the request itself is wrong: do not retry */
};

struct quake_ddb_error {
	char type[96];		/* "ConditionalCheckFailedException" */
	char message[256];
	char old_lastupdate[32];	/* the stored item's, when the condition
					 * failed and it came back; else "" */
};

/* Parse an error body {"__type":"…#Type","message":"…"} (either case of
 * "message") into *e (caller-owned). Never fails: unknown text leaves
 * type "" and message the start of the body. */
void quake_ddb_parse_error(const char *body, size_t len,
    struct quake_ddb_error *e);

/* Classify an HTTP status (0 = no response: network error) with its
 * parsed error. */
enum quake_ddb_outcome quake_ddb_classify(long http_status,
    const struct quake_ddb_error *e);

const char *quake_ddb_outcome_str(enum quake_ddb_outcome o);

#endif
