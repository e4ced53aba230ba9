/* time — ISO-8601 UTC timestamps as microseconds since the Unix epoch.
 * Parses YYYY-MM-DDTHH:MM:SS[.f]Z with 1–9 fractional digits (digits past
 * the sixth are truncated, never rounded, so order is kept); formats with
 * exactly six, so string order equals time order. */
#ifndef QUAKE_TIME_H
#define QUAKE_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define QUAKE_TIME_LEN 27	/* "2024-03-30T04:09:58.597000Z" */

/* Parse s[0..len) into *us. QUAKE_EINPUT with f->reason on failure;
 * f->field is left to the caller (set to "" here). */
enum quake_err quake_time_parse(const char *s, size_t len, int64_t *us,
    struct quake_fail *f);

/* Write the 27 characters of us plus a NUL into out (caller-owned, at least
 * QUAKE_TIME_LEN + 1 bytes). Years 0000–9999 only: QUAKE_EINPUT otherwise. */
enum quake_err quake_time_format(int64_t us, char *out);

/* Parse a duration "90s", "15m", "6h", "2d" (or plain seconds) into *us. */
enum quake_err quake_time_parse_duration(const char *s, int64_t *us,
    struct quake_fail *f);

/* The current wall-clock time in microseconds since the epoch. */
int64_t quake_time_now(void);

/* A monotonic clock in microseconds (an unspecified origin): for
 * intervals, never moved by a clock step. */
int64_t quake_time_mono(void);

#endif
