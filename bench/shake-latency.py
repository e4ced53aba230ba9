#!/usr/bin/env python3
"""shake-latency.py PORT DETECTOR_OUT GROUPS - shake onset to detection
line through the real receiver and detector (quake-shake --listen | quake-
shake --detect, started by bench/run). GROUPS groups of 3 phones, 1 degree
apart, push 100 Hz samples stamped with the wall clock every 0.25 s (the
batch period a user sets in Sensor Logger); after the 10 s LTA warm-up the
groups shake one after another, their phones 0.3 s apart. For each
detection: seconds from the third phone's first shaken sample to the
detection line, and from the POST that carried it. Prints one line per
group, then p50/p99/max."""
import http.client
import json
import math
import random
import sys
import threading
import time

port, out_path, groups = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
PERIOD, WARM, STEP = 0.25, 12.0, 0.6
phones = [(g, k) for g in range(groups) for k in range(3)]
start = time.time()
shake_at = {(g, k): start + WARM + g * STEP + k * 0.3 for g, k in phones}
third = {g: shake_at[(g, 2)] for g in range(groups)}
posted = {}
rng = random.Random(3)
nexts = {p: start for p in phones}
seen = {}


def reader():
    with open(out_path) as fp:
        while len(seen) < groups:
            line = fp.readline()
            if not line:
                time.sleep(0.002)
                continue
            t = time.time()
            j = json.loads(line)
            if j.get("kind") == "detection":
                g = int(round(j["lat"] - 10))
                seen.setdefault(g, t)


th = threading.Thread(target=reader, daemon=True)
th.start()
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
end = start + WARM + groups * STEP + 8
msg = 0
while time.time() < end and len(seen) < groups:
    tick = time.time()
    for p in phones:
        g, k = p
        pl, s = [], nexts[p]
        while s < tick:
            x, y, z = (0.01 * rng.gauss(0, 1) for _ in range(3))
            if shake_at[p] <= s < shake_at[p] + 3:
                x += 0.6 * math.sin(2 * math.pi * 3 * s)
            pl.append({"name": "accelerometer", "time": int(s * 1e9),
                       "values": {"x": x, "y": y, "z": z}})
            s += 0.01
        nexts[p] = s
        if msg < len(phones) or msg % 40 == 0:
            pl.append({"name": "location", "time": int(tick * 1e9),
                       "values": {"latitude": 10 + g, "longitude": 20 + k * 0.01}})
        body = json.dumps({"messageId": msg, "sessionId": "s", "deviceId": f"g{g}-{k}",
                           "payload": pl})
        msg += 1
        conn.request("POST", "/push", body)
        r = conn.getresponse()
        r.read()
        if k == 2 and g not in posted and s > third[g]:
            posted[g] = time.time()
    time.sleep(max(0, PERIOD - (time.time() - tick)))
th.join(timeout=5)
lat, lat_post = [], []
for g in range(groups):
    if g in seen:
        lat.append(seen[g] - third[g])
        lat_post.append(seen[g] - posted.get(g, seen[g]))
        print(f"group {g}: onset->detection {lat[-1]:.3f} s, post->detection {lat_post[-1]:.3f} s")
    else:
        print(f"group {g}: no detection")


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(math.ceil(q * len(v))) - 1)] if v else float("nan")


print(f"detections {len(lat)}/{groups} onset->detection p50 {pct(lat, .5):.3f} p99 {pct(lat, .99):.3f} "
      f"max {max(lat) if lat else float('nan'):.3f} s; post->detection p50 {pct(lat_post, .5):.3f} "
      f"p99 {pct(lat_post, .99):.3f} max {max(lat_post) if lat_post else float('nan'):.3f} s")
