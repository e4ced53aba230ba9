/* event — one earthquake event: parsed from an EMSC WebSocket frame, an FDSN
 * Feature or FeatureCollection, or an NDJSON event line; validated; and
 * written as the canonical event line of docs/design.md. No allocation
 * outlives a call: struct quake_event is plain storage owned by the caller.
 * JSON text itself (lexing, strings, numbers) is lib/core/json's. */
#ifndef QUAKE_EVENT_H
#define QUAKE_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum quake_action { QUAKE_ACTION_CREATE, QUAKE_ACTION_UPDATE };

struct quake_event {
	char id[64];
	enum quake_action action;
	int64_t time;		/* µs since the epoch, UTC */
	int64_t lastupdate;	/* µs since the epoch, UTC */
	double lat, lon, depth, mag;
	char magtype[32];
	char region[128];
	char evtype[32];
	char auth[64];
	char source_catalog[64];
	char source_id[64];
};

/* Upper bound of a canonical event line, without the newline, with every
 * string at its longest and fully \u-escaped. */
#define QUAKE_EVENT_LINE_MAX 4096

/* Parse one WebSocket frame {"action":…,"data":Feature} from buf[0..len)
 * into *ev (caller-owned) and validate it. QUAKE_EINPUT fills *f. */
enum quake_err quake_event_parse_frame(const char *buf, size_t len,
    struct quake_event *ev, struct quake_fail *f);

/* Parse one canonical (or reordered) event line from buf[0..len) into *ev
 * and validate it. Unknown or missing fields are rejected. */
enum quake_err quake_event_parse_line(const char *buf, size_t len,
    struct quake_event *ev, struct quake_fail *f);

/* The same; on QUAKE_OK *canonical (caller-owned) is 1 when buf[0..len) is
 * byte for byte what quake_event_format writes for *ev, so it can be passed
 * on as it is. */
enum quake_err quake_event_parse_line_canon(const char *buf, size_t len,
    struct quake_event *ev, int *canonical, struct quake_fail *f);

/* Called once per event of a document, in order: err is QUAKE_OK and ev is
 * set, or err is QUAKE_EINPUT, ev is NULL and f says why; raw is then the
 * compact JSON text of the bad feature (NULL for a frame, whose text the
 * caller has). All pointers are borrowed for the call. Non-zero stops. */
typedef int (*quake_event_fn)(void *arg, size_t index, enum quake_err err,
    const struct quake_event *ev, const struct quake_fail *f,
    const char *raw);

/* Parse one JSON document in buf[0..len): a WebSocket frame, an FDSN
 * Feature, or an FDSN FeatureCollection (features carry action "update").
 * fn gets each event. QUAKE_EINPUT (*f) when the document itself is not one
 * of the three; *nevents (may be NULL) gets how many events fn was given. */
enum quake_err quake_event_parse_doc(const char *buf, size_t len,
    quake_event_fn fn, void *arg, size_t *nevents, struct quake_fail *f);

/* Check ranges and the id token of an event built by hand. */
enum quake_err quake_event_validate(const struct quake_event *ev,
    struct quake_fail *f);

/* Write the canonical event line (no newline, NUL-terminated) into out of
 * cap bytes (caller-owned; QUAKE_EVENT_LINE_MAX + 1 always suffices).
 * Returns the length, or 0 if it does not fit or a number is not finite. */
size_t quake_event_format(const struct quake_event *ev, char *out, size_t cap);

const char *quake_event_action_str(enum quake_action a);

#endif
