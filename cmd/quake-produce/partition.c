/* partition — librdkafka's consistent partitioner, outside librdkafka. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/time.h"
#include "core/log.h"
#include "common/tool.h"
#include "partition.h"
#include "core/err.h"

int
partition_conf_is_crc32(const rd_kafka_conf_t *conf)
{
	char v[64];
	size_t n = sizeof v;

	/* not set: librdkafka's default, consistent_random */
	if (rd_kafka_conf_get(conf, "partitioner", v, &n) != RD_KAFKA_CONF_OK)
		return 1;
	return strcmp(v, "consistent_random") == 0 || strcmp(v, "consistent") == 0;
}

/* CRC-32 (ISO-HDLC: zlib's and librdkafka's rd_crc32), a byte at a time
 * from a table made on first use: ids are ~20 bytes. */
static uint32_t
crc32_iso_hdlc(const unsigned char *p, size_t len)
{
	static uint32_t table[256];
	uint32_t c = 0xffffffff;

	if (table[1] == 0)
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t t = i;
			for (int k = 0; k < 8; k++)
				t = t & 1 ? 0xedb88320 ^ (t >> 1) : t >> 1;
			table[i] = t;
		}
	while (len-- > 0)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffff;
}

int32_t
partition_of(const void *key, size_t len, int32_t n)
{
	return (int32_t)(crc32_iso_hdlc(key, len) % (uint32_t)n);
}

int32_t
partition_count(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int timeout_ms)
{
	const struct rd_kafka_metadata *md;
	int32_t n = 0;

	if (rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms) != RD_KAFKA_RESP_ERR_NO_ERROR)
		return 0;
	if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR)
		n = md->topics[0].partition_cnt;
	rd_kafka_metadata_destroy(md);
	return n;
}

void
partition_map_refresh(struct partition_map *pm, rd_kafka_t *rk,
    rd_kafka_topic_t *rkt)
{
	int32_t n;
	unsigned *c;

	if (!pm->crc32 || (quake_time_mono() / 1000) < pm->next)
		return;
	n = partition_count(rk, rkt, 1000);
	if (n > 0 && n != pm->n && (c = calloc((size_t)n, sizeof *c)) != NULL) {
		free(pm->count);
		pm->count = c;
		pm->n = n;
	}
	pm->next = (quake_time_mono() / 1000) + (pm->n > 0 ? pm->refresh_ms : 10000);
}

void
partition_group(struct partition_map *pm, rd_kafka_message_t *m, size_t n)
{
	unsigned *c = pm->count, sum = 0;
	size_t i;

	if (n > pm->tmp_cap) {
		free(pm->tmp);
		if ((pm->tmp = malloc(n * sizeof *pm->tmp)) == NULL) {
			tool_oom();
		}
		pm->tmp_cap = n;
	}
	memset(c, 0, (size_t)pm->n * sizeof *c);
	for (i = 0; i < n; i++)
		c[m[i].partition]++;
	for (int32_t p = 0; p < pm->n; p++) {	/* where each one starts */
		unsigned k = c[p];
		c[p] = sum;
		sum += k;
	}
	for (i = 0; i < n; i++)
		pm->tmp[c[m[i].partition]++] = m[i];
	memcpy(m, pm->tmp, n * sizeof *m);
}

void
partition_map_free(struct partition_map *pm)
{
	free(pm->count);
	free(pm->tmp);
	pm->count = NULL;
	pm->tmp = NULL;
	pm->n = 0;
	pm->tmp_cap = 0;
}
