/* backfill — one page of the FDSN event service over HTTP/1.1 (plain or TLS):
 * the events updated after a time, oldest event time first, limit per page
 * from offset. Up to 3 redirects are followed; no compression is asked. */
#ifndef QUAKE_BACKFILL_H
#define QUAKE_BACKFILL_H

#include <stddef.h>
#include <stdint.h>

/* GET base?format=json&updatedafter=T&orderby=time-asc&limit=L&offset=K.
 * The body goes to *body (malloc'd, NUL-terminated, caller frees; NULL
 * when empty), its length to *len. Returns the HTTP status, or 0 with a
 * reason in err[errcap] when there was no answer (or it passed maxbytes).
 * cacert: trust the CAs in this file (NULL: the system store). */
/* 0 if base (borrowed) is an http:// or https:// URL backfill_page can use. */
int backfill_url_ok(const char *base);

long backfill_page(const char *base, const char *cacert, int64_t updatedafter,
    long limit, long offset, long timeout_s, char **body, size_t *len,
    char *err, size_t errcap);

#endif
