/* tool — what every quake binary does the same way: buffered stdout that is
 * flushed before waiting for input, quiet stop on EPIPE, rejected records
 * (one stderr line + dead-letter file), status lines, signals. */
#ifndef QUAKE_TOOL_H
#define QUAKE_TOOL_H

#include <signal.h>
#include <stddef.h>

#include "qerr.h"
#include "log.h"

extern volatile sig_atomic_t tool_stop;	/* set by SIGINT/SIGTERM */

/* First thing in main: a closed fd 0 or 2 is reopened on /dev/null, a
 * closed stdout exits 74 with one line; log setup from QUAKE_LOG_LEVEL;
 * stdout fully buffered; SIGPIPE ignored; SIGINT/SIGTERM set tool_stop
 * (without SA_RESTART). */
void tool_init(const char *prog);

/* Write one record plus "\n" to stdout. 0 ok; -1 when stdout is gone
 * (EPIPE: a quiet stop) or failed (logged once). */
int tool_out(const char *buf, size_t len);

/* Flush stdout; same returns. Suits quake_ndjson_set_wait_hook. */
int tool_flush(void);
void tool_flush_hook(void *unused);

/* Non-zero once stdout failed; 1 for EPIPE, 2 for another error. */
int tool_out_failed(void);

/* Open path for appending rejected records; 0 or -1 (logged). */
int tool_dead_letter_open(const char *path);
void tool_dead_letter_close(void);

/* Report a rejected record: one stderr line naming line, field and reason;
 * rec[0..len) (may be NULL) appended to the dead-letter file if open. */
void tool_reject(unsigned long lineno, const struct quake_fail *f,
    const char *rec, size_t len);

struct quake_ndjson;
struct quake_line;

/* The next input line of a filter's stdin reader r into *l: QUAKE_OK (a
 * line to take), QUAKE_ETOOLONG (line l->lineno passed the cap; *f says
 * so: reject it), QUAKE_EAGAIN (nothing ready), or QUAKE_EOF at the end
 * and after a read error (logged once; *status set to 74). */
enum quake_err tool_next_line(struct quake_ndjson *r, struct quake_line *l,
    struct quake_fail *f, int *status);

/* --stats: one "msg=stats" line of counters every `seconds` (0: never). */
struct tool_counter {
	const char *name;
	long long value;
};
void tool_stats_every(long seconds);

/* 1 when a stats line is due (then the next one is scheduled). */
int tool_stats_due(void);

/* Log the n (at most 10) counters as one info line. */
void tool_stats_log(const struct tool_counter *c, size_t n);

/* Print the version line and exit 0. */
void tool_version(void) __attribute__((noreturn));

/* Parse a non-negative integer option value; exits 64 on garbage. */
long tool_parse_long(const char *opt, const char *s, long min, long max);

#endif
