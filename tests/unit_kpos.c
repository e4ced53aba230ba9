/* unit_kpos — the position prefix and the id vector: written, read back,
 * and every malformed spelling refused. */
#include <stdint.h>
#include <string.h>

#include "lines/kpos.h"
#include "unit.h"

static void
prefixes(void)
{
	struct quake_kpos p;
	struct quake_fail f;
	char buf[QUAKE_KPOS_PREFIX_MAX + 1], line[600];
	size_t n, skip;
	static const char *bad[] = {
		"@", "@:0:1 {}", "@t:0:1{}", "@t:0 {}", "@t::1 {}", "@t:0: {}",
		"@t:-1:1 {}", "@t:0:-1 {}", "@t:01:1 {}", "@t:0:01 {}",
		"@t:2147483648:1 {}", "@t:0:9223372036854775808 {}", "@t/x:0:1 {}",
		"@~1:0:1 {}", "@t:0:1", "@t:0:1\t{}", "@t x:0:1 {}",
	};

	n = quake_kpos_format_prefix("quake", 3, 123456, buf, sizeof buf);
	CHECK_STR(n ? buf : NULL, "@quake:3:123456 ", "prefix: written");
	CHECK(n == strlen(buf), "prefix: its length");
	snprintf(line, sizeof line, "%s{\"id\":\"x\"}", buf);
	CHECK(quake_kpos_parse_prefix(line, strlen(line), &p, &skip, &f) == 1 &&
	    p.topic_len == 5 && memcmp(p.topic, "quake", 5) == 0 &&
	    p.partition == 3 && p.offset == 123456 && strcmp(line + skip, "{\"id\":\"x\"}") == 0,
	    "prefix: read back, the record after it");
	CHECK(quake_kpos_parse_prefix("{\"id\":1}", 8, &p, &skip, &f) == 0,
	    "prefix: a plain line has none");
	CHECK(quake_kpos_parse_prefix("", 0, &p, &skip, &f) == 0, "prefix: empty line: none");
	n = quake_kpos_format_prefix("a.b_c-D9", INT32_MAX, INT64_MAX, buf, sizeof buf);
	CHECK(n > 0 && quake_kpos_parse_prefix(buf, n, &p, &skip, &f) == 1 &&
	    p.partition == INT32_MAX && p.offset == INT64_MAX && skip == n,
	    "prefix: the largest partition and offset, read back (an empty record)");
	memset(line, 'x', 249);
	line[249] = '\0';
	n = quake_kpos_format_prefix(line, 0, 0, buf, sizeof buf);
	CHECK(n == 1 + 249 + 5 && quake_kpos_parse_prefix(buf, n, &p, &skip, &f) == 1 &&
	    p.topic_len == 249, "prefix: a 249-byte topic");
	line[249] = 'x';
	line[250] = '\0';
	CHECK(quake_kpos_format_prefix(line, 0, 0, buf, sizeof buf) == 0,
	    "prefix: a 250-byte topic is not one");
	CHECK(quake_kpos_format_prefix("~12", 0, 0, buf, sizeof buf) == 0,
	    "prefix: no pseudo topic");
	CHECK(quake_kpos_format_prefix("t", -1, 0, buf, sizeof buf) == 0 &&
	    quake_kpos_format_prefix("t", 0, -1, buf, sizeof buf) == 0,
	    "prefix: no negative numbers");
	CHECK(quake_kpos_format_prefix("t", 0, 0, buf, 6) == 0, "prefix: no room");
	for (size_t i = 0; i < NELEM(bad); i++)
		CHECK(quake_kpos_parse_prefix(bad[i], strlen(bad[i]), &p, &skip, &f) == -1 &&
		    strcmp(f.field, "position") == 0, "prefix: refused: %s", bad[i]);
}

static void
ids(void)
{
	struct quake_kpos v[QUAKE_KPOS_MAX + 1], w[QUAKE_KPOS_MAX];
	struct quake_fail f;
	char out[QUAKE_KPOS_ID_MAX + 1], big[QUAKE_KPOS_ID_MAX + 64];
	size_t n;
	int k;
	static const struct { const char *id; int n; } good[] = {
		{ "quake:0:5", 1 },
		{ "quake:0:5,1:7,2:0", 3 },
		{ "quake:0:5;quake-detections:0:1", 2 },
		{ "~1765000000000000:0:12", 1 },
		{ "a:2147483647:9223372036854775807", 1 },
		{ "a:0:1;b:0:2;a:1:3", 3 },	/* one topic in two groups: fine */
	};
	static const char *bad[] = {
		"", "quake", "quake:", "quake:0", "quake:0:", "quake:0:1,", "quake:0:1;",
		"quake:0:1,0:2", "quake:0:1;quake:0:2", ":0:1", "quake:x:1", "quake:0:x",
		"quake:0:1 ", " quake:0:1", "quake:00:1", "quake:0:01", "quake:-1:1",
		"quake:0:-1", "quake:2147483648:1", "quake:0:9223372036854775808",
		"qu ake:0:1", "~:0:1", "~x:0:1", "~123456789012345678901:0:1",
		"quake:0:1;;b:0:1", "quake:0:1,,1:2", "quake:0:1:2", "123",
		"quake:0:1\n", "a/b:0:1",
	};

	for (size_t i = 0; i < NELEM(good); i++) {
		k = quake_kpos_parse_id(good[i].id, strlen(good[i].id), v, &f);
		n = k > 0 ? quake_kpos_format_id(v, (size_t)k, out, sizeof out) : 0;
		CHECK(k == good[i].n, "id: read %s (%d entries)", good[i].id, k);
		if (i < 5)
			CHECK_STR(n ? out : NULL, good[i].id, "id: written back as read: %s", good[i].id);
	}
	CHECK_STR(n ? out : NULL, "a:0:1;b:0:2;a:1:3", "id: groups follow the entries' order");
	k = quake_kpos_parse_id("quake:3:10,1:20", 15, v, &f);
	CHECK(k == 2 && v[0].partition == 3 && v[0].offset == 10 && v[1].partition == 1 &&
	    v[1].offset == 20 && v[1].topic_len == 5, "id: entries in order, topic shared");
	for (size_t i = 0; i < NELEM(bad); i++)
		CHECK(quake_kpos_parse_id(bad[i], strlen(bad[i]), v, &f) == -1 &&
		    strcmp(f.field, "id") == 0, "id: refused: #%zu (%s)", i, f.reason);
	/* 64 partitions: the most */
	for (int i = 0; i < QUAKE_KPOS_MAX + 1; i++)
		v[i] = (struct quake_kpos){ "quake", 5, i, 1000000000LL + i };
	n = quake_kpos_format_id(v, QUAKE_KPOS_MAX, out, sizeof out);
	k = n ? quake_kpos_parse_id(out, n, w, &f) : -1;
	CHECK(k == QUAKE_KPOS_MAX && w[63].partition == 63 && w[63].offset == 1000000063LL,
	    "id: 64 partitions written and read back (%zu bytes)", n);
	CHECK(quake_kpos_format_id(v, QUAKE_KPOS_MAX + 1, out, sizeof out) == 0,
	    "id: 65 partitions are not written");
	memcpy(big, out, n);
	snprintf(big + n, sizeof big - n, ",64:1");
	CHECK(quake_kpos_parse_id(big, strlen(big), w, &f) == -1, "id: 65 partitions are refused");
	CHECK(quake_kpos_format_id(v, 3, out, 20) == 0, "id: no room: nothing");
	n = quake_kpos_format_id(v, 1, out, 19);
	CHECK(n == 0, "id: exactly one byte short: nothing");
	n = quake_kpos_format_id(v, 1, out, 20);
	CHECK_STR(n ? out : NULL, "quake:0:1000000000", "id: exactly room");
	v[0].topic = "bad topic";
	v[0].topic_len = 9;
	CHECK(quake_kpos_format_id(v, 1, out, sizeof out) == 0, "id: a bad topic is not written");
	memset(big, 'a', sizeof big);
	memcpy(big + QUAKE_KPOS_ID_MAX - 3, ":0:1", 4);
	CHECK(quake_kpos_parse_id(big + QUAKE_KPOS_ID_MAX - 3 - 250, 250 + 4, w, &f) == -1 &&
	    quake_kpos_parse_id(big + QUAKE_KPOS_ID_MAX - 3 - 249, 249 + 4, w, &f) == 1,
	    "id: a 250-byte topic is refused, 249 taken");
	CHECK(quake_kpos_parse_id(big, QUAKE_KPOS_ID_MAX + 1, w, &f) == -1,
	    "id: over %d bytes is refused", QUAKE_KPOS_ID_MAX);
}

int
main(void)
{
	prefixes();
	ids();
	return unit_failed;
}
