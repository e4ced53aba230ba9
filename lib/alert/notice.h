/* notice — what a notice says to a person: the local time of an event in
 * the rule's zone, the link to it on the map (the page's permalink), the
 * plain-text body of an email and the whole message (RFC 5322 headers,
 * RFC 2047 for a subject that is not ASCII). Pure: the caller passes the
 * clock and the zone's offset. */
#ifndef QUAKE_NOTICE_H
#define QUAKE_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "alert/alert.h"
#include "lines/event.h"

/* "2026-12-07 22:14:05 Europe/Lisbon (UTC+01:00)" for t (µs) at offset_s
 * seconds east of UTC into out (cap bytes). Returns the length, 0 when it
 * does not fit. */
size_t quake_notice_local_time(int64_t t, const char *zone, long offset_s,
    char *out, size_t cap);

/* The map page's permalink of an event (web/app.js: the hash holds the
 * selected event and the view): BASE#sel=ID&c=LAT,LON,8 into out. Returns
 * the length, 0 when it does not fit or base is empty. */
size_t quake_notice_map_link(const char *base, const char *id, double lat,
    double lon, char *out, size_t cap);

/* s as a header value: as is when printable ASCII, else one RFC 2047
 * "=?UTF-8?B?...?=" word per 45 bytes (control characters dropped).
 * Returns the length, 0 when it does not fit. */
size_t quake_notice_header_word(const char *s, char *out, size_t cap);

/* The plain-text body of an email about ev (lines end in LF): the ntfy
 * message's facts one per line, the map link and EMSC's page, the rule.
 * Returns the length, 0 when it does not fit. */
size_t quake_notice_text(const struct quake_event *ev,
    enum quake_alert_kind kind, const char *rule, double distance_km,
    const struct quake_alert_ctx *ctx, char *out, size_t cap);

#define QUAKE_NOTICE_MAIL_MAX 8192

/* The whole mail: From, To (the nto addresses), Subject (encoded as
 * needed), Date (date_us, UTC), Message-ID "<ID@DOMAIN-OF-FROM>" (id: the
 * notice id, so a retry is the same mail), MIME headers for UTF-8 plain
 * text, a blank line and text with every line ending in CRLF. Returns the
 * length, 0 when it does not fit in cap. */
size_t quake_notice_mail(const char *from, const char (*to)[256], size_t nto,
    const char *subject, const char *text, const char *id, int64_t date_us,
    char *out, size_t cap);

#endif
