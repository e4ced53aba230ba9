/* quake-ddb-put — event lines on stdin to a DynamoDB table, each stored at
 * its newest revision by a conditional PutItem. Requests run concurrently
 * over kept-alive connections (libcurl multi); retryable failures back off
 * with jitter; one status line per input line comes out in input order,
 * only once that line is finally handled. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "ack.h"
#include "ackq.h"
#include "creds.h"
#include "ddb.h"
#include "event.h"
#include "json.h"
#include "ndjson.h"
#include "sigv4.h"
#include "qtime.h"
#include "tool.h"

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
#define RESP_MAX 16384

/* A line awaiting its status line: open until stored, stale or rejected. */
struct pending {
	struct ackq_rec r;
	char lastupdate[QUAKE_TIME_LEN + 1];
	int attempts;
	int reauthed;
	char *body;		/* owned; freed when done */
	size_t len;
	int64_t not_before;	/* µs: a retry waits until then */
};

struct slot {
	CURL *h;
	struct curl_slist *hdrs;	/* hold the token and signature */
	uint64_t seq;
	int busy;
	size_t rlen;
	char resp[RESP_MAX + 1];
};

static struct {
	const char *table, *region, *endpoint;
	char host[300];		/* Host header as curl sends it */
	char url[1200];
	long ttl_days, max_attempts, concurrency;
} cfg;

static struct ackq q;			/* lines in input order */
static uint64_t next_fresh;		/* sequence number of the next unsent line */
static uint64_t *retries;		/* lines waiting to be retried */
static size_t nretries;
static struct slot *slots;
static CURLM *multi;
static struct quake_creds_cache cache;
static struct quake_sigv4_key sigkey;
static int fatal;			/* exit status that stops the run */
static int draining;			/* stopping: send nothing new */

enum { C_IN, C_STORED, C_STALE, C_REJECTED, C_RETRIES, C_PENDING, NCOUNTERS };
static struct tool_counter ctr[NCOUNTERS] = {
	{ "in", 0 }, { "stored", 0 }, { "stale", 0 }, { "rejected", 0 },
	{ "retries", 0 }, { "pending", 0 },
};

static void
die_config(const char *msg, const char *k, const char *v)
{
	quake_log(QUAKE_LOG_ERROR, msg, k, v, NULL);
	exit(QUAKE_EXIT_CONFIG);
}

/* Wipe and free a header list that held secrets. */
static void
free_headers(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p != NULL; p = p->next)
		OPENSSL_cleanse(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

/* Credentials that came already expired: one warning per fetch. */
static void
creds_expired_warn(const struct quake_creds *c)
{
	static unsigned long warned;
	char t[QUAKE_TIME_LEN + 1];

	if (!cache.expired || warned == cache.fetches)
		return;
	warned = cache.fetches;
	quake_time_format(c->expiration, t);
	quake_log(QUAKE_LOG_WARN, "credentials arrived expired: used, asked "
	    "for again with backoff", "source", c->source, "expiration", t, NULL);
}

/* Signed headers for one request to target with body into *out. 0, or -1
 * with fatal set when there are no credentials. */
static int
sign(const char *target, const char *body, size_t len, struct curl_slist **out)
{
	const struct quake_creds *c;
	struct quake_fail f;
	struct quake_sigv4_scope scope;
	struct quake_sigv4_header h[5];
	char amzdate[17], creq[QUAKE_SIGV4_MAX], sh[256], sts[512], sig[65];
	char authz[1024], line[4200], tgt[64];
	size_t clen, slen, n = 0;
	int64_t now = quake_time_now();
	enum quake_err err;

	if ((err = quake_creds_cache_get(&cache, now, &c, &f)) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "no AWS credentials", "error", f.reason, NULL);
		fatal = quake_err_exit_status(err);
		return -1;
	}
	creds_expired_warn(c);
	quake_sigv4_scope_init(&scope, now, cfg.region, "dynamodb");
	memcpy(amzdate, scope.amzdate, sizeof amzdate);
	snprintf(tgt, sizeof tgt, "DynamoDB_20120810.%s", target);
	h[n++] = (struct quake_sigv4_header){ "content-type", "application/x-amz-json-1.0" };
	h[n++] = (struct quake_sigv4_header){ "host", cfg.host };
	h[n++] = (struct quake_sigv4_header){ "x-amz-date", amzdate };
	h[n++] = (struct quake_sigv4_header){ "x-amz-target", tgt };
	if (c->session_token[0] != '\0')
		h[n++] = (struct quake_sigv4_header){ "x-amz-security-token", c->session_token };
	struct quake_sigv4_request req = { "POST", "/", NULL, h, n, body, len, 1 };
	if (quake_sigv4_canonical_request(&req, creq, sizeof creq, &clen, sh,
	    sizeof sh) != QUAKE_OK || quake_sigv4_string_to_sign(&scope, creq,
	    clen, sts, sizeof sts, &slen) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "cannot sign a request", NULL);
		fatal = QUAKE_EXIT_SOFTWARE;
		return -1;
	}
	quake_sigv4_signing_key(&sigkey, &scope, c->secret_key);
	quake_sigv4_signature(&sigkey, sts, slen, sig);
	quake_sigv4_authorization(c->access_key, &scope, sh, sig, authz, sizeof authz);

	struct curl_slist *l = NULL;
	l = curl_slist_append(l, "Content-Type: application/x-amz-json-1.0");
	snprintf(line, sizeof line, "X-Amz-Target: %s", tgt);
	l = curl_slist_append(l, line);
	snprintf(line, sizeof line, "X-Amz-Date: %s", amzdate);
	l = curl_slist_append(l, line);
	if (c->session_token[0] != '\0') {
		snprintf(line, sizeof line, "X-Amz-Security-Token: %s", c->session_token);
		l = curl_slist_append(l, line);
	}
	snprintf(line, sizeof line, "Authorization: %s", authz);
	l = curl_slist_append(l, line);
	l = curl_slist_append(l, "Expect:");
	l = curl_slist_append(l, "Accept:");
	OPENSSL_cleanse(line, sizeof line);
	if (l == NULL) {
		fatal = QUAKE_EXIT_SOFTWARE;
		return -1;
	}
	*out = l;
	return 0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct slot *s = arg;
	size_t len = size * n, room = RESP_MAX - s->rlen;

	/* keep the start of a long answer: errors are short */
	memcpy(s->resp + s->rlen, p, len < room ? len : room);
	s->rlen += len < room ? len : room;
	s->resp[s->rlen] = '\0';
	return len;
}

/* Set up s->h for a POST of body to target. 0 or -1 (fatal set). */
static int
prepare(struct slot *s, const char *target, const char *body, size_t len)
{
	if (sign(target, body, len, &s->hdrs) != 0)
		return -1;
	s->rlen = 0;
	s->resp[0] = '\0';
	curl_easy_setopt(s->h, CURLOPT_URL, cfg.url);
	curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, s->hdrs);
	curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(s->h, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(s->h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->h, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(s->h, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(s->h, CURLOPT_TCP_KEEPALIVE, 1L);
	return 0;
}

static void
finish_slot(struct slot *s)
{
	free_headers(s->hdrs);
	s->hdrs = NULL;
	s->busy = 0;
}

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
	if ((n = quake_ddb_put_body(&ev, cfg.table, ttl, body, sizeof body)) == 0) {
		quake_err_fail(&f, "", "item does not fit a request");
		ackq_reject(&q, l->lineno, ev.id, &f, l->buf, l->len);
		return;
	}
	p = (struct pending *)ackq_push(&q, l->lineno, ev.id, strlen(ev.id), NULL);
	quake_time_format(ev.lastupdate, p->lastupdate);
	if ((p->body = malloc(n)) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		exit(QUAKE_EXIT_SOFTWARE);
	}
	memcpy(p->body, body, n);
	p->len = n;
}

/* The next line to send: a due retry first, else the next fresh one. */
static int
next_to_send(int64_t now, uint64_t *seq)
{
	for (size_t i = 0; i < nretries; i++) {
		struct pending *p = (struct pending *)ackq_at(&q, retries[i]);
		if (p->not_before <= now) {
			*seq = retries[i];
			retries[i] = retries[--nretries];
			return 1;
		}
	}
	while (next_fresh < q.ring.head_seq + q.ring.count) {
		struct ackq_rec *r = ackq_at(&q, next_fresh);
		*seq = next_fresh++;
		if (r->state == ACKQ_OPEN)
			return 1;
	}
	return 0;
}

static void
dispatch(void)
{
	int64_t now = quake_time_now();
	uint64_t seq;

	for (long i = 0; i < cfg.concurrency && !fatal && !draining; i++) {
		struct slot *s = &slots[i];
		if (s->busy)
			continue;
		if (!next_to_send(now, &seq))
			return;
		struct pending *p = (struct pending *)ackq_at(&q, seq);
		if (prepare(s, "PutItem", p->body, p->len) != 0)
			return;
		s->seq = seq;
		s->busy = 1;
		p->attempts++;
		curl_multi_add_handle(multi, s->h);
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
	p->not_before = quake_time_now() + tool_backoff(p->attempts,
	    BACKOFF_BASE_US, BACKOFF_CAP_US, 1);
	retries[nretries++] = seq;
	if (ctr[C_RETRIES].value == 1 || ctr[C_RETRIES].value % 1000 == 0) {
		snprintf(ln, sizeof ln, "%lld", ctr[C_RETRIES].value);
		quake_log(QUAKE_LOG_WARN, "retrying", "id", ackq_id(&p->r),
		    "error", why, "retries", ln, NULL);
	}
}

/* One finished request: decide the line's fate. */
static void
complete(struct slot *s, CURLcode rc)
{
	struct pending *p = (struct pending *)ackq_at(&q, s->seq);
	struct quake_ddb_error e;
	long status = 0;
	char why[512];

	if (rc == CURLE_OK)
		curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
	quake_ddb_parse_error(s->resp, s->rlen, &e);
	enum quake_ddb_outcome o = quake_ddb_classify(status, &e);
	if (rc != CURLE_OK)
		snprintf(why, sizeof why, "%s", curl_easy_strerror(rc));
	else
		snprintf(why, sizeof why, "HTTP %ld %s%s%s", status, e.type,
		    e.message[0] ? ": " : "", e.message);
	curl_multi_remove_handle(multi, s->h);
	finish_slot(s);

	switch (o) {
	case QUAKE_DDB_OK:
		ctr[C_STORED].value++;
		set_done(p, QUAKE_ACK_STORED, NULL);
		break;
	case QUAKE_DDB_STALE:
		/* this very revision is there: a retry (ours, or curl's on a
		 * dropped connection) of a write that landed, or an identical
		 * repeat. Either way the table holds this line: stored. */
		if (strcmp(e.old_lastupdate, p->lastupdate) == 0) {
			ctr[C_STORED].value++;
			set_done(p, QUAKE_ACK_STORED, NULL);
		} else {
			ctr[C_STALE].value++;
			set_done(p, QUAKE_ACK_STALE, NULL);
		}
		break;
	case QUAKE_DDB_RETRY:
		retry_later(p, s->seq, why);
		break;
	case QUAKE_DDB_REAUTH:
		quake_creds_cache_invalidate(&cache);
		if (p->reauthed++ == 0) {
			p->not_before = 0;
			retries[nretries++] = s->seq;
			break;
		}
		if (fatal == 0)	/* once, not once per request in flight */
			quake_log(QUAKE_LOG_ERROR, "credentials refused", "error", why, NULL);
		fatal = QUAKE_EXIT_CONFIG;
		break;
	case QUAKE_DDB_FATAL:
		if (strcmp(e.type, "ResourceNotFoundException") == 0 ||
		    strcmp(e.type, "AccessDeniedException") == 0 ||
		    status == 404 || status == 403) {
			quake_log(QUAKE_LOG_ERROR, "cannot write the table",
			    "table", cfg.table, "error", why, NULL);
			fatal = QUAKE_EXIT_CONFIG;
			break;
		}
		/* the item itself is refused: reject this line, go on */
		struct quake_fail f;
		quake_err_fail(&f, "", "%s", why);
		tool_reject(p->r.lineno, &f, NULL, 0);
		set_done(p, QUAKE_ACK_REJECTED, why);
		break;
	}
}

/* Status lines for the finished head of the queue; what is not yet sent
 * starts at the head at the earliest. */
static void
drain(void)
{
	ackq_drain(&q);
	if (next_fresh < q.ring.head_seq)
		next_fresh = q.ring.head_seq;
}

/* One synchronous request (table setup): status and body into s. */
static long
call(struct slot *s, const char *target, const char *body,
    struct quake_ddb_error *e)
{
	long status = 0;
	CURLcode rc;

	if (prepare(s, target, body, strlen(body)) != 0)
		exit(fatal);
	rc = curl_easy_perform(s->h);
	finish_slot(s);
	if (rc == CURLE_OK)
		curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
	else
		snprintf(s->resp, sizeof s->resp, "%s", curl_easy_strerror(rc));
	quake_ddb_parse_error(s->resp, strlen(s->resp), e);
	return status;
}

/* --create-table: create it unless it exists, wait until it is active,
 * and turn on TTL when --ttl-days is given. */
static void
create_table(struct slot *s)
{
	char body[2048], tbuf[700];
	struct quake_ddb_error e;
	long st;

	if (quake_ddb_create_table_body(cfg.table, body, sizeof body) == 0)
		die_config("table name too long", "table", cfg.table);
	st = call(s, "CreateTable", body, &e);
	if (st == 200)
		quake_log(QUAKE_LOG_INFO, "table created", "table", cfg.table, NULL);
	else if (strcmp(e.type, "ResourceInUseException") != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot create the table", "table",
		    cfg.table, "type", e.type, "error", e.message, NULL);
		exit(st == 0 || st >= 500 ? QUAKE_EXIT_UNAVAILABLE : QUAKE_EXIT_CONFIG);
	}
	tbuf[quake_json_format_string(cfg.table, tbuf)] = '\0';
	snprintf(body, sizeof body, "{\"TableName\":%s}", tbuf);
	for (int i = 0; i < 600; i++) {
		st = call(s, "DescribeTable", body, &e);
		if (st == 200 && strstr(s->resp, "\"TableStatus\":\"ACTIVE\"") != NULL)
			break;
		if (i == 599) {
			quake_log(QUAKE_LOG_ERROR, "table not active after 5 minutes",
			    "table", cfg.table, NULL);
			exit(QUAKE_EXIT_UNAVAILABLE);
		}
		nanosleep(&(struct timespec){ 0, 500000000 }, NULL);
	}
	if (cfg.ttl_days > 0) {
		snprintf(body, sizeof body, "{\"TableName\":%s,"
		    "\"TimeToLiveSpecification\":{\"Enabled\":true,"
		    "\"AttributeName\":\"ttl\"}}", tbuf);
		st = call(s, "UpdateTimeToLive", body, &e);
		if (st != 200 && strstr(e.message, "already enabled") == NULL)
			quake_log(QUAKE_LOG_WARN, "cannot enable TTL", "type",
			    e.type, "error", e.message, NULL);
	}
}

/* Region and endpoint from flags, environment, profile, instance. */
static void
resolve_endpoint(const char *profile, int imds_v1)
{
	static char region[64];
	CURLU *u;
	char *host = NULL, *port = NULL, *scheme = NULL;

	if (cfg.region == NULL && (cfg.region = getenv("AWS_REGION")) == NULL)
		cfg.region = getenv("AWS_DEFAULT_REGION");
	if (cfg.region == NULL && quake_creds_config_region(profile, NULL,
	    region, sizeof region) == QUAKE_OK)
		cfg.region = region;
	if (cfg.region == NULL && cfg.endpoint == NULL &&
	    quake_creds_imds_region(NULL, imds_v1, region, sizeof region) == QUAKE_OK)
		cfg.region = region;
	if (cfg.region == NULL && cfg.endpoint != NULL)
		cfg.region = "us-east-1";	/* local: any region signs */
	if (cfg.region == NULL || *cfg.region == '\0')
		die_config("no region: give --region or set AWS_REGION", "table", cfg.table);
	if (!quake_creds_region_valid(cfg.region))	/* it goes into the host */
		die_config("not a region name (a-z 0-9 -)", "region", cfg.region);
	if (cfg.endpoint == NULL)
		snprintf(cfg.url, sizeof cfg.url, "https://dynamodb.%s.amazonaws.com/",
		    cfg.region);
	else
		snprintf(cfg.url, sizeof cfg.url, "%s", cfg.endpoint);
	u = curl_url();
	if (curl_url_set(u, CURLUPART_URL, cfg.url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
		die_config("endpoint is not an http(s) URL", "endpoint", cfg.url);
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
		snprintf(cfg.host, sizeof cfg.host, "%s:%s", host, port);
	else
		snprintf(cfg.host, sizeof cfg.host, "%s", host);
	curl_free(host);
	curl_free(port);
	curl_free(scheme);
	curl_url_cleanup(u);
}

int
main(int argc, char **argv)
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
	const char *dead = NULL, *profile = NULL;
	int ch, imds_v1 = 0, create = 0, eof = 0, status = QUAKE_EXIT_OK, flags;
	long flush_s = 30;
	size_t window;
	struct quake_ndjson *r = NULL;
	struct quake_line l;
	enum quake_err err;
	int64_t deadline = 0;

	tool_init("quake-ddb-put");
	cfg.table = getenv("QUAKE_TABLE");
	cfg.concurrency = 16;
	cfg.max_attempts = 10;
	if ((cfg.endpoint = getenv("AWS_ENDPOINT_URL_DYNAMODB")) == NULL)
		cfg.endpoint = getenv("AWS_ENDPOINT_URL");
	while ((ch = getopt_long(argc, argv, "t:r:e:c:d:T:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 't': cfg.table = optarg; break;
		case 'r': cfg.region = optarg; break;
		case 'e': cfg.endpoint = optarg; break;
		case 'c': cfg.concurrency = tool_parse_long("--concurrency", optarg, 1, 256); break;
		case O_TTL: cfg.ttl_days = tool_parse_long("--ttl-days", optarg, 0, 36500); break;
		case O_ATTEMPTS: cfg.max_attempts = tool_parse_long("--max-attempts", optarg, 1, 1000); break;
		case O_PROFILE: profile = optarg; break;
		case O_V1: imds_v1 = 1; break;
		case O_CREATE: create = 1; break;
		case O_STATS: tool_stats_every(tool_parse_long("--stats", optarg, 1, 86400)); break;
		case 'd': dead = optarg; break;
		case 'T': flush_s = tool_parse_long("--flush-timeout", optarg, 0, 86400); break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': tool_version();
		default:
			fputs(usage_text, stderr);
			return QUAKE_EXIT_USAGE;
		}
	}
	if (optind != argc || cfg.table == NULL || *cfg.table == '\0') {
		if (cfg.table == NULL || *cfg.table == '\0')
			quake_log(QUAKE_LOG_ERROR, "no table: give -t TABLE", NULL);
		fputs(usage_text, stderr);
		return QUAKE_EXIT_USAGE;
	}
	if (strlen(cfg.table) < 3 || strlen(cfg.table) > 255 ||
	    strspn(cfg.table, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") != strlen(cfg.table)) {
		quake_log(QUAKE_LOG_ERROR, "not a DynamoDB table name (3-255 of "
		    "a-z A-Z 0-9 _ . -)", "table", cfg.table, NULL);
		return QUAKE_EXIT_USAGE;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot initialise libcurl", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	srandom((unsigned)(quake_time_now() ^ getpid()));
	resolve_endpoint(profile, imds_v1);
	cache.profile = profile;
	cache.imds_allow_v1 = imds_v1;

	window = (size_t)cfg.concurrency * 64;
	if (window < 1024)
		window = 1024;
	ackq_init(&q, sizeof(struct pending), release, &ctr[C_IN].value,
	    &ctr[C_REJECTED].value);
	retries = calloc(window + 1, sizeof *retries);
	slots = calloc((size_t)cfg.concurrency, sizeof *slots);
	multi = curl_multi_init();
	if (retries == NULL || slots == NULL || multi == NULL) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, cfg.concurrency);
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, cfg.concurrency);
	for (long i = 0; i < cfg.concurrency; i++)
		if ((slots[i].h = curl_easy_init()) == NULL) {
			quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
			return QUAKE_EXIT_SOFTWARE;
		}
	{
		/* fail fast on missing credentials, before reading anything */
		const struct quake_creds *c;
		struct quake_fail f;
		if ((err = quake_creds_cache_get(&cache, quake_time_now(), &c, &f)) != QUAKE_OK) {
			quake_log(QUAKE_LOG_ERROR, "no AWS credentials", "error", f.reason, NULL);
			return quake_err_exit_status(err);
		}
	}
	if (create)
		create_table(&slots[0]);
	if (dead != NULL && tool_dead_letter_open(dead) != 0)
		return QUAKE_EXIT_IOERR;

	flags = fcntl(0, F_GETFL);
	fcntl(0, F_SETFL, flags | O_NONBLOCK);
	quake_ndjson_open(0, 0, &r);

	for (;;) {
		int reading = !eof && !tool_stop && !fatal &&
		    tool_out_failed() == TOOL_OUT_OK;

		while (reading && ackq_pending(&q) < window) {
			if ((err = ackq_next(&q, r, &l, &status)) != QUAKE_OK) {
				eof = err == QUAKE_EOF;
				break;
			}
			take(&l);
		}
		dispatch();
		int running;
		curl_multi_perform(multi, &running);
		CURLMsg *m;
		int left;
		while ((m = curl_multi_info_read(multi, &left)) != NULL)
			if (m->msg == CURLMSG_DONE) {
				struct slot *s;
				curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
				complete(s, m->data.result);
			}
		drain();
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
			int busy = 0;
			for (long i = 0; i < cfg.concurrency; i++)
				busy |= slots[i].busy;
			if (deadline == 0)
				deadline = quake_time_now() + flush_s * 1000000LL;
			if (!busy || quake_time_now() >= deadline)
				break;
			draining = 1;
		}
		tool_flush();

		/* sleep until input, a response, or the next retry is due */
		long timeout = 1000;
		curl_multi_timeout(multi, &timeout);
		if (timeout < 0 || timeout > 1000)
			timeout = 1000;
		int64_t now = quake_time_now();
		for (size_t i = 0; i < nretries; i++) {
			int64_t d = (((struct pending *)ackq_at(&q,
			    retries[i]))->not_before - now) / 1000;
			if (d < timeout)
				timeout = d < 0 ? 0 : d;
		}
		struct curl_waitfd wfd = { 0, CURL_WAIT_POLLIN, 0 };
		reading = !eof && !tool_stop && !fatal &&
		    ackq_pending(&q) < window;
		curl_multi_poll(multi, reading ? &wfd : NULL, reading ? 1 : 0,
		    (int)timeout, NULL);
	}

	/* a fatal error stands; a stop leaves the rest to the next run */
	status = ackq_exit(&q, status != 0 ? status : fatal,
	    tool_stop ? 0 : QUAKE_EXIT_TEMPFAIL, QUAKE_LOG_WARN,
	    "lines left unacknowledged");
	tool_counters_log("done", ctr, C_PENDING);	/* all but pending */
	fcntl(0, F_SETFL, flags);
	status = tool_out_close(status);
	tool_dead_letter_close();
	quake_ndjson_close(r);
	for (long i = 0; i < cfg.concurrency; i++) {
		if (slots[i].busy) {
			curl_multi_remove_handle(multi, slots[i].h);
			finish_slot(&slots[i]);
		}
		curl_easy_cleanup(slots[i].h);
	}
	curl_multi_cleanup(multi);
	ackq_free(&q);
	free(slots);
	free(retries);
	quake_creds_cache_free(&cache);
	OPENSSL_cleanse(&sigkey, sizeof sigkey);
	curl_global_cleanup();
	return status;
}
