/* rules — the rules file (jansson) and the match of one event. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "alert/rules.h"

#define RULES_FILE_MAX (64 << 20)

static enum quake_err
bad(struct quake_fail *f, const char *field, const char *reason)
{
	return quake_err_fail(f, field, "%s", reason);
}

/* Every key of o is one of the NULL-ended names, else the first stranger. */
static const char *
unknown_key(const json_t *o, const char *const *names)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)o, k, v) {
		size_t i;
		for (i = 0; names[i] != NULL && strcmp(k, names[i]) != 0; i++)
			;
		if (names[i] == NULL)
			return k;
	}
	return NULL;
}

/* o[key] as a number in [lo, hi] into *out; absent leaves *out. */
static enum quake_err
num(const json_t *o, const char *key, const char *field, double lo, double hi,
    int required, double *out, struct quake_fail *f)
{
	const json_t *v = json_object_get(o, key);

	if (v == NULL)
		return required ? quake_err_fail(f, field, "missing") : QUAKE_OK;
	if (!json_is_number(v))
		return bad(f, field, "must be a number");
	*out = json_number_value(v);
	if (!(*out >= lo && *out <= hi))
		return quake_err_fail(f, field, "%g out of range [%g, %g]", *out, lo, hi);
	return QUAKE_OK;
}

/* "HH:MM" into minutes of the day. */
static enum quake_err
hhmm(const json_t *v, const char *field, int *out, struct quake_fail *f)
{
	const char *s = json_string_value(v);
	unsigned h, m;
	char end;

	if (s == NULL || sscanf(s, "%2u:%2u%c", &h, &m, &end) != 2 || h > 23 || m > 59)
		return bad(f, field, "must be \"HH:MM\" (00:00-23:59)");
	*out = (int)(h * 60 + m);
	return QUAKE_OK;
}

static char tzdir[1024];
static pthread_once_t tzdir_once = PTHREAD_ONCE_INIT;

/* TZDIR read once: tz_offset's setenv("TZ") may move the environment
 * under a getenv of quake-alert's API thread, which parses rules. The
 * first parse with a zone comes before any tz_offset. */
static void
tzdir_read(void)
{
	const char *dir = getenv("TZDIR");

	snprintf(tzdir, sizeof tzdir, "%s", dir && *dir ? dir : "/usr/share/zoneinfo");
}

/* The zone name is a file of the system's tz database (no ".." in it). */
static int
tz_exists(const char *name)
{
	char path[1200];
	struct stat st;

	if (name[0] == '\0' || name[0] == '/' || strstr(name, "..") != NULL)
		return 0;
	pthread_once(&tzdir_once, tzdir_read);
	snprintf(path, sizeof path, "%s/%s", tzdir, name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static enum quake_err
tz_intern(struct quake_rules *rs, const char *name, size_t *index)
{
	struct quake_rules_tz *n;

	for (size_t i = 0; i < rs->ntz; i++)
		if (strcmp(rs->tz[i].name, name) == 0) {
			*index = i;
			return QUAKE_OK;
		}
	if ((n = realloc(rs->tz, (rs->ntz + 1) * sizeof *n)) == NULL)
		return QUAKE_ENOMEM;
	rs->tz = n;
	snprintf(n[rs->ntz].name, sizeof n[rs->ntz].name, "%s", name);
	n[rs->ntz].bucket = -1;
	*index = rs->ntz++;
	return QUAKE_OK;
}

/* "night": {"from", "to", "tz"}. */
static enum quake_err
parse_night(const json_t *o, struct quake_rules *rs, struct quake_rule *r,
    struct quake_fail *f)
{
	static const char *const keys[] = { "from", "to", "tz", NULL };
	const json_t *night = json_object_get(o, "night");
	const char *k, *tz;
	enum quake_err err;
	size_t i;

	if (!json_is_object(night))
		return bad(f, "night", "night_minmagnitude needs \"night\": "
		    "{\"from\": \"HH:MM\", \"to\": \"HH:MM\", \"tz\": \"Area/City\"}");
	if ((k = unknown_key(night, keys)) != NULL)
		return quake_err_fail(f, "night", "unknown key \"%.40s\"", k);
	if ((err = hhmm(json_object_get(night, "from"), "night.from", &r->night_from, f)) != QUAKE_OK ||
	    (err = hhmm(json_object_get(night, "to"), "night.to", &r->night_to, f)) != QUAKE_OK)
		return err;
	tz = json_string_value(json_object_get(night, "tz"));
	if (json_object_get(night, "tz") != NULL && tz == NULL)
		return bad(f, "night.tz", "must be a string");
	if (tz == NULL || strcmp(tz, "UTC") == 0)
		return QUAKE_OK;
	if (strlen(tz) >= sizeof rs->tz[0].name || !tz_exists(tz))
		return quake_err_fail(f, "night.tz", "no time zone \"%.60s\" in the "
		    "tz database", tz);
	if ((err = tz_intern(rs, tz, &i)) != QUAKE_OK)
		return err;
	r->tz = (int)i;
	return QUAKE_OK;
}

static enum quake_err
parse_circle(const json_t *c, struct quake_geo_region *g, struct quake_fail *f)
{
	static const char *const keys[] = { "lat", "lon", "radius_km", NULL };
	enum quake_err err;
	const char *k;

	if (!json_is_object(c))
		return bad(f, "circle", "must be {\"lat\", \"lon\", \"radius_km\"}");
	if ((k = unknown_key(c, keys)) != NULL)
		return quake_err_fail(f, "circle", "unknown key \"%.40s\"", k);
	g->kind = QUAKE_GEO_CIRCLE;
	if ((err = num(c, "lat", "circle.lat", -90, 90, 1, &g->lat, f)) != QUAKE_OK ||
	    (err = num(c, "lon", "circle.lon", -180, 180, 1, &g->lon, f)) != QUAKE_OK ||
	    (err = num(c, "radius_km", "circle.radius_km", 0, 20016, 1, &g->radius_km, f)) != QUAKE_OK)
		return err;
	return QUAKE_OK;
}

static enum quake_err
parse_rectangle(const json_t *c, struct quake_geo_region *g, struct quake_fail *f)
{
	static const char *const keys[] = { "minlat", "maxlat", "minlon", "maxlon", NULL };
	enum quake_err err;
	const char *k;

	if (!json_is_object(c))
		return bad(f, "rectangle", "must be {\"minlat\", \"maxlat\", \"minlon\", \"maxlon\"}");
	if ((k = unknown_key(c, keys)) != NULL)
		return quake_err_fail(f, "rectangle", "unknown key \"%.40s\"", k);
	g->kind = QUAKE_GEO_RECTANGLE;
	if ((err = num(c, "minlat", "rectangle.minlat", -90, 90, 1, &g->minlat, f)) != QUAKE_OK ||
	    (err = num(c, "maxlat", "rectangle.maxlat", -90, 90, 1, &g->maxlat, f)) != QUAKE_OK ||
	    (err = num(c, "minlon", "rectangle.minlon", -180, 180, 1, &g->minlon, f)) != QUAKE_OK ||
	    (err = num(c, "maxlon", "rectangle.maxlon", -180, 180, 1, &g->maxlon, f)) != QUAKE_OK)
		return err;
	if (g->minlat > g->maxlat)
		return bad(f, "rectangle.maxlat", "must not be below minlat");
	return QUAKE_OK;
}

/* Read a whole (small) file into a malloc'd NUL-terminated buffer. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "re");
	char *buf = NULL;
	long n;

	if (fp == NULL)
		return NULL;
	errno = 0;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && n <= RULES_FILE_MAX &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, fp);
		buf[*len] = '\0';
		if (ferror(fp)) {
			free(buf);
			buf = NULL;
		}
	}
	fclose(fp);
	if (buf == NULL && errno == 0)
		errno = EFBIG;	/* over RULES_FILE_MAX */
	return buf;
}

/* "polygon": inline GeoJSON, or the name of a GeoJSON file. */
static enum quake_err
parse_polygon(const json_t *p, const char *dir, struct quake_geo_region *g,
    struct quake_fail *f)
{
	enum quake_err err;
	char *text, path[2048];
	size_t len = 0;

	if (json_is_object(p)) {
		if ((text = json_dumps(p, JSON_COMPACT)) == NULL)
			return QUAKE_ENOMEM;
		len = strlen(text);
	} else if (json_is_string(p)) {
		const char *name = json_string_value(p);
		if (name[0] == '/' || dir == NULL)
			snprintf(path, sizeof path, "%s", name);
		else
			snprintf(path, sizeof path, "%s/%s", dir, name);
		if ((text = slurp(path, &len)) == NULL)
			return quake_err_fail(f, "polygon", "cannot read %.80s: %s",
			    path, strerror(errno ? errno : EFBIG));
	} else
		return bad(f, "polygon", "must be a GeoJSON object or a file name");
	err = quake_geo_parse_geojson(text, len, g, f);
	free(text);
	return err;
}

/* "evtype": "ke", ["ke", ...], {"include": [...]} or {"exclude": [...]}. */
static enum quake_err
parse_evtype(const json_t *v, struct quake_rule *r, struct quake_fail *f)
{
	const json_t *list = v;
	size_t i;
	json_t *e;

	if (json_is_object(v)) {
		const json_t *in = json_object_get(v, "include"), *ex = json_object_get(v, "exclude");
		if (json_object_size(v) != 1 || (in == NULL && ex == NULL))
			return bad(f, "evtype", "must hold one of \"include\" or \"exclude\"");
		list = in != NULL ? in : ex;
		r->evtype_exclude = ex != NULL;
		/* a list, as "exclude" must be: one spelling for both */
		if (!json_is_array(list))
			return bad(f, in != NULL ? "evtype.include" : "evtype.exclude",
			    "must be a list of 1-16 event types (e.g. [\"ke\"])");
	}
	if (json_is_string(list)) {
		r->nevtypes = 1;
		snprintf(r->evtypes[0], sizeof r->evtypes[0], "%s", json_string_value(list));
		return QUAKE_OK;
	}
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > QUAKE_RULES_EVTYPES)
		return bad(f, "evtype", "must be a list of 1-16 event types (e.g. \"ke\", \"qb\")");
	json_array_foreach(list, i, e) {
		const char *s = json_string_value(e);
		if (s == NULL || strlen(s) >= sizeof r->evtypes[0] || *s == '\0')
			return bad(f, "evtype", "each event type must be a short string");
		snprintf(r->evtypes[r->nevtypes++], sizeof r->evtypes[0], "%s", s);
	}
	return QUAKE_OK;
}

/* A file name given in a rule: relative to the rules file's directory, so
 * secrets can sit beside it (systemd's $CREDENTIALS_DIRECTORY). */
static enum quake_err
file_name(const char *sf, const char *dir, const char *field, char *out,
    size_t cap, struct quake_fail *f)
{
	if (strlen(sf) >= cap || *sf == '\0')
		return bad(f, field, "must be a file name");
	if (sf[0] != '/' && dir != NULL && strcmp(dir, ".") != 0) {
		if ((size_t)snprintf(out, cap, "%s/%s", dir, sf) >= cap)
			return bad(f, field, "path too long");
	} else
		snprintf(out, cap, "%s", sf);
	return QUAKE_OK;
}

/* A URL of one of the schemes (NULL-ended), without user:password@ (it
 * would be logged with the URL). */
static enum quake_err
target_url(const char *url, const char *const *schemes, const char *field,
    char *out, size_t cap, struct quake_fail *f)
{
	const char *host;
	size_t i, alen;

	for (i = 0; url != NULL && schemes[i] != NULL; i++)
		if (strncmp(url, schemes[i], strlen(schemes[i])) == 0)
			break;
	if (url == NULL || schemes[i] == NULL || strlen(url) >= cap ||
	    strpbrk(url, " \r\n\t") != NULL || url[strlen(schemes[i])] == '\0')
		return quake_err_fail(f, field, "must be an %s or %s URL",
		    schemes[0], schemes[1]);
	host = strstr(url, "//") + 2;
	alen = strcspn(host, "/?#");
	if (memchr(host, '@', alen) != NULL)
		return bad(f, field, "must not hold user:password@ (it would "
		    "be logged): put it in the secret, token or auth file");
	snprintf(out, cap, "%s", url);
	return QUAKE_OK;
}

/* A bare mail address: local@domain, printable ASCII, nothing a header or
 * an SMTP command could be split on. */
static int
address_ok(const char *s)
{
	const char *at = s != NULL ? strchr(s, '@') : NULL;
	size_t n = s != NULL ? strlen(s) : 0;

	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') != NULL || n >= 256)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    strchr("<>(),;:\\\"[]", *s) != NULL)
			return 0;
	return 1;
}

/* "email": {"url", "from", "to", "auth_file", "ca_file"}. */
static enum quake_err
parse_email(const json_t *t, const char *dir, const char *field,
    struct quake_target *q, struct quake_fail *f)
{
	static const char *const keys[] = { "url", "from", "to", "auth_file", "ca_file", NULL };
	static const char *const schemes[] = { "smtp://", "smtps://", NULL };
	const json_t *to, *e;
	const char *k, *s;
	char fn[48];
	enum quake_err err;
	size_t i;

	if (!json_is_object(t))
		return quake_err_fail(f, field, "must be {\"url\": \"smtp://HOST:587\", "
		    "\"from\": ADDRESS, \"to\": [ADDRESS, ...]}");
	if ((k = unknown_key(t, keys)) != NULL)
		return quake_err_fail(f, field, "unknown key \"%.40s\"", k);
	snprintf(fn, sizeof fn, "%s.url", field);
	if ((err = target_url(json_string_value(json_object_get(t, "url")), schemes, fn,
	    q->url, sizeof q->url, f)) != QUAKE_OK)
		return err;
	snprintf(fn, sizeof fn, "%s.from", field);
	if (!address_ok(s = json_string_value(json_object_get(t, "from"))))
		return bad(f, fn, "must be a mail address (local@domain)");
	snprintf(q->from, sizeof q->from, "%s", s);
	snprintf(fn, sizeof fn, "%s.to", field);
	to = json_object_get(t, "to");
	if (json_is_string(to)) {
		if (!address_ok(json_string_value(to)))
			return bad(f, fn, "must be a mail address or a list of 1-8");
		snprintf(q->to[q->nto++], sizeof q->to[0], "%s", json_string_value(to));
	} else if (json_is_array(to) && json_array_size(to) > 0 &&
	    json_array_size(to) <= QUAKE_RULES_RCPTS) {
		json_array_foreach(to, i, e) {
			if (!address_ok(json_string_value(e)))
				return bad(f, fn, "must be a mail address or a list of 1-8");
			snprintf(q->to[q->nto++], sizeof q->to[0], "%s", json_string_value(e));
		}
	} else
		return bad(f, fn, "must be a mail address or a list of 1-8");
	snprintf(fn, sizeof fn, "%s.auth_file", field);
	if ((e = json_object_get(t, "auth_file")) != NULL && (!json_is_string(e) ||
	    (err = file_name(json_string_value(e), dir, fn, q->secret_file,
	    sizeof q->secret_file, f)) != QUAKE_OK))
		return json_is_string(e) ? err : bad(f, fn, "must be a file name");
	snprintf(fn, sizeof fn, "%s.ca_file", field);
	if ((e = json_object_get(t, "ca_file")) != NULL && (!json_is_string(e) ||
	    (err = file_name(json_string_value(e), dir, fn, q->ca_file,
	    sizeof q->ca_file, f)) != QUAKE_OK))
		return json_is_string(e) ? err : bad(f, fn, "must be a file name");
	return QUAKE_OK;
}

/* One target of kind into *q: a webhook or ntfy URL or object, or an
 * email object. field names it in errors. */
static enum quake_err
parse_one_target(const json_t *t, enum quake_target_kind kind, const char *dir,
    const char *field, struct quake_target *q, struct quake_fail *f)
{
	static const char *const wkeys[] = { "url", "secret_file", NULL };
	static const char *const nkeys[] = { "url", "token_file", "priority", NULL };
	static const char *const schemes[] = { "http://", "https://", NULL };
	const int web = kind == QUAKE_TARGET_WEBHOOK;
	const char *k, *url, *sf;
	enum quake_err err;
	char fn[48];

	q->kind = kind;
	if (kind == QUAKE_TARGET_EMAIL)
		return parse_email(t, dir, field, q, f);
	if (json_is_string(t))
		url = json_string_value(t), sf = NULL;
	else if (json_is_object(t)) {
		if ((k = unknown_key(t, web ? wkeys : nkeys)) != NULL)
			return quake_err_fail(f, field, "unknown key \"%.40s\"", k);
		url = json_string_value(json_object_get(t, "url"));
		sf = json_string_value(json_object_get(t, web ? "secret_file" : "token_file"));
	} else
		return bad(f, field, "must be a URL or an object with \"url\"");
	snprintf(fn, sizeof fn, "%s.url", field);
	if ((err = target_url(url, schemes, fn, q->url, sizeof q->url, f)) != QUAKE_OK)
		return err;
	snprintf(fn, sizeof fn, "%s.%s", field, web ? "secret_file" : "token_file");
	if (web && sf == NULL)
		return bad(f, fn, "missing: webhooks are signed with a whsec_ secret read from a file");
	if (sf != NULL && (err = file_name(sf, dir, fn, q->secret_file,
	    sizeof q->secret_file, f)) != QUAKE_OK)
		return err;
	if (!web && json_object_get(t, "priority") != NULL) {
		double p = 0;
		snprintf(fn, sizeof fn, "%s.priority", field);
		if ((err = num(t, "priority", fn, 1, 5, 1, &p, f)) != QUAKE_OK)
			return err;
		q->priority_fixed = (int)p;
	}
	return QUAKE_OK;
}

static const char *const target_names[] = { "webhook", "ntfy", "email" };

/* The mark key of r's target i (docs: struct quake_target). */
static void
target_key(const struct quake_rule *r, size_t i, struct quake_target *q)
{
	uint32_t h = 2166136261u;	/* FNV-1a of the URL and recipients */
	const unsigned char *p;

	if (i == 0) {
		snprintf(q->key, sizeof q->key, "%s", r->name);
		return;
	}
	for (p = (const unsigned char *)q->url; ; p++) {
		h = (h ^ *p) * 16777619u;
		if (*p == '\0')
			break;
	}
	for (size_t k = 0; k < q->nto; k++)
		for (p = (const unsigned char *)q->to[k]; *p; p++)
			h = (h ^ *p) * 16777619u;
	snprintf(q->key, sizeof q->key, "%s|%s:%08x", r->name, target_names[q->kind], h);
}

/* The rule's targets: "webhook", "ntfy" and "email" (each one target or a
 * list of them) and "targets" (a list of {"KIND": target} objects). */
static enum quake_err
parse_targets(const json_t *o, const char *dir, struct quake_rule *r,
    struct quake_fail *f)
{
	struct quake_target t[QUAKE_RULES_TARGETS];
	const json_t *list = json_object_get(o, "targets"), *v, *e;
	size_t n = 0, i;
	char field[48];
	enum quake_err err;

	/* each entry zeroed as it is taken (8 x 5 KiB per rule adds up over
	 * 100,000 rules) */
	for (int kind = 0; kind < 3; kind++) {
		if ((v = json_object_get(o, target_names[kind])) == NULL)
			continue;
		if (!json_is_array(v)) {
			if (n == QUAKE_RULES_TARGETS)
				return bad(f, target_names[kind], "at most 8 targets in one rule");
			memset(&t[n], 0, sizeof t[n]);
			if ((err = parse_one_target(v, (enum quake_target_kind)kind, dir,
			    target_names[kind], &t[n++], f)) != QUAKE_OK)
				return err;
			continue;
		}
		json_array_foreach(v, i, e) {
			snprintf(field, sizeof field, "%s[%zu]", target_names[kind], i);
			if (n == QUAKE_RULES_TARGETS)
				return bad(f, field, "at most 8 targets in one rule");
			memset(&t[n], 0, sizeof t[n]);
			if ((err = parse_one_target(e, (enum quake_target_kind)kind, dir,
			    field, &t[n++], f)) != QUAKE_OK)
				return err;
		}
	}
	if (list != NULL && !json_is_array(list))
		return bad(f, "targets", "must be a list of {\"webhook\"|\"ntfy\"|\"email\": ...}");
	json_array_foreach(list, i, e) {
		int kind;
		snprintf(field, sizeof field, "targets[%zu]", i);
		if (!json_is_object(e) || json_object_size(e) != 1)
			return bad(f, field, "must be one {\"webhook\"|\"ntfy\"|\"email\": ...}");
		for (kind = 0; kind < 3 && json_object_get(e, target_names[kind]) == NULL; kind++)
			;
		if (kind == 3)
			return bad(f, field, "must be one {\"webhook\"|\"ntfy\"|\"email\": ...}");
		if (n == QUAKE_RULES_TARGETS)
			return bad(f, field, "at most 8 targets in one rule");
		memset(&t[n], 0, sizeof t[n]);
		snprintf(field, sizeof field, "targets[%zu].%s", i, target_names[kind]);
		if ((err = parse_one_target(json_object_get(e, target_names[kind]),
		    (enum quake_target_kind)kind, dir, field, &t[n++], f)) != QUAKE_OK)
			return err;
	}
	if (n == 0)
		return bad(f, "webhook", "a rule needs a target: \"webhook\", \"ntfy\", "
		    "\"email\" or \"targets\"");
	for (i = 0; i < n; i++) {
		target_key(r, i, &t[i]);
		for (size_t k = 0; k < i; k++)
			if (t[k].kind == t[i].kind && strcmp(t[k].url, t[i].url) == 0 &&
			    t[k].nto == t[i].nto && memcmp(t[k].to, t[i].to, sizeof t[i].to) == 0)
				return bad(f, "targets", "the same target twice");
	}
	if ((r->targets = malloc(n * sizeof *r->targets)) == NULL)
		return QUAKE_ENOMEM;
	memcpy(r->targets, t, n * sizeof *t);
	r->ntargets = n;
	return QUAKE_OK;
}

/* "aftershocks": true, or {"main_minmagnitude": M (5.5), "days": D (30)}. */
static enum quake_err
parse_aftershocks(const json_t *v, struct quake_rule *r, struct quake_fail *f)
{
	static const char *const keys[] = { "main_minmagnitude", "days", NULL };
	double days = 30;
	enum quake_err err;
	const char *k;

	r->as_minmag = 5.5;
	if (json_is_true(v))
		goto out;
	if (json_is_false(v)) {
		r->as_minmag = 0;
		return QUAKE_OK;
	}
	if (!json_is_object(v))
		return bad(f, "aftershocks", "must be true or {\"main_minmagnitude\": M, \"days\": D}");
	if ((k = unknown_key(v, keys)) != NULL)
		return quake_err_fail(f, "aftershocks", "unknown key \"%.40s\"", k);
	if ((err = num(v, "main_minmagnitude", "aftershocks.main_minmagnitude", 4, 10, 0,
	    &r->as_minmag, f)) != QUAKE_OK ||
	    (err = num(v, "days", "aftershocks.days", 1, 365, 0, &days, f)) != QUAKE_OK)
		return err;
out:
	r->as_days_us = (int64_t)(days * 86400e6);
	return QUAKE_OK;
}

static int
name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@") == n;
}

/* "tz" (the zone notices give local time in; night.tz when not given),
 * "place" and "aftershocks". */
static enum quake_err
parse_extras(const json_t *o, struct quake_rules *rs, struct quake_rule *r,
    struct quake_fail *f)
{
	const json_t *v;
	const char *s;
	enum quake_err err;
	size_t i;

	r->zone = r->tz;
	if ((v = json_object_get(o, "tz")) != NULL) {
		if ((s = json_string_value(v)) == NULL)
			return bad(f, "tz", "must be a string");
		if (strcmp(s, "UTC") == 0)
			r->zone = -1;
		else if (strlen(s) >= sizeof rs->tz[0].name || !tz_exists(s))
			return quake_err_fail(f, "tz", "no time zone \"%.60s\" in the tz database", s);
		else if ((err = tz_intern(rs, s, &i)) != QUAKE_OK)
			return err;
		else
			r->zone = (int)i;
	}
	if ((v = json_object_get(o, "place")) != NULL) {
		s = json_string_value(v);
		if (s == NULL || *s == '\0' || strlen(s) >= sizeof r->place ||
		    strpbrk(s, "\r\n\t") != NULL)
			return bad(f, "place", "must be a name of 1-63 bytes");
		snprintf(r->place, sizeof r->place, "%s", s);
	}
	if ((v = json_object_get(o, "aftershocks")) != NULL)
		return parse_aftershocks(v, r, f);
	return QUAKE_OK;
}

/* Rule object o into *r (zeroed by the caller). */
static enum quake_err
parse_rule(const json_t *o, const char *dir, struct quake_rules *rs,
    struct quake_rule *r, struct quake_fail *f)
{
	static const char *const keys[] = { "name", "minmagnitude",
	    "night_minmagnitude", "night", "circle", "rectangle", "polygon",
	    "mindepth", "maxdepth", "evtype", "webhook", "ntfy", "updates",
	    "detections", "email", "targets", "tz", "place", "aftershocks", NULL };
	const char *k, *name = json_string_value(json_object_get(o, "name"));
	const json_t *v;
	enum quake_err err;
	int regions = 0;

	if (!json_is_object(o))
		return bad(f, "", "a rule must be a JSON object");
	if (name == NULL || !name_ok(name))
		return bad(f, "name", "must be 1-63 of A-Z a-z 0-9 _ . - @");
	snprintf(r->name, sizeof r->name, "%s", name);
	r->tz = -1;
	r->zone = -1;
	r->mindepth = -INFINITY;
	r->maxdepth = INFINITY;
	if ((k = unknown_key(o, keys)) != NULL)
		return quake_err_fail(f, k, "unknown field");
	if ((err = num(o, "minmagnitude", "minmagnitude", -2, 10, 0, &r->minmag, f)) != QUAKE_OK)
		return err;
	if (json_object_get(o, "night_minmagnitude") != NULL) {
		r->night = 1;
		if ((err = num(o, "night_minmagnitude", "night_minmagnitude", -2, 10, 1,
		    &r->night_minmag, f)) != QUAKE_OK ||
		    (err = parse_night(o, rs, r, f)) != QUAKE_OK)
			return err;
	} else if (json_object_get(o, "night") != NULL)
		return bad(f, "night", "night hours without night_minmagnitude");
	r->region.kind = QUAKE_GEO_EVERYWHERE;
	if ((v = json_object_get(o, "circle")) != NULL && ++regions &&
	    (err = parse_circle(v, &r->region, f)) != QUAKE_OK)
		return err;
	if ((v = json_object_get(o, "rectangle")) != NULL && ++regions == 1 &&
	    (err = parse_rectangle(v, &r->region, f)) != QUAKE_OK)
		return err;
	if ((v = json_object_get(o, "polygon")) != NULL && ++regions == 1 &&
	    (err = parse_polygon(v, dir, &r->region, f)) != QUAKE_OK)
		return err;
	if (regions > 1)
		return bad(f, "polygon", "at most one of circle, rectangle, polygon");
	if ((err = num(o, "mindepth", "mindepth", -10, 1000, 0, &r->mindepth, f)) != QUAKE_OK ||
	    (err = num(o, "maxdepth", "maxdepth", -10, 1000, 0, &r->maxdepth, f)) != QUAKE_OK)
		return err;
	if (r->mindepth > r->maxdepth)
		return bad(f, "maxdepth", "must not be below mindepth");
	if ((v = json_object_get(o, "evtype")) != NULL &&
	    (err = parse_evtype(v, r, f)) != QUAKE_OK)
		return err;
	if ((err = parse_targets(o, dir, r, f)) != QUAKE_OK)
		return err;
	if ((err = parse_extras(o, rs, r, f)) != QUAKE_OK)
		return err;
	if ((v = json_object_get(o, "updates")) != NULL) {
		const char *u = json_string_value(v);
		if (u == NULL || (strcmp(u, "downgrade") != 0 && strcmp(u, "upgrade") != 0))
			return bad(f, "updates", "must be \"upgrade\" (the default) or \"downgrade\"");
		r->downgrade = strcmp(u, "downgrade") == 0;
	}
	if ((v = json_object_get(o, "detections")) != NULL) {
		if (!json_is_boolean(v))
			return bad(f, "detections", "must be true or false");
		r->detections = json_is_true(v);
	}
	return QUAKE_OK;
}

void
quake_rules_free(struct quake_rules *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		quake_geo_free(&rs->rule[i].region);
		free(rs->rule[i].targets);
	}
	free(rs->rule);
	free(rs->tz);
	memset(rs, 0, sizeof *rs);
}

static int
by_name(const void *a, const void *b, void *arg)
{
	const struct quake_rule *r = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(r[i].name, r[j].name);

	return c != 0 ? c : (i > j) - (i < j);
}

/* Two rules of one name: the names sorted, neighbours compared (O(n log
 * n)); the one named is the later of the first pair in file order. */
static enum quake_err
unique_names(struct quake_rules *rs, struct quake_rules_fail *f)
{
	size_t *ix = malloc(rs->n * sizeof *ix), dup = SIZE_MAX;

	if (ix == NULL)
		return QUAKE_ENOMEM;
	for (size_t i = 0; i < rs->n; i++)
		ix[i] = i;
	qsort_r(ix, rs->n, sizeof *ix, by_name, rs->rule);
	for (size_t i = 1; i < rs->n; i++)
		if (strcmp(rs->rule[ix[i - 1]].name, rs->rule[ix[i]].name) == 0 &&
		    ix[i] < dup)
			dup = ix[i];
	free(ix);
	if (dup == SIZE_MAX)
		return QUAKE_OK;
	snprintf(f->rule, sizeof f->rule, "%s", rs->rule[dup].name);
	return bad(&f->f, "name", "two rules have this name");
}

enum quake_err
quake_rules_parse(const char *buf, size_t len, const char *dir,
    struct quake_rules *rs, struct quake_rules_fail *f)
{
	return quake_rules_parse_stop(buf, len, dir, rs, f, NULL);
}

enum quake_err
quake_rules_parse_stop(const char *buf, size_t len, const char *dir,
    struct quake_rules *rs, struct quake_rules_fail *f,
    const volatile sig_atomic_t *stop)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, 0, &je), *list;
	enum quake_err err = QUAKE_OK;
	size_t i, n;

	memset(rs, 0, sizeof *rs);
	f->rule[0] = '\0';
	if (root == NULL)
		return quake_err_fail(&f->f, "", "not JSON: %s (line %d)", je.text, je.line);
	list = json_is_object(root) ? json_object_get(root, "rules") : root;
	if (!json_is_array(list) || (n = json_array_size(list)) == 0) {
		err = bad(&f->f, "rules", "must be a non-empty array of rule objects");
		goto out;
	}
	if ((rs->rule = calloc(n, sizeof *rs->rule)) == NULL) {
		err = QUAKE_ENOMEM;
		goto out;
	}
	for (i = 0; i < n && err == QUAKE_OK; i++) {
		struct quake_rule *r = &rs->rule[rs->n++];
		err = parse_rule(json_array_get(list, i), dir, rs, r, &f->f);
		if (err != QUAKE_OK && r->name[0] != '\0')
			snprintf(f->rule, sizeof f->rule, "%s", r->name);
		else if (err != QUAKE_OK)
			snprintf(f->rule, sizeof f->rule, "#%zu", i + 1);
		if (err == QUAKE_OK && stop != NULL && *stop) {
			err = QUAKE_ETEMP;
			quake_err_fail(&f->f, "", "stopped while loading");
		}
	}
	if (err == QUAKE_OK)
		err = unique_names(rs, f);
out:
	json_decref(root);
	if (err != QUAKE_OK)
		quake_rules_free(rs);
	return err;
}

enum quake_err
quake_rules_load(const char *path, struct quake_rules *rs,
    struct quake_rules_fail *f)
{
	return quake_rules_load_stop(path, rs, f, NULL);
}

enum quake_err
quake_rules_load_stop(const char *path, struct quake_rules *rs,
    struct quake_rules_fail *f, const volatile sig_atomic_t *stop)
{
	char dir[2048], *slash;
	size_t len = 0;
	char *buf = slurp(path, &len);
	enum quake_err err;

	f->rule[0] = '\0';
	if (buf == NULL) {
		quake_err_fail(&f->f, "", "cannot read %.100s: %s", path, strerror(errno));
		return QUAKE_EIO;
	}
	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	err = quake_rules_parse_stop(buf, len, dir, rs, f, stop);
	free(buf);
	return err;
}

/* Seconds east of UTC of zone z at unix time s (TZ + localtime_r, cached
 * per quarter hour: zones change offsets on quarter hours). */
static long
tz_offset(struct quake_rules_tz *z, int64_t s)
{
	int64_t b = s >= 0 ? s / 900 : (s - 899) / 900;
	char *old, saved[256];
	struct tm tm;
	time_t t = (time_t)s;

	if (b == z->bucket)
		return z->offset_s;
	old = getenv("TZ");
	snprintf(saved, sizeof saved, "%s", old ? old : "");
	setenv("TZ", z->name, 1);
	tzset();
	z->offset_s = localtime_r(&t, &tm) != NULL ? tm.tm_gmtoff : 0;
	if (old != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	z->bucket = b;
	return z->offset_s;
}

double
quake_rules_threshold(struct quake_rules *rs, size_t i, int64_t t)
{
	struct quake_rule *r = &rs->rule[i];
	int64_t s = t >= 0 ? t / 1000000 : (t - 999999) / 1000000;
	long minute;

	if (!r->night)
		return r->minmag;
	if (r->tz >= 0)
		s += tz_offset(&rs->tz[r->tz], s);
	minute = (long)(((s % 86400) + 86400) % 86400 / 60);
	if (r->night_from <= r->night_to ?
	    minute >= r->night_from && minute < r->night_to :
	    minute >= r->night_from || minute < r->night_to)
		return r->night_minmag;
	return r->minmag;
}

int
quake_rules_match(struct quake_rules *rs, size_t i, const struct quake_event *ev,
    double *threshold)
{
	struct quake_rule *r = &rs->rule[i];
	int listed = 0;

	if (ev->depth < r->mindepth || ev->depth > r->maxdepth)
		return 0;
	for (size_t k = 0; k < r->nevtypes && !listed; k++)
		listed = strcmp(r->evtypes[k], ev->evtype) == 0;
	if (r->nevtypes > 0 && listed == r->evtype_exclude)
		return 0;
	*threshold = quake_rules_threshold(rs, i, ev->time);
	if (ev->mag < *threshold)
		return 0;
	return quake_geo_contains(&r->region, ev->lat, ev->lon);
}

long
quake_rules_offset(struct quake_rules *rs, size_t i, int64_t t, const char **name)
{
	const struct quake_rule *r = &rs->rule[i];
	int64_t s = t >= 0 ? t / 1000000 : (t - 999999) / 1000000;

	if (r->zone < 0) {
		*name = NULL;
		return 0;
	}
	*name = rs->tz[r->zone].name;
	return tz_offset(&rs->tz[r->zone], s);
}
