# suite-browser — quake-map's page in headless Debian chromium, driven by
# selenium (tests/browser-map.py, tests/browser-basemap.py) against the real
# quake-map on 127.0.0.1.
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
	suite_browser_basemap
}

# the basemap (outline scales, place labels, --tiles against a stand-in) and
# the time ranges beyond the live window: tests/browser-basemap.py
suite_browser_basemap() {
	local py=${QUAKE_CACHE:-$HOME/.cache/quake}/venv-browser/bin/python
	[ -x "$py" ] || py=python3
	"$py" -c 'import selenium' 2>/dev/null && [ -x "$B/bin/quake-map" ] && [ -x /usr/bin/chromedriver ] || return 0
	echo "browser: the basemap, tiles and time ranges in chromium" >&2
	# DynamoDB Local for the ranges beyond the window, when it is cached
	local ddb="" dport=${QUAKE_TEST_BASEMAP_DDB_PORT:-19496}
	if ! ls "${QUAKE_CACHE:-$HOME/.cache/quake}"/dynamodb-local-*/.complete >/dev/null 2>&1; then
		echo "browser: no DynamoDB Local cached (scripts/install-deps): the archive ranges are not tried" >&2
	elif DDB_PORT=$dport DDB_DIR="$TMP/ddb-basemap" scripts/ddb-local start 2>"$TMP/ddb-basemap.err"; then
		ddb=http://127.0.0.1:$dport
	else
		fail "browser basemap: DynamoDB Local starts" "$(tail -2 "$TMP/ddb-basemap.err")"
	fi
	export QUAKE_TEST_BASEMAP_DDB=$ddb
	py_checks "" timeout 400 "$py" tests/browser-basemap.py "$B/bin/quake-map" \
		"$TOP/$B/share/quake/web" "${QUAKE_TEST_BASEMAP_PORT:-19490}"
	[ -z "$ddb" ] || DDB_PORT=$dport DDB_DIR="$TMP/ddb-basemap" scripts/ddb-local stop 2>/dev/null
}
