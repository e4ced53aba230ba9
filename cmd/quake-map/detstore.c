/* dets — a small array of records, grown as needed, swap-removed. */
#include <stdlib.h>
#include <string.h>

#include "detstore.h"

struct dets {
	int64_t window;
	size_t max, n, cap;
	uint64_t head, evicted;
	struct dets_rec *r;
};

struct dets *
dets_new(int64_t window, size_t max, uint64_t seq0)
{
	struct dets *s = calloc(1, sizeof *s);

	if (s == NULL || max == 0) {
		free(s);
		return NULL;
	}
	s->window = window;
	s->max = max;
	s->head = seq0;
	return s;
}

void
dets_free(struct dets *s)
{
	if (s != NULL)
		free(s->r);
	free(s);
}

/* 1 when a is a newer revision of the same group than b */
static int
newer(const struct quake_detection *a, const struct quake_detection *b)
{
	if (a->devices != b->devices)
		return a->devices > b->devices;
	if (a->peak != b->peak)
		return a->peak > b->peak;
	return a->radius_km > b->radius_km;
}

static void
drop(struct dets *s, size_t i)
{
	s->r[i] = s->r[--s->n];
	s->evicted++;
}

/* a free record: grown, or the oldest in time when full and d is newer */
static struct dets_rec *
slot(struct dets *s, const struct quake_detection *d)
{
	size_t old = 0;

	if (s->n == s->max) {
		for (size_t i = 1; i < s->n; i++)
			if (s->r[i].d.time < s->r[old].d.time)
				old = i;
		if (s->r[old].d.time >= d->time)
			return NULL;
		drop(s, old);
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct dets_rec *r;
		if (cap > s->max)
			cap = s->max;
		if ((r = realloc(s->r, cap * sizeof *r)) == NULL)
			return NULL;
		s->r = r;
		s->cap = cap;
	}
	return &s->r[s->n++];
}

enum dets_put
dets_put(struct dets *s, const struct quake_detection *d, int64_t now)
{
	struct dets_rec *r = NULL;
	enum dets_put k;
	size_t len;
	char line[QUAKE_SAMPLE_LINE_MAX];

	if (s->window > 0 && d->time < now - s->window)
		return DETS_OUTSIDE;
	if ((len = quake_sample_format_detection(d, line, sizeof line)) == 0)
		return DETS_OUTSIDE;	/* not writable: cannot be, once parsed */
	for (size_t i = 0; i < s->n && r == NULL; i++)
		if (strcmp(s->r[i].d.id, d->id) == 0)
			r = &s->r[i];
	if (r != NULL && !newer(d, &r->d))
		return DETS_STALE;
	k = r != NULL ? DETS_UPDATED : DETS_NEW;
	if (r == NULL && (r = slot(s, d)) == NULL)
		return s->n == s->max ? DETS_OUTSIDE : DETS_NOMEM;
	r->d = *d;
	r->seq = ++s->head;
	r->len = len;
	memcpy(r->line, line, len + 1);
	return k;
}

size_t
dets_expire(struct dets *s, int64_t now)
{
	size_t gone = 0;

	if (s->window <= 0)
		return 0;
	for (size_t i = s->n; i-- > 0;)
		if (s->r[i].d.time < now - s->window) {
			drop(s, i);
			gone++;
		}
	return gone;
}

size_t
dets_count(const struct dets *s)
{
	return s->n;
}

uint64_t
dets_head(const struct dets *s)
{
	return s->head;
}

uint64_t
dets_evicted(const struct dets *s)
{
	return s->evicted;
}

const struct dets_rec *
dets_at(const struct dets *s, size_t i)
{
	return i < s->n ? &s->r[i] : NULL;
}

const struct dets_rec *
dets_after(const struct dets *s, uint64_t seq)
{
	const struct dets_rec *best = NULL;

	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].seq > seq && (best == NULL || s->r[i].seq < best->seq))
			best = &s->r[i];
	return best;
}
