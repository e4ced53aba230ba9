/* catchup — the stream clients that are behind, served round-robin from a
 * budget of work per turn of the event loop shared by all of them, so that
 * any number of clients catching up at once delays every other request by
 * at most one turn's budget (issue 28.5). Work is counted in cost units
 * (evstream: a byte written is 1, a record of the log looked at is
 * CATCHUP_VISIT). Pure: the caller says what a step is and when a turn is. */
#ifndef QUAKE_CATCHUP_H
#define QUAKE_CATCHUP_H

#include <stddef.h>

#define CATCHUP_VISIT 16	/* a record looked at costs as much as this many bytes */

/* The first member, or a member, of a client's struct. */
struct catchup_item {
	struct catchup_item *prev, *next;
	int queued;
};

struct catchup {
	struct catchup_item *head, *tail;
	size_t queued;
	long long budget;		/* cost units per turn */
	long long turns, spent;		/* turns taken, units spent in all */
	long long turn_max;		/* the most spent in one turn */
};

/* An empty queue with this budget per turn (>= 1). */
void catchup_init(struct catchup *q, long long budget);

/* it to the tail of the queue, unless it is queued already. */
void catchup_push(struct catchup *q, struct catchup_item *it);

/* it out of the queue, if it is in it. */
void catchup_remove(struct catchup *q, struct catchup_item *it);

/* One step of an item: do one piece of its work and return what it cost
 * (counted as at least 1); *again = 1 to be queued at the tail for another
 * step (this turn, if budget is left). The item is out of the queue while
 * its step runs (it may push itself, or be removed, e.g. closed). */
typedef long long (*catchup_step_fn)(struct catchup_item *it, void *arg,
    int *again);

/* One turn: steps of the items from the head, each then back at the tail
 * if it wants more, until the budget is spent or nobody is queued (so one
 * turn spends less than budget + the costliest step). Returns the number
 * of items still queued: another turn is due when it is not 0. */
size_t catchup_turn(struct catchup *q, catchup_step_fn step, void *arg);

#endif
