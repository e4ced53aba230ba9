/* sample — quake-shake's three line kinds (docs/design.md) and the Sensor
 * Logger push they start from: a push body parsed into a batch, the
 * sample-batch line written and parsed, trigger and detection lines
 * written. Every line starts with "kind"; event lines have no "kind". */
#ifndef QUAKE_SAMPLE_H
#define QUAKE_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define QUAKE_SAMPLE_MAX 65536	/* samples in one batch */
#define QUAKE_SAMPLE_ID_MAX 128	/* device and session ids, with the NUL */

enum quake_sample_sensor {
	QUAKE_SENSOR_ACCEL,	/* "accelerometer": gravity removed */
	QUAKE_SENSOR_TOTAL	/* "totalacceleration": gravity included */
};

/* One push of one device: n samples at increasing times. Arrays are owned
 * by the batch (quake_sample_batch_init/free); ids are plain storage. */
struct quake_sample_batch {
	char device[QUAKE_SAMPLE_ID_MAX], session[QUAKE_SAMPLE_ID_MAX];
	int64_t msg;			/* Sensor Logger's messageId */
	enum quake_sample_sensor sensor;
	size_t n, cap;
	int64_t *t;			/* µs since the epoch, non-decreasing */
	double *x, *y, *z;		/* m/s² */
	int has_loc;
	double lat, lon;
};

/* Allocate arrays for cap (<= QUAKE_SAMPLE_MAX) samples. QUAKE_ENOMEM. */
enum quake_err quake_sample_batch_init(struct quake_sample_batch *b, size_t cap);
void quake_sample_batch_free(struct quake_sample_batch *b);

/* Parse a Sensor Logger push body buf[0..len) into *b: accelerometer
 * samples (totalacceleration when a push has none), x/y/z flat or under
 * "values", time in epoch ns (number or digit string), sorted by time; the
 * last location's latitude/longitude. Other sensors are ignored; a push
 * spanning more than a day is refused.
 * QUAKE_EINPUT (*f) on bad JSON, a bad field or more than cap samples. */
enum quake_err quake_sample_parse_push(const char *buf, size_t len,
    struct quake_sample_batch *b, struct quake_fail *f);

/* Parse a sample-batch line; unknown or missing fields are rejected. */
enum quake_err quake_sample_parse_line(const char *buf, size_t len,
    struct quake_sample_batch *b, struct quake_fail *f);

/* Write b's sample-batch line (no newline) into *out, growing it (*out and
 * *cap are the caller's, realloc'd as needed; free when done). x/y/z are
 * written to 1e-6 m/s². Returns the length, 0 on ENOMEM or n == 0. */
size_t quake_sample_format_line(const struct quake_sample_batch *b,
    char **out, size_t *cap);

/* quake-produce --kind samples: validate the sample-batch line
 * buf[0..len) into *b (scratch, caller's) and write its Kafka key into
 * key[cap] (cap >= 32 + QUAKE_SAMPLE_ID_MAX): "cell:<i>:<j>", the 0.5-degree
 * cell of its location (floor(lat / 0.5), floor(lon / 0.5)), so that the
 * phones of one coincidence group share a partition; "device:<id>" while
 * the device has sent no location. Returns the key's length, 0 on a
 * rejected line (*f says why). */
size_t quake_sample_key(const char *buf, size_t len,
    struct quake_sample_batch *b, char *key, size_t cap, struct quake_fail *f);

/* One device trigger: onset and last sample, the largest magnitude and
 * STA/LTA ratio inside it. */
struct quake_trigger {
	char device[QUAKE_SAMPLE_ID_MAX];
	int64_t on, off;		/* µs since the epoch */
	double peak, ratio;
	int has_loc;
	double lat, lon;
};

/* Several devices shaking together: earliest onset, centroid, how many,
 * the largest peak of their triggers so far, members' largest distance from
 * the centroid. */
struct quake_detection {
	char id[64];			/* "shake-YYYYmmddTHHMMSS-xxxxxx" */
	int64_t time;
	double lat, lon, peak, radius_km;
	int devices;
};

#define QUAKE_SAMPLE_LINE_MAX 1024	/* a trigger or detection line */

/* Write the trigger / detection line into out[cap]; the length, 0 if it
 * does not fit or a value is not finite. Ids are written as JSON strings
 * (lib/core/json: '"', '\\' and control bytes escaped). */
size_t quake_sample_format_trigger(const struct quake_trigger *t, char *out,
    size_t cap);
size_t quake_sample_format_detection(const struct quake_detection *d,
    char *out, size_t cap);

/* Write the onset line of an open trigger (on, peak and ratio so far, its
 * location: required) into out[cap]; the length, 0 as above. */
size_t quake_sample_format_onset(const struct quake_trigger *t, char *out,
    size_t cap);

#define QUAKE_DETECTION_LINE_MAX 2048	/* a detection line read, at most */

/* Parse a detection line buf[0..len) (docs/design.md) into *d (the
 * caller's): every field once, no other; id 1-63 bytes without control
 * bytes, time ISO-8601 UTC, lat/lon in range, devices an integer >= 1,
 * peak and radius_km non-negative. quake-alert and quake-map read
 * detections with it. QUAKE_EINPUT (*f names the field) otherwise. */
enum quake_err quake_sample_parse_detection(const char *buf, size_t len,
    struct quake_detection *d, struct quake_fail *f);

#endif
