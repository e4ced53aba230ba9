#!/usr/bin/env python3
"""alert-bench.py latency QUAKE_ALERT WORKDIR RATE COUNT
   alert-bench.py rules WORKDIR NRULES NEVENTS

latency: quake-alert with one webhook rule that every line matches, fed
COUNT new events at RATE lines/s; a receiver on 127.0.0.1 (this process)
notes when each webhook arrives. Prints "p50_ms p99_ms max_ms n".

rules: writes WORKDIR/rules.json (NRULES circles and rectangles, random
thresholds 4-8, webhooks to 127.0.0.1:23019) and WORKDIR/events.ndjson
(NEVENTS events, Gutenberg-Richter magnitudes), and times a plain Python
evaluation of the same rules (what a bot would do) on a sample: prints its
events/s on one core."""
import json, math, os, random, subprocess, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

rng = random.Random(18)
iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int((t % 1) * 1e6)


def event(i, now, mag=None, lat=None, lon=None):
    return {"id": "bench_%07d" % i, "action": "create", "time": iso(now - 60), "lastupdate": iso(now),
            "lat": round(rng.uniform(-60, 70) if lat is None else lat, 4),
            "lon": round(rng.uniform(-180, 180) if lon is None else lon, 4), "depth": 10.0,
            "mag": round(2.0 + rng.expovariate(math.log(10)) if mag is None else mag, 1),
            "magtype": "mb", "region": "BENCH", "evtype": "ke", "auth": "EMSC",
            "source_catalog": "EMSC-RTS", "source_id": str(i)}


def latency(alert, work, rate, count):
    got = {}
    lock = threading.Lock()

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            t = time.time()
            with lock:
                got[json.loads(body)["id"]] = t
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    srv = ThreadingHTTPServer(("127.0.0.1", 23018), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    sec = os.path.join(work, "secret")
    with open(sec, "w") as f:
        f.write("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=\n")
    os.chmod(sec, 0o600)
    rules = os.path.join(work, "lat-rules.json")
    json.dump([{"name": "all", "webhook": {"url": "http://127.0.0.1:23018/hook", "secret_file": sec}}], open(rules, "w"))
    state = os.path.join(work, "lat-%d.state" % rate)
    if os.path.exists(state):
        os.unlink(state)  # the ids repeat from run to run
    p = subprocess.Popen([alert, "--rules", rules, "--state", state],
                         stdin=subprocess.PIPE, stdout=open(os.path.join(work, "lat-%d.out" % rate), "w"))
    sent = {}
    start = time.time()
    for i in range(count):
        due = start + i / rate
        while time.time() < due:
            time.sleep(max(0, due - time.time()))
        ev = event(rate * 1000000 + i, time.time())
        p.stdin.write((json.dumps(ev, separators=(",", ":")) + "\n").encode())
        p.stdin.flush()
        sent[ev["id"]] = time.time()
    p.stdin.close()
    p.wait(timeout=60)
    srv.shutdown()
    lat = sorted((got[k] - sent[k]) * 1000 for k in sent if k in got)
    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))]
    print("%.2f %.2f %.2f %d" % (q(0.5), q(0.99), lat[-1], len(lat)))


def rules(work, nrules, nevents):
    rs = []
    for i in range(nrules):
        r = {"name": "r%05d" % i, "minmagnitude": round(rng.uniform(4, 8), 1),
             "webhook": {"url": "http://127.0.0.1:23019/hook/%d" % (i % 50), "secret_file": "secret"}}
        if i % 2:
            r["circle"] = {"lat": round(rng.uniform(-60, 70), 2), "lon": round(rng.uniform(-180, 180), 2),
                           "radius_km": rng.choice([100, 300, 1000])}
        else:
            la, lo = rng.uniform(-60, 60), rng.uniform(-180, 170)
            r["rectangle"] = {"minlat": round(la, 2), "maxlat": round(la + 10, 2), "minlon": round(lo, 2), "maxlon": round(lo + 10, 2)}
        rs.append(r)
    json.dump(rs, open(os.path.join(work, "rules.json"), "w"))
    now = time.time()
    evs = [event(i, now) for i in range(nevents)]
    with open(os.path.join(work, "events.ndjson"), "w") as f:
        for e in evs:
            f.write(json.dumps(e, separators=(",", ":")) + "\n")
    # the same rules the way a script would check them
    def hav(a, b, c, d):
        p = math.pi / 180
        x = math.sin((c - a) * p / 2) ** 2 + math.cos(a * p) * math.cos(c * p) * math.sin((d - b) * p / 2) ** 2
        return 2 * 6371.0088 * math.asin(math.sqrt(x))
    sample = evs[:200]
    t = time.process_time()
    hits = 0
    for e in sample:
        for r in rs:
            if e["mag"] < r["minmagnitude"]:
                continue
            if "circle" in r:
                c = r["circle"]
                hits += hav(c["lat"], c["lon"], e["lat"], e["lon"]) <= c["radius_km"]
            else:
                c = r["rectangle"]
                hits += c["minlat"] <= e["lat"] <= c["maxlat"] and c["minlon"] <= e["lon"] <= c["maxlon"]
    dt = time.process_time() - t
    print("%.0f" % (len(sample) / dt))


if sys.argv[1] == "latency":
    latency(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
else:
    rules(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
