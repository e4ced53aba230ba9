/* page — the receiver's page: four small files read once at start from the
 * assets directory (never a path from the request), and /devices, the
 * device table as JSON (devices.c) with the push URL and, for loopback
 * peers asking under a loopback name only, the token: a phone on the network
 * sees the page but not the credential, nor does a page of another name
 * rebound to 127.0.0.1 (DNS rebinding). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/time.h"
#include "devices.h"
#include "page.h"
#include "common/tool.h"

#define FILE_MAX (512 * 1024)

static const struct {
	const char *path, *file, *ctype;
} files[] = {
	{ "/", "phones.html", "text/html; charset=utf-8" },
	{ "/phones.css", "phones.css", "text/css; charset=utf-8" },
	{ "/phones.js", "phones.js", "text/javascript; charset=utf-8" },
	{ "/vendor/qrcode.js", "vendor/qrcode.js", "text/javascript; charset=utf-8" },
};
#define NFILES (sizeof files / sizeof files[0])

const char *const page_paths[] = { "/", "/phones.css", "/phones.js",
	"/vendor/qrcode.js", "/devices", NULL };

static struct {
	char *body[NFILES];
	size_t len[NFILES];
	char *setup_lo, *setup;	/* the JSON "setup" member, loopback or not */
} pg;

/* path's bytes into *out (malloc'd); 0 or -1 */
static int
slurp(const char *path, char **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	size_t n;

	if (fp == NULL)
		return -1;
	if ((buf = malloc(FILE_MAX)) == NULL) {
		fclose(fp);
		return -1;
	}
	n = fread(buf, 1, FILE_MAX, fp);
	fclose(fp);
	if (n == FILE_MAX) {
		free(buf);
		return -1;
	}
	*out = realloc(buf, n + 1);	/* no more than it holds */
	if (*out == NULL)
		*out = buf;
	*len = n;
	return 0;
}

/* "\"setup\":{...}" for the page, with or without the token */
static char *
setup(const char *public_url, const char *token, const char *token_file, int show)
{
	size_t cap = 256 + 6 * ((public_url ? strlen(public_url) : 0) +
	    (token ? strlen(token) : 0) + (token_file ? strlen(token_file) : 0));
	char *s = malloc(cap);
	size_t k;

	if (s == NULL)
		return NULL;
	k = (size_t)snprintf(s, cap, "\"setup\":{\"push_url\":");
	k += public_url ? quake_json_format_string(public_url, s + k) :
	    (size_t)snprintf(s + k, cap - k, "null");
	k += (size_t)snprintf(s + k, cap - k, ",\"token_required\":%s,\"token\":",
	    token ? "true" : "false");
	k += token && show ? quake_json_format_string(token, s + k) :
	    (size_t)snprintf(s + k, cap - k, "null");
	k += (size_t)snprintf(s + k, cap - k, ",\"token_file\":");
	k += token_file && token ? quake_json_format_string(token_file, s + k) :
	    (size_t)snprintf(s + k, cap - k, "null");
	snprintf(s + k, cap - k, "}");
	return s;
}

int
page_init(const char *assets, const char *public_url, const char *token,
    const char *token_file)
{
	char path[4096];

	for (size_t i = 0; i < NFILES; i++) {
		snprintf(path, sizeof path, "%s/%s", assets, files[i].file);
		if (slurp(path, &pg.body[i], &pg.len[i]) != 0)
			quake_log(QUAKE_LOG_WARN, "the page misses a file", "file", path, NULL);
	}
	pg.setup_lo = setup(public_url, token, token_file, 1);
	pg.setup = setup(public_url, token, token_file, 0);
	return pg.setup_lo && pg.setup ? 0 : -1;
}

void
page_free(void)
{
	for (size_t i = 0; i < NFILES; i++)
		free(pg.body[i]);
	free(pg.setup_lo);
	free(pg.setup);
	memset(&pg, 0, sizeof pg);
}

static int
devices(struct httpd_conn *c, const struct httpd_req *r)
{
	const char *su = r->host_loopback ? pg.setup_lo : pg.setup;
	char *list = NULL, *body;
	size_t n, k;

	/* {"now_ms",...,"devices":[...]} with the setup member put first */
	if ((n = devices_json(quake_time_now(), &list)) == 0 ||
	    (body = malloc(n + strlen(su) + 4)) == NULL) {
		free(list);
		return httpd_error(c, 503, "out of memory");
	}
	k = (size_t)sprintf(body, "{%s,", su);
	memcpy(body + k, list + 1, n - 1);
	free(list);
	return httpd_respond_take(c, 200, "application/json", body, k + n - 1,
	    "cache-control: no-store\x0d\x0a");
}

int
page_serve(struct httpd_conn *c, const struct httpd_req *r)
{
	if (strcmp(r->path, "/devices") == 0)
		return devices(c, r);
	for (size_t i = 0; i < NFILES; i++) {
		if (strcmp(r->path, files[i].path) != 0)
			continue;
		if (pg.body[i] == NULL)
			return httpd_error(c, 404, "the page's file is not installed "
			    "(quake-shake --assets)");
		return httpd_respond(c, 200, files[i].ctype, pg.body[i], pg.len[i],
		    "cache-control: no-cache\x0d\x0a");
	}
	return httpd_error(c, 404, "Not Found");
}
