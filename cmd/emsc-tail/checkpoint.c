/* checkpoint — emsc-tail's checkpoint: the newest lastupdate handled
 * (printed, or acknowledged with --acks), kept in the --state file, which
 * is replaced atomically at most once a second. */
#include <errno.h>
#include <string.h>

#include "common/ackread.h"
#include "checkpoint.h"
#include "core/log.h"
#include "core/time.h"
#include "core/state.h"

static void
handled(struct emsc_checkpoint *c, int64_t lu)
{
	/* a bogus lastupdate far ahead must not move back-fill past now */
	lu = quake_state_clamp(lu, quake_time_now());
	if (lu > c->cp)
		c->cp = lu;
}

void
checkpoint_printed(struct emsc *e, int64_t lu)
{
	if (e->opt.acks != NULL)
		*(int64_t *)ackq_add(&e->checkpoint.pending) = lu;
	else if (e->opt.replay == NULL)
		handled(&e->checkpoint, lu);
}

static void
handled_rec(void *rec, void *arg)
{
	handled(arg, *(int64_t *)rec);
}

void
checkpoint_acks_read(struct emsc *e)
{
	ackq_acked(&e->checkpoint.pending, ackread_upto(), handled_rec,
	    &e->checkpoint);
}

void
checkpoint_save(struct emsc *e, int force)
{
	struct emsc_checkpoint *c = &e->checkpoint;
	int64_t now = quake_time_now();
	char t[QUAKE_TIME_LEN + 1];

	if (e->opt.state == NULL || c->cp == c->written ||
	    (!force && now - c->written_at < 1000000))
		return;
	c->written_at = now;
	if (quake_state_write(e->opt.state, c->cp) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "cannot write the state file", "path",
		    e->opt.state, "error", strerror(errno), NULL);
		return;
	}
	c->written = c->cp;
	quake_time_format(c->cp, t);
	quake_log(QUAKE_LOG_DEBUG, "checkpoint", "lastupdate", t, NULL);
}

/* A stored checkpoint beyond now + the skew would start every back-fill
 * in the future: start from now instead, and say so. */
static void
checkpoint_clamp(struct emsc *e)
{
	struct emsc_checkpoint *c = &e->checkpoint;
	int64_t now = quake_time_now();
	char t[QUAKE_TIME_LEN + 1], n[QUAKE_TIME_LEN + 1];

	if (quake_state_clamp(c->cp, now) == c->cp)
		return;
	quake_time_format(c->cp, t);
	quake_time_format(now, n);
	quake_log(QUAKE_LOG_WARN, "checkpoint in the future, back-fill starts now",
	    "path", e->opt.state, "lastupdate", t, "now", n, NULL);
	c->cp = now;
}

int
checkpoint_load(struct emsc *e)
{
	struct emsc_checkpoint *c = &e->checkpoint;
	struct quake_fail f;
	enum quake_err err;

	ackq_init(&c->pending, sizeof(int64_t), NULL, NULL, NULL);
	if (e->opt.state != NULL) {
		err = quake_state_read(e->opt.state, &c->cp, &f);
		if (err == QUAKE_EINPUT || err == QUAKE_EIO) {
			quake_log(QUAKE_LOG_ERROR, "cannot use the state file", "path",
			    e->opt.state, "error", err == QUAKE_EIO ? strerror(errno) : f.reason, NULL);
			return QUAKE_EXIT_CONFIG;
		}
		if (err == QUAKE_EOF)
			c->cp = 0;
		c->written = c->cp;
		checkpoint_clamp(e);
	}
	return 0;
}

void
checkpoint_free(struct emsc *e)
{
	ackq_free(&e->checkpoint.pending);
}
