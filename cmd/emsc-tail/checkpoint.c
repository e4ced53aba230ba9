/* checkpoint — emsc-tail's checkpoint: the newest lastupdate handled
 * (printed, or acknowledged with --acks), kept in the --state file, which
 * is replaced atomically at most once a second. */
#include <errno.h>
#include <string.h>

#include "common/ackread.h"
#include "emsc.h"
#include "core/log.h"
#include "core/time.h"
#include "core/state.h"

struct emsc_checkpoint checkpoint;

static void
handled(int64_t lu)
{
	/* a bogus lastupdate far ahead must not move back-fill past now */
	lu = quake_state_clamp(lu, quake_time_now());
	if (lu > checkpoint.cp)
		checkpoint.cp = lu;
}

void
checkpoint_printed(int64_t lu)
{
	if (opt.acks != NULL)
		*(int64_t *)ackq_add(&checkpoint.pending) = lu;
	else if (opt.replay == NULL)
		handled(lu);
}

static void
handled_rec(void *rec, void *arg)
{
	(void)arg;
	handled(*(int64_t *)rec);
}

void
checkpoint_acks_read(void)
{
	ackq_acked(&checkpoint.pending, ackread_upto(), handled_rec, NULL);
}

void
checkpoint_save(int force)
{
	int64_t now = quake_time_now();
	char t[QUAKE_TIME_LEN + 1];

	if (opt.state == NULL || checkpoint.cp == checkpoint.written ||
	    (!force && now - checkpoint.written_at < 1000000))
		return;
	checkpoint.written_at = now;
	if (quake_state_write(opt.state, checkpoint.cp) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "cannot write the state file", "path",
		    opt.state, "error", strerror(errno), NULL);
		return;
	}
	checkpoint.written = checkpoint.cp;
	quake_time_format(checkpoint.cp, t);
	quake_log(QUAKE_LOG_DEBUG, "checkpoint", "lastupdate", t, NULL);
}

/* A stored checkpoint beyond now + the skew would start every back-fill
 * in the future: start from now instead, and say so. */
static void
checkpoint_clamp(void)
{
	int64_t now = quake_time_now();
	char t[QUAKE_TIME_LEN + 1], n[QUAKE_TIME_LEN + 1];

	if (quake_state_clamp(checkpoint.cp, now) == checkpoint.cp)
		return;
	quake_time_format(checkpoint.cp, t);
	quake_time_format(now, n);
	quake_log(QUAKE_LOG_WARN, "checkpoint in the future, back-fill starts now",
	    "path", opt.state, "lastupdate", t, "now", n, NULL);
	checkpoint.cp = now;
}

int
checkpoint_load(void)
{
	struct quake_fail f;
	enum quake_err e;

	ackq_init(&checkpoint.pending, sizeof(int64_t), NULL, NULL, NULL);
	if (opt.state != NULL) {
		e = quake_state_read(opt.state, &checkpoint.cp, &f);
		if (e == QUAKE_EINPUT || e == QUAKE_EIO) {
			quake_log(QUAKE_LOG_ERROR, "cannot use the state file", "path",
			    opt.state, "error", e == QUAKE_EIO ? strerror(errno) : f.reason, NULL);
			return QUAKE_EXIT_CONFIG;
		}
		if (e == QUAKE_EOF)
			checkpoint.cp = 0;
		checkpoint.written = checkpoint.cp;
		checkpoint_clamp();
	}
	return 0;
}

void
checkpoint_free(void)
{
	ackq_free(&checkpoint.pending);
}
