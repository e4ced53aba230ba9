/* quake.h — libquake, everything the quake tools share. Installed as
 * <quake.h> with the module headers under <quake/…>. */
#ifndef QUAKE_H
#define QUAKE_H

#include "quake/qerr.h"
#include "quake/log.h"
#include "quake/qtime.h"
#include "quake/buf.h"
#include "quake/json.h"
#include "quake/event.h"
#include "quake/ndjson.h"
#include "quake/ack.h"
#include "quake/sigv4.h"
#include "quake/ddb.h"
#include "quake/creds.h"
#include "quake/seen.h"
#include "quake/state.h"
#include "quake/http.h"
#include "quake/stalta.h"
#include "quake/sample.h"
#include "quake/coinc.h"
#include "quake/shake.h"
#include "quake/fdsnq.h"
#include "quake/quakeml.h"
#include "quake/fdsntext.h"
#include "quake/geojson.h"

#endif
