/* shake — per-device shaking detection and the network on top: each
 * device's acceleration magnitude (totalacceleration high-passed first)
 * through STA/LTA and trigger_onset (lib/shake/stalta), windows sized by the rate
 * measured over the push a segment starts in; a gap restarts a device.
 * Each trigger is reported twice: its onset once the push it started in is
 * taken (peak and ratio so far), and the whole trigger when it ends. Onsets
 * go to lib/shake/coinc here (coinc.k > 0) or to a coincidence stage after
 * several detectors (k 0). Devices are keyed by id; time is the samples'
 * (no one device's clock moves the time that prunes or forgets others). */
#ifndef QUAKE_SHAKE_H
#define QUAKE_SHAKE_H

#include <stddef.h>
#include <stdint.h>

#include "shake/coinc.h"
#include "core/err.h"
#include "lines/detection.h"
#include "lines/samples.h"
#include "lines/trigger.h"
#include "shake/stalta.h"

struct quake_shake_conf {
	enum quake_stalta_kind kind;
	double sta_s, lta_s;	/* windows in seconds */
	double on, off;		/* trigger_onset thresholds, on >= off */
	double max_len_s;	/* longest trigger; <= 0: no limit */
	double floor;		/* STA RMS below this (m/s²) masks the ratio to 0 */
	double gap_s;		/* a larger step between samples restarts */
	double highpass_hz;	/* totalacceleration's gravity removal corner */
	int64_t timeout_us;	/* a device silent this long is forgotten */
	struct quake_coinc_conf coinc;	/* k 0: no coincidence here */
};

/* The defaults of quake-shake(1): recursive, 0.5 s / 10 s, on 3.5, off 1,
 * no max length, floor 0.05, gap 0.5 s, high-pass 0.5 Hz, timeout 60 s,
 * K 3, T 10 s, R 20 km, hold 10 s. */
void quake_shake_conf_default(struct quake_shake_conf *c);

struct quake_shake;

/* A detector into *out (caller owns; quake_shake_free). QUAKE_EINPUT on a
 * bad conf, QUAKE_ENOMEM. */
enum quake_err quake_shake_new(const struct quake_shake_conf *conf,
    struct quake_shake **out);
void quake_shake_free(struct quake_shake *sh);

enum quake_shake_report {
	QUAKE_SHAKE_ONSET,	/* t: a trigger's start (off unset), devices
				 * with a location only */
	QUAKE_SHAKE_TRIGGER,	/* t: a finished trigger */
	QUAKE_SHAKE_DETECTION	/* d: a new coincidence group, or one grown
				 * (again, with the id it was first given) */
};

/* Called for each report; t or d (the other NULL) borrowed for the call.
 * A trigger's onset comes before the detection it completes and before
 * the trigger itself. */
typedef void (*quake_shake_fn)(void *arg, enum quake_shake_report what,
    const struct quake_trigger *t, const struct quake_detection *d);

/* Feed one batch: samples not after the device's last are dropped (a push
 * sent twice). Forgets devices silent past the timeout as the clock moves
 * on: the second newest of the devices' last sample times (the newest while
 * one device alone sent), so no one phone's clock, however far ahead,
 * forgets the others. QUAKE_ENOMEM. */
enum quake_err quake_shake_feed(struct quake_shake *sh,
    const struct quake_samples *b, quake_shake_fn fn, void *arg);

/* Forget every device that sent nothing while the clock (see
 * quake_shake_feed) moved past now_us - timeout, reporting its open trigger
 * (ended at its last sample). Sample time, not each phone's own clock. */
void quake_shake_expire(struct quake_shake *sh, int64_t now_us,
    quake_shake_fn fn, void *arg);

/* End of input: report every open trigger. */
void quake_shake_finish(struct quake_shake *sh, quake_shake_fn fn, void *arg);

/* Devices remembered now. */
size_t quake_shake_devices(const struct quake_shake *sh);

/* One-pole high-pass step: y = a * (y + x - xprev), a = RC / (RC + dt),
 * RC = 1 / (2 pi hz); *y and *xprev carry the state. */
double quake_shake_highpass(double x, double dt_s, double hz, double *y,
    double *xprev);

#endif
