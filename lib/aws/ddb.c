/* ddb — PutItem/CreateTable/Query/Scan bodies written by hand; answers and
 * errors read with jansson. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
	if (ev->mag >= QUAKE_DDB_SIG_MAG) {	/* the sparse index's */
		day[7] = '\0';
		attr_s(&o, "sig", day, 1);
	}
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
	    "{\"AttributeName\":\"time\",\"AttributeType\":\"S\"},"
	    "{\"AttributeName\":\"sig\",\"AttributeType\":\"S\"}],"
	    "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],"
	    "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"" QUAKE_DDB_GSI "\","
	    "\"KeySchema\":[{\"AttributeName\":\"day\",\"KeyType\":\"HASH\"},"
	    "{\"AttributeName\":\"time\",\"KeyType\":\"RANGE\"}],"
	    "\"Projection\":{\"ProjectionType\":\"ALL\"}},"
	    "{\"IndexName\":\"" QUAKE_DDB_SIG_GSI "\","
	    "\"KeySchema\":[{\"AttributeName\":\"sig\",\"KeyType\":\"HASH\"},"
	    "{\"AttributeName\":\"time\",\"KeyType\":\"RANGE\"}],"
	    "\"Projection\":{\"ProjectionType\":\"ALL\"}}]}", tbuf);
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

/* ---- reads: Query and Scan ---- */

/* An expression's names and values, gathered as the text is written. */
struct expr {
	struct quake_buf names, values;
	char nbuf[512], vbuf[1024];
};

static void
expr_init(struct expr *x)
{
	quake_buf_init(&x->names, x->nbuf, sizeof x->nbuf);
	quake_buf_init(&x->values, x->vbuf, sizeof x->vbuf);
}

static void
expr_name(struct expr *x, const char *ph, const char *name)
{
	quake_buf_str(&x->names, x->names.len ? ",\"" : "\"");
	quake_buf_str(&x->names, ph);
	quake_buf_str(&x->names, "\":\"");
	quake_buf_str(&x->names, name);
	quake_buf_str(&x->names, "\"");
}

static void
expr_s(struct expr *x, const char *ph, const char *v)
{
	char buf[QUAKE_TIME_LEN * 6 + 3];

	if (strlen(v) > QUAKE_TIME_LEN) {	/* days and times only */
		x->values.over = 1;
		return;
	}
	quake_buf_str(&x->values, x->values.len ? ",\"" : "\"");
	quake_buf_str(&x->values, ph);
	quake_buf_str(&x->values, "\":{\"S\":");
	quake_buf_add(&x->values, buf, quake_json_format_string(v, buf));
	quake_buf_str(&x->values, "}");
}

static void
expr_n(struct expr *x, const char *ph, double d)
{
	char num[QUAKE_JSON_NUMBER_MAX];
	size_t n = quake_json_format_number(d, num);

	if (n == 0) {
		x->values.over = 1;
		return;
	}
	quake_buf_str(&x->values, x->values.len ? ",\"" : "\"");
	quake_buf_str(&x->values, ph);
	quake_buf_str(&x->values, "\":{\"N\":\"");
	quake_buf_add(&x->values, num, n);
	quake_buf_str(&x->values, "\"}");
}

/* The filter's magnitude and box (and, for a Scan, its time range) as a
 * FilterExpression into o, their names and values into x. */
static void
filter_expr(struct quake_buf *o, struct expr *x,
    const struct quake_ddb_filter *flt, int with_time)
{
	const char *and = "";

	if (flt == NULL)
		return;
	if (with_time && (flt->from[0] || flt->to[0])) {
		expr_name(x, "#t", "time");
		if (flt->from[0] && flt->to[0]) {
			PUTS(o, "#t BETWEEN :a AND :b");
			expr_s(x, ":a", flt->from);
			expr_s(x, ":b", flt->to);
		} else if (flt->from[0]) {
			PUTS(o, "#t >= :a");
			expr_s(x, ":a", flt->from);
		} else {
			PUTS(o, "#t <= :b");
			expr_s(x, ":b", flt->to);
		}
		and = " AND ";
	}
	if (flt->has_mag) {
		PUTS(o, and);
		PUTS(o, "#m >= :m");
		expr_name(x, "#m", "mag");
		expr_n(x, ":m", flt->minmag);
		and = " AND ";
	}
	if (flt->has_box) {
		PUTS(o, and);
		PUTS(o, "#la BETWEEN :la0 AND :la1 AND ");
		PUTS(o, flt->minlon <= flt->maxlon ? "#lo BETWEEN :lo0 AND :lo1" :
		    "(#lo >= :lo0 OR #lo <= :lo1)");
		expr_name(x, "#la", "lat");
		expr_name(x, "#lo", "lon");
		expr_n(x, ":la0", flt->minlat);
		expr_n(x, ":la1", flt->maxlat);
		expr_n(x, ":lo0", flt->minlon);
		expr_n(x, ":lo1", flt->maxlon);
	}
}

/* The end of a read's body: names, values, the start key. */
static size_t
read_tail(struct quake_buf *o, struct expr *x, const char *start_key)
{
	if (x->names.over || x->values.over)
		return 0;
	if (x->names.len) {
		PUTS(o, ",\"ExpressionAttributeNames\":{");
		quake_buf_add(o, x->nbuf, x->names.len);
		PUTS(o, "}");
	}
	if (x->values.len) {
		PUTS(o, ",\"ExpressionAttributeValues\":{");
		quake_buf_add(o, x->vbuf, x->values.len);
		PUTS(o, "}");
	}
	if (start_key != NULL && *start_key != '\0') {
		PUTS(o, ",\"ExclusiveStartKey\":");
		PUTS(o, start_key);
	}
	PUTS(o, "}");
	return o->over ? 0 : o->len;
}

static int
table_json(const char *table, char *tbuf, size_t cap)
{
	if (strlen(table) * 6 + 3 > cap)
		return -1;
	tbuf[quake_json_format_string(table, tbuf)] = '\0';
	return 0;
}

size_t
quake_ddb_query_body(const char *table, const char *day,
    const struct quake_ddb_filter *flt, const char *start_key, char *out,
    size_t cap)
{
	struct quake_buf o;
	struct expr x;
	char tbuf[512], a[QUAKE_TIME_LEN + 1], b[QUAKE_TIME_LEN + 1];
	size_t flen;
	int month = strlen(day) == 7;	/* a month of the sparse index */

	if (cap == 0 || (strlen(day) != 10 && !month) ||
	    table_json(table, tbuf, sizeof tbuf))
		return 0;
	/* the range within this day (month): its ends unless flt narrows it;
	 * "-31" ends any month, as strings compare */
	snprintf(a, sizeof a, month ? "%s-01T00:00:00.000000Z" :
	    "%sT00:00:00.000000Z", day);
	snprintf(b, sizeof b, month ? "%s-31T23:59:59.999999Z" :
	    "%sT23:59:59.999999Z", day);
	if (flt != NULL && flt->from[0] && strcmp(flt->from, a) > 0)
		snprintf(a, sizeof a, "%s", flt->from);
	if (flt != NULL && flt->to[0] && strcmp(flt->to, b) < 0)
		snprintf(b, sizeof b, "%s", flt->to);
	quake_buf_init(&o, out, cap);
	expr_init(&x);
	PUTS(&o, "{\"TableName\":");
	PUTS(&o, tbuf);
	PUTS(&o, month ? ",\"IndexName\":\"" QUAKE_DDB_SIG_GSI "\"," :
	    ",\"IndexName\":\"" QUAKE_DDB_GSI "\",");
	PUTS(&o, "\"KeyConditionExpression\":\"#d = :d AND #t BETWEEN :a AND :b\"");
	expr_name(&x, "#d", month ? "sig" : "day");
	expr_name(&x, "#t", "time");
	expr_s(&x, ":d", day);
	expr_s(&x, ":a", a);
	expr_s(&x, ":b", b);
	PUTS(&o, ",\"FilterExpression\":\"");
	flen = o.len;
	filter_expr(&o, &x, flt, 0);
	if (o.len == flen)	/* no filter: take the key back out */
		o.len = flen - (sizeof ",\"FilterExpression\":\"" - 1);
	else
		PUTS(&o, "\"");
	return read_tail(&o, &x, start_key);
}

size_t
quake_ddb_scan_body(const char *table, int seg, int total,
    const struct quake_ddb_filter *flt, const char *start_key, char *out,
    size_t cap)
{
	struct quake_buf o;
	struct expr x;
	char tbuf[512], num[64];
	size_t flen;

	if (cap == 0 || total < 1 || seg < 0 || seg >= total ||
	    table_json(table, tbuf, sizeof tbuf))
		return 0;
	quake_buf_init(&o, out, cap);
	expr_init(&x);
	PUTS(&o, "{\"TableName\":");
	PUTS(&o, tbuf);
	if (total > 1) {
		snprintf(num, sizeof num, ",\"Segment\":%d,\"TotalSegments\":%d",
		    seg, total);
		PUTS(&o, num);
	}
	PUTS(&o, ",\"FilterExpression\":\"");
	flen = o.len;
	filter_expr(&o, &x, flt, 1);
	if (o.len == flen)
		o.len = flen - (sizeof ",\"FilterExpression\":\"" - 1);
	else
		PUTS(&o, "\"");
	return read_tail(&o, &x, start_key);
}

int
quake_ddb_filter_match(const struct quake_ddb_filter *flt,
    const struct quake_event *ev)
{
	char t[QUAKE_TIME_LEN + 1];

	if (flt == NULL)
		return 1;
	if ((flt->from[0] || flt->to[0]) && (quake_time_format(ev->time, t) !=
	    QUAKE_OK || (flt->from[0] && strcmp(t, flt->from) < 0) ||
	    (flt->to[0] && strcmp(t, flt->to) > 0)))
		return 0;
	if (flt->has_mag && !(ev->mag >= flt->minmag))
		return 0;
	if (flt->has_box) {
		if (ev->lat < flt->minlat || ev->lat > flt->maxlat)
			return 0;
		if (flt->minlon <= flt->maxlon ? ev->lon < flt->minlon ||
		    ev->lon > flt->maxlon : ev->lon < flt->minlon &&
		    ev->lon > flt->maxlon)
			return 0;
	}
	return 1;
}

/* An item's string attribute into out[cap]; -1 when missing, not a
 * string, or too long. */
static int
item_s(json_t *item, const char *name, char *out, size_t cap,
    struct quake_fail *f)
{
	json_t *v = json_object_get(json_object_get(item, name), "S");
	const char *s = json_string_value(v);

	if (s == NULL) {
		quake_err_fail(f, name, "missing or not a string (S)");
		return -1;
	}
	if (json_string_length(v) >= cap || strlen(s) != json_string_length(v)) {
		quake_err_fail(f, name, "too long or holds a NUL");
		return -1;
	}
	memcpy(out, s, json_string_length(v) + 1);
	return 0;
}

static int
item_n(json_t *item, const char *name, double *d, struct quake_fail *f)
{
	const char *s = json_string_value(json_object_get(json_object_get(item,
	    name), "N"));
	char *end;

	if (s == NULL) {
		quake_err_fail(f, name, "missing or not a number (N)");
		return -1;
	}
	*d = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(*d)) {
		quake_err_fail(f, name, "not a finite number: %.40s", s);
		return -1;
	}
	return 0;
}

static int
item_time(json_t *item, const char *name, int64_t *us, struct quake_fail *f)
{
	char t[64];

	if (item_s(item, name, t, sizeof t, f) != 0)
		return -1;
	if (quake_time_parse(t, strlen(t), us, f) != QUAKE_OK) {
		f->field[0] = '\0';
		quake_err_fail(f, name, "not a time: %.40s", t);
		return -1;
	}
	return 0;
}

/* One item into *ev: QUAKE_OK or QUAKE_EINPUT (*f). */
static enum quake_err
item_event(json_t *item, struct quake_event *ev, struct quake_fail *f)
{
	char action[16];

	memset(ev, 0, sizeof *ev);
	if (!json_is_object(item))
		return quake_err_fail(f, "", "an item is not an object");
	if (item_s(item, "id", ev->id, sizeof ev->id, f) ||
	    item_s(item, "action", action, sizeof action, f) ||
	    item_time(item, "time", &ev->time, f) ||
	    item_time(item, "lastupdate", &ev->lastupdate, f) ||
	    item_n(item, "lat", &ev->lat, f) || item_n(item, "lon", &ev->lon, f) ||
	    item_n(item, "depth", &ev->depth, f) || item_n(item, "mag", &ev->mag, f) ||
	    item_s(item, "magtype", ev->magtype, sizeof ev->magtype, f) ||
	    item_s(item, "region", ev->region, sizeof ev->region, f) ||
	    item_s(item, "evtype", ev->evtype, sizeof ev->evtype, f) ||
	    item_s(item, "auth", ev->auth, sizeof ev->auth, f) ||
	    item_s(item, "source_catalog", ev->source_catalog,
	    sizeof ev->source_catalog, f) ||
	    item_s(item, "source_id", ev->source_id, sizeof ev->source_id, f))
		return QUAKE_EINPUT;
	if (strcmp(action, "create") == 0)
		ev->action = QUAKE_ACTION_CREATE;
	else if (strcmp(action, "update") == 0)
		ev->action = QUAKE_ACTION_UPDATE;
	else
		return quake_err_fail(f, "action", "not create or update");
	return quake_event_validate(ev, f);
}

enum quake_err
quake_ddb_parse_items(const char *body, size_t len, quake_ddb_item_fn fn,
    void *arg, char *next_key, size_t cap, size_t *nitems,
    struct quake_fail *f)
{
	json_error_t je;
	json_t *root, *items, *item, *lek;
	struct quake_event ev;
	struct quake_fail itf;
	enum quake_err err = QUAKE_OK;
	size_t i, n = 0;
	char *k;

	if (nitems != NULL)
		*nitems = 0;
	if (cap > 0)
		next_key[0] = '\0';
	if ((root = json_loadb(body, len, 0, &je)) == NULL)
		return quake_err_fail(f, "", "answer is not JSON: %s at byte %d",
		    je.text, je.position);
	items = json_object_get(root, "Items");
	if (!json_is_object(root) || !json_is_array(items)) {
		err = quake_err_fail(f, "Items", "answer has no Items array");
		goto out;
	}
	lek = json_object_get(root, "LastEvaluatedKey");
	if (lek != NULL && !json_is_null(lek)) {
		if (!json_is_object(lek) || (k = json_dumps(lek, JSON_COMPACT |
		    JSON_SORT_KEYS)) == NULL) {
			err = quake_err_fail(f, "LastEvaluatedKey", "not an object");
			goto out;
		}
		if (strlen(k) >= cap) {
			free(k);
			err = quake_err_fail(f, "LastEvaluatedKey", "too long");
			goto out;
		}
		memcpy(next_key, k, strlen(k) + 1);
		free(k);
	}
	json_array_foreach(items, i, item) {
		itf.field[0] = itf.reason[0] = '\0';
		enum quake_err ie = item_event(item, &ev, &itf);
		n++;
		if (fn(arg, ie, ie == QUAKE_OK ? &ev : NULL, &itf) != 0)
			break;
	}
out:
	if (nitems != NULL)
		*nitems = n;
	json_decref(root);
	return err;
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
