#!/usr/bin/env python3
"""shake-acklat.py PORT PUSHES DEVICES - push -> answer latency of quake-shake's
receiver: DEVICES phones (threads, one keep-alive connection each) send
PUSHES pushes in all (100 samples each), each phone one at a time, every
0.1 s; prints the answers' codes and the latency p50/p99/max in ms (and
which of its phone's pushes the slowest was: 0 is the first)."""
import collections
import http.client
import sys
import threading
import time

sys.path.insert(0, "tests")
import shake_push  # noqa: E402


def main():
    port, total, ndev = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    lat, codes, lock = [], collections.Counter(), threading.Lock()

    def phone(d):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for m in range(total // ndev):
            b = shake_push.body(f"lat-{d}", m, 100)
            t0 = time.perf_counter()
            c.request("POST", "/push", b)
            r = c.getresponse()
            r.read()
            dt = time.perf_counter() - t0
            with lock:
                lat.append((dt, m))
                codes[r.status] += 1
            time.sleep(max(0.0, 0.1 - dt))

    th = [threading.Thread(target=phone, args=(d,)) for d in range(ndev)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))][0] * 1000  # noqa: E731
    print("codes " + ",".join(f"{k}:{v}" for k, v in sorted(codes.items())) +
          f" p50 {q(0.5):.1f} p99 {q(0.99):.1f} max {lat[-1][0] * 1000:.1f} ms"
          f" (a phone's push #{lat[-1][1]})")


if __name__ == "__main__":
    main()
