/* kafka — -X/-F configuration and librdkafka log/error callbacks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/kafka.h"
#include "core/time.h"
#include "common/tool.h"
#include "aws/creds.h"
#include "aws/msk.h"

/* Amazon MSK IAM (-X sasl.mechanism=AWS_MSK_IAM): one client per process,
 * so its state is the module's. */
static struct {
	int on;			/* asked for */
	int proto_given;	/* security.protocol set by the user */
	char region[64];
	struct quake_creds_cache cache;
	char last_err[256];	/* the failure last logged */
	unsigned long tokens;	/* tokens set */
} msk;

int
kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value)
{
	char errstr[512];

	if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) !=
	    RD_KAFKA_CONF_OK) {
		quake_log(QUAKE_LOG_ERROR, "bad Kafka property", "key", key,
		    "error", errstr, NULL);
		return -1;
	}
	return 0;
}

long long
kafka_conf_num(const rd_kafka_conf_t *conf, const char *key, long long dflt)
{
	char v[32];
	size_t n = sizeof v;

	if (rd_kafka_conf_get(conf, key, v, &n) != RD_KAFKA_CONF_OK)
		return dflt;
	return strtoll(v, NULL, 10);
}

int
kafka_conf_kv(rd_kafka_conf_t *conf, const char *kv)
{
	char key[256];
	const char *eq = strchr(kv, '=');

	if (eq == NULL || eq == kv || (size_t)(eq - kv) >= sizeof key) {
		quake_log(QUAKE_LOG_ERROR, "Kafka property must be key=value",
		    "value", kv, NULL);
		return -1;
	}
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	if (strcmp(key, "security.protocol") == 0)
		msk.proto_given = 1;
	/* Redpanda Connect's spelling of MSK IAM: OAUTHBEARER with our
	 * token (kafka_msk_conf) */
	if (strcmp(key, "sasl.mechanism") == 0 || strcmp(key, "sasl.mechanisms") == 0) {
		msk.on = strcasecmp(eq + 1, "AWS_MSK_IAM") == 0;
		if (msk.on)
			return kafka_conf_set(conf, key, "OAUTHBEARER");
	}
	return kafka_conf_set(conf, key, eq + 1);
}

int
kafka_conf_file(rd_kafka_conf_t *conf, const char *path)
{
	char line[4096];
	FILE *fp = fopen(path, "r");
	int rc = 0;

	if (fp == NULL) {
		quake_log(QUAKE_LOG_ERROR, "cannot open config file", "path",
		    path, "error", strerror(errno), NULL);
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof line, fp) != NULL) {
		char *s = line + strspn(line, " \t");
		s[strcspn(s, "\r\n")] = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		rc = kafka_conf_kv(conf, s);
	}
	fclose(fp);
	return rc;
}

int
kafka_conf_layer(rd_kafka_conf_t *conf, const char *file, const char *brokers,
    const char *const *xs, int nx, int *fatal)
{
	const char *env = getenv("QUAKE_BROKERS");

	if ((file != NULL && kafka_conf_file(conf, file)) ||
	    (env != NULL && kafka_conf_set(conf, "bootstrap.servers", env)) ||
	    (brokers != NULL && kafka_conf_set(conf, "bootstrap.servers", brokers)))
		goto fail;
	for (int i = 0; i < nx; i++)
		if (kafka_conf_kv(conf, xs[i]) != 0)
			goto fail;
	if (msk.on && kafka_msk_conf(conf) != 0)
		goto fail;
	rd_kafka_conf_set_log_cb(conf, kafka_log_cb);
	rd_kafka_conf_set_error_cb(conf, kafka_error_cb);
	rd_kafka_conf_set_opaque(conf, fatal);
	return 0;
fail:
	rd_kafka_conf_destroy(conf);
	return -1;
}

/* The region of the MSK cluster, as quake-ddb-put finds its own:
 * AWS_REGION, AWS_DEFAULT_REGION, the profile's, the instance's. */
static int
msk_region(void)
{
	const char *r;

	if ((r = getenv("AWS_REGION")) == NULL || *r == '\0')
		r = getenv("AWS_DEFAULT_REGION");
	if (r != NULL && *r)
		snprintf(msk.region, sizeof msk.region, "%s", r);
	else if (quake_creds_config_region(NULL, NULL, msk.region,
	    sizeof msk.region) != QUAKE_OK &&
	    quake_creds_imds_region(NULL, 0, msk.region, sizeof msk.region) !=
	    QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "MSK IAM: no region: set AWS_REGION "
		    "(or the profile's region)", NULL);
		return -1;
	}
	if (!quake_creds_region_valid(msk.region)) {
		quake_log(QUAKE_LOG_ERROR, "MSK IAM: not a region name (a-z 0-9 -)",
		    "region", msk.region, NULL);
		return -1;
	}
	return 0;
}

/* A failure to make a token: librdkafka retries (every 10 s); one log
 * line per distinct reason. */
static void
msk_fail(rd_kafka_t *rk, const char *reason)
{
	char why[256];

	snprintf(why, sizeof why, "MSK IAM token: %s", reason);
	rd_kafka_oauthbearer_set_token_failure(rk, why);
	if (strcmp(why, msk.last_err) == 0)
		return;
	snprintf(msk.last_err, sizeof msk.last_err, "%s", why);
	quake_log(QUAKE_LOG_ERROR, "MSK IAM token failed", "reason", reason,
	    NULL);
}

/* librdkafka's OAUTHBEARER refresh callback: at start and at 80 % of the
 * last token's lifetime. Credentials from the chain of quake-ddb-put
 * (cached, refetched before they expire); the token lives 900 s.
 * QUAKE_MSK_LIFETIME_MS (tests only) shortens the lifetime librdkafka is
 * told, so that a refresh comes within seconds. */
static void
msk_refresh_cb(rd_kafka_t *rk, const char *oauthbearer_config, void *opaque)
{
	static char tok[QUAKE_MSK_TOKEN_MAX * 4 / 3 + 4];
	const struct quake_creds *c;
	struct quake_fail f = { "", "" };
	const char *life = getenv("QUAKE_MSK_LIFETIME_MS");
	int64_t now = quake_time_now(), exp;
	char errstr[512], n[24], e[24];
	enum quake_err err;

	(void)oauthbearer_config;
	(void)opaque;
	if ((err = quake_creds_cache_get(&msk.cache, now, &c, &f)) != QUAKE_OK) {
		char why[240];
		snprintf(why, sizeof why, "no AWS credentials (%s%s%s)",
		    quake_err_str(err), f.reason[0] ? ": " : "", f.reason);
		msk_fail(rk, why);
		return;
	}
	if ((err = quake_msk_token(c, msk.region, now, "quake/" QUAKE_VERSION,
	    tok, sizeof tok, &exp)) != QUAKE_OK) {
		msk_fail(rk, quake_err_str(err));
		return;
	}
	if (life != NULL && atoll(life) > 0 && now / 1000 + atoll(life) < exp)
		exp = now / 1000 + atoll(life);
	if (rd_kafka_oauthbearer_set_token(rk, tok, exp, "aws-msk-iam", NULL, 0,
	    errstr, sizeof errstr) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		msk_fail(rk, errstr);
		return;
	}
	msk.last_err[0] = '\0';
	msk.tokens++;
	snprintf(n, sizeof n, "%lu", msk.tokens);
	snprintf(e, sizeof e, "%lld", (long long)exp);
	/* never the token: it is a bearer credential for 15 minutes */
	quake_log(QUAKE_LOG_DEBUG, "MSK IAM token set", "n", n, "expiry_ms", e,
	    "region", msk.region, "credentials", c->source, NULL);
}

int
kafka_msk_conf(rd_kafka_conf_t *conf)
{
	if (msk_region() != 0)
		return -1;
	if (!msk.proto_given && kafka_conf_set(conf, "security.protocol",
	    "SASL_SSL") != 0)
		return -1;
	if (kafka_conf_set(conf, "sasl.mechanism", "OAUTHBEARER") != 0)
		return -1;
	rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf, msk_refresh_cb);
	/* tokens made on librdkafka's background thread, so that a blocking
	 * call before the first poll still connects (kafka_msk_start) */
	rd_kafka_conf_enable_sasl_queue(conf, 1);
	return 0;
}

void
kafka_msk_start(rd_kafka_t *rk)
{
	rd_kafka_error_t *e;

	if (!msk.on)
		return;
	if ((e = rd_kafka_sasl_background_callbacks_enable(rk)) != NULL) {
		quake_log(QUAKE_LOG_WARN, "MSK IAM: tokens only when polled",
		    "error", rd_kafka_error_string(e), NULL);
		rd_kafka_error_destroy(e);
	}
}

void
kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	quake_log(level <= 3 ? QUAKE_LOG_ERROR : level <= 5 ? QUAKE_LOG_WARN :
	    level == 6 ? QUAKE_LOG_INFO : QUAKE_LOG_DEBUG, "librdkafka",
	    "facility", fac, "detail", buf, NULL);
}

void
kafka_error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	static int last;
	int *fatal = opaque;
	char fstr[512];

	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		rd_kafka_fatal_error(rk, fstr, sizeof fstr);
		quake_log(QUAKE_LOG_ERROR, "fatal Kafka error", "error", fstr, NULL);
		if (fatal != NULL)
			*fatal = 1;
		return;
	}
	if (err == last)
		return;
	last = err;
	quake_log(QUAKE_LOG_WARN, "Kafka error", "code",
	    rd_kafka_err2name(err), "error", reason, NULL);
}

int
kafka_start_parse(const char *s, int64_t *out, int *at_time)
{
	char *end;
	long long ms;

	*at_time = 0;
	if (strcmp(s, "beginning") == 0)
		*out = RD_KAFKA_OFFSET_BEGINNING;
	else if (strcmp(s, "end") == 0)
		*out = RD_KAFKA_OFFSET_END;
	else if (strcmp(s, "stored") == 0)
		*out = RD_KAFKA_OFFSET_STORED;
	else if (strncmp(s, "s@", 2) == 0 && s[2] >= '0' && s[2] <= '9') {
		ms = strtoll(s + 2, &end, 10);
		if (*end != '\0' || ms > 253402300799999LL)
			goto bad;
		*out = ms;
		*at_time = 1;
	} else
		goto bad;
	return 0;
bad:
	quake_log(QUAKE_LOG_ERROR, "-o takes beginning, end, stored or s@MS",
	    "value", s, NULL);
	return -1;
}

int
kafka_start_since(const char *dur, int64_t *out, int *at_time)
{
	int64_t us;

	if (quake_time_parse_duration(dur, &us, NULL) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "--since takes a duration: 7d, 36h, 90m",
		    "value", dur, NULL);
		return -1;
	}
	*out = (quake_time_now() - us) / 1000;
	*at_time = 1;
	return 0;
}

void
kafka_start_apply(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *parts,
    int64_t off, int at_time)
{
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
	int64_t *end;

	for (int i = 0; i < parts->cnt; i++)
		parts->elems[i].offset = off;
	if (!at_time || parts->cnt <= 0)
		return;
	if ((end = calloc((size_t)parts->cnt, sizeof *end)) == NULL) {
		for (int i = 0; i < parts->cnt; i++)	/* more read, none skipped */
			parts->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
		return;
	}
	/* Each partition's end, taken before the lookup: where nothing is that
	 * late yet, reading starts there, not at the end as it is when the
	 * fetch begins (what arrived in between would be skipped). */
	for (int i = 0; i < parts->cnt; i++) {
		int64_t lo;

		if (rd_kafka_query_watermark_offsets(rk, parts->elems[i].topic,
		    parts->elems[i].partition, &lo, &end[i], 10000) != 0)
			end[i] = RD_KAFKA_OFFSET_BEGINNING;
	}
	err = rd_kafka_offsets_for_times(rk, parts, 10000);
	for (int i = 0; i < parts->cnt; i++) {
		rd_kafka_topic_partition_t *p = &parts->elems[i];

		if (err != RD_KAFKA_RESP_ERR_NO_ERROR || p->err != 0) {
			quake_log(QUAKE_LOG_WARN, "no offset for the start time; "
			    "reading from the beginning", "reason", rd_kafka_err2str(
			    err ? err : p->err), NULL);
			p->offset = RD_KAFKA_OFFSET_BEGINNING;
		} else if (p->offset < 0)	/* nothing that late yet */
			p->offset = end[i];
	}
	free(end);
}

long long
kafka_lag(rd_kafka_t *rk)
{
	rd_kafka_topic_partition_list_t *a = NULL;
	long long lag = 0;

	if (rd_kafka_assignment(rk, &a) != RD_KAFKA_RESP_ERR_NO_ERROR || a == NULL)
		return 0;
	rd_kafka_position(rk, a);
	for (int i = 0; i < a->cnt; i++) {
		int64_t lo, hi;

		if (rd_kafka_get_watermark_offsets(rk, a->elems[i].topic,
		    a->elems[i].partition, &lo, &hi) == RD_KAFKA_RESP_ERR_NO_ERROR &&
		    hi >= 0 && a->elems[i].offset >= 0 && hi > a->elems[i].offset)
			lag += hi - a->elems[i].offset;
	}
	rd_kafka_topic_partition_list_destroy(a);
	return lag;
}

int
kafka_producer_conf(rd_kafka_conf_t *conf)
{
	if (kafka_conf_set(conf, "bootstrap.servers", "127.0.0.1:9092") ||
	    kafka_conf_set(conf, "enable.idempotence", "true") ||
	    kafka_conf_set(conf, "acks", "all") ||
	    kafka_conf_set(conf, "compression.codec", "lz4") ||
	    kafka_conf_set(conf, "linger.ms", "5") ||
	    /* bound memory: 10,000 records or 3 MiB queued (an event line
	     * is ~280 bytes: the count binds), in batches of up to 1 MB as
	     * librdkafka's default: at the bound a partition's queue goes in
	     * one request instead of three, fewer requests wait on the
	     * idempotent limit of 5 in flight (bench/results/diary.md) */
	    kafka_conf_set(conf, "queue.buffering.max.messages", "10000") ||
	    kafka_conf_set(conf, "queue.buffering.max.kbytes", "3072") ||
	    kafka_conf_set(conf, "batch.size", "1000000") ||
	    /* batches refer to the queued records instead of copying them
	     * before compression: ~1 MiB less at the bound
	     * (bench/results/kafka.md) */
	    kafka_conf_set(conf, "message.copy.max.bytes", "0"))
		return -1;
	return 0;
}

int
kafka_consumer_conf(rd_kafka_conf_t *conf, const char *group, int exit_eof)
{
	if (kafka_conf_set(conf, "bootstrap.servers", "127.0.0.1:9092") ||
	    kafka_conf_set(conf, "group.id", group) ||
	    kafka_conf_set(conf, "enable.auto.offset.store", "false") ||
	    kafka_conf_set(conf, "enable.auto.commit", "true") ||
	    kafka_conf_set(conf, "auto.offset.reset", "earliest") ||
	    kafka_conf_set(conf, "enable.partition.eof", exit_eof ? "true" : "false") ||
	    /* events are ~300 bytes and lz4 packs them ~5:1: 128 KiB
	     * fetches into a 512 KiB queue keep RSS near 10 MiB, and with
	     * the fetcher wake a backlog still drains faster than kcat's */
	    kafka_conf_set(conf, "queued.max.messages.kbytes", "512") ||
	    kafka_conf_set(conf, "message.max.bytes", "131072") ||
	    kafka_conf_set(conf, "max.partition.fetch.bytes", "32768") ||
	    kafka_conf_set(conf, "fetch.max.bytes", "131072") ||
	    /* -e: an empty fetch answers "at the end" after this long */
	    (exit_eof && kafka_conf_set(conf, "fetch.wait.max.ms", "50")))
		return -1;
	return 0;
}
