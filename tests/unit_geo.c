/* unit_geo — distances on the sphere and point-in-region tests, against
 * worked values (arcs of the sphere of radius QUAKE_GEO_EARTH_KM); the
 * random comparison with pyproj and shapely is tests/geo_ref.py. */
#include <math.h>

#include "core/geo.h"
#include "unit.h"

#define R QUAKE_GEO_EARTH_KM
#define ARC(deg) ((deg) * M_PI / 180.0 * R)

static struct quake_geo_region
poly(const char *json)
{
	struct quake_geo_region r;
	struct quake_fail f;

	if (quake_geo_parse_geojson(json, strlen(json), &r, &f) != QUAKE_OK)
		printf("FAIL parse %s: %s %s\n", json, f.field, f.reason);
	return r;
}

int
main(void)
{
	const struct { double lat1, lon1, lat2, lon2, km; const char *what; } dist[] = {
		{ 0, 0, 90, 0, ARC(90), "equator to pole" },
		{ 0, 0, 0, 180, ARC(180), "antipodes" },
		{ 0, 179.5, 0, -179.5, ARC(1), "1 degree across the antimeridian" },
		{ 89.9, 0, 89.9, 180, ARC(0.2), "over the north pole" },
		{ -89.5, 45, -89.5, -135, ARC(1), "over the south pole" },
		{ 10, 20, 10, 20, 0, "same point" },
		{ 60, 0, 60, 1, R * 2 * asin(cos(60 * M_PI / 180) * sin(0.5 * M_PI / 180)),
		  "1 degree of longitude at 60N" },
	};
	for (size_t i = 0; i < NELEM(dist); i++) {
		double d = quake_geo_distance_km(dist[i].lat1, dist[i].lon1,
		    dist[i].lat2, dist[i].lon2);
		CHECK(fabs(d - dist[i].km) < 1e-6, "distance %s (%.6f vs %.6f)",
		    dist[i].what, d, dist[i].km);
	}

	struct quake_geo_region pole = { .kind = QUAKE_GEO_CIRCLE, .lat = 89.5, .lon = 0, .radius_km = 100 };
	struct quake_geo_region fiji = { .kind = QUAKE_GEO_CIRCLE, .lat = -17.8, .lon = 178.0, .radius_km = 300 };
	struct quake_geo_region rect = { .kind = QUAKE_GEO_RECTANGLE, .minlat = -20, .maxlat = 20, .minlon = 170, .maxlon = -170 };
	struct quake_geo_region rect2 = { .kind = QUAKE_GEO_RECTANGLE, .minlat = 30, .maxlat = 45, .minlon = -10, .maxlon = 40 };
	struct quake_geo_region every = { .kind = QUAKE_GEO_EVERYWHERE };
	struct quake_geo_region hole = poly("{\"type\":\"Polygon\",\"coordinates\":["
	    "[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}");
	struct quake_geo_region multi = poly("{\"type\":\"Feature\",\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":["
	    "[[[0,0],[10,0],[10,10],[0,10],[0,0]]],[[[20,20],[30,20],[30,30],[20,20]]]]}}");
	struct quake_geo_region across = poly("{\"type\":\"Polygon\",\"coordinates\":["
	    "[[170,-10],[-170,-10],[-170,10],[170,10],[170,-10]]]}");
	struct quake_geo_region split = poly("{\"type\":\"FeatureCollection\",\"features\":["
	    "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[170,0],[180,0],[180,10],[170,10],[170,0]]]}},"
	    "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-180,0],[-170,0],[-170,10],[-180,10],[-180,0]]]}}]}");
	struct quake_geo_region acrosshole = poly("{\"type\":\"Polygon\",\"coordinates\":["
	    "[[170,-10],[-170,-10],[-170,10],[170,10],[170,-10]],[[-178,-2],[178,-2],[178,2],[-178,2],[-178,-2]]]}");
	const struct { const struct quake_geo_region *r; double lat, lon; int in; const char *what; } pts[] = {
		{ &pole, 88.7, 0, 1, "pole circle: 0.8 deg south" },
		{ &pole, 89.8, 170, 1, "pole circle: across the pole (<= 0.7 deg)" },
		{ &pole, 89.5, 180, 0, "pole circle: opposite side (1 deg)" },
		{ &pole, 88.5, 0, 0, "pole circle: 1 deg south" },
		{ &pole, 89.9, -90, 1, "pole circle: any longitude near the pole" },
		{ &fiji, -17.8, -179.5, 1, "fiji circle: across the antimeridian" },
		{ &fiji, -17.8, -177.0, 0, "fiji circle: 5 deg east" },
		{ &fiji, -15.2, 178.0, 1, "fiji circle: 2.6 deg north (289 km)" },
		{ &fiji, -15.0, 178.0, 0, "fiji circle: 2.8 deg north (311 km)" },
		{ &rect, 0, 175, 1, "rectangle across 180: west side" },
		{ &rect, 0, -175, 1, "rectangle across 180: east side" },
		{ &rect, 0, 180, 1, "rectangle across 180: lon 180" },
		{ &rect, 0, -180, 1, "rectangle across 180: lon -180" },
		{ &rect, 0, 0, 0, "rectangle across 180: lon 0" },
		{ &rect, 25, 175, 0, "rectangle across 180: north of it" },
		{ &rect2, 38, 23, 1, "rectangle: Greece" },
		{ &rect2, 38, 41, 0, "rectangle: east of it" },
		{ &every, -90, -180, 1, "everywhere" },
		{ &hole, 2, 2, 1, "polygon with a hole: in the shell" },
		{ &hole, 5, 5, 0, "polygon with a hole: in the hole" },
		{ &hole, 5, 11, 0, "polygon with a hole: outside" },
		{ &multi, 5, 5, 1, "multipolygon: first" },
		{ &multi, 22, 28, 1, "multipolygon: second (triangle)" },
		{ &multi, 28, 22, 0, "multipolygon: beside the triangle" },
		{ &multi, 15, 15, 0, "multipolygon: between" },
		{ &across, 0, 180, 1, "polygon across 180: lon 180" },
		{ &across, 0, -180, 1, "polygon across 180: lon -180" },
		{ &across, 5, -175, 1, "polygon across 180: east" },
		{ &across, -5, 175, 1, "polygon across 180: west" },
		{ &across, 0, 0, 0, "polygon across 180: lon 0" },
		{ &across, 0, 165, 0, "polygon across 180: west of it" },
		{ &across, 0, -165, 0, "polygon across 180: east of it" },
		{ &split, 5, 180, 1, "split at 180: lon 180" },
		{ &split, 5, -180, 1, "split at 180: lon -180" },
		{ &split, 5, 179.9, 1, "split at 180: west half" },
		{ &split, 5, -179.9, 1, "split at 180: east half" },
		{ &split, 5, 160, 0, "split at 180: outside" },
		{ &acrosshole, 0, 180, 0, "hole across 180: lon 180 in the hole" },
		{ &acrosshole, 1, -179, 0, "hole across 180: east part of the hole" },
		{ &acrosshole, 5, 180, 1, "hole across 180: shell north of the hole" },
		{ &acrosshole, 0, 175, 1, "hole across 180: shell west of the hole" },
	};
	for (size_t i = 0; i < NELEM(pts); i++)
		CHECK(quake_geo_contains(pts[i].r, pts[i].lat, pts[i].lon) == pts[i].in,
		    "contains: %s", pts[i].what);

	static const struct { const char *json, *reason; } bad[] = {
		{ "", "not JSON" },
		{ "{\"type\":\"Point\",\"coordinates\":[0,0]}", "GeoJSON type Point" },
		{ "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}", "at least 4" },
		{ "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}", "end where it starts" },
		{ "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,91],[0,0]]]}", "out of range" },
		{ "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,\"a\"],[1,1],[0,0]]]}", "not [lon, lat]" },
		{ "{\"type\":\"Polygon\",\"coordinates\":[]}", "array of rings" },
		{ "{\"type\":\"MultiPolygon\",\"coordinates\":[]}", "array of polygons" },
		{ "{\"type\":\"FeatureCollection\",\"features\":[]}", "no features" },
	};
	for (size_t i = 0; i < NELEM(bad); i++) {
		struct quake_geo_region r;
		struct quake_fail f = { "", "" };
		CHECK(quake_geo_parse_geojson(bad[i].json, strlen(bad[i].json), &r, &f) == QUAKE_EINPUT &&
		    strstr(f.reason, bad[i].reason) != NULL && strcmp(f.field, "polygon") == 0 &&
		    r.npolys == 0, "bad geojson %zu: %s (got %s)", i, bad[i].reason, f.reason);
	}
	quake_geo_free(&hole);
	quake_geo_free(&multi);
	quake_geo_free(&across);
	quake_geo_free(&split);
	quake_geo_free(&acrosshole);
	return unit_failed;
}
