/* mapdet — quake-map's detections layer: quake-shake detection lines read on
 * stdin (lib/sample's parser) into a dets set, served as GET /detections (a
 * GeoJSON FeatureCollection) and GET /detections/stream (Server-Sent Events:
 * id: <seq>, data: <detection line>; the held set, or with Last-Event-ID /
 * ?since= what changed after it, then live). Detections never reach the
 * event store, the FDSN answers or /events/stream. */
#ifndef QUAKE_MAPDET_H
#define QUAKE_MAPDET_H

#include <stddef.h>
#include <stdint.h>

#include "common/httpd.h"
#include "core/ndjson.h"

#define MAPDET_MAX 1000		/* detections held at most */

struct mapdet;

/* window: µs of detection time kept (0: all); seq0 as for the event store.
 * NULL when out of memory. */
struct mapdet *mapdet_new(int64_t window, uint64_t seq0);

/* Close every stream first (httpd_close), then free (NULL is fine). */
void mapdet_free(struct mapdet *m);

/* A stdin line: 0 when it is not a quake-shake line (no leading "kind"
 * key: an event line, for the caller), else 1: a detection taken (a bad
 * one rejected: one stderr line and the dead-letter file), any other kind
 * (trigger, samples) counted as skipped. */
int mapdet_take(struct mapdet *m, const struct quake_line *l);

/* Route handlers; arg is the struct mapdet. */
int mapdet_geojson(void *arg, struct httpd_conn *c, const struct httpd_req *r);
int mapdet_open(void *arg, struct httpd_conn *c, const struct httpd_req *r);

/* Every 15 s: a comment line to each stream client. */
void mapdet_keepalive(struct mapdet *m);

/* Drop detections that left the window (now in µs). */
void mapdet_expire(struct mapdet *m, int64_t now);

/* Its /metrics lines (Prometheus text) into out[cap]; the length. */
size_t mapdet_metrics(const struct mapdet *m, char *out, size_t cap);

#endif
