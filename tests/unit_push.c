/* unit_push — Sensor Logger pushes (values nested or flat, other sensors
 * ignored, totalacceleration only when there is no accelerometer, times as
 * numbers or strings, sorted), bad pushes with the field named. */
#include <stdlib.h>
#include <string.h>

#include "lines/push.h"
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
		  QUAKE_OK, "", 2, QUAKE_SAMPLES_ACCEL, 0 },
		{ "flat values, time as string, others ignored, location",
		  "{\"messageId\":4,\"sessionId\":\"s1\",\"deviceId\":\"d1\",\"payload\":["
		  "{\"name\":\"gyroscope\",\"time\":1,\"x\":1,\"y\":2,\"z\":3},"
		  "{\"name\":\"accelerometer\",\"time\":\"1764576000010000000\",\"x\":1,\"y\":2,\"z\":3},"
		  "{\"name\":\"location\",\"time\":1764576000000000000,\"values\":{\"latitude\":47.37,\"longitude\":8.54,\"altitude\":400}},"
		  "{\"name\":\"totalacceleration\",\"time\":1764576000010000000,\"x\":1,\"y\":2,\"z\":12}]}",
		  QUAKE_OK, "", 1, QUAKE_SAMPLES_ACCEL, 1 },
		{ "totalacceleration when no accelerometer",
		  "{\"deviceId\":\"d1\",\"payload\":[{\"name\":\"totalacceleration\",\"time\":1764576000010000000,\"x\":1,\"y\":2,\"z\":9.8}]}",
		  QUAKE_OK, "", 1, QUAKE_SAMPLES_TOTAL, 0 },
		{ "no sensor of ours: no samples",
		  "{\"deviceId\":\"d1\",\"payload\":[{\"name\":\"battery\",\"time\":1,\"values\":{\"batteryLevel\":0.5}}]}",
		  QUAKE_OK, "", 0, QUAKE_SAMPLES_TOTAL, 0 },
		{ "pretty-printed, other sensors of any shape skipped",
		  "{ \"deviceId\" : \"d1\" ,\n \"extra\": [1, {\"a\": [true, false, null]}, \"s\"],\n \"payload\": [\n"
		  " {\"name\": \"wrist\", \"values\": {\"list\": [[1], [2.5e3]], \"ok\": true}},\n"
		  " {\"values\": {\"z\": 3, \"y\": 2, \"x\": 1}, \"time\": 1764576000000000000, \"name\": \"accelerometer\"}\n ] }",
		  QUAKE_OK, "", 1, QUAKE_SAMPLES_ACCEL, 0 },
		{ "text after the object", "{\"deviceId\":\"d\",\"payload\":[]} x", QUAKE_EINPUT, "", 0, 0, 0 },
		{ "nested too deep", "{\"deviceId\":\"d\",\"payload\":[],\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
		  QUAKE_EINPUT, "", 0, 0, 0 },
		{ "messageId a fraction", "{\"deviceId\":\"d\",\"messageId\":1.5,\"payload\":[]}", QUAKE_EINPUT, "messageId", 0, 0, 0 },
		{ "time a fraction of ns is taken", "{\"deviceId\":\"d\",\"payload\":[{\"name\":\"accelerometer\",\"time\":1.7645e18,\"x\":1,\"y\":1,\"z\":1}]}",
		  QUAKE_OK, "", 1, QUAKE_SAMPLES_ACCEL, 0 },
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
	struct quake_samples b;

	quake_samples_init(&b, 4);
	for (size_t i = 0; i < NELEM(t); i++) {
		struct quake_fail f = { "", "" };
		enum quake_err e = quake_push_parse(t[i].body, strlen(t[i].body), &b, &f);
		CHECK(e == t[i].want && strcmp(f.field, t[i].field) == 0 &&
		    (e != QUAKE_OK || (b.n == t[i].n && (b.n == 0 || (int)b.sensor == t[i].sensor) &&
		    b.has_loc == t[i].loc)), "push: %s (%s: %s)", t[i].name, f.field, f.reason);
	}
	quake_samples_free(&b);
}

/* totalacceleration samples are kept from the back of the arrays: they
 * come out in time order, also when they fill more than half of them */
static void
total_order(void)
{
	struct quake_samples b;
	struct quake_fail f;
	char body[4096];
	size_t n = 0;
	int ok;

	quake_samples_init(&b, 5);
	n += (size_t)snprintf(body, sizeof body, "{\"deviceId\":\"d\",\"payload\":[");
	for (int i = 0; i < 5; i++)
		n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"name\":\"totalacceleration\","
		    "\"time\":%d000,\"x\":%d,\"y\":0,\"z\":9.8}", i ? "," : "", 10 + i * (i == 3 ? -3 : 1), i);
	snprintf(body + n, sizeof body - n, "]}");
	ok = quake_push_parse(body, strlen(body), &b, &f) == QUAKE_OK && b.n == 5 &&
	    b.sensor == QUAKE_SAMPLES_TOTAL;
	for (size_t i = 1; ok && i < b.n; i++)
		ok = b.t[i - 1] <= b.t[i];
	CHECK(ok && b.x[0] == 3 && b.x[1] == 0 && b.x[2] == 1 && b.x[4] == 4,
	    "totalacceleration filling the arrays: in time order (%s)", f.reason);
	quake_samples_free(&b);
}

int
main(void)
{
	pushes();
	total_order();
	return unit_failed;
}
