/* fdsnws — quake-map's FDSN event service (query, count, version,
 * application.wadl, catalogs, contributors) over the events held, and over
 * the archive (the DynamoDB table) for what is older than the window. */
#ifndef QUAKE_FDSNWS_H
#define QUAKE_FDSNWS_H

#include "common/httpd.h"
#include "store.h"

struct fdsnws;

/* A service over st (borrowed, outlives it). NULL when out of memory. */
struct fdsnws *fdsnws_new(struct store *st);
void fdsnws_free(struct fdsnws *m);

struct archive;

/* Answer queries that reach before the window (now - window, µs) from the
 * archive ar (borrowed, started; NULL: none, and such answers say how far
 * back they reach) merged with the events held. */
void fdsnws_set_archive(struct fdsnws *m, struct archive *ar, int64_t window);

/* Route handlers; arg is the struct fdsnws. */
int fdsnws_query(void *arg, struct httpd_conn *c, const struct httpd_req *r);
int fdsnws_count(void *arg, struct httpd_conn *c, const struct httpd_req *r);
int fdsnws_version(void *arg, struct httpd_conn *c, const struct httpd_req *r);
int fdsnws_wadl(void *arg, struct httpd_conn *c, const struct httpd_req *r);
int fdsnws_catalogs(void *arg, struct httpd_conn *c, const struct httpd_req *r);
int fdsnws_contributors(void *arg, struct httpd_conn *c,
    const struct httpd_req *r);

/* Queries answered, from the cache, and rejected (400). */
struct fdsnws_stats {
	unsigned long long queries, cached, rejected;
	unsigned long long archive, archive_failed;	/* from the table */
};
void fdsnws_stats(const struct fdsnws *m, struct fdsnws_stats *out);

#endif
