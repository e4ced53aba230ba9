#!/usr/bin/env python3
"""map-check.py gen OUT | fdsn URL LINES | obspy URL LINES | sse URL LINES FIFO

gen: the replayed input (tests/map-lines.py's 7 days of events, the real EMSC
fixtures of tests/golden, an update of every 10th event, a stale revision of
every 15th that must be ignored). fdsn: the text, geojson and count answers
against an independent reference filter over the same lines; obspy: ObsPy's
FDSN client (get_events, QuakeML) against the same reference; sse: the event
stream (initial set, since, Last-Event-ID, minmagnitude, live lines written to
FIFO, updates). Prints one "PASS name" / "FAIL name: why" line per check."""
import datetime, glob, json, math, os, re, socket, subprocess, sys, time, urllib.error, urllib.parse, urllib.request

def us(s):  # ISO time (optional Z, 0-9 fraction digits) -> µs since the epoch
    s = s.rstrip("Z")
    if len(s) == 10:
        s += "T00:00:00"
    base, _, frac = s.partition(".")
    d = datetime.datetime.strptime(base.replace(" ", "T"), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return int(d.timestamp()) * 1000000 + int((frac + "000000")[:6])

def held(path):  # the newest revision of each id: lastupdate strictly newer wins
    events = {}
    for line in open(path):
        try:
            e = json.loads(line)
            us(e["time"]), us(e["lastupdate"])
        except Exception:
            continue
        if not isinstance(e, dict) or "id" not in e:
            continue
        old = events.get(e["id"])
        if old is None or us(e["lastupdate"]) > us(old["lastupdate"]):
            events[e["id"]] = e
    return events

def dist(lat1, lon1, lat2, lon2):  # great circle, degrees (spherical law of cosines)
    r = math.radians
    c = math.sin(r(lat1)) * math.sin(r(lat2)) + math.cos(r(lat1)) * math.cos(r(lat2)) * math.cos(r(lon2 - lon1))
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))

def reference(events, q):
    out = []
    for e in events.values():
        t = us(e["time"])
        if "starttime" in q and t < us(q["starttime"]): continue
        if "endtime" in q and t > us(q["endtime"]): continue
        if "updatedafter" in q and us(e["lastupdate"]) <= us(q["updatedafter"]): continue
        if not float(q.get("minlatitude", -90)) <= e["lat"] <= float(q.get("maxlatitude", 90)): continue
        lo, hi = float(q.get("minlongitude", -180)), float(q.get("maxlongitude", 180))
        if (lo <= hi and not lo <= e["lon"] <= hi) or (lo > hi and hi < e["lon"] < lo): continue
        if "latitude" in q:
            d = dist(float(q["latitude"]), float(q["longitude"]), e["lat"], e["lon"])
            if not float(q.get("minradius", 0)) <= d <= float(q.get("maxradius", 180)): continue
        if not float(q.get("mindepth", -1e9)) <= e["depth"] <= float(q.get("maxdepth", 1e9)): continue
        if not float(q.get("minmagnitude", -1e9)) <= e["mag"] <= float(q.get("maxmagnitude", 1e9)): continue
        if "magnitudetype" in q and e["magtype"].lower() != q["magnitudetype"].lower(): continue
        if "eventid" in q and e["id"] != q["eventid"]: continue
        out.append(e)
    order = q.get("orderby", "time")
    key = (lambda e: (e["mag"], us(e["time"]), e["id"])) if order.startswith("magnitude") else \
          (lambda e: (us(e["time"]), e["id"]))
    out.sort(key=key, reverse=not order.endswith("-asc"))
    off = int(q.get("offset", 1)) - 1
    out = out[off:]
    if "limit" in q:
        out = out[:int(q["limit"])]
    return out

def queries(events):
    ev = sorted(events.values(), key=lambda e: us(e["time"]))
    mid = ev[len(ev) // 2]
    t0, t1 = ev[len(ev) // 3]["time"], ev[2 * len(ev) // 3]["time"]
    return [
        ("all", {}),
        ("time window", {"starttime": t0[:19], "endtime": t1[:19]}),
        ("time, exact bounds", {"starttime": t0, "endtime": t1}),
        ("start only, date form", {"starttime": t1[:10]}),
        ("box", {"minlatitude": "30", "maxlatitude": "45", "minlongitude": "10", "maxlongitude": "40"}),
        ("box across the antimeridian", {"minlatitude": "-60", "maxlatitude": "60", "minlongitude": "170", "maxlongitude": "-170"}),
        ("radius", {"latitude": "35.7", "longitude": "139.8", "maxradius": "4"}),
        ("ring", {"latitude": "38", "longitude": "25", "minradius": "1", "maxradius": "10"}),
        ("depth", {"mindepth": "50", "maxdepth": "150"}),
        ("magnitude", {"minmagnitude": "4", "maxmagnitude": "6"}),
        ("magnitude type", {"magnitudetype": "mb"}),
        ("orderby magnitude, limit", {"orderby": "magnitude", "limit": "25"}),
        ("orderby magnitude-asc, limit, offset", {"orderby": "magnitude-asc", "limit": "10", "offset": "7"}),
        ("orderby time-asc, offset", {"orderby": "time-asc", "limit": "30", "offset": "100"}),
        ("eventid", {"eventid": mid["id"]}),
        ("updatedafter", {"updatedafter": mid["lastupdate"][:19]}),
        ("everything at once", {"starttime": t0[:19], "minlatitude": "-50", "maxlatitude": "70",
                                "minmagnitude": "2.5", "maxdepth": "300", "orderby": "magnitude", "limit": "50"}),
    ]

def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()

def report(ok, name, why=""):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))
    sys.stdout.flush()

def same_event(e, f):  # f: the fields quake-map gave, in the line's names and types
    for k in ("id", "time", "lat", "lon", "depth", "mag", "magtype", "region", "auth", "lastupdate"):
        if k in f and f[k] != e[k]:
            return "%s: %r != %r" % (k, f[k], e[k])
    return None

def fdsn(base, lines):
    events = held(lines)
    for name, q in queries(events):
        want = reference(events, q)
        qs = urllib.parse.urlencode(q)
        st, body = get("%s/fdsnws/event/1/query?%s&format=geojson" % (base, qs))
        got = json.loads(body)["features"] if st == 200 else []
        why = None if st == (200 if want else 204) else "status %d" % st
        if why is None and [g["id"] for g in got] != [e["id"] for e in want]:
            why = "ids differ: %d vs %d wanted" % (len(got), len(want))
        for g, e in zip(got, want):
            p = g["properties"]
            f = {"id": g["id"], "time": p["time"], "lastupdate": p["lastupdate"], "lat": p["lat"], "lon": p["lon"],
                 "depth": p["depth"], "mag": p["mag"], "magtype": p["magtype"], "region": p["flynn_region"], "auth": p["auth"]}
            why = why or same_event(e, f) or (None if g["geometry"]["coordinates"] == [e["lon"], e["lat"], -e["depth"] if e["depth"] else 0.0] else "coordinates")
        report(why is None, "geojson %s (%d events)" % (name, len(want)), why)
        st, body = get("%s/fdsnws/event/1/query?%s&format=text" % (base, qs))
        rows = [l.split("|") for l in body.splitlines()[1:]] if st == 200 else []
        why = None if st == (200 if want else 204) else "status %d" % st
        if why is None and want and not body.startswith("#EventID|Time|Latitude|Longitude|Depth/km|Author|"):
            why = "header"
        if why is None and [r[0] for r in rows] != [e["id"] for e in want]:
            why = "ids differ"
        for r, e in zip(rows, want):
            f = {"id": r[0], "time": r[1] + "Z", "lat": float(r[2]), "lon": float(r[3]), "depth": float(r[4]),
                 "auth": r[5], "magtype": r[9], "mag": float(r[10]), "region": r[12]}
            why = why or same_event(e, f)
        report(why is None, "text %s" % name, why)
        cq = {k: v for k, v in q.items() if k not in ("limit", "offset", "orderby")}
        st, body = get("%s/fdsnws/event/1/count?%s" % (base, urllib.parse.urlencode(cq)))
        report(st == 200 and body.strip() == str(len(reference(events, cq))), "count %s" % name, "%d %s" % (st, body[:40]))
    # a broken %-escape never reaches the parser: libwebsockets refuses the URL
    st, body = get(base + "/fdsnws/event/1/query?minlat=%zz")
    report((st == 403 and "<h1>403</h1>" in body) or (st == 400 and "Error 400" in body),
           "a broken %%-escape is refused (%d)" % st, body[:80])
    st, body = get(base + "/fdsnws/event/1/query?minmagnitude=9.95&nodata=404")
    report(st == 404, "nodata=404: 404", st)
    st, body = get(base + "/fdsnws/event/1/query?minmagnitude=9.95")
    report(st == 204 and body == "", "no data: 204, empty", st)
    for q, param in (("bogus=1", "bogus"), ("minlat=abc", "minlatitude"), ("starttime=yesterday", "starttime"),
                     ("format=csv", "format"), ("lat=10", "longitude"), ("limit=0", "limit"),
                     ("minmag=5&maxmag=4", "minmagnitude"), ("orderby=size", "orderby")):
        st, body = get("%s/fdsnws/event/1/query?%s" % (base, q))
        ok = st == 400 and body.startswith("Error 400: Bad Request") and param in body and "Service version:\n1.2.0" in body and "Request:\n/fdsnws/event/1/query?" in body
        report(ok, "400 with the FDSN error text naming %s (%s)" % (param, q), "%d %r" % (st, body[:80]))

def obspy(base, lines):
    import warnings
    warnings.simplefilter("ignore")
    from obspy import UTCDateTime
    from obspy.clients.fdsn import Client
    events = held(lines)
    c = Client(base, timeout=60)
    report("event" in c.services, "obspy discovers the event service (WADL)", c.services.keys())
    for name, q in queries(events):
        want = reference(events, q)
        kw = {k: (UTCDateTime(v) if k in ("starttime", "endtime", "updatedafter") else
                  v if k in ("orderby", "eventid", "magnitudetype") else
                  int(v) if k in ("limit", "offset") else float(v)) for k, v in q.items()}
        if name == "time, exact bounds":
            continue  # ObsPy sends UTCDateTime's own text; the bounds case is in fdsn
        try:
            cat = c.get_events(**kw)
        except Exception as e:  # FDSNNoDataException when nothing matches
            cat = [] if "No data" in str(e) else None
            why = None if cat is not None else str(e)[:100]
        if cat is None:
            report(False, "obspy get_events %s" % name, why)
            continue
        ids = [str(ev.resource_id).rsplit("/", 1)[-1] for ev in cat]
        why = None if ids == [e["id"] for e in want] else "ids differ: %d vs %d wanted" % (len(ids), len(want))
        for ev, e in zip(cat, want):
            o, m = ev.preferred_origin(), ev.preferred_magnitude()
            f = {"time": o.time.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "lat": o.latitude, "lon": o.longitude,
                 "depth": o.depth / 1000, "mag": m.mag, "magtype": m.magnitude_type,
                 "region": ev.event_descriptions[0].text}
            why = why or same_event(e, f)
        report(why is None, "obspy get_events %s (%d events)" % (name, len(want)), why)

def nmsg(buf):  # whole messages with data read so far
    return len(re.findall(rb"\ndata: [^\n]*\n\n", buf))

def sse_read(base, path, headers=(), until=None, seconds=5):
    u = urllib.parse.urlsplit(base)
    s = socket.create_connection((u.hostname, u.port), timeout=seconds)
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n%s\r\n" %
               (path, "".join("%s: %s\r\n" % h for h in headers))).encode())
    buf, end = b"", time.time() + seconds
    while time.time() < end and not (until and until(buf)):
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if not d:
            break
        buf += d
    s.close()
    head, _, body = buf.partition(b"\r\n\r\n")
    msgs = []
    # the part after the last blank line is a message still arriving
    for block in body.decode(errors="replace").split("\n\n")[:-1]:
        f = dict(l.split(": ", 1) for l in block.split("\n") if ": " in l and not l.startswith(":"))
        if "data" in f:
            msgs.append((f["id"], json.loads(f["data"])))
    return head.decode(errors="replace"), msgs, body.decode(errors="replace")

def sse(base, lines, fifo):
    events = held(lines)
    n = len(events)
    head, msgs, _ = sse_read(base, "/events/stream", until=lambda b: nmsg(b) >= n)
    report("text/event-stream" in head and len(msgs) == n, "sse: the whole set on connect (%d)" % n, "%d messages" % len(msgs))
    report(sorted(m[1]["id"] for m in msgs) == sorted(events) and
           all(m[1]["lastupdate"] == events[m[1]["id"]]["lastupdate"] for m in msgs),
           "sse: each event once, at its newest revision")
    # lines without a position: one source, "~<start>:0:<stdin line>"
    ids = [m[0] for m in msgs]
    src = {i.rsplit(":", 2)[0] for i in ids}
    offs = [int(i.rsplit(":", 1)[1]) for i in ids]
    report(len(src) == 1 and next(iter(src)).startswith("~") and offs == sorted(offs) and
           len(set(offs)) == len(offs), "sse: ids are the stdin pseudo topic's line numbers, rising", ids[:3])
    cut = ids[len(ids) // 2]
    _, later, _ = sse_read(base, "/events/stream?since=%s" % cut, until=lambda b: nmsg(b) >= n - len(ids) // 2 - 1, seconds=3)
    report([m[0] for m in later] == ids[len(ids) // 2 + 1:], "sse: ?since=ID sends only what came after")
    _, later2, _ = sse_read(base, "/events/stream", headers=[("Last-Event-ID", cut)], until=lambda b: nmsg(b) >= n - len(ids) // 2 - 1, seconds=3)
    report([m[0] for m in later2] == ids[len(ids) // 2 + 1:], "sse: Last-Event-ID sends only what came after")
    big = [e for e in events.values() if e["mag"] >= 5]
    _, m5, _ = sse_read(base, "/events/stream?minmagnitude=5", until=lambda b: nmsg(b) >= len(big), seconds=3)
    report(sorted(m[1]["id"] for m in m5) == sorted(e["id"] for e in big), "sse: minmagnitude=5 (%d events)" % len(big))
    # live: a new line and an update of it, written while a client waits
    new = dict(next(iter(events.values())), id="20991231_0000001", mag=3.3, action="create",
               time="2026-11-29T00:00:00.000000Z", lastupdate="2026-11-29T00:10:00.000000Z")
    upd = dict(new, mag=4.4, action="update", lastupdate="2026-11-29T00:20:00.000000Z")
    def writer():
        time.sleep(0.5)
        with open(fifo, "w") as w:
            w.write(json.dumps(new, separators=(",", ":")) + "\n")
            w.flush()
            time.sleep(0.3)
            w.write(json.dumps(upd, separators=(",", ":")) + "\n")
    import threading
    th = threading.Thread(target=writer)
    th.start()
    _, live, _ = sse_read(base, "/events/stream?since=%s" % ids[-1], until=lambda b: nmsg(b) >= 2, seconds=5)
    th.join()
    report([(m[1]["id"], m[1]["mag"]) for m in live] == [(new["id"], 3.3), (new["id"], 4.4)],
           "sse: a line written to stdin, then its update, reach a waiting client", live)
    st, body = get(base + "/fdsnws/event/1/query?eventid=20991231_0000001&format=text")
    report(st == 200 and body.count("\n") == 2 and "|4.4|" in body, "fdsn: the update replaced the event (one row, M4.4)")
    st, body = get(base + "/events/stream?since=abc")
    report(st == 400, "sse: ?since=abc is 400", st)

def gen(out):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "map-lines.py"), "3000", now],
                          capture_output=True, text=True, check=True).stdout.splitlines()
    golden = [l for f in sorted(glob.glob(os.path.join(os.path.dirname(__file__), "golden", "*.ndjson")))
              for l in open(f).read().splitlines()]
    extra = []
    for i, l in enumerate(base):
        e = json.loads(l)
        if i % 10 == 0:
            extra.append(dict(e, action="update", mag=round(e["mag"] + 0.3, 1),
                              lastupdate=e["lastupdate"][:11] + "23:59:59.999999Z"))
        if i % 15 == 0:
            extra.append(dict(e, action="update", mag=9.9, lastupdate=e["lastupdate"]))  # not newer: ignored
    with open(out, "w") as w:
        for l in base + golden:
            w.write(l + "\n")
        for e in extra:
            w.write(json.dumps(e, separators=(",", ":")) + "\n")

if __name__ == "__main__":
    mode = sys.argv[1]
    {"gen": lambda: gen(sys.argv[2]), "fdsn": lambda: fdsn(sys.argv[2], sys.argv[3]),
     "obspy": lambda: obspy(sys.argv[2], sys.argv[3]), "sse": lambda: sse(sys.argv[2], sys.argv[3], sys.argv[4])}[mode]()
