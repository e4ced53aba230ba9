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

QS="$B/bin/quake-shake"

# real-shaped pushes (tests/gen_pushes.py) through --pushes and --detect
cli_shake_replay() {
	local s rc n
	for s in network table; do
		python3 tests/gen_pushes.py "$s" >"$TMP/push.$s"
		"$QS" --pushes <"$TMP/push.$s" >"$TMP/samples.$s" 2>"$TMP/err.$s"; rc=$?
		check "shake $s: --pushes exit 0, quiet$(head -c 200 "$TMP/err.$s")" \
			test $rc -eq 0 -a ! -s "$TMP/err.$s"
		check "shake $s: one sample-batch line per push" \
			test "$(wc -l <"$TMP/samples.$s")" -eq "$(wc -l <"$TMP/push.$s")"
		"$QS" --detect <"$TMP/samples.$s" >"$TMP/out.$s" 2>"$TMP/err.$s"; rc=$?
		check "shake $s: --detect exit 0, quiet" test $rc -eq 0 -a ! -s "$TMP/err.$s"
		check "shake $s: golden triggers and detections$(diff "$TMP/out.$s" "tests/golden/shake-$s.ndjson" | head -3)" \
			cmp -s "$TMP/out.$s" "tests/golden/shake-$s.ndjson"
	done
	n=$(jq -r 'select(.kind=="trigger") | .device' "$TMP/out.network" | sort | tr '\n' ' ')
	check "shake network: a alone, then b c d trigger; e (quiet) not ($n)" \
		test "$n" = "phone-a phone-b phone-c phone-d "
	n=$(jq -c 'select(.kind=="detection") | [.devices, (.time|.[11:19])]' "$TMP/out.network" | tr '\n' ' ')
	check "shake network: exactly one detection, 3 devices at 08:00:40 ($n)" test "$n" = '[3,"08:00:40"] '
	n=$(jq -r '.kind' "$TMP/out.table" | tr '\n' ' ')
	check "shake table: a phone put down gives one trigger, no detection ($n)" test "$n" = "trigger "
	# a push sent twice (a retry after a lost 200) changes nothing
	awk '{ print; if (NR % 7 == 0) print }' "$TMP/push.network" | "$QS" --pushes |
		"$QS" --detect >"$TMP/out.twice" 2>/dev/null
	check "shake network: pushes repeated, the same output" cmp -s "$TMP/out.twice" "$TMP/out.network"
}

cli_shake_bad_input() {
	local rc good
	good=$(python3 tests/gen_pushes.py table | sed -n 1p)
	printf '%s\n%s\n%s\n%s\n' "$good" 'not json' '{"deviceId":"x","payload":[{"name":"accelerometer","time":1,"x":"a","y":0,"z":0}]}' "$good" |
		"$QS" --pushes >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "shake --pushes: bad bodies exit 65" test $rc -eq 65
	check "shake --pushes: the good ones around them kept" test "$(wc -l <"$TMP/out")" -eq 2
	check "shake --pushes: one stderr line per bad body, naming it" \
		test "$(grep -c 'msg=rejected' "$TMP/err")" -eq 2 -a "$(grep -c 'payload\[0\]' "$TMP/err")" -eq 1
	printf '%s\n%s\n%s\n' "$(sed -n 1p "$TMP/out")" '{"kind":"samples","device":"d"}' "$(sed -n 2p "$TMP/out")" |
		"$QS" --detect >/dev/null 2>"$TMP/err"; rc=$?
	check "shake --detect: a bad line exits 65 with one line" test $rc -eq 65 -a "$(wc -l <"$TMP/err")" -eq 1
	"$QS" </dev/null >/dev/null 2>&1; rc=$?
	check "shake without a mode: exit 64" test $rc -eq 64
	"$QS" --detect --sta 20 </dev/null >/dev/null 2>&1; rc=$?
	check "shake --sta above --lta: exit 64" test $rc -eq 64
	"$QS" --detect --on x </dev/null >/dev/null 2>&1; rc=$?
	check "shake --on x: exit 64" test $rc -eq 64
	"$QS" --detect --device-timeout 2m -k 4 --window 5 --radius 3 --classic </dev/null; rc=$?
	check "shake --detect with every option: exit 0 on no input" test $rc -eq 0
}
