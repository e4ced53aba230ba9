/* shake — a hash table of devices, each with its STA/LTA, trigger and
 * high-pass state, reporting onsets (to the coincidence detector too) and
 * triggers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shake/shake.h"

struct dev {
	struct dev *next;
	uint64_t hash;
	char id[QUAKE_SAMPLES_ID_MAX];
	struct quake_stalta sl;
	struct quake_trig tr;
	int started;
	int64_t last_t;		/* the last sample taken */
	int64_t seen;		/* the clock (below) when this one last sent:
				 * phones' clocks differ */
	double hp_y[3], hp_x[3];
	int has_loc;
	double lat, lon;
	struct quake_trigger cur;	/* the open trigger */
	int onset_due;			/* its onset not reported yet */
};

/* The clock that forgets devices: the second newest of the devices' last
 * sample times (the newest alone while only one device sent), so that no
 * one phone's clock, however far ahead, moves it. */
struct top {
	char id[QUAKE_SAMPLES_ID_MAX];
	int64_t t;
};

struct quake_shake {
	struct quake_shake_conf conf;
	struct quake_coinc *coinc;
	struct dev **tab;
	size_t nbuck, ndev;
	struct top top[2];	/* the two newest devices, newest first */
	int ntop;
	int64_t clock, expired;	/* expired: the clock at the last expiry */
	int expired_once;
};

void
quake_shake_conf_default(struct quake_shake_conf *c)
{
	*c = (struct quake_shake_conf){ .kind = QUAKE_STALTA_RECURSIVE,
	    .sta_s = 0.5, .lta_s = 10., .on = 3.5, .off = 1., .max_len_s = 0,
	    .floor = 0.05, .gap_s = 0.5, .highpass_hz = 0.5,
	    .timeout_us = 60000000, .coinc = { .k = 3, .window_us = 10000000,
	    .radius_km = 20., .hold_us = 10000000 } };
}

enum quake_err
quake_shake_new(const struct quake_shake_conf *conf, struct quake_shake **out)
{
	struct quake_shake *sh;
	enum quake_err err;

	*out = NULL;
	if (!(conf->sta_s > 0) || !(conf->lta_s > conf->sta_s) ||
	    !(conf->on >= conf->off) || !(conf->gap_s > 0) ||
	    !(conf->highpass_hz > 0) || conf->timeout_us <= 0 ||
	    !(conf->floor >= 0))
		return QUAKE_EINPUT;
	if ((sh = calloc(1, sizeof *sh)) == NULL)
		return QUAKE_ENOMEM;
	sh->conf = *conf;
	sh->nbuck = 1024;
	if ((sh->tab = calloc(sh->nbuck, sizeof *sh->tab)) == NULL) {
		free(sh);
		return QUAKE_ENOMEM;
	}
	if (conf->coinc.k != 0 &&
	    (err = quake_coinc_new(&conf->coinc, &sh->coinc)) != QUAKE_OK) {
		quake_shake_free(sh);
		return err;
	}
	*out = sh;
	return QUAKE_OK;
}

void
quake_shake_free(struct quake_shake *sh)
{
	if (sh == NULL)
		return;
	for (size_t i = 0; i < sh->nbuck; i++)
		for (struct dev *d = sh->tab[i], *n; d != NULL; d = n) {
			n = d->next;
			quake_stalta_free(&d->sl);
			free(d);
		}
	free(sh->tab);
	quake_coinc_free(sh->coinc);
	free(sh);
}

size_t
quake_shake_devices(const struct quake_shake *sh)
{
	return sh->ndev;
}

static uint64_t
hash_id(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static void
rehash(struct quake_shake *sh)
{
	size_t n = sh->nbuck * 2;
	struct dev **t = calloc(n, sizeof *t);

	if (t == NULL)
		return;		/* longer chains, still correct */
	for (size_t i = 0; i < sh->nbuck; i++)
		for (struct dev *d = sh->tab[i], *nx; d != NULL; d = nx) {
			nx = d->next;
			d->next = t[d->hash & (n - 1)];
			t[d->hash & (n - 1)] = d;
		}
	free(sh->tab);
	sh->tab = t;
	sh->nbuck = n;
}

static struct dev *
lookup(struct quake_shake *sh, const char *id, int create)
{
	uint64_t h = hash_id(id);
	struct dev *d;

	for (d = sh->tab[h & (sh->nbuck - 1)]; d != NULL; d = d->next)
		if (d->hash == h && strcmp(d->id, id) == 0)
			return d;
	if (!create || (d = calloc(1, sizeof *d)) == NULL)
		return NULL;
	d->hash = h;
	snprintf(d->id, sizeof d->id, "%s", id);
	d->next = sh->tab[h & (sh->nbuck - 1)];
	sh->tab[h & (sh->nbuck - 1)] = d;
	if (++sh->ndev > sh->nbuck)
		rehash(sh);
	return d;
}

double
quake_shake_highpass(double x, double dt_s, double hz, double *y,
    double *xprev)
{
	double rc = 1. / (2. * M_PI * hz), a = rc / (rc + dt_s);

	*y = a * (*y + x - *xprev);
	*xprev = x;
	return *y;
}

/* the open trigger's onset, with its peak and ratio so far: to the caller
 * and to the coincidence detector (devices with a location only) */
static void
report_onset(struct quake_shake *sh, struct dev *d, quake_shake_fn fn,
    void *arg)
{
	struct quake_onset o = { .device = d->id, .time = d->cur.on,
	    .lat = d->lat, .lon = d->lon, .peak = d->cur.peak };
	struct quake_detection det;
	const char *members[1];

	d->onset_due = 0;
	if (!d->has_loc)
		return;
	d->cur.has_loc = 1;
	d->cur.lat = d->lat;
	d->cur.lon = d->lon;
	fn(arg, QUAKE_SHAKE_ONSET, &d->cur, NULL);
	if (sh->coinc != NULL && quake_coinc_add(sh->coinc, &o, &det, members, 0) > 0)
		fn(arg, QUAKE_SHAKE_DETECTION, NULL, &det);
}

/* the open trigger ends at the device's last sample */
static void
end_trigger(struct quake_shake *sh, struct dev *d, int64_t off,
    quake_shake_fn fn, void *arg)
{
	if (d->onset_due)
		report_onset(sh, d, fn, arg);
	d->cur.off = off;
	d->cur.has_loc = d->has_loc;
	d->cur.lat = d->lat;
	d->cur.lon = d->lon;
	fn(arg, QUAKE_SHAKE_TRIGGER, &d->cur, NULL);
}

static void
stop_device(struct quake_shake *sh, struct dev *d, quake_shake_fn fn,
    void *arg)
{
	int64_t on, off;

	if (d->started && quake_trig_finish(&d->tr, &on, &off))
		end_trigger(sh, d, d->last_t, fn, arg);
	d->started = 0;
}

/* a segment starts at sample i: windows from the rate over the rest of
 * the push up to a gap (100 Hz when that holds one sample) */
static enum quake_err
start_segment(struct quake_shake *sh, struct dev *d,
    const struct quake_samples *b, size_t i)
{
	const struct quake_shake_conf *c = &sh->conf;
	int64_t gap = (int64_t)(c->gap_s * 1e6);
	size_t j = i + 1;
	double rate;
	int nsta, nlta;

	while (j < b->n && b->t[j] - b->t[j - 1] <= gap && b->t[j] > b->t[j - 1])
		j++;
	rate = quake_samples_rate(b->t + i, j - i);
	if (rate <= 0)
		rate = 100.;
	nsta = quake_stalta_samples(c->sta_s, rate);
	nlta = quake_stalta_samples(c->lta_s, rate);
	if (nlta <= nsta)
		nlta = nsta + 1;
	if (d->sl.kind != c->kind || d->sl.nsta != nsta || d->sl.nlta != nlta ||
	    (c->kind == QUAKE_STALTA_CLASSIC && d->sl.sq == NULL)) {
		quake_stalta_free(&d->sl);
		if (quake_stalta_init(&d->sl, c->kind, nsta, nlta) != QUAKE_OK)
			return QUAKE_ENOMEM;
	} else
		quake_stalta_reset(&d->sl);
	quake_trig_init(&d->tr, c->on, c->off, c->max_len_s > 0 ?
	    quake_stalta_samples(c->max_len_s, rate) : -1);
	for (int k = 0; k < 3; k++)
		d->hp_y[k] = 0;
	d->hp_x[0] = b->x[i];
	d->hp_x[1] = b->y[i];
	d->hp_x[2] = b->z[i];
	d->started = 1;
	return QUAKE_OK;
}

/* one sample of a started device */
static void
take(struct quake_shake *sh, struct dev *d, const struct quake_samples *b,
    size_t i, quake_shake_fn fn, void *arg)
{
	double x = b->x[i], y = b->y[i], z = b->z[i], m, cft;
	int64_t on, off;
	int mask;

	if (b->sensor == QUAKE_SAMPLES_TOTAL) {
		double dt = d->sl.i > 0 ? (double)(b->t[i] - d->last_t) / 1e6 : 0;
		double hz = sh->conf.highpass_hz;
		x = quake_shake_highpass(x, dt, hz, &d->hp_y[0], &d->hp_x[0]);
		y = quake_shake_highpass(y, dt, hz, &d->hp_y[1], &d->hp_x[1]);
		z = quake_shake_highpass(z, dt, hz, &d->hp_y[2], &d->hp_x[2]);
	}
	m = sqrt(x * x + y * y + z * z);
	cft = quake_stalta_push(&d->sl, m);
	if (quake_stalta_sta_ms(&d->sl) < sh->conf.floor * sh->conf.floor)
		cft = 0.;
	mask = quake_trig_push(&d->tr, cft, &on, &off);
	if (mask & QUAKE_TRIG_OFF)
		end_trigger(sh, d, d->last_t, fn, arg);
	if (mask & QUAKE_TRIG_ON) {
		snprintf(d->cur.device, sizeof d->cur.device, "%s", d->id);
		d->cur.on = b->t[i];
		d->cur.off = 0;
		d->cur.peak = m;
		d->cur.ratio = cft;
		d->onset_due = 1;
	}
	if (d->tr.active) {
		d->cur.peak = fmax(d->cur.peak, m);
		d->cur.ratio = fmax(d->cur.ratio, cft);
	}
	d->last_t = b->t[i];
}

/* device id's last sample time is now t: the two newest, the clock */
static void
see(struct quake_shake *sh, const char *id, int64_t t)
{
	int i;

	for (i = 0; i < sh->ntop && strcmp(sh->top[i].id, id) != 0; i++)
		;
	if (i == sh->ntop) {
		if (sh->ntop < 2)
			sh->ntop++;
		else if (t <= sh->top[1].t)
			goto clock;
		i = sh->ntop - 1;
		snprintf(sh->top[i].id, sizeof sh->top[i].id, "%s", id);
		sh->top[i].t = t;
	} else if (t > sh->top[i].t)
		sh->top[i].t = t;
	if (sh->ntop == 2 && sh->top[1].t > sh->top[0].t) {
		struct top x = sh->top[0];
		sh->top[0] = sh->top[1];
		sh->top[1] = x;
	}
clock:
	sh->clock = sh->top[sh->ntop - 1].t;
}

/* a device forgotten: out of the two newest too */
static void
unsee(struct quake_shake *sh, const char *id)
{
	for (int i = 0; i < sh->ntop; i++)
		if (strcmp(sh->top[i].id, id) == 0) {
			if (i == 0 && sh->ntop == 2)
				sh->top[0] = sh->top[1];
			sh->ntop--;
			return;
		}
}

enum quake_err
quake_shake_feed(struct quake_shake *sh, const struct quake_samples *b,
    quake_shake_fn fn, void *arg)
{
	int64_t gap = (int64_t)(sh->conf.gap_s * 1e6);
	struct dev *d;

	if (b->n == 0)
		return QUAKE_OK;
	if ((d = lookup(sh, b->device, 1)) == NULL)
		return QUAKE_ENOMEM;
	if (b->has_loc) {
		d->has_loc = 1;
		d->lat = b->lat;
		d->lon = b->lon;
	}
	for (size_t i = 0; i < b->n; i++) {
		if (d->started && b->t[i] <= d->last_t)
			continue;
		if (d->started && b->t[i] - d->last_t > gap)
			stop_device(sh, d, fn, arg);
		if (!d->started && start_segment(sh, d, b, i) != QUAKE_OK)
			return QUAKE_ENOMEM;
		take(sh, d, b, i, fn, arg);
	}
	if (d->onset_due)	/* after the push: its peak so far */
		report_onset(sh, d, fn, arg);
	see(sh, d->id, d->last_t);
	d->seen = sh->clock;
	/* every second of the clock, and whenever it went back (the newest
	 * device was forgotten) */
	if (!sh->expired_once || sh->clock - sh->expired >= 1000000 ||
	    sh->clock < sh->expired) {
		sh->expired_once = 1;
		sh->expired = sh->clock;
		quake_shake_expire(sh, sh->clock, fn, arg);
	}
	return QUAKE_OK;
}

void
quake_shake_expire(struct quake_shake *sh, int64_t now_us, quake_shake_fn fn,
    void *arg)
{
	for (size_t i = 0; i < sh->nbuck; i++)
		for (struct dev **pp = &sh->tab[i], *d; (d = *pp) != NULL;) {
			if (d->seen > now_us)	/* the clock went back */
				d->seen = now_us;
			if (now_us - d->seen <= sh->conf.timeout_us) {
				pp = &d->next;
				continue;
			}
			stop_device(sh, d, fn, arg);
			unsee(sh, d->id);
			*pp = d->next;
			quake_stalta_free(&d->sl);
			free(d);
			sh->ndev--;
		}
}

void
quake_shake_finish(struct quake_shake *sh, quake_shake_fn fn, void *arg)
{
	for (size_t i = 0; i < sh->nbuck; i++)
		for (struct dev *d = sh->tab[i]; d != NULL; d = d->next)
			stop_device(sh, d, fn, arg);
}
