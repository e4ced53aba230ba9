#!/usr/bin/env python3
"""shake_ref.py [--onsets] < PUSHES - what quake-shake --pushes | quake-shake
--detect must write for Sensor Logger push bodies (one a line, as
tests/gen_pushes.py writes them), computed from the documented rules
(docs/design.md "quake-shake", man/quake-shake.1) with ObsPy, not from
quake-shake's code: an independent reference, as tests/stalta_fixtures.py is
for lib/stalta. The goldens in tests/golden/shake/ are its output
(tests/shake_ref.py < pushes > golden); tests/shake_compare.py compares
quake-shake's lines to them. Needs ObsPy (scripts/install-deps'
venv-shake). Defaults only (recursive STA/LTA, no --max-len).

The rules, as documented:
- a push: its accelerometer samples (totalacceleration only when it has
  none), times in epoch ns taken as us (ns / 1000), sorted by time, each
  value written to 1e-6 (rounded half away from zero); its last location
  entry, else the device's last one;
- per device: samples not after its last are dropped; a step over --gap
  (0.5 s) restarts it, and so does --device-timeout (60 s) of the newest
  sample time of all devices past the one it was last seen at; the
  magnitude of (x, y, z) (totalacceleration through a one-pole high-pass,
  0.5 Hz) through ObsPy's recursive_sta_lta (STA 0.5 s, LTA 10 s in samples
  at the rate measured over the rest of the push its segment starts in,
  floor(s * rate + 0.5)), the ratio 0 where the STA's RMS is below --floor
  (0.05), then ObsPy's trigger_onset (on 3.5, off 1.0);
- a trigger line when the trigger ends (the sample that drops below off is
  taken, a restart, the end of the input): on/off its first and last
  sample's times, peak the largest magnitude in it, ratio the largest ratio;
- an onset (device with a location only) once the push its trigger started
  in is taken, or just before its trigger line when it ends in that push:
  peak and ratio up to then;
- coincidence of the onsets (k 3, window 10 s, radius 20 km, hold 10 s), a
  detection line at the onset that completes a group: see coincide()."""
import json
import math
import sys
import time

import numpy as np
from obspy.signal.trigger import recursive_sta_lta, trigger_onset

STA_S, LTA_S, ON, OFF, FLOOR, GAP_S, HP_HZ = 0.5, 10.0, 3.5, 1.0, 0.05, 0.5, 0.5
TIMEOUT_US = 60_000_000
K, WINDOW_US, RADIUS_KM, HOLD_US = 3, 10_000_000, 20.0, 10_000_000
EARTH_KM = 6371.0088    # the mean Earth radius (IUGG), docs/design.md


def fixed6(v):
    """v written to 1e-6 (llround of v * 1e6) and read back"""
    p = v * 1e6
    a = math.floor(abs(p))
    if abs(p) - a >= 0.5:
        a += 1
    m = int(math.copysign(a, p)) if a else 0
    u = abs(m)
    return float("%s%d.%06d" % ("-" if m < 0 else "", u // 10**6, u % 10**6))


def iso(us):
    s, f = divmod(us, 10**6)

    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + ".%06dZ" % f


def dist_km(lat1, lon1, lat2, lon2):
    r = math.pi / 180
    dlat, dlon = (lat2 - lat1) * r, (lon2 - lon1) * r
    a = math.sin(dlat / 2) ** 2 + math.cos(lat1 * r) * math.cos(lat2 * r) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(min(a, 1.0)))


def batches(lines):
    """push bodies -> (device, sensor, [(t_us, x, y, z)], loc or None)"""
    last_loc = {}
    for body in lines:
        p = json.loads(body)
        dev = p["deviceId"]
        acc, tot, loc = [], [], None
        for e in p["payload"]:
            v = e.get("values", e)
            if e["name"] in ("accelerometer", "totalacceleration"):
                s = (int(e["time"]) // 1000, fixed6(v["x"]), fixed6(v["y"]), fixed6(v["z"]))
                (acc if e["name"] == "accelerometer" else tot).append(s)
            elif e["name"] == "location":
                loc = (float("%.6f" % v["latitude"]), float("%.6f" % v["longitude"]))
        if loc:
            last_loc[dev] = loc
        samples = acc or tot
        if not samples:
            continue            # 204: no line
        samples.sort(key=lambda s: s[0])
        yield dev, "accelerometer" if acc else "totalacceleration", samples, last_loc.get(dev)


def segments(bs):
    """the samples each device takes, cut where it restarts: per device a
    list of segments, each a list of (batch, position, t, x, y, z, total);
    and ends[(batch, device)] = the restarts by expiry after that batch"""
    dev = {}          # device -> dict(last, seen, segs)
    newest = 0
    expired = {}
    for bi, (d, sensor, samples, _) in enumerate(bs):
        st = dev.setdefault(d, {"last": None, "seen": 0, "segs": []})
        pos = 0
        for (t, x, y, z) in samples:
            if st["last"] is not None and t <= st["last"]:
                continue
            if st["last"] is None or t - st["last"] > GAP_S * 1e6:
                st["segs"].append([])
            st["segs"][-1].append((bi, pos, t, x, y, z, sensor == "totalacceleration"))
            st["last"] = t
            pos += 1
        if st["last"] is not None and st["last"] > newest:
            newest = st["last"]
        st["seen"] = newest
        for od, o in dev.items():
            if o["last"] is not None and newest - o["seen"] > TIMEOUT_US:
                expired.setdefault(bi, []).append((od, len(o["segs"]) - 1))
                o["last"] = None     # forgotten: its next sample starts anew
    return dev, expired


def magnitudes(seg):
    m = np.empty(len(seg))
    hp_y, hp_x, last = [0.0] * 3, None, None
    for i, (_, _, t, x, y, z, total) in enumerate(seg):
        v = [x, y, z]
        if total:       # one-pole RC high-pass, y = a (y + x - x_prev)
            if hp_x is None:
                hp_x = v[:]
            dt = (t - last) / 1e6 if last is not None else 0.0
            rc = 1.0 / (2 * math.pi * HP_HZ)
            a = rc / (rc + dt)
            for k in range(3):
                hp_y[k] = a * (hp_y[k] + v[k] - hp_x[k])
                hp_x[k] = v[k]
            v = hp_y[:]
        m[i] = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
        last = t
    return m


def triggers(seg):
    """trigger_onset's (on, off) on the floored ratio, and the ratio"""
    first = seg[0][0]
    push = [s for s in seg if s[0] == first]
    t = [s[2] for s in push]
    rate = (len(t) - 1) * 1e6 / (t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else 100.0
    nsta = max(1, int(math.floor(STA_S * rate + 0.5)))
    nlta = max(1, int(math.floor(LTA_S * rate + 0.5)))
    if nlta <= nsta:
        nlta = nsta + 1
    m = magnitudes(seg)
    cft = recursive_sta_lta(m, nsta, nlta) if len(m) > nlta else np.zeros(len(m))
    sta, s = np.zeros(len(m)), 0.0       # recstalta.c's sta, for the floor
    for i in range(1, len(m)):
        s = (1.0 / nsta) * (m[i] * m[i]) + (1 - 1.0 / nsta) * s
        sta[i] = s
    cft = np.where(sta >= FLOOR * FLOOR, cft, 0.0)
    return m, cft, [(int(a), int(b)) for a, b in trigger_onset(cft, ON, OFF)]


class Coinc:
    """the documented coincidence: an onset joins an open group within
    WINDOW of its last member and RADIUS of its centroid; else with the
    unused onsets within WINDOW and RADIUS of it, nearest first, each kept
    only if within RADIUS of every member chosen, K or more make a
    detection; onsets and groups kept HOLD past WINDOW after the newest
    onset, a device's earlier onset dropped by its next"""

    def __init__(self):
        self.on, self.groups, self.newest = [], [], 0

    def add(self, o):
        self.newest = max(self.newest, o["time"])
        keep = WINDOW_US + HOLD_US
        self.on = [x for x in self.on if self.newest - x["time"] <= keep and x["device"] != o["device"]]
        self.groups = [g for g in self.groups if self.newest - g["last"] <= keep]
        for g in self.groups:
            if abs(o["time"] - g["last"]) <= WINDOW_US and \
                    dist_km(o["lat"], o["lon"], g["lat"], g["lon"]) <= RADIUS_KM:
                g["lat"] += (o["lat"] - g["lat"]) / (g["n"] + 1)
                g["lon"] += (o["lon"] - g["lon"]) / (g["n"] + 1)
                g["n"] += 1
                g["last"] = max(g["last"], o["time"])
                return None
        me = dict(o, used=False)
        cand = []
        for x in self.on:
            if x["used"] or abs(x["time"] - o["time"]) > WINDOW_US:
                continue
            dk = dist_km(o["lat"], o["lon"], x["lat"], x["lon"])
            if dk <= RADIUS_KM:
                cand.append((dk, x))
        self.on.append(me)
        if len(cand) + 1 < K:
            return None
        sel = [me]
        for _, x in sorted(cand, key=lambda c: c[0]):
            if all(dist_km(x["lat"], x["lon"], s["lat"], s["lon"]) <= RADIUS_KM for s in sel):
                sel.append(x)
        if len(sel) < K:
            return None
        det = detection(sel)
        self.groups.append({"last": max(s["time"] for s in sel), "lat": det["lat"],
                            "lon": det["lon"], "n": len(sel)})
        for s in sel:
            s["used"] = True
        return det


def detection(sel):
    """the line of the members alone: newest onset first (ties by device)
    for the centroid and the id's hash (docs/design.md "Detection")"""
    sel = sorted(sel, key=lambda s: (-s["time"], s["device"]))
    n = len(sel)
    lat = lon = 0.0
    h = 1469598103934665603
    for s in sel:
        lat += s["lat"] / n
        lon += s["lon"] / n
        for c in s["device"].encode():
            h = ((h ^ c) * 1099511628211) % 2**64
        h = ((h ^ 0xff) * 1099511628211) % 2**64
    t = min(s["time"] for s in sel)
    h ^= t
    r = max(dist_km(lat, lon, s["lat"], s["lon"]) for s in sel)
    tm = iso(t)
    return {"time": t, "lat": lat, "lon": lon, "devices": n, "peak": max(s["peak"] for s in sel),
            "radius_km": r, "id": "shake-%s%s%sT%s%s%s-%06x" % (
                tm[0:4], tm[5:7], tm[8:10], tm[11:13], tm[14:16], tm[17:19], (h ^ (h >> 32)) & 0xffffff)}


def g6(v):
    return "%.6g" % v


def main():
    onsets_mode = "--onsets" in sys.argv[1:]
    bs = list(batches(sys.stdin))
    dev, expired = segments(bs)
    # every event at its place in the stream: (batch, phase, position, seq)
    # phase 0: while the batch's samples are taken; 1: after them (onsets);
    # 2: expiry after the batch; the end of input is batch len(bs)
    ev = []
    seq = [0]

    def put(at, kind, data):
        seq[0] += 1
        ev.append((at, seq[0], kind, data))

    for d, st in dev.items():
        for si, seg in enumerate(st["segs"]):
            m, cft, trig = triggers(seg)
            for on, off in trig:
                # where the trigger line is written
                if off + 1 < len(seg):          # the sample below off taken
                    b, p = seg[off + 1][0], seg[off + 1][1]
                    tat = (b, 0, p, 1)
                elif si + 1 < len(st["segs"]) and not any(
                        (d, si) in v for v in expired.values()):
                    nxt = st["segs"][si + 1][0]     # restarted by a gap
                    tat = (nxt[0], 0, nxt[1], 0)
                else:
                    eb = [b for b, v in expired.items() if (d, si) in v]
                    tat = (eb[0], 2, 0, 0) if eb else (len(bs), 0, 0, 0)
                # the onset: after the push it started in, or before its
                # trigger line when the trigger ends in that push
                ob = seg[on][0]
                last_in_push = max(i for i, s in enumerate(seg) if s[0] == ob)
                if tat[0] == ob and tat[1] == 0:
                    oat, upto = (tat[0], 0, tat[2], tat[3] - 0.5), off
                else:
                    oat, upto = (ob, 1, 0, 0), min(off, last_in_push)
                put(oat, "onset", dict(device=d, time=seg[on][2], peak=float(m[on:upto + 1].max()),
                                       ratio=float(cft[on:upto + 1].max()), batch=oat[0]))
                put(tat, "trigger", dict(device=d, on=seg[on][2], off=seg[off][2],
                                         peak=float(m[on:off + 1].max()), ratio=float(cft[on:off + 1].max()),
                                         batch=tat[0]))
    ev.sort(key=lambda e: (e[0], e[1]))
    # a device's location when a line is written: the last one up to and
    # including that batch
    locs = {}
    for bi, (d, _, _, loc) in enumerate(bs):
        if loc:
            locs.setdefault(d, []).append((bi, loc))

    def loc_at(d, bi):
        ok = [l for b, l in locs.get(d, []) if b <= bi]
        return ok[-1] if ok else None

    co, out = Coinc(), []
    for at, _, kind, e in ev:
        loc = loc_at(e["device"], min(e["batch"], len(bs) - 1))
        if kind == "onset":
            if loc is None:
                continue
            if onsets_mode:
                out.append('{"kind":"onset","device":%s,"on":"%s","peak":%s,"ratio":%s,"lat":%.6f,"lon":%.6f}' % (
                    json.dumps(e["device"]), iso(e["time"]), g6(e["peak"]), g6(e["ratio"]), loc[0], loc[1]))
                continue
            det = co.add(dict(device=e["device"], time=e["time"], lat=loc[0], lon=loc[1], peak=e["peak"]))
            if det:
                out.append('{"kind":"detection","id":"%s","time":"%s","lat":%.6f,"lon":%.6f,"devices":%d,'
                           '"peak":%s,"radius_km":%.3f}' % (det["id"], iso(det["time"]), det["lat"], det["lon"],
                                                            det["devices"], g6(det["peak"]), det["radius_km"]))
        else:
            out.append('{"kind":"trigger","device":%s,"on":"%s","off":"%s","peak":%s,"ratio":%s%s}' % (
                json.dumps(e["device"]), iso(e["on"]), iso(e["off"]), g6(e["peak"]), g6(e["ratio"]),
                ',"lat":%.6f,"lon":%.6f' % loc if loc else ""))
    sys.stdout.write("".join(l + "\n" for l in out))


if __name__ == "__main__":
    main()
