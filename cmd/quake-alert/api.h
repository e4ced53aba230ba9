/* api — quake-alert's subscriptions that change while it runs. SIGHUP
 * re-reads the rules file; with --api an HTTP API (cmd/common/httpd, in a
 * thread of its own) lets subscribers create, list and delete their rules,
 * kept in a store file beside the rules (lib/alert/subs) and written
 * atomically. Either way the new rule set (the file's rules and the
 * subscribers', parsed by lib/alert/rules) is checked first (a bad one is
 * refused with one line, the old rules stay) and takes over in the main
 * loop once no line and no notice is in flight: reading pauses, what was
 * judged under the old rules is delivered under them, then the targets
 * and the judge are made anew over the same marks (kept by rule name), so
 * the once-per-band marks and the journal go on. */
#ifndef QUAKE_ALERT_API_H
#define QUAKE_ALERT_API_H

#include <getopt.h>
#include <stdint.h>

#include "common/ackq.h"
#include "deliver.h"
#include "judge.h"
#include "alert/marks.h"
#include "alert/rules.h"

enum { API_O_LISTEN = 512, API_O_ADMIN, API_O_STORE, API_O_RATE, API_O_MAX_RULES };

/* quake-alert's long options for the API (getopt_long entries). */
#define API_LONGOPTS \
	{ "api", required_argument, NULL, API_O_LISTEN }, \
	{ "api-admin-token", required_argument, NULL, API_O_ADMIN }, \
	{ "api-store", required_argument, NULL, API_O_STORE }, \
	{ "api-rate", required_argument, NULL, API_O_RATE }, \
	{ "api-max-rules", required_argument, NULL, API_O_MAX_RULES }

#define API_USAGE \
"      --api [ADDR:]PORT   the subscriptions API (127.0.0.1 unless ADDR)\n" \
"      --api-admin-token FILE  the admin's bearer token (owner-only file)\n" \
"      --api-store FILE    the subscribers (RULES-dir/subscriptions.json)\n" \
"      --api-rate N        requests a minute per token or address (60)\n" \
"      --api-max-rules N   rules per subscriber (20)\n"

/* Take option c (one of API_O_*) with its argument: 1, or 0 when c is not
 * an API option. Exits 64 for a bad value. */
int api_option(int c, const char *arg);

/* Once the rules are loaded from rules_path (NULL: from flags) into *rs:
 * SIGHUP is caught; with --api the store's rules join *rs (78 after one
 * line when they cannot) and, unless check (--check), the API starts
 * listening. 0, or an exit status after one logged line. */
int api_start(const char *rules_path, struct quake_rules *rs, int check);

/* 1 while a new rule set waits to take over (stop reading input); a
 * SIGHUP since the last call is handled here (the file re-read, refused
 * with one line when bad). */
int api_reload_waiting(void);

/* With nothing in flight (no line pending, no notice queued): the waiting
 * rule set replaces *rs, the targets and *j (the same q, marks and
 * counters). 0, or an exit status after a logged line when even the old
 * targets cannot be made again. */
int api_reload_apply(struct ackq *q, struct judge **j, struct quake_rules *rs,
    struct quake_marks *m, int64_t window_us, const struct deliver_opts *o);

/* deliver_counts over the whole run (deliver's own start again at a
 * reload). */
void api_deliver_counts(long long *sent, long long *retries, long long *given_up);

/* Stop the API (joins its thread) and free what it holds. */
void api_stop(void);

#endif
