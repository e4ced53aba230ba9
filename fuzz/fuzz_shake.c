/* fuzz_shake — Sensor Logger push bodies and sample-batch lines: never
 * crash or leak; what parses is written back, read back the same, and fed
 * to the detector. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lines/push.h"
#include "lines/samples.h"
#include "shake/shake.h"

static void
sink(void *arg, enum quake_shake_report what, const struct quake_trigger *t,
    const struct quake_detection *d)
{
	char out[QUAKE_TRIGGER_FORMAT_MAX];

	(void)arg;
	if (what == QUAKE_SHAKE_ONSET)
		(void)quake_trigger_format_onset(t, out, sizeof out);
	else if (t != NULL)
		(void)quake_trigger_format(t, out, sizeof out);
	else
		(void)quake_detection_format(d, out, sizeof out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct quake_samples a, b;
	struct quake_shake_conf conf;
	struct quake_shake *sh;
	struct quake_fail f;
	char *line = NULL;
	size_t cap = 0, n;

	if (a.cap == 0) {
		quake_samples_init(&a, 4096);
		quake_samples_init(&b, 4096);
	}
	quake_shake_conf_default(&conf);
	quake_shake_new(&conf, &sh);
	if (quake_push_parse((const char *)data, size, &a, &f) == QUAKE_OK &&
	    (n = quake_samples_format(&a, &line, &cap)) > 0) {
		if (quake_samples_parse(line, n, &b, &f) != QUAKE_OK || b.n != a.n)
			abort();
		quake_shake_feed(sh, &b, sink, NULL);
	}
	if (quake_samples_parse((const char *)data, size, &b, &f) == QUAKE_OK)
		quake_shake_feed(sh, &b, sink, NULL);
	quake_shake_finish(sh, sink, NULL);
	quake_shake_free(sh);
	free(line);
	return 0;
}
