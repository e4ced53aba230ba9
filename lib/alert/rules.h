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

enum quake_target_kind { QUAKE_TARGET_WEBHOOK, QUAKE_TARGET_NTFY, QUAKE_TARGET_EMAIL };

#define QUAKE_RULES_EVTYPES 16
#define QUAKE_RULES_TARGETS 8	/* targets of one rule */
#define QUAKE_RULES_RCPTS 8	/* recipients of one email target */
#define QUAKE_RULES_KEY_MAX 96	/* a target's mark key, with its NUL */

/* Where a rule's notices go. A rule has 1-8: "webhook", "ntfy", "email"
 * (an object or a list of them) or "targets": [{"webhook": ...}, ...]. */
struct quake_target {
	enum quake_target_kind kind;
	/* what the marks and notice ids are kept under: the rule's name for
	 * its first target (so a one-target rule keeps its marks from before
	 * targets were lists), "NAME|KIND:HASH" (HASH: 8 hex digits of the
	 * URL and recipients) for the others */
	char key[QUAKE_RULES_KEY_MAX];
	char url[1024];			/* http(s)://, or smtp:// (STARTTLS) / smtps:// */
	char secret_file[1024];		/* webhook: whsec_ secret; ntfy: bearer token;
					 * email: "user:password" ("" none) */
	int priority_fixed;		/* ntfy priority given (1-5), else by magnitude */
	/* email only */
	char from[256];
	size_t nto;
	char to[QUAKE_RULES_RCPTS][256];
	char ca_file[1024];		/* CA certificates to trust ("" the system's) */
};

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
	size_t ntargets;		/* 1..QUAKE_RULES_TARGETS */
	struct quake_target *targets;	/* owned */
	int downgrade;			/* updates: "downgrade" */
	char place[64];			/* "place": the area's own name ("" none) */
	int zone;			/* "tz" (or night.tz): index into tz, -1 UTC */
	double as_minmag;		/* "aftershocks": main shocks from this
					 * magnitude (0: no suppression) */
	int64_t as_days_us;		/* for this long after the main shock */
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

/* The UTC offset (seconds east) of rule i's zone at t (µs), with the
 * zone's name in *name (borrowed from rs; NULL when the rule has no zone:
 * UTC). Updates the time zone cache. */
long quake_rules_offset(struct quake_rules *rs, size_t i, int64_t t,
    const char **name);

#endif
