/* deliver — quake-alert's notices to their targets over libcurl multi:
 * one kept-alive connection and one notice in flight per target, so each
 * target gets its notices in order and a target that is down delays only
 * its own; retries back off with full jitter, Retry-After is honoured, and
 * a notice not delivered within the give-up time goes to the dead-letter
 * file. Webhooks are signed the Standard Webhooks way; ntfy gets its
 * headers and an optional bearer token; email goes over libcurl's SMTP
 * (STARTTLS or SMTPS, never in the clear), the same mail (Message-ID) each
 * try. Secrets are read from files that only their owner may read, and are
 * never logged. */
#ifndef QUAKE_DELIVER_H
#define QUAKE_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "alert/alert.h"
#include "alert/rules.h"

struct notice {
	uint64_t line;			/* the ackq sequence number of its line */
	size_t rule;			/* index into the rule set */
	size_t target;			/* index into the rule's targets */
	char id[QUAKE_ALERT_ID_LEN + 1];	/* webhook-id */
	char *body;			/* owned: webhook JSON, ntfy message or the mail */
	size_t len, off;		/* off: bytes of the mail sent this try */
	struct quake_alert_ntfy *nt;	/* owned; ntfy only */
	int64_t first_us, not_before;	/* first try; no retry before */
	int attempts;
	int delivered;			/* once finished: 1, or 0 given up */
	char error[160];		/* why it was given up */
	struct notice *next;		/* the target's queue */
};

struct deliver_opts {
	long give_up_s;		/* dead-letter after this long (--give-up) */
	long timeout_ms;	/* one request */
	const char *dead_letter;	/* may be NULL */
};

/* Targets for every target of every rule of rs (borrowed for the run),
 * secrets read. 0, or an exit status after one logged line (78 for a
 * secret file that is missing, unreadable, open to others or malformed). */
int deliver_init(const struct quake_rules *rs, const struct deliver_opts *o);

/* Give up a notice after s seconds from now on (--test: a minute). */
void deliver_give_up(long s);

/* Queue n (owned from now on) behind its target's earlier notices. */
void deliver_queue(struct notice *n);

/* Run transfers and start due ones; each finished notice is handed to done
 * (which owns it then: deliver_notice_free). */
void deliver_step(void (*done)(struct notice *, void *), void *arg);

/* Wait at most timeout_ms for a transfer, a due retry, or input on fd
 * (-1: none). */
void deliver_wait(int fd, long timeout_ms);

/* Notices queued or in flight. */
size_t deliver_pending(void);

/* Stop sending: nothing new starts (transfers in flight go on). */
void deliver_drain(void);

void deliver_notice_free(struct notice *n);

/* Counters for --stats: sent, retries, given up. */
void deliver_counts(long long *sent, long long *retries, long long *given_up);

void deliver_free(void);

#endif
