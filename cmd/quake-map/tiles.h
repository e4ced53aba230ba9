/* tiles — quake-map --tiles: an optional tile server for the page's basemap.
 * The URL template is checked (http or https, a host, {z} {x} {y}); the
 * Content-Security-Policy then allows images from that one origin beside the
 * page's own, and /basemap.json tells the page the template and its
 * attribution. Without --tiles, /basemap.json is {} and the page draws its
 * offline basemap (web/basemap.js). */
#ifndef QUAKE_MAP_TILES_H
#define QUAKE_MAP_TILES_H

#include "common/httpd.h"
#include "core/err.h"

#define TILES_URL_MAX 1024
#define TILES_ATTRIBUTION_MAX 256

struct tiles {
	char csp[TILES_URL_MAX + 256];	/* "" without --tiles */
	char json[6 * (TILES_URL_MAX + TILES_ATTRIBUTION_MAX) + 64];
	size_t json_len;
};

/* Fill t from url (NULL: env QUAKE_MAP_TILES; NULL or "": no tile server)
 * and attribution (NULL: env QUAKE_MAP_TILES_ATTRIBUTION; NULL or "": "map
 * tiles: <host>"); both borrowed, copied. QUAKE_EINPUT with *f
 * saying why for a template that is not one. */
enum quake_err tiles_init(struct tiles *t, const char *url,
    const char *attribution, struct quake_fail *f);

/* The CSP for httpd_config.csp: NULL without a tile server (the default
 * policy). Owned by t. */
const char *tiles_csp(const struct tiles *t);

/* GET /basemap.json; arg is the struct tiles (borrowed). */
int tiles_basemap(void *arg, struct httpd_conn *c, const struct httpd_req *r);

#endif
