/* options — quake-consume's flags, as kcat spells them, and its usage. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/kafka.h"
#include "common/tool.h"
#include "consume.h"

static const char usage_text[] =
"usage: quake-consume -t TOPIC... [-g GROUP] [-b BROKERS] [-o OFFSET | --since DUR]\n"
"                     [-e] [-c N] [-X KEY=VALUE]... [-F FILE] [--acks FIFO]\n"
"                     [--stats SECONDS] [--positions]\n"
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
"  -P, --positions   each line begins @TOPIC:PARTITION:OFFSET and a space (for quake-map)\n"
"  -h, --help        this help\n"
"  -V, --version     print the version\n";

/* Flags into opt and conn; returns -1 after the usage (status in *status),
 * 1 after --help, 0 to go on. */
int
options(struct consume *c, int argc, char **argv, int *status)
{
	static const struct option longopts[] = {
		{ "acks", required_argument, NULL, 'a' },
		{ "stats", required_argument, NULL, 256 },
		{ "since", required_argument, NULL, 257 },
		{ "positions", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	*status = QUAKE_EXIT_USAGE;
	c->conn.group = getenv("QUAKE_GROUP");
	const char *env_topic = getenv("QUAKE_TOPIC");
	while ((ch = getopt_long(argc, argv, "b:t:g:o:ec:X:F:a:PhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': c->conn.brokers = optarg; break;
		case 't':
			if (c->opt.ntopics == TOPICS_MAX || *optarg == '\0')
				goto usage_exit;
			c->opt.topics[c->opt.ntopics++] = optarg;
			break;
		case 'g': c->conn.group = optarg; break;
		case 'o': case 257:	/* both log what is wrong */
			if ((ch == 'o' ? kafka_start_parse : kafka_start_since)(optarg,
			    &c->opt.start, &c->opt.at_time) != 0)
				return -1;
			break;
		case 'e': c->opt.exit_eof = 1; break;
		case 'c': c->opt.count = tool_parse_long("-c", optarg, 1, 1L << 62); break;
		case 'X':
			if (c->conn.nx == (int)(sizeof c->conn.xs / sizeof c->conn.xs[0]))
				goto usage_exit;
			c->conn.xs[c->conn.nx++] = optarg;
			break;
		case 'F': c->conn.file = optarg; break;
		case 'a': c->opt.acks = optarg; break;
		case 'P': c->opt.positions = 1; break;
		case 'h': fputs(usage_text, stdout); *status = 0; return 1;
		case 'V': tool_version();
		case 256: tool_stats_every(tool_parse_long("--stats", optarg, 1, 86400)); break;
		default: goto usage_exit;
		}
	}
	if (c->opt.ntopics == 0 && env_topic != NULL && *env_topic != '\0')
		c->opt.topics[c->opt.ntopics++] = env_topic;
	if (optind != argc || c->opt.ntopics == 0) {
		if (c->opt.ntopics == 0)
			quake_log(QUAKE_LOG_ERROR, "no topic: give -t TOPIC", NULL);
usage_exit:
		fputs(usage_text, stderr);
		return -1;
	}
	return 0;
}

