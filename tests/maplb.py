"""maplb.py — what the two-instance map tests share (tests/map-resume.py,
tests/browser-lb.py): PASS/FAIL lines, bounded waits, a `quake-consume
--positions | quake-map` pair on the real broker as scripts/quake-web wires
it, and a raw SSE client that counts what it lost and what it got twice
(PASS/FAIL lines and waits: tests/checks.py)."""
import json, os, signal, socket, subprocess, time, urllib.request

from checks import check as report, iso, wait  # noqa: F401 (for the scripts)

GUARD = 30          # a hang guard, never a speed


def get(url):
    """(status, body); 0 when nothing answers"""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""
    except OSError:
        return 0, ""


class Map:
    """a quake-consume | quake-map pair, a consumer group of its own; its
    stderr in TMP/NAME.err (quake-consume's --stats lines included)"""

    def __init__(self, bin, broker, topic, name, port, group, tmp, positions=True, start="30d",
                 assets=None):
        self.name, self.port = name, port
        self.url = "http://127.0.0.1:%d" % port
        err = open(os.path.join(tmp, name + ".err"), "ab")
        cmd = [bin + "/quake-consume", "-b", broker, "-t", topic, "-g", group,
               "-X", "topic.metadata.refresh.interval.ms=1000", "--stats", "1",
               # a member killed -9 leaves its group after this, not 45 s
               "-X", "session.timeout.ms=6000"]
        cmd += ["--since", start] if not start.startswith("s@") else ["-o", start]
        if positions:
            cmd.append("--positions")
        self.c = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
        self.m = subprocess.Popen([bin + "/quake-map", "--listen", "127.0.0.1:%d" % port] +
                                  (["--assets", assets] if assets else []),
                                  stdin=self.c.stdout, stdout=subprocess.DEVNULL, stderr=err)
        self.c.stdout.close()

    def get(self, path):
        return get(self.url + path)

    def count(self):
        st, body = self.get("/fdsnws/event/1/count")
        return int(body) if st == 200 and body.strip().isdigit() else -1

    def holds(self, n):
        return wait(lambda: self.count() == n and self.get("/healthz")[0] == 200)

    def stream_clients(self):
        for l in self.get("/metrics")[1].splitlines():
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
                p.wait()


class Client:
    """a raw SSE client: every message's (id, lastupdate) and SSE id, its
    last id (sent as Last-Event-ID on the next connect), comment lines, and
    the X-Served-By of its answers (HAProxy's, when behind it); produced is
    the caller's dict of id -> newest lastupdate produced"""

    def __init__(self, produced):
        self.produced = produced
        self.got, self.ids, self.comments = [], [], []
        self.last = self.server = self.first = None

    def connect(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=GUARD)
        self.s.settimeout(0.2)
        hdr = "Last-Event-ID: %s\r\n" % self.last if self.last else ""
        self.s.sendall(("GET /events/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n%s\r\n" % hdr).encode())
        self.buf, self.head, self.eof = b"", None, False
        self.pump(lambda: self.head is not None, 10)
        for l in (self.head or b"").decode(errors="replace").split("\r\n"):
            if l.lower().startswith("x-served-by:"):
                self.server = l.split(":", 1)[1].strip()
                self.first = self.first or self.server

    def parse(self, until):
        """the head, then one message at a time, so until can stop between two"""
        if self.head is None and b"\r\n\r\n" in self.buf:
            self.head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        while self.head is not None and b"\n\n" in self.buf and not until():
            block, self.buf = self.buf.split(b"\n\n", 1)
            f = {}
            for l in block.decode().split("\n"):
                if l.startswith(":"):
                    self.comments.append(l)
                elif ": " in l:
                    k, v = l.split(": ", 1)
                    f[k] = v
            if "id" in f:
                self.last = f["id"]
            if "data" in f:
                e = json.loads(f["data"])
                self.got.append((e["id"], e["lastupdate"]))
                self.ids.append(f.get("id"))

    def pump(self, until, secs=GUARD):
        """read until until() holds, the stream ends, or secs pass"""
        end = time.monotonic() + secs
        while True:
            self.parse(until)
            if until() or self.eof or time.monotonic() >= end:
                return until()
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                d = b""
            if not d:
                self.eof = True
                continue
            self.buf += d
            if os.environ.get("QUAKE_TEST_RAW"):
                with open(os.environ["QUAKE_TEST_RAW"], "ab") as w:
                    w.write(d)

    def close(self):
        self.s.close()

    def has_all(self):
        seen = set(self.got)
        return all((k, v) in seen for k, v in self.produced.items())

    def numbers(self):
        """(lost, repeated): events not seen at their newest revision;
        revisions seen more than once"""
        seen = set(self.got)
        lost = sum(1 for k, v in self.produced.items() if (k, v) not in seen)
        return lost, len(self.got) - len(seen)

    def settle(self):
        """read until the produced set is in, then until 1 s passes quietly"""
        self.pump(self.has_all)
        n = -1
        while n != len(self.got):
            n = len(self.got)
            self.pump(lambda: len(self.got) > n, 1)
