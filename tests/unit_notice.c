/* unit_notice — what a notice says: local time beside UTC, the map's
 * permalink, RFC 2047 subjects, the email text and the whole message
 * (headers, CRLF, a Message-ID from the notice id). */
#include <stdlib.h>

#include "alert/notice.h"
#include "core/time.h"
#include "unit.h"

int
main(void)
{
	char out[QUAKE_NOTICE_MAIL_MAX];
	const int64_t t = 1719835200000000LL;	/* 2024-07-01T12:00:00Z, a Monday */

	static const struct { long off; const char *zone, *want; } lt[] = {
		{ 3600, "Europe/Lisbon", "2024-07-01 13:00:00 Europe/Lisbon (UTC+01:00)" },
		{ 0, NULL, "2024-07-01 12:00:00 UTC (UTC+00:00)" },
		{ -34200, "Pacific/Marquesas", "2024-07-01 02:30:00 Pacific/Marquesas (UTC-09:30)" },
		{ 46800, "Pacific/Tongatapu", "2024-07-02 01:00:00 Pacific/Tongatapu (UTC+13:00)" },
	};
	for (size_t i = 0; i < NELEM(lt); i++)
		CHECK(quake_notice_local_time(t, lt[i].zone, lt[i].off, out, sizeof out) > 0 &&
		    strcmp(out, lt[i].want) == 0, "local time %s (%.80s)", lt[i].want, out);
	CHECK(quake_notice_local_time(t, "Europe/Lisbon", 3600, out, 10) == 0, "local time: too small a buffer");

	static const struct { const char *base, *id; double lat, lon; const char *want; } ml[] = {
		{ "https://quake.example/", "20240330_0000303", -4.0274, 143.28491,
		  "https://quake.example/#sel=20240330_0000303&c=-4.027,143.285,8" },
		{ "http://127.0.0.1:8080", "a b/c&d", 0, 0, "http://127.0.0.1:8080#sel=a%20b%2Fc%26d&c=0.000,0.000,8" },
	};
	for (size_t i = 0; i < NELEM(ml); i++)
		CHECK(quake_notice_map_link(ml[i].base, ml[i].id, ml[i].lat, ml[i].lon, out, sizeof out) > 0 &&
		    strcmp(out, ml[i].want) == 0, "map link %s (%.80s)", ml[i].want, out);
	CHECK(quake_notice_map_link("", "x", 0, 0, out, sizeof out) == 0 &&
	    quake_notice_map_link(NULL, "x", 0, 0, out, sizeof out) == 0, "no map URL: no link");

	static const struct { const char *in, *want; } hw[] = {
		{ "M5.1 74 km SSW of Lisbon, Portugal", "M5.1 74 km SSW of Lisbon, Portugal" },
		{ "M4.6 3 km N of S\xc3\xa3o Paulo", "=?UTF-8?B?TTQuNiAzIGttIE4gb2YgU8OjbyBQYXVsbw==?=" },
		{ "Caf\xc3\xa9\r\n", "=?UTF-8?B?Q2Fmw6k=?=" },
	};
	for (size_t i = 0; i < NELEM(hw); i++)
		CHECK(quake_notice_header_word(hw[i].in, out, sizeof out) > 0 && strcmp(out, hw[i].want) == 0,
		    "header word %zu (%.100s)", i, out);
	{
		/* 30 two-byte letters: split in words of at most 45 bytes,
		 * never inside a letter */
		char in[61];
		for (int i = 0; i < 30; i++)
			in[2 * i] = (char)0xc3, in[2 * i + 1] = (char)0xa9;
		in[60] = '\0';
		CHECK(quake_notice_header_word(in, out, sizeof out) > 0 &&
		    strstr(out, "?= =?UTF-8?B?") != NULL && strlen(out) < 120,
		    "a long subject: two encoded words (%.150s)", out);
	}

	struct quake_event ev = { .id = "20240701_0000001", .time = t, .lat = 38.1, .lon = -9.5,
	    .depth = 12, .mag = 5.1, .magtype = "mw", .region = "PORTUGAL" };
	struct quake_alert_ctx ctx = { "74 km SSW of Lisbon, Portugal",
	    "2024-07-01 13:00:00 Europe/Lisbon (UTC+01:00)",
	    "https://quake.example/#sel=20240701_0000001&c=38.100,-9.500,8" };
	char text[4096];
	CHECK(quake_notice_text(&ev, QUAKE_ALERT_NEW, "lisbon", 80.4, &ctx, text, sizeof text) > 0 &&
	    strstr(text, "Where:      74 km SSW of Lisbon, Portugal (80 km from the centre of your area)\n") &&
	    strstr(text, "Local time: 2024-07-01 13:00:00 Europe/Lisbon (UTC+01:00)\n") &&
	    strstr(text, "Time (UTC): 2024-07-01 12:00:00 UTC\n") &&
	    strstr(text, "Map:        https://quake.example/#sel=20240701_0000001") &&
	    strstr(text, "EMSC:       https://www.seismicportal.eu/eventdetails.html?unid=20240701_0000001\n") &&
	    strstr(text, "rule \"lisbon\""), "email text: place, local time, UTC, map, EMSC, rule");
	CHECK(quake_notice_text(&ev, QUAKE_ALERT_TEST, "lisbon", -1, NULL, text, sizeof text) > 0 &&
	    strncmp(text, "TEST NOTICE", 11) == 0 && strstr(text, "Local time") == NULL &&
	    strstr(text, "Map:") == NULL, "test text: marked, no local time or map without them");

	static const char to[2][256] = { "a@example.org", "b@example.org" };
	size_t n = quake_notice_mail("quake@example.org", to, 2, "M5.1 74 km SSW of Lisbon, Portugal",
	    "line one\nline two\n", "msg_0123", t, out, sizeof out);
	static const char head[] = "From: quake@example.org\r\nTo: a@example.org, b@example.org\r\n"
	    "Subject: M5.1 74 km SSW of Lisbon, Portugal\r\nDate: Mon, 01 Jul 2024 12:00:00 +0000\r\n"
	    "Message-ID: <msg_0123@example.org>\r\n";
	CHECK(n > 0 && strncmp(out, head, strlen(head)) == 0, "mail headers");
	CHECK(n > 0 && strstr(out, "Content-Type: text/plain; charset=utf-8\r\n") &&
	    strstr(out, "\r\n\r\nline one\r\nline two\r\n") && out[n] == '\0' && strlen(out) == n,
	    "mail: MIME, blank line, body in CRLF");
	int bare = 0;
	for (size_t i = 0; i < n; i++)
		bare |= out[i] == '\n' && (i == 0 || out[i - 1] != '\r');
	CHECK(!bare, "mail: no bare LF");
	CHECK(quake_notice_mail("quake@example.org", to, 1, "x", "y", "msg_1", t, out, 100) == 0,
	    "mail too long for the buffer: 0");
	CHECK(quake_notice_mail("nobody", to, 1, "x", "y", "msg_1", t, out, sizeof out) == 0,
	    "a From without a domain: 0");
	return unit_failed;
}
