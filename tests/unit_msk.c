/* unit_msk — the MSK IAM token for fixed inputs: the presigned URLs
 * below are what aws-msk-iam-sasl-signer-python 1.0.2 makes for the same
 * credentials, region and second (botocore's clock frozen), cut before its
 * User-Agent parameter; tests/msk_botocore.py compares many more. */
#include <stdint.h>

#include "unit.h"
#include "aws/msk.h"

static const struct {
	const char *region, *akid, *secret, *token;
	int64_t t;	/* µs */
	const char *ua, *url;
	int64_t expiry_ms;
} cases[] = {
	{ "us-east-1", "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
	  "", 1440938160000000LL + 999999, "",
	  "https://kafka.us-east-1.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fkafka-cluster%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=c413a83bc64a339e31a5e5e9ed99d778ff843206b427540cafa5122c01e3e993",
	  1440939060000LL },
	{ "eu-central-1", "ASIAQUAKETEST0000001", "secret/with+plus=",
	  "FQoGZXIvYXdzE+/x==", 1765000000000000LL, "quake/1.0",
	  "https://kafka.eu-central-1.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAQUAKETEST0000001%2F20251206%2Feu-central-1%2Fkafka-cluster%2Faws4_request&X-Amz-Date=20251206T054640Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FQoGZXIvYXdzE%2B%2Fx%3D%3D&X-Amz-Signature=3fb0cf53f250bede199dcb59eb54fa7f00e96c374c9d751cc56204ffc81c7831&User-Agent=quake%2F1.0",
	  1765000900000LL },
	{ "ap-southeast-2", "AKIA1", "s", "", 0, "",
	  "https://kafka.ap-southeast-2.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA1%2F19700101%2Fap-southeast-2%2Fkafka-cluster%2Faws4_request&X-Amz-Date=19700101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=ba4427392c367d54e81c3042b84829722237c03a215e3213315f94947d1bb315",
	  900000LL },
};

static struct quake_creds
creds(const char *ak, const char *sk, const char *st)
{
	struct quake_creds c;

	memset(&c, 0, sizeof c);
	snprintf(c.access_key, sizeof c.access_key, "%s", ak);
	snprintf(c.secret_key, sizeof c.secret_key, "%s", sk);
	snprintf(c.session_token, sizeof c.session_token, "%s", st);
	return c;
}

int
main(void)
{
	static char url[QUAKE_MSK_TOKEN_MAX], tok[QUAKE_MSK_TOKEN_MAX * 2];
	struct quake_creds c;
	int64_t exp;
	size_t n;

	for (size_t i = 0; i < NELEM(cases); i++) {
		c = creds(cases[i].akid, cases[i].secret, cases[i].token);
		exp = 0;
		CHECK(quake_msk_url(&c, cases[i].region, cases[i].t,
		    cases[i].ua, url, sizeof url, &n, &exp) == QUAKE_OK &&
		    n == strlen(url), "msk url %zu signs", i);
		CHECK_STR(url, cases[i].url, "msk url %zu = reference", i);
		CHECK(exp == cases[i].expiry_ms, "msk url %zu expiry", i);
	}

	/* the token: URL-safe base64 of the URL, no '=' (lengths 0-2 mod 3) */
	c = creds("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "");
	{
		static const struct { const char *ua, *tail; } b64[] = {
			/* ...&User-Agent=X: the URL's length varies by one */
			{ "a", "ZTk5MyZVc2VyLUFnZW50PWE" },
			{ "ab", "ZTk5MyZVc2VyLUFnZW50PWFi" },
			{ "abc", "MyZVc2VyLUFnZW50PWFiYw" },
		};
		for (size_t i = 0; i < NELEM(b64); i++) {
			size_t tl, bl = strlen(b64[i].tail);
			CHECK(quake_msk_token(&c, "us-east-1", 1440938160000000LL,
			    b64[i].ua, tok, sizeof tok, &exp) == QUAKE_OK,
			    "msk token ua=%s", b64[i].ua);
			tl = strlen(tok);
			CHECK(tl >= bl && strcmp(tok + tl - bl, b64[i].tail) == 0 &&
			    strcspn(tok, "+/=") == tl,
			    "msk token ua=%s url-safe, unpadded: ...%.24s", b64[i].ua,
			    tl > 24 ? tok + tl - 24 : tok);
		}
	}
	CHECK(quake_msk_token(&c, "us-east-1", 0, "", tok, 10, &exp) ==
	    QUAKE_ETOOLONG, "msk token that does not fit");
	CHECK(quake_msk_token(&c, "Not A Region", 0, "", tok, sizeof tok,
	    &exp) == QUAKE_ECONFIG, "msk bad region refused");
	CHECK(quake_msk_token(&c, "", 0, "", tok, sizeof tok, &exp) ==
	    QUAKE_ECONFIG, "msk empty region refused");
	c = creds("", "x", "");
	CHECK(quake_msk_token(&c, "us-east-1", 0, "", tok, sizeof tok, &exp) ==
	    QUAKE_ECONFIG, "msk empty access key refused");
	{	/* the longest session token the creds hold still fits */
		memset(&c, 0, sizeof c);
		snprintf(c.access_key, sizeof c.access_key, "AKIA");
		snprintf(c.secret_key, sizeof c.secret_key, "s");
		memset(c.session_token, '/', sizeof c.session_token - 1);
		CHECK(quake_msk_token(&c, "us-east-1", 0, "quake/1.0", tok,
		    sizeof tok, &exp) == QUAKE_OK, "msk 4095-byte token of '/' fits");
	}
	return unit_failed;
}
