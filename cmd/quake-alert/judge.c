/* judge — event and detection lines against the rules, notices out, marks
 * committed in input order. A mark is kept per target of a rule (a slot):
 * one target's failure leaves the others' marks alone. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lines/event.h"
#include "judge.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time.h"
#include "lines/detection.h"
#include "alert/aftershock.h"
#include "common/tool.h"
#include "say.h"

/* A decision to commit once the line is finished, or once its notice is
 * delivered, whichever comes first. */
struct judged {
	size_t rule, target;
	struct quake_alert_mark mark;
	int committed;
};

struct pending {
	struct ackq_rec r;
	struct judged *j;	/* owned */
	size_t nj;
	unsigned outstanding;	/* notices not finished */
	unsigned given_up;
	int committed;
	char error[160];
};

/* One judge, made by judge_new and passed by pointer. */
struct judge {
	struct ackq *q;
	struct quake_rules *rs;
	struct quake_marks *m;
	int64_t window;
	size_t nslots;		/* targets of all rules */
	size_t *first;		/* per rule: its first slot */
	uint64_t *stamp;	/* per slot: the line whose mark is in mark[] */
	uint64_t *rule_stamp;	/* per rule: the line a mark of its targets was loaded for */
	struct quake_alert_mark *mark;
	uint64_t line;
	size_t *by_name;	/* slots sorted by key */
	size_t *slot_rule;	/* slot -> rule */
	struct quake_aftershocks main;	/* main shocks, for rules suppressing */
	double as_minmag;	/* the least main_minmagnitude of any rule (0: none) */
	int64_t as_keep;	/* the longest window of any rule */
	int unsynced;		/* marks committed since the last sync */
	struct judge_counts n;
};

/* The mark key of slot k. */
static const char *
key(const struct judge *j, size_t k)
{
	size_t i = j->slot_rule[k];

	return j->rs->rule[i].targets[k - j->first[i]].key;
}

static int
by_name_cmp(const void *a, const void *b, void *arg)
{
	const struct judge *j = arg;

	return strcmp(key(j, *(const size_t *)a), key(j, *(const size_t *)b));
}

/* The slot whose key is name, or -1 (a rule or target since removed). */
static long
rule_index(const struct judge *j, const char *name)
{
	size_t lo = 0, hi = j->nslots;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(key(j, j->by_name[mid]), name);
		if (c == 0)
			return (long)j->by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* ackq's release hook: a record's decided marks */
static void
release(struct ackq_rec *r)
{
	struct pending *p = (struct pending *)r;

	free(p->j);
	p->j = NULL;
}

struct judge *
judge_new(struct ackq *q, struct quake_rules *rs, struct quake_marks *m,
    int64_t window_us)
{
	struct judge *j = tool_alloc(sizeof *j);

	j->q = q, j->rs = rs, j->m = m, j->window = window_us;
	j->first = tool_alloc((rs->n + 1) * sizeof *j->first);
	for (size_t i = 0; i < rs->n; i++) {
		const struct quake_rule *r = &rs->rule[i];
		j->first[i] = j->nslots;
		j->nslots += r->ntargets;
		if (r->as_minmag > 0 && (j->as_minmag == 0 || r->as_minmag < j->as_minmag))
			j->as_minmag = r->as_minmag;
		if (r->as_days_us > j->as_keep)
			j->as_keep = r->as_days_us;
	}
	j->stamp = tool_alloc((j->nslots + 1) * sizeof *j->stamp);
	j->rule_stamp = tool_alloc((rs->n + 1) * sizeof *j->rule_stamp);
	j->mark = tool_alloc((j->nslots + 1) * sizeof *j->mark);
	j->by_name = tool_alloc((j->nslots + 1) * sizeof *j->by_name);
	j->slot_rule = tool_alloc((j->nslots + 1) * sizeof *j->slot_rule);
	for (size_t i = 0; i < rs->n; i++)
		for (size_t k = 0; k < rs->rule[i].ntargets; k++)
			j->slot_rule[j->first[i] + k] = i;
	for (size_t k = 0; k < j->nslots; k++)
		j->by_name[k] = k;
	qsort_r(j->by_name, j->nslots, sizeof *j->by_name, by_name_cmp, j);
	ackq_init(q, sizeof(struct pending), release, &j->n.in, &j->n.rejected);
	return j;
}

const struct judge_counts *
judge_counts(const struct judge *j)
{
	return &j->n;
}

void
judge_free(struct judge *j)
{
	if (j == NULL)
		return;
	free(j->stamp);
	free(j->rule_stamp);
	free(j->mark);
	free(j->by_name);
	free(j->first);
	free(j->slot_rule);
	quake_aftershocks_free(&j->main);
	free(j);
}

void
judge_carry(struct judge *to, struct judge *from)
{
	to->n = from->n;
	quake_aftershocks_free(&to->main);
	to->main = from->main;
	memset(&from->main, 0, sizeof from->main);
}

/* Remember a changed mark of slot k for commit; also the decided view. */
static void
keep(struct judge *j, struct pending *p, size_t k, const char *id, const struct quake_alert_mark *mk)
{
	struct judged *nj;

	if (j->m != NULL && quake_marks_set(j->m, id, key(j, k), mk) != QUAKE_OK) {
		tool_oom();
	}
	if ((nj = realloc(p->j, (p->nj + 1) * sizeof *nj)) == NULL) {
		tool_oom();
	}
	p->j = nj;
	p->j[p->nj++] = (struct judged){ j->slot_rule[k], k - j->first[j->slot_rule[k]], *mk, 0 };
}

/* A notice of slot k for line seq (its body is say's). */
static struct notice *
notice_new(const struct judge *j, uint64_t seq, size_t k, const char *id, enum quake_alert_kind kind,
    const struct quake_alert_mark *mk)
{
	struct notice *n = tool_alloc(sizeof *n);

	n->line = seq;
	n->rule = j->slot_rule[k];
	n->target = k - j->first[n->rule];
	quake_alert_id(key(j, k), id, kind, mk, n->id);
	return n;
}

static void
send(struct judge *j, struct pending *p, struct notice *n)
{
	p->outstanding++;
	j->n.notices++;
	deliver_queue(n);
}

/* The marks of event id into j->mark, stamped with this line. */
static void
load_marks(struct judge *j, const char *id)
{
	const struct quake_marks_event *me = quake_marks_find(j->m, id);

	j->line++;
	for (size_t k = 0; me != NULL && k < me->n; k++) {
		long i = rule_index(j, me->r[k].rule);
		if (i >= 0) {
			j->stamp[i] = j->line;
			j->rule_stamp[j->slot_rule[i]] = j->line;
			j->mark[i] = me->r[k].decided;
		}
	}
}

/* A target of rule i was told of this line's event. */
static int
told(const struct judge *j, size_t i)
{
	if (j->rule_stamp[i] != j->line)
		return 0;	/* the common case: no mark of this rule */
	for (size_t k = j->first[i]; k < j->first[i] + j->rs->rule[i].ntargets; k++)
		if (j->stamp[k] == j->line && j->mark[k].have)
			return 1;
	return 0;
}

static void
judge_event(struct judge *j, struct pending *p, uint64_t seq, const struct quake_event *ev)
{
	static const struct quake_alert_mark none;

	load_marks(j, ev->id);
	if (j->as_minmag > 0 && quake_aftershocks_note(&j->main, ev, j->as_minmag,
	    j->as_keep, quake_time_now()) != QUAKE_OK)
		tool_oom();
	for (size_t i = 0; i < j->rs->n; i++) {
		const struct quake_rule *r = &j->rs->rule[i];
		double thr = r->minmag;
		int matched = quake_rules_match(j->rs, i, ev, &thr);

		/* an aftershock not told before is not told (ENS's exclusion) */
		if ((!matched || r->as_minmag > 0) && !told(j, i) && (!matched ||
		    quake_aftershocks_find(&j->main, ev, r->as_minmag, r->as_days_us) != NULL))
			continue;
		for (size_t k = j->first[i]; k < j->first[i] + r->ntargets; k++) {
			const struct quake_alert_mark *prev = j->stamp[k] == j->line ? &j->mark[k] : &none;
			struct quake_alert_mark next;
			enum quake_alert_kind kind;

			if (!matched && !prev->have)
				continue;
			kind = quake_alert_decide(prev, matched, ev->mag, thr, ev->lastupdate,
			    ev->time, r->downgrade, &next);
			if (memcmp(&next, prev, sizeof next) != 0)
				keep(j, p, k, ev->id, &next);
			if (kind == QUAKE_ALERT_NONE)
				continue;
			struct notice *n = notice_new(j, seq, k, ev->id, kind, &next);
			say_event(n, ev, kind, next.band, thr);
			send(j, p, n);
		}
	}
}

/* "phones near X are shaking", once per detection id and rule target with
 * "detections": true whose region holds the centroid. */
static void
judge_detection(struct judge *j, struct pending *p, uint64_t seq, const struct quake_detection *d,
    const char *buf, size_t len)
{
	const char *id = d->id;
	int64_t when = d->time;

	if (when < quake_time_now() - j->window)
		return;
	load_marks(j, id);
	for (size_t i = 0; i < j->rs->n; i++) {
		const struct quake_rule *r = &j->rs->rule[i];
		if (!r->detections || !quake_geo_contains(&r->region, d->lat, d->lon))
			continue;
		for (size_t k = j->first[i]; k < j->first[i] + r->ntargets; k++) {
			struct quake_alert_mark next, none = { 0 };
			if (j->stamp[k] == j->line)
				continue;	/* told already */
			quake_alert_decide(&none, 1, 0, 0, when, when, 0, &next);
			keep(j, p, k, id, &next);
			struct notice *n = notice_new(j, seq, k, id, QUAKE_ALERT_NEW, &next);
			say_detection(n, d, buf, len);
			send(j, p, n);
		}
	}
}

/* The id of a line that is not an event line, for its status line. */
static void
line_id(const char *buf, size_t len, char *id, size_t cap)
{
	json_t *o = json_loadb(buf, len, 0, NULL);
	const char *s = json_string_value(json_object_get(o, "id"));

	snprintf(id, cap, "%s", s != NULL && strlen(s) < cap ? s : "");
	json_decref(o);
}

void
judge_line(struct judge *j, const struct quake_line *l)
{
	static const char det[] = "{\"kind\":\"detection\"";
	struct quake_event ev;
	struct quake_fail f;
	struct pending *p;
	uint64_t seq;
	char id[64];

	if (l->len > 8 && memcmp(l->buf, "{\"kind\":", 8) == 0) {
		struct quake_detection d;
		if (l->len >= sizeof det - 1 && memcmp(l->buf, det, sizeof det - 1) == 0) {
			if (quake_detection_parse(l->buf, l->len, &d, &f) != QUAKE_OK) {
				ackq_reject(j->q, l->lineno, d.id, &f, l->buf, l->len);
				return;
			}
			p = (struct pending *)ackq_push(j->q, l->lineno, d.id, strlen(d.id), &seq);
			judge_detection(j, p, seq, &d, l->buf, l->len);
		} else {	/* other quake-shake lines: nothing to say */
			line_id(l->buf, l->len, id, sizeof id);
			p = (struct pending *)ackq_push(j->q, l->lineno, id, strlen(id), &seq);
		}
		goto settle;
	}
	ev.id[0] = '\0';
	if (quake_event_parse_line(l->buf, l->len, &ev, &f) != QUAKE_OK) {
		ackq_reject(j->q, l->lineno, ev.id, &f, l->buf, l->len);
		return;
	}
	p = (struct pending *)ackq_push(j->q, l->lineno, ev.id, strlen(ev.id), &seq);
	if (ev.time >= quake_time_now() - j->window)
		judge_event(j, p, seq, &ev);
settle:
	if (p->outstanding == 0) {
		j->n.skipped++;
		ackq_done(j->q, &p->r, QUAKE_ACK_SKIPPED, NULL);
	}
}

void
judge_notice_done(struct notice *n, void *arg)
{
	struct judge *j = arg;

	struct pending *p = (struct pending *)ackq_at(j->q, n->line);

	/* delivered: its decision goes into the journal now (the next sync,
	 * this loop turn), not once every earlier line is done, so a restart
	 * repeats only the notices in flight */
	for (size_t k = 0; n->delivered && j->m != NULL && k < p->nj; k++)
		if (p->j[k].rule == n->rule && p->j[k].target == n->target && !p->j[k].committed) {
			if (quake_marks_commit(j->m, ackq_id(&p->r),
			    j->rs->rule[n->rule].targets[n->target].key, &p->j[k].mark) != QUAKE_OK)
				tool_oom();
			p->j[k].committed = 1;
			j->unsynced = 1;
		}
	if (!n->delivered && p->given_up++ == 0)
		snprintf(p->error, sizeof p->error, "%.63s: %.90s", j->rs->rule[n->rule].name, n->error);
	deliver_notice_free(n);
	if (--p->outstanding > 0)
		return;
	if (p->given_up > 0)
		j->n.undelivered++;
	else
		j->n.alerted++;
	ackq_done(j->q, &p->r, p->given_up ? QUAKE_ACK_UNDELIVERED : QUAKE_ACK_ALERTED,
	    p->given_up ? p->error : NULL);
}

int
judge_commit(struct judge *j)
{
	const struct ring *ring = &j->q->ring;
	int any = 0;

	for (uint64_t s = ring->head_seq; s < ring->head_seq + ring->count; s++) {
		struct pending *p = (struct pending *)ackq_at(j->q, s);
		if (p->r.state != ACKQ_DONE)
			break;
		if (p->committed)
			continue;
		p->committed = 1;
		for (size_t k = 0; k < p->nj; k++) {
			const char *id = ackq_id(&p->r);
			if (p->j[k].committed)
				continue;	/* at its delivery */
			p->j[k].committed = 1;
			if (quake_marks_commit(j->m, id,
			    j->rs->rule[p->j[k].rule].targets[p->j[k].target].key,
			    &p->j[k].mark) != QUAKE_OK) {
				tool_oom();
			}
			any = 1;
		}
	}
	any |= j->unsynced;
	j->unsynced = 0;
	if (any && quake_marks_sync(j->m, quake_time_now()) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "cannot write the state file", "error",
		    strerror(errno), NULL);
		return QUAKE_EXIT_IOERR;
	}
	return 0;
}
