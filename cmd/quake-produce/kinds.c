/* kinds — quake-shake's sample batches keyed by their phone's cell, and its
 * onset and trigger lines keyed by device (the status line's id is the
 * device either way); its detection lines keyed by their id. */
#include <string.h>

#include "kinds.h"
#include "lines/detection.h"
#include "lines/trigger.h"

static struct quake_samples scratch;	/* --kind samples' parse */

static size_t
samples_key(const char *buf, size_t len, char *key, const char **id,
    struct quake_fail *f)
{
	size_t n = quake_samples_key(buf, len, &scratch, key, KIND_KEY_MAX, f);

	*id = scratch.device;
	return n;
}

static size_t
triggers_key(const char *buf, size_t len, char *key, const char **id,
    struct quake_fail *f)
{
	size_t n = quake_trigger_key(buf, len, key, KIND_KEY_MAX, f);

	*id = n > 7 ? key + 7 : "";	/* "device:<id>" */
	return n;
}

/* the reader quake-alert and quake-map use; a detection's revisions share
 * its id, so they stay in order */
static size_t
detections_key(const char *buf, size_t len, char *key, const char **id,
    struct quake_fail *f)
{
	size_t n = quake_detection_key(buf, len, key, KIND_KEY_MAX, f);

	*id = n > 0 ? key : "";
	return n;
}

static const struct kind kinds[] = {
	{ "samples", samples_key },
	{ "triggers", triggers_key },
	{ "detections", detections_key },
};

enum quake_err
kinds_find(const char *name, const struct kind **out)
{
	*out = NULL;
	if (strcmp(name, "event") == 0)
		return QUAKE_OK;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(name, kinds[i].name) != 0)
			continue;
		if (kinds[i].key == samples_key && scratch.cap == 0 &&
		    quake_samples_init(&scratch, QUAKE_SAMPLES_MAX) != QUAKE_OK)
			return QUAKE_ENOMEM;
		*out = &kinds[i];
		return QUAKE_OK;
	}
	return QUAKE_EUSAGE;
}
