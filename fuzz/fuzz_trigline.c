/* fuzz_trigline — onset and trigger lines (quake-shake --coincide's input,
 * quake-produce --kind triggers): never crash or leak; the key exists
 * exactly when the line parses; what parses is written back, and that
 * line reads back and writes the same; onsets go through the coincidence
 * detector, whose detection lines read back. Input: lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shake/coinc.h"
#include "lines/sample.h"
#include "lines/trigline.h"

static void
roundtrip(const struct quake_trigger *t, enum quake_trigline_kind kind)
{
	char a[QUAKE_SAMPLE_LINE_MAX + 6 * QUAKE_SAMPLE_ID_MAX], b[sizeof a];
	struct quake_trigger u;
	enum quake_trigline_kind k;
	struct quake_fail f;
	size_t n, m;

	n = kind == QUAKE_TRIGLINE_ONSET ? quake_sample_format_onset(t, a, sizeof a) :
	    quake_sample_format_trigger(t, a, sizeof a);
	if (n == 0)
		return;
	if (quake_trigline_parse(a, n, &u, &k, &f) != QUAKE_OK || k != kind)
		abort();
	m = kind == QUAKE_TRIGLINE_ONSET ? quake_sample_format_onset(&u, b, sizeof b) :
	    quake_sample_format_trigger(&u, b, sizeof b);
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
		enum quake_trigline_kind kind;
		struct quake_fail f;
		char key[8 + QUAKE_SAMPLE_ID_MAX];
		int ok = quake_trigline_parse(p, len, &t, &kind, &f) == QUAKE_OK;

		if (ok != (quake_trigline_key(p, len, key, sizeof key, &f) > 0))
			abort();
		if (ok) {
			roundtrip(&t, kind);
			if (kind == QUAKE_TRIGLINE_ONSET) {
				struct quake_onset o = { t.device, t.on, t.lat, t.lon, t.peak };
				struct quake_detection d, e;
				const char *mem[4];
				char line[QUAKE_DETECTION_LINE_MAX];
				size_t n;
				if (quake_coinc_add(c, &o, &d, mem, 4) > 0 &&
				    (n = quake_sample_format_detection(&d, line, sizeof line)) > 0 &&
				    quake_sample_parse_detection(line, n, &e, &f) != QUAKE_OK)
					abort();
			}
		}
		p += len + (nl != NULL);
	}
	quake_coinc_free(c);
	return 0;
}
