#!/usr/bin/env python3
"""archive-check.py URL LINES — quake-map --archive against the newest
revision of each event in LINES (all of which are in its table, the recent
ones also held): ObsPy's FDSN client, unmodified, over last year and over a
decade, ordered and cut, and /count, each against a reference filter.
Prints one "PASS name" / "FAIL name: why" line per check."""
import datetime, json, sys, urllib.parse, urllib.request, warnings

warnings.simplefilter("ignore")
from obspy import UTCDateTime
from obspy.clients.fdsn import Client

base, lines = sys.argv[1], sys.argv[2]
events = {}
for l in open(lines):
    e = json.loads(l)
    if e["id"] not in events or events[e["id"]]["lastupdate"] < e["lastupdate"]:
        events[e["id"]] = e


def report(ok, name, why=""):
    print("PASS %s" % name if ok else "FAIL %s: %s" % (name, why), flush=True)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


now = datetime.datetime.now(datetime.timezone.utc)
c = Client(base, timeout=60)
cases = [
    ("last year, M6+", dict(starttime=now - datetime.timedelta(days=365), endtime=now, minmagnitude=6)),
    ("a decade, M6.5+", dict(starttime=now - datetime.timedelta(days=3652), endtime=now, minmagnitude=6.5)),
    ("two years, by magnitude, limit 10 offset 3", dict(starttime=now - datetime.timedelta(days=730),
     endtime=now, orderby="magnitude", limit=10, offset=3)),
    ("last year, a box, M5+, oldest first", dict(starttime=now - datetime.timedelta(days=365), endtime=now,
     minlatitude=-40, maxlatitude=50, minlongitude=-120, maxlongitude=80, minmagnitude=5, orderby="time-asc")),
]
for name, q in cases:
    sel = [e for e in events.values() if iso(q["starttime"]) <= e["time"] <= iso(q["endtime"])
           and e["mag"] >= q.get("minmagnitude", -99)
           and q.get("minlatitude", -90) <= e["lat"] <= q.get("maxlatitude", 90)
           and q.get("minlongitude", -180) <= e["lon"] <= q.get("maxlongitude", 180)]
    o = q.get("orderby", "time")
    key = (lambda e: (e["mag"], e["time"], e["id"])) if o.startswith("magnitude") else (lambda e: (e["time"], e["id"]))
    sel.sort(key=key, reverse=not o.endswith("-asc"))
    total = len(sel)
    off = q.get("offset", 1) - 1
    sel = sel[off:off + q["limit"]] if "limit" in q else sel[off:]
    kw = {k: (UTCDateTime(v) if isinstance(v, datetime.datetime) else v) for k, v in q.items()}
    try:
        cat = c.get_events(**kw)
        ids = [str(ev.resource_id).rsplit("/", 1)[-1] for ev in cat]
    except Exception as e:
        ids = [] if "No data" in str(e) else None
        why = str(e)[:200]
    if ids is None:
        report(False, "obspy get_events %s" % name, why)
        continue
    want = [e["id"] for e in sel]
    report(ids == want and len(want) > 0, "obspy get_events %s (%d events)" % (name, len(want)),
           "%d ids, %d wanted, first %s vs %s" % (len(ids), len(want), ids[:2], want[:2]))
    cq = {k: (iso(v) if isinstance(v, datetime.datetime) else v) for k, v in q.items() if k not in ("limit", "offset", "orderby")}
    got = urllib.request.urlopen(base + "/fdsnws/event/1/count?" + urllib.parse.urlencode(cq), timeout=60).read().decode().strip()
    report(got == str(total), "count agrees: %s" % name, "%s vs %d" % (got, total))
