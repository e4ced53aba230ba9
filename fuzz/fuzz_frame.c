/* fuzz_frame — WebSocket frames and FDSN documents: never crashes; every
 * event it yields formats to a line the line parser accepts. */
#include <stdint.h>
#include <stdlib.h>

#include "lines/event.h"

static int
on_event(void *arg, size_t i, enum quake_err err, const struct quake_event *ev,
    const struct quake_fail *f, const char *raw)
{
	char line[QUAKE_EVENT_LINE_MAX + 1];
	struct quake_event back;
	struct quake_fail ff;
	size_t n;

	(void)arg, (void)i, (void)f, (void)raw;
	if (err != QUAKE_OK)
		return 0;
	if ((n = quake_event_format(ev, line, sizeof line)) == 0 ||
	    quake_event_parse_line(line, n, &back, &ff) != QUAKE_OK)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quake_fail f;

	quake_event_parse_doc((const char *)data, size, on_event, NULL, NULL, &f);
	return 0;
}
