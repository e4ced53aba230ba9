/* creds_env — credentials from the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds.h"

enum quake_err
quake_creds_from_env(struct quake_creds *c, struct quake_fail *f)
{
	const char *id = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");

	if ((id == NULL || *id == '\0') && (secret == NULL || *secret == '\0'))
		return QUAKE_EAUTH;
	if (id == NULL || *id == '\0' || secret == NULL || *secret == '\0')
		return quake_err_fail(f, id && *id ? "AWS_SECRET_ACCESS_KEY" :
		    "AWS_ACCESS_KEY_ID", "missing while the other is set"),
		    QUAKE_ECONFIG;
	if (strlen(id) >= sizeof c->access_key ||
	    strlen(secret) >= sizeof c->secret_key ||
	    (token != NULL && strlen(token) >= sizeof c->session_token))
		return quake_err_fail(f, "", "credentials in the environment "
		    "are too long"), QUAKE_ECONFIG;
	quake_creds_wipe(c);
	strcpy(c->access_key, id);
	strcpy(c->secret_key, secret);
	if (token != NULL)
		strcpy(c->session_token, token);
	strcpy(c->source, "env");
	return QUAKE_OK;
}
