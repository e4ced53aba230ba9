/* unit_dets — quake-map's detection set: the newest revision per id (a
 * group only grows), the window, the cap (oldest time goes), seqs. */
#include <stdio.h>
#include <string.h>

#include "quake-map/detstore.h"
#include "unit.h"

#define NOW 1764576000000000LL		/* 2025-12-01T08:00:00Z */
#define MIN 60000000LL

static struct quake_detection
det(const char *id, int64_t ago, int devices, double peak, double radius)
{
	struct quake_detection d = { .time = NOW - ago, .lat = 47.37, .lon = 8.54,
	    .devices = devices, .peak = peak, .radius_km = radius };

	snprintf(d.id, sizeof d.id, "%s", id);
	return d;
}

static void
revisions(void)
{
	static const struct {
		const char *what, *id;
		int devices;
		double peak, radius;
		enum detstore_put want;
	} steps[] = {
		{ "first line of a: new", "a", 3, 0.5, 2.0, DETS_NEW },
		{ "the same line again: stale", "a", 3, 0.5, 2.0, DETS_STALE },
		{ "more devices: updated", "a", 4, 0.4, 2.0, DETS_UPDATED },
		{ "fewer devices, higher peak: stale", "a", 3, 0.9, 2.0, DETS_STALE },
		{ "same devices, higher peak: updated", "a", 4, 0.6, 1.0, DETS_UPDATED },
		{ "same devices and peak, wider: updated", "a", 4, 0.6, 3.0, DETS_UPDATED },
		{ "same devices and peak, narrower: stale", "a", 4, 0.6, 2.5, DETS_STALE },
		{ "another id: new", "b", 3, 0.5, 2.0, DETS_NEW },
	};
	struct detstore *s = detstore_new(10 * MIN, 10, 1000);
	uint64_t seq = 1000;

	CHECK(s != NULL && detstore_head(s) == 1000 && detstore_after(s, 0) == NULL,
	    "empty: head is seq0, nothing after");
	for (size_t i = 0; i < NELEM(steps); i++) {
		struct quake_detection d = det(steps[i].id, MIN, steps[i].devices,
		    steps[i].peak, steps[i].radius);
		enum detstore_put got = detstore_put(s, &d, NOW, 0, 0);
		if (got == DETS_NEW || got == DETS_UPDATED)
			seq++;
		CHECK(got == steps[i].want && detstore_head(s) == seq, "revision: %s (got %d)",
		    steps[i].what, (int)got);
	}
	const struct detstore_rec *a = detstore_after(s, 1000), *b = detstore_after(s, a ? a->seq : 0);
	CHECK(detstore_count(s) == 2 && a != NULL && strcmp(a->d.id, "a") == 0 &&
	    a->seq == 1004 && a->d.devices == 4 && a->d.radius_km == 3.0 &&
	    b != NULL && strcmp(b->d.id, "b") == 0 && b->seq == 1005 &&
	    detstore_after(s, 1005) == NULL, "seq order: a at its newest (1004), then b (1005)");
	CHECK(a != NULL && strncmp(a->line, "{\"kind\":\"detection\",\"id\":\"a\",", 29) == 0 &&
	    a->len == strlen(a->line), "the held line is the canonical detection line");
	detstore_free(s);
}

static void
window_and_cap(void)
{
	struct detstore *s = detstore_new(10 * MIN, 3, 0);
	struct quake_detection d;
	char id[8];

	d = det("old", 11 * MIN, 3, 1, 1);
	CHECK(detstore_put(s, &d, NOW, 0, 0) == DETS_OUTSIDE && detstore_count(s) == 0,
	    "window: older than the window is outside");
	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof id, "d%d", i);
		d = det(id, (9 - i) * MIN, 3, 1, 1);	/* d0 oldest */
		detstore_put(s, &d, NOW, 0, 0);
	}
	d = det("older", 9 * MIN + 1, 3, 1, 1);
	CHECK(detstore_put(s, &d, NOW, 0, 0) == DETS_OUTSIDE && detstore_count(s) == 3,
	    "cap: full of newer detections, an older one is refused");
	d = det("new", 0, 3, 1, 1);
	int has_d0 = 0;
	CHECK(detstore_put(s, &d, NOW, 0, 0) == DETS_NEW && detstore_count(s) == 3 && detstore_evicted(s) == 1,
	    "cap: full, a newer one takes the oldest's place");
	for (size_t i = 0; i < detstore_count(s); i++)
		has_d0 |= strcmp(detstore_at(s, i)->d.id, "d0") == 0;
	CHECK(!has_d0, "cap: the oldest (d0) went");
	CHECK(detstore_expire(s, NOW + 7 * MIN / 2) == 2 && detstore_count(s) == 1 &&
	    strcmp(detstore_at(s, 0)->d.id, "new") == 0 && detstore_evicted(s) == 3,
	    "expire: d1 and d2 left the window 3.5 minutes later, new stays");
	detstore_free(s);
	s = detstore_new(0, 2, 0);
	d = det("ancient", 1000000 * MIN, 3, 1, 1);
	CHECK(detstore_put(s, &d, NOW, 0, 0) == DETS_NEW && detstore_expire(s, NOW) == 0,
	    "window 0 keeps all");
	detstore_free(s);
}

int
main(void)
{
	revisions();
	window_and_cap();
	return unit_failed;
}
