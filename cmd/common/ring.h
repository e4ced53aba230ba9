/* ring — a growable FIFO of fixed-size records, each named by a sequence
 * number that stays valid while the ring grows (librdkafka carries it in
 * delivery reports). Used by quake-produce (records awaiting delivery),
 * quake-ddb-put (lines awaiting their answer), quake-consume (lines awaiting
 * their ack) and emsc-tail (checkpoints awaiting theirs). */
#ifndef QUAKE_RING_H
#define QUAKE_RING_H

#include <stddef.h>
#include <stdint.h>

struct ring {
	unsigned char *slot;
	size_t size, cap, head, count;
	uint64_t head_seq;	/* sequence number of the head record */
};

/* An empty ring of records of size bytes. */
void ring_init(struct ring *r, size_t size);

/* Append a record; its sequence number into *seq (may be NULL). Logs and
 * exits 70 when out of memory. */
void *ring_push(struct ring *r, uint64_t *seq);

/* The record with sequence number seq (which must be in the ring). */
void *ring_at(const struct ring *r, uint64_t seq);

/* The oldest record, or NULL if empty; ring_pop drops it. */
void *ring_head(const struct ring *r);
void ring_pop(struct ring *r);

void ring_free(struct ring *r);

#endif
