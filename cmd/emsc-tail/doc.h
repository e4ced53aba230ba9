/* doc — one EMSC document (a WebSocket frame, a Feature or an FDSN page's
 * FeatureCollection) normalized into event lines on stdout: shared by the
 * replay in emsc-tail.c and the live feed with its back-fills in live.c. */
#ifndef QUAKE_DOC_H
#define QUAKE_DOC_H

#include <stddef.h>

#include "emsc.h"
#include "lines/event.h"

/* One document being handled: its text (borrowed) for the dead-letter
 * file; stop is set once stdout is gone or --count is reached. */
struct doc_ctx {
	struct emsc *e;
	const char *buf;
	size_t len;
	unsigned long lineno;
	int stop;
};

/* One event of a document (a quake_event_fn, arg a struct doc_ctx): print
 * it, or report it rejected; non-zero once the document should stop. */
int doc_on_event(void *arg, size_t index, enum quake_err err,
    const struct quake_event *ev, const struct quake_fail *f, const char *raw);

/* Normalize one document (buf borrowed, changed in place with --raw) and
 * print its events. 0 to go on, -1 to stop (stdout gone or --count). */
int doc_handle(struct emsc *e, char *buf, size_t len, unsigned long lineno);

#endif
