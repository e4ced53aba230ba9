/* coinc — network coincidence: K devices whose triggers start within T of
 * each other and lie within R km of each other make one detection; later
 * onsets near it (within T of its last member, within R of its centroid)
 * join it instead of starting another, so a group is reported once. */
#ifndef QUAKE_COINC_H
#define QUAKE_COINC_H

#include <stddef.h>
#include <stdint.h>

#include "qerr.h"
#include "sample.h"

struct quake_coinc_conf {
	int k;			/* devices for a detection, >= 2 */
	int64_t window_us;	/* T */
	double radius_km;	/* R */
};

/* A device trigger's start. device is borrowed for the call. */
struct quake_onset {
	const char *device;
	int64_t time;		/* µs since the epoch */
	double lat, lon;
};

struct quake_coinc;

/* A detector into *out (caller owns; quake_coinc_free). QUAKE_EINPUT on a
 * bad conf, QUAKE_ENOMEM. */
enum quake_err quake_coinc_new(const struct quake_coinc_conf *conf,
    struct quake_coinc **out);
void quake_coinc_free(struct quake_coinc *c);

/* Add one onset. 1 when it completes a new group: *d gets the id, time,
 * centroid, device count and radius (peak 0: the caller knows the
 * triggers), members[0..d->devices) (up to cap) the member device ids,
 * borrowed until the next call. 0 otherwise, also when it joined a group.
 * QUAKE_ENOMEM as -1. */
int quake_coinc_add(struct quake_coinc *c, const struct quake_onset *o,
    struct quake_detection *d, const char **members, size_t cap);

#endif
