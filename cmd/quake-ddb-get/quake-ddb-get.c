/* quake-ddb-get — a DynamoDB table of events to canonical event lines on
 * stdout, the reading twin of quake-ddb-put. A time range is read from the
 * day-time-index, one Query per day partition, many in flight over
 * kept-alive connections (libcurl multi), each paged with LastEvaluatedKey
 * and retried with backoff and jitter; the days come out in time order.
 * --scan reads the whole table in parallel segments instead. The reading
 * is cmd/common/ddbread's (quake-map --archive's too). */
#include <getopt.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/ddb.h"
#include "common/ddbread.h"
#include "common/dynamodb.h"
#include "common/tool.h"
#include "core/time.h"
#include "lines/event.h"

static const char usage_text[] =
"usage: quake-ddb-get -t TABLE [-r REGION] [-e URL] [-c N] [--profile NAME]\n"
"                     [--imds-v1] [--max-attempts N]\n"
"                     (--since WHEN [--until WHEN] | --scan [--since WHEN] [--until WHEN])\n"
"                     [--minmagnitude M] [--minlatitude D] [--maxlatitude D]\n"
"                     [--minlongitude D] [--maxlongitude D] [--day-index]\n"
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
"      --day-index         Query day-time-index even for --minmagnitude 4.5 or more\n"
"                          (a table written before sig-time-index existed)\n"
"  -h, --help              this help\n"
"  -V, --version           print the version\n";

#define RESP_MAX (4u << 20)		/* a page is at most 1 MB of items */

static struct {
	long concurrency, max_attempts;
	const char *profile;
	int imds_v1, scan, days;
	struct quake_ddb_filter flt;
	int64_t since, until;		/* µs; since < 0: not given */
} cfg = { .concurrency = 16, .max_attempts = 10, .since = -1, .until = -1 };

static struct dynamodb db;

enum { C_PAGES, C_ITEMS, C_WRITTEN, C_SKIPPED, C_RETRIES, NCOUNTERS };
static struct tool_counter ctr[NCOUNTERS] = {
	{ "pages", 0 }, { "items", 0 }, { "written", 0 }, { "skipped", 0 },
	{ "retries", 0 },
};

static int
out_line(void *arg, const char *line, size_t len)
{
	return tool_out(line, len) != 0 || tool_out_failed() != TOOL_OUT_OK;
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
	    O_MINLON, O_MAXLON, O_SCAN, O_DAYS };
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
		{ "day-index", no_argument, NULL, O_DAYS },
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
		case O_DAYS: cfg.days = 1; break;
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

/* Endpoint, connections, credentials: 0 or an exit status. */
static int
setup(void)
{
	int rc;

	if ((rc = dynamodb_open(&db, cfg.profile, cfg.imds_v1)) != 0)
		return rc;
	db.resp_max = RESP_MAX;
	if ((rc = dynamodb_pool_init(&db, cfg.concurrency)) != 0 ||
	    (rc = dynamodb_creds_check(&db)) != 0)
		return rc;
	return 0;
}

int
main(int argc, char **argv)
{
	int status;

	tool_init("quake-ddb-get");
	/* answers and a day's lines of 64 KiB and more are mapped and given
	 * back when freed (glibc's threshold would rise to the largest freed,
	 * keeping them in a heap that does not shrink) */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	db.table = getenv("QUAKE_TABLE");
	if ((db.endpoint = getenv("AWS_ENDPOINT_URL_DYNAMODB")) == NULL)
		db.endpoint = getenv("AWS_ENDPOINT_URL");
	options(argc, argv);
	if ((status = setup()) == 0) {
		struct ddbread_opts o = { .flt = cfg.flt, .scan = cfg.scan, .days = cfg.days,
		    .concurrency = cfg.concurrency, .max_attempts = cfg.max_attempts,
		    .stop = &tool_stop, .line = out_line };
		struct ddbread_counts k = { 0 };
		char why[512];

		status = ddbread_run(&db, &o, &k, why, sizeof why);
		ctr[C_PAGES].value = k.pages;
		ctr[C_ITEMS].value = k.items;
		ctr[C_WRITTEN].value = k.written;
		ctr[C_SKIPPED].value = k.skipped;
		ctr[C_RETRIES].value = k.retries;
		if (tool_out_failed() != TOOL_OUT_OK)
			status = 0;	/* stdout's fate decides (tool_out_close) */
	}
	tool_counters_log("done", ctr, NCOUNTERS);
	status = tool_out_close(status);
	dynamodb_free(&db);
	curl_global_cleanup();
	return status;
}
