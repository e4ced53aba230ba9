/* unit_qtime — ISO-8601 UTC parse and format, durations. */
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "unit.h"

int
main(void)
{
	static const struct {
		const char *in, *want;	/* want: normalized, or the reason */
	} cases[] = {
		{ "2024-03-30T04:09:58.597Z", "2024-03-30T04:09:58.597000Z" },
		{ "2024-04-06T03:28:24.385933Z", "2024-04-06T03:28:24.385933Z" },
		{ "2020-12-30T08:47:00.0Z", "2020-12-30T08:47:00.000000Z" },
		{ "2020-12-30T08:47:00Z", "2020-12-30T08:47:00.000000Z" },
		{ "2020-12-30T08:47:00.123456789Z", "2020-12-30T08:47:00.123456Z" },
		{ "2020-12-30T08:47:00.999999999Z", "2020-12-30T08:47:00.999999Z" },
		{ "1970-01-01T00:00:00.0Z", "1970-01-01T00:00:00.000000Z" },
		{ "1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500000Z" },
		{ "2000-02-29T12:00:00Z", "2000-02-29T12:00:00.000000Z" },
		{ "2024-02-29T23:59:59.9Z", "2024-02-29T23:59:59.900000Z" },
		{ "9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z" },
		{ "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z" },
		{ "1900-02-29T00:00:00Z", "no such date" },
		{ "2023-02-29T00:00:00Z", "no such date" },
		{ "2023-13-01T00:00:00Z", "no such date" },
		{ "2023-04-31T00:00:00Z", "no such date" },
		{ "2023-00-10T00:00:00Z", "no such date" },
		{ "2023-01-01T24:00:00Z", "no such time of day" },
		{ "2023-01-01T23:60:00Z", "no such time of day" },
		{ "2023-01-01T23:59:60Z", "no such time of day" },
		{ "2023-01-01T00:00:00.Z", "fraction must have 1 to 9 digits" },
		{ "2023-01-01T00:00:00.1234567890Z", "fraction must have 1 to 9 digits" },
		{ "2023-01-01T00:00:00", "not an ISO-8601 UTC time" },
		{ "2023-01-01T00:00:00.5", "must be UTC, ending in Z" },
		{ "2023-01-01T00:00:00+00:00", "must be UTC, ending in Z" },
		{ "2023-01-01T00:00:00z", "must be UTC, ending in Z" },
		{ "2023-01-01T00:00:00ZZ", "trailing characters after Z" },
		{ "2023-01-01 00:00:00Z", "not an ISO-8601 UTC time" },
		{ "2023-1-01T00:00:00.0Z", "not an ISO-8601 UTC time" },
		{ "", "not an ISO-8601 UTC time" },
		{ "yesterday", "not an ISO-8601 UTC time" },
		{ "2023-01-01T0a:00:00Z", "not an ISO-8601 UTC time" },
	};
	struct quake_fail f;
	char out[QUAKE_TIME_LEN + 1];
	int64_t us, d;

	for (size_t i = 0; i < NELEM(cases); i++) {
		enum quake_err err = quake_time_parse(cases[i].in,
		    strlen(cases[i].in), &us, &f);
		if (err == QUAKE_OK) {
			quake_time_format(us, out);
			CHECK_STR(out, cases[i].want, "time parse [%s]", cases[i].in);
		} else
			CHECK_STR(f.reason, cases[i].want, "time reject [%s]",
			    cases[i].in);
	}
	CHECK(quake_time_parse("1970-01-01T00:00:01.5Z", 22, &us, &f) ==
	    QUAKE_OK && us == 1500000, "epoch arithmetic");
	/* string order equals time order across a sweep of instants */
	char prev[QUAKE_TIME_LEN + 1] = "";
	int ordered = 1, roundtrip = 1;
	for (int64_t t = -86400LL * 1000000 * 800; t < 86400LL * 1000000 * 40000;
	    t += 86400LL * 1000000 * 37 + 123457) {
		int64_t back;
		quake_time_format(t, out);
		if (strcmp(prev, out) >= 0 && prev[0])
			ordered = 0;
		if (quake_time_parse(out, QUAKE_TIME_LEN, &back, &f) != QUAKE_OK ||
		    back != t)
			roundtrip = 0;
		memcpy(prev, out, sizeof out);
	}
	CHECK(ordered, "formatted times sort like the instants");
	CHECK(roundtrip, "format then parse is the identity");
	CHECK(quake_time_format(-62167219200000001LL, out) == QUAKE_EINPUT,
	    "year before 0000 is refused");

	/* the canonical form has its own path (8 bytes at a time): every byte
	 * of one, set to each of the 256 values, must be judged as the rules
	 * say, and an accepted time must be the one written */
	{
		static const char form[] = "0000-00-00T00:00:00.000000Z";
		static const unsigned char dim[] =
		    { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		char t[QUAKE_TIME_LEN + 1];
		long wrong = 0, accepted = 0;
		char first[64] = "";

		for (int pos = 0; pos < QUAKE_TIME_LEN; pos++)
			for (int c = 0; c < 256; c++) {
				int ok = 1;
				strcpy(t, "2024-02-28T23:59:58.123456Z");
				t[pos] = (char)c;
				for (int i = 0; i < QUAKE_TIME_LEN; i++)
					ok &= form[i] == '0' ? t[i] >= '0' && t[i] <= '9' :
					    t[i] == form[i];
				if (ok) {
					int y = atoi(t), mo = atoi(t + 5), dd = atoi(t + 8);
					int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
					ok = mo >= 1 && mo <= 12 && dd >= 1 &&
					    dd <= dim[mo - 1] - (mo == 2 && !leap) &&
					    atoi(t + 11) <= 23 && atoi(t + 14) <= 59 &&
					    atoi(t + 17) <= 59;
				}
				int got = quake_time_parse(t, QUAKE_TIME_LEN, &us, &f) == QUAKE_OK;
				if (got)
					quake_time_format(us, out);
				if (got != ok || (got && strcmp(out, t) != 0)) {
					if (wrong++ == 0)
						snprintf(first, sizeof first, "byte %d = %d", pos, c);
				}
				accepted += got;
			}
		CHECK(wrong == 0 && accepted > 27 * 3,
		    "canonical form: every byte of it checked (%ld accepted, %ld wrong: %s)",
		    accepted, wrong, first);
	}

	static const struct { const char *in; int64_t s; } durs[] = {
		{ "90s", 90 }, { "15m", 900 }, { "6h", 21600 }, { "2d", 172800 },
		{ "45", 45 }, { "0s", 0 },
	};
	for (size_t i = 0; i < NELEM(durs); i++)
		CHECK(quake_time_parse_duration(durs[i].in, &d, &f) == QUAKE_OK &&
		    d == durs[i].s * 1000000, "duration %s", durs[i].in);
	static const char *bad_durs[] = { "", "h", "-5s", "5x", "5hh", "1.5h" };
	for (size_t i = 0; i < NELEM(bad_durs); i++)
		CHECK(quake_time_parse_duration(bad_durs[i], &d, &f) ==
		    QUAKE_EINPUT, "duration rejects [%s]", bad_durs[i]);
	int64_t m0 = quake_time_mono(), m1 = m0;
	int backwards = 0;
	for (int i = 0; i < 100000; i++) {
		int64_t m = quake_time_mono();
		backwards += m < m1;
		m1 = m;
	}
	CHECK(m0 > 0 && backwards == 0 && m1 >= m0,
	    "the monotonic clock never goes back (%d steps back)", backwards);
	return unit_failed;
}
