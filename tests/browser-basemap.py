#!/usr/bin/env python3
"""browser-basemap.py QUAKE_MAP ASSETS PORT [--screenshot DIR] — quake-map's
basemap and time ranges in headless Debian chromium (selenium), against the
real quake-map on 127.0.0.1:PORT: the outlines' scales fetched only when the
view needs them, place labels at zoom >= 6 (checked against the gazetteer
file the page reads), --tiles with a tile stand-in on PORT+1 (another origin;
PORT+2 is a third one the CSP must refuse), and the time control's ranges
beyond the live window through FDSN, kept in the permalink. Prints one
PASS/FAIL line per check. With --screenshot: a zoomed view with place labels
at desktop and phone sizes into DIR."""
import datetime, http.server, json, os, signal, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.parse, urllib.request

from selenium.webdriver.support.ui import Select

import checks
from checks import check, chromium, iso

BIN, ASSETS, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
SHOT = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--screenshot" else None
ORIGIN = "http://127.0.0.1:%d" % PORT
TILES = "http://127.0.0.1:%d" % (PORT + 1)
OTHER = "http://127.0.0.1:%d" % (PORT + 2)
HERE = os.path.dirname(os.path.abspath(__file__))
TMP = tempfile.mkdtemp(prefix="browser-basemap.")
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
HANG = 30  # a bound on waits for what must come: it only catches a hang


def get(path):
    try:
        with urllib.request.urlopen(ORIGIN + path, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError as e:
        return 0, str(e)


class Standin(http.server.BaseHTTPRequestHandler):
    """a tile server: a 1x1 PNG for every path, each path logged"""
    PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a1e2f2d1"
                        "0000000049454e44ae426082")

    def do_GET(self):
        self.server.seen.append(self.path)
        self.send_response(200)
        self.send_header("content-type", "image/png")
        self.send_header("content-length", str(len(self.PNG)))
        self.end_headers()
        self.wfile.write(self.PNG)

    def log_message(self, *a):
        pass


def standin(port):
    s = http.server.ThreadingHTTPServer(("127.0.0.1", port), Standin)
    s.seen = []
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s


class Map:
    def __init__(self, lines, *args):
        self.err = open(os.path.join(TMP, "quake-map.err"), "ab")
        self.p = subprocess.Popen([BIN, "--listen", "127.0.0.1:%d" % PORT, "--assets", ASSETS] + list(args),
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.err)
        self.p.stdin.write("".join(l + "\n" for l in lines).encode())
        self.p.stdin.flush()
        if not wait(lambda: get("/healthz")[0] == 200, HANG):
            raise SystemExit("FAIL quake-map: /healthz not 200")

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        self.p.wait(10)


def phone(d, w=390, h=844):
    """a phone's viewport (headless chromium's window is at least 500 px wide)"""
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": True})


def browser(size="1280,800"):
    return chromium(TMP, size, logs=True, scrollbars=False)


def wait(cond, secs=HANG, step=0.05):
    return checks.wait(cond, secs, step)


def requests_seen(d):
    """every URL the page asked for (its document and what it loaded), from the DevTools network log
    (read once: it drains)"""
    urls = []
    for e in d.get_log("performance"):
        m = json.loads(e["message"])["message"]
        if m["method"] == "Network.requestWillBeSent" and m["params"].get("documentURL", "").startswith(ORIGIN):
            urls.append(m["params"]["request"]["url"])
    return urls


def live(d):
    return wait(lambda: d.execute_script("return document.getElementById('conn').dataset.state") == "live")


def idle(d):
    """the map has settled: no fetch of the page's in flight, outlines drawn"""
    time.sleep(0.3)
    return wait(lambda: d.execute_script(
        "return document.getElementById('map').dataset.outlines && "
        "performance.getEntriesByType('resource').every(e => e.responseEnd > 0)"))


def places():
    out = []
    with open(os.path.join(ASSETS, "vendor", "places.tsv")) as f:
        for l in f:
            if l.startswith("#"):
                continue
            n, c, lat, lon, pop = l.rstrip("\n").split("\t")
            out.append((n, float(lat), float(lon), int(pop)))
    return out


JS_LABELS = """var m = document.getElementById('map').getBoundingClientRect();
return Array.from(document.querySelectorAll('.place-label'), function (e) {
  var r = e.getBoundingClientRect();
  return [e.dataset.place, r.left - m.left, r.top - m.top, r.right - m.left, r.bottom - m.top]; })"""


def basemap(d):
    d.get_log("performance")
    d.get(ORIGIN + "/#c=20.000,10.000,2")
    check("basemap: page live", live(d))
    idle(d)
    urls = requests_seen(d)
    outl = sorted(u.rsplit("/", 1)[1] for u in urls if "/vendor/countries-" in u)
    check("basemap: at world zoom only the 1:110m outlines are fetched (%s), no place file" % outl,
          outl == ["countries-110m.json"] and not any("places.tsv" in u for u in urls), outl)
    check("basemap: every request went to the page's origin (%d)" % len(urls),
          urls and all(u.startswith(ORIGIN + "/") for u in urls), [u for u in urls if not u.startswith(ORIGIN)][:3])
    check("basemap: the offline basemap, no tile layer, attribution names Natural Earth and GeoNames",
          d.execute_script("return document.getElementById('map').dataset.basemap") == "offline" and
          not d.execute_script("return document.querySelectorAll('.leaflet-tile').length") and
          all(w in d.execute_script("return document.querySelector('.leaflet-control-attribution').textContent")
              for w in ("Natural Earth", "GeoNames")))
    check("basemap: no place label at world zoom",
          d.execute_script("return document.querySelectorAll('.place-label').length") == 0)

    d.execute_script("quakeMap.map.setView([38, 140], 5)")
    s = wait(lambda: d.execute_script("return document.getElementById('map').dataset.outlines") == "50m")
    idle(d)
    urls = requests_seen(d)
    outl = sorted(u.rsplit("/", 1)[1] for u in urls if "/vendor/countries-" in u)
    check("basemap: zoom 5 fetches the 1:50m outlines and draws them, not 1:10m (%s)" % outl,
          s and outl == ["countries-50m.json"], outl)
    check("basemap: no place label at zoom 5",
          d.execute_script("return document.querySelectorAll('.place-label').length") == 0 and
          not any("places.tsv" in u for u in urls))

    # the held test area: Tokyo's bay at zoom 7
    d.execute_script("quakeMap.map.setView([35.6, 139.7], 7)")
    s = wait(lambda: d.execute_script("return document.getElementById('map').dataset.outlines") == "10m")
    wait(lambda: d.execute_script("return document.querySelectorAll('.place-label').length") > 0)
    idle(d)
    urls = requests_seen(d)
    outl = sorted(u.rsplit("/", 1)[1] for u in urls if "/vendor/countries-" in u)
    check("basemap: zoom 7 fetches the 1:10m outlines and the place file once (%s)" % outl,
          s and outl == ["countries-10m.json"] and sum("places.tsv" in u for u in urls) == 1, outl)
    labels = d.execute_script(JS_LABELS)
    size = d.execute_script("var s = quakeMap.map.getSize(); return [s.x, s.y]")
    b = d.execute_script("var b = quakeMap.map.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]")
    inside = [p for p in places() if b[0] <= p[1] <= b[2] and b[1] <= p[2] <= b[3]]
    names = [l[0] for l in labels]
    big = [p[0] for p in inside[:3]]
    check("basemap: at zoom 7 over Tokyo the largest places in view are labelled (%s; %d labels)" % (big, len(labels)),
          len(labels) >= 5 and all(n in names for n in big) and "Tokyo" in names, names[:10])
    overlap = [(a[0], c[0]) for i, a in enumerate(labels) for c in labels[i + 1:]
               if a[1] < c[3] and c[1] < a[3] and a[2] < c[4] and c[2] < a[4]]
    check("basemap: labels never overlap, all inside the map (%d)" % len(labels),
          not overlap and all(l[1] >= -1 and l[2] >= -1 and l[3] <= size[0] + 1 and l[4] <= size[1] + 1 for l in labels),
          overlap[:3])
    # by population: a place in view without a label, larger than the smallest labelled one, has no room:
    # the box its label would take (its point -10 to +14 + 7 px a character, ±13 px) overlaps a larger
    # place's label or leaves the map (the rule basemap.js follows, in population order)
    pts = d.execute_script("return arguments[0].map(function (p) { var q = quakeMap.map.latLngToContainerPoint([p[1], p[2]]);"
                           " return [q.x, q.y]; })", inside)
    boxes = {}
    for p, q in zip(inside, pts):
        boxes.setdefault(p[0], [q[0] - 10, q[1] - 13, q[0] + 14 + 7 * len(p[0]), q[1] + 13])
    smallest = min(p[3] for p in inside if p[0] in names)
    crowded = []
    for i, (p, q) in enumerate(zip(inside, pts)):
        if p[0] in names or p[3] < smallest:
            continue
        bx = [q[0] - 10, q[1] - 13, q[0] + 14 + 7 * len(p[0]), q[1] + 13]
        out = bx[0] < 0 or bx[1] < 0 or bx[2] > size[0] or bx[3] > size[1]
        hit = any(bx[0] < c[2] and c[0] < bx[2] and bx[1] < c[3] and c[1] < bx[3]
                  for o, c in ((o, boxes[o[0]]) for o in inside[:i] if o[0] in names))
        if not (out or hit):
            crowded.append(p[0])
    check("basemap: chosen by population: every larger unlabelled place had no room (%d of %d in view labelled,"
          " the smallest %d people)" % (len(names), len(inside), smallest), not crowded and len(names) < len(inside), crowded[:5])
    # the antimeridian: Russia's 1:10m ring starts east of it, and must
    # still cover Kamchatka where it is (not 360 degrees away)
    d.execute_script("quakeMap.map.setView([53.0, 158.6], 7)")
    land = wait(lambda: d.execute_script("""
        var on = false;
        quakeMap.map.eachLayer(function (l) {
          if (!l.options || l.options.pane !== 'land' || !l.getLatLngs) return;
          (function walk(a) {     /* rings of latlngs as the layer holds them */
            if (!a.length) return;
            if (a[0].lat === undefined) { a.forEach(walk); return; }
            if (a.length < 20000) return;     /* 1:10m Russia's mainland ring only */
            for (var i = 0, j = a.length - 1, in_ = false; i < a.length; j = i++)
              if ((a[i].lat > 53.02) !== (a[j].lat > 53.02) &&
                  158.65 < (a[j].lng - a[i].lng) * (53.02 - a[i].lat) / (a[j].lat - a[i].lat) + a[i].lng) in_ = !in_;
            on = on || in_;
          })(l.getLatLngs());
        });
        return on;"""), HANG)
    check("basemap: at zoom 7 Petropavlovsk-Kamchatsky lies inside a 1:10m outline (Russia across the antimeridian)",
          land)
    errs = [l["message"] for l in d.get_log("browser") if l["level"] == "SEVERE"]
    check("basemap: no console error", not errs, errs[:3])


def tiles(base):
    ts, other = standin(PORT + 1), standin(PORT + 2)
    qm = Map(base, "--tiles", TILES + "/tiles/{z}/{x}/{y}.png", "--tiles-attribution", "© stand-in tiles")
    d = browser()
    try:
        d.get_log("performance")
        d.get(ORIGIN + "/#c=20.000,10.000,2")
        live(d)
        got = wait(lambda: d.execute_script(
            "var t = document.querySelectorAll('img.leaflet-tile-loaded'); return t.length"))
        time.sleep(0.5)
        urls = requests_seen(d)
        tl = [u for u in urls if u.startswith(TILES)]
        check("tiles: tiles load from the configured origin (%d requests, %d images loaded)" % (len(ts.seen), got),
              got and ts.seen and all(p.startswith("/tiles/2/") for p in ts.seen) and len(tl) >= len(ts.seen), ts.seen[:3])
        foreign = [u for u in urls if not (u.startswith(ORIGIN + "/") or u.startswith(TILES + "/"))]
        check("tiles: every request went to the page's origin or the tile server", not foreign, foreign[:3])
        check("tiles: no offline outlines or places fetched, attribution is the configured one",
              not any("/vendor/countries-" in u or "places.tsv" in u for u in urls) and
              "© stand-in tiles" in d.execute_script("return document.querySelector('.leaflet-control-attribution').textContent"))
        # another origin is refused by the CSP: an image from it never reaches it
        d.execute_script("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                         " function (e) { window.__csp.push(e.blockedURI); });"
                         "var i = new Image(); i.src = arguments[0] + '/x.png'; document.body.appendChild(i);", OTHER)
        v = wait(lambda: d.execute_script("return window.__csp.length"), HANG)
        time.sleep(0.3)
        check("tiles: the CSP refuses an image from a third origin (%s), which saw no request" %
              d.execute_script("return window.__csp"), v and not other.seen, other.seen)
        hdr = urllib.request.urlopen(ORIGIN + "/").headers["content-security-policy"]
        check("tiles: the CSP names exactly that origin beside 'self' (%s)" % hdr,
              "img-src 'self' %s;" % TILES in hdr and hdr.count("127.0.0.1") == 1)
    finally:
        d.quit()
        qm.stop()
    # without the option no tile request happens
    ts.seen.clear()
    qm = Map(base)
    d = browser()
    try:
        d.get(ORIGIN + "/#c=35.600,139.700,7")
        live(d)
        idle(d)
        d.execute_script("quakeMap.map.setView([20, 10], 2)")
        idle(d)
        hdr = urllib.request.urlopen(ORIGIN + "/").headers["content-security-policy"]
        check("tiles: without --tiles no tile request (stand-in saw %d), the CSP is 'self' only" % len(ts.seen),
              not ts.seen and "127.0.0.1" not in hdr and
              d.execute_script("return document.getElementById('map').dataset.basemap") == "offline")
    finally:
        d.quit()
        qm.stop()
        ts.shutdown()
        other.shutdown()


def fdsn_ids(q):
    st, body = get("/fdsnws/event/1/query?format=text&" + q)
    return [] if st == 204 else [l.split("|")[0] for l in body.splitlines() if l and not l.startswith("#")]


def ranges(d, base):
    """a custom range (days inside the live window) and '1 year', through FDSN, in the permalink"""
    d1 = (NOW - datetime.timedelta(days=5)).strftime("%Y-%m-%d")
    d2 = (NOW - datetime.timedelta(days=3)).strftime("%Y-%m-%d")
    end = (datetime.datetime.strptime(d2, "%Y-%m-%d") + datetime.timedelta(days=1)).strftime("%Y-%m-%dT00:00:00")
    want = sorted(fdsn_ids("starttime=%sT00:00:00&endtime=%s" % (d1, end)))
    d.get(ORIGIN + "/#c=20.000,10.000,2")
    live(d)
    d.execute_script(
        "window.__states = []; new MutationObserver(function () {"
        " var b = document.getElementById('range-progress'); window.__states.push(b.dataset.state + ':' + !b.hidden); })"
        ".observe(document.getElementById('filters'), {subtree: true, attributes: true, childList: true})")
    Select(d.find_element("id", "f-window")).select_by_value("custom")
    check("range: 'custom…' shows the start and end days",
          d.execute_script("return !document.getElementById('range-custom').hidden"))
    d.execute_script("var f = document.getElementById('f-from'), t = document.getElementById('f-to');"
                     "f.value = arguments[0]; f.dispatchEvent(new Event('change'));"
                     "t.value = arguments[1]; t.dispatchEvent(new Event('change'));", d1, d2)
    done = wait(lambda: d.execute_script("var b = document.getElementById('range-progress');"
                                         "return b.dataset.state === 'done' && b.textContent"))
    time.sleep(0.4)
    rows = sorted(d.execute_script("return Array.from(document.querySelectorAll('#list li[data-event-id]'), e => e.dataset.eventId)"))
    states = d.execute_script("return window.__states")
    check("range: %s to %s lists exactly the FDSN query's %d events (%s)" % (d1, d2, len(want), done),
          done and rows == want and 0 < len(want) < len(base), "%d vs %d" % (len(rows), len(want)))
    check("range: a progress indication while it loaded", "loading:true" in states, states[:6])
    link = d.find_element("id", "x-permalink").get_attribute("href")
    ex = d.execute_script("return document.getElementById('x-text').href")
    check("range: the permalink keeps the range (%s), the exports ask FDSN for it" % link[len(ORIGIN):],
          "win=custom" in link and "from=" + d1 in link and "to=" + d2 in link and
          "starttime=" + d1 in ex and "endtime=" in ex)
    d.get("about:blank")
    d.get(link)
    live(d)
    wait(lambda: d.execute_script("return document.getElementById('range-progress').dataset.state === 'done'"))
    time.sleep(0.4)
    v = d.execute_script("return [document.getElementById('f-window').value, document.getElementById('f-from').value,"
                         " document.getElementById('f-to').value, !document.getElementById('range-custom').hidden]")
    rows = sorted(d.execute_script("return Array.from(document.querySelectorAll('#list li[data-event-id]'), e => e.dataset.eventId)"))
    check("range: the permalink opens the same range and the same events (%s)" % v,
          v == ["custom", d1, d2, True] and rows == want, "%d rows" % len(rows))
    Select(d.find_element("id", "f-window")).select_by_value("1y")
    y0 = (NOW - datetime.timedelta(days=365)).strftime("%Y-%m-%dT%H:%M")
    done = wait(lambda: d.execute_script("var b = document.getElementById('range-progress');"
                                         "return b.dataset.state === 'done' && b.textContent"))
    time.sleep(0.4)
    rows = d.execute_script("return Array.from(document.querySelectorAll('#list li[data-event-id]'), e => e.dataset.eventId)")
    more = d.execute_script("return document.getElementById('more').hidden ? 0 : 1")
    shown = d.execute_script("return Number(document.body.dataset.shown)")
    ex = urllib.parse.unquote(d.execute_script("return document.getElementById('x-text').href"))
    st = urllib.parse.parse_qs(urllib.parse.urlsplit(ex).query).get("starttime", ["?"])[0]
    try:  # the page's own "a year ago", taken after this test's NOW
        lag = (datetime.datetime.fromisoformat(st + "+00:00") - (NOW - datetime.timedelta(days=365))).total_seconds()
    except ValueError:
        lag = -1
    check("range: '1 year' (%s) shows every event the FDSN service has for it (%d)" % (done, shown),
          done and shown == len(fdsn_ids("starttime=" + y0 + ":00")) and "win=1y" in
          d.find_element("id", "x-permalink").get_attribute("href") and 0 <= lag < HANG * 20 and
          (len(rows) == shown or more), "%d vs %d, %s" % (shown, len(fdsn_ids("starttime=" + y0 + ":00")), ex))


def archive():
    """the ranges beyond the window from DynamoDB Local (QUAKE_TEST_BASEMAP_DDB: its URL) through
    quake-map --archive: events over two years put with quake-ddb-put, the map holding 30 days"""
    ddb = os.environ.get("QUAKE_TEST_BASEMAP_DDB")
    if not ddb:
        print("range archive: skipped (no DynamoDB Local: QUAKE_TEST_BASEMAP_DDB unset)", file=sys.stderr)
        return
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDLOCAL", AWS_SECRET_ACCESS_KEY="local", AWS_REGION="us-east-1")
    start = (NOW - datetime.timedelta(days=730)).strftime("%Y-%m-%d")
    lines = subprocess.run([sys.executable, os.path.join(HERE, "gen-years.py"), "400", "11", start, "731"],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    lines = [l for l in lines if json.loads(l)["time"] < iso(NOW)]
    put = subprocess.run([os.path.join(os.path.dirname(BIN), "quake-ddb-put"), "-t", "quake-basemap", "-e", ddb,
                          "--create-table", "-c", "16"], input="".join(l + "\n" for l in lines),
                         capture_output=True, text=True, env=env)
    check("range archive: %d lines over two years put into DynamoDB Local" % len(lines),
          put.returncode == 0 and put.stdout.count("\n") == len(lines), put.stderr[-200:])
    best = {}
    for l in lines:
        e = json.loads(l)
        if e["id"] not in best or best[e["id"]]["lastupdate"] < e["lastupdate"]:
            best[e["id"]] = e
    os.environ.update(AWS_ACCESS_KEY_ID="AKIDLOCAL", AWS_SECRET_ACCESS_KEY="local", AWS_REGION="us-east-1")
    qm = Map(lines, "--window", "30d", "--archive", "quake-basemap", "-e", ddb)
    d = browser()
    try:
        y0 = iso(NOW - datetime.timedelta(days=365))
        want = sorted(i for i, e in best.items() if e["time"] >= y0)
        held = int(get("/fdsnws/event/1/count")[1].strip() or 0)
        d.get(ORIGIN + "/#win=1y&c=20.000,10.000,2")
        live(d)
        done = wait(lambda: d.execute_script("var b = document.getElementById('range-progress');"
                                             "return b.dataset.state === 'done' && b.textContent"))
        time.sleep(0.5)
        got = sorted(d.execute_script("return Array.from(document.querySelectorAll('path[data-event-id]'), e => e.dataset.eventId)"))
        mags = d.execute_script("return arguments[0].map(function (i) { var r = quakeMap.events.get(i); return r && r.ev.mag; })", want)
        check("range archive: '1 year' shows exactly the %d events of the last year in the table (the map holds %d; %s)" %
              (len(want), held, done), done and got == want and held < len(want), "%d vs %d" % (len(got), len(want)))
        check("range archive: each at its newest revision (the magnitudes)",
              mags == [best[i]["mag"] for i in want], [(i, m, best[i]["mag"]) for i, m in zip(want, mags) if m != best[i]["mag"]][:3])
        d1 = (NOW - datetime.timedelta(days=300)).strftime("%Y-%m-%d")
        d2 = (NOW - datetime.timedelta(days=200)).strftime("%Y-%m-%d")
        d.get(ORIGIN + "/#win=custom&from=%s&to=%s&c=20.000,10.000,2" % (d1, d2))
        live(d)
        done = wait(lambda: d.execute_script("var b = document.getElementById('range-progress');"
                                             "return b.dataset.state === 'done' && b.textContent"))
        time.sleep(0.5)
        rows = sorted(d.execute_script("return Array.from(document.querySelectorAll('#list li[data-event-id]'), e => e.dataset.eventId)"))
        ref = sorted(i for i, e in best.items() if d1 <= e["time"][:10] <= d2)
        check("range archive: a permalink to %s .. %s (all before the window) lists exactly its %d events (%s)" %
              (d1, d2, len(ref), done), done and rows == ref and ref, "%d vs %d" % (len(rows), len(ref)))
    finally:
        d.quit()
        qm.stop()


def screenshot(base):
    qm = Map(base)
    try:
        for name, size in (("map-zoomed.png", "1280,800"), ("map-zoomed-phone.png", "390,844")):
            d = browser(size)
            try:
                if size.startswith("390"):
                    phone(d)
                d.get(ORIGIN + "/#c=37.600,140.300,7&win=30d")
                live(d)
                wait(lambda: d.execute_script("return document.querySelectorAll('.place-label').length") > 0)
                idle(d)
                time.sleep(1)
                d.save_screenshot(os.path.join(SHOT, name))
                print("screenshot: %s" % os.path.join(SHOT, name))
            finally:
                d.quit()
        # the time control with a custom range, at both sizes (looked at, not kept in docs/)
        for name, size in (("map-range.png", "1280,800"), ("map-range-phone.png", "390,844")):
            d = browser(size)
            try:
                if size.startswith("390"):
                    phone(d)
                d1 = (NOW - datetime.timedelta(days=6)).strftime("%Y-%m-%d")
                d2 = (NOW - datetime.timedelta(days=2)).strftime("%Y-%m-%d")
                d.get(ORIGIN + "/#win=custom&from=%s&to=%s" % (d1, d2))
                live(d)
                wait(lambda: d.execute_script("return document.getElementById('range-progress').dataset.state === 'done'"))
                idle(d)
                d.save_screenshot(os.path.join(SHOT, name))
                print("screenshot: %s" % os.path.join(SHOT, name))
            finally:
                d.quit()
    finally:
        qm.stop()


def main():
    base = subprocess.run([sys.executable, os.path.join(HERE, "map-lines.py"), "300", iso(NOW)],
                          capture_output=True, text=True, check=True).stdout.splitlines()
    if SHOT:
        return screenshot(base)
    qm = Map(base)
    d = browser()
    try:
        basemap(d)
        ranges(d, base)
    finally:
        d.quit()
        qm.stop()
    tiles(base)
    archive()


try:
    main()
except SystemExit as e:
    print(e, flush=True)
    checks.failed += 1
except Exception as e:  # a crash of the test itself is a failure, said once
    print("FAIL browser-basemap: %s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else ""), flush=True)
    checks.failed += 1
sys.exit(1 if checks.failed else 0)
