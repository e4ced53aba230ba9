#!/usr/bin/env python3
"""shake_compare.py GOT WANT - quake-shake's trigger, onset and detection
lines (GOT) against the reference's (WANT: tests/shake_ref.py, the goldens
in tests/golden/shake/): the same lines in the same order, every field
equal, but "ratio" within one unit in its sixth significant digit (it is
written %.6g; ObsPy's recursive_sta_lta and lib/stalta do the same
operations, yet a ratio may differ in its last bits and round the other way). Peak, times, ids,
centroid and radius are the same arithmetic on the same numbers: exact.
Exit 0 when they agree, else 1 and one line naming the first difference."""
import json
import math
import sys


def close(k, a, b):
    if k == "ratio" and isinstance(a, (int, float)) and isinstance(b, (int, float)):
        unit = 10 ** (math.floor(math.log10(max(abs(b), 1e-300))) - 5)
        return abs(a - b) <= unit * 1.0001
    return a == b and type(a) is type(b)


def main():
    got = open(sys.argv[1]).read().splitlines()
    want = open(sys.argv[2]).read().splitlines()
    for i, (g, w) in enumerate(zip(got, want), 1):
        try:
            gj = json.loads(g)
        except ValueError:
            print("line %d: not JSON: %s" % (i, g[:120]))
            return 1
        wj = json.loads(w)
        if list(gj) != list(wj):
            print("line %d: fields %s, want %s" % (i, list(gj), list(wj)))
            return 1
        for k in wj:
            if not close(k, gj[k], wj[k]):
                print("line %d: %s %r, want %r" % (i, k, gj[k], wj[k]))
                return 1
    if len(got) != len(want):
        print("%d lines, want %d" % (len(got), len(want)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
