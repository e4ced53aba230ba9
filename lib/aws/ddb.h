/* ddb — DynamoDB's JSON protocol for one table of events: the PutItem body
 * of an event (a conditional write that only ever moves an item forward in
 * lastupdate), the CreateTable body with the day/time index, and errors
 * parsed and classified. Pure functions: the HTTP is the caller's. */
#ifndef QUAKE_DDB_H
#define QUAKE_DDB_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "lines/event.h"

#define QUAKE_DDB_BODY_MAX 8192	/* a PutItem body always fits */
#define QUAKE_DDB_GSI "day-time-index"

/* Write the PutItem body for ev into out[cap]: every field of the event
 * line (numbers as N), "day" (S, YYYY-MM-DD of time), "ttl" (N, epoch
 * seconds) when ttl > 0, and the condition
 * attribute_not_exists(id) OR lastupdate < :lu, asking for the stored
 * item back when the condition fails. Returns the length, 0 if
 * it does not fit. */
size_t quake_ddb_put_body(const struct quake_event *ev, const char *table,
    int64_t ttl, char *out, size_t cap);

/* Write the CreateTable body (on-demand; key id; GSI day/time) for table
 * into out[cap]. Returns the length, 0 if it does not fit. */
size_t quake_ddb_create_table_body(const char *table, char *out, size_t cap);

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
