/* coinc — network coincidence: K devices whose triggers start within T of
 * each other and lie within R km of each other make one detection; later
 * onsets near it (within T of its last member, within R of its centroid)
 * join it instead of starting another: the group's detection is written
 * again, grown, with the id it was first written with. The
 * detection is a function of its members' onsets alone, not of the order
 * they came in: the coincidence stage after several detectors gives what
 * one detector gives. */
#ifndef QUAKE_COINC_H
#define QUAKE_COINC_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "lines/detection.h"

struct quake_coinc_conf {
	int k;			/* devices for a detection, >= 2 */
	int64_t window_us;	/* T */
	double radius_km;	/* R */
	int64_t hold_us;	/* onsets and groups kept this much trigger time
				 * past T for late arrivals (another stream) */
};

/* A device trigger's start. device is borrowed for the call. */
struct quake_onset {
	const char *device;
	int64_t time;		/* µs since the epoch */
	double lat, lon;
	double peak;		/* the trigger's peak as its onset line has it */
};

struct quake_coinc;

/* A detector into *out (caller owns; quake_coinc_free). QUAKE_EINPUT on a
 * bad conf, QUAKE_ENOMEM. */
enum quake_err quake_coinc_new(const struct quake_coinc_conf *conf,
    struct quake_coinc **out);
void quake_coinc_free(struct quake_coinc *c);

/* Add one onset (in any order within T + hold of the clock: the second
 * newest onset held, so that no one device's clock moves it). 1 when it
 * completes a new group: *d gets the id, time, centroid, device count,
 * radius and the largest member peak, members[0..d->devices) (up to cap)
 * the member device ids, newest onset first (ties by id; the order the id
 * and centroid are computed in), borrowed until the next call. 2 when it
 * joins a group as a new device: *d and members the group's revised
 * detection, with the id the group was first written with (the rest
 * computed over all members as above; a group keeps up to 256). 0
 * otherwise (also a device already in the group). QUAKE_ENOMEM as -1. */
int quake_coinc_add(struct quake_coinc *c, const struct quake_onset *o,
    struct quake_detection *d, const char **members, size_t cap);

#endif
