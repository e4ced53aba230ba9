/* unit_samples — the sample-batch line written from a push and read back,
 * bad lines rejected with the field named, and its Kafka key. */
#include <stdlib.h>
#include <string.h>

#include "lines/push.h"
#include "lines/samples.h"
#include "unit.h"

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
	struct quake_samples b, c;
	struct quake_fail f;
	char *line = NULL;
	size_t cap = 0, len;

	quake_samples_init(&b, 16);
	quake_samples_init(&c, 16);
	CHECK(quake_push_parse(body, strlen(body), &b, &f) == QUAKE_OK &&
	    b.n == 2 && b.t[0] == 1764576000000000LL, "push samples sorted by time");
	len = quake_samples_format(&b, &line, &cap);
	CHECK_STR(line, want, "sample-batch line");
	CHECK(quake_samples_parse(line, len, &c, &f) == QUAKE_OK && c.n == 2 &&
	    c.t[1] == b.t[1] && c.y[1] == -1.25 && c.has_loc && c.lat == 47.37 &&
	    strcmp(c.session, "s\"1") == 0 && c.msg == 7, "sample-batch line reads back (%s)", f.reason);
	{	/* no sessionId: an empty session reads back (fuzz) */
		const char *nos = "{\"deviceId\":\"d\",\"payload\":[{\"name\":\"accelerometer\","
		    "\"time\":1,\"x\":1,\"y\":1,\"z\":1}]}";
		CHECK(quake_push_parse(nos, strlen(nos), &b, &f) == QUAKE_OK &&
		    (len = quake_samples_format(&b, &line, &cap)) > 0 &&
		    quake_samples_parse(line, len, &c, &f) == QUAKE_OK && c.session[0] == '\0',
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
			CHECK(quake_samples_parse(bad[i].line, strlen(bad[i].line), &c, &f) ==
			    QUAKE_EINPUT && strcmp(f.field, bad[i].field) == 0,
			    "sample line rejected: %s (%s: %s)", bad[i].name, f.field, f.reason);
		}
	}
	{	/* Kafka keys: the location's 0.5-degree cell, else the device */
		char key[32 + QUAKE_SAMPLES_ID_MAX] = "";
		const char *south = "{\"kind\":\"samples\",\"device\":\"d\",\"msg\":1,"
		    "\"sensor\":\"accelerometer\",\"t0\":\"2025-12-01T08:00:00Z\",\"rate\":1,"
		    "\"t\":[0],\"x\":[1],\"y\":[1],\"z\":[1],\"lat\":-33.45,\"lon\":-70.66}";
		quake_push_parse(body, strlen(body), &b, &f);
		len = quake_samples_format(&b, &line, &cap);
		CHECK(quake_samples_key(line, len, &c, key, sizeof key, &f) > 0 &&
		    strcmp(key, "cell:94:17") == 0, "key of a line at 47.37, 8.54: cell:94:17");
		CHECK(quake_samples_key(south, strlen(south), &c, key, sizeof key, &f) > 0 &&
		    strcmp(key, "cell:-67:-142") == 0, "key south and west: cell:-67:-142");
		b.has_loc = 0;
		len = quake_samples_format(&b, &line, &cap);
		CHECK(quake_samples_key(line, len, &c, key, sizeof key, &f) > 0 &&
		    strcmp(key, "device:phone-1") == 0, "key without a location: device:phone-1");
		CHECK(quake_samples_key("{\"id\":\"x\"}", 10, &c, key, sizeof key, &f) == 0,
		    "an event line is no sample line: no key");
	}
	free(line);
	quake_samples_free(&b);
	quake_samples_free(&c);
}

int
main(void)
{
	sorted_and_line();
	return unit_failed;
}
