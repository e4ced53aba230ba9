/* devices — the receiver's device table: a token bucket per device (its
 * samples/s budget) and the last location it sent, so every line of a
 * session carries one once known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines/push.h"
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
	quake_samples_free(&in.b);
	memset(&in, 0, sizeof in);
}

size_t
devices_count(void)
{
	return in.n;
}

static struct device *
device(const char *id, int64_t now)
{
	uint64_t h = 1469598103934665603ULL;
	struct device *d;

	for (const char *s = id; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	for (d = in.tab[h & (in.nbuck - 1)]; d != NULL; d = d->next)
		if (strcmp(d->id, id) == 0)
			return d;
	if ((d = calloc(1, sizeof *d)) == NULL)
		return NULL;
	snprintf(d->id, sizeof d->id, "%s", id);
	d->tokens = in.burst;
	d->refilled = now;
	d->next = in.tab[h & (in.nbuck - 1)];
	in.tab[h & (in.nbuck - 1)] = d;
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
	return 200;
}
