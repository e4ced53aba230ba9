/* event — one earthquake event: parsed from an EMSC WebSocket frame, an FDSN
 * Feature or FeatureCollection, or an NDJSON event line; validated; and
 * written as the canonical event line of DESIGN.md. No allocation outlives a
 * call: struct quake_event is plain storage owned by the caller. */
#ifndef QUAKE_EVENT_H
#define QUAKE_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

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

/* Called once per feature of an FDSN page, in order: ev is set and err is
 * QUAKE_OK, or err is QUAKE_EINPUT and f says why (ev then unset). Both
 * pointers are borrowed for the call. Return non-zero to stop early. */
typedef int (*quake_event_feature_fn)(void *arg, size_t index,
    enum quake_err err, const struct quake_event *ev,
    const struct quake_fail *f);

/* Parse an FDSN FeatureCollection (or a lone Feature) in buf[0..len); every
 * feature becomes an event with action "update". *nfeatures (may be NULL)
 * gets the number of features seen. QUAKE_EINPUT (*f) when the page itself
 * is malformed; a bad feature only reaches fn. */
enum quake_err quake_event_parse_page(const char *buf, size_t len,
    quake_event_feature_fn fn, void *arg, size_t *nfeatures,
    struct quake_fail *f);

/* Check ranges and the id token of an event built by hand. */
enum quake_err quake_event_validate(const struct quake_event *ev,
    struct quake_fail *f);

/* Write the canonical event line (no newline, NUL-terminated) into out of
 * cap bytes (caller-owned; QUAKE_EVENT_LINE_MAX + 1 always suffices).
 * Returns the length, or 0 if it does not fit or a number is not finite. */
size_t quake_event_format(const struct quake_event *ev, char *out, size_t cap);

/* Write the shortest decimal text of finite d that reads back as d, always
 * with a fraction or exponent ("10.0", "-4.027"); out needs 32 bytes.
 * Returns the length, 0 if d is not finite. */
size_t quake_event_format_number(double d, char *out);

const char *quake_event_action_str(enum quake_action a);

#endif
