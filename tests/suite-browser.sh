# suite-browser — quake-map's page in headless Debian chromium, driven by
# selenium (tests/browser-map.py) against the real quake-map on 127.0.0.1.
# Sourced by tests/run; part of `make check`. Bounded: one browser, ~1 min.

suite_browser() {
	local py=${QUAKE_CACHE:-$HOME/.cache/quake}/venv-browser/bin/python
	[ -x "$py" ] || py=python3
	if ! "$py" -c 'import selenium' 2>/dev/null; then
		fail "browser" "selenium is not installed (scripts/install-deps)"; return
	fi
	if [ ! -x "$B/bin/quake-map" ] || [ ! -x /usr/bin/chromedriver ]; then
		fail "browser" "needs $B/bin/quake-map and /usr/bin/chromedriver (make; scripts/install-deps)"; return
	fi
	echo "browser: quake-map's page in chromium" >&2
	py_checks "" timeout 300 "$py" tests/browser-map.py "$B/bin/quake-map" "$TOP/$B/share/quake/web" \
		"${QUAKE_TEST_MAP_PORT:-19480}"
}
