/* unit_coinc — network coincidence: K devices within T and R make one
 * detection; too few, too far, too late make none; later onsets join the
 * open group; the id is stable; pairwise distance is kept. */
#include <math.h>
#include <string.h>

#include "coinc.h"
#include "unit.h"

struct step { const char *dev; double t_s, lat, lon; int want; };

static int
run(const struct step *s, size_t n, int k, struct quake_detection *last)
{
	struct quake_coinc_conf conf = { .k = k, .window_us = 10000000, .radius_km = 20 };
	struct quake_coinc *c;
	const char *mem[16];
	int bad = 0;

	quake_coinc_new(&conf, &c);
	for (size_t i = 0; i < n; i++) {
		struct quake_onset o = { s[i].dev, (int64_t)(s[i].t_s * 1e6) +
		    1764576000000000LL, s[i].lat, s[i].lon };
		struct quake_detection d;
		int r = quake_coinc_add(c, &o, &d, mem, 16);
		if (r != s[i].want) {
			printf("  step %zu (%s): got %d want %d\n", i, s[i].dev, r, s[i].want);
			bad = 1;
		}
		if (r == 1)
			*last = d;
	}
	quake_coinc_free(c);
	return !bad;
}

static void
table(void)
{
	/* ~0.09 degrees of latitude = 10 km */
	static const struct step three[] = {
		{ "a", 0, 45.0, 7.0, 0 }, { "b", 2, 45.05, 7.0, 0 },
		{ "c", 4, 45.0, 7.05, 1 }, { "d", 5, 45.02, 7.02, 0 },	/* joins */
		{ "e", 13, 45.01, 7.01, 0 },	/* joins: within T of d */
	}, far[] = {
		{ "a", 0, 45.0, 7.0, 0 }, { "b", 1, 45.0, 7.0, 0 },
		{ "c", 2, 46.0, 7.0, 0 },	/* 111 km away */
	}, late[] = {
		{ "a", 0, 45.0, 7.0, 0 }, { "b", 1, 45.0, 7.0, 0 },
		{ "c", 10.5, 45.0, 7.0, 0 },	/* a fell out of T */
		{ "d", 11, 45.0, 7.0, 1 },	/* b, c, d */
	}, same[] = {
		{ "a", 0, 45.0, 7.0, 0 }, { "a", 1, 45.0, 7.0, 0 },
		{ "a", 2, 45.0, 7.0, 0 },	/* one device is not three */
		{ "b", 3, 45.0, 7.0, 0 },
	}, pairwise[] = {
		/* b and c are each 15 km from a but 30 km from each other */
		{ "b", 0, 45.0, 6.81, 0 }, { "c", 1, 45.0, 7.19, 0 },
		{ "a", 2, 45.0, 7.0, 0 },
	}, again[] = {
		{ "a", 0, 45.0, 7.0, 0 }, { "b", 1, 45.0, 7.0, 0 },
		{ "c", 2, 45.0, 7.0, 1 },
		{ "a", 30, 45.0, 7.0, 0 }, { "b", 31, 45.0, 7.0, 0 },
		{ "c", 32, 45.0, 7.0, 1 },	/* the group closed: a new one */
	};
	struct quake_detection d;

	CHECK(run(three, NELEM(three), 3, &d), "three devices within T and R: one detection, later ones join");
	CHECK(d.devices == 3 && d.time == 1764576000000000LL,
	    "detection: 3 devices, time of the earliest onset");
	CHECK(fabs(d.lat - 45.016667) < 1e-5 && fabs(d.lon - 7.016667) < 1e-5,
	    "detection centroid %.6f %.6f", d.lat, d.lon);
	CHECK(d.radius_km > 3 && d.radius_km < 4.5, "detection radius %.3f km", d.radius_km);
	CHECK_STR(d.id, "shake-20251201T080000-4881e7", "detection id from time and members");
	CHECK(run(far, NELEM(far), 3, &d), "one device 111 km away: none");
	CHECK(run(late, NELEM(late), 3, &d), "an onset older than T does not count");
	CHECK(run(same, NELEM(same), 3, &d), "one device triggering thrice is one device");
	CHECK(run(pairwise, NELEM(pairwise), 3, &d), "members within R of each other, not just of the newest");
	CHECK(run(again, NELEM(again), 3, &d), "after T without members a group is new again");
}

static void
bad_conf(void)
{
	struct quake_coinc *c;
	struct quake_coinc_conf k1 = { 1, 10000000, 20 }, r0 = { 3, 10000000, 0 };

	CHECK(quake_coinc_new(&k1, &c) == QUAKE_EINPUT && c == NULL, "K 1 refused");
	CHECK(quake_coinc_new(&r0, &c) == QUAKE_EINPUT, "R 0 refused");
}

int
main(void)
{
	table();
	bad_conf();
	return unit_failed;
}
