/* emsc-tail — EMSC earthquake frames in, normalized NDJSON event lines out.
 * --replay reads recorded frames from a file; the live feed follows issue 3. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "ndjson.h"
#include "tool.h"

static const char usage_text[] =
"usage: emsc-tail --replay FILE [--raw] [--count N] [--dead-letter FILE]\n"
"  -r, --replay FILE       read frames from FILE ('-' for stdin), not the network\n"
"  -R, --raw               print frames untouched, one line each\n"
"  -c, --count N           exit after N events\n"
"  -d, --dead-letter FILE  append rejected frames to FILE\n"
"  -h, --help              this help\n"
"  -V, --version           print the version\n";

static struct {
	const char *replay;
	const char *dead_letter;
	int raw;
	long count;
} opt;

static struct {
	unsigned long in, out, rejected;
} stats;

static void
usage(int status)
{
	fputs(usage_text, status == 0 ? stdout : stderr);
	exit(status);
}

struct doc_ctx {
	const char *buf;	/* the document, for the dead-letter file */
	size_t len;
	unsigned long lineno;
	int stop;
};

/* One event of a document: print it, or report it rejected. */
static int
on_event(void *arg, size_t index, enum quake_err err,
    const struct quake_event *ev, const struct quake_fail *f, const char *raw)
{
	struct doc_ctx *d = arg;
	char line[QUAKE_EVENT_LINE_MAX + 1];
	struct quake_fail ff;
	size_t n;

	stats.in++;
	if (err != QUAKE_OK) {
		stats.rejected++;
		if (raw != NULL) {
			ff = *f;
			snprintf(ff.field, sizeof ff.field, "features[%zu].%.30s",
			    index, f->field);
			tool_reject(d->lineno, &ff, raw, strlen(raw));
		} else
			tool_reject(d->lineno, f, d->buf, d->len);
		return 0;
	}
	if ((n = quake_event_format(ev, line, sizeof line)) == 0) {
		quake_err_fail(&ff, "", "cannot format event");
		stats.rejected++;
		tool_reject(d->lineno, &ff, d->buf, d->len);
		return 0;
	}
	stats.out++;
	if (tool_out(line, n) != 0 ||
	    (opt.count > 0 && (long)stats.out >= opt.count))
		d->stop = 1;
	return d->stop;
}

/* Normalize one document (frame, Feature or FeatureCollection) and print
 * its events. 0 to go on, -1 to stop (stdout gone or --count reached). */
static int
handle_doc(char *buf, size_t len, unsigned long lineno)
{
	struct doc_ctx d = { buf, len, lineno, 0 };
	struct quake_fail f;

	if (opt.raw) {
		stats.in++;
		stats.out++;
		return tool_out(buf, quake_ndjson_compact(buf, len));
	}
	if (quake_event_parse_doc(buf, len, on_event, &d, NULL, &f) != QUAKE_OK) {
		stats.in++;
		stats.rejected++;
		tool_reject(lineno, &f, buf, len);
	}
	return d.stop ? -1 : 0;
}

static int
replay(const char *path)
{
	struct quake_ndjson *r = NULL;
	struct quake_line doc;
	struct quake_fail f;
	enum quake_err err = QUAKE_OK;
	int fd = 0, status = QUAKE_EXIT_OK;

	if (strcmp(path, "-") != 0 && (fd = open(path, O_RDONLY)) < 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot open replay file", "path",
		    path, "error", strerror(errno), NULL);
		return QUAKE_EXIT_IOERR;
	}
	if (quake_ndjson_open(fd, 0, &r) != QUAKE_OK) {
		status = QUAKE_EXIT_SOFTWARE;
		goto out;
	}
	quake_ndjson_set_wait_hook(r, tool_flush_hook, NULL);
	while (!tool_stop && (opt.count == 0 || (long)stats.out < opt.count)) {
		err = quake_ndjson_next_doc(r, &doc);
		if (err == QUAKE_EOF)
			break;
		if (err == QUAKE_ETOOLONG) {
			quake_err_fail(&f, "", "frame longer than %d bytes",
			    QUAKE_NDJSON_MAX_LINE);
			stats.in++;
			stats.rejected++;
			tool_reject(doc.lineno, &f, NULL, 0);
			continue;
		}
		if (err != QUAKE_OK) {
			quake_log(QUAKE_LOG_ERROR, "cannot read replay file",
			    "path", path, "error", strerror(errno), NULL);
			status = QUAKE_EXIT_IOERR;
			break;
		}
		if (handle_doc((char *)doc.buf, doc.len, doc.lineno) != 0)
			break;
	}
out:
	quake_ndjson_close(r);
	if (fd > 0)
		close(fd);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "replay", required_argument, NULL, 'r' },
		{ "raw", no_argument, NULL, 'R' },
		{ "count", required_argument, NULL, 'c' },
		{ "dead-letter", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, status;

	tool_init("emsc-tail");
	while ((ch = getopt_long(argc, argv, "r:Rc:d:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': opt.replay = optarg; break;
		case 'R': opt.raw = 1; break;
		case 'c': opt.count = tool_parse_long("--count", optarg, 1, 1L << 62); break;
		case 'd': opt.dead_letter = optarg; break;
		case 'h': usage(0); break;
		case 'V': tool_version(); break;
		default: usage(QUAKE_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(QUAKE_EXIT_USAGE);
	if (opt.replay == NULL) {
		quake_log(QUAKE_LOG_ERROR, "the live feed is not built yet; use --replay FILE", NULL);
		return QUAKE_EXIT_UNAVAILABLE;
	}
	if (opt.dead_letter != NULL && tool_dead_letter_open(opt.dead_letter) != 0)
		return QUAKE_EXIT_IOERR;
	status = replay(opt.replay);
	if (tool_flush() != 0 && tool_out_failed() == 2 && status == 0)
		status = QUAKE_EXIT_IOERR;
	if (tool_out_failed() == 2 && status == 0)
		status = QUAKE_EXIT_IOERR;
	tool_dead_letter_close();
	if (status == 0 && stats.rejected > 0)
		status = QUAKE_EXIT_DATAERR;
	return status;
}
