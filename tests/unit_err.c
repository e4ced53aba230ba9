/* unit_qerr — error strings and the exit statuses of docs/design.md. */
#include "core/err.h"
#include "unit.h"

int
main(void)
{
	static const struct { enum quake_err err; int status; } cases[] = {
		{ QUAKE_OK, 0 }, { QUAKE_EOF, 0 }, { QUAKE_EINPUT, 65 },
		{ QUAKE_ETOOLONG, 65 }, { QUAKE_EUSAGE, 64 },
		{ QUAKE_EUNAVAIL, 69 }, { QUAKE_EINTERNAL, 70 },
		{ QUAKE_ENOMEM, 70 }, { QUAKE_EIO, 74 }, { QUAKE_ETEMP, 75 },
		{ QUAKE_EAGAIN, 75 }, { QUAKE_ECONFIG, 78 }, { QUAKE_EAUTH, 78 },
	};
	struct quake_fail f;

	for (size_t i = 0; i < NELEM(cases); i++) {
		CHECK(quake_err_exit_status(cases[i].err) == cases[i].status,
		    "err %s exits %d", quake_err_str(cases[i].err),
		    cases[i].status);
		CHECK(strcmp(quake_err_str(cases[i].err), "unknown error") != 0,
		    "err %d has a string", (int)cases[i].err);
	}
	CHECK(quake_err_fail(&f, "lat", "%d out of range", 91) == QUAKE_EINPUT,
	    "quake_err_fail returns QUAKE_EINPUT");
	CHECK_STR(f.field, "lat", "quake_err_fail sets field");
	CHECK_STR(f.reason, "91 out of range", "quake_err_fail formats reason");
	CHECK(quake_err_fail(NULL, "x", "y") == QUAKE_EINPUT,
	    "quake_err_fail accepts NULL");
	return unit_failed;
}
