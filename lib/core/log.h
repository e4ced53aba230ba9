/* log — one-line logfmt diagnostics for cmd/: "prog: level=warn msg=… k=v".
 * No library module logs; only the tools call this, after quake_log_init. */
#ifndef QUAKE_LOG_H
#define QUAKE_LOG_H

#include <stdio.h>

enum quake_log_level {
	QUAKE_LOG_DEBUG, QUAKE_LOG_INFO, QUAKE_LOG_WARN, QUAKE_LOG_ERROR
};

/* prog is borrowed (must outlive logging); fp borrowed; lines below min
 * are dropped. */
void quake_log_init(const char *prog, FILE *fp, enum quake_log_level min);

/* Log msg with key/value string pairs, the list ended by NULL. Values that
 * are empty or hold spaces, quotes, '=' or control characters are quoted. */
void quake_log(enum quake_log_level level, const char *msg, ...)
    __attribute__((sentinel));

/* Parse "debug|info|warn|error" into *out; -1 if unknown. */
int quake_log_level_parse(const char *s, enum quake_log_level *out);

#endif
