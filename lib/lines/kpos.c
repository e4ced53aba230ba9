/* kpos — the position prefix and the id vector, written and read by hand:
 * decimal numbers without signs or leading zeros, nothing skipped. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lines/kpos.h"

static int
topic_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int
quake_kpos_topic_ok(const char *s, size_t len, int pseudo)
{
	if (len == 0)
		return 0;
	if (s[0] == '~') {
		if (!pseudo || len < 2 || len > 21)
			return 0;
		for (size_t i = 1; i < len; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
		return 1;
	}
	if (len > QUAKE_KPOS_TOPIC_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!topic_char((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A decimal at s[*i..len) up to max: no sign, no leading zero; *i moves
 * past it. -1 when there is none or it is too big. */
static int
number(const char *s, size_t len, size_t *i, int64_t max, int64_t *out)
{
	size_t j = *i;
	int64_t v = 0;

	if (j >= len || s[j] < '0' || s[j] > '9')
		return -1;
	if (s[j] == '0' && j + 1 < len && s[j + 1] >= '0' && s[j + 1] <= '9')
		return -1;
	for (; j < len && s[j] >= '0' && s[j] <= '9'; j++) {
		int d = s[j] - '0';

		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*i = j;
	*out = v;
	return 0;
}

/* The end of the topic that starts at s[i]: the first ':' or len. */
static size_t
topic_end(const char *s, size_t len, size_t i)
{
	const char *c = memchr(s + i, ':', len - i);

	return c != NULL ? (size_t)(c - s) : len;
}

size_t
quake_kpos_format_prefix(const char *topic, int32_t partition, int64_t offset,
    char *out, size_t cap)
{
	size_t tl = strlen(topic);
	int n;

	if (!quake_kpos_topic_ok(topic, tl, 0) || partition < 0 || offset < 0)
		return 0;
	n = snprintf(out, cap, "@%s:%" PRId32 ":%" PRId64 " ", topic, partition,
	    offset);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

int
quake_kpos_parse_prefix(const char *line, size_t len, struct quake_kpos *p,
    size_t *skip, struct quake_fail *f)
{
	size_t i = 1, end;
	int64_t part, off;

	if (len == 0 || line[0] != '@')
		return 0;
	if (len > QUAKE_KPOS_PREFIX_MAX + 1)
		len = QUAKE_KPOS_PREFIX_MAX + 1;	/* the prefix is within it */
	end = topic_end(line, len, 1);
	if (end == len || !quake_kpos_topic_ok(line + 1, end - 1, 0)) {
		quake_err_fail(f, "position", "not @TOPIC:PARTITION:OFFSET: bad topic");
		return -1;
	}
	p->topic = line + 1;
	p->topic_len = end - 1;
	i = end + 1;
	if (number(line, len, &i, INT32_MAX, &part) != 0 || i >= len ||
	    line[i] != ':') {
		quake_err_fail(f, "position", "not @TOPIC:PARTITION:OFFSET: bad partition");
		return -1;
	}
	i++;
	if (number(line, len, &i, INT64_MAX, &off) != 0 || i >= len ||
	    line[i] != ' ') {
		quake_err_fail(f, "position", "not @TOPIC:PARTITION:OFFSET then one space: bad offset");
		return -1;
	}
	p->partition = (int32_t)part;
	p->offset = off;
	*skip = i + 1;
	return 1;
}

size_t
quake_kpos_format_id(const struct quake_kpos *v, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	if (n == 0 || n > QUAKE_KPOS_MAX || cap == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int same = i > 0 && v[i].topic_len == v[i - 1].topic_len &&
		    memcmp(v[i].topic, v[i - 1].topic, v[i].topic_len) == 0;
		int k;

		if (!quake_kpos_topic_ok(v[i].topic, v[i].topic_len, 1) ||
		    v[i].partition < 0 || v[i].offset < 0)
			return 0;
		if (!same) {
			if (o + (i > 0) + v[i].topic_len + 1 >= cap)
				return 0;
			if (i > 0)
				out[o++] = ';';
			memcpy(out + o, v[i].topic, v[i].topic_len);
			o += v[i].topic_len;
			out[o++] = ':';
		} else
			out[o++] = ',';		/* room: the last snprintf left 1 */
		k = snprintf(out + o, cap - o, "%" PRId32 ":%" PRId64,
		    v[i].partition, v[i].offset);
		if (k < 0 || (size_t)k + 1 >= cap - o)
			return 0;
		o += (size_t)k;
	}
	if (o > QUAKE_KPOS_ID_MAX)
		return 0;
	out[o] = '\0';
	return o;
}

int
quake_kpos_parse_id(const char *id, size_t len, struct quake_kpos *v,
    struct quake_fail *f)
{
	size_t i = 0;
	int n = 0;

	if (len == 0 || len > QUAKE_KPOS_ID_MAX) {
		quake_err_fail(f, "id", len == 0 ? "empty" : "longer than %d bytes",
		    QUAKE_KPOS_ID_MAX);
		return -1;
	}
	while (i < len) {	/* a group: TOPIC:P:O[,P:O]... */
		size_t end = topic_end(id, len, i);
		const char *topic = id + i;
		size_t tl = end - i;

		if (end == len || !quake_kpos_topic_ok(topic, tl, 1)) {
			quake_err_fail(f, "id", "not TOPIC:PARTITION:OFFSET: bad topic at byte %zu", i);
			return -1;
		}
		i = end + 1;
		for (;;) {
			int64_t part, off;

			if (number(id, len, &i, INT32_MAX, &part) != 0 || i >= len ||
			    id[i] != ':') {
				quake_err_fail(f, "id", "bad partition at byte %zu", i);
				return -1;
			}
			i++;
			if (number(id, len, &i, INT64_MAX, &off) != 0) {
				quake_err_fail(f, "id", "bad offset at byte %zu", i);
				return -1;
			}
			if (n == QUAKE_KPOS_MAX) {
				quake_err_fail(f, "id", "more than %d partitions", QUAKE_KPOS_MAX);
				return -1;
			}
			for (int k = 0; k < n; k++)
				if (v[k].partition == part && v[k].topic_len == tl &&
				    memcmp(v[k].topic, topic, tl) == 0) {
					quake_err_fail(f, "id", "a partition named twice");
					return -1;
				}
			v[n++] = (struct quake_kpos){ topic, tl, (int32_t)part, off };
			if (i == len)
				return n;
			if (id[i] == ';') {
				i++;
				if (i == len) {
					quake_err_fail(f, "id", "ends with ';'");
					return -1;
				}
				break;
			}
			if (id[i] != ',') {
				quake_err_fail(f, "id", "unexpected byte at %zu", i);
				return -1;
			}
			i++;
		}
	}
	quake_err_fail(f, "id", "empty");
	return -1;
}
