/* places_eval — quake_gazetteer for tests/places_ref.py: loads the places
 * file FILE; each stdin line "LAT LON MINPOP" gets "INDEX KM BEARING TEXT"
 * (tab-separated; INDEX -1 when no place qualifies). */
#include <stdio.h>
#include <stdlib.h>

#include "places/gazetteer.h"

int
main(int argc, char **argv)
{
	struct quake_gazetteer *g;
	struct quake_fail f;
	double lat, lon, km = 0, brg = 0;
	long minpop;
	char *buf = NULL, text[512];
	size_t cap = 0, n = 0, r;
	FILE *fp;

	if (argc != 2 || (fp = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: places_eval FILE\n");
		return 64;
	}
	do {
		if (n == cap && (buf = realloc(buf, cap = cap ? cap * 2 : 1 << 20)) == NULL)
			return 70;
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
	} while (r > 0);
	fclose(fp);
	if (quake_gazetteer_load(buf, n, &g, &f) != QUAKE_OK) {
		fprintf(stderr, "places_eval: %s %s\n", f.field, f.reason);
		return 65;
	}
	free(buf);
	while (scanf("%lf %lf %ld", &lat, &lon, &minpop) == 3) {
		long i = quake_gazetteer_nearest(g, lat, lon, minpop, &km, &brg);
		if (quake_gazetteer_describe(g, lat, lon, minpop, text, sizeof text) < 0)
			text[0] = '\0';
		printf("%ld\t%.9f\t%.9f\t%s\n", i, km, brg, text);
	}
	quake_gazetteer_free(g);
	return 0;
}
