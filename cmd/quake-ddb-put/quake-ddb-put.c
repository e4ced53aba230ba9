/* quake-ddb-put — event lines on stdin to a DynamoDB table, each stored at
 * its newest revision by a conditional PutItem. Requests run concurrently
 * over kept-alive connections (libcurl multi); retryable failures back off
 * with jitter; one status line per input line comes out in input order,
 * only once that line is finally handled. */
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lines/ack.h"
#include "common/ackq.h"
#include "common/dynamodb.h"
#include "aws/ddb.h"
#include "lines/event.h"
#include "core/ndjson.h"
#include "core/time.h"
#include "common/tool.h"

static const char usage_text[] =
"usage: quake-ddb-put -t TABLE [-r REGION] [-e URL] [-c N] [--ttl-days N]\n"
"                     [--max-attempts N] [--profile NAME] [--imds-v1]\n"
"                     [--create-table] [--dead-letter FILE] [--flush-timeout S]\n"
"                     [--stats SECONDS]\n"
"  -t, --table TABLE       table to write (env QUAKE_TABLE)\n"
"  -r, --region REGION     AWS region (env AWS_REGION, AWS_DEFAULT_REGION,\n"
"                          the profile's region, instance metadata)\n"
"  -e, --endpoint-url URL  endpoint, e.g. http://127.0.0.1:18000 for DynamoDB Local\n"
"                          (env AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL)\n"
"  -c, --concurrency N     requests in flight (default 16)\n"
"      --ttl-days N        set ttl = event time + N days (default 0: no ttl)\n"
"      --max-attempts N    tries per line for retryable errors (default 10)\n"
"      --profile NAME      shared config profile (env AWS_PROFILE)\n"
"      --imds-v1           allow instance metadata without an IMDSv2 token\n"
"      --create-table      create the table (day/time index) if it does not exist\n"
"  -d, --dead-letter FILE  append rejected lines to FILE\n"
"  -T, --flush-timeout S   seconds to finish requests in flight at exit (default 30)\n"
"      --stats S           log a counters line every S seconds\n"
"  -h, --help              this help\n"
"  -V, --version           print the version\n";

#define BACKOFF_BASE_US 50000LL		/* first retry within 50 ms */
#define BACKOFF_CAP_US 10000000LL	/* never wait more than 10 s */

/* A line awaiting its status line: open until stored, stale or rejected. */
struct pending {
	struct ackq_rec r;
	char lastupdate[QUAKE_TIME_LEN + 1];
	int attempts;
	int reauthed;
	char *body;		/* owned; freed when done */
	size_t len;
	const char *line;	/* the input line, in body's allocation: */
	size_t line_len;	/* dead-lettered if DynamoDB refuses the item */
};

static struct {
	long ttl_days, max_attempts, concurrency, flush_s;
	const char *dead, *profile;
	int imds_v1, create;
} cfg = { .concurrency = 16, .max_attempts = 10, .flush_s = 30 };

static struct dynamodb db;
static struct ackq q;			/* lines in input order */
static size_t window;			/* lines read ahead at most */
static int fatal;			/* exit status that stops the run */
static int draining;			/* stopping: send nothing new */

enum { C_IN, C_STORED, C_STALE, C_REJECTED, C_RETRIES, C_PENDING, NCOUNTERS };
static struct tool_counter ctr[NCOUNTERS] = {
	{ "in", 0 }, { "stored", 0 }, { "stale", 0 }, { "rejected", 0 },
	{ "retries", 0 }, { "pending", 0 },
};

static void
release(struct ackq_rec *r)
{
	struct pending *p = (struct pending *)r;

	free(p->body);
	p->body = NULL;
}

static void
set_done(struct pending *p, enum quake_ack_status st, const char *error)
{
	release(&p->r);
	ackq_done(&q, &p->r, st, error);
}

/* Parse one input line and queue its PutItem. */
static void
take(const struct quake_line *l)
{
	struct quake_event ev;
	struct quake_fail f;
	char body[QUAKE_DDB_BODY_MAX];
	struct pending *p;
	int64_t ttl = 0;
	size_t n;

	ev.id[0] = '\0';
	if (quake_event_parse_line(l->buf, l->len, &ev, &f) != QUAKE_OK) {
		ackq_reject(&q, l->lineno, ev.id, &f, l->buf, l->len);
		return;
	}
	if (cfg.ttl_days > 0)
		ttl = ev.time / 1000000 + cfg.ttl_days * 86400;
	if ((n = quake_ddb_put_body(&ev, db.table, ttl, body, sizeof body)) == 0) {
		quake_err_fail(&f, "", "item does not fit a request");
		ackq_reject(&q, l->lineno, ev.id, &f, l->buf, l->len);
		return;
	}
	p = (struct pending *)ackq_push(&q, l->lineno, ev.id, strlen(ev.id), NULL);
	quake_time_format(ev.lastupdate, p->lastupdate);
	if ((p->body = malloc(n + l->len)) == NULL) {
		tool_oom();
	}
	memcpy(p->body, body, n);
	p->len = n;
	memcpy(p->body + n, l->buf, l->len);
	p->line = p->body + n;
	p->line_len = l->len;
}

/* Start requests for what is due, as many as there are idle slots. */
static void
dispatch(void)
{
	int64_t now = quake_time_now();
	struct dynamodb_req *r;
	uint64_t seq;
	int rc;

	while (!fatal && !draining && (r = dynamodb_idle(&db)) != NULL) {
		if (!ackq_next_send(&q, now, &seq))
			return;
		struct pending *p = (struct pending *)ackq_at(&q, seq);
		if ((rc = dynamodb_send(&db, r, "PutItem", p->body, p->len)) != 0) {
			fatal = rc;
			return;
		}
		r->seq = seq;
		p->attempts++;
	}
}

static void
retry_later(struct pending *p, uint64_t seq, const char *why)
{
	char ln[24], at[24];

	if (p->attempts >= cfg.max_attempts) {
		snprintf(ln, sizeof ln, "%lu", p->r.lineno);
		snprintf(at, sizeof at, "%d", p->attempts);
		quake_log(QUAKE_LOG_ERROR, "giving up on a line", "line", ln,
		    "id", ackq_id(&p->r), "attempts", at, "error", why, NULL);
		fatal = QUAKE_EXIT_TEMPFAIL;
		return;
	}
	ctr[C_RETRIES].value++;
	ackq_retry(&q, seq, quake_time_now() + tool_backoff(p->attempts,
	    BACKOFF_BASE_US, BACKOFF_CAP_US, 1));
	if (ctr[C_RETRIES].value == 1 || ctr[C_RETRIES].value % 1000 == 0) {
		snprintf(ln, sizeof ln, "%lld", ctr[C_RETRIES].value);
		quake_log(QUAKE_LOG_WARN, "retrying", "id", ackq_id(&p->r),
		    "error", why, "retries", ln, NULL);
	}
}

/* One finished request: decide the line's fate. */
static void
complete(uint64_t seq, const struct dynamodb_result *res)
{
	struct pending *p = (struct pending *)ackq_at(&q, seq);
	const char *why = res->why;

	switch (res->outcome) {
	case QUAKE_DDB_OK:
		ctr[C_STORED].value++;
		set_done(p, QUAKE_ACK_STORED, NULL);
		break;
	case QUAKE_DDB_STALE:
		/* this very revision is there: a retry (ours, or curl's on a
		 * dropped connection) of a write that landed, or an identical
		 * repeat. Either way the table holds this line: stored. */
		if (strcmp(res->e.old_lastupdate, p->lastupdate) == 0) {
			ctr[C_STORED].value++;
			set_done(p, QUAKE_ACK_STORED, NULL);
		} else {
			ctr[C_STALE].value++;
			set_done(p, QUAKE_ACK_STALE, NULL);
		}
		break;
	case QUAKE_DDB_RETRY:
		retry_later(p, seq, why);
		break;
	case QUAKE_DDB_REAUTH:
		dynamodb_creds_refresh(&db);
		if (p->reauthed++ == 0) {
			ackq_retry(&q, seq, 0);
			break;
		}
		if (fatal == 0)	/* once, not once per request in flight */
			quake_log(QUAKE_LOG_ERROR, "credentials refused", "error", why, NULL);
		fatal = QUAKE_EXIT_CONFIG;
		break;
	case QUAKE_DDB_FATAL:
		if (strcmp(res->e.type, "ResourceNotFoundException") == 0 ||
		    strcmp(res->e.type, "AccessDeniedException") == 0 ||
		    res->http_status == 404 || res->http_status == 403) {
			quake_log(QUAKE_LOG_ERROR, "cannot write the table",
			    "table", db.table, "error", why, NULL);
			fatal = QUAKE_EXIT_CONFIG;
			break;
		}
		/* the item itself is refused: reject this line (to the
		 * dead-letter file as it came), go on */
		struct quake_fail f;
		quake_err_fail(&f, "", "%s", why);
		tool_reject(p->r.lineno, &f, p->line, p->line_len);
		set_done(p, QUAKE_ACK_REJECTED, why);
		break;
	}
}

/* Options into cfg and db; returns only when they are good. */
static void
options(int argc, char **argv)
{
	enum { O_TTL = 256, O_ATTEMPTS, O_PROFILE, O_V1, O_CREATE, O_STATS };
	static const struct option longopts[] = {
		{ "table", required_argument, NULL, 't' },
		{ "region", required_argument, NULL, 'r' },
		{ "endpoint-url", required_argument, NULL, 'e' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "ttl-days", required_argument, NULL, O_TTL },
		{ "max-attempts", required_argument, NULL, O_ATTEMPTS },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "imds-v1", no_argument, NULL, O_V1 },
		{ "create-table", no_argument, NULL, O_CREATE },
		{ "stats", required_argument, NULL, O_STATS },
		{ "dead-letter", required_argument, NULL, 'd' },
		{ "flush-timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "t:r:e:c:d:T:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 't': db.table = optarg; break;
		case 'r': db.region = optarg; break;
		case 'e': db.endpoint = optarg; break;
		case 'c': cfg.concurrency = tool_parse_long("--concurrency", optarg, 1, 256); break;
		case O_TTL: cfg.ttl_days = tool_parse_long("--ttl-days", optarg, 0, 36500); break;
		case O_ATTEMPTS: cfg.max_attempts = tool_parse_long("--max-attempts", optarg, 1, 1000); break;
		case O_PROFILE: cfg.profile = optarg; break;
		case O_V1: cfg.imds_v1 = 1; break;
		case O_CREATE: cfg.create = 1; break;
		case O_STATS: tool_stats_every(tool_parse_long("--stats", optarg, 1, 86400)); break;
		case 'd': cfg.dead = optarg; break;
		case 'T': cfg.flush_s = tool_parse_long("--flush-timeout", optarg, 0, 86400); break;
		case 'h': fputs(usage_text, stdout); exit(0);
		case 'V': tool_version();
		default: usage_exit:
			fputs(usage_text, stderr);
			exit(QUAKE_EXIT_USAGE);
		}
	}
	if (optind != argc || db.table == NULL || *db.table == '\0') {
		if (db.table == NULL || *db.table == '\0')
			quake_log(QUAKE_LOG_ERROR, "no table: give -t TABLE", NULL);
		goto usage_exit;
	}
	if (!dynamodb_table_name_ok(db.table)) {
		quake_log(QUAKE_LOG_ERROR, "not a DynamoDB table name (3-255 of "
		    "a-z A-Z 0-9 _ . -)", "table", db.table, NULL);
		exit(QUAKE_EXIT_USAGE);
	}
}

/* Endpoint, connections, credentials, the table: 0 or an exit status. */
static int
setup(void)
{
	int rc;

	if ((rc = dynamodb_open(&db, cfg.profile, cfg.imds_v1)) != 0)
		return rc;
	window = (size_t)cfg.concurrency * 64;
	if (window < 1024)
		window = 1024;
	ackq_init(&q, sizeof(struct pending), release, &ctr[C_IN].value,
	    &ctr[C_REJECTED].value);
	if ((rc = dynamodb_pool_init(&db, cfg.concurrency)) != 0 ||
	    (rc = dynamodb_creds_check(&db)) != 0 ||	/* before reading */
	    (cfg.create && (rc = dynamodb_create_table(&db, cfg.ttl_days > 0)) != 0))
		return rc;
	if (cfg.dead != NULL && tool_dead_letter_open(cfg.dead) != 0)
		return QUAKE_EXIT_IOERR;
	return 0;
}

/* Read, send, answer, until the input ends and every line is answered,
 * or a stop (signal, fatal error, stdout gone). */
static int
run(struct quake_ndjson *r)
{
	struct quake_line l;
	struct dynamodb_result res;
	struct dynamodb_req *done;
	int eof = 0, status = 0, reading;
	int64_t deadline = 0;

	for (;;) {
		reading = !eof && !tool_stop && !fatal &&
		    tool_out_failed() == TOOL_OUT_OK;
		while (reading && ackq_pending(&q) < window) {
			enum quake_err err = ackq_next(&q, r, &l, &status);
			if (err != QUAKE_OK) {
				eof = err == QUAKE_EOF;
				break;
			}
			take(&l);
		}
		dispatch();
		dynamodb_perform(&db);
		while ((done = dynamodb_done(&db, &res)) != NULL)
			complete(done->seq, &res);
		ackq_drain(&q);
		if (tool_stats_due()) {
			ctr[C_PENDING].value = (long long)ackq_pending(&q);
			tool_stats_log(ctr, NCOUNTERS);
		}
		if (ackq_pending(&q) == 0 && (eof || tool_stop || fatal))
			break;
		if (tool_out_failed() != TOOL_OUT_OK)
			break;
		if (tool_stop || fatal) {
			/* finish what is in flight, bounded; send nothing new */
			if (deadline == 0)
				deadline = quake_time_now() + cfg.flush_s * 1000000LL;
			if (!dynamodb_busy(&db) || quake_time_now() >= deadline)
				break;
			draining = 1;
		}
		tool_flush();
		/* sleep until input, a response, or the next retry is due */
		reading = !eof && !tool_stop && !fatal && ackq_pending(&q) < window;
		dynamodb_wait(&db, reading, ackq_next_wake(&q, quake_time_now(), 1000));
	}
	return status;
}

int
main(int argc, char **argv)
{
	struct quake_ndjson *r = NULL;
	int status, flags;

	tool_init("quake-ddb-put");
	db.table = getenv("QUAKE_TABLE");
	if ((db.endpoint = getenv("AWS_ENDPOINT_URL_DYNAMODB")) == NULL)
		db.endpoint = getenv("AWS_ENDPOINT_URL");
	options(argc, argv);
	if ((status = setup()) != 0)
		return status;

	flags = fcntl(0, F_GETFL);
	fcntl(0, F_SETFL, flags | O_NONBLOCK);
	quake_ndjson_open(0, 0, &r);
	status = run(r);

	/* a fatal error stands; a stop leaves the rest to the next run */
	status = ackq_exit(&q, status != 0 ? status : fatal,
	    tool_stop ? 0 : QUAKE_EXIT_TEMPFAIL, tool_out_failed() ==
	    TOOL_OUT_GONE ? QUAKE_LOG_DEBUG : QUAKE_LOG_WARN,	/* | head: quiet */
	    "lines left unacknowledged");
	tool_counters_log("done", ctr, C_PENDING);	/* all but pending */
	fcntl(0, F_SETFL, flags);
	status = tool_out_close(status);
	tool_dead_letter_close();
	quake_ndjson_close(r);
	dynamodb_free(&db);
	ackq_free(&q);
	curl_global_cleanup();
	return status;
}
