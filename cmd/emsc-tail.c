/* emsc-tail — EMSC earthquake frames in, normalized NDJSON event lines out.
 * Live: the EMSC WebSocket, redialled with backoff whenever it drops, and
 * after every (re)connect a back-fill through the FDSN event service from
 * the checkpoint, so that nothing sent while disconnected is missed; each
 * (id, lastupdate) is printed once. --replay reads recorded frames. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "ackq.h"
#include "ackread.h"
#include "event.h"
#include "fdsn.h"
#include "feed.h"
#include "ndjson.h"
#include "seen.h"
#include "state.h"
#include "qtime.h"
#include "tool.h"

#define EMSC_URL "wss://www.seismicportal.eu/standing_order/websocket"
#define FDSN_URL "https://www.seismicportal.eu/fdsnws/event/1/query"
#define BACKOFF_MIN_US 100000LL
#define BACKOFF_MAX_US 60000000LL
#define STABLE_US 30000000LL	/* a link up this long resets the backoff */

static const char usage_text[] =
"usage: emsc-tail [--url URL] [--fdsn-url URL] [--state FILE] [--acks FIFO]\n"
"                 [--since DURATION|TIME] [--margin DURATION] [--idle SECONDS]\n"
"                 [--page-size N] [--cacert FILE] [--raw] [--count N]\n"
"                 [--dead-letter FILE] [--stats SECONDS]\n"
"       emsc-tail --replay FILE [--raw] [--count N] [--dead-letter FILE]\n"
"  -u, --url URL           WebSocket feed (default " EMSC_URL ")\n"
"  -f, --fdsn-url URL      FDSN event service for back-fill (default\n"
"                          " FDSN_URL ")\n"
"  -s, --state FILE        keep the newest handled lastupdate in FILE\n"
"  -a, --acks FIFO         advance the checkpoint on status lines read from FIFO\n"
"  -S, --since WHEN        back-fill from WHEN on a first start (\"6h\", a time)\n"
"  -m, --margin DURATION   back-fill this far before the checkpoint (default 10m)\n"
"  -i, --idle SECONDS      redial after this long without traffic or pong (default 45)\n"
"  -P, --page-size N       FDSN events per page (default 200)\n"
"      --cacert FILE       trust the CAs in FILE instead of the system store\n"
"      --stats S           log a counters line every S seconds\n"
"  -r, --replay FILE       read frames from FILE ('-' for stdin), not the network\n"
"  -R, --raw               print frames untouched, one line each\n"
"  -c, --count N           exit after N events\n"
"  -d, --dead-letter FILE  append rejected frames to FILE\n"
"  -h, --help              this help\n"
"  -V, --version           print the version\n";

static struct {
	const char *replay;
	const char *dead_letter;
	int raw;
	long count;
	const char *url, *fdsn_url, *state, *acks, *since, *cacert;
	int64_t margin;
	long idle, page;
} opt;

static struct {
	unsigned long in, out, rejected, dups, reconnects, backfilled;
} stats;

static struct quake_seen *seen;	/* revisions printed, live or back-filled */

/* ---- checkpoint: the newest lastupdate handled ---- */
static struct {
	int64_t cp;		/* 0 = none yet */
	int64_t written;	/* what the state file holds */
	int64_t written_at;	/* µs */
	struct ackq pending;	/* --acks: lastupdate of each printed line not
				 * yet acknowledged; sequence = line - 1 */
} checkpoint;

static void
handled(int64_t lu)
{
	/* a bogus lastupdate far ahead must not move back-fill past now */
	lu = quake_state_clamp(lu, quake_time_now());
	if (lu > checkpoint.cp)
		checkpoint.cp = lu;
}

/* A line went out: handled now, or once its status line comes back. */
static void
printed(int64_t lu)
{
	if (opt.acks != NULL)
		*(int64_t *)ackq_add(&checkpoint.pending) = lu;
	else if (opt.replay == NULL)
		handled(lu);
}

static void
handled_rec(void *rec, void *arg)
{
	(void)arg;
	handled(*(int64_t *)rec);
}

/* Every line up to the newest acknowledged is handled. */
static void
acks_read(void)
{
	ackq_acked(&checkpoint.pending, ackread_upto(), handled_rec, NULL);
}

/* Write the checkpoint when it moved, at most once a second unless forced. */
static void
state_save(int force)
{
	int64_t now = quake_time_now();
	char t[QUAKE_TIME_LEN + 1];

	if (opt.state == NULL || checkpoint.cp == checkpoint.written ||
	    (!force && now - checkpoint.written_at < 1000000))
		return;
	checkpoint.written_at = now;
	if (quake_state_write(opt.state, checkpoint.cp) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "cannot write the state file", "path",
		    opt.state, "error", strerror(errno), NULL);
		return;
	}
	checkpoint.written = checkpoint.cp;
	quake_time_format(checkpoint.cp, t);
	quake_log(QUAKE_LOG_DEBUG, "checkpoint", "lastupdate", t, NULL);
}

/* A stored checkpoint beyond now + the skew would start every back-fill
 * in the future: start from now instead, and say so. */
static void
checkpoint_clamp(void)
{
	int64_t now = quake_time_now();
	char t[QUAKE_TIME_LEN + 1], n[QUAKE_TIME_LEN + 1];

	if (quake_state_clamp(checkpoint.cp, now) == checkpoint.cp)
		return;
	quake_time_format(checkpoint.cp, t);
	quake_time_format(now, n);
	quake_log(QUAKE_LOG_WARN, "checkpoint in the future, back-fill starts now",
	    "path", opt.state, "lastupdate", t, "now", n, NULL);
	checkpoint.cp = now;
}

static void
usage(int status)
{
	fputs(usage_text, status == 0 ? stdout : stderr);
	exit(status);
}

struct doc_ctx {
	const char *buf;	/* the document, for the dead-letter file */
	size_t len;
	unsigned long lineno;
	int stop;
};

/* One event of a document: print it, or report it rejected. */
static int
on_event(void *arg, size_t index, enum quake_err err,
    const struct quake_event *ev, const struct quake_fail *f, const char *raw)
{
	struct doc_ctx *d = arg;
	char line[QUAKE_EVENT_LINE_MAX + 1];
	struct quake_fail ff;
	size_t n;

	stats.in++;
	if (err != QUAKE_OK) {
		stats.rejected++;
		if (raw != NULL) {
			ff = *f;
			snprintf(ff.field, sizeof ff.field, "features[%zu].%.30s",
			    index, f->field);
			tool_reject(d->lineno, &ff, raw, strlen(raw));
		} else
			tool_reject(d->lineno, f, d->buf, d->len);
		return 0;
	}
	if (seen != NULL && quake_seen_add(seen, ev->id, ev->lastupdate)) {
		stats.dups++;
		return 0;
	}
	if ((n = quake_event_format(ev, line, sizeof line)) == 0) {
		quake_err_fail(&ff, "", "cannot format event");
		stats.rejected++;
		tool_reject(d->lineno, &ff, d->buf, d->len);
		return 0;
	}
	stats.out++;
	printed(ev->lastupdate);
	if (tool_out(line, n) != 0 ||
	    (opt.count > 0 && (long)stats.out >= opt.count))
		d->stop = 1;
	return d->stop;
}

/* Normalize one document (frame, Feature or FeatureCollection) and print
 * its events. 0 to go on, -1 to stop (stdout gone or --count reached). */
static int
handle_doc(char *buf, size_t len, unsigned long lineno)
{
	struct doc_ctx d = { buf, len, lineno, 0 };
	struct quake_fail f;

	if (opt.raw) {
		stats.in++;
		stats.out++;
		return tool_out(buf, quake_ndjson_compact(buf, len));
	}
	if (quake_event_parse_doc(buf, len, on_event, &d, NULL, &f) != QUAKE_OK) {
		stats.in++;
		stats.rejected++;
		tool_reject(lineno, &f, buf, len);
	}
	return d.stop ? -1 : 0;
}

static int
replay(const char *path)
{
	struct quake_ndjson *r = NULL;
	struct quake_line doc;
	struct quake_fail f;
	enum quake_err err = QUAKE_OK;
	int fd = 0, status = QUAKE_EXIT_OK, flags = -1;

	if (strcmp(path, "-") == 0) {
		/* non-blocking, so SIGTERM is seen while stdin is idle; the flag
		 * is shared with whoever gave us stdin: put back at the end */
		flags = fcntl(0, F_GETFL);
		fcntl(0, F_SETFL, flags | O_NONBLOCK);
	} else if ((fd = open(path, O_RDONLY)) < 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot open replay file", "path",
		    path, "error", strerror(errno), NULL);
		return QUAKE_EXIT_IOERR;
	}
	if (quake_ndjson_open(fd, 0, &r) != QUAKE_OK) {
		status = QUAKE_EXIT_SOFTWARE;
		goto out;
	}
	quake_ndjson_set_wait_hook(r, tool_flush_hook, NULL);
	while (!tool_stop && (opt.count == 0 || (long)stats.out < opt.count)) {
		err = quake_ndjson_next_doc(r, &doc);
		if (err == QUAKE_EOF)
			break;
		if (err == QUAKE_EAGAIN) {
			struct pollfd p = { fd, POLLIN, 0 };
			poll(&p, 1, 100);	/* tool_stop seen within 100 ms */
			continue;
		}
		if (err == QUAKE_ETOOLONG) {
			quake_err_fail(&f, "", "frame longer than %d bytes",
			    QUAKE_NDJSON_MAX_LINE);
			stats.in++;
			stats.rejected++;
			tool_reject(doc.lineno, &f, NULL, 0);
			continue;
		}
		if (err != QUAKE_OK) {
			quake_log(QUAKE_LOG_ERROR, "cannot read replay file",
			    "path", path, "error", strerror(errno), NULL);
			status = QUAKE_EXIT_IOERR;
			break;
		}
		if (handle_doc((char *)doc.buf, doc.len, doc.lineno) != 0)
			break;
	}
out:
	quake_ndjson_close(r);
	if (flags != -1)
		fcntl(0, F_SETFL, flags);
	if (fd > 0)
		close(fd);
	return status;
}


/* ---- the live feed ---- */
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
	} else if (handle_doc(buf, len, feed_state.frames) != 0)
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
		status = fdsn_page(opt.fdsn_url, opt.cacert, since, opt.page, offset, 60,
		    &body, &len, err, sizeof err);
		if (status == 204)
			break;
		if (status == 200) {
			struct doc_ctx d = { body, len, ++feed_state.pages, 0 };
			n = 0;
			if (quake_event_parse_doc(body, len, on_event, &d, &n, &f) == QUAKE_OK) {
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

static int
live(void)
{
	static const struct feed_cb cb = { on_frame, on_up, on_down };
	struct quake_fail f;
	char err[256];
	enum quake_err e;
	int status = QUAKE_EXIT_OK;

	if (quake_seen_new(20000, &seen) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	srandom((unsigned)(quake_time_now() ^ getpid()));
	ackq_init(&checkpoint.pending, sizeof(int64_t), NULL, NULL, NULL);
	if (opt.state != NULL) {
		e = quake_state_read(opt.state, &checkpoint.cp, &f);
		if (e == QUAKE_EINPUT || e == QUAKE_EIO) {
			quake_log(QUAKE_LOG_ERROR, "cannot use the state file", "path",
			    opt.state, "error", e == QUAKE_EIO ? strerror(errno) : f.reason, NULL);
			return QUAKE_EXIT_CONFIG;
		}
		if (e == QUAKE_EOF)
			checkpoint.cp = 0;
		checkpoint.written = checkpoint.cp;
		checkpoint_clamp();
	}
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
	if (fdsn_url_ok(opt.fdsn_url) != 0) {
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
			acks_read();
		state_save(0);
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
		acks_read();
	state_save(1);
	feed_state.closing = 1;
	feed_destroy();
	ackq_free(&checkpoint.pending);
	quake_seen_free(seen);
	if (!tool_stop && stats.rejected > 0)
		status = QUAKE_EXIT_DATAERR;
	return status;
}

int
main(int argc, char **argv)
{
	enum { O_CACERT = 256, O_STATS };
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "fdsn-url", required_argument, NULL, 'f' },
		{ "state", required_argument, NULL, 's' },
		{ "acks", required_argument, NULL, 'a' },
		{ "since", required_argument, NULL, 'S' },
		{ "margin", required_argument, NULL, 'm' },
		{ "idle", required_argument, NULL, 'i' },
		{ "page-size", required_argument, NULL, 'P' },
		{ "cacert", required_argument, NULL, O_CACERT },
		{ "stats", required_argument, NULL, O_STATS },
		{ "replay", required_argument, NULL, 'r' },
		{ "raw", no_argument, NULL, 'R' },
		{ "count", required_argument, NULL, 'c' },
		{ "dead-letter", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, status;
	struct quake_fail f;

	tool_init("emsc-tail");
	opt.url = EMSC_URL;
	opt.fdsn_url = FDSN_URL;
	opt.margin = 600 * 1000000LL;
	opt.idle = 45;
	opt.page = 200;
	while ((ch = getopt_long(argc, argv, "u:f:s:a:S:m:i:P:r:Rc:d:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u': opt.url = optarg; break;
		case 'f': opt.fdsn_url = optarg; break;
		case 's': opt.state = optarg; break;
		case 'a': opt.acks = optarg; break;
		case 'S': opt.since = optarg; break;
		case 'm':
			if (quake_time_parse_duration(optarg, &opt.margin, &f) != QUAKE_OK) {
				quake_log(QUAKE_LOG_ERROR, "--margin is not a duration",
				    "margin", optarg, NULL);
				usage(QUAKE_EXIT_USAGE);
			}
			break;
		case 'i': opt.idle = tool_parse_long("--idle", optarg, 3, 3600); break;
		case 'P': opt.page = tool_parse_long("--page-size", optarg, 1, 20000); break;
		case O_CACERT: opt.cacert = optarg; break;
		case O_STATS: tool_stats_every(tool_parse_long("--stats", optarg, 1, 86400)); break;
		case 'r': opt.replay = optarg; break;
		case 'R': opt.raw = 1; break;
		case 'c': opt.count = tool_parse_long("--count", optarg, 1, 1L << 62); break;
		case 'd': opt.dead_letter = optarg; break;
		case 'h': usage(0); break;
		case 'V': tool_version(); break;
		default: usage(QUAKE_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(QUAKE_EXIT_USAGE);
	if (opt.dead_letter != NULL && tool_dead_letter_open(opt.dead_letter) != 0)
		return QUAKE_EXIT_IOERR;
	status = opt.replay != NULL ? replay(opt.replay) : live();
	status = tool_out_close(status);
	if (tool_out_failed() == TOOL_OUT_ERROR && status == 0)
		status = QUAKE_EXIT_IOERR;
	tool_dead_letter_close();
	if (status == 0 && stats.rejected > 0 && opt.replay != NULL)
		status = QUAKE_EXIT_DATAERR;
	return status;
}
