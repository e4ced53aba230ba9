/* stalta-core FILE [PUSH] — lib/shake/stalta streamed over the float64 array
 * in FILE (as bench/stalta-obspy.py writes it): in pushes of PUSH samples
 * (default 100, a phone's push) through quake_stalta_run into a push-sized
 * buffer, as the detector takes them ("recursive", "classic"), and sample by
 * sample through quake_stalta_push ("recursive-sample", "classic-sample").
 * Best of 5 wall-clock seconds each, and a checksum (the values >= 3.5 and
 * the sum of each push's last value) so nothing is optimized away. */
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
	long push = argc > 2 ? atol(argv[2]) : 100;
	static const struct { enum quake_stalta_kind k; const char *name; } kinds[] = {
		{ QUAKE_STALTA_RECURSIVE, "recursive" }, { QUAKE_STALTA_CLASSIC, "classic" } };
	double *a, *cft;
	long n;

	if (fp == NULL || push < 1 || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp) / 8) <= 0)
		return 1;
	rewind(fp);
	if ((a = malloc((size_t)n * 8)) == NULL || fread(a, 8, (size_t)n, fp) != (size_t)n ||
	    (cft = malloc((size_t)push * 8)) == NULL)
		return 1;
	fclose(fp);
	for (int per_sample = 0; per_sample < 2; per_sample++)
		for (size_t k = 0; k < 2; k++) {
			double best = 1e9, sum = 0;
			long above = 0;
			for (int r = 0; r < 5; r++) {
				struct quake_stalta s;
				double t0 = now(), t;
				quake_stalta_init(&s, kinds[k].k, 50, 1000);
				if (per_sample)
					for (long i = 0; i < n; i++)
						above += quake_stalta_push(&s, a[i]) >= 3.5;
				else
					for (long i = 0; i < n; i += push) {
						long m = n - i < push ? n - i : push;
						quake_stalta_run(&s, a + i, cft, (size_t)m);
						for (long j = 0; j < m; j++)
							above += cft[j] >= 3.5;
						sum += cft[m - 1];
					}
				quake_stalta_free(&s);
				if ((t = now() - t0) < best)
					best = t;
			}
			printf("%s%s %.6f %ld %g\n", kinds[k].name, per_sample ? "-sample" : "",
			    best, above, sum);
		}
	free(a);
	free(cft);
	return 0;
}
