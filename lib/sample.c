/* sample — Sensor Logger pushes and quake-shake's line kinds. Parsing goes
 * through jansson (a push is at most 1 MiB); writing is by hand, numbers in
 * fixed point, since a receiver writes a million samples a second. */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sample.h"
#include "stalta.h"
#include "qtime.h"

enum quake_err
quake_sample_batch_init(struct quake_sample_batch *b, size_t cap)
{
	memset(b, 0, sizeof *b);
	if (cap == 0 || cap > QUAKE_SAMPLE_MAX)
		return QUAKE_EINPUT;
	b->t = malloc(cap * sizeof *b->t);
	b->x = malloc(cap * sizeof *b->x);
	b->y = malloc(cap * sizeof *b->y);
	b->z = malloc(cap * sizeof *b->z);
	b->cap = cap;
	if (b->t == NULL || b->x == NULL || b->y == NULL || b->z == NULL) {
		quake_sample_batch_free(b);
		return QUAKE_ENOMEM;
	}
	return QUAKE_OK;
}

void
quake_sample_batch_free(struct quake_sample_batch *b)
{
	free(b->t); free(b->x); free(b->y); free(b->z);
	b->t = NULL; b->x = b->y = b->z = NULL;
	b->cap = b->n = 0;
}

/* an id: 1..127 bytes without control characters (0.. when optional) */
static enum quake_err
get_id(json_t *obj, const char *key, char *dst, int required,
    struct quake_fail *f)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t len;

	dst[0] = '\0';
	if (v == NULL && !required)
		return QUAKE_OK;
	if (!json_is_string(v))
		return quake_err_fail(f, key, v ? "must be a string" : "missing");
	s = json_string_value(v);
	len = json_string_length(v);
	if ((len == 0 && required) || len >= QUAKE_SAMPLE_ID_MAX)
		return quake_err_fail(f, key, "must be 1-%d bytes",
		    QUAKE_SAMPLE_ID_MAX - 1);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return quake_err_fail(f, key, "holds a control character");
	memcpy(dst, s, len + 1);
	return QUAKE_OK;
}

static enum quake_err
get_finite(json_t *obj, const char *key, double *dst, const char *where,
    struct quake_fail *f)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_number(v))
		return quake_err_fail(f, where, "%s %s", key,
		    v ? "must be a number" : "missing");
	*dst = json_number_value(v);
	if (!isfinite(*dst) || fabs(*dst) > 1e6)
		return quake_err_fail(f, where, "%s out of range", key);
	return QUAKE_OK;
}

/* Sensor Logger's time: epoch ns as an integer or a string of digits */
static enum quake_err
get_ns_time(json_t *e, int64_t *us, const char *where, struct quake_fail *f)
{
	json_t *v = json_object_get(e, "time");
	long long ns = -1;

	if (json_is_integer(v))
		ns = json_integer_value(v);
	else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		if (*s >= '0' && *s <= '9')
			ns = strtoll(s, &end, 10);
		if (ns >= 0 && *end != '\0')
			ns = -1;
	} else if (json_is_real(v) && json_real_value(v) >= 0 &&
	    json_real_value(v) < 9e18)
		ns = (long long)json_real_value(v);
	if (ns < 0)
		return quake_err_fail(f, where, "time must be epoch nanoseconds");
	*us = ns / 1000;
	return QUAKE_OK;
}

/* x, y, z (or latitude, longitude) flat in the entry or under "values" */
static json_t *
values_of(json_t *e)
{
	json_t *v = json_object_get(e, "values");

	return json_is_object(v) ? v : e;
}

static enum quake_err
take_sample(json_t *e, size_t i, struct quake_sample_batch *b,
    struct quake_fail *f)
{
	char where[48];
	json_t *v = values_of(e);
	enum quake_err err;

	snprintf(where, sizeof where, "payload[%zu]", i);
	if (b->n >= b->cap)
		return quake_err_fail(f, "payload", "more than %zu samples", b->cap);
	if ((err = get_ns_time(e, &b->t[b->n], where, f)) ||
	    (err = get_finite(v, "x", &b->x[b->n], where, f)) ||
	    (err = get_finite(v, "y", &b->y[b->n], where, f)) ||
	    (err = get_finite(v, "z", &b->z[b->n], where, f)))
		return err;
	b->n++;
	return QUAKE_OK;
}

static enum quake_err
take_location(json_t *e, size_t i, struct quake_sample_batch *b,
    struct quake_fail *f)
{
	char where[48];
	json_t *v = values_of(e);
	double lat, lon;
	enum quake_err err;

	snprintf(where, sizeof where, "payload[%zu]", i);
	if ((err = get_finite(v, "latitude", &lat, where, f)) ||
	    (err = get_finite(v, "longitude", &lon, where, f)))
		return err;
	if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
		return quake_err_fail(f, where, "latitude/longitude out of range");
	b->has_loc = 1;
	b->lat = lat;
	b->lon = lon;
	return QUAKE_OK;
}

/* insertion sort by time: pushes come (nearly) in order */
static void
sort_by_time(struct quake_sample_batch *b)
{
	for (size_t i = 1; i < b->n; i++) {
		int64_t t = b->t[i];
		double x = b->x[i], y = b->y[i], z = b->z[i];
		size_t j = i;
		for (; j > 0 && b->t[j - 1] > t; j--) {
			b->t[j] = b->t[j - 1];
			b->x[j] = b->x[j - 1];
			b->y[j] = b->y[j - 1];
			b->z[j] = b->z[j - 1];
		}
		b->t[j] = t; b->x[j] = x; b->y[j] = y; b->z[j] = z;
	}
}

/* the sensor to take: accelerometer if the push has one, else total */
static int
pick_sensor(json_t *payload, enum quake_sample_sensor *s)
{
	size_t i;
	json_t *e;
	int total = 0;

	json_array_foreach(payload, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		if (name == NULL)
			continue;
		if (strcmp(name, "accelerometer") == 0) {
			*s = QUAKE_SENSOR_ACCEL;
			return 1;
		}
		total |= strcmp(name, "totalacceleration") == 0;
	}
	*s = QUAKE_SENSOR_TOTAL;
	return total;
}

static enum quake_err
push_from_json(json_t *root, struct quake_sample_batch *b,
    struct quake_fail *f)
{
	json_t *payload, *e, *msg;
	const char *want;
	size_t i;
	enum quake_err err;

	if (!json_is_object(root))
		return quake_err_fail(f, "", "not a JSON object");
	if ((err = get_id(root, "deviceId", b->device, 1, f)) ||
	    (err = get_id(root, "sessionId", b->session, 0, f)))
		return err;
	msg = json_object_get(root, "messageId");
	if (msg != NULL && !json_is_integer(msg))
		return quake_err_fail(f, "messageId", "must be an integer");
	b->msg = msg ? json_integer_value(msg) : 0;
	payload = json_object_get(root, "payload");
	if (!json_is_array(payload))
		return quake_err_fail(f, "payload", payload ? "must be an array" :
		    "missing");
	want = pick_sensor(payload, &b->sensor) ? (b->sensor == QUAKE_SENSOR_ACCEL ?
	    "accelerometer" : "totalacceleration") : "";
	json_array_foreach(payload, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		if (!json_is_object(e) || name == NULL)
			return quake_err_fail(f, "payload",
			    "entry %zu is not an object with a name", i);
		if (strcmp(name, want) == 0)
			err = take_sample(e, i, b, f);
		else if (strcmp(name, "location") == 0)
			err = take_location(e, i, b, f);
		if (err)
			return err;
	}
	sort_by_time(b);
	if (b->n > 0 && b->t[b->n - 1] - b->t[0] > 86400000000LL)
		return quake_err_fail(f, "payload", "samples span more than a day");
	return QUAKE_OK;
}

static enum quake_err
not_json(const json_error_t *je, struct quake_fail *f)
{
	return quake_err_fail(f, "", "not JSON: %s at %d", je->text,
	    je->position);
}

enum quake_err
quake_sample_parse_push(const char *buf, size_t len,
    struct quake_sample_batch *b, struct quake_fail *f)
{
	json_error_t je;
	json_t *root;
	enum quake_err err;

	b->n = 0;
	b->has_loc = 0;
	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return not_json(&je, f);
	err = push_from_json(root, b, f);
	json_decref(root);
	return err;
}

/* ---- the sample-batch line ---- */

static enum quake_err
line_arrays(json_t *root, struct quake_sample_batch *b, int64_t t0,
    struct quake_fail *f)
{
	static const char *const axis[] = { "x", "y", "z" };
	double *dst[] = { b->x, b->y, b->z };
	json_t *t = json_object_get(root, "t"), *v;
	size_t n = json_array_size(t), i;

	if (!json_is_array(t) || n == 0 || n > b->cap)
		return quake_err_fail(f, "t", "must be an array of 1-%zu offsets",
		    b->cap);
	json_array_foreach(t, i, v) {
		json_int_t d = json_integer_value(v);
		if (!json_is_integer(v) || d < 0 || d > 86400000000LL ||
		    (i > 0 && t0 + d < b->t[i - 1]))
			return quake_err_fail(f, "t", "offset %zu must be a "
			    "non-decreasing count of µs", i);
		b->t[i] = t0 + d;
	}
	for (int k = 0; k < 3; k++) {
		json_t *a = json_object_get(root, axis[k]);
		if (!json_is_array(a) || json_array_size(a) != n)
			return quake_err_fail(f, axis[k], "must be an array as long as t");
		json_array_foreach(a, i, v) {
			dst[k][i] = json_number_value(v);
			if (!json_is_number(v) || !isfinite(dst[k][i]))
				return quake_err_fail(f, axis[k], "value %zu is not a number", i);
		}
	}
	b->n = n;
	return QUAKE_OK;
}

static enum quake_err
line_from_json(json_t *root, struct quake_sample_batch *b,
    struct quake_fail *f)
{
	static const char *const known[] = { "kind", "device", "session", "msg",
	    "sensor", "t0", "rate", "t", "x", "y", "z", "lat", "lon" };
	const char *key, *s;
	json_t *v;
	int64_t t0;
	enum quake_err err;

	if (!json_is_object(root))
		return quake_err_fail(f, "", "not a JSON object");
	json_object_foreach(root, key, v) {
		size_t k = 0;
		while (k < sizeof known / sizeof *known && strcmp(key, known[k]) != 0)
			k++;
		if (k == sizeof known / sizeof *known)
			return quake_err_fail(f, key, "unknown field");
	}
	s = json_string_value(json_object_get(root, "kind"));
	if (s == NULL || strcmp(s, "samples") != 0)
		return quake_err_fail(f, "kind", "must be \"samples\"");
	if ((err = get_id(root, "device", b->device, 1, f)) ||
	    (err = get_id(root, "session", b->session, 0, f)))
		return err;
	v = json_object_get(root, "msg");
	if (!json_is_integer(v))
		return quake_err_fail(f, "msg", "must be an integer");
	b->msg = json_integer_value(v);
	s = json_string_value(json_object_get(root, "sensor"));
	if (s != NULL && strcmp(s, "accelerometer") == 0)
		b->sensor = QUAKE_SENSOR_ACCEL;
	else if (s != NULL && strcmp(s, "totalacceleration") == 0)
		b->sensor = QUAKE_SENSOR_TOTAL;
	else
		return quake_err_fail(f, "sensor",
		    "must be accelerometer or totalacceleration");
	s = json_string_value(json_object_get(root, "t0"));
	if (s == NULL || quake_time_parse(s, strlen(s), &t0, f) != QUAKE_OK)
		return quake_err_fail(f, "t0", "must be an ISO-8601 UTC time");
	if (!json_is_number(json_object_get(root, "rate")))
		return quake_err_fail(f, "rate", "must be a number");
	if ((err = line_arrays(root, b, t0, f)))
		return err;
	b->has_loc = json_object_get(root, "lat") != NULL ||
	    json_object_get(root, "lon") != NULL;
	if (b->has_loc && ((err = get_finite(root, "lat", &b->lat, "lat", f)) ||
	    (err = get_finite(root, "lon", &b->lon, "lon", f))))
		return err;
	if (b->has_loc && (fabs(b->lat) > 90 || fabs(b->lon) > 180))
		return quake_err_fail(f, "lat", "lat/lon out of range");
	return QUAKE_OK;
}

enum quake_err
quake_sample_parse_line(const char *buf, size_t len,
    struct quake_sample_batch *b, struct quake_fail *f)
{
	json_error_t je;
	json_t *root;
	enum quake_err err;

	b->n = 0;
	b->has_loc = 0;
	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return not_json(&je, f);
	err = line_from_json(root, b, f);
	json_decref(root);
	return err;
}

size_t
quake_sample_key(const char *buf, size_t len, struct quake_sample_batch *b,
    char *key, size_t cap, struct quake_fail *f)
{
	int n;

	if (quake_sample_parse_line(buf, len, b, f) != QUAKE_OK)
		return 0;
	if (b->has_loc)
		n = snprintf(key, cap, "cell:%d:%d", (int)floor(b->lat / 0.5),
		    (int)floor(b->lon / 0.5));
	else
		n = snprintf(key, cap, "device:%s", b->device);
	if (n <= 0 || (size_t)n >= cap) {
		quake_err_fail(f, "device", "too long for a key");
		return 0;
	}
	return (size_t)n;
}

/* v rounded to 1e-6 as fixed point, shortest: "0.012346", "-3.5", "0" */
static char *
put_fixed6(char *p, double v)
{
	long long m = llround(v * 1e6);
	unsigned long long u = m < 0 ? (unsigned long long)-m : (unsigned long long)m;
	unsigned long long ip = u / 1000000, fp = u % 1000000;
	char tmp[24];
	int n = 0, w = 6;

	if (m < 0)
		*p++ = '-';
	do
		tmp[n++] = (char)('0' + ip % 10);
	while ((ip /= 10) > 0);
	while (n > 0)
		*p++ = tmp[--n];
	if (fp == 0)
		return p;
	while (fp % 10 == 0)
		fp /= 10, w--;
	*p++ = '.';
	for (int k = w - 1; k >= 0; k--, fp /= 10)
		p[k] = (char)('0' + fp % 10);
	return p + w;
}

static char *
put_i64(char *p, int64_t v)
{
	return p + sprintf(p, "%" PRId64, v);
}

#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

size_t
quake_sample_format_line(const struct quake_sample_batch *b, char **out,
    size_t *cap)
{
	double *axis[] = { b->x, b->y, b->z };
	size_t need = 1024 + 6 * (2 * QUAKE_SAMPLE_ID_MAX) + b->n * 80;
	char *p;

	if (b->n == 0)
		return 0;
	if (*cap < need) {
		char *n = realloc(*out, need);
		if (n == NULL)
			return 0;
		*out = n;
		*cap = need;
	}
	p = LIT(*out, "{\"kind\":\"samples\",\"device\":");
	p += quake_json_format_string(b->device, p);
	p = LIT(p, ",\"session\":");
	p += quake_json_format_string(b->session, p);
	p = LIT(p, ",\"msg\":");
	p = put_i64(p, b->msg);
	p = b->sensor == QUAKE_SENSOR_ACCEL ?
	    LIT(p, ",\"sensor\":\"accelerometer\",\"t0\":\"") :
	    LIT(p, ",\"sensor\":\"totalacceleration\",\"t0\":\"");
	if (quake_time_format(b->t[0], p) != QUAKE_OK)
		return 0;
	p += QUAKE_TIME_LEN;
	p += sprintf(p, "\",\"rate\":%.6g,\"t\":[",
	    quake_stalta_rate(b->t, b->n));
	for (size_t i = 0; i < b->n; i++) {
		p = put_i64(p, b->t[i] - b->t[0]);
		*p++ = i + 1 < b->n ? ',' : ']';
	}
	for (int k = 0; k < 3; k++) {
		*p++ = ',';
		*p++ = '"';
		*p++ = (char)('x' + k);
		p = LIT(p, "\":[");
		for (size_t i = 0; i < b->n; i++) {
			p = put_fixed6(p, axis[k][i]);
			*p++ = i + 1 < b->n ? ',' : ']';
		}
	}
	if (b->has_loc) {
		p = LIT(p, ",\"lat\":");
		p += sprintf(p, "%.6f", b->lat);
		p = LIT(p, ",\"lon\":");
		p += sprintf(p, "%.6f", b->lon);
	}
	*p++ = '}';
	*p = '\0';
	return (size_t)(p - *out);
}

/* ---- trigger and detection lines ---- */

static int
put_loc(char **p, const char *end, int has, double lat, double lon)
{
	if (!has)
		return 0;
	if (!isfinite(lat) || !isfinite(lon))
		return -1;
	*p += snprintf(*p, (size_t)(end - *p), ",\"lat\":%.6f,\"lon\":%.6f", lat, lon);
	return 0;
}

size_t
quake_sample_format_trigger(const struct quake_trigger *t, char *out,
    size_t cap)
{
	char on[QUAKE_TIME_LEN + 1], off[QUAKE_TIME_LEN + 1], id[6 * QUAKE_SAMPLE_ID_MAX + 3];
	char buf[QUAKE_SAMPLE_LINE_MAX + 6 * QUAKE_SAMPLE_ID_MAX], *p = buf;
	int n;

	if (quake_time_format(t->on, on) || quake_time_format(t->off, off) ||
	    !isfinite(t->peak) || !isfinite(t->ratio))
		return 0;
	id[quake_json_format_string(t->device, id)] = '\0';
	n = snprintf(p, sizeof buf, "{\"kind\":\"trigger\",\"device\":%s,"
	    "\"on\":\"%s\",\"off\":\"%s\",\"peak\":%.6g,\"ratio\":%.6g", id, on,
	    off, t->peak, t->ratio);
	p += n;
	if (put_loc(&p, buf + sizeof buf - 2, t->has_loc, t->lat, t->lon) < 0)
		return 0;
	*p++ = '}';
	*p = '\0';
	if ((size_t)(p - buf) >= cap)
		return 0;
	memcpy(out, buf, (size_t)(p - buf) + 1);
	return (size_t)(p - buf);
}

size_t
quake_sample_format_detection(const struct quake_detection *d, char *out,
    size_t cap)
{
	char tm[QUAKE_TIME_LEN + 1];
	int n;

	if (quake_time_format(d->time, tm) || !isfinite(d->lat) ||
	    !isfinite(d->lon) || !isfinite(d->peak) || !isfinite(d->radius_km))
		return 0;
	n = snprintf(out, cap, "{\"kind\":\"detection\",\"id\":\"%s\","
	    "\"time\":\"%s\",\"lat\":%.6f,\"lon\":%.6f,\"devices\":%d,"
	    "\"peak\":%.6g,\"radius_km\":%.3f}", d->id, tm, d->lat, d->lon,
	    d->devices, d->peak, d->radius_km);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
