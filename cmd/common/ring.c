/* ring — grows by half (not doubling: its peak is resident memory), records
 * copied in order on growth. */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "common/tool.h"
#include "core/err.h"
#include "common/ring.h"

void
ring_init(struct ring *r, size_t size)
{
	memset(r, 0, sizeof *r);
	r->size = size;
}

void *
ring_at(const struct ring *r, uint64_t seq)
{
	return r->slot + ((r->head + (size_t)(seq - r->head_seq)) % r->cap) * r->size;
}

void *
ring_push(struct ring *r, uint64_t *seq)
{
	if (r->count == r->cap) {
		size_t ncap = r->cap ? r->cap + r->cap / 2 : 4096;
		unsigned char *n = malloc(ncap * r->size);
		if (n == NULL) {
			tool_oom();
		}
		for (size_t i = 0; i < r->count; i++)
			memcpy(n + i * r->size, ring_at(r, r->head_seq + i), r->size);
		free(r->slot);
		r->slot = n;
		r->cap = ncap;
		r->head = 0;
	}
	if (seq != NULL)
		*seq = r->head_seq + r->count;
	r->count++;
	return ring_at(r, r->head_seq + r->count - 1);
}

void *
ring_head(const struct ring *r)
{
	return r->count > 0 ? r->slot + r->head * r->size : NULL;
}

void
ring_pop(struct ring *r)
{
	r->head = (r->head + 1) % r->cap;
	r->head_seq++;
	r->count--;
}

void
ring_free(struct ring *r)
{
	free(r->slot);
	r->slot = NULL;
	r->count = r->cap = 0;
}
