#!/usr/bin/env python3
"""map-resume.py BIN BROKER TOPIC PORT — two map instances on one topic (each
`quake-consume --positions -g <its own> --since 30d | quake-map`, as
scripts/quake-web wires them) on the real broker. A raw SSE client reads
from one instance, stops part-way through live revisions, and resumes on the
other with its last id; it must end with exactly the produced set: no event
missing at its newest revision (lost) and no revision twice (repeated). Then:
both start orders, a restart of one instance (resumed on it while it reads its
backlog again), a rebalance (the topic grows from 4 to 6 partitions), an id
older than what an instance holds (the whole set, said in a comment line).
Prints PASS/FAIL lines with the numbers. The topic exists with 4 partitions.
QUAKE_TEST_NO_POSITIONS=1 runs quake-consume without --positions (what the
map services did before ids were positions: shows the old ids losing or
repeating revisions). Every wait is bounded (30 s)."""
import datetime, os, subprocess, sys, tempfile, time

import checks
import maplb
from maplb import GUARD, iso, report, wait

BIN, BK, TOPIC, PORT = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
TMP = tempfile.mkdtemp(prefix="map-resume.")
POSITIONS = os.environ.get("QUAKE_TEST_NO_POSITIONS") != "1"
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
produced = {}       # id -> newest lastupdate produced


def line(eid, rev):
    """revision rev (0, 1, ...) of event eid: a newer lastupdate each time"""
    n = int(eid.rsplit("_", 1)[1])
    t = NOW - datetime.timedelta(hours=2, seconds=n)
    lu = iso(t + datetime.timedelta(minutes=1 + rev))
    return ('{"id":"%s","action":"%s","time":"%s","lastupdate":"%s","lat":%.3f,"lon":%.3f,"depth":10.0,'
            '"mag":%.1f,"magtype":"mb","region":"RESUME TEST","evtype":"ke","auth":"QK",'
            '"source_catalog":"EMSC-RTS","source_id":"%d"}' % (
                eid, "create" if rev == 0 else "update", iso(t), lu, (n % 170) - 85.0,
                (n * 7 % 350) - 175.0, 2.0 + (n + rev) % 50 / 10.0, n)), lu


def produce(pairs, topic=TOPIC):
    """pairs of (id, rev), produced in order; the produced set follows"""
    lines = []
    for eid, rev in pairs:
        l, lu = line(eid, rev)
        lines.append(l)
        if produced.get(eid, "") < lu:
            produced[eid] = lu
    r = subprocess.run([BIN + "/quake-produce", "-b", BK, "-t", topic], input="\n".join(lines) + "\n",
                       capture_output=True, text=True, timeout=GUARD)
    if r.returncode != 0 or r.stdout.count('"produced"') != len(lines):
        raise SystemExit("FAIL produce: exit %d, %d of %d produced: %s" % (
            r.returncode, r.stdout.count('"produced"'), len(lines), r.stderr[-300:]))


def Map(name, port, group, start="30d"):
    return maplb.Map(BIN, BK, TOPIC, name, port, group, TMP, positions=POSITIONS, start=start)


def Client():
    return maplb.Client(produced)


next_id = [0]


def new_events(k):
    out = []
    for _ in range(k):
        next_id[0] += 1
        out.append(("rs_%07d" % next_id[0], 0))
    return out


def updates(k, rev):
    ids = sorted(produced)[:k]
    return [(i, rev) for i in ids]


def resume_round(name, first, second, rev):
    """read all from first, 100 live revisions of 300, stop; 300 more
    produced; resume on second with the last id"""
    c = Client()
    c.connect(first.port)
    ok = c.pump(c.has_all)
    n0 = len(c.got)
    produce(new_events(200) + updates(100, rev))
    c.pump(lambda: len(c.got) >= n0 + 100)
    c.close()
    stopped = c.last
    produce(new_events(200) + updates(100, rev + 1))
    wait(lambda: first.count() == len(produced) and second.count() == len(produced))
    c.connect(second.port)
    c.settle()
    c.close()
    lost, rep = c.numbers()
    report("%s: read %d on %s, stopped at %.60s; resumed on %s: %d lost, %d repeated (%d events)" % (
        name, n0 + 100, first.name, stopped, second.name, lost, rep, len(produced)),
        ok and lost == 0 and rep == 0, "lost %d, repeated %d" % (lost, rep))
    return c


def main():
    # the topic's history: 3000 events, a third of them revised once
    produce(new_events(3000))
    produce(updates(1000, 1))
    a = Map("a", PORT, "resume-a-%d" % os.getpid())
    report("instance a holds the topic (3000 events)", a.holds(3000), a.count())
    b = Map("b", PORT + 1, "resume-b-%d" % os.getpid())
    report("instance b, started after a, holds it too", b.holds(3000), b.count())
    try:
        resume_round("start order: resumed on the instance started later", a, b, 2)
        resume_round("start order: resumed on the instance started earlier", b, a, 4)

        # a restart: b killed, started again, and resumed on at once while it
        # reads the topic again (its /healthz still 503)
        c = Client()
        c.connect(a.port)
        c.pump(c.has_all)
        b.kill9()
        produce(new_events(100) + updates(50, 6))
        c.pump(lambda: c.has_all())
        c.close()
        produce(new_events(100))
        b = Map("b", PORT + 1, "resume-b-%d" % os.getpid())
        wait(lambda: b.get("/healthz")[0] in (200, 503), step=0.01)
        c.connect(b.port)
        c.settle()
        c.close()
        lost, rep = c.numbers()
        report("restart: b killed -9 and started again, resumed on while it reads: %d lost, %d repeated" % (lost, rep),
               lost == 0 and rep == 0, "lost %d, repeated %d" % (lost, rep))
        report("restart: b holds the topic again (%d events)" % len(produced), b.holds(len(produced)), b.count())

        # a rebalance: the topic grows to 6 partitions; each consumer's group
        # rebalances (its start time looked up again: the old partitions read
        # again, nothing new to send) and reads the new ones
        c = Client()
        c.connect(b.port)
        c.pump(c.has_all)
        c.close()
        before = c.last
        subprocess.run(["scripts/kafka-local", "partitions", TOPIC, "6"], check=True, timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        c2 = Client()           # on b across the rebalance
        c2.connect(b.port)
        c2.pump(c2.has_all)
        rebalanced = wait(lambda: all(b"partitions=6" in open(os.path.join(TMP, n + ".err"), "rb").read()
                                      for n in ("a", "b")), 60)
        report("rebalance: both consumers have 6 partitions", rebalanced)
        produce(new_events(300) + updates(100, 8))
        c2.settle()
        c2.close()
        lost, rep = c2.numbers()
        report("rebalance: a client on b across it: %d lost, %d repeated" % (lost, rep),
               lost == 0 and rep == 0, "lost %d, repeated %d" % (lost, rep))
        parts = {e.split(":")[0] for e in c2.last.split(":", 1)[-1].split(",")} if c2.last else set()
        c.connect(a.port)
        c.settle()
        c.close()
        lost, rep = c.numbers()
        report("rebalance: an id of 4 partitions, from before it, resumed on a: %d lost, %d repeated; "
               "ids after it name %d partitions" % (lost, rep, len(parts)),
               lost == 0 and rep == 0 and (not POSITIONS or len(parts) == 6),
               "lost %d, repeated %d, partitions %s" % (lost, rep, sorted(parts)))

        # older than what is held: an instance that started reading at a time
        # (s@MS) gets an id from before it: the whole set, said in a comment
        mark = int(time.time() * 1000) + 1
        time.sleep(0.01)
        late = new_events(50)
        produce(late)
        d = Map("d", PORT + 2, "resume-d-%d" % os.getpid(), start="s@%d" % mark)
        report("instance d, from a time on, holds only what came after (50)", d.holds(50), d.count())
        c = Client()
        c.last = before
        c.connect(d.port)
        c.pump(lambda: len(c.got) >= 50)
        c.pump(lambda: False, 1)
        c.close()
        ids = [i for i, _ in c.got]
        report("older id: the whole set (%d of 50, each once), said in a comment (%s)" % (
            len(ids), c.comments[:1]), sorted(ids) == sorted(i for i, _ in late) and
            any("older" in x for x in c.comments), c.comments)
        d.stop()
    finally:
        a.stop()
        b.stop()
    return checks.failed


if __name__ == "__main__":
    sys.exit(1 if main() else 0)
