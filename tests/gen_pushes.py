#!/usr/bin/env python3
"""gen_pushes.py SCENARIO [T0_NS] - Sensor Logger HTTP push bodies, one per
line, as phones send them: a push a second per phone, ~100 Hz accelerometer
samples (times in epoch ns, jittered), gravity and gyroscope entries that
must be ignored, a location every 10 s.

network: five phones within 5 km; "a" shaken alone at 20 s, "b", "c", "d"
         shaken together from 40 s, "e" quiet (totalacceleration only).
table:   one phone put down on a table at 15 s (one knock, then still).
straddle: three phones shaken together from 30 s on both sides of the
         47.5-degree cell edge ("a" south of it, "b" and "c" north), "e"
         quiet south of it: samples keyed by cell split them.
four:    straddle's phones and "d" north of the edge, shaken from 32.5 s:
         four phones within 4 km, the fourth trigger after the group of
         three is made (the group grows).
Deterministic (random.Random with fixed seeds)."""
import json
import math
import random
import sys

T0 = int(sys.argv[2]) if len(sys.argv) > 2 else 1764576000 * 10**9

PHONES = {
    "network": [
        dict(id="a", lat=47.37, lon=8.54, shake=(20, 3, 0.8)),
        dict(id="b", lat=47.38, lon=8.55, shake=(40, 4, 0.5)),
        dict(id="c", lat=47.36, lon=8.52, shake=(40.8, 4, 0.6)),
        dict(id="d", lat=47.39, lon=8.50, shake=(41.5, 4, 0.4)),
        dict(id="e", lat=47.35, lon=8.56, total=True),
    ],
    "table": [dict(id="t", lat=47.37, lon=8.54, knock=15)],
    "straddle": [
        dict(id="a", lat=47.49, lon=8.60, shake=(30, 4, 0.5)),
        dict(id="b", lat=47.51, lon=8.62, shake=(30.6, 4, 0.6)),
        dict(id="c", lat=47.505, lon=8.58, shake=(31.2, 4, 0.45)),
        dict(id="e", lat=47.48, lon=8.61),
    ],
    "four": [
        dict(id="a", lat=47.49, lon=8.60, shake=(30, 4, 0.5)),
        dict(id="b", lat=47.51, lon=8.62, shake=(30.6, 4, 0.6)),
        dict(id="c", lat=47.505, lon=8.58, shake=(31.2, 4, 0.45)),
        dict(id="d", lat=47.515, lon=8.60, shake=(32.5, 4, 0.7)),
        dict(id="e", lat=47.48, lon=8.61),
    ],
}
SECONDS = {"network": 60, "table": 30, "straddle": 45, "four": 45}


def gauss(rng):
    return math.sqrt(-2 * math.log(rng.random() or 1e-300)) * math.cos(2 * math.pi * rng.random())


def accel(p, rng, s):
    x, y, z = (0.01 * gauss(rng) for _ in range(3))
    if "shake" in p:
        at, dur, amp = p["shake"]
        if at <= s < at + dur:
            x += amp * math.sin(2 * math.pi * 3 * s)
            y += 0.7 * amp * math.cos(2 * math.pi * 5 * s)
    if "knock" in p and s >= p["knock"]:
        k = s - p["knock"]
        z += 5 * math.exp(-k / 0.04) * math.sin(2 * math.pi * 25 * k)
        if k > 0.3:
            x, y, z = x * 0.2, y * 0.2, z * 0.2
    return x, y, z


def main():
    name = sys.argv[1]
    phones = PHONES[name]
    state = {p["id"]: [random.Random(hash_seed(p["id"])), 0.0, 0] for p in phones}
    for sec in range(SECONDS[name]):
        for p in phones:
            rng, s, msg = state[p["id"]]
            payload = []
            while s < sec + 1:
                x, y, z = accel(p, rng, s)
                t = T0 + int(round(s * 1e9))
                if p.get("total"):
                    payload.append({"name": "totalacceleration", "time": t,
                                    "values": {"x": x, "y": y, "z": z + 9.80665}})
                else:
                    payload.append({"name": "accelerometer", "time": t,
                                    "values": {"x": x, "y": y, "z": z}})
                    if len(payload) % 10 == 1:
                        payload.append({"name": "gravity", "time": t,
                                        "values": {"x": 0.1, "y": 0.2, "z": 9.79}})
                        payload.append({"name": "gyroscope", "time": t,
                                        "x": 0.001, "y": 0.0, "z": -0.002})
                s += 0.01 * (0.8 + 0.4 * rng.random())
            if sec % 10 == 0:
                payload.append({"name": "location", "time": T0 + sec * 10**9,
                                "values": {"latitude": p["lat"], "longitude": p["lon"],
                                           "altitude": 408.0, "horizontalAccuracy": 12.0}})
            state[p["id"]] = [rng, s, msg + 1]
            print(json.dumps({"messageId": msg, "sessionId": "sess-" + p["id"],
                              "deviceId": "phone-" + p["id"], "payload": payload},
                             separators=(",", ":")))


def hash_seed(s):
    return sum(ord(c) * 131 ** i for i, c in enumerate(s))


if __name__ == "__main__":
    main()
