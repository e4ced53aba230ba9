# suite-alert — quake-alert: the geometry against pyproj and shapely, and
# the binary against webhook and ntfy receivers on 127.0.0.1. Every alert_*
# function is a case. Python packages come from scripts/install-deps'
# venv-alert. Sourced by tests/run.
ALERT_VENV=${QUAKE_CACHE:-$HOME/.cache/quake}/venv-alert
ALERT_PY=$ALERT_VENV/bin/python

alert_geo_ref() {
	local out rc
	out=$("$ALERT_PY" tests/geo_ref.py "$B/tests/geo_eval" 2>&1); rc=$?
	check "geo against pyproj and shapely: $(printf '%s' "$out" | tail -1)" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || printf '%s\n' "$out" | head -5
}

suite_alert() {
	if ! "$ALERT_PY" -c 'import pyproj, shapely, standardwebhooks' 2>/dev/null; then
		fail alert-venv "no $ALERT_VENV with pyproj, shapely, standardwebhooks: run scripts/install-deps"
		return 0
	fi
	run_cases alert_
}
