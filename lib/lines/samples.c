/* sample — Sensor Logger pushes and quake-shake's line kinds, read with
 * lib/core/json's lexer and written by hand (numbers in fixed point): a
 * receiver and a detector go through a million samples a second. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "lines/sample.h"
#include "shake/stalta.h"
#include "core/time.h"

enum quake_err
quake_sample_batch_init(struct quake_sample_batch *b, size_t cap)
{
	memset(b, 0, sizeof *b);
	if (cap == 0 || cap > QUAKE_SAMPLE_MAX)
		return QUAKE_EINPUT;
	b->t = malloc(cap * sizeof *b->t);
	b->x = malloc(cap * sizeof *b->x);
	b->y = malloc(cap * sizeof *b->y);
	b->z = malloc(cap * sizeof *b->z);
	b->cap = cap;
	if (b->t == NULL || b->x == NULL || b->y == NULL || b->z == NULL) {
		quake_sample_batch_free(b);
		return QUAKE_ENOMEM;
	}
	return QUAKE_OK;
}

void
quake_sample_batch_free(struct quake_sample_batch *b)
{
	free(b->t); free(b->x); free(b->y); free(b->z);
	b->t = NULL; b->x = b->y = b->z = NULL;
	b->cap = b->n = 0;
}

/* by time: pushes come in order (checked, then done), anything else is
 * sorted through an index (no quadratic case) */
static int
by_time(const void *a, const void *b, void *arg)
{
	const int64_t *t = arg;
	int64_t x = t[*(const uint32_t *)a], y = t[*(const uint32_t *)b];

	return (x > y) - (x < y);
}

static enum quake_err
sort_by_time(struct quake_sample_batch *b)
{
	size_t i, n = b->n;
	uint32_t *ix;
	double *tmp;
	int64_t *tt;

	for (i = 1; i < n && b->t[i - 1] <= b->t[i]; i++)
		;
	if (i >= n)
		return QUAKE_OK;
	ix = malloc(n * sizeof *ix);
	tmp = malloc(n * 3 * sizeof *tmp);
	tt = malloc(n * sizeof *tt);
	if (ix == NULL || tmp == NULL || tt == NULL) {
		free(ix); free(tmp); free(tt);
		return QUAKE_ENOMEM;
	}
	for (i = 0; i < n; i++)
		ix[i] = (uint32_t)i;
	qsort_r(ix, n, sizeof *ix, by_time, b->t);
	for (i = 0; i < n; i++) {
		tt[i] = b->t[ix[i]];
		tmp[i] = b->x[ix[i]];
		tmp[n + i] = b->y[ix[i]];
		tmp[2 * n + i] = b->z[ix[i]];
	}
	memcpy(b->t, tt, n * sizeof *tt);
	memcpy(b->x, tmp, n * sizeof *tmp);
	memcpy(b->y, tmp + n, n * sizeof *tmp);
	memcpy(b->z, tmp + 2 * n, n * sizeof *tmp);
	free(ix); free(tmp); free(tt);
	return QUAKE_OK;
}

/* ---- the push, parsed by hand: jansson's tree cost 85 % of a receiver's
 * CPU (bench/results/shake.md); this walks the text once with lib/core/json's
 * lexer, keeping accelerometer samples from the front of the arrays and
 * totalacceleration ones from the back, and skipping everything else ---- */

#define PUSH_DEPTH 32

struct xyz {
	double v[5];		/* x, y, z, latitude, longitude */
	unsigned have, bad;	/* bit k: v[k] seen / seen but not a number */
};

struct entry {
	char name[24];
	int named, name_long;
	int64_t time_us;
	int time_ok, time_seen;
	struct xyz flat, nested;
	int has_values;
};

static enum quake_err skip_value(struct quake_json_lex *lx, int depth);

static enum quake_err
expect(struct quake_json_lex *lx, char c, const char *what)
{
	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || *lx->p != c)
		return quake_json_lex_fail(lx, what);
	lx->p++;
	return QUAKE_OK;
}

static enum quake_err
skip_lit(struct quake_json_lex *lx, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(lx->end - lx->p) < n || memcmp(lx->p, lit, n) != 0)
		return quake_json_lex_fail(lx, "unexpected character");
	lx->p += n;
	return QUAKE_OK;
}

/* one member key of an object: its text into key[cap] ("" if too long) */
static enum quake_err
member_key(struct quake_json_lex *lx, char *key, size_t cap)
{
	size_t len;
	int toolong = 0;
	enum quake_err err;

	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || *lx->p != '"')
		return quake_json_lex_fail(lx, "expected a key");
	if ((err = quake_json_lex_string(lx, key, cap, &len, &toolong)))
		return err;
	if (toolong)
		key[0] = '\0';
	return expect(lx, ':', "expected ':'");
}

/* after a member: 1 at '}' (or ']'), 0 after ',', -1 on an error */
static int
next_member(struct quake_json_lex *lx, char close)
{
	quake_json_lex_ws(lx);
	if (lx->p < lx->end && *lx->p == ',') {
		lx->p++;
		return 0;
	}
	if (lx->p < lx->end && *lx->p == close) {
		lx->p++;
		return 1;
	}
	quake_json_lex_fail(lx, close == '}' ? "expected ',' or '}'" :
	    "expected ',' or ']'");
	return -1;
}

/* { or [ already seen: 1 when it is empty (and consumed) */
static int
empty(struct quake_json_lex *lx, char close)
{
	quake_json_lex_ws(lx);
	if (lx->p < lx->end && *lx->p == close) {
		lx->p++;
		return 1;
	}
	return 0;
}

static enum quake_err
skip_value(struct quake_json_lex *lx, int depth)
{
	char key[8];
	double d;
	size_t len;
	int toolong, r;
	enum quake_err err;

	quake_json_lex_ws(lx);
	if (lx->p >= lx->end)
		return quake_json_lex_fail(lx, "unexpected end");
	if (depth > PUSH_DEPTH)
		return quake_json_lex_fail(lx, "nested too deep");
	switch (*lx->p) {
	case '"':
		return quake_json_lex_string(lx, key, sizeof key, &len, &toolong);
	case '{':
		lx->p++;
		if (empty(lx, '}'))
			return QUAKE_OK;
		do {
			if ((err = member_key(lx, key, sizeof key)) ||
			    (err = skip_value(lx, depth + 1)))
				return err;
		} while ((r = next_member(lx, '}')) == 0);
		return r < 0 ? QUAKE_EINPUT : QUAKE_OK;
	case '[':
		lx->p++;
		if (empty(lx, ']'))
			return QUAKE_OK;
		do
			if ((err = skip_value(lx, depth + 1)))
				return err;
		while ((r = next_member(lx, ']')) == 0);
		return r < 0 ? QUAKE_EINPUT : QUAKE_OK;
	case 't': return skip_lit(lx, "true");
	case 'f': return skip_lit(lx, "false");
	case 'n': return skip_lit(lx, "null");
	default: return quake_json_lex_number(lx, &d);
	}
}

/* an integer exactly (a time in ns is past 2^53): 1 and *v, 0 when the
 * number has a fraction or exponent or does not fit (then *d has it) */
static enum quake_err
lex_int(struct quake_json_lex *lx, long long *v, double *d, int *isint)
{
	const char *p = lx->p;
	unsigned long long m = 0;
	int neg = p < lx->end && *p == '-', n = 0;

	p += neg;
	while (p < lx->end && *p >= '0' && *p <= '9' && n < 19)
		m = m * 10 + (unsigned long long)(*p++ - '0'), n++;
	*isint = n > 0 && (p >= lx->end || (*p != '.' && *p != 'e' &&
	    *p != 'E' && (*p < '0' || *p > '9'))) && !(n > 1 && lx->p[neg] == '0');
	if (*isint) {
		*v = neg ? -(long long)m : (long long)m;
		lx->p = p;
		return QUAKE_OK;
	}
	return quake_json_lex_number(lx, d);
}

static enum quake_err
number_field(struct quake_json_lex *lx, struct xyz *x, int k)
{
	quake_json_lex_ws(lx);
	x->have |= 1u << k;
	if (lx->p < lx->end && (*lx->p == '-' || (*lx->p >= '0' && *lx->p <= '9')))
		return quake_json_lex_number(lx, &x->v[k]);
	x->bad |= 1u << k;
	return skip_value(lx, 1);
}

static int
field_index(const char *key)
{
	static const char *const names[] = { "x", "y", "z", "latitude", "longitude" };

	for (int k = 0; k < 5; k++)
		if (strcmp(key, names[k]) == 0)
			return k;
	return -1;
}

static enum quake_err
parse_values(struct quake_json_lex *lx, struct xyz *x)
{
	char key[16];
	int r, k;
	enum quake_err err;

	lx->p++;
	if (empty(lx, '}'))
		return QUAKE_OK;
	do {
		if ((err = member_key(lx, key, sizeof key)))
			return err;
		err = (k = field_index(key)) >= 0 ? number_field(lx, x, k) :
		    skip_value(lx, 2);
		if (err)
			return err;
	} while ((r = next_member(lx, '}')) == 0);
	return r < 0 ? QUAKE_EINPUT : QUAKE_OK;
}

static enum quake_err
entry_time(struct quake_json_lex *lx, struct entry *e)
{
	long long v = -1;
	double d = -1;
	int isint = 0;
	enum quake_err err;

	quake_json_lex_ws(lx);
	e->time_seen = 1;
	if (lx->p < lx->end && *lx->p == '"') {
		char s[24], *end;
		size_t len;
		int toolong = 0;
		if ((err = quake_json_lex_string(lx, s, sizeof s, &len, &toolong)))
			return err;
		if (!toolong && s[0] >= '0' && s[0] <= '9') {
			v = strtoll(s, &end, 10);
			isint = *end == '\0';
		}
	} else if (lx->p < lx->end && (*lx->p == '-' || (*lx->p >= '0' && *lx->p <= '9'))) {
		if ((err = lex_int(lx, &v, &d, &isint)))
			return err;
		if (!isint && d >= 0 && d < 9e18)
			v = (long long)d, isint = 1;
	} else
		return skip_value(lx, 1);
	e->time_ok = isint && v >= 0;
	e->time_us = v / 1000;
	return QUAKE_OK;
}

static enum quake_err
parse_entry(struct quake_json_lex *lx, struct entry *e)
{
	char key[16];
	int r, k;
	size_t len;
	enum quake_err err;

	memset(e, 0, sizeof *e);
	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || *lx->p != '{')
		return skip_value(lx, 1);	/* named neither: refused below */
	lx->p++;
	if (empty(lx, '}'))
		return QUAKE_OK;
	do {
		if ((err = member_key(lx, key, sizeof key)))
			return err;
		quake_json_lex_ws(lx);
		if (strcmp(key, "name") == 0 && lx->p < lx->end && *lx->p == '"') {
			e->named = 1;
			err = quake_json_lex_string(lx, e->name, sizeof e->name, &len,
			    &e->name_long);
		} else if (strcmp(key, "time") == 0)
			err = entry_time(lx, e);
		else if (strcmp(key, "values") == 0 && lx->p < lx->end && *lx->p == '{') {
			e->has_values = 1;
			err = parse_values(lx, &e->nested);
		} else if ((k = field_index(key)) >= 0)
			err = number_field(lx, &e->flat, k);
		else
			err = skip_value(lx, 1);
		if (err)
			return err;
	} while ((r = next_member(lx, '}')) == 0);
	return r < 0 ? QUAKE_EINPUT : QUAKE_OK;
}

/* the sample of entry e (index i) into slot j of b */
static enum quake_err
take_entry(const struct entry *e, size_t i, struct quake_sample_batch *b,
    size_t j, struct quake_fail *f)
{
	static const char *const axis[] = { "x", "y", "z" };
	const struct xyz *v = e->has_values ? &e->nested : &e->flat;
	char where[32];

	snprintf(where, sizeof where, "payload[%zu]", i);
	if (!e->time_ok)
		return quake_err_fail(f, where, "time must be epoch nanoseconds");
	for (int k = 0; k < 3; k++) {
		if (!(v->have & (1u << k)) || (v->bad & (1u << k)))
			return quake_err_fail(f, where, "%s %s", axis[k],
			    v->have & (1u << k) ? "must be a number" : "missing");
		if (!isfinite(v->v[k]) || fabs(v->v[k]) > 1e6)
			return quake_err_fail(f, where, "%s out of range", axis[k]);
	}
	b->t[j] = e->time_us;
	b->x[j] = v->v[0];
	b->y[j] = v->v[1];
	b->z[j] = v->v[2];
	return QUAKE_OK;
}

static enum quake_err
take_loc(const struct entry *e, size_t i, struct quake_sample_batch *b,
    struct quake_fail *f)
{
	const struct xyz *v = e->has_values ? &e->nested : &e->flat;
	char where[32];

	snprintf(where, sizeof where, "payload[%zu]", i);
	if ((v->have & 24) != 24 || (v->bad & 24))
		return quake_err_fail(f, where, "latitude and longitude must be numbers");
	if (!(fabs(v->v[3]) <= 90) || !(fabs(v->v[4]) <= 180))
		return quake_err_fail(f, where, "latitude/longitude out of range");
	b->has_loc = 1;
	b->lat = v->v[3];
	b->lon = v->v[4];
	return QUAKE_OK;
}

/* the payload array at lx->p: samples to the front (accelerometer) or the
 * back (totalacceleration) of b's arrays; *na, *nt their counts */
static enum quake_err
parse_payload(struct quake_json_lex *lx, struct quake_sample_batch *b,
    size_t *na, size_t *nt, struct quake_fail *f)
{
	struct entry e;
	size_t i = 0;
	int r;
	enum quake_err err;

	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || *lx->p != '[')
		return skip_value(lx, 0) ? QUAKE_EINPUT :
		    quake_err_fail(f, "payload", "must be an array");
	lx->p++;
	if (empty(lx, ']'))
		return QUAKE_OK;
	do {
		int acc, tot;
		if ((err = parse_entry(lx, &e)))
			return err;
		if (!e.named)
			return quake_err_fail(f, "payload",
			    "entry %zu is not an object with a name", i);
		acc = !e.name_long && strcmp(e.name, "accelerometer") == 0;
		tot = !e.name_long && strcmp(e.name, "totalacceleration") == 0;
		if ((acc || tot) && *na + *nt >= b->cap)
			return quake_err_fail(f, "payload", "more than %zu samples", b->cap);
		if (acc)
			err = take_entry(&e, i, b, (*na)++, f);
		else if (tot)
			err = take_entry(&e, i, b, b->cap - ++*nt, f);
		else if (!e.name_long && strcmp(e.name, "location") == 0)
			err = take_loc(&e, i, b, f);
		if (err)
			return err;
		i++;
	} while ((r = next_member(lx, ']')) == 0);
	return r < 0 ? QUAKE_EINPUT : QUAKE_OK;
}

/* A string member into dst[cap] (*len bytes); *bad when it is too long or
 * holds a NUL, which the caller names in its own words. */
static enum quake_err
member_string(struct quake_json_lex *lx, const char *key, char *dst, size_t cap,
    size_t *len, int *bad, struct quake_fail *f)
{
	int toolong = 0;
	enum quake_err err;

	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || *lx->p != '"')
		return skip_value(lx, 1) ? QUAKE_EINPUT :
		    quake_err_fail(f, key, "must be a string");
	if ((err = quake_json_lex_string(lx, dst, cap, len, &toolong)))
		return err;
	*bad = toolong || strlen(dst) != *len;
	return QUAKE_OK;
}

static enum quake_err
push_id(struct quake_json_lex *lx, const char *key, char *dst,
    struct quake_fail *f)
{
	size_t len;
	int bad = 0;
	enum quake_err err;

	if ((err = member_string(lx, key, dst, QUAKE_SAMPLE_ID_MAX, &len, &bad, f)))
		return err;
	if (bad)
		return quake_err_fail(f, key, "must be 1-%d bytes", QUAKE_SAMPLE_ID_MAX - 1);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			return quake_err_fail(f, key, "holds a control character");
	return QUAKE_OK;
}

/* one top-level member of the push */
static enum quake_err
push_member(struct quake_json_lex *lx, const char *key, unsigned *seen,
    struct quake_sample_batch *b, size_t *na, size_t *nt, struct quake_fail *f)
{
	static const char *const known[] = { "deviceId", "sessionId", "messageId", "payload" };
	long long v;
	double d;
	int k = 0, isint;
	enum quake_err err;

	while (k < 4 && strcmp(key, known[k]) != 0)
		k++;
	if (k < 4 && (*seen & (1u << k)))
		return quake_err_fail(f, "", "duplicate key %s", key);
	if (k < 4)
		*seen |= 1u << k;
	switch (k) {
	case 0: return push_id(lx, key, b->device, f);
	case 1: return push_id(lx, key, b->session, f);
	case 2:
		quake_json_lex_ws(lx);
		if (lx->p >= lx->end || (*lx->p != '-' && (*lx->p < '0' || *lx->p > '9')))
			return skip_value(lx, 1) ? QUAKE_EINPUT :
			    quake_err_fail(f, key, "must be an integer");
		if ((err = lex_int(lx, &v, &d, &isint)))
			return err;
		if (!isint)
			return quake_err_fail(f, key, "must be an integer");
		b->msg = v;
		return QUAKE_OK;
	case 3: return parse_payload(lx, b, na, nt, f);
	default: return skip_value(lx, 1);
	}
}

enum quake_err
quake_sample_parse_push(const char *buf, size_t len,
    struct quake_sample_batch *b, struct quake_fail *f)
{
	struct quake_json_lex lx = { buf, buf, buf + len, f, 0 };
	char key[16];
	size_t na = 0, nt = 0;
	unsigned seen = 0;
	int r;
	enum quake_err err;

	b->n = 0;
	b->has_loc = 0;
	b->msg = 0;
	b->device[0] = b->session[0] = '\0';
	quake_json_lex_ws(&lx);
	if (lx.p >= lx.end || *lx.p != '{')
		return skip_value(&lx, 0) ? QUAKE_EINPUT :
		    quake_err_fail(f, "", "not a JSON object");
	lx.p++;
	if (!empty(&lx, '}')) {
		do {
			if ((err = member_key(&lx, key, sizeof key)) ||
			    (err = push_member(&lx, key, &seen, b, &na, &nt, f)))
				return err;
		} while ((r = next_member(&lx, '}')) == 0);
		if (r < 0)
			return QUAKE_EINPUT;
	}
	quake_json_lex_ws(&lx);
	if (lx.p != lx.end)
		return quake_json_lex_fail(&lx, "text after the object");
	if (!(seen & 1))
		return quake_err_fail(f, "deviceId", "missing");
	if (b->device[0] == '\0')
		return quake_err_fail(f, "deviceId", "must be 1-%d bytes",
		    QUAKE_SAMPLE_ID_MAX - 1);
	if (!(seen & 8))
		return quake_err_fail(f, "payload", "missing");
	b->sensor = na > 0 || nt == 0 ? QUAKE_SENSOR_ACCEL : QUAKE_SENSOR_TOTAL;
	if (na == 0 && nt > 0) {	/* the back, reversed, to the front */
		size_t o = b->cap - nt;
		for (size_t i = 0, j = b->cap - 1; i < nt / 2; i++, j--) {
			int64_t t = b->t[o + i]; double x = b->x[o + i], y = b->y[o + i], z = b->z[o + i];
			b->t[o + i] = b->t[j]; b->x[o + i] = b->x[j];
			b->y[o + i] = b->y[j]; b->z[o + i] = b->z[j];
			b->t[j] = t; b->x[j] = x; b->y[j] = y; b->z[j] = z;
		}
		memmove(b->t, b->t + o, nt * sizeof *b->t);
		memmove(b->x, b->x + o, nt * sizeof *b->x);
		memmove(b->y, b->y + o, nt * sizeof *b->y);
		memmove(b->z, b->z + o, nt * sizeof *b->z);
	}
	b->n = na > 0 ? na : nt;
	if (sort_by_time(b) != QUAKE_OK)
		return QUAKE_ENOMEM;
	if (b->n > 0 && b->t[b->n - 1] - b->t[0] > 86400000000LL)
		return quake_err_fail(f, "payload", "samples span more than a day");
	return QUAKE_OK;
}

/* ---- the sample-batch line, parsed by hand as the push is ---- */

/* an array of numbers into dst[cap] (integers when ints: offsets) */
static enum quake_err
line_array(struct quake_json_lex *lx, const char *key, double *dst,
    int64_t *idst, size_t cap, size_t *n, struct quake_fail *f)
{
	int r;
	enum quake_err err;

	*n = 0;
	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || *lx->p != '[')
		return skip_value(lx, 1) ? QUAKE_EINPUT :
		    quake_err_fail(f, key, "must be an array");
	lx->p++;
	if (empty(lx, ']'))
		return QUAKE_OK;
	do {
		long long v;
		double d;
		int isint;
		quake_json_lex_ws(lx);
		if (*n >= cap)
			return quake_err_fail(f, key, "more than %zu values", cap);
		if (lx->p >= lx->end || (*lx->p != '-' && (*lx->p < '0' || *lx->p > '9')))
			return skip_value(lx, 1) ? QUAKE_EINPUT :
			    quake_err_fail(f, key, "value %zu is not a number", *n);
		if (idst != NULL) {
			if ((err = lex_int(lx, &v, &d, &isint)))
				return err;
			if (!isint || v < 0 || v > 86400000000LL ||
			    (*n > 0 && v < idst[*n - 1]))
				return quake_err_fail(f, key, "offset %zu must be a "
				    "non-decreasing count of µs", *n);
			idst[(*n)++] = v;
		} else {
			if ((err = quake_json_lex_number(lx, &dst[*n])))
				return err;
			if (!isfinite(dst[*n]))
				return quake_err_fail(f, key, "value %zu is not a number", *n);
			(*n)++;
		}
	} while ((r = next_member(lx, ']')) == 0);
	return r < 0 ? QUAKE_EINPUT : QUAKE_OK;
}

static enum quake_err
line_string(struct quake_json_lex *lx, const char *key, char *dst, size_t cap,
    struct quake_fail *f)
{
	size_t len;
	int bad = 0;
	enum quake_err err;

	if ((err = member_string(lx, key, dst, cap, &len, &bad, f)))
		return err;
	return bad ? quake_err_fail(f, key, "too long or holds a NUL") : QUAKE_OK;
}

enum line_key { LK_KIND, LK_DEVICE, LK_SESSION, LK_MSG, LK_SENSOR, LK_T0,
	LK_RATE, LK_T, LK_X, LK_Y, LK_Z, LK_LAT, LK_LON, LK_N };

struct line_state {
	unsigned seen;
	char kind[16], sensor[24], t0[40];
	size_t n[4];		/* t, x, y, z */
	double rate;
};

static enum quake_err
line_member(struct quake_json_lex *lx, const char *key,
    struct quake_sample_batch *b, struct line_state *st, struct quake_fail *f)
{
	static const char *const known[LK_N] = { "kind", "device", "session",
	    "msg", "sensor", "t0", "rate", "t", "x", "y", "z", "lat", "lon" };
	long long v;
	double d;
	int k = 0, isint;
	enum quake_err err;

	while (k < LK_N && strcmp(key, known[k]) != 0)
		k++;
	if (k == LK_N)
		return quake_err_fail(f, key, "unknown field");
	if (st->seen & (1u << k))
		return quake_err_fail(f, "", "duplicate key %s", key);
	st->seen |= 1u << k;
	switch (k) {
	case LK_KIND: return line_string(lx, key, st->kind, sizeof st->kind, f);
	case LK_DEVICE: return push_id(lx, key, b->device, f);
	case LK_SESSION: return line_string(lx, key, b->session, sizeof b->session, f);
	case LK_SENSOR: return line_string(lx, key, st->sensor, sizeof st->sensor, f);
	case LK_T0: return line_string(lx, key, st->t0, sizeof st->t0, f);
	case LK_T: return line_array(lx, key, NULL, b->t, b->cap, &st->n[0], f);
	case LK_X: return line_array(lx, key, b->x, NULL, b->cap, &st->n[1], f);
	case LK_Y: return line_array(lx, key, b->y, NULL, b->cap, &st->n[2], f);
	case LK_Z: return line_array(lx, key, b->z, NULL, b->cap, &st->n[3], f);
	default: break;
	}
	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || (*lx->p != '-' && (*lx->p < '0' || *lx->p > '9')))
		return skip_value(lx, 1) ? QUAKE_EINPUT :
		    quake_err_fail(f, key, k == LK_MSG ? "must be an integer" :
		    "must be a number");
	if (k == LK_MSG) {
		if ((err = lex_int(lx, &v, &d, &isint)))
			return err;
		if (!isint)
			return quake_err_fail(f, key, "must be an integer");
		b->msg = v;
		return QUAKE_OK;
	}
	if ((err = quake_json_lex_number(lx, k == LK_RATE ? &st->rate :
	    k == LK_LAT ? &b->lat : &b->lon)))
		return err;
	return QUAKE_OK;
}

/* what must hold once every member was read */
static enum quake_err
line_check(struct quake_sample_batch *b, struct line_state *st,
    struct quake_fail *f)
{
	static const char *const axis[] = { "x", "y", "z" };
	int64_t t0;

	if (!(st->seen & (1u << LK_KIND)) || strcmp(st->kind, "samples") != 0)
		return quake_err_fail(f, "kind", "must be \"samples\"");
	if (!(st->seen & (1u << LK_DEVICE)) || b->device[0] == '\0')
		return quake_err_fail(f, "device", "missing");
	if (!(st->seen & (1u << LK_MSG)))
		return quake_err_fail(f, "msg", "must be an integer");
	if (strcmp(st->sensor, "accelerometer") == 0)
		b->sensor = QUAKE_SENSOR_ACCEL;
	else if (strcmp(st->sensor, "totalacceleration") == 0)
		b->sensor = QUAKE_SENSOR_TOTAL;
	else
		return quake_err_fail(f, "sensor",
		    "must be accelerometer or totalacceleration");
	if (quake_time_parse(st->t0, strlen(st->t0), &t0, f) != QUAKE_OK)
		return quake_err_fail(f, "t0", "must be an ISO-8601 UTC time");
	if (!(st->seen & (1u << LK_RATE)))
		return quake_err_fail(f, "rate", "must be a number");
	if (st->n[0] == 0)
		return quake_err_fail(f, "t", "must be an array of 1-%zu offsets", b->cap);
	for (int k = 0; k < 3; k++)
		if (st->n[k + 1] != st->n[0])
			return quake_err_fail(f, axis[k], "must be an array as long as t");
	if (!!(st->seen & (1u << LK_LAT)) != !!(st->seen & (1u << LK_LON)))
		return quake_err_fail(f, "lat", "lat and lon go together");
	b->has_loc = !!(st->seen & (1u << LK_LAT));
	if (b->has_loc && (!(fabs(b->lat) <= 90) || !(fabs(b->lon) <= 180)))
		return quake_err_fail(f, "lat", "lat/lon out of range");
	for (size_t i = 0; i < st->n[0]; i++)
		b->t[i] += t0;
	b->n = st->n[0];
	return QUAKE_OK;
}

enum quake_err
quake_sample_parse_line(const char *buf, size_t len,
    struct quake_sample_batch *b, struct quake_fail *f)
{
	struct quake_json_lex lx = { buf, buf, buf + len, f, 0 };
	struct line_state st = { 0 };
	char key[16];
	int r;
	enum quake_err err;

	b->n = 0;
	b->has_loc = 0;
	b->device[0] = b->session[0] = '\0';
	quake_json_lex_ws(&lx);
	if (lx.p >= lx.end || *lx.p != '{')
		return skip_value(&lx, 0) ? QUAKE_EINPUT :
		    quake_err_fail(f, "", "not a JSON object");
	lx.p++;
	if (!empty(&lx, '}')) {
		do {
			if ((err = member_key(&lx, key, sizeof key)) ||
			    (err = line_member(&lx, key, b, &st, f)))
				return err;
		} while ((r = next_member(&lx, '}')) == 0);
		if (r < 0)
			return QUAKE_EINPUT;
	}
	quake_json_lex_ws(&lx);
	if (lx.p != lx.end)
		return quake_json_lex_fail(&lx, "text after the object");
	return line_check(b, &st, f);
}

size_t
quake_sample_key(const char *buf, size_t len, struct quake_sample_batch *b,
    char *key, size_t cap, struct quake_fail *f)
{
	int n;

	if (quake_sample_parse_line(buf, len, b, f) != QUAKE_OK)
		return 0;
	if (b->has_loc)
		n = snprintf(key, cap, "cell:%d:%d", (int)floor(b->lat / 0.5),
		    (int)floor(b->lon / 0.5));
	else
		n = snprintf(key, cap, "device:%s", b->device);
	if (n <= 0 || (size_t)n >= cap) {
		quake_err_fail(f, "device", "too long for a key");
		return 0;
	}
	return (size_t)n;
}

/* v rounded to 1e-6 as fixed point, shortest: "0.012346", "-3.5", "0" */
static char *
put_fixed6(char *p, double v)
{
	long long m = llround(v * 1e6);
	unsigned long long u = m < 0 ? (unsigned long long)-m : (unsigned long long)m;
	unsigned long long ip = u / 1000000, fp = u % 1000000;
	char tmp[24];
	int n = 0, w = 6;

	if (m < 0)
		*p++ = '-';
	do
		tmp[n++] = (char)('0' + ip % 10);
	while ((ip /= 10) > 0);
	while (n > 0)
		*p++ = tmp[--n];
	if (fp == 0)
		return p;
	while (fp % 10 == 0)
		fp /= 10, w--;
	*p++ = '.';
	for (int k = w - 1; k >= 0; k--, fp /= 10)
		p[k] = (char)('0' + fp % 10);
	return p + w;
}

static char *
put_i64(char *p, int64_t v)
{
	return p + sprintf(p, "%" PRId64, v);
}

#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

size_t
quake_sample_format_line(const struct quake_sample_batch *b, char **out,
    size_t *cap)
{
	double *axis[] = { b->x, b->y, b->z };
	size_t need = 1024 + 6 * (2 * QUAKE_SAMPLE_ID_MAX) + b->n * 80;
	char *p;

	if (b->n == 0)
		return 0;
	if (*cap < need) {
		char *n = realloc(*out, need);
		if (n == NULL)
			return 0;
		*out = n;
		*cap = need;
	}
	p = LIT(*out, "{\"kind\":\"samples\",\"device\":");
	p += quake_json_format_string(b->device, p);
	p = LIT(p, ",\"session\":");
	p += quake_json_format_string(b->session, p);
	p = LIT(p, ",\"msg\":");
	p = put_i64(p, b->msg);
	p = b->sensor == QUAKE_SENSOR_ACCEL ?
	    LIT(p, ",\"sensor\":\"accelerometer\",\"t0\":\"") :
	    LIT(p, ",\"sensor\":\"totalacceleration\",\"t0\":\"");
	if (quake_time_format(b->t[0], p) != QUAKE_OK)
		return 0;
	p += QUAKE_TIME_LEN;
	p += sprintf(p, "\",\"rate\":%.6g,\"t\":[",
	    quake_stalta_rate(b->t, b->n));
	for (size_t i = 0; i < b->n; i++) {
		p = put_i64(p, b->t[i] - b->t[0]);
		*p++ = i + 1 < b->n ? ',' : ']';
	}
	for (int k = 0; k < 3; k++) {
		*p++ = ',';
		*p++ = '"';
		*p++ = (char)('x' + k);
		p = LIT(p, "\":[");
		for (size_t i = 0; i < b->n; i++) {
			p = put_fixed6(p, axis[k][i]);
			*p++ = i + 1 < b->n ? ',' : ']';
		}
	}
	if (b->has_loc) {
		p = LIT(p, ",\"lat\":");
		p += sprintf(p, "%.6f", b->lat);
		p = LIT(p, ",\"lon\":");
		p += sprintf(p, "%.6f", b->lon);
	}
	*p++ = '}';
	*p = '\0';
	return (size_t)(p - *out);
}

/* ---- trigger and detection lines ---- */

static int
put_loc(char **p, const char *end, int has, double lat, double lon)
{
	if (!has)
		return 0;
	if (!isfinite(lat) || !isfinite(lon))
		return -1;
	*p += snprintf(*p, (size_t)(end - *p), ",\"lat\":%.6f,\"lon\":%.6f", lat, lon);
	return 0;
}

size_t
quake_sample_format_trigger(const struct quake_trigger *t, char *out,
    size_t cap)
{
	char on[QUAKE_TIME_LEN + 1], off[QUAKE_TIME_LEN + 1], id[6 * QUAKE_SAMPLE_ID_MAX + 3];
	char buf[QUAKE_SAMPLE_LINE_MAX + 6 * QUAKE_SAMPLE_ID_MAX], *p = buf;
	int n;

	if (quake_time_format(t->on, on) || quake_time_format(t->off, off) ||
	    !isfinite(t->peak) || !isfinite(t->ratio))
		return 0;
	id[quake_json_format_string(t->device, id)] = '\0';
	n = snprintf(p, sizeof buf, "{\"kind\":\"trigger\",\"device\":%s,"
	    "\"on\":\"%s\",\"off\":\"%s\",\"peak\":%.6g,\"ratio\":%.6g", id, on,
	    off, t->peak, t->ratio);
	p += n;
	if (put_loc(&p, buf + sizeof buf - 2, t->has_loc, t->lat, t->lon) < 0)
		return 0;
	*p++ = '}';
	*p = '\0';
	if ((size_t)(p - buf) >= cap)
		return 0;
	memcpy(out, buf, (size_t)(p - buf) + 1);
	return (size_t)(p - buf);
}

size_t
quake_sample_format_onset(const struct quake_trigger *t, char *out, size_t cap)
{
	char on[QUAKE_TIME_LEN + 1], id[6 * QUAKE_SAMPLE_ID_MAX + 3];
	char buf[QUAKE_SAMPLE_LINE_MAX + 6 * QUAKE_SAMPLE_ID_MAX], *p = buf;

	if (quake_time_format(t->on, on) || !isfinite(t->peak) ||
	    !isfinite(t->ratio) || !t->has_loc)
		return 0;
	id[quake_json_format_string(t->device, id)] = '\0';
	p += snprintf(p, sizeof buf, "{\"kind\":\"onset\",\"device\":%s,"
	    "\"on\":\"%s\",\"peak\":%.6g,\"ratio\":%.6g", id, on, t->peak,
	    t->ratio);
	if (put_loc(&p, buf + sizeof buf - 2, 1, t->lat, t->lon) < 0)
		return 0;
	*p++ = '}';
	*p = '\0';
	if ((size_t)(p - buf) >= cap)
		return 0;
	memcpy(out, buf, (size_t)(p - buf) + 1);
	return (size_t)(p - buf);
}

size_t
quake_sample_format_detection(const struct quake_detection *d, char *out,
    size_t cap)
{
	char tm[QUAKE_TIME_LEN + 1], id[6 * sizeof d->id + 3];
	int n;

	if (quake_time_format(d->time, tm) || !isfinite(d->lat) ||
	    !isfinite(d->lon) || !isfinite(d->peak) || !isfinite(d->radius_km) ||
	    memchr(d->id, '\0', sizeof d->id) == NULL)
		return 0;
	id[quake_json_format_string(d->id, id)] = '\0';
	n = snprintf(out, cap, "{\"kind\":\"detection\",\"id\":%s,"
	    "\"time\":\"%s\",\"lat\":%.6f,\"lon\":%.6f,\"devices\":%d,"
	    "\"peak\":%.6g,\"radius_km\":%.3f}", id, tm, d->lat, d->lon,
	    d->devices, d->peak, d->radius_km);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* ---- the detection line, read as the sample-batch line is ---- */

enum det_key { DK_KIND, DK_ID, DK_TIME, DK_LAT, DK_LON, DK_DEVICES, DK_PEAK,
	DK_RADIUS, DK_N };

/* the id: 1-63 bytes, no control bytes (written escaped: lib/core/json) */
static enum quake_err
det_id(struct quake_json_lex *lx, const char *key, char *dst, size_t cap,
    struct quake_fail *f)
{
	size_t len;
	int bad = 0;
	enum quake_err err;

	if ((err = member_string(lx, key, dst, cap, &len, &bad, f)))
		return err;
	if (bad || len == 0) {
		dst[0] = '\0';
		return quake_err_fail(f, key, "must be 1-%zu bytes", cap - 1);
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f) {
			dst[0] = '\0';
			return quake_err_fail(f, key, "holds a control character");
		}
	return QUAKE_OK;
}

/* one member of a detection line into *d (kind and time as text in st) */
static enum quake_err
det_member(struct quake_json_lex *lx, const char *key, unsigned *seen,
    struct quake_detection *d, char *kind, char *tm, struct quake_fail *f)
{
	static const char *const known[DK_N] = { "kind", "id", "time", "lat",
	    "lon", "devices", "peak", "radius_km" };
	double *num[DK_N] = { NULL, NULL, NULL, &d->lat, &d->lon, NULL,
	    &d->peak, &d->radius_km };
	long long v;
	double x;
	int k = 0, isint;
	enum quake_err err;

	while (k < DK_N && strcmp(key, known[k]) != 0)
		k++;
	if (k == DK_N)
		return quake_err_fail(f, key, "unknown field");
	if (*seen & (1u << k))
		return quake_err_fail(f, "", "duplicate key %s", key);
	*seen |= 1u << k;
	switch (k) {
	case DK_KIND: return line_string(lx, key, kind, 16, f);
	case DK_ID: return det_id(lx, key, d->id, sizeof d->id, f);
	case DK_TIME: return line_string(lx, key, tm, 40, f);
	default: break;
	}
	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || (*lx->p != '-' && (*lx->p < '0' || *lx->p > '9')))
		return skip_value(lx, 1) ? QUAKE_EINPUT :
		    quake_err_fail(f, key, k == DK_DEVICES ? "must be an integer" :
		    "must be a number");
	if (k != DK_DEVICES)
		return quake_json_lex_number(lx, num[k]);
	if ((err = lex_int(lx, &v, &x, &isint)))
		return err;
	if (!isint || v < 1 || v > 1000000)
		return quake_err_fail(f, key, "must be an integer in [1, 1000000]");
	d->devices = (int)v;
	return QUAKE_OK;
}

/* what must hold once every member of a detection line was read */
static enum quake_err
det_check(unsigned seen, struct quake_detection *d, const char *kind,
    const char *tm, struct quake_fail *f)
{
	static const char *const need[DK_N] = { "kind", "id", "time", "lat",
	    "lon", "devices", "peak", "radius_km" };

	if (!(seen & 1u) || strcmp(kind, "detection") != 0)
		return quake_err_fail(f, "kind", "must be \"detection\"");
	for (int k = 1; k < DK_N; k++)
		if (!(seen & (1u << k)))
			return quake_err_fail(f, need[k], "missing");
	if (d->id[0] == '\0')
		return quake_err_fail(f, "id", "must be 1-%zu bytes", sizeof d->id - 1);
	if (quake_time_parse(tm, strlen(tm), &d->time, f) != QUAKE_OK)
		return quake_err_fail(f, "time", "must be an ISO-8601 UTC time");
	if (!(fabs(d->lat) <= 90))
		return quake_err_fail(f, "lat", "%.17g out of range [-90, 90]", d->lat);
	if (!(fabs(d->lon) <= 180))
		return quake_err_fail(f, "lon", "%.17g out of range [-180, 180]", d->lon);
	if (!(d->peak >= 0 && d->peak < 1e6))
		return quake_err_fail(f, "peak", "must be in [0, 1e6) m/s2");
	if (!(d->radius_km >= 0 && d->radius_km <= 20100))
		return quake_err_fail(f, "radius_km", "must be in [0, 20100]");
	return QUAKE_OK;
}

enum quake_err
quake_sample_parse_detection(const char *buf, size_t len,
    struct quake_detection *d, struct quake_fail *f)
{
	struct quake_json_lex lx = { buf, buf, buf + len, f, 0 };
	char key[16], kind[16] = "", tm[40] = "";
	unsigned seen = 0;
	int r;
	enum quake_err err;

	memset(d, 0, sizeof *d);
	if (len > QUAKE_DETECTION_LINE_MAX)
		return quake_err_fail(f, "", "a detection line is at most %d bytes",
		    QUAKE_DETECTION_LINE_MAX);
	quake_json_lex_ws(&lx);
	if (lx.p >= lx.end || *lx.p != '{')
		return skip_value(&lx, 0) ? QUAKE_EINPUT :
		    quake_err_fail(f, "", "not a JSON object");
	lx.p++;
	if (!empty(&lx, '}')) {
		do {
			if ((err = member_key(&lx, key, sizeof key)) ||
			    (err = det_member(&lx, key, &seen, d, kind, tm, f)))
				return err;
		} while ((r = next_member(&lx, '}')) == 0);
		if (r < 0)
			return QUAKE_EINPUT;
	}
	quake_json_lex_ws(&lx);
	if (lx.p != lx.end)
		return quake_json_lex_fail(&lx, "text after the object");
	return det_check(seen, d, kind, tm, f);
}
