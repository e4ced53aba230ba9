/* geo — great-circle distance and point-in-region tests for alert rules. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/geo.h"

#define RAD (M_PI / 180.0)

double
quake_geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	double dlat = (lat2 - lat1) * RAD, dlon = (lon2 - lon1) * RAD;
	double a = sin(dlat / 2) * sin(dlat / 2) +
	    cos(lat1 * RAD) * cos(lat2 * RAD) * sin(dlon / 2) * sin(dlon / 2);

	if (a > 1.0)
		a = 1.0;
	return 2.0 * QUAKE_GEO_EARTH_KM * asin(sqrt(a));
}

/* Crossing-number test of (x, y) against one unwrapped ring. */
static int
ring_has(const struct quake_geo_ring *g, double x, double y)
{
	int in = 0;

	if (x < g->minlon || x > g->maxlon || y < g->minlat || y > g->maxlat)
		return 0;
	for (size_t i = 0, j = g->n - 1; i < g->n; j = i++) {
		double xi = g->lon[i], yi = g->lat[i], xj = g->lon[j], yj = g->lat[j];
		if ((yi > y) != (yj > y) &&
		    x < (xj - xi) * (y - yi) / (yj - yi) + xi)
			in = !in;
	}
	return in;
}

/* The ring holds the point at any of its three longitudes x, x ± 360 (the
 * ring's unwrapped longitudes may run past ±180). */
static int
ring_contains(const struct quake_geo_ring *g, double lat, double lon)
{
	return ring_has(g, lon, lat) || ring_has(g, lon + 360.0, lat) ||
	    ring_has(g, lon - 360.0, lat);
}

static int
polygon_contains(const struct quake_geo_polygon *p, double lat, double lon)
{
	if (p->nrings == 0 || !ring_contains(&p->rings[0], lat, lon))
		return 0;
	for (size_t i = 1; i < p->nrings; i++)
		if (ring_contains(&p->rings[i], lat, lon))
			return 0;
	return 1;
}

int
quake_geo_contains(const struct quake_geo_region *r, double lat, double lon)
{
	switch (r->kind) {
	case QUAKE_GEO_EVERYWHERE:
		return 1;
	case QUAKE_GEO_CIRCLE:
		/* cheap latitude band first: 1° of latitude is ~111.2 km */
		if (fabs(lat - r->lat) * RAD * QUAKE_GEO_EARTH_KM > r->radius_km + 1e-6)
			return 0;
		return quake_geo_distance_km(r->lat, r->lon, lat, lon) <= r->radius_km;
	case QUAKE_GEO_RECTANGLE:
		if (lat < r->minlat || lat > r->maxlat)
			return 0;
		if (lon == -180.0 && r->maxlon == 180.0)
			return 1;
		if (lon == 180.0 && r->minlon == -180.0)
			return 1;
		if (r->minlon <= r->maxlon)
			return lon >= r->minlon && lon <= r->maxlon;
		return lon >= r->minlon || lon <= r->maxlon;	/* across 180° */
	case QUAKE_GEO_POLYGON:
		for (size_t i = 0; i < r->npolys; i++)
			if (polygon_contains(&r->polys[i], lat, lon))
				return 1;
		return 0;
	}
	return 0;
}

void
quake_geo_free(struct quake_geo_region *r)
{
	for (size_t i = 0; i < r->npolys; i++) {
		for (size_t j = 0; j < r->polys[i].nrings; j++) {
			free(r->polys[i].rings[j].lon);
			free(r->polys[i].rings[j].lat);
		}
		free(r->polys[i].rings);
	}
	free(r->polys);
	r->polys = NULL;
	r->npolys = 0;
}

/* which side of a->b c lies: > 0 left, < 0 right, 0 on the line */
static double
orient(double ax, double ay, double bx, double by, double cx, double cy)
{
	return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

struct edge {
	double minx, maxx;
	size_t i;	/* from position i to i + 1 */
};

static int
by_minx(const void *a, const void *b)
{
	double x = ((const struct edge *)a)->minx, y = ((const struct edge *)b)->minx;

	return (x > y) - (x < y);
}

/* 0, or 1 with *ei < *ej when two edges of the ring g cross (each strictly
 * through the other; edges meeting at a vertex do not count): the edges
 * sorted by their west end, each checked against those starting before it
 * ends. -1 when out of memory. */
static int
ring_crosses(const struct quake_geo_ring *g, size_t *ei, size_t *ej)
{
	size_t m = g->n - 1;
	struct edge *e = malloc(m * sizeof *e);

	if (e == NULL)
		return -1;
	for (size_t i = 0; i < m; i++)
		e[i] = (struct edge){ fmin(g->lon[i], g->lon[i + 1]),
		    fmax(g->lon[i], g->lon[i + 1]), i };
	qsort(e, m, sizeof *e, by_minx);
	for (size_t a = 0; a < m; a++)
		for (size_t b = a + 1; b < m && e[b].minx <= e[a].maxx; b++) {
			size_t i = e[a].i, j = e[b].i;
			const double *x = g->lon, *y = g->lat;
			double o1, o2, o3, o4;
			if (i == j + 1 || j == i + 1 || (i == 0 && j == m - 1) ||
			    (j == 0 && i == m - 1))
				continue;	/* neighbours share a vertex */
			o1 = orient(x[i], y[i], x[i + 1], y[i + 1], x[j], y[j]);
			o2 = orient(x[i], y[i], x[i + 1], y[i + 1], x[j + 1], y[j + 1]);
			o3 = orient(x[j], y[j], x[j + 1], y[j + 1], x[i], y[i]);
			o4 = orient(x[j], y[j], x[j + 1], y[j + 1], x[i + 1], y[i + 1]);
			if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) &&
			    ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) {
				*ei = i < j ? i : j;
				*ej = i < j ? j : i;
				free(e);
				return 1;
			}
		}
	free(e);
	return 0;
}

/* One GeoJSON linear ring (array of [lon, lat] positions) into *g. */
static enum quake_err
parse_ring(const json_t *a, struct quake_geo_ring *g, struct quake_fail *f)
{
	size_t n = json_array_size(a);

	if (!json_is_array(a) || n < 4)
		return quake_err_fail(f, "polygon", "a ring needs at least 4 positions");
	if ((g->lon = calloc(n, sizeof *g->lon)) == NULL ||
	    (g->lat = calloc(n, sizeof *g->lat)) == NULL)
		return QUAKE_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const json_t *p = json_array_get(a, i);
		const json_t *x = json_array_get(p, 0), *y = json_array_get(p, 1);
		if (!json_is_number(x) || !json_is_number(y))
			return quake_err_fail(f, "polygon", "position %zu is not [lon, lat]", i);
		double lon = json_number_value(x), lat = json_number_value(y);
		if (!(lon >= -180.0 && lon <= 180.0 && lat >= -90.0 && lat <= 90.0))
			return quake_err_fail(f, "polygon", "position %zu out of range", i);
		if (i > 0) {	/* unwrap: the short way from the previous one */
			double d = lon - g->lon[i - 1];
			d -= 360.0 * floor((d + 180.0) / 360.0);
			lon = g->lon[i - 1] + d;
		}
		g->lon[i] = lon;
		g->lat[i] = lat;
		g->minlon = i == 0 || lon < g->minlon ? lon : g->minlon;
		g->maxlon = i == 0 || lon > g->maxlon ? lon : g->maxlon;
		g->minlat = i == 0 || lat < g->minlat ? lat : g->minlat;
		g->maxlat = i == 0 || lat > g->maxlat ? lat : g->maxlat;
	}
	g->n = n;
	if (fabs(g->lon[n - 1] - g->lon[0]) > 1e-9 || g->lat[n - 1] != g->lat[0])
		return quake_err_fail(f, "polygon", "a ring must end where it starts "
		    "(a ring around a pole cannot be one)");
	{
		size_t i = 0, j = 0;
		int x = ring_crosses(g, &i, &j);
		if (x < 0)
			return QUAKE_ENOMEM;
		if (x > 0)
			return quake_err_fail(f, "polygon", "a ring crosses itself "
			    "(its edges from positions %zu and %zu): it has no one "
			    "inside", i, j);
	}
	return QUAKE_OK;
}

/* Append the Polygon whose coordinates are c to r. */
static enum quake_err
add_polygon(const json_t *c, struct quake_geo_region *r, struct quake_fail *f)
{
	size_t n = json_array_size(c);
	struct quake_geo_polygon *np, *p;

	if (!json_is_array(c) || n == 0)
		return quake_err_fail(f, "polygon", "coordinates must be an array of rings");
	np = realloc(r->polys, (r->npolys + 1) * sizeof *np);
	if (np == NULL)
		return QUAKE_ENOMEM;
	r->polys = np;
	p = &r->polys[r->npolys++];
	p->nrings = 0;
	if ((p->rings = calloc(n, sizeof *p->rings)) == NULL)
		return QUAKE_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		enum quake_err err = parse_ring(json_array_get(c, i), &p->rings[i], f);
		p->nrings = i + 1;
		if (err != QUAKE_OK)
			return err;
	}
	return QUAKE_OK;
}

/* A geometry, Feature or FeatureCollection: its polygons appended to r. */
static enum quake_err
add_geometry(const json_t *g, struct quake_geo_region *r, struct quake_fail *f,
    int depth)
{
	const char *type = json_string_value(json_object_get(g, "type"));
	const json_t *c = json_object_get(g, "coordinates");
	enum quake_err err = QUAKE_OK;
	size_t i;
	json_t *v;

	if (type == NULL || depth > 2)
		return quake_err_fail(f, "polygon", "not a GeoJSON object");
	if (strcmp(type, "Polygon") == 0)
		return add_polygon(c, r, f);
	if (strcmp(type, "MultiPolygon") == 0) {
		if (!json_is_array(c) || json_array_size(c) == 0)
			return quake_err_fail(f, "polygon", "coordinates must be an array of polygons");
		json_array_foreach(c, i, v)
			if ((err = add_polygon(v, r, f)) != QUAKE_OK)
				return err;
		return QUAKE_OK;
	}
	if (strcmp(type, "Feature") == 0)
		return add_geometry(json_object_get(g, "geometry"), r, f, depth + 1);
	if (strcmp(type, "FeatureCollection") == 0) {
		const json_t *fs = json_object_get(g, "features");
		if (json_array_size(fs) == 0)
			return quake_err_fail(f, "polygon", "no features");
		json_array_foreach(fs, i, v)
			if ((err = add_geometry(v, r, f, depth + 1)) != QUAKE_OK)
				return err;
		return QUAKE_OK;
	}
	return quake_err_fail(f, "polygon", "GeoJSON type %.40s is not a "
	    "Polygon or MultiPolygon", type);
}

enum quake_err
quake_geo_parse_geojson(const char *buf, size_t len,
    struct quake_geo_region *r, struct quake_fail *f)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, 0, &je);
	enum quake_err err;

	memset(r, 0, sizeof *r);
	r->kind = QUAKE_GEO_POLYGON;
	if (root == NULL)
		return quake_err_fail(f, "polygon", "not JSON: %s (line %d)",
		    je.text, je.line);
	err = add_geometry(root, r, f, 0);
	json_decref(root);
	if (err != QUAKE_OK)
		quake_geo_free(r);
	return err;
}
