/* creds_util — what the credentials sources share, below all of them: the
 * one HTTP helper, the credentials document parser, string copies. Private
 * to libquake (not installed); callers use creds.h. */
#ifndef QUAKE_CREDS_UTIL_H
#define QUAKE_CREDS_UTIL_H

#include <stddef.h>

#include "aws/creds.h"

/* One HTTP request for the sources (1 s connect, 3 s total, no proxy, no
 * redirects, http and https only): method "GET"/"PUT"/"POST", extra
 * headers (NULL-terminated list of "Name: value", borrowed), body (NULL:
 * none; borrowed), response body into out[cap] (NUL-terminated; wiped by
 * the caller). *status gets the HTTP status. QUAKE_OK when a response came
 * (any status), QUAKE_EUNAVAIL when none, QUAKE_ETOOLONG when the body does
 * not fit. */
enum quake_err quake_creds_http(const char *method, const char *url,
    const char *const *headers, const char *body, char *out, size_t cap,
    long *status);

/* Fill c from a credentials document: {"AccessKeyId","SecretAccessKey",
 * token_key,"Expiration"} (token_key "Token" as ECS and IMDS serve it,
 * "SessionToken" from a credential_process; Code, when present, must be
 * "Success"). source (static) names it in c->source and in f. QUAKE_OK or
 * QUAKE_ECONFIG. */
enum quake_err quake_creds_parse_json(struct quake_creds *c, const char *json,
    size_t len, const char *token_key, const char *source,
    struct quake_fail *f);

/* Copy src (NULL: "") into dst[cap]; -1 (dst untouched) if it does not fit. */
int quake_creds_copy(char *dst, size_t cap, const char *src);

/* The credential_process command of a profile (creds_process.c): run
 * without a shell, its JSON output (Version 1) parsed. */
enum quake_err quake_creds_from_process(struct quake_creds *c,
    const char *command, const char *profile, struct quake_fail *f);

/* STS AssumeRoleWithWebIdentity (creds_sts.c) with the token in
 * token_file for role_arn; session NULL: "quake-<pid>". */
enum quake_err quake_creds_sts_web_identity(struct quake_creds *c,
    const char *token_file, const char *role_arn, const char *session,
    struct quake_fail *f);

#endif
