/* geo — the regions of alert rules on a sphere: great-circle distance, and
 * whether a point lies in a circle, a lon/lat rectangle or a GeoJSON
 * (Multi)Polygon with holes. Longitudes -180 and 180 are one meridian; a
 * rectangle with minlon > maxlon and a polygon edge spanning more than 180°
 * of longitude go across the antimeridian (the short way round). */
#ifndef QUAKE_GEO_H
#define QUAKE_GEO_H

#include <stddef.h>

#include "core/err.h"

/* IUGG mean Earth radius, the sphere the distances are measured on */
#define QUAKE_GEO_EARTH_KM 6371.0088

enum quake_geo_kind {
	QUAKE_GEO_EVERYWHERE, QUAKE_GEO_CIRCLE, QUAKE_GEO_RECTANGLE,
	QUAKE_GEO_POLYGON
};

/* One ring of a polygon, longitudes unwrapped (each within 180° of the one
 * before), so a ring across the antimeridian stays contiguous. */
struct quake_geo_ring {
	size_t n;
	double *lon, *lat;	/* owned by the region */
	double minlon, maxlon, minlat, maxlat;
};

struct quake_geo_polygon {
	size_t nrings;			/* ring 0 the shell, the rest holes */
	struct quake_geo_ring *rings;	/* owned by the region */
};

/* A region; plain storage owned by the caller, quake_geo_free releases what
 * a parse allocated. Latitude and longitude in degrees. */
struct quake_geo_region {
	enum quake_geo_kind kind;
	double lat, lon, radius_km;		/* circle */
	double minlat, maxlat, minlon, maxlon;	/* rectangle */
	size_t npolys;
	struct quake_geo_polygon *polys;	/* owned */
};

/* Great-circle distance in km between two points (haversine). */
double quake_geo_distance_km(double lat1, double lon1, double lat2,
    double lon2);

/* 1 when (lat, lon) lies in r (a point on a polygon's edge may fall either
 * way), else 0. */
int quake_geo_contains(const struct quake_geo_region *r, double lat,
    double lon);

/* Parse a GeoJSON Polygon, MultiPolygon, or a Feature or FeatureCollection
 * of them, from buf[0..len) into *r (kind QUAKE_GEO_POLYGON, the union of
 * all polygons). QUAKE_EINPUT fills *f; QUAKE_ENOMEM. On failure *r holds
 * nothing to free. */
enum quake_err quake_geo_parse_geojson(const char *buf, size_t len,
    struct quake_geo_region *r, struct quake_fail *f);

/* Release what *r owns (safe on a zeroed or non-polygon region). */
void quake_geo_free(struct quake_geo_region *r);

#endif
