/* unit_partition — partition_of is librdkafka's consistent partitioner
 * (CRC-32 of the key modulo the count), and which partitioner settings it
 * stands for. */
#include <stdlib.h>

#include <librdkafka/rdkafka.h>

#include "quake-produce/partition.h"
#include "unit.h"

int
main(void)
{
	static const struct { const char *key; int32_t n, want; } known[] = {
		{ "123456789", 1, 0 },
		{ "123456789", 4, 0xcbf43926u % 4 },	/* the CRC-32 check value */
		{ "123456789", 7, 0xcbf43926u % 7 },
		{ "20240330_0000303", 1000, -1 },	/* -1: ask librdkafka */
		{ "a", 3, -1 },
	};
	static const struct { const char *value; int crc32; } confs[] = {
		{ NULL, 1 }, { "consistent_random", 1 }, { "consistent", 1 },
		{ "murmur2", 0 }, { "murmur2_random", 0 }, { "fnv1a", 0 },
		{ "fnv1a_random", 0 }, { "random", 0 },
	};
	char errstr[256], key[64];
	int ok = 1;

	for (size_t i = 0; i < NELEM(known); i++) {
		size_t len = strlen(known[i].key);
		int32_t want = known[i].want >= 0 ? known[i].want :
		    rd_kafka_msg_partitioner_consistent(NULL, known[i].key, len,
		    known[i].n, NULL, NULL);
		CHECK(partition_of(known[i].key, len, known[i].n) == want,
		    "partition: %s among %d", known[i].key, (int)known[i].n);
	}
	/* random keys of 1..63 bytes, as librdkafka maps them */
	srand(15);
	for (int i = 0; i < 20000 && ok; i++) {
		size_t len = 1 + (size_t)rand() % 63;
		int32_t n = 1 + rand() % 256;
		for (size_t k = 0; k < len; k++)
			key[k] = (char)(rand() % 256);
		ok = partition_of(key, len, n) ==
		    rd_kafka_msg_partitioner_consistent(NULL, key, len, n, NULL,
		    NULL);
	}
	CHECK(ok, "partition: 20k random keys where librdkafka puts them");
	for (size_t i = 0; i < NELEM(confs); i++) {
		rd_kafka_conf_t *conf = rd_kafka_conf_new();
		if (confs[i].value != NULL)
			rd_kafka_conf_set(conf, "partitioner", confs[i].value,
			    errstr, sizeof errstr);
		CHECK(partition_conf_is_crc32(conf) == confs[i].crc32,
		    "partitioner %s: crc32 %d", confs[i].value ? confs[i].value :
		    "(default)", confs[i].crc32);
		rd_kafka_conf_destroy(conf);
	}
	return unit_failed;
}
