/* alert — the when-to-alert decision, notice ids, bodies and signatures. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "alert/alert.h"
#include "core/json.h"
#include "core/time.h"

static const char *const kinds[] = { "none", "new", "upgraded", "cancelled", "test" };

const char *
quake_alert_kind_str(enum quake_alert_kind k)
{
	return (unsigned)k < 5 ? kinds[k] : "none";
}

int
quake_alert_band(double mag, double threshold)
{
	/* a small epsilon: 5.5 - 4.5 is one band even where binary fractions
	 * make it 0.99999 */
	double b = floor((mag - threshold) * 2.0 + 1e-9);

	if (b < 0)
		return -1;
	return b > 100 ? 100 : (int)b;
}

enum quake_alert_kind
quake_alert_decide(const struct quake_alert_mark *prev, int matched,
    double mag, double threshold, int64_t lastupdate, int64_t time,
    int downgrade, struct quake_alert_mark *next)
{
	int band = matched ? quake_alert_band(mag, threshold) : -1;

	*next = *prev;
	if (prev->have && lastupdate <= prev->lastupdate)
		return QUAKE_ALERT_NONE;	/* unchanged or stale */
	if (matched && band < 0)
		matched = 0;
	if (!prev->have) {
		if (!matched)
			return QUAKE_ALERT_NONE;	/* nothing to remember */
		*next = (struct quake_alert_mark){ 1, band, 0, 0, lastupdate, time };
		return QUAKE_ALERT_NEW;
	}
	next->lastupdate = lastupdate;
	next->time = time;
	if (prev->cancelled) {
		if (!matched)
			return QUAKE_ALERT_NONE;
		next->cancelled = 0;
		next->band = band;
		next->gen = prev->gen + 1;	/* a new id for the same band */
		return QUAKE_ALERT_NEW;
	}
	if (!matched) {
		if (!downgrade)
			return QUAKE_ALERT_NONE;
		next->cancelled = 1;
		return QUAKE_ALERT_CANCELLED;
	}
	if (band > prev->band) {
		next->band = band;
		return QUAKE_ALERT_UPGRADED;
	}
	return QUAKE_ALERT_NONE;
}

void
quake_alert_id(const char *rule, const char *event_id,
    enum quake_alert_kind kind, const struct quake_alert_mark *m, char *out)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char buf[256];
	int n;

	/* a cancellation names the generation it ends; a new notice after one
	 * is of the next generation (decide() bumps gen) */
	n = snprintf(buf, sizeof buf, "%s%c%s%c%s%c%d%c%d", rule, 0, event_id, 0,
	    quake_alert_kind_str(kind), 0, kind == QUAKE_ALERT_CANCELLED ? -1 : m->band,
	    0, m->gen);
	SHA256((const unsigned char *)buf, (size_t)n, md);
	memcpy(out, "msg_", 4);
	for (int i = 0; i < 16; i++)
		snprintf(out + 4 + 2 * i, 3, "%02x", md[i]);
}

size_t
quake_alert_event_url(const char *id, char *out, size_t cap)
{
	int n = snprintf(out, cap, "https://www.seismicportal.eu/eventdetails.html?unid=%s", id);

	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

size_t
quake_alert_body(const struct quake_event *ev, const char *rule,
    enum quake_alert_kind kind, int band, double threshold,
    double distance_km, const struct quake_alert_ctx *ctx, char *out,
    size_t cap)
{
	char line[QUAKE_EVENT_LINE_MAX + 1], url[256], rq[6 * 96 + 3], idq[6 * 64 + 3];
	char thr[32], dist[64], extra[2 * (6 * 256 + 16)], link[6 * 512 + 16];
	const struct quake_alert_ctx none = { 0 };
	size_t ll = quake_event_format(ev, line, sizeof line);
	int n;

	if (ll == 0 || quake_alert_event_url(ev->id, url, sizeof url) == 0 ||
	    quake_json_format_number(threshold, thr) == 0)
		return 0;
	rq[quake_json_format_string(rule, rq)] = '\0';
	idq[quake_json_format_string(ev->id, idq)] = '\0';
	dist[0] = '\0';
	if (distance_km >= 0) {
		char d[32];
		d[quake_json_format_number(round(distance_km * 10) / 10, d)] = '\0';
		snprintf(dist, sizeof dist, "\"distance_km\":%s,", d);
	}
	if (ctx == NULL)
		ctx = &none;
	extra[0] = link[0] = '\0';
	if (ctx->where != NULL && strlen(ctx->where) < 256) {
		size_t k = strlen(extra);
		k += (size_t)snprintf(extra + k, sizeof extra - k, "\"place\":");
		k += quake_json_format_string(ctx->where, extra + k);
		snprintf(extra + k, sizeof extra - k, ",");
	}
	if (ctx->local != NULL && strlen(ctx->local) < 256) {
		size_t k = strlen(extra);
		k += (size_t)snprintf(extra + k, sizeof extra - k, "\"local_time\":");
		k += quake_json_format_string(ctx->local, extra + k);
		snprintf(extra + k, sizeof extra - k, ",");
	}
	if (ctx->link != NULL && strlen(ctx->link) < 512) {
		size_t k = (size_t)snprintf(link, sizeof link, "\"map_url\":");
		k += quake_json_format_string(ctx->link, link + k);
		snprintf(link + k, sizeof link - k, ",");
	}
	n = snprintf(out, cap, "{\"type\":\"earthquake.%s\",\"id\":%s,\"rule\":%s,"
	    "\"kind\":\"%s\",\"band\":%d,\"threshold\":%s,%s%s\"url\":\"%s\",%s"
	    "\"event\":%s}", quake_alert_kind_str(kind), idq, rq,
	    quake_alert_kind_str(kind), band, thr, dist, extra, url, link, line);
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

/* s with control characters (and DEL) replaced by '?': header-safe,
 * UTF-8 kept. */
static void
no_controls(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			*s = '?';
}

void
quake_alert_ntfy(const struct quake_event *ev, enum quake_alert_kind kind,
    double distance_km, int priority, const struct quake_alert_ctx *ctx,
    struct quake_alert_ntfy *out)
{
	char when[QUAKE_TIME_LEN + 1], far[48] = "", local[160] = "";
	const struct quake_alert_ctx none = { 0 };
	const char *what = kind == QUAKE_ALERT_CANCELLED ? "Cancelled: " :
	    kind == QUAKE_ALERT_UPGRADED ? "Upgraded: " : kind == QUAKE_ALERT_TEST ?
	    "TEST: " : "";

	if (ctx == NULL)
		ctx = &none;
	if (priority <= 0)	/* ntfy: 1 min .. 5 urgent */
		priority = ev->mag >= 7.0 ? 5 : ev->mag >= 6.0 ? 4 : ev->mag >= 4.5 ? 3 : 2;
	if (kind == QUAKE_ALERT_CANCELLED || kind == QUAKE_ALERT_TEST)
		priority = 2;
	snprintf(out->priority, sizeof out->priority, "%d", priority);
	snprintf(out->title, sizeof out->title, "%sM%.1f %s", what, ev->mag,
	    ctx->where != NULL ? ctx->where : ev->region);
	snprintf(out->tags, sizeof out->tags, "%s",
	    kind == QUAKE_ALERT_TEST ? "test_tube" :
	    kind == QUAKE_ALERT_CANCELLED ? "earthquake,x" : ev->mag >= 6.0 ?
	    "earthquake,warning,rotating_light" : "earthquake,warning");
	if (ctx->link != NULL && strlen(ctx->link) < sizeof out->click)
		snprintf(out->click, sizeof out->click, "%s", ctx->link);
	else
		quake_alert_event_url(ev->id, out->click, sizeof out->click);
	if (quake_time_format(ev->time, when) != QUAKE_OK)
		snprintf(when, sizeof when, "?");
	if (distance_km >= 0)
		snprintf(far, sizeof far, ", %.0f km away", distance_km);
	if (ctx->local != NULL)
		snprintf(local, sizeof local, "%s, ", ctx->local);
	snprintf(out->message, sizeof out->message, "%s M%.1f %s, depth %.0f km, "
	    "%s%.10s %.8s UTC%s%s%s", kind == QUAKE_ALERT_CANCELLED ? "No longer matches:" :
	    kind == QUAKE_ALERT_TEST ? "Test notice (not an earthquake):" : "Earthquake",
	    ev->mag, ev->magtype, ev->depth, local, when, when + 11, far,
	    ctx->where != NULL ? " - " : "", ctx->where != NULL ? ctx->where : "");
	if (kind == QUAKE_ALERT_UPGRADED && strlen(out->message) + 20 < sizeof out->message)
		strcat(out->message, " (magnitude raised)");
	no_controls(out->title);
	no_controls(out->message);
}

enum quake_err
quake_alert_secret_parse(const char *s, size_t len, unsigned char *key,
    size_t *klen, struct quake_fail *f)
{
	int n, pad = 0;

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
		len--;
	if (len < 6 || memcmp(s, "whsec_", 6) != 0)
		return quake_err_fail(f, "secret", "must start with whsec_");
	s += 6, len -= 6;
	if (len == 0 || len % 4 != 0 || len > 1024 ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") < len)
		return quake_err_fail(f, "secret", "whsec_ must be followed by base64");
	n = EVP_DecodeBlock(key, (const unsigned char *)s, (int)len);
	if (n < 0)
		return quake_err_fail(f, "secret", "whsec_ must be followed by base64");
	pad = (s[len - 1] == '=') + (s[len - 2] == '=');
	*klen = (size_t)n - (size_t)pad;
	if (*klen < 16)
		return quake_err_fail(f, "secret", "key shorter than 16 bytes");
	return QUAKE_OK;
}

void
quake_alert_sign(const unsigned char *key, size_t klen, const char *id,
    long long timestamp, const char *body, size_t len, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char msg[128 + QUAKE_ALERT_BODY_MAX];
	int hl = snprintf(msg, 128, "%s.%lld.", id, timestamp);

	if (hl > 0 && hl < 128 && len <= QUAKE_ALERT_BODY_MAX) {
		memcpy(msg + hl, body, len);
		HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg,
		    (size_t)hl + len, md, &mdlen);
	}
	memcpy(out, "v1,", 3);
	EVP_EncodeBlock((unsigned char *)out + 3, md, (int)mdlen);
	OPENSSL_cleanse(md, sizeof md);
}
