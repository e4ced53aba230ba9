/* subs — the API's subscribers and their rules (jansson), tokens hashed
 * with OpenSSL's SHA-256. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "alert/subs.h"

struct sub {
	char id[QUAKE_SUBS_ID_MAX + 1];
	unsigned char hash[QUAKE_SUBS_HASH_LEN];
	json_t *rules;		/* owned: array of rule objects as stored */
};

struct quake_subs {
	size_t n, cap;
	struct sub *sub;	/* owned */
};

enum quake_err
quake_subs_new(struct quake_subs **out)
{
	if ((*out = calloc(1, sizeof **out)) == NULL)
		return QUAKE_ENOMEM;
	return QUAKE_OK;
}

void
quake_subs_free(struct quake_subs *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		json_decref(s->sub[i].rules);
		OPENSSL_cleanse(s->sub[i].hash, sizeof s->sub[i].hash);
	}
	free(s->sub);
	free(s);
}

void
quake_subs_hash(const char *token, size_t len, unsigned char out[QUAKE_SUBS_HASH_LEN])
{
	SHA256((const unsigned char *)token, len, out);
}

int
quake_subs_hash_equal(const unsigned char *a, const unsigned char *b)
{
	return CRYPTO_memcmp(a, b, QUAKE_SUBS_HASH_LEN) == 0;
}

long
quake_subs_auth(const struct quake_subs *s, const char *token, size_t len)
{
	unsigned char h[QUAKE_SUBS_HASH_LEN];
	long found = -1;

	quake_subs_hash(token, len, h);
	for (size_t i = 0; i < s->n; i++)
		if (quake_subs_hash_equal(h, s->sub[i].hash) && found < 0)
			found = (long)i;
	OPENSSL_cleanse(h, sizeof h);
	return found;
}

static int
chars_ok(const char *s, size_t max, const char *set)
{
	size_t n = strlen(s);

	return n > 0 && n <= max && strspn(s, set) == n;
}

int
quake_subs_id_ok(const char *id)
{
	return id != NULL && chars_ok(id, QUAKE_SUBS_ID_MAX, "abcdefghijklmnopqrstuvwxyz0123456789_-");
}

static int
name_ok(const char *name)
{
	return name != NULL && chars_ok(name, QUAKE_SUBS_NAME_MAX,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
}

size_t
quake_subs_count(const struct quake_subs *s)
{
	return s->n;
}

const char *
quake_subs_id(const struct quake_subs *s, size_t i)
{
	return s->sub[i].id;
}

size_t
quake_subs_nrules(const struct quake_subs *s, size_t i)
{
	return json_array_size(s->sub[i].rules);
}

long
quake_subs_find(const struct quake_subs *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->sub[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* Append a subscriber taking rules over (decref'd on failure). */
static enum quake_err
push(struct quake_subs *s, const char *id, const unsigned char *h, json_t *rules,
    struct quake_fail *f)
{
	struct sub *n;

	if (!quake_subs_id_ok(id)) {
		json_decref(rules);
		return quake_err_fail(f, "id", "must be 1-%d of a-z 0-9 _ -", QUAKE_SUBS_ID_MAX);
	}
	if (quake_subs_find(s, id) >= 0) {
		json_decref(rules);
		return quake_err_fail(f, "id", "subscriber \"%s\" exists", id);
	}
	if (s->n >= QUAKE_SUBS_MAX) {
		json_decref(rules);
		return quake_err_fail(f, "id", "the store holds %d subscribers, the most it takes",
		    QUAKE_SUBS_MAX);
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		if ((n = realloc(s->sub, cap * sizeof *n)) == NULL) {
			json_decref(rules);
			return QUAKE_ENOMEM;
		}
		s->sub = n, s->cap = cap;
	}
	n = &s->sub[s->n++];
	snprintf(n->id, sizeof n->id, "%s", id);
	memcpy(n->hash, h, QUAKE_SUBS_HASH_LEN);
	n->rules = rules;
	return QUAKE_OK;
}

enum quake_err
quake_subs_add(struct quake_subs *s, const char *id,
    const unsigned char h[QUAKE_SUBS_HASH_LEN], struct quake_fail *f)
{
	json_t *rules = json_array();

	if (rules == NULL)
		return QUAKE_ENOMEM;
	return push(s, id, h, rules, f);
}

void
quake_subs_remove(struct quake_subs *s, size_t i)
{
	json_decref(s->sub[i].rules);
	memmove(&s->sub[i], &s->sub[i + 1], (s->n - i - 1) * sizeof *s->sub);
	s->n--;
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A rule as the API takes it: no "*_file" key, no polygon by name, at any
 * depth. NULL, or the offending key. */
static const char *
forbidden(const json_t *v, int depth)
{
	const char *k, *bad;
	json_t *e;
	size_t i;

	if (depth > 32)
		return "(nesting)";
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, e) {
			size_t kl = strlen(k);
			if (kl >= 5 && strcmp(k + kl - 5, "_file") == 0)
				return k;
			if (strcmp(k, "polygon") == 0 && !json_is_object(e))
				return k;
			if ((bad = forbidden(e, depth + 1)) != NULL)
				return bad;
		}
	} else if (json_is_array(v))
		json_array_foreach((json_t *)v, i, e)
			if ((bad = forbidden(e, depth + 1)) != NULL)
				return bad;
	return NULL;
}

/* Every "webhook" under v signed with secret_file. 0, or -1 (memory). */
static int
sign_webhooks(json_t *v, const char *secret_file, int depth)
{
	const char *k;
	json_t *e;
	size_t i;

	if (depth > 32)
		return 0;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if (sign_webhooks(e, secret_file, depth + 1) != 0)
				return -1;
		return 0;
	}
	if (!json_is_object(v))
		return 0;
	json_object_foreach(v, k, e) {
		if (strcmp(k, "webhook") == 0 && json_is_string(e)) {
			json_t *o = json_pack("{s:O,s:s}", "url", e, "secret_file", secret_file);
			if (o == NULL || json_object_set_new(v, k, o) != 0)
				return -1;
		} else if (strcmp(k, "webhook") == 0 && json_is_object(e)) {
			if (json_object_set_new(e, "secret_file", json_string(secret_file)) != 0)
				return -1;
		} else if (sign_webhooks(e, secret_file, depth + 1) != 0)
			return -1;
	}
	return 0;
}

static long
rule_at(const json_t *rules, const char *name)
{
	size_t i;
	json_t *r;

	json_array_foreach(rules, i, r)
		if (strcmp(json_string_value(json_object_get(r, "name")), name) == 0)
			return (long)i;
	return -1;
}

int
quake_subs_rule_add(struct quake_subs *s, size_t i, const char *body,
    size_t len, const char *secret_file, size_t max_rules,
    struct quake_fail *f)
{
	struct sub *sb = &s->sub[i];
	json_error_t je;
	json_t *r = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	const char *name, *k;
	int rc = QUAKE_SUBS_BAD;

	if (r == NULL) {
		quake_err_fail(f, "", "not JSON: %s", je.text);
		return QUAKE_SUBS_BAD;
	}
	name = json_string_value(json_object_get(r, "name"));
	if (!json_is_object(r))
		quake_err_fail(f, "", "a rule must be a JSON object");
	else if (!name_ok(name))
		quake_err_fail(f, "name", "must be 1-%d of A-Z a-z 0-9 _ -", QUAKE_SUBS_NAME_MAX);
	else if ((k = forbidden(r, 0)) != NULL)
		quake_err_fail(f, k, "%s", strcmp(k, "polygon") == 0 ?
		    "must be an inline GeoJSON object (no file names over the API)" :
		    "no file names over the API (webhooks are signed with your subscriber secret)");
	else if (rule_at(sb->rules, name) >= 0) {
		quake_err_fail(f, "name", "you have a rule called \"%s\"", name);
		rc = QUAKE_SUBS_EXISTS;
	} else if (json_array_size(sb->rules) >= max_rules) {
		quake_err_fail(f, "", "you have %zu rules, the most one subscriber may have",
		    json_array_size(sb->rules));
		rc = QUAKE_SUBS_FULL;
	} else if (sign_webhooks(r, secret_file, 0) != 0 || json_array_append(sb->rules, r) != 0)
		rc = -1;
	else
		rc = 0;
	json_decref(r);
	return rc;
}

int
quake_subs_rule_remove(struct quake_subs *s, size_t i, const char *name)
{
	struct sub *sb = &s->sub[i];
	size_t il = strlen(sb->id);
	long k;

	if (strncmp(name, sb->id, il) == 0 && name[il] == '.')
		name += il + 1;
	if ((k = rule_at(sb->rules, name)) < 0)
		return 0;
	json_array_remove(sb->rules, (size_t)k);
	return 1;
}

/* A stored rule is an object with a valid name (what rule_at relies on). */
static int
stored_ok(const json_t *rules)
{
	size_t i;
	json_t *r;

	if (!json_is_array(rules))
		return 0;
	json_array_foreach(rules, i, r)
		if (!json_is_object(r) || !name_ok(json_string_value(json_object_get(r, "name"))) ||
		    rule_at(rules, json_string_value(json_object_get(r, "name"))) != (long)i)
			return 0;
	return 1;
}

enum quake_err
quake_subs_parse(const char *buf, size_t len, struct quake_subs **out,
    struct quake_fail *f)
{
	json_error_t je;
	json_t *root, *list, *e;
	enum quake_err err;
	size_t i;

	if ((err = quake_subs_new(out)) != QUAKE_OK || len == 0)
		return err;
	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		err = quake_err_fail(f, "", "not JSON: %s (line %d)", je.text, je.line);
		goto fail;
	}
	list = json_object_get(root, "subscribers");
	if (!json_is_array(list)) {
		err = quake_err_fail(f, "subscribers", "must be an array");
		goto fail;
	}
	json_array_foreach(list, i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));
		const char *hex = json_string_value(json_object_get(e, "token_sha256"));
		json_t *rules = json_object_get(e, "rules");
		unsigned char h[QUAKE_SUBS_HASH_LEN];
		size_t k;

		for (k = 0; hex != NULL && k < sizeof h && hexval(hex[2 * k]) >= 0 &&
		    hexval(hex[2 * k + 1]) >= 0; k++)
			h[k] = (unsigned char)(hexval(hex[2 * k]) << 4 | hexval(hex[2 * k + 1]));
		if (hex == NULL || k != sizeof h || hex[2 * k] != '\0') {
			err = quake_err_fail(f, "token_sha256", "subscriber #%zu: must be 64 "
			    "lower-case hex digits", i + 1);
			goto fail;
		}
		if (rules == NULL)
			rules = json_array();
		else if (!stored_ok(rules)) {
			err = quake_err_fail(f, "rules", "subscriber #%zu: must be an array of "
			    "rule objects with distinct names", i + 1);
			goto fail;
		} else
			json_incref(rules);
		if ((err = push(*out, id ? id : "", h, rules, f)) != QUAKE_OK)
			goto fail;
	}
	json_decref(root);
	return QUAKE_OK;
fail:
	json_decref(root);
	quake_subs_free(*out);
	*out = NULL;
	return err;
}

static char *
dump(json_t *root, size_t *len)
{
	char *text = root != NULL ? json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) : NULL;

	json_decref(root);
	if (text != NULL && len != NULL)
		*len = strlen(text);
	return text;
}

char *
quake_subs_dump(const struct quake_subs *s, size_t *len)
{
	json_t *list = json_array();

	for (size_t i = 0; list != NULL && i < s->n; i++) {
		char hex[2 * QUAKE_SUBS_HASH_LEN + 1];
		for (size_t k = 0; k < QUAKE_SUBS_HASH_LEN; k++)
			snprintf(hex + 2 * k, 3, "%02x", s->sub[i].hash[k]);
		if (json_array_append_new(list, json_pack("{s:s,s:s,s:O}", "id", s->sub[i].id,
		    "token_sha256", hex, "rules", s->sub[i].rules)) != 0) {
			json_decref(list);
			return NULL;
		}
	}
	return dump(list != NULL ? json_pack("{s:o}", "subscribers", list) : NULL, len);
}

char *
quake_subs_rules_json(const struct quake_subs *s, long only, size_t *len)
{
	json_t *list = json_array();

	for (size_t i = 0; list != NULL && i < s->n; i++) {
		size_t k;
		json_t *r;
		if (only >= 0 && (size_t)only != i)
			continue;
		json_array_foreach(s->sub[i].rules, k, r)
			if (json_array_append_new(list, json_pack("{s:s,s:O,s:O}", "subscriber",
			    s->sub[i].id, "name", json_object_get(r, "name"), "rule", r)) != 0) {
				json_decref(list);
				return NULL;
			}
	}
	return dump(list != NULL ? json_pack("{s:o}", "rules", list) : NULL, len);
}

enum quake_err
quake_subs_merge(const char *file, size_t len, const struct quake_subs *s,
    char **out, size_t *outlen, struct quake_fail *f)
{
	json_error_t je;
	json_t *root = file != NULL ? json_loadb(file, len, 0, &je) : json_array();
	json_t *list;

	if (root == NULL && file != NULL)
		return quake_err_fail(f, "", "not JSON: %s (line %d)", je.text, je.line);
	list = json_is_object(root) ? json_object_get(root, "rules") : root;
	if (!json_is_array(list)) {
		json_decref(root);
		return quake_err_fail(f, "rules", "must be an array of rule objects");
	}
	for (size_t i = 0; i < s->n; i++) {
		size_t k;
		json_t *r;
		json_array_foreach(s->sub[i].rules, k, r) {
			char name[QUAKE_SUBS_ID_MAX + QUAKE_SUBS_NAME_MAX + 2];
			json_t *c = json_deep_copy(r);
			snprintf(name, sizeof name, "%s.%s", s->sub[i].id,
			    json_string_value(json_object_get(r, "name")));
			if (c == NULL || json_object_set_new(c, "name", json_string(name)) != 0 ||
			    json_array_append_new(list, c) != 0) {
				json_decref(root);
				return QUAKE_ENOMEM;
			}
		}
	}
	if ((*out = dump(root, outlen)) == NULL)
		return QUAKE_ENOMEM;
	return QUAKE_OK;
}
