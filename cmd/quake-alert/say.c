/* say — notice bodies for webhooks, ntfy and email. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "say.h"
#include "alert/notice.h"
#include "core/json.h"
#include "core/time.h"
#include "common/tool.h"

#ifndef QUAKE_ASSETS_DIR
#define QUAKE_ASSETS_DIR "/usr/local/share/quake/web"
#endif

static struct {
	struct quake_rules *rs;
	struct quake_gazetteer *g;
	const char *url;
} s;

int
say_places(const char *path)
{
	char self[4096], built[4200], *slash;
	const char *p = path;
	struct quake_fail f;
	size_t len = 0;
	ssize_t n;
	char *buf;
	FILE *fp;

	if (p == NULL) {	/* the installed file, else the one built beside us */
		p = QUAKE_ASSETS_DIR "/../places.tsv";
		if (access(p, R_OK) != 0 && (n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
			self[n] = '\0';
			if ((slash = strrchr(self, '/')) != NULL)
				*slash = '\0';
			snprintf(built, sizeof built, "%s/../share/quake/places.tsv", self);
			p = built;
		}
		if (access(p, R_OK) != 0)
			return 0;	/* none: EMSC's region names */
	}
	if ((fp = fopen(p, "re")) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "cannot read the places file", "path", p,
		    "error", strerror(errno), NULL);
		return QUAKE_EXIT_CONFIG;
	}
	struct stat st;
	if (fstat(fileno(fp), &st) != 0 || st.st_size > (64 << 20)) {
		quake_log(QUAKE_LOG_ERROR, "cannot read the places file", "path", p,
		    "error", "not a file of at most 64 MiB", NULL);
		fclose(fp);
		return QUAKE_EXIT_CONFIG;
	}
	buf = tool_alloc((size_t)st.st_size + 1);
	len = fread(buf, 1, (size_t)st.st_size, fp);
	fclose(fp);
	if (quake_gazetteer_load(buf, len, &s.g, &f) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "invalid places file", "path", p, "field", f.field,
		    "reason", f.reason, NULL);
		free(buf);
		return QUAKE_EXIT_CONFIG;
	}
	free(buf);
	return 0;
}

void
say_init(struct quake_rules *rs, const char *map_url)
{
	s.rs = rs, s.url = map_url != NULL && *map_url ? map_url : NULL;
}

void
say_free(void)
{
	quake_gazetteer_free(s.g);
	s.g = NULL;
}

/* Where (lat, lon) is for rule r: "74 km SSW of PLACE" from a circle's
 * centre named by the rule, PLACE for other named areas, else the nearest
 * place of the gazetteer; "" when none. name_only: the place's name
 * alone (detections: "phones near Lisbon"). */
static void
where(const struct quake_rule *r, double lat, double lon, int name_only,
    char *out, size_t cap)
{
	long i;

	out[0] = '\0';
	if (r->place[0] != '\0' && r->region.kind == QUAKE_GEO_CIRCLE && !name_only) {
		double km = quake_geo_distance_km(r->region.lat, r->region.lon, lat, lon);
		snprintf(out, cap, "%.0f km %s of %s", km, quake_gazetteer_compass(
		    quake_gazetteer_bearing(r->region.lat, r->region.lon, lat, lon)), r->place);
	} else if (r->place[0] != '\0')
		snprintf(out, cap, "%s", r->place);
	else if (s.g != NULL && name_only &&
	    (i = quake_gazetteer_nearest(s.g, lat, lon, 0, NULL, NULL)) >= 0)
		snprintf(out, cap, "%s", quake_gazetteer_place(s.g, (size_t)i)->name);
	else if (s.g != NULL && !name_only)
		quake_gazetteer_describe(s.g, lat, lon, 0, out, cap);
}

static double
distance(const struct quake_rule *r, double lat, double lon)
{
	if (r->region.kind != QUAKE_GEO_CIRCLE)
		return -1;
	return quake_geo_distance_km(r->region.lat, r->region.lon, lat, lon);
}

/* n->body (owned) from buf[0..len). */
static void
body(struct notice *n, const char *buf, size_t len)
{
	n->body = tool_alloc(len + 1);
	memcpy(n->body, buf, len);
	n->len = len;
}

/* The mail of n: subject, text. */
static void
mail(struct notice *n, const char *subject, const char *text)
{
	const struct quake_target *q = &s.rs->rule[n->rule].targets[n->target];
	char *m = tool_alloc(QUAKE_NOTICE_MAIL_MAX);
	size_t len = quake_notice_mail(q->from, (const char (*)[256])q->to, q->nto,
	    subject, text, n->id, quake_time_now(), m, QUAKE_NOTICE_MAIL_MAX);

	n->body = m;
	n->len = len;
}

void
say_event(struct notice *n, const struct quake_event *ev,
    enum quake_alert_kind kind, int band, double threshold)
{
	const struct quake_rule *r = &s.rs->rule[n->rule];
	const struct quake_target *q = &r->targets[n->target];
	char place[256], local[160], link[768];
	struct quake_alert_ctx ctx = { 0 };
	const char *zone;
	long off = quake_rules_offset(s.rs, n->rule, ev->time, &zone);
	double dist = distance(r, ev->lat, ev->lon);

	where(r, ev->lat, ev->lon, 0, place, sizeof place);
	if (place[0] != '\0')
		ctx.where = place;
	if (zone != NULL && quake_notice_local_time(ev->time, zone, off, local, sizeof local) > 0)
		ctx.local = local;
	if (s.url != NULL && quake_notice_map_link(s.url, ev->id, ev->lat, ev->lon,
	    link, sizeof link) > 0)
		ctx.link = link;
	if (q->kind == QUAKE_TARGET_WEBHOOK) {
		char b[QUAKE_ALERT_BODY_MAX];
		body(n, b, quake_alert_body(ev, r->name, kind, band, threshold, dist,
		    &ctx, b, sizeof b));
		return;
	}
	n->nt = tool_alloc(sizeof *n->nt);
	quake_alert_ntfy(ev, kind, dist, q->priority_fixed, &ctx, n->nt);
	if (q->kind == QUAKE_TARGET_NTFY) {
		body(n, n->nt->message, strlen(n->nt->message));
		return;
	}
	char text[4096];
	if (quake_notice_text(ev, kind, r->name, dist, &ctx, text, sizeof text) == 0)
		snprintf(text, sizeof text, "%s\n", n->nt->message);
	mail(n, n->nt->title, text);
	free(n->nt);
	n->nt = NULL;
}

void
say_detection(struct notice *n, const struct quake_detection *d,
    const char *buf, size_t len)
{
	const struct quake_rule *r = &s.rs->rule[n->rule];
	const struct quake_target *q = &r->targets[n->target];
	char place[160], msg[320], b[QUAKE_ALERT_BODY_MAX], qid[6 * 64 + 3], qr[6 * 64 + 3];
	char qm[6 * 320 + 3], link[768] = "";
	double dist = distance(r, d->lat, d->lon);

	where(r, d->lat, d->lon, 1, place, sizeof place);
	if (place[0] == '\0')
		snprintf(place, sizeof place, "%.2f%c %.2f%c", fabs(d->lat), d->lat < 0 ? 'S' : 'N',
		    fabs(d->lon), d->lon < 0 ? 'W' : 'E');
	snprintf(msg, sizeof msg, "phones near %s are shaking (%d devices, "
	    "peak %.1f m/s2)", place, d->devices, d->peak);
	if (s.url != NULL)
		quake_notice_map_link(s.url, d->id, d->lat, d->lon, link, sizeof link);
	if (q->kind == QUAKE_TARGET_NTFY) {
		n->nt = tool_alloc(sizeof *n->nt);
		snprintf(n->nt->title, sizeof n->nt->title, "Phones shaking near %s", place);
		snprintf(n->nt->priority, sizeof n->nt->priority, "%d",
		    q->priority_fixed > 0 ? q->priority_fixed : 4);
		snprintf(n->nt->tags, sizeof n->nt->tags, "iphone,warning");
		memcpy(n->nt->click, link, sizeof link);
		body(n, msg, strlen(msg));
		return;
	}
	if (q->kind == QUAKE_TARGET_EMAIL) {
		char subject[200], text[1200];
		snprintf(subject, sizeof subject, "Phones shaking near %s", place);
		snprintf(text, sizeof text, "%s.\n\nDetection %s at %.4f, %.4f.\n%s%s%s\n"
		    "Sent by quake-alert for your rule \"%s\".\n", msg, d->id, d->lat, d->lon,
		    link[0] ? "Map: " : "", link, link[0] ? "\n" : "", r->name);
		mail(n, subject, text);
		return;
	}
	qid[quake_json_format_string(d->id, qid)] = '\0';
	qr[quake_json_format_string(r->name, qr)] = '\0';
	qm[quake_json_format_string(msg, qm)] = '\0';
	int bl = snprintf(b, sizeof b, "{\"type\":\"shaking.detected\",\"id\":%s,"
	    "\"rule\":%s,\"kind\":\"shaking\",\"message\":%s,", qid, qr, qm);
	if (dist >= 0)
		bl += snprintf(b + bl, sizeof b - (size_t)bl, "\"distance_km\":%.1f,", dist);
	bl += snprintf(b + bl, sizeof b - (size_t)bl, "\"detection\":%.*s}", (int)len, buf);
	body(n, b, (size_t)bl < sizeof b ? (size_t)bl : 0);
}

void
say_test_event(size_t i, struct quake_event *ev)
{
	const struct quake_rule *r = &s.rs->rule[i];
	const struct quake_geo_region *g = &r->region;

	memset(ev, 0, sizeof *ev);
	ev->time = ev->lastupdate = quake_time_now();
	snprintf(ev->id, sizeof ev->id, "test-%lld", (long long)(ev->time / 1000000));
	ev->mag = r->minmag > 0 ? r->minmag : 4.5;
	ev->depth = 10;
	if (g->kind == QUAKE_GEO_CIRCLE)
		ev->lat = g->lat, ev->lon = g->lon;
	else if (g->kind == QUAKE_GEO_RECTANGLE)
		ev->lat = (g->minlat + g->maxlat) / 2, ev->lon = (g->minlon + g->maxlon) / 2;
	snprintf(ev->magtype, sizeof ev->magtype, "M");
	snprintf(ev->region, sizeof ev->region, "TEST NOTICE");
	snprintf(ev->evtype, sizeof ev->evtype, "ke");
	snprintf(ev->auth, sizeof ev->auth, "TEST");
	snprintf(ev->source_catalog, sizeof ev->source_catalog, "quake-alert");
	snprintf(ev->source_id, sizeof ev->source_id, "test");
}
