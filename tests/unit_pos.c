/* unit_pos — quake-map's stream sources and a client's id vector: what a
 * resumed client lacks, a partition read only later, an id older than what
 * is held, the newest revision's shared id. */
#include <stdint.h>
#include <string.h>

#include "quake-map/pos.h"
#include "unit.h"

static int
rd(struct pos_table *t, const char *topic, int32_t part, int64_t off)
{
	struct quake_kpos p = { topic, strlen(topic), part, off };

	return pos_read(t, &p);
}

static const char *
id_of(struct pos_cursor *c, struct pos_table *t, int src, int64_t off)
{
	static char out[QUAKE_KPOS_ID_MAX + 1];

	return pos_cursor_id(c, t, src, off, out, sizeof out) ? out : "";
}

int
main(void)
{
	static struct pos_table t;
	struct pos_cursor c;
	const char *why = NULL;
	char head[QUAKE_KPOS_ID_MAX + 1];
	int s0, s1, s2;

	s1 = rd(&t, "quake", 1, 10);
	s0 = rd(&t, "quake", 0, 5);
	CHECK(s1 == 0 && s0 == 1 && rd(&t, "quake", 1, 12) == s1 && t.n == 2,
	    "table: a source per (topic, partition), in the order first read");
	rd(&t, "quake", 0, 3);
	CHECK(t.src[s0].lo == 3 && t.src[s0].hi == 5 && t.src[s1].lo == 10 && t.src[s1].hi == 12,
	    "table: the lowest and highest offset read");
	CHECK(pos_head_id(&t, head, sizeof head) > 0 && strcmp(head, "quake:0:5,1:12") == 0,
	    "table: its vector as an id, partitions in order (quake:0:5,1:12)");

	/* a new client lacks everything; at the newest revision its id is the table's */
	CHECK(pos_cursor_from(&c, &t, NULL, 0, &why) == 0 && pos_cursor_lacks(&c, &t, s1, 10) == 1,
	    "fresh: lacks what was read");
	pos_cursor_took(&c, s1, 10);
	CHECK(strcmp(id_of(&c, &t, s0, 3), "quake:0:3,1:10") == 0 &&
	    pos_cursor_lacks(&c, &t, s1, 10) == 0 && pos_cursor_lacks(&c, &t, s1, 12) == 1,
	    "fresh: after one, its id names it (quake:0:3,1:10)");
	CHECK(pos_cursor_within(&c, &t) == 1, "fresh: within the table's vector");
	pos_cursor_took_head(&c, &t);
	CHECK(strcmp(id_of(&c, &t, -1, 0), "quake:0:5,1:12") == 0, "at the newest: the table's id");
	pos_cursor_free(&c);

	/* resumed: lacks only what is beyond; a partition not read yet stays
	 * its floor until it is */
	CHECK(pos_cursor_from(&c, &t, "quake:0:4,2:7", 13, &why) == 0, "resumed: an id read");
	CHECK(pos_cursor_lacks(&c, &t, s0, 4) == 0 && pos_cursor_lacks(&c, &t, s0, 5) == 1 &&
	    pos_cursor_lacks(&c, &t, s1, 10) == 1, "resumed: lacks what is beyond its vector only");
	CHECK(pos_cursor_within(&c, &t) == 0, "resumed: not within while partition 2 is not read here");
	CHECK(strcmp(id_of(&c, &t, s0, 5), "quake:0:5,2:7") == 0,
	    "resumed: its id keeps the partition not read yet (quake:0:5,2:7)");
	s2 = rd(&t, "quake", 2, 6);
	CHECK(pos_cursor_lacks(&c, &t, s2, 6) == 0 && pos_cursor_lacks(&c, &t, s2, 8) == 1,
	    "resumed: partition 2, read now, keeps the floor the id gave it");
	CHECK(pos_cursor_within(&c, &t) == 0, "resumed: ahead of the table on partition 2 (7 > 6)");
	rd(&t, "quake", 2, 8);
	CHECK(pos_cursor_within(&c, &t) == 1, "resumed: within once the table read past it");
	pos_cursor_free(&c);

	/* older than what is held: an offset more than one below the first read */
	CHECK(pos_cursor_from(&c, &t, "quake:0:2", 9, &why) == 0, "quake:0:2 (first read 3): not older");
	pos_cursor_free(&c);
	CHECK(pos_cursor_from(&c, &t, "quake:0:1,1:11", 14, &why) == 1 &&
	    pos_cursor_lacks(&c, &t, s1, 10) == 1, "quake:0:1 (first read 3): older, the whole set");
	pos_cursor_free(&c);
	CHECK(pos_cursor_from(&c, &t, "quake:0:9223372036854775807", 27, &why) == 0,
	    "the largest offset: no overflow");
	pos_cursor_free(&c);
	CHECK(pos_cursor_from(&c, &t, "17650000000001234", 17, &why) == 1,
	    "a number (a seq of before): the whole set");
	pos_cursor_free(&c);
	CHECK(pos_cursor_from(&c, &t, "quake:x", 7, &why) == -1 && why != NULL,
	    "not an id: refused (%s)", why ? why : "");
	CHECK(pos_cursor_from(&c, &t, "other:0:5", 9, &why) == 0 &&
	    pos_cursor_lacks(&c, &t, s0, 3) == 1, "another topic's id: everything here is lacked");
	pos_cursor_free(&c);

	/* a full table */
	for (int i = 3; i < POS_MAX; i++)
		rd(&t, "quake", i, 0);
	CHECK(t.n == POS_MAX && rd(&t, "quake", POS_MAX, 0) == POS_NONE,
	    "table: %d sources at most", POS_MAX);
	CHECK(pos_head_id(&t, head, sizeof head) > 0, "table: a full table's id fits (%zu bytes)",
	    strlen(head));
	return unit_failed;
}
