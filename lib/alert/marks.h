/* marks — what quake-alert told each rule about each event (struct
 * quake_alert_mark), kept across restarts in a journal file: one JSON line
 * per change, appended and fdatasync'ed before the lines it covers are
 * acknowledged; rewritten atomically (temporary file, fsync, rename, fsync
 * of the directory), without the marks of events older than the window,
 * at open and whenever it has grown to twice the live marks. A torn last
 * line (a crash mid-append) is skipped.
 *
 * Two views of each mark: "decided" (what later lines are judged against,
 * set as soon as a decision is taken) and "committed" (what the file holds:
 * each decision as its notice is delivered, the others once their line's
 * notices were all delivered or given up). */
#ifndef QUAKE_MARKS_H
#define QUAKE_MARKS_H

#include <stddef.h>
#include <stdint.h>

#include "alert/alert.h"
#include "core/err.h"

struct quake_marks_rule {
	char rule[96];		/* the target's key (struct quake_target) */
	struct quake_alert_mark decided, committed;
};

/* The marks of one event: one per rule that was told something. */
struct quake_marks_event {
	char id[64];
	size_t n, cap;
	struct quake_marks_rule *r;	/* owned by the table */
};

struct quake_marks;

/* Open (or create) the journal path, keep marks of events whose origin is
 * after now - window_us, and rewrite it. *out is owned by the caller
 * (quake_marks_close). *skipped (may be NULL) gets the count of unreadable
 * lines. QUAKE_EIO (errno) or QUAKE_ENOMEM; f says why. */
enum quake_err quake_marks_open(const char *path, int64_t window_us,
    int64_t now, struct quake_marks **out, size_t *skipped,
    struct quake_fail *f);

/* The marks of event id, or NULL; borrowed until the next set. */
const struct quake_marks_event *quake_marks_find(const struct quake_marks *m,
    const char *id);

/* The decided mark of (id, rule) into *out (zeroed when none). */
void quake_marks_get(const struct quake_marks *m, const char *id,
    const char *rule, struct quake_alert_mark *out);

/* Set the decided mark of (id, rule). QUAKE_ENOMEM. */
enum quake_err quake_marks_set(struct quake_marks *m, const char *id,
    const char *rule, const struct quake_alert_mark *mk);

/* Commit mk as (id, rule)'s mark: queued for the next sync; a mark older
 * (lastupdate) than the committed one is ignored, so commits may come in
 * any order. QUAKE_ENOMEM. */
enum quake_err quake_marks_commit(struct quake_marks *m, const char *id,
    const char *rule, const struct quake_alert_mark *mk);

/* Append what was committed since the last sync and fdatasync; compact
 * when the journal has grown. QUAKE_OK (also when nothing was due) or
 * QUAKE_EIO (errno). */
enum quake_err quake_marks_sync(struct quake_marks *m, int64_t now);

/* Live marks (rule, event pairs). */
size_t quake_marks_count(const struct quake_marks *m);

void quake_marks_close(struct quake_marks *m);

#endif
