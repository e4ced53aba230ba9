/* trigline — quake-shake's onset and trigger lines read back: what the
 * coincidence stage (--coincide) reads and quake-produce --kind triggers
 * validates and keys. Fields as docs/design.md's line kinds; unknown,
 * duplicate or missing fields are rejected. */
#ifndef QUAKE_TRIGLINE_H
#define QUAKE_TRIGLINE_H

#include <stddef.h>

#include "core/err.h"
#include "lines/sample.h"

enum quake_trigline_kind {
	QUAKE_TRIGLINE_ONSET,	/* "onset": an open trigger, no off */
	QUAKE_TRIGLINE_TRIGGER	/* "trigger": a finished one */
};

#define QUAKE_TRIGLINE_MAX 4096	/* longer lines are rejected unread */

/* Parse an onset or trigger line buf[0..len) into *t (caller's storage;
 * off is 0 for an onset) and *kind. QUAKE_EINPUT (*f says why). */
enum quake_err quake_trigline_parse(const char *buf, size_t len,
    struct quake_trigger *t, enum quake_trigline_kind *kind,
    struct quake_fail *f);

/* quake-produce --kind triggers: validate buf[0..len) and write its Kafka
 * key, "device:<id>" (one device's onset and trigger stay in order), into
 * key[cap] (cap >= 8 + QUAKE_SAMPLE_ID_MAX). The key's length, 0 on a
 * rejected line (*f says why). */
size_t quake_trigline_key(const char *buf, size_t len, char *key, size_t cap,
    struct quake_fail *f);

#endif
