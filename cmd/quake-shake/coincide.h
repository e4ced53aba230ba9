/* coincide — quake-shake --coincide: the coincidence stage after
 * several detectors. Onset lines in (trigger lines taken and passed over),
 * K/T/R over all of them (lib/shake/coinc), detection lines out. */
#ifndef QUAKE_COINCIDE_H
#define QUAKE_COINCIDE_H

#include "shake/coinc.h"

/* Filter stdin to stdout with conf (borrowed). The exit status: 0, 65 when
 * a line was rejected, 70, 74. */
int coincide_run(const struct quake_coinc_conf *conf);

#endif
