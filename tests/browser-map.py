#!/usr/bin/env python3
"""browser-map.py QUAKE_MAP ASSETS PORT [--screenshot FILE] — quake-map's page in
headless Debian chromium (selenium), against the real quake-map started here on
127.0.0.1:PORT and fed on its stdin. Prints one PASS/FAIL line per check.
With --screenshot: replays a week of events (and a detection of shaking phones)
and saves the page as a PNG."""
import datetime, json, os, signal, subprocess, sys, tempfile, time, urllib.error, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import Select

BIN, ASSETS, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
SHOT = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--screenshot" else None
ORIGIN = "http://127.0.0.1:%d" % PORT
HERE = os.path.dirname(os.path.abspath(__file__))
TMP = tempfile.mkdtemp(prefix="browser-map.")
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
failed = 0


def check(name, ok, why=""):
    global failed
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)), flush=True)
    failed += 0 if ok else 1


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def line(eid, mag, lat, lon, age_s, lu_s=0, region="TEST REGION", action="create"):
    """a canonical event line AGE_S before NOW, revised LU_S after its time"""
    t = NOW - datetime.timedelta(seconds=age_s)
    return ('{"id":"%s","action":"%s","time":"%s","lastupdate":"%s","lat":%r,"lon":%r,"depth":10.0,'
            '"mag":%r,"magtype":"mb","region":"%s","evtype":"ke","auth":"QK","source_catalog":"EMSC-RTS",'
            '"source_id":"1"}' % (eid, action, iso(t), iso(t + datetime.timedelta(seconds=lu_s + 1)),
                                  lat, lon, mag, region))


def detection(did, devices, lat, lon, age_s=3, peak=0.732688):
    """a quake-shake detection line AGE_S before NOW"""
    return ('{"kind":"detection","id":"%s","time":"%s","lat":%.6f,"lon":%.6f,"devices":%d,"peak":%g,'
            '"radius_km":2.299}' % (did, iso(NOW - datetime.timedelta(seconds=age_s)), lat, lon, devices, peak))


def get(path):
    try:
        with urllib.request.urlopen(ORIGIN + path, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError as e:
        return 0, str(e)


# a bound on waits for an event that must come: it only catches a hang
# (how fast the page updates is measured in bench/, never asserted here)
HANG = 30


def wait(cond, secs, step=0.05):
    end = time.monotonic() + secs
    while True:
        v = cond()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


class Map:
    """quake-map under test; its stdin stays open (a live feed) until stopped"""

    def __init__(self, lines):
        self.err = open(os.path.join(TMP, "quake-map.err"), "ab")
        self.p = subprocess.Popen([BIN, "--listen", "127.0.0.1:%d" % PORT, "--assets", ASSETS],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.err)
        self.send(lines)
        if not wait(lambda: get("/healthz")[0] == 200, 10):
            raise SystemExit("FAIL quake-map: /healthz not 200 within 10 s (%s)" % self.stderr())

    def send(self, lines):
        self.p.stdin.write("".join(l + "\n" for l in lines).encode())
        self.p.stdin.flush()

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        self.p.wait(10)

    def stderr(self):
        with open(os.path.join(TMP, "quake-map.err"), errors="replace") as f:
            return f.read()[-300:]


def browser(size="1280,800"):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
              "--disable-default-apps", "--window-size=" + size,
              "--user-data-dir=" + tempfile.mkdtemp(dir=TMP)):
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # a zone other than UTC, so that "local time" shows a difference
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver", env=dict(os.environ, TZ="Asia/Tokyo")), options=o)


JS_IDS = """return [Array.from(document.querySelectorAll('path[data-event-id]'), e => e.dataset.eventId),
                    Array.from(document.querySelectorAll('#list li[data-event-id]'), e => e.dataset.eventId)]"""


def ids(d):
    return d.execute_script(JS_IDS)


def live(d, secs=10):
    return wait(lambda: d.execute_script("return document.getElementById('conn').dataset.state") == "live", secs)


def fdsn_ids(query):
    st, body = get("/fdsnws/event/1/query?format=text&" + query)
    if st == 204:
        return []
    return [l.split("|")[0] for l in body.splitlines() if l and not l.startswith("#")]


def requests_seen(d):
    """every URL the page asked for (its document and what it loaded), from the DevTools network log"""
    urls = []
    for e in d.get_log("performance"):
        m = json.loads(e["message"])["message"]
        if m["method"] == "Network.requestWillBeSent" and m["params"].get("documentURL", "").startswith(ORIGIN):
            urls.append(m["params"]["request"]["url"])
    return urls


def main():
    base = subprocess.run([sys.executable, os.path.join(HERE, "map-lines.py"), "300", iso(NOW)],
                          capture_output=True, text=True, check=True).stdout.splitlines()
    if SHOT:
        return screenshot(base)
    qm = Map(base)
    d = browser()
    try:
        run(qm, d, base)
    finally:
        d.quit()
        if qm.p.poll() is None:
            qm.stop()


def run(qm, d, base):
    global qm2
    d.get_log("performance")  # what the new tab page asked for is not the page's
    d.get(ORIGIN + "/#win=30d")
    check("page: live within 10 s", live(d), d.execute_script("return document.getElementById('conn').textContent"))
    time.sleep(0.5)
    urls = requests_seen(d)
    foreign = [u for u in urls if not u.startswith(ORIGIN + "/")]
    check("page: every request (%d) answered by 127.0.0.1, none elsewhere" % len(urls),
          len(urls) >= 6 and not foreign, "foreign: %s" % foreign[:5])
    errs = [l["message"] for l in d.get_log("browser") if l["level"] == "SEVERE"]
    check("page: no console error (CSP, 404, script)", not errs, errs[:3])
    nav = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    check("page: Leaflet, outlines, app, style and /summary loaded from the origin",
          all(any(u.endswith(p) for u in nav) for p in
              ("/vendor/leaflet.js", "/vendor/countries-110m.json", "/app.js", "/style.css")) and
          any("/summary?" in u for u in nav), nav)
    st, cnt = get("/fdsnws/event/1/count")
    want = sorted(fdsn_ids("orderby=time"))
    m, r = ids(d)
    check("count: markers = FDSN count (%s, %d markers)" % (cnt.strip(), len(m)),
          st == 200 and cnt.strip() == str(len(m)) == str(len(want)), "count %s %r" % (st, cnt[:80]))
    check("count: the markers and the list rows are the FDSN query's ids, one element each",
          sorted(m) == want and sorted(r) == want and len(set(m)) == len(m), "%d/%d/%d" % (len(m), len(r), len(want)))

    chart = wait(lambda: d.execute_script("var c = document.getElementById('chart');"
                                          "return c.dataset.events && [Number(c.dataset.events), c.querySelectorAll('rect').length]"), 5)
    check("chart: the bars hold every event of the window, from /summary (%s)" % chart,
          chart and chart[0] == len(want) and chart[1] > 0, chart)
    Select(d.find_element("id", "f-color")).select_by_value("depth")
    Select(d.find_element("id", "f-tz")).select_by_value("local")
    time.sleep(0.4)
    lg = d.execute_script("return [document.querySelector('.legend').textContent,"
                          " document.querySelector('#list li .when').textContent]")
    check("toggles: colour by depth changes the legend, local time drops the UTC label (%s)" % lg[1],
          "depth" in lg[0] and "300 km" in lg[0] and "UTC" not in lg[1], lg)
    Select(d.find_element("id", "f-color")).select_by_value("age")
    Select(d.find_element("id", "f-tz")).select_by_value("utc")
    d.execute_script("quakeMap.map.setView([37, 140], 5)")
    d.find_element("id", "f-inview").click()
    time.sleep(0.5)
    inv = d.execute_script(
        "var b = quakeMap.map.getBounds();"
        "return Array.from(document.querySelectorAll('#list li[data-event-id]'), function (li) {"
        " var r = quakeMap.events.get(li.dataset.eventId).ev; return b.contains([r.lat, r.lon]); })")
    inside = sum(1 for l in base if d.execute_script(
        "return quakeMap.map.getBounds().contains(arguments[0])", [json.loads(l)["lat"], json.loads(l)["lon"]]))
    check("list: 'only what the map shows' lists exactly the %d events inside the view" % inside,
          inv and all(inv) and len(inv) == inside and len(ids(d)[0]) == len(want), "%d rows" % len(inv))
    d.find_element("id", "f-inview").click()
    d.execute_script("quakeMap.map.setView([20, 10], 2)")
    time.sleep(0.4)

    # live: a new line on stdin appears without reload (how fast: bench/)
    d.execute_script("window.__noReload = 1")
    qm.send([line("live_0000001", 5.6, 35.0, 139.0, 5, region="NEAR COAST OF HONSHU, JAPAN")])
    seen = wait(lambda: d.execute_script(
        "return !!document.querySelector('path[data-event-id=\"live_0000001\"]') && "
        "!!document.querySelector('#list li[data-event-id=\"live_0000001\"]')"), HANG, 0.02)
    check("live: a stdin line is on the map and in the list, no reload",
          seen and d.execute_script("return window.__noReload === 1"), "seen=%s" % seen)
    title = wait(lambda: d.title.startswith("(1) ") and d.title, 2)
    check("live: a new M5.6 (alert at 4.5+) is announced in the title badge (%r)" % d.title,
          bool(title) and d.execute_script("return !document.getElementById('alerts').hidden && "
                                           "document.querySelector('#list li[data-event-id=\"live_0000001\"]').classList.contains('alert')"))

    # update in place: the same elements, the new magnitude
    d.execute_script("window.__row = document.querySelector('#list li[data-event-id=\"live_0000001\"]');"
                     "window.__d = document.querySelector('path[data-event-id=\"live_0000001\"]').getAttribute('d')")
    qm.send([line("live_0000001", 6.3, 35.0, 139.0, 5, lu_s=60, region="NEAR COAST OF HONSHU, JAPAN", action="update")])
    upd = wait(lambda: d.execute_script(
        "var r = document.querySelector('#list li[data-event-id=\"live_0000001\"]');"
        "return r && r.querySelector('.mag').textContent === '6.3'"), HANG, 0.02)
    one = d.execute_script(
        "return [document.querySelectorAll('path[data-event-id=\"live_0000001\"]').length,"
        " document.querySelectorAll('#list li[data-event-id=\"live_0000001\"]').length,"
        " window.__row === document.querySelector('#list li[data-event-id=\"live_0000001\"]'),"
        " window.__d !== document.querySelector('path[data-event-id=\"live_0000001\"]').getAttribute('d')]")
    check("update: M5.6 -> 6.3 shown in place (one marker, one row, the same row, bigger marker)",
          upd and one == [1, 1, True, True], one)
    # an older revision, then a newer one with the same magnitude: once the
    # newer one is shown the older one has been read (one stdin, one
    # stream, in order); every magnitude the row showed meanwhile is logged
    d.execute_script(
        "window.__mags = []; new MutationObserver(function () {"
        " var m = document.querySelector('#list li[data-event-id=\"live_0000001\"] .mag');"
        " window.__mags.push(m ? m.textContent : null); })"
        ".observe(document.getElementById('list'), {subtree: true, childList: true, characterData: true})")
    lu0 = d.execute_script("return quakeMap.events.get('live_0000001').ev.lastupdate")
    qm.send([line("live_0000001", 4.0, 35.0, 139.0, 5, lu_s=30, action="update"),  # older revision
             line("live_0000001", 6.3, 35.0, 139.0, 5, lu_s=90, region="NEAR COAST OF HONSHU, JAPAN", action="update")])
    newer = wait(lambda: d.execute_script("return quakeMap.events.get('live_0000001').ev.lastupdate") != lu0, HANG)
    mags = d.execute_script("return window.__mags")
    check("update: an older revision changes nothing (magnitudes shown until the newer one came: %s)" % sorted(set(mags)),
          newer and "4.0" not in mags and
          d.execute_script("return document.querySelector('#list li[data-event-id=\"live_0000001\"] .mag').textContent") == "6.3")

    # popup: click the row
    d.find_element("css selector", '#list li[data-event-id="live_0000001"]').click()
    pop = wait(lambda: d.execute_script("var p = document.querySelector('.leaflet-popup .popup');"
                                        "return p && [p.dataset.eventId, p.textContent, p.querySelector('a').href]"), 3)
    check("popup: click a row -> its popup (time, magnitude+type, depth, region, agency, EMSC link)",
          pop and pop[0] == "live_0000001" and all(w in pop[1] for w in ("6.3 mb", "10 km", "HONSHU", "QK", "UTC")) and
          pop[2] == "https://www.seismicportal.eu/eventdetails.html?unid=live_0000001", pop)

    # the magnitude filter
    Select(d.find_element("id", "f-minmag")).select_by_value("4")
    time.sleep(0.4)
    want4 = sorted(fdsn_ids("minmagnitude=4"))
    m, r = ids(d)
    check("filter: min M 4 shows exactly the FDSN minmagnitude=4 set (%d of %d)" % (len(m), len(base) + 1),
          sorted(m) == want4 and sorted(r) == want4 and 0 < len(m) < len(base), "%d vs %d" % (len(m), len(want4)))
    ex = d.execute_script("return [document.getElementById('x-geojson').href, document.getElementById('x-text').href,"
                          " document.getElementById('x-quakeml').href]")
    st, gj = get(ex[0][len(ORIGIN):])
    n = len(json.loads(gj)["features"]) if st == 200 else -1
    st2, xml = get(ex[2][len(ORIGIN):])
    check("export: the GeoJSON and QuakeML links return what is shown (%d features)" % n,
          all(e.startswith(ORIGIN + "/fdsnws/event/1/query?") for e in ex) and n == len(m) and
          st2 == 200 and xml.count("<event ") == len(m) and "format=text" in ex[1], ex)
    csv = d.execute_script("return quakeMap.csv()").splitlines()
    check("export: the CSV holds exactly what is shown (%d rows), one line per event" % (len(csv) - 1),
          csv[0].startswith("time,latitude,longitude,depth,mag") and sorted(r.split(",")[6] for r in csv[1:]) == want4, csv[:2])
    d.find_element("id", "f-q").send_keys("japan")
    time.sleep(0.4)
    m, r = ids(d)
    jp = [json.loads(l)["id"] for l in base if "JAPAN" in l and json.loads(l)["mag"] >= 4] + ["live_0000001"]
    check("filter: region 'japan' and M4+ (%d)" % len(m), sorted(m) == sorted(jp), "%d vs %d" % (len(m), len(jp)))

    # permalink: filters, map view and selected event come back in a fresh page
    d.find_element("css selector", '#list li[data-event-id="live_0000001"]').click()
    Select(d.find_element("id", "f-color")).select_by_value("depth")
    d.execute_script("quakeMap.map.setView([36, 140], 5)")
    time.sleep(0.4)
    link = d.find_element("id", "x-permalink").get_attribute("href")
    d.get("about:blank")
    d.get(link)
    live(d)
    time.sleep(0.6)
    v = d.execute_script(
        "var c = quakeMap.map.getCenter(), p = document.querySelector('.leaflet-popup .popup');"
        "return [document.getElementById('f-minmag').value, document.getElementById('f-q').value,"
        " document.getElementById('f-color').value, document.getElementById('f-window').value,"
        " Math.round(c.lat), Math.round(c.lng), quakeMap.map.getZoom(), p && p.dataset.eventId,"
        " document.querySelectorAll('path[data-event-id]').length]")
    check("permalink: restores min M, region, colour, window, centre, zoom, the open event (%s)" % link[len(ORIGIN):],
          v[:8] == ["4", "japan", "depth", "30d", 36, 140, 5, "live_0000001"] and v[8] == len(jp), v)

    shake(qm, d)

    # reconnect: quake-map restarts (as it would, re-reading the topic), with new and updated events
    d.get(ORIGIN + "/#win=30d")
    live(d)
    time.sleep(0.5)
    d.execute_script("window.__noReload = 1")
    n0 = len(ids(d)[0])
    qm.stop()
    down = wait(lambda: d.execute_script("return document.getElementById('conn').dataset.state") != "live", 5)
    check("reconnect: the page shows the feed is down (%s)" %
          d.execute_script("return document.getElementById('conn').textContent"), down)
    extra = [line("live_0000002", 3.3, -33.0, -71.5, 2, region="OFFSHORE VALPARAISO, CHILE"),
             line("live_0000001", 6.5, 35.0, 139.0, 5, lu_s=120, region="NEAR COAST OF HONSHU, JAPAN", action="update")]
    qm2 = Map(base + [line("live_0000001", 6.3, 35.0, 139.0, 5, lu_s=60, region="NEAR COAST OF HONSHU, JAPAN")] + extra)
    try:
        back = wait(lambda: d.execute_script(
            "var r = document.querySelector('#list li[data-event-id=\"live_0000001\"] .mag');"
            "return document.getElementById('conn').dataset.state === 'live' && r && r.textContent === '6.5' &&"
            " !!document.querySelector('path[data-event-id=\"live_0000002\"]')"), 15)
        m, r = ids(d)
        check("reconnect: after the restart the page catches up (the new event, the update) without reload",
              back and d.execute_script("return window.__noReload === 1"), "state=%s" % d.execute_script(
                  "return document.getElementById('conn').textContent"))
        check("reconnect: no duplicates (%d markers, %d ids, FDSN %s)" % (len(m), len(set(m)), get("/fdsnws/event/1/count")[1].strip()),
              len(m) == len(set(m)) == n0 + 1 == len(fdsn_ids("orderby=time")) and len(r) == len(set(r)) == len(m))
        qm2.send([line("live_0000003", 2.2, 19.4, -155.3, 1, region="ISLAND OF HAWAII, HAWAII")])
        check("reconnect: live again (a line after the restart appears)",
              wait(lambda: d.execute_script("return !!document.querySelector('path[data-event-id=\"live_0000003\"]')"), 3))
        check("live: events below the alert magnitude (M3.3, M2.2) and updates are not announced (%r)" % d.title,
              d.title == "quake map" and d.execute_script("return document.getElementById('alerts').hidden"))
        # phone width: map above the list, nothing wider than the screen
        d.set_window_size(400, 800)
        time.sleep(0.5)
        w = d.execute_script("var m = document.getElementById('map').getBoundingClientRect(),"
                             " l = document.getElementById('list').getBoundingClientRect();"
                             "return [document.documentElement.scrollWidth <= window.innerWidth, m.height > 200,"
                             " l.top >= m.bottom - 1, l.width > 300]")
        check("phone width: map above the list, no sideways scrolling", w == [True, True, True, True], w)
    finally:
        qm2.stop()


JS_DOT = "var e = document.querySelector('.shake-dot[data-detection-id=\"' + '%s' + '\"]'); "


def shake(qm, d):
    """the phones' layer: quake-shake's detection lines on the same stdin, on a layer of their own"""
    n_events = get("/fdsnws/event/1/count")[1].strip()
    qm.send([detection("shake-held-1", 3, 47.376667, 8.523333, age_s=600)])
    d.get(ORIGIN + "/#win=30d")
    live(d)
    held = wait(lambda: d.execute_script(JS_DOT % "shake-held-1" + "return e && e.textContent"), 3)
    ctl = d.execute_script("return Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'),"
                           " l => [l.textContent.trim(), l.querySelector('input').checked])")
    check("shake: the layer control has 'Phones shaking', on (%s)" % ctl, ["Phones shaking", True] in ctl, ctl)
    check("shake: a detection held before the page loaded is on the layer (3 devices)", held == "3", held)
    d.execute_script("window.__noReload = 1")
    before = d.execute_script(JS_DOT % "shake-live-1" + "return !!e")
    qm.send([detection("shake-live-1", 4, 35.68, 139.76)])
    seen = wait(lambda: d.execute_script(JS_DOT % "shake-live-1" + "return !!e"), HANG, 0.02)
    check("shake: a detection line on stdin is on the phones' layer, no reload",
          not before and seen and d.execute_script("return window.__noReload === 1"), "seen=%s" % seen)
    v = d.execute_script(JS_DOT % "shake-live-1" + "return [e.textContent, e.classList.contains('recent'),"
                         " getComputedStyle(e, '::after').animationName, !!e.closest('.leaflet-marker-pane')]")
    check("shake: its marker shows the device count, pulsing (%s)" % v, v == ["4", True, "shake-pulse", True], v)
    m, r = ids(d)
    check("shake: a detection is no event (FDSN count %s, markers, list rows unchanged)" % n_events,
          get("/fdsnws/event/1/count")[1].strip() == n_events == str(len(m)) == str(len(r)) and
          not any(i.startswith("shake") for i in m + r), "%d/%d" % (len(m), len(r)))
    qm.send([detection("shake-live-1", 6, 35.68, 139.76, peak=1.25)])
    upd = wait(lambda: d.execute_script(JS_DOT % "shake-live-1" + "return e && e.textContent === '6'"), 3, 0.02)
    check("shake: a newer revision (6 devices) changes it in place, one element",
          upd and d.execute_script("return document.querySelectorAll('[data-detection-id=\"shake-live-1\"]').length") == 1)
    d.execute_script(JS_DOT % "shake-live-1" + "e.parentNode.dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    pop = wait(lambda: d.execute_script("var p = document.querySelector('.leaflet-popup .shake-popup');"
                                        "return p && [p.dataset.detectionId, p.textContent]"), 3)
    check("shake: popup with time, device count, peak acceleration, centroid (%s)" % (pop and pop[1][:120]),
          pop and pop[0] == "shake-live-1" and all(w in pop[1] for w in ("UTC", "devices6", "1.25 m/s²", "35.6800, 139.7600")), pop)
    d.execute_script("quakeMap.map.closePopup()")
    leg = d.execute_script("return !!document.querySelector('.shake-legend')")
    check("shake: a legend entry for the phones' layer", leg and "phones shaking" in
          d.execute_script("return document.querySelector('.shake-legend').textContent"))
    box = d.find_element("xpath", "//label[contains(., 'Phones shaking')]//input")
    box.click()
    off = wait(lambda: d.execute_script("return document.querySelectorAll('[data-detection-id]').length === 0"), 2)
    check("shake: switched off in the layer control, its markers and legend are gone (events stay)",
          off and not d.execute_script("return !!document.querySelector('.shake-legend')") and
          len(ids(d)[0]) == int(n_events))
    check("shake: the permalink says shake=0", "shake=0" in d.find_element("id", "x-permalink").get_attribute("href"))
    link = d.find_element("id", "x-permalink").get_attribute("href")
    d.get("about:blank")
    d.get(link)
    live(d)
    time.sleep(0.6)
    st = d.execute_script("return [document.querySelectorAll('.shake-dot[data-detection-id]').length,"
                          " document.evaluate(\"//label[contains(., 'Phones shaking')]//input\", document, null, 9, null)"
                          ".singleNodeValue.checked]")
    check("shake: a permalink with shake=0 opens with the layer off (%s)" % st, st == [0, False], st)
    d.find_element("xpath", "//label[contains(., 'Phones shaking')]//input").click()
    both = wait(lambda: d.execute_script("return Array.from(document.querySelectorAll('.shake-dot[data-detection-id]'),"
                                         " e => e.dataset.detectionId + ':' + e.textContent).sort().join(' ')"), 3)
    check("shake: switched on again, both detections at their newest (%s)" % both,
          both == "shake-held-1:3 shake-live-1:6", both)


def screenshot(base):
    # a week of events, an alert and an open popup
    qm = Map(base)
    d = browser("1400,860")
    try:
        d.get(ORIGIN + "/#win=7d&c=20.000,40.000,2")
        live(d)
        time.sleep(1)
        qm.send([line("20261201_9999001", 6.1, -21.5, -175.2, 20, region="TONGA"),
                 detection("shake-20261201T115950-c99ddf", 5, 42.35, 13.40, age_s=40)])
        time.sleep(1.5)
        d.find_element("css selector", '#list li[data-event-id="20261201_9999001"]').click()
        time.sleep(1)
        d.save_screenshot(SHOT)
        print("screenshot: %s" % SHOT)
    finally:
        d.quit()
        qm.stop()


qm2 = None
try:
    main()
except SystemExit as e:
    print(e, flush=True)
    failed += 1
except Exception as e:  # a crash of the test itself is a failure, said once
    print("FAIL browser-map: %s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else ""), flush=True)
    failed += 1
sys.exit(1 if failed else 0)
