/* tool — what every quake binary does the same way: buffered stdout that is
 * flushed before waiting for input, quiet stop on EPIPE, rejected records
 * (one stderr line + dead-letter file), status lines, signals. */
#ifndef QUAKE_TOOL_H
#define QUAKE_TOOL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/log.h"

extern volatile sig_atomic_t tool_stop;	/* set by SIGINT/SIGTERM */

/* A descriptor that becomes readable when SIGINT or SIGTERM sets
 * tool_stop (a self-pipe, non-blocking): a loop polls it to wake at once
 * instead of ticking. -1 when it could not be made. Owned by the tool. */
int tool_stop_fd(void);

/* First thing in main: a closed fd 0 or 2 is reopened on /dev/null, a
 * closed stdout exits 74 with one line; log setup from QUAKE_LOG_LEVEL;
 * stdout fully buffered; SIGPIPE ignored; SIGINT/SIGTERM set tool_stop
 * and write to tool_stop_fd (without SA_RESTART). */
void tool_init(const char *prog);

/* Write one record plus "\n" to stdout. 0 ok; -1 when stdout is gone
 * (EPIPE: a quiet stop) or failed (logged once). */
int tool_out(const char *buf, size_t len);

/* Flush stdout; same returns. Suits quake_ndjson_set_wait_hook. */
int tool_flush(void);
void tool_flush_hook(void *unused);

/* How stdout fares: a filter stops reading once it is not TOOL_OUT_OK. */
enum tool_out_state {
	TOOL_OUT_OK,		/* writing */
	TOOL_OUT_GONE,		/* EPIPE: the reader went away, a quiet stop */
	TOOL_OUT_ERROR		/* another error (logged once): exit 74 */
};
enum tool_out_state tool_out_failed(void);

/* The end of a run: flush stdout and close the dead-letter file. A status
 * of 0, 65 or 75 becomes 74 when stdout failed (TOOL_OUT_ERROR) or a
 * dead-letter write did (an I/O error outranks rejects), else 0 when
 * stdout is gone (EPIPE: a quiet stop); other statuses stand. */
int tool_out_close(int status);

/* The wait before retry `attempt` (0 for the first) in µs: the window
 * doubles from base_us up to cap_us; full jitter draws from all of it
 * [0, window], else from its upper half [window/2, window]. */
int64_t tool_backoff(int attempt, int64_t base_us, int64_t cap_us, int full);

/* Open path (borrowed: must outlive the run) for appending rejected
 * records; 0 or -1 (logged). A failed write later is logged once and
 * makes tool_out_close give 74. */
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

/* Log the n (at most 10) counters as one info line: msg=stats, or msg. */
void tool_stats_log(const struct tool_counter *c, size_t n);
void tool_counters_log(const char *msg, const struct tool_counter *c,
    size_t n);

/* calloc(1, n) (n of 0 counts as 1), owned by the caller; out of memory
 * is one stderr line and exit 70 (tool_oom): a filter cannot go on. */
/* Read the file at path into buf (cap bytes, NUL-terminated, trailing
 * white space trimmed, *len its length): a secret, so the file must be a
 * regular file (not a symlink) that only its owner may read or write.
 * NULL, or why not (static text or strerror's). */
const char *tool_read_private(const char *path, char *buf, size_t cap,
    size_t *len);

void *tool_alloc(size_t n);

/* "out of memory" on stderr, then exit 70. */
void tool_oom(void) __attribute__((noreturn));

/* Print the version line and exit 0. */
void tool_version(void) __attribute__((noreturn));

/* Option values: each exits 64 with one line naming the option when s is
 * not a number in [min, max] (a decimal integer for _long), or not a
 * duration above 0 ("90s", "15m", "6h", "2d"; in µs). */
long tool_parse_long(const char *opt, const char *s, long min, long max);
double tool_parse_double(const char *opt, const char *s, double min,
    double max);
int64_t tool_parse_duration(const char *opt, const char *s);

#endif
