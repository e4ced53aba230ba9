/* quake-produce — event lines on stdin to a Kafka topic, key = event id
 * (--kind samples: quake-shake's sample-batch lines, key = their cell;
 * --kind triggers: its onset and trigger lines, key = their device;
 * --kind detections: its detection lines, key = their id).
 * Every line is validated and re-serialized canonically; librdkafka's
 * delivery reports decide success; one status line per input line comes
 * out on stdout in input order, only once that line is finally handled. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "lines/ack.h"
#include "common/ackq.h"
#include "lines/event.h"
#include "common/kafka.h"
#include "kinds.h"
#include "core/ndjson.h"
#include "partition.h"
#include "stage.h"
#include "common/tool.h"

static const char usage_text[] =
"usage: quake-produce -t TOPIC [-b BROKERS] [-X KEY=VALUE]... [-F FILE]\n"
"                     [--kind event|samples|triggers|detections] [--dead-letter FILE]\n"
"                     [--flush-timeout SECONDS]\n"
"                     [--stats SECONDS]\n"
"  -b BROKERS              bootstrap servers (env QUAKE_BROKERS; default 127.0.0.1:9092)\n"
"  -t TOPIC                topic to produce to (env QUAKE_TOPIC)\n"
"  -X KEY=VALUE            librdkafka property, as kcat (repeatable)\n"
"  -F FILE                 librdkafka properties file (key=value lines)\n"
"      --kind KIND         event lines (default) or samples: quake-shake's\n"
"                          sample-batch lines, keyed by their 0.5-degree cell;\n"
"                          triggers: its onset and trigger lines, keyed by device;\n"
"                          detections: its detection lines, keyed by id\n"
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

/* Validated lines on their way to librdkafka; the partition map in it
 * groups each batch by partition (bench/results/kafka.md). */
static struct stage stage;

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
	stage_delivered(&stage, m);
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		ackq_done(&q, ackq_at(&q, seq), QUAKE_ACK_PRODUCED, NULL);
		ctr[C_PRODUCED].value++;
	} else
		fail_record(seq, m->err, "delivery failed");
}

/* Wait up to 100 ms for delivery reports, writing status lines for what
 * they finish. */
static void
await_deliveries(rd_kafka_t *rk)
{
	tool_flush();
	rd_kafka_poll(rk, 100);
	ackq_drain(&q);
}

static int
stopped(void)
{
	return FAILED > 0 || fatal;
}

static const struct stage_ops stage_ops = { fail_record, await_deliveries,
    stopped };

/* Validate one line and stage it for librdkafka. */
static void
produce(const struct quake_line *l)
{
	struct quake_event ev;
	struct quake_fail f;
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
	text = stage_room(&stage, QUAKE_EVENT_LINE_MAX + 1 + idlen);
	ackq_push(&q, l->lineno, ev.id, idlen, &seq);
	/* already canonical (as emsc-tail writes): pass it on as it is, from
	 * where the reader holds it; the key goes into the arena */
	if (canonical) {
		memcpy(text, ev.id, idlen);
		stage_add(&stage, l->buf, l->len, text, idlen, idlen, seq);
	} else {
		n = quake_event_format(&ev, text, QUAKE_EVENT_LINE_MAX + 1);
		memcpy(text + n, ev.id, idlen);
		stage_add(&stage, text, n, text + n, idlen, n + idlen, seq);
	}
}

static struct {
	const char *brokers, *topic, *file, *dead;
	const char *xs[256];	/* -X */
	int nx;
	long flush_s;
	const struct kind *kind;	/* --kind; NULL: event lines */
} opt = { .flush_s = 30 };

/* --kind: the line as it is, keyed by its kind; the status line's id is
 * the kind's (its first 63 bytes) */
static void
produce_kind(const struct quake_line *l)
{
	char key[KIND_KEY_MAX], *text;
	const char *id;
	struct quake_fail f;
	size_t n = opt.kind->key(l->buf, l->len, key, &id, &f);
	uint64_t seq;

	if (n == 0) {
		ackq_reject(&q, l->lineno, "", &f, l->buf, l->len);
		return;
	}
	text = stage_room(&stage, n);
	memcpy(text, key, n);
	ackq_push(&q, l->lineno, id, strnlen(id, 63), &seq);
	stage_add(&stage, l->buf, l->len, text, n, n, seq);
}

/* Options into opt; returns only when they are good. */
static void
options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dead-letter", required_argument, NULL, 'd' },
		{ "flush-timeout", required_argument, NULL, 'T' },
		{ "stats", required_argument, NULL, 256 },
		{ "kind", required_argument, NULL, 257 },
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
		case 257:
			switch (kinds_find(optarg, &opt.kind)) {
			case QUAKE_OK: break;
			case QUAKE_EUSAGE:
				quake_log(QUAKE_LOG_ERROR, "--kind: event, samples, triggers or detections", NULL);
				goto usage_exit;
			default:
				tool_oom();
			}
			break;
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

	if (kafka_producer_conf(conf) != 0) {
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	if (kafka_conf_layer(conf, opt.file, opt.brokers, opt.xs, opt.nx,
	    &fatal) != 0)
		return NULL;
	stage.max_msgs = (unsigned long)kafka_conf_num(conf,
	    "queue.buffering.max.messages", 0);
	stage.max_bytes = (unsigned long long)kafka_conf_num(conf,
	    "queue.buffering.max.kbytes", 0) * 1024;
	stage.parts.crc32 = partition_conf_is_crc32(conf);
	if ((stage.parts.refresh_ms = kafka_conf_num(conf,
	    "topic.metadata.refresh.interval.ms", 300000)) <= 0)
		stage.parts.refresh_ms = 300000;
	rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
	if ((rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr)) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "cannot create producer", "error", errstr, NULL);
		rd_kafka_conf_destroy(conf);
	} else
		kafka_msk_start(rk);
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
			if (opt.kind != NULL)
				produce_kind(&l);
			else
				produce(&l);
		}
		stage_flush(&stage);
		/* between batches: one mapping each */
		partition_map_refresh(&stage.parts, rk, rkt);
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

	/* librdkafka's compression buffers (up to batch.size) from mmap,
	 * given back when freed: glibc's moving threshold would put them on
	 * the heap after the first, resident for good (~1 MiB) */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	tool_init("quake-produce");
	ackq_init(&q, sizeof(struct ackq_rec), NULL, &ctr[C_IN].value,
	    &ctr[C_REJECTED].value);
	options(argc, argv);
	if ((rk = producer_new()) == NULL)
		return QUAKE_EXIT_CONFIG;
	rkt = rd_kafka_topic_new(rk, opt.topic, NULL);
	stage.rk = rk;
	stage.rkt = rkt;
	stage.ops = &stage_ops;
	partition_map_refresh(&stage.parts, rk, rkt);
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
	quake_ndjson_set_wait_hook(r, stage_flush_hook, &stage);
	status = run(rk, rkt, r, iofd[0]);
	status = ackq_exit(&q, status, no_topic ? QUAKE_EXIT_CONFIG : fatal ?
	    QUAKE_EXIT_UNAVAILABLE : QUAKE_EXIT_TEMPFAIL, tool_out_failed() ==
	    TOOL_OUT_GONE ? QUAKE_LOG_DEBUG : QUAKE_LOG_ERROR,	/* | head: quiet */
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
	partition_map_free(&stage.parts);
	return status;
}
