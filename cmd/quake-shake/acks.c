/* acks — pushes held for their status lines (see acks.h). The
 * held ring has one record per line written, in order (line k is sequence
 * number k-1), answered or not; the reader thread hands status lines over
 * through a second ring under a mutex and wakes httpd's loop when it was
 * empty. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/time.h"
#include "lines/ack.h"
#include "common/ackread.h"
#include "common/httpd.h"
#include "core/log.h"
#include "common/ring.h"
#include "acks.h"

/* a line written; c is NULL once its push was answered or went away */
struct held {
	struct httpd_conn *c;
	int64_t deadline;	/* µs, monotonic */
};

/* a status line, from the reader thread */
struct back {
	unsigned long line;
	int status;		/* enum quake_ack_status */
	char error[sizeof ((struct quake_ack *)0)->error];
};

static struct {
	struct ring held;
	uint64_t timeout_seq;	/* lines before it are past their deadline */
	size_t nheld;		/* records with c set */
	int64_t timeout;
	int ended;
	long long acked, failed, timedout;
	pthread_mutex_t mu;	/* guards back, back_end, wake */
	struct ring back;
	int back_end;		/* the reader stopped */
	struct httpd *wake;	/* NULL once stopped: wake nobody */
} sa = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* in the reader thread */
static void
on_ack(void *unused, const struct quake_ack *a)
{
	struct back *b;
	int was_empty;

	(void)unused;
	pthread_mutex_lock(&sa.mu);
	was_empty = sa.back.count == 0;
	if (a == NULL)
		sa.back_end = 1;
	else {
		b = ring_push(&sa.back, NULL);
		b->line = a->line;
		b->status = (int)a->status;
		snprintf(b->error, sizeof b->error, "%s", a->error);
	}
	if (sa.wake != NULL && (was_empty || a == NULL))
		httpd_wake(sa.wake);
	pthread_mutex_unlock(&sa.mu);
}

/* 200, or 503 with Retry-After and one line saying why */
static void
answer(struct httpd_conn *c, int ok, const char *why)
{
	char b[320];
	int n, rc;

	sa.nheld--;
	if (ok) {
		sa.acked++;
		rc = httpd_respond(c, 200, "text/plain", "ok\n", 3, NULL);
	} else {
		sa.failed++;
		n = snprintf(b, sizeof b, "Error 503: %s\n", why);
		if (n < 0 || (size_t)n >= sizeof b)
			n = (int)sizeof b - 1;
		rc = httpd_respond(c, 503, "text/plain; charset=utf-8", b, (size_t)n,
		    "retry-after: 1\x0d\x0a");
	}
	if (rc != 0)
		httpd_stream_close(c);
}

static void
gone(void *user)
{
	uint64_t seq = (uint64_t)(uintptr_t)user;
	struct held *r;

	if (seq < sa.held.head_seq || seq >= sa.held.head_seq + sa.held.count)
		return;
	r = ring_at(&sa.held, seq);
	if (r->c != NULL) {
		r->c = NULL;
		sa.nheld--;
	}
}

/* every push still held: 503 why */
static void
answer_all(const char *why)
{
	for (uint64_t s = sa.held.head_seq; s < sa.held.head_seq + sa.held.count; s++) {
		struct held *r = ring_at(&sa.held, s);

		if (r->c != NULL)
			answer(r->c, 0, why);
		r->c = NULL;
	}
}

static void
end(const char *why)
{
	char n[24];

	if (sa.ended)
		return;
	sa.ended = 1;
	snprintf(n, sizeof n, "%zu", sa.nheld);
	quake_log(sa.nheld ? QUAKE_LOG_ERROR : QUAKE_LOG_INFO,
	    "no more status lines", "reason", why, "held", n, NULL);
	answer_all(why);
}

/* the status line of the oldest line held */
static void
take(const struct back *b)
{
	struct held *r = ring_head(&sa.held);
	char why[256];

	if (r == NULL || sa.held.head_seq + 1 != b->line) {
		end("a status line for a line not written");
		return;
	}
	if (r->c != NULL && b->status == QUAKE_ACK_PRODUCED)
		answer(r->c, 1, NULL);
	else if (r->c != NULL) {
		snprintf(why, sizeof why, "quake-produce did not take the samples (%s%s%s)",
		    quake_ack_status_str((enum quake_ack_status)b->status),
		    b->error[0] ? ": " : "", b->error);
		answer(r->c, 0, why);
	}
	ring_pop(&sa.held);
}

static void
timeouts(void)
{
	int64_t now = quake_time_mono();
	char why[120];

	if (sa.timeout_seq < sa.held.head_seq)
		sa.timeout_seq = sa.held.head_seq;
	for (; sa.timeout_seq < sa.held.head_seq + sa.held.count; sa.timeout_seq++) {
		struct held *r = ring_at(&sa.held, sa.timeout_seq);

		if (r->deadline > now)
			break;
		if (r->c == NULL)
			continue;
		snprintf(why, sizeof why, "the samples were not acknowledged within %.3g s",
		    (double)sa.timeout / 1e6);
		sa.timedout++;
		answer(r->c, 0, why);
		r->c = NULL;
	}
}

void
acks_wake(void *unused)
{
	struct back b;
	int got, stopped;

	(void)unused;
	for (;;) {
		pthread_mutex_lock(&sa.mu);
		if ((got = sa.back.count > 0)) {
			b = *(struct back *)ring_head(&sa.back);
			ring_pop(&sa.back);
		}
		stopped = sa.back_end;
		pthread_mutex_unlock(&sa.mu);
		if (!got)
			break;
		if (!sa.ended)
			take(&b);
	}
	if (stopped)
		end("the status stream from quake-produce ended or broke");
	timeouts();
}

int
acks_start(const char *path, int64_t timeout_us, struct httpd *h)
{
	ring_init(&sa.held, sizeof(struct held));
	ring_init(&sa.back, sizeof(struct back));
	sa.timeout = timeout_us;
	sa.wake = h;
	return ackread_start_fn(path, 1, 1, on_ack, NULL);
}

int
acks_hold(struct httpd_conn *c)
{
	uint64_t seq;
	struct held *r = ring_push(&sa.held, &seq);

	r->c = NULL;
	r->deadline = quake_time_mono() + sa.timeout;
	sa.nheld++;
	if (sa.ended) {
		answer(c, 0, "the status stream from quake-produce ended");
		return -1;
	}
	if (httpd_defer(c, gone, (void *)(uintptr_t)seq) != 0) {
		answer(c, 0, "cannot hold the answer");
		return -1;
	}
	r->c = c;
	return 0;
}

int
acks_ended(void)
{
	return sa.ended;
}

size_t
acks_held(void)
{
	return sa.nheld;
}

void
acks_stop(const char *why)
{
	pthread_mutex_lock(&sa.mu);
	sa.wake = NULL;
	pthread_mutex_unlock(&sa.mu);
	answer_all(why);
}

void
acks_counts(long long *acked, long long *failed, long long *timedout)
{
	*acked = sa.acked;
	*failed = sa.failed;
	*timedout = sa.timedout;
}
