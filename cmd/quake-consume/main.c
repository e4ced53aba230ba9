/* quake-consume — Kafka topics (one, or several: -t repeated) to lines on
 * stdout, as a member of a consumer group. An offset is stored for commit only once its line is
 * handled: written and flushed, or with --acks FIFO, acknowledged by the
 * downstream status line. librdkafka auto-commits stored offsets; on
 * rebalance and exit what is stored is committed, and nothing more. */
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "common/ackread.h"
#include "common/kafka.h"
#include "offsets.h"
#include "common/tool.h"

static const char usage_text[] =
"usage: quake-consume -t TOPIC... [-g GROUP] [-b BROKERS] [-o OFFSET | --since DUR]\n"
"                     [-e] [-c N] [-X KEY=VALUE]... [-F FILE] [--acks FIFO]\n"
"                     [--stats SECONDS]\n"
"  -b BROKERS        bootstrap servers (env QUAKE_BROKERS; default 127.0.0.1:9092)\n"
"  -t TOPIC          topic to consume (env QUAKE_TOPIC); repeat -t for several\n"
"                    (their lines interleaved, each partition in order)\n"
"  -g GROUP          consumer group (env QUAKE_GROUP; default quake-consume)\n"
"  -o OFFSET         beginning, end, stored (committed; default), or s@MS: the first\n"
"                    record at or after MS (ms since the epoch)\n"
"      --since DUR   the same as s@(now - DUR), e.g. 7d, 36h, 90m\n"
"  -e                exit once every assigned partition is at its end\n"
"  -c N              exit after N records\n"
"  -X KEY=VALUE      librdkafka property, as kcat (repeatable)\n"
"  -F FILE           librdkafka properties file (key=value lines)\n"
"  -a, --acks FIFO   commit only what downstream acknowledged on FIFO\n"
"      --stats S     log a counters line every S seconds (out, handled, lag)\n"
"  -h, --help        this help\n"
"  -V, --version     print the version\n";

/* Lines written and not yet handled, and where each came from. */
static struct offsets lines;

#define TOPICS_MAX 8

static struct {
	const char *topics[TOPICS_MAX];
	int ntopics;
	int64_t start;		/* RD_KAFKA_OFFSET_*, or ms with at_time */
	int at_time, exit_eof;
	long count;
	const char *acks;
} opt = { { NULL }, 0, RD_KAFKA_OFFSET_STORED, 0, 0, 0, NULL };

static int fatal;
static int assigned, at_eof;

/* librdkafka 2.0.2 pauses fetching a partition whose queue was full for up
 * to a second (its issue #2879): when a full queue runs dry, one watermark
 * query to the leader wakes the fetcher (docs/design.md, quake-consume). */
static struct {
	size_t bytes, half;	/* read since the queue was last dry; trigger */
	int32_t partition;	/* of the last record read */
	const char *topic;	/* its topic (one of opt.topics) */
} wake;

static void
wake_fetcher(rd_kafka_t *rk)
{
	int64_t lo, hi;

	(void)rd_kafka_query_watermark_offsets(rk, wake.topic, wake.partition,
	    &lo, &hi, 100);
}

/* --stats: lines out, lines handled, and the lag */
static void
stats_line(rd_kafka_t *rk)
{
	struct tool_counter c[] = {
		{ "out", (long long)lines.written },
		{ "handled", (long long)(lines.next - 1) },
		{ "partitions", assigned },
		{ "lag", kafka_lag(rk) },
	};
	tool_stats_log(c, 4);
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
	(void)opaque;
	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		kafka_start_apply(rk, parts, opt.start, opt.at_time);
		rd_kafka_assign(rk, parts);
		assigned = parts->cnt;
		at_eof = 0;
	} else {
		/* commit what is handled before the partitions go */
		rd_kafka_commit(rk, NULL, 0);
		rd_kafka_assign(rk, NULL);
		assigned = at_eof = 0;
	}
}

/* Store the offsets of the lines acknowledged so far (ackread.h: a
 * thread reads the FIFO); -1 once a status line was bad or out of order. */
static int
read_acks(rd_kafka_t *rk)
{
	offsets_handled(&lines, rk, ackread_upto());
	return ackread_failed() ? -1 : 0;
}

/* m's topic as one of opt.topics (which outlive every record) */
static const char *
topic_of(const rd_kafka_message_t *m)
{
	const char *name = m->rkt != NULL ? rd_kafka_topic_name(m->rkt) : "";

	for (int i = 1; i < opt.ntopics; i++)
		if (strcmp(name, opt.topics[i]) == 0)
			return opt.topics[i];
	return opt.topics[0];
}

static int
handle(rd_kafka_t *rk, rd_kafka_message_t *m)
{
	const char *topic;

	if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
		at_eof++;
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
	topic = topic_of(m);
	if (m->len == 0 || memchr(m->payload, '\n', m->len) != NULL) {
		char p[16], o[24];
		snprintf(p, sizeof p, "%d", (int)m->partition);
		snprintf(o, sizeof o, "%lld", (long long)m->offset);
		quake_log(QUAKE_LOG_WARN, "skipped record: empty or holds a newline",
		    "partition", p, "offset", o, NULL);
		offsets_skipped(&lines, rk, topic, m->partition, m->offset);
		return 0;
	}
	if (tool_out(m->payload, m->len) != 0)
		return -1;
	offsets_written(&lines, topic, m->partition, m->offset);
	wake.bytes += m->len;
	wake.partition = m->partition;
	wake.topic = topic;
	return 0;
}

/* Where to connect, from the flags: the rest of the options are opt's. */
static struct {
	const char *brokers, *group, *file;
	const char *xs[256];
	int nx;
} conn;

/* Flags into opt and conn; returns -1 after the usage (status in *status),
 * 1 after --help, 0 to go on. */
static int
options(int argc, char **argv, int *status)
{
	static const struct option longopts[] = {
		{ "acks", required_argument, NULL, 'a' },
		{ "stats", required_argument, NULL, 256 },
		{ "since", required_argument, NULL, 257 },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	*status = QUAKE_EXIT_USAGE;
	conn.group = getenv("QUAKE_GROUP");
	const char *env_topic = getenv("QUAKE_TOPIC");
	while ((ch = getopt_long(argc, argv, "b:t:g:o:ec:X:F:a:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': conn.brokers = optarg; break;
		case 't':
			if (opt.ntopics == TOPICS_MAX || *optarg == '\0')
				goto usage_exit;
			opt.topics[opt.ntopics++] = optarg;
			break;
		case 'g': conn.group = optarg; break;
		case 'o': case 257:	/* both log what is wrong */
			if ((ch == 'o' ? kafka_start_parse : kafka_start_since)(optarg,
			    &opt.start, &opt.at_time) != 0)
				return -1;
			break;
		case 'e': opt.exit_eof = 1; break;
		case 'c': opt.count = tool_parse_long("-c", optarg, 1, 1L << 62); break;
		case 'X':
			if (conn.nx == (int)(sizeof conn.xs / sizeof conn.xs[0]))
				goto usage_exit;
			conn.xs[conn.nx++] = optarg;
			break;
		case 'F': conn.file = optarg; break;
		case 'a': opt.acks = optarg; break;
		case 'h': fputs(usage_text, stdout); *status = 0; return 1;
		case 'V': tool_version();
		case 256: tool_stats_every(tool_parse_long("--stats", optarg, 1, 86400)); break;
		default: goto usage_exit;
		}
	}
	if (opt.ntopics == 0 && env_topic != NULL && *env_topic != '\0')
		opt.topics[opt.ntopics++] = env_topic;
	if (optind != argc || opt.ntopics == 0) {
		if (opt.ntopics == 0)
			quake_log(QUAKE_LOG_ERROR, "no topic: give -t TOPIC", NULL);
usage_exit:
		fputs(usage_text, stderr);
		return -1;
	}
	return 0;
}

/* The consumer, configured and subscribed (the ack reader started with
 * --acks); NULL with *status set when it cannot be. */
static rd_kafka_t *
consumer_new(int *status)
{
	char errstr[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_t *rk;
	rd_kafka_topic_partition_list_t *subs;

	*status = QUAKE_EXIT_CONFIG;
	if (kafka_consumer_conf(conf, conn.group ? conn.group : "quake-consume",
	    opt.exit_eof) != 0)
		goto fail;
	if (kafka_conf_layer(conf, conn.file, conn.brokers, conn.xs, conn.nx, &fatal) != 0)
		return NULL;
	rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
	wake.half = (size_t)kafka_conf_num(conf, "queued.max.messages.kbytes",
	    0) * 512;
	if (opt.acks != NULL && ackread_start(opt.acks, 1) != 0) {
		*status = QUAKE_EXIT_IOERR;
		goto fail;
	}
	if ((rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr)) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "cannot create consumer", "error", errstr, NULL);
		goto fail;
	}
	rd_kafka_poll_set_consumer(rk);
	subs = rd_kafka_topic_partition_list_new(opt.ntopics);
	for (int i = 0; i < opt.ntopics; i++)
		rd_kafka_topic_partition_list_add(subs, opt.topics[i], RD_KAFKA_PARTITION_UA);
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
run(rd_kafka_t *rk)
{
	int status = QUAKE_EXIT_OK;

	while (!tool_stop && !fatal &&
	    (opt.count == 0 || (long)lines.written < opt.count)) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 0);
		if (tool_stats_due())
			stats_line(rk);
		if (m == NULL) {
			if (wake.half > 0 && wake.bytes >= wake.half) {
				wake_fetcher(rk);
				m = rd_kafka_consumer_poll(rk, 0);
			}
			wake.bytes = 0;
		}
		if (m == NULL) {
			/* idle: flush, count written lines as handled (no
			 * --acks), read acks, then wait a little */
			if (tool_flush() != 0)
				break;
			if (opt.acks == NULL)
				offsets_handled(&lines, rk, lines.written);
			else if (read_acks(rk) != 0)
				return QUAKE_EXIT_SOFTWARE;
			if (opt.exit_eof && assigned > 0 && at_eof >= assigned)
				break;
			m = rd_kafka_consumer_poll(rk, 100);
			if (m == NULL)
				continue;
		}
		int rc = handle(rk, m);
		rd_kafka_message_destroy(m);
		/* a long backlog without --acks: hand off in steps, so the
		 * ring of unhandled lines stays small */
		if (rc == 0 && opt.acks == NULL && lines.unhandled.count >= 4096) {
			if (tool_flush() != 0)
				rc = -1;
			else
				offsets_handled(&lines, rk, lines.written);
		}
		/* busy: store what was acknowledged every 64 lines */
		if (rc == 0 && opt.acks != NULL && (lines.written & 63) == 0 &&
		    read_acks(rk) != 0)
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
	int status;
	rd_kafka_t *rk;

	tool_init("quake-consume");
	if (options(argc, argv, &status) != 0)
		return status;
	offsets_init(&lines);
	if ((rk = consumer_new(&status)) == NULL)
		return status;
	status = run(rk);

	/* exit: flush, wait (bounded) for acks of what was written; the
	 * whole of it, the group leave and final commit included, gets
	 * CLOSE_TIMEOUT seconds: a broker that goes away mid-close must not
	 * keep a stopping service alive */
	signal(SIGALRM, close_timeout);
	alarm(CLOSE_TIMEOUT);
	if (tool_flush() == 0) {
		if (opt.acks == NULL)
			offsets_handled(&lines, rk, lines.written);
		else
			for (int i = 0; i < 50 && lines.unhandled.count > 0; i++) {
				if (read_acks(rk) != 0)
					break;
				if (lines.unhandled.count > 0)
					poll(NULL, 0, 100);
			}
	}
	if (tool_out_failed() == TOOL_OUT_ERROR && status == 0)
		status = QUAKE_EXIT_IOERR;
	if (fatal && status == 0)
		status = QUAKE_EXIT_UNAVAILABLE;
	rd_kafka_consumer_close(rk);	/* commits stored offsets */
	rd_kafka_destroy(rk);
	offsets_free(&lines);
	return status;
}
