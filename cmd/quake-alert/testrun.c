/* testrun — one test notice per target of a rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "testrun.h"
#include "deliver.h"
#include "say.h"
#include "common/tool.h"

static const char *const kinds[] = { "webhook", "ntfy", "email" };

struct tally {
	const struct quake_rules *rs;
	int delivered, failed;
};

static void
done(struct notice *n, void *arg)
{
	struct tally *t = arg;
	const struct quake_target *q = &t->rs->rule[n->rule].targets[n->target];

	if (n->delivered)
		t->delivered++;
	else
		t->failed++;
	if (n->delivered)
		quake_log(QUAKE_LOG_INFO, "test notice delivered", "rule",
		    t->rs->rule[n->rule].name, "target", kinds[q->kind], "url", q->url,
		    "id", n->id, NULL);
	else
		quake_log(QUAKE_LOG_ERROR, "test notice not delivered", "rule",
		    t->rs->rule[n->rule].name, "target", kinds[q->kind], "url", q->url,
		    "id", n->id, "error", n->error, NULL);
	deliver_notice_free(n);
}

int
testrun(struct quake_rules *rs, const char *name)
{
	struct tally t = { rs, 0, 0 };
	struct quake_alert_mark none = { 0 };
	struct quake_event ev;
	size_t i;
	int status;

	for (i = 0; i < rs->n && strcmp(rs->rule[i].name, name) != 0; i++)
		;
	if (i == rs->n) {
		quake_log(QUAKE_LOG_ERROR, "no rule of that name", "rule", name, NULL);
		status = QUAKE_EXIT_USAGE;
		goto out;
	}
	say_test_event(i, &ev);
	deliver_give_up(60);
	for (size_t k = 0; k < rs->rule[i].ntargets; k++) {
		struct notice *n = tool_alloc(sizeof *n);
		n->rule = i, n->target = k;
		quake_alert_id(rs->rule[i].targets[k].key, ev.id, QUAKE_ALERT_TEST, &none, n->id);
		say_event(n, &ev, QUAKE_ALERT_TEST, 0, ev.mag);
		deliver_queue(n);
	}
	while (deliver_pending() > 0 && !tool_stop) {
		deliver_step(done, &t);
		if (deliver_pending() > 0)
			deliver_wait(-1, 1000);
	}
	status = deliver_pending() > 0 ? QUAKE_EXIT_TEMPFAIL : t.failed > 0 ?
	    QUAKE_EXIT_UNAVAILABLE : 0;
out:
	deliver_free();
	say_free();
	quake_rules_free(rs);
	curl_global_cleanup();
	return status;
}
