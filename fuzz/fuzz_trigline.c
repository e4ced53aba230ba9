/* fuzz_trigline — onset and trigger lines (quake-shake --coincide's input,
 * quake-produce --kind triggers): never crash or leak; the key exists
 * exactly when the line parses; what parses jansson reads as an object with
 * the same fields (a differential check of the hand-written reader, which
 * was jansson's); what parses is written back, and that line reads back
 * and writes the same; onsets go through the coincidence detector, whose
 * detection lines read back. Input: lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "shake/coinc.h"
#include "lines/detection.h"
#include "lines/trigger.h"

/* jansson's view of an accepted line agrees with t */
static int
same_as_jansson(const char *buf, size_t len, const struct quake_trigger *t,
    enum quake_trigger_kind kind)
{
	json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	const char *dev = json_string_value(json_object_get(o, "device"));
	size_t n = (kind == QUAKE_TRIGGER_KIND_TRIGGER ? 6 : 5) + 2 * !!t->has_loc;
	int ok = o != NULL && json_is_object(o) && json_object_size(o) == n &&
	    dev != NULL && strcmp(dev, t->device) == 0 &&
	    json_number_value(json_object_get(o, "peak")) == t->peak &&
	    json_number_value(json_object_get(o, "ratio")) == t->ratio &&
	    (!t->has_loc || (json_number_value(json_object_get(o, "lat")) == t->lat &&
	    json_number_value(json_object_get(o, "lon")) == t->lon));

	json_decref(o);
	return ok;
}

static void
roundtrip(const struct quake_trigger *t, enum quake_trigger_kind kind)
{
	char a[QUAKE_TRIGGER_FORMAT_MAX], b[sizeof a];
	struct quake_trigger u;
	enum quake_trigger_kind k;
	struct quake_fail f;
	size_t n, m;

	n = kind == QUAKE_TRIGGER_KIND_ONSET ? quake_trigger_format_onset(t, a, sizeof a) :
	    quake_trigger_format(t, a, sizeof a);
	if (n == 0)
		return;
	if (quake_trigger_parse(a, n, &u, &k, &f) != QUAKE_OK || k != kind)
		abort();
	m = kind == QUAKE_TRIGGER_KIND_ONSET ? quake_trigger_format_onset(&u, b, sizeof b) :
	    quake_trigger_format(&u, b, sizeof b);
	if (m != n || memcmp(a, b, n) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quake_coinc_conf conf = { .k = 2, .window_us = 10000000,
	    .radius_km = 20, .hold_us = 10000000 };
	struct quake_coinc *c;
	const char *p = (const char *)data, *end = p + size;

	if (quake_coinc_new(&conf, &c) != QUAKE_OK)
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		struct quake_trigger t;
		enum quake_trigger_kind kind;
		struct quake_fail f;
		char key[8 + QUAKE_SAMPLES_ID_MAX];
		int ok = quake_trigger_parse(p, len, &t, &kind, &f) == QUAKE_OK;

		if (ok != (quake_trigger_key(p, len, key, sizeof key, &f) > 0))
			abort();
		if (ok && !same_as_jansson(p, len, &t, kind))
			abort();
		if (ok) {
			roundtrip(&t, kind);
			if (kind == QUAKE_TRIGGER_KIND_ONSET) {
				struct quake_onset o = { t.device, t.on, t.lat, t.lon, t.peak };
				struct quake_detection d, e;
				const char *mem[4];
				char line[QUAKE_DETECTION_LINE_MAX];
				size_t n;
				if (quake_coinc_add(c, &o, &d, mem, 4) > 0 &&
				    (n = quake_detection_format(&d, line, sizeof line)) > 0 &&
				    quake_detection_parse(line, n, &e, &f) != QUAKE_OK)
					abort();
			}
		}
		p += len + (nl != NULL);
	}
	quake_coinc_free(c);
	return 0;
}
