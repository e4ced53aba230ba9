/* unit_ddb — PutItem, CreateTable, Query and Scan bodies, a read's answer
 * back into canonical lines, error parsing and classification. */
#include <jansson.h>

#include "aws/ddb.h"
#include "unit.h"

static const char LINE[] =
    "{\"id\":\"20240330_0000303\",\"action\":\"update\","
    "\"time\":\"2024-03-30T04:09:58.597000Z\","
    "\"lastupdate\":\"2024-04-06T03:28:24.385933Z\",\"lat\":-4.027,"
    "\"lon\":143.2849,\"depth\":10.0,\"mag\":4.6,\"magtype\":\"mb\","
    "\"region\":\"NEW GUINEA, \\\"PNG\\\"\",\"evtype\":\"ke\","
    "\"auth\":\"NEIC\",\"source_catalog\":\"EMSC-RTS\","
    "\"source_id\":\"1643105\"}";

static const char *
item_str(json_t *item, const char *name, const char *type)
{
	return json_string_value(json_object_get(json_object_get(item, name), type));
}

static void
put_body(void)
{
	struct quake_event ev;
	struct quake_fail f;
	char body[QUAKE_DDB_BODY_MAX];
	size_t n;

	CHECK(quake_event_parse_line(LINE, strlen(LINE), &ev, &f) == QUAKE_OK, "test line parses");
	n = quake_ddb_put_body(&ev, "quake", 0, body, sizeof body);
	json_t *j = json_loadb(body, n, 0, NULL), *item = json_object_get(j, "Item");
	CHECK(n > 0 && j != NULL, "put body is JSON");
	CHECK_STR(json_string_value(json_object_get(j, "TableName")), "quake", "TableName");
	static const struct { const char *name, *type, *want; } attrs[] = {
		{ "id", "S", "20240330_0000303" }, { "action", "S", "update" },
		{ "time", "S", "2024-03-30T04:09:58.597000Z" },
		{ "lastupdate", "S", "2024-04-06T03:28:24.385933Z" },
		{ "lat", "N", "-4.027" }, { "lon", "N", "143.2849" },
		{ "depth", "N", "10.0" }, { "mag", "N", "4.6" },
		{ "magtype", "S", "mb" }, { "region", "S", "NEW GUINEA, \"PNG\"" },
		{ "evtype", "S", "ke" }, { "auth", "S", "NEIC" },
		{ "source_catalog", "S", "EMSC-RTS" }, { "source_id", "S", "1643105" },
		{ "day", "S", "2024-03-30" }, { "sig", "S", "2024-03" },
	};
	for (size_t i = 0; i < NELEM(attrs); i++) {
		const char *got = item_str(item, attrs[i].name, attrs[i].type);
		CHECK_STR(got ? got : "(missing)", attrs[i].want, "item %s (%s)",
		    attrs[i].name, attrs[i].type);
	}
	CHECK(json_object_size(item) == NELEM(attrs), "no other attributes (no ttl when 0)");
	json_decref(j);
	ev.mag = 4.4999;
	n = quake_ddb_put_body(&ev, "quake", 0, body, sizeof body);
	j = json_loadb(body, n, 0, NULL);
	CHECK(j != NULL && json_object_get(json_object_get(j, "Item"), "sig") == NULL,
	    "below M4.5: no sig (not in the sparse index)");
	json_decref(j);
	ev.mag = 4.5;
	n = quake_ddb_put_body(&ev, "quake", 0, body, sizeof body);
	j = json_loadb(body, n, 0, NULL);
	CHECK_STR(item_str(json_object_get(j, "Item"), "sig", "S"), "2024-03",
	    "M4.5 exactly: sig is the month of time");
	json_decref(j);
	ev.mag = 4.6;
	n = quake_ddb_put_body(&ev, "quake", 0, body, sizeof body);
	j = json_loadb(body, n, 0, NULL);
	CHECK_STR(json_string_value(json_object_get(j, "ConditionExpression")),
	    "attribute_not_exists(#id) OR #lu < :lu", "condition");
	CHECK_STR(json_string_value(json_object_get(json_object_get(j,
	    "ExpressionAttributeNames"), "#lu")), "lastupdate", "#lu names lastupdate");
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(j,
	    "ExpressionAttributeValues"), ":lu"), "S")), "2024-04-06T03:28:24.385933Z",
	    ":lu is the event's lastupdate");
	CHECK_STR(json_string_value(json_object_get(j, "ReturnValuesOnConditionCheckFailure")),
	    "ALL_OLD", "a failed condition returns the stored item");
	json_decref(j);

	n = quake_ddb_put_body(&ev, "quake", 1767225600, body, sizeof body);
	j = json_loadb(body, n, 0, NULL);
	CHECK_STR(item_str(json_object_get(j, "Item"), "ttl", "N"), "1767225600",
	    "ttl as integer N when given");
	json_decref(j);
	CHECK(quake_ddb_put_body(&ev, "quake", 0, body, 100) == 0, "short buffer refused");
}

static void
create_table(void)
{
	char body[2048];
	size_t n = quake_ddb_create_table_body("quake", body, sizeof body);
	json_t *j = json_loadb(body, n, 0, NULL);
	json_t *gsi = json_array_get(json_object_get(j, "GlobalSecondaryIndexes"), 0);

	CHECK(j != NULL, "create table body is JSON");
	CHECK_STR(json_string_value(json_object_get(gsi, "IndexName")), QUAKE_DDB_GSI, "GSI name");
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(gsi,
	    "KeySchema"), 1), "AttributeName")), "time", "GSI range key is time");
	CHECK_STR(json_string_value(json_object_get(j, "BillingMode")), "PAY_PER_REQUEST", "on demand");
	gsi = json_array_get(json_object_get(j, "GlobalSecondaryIndexes"), 1);
	CHECK_STR(json_string_value(json_object_get(gsi, "IndexName")), QUAKE_DDB_SIG_GSI, "second GSI: the sparse one");
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(gsi,
	    "KeySchema"), 0), "AttributeName")), "sig", "its hash key is sig");
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(gsi,
	    "KeySchema"), 1), "AttributeName")), "time", "its range key is time");
	json_decref(j);
}

static void
errors(void)
{
	static const struct {
		long status; const char *body, *type, *msg;
		enum quake_ddb_outcome want;
	} cases[] = {
		{ 200, "{}", "", "", QUAKE_DDB_OK },
		{ 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\",\"message\":\"The conditional request failed\"}",
		  "ConditionalCheckFailedException", "The conditional request failed", QUAKE_DDB_STALE },
		{ 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\",\"message\":\"Rate exceeded\"}",
		  "ProvisionedThroughputExceededException", "Rate exceeded", QUAKE_DDB_RETRY },
		{ 400, "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\",\"message\":\"Rate of requests exceeds the allowed throughput.\"}",
		  "ThrottlingException", "Rate of requests exceeds the allowed throughput.", QUAKE_DDB_RETRY },
		{ 400, "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"Message\":\"One or more parameter values were invalid\"}",
		  "ValidationException", "One or more parameter values were invalid", QUAKE_DDB_FATAL },
		{ 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\",\"message\":\"Requested resource not found\"}",
		  "ResourceNotFoundException", "Requested resource not found", QUAKE_DDB_FATAL },
		{ 400, "{\"__type\":\"com.amazon.coral.service#UnrecognizedClientException\",\"message\":\"The security token included in the request is invalid.\"}",
		  "UnrecognizedClientException", "The security token included in the request is invalid.", QUAKE_DDB_REAUTH },
		{ 400, "{\"__type\":\"com.amazon.coral.service#ExpiredTokenException\",\"message\":\"The security token included in the request is expired\"}",
		  "ExpiredTokenException", "The security token included in the request is expired", QUAKE_DDB_REAUTH },
		{ 403, "{\"__type\":\"com.amazon.coral.service#AccessDeniedException\",\"Message\":\"not authorized\"}",
		  "AccessDeniedException", "not authorized", QUAKE_DDB_FATAL },
		{ 500, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"Internal server error\"}",
		  "InternalServerError", "Internal server error", QUAKE_DDB_RETRY },
		{ 502, "<html>502 Bad Gateway</html>", "", "<html>502 Bad Gateway</html>", QUAKE_DDB_RETRY },
		{ 503, "", "", "", QUAKE_DDB_RETRY },
		{ 0, NULL, "", "", QUAKE_DDB_RETRY },
		{ 429, "", "", "", QUAKE_DDB_RETRY },
		{ 413, "", "", "", QUAKE_DDB_FATAL },
	};
	struct quake_ddb_error e;

	for (size_t i = 0; i < NELEM(cases); i++) {
		quake_ddb_parse_error(cases[i].body, cases[i].body ? strlen(cases[i].body) : 0, &e);
		CHECK_STR(e.type, cases[i].type, "error %zu type", i);
		CHECK_STR(e.message, cases[i].msg, "error %zu message", i);
		CHECK(quake_ddb_classify(cases[i].status, &e) == cases[i].want,
		    "error %zu (%ld %s) is %s", i, cases[i].status, e.type,
		    quake_ddb_outcome_str(cases[i].want));
	}
}

/* a failed condition hands the stored item back (ReturnValuesOn-
 * ConditionCheckFailure) and its lastupdate is read out */
static void
old_item(void)
{
	static const struct { const char *body, *lu; } cases[] = {
		{ "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
		  "\"message\":\"The conditional request failed\",\"Item\":{\"id\":{\"S\":\"x\"},"
		  "\"lastupdate\":{\"S\":\"2024-04-06T03:28:24.385933Z\"}}}", "2024-04-06T03:28:24.385933Z" },
		{ "{\"__type\":\"x#ConditionalCheckFailedException\",\"message\":\"m\"}", "" },
		{ "{\"Item\":{\"lastupdate\":{\"N\":\"5\"}}}", "" },
		{ "{\"Item\":[]}", "" },
		{ "not json", "" },
	};
	struct quake_ddb_error e;

	for (size_t i = 0; i < NELEM(cases); i++) {
		quake_ddb_parse_error(cases[i].body, strlen(cases[i].body), &e);
		CHECK_STR(e.old_lastupdate, cases[i].lu, "old item %zu", i);
	}
}

static const char *
val_str(json_t *j, const char *ph, const char *type)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(j,
	    "ExpressionAttributeValues"), ph), type));
}

/* every placeholder named or valued is used by an expression: DynamoDB
 * refuses unused ones */
static int
all_used(json_t *j)
{
	const char *k, *kc = json_string_value(json_object_get(j, "KeyConditionExpression")),
	    *fe = json_string_value(json_object_get(j, "FilterExpression"));
	char ex[1024];
	json_t *v;

	snprintf(ex, sizeof ex, "%s %s", kc ? kc : "", fe ? fe : "");
	json_object_foreach(json_object_get(j, "ExpressionAttributeNames"), k, v)
		if (strstr(ex, k) == NULL)
			return 0;
	json_object_foreach(json_object_get(j, "ExpressionAttributeValues"), k, v)
		if (strstr(ex, k) == NULL)
			return 0;
	return 1;
}

static void
read_bodies(void)
{
	struct quake_ddb_filter flt = { .from = "2025-03-01T06:00:00.000000Z",
	    .to = "2025-03-02T12:00:00.000000Z", .has_mag = 1, .minmag = 4.5 };
	char body[4096];
	size_t n;
	json_t *j;

	n = quake_ddb_query_body("quake", "2025-03-01", &flt, NULL, body, sizeof body);
	j = json_loadb(body, n, 0, NULL);
	CHECK(n > 0 && j != NULL, "query body is JSON");
	CHECK_STR(json_string_value(json_object_get(j, "IndexName")), QUAKE_DDB_GSI, "query the index");
	CHECK_STR(json_string_value(json_object_get(j, "KeyConditionExpression")),
	    "#d = :d AND #t BETWEEN :a AND :b", "key condition: one day, a time range");
	CHECK_STR(val_str(j, ":d", "S"), "2025-03-01", ":d is the day");
	CHECK_STR(val_str(j, ":a", "S"), "2025-03-01T06:00:00.000000Z", "the first day starts at --since");
	CHECK_STR(val_str(j, ":b", "S"), "2025-03-01T23:59:59.999999Z", "and ends with the day");
	CHECK_STR(json_string_value(json_object_get(j, "FilterExpression")), "#m >= :m", "magnitude filter");
	CHECK_STR(val_str(j, ":m", "N"), "4.5", ":m");
	CHECK(json_object_get(j, "ExclusiveStartKey") == NULL, "first page: no start key");
	CHECK(all_used(j), "every name and value is used");
	json_decref(j);

	n = quake_ddb_query_body("quake", "2025-03-02", &flt,
	    "{\"day\":{\"S\":\"2025-03-02\"},\"id\":{\"S\":\"x\"},\"time\":{\"S\":\"2025-03-02T01:00:00.000000Z\"}}",
	    body, sizeof body);
	j = json_loadb(body, n, 0, NULL);
	CHECK_STR(val_str(j, ":a", "S"), "2025-03-02T00:00:00.000000Z", "a later day starts at its start");
	CHECK_STR(val_str(j, ":b", "S"), "2025-03-02T12:00:00.000000Z", "the last day ends at --until");
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(j,
	    "ExclusiveStartKey"), "id"), "S")), "x", "next page: the start key as given");
	json_decref(j);

	n = quake_ddb_query_body("quake", "2025-03-02", NULL, NULL, body, sizeof body);
	j = json_loadb(body, n, 0, NULL);
	CHECK(j != NULL && json_object_get(j, "FilterExpression") == NULL, "no filter: no FilterExpression");
	CHECK(all_used(j), "no filter: every name and value used");
	json_decref(j);

	struct quake_ddb_filter box = { .has_box = 1, .minlat = 30, .maxlat = 50,
	    .minlon = 170, .maxlon = -170 };
	n = quake_ddb_scan_body("quake", 3, 8, &box, NULL, body, sizeof body);
	j = json_loadb(body, n, 0, NULL);
	CHECK(j != NULL && json_integer_value(json_object_get(j, "Segment")) == 3 &&
	    json_integer_value(json_object_get(j, "TotalSegments")) == 8, "scan segment 3 of 8");
	CHECK_STR(json_string_value(json_object_get(j, "FilterExpression")),
	    "#la BETWEEN :la0 AND :la1 AND (#lo >= :lo0 OR #lo <= :lo1)", "a box across 180");
	CHECK(all_used(j), "scan: every name and value used");
	json_decref(j);
	n = quake_ddb_scan_body("quake", 0, 1, &flt, NULL, body, sizeof body);
	j = json_loadb(body, n, 0, NULL);
	CHECK_STR(json_string_value(json_object_get(j, "FilterExpression")),
	    "#t BETWEEN :a AND :b AND #m >= :m", "scan: the time range is a filter");
	CHECK(json_object_get(j, "Segment") == NULL, "one segment: no Segment");
	json_decref(j);
	n = quake_ddb_query_body("quake", "2025-03", &flt, NULL, body, sizeof body);
	j = json_loadb(body, n, 0, NULL);
	CHECK(j != NULL, "a month's query body is JSON");
	CHECK_STR(json_string_value(json_object_get(j, "IndexName")), QUAKE_DDB_SIG_GSI, "a month: the sparse index");
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "ExpressionAttributeNames"), "#d")),
	    "sig", "a month: #d is sig");
	CHECK_STR(val_str(j, ":d", "S"), "2025-03", ":d is the month");
	CHECK_STR(val_str(j, ":a", "S"), "2025-03-01T06:00:00.000000Z", "the month starts at --since");
	CHECK_STR(val_str(j, ":b", "S"), "2025-03-02T12:00:00.000000Z", "and ends at --until");
	CHECK_STR(json_string_value(json_object_get(j, "FilterExpression")), "#m >= :m", "a month: the magnitude filter still");
	CHECK(all_used(j), "a month: every name and value is used");
	json_decref(j);
	n = quake_ddb_query_body("quake", "2025-02", NULL, NULL, body, sizeof body);
	j = json_loadb(body, n, 0, NULL);
	CHECK_STR(val_str(j, ":b", "S"), "2025-02-31T23:59:59.999999Z", "a whole month ends after its last day, as strings compare");
	json_decref(j);
	CHECK(quake_ddb_query_body("quake", "2025-3-1", NULL, NULL, body, sizeof body) == 0, "bad day refused");
	CHECK(quake_ddb_query_body("quake", "2025-03-01", NULL, NULL, body, 100) == 0, "short buffer refused");
	CHECK(quake_ddb_scan_body("quake", 8, 8, NULL, NULL, body, sizeof body) == 0, "segment out of range refused");

	struct quake_event ev = { .lat = 40, .lon = 179, .mag = 4.5 };
	quake_time_parse("2025-03-01T07:00:00Z", 20, &ev.time, NULL);
	CHECK(quake_ddb_filter_match(&flt, &ev) && quake_ddb_filter_match(&box, &ev), "match: in range, in the box");
	ev.lon = 0;
	CHECK(!quake_ddb_filter_match(&box, &ev), "match: outside a box across 180");
	ev.mag = 4.4;
	CHECK(!quake_ddb_filter_match(&flt, &ev), "match: below minmag");
	ev.mag = 5;
	quake_time_parse("2025-03-02T12:00:00.000001Z", 27, &ev.time, NULL);
	CHECK(!quake_ddb_filter_match(&flt, &ev), "match: after --until");
}

struct got {
	int ok, bad;
	char lines[2][QUAKE_EVENT_LINE_MAX + 1];
	char why[260];
};

static int
on_item(void *arg, enum quake_err err, const struct quake_event *ev,
    const struct quake_fail *f)
{
	struct got *g = arg;

	if (err != QUAKE_OK) {
		snprintf(g->why, sizeof g->why, "%s: %s", f->field, f->reason);
		g->bad++;
		return 0;
	}
	if (g->ok < 2)
		quake_event_format(ev, g->lines[g->ok], sizeof g->lines[0]);
	g->ok++;
	return 0;
}

/* an item written by put_body comes back as the very line */
static void
read_items(void)
{
	struct quake_event ev;
	struct quake_fail f;
	struct got g = { 0 };
	char body[QUAKE_DDB_BODY_MAX], ans[3 * QUAKE_DDB_BODY_MAX], key[QUAKE_DDB_KEY_MAX];
	size_t n, ni;

	quake_event_parse_line(LINE, strlen(LINE), &ev, &f);
	n = quake_ddb_put_body(&ev, "quake", 1767225600, body, sizeof body);
	json_t *j = json_loadb(body, n, 0, NULL);
	char *item = json_dumps(json_object_get(j, "Item"), JSON_COMPACT);
	snprintf(ans, sizeof ans, "{\"Items\":[%s,{\"id\":{\"S\":\"y\"}},%s],\"Count\":3,"
	    "\"ScannedCount\":3,\"LastEvaluatedKey\":{\"time\":{\"S\":\"t\"},\"id\":{\"S\":\"y\"},"
	    "\"day\":{\"S\":\"d\"}}}", item, item);
	free(item);
	json_decref(j);
	CHECK(quake_ddb_parse_items(ans, strlen(ans), on_item, &g, key, sizeof key, &ni, &f) == QUAKE_OK,
	    "answer parses");
	CHECK(ni == 3 && g.ok == 2 && g.bad == 1, "two events, one bad item (%d, %d)", g.ok, g.bad);
	CHECK_STR(g.lines[0], LINE, "the item is the line, byte for byte");
	CHECK_STR(g.why, "action: missing or not a string (S)", "the bad item says why");
	CHECK_STR(key, "{\"day\":{\"S\":\"d\"},\"id\":{\"S\":\"y\"},\"time\":{\"S\":\"t\"}}",
	    "the next page's key, compact");

	static const char *const bad[] = { "", "[]", "{}", "{\"Items\":{}}", "not json",
	    "{\"Items\":[],\"LastEvaluatedKey\":5}" };
	for (size_t i = 0; i < NELEM(bad); i++)
		CHECK(quake_ddb_parse_items(bad[i], strlen(bad[i]), on_item, &g, key,
		    sizeof key, NULL, &f) == QUAKE_EINPUT, "not an answer: %s", bad[i]);
	CHECK(quake_ddb_parse_items("{\"Items\":[]}", 12, on_item, &g, key, sizeof key, &ni, &f) ==
	    QUAKE_OK && ni == 0 && key[0] == '\0', "an empty last page");
	CHECK(quake_ddb_parse_items("{\"Items\":[],\"LastEvaluatedKey\":{\"id\":{\"S\":\"x\"}}}", 47,
	    on_item, &g, key, 8, &ni, &f) == QUAKE_EINPUT, "a key too long for the buffer");
	const char *nums = "{\"Items\":[{\"id\":{\"S\":\"a\"},\"action\":{\"S\":\"create\"},"
	    "\"time\":{\"S\":\"2025-01-01T00:00:00.000000Z\"},\"lastupdate\":{\"S\":\"2025-01-01T00:00:00.000000Z\"},"
	    "\"lat\":{\"N\":\"nan\"},\"lon\":{\"N\":\"1\"},\"depth\":{\"N\":\"1\"},\"mag\":{\"N\":\"1\"},"
	    "\"magtype\":{\"S\":\"m\"},\"region\":{\"S\":\"r\"},\"evtype\":{\"S\":\"\"},\"auth\":{\"S\":\"\"},"
	    "\"source_catalog\":{\"S\":\"\"},\"source_id\":{\"S\":\"\"}}]}";
	memset(&g, 0, sizeof g);
	quake_ddb_parse_items(nums, strlen(nums), on_item, &g, key, sizeof key, NULL, &f);
	CHECK(g.bad == 1 && g.ok == 0, "a NaN lat is not an event (%.100s)", g.why);
}

int
main(void)
{
	put_body();
	create_table();
	errors();
	old_item();
	read_bodies();
	read_items();
	return unit_failed;
}
