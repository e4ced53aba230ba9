/* fuzz_places — the gazetteer file parser (quake_gazetteer_load: TSV lines
 * of name, country, lat, lon, population): never crashes or leaks; a file it
 * accepts answers lookups (at the poles, across 180, in between) with a place
 * of the file at a distance no more than half the Earth round, and a text. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/geo.h"
#include "places/gazetteer.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double q[][2] = { { 90, 0 }, { -90, 0 }, { 0, 180 },
	    { 0, -180 }, { 38.7, -9.1 }, { -17.5, 179.99 }, { 53, 158.7 } };
	struct quake_gazetteer *g;
	struct quake_fail f;
	char out[96];

	if (quake_gazetteer_load((const char *)data, size, &g, &f) != QUAKE_OK)
		return 0;
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		double km = -1, b = -1;
		long k = quake_gazetteer_nearest(g, q[i][0], q[i][1], 0, &km, &b);
		if (k >= (long)quake_gazetteer_count(g) ||
		    (k < 0) != (quake_gazetteer_count(g) == 0))
			abort();
		if (k >= 0 && (!(km >= 0 && km <= M_PI * QUAKE_GEO_EARTH_KM + 1e-6) ||
		    !(b >= 0 && b < 360)))
			abort();
		if ((quake_gazetteer_describe(g, q[i][0], q[i][1], 0, out, sizeof out) < 0) != (k < 0))
			abort();
	}
	quake_gazetteer_free(g);
	return 0;
}
