/* json — the project's own JSON text: a strict lexer (RFC 8259 strings,
 * numbers and white space; UTF-8 checked), the walk over an object's members
 * and an array's values every line reader shares, and a writer of strings
 * and shortest-round-trip numbers. Used by lib/lines (every line kind), ddb
 * and the binaries; documents read whole (EMSC frames, FDSN pages, rules)
 * are parsed with jansson. No allocation. */
#ifndef QUAKE_JSON_H
#define QUAKE_JSON_H

#include <stddef.h>

#include "core/err.h"

/* A lexer over [start, end); p is the next byte. noncanon is set once it
 * met text that quake_json_format_* would write otherwise (white space,
 * an escape or a number spelled differently). All pointers borrowed. */
struct quake_json_lex {
	const char *p, *start, *end;
	struct quake_fail *f;
	int noncanon;
};

/* Bytes a number needs in quake_json_format_number (with its NUL). */
#define QUAKE_JSON_NUMBER_MAX 32

/* Fill lx->f with "not JSON: what at byte N"; returns QUAKE_EINPUT. */
enum quake_err quake_json_lex_fail(struct quake_json_lex *lx,
    const char *what);

/* Skip white space (marking it non-canonical); quake_json_lex_ws is the
 * inline test that calls it only when there is some. */
void quake_json_lex_ws_skip(struct quake_json_lex *lx);

static inline void
quake_json_lex_ws(struct quake_json_lex *lx)
{
	if (lx->p < lx->end && (unsigned char)*lx->p <= ' ')
		quake_json_lex_ws_skip(lx);
}

/* A string at lx->p (on its opening quote) into dst[cap] (caller-owned,
 * NUL-terminated), its length in *len; *toolong is set (and the rest of the
 * string still checked) when it does not fit. QUAKE_EINPUT fills lx->f. */
enum quake_err quake_json_lex_string(struct quake_json_lex *lx, char *dst,
    size_t cap, size_t *len, int *toolong);

/* A number at lx->p into *out (the double strtod gives for the text). */
enum quake_err quake_json_lex_number(struct quake_json_lex *lx, double *out);

/* The value at lx->p is not of the wanted type: "key: must be a string"
 * (or number) when it is some JSON value, "not JSON" when it is not. */
enum quake_err quake_json_lex_wrong_type(struct quake_json_lex *lx,
    const char *key, int want_string);

/* ---- walking a document: objects member by member, arrays value by
 * value; the caller reads each value with the quake_json_lex_* calls ---- */

/* How deep quake_json_skip goes into arrays and objects. */
#define QUAKE_JSON_DEPTH_MAX 32

/* Skip the value at lx->p (white space first), checking that it is JSON;
 * depth is where it sits (0: the document, 1: a member of it), and a value
 * nested past QUAKE_JSON_DEPTH_MAX is refused. QUAKE_EINPUT fills lx->f. */
enum quake_err quake_json_skip(struct quake_json_lex *lx, int depth);

/* Walk the object at lx->p with quake_json_object_next: call it with *n 0
 * and lx->p on the '{' (white space before it allowed), then after each
 * member's value. Returns 1 when a member follows (lx->p on its key, white
 * space skipped; *n counts the members), 0 once the closing '}' is
 * consumed, -1 when the text is not JSON (lx->f says so).
 * quake_json_array_next walks an array the same way, value by value. Both
 * are inline for the ',' of a line without white space and call
 * quake_json_walk_next (open and close: '{' '}' or '[' ']') otherwise. */
int quake_json_walk_next(struct quake_json_lex *lx, size_t *n, char open,
    char close);

static inline int
quake_json_object_next(struct quake_json_lex *lx, size_t *n)
{
	if (*n > 0 && lx->p < lx->end && *lx->p == ',') {
		lx->p++;
		quake_json_lex_ws(lx);
		(*n)++;
		return 1;
	}
	return quake_json_walk_next(lx, n, '{', '}');
}

static inline int
quake_json_array_next(struct quake_json_lex *lx, size_t *n)
{
	if (*n > 0 && lx->p < lx->end && *lx->p == ',') {
		lx->p++;
		quake_json_lex_ws(lx);
		(*n)++;
		return 1;
	}
	return quake_json_walk_next(lx, n, '[', ']');
}

/* A member's key at lx->p (where quake_json_object_next left it) into
 * key[cap] (caller-owned, NUL-terminated; "" when it does not fit), then its
 * ':' as quake_json_member_colon reads it. */
enum quake_err quake_json_member_key(struct quake_json_lex *lx, char *key,
    size_t cap);

/* The ':' after a key and the white space after it; lx->p is left on the
 * value ("unexpected end" when there is none). Inline for the ':' of a line
 * without white space; quake_json_member_colon_ws does the rest. */
enum quake_err quake_json_member_colon_ws(struct quake_json_lex *lx);

static inline enum quake_err
quake_json_member_colon(struct quake_json_lex *lx)
{
	if (lx->end - lx->p >= 2 && lx->p[0] == ':' &&
	    (unsigned char)lx->p[1] > ' ') {
		lx->p++;
		return QUAKE_OK;
	}
	return quake_json_member_colon_ws(lx);
}

/* A member's string value into dst[cap] (caller-owned, NUL-terminated),
 * *len bytes; *bad when it did not fit or holds a NUL. A value of another
 * type is skipped and refused: "key: must be a string". */
enum quake_err quake_json_member_string(struct quake_json_lex *lx,
    const char *key, char *dst, size_t cap, size_t *len, int *bad);

/* A member's string value that names something (a device, a session) into
 * dst[cap] (caller-owned): at most cap - 1 bytes ("must be 1-N bytes"), no
 * control byte; dst keeps what was read when it is refused. */
enum quake_err quake_json_member_token(struct quake_json_lex *lx,
    const char *key, char *dst, size_t cap);

/* An integer exactly (a time in ns is past 2^53): *isint and *v when the
 * number at lx->p has neither fraction nor exponent and at most 19 digits,
 * else the number into *d (quake_json_lex_number). */
enum quake_err quake_json_lex_int(struct quake_json_lex *lx, long long *v,
    double *d, int *isint);

/* Whether lx->p is on what can start a number ('-' or a digit). */
static inline int
quake_json_lex_at_number(const struct quake_json_lex *lx)
{
	return lx->p < lx->end &&
	    (*lx->p == '-' || (*lx->p >= '0' && *lx->p <= '9'));
}

/* Write the shortest decimal text of finite d that reads back as d, always
 * with a fraction or exponent ("10.0", "-4.027"); out (caller-owned) needs
 * QUAKE_JSON_NUMBER_MAX bytes and is NUL-terminated. Returns the length,
 * 0 if d is not finite. */
size_t quake_json_format_number(double d, char *out);

/* Write s as a quoted JSON string into out (caller-owned, 6 * strlen(s) + 3
 * bytes suffice): '"' and '\\' escaped, control bytes as \u00xx, valid
 * UTF-8 as it is, any other byte as U+FFFD (the output is always valid
 * JSON). Returns the length; no NUL is written. */
size_t quake_json_format_string(const char *s, char *out);

#endif
