/* coinc — the onsets of the last T seconds and the groups still open; a
 * new onset first tries to join a group (the group's detection revised,
 * same id), then to form one greedily with the unused onsets nearest to it
 * that are within R of every member. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shake/coinc.h"
#include "core/geo.h"
#include "core/time.h"
#include "lines/samples.h"

struct onset {
	char device[QUAKE_SAMPLES_ID_MAX];
	int64_t time;
	double lat, lon, peak, dist;	/* dist: to the onset being added */
	int used;
};

#define MEMBERS_MAX 256

struct group {
	int64_t last;		/* the newest member's onset */
	double lat, lon;	/* the centroid */
	char id[64];		/* as first written: a grown group keeps it */
	struct onset *m;	/* members (owned), newest onset first */
	size_t n;
};

struct quake_coinc {
	struct quake_coinc_conf conf;
	struct onset *on;
	size_t non, capon;
	struct group *g;
	size_t ng, capg;
	int64_t clock;		/* what prunes: see quake_coinc_add */
	size_t *pick, cappick;	/* scratch: candidate indices */
};

enum quake_err
quake_coinc_new(const struct quake_coinc_conf *conf, struct quake_coinc **out)
{
	struct quake_coinc *c;

	*out = NULL;
	if (conf->k < 2 || conf->k > 256 || conf->window_us <= 0 ||
	    !(conf->radius_km > 0) || conf->hold_us < 0)
		return QUAKE_EINPUT;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return QUAKE_ENOMEM;
	c->conf = *conf;
	*out = c;
	return QUAKE_OK;
}

void
quake_coinc_free(struct quake_coinc *c)
{
	if (c == NULL)
		return;
	free(c->on);
	for (size_t i = 0; i < c->ng; i++)
		free(c->g[i].m);
	free(c->g);
	free(c->pick);
	free(c);
}

/* drop onsets older than T + hold before the clock, the device's earlier
 * onset, and groups nobody joined for T + hold */
static void
prune(struct quake_coinc *c, const char *device)
{
	int64_t keep = c->conf.window_us + c->conf.hold_us;
	size_t w = 0;

	for (size_t i = 0; i < c->non; i++)
		if (c->clock - c->on[i].time <= keep &&
		    strcmp(c->on[i].device, device) != 0)
			c->on[w++] = c->on[i];
	c->non = w;
	w = 0;
	for (size_t i = 0; i < c->ng; i++)
		if (c->clock - c->g[i].last <= keep)
			c->g[w++] = c->g[i];
		else
			free(c->g[i].m);
	c->ng = w;
}

static int
by_dist(const void *a, const void *b, void *arg)
{
	const struct onset *on = arg;
	double da = on[*(const size_t *)a].dist, db = on[*(const size_t *)b].dist;

	return (da > db) - (da < db);
}

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if ((q = realloc(*p, n * size)) == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

/* newest onset first, then by device: the members' one order */
static int
by_time_desc(const void *a, const void *b, void *arg)
{
	const struct onset *x = &((const struct onset *)arg)[*(const size_t *)a],
	    *y = &((const struct onset *)arg)[*(const size_t *)b];

	if (x->time != y->time)
		return x->time < y->time ? 1 : -1;
	return strcmp(x->device, y->device);
}

/* newest onset first, then by device, of two onsets themselves */
static int
onset_desc(const void *a, const void *b)
{
	const struct onset *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? 1 : -1;
	return strcmp(x->device, y->device);
}

/* the detection of members m[0..n) (in the members' order), but its id:
 * time of the earliest, centroid, largest peak, radius */
static void
describe(const struct onset *m, size_t n, struct quake_detection *d)
{
	double lat = 0, lon = 0, r = 0;

	d->time = m[0].time;
	d->peak = 0;
	for (size_t i = 0; i < n; i++) {
		lat += m[i].lat / (double)n;
		lon += m[i].lon / (double)n;
		if (m[i].time < d->time)
			d->time = m[i].time;
		d->peak = fmax(d->peak, m[i].peak);
	}
	for (size_t i = 0; i < n; i++)
		r = fmax(r, quake_geo_distance_km(lat, lon, m[i].lat, m[i].lon));
	d->lat = lat;
	d->lon = lon;
	d->radius_km = r;
	d->devices = (int)n;
}

/* the detection of the chosen onsets, sel sorted into the members' order,
 * into a new group g (its members copied) */
static int
detect(struct quake_coinc *c, size_t *sel, size_t n, struct group *g,
    struct quake_detection *d)
{
	uint64_t h = 1469598103934665603ULL;
	char tm[QUAKE_TIME_LEN + 1];

	qsort_r(sel, n, sizeof *sel, by_time_desc, c->on);
	if ((g->m = malloc(n * sizeof *g->m)) == NULL)
		return -1;
	g->n = n;
	g->last = c->on[sel[0]].time;
	for (size_t i = 0; i < n; i++) {
		g->m[i] = c->on[sel[i]];
		for (const char *s = g->m[i].device; *s; s++)
			h = (h ^ (unsigned char)*s) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	describe(g->m, n, d);
	quake_time_format(d->time, tm);
	h ^= (uint64_t)d->time;
	snprintf(d->id, sizeof d->id, "shake-%.4s%.2s%.2sT%.2s%.2s%.2s-%06x",
	    tm, tm + 5, tm + 8, tm + 11, tm + 14, tm + 17,
	    (unsigned)((h ^ (h >> 32)) & 0xffffff));
	snprintf(g->id, sizeof g->id, "%s", d->id);
	g->lat = d->lat;
	g->lon = d->lon;
	return 0;
}

/* o joins an open group within T of its newest member and R of its
 * centroid: 2 with the group's revised detection (its first id; members
 * re-sorted, so the same members give the same line in any order), 1 when
 * it joined and nothing changed (its device is a member already, or the
 * group is full), 0 when no group takes it, -1 out of memory */
static int
join(struct quake_coinc *c, const struct quake_onset *o,
    struct quake_detection *d, const char **members, size_t cap)
{
	for (size_t i = 0; i < c->ng; i++) {
		struct group *g = &c->g[i];
		int64_t dt = o->time - g->last;
		struct onset *m;
		if ((dt < 0 ? -dt : dt) > c->conf.window_us ||
		    quake_geo_distance_km(o->lat, o->lon, g->lat, g->lon) > c->conf.radius_km)
			continue;
		for (size_t k = 0; k < g->n; k++)
			if (strcmp(g->m[k].device, o->device) == 0)
				return 1;
		if (g->n >= MEMBERS_MAX)
			return 1;
		if ((m = realloc(g->m, (g->n + 1) * sizeof *m)) == NULL)
			return -1;
		g->m = m;
		m = &g->m[g->n++];
		snprintf(m->device, sizeof m->device, "%s", o->device);
		m->time = o->time;
		m->lat = o->lat;
		m->lon = o->lon;
		m->peak = isfinite(o->peak) && o->peak > 0 ? o->peak : 0;
		m->used = 1;
		m->dist = 0;
		qsort(g->m, g->n, sizeof *g->m, onset_desc);
		describe(g->m, g->n, d);
		snprintf(d->id, sizeof d->id, "%s", g->id);
		g->lat = d->lat;
		g->lon = d->lon;
		if (o->time > g->last)
			g->last = o->time;
		for (size_t k = 0; k < g->n && k < cap; k++)
			members[k] = g->m[k].device;
		return 2;
	}
	return 0;
}

/* The time that prunes: the second newest of the onsets held (one per
 * device) and o, o's alone when none is held. No one device's clock, however
 * far ahead, moves it; an onset far behind it is simply pruned. */
static int64_t
clock_of(const struct quake_coinc *c, const struct quake_onset *o)
{
	int64_t t1 = o->time, t2 = INT64_MIN;

	for (size_t i = 0; i < c->non; i++) {
		int64_t t = c->on[i].time;
		if (strcmp(c->on[i].device, o->device) == 0)
			continue;
		if (t > t1) {
			t2 = t1;
			t1 = t;
		} else if (t > t2)
			t2 = t;
	}
	return t2 == INT64_MIN ? t1 : t2;
}

int
quake_coinc_add(struct quake_coinc *c, const struct quake_onset *o,
    struct quake_detection *d, const char **members, size_t cap)
{
	struct onset *me;
	size_t np = 0, nsel = 0;

	int r;

	c->clock = clock_of(c, o);
	prune(c, o->device);
	if ((r = join(c, o, d, members, cap)) != 0)
		return r < 0 ? -1 : r == 2 ? 2 : 0;
	if (grow((void **)&c->on, &c->capon, c->non + 1, sizeof *c->on) < 0 ||
	    grow((void **)&c->pick, &c->cappick, c->non + 1, sizeof *c->pick) < 0)
		return -1;
	me = &c->on[c->non];
	snprintf(me->device, sizeof me->device, "%s", o->device);
	me->time = o->time;
	me->lat = o->lat;
	me->lon = o->lon;
	me->peak = isfinite(o->peak) && o->peak > 0 ? o->peak : 0;
	me->used = 0;
	me->dist = 0;
	for (size_t i = 0; i < c->non; i++) {
		struct onset *x = &c->on[i];
		int64_t dt = x->time - o->time;
		if (x->used || (dt < 0 ? -dt : dt) > c->conf.window_us)
			continue;
		x->dist = quake_geo_distance_km(o->lat, o->lon, x->lat, x->lon);
		if (x->dist <= c->conf.radius_km)
			c->pick[np++] = i;
	}
	c->non++;
	if ((int)np + 1 < c->conf.k)
		return 0;
	qsort_r(c->pick, np, sizeof *c->pick, by_dist, c->on);
	/* greedy: nearest first, each within R of every one chosen */
	{
		size_t sel[256];
		sel[nsel++] = c->non - 1;
		for (size_t i = 0; i < np && nsel < sizeof sel / sizeof *sel; i++) {
			const struct onset *x = &c->on[c->pick[i]];
			size_t j = 0;
			while (j < nsel && quake_geo_distance_km(x->lat, x->lon,
			    c->on[sel[j]].lat, c->on[sel[j]].lon) <= c->conf.radius_km)
				j++;
			if (j == nsel)
				sel[nsel++] = c->pick[i];
		}
		if ((int)nsel < c->conf.k)
			return 0;
		if (grow((void **)&c->g, &c->capg, c->ng + 1, sizeof *c->g) < 0)
			return -1;
		c->g[c->ng] = (struct group){ 0 };
		if (detect(c, sel, nsel, &c->g[c->ng], d) < 0)
			return -1;
		for (size_t i = 0; i < nsel; i++) {
			c->on[sel[i]].used = 1;
			if (i < cap)
				members[i] = c->g[c->ng].m[i].device;
		}
		c->ng++;
	}
	return 1;
}
