/* pos — a small table searched linearly (a stream reads a few partitions),
 * the last hit tried first; a client's vector grows when the table does. */
#include <stdlib.h>
#include <string.h>

#include "pos.h"

struct pos_pending {
	char topic[QUAKE_KPOS_TOPIC_MAX + 1];
	size_t topic_len;
	int32_t partition;
	int64_t offset;
};

static int
find(const struct pos_table *t, const char *topic, size_t tl, int32_t part)
{
	for (size_t i = t->n; i-- > 0;)
		if (t->src[i].partition == part && t->src[i].topic_len == tl &&
		    memcmp(t->src[i].topic, topic, tl) == 0)
			return (int)i;
	return POS_NONE;
}

static int
before(const struct pos_src *a, const struct pos_src *b)
{
	size_t m = a->topic_len < b->topic_len ? a->topic_len : b->topic_len;
	int c = memcmp(a->topic, b->topic, m);

	if (c != 0)
		return c < 0;
	if (a->topic_len != b->topic_len)
		return a->topic_len < b->topic_len;
	return a->partition < b->partition;
}

int
pos_read(struct pos_table *t, const struct quake_kpos *p)
{
	int last = t->last;
	int i = (size_t)last < t->n && t->src[last].partition == p->partition &&
	    t->src[last].topic_len == p->topic_len &&
	    memcmp(t->src[last].topic, p->topic, p->topic_len) == 0 ? last :
	    find(t, p->topic, p->topic_len, p->partition);
	struct pos_src *s;

	if (i == POS_NONE) {
		size_t k;

		if (t->n == POS_MAX || p->topic_len > QUAKE_KPOS_TOPIC_MAX)
			return POS_NONE;
		i = (int)t->n++;
		s = &t->src[i];
		memcpy(s->topic, p->topic, p->topic_len);
		s->topic[p->topic_len] = '\0';
		s->topic_len = p->topic_len;
		s->partition = p->partition;
		s->lo = s->hi = p->offset;
		for (k = t->n - 1; k > 0 && before(s, &t->src[t->order[k - 1]]); k--)
			t->order[k] = t->order[k - 1];
		t->order[k] = (size_t)i;
		t->gen++;
	} else {
		s = &t->src[i];
		if (p->offset < s->lo)
			s->lo = p->offset;
		if (p->offset > s->hi) {
			s->hi = p->offset;
			t->gen++;
		}
	}
	t->last = i;
	return i;
}

/* v[] from the table's order, offsets from r (NULL: each source's hi),
 * then the pending entries; the id's length */
static size_t
format(const struct pos_table *t, const int64_t *r, size_t nr,
    const struct pos_pending *pend, size_t npend, char *out, size_t cap)
{
	struct quake_kpos v[POS_MAX];
	size_t n = 0;

	for (size_t k = 0; k < t->n; k++) {
		size_t i = t->order[k];
		int64_t off = r == NULL ? t->src[i].hi : i < nr ? r[i] : -1;

		if (off >= 0)
			v[n++] = (struct quake_kpos){ t->src[i].topic, t->src[i].topic_len,
			    t->src[i].partition, off };
	}
	for (size_t k = 0; k < npend && n < POS_MAX; k++)
		v[n++] = (struct quake_kpos){ pend[k].topic, pend[k].topic_len,
		    pend[k].partition, pend[k].offset };
	return n > 0 ? quake_kpos_format_id(v, n, out, cap) : 0;
}

size_t
pos_head_id(const struct pos_table *t, char *out, size_t cap)
{
	return format(t, NULL, 0, NULL, 0, out, cap);
}

/* r covers every source of the table; pending entries of new sources
 * resolved */
static int
grow(struct pos_cursor *c, const struct pos_table *t)
{
	int64_t *r;
	size_t k = 0;

	if (c->n >= t->n)
		return 0;
	/* as many as the table has: 8 bytes a client for one partition */
	if ((r = realloc(c->r, t->n * sizeof *r)) == NULL)
		return -1;
	c->r = r;
	for (size_t i = c->n; i < t->n; i++)
		r[i] = -1;
	for (size_t j = 0; j < c->npend; j++) {
		int i = find(t, c->pend[j].topic, c->pend[j].topic_len, c->pend[j].partition);

		if (i != POS_NONE)
			r[i] = c->pend[j].offset;
		else
			c->pend[k++] = c->pend[j];
	}
	c->npend = k;
	c->n = t->n;
	return 0;
}

int
pos_cursor_open(struct pos_cursor *c, const struct pos_table *t,
    const struct quake_kpos *v, int n)
{
	int older = 0;

	memset(c, 0, sizeof *c);
	c->synced = n == 0;
	if (n == 0)
		return 0;
	if ((c->pend = malloc((size_t)n * sizeof *c->pend)) == NULL)
		return -1;
	for (int j = 0; j < n; j++) {
		struct pos_pending *p = &c->pend[j];
		int i = find(t, v[j].topic, v[j].topic_len, v[j].partition);

		/* what came right after it was not read here */
		if (i != POS_NONE && v[j].offset < t->src[i].lo - 1)
			older = 1;
		memcpy(p->topic, v[j].topic, v[j].topic_len);
		p->topic[v[j].topic_len] = '\0';
		p->topic_len = v[j].topic_len;
		p->partition = v[j].partition;
		p->offset = v[j].offset;
	}
	c->npend = (size_t)n;
	if (older) {
		pos_cursor_free(c);
		c->synced = 1;
		return 1;
	}
	return grow(c, t) != 0 ? -1 : 0;
}

int
pos_cursor_from(struct pos_cursor *c, const struct pos_table *t,
    const char *id, size_t len, const char **why)
{
	struct quake_kpos v[QUAKE_KPOS_MAX];
	struct quake_fail f;
	size_t digits = 0;
	int n, rc;

	memset(c, 0, sizeof *c);
	c->synced = 1;
	if (id == NULL)
		return 0;
	while (digits < len && digits < 20 && id[digits] >= '0' && id[digits] <= '9')
		digits++;
	if (digits == len && len > 0 && len < 20)
		return 1;	/* a seq, as ids were: another process's */
	if ((n = quake_kpos_parse_id(id, len, v, &f)) < 0) {
		*why = "not an id (TOPIC:PARTITION:OFFSET,...)";
		return -1;
	}
	rc = pos_cursor_open(c, t, v, n);
	return rc < 0 ? -2 : rc;
}

void
pos_cursor_free(struct pos_cursor *c)
{
	free(c->r);
	free(c->pend);
	memset(c, 0, sizeof *c);
}

int
pos_cursor_lacks(struct pos_cursor *c, const struct pos_table *t, int src,
    int64_t off)
{
	if (src < 0)
		return 1;
	if ((size_t)src >= c->n && grow(c, t) != 0)
		return -1;
	return off > c->r[src];
}

void
pos_cursor_took(struct pos_cursor *c, int src, int64_t off)
{
	if (src >= 0 && (size_t)src < c->n)
		c->r[src] = off;
}

int
pos_cursor_within(struct pos_cursor *c, const struct pos_table *t)
{
	if (c->synced)
		return 1;
	if (c->npend > 0 || grow(c, t) != 0)
		return 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->r[i] > t->src[i].hi)
			return 0;
	return c->synced = 1;
}

void
pos_cursor_took_head(struct pos_cursor *c, const struct pos_table *t)
{
	if (grow(c, t) != 0)
		return;		/* r stays within: a valid id, if not the newest */
	for (size_t i = 0; i < c->n; i++)
		c->r[i] = t->src[i].hi;
}

size_t
pos_cursor_id(struct pos_cursor *c, const struct pos_table *t, int src,
    int64_t off, char *out, size_t cap)
{
	int64_t was = 0;
	size_t n;

	if (src >= 0 && (size_t)src < c->n) {
		was = c->r[src];
		c->r[src] = off;
	}
	n = format(t, c->r, c->n, c->pend, c->npend, out, cap);
	if (src >= 0 && (size_t)src < c->n)
		c->r[src] = was;
	return n;
}
