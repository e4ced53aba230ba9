/* devices — what quake-shake's receiver does with one push body, shared by
 * --listen (HTTP) and --pushes (recorded bodies on stdin): parse it, keep
 * each device's last location and its rate budget, and write one
 * sample-batch line to stdout. */
#ifndef QUAKE_DEVICES_H
#define QUAKE_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Set up for max_rate samples/s per device (0: no limit), a device's
 * budget refilled at that rate up to burst_s seconds of it; a device silent
 * for forget_us is forgotten (its budget and location). -1 on ENOMEM. */
int devices_init(double max_rate, double burst_s, int64_t forget_us);
void devices_free(void);

/* Refuse (400) a push with a sample more than us from now_us, either way
 * (0, the default: no check). */
void devices_max_skew(int64_t us);

/* One push body at now_us: the HTTP status it deserves (200: its line was
 * written to stdout, not yet flushed; 204: nothing to keep; 400: bad, 429:
 * over the device's rate; 500: out of memory or stdout failed), reason
 * (caller's, cap bytes) saying why when not 200/204. */
int devices_take(const char *body, size_t len, int64_t now_us, char *reason,
    size_t cap);

/* Devices remembered (each costs about 250 bytes). */
size_t devices_count(void);

/* Also run the detector's STA/LTA (quake-shake's defaults, no
 * coincidence) on every push taken, for devices_json's "triggered". -1 on
 * ENOMEM. */
int devices_watch(void);

/* The device table as JSON (the receiver's /devices): {"now_ms",
 * "devices": [{"id", "last_push_ms", "pushes", "rate_hz", "location",
 * "triggered", "last_onset_ms"}]}; *out malloc'd, the caller's to free.
 * Its length, 0 on ENOMEM. */
size_t devices_json(int64_t now_us, char **out);

#endif
