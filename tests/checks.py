"""checks.py — what the Python checkers share: PASS/FAIL lines (tests/run's
py_checks counts them), bounded waits, ISO times, and headless Debian
chromium driven by selenium (imported only by those that call chromium)."""
import os, tempfile, time

failed = 0


def check(name, ok, why=""):
    """one PASS or FAIL line; failed counts the FAILs"""
    global failed
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)), flush=True)
    failed += 0 if ok else 1


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def wait(cond, secs=30, step=0.05):
    """cond()'s first true value, or its last false one after secs: a hang
    guard, never a speed asserted"""
    end = time.monotonic() + secs
    while True:
        v = cond()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


def chromium(tmp, size="1280,800", logs=False, tz=None, scrollbars=True):
    """a headless chromium with a fresh profile under tmp; logs: keep the
    console and DevTools network logs; tz: the browser's time zone"""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
              "--disable-default-apps", "--window-size=" + size,
              "--user-data-dir=" + tempfile.mkdtemp(dir=tmp)) + (() if scrollbars else ("--hide-scrollbars",)):
        o.add_argument(a)
    if logs:
        o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    env = dict(os.environ, TZ=tz) if tz else None
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver", env=env), options=o)
