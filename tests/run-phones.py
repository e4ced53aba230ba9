#!/usr/bin/env python3
"""run-phones.py PUSH_URL TOKEN MAP_URL — the phones in `make run`
(tests/integration-run.sh), as a person with Sensor Logger meets them, in
Chromium (selenium): the receiver's page (the push URL's origin) shows the
URL that make run printed, its QR code and the token; a simulated phone
pushing to that URL (tests/gen_pushes.py "straddle", times ending now,
the bearer token sent) appears on the page; shaken with two more, the page
shows each triggered, and the map (MAP_URL) shows the detection on the
phones' layer. Prints PASS/FAIL lines; every wait is bounded (60 s)."""
import os, subprocess, sys, tempfile, time, urllib.request

from selenium.webdriver.common.by import By

from checks import chromium

PUSH, TOKEN, MAP = sys.argv[1], sys.argv[2], sys.argv[3]
ORIGIN = PUSH.rsplit('/', 1)[0]
GUARD = 60
TMP = tempfile.mkdtemp(prefix="run-phones.")


def report(ok, what, why=""):
    print("PASS %s" % what if ok else "FAIL %s: %s" % (what, why), flush=True)


def wait(cond, secs=GUARD):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            v = cond()
            if v:
                return v
        except Exception:
            pass
        time.sleep(0.25)
    return None


def browser():
    return chromium(TMP, "1000,800")


def push(body):
    r = urllib.request.Request(PUSH, data=body.encode(), method="POST",
                               headers={"Authorization": "Bearer " + TOKEN,
                                        "Content-Type": "application/json"})
    with urllib.request.urlopen(r, timeout=GUARD) as a:
        return a.status


ROWS = """return Array.from(document.querySelectorAll('#devices tbody tr[data-device]'), r => [r.dataset.device,
  {onset: r.dataset.onset, location: r.dataset.location, rate: r.cells[2].textContent}]);"""


def rows(d):
    # one snapshot in the page (the table is rebuilt every second: an
    # element held across polls would be stale)
    return dict(d.execute_script(ROWS))


def main():
    t0 = (int(time.time()) - 45) * 10**9
    pushes = subprocess.run([sys.executable, "tests/gen_pushes.py", "straddle", str(t0)],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    d = browser()
    try:
        d.set_page_load_timeout(GUARD)
        d.get(ORIGIN + "/")
        shown = wait(lambda: d.find_element(By.ID, "push-url").text == PUSH)
        report(shown, "the receiver's page shows the push URL make run printed",
               d.find_element(By.ID, "push-url").text)
        qr = wait(lambda: d.find_element(By.CSS_SELECTOR, "#qr svg path") and
                  d.find_element(By.ID, "qr").get_attribute("data-url") == PUSH)
        report(qr, "the page draws a QR code of that URL")
        report(TOKEN in d.find_element(By.ID, "token").text, "the page shows the token (to a visitor on this machine)",
               d.find_element(By.ID, "token").text)
        report(wait(lambda: d.find_element(By.ID, "none").is_displayed()), "the page says no phone has pushed yet")
        # one phone, one push: it appears
        first = [p for p in pushes if '"phone-a"' in p][0]
        report(push(first) == 200, "a push to the printed URL with the token is taken (200)")
        r = wait(lambda: rows(d).get("phone-a"))
        report(r is not None, "the phone appears on the receiver's page")
        report(r is not None and r["location"] == "1", "its location is known")
        # the rest of the session, three of them shaken together; paced
        # under the receiver's 500 samples/s per device
        codes = []
        for i, p in enumerate(pushes):
            if p is first:
                continue
            codes.append(push(p))
            if i % 4 == 3:
                time.sleep(0.25)
        report(all(c == 200 for c in codes), "the whole session is taken (%d pushes, all 200)" % len(codes),
               sorted(set(codes)))
        got = wait(lambda: all(rows(d).get(x, {}).get("onset") == "1" for x in ("phone-a", "phone-b", "phone-c")))
        report(got, "the three shaken phones show as triggered on the page", rows(d))
        e = rows(d).get("phone-e")
        report(e is not None and e["onset"] == "0", "the quiet phone does not", e)
        rate = wait(lambda: rows(d)["phone-a"]["rate"])
        report(rate and rate.isdigit() and 80 <= int(rate) <= 120, "its samples/s is the phone's rate (%s)" % rate)
        # the map: the detection on the phones' layer
        d.get(MAP + "/")
        gen = wait(lambda: d.find_element(By.ID, "generated").is_displayed() and
                   d.find_element(By.ID, "generated").text)
        report(gen and "generated" in gen, "the map says its week is generated (%s)" % gen)
        det = wait(lambda: d.find_elements(By.CSS_SELECTOR, "[data-detection-id]"))
        report(det, "the map shows the phones' detection on its layer")
        n = wait(lambda: d.execute_script("var e = document.querySelector('[data-detection-id]'); return e && e.textContent.trim();"))
        report(n in ("3", "4"), "with its device count (%s)" % n)
    finally:
        d.quit()


if __name__ == "__main__":
    main()
