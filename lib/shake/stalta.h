/* stalta — streaming STA/LTA, one sample at a time, with exactly ObsPy's
 * definitions (obspy.signal.trigger: classic_sta_lta, recursive_sta_lta,
 * trigger_onset including max_len), so sample i of a stream gives the value
 * ObsPy gives at index i of the whole array (classic: to the float its ring
 * stores each square as). No allocation after init. */
#ifndef QUAKE_STALTA_H
#define QUAKE_STALTA_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum quake_stalta_kind {
	QUAKE_STALTA_RECURSIVE,	/* recstalta.c: exponential averages */
	QUAKE_STALTA_CLASSIC	/* stalta.c: sliding windows (a ring of nlta) */
};

struct quake_stalta {
	enum quake_stalta_kind kind;
	int nsta, nlta;		/* window lengths in samples, 1 <= nsta < nlta */
	int64_t i;		/* index of the next sample since the (re)start */
	double sta, lta;	/* ObsPy's running sums or averages */
	double csta, clta;	/* recursive: 1/nsta, 1/nlta */
	double frac;		/* classic: nlta / nsta */
	float *sq;		/* classic: the last nlta squares (owned),
				 * as floats: half the memory */
	int slot;		/* classic: where index i's square goes */
};

/* Set up s (caller-owned storage) for windows of nsta < nlta samples; the
 * classic kind allocates its ring. QUAKE_EINPUT on bad lengths, ENOMEM. */
enum quake_err quake_stalta_init(struct quake_stalta *s,
    enum quake_stalta_kind kind, int nsta, int nlta);

/* Release what init allocated; s may be zeroed storage. */
void quake_stalta_free(struct quake_stalta *s);

/* Start over as if the next sample were index 0 (after a gap). */
void quake_stalta_reset(struct quake_stalta *s);

/* Feed sample a (the next index); returns the characteristic function at
 * it: 0 before the first full LTA window, as ObsPy writes, and 0 where
 * ObsPy would divide by a zero LTA. */
double quake_stalta_push(struct quake_stalta *s, double a);

/* Feed the n samples a[0..n-1] (a push) at once: cft[i] gets what
 * quake_stalta_push would return for a[i], the same value (the same
 * operations, with the running sums kept in registers and the ring walked
 * without a wrap test per sample). a and cft are the caller's, n of each;
 * they must not overlap. */
void quake_stalta_run(struct quake_stalta *s, const double *a, double *cft,
    size_t n);

/* The mean square over the STA window after the last push (for the
 * amplitude floor): recursive sta, classic sta / nsta. */
double quake_stalta_sta_ms(const struct quake_stalta *s);

/* seconds at rate Hz as a window length in samples: floor(s*rate + 0.5),
 * at least 1. */
int quake_stalta_samples(double seconds, double rate);

/* trigger_onset streamed: on at an up-crossing of `on` (the first sample of
 * a run >= on after the last off), off at the last sample >= `off`, or
 * on + max_len when the trigger lasts longer (then a new trigger needs a new
 * up-crossing). */
struct quake_trig {
	double on, off;
	int64_t max_len;	/* samples; INT64_MAX for none */
	int active;		/* inside a trigger */
	int prev_above;		/* the previous sample was >= on */
	int64_t onset;		/* index of the open trigger's onset */
	int64_t i;		/* index of the next sample */
};

enum { QUAKE_TRIG_OFF = 1, QUAKE_TRIG_ON = 2 };

/* A trigger over thresholds on >= off (caller-owned storage). */
void quake_trig_init(struct quake_trig *t, double on, double off,
    int64_t max_len);

/* Start over at index 0 with no open trigger. */
void quake_trig_reset(struct quake_trig *t);

/* Feed cft at the next index. Returns a mask: QUAKE_TRIG_OFF when the open
 * trigger ended (*off_idx its last index, *on_idx its onset), then
 * QUAKE_TRIG_ON when a trigger starts at this index (*on_idx). Both may be
 * set for one sample (a max_len cut and a new up-crossing). */
int quake_trig_push(struct quake_trig *t, double cft, int64_t *on_idx,
    int64_t *off_idx);

/* End the open trigger at the last fed index (end of data, a gap):
 * 1 and its onset and last index, or 0 when none was open. Resets t. */
int quake_trig_finish(struct quake_trig *t, int64_t *on_idx,
    int64_t *off_idx);

#endif
