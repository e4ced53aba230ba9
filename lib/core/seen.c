/* seen — open addressing over 64-bit hashes (FNV-1a of id, mixed with
 * lastupdate) with linear probing and backward-shift deletion; a FIFO of
 * the same hashes says which to forget. Two revisions whose 64-bit hashes
 * collide count as one: at 2^-64 per pair, accepted. */
#include <stdlib.h>
#include <string.h>

#include "core/seen.h"

struct quake_seen {
	uint64_t *slot;		/* 0 = empty */
	size_t mask;		/* slots - 1; slots >= 4/3 cap (load <= 3/4; linear
				 * probing stays short), a power of 2 */
	uint64_t *fifo;		/* hashes in insertion order */
	size_t cap, head, count;
};

static uint64_t
hash(const char *id, int64_t lu)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ULL;
	h ^= (uint64_t)lu + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h ? h : 1;
}

enum quake_err
quake_seen_new(size_t cap, struct quake_seen **out)
{
	struct quake_seen *s;
	size_t n = 16;

	if (cap == 0)
		cap = 1;
	while (n < cap + cap / 3 + 1)
		n <<= 1;
	if ((s = calloc(1, sizeof *s)) == NULL ||
	    (s->slot = calloc(n, sizeof *s->slot)) == NULL ||
	    (s->fifo = calloc(cap, sizeof *s->fifo)) == NULL) {
		quake_seen_free(s);
		return QUAKE_ENOMEM;
	}
	s->mask = n - 1;
	s->cap = cap;
	*out = s;
	return QUAKE_OK;
}

static void
forget(struct quake_seen *s, uint64_t h)
{
	size_t i = h & s->mask, j;

	while (s->slot[i] != h) {
		if (s->slot[i] == 0)
			return;
		i = (i + 1) & s->mask;
	}
	/* backward shift: keep every later entry reachable from its home */
	for (j = (i + 1) & s->mask; s->slot[j] != 0; j = (j + 1) & s->mask) {
		size_t home = s->slot[j] & s->mask;
		if (((j - home) & s->mask) >= ((j - i) & s->mask)) {
			s->slot[i] = s->slot[j];
			i = j;
		}
	}
	s->slot[i] = 0;
}

int
quake_seen_add(struct quake_seen *s, const char *id, int64_t lastupdate)
{
	uint64_t h = hash(id, lastupdate);
	size_t i = h & s->mask;

	for (; s->slot[i] != 0; i = (i + 1) & s->mask)
		if (s->slot[i] == h)
			return 1;
	if (s->count == s->cap) {
		forget(s, s->fifo[s->head]);
		s->head = (s->head + 1) % s->cap;
		s->count--;
		/* forgetting may have shifted the free slot we found */
		for (i = h & s->mask; s->slot[i] != 0; i = (i + 1) & s->mask)
			;
	}
	s->slot[i] = h;
	s->fifo[(s->head + s->count) % s->cap] = h;
	s->count++;
	return 0;
}

size_t
quake_seen_count(const struct quake_seen *s)
{
	return s->count;
}

void
quake_seen_free(struct quake_seen *s)
{
	if (s == NULL)
		return;
	free(s->slot);
	free(s->fifo);
	free(s);
}
