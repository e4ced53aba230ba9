/* evstream — a client that is live (caught up) gets the news in one chunk
 * when it comes; one that is behind (a new client, a resume, a burst larger
 * than a chunk) waits in the catch-up queue (catchup.c), which hands out
 * one chunk at a time, round-robin, from a budget per loop turn shared by
 * all of them. The newest revision's text is formatted once and shared,
 * since at fan-out every client sends the same one. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catchup.h"
#include "core/time.h"
#include "evstream.h"
#include "placer.h"
#include "pos.h"
#include "sse.h"

#define SSE_CHUNK (16 * 1024)
#define STUCK_US 2000000	/* no chunk taken for this long: stuck */
/* a chunk looks at this many records of the log at most (a resume, or a
 * filter, that finds little of what is held) */
#define CHUNK_VISITS 4096
/* catch-up work per loop turn, all clients together: 512 KiB written
 * (or 32 Ki records looked at); a turn over 10,000 sockets costs ~7 ms
 * of poll(2) besides */
#define TURN_BUDGET (512 * 1024)

struct client {
	struct sse_client b;	/* first: the list's */
	struct catchup_item q;	/* in the catch-up queue */
	struct evstream *s;
	uint64_t cursor;	/* seq of the last revision sent (or skipped) */
	struct pos_cursor pos;	/* what it has: its id */
	size_t hint;		/* where in the store's log the cursor was */
	double minmag;
	int caught_up;		/* it was live once */
	int behind;		/* its chunks come from the catch-up queue */
	int closing;
	int64_t wrote;		/* when it last took a chunk (µs, monotonic) */
};

struct evstream {
	struct store *st;
	size_t queue;
	struct sse_list list;
	struct catchup behind;		/* the clients catching up */
	struct httpd *h;		/* for the next turn (from a client) */
	int turn_due;
	long long visits;		/* records and blocks looked at */
	struct pos_table pos;		/* where the revisions were read */
	uint64_t shared_seq;		/* the text in shared is this seq's */
	uint64_t shared_gen;		/* with the id of this pos.gen */
	char shared[QUAKE_EVENT_LINE_MAX + PLACER_FIELD_MAX + QUAKE_KPOS_ID_MAX + 32];
	size_t shared_len;
	struct evstream_stats stats;
};

/* "id: ID\ndata: LINE\n\n" of e for cl (which lacks it); *head when the
 * id is the stream's own (the newest revision to a client within the
 * stream's vector): that text is formatted once and shared, since at
 * fan-out every client sends the same one. */
static size_t
message(struct client *cl, const struct store_ev *e, char *out, size_t cap,
    int *head)
{
	struct evstream *s = cl->s;
	struct quake_event ev;
	char line[QUAKE_EVENT_LINE_MAX + PLACER_FIELD_MAX + 1], id[QUAKE_KPOS_ID_MAX + 1];
	size_t n, k;

	*head = e->seq == store_head(s->st) && pos_cursor_within(&cl->pos, &s->pos);
	if (*head && e->seq == s->shared_seq && s->pos.gen == s->shared_gen) {
		if (s->shared_len > cap)
			return 0;
		memcpy(out, s->shared, s->shared_len);
		return s->shared_len;
	}
	store_get(e, &ev);
	if ((n = quake_event_format(&ev, line, QUAKE_EVENT_LINE_MAX + 1)) == 0)
		return 0;
	n = placer_splice(line, n, sizeof line, store_place(e), 1);
	k = *head ? pos_head_id(&s->pos, id, sizeof id) :
	    pos_cursor_id(&cl->pos, &s->pos, e->src, e->off, id, sizeof id);
	if (k + n + 16 > cap)
		return 0;
	memcpy(out, "id: ", 4);
	memcpy(out + 4, id, k);
	memcpy(out + 4 + k, "\ndata: ", 7);
	memcpy(out + 11 + k, line, n);
	memcpy(out + 11 + k + n, "\n\n", 2);
	n += k + 13;
	if (*head && n <= sizeof s->shared) {	/* the newest: share it */
		memcpy(s->shared, out, n);
		s->shared_len = n;
		s->shared_seq = e->seq;
		s->shared_gen = s->pos.gen;
	}
	return n;
}

/* Fill buf[cap] with what is due after the client's cursor (what it lacks,
 * of its magnitude); *done when nothing is left. Returns the length; -1
 * when out of memory. *visits: records of the log looked at. */
static long
fill(struct client *cl, char *buf, size_t cap, int *done, size_t *visits)
{
	struct evstream *s = cl->s;
	const struct store_ev *e;
	size_t len = 0, n, v0 = *visits;
	uint64_t upto;
	int lacks, head = 0;

	len = sse_preamble(&cl->b, buf);
	while ((e = store_after(s->st, cl->cursor, cl->minmag, &cl->hint, visits,
	    CHUNK_VISITS - (*visits - v0), &upto)) != NULL) {
		if ((lacks = pos_cursor_lacks(&cl->pos, &s->pos, e->src, e->off)) < 0)
			return -1;
		if (lacks) {
			if ((n = message(cl, e, buf + len, cap - len, &head)) == 0)
				break;		/* full: the rest next time */
			len += n;
			s->stats.messages++;
		}
		if (lacks && head)
			pos_cursor_took_head(&cl->pos, &s->pos);
		else if (lacks)
			pos_cursor_took(&cl->pos, e->src, e->off);
		head = 0;
		cl->cursor = e->seq;
		if (*visits - v0 >= CHUNK_VISITS)
			break;
	}
	if (e == NULL)		/* looked at up to upto: nothing wanted there */
		cl->cursor = upto;
	*done = e == NULL && upto == store_head(s->st);
	s->visits += (long long)(*visits - v0);
	return (long)len;
}

/* Write one chunk of what is due (at most cap bytes); *done when that was
 * all. The cost: bytes written plus the records looked at. -1: close it. */
static long long
chunk(struct client *cl, size_t cap, int *done)
{
	struct httpd_conn *c = cl->b.c;
	size_t wcap, visits = 0;
	char *buf = httpd_wbuf(&wcap);
	long len;

	if (cap > wcap)
		cap = wcap;
	if ((len = fill(cl, buf, cap, done, &visits)) < 0)
		return -1;	/* out of memory: closed, it resumes */
	if (len > 0) {
		cl->s->stats.bytes += (long long)len;
		cl->wrote = quake_time_mono();
		if (httpd_write(c, (size_t)len) != 0)
			return -1;
	}
	if (*done) {
		cl->behind = 0;
		cl->b.waiting = 1;
		cl->caught_up = 1;
	}
	return len + (long long)visits * CATCHUP_VISIT;
}

static void turn(void *arg);

/* The client is behind: into the catch-up queue, a turn due. */
static void
queue(struct client *cl)
{
	struct evstream *s = cl->s;

	cl->behind = 1;
	catchup_push(&s->behind, &cl->q);
	if (!s->turn_due && s->h != NULL) {
		s->turn_due = 1;
		httpd_next_turn(s->h, turn, s);
	}
}

/* One step of a client behind: a chunk when its socket takes it, else it
 * waits for writable() (which queues it again). */
static long long
step(struct catchup_item *it, void *arg, int *again)
{
	struct client *cl = (struct client *)((char *)it - offsetof(struct client, q));
	long long cost;
	int done = 0;

	(void)arg;
	if (cl->closing)
		return 1;
	if (httpd_choked(cl->b.c)) {	/* a poll(2) of its own in lws */
		httpd_want_write(cl->b.c);
		return 1;
	}
	if ((cost = chunk(cl, SSE_CHUNK, &done)) < 0) {
		cl->closing = 1;
		httpd_stream_close(cl->b.c);
		return 1;
	}
	*again = !done;
	return cost;
}

/* A turn of the catch-up queue: its budget, then the next turn if any
 * client is still behind. */
static void
turn(void *arg)
{
	struct evstream *s = arg;

	s->turn_due = 0;
	if (catchup_turn(&s->behind, step, s) > 0 && s->h != NULL) {
		s->turn_due = 1;
		httpd_next_turn(s->h, turn, s);
	}
}

/* A live client writes its news at once, one chunk (a burst larger than
 * that puts it behind); one behind is queued for its share of a turn. */
static int
writable(struct httpd_conn *c, void *user)
{
	struct client *cl = user;
	int done = 0;

	if (cl->closing)
		return 0;
	if (cl->behind) {
		queue(cl);
		return 0;
	}
	if (chunk(cl, SSE_CHUNK, &done) < 0)
		return -1;
	if (!done)
		queue(cl);
	return 0;
}

static void
closed(struct httpd_conn *c, void *user)
{
	struct client *cl = user;

	sse_list_remove(&cl->s->list, &cl->b);
	catchup_remove(&cl->s->behind, &cl->q);
	cl->s->stats.clients--;
	pos_cursor_free(&cl->pos);
	free(cl);
}

static const struct httpd_stream_ops ops = { writable, closed };

static int
number(const char *v, size_t n, double *d)
{
	char tmp[64], *end;

	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	*d = strtod(tmp, &end);
	return *end != '\0' || *d != *d || *d < 0 ? -1 : 0;
}

/* ?since=ID&minmagnitude=X (or minmag); anything else is refused. The
 * since value, borrowed, in *since. */
static int
parse_query(const struct httpd_req *r, struct client *cl, const char **since,
    size_t *since_len, const char **why)
{
	const char *p = r->query, *end = r->query + r->query_len;

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *eq = memchr(p, '=', (size_t)(end - p));
		size_t nl;
		double d;

		if (amp == NULL)
			amp = end;
		if (eq == NULL || eq > amp) {
			*why = "a parameter without a value";
			return -1;
		}
		nl = (size_t)(eq - p);
		if (nl == 5 && memcmp(p, "since", 5) == 0) {
			*since = eq + 1;
			*since_len = (size_t)(amp - eq - 1);
		} else if ((nl == 12 && memcmp(p, "minmagnitude", 12) == 0) ||
		    (nl == 6 && memcmp(p, "minmag", 6) == 0)) {
			if (number(eq + 1, (size_t)(amp - eq - 1), &d) != 0) {
				*why = "minmagnitude takes a non-negative number";
				return -1;
			}
			cl->minmag = d;
		} else {
			*why = "unknown parameter (since, minmagnitude)";
			return -1;
		}
		p = amp + 1;
	}
	return 0;
}

int
evstream_open(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	struct evstream *s = arg;
	struct client *cl = calloc(1, sizeof *cl);
	const char *why = NULL, *since = NULL;
	size_t since_len = 0;
	int rc;

	if (cl == NULL)
		return httpd_error(c, 503, "Service Unavailable");
	cl->s = s;
	cl->behind = 1;		/* what is held, or what it lacks, first */
	cl->minmag = -1e9;
	cl->wrote = quake_time_mono();
	if (parse_query(r, cl, &since, &since_len, &why) != 0) {
		free(cl);
		return httpd_error(c, 400, why);
	}
	if (r->last_event_id != NULL) {	/* the browser's own resume wins */
		since = r->last_event_id;
		since_len = strlen(since);
	}
	if ((rc = pos_cursor_from(&cl->pos, &s->pos, since, since_len, &why)) < 0) {
		free(cl);
		return rc == -1 ? httpd_error(c, 400, why) :
		    httpd_error(c, 503, "Service Unavailable");
	}
	if (rc == 1)
		cl->b.note = SSE_OLDER;
	if (r->method == HTTPD_HEAD) {
		pos_cursor_free(&cl->pos);
		free(cl);
		return httpd_respond(c, 200, "text/event-stream", "", 0, NULL);
	}
	if (httpd_stream_begin(c, "text/event-stream", &ops, cl) != 0) {
		pos_cursor_free(&cl->pos);
		free(cl);
		return -1;
	}
	s->h = httpd_of(c);
	sse_list_add(&s->list, &cl->b, c);	/* writable() queues it */
	s->stats.clients++;
	return 0;
}

void
evstream_notify(struct evstream *s)
{
	uint64_t head = store_head(s->st);
	int64_t now = quake_time_mono();

	for (struct sse_client *b = s->list.head; b != NULL; b = b->next) {
		struct client *cl = (struct client *)b;

		if (b->waiting) {
			b->waiting = 0;
			httpd_stream_push(b->c);	/* written now, not next turn */
		} else if (cl->caught_up && head - cl->cursor > s->queue &&
		    now - cl->wrote > STUCK_US && httpd_choked(b->c)) {
			/* behind, nothing taken for a while, and its socket full:
			 * not merely waiting for its turn in a busy loop */
			cl->caught_up = 0;	/* close once */
			cl->closing = 1;
			catchup_remove(&s->behind, &cl->q);
			s->stats.dropped++;
			httpd_stream_close(b->c);
		}
	}
}

void
evstream_keepalive(struct evstream *s)
{
	sse_list_keepalive(&s->list);
}

struct evstream *
evstream_new(struct store *st, size_t queue)
{
	struct evstream *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->st = st;
	s->queue = queue;
	catchup_init(&s->behind, TURN_BUDGET);
	return s;
}

void
evstream_free(struct evstream *s)
{
	free(s);
}

struct pos_table *
evstream_pos(struct evstream *s)
{
	return &s->pos;
}

void
evstream_stats(const struct evstream *s, struct evstream_stats *out)
{
	*out = s->stats;
}

size_t
evstream_metrics(const struct evstream *s, char *out, size_t cap)
{
	int n = snprintf(out, cap,
	    "# HELP quake_map_sse_behind Event stream clients catching up.\n"
	    "# TYPE quake_map_sse_behind gauge\nquake_map_sse_behind %zu\n"
	    "# HELP quake_map_sse_catchup_turns_total Loop turns that served clients catching up.\n"
	    "# TYPE quake_map_sse_catchup_turns_total counter\n"
	    "quake_map_sse_catchup_turns_total %lld\n"
	    "# HELP quake_map_sse_catchup_turn_max Most catch-up work in one loop turn (bytes, a record looked at %d).\n"
	    "# TYPE quake_map_sse_catchup_turn_max gauge\n"
	    "quake_map_sse_catchup_turn_max %lld\n"
	    "# HELP quake_map_sse_visits_total Records and blocks of the log looked at for stream clients.\n"
	    "# TYPE quake_map_sse_visits_total counter\n"
	    "quake_map_sse_visits_total %lld\n",
	    s->behind.queued, s->behind.turns, CATCHUP_VISIT, s->behind.turn_max,
	    s->visits);

	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
