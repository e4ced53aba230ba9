/* quake-shake — phones as seismometers. --listen: Sensor Logger HTTP
 * pushes in, one sample-batch line per push out; --pushes: the same from
 * recorded push bodies on stdin; --detect: sample-batch lines in, trigger
 * and detection lines out (lib/shake: STA/LTA per device, coincidence), or
 * with --onsets onset and trigger lines for --coincide (cmd/quake-shake/coincide.c),
 * the coincidence stage after several detectors. */
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ndjson.h"
#include "core/time.h"
#include "lines/detection.h"
#include "lines/samples.h"
#include "lines/trigger.h"
#include "shake/shake.h"
#include "coincide.h"
#include "devices.h"
#include "receiver.h"
#include "common/tool.h"

#ifndef QUAKE_ASSETS_DIR
#define QUAKE_ASSETS_DIR "/usr/local/share/quake/web"
#endif

static const char usage_text[] =
"usage: quake-shake --listen ADDR:PORT [--token-file FILE] [--token-loopback]\n"
"                   [--acks FIFO [--ack-timeout DUR]] [--max-rate N]\n"
"                   [--device-timeout DUR] [--max-skew DUR] [--stats S]\n"
"                   [--assets DIR] [--public-url URL]\n"
"       quake-shake --pushes [--max-rate N]\n"
"       quake-shake --detect [--classic] [--sta S] [--lta S] [--on R] [--off R]\n"
"                   [--max-len S] [--floor A] [--gap S] [--highpass HZ]\n"
"                   [--device-timeout DUR] [-k K] [--window S] [--radius KM]\n"
"                   [--hold S] [--onsets] [--triggers FILE]\n"
"       quake-shake --coincide [-k K] [--window S] [--radius KM] [--hold S]\n"
"  --listen ADDR     accept Sensor Logger pushes (POST, any path) on ADDR:PORT\n"
"  --token-file FILE bearer token required from every peer but loopback\n"
"  --token-loopback  require it from loopback peers too (behind a proxy)\n"
"  --acks FIFO       quake-produce's status lines: answer 200 once a push's\n"
"                    line is produced, 503 if not (default: once flushed)\n"
"  --ack-timeout DUR 503 when its status line has not come by then (10s)\n"
"  --max-rate N      samples/s a device may send, 10 s of it at once (500; 0: any)\n"
"  --max-skew DUR    400 for a push with a sample farther than DUR from the\n"
"                    receiver's clock (default: no check)\n"
"  --assets DIR      the page's files (default " QUAKE_ASSETS_DIR ")\n"
"  --public-url URL  the push URL the page shows (default: its own + /push)\n"
"  --pushes          read push bodies, one per line, from stdin\n"
"  --detect          read sample-batch lines, write trigger and detection lines\n"
"  --classic         classic STA/LTA (default: recursive)\n"
"  --sta S, --lta S  window lengths in seconds (0.5, 10)\n"
"  --on R, --off R   trigger thresholds of the STA/LTA ratio (3.5, 1.0)\n"
"  --max-len S       longest trigger in seconds (default: none)\n"
"  --floor A         STA RMS (m/s^2) below which nothing triggers (0.05)\n"
"  --gap S           a pause between samples longer than this restarts (0.5)\n"
"  --highpass HZ     corner removing gravity from totalacceleration (0.5)\n"
"  --device-timeout DUR  forget a device silent this long (60s; the receiver\n"
"                    too: its rate budget and location)\n"
"  -k K              devices for a detection (3)\n"
"  --window S        their onsets within S seconds (10)\n"
"  --radius KM       and within KM of each other (20)\n"
"  --hold S          keep onsets S seconds of onset time past --window for\n"
"                    late arrivals from another stream (10)\n"
"  --onsets          write onset lines (as triggers start) and trigger lines,\n"
"                    no detections: the input of --coincide\n"
"  --coincide        read onset and trigger lines, write detection lines\n"
"  --triggers FILE   append trigger lines to FILE: stdout has detections only\n"
"  --stats S         log a counters line every S seconds\n"
"  -h, --help        this help\n"
"  -V, --version     print the version\n";

enum { O_LISTEN = 256, O_TOKEN, O_TOKEN_LO, O_RATE, O_PUSHES, O_DETECT, O_CLASSIC, O_STA,
	O_LTA, O_ON, O_OFF, O_MAXLEN, O_FLOOR, O_GAP, O_HP, O_TIMEOUT, O_WINDOW,
	O_RADIUS, O_STATS, O_TRIGGERS, O_HOLD, O_ONSETS, O_COINCIDE, O_ACKS,
	O_ACK_TIMEOUT, O_SKEW, O_ASSETS, O_PUBLIC };

static const struct option longopts[] = {
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "token-file", required_argument, NULL, O_TOKEN },
	{ "token-loopback", no_argument, NULL, O_TOKEN_LO },
	{ "acks", required_argument, NULL, O_ACKS },
	{ "ack-timeout", required_argument, NULL, O_ACK_TIMEOUT },
	{ "max-rate", required_argument, NULL, O_RATE },
	{ "max-skew", required_argument, NULL, O_SKEW },
	{ "assets", required_argument, NULL, O_ASSETS },
	{ "public-url", required_argument, NULL, O_PUBLIC },
	{ "pushes", no_argument, NULL, O_PUSHES },
	{ "detect", no_argument, NULL, O_DETECT },
	{ "classic", no_argument, NULL, O_CLASSIC },
	{ "sta", required_argument, NULL, O_STA },
	{ "lta", required_argument, NULL, O_LTA },
	{ "on", required_argument, NULL, O_ON },
	{ "off", required_argument, NULL, O_OFF },
	{ "max-len", required_argument, NULL, O_MAXLEN },
	{ "floor", required_argument, NULL, O_FLOOR },
	{ "gap", required_argument, NULL, O_GAP },
	{ "highpass", required_argument, NULL, O_HP },
	{ "device-timeout", required_argument, NULL, O_TIMEOUT },
	{ "window", required_argument, NULL, O_WINDOW },
	{ "radius", required_argument, NULL, O_RADIUS },
	{ "stats", required_argument, NULL, O_STATS },
	{ "triggers", required_argument, NULL, O_TRIGGERS },
	{ "hold", required_argument, NULL, O_HOLD },
	{ "onsets", no_argument, NULL, O_ONSETS },
	{ "coincide", no_argument, NULL, O_COINCIDE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static struct {
	long in, rejected, onsets, triggers, detections;
} count;

static FILE *triggers_fp;	/* --triggers: where trigger lines go */
static int onsets;		/* --onsets: onset lines out, no detections */

static void
emit(void *arg, enum quake_shake_report what, const struct quake_trigger *t,
    const struct quake_detection *d)
{
	char line[QUAKE_TRIGGER_FORMAT_MAX];
	size_t n;

	(void)arg;
	if (what == QUAKE_SHAKE_ONSET && !onsets)
		return;
	n = what == QUAKE_SHAKE_ONSET ? quake_trigger_format_onset(t, line, sizeof line) :
	    t ? quake_trigger_format(t, line, sizeof line) :
	    quake_detection_format(d, line, sizeof line);
	if (what == QUAKE_SHAKE_ONSET) {
		if (n > 0 && tool_out(line, n) == 0)
			count.onsets++;
		return;
	}
	if (n > 0 && t != NULL && triggers_fp != NULL) {
		line[n] = '\n';
		if (fwrite(line, 1, n + 1, triggers_fp) != n + 1 || fflush(triggers_fp) != 0)
			quake_log(QUAKE_LOG_ERROR, "cannot write a trigger line", NULL);
		else
			count.triggers++;
	} else if (n > 0 && tool_out(line, n) == 0) {
		count.triggers += t != NULL;
		count.detections += d != NULL;
	}
}

static void
stats(void)
{
	struct tool_counter c[] = { { "in", count.in }, { "rejected", count.rejected },
	    { "onsets", count.onsets }, { "triggers", count.triggers },
	    { "detections", count.detections } };

	tool_stats_log(c, 5);
}

/* --detect and --pushes: a filter over stdin lines; 65 when one was bad */
static int
filter(int detect, const struct quake_shake_conf *conf)
{
	struct quake_ndjson *r;
	struct quake_shake *sh = NULL;
	struct quake_samples b = { 0 };
	struct quake_line l;
	int status = 0, bad = 0;
	enum quake_err err;

	if (quake_ndjson_open(0, 4 << 20, &r) != QUAKE_OK ||
	    (detect && (quake_samples_init(&b, QUAKE_SAMPLES_MAX) != QUAKE_OK ||
	    quake_shake_new(conf, &sh) != QUAKE_OK))) {
		quake_log(QUAKE_LOG_ERROR, "cannot start", "error",
		    "out of memory or a bad detector setting", NULL);
		status = QUAKE_EXIT_SOFTWARE;
		goto done;
	}
	quake_ndjson_set_wait_hook(r, tool_flush_hook, NULL);
	while (!tool_stop && tool_out_failed() == TOOL_OUT_OK) {
		struct quake_fail f = { "", "" };
		char why[256];
		int code;
		if ((err = tool_next_line(r, &l, &f, &status)) == QUAKE_EOF)
			break;
		count.in++;
		if (tool_stats_due())
			stats();
		if (err == QUAKE_OK && detect) {
			if ((err = quake_samples_parse(l.buf, l.len, &b, &f)) == QUAKE_OK &&
			    quake_shake_feed(sh, &b, emit, NULL) != QUAKE_OK) {
				status = QUAKE_EXIT_SOFTWARE;
				break;
			}
		} else if (err == QUAKE_OK) {
			code = devices_take(l.buf, l.len, quake_time_now(), why, sizeof why);
			if (code == 500)
				break;
			if (code >= 400) {
				err = quake_err_fail(&f, "", "%d %s", code, why);
			}
		}
		if (err != QUAKE_OK) {
			count.rejected++;
			bad = 1;
			tool_reject(l.lineno, &f, l.buf, l.buf ? l.len : 0);
		}
	}
	if (sh != NULL)
		quake_shake_finish(sh, emit, NULL);
	if (tool_flush() != 0 && tool_out_failed() == TOOL_OUT_ERROR && status == 0)
		status = QUAKE_EXIT_IOERR;
	if (status == 0 && bad)
		status = QUAKE_EXIT_DATAERR;
done:
	quake_shake_free(sh);
	quake_samples_free(&b);
	quake_ndjson_close(r);
	return status;
}

int
main(int argc, char **argv)
{
	struct quake_shake_conf conf;
	struct receiver_opts rx = { .ack_timeout_us = 10000000,
	    .assets = QUAKE_ASSETS_DIR };
	int ch, detect = 0, pushes = 0, coincide = 0, status;
	const char *why;
	double max_rate = 500;
	int64_t max_skew = 0;

	tool_init("quake-shake");
	quake_shake_conf_default(&conf);
	while ((ch = getopt_long(argc, argv, "k:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case O_LISTEN: rx.listen = optarg; break;
		case O_TOKEN: rx.token_file = optarg; break;
		case O_TOKEN_LO: rx.token_loopback = 1; break;
		case O_ACKS: rx.acks = optarg; break;
		case O_ACK_TIMEOUT: rx.ack_timeout_us = tool_parse_duration("--ack-timeout", optarg); break;
		case O_RATE: max_rate = tool_parse_double("--max-rate", optarg, 0, 1e6); break;
		case O_SKEW: max_skew = tool_parse_duration("--max-skew", optarg); break;
		case O_ASSETS: rx.assets = optarg; break;
		case O_PUBLIC: rx.public_url = optarg; break;
		case O_PUSHES: pushes = 1; break;
		case O_DETECT: detect = 1; break;
		case O_CLASSIC: conf.kind = QUAKE_STALTA_CLASSIC; break;
		case O_STA: conf.sta_s = tool_parse_double("--sta", optarg, 0.01, 600); break;
		case O_LTA: conf.lta_s = tool_parse_double("--lta", optarg, 0.02, 3600); break;
		case O_ON: conf.on = tool_parse_double("--on", optarg, 0, 1e6); break;
		case O_OFF: conf.off = tool_parse_double("--off", optarg, 0, 1e6); break;
		case O_MAXLEN: conf.max_len_s = tool_parse_double("--max-len", optarg, 0, 86400); break;
		case O_FLOOR: conf.floor = tool_parse_double("--floor", optarg, 0, 1000); break;
		case O_GAP: conf.gap_s = tool_parse_double("--gap", optarg, 0.001, 3600); break;
		case O_HP: conf.highpass_hz = tool_parse_double("--highpass", optarg, 0.001, 100); break;
		case O_TIMEOUT: conf.timeout_us = tool_parse_duration("--device-timeout", optarg); break;
		case 'k': conf.coinc.k = (int)tool_parse_long("-k", optarg, 2, 256); break;
		case O_WINDOW: conf.coinc.window_us = (int64_t)(tool_parse_double("--window", optarg, 0.001, 3600) * 1e6); break;
		case O_RADIUS: conf.coinc.radius_km = tool_parse_double("--radius", optarg, 0.001, 20000); break;
		case O_HOLD: conf.coinc.hold_us = (int64_t)(tool_parse_double("--hold", optarg, 0, 3600) * 1e6); break;
		case O_ONSETS: onsets = 1; break;
		case O_COINCIDE: coincide = 1; break;
		case O_TRIGGERS:
			if ((triggers_fp = fopen(optarg, "a")) == NULL) {
				quake_log(QUAKE_LOG_ERROR, "cannot open", "file", optarg, NULL);
				return QUAKE_EXIT_IOERR;
			}
			break;
		case O_STATS: tool_stats_every(tool_parse_long("--stats", optarg, 1, 86400)); break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': tool_version();
		default: fputs(usage_text, stderr); return QUAKE_EXIT_USAGE;
		}
	}
	why = optind != argc ? "unexpected argument" :
	    (rx.listen != NULL) + detect + pushes + coincide != 1 ?
	    "one of --listen, --pushes, --detect, --coincide" :
	    onsets && !detect ? "--onsets goes with --detect" :
	    rx.acks != NULL && rx.listen == NULL ? "--acks goes with --listen" :
	    max_skew != 0 && rx.listen == NULL ? "--max-skew goes with --listen" :
	    !(conf.lta_s > conf.sta_s) || !(conf.on >= conf.off) ?
	    "need --lta > --sta and --on >= --off" : NULL;
	if (why != NULL) {
		quake_log(QUAKE_LOG_ERROR, "usage", "reason", why, NULL);
		fputs(usage_text, stderr);
		return QUAKE_EXIT_USAGE;
	}
	if (coincide)
		return tool_out_close(coincide_run(&conf.coinc));
	if (onsets)
		conf.coinc.k = 0;	/* coincidence is --coincide's */
	if (!detect && devices_init(pushes ? 0 : max_rate, 10, conf.timeout_us) != 0) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	devices_max_skew(max_skew);
	if (rx.listen != NULL)
		status = receiver_run(&rx);
	else
		status = filter(detect, &conf);
	devices_free();
	return status;
}
