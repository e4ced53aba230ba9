/* fdsnq — FDSN event query parameters: decode, look up by name or alias,
 * check each value, and match events. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fdsn/fdsnq.h"
#include "core/time.h"

enum kind { K_TIME, K_LAT, K_LON, K_RADIUS, K_DEPTH, K_MAG, K_STR, K_LONG,
	K_ORDER, K_FORMAT, K_NODATA, K_BOOL };

struct param {
	const char *name, *alias;
	enum kind kind;
	size_t off;		/* offset into struct quake_fdsnq */
	size_t size;		/* for K_STR */
};

#define OFF(m) offsetof(struct quake_fdsnq, m)
#define STR(m) OFF(m), sizeof(((struct quake_fdsnq *)0)->m)
#define NOFF ((size_t)-1)

static const struct param params[] = {
	{ "starttime", "start", K_TIME, OFF(start), 0 },
	{ "endtime", "end", K_TIME, OFF(end), 0 },
	{ "updatedafter", NULL, K_TIME, OFF(updatedafter), 0 },
	{ "minlatitude", "minlat", K_LAT, OFF(minlat), 0 },
	{ "maxlatitude", "maxlat", K_LAT, OFF(maxlat), 0 },
	{ "minlongitude", "minlon", K_LON, OFF(minlon), 0 },
	{ "maxlongitude", "maxlon", K_LON, OFF(maxlon), 0 },
	{ "latitude", "lat", K_LAT, OFF(lat), 0 },
	{ "longitude", "lon", K_LON, OFF(lon), 0 },
	{ "minradius", NULL, K_RADIUS, OFF(minradius), 0 },
	{ "maxradius", NULL, K_RADIUS, OFF(maxradius), 0 },
	{ "mindepth", NULL, K_DEPTH, OFF(mindepth), 0 },
	{ "maxdepth", NULL, K_DEPTH, OFF(maxdepth), 0 },
	{ "minmagnitude", "minmag", K_MAG, OFF(minmag), 0 },
	{ "maxmagnitude", "maxmag", K_MAG, OFF(maxmag), 0 },
	{ "magnitudetype", "magtype", K_STR, STR(magtype) },
	{ "eventtype", NULL, K_STR, STR(eventtype) },
	{ "eventid", NULL, K_STR, STR(eventid) },
	{ "catalog", NULL, K_STR, STR(catalog) },
	{ "contributor", NULL, K_STR, STR(contributor) },
	{ "limit", NULL, K_LONG, OFF(limit), 0 },
	{ "offset", NULL, K_LONG, OFF(offset), 0 },
	{ "orderby", NULL, K_ORDER, OFF(orderby), 0 },
	{ "format", NULL, K_FORMAT, OFF(format), 0 },
	{ "nodata", NULL, K_NODATA, OFF(nodata), 0 },
	/* accepted, true or false: the one origin and magnitude an event
	 * has here are all there are (USGS answers these too) */
	{ "includeallorigins", NULL, K_BOOL, NOFF, 0 },
	{ "includeallmagnitudes", NULL, K_BOOL, NOFF, 0 },
	{ "includearrivals", NULL, K_BOOL, NOFF, 0 },
};

static void
reset(struct quake_fdsnq *q)
{
	memset(q, 0, sizeof *q);
	q->start = q->updatedafter = INT64_MIN;
	q->end = INT64_MAX;
	q->minlat = -90; q->maxlat = 90;
	q->minlon = -180; q->maxlon = 180;
	q->minradius = 0; q->maxradius = 180;
	q->mindepth = q->minmag = -INFINITY;
	q->maxdepth = q->maxmag = INFINITY;
	q->offset = 1;
	q->orderby = QUAKE_FDSNQ_TIME;
	q->format = QUAKE_FDSNQ_XML;
	q->nodata = 204;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode s[0..n) (%xx, '+') into out[cap]; -1 on a bad escape, a NUL or
 * a control character, or when it does not fit. */
static int
decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int h, l;

			if (i + 2 >= n || (h = hexval(s[i + 1])) < 0 ||
			    (l = hexval(s[i + 2])) < 0)
				return -1;
			c = h * 16 + l;
			i += 2;
		} else if (c == '+')
			c = ' ';
		if (c < 0x20 || c == 0x7f || o + 1 >= cap)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

/* FDSN floats are decimal: [+-]digits[.digits][e[+-]digits] (or .digits);
 * checked before strtod, which also takes hex, inf and nan */
static int
decimal(const char *v)
{
	size_t i = 0, digits = 0;

	if (v[i] == '+' || v[i] == '-')
		i++;
	for (; isdigit((unsigned char)v[i]); i++)
		digits++;
	if (v[i] == '.')
		for (i++; isdigit((unsigned char)v[i]); i++)
			digits++;
	if (digits == 0)
		return 0;
	if (v[i] == 'e' || v[i] == 'E') {
		i++;
		if (v[i] == '+' || v[i] == '-')
			i++;
		if (!isdigit((unsigned char)v[i]))
			return 0;
		while (isdigit((unsigned char)v[i]))
			i++;
	}
	return v[i] == '\0';
}

static int
number(const char *v, double *d)
{
	char *end;

	if (!decimal(v))
		return -1;
	*d = strtod(v, &end);
	return *end != '\0' || !isfinite(*d) ? -1 : 0;
}

static enum quake_err
set_number(const struct param *p, const char *v, struct quake_fdsnq *q,
    struct quake_fail *f)
{
	double d, lo = -INFINITY, hi = INFINITY;

	if (number(v, &d) != 0)
		return quake_err_fail(f, p->name, "not a number: %.40s", v);
	switch (p->kind) {
	case K_LAT: lo = -90; hi = 90; break;
	case K_LON: lo = -180; hi = 180; break;
	case K_RADIUS: lo = 0; hi = 180; break;
	default: break;
	}
	if (d < lo || d > hi)
		return quake_err_fail(f, p->name, "out of range [%g, %g]: %.40s",
		    lo, hi, v);
	*(double *)(void *)((char *)q + p->off) = d;
	return QUAKE_OK;
}

static enum quake_err
set_enum(const struct param *p, const char *v, struct quake_fdsnq *q,
    struct quake_fail *f)
{
	static const char *orders[] = { "time", "time-asc", "magnitude",
	    "magnitude-asc" };
	static const char *formats[] = { "xml", "text", "geojson", "json" };
	const char **names = p->kind == K_ORDER ? orders : formats;

	if (p->kind == K_NODATA) {
		if (strcmp(v, "204") != 0 && strcmp(v, "404") != 0)
			return quake_err_fail(f, p->name, "must be 204 or 404");
		q->nodata = atoi(v);
		return QUAKE_OK;
	}
	if (p->kind == K_BOOL) {
		if (strcasecmp(v, "false") == 0 || strcasecmp(v, "true") == 0)
			return QUAKE_OK;
		return quake_err_fail(f, p->name, "must be true or false");
	}
	for (int i = 0; i < 4; i++)
		if (strcmp(v, names[i]) == 0) {
			*(int *)(void *)((char *)q + p->off) = i;
			return QUAKE_OK;
		}
	return quake_err_fail(f, p->name, p->kind == K_ORDER ?
	    "must be time, time-asc, magnitude or magnitude-asc" :
	    "must be xml, text, geojson or json");
}

static enum quake_err
set_param(const struct param *p, const char *v, struct quake_fdsnq *q,
    struct quake_fail *f)
{
	char *end;
	long l;

	switch (p->kind) {
	case K_TIME:
		if (quake_fdsnq_time(v, strlen(v), (int64_t *)(void *)
		    ((char *)q + p->off), f) != QUAKE_OK)
			return quake_err_fail(f, p->name, "not a time "
			    "(YYYY-MM-DD[THH:MM:SS[.ffffff]][Z]): %.40s", v);
		return QUAKE_OK;
	case K_STR:
		if (*v == '\0' || strlen(v) >= p->size)
			return quake_err_fail(f, p->name, "empty or too long");
		memcpy((char *)q + p->off, v, strlen(v) + 1);
		return QUAKE_OK;
	case K_LONG:
		l = strtol(v, &end, 10);
		if (*v < '0' || *v > '9' || *end != '\0' || l < 1 || l > 100000000)
			return quake_err_fail(f, p->name, "not a positive integer: %.40s", v);
		*(long *)(void *)((char *)q + p->off) = l;
		return QUAKE_OK;
	case K_ORDER: case K_FORMAT: case K_NODATA: case K_BOOL:
		return set_enum(p, v, q, f);
	default:
		return set_number(p, v, q, f);
	}
}

static const struct param *
lookup(const char *name)
{
	for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
		if (strcmp(name, params[i].name) == 0 ||
		    (params[i].alias != NULL && strcmp(name, params[i].alias) == 0))
			return &params[i];
	return NULL;
}

/* Checks across parameters, after all are read. */
static enum quake_err
check(struct quake_fdsnq *q, unsigned seen_lat, struct quake_fail *f)
{
	if (q->start > q->end)
		return quake_err_fail(f, "starttime", "after endtime");
	if (q->minlat > q->maxlat)
		return quake_err_fail(f, "minlatitude", "greater than maxlatitude");
	if (q->mindepth > q->maxdepth)
		return quake_err_fail(f, "mindepth", "greater than maxdepth");
	if (q->minmag > q->maxmag)
		return quake_err_fail(f, "minmagnitude", "greater than maxmagnitude");
	if (q->minradius > q->maxradius)
		return quake_err_fail(f, "minradius", "greater than maxradius");
	/* bits: 1 latitude, 2 longitude, 4 minradius or maxradius */
	if (seen_lat != 0 && (seen_lat & 3) != 3)
		return quake_err_fail(f, seen_lat & 1 ? "longitude" : "latitude",
		    "latitude, longitude and a radius go together");
	q->radius = seen_lat != 0;
	return QUAKE_OK;
}

enum quake_err
quake_fdsnq_parse(const char *s, size_t len, struct quake_fdsnq *q,
    struct quake_fail *f)
{
	char name[64], val[256];
	unsigned seen = 0, lat = 0;
	size_t i = 0;

	reset(q);
	if (len > QUAKE_FDSNQ_MAX) {
		quake_err_fail(f, "", "query longer than %d bytes", QUAKE_FDSNQ_MAX);
		return QUAKE_ETOOLONG;
	}
	while (i < len) {
		size_t j = i, eq;
		const struct param *p;

		while (j < len && s[j] != '&')
			j++;
		for (eq = i; eq < j && s[eq] != '='; eq++)
			;
		if (j == i) {		/* "a=1&&b=2": an empty pair */
			i = j + 1;
			continue;
		}
		if (decode(s + i, eq - i, name, sizeof name) != 0)
			return quake_err_fail(f, "", "malformed parameter name");
		if ((p = lookup(name)) == NULL)
			return quake_err_fail(f, name, "unknown parameter");
		if (eq == j)
			return quake_err_fail(f, p->name, "no value");
		if (decode(s + eq + 1, j - eq - 1, val, sizeof val) != 0)
			return quake_err_fail(f, p->name, "malformed value");
		if (seen & (1u << (p - params)))
			return quake_err_fail(f, p->name, "given twice");
		seen |= 1u << (p - params);
		if (set_param(p, val, q, f) != QUAKE_OK)
			return QUAKE_EINPUT;
		if (p->off == OFF(lat)) lat |= 1;
		if (p->off == OFF(lon)) lat |= 2;
		if (p->off == OFF(minradius) || p->off == OFF(maxradius)) lat |= 4;
		i = j + 1;
	}
	return check(q, lat, f);
}

double
quake_fdsnq_distance(double lat1, double lon1, double lat2, double lon2)
{
	const double r = M_PI / 180;
	double dlat = (lat2 - lat1) * r / 2, dlon = (lon2 - lon1) * r / 2;
	double a = sin(dlat) * sin(dlat) +
	    cos(lat1 * r) * cos(lat2 * r) * sin(dlon) * sin(dlon);

	if (a > 1)
		a = 1;
	return 2 * asin(sqrt(a)) / r;
}

static int
type_listed(const char *list, const char *type)
{
	size_t n = strlen(type);

	for (const char *p = list; *p != '\0';) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);

		if ((l == n && strncasecmp(p, type, n) == 0) || (l == 1 && *p == '*'))
			return 1;
		p += l + (c != NULL);
	}
	return 0;
}

int
quake_fdsnq_match(const struct quake_fdsnq *q, const struct quake_event *ev)
{
	if (ev->time < q->start || ev->time > q->end ||
	    (q->updatedafter != INT64_MIN && ev->lastupdate <= q->updatedafter))
		return 0;
	if (ev->lat < q->minlat || ev->lat > q->maxlat)
		return 0;
	if (q->minlon <= q->maxlon ? ev->lon < q->minlon || ev->lon > q->maxlon
	    : ev->lon < q->minlon && ev->lon > q->maxlon)
		return 0;
	if (ev->depth < q->mindepth || ev->depth > q->maxdepth ||
	    ev->mag < q->minmag || ev->mag > q->maxmag)
		return 0;
	if (q->radius) {
		double d = quake_fdsnq_distance(q->lat, q->lon, ev->lat, ev->lon);

		if (d < q->minradius || d > q->maxradius)
			return 0;
	}
	if ((q->magtype[0] && strcasecmp(q->magtype, ev->magtype) != 0) ||
	    (q->eventid[0] && strcmp(q->eventid, ev->id) != 0) ||
	    (q->catalog[0] && strcasecmp(q->catalog, ev->source_catalog) != 0) ||
	    (q->contributor[0] && strcasecmp(q->contributor, ev->auth) != 0))
		return 0;
	if (q->eventtype[0] &&
	    !type_listed(q->eventtype, quake_fdsnq_evtype(ev->evtype, NULL)))
		return 0;
	return 1;
}

static int
num(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

enum quake_err
quake_fdsnq_time(const char *s, size_t len, int64_t *us, struct quake_fail *f)
{
	char iso[40] = "0000-00-00T00:00:00";
	size_t n = len;
	int y, frac = 0;

	if (n > 0 && (s[n - 1] == 'Z' || s[n - 1] == 'z'))
		n--;
	/* date only, or date + time with optional fraction (up to 9 digits) */
	if (n != 10 && (n < 19 || n > 29 || (n > 19 && (s[19] != '.' || n == 20))))
		return quake_err_fail(f, "", "not an FDSN time");
	if (num(s, 4, &y) != 0 || s[4] != '-' || s[7] != '-')
		return quake_err_fail(f, "", "not an FDSN time");
	memcpy(iso, s, n < 19 ? n : 19);
	if (n >= 19) {
		if (s[10] != 'T' && s[10] != ' ')
			return quake_err_fail(f, "", "not an FDSN time");
		iso[10] = 'T';
		frac = n > 19;
	}
	if (frac) {
		memcpy(iso + 19, s + 19, n - 19);
		iso[n] = 'Z';
		iso[n + 1] = '\0';
	} else
		memcpy(iso + 19, "Z", 2);
	return quake_time_parse(iso, strlen(iso), us, f);
}

const char *
quake_fdsnq_evtype(const char *code, const char **certainty)
{
	static const struct { char c; const char *type; } types[] = {
		{ 'e', "earthquake" }, { 'r', "rock burst" },
		{ 'i', "induced or triggered event" },
		{ 'm', "mining explosion" }, { 'x', "experimental explosion" },
		{ 'n', "nuclear explosion" }, { 'q', "quarry blast" },
	};
	const char *cert = NULL;

	if (certainty != NULL)
		*certainty = NULL;
	if (strcmp(code, "ls") == 0)
		return "landslide";
	if (code[0] == 'k')
		cert = "known";
	else if (code[0] == 's')
		cert = "suspected";
	if (cert == NULL || code[1] == '\0' || code[2] != '\0')
		return "other event";
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (types[i].c == code[1]) {
			if (certainty != NULL)
				*certainty = cert;
			return types[i].type;
		}
	return "other event";
}
