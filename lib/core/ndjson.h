/* ndjson — buffered input from a file descriptor, as lines (NDJSON) or as
 * JSON documents one after another (recorded frames, pretty-printed over many
 * lines). Line numbers count from 1; a line or document longer than the cap
 * is skipped without being held in memory and reported as QUAKE_ETOOLONG. */
#ifndef QUAKE_NDJSON_H
#define QUAKE_NDJSON_H

#include <stddef.h>

#include "core/err.h"

#define QUAKE_NDJSON_MAX_LINE (1024 * 1024)

struct quake_ndjson;

/* One record. buf is borrowed: valid until the next call on the reader;
 * with a wait hook set, until the hook is next called. */
struct quake_line {
	const char *buf;
	size_t len;		/* without "\n" or "\r\n" */
	unsigned long lineno;	/* line the record starts on */
};

/* Open a reader on fd (borrowed: not closed by the reader). max is the cap
 * in bytes (0 = QUAKE_NDJSON_MAX_LINE). *out is owned by the caller: free
 * with quake_ndjson_close. */
enum quake_err quake_ndjson_open(int fd, size_t max, struct quake_ndjson **out);

/* Called (if set) before every read(2) that may wait, and before the bytes
 * of records already handed out move: the place to flush output (no line
 * sits in a buffer while the tool waits for input) and to finish with those
 * records (until then they stay where they are). */
void quake_ndjson_set_wait_hook(struct quake_ndjson *r, void (*fn)(void *),
    void *arg);

/* Next line into *line. QUAKE_OK; QUAKE_ETOOLONG (line->lineno set, buf
 * NULL); QUAKE_EOF; QUAKE_EAGAIN on a non-blocking fd with no full line;
 * QUAKE_EIO (errno kept). A last line without newline is returned. */
enum quake_err quake_ndjson_next(struct quake_ndjson *r,
    struct quake_line *line);

/* Next JSON document (an object or array, any layout) into *doc. Text
 * outside documents is returned up to the end of its line, for the caller
 * to reject. A document ends at its closing bracket, at a raw newline inside
 * a string, or before a line that starts with '{' (so one truncated document
 * never swallows the next). Same returns as quake_ndjson_next. */
enum quake_err quake_ndjson_next_doc(struct quake_ndjson *r,
    struct quake_line *doc);

/* Remove white space outside JSON strings from buf[0..len) in place (a
 * pretty-printed document becomes one line); returns the new length. */
size_t quake_ndjson_compact(char *buf, size_t len);

/* The cap r was opened with, in bytes (for messages that name it). */
size_t quake_ndjson_max(const struct quake_ndjson *r);

/* Free r (may be NULL). */
void quake_ndjson_close(struct quake_ndjson *r);

#endif
