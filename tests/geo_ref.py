#!/usr/bin/env python3
"""geo_ref.py GEO_EVAL — quake_geo against independent implementations:
great-circle distances and circles against pyproj's Geod on the same sphere,
polygons (with holes, multipolygons, across the antimeridian) against
shapely. Random but seeded; prints one line per disagreement and a summary;
exit 1 on any."""
import json, math, random, subprocess, sys, tempfile

from pyproj import Geod
from shapely.geometry import LinearRing, MultiPolygon, Point, Polygon, shape

R = 6371008.8
geod = Geod(a=R, b=R)
rng = random.Random(18)
ev = sys.argv[1]
bad = 0
checked = 0


def run(args, pts):
    inp = "".join("%.9f %.9f\n" % p for p in pts)
    out = subprocess.run([ev] + args, input=inp, capture_output=True, text=True, check=True).stdout
    return [(int(a), float(b)) for a, b in (l.split() for l in out.splitlines())]


def circles():
    global bad, checked
    centres = [(89.5, 0.0), (-89.9, 120.0), (-17.8, 178.0), (10.0, -179.9), (38.0, 23.0), (0.0, 0.0)]
    for lat, lon in centres:
        radius = rng.choice([50.0, 300.0, 1500.0])
        pts = []
        for _ in range(400):
            plat = max(-90.0, min(90.0, lat + rng.uniform(-20, 20)))
            plon = ((lon + rng.uniform(-40, 40) + 180.0) % 360.0) - 180.0
            pts.append((plat, plon))
        got = run(["circle", repr(lat), repr(lon), repr(radius)], pts)
        for (plat, plon), (inside, d) in zip(pts, got):
            _, _, m = geod.inv(lon, lat, plon, plat)
            want = m / 1000.0
            checked += 1
            if abs(d - want) > 1e-6 * max(1.0, want):
                bad += 1
                print("distance (%g,%g)-(%g,%g): %.9f, pyproj %.9f" % (lat, lon, plat, plon, d, want))
            elif abs(want - radius) > 1e-6 and inside != (want <= radius):
                bad += 1
                print("circle (%g,%g,%g) point (%g,%g): %d" % (lat, lon, radius, plat, plon, inside))


def star(cx, cy, r, n):
    """A random star-shaped ring around (cx, cy): a simple polygon (one
    radius per vertex and gaps under pi, so the vertices stay in angle
    order: with a factor each for x and y a ring could cross itself, which
    quake refuses)."""
    angs = [(i + rng.uniform(0.1, 0.9)) * 2 * math.pi / n for i in range(n)]  # gaps < pi
    us = [rng.uniform(0.4, 1.0) for _ in angs]
    pts = [(cx + r * u * math.cos(a), cy + r * 0.6 * u * math.sin(a)) for a, u in zip(angs, us)]
    assert LinearRing(pts + [pts[0]]).is_simple
    return pts + [pts[0]]


def wrap(x):
    return ((x + 180.0) % 360.0) - 180.0


def polygons():
    global bad, checked
    for k in range(30):
        across = k % 3 == 2
        cx = 180.0 if across else rng.uniform(-150, 150)
        cy = rng.uniform(-60, 60)
        polys = []
        for j in range(1 + k % 2):
            shell = star(cx + 25 * j, cy, 15, 12)
            holes = [star(cx + 25 * j, cy, 3, 6)] if k % 4 != 0 else []
            polys.append((shell, holes))
        # the file is plain GeoJSON: longitudes wrapped into [-180, 180]
        gj = {"type": "MultiPolygon", "coordinates": [
            [[[wrap(x), y] for x, y in ring] for ring in [s] + h] for s, h in polys]}
        ref = MultiPolygon([Polygon(s, h) for s, h in polys])  # unwrapped
        pts = [(rng.uniform(cy - 15, cy + 15), wrap(rng.uniform(cx - 20, cx + 45))) for _ in range(500)]
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump(gj, f)
            f.flush()
            got = run([f.name], pts)
        for (plat, plon), (inside, _) in zip(pts, got):
            # the reference tests the point at each 360-degree shift
            cands = [Point(plon + s, plat) for s in (-360.0, 0.0, 360.0)]
            if any(ref.boundary.distance(c) < 1e-7 for c in cands):
                continue
            want = any(ref.contains(c) for c in cands)
            checked += 1
            if bool(inside) != want:
                bad += 1
                print("polygon %d point (%g,%g): %d, shapely %d" % (k, plat, plon, inside, want))


circles()
polygons()
print("geo_ref: %d points checked, %d disagreements" % (checked, bad))
sys.exit(1 if bad or checked < 10000 else 0)
