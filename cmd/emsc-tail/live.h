/* live — emsc-tail's live feed: the EMSC WebSocket and its FDSN
 * back-fills. */
#ifndef QUAKE_LIVE_H
#define QUAKE_LIVE_H

#include "emsc.h"

/* The WebSocket and its back-fills until a stop; the exit status. Makes
 * e->seen and loads e->checkpoint: the caller frees both, also after an
 * early return. */
int live_run(struct emsc *e);

#endif
