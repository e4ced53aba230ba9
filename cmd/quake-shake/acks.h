/* acks — quake-shake --listen --acks FIFO: a push's 200 waits for
 * quake-produce's status line for the push's line (produced: on Kafka).
 * Lines are numbered as written (the first is 1) and their status lines
 * come back in that order (docs/design.md), so each status line answers the
 * oldest push still held. 503 with Retry-After when the line was rejected,
 * its status line did not come within the ack timeout, or the status stream
 * ended or broke (then nothing more can be answered: the receiver stops).
 * Runs in httpd's loop; the FIFO is read by cmd/common/ackread's thread. */
#ifndef QUAKE_ACKS_H
#define QUAKE_ACKS_H

#include <stddef.h>
#include <stdint.h>

struct httpd;
struct httpd_conn;

/* Read status lines from the FIFO at path (borrowed; opened by the reader
 * thread, which waits for its writer) for h (borrowed, open until
 * acks_stop); a held push not answered within timeout_us gets 503.
 * -1 (logged) when it cannot start. Once per process. */
int acks_start(const char *path, int64_t timeout_us, struct httpd *h);

/* The line of c's push was written and flushed: hold c until its status
 * line. 0, or -1 when c cannot be held (then it was answered 503). */
int acks_hold(struct httpd_conn *c);

/* httpd's on_wake and a timer (every 100 ms): answer what came back, and
 * what timed out. */
void acks_wake(void *unused);

/* 1 once the status stream ended or broke (every held push was answered
 * 503; the receiver should stop). */
int acks_ended(void);

/* Pushes held now. */
size_t acks_held(void);

/* Answer every push still held 503 ("why", e.g. shutting down) and let go
 * of h; the reader thread may still be in read(2) and stays. */
void acks_stop(const char *why);

/* Counters: answered 200, answered 503, timed out (of the 503s). */
void acks_counts(long long *acked, long long *failed, long long *timedout);

#endif
