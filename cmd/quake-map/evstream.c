/* evstream — each writable() fills one chunk with the revisions after the
 * client's cursor; the newest revision's text is formatted once and shared,
 * since at fan-out every client sends the same one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/time.h"
#include "evstream.h"
#include "sse.h"

#define SSE_CHUNK (16 * 1024)
#define SSE_TURN 16
#define STUCK_US 2000000	/* no chunk taken for this long: stuck */

struct client {
	struct sse_client b;	/* first: the list's */
	struct evstream *s;
	uint64_t cursor;	/* seq of the last revision sent (or skipped) */
	size_t hint;		/* where in the store's log the cursor was */
	double minmag;
	int caught_up;
	int64_t wrote;		/* when it last took a chunk (µs, monotonic) */
};

struct evstream {
	struct store *st;
	size_t queue;
	struct sse_list list;
	uint64_t shared_seq;		/* the text in shared is this seq's */
	char shared[QUAKE_EVENT_LINE_MAX + 64];
	size_t shared_len;
	struct evstream_stats stats;
};

/* "id: N\ndata: LINE\n\n" of e, from the shared text when it is e's. */
static size_t
message(struct evstream *s, const struct store_ev *e, char *out, size_t cap)
{
	struct quake_event ev;
	char line[QUAKE_EVENT_LINE_MAX + 1];
	size_t n;
	int k;

	if (e->seq == s->shared_seq) {
		if (s->shared_len > cap)
			return 0;
		memcpy(out, s->shared, s->shared_len);
		return s->shared_len;
	}
	store_get(e, &ev);
	if ((n = quake_event_format(&ev, line, sizeof line)) == 0)
		return 0;
	k = snprintf(out, cap, "id: %llu\ndata: %s\n\n",
	    (unsigned long long)e->seq, line);
	if (k < 0 || (size_t)k >= cap)
		return 0;
	if (e->seq == store_head(s->st)) {	/* the newest: share it */
		memcpy(s->shared, out, (size_t)k);
		s->shared_len = (size_t)k;
		s->shared_seq = e->seq;
	}
	return (size_t)k;
}

/* Fill buf[cap] with what is due after the client's cursor; *done when
 * nothing is left. Returns the length. */
static size_t
fill(struct client *cl, char *buf, size_t cap, int *done)
{
	struct evstream *s = cl->s;
	const struct store_ev *e;
	size_t len = 0, n;

	len = sse_preamble(&cl->b, buf);
	while ((e = store_after(s->st, cl->cursor, &cl->hint)) != NULL) {
		if (e->mag >= cl->minmag) {
			if ((n = message(s, e, buf + len, cap - len)) == 0)
				break;		/* full: the rest next time */
			len += n;
			s->stats.messages++;
		}
		cl->cursor = e->seq;
	}
	*done = e == NULL;
	return len;
}

/* Up to SSE_TURN chunks while the socket takes them: one poll(2) turn
 * over thousands of connections costs milliseconds. */
static int
writable(struct httpd_conn *c, void *user)
{
	struct client *cl = user;
	size_t cap, len;
	char *buf = httpd_wbuf(&cap);
	int done = 0;

	if (cap > SSE_CHUNK)	/* what a stuck client leaves buffered in lws */
		cap = SSE_CHUNK;
	for (int k = 0; k < SSE_TURN && !done; k++) {
		if ((len = fill(cl, buf, cap, &done)) == 0)
			break;
		cl->s->stats.bytes += (long long)len;
		cl->wrote = quake_time_mono();
		if (httpd_write(c, len) != 0)
			return -1;
		if (!done && httpd_choked(c))	/* a poll(2) of its own in lws */
			break;
	}
	if (done) {
		cl->b.waiting = 1;
		cl->caught_up = 1;
	} else
		httpd_want_write(c);
	return 0;
}

static void
closed(struct httpd_conn *c, void *user)
{
	struct client *cl = user;

	sse_list_remove(&cl->s->list, &cl->b);
	cl->s->stats.clients--;
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

/* ?since=N&minmagnitude=X (or minmag); anything else is refused. */
static int
parse_query(const struct httpd_req *r, struct client *cl, const char **why)
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
		if (number(eq + 1, (size_t)(amp - eq - 1), &d) != 0) {
			*why = "since and minmagnitude take a non-negative number";
			return -1;
		}
		if (nl == 5 && memcmp(p, "since", 5) == 0 && d < 1.8e19)
			cl->cursor = (uint64_t)d;
		else if ((nl == 12 && memcmp(p, "minmagnitude", 12) == 0) ||
		    (nl == 6 && memcmp(p, "minmag", 6) == 0))
			cl->minmag = d;
		else {
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
	const char *why = NULL;
	double d;

	if (cl == NULL)
		return httpd_error(c, 503, "Service Unavailable");
	cl->s = s;
	cl->minmag = -1e9;
	cl->wrote = quake_time_mono();
	if (parse_query(r, cl, &why) != 0 || (r->last_event_id != NULL &&
	    number(r->last_event_id, strlen(r->last_event_id), &d) != 0)) {
		free(cl);
		return httpd_error(c, 400, why ? why : "Last-Event-ID is not a number");
	}
	if (r->last_event_id != NULL && d < 1.8e19)
		cl->cursor = (uint64_t)d;
	if (cl->cursor > store_head(s->st))	/* another process's: all of it */
		cl->cursor = 0;
	if (r->method == HTTPD_HEAD) {
		free(cl);
		return httpd_respond(c, 200, "text/event-stream", "", 0, NULL);
	}
	if (httpd_stream_begin(c, "text/event-stream", &ops, cl) != 0) {
		free(cl);
		return -1;
	}
	sse_list_add(&s->list, &cl->b, c);
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
	return s;
}

void
evstream_free(struct evstream *s)
{
	free(s);
}

void
evstream_stats(const struct evstream *s, struct evstream_stats *out)
{
	*out = s->stats;
}
