/* places-bench FILE [N] — lib/places: the time to load the gazetteer (parse
 * and grid), then N lookups (default 200,000) of seeded random points
 * uniform on the sphere at population thresholds 0, 15,000, 100,000 and
 * 1,000,000, against a brute-force scan of every place (what a caller
 * without the grid would do; N/100 of those). Prints "KEY VALUE" lines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/geo.h"
#include "places/gazetteer.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long long rs = 88172645463325252ULL;
static double
rnd(void)	/* xorshift64, [0, 1) */
{
	rs ^= rs << 13, rs ^= rs >> 7, rs ^= rs << 17;
	return (rs >> 11) * (1.0 / 9007199254740992.0);
}

int
main(int argc, char **argv)
{
	static const long pops[] = { 0, 15000, 100000, 1000000 };
	size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 200000, len = 0, cap = 1 << 22;
	char *buf = malloc(cap), text[256];
	struct quake_gazetteer *g;
	struct quake_fail f;
	double t0, *lat, *lon, sink = 0;
	FILE *fp;

	if (argc < 2 || (fp = fopen(argv[1], "r")) == NULL || buf == NULL)
		return 64;
	len = fread(buf, 1, cap, fp);
	fclose(fp);
	t0 = now();
	if (quake_gazetteer_load(buf, len, &g, &f) != QUAKE_OK) {
		fprintf(stderr, "places-bench: %s\n", f.reason);
		return 65;
	}
	printf("places %zu\nload.ms %.2f\n", quake_gazetteer_count(g), (now() - t0) * 1e3);
	lat = malloc(n * sizeof *lat);
	lon = malloc(n * sizeof *lon);
	for (size_t i = 0; i < n; i++) {
		lat[i] = asin(2 * rnd() - 1) * 180 / M_PI;
		lon[i] = 360 * rnd() - 180;
	}
	for (size_t p = 0; p < sizeof pops / sizeof pops[0]; p++) {
		size_t nb = n / 100, m = quake_gazetteer_count(g);
		t0 = now();
		for (size_t i = 0; i < n; i++)
			sink += quake_gazetteer_describe(g, lat[i], lon[i], pops[p], text, sizeof text);
		printf("grid.%ld.per_s %.0f\n", pops[p], n / (now() - t0));
		t0 = now();
		for (size_t i = 0; i < nb; i++) {
			double best = INFINITY;
			for (size_t k = 0; k < m; k++) {
				const struct quake_place *pl = quake_gazetteer_place(g, k);
				double d;
				if (pl->population < pops[p])
					continue;
				d = quake_geo_distance_km(pl->lat, pl->lon, lat[i], lon[i]);
				if (d < best)
					best = d;
			}
			sink += best;
		}
		printf("brute.%ld.per_s %.0f\n", pops[p], nb / (now() - t0));
	}
	fprintf(stderr, "(%g)\n", sink);
	quake_gazetteer_free(g);
	free(buf), free(lat), free(lon);
	return 0;
}
