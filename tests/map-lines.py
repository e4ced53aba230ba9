#!/usr/bin/env python3
"""map-lines.py N [NOW] [--days D --b B --min M] — N canonical event lines in the last
7 days before NOW (ISO 8601, default the current time), newest last, placed in
real seismic zones with their Flinn-Engdahl region names; deterministic for a
given N and NOW. The map's browser tests and its screenshot replay them.
--days D spreads them over D days instead; --b B draws magnitudes from M1.0
by Gutenberg-Richter with that b-value (1.0 is the global average: ~3% are
M2.5 or more) instead of the default, dense in larger events; --min M starts
that draw at M instead of M1.0 (scripts/quake-run's offline week: 2000
events, --min 2.5 --b 0.8, about 120 of M4+ and 20 of M5+, near what the
world has in a week)."""
import datetime, math, random, sys

ZONES = [  # lat, lon, spread (deg), depth range (km), region
    (38.3, 142.4, 2.0, (10, 60), "NEAR EAST COAST OF HONSHU, JAPAN"),
    (35.7, 139.8, 1.0, (20, 80), "NEAR COAST OF EASTERN HONSHU, JAPAN"),
    (-6.2, 130.5, 2.5, (50, 600), "BANDA SEA"),
    (-4.0, 143.3, 2.0, (10, 120), "NEW GUINEA, PAPUA NEW GUINEA"),
    (-20.5, -178.5, 2.0, (100, 650), "FIJI REGION"),
    (-21.2, -175.0, 1.5, (10, 200), "TONGA"),
    (-33.0, -71.8, 2.0, (10, 90), "OFFSHORE VALPARAISO, CHILE"),
    (-30.1, -71.5, 1.5, (30, 60), "COQUIMBO, CHILE"),
    (-15.5, -75.0, 2.0, (20, 120), "NEAR COAST OF SOUTHERN PERU"),
    (36.6, -121.2, 0.8, (2, 15), "CENTRAL CALIFORNIA"),
    (34.1, -117.3, 0.8, (2, 15), "SOUTHERN CALIFORNIA"),
    (61.3, -150.0, 2.0, (10, 120), "SOUTHERN ALASKA"),
    (51.5, 178.5, 3.0, (10, 80), "RAT ISLANDS, ALEUTIAN ISLANDS, ALASKA"),
    (19.4, -155.3, 0.3, (1, 40), "ISLAND OF HAWAII, HAWAII"),
    (38.0, 22.0, 1.5, (5, 30), "GREECE"),
    (38.8, 27.5, 1.5, (5, 20), "WESTERN TURKEY"),
    (37.2, 37.0, 1.0, (5, 20), "CENTRAL TURKEY"),
    (42.5, 13.2, 0.8, (5, 15), "CENTRAL ITALY"),
    (40.8, 14.1, 0.1, (1, 4), "CAMPI FLEGREI, ITALY"),
    (46.3, 7.5, 0.5, (2, 10), "SWITZERLAND"),
    (63.9, -22.4, 0.4, (2, 8), "ICELAND"),
    (35.9, 31.0, 1.0, (10, 40), "EASTERN MEDITERRANEAN SEA"),
    (28.2, 84.7, 1.5, (10, 30), "NEPAL"),
    (36.5, 70.8, 1.0, (100, 220), "HINDU KUSH REGION, AFGHANISTAN"),
    (24.0, 121.6, 1.0, (5, 40), "TAIWAN"),
    (14.0, 120.5, 2.0, (10, 80), "LUZON, PHILIPPINES"),
    (-8.5, 116.0, 1.5, (10, 150), "BALI REGION, INDONESIA"),
    (-0.5, 98.5, 2.0, (10, 60), "SOUTHERN SUMATRA, INDONESIA"),
    (-41.5, 174.0, 1.5, (10, 80), "COOK STRAIT, NEW ZEALAND"),
    (15.0, -93.5, 2.0, (20, 90), "OFFSHORE CHIAPAS, MEXICO"),
    (12.5, -87.5, 1.5, (20, 90), "NEAR COAST OF NICARAGUA"),
    (-1.0, -78.5, 1.5, (10, 180), "ECUADOR"),
    (18.0, -66.8, 0.5, (5, 20), "PUERTO RICO REGION"),
    (-55.8, -27.0, 2.0, (10, 100), "SOUTH SANDWICH ISLANDS REGION"),
    (0.5, -29.5, 2.0, (10, 10), "CENTRAL MID-ATLANTIC RIDGE"),
    (-45.0, 96.0, 4.0, (10, 10), "SOUTHEAST INDIAN RIDGE"),
    (29.5, 57.5, 2.0, (5, 30), "SOUTHERN IRAN"),
    (-3.5, 29.0, 1.0, (5, 20), "LAKE TANGANYIKA REGION"),
]
AGENCIES = ["EMSC", "NEIC", "GFZ", "INGV", "JMA", "NOA", "KOERI", "GUC", "NC", "CI", "AK", "HV", "BMKG", "PHIVOLCS"]

def main():
    args, days, b, m0 = sys.argv[1:], 7, None, 1.0
    if '--days' in args:
        i = args.index('--days'); days = float(args[i + 1]); del args[i:i + 2]
    if '--b' in args:
        i = args.index('--b'); b = float(args[i + 1]); del args[i:i + 2]
    if '--min' in args:
        i = args.index('--min'); m0 = float(args[i + 1]); del args[i:i + 2]
    n = int(args[0])
    now = (datetime.datetime.fromisoformat(args[1].replace("Z", "+00:00")) if len(args) > 1
           else datetime.datetime.now(datetime.timezone.utc))
    rnd = random.Random(n)
    out = []
    for i in range(n):
        lat0, lon0, sp, (d0, d1), region = ZONES[rnd.randrange(len(ZONES))]
        # ages spread over 7 days, denser in the recent past; magnitudes Gutenberg-Richter-like
        age = days * 86400 * rnd.random() ** 1.6
        t = now - datetime.timedelta(seconds=age)
        if b is None:
            mag = round(min(8.2, 1.5 + rnd.expovariate(1.1)), 1)
        else:
            mag = round(min(8.2, m0 + rnd.expovariate(b * math.log(10))), 1)
        lu = t + datetime.timedelta(seconds=60 + rnd.randrange(600))
        if lu > now:
            lu = now
        out.append((t, '{"id":"%s_%07d","action":"create","time":"%s","lastupdate":"%s","lat":%r,"lon":%r,'
                    '"depth":%r,"mag":%r,"magtype":"%s","region":"%s","evtype":"ke","auth":"%s",'
                    '"source_catalog":"EMSC-RTS","source_id":"%d"}' % (
                        t.strftime("%Y%m%d"), 9000000 + i, t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                        lu.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                        round(max(-89.9, min(89.9, lat0 + rnd.uniform(-sp, sp))), 3),
                        round((lon0 + rnd.uniform(-sp, sp) + 180) % 360 - 180, 3),
                        float(rnd.randint(d0, d1)), mag, "mb" if mag >= 4.5 else "ml", region,
                        rnd.choice(AGENCIES), 1000000 + i)))
    for _, line in sorted(out):
        print(line)

main()
