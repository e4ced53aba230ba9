/* ack — the status line a downstream tool writes once per input line, in
 * input order, when that line is finally handled (docs/design.md):
 * {"id":"…","status":"stored|stale|produced|rejected|alerted|skipped|
 *  undelivered","line":N[,"error":"…"]}. quake-alert writes the last three:
 * every delivery done / nothing to send / given up and dead-lettered. */
#ifndef QUAKE_ACK_H
#define QUAKE_ACK_H

#include <stddef.h>

#include "core/err.h"

enum quake_ack_status {
	QUAKE_ACK_STORED, QUAKE_ACK_STALE, QUAKE_ACK_PRODUCED, QUAKE_ACK_REJECTED,
	QUAKE_ACK_ALERTED, QUAKE_ACK_SKIPPED, QUAKE_ACK_UNDELIVERED
};

struct quake_ack {
	char id[64];		/* may be "" for a line that had no id */
	enum quake_ack_status status;
	unsigned long line;
	char error[192];	/* "" unless rejected */
};

#define QUAKE_ACK_LINE_MAX 1600

/* Write a's status line (no newline, NUL-terminated) into out of cap bytes
 * (QUAKE_ACK_LINE_MAX suffices). Returns the length, 0 if it does not fit. */
size_t quake_ack_format(const struct quake_ack *a, char *out, size_t cap);

/* Parse a status line from buf[0..len) into *a (caller-owned). */
enum quake_err quake_ack_parse(const char *buf, size_t len,
    struct quake_ack *a, struct quake_fail *f);

const char *quake_ack_status_str(enum quake_ack_status s);

#endif
