/* tiles — quake-map --tiles: the template checked, the CSP for its origin,
 * /basemap.json (see tiles.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "tiles.h"

/* the policy of cmd/common/httpd.c with img-src widened by one origin */
#define CSP_FMT "default-src 'self'; img-src 'self' %.*s; object-src 'none'; " \
	"base-uri 'self'; frame-ancestors 'none'"

static int
host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* printable ASCII but what would end a JSON string, an attribute or a
 * header, or be read as a CSP or URL separator */
static int
path_char(char c)
{
	return c > ' ' && c < 0x7f && strchr("\"'\\<>`^|;, ", c) == NULL;
}

enum quake_err
tiles_init(struct tiles *t, const char *url, const char *attribution,
    struct quake_fail *f)
{
	const char *p, *host, *end;
	char attr[TILES_ATTRIBUTION_MAX + 32];
	size_t n, origin_len;

	memset(t, 0, sizeof *t);
	if (url == NULL)
		url = getenv("QUAKE_MAP_TILES");
	if (attribution == NULL)
		attribution = getenv("QUAKE_MAP_TILES_ATTRIBUTION");
	if (url == NULL || *url == '\0') {
		t->json_len = (size_t)snprintf(t->json, sizeof t->json, "{}\n");
		return QUAKE_OK;
	}
	if (strlen(url) > TILES_URL_MAX)
		return quake_err_fail(f, "--tiles", "longer than %d bytes", TILES_URL_MAX);
	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return quake_err_fail(f, "--tiles", "not an http:// or https:// URL");
	for (p = host; host_char(*p); p++)
		;
	if (p == host)
		return quake_err_fail(f, "--tiles", *p == '{' ? "one host: {s} is not "
		    "replaced (tile.openstreetmap.org needs none)" : "no host name");
	if (*p == ':') {
		const char *d = ++p;

		while (*p >= '0' && *p <= '9')
			p++;
		if (p == d || p - d > 5)
			return quake_err_fail(f, "--tiles", "a port is 1 to 5 digits");
	}
	if (*p != '/')
		return quake_err_fail(f, "--tiles", "the host is followed by a path (/{z}/{x}/{y}.png)");
	origin_len = (size_t)(p - url);
	for (end = p; *end != '\0'; end++) {
		if (*end == '{') {
			if (strncmp(end, "{z}", 3) != 0 && strncmp(end, "{x}", 3) != 0 &&
			    strncmp(end, "{y}", 3) != 0 && strncmp(end, "{r}", 3) != 0)
				return quake_err_fail(f, "--tiles", "only {z} {x} {y} {r} are "
				    "replaced (one host: no {s})");
			end += 2;
		} else if (!path_char(*end) || *end == '}')
			return quake_err_fail(f, "--tiles", "a character a URL path does not hold "
			    "as it is (%%-encode it)");
	}
	if (strstr(p, "{z}") == NULL || strstr(p, "{x}") == NULL || strstr(p, "{y}") == NULL)
		return quake_err_fail(f, "--tiles", "the template needs {z}, {x} and {y}");
	if (attribution == NULL || *attribution == '\0') {
		snprintf(attr, sizeof attr, "map tiles: %.*s", (int)(origin_len - (size_t)(host - url)), host);
		attribution = attr;
	} else {
		if (strlen(attribution) > TILES_ATTRIBUTION_MAX)
			return quake_err_fail(f, "--tiles-attribution", "longer than %d bytes",
			    TILES_ATTRIBUTION_MAX);
		for (p = attribution; *p != '\0'; p++)
			if ((unsigned char)*p < ' ' || *p == 0x7f)
				return quake_err_fail(f, "--tiles-attribution", "a control character");
	}
	snprintf(t->csp, sizeof t->csp, CSP_FMT, (int)origin_len, url);
	n = (size_t)snprintf(t->json, sizeof t->json, "{\"tiles\":");
	n += quake_json_format_string(url, t->json + n);
	n += (size_t)snprintf(t->json + n, sizeof t->json - n, ",\"attribution\":");
	n += quake_json_format_string(attribution, t->json + n);
	n += (size_t)snprintf(t->json + n, sizeof t->json - n, "}\n");
	t->json_len = n;
	return QUAKE_OK;
}

const char *
tiles_csp(const struct tiles *t)
{
	return t->csp[0] != '\0' ? t->csp : NULL;
}

int
tiles_basemap(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	const struct tiles *t = arg;

	(void)r;
	return httpd_respond(c, 200, "application/json", t->json, t->json_len,
	    "cache-control: no-cache\x0d\x0a");
}
