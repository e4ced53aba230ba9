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

#endif
