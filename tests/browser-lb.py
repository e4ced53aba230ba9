#!/usr/bin/env python3
"""browser-lb.py BIN ASSETS BROKER TOPIC PORT — two map instances behind
Debian's HAProxy, in Chromium. Two `quake-consume --positions -g <its own>
--since 30d | quake-map` pairs (as scripts/quake-web wires them) on the real
broker, HAProxy on 127.0.0.1:PORT in front (balance leastconn, option httpchk
GET /healthz, timeout tunnel); the page is opened through it (selenium), the
instance its event stream is on is killed -9, events keep being produced, and
the page must show exactly the produced set: every event once in the list and
on the map, each at its newest revision. A raw SSE client on the same instance
must, after its resume, have exactly what was produced: 0 lost, 0 repeated.
The topic exists. QUAKE_TEST_NO_POSITIONS=1 runs quake-consume without
--positions (the map services before ids were positions). Prints PASS/FAIL
lines. Every wait is bounded."""
import datetime, os, subprocess, sys, tempfile, time

import checks
import maplb
from maplb import get, iso, report

BIN, ASSETS, BK, TOPIC, PORT = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
LB = "http://127.0.0.1:%d" % PORT
TMP = tempfile.mkdtemp(prefix="browser-lb.")
POSITIONS = os.environ.get("QUAKE_TEST_NO_POSITIONS") != "1"
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
GUARD = 60
produced = {}


def wait(cond, secs=GUARD):
    return maplb.wait(cond, secs)


def produce(pairs):
    lines = []
    for n, rev in pairs:
        eid = "lb_%07d" % n
        t = NOW - datetime.timedelta(hours=1, seconds=n * 13)
        lu = iso(t + datetime.timedelta(minutes=1 + rev))
        lines.append('{"id":"%s","action":"%s","time":"%s","lastupdate":"%s","lat":%.3f,"lon":%.3f,'
                     '"depth":10.0,"mag":%.1f,"magtype":"mb","region":"LB TEST","evtype":"ke","auth":"QK",'
                     '"source_catalog":"EMSC-RTS","source_id":"%d"}' % (
                         eid, "create" if rev == 0 else "update", iso(t), lu, (n * 37 % 160) - 80.0,
                         (n * 71 % 340) - 170.0, 2.5 + (n + rev) % 40 / 10.0, n))
        produced[eid] = max(produced.get(eid, ""), lu)
    r = subprocess.run([BIN + "/quake-produce", "-b", BK, "-t", TOPIC], input="\n".join(lines) + "\n",
                       capture_output=True, text=True, timeout=GUARD)
    if r.returncode != 0:
        raise SystemExit("FAIL produce: exit %d: %s" % (r.returncode, r.stderr[-300:]))


def Map(name, port):
    return maplb.Map(BIN, BK, TOPIC, name, port, "lb-%s-%d" % (name, os.getpid()), TMP,
                     positions=POSITIONS, assets=ASSETS)


HAPROXY_CFG = """global
    maxconn 1000
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
    option redispatch
    retries 3
frontend web
    bind 127.0.0.1:%d
    default_backend maps
backend maps
    balance leastconn
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 300ms fall 2 rise 2
    http-response set-header X-Served-By %%s
    server a 127.0.0.1:%d check
    server b 127.0.0.1:%d check
"""


def browser():
    return checks.chromium(TMP)


JS_PAGE = """var ev = {}; quakeMap.events.forEach(function (r, id) { ev[id] = r.ev.lastupdate; });
return [ev, Array.from(document.querySelectorAll('#list li[data-event-id]'), e => e.dataset.eventId),
        Array.from(document.querySelectorAll('path[data-event-id]'), e => e.dataset.eventId),
        document.getElementById('conn').dataset.state]"""


def page_state(d):
    ev, rows, marks, conn = d.execute_script(JS_PAGE)
    lost = sum(1 for k, v in produced.items() if ev.get(k) != v)
    twice = (len(rows) - len(set(rows))) + (len(marks) - len(set(marks)))
    extra = len(set(rows) - set(produced)) + len(set(marks) - set(produced))
    return lost, twice, extra, len(set(rows)), len(set(marks)), conn


def main():
    produce([(n, 0) for n in range(1, 201)] + [(n, 1) for n in range(1, 51)])
    a, b = Map("a", PORT + 1), Map("b", PORT + 2)
    with open(os.path.join(TMP, "haproxy.cfg"), "w") as w:
        w.write(HAPROXY_CFG % (PORT, PORT + 1, PORT + 2))
    hp = subprocess.Popen(["haproxy", "-db", "-f", os.path.join(TMP, "haproxy.cfg")],
                          stdout=subprocess.DEVNULL, stderr=open(os.path.join(TMP, "haproxy.err"), "ab"))
    d = None
    try:
        ok = wait(lambda: a.count() == 200 and b.count() == 200 and get(LB + "/healthz")[0] == 200)
        report("two instances hold the topic's 200 events, HAProxy answers", ok, (a.count(), b.count()))
        d = browser()
        d.get(LB + "/#win=30d")
        t0 = time.monotonic()
        st = wait(lambda: page_state(d)[5] == "live" and page_state(d)[0] == 0)
        report("page through HAProxy: live, all 200 events in %.1f s" % (time.monotonic() - t0), bool(st), page_state(d))
        on = wait(lambda: [m for m in (a, b) if m.stream_clients() == 1], 10)
        report("page: its event stream is on one instance (%s)" % (on[0].name if on else "?"), len(on or []) == 1)
        if len(on or []) != 1:
            return
        victim, other = on[0], (b if on[0] is a else a)
        clients = []
        for _ in range(6):     # until one is on the page's instance
            c = maplb.Client(produced)
            c.connect(PORT)
            c.pump(c.has_all, GUARD)
            clients.append(c)
            if c.server == victim.name:
                break
        report("raw SSE clients through HAProxy: one on %s with the page, each with all 200 (%s)" % (
            victim.name, [c.server for c in clients]),
            clients[-1].server == victim.name and all(c.has_all() for c in clients))
        # kill -9 the page's instance, keep producing
        victim.kill9()
        for k in range(5):
            produce([(n, 0) for n in range(201 + 20 * k, 221 + 20 * k)] + [(n, 2 + k) for n in range(1, 11)])
            time.sleep(0.3)
        want = len(produced)
        wait(lambda: other.count() == want)
        for c in clients:
            c.pump(c.has_all, 5)
            if not c.has_all() and c.eof:
                c.connect(PORT)
            c.pump(c.has_all, GUARD)
            c.settle()              # then quiet for a second
        for c in clients:
            lost, rep = c.numbers()
            report("raw SSE client first on %s, now on %s: %d lost, %d repeated (%d events, %d messages)" % (
                c.first, c.server, lost, rep, want, len(c.got)),
                lost == 0 and rep == 0, "lost %d, repeated %d" % (lost, rep))
        st = wait(lambda: page_state(d)[0] == 0 and page_state(d)[5] == "live")
        time.sleep(1)
        lost, twice, extra, rows, marks, conn = page_state(d)
        report("page after %s was killed -9: exactly the produced set (%d events): %d missing or not at "
               "the newest revision, %d twice, %d unknown; %d rows, %d markers, %s" % (
                   victim.name, want, lost, twice, extra, rows, marks, conn),
               lost == 0 and twice == 0 and extra == 0 and rows == want and marks == want,
               "missing %d, twice %d, unknown %d" % (lost, twice, extra))
        report("page: its stream now on %s" % other.name, other.stream_clients() >= 1, other.stream_clients())
    finally:
        if d is not None:
            d.quit()
        hp.terminate()
        hp.wait(10)
        a.stop()
        b.stop()


if __name__ == "__main__":
    main()
    sys.exit(1 if checks.failed else 0)
