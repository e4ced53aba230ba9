/* creds — the credentials chain and its cache, on top of the sources
 * (creds_env.c, creds_sts.c, creds_file.c, creds_ecs.c, creds_imds.c). */
#include <string.h>

#include "aws/creds.h"

#define REFRESH_BEFORE (5 * 60 * 1000000LL)
#define EXPIRED_BACKOFF_MIN (1000000LL)
#define EXPIRED_BACKOFF_MAX (5 * 60 * 1000000LL)

/* Ask the sources in turn: QUAKE_OK, or the first answer that is not
 * QUAKE_EAUTH (no credentials there: the next one). */
static enum quake_err
chain(struct quake_creds_cache *cc, struct quake_fail *f)
{
	enum quake_err err = QUAKE_EAUTH;

	if (cc->profile != NULL)	/* named on the command line: first */
		err = quake_creds_from_files(&cc->c, cc->profile, NULL, NULL, f);
	else if ((err = quake_creds_from_env(&cc->c, f)) == QUAKE_EAUTH &&
	    (err = quake_creds_from_web_identity(&cc->c, f)) == QUAKE_EAUTH)
		err = quake_creds_from_files(&cc->c, NULL, NULL, NULL, f);
	if (err == QUAKE_EAUTH && cc->profile != NULL)
		err = quake_creds_from_web_identity(&cc->c, f);
	if (err == QUAKE_EAUTH)
		err = quake_creds_from_ecs(&cc->c, cc->ecs_base, f);
	if (err == QUAKE_EAUTH)
		err = quake_creds_from_imds(&cc->c, cc->imds_endpoint,
		    cc->imds_allow_v1, f);
	if (err == QUAKE_EAUTH)
		quake_err_fail(f, "", "no credentials: not in the environment, "
		    "the shared files, a container endpoint or instance metadata");
	return err;
}

void
quake_creds_cache_invalidate(struct quake_creds_cache *cc)
{
	cc->have = 0;
}

void
quake_creds_cache_free(struct quake_creds_cache *cc)
{
	quake_creds_wipe(&cc->c);
	cc->have = 0;
}

enum quake_err
quake_creds_cache_get(struct quake_creds_cache *cc, int64_t now,
    const struct quake_creds **out, struct quake_fail *f)
{
	int64_t before = cc->refresh_before > 0 ? cc->refresh_before : REFRESH_BEFORE;
	enum quake_err err;

	if (cc->have && (cc->c.expiration == 0 || now < cc->refresh_at)) {
		*out = &cc->c;
		return QUAKE_OK;
	}
	cc->have = 0;
	cc->fetches++;
	if ((err = chain(cc, f)) != QUAKE_OK) {
		quake_creds_wipe(&cc->c);
		return err;
	}
	cc->have = 1;
	cc->expired = cc->c.expiration != 0 && cc->c.expiration <= now;
	if (cc->expired) {
		/* a clock far off, a stale document: use them (the service will
		 * say) and ask again later, not on every call */
		cc->backoff = cc->backoff ? cc->backoff * 2 : EXPIRED_BACKOFF_MIN;
		if (cc->backoff > EXPIRED_BACKOFF_MAX)
			cc->backoff = EXPIRED_BACKOFF_MAX;
		cc->refresh_at = now + cc->backoff;
	} else if (cc->c.expiration - now < 2 * before) {
		/* short-lived: refreshed at half their life, not every call */
		cc->backoff = 0;
		cc->refresh_at = now + (cc->c.expiration - now) / 2;
	} else {
		cc->backoff = 0;
		cc->refresh_at = cc->c.expiration - before;
	}
	*out = &cc->c;
	return QUAKE_OK;
}
