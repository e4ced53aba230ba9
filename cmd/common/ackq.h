/* ackq — lines awaiting acknowledgement, in input order.
 *
 * The status-line side (quake-produce, quake-ddb-put, quake-alert): every
 * input line gets a record; the sink finishes records in any order; the
 * finished head of the queue becomes status lines on stdout, in input
 * order; the run's end decides the exit status. Each record starts with a
 * struct ackq_rec, the binary's own fields after it:
 *
 *	struct pending { struct ackq_rec r; char *body; ... };
 *	ackq_init(&q, sizeof(struct pending), release, &in, &rejected);
 *
 * The acknowledged side (emsc-tail): records of lines printed, dropped as
 * the ack FIFO reports them handled (ackq_add, ackq_acked: no header).
 *
 * Not thread-safe; the queue owns its records and what ackq_rec points to. */
#ifndef QUAKE_ACKQ_H
#define QUAKE_ACKQ_H

#include <stddef.h>
#include <stdint.h>

#include "lines/ack.h"
#include "core/log.h"
#include "core/err.h"
#include "common/ring.h"

struct quake_ndjson;
struct quake_line;

enum ackq_state {
	ACKQ_OPEN,	/* the sink has it (queued, in flight, retrying) */
	ACKQ_DONE,	/* finished: its status line is due */
	ACKQ_FAILED	/* failed for good: no status line, for it or after */
};

/* The head of a status-line record, 48 bytes. An id as EMSC writes them
 * (20240330_0000303) fits id[]; a longer one is allocated. */
struct ackq_rec {
	unsigned long lineno;
	char *error;		/* owned; NULL unless rejected */
	char *long_id;		/* owned; NULL when the id fits id[] */
	char id[22];
	unsigned char state;	/* enum ackq_state */
	unsigned char status;	/* enum quake_ack_status, once done */
};

struct ackq {
	struct ring ring;	/* records; sequence numbers stay valid */
	void (*release)(struct ackq_rec *);	/* frees the binary's fields */
	long long *in, *rejected;	/* counters (the binary's or own_) */
	long long own_in, own_rejected;
	int status_side;	/* records start with struct ackq_rec */
	uint64_t next_fresh;	/* sending: the next line not yet sent */
	struct ackq_retry { uint64_t seq; int64_t at; } *retries;
	size_t nretries, retries_cap;
};

/* An empty queue of records of size bytes (>= sizeof(struct ackq_rec) on
 * the status-line side). release (may be NULL) frees a record's own fields
 * when it leaves the queue. in and rejected (may be NULL) are the counters
 * ackq_next and ackq_reject/ackq_done bump. */
void ackq_init(struct ackq *q, size_t size, void (*release)(struct ackq_rec *),
    long long *in, long long *rejected);

/* Drop every record (release called on each) and the ring. */
void ackq_free(struct ackq *q);

/* Records in the queue. */
size_t ackq_pending(const struct ackq *q);

/* ---- the status-line side ---- */

/* Append an open record for input line lineno with id[0..idlen); its
 * sequence number into *seq (may be NULL). Borrowed: the record stays
 * valid until the next push. Exits 70 when out of memory. */
struct ackq_rec *ackq_push(struct ackq *q, unsigned long lineno,
    const char *id, size_t idlen, uint64_t *seq);

/* The record with sequence number seq (still in the queue); borrowed. */
struct ackq_rec *ackq_at(const struct ackq *q, uint64_t seq);

/* The record's id (borrowed from it). */
const char *ackq_id(const struct ackq_rec *r);

/* Finish r with status st; error (copied; may be NULL) goes in its status
 * line. A rejected one is counted. */
void ackq_done(struct ackq *q, struct ackq_rec *r, enum quake_ack_status st,
    const char *error);

/* r failed for good: it and every line after it stay unacknowledged. */
void ackq_fail(struct ackq_rec *r);

/* Reject input line lineno (id may be ""): one stderr line and the
 * dead-letter file (rec[0..len), may be NULL) by tool_reject, and a done
 * record whose status line says "field: reason". */
void ackq_reject(struct ackq *q, unsigned long lineno, const char *id,
    const struct quake_fail *f, const char *rec, size_t len);

/* The read step: the next line of r into *l to take (QUAKE_OK, counted),
 * QUAKE_EAGAIN (nothing ready) or QUAKE_EOF (the end, or a read error:
 * *status set to 74). A line over the cap is rejected here, and the next
 * one read. */
enum quake_err ackq_next(struct ackq *q, struct quake_ndjson *r,
    struct quake_line *l, int *status);

/* Write the status lines of the finished head, in order. 0, or -1 when the
 * head failed for good (nothing more will come out). */
int ackq_drain(struct ackq *q);

/* The exit status of a run that ended with status so far: unless already
 * set, lines left in the queue give `unacked` (logged once at level lvl:
 * msg and their count; unacked may be 0) and rejected lines 65. */
int ackq_exit(struct ackq *q, int status, int unacked,
    enum quake_log_level lvl, const char *msg);

/* ---- sending: which open line a sink sends next (quake-ddb-put) ---- */

/* The next line to send at now (µs): a retry that is due, else the next
 * open line not sent yet. 1 with *seq, or 0 when none is. */
int ackq_next_send(struct ackq *q, int64_t now, uint64_t *seq);

/* Send seq again once at (µs; 0: at once) has come. Exits 70 when out of
 * memory. */
void ackq_retry(struct ackq *q, uint64_t seq, int64_t at);

/* How long until a retry is due, in ms: max_ms at most, 0 when one is. */
long ackq_next_wake(const struct ackq *q, int64_t now, long max_ms);

/* ---- the acknowledged side ---- */

/* Append a record (size bytes, zeroed) for the next line printed; the
 * first is line 1. Borrowed until the next add. Exits 70 out of memory. */
void *ackq_add(struct ackq *q);

/* Drop the records of lines 1..upto (acknowledged), oldest first, each
 * given to fn (borrowed for the call) before it goes. */
void ackq_acked(struct ackq *q, unsigned long upto,
    void (*fn)(void *rec, void *arg), void *arg);

#endif
