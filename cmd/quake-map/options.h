/* options — quake-map's flags and its usage (options.c). */
#ifndef QUAKE_MAP_OPTIONS_H
#define QUAKE_MAP_OPTIONS_H

#include <stdint.h>

#include "archive.h"

#ifndef QUAKE_ASSETS_DIR
#define QUAKE_ASSETS_DIR "/usr/local/share/quake/web"
#endif

/* What the flags say; every string borrowed from argv or the environment. */
struct map_opts {
	const char *listen, *assets, *cert, *key, *dead, *places;
	const char *tiles, *tiles_attr;	/* NULL: the environment's */
	int64_t window;			/* µs of event time held (0: all) */
	long max, queue;		/* --max-events, --client-queue */
	struct archive_opts ao;		/* --archive and its table's flags */
};

/* Fill *o from argv and the environment: -1 to go on, or the exit status
 * (0 after --help, 64 with the usage on stderr). */
int map_options(struct map_opts *o, int argc, char **argv);

/* Log why (may be NULL), print the usage on stderr; returns 64. */
int map_usage(const char *why);

#endif
