/* mapfdsn — quake-map's FDSN event service (query, count, version,
 * application.wadl, catalogs, contributors) over the events held. */
#ifndef QUAKE_MAPFDSN_H
#define QUAKE_MAPFDSN_H

#include "common/httpd.h"
#include "store.h"

struct mapfdsn;

/* A service over st (borrowed, outlives it). NULL when out of memory. */
struct mapfdsn *mapfdsn_new(struct store *st);
void mapfdsn_free(struct mapfdsn *m);

/* Route handlers; arg is the struct mapfdsn. */
int mapfdsn_query(void *arg, struct httpd_conn *c, const struct httpd_req *r);
int mapfdsn_count(void *arg, struct httpd_conn *c, const struct httpd_req *r);
int mapfdsn_version(void *arg, struct httpd_conn *c, const struct httpd_req *r);
int mapfdsn_wadl(void *arg, struct httpd_conn *c, const struct httpd_req *r);
int mapfdsn_catalogs(void *arg, struct httpd_conn *c, const struct httpd_req *r);
int mapfdsn_contributors(void *arg, struct httpd_conn *c,
    const struct httpd_req *r);

/* Queries answered, from the cache, and rejected (400). */
struct mapfdsn_stats {
	unsigned long long queries, cached, rejected;
};
void mapfdsn_stats(const struct mapfdsn *m, struct mapfdsn_stats *out);

#endif
