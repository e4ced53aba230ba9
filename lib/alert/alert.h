/* alert — when quake-alert tells a rule about an event (docs/design.md,
 * "When to alert"), as a pure function of what was told before and the new
 * revision; and what it says: the webhook body, its id, ntfy's headers. */
#ifndef QUAKE_ALERT_H
#define QUAKE_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "lines/event.h"

enum quake_alert_kind {
	QUAKE_ALERT_NONE, QUAKE_ALERT_NEW, QUAKE_ALERT_UPGRADED,
	QUAKE_ALERT_CANCELLED,
	QUAKE_ALERT_TEST	/* quake-alert --test: never decided */
};

/* What a notice says beside the event (all borrowed, each may be NULL):
 * where it is ("74 km SSW of Lisbon, Portugal"; NULL: the event's region),
 * the local time (quake_alert_local_time; NULL: UTC only), a link to the
 * event on the map (NULL: none; the EMSC page is always given). */
struct quake_alert_ctx {
	const char *where;
	const char *local;
	const char *link;
};

/* What a rule was last told about an event (plain storage). */
struct quake_alert_mark {
	int have;		/* 0: nothing yet */
	int band;		/* band of the last notice (0: at the threshold) */
	int gen;		/* bumped by each cancellation, so ids stay unique */
	int cancelled;		/* the last notice was a cancellation */
	int64_t lastupdate;	/* newest revision judged (µs) */
	int64_t time;		/* the event's origin time (µs), for pruning */
};

/* The band of magnitude mag above threshold (0.5-wide; -1 below it). */
int quake_alert_band(double mag, double threshold);

/* Decide on one revision (lastupdate, origin time, magnitude) of an event
 * for one rule: matched tells whether it matches the rule, threshold the
 * magnitude threshold in force, downgrade whether the rule wants
 * cancellations. *next (caller-owned) gets the mark to keep, whatever the
 * kind; a revision not newer than prev->lastupdate changes nothing. */
enum quake_alert_kind quake_alert_decide(const struct quake_alert_mark *prev,
    int matched, double mag, double threshold, int64_t lastupdate,
    int64_t time, int downgrade, struct quake_alert_mark *next);

const char *quake_alert_kind_str(enum quake_alert_kind k);

#define QUAKE_ALERT_ID_LEN 36	/* "msg_" + 32 hex digits */

/* The webhook-id of a notice: a hash of (rule, event id, kind, band, gen),
 * the same every time the same decision is taken. out needs
 * QUAKE_ALERT_ID_LEN + 1 bytes. */
void quake_alert_id(const char *rule, const char *event_id,
    enum quake_alert_kind kind, const struct quake_alert_mark *m, char *out);

#define QUAKE_ALERT_BODY_MAX 6144

/* The webhook body: {"type":"earthquake.<kind>","id":…,"rule":…,"kind":…,
 * "band":N,"threshold":X,["distance_km":D,]["place":…,]["local_time":…,]
 * "url":…,["map_url":…,]"event":{event line}} into out of cap bytes.
 * distance_km < 0 leaves it out; ctx (may be NULL) gives place, local time
 * and map link. Returns the length, 0 when it does not fit. */
size_t quake_alert_body(const struct quake_event *ev, const char *rule,
    enum quake_alert_kind kind, int band, double threshold,
    double distance_km, const struct quake_alert_ctx *ctx, char *out,
    size_t cap);

/* The EMSC page of event id into out (cap bytes); returns the length. */
size_t quake_alert_event_url(const char *id, char *out, size_t cap);

/* ntfy's headers for a notice: Title ("M5.1 74 km SSW of Lisbon,
 * Portugal", or the event's region), Priority (by magnitude unless
 * priority > 0), Tags, Click (the map link when ctx has one, else the EMSC
 * page), and the message text (local time beside UTC when ctx has it).
 * Title and message are UTF-8 (place names); no control characters.
 * Caller-owned storage; ctx may be NULL. */
struct quake_alert_ntfy {
	char title[256];
	char priority[12];
	char tags[64];
	char click[1024];
	char message[512];
};
void quake_alert_ntfy(const struct quake_event *ev, enum quake_alert_kind kind,
    double distance_km, int priority, const struct quake_alert_ctx *ctx,
    struct quake_alert_ntfy *out);

/* Standard Webhooks: decode "whsec_<base64>" from s[0..len) into key
 * (caller-owned, at least len bytes) and *klen. QUAKE_EINPUT fills *f. */
enum quake_err quake_alert_secret_parse(const char *s, size_t len,
    unsigned char *key, size_t *klen, struct quake_fail *f);

#define QUAKE_ALERT_SIG_LEN 48	/* "v1," + 44 base64 characters */

/* webhook-signature of (id, timestamp, body) under key: "v1,<base64
 * HMAC-SHA256(key, id.timestamp.body)>" into out (QUAKE_ALERT_SIG_LEN + 1);
 * len at most QUAKE_ALERT_BODY_MAX. */
void quake_alert_sign(const unsigned char *key, size_t klen, const char *id,
    long long timestamp, const char *body, size_t len, char *out);

#endif
