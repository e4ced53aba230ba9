/* checkpoint — emsc-tail's checkpoint: the newest lastupdate handled,
 * kept in the --state file. */
#ifndef QUAKE_CHECKPOINT_H
#define QUAKE_CHECKPOINT_H

#include <stdint.h>

#include "emsc.h"

/* Read --state (when given) and clamp it; 0 or an exit status (logged). */
int checkpoint_load(struct emsc *e);

/* A line went out: handled now, or once its status line comes back. */
void checkpoint_printed(struct emsc *e, int64_t lu);

/* Every line up to the newest acknowledged is handled. */
void checkpoint_acks_read(struct emsc *e);

/* Write the checkpoint when it moved, at most once a second unless forced. */
void checkpoint_save(struct emsc *e, int force);

void checkpoint_free(struct emsc *e);

#endif
