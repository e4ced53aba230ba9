/* detection — quake-shake's detection line (docs/design.md): several
 * phones shaking together, written by the detector and the coincidence
 * stage, read by quake-alert and quake-map, and keyed by its id in
 * quake-produce --kind detections (a detection's revisions share it, so
 * they stay in order). */
#ifndef QUAKE_DETECTION_H
#define QUAKE_DETECTION_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Several devices shaking together: earliest onset, centroid, how many,
 * the largest peak of their triggers so far, members' largest distance from
 * the centroid. Plain storage, the caller's. */
struct quake_detection {
	char id[64];			/* "shake-YYYYmmddTHHMMSS-xxxxxx" */
	int64_t time;
	double lat, lon, peak, radius_km;
	int devices;
};

#define QUAKE_DETECTION_FORMAT_MAX 1024	/* a detection line written */
#define QUAKE_DETECTION_LINE_MAX 2048	/* a detection line read, at most */

/* Write d's detection line (no newline, NUL-terminated) into out[cap]
 * (caller's); the length, 0 if it does not fit or a value is not finite.
 * The id is written as a JSON string (lib/core/json: '"', '\\' and control
 * bytes escaped). */
size_t quake_detection_format(const struct quake_detection *d, char *out,
    size_t cap);

/* Parse a detection line buf[0..len) (borrowed for the call) into *d (the
 * caller's): every field once, no other; id 1-63 bytes without control
 * bytes, time ISO-8601 UTC, lat/lon in range, devices an integer >= 1,
 * peak and radius_km non-negative. QUAKE_EINPUT (*f, the caller's, names
 * the field) otherwise, d->id then holding the id as far as it was read
 * ("" when it was refused: what quake-alert's status line names). */
enum quake_err quake_detection_parse(const char *buf, size_t len,
    struct quake_detection *d, struct quake_fail *f);

/* quake-produce --kind detections: validate buf[0..len) and write its Kafka
 * key, the detection's id, into key[cap] (caller's, cap >= 64). The key's
 * length, 0 on a rejected line (*f says why). */
size_t quake_detection_key(const char *buf, size_t len, char *key, size_t cap,
    struct quake_fail *f);

#endif
