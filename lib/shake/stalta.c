/* stalta — ObsPy's STA/LTA and trigger_onset as streaming state machines.
 * The arithmetic is ObsPy's own, operation for operation (its C sources
 * recstalta.c and stalta.c), so values agree to rounding; but the classic
 * ring keeps each square as a float (the same float added and taken off),
 * half the memory for a relative error of about 1e-8. quake_stalta_run takes
 * a push at once with the same operations: the sums in registers, the ring
 * walked in stretches without a wrap test, the divisions two at a time. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shake/stalta.h"

enum quake_err
quake_stalta_init(struct quake_stalta *s, enum quake_stalta_kind kind,
    int nsta, int nlta)
{
	*s = (struct quake_stalta){ .kind = kind, .nsta = nsta, .nlta = nlta };
	if (nsta < 1 || nlta <= nsta || nlta > 1 << 24)
		return QUAKE_EINPUT;
	s->csta = 1. / (double)nsta;
	s->clta = 1. / (double)nlta;
	s->frac = (double)nlta / (double)nsta;
	if (kind == QUAKE_STALTA_CLASSIC &&
	    (s->sq = calloc((size_t)nlta, sizeof *s->sq)) == NULL)
		return QUAKE_ENOMEM;
	return QUAKE_OK;
}

void
quake_stalta_free(struct quake_stalta *s)
{
	free(s->sq);
	s->sq = NULL;
}

void
quake_stalta_reset(struct quake_stalta *s)
{
	s->i = 0;
	s->slot = 0;
	s->sta = s->lta = 0.;
}

/* recstalta.c: index 0 is skipped, then exponential averages of a^2;
 * indices below nlta are zeroed afterwards. */
static double
push_recursive(struct quake_stalta *s, double a)
{
	int64_t i = s->i++;

	if (__builtin_expect(i == 0, 0))
		return 0.;
	s->sta = s->csta * (a * a) + (1 - s->csta) * s->sta;
	s->lta = s->clta * (a * a) + (1 - s->clta) * s->lta;
	if (__builtin_expect(i < s->nlta || s->lta == 0., 0))
		return 0.;
	return s->sta / s->lta;
}

/* stalta.c (OPTIMIZED_VERSION): running sums updated as buf - old square,
 * the ratio scaled by nlta / nsta from index nlta - 1 on; the ring's
 * slots advance without a division. buf is the square rounded to float
 * (capped at FLT_MAX), so what leaves a sum is exactly what entered it. */
static double
push_classic(struct quake_stalta *s, double a)
{
	int64_t i = s->i++;
	double sq = a * a;
	float f = __builtin_expect(sq < FLT_MAX, 1) ? (float)sq : FLT_MAX;
	double buf = f;	/* added to the sums, later taken off */
	int slot = s->slot, old = slot - s->nsta;	/* slot of i - nsta */

	if (old < 0)
		old += s->nlta;
	s->slot = slot + 1 == s->nlta ? 0 : slot + 1;
	if (__builtin_expect(i >= s->nlta, 1)) {	/* the steady state */
		s->sta += buf - s->sq[old];
		s->lta += buf - s->sq[slot];
		s->sq[slot] = f;
		return s->lta != 0. ? s->sta / s->lta * s->frac : 0.;
	}
	if (i < s->nsta) {
		s->sta += buf;
		s->lta += buf;
	} else {
		s->lta += buf;
		s->sta += buf - s->sq[old];
	}
	s->sq[slot] = f;
	if (i < s->nlta - 1 || s->lta == 0.)
		return 0.;
	return s->sta / s->lta * s->frac;
}

double
quake_stalta_push(struct quake_stalta *s, double a)
{
	if (s->kind == QUAKE_STALTA_CLASSIC)
		return push_classic(s, a);
	return push_recursive(s, a);
}

/* run's stretches: at most this many samples, their LTAs kept on the stack
 * while the serial loop runs, so that the divisions can go two at a time */
enum { STRETCH = 128 };

typedef double v2d __attribute__((vector_size(16)));
typedef long long v2l __attribute__((vector_size(16)));

/* cft[k] = lta[k] != 0 ? cft[k] / lta[k] * frac : 0 for k < m (cft holding
 * the STAs): two lanes at a time, each lane's operations the scalar ones,
 * so the same values; frac 1 (recursive) changes none. */
static void
ratios(double *cft, const double *lta, size_t m, double frac)
{
	const v2d fr = { frac, frac };
	size_t k = 0;

	for (; k + 2 <= m; k += 2) {
		v2d st, lt, r;
		v2l nz;

		memcpy(&st, cft + k, sizeof st);
		memcpy(&lt, lta + k, sizeof lt);
		nz = (v2l)(lt != 0.);
		r = (v2d)((v2l)(st / lt * fr) & nz);	/* 0 where lta is */
		memcpy(cft + k, &r, sizeof r);
	}
	for (; k < m; k++)
		cft[k] = lta[k] != 0. ? cft[k] / lta[k] * frac : 0.;
}

/* The steady state of run: the exponential averages held in registers
 * (the same operations as push_recursive, so the same values). */
static void
run_recursive(struct quake_stalta *s, const double *a, double *cft, size_t n)
{
	const double cs = s->csta, ks = 1 - s->csta;
	const double cl = s->clta, kl = 1 - s->clta;
	double sta = s->sta, lta = s->lta, lt[STRETCH];

	while (n > 0) {
		size_t m = n < STRETCH ? n : STRETCH;

		for (size_t k = 0; k < m; k++) {
			double sq = a[k] * a[k];

			sta = cs * sq + ks * sta;
			lta = cl * sq + kl * lta;
			cft[k] = sta;
			lt[k] = lta;
		}
		ratios(cft, lt, m, 1.);
		a += m;
		cft += m;
		n -= m;
	}
	s->sta = sta;
	s->lta = lta;
}

/* The steady state of run for the classic kind: the ring walked in stretches
 * where neither the slot nor the slot nsta back wraps, the sums in
 * registers (the same operations as push_classic, so the same values). */
static void
run_classic(struct quake_stalta *s, const double *a, double *cft, size_t n)
{
	const int nsta = s->nsta, nlta = s->nlta;
	double sta = s->sta, lta = s->lta, lt[STRETCH];
	float *ring = s->sq;
	int slot = s->slot;

	while (n > 0) {
		int old = slot - nsta < 0 ? slot - nsta + nlta : slot - nsta;
		size_t m = n < STRETCH ? n : STRETCH;
		const float *po = ring + old;
		float *ps = ring + slot;

		if (m > (size_t)(nlta - slot))
			m = (size_t)(nlta - slot);
		if (m > (size_t)(nlta - old))
			m = (size_t)(nlta - old);
		for (size_t k = 0; k < m; k++) {
			double sq = a[k] * a[k];
			float f = __builtin_expect(sq < FLT_MAX, 1) ? (float)sq :
			    FLT_MAX;
			double buf = f;

			sta += buf - po[k];
			lta += buf - ps[k];
			ps[k] = f;
			cft[k] = sta;
			lt[k] = lta;
		}
		ratios(cft, lt, m, s->frac);
		a += m;
		cft += m;
		n -= m;
		slot = slot + (int)m == nlta ? 0 : slot + (int)m;
	}
	s->sta = sta;
	s->lta = lta;
	s->slot = slot;
}

void
quake_stalta_run(struct quake_stalta *s, const double *a, double *cft,
    size_t n)
{
	size_t i = 0;

	/* the first full LTA window one sample at a time, then the rest */
	for (; i < n && s->i < s->nlta; i++)
		cft[i] = quake_stalta_push(s, a[i]);
	if (i == n)
		return;
	if (s->kind == QUAKE_STALTA_CLASSIC)
		run_classic(s, a + i, cft + i, n - i);
	else
		run_recursive(s, a + i, cft + i, n - i);
	s->i += (int64_t)(n - i);
}

double
quake_stalta_sta_ms(const struct quake_stalta *s)
{
	if (s->kind == QUAKE_STALTA_CLASSIC) {
		int64_t n = s->i < s->nsta ? s->i : s->nsta;
		return n > 0 ? s->sta / (double)n : 0.;
	}
	return s->sta;
}

int
quake_stalta_samples(double seconds, double rate)
{
	double n = floor(seconds * rate + 0.5);

	if (!(n >= 1.))
		return 1;
	return n > (double)(1 << 24) ? 1 << 24 : (int)n;
}

void
quake_trig_init(struct quake_trig *t, double on, double off, int64_t max_len)
{
	*t = (struct quake_trig){ .on = on, .off = off,
	    .max_len = max_len < 0 ? INT64_MAX : max_len };
}

void
quake_trig_reset(struct quake_trig *t)
{
	t->active = t->prev_above = 0;
	t->onset = t->i = 0;
}

int
quake_trig_push(struct quake_trig *t, double cft, int64_t *on_idx,
    int64_t *off_idx)
{
	int64_t i = t->i++;
	int mask = 0, above = cft >= t->on;

	if (t->active && (!(cft >= t->off) || i - t->onset > t->max_len)) {
		*on_idx = t->onset;
		*off_idx = i - t->onset > t->max_len ? t->onset + t->max_len :
		    i - 1;
		t->active = 0;
		mask |= QUAKE_TRIG_OFF;
	}
	if (!t->active && above && !t->prev_above) {
		t->active = 1;
		t->onset = i;
		*on_idx = i;
		mask |= QUAKE_TRIG_ON;
	}
	t->prev_above = above;
	return mask;
}

int
quake_trig_finish(struct quake_trig *t, int64_t *on_idx, int64_t *off_idx)
{
	int was = t->active;

	if (was) {
		*on_idx = t->onset;
		*off_idx = t->i - 1;
	}
	quake_trig_reset(t);
	return was;
}
