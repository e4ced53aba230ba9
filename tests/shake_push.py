#!/usr/bin/env python3
"""shake_push.py MODE PORT ... - a Sensor Logger stand-in for quake-shake's
receiver tests (127.0.0.1 only, bounded).

  seq PORT FILE              POST each line of FILE in order over one
                             connection; print the status codes, counted
  concurrent PORT N          N devices, each its own connection, all open
                             at once, then one push each; print the codes
  kill PORT PID OUT          20 devices push from threads; after 200 answers
                             kill -9 PID; every push answered 200 must be a
                             line of OUT; prints "acked N lost M"
  killed PORT PID ACKED      the same pushes and kill; writes "device<TAB>msg"
                             of every push answered 200 to ACKED
"""
import collections
import http.client
import json
import os
import signal
import socket
import sys
import threading
import time

T0 = 1764576000 * 10**9


def body(dev, msg, n=50, t0=T0):
    pl = [{"name": "accelerometer", "time": t0 + msg * 10**9 + i * 10**7,
           "values": {"x": 0.01 * i, "y": 0.0, "z": -0.01}} for i in range(n)]
    return json.dumps({"messageId": msg, "sessionId": "s-" + dev,
                       "deviceId": dev, "payload": pl}).encode()


def seq(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    codes = collections.Counter()
    with open(path, "rb") as fp:
        for line in fp:
            c.request("POST", "/push", line.rstrip(b"\n"),
                      {"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            codes[r.status] += 1
    print(" ".join(f"{k}:{v}" for k, v in sorted(codes.items())))


def concurrent(port, n):
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=20)
        socks.append(s)
    for i, s in enumerate(socks):
        b = body(f"dev-{i:04d}", 1)
        s.sendall(b"POST /push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(b) + b)
    codes = collections.Counter()
    for s in socks:
        buf = b""
        while b"\r\n" not in buf:
            d = s.recv(4096)
            if not d:
                break
            buf += d
        codes[buf.split(b" ")[1].decode() if buf else "none"] += 1
        s.close()
    print(" ".join(f"{k}:{v}" for k, v in sorted(codes.items())))


def push_and_kill(port, pid):
    """20 devices push from threads; after 200 answers 200, kill -9 pid;
    the (device, msg) of every push answered 200"""
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def device(d):
        msg = 0
        while not stop.is_set() and msg < 2000:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                while not stop.is_set() and msg < 2000:
                    c.request("POST", "/push", body(f"k-{d}", msg, 20))
                    r = c.getresponse()
                    r.read()
                    if r.status == 200:
                        with lock:
                            acked.append((f"k-{d}", msg))
                    msg += 1
            except (OSError, http.client.HTTPException):
                return

    th = [threading.Thread(target=device, args=(d,)) for d in range(20)]
    for t in th:
        t.start()
    deadline = time.time() + 20
    while len(acked) < 200 and time.time() < deadline:
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    stop.set()
    for t in th:
        t.join()
    return acked


def kill(port, pid, out):
    acked = push_and_kill(port, pid)
    have = set()
    with open(out) as fp:
        for line in fp:
            try:
                j = json.loads(line)
            except ValueError:
                continue        # a line cut by the kill was never acked
            have.add((j["device"], j["msg"]))
    lost = [a for a in acked if a not in have]
    print(f"acked {len(acked)} lost {len(lost)}")


def killed(port, pid, out):
    with open(out, "w") as fp:
        for dev, msg in push_and_kill(port, pid):
            fp.write(f"{dev}\t{msg}\n")


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "seq":
        seq(port, sys.argv[3])
    elif mode == "concurrent":
        concurrent(port, int(sys.argv[3]))
    elif mode == "kill":
        kill(port, int(sys.argv[3]), sys.argv[4])
    elif mode == "killed":
        killed(port, int(sys.argv[3]), sys.argv[4])


if __name__ == "__main__":
    main()
