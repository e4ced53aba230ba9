/* trigger — quake-shake's onset and trigger lines (docs/design.md): one
 * phone's trigger, written when it starts (onset: peak and ratio so far) and
 * when it ends (trigger), read back by the coincidence stage (--coincide)
 * and quake-produce --kind triggers, which keys them by device. Unknown,
 * duplicate or missing fields are rejected. */
#ifndef QUAKE_TRIGGER_H
#define QUAKE_TRIGGER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "lines/samples.h"

/* One device trigger: onset and last sample, the largest magnitude and
 * STA/LTA ratio inside it. Plain storage, the caller's. */
struct quake_trigger {
	char device[QUAKE_SAMPLES_ID_MAX];
	int64_t on, off;		/* µs since the epoch */
	double peak, ratio;
	int has_loc;
	double lat, lon;
};

enum quake_trigger_kind {
	QUAKE_TRIGGER_KIND_ONSET,	/* "onset": an open trigger, no off */
	QUAKE_TRIGGER_KIND_TRIGGER	/* "trigger": a finished one */
};

#define QUAKE_TRIGGER_LINE_MAX 4096	/* longer lines are rejected unread */
/* what an onset or trigger line written needs, with its NUL */
#define QUAKE_TRIGGER_FORMAT_MAX (1024 + 6 * QUAKE_SAMPLES_ID_MAX)

/* Write t's trigger line (no newline, NUL-terminated) into out[cap]
 * (caller's); the length, 0 if it does not fit or a value is not finite.
 * The device is written as a JSON string (lib/core/json: '"', '\\' and
 * control bytes escaped). */
size_t quake_trigger_format(const struct quake_trigger *t, char *out,
    size_t cap);

/* Write the onset line of an open trigger (on, peak and ratio so far, its
 * location: required) into out[cap] (caller's); the length, 0 as above. */
size_t quake_trigger_format_onset(const struct quake_trigger *t, char *out,
    size_t cap);

/* Parse an onset or trigger line buf[0..len) (borrowed for the call) into
 * *t (caller's storage; off is 0 for an onset) and *kind (caller's).
 * QUAKE_EINPUT (*f, the caller's, says why). */
enum quake_err quake_trigger_parse(const char *buf, size_t len,
    struct quake_trigger *t, enum quake_trigger_kind *kind,
    struct quake_fail *f);

/* quake-produce --kind triggers: validate buf[0..len) and write its Kafka
 * key, "device:<id>" (one device's onset and trigger stay in order), into
 * key[cap] (caller's, cap >= 8 + QUAKE_SAMPLES_ID_MAX). The key's length, 0
 * on a rejected line (*f says why). */
size_t quake_trigger_key(const char *buf, size_t len, char *key, size_t cap,
    struct quake_fail *f);

#endif
