/* unit_coinc — network coincidence: K devices within T and R make one
 * detection; too few, too far, too late make none; later onsets join the
 * open group; the id is stable; pairwise distance is kept; the same
 * onsets in any order (within T + hold) give the same one detection. */
#include <math.h>
#include <string.h>

#include "shake/coinc.h"
#include "unit.h"

struct step { const char *dev; double t_s, lat, lon; int want; };

static int
run(const struct step *s, size_t n, int k, struct quake_detection *last)
{
	struct quake_coinc_conf conf = { .k = k, .window_us = 10000000,
	    .radius_km = 20, .hold_us = 0 };
	struct quake_coinc *c;
	const char *mem[16];
	int bad = 0;

	quake_coinc_new(&conf, &c);
	for (size_t i = 0; i < n; i++) {
		struct quake_onset o = { s[i].dev, (int64_t)(s[i].t_s * 1e6) +
		    1764576000000000LL, s[i].lat, s[i].lon, (double)(i + 1) / 10 };
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
		{ "c", 4, 45.0, 7.05, 1 }, { "d", 5, 45.02, 7.02, 2 },	/* joins: revised */
		{ "e", 13, 45.01, 7.01, 2 },	/* joins: within T of d */
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
	CHECK_STR(d.id, "shake-20251201T080000-1b3173", "detection id from time and members");
	CHECK(d.peak == 0.3, "detection peak: the largest of its members' onsets (%g)", d.peak);
	CHECK(run(far, NELEM(far), 3, &d), "one device 111 km away: none");
	CHECK(run(late, NELEM(late), 3, &d), "an onset older than T does not count");
	CHECK(run(same, NELEM(same), 3, &d), "one device triggering thrice is one device");
	CHECK(run(pairwise, NELEM(pairwise), 3, &d), "members within R of each other, not just of the newest");
	CHECK(run(again, NELEM(again), 3, &d), "after T without members a group is new again");
}

/* one device's onset far ahead of the others', sent first, does not
 * prune theirs: no one device's clock moves the time that prunes */
static void
clocks(void)
{
	static const double skews[] = { 6e9, 36, 3600 };
	struct step s[] = {
		{ "z", 0, 45.0, 7.0, 0 },
		{ "a", 0, 45.0, 7.0, 0 }, { "b", 2, 45.05, 7.0, 0 },
		{ "c", 4, 45.0, 7.05, 1 },
		{ "a", 60, 45.0, 7.0, 0 }, { "b", 61, 45.0, 7.0, 0 },
		{ "c", 62, 45.0, 7.0, 1 },	/* and the next one too */
	};
	struct quake_detection d;

	for (size_t i = 0; i < NELEM(skews); i++) {
		s[0].t_s = skews[i];
		CHECK(run(s, NELEM(s), 3, &d), "an onset %.0f s ahead, first: the "
		    "others' detections still made", skews[i]);
	}
}

/* a group grows: the fourth device joins with a revised detection under
 * the first id; the values follow the rules (earliest time, mean
 * centroid, largest peak); a device already in it adds nothing; the last
 * revision is the same in every arrival order */
static void
grows(void)
{
	static const struct quake_onset o[] = {
		{ "a", 1764576030000000LL, 47.49, 8.60, 0.6 },
		{ "b", 1764576030600000LL, 47.51, 8.62, 0.7 },
		{ "c", 1764576031200000LL, 47.505, 8.58, 0.5 },
		{ "d", 1764576032500000LL, 47.515, 8.60, 0.8 },
	};
	struct quake_coinc_conf conf = { .k = 3, .window_us = 10000000,
	    .radius_km = 20, .hold_us = 10000000 };
	struct quake_detection d, first = { 0 }, last = { 0 }, ref = { 0 };
	const char *mem[8];
	int ord[4] = { 0, 1, 2, 3 }, r[5], bad = 0, nperm = 0;
	struct quake_coinc *c;

	quake_coinc_new(&conf, &c);
	for (int i = 0; i < 4; i++)
		r[i] = quake_coinc_add(c, &o[i], i < 2 ? &d : i == 2 ? &first : &last, mem, 8);
	r[4] = quake_coinc_add(c, &o[1], &d, mem, 8);	/* b again */
	quake_coinc_free(c);
	CHECK(r[0] == 0 && r[1] == 0 && r[2] == 1 && r[3] == 2 && r[4] == 0,
	    "grows: new (1) at the third, revised (2) at the fourth, b again nothing");
	CHECK(strcmp(first.id, last.id) == 0 && first.devices == 3 && last.devices == 4,
	    "grows: 3 then 4 devices under one id (%s %s)", first.id, last.id);
	CHECK(last.time == o[0].time && last.peak == 0.8 &&
	    fabs(last.lat - (47.49 + 47.51 + 47.505 + 47.515) / 4) < 1e-9 &&
	    fabs(last.lon - (8.60 + 8.62 + 8.58 + 8.60) / 4) < 1e-9,
	    "grows: earliest time, largest peak, mean centroid (%.6f %.6f)", last.lat, last.lon);
	ref = last;
	/* every order of the four: the last line's values are ref's */
	do {
		struct quake_detection got = { 0 };
		char id1[64] = "";
		quake_coinc_new(&conf, &c);
		for (int i = 0; i < 4; i++) {
			int k = quake_coinc_add(c, &o[ord[i]], &d, mem, 8);
			if (k == 1)
				snprintf(id1, sizeof id1, "%s", d.id);
			if (k > 0)
				got = d;
		}
		quake_coinc_free(c);
		nperm++;
		bad += got.devices != 4 || got.time != ref.time || got.lat != ref.lat ||
		    got.lon != ref.lon || got.peak != ref.peak ||
		    got.radius_km != ref.radius_km || strcmp(got.id, id1) != 0;
		/* next permutation of ord */
		int i = 2;
		while (i >= 0 && ord[i] > ord[i + 1])
			i--;
		if (i < 0)
			break;
		int j = 3;
		while (ord[j] < ord[i])
			j--;
		int t = ord[i]; ord[i] = ord[j]; ord[j] = t;
		for (int a = i + 1, b = 3; a < b; a++, b--)
			t = ord[a], ord[a] = ord[b], ord[b] = t;
	} while (1);
	CHECK(nperm == 24 && bad == 0, "grows: all 24 orders, the same last line under "
	    "their first id (%d differ)", bad);
}

static void
bad_conf(void)
{
	struct quake_coinc *c;
	struct quake_coinc_conf k1 = { 1, 10000000, 20, 0 }, r0 = { 3, 10000000, 0, 0 },
	    h = { 3, 10000000, 20, -1 };

	CHECK(quake_coinc_new(&k1, &c) == QUAKE_EINPUT && c == NULL, "K 1 refused");
	CHECK(quake_coinc_new(&r0, &c) == QUAKE_EINPUT, "R 0 refused");
	CHECK(quake_coinc_new(&h, &c) == QUAKE_EINPUT, "a negative hold refused");
}

/* the onsets of o[] in the order ord[] through one detector */
static int
arrive(const struct quake_onset *o, const int *ord, size_t n, int64_t hold,
    char *line, size_t cap, int64_t before)
{
	struct quake_coinc_conf conf = { .k = 3, .window_us = 10000000,
	    .radius_km = 20, .hold_us = hold };
	struct quake_coinc *c;
	struct quake_detection d;
	const char *mem[8];
	int dets = 0;

	quake_coinc_new(&conf, &c);
	for (size_t i = 0; i < n; i++)
		if (quake_coinc_add(c, &o[ord[i]], &d, mem, 8) == 1 && ++dets &&
		    d.time < before)
			quake_detection_format(&d, line, cap);
	quake_coinc_free(c);
	return dets;
}

static void
orders(void)
{
	/* a group of three straddling the 47.5 degree cell edge, a loner
	 * far away, and a second group 300 km off 12 s later (past T) */
	static const struct quake_onset o[] = {
		{ "a", 1764576030010000LL, 47.49, 8.60, 0.61 },
		{ "b", 1764576030620000LL, 47.51, 8.62, 0.83 },
		{ "c", 1764576031230000LL, 47.505, 8.58, 0.47 },
		{ "x", 1764576030500000LL, 45.0, 7.0, 2.0 },
		{ "p", 1764576042000000LL, 50.0, 9.0, 0.2 },
		{ "q", 1764576042500000LL, 50.01, 9.0, 0.2 },
		{ "r", 1764576043000000LL, 50.02, 9.0, 0.3 },
	};
	static const int perm[][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
	    { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };
	char want[QUAKE_DETECTION_FORMAT_MAX] = "", got[QUAKE_DETECTION_FORMAT_MAX] = "";
	int ord[7], n;

	for (size_t i = 0; i < NELEM(perm); i++) {
		/* the group's members in every order, the others in between */
		int k = 0;
		ord[k++] = perm[i][0]; ord[k++] = 3; ord[k++] = perm[i][1];
		ord[k++] = 4; ord[k++] = 5; ord[k++] = perm[i][2]; ord[k++] = 6;
		n = arrive(o, ord, 7, 10000000, i == 0 ? want : got, sizeof want,
		    1764576040000000LL);
		CHECK(n == 2, "order %zu: two detections, one per group (%d)", i, n);
		if (i > 0)
			CHECK_STR(got, want, "order %zu: the same first detection line", i);
	}
	CHECK(strstr(want, "\"devices\":3,\"peak\":0.83,") != NULL &&
	    strstr(want, "\"time\":\"2025-12-01T08:00:30.010000Z\"") != NULL,
	    "the straddling group: 3 devices, earliest onset, largest peak (%.150s)", want);
	/* c's stream 12 s behind the others': held, it still completes a, b */
	got[0] = '\0';
	{
		int late[] = { 0, 1, 4, 5, 6, 2 };
		n = arrive(o, late, 6, 10000000, got, sizeof got, 1764576040000000LL);
		CHECK(n == 2, "an onset arriving after 12 s of newer ones: still 2 (%d)", n);
		CHECK_STR(got, want, "the late onset's group: the same line");
		n = arrive(o, late, 6, 0, got, sizeof got, 1764576040000000LL);
		CHECK(n == 1, "without the hold the late onset's group is missed (%d): the hold is what keeps it", n);
	}
}

int
main(void)
{
	table();
	clocks();
	grows();
	orders();
	bad_conf();
	return unit_failed;
}
