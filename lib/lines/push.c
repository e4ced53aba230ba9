/* push — Sensor Logger pushes parsed by hand: jansson's tree cost 85 % of a
 * receiver's CPU (bench/results/shake.md); this walks the text once with
 * lib/core/json's lexer, keeping accelerometer samples from the front of
 * the arrays and totalacceleration ones from the back, and skipping
 * everything else. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "lines/push.h"

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
sort_by_time(struct quake_samples *b)
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

/* the nt totalacceleration samples at the back of b's arrays, reversed, to
 * the front */
static void
total_to_front(struct quake_samples *b, size_t nt)
{
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

/* ---- one payload entry ---- */

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

static enum quake_err
number_field(struct quake_json_lex *lx, struct xyz *x, int k)
{
	quake_json_lex_ws(lx);
	x->have |= 1u << k;
	if (quake_json_lex_at_number(lx))
		return quake_json_lex_number(lx, &x->v[k]);
	x->bad |= 1u << k;
	return quake_json_skip(lx, 1);
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

/* the "values" object at lx->p */
static enum quake_err
parse_values(struct quake_json_lex *lx, struct xyz *x)
{
	char key[16];
	size_t n = 0;
	int r, k;
	enum quake_err err;

	while ((r = quake_json_object_next(lx, &n)) > 0) {
		if ((err = quake_json_member_key(lx, key, sizeof key)))
			return err;
		err = (k = field_index(key)) >= 0 ? number_field(lx, x, k) :
		    quake_json_skip(lx, 2);
		if (err)
			return err;
	}
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
	} else if (quake_json_lex_at_number(lx)) {
		if ((err = quake_json_lex_int(lx, &v, &d, &isint)))
			return err;
		if (!isint && d >= 0 && d < 9e18)
			v = (long long)d, isint = 1;
	} else
		return quake_json_skip(lx, 1);
	e->time_ok = isint && v >= 0;
	e->time_us = v / 1000;
	return QUAKE_OK;
}

/* one member of an entry */
static enum quake_err
entry_member(struct quake_json_lex *lx, const char *key, struct entry *e)
{
	size_t len;
	int k;

	quake_json_lex_ws(lx);
	if (strcmp(key, "name") == 0 && lx->p < lx->end && *lx->p == '"') {
		e->named = 1;
		return quake_json_lex_string(lx, e->name, sizeof e->name, &len,
		    &e->name_long);
	}
	if (strcmp(key, "time") == 0)
		return entry_time(lx, e);
	if (strcmp(key, "values") == 0 && lx->p < lx->end && *lx->p == '{') {
		e->has_values = 1;
		return parse_values(lx, &e->nested);
	}
	if ((k = field_index(key)) >= 0)
		return number_field(lx, &e->flat, k);
	return quake_json_skip(lx, 1);
}

static enum quake_err
parse_entry(struct quake_json_lex *lx, struct entry *e)
{
	char key[16];
	size_t n = 0;
	int r;
	enum quake_err err;

	memset(e, 0, sizeof *e);
	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || *lx->p != '{')
		return quake_json_skip(lx, 1);	/* named neither: refused below */
	while ((r = quake_json_object_next(lx, &n)) > 0)
		if ((err = quake_json_member_key(lx, key, sizeof key)) ||
		    (err = entry_member(lx, key, e)))
			return err;
	return r < 0 ? QUAKE_EINPUT : QUAKE_OK;
}

/* the sample of entry e (index i) into slot j of b */
static enum quake_err
take_entry(const struct entry *e, size_t i, struct quake_samples *b,
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
take_loc(const struct entry *e, size_t i, struct quake_samples *b,
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

/* ---- the push ---- */

/* the payload array at lx->p: samples to the front (accelerometer) or the
 * back (totalacceleration) of b's arrays; *na, *nt their counts */
static enum quake_err
parse_payload(struct quake_json_lex *lx, struct quake_samples *b,
    size_t *na, size_t *nt, struct quake_fail *f)
{
	struct entry e;
	size_t i = 0, n = 0;
	int r;
	enum quake_err err;

	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || *lx->p != '[')
		return quake_json_skip(lx, 0) ? QUAKE_EINPUT :
		    quake_err_fail(f, "payload", "must be an array");
	while ((r = quake_json_array_next(lx, &n)) > 0) {
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
	}
	return r < 0 ? QUAKE_EINPUT : QUAKE_OK;
}

/* one top-level member of the push */
static enum quake_err
push_member(struct quake_json_lex *lx, const char *key, unsigned *seen,
    struct quake_samples *b, size_t *na, size_t *nt, struct quake_fail *f)
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
	case 0: return quake_json_member_token(lx, key, b->device, sizeof b->device);
	case 1: return quake_json_member_token(lx, key, b->session, sizeof b->session);
	case 2:
		quake_json_lex_ws(lx);
		if (!quake_json_lex_at_number(lx))
			return quake_json_skip(lx, 1) ? QUAKE_EINPUT :
			    quake_err_fail(f, key, "must be an integer");
		if ((err = quake_json_lex_int(lx, &v, &d, &isint)))
			return err;
		if (!isint)
			return quake_err_fail(f, key, "must be an integer");
		b->msg = v;
		return QUAKE_OK;
	case 3: return parse_payload(lx, b, na, nt, f);
	default: return quake_json_skip(lx, 1);
	}
}

/* what must hold once the whole push was read */
static enum quake_err
push_check(unsigned seen, struct quake_samples *b, size_t na, size_t nt,
    struct quake_fail *f)
{
	if (!(seen & 1))
		return quake_err_fail(f, "deviceId", "missing");
	if (b->device[0] == '\0')
		return quake_err_fail(f, "deviceId", "must be 1-%d bytes",
		    QUAKE_SAMPLES_ID_MAX - 1);
	if (!(seen & 8))
		return quake_err_fail(f, "payload", "missing");
	b->sensor = na > 0 || nt == 0 ? QUAKE_SAMPLES_ACCEL : QUAKE_SAMPLES_TOTAL;
	if (na == 0 && nt > 0)
		total_to_front(b, nt);
	b->n = na > 0 ? na : nt;
	if (sort_by_time(b) != QUAKE_OK)
		return QUAKE_ENOMEM;
	if (b->n > 0 && b->t[b->n - 1] - b->t[0] > 86400000000LL)
		return quake_err_fail(f, "payload", "samples span more than a day");
	return QUAKE_OK;
}

enum quake_err
quake_push_parse(const char *buf, size_t len, struct quake_samples *b,
    struct quake_fail *f)
{
	struct quake_json_lex lx = { buf, buf, buf + len, f, 0 };
	char key[16];
	size_t na = 0, nt = 0, n = 0;
	unsigned seen = 0;
	int r;
	enum quake_err err;

	b->n = 0;
	b->has_loc = 0;
	b->msg = 0;
	b->device[0] = b->session[0] = '\0';
	quake_json_lex_ws(&lx);
	if (lx.p >= lx.end || *lx.p != '{')
		return quake_json_skip(&lx, 0) ? QUAKE_EINPUT :
		    quake_err_fail(f, "", "not a JSON object");
	while ((r = quake_json_object_next(&lx, &n)) > 0)
		if ((err = quake_json_member_key(&lx, key, sizeof key)) ||
		    (err = push_member(&lx, key, &seen, b, &na, &nt, f)))
			return err;
	if (r < 0)
		return QUAKE_EINPUT;
	quake_json_lex_ws(&lx);
	if (lx.p != lx.end)
		return quake_json_lex_fail(&lx, "text after the object");
	return push_check(seen, b, na, nt, f);
}
