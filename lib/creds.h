/* creds — AWS credentials and where they come from, one file per source:
 * creds_env.c, creds_file.c, creds_ecs.c (container endpoint), creds_imds.c
 * (EC2 instance metadata, IMDSv2); creds.c holds the chain and its cache.
 * Secrets live only in struct quake_creds, which the caller owns and wipes
 * with quake_creds_wipe; nothing here logs or prints them. */
#ifndef QUAKE_CREDS_H
#define QUAKE_CREDS_H

#include <stddef.h>
#include <stdint.h>

#include "qerr.h"

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

/* The shared credentials file, then the config file, for profile (NULL:
 * AWS_PROFILE, else "default"). Paths NULL: AWS_SHARED_CREDENTIALS_FILE /
 * AWS_CONFIG_FILE, else ~/.aws/credentials / ~/.aws/config. */
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

/* Fill c from a credentials document as ECS and IMDS serve it:
 * {"AccessKeyId","SecretAccessKey","Token","Expiration"} (Code, when
 * present, must be "Success"). QUAKE_OK or QUAKE_ECONFIG. */
enum quake_err quake_creds_parse_json(struct quake_creds *c, const char *json,
    size_t len, const char *source, struct quake_fail *f);

/* The chain with a cache: env, files, container endpoint, instance
 * metadata; the first source that has credentials wins. Caller-owned;
 * zero it before use; quake_creds_cache_free
 * wipes it. */
struct quake_creds_cache {
	struct quake_creds c;
	int have;
	const char *profile;	/* borrowed; NULL: AWS_PROFILE or default */
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
 * quake_creds_cache_invalidate. QUAKE_OK, QUAKE_EAUTH (no source has
 * any), QUAKE_ECONFIG or QUAKE_EUNAVAIL (f says which and why). */
enum quake_err quake_creds_cache_get(struct quake_creds_cache *cc,
    int64_t now, const struct quake_creds **out, struct quake_fail *f);

/* Forget the cached credentials (after an auth error) so the next get
 * refetches. */
void quake_creds_cache_invalidate(struct quake_creds_cache *cc);
void quake_creds_cache_free(struct quake_creds_cache *cc);

/* One HTTP request for the metadata sources (1 s connect, 3 s total, no
 * proxy): method "GET"/"PUT", extra headers (NULL-terminated list of
 * "Name: value", borrowed), response body into out[cap] (NUL-terminated;
 * wiped by the caller). *status gets the HTTP status. QUAKE_OK when a
 * response came (any status), QUAKE_EUNAVAIL when none, QUAKE_ETOOLONG when
 * the body does not fit. */
enum quake_err quake_creds_http(const char *method, const char *url,
    const char *const *headers, char *out, size_t cap, long *status);

#endif
