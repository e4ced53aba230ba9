/* subs — quake-alert's API subscribers and their rules: the store file (a
 * JSON object, {"subscribers": [{"id", "token_sha256", "rules": [...]}]}),
 * tokens kept as their SHA-256 only and found by a constant-time compare,
 * a request body turned into a stored rule (no file names: a subscriber
 * never names a file on the server; their webhooks are signed with the
 * subscriber's own secret file), and the rules file with every
 * subscriber's rules appended under "<id>.<name>", for lib/alert/rules to
 * parse. Pure: no I/O. */
#ifndef QUAKE_SUBS_H
#define QUAKE_SUBS_H

#include <stddef.h>

#include "core/err.h"

#define QUAKE_SUBS_ID_MAX 24		/* a subscriber id: 1-24 of a-z 0-9 _ - */
#define QUAKE_SUBS_NAME_MAX 32		/* a rule's own name: 1-32 of A-Z a-z 0-9 _ - */
#define QUAKE_SUBS_HASH_LEN 32		/* SHA-256 */
#define QUAKE_SUBS_MAX 10000		/* subscribers in one store */

struct quake_subs;

/* An empty store; *out owned by the caller (quake_subs_free). QUAKE_ENOMEM. */
enum quake_err quake_subs_new(struct quake_subs **out);

/* Parse a store file buf[0..len) into *out (owned by the caller). An empty
 * buffer is an empty store. QUAKE_EINPUT (f says where), QUAKE_ENOMEM. */
enum quake_err quake_subs_parse(const char *buf, size_t len,
    struct quake_subs **out, struct quake_fail *f);

/* The store as JSON text (malloc'd, NUL-terminated, *len bytes; owned by
 * the caller), or NULL when out of memory. */
char *quake_subs_dump(const struct quake_subs *s, size_t *len);

void quake_subs_free(struct quake_subs *s);

/* SHA-256 of token[0..len) into out. */
void quake_subs_hash(const char *token, size_t len,
    unsigned char out[QUAKE_SUBS_HASH_LEN]);

/* 1 when a and b are equal, in time independent of where they differ. */
int quake_subs_hash_equal(const unsigned char *a, const unsigned char *b);

/* The subscriber whose token is token[0..len): its index, or -1. Every
 * subscriber's hash is compared (constant time each), found or not. */
long quake_subs_auth(const struct quake_subs *s, const char *token, size_t len);

/* 1 when id is a valid subscriber id. */
int quake_subs_id_ok(const char *id);

/* Subscribers, and subscriber i's id and rule count (borrowed). */
size_t quake_subs_count(const struct quake_subs *s);
const char *quake_subs_id(const struct quake_subs *s, size_t i);
size_t quake_subs_nrules(const struct quake_subs *s, size_t i);

/* The index of subscriber id, or -1. */
long quake_subs_find(const struct quake_subs *s, const char *id);

/* Add subscriber id with token hash h. QUAKE_EINPUT: a bad id, one that
 * exists (f->field "id", reason says which), or QUAKE_SUBS_MAX reached;
 * QUAKE_ENOMEM. */
enum quake_err quake_subs_add(struct quake_subs *s, const char *id,
    const unsigned char h[QUAKE_SUBS_HASH_LEN], struct quake_fail *f);

/* Remove subscriber i and its rules. */
void quake_subs_remove(struct quake_subs *s, size_t i);

/* How a request body fails to become a rule. */
enum quake_subs_why {
	QUAKE_SUBS_BAD = 1,	/* not a rule the API takes (f says why) */
	QUAKE_SUBS_EXISTS,	/* the subscriber has a rule of that name */
	QUAKE_SUBS_FULL,	/* the subscriber has max_rules rules */
};

/* A rule from request body[0..len) for subscriber i: a JSON object with
 * "name" (1-32 of A-Z a-z 0-9 _ -) and rule fields as the rules file has
 * them, but no key ending in "_file" anywhere and no polygon by file name;
 * every "webhook" (a URL, or an object with "url") gets
 * "secret_file": secret_file. Added to subscriber i when it has fewer than
 * max_rules. 0, or a quake_subs_why with f filled; -1 when out of memory.
 * The rule is not checked against lib/alert/rules here (the caller parses
 * the merged set and removes the rule again if it fails). */
int quake_subs_rule_add(struct quake_subs *s, size_t i, const char *body,
    size_t len, const char *secret_file, size_t max_rules,
    struct quake_fail *f);

/* Remove subscriber i's rule called name (its own name, or "<id>.<name>").
 * 1 when removed, 0 when it has none of that name. */
int quake_subs_rule_remove(struct quake_subs *s, size_t i, const char *name);

/* The rules of subscriber i (or of all, i < 0) as JSON text (malloc'd,
 * NUL-terminated; owned by the caller): {"rules": [{"subscriber", "name",
 * "rule"}]}, "rule" as stored. NULL when out of memory. */
char *quake_subs_rules_json(const struct quake_subs *s, long i, size_t *len);

/* The rules file file[0..len) (an array of rules, or an object with
 * "rules", whose other keys are kept) with every subscriber's rules
 * appended, named "<id>.<name>": JSON text (malloc'd, NUL-terminated,
 * *outlen bytes; owned by the caller) for quake_rules_parse. file may be
 * NULL (len 0): the subscribers' rules alone. QUAKE_EINPUT when the file
 * is not JSON of either shape (f says why); QUAKE_ENOMEM. */
enum quake_err quake_subs_merge(const char *file, size_t len,
    const struct quake_subs *s, char **out, size_t *outlen,
    struct quake_fail *f);

#endif
