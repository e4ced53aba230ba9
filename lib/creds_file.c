/* creds_file — the shared credentials and config files (INI): sections
 * [name] in the credentials file, [profile name] or [default] in the
 * config file; keys aws_access_key_id, aws_secret_access_key,
 * aws_session_token, region. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "creds.h"

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

/* Find key in section want of path; copy its value to out[cap]. 1 found,
 * 0 not found, -1 file unreadable, -2 value too long. */
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
			continue;
		}
		if (!in || (eq = strchr(s, '=')) == NULL)
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
	if (getenv(env) != NULL)
		return getenv(env);
	snprintf(buf, cap, "%s/.aws/%s", home ? home : "", name);
	return buf;
}

static const char *
profile_name(const char *profile)
{
	if (profile != NULL)
		return profile;
	return getenv("AWS_PROFILE") ? getenv("AWS_PROFILE") : "default";
}

/* Try one file and section: QUAKE_OK, QUAKE_EAUTH, QUAKE_ECONFIG. */
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

enum quake_err
quake_creds_from_files(struct quake_creds *c, const char *profile,
    const char *credentials_path, const char *config_path,
    struct quake_fail *f)
{
	char b1[4096], b2[4096], section[300];
	const char *p = profile_name(profile);
	enum quake_err err;

	quake_creds_wipe(c);
	err = from_one(c, default_path(credentials_path,
	    "AWS_SHARED_CREDENTIALS_FILE", "credentials", b1, sizeof b1), p, f);
	if (err != QUAKE_EAUTH)
		return err;
	if (strcmp(p, "default") == 0)
		snprintf(section, sizeof section, "default");
	else
		snprintf(section, sizeof section, "profile %s", p);
	return from_one(c, default_path(config_path, "AWS_CONFIG_FILE",
	    "config", b2, sizeof b2), section, f);
}

enum quake_err
quake_creds_config_region(const char *profile, const char *config_path,
    char *out, size_t cap)
{
	char b[4096], section[300];
	const char *p = profile_name(profile);

	if (strcmp(p, "default") == 0)
		snprintf(section, sizeof section, "default");
	else
		snprintf(section, sizeof section, "profile %s", p);
	return ini_get(default_path(config_path, "AWS_CONFIG_FILE", "config", b,
	    sizeof b), section, "region", out, cap) == 1 ? QUAKE_OK : QUAKE_EAUTH;
}
