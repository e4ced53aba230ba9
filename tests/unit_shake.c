/* unit_shake — per-device triggers and the network over synthetic phones
 * pushing once a second at ~100 Hz: one phone shaken gives a trigger and no
 * detection, three shaken together one detection; a phone put down on a
 * table one trigger; gaps restart; silent phones are forgotten; a push sent
 * twice changes nothing; gravity in totalacceleration is removed; the
 * floor keeps a quiet phone quiet; each trigger's onset is reported once,
 * before it, with its peak so far, and with coinc.k 0 nothing more. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "shake/shake.h"
#include "unit.h"

#define T0 1764576000000000LL	/* 2025-12-01T08:00:00Z */

struct phone {
	const char *id;
	double lat, lon, noise, gravity;
	double shake_at, shake_s, shake_amp;	/* seconds; amp m/s² */
	double knock_at;			/* a put-down knock, or 0 */
	double gap_at, gap_s, loud_after;	/* no samples; noise x after */
	double stop_at;				/* stops sending, or 0 */
	double skew_s;				/* its clock this far ahead */
	uint64_t rng;
	double next;				/* the next sample's time */
};

static double
uniform(struct phone *p)
{
	p->rng = p->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((double)(p->rng >> 11) + 0.5) / 9007199254740992.;
}

static double
gauss(struct phone *p)
{
	return sqrt(-2 * log(uniform(p))) * cos(2 * M_PI * uniform(p));
}

/* the push of second sec: ~100 Hz with +-20 % jitter */
static void
push(struct phone *p, int sec, struct quake_samples *b)
{
	double s;

	snprintf(b->device, sizeof b->device, "%s", p->id);
	snprintf(b->session, sizeof b->session, "s-%s", p->id);
	b->msg = sec;
	b->sensor = p->gravity > 0 ? QUAKE_SAMPLES_TOTAL : QUAKE_SAMPLES_ACCEL;
	b->n = 0;
	b->has_loc = sec % 10 == 0;
	b->lat = p->lat;
	b->lon = p->lon;
	for (s = p->next; s < sec + 1; s += 0.01 * (0.8 + 0.4 * uniform(p))) {
		double n = p->noise, x, y, z;
		if (p->stop_at > 0 && s >= p->stop_at)
			break;
		if (p->gap_s > 0 && s >= p->gap_at && s < p->gap_at + p->gap_s)
			continue;
		if (p->gap_s > 0 && s >= p->gap_at + p->gap_s)
			n *= p->loud_after;
		x = n * gauss(p); y = n * gauss(p); z = n * gauss(p) + p->gravity;
		if (p->shake_s > 0 && s >= p->shake_at && s < p->shake_at + p->shake_s) {
			x += p->shake_amp * sin(2 * M_PI * 3 * s);
			y += p->shake_amp * 0.7 * cos(2 * M_PI * 5 * s);
		}
		if (p->knock_at > 0 && s >= p->knock_at)
			z += 5 * exp(-(s - p->knock_at) / 0.04) * sin(2 * M_PI * 25 * (s - p->knock_at));
		b->t[b->n] = T0 + (int64_t)((s + p->skew_s) * 1e6);
		b->x[b->n] = x; b->y[b->n] = y; b->z[b->n] = z;
		b->n++;
	}
	p->next = s;
}

struct got {
	int ntrig, ndet, nonset, order_bad;
	struct quake_trigger trig[32], onset[32];
	struct quake_detection det[8];
};

static void
collect(void *arg, enum quake_shake_report what, const struct quake_trigger *t,
    const struct quake_detection *d)
{
	struct got *g = arg;

	if (what == QUAKE_SHAKE_ONSET && g->nonset < 32)
		g->onset[g->nonset++] = *t;
	if (what == QUAKE_SHAKE_TRIGGER) {
		/* its onset came first: the newest onset of this device */
		int k = g->nonset - 1;
		while (k >= 0 && strcmp(g->onset[k].device, t->device) != 0)
			k--;
		g->order_bad += t->has_loc && (k < 0 || g->onset[k].on != t->on ||
		    g->onset[k].peak > t->peak);
	}
	if (what == QUAKE_SHAKE_TRIGGER && g->ntrig < 32)
		g->trig[g->ntrig++] = *t;
	if (d != NULL && g->ndet < 8)
		g->det[g->ndet++] = *d;
}

static void
simulate(struct phone *ph, size_t n, int secs, const struct quake_shake_conf *conf,
    struct got *g, int twice, size_t *devices_left)
{
	struct quake_samples b;
	struct quake_shake *sh;

	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < n; i++)
		ph[i].next = 0, ph[i].rng = 0x9e3779b97f4a7c15ULL * (i + 1) + ph[i].id[0];
	quake_samples_init(&b, 4096);
	quake_shake_new(conf, &sh);
	for (int s = 0; s < secs; s++)
		for (size_t i = 0; i < n; i++) {
			push(&ph[i], s, &b);
			quake_shake_feed(sh, &b, collect, g);
			if (twice)
				quake_shake_feed(sh, &b, collect, g);
		}
	if (devices_left)
		*devices_left = quake_shake_devices(sh);
	quake_shake_finish(sh, collect, g);
	quake_shake_free(sh);
	quake_samples_free(&b);
}

static int
has_trigger(const struct got *g, const char *dev, double from, double to)
{
	int n = 0;
	for (int i = 0; i < g->ntrig; i++)
		n += strcmp(g->trig[i].device, dev) == 0 &&
		    g->trig[i].on >= T0 + (int64_t)(from * 1e6) &&
		    g->trig[i].on <= T0 + (int64_t)(to * 1e6);
	return n;
}

static void
network(int twice)
{
	/* five phones within ~5 km (Zurich); a shaken alone, b c d together */
	struct phone ph[] = {
		{ .id = "a", .lat = 47.37, .lon = 8.54, .noise = 0.01, .shake_at = 20,
		  .shake_s = 3, .shake_amp = 0.8, .rng = 1 },
		{ .id = "b", .lat = 47.38, .lon = 8.55, .noise = 0.01, .shake_at = 40,
		  .shake_s = 4, .shake_amp = 0.5, .rng = 2 },
		{ .id = "c", .lat = 47.36, .lon = 8.52, .noise = 0.012, .shake_at = 40.8,
		  .shake_s = 4, .shake_amp = 0.6, .rng = 3 },
		{ .id = "d", .lat = 47.39, .lon = 8.50, .noise = 0.008, .shake_at = 41.5,
		  .shake_s = 4, .shake_amp = 0.4, .rng = 4 },
		{ .id = "e", .lat = 47.35, .lon = 8.56, .noise = 0.01, .rng = 5 },
	};
	struct quake_shake_conf conf;
	struct got g;

	quake_shake_conf_default(&conf);
	simulate(ph, NELEM(ph), 60, &conf, &g, twice, NULL);
	CHECK(g.ntrig == 4, "network%s: 4 triggers (%d)", twice ? ", every push twice" : "", g.ntrig);
	CHECK(has_trigger(&g, "a", 20, 20.5) == 1 && has_trigger(&g, "b", 40, 40.5) == 1 &&
	    has_trigger(&g, "c", 40.8, 41.3) == 1 && has_trigger(&g, "d", 41.5, 42) == 1,
	    "network%s: a, b, c, d trigger within 0.5 s of their shaking", twice ? " twice" : "");
	CHECK(g.ndet == 1, "network%s: one detection (%d)", twice ? " twice" : "", g.ndet);
	if (g.ndet == 1) {
		CHECK(g.det[0].devices == 3 && g.det[0].time >= T0 + 40000000 &&
		    g.det[0].time < T0 + 40500000, "detection: 3 devices, time of b's onset");
		CHECK(fabs(g.det[0].lat - 47.376667) < 1e-3 && fabs(g.det[0].lon - 8.523333) < 1e-3,
		    "detection centroid of b, c, d");
		CHECK(g.det[0].peak > 0.4 && g.det[0].peak < 2, "detection peak %.3f", g.det[0].peak);
	}
	for (int i = 0; i < g.ntrig; i++)
		CHECK(g.trig[i].off > g.trig[i].on && g.trig[i].ratio >= 3.5 &&
		    g.trig[i].has_loc, "trigger %s: off after on, ratio %.2f", g.trig[i].device,
		    g.trig[i].ratio);
	CHECK(g.nonset == 4 && g.order_bad == 0, "network%s: 4 onsets, each before its "
	    "trigger, same on, peak so far <= the trigger's (%d, %d bad)", twice ? " twice" : "",
	    g.nonset, g.order_bad);
	CHECK(g.nonset == 4 && g.onset[0].off == 0 && g.onset[0].has_loc,
	    "an onset has no off and has its location");
	if (!twice) {
		/* the detector of a two-stage setup: the same onsets, no detection */
		struct got h;
		conf.coinc.k = 0;
		simulate(ph, NELEM(ph), 60, &conf, &h, 0, NULL);
		int same = h.nonset == 4;
		for (int i = 0; same && i < 4; i++)
			same = strcmp(h.onset[i].device, g.onset[i].device) == 0 &&
			    h.onset[i].on == g.onset[i].on && h.onset[i].peak == g.onset[i].peak &&
			    h.onset[i].ratio == g.onset[i].ratio;
		CHECK(h.ndet == 0 && same && h.ntrig == 4,
		    "coinc.k 0: the same onsets and triggers, no detection (%d)", h.ndet);
	}
}

static void
singles(void)
{
	struct quake_shake_conf conf;
	struct got g;
	size_t left;
	struct phone table[] = { { .id = "t", .lat = 47.37, .lon = 8.54, .noise = 0.01,
	    .knock_at = 20, .rng = 9 } };
	struct phone gap[] = { { .id = "g", .lat = 47.37, .lon = 8.54, .noise = 0.02,
	    .gap_at = 20, .gap_s = 5, .loud_after = 3, .rng = 10 } };
	/* two keep sending: the clock that forgets is the second newest */
	struct phone stop[] = {
		{ .id = "s", .lat = 47.37, .lon = 8.54, .noise = 0.01, .stop_at = 15, .rng = 11 },
		{ .id = "k", .lat = 47.37, .lon = 8.54, .noise = 0.01, .rng = 12 },
		{ .id = "l", .lat = 47.37, .lon = 8.54, .noise = 0.01, .rng = 15 } };
	struct phone grav[] = { { .id = "g", .lat = 47.37, .lon = 8.54, .noise = 0.01,
	    .gravity = 9.81, .shake_at = 30, .shake_s = 2, .shake_amp = 0.5, .rng = 13 } };
	struct phone quiet[] = { { .id = "q", .lat = 47.37, .lon = 8.54, .noise = 0.002,
	    .shake_at = 30, .shake_s = 2, .shake_amp = 0.02, .rng = 14 } };

	quake_shake_conf_default(&conf);
	simulate(table, 1, 40, &conf, &g, 0, NULL);
	CHECK(g.ntrig == 1 && g.ndet == 0 && has_trigger(&g, "t", 20, 20.2),
	    "a phone put down on a table: one trigger (%d), no detection (%d)", g.ntrig, g.ndet);
	CHECK(g.nonset == 1 && g.order_bad == 0 && g.onset[0].peak == g.trig[0].peak,
	    "the knock's peak is in the push its trigger starts in: the onset has the final peak");
	simulate(gap, 1, 40, &conf, &g, 0, NULL);
	CHECK(g.ntrig == 0, "a 5 s gap, louder after it: restarted, no trigger (%d)", g.ntrig);
	conf.gap_s = 10;	/* the same without the restart does trigger */
	simulate(gap, 1, 40, &conf, &g, 0, NULL);
	CHECK(g.ntrig >= 1, "the same gap not taken as one: a false trigger (%d)", g.ntrig);
	quake_shake_conf_default(&conf);
	conf.timeout_us = 30000000;
	simulate(stop, 3, 60, &conf, &g, 0, &left);
	CHECK(left == 2, "a phone silent past --device-timeout is forgotten (%zu left)", left);
	quake_shake_conf_default(&conf);
	simulate(grav, 1, 40, &conf, &g, 0, NULL);
	CHECK(g.ntrig == 1 && has_trigger(&g, "g", 30, 30.5),
	    "totalacceleration: gravity high-passed away, the shaking triggers (%d)", g.ntrig);
	simulate(quiet, 1, 40, &conf, &g, 0, NULL);
	CHECK(g.ntrig == 0, "a quiet phone's small bump stays under the floor (%d)", g.ntrig);
	conf.floor = 0;
	simulate(quiet, 1, 40, &conf, &g, 0, NULL);
	CHECK(g.ntrig == 1, "the same bump triggers without the floor (%d)", g.ntrig);
}

/* one phone's clock far ahead (sent first) neither stops the others'
 * detection nor keeps every device from being forgotten */
static void
clocks(void)
{
	static const double skews[] = { 6e9, 36, 3600 };	/* 2216, 36 s, 1 h */
	struct phone ph[] = {
		/* 111 km away: its onset joins nothing */
		{ .id = "z", .lat = 46.37, .lon = 8.53, .noise = 0.01, .shake_at = 12,
		  .shake_s = 3, .shake_amp = 0.8, .stop_at = 16, .rng = 6 },
		{ .id = "b", .lat = 47.38, .lon = 8.55, .noise = 0.01, .shake_at = 40,
		  .shake_s = 4, .shake_amp = 0.5, .rng = 2 },
		{ .id = "c", .lat = 47.36, .lon = 8.52, .noise = 0.012, .shake_at = 40.8,
		  .shake_s = 4, .shake_amp = 0.6, .rng = 3 },
		{ .id = "d", .lat = 47.39, .lon = 8.50, .noise = 0.008, .shake_at = 41.5,
		  .shake_s = 4, .shake_amp = 0.4, .rng = 4 },
	};
	struct phone stop[] = {
		{ .id = "z", .lat = 47.37, .lon = 8.54, .noise = 0.01, .stop_at = 5,
		  .skew_s = 6e9, .rng = 16 },
		{ .id = "s", .lat = 47.37, .lon = 8.54, .noise = 0.01, .stop_at = 15, .rng = 11 },
		{ .id = "k", .lat = 47.37, .lon = 8.54, .noise = 0.01, .rng = 12 },
		{ .id = "l", .lat = 47.37, .lon = 8.54, .noise = 0.01, .rng = 15 } };
	struct quake_shake_conf conf;
	struct got g;
	size_t left;

	quake_shake_conf_default(&conf);
	for (size_t i = 0; i < NELEM(skews); i++) {
		ph[0].skew_s = skews[i];
		simulate(ph, NELEM(ph), 60, &conf, &g, 0, NULL);
		CHECK(g.ndet == 1 && g.det[0].devices == 3 && has_trigger(&g, "z",
		    12 + skews[i], 12.5 + skews[i]) == 1,
		    "a shaken phone %.0f s ahead, first: b c d still one detection (%d)",
		    skews[i], g.ndet);
	}
	conf.timeout_us = 30000000;
	simulate(stop, NELEM(stop), 60, &conf, &g, 0, &left);
	CHECK(left == 2, "a phone in 2216, first: the silent ones still forgotten (%zu left)",
	    left);
}

static void
highpass(void)
{
	double y = 0, xp = 9.81, out = 0, peak = 0;

	for (int i = 0; i < 1000; i++)
		out = quake_shake_highpass(9.81, 0.01, 0.5, &y, &xp);
	CHECK(fabs(out) < 1e-12, "high-pass: constant gravity gives 0");
	for (int i = 0; i < 1000; i++) {
		out = quake_shake_highpass(9.81 + sin(2 * M_PI * 5 * i * 0.01), 0.01, 0.5, &y, &xp);
		if (i > 500)
			peak = fmax(peak, fabs(out));
	}
	CHECK(peak > 0.95 && peak < 1.05, "high-pass: 5 Hz passes (%.3f)", peak);
}

int
main(void)
{
	network(0);
	network(1);
	singles();
	clocks();
	highpass();
	return unit_failed;
}
