/* say — what quake-alert's notices say, per target kind: the webhook's
 * JSON, ntfy's headers and message, the email (subject like the ntfy title,
 * a plain-text body, a Message-ID from the notice id). Where an event is
 * comes from the rule's own "place" (circle rules: "74 km SSW of PLACE"),
 * else the gazetteer (--places), else EMSC's region; the time is the
 * rule's zone beside UTC; the link is the map's permalink (--url). */
#ifndef QUAKE_ALERT_SAY_H
#define QUAKE_ALERT_SAY_H

#include <stddef.h>
#include <stdint.h>

#include "alert/rules.h"
#include "deliver.h"
#include "lines/detection.h"
#include "places/gazetteer.h"

/* The gazetteer from path (--places), or when path is NULL from the
 * installed one (PREFIX/share/quake/places.tsv) or the one built beside
 * the binary (build/bin/../share/quake/places.tsv), if there. 0, or 78
 * after one logged line when a file given cannot be read or parsed. */
int say_places(const char *path);

/* For the run: rs and map_url (may be NULL) borrowed. */
void say_init(struct quake_rules *rs, const char *map_url);

void say_free(void);

/* n's body (and ntfy headers) for ev: n->rule, n->target and n->id set;
 * band and threshold as decided. */
void say_event(struct notice *n, const struct quake_event *ev,
    enum quake_alert_kind kind, int band, double threshold);

/* n's body for a detection d (its line buf[0..len) for the webhook). */
void say_detection(struct notice *n, const struct quake_detection *d,
    const char *buf, size_t len);

/* A made-up event for rule i's test notice: at the centre of its region,
 * at its day threshold (4.5 when none), now. */
void say_test_event(size_t i, struct quake_event *ev);

#endif
