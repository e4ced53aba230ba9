/* detstore — quake-map's detections (quake-shake's detection lines): the newest
 * revision of each id within the window of detection time, at most max of
 * them. A group only grows, so a line of a held id is newer when it has more
 * devices, then a higher peak, then a wider radius; anything else is stale.
 * Every revision taken gets a seq (seq0 + 1, + 1 each, as the event store's)
 * for the stream. Detections are rare (a busy day has a handful): linear
 * scans over at most max records. */
#ifndef QUAKE_DETSTORE_H
#define QUAKE_DETSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "lines/detection.h"
#include "placer.h"

struct detstore;

/* One held detection and its canonical line (quake_detection_format). */
struct detstore_rec {
	struct quake_detection d;
	uint64_t seq;
	int src;		/* where it was read (cmd/quake-map/pos.h) */
	int64_t off;
	size_t len;
	char line[QUAKE_DETECTION_FORMAT_MAX];
	char place[PLACER_MAX];	/* "" unless detstore_set_place named it */
};

enum detstore_put { DETS_NEW, DETS_UPDATED, DETS_STALE, DETS_OUTSIDE, DETS_NOMEM };

/* window: µs before now kept (0: all); max >= 1. NULL when out of memory.
 * Free with detstore_free. */
struct detstore *detstore_new(int64_t window, size_t max, uint64_t seq0);
void detstore_free(struct detstore *s);

/* Take d (copied) at time now (µs), read from source src at offset off.
 * DETS_OUTSIDE: older than the window, or the set is full of newer
 * detections (when full, the oldest time goes). */
enum detstore_put detstore_put(struct detstore *s, const struct quake_detection *d,
    int64_t now, int src, int64_t off);

/* Drop what left the window; how many went. */
size_t detstore_expire(struct detstore *s, int64_t now);

/* Held, the highest seq given out (seq0 before any), evicted so far. */
size_t detstore_count(const struct detstore *s);
uint64_t detstore_head(const struct detstore *s);
uint64_t detstore_evicted(const struct detstore *s);

/* The i-th held record (any order; i < detstore_count), borrowed until the next
 * detstore_put or detstore_expire. */
const struct detstore_rec *detstore_at(const struct detstore *s, size_t i);

/* Name the place of the revision seq (if still held): place (borrowed) is
 * copied, cut to PLACER_MAX - 1 bytes. */
void detstore_set_place(struct detstore *s, uint64_t seq, const char *place);

/* The held record with the lowest seq above seq, or NULL. */
const struct detstore_rec *detstore_after(const struct detstore *s, uint64_t seq);

#endif
