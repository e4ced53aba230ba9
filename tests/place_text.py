#!/usr/bin/env python3
"""place_text.py PLACES_TSV — the USGS-style place of each "LAT LON" line on
stdin ("23 km SSE of Petropavlovsk-Kamchatsky, Russia"), computed here, apart
from lib/places, for the map's tests: the nearest place of the file by brute
force (haversine over every line), its distance and the azimuth from it by
pyproj's Geod on the sphere of lib/core/geo (R = 6371008.8 m), the 16-point
direction, km rounded half up. One line out per line in; a line ending in
" ?" when the point is within a hair of a sector edge or half a km (the text
may then differ in its last digit or letter)."""
import math, sys

import numpy as np
from pyproj import Geod

R = 6371008.8
geod = Geod(a=R, b=R)
PTS16 = ["N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"]

names, countries, lat, lon = [], [], [], []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\n").rstrip("\r")
        if not line or line.startswith("#"):
            continue
        n, c, a, o, _ = line.split("\t")
        names.append(n), countries.append(c), lat.append(float(a)), lon.append(float(o))
latd, lond = np.array(lat), np.array(lon)
la, lo = np.radians(latd), np.radians(lond)

for q in sys.stdin:
    qlat, qlon = (float(x) for x in q.split()[:2])
    p1, l1 = math.radians(qlat), math.radians(qlon)
    a = np.sin((p1 - la) / 2) ** 2 + np.cos(la) * math.cos(p1) * np.sin((l1 - lo) / 2) ** 2
    i = int(np.argmin(a))
    az, _, m = geod.inv(lond[i], latd[i], qlon, qlat)
    az %= 360.0
    s = (az + 11.25) / 22.5
    hair = abs(s - round(s)) * 22.5 < 1e-6 or abs(m / 1000 - math.floor(m / 1000) - 0.5) < 1e-6
    print("%d km %s of %s%s%s" % (math.floor(m / 1000 + 0.5), PTS16[math.floor(s) % 16], names[i],
                                  ", " + countries[i] if countries[i] else "", " ?" if hair else ""))
