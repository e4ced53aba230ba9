/* time — ISO-8601 UTC parse and format, by hand (no locale, no TZ, no libc
 * time conversion), using the days-from-civil algorithm of H. Hinnant. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/time.h"

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int
digits(const char *s, int n, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static unsigned
days_in_month(unsigned y, unsigned m)
{
	static const unsigned char dim[] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dim[m - 1];
}

static unsigned
d2(const char *p)
{
	return (unsigned)(p[0] - '0') * 10 + (unsigned)(p[1] - '0');
}

/* Whether s is laid out as quake_time_format writes it (the form of nearly
 * every time read), "0000-00-00T00:00:00.000000Z" with digits for the 0s:
 * 8 bytes at a time, little-endian words; for each, the separators it
 * must hold and a mask of its digit bytes. */
static int
canonical_layout(const char *s)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	(void)s;
	return 0;	/* the general path */
#else
	static const uint64_t sep[3] = { 0x2d00002d00000000, 0x00003a0000540000,
	    0x000000002e00003a };
	static const uint64_t dig[3] = { 0x00ffff00ffffffff, 0xffff00ffff00ffff,
	    0xffffffff00ffff00 };
	const uint64_t hi = 0xf0f0f0f0f0f0f0f0, zero = 0x3030303030303030,
	    six = 0x0606060606060606;
	uint64_t bad = 0;

	for (int i = 0; i < 3; i++) {
		uint64_t w;
		memcpy(&w, s + 8 * i, 8);
		bad |= (w & ~dig[i]) ^ sep[i];
		bad |= (w & dig[i] & hi) ^ (zero & dig[i]);
		bad |= (((w & dig[i]) + (six & dig[i])) & hi & dig[i]) ^
		    (zero & dig[i]);
	}
	return !bad && (unsigned)(s[24] - '0') <= 9 &&
	    (unsigned)(s[25] - '0') <= 9 && s[26] == 'Z';
#endif
}

enum quake_err
quake_time_parse(const char *s, size_t len, int64_t *us, struct quake_fail *f)
{
	unsigned y, mo, d, h, mi, se, frac = 0;
	size_t i;
	int nfrac = 0;

	if (len == QUAKE_TIME_LEN && canonical_layout(s)) {
		y = d2(s) * 100 + d2(s + 2);
		mo = d2(s + 5);
		d = d2(s + 8);
		h = d2(s + 11);
		mi = d2(s + 14);
		se = d2(s + 17);
		frac = d2(s + 20) * 10000 + d2(s + 22) * 100 + d2(s + 24);
		goto check;
	}
	if (len < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':')
		return quake_err_fail(f, "", "not an ISO-8601 UTC time");
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
	    digits(s + 17, 2, &se))
		return quake_err_fail(f, "", "not an ISO-8601 UTC time");
	i = 19;
	if (s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, nfrac++)
			if (nfrac < 6)
				frac = frac * 10 + (unsigned)(s[i] - '0');
		if (nfrac < 1 || nfrac > 9)
			return quake_err_fail(f, "",
			    "fraction must have 1 to 9 digits");
		for (int k = nfrac; k < 6; k++)
			frac *= 10;
	}
	if (i >= len || s[i] != 'Z')
		return quake_err_fail(f, "", "must be UTC, ending in Z");
	if (i + 1 != len)
		return quake_err_fail(f, "", "trailing characters after Z");
check:
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return quake_err_fail(f, "", "no such date");
	if (h > 23 || mi > 59 || se > 59)
		return quake_err_fail(f, "", "no such time of day");
	*us = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se) *
	    1000000) + frac;
	return QUAKE_OK;
}

static void
put(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

enum quake_err
quake_time_format(int64_t us, char *out)
{
	int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	int64_t frac = us - secs * 1000000;
	int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	int64_t sod = secs - days * 86400, y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return QUAKE_EINPUT;
	put(out, (unsigned)y, 4);
	out[4] = '-';
	put(out + 5, m, 2);
	out[7] = '-';
	put(out + 8, d, 2);
	out[10] = 'T';
	put(out + 11, (unsigned)(sod / 3600), 2);
	out[13] = ':';
	put(out + 14, (unsigned)(sod / 60 % 60), 2);
	out[16] = ':';
	put(out + 17, (unsigned)(sod % 60), 2);
	out[19] = '.';
	put(out + 20, (unsigned)frac, 6);
	out[26] = 'Z';
	out[27] = '\0';
	return QUAKE_OK;
}

enum quake_err
quake_time_parse_duration(const char *s, int64_t *us, struct quake_fail *f)
{
	char *end;
	long long v;
	int64_t mult = 1;

	if (s == NULL || *s < '0' || *s > '9')
		return quake_err_fail(f, "", "not a duration (e.g. 90s, 15m, 6h, 2d)");
	v = strtoll(s, &end, 10);
	switch (*end) {
	case '\0':
	case 's': mult = 1; break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	default:
		return quake_err_fail(f, "", "not a duration (e.g. 90s, 15m, 6h, 2d)");
	}
	if (*end != '\0' && end[1] != '\0')
		return quake_err_fail(f, "", "not a duration (e.g. 90s, 15m, 6h, 2d)");
	if (v < 0 || v > 100LL * 365 * 86400 / mult)
		return quake_err_fail(f, "", "duration out of range");
	*us = (int64_t)v * mult * 1000000;
	return QUAKE_OK;
}

int64_t
quake_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
quake_time_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
