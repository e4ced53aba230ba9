/* unit_seen — the bounded revision set: table of adds, eviction order, and
 * a long random run checked against a plain model. */
#include <stdlib.h>

#include "core/seen.h"
#include "unit.h"

static void
table(void)
{
	static const struct { const char *id; int64_t lu; int want; } steps[] = {
		{ "a", 1, 0 }, { "a", 1, 1 }, { "a", 2, 0 }, { "b", 1, 0 },
		{ "b", 1, 1 }, { "a", 2, 1 }, { "", 0, 0 }, { "", 0, 1 },
		{ "ab", 1, 0 }, { "a", 11, 0 },	/* no concatenation mix-ups */
	};
	struct quake_seen *s;

	quake_seen_new(100, &s);
	for (size_t i = 0; i < NELEM(steps); i++)
		CHECK(quake_seen_add(s, steps[i].id, steps[i].lu) == steps[i].want,
		    "seen step %zu (%s, %lld) -> %d", i, steps[i].id,
		    (long long)steps[i].lu, steps[i].want);
	CHECK(quake_seen_count(s) == 6, "seen counts distinct revisions");
	quake_seen_free(s);
}

static void
eviction(void)
{
	struct quake_seen *s;

	quake_seen_new(3, &s);
	quake_seen_add(s, "a", 1);
	quake_seen_add(s, "b", 1);
	quake_seen_add(s, "c", 1);
	quake_seen_add(s, "d", 1);	/* forgets a */
	CHECK(quake_seen_count(s) == 3, "seen stays at its cap");
	CHECK(quake_seen_add(s, "b", 1) == 1 && quake_seen_add(s, "c", 1) == 1 &&
	    quake_seen_add(s, "d", 1) == 1, "seen keeps the newest cap");
	CHECK(quake_seen_add(s, "a", 1) == 0, "seen forgot the oldest");
	quake_seen_free(s);
}

/* random adds over a small id space against a model that remembers the
 * last cap insertions: every answer must match */
static void
model(void)
{
	enum { CAP = 64, N = 200000, SPACE = 150 };
	static int ring[CAP];
	int head = 0, count = 0, bad = 0;
	struct quake_seen *s;
	char id[16];

	srand(7);
	quake_seen_new(CAP, &s);
	for (int i = 0; i < N; i++) {
		int k = rand() % SPACE, in = 0;
		for (int j = 0; j < count; j++)
			in |= ring[(head + j) % CAP] == k;
		snprintf(id, sizeof id, "ev%d", k / 3);
		int got = quake_seen_add(s, id, k % 3);
		if (got != in)
			bad++;
		if (!in) {
			if (count == CAP) {
				head = (head + 1) % CAP;
				count--;
			}
			ring[(head + count++) % CAP] = k;
		}
	}
	CHECK(bad == 0, "seen agrees with a model over %d random adds (%d wrong)", N, bad);
	quake_seen_free(s);
}

int
main(void)
{
	table();
	eviction();
	model();
	return unit_failed;
}
