/* ackq — the ordered status-line layer over a ring. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ackq.h"
#include "core/ndjson.h"
#include "common/tool.h"

void
ackq_init(struct ackq *q, size_t size, void (*release)(struct ackq_rec *),
    long long *in, long long *rejected)
{
	memset(q, 0, sizeof *q);
	ring_init(&q->ring, size);
	q->release = release;
	q->in = in != NULL ? in : &q->own_in;
	q->rejected = rejected != NULL ? rejected : &q->own_rejected;
}

static void
rec_free(struct ackq *q, struct ackq_rec *r)
{
	if (q->release != NULL)
		q->release(r);
	free(r->error);
	free(r->long_id);
	r->error = r->long_id = NULL;
}

void
ackq_free(struct ackq *q)
{
	struct ackq_rec *r;

	if (q->status_side)
		while ((r = ring_head(&q->ring)) != NULL) {
			rec_free(q, r);
			ring_pop(&q->ring);
		}
	ring_free(&q->ring);
	free(q->retries);
	q->retries = NULL;
	q->nretries = q->retries_cap = 0;
}

size_t
ackq_pending(const struct ackq *q)
{
	return q->ring.count;
}

struct ackq_rec *
ackq_push(struct ackq *q, unsigned long lineno, const char *id, size_t idlen,
    uint64_t *seq)
{
	struct ackq_rec *r = ring_push(&q->ring, seq);

	q->status_side = 1;
	memset(r, 0, q->ring.size);
	r->lineno = lineno;
	r->state = ACKQ_OPEN;
	if (idlen < sizeof r->id)
		memcpy(r->id, id, idlen);
	else	/* NULL when out of memory: the status line has no id */
		r->long_id = strndup(id, idlen);
	return r;
}

struct ackq_rec *
ackq_at(const struct ackq *q, uint64_t seq)
{
	return ring_at(&q->ring, seq);
}

const char *
ackq_id(const struct ackq_rec *r)
{
	return r->long_id != NULL ? r->long_id : r->id;
}

void
ackq_done(struct ackq *q, struct ackq_rec *r, enum quake_ack_status st,
    const char *error)
{
	r->state = ACKQ_DONE;
	r->status = (unsigned char)st;
	free(r->error);
	r->error = error != NULL ? strdup(error) : NULL;
	if (st == QUAKE_ACK_REJECTED)
		(*q->rejected)++;
}

void
ackq_fail(struct ackq_rec *r)
{
	r->state = ACKQ_FAILED;
}

void
ackq_reject(struct ackq *q, unsigned long lineno, const char *id,
    const struct quake_fail *f, const char *rec, size_t len)
{
	struct ackq_rec *r = ackq_push(q, lineno, id, strlen(id), NULL);
	char why[sizeof f->field + sizeof f->reason + 2];

	tool_reject(lineno, f, rec, len);
	if (f->field[0] != '\0')
		snprintf(why, sizeof why, "%s: %s", f->field, f->reason);
	else
		snprintf(why, sizeof why, "%s", f->reason);
	ackq_done(q, r, QUAKE_ACK_REJECTED, why);
}

enum quake_err
ackq_next(struct ackq *q, struct quake_ndjson *r, struct quake_line *l,
    int *status)
{
	struct quake_fail f;
	enum quake_err err;

	while ((err = tool_next_line(r, l, &f, status)) == QUAKE_ETOOLONG) {
		(*q->in)++;
		ackq_reject(q, l->lineno, "", &f, NULL, 0);
	}
	if (err == QUAKE_OK)
		(*q->in)++;
	return err;
}

int
ackq_drain(struct ackq *q)
{
	char buf[QUAKE_ACK_LINE_MAX];
	struct quake_ack a;
	struct ackq_rec *r;

	while ((r = ring_head(&q->ring)) != NULL) {
		if (r->state == ACKQ_OPEN)
			return 0;
		if (r->state == ACKQ_FAILED)
			return -1;
		snprintf(a.id, sizeof a.id, "%s", ackq_id(r));
		a.status = (enum quake_ack_status)r->status;
		a.line = r->lineno;
		snprintf(a.error, sizeof a.error, "%s", r->error ? r->error : "");
		tool_out(buf, quake_ack_format(&a, buf, sizeof buf));
		rec_free(q, r);
		ring_pop(&q->ring);
		if (q->next_fresh < q->ring.head_seq)
			q->next_fresh = q->ring.head_seq;
	}
	return 0;
}

int
ackq_exit(struct ackq *q, int status, int unacked, enum quake_log_level lvl,
    const char *msg)
{
	if (q->ring.count > 0) {
		char n[24];
		snprintf(n, sizeof n, "%zu", q->ring.count);
		quake_log(lvl, msg, "count", n, NULL);
		if (status == 0)
			status = unacked;
	}
	if (status == 0 && *q->rejected > 0)
		status = QUAKE_EXIT_DATAERR;
	return status;
}

int
ackq_next_send(struct ackq *q, int64_t now, uint64_t *seq)
{
	for (size_t i = 0; i < q->nretries; i++)
		if (q->retries[i].at <= now) {
			*seq = q->retries[i].seq;
			q->retries[i] = q->retries[--q->nretries];
			return 1;
		}
	while (q->next_fresh < q->ring.head_seq + q->ring.count) {
		struct ackq_rec *r = ackq_at(q, q->next_fresh);
		*seq = q->next_fresh++;
		if (r->state == ACKQ_OPEN)
			return 1;
	}
	return 0;
}

void
ackq_retry(struct ackq *q, uint64_t seq, int64_t at)
{
	if (q->nretries == q->retries_cap) {
		size_t cap = q->retries_cap ? q->retries_cap * 2 : 1024;
		struct ackq_retry *n = realloc(q->retries, cap * sizeof *n);
		if (n == NULL) {
			tool_oom();
		}
		q->retries = n;
		q->retries_cap = cap;
	}
	q->retries[q->nretries++] = (struct ackq_retry){ seq, at };
}

long
ackq_next_wake(const struct ackq *q, int64_t now, long max_ms)
{
	long wake = max_ms;

	for (size_t i = 0; i < q->nretries; i++) {
		int64_t d = (q->retries[i].at - now) / 1000;
		if (d < wake)
			wake = d < 0 ? 0 : (long)d;
	}
	return wake;
}

void *
ackq_add(struct ackq *q)
{
	void *rec = ring_push(&q->ring, NULL);

	memset(rec, 0, q->ring.size);
	return rec;
}

void
ackq_acked(struct ackq *q, unsigned long upto, void (*fn)(void *, void *),
    void *arg)
{
	for (void *rec; (rec = ring_head(&q->ring)) != NULL &&
	    q->ring.head_seq < upto; ring_pop(&q->ring))
		fn(rec, arg);
}
