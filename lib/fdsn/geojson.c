/* geojson — EMSC's Feature: coordinates [lon, lat, -depth], properties in
 * EMSC's order, unid the event id. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "fdsn/geojson.h"
#include "core/time.h"

static void
str(struct quake_buf *b, const char *key, const char *s)
{
	char q[6 * 128 + 3];

	if (strlen(s) > 128)
		b->over = 1;
	quake_buf_str(b, key);
	quake_buf_add(b, q, b->over ? 0 : quake_json_format_string(s, q));
}

static void
num(struct quake_buf *b, const char *key, double d)
{
	char n[QUAKE_JSON_NUMBER_MAX];
	size_t len = quake_json_format_number(d, n);

	if (len == 0)
		b->over = 1;
	quake_buf_str(b, key);
	quake_buf_add(b, n, len);
}

size_t
quake_geojson_head(size_t count, char *out, size_t cap)
{
	int n = snprintf(out, cap, "{\"type\":\"FeatureCollection\","
	    "\"metadata\":{\"count\":%zu},\"features\":[", count);

	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

size_t
quake_geojson_feature(const struct quake_event *ev, char *out, size_t cap)
{
	struct quake_buf b;
	char t[QUAKE_TIME_LEN + 1], u[QUAKE_TIME_LEN + 1];

	if (quake_time_format(ev->time, t) != QUAKE_OK ||
	    quake_time_format(ev->lastupdate, u) != QUAKE_OK)
		return 0;
	quake_buf_init(&b, out, cap);
	num(&b, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\","
	    "\"coordinates\":[", ev->lon);
	num(&b, ",", ev->lat);
	num(&b, ",", ev->depth == 0 ? 0.0 : -ev->depth);
	str(&b, "]},\"id\":", ev->id);
	str(&b, ",\"properties\":{\"source_id\":", ev->source_id);
	str(&b, ",\"source_catalog\":", ev->source_catalog);
	str(&b, ",\"lastupdate\":", u);
	str(&b, ",\"time\":", t);
	str(&b, ",\"flynn_region\":", ev->region);
	num(&b, ",\"lat\":", ev->lat);
	num(&b, ",\"lon\":", ev->lon);
	num(&b, ",\"depth\":", ev->depth);
	str(&b, ",\"evtype\":", ev->evtype);
	str(&b, ",\"auth\":", ev->auth);
	num(&b, ",\"mag\":", ev->mag);
	str(&b, ",\"magtype\":", ev->magtype);
	str(&b, ",\"unid\":", ev->id);
	quake_buf_str(&b, "}}");
	return b.over ? 0 : b.len;
}

size_t
quake_geojson_tail(char *out, size_t cap)
{
	struct quake_buf b;

	quake_buf_init(&b, out, cap);
	quake_buf_str(&b, "]}");
	return b.over ? 0 : b.len;
}
