/* gazetteer — the nearest populated place to a point, as USGS names an
 * event's location: "23 km SSE of Petropavlovsk-Kamchatsky, Russia" (the
 * great-circle distance from the place, the 16-point compass direction from
 * the place to the point). The places come from a TSV file (web/tools/
 * places-build.mjs: name, country, lat, lon, population; '#' lines are
 * comments) the caller reads into memory; a 1-degree grid built once answers
 * a lookup in microseconds, right across the antimeridian and at the poles.
 * Knows nothing of earthquakes. */
#ifndef QUAKE_GAZETTEER_H
#define QUAKE_GAZETTEER_H

#include <stddef.h>

#include "core/err.h"

struct quake_gazetteer;

struct quake_place {
	const char *name;	/* owned by the gazetteer */
	const char *country;	/* "" when the file gives none */
	double lat, lon;
	long population;
};

/* Parse buf[0..len) (copied: buf may be freed after) into *out. A line that
 * is not five tab-separated fields with a name, a latitude in [-90, 90], a
 * longitude in [-180, 180] and a population >= 0 rejects the file:
 * QUAKE_EINPUT fills *f (field "line N"). QUAKE_ENOMEM. */
enum quake_err quake_gazetteer_load(const char *buf, size_t len,
    struct quake_gazetteer **out, struct quake_fail *f);

void quake_gazetteer_free(struct quake_gazetteer *g);

size_t quake_gazetteer_count(const struct quake_gazetteer *g);

/* The place of the file's index i (0-based, in file order). */
const struct quake_place *quake_gazetteer_place(const struct quake_gazetteer *g,
    size_t i);

/* The index of the place nearest (lat, lon) among those of at least minpop
 * people (equal distances: the earlier in the file), with its distance in km
 * (quake_geo_distance_km) in *km and the initial bearing from the place to
 * the point in degrees [0, 360) in *bearing (either may be NULL); -1 when no
 * place has minpop people. */
long quake_gazetteer_nearest(const struct quake_gazetteer *g, double lat,
    double lon, long minpop, double *km, double *bearing);

/* Initial great-circle bearing from point 1 to point 2, degrees [0, 360);
 * 0 (north) when the points coincide or point 1 is the south pole, 180
 * from the north pole. */
double quake_gazetteer_bearing(double lat1, double lon1, double lat2,
    double lon2);

/* The 16-point compass name of a bearing: "N", "NNE", ... "NNW" (sectors of
 * 22.5 degrees centred on each point). */
const char *quake_gazetteer_compass(double bearing);

/* "N km DIR of NAME, COUNTRY" (", COUNTRY" only when known; km rounded to
 * the nearest whole km) for the place nearest (lat, lon) of at least minpop
 * people into out[0..n). Returns the length it needed (as snprintf; out
 * truncated when >= n), or -1 when no place qualifies. */
int quake_gazetteer_describe(const struct quake_gazetteer *g, double lat,
    double lon, long minpop, char *out, size_t n);

#endif
