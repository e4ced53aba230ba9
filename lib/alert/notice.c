/* notice — local time, map link, email text and message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "alert/notice.h"
#include "core/time.h"

/* snprintf's answer as a length, 0 when it did not fit. */
static size_t
fit(int n, size_t cap)
{
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

size_t
quake_notice_local_time(int64_t t, const char *zone, long offset_s, char *out,
    size_t cap)
{
	time_t s = (time_t)((t >= 0 ? t / 1000000 : (t - 999999) / 1000000) + offset_s);
	long a = offset_s < 0 ? -offset_s : offset_s;
	struct tm tm;

	if (gmtime_r(&s, &tm) == NULL)
		return 0;
	return fit(snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d %s (UTC%c%02ld:%02ld)",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, zone != NULL ? zone : "UTC", offset_s < 0 ? '-' : '+',
	    a / 3600, a % 3600 / 60), cap);
}

size_t
quake_notice_map_link(const char *base, const char *id, double lat, double lon,
    char *out, size_t cap)
{
	char enc[3 * 64 + 1];
	size_t k = 0;

	if (base == NULL || *base == '\0' || strlen(id) >= 64)
		return 0;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p) != NULL)
			enc[k++] = (char)*p;
		else
			k += (size_t)snprintf(enc + k, 4, "%%%02X", *p);
	enc[k] = '\0';
	return fit(snprintf(out, cap, "%s#sel=%s&c=%.3f,%.3f,8", base, enc, lat, lon), cap);
}

size_t
quake_notice_header_word(const char *s, char *out, size_t cap)
{
	size_t n = strlen(s), k = 0, i;
	int plain = 1;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			plain = 0;
	if (plain)
		return fit(snprintf(out, cap, "%s", s), cap);
	for (i = 0; i < n; ) {
		unsigned char chunk[48];
		char b64[68];
		size_t c = 0;
		/* whole UTF-8 sequences in each word (RFC 2047 5: no split) */
		while (i < n && c < 45) {
			size_t len = 1;
			unsigned char b = (unsigned char)s[i];
			if (b >= 0xf0) len = 4; else if (b >= 0xe0) len = 3; else if (b >= 0xc0) len = 2;
			if (c + len > 45 && c > 0)
				break;
			for (size_t j = 0; j < len && i < n; j++, i++)
				if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
					chunk[c++] = (unsigned char)s[i];
		}
		EVP_EncodeBlock((unsigned char *)b64, chunk, (int)c);
		size_t w = fit(snprintf(out + k, cap - k, "%s=?UTF-8?B?%s?=", k ? " " : "", b64), cap - k);
		if (w == 0)
			return 0;
		k += w;
	}
	return k;
}

size_t
quake_notice_text(const struct quake_event *ev, enum quake_alert_kind kind,
    const char *rule, double distance_km, const struct quake_alert_ctx *ctx,
    char *out, size_t cap)
{
	char when[QUAKE_TIME_LEN + 1], emsc[256], far[64] = "";
	const struct quake_alert_ctx none = { 0 };
	const char *head = kind == QUAKE_ALERT_TEST ?
	    "TEST NOTICE: this is a test of your subscription, not an earthquake." :
	    kind == QUAKE_ALERT_CANCELLED ? "This earthquake no longer matches your rule." :
	    kind == QUAKE_ALERT_UPGRADED ? "The magnitude of this earthquake was raised." :
	    "An earthquake matches your rule.";

	if (ctx == NULL)
		ctx = &none;
	if (quake_time_format(ev->time, when) != QUAKE_OK)
		snprintf(when, sizeof when, "?");
	quake_alert_event_url(ev->id, emsc, sizeof emsc);
	if (distance_km >= 0)
		snprintf(far, sizeof far, " (%.0f km from the centre of your area)", distance_km);
	return fit(snprintf(out, cap, "%s\n\n"
	    "Magnitude:  %.1f %s\n"
	    "Where:      %s%s\n"
	    "Region:     %s\n"
	    "Depth:      %.0f km\n"
	    "%s%s%s"
	    "Time (UTC): %.10s %.8s UTC\n"
	    "%s%s%s"
	    "EMSC:       %s\n"
	    "Event id:   %s\n\n"
	    "Sent by quake-alert for your rule \"%s\".\n",
	    head, ev->mag, ev->magtype,
	    ctx->where != NULL ? ctx->where : ev->region, far, ev->region, ev->depth,
	    ctx->local != NULL ? "Local time: " : "", ctx->local != NULL ? ctx->local : "",
	    ctx->local != NULL ? "\n" : "", when, when + 11,
	    ctx->link != NULL ? "Map:        " : "", ctx->link != NULL ? ctx->link : "",
	    ctx->link != NULL ? "\n" : "", emsc, ev->id, rule), cap);
}

size_t
quake_notice_mail(const char *from, const char (*to)[256], size_t nto,
    const char *subject, const char *text, const char *id, int64_t date_us,
    char *out, size_t cap)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char subj[1024];
	const char *domain = strchr(from, '@');
	time_t s = (time_t)(date_us / 1000000);
	struct tm tm;
	size_t k;

	if (domain == NULL || gmtime_r(&s, &tm) == NULL ||
	    quake_notice_header_word(subject, subj, sizeof subj) == 0)
		return 0;
	k = fit(snprintf(out, cap, "From: %s\r\nTo: ", from), cap);
	for (size_t i = 0; i < nto && k > 0; i++) {
		size_t w = fit(snprintf(out + k, cap - k, "%s%s", i ? ", " : "", to[i]), cap - k);
		k = w > 0 ? k + w : 0;
	}
	if (k == 0)
		return 0;
	size_t w = fit(snprintf(out + k, cap - k, "\r\nSubject: %s\r\n"
	    "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n"
	    "Message-ID: <%s%s>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    "Auto-Submitted: auto-generated\r\n\r\n", subj, wd[tm.tm_wday], tm.tm_mday,
	    mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, id,
	    domain), cap - k);
	if (w == 0)
		return 0;
	k += w;
	for (const char *p = text; *p; p++) {
		if (k + 3 >= cap)
			return 0;
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			out[k++] = '\r';
		out[k++] = *p;
	}
	if (k == 0 || out[k - 1] != '\n') {
		if (k + 3 >= cap)
			return 0;
		out[k++] = '\r', out[k++] = '\n';
	}
	out[k] = '\0';
	return k;
}
