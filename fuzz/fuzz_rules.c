/* fuzz_rules — the rules file parser (and GeoJSON regions within it):
 * never crashes or leaks; what parses can be matched against an event, and
 * every rule has its targets, each with a mark key. */
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
	for (size_t i = 0; i < rs.n; i++) {
		const char *zone;
		(void)quake_rules_match(&rs, i, &ev, &thr);
		(void)quake_rules_offset(&rs, i, ev.time, &zone);
		/* every rule has 1-8 targets, each with a key */
		if (rs.rule[i].ntargets < 1 || rs.rule[i].ntargets > QUAKE_RULES_TARGETS)
			abort();
		for (size_t k = 0; k < rs.rule[i].ntargets; k++)
			if (memchr(rs.rule[i].targets[k].key, '\0', QUAKE_RULES_KEY_MAX) == NULL ||
			    rs.rule[i].targets[k].key[0] == '\0')
				abort();
	}
	quake_rules_free(&rs);
	return 0;
}
