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
import datetime, json, os, signal, socket, subprocess, sys, tempfile, time, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

BIN, ASSETS, BK, TOPIC, PORT = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
LB = "http://127.0.0.1:%d" % PORT
TMP = tempfile.mkdtemp(prefix="browser-lb.")
POSITIONS = os.environ.get("QUAKE_TEST_NO_POSITIONS") != "1"
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
GUARD = 60
failed = 0
produced = {}


def report(name, ok, why=""):
    global failed
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)), flush=True)
    failed += 0 if ok else 1


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""
    except OSError:
        return 0, ""


def wait(cond, secs=GUARD, step=0.1):
    end = time.monotonic() + secs
    while True:
        v = cond()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


class Map:
    def __init__(self, name, port):
        self.name, self.port = name, port
        self.url = "http://127.0.0.1:%d" % port
        err = open(os.path.join(TMP, name + ".err"), "ab")
        cmd = [BIN + "/quake-consume", "-b", BK, "-t", TOPIC, "-g", "lb-%s-%d" % (name, os.getpid()),
               "--since", "30d"] + (["--positions"] if POSITIONS else [])
        self.c = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
        self.m = subprocess.Popen([BIN + "/quake-map", "--listen", "127.0.0.1:%d" % port, "--assets", ASSETS],
                                  stdin=self.c.stdout, stdout=subprocess.DEVNULL, stderr=err)
        self.c.stdout.close()

    def count(self):
        st, body = get(self.url + "/fdsnws/event/1/count")
        return int(body) if st == 200 and body.strip().isdigit() else -1

    def stream_clients(self):
        st, body = get(self.url + "/metrics")
        for l in body.splitlines():
            if l.startswith("quake_map_sse_clients "):
                return int(float(l.split()[1]))
        return -1

    def kill9(self):
        for p in (self.m, self.c):
            p.send_signal(signal.SIGKILL)
            p.wait()

    def stop(self):
        for p in (self.c, self.m):
            if p.poll() is None:
                p.terminate()
        for p in (self.c, self.m):
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


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


class Client:
    """a raw SSE client through the balancer"""

    def __init__(self):
        self.got, self.last, self.server, self.first = [], None, None, None

    def connect(self):
        self.s = socket.create_connection(("127.0.0.1", PORT), timeout=GUARD)
        self.s.settimeout(0.2)
        hdr = "Last-Event-ID: %s\r\n" % self.last if self.last else ""
        self.s.sendall(("GET /events/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n%s\r\n" % hdr).encode())
        self.buf, self.head, self.eof = b"", None, False
        self.pump(lambda: self.head is not None, 10)
        for l in (self.head or b"").decode(errors="replace").split("\r\n"):
            if l.lower().startswith("x-served-by:"):
                self.server = l.split(":", 1)[1].strip()
                self.first = self.first or self.server

    def pump(self, until, secs=GUARD):
        end = time.monotonic() + secs
        while not until() and not self.eof and time.monotonic() < end:
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                d = b""
            if not d:
                self.eof = True
                break
            self.buf += d
            if self.head is None and b"\r\n\r\n" in self.buf:
                self.head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            while self.head is not None and b"\n\n" in self.buf:
                block, self.buf = self.buf.split(b"\n\n", 1)
                f = dict(l.split(": ", 1) for l in block.decode().split("\n") if ": " in l and not l.startswith(":"))
                if "id" in f:
                    self.last = f["id"]
                if "data" in f:
                    e = json.loads(f["data"])
                    self.got.append((e["id"], e["lastupdate"]))
        return until()

    def has_all(self):
        seen = set(self.got)
        return all((k, v) in seen for k, v in produced.items())

    def numbers(self):
        seen = set(self.got)
        return sum(1 for k, v in produced.items() if (k, v) not in seen), len(self.got) - len(seen)


def browser():
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
              "--disable-default-apps", "--window-size=1280,800", "--user-data-dir=" + tempfile.mkdtemp(dir=TMP)):
        o.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


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
            c = Client()
            c.connect()
            c.pump(c.has_all)
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
            if not c.has_all():
                if c.eof:
                    c.connect()
                c.pump(c.has_all)
            n = -1
            while n != len(c.got):    # then quiet for a second
                n = len(c.got)
                c.pump(lambda: len(c.got) > n, 1)
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
    sys.exit(1 if failed else 0)
