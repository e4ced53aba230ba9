/* fdsntext — events in the FDSN event text format (format=text): a header
 * line starting with '#', then one '|'-separated line per event. */
#ifndef QUAKE_FDSNTEXT_H
#define QUAKE_FDSNTEXT_H

#include <stddef.h>

#include "lines/event.h"

/* Bytes that always suffice for one quake_fdsntext_event. */
#define QUAKE_FDSNTEXT_EVENT_MAX 1024

/* The header line with its newline into out[cap] (caller-owned,
 * NUL-terminated). Returns the length, 0 if it does not fit. */
size_t quake_fdsntext_head(char *out, size_t cap);

/* One event line with its newline for *ev (borrowed); same returns. A '|'
 * inside a text field is written as a space. */
size_t quake_fdsntext_event(const struct quake_event *ev, char *out, size_t cap);

#endif
