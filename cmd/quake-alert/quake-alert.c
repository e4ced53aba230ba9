/* quake-alert — event lines (and quake-shake detection lines) on stdin to
 * the people whose rules they match: webhooks signed the Standard Webhooks
 * way, or ntfy topics. Each rule hears of an event once, and again only
 * when a newer revision raises its magnitude a band (docs/design.md, "When
 * to alert"); the marks that decide it survive restarts in --state. One
 * status line per input line, in input order, once its notices are done:
 * alerted, skipped, undelivered or rejected. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "common/ackq.h"
#include "api.h"
#include "deliver.h"
#include "flagrule.h"
#include "judge.h"
#include "say.h"
#include "testrun.h"
#include "core/time.h"
#include "common/tool.h"

static const char usage_text[] =
"usage: quake-alert (--rules FILE | RULE FLAGS) (--state FILE | --check |\n"
"                   --test RULE) [--places FILE] [--url URL]\n"
"                   [--window DURATION] [--give-up DURATION] [--timeout S]\n"
"                   [--dead-letter FILE] [--flush-timeout S] [--stats S]\n"
"  -r, --rules FILE        the rules (JSON; quake-alert(1))\n"
"  -s, --state FILE        what each rule was told, kept across restarts\n"
"      --check             check the rules and their secret files, then exit\n"
"      --test RULE         send RULE's targets one test notice each, then exit\n"
"      --places FILE       the gazetteer for \"N km DIR of TOWN\" (the installed one)\n"
"      --url URL           the map's public URL: notices link to the event on it\n"
"  -w, --window DURATION   forget (and ignore) events older than this (30d)\n"
"  -g, --give-up DURATION  dead-letter an alert not delivered by then (1h)\n"
"      --timeout S         one HTTP request (default 10)\n"
"  -d, --dead-letter FILE  append rejected lines and undelivered alerts to FILE\n"
"  -T, --flush-timeout S   at a stop, seconds to finish requests in flight (10)\n"
"      --stats S           log a counters line every S seconds\n"
API_USAGE
"  one rule from flags instead of --rules:\n"
"      --name NAME --minmagnitude M [--circle LAT,LON,KM |\n"
"      --rectangle MINLAT,MAXLAT,MINLON,MAXLON | --polygon FILE]\n"
"      [--mindepth KM] [--maxdepth KM] [--downgrade]\n"
"      (--webhook URL --secret-file FILE | --ntfy URL [--token-file FILE])\n"
"  -h, --help              this help\n"
"  -V, --version           print the version\n";

enum { O_CHECK = 256, O_TIMEOUT, O_STATS, O_NAME, O_MINMAG, O_CIRCLE, O_RECT,
	O_POLY, O_MINDEPTH, O_MAXDEPTH, O_DOWNGRADE, O_WEBHOOK, O_SECRET, O_NTFY,
	O_TOKEN, O_PLACES, O_URL, O_TEST };

static void
die_usage(const char *msg, const char *k, const char *v)
{
	quake_log(QUAKE_LOG_ERROR, msg, k, v, NULL);
	fputs(usage_text, stderr);
	exit(QUAKE_EXIT_USAGE);
}

/* The rules from --rules or the flags; exits 78 with one line naming the
 * rule and field when they are not valid. */
static void
load_rules(const char *path, struct quake_rules *rs)
{
	struct quake_rules_fail f;
	enum quake_err err;
	json_t *flag_rule = flagrule_take();

	if ((path != NULL) == (flag_rule != NULL))
		die_usage("give --rules FILE or one rule's flags (--name ...), not both", NULL, NULL);
	if (path != NULL)
		err = quake_rules_load_stop(path, rs, &f, &tool_stop);
	else {
		char *text = json_dumps(flag_rule, JSON_COMPACT);
		char *list = NULL;
		if (text == NULL || asprintf(&list, "[%s]", text) < 0)
			exit(QUAKE_EXIT_SOFTWARE);
		err = quake_rules_parse(list, strlen(list), ".", rs, &f);
		free(text);
		free(list);
		json_decref(flag_rule);
	}
	if (err == QUAKE_OK)
		return;
	if (err == QUAKE_ETEMP && tool_stop) {	/* SIGTERM while loading */
		quake_log(QUAKE_LOG_INFO, "stopped while loading the rules", NULL);
		exit(0);
	}
	quake_log(QUAKE_LOG_ERROR, err == QUAKE_EIO ? "cannot read the rules" :
	    "invalid rules", "rule", f.rule, "field", f.f.field, "reason", f.f.reason, NULL);
	exit(QUAKE_EXIT_CONFIG);
}

static struct {
	const char *rules, *state, *places, *url, *test;
	struct deliver_opts dopt;
	int64_t window;		/* --window, in microseconds */
	long flush_s;
	int check;
} opt = { .dopt = { 3600, 10000, NULL }, .window = 30 * 86400LL * 1000000,
	.flush_s = 10 };

/* What main holds for the run: the queue of lines and their judge (and,
 * for a reload, the rules and marks they use). */
struct alert {
	struct ackq q;
	struct judge *judge;
	struct quake_rules *rs;
	struct quake_marks *marks;
};

static void
log_counts(struct alert *a, const char *msg)
{
	const struct judge_counts *jn = judge_counts(a->judge);
	long long sent, retries, given_up;
	struct tool_counter c[] = {
		{ "in", 0 }, { "alerted", jn->alerted }, { "skipped", jn->skipped },
		{ "rejected", jn->rejected }, { "undelivered", jn->undelivered },
		{ "notices", jn->notices }, { "sent", 0 }, { "retries", 0 },
		{ "pending", (long long)ackq_pending(&a->q) },
	};

	api_deliver_counts(&sent, &retries, &given_up);
	c[0].value = jn->in, c[6].value = sent, c[7].value = retries;
	tool_counters_log(msg, c, sizeof c / sizeof c[0]);
}

/* Options into opt (rule flags into flag_rule); returns only when they
 * are good. */
static void
options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "state", required_argument, NULL, 's' },
		{ "check", no_argument, NULL, O_CHECK },
		{ "window", required_argument, NULL, 'w' },
		{ "give-up", required_argument, NULL, 'g' },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "dead-letter", required_argument, NULL, 'd' },
		{ "flush-timeout", required_argument, NULL, 'T' },
		{ "stats", required_argument, NULL, O_STATS },
		{ "name", required_argument, NULL, O_NAME },
		{ "minmagnitude", required_argument, NULL, O_MINMAG },
		{ "circle", required_argument, NULL, O_CIRCLE },
		{ "rectangle", required_argument, NULL, O_RECT },
		{ "polygon", required_argument, NULL, O_POLY },
		{ "mindepth", required_argument, NULL, O_MINDEPTH },
		{ "maxdepth", required_argument, NULL, O_MAXDEPTH },
		{ "downgrade", no_argument, NULL, O_DOWNGRADE },
		{ "webhook", required_argument, NULL, O_WEBHOOK },
		{ "secret-file", required_argument, NULL, O_SECRET },
		{ "ntfy", required_argument, NULL, O_NTFY },
		{ "token-file", required_argument, NULL, O_TOKEN },
		{ "places", required_argument, NULL, O_PLACES },
		{ "url", required_argument, NULL, O_URL },
		{ "test", required_argument, NULL, O_TEST },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		API_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int c, li = 0;

	while ((c = getopt_long(argc, argv, "r:s:w:g:d:T:hV", longopts, &li)) != -1) {
		switch (c) {
		case 'r': opt.rules = optarg; break;
		case 's': opt.state = optarg; break;
		case O_CHECK: opt.check = 1; break;
		case 'w': opt.window = tool_parse_duration("--window", optarg); break;
		case 'g': opt.dopt.give_up_s = (long)(tool_parse_duration("--give-up", optarg) / 1000000); break;
		case O_TIMEOUT: opt.dopt.timeout_ms = 1000 * tool_parse_long("--timeout", optarg, 1, 600); break;
		case 'd': opt.dopt.dead_letter = optarg; break;
		case 'T': opt.flush_s = tool_parse_long("--flush-timeout", optarg, 0, 86400); break;
		case O_STATS: tool_stats_every(tool_parse_long("--stats", optarg, 1, 86400)); break;
		case O_PLACES: opt.places = optarg; break;
		case O_URL: opt.url = optarg;	/* it goes into headers (ntfy's Click) */
			if ((strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0) ||
			    strpbrk(optarg, " \t\r\n") != NULL || strlen(optarg) > 512)
				die_usage("needs an http:// or https:// URL", "option", "--url");
			break;
		case O_TEST: opt.test = optarg; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		case 'V': tool_version();
		default:
			if (c >= O_NAME && c <= O_TOKEN) {
				flagrule_add(longopts[li].name, optarg);
				break;
			}
			if (api_option(c, optarg))
				break;
			fputs(usage_text, stderr);
			exit(QUAKE_EXIT_USAGE);
		}
	}
	if (optind != argc)
		die_usage("unexpected argument", "arg", argv[optind]);
}

/* libcurl, the targets, then (unless --check) the marks, the queue and the
 * dead-letter file; -1 when ready to run, else the exit status. */
static int
setup(struct alert *a, struct quake_rules *rs, struct quake_marks **marks)
{
	struct quake_fail f;
	size_t skipped = 0;
	char n[24];
	int rc;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot initialise libcurl", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	if ((rc = deliver_init(rs, &opt.dopt)) != 0 || (rc = say_places(opt.places)) != 0) {
		deliver_free();	/* what was read so far (no leak at exit 78) */
		quake_rules_free(rs);
		return rc;
	}
	say_init(rs, opt.url);
	if (opt.test != NULL)
		return testrun(rs, opt.test);
	if (opt.check) {
		snprintf(n, sizeof n, "%zu", rs->n);
		quake_log(QUAKE_LOG_INFO, "rules ok", "rules", n, NULL);
		deliver_free();
		quake_rules_free(rs);
		curl_global_cleanup();
		return 0;
	}
	if (opt.state == NULL)
		die_usage("no state file: give --state FILE", NULL, NULL);
	if (quake_marks_open(opt.state, opt.window, quake_time_now(), marks, &skipped, &f) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "cannot use the state file", "reason", f.reason, NULL);
		return QUAKE_EXIT_IOERR;
	}
	if (skipped > 0) {
		snprintf(n, sizeof n, "%zu", skipped);
		quake_log(QUAKE_LOG_WARN, "unreadable state lines skipped", "count", n, NULL);
	}
	srandom((unsigned)(quake_time_now() ^ getpid()));
	if (opt.dopt.dead_letter != NULL && tool_dead_letter_open(opt.dopt.dead_letter) != 0)
		return QUAKE_EXIT_IOERR;
	a->judge = judge_new(&a->q, rs, *marks, opt.window);
	a->rs = rs, a->marks = *marks;
	return -1;
}

/* Judge lines and deliver notices until the input ends or a stop (signal,
 * failure, stdout gone); then finish what is in flight, bounded by
 * --flush-timeout. Returns the status before ackq_exit. */
static int
run(struct alert *a, struct quake_ndjson *r)
{
	int64_t deadline = 0;
	int status = 0, eof = 0;
	size_t qmax = 4096;
	struct quake_line l;
	enum quake_err err;

	for (;;) {
		int reading = !eof && !tool_stop && status == 0 && tool_out_failed() == TOOL_OUT_OK &&
		    !api_reload_waiting();	/* new rules wait for what is in flight */

		while (reading && ackq_pending(&a->q) < qmax) {
			if ((err = ackq_next(&a->q, r, &l, &status)) != QUAKE_OK) {
				eof = err == QUAKE_EOF;
				break;
			}
			judge_line(a->judge, &l);
		}
		deliver_step(judge_notice_done, a->judge);
		/* the marks first: a status line goes out only once they are kept */
		if (status == 0 && (status = judge_commit(a->judge)) == 0 && ackq_drain(&a->q) != 0)
			status = QUAKE_EXIT_SOFTWARE;
		if (status == 0 && ackq_pending(&a->q) == 0 && deliver_pending() == 0 && api_reload_waiting())
			status = api_reload_apply(&a->q, &a->judge, a->rs, a->marks, opt.window, &opt.dopt);
		if (tool_stats_due())
			log_counts(a, "stats");
		if (ackq_pending(&a->q) == 0 && (eof || tool_stop || status != 0))
			break;
		if (tool_out_failed() != TOOL_OUT_OK)
			break;
		if (tool_stop || status != 0) {
			/* finish what is in flight, bounded; send nothing new */
			if (deadline == 0)
				deadline = quake_time_now() + opt.flush_s * 1000000LL;
			deliver_drain();
			if (quake_time_now() >= deadline)
				break;
		}
		tool_flush();
		reading = !eof && !tool_stop && status == 0 && ackq_pending(&a->q) < qmax &&
		    !api_reload_waiting();
		deliver_wait(reading ? 0 : -1, 1000);
	}
	return status;
}

int
main(int argc, char **argv)
{
	struct alert run_state = { 0 }, *a = &run_state;
	struct quake_rules rs;
	struct quake_marks *marks = NULL;
	struct quake_ndjson *r;
	int status, flags;

	tool_init("quake-alert");
	options(argc, argv);
	load_rules(opt.rules, &rs);
	if ((status = api_start(opt.rules, &rs, opt.check)) != 0 ||
	    (status = setup(a, &rs, &marks)) != -1)
		return status;
	/* O_NONBLOCK is shared with whoever gave us stdin: restored at exit */
	flags = fcntl(0, F_GETFL);
	fcntl(0, F_SETFL, flags | O_NONBLOCK);
	quake_ndjson_open(0, 0, &r);
	status = run(a, r);
	/* what is left is read again by the next run (Kafka: not committed) */
	status = ackq_exit(&a->q, status, tool_stop ? 0 : QUAKE_EXIT_TEMPFAIL,
	    QUAKE_LOG_WARN, "lines left unacknowledged");
	if (status == 0 && judge_counts(a->judge)->undelivered > 0)
		status = QUAKE_EXIT_UNAVAILABLE;
	log_counts(a, "done");
	fcntl(0, F_SETFL, flags);
	status = tool_out_close(status);
	tool_dead_letter_close();
	api_stop();
	quake_ndjson_close(r);
	deliver_free();
	say_free();
	judge_free(a->judge);
	ackq_free(&a->q);
	quake_marks_close(marks);
	quake_rules_free(&rs);
	curl_global_cleanup();
	return status;
}
