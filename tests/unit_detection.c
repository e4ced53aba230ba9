/* unit_detection — the detection line written, and read as quake-alert and
 * quake-map read it: accepted as written, rejected naming the field. */
#include <stdio.h>
#include <string.h>

#include "lines/detection.h"
#include "unit.h"

/* the detection line as the detector writes it */
static void
detection_line(void)
{
	struct quake_detection d = { .id = "shake-20251201T080000-abcdef",
	    .time = 1764576000000000LL, .lat = 47.376667, .lon = 8.523333,
	    .peak = 0.9, .radius_km = 2.5, .devices = 3 };
	char out[QUAKE_DETECTION_FORMAT_MAX];

	quake_detection_format(&d, out, sizeof out);
	CHECK_STR(out, "{\"kind\":\"detection\",\"id\":\"shake-20251201T080000-abcdef\","
	    "\"time\":\"2025-12-01T08:00:00.000000Z\",\"lat\":47.376667,\"lon\":8.523333,"
	    "\"devices\":3,\"peak\":0.9,\"radius_km\":2.500}", "detection line");
	CHECK(quake_detection_format(&d, out, 20) == 0, "detection line too long for the buffer: 0");
}

/* detection lines read by quake-alert and quake-map: accepted as written,
 * rejected naming the field */
static void
detection_lines(void)
{
#define DL "{\"kind\":\"detection\",\"id\":\"shake-20251201T080040-c99ddf\"," \
	"\"time\":\"2025-12-01T08:00:40.016111Z\",\"lat\":47.376667,\"lon\":8.523333,"
	static const struct {
		const char *line, *field;	/* field NULL: accepted */
	} cases[] = {
		{ DL "\"devices\":3,\"peak\":0.732688,\"radius_km\":2.299}", NULL },
		{ " { \"radius_km\" : 0 , \"peak\":0,\"devices\":1,\"lon\":-180,\"lat\":90,"
		  "\"time\":\"2025-12-01T08:00:40Z\",\"id\":\"a\\\"b\",\"kind\":\"detection\"} ", NULL },
		{ DL "\"devices\":3,\"peak\":0.7}", "radius_km" },
		{ DL "\"devices\":3,\"peak\":0.7,\"radius_km\":1,\"x\":1}", "x" },
		{ DL "\"devices\":3,\"peak\":0.7,\"radius_km\":1,\"peak\":1}", "" },
		{ DL "\"devices\":0,\"peak\":0.7,\"radius_km\":1}", "devices" },
		{ DL "\"devices\":2.5,\"peak\":0.7,\"radius_km\":1}", "devices" },
		{ DL "\"devices\":\"3\",\"peak\":0.7,\"radius_km\":1}", "devices" },
		{ DL "\"devices\":3,\"peak\":-1,\"radius_km\":1}", "peak" },
		{ DL "\"devices\":3,\"peak\":1,\"radius_km\":-1}", "radius_km" },
		{ "{\"kind\":\"trigger\",\"id\":\"x\",\"time\":\"2025-12-01T08:00:40Z\",\"lat\":1,"
		  "\"lon\":1,\"devices\":3,\"peak\":1,\"radius_km\":1}", "kind" },
		{ "{\"kind\":\"detection\",\"id\":\"\",\"time\":\"2025-12-01T08:00:40Z\",\"lat\":1,"
		  "\"lon\":1,\"devices\":3,\"peak\":1,\"radius_km\":1}", "id" },
		{ "{\"kind\":\"detection\",\"id\":\"a\\u0001\",\"time\":\"2025-12-01T08:00:40Z\","
		  "\"lat\":1,\"lon\":1,\"devices\":3,\"peak\":1,\"radius_km\":1}", "id" },
		{ "{\"kind\":\"detection\",\"id\":\"0123456789012345678901234567890123456789"
		  "012345678901234567890123\",\"time\":\"2025-12-01T08:00:40Z\",\"lat\":1,"
		  "\"lon\":1,\"devices\":3,\"peak\":1,\"radius_km\":1}", "id" },
		{ "{\"kind\":\"detection\",\"id\":\"x\",\"time\":\"yesterday\",\"lat\":1,"
		  "\"lon\":1,\"devices\":3,\"peak\":1,\"radius_km\":1}", "time" },
		{ "{\"kind\":\"detection\",\"id\":\"x\",\"time\":\"2025-12-01T08:00:40Z\",\"lat\":91,"
		  "\"lon\":1,\"devices\":3,\"peak\":1,\"radius_km\":1}", "lat" },
		{ "{\"kind\":\"detection\",\"id\":\"x\",\"time\":\"2025-12-01T08:00:40Z\",\"lat\":1,"
		  "\"lon\":180.5,\"devices\":3,\"peak\":1,\"radius_km\":1}", "lon" },
		{ "{\"kind\":\"detection\",\"id\":\"x\",\"time\":\"2025-12-01T08:00:40Z\",\"lat\":null,"
		  "\"lon\":1,\"devices\":3,\"peak\":1,\"radius_km\":1}", "lat" },
		{ DL "\"devices\":3,\"peak\":0.7,\"radius_km\":1} x", "" },
		{ DL "\"devices\":3,\"peak\":0.7,\"radius_km\":1", "" },
		{ "[1,2]", "" },
		{ "", "" },
		{ "{\"id\":\"20240330_0000303\",\"action\":\"update\"}", "action" },
	};
	struct quake_detection d;
	struct quake_fail f;
	char out[QUAKE_DETECTION_FORMAT_MAX];

	for (size_t i = 0; i < NELEM(cases); i++) {
		enum quake_err err;
		f.field[0] = f.reason[0] = '\0';
		err = quake_detection_parse(cases[i].line, strlen(cases[i].line), &d, &f);
		if (cases[i].field == NULL)
			CHECK(err == QUAKE_OK, "detection %zu accepted (%s)", i, f.reason);
		else
			CHECK(err == QUAKE_EINPUT && strcmp(f.field, cases[i].field) == 0,
			    "detection %zu rejected, field \"%s\" (got \"%s\": %s)", i,
			    cases[i].field, f.field, f.reason);
	}
	quake_detection_parse(cases[0].line, strlen(cases[0].line), &d, &f);
	CHECK(d.time == 1764576040016111LL && d.devices == 3 && d.peak == 0.732688 &&
	    d.radius_km == 2.299 && strcmp(d.id, "shake-20251201T080040-c99ddf") == 0,
	    "detection: the golden line's values");
	quake_detection_format(&d, out, sizeof out);
	CHECK_STR(out, cases[0].line, "detection: the golden line is written back byte for byte");
	quake_detection_parse(cases[1].line, strlen(cases[1].line), &d, &f);
	quake_detection_format(&d, out, sizeof out);
	CHECK(strstr(out, "{\"kind\":\"detection\",\"id\":\"a\\\"b\",") == out &&
	    quake_detection_parse(out, strlen(out), &d, &f) == QUAKE_OK &&
	    strcmp(d.id, "a\"b") == 0, "detection: an id with a quote is escaped and reads back");
	snprintf(d.id, sizeof d.id, "a\\b\001");
	quake_detection_format(&d, out, sizeof out);
	CHECK(strstr(out, "\"id\":\"a\\\\b\\u0001\"") != NULL,
	    "detection: backslash and control byte escaped");
	CHECK(quake_detection_parse(cases[0].line, QUAKE_DETECTION_LINE_MAX + 1, &d, &f) ==
	    QUAKE_EINPUT, "detection: over %d bytes rejected", QUAKE_DETECTION_LINE_MAX);
#undef DL
}

int
main(void)
{
	detection_lines();
	detection_line();
	return unit_failed;
}
