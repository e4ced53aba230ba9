# cli-shake — quake-shake as a user runs it, and its proofs that need a
# Python: the STA/LTA fixtures regenerate byte for byte with ObsPy.
# Sourced by suite-cli.sh.

SHAKE_VENV=${QUAKE_CACHE:-$HOME/.cache/quake}/venv-shake

# the Python with obspy: scripts/install-deps' venv, else the system's
shake_python() {
	if [ -x "$SHAKE_VENV/bin/python" ]; then
		echo "$SHAKE_VENV/bin/python"
	elif python3 -c 'import obspy' 2>/dev/null; then
		echo python3
	fi
}

cli_shake_fixtures() {
	local py
	py=$(shake_python)
	if [ -z "$py" ]; then
		fail "stalta fixtures regenerate" "no Python with obspy (scripts/install-deps)"; return
	fi
	"$py" tests/stalta_fixtures.py "$TMP/stalta" 2>"$TMP/stalta.err"
	check "stalta fixtures regenerate with ObsPy byte for byte$(head -c 200 "$TMP/stalta.err")" \
		diff -rq tests/data/stalta "$TMP/stalta"
}
