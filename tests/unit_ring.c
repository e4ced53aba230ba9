/* unit_ring — the FIFO of fixed-size records: order, sequence numbers that
 * stay valid across growth (also while the ring is wrapped), empty ring. */
#include <stdint.h>

#include "common/ring.h"
#include "unit.h"

/* Push `push` records, pop `pop`, push `more`: every record left must be
 * found by its sequence number and come out in order. */
static int
scenario(size_t push, size_t pop, size_t more)
{
	struct ring r;
	uint64_t seq, next = 0;
	int ok = 1;

	ring_init(&r, sizeof(uint64_t));
	for (size_t i = 0; i < push + more; i++) {
		if (i == push)
			for (size_t k = 0; k < pop && ring_head(&r) != NULL; k++) {
				ok &= *(uint64_t *)ring_head(&r) == next++;
				ring_pop(&r);
			}
		*(uint64_t *)ring_push(&r, &seq) = i;
		ok &= seq == i;
	}
	for (uint64_t s = r.head_seq; s < r.head_seq + r.count; s++)
		ok &= *(uint64_t *)ring_at(&r, s) == s;
	for (uint64_t *p; (p = ring_head(&r)) != NULL; ring_pop(&r))
		ok &= *p == next++;
	ok &= next == push + more && r.count == 0;
	ring_free(&r);
	return ok;
}

int
main(void)
{
	static const struct { size_t push, pop, more; const char *what; } cases[] = {
		{ 0, 0, 0, "empty" },
		{ 1, 1, 1, "one in, one out, one in" },
		{ 4096, 0, 0, "exactly the first capacity" },
		{ 4096, 0, 1, "one past it: grows" },
		{ 4096, 100, 200, "grows while wrapped" },
		{ 3000, 2999, 9000, "mostly drained, then grows" },
		{ 100000, 50000, 100000, "many" },
	};
	struct ring r;

	for (size_t i = 0; i < NELEM(cases); i++)
		CHECK(scenario(cases[i].push, cases[i].pop, cases[i].more),
		    "ring: %s", cases[i].what);
	ring_init(&r, 8);
	CHECK(ring_head(&r) == NULL && r.count == 0, "ring: a new ring is empty");
	ring_free(&r);
	return unit_failed;
}
