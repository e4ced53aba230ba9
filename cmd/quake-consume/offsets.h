/* offsets — quake-consume's lines written and not yet handled, oldest
 * first: once line N is handled (flushed, or acknowledged with --acks), the
 * offsets of the records of lines up to N are stored for librdkafka's
 * auto-commit, so a restart starts after what was handled, never before. */
#ifndef QUAKE_OFFSETS_H
#define QUAKE_OFFSETS_H

#include <librdkafka/rdkafka.h>

#include "common/ring.h"

struct offsets {
	struct ring unhandled;	/* struct offsets_rec: the head is line next */
	unsigned long next;
	unsigned long written;	/* lines written so far */
};

void offsets_init(struct offsets *o);
void offsets_free(struct offsets *o);

/* A line written for the record at topic/partition/offset (topic borrowed:
 * it outlives o, as quake-consume's -t arguments do). */
void offsets_written(struct offsets *o, const char *topic, int32_t partition,
    int64_t offset);

/* Lines up to and including upto are handled: store their offsets. */
void offsets_handled(struct offsets *o, rd_kafka_t *rk, unsigned long upto);

/* A record that writes no line (skipped): handled at once, in order, so
 * stored now only when nothing written before it waits. */
void offsets_skipped(struct offsets *o, rd_kafka_t *rk, const char *topic,
    int32_t partition, int64_t offset);

#endif
