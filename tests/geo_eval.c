/* geo_eval — quake_geo for tests/geo_ref.py: the region is a GeoJSON file,
 * "circle LAT LON KM" or "rect MINLAT MAXLAT MINLON MAXLON"; each stdin line
 * "LAT LON" gets "IN DISTANCE_KM" (distance to the circle's centre, or 0). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/geo.h"

int
main(int argc, char **argv)
{
	struct quake_geo_region r = { .kind = QUAKE_GEO_EVERYWHERE };
	struct quake_fail f;
	double lat, lon;

	if (argc == 5 && strcmp(argv[1], "circle") == 0) {
		r.kind = QUAKE_GEO_CIRCLE;
		r.lat = atof(argv[2]), r.lon = atof(argv[3]), r.radius_km = atof(argv[4]);
	} else if (argc == 6 && strcmp(argv[1], "rect") == 0) {
		r.kind = QUAKE_GEO_RECTANGLE;
		r.minlat = atof(argv[2]), r.maxlat = atof(argv[3]);
		r.minlon = atof(argv[4]), r.maxlon = atof(argv[5]);
	} else if (argc == 2) {
		static char buf[1 << 20];
		FILE *fp = fopen(argv[1], "r");
		size_t n = fp ? fread(buf, 1, sizeof buf, fp) : 0;
		if (fp)
			fclose(fp);
		if (quake_geo_parse_geojson(buf, n, &r, &f) != QUAKE_OK) {
			fprintf(stderr, "geo_eval: %s\n", f.reason);
			return 65;
		}
	} else {
		fprintf(stderr, "usage: geo_eval FILE | circle LAT LON KM | rect A B C D\n");
		return 64;
	}
	while (scanf("%lf %lf", &lat, &lon) == 2)
		printf("%d %.9f\n", quake_geo_contains(&r, lat, lon),
		    r.kind == QUAKE_GEO_CIRCLE ?
		    quake_geo_distance_km(r.lat, r.lon, lat, lon) : 0.0);
	quake_geo_free(&r);
	return 0;
}
