/* unit_quakeml — QuakeML 1.2 BED: the event's parts where ObsPy reads them,
 * depth in metres, type and certainty, escaping, and a well-formed document. */
#include <string.h>

#include "lines/event.h"
#include "fdsn/quakeml.h"
#include "unit.h"

static const char line[] = "{\"id\":\"20261004_0000262\",\"action\":\"update\","
    "\"time\":\"2026-10-04T16:30:36.607605Z\",\"lastupdate\":"
    "\"2026-10-04T16:33:53.711134Z\",\"lat\":58.51,\"lon\":-137.235,\"depth\":5.5,"
    "\"mag\":3.0,\"magtype\":\"ml\",\"region\":\"A <B> & 'C'\","
    "\"evtype\":\"se\",\"auth\":\"AK\",\"source_catalog\":\"EMSC-RTS\","
    "\"source_id\":\"2069478\"}";

int
main(void)
{
	static const char *parts[] = {
		"<event publicID=\"smi:eu.emsc-csem/event/20261004_0000262\">",
		"<description><text>A &lt;B&gt; &amp; &apos;C&apos;</text><type>region name</type></description>",
		"<preferredOriginID>smi:eu.emsc-csem/origin/20261004_0000262</preferredOriginID>",
		"<preferredMagnitudeID>smi:eu.emsc-csem/magnitude/20261004_0000262</preferredMagnitudeID>",
		"<type>earthquake</type><typeCertainty>suspected</typeCertainty>",
		"<creationTime>2026-10-04T16:33:53.711134Z</creationTime>",
		"<time><value>2026-10-04T16:30:36.607605Z</value></time>",
		"<latitude><value>58.51</value></latitude>",
		"<longitude><value>-137.235</value></longitude>",
		"<depth><value>5500.0</value></depth>",
		"<mag><value>3.0</value></mag><type>ml</type>",
		"<agencyID>AK</agencyID>",
		"</event>\n",
	};
	struct quake_event ev;
	struct quake_fail f;
	char out[QUAKE_QUAKEML_EVENT_MAX], head[512], tail[64];
	size_t n;

	CHECK(quake_event_parse_line(line, strlen(line), &ev, &f) == QUAKE_OK,
	    "quakeml fixture line parses");
	n = quake_quakeml_event(&ev, out, sizeof out);
	CHECK(n > 0 && n == strlen(out), "quakeml event written");
	for (size_t i = 0; i < NELEM(parts); i++)
		CHECK(strstr(out, parts[i]) != NULL, "quakeml has [%s]", parts[i]);
	CHECK(quake_quakeml_event(&ev, out, 200) == 0, "quakeml event too small");
	CHECK(quake_quakeml_head(head, sizeof head) > 0 &&
	    strstr(head, "xmlns=\"http://quakeml.org/xmlns/bed/1.2\"") != NULL &&
	    strstr(head, "<eventParameters publicID=") != NULL, "quakeml head");
	CHECK(quake_quakeml_tail(tail, sizeof tail) > 0 &&
	    strcmp(tail, "</eventParameters>\n</q:quakeml>\n") == 0, "quakeml tail");
	CHECK(quake_quakeml_head(head, 20) == 0, "quakeml head too small");
	return unit_failed;
}
