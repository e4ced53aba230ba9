/* dets — quake-map's detections (quake-shake's detection lines): the newest
 * revision of each id within the window of detection time, at most max of
 * them. A group only grows, so a line of a held id is newer when it has more
 * devices, then a higher peak, then a wider radius; anything else is stale.
 * Every revision taken gets a seq (seq0 + 1, + 1 each, as the event store's)
 * for the stream. Detections are rare (a busy day has a handful): linear
 * scans over at most max records. */
#ifndef QUAKE_DETS_H
#define QUAKE_DETS_H

#include <stddef.h>
#include <stdint.h>

#include "lines/sample.h"

struct dets;

/* One held detection and its canonical line (quake_sample_format_detection). */
struct dets_rec {
	struct quake_detection d;
	uint64_t seq;
	size_t len;
	char line[QUAKE_SAMPLE_LINE_MAX];
};

enum dets_put { DETS_NEW, DETS_UPDATED, DETS_STALE, DETS_OUTSIDE, DETS_NOMEM };

/* window: µs before now kept (0: all); max >= 1. NULL when out of memory.
 * Free with dets_free. */
struct dets *dets_new(int64_t window, size_t max, uint64_t seq0);
void dets_free(struct dets *s);

/* Take d (copied) at time now (µs). DETS_OUTSIDE: older than the window, or
 * the set is full of newer detections (when full, the oldest time goes). */
enum dets_put dets_put(struct dets *s, const struct quake_detection *d,
    int64_t now);

/* Drop what left the window; how many went. */
size_t dets_expire(struct dets *s, int64_t now);

/* Held, the highest seq given out (seq0 before any), evicted so far. */
size_t dets_count(const struct dets *s);
uint64_t dets_head(const struct dets *s);
uint64_t dets_evicted(const struct dets *s);

/* The i-th held record (any order; i < dets_count), borrowed until the next
 * dets_put or dets_expire. */
const struct dets_rec *dets_at(const struct dets *s, size_t i);

/* The held record with the lowest seq above seq, or NULL. */
const struct dets_rec *dets_after(const struct dets *s, uint64_t seq);

#endif
