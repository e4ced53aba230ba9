/* offsets — where each line written came from, until it is handled. */
#include "offsets.h"

struct offsets_rec {
	const char *topic;
	int32_t partition;
	int64_t offset;
};

void
offsets_init(struct offsets *o)
{
	ring_init(&o->unhandled, sizeof(struct offsets_rec));
	o->next = 1;
	o->written = 0;
}

void
offsets_free(struct offsets *o)
{
	ring_free(&o->unhandled);
}

void
offsets_written(struct offsets *o, const char *topic, int32_t partition,
    int64_t offset)
{
	*(struct offsets_rec *)ring_push(&o->unhandled, NULL) =
	    (struct offsets_rec){ topic, partition, offset };
	o->written++;
}

void
offsets_handled(struct offsets *o, rd_kafka_t *rk, unsigned long upto)
{
	rd_kafka_topic_partition_list_t *l;

	if (upto < o->next || o->unhandled.count == 0)
		return;
	l = rd_kafka_topic_partition_list_new(8);
	while (o->unhandled.count > 0 && o->next <= upto) {
		struct offsets_rec *r = ring_head(&o->unhandled);
		rd_kafka_topic_partition_t *tp =
		    rd_kafka_topic_partition_list_find(l, r->topic, r->partition);
		if (tp == NULL)
			tp = rd_kafka_topic_partition_list_add(l, r->topic, r->partition);
		tp->offset = r->offset + 1;
		ring_pop(&o->unhandled);
		o->next++;
	}
	/* partitions revoked meanwhile refuse the store: that is right */
	rd_kafka_offsets_store(rk, l);
	rd_kafka_topic_partition_list_destroy(l);
}

void
offsets_skipped(struct offsets *o, rd_kafka_t *rk, const char *topic,
    int32_t partition, int64_t offset)
{
	rd_kafka_topic_partition_list_t *l;

	if (o->unhandled.count > 0)
		return;
	l = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(l, topic, partition)->offset = offset + 1;
	rd_kafka_offsets_store(rk, l);
	rd_kafka_topic_partition_list_destroy(l);
}
