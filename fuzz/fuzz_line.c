/* fuzz_line — the event line parser: never crashes, what it accepts
 * formats to a line that parses back to the same line (a fixed point), a
 * line it calls canonical is byte for byte what it formats to, and the
 * status line a sink writes for any input (its id, its reason) parses with
 * the ack parser. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines/ack.h"
#include "lines/event.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quake_event ev, back;
	struct quake_fail f;
	char a[QUAKE_EVENT_LINE_MAX + 1], b[QUAKE_EVENT_LINE_MAX + 1];
	size_t n;
	int canonical = 0;

	struct quake_ack ack, got;
	char st[QUAKE_ACK_LINE_MAX];
	size_t sn;
	enum quake_err err;

	memset(&ev, 0, sizeof ev);
	memset(&f, 0, sizeof f);
	err = quake_event_parse_line_canon((const char *)data, size, &ev,
	    &canonical, &f);
	memcpy(ack.id, ev.id, sizeof ack.id);
	ack.id[sizeof ack.id - 1] = '\0';
	ack.status = err == QUAKE_OK ? QUAKE_ACK_PRODUCED : QUAKE_ACK_REJECTED;
	ack.line = 1;
	snprintf(ack.error, sizeof ack.error, "%s%s%s", f.field, f.field[0] ? ": " : "",
	    err == QUAKE_OK ? "" : f.reason);
	if ((sn = quake_ack_format(&ack, st, sizeof st)) == 0 ||
	    quake_ack_parse(st, sn, &got, &f) != QUAKE_OK)
		abort();	/* a status line the next tool cannot read */
	if (err != QUAKE_OK)
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
