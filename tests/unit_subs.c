/* unit_subs — the API's subscriber store: tokens found by their hash only,
 * a request body turned into a stored rule (file names refused, webhooks
 * signed with the subscriber's secret, names and counts limited), the
 * store's round trip, and the merge that lib/alert/rules parses. */
#include <stdlib.h>

#include "alert/rules.h"
#include "alert/subs.h"
#include "unit.h"

#define RULE(n) "{\"name\":\"" n "\",\"minmagnitude\":5,\"webhook\":\"http://127.0.0.1:9/h\"}"

static int
add(struct quake_subs *s, size_t i, const char *body, size_t max, struct quake_fail *f)
{
	return quake_subs_rule_add(s, i, body, strlen(body), "/srv/alice.whsec", max, f);
}

int
main(void)
{
	struct quake_subs *s, *back;
	struct quake_fail f;
	struct quake_rules rs;
	struct quake_rules_fail rf;
	unsigned char ha[QUAKE_SUBS_HASH_LEN], hb[QUAKE_SUBS_HASH_LEN];
	char *text, *merged;
	size_t len, mlen;

	CHECK(quake_subs_new(&s) == QUAKE_OK && quake_subs_count(s) == 0, "an empty store");
	quake_subs_hash("token-a", 7, ha);
	quake_subs_hash("token-b", 7, hb);
	CHECK(!quake_subs_hash_equal(ha, hb), "two tokens, two hashes");
	/* SHA-256("abc"), FIPS 180-2 */
	{
		unsigned char h[QUAKE_SUBS_HASH_LEN];
		static const unsigned char want[4] = { 0xba, 0x78, 0x16, 0xbf };
		quake_subs_hash("abc", 3, h);
		CHECK(memcmp(h, want, 4) == 0, "the hash is SHA-256");
	}
	CHECK(quake_subs_add(s, "alice", ha, &f) == QUAKE_OK, "alice added");
	CHECK(quake_subs_add(s, "bob", hb, &f) == QUAKE_OK, "bob added");
	CHECK(quake_subs_add(s, "alice", hb, &f) == QUAKE_EINPUT && strstr(f.reason, "exists"),
	    "an id twice: refused");
	CHECK(quake_subs_add(s, "Alice!", hb, &f) == QUAKE_EINPUT, "a bad id: refused");
	CHECK(quake_subs_auth(s, "token-a", 7) == 0 && quake_subs_auth(s, "token-b", 7) == 1,
	    "each token finds its subscriber");
	CHECK(quake_subs_auth(s, "token-c", 7) == -1 && quake_subs_auth(s, "", 0) == -1,
	    "an unknown or empty token finds nobody");

	CHECK(add(s, 0, RULE("lisbon"), 2, &f) == 0, "a rule added");
	CHECK(add(s, 0, RULE("lisbon"), 2, &f) == QUAKE_SUBS_EXISTS, "the same name again: exists");
	CHECK(add(s, 1, RULE("lisbon"), 2, &f) == 0, "another subscriber may use the name");
	CHECK(add(s, 0, RULE("porto"), 2, &f) == 0, "a second rule");
	CHECK(add(s, 0, RULE("faro"), 2, &f) == QUAKE_SUBS_FULL && quake_subs_nrules(s, 0) == 2,
	    "over the count per subscriber: full");
	CHECK(add(s, 1, "{\"name\":\"x\",\"webhook\":{\"url\":\"http://h/\",\"secret_file\":\"/etc/shadow\"}}",
	    9, &f) == QUAKE_SUBS_BAD && strcmp(f.field, "secret_file") == 0,
	    "a secret file named: refused");
	CHECK(add(s, 1, "{\"name\":\"x\",\"ntfy\":{\"url\":\"http://h/\",\"token_file\":\"t\"}}",
	    9, &f) == QUAKE_SUBS_BAD, "a token file named: refused");
	CHECK(add(s, 1, "{\"name\":\"x\",\"polygon\":\"japan.geojson\",\"ntfy\":\"http://h/\"}",
	    9, &f) == QUAKE_SUBS_BAD && strcmp(f.field, "polygon") == 0,
	    "a polygon by file name: refused");
	CHECK(add(s, 1, "{\"name\":\"a.b\"}", 9, &f) == QUAKE_SUBS_BAD && strcmp(f.field, "name") == 0,
	    "a name with a dot: refused");
	CHECK(add(s, 1, "[1]", 9, &f) == QUAKE_SUBS_BAD, "not an object: refused");
	CHECK(add(s, 1, "{\"name\":\"x\",\"name\":\"y\"}", 9, &f) == QUAKE_SUBS_BAD,
	    "a duplicate key: refused");
	CHECK(add(s, 1, "{\"name\":", 9, &f) == QUAKE_SUBS_BAD, "not JSON: refused");

	text = quake_subs_rules_json(s, 0, &len);
	CHECK(text != NULL && strstr(text, "\"secret_file\": \"/srv/alice.whsec\"") != NULL &&
	    strstr(text, "porto") != NULL && strstr(text, "\"subscriber\": \"bob\"") == NULL,
	    "alice's list: her rules, signed with her secret, not bob's");
	free(text);
	text = quake_subs_rules_json(s, -1, &len);
	CHECK(text != NULL && strstr(text, "\"subscriber\": \"bob\"") != NULL, "the list of all");
	free(text);

	CHECK(quake_subs_merge("{\"public_url\":\"u\",\"rules\":[{\"name\":\"file\",\"ntfy\":\"http://h/t\"}]}", 0, s, &merged,
	    &mlen, &f) == QUAKE_EINPUT, "a truncated file: not merged");
	{
		const char file[] = "{\"public_url\":\"u\",\"rules\":[{\"name\":\"file\",\"ntfy\":\"http://h/t\"}]}";
		CHECK(quake_subs_merge(file, strlen(file), s, &merged, &mlen, &f) == QUAKE_OK &&
		    strstr(merged, "\"public_url\"") != NULL, "merged, the file's other keys kept");
		CHECK(quake_rules_parse(merged, mlen, NULL, &rs, &rf) == QUAKE_OK && rs.n == 4 &&
		    strcmp(rs.rule[1].name, "alice.lisbon") == 0 &&
		    strcmp(rs.rule[3].name, "bob.lisbon") == 0 &&
		    strcmp(rs.rule[1].targets[0].secret_file, "/srv/alice.whsec") == 0,
		    "the merge parses: the file's rule, then each subscriber's as id.name");
		quake_rules_free(&rs);
		free(merged);
	}
	CHECK(quake_subs_rule_remove(s, 1, "porto") == 0, "bob cannot remove alice's rule");
	CHECK(quake_subs_rule_remove(s, 0, "alice.porto") == 1 && quake_subs_nrules(s, 0) == 1,
	    "alice removes hers by its full name");

	text = quake_subs_dump(s, &len);
	CHECK(text != NULL && strstr(text, "token-a") == NULL, "the store holds no token");
	CHECK(quake_subs_parse(text, len, &back, &f) == QUAKE_OK && quake_subs_count(back) == 2 &&
	    quake_subs_auth(back, "token-b", 7) == 1 && quake_subs_nrules(back, 0) == 1,
	    "the store round-trips");
	quake_subs_free(back);
	free(text);
	CHECK(quake_subs_parse("", 0, &back, &f) == QUAKE_OK && quake_subs_count(back) == 0,
	    "an empty store file: no subscribers");
	quake_subs_free(back);
	{
		static const char *const bad[] = {
			"{\"subscribers\":{}}",
			"{\"subscribers\":[{\"id\":\"a\",\"token_sha256\":\"00\"}]}",
			"{\"subscribers\":[{\"id\":\"a\",\"token_sha256\":\"" "0000000000000000000000000000000000000000000000000000000000000000" "\",\"rules\":[{\"name\":\"x\"},{\"name\":\"x\"}]}]}",
			"{\"subscribers\":[{\"id\":\"A B\",\"token_sha256\":\"" "0000000000000000000000000000000000000000000000000000000000000000" "\"}]}",
			"[",
		};
		for (size_t k = 0; k < NELEM(bad); k++)
			CHECK(quake_subs_parse(bad[k], strlen(bad[k]), &back, &f) == QUAKE_EINPUT &&
			    back == NULL, "a bad store refused (%zu: %s)", k, f.reason);
	}
	quake_subs_remove(s, 0);
	CHECK(quake_subs_count(s) == 1 && quake_subs_auth(s, "token-b", 7) == 0 &&
	    quake_subs_auth(s, "token-a", 7) == -1, "a subscriber removed: its token no more");
	quake_subs_free(s);
	return unit_failed;
}
