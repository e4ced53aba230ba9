/* detstore — a small array of records, grown as needed, swap-removed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detstore.h"

struct detstore {
	int64_t window;
	size_t max, n, cap;
	uint64_t head, evicted;
	struct detstore_rec *r;
};

struct detstore *
detstore_new(int64_t window, size_t max, uint64_t seq0)
{
	struct detstore *s = calloc(1, sizeof *s);

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
detstore_free(struct detstore *s)
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
drop(struct detstore *s, size_t i)
{
	s->r[i] = s->r[--s->n];
	s->evicted++;
}

/* a free record: grown, or the oldest in time when full and d is newer */
static struct detstore_rec *
slot(struct detstore *s, const struct quake_detection *d)
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
		struct detstore_rec *r;
		if (cap > s->max)
			cap = s->max;
		if ((r = realloc(s->r, cap * sizeof *r)) == NULL)
			return NULL;
		s->r = r;
		s->cap = cap;
	}
	return &s->r[s->n++];
}

enum detstore_put
detstore_put(struct detstore *s, const struct quake_detection *d, int64_t now,
    int src, int64_t off)
{
	struct detstore_rec *r = NULL;
	enum detstore_put k;
	size_t len;
	char line[QUAKE_DETECTION_FORMAT_MAX];

	if (s->window > 0 && d->time < now - s->window)
		return DETS_OUTSIDE;
	if ((len = quake_detection_format(d, line, sizeof line)) == 0)
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
	r->src = src;
	r->off = off;
	r->len = len;
	memcpy(r->line, line, len + 1);
	return k;
}

size_t
detstore_expire(struct detstore *s, int64_t now)
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
detstore_count(const struct detstore *s)
{
	return s->n;
}

uint64_t
detstore_head(const struct detstore *s)
{
	return s->head;
}

uint64_t
detstore_evicted(const struct detstore *s)
{
	return s->evicted;
}

const struct detstore_rec *
detstore_at(const struct detstore *s, size_t i)
{
	return i < s->n ? &s->r[i] : NULL;
}

void
detstore_set_place(struct detstore *s, uint64_t seq, const char *place)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].seq == seq)
			snprintf(s->r[i].place, sizeof s->r[i].place, "%s", place);
}

const struct detstore_rec *
detstore_after(const struct detstore *s, uint64_t seq)
{
	const struct detstore_rec *best = NULL;

	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].seq > seq && (best == NULL || s->r[i].seq < best->seq))
			best = &s->r[i];
	return best;
}
