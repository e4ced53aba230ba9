/* fuzz_rules — the rules file parser (and GeoJSON regions within it):
 * never crashes or leaks; what parses can be matched against an event. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert/rules.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quake_rules rs;
	struct quake_rules_fail f;
	struct quake_event ev = { .id = "x", .lat = 35, .lon = 179.9, .depth = 10,
	    .mag = 5.5, .evtype = "ke", .time = 1700000000000000LL };
	double thr;

	if (quake_rules_parse((const char *)data, size, NULL, &rs, &f) != QUAKE_OK) {
		if (memchr(f.rule, '\0', sizeof f.rule) == NULL)
			abort();
		return 0;
	}
	for (size_t i = 0; i < rs.n; i++)
		(void)quake_rules_match(&rs, i, &ev, &thr);
	quake_rules_free(&rs);
	return 0;
}
