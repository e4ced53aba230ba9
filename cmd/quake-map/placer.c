/* placer — the gazetteer read whole into memory (lib/places parses and
 * indexes it), then only lookups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "core/log.h"
#include "placer.h"
#include "places/gazetteer.h"

struct placer {
	struct quake_gazetteer *g;
	long minpop;
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, r;

	if (fp == NULL)
		return NULL;
	do {
		if (n + 65536 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
	} while (r > 0);
	if (ferror(fp)) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	*len = n;
	return buf;
}

struct placer *
placer_open(const char *path, const char *assets, int *rc)
{
	struct placer *p;
	struct quake_fail f = { "", "" };
	char beside[4096];
	size_t len = 0;
	char *buf;
	int required = path != NULL;
	enum quake_err err;

	*rc = required ? QUAKE_EXIT_CONFIG : 0;
	if (path != NULL && *path == '\0') {
		*rc = 0;
		return NULL;
	}
	if (path == NULL) {
		if (assets == NULL || snprintf(beside, sizeof beside,
		    "%s/../places.tsv", assets) >= (int)sizeof beside)
			return NULL;
		path = beside;
	}
	if ((buf = slurp(path, &len)) == NULL) {
		quake_log(required ? QUAKE_LOG_ERROR : QUAKE_LOG_WARN,
		    "no places: the gazetteer file cannot be read", "places", path, NULL);
		return NULL;
	}
	if ((p = calloc(1, sizeof *p)) == NULL) {
		free(buf);
		*rc = QUAKE_EXIT_SOFTWARE;
		return NULL;
	}
	err = quake_gazetteer_load(buf, len, &p->g, &f);
	free(buf);
	if (err != QUAKE_OK) {
		quake_log(required ? QUAKE_LOG_ERROR : QUAKE_LOG_WARN,
		    "no places: the gazetteer file is not one", "places", path,
		    "field", f.field, "reason", f.reason[0] ? f.reason : quake_err_str(err), NULL);
		free(p);
		return NULL;
	}
	p->minpop = 0;
	quake_log(QUAKE_LOG_INFO, "places read", "places", path, NULL);
	return p;
}

void
placer_free(struct placer *p)
{
	if (p == NULL)
		return;
	quake_gazetteer_free(p->g);
	free(p);
}

size_t
placer_describe(const struct placer *p, double lat, double lon, char *out)
{
	int n;

	out[0] = '\0';
	if (p == NULL ||
	    (n = quake_gazetteer_describe(p->g, lat, lon, p->minpop, out, PLACER_MAX)) < 0) {
		out[0] = '\0';
		return 0;
	}
	if (n >= PLACER_MAX) {	/* cut at a whole UTF-8 character */
		int lead = n = PLACER_MAX - 1, need;
		unsigned char b;

		/* out[n] is snprintf's NUL: the last character kept may be
		 * cut, so find its lead byte and see that it fits */
		while (lead > 0 && ((unsigned char)out[lead - 1] & 0xc0) == 0x80)
			lead--;
		if (lead > 0) {
			b = (unsigned char)out[lead - 1];
			need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
			if (lead - 1 + need > n)
				n = lead - 1;
		}
		out[n] = '\0';
	}
	return (size_t)n;
}

size_t
placer_splice(char *buf, size_t len, size_t cap, const char *place, int closers)
{
	char field[PLACER_FIELD_MAX];
	size_t at = len, k;

	if (place == NULL || *place == '\0' || strlen(place) >= PLACER_MAX)
		return len;
	for (int i = 0; i < closers; i++) {
		if (at == 0 || buf[at - 1] != '}')
			return len;
		at--;
	}
	memcpy(field, ",\"place\":", 9);
	k = 9 + quake_json_format_string(place, field + 9);
	if (len + k >= cap)
		return len;
	memmove(buf + at + k, buf + at, len - at);
	memcpy(buf + at, field, k);
	return len + k;
}
