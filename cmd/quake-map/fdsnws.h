/* fdsnws — quake-map's FDSN event service (query, count, version,
 * application.wadl, catalogs, contributors) over the events held. */
#ifndef QUAKE_FDSNWS_H
#define QUAKE_FDSNWS_H

#include "common/httpd.h"
#include "store.h"

struct fdsnws;

/* A service over st (borrowed, outlives it). NULL when out of memory. */
struct fdsnws *fdsnws_new(struct store *st);
void fdsnws_free(struct fdsnws *m);

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
};
void fdsnws_stats(const struct fdsnws *m, struct fdsnws_stats *out);

#endif
