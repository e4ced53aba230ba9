/* kinds — the line kinds quake-produce carries besides events (--kind):
 * each is validated by its lib parser, never "anything goes", passed on as
 * it is and keyed by what keeps its order (docs/design.md, line kinds). */
#ifndef QUAKE_KINDS_H
#define QUAKE_KINDS_H

#include <stddef.h>

#include "core/err.h"
#include "lines/samples.h"

#define KIND_KEY_MAX (32 + QUAKE_SAMPLES_ID_MAX)

struct kind {
	const char *name;
	/* Validate buf[len]; write its key into key[KIND_KEY_MAX] and point
	 * *id at the status line's id (NUL-terminated, inside key or the
	 * kind's scratch, valid until the next call). The key's length, or 0
	 * with *f saying why the line is refused. */
	size_t (*key)(const char *buf, size_t len, char *key, const char **id,
	    struct quake_fail *f);
};

/* The kind called name into *out (NULL for "event", the default); QUAKE_OK,
 * QUAKE_EUSAGE for a name that is no kind, QUAKE_ENOMEM. Static storage. */
enum quake_err kinds_find(const char *name, const struct kind **out);

#endif
