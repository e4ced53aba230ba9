/* state — emsc-tail's checkpoint: the newest lastupdate handled, kept in a
 * small file as one ISO-8601 line. Written atomically (temporary file in
 * the same directory, fsync, rename, fsync of the directory), so a crash
 * at any moment leaves the old checkpoint or the new one, never a torn one. */
#ifndef QUAKE_STATE_H
#define QUAKE_STATE_H

#include <stdint.h>

#include "core/err.h"

/* Read the checkpoint of path into *us. QUAKE_OK; QUAKE_EOF when the file
 * does not exist (a first start); QUAKE_EINPUT (f says why) when it holds
 * something else; QUAKE_EIO when it cannot be read. */
enum quake_err quake_state_read(const char *path, int64_t *us,
    struct quake_fail *f);

/* How far ahead of the clock a checkpoint may be (clock skew between
 * EMSC and us): 10 minutes. */
#define QUAKE_STATE_SKEW_US (600LL * 1000000)

/* us, or now + QUAKE_STATE_SKEW_US when us lies beyond that (µs since the
 * epoch both). */
int64_t quake_state_clamp(int64_t us, int64_t now);

/* Replace the checkpoint of path with us. QUAKE_OK or QUAKE_EIO (errno
 * set). */
enum quake_err quake_state_write(const char *path, int64_t us);

#endif
