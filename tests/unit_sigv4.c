/* unit_sigv4 — every case of both AWS SigV4 suites in tests/data/sigv4,
 * stage by stage: canonical request, string to sign, signature and
 * Authorization header. The request text is parsed here; multi-line header
 * values are unfolded with ',' (classic suite) or ' ' (newer suite), which
 * is where the two suites disagree. */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <jansson.h>

#include "aws/sigv4.h"
#include "unit.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define T_2015 (1440938160LL * 1000000)	/* 2015-08-30T12:36:00Z */

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* slurp("%s/%s", a, b) */
static char *
slurp2(const char *a, const char *b)
{
	char path[2400];

	snprintf(path, sizeof path, "%.1100s/%.1100s", a, b);
	return slurp(path);
}

struct parsed {
	char method[16], path[512], query[512];
	struct quake_sigv4_header h[32];
	char names[32][128], values[32][1024];
	size_t nh;
	const char *body;
};

/* Parse an HTTP request text; sep joins folded header lines. */
static int
parse_req(char *txt, struct parsed *r, const char *sep)
{
	char *line = txt, *nl, *sp, *http, *q;

	memset(r, 0, sizeof *r);
	nl = strchr(line, '\n');
	if (nl == NULL)
		nl = line + strlen(line);
	*nl = '\0';
	sp = strchr(line, ' ');
	http = strstr(line, " HTTP/");
	if (sp == NULL || http == NULL)
		return -1;
	snprintf(r->method, sizeof r->method, "%.*s", (int)(sp - line), line);
	snprintf(r->path, sizeof r->path, "%.*s", (int)(http - sp - 1), sp + 1);
	if ((q = strchr(r->path, '?')) != NULL) {
		snprintf(r->query, sizeof r->query, "%s", q + 1);
		*q = '\0';
	}
	r->body = "";
	for (line = nl + 1; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		int last = *nl == '\0';
		*nl = '\0';
		if (*line == '\0') {
			r->body = last ? "" : nl + 1;
			break;
		}
		if ((*line == ' ' || *line == '\t') && r->nh > 0) {
			char *v = line + strspn(line, " \t");
			strcat(r->values[r->nh - 1], sep);
			strcat(r->values[r->nh - 1], v);
		} else {
			char *colon = strchr(line, ':');
			if (colon == NULL || r->nh == 32)
				return -1;
			snprintf(r->names[r->nh], 128, "%.*s", (int)(colon - line), line);
			snprintf(r->values[r->nh], 1024, "%s", colon + 1);
			r->nh++;
		}
		if (last)
			break;
	}
	for (size_t i = 0; i < r->nh; i++) {
		r->h[i].name = r->names[i];
		r->h[i].value = r->values[i];
	}
	return 0;
}

static void
add_header(struct parsed *r, const char *name, const char *value)
{
	if (r->nh == 32)
		abort();
	snprintf(r->names[r->nh], sizeof r->names[r->nh], "%s", name);
	snprintf(r->values[r->nh], sizeof r->values[r->nh], "%.1000s", value);
	r->h[r->nh].name = r->names[r->nh];
	r->h[r->nh].value = r->values[r->nh];
	r->nh++;
}

/* Sign parsed request r and check each stage against the expected texts
 * (any may be NULL: not checked). */
static void
check_case(const char *name, struct parsed *r, int normalize,
    const char *want_creq, const char *want_sts, const char *want_sig,
    const char *want_authz)
{
	struct quake_sigv4_request req = { r->method, r->path, r->query, r->h,
	    r->nh, r->body, strlen(r->body), normalize };
	struct quake_sigv4_scope scope;
	struct quake_sigv4_key key;
	char creq[QUAKE_SIGV4_MAX], sh[1024], sts[512], sig[65], authz[1024];
	size_t clen, slen;

	memset(&key, 0, sizeof key);
	quake_sigv4_scope_init(&scope, T_2015, "us-east-1", "service");
	CHECK(quake_sigv4_canonical_request(&req, creq, sizeof creq, &clen, sh,
	    sizeof sh) == QUAKE_OK, "%s: canonical request builds", name);
	if (want_creq)
		CHECK_STR(creq, want_creq, "%s: canonical request", name);
	quake_sigv4_string_to_sign(&scope, creq, clen, sts, sizeof sts, &slen);
	if (want_sts)
		CHECK_STR(sts, want_sts, "%s: string to sign", name);
	quake_sigv4_signing_key(&key, &scope, SECRET);
	quake_sigv4_signature(&key, sts, slen, sig);
	if (want_sig)
		CHECK_STR(sig, want_sig, "%s: signature", name);
	quake_sigv4_authorization(AKID, &scope, sh, sig, authz, sizeof authz);
	if (want_authz)
		CHECK_STR(authz, want_authz, "%s: Authorization", name);
}

static char *
trim_nl(char *s)
{
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int ncases;

/* The classic suite: DIR/NAME/NAME.{req,creq,sts,authz}, nested. */
static void
classic(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[1024];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			classic(p);
			continue;
		}
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".req") != 0)
			continue;
		char base[1024], f[1100];
		snprintf(base, sizeof base, "%s/%.*s", dir, (int)(l - 4), e->d_name);
		char *req = slurp(p);
		snprintf(f, sizeof f, "%s.creq", base);
		char *creq = slurp(f);
		snprintf(f, sizeof f, "%s.sts", base);
		char *sts = slurp(f);
		snprintf(f, sizeof f, "%s.authz", base);
		char *authz = trim_nl(slurp(f));
		struct parsed *r = malloc(sizeof *r);
		if (parse_req(req, r, ",") == 0) {
			check_case(base + strlen("tests/data/sigv4/"), r, 1, creq, sts,
			    NULL, authz);
			ncases++;
		} else
			CHECK(0, "%.200s: request parses", base);
		free(r), free(req), free(creq), free(sts), free(authz);
	}
	closedir(d);
}

/* The newer suite: DIR/CASE/{context.json,request.txt,header-*.txt}; the
 * signer adds X-Amz-Date (and X-Amz-Security-Token) as a real one does. */
static void
newer(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[1024];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s/context.json", dir, e->d_name);
		json_t *ctx = json_load_file(p, 0, NULL);
		if (ctx == NULL)
			continue;
		char cdir[1100], *req, *creq, *sts, *sig;
		snprintf(cdir, sizeof cdir, "%s/%s", dir, e->d_name);
		req = slurp2(cdir, "request.txt");
		creq = slurp2(cdir, "header-canonical-request.txt");
		sts = slurp2(cdir, "header-string-to-sign.txt");
		sig = trim_nl(slurp2(cdir, "header-signature.txt"));
		struct parsed *r = malloc(sizeof *r);
		const char *tok = json_string_value(json_object_get(
		    json_object_get(ctx, "credentials"), "token"));
		if (req != NULL && parse_req(req, r, " ") == 0 && r->nh < 30) {
			add_header(r, "X-Amz-Date", "20150830T123600Z");
			if (json_is_true(json_object_get(ctx, "sign_body"))) {
				char hash[65];
				quake_sigv4_sha256_hex(r->body, strlen(r->body), hash);
				add_header(r, "X-Amz-Content-Sha256", hash);
			}
			/* "header after": the token is added once signed */
			if (tok != NULL && !json_is_true(json_object_get(ctx, "omit_session_token")))
				add_header(r, "X-Amz-Security-Token", tok);
			char name[300];
			snprintf(name, sizeof name, "v4/%s", e->d_name);
			check_case(name, r, json_is_true(json_object_get(ctx, "normalize")),
			    creq, sts, sig, NULL);
			ncases++;
		}
		free(r), free(req), free(creq), free(sts), free(sig);
		json_decref(ctx);
	}
	closedir(d);
}

/* What does not fit a limit is an error, never a silent truncation (a
 * truncated path, query or value signs another request). */
static void
limits(void)
{
	static char path[4 * 300 + 1], query[6 * 300 + 1], value[5000];
	static struct quake_sigv4_header h[70];
	static char creq[QUAKE_SIGV4_MAX * 2];
	char sh[4096];
	size_t len, n = 0;
	struct quake_sigv4_request req = { "GET", "/", NULL, h, 1, NULL, 0, 1 };
	static const struct { int segs, params, headers; size_t vlen, cap;
	    enum quake_err want; const char *what; } cases[] = {
		{ 256, 0, 1, 10, sizeof creq, QUAKE_OK, "256 path segments" },
		{ 257, 0, 1, 10, sizeof creq, QUAKE_ETOOLONG, "257 path segments" },
		{ 1, 256, 1, 10, sizeof creq, QUAKE_OK, "256 query parameters" },
		{ 1, 257, 1, 10, sizeof creq, QUAKE_ETOOLONG, "257 query parameters" },
		{ 1, 0, 64, 10, sizeof creq, QUAKE_OK, "64 headers" },
		{ 1, 0, 65, 10, sizeof creq, QUAKE_ETOOLONG, "65 headers" },
		{ 1, 0, 1, 4000, sizeof creq, QUAKE_OK, "a 4000-byte header value, whole" },
		{ 1, 0, 1, 4000, 2048, QUAKE_ETOOLONG, "a value past the buffer" },
	};

	memset(value, 'v', sizeof value - 1);
	for (int i = 0; i < 70; i++)
		h[i] = (struct quake_sigv4_header){ i == 0 ? "Host" : "X-H", value };
	for (size_t i = 0; i < NELEM(cases); i++) {
		n = 0;
		for (int k = 0; k < cases[i].segs; k++)
			n += (size_t)snprintf(path + n, sizeof path - n, "/s%d", k % 10);
		n = 0;
		for (int k = 0; k < cases[i].params; k++)
			n += (size_t)snprintf(query + n, sizeof query - n, "%sq%d=1",
			    k ? "&" : "", k % 100);
		value[cases[i].vlen] = '\0';
		req.path = path;
		req.query = cases[i].params ? query : NULL;
		req.nheaders = (size_t)cases[i].headers;
		CHECK(quake_sigv4_canonical_request(&req, creq, cases[i].cap, &len,
		    sh, sizeof sh) == cases[i].want, "limits: %s", cases[i].what);
		value[cases[i].vlen] = 'v';
	}
	/* the value is signed whole: its folded text is in the request */
	value[4000] = '\0';
	req.query = NULL;
	req.nheaders = 1;
	CHECK(quake_sigv4_canonical_request(&req, creq, sizeof creq, &len, sh,
	    sizeof sh) == QUAKE_OK && strstr(creq, value) != NULL,
	    "limits: a long value is not cut");
	value[4000] = 'v';

	struct quake_sigv4_scope sc;
	struct quake_sigv4_key key;
	memset(&key, 0, sizeof key);
	quake_sigv4_scope_init(&sc, T_2015, "us-east-1", "dynamodb");
	value[QUAKE_SIGV4_SECRET_MAX] = '\0';
	CHECK(quake_sigv4_signing_key(&key, &sc, value) == 1,
	    "limits: a secret of QUAKE_SIGV4_SECRET_MAX bytes");
	value[QUAKE_SIGV4_SECRET_MAX] = 'v';
	value[QUAKE_SIGV4_SECRET_MAX + 1] = '\0';
	memset(&key, 0, sizeof key);
	CHECK(quake_sigv4_signing_key(&key, &sc, value) == -1 &&
	    key.date[0] == '\0', "limits: a longer secret: -1, no key");
}

int
main(void)
{
	limits();
	classic("tests/data/sigv4/aws-sig-v4-test-suite");
	int nclassic = ncases;
	newer("tests/data/sigv4/aws-signing-test-suite/v4");
	CHECK(nclassic >= 25, "classic suite: %d cases found", nclassic);
	CHECK(ncases - nclassic >= 35, "newer suite: %d cases found", ncases - nclassic);

	/* the signing key is derived once per day, region, service, secret */
	struct quake_sigv4_scope s1, s2;
	struct quake_sigv4_key key;
	memset(&key, 0, sizeof key);
	quake_sigv4_scope_init(&s1, T_2015, "us-east-1", "dynamodb");
	quake_sigv4_scope_init(&s2, T_2015 + 3600LL * 1000000, "us-east-1", "dynamodb");
	CHECK(quake_sigv4_signing_key(&key, &s1, SECRET) == 1, "key derived first time");
	CHECK(quake_sigv4_signing_key(&key, &s2, SECRET) == 0, "key cached within the day");
	CHECK(quake_sigv4_signing_key(&key, &s2, "other") == 1, "new secret: key derived again");
	quake_sigv4_scope_init(&s2, T_2015 + 86400LL * 1000000, "us-east-1", "dynamodb");
	CHECK(quake_sigv4_signing_key(&key, &s2, "other") == 1, "next day: key derived again");
	CHECK_STR(s1.amzdate, "20150830T123600Z", "scope amzdate");
	CHECK_STR(s1.date, "20150830", "scope date");
	return unit_failed;
}
