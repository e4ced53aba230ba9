#!/usr/bin/env python3
"""browser-map.py QUAKE_MAP ASSETS PORT [--screenshot FILE] — quake-map's page in
headless Debian chromium (selenium), against the real quake-map started here on
127.0.0.1:PORT and fed on its stdin. Prints one PASS/FAIL line per check.
With --screenshot: replays a week of events (and a detection of shaking phones)
and saves the page as a PNG."""
import datetime, json, math, os, signal, subprocess, sys, tempfile, time, urllib.error, urllib.request

from selenium.webdriver.support.ui import Select

import checks
from checks import check, chromium, iso, wait

BIN, ASSETS, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
SHOT = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--screenshot" else None
ORIGIN = "http://127.0.0.1:%d" % PORT
HERE = os.path.dirname(os.path.abspath(__file__))
TMP = tempfile.mkdtemp(prefix="browser-map.")
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


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


def browser(size="1280,800"):
    # a zone other than UTC, so that "local time" shows a difference
    return chromium(TMP, size, logs=True, tz="Asia/Tokyo")


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
    people(base)


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
    check("shake: a newer revision (6 devices) changes it in place, one marker, one list row",
          upd and d.execute_script("return [document.querySelectorAll('.shake-dot[data-detection-id=\"shake-live-1\"]').length,"
                                   " document.querySelectorAll('#list li[data-detection-id=\"shake-live-1\"]').length]") == [1, 1])
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
    off = wait(lambda: d.execute_script("return document.querySelectorAll('[data-detection-id]').length === 0"), HANG)
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


PLACE_PY = os.path.join(os.environ.get("QUAKE_CACHE", os.path.expanduser("~/.cache/quake")), "venv-alert", "bin", "python")
PLACES = os.path.join(os.path.dirname(ASSETS.rstrip("/")), "places.tsv")


def place_ref(points):
    """'N km DIR of <town>' of each (lat, lon) by tests/place_text.py: pyproj
    and brute force over the gazetteer file quake-map reads (beside ASSETS)"""
    out = subprocess.run([PLACE_PY, os.path.join(HERE, "place_text.py"), PLACES], capture_output=True, text=True,
                         input="".join("%r %r\n" % p for p in points), check=True).stdout.splitlines()
    return out


def sequence(n=40):
    """an M7.1 off Kamchatka 3 h ago and N smaller events after it within
    30 km (Wells & Coppersmith's 2 L for M7.1 is ~95 km), deterministic"""
    main = line("seq_main_71", 7.1, 52.5, 160.3, 3 * 3600, region="NEAR EAST COAST OF KAMCHATKA")
    after = []
    for i in range(n):
        a = i * 2.399963
        after.append(line("seq_after_%03d" % i, round(2.5 + (i * 7 % 25) / 10, 1), round(52.5 + 0.2 * math.sin(a) * (i % 5 + 1) / 5, 4),
                          round(160.3 + 0.3 * math.cos(a) * (i % 5 + 1) / 5, 4), 3 * 3600 - 60 * (i + 1),
                          region="NEAR EAST COAST OF KAMCHATKA"))
    # an M3 as far again, in the same hour: no aftershock of it
    return [main] + after + [line("seq_far_0001", 3.0, 49.0, 156.0, 3 * 3600 - 30, region="KURIL ISLANDS")]


JS_ROWS = "return Array.from(document.querySelectorAll('#list li[data-event-id]'), function (li) {" \
          " var e = quakeMap.events.get(li.dataset.eventId); return [li.dataset.eventId, e.t, e.ev.mag, li.className, li.hidden]; })"


def people(base):
    """issue 26: places, a sequence, the phones in the list, parity, a phone-sized page"""
    seq = sequence()
    qm = Map(base + seq)
    d = browser()
    try:
        d.get(ORIGIN + "/#win=7d")
        live(d)
        first = wait(lambda: d.execute_script("var li = document.querySelector('#list li[data-event-id]');"
                                              "return li && [li.dataset.eventId, li.querySelector('.seq') && li.querySelector('.seq').textContent,"
                                              " document.querySelectorAll('#list li.after').length,"
                                              " document.querySelectorAll('#list li.after:not([hidden])').length]"), HANG)
        check("sequence: the M7.1 main shock is the first row, 'M7.1 and 40 aftershocks', they folded under it (%s)" % first,
              first and first[0] == "seq_main_71" and "M7.1 and 40 aftershocks" in (first[1] or "") and first[2:] == [40, 0], first)
        d.find_element("css selector", '#list li[data-event-id="seq_main_71"] .seq').click()
        opened = wait(lambda: d.execute_script("var r = Array.from(document.querySelectorAll('#list li[data-event-id]'));"
                                               "return r.slice(1, 41).every(function (li) { return li.classList.contains('after') && !li.hidden; })"
                                               " && r[41] && !r[41].classList.contains('after') && r[41].dataset.eventId"), HANG)
        check("sequence: opened, its 40 aftershocks follow it, then the other events (%s next)" % opened,
              bool(opened) and opened != "seq_far_0001" or opened == "seq_far_0001", opened)
        far = d.execute_script("var li = document.querySelector('#list li[data-event-id=\"seq_far_0001\"]');"
                               "return li && [li.classList.contains('after'), li.hidden]")
        check("sequence: an event beyond twice the rupture length is no aftershock", far == [False, False], far)
        d.find_element("css selector", '#list li[data-event-id="seq_after_007"]').click()
        z = wait(lambda: d.execute_script("var c = quakeMap.map.getCenter(), e = quakeMap.events.get('seq_after_007').ev;"
                                          "return quakeMap.map.getZoom() >= 6 && Math.abs(c.lat - e.lat) < 0.5 &&"
                                          " Math.abs(c.lng - e.lon) < 0.5 && quakeMap.map.getZoom()"), HANG)
        check("row click: the map zooms to the event (zoom %s)" % z, bool(z), z)
        # "N km DIR of <town>": the row and the popup, against pyproj over the same file
        pop = wait(lambda: d.execute_script("var p = document.querySelector('.leaflet-popup .popup');"
                                            "return p && p.dataset.eventId === 'seq_after_007' && p.querySelector('.place') &&"
                                            " p.querySelector('.place').textContent"), HANG)
        row = d.execute_script("return document.querySelector('#list li[data-event-id=\"seq_after_007\"] .region').textContent")
        ev = d.execute_script("var e = quakeMap.events.get('seq_after_007').ev; return [e.lat, e.lon]")
        mrow = d.execute_script("return document.querySelector('#list li[data-event-id=\"seq_main_71\"] .region').textContent")
        want = place_ref([tuple(ev), (52.5, 160.3)])
        check("place: popup and row say '%s' as pyproj does ('%s')" % (pop, want[0]),
              pop == row == want[0].rstrip(" ?") or (want[0].endswith(" ?") and pop == row), [pop, row, want])
        check("place: the main shock's row says '%s' ('%s')" % (mrow, want[1]),
              mrow == want[1].rstrip(" ?") and " of " in mrow and "Russia" in mrow, [mrow, want[1]])
        d.execute_script("quakeMap.map.closePopup(); quakeMap.map.setView([20, 10], 2, {animate: false})")
        # badges: coloured by magnitude, not by age
        bg = d.execute_script("function c(id) { return getComputedStyle(document.querySelector('#list li[data-event-id=\"' + id + '\"] .mag')).backgroundColor; }"
                              "return [c('seq_main_71'), c('seq_after_000'), c('seq_after_010')]")
        mags = d.execute_script("return ['seq_after_000', 'seq_after_010'].map(function (i) { return quakeMap.events.get(i).ev.mag; })")
        check("badges: an M7.1 and an M%s of the same hour look different, two M2-4 alike (%s)" % (mags[0], bg),
              bg[0] != bg[1] and (bg[1] == bg[2]) == ((2 <= mags[0] < 4) == (2 <= mags[1] < 4)), [bg, mags])
        # sorts: oldest, smallest (the rows outside the sequence in that order), and the FDSN orderby
        for val, key, fdsn in (("time-asc", 1, "time-asc"), ("mag-asc", 2, "magnitude-asc")):
            Select(d.find_element("id", "f-sort")).select_by_value(val)
            time.sleep(0.4)
            rows = [r for r in d.execute_script(JS_ROWS) if "main" not in r[3] and "after" not in r[3]]
            vals = [r[key] for r in rows]
            check("sort: %s lists %d rows in that order, exports orderby=%s" % (val, len(rows), fdsn),
                  len(rows) > 200 and vals == sorted(vals) and "orderby=" + fdsn in
                  d.find_element("id", "x-geojson").get_attribute("href"), vals[:5])
        Select(d.find_element("id", "f-sort")).select_by_value("time")
        # every export cut by the region search
        d.find_element("id", "f-q").send_keys("kamchatka")
        time.sleep(0.5)
        shown = sorted(d.execute_script("return Array.from(document.querySelectorAll('path[data-event-id]'), e => e.dataset.eventId)"))
        got = d.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "Promise.all(['geojson', 'text', 'xml'].map(quakeMap.exportText)).then(done, function (e) { done(String(e)); })")
        gj = sorted(f["id"] for f in json.loads(got[0])["features"])
        tx = sorted(l.split("|")[0] for l in got[1].splitlines() if l and not l.startswith("#"))
        qx = sorted(x.split('"')[0] for x in got[2].split('<event publicID="smi:eu.emsc-csem/event/')[1:])
        check("export: with the region search 'kamchatka' GeoJSON, FDSN text and QuakeML hold exactly the %d shown" % len(shown),
              len(shown) == 41 and gj == tx == qx == shown, [len(gj), len(tx), len(qx), len(shown)])
        csv = sorted(r.split(",")[6] for r in d.execute_script("return quakeMap.csv()").splitlines()[1:])
        check("export: the CSV too", csv == shown, len(csv))
        d.find_element("id", "f-q").clear()
        d.execute_script("var q = document.getElementById('f-q'); q.value = ''; q.dispatchEvent(new Event('input'))")
        time.sleep(0.4)
        # a detection: in the list (its own row), counted, announced; the time it took, measured
        leg0 = d.execute_script("return !!document.querySelector('.shake-legend')")
        d.execute_script(
            "window.__det = {}; new MutationObserver(function () {"
            " if (!__det.row && document.querySelector('#list li.det[data-detection-id=\"shake-people-1\"]')) __det.row = Date.now();"
            " if (!__det.banner && /Phones shaking/.test(document.getElementById('banner').textContent)) __det.banner = Date.now();"
            "}).observe(document.body, {subtree: true, childList: true, characterData: true})")
        sent = time.time()
        qm.send([detection("shake-people-1", 5, 38.72, -9.14, age_s=1)])
        seen = wait(lambda: d.execute_script("return __det.row && __det.banner && [__det.row, __det.banner]"), HANG)
        hdr = d.execute_script("return [document.getElementById('det-count').textContent, document.getElementById('det-count').hidden,"
                               " document.getElementById('alerts').textContent, document.title,"
                               " !!document.querySelector('.shake-legend')]")
        ms = [round(t - sent * 1000) for t in seen] if seen else None
        check("phones: a detection is a row of its own and in the banner (row after %s ms, banner after %s ms, measured)" %
              (ms and ms[0], ms and ms[1]), bool(seen), seen)
        drow = d.execute_script("return [document.querySelector('#list li.det[data-detection-id=\"shake-people-1\"] .region').textContent,"
                                " document.getElementById('banner').textContent]")
        dwant = place_ref([(38.72, -9.14)])[0].rstrip(" ?")
        check("phones: the row and the banner name the place as pyproj does (%s)" % drow[0],
              drow[0].endswith(", " + dwant) and dwant in drow[1], [drow, dwant])
        check("phones: counted in the header and the badge (%s)" % hdr,
              hdr[0] == "1 detection by phones" and not hdr[1] and "1 new detection" in hdr[2] and hdr[3].startswith("(1) "), hdr)
        check("phones: the legend entry only once there is a detection", not leg0 and hdr[4], [leg0, hdr[4]])
    finally:
        d.quit()
    phone(qm, base + seq)
    qm.stop()


def phone(qm, lines, shot=None):
    """390x844: the held events in the first view, the legend small, 44 px targets, map/list toggle"""
    d = browser("500,844")
    try:   # a phone's viewport (a headless window is at least 500 px wide)
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True})
        d.get(ORIGIN + "/")
        live(d)
        time.sleep(0.8)
        if shot:
            d.save_screenshot(shot)
        v = d.execute_script("return [window.innerWidth, window.innerHeight, document.documentElement.scrollWidth]")
        pts = set(json.loads(l)["id"] for l in lines)
        # where each marker is drawn, not where a world copy could show it
        out = d.execute_script("var m = document.getElementById('map').getBoundingClientRect(), n = 0, k = 0;"
                               "document.querySelectorAll('path[data-event-id]').forEach(function (e) { var r = e.getBoundingClientRect(),"
                               " x = r.left + r.width / 2, y = r.top + r.height / 2; k++;"
                               " if (x < m.left || x > m.right || y < m.top || y > m.bottom) n++; }); return [n, k]")
        out = out[0] + len(pts) - out[1]
        check("phone: at %dx%d every one of the %d held events is inside the first view (%d outside, zoom %s)" %
              (v[0], v[1], len(pts), out, d.execute_script("return quakeMap.map.getZoom()")),
              v[0] <= 400 and out == 0 and v[2] <= v[0], v)
        a = d.execute_script("var m = document.getElementById('map').getBoundingClientRect(), s = 0;"
                             "document.querySelectorAll('.legend, .shake-legend').forEach(function (e) {"
                             " var r = e.getBoundingClientRect(); s += r.width * r.height; });"
                             "return [s / (m.width * m.height), m.width, m.height]")
        check("phone: the legend covers %.1f%% of the map (%dx%d), under 10%%" % (100 * a[0], a[1], a[2]), a[0] < 0.1 and a[2] > 500, a)
        d.find_element("css selector", ".legend-toggle").click()
        opened = d.execute_script("return !document.querySelector('.legend').classList.contains('closed') &&"
                                  " /depth|age/.test(document.querySelector('.legend').textContent)")
        check("phone: the legend opens from its button", opened)
        d.find_element("css selector", ".legend-toggle").click()
        d.find_element("id", "show-list").click()
        time.sleep(0.3)
        st = d.execute_script("var l = document.getElementById('list').getBoundingClientRect();"
                              "return [getComputedStyle(document.getElementById('map')).display, l.top < innerHeight / 3, l.width > 350]")
        check("phone: 'list' shows the list instead of the map, starting in the top third (%s)" % st, st == ["none", True, True], st)
        small = d.execute_script(
            "return Array.from(document.querySelectorAll('#panes button, #list li:not([hidden]), #list .seq, .legend-toggle,"
            " .leaflet-bar a, #export a')).filter(function (e) { var r = e.getBoundingClientRect();"
            " return r.width > 0 && (r.width < 44 || r.height < 44); }).map(function (e) { var r = e.getBoundingClientRect();"
            " return (e.id || e.className || e.tagName) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height); })")
        n = d.execute_script("return document.querySelectorAll('#panes button, #list li:not([hidden]), #list .seq, #export a').length")
        d.find_element("css selector", '#list li[data-event-id="seq_main_71"]').click()
        time.sleep(0.3)
        z = d.execute_script("return [getComputedStyle(document.getElementById('map')).display, quakeMap.map.getZoom(),"
                             " !!document.querySelector('.leaflet-popup .popup')]")
        d.find_element("id", "show-map").click()
        time.sleep(0.3)
        small += d.execute_script(
            "return Array.from(document.querySelectorAll('.legend-toggle, .leaflet-bar a')).filter(function (e) {"
            " var r = e.getBoundingClientRect(); return r.width > 0 && (r.width < 44 || r.height < 44); }).map(function (e) {"
            " return e.className || e.tagName; })")
        d.find_element("id", "show-filters").click()
        time.sleep(0.3)
        small += d.execute_script(
            "return Array.from(document.querySelectorAll('#filters select, #filters input[type=search], #filters label,"
            " .leaflet-control-layers-toggle')).filter(function (e) { var r = e.getBoundingClientRect();"
            " return r.width > 0 && (r.width < 44 || r.height < 44); }).map(function (e) { var r = e.getBoundingClientRect();"
            " return (e.id || e.className || e.tagName) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height); })")
        n += d.execute_script("return document.querySelectorAll('#filters select, #filters input[type=search], #filters label').length + 1")
        d.find_element("id", "show-filters").click()
        check("phone: every tap target of %d (toggles, rows, exports, legend, zoom, layers, filters) is at least 44 px (%s)" % (n, small[:4]), not small, small)
        check("phone: a row tapped shows the map, zoomed to it, its popup open (%s)" % z, z[0] != "none" and z[1] >= 6 and z[2], z)
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
        time.sleep(0.4)
        dk = d.execute_script("return [getComputedStyle(document.getElementById('panes')).display,"
                              " getComputedStyle(document.getElementById('side')).display, getComputedStyle(document.getElementById('filters')).display]")
        check("desktop width: map and list side by side, the filter bar shown, no toggle (%s)" % dk, dk == ["none", "flex", "flex"], dk)
    finally:
        d.quit()


def screenshot(base):
    """SHOT (desktop: a week of events, a new M6.1 announced and open, an
    aftershock sequence pinned), and beside it SHOT-phone.png (390x844, the
    map), SHOT-phone-list.png (the list) and SHOT-sequence.png (the
    sequence opened and zoomed to)"""
    stem = SHOT[:-4] if SHOT.endswith(".png") else SHOT
    qm = Map(base + sequence())
    d = browser("1400,860")
    try:
        d.get(ORIGIN + "/#win=7d&c=20.000,40.000,2")
        live(d)
        time.sleep(1)
        qm.send([line("20261201_9999001", 6.1, -21.5, -175.2, 20, region="TONGA"),
                 detection("shake-20261201T115950-c99ddf", 5, 42.35, 13.40, age_s=40)])
        time.sleep(1.5)
        d.find_element("css selector", '#list li[data-event-id="20261201_9999001"]').click()
        d.execute_script("quakeMap.map.setView([5, -160], 2, {animate: false});"
                         "quakeMap.events.get('20261201_9999001').marker.openPopup()")
        time.sleep(1)
        d.save_screenshot(SHOT)
        d.execute_script("quakeMap.map.closePopup()")
        d.find_element("css selector", '#list li[data-event-id="seq_main_71"] .seq').click()
        time.sleep(0.4)
        d.find_element("css selector", '#list li[data-event-id="seq_main_71"]').click()
        d.execute_script("quakeMap.map.setView([52.5, 160.3], 7, {animate: false})")
        # the 1:10m outlines and the place labels arrive when zoomed (basemap.js)
        wait(lambda: d.execute_script("return document.getElementById('map').dataset.outlines") == "10m" and
             int(d.execute_script("return document.getElementById('map').dataset.places || 0")) > 0, HANG)
        d.execute_script("quakeMap.map.closePopup()")   # the labels, not the popup, in this one
        time.sleep(1)
        d.save_screenshot(stem + "-sequence.png")
        d.quit()
        d = browser("500,844")
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        d.get(ORIGIN + "/")
        live(d)
        time.sleep(1)
        d.save_screenshot(stem + "-phone.png")
        d.find_element("id", "show-list").click()
        time.sleep(0.5)
        d.save_screenshot(stem + "-phone-list.png")
        print("screenshots: %s, %s-{sequence,phone,phone-list}.png" % (SHOT, stem))
    finally:
        d.quit()
        qm.stop()


qm2 = None
try:
    main()
except SystemExit as e:
    print(e, flush=True)
    checks.failed += 1
except Exception as e:  # a crash of the test itself is a failure, said once
    print("FAIL browser-map: %s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else ""), flush=True)
    checks.failed += 1
sys.exit(1 if checks.failed else 0)
