/* seen — a bounded set of (id, lastupdate) revisions already printed, so
 * that a revision that arrives twice (live and back-filled, or repeated by
 * the feed) is printed once. The oldest entries are forgotten first when it
 * is full: a duplicate older than the last cap revisions can pass again,
 * which the conditional writes downstream absorb. */
#ifndef QUAKE_SEEN_H
#define QUAKE_SEEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct quake_seen;

/* A set remembering the last cap revisions (cap >= 1) into *out (caller
 * owns it; quake_seen_free). QUAKE_ENOMEM. */
enum quake_err quake_seen_new(size_t cap, struct quake_seen **out);

/* 1 if (id, lastupdate) was already added, else add it and return 0. */
int quake_seen_add(struct quake_seen *s, const char *id, int64_t lastupdate);

/* How many revisions are remembered. */
size_t quake_seen_count(const struct quake_seen *s);

void quake_seen_free(struct quake_seen *s);

#endif
