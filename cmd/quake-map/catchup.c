/* catchup — a doubly linked FIFO and a loop over it. */
#include "catchup.h"

void
catchup_init(struct catchup *q, long long budget)
{
	*q = (struct catchup){ .budget = budget > 0 ? budget : 1 };
}

void
catchup_push(struct catchup *q, struct catchup_item *it)
{
	if (it->queued)
		return;
	it->queued = 1;
	it->next = NULL;
	it->prev = q->tail;
	if (q->tail != NULL)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->queued++;
}

void
catchup_remove(struct catchup *q, struct catchup_item *it)
{
	if (!it->queued)
		return;
	if (it->prev != NULL)
		it->prev->next = it->next;
	else
		q->head = it->next;
	if (it->next != NULL)
		it->next->prev = it->prev;
	else
		q->tail = it->prev;
	it->prev = it->next = NULL;
	it->queued = 0;
	q->queued--;
}

size_t
catchup_turn(struct catchup *q, catchup_step_fn step, void *arg)
{
	long long spent = 0;

	while (q->head != NULL && spent < q->budget) {
		struct catchup_item *it = q->head;
		int again = 0;
		long long c;

		catchup_remove(q, it);
		c = step(it, arg, &again);
		spent += c > 0 ? c : 1;
		if (again)
			catchup_push(q, it);
	}
	if (spent > 0) {
		q->turns++;
		q->spent += spent;
		if (spent > q->turn_max)
			q->turn_max = spent;
	}
	return q->queued;
}
