/* options — quake-map's flags, in the long form with short aliases, and
 * its usage. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/tool.h"
#include "core/time.h"
#include "options.h"

static const char usage_text[] =
"usage: quake-map [--listen [HOST:]PORT] [--assets DIR] [--window DURATION]\n"
"                 [--max-events N] [--client-queue N] [--cert FILE --key FILE]\n"
"                 [--dead-letter FILE] [--archive TABLE [-r REGION] [-e URL]\n"
"                 [--profile NAME] [--imds-v1] [--archive-timeout S]]\n"
"                 [--tiles URL-TEMPLATE [--tiles-attribution TEXT]] [--places FILE]\n"
"  -l, --listen ADDR     listen address (default 127.0.0.1:8080)\n"
"  -A, --assets DIR      the page's files (default " QUAKE_ASSETS_DIR ")\n"
"  -w, --window DUR      keep events this far back in event time (default 30d; 0: all)\n"
"  -m, --max-events N    events held at most (default 200000; oldest time goes first)\n"
"  -q, --client-queue N  revisions a stuck stream client may lag before it is closed\n"
"                        (default 10000)\n"
"      --cert FILE       TLS certificate (PEM); with --key\n"
"      --key FILE        TLS private key (PEM)\n"
"  -d, --dead-letter F   append rejected lines to F\n"
"      --archive TABLE   answer FDSN queries before the window from this DynamoDB\n"
"                        table too (env QUAKE_ARCHIVE_TABLE)\n"
"  -r, --region REGION   its AWS region (as quake-ddb-put finds it)\n"
"  -e, --endpoint-url URL  its endpoint (env AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL)\n"
"      --profile NAME    shared config profile (env AWS_PROFILE)\n"
"      --imds-v1         allow instance metadata without an IMDSv2 token\n"
"      --archive-timeout S  seconds a table read may take before 503 (default 20)\n"
"      --tiles URL       basemap tiles from URL's {z}/{x}/{y} (env QUAKE_MAP_TILES)\n"
"      --tiles-attribution TEXT  its attribution (env QUAKE_MAP_TILES_ATTRIBUTION)\n"
"      --places FILE     gazetteer (default ASSETS/../places.tsv; '': none)\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n";

static const struct option longopts[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "assets", required_argument, NULL, 'A' },
	{ "window", required_argument, NULL, 'w' },
	{ "max-events", required_argument, NULL, 'm' },
	{ "client-queue", required_argument, NULL, 'q' },
	{ "cert", required_argument, NULL, 'C' },
	{ "key", required_argument, NULL, 'K' },
	{ "dead-letter", required_argument, NULL, 'd' },
	{ "archive", required_argument, NULL, 256 },
	{ "region", required_argument, NULL, 'r' },
	{ "endpoint-url", required_argument, NULL, 'e' },
	{ "profile", required_argument, NULL, 257 },
	{ "imds-v1", no_argument, NULL, 258 },
	{ "archive-timeout", required_argument, NULL, 259 },
	{ "tiles", required_argument, NULL, 260 },
	{ "tiles-attribution", required_argument, NULL, 261 },
	{ "places", required_argument, NULL, 262 },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int
map_usage(const char *why)
{
	if (why != NULL)
		quake_log(QUAKE_LOG_ERROR, "usage", "reason", why, NULL);
	fputs(usage_text, stderr);
	return QUAKE_EXIT_USAGE;
}

int
map_options(struct map_opts *o, int argc, char **argv)
{
	struct quake_fail f = { "", "" };
	int ch;

	*o = (struct map_opts){ .listen = "127.0.0.1:8080", .assets = QUAKE_ASSETS_DIR,
	    .window = 30LL * 86400 * 1000000, .max = 200000, .queue = 10000,
	    .ao = { .table = getenv("QUAKE_ARCHIVE_TABLE"), .concurrency = 16,
	    .timeout = 20 * 1000000LL } };
	if ((o->ao.endpoint = getenv("AWS_ENDPOINT_URL_DYNAMODB")) == NULL)
		o->ao.endpoint = getenv("AWS_ENDPOINT_URL");
	while ((ch = getopt_long(argc, argv, "l:A:w:m:q:d:r:e:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': o->listen = optarg; break;
		case 'A': o->assets = optarg; break;
		case 'w':
			if (quake_time_parse_duration(optarg, &o->window, &f) != QUAKE_OK)
				return map_usage("--window: not a duration (e.g. 30d, 36h)");
			break;
		case 'm': o->max = tool_parse_long("--max-events", optarg, 1, 100000000); break;
		case 'q': o->queue = tool_parse_long("--client-queue", optarg, 1, 1L << 40); break;
		case 'C': o->cert = optarg; break;
		case 'K': o->key = optarg; break;
		case 'd': o->dead = optarg; break;
		case 256: o->ao.table = optarg; break;
		case 'r': o->ao.region = optarg; break;
		case 'e': o->ao.endpoint = optarg; break;
		case 257: o->ao.profile = optarg; break;
		case 258: o->ao.imds_v1 = 1; break;
		case 259: o->ao.timeout = tool_parse_long("--archive-timeout", optarg, 1, 3600) * 1000000LL; break;
		case 260: o->tiles = optarg; break;
		case 261: o->tiles_attr = optarg; break;
		case 262: o->places = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': tool_version();
		default: return map_usage(NULL);
		}
	}
	if (optind != argc)
		return map_usage("no operands are taken: event lines come on stdin");
	if ((o->cert == NULL) != (o->key == NULL))
		return map_usage("--cert and --key go together");
	if (o->ao.table != NULL && *o->ao.table == '\0')
		o->ao.table = NULL;
	if (o->ao.table != NULL && o->window == 0)
		return map_usage("--archive needs a --window: everything is held with 0");
	return -1;
}
