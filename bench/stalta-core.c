/* stalta-core FILE — lib/shake/stalta streamed sample by sample over the float64
 * array in FILE (as bench/stalta-obspy.py writes it): best of 5 wall-clock
 * seconds per kind, and a checksum so nothing is optimized away. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "shake/stalta.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	FILE *fp = argc > 1 ? fopen(argv[1], "rb") : NULL;
	static const struct { enum quake_stalta_kind k; const char *name; } kinds[] = {
		{ QUAKE_STALTA_RECURSIVE, "recursive" }, { QUAKE_STALTA_CLASSIC, "classic" } };
	double *a;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp) / 8) <= 0)
		return 1;
	rewind(fp);
	if ((a = malloc((size_t)n * 8)) == NULL || fread(a, 8, (size_t)n, fp) != (size_t)n)
		return 1;
	fclose(fp);
	for (size_t k = 0; k < 2; k++) {
		double best = 1e9, sum = 0;
		for (int r = 0; r < 5; r++) {
			struct quake_stalta s;
			double t0 = now();
			quake_stalta_init(&s, kinds[k].k, 50, 1000);
			for (long i = 0; i < n; i++)
				sum += quake_stalta_push(&s, a[i]);
			quake_stalta_free(&s);
			if (now() - t0 < best)
				best = now() - t0;
		}
		printf("%s %.6f %g\n", kinds[k].name, best, sum);
	}
	free(a);
	return 0;
}
