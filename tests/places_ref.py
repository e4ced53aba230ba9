#!/usr/bin/env python3
"""places_ref.py PLACES_EVAL PLACES_TSV — lib/places against an independent
reference over the same gazetteer file: for seeded random points (uniform on
the sphere, plus bands at the poles and the antimeridian, and a few
population thresholds) the nearest place by brute force over every line,
the distance and azimuth from that place by pyproj's Geod on the sphere of
lib/core/geo (R = 6371008.8 m). The place must be the nearest (a different
one only when it is as near within 1e-6 km), the distance equal within
1e-6 km, the 16-point direction the same unless the azimuth is within
1e-6 degree of a sector edge, the text "N km DIR of NAME, COUNTRY" the
same under those two tolerances. Prints each disagreement and a summary;
exit 1 on any."""
import math, random, subprocess, sys

import numpy as np
from pyproj import Geod

R = 6371008.8
geod = Geod(a=R, b=R)
rng = random.Random(26)
ev, path = sys.argv[1], sys.argv[2]
POINTS = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
PTS16 = ["N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"]

names, countries, lat, lon, pop = [], [], [], [], []
with open(path, encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        n, c, a, o, p = line.split("\t")
        names.append(n), countries.append(c)
        lat.append(float(a)), lon.append(float(o)), pop.append(int(p))
lat, lon, pop = np.radians(np.array(lat)), np.radians(np.array(lon)), np.array(pop)
latd, lond = np.degrees(lat), np.degrees(lon)

pts = []
for _ in range(POINTS):   # uniform on the sphere
    pts.append((math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-180, 180)))
for _ in range(POINTS // 6):
    pts.append((rng.uniform(80, 90), rng.uniform(-180, 180)))
    pts.append((rng.uniform(-90, -75), rng.uniform(-180, 180)))
    pts.append((rng.uniform(-60, 70), rng.choice([-1, 1]) * rng.uniform(175, 180)))
pts += [(90.0, 0.0), (-90.0, 0.0), (0.0, 180.0), (0.0, -180.0), (-17.0, 180.0)]
# points near places: small distances, where direction matters most
for _ in range(POINTS // 3):
    i = rng.randrange(len(names))
    pts.append((max(-90.0, min(90.0, latd[i] + rng.uniform(-0.3, 0.3))),
                ((lond[i] + rng.uniform(-0.3, 0.3) + 180.0) % 360.0) - 180.0))
qs = [(a, o, rng.choice([0, 0, 15000, 100000, 1000000])) for a, o in pts]

inp = "".join("%.9f %.9f %d\n" % q for q in qs)
out = subprocess.run([ev, path], input=inp, capture_output=True, text=True, check=True).stdout.splitlines()
if len(out) != len(qs):
    print("places_ref: %d answers for %d points" % (len(out), len(qs)))
    sys.exit(1)

bad = checked = edge = 0
for (qlat, qlon, minpop), line in zip(qs, out):
    idx, km, brg, text = line.split("\t", 3)
    idx, km = int(idx), float(km)
    ok = pop >= minpop
    # brute force: haversine on the same sphere over every qualifying place
    p1, l1 = math.radians(qlat), math.radians(qlon)
    a = np.sin((p1 - lat) / 2) ** 2 + np.cos(lat) * math.cos(p1) * np.sin((l1 - lon) / 2) ** 2
    d = 2 * R / 1000 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    d = np.where(ok, d, np.inf)
    want = int(np.argmin(d))
    checked += 1
    if not np.isfinite(d[want]):
        if idx != -1:
            bad += 1
            print("(%g,%g) >= %d: %s, want none" % (qlat, qlon, minpop, line))
        continue
    if idx < 0 or (idx != want and abs(d[idx] - d[want]) > 1e-6) or not ok[idx]:
        bad += 1
        print("(%g,%g) >= %d: place %d %s (%.6f km), want %d %s (%.6f km)" % (
            qlat, qlon, minpop, idx, names[idx] if idx >= 0 else "-", d[idx] if idx >= 0 else -1,
            want, names[want], d[want]))
        continue
    az, _, m = geod.inv(lond[idx], latd[idx], qlon, qlat)
    az %= 360.0
    if abs(km - m / 1000) > 1e-6:
        bad += 1
        print("(%g,%g): %.9f km, pyproj %.9f" % (qlat, qlon, km, m / 1000))
        continue
    sector = math.floor((az + 11.25) / 22.5) % 16
    near_edge = abs(((az + 11.25) / 22.5) - round((az + 11.25) / 22.5)) * 22.5 < 1e-6 or m < 1.0
    near_half = abs(m / 1000 - math.floor(m / 1000) - 0.5) < 1e-6
    if near_edge or near_half:
        edge += 1
        continue
    wtext = "%d km %s of %s%s" % (math.floor(m / 1000 + 0.5), PTS16[sector], names[idx],
                                  ", " + countries[idx] if countries[idx] else "")
    if text != wtext:
        bad += 1
        print("(%g,%g): [%s], want [%s] (azimuth %.9f)" % (qlat, qlon, text, wtext, az))

print("places_ref: %d points checked over %d places, %d disagreements (%d within a hair of an edge, text not compared)"
      % (checked, len(names), bad, edge))
sys.exit(1 if bad or checked < 1000 else 0)
