/* unit_fdsnq — FDSN event query strings: every parameter and alias, the
 * values they refuse, cross-parameter checks, and matching. */
#include <math.h>
#include <string.h>

#include "fdsn/fdsnq.h"
#include "core/time.h"
#include "unit.h"

static struct quake_event
event(const char *id, const char *time, double lat, double lon, double depth,
    double mag)
{
	struct quake_event ev;
	struct quake_fail f;

	memset(&ev, 0, sizeof ev);
	snprintf(ev.id, sizeof ev.id, "%s", id);
	quake_time_parse(time, strlen(time), &ev.time, &f);
	ev.lastupdate = ev.time + 600000000;
	ev.lat = lat;
	ev.lon = lon;
	ev.depth = depth;
	ev.mag = mag;
	strcpy(ev.magtype, "mb");
	strcpy(ev.evtype, "ke");
	strcpy(ev.auth, "GFZ");
	strcpy(ev.source_catalog, "EMSC-RTS");
	return ev;
}

static void
parse_cases(void)
{
	static const struct {
		const char *q, *field;	/* field: NULL when accepted */
	} cases[] = {
		{ "", NULL },
		{ "starttime=2026-11-23&endtime=2026-11-24T00:00:00", NULL },
		{ "start=2026-11-23T01:02:03.5Z&end=2026-11-23T01:02:04", NULL },
		{ "start=2026-11-23 01:02:03", NULL },
		{ "start=2026-11-23+01:02:03", NULL },
		{ "start=2026-11-23T01:02:03.123456789", NULL },
		{ "minlat=-10&maxlat=10&minlon=170&maxlon=-170", NULL },
		{ "minlatitude=-10&maxlatitude=10&minlongitude=-5&maxlongitude=5", NULL },
		{ "lat=45&lon=7&maxradius=2.5&minradius=0.1", NULL },
		{ "latitude=45&longitude=7", NULL },
		{ "mindepth=0&maxdepth=700&minmag=2.5&maxmag=9", NULL },
		{ "minmagnitude=2.5&maxmagnitude=9&magnitudetype=mb", NULL },
		{ "magtype=ML&eventtype=earthquake,quarry%20blast", NULL },
		{ "eventid=20261123_0000001&updatedafter=2026-11-01", NULL },
		{ "limit=10&offset=5&orderby=magnitude-asc&format=geojson", NULL },
		{ "orderby=time-asc&format=text&nodata=404", NULL },
		{ "format=json&orderby=magnitude", NULL },
		{ "format=xml&orderby=time", NULL },
		{ "includeallorigins=false&includeallmagnitudes=false&includearrivals=false", NULL },
		{ "includeallorigins=true&includeallmagnitudes=true&includearrivals=true", NULL },
		{ "mindepth=-1.5e1&maxdepth=.5&minmag=%2B2.&maxmag=9E0", NULL },
		{ "mindepth=0x10", "mindepth" },
		{ "minmag=0x1p1", "minmagnitude" },
		{ "minlat=inf", "minlatitude" },
		{ "minlat=1e", "minlatitude" },
		{ "minlat=.", "minlatitude" },
		{ "minlat=1.5.", "minlatitude" },
		{ "catalog=EMSC-RTS&contributor=GFZ", NULL },
		{ "a=1", "a" },
		{ "foo", "foo" },
		{ "starttime", "starttime" },
		{ "starttime=", "starttime" },
		{ "starttime=yesterday", "starttime" },
		{ "starttime=2026-13-01", "starttime" },
		{ "starttime=2026-11-23T01:02", "starttime" },
		{ "endtime=2026-11-23T01:02:03.", "endtime" },
		{ "start=2026-11-24&end=2026-11-23", "starttime" },
		{ "minlat=-91", "minlatitude" },
		{ "maxlat=90.5", "maxlatitude" },
		{ "minlon=181", "minlongitude" },
		{ "minlat=abc", "minlatitude" },
		{ "minlat=1e999", "minlatitude" },
		{ "minlat=nan", "minlatitude" },
		{ "minlat=%201", "minlatitude" },
		{ "minlat=10&maxlat=5", "minlatitude" },
		{ "lat=45", "longitude" },
		{ "lon=7", "latitude" },
		{ "maxradius=5", "latitude" },
		{ "lat=45&lon=7&maxradius=181", "maxradius" },
		{ "lat=45&lon=7&minradius=5&maxradius=1", "minradius" },
		{ "mindepth=10&maxdepth=5", "mindepth" },
		{ "minmag=5&maxmag=4", "minmagnitude" },
		{ "limit=0", "limit" },
		{ "limit=-1", "limit" },
		{ "limit=1.5", "limit" },
		{ "offset=0", "offset" },
		{ "orderby=size", "orderby" },
		{ "format=csv", "format" },
		{ "nodata=200", "nodata" },
		{ "includearrivals=yes", "includearrivals" },
		{ "includeallorigins=maybe", "includeallorigins" },
		{ "minmag=1&minmagnitude=2", "minmagnitude" },
		{ "minmag=%zz", "minmagnitude" },
		{ "minmag=%4", "minmagnitude" },
		{ "magtype=a%00b", "magnitudetype" },
		{ "eventid=", "eventid" },
		{ "eventid=0123456789012345678901234567890123456789012345678901234567890123456789", "eventid" },
		{ "%zz=1", "" },
	};
	struct quake_fdsnq q;
	struct quake_fail f;

	for (size_t i = 0; i < NELEM(cases); i++) {
		enum quake_err err;

		memset(&f, 0, sizeof f);
		err = quake_fdsnq_parse(cases[i].q, strlen(cases[i].q), &q, &f);
		if (cases[i].field == NULL)
			CHECK(err == QUAKE_OK, "fdsnq accepts [%s] (%s: %s)",
			    cases[i].q, f.field, f.reason);
		else {
			CHECK(err == QUAKE_EINPUT, "fdsnq rejects [%s]", cases[i].q);
			CHECK_STR(f.field, cases[i].field, "fdsnq names the parameter of [%s]",
			    cases[i].q);
			CHECK(f.reason[0] != '\0', "fdsnq says why for [%s]", cases[i].q);
		}
	}
}

static void
value_cases(void)
{
	struct quake_fdsnq q;
	struct quake_fail f;
	char t[QUAKE_TIME_LEN + 1];
	char big[QUAKE_FDSNQ_MAX + 2];
	const char *s = "start=2026-11-23T01:02:03.5&minmag=2.5&lat=-45&lon=170"
	    "&maxradius=3&limit=7&offset=2&orderby=magnitude&format=text&"
	    "nodata=404&magtype=Mw&eventtype=earthquake";

	CHECK(quake_fdsnq_parse(s, strlen(s), &q, &f) == QUAKE_OK, "fdsnq full query");
	quake_time_format(q.start, t);
	CHECK_STR(t, "2026-11-23T01:02:03.500000Z", "fdsnq starttime value");
	CHECK(q.end == INT64_MAX && q.updatedafter == INT64_MIN, "fdsnq open bounds");
	CHECK(q.minmag == 2.5 && isinf(q.maxmag), "fdsnq minmag value");
	CHECK(q.radius && q.lat == -45 && q.lon == 170 && q.maxradius == 3 &&
	    q.minradius == 0, "fdsnq radius values");
	CHECK(q.limit == 7 && q.offset == 2, "fdsnq limit offset");
	CHECK(q.orderby == QUAKE_FDSNQ_MAG && q.format == QUAKE_FDSNQ_TEXT &&
	    q.nodata == 404, "fdsnq orderby format nodata");
	CHECK_STR(q.magtype, "Mw", "fdsnq magtype value");
	CHECK(quake_fdsnq_parse("", 0, &q, &f) == QUAKE_OK && q.format ==
	    QUAKE_FDSNQ_XML && q.orderby == QUAKE_FDSNQ_TIME && q.nodata == 204 &&
	    q.offset == 1 && q.limit == 0 && !q.radius, "fdsnq defaults");
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK(quake_fdsnq_parse(big, strlen(big), &q, &f) == QUAKE_ETOOLONG,
	    "fdsnq over the cap");
}

static void
match_cases(void)
{
	static const struct {
		const char *q;
		int want;
	} cases[] = {
		{ "", 1 },
		{ "start=2026-11-23T10:00:00", 1 },
		{ "start=2026-11-23T10:00:00.000001", 0 },
		{ "end=2026-11-23T10:00:00", 1 },
		{ "end=2026-11-23T09:59:59.999999", 0 },
		{ "minlat=35&maxlat=36", 1 },
		{ "minlat=35.01", 0 },
		{ "minlon=170&maxlon=-170", 0 },
		{ "minlon=139&maxlon=140", 1 },
		{ "minlon=130&maxlon=-170", 1 },	/* across the antimeridian */
		{ "lat=35.5&lon=139.5&maxradius=0.5001", 1 },
		{ "lat=35.5&lon=139.5&maxradius=0.4999", 0 },
		{ "lat=35.5&lon=139.5&minradius=0.5001", 0 },
		{ "lat=35&lon=139.5", 1 },
		{ "mindepth=10&maxdepth=10", 1 },
		{ "mindepth=10.1", 0 },
		{ "minmag=5.5&maxmag=5.5", 1 },
		{ "maxmag=5.4", 0 },
		{ "magtype=MB", 1 },
		{ "magtype=ml", 0 },
		{ "eventtype=earthquake", 1 },
		{ "eventtype=quarry%20blast,earthquake", 1 },
		{ "eventtype=quarry%20blast", 0 },
		{ "eventid=20261123_0000001", 1 },
		{ "eventid=20261123_0000002", 0 },
		{ "updatedafter=2026-11-23T10:09:59", 1 },
		{ "updatedafter=2026-11-23T10:10:00", 0 },
		{ "catalog=emsc-rts&contributor=gfz", 1 },
		{ "contributor=USGS", 0 },
	};
	struct quake_event ev = event("20261123_0000001",
	    "2026-11-23T10:00:00Z", 35.0, 139.5, 10.0, 5.5);
	struct quake_fdsnq q;
	struct quake_fail f;

	for (size_t i = 0; i < NELEM(cases); i++) {
		int ok = quake_fdsnq_parse(cases[i].q, strlen(cases[i].q), &q, &f)
		    == QUAKE_OK;

		CHECK(ok && quake_fdsnq_match(&q, &ev) == cases[i].want,
		    "fdsnq match [%s] -> %d", cases[i].q, cases[i].want);
	}
}

int
main(void)
{
	static const struct {
		const char *code, *type, *cert;
	} types[] = {
		{ "ke", "earthquake", "known" }, { "se", "earthquake", "suspected" },
		{ "kr", "rock burst", "known" }, { "sq", "quarry blast", "suspected" },
		{ "kn", "nuclear explosion", "known" }, { "ls", "landslide", NULL },
		{ "", "other event", NULL }, { "zz", "other event", NULL },
		{ "kee", "other event", NULL },
	};

	parse_cases();
	value_cases();
	match_cases();
	for (size_t i = 0; i < NELEM(types); i++) {
		const char *cert;
		const char *t = quake_fdsnq_evtype(types[i].code, &cert);

		CHECK_STR(t, types[i].type, "evtype %s type", types[i].code);
		CHECK(types[i].cert ? cert && strcmp(cert, types[i].cert) == 0 :
		    cert == NULL, "evtype %s certainty", types[i].code);
	}
	CHECK(fabs(quake_fdsnq_distance(0, 0, 0, 90) - 90) < 1e-9, "distance quarter");
	CHECK(fabs(quake_fdsnq_distance(10, 179.5, 10, -179.5) - 0.98477) < 1e-4,
	    "distance across the antimeridian");
	CHECK(fabs(quake_fdsnq_distance(90, 0, -90, 0) - 180) < 1e-9, "distance poles");
	return unit_failed;
}
