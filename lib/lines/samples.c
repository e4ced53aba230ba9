/* samples — the sample-batch line, read with lib/core/json's lexer and
 * written by hand (numbers in fixed point): a receiver and a detector go
 * through a million samples a second. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/time.h"
#include "lines/samples.h"

enum quake_err
quake_samples_init(struct quake_samples *b, size_t cap)
{
	memset(b, 0, sizeof *b);
	if (cap == 0 || cap > QUAKE_SAMPLES_MAX)
		return QUAKE_EINPUT;
	b->t = malloc(cap * sizeof *b->t);
	b->x = malloc(cap * sizeof *b->x);
	b->y = malloc(cap * sizeof *b->y);
	b->z = malloc(cap * sizeof *b->z);
	b->cap = cap;
	if (b->t == NULL || b->x == NULL || b->y == NULL || b->z == NULL) {
		quake_samples_free(b);
		return QUAKE_ENOMEM;
	}
	return QUAKE_OK;
}

void
quake_samples_free(struct quake_samples *b)
{
	free(b->t); free(b->x); free(b->y); free(b->z);
	b->t = NULL; b->x = b->y = b->z = NULL;
	b->cap = b->n = 0;
}

double
quake_samples_rate(const int64_t *t_us, size_t n)
{
	if (n < 2 || t_us[n - 1] <= t_us[0])
		return 0.;
	return (double)(n - 1) * 1e6 / (double)(t_us[n - 1] - t_us[0]);
}

/* ---- the line read ---- */

/* an array of numbers into dst[cap] (integers into idst: offsets) */
static enum quake_err
line_array(struct quake_json_lex *lx, const char *key, double *dst,
    int64_t *idst, size_t cap, size_t *n, struct quake_fail *f)
{
	size_t i = 0;
	int r;
	enum quake_err err;

	*n = 0;
	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || *lx->p != '[')
		return quake_json_skip(lx, 1) ? QUAKE_EINPUT :
		    quake_err_fail(f, key, "must be an array");
	while ((r = quake_json_array_next(lx, &i)) > 0) {
		long long v;
		double d;
		int isint;
		quake_json_lex_ws(lx);
		if (*n >= cap)
			return quake_err_fail(f, key, "more than %zu values", cap);
		if (!quake_json_lex_at_number(lx))
			return quake_json_skip(lx, 1) ? QUAKE_EINPUT :
			    quake_err_fail(f, key, "value %zu is not a number", *n);
		if (idst != NULL) {
			if ((err = quake_json_lex_int(lx, &v, &d, &isint)))
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
	}
	return r < 0 ? QUAKE_EINPUT : QUAKE_OK;
}

static enum quake_err
line_string(struct quake_json_lex *lx, const char *key, char *dst, size_t cap,
    struct quake_fail *f)
{
	size_t len;
	int bad = 0;
	enum quake_err err;

	if ((err = quake_json_member_string(lx, key, dst, cap, &len, &bad)))
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

/* a number member: msg (an integer), rate, lat or lon */
static enum quake_err
line_number(struct quake_json_lex *lx, const char *key, int k,
    struct quake_samples *b, struct line_state *st, struct quake_fail *f)
{
	long long v;
	double d;
	int isint;
	enum quake_err err;

	quake_json_lex_ws(lx);
	if (!quake_json_lex_at_number(lx))
		return quake_json_skip(lx, 1) ? QUAKE_EINPUT :
		    quake_err_fail(f, key, k == LK_MSG ? "must be an integer" :
		    "must be a number");
	if (k == LK_MSG) {
		if ((err = quake_json_lex_int(lx, &v, &d, &isint)))
			return err;
		if (!isint)
			return quake_err_fail(f, key, "must be an integer");
		b->msg = v;
		return QUAKE_OK;
	}
	return quake_json_lex_number(lx, k == LK_RATE ? &st->rate :
	    k == LK_LAT ? &b->lat : &b->lon);
}

static enum quake_err
line_member(struct quake_json_lex *lx, const char *key,
    struct quake_samples *b, struct line_state *st, struct quake_fail *f)
{
	static const char *const known[LK_N] = { "kind", "device", "session",
	    "msg", "sensor", "t0", "rate", "t", "x", "y", "z", "lat", "lon" };
	int k = 0;

	while (k < LK_N && strcmp(key, known[k]) != 0)
		k++;
	if (k == LK_N)
		return quake_err_fail(f, key, "unknown field");
	if (st->seen & (1u << k))
		return quake_err_fail(f, "", "duplicate key %s", key);
	st->seen |= 1u << k;
	switch (k) {
	case LK_KIND: return line_string(lx, key, st->kind, sizeof st->kind, f);
	case LK_DEVICE:
		return quake_json_member_token(lx, key, b->device, sizeof b->device);
	case LK_SESSION: return line_string(lx, key, b->session, sizeof b->session, f);
	case LK_SENSOR: return line_string(lx, key, st->sensor, sizeof st->sensor, f);
	case LK_T0: return line_string(lx, key, st->t0, sizeof st->t0, f);
	case LK_T: return line_array(lx, key, NULL, b->t, b->cap, &st->n[0], f);
	case LK_X: return line_array(lx, key, b->x, NULL, b->cap, &st->n[1], f);
	case LK_Y: return line_array(lx, key, b->y, NULL, b->cap, &st->n[2], f);
	case LK_Z: return line_array(lx, key, b->z, NULL, b->cap, &st->n[3], f);
	default: return line_number(lx, key, k, b, st, f);
	}
}

/* what must hold once every member was read */
static enum quake_err
line_check(struct quake_samples *b, struct line_state *st,
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
		b->sensor = QUAKE_SAMPLES_ACCEL;
	else if (strcmp(st->sensor, "totalacceleration") == 0)
		b->sensor = QUAKE_SAMPLES_TOTAL;
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
quake_samples_parse(const char *buf, size_t len, struct quake_samples *b,
    struct quake_fail *f)
{
	struct quake_json_lex lx = { buf, buf, buf + len, f, 0 };
	struct line_state st = { 0 };
	char key[16];
	size_t n = 0;
	int r;
	enum quake_err err;

	b->n = 0;
	b->has_loc = 0;
	b->device[0] = b->session[0] = '\0';
	quake_json_lex_ws(&lx);
	if (lx.p >= lx.end || *lx.p != '{')
		return quake_json_skip(&lx, 0) ? QUAKE_EINPUT :
		    quake_err_fail(f, "", "not a JSON object");
	while ((r = quake_json_object_next(&lx, &n)) > 0)
		if ((err = quake_json_member_key(&lx, key, sizeof key)) ||
		    (err = line_member(&lx, key, b, &st, f)))
			return err;
	if (r < 0)
		return QUAKE_EINPUT;
	quake_json_lex_ws(&lx);
	if (lx.p != lx.end)
		return quake_json_lex_fail(&lx, "text after the object");
	return line_check(b, &st, f);
}

size_t
quake_samples_key(const char *buf, size_t len, struct quake_samples *b,
    char *key, size_t cap, struct quake_fail *f)
{
	int n;

	if (quake_samples_parse(buf, len, b, f) != QUAKE_OK)
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

/* ---- the line written ---- */

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

/* the fields before the arrays: kind to rate; NULL on a bad time */
static char *
put_head(char *p, const struct quake_samples *b)
{
	p = LIT(p, "{\"kind\":\"samples\",\"device\":");
	p += quake_json_format_string(b->device, p);
	p = LIT(p, ",\"session\":");
	p += quake_json_format_string(b->session, p);
	p = LIT(p, ",\"msg\":");
	p = put_i64(p, b->msg);
	p = b->sensor == QUAKE_SAMPLES_ACCEL ?
	    LIT(p, ",\"sensor\":\"accelerometer\",\"t0\":\"") :
	    LIT(p, ",\"sensor\":\"totalacceleration\",\"t0\":\"");
	if (quake_time_format(b->t[0], p) != QUAKE_OK)
		return NULL;
	p += QUAKE_TIME_LEN;
	return p + sprintf(p, "\",\"rate\":%.6g,", quake_samples_rate(b->t, b->n));
}

size_t
quake_samples_format(const struct quake_samples *b, char **out, size_t *cap)
{
	double *axis[] = { b->x, b->y, b->z };
	size_t need = 1024 + 6 * (2 * QUAKE_SAMPLES_ID_MAX) + b->n * 80;
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
	if ((p = put_head(*out, b)) == NULL)
		return 0;
	p = LIT(p, "\"t\":[");
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
