#!/usr/bin/env python3
"""held_push.py PORT BODY BARRIER LOG - a push the receiver must hold (no
answer before its status line), checked on the receiver's own word instead
of after a sleep.

POSTs BODY to 127.0.0.1:PORT/push, waits for BARRIER: "lines:FILE" (FILE
holds a line: the stand-in read the push's line) or "fifo:PATH" (the pipe
PATH holds unread bytes: the receiver wrote the line, its reader is
stopped); then for a stats line (the receiver runs with --stats 1) that its
stderr LOG gets after that, saying ok=1 acked=0 unacked=0: the receiver,
ten wake-ups or more later, took the push and has answered it neither 200
(acked) nor 503 (unacked). Then the push's socket must hold no
answer: prints "held" or "answered early"; then waits for the answer (once
the caller releases the status line) and prints its status code. Every wait
is a hang guard of 30 s; "timeout" when one ran out."""
import fcntl
import os
import re
import select
import socket
import struct
import sys
import termios
import time

HANG = 30


def until(cond):
    end = time.monotonic() + HANG
    while not cond():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def main():
    port, body, barrier = int(sys.argv[1]), open(sys.argv[2], "rb").read(), sys.argv[3]
    kind, path = barrier.split(":", 1)
    s = socket.create_connection(("127.0.0.1", port), timeout=HANG)
    s.sendall(b"POST /push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body)
    if kind == "lines":
        ok = until(lambda: os.path.exists(path) and open(path, "rb").read().count(b"\n") >= 1)
    else:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)     # never read from

        def unread():
            return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0] > 0
        ok = until(unread)
        os.close(fd)
    log = sys.argv[4]
    at = os.path.getsize(log) if ok else 0
    held = re.compile(r"msg=stats .*\bok=1\b.* acked=0 unacked=0\b")
    ok = ok and until(lambda: any(held.search(l) for l in open(log, errors="replace").read()[at:].splitlines()))
    if not ok:
        print("timeout", flush=True)
        return 1
    early = select.select([s], [], [], 0)[0]
    print("answered early" if early else "held", flush=True)
    s.settimeout(HANG)
    try:
        head = s.recv(4096)
    except OSError:
        head = b""
    print(head.split(b" ")[1].decode() if head.startswith(b"HTTP/") else "timeout", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
