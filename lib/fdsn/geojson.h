/* geojson — events as the GeoJSON FeatureCollection EMSC's FDSN service
 * answers with format=json (the Feature shape lib/lines/event.c parses back).
 * Written into the caller's buffer; no allocation. */
#ifndef QUAKE_GEOJSON_H
#define QUAKE_GEOJSON_H

#include <stddef.h>

#include "lines/event.h"

/* Bytes that always suffice for one quake_geojson_feature. */
#define QUAKE_GEOJSON_FEATURE_MAX 4096

/* {"type":"FeatureCollection","metadata":{"count":N},"features":[ into
 * out[cap] (caller-owned, NUL-terminated). Returns the length, 0 if it does
 * not fit. */
size_t quake_geojson_head(size_t count, char *out, size_t cap);

/* One Feature for *ev (borrowed), no separator; same returns. */
size_t quake_geojson_feature(const struct quake_event *ev, char *out, size_t cap);

/* "]}" into out[cap]; same returns. */
size_t quake_geojson_tail(char *out, size_t cap);

#endif
