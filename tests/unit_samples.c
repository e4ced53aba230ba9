/* unit_sample — Sensor Logger pushes (values nested or flat, other sensors
 * ignored, totalacceleration only when there is no accelerometer, times as
 * numbers or strings, sorted), bad pushes with the field named, the
 * sample-batch line written and read back, trigger and detection lines. */
#include <stdlib.h>
#include <string.h>

#include "lines/sample.h"
#include "unit.h"

static void
pushes(void)
{
	static const struct {
		const char *name, *body;
		enum quake_err want;
		const char *field;
		size_t n;
		int sensor, loc;
	} t[] = {
		{ "nested values", "{\"messageId\":3,\"sessionId\":\"s1\",\"deviceId\":\"d1\",\"payload\":["
		  "{\"name\":\"accelerometer\",\"time\":1764576000000000000,\"values\":{\"x\":0.1,\"y\":-0.2,\"z\":0.3}},"
		  "{\"name\":\"accelerometer\",\"time\":1764576000010000000,\"values\":{\"x\":0.1,\"y\":0,\"z\":1}}]}",
		  QUAKE_OK, "", 2, QUAKE_SENSOR_ACCEL, 0 },
		{ "flat values, time as string, others ignored, location",
		  "{\"messageId\":4,\"sessionId\":\"s1\",\"deviceId\":\"d1\",\"payload\":["
		  "{\"name\":\"gyroscope\",\"time\":1,\"x\":1,\"y\":2,\"z\":3},"
		  "{\"name\":\"accelerometer\",\"time\":\"1764576000010000000\",\"x\":1,\"y\":2,\"z\":3},"
		  "{\"name\":\"location\",\"time\":1764576000000000000,\"values\":{\"latitude\":47.37,\"longitude\":8.54,\"altitude\":400}},"
		  "{\"name\":\"totalacceleration\",\"time\":1764576000010000000,\"x\":1,\"y\":2,\"z\":12}]}",
		  QUAKE_OK, "", 1, QUAKE_SENSOR_ACCEL, 1 },
		{ "totalacceleration when no accelerometer",
		  "{\"deviceId\":\"d1\",\"payload\":[{\"name\":\"totalacceleration\",\"time\":1764576000010000000,\"x\":1,\"y\":2,\"z\":9.8}]}",
		  QUAKE_OK, "", 1, QUAKE_SENSOR_TOTAL, 0 },
		{ "no sensor of ours: no samples",
		  "{\"deviceId\":\"d1\",\"payload\":[{\"name\":\"battery\",\"time\":1,\"values\":{\"batteryLevel\":0.5}}]}",
		  QUAKE_OK, "", 0, QUAKE_SENSOR_TOTAL, 0 },
		{ "pretty-printed, other sensors of any shape skipped",
		  "{ \"deviceId\" : \"d1\" ,\n \"extra\": [1, {\"a\": [true, false, null]}, \"s\"],\n \"payload\": [\n"
		  " {\"name\": \"wrist\", \"values\": {\"list\": [[1], [2.5e3]], \"ok\": true}},\n"
		  " {\"values\": {\"z\": 3, \"y\": 2, \"x\": 1}, \"time\": 1764576000000000000, \"name\": \"accelerometer\"}\n ] }",
		  QUAKE_OK, "", 1, QUAKE_SENSOR_ACCEL, 0 },
		{ "text after the object", "{\"deviceId\":\"d\",\"payload\":[]} x", QUAKE_EINPUT, "", 0, 0, 0 },
		{ "nested too deep", "{\"deviceId\":\"d\",\"payload\":[],\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
		  QUAKE_EINPUT, "", 0, 0, 0 },
		{ "messageId a fraction", "{\"deviceId\":\"d\",\"messageId\":1.5,\"payload\":[]}", QUAKE_EINPUT, "messageId", 0, 0, 0 },
		{ "time a fraction of ns is taken", "{\"deviceId\":\"d\",\"payload\":[{\"name\":\"accelerometer\",\"time\":1.7645e18,\"x\":1,\"y\":1,\"z\":1}]}",
		  QUAKE_OK, "", 1, QUAKE_SENSOR_ACCEL, 0 },
		{ "not JSON", "{\"deviceId\":", QUAKE_EINPUT, "", 0, 0, 0 },
		{ "no deviceId", "{\"payload\":[]}", QUAKE_EINPUT, "deviceId", 0, 0, 0 },
		{ "payload not an array", "{\"deviceId\":\"d\",\"payload\":{}}", QUAKE_EINPUT, "payload", 0, 0, 0 },
		{ "x missing", "{\"deviceId\":\"d\",\"payload\":[{\"name\":\"accelerometer\",\"time\":1,\"values\":{\"y\":1,\"z\":1}}]}",
		  QUAKE_EINPUT, "payload[0]", 0, 0, 0 },
		{ "x a string", "{\"deviceId\":\"d\",\"payload\":[{\"name\":\"accelerometer\",\"time\":1,\"x\":\"1\",\"y\":1,\"z\":1}]}",
		  QUAKE_EINPUT, "payload[0]", 0, 0, 0 },
		{ "negative time", "{\"deviceId\":\"d\",\"payload\":[{\"name\":\"accelerometer\",\"time\":-5,\"x\":1,\"y\":1,\"z\":1}]}",
		  QUAKE_EINPUT, "payload[0]", 0, 0, 0 },
		{ "latitude 91", "{\"deviceId\":\"d\",\"payload\":[{\"name\":\"location\",\"time\":1,\"latitude\":91,\"longitude\":1}]}",
		  QUAKE_EINPUT, "payload[0]", 0, 0, 0 },
		{ "control character in deviceId", "{\"deviceId\":\"a\\u0001\",\"payload\":[]}",
		  QUAKE_EINPUT, "deviceId", 0, 0, 0 },
		{ "duplicate key", "{\"deviceId\":\"a\",\"deviceId\":\"b\",\"payload\":[]}",
		  QUAKE_EINPUT, "", 0, 0, 0 },
		{ "samples 28 years apart (fuzz)", "{\"deviceId\":\"d\",\"payload\":["
		  "{\"name\":\"accelerometer\",\"time\":1764576000000000000,\"x\":1,\"y\":1,\"z\":1},"
		  "{\"name\":\"accelerometer\",\"time\":\"0882288000005000000\",\"x\":1,\"y\":1,\"z\":1}]}",
		  QUAKE_EINPUT, "payload", 0, 0, 0 },
		{ "more samples than the cap", "{\"deviceId\":\"d\",\"payload\":["
		  "{\"name\":\"accelerometer\",\"time\":1,\"x\":1,\"y\":1,\"z\":1},"
		  "{\"name\":\"accelerometer\",\"time\":2,\"x\":1,\"y\":1,\"z\":1},"
		  "{\"name\":\"accelerometer\",\"time\":3,\"x\":1,\"y\":1,\"z\":1},"
		  "{\"name\":\"accelerometer\",\"time\":4,\"x\":1,\"y\":1,\"z\":1},"
		  "{\"name\":\"accelerometer\",\"time\":5,\"x\":1,\"y\":1,\"z\":1}]}",
		  QUAKE_EINPUT, "payload", 0, 0, 0 },
	};
	struct quake_sample_batch b;

	quake_sample_batch_init(&b, 4);
	for (size_t i = 0; i < NELEM(t); i++) {
		struct quake_fail f = { "", "" };
		enum quake_err e = quake_sample_parse_push(t[i].body, strlen(t[i].body), &b, &f);
		CHECK(e == t[i].want && strcmp(f.field, t[i].field) == 0 &&
		    (e != QUAKE_OK || (b.n == t[i].n && (b.n == 0 || (int)b.sensor == t[i].sensor) &&
		    b.has_loc == t[i].loc)), "push: %s (%s: %s)", t[i].name, f.field, f.reason);
	}
	quake_sample_batch_free(&b);
}

/* totalacceleration samples are kept from the back of the arrays: they
 * come out in time order, also when they fill more than half of them */
static void
total_order(void)
{
	struct quake_sample_batch b;
	struct quake_fail f;
	char body[4096];
	size_t n = 0;
	int ok;

	quake_sample_batch_init(&b, 5);
	n += (size_t)snprintf(body, sizeof body, "{\"deviceId\":\"d\",\"payload\":[");
	for (int i = 0; i < 5; i++)
		n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"name\":\"totalacceleration\","
		    "\"time\":%d000,\"x\":%d,\"y\":0,\"z\":9.8}", i ? "," : "", 10 + i * (i == 3 ? -3 : 1), i);
	snprintf(body + n, sizeof body - n, "]}");
	ok = quake_sample_parse_push(body, strlen(body), &b, &f) == QUAKE_OK && b.n == 5 &&
	    b.sensor == QUAKE_SENSOR_TOTAL;
	for (size_t i = 1; ok && i < b.n; i++)
		ok = b.t[i - 1] <= b.t[i];
	CHECK(ok && b.x[0] == 3 && b.x[1] == 0 && b.x[2] == 1 && b.x[4] == 4,
	    "totalacceleration filling the arrays: in time order (%s)", f.reason);
	quake_sample_batch_free(&b);
}

static void
sorted_and_line(void)
{
	const char *body = "{\"messageId\":7,\"sessionId\":\"s\\\"1\",\"deviceId\":\"phone-1\",\"payload\":["
	    "{\"name\":\"accelerometer\",\"time\":1764576000020000000,\"x\":0.0000004,\"y\":-1.25,\"z\":3}," 
	    "{\"name\":\"accelerometer\",\"time\":1764576000000000000,\"x\":0.1234567,\"y\":-0.000002,\"z\":0},"
	    "{\"name\":\"location\",\"time\":1764576000000000000,\"latitude\":47.37,\"longitude\":8.54}]}";
	const char *want = "{\"kind\":\"samples\",\"device\":\"phone-1\",\"session\":\"s\\\"1\","
	    "\"msg\":7,\"sensor\":\"accelerometer\",\"t0\":\"2025-12-01T08:00:00.000000Z\","
	    "\"rate\":50,\"t\":[0,20000],\"x\":[0.123457,0],\"y\":[-0.000002,-1.25],"
	    "\"z\":[0,3],\"lat\":47.370000,\"lon\":8.540000}";
	struct quake_sample_batch b, c;
	struct quake_fail f;
	char *line = NULL;
	size_t cap = 0, len;

	quake_sample_batch_init(&b, 16);
	quake_sample_batch_init(&c, 16);
	CHECK(quake_sample_parse_push(body, strlen(body), &b, &f) == QUAKE_OK &&
	    b.n == 2 && b.t[0] == 1764576000000000LL, "push samples sorted by time");
	len = quake_sample_format_line(&b, &line, &cap);
	CHECK_STR(line, want, "sample-batch line");
	CHECK(quake_sample_parse_line(line, len, &c, &f) == QUAKE_OK && c.n == 2 &&
	    c.t[1] == b.t[1] && c.y[1] == -1.25 && c.has_loc && c.lat == 47.37 &&
	    strcmp(c.session, "s\"1") == 0 && c.msg == 7, "sample-batch line reads back (%s)", f.reason);
	{	/* no sessionId: an empty session reads back (fuzz) */
		const char *nos = "{\"deviceId\":\"d\",\"payload\":[{\"name\":\"accelerometer\","
		    "\"time\":1,\"x\":1,\"y\":1,\"z\":1}]}";
		CHECK(quake_sample_parse_push(nos, strlen(nos), &b, &f) == QUAKE_OK &&
		    (len = quake_sample_format_line(&b, &line, &cap)) > 0 &&
		    quake_sample_parse_line(line, len, &c, &f) == QUAKE_OK && c.session[0] == '\0',
		    "a push without sessionId reads back from its line");
	}
	{
		static const struct { const char *name, *line, *field; } bad[] = {
			{ "unknown field", "{\"kind\":\"samples\",\"zz\":1}", "zz" },
			{ "event line", "{\"id\":\"x\"}", "id" },
			{ "wrong kind", "{\"kind\":\"trigger\"}", "kind" },
			{ "t shorter than x", "{\"kind\":\"samples\",\"device\":\"d\",\"msg\":1,\"sensor\":\"accelerometer\","
			  "\"t0\":\"2025-12-01T08:00:00Z\",\"rate\":1,\"t\":[0],\"x\":[1,2],\"y\":[1],\"z\":[1]}", "x" },
			{ "t going back", "{\"kind\":\"samples\",\"device\":\"d\",\"msg\":1,\"sensor\":\"accelerometer\","
			  "\"t0\":\"2025-12-01T08:00:00Z\",\"rate\":1,\"t\":[5,0],\"x\":[1,2],\"y\":[1,1],\"z\":[1,1]}", "t" },
			{ "bad t0", "{\"kind\":\"samples\",\"device\":\"d\",\"msg\":1,\"sensor\":\"accelerometer\","
			  "\"t0\":\"yesterday\",\"rate\":1,\"t\":[0],\"x\":[1],\"y\":[1],\"z\":[1]}", "t0" },
			{ "bad sensor", "{\"kind\":\"samples\",\"device\":\"d\",\"msg\":1,\"sensor\":\"gyro\"}", "sensor" },
		};
		for (size_t i = 0; i < NELEM(bad); i++) {
			memset(&f, 0, sizeof f);
			CHECK(quake_sample_parse_line(bad[i].line, strlen(bad[i].line), &c, &f) ==
			    QUAKE_EINPUT && strcmp(f.field, bad[i].field) == 0,
			    "sample line rejected: %s (%s: %s)", bad[i].name, f.field, f.reason);
		}
	}
	{	/* Kafka keys: the location's 0.5-degree cell, else the device */
		char key[32 + QUAKE_SAMPLE_ID_MAX] = "";
		const char *south = "{\"kind\":\"samples\",\"device\":\"d\",\"msg\":1,"
		    "\"sensor\":\"accelerometer\",\"t0\":\"2025-12-01T08:00:00Z\",\"rate\":1,"
		    "\"t\":[0],\"x\":[1],\"y\":[1],\"z\":[1],\"lat\":-33.45,\"lon\":-70.66}";
		quake_sample_parse_push(body, strlen(body), &b, &f);
		len = quake_sample_format_line(&b, &line, &cap);
		CHECK(quake_sample_key(line, len, &c, key, sizeof key, &f) > 0 &&
		    strcmp(key, "cell:94:17") == 0, "key of a line at 47.37, 8.54: cell:94:17");
		CHECK(quake_sample_key(south, strlen(south), &c, key, sizeof key, &f) > 0 &&
		    strcmp(key, "cell:-67:-142") == 0, "key south and west: cell:-67:-142");
		b.has_loc = 0;
		len = quake_sample_format_line(&b, &line, &cap);
		CHECK(quake_sample_key(line, len, &c, key, sizeof key, &f) > 0 &&
		    strcmp(key, "device:phone-1") == 0, "key without a location: device:phone-1");
		CHECK(quake_sample_key("{\"id\":\"x\"}", 10, &c, key, sizeof key, &f) == 0,
		    "an event line is no sample line: no key");
	}
	free(line);
	quake_sample_batch_free(&b);
	quake_sample_batch_free(&c);
}

static void
trigger_detection(void)
{
	struct quake_trigger t = { .device = "phone-1", .on = 1764576000000000LL,
	    .off = 1764576002500000LL, .peak = 0.8125, .ratio = 6.25, .has_loc = 1,
	    .lat = 47.37, .lon = 8.54 };
	struct quake_detection d = { .id = "shake-20251201T080000-abcdef",
	    .time = 1764576000000000LL, .lat = 47.376667, .lon = 8.523333,
	    .peak = 0.9, .radius_km = 2.5, .devices = 3 };
	char out[QUAKE_SAMPLE_LINE_MAX];

	quake_sample_format_trigger(&t, out, sizeof out);
	CHECK_STR(out, "{\"kind\":\"trigger\",\"device\":\"phone-1\",\"on\":\"2025-12-01T08:00:00.000000Z\","
	    "\"off\":\"2025-12-01T08:00:02.500000Z\",\"peak\":0.8125,\"ratio\":6.25,"
	    "\"lat\":47.370000,\"lon\":8.540000}", "trigger line");
	t.has_loc = 0;
	quake_sample_format_trigger(&t, out, sizeof out);
	CHECK(strstr(out, "lat") == NULL, "trigger line without a location has no lat");
	quake_sample_format_detection(&d, out, sizeof out);
	CHECK_STR(out, "{\"kind\":\"detection\",\"id\":\"shake-20251201T080000-abcdef\","
	    "\"time\":\"2025-12-01T08:00:00.000000Z\",\"lat\":47.376667,\"lon\":8.523333,"
	    "\"devices\":3,\"peak\":0.9,\"radius_km\":2.500}", "detection line");
	CHECK(quake_sample_format_detection(&d, out, 20) == 0, "detection line too long for the buffer: 0");
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
	char out[QUAKE_SAMPLE_LINE_MAX];

	for (size_t i = 0; i < NELEM(cases); i++) {
		enum quake_err err;
		f.field[0] = f.reason[0] = '\0';
		err = quake_sample_parse_detection(cases[i].line, strlen(cases[i].line), &d, &f);
		if (cases[i].field == NULL)
			CHECK(err == QUAKE_OK, "detection %zu accepted (%s)", i, f.reason);
		else
			CHECK(err == QUAKE_EINPUT && strcmp(f.field, cases[i].field) == 0,
			    "detection %zu rejected, field \"%s\" (got \"%s\": %s)", i,
			    cases[i].field, f.field, f.reason);
	}
	quake_sample_parse_detection(cases[0].line, strlen(cases[0].line), &d, &f);
	CHECK(d.time == 1764576040016111LL && d.devices == 3 && d.peak == 0.732688 &&
	    d.radius_km == 2.299 && strcmp(d.id, "shake-20251201T080040-c99ddf") == 0,
	    "detection: the golden line's values");
	quake_sample_format_detection(&d, out, sizeof out);
	CHECK_STR(out, cases[0].line, "detection: the golden line is written back byte for byte");
	quake_sample_parse_detection(cases[1].line, strlen(cases[1].line), &d, &f);
	quake_sample_format_detection(&d, out, sizeof out);
	CHECK(strstr(out, "{\"kind\":\"detection\",\"id\":\"a\\\"b\",") == out &&
	    quake_sample_parse_detection(out, strlen(out), &d, &f) == QUAKE_OK &&
	    strcmp(d.id, "a\"b") == 0, "detection: an id with a quote is escaped and reads back");
	snprintf(d.id, sizeof d.id, "a\\b\001");
	quake_sample_format_detection(&d, out, sizeof out);
	CHECK(strstr(out, "\"id\":\"a\\\\b\\u0001\"") != NULL,
	    "detection: backslash and control byte escaped");
	CHECK(quake_sample_parse_detection(cases[0].line, QUAKE_DETECTION_LINE_MAX + 1, &d, &f) ==
	    QUAKE_EINPUT, "detection: over %d bytes rejected", QUAKE_DETECTION_LINE_MAX);
#undef DL
}

int
main(void)
{
	detection_lines();
	pushes();
	total_order();
	sorted_and_line();
	trigger_detection();
	return unit_failed;
}
