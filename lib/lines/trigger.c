/* trigger — onset and trigger lines, written with printf (a few per shaken
 * phone, not per sample) and read with lib/core/json's lexer: the members
 * first, each known and of its type, then the line as a whole. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/time.h"
#include "lines/trigger.h"

/* ---- written ---- */

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
quake_trigger_format(const struct quake_trigger *t, char *out, size_t cap)
{
	char on[QUAKE_TIME_LEN + 1], off[QUAKE_TIME_LEN + 1], id[6 * QUAKE_SAMPLES_ID_MAX + 3];
	char buf[QUAKE_TRIGGER_FORMAT_MAX], *p = buf;
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
quake_trigger_format_onset(const struct quake_trigger *t, char *out,
    size_t cap)
{
	char on[QUAKE_TIME_LEN + 1], id[6 * QUAKE_SAMPLES_ID_MAX + 3];
	char buf[QUAKE_TRIGGER_FORMAT_MAX], *p = buf;

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

/* ---- read ---- */

enum { F_KIND, F_DEVICE, F_ON, F_OFF, F_PEAK, F_RATIO, F_LAT, F_LON, F_N };

static const char *const fields[F_N] = { "kind", "device", "on", "off",
	"peak", "ratio", "lat", "lon" };

/* The members as read: the first member that is unknown or not a number
 * where one belongs is the line's error (*f), unless the text turns out not
 * to be JSON at all. */
struct members {
	unsigned seen, str;	/* bit k: field k present / a string */
	int refused;		/* a member's error is in *f */
	char kind[16], on[40], off[40];	/* "" when too long */
	char device[QUAKE_SAMPLES_ID_MAX];
	size_t devlen;
	int devlong;
	double num[F_N];
};

/* a string member's value: kind, device, on or off */
static enum quake_err
string_member(struct quake_json_lex *lx, int k, struct members *m)
{
	char *dst = k == F_KIND ? m->kind : k == F_ON ? m->on : m->off;
	size_t cap = k == F_KIND ? sizeof m->kind : sizeof m->on, len;
	int toolong;
	enum quake_err err;

	if (*lx->p != '"')
		return quake_json_skip(lx, 1);
	m->str |= 1u << k;
	if (k == F_DEVICE)
		return quake_json_lex_string(lx, m->device, sizeof m->device,
		    &m->devlen, &m->devlong);
	if ((err = quake_json_lex_string(lx, dst, cap, &len, &toolong)))
		return err;
	if (toolong)
		dst[0] = '\0';
	return QUAKE_OK;
}

/* a number member's value: "-0" reads as 0, as an integer would */
static enum quake_err
number_member(struct quake_json_lex *lx, const char *key, int k,
    struct members *m)
{
	const char *s = lx->p;
	enum quake_err err;

	if (!quake_json_lex_at_number(lx)) {
		if (!m->refused)
			quake_err_fail(lx->f, key, "must be a number");
		m->refused = 1;
		return quake_json_skip(lx, 1);
	}
	if ((err = quake_json_lex_number(lx, &m->num[k])))
		return err;
	while (s < lx->p && *s != '.' && *s != 'e' && *s != 'E')
		s++;
	if (m->num[k] == 0 && s == lx->p)
		m->num[k] = 0;
	return QUAKE_OK;
}

static enum quake_err
member(struct quake_json_lex *lx, const char *key, struct members *m)
{
	int k = 0;

	while (k < F_N && strcmp(key, fields[k]) != 0)
		k++;
	if (k == F_N) {
		if (!m->refused)
			quake_err_fail(lx->f, key, "unknown field");
		m->refused = 1;
		return quake_json_skip(lx, 1);
	}
	if (m->seen & (1u << k))
		return quake_err_fail(lx->f, "", "duplicate key %s", key);
	m->seen |= 1u << k;
	return k >= F_PEAK ? number_member(lx, key, k, m) :
	    string_member(lx, k, m);
}

static enum quake_err
time_field(const struct members *m, int k, int64_t *us, struct quake_fail *f)
{
	const char *s = k == F_ON ? m->on : m->off;

	if (!(m->str & (1u << k)) || quake_time_parse(s, strlen(s), us, f) != QUAKE_OK)
		return quake_err_fail(f, fields[k], "must be an ISO-8601 UTC time");
	return QUAKE_OK;
}

static enum quake_err
device_field(const struct members *m, char *dst, struct quake_fail *f)
{
	size_t n = m->devlen;

	if (!(m->str & (1u << F_DEVICE)) || n == 0 || m->devlong ||
	    strlen(m->device) != n)
		return quake_err_fail(f, "device", "must be a string of 1-%d bytes",
		    QUAKE_SAMPLES_ID_MAX - 1);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)m->device[i] < 0x20 || m->device[i] == 0x7f)
			return quake_err_fail(f, "device", "holds a control character");
	memcpy(dst, m->device, n + 1);
	return QUAKE_OK;
}

/* the line as a whole, once every member was read */
static enum quake_err
check(const struct members *m, struct quake_trigger *t,
    enum quake_trigger_kind *kind, struct quake_fail *f)
{
	unsigned seen = m->seen;
	enum quake_err err;

	if ((m->str & 1u) && strcmp(m->kind, "onset") == 0)
		*kind = QUAKE_TRIGGER_KIND_ONSET;
	else if ((m->str & 1u) && strcmp(m->kind, "trigger") == 0)
		*kind = QUAKE_TRIGGER_KIND_TRIGGER;
	else
		return quake_err_fail(f, "kind", "must be \"onset\" or \"trigger\"");
	if ((err = device_field(m, t->device, f)) ||
	    (err = time_field(m, F_ON, &t->on, f)))
		return err;
	if (*kind == QUAKE_TRIGGER_KIND_ONSET && (seen & (1u << F_OFF)))
		return quake_err_fail(f, "off", "an onset has no off");
	if (*kind == QUAKE_TRIGGER_KIND_TRIGGER &&
	    ((err = time_field(m, F_OFF, &t->off, f)) || t->off < t->on))
		return err ? err : quake_err_fail(f, "off", "before on");
	t->peak = m->num[F_PEAK];
	t->ratio = m->num[F_RATIO];
	if (!(seen & (1u << F_PEAK)) || !(t->peak >= 0 && t->peak < 1e6))
		return quake_err_fail(f, "peak", "must be a number in [0, 1e6)");
	if (!(seen & (1u << F_RATIO)) || !(t->ratio >= 0 && t->ratio < 1e12))
		return quake_err_fail(f, "ratio", "must be a number in [0, 1e12)");
	t->has_loc = !!(seen & (1u << F_LAT));
	if (t->has_loc != !!(seen & (1u << F_LON)))
		return quake_err_fail(f, "lat", "lat and lon go together");
	t->lat = m->num[F_LAT];
	t->lon = m->num[F_LON];
	if (t->has_loc && (!(fabs(t->lat) <= 90) || !(fabs(t->lon) <= 180)))
		return quake_err_fail(f, "lat", "lat/lon out of range");
	if (*kind == QUAKE_TRIGGER_KIND_ONSET && !t->has_loc)
		return quake_err_fail(f, "lat", "an onset needs its location");
	return QUAKE_OK;
}

enum quake_err
quake_trigger_parse(const char *buf, size_t len, struct quake_trigger *t,
    enum quake_trigger_kind *kind, struct quake_fail *f)
{
	struct quake_json_lex lx = { buf, buf, buf + len, f, 0 };
	struct members m = { 0 };
	char key[QUAKE_TRIGGER_LINE_MAX];	/* unknown ones named in full */
	size_t n = 0;
	int r;
	enum quake_err err;

	memset(t, 0, sizeof *t);
	if (len > QUAKE_TRIGGER_LINE_MAX)
		return quake_err_fail(f, "", "longer than %d bytes", QUAKE_TRIGGER_LINE_MAX);
	quake_json_lex_ws(&lx);
	if (lx.p >= lx.end || *lx.p != '{')
		return quake_json_skip(&lx, 0) ? QUAKE_EINPUT :
		    quake_err_fail(f, "", "not a JSON object");
	while ((r = quake_json_object_next(&lx, &n)) > 0)
		if ((err = quake_json_member_key(&lx, key, sizeof key)) ||
		    (err = member(&lx, key, &m)))
			return err;
	if (r < 0)
		return QUAKE_EINPUT;
	quake_json_lex_ws(&lx);
	if (lx.p != lx.end)
		return quake_json_lex_fail(&lx, "text after the object");
	return m.refused ? QUAKE_EINPUT : check(&m, t, kind, f);
}

size_t
quake_trigger_key(const char *buf, size_t len, char *key, size_t cap,
    struct quake_fail *f)
{
	struct quake_trigger t;
	enum quake_trigger_kind kind;
	int n;

	if (quake_trigger_parse(buf, len, &t, &kind, f) != QUAKE_OK)
		return 0;
	n = snprintf(key, cap, "device:%s", t.device);
	if (n <= 0 || (size_t)n >= cap) {
		quake_err_fail(f, "device", "too long for a key");
		return 0;
	}
	return (size_t)n;
}
