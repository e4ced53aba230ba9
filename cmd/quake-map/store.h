/* store — quake-map's events: the newest revision of each, by id, within
 * a window of event time and a count cap (the oldest event time goes first),
 * compact (numbers plus one packed string block each), and a log of
 * revisions in sequence order so that a stream can resume after any seq. */
#ifndef QUAKE_STORE_H
#define QUAKE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lines/event.h"

struct store_ev {
	int64_t time, lastupdate;	/* µs since the epoch */
	double lat, lon, depth, mag;
	uint64_t seq;			/* of this revision */
	uint32_t heap;			/* position in the time heap */
	uint8_t action;
	uint16_t src;			/* where it was read: its stream's source */
	int64_t off;			/* and offset there (cmd/quake-map/pos.h) */
	char *s;			/* id\0magtype\0region\0evtype\0auth\0catalog\0source_id\0place\0 */
};

enum store_put {
	STORE_NEW, STORE_UPDATED,
	STORE_STALE,		/* lastupdate not newer than the held one */
	STORE_OUTSIDE,		/* older than the window, or than all when full */
	STORE_NOMEM
};

struct store;

/* window: µs of event time kept before now (0: no limit); max: events
 * held (>= 1); seq0: the first seq given out is seq0 + 1 (a start time in
 * µs keeps seqs rising across restarts). NULL when out of memory. Free
 * with store_free. */
struct store *store_new(int64_t window, size_t max, uint64_t seq0);
void store_free(struct store *s);

/* Take *ev (borrowed) as of now (µs), read from source src at offset off. */
enum store_put store_put(struct store *s, const struct quake_event *ev,
    int64_t now, int src, int64_t off);

/* Drop events older than the window; returns how many. */
size_t store_expire(struct store *s, int64_t now);

/* Events held, the highest seq given out, events evicted so far, and the
 * bytes of their packed strings. */
size_t store_count(const struct store *s);
uint64_t store_head(const struct store *s);
uint64_t store_evicted(const struct store *s);
size_t store_bytes(const struct store *s);

/* The held event i (0 <= i < store_count), for scans in no order. */
const struct store_ev *store_at(const struct store *s, size_t i);

/* The first held revision with seq > after and a magnitude of at least
 * minmag (below -3: any), or NULL when there is none or max records and
 * blocks of the log were looked at first; *visits (caller's) counts them.
 * *upto: every revision up to this seq is the one returned or was looked
 * at and is not wanted (with NULL: where to go on from; the head once all
 * is looked at). *hint (caller-owned, 0 at first) is where the last call
 * stopped: when still right, the log is walked on from there instead of
 * searched. A filtered walk steps over whole blocks of smaller magnitudes:
 * it looks at what it returns and the blocks around it, not at all held. */
const struct store_ev *store_after(const struct store *s, uint64_t after,
    double minmag, size_t *hint, size_t *visits, size_t max, uint64_t *upto);

struct placer;

/* Name each revision's place from p (borrowed, outlives s; NULL: none)
 * from now on: "23 km SSE of <town>, <country>", computed at store_put. */
void store_set_places(struct store *s, const struct placer *p);
const struct placer *store_places(const struct store *s);

/* The place of e ("" when none; borrowed from e). */
const char *store_place(const struct store_ev *e);

/* Unpack e (borrowed) into *out (caller-owned). */
void store_get(const struct store_ev *e, struct quake_event *out);

/* The id of e (borrowed from e). */
const char *store_id(const struct store_ev *e);

#endif
