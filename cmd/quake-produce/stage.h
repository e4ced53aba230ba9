/* stage — records staged for librdkafka, for quake-produce: handed over
 * together by rd_kafka_produce_batch (the topic lock taken and the clocks
 * read once per batch, not per record), grouped by partition while the
 * partition map knows the count, and only when librdkafka's queue has
 * room for all of them: a "queue full" in mid-batch would fail some
 * records of the batch and not the ones after, and order would be lost.
 * Payloads and keys are borrowed until the next flush (librdkafka copies
 * them, RD_KAFKA_MSG_F_COPY); the arena holds what has no other home. */
#ifndef QUAKE_STAGE_H
#define QUAKE_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "partition.h"

#define STAGE_MAX 256
#define STAGE_ARENA (64 * 1024)

/* What the stage asks of its producer. */
struct stage_ops {
	/* the record of sequence seq failed for good (what: the log's msg) */
	void (*fail)(uint64_t seq, rd_kafka_resp_err_t err, const char *what);
	/* serve delivery reports for up to 100 ms */
	void (*wait)(rd_kafka_t *rk);
	/* non-zero once nothing more may go out (a failure before) */
	int (*stopped)(void);
};

struct stage {
	rd_kafka_t *rk;			/* borrowed */
	rd_kafka_topic_t *rkt;		/* borrowed */
	const struct stage_ops *ops;
	struct partition_map parts;
	/* what librdkafka holds (queued or in flight, until its delivery
	 * report), counted as it counts queue.buffering.max.messages and
	 * .kbytes (payload bytes) */
	unsigned long held_msgs, max_msgs;
	unsigned long long held_bytes, max_bytes;
	size_t n, used;
	rd_kafka_message_t m[STAGE_MAX];
	char arena[STAGE_ARENA];
};

/* Arena room for a record that needs up to need bytes of it (flushed
 * first when the stage is full); borrowed until stage_add. */
char *stage_room(struct stage *st, size_t need);

/* Stage payload[0..len) with key[0..keylen), used bytes of the arena
 * taken, its ackq sequence number seq. */
void stage_add(struct stage *st, const void *payload, size_t len,
    const char *key, size_t keylen, size_t used, uint64_t seq);

/* Hand the staged records over, waiting (ops->wait) while librdkafka's
 * queue has no room for all of them. Suits quake_ndjson_set_wait_hook
 * (stage_flush_hook): staged lines may point into the reader's buffer. */
void stage_flush(struct stage *st);
void stage_flush_hook(void *st);

/* A delivery report for m was served: librdkafka holds it no more. */
void stage_delivered(struct stage *st, const rd_kafka_message_t *m);

#endif
