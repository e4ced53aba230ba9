/* event — EMSC/FDSN JSON to struct quake_event and back to the event line.
 * jansson parses; this file picks the 13 properties, checks types and
 * ranges, and writes the line by hand (no printf on the hot path). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event.h"
#include "time.h"

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

static enum quake_err
range(struct quake_fail *f, const char *field, double v, double lo, double hi)
{
	char txt[32];

	if (v >= lo && v <= hi)
		return QUAKE_OK;
	quake_event_format_number(v, txt);
	return quake_err_fail(f, field, "%s out of range [%g, %g]", txt, lo, hi);
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
	    (err = range(f, "mag", ev->mag, -3, 10)))
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

/* The event line is a flat object of strings and numbers: a strict
 * single-pass parser made for it (RFC 8259 strings, numbers and white
 * space; UTF-8 checked) runs ~20x fewer instructions than a general tree
 * parser, which matters because every line that reaches Kafka or DynamoDB
 * is parsed here. */

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

struct lex {
	const char *p, *start, *end;
	struct quake_fail *f;
	int odd;	/* seen what quake_event_format would write otherwise */
};

static enum quake_err
lex_fail(struct lex *lx, const char *what)
{
	return quake_err_fail(lx->f, "", "not JSON: %s at byte %td", what,
	    lx->p - lx->start);
}

static void
lex_ws_skip(struct lex *lx)
{
	const char *p = lx->p;

	while (p < lx->end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	if (p != lx->p)
		lx->odd = 1;
	lx->p = p;
}

/* White space, if any (a canonical line has none: one test then). */
static inline void
lex_ws(struct lex *lx)
{
	if (lx->p < lx->end && (unsigned char)*lx->p <= ' ')
		lex_ws_skip(lx);
}

static int
hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
		else return -1;
	}
	*out = v;
	return 0;
}

/* Length of the valid UTF-8 sequence at p (at most end), or 0. */
static int
utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	int n;
	unsigned min, cp;

	if (c < 0xc2 || c > 0xf4)
		return 0;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (end - p < n)
		return 0;
	cp = c & (0x3f >> (n - 1));
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static size_t
put_utf8(char *d, unsigned cp)
{
	if (cp < 0x80) { d[0] = (char)cp; return 1; }
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | cp >> 12);
		d[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | cp >> 18);
	d[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	d[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Bytes that stand for themselves inside a JSON string: printable ASCII
 * but '"' and '\\'. */
#define P8(x) x, x, x, x, x, x, x, x
static const unsigned char plain[256] = {
	P8(0), P8(0), P8(0), P8(0),			/* 0x00-0x1f */
	1, 1, 0, P8(1), 1, 1, 1, 1, 1,			/* 0x20-0x2f, '"' */
	P8(1), P8(1), P8(1), P8(1),			/* 0x30-0x4f */
	P8(1), 1, 1, 1, 1, 0, 1, 1, 1,			/* 0x50-0x5f, '\\' */
	P8(1), P8(1),					/* 0x60-0x6f */
	P8(1), P8(1),					/* 0x70-0x7f */
};
#undef P8

#define ONES 0x0101010101010101ull
/* High bit set in each byte of x that is zero (and maybe in some above a
 * zero byte: only "any" is asked). */
static inline uint64_t
has0(uint64_t x)
{
	return (x - ONES) & ~x & ONES * 0x80;
}

/* A string at lx->p (on its opening quote) into dst[cap], its length in
 * *len; *toolong is set (and the rest of the string still checked) if it
 * does not fit. */
static enum quake_err
lex_string(struct lex *lx, char *dst, size_t cap, size_t *len, int *toolong)
{
	size_t n = 0;
	char tmp[4];

	*toolong = 0;
	lx->p++;
	for (;;) {
		const char *run = lx->p, *q = run, *end = lx->end;
		size_t k;
		unsigned cp;
		int u;

		/* eight bytes at a time while none is special: '"', '\\',
		 * < 0x20 or >= 0x80 (locals: stores to dst would otherwise
		 * reload lx->p) */
		while (end - q >= 8) {
			uint64_t x, m;
			memcpy(&x, q, 8);
			m = ((((x - ONES * 0x20) & ~x) | x) & ONES * 0x80) |
			    has0(x ^ (ONES * '"')) | has0(x ^ (ONES * '\\'));
			if (m != 0) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				/* a borrow marks only bytes above a special
				 * one: the lowest mark is the first special */
				q += __builtin_ctzll(m) >> 3;
#endif
				break;
			}
			q += 8;
		}
		while (q < end && plain[(unsigned char)*q])
			q++;
		lx->p = q;
		k = (size_t)(q - run);
		if (n + k < cap)
			memcpy(dst + n, run, k);
		n += k;
		if (lx->p >= lx->end)
			return lex_fail(lx, "unterminated string");
		unsigned char c = (unsigned char)*lx->p;
		if (c == '"') {
			lx->p++;
			break;
		}
		if (c < 0x20)
			return lex_fail(lx, "control character in string");
		if (c >= 0x80) {
			if ((u = utf8_len((const unsigned char *)lx->p,
			    (const unsigned char *)lx->end)) == 0)
				return lex_fail(lx, "invalid UTF-8");
			if (n + (size_t)u < cap)
				memcpy(dst + n, lx->p, (size_t)u);
			n += (size_t)u;
			lx->p += u;
			continue;
		}
		/* backslash: canonical only as put_str writes it: \" \\
		 * and \u00xx (lower-case hex) for a control character */
		if (lx->end - lx->p < 2)
			return lex_fail(lx, "unterminated string");
		if (lx->p[1] != '"' && lx->p[1] != '\\' && (lx->p[1] != 'u' ||
		    lx->end - lx->p < 6 || lx->p[2] != '0' || lx->p[3] != '0' ||
		    lx->p[4] < '0' || lx->p[4] > '1' || !((lx->p[5] >= '0' &&
		    lx->p[5] <= '9') || (lx->p[5] >= 'a' && lx->p[5] <= 'f'))))
			lx->odd = 1;
		switch (lx->p[1]) {
		case '"': case '\\': case '/': tmp[0] = lx->p[1]; k = 1; break;
		case 'b': tmp[0] = '\b'; k = 1; break;
		case 'f': tmp[0] = '\f'; k = 1; break;
		case 'n': tmp[0] = '\n'; k = 1; break;
		case 'r': tmp[0] = '\r'; k = 1; break;
		case 't': tmp[0] = '\t'; k = 1; break;
		case 'u':
			if (lx->end - lx->p < 6 || hex4(lx->p + 2, &cp) != 0)
				return lex_fail(lx, "invalid \\u escape");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				unsigned lo;
				if (lx->end - lx->p < 12 || lx->p[6] != '\\' ||
				    lx->p[7] != 'u' || hex4(lx->p + 8, &lo) != 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return lex_fail(lx, "invalid \\u escape");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				lx->p += 6;
			} else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0)
				return lex_fail(lx, "invalid \\u escape");
			k = put_utf8(tmp, cp);
			lx->p += 4;
			break;
		default:
			return lex_fail(lx, "invalid escape");
		}
		lx->p += 2;
		if (n + k < cap)
			memcpy(dst + n, tmp, k);
		n += k;
	}
	if (n >= cap) {
		*toolong = 1;
		n = cap - 1;
	}
	dst[n] = '\0';
	*len = n;
	return QUAKE_OK;
}

static enum quake_err
lex_number(struct lex *lx, double *out)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	    1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	const char *s = lx->p;
	uint64_t m = 0;
	int digits = 0, frac = 0, neg = 0, exp = 0;
	char buf[64];

	if (*lx->p == '-') {
		neg = 1;
		lx->p++;
	}
	if (lx->p >= lx->end || *lx->p < '0' || *lx->p > '9')
		return lex_fail(lx, "invalid number");
	if (*lx->p == '0')
		lx->p++, digits = 1;
	else
		for (; lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9'; lx->p++)
			m = m * 10 + (uint64_t)(*lx->p - '0'), digits++;
	if (lx->p < lx->end && *lx->p == '.') {
		lx->p++;
		if (lx->p >= lx->end || *lx->p < '0' || *lx->p > '9')
			return lex_fail(lx, "invalid number");
		for (; lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9'; lx->p++)
			m = m * 10 + (uint64_t)(*lx->p - '0'), digits++, frac++;
	}
	if (lx->p < lx->end && (*lx->p == 'e' || *lx->p == 'E')) {
		exp = 1;
		lx->p++;
		if (lx->p < lx->end && (*lx->p == '+' || *lx->p == '-'))
			lx->p++;
		if (lx->p >= lx->end || *lx->p < '0' || *lx->p > '9')
			return lex_fail(lx, "invalid number");
		while (lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9')
			lx->p++;
	}
	/* m and 10^frac are exact, so m / 10^frac is correctly rounded:
	 * the same double strtod gives for the text */
	/* canonical (what quake_event_format_number writes): a fraction of
		 * 1..9 digits, its last not 0 unless it is the only one, no
		 * exponent, not -0 (two decimals of <= 15 digits never name the
		 * same double, so no shorter text reads back the same) */
	if (exp || frac == 0 || frac > 9 || digits > 15 || (neg && m == 0) ||
	    (frac > 1 && lx->p[-1] == '0'))
		lx->odd = 1;
	if (!exp && digits <= 15 && frac <= 15) {
		*out = (double)m / pow10[frac];
		if (neg)
			*out = -*out;
		return QUAKE_OK;
	}
	if ((size_t)(lx->p - s) >= sizeof buf)
		return lex_fail(lx, "number too long");
	memcpy(buf, s, (size_t)(lx->p - s));
	buf[lx->p - s] = '\0';
	*out = strtod(buf, NULL);
	if (!isfinite(*out))
		return lex_fail(lx, "number out of range");
	return QUAKE_OK;
}

/* Skip a true/false/null literal or report what the value is not. */
static enum quake_err
wrong_type(struct lex *lx, const char *key, int want_string)
{
	static const char *const lits[] = { "true", "false", "null" };
	char c = *lx->p;

	if (c != '{' && c != '[' && c != '"' && c != '-' && (c < '0' || c > '9')) {
		int ok = 0;
		for (int i = 0; i < 3 && !ok; i++) {
			size_t n = strlen(lits[i]);
			ok = (size_t)(lx->end - lx->p) >= n &&
			    memcmp(lx->p, lits[i], n) == 0;
		}
		if (!ok)
			return lex_fail(lx, "invalid value");
	}
	return quake_err_fail(lx->f, key, want_string ? "must be a string" :
	    "must be a number");
}

enum quake_err
quake_event_parse_line(const char *buf, size_t len, struct quake_event *ev,
    struct quake_fail *f)
{
	return quake_event_parse_line_canon(buf, len, ev, NULL, f);
}

enum quake_err
quake_event_parse_line_canon(const char *buf, size_t len,
    struct quake_event *ev, int *canonical, struct quake_fail *f)
{
	struct lex lx = { buf, buf, buf + len, f, 0 };
	unsigned seen = 0;
	enum quake_err err;
	char key[24], sval[128];
	size_t kl, sl;
	const char *name;	/* of the field being read, for messages */
	int toolong, prev = -1;

	if (len == 0)
		return quake_err_fail(f, "", "empty line");
	lex_ws(&lx);
	if (lx.p >= lx.end || *lx.p != '{')
		return lx.p < lx.end && *lx.p == '[' ?
		    quake_err_fail(f, "", "not a JSON object") :
		    lex_fail(&lx, "expected an object");
	lx.p++;
	lex_ws(&lx);
	if (lx.p < lx.end && *lx.p == '}')
		lx.p++;
	else for (;;) {
		int k;
		char *dst;
		size_t cap;

		if (lx.p >= lx.end || *lx.p != '"')
			return lex_fail(&lx, "expected a field name");
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
			lx.odd = 1;
			if ((err = lex_string(&lx, key, sizeof key, &kl,
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
		lex_ws(&lx);
		if (lx.p >= lx.end || *lx.p != ':')
			return lex_fail(&lx, "expected ':'");
		lx.p++;
		lex_ws(&lx);
		if (lx.p >= lx.end)
			return lex_fail(&lx, "unexpected end");
		if (k >= K_LAT && k <= K_MAG) {
			double *d = k == K_LAT ? &ev->lat : k == K_LON ? &ev->lon :
			    k == K_DEPTH ? &ev->depth : &ev->mag;
			if (*lx.p != '-' && (*lx.p < '0' || *lx.p > '9'))
				return wrong_type(&lx, name, 0);
			if ((err = lex_number(&lx, d)) != QUAKE_OK)
				return err;
		} else {
			if (*lx.p != '"')
				return k == K_ACTION ? quake_err_fail(f, "action",
				    "must be \"create\" or \"update\"") :
				    wrong_type(&lx, name, 1);
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
			if ((err = lex_string(&lx, dst, cap, &sl, &toolong)) != QUAKE_OK)
				return err;
			if (toolong)
				return quake_err_fail(f, name, "longer than %zu bytes",
				    cap - 1);
			if (k == K_ACTION) {
				if (sl == 6 && memcmp(sval, "create", 6) == 0)
					ev->action = QUAKE_ACTION_CREATE;
				else if (sl == 6 && memcmp(sval, "update", 6) == 0)
					ev->action = QUAKE_ACTION_UPDATE;
				else
					return quake_err_fail(f, "action",
					    "must be \"create\" or \"update\"");
			} else if (k == K_TIME || k == K_LASTUPDATE) {
				if (sl != QUAKE_TIME_LEN)
					lx.odd = 1;
				if (quake_time_parse(sval, sl, k == K_TIME ?
				    &ev->time : &ev->lastupdate, f) != QUAKE_OK) {
					if (f != NULL)
						snprintf(f->field, sizeof f->field,
						    "%s", name);
					return QUAKE_EINPUT;
				}
			}
		}
		lex_ws(&lx);
		if (lx.p < lx.end && *lx.p == ',') {
			lx.p++;
			lex_ws(&lx);
			continue;
		}
		if (lx.p < lx.end && *lx.p == '}') {
			lx.p++;
			break;
		}
		return lex_fail(&lx, "expected ',' or '}'");
	}
	lex_ws(&lx);
	if (lx.p != lx.end)
		return lex_fail(&lx, "trailing characters");
	if (seen != (1u << NKEYS) - 1)
		for (int k = 0; k < NKEYS; k++)
			if (!(seen & (1u << k)))
				return quake_err_fail(f, line_keys[k], "missing");
	if (canonical != NULL)
		*canonical = !lx.odd;
	return quake_event_validate(ev, f);
}

/* ---- writing ---- */

static char *
put_uint(char *p, uint64_t v, int mindigits)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 || n < mindigits);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* nearbyint() for the default rounding mode, without libm (emsc-tail
 * would load libm for this one call): past 2^52 a double has no fraction,
 * so adding and taking away 2^52 rounds to the nearest, ties to even. */
static double
round_even(double x)
{
	const double big = 4503599627370496.0;	/* 2^52 */

	if (!(fabs(x) < big))
		return x;
	return x >= 0 ? (x + big) - big : -((-x + big) - big);
}

size_t
quake_event_format_number(double d, char *out)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	    1e7, 1e8, 1e9 };
	char *p = out;

	if (!isfinite(d))
		return 0;
	/* Fast path: the fewest fractional digits k whose integer m = d·10^k
	 * reads back exactly (m and 10^k are exact, so m/10^k is what strtod
	 * returns for the text). */
	if (fabs(d) < 1e6) {
		for (int k = 1; k <= 9; k++) {
			double m = round_even(d * pow10[k]);
			if (m / pow10[k] == d) {
				uint64_t u = (uint64_t)fabs(m);
				char digs[24];
				char *e = put_uint(digs, u, k + 1);
				size_t nd = (size_t)(e - digs);
				if (m < 0)
					*p++ = '-';
				memcpy(p, digs, nd - (size_t)k);
				p += nd - (size_t)k;
				*p++ = '.';
				memcpy(p, digs + nd - k, (size_t)k);
				p += k;
				*p = '\0';
				return (size_t)(p - out);
			}
		}
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, 32, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	if (strpbrk(out, ".e") == NULL)
		strcat(out, ".0");
	return strlen(out);
}

static char *
put_str(char *p, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	*p++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20) {
			memcpy(p, "\\u00", 4);
			p[4] = hex[c >> 4];
			p[5] = hex[c & 15];
			p += 6;
		} else
			*p++ = (char)c;
	}
	*p++ = '"';
	return p;
}

size_t
quake_event_format_string(const char *s, char *out)
{
	return (size_t)(put_str(out, s) - out);
}

#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

size_t
quake_event_format(const struct quake_event *ev, char *out, size_t cap)
{
	char buf[QUAKE_EVENT_LINE_MAX + 1];
	char *p = buf;
	size_t n;

	p = LIT(p, "{\"id\":");
	p = put_str(p, ev->id);
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
	if ((n = quake_event_format_number(ev->lat, p)) == 0)
		return 0;
	p = LIT(p + n, ",\"lon\":");
	if ((n = quake_event_format_number(ev->lon, p)) == 0)
		return 0;
	p = LIT(p + n, ",\"depth\":");
	if ((n = quake_event_format_number(ev->depth, p)) == 0)
		return 0;
	p = LIT(p + n, ",\"mag\":");
	if ((n = quake_event_format_number(ev->mag, p)) == 0)
		return 0;
	p = LIT(p + n, ",\"magtype\":");
	p = put_str(p, ev->magtype);
	p = LIT(p, ",\"region\":");
	p = put_str(p, ev->region);
	p = LIT(p, ",\"evtype\":");
	p = put_str(p, ev->evtype);
	p = LIT(p, ",\"auth\":");
	p = put_str(p, ev->auth);
	p = LIT(p, ",\"source_catalog\":");
	p = put_str(p, ev->source_catalog);
	p = LIT(p, ",\"source_id\":");
	p = put_str(p, ev->source_id);
	*p++ = '}';
	n = (size_t)(p - buf);
	if (n + 1 > cap)
		return 0;
	memcpy(out, buf, n);
	out[n] = '\0';
	return n;
}
