/* judge — quake-alert's lines: an event line judged against every rule
 * (lib/alert's decision on the marks), its notices queued for delivery, its
 * record finished once they all are; the marks of the finished head of the
 * queue committed and synced before its status lines go out. */
#ifndef QUAKE_JUDGE_H
#define QUAKE_JUDGE_H

#include <stdint.h>

#include "common/ackq.h"
#include "deliver.h"
#include "alert/marks.h"
#include "core/ndjson.h"
#include "alert/rules.h"

/* Counters for --stats and the closing line. */
struct judge_counts {
	long long in, alerted, skipped, rejected, undelivered, notices;
};

struct judge;

/* A judge over q (initialized here for the judge's records: ackq_free it
 * after judge_free); rs and m (may be NULL: no state kept) are borrowed
 * for the run; events with an origin older than window_us are skipped.
 * Exits 70 when out of memory. */
struct judge *judge_new(struct ackq *q, struct quake_rules *rs,
    struct quake_marks *m, int64_t window_us);
void judge_free(struct judge *j);

/* A reload: to (a new judge) takes from's counters and the main shocks it
 * remembers for aftershock suppression; from is left without them. */
void judge_carry(struct judge *to, struct judge *from);

/* The counters, owned by j. */
const struct judge_counts *judge_counts(const struct judge *j);

/* Judge input line l: a record pushed (or the line rejected), notices
 * queued. */
void judge_line(struct judge *j, const struct quake_line *l);

/* deliver_step's callback (arg: the judge): a notice finished. */
void judge_notice_done(struct notice *n, void *arg);

/* Commit and sync the marks of the finished head of the queue. 0, or 74
 * when the state file cannot be written (logged). */
int judge_commit(struct judge *j);

#endif
