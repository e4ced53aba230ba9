/* creds — AWS credentials and where they come from, read top-down:
 * creds.c holds the chain and its cache; one file per source below it:
 * creds_env.c, creds_sts.c (web identity), creds_file.c (profiles; runs
 * creds_process.c for credential_process), creds_ecs.c (container
 * endpoint), creds_imds.c (EC2 instance metadata, IMDSv2); creds_util.c
 * (HTTP, the credentials document) below them all. Not supported, and
 * refused with QUAKE_ECONFIG rather than skipped: SSO profiles, and role_arn
 * with source_profile or credential_source. Secrets live only in struct
 * quake_creds, which the caller owns and wipes with quake_creds_wipe;
 * nothing here logs or prints them. */
#ifndef QUAKE_CREDS_H
#define QUAKE_CREDS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct quake_creds {
	char access_key[128];
	char secret_key[128];
	char session_token[4096];	/* "" when none */
	int64_t expiration;		/* µs since the epoch; 0 = does not expire */
	char source[16];		/* "env", "file", … for diagnostics */
};

/* Zero c with a write the compiler may not drop. */
void quake_creds_wipe(struct quake_creds *c);

/* Each source returns QUAKE_OK (c filled), QUAKE_EAUTH (this source has no
 * credentials: try the next), or QUAKE_ECONFIG (it has broken ones; f says
 * what, without the secret). */

/* AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN. */
enum quake_err quake_creds_from_env(struct quake_creds *c,
    struct quake_fail *f);

/* AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME):
 * STS AssumeRoleWithWebIdentity at AWS_ENDPOINT_URL_STS or
 * https://sts.REGION.amazonaws.com/. QUAKE_EAUTH when neither is set. */
enum quake_err quake_creds_from_web_identity(struct quake_creds *c,
    struct quake_fail *f);

/* The profile (NULL: AWS_PROFILE, else "default") in the shared
 * credentials file, then the config file: role_arn +
 * web_identity_token_file, static keys, credential_process. Paths NULL:
 * AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, else ~/.aws/credentials /
 * ~/.aws/config. QUAKE_ECONFIG when a profile named by profile or
 * AWS_PROFILE is in neither file, or is of a kind not supported (SSO,
 * role_arn with source_profile/credential_source); QUAKE_EAUTH when the
 * default profile is absent or a profile has no credentials. */
enum quake_err quake_creds_from_files(struct quake_creds *c,
    const char *profile, const char *credentials_path,
    const char *config_path, struct quake_fail *f);

/* The region of profile in the config file into out[cap] (NULL path and
 * profile as above). QUAKE_OK, or QUAKE_EAUTH when none is set. */
enum quake_err quake_creds_config_region(const char *profile,
    const char *config_path, char *out, size_t cap);

/* The container credentials endpoint (ECS, EKS pod identity):
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on base (NULL: http://169.254.170.2)
 * or AWS_CONTAINER_CREDENTIALS_FULL_URI, with the Authorization header from
 * AWS_CONTAINER_AUTHORIZATION_TOKEN or _TOKEN_FILE. QUAKE_EAUTH when neither
 * URI is set, QUAKE_EUNAVAIL when the endpoint does not answer. */
enum quake_err quake_creds_from_ecs(struct quake_creds *c, const char *base,
    struct quake_fail *f);

/* EC2 instance metadata: IMDSv2 token (PUT), role name, role credentials.
 * endpoint NULL: AWS_EC2_METADATA_SERVICE_ENDPOINT, else
 * http://169.254.169.254. allow_v1: fall back to token-less requests when
 * the token request is refused (off unless asked). QUAKE_EAUTH when
 * AWS_EC2_METADATA_DISABLED=true or no role is attached, QUAKE_EUNAVAIL
 * when nothing answers. */
enum quake_err quake_creds_from_imds(struct quake_creds *c,
    const char *endpoint, int allow_v1, struct quake_fail *f);

/* The instance's region from the metadata service into out[cap]. */
enum quake_err quake_creds_imds_region(const char *endpoint, int allow_v1,
    char *out, size_t cap);

/* 1 if region (borrowed) is a name that may go into a host name: 1-64 of
 * a-z 0-9 '-', not starting or ending with '-'. */
int quake_creds_region_valid(const char *region);

/* The chain with a cache: env, web identity, the profile's files,
 * container endpoint, instance metadata; the first source that has
 * credentials wins. A profile given here (--profile) comes first and the
 * environment's keys are not used (flags win, as in botocore).
 * Caller-owned; zero it before use; quake_creds_cache_free wipes it. */
struct quake_creds_cache {
	struct quake_creds c;
	int have;
	const char *profile;	/* borrowed; NULL: AWS_PROFILE or default */
	int expired;		/* the credentials in hand came already
				 * expired (used, refetched with backoff) */
	int64_t backoff;	/* µs until the next refetch of expired ones */
	const char *ecs_base;	/* borrowed; NULL: the default */
	const char *imds_endpoint;	/* borrowed; NULL: the default */
	int imds_allow_v1;
	int64_t refresh_before;	/* µs before expiry to refetch (0: 5 min) */
	unsigned long fetches;	/* how many times a source was asked */
	int64_t refresh_at;	/* µs: refetch from then on */
};

/* Credentials valid at now (µs since the epoch) into *out (borrowed from
 * cc, valid until the next call): cached, refetched through the chain when
 * none are cached, they expire within refresh_before (or have passed
 * half their life, when that is shorter), or after
 * quake_creds_cache_invalidate. Credentials that arrive already expired
 * are handed out (cc->expired set: the caller may warn) and refetched
 * after 1 s, 2 s, 4 s … at most 5 min, not on every call. QUAKE_OK,
 * QUAKE_EAUTH (no source has any), QUAKE_ECONFIG or QUAKE_EUNAVAIL (f
 * says which and why). */
enum quake_err quake_creds_cache_get(struct quake_creds_cache *cc,
    int64_t now, const struct quake_creds **out, struct quake_fail *f);

/* Forget the cached credentials (after an auth error) so the next get
 * refetches. */
void quake_creds_cache_invalidate(struct quake_creds_cache *cc);
void quake_creds_cache_free(struct quake_creds_cache *cc);

#endif
