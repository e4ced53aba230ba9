/* pos — where a stream's revisions came from, and what a client has of
 * them. A stream's sources are the (topic, partition) pairs its lines were
 * read from (quake-consume --positions; lines without a position are the
 * pseudo topic "~<start µs>", partition 0, offset = the stdin line number),
 * each with the lowest and highest offset read. A client's id is a vector:
 * per source, the newest offset it has, so any instance that reads the same
 * topics can tell what the client has and what it has not (docs/design.md,
 * quake-map: the stream ids). */
#ifndef QUAKE_POS_H
#define QUAKE_POS_H

#include <stddef.h>
#include <stdint.h>

#include "lines/kpos.h"

#define POS_MAX QUAKE_KPOS_MAX	/* sources a stream reads at most */
#define POS_NONE (-1)		/* no source: the table is full */

struct pos_src {
	char topic[QUAKE_KPOS_TOPIC_MAX + 1];
	size_t topic_len;
	int32_t partition;
	int64_t lo, hi;		/* the lowest and highest offset read */
};

struct pos_table {
	struct pos_src src[POS_MAX];
	size_t n;
	size_t order[POS_MAX];	/* by topic, then partition: an id's order */
	uint64_t gen;		/* +1 whenever a source or a hi is new */
	int last;		/* the source read last */
};

/* A line from p was read: its source's index (added when new), or POS_NONE
 * when the table is full. */
int pos_read(struct pos_table *t, const struct quake_kpos *p);

/* The table's vector (every source at its hi) as an id into out[cap]
 * (cap > QUAKE_KPOS_ID_MAX); the length, 0 when nothing was read. */
size_t pos_head_id(const struct pos_table *t, char *out, size_t cap);

struct pos_pending;
struct pos_cursor;

/* A client's resume point, id[0..len) (?since= or Last-Event-ID; NULL: a
 * new client), into *c: 0 for the held revisions it lacks; 1 for all of
 * them, since the id is older than what is held (or a seq of quake-map
 * before ids were positions); -1 when it is not an id (*why says why); -2
 * when out of memory. Free with pos_cursor_free. */
int pos_cursor_from(struct pos_cursor *c, const struct pos_table *t,
    const char *id, size_t len, const char **why);

/* A client's vector: per source the newest offset it has (-1: nothing). */
struct pos_cursor {
	int64_t *r;
	size_t n;			/* sources r covers (the table's n when last seen) */
	struct pos_pending *pend;	/* id entries whose source is not read yet */
	size_t npend;
	int synced;			/* r is within the table's vector, nothing pending */
};

/* A client's cursor from the id it sent (v[0..n); n = 0: none). Returns 0,
 * 1 when the id is older than what is held (an entry's offset + 1 is below
 * the lowest offset read from its source: the cursor is then empty), -1
 * when out of memory. Free with pos_cursor_free. */
int pos_cursor_open(struct pos_cursor *c, const struct pos_table *t,
    const struct quake_kpos *v, int n);
void pos_cursor_free(struct pos_cursor *c);

/* The revision read from source src at off: 1 when the client does not
 * have it, 0 when it does, -1 when out of memory. */
int pos_cursor_lacks(struct pos_cursor *c, const struct pos_table *t, int src,
    int64_t off);

/* The client took that revision: its vector moves past it. */
void pos_cursor_took(struct pos_cursor *c, int src, int64_t off);

/* Whether the client's vector is within the table's (then it may take the
 * stream's newest revision with pos_head_id's id, shared by every such
 * client, and pos_cursor_took_head). */
int pos_cursor_within(struct pos_cursor *c, const struct pos_table *t);
void pos_cursor_took_head(struct pos_cursor *c, const struct pos_table *t);

/* The client's vector, with source src at off, as an id into out[cap]
 * (cap > QUAKE_KPOS_ID_MAX); the length, 0 when it is empty. */
size_t pos_cursor_id(struct pos_cursor *c, const struct pos_table *t,
    int src, int64_t off, char *out, size_t cap);

#endif
