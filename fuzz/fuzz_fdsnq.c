/* fuzz_fdsnq — FDSN query strings: never crashes; what it accepts is
 * consistent (bounds in order, limits positive, a known format) and a
 * fixed event can be matched and written in every format. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fdsn/fdsnq.h"
#include "fdsn/fdsntext.h"
#include "fdsn/geojson.h"
#include "fdsn/quakeml.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char line[] = "{\"id\":\"20261004_0000262\",\"action\":\"update\","
	    "\"time\":\"2026-10-04T16:30:36.607605Z\",\"lastupdate\":"
	    "\"2026-10-04T16:33:53.711134Z\",\"lat\":58.51,\"lon\":-137.235,"
	    "\"depth\":5.0,\"mag\":3.0,\"magtype\":\"ml\",\"region\":\"A <&> B\","
	    "\"evtype\":\"ke\",\"auth\":\"AK\",\"source_catalog\":\"EMSC-RTS\","
	    "\"source_id\":\"2069478\"}";
	struct quake_fdsnq q;
	struct quake_fail f;
	struct quake_event ev;
	char out[QUAKE_QUAKEML_EVENT_MAX];
	int64_t us;

	if (quake_fdsnq_parse((const char *)data, size, &q, &f) == QUAKE_OK) {
		if (q.start > q.end || q.minlat > q.maxlat || q.mindepth > q.maxdepth ||
		    q.minmag > q.maxmag || q.minradius > q.maxradius ||
		    q.limit < 0 || q.offset < 1 || (unsigned)q.format > QUAKE_FDSNQ_JSON ||
		    (q.nodata != 204 && q.nodata != 404) ||
		    memchr(q.eventid, '\0', sizeof q.eventid) == NULL)
			abort();
		if (quake_event_parse_line(line, sizeof line - 1, &ev, &f) != QUAKE_OK)
			abort();
		(void)quake_fdsnq_match(&q, &ev);
		if (quake_quakeml_event(&ev, out, sizeof out) == 0 ||
		    quake_fdsntext_event(&ev, out, sizeof out) == 0 ||
		    quake_geojson_feature(&ev, out, sizeof out) == 0)
			abort();
	}
	(void)quake_fdsnq_time((const char *)data, size, &us, &f);
	return 0;
}
