/* gazetteer — nearest populated place, distance and compass direction: the
 * TSV parsed once into a 1-degree grid; a lookup scans the cells of a
 * spherical cap's bounding box, grown until it holds the best. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/geo.h"
#include "places/gazetteer.h"

#define RAD (M_PI / 180.0)
#define NLAT 180
#define NLON 360

struct gz_pt {			/* one place in grid order */
	double lat, lon, coslat;
	long population;
	uint32_t index;		/* into places[] */
};

struct quake_gazetteer {
	char *text;			/* the file's copy; names point into it */
	struct quake_place *places;	/* file order */
	size_t n;
	struct gz_pt *pts;		/* grouped by cell, file order within */
	uint32_t *cell;			/* NLAT * NLON + 1 starts into pts */
};

static size_t
cell_of(double lat, double lon)
{
	int i = (int)floor(lat + 90.0), j = (int)floor(lon + 180.0);

	i = i < 0 ? 0 : i >= NLAT ? NLAT - 1 : i;
	j = ((j % NLON) + NLON) % NLON;
	return (size_t)i * NLON + (size_t)j;
}

/* The number a field of [s, e) holds, whole; 0 when it is not one. */
static int
field_num(char *s, char *e, double *v)
{
	char *end;

	if (s == e)
		return 0;
	*e = '\0';
	errno = 0;
	*v = strtod(s, &end);
	return end == e && errno == 0 && isfinite(*v);
}

static enum quake_err
parse(struct quake_gazetteer *g, size_t len, struct quake_fail *f)
{
	size_t cap = 0, lineno = 0;
	char *p = g->text, *end = g->text + len;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		char *fs[6], *q = p;
		double lat, lon, pop;
		int k = 0;

		lineno++;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p || *p == '#')
			goto next;
		fs[k++] = p;
		for (; q < le; q++)
			if (*q == '\t') {
				if (k == 5)
					return quake_err_fail(f, "places", "line %zu: more than 5 fields", lineno);
				*q = '\0';
				fs[k++] = q + 1;
			}
		*le = '\0';
		if (k != 5)
			return quake_err_fail(f, "places", "line %zu: %d fields, want name, "
			    "country, lat, lon, population", lineno, k);
		fs[5] = le + 1;
		if (*fs[0] == '\0')
			return quake_err_fail(f, "places", "line %zu: no name", lineno);
		if (!field_num(fs[2], fs[3] - 1, &lat) || lat < -90.0 || lat > 90.0)
			return quake_err_fail(f, "places", "line %zu: latitude not in [-90, 90]", lineno);
		if (!field_num(fs[3], fs[4] - 1, &lon) || lon < -180.0 || lon > 180.0)
			return quake_err_fail(f, "places", "line %zu: longitude not in [-180, 180]", lineno);
		if (!field_num(fs[4], le, &pop) || pop < 0 || pop > 1e15 || pop != floor(pop))
			return quake_err_fail(f, "places", "line %zu: population not a whole number >= 0", lineno);
		if (g->n == UINT32_MAX - 1)
			return quake_err_fail(f, "places", "line %zu: too many places", lineno);
		if (g->n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			struct quake_place *np = realloc(g->places, nc * sizeof *np);
			if (np == NULL)
				return QUAKE_ENOMEM;
			g->places = np;
			cap = nc;
		}
		g->places[g->n++] = (struct quake_place){ .name = fs[0],
		    .country = fs[1], .lat = lat, .lon = lon, .population = (long)pop };
next:
		p = nl ? nl + 1 : end;
	}
	return QUAKE_OK;
}

static enum quake_err
build_grid(struct quake_gazetteer *g)
{
	size_t ncell = (size_t)NLAT * NLON;
	uint32_t *fill;

	if ((g->cell = calloc(ncell + 1, sizeof *g->cell)) == NULL ||
	    (g->pts = calloc(g->n ? g->n : 1, sizeof *g->pts)) == NULL ||
	    (fill = calloc(ncell, sizeof *fill)) == NULL)
		return QUAKE_ENOMEM;
	for (size_t i = 0; i < g->n; i++)
		g->cell[cell_of(g->places[i].lat, g->places[i].lon) + 1]++;
	for (size_t c = 0; c < ncell; c++)
		g->cell[c + 1] += g->cell[c];
	for (size_t i = 0; i < g->n; i++) {	/* stable: file order per cell */
		const struct quake_place *pl = &g->places[i];
		size_t c = cell_of(pl->lat, pl->lon);
		g->pts[g->cell[c] + fill[c]++] = (struct gz_pt){ .lat = pl->lat,
		    .lon = pl->lon, .coslat = cos(pl->lat * RAD),
		    .population = pl->population, .index = (uint32_t)i };
	}
	free(fill);
	return QUAKE_OK;
}

enum quake_err
quake_gazetteer_load(const char *buf, size_t len, struct quake_gazetteer **out,
    struct quake_fail *f)
{
	struct quake_gazetteer *g = calloc(1, sizeof *g);
	enum quake_err err;

	*out = NULL;
	if (g == NULL || (g->text = malloc(len + 1)) == NULL) {
		free(g);
		return QUAKE_ENOMEM;
	}
	if (len > 0)
		memcpy(g->text, buf, len);
	g->text[len] = '\0';
	if ((err = parse(g, len, f)) != QUAKE_OK ||
	    (err = build_grid(g)) != QUAKE_OK) {
		quake_gazetteer_free(g);
		return err;
	}
	*out = g;
	return QUAKE_OK;
}

void
quake_gazetteer_free(struct quake_gazetteer *g)
{
	if (g == NULL)
		return;
	free(g->text);
	free(g->places);
	free(g->pts);
	free(g->cell);
	free(g);
}

size_t
quake_gazetteer_count(const struct quake_gazetteer *g)
{
	return g->n;
}

const struct quake_place *
quake_gazetteer_place(const struct quake_gazetteer *g, size_t i)
{
	return i < g->n ? &g->places[i] : NULL;
}

double
quake_gazetteer_bearing(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = lat1 * RAD, p2 = lat2 * RAD, dl = (lon2 - lon1) * RAD;
	double y = sin(dl) * cos(p2);
	double x = cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl);
	double b;

	if (lat1 >= 90.0)	/* from a pole every way is south, or north */
		return 180.0;
	if (lat1 <= -90.0 || (x == 0.0 && y == 0.0))
		return 0.0;
	b = atan2(y, x) / RAD;
	if (b < 0.0)
		b += 360.0;
	return b >= 360.0 ? 0.0 : b;
}

const char *
quake_gazetteer_compass(double bearing)
{
	static const char *const pt[16] = { "N", "NNE", "NE", "ENE", "E",
	    "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW" };
	double b = fmod(bearing, 360.0);

	if (!isfinite(b))
		return "N";
	if (b < 0.0)
		b += 360.0;
	return pt[(int)floor((b + 11.25) / 22.5) % 16];
}

/* The haversine term of quake_geo_distance_km from place p to the point:
 * the same expression, so the smallest is the nearest by that function. */
static double
hav(const struct gz_pt *p, double lat, double lon, double coslat)
{
	double dlat = (lat - p->lat) * RAD, dlon = (lon - p->lon) * RAD;
	double a = sin(dlat / 2) * sin(dlat / 2) +
	    p->coslat * coslat * sin(dlon / 2) * sin(dlon / 2);

	return a > 1.0 ? 1.0 : a;
}

struct best {
	double a;
	long index;
};

/* The places pts[k0..k1) into *b. */
static void
scan(const struct quake_gazetteer *g, uint32_t k0, uint32_t k1, double lat,
    double lon, double coslat, long minpop, struct best *b)
{
	for (uint32_t k = k0; k < k1; k++) {
		const struct gz_pt *p = &g->pts[k];
		double a;
		if (p->population < minpop)
			continue;
		a = hav(p, lat, lon, coslat);
		if (b->index < 0 || a < b->a || (a == b->a && p->index < b->index)) {
			b->a = a;
			b->index = p->index;
		}
	}
}

long
quake_gazetteer_nearest(const struct quake_gazetteer *g, double lat,
    double lon, long minpop, double *km, double *bearing)
{
	struct best b = { 0.0, -1 };
	double coslat, d, best;
	const struct quake_place *pl;

	if (!isfinite(lat) || !isfinite(lon) || lat < -90.0 || lat > 90.0)
		return -1;
	lon = fmod(lon, 360.0);		/* into [-180, 180) */
	if (lon >= 180.0)
		lon -= 360.0;
	else if (lon < -180.0)
		lon += 360.0;
	coslat = cos(lat * RAD);
	/* every place within d degrees of arc lies in the cap's bounding box:
	 * latitudes lat ± d, longitudes lon ± asin(sin d / cos lat) unless
	 * the cap holds a pole (then all); a best within d is the nearest, a
	 * best farther than d the radius of the next box (none: twice d) */
	for (d = 0.5;;) {
		double lo = lat - d, hi = lat + d, dlon = 360.0;
		int ilo, ihi, jlo, jhi, all = d >= 180.0;
		if (!all && lo > -90.0 && hi < 90.0) {
			double s = sin(d * RAD) / coslat;
			if (s < 1.0)
				dlon = asin(s) / RAD;
		}
		ilo = (int)floor(lo + 90.0 - 1e-9);
		ihi = (int)floor(hi + 90.0 + 1e-9);
		ilo = ilo < 0 ? 0 : ilo;
		ihi = ihi >= NLAT ? NLAT - 1 : ihi;
		jlo = (int)floor(lon - dlon + 180.0 - 1e-9);
		jhi = (int)floor(lon + dlon + 180.0 + 1e-9);
		if (all || jhi - jlo + 1 >= NLON)
			jlo = 0, jhi = NLON - 1;
		if (all || (size_t)(ihi - ilo + 1) * (size_t)(jhi - jlo + 1) >= g->n) {
			/* more cells than places: every place, in one pass */
			b.index = -1;
			scan(g, 0, (uint32_t)g->n, lat, lon, coslat, minpop, &b);
			break;
		}
		for (int i = ilo; i <= ihi; i++)
			for (int j = jlo; j <= jhi; j++) {
				size_t c = (size_t)i * NLON +
				    (size_t)(((j % NLON) + NLON) % NLON);
				scan(g, g->cell[c], g->cell[c + 1], lat, lon,
				    coslat, minpop, &b);
			}
		if (b.index < 0) {
			d *= 2.0;
			continue;
		}
		/* the best so far bounds the answer: one more box of its
		 * radius holds the nearest */
		best = 2.0 * asin(sqrt(b.a)) / RAD;
		if (best <= d)
			break;
		d = best * (1.0 + 1e-12) + 1e-12;
	}
	if (b.index < 0)
		return -1;
	pl = &g->places[b.index];
	if (km)
		*km = quake_geo_distance_km(pl->lat, pl->lon, lat, lon);
	if (bearing)
		*bearing = quake_gazetteer_bearing(pl->lat, pl->lon, lat, lon);
	return b.index;
}

int
quake_gazetteer_describe(const struct quake_gazetteer *g, double lat,
    double lon, long minpop, char *out, size_t n)
{
	double km, brg;
	long i = quake_gazetteer_nearest(g, lat, lon, minpop, &km, &brg);
	const struct quake_place *pl;

	if (i < 0)
		return -1;
	pl = &g->places[i];
	return snprintf(out, n, "%.0f km %s of %s%s%s", floor(km + 0.5),
	    quake_gazetteer_compass(brg), pl->name, pl->country[0] ? ", " : "",
	    pl->country);
}
