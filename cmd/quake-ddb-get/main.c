/* quake-ddb-get — a DynamoDB table of events to canonical event lines on
 * stdout, the reading twin of quake-ddb-put. A time range is read from the
 * day-time-index, one Query per day partition, many in flight over
 * kept-alive connections (libcurl multi), each paged with LastEvaluatedKey
 * and retried with backoff and jitter; the days come out in time order.
 * --scan reads the whole table in parallel segments instead. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/ddb.h"
#include "common/dynamodb.h"
#include "common/tool.h"
#include "core/time.h"
#include "lines/event.h"

static const char usage_text[] =
"usage: quake-ddb-get -t TABLE [-r REGION] [-e URL] [-c N] [--profile NAME]\n"
"                     [--imds-v1] [--max-attempts N]\n"
"                     (--since WHEN [--until WHEN] | --scan [--since WHEN] [--until WHEN])\n"
"                     [--minmagnitude M] [--minlatitude D] [--maxlatitude D]\n"
"                     [--minlongitude D] [--maxlongitude D]\n"
"  -t, --table TABLE       table to read (env QUAKE_TABLE)\n"
"  -r, --region REGION     AWS region (env AWS_REGION, AWS_DEFAULT_REGION,\n"
"                          the profile's region, instance metadata)\n"
"  -e, --endpoint-url URL  endpoint, e.g. http://127.0.0.1:18000 for DynamoDB Local\n"
"                          (env AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL)\n"
"  -c, --concurrency N     requests in flight (default 16)\n"
"      --profile NAME      shared config profile (env AWS_PROFILE)\n"
"      --imds-v1           allow instance metadata without an IMDSv2 token\n"
"      --max-attempts N    tries per request for retryable errors (default 10)\n"
"  -s, --since WHEN        events at or after WHEN: a time (2025-01-01,\n"
"                          2025-01-01T06:00:00Z) or a duration before now (7d, 36h)\n"
"  -u, --until WHEN        events at or before WHEN (default: now)\n"
"      --minmagnitude M    events of magnitude M or more\n"
"      --minlatitude D, --maxlatitude D, --minlongitude D, --maxlongitude D\n"
"                          a box (minlongitude > maxlongitude crosses 180)\n"
"      --scan              read the whole table (in the table's order, not by time)\n"
"  -h, --help              this help\n"
"  -V, --version           print the version\n";

#define BACKOFF_BASE_US 50000LL		/* first retry within 50 ms */
#define BACKOFF_CAP_US 10000000LL	/* never wait more than 10 s */
#define RESP_MAX (4u << 20)		/* a page is at most 1 MB of items */
#define BODY_MAX (2048 + QUAKE_DDB_KEY_MAX)

/* One unit of reading: a day partition (Query) or a segment (--scan),
 * read page by page; its lines wait in out until the days before it are
 * written. */
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

static struct {
	long concurrency, max_attempts;
	const char *profile;
	int imds_v1, scan;
	struct quake_ddb_filter flt;
	int64_t since, until;		/* µs; since < 0: not given */
} cfg = { .concurrency = 16, .max_attempts = 10, .since = -1, .until = -1 };

static struct dynamodb db;
static struct unit *units;		/* a ring of nunits */
static long nunits;
static long first_day, ndays;		/* days since the epoch; how many */
static long next_index;			/* the next unit not yet started */
static long emitted;			/* units written out */
static long ntotal;			/* units in all */
static int fatal;

enum { C_PAGES, C_ITEMS, C_WRITTEN, C_SKIPPED, C_RETRIES, NCOUNTERS };
static struct tool_counter ctr[NCOUNTERS] = {
	{ "pages", 0 }, { "items", 0 }, { "written", 0 }, { "skipped", 0 },
	{ "retries", 0 },
};

static struct unit *
unit_of(long index)
{
	return &units[index % nunits];
}

/* "YYYY-MM-DD" of day number i of the range. */
static void
day_str(long i, char *out)
{
	char t[QUAKE_TIME_LEN + 1];

	quake_time_format((int64_t)(first_day + i) * 86400 * 1000000, t);
	memcpy(out, t, 10);
	out[10] = '\0';
}

/* Start units while the ring has room: the day partitions (or segments)
 * in order. */
static void
admit(void)
{
	while (next_index < ntotal && next_index - emitted < nunits) {
		struct unit *u = unit_of(next_index);

		u->state = U_WAIT;
		u->index = next_index++;
		u->attempts = u->reauthed = 0;
		u->next_try = 0;
		u->key[0] = '\0';
		u->olen = 0;
	}
}

/* The body of u's next page into u->body: its length, 0 if none. */
static size_t
body_of(struct unit *u)
{
	char day[11];

	if (cfg.scan)
		return quake_ddb_scan_body(db.table, (int)u->index, (int)ntotal,
		    &cfg.flt, u->key, u->body, sizeof u->body);
	day_str(u->index, day);
	return quake_ddb_query_body(db.table, day, &cfg.flt, u->key, u->body,
	    sizeof u->body);
}

/* Send what is due, as many as there are idle slots. */
static void
dispatch(void)
{
	int64_t now = quake_time_now();
	struct dynamodb_req *r;
	size_t n;
	int rc;

	for (long i = emitted; i < next_index && !fatal; i++) {
		struct unit *u = unit_of(i);

		if (u->state != U_WAIT || u->next_try > now)
			continue;
		if ((r = dynamodb_idle(&db)) == NULL)
			return;
		if ((n = body_of(u)) == 0) {
			quake_log(QUAKE_LOG_ERROR, "a request does not fit",
			    "table", db.table, NULL);
			fatal = QUAKE_EXIT_SOFTWARE;
			return;
		}
		if ((rc = dynamodb_send(&db, r, cfg.scan ? "Scan" : "Query",
		    u->body, n)) != 0) {
			fatal = rc;
			return;
		}
		r->seq = (uint64_t)i;
		u->state = U_FLIGHT;
		u->attempts++;
	}
}

/* The earliest retry, as a wait in ms (at most max_ms). */
static long
next_wake(long max_ms)
{
	int64_t now = quake_time_now(), t = now + max_ms * 1000LL;

	for (long i = emitted; i < next_index; i++) {
		struct unit *u = unit_of(i);

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

/* One item of a page: its canonical line into the unit's output. */
static int
on_item(void *arg, enum quake_err err, const struct quake_event *ev,
    const struct quake_fail *f)
{
	struct unit *u = arg;
	char line[QUAKE_EVENT_LINE_MAX + 2];
	size_t n;

	ctr[C_ITEMS].value++;
	if (err != QUAKE_OK || (n = quake_event_format(ev, line,
	    sizeof line - 1)) == 0) {
		ctr[C_SKIPPED].value++;
		quake_log(QUAKE_LOG_WARN, "an item is not an event: skipped",
		    "field", err != QUAKE_OK ? f->field : "",
		    "error", err != QUAKE_OK ? f->reason : "not writable", NULL);
		return 0;
	}
	if (!quake_ddb_filter_match(&cfg.flt, ev))
		return 0;
	line[n++] = '\n';
	if (append(u, line, n) != 0) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		fatal = QUAKE_EXIT_SOFTWARE;
		return 1;
	}
	return 0;
}

static void
retry_later(struct unit *u, const char *why)
{
	char at[24];

	u->state = U_WAIT;
	if (u->attempts >= cfg.max_attempts) {
		snprintf(at, sizeof at, "%d", u->attempts);
		quake_log(QUAKE_LOG_ERROR, "giving up on a request", "table",
		    db.table, "attempts", at, "error", why, NULL);
		fatal = QUAKE_EXIT_TEMPFAIL;
		return;
	}
	ctr[C_RETRIES].value++;
	u->next_try = quake_time_now() + tool_backoff(u->attempts - 1,
	    BACKOFF_BASE_US, BACKOFF_CAP_US, 1);
	if (ctr[C_RETRIES].value == 1 || ctr[C_RETRIES].value % 1000 == 0) {
		snprintf(at, sizeof at, "%lld", ctr[C_RETRIES].value);
		quake_log(QUAKE_LOG_WARN, "retrying", "error", why, "retries",
		    at, NULL);
	}
}

/* Write the lines of s..e-1 of u's output. */
static void
write_lines(struct unit *u)
{
	size_t s = 0;

	for (size_t i = 0; i < u->olen; i++)
		if (u->out[i] == '\n') {
			tool_out(u->out + s, i - s);
			ctr[C_WRITTEN].value++;
			s = i + 1;
		}
	u->olen = 0;
}

/* One finished request: a page read, or why not. */
static void
complete(struct dynamodb_req *r, const struct dynamodb_result *res)
{
	struct unit *u = unit_of((long)r->seq);
	struct quake_fail f;
	size_t before = u->olen;

	switch (res->outcome) {
	case QUAKE_DDB_OK:
		if (r->truncated) {
			quake_log(QUAKE_LOG_ERROR, "an answer is longer than "
			    "4 MiB", "table", db.table, NULL);
			fatal = QUAKE_EXIT_UNAVAILABLE;
			return;
		}
		if (quake_ddb_parse_items(r->resp, r->rlen, on_item, u, u->key,
		    sizeof u->key, NULL, &f) != QUAKE_OK) {
			u->olen = before;	/* this page again, whole */
			char why[240];
			snprintf(why, sizeof why, "%s: %s", f.field, f.reason);
			retry_later(u, why);
			return;
		}
		ctr[C_PAGES].value++;
		u->attempts = 0;
		u->state = u->key[0] ? U_WAIT : U_DONE;
		u->next_try = 0;
		if (cfg.scan)		/* no order to keep */
			write_lines(u);
		break;
	case QUAKE_DDB_STALE:
	case QUAKE_DDB_RETRY:
		retry_later(u, res->why);
		break;
	case QUAKE_DDB_REAUTH:
		dynamodb_creds_refresh(&db);
		u->state = U_WAIT;
		if (u->reauthed++ == 0) {
			u->attempts--;
			break;
		}
		if (fatal == 0)
			quake_log(QUAKE_LOG_ERROR, "credentials refused", "error",
			    res->why, NULL);
		fatal = QUAKE_EXIT_CONFIG;
		break;
	case QUAKE_DDB_FATAL:
		if (fatal == 0)
			quake_log(QUAKE_LOG_ERROR, "cannot read the table", "table",
			    db.table, "error", res->why, NULL);
		fatal = QUAKE_EXIT_CONFIG;
		break;
	}
}

/* Write the units that are done, in order. */
static void
emit(void)
{
	while (emitted < next_index && unit_of(emitted)->state == U_DONE) {
		struct unit *u = unit_of(emitted);

		write_lines(u);
		u->state = U_FREE;
		emitted++;
	}
}

/* WHEN: a time, a date (its start), or a duration before now; exits 64. */
static int64_t
parse_when(const char *opt, const char *s)
{
	char t[40];
	int64_t us;

	/* the table holds nothing before 1970: a range starts there at most */
	if (quake_time_parse(s, strlen(s), &us, NULL) == QUAKE_OK)
		return us < 0 ? 0 : us;
	if (strlen(s) == 10) {
		snprintf(t, sizeof t, "%sT00:00:00Z", s);
		if (quake_time_parse(t, strlen(t), &us, NULL) == QUAKE_OK)
			return us < 0 ? 0 : us;
	}
	if (quake_time_parse_duration(s, &us, NULL) == QUAKE_OK)
		return quake_time_now() - us < 0 ? 0 : quake_time_now() - us;
	quake_log(QUAKE_LOG_ERROR, "not a time, date or duration (2025-01-01, "
	    "2025-01-01T06:00:00Z, 7d, 36h)", "option", opt, "value", s, NULL);
	exit(QUAKE_EXIT_USAGE);
}

static double
parse_deg(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double d = strtod(s, &end);

	if (end == s || *end != '\0' || !(d >= lo && d <= hi)) {
		quake_log(QUAKE_LOG_ERROR, "not a number in range", "option", opt,
		    "value", s, NULL);
		exit(QUAKE_EXIT_USAGE);
	}
	return d;
}

/* Options into cfg and db; returns only when they are good. */
static void
options(int argc, char **argv)
{
	enum { O_PROFILE = 256, O_V1, O_ATTEMPTS, O_MINMAG, O_MINLAT, O_MAXLAT,
	    O_MINLON, O_MAXLON, O_SCAN };
	static const struct option longopts[] = {
		{ "table", required_argument, NULL, 't' },
		{ "region", required_argument, NULL, 'r' },
		{ "endpoint-url", required_argument, NULL, 'e' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "imds-v1", no_argument, NULL, O_V1 },
		{ "max-attempts", required_argument, NULL, O_ATTEMPTS },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "minmagnitude", required_argument, NULL, O_MINMAG },
		{ "minlatitude", required_argument, NULL, O_MINLAT },
		{ "maxlatitude", required_argument, NULL, O_MAXLAT },
		{ "minlongitude", required_argument, NULL, O_MINLON },
		{ "maxlongitude", required_argument, NULL, O_MAXLON },
		{ "scan", no_argument, NULL, O_SCAN },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct quake_ddb_filter *flt = &cfg.flt;
	int ch, box = 0;

	flt->minlat = -90;
	flt->maxlat = 90;
	flt->minlon = -180;
	flt->maxlon = 180;
	while ((ch = getopt_long(argc, argv, "t:r:e:c:s:u:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 't': db.table = optarg; break;
		case 'r': db.region = optarg; break;
		case 'e': db.endpoint = optarg; break;
		case 'c': cfg.concurrency = tool_parse_long("--concurrency", optarg, 1, 256); break;
		case O_PROFILE: cfg.profile = optarg; break;
		case O_V1: cfg.imds_v1 = 1; break;
		case O_ATTEMPTS: cfg.max_attempts = tool_parse_long("--max-attempts", optarg, 1, 1000); break;
		case 's': cfg.since = parse_when("--since", optarg); break;
		case 'u': cfg.until = parse_when("--until", optarg); break;
		case O_MINMAG: flt->has_mag = 1; flt->minmag = parse_deg("--minmagnitude", optarg, -20, 20); break;
		case O_MINLAT: box = 1; flt->minlat = parse_deg("--minlatitude", optarg, -90, 90); break;
		case O_MAXLAT: box = 1; flt->maxlat = parse_deg("--maxlatitude", optarg, -90, 90); break;
		case O_MINLON: box = 1; flt->minlon = parse_deg("--minlongitude", optarg, -180, 180); break;
		case O_MAXLON: box = 1; flt->maxlon = parse_deg("--maxlongitude", optarg, -180, 180); break;
		case O_SCAN: cfg.scan = 1; break;
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
	if (!cfg.scan && cfg.since < 0) {
		quake_log(QUAKE_LOG_ERROR, "no range: give --since WHEN (or --scan "
		    "for the whole table)", NULL);
		goto usage_exit;
	}
	if (cfg.until < 0 && !cfg.scan)
		cfg.until = quake_time_now();
	if (cfg.since >= 0 && cfg.until >= 0 && cfg.since > cfg.until) {
		quake_log(QUAKE_LOG_ERROR, "--since is after --until", NULL);
		exit(QUAKE_EXIT_USAGE);
	}
	if (flt->minlat > flt->maxlat) {
		quake_log(QUAKE_LOG_ERROR, "--minlatitude is above --maxlatitude", NULL);
		exit(QUAKE_EXIT_USAGE);
	}
	flt->has_box = box;
	if ((cfg.since >= 0 && quake_time_format(cfg.since, flt->from) != QUAKE_OK) ||
	    (cfg.until >= 0 && quake_time_format(cfg.until, flt->to) != QUAKE_OK)) {
		quake_log(QUAKE_LOG_ERROR, "a time outside the years 0000-9999", NULL);
		exit(QUAKE_EXIT_USAGE);
	}
}

/* Endpoint, connections, credentials, the units: 0 or an exit status. */
static int
setup(void)
{
	int rc;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot initialise libcurl", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	srandom((unsigned)(quake_time_now() ^ getpid()));
	if ((rc = dynamodb_resolve(&db, cfg.profile, cfg.imds_v1)) != 0)
		return rc;
	db.cache.profile = cfg.profile;
	db.cache.imds_allow_v1 = cfg.imds_v1;
	db.resp_max = RESP_MAX;
	if (cfg.scan) {
		ntotal = cfg.concurrency;	/* one segment per connection */
		nunits = ntotal;
	} else {
		first_day = (long)(cfg.since / 86400000000LL);
		ndays = (long)(cfg.until / 86400000000LL) - first_day + 1;
		ntotal = ndays;
		/* days read ahead of the one being written */
		nunits = cfg.concurrency * 2 < ndays ? cfg.concurrency * 2 : ndays;
	}
	if ((units = calloc((size_t)nunits, sizeof *units)) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	if ((rc = dynamodb_pool_init(&db, cfg.concurrency)) != 0 ||
	    (rc = dynamodb_creds_check(&db)) != 0)
		return rc;
	return 0;
}

/* Read until every unit is written, or a stop (signal, fatal error,
 * stdout gone). */
static int
run(void)
{
	struct dynamodb_result res;
	struct dynamodb_req *done;

	for (;;) {
		admit();
		dispatch();
		dynamodb_perform(&db);
		while ((done = dynamodb_done(&db, &res)) != NULL)
			complete(done, &res);
		if (!fatal)
			emit();
		if (tool_stats_due())
			tool_stats_log(ctr, NCOUNTERS);
		if (emitted == ntotal || fatal || tool_stop ||
		    tool_out_failed() != TOOL_OUT_OK)
			break;
		dynamodb_wait(&db, 0, next_wake(1000));
	}
	if (fatal)
		return fatal;
	if (tool_stop && emitted < ntotal)
		return QUAKE_EXIT_TEMPFAIL;	/* stopped: the output is short */
	return ctr[C_SKIPPED].value > 0 ? QUAKE_EXIT_DATAERR : 0;
}

int
main(int argc, char **argv)
{
	int status;

	tool_init("quake-ddb-get");
	db.table = getenv("QUAKE_TABLE");
	if ((db.endpoint = getenv("AWS_ENDPOINT_URL_DYNAMODB")) == NULL)
		db.endpoint = getenv("AWS_ENDPOINT_URL");
	options(argc, argv);
	if ((status = setup()) == 0)
		status = run();
	tool_counters_log("done", ctr, NCOUNTERS);
	status = tool_out_close(status);
	dynamodb_free(&db);
	for (long i = 0; i < nunits; i++)
		free(units[i].out);
	free(units);
	curl_global_cleanup();
	return status;
}
