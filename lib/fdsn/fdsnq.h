/* fdsnq — an FDSN event web service query (fdsn.org event 1.2): the query
 * string parsed and checked into plain values, and the test of one event
 * against it. Names and short aliases as the specification lists them;
 * anything unknown or malformed is rejected, naming the parameter. */
#ifndef QUAKE_FDSNQ_H
#define QUAKE_FDSNQ_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "lines/event.h"

enum quake_fdsnq_order {
	QUAKE_FDSNQ_TIME, QUAKE_FDSNQ_TIME_ASC,
	QUAKE_FDSNQ_MAG, QUAKE_FDSNQ_MAG_ASC
};

enum quake_fdsnq_format {
	QUAKE_FDSNQ_XML, QUAKE_FDSNQ_TEXT, QUAKE_FDSNQ_GEOJSON, QUAKE_FDSNQ_JSON
};

/* Plain storage owned by the caller; unset bounds are open (±infinity,
 * INT64_MIN/MAX). Times are µs since the epoch. */
struct quake_fdsnq {
	int64_t start, end, updatedafter;
	double minlat, maxlat, minlon, maxlon;
	int radius;			/* latitude+longitude given */
	double lat, lon, minradius, maxradius;	/* degrees */
	double mindepth, maxdepth, minmag, maxmag;
	char magtype[32];		/* "" = any */
	char eventtype[160];		/* comma list of QuakeML types; "" = any */
	char eventid[64];		/* "" = any */
	char catalog[64], contributor[64];
	long limit;			/* 0 = no limit */
	long offset;			/* 1-based */
	enum quake_fdsnq_order orderby;
	enum quake_fdsnq_format format;
	int nodata;			/* 204 or 404 */
};

/* The longest query string accepted (bytes, before decoding). */
#define QUAKE_FDSNQ_MAX 8192

/* Parse the URL query string s[0..len) ("a=b&c=d", %xx and '+' decoded
 * here; no leading '?') into *q (caller-owned, reset first). QUAKE_EINPUT
 * with f->field the parameter and f->reason why; QUAKE_ETOOLONG over
 * QUAKE_FDSNQ_MAX. */
enum quake_err quake_fdsnq_parse(const char *s, size_t len,
    struct quake_fdsnq *q, struct quake_fail *f);

/* 1 when *ev (borrowed) passes every filter of *q, else 0. */
int quake_fdsnq_match(const struct quake_fdsnq *q, const struct quake_event *ev);

/* Great-circle distance in degrees between two points given in degrees. */
double quake_fdsnq_distance(double lat1, double lon1, double lat2, double lon2);

/* Parse an FDSN time: YYYY-MM-DD, optionally T (or space) HH:MM:SS[.f],
 * optionally Z. UTC. s[0..len) borrowed. QUAKE_EINPUT on anything else. */
enum quake_err quake_fdsnq_time(const char *s, size_t len, int64_t *us,
    struct quake_fail *f);

/* The QuakeML event type ("earthquake", "quarry blast", ...) and its
 * certainty ("known"/"suspected", or NULL) of an EMSC evtype code such as
 * "ke" or "sq". Static strings, never NULL for the type. */
const char *quake_fdsnq_evtype(const char *code, const char **certainty);

#endif
