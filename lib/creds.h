/* creds — AWS credentials and where they come from, one file per source
 * (creds_env.c, creds_file.c; the ECS and EC2 metadata sources follow).
 * Secrets live only in struct quake_creds, which the caller owns and wipes
 * with quake_creds_wipe; nothing here logs or prints them. */
#ifndef QUAKE_CREDS_H
#define QUAKE_CREDS_H

#include <stdint.h>

#include "err.h"

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

#endif
