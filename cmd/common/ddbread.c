/* ddbread — the days (or segments) of a read as a ring of units: a unit is
 * admitted when the ring has room, sent page by page, and written once
 * every unit before it is. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ddbread.h"
#include "common/tool.h"
#include "core/log.h"
#include "core/time.h"
#include "lines/event.h"

#define BACKOFF_BASE_US 50000LL		/* first retry within 50 ms */
#define BACKOFF_CAP_US 10000000LL	/* never wait more than 10 s */
#define BODY_MAX (2048 + QUAKE_DDB_KEY_MAX)

/* One unit of reading: a day partition (Query) or a segment (Scan); its
 * lines wait in out until the units before it are written. */
struct unit {
	enum { U_FREE, U_WAIT, U_FLIGHT, U_DONE } state;
	long index;			/* day number from the first, or segment */
	int attempts, reauthed;
	int64_t next_try;		/* µs; 0: now */
	char key[QUAKE_DDB_KEY_MAX];	/* where the next page starts */
	char body[BODY_MAX];		/* the request in flight */
	char *out;			/* lines read, "\n"-terminated */
	size_t olen, ocap;
};

struct rd {
	struct dynamodb *d;
	const struct ddbread_opts *o;
	struct ddbread_counts k;
	struct unit *units;		/* a ring of nunits */
	long nunits, first_day, ntotal;
	int months;			/* units are months of the sparse index */
	long next_index;		/* the next unit not yet started */
	long emitted;			/* units written out */
	int fatal, stopped;
	char *why;
	size_t cap;
};

static struct unit *
unit_of(struct rd *rd, long index)
{
	return &rd->units[index % rd->nunits];
}

static void failed(struct rd *rd, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The first failure stands: its status and its words in rd->why. */
static void
failed(struct rd *rd, int status, const char *fmt, ...)
{
	va_list ap;

	if (rd->fatal)
		return;
	rd->fatal = status;
	va_start(ap, fmt);
	vsnprintf(rd->why, rd->cap, fmt, ap);
	va_end(ap);
}

/* "YYYY-MM-DD" of day number i of the range ("YYYY-MM" of month i). */
static void
day_str(struct rd *rd, long i, char *out)
{
	char t[QUAKE_TIME_LEN + 1];

	if (rd->months) {
		long m = rd->first_day + i;	/* months since year 0 */

		snprintf(out, 11, "%04ld-%02ld", m / 12 % 10000, m % 12 + 1);
		return;
	}
	quake_time_format((int64_t)(rd->first_day + i) * 86400 * 1000000, t);
	memcpy(out, t, 10);
	out[10] = '\0';
}

/* Start units while the ring has room, in order. */
static void
admit(struct rd *rd)
{
	while (rd->next_index < rd->ntotal &&
	    rd->next_index - rd->emitted < rd->nunits) {
		struct unit *u = unit_of(rd, rd->next_index);

		u->state = U_WAIT;
		u->index = rd->next_index++;
		u->attempts = u->reauthed = 0;
		u->next_try = 0;
		u->key[0] = '\0';
		u->olen = 0;
	}
}

/* The body of u's next page into u->body: its length, 0 if none. */
static size_t
body_of(struct rd *rd, struct unit *u)
{
	char day[11];

	if (rd->o->scan)
		return quake_ddb_scan_body(rd->d->table, (int)u->index,
		    (int)rd->ntotal, &rd->o->flt, u->key, u->body, sizeof u->body);
	day_str(rd, u->index, day);
	return quake_ddb_query_body(rd->d->table, day, &rd->o->flt, u->key,
	    u->body, sizeof u->body);
}

/* Send what is due, as many as there are idle slots. */
static void
dispatch(struct rd *rd)
{
	int64_t now = quake_time_now();
	struct dynamodb_req *r;
	size_t n;
	int rc;

	for (long i = rd->emitted; i < rd->next_index && !rd->fatal; i++) {
		struct unit *u = unit_of(rd, i);

		if (u->state != U_WAIT || u->next_try > now)
			continue;
		if ((r = dynamodb_idle(rd->d)) == NULL)
			return;
		if ((n = body_of(rd, u)) == 0) {
			failed(rd, QUAKE_EXIT_SOFTWARE, "a request does not fit");
			return;
		}
		if ((rc = dynamodb_send(rd->d, r, rd->o->scan ? "Scan" : "Query",
		    u->body, n)) != 0) {
			failed(rd, rc, "cannot sign a request");
			return;
		}
		r->seq = (uint64_t)i;
		u->state = U_FLIGHT;
		u->attempts++;
	}
}

/* The earliest retry, as a wait in ms (at most max_ms). */
static long
next_wake(struct rd *rd, long max_ms)
{
	int64_t now = quake_time_now(), t = now + max_ms * 1000LL;

	for (long i = rd->emitted; i < rd->next_index; i++) {
		struct unit *u = unit_of(rd, i);

		if (u->state == U_WAIT && u->next_try < t)
			t = u->next_try;
	}
	return t <= now ? 0 : (long)((t - now + 999) / 1000);
}

static int
append(struct unit *u, const char *s, size_t n)
{
	if (u->olen + n > u->ocap) {
		size_t cap = u->ocap ? u->ocap : 4096;
		char *p;

		while (cap < u->olen + n)
			cap *= 2;
		if ((p = realloc(u->out, cap)) == NULL)
			return -1;
		u->out = p;
		u->ocap = cap;
	}
	memcpy(u->out + u->olen, s, n);
	u->olen += n;
	return 0;
}

struct item_ctx {
	struct rd *rd;
	struct unit *u;
};

/* One item of a page: its canonical line into the unit's output. */
static int
on_item(void *arg, enum quake_err err, const struct quake_event *ev,
    const struct quake_fail *f)
{
	struct item_ctx *x = arg;
	struct rd *rd = x->rd;
	char line[QUAKE_EVENT_LINE_MAX + 2];
	size_t n;

	rd->k.items++;
	if (err != QUAKE_OK || (n = quake_event_format(ev, line,
	    sizeof line - 1)) == 0) {
		rd->k.skipped++;
		quake_log(QUAKE_LOG_WARN, "an item is not an event: skipped",
		    "field", err != QUAKE_OK ? f->field : "",
		    "error", err != QUAKE_OK ? f->reason : "not writable", NULL);
		return 0;
	}
	if (!quake_ddb_filter_match(&rd->o->flt, ev))
		return 0;
	line[n++] = '\n';
	if (append(x->u, line, n) != 0) {
		failed(rd, QUAKE_EXIT_SOFTWARE, "out of memory");
		return 1;
	}
	return 0;
}

static void
retry_later(struct rd *rd, struct unit *u, const char *why)
{
	char at[24];

	u->state = U_WAIT;
	if (u->attempts >= rd->o->max_attempts) {
		snprintf(at, sizeof at, "%d", u->attempts);
		quake_log(QUAKE_LOG_ERROR, "giving up on a request", "table",
		    rd->d->table, "attempts", at, "error", why, NULL);
		failed(rd, QUAKE_EXIT_TEMPFAIL, "gave up after %s tries: %s", at, why);
		return;
	}
	rd->k.retries++;
	u->next_try = quake_time_now() + tool_backoff(u->attempts - 1,
	    BACKOFF_BASE_US, BACKOFF_CAP_US, 1);
	if (rd->k.retries == 1 || rd->k.retries % 1000 == 0) {
		snprintf(at, sizeof at, "%lld", rd->k.retries);
		quake_log(QUAKE_LOG_WARN, "retrying", "error", why, "retries",
		    at, NULL);
	}
}

/* Hand u's lines to the caller. */
static void
write_lines(struct rd *rd, struct unit *u)
{
	size_t s = 0;

	for (size_t i = 0; i < u->olen && !rd->stopped; i++)
		if (u->out[i] == '\n') {
			rd->k.written++;
			if (rd->o->line(rd->o->arg, u->out + s, i - s) != 0)
				rd->stopped = 1;
			s = i + 1;
		}
	u->olen = 0;
}

/* One finished request: a page read, or why not. */
static void
complete(struct rd *rd, struct dynamodb_req *r,
    const struct dynamodb_result *res)
{
	struct unit *u = unit_of(rd, (long)r->seq);
	struct item_ctx x = { rd, u };
	struct quake_fail f;
	size_t before = u->olen;
	char why[240];

	switch (res->outcome) {
	case QUAKE_DDB_OK:
		if (r->truncated) {
			quake_log(QUAKE_LOG_ERROR, "an answer is too long",
			    "table", rd->d->table, NULL);
			failed(rd, QUAKE_EXIT_UNAVAILABLE, "an answer is too long");
			return;
		}
		if (quake_ddb_parse_items(r->resp, r->rlen, on_item, &x, u->key,
		    sizeof u->key, NULL, &f) != QUAKE_OK) {
			u->olen = before;	/* this page again, whole */
			snprintf(why, sizeof why, "%s: %s", f.field, f.reason);
			retry_later(rd, u, why);
			return;
		}
		rd->k.pages++;
		u->attempts = 0;
		u->state = u->key[0] ? U_WAIT : U_DONE;
		u->next_try = 0;
		if (rd->o->scan)		/* no order to keep */
			write_lines(rd, u);
		break;
	case QUAKE_DDB_STALE:
	case QUAKE_DDB_RETRY:
		retry_later(rd, u, res->why);
		break;
	case QUAKE_DDB_REAUTH:
		dynamodb_creds_refresh(rd->d);
		u->state = U_WAIT;
		if (u->reauthed++ == 0) {
			u->attempts--;
			break;
		}
		if (rd->fatal == 0)
			quake_log(QUAKE_LOG_ERROR, "credentials refused", "error",
			    res->why, NULL);
		failed(rd, QUAKE_EXIT_CONFIG, "credentials refused: %s", res->why);
		break;
	case QUAKE_DDB_FATAL:
		if (rd->fatal == 0)
			quake_log(QUAKE_LOG_ERROR, "cannot read the table", "table",
			    rd->d->table, "error", res->why, NULL);
		failed(rd, QUAKE_EXIT_CONFIG, "cannot read the table: %s", res->why);
		break;
	}
}

/* Write the units that are done, in order. */
static void
emit(struct rd *rd)
{
	while (rd->emitted < rd->next_index && !rd->stopped &&
	    unit_of(rd, rd->emitted)->state == U_DONE) {
		struct unit *u = unit_of(rd, rd->emitted);

		write_lines(rd, u);
		u->state = U_FREE;
		rd->emitted++;
		if (u->ocap > 65536) {	/* a day's lines are not kept once out */
			free(u->out);
			u->out = NULL;
			u->olen = u->ocap = 0;
		}
	}
}

int
ddbread_run(struct dynamodb *d, const struct ddbread_opts *o,
    struct ddbread_counts *k, char *why, size_t cap)
{
	struct rd rd = { .d = d, .o = o, .why = why, .cap = cap };
	struct dynamodb_result res;
	struct dynamodb_req *done;
	int status;

	if (cap > 0)
		why[0] = '\0';
	if (o->scan) {
		rd.ntotal = o->concurrency;	/* one segment per connection */
		rd.nunits = rd.ntotal;
	} else {
		int64_t from, to;

		if (quake_time_parse(o->flt.from, strlen(o->flt.from), &from, NULL) != QUAKE_OK ||
		    quake_time_parse(o->flt.to, strlen(o->flt.to), &to, NULL) != QUAKE_OK ||
		    from < 0 || to < from) {
			snprintf(why, cap, "not a range");
			return QUAKE_EXIT_SOFTWARE;
		}
		rd.first_day = (long)(from / 86400000000LL);
		rd.ntotal = (long)(to / 86400000000LL) - rd.first_day + 1;
		/* only M4.5+: the sparse index, a month a unit */
		if (!o->days && o->flt.has_mag && o->flt.minmag >= QUAKE_DDB_SIG_MAG) {
			rd.months = 1;
			rd.first_day = atol(o->flt.from) * 12 + atol(o->flt.from + 5) - 1;
			rd.ntotal = atol(o->flt.to) * 12 + atol(o->flt.to + 5) - 1 -
			    rd.first_day + 1;
		}
		/* days read ahead of the one being written */
		rd.nunits = o->concurrency + 2 < rd.ntotal ? o->concurrency + 2 :
		    rd.ntotal;
	}
	if ((rd.units = calloc((size_t)rd.nunits, sizeof *rd.units)) == NULL) {
		snprintf(why, cap, "out of memory");
		return QUAKE_EXIT_SOFTWARE;
	}
	for (;;) {
		admit(&rd);
		dispatch(&rd);
		dynamodb_perform(d);
		while ((done = dynamodb_done(d, &res)) != NULL)
			complete(&rd, done, &res);
		if (!rd.fatal)
			emit(&rd);
		if (rd.emitted == rd.ntotal || rd.fatal || rd.stopped)
			break;
		if ((o->stop != NULL && *o->stop) ||
		    (o->deadline > 0 && quake_time_now() >= o->deadline)) {
			failed(&rd, QUAKE_EXIT_TEMPFAIL, "%s", o->deadline > 0 &&
			    quake_time_now() >= o->deadline ? "the table did not "
			    "answer in time" : "stopped");
			break;
		}
		dynamodb_wait(d, 0, next_wake(&rd, 1000));
	}
	/* what is still in flight is not wanted: abort it, keep the pool */
	for (long i = 0; i < d->nreqs; i++)
		if (d->reqs[i].busy)
			dynamodb_abort(d, &d->reqs[i]);
	for (long i = 0; i < rd.nunits; i++)
		free(rd.units[i].out);
	free(rd.units);
	if (k != NULL)
		*k = rd.k;
	status = rd.fatal;
	if (status == 0 && rd.k.skipped > 0)
		status = QUAKE_EXIT_DATAERR;
	return status;
}
