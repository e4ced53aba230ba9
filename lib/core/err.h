/* err — the one error enum of libquake, its strings, and the exit statuses
 * of docs/design.md. Functions that can fail return enum quake_err; those
 * that judge input also fill a struct quake_fail naming field and reason. */
#ifndef QUAKE_ERR_H
#define QUAKE_ERR_H

#include <stddef.h>

enum quake_err {
	QUAKE_OK = 0,
	QUAKE_EOF,		/* end of input: not a failure */
	QUAKE_EAGAIN,		/* nothing to read now (non-blocking input) */
	QUAKE_EINPUT,		/* input rejected: bad JSON, shape or value */
	QUAKE_ETOOLONG,		/* input longer than the configured cap */
	QUAKE_ENOMEM,
	QUAKE_EIO,		/* read/write failed */
	QUAKE_EUSAGE,		/* bad command-line usage */
	QUAKE_ECONFIG,		/* bad configuration */
	QUAKE_EUNAVAIL,		/* a service is unavailable */
	QUAKE_ETEMP,		/* temporary failure: try again later */
	QUAKE_EAUTH,		/* credentials missing or refused */
	QUAKE_EINTERNAL
};

/* Why one input was rejected: the field ("" when the whole input) and reason.
 * Plain storage owned by the caller; libquake fills it on QUAKE_EINPUT. */
struct quake_fail {
	char field[64];
	char reason[160];
};

/* Static string for err; never NULL. */
const char *quake_err_str(enum quake_err err);

/* The process exit status (sysexits values of docs/design.md) for err. */
int quake_err_exit_status(enum quake_err err);

/* Fill f (caller-owned, may be NULL) and return QUAKE_EINPUT. printf-style. */
enum quake_err quake_err_fail(struct quake_fail *f, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Exit statuses, the same in every tool. */
enum {
	QUAKE_EXIT_OK = 0,
	QUAKE_EXIT_USAGE = 64,
	QUAKE_EXIT_DATAERR = 65,
	QUAKE_EXIT_UNAVAILABLE = 69,
	QUAKE_EXIT_SOFTWARE = 70,
	QUAKE_EXIT_IOERR = 74,
	QUAKE_EXIT_TEMPFAIL = 75,
	QUAKE_EXIT_CONFIG = 78
};

#endif
