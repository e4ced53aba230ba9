/* kafka — librdkafka configuration the kcat way, for quake-produce and
 * quake-consume: defaults, then -F FILE, then QUAKE_BROKERS, then -b/-X. */
#ifndef QUAKE_KAFKA_H
#define QUAKE_KAFKA_H

#include <librdkafka/rdkafka.h>

/* Set key=value (one string) on conf; logs and returns -1 on error. */
int kafka_conf_kv(rd_kafka_conf_t *conf, const char *kv);

/* Set key to value; logs and returns -1 on error. */
int kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value);
/* Records on rk's assigned partitions past its position (watermarks as
 * last fetched): a consumer's lag. */
long long kafka_lag(rd_kafka_t *rk);
/* quake-produce's defaults on conf (borrowed): idempotent, acks=all, lz4,
 * 2 MiB queued in batches of 256 KiB; -1 logged. */
int kafka_producer_conf(rd_kafka_conf_t *conf);
/* quake-consume's defaults on conf (borrowed): group, offsets stored only
 * for handled lines, small fetch queue, partition EOF with -e; -1 logged. */
int kafka_consumer_conf(rd_kafka_conf_t *conf, const char *group, int exit_eof);

/* The value of key in conf as a number; dflt if it is not set there. */
long long kafka_conf_num(const rd_kafka_conf_t *conf, const char *key,
    long long dflt);

/* Read key=value lines (# comments, blank lines) from path; -1 on error. */
int kafka_conf_file(rd_kafka_conf_t *conf, const char *path);

/* Layer the user's configuration over conf's defaults, lowest first: the
 * properties file (may be NULL), QUAKE_BROKERS, brokers (-b; may be NULL),
 * then the nx -X key=value strings. Sets the log and error callbacks with
 * fatal (set to 1 on a fatal client error) as opaque. On error conf is
 * destroyed and -1 returned (logged). */
int kafka_conf_layer(rd_kafka_conf_t *conf, const char *file,
    const char *brokers, const char *const *xs, int nx, int *fatal);

/* Amazon MSK IAM, on with -X sasl.mechanism=AWS_MSK_IAM (or in -F):
 * sasl.mechanism=OAUTHBEARER, security.protocol=SASL_SSL unless given, and
 * a token refresh callback that signs MSK IAM tokens (lib/aws/msk.h) with
 * the credential chain of quake-ddb-put; region from AWS_REGION,
 * AWS_DEFAULT_REGION, the profile, the instance. kafka_conf_layer calls
 * kafka_msk_conf; -1 logged (no region). */
int kafka_msk_conf(rd_kafka_conf_t *conf);

/* After rd_kafka_new: tokens refreshed on librdkafka's background thread
 * (no poll needed); nothing when MSK IAM is off. */
void kafka_msk_start(rd_kafka_t *rk);

/* Log librdkafka's own log lines through quake_log. */
void kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac,
    const char *buf);

/* Log client-level errors, once per change of error code; sets *fatal. */
void kafka_error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque);

/* Parse a start position: beginning, end, stored, s@MS (the first record
 * at or after MS, milliseconds since the epoch, as kcat) into *out
 * (RD_KAFKA_OFFSET_* or MS >= 0 with *at_time set). -1 (logged) if it is
 * none. */
int kafka_start_parse(const char *s, int64_t *out, int *at_time);

/* The same for a duration back from now ("7d", "36h", "90m"): s@(now-d). */
int kafka_start_since(const char *dur, int64_t *out, int *at_time);

/* Set every partition of parts to `off` (a RD_KAFKA_OFFSET_*), or with
 * at_time to the first offset at or after `off` ms (the end where none
 * is: rd_kafka_offsets_for_times); on failure, the beginning (logged). */
void kafka_start_apply(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *parts,
    int64_t off, int at_time);

#endif
