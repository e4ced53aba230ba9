/* unit_alert — the when-to-alert contract on a sequence of revisions, notice
 * ids, bodies, ntfy headers and Standard Webhooks signatures (the vector of
 * the standardwebhooks libraries' own tests). */
#include <math.h>

#include "alert/alert.h"
#include "unit.h"

#define S 1000000LL

struct step {
	int64_t lu;
	double mag;
	int in_region;
	enum quake_alert_kind want, want_down;	/* without / with downgrade */
};

/* One event's revisions in arrival order, threshold 4.5: bands 4.5, 5.0,
 * 5.5, ... ; stale ones (older lastupdate) arrive late; the event leaves the
 * rule (below the threshold, or relocated out of the region) and comes back. */
static const struct step seq[] = {
	{ 100, 4.3, 1, QUAKE_ALERT_NONE, QUAKE_ALERT_NONE },		/* below: nothing */
	{ 110, 4.6, 1, QUAKE_ALERT_NEW, QUAKE_ALERT_NEW },		/* band 0 */
	{ 110, 4.6, 1, QUAKE_ALERT_NONE, QUAKE_ALERT_NONE },		/* the same revision again */
	{ 120, 4.9, 1, QUAKE_ALERT_NONE, QUAKE_ALERT_NONE },		/* still band 0 */
	{ 130, 5.0, 1, QUAKE_ALERT_UPGRADED, QUAKE_ALERT_UPGRADED },	/* band 1 */
	{ 125, 6.5, 1, QUAKE_ALERT_NONE, QUAKE_ALERT_NONE },		/* stale, however big */
	{ 140, 4.8, 1, QUAKE_ALERT_NONE, QUAKE_ALERT_NONE },		/* lower: never */
	{ 150, 5.2, 1, QUAKE_ALERT_NONE, QUAKE_ALERT_NONE },		/* band 1 again: already told */
	{ 160, 6.1, 1, QUAKE_ALERT_UPGRADED, QUAKE_ALERT_UPGRADED },	/* band 3 (skips 2) */
	{ 170, 4.4, 1, QUAKE_ALERT_NONE, QUAKE_ALERT_CANCELLED },	/* below the threshold */
	{ 180, 4.2, 1, QUAKE_ALERT_NONE, QUAKE_ALERT_NONE },		/* still below: once */
	{ 190, 5.6, 1, QUAKE_ALERT_NONE, QUAKE_ALERT_NEW },		/* back: new, band 2 */
	{ 200, 5.6, 0, QUAKE_ALERT_NONE, QUAKE_ALERT_CANCELLED },	/* relocated out */
	{ 195, 5.6, 1, QUAKE_ALERT_NONE, QUAKE_ALERT_NONE },		/* stale */
	{ 210, 6.6, 1, QUAKE_ALERT_UPGRADED, QUAKE_ALERT_NEW },		/* band 4 */
};

int
main(void)
{
	static const struct { double mag, thr; int band; } bands[] = {
		{ 4.5, 4.5, 0 }, { 4.99, 4.5, 0 }, { 5.0, 4.5, 1 }, { 5.5, 4.5, 2 },
		{ 4.49, 4.5, -1 }, { 6.3, 5.8, 1 }, { 0.3, 0.1, 0 }, { 2.0, -1.0, 6 },
	};
	for (size_t i = 0; i < NELEM(bands); i++)
		CHECK(quake_alert_band(bands[i].mag, bands[i].thr) == bands[i].band,
		    "band of M%.2f over %.1f is %d", bands[i].mag, bands[i].thr, bands[i].band);

	char ids[2][NELEM(seq)][QUAKE_ALERT_ID_LEN + 1];
	for (int down = 0; down < 2; down++) {
		struct quake_alert_mark m = { 0 }, next;
		for (size_t i = 0; i < NELEM(seq); i++) {
			enum quake_alert_kind k = quake_alert_decide(&m, seq[i].in_region,
			    seq[i].mag, 4.5, seq[i].lu * S, 7 * S, down, &next);
			enum quake_alert_kind want = down ? seq[i].want_down : seq[i].want;
			CHECK(k == want, "%s step %zu (lu %lld M%.1f): %s, want %s",
			    down ? "downgrade" : "upgrade", i, (long long)seq[i].lu, seq[i].mag,
			    quake_alert_kind_str(k), quake_alert_kind_str(want));
			quake_alert_id("tokyo", "20240101_0000001", k, &next, ids[down][i]);
			if (k == QUAKE_ALERT_NONE)
				ids[down][i][0] = '\0';
			m = next;
		}
	}
	/* every notice of a run has its own id; the same decision the same id */
	int dup = 0;
	for (int d = 0; d < 2; d++)
		for (size_t i = 0; i < NELEM(seq); i++)
			for (size_t j = i + 1; j < NELEM(seq); j++)
				dup |= ids[d][i][0] && strcmp(ids[d][i], ids[d][j]) == 0;
	CHECK(!dup, "notice ids are distinct within a run");
	CHECK(strcmp(ids[0][1], ids[1][1]) == 0 && strlen(ids[0][1]) == QUAKE_ALERT_ID_LEN &&
	    strncmp(ids[0][1], "msg_", 4) == 0, "the first notice has one id, msg_ + 32 hex");
	{
		struct quake_alert_mark a = { 1, 2, 0, 0, 0, 0 }, b = a;
		char x[QUAKE_ALERT_ID_LEN + 1], y[QUAKE_ALERT_ID_LEN + 1];
		quake_alert_id("r1", "e", QUAKE_ALERT_UPGRADED, &a, x);
		quake_alert_id("r2", "e", QUAKE_ALERT_UPGRADED, &b, y);
		CHECK(strcmp(x, y) != 0, "ids differ between rules");
		quake_alert_id("r1", "f", QUAKE_ALERT_UPGRADED, &b, y);
		CHECK(strcmp(x, y) != 0, "ids differ between events");
		b.band = 3;
		quake_alert_id("r1", "e", QUAKE_ALERT_UPGRADED, &b, y);
		CHECK(strcmp(x, y) != 0, "ids differ between bands");
	}

	/* Standard Webhooks' own test vector */
	unsigned char key[64];
	size_t klen;
	struct quake_fail f;
	char sig[QUAKE_ALERT_SIG_LEN + 1];
	const char *sec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	CHECK(quake_alert_secret_parse(sec, strlen(sec), key, &klen, &f) == QUAKE_OK &&
	    klen == 24, "whsec_ secret decoded (24 bytes)");
	quake_alert_sign(key, klen, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
	    "{\"test\": 2432232314}", 20, sig);
	CHECK_STR(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "signature vector");
	static const char *const badsec[] = { "", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	    "whsec_", "whsec_abc", "whsec_ab$d", "whsec_AAAA" };
	for (size_t i = 0; i < NELEM(badsec); i++)
		CHECK(quake_alert_secret_parse(badsec[i], strlen(badsec[i]), key, &klen, &f) ==
		    QUAKE_EINPUT && strcmp(f.field, "secret") == 0, "bad secret %zu refused", i);

	struct quake_event ev = { .id = "20240330_0000303", .action = QUAKE_ACTION_UPDATE,
	    .time = 1711771798597000LL, .lastupdate = 1712374104385933LL, .lat = -4.027,
	    .lon = 143.2849, .depth = 10.0, .mag = 6.2, .magtype = "mb",
	    .region = "NEW GUINEA, PAPUA NEW GUINEA", .evtype = "ke", .auth = "NEIC",
	    .source_catalog = "EMSC-RTS", .source_id = "1643105" };
	char body[QUAKE_ALERT_BODY_MAX];
	size_t n = quake_alert_body(&ev, "png", QUAKE_ALERT_UPGRADED, 3, 4.5, 123.456, NULL, body, sizeof body);
	CHECK_STR(n ? body : "", "{\"type\":\"earthquake.upgraded\",\"id\":\"20240330_0000303\","
	    "\"rule\":\"png\",\"kind\":\"upgraded\",\"band\":3,\"threshold\":4.5,"
	    "\"distance_km\":123.5,\"url\":\"https://www.seismicportal.eu/eventdetails.html?unid=20240330_0000303\","
	    "\"event\":{\"id\":\"20240330_0000303\",\"action\":\"update\",\"time\":\"2024-03-30T04:09:58.597000Z\","
	    "\"lastupdate\":\"2024-04-06T03:28:24.385933Z\",\"lat\":-4.027,\"lon\":143.2849,\"depth\":10.0,"
	    "\"mag\":6.2,\"magtype\":\"mb\",\"region\":\"NEW GUINEA, PAPUA NEW GUINEA\",\"evtype\":\"ke\","
	    "\"auth\":\"NEIC\",\"source_catalog\":\"EMSC-RTS\",\"source_id\":\"1643105\"}}", "webhook body");
	CHECK(quake_alert_body(&ev, "png", QUAKE_ALERT_NEW, 0, 4.5, -1, NULL, body, sizeof body) > 0 &&
	    strstr(body, "distance_km") == NULL, "no distance without a point");
	CHECK(quake_alert_body(&ev, "png", QUAKE_ALERT_NEW, 0, 4.5, -1, NULL, body, 100) == 0,
	    "body too long for the buffer: 0");

	{
		struct quake_alert_ctx ctx = { "23 km SSE of Madang, Papua New Guinea",
		    "2024-03-30 14:09:58 Pacific/Port_Moresby (UTC+10:00)",
		    "https://quake.example/#sel=20240330_0000303&c=-4.027,143.285,8" };
		CHECK(quake_alert_body(&ev, "png", QUAKE_ALERT_NEW, 0, 4.5, -1, &ctx, body, sizeof body) > 0 &&
		    strstr(body, "\"threshold\":4.5,\"place\":\"23 km SSE of Madang, Papua New Guinea\","
		    "\"local_time\":\"2024-03-30 14:09:58 Pacific/Port_Moresby (UTC+10:00)\",\"url\":") != NULL &&
		    strstr(body, "\"map_url\":\"https://quake.example/#sel=20240330_0000303&c=-4.027,143.285,8\","
		    "\"event\":") != NULL, "webhook body: place, local time, map link (%.150s)", body);
		struct quake_alert_ntfy nc;
		quake_alert_ntfy(&ev, QUAKE_ALERT_NEW, -1, 0, &ctx, &nc);
		CHECK_STR(nc.title, "M6.2 23 km SSE of Madang, Papua New Guinea", "ntfy title: the place");
		CHECK_STR(nc.click, ctx.link, "ntfy click: the map");
		CHECK_STR(nc.message, "Earthquake M6.2 mb, depth 10 km, 2024-03-30 14:09:58 "
		    "Pacific/Port_Moresby (UTC+10:00), 2024-03-30 04:09:58 UTC - 23 km SSE of Madang, "
		    "Papua New Guinea", "ntfy message: local time beside UTC, the place");
		quake_alert_ntfy(&ev, QUAKE_ALERT_TEST, -1, 0, &ctx, &nc);
		CHECK(strncmp(nc.title, "TEST: ", 6) == 0 && strncmp(nc.message, "Test notice", 11) == 0 &&
		    strcmp(nc.priority, "2") == 0, "a test notice says so (%.100s / %.100s)", nc.title, nc.message);
	}
	struct quake_alert_ntfy nt;
	quake_alert_ntfy(&ev, QUAKE_ALERT_NEW, 12.3, 0, NULL, &nt);
	CHECK_STR(nt.title, "M6.2 NEW GUINEA, PAPUA NEW GUINEA", "ntfy title");
	CHECK_STR(nt.priority, "4", "ntfy priority by magnitude (6.2: high)");
	CHECK_STR(nt.click, "https://www.seismicportal.eu/eventdetails.html?unid=20240330_0000303", "ntfy click");
	CHECK_STR(nt.message, "Earthquake M6.2 mb, depth 10 km, 2024-03-30 04:09:58 UTC, 12 km away", "ntfy message");
	ev.mag = 7.4;
	snprintf(ev.region, sizeof ev.region, "caf\xc3\xa9\r\nX: y");
	quake_alert_ntfy(&ev, QUAKE_ALERT_CANCELLED, -1, 0, NULL, &nt);
	CHECK(strpbrk(nt.title, "\r\n") == NULL && strcmp(nt.title, "Cancelled: M7.4 caf\xc3\xa9??X: y") == 0,
	    "ntfy title: no control characters, UTF-8 kept (%.100s)", nt.title);
	CHECK_STR(nt.priority, "2", "ntfy cancellation: low priority");
	quake_alert_ntfy(&ev, QUAKE_ALERT_NEW, -1, 0, NULL, &nt);
	CHECK_STR(nt.priority, "5", "ntfy priority M7.4: urgent");
	quake_alert_ntfy(&ev, QUAKE_ALERT_NEW, -1, 1, NULL, &nt);
	CHECK_STR(nt.priority, "1", "ntfy priority fixed by the rule");
	return unit_failed;
}
