/* aftershock — aftershock suppression as USGS ENS does it: after a main
 * shock of at least a magnitude, events below (main - 2) within twice the
 * main shock's rupture length of its epicentre, for some days after it, are
 * not notified. Rupture length: Wells & Coppersmith (1994), subsurface
 * rupture length for all slip types, log10(RLD km) = -2.44 + 0.59 M
 * (docs/design.md, "Aftershocks"). A table of the main shocks seen, kept
 * for the longest window any rule asks. */
#ifndef QUAKE_AFTERSHOCK_H
#define QUAKE_AFTERSHOCK_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "lines/event.h"

struct quake_aftershock_main {
	char id[64];
	int64_t time;		/* origin, µs */
	double lat, lon, mag;
};

/* Plain storage; zero it to start. */
struct quake_aftershocks {
	size_t n, cap;
	struct quake_aftershock_main *m;	/* owned */
};

/* Wells & Coppersmith (1994) subsurface rupture length of magnitude mag,
 * km. */
double quake_aftershock_rupture_km(double mag);

/* 1 when ev is an aftershock of m for a rule suppressing for days_us:
 * later than m (within days_us), below m's magnitude - 2, within twice
 * m's rupture length of it; else 0. */
int quake_aftershock_of(const struct quake_aftershock_main *m,
    const struct quake_event *ev, int64_t days_us);

/* Remember ev as a main shock when its magnitude is at least minmag (a
 * newer revision of one replaces it); forget main shocks older than
 * now - keep_us. QUAKE_ENOMEM. */
enum quake_err quake_aftershocks_note(struct quake_aftershocks *a,
    const struct quake_event *ev, double minmag, int64_t keep_us,
    int64_t now);

/* The main shock (of at least minmag) ev is an aftershock of, or NULL;
 * borrowed until the next note. */
const struct quake_aftershock_main *quake_aftershocks_find(
    const struct quake_aftershocks *a, const struct quake_event *ev,
    double minmag, int64_t days_us);

void quake_aftershocks_free(struct quake_aftershocks *a);

#endif
