/* json — a strict lexer, the object and array walk the line readers share,
 * and a writer of strings and shortest-round-trip numbers. Every line that
 * reaches Kafka or DynamoDB is lexed here, so the hot loops read eight
 * bytes at a time. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

/* ---- reading ---- */

enum quake_err
quake_json_lex_fail(struct quake_json_lex *lx, const char *what)
{
	return quake_err_fail(lx->f, "", "not JSON: %s at byte %td", what,
	    lx->p - lx->start);
}

void
quake_json_lex_ws_skip(struct quake_json_lex *lx)
{
	const char *p = lx->p;

	while (p < lx->end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	if (p != lx->p)
		lx->noncanon = 1;
	lx->p = p;
}

static int
hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
		else return -1;
	}
	*out = v;
	return 0;
}

/* Length of the valid UTF-8 sequence at p (at most end), or 0. */
static int
utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	int n;
	unsigned min, cp;

	if (c < 0xc2 || c > 0xf4)
		return 0;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (end - p < n)
		return 0;
	cp = c & (0x3f >> (n - 1));
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static size_t
put_utf8(char *d, unsigned cp)
{
	if (cp < 0x80) { d[0] = (char)cp; return 1; }
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | cp >> 12);
		d[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | cp >> 18);
	d[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	d[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Bytes that stand for themselves inside a JSON string: printable ASCII
 * but '"' and '\\'. */
#define P8(x) x, x, x, x, x, x, x, x
static const unsigned char plain[256] = {
	P8(0), P8(0), P8(0), P8(0),			/* 0x00-0x1f */
	1, 1, 0, P8(1), 1, 1, 1, 1, 1,			/* 0x20-0x2f, '"' */
	P8(1), P8(1), P8(1), P8(1),			/* 0x30-0x4f */
	P8(1), 1, 1, 1, 1, 0, 1, 1, 1,			/* 0x50-0x5f, '\\' */
	P8(1), P8(1),					/* 0x60-0x6f */
	P8(1), P8(1),					/* 0x70-0x7f */
};
#undef P8

#define ONES 0x0101010101010101ull
/* High bit set in each byte of x that is zero (and maybe in some above a
 * zero byte: only "any" is asked). */
static inline uint64_t
has0(uint64_t x)
{
	return (x - ONES) & ~x & ONES * 0x80;
}

/* The escape at lx->p (on its backslash) as UTF-8 into out[4], its
 * length in *k; lx->p is left on the escape's last two bytes. */
static enum quake_err
lex_escape(struct quake_json_lex *lx, char *out, size_t *k)
{
	unsigned cp;

	/* backslash: canonical only as put_str writes it: \" \\
	 * and \u00xx (lower-case hex) for a control character */
	if (lx->end - lx->p < 2)
		return quake_json_lex_fail(lx, "unterminated string");
	if (lx->p[1] != '"' && lx->p[1] != '\\' && (lx->p[1] != 'u' ||
	    lx->end - lx->p < 6 || lx->p[2] != '0' || lx->p[3] != '0' ||
	    lx->p[4] < '0' || lx->p[4] > '1' || !((lx->p[5] >= '0' &&
	    lx->p[5] <= '9') || (lx->p[5] >= 'a' && lx->p[5] <= 'f'))))
		lx->noncanon = 1;
	switch (lx->p[1]) {
	case '"': case '\\': case '/': out[0] = lx->p[1]; *k = 1; break;
	case 'b': out[0] = '\b'; *k = 1; break;
	case 'f': out[0] = '\f'; *k = 1; break;
	case 'n': out[0] = '\n'; *k = 1; break;
	case 'r': out[0] = '\r'; *k = 1; break;
	case 't': out[0] = '\t'; *k = 1; break;
	case 'u':
		if (lx->end - lx->p < 6 || hex4(lx->p + 2, &cp) != 0)
			return quake_json_lex_fail(lx, "invalid \\u escape");
		if (cp >= 0xd800 && cp <= 0xdbff) {
			unsigned lo;
			if (lx->end - lx->p < 12 || lx->p[6] != '\\' ||
			    lx->p[7] != 'u' || hex4(lx->p + 8, &lo) != 0 ||
			    lo < 0xdc00 || lo > 0xdfff)
				return quake_json_lex_fail(lx, "invalid \\u escape");
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			lx->p += 6;
		} else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0)
			return quake_json_lex_fail(lx, "invalid \\u escape");
		*k = put_utf8(out, cp);
		lx->p += 4;
		break;
	default:
		return quake_json_lex_fail(lx, "invalid escape");
	}
	return QUAKE_OK;
}

/* Append piece[0..k) to dst[0..cap-1) at *w unless the string no longer
 * fits (*full): whole (a character or an escape), or with cut set as much
 * as fits (plain ASCII: any cut is between characters). */
static void
put_piece(char *dst, size_t cap, size_t *w, int *full, const char *piece,
    size_t k, int cut)
{
	size_t room = cap - 1 - *w;

	if (*full)
		return;
	if (k > room) {
		*full = 1;
		if (!cut)
			return;
		k = room;
	}
	memcpy(dst + *w, piece, k);
	*w += k;
}

/* A string at lx->p (on its opening quote) into dst[cap], its length in
 * *len; *toolong is set (and the rest of the string still checked) if it
 * does not fit. What fits is kept, never cut inside a character, and dst
 * is NUL-terminated on every return, errors included. */
enum quake_err
quake_json_lex_string(struct quake_json_lex *lx, char *dst, size_t cap,
    size_t *len, int *toolong)
{
	size_t w = 0;
	char tmp[4];
	int full = 0;
	enum quake_err err = QUAKE_OK;

	*toolong = 0;
	lx->p++;
	for (;;) {
		const char *run = lx->p, *q = run, *end = lx->end;
		size_t k = 0;
		int u;

		/* eight bytes at a time while none is special: '"', '\\',
		 * < 0x20 or >= 0x80 (locals: stores to dst would otherwise
		 * reload lx->p) */
		while (end - q >= 8) {
			uint64_t x, m;
			memcpy(&x, q, 8);
			m = ((((x - ONES * 0x20) & ~x) | x) & ONES * 0x80) |
			    has0(x ^ (ONES * '"')) | has0(x ^ (ONES * '\\'));
			if (m != 0) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				/* a borrow marks only bytes above a special
				 * one: the lowest mark is the first special */
				q += __builtin_ctzll(m) >> 3;
#endif
				break;
			}
			q += 8;
		}
		while (q < end && plain[(unsigned char)*q])
			q++;
		lx->p = q;
		put_piece(dst, cap, &w, &full, run, (size_t)(q - run), 1);
		if (lx->p >= lx->end) {
			err = quake_json_lex_fail(lx, "unterminated string");
			goto out;
		}
		unsigned char c = (unsigned char)*lx->p;
		if (c == '"') {
			lx->p++;
			break;
		}
		if (c < 0x20) {
			err = quake_json_lex_fail(lx, "control character in string");
			goto out;
		}
		if (c >= 0x80) {
			if ((u = utf8_len((const unsigned char *)lx->p,
			    (const unsigned char *)lx->end)) == 0) {
				err = quake_json_lex_fail(lx, "invalid UTF-8");
				goto out;
			}
			put_piece(dst, cap, &w, &full, lx->p, (size_t)u, 0);
			lx->p += u;
			continue;
		}
		if ((err = lex_escape(lx, tmp, &k)) != QUAKE_OK)
			goto out;
		lx->p += 2;
		put_piece(dst, cap, &w, &full, tmp, k, 0);
	}
	*toolong = full;
out:
	dst[w] = '\0';
	*len = w;
	return err;
}

enum quake_err
quake_json_lex_number(struct quake_json_lex *lx, double *out)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	    1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	const char *s = lx->p;
	uint64_t m = 0;
	int digits = 0, frac = 0, neg = 0, exp = 0;
	char buf[64];

	if (*lx->p == '-') {
		neg = 1;
		lx->p++;
	}
	if (lx->p >= lx->end || *lx->p < '0' || *lx->p > '9')
		return quake_json_lex_fail(lx, "invalid number");
	if (*lx->p == '0')
		lx->p++, digits = 1;
	else
		for (; lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9'; lx->p++)
			m = m * 10 + (uint64_t)(*lx->p - '0'), digits++;
	if (lx->p < lx->end && *lx->p == '.') {
		lx->p++;
		if (lx->p >= lx->end || *lx->p < '0' || *lx->p > '9')
			return quake_json_lex_fail(lx, "invalid number");
		for (; lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9'; lx->p++)
			m = m * 10 + (uint64_t)(*lx->p - '0'), digits++, frac++;
	}
	if (lx->p < lx->end && (*lx->p == 'e' || *lx->p == 'E')) {
		exp = 1;
		lx->p++;
		if (lx->p < lx->end && (*lx->p == '+' || *lx->p == '-'))
			lx->p++;
		if (lx->p >= lx->end || *lx->p < '0' || *lx->p > '9')
			return quake_json_lex_fail(lx, "invalid number");
		while (lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9')
			lx->p++;
	}
	/* m and 10^frac are exact, so m / 10^frac is correctly rounded:
	 * the same double strtod gives for the text */
	/* canonical (what quake_json_format_number writes): a fraction of
		 * 1..9 digits, its last not 0 unless it is the only one, no
		 * exponent, not -0 (two decimals of <= 15 digits never name the
		 * same double, so no shorter text reads back the same) */
	if (exp || frac == 0 || frac > 9 || digits > 15 || (neg && m == 0) ||
	    (frac > 1 && lx->p[-1] == '0'))
		lx->noncanon = 1;
	if (!exp && digits <= 15 && frac <= 15) {
		*out = (double)m / pow10[frac];
		if (neg)
			*out = -*out;
		return QUAKE_OK;
	}
	if ((size_t)(lx->p - s) >= sizeof buf)
		return quake_json_lex_fail(lx, "number too long");
	memcpy(buf, s, (size_t)(lx->p - s));
	buf[lx->p - s] = '\0';
	*out = strtod(buf, NULL);
	if (!isfinite(*out))
		return quake_json_lex_fail(lx, "number out of range");
	return QUAKE_OK;
}

/* Skip a true/false/null literal or report what the value is not. */
enum quake_err
quake_json_lex_wrong_type(struct quake_json_lex *lx, const char *key,
    int want_string)
{
	static const char *const lits[] = { "true", "false", "null" };
	char c = *lx->p;

	if (c != '{' && c != '[' && c != '"' && c != '-' && (c < '0' || c > '9')) {
		int ok = 0;
		for (int i = 0; i < 3 && !ok; i++) {
			size_t n = strlen(lits[i]);
			ok = (size_t)(lx->end - lx->p) >= n &&
			    memcmp(lx->p, lits[i], n) == 0;
		}
		if (!ok)
			return quake_json_lex_fail(lx, "invalid value");
	}
	return quake_err_fail(lx->f, key, want_string ? "must be a string" :
	    "must be a number");
}

/* ---- walking objects and arrays ---- */

static enum quake_err
skip_lit(struct quake_json_lex *lx, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(lx->end - lx->p) < n || memcmp(lx->p, lit, n) != 0)
		return quake_json_lex_fail(lx, "unexpected character");
	lx->p += n;
	return QUAKE_OK;
}

enum quake_err
quake_json_skip(struct quake_json_lex *lx, int depth)
{
	char key[8];
	double d;
	size_t len, n = 0;
	int toolong, r;
	enum quake_err err;

	quake_json_lex_ws(lx);
	if (lx->p >= lx->end)
		return quake_json_lex_fail(lx, "unexpected end");
	if (depth > QUAKE_JSON_DEPTH_MAX)
		return quake_json_lex_fail(lx, "nested too deep");
	switch (*lx->p) {
	case '"':
		return quake_json_lex_string(lx, key, sizeof key, &len, &toolong);
	case '{':
		while ((r = quake_json_object_next(lx, &n)) > 0)
			if ((err = quake_json_member_key(lx, key, sizeof key)) ||
			    (err = quake_json_skip(lx, depth + 1)))
				return err;
		return r < 0 ? QUAKE_EINPUT : QUAKE_OK;
	case '[':
		while ((r = quake_json_array_next(lx, &n)) > 0)
			if ((err = quake_json_skip(lx, depth + 1)))
				return err;
		return r < 0 ? QUAKE_EINPUT : QUAKE_OK;
	case 't': return skip_lit(lx, "true");
	case 'f': return skip_lit(lx, "false");
	case 'n': return skip_lit(lx, "null");
	default: return quake_json_lex_number(lx, &d);
	}
}

int
quake_json_walk_next(struct quake_json_lex *lx, size_t *n, char open,
    char close)
{
	quake_json_lex_ws(lx);
	if (*n == 0) {
		if (lx->p >= lx->end || *lx->p != open) {
			quake_json_lex_fail(lx, open == '{' ? "expected an object" :
			    "expected an array");
			return -1;
		}
		lx->p++;
		quake_json_lex_ws(lx);
		if (lx->p < lx->end && *lx->p == close) {
			lx->p++;
			return 0;
		}
	} else if (lx->p < lx->end && *lx->p == ',') {
		lx->p++;
		quake_json_lex_ws(lx);
	} else if (lx->p < lx->end && *lx->p == close) {
		lx->p++;
		return 0;
	} else {
		quake_json_lex_fail(lx, close == '}' ? "expected ',' or '}'" :
		    "expected ',' or ']'");
		return -1;
	}
	(*n)++;
	return 1;
}

enum quake_err
quake_json_member_colon_ws(struct quake_json_lex *lx)
{
	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || *lx->p != ':')
		return quake_json_lex_fail(lx, "expected ':'");
	lx->p++;
	quake_json_lex_ws(lx);
	if (lx->p >= lx->end)
		return quake_json_lex_fail(lx, "unexpected end");
	return QUAKE_OK;
}

enum quake_err
quake_json_member_key(struct quake_json_lex *lx, char *key, size_t cap)
{
	size_t len;
	int toolong = 0;
	enum quake_err err;

	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || *lx->p != '"')
		return quake_json_lex_fail(lx, "expected a key");
	if ((err = quake_json_lex_string(lx, key, cap, &len, &toolong)))
		return err;
	if (toolong)
		key[0] = '\0';
	return quake_json_member_colon(lx);
}

enum quake_err
quake_json_member_string(struct quake_json_lex *lx, const char *key,
    char *dst, size_t cap, size_t *len, int *bad)
{
	int toolong = 0;
	enum quake_err err;

	quake_json_lex_ws(lx);
	if (lx->p >= lx->end || *lx->p != '"')
		return quake_json_skip(lx, 1) ? QUAKE_EINPUT :
		    quake_err_fail(lx->f, key, "must be a string");
	if ((err = quake_json_lex_string(lx, dst, cap, len, &toolong)))
		return err;
	*bad = toolong || strlen(dst) != *len;
	return QUAKE_OK;
}

enum quake_err
quake_json_member_token(struct quake_json_lex *lx, const char *key,
    char *dst, size_t cap)
{
	size_t len;
	int bad = 0;
	enum quake_err err;

	if ((err = quake_json_member_string(lx, key, dst, cap, &len, &bad)))
		return err;
	if (bad)
		return quake_err_fail(lx->f, key, "must be 1-%zu bytes", cap - 1);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			return quake_err_fail(lx->f, key, "holds a control character");
	return QUAKE_OK;
}

enum quake_err
quake_json_lex_int(struct quake_json_lex *lx, long long *v, double *d,
    int *isint)
{
	const char *p = lx->p;
	unsigned long long m = 0;
	int neg = p < lx->end && *p == '-', n = 0;

	p += neg;
	while (p < lx->end && *p >= '0' && *p <= '9' && n < 19)
		m = m * 10 + (unsigned long long)(*p++ - '0'), n++;
	*isint = n > 0 && (p >= lx->end || (*p != '.' && *p != 'e' &&
	    *p != 'E' && (*p < '0' || *p > '9'))) && !(n > 1 && lx->p[neg] == '0');
	if (*isint) {
		*v = neg ? -(long long)m : (long long)m;
		lx->p = p;
		return QUAKE_OK;
	}
	return quake_json_lex_number(lx, d);
}

/* ---- writing ---- */

static char *
put_uint(char *p, uint64_t v, int mindigits)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 || n < mindigits);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* nearbyint() for the default rounding mode, without libm (emsc-tail
 * would load libm for this one call): past 2^52 a double has no fraction,
 * so adding and taking away 2^52 rounds to the nearest, ties to even. */
static double
round_even(double x)
{
	const double big = 4503599627370496.0;	/* 2^52 */

	if (!(fabs(x) < big))
		return x;
	return x >= 0 ? (x + big) - big : -((-x + big) - big);
}

size_t
quake_json_format_number(double d, char *out)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	    1e7, 1e8, 1e9 };
	char *p = out;

	if (!isfinite(d))
		return 0;
	/* Fast path: the fewest fractional digits k whose integer m = d·10^k
	 * reads back exactly (m and 10^k are exact, so m/10^k is what strtod
	 * returns for the text). */
	if (fabs(d) < 1e6) {
		for (int k = 1; k <= 9; k++) {
			double m = round_even(d * pow10[k]);
			if (m / pow10[k] == d) {
				uint64_t u = (uint64_t)fabs(m);
				char digs[24];
				char *e = put_uint(digs, u, k + 1);
				size_t nd = (size_t)(e - digs);
				if (m < 0)
					*p++ = '-';
				memcpy(p, digs, nd - (size_t)k);
				p += nd - (size_t)k;
				*p++ = '.';
				memcpy(p, digs + nd - k, (size_t)k);
				p += k;
				*p = '\0';
				return (size_t)(p - out);
			}
		}
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, 32, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	if (strpbrk(out, ".e") == NULL)
		strcat(out, ".0");
	return strlen(out);
}

static char *
put_str(char *p, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	*p++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20) {
			memcpy(p, "\\u00", 4);
			p[4] = hex[c >> 4];
			p[5] = hex[c & 15];
			p += 6;
		} else if (c < 0x80)
			*p++ = (char)c;
		else {
			/* s ends in a NUL, where a sequence stops being valid:
			 * utf8_len reads no further. A byte that starts no valid
			 * sequence becomes U+FFFD, so the output is always JSON
			 * (a status line quoting a cut message stays parseable) */
			int n = utf8_len((const unsigned char *)s,
			    (const unsigned char *)s + 4);
			if (n == 0) {
				memcpy(p, "\xef\xbf\xbd", 3);
				p += 3;
			} else {
				memcpy(p, s, (size_t)n);
				p += n;
				s += n - 1;
			}
		}
	}
	*p++ = '"';
	return p;
}

size_t
quake_json_format_string(const char *s, char *out)
{
	return (size_t)(put_str(out, s) - out);
}
