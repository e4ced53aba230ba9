/* json — the project's own JSON text: a strict lexer for flat objects of
 * strings and numbers (RFC 8259 strings, numbers and white space; UTF-8
 * checked) and a writer of strings and shortest-round-trip numbers. Used by
 * event (the event line), ack, ddb and the binaries; documents of any shape
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
