/* flagrule — the one rule quake-alert's flags build (--name, --minmagnitude,
 * --circle, ..., --webhook, --ntfy), as the JSON object a rules file would
 * hold, checked with the rest by lib/alert/rules. */
#ifndef QUAKE_ALERT_FLAGRULE_H
#define QUAKE_ALERT_FLAGRULE_H

#include <jansson.h>

/* Option name (without "--") and its argument into the rule; exits 64
 * with one line when numbers are not numbers. */
void flagrule_add(const char *name, const char *arg);

/* The rule built, or NULL when no flag was given; owned by the caller
 * (json_decref) once taken. */
json_t *flagrule_take(void);

#endif
