/* sigv4_sign — reads one JSON request per line, prints its Authorization
 * header; tests/sigv4_botocore.py compares that with botocore's. Input:
 * {"method","path","query","headers":[[name,value],...],"body","region",
 *  "service","time":µs,"akid","secret"} */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/sigv4.h"

int
main(void)
{
	char line[1 << 16];

	while (fgets(line, sizeof line, stdin) != NULL) {
		json_error_t je;
		json_t *j = json_loads(line, 0, &je), *hs, *h;
		struct quake_sigv4_header hdr[64];
		struct quake_sigv4_scope scope;
		struct quake_sigv4_key key;
		char creq[QUAKE_SIGV4_MAX], sh[2048], sts[1024], sig[65], authz[4096];
		size_t clen, slen, i, n = 0;

		if (j == NULL)
			return 2;
		hs = json_object_get(j, "headers");
		json_array_foreach(hs, i, h) {
			if (n == 64)
				return 2;
			hdr[n].name = json_string_value(json_array_get(h, 0));
			hdr[n].value = json_string_value(json_array_get(h, 1));
			n++;
		}
		const char *body = json_string_value(json_object_get(j, "body"));
		struct quake_sigv4_request req = {
			json_string_value(json_object_get(j, "method")),
			json_string_value(json_object_get(j, "path")),
			json_string_value(json_object_get(j, "query")),
			hdr, n, body, strlen(body), 1 };
		memset(&key, 0, sizeof key);
		quake_sigv4_scope_init(&scope, json_integer_value(json_object_get(j, "time")),
		    json_string_value(json_object_get(j, "region")),
		    json_string_value(json_object_get(j, "service")));
		if (quake_sigv4_canonical_request(&req, creq, sizeof creq, &clen, sh,
		    sizeof sh) != QUAKE_OK ||
		    quake_sigv4_string_to_sign(&scope, creq, clen, sts, sizeof sts,
		    &slen) != QUAKE_OK)
			return 3;
		quake_sigv4_signing_key(&key, &scope,
		    json_string_value(json_object_get(j, "secret")));
		quake_sigv4_signature(&key, sts, slen, sig);
		quake_sigv4_authorization(json_string_value(json_object_get(j, "akid")),
		    &scope, sh, sig, authz, sizeof authz);
		puts(authz);
		fflush(stdout);
		json_decref(j);
	}
	return 0;
}
