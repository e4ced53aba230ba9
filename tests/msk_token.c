/* msk_token — the MSK IAM token of libquake for tests/msk_botocore.py:
 * reads lines "AKID SECRET TOKEN REGION TIME_US USER_AGENT" (TOKEN "-":
 * none) and prints "URL EXPIRY_MS TOKEN" per line, or "ERROR err". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/msk.h"

int
main(void)
{
	static char line[16384], url[QUAKE_MSK_TOKEN_MAX], tok[QUAKE_MSK_TOKEN_MAX * 4 / 3 + 4];
	static struct quake_creds c;

	while (fgets(line, sizeof line, stdin) != NULL) {
		char *ak = strtok(line, " \n"), *sk = strtok(NULL, " \n");
		char *st = strtok(NULL, " \n"), *rg = strtok(NULL, " \n");
		char *t = strtok(NULL, " \n"), *ua = strtok(NULL, " \n");
		int64_t exp1 = 0, exp2 = 0;
		size_t n;
		enum quake_err e;

		if (ua == NULL) {
			puts("ERROR usage");
			continue;
		}
		memset(&c, 0, sizeof c);
		snprintf(c.access_key, sizeof c.access_key, "%s", ak);
		snprintf(c.secret_key, sizeof c.secret_key, "%s", sk);
		if (strcmp(st, "-") != 0)
			snprintf(c.session_token, sizeof c.session_token, "%s", st);
		e = quake_msk_url(&c, rg, strtoll(t, NULL, 10), ua, url,
		    sizeof url, &n, &exp1);
		if (e == QUAKE_OK)
			e = quake_msk_token(&c, rg, strtoll(t, NULL, 10), ua, tok,
			    sizeof tok, &exp2);
		if (e != QUAKE_OK)
			printf("ERROR %s\n", quake_err_str(e));
		else
			printf("%s %lld %s\n", url, (long long)exp2, tok);
		fflush(stdout);
	}
	return 0;
}
