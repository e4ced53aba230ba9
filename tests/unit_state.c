/* unit_state — the checkpoint file: round trip, first start, garbage,
 * and the atomic replace leaving no temporary file. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/state.h"
#include "unit.h"

int
main(void)
{
	char dir[] = "/tmp/quake-state-XXXXXX", path[64], tmp[80];
	static const struct { const char *text; enum quake_err want; int64_t us; } cases[] = {
		{ "2024-04-06T03:28:24.385933Z\n", QUAKE_OK, 1712374104385933LL },
		{ "2024-04-06T03:28:24Z", QUAKE_OK, 1712374104000000LL },
		{ "", QUAKE_EINPUT, 0 },
		{ "yesterday\n", QUAKE_EINPUT, 0 },
		{ "2024-13-06T03:28:24Z\n", QUAKE_EINPUT, 0 },
	};
	struct quake_fail f;
	int64_t us;
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof path, "%s/state", dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	CHECK(quake_state_read(path, &us, &f) == QUAKE_EOF, "state: missing file is a first start");
	for (size_t i = 0; i < NELEM(cases); i++) {
		fp = fopen(path, "w");
		fputs(cases[i].text, fp);
		fclose(fp);
		us = -1;
		enum quake_err err = quake_state_read(path, &us, &f);
		CHECK(err == cases[i].want && (err != QUAKE_OK || us == cases[i].us),
		    "state: read case %zu", i);
	}
	CHECK(quake_state_write(path, 1712374104385933LL) == QUAKE_OK, "state: write");
	CHECK(quake_state_read(path, &us, &f) == QUAKE_OK && us == 1712374104385933LL,
	    "state: what was written reads back");
	CHECK(access(tmp, F_OK) != 0, "state: no temporary file is left");
	CHECK(quake_state_write("/nonexistent/dir/state", 1) == QUAKE_EIO,
	    "state: unwritable directory is an I/O error");
	/* a checkpoint never lies beyond now + 10 min */
	static const struct { int64_t us, now, want; } clamp[] = {
		{ 1000, 2000, 1000 },
		{ 2000 + QUAKE_STATE_SKEW_US, 2000, 2000 + QUAKE_STATE_SKEW_US },
		{ 2001 + QUAKE_STATE_SKEW_US, 2000, 2000 + QUAKE_STATE_SKEW_US },
		{ 253402214400000000LL, 1712374104385933LL, 1712374104385933LL + QUAKE_STATE_SKEW_US },
	};
	for (size_t i = 0; i < NELEM(clamp); i++)
		CHECK(quake_state_clamp(clamp[i].us, clamp[i].now) == clamp[i].want,
		    "state: clamp case %zu", i);
	unlink(path);
	rmdir(dir);
	return unit_failed;
}
