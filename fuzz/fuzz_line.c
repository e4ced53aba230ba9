/* fuzz_line — the event line parser: never crashes, what it accepts
 * formats to a line that parses back to the same line (a fixed point), and
 * a line it calls canonical is byte for byte what it formats to. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quake_event ev, back;
	struct quake_fail f;
	char a[QUAKE_EVENT_LINE_MAX + 1], b[QUAKE_EVENT_LINE_MAX + 1];
	size_t n;
	int canonical = 0;

	if (quake_event_parse_line_canon((const char *)data, size, &ev,
	    &canonical, &f) != QUAKE_OK)
		return 0;
	if ((n = quake_event_format(&ev, a, sizeof a)) == 0)
		abort();	/* a valid event always formats */
	if (canonical && (n != size || memcmp(a, data, n) != 0))
		abort();
	if (quake_event_parse_line(a, n, &back, &f) != QUAKE_OK)
		abort();
	if (quake_event_format(&back, b, sizeof b) != n || memcmp(a, b, n) != 0)
		abort();
	return 0;
}
