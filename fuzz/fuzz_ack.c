/* fuzz_ack — status lines: never crashes; what parses formats and parses
 * back to the same status. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lines/ack.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quake_ack a, b;
	struct quake_fail f;
	char buf[QUAKE_ACK_LINE_MAX];
	size_t n;

	if (quake_ack_parse((const char *)data, size, &a, &f) != QUAKE_OK)
		return 0;
	if (memchr(a.id, '\0', sizeof a.id) == NULL)
		abort();
	if ((n = quake_ack_format(&a, buf, sizeof buf)) == 0)
		return 0;
	if (quake_ack_parse(buf, n, &b, &f) != QUAKE_OK || strcmp(a.id, b.id) ||
	    a.line != b.line || a.status != b.status)
		abort();
	return 0;
}
