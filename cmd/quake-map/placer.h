/* placer — quake-map's "N km DIR of <town>" (lib/places): the gazetteer file
 * read once at start, each event's place computed once per revision (the
 * store keeps the text), and the JSON field that carries it spliced into an
 * event line or a GeoJSON Feature. */
#ifndef QUAKE_PLACER_H
#define QUAKE_PLACER_H

#include <stddef.h>

/* Bytes that always suffice for one place text (NUL included). */
#define PLACER_MAX 192
/* Bytes that always suffice for the field placer_splice adds. */
#define PLACER_FIELD_MAX (6 * PLACER_MAX + 16)

struct placer;

/* Read the gazetteer file at path (every place in it may be named; the
 * file is cut by population when built). path NULL: places.tsv beside the
 * assets directory (ASSETS/../places.tsv, where make and make install put
 * it), and a missing file is only a warning; path "": no places. NULL
 * when there are none: *rc is then the exit status (0: go on without;
 * 78: a named file cannot be read or is no gazetteer). */
struct placer *placer_open(const char *path, const char *assets, int *rc);
void placer_free(struct placer *p);

/* "23 km SSE of Petropavlovsk-Kamchatsky, Russia" into out[PLACER_MAX];
 * "" when p is NULL or no place qualifies. Returns the length. */
size_t placer_describe(const struct placer *p, double lat, double lon,
    char *out);

/* Insert ,"place":"<place>" into the JSON object buf[0..len) (cap bytes)
 * before its last `closers` closing braces (1: an event line, 2: a GeoJSON
 * Feature: its properties). Nothing when place is "" or it does not fit.
 * Returns the new length. */
size_t placer_splice(char *buf, size_t len, size_t cap, const char *place,
    int closers);

#endif
