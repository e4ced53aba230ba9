/* unit_ddb — PutItem and CreateTable bodies, error parsing and
 * classification. */
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
		{ "day", "S", "2024-03-30" },
	};
	for (size_t i = 0; i < NELEM(attrs); i++) {
		const char *got = item_str(item, attrs[i].name, attrs[i].type);
		CHECK_STR(got ? got : "(missing)", attrs[i].want, "item %s (%s)",
		    attrs[i].name, attrs[i].type);
	}
	CHECK(json_object_size(item) == NELEM(attrs), "no other attributes (no ttl when 0)");
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

int
main(void)
{
	put_body();
	create_table();
	errors();
	old_item();
	return unit_failed;
}
