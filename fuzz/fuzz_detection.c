/* fuzz_detection — quake-shake detection lines as quake-alert reads them.
 * The reader itself (parse_detection) is static in cmd/judge.c; this
 * drives the lib/ code it is built on the same way: the "time" field
 * through quake_time_parse, lat/lon/devices/peak range checks, and what
 * passes is written back with quake_sample_format_detection (the writer
 * quake-shake uses) and must read back to the same time and place. Never
 * crashes or leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "qtime.h"
#include "sample.h"

/* An id quake_sample_format_detection writes as it is (it does not escape:
 * quake-shake's ids are "shake-..."). */
static int
plain(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == '"' || *s == '\\')
			return 0;
	return 1;
}

/* The detection in buf[0..len) into *d, as cmd/judge.c reads it. 0, or -1. */
static int
read_detection(const char *buf, size_t len, struct quake_detection *d)
{
	json_t *o = json_loadb(buf, len, 0, NULL);
	const char *id = json_string_value(json_object_get(o, "id"));
	const char *t = json_string_value(json_object_get(o, "time"));
	const json_t *la = json_object_get(o, "lat"), *lo = json_object_get(o, "lon");
	struct quake_fail f;
	int rc = -1;

	memset(d, 0, sizeof *d);
	d->lat = json_number_value(la), d->lon = json_number_value(lo);
	d->devices = (int)json_integer_value(json_object_get(o, "devices"));
	d->peak = json_number_value(json_object_get(o, "peak"));
	d->radius_km = json_number_value(json_object_get(o, "radius_km"));
	if (len <= 2048 && id != NULL && id[0] != '\0' && strlen(id) < sizeof d->id &&
	    plain(id) && t != NULL &&
	    quake_time_parse(t, strlen(t), &d->time, &f) == QUAKE_OK &&
	    json_is_number(la) && d->lat >= -90 && d->lat <= 90 &&
	    json_is_number(lo) && d->lon >= -180 && d->lon <= 180) {
		strcpy(d->id, id);
		rc = 0;
	}
	json_decref(o);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quake_detection a, b;
	char out[QUAKE_SAMPLE_LINE_MAX];
	struct quake_fail f;
	int64_t us;
	size_t n;

	(void)quake_time_parse((const char *)data, size, &us, &f);
	if (read_detection((const char *)data, size, &a) != 0)
		return 0;
	n = quake_sample_format_detection(&a, out, sizeof out);
	if (n == 0)
		return 0;	/* a value not finite, or too long a line */
	if (memchr(out, '\0', n) != NULL || out[n] != '\0' ||
	    read_detection(out, n, &b) != 0 || b.time != a.time ||
	    strcmp(b.id, a.id) != 0 || b.devices != a.devices ||
	    b.lat - a.lat > 1e-6 || a.lat - b.lat > 1e-6 ||
	    b.lon - a.lon > 1e-6 || a.lon - b.lon > 1e-6)
		abort();
	return 0;
}
