/* live — emsc-tail's live feed: the EMSC WebSocket, redialled with
 * backoff whenever it drops, and after every (re)connect a back-fill through
 * the FDSN event service from the checkpoint minus --margin, paged until a
 * short page or 204, between services of the socket. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ackread.h"
#include "emsc.h"
#include "backfill.h"
#include "feed.h"
#include "core/ndjson.h"
#include "core/time.h"
#include "common/tool.h"

#define BACKOFF_MIN_US 100000LL
#define BACKOFF_MAX_US 60000000LL
#define STABLE_US 30000000LL	/* a link up this long resets the backoff */

static struct {
	int up, dialing, stop, closing;
	int64_t next_dial, up_since;
	int redials;		/* since the link was last stable */
	int64_t origin;		/* back-fill base before any checkpoint; 0 none */
	int64_t bf_from;	/* a back-fill is due from this time; -1 none */
	int64_t bf_at;
	int bf_retries;
	unsigned long frames, pages;
} feed_state = { .bf_from = -1 };	/* the WebSocket and its back-fills */

/* Where a back-fill starts: the checkpoint minus the margin, else the
 * --since time or the first connection's time minus the margin. */
static void
backfill_schedule(void)
{
	if (checkpoint.cp > 0)
		feed_state.bf_from = checkpoint.cp - opt.margin;
	else if (feed_state.origin > 0)
		feed_state.bf_from = feed_state.origin;
	else
		return;
	feed_state.bf_at = 0;
}

static void
on_up(void *arg)
{
	(void)arg;
	feed_state.up = 1;
	feed_state.dialing = 0;
	feed_state.up_since = quake_time_now();
	quake_log(QUAKE_LOG_INFO, "connected", "url", opt.url, NULL);
	backfill_schedule();
	if (feed_state.origin == 0)
		feed_state.origin = feed_state.up_since - opt.margin;
}

static void
on_down(void *arg, const char *why)
{
	int64_t now = quake_time_now(), delay;
	char ms[24];

	(void)arg;
	if (feed_state.closing)
		return;
	if (feed_state.up) {
		stats.reconnects++;
		if (now - feed_state.up_since >= STABLE_US)
			feed_state.redials = 0;
	}
	feed_state.up = feed_state.dialing = 0;
	delay = tool_backoff(feed_state.redials++, BACKOFF_MIN_US,
	    BACKOFF_MAX_US, 0);
	feed_state.next_dial = now + delay;
	snprintf(ms, sizeof ms, "%lld", (long long)(delay / 1000));
	quake_log(QUAKE_LOG_WARN, "disconnected", "reason", why, "retry_in_ms", ms, NULL);
}

static void
on_frame(void *arg, char *buf, size_t len, int too_long)
{
	struct quake_fail f;

	(void)arg;
	feed_state.frames++;
	if (too_long) {
		quake_err_fail(&f, "", "frame longer than %d bytes", QUAKE_NDJSON_MAX_LINE);
		stats.in++;
		stats.rejected++;
		tool_reject(feed_state.frames, &f, NULL, 0);
	} else if (emsc_handle_doc(buf, len, feed_state.frames) != 0)
		feed_state.stop = 1;
	tool_flush();
}

/* Page through the FDSN service from feed_state.bf_from; on failure try again
 * later with backoff (the live feed goes on meanwhile). */
static void
backfill(void)
{
	char err[256], from[QUAKE_TIME_LEN + 1], a[24], b[24], c[24];
	unsigned long before = stats.out, events = 0, pages = 0;
	struct quake_fail f;
	long offset = 0, status;
	int64_t since = feed_state.bf_from;	/* a reconnect meanwhile asks again */
	char *body;
	size_t len, n;

	quake_time_format(since, from);
	for (;;) {
		if (tool_stop)
			return;	/* the checkpoint did not move past what was printed */
		status = backfill_page(opt.fdsn_url, opt.cacert, since, opt.page, offset, 60,
		    &body, &len, err, sizeof err);
		if (status == 204)
			break;
		if (status == 200) {
			struct doc_ctx d = { body, len, ++feed_state.pages, 0 };
			n = 0;
			if (quake_event_parse_doc(body, len, emsc_on_event, &d, &n, &f) == QUAKE_OK) {
				free(body);
				tool_flush();
				pages++;
				events += n;
				if (d.stop) {
					feed_state.stop = 1;
					return;
				}
				if ((long)n < opt.page)
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
		int64_t delay = tool_backoff(feed_state.bf_retries++,
		    BACKOFF_MIN_US, BACKOFF_MAX_US, 0);
		feed_state.bf_at = quake_time_now() + delay;
		snprintf(a, sizeof a, "%lld", (long long)(delay / 1000));
		quake_log(QUAKE_LOG_WARN, "back-fill failed", "from", from, "error",
		    err, "retry_in_ms", a, NULL);
		return;
	}
	if (feed_state.bf_from == since)
		feed_state.bf_from = -1;
	feed_state.bf_retries = 0;
	stats.backfilled += stats.out - before;
	snprintf(a, sizeof a, "%lu", pages);
	snprintf(b, sizeof b, "%lu", events);
	snprintf(c, sizeof c, "%lu", stats.out - before);
	quake_log(QUAKE_LOG_INFO, "back-filled", "from", from, "pages", a,
	    "events", b, "new", c, NULL);
}

int
emsc_live(void)
{
	static const struct feed_cb cb = { on_frame, on_up, on_down };
	struct quake_fail f;
	char err[256];
	int status = QUAKE_EXIT_OK;

	if (quake_seen_new(20000, &seen) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	srandom((unsigned)(quake_time_now() ^ getpid()));
	if ((status = checkpoint_load()) != 0)
		return status;
	/* before anything is printed (ackread.h) */
	if (opt.acks != NULL && ackread_start(opt.acks, 0) != 0)
		return QUAKE_EXIT_IOERR;
	if (opt.since != NULL && checkpoint.cp == 0) {
		int64_t d;
		if (quake_time_parse(opt.since, strlen(opt.since), &feed_state.origin, &f) != QUAKE_OK) {
			if (quake_time_parse_duration(opt.since, &d, &f) != QUAKE_OK) {
				quake_log(QUAKE_LOG_ERROR, "--since is neither a duration nor a time",
				    "since", opt.since, NULL);
				return QUAKE_EXIT_USAGE;
			}
			feed_state.origin = quake_time_now() - d;
		}
	}
	backfill_schedule();	/* on start, when there is a base */
	if (backfill_url_ok(opt.fdsn_url) != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot use the FDSN URL", "url",
		    opt.fdsn_url, "error", "not an http:// or https:// URL", NULL);
		return QUAKE_EXIT_USAGE;
	}
	if (feed_init(opt.url, opt.cacert, (int)opt.idle, &cb, NULL, err, sizeof err) != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot use the feed URL", "url", opt.url,
		    "error", err, NULL);
		return QUAKE_EXIT_USAGE;
	}
	while (!tool_stop && !feed_state.stop && tool_out_failed() == TOOL_OUT_OK) {
		int64_t now = quake_time_now();
		if (!feed_state.up && !feed_state.dialing && now >= feed_state.next_dial) {
			quake_log(QUAKE_LOG_INFO, "connecting", "url", opt.url, NULL);
			feed_state.dialing = 1;
			feed_dial();
		}
		feed_service();
		if (feed_state.bf_from != -1 && now >= feed_state.bf_at && !feed_state.stop)
			backfill();
		if (opt.acks != NULL)
			checkpoint_acks_read();
		checkpoint_save(0);
		if (tool_stats_due()) {
			struct tool_counter c[] = {
				{ "in", (long long)stats.in },
				{ "out", (long long)stats.out },
				{ "rejected", (long long)stats.rejected },
				{ "duplicates", (long long)stats.dups },
				{ "reconnects", (long long)stats.reconnects },
				{ "backfilled", (long long)stats.backfilled },
				{ "connected", feed_state.up },
				{ "checkpoint_age_s", checkpoint.cp > 0 ? (quake_time_now() - checkpoint.cp) / 1000000 : -1 },
			};
			tool_stats_log(c, 8);
		}
	}
	if (opt.acks != NULL)
		checkpoint_acks_read();
	checkpoint_save(1);
	feed_state.closing = 1;
	feed_destroy();
	checkpoint_free();
	quake_seen_free(seen);
	if (!tool_stop && stats.rejected > 0)
		status = QUAKE_EXIT_DATAERR;
	return status;
}

