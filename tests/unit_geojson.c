/* unit_geojson — the EMSC Feature shape, byte for byte, and read back by
 * lib/lines/event's FDSN parser into the same event. */
#include <string.h>

#include "lines/event.h"
#include "fdsn/geojson.h"
#include "unit.h"

static const char line[] = "{\"id\":\"20261004_0000262\",\"action\":\"update\","
    "\"time\":\"2026-10-04T16:30:36.607605Z\",\"lastupdate\":"
    "\"2026-10-04T16:33:53.711134Z\",\"lat\":58.51,\"lon\":-137.235,\"depth\":5.0,"
    "\"mag\":3.0,\"magtype\":\"ml\",\"region\":\"SOUTHEASTERN \\\"ALASKA\\\"\","
    "\"evtype\":\"ke\",\"auth\":\"AK\",\"source_catalog\":\"EMSC-RTS\","
    "\"source_id\":\"2069478\"}";

static const char want[] = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\","
    "\"coordinates\":[-137.235,58.51,-5.0]},\"id\":\"20261004_0000262\","
    "\"properties\":{\"source_id\":\"2069478\",\"source_catalog\":\"EMSC-RTS\","
    "\"lastupdate\":\"2026-10-04T16:33:53.711134Z\",\"time\":"
    "\"2026-10-04T16:30:36.607605Z\",\"flynn_region\":\"SOUTHEASTERN \\\"ALASKA\\\"\","
    "\"lat\":58.51,\"lon\":-137.235,\"depth\":5.0,\"evtype\":\"ke\",\"auth\":\"AK\","
    "\"mag\":3.0,\"magtype\":\"ml\",\"unid\":\"20261004_0000262\"}}";

static struct quake_event back;
static int nback;

static int
take(void *arg, size_t index, enum quake_err err, const struct quake_event *ev,
    const struct quake_fail *f, const char *raw)
{
	if (err == QUAKE_OK) {
		back = *ev;
		nback++;
	}
	return 0;
}

int
main(void)
{
	struct quake_event ev;
	struct quake_fail f;
	char out[QUAKE_GEOJSON_FEATURE_MAX], doc[2 * QUAKE_GEOJSON_FEATURE_MAX];
	char a[QUAKE_EVENT_LINE_MAX + 1], b[QUAKE_EVENT_LINE_MAX + 1];
	size_t n, k = 0;

	CHECK(quake_event_parse_line(line, strlen(line), &ev, &f) == QUAKE_OK,
	    "geojson fixture line parses");
	n = quake_geojson_feature(&ev, out, sizeof out);
	CHECK(n == strlen(want), "geojson feature length");
	CHECK_STR(out, want, "geojson feature bytes");
	CHECK(quake_geojson_feature(&ev, out, 100) == 0, "geojson feature too small");
	CHECK(quake_geojson_feature(&ev, out, n) == 0, "geojson feature no room for NUL");
	CHECK(quake_geojson_feature(&ev, out, n + 1) == n, "geojson feature exact room");
	k = quake_geojson_head(1, doc, sizeof doc);
	CHECK_STR(doc, "{\"type\":\"FeatureCollection\",\"metadata\":{\"count\":1},"
	    "\"features\":[", "geojson head");
	k += quake_geojson_feature(&ev, doc + k, sizeof doc - k);
	k += quake_geojson_tail(doc + k, sizeof doc - k);
	CHECK(quake_event_parse_doc(doc, k, take, NULL, NULL, &f) == QUAKE_OK &&
	    nback == 1, "geojson collection read back by lib/lines/event");
	ev.action = QUAKE_ACTION_UPDATE;
	quake_event_format(&ev, a, sizeof a);
	quake_event_format(&back, b, sizeof b);
	CHECK_STR(b, a, "geojson round trip is the same event line");
	ev.depth = 0;
	quake_geojson_feature(&ev, out, sizeof out);
	CHECK(strstr(out, "[-137.235,58.51,0.0]") != NULL, "geojson depth 0 is not -0.0");
	return unit_failed;
}
