/* testrun — quake-alert --test RULE: one clearly marked test notice to
 * each of the rule's targets (a made-up event at its area's centre), then
 * the delivery's result as the exit status. */
#ifndef QUAKE_ALERT_TESTRUN_H
#define QUAKE_ALERT_TESTRUN_H

#include "alert/rules.h"

/* Send and wait (deliver_init and say_init done). Exit status: 0 every
 * target took its notice, 69 one refused it or was not reached within
 * a minute, 64 no rule of that name, 75
 * stopped by a signal first. Frees the targets and rs. */
int testrun(struct quake_rules *rs, const char *name);

#endif
