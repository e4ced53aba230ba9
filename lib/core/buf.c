/* buf — bounded appends with a sticky overflow flag. */
#include <string.h>

#include "core/buf.h"

void
quake_buf_init(struct quake_buf *b, char *p, size_t cap)
{
	b->p = p;
	b->len = 0;
	b->cap = cap;
	b->over = cap == 0;
	if (cap > 0)
		p[0] = '\0';
}

void
quake_buf_add(struct quake_buf *b, const char *s, size_t n)
{
	if (b->over || b->len + n + 1 > b->cap) {
		b->over = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
quake_buf_str(struct quake_buf *b, const char *s)
{
	quake_buf_add(b, s, strlen(s));
}
