/* rules — quake-alert's subscriber rules: parsed from a JSON file (an array
 * of rule objects, or {"rules": [...]}) and matched against event lines.
 * Night thresholds use the system time zone database: the local time of the
 * event's origin in the rule's zone (TZ + localtime_r, cached per zone and
 * quarter hour), so a decision does not depend on when a line is read. */
#ifndef QUAKE_RULES_H
#define QUAKE_RULES_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "lines/event.h"
#include "core/geo.h"

enum quake_target_kind { QUAKE_TARGET_WEBHOOK, QUAKE_TARGET_NTFY };

#define QUAKE_RULES_EVTYPES 16

/* One time zone's cache: the UTC offset of one quarter hour. */
struct quake_rules_tz {
	char name[64];
	int64_t bucket;		/* quarter hour (s / 900) the offset is for; -1 none */
	long offset_s;
};

struct quake_rule {
	char name[64];
	double minmag;
	int night;			/* a night threshold is set */
	double night_minmag;
	int night_from, night_to;	/* minutes of the local day; from > to spans midnight */
	int tz;				/* index into the set's tz, -1: UTC */
	struct quake_geo_region region;	/* owned */
	double mindepth, maxdepth;	/* km; -inf / +inf when not given */
	int evtype_exclude;		/* evtypes lists those left out, else those taken */
	size_t nevtypes;		/* 0: any evtype */
	char evtypes[QUAKE_RULES_EVTYPES][32];
	int detections;			/* also matches quake-shake detection lines */
	enum quake_target_kind target;
	char url[1024];
	char secret_file[1024];		/* webhook: whsec_ secret; ntfy: bearer token ("" none) */
	int downgrade;			/* updates: "downgrade" */
	int priority_fixed;		/* ntfy priority given (1-5), else by magnitude */
};

struct quake_rules {
	size_t n;
	struct quake_rule *rule;	/* owned */
	size_t ntz;
	struct quake_rules_tz *tz;	/* owned */
};

/* Why a rules file was refused: the rule's name (or "#N" when it has none
 * yet, "" for the file as a whole) and f (field and reason). */
struct quake_rules_fail {
	char rule[64];
	struct quake_fail f;
};

/* Parse buf[0..len) into *rs (caller-owned storage; quake_rules_free).
 * A polygon or secret file given by a relative name is relative to dir (may
 * be NULL: the working directory).
 * QUAKE_EINPUT fills *f; QUAKE_ENOMEM. On failure *rs holds nothing. */
enum quake_err quake_rules_parse(const char *buf, size_t len, const char *dir,
    struct quake_rules *rs, struct quake_rules_fail *f);

/* Read and parse the file path; QUAKE_EIO when it cannot be read. */
enum quake_err quake_rules_load(const char *path, struct quake_rules *rs,
    struct quake_rules_fail *f);

/* The same, stopping (QUAKE_ETEMP, *rs empty) between two rules once *stop
 * is set (stop may be NULL): a stop signal is honoured while loading. */
enum quake_err quake_rules_parse_stop(const char *buf, size_t len,
    const char *dir, struct quake_rules *rs, struct quake_rules_fail *f,
    const volatile sig_atomic_t *stop);
enum quake_err quake_rules_load_stop(const char *path, struct quake_rules *rs,
    struct quake_rules_fail *f, const volatile sig_atomic_t *stop);

void quake_rules_free(struct quake_rules *rs);

/* 1 when ev matches rule i of rs, with the magnitude threshold in force
 * (day or night) in *threshold; else 0. Updates the time zone cache. */
int quake_rules_match(struct quake_rules *rs, size_t i,
    const struct quake_event *ev, double *threshold);

/* The threshold in force for rule i at origin time t (µs). */
double quake_rules_threshold(struct quake_rules *rs, size_t i, int64_t t);

#endif
