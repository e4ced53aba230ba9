/* unit_trigger — onset and trigger lines: what the detector writes, and
 * that it reads back the same; every bad field is rejected and named; the
 * Kafka key is the device. */
#include <math.h>
#include <string.h>

#include "lines/trigger.h"
#include "unit.h"

static void
good(void)
{
	struct quake_trigger t = { .device = "phone-\"a\"", .on = 1764576020005724LL,
	    .off = 1764576023694536LL, .peak = 0.972929, .ratio = 18.1292,
	    .has_loc = 1, .lat = 47.37, .lon = 8.54 }, r;
	enum quake_trigger_kind k;
	struct quake_fail f = { "", "" };
	char line[QUAKE_TRIGGER_FORMAT_MAX], key[200];
	size_t n;

	n = quake_trigger_format(&t, line, sizeof line);
	CHECK(quake_trigger_parse(line, n, &r, &k, &f) == QUAKE_OK &&
	    k == QUAKE_TRIGGER_KIND_TRIGGER, "a trigger line reads back (%s %s)", f.field, f.reason);
	CHECK(strcmp(r.device, t.device) == 0 && r.on == t.on && r.off == t.off &&
	    r.peak == t.peak && r.ratio == t.ratio && r.has_loc &&
	    r.lat == t.lat && r.lon == t.lon, "the trigger's fields the same");
	n = quake_trigger_format_onset(&t, line, sizeof line);
	CHECK_STR(line, "{\"kind\":\"onset\",\"device\":\"phone-\\\"a\\\"\",\"on\":\"2025-12-01T08:00:20.005724Z\",\"peak\":0.972929,\"ratio\":18.1292,\"lat\":47.370000,\"lon\":8.540000}",
	    "the onset line");
	CHECK(quake_trigger_parse(line, n, &r, &k, &f) == QUAKE_OK &&
	    k == QUAKE_TRIGGER_KIND_ONSET && r.on == t.on && r.off == 0 && r.peak == t.peak,
	    "an onset line reads back");
	CHECK(quake_trigger_key(line, n, key, sizeof key, &f) == strlen("device:phone-\"a\"") &&
	    strcmp(key, "device:phone-\"a\"") == 0, "its key is the device (%s)", key);
	t.has_loc = 0;
	CHECK(quake_trigger_format_onset(&t, line, sizeof line) == 0,
	    "no onset line without a location");
	n = quake_trigger_format(&t, line, sizeof line);
	CHECK(quake_trigger_parse(line, n, &r, &k, &f) == QUAKE_OK && !r.has_loc,
	    "a trigger line without a location reads back");
}

/* the trigger line as the detector writes it */
static void
trigger_line(void)
{
	struct quake_trigger t = { .device = "phone-1", .on = 1764576000000000LL,
	    .off = 1764576002500000LL, .peak = 0.8125, .ratio = 6.25, .has_loc = 1,
	    .lat = 47.37, .lon = 8.54 };
	char out[QUAKE_TRIGGER_FORMAT_MAX];

	quake_trigger_format(&t, out, sizeof out);
	CHECK_STR(out, "{\"kind\":\"trigger\",\"device\":\"phone-1\",\"on\":\"2025-12-01T08:00:00.000000Z\","
	    "\"off\":\"2025-12-01T08:00:02.500000Z\",\"peak\":0.8125,\"ratio\":6.25,"
	    "\"lat\":47.370000,\"lon\":8.540000}", "trigger line");
	t.has_loc = 0;
	quake_trigger_format(&t, out, sizeof out);
	CHECK(strstr(out, "lat") == NULL, "trigger line without a location has no lat");
}

static void
bad(void)
{
	static const struct { const char *line, *field; } cases[] = {
		{ "not json", "" },
		{ "[1,2]", "" },
		{ "{\"kind\":\"samples\",\"device\":\"a\"}", "kind" },
		{ "{\"kind\":\"onset\",\"device\":\"\",\"on\":\"2025-12-01T08:00:20Z\",\"peak\":1,\"ratio\":4,\"lat\":1,\"lon\":2}", "device" },
		{ "{\"kind\":\"onset\",\"device\":\"a\\u0001\",\"on\":\"2025-12-01T08:00:20Z\",\"peak\":1,\"ratio\":4,\"lat\":1,\"lon\":2}", "device" },
		{ "{\"kind\":\"onset\",\"device\":\"a\",\"on\":\"yesterday\",\"peak\":1,\"ratio\":4,\"lat\":1,\"lon\":2}", "on" },
		{ "{\"kind\":\"onset\",\"device\":\"a\",\"on\":\"2025-12-01T08:00:20Z\",\"off\":\"2025-12-01T08:00:21Z\",\"peak\":1,\"ratio\":4,\"lat\":1,\"lon\":2}", "off" },
		{ "{\"kind\":\"trigger\",\"device\":\"a\",\"on\":\"2025-12-01T08:00:20Z\",\"peak\":1,\"ratio\":4}", "off" },
		{ "{\"kind\":\"trigger\",\"device\":\"a\",\"on\":\"2025-12-01T08:00:20Z\",\"off\":\"2025-12-01T08:00:19Z\",\"peak\":1,\"ratio\":4}", "off" },
		{ "{\"kind\":\"onset\",\"device\":\"a\",\"on\":\"2025-12-01T08:00:20Z\",\"peak\":\"1\",\"ratio\":4,\"lat\":1,\"lon\":2}", "peak" },
		{ "{\"kind\":\"onset\",\"device\":\"a\",\"on\":\"2025-12-01T08:00:20Z\",\"peak\":-1,\"ratio\":4,\"lat\":1,\"lon\":2}", "peak" },
		{ "{\"kind\":\"onset\",\"device\":\"a\",\"on\":\"2025-12-01T08:00:20Z\",\"peak\":1,\"lat\":1,\"lon\":2}", "ratio" },
		{ "{\"kind\":\"onset\",\"device\":\"a\",\"on\":\"2025-12-01T08:00:20Z\",\"peak\":1,\"ratio\":4,\"lat\":1}", "lat" },
		{ "{\"kind\":\"onset\",\"device\":\"a\",\"on\":\"2025-12-01T08:00:20Z\",\"peak\":1,\"ratio\":4,\"lat\":91,\"lon\":2}", "lat" },
		{ "{\"kind\":\"onset\",\"device\":\"a\",\"on\":\"2025-12-01T08:00:20Z\",\"peak\":1,\"ratio\":4}", "lat" },
		{ "{\"kind\":\"onset\",\"device\":\"a\",\"on\":\"2025-12-01T08:00:20Z\",\"peak\":1,\"ratio\":4,\"lat\":1,\"lon\":2,\"x\":0}", "x" },
		{ "{\"kind\":\"onset\",\"kind\":\"onset\",\"device\":\"a\",\"on\":\"2025-12-01T08:00:20Z\",\"peak\":1,\"ratio\":4,\"lat\":1,\"lon\":2}", "" },
	};
	char key[200];

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct quake_trigger t;
		enum quake_trigger_kind k;
		struct quake_fail f = { "", "" };
		enum quake_err err = quake_trigger_parse(cases[i].line,
		    strlen(cases[i].line), &t, &k, &f);
		CHECK(err == QUAKE_EINPUT && strcmp(f.field, cases[i].field) == 0 &&
		    f.reason[0] != '\0', "bad line %zu rejected at [%s] (%s: %s)", i,
		    cases[i].field, f.field, f.reason);
		CHECK(quake_trigger_key(cases[i].line, strlen(cases[i].line), key,
		    sizeof key, &f) == 0, "bad line %zu has no key", i);
	}
}

int
main(void)
{
	good();
	bad();
	trigger_line();
	return unit_failed;
}
