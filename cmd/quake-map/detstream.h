/* detstream — quake-map's detections layer: quake-shake detection lines read on
 * stdin (lib/lines/sample's parser) into a detstore, served as GET /detections (a
 * GeoJSON FeatureCollection) and GET /detections/stream (Server-Sent Events:
 * id: <id>, data: <detection line>; the held set, or with Last-Event-ID /
 * ?since= what changed after it, then live). Detections never reach the
 * event store, the FDSN answers or /events/stream. */
#ifndef QUAKE_DETSTREAM_H
#define QUAKE_DETSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "common/httpd.h"
#include "core/ndjson.h"
#include "lines/kpos.h"

#define MAPDET_MAX 1000		/* detections held at most */

struct detstream;

/* window: µs of detection time kept (0: all); seq0 as for the event store.
 * NULL when out of memory. */
struct detstream *detstream_new(int64_t window, uint64_t seq0);

/* Close every stream first (httpd_close), then free (NULL is fine). */
void detstream_free(struct detstream *m);

struct placer;
/* Name each detection revision's place from p (borrowed, outlives m; NULL:
 * none), once when taken: "place" in its stream line and GeoJSON. */
void detstream_set_places(struct detstream *m, const struct placer *p);

/* A stdin line, read at *at (its position, cmd/quake-map/pos.h): 0 when it
 * is not a quake-shake line (no leading "kind" key: an event line, for the
 * caller), else 1: a detection taken (a bad one rejected: one stderr line
 * and the dead-letter file), any other kind (trigger, samples) counted as
 * skipped. */
int detstream_take(struct detstream *m, const struct quake_line *l,
    const struct quake_kpos *at);

/* Route handlers; arg is the struct detstream. */
int detstream_geojson(void *arg, struct httpd_conn *c, const struct httpd_req *r);
int detstream_open(void *arg, struct httpd_conn *c, const struct httpd_req *r);

/* Every 15 s: a comment line to each stream client. */
void detstream_keepalive(struct detstream *m);

/* Drop detections that left the window (now in µs). */
void detstream_expire(struct detstream *m, int64_t now);

/* Its /metrics lines (Prometheus text) into out[cap]; the length. */
size_t detstream_metrics(const struct detstream *m, char *out, size_t cap);

#endif
