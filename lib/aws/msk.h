/* msk — the Amazon MSK IAM authentication token: the presigned URL of
 * GET https://kafka.REGION.amazonaws.com/?Action=kafka-cluster:Connect
 * (SigV4 query signing, service kafka-cluster, 900 s), with an unsigned
 * User-Agent parameter appended, in URL-safe base64 without padding: what
 * aws-msk-iam-sasl-signer-python makes and MSK's OAUTHBEARER listener
 * takes. Pure: the clock is passed in. */
#ifndef QUAKE_MSK_H
#define QUAKE_MSK_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "aws/creds.h"

#define QUAKE_MSK_EXPIRES 900	/* seconds a token is valid */
#define QUAKE_MSK_TOKEN_MAX 24576	/* a token buffer that always fits */

/* The token for creds (session token → X-Amz-Security-Token) in region at
 * now (µs since the epoch) into out[cap], NUL-terminated; *expiry_ms: when
 * it expires, ms since the epoch (the signing second + 900 s). user_agent
 * (e.g. "quake/1.0") is the User-Agent parameter; NULL or "": none.
 * QUAKE_ECONFIG for an invalid region or empty keys, QUAKE_ETOOLONG when
 * it does not fit. */
enum quake_err quake_msk_token(const struct quake_creds *creds,
    const char *region, int64_t now_us, const char *user_agent, char *out,
    size_t cap, int64_t *expiry_ms);

/* The presigned URL alone (before base64), same arguments. */
enum quake_err quake_msk_url(const struct quake_creds *creds,
    const char *region, int64_t now_us, const char *user_agent, char *out,
    size_t cap, size_t *len, int64_t *expiry_ms);

#endif
