/* unit_creds — credentials from the environment and the shared files. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/creds.h"
#include "unit.h"

static void
env(void)
{
	static const struct {
		const char *id, *secret, *token; enum quake_err want;
		const char *want_token;
	} cases[] = {
		{ NULL, NULL, NULL, QUAKE_EAUTH, "" },
		{ "AKID", "SECRET", NULL, QUAKE_OK, "" },
		{ "AKID", "SECRET", "TOKEN", QUAKE_OK, "TOKEN" },
		{ "AKID", NULL, NULL, QUAKE_ECONFIG, "" },
		{ NULL, "SECRET", NULL, QUAKE_ECONFIG, "" },
		{ "", "", NULL, QUAKE_EAUTH, "" },
	};
	struct quake_creds c;
	struct quake_fail f;

	for (size_t i = 0; i < NELEM(cases); i++) {
		cases[i].id ? setenv("AWS_ACCESS_KEY_ID", cases[i].id, 1) : unsetenv("AWS_ACCESS_KEY_ID");
		cases[i].secret ? setenv("AWS_SECRET_ACCESS_KEY", cases[i].secret, 1) : unsetenv("AWS_SECRET_ACCESS_KEY");
		cases[i].token ? setenv("AWS_SESSION_TOKEN", cases[i].token, 1) : unsetenv("AWS_SESSION_TOKEN");
		memset(&f, 0, sizeof f);
		enum quake_err err = quake_creds_from_env(&c, &f);
		CHECK(err == cases[i].want, "env case %zu: %s", i, quake_err_str(cases[i].want));
		if (err == QUAKE_OK) {
			CHECK(strcmp(c.access_key, cases[i].id) == 0 &&
			    strcmp(c.secret_key, cases[i].secret) == 0 &&
			    strcmp(c.session_token, cases[i].want_token) == 0 &&
			    strcmp(c.source, "env") == 0, "env case %zu: values", i);
		}
		CHECK(strstr(f.reason, "SECRET") == NULL, "env case %zu: no secret in the reason", i);
	}
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");
	quake_creds_wipe(&c);
	static const struct quake_creds zero;
	CHECK(memcmp(&c, &zero, sizeof c) == 0, "wipe zeroes everything");
}

static void
files(void)
{
	char dir[] = "/tmp/quake-creds-XXXXXX", cred[64], conf[64];
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(cred, sizeof cred, "%s/credentials", dir);
	snprintf(conf, sizeof conf, "%s/config", dir);
	fp = fopen(cred, "w");
	fputs("# comment\n[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key=SKDEFAULT\n"
	    "\n[dev]\n  aws_access_key_id=AKDEV  \n; other comment\naws_secret_access_key = SKDEV\n"
	    "aws_session_token = TKDEV\n[half]\naws_access_key_id=AKHALF\n", fp);
	fclose(fp);
	fp = fopen(conf, "w");
	fputs("[default]\nregion = eu-central-1\n[profile cfg]\nregion=us-west-2\n"
	    "aws_access_key_id=AKCFG\naws_secret_access_key=SKCFG\n[cfg]\naws_access_key_id=WRONG\n", fp);
	fclose(fp);

	static const struct {
		const char *profile; enum quake_err want; const char *ak, *sk, *tk;
	} cases[] = {
		{ "default", QUAKE_OK, "AKDEFAULT", "SKDEFAULT", "" },
		{ "dev", QUAKE_OK, "AKDEV", "SKDEV", "TKDEV" },
		{ "cfg", QUAKE_OK, "AKCFG", "SKCFG", "" },	/* [profile cfg], not [cfg] */
		{ "half", QUAKE_ECONFIG, "", "", "" },
		{ "nosuch", QUAKE_ECONFIG, "", "", "" },	/* named: must exist */
	};
	struct quake_creds c;
	struct quake_fail f;

	for (size_t i = 0; i < NELEM(cases); i++) {
		memset(&f, 0, sizeof f);
		enum quake_err err = quake_creds_from_files(&c, cases[i].profile, cred, conf, &f);
		CHECK(err == cases[i].want, "profile %s: %s (got %s)", cases[i].profile,
		    quake_err_str(cases[i].want), quake_err_str(err));
		CHECK_STR(c.access_key, cases[i].ak, "profile %s: access key", cases[i].profile);
		CHECK_STR(c.secret_key, cases[i].sk, "profile %s: secret key", cases[i].profile);
		CHECK_STR(c.session_token, cases[i].tk, "profile %s: token", cases[i].profile);
	}
	setenv("AWS_PROFILE", "dev", 1);
	CHECK(quake_creds_from_files(&c, NULL, cred, conf, &f) == QUAKE_OK &&
	    strcmp(c.access_key, "AKDEV") == 0, "AWS_PROFILE picks the profile");
	unsetenv("AWS_PROFILE");
	setenv("AWS_SHARED_CREDENTIALS_FILE", cred, 1);
	setenv("AWS_CONFIG_FILE", conf, 1);
	CHECK(quake_creds_from_files(&c, "dev", NULL, NULL, &f) == QUAKE_OK,
	    "AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE name the files");
	char region[32];
	CHECK(quake_creds_config_region(NULL, NULL, region, sizeof region) == QUAKE_OK &&
	    strcmp(region, "eu-central-1") == 0, "default region from config");
	CHECK(quake_creds_config_region("cfg", NULL, region, sizeof region) == QUAKE_OK &&
	    strcmp(region, "us-west-2") == 0, "profile region from config");
	CHECK(quake_creds_config_region("dev", NULL, region, sizeof region) == QUAKE_EAUTH,
	    "no region: QUAKE_EAUTH");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	unsetenv("AWS_CONFIG_FILE");
	CHECK(quake_creds_from_files(&c, "dev", "/nonexistent/c", "/nonexistent/f", &f) ==
	    QUAKE_ECONFIG && strstr(f.reason, "profile dev not found in /nonexistent/c or "
	    "/nonexistent/f") != NULL, "missing files, profile named: an error naming both");
	CHECK(quake_creds_from_files(&c, NULL, "/nonexistent/c", "/nonexistent/f", &f) ==
	    QUAKE_EAUTH, "missing files, default profile: no credentials, not an error");
	setenv("AWS_PROFILE", "gone", 1);
	CHECK(quake_creds_from_files(&c, NULL, cred, conf, &f) == QUAKE_ECONFIG &&
	    strstr(f.reason, "profile gone not found") != NULL,
	    "AWS_PROFILE naming a missing profile: an error");
	unsetenv("AWS_PROFILE");
	quake_creds_wipe(&c);
	unlink(cred);
	unlink(conf);
	rmdir(dir);
}

/* profiles of kinds not supported, and credential_process */
static void
kinds(void)
{
	char dir[] = "/tmp/quake-creds-XXXXXX", cred[64], conf[64], script[64];
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(cred, sizeof cred, "%s/credentials", dir);
	snprintf(conf, sizeof conf, "%s/config", dir);
	snprintf(script, sizeof script, "%s/cp", dir);
	fp = fopen(script, "w");
	/* prints its two arguments into the document: the split is checked */
	fputs("#!/bin/sh\n[ \"$3\" = fail ] && exit 3\n"
	    "printf '{\"Version\":%s,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"S\",'"
	    " \"$1\" \"$2\"\nprintf '\"SessionToken\":\"T\",\"Expiration\":\"2030-01-01T00:00:00Z\"}'\n", fp);
	fclose(fp);
	chmod(script, 0755);
	fp = fopen(cred, "w");
	fputs("[keys]\naws_access_key_id=AK\naws_secret_access_key=SK\n", fp);
	fclose(fp);
	fp = fopen(conf, "w");
	fprintf(fp, "[profile sso]\nsso_session = corp\nsso_account_id = 1\n"
	    "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = keys\n"
	    "[profile proc]\ncredential_process = %s 1 'AK  P'\"Q\"\\R\n"
	    "[profile v2]\ncredential_process = \"%s\" 2 AK\n"
	    "[profile failing]\ncredential_process = %s 1 AK fail\n"
	    "[profile open]\ncredential_process = %s 'oops\n"
	    "[profile nocmd]\ncredential_process = /nonexistent/cmd\n"
	    "[profile region-only]\nregion = eu-west-1\n", script, script, script, script);
	fclose(fp);
	static const struct {
		const char *profile; enum quake_err want; const char *ak, *why;
	} cases[] = {
		{ "sso", QUAKE_ECONFIG, "", "profile sso is an SSO profile: not supported" },
		{ "role", QUAKE_ECONFIG, "", "profile role assumes a role" },
		{ "proc", QUAKE_OK, "AK  PQR", "" },
		{ "v2", QUAKE_ECONFIG, "", "not a Version 1 credentials document" },
		{ "failing", QUAKE_ECONFIG, "", "exited with status 3" },
		{ "open", QUAKE_ECONFIG, "", "cannot split the command" },
		{ "nocmd", QUAKE_ECONFIG, "", "cannot run /nonexistent/cmd" },
		{ "region-only", QUAKE_EAUTH, "", "" },
	};
	struct quake_creds c;
	struct quake_fail f;

	for (size_t i = 0; i < NELEM(cases); i++) {
		memset(&f, 0, sizeof f);
		enum quake_err err = quake_creds_from_files(&c, cases[i].profile, cred, conf, &f);
		CHECK(err == cases[i].want && strstr(f.reason, cases[i].why) != NULL,
		    "profile %s: %s, says why (got %s: %s)", cases[i].profile,
		    quake_err_str(cases[i].want), quake_err_str(err), f.reason);
		CHECK_STR(c.access_key, cases[i].ak, "profile %s: access key", cases[i].profile);
	}
	quake_creds_from_files(&c, "proc", cred, conf, &f);
	CHECK(strcmp(c.session_token, "T") == 0 && c.expiration == 1893456000000000LL &&
	    strcmp(c.source, "process") == 0, "credential_process: token, expiration, source");
	quake_creds_wipe(&c);
	unlink(script);
	unlink(cred);
	unlink(conf);
	rmdir(dir);
}

static void
regions(void)
{
	static const struct { const char *r; int ok; } cases[] = {
		{ "eu-central-1", 1 }, { "us-gov-west-1", 1 }, { "cn-north-1", 1 },
		{ "", 0 }, { "x@127.0.0.1:8000/#", 0 }, { "EU-CENTRAL-1", 0 },
		{ "a.b", 0 }, { "-eu", 0 }, { "eu-", 0 }, { "eu central", 0 },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
	};

	for (size_t i = 0; i < NELEM(cases); i++)
		CHECK(quake_creds_region_valid(cases[i].r) == cases[i].ok,
		    "region \"%s\": %s", cases[i].r, cases[i].ok ? "valid" : "refused");
}

int
main(void)
{
	env();
	files();
	kinds();
	regions();
	return unit_failed;
}
