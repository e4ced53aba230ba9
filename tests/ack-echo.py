#!/usr/bin/env python3
"""ack-echo.py OUT FIFO [DELAY] — a stand-in downstream (DELAY seconds per line): append each input line to
OUT, then write its status line to FIFO (as quake-ddb-put would)."""
import json, signal, sys, time
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # reader gone: stop quietly
out = open(sys.argv[1], 'a')
fifo = open(sys.argv[2], 'w')
n = 0
delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0
for line in sys.stdin:
    n += 1
    if delay: time.sleep(delay)
    out.write(line); out.flush()
    ev = json.loads(line)
    fifo.write(json.dumps({'id': ev['id'], 'status': 'stored', 'line': n}) + '\n'); fifo.flush()
