/* unit_aftershock — ENS-style aftershock suppression on a built sequence:
 * Wells & Coppersmith (1994) subsurface rupture lengths, the (main - 2)
 * magnitude bound, twice the rupture length, the days after, and the table
 * of main shocks (revisions, pruning). */
#include <math.h>

#include "alert/aftershock.h"
#include "unit.h"

#define H 3600000000LL
#define DAY (24 * H)
#define KM_PER_DEG (6371.0088 * M_PI / 180)	/* lib/core/geo's sphere */

/* An event due north of (38, 23) by km, dt after the main shock (t = 0). */
static struct quake_event
at(const char *id, double mag, double km, int64_t dt)
{
	struct quake_event e = { .lat = 38.0 + km / KM_PER_DEG, .lon = 23.0, .mag = mag,
	    .time = 1000 * DAY + dt, .depth = 10 };

	snprintf(e.id, sizeof e.id, "%s", id);
	return e;
}

int
main(void)
{
	/* log10(RLD) = -2.44 + 0.59 M (Table 2A, all slip types) */
	static const struct { double mag, km; } len[] = {
		{ 5.5, 6.38 }, { 6.0, 12.59 }, { 7.0, 48.98 }, { 8.0, 190.55 },
	};
	for (size_t i = 0; i < NELEM(len); i++)
		CHECK(fabs(quake_aftershock_rupture_km(len[i].mag) - len[i].km) < 0.01,
		    "rupture length M%.1f = %.2f km (%.3f)", len[i].mag, len[i].km,
		    quake_aftershock_rupture_km(len[i].mag));

	struct quake_event m7 = at("main", 7.0, 0, 0);
	struct quake_aftershock_main main = { "main", m7.time, m7.lat, m7.lon, 7.0 };
	/* M7.0: within 2 x 48.98 = 97.96 km, below M5.0, for the days given */
	static const struct { const char *what; double mag, km; int64_t dt; int64_t days; int want; } c[] = {
		{ "M4.9 at 50 km an hour later", 4.9, 50, H, 30 * DAY, 1 },
		{ "M5.0 (main - 2) is not below", 5.0, 50, H, 30 * DAY, 0 },
		{ "M3 at 97 km", 3.0, 97, H, 30 * DAY, 1 },
		{ "M3 at 99 km is beyond twice the rupture", 3.0, 99, H, 30 * DAY, 0 },
		{ "M3 an hour before (a foreshock)", 3.0, 10, -H, 30 * DAY, 0 },
		{ "M3 at the same time", 3.0, 10, 0, 30 * DAY, 0 },
		{ "M3 29.9 days later", 3.0, 10, 29 * DAY + 21 * H, 30 * DAY, 1 },
		{ "M3 30.1 days later", 3.0, 10, 30 * DAY + 3 * H, 30 * DAY, 0 },
		{ "M3 11 days later, a rule of 10 days", 3.0, 10, 11 * DAY, 10 * DAY, 0 },
	};
	for (size_t i = 0; i < NELEM(c); i++) {
		struct quake_event e = at("after", c[i].mag, c[i].km, c[i].dt);
		CHECK(quake_aftershock_of(&main, &e, c[i].days) == c[i].want, "%s: %s", c[i].what,
		    c[i].want ? "suppressed" : "told");
	}
	CHECK(!quake_aftershock_of(&main, &m7, 30 * DAY), "the main shock is not its own aftershock");

	/* the table: main shocks from M5.5; a revision replaces; old ones go */
	struct quake_aftershocks a = { 0 };
	struct quake_event small = at("small", 5.0, 300, 0), m55 = at("m55", 5.5, 500, 0);
	int64_t now = m7.time + H;
	CHECK(quake_aftershocks_note(&a, &small, 5.5, 30 * DAY, now) == QUAKE_OK && a.n == 0,
	    "an M5.0 is no main shock");
	quake_aftershocks_note(&a, &m7, 5.5, 30 * DAY, now);
	quake_aftershocks_note(&a, &m55, 5.5, 30 * DAY, now);
	CHECK(a.n == 2, "M7.0 and M5.5 kept");
	struct quake_event after = at("a1", 4.0, 60, 2 * H);
	const struct quake_aftershock_main *f = quake_aftershocks_find(&a, &after, 5.5, 30 * DAY);
	CHECK(f != NULL && strcmp(f->id, "main") == 0, "an M4 at 60 km is the M7's aftershock");
	CHECK(quake_aftershocks_find(&a, &after, 7.5, 30 * DAY) == NULL,
	    "not for a rule whose main shocks start at M7.5");
	/* M5.5 at 500 km north: 2 x 6.38 km */
	struct quake_event near55 = at("a2", 3.0, 510, H), far55 = at("a3", 3.0, 520, H);
	CHECK(quake_aftershocks_find(&a, &near55, 5.5, 30 * DAY) != NULL &&
	    quake_aftershocks_find(&a, &far55, 5.5, 30 * DAY) == NULL,
	    "the M5.5's reach: 10 km yes, 20 km no");
	struct quake_event m7down = at("main", 5.0, 0, 0);
	quake_aftershocks_note(&a, &m7down, 5.5, 30 * DAY, now);
	CHECK(a.n == 1 && quake_aftershocks_find(&a, &after, 5.5, 30 * DAY) == NULL,
	    "the main shock revised to M5.0: no longer a main shock");
	quake_aftershocks_note(&a, &small, 5.5, 30 * DAY, now + 31 * DAY);
	CHECK(a.n == 0, "main shocks older than the longest window forgotten");
	quake_aftershocks_free(&a);
	return unit_failed;
}
