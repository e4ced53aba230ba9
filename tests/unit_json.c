/* unit_json — shortest-round-trip numbers, the string writer and the
 * strict lexer (strings, numbers, white space, wrong types). */
#include <math.h>
#include <stdlib.h>

#include "core/json.h"
#include "unit.h"

static void
numbers(void)
{
	static const struct { double d; const char *want; } cases[] = {
		{ 1.0, "1.0" }, { 0.0, "0.0" }, { -4.027, "-4.027" },
		{ 143.2849, "143.2849" }, { 10.0, "10.0" }, { 0.1, "0.1" },
		{ -0.5, "-0.5" }, { 1000.0, "1000.0" }, { 0.123456789, "0.123456789" },
		{ 0.30000000000000004, "0.30000000000000004" },
		{ 1e-10, "1e-10" }, { 123456789.0, "123456789.0" },
		{ 1e300, "1e+300" }, { -180.0, "-180.0" }, { 2.5e-5, "0.000025" }, { 2.5e-12, "2.5e-12" },
	};
	char out[QUAKE_JSON_NUMBER_MAX];

	for (size_t i = 0; i < NELEM(cases); i++) {
		size_t n = quake_json_format_number(cases[i].d, out);
		CHECK(n == strlen(out), "number length %s", cases[i].want);
		CHECK_STR(out, cases[i].want, "number %s", cases[i].want);
	}
	CHECK(quake_json_format_number(NAN, out) == 0, "NaN refused");
	CHECK(quake_json_format_number(INFINITY, out) == 0, "Infinity refused");
	/* every double reads back as itself */
	int ok = 1;
	srand(7);
	for (int i = 0; i < 200000 && ok; i++) {
		double d = (rand() / (double)RAND_MAX - 0.5) * 2000.0;
		if (i % 3 == 0)
			d = round(d * 1e4) / 1e4;
		quake_json_format_number(d, out);
		if (strtod(out, NULL) != d || strpbrk(out, ".e") == NULL)
			ok = 0;
	}
	CHECK(ok, "200k random numbers read back exactly (last %s)", out);
}

static void
strings(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "", "\"\"" }, { "plain", "\"plain\"" },
		{ "a\"b", "\"a\\\"b\"" }, { "back\\slash", "\"back\\\\slash\"" },
		{ "tab\there", "\"tab\\u0009here\"" }, { "\x1f", "\"\\u001f\"" },
		{ "slash/", "\"slash/\"" }, { "Zürich", "\"Zürich\"" },
		/* not UTF-8 (a message cut inside a character): U+FFFD */
		{ "ab\xc3", "\"ab\xef\xbf\xbd\"" }, { "\xff\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xed\xa0\x80x", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx\"" }, { "\xf0\x9f\x8c\x8b", "\"\xf0\x9f\x8c\x8b\"" },
	};
	char out[64];

	for (size_t i = 0; i < NELEM(cases); i++) {
		size_t n = quake_json_format_string(cases[i].in, out);
		out[n] = '\0';
		CHECK(n == strlen(cases[i].want), "string length %zu", i);
		CHECK_STR(out, cases[i].want, "string %zu", i);
	}
}

/* Lex one value of text: a string when it starts with '"', else a number. */
static enum quake_err
lex1(const char *text, char *dst, size_t cap, double *d, int *toolong,
    int *noncanon, struct quake_fail *f)
{
	struct quake_json_lex lx = { .p = text, .start = text,
	    .end = text + strlen(text), .f = f };
	size_t len;
	enum quake_err err;

	quake_json_lex_ws(&lx);
	err = *lx.p == '"' ? quake_json_lex_string(&lx, dst, cap, &len,
	    toolong) : quake_json_lex_number(&lx, d);
	if (err == QUAKE_OK && lx.p != lx.end)
		err = quake_json_lex_fail(&lx, "trailing characters");
	*noncanon = lx.noncanon;
	return err;
}

static void
lexer(void)
{
	static const struct {
		const char *in, *want;	/* want: the value, or the reason */
		int ok, noncanon, toolong;
	} cases[] = {
		{ "\"abc\"", "abc", 1, 0, 0 },
		{ "  \"abc\"", "abc", 1, 1, 0 },
		{ "\"a\\\"b\\\\c\"", "a\"b\\c", 1, 0, 0 },
		{ "\"\\u0009\"", "\t", 1, 0, 0 },
		{ "\"\\t\"", "\t", 1, 1, 0 },
		{ "\"\\/\"", "/", 1, 1, 0 },
		{ "\"\\u00e9\"", "\xc3\xa9", 1, 1, 0 },
		{ "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 1, 1, 0 },
		{ "\"0123456789abcdef\"", "0123456", 1, 0, 1 },
		{ "\"abc", "not JSON: unterminated string at byte 4", 0, 0, 0 },
		{ "\"a\x01\"", "not JSON: control character in string at byte 2", 0, 0, 0 },
		{ "\"\xff\"", "not JSON: invalid UTF-8 at byte 1", 0, 0, 0 },
		{ "\"\xc0\xaf\"", "not JSON: invalid UTF-8 at byte 1", 0, 0, 0 },
		{ "\"\\x\"", "not JSON: invalid escape at byte 1", 0, 0, 0 },
		{ "\"\\u0000\"", "not JSON: invalid \\u escape at byte 1", 0, 0, 0 },
		{ "\"\\udc00\"", "not JSON: invalid \\u escape at byte 1", 0, 0, 0 },
		{ "\"\\ud83d\"", "not JSON: invalid \\u escape at byte 1", 0, 0, 0 },
		{ "-4.027", "-4.027", 1, 0, 0 },
		{ "10.0", "10.0", 1, 0, 0 },
		{ "10", "10.0", 1, 1, 0 },
		{ "1e2", "100.0", 1, 1, 0 },
		{ "1.50", "1.5", 1, 1, 0 },
		{ "-0.0", "0.0", 1, 1, 0 },	/* the writer has no -0 */
		{ "01", "not JSON: trailing characters at byte 1", 0, 0, 0 },
		{ "-", "not JSON: invalid number at byte 1", 0, 0, 0 },
		{ "1.", "not JSON: invalid number at byte 2", 0, 0, 0 },
		{ "1e", "not JSON: invalid number at byte 2", 0, 0, 0 },
		{ "1e999", "not JSON: number out of range at byte 5", 0, 0, 0 },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		char dst[8], num[QUAKE_JSON_NUMBER_MAX];
		double d = 0;
		int toolong = 0, noncanon = 0;
		struct quake_fail f = { 0 };
		enum quake_err err = lex1(cases[i].in, dst, sizeof dst, &d,
		    &toolong, &noncanon, &f);

		if (!cases[i].ok) {
			CHECK(err == QUAKE_EINPUT, "lex %zu refused", i);
			CHECK_STR(f.reason, cases[i].want, "lex %zu reason", i);
			continue;
		}
		CHECK(err == QUAKE_OK, "lex %zu taken", i);
		if (cases[i].in[strspn(cases[i].in, " ")] != '"') {
			quake_json_format_number(d, num);
			CHECK_STR(num, cases[i].want, "lex %zu number", i);
		} else if (cases[i].want != NULL)
			CHECK_STR(dst, cases[i].want, "lex %zu string", i);
		CHECK(noncanon == cases[i].noncanon, "lex %zu canonical or not", i);
		CHECK(toolong == cases[i].toolong, "lex %zu too long or not", i);
	}
}

/* a string that does not fit: what is kept ends between characters, no
 * byte is left unset, and nothing follows a character that was dropped;
 * on an error what was read so far is NUL-terminated */
static void
cuts(void)
{
	static const struct { const char *in, *want; int toolong; } cases[] = {
		{ "\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"", "\xc3\xa9\xc3\xa9\xc3\xa9", 1 },
		{ "\"ab\xe2\x82\xac\xe2\x82\xac\"", "ab\xe2\x82\xac", 1 },
		{ "\"abc\\u00e9\\u00e9\\u00e9\"", "abc\xc3\xa9\xc3\xa9", 1 },
		{ "\"aaaaaa\xf0\x9f\x8c\x8b\"", "aaaaaa", 1 },
		{ "\"aaaaaa\xf0\x9f\x8c\x8b" "b\"", "aaaaaa", 1 },
		{ "\"aaaaa\\\"\\\"\"", "aaaaa\"\"", 0 },
		{ "\"a\xf0\x9f\x8c\x8b\"", "a\xf0\x9f\x8c\x8b", 0 },
	};
	struct quake_fail f;
	char dst[8];
	size_t len;
	int toolong;

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct quake_json_lex lx = { .p = cases[i].in, .start = cases[i].in,
		    .end = cases[i].in + strlen(cases[i].in), .f = &f };
		memset(dst, 'X', sizeof dst);
		CHECK(quake_json_lex_string(&lx, dst, sizeof dst, &len, &toolong) ==
		    QUAKE_OK && toolong == cases[i].toolong, "cut %zu: taken", i);
		CHECK_STR(dst, cases[i].want, "cut %zu: kept", i);
		CHECK(len == strlen(cases[i].want), "cut %zu: length", i);
	}
	const char *bad = "\"ab\\x\"";
	struct quake_json_lex lx = { .p = bad, .start = bad, .end = bad + strlen(bad), .f = &f };
	memset(dst, 'X', sizeof dst);
	CHECK(quake_json_lex_string(&lx, dst, sizeof dst, &len, &toolong) == QUAKE_EINPUT,
	    "cut: bad escape refused");
	CHECK_STR(dst, "ab", "cut: what came before the error, NUL-terminated");
}

static void
wrong_types(void)
{
	static const struct { const char *in, *want; int want_string; } cases[] = {
		{ "true", "must be a string", 1 },
		{ "null", "must be a number", 0 },
		{ "{}", "must be a number", 0 },
		{ "nope", "not JSON: invalid value at byte 0", 1 },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct quake_fail f = { 0 };
		struct quake_json_lex lx = { .p = cases[i].in,
		    .start = cases[i].in, .end = cases[i].in +
		    strlen(cases[i].in), .f = &f };
		CHECK(quake_json_lex_wrong_type(&lx, "k", cases[i].want_string) ==
		    QUAKE_EINPUT, "wrong type %zu refused", i);
		CHECK_STR(f.reason, cases[i].want, "wrong type %zu reason", i);
	}
}

int
main(void)
{
	numbers();
	strings();
	lexer();
	cuts();
	wrong_types();
	return unit_failed;
}
