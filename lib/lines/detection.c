/* detection — the detection line, written with printf (a few a minute) and
 * read with lib/core/json's lexer, as the sample-batch line is. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/time.h"
#include "lines/detection.h"

size_t
quake_detection_format(const struct quake_detection *d, char *out, size_t cap)
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

enum det_key { DK_KIND, DK_ID, DK_TIME, DK_LAT, DK_LON, DK_DEVICES, DK_PEAK,
	DK_RADIUS, DK_N };

static const char *const det_keys[DK_N] = { "kind", "id", "time", "lat",
	"lon", "devices", "peak", "radius_km" };

/* a string member into dst[cap] */
static enum quake_err
det_string(struct quake_json_lex *lx, const char *key, char *dst, size_t cap)
{
	size_t len;
	int bad = 0;
	enum quake_err err;

	if ((err = quake_json_member_string(lx, key, dst, cap, &len, &bad)))
		return err;
	return bad ? quake_err_fail(lx->f, key, "too long or holds a NUL") :
	    QUAKE_OK;
}

/* the id: 1-63 bytes, no control bytes (written escaped: lib/core/json);
 * emptied when refused */
static enum quake_err
det_id(struct quake_json_lex *lx, const char *key, char *dst, size_t cap)
{
	size_t len;
	int bad = 0;
	enum quake_err err;

	if ((err = quake_json_member_string(lx, key, dst, cap, &len, &bad)))
		return err;
	if (bad || len == 0) {
		dst[0] = '\0';
		return quake_err_fail(lx->f, key, "must be 1-%zu bytes", cap - 1);
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f) {
			dst[0] = '\0';
			return quake_err_fail(lx->f, key, "holds a control character");
		}
	return QUAKE_OK;
}

/* one member of a detection line into *d (kind and time as text) */
static enum quake_err
det_member(struct quake_json_lex *lx, const char *key, unsigned *seen,
    struct quake_detection *d, char *kind, char *tm)
{
	double *num[DK_N] = { NULL, NULL, NULL, &d->lat, &d->lon, NULL,
	    &d->peak, &d->radius_km };
	long long v;
	double x;
	int k = 0, isint;
	enum quake_err err;

	while (k < DK_N && strcmp(key, det_keys[k]) != 0)
		k++;
	if (k == DK_N)
		return quake_err_fail(lx->f, key, "unknown field");
	if (*seen & (1u << k))
		return quake_err_fail(lx->f, "", "duplicate key %s", key);
	*seen |= 1u << k;
	switch (k) {
	case DK_KIND: return det_string(lx, key, kind, 16);
	case DK_ID: return det_id(lx, key, d->id, sizeof d->id);
	case DK_TIME: return det_string(lx, key, tm, 40);
	default: break;
	}
	quake_json_lex_ws(lx);
	if (!quake_json_lex_at_number(lx))
		return quake_json_skip(lx, 1) ? QUAKE_EINPUT :
		    quake_err_fail(lx->f, key, k == DK_DEVICES ?
		    "must be an integer" : "must be a number");
	if (k != DK_DEVICES)
		return quake_json_lex_number(lx, num[k]);
	if ((err = quake_json_lex_int(lx, &v, &x, &isint)))
		return err;
	if (!isint || v < 1 || v > 1000000)
		return quake_err_fail(lx->f, key, "must be an integer in [1, 1000000]");
	d->devices = (int)v;
	return QUAKE_OK;
}

/* what must hold once every member of a detection line was read */
static enum quake_err
det_check(unsigned seen, struct quake_detection *d, const char *kind,
    const char *tm, struct quake_fail *f)
{
	if (!(seen & 1u) || strcmp(kind, "detection") != 0)
		return quake_err_fail(f, "kind", "must be \"detection\"");
	for (int k = 1; k < DK_N; k++)
		if (!(seen & (1u << k)))
			return quake_err_fail(f, det_keys[k], "missing");
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
quake_detection_parse(const char *buf, size_t len, struct quake_detection *d,
    struct quake_fail *f)
{
	struct quake_json_lex lx = { buf, buf, buf + len, f, 0 };
	char key[16], kind[16] = "", tm[40] = "";
	unsigned seen = 0;
	size_t n = 0;
	int r;
	enum quake_err err;

	memset(d, 0, sizeof *d);
	if (len > QUAKE_DETECTION_LINE_MAX)
		return quake_err_fail(f, "", "a detection line is at most %d bytes",
		    QUAKE_DETECTION_LINE_MAX);
	quake_json_lex_ws(&lx);
	if (lx.p >= lx.end || *lx.p != '{')
		return quake_json_skip(&lx, 0) ? QUAKE_EINPUT :
		    quake_err_fail(f, "", "not a JSON object");
	while ((r = quake_json_object_next(&lx, &n)) > 0)
		if ((err = quake_json_member_key(&lx, key, sizeof key)) ||
		    (err = det_member(&lx, key, &seen, d, kind, tm)))
			return err;
	if (r < 0)
		return QUAKE_EINPUT;
	quake_json_lex_ws(&lx);
	if (lx.p != lx.end)
		return quake_json_lex_fail(&lx, "text after the object");
	return det_check(seen, d, kind, tm, f);
}

size_t
quake_detection_key(const char *buf, size_t len, char *key, size_t cap,
    struct quake_fail *f)
{
	struct quake_detection d;
	size_t n;

	if (quake_detection_parse(buf, len, &d, f) != QUAKE_OK)
		return 0;
	n = strlen(d.id);
	if (n >= cap) {
		quake_err_fail(f, "id", "too long for a key");
		return 0;
	}
	memcpy(key, d.id, n + 1);
	return n;
}
