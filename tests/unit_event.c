/* unit_event — the event line (parse, validate, format) and documents with
 * several features; number and string text are unit_json's. */
#include <math.h>
#include <stdlib.h>

#include <jansson.h>

#include "lines/event.h"
#include "core/time.h"
#include "unit.h"

static const char LINE[] =
    "{\"id\":\"20240330_0000303\",\"action\":\"update\","
    "\"time\":\"2024-03-30T04:09:58.597000Z\","
    "\"lastupdate\":\"2024-04-06T03:28:24.385933Z\",\"lat\":-4.027,"
    "\"lon\":143.2849,\"depth\":10.0,\"mag\":4.6,\"magtype\":\"mb\","
    "\"region\":\"NEW GUINEA, PAPUA NEW GUINEA\",\"evtype\":\"ke\","
    "\"auth\":\"NEIC\",\"source_catalog\":\"EMSC-RTS\","
    "\"source_id\":\"1643105\"}";

static char *edits[128];
static size_t nedits;

/* LINE with the text between from and to (first match) replaced by by. */
static const char *
edit(const char *from, const char *by)
{
	const char *p = strstr(LINE, from);
	char *buf;

	if (p == NULL)
		return "EDIT-FAILED";
	/* kept until main returns: the tables below hold many at once */
	if (nedits == NELEM(edits) || asprintf(&buf, "%.*s%s%s",
	    (int)(p - LINE), LINE, by, p + strlen(from)) < 0)
		abort();
	return edits[nedits++] = buf;
}

static void
lines(void)
{
	struct quake_event ev;
	struct quake_fail f;
	char out[QUAKE_EVENT_LINE_MAX + 1];

	CHECK(quake_event_parse_line(LINE, strlen(LINE), &ev, &f) == QUAKE_OK,
	    "canonical line parses");
	CHECK(quake_event_format(&ev, out, sizeof out) == strlen(LINE),
	    "format length");
	CHECK_STR(out, LINE, "canonical line round-trips byte for byte");
	CHECK(quake_event_format(&ev, out, 100) == 0, "format refuses a short buffer");

	const char *reordered = "{\"source_id\":\"1643105\",\"id\":\"20240330_0000303\","
	    "\"action\":\"update\",\"time\":\"2024-03-30T04:09:58.597Z\","
	    "\"lastupdate\":\"2024-04-06T03:28:24.385933Z\",\"lat\":-4.0270,"
	    "\"lon\":143.2849,\"depth\":10,\"mag\":4.6,\"magtype\":\"mb\","
	    "\"region\":\"NEW GUINEA, PAPUA NEW GUINEA\",\"evtype\":\"ke\","
	    "\"auth\":\"NEIC\",\"source_catalog\":\"EMSC-RTS\"}";
	CHECK(quake_event_parse_line(reordered, strlen(reordered), &ev, &f) ==
	    QUAKE_OK, "reordered line parses");
	quake_event_format(&ev, out, sizeof out);
	CHECK_STR(out, LINE, "reordered line, integer depth, 3-digit time: canonical");

	static struct { const char *in, *field, *reason; } bad[64];
	size_t n = 0;
#define BAD(i, fl, r) (bad[n].in = (i), bad[n].field = (fl), bad[n].reason = (r), n++)
	BAD("", "", "empty line");
	BAD("   ", "", "not JSON: expected an object at byte 3");
	BAD("[]", "", "not a JSON object");
	BAD("{\"id\":", "", "not JSON: unexpected end at byte 6");
	BAD("{}", "id", "missing");
	BAD("null", "", "not JSON: expected an object at byte 0");
	BAD("\xff\xfe", "", "not JSON: expected an object at byte 0");
	static const char *const fields[] = { "id", "action", "time",
	    "lastupdate", "lat", "lon", "depth", "mag", "magtype", "region",
	    "evtype", "auth", "source_catalog", "source_id" };
	static const char *const pairs[14] = { "\"id\":\"20240330_0000303\"",
	    "\"action\":\"update\"", "\"time\":\"2024-03-30T04:09:58.597000Z\"",
	    "\"lastupdate\":\"2024-04-06T03:28:24.385933Z\"", "\"lat\":-4.027",
	    "\"lon\":143.2849", "\"depth\":10.0", "\"mag\":4.6", "\"magtype\":\"mb\"",
	    "\"region\":\"NEW GUINEA, PAPUA NEW GUINEA\"", "\"evtype\":\"ke\"",
	    "\"auth\":\"NEIC\"", "\"source_catalog\":\"EMSC-RTS\"",
	    "\"source_id\":\"1643105\"" };
	static char *missing[14];
	for (size_t k = 0; k < 14; k++) {
		/* the line without field k */
		char buf[1024] = "{";
		for (size_t j = 0; j < 14; j++) {
			if (j == k)
				continue;
			if (buf[1] != '\0')
				strcat(buf, ",");
			strcat(buf, pairs[j]);
		}
		strcat(buf, "}");
		if ((missing[k] = strdup(buf)) == NULL)
			abort();
		BAD(missing[k], fields[k], "missing");
	}
	BAD(edit("\"id\":\"20240330_0000303\"", "\"id\":7"), "id", "must be a string");
	BAD(edit("20240330_0000303", "a/b"), "id", "must be a non-empty token of [A-Za-z0-9_.-]");
	BAD(edit("20240330_0000303", ""), "id", "must be a non-empty token of [A-Za-z0-9_.-]");
	BAD(edit("\"update\"", "\"delete\""), "action", "must be \"create\" or \"update\"");
	BAD(edit("\"update\"", "null"), "action", "must be \"create\" or \"update\"");
	BAD(edit("2024-03-30T04:09:58.597000Z", "2024-03-30"), "time", "not an ISO-8601 UTC time");
	BAD(edit("2024-04-06T03:28:24.385933Z", "2024-04-06T03:28:24.385933"), "lastupdate", "must be UTC, ending in Z");
	BAD(edit("-4.027", "\"-4.027\""), "lat", "must be a number");
	BAD(edit("-4.027", "-90.5"), "lat", "-90.5 out of range [-90, 90]");
	BAD(edit("143.2849", "180.0001"), "lon", "180.0001 out of range [-180, 180]");
	BAD(edit("\"depth\":10.0", "\"depth\":1e4"), "depth", "10000.0 out of range [-10, 1000]");
	BAD(edit("\"mag\":4.6", "\"mag\":-3.5"), "mag", "-3.5 out of range [-3, 10]");
	/* DynamoDB's numbers stop at 1e-130: a denormal cannot be stored */
	BAD(edit("-4.027", "1e-200"), "lat", "1e-200 is below 1e-130 in magnitude (DynamoDB's smallest number): write 0");
	BAD(edit("\"mag\":4.6", "\"mag\":-5e-324"), "mag", "-5e-324 is below 1e-130 in magnitude (DynamoDB's smallest number): write 0");
	BAD(edit("\"mag\":4.6", "\"mag\":NaN"), "", "not JSON: invalid value at byte 170");
	BAD(edit("\"mag\":4.6", "\"mag\":true"), "mag", "must be a number");
	BAD(edit("\"mb\"", "[\"mb\"]"), "magtype", "must be a string");
	BAD(edit("\"source_id\":\"1643105\"}", "\"source_id\":\"1643105\",\"extra\":1}"), "", "unknown field \"extra\"");
	BAD(edit("\"lat\":-4.027", "\"lat\":-4.027,\"lat\":1"), "", "duplicate field \"lat\"");
	BAD(edit("}", "} x"), "", "not JSON: trailing characters at byte 308");
	/* field names: in order and unescaped is the fast path; escaped, out
	 * of order or a prefix of a known name must read the same */
	BAD(edit("\"id\":\"20240330_0000303\"", "\"\\u0069d\":\"a/b\""), "id", "must be a non-empty token of [A-Za-z0-9_.-]");
	BAD(edit("\"id\":\"20240330_0000303\"", "\"i\":\"20240330_0000303\""), "", "unknown field \"i\"");
	BAD(edit("\"id\":\"20240330_0000303\"", "\"idx\":\"20240330_0000303\""), "", "unknown field \"idx\"");
	BAD(edit("\"lat\":-4.027", "\"lat\":-4.027,\"l\\u0061t\":1"), "", "duplicate field \"lat\"");
	BAD(edit("\"mag\":4.6", "\"mag\":4.6,\"id\":\"x\""), "", "duplicate field \"id\"");
	BAD(edit("\"mag\":4.6", "\"mag\":4.6,\"mag\":4.6"), "", "duplicate field \"mag\"");
	BAD(edit("\"lat\":-4.027", "\"lat\"-4.027"), "", "not JSON: expected ':' at byte 128");
	/* string scanning eight bytes at a time: a special byte at each place */
	BAD(edit("NEW GUINEA, PAPUA", "NEW GUINEA,\x01PAPUA"), "", "not JSON: control character in string at byte 210");
	BAD(edit("NEW GUINEA, PAPUA", "NEW GUINEA, PAPU\x7f\x80"), "", "not JSON: invalid UTF-8 at byte 216");
	BAD(edit("NEW GUINEA, PAPUA", "NEW GUINEA, PAP\\q"), "", "not JSON: invalid escape at byte 214");
	/* no control character in a string field (one rule, at input) */
	BAD(edit("NEW GUINEA, PAPUA", "NEW GUINEA,\\nPAPUA"), "region", "a control character (U+000A)");
	BAD(edit("NEW GUINEA, PAPUA", "NEW GUINEA,\\rPAPUA"), "region", "a control character (U+000D)");
	BAD(edit("\"mb\"", "\"m\\u007fb\""), "magtype", "a control character (U+007F)");
	BAD(edit("\"evtype\":\"ke\"", "\"evtype\":\"k\\te\""), "evtype", "a control character (U+0009)");
#undef BAD
	for (size_t k = 0; k < 14; k++)
		edits[nedits++] = missing[k];
	for (size_t i = 0; i < n; i++) {
		memset(&f, 0, sizeof f);
		enum quake_err err = quake_event_parse_line(bad[i].in,
		    strlen(bad[i].in), &ev, &f);
		CHECK(err == QUAKE_EINPUT, "bad line %zu rejected", i);
		CHECK_STR(f.field, bad[i].field, "bad line %zu field", i);
		CHECK_STR(f.reason, bad[i].reason, "bad line %zu reason", i);
	}
}

static void
limits(void)
{
	static const struct { const char *from, *to; int ok; } cases[] = {
		{ "-4.027", "90.0", 1 }, { "-4.027", "-90", 1 },
		{ "143.2849", "180", 1 }, { "143.2849", "-180", 1 },
		{ "\"depth\":10.0", "\"depth\":-10", 1 },
		{ "\"depth\":10.0", "\"depth\":1000", 1 },
		{ "\"mag\":4.6", "\"mag\":10", 1 }, { "\"mag\":4.6", "\"mag\":-3", 1 },
		{ "\"depth\":10.0", "\"depth\":-10.000001", 0 },
		{ "\"mag\":4.6", "\"mag\":10.0000001", 0 },
	};
	struct quake_event ev;
	struct quake_fail f;

	for (size_t i = 0; i < NELEM(cases); i++) {
		const char *in = edit(cases[i].from, cases[i].to);
		CHECK((quake_event_parse_line(in, strlen(in), &ev, &f) ==
		    QUAKE_OK) == cases[i].ok, "limit %s -> %s", cases[i].from,
		    cases[i].to);
	}
}

static void
escaping(void)
{
	struct quake_event ev, back;
	struct quake_fail f;
	char out[QUAKE_EVENT_LINE_MAX + 1];

	quake_event_parse_line(LINE, strlen(LINE), &ev, &f);
	strcpy(ev.region, "A \"quoted\" \\ region\twith\x01 ctl and \xc3\xa9");
	CHECK(quake_event_format(&ev, out, sizeof out) > 0, "escaped line formats");
	CHECK(strstr(out, "\"region\":\"A \\\"quoted\\\" \\\\ region\\u0009with\\u0001 ctl and \xc3\xa9\"") != NULL,
	    "region escaped as JSON");
	/* the one rule: no control character in a string field, refused at
	 * input (the writers escape anyway) */
	CHECK(quake_event_parse_line(out, strlen(out), &back, &f) == QUAKE_EINPUT &&
	    strcmp(f.field, "region") == 0, "a region with a control character is refused on reading back");
	strcpy(ev.region, "A \"quoted\" \\ region and \xc3\xa9");
	CHECK(quake_event_format(&ev, out, sizeof out) > 0 &&
	    quake_event_parse_line(out, strlen(out), &back, &f) == QUAKE_OK &&
	    strcmp(back.region, ev.region) == 0, "escaped region reads back");
	memset(ev.region, 'x', sizeof ev.region - 1);
	ev.region[sizeof ev.region - 1] = '\0';
	memset(ev.auth, '\x01', sizeof ev.auth - 1);
	ev.auth[sizeof ev.auth - 1] = '\0';
	CHECK(quake_event_format(&ev, out, sizeof out) > 0 &&
	    strlen(out) <= QUAKE_EVENT_LINE_MAX, "worst case fits QUAKE_EVENT_LINE_MAX");
}

struct seen { int ok, bad; char first_bad_raw[64]; char bad_field[64]; };

static int
on_event(void *arg, size_t i, enum quake_err err, const struct quake_event *ev,
    const struct quake_fail *f, const char *raw)
{
	struct seen *s = arg;

	if (err == QUAKE_OK)
		s->ok++;
	else {
		s->bad++;
		snprintf(s->first_bad_raw, sizeof s->first_bad_raw, "%s", raw ? raw : "(null)");
		snprintf(s->bad_field, sizeof s->bad_field, "%s", f->field);
	}
	return 0;
}

static void
documents(void)
{
	const char *page = "{\"type\":\"FeatureCollection\",\"features\":["
	    "{\"type\":\"Feature\",\"id\":\"a\",\"properties\":{\"unid\":\"a\"}},"
	    "{\"type\":\"Feature\",\"id\":\"b\",\"properties\":{\"unid\":\"b\",\"lat\":1}}]}";
	struct seen s = { 0 };
	struct quake_fail f;
	size_t n;

	CHECK(quake_event_parse_doc(page, strlen(page), on_event, &s, &n, &f) ==
	    QUAKE_OK && n == 2 && s.bad == 2, "page with two bad features");
	CHECK_STR(s.bad_field, "time", "bad feature names its field");
	CHECK(strncmp(s.first_bad_raw, "{\"type\":\"Feature\",\"id\":\"b\"", 26) == 0,
	    "bad feature's compact text is handed over (%s)", s.first_bad_raw);
	const char *empty = "{\"type\":\"FeatureCollection\",\"features\":[]}";
	memset(&s, 0, sizeof s);
	CHECK(quake_event_parse_doc(empty, strlen(empty), on_event, &s, &n, &f) ==
	    QUAKE_OK && n == 0 && s.ok == 0, "empty page");
	const char *odd = "{\"type\":\"FeatureCollection\"}";
	CHECK(quake_event_parse_doc(odd, strlen(odd), on_event, &s, &n, &f) ==
	    QUAKE_EINPUT, "collection without features is rejected");
}

/* The reference: jansson parses, then the same rules are applied. */
static int
ref_accepts(const char *buf, size_t len, char *out)
{
	static const char *const keys[] = { "id", "action", "time",
	    "lastupdate", "lat", "lon", "depth", "mag", "magtype", "region",
	    "evtype", "auth", "source_catalog", "source_id" };
	static const size_t caps[] = { 64, 0, 0, 0, 0, 0, 0, 0, 32, 128, 32,
	    64, 64, 64 };
	json_error_t je;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je), *v;
	struct quake_event ev;
	struct quake_fail f;
	int ok = 0;

	memset(&ev, 0, sizeof ev);
	if (root == NULL || !json_is_object(root) || json_object_size(root) != 14)
		goto out;
	for (size_t k = 0; k < 14; k++) {
		if ((v = json_object_get(root, keys[k])) == NULL)
			goto out;
		if (k >= 4 && k <= 7) {
			if (!json_is_number(v))
				goto out;
			double d = json_number_value(v);
			*(k == 4 ? &ev.lat : k == 5 ? &ev.lon : k == 6 ? &ev.depth : &ev.mag) = d;
			continue;
		}
		if (!json_is_string(v))
			goto out;
		const char *sv = json_string_value(v);
		size_t sl = json_string_length(v);
		if (k == 1) {
			if (strcmp(sv, "create") && strcmp(sv, "update"))
				goto out;
			ev.action = sv[0] == 'c' ? QUAKE_ACTION_CREATE : QUAKE_ACTION_UPDATE;
		} else if (k == 2 || k == 3) {
			if (quake_time_parse(sv, sl, k == 2 ? &ev.time : &ev.lastupdate, &f))
				goto out;
		} else {
			char *dst = k == 0 ? ev.id : k == 8 ? ev.magtype : k == 9 ?
			    ev.region : k == 10 ? ev.evtype : k == 11 ? ev.auth :
			    k == 12 ? ev.source_catalog : ev.source_id;
			if (sl >= caps[k])
				goto out;
			memcpy(dst, sv, sl + 1);
		}
	}
	ok = quake_event_validate(&ev, &f) == QUAKE_OK &&
	    quake_event_format(&ev, out, QUAKE_EVENT_LINE_MAX + 1) > 0;
out:
	json_decref(root);
	return ok;
}

/* Random mutations of valid lines: the parser accepts exactly what the
 * jansson reference accepts, and reads the same values. */
static void
differential(void)
{
	static const char alphabet[] = "\"\\{}[]:,.-+eE0123456789 \tuU/ntrfab\x01\x7f\xc3\xa9\xff\xed\xa0\x80";
	const char *seeds[] = { LINE, edit("NEW GUINEA", "N\\u00e9W \\\"G\\\\ \\ud83d\\ude00"),
	    edit("\"lat\":-4.027", "\"lat\" : -4.027e0 "), edit("\"depth\":10.0", "\"depth\":1E1") };
	char buf[1024], a[QUAKE_EVENT_LINE_MAX + 1], b[QUAKE_EVENT_LINE_MAX + 1];
	struct quake_event ev;
	struct quake_fail f;
	long agree = 0, accepted = 0, n = 200000, canonical = 0, canon_wrong = 0;
	char first_bad[600] = "", first_canon[2400] = "";

	srand(11);
	for (long i = 0; i < n; i++) {
		const char *seed = seeds[i % NELEM(seeds)];
		size_t len = strlen(seed);
		memcpy(buf, seed, len);
		for (int m = 0, nm = 1 + rand() % 3; m < nm; m++) {
			size_t at = (size_t)rand() % len;
			char c = alphabet[(size_t)rand() % (sizeof alphabet - 1)];
			switch (rand() % 4) {
			case 3: {
				/* insert a whole token that probes one rule */
				static const char *const toks[] = { "\xed\xa0\x80",
				    "\xc0\x80", "\xe0\x80\xaf", "\xf4\x90\x80\x80",
				    "\xf0\x9f\x98\x80", "\xc3", "\\ud800", "\\udc00",
				    "\\ud83d\\ude00", "\\u0000", "\\u00e9", "\\x", "1e999",
				    "-0", "1E-400", "NaN", "true", "null", "01", "1.", ".5",
				    "123456789012345678901234", "0.1234567890123456789" };
				const char *t = toks[(size_t)rand() % NELEM(toks)];
				size_t tl = strlen(t);
				if (len + tl < sizeof buf) {
					memmove(buf + at + tl, buf + at, len - at);
					memcpy(buf + at, t, tl);
					len += tl;
				}
				break;
			}
			case 0: buf[at] = c; break;
			case 1: memmove(buf + at, buf + at + 1, len - at - 1); len--; break;
			default:
				if (len + 1 < sizeof buf) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = c;
					len++;
				}
			}
		}
		int ra = ref_accepts(buf, len, a), canon = 0;
		int na = quake_event_parse_line_canon(buf, len, &ev, &canon, &f) == QUAKE_OK &&
		    quake_event_format(&ev, b, sizeof b) > 0;
		/* "canonical" claims: the bytes are what format writes */
		if (na && canon) {
			canonical++;
			if (strlen(b) != len || memcmp(b, buf, len) != 0) {
				if (first_canon[0] == '\0')
					snprintf(first_canon, sizeof first_canon,
					    "[%.*s] formats as [%.1000s]", (int)len, buf, b);
				canon_wrong++;
			}
		}
		if (ra == na && (!ra || strcmp(a, b) == 0))
			agree++;
		else if (first_bad[0] == '\0')
			snprintf(first_bad, sizeof first_bad, "ref=%d new=%d [%.*s]",
			    ra, na, (int)len, buf);
		accepted += ra;
	}
	CHECK(agree == n, "differential vs jansson: %ld/%ld agree (%ld accepted) %s",
	    agree, n, accepted, first_bad);
	CHECK(accepted > 1000 && accepted < n - 1000,
	    "differential mutations both accept and reject (%ld accepted)", accepted);
	CHECK(canon_wrong == 0 && canonical > 1000,
	    "differential: every line called canonical formats to itself (%ld called, %ld wrong) %s",
	    canonical, canon_wrong, first_canon);
}

/* Lines that read fine but are not written so by quake_event_format. */
static void
canonical(void)
{
	const char *odd[] = {
		edit("\"lat\":-4.027", "\"lat\": -4.027"),
		edit("}", "} "),
		edit("\"depth\":10.0", "\"depth\":10"),
		edit("\"depth\":10.0", "\"depth\":10.00"),
		edit("\"depth\":10.0", "\"depth\":1e1"),
		edit("\"depth\":10.0", "\"depth\":-0.0"),
		edit("\"mag\":4.6", "\"mag\":4.60"),
		edit("\"lat\":-4.027", "\"lat\":-4.0270000000"),
		edit("2024-03-30T04:09:58.597000Z", "2024-03-30T04:09:58.597Z"),
		edit("\"id\":", "\"\\u0069d\":"),
		edit("NEIC", "NE\\u0049C"),
		edit("NEIC", "NE\\/C"),
		edit("NEIC", "NE\\u001FC"),
		edit("NEIC", "NE\\nC"),
		edit("\"source_id\":\"1643105\"", "\"source_id\":\"1643105\",\"id\":\"x\"") ,
	};
	struct quake_event ev;
	struct quake_fail f;
	int canon = -1;

	CHECK(quake_event_parse_line_canon(LINE, strlen(LINE), &ev, &canon, &f) ==
	    QUAKE_OK && canon == 1, "canonical: the reference line is");
	/* escapes as quake_event_format writes them are canonical */
	const char *esc[] = {
		edit("NEW GUINEA", "NEW \\\"GUINEA\\\\"),
	};
	for (size_t i = 0; i < NELEM(esc); i++) {
		char out[QUAKE_EVENT_LINE_MAX + 1];
		canon = -1;
		CHECK(quake_event_parse_line_canon(esc[i], strlen(esc[i]), &ev, &canon,
		    &f) == QUAKE_OK && canon == 1 && quake_event_format(&ev, out,
		    sizeof out) == strlen(esc[i]) && strcmp(out, esc[i]) == 0,
		    "canonical: escaped line %zu is, and formats to itself", i);
	}
	for (size_t i = 0; i < NELEM(odd); i++) {
		canon = -1;
		enum quake_err err = quake_event_parse_line_canon(odd[i],
		    strlen(odd[i]), &ev, &canon, &f);
		CHECK(err != QUAKE_OK || canon == 0, "canonical: odd line %zu is not", i);
	}
}

int
main(void)
{
	lines();
	limits();
	escaping();
	documents();
	canonical();
	differential();
	while (nedits > 0)
		free(edits[--nedits]);
	return unit_failed;
}
