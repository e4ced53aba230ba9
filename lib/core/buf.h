/* buf — append to a caller's fixed buffer, remembering overflow instead of
 * checking every call: build, then test `over` once. */
#ifndef QUAKE_BUF_H
#define QUAKE_BUF_H

#include <stddef.h>

struct quake_buf {
	char *p;	/* borrowed: cap bytes, kept NUL-terminated */
	size_t len, cap;
	int over;	/* set once something did not fit; later adds are dropped */
};

/* A buffer over p[cap] (cap > 0), emptied. */
void quake_buf_init(struct quake_buf *b, char *p, size_t cap);

/* Append s[0..n), or set b->over if it does not fit with its NUL. */
void quake_buf_add(struct quake_buf *b, const char *s, size_t n);

/* Append the string s. */
void quake_buf_str(struct quake_buf *b, const char *s);

#endif
