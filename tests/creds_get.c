/* creds_get — drives the credentials chain and its cache for the tests
 * (tests/suite-cli.sh, against tests/aws-standin.py meta). Arguments are
 * steps: a number is a clock offset in seconds from now at which to get
 * credentials, "i" invalidates the cache. Each get prints
 * "source access_key_id fetches" (never the secret), or "error EXIT reason".
 * Options first: --imds-v1, --ecs-base URL (instead of 169.254.170.2),
 * --profile NAME (as quake-ddb-put --profile). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds.h"
#include "core/time.h"

int
main(int argc, char **argv)
{
	struct quake_creds_cache cc;
	const struct quake_creds *c;
	struct quake_fail f;
	int64_t t0 = quake_time_now();
	int i = 1;

	memset(&cc, 0, sizeof cc);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--imds-v1") == 0)
			cc.imds_allow_v1 = 1;
		else if (strcmp(argv[i], "--ecs-base") == 0 && i + 1 < argc)
			cc.ecs_base = argv[++i];
		else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
			cc.profile = argv[++i];
	}
	for (; i < argc; i++) {
		if (strcmp(argv[i], "i") == 0) {
			quake_creds_cache_invalidate(&cc);
			continue;
		}
		enum quake_err err = quake_creds_cache_get(&cc,
		    t0 + atoll(argv[i]) * 1000000LL, &c, &f);
		if (err != QUAKE_OK)
			printf("error %d %s\n", quake_err_exit_status(err), f.reason);
		else
			printf("%s %s %lu%s\n", c->source, c->access_key, cc.fetches,
			    cc.expired ? " expired" : "");
	}
	quake_creds_cache_free(&cc);
	return 0;
}
