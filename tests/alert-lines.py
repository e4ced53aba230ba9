#!/usr/bin/env python3
"""alert-lines.py N [SEED] — N event lines for quake-alert's fault tests:
N/5 events near Tokyo, in Greece or elsewhere, each revised several times
(magnitudes up and down, now and then a stale or repeated revision), the
revisions of different events interleaved. Origin times are recent."""
import json, random, sys, time

n = int(sys.argv[1])
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 18)
places = [(35.7, 139.7, "NEAR COAST OF HONSHU, JAPAN"), (38.0, 23.5, "GREECE"), (-20.0, -70.0, "NORTHERN CHILE")]
now = time.time()
events = []
for e in range(max(1, n // 5)):
    lat, lon, region = rng.choice(places)
    events.append({"id": "20261201_%07d" % e, "t": now - 3600 + e, "lat": lat + rng.uniform(-1, 1),
                   "lon": lon + rng.uniform(-1, 1), "mag": rng.uniform(3.5, 5.5), "lu": now - 3000 + e, "region": region})
iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int((t % 1) * 1e6)
for i in range(n):
    ev = rng.choice(events)
    r = rng.random()
    if r < 0.1:
        lu = ev["lu"] - rng.uniform(1, 100)   # stale
    elif r < 0.15:
        lu = ev["lu"]                          # repeated
    else:
        ev["lu"] += rng.uniform(1, 60)
        ev["mag"] = max(2.0, min(8.0, ev["mag"] + rng.uniform(-0.4, 0.6)))
        lu = ev["lu"]
    print(json.dumps({"id": ev["id"], "action": "update", "time": iso(ev["t"]), "lastupdate": iso(lu),
                      "lat": round(ev["lat"], 4), "lon": round(ev["lon"], 4), "depth": 10.0,
                      "mag": round(ev["mag"], 1), "magtype": "mb", "region": ev["region"], "evtype": "ke",
                      "auth": "EMSC", "source_catalog": "EMSC-RTS", "source_id": str(i)}, separators=(",", ":")))
