/* emsc — what its files share: the options and counters, the
 * document handler (emsc-tail.c), the checkpoint (emsc-checkpoint.c) and
 * the live feed with its back-fills (emsc-live.c). */
#ifndef QUAKE_EMSC_H
#define QUAKE_EMSC_H

#include <stddef.h>
#include <stdint.h>

#include "common/ackq.h"
#include "lines/event.h"
#include "core/seen.h"

struct emsc_opt {
	const char *replay;
	const char *dead_letter;
	int raw;
	long count;
	const char *url, *fdsn_url, *state, *acks, *since, *cacert;
	int64_t margin;
	long idle, page;
};
extern struct emsc_opt opt;

struct emsc_stats {
	unsigned long in, out, rejected, dups, reconnects, backfilled;
};
extern struct emsc_stats stats;

extern struct quake_seen *seen;	/* revisions printed, live or back-filled */

/* One document being handled: its text for the dead-letter file. */
struct doc_ctx {
	const char *buf;
	size_t len;
	unsigned long lineno;
	int stop;
};

/* One event of a document (a quake_event_fn): print it, or report it
 * rejected; non-zero once stdout is gone or --count is reached. */
int emsc_on_event(void *arg, size_t index, enum quake_err err,
    const struct quake_event *ev, const struct quake_fail *f, const char *raw);

/* Normalize one document (frame, Feature or FeatureCollection) and print
 * its events. 0 to go on, -1 to stop (stdout gone or --count reached). */
int emsc_handle_doc(char *buf, size_t len, unsigned long lineno);

/* ---- the checkpoint: the newest lastupdate handled ---- */
struct emsc_checkpoint {
	int64_t cp;		/* 0 = none yet */
	int64_t written;	/* what the state file holds */
	int64_t written_at;	/* µs */
	struct ackq pending;	/* --acks: lastupdate of each printed line not
				 * yet acknowledged; sequence = line - 1 */
};
extern struct emsc_checkpoint checkpoint;

/* Read --state (when given) and clamp it; 0 or an exit status (logged). */
int checkpoint_load(void);

/* A line went out: handled now, or once its status line comes back. */
void checkpoint_printed(int64_t lu);

/* Every line up to the newest acknowledged is handled. */
void checkpoint_acks_read(void);

/* Write the checkpoint when it moved, at most once a second unless forced. */
void checkpoint_save(int force);

void checkpoint_free(void);

/* ---- the live feed ---- */

/* The WebSocket and its FDSN back-fills until a stop; the exit status. */
int emsc_live(void);

#endif
