#!/usr/bin/env python3
"""healthz-probe.py HOST PORT PERIOD_MS SECONDS [PATH] — GET PATH (default
/healthz) on a fresh connection every PERIOD_MS (never two at once), each
bounded by 30 s, until SECONDS pass or SIGTERM; then prints "n N p50_ms P
p99_ms P max_ms P failed F". The latency is connect to the end of the
answer. Bounded by SECONDS."""
import signal, socket, sys, time

def main():
    host, port, period, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) / 1000, float(sys.argv[4])
    path = sys.argv[5] if len(sys.argv) > 5 else "/healthz"
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    req = ("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, host)).encode()
    lat, failed, end = [], 0, time.monotonic() + secs
    while not stop and time.monotonic() < end:
        t0 = time.monotonic()
        try:
            s = socket.create_connection((host, port), timeout=30)
            s.sendall(req)
            got, want = b"", None
            while want is None or len(got) < want:
                b = s.recv(65536)
                if not b:
                    break
                got += b
                h = got.find(b"\r\n\r\n")
                if want is None and h >= 0:
                    cl = [l for l in got[:h].split(b"\r\n") if l.lower().startswith(b"content-length:")]
                    want = h + 4 + int(cl[0].split(b":")[1]) if cl else None
            s.close()
            if not got.startswith(b"HTTP/1.1 200"):
                failed += 1
            else:
                lat.append((time.monotonic() - t0) * 1000)
        except OSError:
            failed += 1
        rest = period - (time.monotonic() - t0)
        if rest > 0 and not stop:
            time.sleep(rest)
    lat.sort()
    q = lambda p: "%.1f" % lat[min(len(lat) - 1, int(p * len(lat)))] if lat else "-"
    print("n", len(lat), "p50_ms", q(0.5), "p99_ms", q(0.99), "max_ms", "%.1f" % lat[-1] if lat else "-",
          "failed", failed, flush=True)

main()
