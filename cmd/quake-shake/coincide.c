/* coincide — one loop: each onset line to quake_coinc_add, a detection
 * line for each group it completes. Lines of other kinds are rejected
 * (one stderr line, the dead-letter file), the rest go on. */
#include <stdio.h>

#include "core/ndjson.h"
#include "coincide.h"
#include "common/tool.h"
#include "lines/trigger.h"

static struct {
	long long in, onsets, triggers, rejected, detections;
} count;

static void
stats(void)
{
	struct tool_counter c[] = { { "in", count.in }, { "onsets", count.onsets },
	    { "triggers", count.triggers }, { "rejected", count.rejected },
	    { "detections", count.detections } };

	tool_stats_log(c, 5);
}

/* one onset: 0, or -1 when out of memory */
static int
take_onset(struct quake_coinc *c, const struct quake_trigger *t)
{
	struct quake_onset o = { .device = t->device, .time = t->on,
	    .lat = t->lat, .lon = t->lon, .peak = t->peak };
	struct quake_detection d;
	const char *members[1];
	char line[QUAKE_DETECTION_FORMAT_MAX];
	size_t n;
	int r;

	count.onsets++;
	if ((r = quake_coinc_add(c, &o, &d, members, 0)) < 0)
		return -1;
	if (r > 0 && (n = quake_detection_format(&d, line, sizeof line)) > 0 &&
	    tool_out(line, n) == 0)
		count.detections++;
	return 0;
}

int
coincide_run(const struct quake_coinc_conf *conf)
{
	struct quake_ndjson *r = NULL;
	struct quake_coinc *c = NULL;
	struct quake_line l;
	int status = 0, bad = 0;

	if (quake_ndjson_open(0, 1 << 20, &r) != QUAKE_OK ||
	    quake_coinc_new(conf, &c) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "cannot start", "error",
		    "out of memory or a bad coincidence setting", NULL);
		status = QUAKE_EXIT_SOFTWARE;
		goto done;
	}
	quake_ndjson_set_wait_hook(r, tool_flush_hook, NULL);
	while (!tool_stop && tool_out_failed() == TOOL_OUT_OK) {
		struct quake_fail f = { "", "" };
		struct quake_trigger t;
		enum quake_trigger_kind kind;
		enum quake_err err;
		if ((err = tool_next_line(r, &l, &f, &status)) == QUAKE_EOF)
			break;
		count.in++;
		if (tool_stats_due())
			stats();
		if (err == QUAKE_OK)
			err = quake_trigger_parse(l.buf, l.len, &t, &kind, &f);
		if (err == QUAKE_OK && kind == QUAKE_TRIGGER_KIND_TRIGGER)
			count.triggers++;
		else if (err == QUAKE_OK && take_onset(c, &t) < 0) {
			quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
			status = QUAKE_EXIT_SOFTWARE;
			break;
		}
		if (err != QUAKE_OK) {
			count.rejected++;
			bad = 1;
			tool_reject(l.lineno, &f, l.buf, l.buf ? l.len : 0);
		}
	}
	if (tool_flush() != 0 && tool_out_failed() == TOOL_OUT_ERROR && status == 0)
		status = QUAKE_EXIT_IOERR;
	if (status == 0 && bad)
		status = QUAKE_EXIT_DATAERR;
done:
	quake_coinc_free(c);
	quake_ndjson_close(r);
	return status;
}
