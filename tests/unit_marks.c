/* unit_marks — the marks journal: what is committed and synced survives a
 * reopen, what is only decided does not, old events are pruned, a torn last
 * line is skipped, and the file is compacted as it grows. */
#include <stdlib.h>
#include <unistd.h>

#include "alert/marks.h"
#include "unit.h"

#define DAY (86400LL * 1000000)

static size_t
file_lines(const char *path)
{
	FILE *fp = fopen(path, "r");
	size_t n = 0;
	int c;

	while (fp && (c = getc(fp)) != EOF)
		n += c == '\n';
	if (fp)
		fclose(fp);
	return n;
}

int
main(void)
{
	char dir[] = "/tmp/unit_marks.XXXXXX", path[256];
	struct quake_marks *m;
	struct quake_fail f;
	struct quake_alert_mark a = { 1, 2, 0, 0, 100 * DAY, 99 * DAY }, got;
	size_t skipped = 9;
	int64_t now = 100 * DAY;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/marks", dir);
	CHECK(quake_marks_open(path, 30 * DAY, now, &m, &skipped, &f) == QUAKE_OK &&
	    skipped == 0 && quake_marks_count(m) == 0, "a new journal opens empty");
	quake_marks_set(m, "ev1", "r1", &a);
	quake_marks_get(m, "ev1", "r1", &got);
	CHECK(got.have && got.band == 2, "decided mark read back");
	quake_marks_get(m, "ev1", "r2", &got);
	CHECK(!got.have, "no mark for another rule");
	CHECK(quake_marks_find(m, "ev1") != NULL && quake_marks_find(m, "ev1")->n == 1 &&
	    quake_marks_find(m, "ev2") == NULL, "find by event");
	struct quake_alert_mark b = { 1, 0, 1, 1, 100 * DAY + 5, 80 * DAY };
	quake_marks_set(m, "ev2", "r1", &b);
	quake_marks_commit(m, "ev2", "r1", &b);
	struct quake_alert_mark c = { 1, 4, 0, 0, 100 * DAY, 99 * DAY };
	quake_marks_set(m, "ev3 \"quoted\"", "r\\2", &c);
	quake_marks_commit(m, "ev3 \"quoted\"", "r\\2", &c);
	CHECK(quake_marks_sync(m, now) == QUAKE_OK && file_lines(path) == 2, "sync appends two lines");
	quake_marks_close(m);

	CHECK(quake_marks_open(path, 30 * DAY, now, &m, &skipped, &f) == QUAKE_OK &&
	    quake_marks_count(m) == 2, "reopened: the two committed marks");
	quake_marks_get(m, "ev1", "r1", &got);
	CHECK(!got.have, "a decided, uncommitted mark is not kept");
	quake_marks_get(m, "ev2", "r1", &got);
	CHECK(got.have && got.band == 0 && got.gen == 1 && got.cancelled &&
	    got.lastupdate == 100 * DAY + 5 && got.time == 80 * DAY, "committed mark round trip");
	quake_marks_get(m, "ev3 \"quoted\"", "r\\2", &got);
	CHECK(got.have && got.band == 4, "escaped id and rule round trip");
	quake_marks_close(m);

	CHECK(quake_marks_open(path, 30 * DAY, 125 * DAY, &m, &skipped, &f) == QUAKE_OK &&
	    quake_marks_count(m) == 1 && file_lines(path) == 1, "25 days on: the event of day 80 pruned, day 99 kept");
	quake_marks_close(m);

	FILE *fp = fopen(path, "a");
	fputs("{\"id\":\"ev4\",\"rule\":\"r1\",\"band\":1,\"gen\"", fp);
	fclose(fp);
	CHECK(quake_marks_open(path, 30 * DAY, now, &m, &skipped, &f) == QUAKE_OK &&
	    skipped == 1 && quake_marks_count(m) == 1, "a torn last line is skipped");
	for (int i = 0; i < 1500; i++) {
		struct quake_alert_mark d = { 1, i % 5, 0, 0, 100 * DAY + i, 99 * DAY };
		quake_marks_set(m, "ev5", "r1", &d);
		quake_marks_commit(m, "ev5", "r1", &d);
		quake_marks_sync(m, now);
	}
	CHECK(file_lines(path) < 1100 && quake_marks_count(m) == 2,
	    "the journal is compacted as it grows (%zu lines)", file_lines(path));
	quake_marks_close(m);
	CHECK(quake_marks_open(path, 30 * DAY, now, &m, &skipped, &f) == QUAKE_OK, "reopen after compaction");
	quake_marks_get(m, "ev5", "r1", &got);
	CHECK(got.lastupdate == 100 * DAY + 1499 && got.band == 1499 % 5, "the last commit wins");
	/* commits out of line order (a delivered notice's at once, an earlier
	 * line's later): an older mark never takes a newer one back */
	struct quake_alert_mark newer = { 1, 3, 0, 0, 100 * DAY + 2000, 99 * DAY },
	    older = { 1, 1, 0, 0, 100 * DAY + 1700, 99 * DAY };
	quake_marks_commit(m, "ev5", "r1", &newer);
	quake_marks_commit(m, "ev5", "r1", &older);
	quake_marks_sync(m, now);
	quake_marks_close(m);
	CHECK(quake_marks_open(path, 30 * DAY, now, &m, &skipped, &f) == QUAKE_OK, "reopen after out-of-order commits");
	quake_marks_get(m, "ev5", "r1", &got);
	CHECK(got.lastupdate == 100 * DAY + 2000 && got.band == 3,
	    "an older commit after a newer one is not kept (band %d)", got.band);
	quake_marks_close(m);

	char bad[300];
	snprintf(bad, sizeof bad, "%s/no/such/dir/marks", dir);
	CHECK(quake_marks_open(bad, 30 * DAY, now, &m, &skipped, &f) == QUAKE_EIO &&
	    m == NULL && strstr(f.reason, "cannot write") != NULL, "an unwritable path: EIO");
	snprintf(bad, sizeof bad, "rm -rf '%s'", dir);
	if (system(bad) != 0)
		return 1;
	return unit_failed;
}
