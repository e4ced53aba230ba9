/* unit_creds — credentials from the environment and the shared files. */
#include <stdlib.h>
#include <unistd.h>

#include "creds.h"
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
		{ "nosuch", QUAKE_EAUTH, "", "", "" },
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
	    QUAKE_EAUTH, "missing files: no credentials, not an error");
	quake_creds_wipe(&c);
	unlink(cred);
	unlink(conf);
	rmdir(dir);
}

int
main(void)
{
	env();
	files();
	return unit_failed;
}
