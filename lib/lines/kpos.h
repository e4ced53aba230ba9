/* kpos — Kafka positions in text: the prefix quake-consume --positions puts
 * before a record's line ("@TOPIC:PARTITION:OFFSET " then the line), and
 * quake-map's SSE ids, a vector of the newest position per partition
 * ("TOPIC:P:O,P:O;TOPIC:P:O"). docs/design.md, "Positioned lines" and
 * quake-map's stream ids, is the contract. Both are read from untrusted
 * input (a pipe, a client's Last-Event-ID): every byte is checked. */
#ifndef QUAKE_KPOS_H
#define QUAKE_KPOS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define QUAKE_KPOS_TOPIC_MAX 249	/* Kafka's own limit */
#define QUAKE_KPOS_MAX 64		/* partitions an id names at most */
#define QUAKE_KPOS_ID_MAX 2048		/* an id's bytes at most */
/* the longest prefix: '@', topic, ':', int32, ':', int64, ' ' */
#define QUAKE_KPOS_PREFIX_MAX (1 + QUAKE_KPOS_TOPIC_MAX + 1 + 10 + 1 + 19 + 1)

/* One (topic, partition, offset). topic points into the text parsed (or the
 * caller's string when formatting), topic_len bytes, not terminated. */
struct quake_kpos {
	const char *topic;
	size_t topic_len;
	int32_t partition;	/* >= 0 */
	int64_t offset;		/* >= 0 */
};

/* A topic name: 1..249 bytes of [A-Za-z0-9._-] (Kafka's rule), or, with
 * pseudo set, also '~' and 1..20 digits (quake-map's name for its stdin
 * when lines come without a position). 1 when it is one. */
int quake_kpos_topic_ok(const char *s, size_t len, int pseudo);

/* "@TOPIC:PARTITION:OFFSET " into out[cap] (cap >= QUAKE_KPOS_PREFIX_MAX + 1,
 * NUL-terminated); its length, 0 when topic is not a topic name or a
 * number is negative. */
size_t quake_kpos_format_prefix(const char *topic, int32_t partition,
    int64_t offset, char *out, size_t cap);

/* A line that may begin with a prefix: 0 when it does not begin with '@'
 * (a plain line); 1 with *p filled (its topic inside line) and *skip the
 * prefix's length, the record being line[*skip..len); QUAKE_EINPUT (as -1)
 * when the prefix is malformed (*f says why). */
int quake_kpos_parse_prefix(const char *line, size_t len, struct quake_kpos *p,
    size_t *skip, struct quake_fail *f);

/* An id from v[0..n) (n <= QUAKE_KPOS_MAX): entries of one topic that
 * follow each other are one group. Into out[cap], NUL-terminated; its
 * length, 0 when it does not fit or an entry is not valid. */
size_t quake_kpos_format_id(const struct quake_kpos *v, size_t n, char *out,
    size_t cap);

/* An id id[0..len) into v[0..QUAKE_KPOS_MAX) (topics point into id): the
 * count (>= 1), or -1 when it is not an id (*f says why): empty, over
 * QUAKE_KPOS_ID_MAX bytes, a bad topic or number, more than QUAKE_KPOS_MAX
 * entries, or one (topic, partition) twice. */
int quake_kpos_parse_id(const char *id, size_t len, struct quake_kpos *v,
    struct quake_fail *f);

#endif
