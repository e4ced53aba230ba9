/* store — a dense array of events, an open-addressing index by id, a
 * min-heap by event time (eviction), and an append-only revision log sorted
 * by seq whose stale records (superseded or evicted) are compacted away.
 * Over the log, the largest magnitude of each block of 16, 256 and 4096
 * records, so that a scan for magnitude >= m steps over every block below
 * it: a filtered catch-up visits what it sends (and the blocks around it),
 * not everything held. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "placer.h"
#include "store.h"

struct logrec {
	uint64_t seq;
	uint32_t idx;
	float mag;	/* the revision's, rounded up: never below it */
};

#define LEVELS 3
#define SHIFT 4	/* level l's blocks are 1 << (SHIFT * (l + 1)) records */

struct store {
	struct store_ev *ev;
	size_t n, cap, max;
	uint32_t *slot;			/* idx + 1, 0 = empty */
	size_t nslot;			/* power of two */
	uint32_t *heap;
	struct logrec *log;
	size_t nlog, caplog;
	float *bmax[LEVELS];		/* per block: the most of its mags (dead ones too) */
	uint64_t seq, evicted;
	size_t bytes;
	int64_t window;
	const struct placer *places;	/* NULL: no place texts */
};

static uint64_t
hash(const char *id)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ULL;
	return h;
}

static size_t
packed_len(const char *p)
{
	size_t n = 0;

	for (int i = 0; i < 8; i++) {
		size_t l = strlen(p + n) + 1;

		n += l;
	}
	return n;
}

const char *
store_id(const struct store_ev *e)
{
	return e->s;
}

/* The slot holding id, or the empty slot where it would go. */
static size_t
find_slot(const struct store *s, const char *id)
{
	size_t m = s->nslot - 1, i = hash(id) & m;

	while (s->slot[i] != 0 && strcmp(s->ev[s->slot[i] - 1].s, id) != 0)
		i = (i + 1) & m;
	return i;
}

static int
grow_slots(struct store *s)
{
	size_t n = s->nslot ? s->nslot * 2 : 1024;
	uint32_t *old = s->slot, *nw = calloc(n, sizeof *nw);

	if (nw == NULL)
		return -1;
	s->slot = nw;
	s->nslot = n;
	for (size_t i = 0; i < s->n; i++)
		s->slot[find_slot(s, s->ev[i].s)] = (uint32_t)i + 1;
	free(old);
	return 0;
}

/* Backward-shift deletion of slot i (linear probing). */
static void
del_slot(struct store *s, size_t i)
{
	size_t m = s->nslot - 1, j = i;

	s->slot[i] = 0;
	for (;;) {
		size_t k;

		j = (j + 1) & m;
		if (s->slot[j] == 0)
			return;
		k = hash(s->ev[s->slot[j] - 1].s) & m;
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			s->slot[i] = s->slot[j];
			s->slot[j] = 0;
			i = j;
		}
	}
}

static void
heap_swap(struct store *s, size_t a, size_t b)
{
	uint32_t t = s->heap[a];

	s->heap[a] = s->heap[b];
	s->heap[b] = t;
	s->ev[s->heap[a]].heap = (uint32_t)a;
	s->ev[s->heap[b]].heap = (uint32_t)b;
}

static void
heap_fix(struct store *s, size_t i)
{
	while (i > 0 && s->ev[s->heap[(i - 1) / 2]].time > s->ev[s->heap[i]].time) {
		heap_swap(s, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < s->n && s->ev[s->heap[l]].time < s->ev[s->heap[m]].time)
			m = l;
		if (r < s->n && s->ev[s->heap[r]].time < s->ev[s->heap[m]].time)
			m = r;
		if (m == i)
			return;
		heap_swap(s, i, m);
		i = m;
	}
}

/* Position of the first log record with seq > after. */
static size_t
log_find(const struct store *s, uint64_t after)
{
	size_t lo = 0, hi = s->nlog;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->log[mid].seq <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
live(const struct store *s, const struct logrec *r)
{
	return r->idx < s->n && s->ev[r->idx].seq == r->seq;
}

/* mag as a float no smaller than it */
static float
mag_up(double mag)
{
	float f = (float)mag;

	return (double)f < mag ? nextafterf(f, INFINITY) : f;
}

/* Log record i (just written) into the block maxima. */
static void
bmax_add(struct store *s, size_t i)
{
	float m = s->log[i].mag;

	for (int l = 0; l < LEVELS; l++) {
		unsigned sh = SHIFT * (unsigned)(l + 1);
		size_t b = i >> sh;

		if ((i & (((size_t)1 << sh) - 1)) == 0 || s->bmax[l][b] < m)
			s->bmax[l][b] = m;
	}
}

static int
log_append(struct store *s, uint32_t idx)
{
	if (s->nlog > 2 * s->n + 1024) {	/* compact: keep the live ones */
		size_t o = 0;

		for (size_t i = 0; i < s->nlog; i++)
			if (live(s, &s->log[i])) {
				s->log[o] = s->log[i];
				bmax_add(s, o++);
			}
		s->nlog = o;
	}
	if (s->nlog == s->caplog) {
		size_t n = s->caplog ? s->caplog * 2 : 1024;
		struct logrec *l = realloc(s->log, n * sizeof *l);

		if (l == NULL)
			return -1;
		s->log = l;
		for (int k = 0; k < LEVELS; k++) {
			size_t nb = (n >> (SHIFT * (k + 1))) + 1;
			float *b = realloc(s->bmax[k], nb * sizeof *b);

			if (b == NULL)
				return -1;
			s->bmax[k] = b;
		}
		s->caplog = n;
	}
	s->ev[idx].seq = ++s->seq;
	s->log[s->nlog] = (struct logrec){ s->seq, idx, mag_up(s->ev[idx].mag) };
	bmax_add(s, s->nlog++);
	return 0;
}

/* Remove event i: the last one moves into its place. */
static void
remove_at(struct store *s, size_t i)
{
	size_t last = s->n - 1, h = s->ev[i].heap;

	del_slot(s, find_slot(s, s->ev[i].s));
	s->bytes -= packed_len(s->ev[i].s);
	free(s->ev[i].s);
	/* the heap: put its last entry where i's was */
	heap_swap(s, h, last);
	if (i != last) {
		size_t lp = log_find(s, s->ev[last].seq - 1);

		s->ev[i] = s->ev[last];
		s->heap[s->ev[i].heap] = (uint32_t)i;
		s->slot[find_slot(s, s->ev[i].s)] = (uint32_t)i + 1;
		if (lp < s->nlog && s->log[lp].seq == s->ev[i].seq)
			s->log[lp].idx = (uint32_t)i;
	}
	s->n--;
	if (h < s->n)
		heap_fix(s, h);
	s->evicted++;
}

/* the strings of ev and its place (computed here, once per revision) */
static char *
pack(const struct store *s, const struct quake_event *ev, size_t *len)
{
	char place[PLACER_MAX];
	const char *f[] = { ev->id, ev->magtype, ev->region, ev->evtype,
	    ev->auth, ev->source_catalog, ev->source_id, place };
	size_t n = 0, o = 0;
	char *p;

	placer_describe(s->places, ev->lat, ev->lon, place);
	for (size_t i = 0; i < 8; i++)
		n += strlen(f[i]) + 1;
	if ((p = malloc(n)) == NULL)
		return NULL;
	for (size_t i = 0; i < 8; i++) {
		size_t l = strlen(f[i]) + 1;

		memcpy(p + o, f[i], l);
		o += l;
	}
	*len = n;
	return p;
}

static void
fill(struct store_ev *e, const struct quake_event *ev, char *s, int src,
    int64_t off)
{
	e->src = (uint16_t)src;
	e->off = off;
	e->time = ev->time;
	e->lastupdate = ev->lastupdate;
	e->lat = ev->lat;
	e->lon = ev->lon;
	e->depth = ev->depth;
	e->mag = ev->mag;
	e->action = (uint8_t)ev->action;
	e->s = s;
}

static enum store_put
update(struct store *s, size_t i, const struct quake_event *ev, int src,
    int64_t off)
{
	struct store_ev *e = &s->ev[i];
	size_t len;
	char *p;

	if (ev->lastupdate <= e->lastupdate)
		return STORE_STALE;
	if ((p = pack(s, ev, &len)) == NULL)
		return STORE_NOMEM;
	s->bytes += len - packed_len(e->s);
	free(e->s);
	fill(e, ev, p, src, off);
	heap_fix(s, e->heap);
	return log_append(s, (uint32_t)i) == 0 ? STORE_UPDATED : STORE_NOMEM;
}

enum store_put
store_put(struct store *s, const struct quake_event *ev, int64_t now, int src,
    int64_t off)
{
	size_t slot, len, i;
	char *p;

	if (s->nslot == 0 || (s->n + 1) * 2 > s->nslot)
		if (grow_slots(s) != 0)
			return STORE_NOMEM;
	slot = find_slot(s, ev->id);
	if (s->slot[slot] != 0)
		return update(s, s->slot[slot] - 1, ev, src, off);
	if (s->window > 0 && ev->time < now - s->window)
		return STORE_OUTSIDE;
	if (s->n == s->max) {
		if (ev->time <= s->ev[s->heap[0]].time)
			return STORE_OUTSIDE;
		remove_at(s, s->heap[0]);
		slot = find_slot(s, ev->id);
	}
	if (s->n == s->cap) {
		size_t n = s->cap ? s->cap * 2 : 1024;
		struct store_ev *e = realloc(s->ev, n * sizeof *e);
		uint32_t *h = e ? realloc(s->heap, n * sizeof *h) : NULL;

		if (e != NULL)
			s->ev = e;
		if (h == NULL)
			return STORE_NOMEM;
		s->heap = h;
		s->cap = n;
	}
	if ((p = pack(s, ev, &len)) == NULL)
		return STORE_NOMEM;
	i = s->n++;
	fill(&s->ev[i], ev, p, src, off);
	s->bytes += len;
	s->slot[slot] = (uint32_t)i + 1;
	s->heap[i] = (uint32_t)i;
	s->ev[i].heap = (uint32_t)i;
	heap_fix(s, i);
	return log_append(s, (uint32_t)i) == 0 ? STORE_NEW : STORE_NOMEM;
}

size_t
store_expire(struct store *s, int64_t now)
{
	size_t n = 0;

	while (s->window > 0 && s->n > 0 &&
	    s->ev[s->heap[0]].time < now - s->window) {
		remove_at(s, s->heap[0]);
		n++;
	}
	return n;
}

struct store *
store_new(int64_t window, size_t max, uint64_t seq0)
{
	struct store *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->seq = seq0;
	s->window = window;
	s->max = max > 0 && max < UINT32_MAX ? max : 1;
	return s;
}

void
store_free(struct store *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->ev[i].s);
	free(s->ev);
	free(s->slot);
	free(s->heap);
	free(s->log);
	for (int l = 0; l < LEVELS; l++)
		free(s->bmax[l]);
	free(s);
}

void
store_set_places(struct store *s, const struct placer *p)
{
	s->places = p;
}

const struct placer *store_places(const struct store *s) { return s->places; }

const char *
store_place(const struct store_ev *e)
{
	const char *p = e->s;

	for (int i = 0; i < 7; i++)
		p += strlen(p) + 1;
	return p;
}

size_t store_count(const struct store *s) { return s->n; }
uint64_t store_head(const struct store *s) { return s->seq; }
uint64_t store_evicted(const struct store *s) { return s->evicted; }
size_t store_bytes(const struct store *s) { return s->bytes; }

const struct store_ev *
store_at(const struct store *s, size_t i)
{
	return i < s->n ? &s->ev[i] : NULL;
}

/* From log position i, the first block level whose block starting at i
 * holds nothing of minmag or more: how many records to step over (0: none). */
static size_t
skip(const struct store *s, size_t i, double minmag, size_t *visits)
{
	for (int l = LEVELS - 1; l >= 0; l--) {
		unsigned sh = SHIFT * (unsigned)(l + 1);

		if ((i & (((size_t)1 << sh) - 1)) != 0)
			continue;	/* not a block's start at this level */
		++*visits;
		if ((double)s->bmax[l][i >> sh] < minmag)
			return (size_t)1 << sh;
	}
	return 0;
}

const struct store_ev *
store_after(const struct store *s, uint64_t after, double minmag, size_t *hint,
    size_t *visits, size_t max, uint64_t *upto)
{
	size_t i = *hint, v0 = *visits, k;
	int filtered = minmag > -3;	/* no magnitude is below -3 */

	/* the hint holds if the record before it is at or before `after` */
	if (i > s->nlog || (i > 0 && s->log[i - 1].seq > after) ||
	    (i < s->nlog && s->log[i].seq + 64 <= after))
		i = log_find(s, after);		/* wrong, or far behind */
	while (i < s->nlog && *visits - v0 < max) {
		const struct logrec *r = &s->log[i];

		if (filtered && (k = skip(s, i, minmag, visits)) > 0) {
			i += k;
			continue;
		}
		++*visits;
		if (r->seq > after && live(s, r) &&
		    (!filtered || ((double)r->mag >= minmag &&
		    s->ev[r->idx].mag >= minmag))) {
			*hint = i + 1;	/* holds once the caller takes it */
			*upto = r->seq;
			return &s->ev[r->idx];
		}
		i++;
	}
	if (i >= s->nlog) {
		*hint = s->nlog;
		*upto = s->seq;		/* all of it looked at */
	} else {
		*hint = i;
		*upto = i > 0 && s->log[i - 1].seq > after ? s->log[i - 1].seq : after;
	}
	return NULL;
}

void
store_get(const struct store_ev *e, struct quake_event *out)
{
	char *f[] = { out->id, out->magtype, out->region, out->evtype,
	    out->auth, out->source_catalog, out->source_id };
	size_t cap[] = { sizeof out->id, sizeof out->magtype, sizeof out->region,
	    sizeof out->evtype, sizeof out->auth, sizeof out->source_catalog,
	    sizeof out->source_id };
	const char *p = e->s;

	out->time = e->time;
	out->lastupdate = e->lastupdate;
	out->lat = e->lat;
	out->lon = e->lon;
	out->depth = e->depth;
	out->mag = e->mag;
	out->action = (enum quake_action)e->action;
	for (size_t i = 0; i < 7; i++) {
		size_t l = strlen(p);

		if (l >= cap[i])
			l = cap[i] - 1;
		memcpy(f[i], p, l);
		f[i][l] = '\0';
		p += strlen(p) + 1;
	}
}
