#!/usr/bin/env python3
"""bench/page-weight.py QUAKE_MAP ASSETS PORT RUNS N — quake-map's page in
headless chromium on loopback with N events held (tests/map-lines.py):
for a desktop (1280x800) and a phone (390x844, emulated) viewport, each run a
fresh browser (cold cache): the bytes and requests of the page at world zoom,
whether the 1:50m / 1:10m outlines or the place file were fetched, the
first paint and first contentful paint, the time the outlines are on the map
and the time all N markers are. Then, zoomed to 7 over Tokyo: the bytes that
zoom fetched and the time until place labels are drawn. Prints "KEY VALUE"
lines, one a figure, for bench/run (rec)."""
import datetime, os, subprocess, sys, tempfile, time, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

BIN, ASSETS, PORT, RUNS, N = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ORIGIN = "http://127.0.0.1:%d" % PORT
HERE = os.path.dirname(os.path.abspath(__file__))
TMP = tempfile.mkdtemp(prefix="page-weight.")

MARKS = """window.__marks = {};
new MutationObserver(function () {
  var m = document.getElementById('map'), t = performance.now();
  if (m && m.dataset.outlines && !__marks.outlines) __marks.outlines = t;
  if (document.body && Number(document.body.dataset.shown) >= %d && !__marks.markers) __marks.markers = t;
  if (m && Number(m.dataset.places) > 0 && !__marks.places) __marks.places = t;
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-outlines', 'data-shown', 'data-places']});""" % N


def wait(cond, secs=60, step=0.02):
    end = time.monotonic() + secs
    while True:
        v = cond()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


def browser(w, h, mobile):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
              "--disable-default-apps", "--window-size=%d,%d" % (max(w, 500), h),
              "--user-data-dir=" + tempfile.mkdtemp(dir=TMP)):
        o.add_argument(a)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    if mobile:
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": True})
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": MARKS})
    return d


JS_WEIGHT = """var nav = performance.getEntriesByType('navigation')[0], r = performance.getEntriesByType('resource');
return [nav.transferSize + r.reduce(function (s, e) { return s + e.transferSize; }, 0), r.length + 1,
        r.map(function (e) { return e.name; })]"""


def one(kind, w, h, mobile):
    d = browser(w, h, mobile)
    try:
        d.get(ORIGIN + "/#c=20.000,10.000,2&win=30d")
        wait(lambda: d.execute_script("return window.__marks.markers && window.__marks.outlines"))
        time.sleep(0.5)
        p = d.execute_script("var p = {}; performance.getEntriesByType('paint').forEach(function (e) { p[e.name] = e.startTime; });"
                             "return [p['first-paint'], p['first-contentful-paint'], __marks.outlines, __marks.markers]")
        size, reqs, names = d.execute_script(JS_WEIGHT)
        print("%s.first_paint_ms %.0f" % (kind, p[0]))
        print("%s.fcp_ms %.0f" % (kind, p[1]))
        print("%s.outlines_ms %.0f" % (kind, p[2]))
        print("%s.markers_ms %.0f" % (kind, p[3]))
        print("%s.kib %.0f" % (kind, size / 1024))
        print("%s.requests %d" % (kind, reqs))
        for s in ("50m", "10m"):
            print("%s.fetched_%s %d" % (kind, s, int(any("countries-%s" % s in u for u in names))))
        print("%s.fetched_places %d" % (kind, int(any("places.tsv" in u for u in names))))
        # zoomed in: what that fetches, and when the labels are there
        t0 = d.execute_script("var t = performance.now(); quakeMap.map.setView([35.6, 139.7], 7); return t")
        wait(lambda: d.execute_script("return window.__marks.places"))
        wait(lambda: d.execute_script("return document.getElementById('map').dataset.outlines === '10m'"))
        t1 = d.execute_script("return performance.now()")
        time.sleep(0.3)
        size2 = d.execute_script(JS_WEIGHT)[0]
        print("%s.zoom7_kib %.0f" % (kind, (size2 - size) / 1024))
        print("%s.zoom7_labels_ms %.0f" % (kind, d.execute_script("return __marks.places") - t0))
        print("%s.zoom7_10m_ms %.0f" % (kind, t1 - t0))
        sys.stdout.flush()
    finally:
        d.quit()


def main():
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    lines = subprocess.run([sys.executable, os.path.join(HERE, "..", "tests", "map-lines.py"), str(N), now],
                           capture_output=True, text=True, check=True).stdout
    p = subprocess.Popen([BIN, "--listen", "127.0.0.1:%d" % PORT, "--assets", ASSETS],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p.stdin.write(lines.encode())
        p.stdin.flush()
        ok = wait(lambda: urllib.request.urlopen(ORIGIN + "/fdsnws/event/1/count").read().strip() == str(N).encode()
                  if healthy() else False)
        if not ok:
            raise SystemExit("page-weight: quake-map did not hold %d events" % N)
        print("events %d" % N)
        for _ in range(RUNS):
            one("desktop", 1280, 800, False)
            one("phone", 390, 844, True)
    finally:
        p.terminate()
        p.wait(10)


def healthy():
    try:
        return urllib.request.urlopen(ORIGIN + "/healthz", timeout=2).status == 200
    except OSError:
        return False


main()
