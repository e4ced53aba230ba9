/* ddb — PutItem/CreateTable bodies written by hand; errors read with
 * jansson. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "aws/ddb.h"
#include "core/json.h"
#include "core/time.h"

#define PUTS(o, s) quake_buf_str((o), (s))

/* "name":{"S":"value"} with value JSON-escaped */
static void
attr_s(struct quake_buf *o, const char *name, const char *v, int comma)
{
	char buf[QUAKE_EVENT_LINE_MAX];

	if (comma)
		PUTS(o, ",");
	PUTS(o, "\"");
	PUTS(o, name);
	PUTS(o, "\":{\"S\":");
	if (strlen(v) * 6 + 3 > sizeof buf) {
		o->over = 1;
		return;
	}
	quake_buf_add(o, buf, quake_json_format_string(v, buf));
	PUTS(o, "}");
}

static void
attr_n(struct quake_buf *o, const char *name, double d)
{
	char num[32];
	size_t n = quake_json_format_number(d, num);

	if (n == 0) {
		o->over = 1;
		return;
	}
	PUTS(o, ",\"");
	PUTS(o, name);
	PUTS(o, "\":{\"N\":\"");
	quake_buf_add(o, num, n);
	PUTS(o, "\"}");
}

static void
attr_int(struct quake_buf *o, const char *name, int64_t v)
{
	char num[32];

	snprintf(num, sizeof num, "%lld", (long long)v);
	PUTS(o, ",\"");
	PUTS(o, name);
	PUTS(o, "\":{\"N\":\"");
	PUTS(o, num);
	PUTS(o, "\"}");
}

size_t
quake_ddb_put_body(const struct quake_event *ev, const char *table,
    int64_t ttl, char *out, size_t cap)
{
	struct quake_buf o;
	char t[QUAKE_TIME_LEN + 1], lu[QUAKE_TIME_LEN + 1], day[11], tbuf[512];

	quake_buf_init(&o, out, cap);
	if (cap == 0 || quake_time_format(ev->time, t) != QUAKE_OK ||
	    quake_time_format(ev->lastupdate, lu) != QUAKE_OK ||
	    strlen(table) * 6 + 3 > sizeof tbuf)
		return 0;
	memcpy(day, t, 10);
	day[10] = '\0';
	PUTS(&o, "{\"TableName\":");
	quake_buf_add(&o, tbuf, quake_json_format_string(table, tbuf));
	PUTS(&o, ",\"Item\":{");
	attr_s(&o, "id", ev->id, 0);
	attr_s(&o, "action", quake_event_action_str(ev->action), 1);
	attr_s(&o, "time", t, 1);
	attr_s(&o, "lastupdate", lu, 1);
	attr_n(&o, "lat", ev->lat);
	attr_n(&o, "lon", ev->lon);
	attr_n(&o, "depth", ev->depth);
	attr_n(&o, "mag", ev->mag);
	attr_s(&o, "magtype", ev->magtype, 1);
	attr_s(&o, "region", ev->region, 1);
	attr_s(&o, "evtype", ev->evtype, 1);
	attr_s(&o, "auth", ev->auth, 1);
	attr_s(&o, "source_catalog", ev->source_catalog, 1);
	attr_s(&o, "source_id", ev->source_id, 1);
	attr_s(&o, "day", day, 1);
	if (ttl > 0)
		attr_int(&o, "ttl", ttl);
	PUTS(&o, "},\"ConditionExpression\":\"attribute_not_exists(#id) OR "
	    "#lu < :lu\",\"ExpressionAttributeNames\":{\"#id\":\"id\","
	    "\"#lu\":\"lastupdate\"},\"ExpressionAttributeValues\":{");
	attr_s(&o, ":lu", lu, 0);
	/* a failed condition sends the item back: a retry whose first try
	 * did land can tell "ours is there" from "a newer one is" */
	PUTS(&o, "},\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\"}");
	return o.over ? 0 : o.len;
}

size_t
quake_ddb_create_table_body(const char *table, char *out, size_t cap)
{
	char tbuf[512];
	int n;

	if (strlen(table) * 6 + 3 > sizeof tbuf)
		return 0;
	tbuf[quake_json_format_string(table, tbuf)] = '\0';
	n = snprintf(out, cap, "{\"TableName\":%s,\"BillingMode\":\"PAY_PER_REQUEST\","
	    "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"},"
	    "{\"AttributeName\":\"day\",\"AttributeType\":\"S\"},"
	    "{\"AttributeName\":\"time\",\"AttributeType\":\"S\"}],"
	    "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],"
	    "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"" QUAKE_DDB_GSI "\","
	    "\"KeySchema\":[{\"AttributeName\":\"day\",\"KeyType\":\"HASH\"},"
	    "{\"AttributeName\":\"time\",\"KeyType\":\"RANGE\"}],"
	    "\"Projection\":{\"ProjectionType\":\"ALL\"}}]}", tbuf);
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

void
quake_ddb_parse_error(const char *body, size_t len, struct quake_ddb_error *e)
{
	json_t *root = body != NULL ? json_loadb(body, len, 0, NULL) : NULL;
	const char *type, *msg, *hash, *lu;

	e->type[0] = e->message[0] = e->old_lastupdate[0] = '\0';
	type = json_string_value(json_object_get(root, "__type"));
	msg = json_string_value(json_object_get(root, "message"));
	if (msg == NULL)
		msg = json_string_value(json_object_get(root, "Message"));
	if (type != NULL) {
		hash = strrchr(type, '#');
		snprintf(e->type, sizeof e->type, "%s", hash ? hash + 1 : type);
	}
	if (msg != NULL)
		snprintf(e->message, sizeof e->message, "%s", msg);
	lu = json_string_value(json_object_get(json_object_get(json_object_get(
	    root, "Item"), "lastupdate"), "S"));
	if (lu != NULL)
		snprintf(e->old_lastupdate, sizeof e->old_lastupdate, "%s", lu);
	else if (root == NULL && body != NULL)
		snprintf(e->message, sizeof e->message, "%.*s",
		    (int)(len < 200 ? len : 200), body);
	json_decref(root);
}

enum quake_ddb_outcome
quake_ddb_classify(long status, const struct quake_ddb_error *e)
{
	static const char *const retry[] = {
		"ProvisionedThroughputExceededException", "ThrottlingException",
		"RequestLimitExceeded", "InternalServerError",
		"ServiceUnavailable", "LimitExceededException",
		"TransactionInProgressException", NULL
	};
	static const char *const reauth[] = {
		"ExpiredTokenException", "UnrecognizedClientException",
		"InvalidSignatureException", "MissingAuthenticationTokenException",
		"IncompleteSignatureException", "ExpiredToken", NULL
	};

	if (status >= 200 && status < 300)
		return QUAKE_DDB_OK;
	if (status == 0 || status >= 500)
		return QUAKE_DDB_RETRY;
	if (strcmp(e->type, "ConditionalCheckFailedException") == 0)
		return QUAKE_DDB_STALE;
	for (int i = 0; retry[i]; i++)
		if (strcmp(e->type, retry[i]) == 0)
			return QUAKE_DDB_RETRY;
	for (int i = 0; reauth[i]; i++)
		if (strcmp(e->type, reauth[i]) == 0)
			return QUAKE_DDB_REAUTH;
	return status == 429 ? QUAKE_DDB_RETRY : QUAKE_DDB_FATAL;
}

const char *
quake_ddb_outcome_str(enum quake_ddb_outcome o)
{
	static const char *const s[] = { "ok", "stale", "retry", "reauth", "fatal" };

	return (unsigned)o < 5 ? s[o] : "fatal";
}
