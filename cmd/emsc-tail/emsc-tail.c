/* emsc-tail — EMSC earthquake frames in, normalized NDJSON event lines out.
 * Live: the EMSC WebSocket, redialled with backoff whenever it drops, and
 * after every (re)connect a back-fill through the FDSN event service from
 * the checkpoint, so that nothing sent while disconnected is missed; each
 * (id, lastupdate) is printed once. --replay reads recorded frames. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "doc.h"
#include "emsc.h"
#include "live.h"
#include "core/ndjson.h"
#include "core/time.h"
#include "common/tool.h"

#define EMSC_URL "wss://www.seismicportal.eu/standing_order/websocket"
#define FDSN_URL "https://www.seismicportal.eu/fdsnws/event/1/query"

static const char usage_text[] =
"usage: emsc-tail [--url URL] [--fdsn-url URL] [--state FILE] [--acks FIFO]\n"
"                 [--since DURATION|TIME] [--margin DURATION] [--idle SECONDS]\n"
"                 [--page-size N] [--cacert FILE] [--raw] [--count N]\n"
"                 [--dead-letter FILE] [--stats SECONDS]\n"
"       emsc-tail --replay FILE [--raw] [--count N] [--dead-letter FILE]\n"
"  -u, --url URL           WebSocket feed (default " EMSC_URL ")\n"
"  -f, --fdsn-url URL      FDSN event service for back-fill (default\n"
"                          " FDSN_URL ")\n"
"  -s, --state FILE        keep the newest handled lastupdate in FILE\n"
"  -a, --acks FIFO         advance the checkpoint on status lines read from FIFO\n"
"  -S, --since WHEN        back-fill from WHEN on a first start (\"6h\", a time)\n"
"  -m, --margin DURATION   back-fill this far before the checkpoint (default 10m)\n"
"  -i, --idle SECONDS      redial after this long without traffic or pong (default 45)\n"
"  -P, --page-size N       FDSN events per page (default 200)\n"
"      --cacert FILE       trust the CAs in FILE instead of the system store\n"
"      --stats S           log a counters line every S seconds\n"
"  -r, --replay FILE       read frames from FILE ('-' for stdin), not the network\n"
"  -R, --raw               print frames untouched, one line each\n"
"  -c, --count N           exit after N events\n"
"  -d, --dead-letter FILE  append rejected frames to FILE\n"
"  -h, --help              this help\n"
"  -V, --version           print the version\n";

static void
usage(int status)
{
	fputs(usage_text, status == 0 ? stdout : stderr);
	exit(status);
}

static int
replay(struct emsc *e, const char *path)
{
	struct quake_ndjson *r = NULL;
	struct quake_line doc;
	struct quake_fail f;
	enum quake_err err = QUAKE_OK;
	int fd = 0, status = QUAKE_EXIT_OK, flags = -1;

	if (strcmp(path, "-") == 0) {
		/* non-blocking, so SIGTERM is seen while stdin is idle; the flag
		 * is shared with whoever gave us stdin: put back at the end */
		flags = fcntl(0, F_GETFL);
		fcntl(0, F_SETFL, flags | O_NONBLOCK);
	} else if ((fd = open(path, O_RDONLY)) < 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot open replay file", "path",
		    path, "error", strerror(errno), NULL);
		return QUAKE_EXIT_IOERR;
	}
	if (quake_ndjson_open(fd, 0, &r) != QUAKE_OK) {
		status = QUAKE_EXIT_SOFTWARE;
		goto out;
	}
	quake_ndjson_set_wait_hook(r, tool_flush_hook, NULL);
	while (!tool_stop && (e->opt.count == 0 || (long)e->stats.out < e->opt.count)) {
		err = quake_ndjson_next_doc(r, &doc);
		if (err == QUAKE_EOF)
			break;
		if (err == QUAKE_EAGAIN) {
			struct pollfd p = { fd, POLLIN, 0 };
			poll(&p, 1, 100);	/* tool_stop seen within 100 ms */
			continue;
		}
		if (err == QUAKE_ETOOLONG) {
			quake_err_fail(&f, "", "frame longer than %d bytes",
			    QUAKE_NDJSON_MAX_LINE);
			e->stats.in++;
			e->stats.rejected++;
			tool_reject(doc.lineno, &f, NULL, 0);
			continue;
		}
		if (err != QUAKE_OK) {
			quake_log(QUAKE_LOG_ERROR, "cannot read replay file",
			    "path", path, "error", strerror(errno), NULL);
			status = QUAKE_EXIT_IOERR;
			break;
		}
		if (doc_handle(e, (char *)doc.buf, doc.len, doc.lineno) != 0)
			break;
	}
out:
	quake_ndjson_close(r);
	if (flags != -1)
		fcntl(0, F_SETFL, flags);
	if (fd > 0)
		close(fd);
	return status;
}


int
main(int argc, char **argv)
{
	enum { O_CACERT = 256, O_STATS };
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "fdsn-url", required_argument, NULL, 'f' },
		{ "state", required_argument, NULL, 's' },
		{ "acks", required_argument, NULL, 'a' },
		{ "since", required_argument, NULL, 'S' },
		{ "margin", required_argument, NULL, 'm' },
		{ "idle", required_argument, NULL, 'i' },
		{ "page-size", required_argument, NULL, 'P' },
		{ "cacert", required_argument, NULL, O_CACERT },
		{ "stats", required_argument, NULL, O_STATS },
		{ "replay", required_argument, NULL, 'r' },
		{ "raw", no_argument, NULL, 'R' },
		{ "count", required_argument, NULL, 'c' },
		{ "dead-letter", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct emsc e = { 0 };
	struct emsc_opt *o = &e.opt;
	int ch, status;
	struct quake_fail f;

	tool_init("emsc-tail");
	o->url = EMSC_URL;
	o->fdsn_url = FDSN_URL;
	o->margin = 600 * 1000000LL;
	o->idle = 45;
	o->page = 200;
	while ((ch = getopt_long(argc, argv, "u:f:s:a:S:m:i:P:r:Rc:d:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u': o->url = optarg; break;
		case 'f': o->fdsn_url = optarg; break;
		case 's': o->state = optarg; break;
		case 'a': o->acks = optarg; break;
		case 'S': o->since = optarg; break;
		case 'm':
			if (quake_time_parse_duration(optarg, &o->margin, &f) != QUAKE_OK) {
				quake_log(QUAKE_LOG_ERROR, "--margin is not a duration",
				    "margin", optarg, NULL);
				usage(QUAKE_EXIT_USAGE);
			}
			break;
		case 'i': o->idle = tool_parse_long("--idle", optarg, 3, 3600); break;
		case 'P': o->page = tool_parse_long("--page-size", optarg, 1, 20000); break;
		case O_CACERT: o->cacert = optarg; break;
		case O_STATS: tool_stats_every(tool_parse_long("--stats", optarg, 1, 86400)); break;
		case 'r': o->replay = optarg; break;
		case 'R': o->raw = 1; break;
		case 'c': o->count = tool_parse_long("--count", optarg, 1, 1L << 62); break;
		case 'd': o->dead_letter = optarg; break;
		case 'h': usage(0); break;
		case 'V': tool_version(); break;
		default: usage(QUAKE_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(QUAKE_EXIT_USAGE);
	if (o->dead_letter != NULL && tool_dead_letter_open(o->dead_letter) != 0)
		return QUAKE_EXIT_IOERR;
	status = o->replay != NULL ? replay(&e, o->replay) : live_run(&e);
	checkpoint_free(&e);
	quake_seen_free(e.seen);
	status = tool_out_close(status);
	if (tool_out_failed() == TOOL_OUT_ERROR && status == 0)
		status = QUAKE_EXIT_IOERR;
	tool_dead_letter_close();
	if (status == 0 && e.stats.rejected > 0 && o->replay != NULL)
		status = QUAKE_EXIT_DATAERR;
	return status;
}
