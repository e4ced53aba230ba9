/* unit_gazetteer — lib/places against worked cases: the USGS example, the
 * 16 compass points and their sector edges, the nearest place across the
 * antimeridian and over the poles, the population threshold, and files
 * rejected line by line. tests/places_ref.py compares random points with
 * pyproj over the built file. */
#include <math.h>

#include "core/geo.h"
#include "places/gazetteer.h"
#include "unit.h"

static const char FILE_TSV[] =
    "# test places\n"
    "Petropavlovsk-Kamchatsky\tRussia\t53.04444\t158.65076\t187282\n"
    "Yelizovo\tRussia\t53.18735\t158.38081\t39548\n"
    "Suva\tFiji\t-18.14161\t178.44149\t77366\n"
    "Apia\tSamoa\t-13.83333\t-171.76666\t40407\n"
    "Longyearbyen\tSvalbard & Jan Mayen\t78.22334\t15.64689\t2060\n"
    "McMurdo\t\t-77.846\t166.676\t1000\r\n"
    "Lisbon\tPortugal\t38.71667\t-9.13333\t517802\n"
    "\n"
    "Twin A\tX\t10\t10\t5000\n"
    "Twin B\tX\t10\t10\t5000\n";

static struct quake_gazetteer *
load(const char *s, size_t n, struct quake_fail *f, enum quake_err *err)
{
	struct quake_gazetteer *g = NULL;

	*err = quake_gazetteer_load(s, n, &g, f);
	return g;
}

int
main(void)
{
	struct quake_fail f;
	enum quake_err err;
	struct quake_gazetteer *g = load(FILE_TSV, sizeof FILE_TSV - 1, &f, &err);
	char out[256];

	CHECK(err == QUAKE_OK && g != NULL, "load the test file");
	if (g == NULL)
		return 1;
	CHECK(quake_gazetteer_count(g) == 9, "9 places (comments, blank lines skipped)");
	CHECK_STR(quake_gazetteer_place(g, 5)->country, "", "empty country kept");
	CHECK_STR(quake_gazetteer_place(g, 5)->name, "McMurdo", "CRLF line's name");
	CHECK(quake_gazetteer_place(g, 9) == NULL, "index past the end");

	const struct { double b; const char *want; } cp[] = {
		{ 0, "N" }, { 11.2499, "N" }, { 11.25, "NNE" }, { 22.5, "NNE" },
		{ 45, "NE" }, { 67.5, "ENE" }, { 90, "E" }, { 112.5, "ESE" },
		{ 135, "SE" }, { 157.5, "SSE" }, { 180, "S" }, { 202.5, "SSW" },
		{ 225, "SW" }, { 247.5, "WSW" }, { 270, "W" }, { 292.5, "WNW" },
		{ 315, "NW" }, { 337.5, "NNW" }, { 348.74, "NNW" }, { 348.75, "N" },
		{ 359.999, "N" }, { 360, "N" }, { -22.5, "NNW" }, { 720 + 90, "E" },
	};
	for (size_t i = 0; i < NELEM(cp); i++)
		CHECK_STR(quake_gazetteer_compass(cp[i].b), cp[i].want, "compass %g", cp[i].b);

	const struct { double lat1, lon1, lat2, lon2, want; } br[] = {
		{ 0, 0, 1, 0, 0 }, { 0, 0, 0, 1, 90 }, { 0, 0, -1, 0, 180 },
		{ 0, 0, 0, -1, 270 }, { 0, 179.5, 0, -179.5, 90 },
		{ 0, -179.5, 0, 179.5, 270 }, { 89, 0, 89, 180, 0 },
		{ -89, 0, -89, 180, 180 }, { 10, 10, 10, 10, 0 },
	};
	for (size_t i = 0; i < NELEM(br); i++) {
		double b = quake_gazetteer_bearing(br[i].lat1, br[i].lon1, br[i].lat2, br[i].lon2);
		CHECK(fabs(b - br[i].want) < 1e-9, "bearing (%g,%g)->(%g,%g) = %g",
		    br[i].lat1, br[i].lon1, br[i].lat2, br[i].lon2, b);
	}

	/* distances and bearings as pyproj's Geod gives them on the same sphere */
	const struct { double lat, lon; long minpop; const char *want; } d[] = {
		{ 52.86, 158.78, 15000, "22 km SSE of Petropavlovsk-Kamchatsky, Russia" },
		{ 53.2, 158.35, 0, "2 km NW of Yelizovo, Russia" },
		{ 53.2, 158.35, 100000, "26 km NW of Petropavlovsk-Kamchatsky, Russia" },
		{ -17.0, -179.9, 0, "217 km NE of Suva, Fiji" },	/* across 180 */
		{ -13.5, -175.0, 0, "351 km W of Apia, Samoa" },
		{ 89.9, -170, 0, "1321 km N of Longyearbyen, Svalbard & Jan Mayen" },
		{ 90, 0, 0, "1310 km N of Longyearbyen, Svalbard & Jan Mayen" },
		{ -90, 0, 0, "1351 km S of McMurdo" },
		{ -89.9, 20, 0, "1361 km S of McMurdo" },
		{ 38.71667, -9.13333, 0, "0 km N of Lisbon, Portugal" },
		{ 10, 10.1, 0, "11 km E of Twin A, X" },	/* tie: first in file */
		{ 38.7, 350.87, 0, "2 km S of Lisbon, Portugal" },	/* lon + 360 */
	};
	for (size_t i = 0; i < NELEM(d); i++) {
		int n = quake_gazetteer_describe(g, d[i].lat, d[i].lon, d[i].minpop, out, sizeof out);
		CHECK_STR(n > 0 ? out : "(none)", d[i].want, "describe %g %g >= %ld",
		    d[i].lat, d[i].lon, d[i].minpop);
	}
	CHECK(quake_gazetteer_nearest(g, 0, 0, 1000000, NULL, NULL) == -1, "nobody of 1e6 people");
	CHECK(quake_gazetteer_describe(g, 0, 0, 1000000, out, sizeof out) == -1, "describe: none");
	CHECK(quake_gazetteer_nearest(g, NAN, 0, 0, NULL, NULL) == -1, "NaN latitude");
	CHECK(quake_gazetteer_nearest(g, 91, 0, 0, NULL, NULL) == -1, "latitude 91");
	{
		double km, b;
		long i = quake_gazetteer_nearest(g, 53.0, 160.0, 0, &km, &b);
		CHECK(i == 0 && fabs(km - quake_geo_distance_km(53.04444, 158.65076, 53.0, 160.0)) < 1e-9,
		    "nearest: index and distance by quake_geo_distance_km");
		CHECK(quake_gazetteer_describe(g, 53.0, 160.0, 0, out, 8) > 8 &&
		    strlen(out) == 7, "describe truncates as snprintf");
	}
	quake_gazetteer_free(g);

	const struct { const char *in, *reason; } bad[] = {
		{ "A\tB\t1\t2\n", "line 1: 4 fields" },
		{ "A\tB\t1\t2\t3\t4\n", "line 1: more than 5 fields" },
		{ "#\n\tB\t1\t2\t3\n", "line 2: no name" },
		{ "A\tB\t91\t2\t3\n", "line 1: latitude" },
		{ "A\tB\tx\t2\t3\n", "line 1: latitude" },
		{ "A\tB\t\t2\t3\n", "line 1: latitude" },
		{ "A\tB\t1\t180.1\t3\n", "line 1: longitude" },
		{ "A\tB\t1\tnan\t3\n", "line 1: longitude" },
		{ "A\tB\t1\t2\t-3\n", "line 1: population" },
		{ "A\tB\t1\t2\t3.5\n", "line 1: population" },
		{ "A\tB\t1\t2\t3 \n", "line 1: population" },
	};
	for (size_t i = 0; i < NELEM(bad); i++) {
		struct quake_gazetteer *b = load(bad[i].in, strlen(bad[i].in), &f, &err);
		CHECK(err == QUAKE_EINPUT && b == NULL &&
		    strncmp(f.reason, bad[i].reason, strlen(bad[i].reason)) == 0,
		    "reject %zu: %s (%s)", i, bad[i].reason, err == QUAKE_EINPUT ? f.reason : "accepted");
		quake_gazetteer_free(b);
	}
	g = load("", 0, &f, &err);
	CHECK(err == QUAKE_OK && quake_gazetteer_count(g) == 0 &&
	    quake_gazetteer_nearest(g, 0, 0, 0, NULL, NULL) == -1, "empty file: no place");
	quake_gazetteer_free(g);
	g = load("A\tB\t-90\t-180\t0", 14, &f, &err);
	CHECK(err == QUAKE_OK && quake_gazetteer_count(g) == 1, "last line without newline");
	CHECK(quake_gazetteer_describe(g, 90, 0, 0, out, sizeof out) > 0 &&
	    strcmp(out, "20015 km N of A, B") == 0, "pole to pole: %s", out);
	quake_gazetteer_free(g);
	return unit_failed;
}
