/* quake-produce — event lines on stdin to a Kafka topic, key = event id.
 * Every line is validated and re-serialized canonically; librdkafka's
 * delivery reports decide success; one status line per input line comes
 * out on stdout in input order, only once that line is finally handled. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "ack.h"
#include "ackq.h"
#include "event.h"
#include "kafka.h"
#include "ndjson.h"
#include "partition.h"
#include "tool.h"

static const char usage_text[] =
"usage: quake-produce -t TOPIC [-b BROKERS] [-X KEY=VALUE]... [-F FILE]\n"
"                     [--dead-letter FILE] [--flush-timeout SECONDS]\n"
"                     [--stats SECONDS]\n"
"  -b BROKERS              bootstrap servers (env QUAKE_BROKERS; default 127.0.0.1:9092)\n"
"  -t TOPIC                topic to produce to (env QUAKE_TOPIC)\n"
"  -X KEY=VALUE            librdkafka property, as kcat (repeatable)\n"
"  -F FILE                 librdkafka properties file (key=value lines)\n"
"  -d, --dead-letter FILE  append rejected lines to FILE\n"
"  -T, --flush-timeout S   seconds to wait for deliveries at exit (default 30)\n"
"      --stats S           log a counters line every S seconds\n"
"  -h, --help              this help\n"
"  -V, --version           print the version\n";

/* Records in input order, from the oldest not yet acknowledged; delivery
 * reports carry each one's sequence number. The ackq record is all a
 * record needs: 48 bytes, one for every record librdkafka holds. */
static struct ackq q;

enum { C_IN, C_PRODUCED, C_REJECTED, C_FAILED, C_PENDING, NCOUNTERS };
static struct tool_counter ctr[NCOUNTERS] = {
	{ "in", 0 }, { "produced", 0 }, { "rejected", 0 }, { "failed", 0 },
	{ "pending", 0 },
};
#define FAILED (ctr[C_FAILED].value)

static int fatal;
static int no_topic;	/* the topic does not exist: a configuration error */

static void
note_failure(rd_kafka_resp_err_t err)
{
	if (err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
	    err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
	    err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
		no_topic = 1;
}

/* What librdkafka holds (queued or in flight, until its delivery report
 * is served), counted as it counts queue.buffering.max.messages and
 * .kbytes (payload bytes), so that a staged batch is handed over only
 * when all of it fits: a "queue full" in mid-batch would fail some
 * records of the batch and not the ones after. */
static struct {
	unsigned long msgs, max_msgs;
	unsigned long long bytes, max_bytes;
} held;

static void
fail_record(uint64_t seq, rd_kafka_resp_err_t err, const char *what)
{
	struct ackq_rec *p = ackq_at(&q, seq);

	ackq_fail(p);
	note_failure(err);
	if (FAILED++ == 0) {
		char ln[24];
		snprintf(ln, sizeof ln, "%lu", p->lineno);
		quake_log(QUAKE_LOG_ERROR, what, "line", ln, "id", ackq_id(p),
		    "error", rd_kafka_err2str(err), NULL);
	}
}

static void
dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	uint64_t seq = (uint64_t)(uintptr_t)m->_private;

	(void)rk;
	(void)opaque;
	held.msgs--;
	held.bytes -= m->len;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		ackq_done(&q, ackq_at(&q, seq), QUAKE_ACK_PRODUCED, NULL);
		ctr[C_PRODUCED].value++;
	} else
		fail_record(seq, m->err, "delivery failed");
}

/* Lines validated but not yet handed to librdkafka: produced together
 * by rd_kafka_produce_batch, which takes the topic lock and reads the
 * clocks once for all of them (rd_kafka_produce does both per record).
 * A canonical line is staged where the reader has it (the reader's wait
 * hook hands the stage over before those bytes move); keys, and lines
 * re-serialized, go into an arena. librdkafka copies both
 * (RD_KAFKA_MSG_F_COPY) before the call returns. */
#define STAGE_MAX 256
#define STAGE_ARENA (64 * 1024)
#define STAGE_SEQ(i) ((uint64_t)(uintptr_t)stage.m[i]._private)
static struct {
	rd_kafka_message_t m[STAGE_MAX];
	char arena[STAGE_ARENA];
	size_t n, used;
} stage;

/* The topic's partitions while the partitioner is librdkafka's default:
 * each record is staged with its partition and a batch is handed over
 * grouped by partition, so librdkafka takes each partition's lock and
 * reference once per run of records and calls no partitioner per record
 * (bench/results/kafka.md). */
static struct partition_map parts;

/* Wait up to 100 ms for delivery reports, writing status lines for what
 * they finish. */
static void
await_deliveries(rd_kafka_t *rk)
{
	tool_flush();
	rd_kafka_poll(rk, 100);
	ackq_drain(&q);
}

/* Hand the staged records to librdkafka, waiting (and writing status
 * lines) while its queue has no room for all of them. */
static void
stage_flush(rd_kafka_t *rk, rd_kafka_topic_t *rkt)
{
	unsigned long long bytes = 0;
	size_t i, from = 0;

	for (i = 0; i < stage.n; i++)
		bytes += stage.m[i].len;
	while (stage.n > 0 && FAILED == 0 && !fatal &&
	    held.msgs > 0 && (held.msgs + stage.n > held.max_msgs ||
	    held.bytes + bytes > held.max_bytes))
		await_deliveries(rk);
	/* after a failure nothing more goes out (it stays unacknowledged) */
	if (FAILED > 0 || fatal)
		from = stage.n;
	while (from < stage.n) {
		size_t full = stage.n;	/* first record refused for room */
		int reordered = 0;

		if (stage.m[from].partition != RD_KAFKA_PARTITION_UA)
			partition_group(&parts, stage.m + from, stage.n - from);
		held.msgs += (unsigned long)rd_kafka_produce_batch(rkt,
		    RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY |
		    RD_KAFKA_MSG_F_PARTITION, stage.m + from,
		    (int)(stage.n - from));
		for (i = from; i < stage.n; i++) {
			rd_kafka_resp_err_t err = stage.m[i].err;
			if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
				held.bytes += stage.m[i].len;
				reordered |= full < i;
			} else if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
				if (full == stage.n)
					full = i;
			} else
				fail_record(STAGE_SEQ(i), err, "cannot produce");
		}
		/* a record after a refused one went in, so the refused one
		 * can no longer go before it (not seen: room is counted
		 * first); or one record is larger than the whole queue */
		if (reordered || (full < stage.n && held.msgs == 0))
			fail_record(STAGE_SEQ(full), RD_KAFKA_RESP_ERR__QUEUE_FULL,
			    "cannot produce");
		if (full == stage.n || FAILED > 0 || fatal)
			break;
		/* refused for room (a limit lower than counted): wait for
		 * deliveries, then hand over the rest */
		from = full;
		await_deliveries(rk);
	}
	stage.n = 0;
	stage.used = 0;
}

/* The reader's wait hook: staged lines may point into its buffer, whose
 * bytes are about to move. */
struct handles {
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
};

static void
stage_flush_hook(void *arg)
{
	struct handles *h = arg;

	stage_flush(h->rk, h->rkt);
}

/* Validate one line and stage it for librdkafka. */
static void
produce(rd_kafka_t *rk, rd_kafka_topic_t *rkt, const struct quake_line *l)
{
	struct quake_event ev;
	struct quake_fail f;
	rd_kafka_message_t *m;
	size_t n, idlen;
	char *text;
	int canonical;
	uint64_t seq;

	ev.id[0] = '\0';	/* the parser fills it first, if it can */
	if (quake_event_parse_line_canon(l->buf, l->len, &ev, &canonical, &f) !=
	    QUAKE_OK) {
		ackq_reject(&q, l->lineno, ev.id, &f, l->buf, l->len);
		return;
	}
	idlen = strlen(ev.id);
	if (stage.n == STAGE_MAX ||
	    STAGE_ARENA - stage.used < QUAKE_EVENT_LINE_MAX + 1 + idlen)
		stage_flush(rk, rkt);
	text = stage.arena + stage.used;
	/* already canonical (as emsc-tail writes): pass it on as it is */
	if (canonical) {
		n = l->len;
		memcpy(text, ev.id, idlen);
		stage.used += idlen;
	} else {
		n = quake_event_format(&ev, text, QUAKE_EVENT_LINE_MAX + 1);
		memcpy(text + n, ev.id, idlen);
		stage.used += n + idlen;
	}
	ackq_push(&q, l->lineno, ev.id, idlen, &seq);
	m = &stage.m[stage.n++];
	memset(m, 0, sizeof *m);
	m->payload = canonical ? (void *)(uintptr_t)l->buf : text;
	m->len = n;
	m->key = canonical ? text : text + n;
	m->key_len = idlen;
	m->partition = parts.n > 0 ? partition_of(m->key, idlen, parts.n) :
	    RD_KAFKA_PARTITION_UA;
	m->_private = (void *)(uintptr_t)seq;
}

static struct {
	const char *brokers, *topic, *file, *dead;
	const char *xs[256];	/* -X */
	int nx;
	long flush_s;
} opt = { .flush_s = 30 };

/* Options into opt; returns only when they are good. */
static void
options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dead-letter", required_argument, NULL, 'd' },
		{ "flush-timeout", required_argument, NULL, 'T' },
		{ "stats", required_argument, NULL, 256 },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	opt.topic = getenv("QUAKE_TOPIC");
	while ((ch = getopt_long(argc, argv, "b:t:X:F:d:T:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': opt.brokers = optarg; break;
		case 't': opt.topic = optarg; break;
		case 'X':
			if (opt.nx == (int)(sizeof opt.xs / sizeof opt.xs[0]))
				goto usage_exit;
			opt.xs[opt.nx++] = optarg;
			break;
		case 'F': opt.file = optarg; break;
		case 'd': opt.dead = optarg; break;
		case 'T': opt.flush_s = tool_parse_long("--flush-timeout", optarg, 0, 86400); break;
		case 'h': fputs(usage_text, stdout); exit(0);
		case 'V': tool_version();
		case 256: tool_stats_every(tool_parse_long("--stats", optarg, 1, 86400)); break;
		default: goto usage_exit;
		}
	}
	if (optind == argc && opt.topic != NULL && *opt.topic != '\0')
		return;
	if (opt.topic == NULL)
		quake_log(QUAKE_LOG_ERROR, "no topic: give -t TOPIC", NULL);
usage_exit:
	fputs(usage_text, stderr);
	exit(QUAKE_EXIT_USAGE);
}

/* The producer with our defaults under -F and -X; NULL (logged) when the
 * configuration is wrong. */
static rd_kafka_t *
producer_new(void)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_t *rk;
	char errstr[512];

	if (kafka_conf_set(conf, "bootstrap.servers", "127.0.0.1:9092") ||
	    kafka_conf_set(conf, "enable.idempotence", "true") ||
	    kafka_conf_set(conf, "acks", "all") ||
	    kafka_conf_set(conf, "compression.codec", "lz4") ||
	    kafka_conf_set(conf, "linger.ms", "5") ||
	    /* bound memory: 2 MiB queued, in batches of at most 256 KiB so
	     * that several requests are in flight at once */
	    kafka_conf_set(conf, "queue.buffering.max.messages", "10000") ||
	    kafka_conf_set(conf, "queue.buffering.max.kbytes", "2048") ||
	    kafka_conf_set(conf, "batch.size", "262144")) {
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	if (kafka_conf_layer(conf, opt.file, opt.brokers, opt.xs, opt.nx,
	    &fatal) != 0)
		return NULL;
	held.max_msgs = (unsigned long)kafka_conf_num(conf,
	    "queue.buffering.max.messages", 0);
	held.max_bytes = (unsigned long long)kafka_conf_num(conf,
	    "queue.buffering.max.kbytes", 0) * 1024;
	parts.crc32 = partition_conf_is_crc32(conf);
	if ((parts.refresh_ms = kafka_conf_num(conf,
	    "topic.metadata.refresh.interval.ms", 300000)) <= 0)
		parts.refresh_ms = 300000;
	rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
	if ((rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr)) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "cannot create producer", "error", errstr, NULL);
		rd_kafka_conf_destroy(conf);
	}
	return rk;
}

/* Read, validate, produce until the input ends or a stop (signal, failed
 * delivery, stdout gone); then wait (bounded) for what is in flight.
 * wake: readable when librdkafka has delivery reports. */
static int
run(rd_kafka_t *rk, rd_kafka_topic_t *rkt, struct quake_ndjson *r, int wake)
{
	struct quake_line l;
	enum quake_err err;
	int eof = 0, status = 0;

	while (!tool_stop && !eof && !fatal && FAILED == 0) {
		/* stop at the first failure: what follows stays unacknowledged */
		for (int batch = 0; batch < 1024 && FAILED == 0; batch++) {
			if ((err = ackq_next(&q, r, &l, &status)) != QUAKE_OK) {
				eof = err == QUAKE_EOF;
				break;
			}
			produce(rk, rkt, &l);
		}
		stage_flush(rk, rkt);
		partition_map_refresh(&parts, rk, rkt);	/* between batches: one mapping each */
		rd_kafka_poll(rk, 0);
		ackq_drain(&q);
		if (tool_stats_due()) {
			ctr[C_PENDING].value = (long long)ackq_pending(&q);
			tool_stats_log(ctr, NCOUNTERS);
		}
		if (eof || tool_out_failed() != TOOL_OUT_OK)
			break;
		tool_flush();
		struct pollfd pfd[2] = { { 0, POLLIN, 0 }, { wake, POLLIN, 0 } };
		if (poll(pfd, 2, 1000) > 0 && (pfd[1].revents & POLLIN)) {
			char drain[64];
			while (read(wake, drain, sizeof drain) > 0)
				;
		}
	}
	for (long waited = 0; ackq_pending(&q) > 0 && FAILED == 0 && !fatal &&
	    waited < opt.flush_s * 10; waited++) {
		rd_kafka_poll(rk, 100);
		ackq_drain(&q);
		tool_flush();
	}
	ackq_drain(&q);
	return status;
}

int
main(int argc, char **argv)
{
	int status = QUAKE_EXIT_OK, iofd[2], flags = -1;
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	rd_kafka_queue_t *mainq = NULL;
	struct quake_ndjson *r = NULL;
	struct handles hooks;

	tool_init("quake-produce");
	ackq_init(&q, sizeof(struct ackq_rec), NULL, &ctr[C_IN].value,
	    &ctr[C_REJECTED].value);
	options(argc, argv);
	if ((rk = producer_new()) == NULL)
		return QUAKE_EXIT_CONFIG;
	rkt = rd_kafka_topic_new(rk, opt.topic, NULL);
	partition_map_refresh(&parts, rk, rkt);
	if (opt.dead != NULL && tool_dead_letter_open(opt.dead) != 0) {
		status = QUAKE_EXIT_IOERR;
		goto out;
	}
	/* wake poll(2) when librdkafka has delivery reports for us */
	if (pipe(iofd) != 0) {
		status = QUAKE_EXIT_SOFTWARE;
		goto out;
	}
	fcntl(iofd[0], F_SETFL, O_NONBLOCK);
	fcntl(iofd[1], F_SETFL, O_NONBLOCK);
	mainq = rd_kafka_queue_get_main(rk);
	rd_kafka_queue_io_event_enable(mainq, iofd[1], "1", 1);
	/* O_NONBLOCK lives on the open file description, shared with whoever
	 * gave us stdin (a shell's terminal): restored at exit */
	flags = fcntl(0, F_GETFL);
	fcntl(0, F_SETFL, flags | O_NONBLOCK);
	quake_ndjson_open(0, 0, &r);
	hooks = (struct handles){ rk, rkt };
	quake_ndjson_set_wait_hook(r, stage_flush_hook, &hooks);
	status = run(rk, rkt, r, iofd[0]);
	status = ackq_exit(&q, status, no_topic ? QUAKE_EXIT_CONFIG : fatal ?
	    QUAKE_EXIT_UNAVAILABLE : QUAKE_EXIT_TEMPFAIL, QUAKE_LOG_ERROR,
	    "records not delivered");
out:
	if (flags != -1)
		fcntl(0, F_SETFL, flags);
	status = tool_out_close(status);
	tool_dead_letter_close();
	quake_ndjson_close(r);
	rd_kafka_topic_destroy(rkt);
	if (mainq != NULL)
		rd_kafka_queue_destroy(mainq);
	rd_kafka_destroy(rk);
	ackq_free(&q);
	partition_map_free(&parts);
	return status;
}
