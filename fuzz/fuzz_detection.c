/* fuzz_detection — detection lines through quake_detection_parse,
 * the reader quake-alert and quake-map share. Never crashes or leaks; what
 * it accepts jansson reads as an object with the same id and numbers (a
 * differential check of the hand-written reader), and the line
 * quake_detection_format writes for it (the id escaped by lib/core/json)
 * reads back to the same detection. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lines/detection.h"

/* jansson's view of an accepted line agrees with d */
static int
same_as_jansson(const char *buf, size_t len, const struct quake_detection *d)
{
	json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	const char *id = json_string_value(json_object_get(o, "id"));
	int ok = o != NULL && json_is_object(o) && json_object_size(o) == 8 &&
	    id != NULL && strcmp(id, d->id) == 0 &&
	    json_number_value(json_object_get(o, "lat")) == d->lat &&
	    json_number_value(json_object_get(o, "lon")) == d->lon &&
	    json_integer_value(json_object_get(o, "devices")) == d->devices;

	json_decref(o);
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quake_detection a, b;
	char out[QUAKE_DETECTION_FORMAT_MAX];
	struct quake_fail f;
	size_t n;

	if (quake_detection_parse((const char *)data, size, &a, &f) != QUAKE_OK)
		return 0;
	if (!same_as_jansson((const char *)data, size, &a))
		abort();
	n = quake_detection_format(&a, out, sizeof out);
	if (n == 0 || memchr(out, '\0', n) != NULL || out[n] != '\0' ||
	    quake_detection_parse(out, n, &b, &f) != QUAKE_OK ||
	    b.time != a.time || strcmp(b.id, a.id) != 0 || b.devices != a.devices ||
	    fabs(b.lat - a.lat) > 1e-6 || fabs(b.lon - a.lon) > 1e-6)
		abort();
	return 0;
}
