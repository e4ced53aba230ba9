/* fuzz_marks — the quake-alert state journal reader (quake_marks_open: one
 * JSON line per mark, torn and unreadable lines skipped, then compacted):
 * never crashes or leaks; what it rewrites reads back with nothing skipped
 * and the same marks, and takes a commit and a sync. The input is written
 * to a temporary file, since the journal is only read from a path. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert/marks.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[256];
	const int64_t now = 1764576000000000LL, window = INT64_MAX / 2;
	struct quake_alert_mark mk = { .have = 1, .band = 2, .gen = 1,
	    .lastupdate = now, .time = now };
	struct quake_marks *m;
	struct quake_fail f;
	size_t skipped, n1;
	FILE *fp;

	if (path[0] == '\0')
		snprintf(path, sizeof path, "%s/fuzz_marks.%ld",
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (long)getpid());
	if ((fp = fopen(path, "we")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		abort();
	if (fclose(fp) != 0)
		abort();
	/* the window reaches before year 0: nothing is dropped for age */
	if (quake_marks_open(path, window, now, &m, &skipped, &f) != QUAKE_OK)
		abort();
	n1 = quake_marks_count(m);
	quake_marks_close(m);
	if (quake_marks_open(path, window, now, &m, &skipped, &f) != QUAKE_OK ||
	    skipped != 0 || quake_marks_count(m) != n1)
		abort();
	if (quake_marks_commit(m, "fuzz", "r", &mk) != QUAKE_OK ||
	    quake_marks_sync(m, now) != QUAKE_OK)
		abort();
	quake_marks_close(m);
	unlink(path);
	return 0;
}
