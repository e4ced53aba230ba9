/* stage — batches for rd_kafka_produce_batch, handed over when they fit. */
#include <string.h>

#include "stage.h"

#define SEQ(st, i) ((uint64_t)(uintptr_t)(st)->m[i]._private)

char *
stage_room(struct stage *st, size_t need)
{
	if (st->n == STAGE_MAX || STAGE_ARENA - st->used < need)
		stage_flush(st);
	return st->arena + st->used;
}

void
stage_add(struct stage *st, const void *payload, size_t len, const char *key,
    size_t keylen, size_t used, uint64_t seq)
{
	rd_kafka_message_t *m = &st->m[st->n++];

	st->used += used;
	memset(m, 0, sizeof *m);
	m->payload = (void *)(uintptr_t)payload;
	m->len = len;
	m->key = (void *)(uintptr_t)key;
	m->key_len = keylen;
	m->partition = st->parts.n > 0 ? partition_of(key, keylen, st->parts.n) :
	    RD_KAFKA_PARTITION_UA;
	m->_private = (void *)(uintptr_t)seq;
}

/* Hand over st->m[from..n); the first refused for room, or n. */
static size_t
hand_over(struct stage *st, size_t from)
{
	size_t full = st->n;
	int reordered = 0;

	if (st->m[from].partition != RD_KAFKA_PARTITION_UA)
		partition_group(&st->parts, st->m + from, st->n - from);
	st->held_msgs += (unsigned long)rd_kafka_produce_batch(st->rkt,
	    RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY | RD_KAFKA_MSG_F_PARTITION,
	    st->m + from, (int)(st->n - from));
	for (size_t i = from; i < st->n; i++) {
		rd_kafka_resp_err_t err = st->m[i].err;
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			st->held_bytes += st->m[i].len;
			reordered |= full < i;
		} else if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			if (full == st->n)
				full = i;
		} else
			st->ops->fail(SEQ(st, i), err, "cannot produce");
	}
	/* a record after a refused one went in, so the refused one can no
	 * longer go before it (not seen: room is counted first); or one
	 * record is larger than the whole queue */
	if (reordered || (full < st->n && st->held_msgs == 0))
		st->ops->fail(SEQ(st, full), RD_KAFKA_RESP_ERR__QUEUE_FULL,
		    "cannot produce");
	return full;
}

void
stage_flush(struct stage *st)
{
	unsigned long long bytes = 0;
	size_t from = 0;

	for (size_t i = 0; i < st->n; i++)
		bytes += st->m[i].len;
	while (st->n > 0 && !st->ops->stopped() && st->held_msgs > 0 &&
	    (st->held_msgs + st->n > st->max_msgs ||
	    st->held_bytes + bytes > st->max_bytes))
		st->ops->wait(st->rk);
	/* after a failure nothing more goes out (it stays unacknowledged) */
	if (st->ops->stopped())
		from = st->n;
	while (from < st->n) {
		size_t full = hand_over(st, from);
		if (full == st->n || st->ops->stopped())
			break;
		/* refused for room (a limit lower than counted): wait for
		 * deliveries, then hand over the rest */
		from = full;
		st->ops->wait(st->rk);
	}
	st->n = 0;
	st->used = 0;
}

void
stage_flush_hook(void *st)
{
	stage_flush(st);
}

void
stage_delivered(struct stage *st, const rd_kafka_message_t *m)
{
	st->held_msgs--;
	st->held_bytes -= m->len;
}
