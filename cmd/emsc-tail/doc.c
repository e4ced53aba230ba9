/* doc — a document's events to stdout: each revision printed once (the
 * seen set), rejected ones to the dead-letter file, the checkpoint told. */
#include <stdio.h>
#include <string.h>

#include "checkpoint.h"
#include "doc.h"
#include "core/ndjson.h"
#include "common/tool.h"

int
doc_on_event(void *arg, size_t index, enum quake_err err,
    const struct quake_event *ev, const struct quake_fail *f, const char *raw)
{
	struct doc_ctx *d = arg;
	struct emsc *e = d->e;
	char line[QUAKE_EVENT_LINE_MAX + 1];
	struct quake_fail ff;
	size_t n;

	e->stats.in++;
	if (err != QUAKE_OK) {
		e->stats.rejected++;
		if (raw != NULL) {
			ff = *f;
			snprintf(ff.field, sizeof ff.field, "features[%zu].%.30s",
			    index, f->field);
			tool_reject(d->lineno, &ff, raw, strlen(raw));
		} else
			tool_reject(d->lineno, f, d->buf, d->len);
		return 0;
	}
	if (e->seen != NULL && quake_seen_add(e->seen, ev->id, ev->lastupdate)) {
		e->stats.dups++;
		return 0;
	}
	if ((n = quake_event_format(ev, line, sizeof line)) == 0) {
		quake_err_fail(&ff, "", "cannot format event");
		e->stats.rejected++;
		tool_reject(d->lineno, &ff, d->buf, d->len);
		return 0;
	}
	e->stats.out++;
	if (e->opt.replay == NULL)
		checkpoint_printed(e, ev->lastupdate);
	if (tool_out(line, n) != 0 ||
	    (e->opt.count > 0 && (long)e->stats.out >= e->opt.count))
		d->stop = 1;
	return d->stop;
}

int
doc_handle(struct emsc *e, char *buf, size_t len, unsigned long lineno)
{
	struct doc_ctx d = { e, buf, len, lineno, 0 };
	struct quake_fail f;

	if (e->opt.raw) {
		e->stats.in++;
		e->stats.out++;
		return tool_out(buf, quake_ndjson_compact(buf, len));
	}
	if (quake_event_parse_doc(buf, len, doc_on_event, &d, NULL, &f) != QUAKE_OK) {
		e->stats.in++;
		e->stats.rejected++;
		tool_reject(lineno, &f, buf, len);
	}
	return d.stop ? -1 : 0;
}
