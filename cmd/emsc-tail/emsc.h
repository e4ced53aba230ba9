/* emsc — what emsc-tail's files share: one struct emsc, made in main and
 * passed by pointer, with the options, the counters, the revisions printed
 * and the checkpoint. */
#ifndef QUAKE_EMSC_H
#define QUAKE_EMSC_H

#include <stddef.h>
#include <stdint.h>

#include "common/ackq.h"
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

struct emsc_stats {
	unsigned long in, out, rejected, dups, reconnects, backfilled;
};

/* the newest lastupdate handled */
struct emsc_checkpoint {
	int64_t cp;		/* 0 = none yet */
	int64_t written;	/* what the state file holds */
	int64_t written_at;	/* µs */
	struct ackq pending;	/* --acks: lastupdate of each printed line not
				 * yet acknowledged; sequence = line - 1 */
};

struct emsc {
	struct emsc_opt opt;
	struct emsc_stats stats;
	struct quake_seen *seen;	/* revisions printed, live or back-filled;
					 * NULL on --replay */
	struct emsc_checkpoint checkpoint;
};

#endif
