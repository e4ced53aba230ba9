/* quake-consume — Kafka topics (one, or several: -t repeated) to lines on
 * stdout, as a member of a consumer group. An offset is stored for commit only once its line is
 * handled: written and flushed, or with --acks FIFO, acknowledged by the
 * downstream status line. librdkafka auto-commits stored offsets; on
 * rebalance and exit what is stored is committed, and nothing more. */
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "common/ackread.h"
#include "lines/kpos.h"
#include "common/kafka.h"
#include "consume.h"
#include "offsets.h"
#include "common/tool.h"

/* librdkafka's opaque is &c->fatal (kafka_conf_layer's error callback
 * sets it); the run it belongs to */
static struct consume *
consume_of(void *opaque)
{
	return (struct consume *)((char *)opaque - offsetof(struct consume, fatal));
}

static void
wake_fetcher(struct consume *c, rd_kafka_t *rk)
{
	int64_t lo, hi;

	(void)rd_kafka_query_watermark_offsets(rk, c->wake.topic, c->wake.partition,
	    &lo, &hi, 100);
}

/* --stats: lines out, lines handled, and the lag */
static void
stats_line(struct consume *c, rd_kafka_t *rk)
{
	struct tool_counter n[] = {
		{ "out", (long long)c->lines.written },
		{ "handled", (long long)(c->lines.next - 1) },
		{ "partitions", c->assigned },
		{ "lag", kafka_lag(rk) },
	};
	tool_stats_log(n, 4);
}

#define CLOSE_TIMEOUT 30

static void
close_timeout(int sig)
{
	static const char msg[] = "quake-consume: level=error msg=\"close timed out; "
	    "offsets not committed are delivered again\"\n";

	(void)sig;
	(void)!write(2, msg, sizeof msg - 1);
	_exit(QUAKE_EXIT_TEMPFAIL);
}

static void
rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
    rd_kafka_topic_partition_list_t *parts, void *opaque)
{
	struct consume *c = consume_of(opaque);

	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		kafka_start_apply(rk, parts, c->opt.start, c->opt.at_time);
		rd_kafka_assign(rk, parts);
		c->assigned = parts->cnt;
		c->at_eof = 0;
	} else {
		/* commit what is handled before the partitions go */
		rd_kafka_commit(rk, NULL, 0);
		rd_kafka_assign(rk, NULL);
		c->assigned = c->at_eof = 0;
	}
}

/* Store the offsets of the lines acknowledged so far (ackread.h: a
 * thread reads the FIFO); -1 once a status line was bad or out of order. */
static int
read_acks(struct consume *c, rd_kafka_t *rk)
{
	offsets_handled(&c->lines, rk, ackread_upto());
	return ackread_failed() ? -1 : 0;
}

/* m's topic as one of c->opt.topics (which outlive every record) */
static const char *
topic_of(const struct consume *c, const rd_kafka_message_t *m)
{
	const char *name = m->rkt != NULL ? rd_kafka_topic_name(m->rkt) : "";

	for (int i = 1; i < c->opt.ntopics; i++)
		if (strcmp(name, c->opt.topics[i]) == 0)
			return c->opt.topics[i];
	return c->opt.topics[0];
}

static int
handle(struct consume *c, rd_kafka_t *rk, rd_kafka_message_t *m)
{
	const char *topic;

	if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
		c->at_eof++;
		return 0;
	}
	if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		quake_log(QUAKE_LOG_WARN, "consume error", "error",
		    rd_kafka_message_errstr(m), NULL);
		if (m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
		    m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
			return -1;
		return 0;
	}
	topic = topic_of(c, m);
	if (m->len == 0 || memchr(m->payload, '\n', m->len) != NULL) {
		char p[16], o[24];
		snprintf(p, sizeof p, "%d", (int)m->partition);
		snprintf(o, sizeof o, "%lld", (long long)m->offset);
		quake_log(QUAKE_LOG_WARN, "skipped record: empty or holds a newline",
		    "partition", p, "offset", o, NULL);
		offsets_skipped(&c->lines, rk, topic, m->partition, m->offset);
		return 0;
	}
	if (c->opt.positions) {
		char pre[QUAKE_KPOS_PREFIX_MAX + 1];
		size_t n = quake_kpos_format_prefix(topic, m->partition, m->offset,
		    pre, sizeof pre);

		/* a failed write shows in tool_out's, which follows */
		(void)!fwrite_unlocked(pre, 1, n, stdout);
	}
	if (tool_out(m->payload, m->len) != 0)
		return -1;
	offsets_written(&c->lines, topic, m->partition, m->offset);
	c->wake.bytes += m->len;
	c->wake.partition = m->partition;
	c->wake.topic = topic;
	return 0;
}

/* The consumer, configured and subscribed (the ack reader started with
 * --acks); NULL with *status set when it cannot be. */
static rd_kafka_t *
consumer_new(struct consume *c, int *status)
{
	char errstr[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_t *rk;
	rd_kafka_topic_partition_list_t *subs;

	*status = QUAKE_EXIT_CONFIG;
	if (kafka_consumer_conf(conf, c->conn.group ? c->conn.group : "quake-consume",
	    c->opt.exit_eof) != 0)
		goto fail;
	if (kafka_conf_layer(conf, c->conn.file, c->conn.brokers, c->conn.xs, c->conn.nx, &c->fatal) != 0)
		return NULL;
	rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
	c->wake.half = (size_t)kafka_conf_num(conf, "queued.max.messages.kbytes",
	    0) * 512;
	if (c->opt.acks != NULL && ackread_start(c->opt.acks, 1) != 0) {
		*status = QUAKE_EXIT_IOERR;
		goto fail;
	}
	if ((rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr)) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "cannot create consumer", "error", errstr, NULL);
		goto fail;
	}
	kafka_msk_start(rk);
	rd_kafka_poll_set_consumer(rk);
	subs = rd_kafka_topic_partition_list_new(c->opt.ntopics);
	for (int i = 0; i < c->opt.ntopics; i++)
		rd_kafka_topic_partition_list_add(subs, c->opt.topics[i], RD_KAFKA_PARTITION_UA);
	rd_kafka_subscribe(rk, subs);
	rd_kafka_topic_partition_list_destroy(subs);
	*status = QUAKE_EXIT_OK;
	return rk;
fail:
	rd_kafka_conf_destroy(conf);
	return NULL;
}

/* Records to stdout until stopped, -c or -e is met, or output fails;
 * returns the exit status so far. */
static int
run(struct consume *c, rd_kafka_t *rk)
{
	int status = QUAKE_EXIT_OK;

	while (!tool_stop && !c->fatal &&
	    (c->opt.count == 0 || (long)c->lines.written < c->opt.count)) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 0);
		if (tool_stats_due())
			stats_line(c, rk);
		if (m == NULL) {
			if (c->wake.half > 0 && c->wake.bytes >= c->wake.half) {
				wake_fetcher(c, rk);
				m = rd_kafka_consumer_poll(rk, 0);
			}
			c->wake.bytes = 0;
		}
		if (m == NULL) {
			/* idle: flush, count written lines as handled (no
			 * --acks), read acks, then wait a little */
			if (tool_flush() != 0)
				break;
			if (c->opt.acks == NULL)
				offsets_handled(&c->lines, rk, c->lines.written);
			else if (read_acks(c, rk) != 0)
				return QUAKE_EXIT_SOFTWARE;
			if (c->opt.exit_eof && c->assigned > 0 && c->at_eof >= c->assigned)
				break;
			m = rd_kafka_consumer_poll(rk, 100);
			if (m == NULL)
				continue;
		}
		int rc = handle(c, rk, m);
		rd_kafka_message_destroy(m);
		/* a long backlog without --acks: hand off in steps, so the
		 * ring of unhandled lines stays small */
		if (rc == 0 && c->opt.acks == NULL && c->lines.unhandled.count >= 4096) {
			if (tool_flush() != 0)
				rc = -1;
			else
				offsets_handled(&c->lines, rk, c->lines.written);
		}
		/* busy: store what was acknowledged every 64 lines */
		if (rc == 0 && c->opt.acks != NULL && (c->lines.written & 63) == 0 &&
		    read_acks(c, rk) != 0)
			return QUAKE_EXIT_SOFTWARE;
		if (rc != 0) {
			if (tool_out_failed() != TOOL_OUT_GONE)
				status = tool_out_failed() == TOOL_OUT_ERROR ?
				    QUAKE_EXIT_IOERR : QUAKE_EXIT_UNAVAILABLE;
			break;
		}
	}
	return status;
}

int
main(int argc, char **argv)
{
	struct consume run_state = { .opt = { .start = RD_KAFKA_OFFSET_STORED } };
	struct consume *c = &run_state;
	int status;
	rd_kafka_t *rk;

	tool_init("quake-consume");
	if (options(c, argc, argv, &status) != 0)
		return status;
	offsets_init(&c->lines);
	if ((rk = consumer_new(c, &status)) == NULL)
		return status;
	status = run(c, rk);

	/* exit: flush, wait (bounded) for acks of what was written; the
	 * whole of it, the group leave and final commit included, gets
	 * CLOSE_TIMEOUT seconds: a broker that goes away mid-close must not
	 * keep a stopping service alive */
	signal(SIGALRM, close_timeout);
	alarm(CLOSE_TIMEOUT);
	if (tool_flush() == 0) {
		if (c->opt.acks == NULL)
			offsets_handled(&c->lines, rk, c->lines.written);
		else
			for (int i = 0; i < 50 && c->lines.unhandled.count > 0; i++) {
				if (read_acks(c, rk) != 0)
					break;
				if (c->lines.unhandled.count > 0)
					poll(NULL, 0, 100);
			}
	}
	if (tool_out_failed() == TOOL_OUT_ERROR && status == 0)
		status = QUAKE_EXIT_IOERR;
	if (c->fatal && status == 0)
		status = QUAKE_EXIT_UNAVAILABLE;
	rd_kafka_consumer_close(rk);	/* commits stored offsets */
	rd_kafka_destroy(rk);
	offsets_free(&c->lines);
	return status;
}
