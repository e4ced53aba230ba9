/* creds_file — the shared credentials and config files (INI): sections
 * [name] in the credentials file, [profile name] or [default] in the
 * config file. A profile gives static keys (aws_access_key_id,
 * aws_secret_access_key, aws_session_token), a credential_process, or
 * role_arn + web_identity_token_file; SSO and role_arn with a
 * source_profile or credential_source are refused (not supported), and a
 * profile named explicitly that is in neither file is an error. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/creds_util.h"

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Find key in section want of path (key NULL: the section itself); copy
 * its value to out[cap]. 1 found, 0 not found, -1 file unreadable, -2
 * value too long. */
static int
ini_get(const char *path, const char *want, const char *key, char *out,
    size_t cap)
{
	char line[8192];
	FILE *fp = fopen(path, "r");
	int in = 0, rc = 0;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL) {
		char *s = trim(line), *eq;
		if (*s == '#' || *s == ';' || *s == '\0')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (end == NULL)
				continue;
			*end = '\0';
			in = strcmp(trim(s + 1), want) == 0;
			if (in && key == NULL) {
				rc = 1;
				break;
			}
			continue;
		}
		if (!in || key == NULL || (eq = strchr(s, '=')) == NULL)
			continue;
		*eq = '\0';
		if (strcasecmp(trim(s), key) != 0)
			continue;
		char *v = trim(eq + 1);
		if (strlen(v) >= cap)
			rc = -2;
		else {
			strcpy(out, v);
			rc = 1;
		}
		break;
	}
	OPENSSL_cleanse(line, sizeof line);
	fclose(fp);
	return rc;
}

static const char *
default_path(const char *given, const char *env, const char *name, char *buf,
    size_t cap)
{
	const char *home = getenv("HOME");

	if (given != NULL)
		return given;
	if (getenv(env) != NULL && *getenv(env) != '\0')
		return getenv(env);
	snprintf(buf, cap, "%s/.aws/%s", home ? home : "", name);
	return buf;
}

/* One profile: its name, the two files and its section in each. */
struct prof {
	const char *name;
	int explicit;		/* --profile or AWS_PROFILE named it */
	const char *cred, *conf;
	char cred_buf[4096], conf_buf[4096], conf_section[300];
};

static void
prof_init(struct prof *p, const char *profile, const char *cred,
    const char *conf)
{
	const char *env = getenv("AWS_PROFILE");

	if (env != NULL && *env == '\0')
		env = NULL;
	p->name = profile ? profile : env ? env : "default";
	p->explicit = profile != NULL || env != NULL;
	p->cred = default_path(cred, "AWS_SHARED_CREDENTIALS_FILE", "credentials",
	    p->cred_buf, sizeof p->cred_buf);
	p->conf = default_path(conf, "AWS_CONFIG_FILE", "config", p->conf_buf,
	    sizeof p->conf_buf);
	if (strcmp(p->name, "default") == 0)
		snprintf(p->conf_section, sizeof p->conf_section, "default");
	else
		snprintf(p->conf_section, sizeof p->conf_section, "profile %s", p->name);
}

/* key of the profile, the credentials file first: 1, 0 or -2 as ini_get. */
static int
prof_get(const struct prof *p, const char *key, char *out, size_t cap)
{
	int rc = ini_get(p->cred, p->name, key, out, cap);

	if (rc == 1 || rc == -2)
		return rc;
	rc = ini_get(p->conf, p->conf_section, key, out, cap);
	return rc < 0 && rc != -2 ? 0 : rc;
}

/* Static keys of one file and section: QUAKE_OK, QUAKE_EAUTH, QUAKE_ECONFIG. */
static enum quake_err
from_one(struct quake_creds *c, const char *path, const char *section,
    struct quake_fail *f)
{
	int a = ini_get(path, section, "aws_access_key_id", c->access_key,
	    sizeof c->access_key);
	int s = ini_get(path, section, "aws_secret_access_key", c->secret_key,
	    sizeof c->secret_key);
	int t = ini_get(path, section, "aws_session_token", c->session_token,
	    sizeof c->session_token);

	if (a == -2 || s == -2 || t == -2) {
		quake_creds_wipe(c);
		return quake_err_fail(f, "", "a credential in %s [%s] is too long",
		    path, section), QUAKE_ECONFIG;
	}
	if (a != 1 && s != 1) {
		quake_creds_wipe(c);
		return QUAKE_EAUTH;
	}
	if (a != 1 || s != 1) {
		quake_creds_wipe(c);
		return quake_err_fail(f, a != 1 ? "aws_access_key_id" :
		    "aws_secret_access_key", "missing in %s [%s]", path, section),
		    QUAKE_ECONFIG;
	}
	if (t != 1)
		c->session_token[0] = '\0';
	c->expiration = 0;
	strcpy(c->source, "file");
	return QUAKE_OK;
}

/* The kinds of profile not supported: QUAKE_ECONFIG naming it, or
 * QUAKE_EAUTH (none of them). */
static enum quake_err
refused(const struct prof *p, int role, struct quake_fail *f)
{
	static const char *const sso[] = { "sso_session", "sso_start_url",
	    "sso_account_id", NULL };
	char v[2048];

	for (int i = 0; sso[i] != NULL; i++)
		if (prof_get(p, sso[i], v, sizeof v) != 0)
			return quake_err_fail(f, sso[i], "profile %s is an SSO profile: "
			    "not supported (export its credentials, or use "
			    "credential_process)", p->name), QUAKE_ECONFIG;
	if (role)
		return quake_err_fail(f, "role_arn", "profile %s assumes a role "
		    "(role_arn with source_profile or credential_source): not "
		    "supported (use credential_process, or web_identity_token_file)",
		    p->name), QUAKE_ECONFIG;
	return QUAKE_EAUTH;
}

enum quake_err
quake_creds_from_files(struct quake_creds *c, const char *profile,
    const char *credentials_path, const char *config_path,
    struct quake_fail *f)
{
	static char v[4096], arn[2048];
	struct prof p;
	enum quake_err err;
	int role;

	quake_creds_wipe(c);
	prof_init(&p, profile, credentials_path, config_path);
	if (ini_get(p.cred, p.name, NULL, NULL, 0) != 1 &&
	    ini_get(p.conf, p.conf_section, NULL, NULL, 0) != 1) {
		if (!p.explicit)
			return QUAKE_EAUTH;
		return quake_err_fail(f, "profile", "profile %s not found in %s "
		    "or %s", p.name, p.cred, p.conf), QUAKE_ECONFIG;
	}
	role = prof_get(&p, "role_arn", arn, sizeof arn);
	if (role == 1 && prof_get(&p, "web_identity_token_file", v, sizeof v) == 1) {
		char sess[80];
		if (prof_get(&p, "role_session_name", sess, sizeof sess) != 1)
			sess[0] = '\0';
		return quake_creds_sts_web_identity(c, v, arn, sess, f);
	}
	if ((err = refused(&p, role != 0, f)) != QUAKE_EAUTH)
		return err;
	err = from_one(c, p.cred, p.name, f);
	if (err != QUAKE_EAUTH)
		return err;
	if (prof_get(&p, "credential_process", v, sizeof v) == 1)
		return quake_creds_from_process(c, v, p.name, f);
	return from_one(c, p.conf, p.conf_section, f);
}

enum quake_err
quake_creds_config_region(const char *profile, const char *config_path,
    char *out, size_t cap)
{
	struct prof p;

	prof_init(&p, profile, NULL, config_path);
	return ini_get(p.conf, p.conf_section, "region", out, cap) == 1 ?
	    QUAKE_OK : QUAKE_EAUTH;
}
