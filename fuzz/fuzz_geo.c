/* fuzz_geo — GeoJSON regions through quake_geo_parse_geojson (a rule's
 * polygon, inline or from a file): never crashes or leaks; what parses has
 * rings of at least 4 positions, closed, within its bounding box, and can
 * be asked about any point (its own vertices among them). */
#include <stdint.h>
#include <stdlib.h>

#include "core/geo.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quake_geo_region r = { 0 };
	struct quake_fail f;
	static const double pts[][2] = { { 0, 0 }, { 35.7, 139.7 }, { -89.9, 180 },
	    { 90, -180 }, { 0.5, 179.999 } };

	if (quake_geo_parse_geojson((const char *)data, size, &r, &f) != QUAKE_OK)
		return 0;
	if (r.kind != QUAKE_GEO_POLYGON || r.npolys == 0)
		abort();
	for (size_t p = 0; p < r.npolys; p++)
		for (size_t k = 0; k < r.polys[p].nrings; k++) {
			const struct quake_geo_ring *g = &r.polys[p].rings[k];
			if (g->n < 4 || g->lat[0] != g->lat[g->n - 1])
				abort();
			for (size_t i = 0; i < g->n; i++) {
				if (g->lat[i] < g->minlat || g->lat[i] > g->maxlat ||
				    g->lon[i] < g->minlon || g->lon[i] > g->maxlon)
					abort();
				(void)quake_geo_contains(&r, g->lat[i], g->lon[i]);
			}
		}
	for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++)
		(void)quake_geo_contains(&r, pts[i][0], pts[i][1]);
	quake_geo_free(&r);
	return 0;
}
