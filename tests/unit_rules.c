/* unit_rules — the rules file: every field parsed, each kind of mistake
 * named by rule and field, and the match (region, depth, evtype, day and
 * night thresholds in a named time zone). */
#include <math.h>
#include <stdlib.h>

#include "alert/rules.h"
#include "core/time.h"
#include "unit.h"

#define HOOK ",\"webhook\":{\"url\":\"http://127.0.0.1:9/h\",\"secret_file\":\"s\"}"

static const char good[] = "{\"rules\":["
    "{\"name\":\"tokyo\",\"minmagnitude\":4.5,\"night_minmagnitude\":6,"
    " \"night\":{\"from\":\"22:00\",\"to\":\"07:00\",\"tz\":\"Asia/Tokyo\"},"
    " \"circle\":{\"lat\":35.68,\"lon\":139.69,\"radius_km\":300},\"maxdepth\":100,"
    " \"evtype\":{\"exclude\":[\"qb\",\"ex\"]},\"updates\":\"downgrade\"" HOOK "},"
    "{\"name\":\"pacific\",\"minmagnitude\":6,\"rectangle\":{\"minlat\":-30,\"maxlat\":30,\"minlon\":150,\"maxlon\":-120},"
    " \"ntfy\":{\"url\":\"http://127.0.0.1:9/quakes\",\"token_file\":\"t\",\"priority\":4}},"
    "{\"name\":\"japan\",\"polygon\":\"japan.geojson\",\"mindepth\":5,\"evtype\":[\"ke\"],\"ntfy\":\"https://ntfy.sh/q\"},"
    "{\"name\":\"inline\",\"polygon\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[10,0],[10,10],[0,0]]]}" HOOK "},"
    "{\"name\":\"zurich\",\"minmagnitude\":2,\"night_minmagnitude\":3.5,"
    " \"night\":{\"from\":\"23:00\",\"to\":\"06:30\",\"tz\":\"Europe/Zurich\"}" HOOK "},"
    "{\"name\":\"all\",\"detections\":true" HOOK "}]}";

static struct quake_event
ev(double lat, double lon, double depth, double mag, const char *evtype,
    const char *utc)
{
	struct quake_event e = { .id = "x", .lat = lat, .lon = lon, .depth = depth, .mag = mag };
	struct quake_fail f;

	snprintf(e.evtype, sizeof e.evtype, "%s", evtype);
	quake_time_parse(utc, strlen(utc), &e.time, &f);
	return e;
}

int
main(void)
{
	struct quake_rules rs;
	struct quake_rules_fail f;
	double thr;

	CHECK(quake_rules_parse(good, strlen(good), "tests/data/alert", &rs, &f) == QUAKE_OK,
	    "good rules parse (%s %s %.80s)", f.rule, f.f.field, f.f.reason);
	CHECK(rs.n == 6 && rs.ntz == 2, "six rules, two time zones");
	struct quake_rule *t = &rs.rule[0], *p = &rs.rule[1], *j = &rs.rule[2];
	CHECK(t->minmag == 4.5 && t->night && t->night_minmag == 6 && t->night_from == 1320 &&
	    t->night_to == 420 && t->region.kind == QUAKE_GEO_CIRCLE && t->maxdepth == 100 &&
	    isinf(t->mindepth) && t->evtype_exclude && t->nevtypes == 2 && t->downgrade &&
	    t->ntargets == 1 && t->targets[0].kind == QUAKE_TARGET_WEBHOOK &&
	    strcmp(t->targets[0].secret_file, "tests/data/alert/s") == 0 &&
	    strcmp(t->targets[0].key, "tokyo") == 0, "tokyo fields (secret beside the rules, key the name)");
	CHECK(p->region.kind == QUAKE_GEO_RECTANGLE && p->targets[0].kind == QUAKE_TARGET_NTFY &&
	    p->targets[0].priority_fixed == 4 && strcmp(p->targets[0].secret_file, "tests/data/alert/t") == 0 &&
	    !p->downgrade, "pacific fields");
	CHECK(j->region.kind == QUAKE_GEO_POLYGON && j->region.npolys == 1 && j->minmag == 0 &&
	    strcmp(j->targets[0].url, "https://ntfy.sh/q") == 0 && j->targets[0].secret_file[0] == '\0' &&
	    !j->evtype_exclude, "japan fields (polygon file, ntfy URL)");
	CHECK(t->zone == t->tz && t->zone >= 0 && rs.rule[5].zone == -1 && t->as_minmag == 0,
	    "the notices' zone is night.tz when no tz is given");
	CHECK(rs.rule[5].detections && rs.rule[5].region.kind == QUAKE_GEO_EVERYWHERE, "all fields");

	const struct { size_t rule; struct quake_event e; int match; double thr; const char *what; } m[] = {
		{ 0, ev(35.0, 139.0, 10, 5.0, "ke", "2024-01-01T03:00:00Z"), 1, 4.5, "tokyo: noon local, M5" },
		{ 0, ev(35.0, 139.0, 10, 5.0, "ke", "2024-01-01T14:00:00Z"), 0, 6, "tokyo: 23:00 local, M5 below night" },
		{ 0, ev(35.0, 139.0, 10, 6.0, "ke", "2024-01-01T21:59:00Z"), 1, 6, "tokyo: 06:59 local, M6 night" },
		{ 0, ev(35.0, 139.0, 10, 5.0, "ke", "2024-01-01T22:00:00Z"), 1, 4.5, "tokyo: 07:00 local is day" },
		{ 0, ev(35.0, 139.0, 10, 5.0, "qb", "2024-01-01T03:00:00Z"), 0, 4.5, "tokyo: quarry blast left out" },
		{ 0, ev(35.0, 139.0, 150, 5.0, "ke", "2024-01-01T03:00:00Z"), 0, 4.5, "tokyo: too deep" },
		{ 0, ev(40.0, 139.0, 10, 5.0, "ke", "2024-01-01T03:00:00Z"), 0, 4.5, "tokyo: too far" },
		{ 1, ev(0, 179.9, 10, 6.5, "ke", "2024-01-01T03:00:00Z"), 1, 6, "pacific: across 180" },
		{ 1, ev(0, -125, 10, 6.5, "ke", "2024-01-01T03:00:00Z"), 1, 6, "pacific: east end" },
		{ 1, ev(0, -110, 10, 6.5, "ke", "2024-01-01T03:00:00Z"), 0, 6, "pacific: past the east end" },
		{ 2, ev(36, 140, 10, 1.0, "ke", "2024-01-01T03:00:00Z"), 1, 0, "japan: polygon from a file" },
		{ 2, ev(36, 140, 2, 1.0, "ke", "2024-01-01T03:00:00Z"), 0, 0, "japan: too shallow" },
		{ 2, ev(36, 140, 10, 1.0, "", "2024-01-01T03:00:00Z"), 0, 0, "japan: evtype not listed" },
		{ 4, ev(47, 8, 10, 3.0, "ke", "2024-07-01T21:30:00Z"), 0, 3.5, "zurich: 23:30 summer time (UTC+2)" },
		{ 4, ev(47, 8, 10, 3.0, "ke", "2024-01-01T21:30:00Z"), 1, 2, "zurich: 22:30 winter time (UTC+1)" },
		{ 4, ev(47, 8, 10, 3.0, "ke", "2024-03-31T04:15:00Z"), 0, 3.5, "zurich: 06:15 summer time, the day of the switch: night" },
		{ 4, ev(47, 8, 10, 3.0, "ke", "2024-03-31T04:30:00Z"), 1, 2, "zurich: 06:30 summer time: day" },
	};
	for (size_t i = 0; i < NELEM(m); i++) {
		thr = -99;
		int got = quake_rules_match(&rs, m[i].rule, &m[i].e, &thr);
		CHECK(got == m[i].match, "match %s", m[i].what);
		CHECK(quake_rules_threshold(&rs, m[i].rule, m[i].e.time) == m[i].thr,
		    "threshold %s", m[i].what);
	}
	quake_rules_free(&rs);

	static const struct { const char *json, *rule, *field; } bad[] = {
		{ "[", "", "" },
		{ "[]", "", "rules" },
		{ "{\"rules\":{}}", "", "rules" },
		{ "[3]", "#1", "" },
		{ "[{\"name\":\"a b\"" HOOK "}]", "#1", "name" },
		{ "[{\"name\":\"a\"" HOOK "},{\"name\":\"a\"" HOOK "}]", "a", "name" },
		{ "[{\"name\":\"a\",\"colour\":1" HOOK "}]", "a", "colour" },
		{ "[{\"name\":\"a\",\"minmagnitude\":\"5\"" HOOK "}]", "a", "minmagnitude" },
		{ "[{\"name\":\"a\",\"minmagnitude\":12" HOOK "}]", "a", "minmagnitude" },
		{ "[{\"name\":\"a\",\"night_minmagnitude\":5" HOOK "}]", "a", "night" },
		{ "[{\"name\":\"a\",\"night\":{\"from\":\"22:00\",\"to\":\"07:00\"}" HOOK "}]", "a", "night" },
		{ "[{\"name\":\"a\",\"night_minmagnitude\":5,\"night\":{\"from\":\"25:00\",\"to\":\"07:00\"}" HOOK "}]", "a", "night.from" },
		{ "[{\"name\":\"a\",\"night_minmagnitude\":5,\"night\":{\"from\":\"22:00\",\"to\":\"07:00\",\"tz\":\"Mars/Olympus\"}" HOOK "}]", "a", "night.tz" },
		{ "[{\"name\":\"a\",\"night_minmagnitude\":5,\"night\":{\"from\":\"22:00\",\"to\":\"07:00\",\"tz\":\"../../etc/passwd\"}" HOOK "}]", "a", "night.tz" },
		{ "[{\"name\":\"a\",\"circle\":{\"lat\":91,\"lon\":0,\"radius_km\":5}" HOOK "}]", "a", "circle.lat" },
		{ "[{\"name\":\"a\",\"circle\":{\"lat\":1,\"lon\":0}" HOOK "}]", "a", "circle.radius_km" },
		{ "[{\"name\":\"a\",\"circle\":{\"lat\":1,\"lon\":0,\"radius_km\":5,\"r\":1}" HOOK "}]", "a", "circle" },
		{ "[{\"name\":\"a\",\"rectangle\":{\"minlat\":10,\"maxlat\":0,\"minlon\":0,\"maxlon\":1}" HOOK "}]", "a", "rectangle.maxlat" },
		{ "[{\"name\":\"a\",\"circle\":{\"lat\":1,\"lon\":0,\"radius_km\":5},\"rectangle\":{}" HOOK "}]", "a", "polygon" },
		{ "[{\"name\":\"a\",\"polygon\":\"nope.geojson\"" HOOK "}]", "a", "polygon" },
		{ "[{\"name\":\"a\",\"polygon\":{\"type\":\"Point\"}" HOOK "}]", "a", "polygon" },
		{ "[{\"name\":\"a\",\"mindepth\":50,\"maxdepth\":10" HOOK "}]", "a", "maxdepth" },
		{ "[{\"name\":\"a\",\"evtype\":{\"only\":[\"ke\"]}" HOOK "}]", "a", "evtype" },
		{ "[{\"name\":\"a\",\"evtype\":[]" HOOK "}]", "a", "evtype" },
		{ "[{\"name\":\"a\"}]", "a", "webhook" },
		{ "[{\"name\":\"a\",\"ntfy\":\"x\"" HOOK "}]", "a", "ntfy.url" },
		/* several targets, email, the notice fields */
		{ "[{\"name\":\"a\",\"webhook\":[{\"url\":\"http://x/1\",\"secret_file\":\"s\"},{\"url\":\"ftp://x\"}]}]", "a", "webhook[1].url" },
		{ "[{\"name\":\"a\",\"ntfy\":[\"http://x/1\",\"http://x/1\"]}]", "a", "targets" },
		{ "[{\"name\":\"a\",\"ntfy\":[\"http://x/1\",\"http://x/2\",\"http://x/3\",\"http://x/4\","
		    "\"http://x/5\",\"http://x/6\",\"http://x/7\",\"http://x/8\",\"http://x/9\"]}]", "a", "ntfy[8]" },
		{ "[{\"name\":\"a\",\"targets\":[{\"sms\":\"x\"}]}]", "a", "targets[0]" },
		{ "[{\"name\":\"a\",\"targets\":{}}]", "a", "targets" },
		{ "[{\"name\":\"a\",\"targets\":[{\"ntfy\":{\"url\":\"http://x/t\",\"priority\":0}}]}]", "a", "targets[0].ntfy.priority" },
		{ "[{\"name\":\"a\",\"email\":{\"url\":\"http://x\",\"from\":\"a@b\",\"to\":\"c@d\"}}]", "a", "email.url" },
		{ "[{\"name\":\"a\",\"email\":{\"url\":\"smtp://u:p@x\",\"from\":\"a@b\",\"to\":\"c@d\"}}]", "a", "email.url" },
		{ "[{\"name\":\"a\",\"email\":{\"url\":\"smtp://x\",\"from\":\"ab\",\"to\":\"c@d\"}}]", "a", "email.from" },
		{ "[{\"name\":\"a\",\"email\":{\"url\":\"smtp://x\",\"from\":\"a@b\",\"to\":\"c@d\\r\\nBcc: e@f\"}}]", "a", "email.to" },
		{ "[{\"name\":\"a\",\"email\":{\"url\":\"smtp://x\",\"from\":\"a@b\",\"to\":[]}}]", "a", "email.to" },
		{ "[{\"name\":\"a\",\"email\":{\"url\":\"smtp://x\",\"from\":\"a@b\",\"to\":\"<c@d>\"}}]", "a", "email.to" },
		{ "[{\"name\":\"a\",\"email\":{\"url\":\"smtp://x\",\"from\":\"a@b\",\"to\":\"c@d\",\"auth_file\":7}}]", "a", "email.auth_file" },
		{ "[{\"name\":\"a\",\"email\":{\"url\":\"smtp://x\",\"from\":\"a@b\",\"to\":\"c@d\",\"password\":\"x\"}}]", "a", "email" },
		{ "[{\"name\":\"a\",\"email\":\"c@d\"}]", "a", "email" },
		{ "[{\"name\":\"a\",\"tz\":\"Mars/Olympus\"" HOOK "}]", "a", "tz" },
		{ "[{\"name\":\"a\",\"place\":\"\"" HOOK "}]", "a", "place" },
		{ "[{\"name\":\"a\",\"aftershocks\":5" HOOK "}]", "a", "aftershocks" },
		{ "[{\"name\":\"a\",\"aftershocks\":{\"main_minmagnitude\":3}" HOOK "}]", "a", "aftershocks.main_minmagnitude" },
		{ "[{\"name\":\"a\",\"aftershocks\":{\"days\":0}" HOOK "}]", "a", "aftershocks.days" },
		{ "[{\"name\":\"a\",\"aftershocks\":{\"radius\":0}" HOOK "}]", "a", "aftershocks" },
		{ "[{\"name\":\"a\",\"webhook\":{\"url\":\"ftp://x\",\"secret_file\":\"s\"}}]", "a", "webhook.url" },
		{ "[{\"name\":\"a\",\"webhook\":{\"url\":\"http://x\"}}]", "a", "webhook.secret_file" },
		{ "[{\"name\":\"a\",\"webhook\":\"http://x\"}]", "a", "webhook.secret_file" },
		{ "[{\"name\":\"a\",\"ntfy\":{\"url\":\"http://x/t\",\"priority\":9}}]", "a", "ntfy.priority" },
		{ "[{\"name\":\"a\",\"ntfy\":{\"url\":\"http://x/t\",\"secret_file\":\"s\"}}]", "a", "ntfy" },
		{ "[{\"name\":\"a\",\"updates\":\"all\"" HOOK "}]", "a", "updates" },
		{ "[{\"name\":\"a\",\"detections\":1" HOOK "}]", "a", "detections" },
		{ "[{\"name\":\"ok\"" HOOK "},{\"name\":\"b\",\"minmagnitude\":null" HOOK "}]", "b", "minmagnitude" },
		/* issue 28.10: credentials in a URL would be logged; a ring
		 * crossing itself has no one inside; include is a list */
		{ "[{\"name\":\"a\",\"webhook\":{\"url\":\"http://u:p@x/h\",\"secret_file\":\"s\"}}]", "a", "webhook.url" },
		{ "[{\"name\":\"a\",\"ntfy\":\"https://user@x/t\"}]", "a", "ntfy.url" },
		{ "[{\"name\":\"a\",\"polygon\":{\"type\":\"Polygon\",\"coordinates\":"
		    "[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}" HOOK "}]", "a", "polygon" },
		{ "[{\"name\":\"a\",\"evtype\":{\"include\":\"ke\"}" HOOK "}]", "a", "evtype.include" },
		{ "[{\"name\":\"a\",\"evtype\":{\"exclude\":\"qb\"}" HOOK "}]", "a", "evtype.exclude" },
		/* a duplicate name found by sorting: the later of the pair */
		{ "[{\"name\":\"z\"" HOOK "},{\"name\":\"a\"" HOOK "},{\"name\":\"m\"" HOOK "},"
		    "{\"name\":\"a\"" HOOK "}]", "a", "name" },
	};
	for (size_t i = 0; i < NELEM(bad); i++) {
		memset(&f, 0, sizeof f);
		CHECK(quake_rules_parse(bad[i].json, strlen(bad[i].json), "tests/data/alert", &rs, &f) ==
		    QUAKE_EINPUT && rs.n == 0 && rs.rule == NULL, "bad rules %zu refused", i);
		CHECK(strcmp(f.rule, bad[i].rule) == 0 && strcmp(f.f.field, bad[i].field) == 0,
		    "bad rules %zu: rule [%s] field [%s] (%.60s), want [%s] [%s]", i, f.rule,
		    f.f.field, f.f.reason, bad[i].rule, bad[i].field);
	}
	{
		/* the same URL's "@" in the path or query is no userinfo; a ring
		 * that only touches itself at a vertex is simple enough */
		const char *ok = "[{\"name\":\"a\",\"ntfy\":\"https://x/t?a=b@c\"},"
		    "{\"name\":\"b\",\"ntfy\":\"https://x/t/@me\",\"polygon\":"
		    "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}}]";
		CHECK(quake_rules_parse(ok, strlen(ok), NULL, &rs, &f) == QUAKE_OK,
		    "an @ past the host is taken; a square is simple (%s)", f.f.reason);
		quake_rules_free(&rs);
	}
	{
		/* one rule, three kinds of target; the first keeps the rule's
		 * name as its key, the others a key of their own */
		const char *multi = "[{\"name\":\"lisbon\",\"minmagnitude\":5,\"tz\":\"Europe/Lisbon\","
		    "\"place\":\"Lisboa\",\"aftershocks\":{\"main_minmagnitude\":6,\"days\":10},"
		    "\"webhook\":{\"url\":\"http://x/h\",\"secret_file\":\"s\"},\"ntfy\":[\"http://x/1\",\"http://x/2\"],"
		    "\"email\":{\"url\":\"smtps://mail.example:465\",\"from\":\"q@example.org\","
		    "\"to\":[\"a@example.org\",\"b@example.org\"],\"auth_file\":\"auth\",\"ca_file\":\"/etc/ca.pem\"}},"
		    "{\"name\":\"t\",\"aftershocks\":true,\"targets\":[{\"email\":{\"url\":\"smtp://m:587\","
		    "\"from\":\"q@x\",\"to\":\"c@d\"}},{\"ntfy\":\"http://x/1\"}]}]";
		CHECK(quake_rules_parse(multi, strlen(multi), "/etc/quake", &rs, &f) == QUAKE_OK,
		    "several targets parse (%s %s %.80s)", f.rule, f.f.field, f.f.reason);
		const struct quake_rule *r = &rs.rule[0];
		CHECK(rs.n == 2 && r->ntargets == 4 && r->targets[0].kind == QUAKE_TARGET_WEBHOOK &&
		    r->targets[1].kind == QUAKE_TARGET_NTFY && r->targets[2].kind == QUAKE_TARGET_NTFY &&
		    r->targets[3].kind == QUAKE_TARGET_EMAIL, "lisbon: webhook, two ntfy, email in that order");
		CHECK(strcmp(r->targets[0].key, "lisbon") == 0 &&
		    strncmp(r->targets[1].key, "lisbon|ntfy:", 12) == 0 && strlen(r->targets[1].key) == 20 &&
		    strcmp(r->targets[1].key, r->targets[2].key) != 0 &&
		    strncmp(r->targets[3].key, "lisbon|email:", 13) == 0, "keys: %.70s %.70s %.70s",
		    r->targets[1].key, r->targets[2].key, r->targets[3].key);
		CHECK(r->targets[3].nto == 2 && strcmp(r->targets[3].to[1], "b@example.org") == 0 &&
		    strcmp(r->targets[3].from, "q@example.org") == 0 &&
		    strcmp(r->targets[3].secret_file, "/etc/quake/auth") == 0 &&
		    strcmp(r->targets[3].ca_file, "/etc/ca.pem") == 0, "email fields (auth file beside the rules)");
		CHECK(strcmp(r->place, "Lisboa") == 0 && r->zone >= 0 && r->tz == -1 &&
		    r->as_minmag == 6 && r->as_days_us == 10 * 86400000000LL, "place, tz, aftershocks");
		CHECK(rs.rule[1].ntargets == 2 && rs.rule[1].targets[0].kind == QUAKE_TARGET_EMAIL &&
		    rs.rule[1].as_minmag == 5.5 && rs.rule[1].as_days_us == 30 * 86400000000LL,
		    "\"targets\" list; aftershocks: true is M5.5 for 30 days");
		const char *zone;
		struct quake_event e = ev(38.7, -9.1, 10, 5, "ke", "2024-07-01T12:00:00Z");
		CHECK(quake_rules_offset(&rs, 0, e.time, &zone) == 3600 && strcmp(zone, "Europe/Lisbon") == 0 &&
		    quake_rules_offset(&rs, 1, e.time, &zone) == 0 && zone == NULL,
		    "offset: Lisbon in summer is UTC+1; no zone is UTC");
		quake_rules_free(&rs);
	}
	{
		static volatile sig_atomic_t stop = 1;
		const char *two = "[{\"name\":\"a\",\"ntfy\":\"https://x/t\"},"
		    "{\"name\":\"b\",\"ntfy\":\"https://x/t\"}]";
		CHECK(quake_rules_parse_stop(two, strlen(two), NULL, &rs, &f, &stop) ==
		    QUAKE_ETEMP && rs.n == 0, "a stop flag set: loading stops, nothing held");
	}
	CHECK(quake_rules_load("tests/data/alert/none.json", &rs, &f) == QUAKE_EIO &&
	    strstr(f.f.reason, "none.json") != NULL, "missing rules file: EIO naming it");
	return unit_failed;
}
