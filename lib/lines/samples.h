/* samples — the sample-batch line (docs/design.md): one push of one phone,
 * as quake-shake's receiver and --pushes write it and --detect and
 * quake-produce --kind samples read it, its Kafka key, and the batch it
 * carries (struct quake_samples), which lib/lines/push fills from a Sensor
 * Logger push. Every quake-shake line starts with "kind"; event lines have
 * no "kind". */
#ifndef QUAKE_SAMPLES_H
#define QUAKE_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define QUAKE_SAMPLES_MAX 65536		/* samples in one batch */
#define QUAKE_SAMPLES_ID_MAX 128	/* device and session ids, with the NUL */

enum quake_samples_sensor {
	QUAKE_SAMPLES_ACCEL,	/* "accelerometer": gravity removed */
	QUAKE_SAMPLES_TOTAL	/* "totalacceleration": gravity included */
};

/* One push of one device: n samples at increasing times. The struct is the
 * caller's storage; its arrays are the batch's (quake_samples_init/free). */
struct quake_samples {
	char device[QUAKE_SAMPLES_ID_MAX], session[QUAKE_SAMPLES_ID_MAX];
	int64_t msg;			/* Sensor Logger's messageId */
	enum quake_samples_sensor sensor;
	size_t n, cap;
	int64_t *t;			/* µs since the epoch, non-decreasing */
	double *x, *y, *z;		/* m/s² */
	int has_loc;
	double lat, lon;
};

/* Allocate b's arrays for cap (<= QUAKE_SAMPLES_MAX) samples; *b is the
 * caller's, the arrays are b's until quake_samples_free. QUAKE_EINPUT on a
 * bad cap, QUAKE_ENOMEM. */
enum quake_err quake_samples_init(struct quake_samples *b, size_t cap);

/* Free b's arrays (not b itself); b may be zeroed storage. */
void quake_samples_free(struct quake_samples *b);

/* Parse a sample-batch line buf[0..len) (borrowed for the call) into *b
 * (caller's, initialised: at most b->cap samples); unknown or missing
 * fields are rejected. QUAKE_EINPUT (*f, the caller's, says why). */
enum quake_err quake_samples_parse(const char *buf, size_t len,
    struct quake_samples *b, struct quake_fail *f);

/* Write b's sample-batch line (no newline) into *out, growing it (*out and
 * *cap are the caller's, realloc'd as needed; free when done). x/y/z are
 * written to 1e-6 m/s². Returns the length, 0 on ENOMEM or n == 0. */
size_t quake_samples_format(const struct quake_samples *b, char **out,
    size_t *cap);

/* quake-produce --kind samples: validate the sample-batch line
 * buf[0..len) into *b (scratch, caller's) and write its Kafka key into
 * key[cap] (caller's, cap >= 32 + QUAKE_SAMPLES_ID_MAX): "cell:<i>:<j>",
 * the 0.5-degree cell of its location (floor(lat / 0.5), floor(lon / 0.5)),
 * so that the phones of one coincidence group share a partition;
 * "device:<id>" while the device has sent no location. Returns the key's
 * length, 0 on a rejected line (*f says why). */
size_t quake_samples_key(const char *buf, size_t len, struct quake_samples *b,
    char *key, size_t cap, struct quake_fail *f);

/* The measured rate of n >= 2 sample times t_us[] (µs, increasing,
 * borrowed): (n - 1) / (t[n-1] - t[0]) in Hz; 0 when it cannot be
 * measured. The line's "rate", and the detector's window sizes. */
double quake_samples_rate(const int64_t *t_us, size_t n);

#endif
