/* push — a Sensor Logger push body (the phone app's HTTP POST: deviceId,
 * sessionId, messageId and a payload array of sensor readings) read into a
 * sample batch: what quake-shake's receiver and --pushes take in, before
 * lib/lines/samples writes it as a sample-batch line. */
#ifndef QUAKE_PUSH_H
#define QUAKE_PUSH_H

#include <stddef.h>

#include "core/err.h"
#include "lines/samples.h"

/* Parse a push body buf[0..len) (borrowed for the call) into *b (caller's,
 * initialised by quake_samples_init: at most b->cap samples):
 * accelerometer samples (totalacceleration when a push has none), x/y/z
 * flat or under "values", time in epoch ns (number or digit string), sorted
 * by time; the last location's latitude/longitude. Other sensors are
 * ignored; a push spanning more than a day is refused. QUAKE_EINPUT (*f,
 * the caller's) on bad JSON, a bad field or more than cap samples;
 * QUAKE_ENOMEM. */
enum quake_err quake_push_parse(const char *buf, size_t len,
    struct quake_samples *b, struct quake_fail *f);

#endif
