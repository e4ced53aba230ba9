/* err — error strings and the error-to-exit-status mapping. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

const char *
quake_err_str(enum quake_err err)
{
	switch (err) {
	case QUAKE_OK:		return "ok";
	case QUAKE_EOF:		return "end of input";
	case QUAKE_EAGAIN:	return "no input ready";
	case QUAKE_EINPUT:	return "input rejected";
	case QUAKE_ETOOLONG:	return "input too long";
	case QUAKE_ENOMEM:	return "out of memory";
	case QUAKE_EIO:		return "I/O error";
	case QUAKE_EUSAGE:	return "usage error";
	case QUAKE_ECONFIG:	return "configuration error";
	case QUAKE_EUNAVAIL:	return "service unavailable";
	case QUAKE_ETEMP:	return "temporary failure";
	case QUAKE_EAUTH:	return "authentication failed";
	case QUAKE_EINTERNAL:	return "internal error";
	}
	return "unknown error";
}

int
quake_err_exit_status(enum quake_err err)
{
	switch (err) {
	case QUAKE_OK:
	case QUAKE_EOF:		return QUAKE_EXIT_OK;
	case QUAKE_EINPUT:
	case QUAKE_ETOOLONG:	return QUAKE_EXIT_DATAERR;
	case QUAKE_EUSAGE:	return QUAKE_EXIT_USAGE;
	case QUAKE_ECONFIG:
	case QUAKE_EAUTH:	return QUAKE_EXIT_CONFIG;
	case QUAKE_EUNAVAIL:	return QUAKE_EXIT_UNAVAILABLE;
	case QUAKE_EAGAIN:
	case QUAKE_ETEMP:	return QUAKE_EXIT_TEMPFAIL;
	case QUAKE_EIO:		return QUAKE_EXIT_IOERR;
	case QUAKE_ENOMEM:
	case QUAKE_EINTERNAL:	return QUAKE_EXIT_SOFTWARE;
	}
	return QUAKE_EXIT_SOFTWARE;
}

enum quake_err
quake_err_fail(struct quake_fail *f, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (f == NULL)
		return QUAKE_EINPUT;
	snprintf(f->field, sizeof f->field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof f->reason, fmt, ap);
	va_end(ap);
	return QUAKE_EINPUT;
}
