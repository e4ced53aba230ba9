/* quakeml — events as QuakeML 1.2 BED (what FDSN event services answer with
 * format=xml and ObsPy's read_events parses): one event, its one origin and
 * its one magnitude. Written into the caller's buffer; no allocation. */
#ifndef QUAKE_QUAKEML_H
#define QUAKE_QUAKEML_H

#include <stddef.h>

#include "lines/event.h"

/* Bytes that always suffice for one quake_quakeml_event. */
#define QUAKE_QUAKEML_EVENT_MAX 8192

/* The document's opening (XML declaration, q:quakeml, eventParameters)
 * into out[cap] (caller-owned, NUL-terminated). Returns the length, 0 if
 * it does not fit. */
size_t quake_quakeml_head(char *out, size_t cap);

/* One <event> for *ev (borrowed) into out[cap]; same returns. */
size_t quake_quakeml_event(const struct quake_event *ev, char *out, size_t cap);

/* The closing tags into out[cap]; same returns. */
size_t quake_quakeml_tail(char *out, size_t cap);

#endif
