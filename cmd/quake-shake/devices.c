/* devices — the receiver's device table: a token bucket per device (its
 * samples/s budget) and the last location it sent, so every line of a
 * session carries one once known; with devices_watch, what the receiver's
 * page shows of each (its last push, sampling rate, and whether the
 * detector's STA/LTA, run here with quake-shake's defaults, is triggered). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "lines/push.h"
#include "shake/shake.h"
#include "devices.h"
#include "common/tool.h"

struct device {
	struct device *next;
	char id[QUAKE_SAMPLES_ID_MAX];
	double tokens;
	int64_t refilled;	/* µs */
	int64_t seen;		/* µs, its last push */
	int has_loc;
	double lat, lon;
	double rate;		/* Hz, over its last push of 2+ samples */
	long long pushes;
	int triggered;		/* an onset, not yet its end */
	int64_t trig_on;	/* µs, sample time of the last onset; 0: none */
};

static struct {
	double rate, burst;
	int64_t forget, swept;
	int64_t skew;		/* µs; 0: sample times unchecked */
	struct device **tab;
	size_t nbuck, n;
	struct quake_samples b;
	char *line;
	size_t cap;
	struct quake_shake *watch;	/* devices_watch: the page's STA/LTA */
} in;

int
devices_init(double max_rate, double burst_s, int64_t forget_us)
{
	in.rate = max_rate;
	in.burst = max_rate * burst_s;
	in.forget = forget_us;
	in.nbuck = 1 << 14;
	if ((in.tab = calloc(in.nbuck, sizeof *in.tab)) == NULL ||
	    quake_samples_init(&in.b, QUAKE_SAMPLES_MAX) != QUAKE_OK)
		return -1;
	return 0;
}

void
devices_max_skew(int64_t us)
{
	in.skew = us;
}

void
devices_free(void)
{
	for (size_t i = 0; i < in.nbuck && in.tab; i++)
		for (struct device *d = in.tab[i], *n; d != NULL; d = n) {
			n = d->next;
			free(d);
		}
	free(in.tab);
	free(in.line);
	quake_shake_free(in.watch);
	quake_samples_free(&in.b);
	memset(&in, 0, sizeof in);
}

size_t
devices_count(void)
{
	return in.n;
}

static uint64_t
bucket(const char *id)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *s = id; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h & (in.nbuck - 1);
}

static struct device *
find(const char *id)
{
	for (struct device *d = in.tab[bucket(id)]; d != NULL; d = d->next)
		if (strcmp(d->id, id) == 0)
			return d;
	return NULL;
}

static struct device *
device(const char *id, int64_t now)
{
	uint64_t h = bucket(id);
	struct device *d;

	if ((d = find(id)) != NULL)
		return d;
	if ((d = calloc(1, sizeof *d)) == NULL)
		return NULL;
	snprintf(d->id, sizeof d->id, "%s", id);
	d->tokens = in.burst;
	d->refilled = now;
	d->next = in.tab[h];
	in.tab[h] = d;
	in.n++;
	return d;
}

/* forget the devices silent for in.forget: a table that only grew would
 * hold every id ever sent */
static void
sweep(int64_t now)
{
	int64_t every = in.forget / 2 < 60000000 ? in.forget / 2 : 60000000;

	if (in.forget <= 0 || now - in.swept < every)
		return;
	in.swept = now;
	for (size_t i = 0; i < in.nbuck; i++)
		for (struct device **pp = &in.tab[i], *d; (d = *pp) != NULL;) {
			if (now - d->seen <= in.forget) {
				pp = &d->next;
				continue;
			}
			*pp = d->next;
			free(d);
			in.n--;
		}
}

/* the page's STA/LTA: an onset marks its device triggered, the trigger's
 * end clears it */
static void
watched(void *arg, enum quake_shake_report what, const struct quake_trigger *t,
    const struct quake_detection *det)
{
	struct device *d;

	(void)arg;
	(void)det;
	if (t == NULL || (d = find(t->device)) == NULL)
		return;
	if (what == QUAKE_SHAKE_ONSET) {
		d->triggered = 1;
		d->trig_on = t->on;
	} else if (what == QUAKE_SHAKE_TRIGGER) {
		d->triggered = 0;
		if (t->on > d->trig_on)
			d->trig_on = t->on;
	}
}

/* take n samples from d's budget; 0 when it has not got them */
static int
spend(struct device *d, size_t n, int64_t now)
{
	if (in.rate <= 0)
		return 1;
	if (now > d->refilled) {
		d->tokens += in.rate * (double)(now - d->refilled) / 1e6;
		if (d->tokens > in.burst)
			d->tokens = in.burst;
		d->refilled = now;
	}
	if ((double)n > d->tokens)
		return 0;
	d->tokens -= (double)n;
	return 1;
}

int
devices_take(const char *body, size_t len, int64_t now_us, char *reason,
    size_t cap)
{
	struct quake_fail f = { "", "" };
	struct device *d;
	size_t n;

	if (quake_push_parse(body, len, &in.b, &f) != QUAKE_OK) {
		snprintf(reason, cap, "%s%s%s", f.field, f.field[0] ? ": " : "",
		    f.reason);
		return 400;
	}
	if (in.skew > 0 && in.b.n > 0) {
		/* sorted: the first and the last sample are the farthest */
		int64_t ahead = in.b.t[in.b.n - 1] - now_us,
		    behind = now_us - in.b.t[0];
		if (ahead > in.skew || behind > in.skew) {
			snprintf(reason, cap, "sample time %.0f s %s the receiver's "
			    "clock (--max-skew %.0f s): set the phone's clock "
			    "automatically", (double)(ahead > in.skew ? ahead : behind) / 1e6,
			    ahead > in.skew ? "ahead of" : "behind", (double)in.skew / 1e6);
			return 400;
		}
	}
	sweep(now_us);
	if ((d = device(in.b.device, now_us)) == NULL) {
		snprintf(reason, cap, "out of memory");
		return 500;
	}
	d->seen = now_us;
	if (in.b.has_loc) {
		d->has_loc = 1;
		d->lat = in.b.lat;
		d->lon = in.b.lon;
	}
	if (in.b.n == 0)
		return 204;
	if (!spend(d, in.b.n, now_us)) {
		snprintf(reason, cap, "device %s over %.0f samples/s", d->id, in.rate);
		return 429;
	}
	in.b.has_loc = d->has_loc;
	in.b.lat = d->lat;
	in.b.lon = d->lon;
	if ((n = quake_samples_format(&in.b, &in.line, &in.cap)) == 0 ||
	    tool_out(in.line, n) != 0) {
		snprintf(reason, cap, n ? "output failed" : "out of memory");
		return 500;
	}
	d->pushes++;
	if (in.b.n >= 2)
		d->rate = quake_samples_rate(in.b.t, in.b.n);
	/* the page's view only: out of memory there costs its "triggered" */
	if (in.watch != NULL)
		(void)quake_shake_feed(in.watch, &in.b, watched, NULL);
	return 200;
}

int
devices_watch(void)
{
	struct quake_shake_conf c;

	quake_shake_conf_default(&c);
	c.coinc.k = 0;
	c.timeout_us = in.forget > 0 ? in.forget : c.timeout_us;
	return quake_shake_new(&c, &in.watch) == QUAKE_OK ? 0 : -1;
}

/* append printf-style to *buf (grown as needed); -1 on ENOMEM */
static int
put(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = (*cap ? *cap * 2 : 4096) + n;
		char *p = realloc(*buf, c);
		if (p == NULL)
			return -1;
		*buf = p;
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

size_t
devices_json(int64_t now_us, char **out)
{
	char *buf = NULL, tmp[1024 + 6 * QUAKE_SAMPLES_ID_MAX];
	size_t len = 0, cap = 0, k;
	int first = 1, err = 0;

	k = (size_t)snprintf(tmp, sizeof tmp, "{\"now_ms\":%lld,\"devices\":[",
	    (long long)(now_us / 1000));
	err |= put(&buf, &len, &cap, tmp, k);
	for (size_t i = 0; i < in.nbuck && in.tab && !err; i++)
		for (struct device *d = in.tab[i]; d != NULL && !err; d = d->next) {
			k = (size_t)snprintf(tmp, sizeof tmp, "%s{\"id\":", first ? "" : ",");
			k += quake_json_format_string(d->id, tmp + k);
			k += (size_t)snprintf(tmp + k, sizeof tmp - k,
			    ",\"last_push_ms\":%lld,\"pushes\":%lld,\"rate_hz\":%.1f,"
			    "\"location\":%s,\"triggered\":%s,\"last_onset_ms\":%lld}",
			    (long long)(d->seen / 1000), d->pushes, d->rate,
			    d->has_loc ? "true" : "false", d->triggered ? "true" : "false",
			    (long long)(d->trig_on / 1000));
			err |= put(&buf, &len, &cap, tmp, k);
			first = 0;
		}
	err |= put(&buf, &len, &cap, "]}", 2);
	if (err) {
		free(buf);
		return 0;
	}
	*out = buf;
	return len;
}
