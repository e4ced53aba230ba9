/* evstream — /events/stream: Server-Sent Events of every revision held, then
 * live. A client is only a cursor (the last seq sent) into the store's
 * revision log, so a client behind costs no memory here; one that stays
 * more than queue revisions behind after catching up is closed (it resumes
 * with Last-Event-ID). Clients catching up share a budget of work per loop
 * turn, round-robin (catchup.h). */
#ifndef QUAKE_EVSTREAM_H
#define QUAKE_EVSTREAM_H

#include <stddef.h>

#include "common/httpd.h"
#include "store.h"

struct evstream;

/* Streams over st (borrowed, outlives it); queue: revisions a caught-up
 * client may fall behind before it is closed. NULL when out of memory. */
struct evstream *evstream_new(struct store *st, size_t queue);

/* Close every stream first (httpd_close), then free. */
void evstream_free(struct evstream *s);

/* Where the revisions were read (cmd/quake-map/pos.h): the stream's
 * sources, read into by the caller before each store_put. */
struct pos_table *evstream_pos(struct evstream *s);

/* The route handler; arg is the struct evstream. */
int evstream_open(void *arg, struct httpd_conn *c, const struct httpd_req *r);

/* The store has new revisions: wake the clients waiting for them. */
void evstream_notify(struct evstream *s);

/* Send a comment line to every client (keeps proxies from closing it). */
void evstream_keepalive(struct evstream *s);

struct evstream_stats {
	long long clients, messages, bytes, dropped;
};
void evstream_stats(const struct evstream *s, struct evstream_stats *out);

/* Prometheus lines of the catch-up (clients behind, turns, the most work in
 * one turn, records looked at) into out[cap]; their length (0: no room). */
size_t evstream_metrics(const struct evstream *s, char *out, size_t cap);

#endif
