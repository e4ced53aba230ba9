/* fuzz_fdsn — FDSN pages (FeatureCollections) as emsc-tail's back-fill
 * reads them: never crashes; each event handed out validates and formats
 * into a line that parses back to the same event. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lines/event.h"

static int
each(void *arg, size_t index, enum quake_err err, const struct quake_event *ev,
    const struct quake_fail *f, const char *raw)
{
	char line[QUAKE_EVENT_LINE_MAX + 1];
	struct quake_event back;
	struct quake_fail ff;
	size_t n;

	(void)arg; (void)index; (void)f; (void)raw;
	if (err != QUAKE_OK)
		return 0;
	if (quake_event_validate(ev, &ff) != QUAKE_OK)
		abort();
	if ((n = quake_event_format(ev, line, sizeof line)) == 0)
		abort();
	if (quake_event_parse_line(line, n, &back, &ff) != QUAKE_OK ||
	    strcmp(back.id, ev->id) != 0 || back.lastupdate != ev->lastupdate)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quake_fail f;
	size_t n;

	quake_event_parse_doc((const char *)data, size, each, NULL, &n, &f);
	return 0;
}
