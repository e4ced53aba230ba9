/* trigger — onset and trigger lines, written with printf and read through
 * jansson (they are rare: a few per shaken phone, not per sample), checked
 * field by field. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/time.h"
#include "lines/trigger.h"

/* ---- written ---- */

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
quake_trigger_format(const struct quake_trigger *t, char *out, size_t cap)
{
	char on[QUAKE_TIME_LEN + 1], off[QUAKE_TIME_LEN + 1], id[6 * QUAKE_SAMPLES_ID_MAX + 3];
	char buf[QUAKE_TRIGGER_FORMAT_MAX], *p = buf;
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
quake_trigger_format_onset(const struct quake_trigger *t, char *out,
    size_t cap)
{
	char on[QUAKE_TIME_LEN + 1], id[6 * QUAKE_SAMPLES_ID_MAX + 3];
	char buf[QUAKE_TRIGGER_FORMAT_MAX], *p = buf;

	if (quake_time_format(t->on, on) || !isfinite(t->peak) ||
	    !isfinite(t->ratio) || !t->has_loc)
		return 0;
	id[quake_json_format_string(t->device, id)] = '\0';
	p += snprintf(p, sizeof buf, "{\"kind\":\"onset\",\"device\":%s,"
	    "\"on\":\"%s\",\"peak\":%.6g,\"ratio\":%.6g", id, on, t->peak,
	    t->ratio);
	if (put_loc(&p, buf + sizeof buf - 2, 1, t->lat, t->lon) < 0)
		return 0;
	*p++ = '}';
	*p = '\0';
	if ((size_t)(p - buf) >= cap)
		return 0;
	memcpy(out, buf, (size_t)(p - buf) + 1);
	return (size_t)(p - buf);
}

/* ---- read ---- */

enum { F_KIND, F_DEVICE, F_ON, F_OFF, F_PEAK, F_RATIO, F_LAT, F_LON, F_N };

static const char *const fields[F_N] = { "kind", "device", "on", "off",
	"peak", "ratio", "lat", "lon" };

static enum quake_err
time_field(json_t *v, const char *name, int64_t *us, struct quake_fail *f)
{
	const char *s = json_string_value(v);

	if (s == NULL || quake_time_parse(s, strlen(s), us, f) != QUAKE_OK)
		return quake_err_fail(f, name, "must be an ISO-8601 UTC time");
	return QUAKE_OK;
}

static enum quake_err
device_field(json_t *v, char *dst, struct quake_fail *f)
{
	const char *s = json_string_value(v);
	size_t n = s != NULL ? json_string_length(v) : 0;

	if (s == NULL || n == 0 || n >= QUAKE_SAMPLES_ID_MAX || strlen(s) != n)
		return quake_err_fail(f, "device", "must be a string of 1-%d bytes",
		    QUAKE_SAMPLES_ID_MAX - 1);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return quake_err_fail(f, "device", "holds a control character");
	memcpy(dst, s, n + 1);
	return QUAKE_OK;
}

/* every member known, of its type; *seen the bit set of those present */
static enum quake_err
members(json_t *o, json_t **v, unsigned *seen, struct quake_fail *f)
{
	const char *key;
	json_t *x;
	int k;

	*seen = 0;
	json_object_foreach(o, key, x) {
		for (k = 0; k < F_N && strcmp(key, fields[k]) != 0; k++)
			;
		if (k == F_N)
			return quake_err_fail(f, key, "unknown field");
		if (k >= F_PEAK && !json_is_number(x))
			return quake_err_fail(f, key, "must be a number");
		v[k] = x;
		*seen |= 1u << k;
	}
	return QUAKE_OK;
}

static enum quake_err
check(json_t **v, unsigned seen, struct quake_trigger *t,
    enum quake_trigger_kind *kind, struct quake_fail *f)
{
	const char *k = json_string_value(v[F_KIND]);
	enum quake_err err;

	if (k != NULL && strcmp(k, "onset") == 0)
		*kind = QUAKE_TRIGGER_KIND_ONSET;
	else if (k != NULL && strcmp(k, "trigger") == 0)
		*kind = QUAKE_TRIGGER_KIND_TRIGGER;
	else
		return quake_err_fail(f, "kind", "must be \"onset\" or \"trigger\"");
	if ((err = device_field(v[F_DEVICE], t->device, f)) ||
	    (err = time_field(v[F_ON], "on", &t->on, f)))
		return err;
	if (*kind == QUAKE_TRIGGER_KIND_ONSET && (seen & (1u << F_OFF)))
		return quake_err_fail(f, "off", "an onset has no off");
	if (*kind == QUAKE_TRIGGER_KIND_TRIGGER &&
	    ((err = time_field(v[F_OFF], "off", &t->off, f)) || t->off < t->on))
		return err ? err : quake_err_fail(f, "off", "before on");
	t->peak = json_number_value(v[F_PEAK]);
	t->ratio = json_number_value(v[F_RATIO]);
	if (!(seen & (1u << F_PEAK)) || !(t->peak >= 0 && t->peak < 1e6))
		return quake_err_fail(f, "peak", "must be a number in [0, 1e6)");
	if (!(seen & (1u << F_RATIO)) || !(t->ratio >= 0 && t->ratio < 1e12))
		return quake_err_fail(f, "ratio", "must be a number in [0, 1e12)");
	t->has_loc = !!(seen & (1u << F_LAT));
	if (t->has_loc != !!(seen & (1u << F_LON)))
		return quake_err_fail(f, "lat", "lat and lon go together");
	t->lat = json_number_value(v[F_LAT]);
	t->lon = json_number_value(v[F_LON]);
	if (t->has_loc && (!(fabs(t->lat) <= 90) || !(fabs(t->lon) <= 180)))
		return quake_err_fail(f, "lat", "lat/lon out of range");
	if (*kind == QUAKE_TRIGGER_KIND_ONSET && !t->has_loc)
		return quake_err_fail(f, "lat", "an onset needs its location");
	return QUAKE_OK;
}

enum quake_err
quake_trigger_parse(const char *buf, size_t len, struct quake_trigger *t,
    enum quake_trigger_kind *kind, struct quake_fail *f)
{
	json_t *v[F_N] = { 0 }, *o;
	json_error_t je;
	unsigned seen;
	enum quake_err err;

	memset(t, 0, sizeof *t);
	if (len > QUAKE_TRIGGER_LINE_MAX)
		return quake_err_fail(f, "", "longer than %d bytes", QUAKE_TRIGGER_LINE_MAX);
	if ((o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return quake_err_fail(f, "", "not JSON: %s", je.text);
	if (!json_is_object(o))
		err = quake_err_fail(f, "", "not a JSON object");
	else if ((err = members(o, v, &seen, f)) == QUAKE_OK)
		err = check(v, seen, t, kind, f);
	json_decref(o);
	return err;
}

size_t
quake_trigger_key(const char *buf, size_t len, char *key, size_t cap,
    struct quake_fail *f)
{
	struct quake_trigger t;
	enum quake_trigger_kind kind;
	int n;

	if (quake_trigger_parse(buf, len, &t, &kind, f) != QUAKE_OK)
		return 0;
	n = snprintf(key, cap, "device:%s", t.device);
	if (n <= 0 || (size_t)n >= cap) {
		quake_err_fail(f, "device", "too long for a key");
		return 0;
	}
	return (size_t)n;
}
