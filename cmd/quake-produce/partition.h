/* partition — the partition of a key as librdkafka's default partitioner
 * picks it (consistent_random: CRC-32 of the key, modulo the partition
 * count), for quake-produce: records handed over with their partition set
 * and grouped by it take librdkafka ~20% less CPU than records it
 * partitions itself, one by one. */
#ifndef QUAKE_PARTITION_H
#define QUAKE_PARTITION_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

/* Whether conf's partitioner (the "partitioner" property) maps a non-empty
 * key as partition_of does: consistent_random (the default) and
 * consistent do; murmur2, fnv1a and the random ones do not. */
int partition_conf_is_crc32(const rd_kafka_conf_t *conf);

/* The partition of key[len] among n (> 0) partitions. */
int32_t partition_of(const void *key, size_t len, int32_t n);

/* The topic's partition count from a metadata request that waits up to
 * timeout_ms; 0 if not known (no answer, no such topic). */
int32_t partition_count(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int timeout_ms);

/* The partition count as quake-produce keeps it while the partitioner is
 * librdkafka's default (n 0: not known, or another partitioner; librdkafka
 * then partitions). Zero it, set crc32 and refresh_ms, then refresh. */
struct partition_map {
	int crc32;		/* partition_conf_is_crc32 */
	int32_t n;
	long long refresh_ms;	/* topic.metadata.refresh.interval.ms */
	int64_t next;		/* monotonic ms of the next refresh */
	unsigned *count;	/* owned: n counters for the grouping */
	rd_kafka_message_t *tmp;	/* owned: room to group in */
	size_t tmp_cap;
};

/* Ask for the count again when it is due (every refresh_ms, every 10 s
 * while not known), as librdkafka does; waits up to 1 s for the answer. */
void partition_map_refresh(struct partition_map *pm, rd_kafka_t *rk,
    rd_kafka_topic_t *rkt);

/* Order m[0..n) (each with its partition < pm->n set) by partition,
 * keeping the order within each: the order per key is the input's. Exits
 * 70 when out of memory. */
void partition_group(struct partition_map *pm, rd_kafka_message_t *m,
    size_t n);

void partition_map_free(struct partition_map *pm);

#endif
