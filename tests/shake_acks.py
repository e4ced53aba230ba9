#!/usr/bin/env python3
"""shake_acks.py FIFO [MSG:ACTION ...] - a stand-in for quake-produce's
status lines, for quake-shake --acks tests: reads sample-batch lines on
stdin and writes one status line per line to FIFO, in input order, numbered
from 1: "produced", unless the line's msg (its push's messageId) has an
action:

  reject      "rejected" with an error
  delay=S     wait S seconds first (at most 20)
  hold=FILE   wait until FILE exists first (at most 20 s)
  skip        no status line for it: the next one comes out of order
  end         close the FIFO and exit instead

joined by "+" (hold=FILE+reject). Every wait is bounded; the lines read go
on to stdout as they came.
"""
import json
import os
import sys
import time


def main():
    plan = {}
    for a in sys.argv[2:]:
        msg, act = a.split(":", 1)
        plan[int(msg)] = act
    with open(sys.argv[1], "w") as out:
        for n, line in enumerate(sys.stdin, 1):
            sys.stdout.write(line)
            sys.stdout.flush()
            acts = plan.get(json.loads(line)["msg"], "").split("+")
            if "end" in acts:
                return
            if "skip" in acts:
                continue
            for act in acts:
                if act.startswith("delay="):
                    time.sleep(min(float(act[6:]), 20))
                if act.startswith("hold="):
                    until = time.time() + 20
                    while not os.path.exists(act[5:]) and time.time() < until:
                        time.sleep(0.02)
            st = {"id": "d", "status": "produced", "line": n}
            if "reject" in acts:
                st = {"id": "d", "status": "rejected", "line": n,
                      "error": "kafka: message too large"}
            out.write(json.dumps(st) + "\n")
            out.flush()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:     # the receiver went first
        pass
