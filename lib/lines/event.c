/* event — EMSC/FDSN JSON to struct quake_event and back to the event line.
 * jansson parses; this file picks the 13 properties, checks types and
 * ranges, and writes the line by hand (no printf on the hot path). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lines/event.h"
#include "core/json.h"
#include "core/time.h"

const char *
quake_event_action_str(enum quake_action a)
{
	return a == QUAKE_ACTION_CREATE ? "create" : "update";
}

/* ---- reading values out of a jansson object ---- */

static enum quake_err
get_str(json_t *obj, const char *key, char *dst, size_t cap,
    struct quake_fail *f)
{
	json_t *v = json_object_get(obj, key);
	size_t len;

	if (v == NULL)
		return quake_err_fail(f, key, "missing");
	if (!json_is_string(v))
		return quake_err_fail(f, key, "must be a string");
	len = json_string_length(v);
	if (len >= cap)
		return quake_err_fail(f, key, "longer than %zu bytes", cap - 1);
	if (memchr(json_string_value(v), '\0', len) != NULL)
		return quake_err_fail(f, key, "a control character (U+0000)");
	memcpy(dst, json_string_value(v), len);
	dst[len] = '\0';
	return QUAKE_OK;
}

static enum quake_err
get_num(json_t *obj, const char *key, double *dst, struct quake_fail *f)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return quake_err_fail(f, key, "missing");
	if (!json_is_number(v))
		return quake_err_fail(f, key, "must be a number");
	*dst = json_number_value(v);
	return QUAKE_OK;
}

static enum quake_err
get_time(json_t *obj, const char *key, int64_t *dst, struct quake_fail *f)
{
	json_t *v = json_object_get(obj, key);
	enum quake_err err;

	if (v == NULL)
		return quake_err_fail(f, key, "missing");
	if (!json_is_string(v))
		return quake_err_fail(f, key, "must be a string");
	err = quake_time_parse(json_string_value(v), json_string_length(v),
	    dst, f);
	if (err != QUAKE_OK && f != NULL)
		snprintf(f->field, sizeof f->field, "%s", key);
	return err;
}

static enum quake_err
get_action(json_t *obj, enum quake_action *dst, struct quake_fail *f)
{
	json_t *v = json_object_get(obj, "action");
	const char *s = json_string_value(v);

	if (v == NULL)
		return quake_err_fail(f, "action", "missing");
	if (s != NULL && strcmp(s, "create") == 0)
		*dst = QUAKE_ACTION_CREATE;
	else if (s != NULL && strcmp(s, "update") == 0)
		*dst = QUAKE_ACTION_UPDATE;
	else
		return quake_err_fail(f, "action", "must be \"create\" or \"update\"");
	return QUAKE_OK;
}

static enum quake_err
not_json(const json_error_t *je, struct quake_fail *f)
{
	return quake_err_fail(f, "", "not JSON: %s at byte %d", je->text,
	    je->position);
}

/* ---- validation ---- */

#define TIME_MIN (-62167219200LL * 1000000)
#define TIME_MAX (253402300800LL * 1000000 - 1)

static int
id_ok(const char *id)
{
	if (*id == '\0')
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z') || *p == '_' || *p == '-' ||
		    *p == '.'))
			return 0;
	return 1;
}

/* DynamoDB's smallest non-zero magnitude: a value below it (1e-200, a
 * denormal) is refused there ("Number underflow"), so it is refused here,
 * where the line can still be named and dead-lettered. */
#define DDB_NUMBER_MIN 1e-130

static enum quake_err
range(struct quake_fail *f, const char *field, double v, double lo, double hi)
{
	char txt[QUAKE_JSON_NUMBER_MAX];

	if (v >= lo && v <= hi && (v == 0 || fabs(v) >= DDB_NUMBER_MIN))
		return QUAKE_OK;
	quake_json_format_number(v, txt);
	if (v >= lo && v <= hi)
		return quake_err_fail(f, field, "%s is below 1e-130 in magnitude "
		    "(DynamoDB's smallest number): write 0", txt);
	return quake_err_fail(f, field, "%s out of range [%g, %g]", txt, lo, hi);
}

/* The one rule for string fields: no control character (U+0000..U+001F,
 * U+007F), refused here at input so that every writer (FDSN text's "|"
 * columns, QuakeML, GeoJSON, the SSE "data:" lines, logs) is safe. */
static enum quake_err
no_control(struct quake_fail *f, const char *field, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return quake_err_fail(f, field, "a control character "
			    "(U+%04X)", *p);
	return QUAKE_OK;
}

enum quake_err
quake_event_validate(const struct quake_event *ev, struct quake_fail *f)
{
	enum quake_err err;

	if (!id_ok(ev->id))
		return quake_err_fail(f, "id",
		    "must be a non-empty token of [A-Za-z0-9_.-]");
	if ((err = range(f, "lat", ev->lat, -90, 90)) ||
	    (err = range(f, "lon", ev->lon, -180, 180)) ||
	    (err = range(f, "depth", ev->depth, -10, 1000)) ||
	    (err = range(f, "mag", ev->mag, -3, 10)) ||
	    (err = no_control(f, "magtype", ev->magtype)) ||
	    (err = no_control(f, "region", ev->region)) ||
	    (err = no_control(f, "evtype", ev->evtype)) ||
	    (err = no_control(f, "auth", ev->auth)) ||
	    (err = no_control(f, "source_catalog", ev->source_catalog)) ||
	    (err = no_control(f, "source_id", ev->source_id)))
		return err;
	/* 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z */
	if (ev->time < TIME_MIN || ev->time > TIME_MAX)
		return quake_err_fail(f, "time", "year out of range");
	if (ev->lastupdate < TIME_MIN || ev->lastupdate > TIME_MAX)
		return quake_err_fail(f, "lastupdate", "year out of range");
	return QUAKE_OK;
}

/* ---- EMSC Feature ---- */

static enum quake_err
from_feature(json_t *feat, enum quake_action action, struct quake_event *ev,
    struct quake_fail *f)
{
	json_t *props, *id;
	enum quake_err err;

	if (!json_is_object(feat))
		return quake_err_fail(f, "data", "must be a GeoJSON Feature object");
	props = json_object_get(feat, "properties");
	if (props == NULL)
		return quake_err_fail(f, "properties", "missing");
	if (!json_is_object(props))
		return quake_err_fail(f, "properties", "must be an object");
	ev->action = action;
	if ((err = get_str(props, "unid", ev->id, sizeof ev->id, f)) ||
	    (err = get_time(props, "time", &ev->time, f)) ||
	    (err = get_time(props, "lastupdate", &ev->lastupdate, f)) ||
	    (err = get_num(props, "lat", &ev->lat, f)) ||
	    (err = get_num(props, "lon", &ev->lon, f)) ||
	    (err = get_num(props, "depth", &ev->depth, f)) ||
	    (err = get_num(props, "mag", &ev->mag, f)) ||
	    (err = get_str(props, "magtype", ev->magtype, sizeof ev->magtype, f)) ||
	    (err = get_str(props, "flynn_region", ev->region, sizeof ev->region, f)) ||
	    (err = get_str(props, "evtype", ev->evtype, sizeof ev->evtype, f)) ||
	    (err = get_str(props, "auth", ev->auth, sizeof ev->auth, f)) ||
	    (err = get_str(props, "source_catalog", ev->source_catalog,
	        sizeof ev->source_catalog, f)) ||
	    (err = get_str(props, "source_id", ev->source_id,
	        sizeof ev->source_id, f)))
		return err;
	id = json_object_get(feat, "id");
	if (id != NULL && (!json_is_string(id) ||
	    strcmp(json_string_value(id), ev->id) != 0))
		return quake_err_fail(f, "id", "differs from properties.unid");
	return quake_event_validate(ev, f);
}

static enum quake_err
frame_from_json(json_t *root, struct quake_event *ev, struct quake_fail *f)
{
	enum quake_action action = QUAKE_ACTION_UPDATE;
	enum quake_err err;
	json_t *data;

	if ((err = get_action(root, &action, f)) != QUAKE_OK)
		return err;
	if ((data = json_object_get(root, "data")) == NULL)
		return quake_err_fail(f, "data", "missing");
	return from_feature(data, action, ev, f);
}

enum quake_err
quake_event_parse_frame(const char *buf, size_t len, struct quake_event *ev,
    struct quake_fail *f)
{
	json_error_t je;
	json_t *root;
	enum quake_err err;

	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return not_json(&je, f);
	if (json_is_object(root))
		err = frame_from_json(root, ev, f);
	else
		err = quake_err_fail(f, "", "not a JSON object");
	json_decref(root);
	return err;
}

/* Hand one feature to fn; on failure with its compact text. */
static int
feature_to_fn(json_t *feat, size_t i, quake_event_fn fn, void *arg)
{
	struct quake_event ev;
	struct quake_fail ff;
	enum quake_err err;
	char *raw = NULL;
	int stop;

	memset(&ff, 0, sizeof ff);
	err = from_feature(feat, QUAKE_ACTION_UPDATE, &ev, &ff);
	if (err != QUAKE_OK)
		raw = json_dumps(feat, JSON_COMPACT | JSON_PRESERVE_ORDER);
	stop = fn(arg, i, err, err == QUAKE_OK ? &ev : NULL, &ff, raw);
	free(raw);
	return stop;
}

enum quake_err
quake_event_parse_doc(const char *buf, size_t len, quake_event_fn fn,
    void *arg, size_t *nevents, struct quake_fail *f)
{
	json_error_t je;
	json_t *root, *features, *feat;
	struct quake_event ev;
	struct quake_fail ff;
	enum quake_err err = QUAKE_OK;
	const char *type;
	size_t i, n = 0;

	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return not_json(&je, f);
	if (!json_is_object(root)) {
		err = quake_err_fail(f, "", "not a JSON object");
		goto out;
	}
	if (json_object_get(root, "action") != NULL ||
	    json_object_get(root, "data") != NULL) {
		memset(&ff, 0, sizeof ff);
		err = frame_from_json(root, &ev, &ff);
		n = 1;
		fn(arg, 0, err, err == QUAKE_OK ? &ev : NULL, &ff, NULL);
		err = QUAKE_OK;
		goto out;
	}
	type = json_string_value(json_object_get(root, "type"));
	if (type != NULL && strcmp(type, "Feature") == 0) {
		n = 1;
		feature_to_fn(root, 0, fn, arg);
		goto out;
	}
	features = json_object_get(root, "features");
	if (type == NULL || strcmp(type, "FeatureCollection") != 0 ||
	    !json_is_array(features)) {
		err = quake_err_fail(f, "", "neither a frame nor an FDSN "
		    "Feature or FeatureCollection");
		goto out;
	}
	json_array_foreach(features, i, feat) {
		n = i + 1;
		if (feature_to_fn(feat, i, fn, arg))
			break;
	}
out:
	if (nevents != NULL)
		*nevents = n;
	json_decref(root);
	return err;
}

/* ---- the event line ---- */

/* The event line is a flat object of strings and numbers: a single pass
 * over lib/core/json's strict lexer runs ~20x fewer instructions than a general
 * tree parser, and every line that reaches Kafka or DynamoDB is parsed. */

#define LINE_KEYS(X) X(ID, "id") X(ACTION, "action") X(TIME, "time") \
	X(LASTUPDATE, "lastupdate") X(LAT, "lat") X(LON, "lon") \
	X(DEPTH, "depth") X(MAG, "mag") X(MAGTYPE, "magtype") \
	X(REGION, "region") X(EVTYPE, "evtype") X(AUTH, "auth") \
	X(SOURCE_CATALOG, "source_catalog") X(SOURCE_ID, "source_id")

#define X_ENUM(k, s) K_##k,
#define X_NAME(k, s) s,
#define X_LEN(k, s) sizeof s - 1,
enum { LINE_KEYS(X_ENUM) NKEYS };
static const char *const line_keys[NKEYS] = { LINE_KEYS(X_NAME) };
static const unsigned char key_len[NKEYS] = { LINE_KEYS(X_LEN) };

/* Whether p (with key_len[k] bytes) holds key k: constant-size compares
 * the compiler inlines, for the expected key of a canonical line. */
static inline int
key_is(const char *p, int k)
{
#define X_CASE(k, s) case K_##k: return memcmp(p, s, sizeof s - 1) == 0;
	switch (k) {
	LINE_KEYS(X_CASE)
	}
	return 0;
#undef X_CASE
}
#undef X_ENUM
#undef X_NAME
#undef X_LEN

enum quake_err
quake_event_parse_line(const char *buf, size_t len, struct quake_event *ev,
    struct quake_fail *f)
{
	return quake_event_parse_line_canon(buf, len, ev, NULL, f);
}

/* The string value of field k (named name) at lx->p into *ev. */
static enum quake_err
line_string(struct quake_json_lex *lx, int k, const char *name,
    struct quake_event *ev)
{
	char sval[128], *dst;
	size_t cap, sl;
	int toolong;
	enum quake_err err;

	if (*lx->p != '"')
		return k == K_ACTION ? quake_err_fail(lx->f, "action",
		    "must be \"create\" or \"update\"") :
		    quake_json_lex_wrong_type(lx, name, 1);
	switch (k) {
	case K_ID: dst = ev->id; cap = sizeof ev->id; break;
	case K_MAGTYPE: dst = ev->magtype; cap = sizeof ev->magtype; break;
	case K_REGION: dst = ev->region; cap = sizeof ev->region; break;
	case K_EVTYPE: dst = ev->evtype; cap = sizeof ev->evtype; break;
	case K_AUTH: dst = ev->auth; cap = sizeof ev->auth; break;
	case K_SOURCE_CATALOG: dst = ev->source_catalog; cap = sizeof ev->source_catalog; break;
	case K_SOURCE_ID: dst = ev->source_id; cap = sizeof ev->source_id; break;
	default: dst = sval; cap = sizeof sval; break;
	}
	if ((err = quake_json_lex_string(lx, dst, cap, &sl, &toolong)) !=
	    QUAKE_OK)
		return err;
	if (toolong)
		return quake_err_fail(lx->f, name, "longer than %zu bytes",
		    cap - 1);
	if (memchr(dst, '\0', sl) != NULL)
		return quake_err_fail(lx->f, name, "a control character (U+0000)");
	if (k == K_ACTION) {
		if (sl == 6 && memcmp(sval, "create", 6) == 0)
			ev->action = QUAKE_ACTION_CREATE;
		else if (sl == 6 && memcmp(sval, "update", 6) == 0)
			ev->action = QUAKE_ACTION_UPDATE;
		else
			return quake_err_fail(lx->f, "action",
			    "must be \"create\" or \"update\"");
	} else if (k == K_TIME || k == K_LASTUPDATE) {
		if (sl != QUAKE_TIME_LEN)
			lx->noncanon = 1;
		if (quake_time_parse(sval, sl, k == K_TIME ?
		    &ev->time : &ev->lastupdate, lx->f) != QUAKE_OK) {
			if (lx->f != NULL)
				snprintf(lx->f->field, sizeof lx->f->field,
				    "%s", name);
			return QUAKE_EINPUT;
		}
	}
	return QUAKE_OK;
}

enum quake_err
quake_event_parse_line_canon(const char *buf, size_t len,
    struct quake_event *ev, int *canonical, struct quake_fail *f)
{
	struct quake_json_lex lx = { .p = buf, .start = buf, .end = buf + len,
	    .f = f };
	unsigned seen = 0;
	enum quake_err err;
	char key[24];
	size_t kl;
	const char *name;	/* of the field being read, for messages */
	size_t n = 0;
	int toolong, prev = -1, r;

	if (len == 0)
		return quake_err_fail(f, "", "empty line");
	quake_json_lex_ws(&lx);
	if (lx.p >= lx.end || *lx.p != '{')
		return lx.p < lx.end && *lx.p == '[' ?
		    quake_err_fail(f, "", "not a JSON object") :
		    quake_json_lex_fail(&lx, "expected an object");
	while ((r = quake_json_object_next(&lx, &n)) > 0) {
		int k;

		if (lx.p >= lx.end || *lx.p != '"')
			return quake_json_lex_fail(&lx, "expected a field name");
		/* canonical lines have the keys in order, unescaped: try the
		 * next one's bytes first, else read and look up the name */
		k = prev + 1;
		if (k < NKEYS && (size_t)(lx.end - lx.p) > key_len[k] + 1u &&
		    lx.p[key_len[k] + 1] == '"' &&
		    key_is(lx.p + 1, k)) {
			lx.p += key_len[k] + 2;
			name = line_keys[k];
		} else {
			name = key;
			lx.noncanon = 1;
			if ((err = quake_json_lex_string(&lx, key, sizeof key, &kl,
			    &toolong)) != QUAKE_OK)
				return err;
			for (k = 0; k < NKEYS; k++)
				if (!toolong && kl == key_len[k] &&
				    memcmp(key, line_keys[k], kl) == 0)
					break;
		}
		prev = k;
		if (k == NKEYS)
			return quake_err_fail(f, "", "unknown field \"%.60s\"", key);
		if (seen & (1u << k))
			return quake_err_fail(f, "", "duplicate field \"%s\"", name);
		seen |= 1u << k;
		if ((err = quake_json_member_colon(&lx)) != QUAKE_OK)
			return err;
		if (k >= K_LAT && k <= K_MAG) {
			double *d = k == K_LAT ? &ev->lat : k == K_LON ? &ev->lon :
			    k == K_DEPTH ? &ev->depth : &ev->mag;
			if (*lx.p != '-' && (*lx.p < '0' || *lx.p > '9'))
				return quake_json_lex_wrong_type(&lx, name, 0);
			if ((err = quake_json_lex_number(&lx, d)) != QUAKE_OK)
				return err;
		} else if ((err = line_string(&lx, k, name, ev)) != QUAKE_OK)
			return err;
	}
	if (r < 0)
		return QUAKE_EINPUT;
	quake_json_lex_ws(&lx);
	if (lx.p != lx.end)
		return quake_json_lex_fail(&lx, "trailing characters");
	if (seen != (1u << NKEYS) - 1)
		for (int k = 0; k < NKEYS; k++)
			if (!(seen & (1u << k)))
				return quake_err_fail(f, line_keys[k], "missing");
	if (canonical != NULL)
		*canonical = !lx.noncanon;
	return quake_event_validate(ev, f);
}

#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

size_t
quake_event_format(const struct quake_event *ev, char *out, size_t cap)
{
	char buf[QUAKE_EVENT_LINE_MAX + 1];
	char *p = buf;
	size_t n;

	p = LIT(p, "{\"id\":");
	p += quake_json_format_string(ev->id, p);
	p = LIT(p, ",\"action\":\"");
	p = ev->action == QUAKE_ACTION_CREATE ? LIT(p, "create\"") :
	    LIT(p, "update\"");
	p = LIT(p, ",\"time\":\"");
	if (quake_time_format(ev->time, p) != QUAKE_OK)
		return 0;
	p += QUAKE_TIME_LEN;
	p = LIT(p, "\",\"lastupdate\":\"");
	if (quake_time_format(ev->lastupdate, p) != QUAKE_OK)
		return 0;
	p += QUAKE_TIME_LEN;
	p = LIT(p, "\",\"lat\":");
	if ((n = quake_json_format_number(ev->lat, p)) == 0)
		return 0;
	p = LIT(p + n, ",\"lon\":");
	if ((n = quake_json_format_number(ev->lon, p)) == 0)
		return 0;
	p = LIT(p + n, ",\"depth\":");
	if ((n = quake_json_format_number(ev->depth, p)) == 0)
		return 0;
	p = LIT(p + n, ",\"mag\":");
	if ((n = quake_json_format_number(ev->mag, p)) == 0)
		return 0;
	p = LIT(p + n, ",\"magtype\":");
	p += quake_json_format_string(ev->magtype, p);
	p = LIT(p, ",\"region\":");
	p += quake_json_format_string(ev->region, p);
	p = LIT(p, ",\"evtype\":");
	p += quake_json_format_string(ev->evtype, p);
	p = LIT(p, ",\"auth\":");
	p += quake_json_format_string(ev->auth, p);
	p = LIT(p, ",\"source_catalog\":");
	p += quake_json_format_string(ev->source_catalog, p);
	p = LIT(p, ",\"source_id\":");
	p += quake_json_format_string(ev->source_id, p);
	*p++ = '}';
	n = (size_t)(p - buf);
	if (n + 1 > cap)
		return 0;
	memcpy(out, buf, n);
	out[n] = '\0';
	return n;
}
