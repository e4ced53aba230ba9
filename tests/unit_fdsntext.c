/* unit_fdsntext — the FDSN text format: header and one line, exact. */
#include <string.h>

#include "lines/event.h"
#include "fdsn/fdsntext.h"
#include "unit.h"

int
main(void)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
		{ "{\"id\":\"20151029_0000094\",\"action\":\"update\",\"time\":"
		  "\"2015-10-29T23:20:24.000000Z\",\"lastupdate\":\"2015-10-29T23:37:00.000000Z\","
		  "\"lat\":-29.95,\"lon\":-72.0,\"depth\":18.0,\"mag\":3.4,\"magtype\":\"ml\","
		  "\"region\":\"OFFSHORE COQUIMBO, CHILE\",\"evtype\":\"ke\",\"auth\":\"GUC\","
		  "\"source_catalog\":\"EMSC-RTS\",\"source_id\":\"467245\"}",
		  "20151029_0000094|2015-10-29T23:20:24.000000|-29.95|-72.0|18.0|GUC|"
		  "EMSC-RTS|GUC|467245|ml|3.4|GUC|OFFSHORE COQUIMBO, CHILE|earthquake\n" },
		{ "{\"id\":\"x1\",\"action\":\"create\",\"time\":"
		  "\"2026-01-01T00:00:00.000000Z\",\"lastupdate\":\"2026-01-01T00:00:00.000000Z\","
		  "\"lat\":1.5,\"lon\":2.25,\"depth\":0.0,\"mag\":-0.5,\"magtype\":\"md\","
		  "\"region\":\"A|B\",\"evtype\":\"sq\",\"auth\":\"\","
		  "\"source_catalog\":\"EMSC-RTS\",\"source_id\":\"1\"}",
		  "x1|2026-01-01T00:00:00.000000|1.5|2.25|0.0||EMSC-RTS||1|md|-0.5||A B|"
		  "quarry blast\n" },
	};
	struct quake_event ev;
	struct quake_fail f;
	char out[QUAKE_FDSNTEXT_EVENT_MAX];

	quake_fdsntext_head(out, sizeof out);
	CHECK_STR(out, "#EventID|Time|Latitude|Longitude|Depth/km|Author|Catalog|"
	    "Contributor|ContributorID|MagType|Magnitude|MagAuthor|EventLocationName|"
	    "EventType\n", "fdsntext header");
	CHECK(quake_fdsntext_head(out, 10) == 0, "fdsntext header too small");
	for (size_t i = 0; i < NELEM(cases); i++) {
		int ok = quake_event_parse_line(cases[i].line, strlen(cases[i].line),
		    &ev, &f) == QUAKE_OK;

		CHECK(ok, "fdsntext case %zu parses (%s: %s)", i, f.field, f.reason);
		if (!ok)
			continue;
		CHECK(quake_fdsntext_event(&ev, out, sizeof out) == strlen(cases[i].want),
		    "fdsntext case %zu length", i);
		CHECK_STR(out, cases[i].want, "fdsntext case %zu line", i);
		CHECK(quake_fdsntext_event(&ev, out, 20) == 0, "fdsntext case %zu too small", i);
	}
	return unit_failed;
}
