/* live — emsc-tail's live feed: the EMSC WebSocket, redialled with
 * backoff whenever it drops, and after every (re)connect a back-fill through
 * the FDSN event service from the checkpoint minus --margin, paged until a
 * short page or 204, between services of the socket. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ackread.h"
#include "backfill.h"
#include "checkpoint.h"
#include "doc.h"
#include "live.h"
#include "feed.h"
#include "core/ndjson.h"
#include "core/time.h"
#include "common/tool.h"

#define BACKOFF_MIN_US 100000LL
#define BACKOFF_MAX_US 60000000LL
#define STABLE_US 30000000LL	/* a link up this long resets the backoff */

/* the WebSocket and its back-fills; the feed's callbacks' arg */
struct live {
	struct emsc *e;
	int up, dialing, stop, closing;
	int64_t next_dial, up_since;
	int redials;		/* since the link was last stable */
	int64_t origin;		/* back-fill base before any checkpoint; 0 none */
	int64_t bf_from;	/* a back-fill is due from this time; -1 none */
	int64_t bf_at;
	int bf_retries;
	unsigned long frames, pages;
};

/* Where a back-fill starts: the checkpoint minus the margin, else the
 * --since time or the first connection's time minus the margin. */
static void
backfill_schedule(struct live *l)
{
	struct emsc *e = l->e;

	if (e->checkpoint.cp > 0)
		l->bf_from = e->checkpoint.cp - e->opt.margin;
	else if (l->origin > 0)
		l->bf_from = l->origin;
	else
		return;
	l->bf_at = 0;
}

static void
on_up(void *arg)
{
	struct live *l = arg;
	struct emsc *e = l->e;

	l->up = 1;
	l->dialing = 0;
	l->up_since = quake_time_now();
	quake_log(QUAKE_LOG_INFO, "connected", "url", e->opt.url, NULL);
	backfill_schedule(l);
	if (l->origin == 0)
		l->origin = l->up_since - e->opt.margin;
}

static void
on_down(void *arg, const char *why)
{
	int64_t now = quake_time_now(), delay;
	char ms[24];
	struct live *l = arg;
	struct emsc *e = l->e;

	if (l->closing)
		return;
	if (l->up) {
		e->stats.reconnects++;
		if (now - l->up_since >= STABLE_US)
			l->redials = 0;
	}
	l->up = l->dialing = 0;
	delay = tool_backoff(l->redials++, BACKOFF_MIN_US,
	    BACKOFF_MAX_US, 0);
	l->next_dial = now + delay;
	snprintf(ms, sizeof ms, "%lld", (long long)(delay / 1000));
	quake_log(QUAKE_LOG_WARN, "disconnected", "reason", why, "retry_in_ms", ms, NULL);
}

static void
on_frame(void *arg, char *buf, size_t len, int too_long)
{
	struct live *l = arg;
	struct emsc *e = l->e;
	struct quake_fail f;

	l->frames++;
	if (too_long) {
		quake_err_fail(&f, "", "frame longer than %d bytes", QUAKE_NDJSON_MAX_LINE);
		e->stats.in++;
		e->stats.rejected++;
		tool_reject(l->frames, &f, NULL, 0);
	} else if (doc_handle(e, buf, len, l->frames) != 0)
		l->stop = 1;
	tool_flush();
}

/* Page through the FDSN service from l->bf_from; on failure try again
 * later with backoff (the live feed goes on meanwhile). */
static void
backfill(struct live *l)
{
	struct emsc *e = l->e;
	char err[256], from[QUAKE_TIME_LEN + 1], a[24], b[24], c[24];
	unsigned long before = e->stats.out, events = 0, pages = 0;
	struct quake_fail f;
	long offset = 0, status;
	int64_t since = l->bf_from;	/* a reconnect meanwhile asks again */
	char *body;
	size_t len, n;

	quake_time_format(since, from);
	for (;;) {
		if (tool_stop)
			return;	/* the checkpoint did not move past what was printed */
		status = backfill_page(e->opt.fdsn_url, e->opt.cacert, since, e->opt.page, offset, 60,
		    &body, &len, err, sizeof err);
		if (status == 204)
			break;
		if (status == 200) {
			struct doc_ctx d = { e, body, len, ++l->pages, 0 };
			n = 0;
			if (quake_event_parse_doc(body, len, doc_on_event, &d, &n, &f) == QUAKE_OK) {
				free(body);
				tool_flush();
				pages++;
				events += n;
				if (d.stop) {
					l->stop = 1;
					return;
				}
				if ((long)n < e->opt.page)
					break;
				offset += (long)n;
				feed_service();	/* keep the live link served */
				continue;
			}
			snprintf(err, sizeof err, "not an FDSN page: %s", f.reason);
		} else if (status != 0)
			snprintf(err, sizeof err, "HTTP %ld", status);
		free(body);
		if (tool_stop)
			return;
		int64_t delay = tool_backoff(l->bf_retries++,
		    BACKOFF_MIN_US, BACKOFF_MAX_US, 0);
		l->bf_at = quake_time_now() + delay;
		snprintf(a, sizeof a, "%lld", (long long)(delay / 1000));
		quake_log(QUAKE_LOG_WARN, "back-fill failed", "from", from, "error",
		    err, "retry_in_ms", a, NULL);
		return;
	}
	if (l->bf_from == since)
		l->bf_from = -1;
	l->bf_retries = 0;
	e->stats.backfilled += e->stats.out - before;
	snprintf(a, sizeof a, "%lu", pages);
	snprintf(b, sizeof b, "%lu", events);
	snprintf(c, sizeof c, "%lu", e->stats.out - before);
	quake_log(QUAKE_LOG_INFO, "back-filled", "from", from, "pages", a,
	    "events", b, "new", c, NULL);
}

int
live_run(struct emsc *e)
{
	static const struct feed_cb cb = { on_frame, on_up, on_down };
	struct live live = { .e = e, .bf_from = -1 }, *l = &live;
	struct quake_fail f;
	char err[256];
	int status = QUAKE_EXIT_OK;

	if (quake_seen_new(20000, &e->seen) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	srandom((unsigned)(quake_time_now() ^ getpid()));
	if ((status = checkpoint_load(e)) != 0)
		return status;
	/* before anything is printed (ackread.h) */
	if (e->opt.acks != NULL && ackread_start(e->opt.acks, 0) != 0)
		return QUAKE_EXIT_IOERR;
	if (e->opt.since != NULL && e->checkpoint.cp == 0) {
		int64_t d;
		if (quake_time_parse(e->opt.since, strlen(e->opt.since), &l->origin, &f) != QUAKE_OK) {
			if (quake_time_parse_duration(e->opt.since, &d, &f) != QUAKE_OK) {
				quake_log(QUAKE_LOG_ERROR, "--since is neither a duration nor a time",
				    "since", e->opt.since, NULL);
				return QUAKE_EXIT_USAGE;
			}
			l->origin = quake_time_now() - d;
		}
	}
	backfill_schedule(l);	/* on start, when there is a base */
	if (backfill_url_ok(e->opt.fdsn_url) != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot use the FDSN URL", "url",
		    e->opt.fdsn_url, "error", "not an http:// or https:// URL", NULL);
		return QUAKE_EXIT_USAGE;
	}
	if (feed_init(e->opt.url, e->opt.cacert, (int)e->opt.idle, &cb, l, err, sizeof err) != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot use the feed URL", "url", e->opt.url,
		    "error", err, NULL);
		return QUAKE_EXIT_USAGE;
	}
	while (!tool_stop && !l->stop && tool_out_failed() == TOOL_OUT_OK) {
		int64_t now = quake_time_now();
		if (!l->up && !l->dialing && now >= l->next_dial) {
			quake_log(QUAKE_LOG_INFO, "connecting", "url", e->opt.url, NULL);
			l->dialing = 1;
			feed_dial();
		}
		feed_service();
		if (l->bf_from != -1 && now >= l->bf_at && !l->stop)
			backfill(l);
		if (e->opt.acks != NULL)
			checkpoint_acks_read(e);
		checkpoint_save(e, 0);
		if (tool_stats_due()) {
			struct tool_counter c[] = {
				{ "in", (long long)e->stats.in },
				{ "out", (long long)e->stats.out },
				{ "rejected", (long long)e->stats.rejected },
				{ "duplicates", (long long)e->stats.dups },
				{ "reconnects", (long long)e->stats.reconnects },
				{ "backfilled", (long long)e->stats.backfilled },
				{ "connected", l->up },
				{ "checkpoint_age_s", e->checkpoint.cp > 0 ? (quake_time_now() - e->checkpoint.cp) / 1000000 : -1 },
			};
			tool_stats_log(c, 8);
		}
	}
	if (e->opt.acks != NULL)
		checkpoint_acks_read(e);
	checkpoint_save(e, 1);
	l->closing = 1;
	feed_destroy();
	if (!tool_stop && e->stats.rejected > 0)
		status = QUAKE_EXIT_DATAERR;
	return status;
}

