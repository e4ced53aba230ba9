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

# the goldens in tests/golden/shake/ are tests/shake_ref.py's output (an
# independent reference from the documented rules, on ObsPy), never
# quake-shake's: they change only when the reference does. With --onsets
# the reference's onset lines are what --detect --onsets writes.
cli_shake_reference() {
	local py s
	py=$(shake_python)
	if [ -z "$py" ]; then
		fail "shake reference" "no Python with obspy (scripts/install-deps)"; return
	fi
	for s in network table straddle; do
		python3 tests/gen_pushes.py "$s" >"$TMP/ref-push.$s"
		"$py" tests/shake_ref.py <"$TMP/ref-push.$s" >"$TMP/ref.$s" 2>"$TMP/ref.err"
		check "shake reference: tests/golden/shake/$s.ndjson is the reference's output$(head -c 200 "$TMP/ref.err")" \
			cmp -s "$TMP/ref.$s" "tests/golden/shake/$s.ndjson"
		"$py" tests/shake_ref.py --onsets <"$TMP/ref-push.$s" >"$TMP/ref-onsets.$s" 2>"$TMP/ref.err"
		"$QS" --pushes <"$TMP/ref-push.$s" | "$QS" --detect --onsets >"$TMP/qs-onsets.$s" 2>/dev/null
		check "shake reference: $s, --detect --onsets writes the reference's onset and trigger lines $(python3 tests/shake_compare.py "$TMP/qs-onsets.$s" "$TMP/ref-onsets.$s")" \
			python3 tests/shake_compare.py "$TMP/qs-onsets.$s" "$TMP/ref-onsets.$s"
	done
	# now, not 2025: another id and times, the same rules
	python3 tests/gen_pushes.py network 1796000000000000000 >"$TMP/ref-push.later"
	"$py" tests/shake_ref.py <"$TMP/ref-push.later" >"$TMP/ref.later" 2>/dev/null
	"$QS" --pushes <"$TMP/ref-push.later" | "$QS" --detect >"$TMP/qs.later" 2>/dev/null
	check "shake reference: network in 2026, the reference's lines (another detection id) $(python3 tests/shake_compare.py "$TMP/qs.later" "$TMP/ref.later")" \
		python3 tests/shake_compare.py "$TMP/qs.later" "$TMP/ref.later"
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
	for s in network table straddle; do
		python3 tests/gen_pushes.py "$s" >"$TMP/push.$s"
		"$QS" --pushes <"$TMP/push.$s" >"$TMP/samples.$s" 2>"$TMP/err.$s"; rc=$?
		check "shake $s: --pushes exit 0, quiet$(head -c 200 "$TMP/err.$s")" \
			test $rc -eq 0 -a ! -s "$TMP/err.$s"
		check "shake $s: one sample-batch line per push" \
			test "$(wc -l <"$TMP/samples.$s")" -eq "$(wc -l <"$TMP/push.$s")"
		"$QS" --detect <"$TMP/samples.$s" >"$TMP/out.$s" 2>"$TMP/err.$s"; rc=$?
		check "shake $s: --detect exit 0, quiet" test $rc -eq 0 -a ! -s "$TMP/err.$s"
		check "shake $s: the reference's triggers and detections (tests/golden/shake/$s.ndjson) $(python3 tests/shake_compare.py "$TMP/out.$s" "tests/golden/shake/$s.ndjson")" \
			python3 tests/shake_compare.py "$TMP/out.$s" "tests/golden/shake/$s.ndjson"
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

# detection lines of file $1, byte for byte (jq would respell numbers)
detections() {
	grep -F '{"kind":"detection",' "$1"
}

# a group straddling a 0.5-degree cell edge through two detectors, each
# seeing the samples of its cell (the key quake-produce --kind samples
# gives), then one coincidence stage: the one detection one detector gives
cli_shake_coincide() {
	local d=$TMP/coinc want n rc
	mkdir -p "$d"
	python3 tests/gen_pushes.py straddle | "$QS" --pushes >"$d/samples"
	"$QS" --detect <"$d/samples" >"$d/single"
	want=$(detections tests/golden/shake/straddle.ndjson)	# the reference's
	check "coincide: one detector seeing all phones: the reference's one detection of 3 ($want)" \
		test "$(detections "$d/single")" = "$want" -a "$(printf '%s\n' "$want" | jq -s 'map(.devices)' -c)" = "[3]"
	for c in 94 95; do
		jq -c "select((.lat / 0.5 | floor) == $c)" "$d/samples" >"$d/cell$c"
		"$QS" --detect <"$d/cell$c" >"$d/alone$c"
		"$QS" --detect --onsets <"$d/cell$c" >"$d/onsets$c" 2>"$d/err$c"; rc=$?
		check "coincide: detector of cell $c: exit 0, quiet ($rc $(head -c 200 "$d/err$c"))" test $rc -eq 0 -a ! -s "$d/err$c"
	done
	check "coincide: the cells hold 1 and 2 shaken phones (and a quiet one)" \
		test "$(jq -r .device "$d/cell94" | sort -u | tr '\n' ' ')/$(jq -r .device "$d/cell95" | sort -u | tr '\n' ' ')" = "phone-a phone-e /phone-b phone-c "
	check "coincide: either detector alone misses the group" \
		test -z "$(detections "$d/alone94")$(detections "$d/alone95")"
	check "coincide: --onsets writes onset and trigger lines only, one onset per shaken phone" \
		test "$(cat "$d/onsets94" "$d/onsets95" | jq -r '.kind + ":" + .device' | sort | tr '\n' ' ')" = \
		"onset:phone-a onset:phone-b onset:phone-c trigger:phone-a trigger:phone-b trigger:phone-c "
	cat "$d/onsets94" "$d/onsets95" | "$QS" --coincide >"$d/co1" 2>"$d/coerr"; rc=$?
	check "coincide: both streams, one after the other: exit 0, exactly the reference's detection ($(cat "$d/co1"))" \
		test $rc -eq 0 -a "$(cat "$d/co1")" = "$want"
	cat "$d/onsets95" "$d/onsets94" | "$QS" --coincide >"$d/co2"
	check "coincide: the other stream first (a's onset, the earliest, last): the same line" test "$(cat "$d/co2")" = "$want"
	paste -d '\n' "$d/onsets95" "$d/onsets94" | grep -v '^$' | "$QS" --coincide >"$d/co3"
	check "coincide: the streams interleaved: the same line" test "$(cat "$d/co3")" = "$want"
	# cell 94's stream 15 s of onset time behind: three onsets of another
	# group far away (Tokyo) 15 s later arrive before it
	for n in 1 2 3; do
		printf '{"kind":"onset","device":"tokyo-%s","on":"2025-12-01T08:00:45.%s00000Z","peak":0.5,"ratio":9,"lat":35.7%s,"lon":139.7}\n' $n $n $n
	done >"$d/tokyo"
	cat "$d/onsets95" "$d/tokyo" "$d/onsets94" | "$QS" --coincide >"$d/co4"
	check "coincide: a stream 15 s late within --window + --hold: both groups, the straddling one the same" \
		test "$(wc -l <"$d/co4") $(grep -c -F -x "$want" "$d/co4")" = "2 1"
	cat "$d/onsets95" "$d/tokyo" "$d/onsets94" | "$QS" --coincide --hold 0 >"$d/co5"
	check "coincide: --hold 0: the late stream's group is missed (what the hold is for)" \
		test "$(wc -l <"$d/co5") $(grep -c -F -x "$want" "$d/co5")" = "1 0"
	{ cat "$d/onsets95"; echo '{"kind":"samples","device":"x"}'; echo 'not json'; cat "$d/onsets94"; } |
		"$QS" --coincide >"$d/co6" 2>"$d/coerr"; rc=$?
	check "coincide: bad lines: exit 65, one stderr line each, the detection still made" \
		test "$rc $(grep -c 'msg=rejected' "$d/coerr") $(cat "$d/co6")" = "65 2 $want"
	"$QS" --pushes --onsets </dev/null >/dev/null 2>&1; rc=$?
	check "coincide: --onsets without --detect: exit 64" test $rc -eq 64
}

# start the receiver on 127.0.0.1:$1 with the rest as options, stdout to
# $TMP/rx.out; waits until it answers (30 s: a hang guard, not a speed)
rx_start() {
	local port=$1 i; shift
	"$QS" --listen "127.0.0.1:$port" "$@" >"$TMP/rx.out" 2>"$TMP/rx.err" &
	RX_PID=$!
	for i in $(seq 600); do
		curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

rx_stop() {
	kill "$RX_PID" 2>/dev/null; wait "$RX_PID" 2>/dev/null
}

# Sensor Logger-shaped pushes over HTTP give what --pushes gives
cli_shake_rx_pushes() {
	local port=24010 out rc
	python3 tests/gen_pushes.py network >"$TMP/push"
	"$QS" --pushes <"$TMP/push" >"$TMP/want"
	rx_start $port --max-rate 0 || { fail "shake receiver starts" "$(cat "$TMP/rx.err")"; return; }
	out=$(python3 tests/shake_push.py seq $port "$TMP/push")
	kill "$RX_PID"; wait "$RX_PID"; rc=$?
	check "shake receiver: 300 pushes answered 200 ($out)" test "$out" = "200:300"
	check "shake receiver: its lines are --pushes' lines, byte for byte" cmp -s "$TMP/rx.out" "$TMP/want"
	check "shake receiver: SIGTERM exits 0 ($rc)" test $rc -eq 0
}

# a status and its body for a POST of $2 (file) to port $1, more curl args after
rx_post() {
	local port=$1 file=$2; shift 2
	curl -s -o "$TMP/body" -w '%{http_code}' --data-binary @"$file" "$@" "http://127.0.0.1:$port/push"
}

cli_shake_rx_token() {
	local port=24011 code
	printf 's3cret-token\n' >"$TMP/token"
	python3 tests/gen_pushes.py table | sed -n 1p >"$TMP/p1"
	rx_start $port --token-file "$TMP/token" --token-loopback || { fail "shake receiver starts (token)"; return; }
	code=$(rx_post $port "$TMP/p1")
	check "shake token: none, 401 ($code)" test "$code" = 401
	code=$(rx_post $port "$TMP/p1" -H 'Authorization: Bearer wrong')
	check "shake token: wrong, 401 ($code)" test "$code" = 401
	code=$(rx_post $port "$TMP/p1" -H 'Authorization: Bearer s3cret-tokenX')
	check "shake token: longer, 401 ($code)" test "$code" = 401
	code=$(rx_post $port "$TMP/p1" -H 'Authorization: Bearer s3cret-token')
	check "shake token: right, 200 ($code)" test "$code" = 200
	rx_stop
	check "shake token: only the accepted push written" test "$(wc -l <"$TMP/rx.out")" -eq 1
	rx_start $port --token-file "$TMP/token" || { fail "shake receiver starts (token 2)"; return; }
	code=$(rx_post $port "$TMP/p1")
	check "shake token: loopback needs none without --token-loopback ($code)" test "$code" = 200
	rx_stop
	printf '\n' >"$TMP/empty-token"
	"$QS" --listen 127.0.0.1:$port --token-file "$TMP/empty-token" </dev/null >/dev/null 2>&1
	check "shake token: an empty token file is exit 78" test $? -eq 78
	"$QS" --listen 127.0.0.1:$port --token-file "$TMP/nosuch" </dev/null >/dev/null 2>&1
	check "shake token: a missing token file is exit 78" test $? -eq 78
}

# a phone on the network: the receiver in one network namespace, the client
# in another, a veth pair between them (192.0.2.1 and .2: the peer is not
# loopback, so the token is required); both namespaces are this test's own
# (unshare -n, held by a sleep), nothing is left in the caller's. Needs
# CAP_NET_ADMIN (root), as the tests' own namespace does.
cli_shake_rx_token_remote() {
	local port=24023 nsa nsb rx code i v=qs$$
	printf 's3cret-token\n' >"$TMP/token"
	python3 tests/gen_pushes.py table | sed -n 1,2p >"$TMP/p12"
	sed -n 1p "$TMP/p12" >"$TMP/p1"; sed -n 2p "$TMP/p12" >"$TMP/p2"
	unshare -n sleep 300 & nsa=$!
	unshare -n sleep 300 & nsb=$!
	if ! { ip link add "${v}a" type veth peer name "${v}b" &&
		ip link set "${v}a" netns $nsa && ip link set "${v}b" netns $nsb &&
		nsenter -t $nsa -n sh -c "ip link set lo up && ip addr add 192.0.2.1/24 dev ${v}a && ip link set ${v}a up" &&
		nsenter -t $nsb -n sh -c "ip link set lo up && ip addr add 192.0.2.2/24 dev ${v}b && ip link set ${v}b up"; } 2>"$TMP/veth.err"
	then
		fail "shake token, remote peer: a veth pair between two network namespaces" "$(head -c 200 "$TMP/veth.err")"
		ip link del "${v}a" 2>/dev/null; kill $nsa $nsb; wait $nsa $nsb 2>/dev/null; return
	fi
	nsenter -t $nsa -n "$QS" --listen "192.0.2.1:$port" --token-file "$TMP/token" >"$TMP/rxr.out" 2>"$TMP/rxr.err" & rx=$!
	# a hang guard: the receiver is reachable from the other namespace
	for i in $(seq 300); do
		nsenter -t $nsb -n curl -sf "http://192.0.2.1:$port/healthz" >/dev/null 2>&1 && break
		sleep 0.1
	done
	post() { nsenter -t $nsb -n curl -s -o /dev/null -w '%{http_code}' --data-binary @"$1" "${@:2}" "http://192.0.2.1:$port/push"; }
	code=$(post "$TMP/p1")
	check "shake token, remote peer (192.0.2.2): none, 401 ($code)" test "$code" = 401
	code=$(post "$TMP/p1" -H 'Authorization: Bearer wrong')
	check "shake token, remote peer: wrong, 401 ($code)" test "$code" = 401
	code=$(post "$TMP/p2" -H 'Authorization: Bearer s3cret-token')
	check "shake token, remote peer: right, 200 ($code)" test "$code" = 200
	kill $rx; wait $rx 2>/dev/null
	check "shake token, remote peer: only the accepted push written (message 1)" \
		test "$(jq -r .msg "$TMP/rxr.out" | tr '\n' ' ')" = "1 "
	check "shake token, remote peer: refusals logged, not the token" \
		eval '! grep -q s3cret "$TMP/rxr.err"'
	kill $nsa $nsb; wait $nsa $nsb 2>/dev/null	# the veth pair goes with them
}

cli_shake_rx_limits() {
	local port=24012 code
	rx_start $port --max-rate 100 || { fail "shake receiver starts (limits)"; return; }
	printf 'not json' >"$TMP/bad"
	code=$(rx_post $port "$TMP/bad")
	check "shake 400: bad JSON ($code)" test "$code" = 400
	check "shake 400: one line saying why ($(cat "$TMP/body"))" \
		test "$(wc -l <"$TMP/body")" -eq 1 -a "$(grep -c 'not JSON' "$TMP/body")" -eq 1
	printf '{"deviceId":"d","payload":[{"name":"accelerometer","time":1,"values":{"x":1,"y":1}}]}' >"$TMP/bad"
	code=$(rx_post $port "$TMP/bad")
	check "shake 400: a missing z names the entry ($(cat "$TMP/body"))" \
		test "$code" = 400 -a "$(grep -c 'payload\[0\]' "$TMP/body")" -eq 1
	python3 -c 'import sys; sys.stdout.write("{\"deviceId\":\"d\",\"payload\":[" + "{\"name\":\"x\"}," * 90000 + "{\"name\":\"x\"}]}")' >"$TMP/big"
	code=$(rx_post $port "$TMP/big")
	check "shake 413: a body over 1 MiB ($code)" test "$code" = 413
	python3 -c '
import sys; sys.path.insert(0, "tests"); import shake_push
for m, n in ((1, 600), (2, 600), (3, 100)):
    open(sys.argv[1] + str(m), "wb").write(shake_push.body("flood", m, n))' "$TMP/f"
	code=$(rx_post $port "$TMP/f1")
	check "shake 429: 600 samples within a 1000-sample budget, 200 ($code)" test "$code" = 200
	code=$(rx_post $port "$TMP/f2")
	check "shake 429: 600 more at once, 429 ($code)" test "$code" = 429
	code=$(rx_post $port "$TMP/f3")
	check "shake 429: 100 more still fit, 200 ($code)" test "$code" = 200
	rx_stop
	check "shake limits: only the 200s written" test "$(wc -l <"$TMP/rx.out")" -eq 2
	check "shake limits: no line lost between (msg 1 and 3)" \
		test "$(jq -c .msg "$TMP/rx.out" | tr '\n' ' ')" = "1 3 "
}

cli_shake_rx_concurrent() {
	local port=24013 out
	rx_start $port || { fail "shake receiver starts (concurrent)"; return; }
	out=$(timeout 60 python3 tests/shake_push.py concurrent $port 1000)
	rx_stop
	check "shake receiver: 1000 devices at once, all 200 ($out)" test "$out" = "200:1000"
	check "shake receiver: 1000 lines of 1000 devices" \
		test "$(jq -r .device "$TMP/rx.out" | sort -u | wc -l)" -eq 1000
}

cli_shake_rx_kill9() {
	local port=24014 out
	rx_start $port --max-rate 0 || { fail "shake receiver starts (kill)"; return; }
	out=$(timeout 60 python3 tests/shake_push.py kill $port "$RX_PID" "$TMP/rx.out")
	wait "$RX_PID" 2>/dev/null
	check "shake receiver kill -9: every push answered 200 is written ($out)" \
		eval '[[ "$out" =~ ^acked\ ([0-9]+)\ lost\ 0$ ]] && [ "${BASH_REMATCH[1]}" -ge 200 ]'
}

# scripts/quake-shake-in and -detect with the real quake-shake and
# stand-ins for quake-produce and quake-consume
cli_shake_services() {
	local pid rc d=$TMP/shsvc t
	mkdir -p "$d/sbin" "$d/state"
	cp "$QS" "$d/sbin/quake-shake"
	cat >"$d/sbin/quake-produce" <<'SH'
#!/bin/sh
echo "$*" >"$STUB_DIR/produce.args"
trap 'exit 0' TERM
n=0
while read -r l; do
	n=$((n + 1)); echo "$l" >>"$STUB_DIR/produced"
	[ -e "$STUB_DIR/hold" ] || echo "{\"id\":\"x\",\"status\":\"produced\",\"line\":$n}"
done
SH
	cat >"$d/sbin/quake-consume" <<'SH'
#!/bin/sh
echo "$*" >"$STUB_DIR/consume.args"
cat "$STUB_DIR/samples"
trap 'exit 0' TERM
while :; do sleep 0.1; done
SH
	chmod +x "$d/sbin/quake-produce" "$d/sbin/quake-consume"
	printf 'tok\n' >"$d/token"
	python3 tests/gen_pushes.py table | sed -n 1p >"$d/p1"
	env QUAKE_BIN="$d/sbin" STUB_DIR="$d" QUAKE_ENV_FILE=/dev/null QUAKE_STATE_DIR="$d/state" \
		QUAKE_SHAKE_LISTEN=127.0.0.1:24015 QUAKE_SHAKE_TOKEN_FILE="$d/token" \
		QUAKE_SHAKE_ARGS="--token-loopback --ack-timeout 1s" scripts/quake-shake-in 2>>"$d/err" & pid=$!
	for t in $(seq 100); do curl -sf http://127.0.0.1:24015/healthz >/dev/null 2>&1 && break; sleep 0.05; done
	rc=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$d/p1" http://127.0.0.1:24015/push)
	check "quake-shake-in: the token file reaches the receiver (401 without: $rc)" test "$rc" = 401
	rc=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer tok' --data-binary @"$d/p1" http://127.0.0.1:24015/push)
	check "quake-shake-in: a push answered 200 ($rc)" test "$rc" = 200
	touch "$d/hold"	# the stand-in's status lines stop: the push waits
	rc=$(curl -s -m 20 -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer tok' --data-binary @"$d/p1" http://127.0.0.1:24015/push)
	check "quake-shake-in: quake-produce's status lines reach the receiver (--acks): none, 503 after --ack-timeout ($rc)" \
		test "$rc" = 503
	t=50; while [ ! -s "$d/produced" ] && [ $t -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
	check "quake-shake-in: its line reaches quake-produce --kind samples -t quake-samples ($(cat "$d/produce.args" 2>/dev/null))" \
		eval 'grep -q "\"kind\":\"samples\"" "$d/produced" && grep -qx -- "--kind samples -t quake-samples" "$d/produce.args"'
	kill -TERM $pid; wait $pid; rc=$?
	check "quake-shake-in: SIGTERM stops both and exits 0 ($rc)" test $rc -eq 0 -a -z "$(pgrep -f "$d/sbin/")"
	python3 tests/gen_pushes.py network | "$QS" --pushes >"$d/samples"
	env QUAKE_BIN="$d/sbin" STUB_DIR="$d" QUAKE_ENV_FILE=/dev/null QUAKE_STATE_DIR="$d/state" \
		scripts/quake-shake-detect 2>>"$d/err" & pid=$!
	t=100; while [ "$(cat "$d/state/shake.ndjson" 2>/dev/null | wc -l)" -lt 5 ] && [ $t -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
	kill -TERM $pid; wait $pid; rc=$?
	check "quake-shake-detect: quake-consume -t quake-samples -g quake-shake ($(cat "$d/consume.args" 2>/dev/null))" \
		grep -qx -- "-t quake-samples -g quake-shake" "$d/consume.args"
	check "quake-shake-detect: the reference's triggers and detection in state/shake.ndjson" \
		python3 tests/shake_compare.py "$d/state/shake.ndjson" tests/golden/shake/network.ndjson
	check "quake-shake-detect: SIGTERM stops both and exits 0 ($rc)" test $rc -eq 0 -a -z "$(pgrep -f "$d/sbin/")"
}

# the two-stage services: quake-shake-detect with QUAKE_SHAKE_TRIGGERS_TOPIC
# writes onset and trigger lines to quake-produce --kind triggers;
# quake-shake-coincide turns them into the detection (stand-ins for
# quake-consume and quake-produce, the real quake-shake)
cli_shake_coincide_services() {
	local pid rc d=$TMP/shco t want
	mkdir -p "$d/sbin" "$d/state"
	cp "$QS" "$d/sbin/quake-shake"
	cat >"$d/sbin/quake-produce" <<'SH'
#!/bin/sh
echo "$*" >"$STUB_DIR/produce.args"
trap 'exit 0' TERM
while read -r l; do echo "$l" >>"$STUB_DIR/produced"; done
SH
	cat >"$d/sbin/quake-consume" <<'SH'
#!/bin/sh
echo "$*" >>"$STUB_DIR/consume.args"
cat "$STUB_DIR/in"
trap 'exit 0' TERM
while :; do sleep 0.1; done
SH
	chmod +x "$d/sbin/quake-produce" "$d/sbin/quake-consume"
	python3 tests/gen_pushes.py straddle | "$QS" --pushes >"$d/in"
	want=$(detections tests/golden/shake/straddle.ndjson)	# the reference's
	env QUAKE_BIN="$d/sbin" STUB_DIR="$d" QUAKE_ENV_FILE=/dev/null QUAKE_STATE_DIR="$d/state" \
		QUAKE_SHAKE_TRIGGERS_TOPIC=quake-triggers scripts/quake-shake-detect 2>>"$d/err" & pid=$!
	t=100; while [ "$(cat "$d/produced" 2>/dev/null | wc -l)" -lt 6 ] && [ $t -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
	kill -TERM $pid; wait $pid; rc=$?
	check "quake-shake-detect split: onsets to quake-produce --kind triggers -t quake-triggers ($(cat "$d/produce.args" 2>/dev/null))" \
		grep -qx -- "--kind triggers -t quake-triggers" "$d/produce.args"
	check "quake-shake-detect split: 3 onset and 3 trigger lines, no detection, nothing in state/shake.ndjson" \
		test "$(jq -r .kind "$d/produced" | sort | uniq -c | awk '{printf "%s %s ", $1, $2}')$(cat "$d/state/shake.ndjson" 2>/dev/null)" = "3 onset 3 trigger "
	check "quake-shake-detect split: SIGTERM exits 0 ($rc)" test $rc -eq 0 -a -z "$(pgrep -f "$d/sbin/")"
	mv "$d/produced" "$d/in"
	env QUAKE_BIN="$d/sbin" STUB_DIR="$d" QUAKE_ENV_FILE=/dev/null QUAKE_STATE_DIR="$d/state" \
		scripts/quake-shake-coincide 2>>"$d/err" & pid=$!
	t=100; while [ ! -s "$d/state/detections.ndjson" ] && [ $t -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
	sleep 0.2
	kill -TERM $pid; wait $pid; rc=$?
	check "quake-shake-coincide: quake-consume -t quake-triggers -g quake-shake-coincide ($(tail -1 "$d/consume.args"))" \
		test "$(tail -1 "$d/consume.args")" = "-t quake-triggers -g quake-shake-coincide"
	check "quake-shake-coincide: the reference's detection in state/detections.ndjson ($(cat "$d/state/detections.ndjson" 2>/dev/null))" \
		test "$(cat "$d/state/detections.ndjson" 2>/dev/null)" = "$want" -a -n "$want"
	check "quake-shake-coincide: SIGTERM exits 0 ($rc $(head -c 300 "$d/err"))" test $rc -eq 0 -a -z "$(pgrep -f "$d/sbin/")"
}

# the detector's detection lines into the real quake-alert (trigger lines
# to --triggers): one ntfy notice for the one detection
cli_shake_alert() {
	local d=$TMP/shalert pid rc
	mkdir -p "$d"
	printf '{"rules":[{"name":"zurich","minmagnitude":9,"circle":{"lat":47.37,"lon":8.54,"radius_km":50},"detections":true,"ntfy":"http://127.0.0.1:24016/shake"}]}\n' >"$d/rules.json"
	python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        with open(sys.argv[1], "ab") as f:
            f.write(self.rfile.read(n) + b"\n")
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", 24016), H).serve_forever()' "$d/posts" & pid=$!
	# now, not a year ago: quake-alert skips what is older than its window
	python3 tests/gen_pushes.py network "$(date +%s)000000000" | "$QS" --pushes |
		"$QS" --detect --triggers "$d/triggers" >"$d/detections"
	timeout 30 "$B/bin/quake-alert" --rules "$d/rules.json" --state "$d/state" <"$d/detections" >"$d/status" 2>"$d/err"; rc=$?
	kill "$pid"; wait "$pid" 2>/dev/null
	check "shake alert: --triggers takes the 4 trigger lines, stdout the detection" \
		test "$(wc -l <"$d/triggers") $(jq -r .kind "$d/detections")" = "4 detection"
	check "shake alert: quake-alert takes the detection line: alerted, exit 0 ($rc, $(cat "$d/status"))" \
		eval '[ $rc -eq 0 ] && jq -e "select(.status == \"alerted\")" "$d/status" >/dev/null'
	check "shake alert: one notice posted ($(head -c 200 "$d/posts" 2>/dev/null))" test "$(wc -l <"$d/posts" 2>/dev/null)" -eq 1
}

# the receiver forgets a silent device (--device-timeout): its location too
cli_shake_rx_forget() {
	local port=24017 code
	python3 -c '
import json, sys
sys.path.insert(0, "tests"); import shake_push
b = json.loads(shake_push.body("fg", 1, 5))
b["payload"].append({"name": "location", "time": 1, "values": {"latitude": 47.1, "longitude": 8.2}})
open(sys.argv[1] + "1", "w").write(json.dumps(b))
open(sys.argv[1] + "2", "wb").write(shake_push.body("fg", 2, 5))' "$TMP/fg"
	rx_start $port --device-timeout 1s || { fail "shake receiver starts (forget)"; return; }
	rx_post $port "$TMP/fg1" >/dev/null
	rx_post $port "$TMP/fg2" >/dev/null
	sleep 1.6
	rx_post $port "$TMP/fg2" >/dev/null	# sweeps, then a new device
	rx_post $port "$TMP/fg2" >/dev/null
	rx_stop
	check "shake receiver: the location goes with the next push, not after --device-timeout ($(jq -c .lat "$TMP/rx.out" | tr '\n' ' '))" \
		test "$(jq -c .lat "$TMP/rx.out" | tr '\n' ' ')" = "47.1 47.1 null null "
}

# --acks: the receiver's lines through tests/shake_acks.py (a stand-in for
# quake-produce's status lines; its actions are the arguments after the
# port) to $TMP/rxa.out, RXA_OPTS more receiver options; RX_PID, ACKER_PID
rxa_start() {
	local port=$1 i; shift
	rm -f "$TMP/rxa.acks" "$TMP/rxa.data" "$TMP/go"
	mkfifo "$TMP/rxa.acks" "$TMP/rxa.data"
	# shellcheck disable=SC2086
	"$QS" --listen "127.0.0.1:$port" --acks "$TMP/rxa.acks" ${RXA_OPTS:-} >"$TMP/rxa.data" 2>"$TMP/rxa.err" &
	RX_PID=$!
	python3 tests/shake_acks.py "$TMP/rxa.acks" "$@" <"$TMP/rxa.data" >"$TMP/rxa.out" &
	ACKER_PID=$!
	for i in $(seq 100); do
		curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	# the stand-in would wait for ever to open the FIFO
	kill -9 "$RX_PID" "$ACKER_PID" 2>/dev/null; wait "$RX_PID" "$ACKER_PID" 2>/dev/null
	return 1
}

rxa_stop() {
	kill "$RX_PID" 2>/dev/null; wait "$RX_PID"; RXA_RC=$?
	kill "$ACKER_PID" 2>/dev/null; wait "$ACKER_PID" 2>/dev/null
}

# pushes of device a, messageId 1..9, as $TMP/a1..a9
rxa_bodies() {
	python3 -c '
import sys; sys.path.insert(0, "tests"); import shake_push
for m in range(1, 10):
    open(sys.argv[1] + str(m), "wb").write(shake_push.body("a", m, 20))' "$TMP/a"
}

# "CODE BODY" of a push of $TMP/a$2 to port $1, its headers in $TMP/h$2
rxa_push() {
	local code
	code=$(curl -s -m 20 -D "$TMP/h$2" -o "$TMP/b$2" -w '%{http_code}' --data-binary @"$TMP/a$2" "http://127.0.0.1:$1/push")
	echo "$code $(cat "$TMP/b$2" 2>/dev/null)"
}

# a 200 waits for the push's status line, not for the flush
cli_shake_rx_acks_wait() {
	local port=24018 t
	rxa_bodies
	RXA_OPTS="--stats 1" rxa_start $port 1:hold="$TMP/go" || { fail "shake --acks: receiver starts" "$(cat "$TMP/rxa.err")"; return; }
	# the barrier: the stand-in read the line, then the receiver's stats
	# line says it holds the push (tests/held_push.py)
	# the file exists before the poll reads it (a background job's redirection
	# may come after the loop's first read)
	: >"$TMP/code1"
	python3 tests/held_push.py $port "$TMP/a1" lines:"$TMP/rxa.out" "$TMP/rxa.err" >>"$TMP/code1" &
	t=300; while [ "$(wc -l <"$TMP/code1")" -lt 1 ] && [ $t -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
	check "shake --acks: the line is written, its push not answered before its status line ($(head -1 "$TMP/code1"))" \
		test "$(wc -l <"$TMP/rxa.out")/$(head -1 "$TMP/code1")" = 1/held
	touch "$TMP/go"; wait $!
	check "shake --acks: answered 200 once its status line came ($(sed -n 2p "$TMP/code1"))" test "$(sed -n 2p "$TMP/code1")" = 200
	check "shake --acks: the next push, 200 ($(rxa_push $port 2))" test "$(cat "$TMP/b2")" = ok
	rxa_stop
	check "shake --acks: SIGTERM exits 0 ($RXA_RC)" test "$RXA_RC" -eq 0
}

# lines come back in order: each status line answers its own push, whatever
# order the pushes arrived in (the stand-in rejects msg 2 by content)
cli_shake_rx_acks_order() {
	local port=24019 m t got=""
	rxa_bodies
	rxa_start $port 1:hold="$TMP/go" 2:hold="$TMP/go"+reject 3:hold="$TMP/go" 4:hold="$TMP/go" ||
		{ fail "shake --acks order: receiver starts"; return; }
	for m in 1 2 3 4; do rxa_push $port $m >"$TMP/code$m" & done
	t=50; while [ "$(wc -l <"$TMP/rxa.out")" -lt 4 ] && [ $t -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
	touch "$TMP/go"; wait $(jobs -p | grep -vx -e "$RX_PID" -e "$ACKER_PID")
	for m in 1 2 3 4; do got="$got$(cut -c1-3 "$TMP/code$m") "; done
	check "shake --acks order: msg 2 rejected gets 503, the others 200 ($got; lines $(jq -c .msg "$TMP/rxa.out" | tr '\n' ' '))" \
		test "$got" = "200 503 200 200 "
	check "shake --acks: 503 with Retry-After and one line naming the error ($(cat "$TMP/b2"))" \
		eval 'grep -qi "^retry-after: 1" "$TMP/h2" && [ "$(wc -l <"$TMP/b2")" -eq 1 ] && grep -q "rejected: kafka: message too large" "$TMP/b2"'
	rxa_stop
}

# a status line late past --ack-timeout: 503, and the pushes after it are
# still matched; the status stream ends: 503, exit 75
cli_shake_rx_acks_timeout() {
	local port=24020 a b c
	rxa_bodies
	RXA_OPTS="--ack-timeout 2s" rxa_start $port 2:delay=3 4:end ||
		{ fail "shake --acks timeout: receiver starts"; return; }
	a=$(rxa_push $port 1); b=$(rxa_push $port 2); c=$(rxa_push $port 3)
	check "shake --acks: no status line within --ack-timeout, 503 ($b)" \
		eval '[[ "$a/$b" == "200 ok/503 Error 503: the samples were not acknowledged within 2 s" ]] && grep -qi "^retry-after: 1" "$TMP/h2"'
	check "shake --acks: the push after a late one, 200 once its own line is acknowledged ($c)" test "$c" = "200 ok"
	a=$(rxa_push $port 4)
	wait "$RX_PID"; RXA_RC=$?
	wait "$ACKER_PID" 2>/dev/null
	check "shake --acks: the status stream ends, the held push gets 503 ($a)" \
		eval '[[ "$a" == "503 Error 503: the status stream from quake-produce ended"* ]]'
	check "shake --acks: then the receiver exits 75, saying why ($RXA_RC, $(grep -c level=error "$TMP/rxa.err") error lines)" \
		eval '[ "$RXA_RC" -eq 75 ] && grep -q "status lines ended: stopping" "$TMP/rxa.err"'
}

# a status line out of order breaks the stream: every held push 503, exit 75
cli_shake_rx_acks_broken() {
	local port=24021 a
	rxa_bodies
	rxa_start $port 1:skip || { fail "shake --acks broken: receiver starts"; return; }
	rxa_push $port 1 >"$TMP/code1" &
	sleep 0.3
	a=$(rxa_push $port 2)
	wait $!
	wait "$RX_PID"; RXA_RC=$?
	kill "$ACKER_PID" 2>/dev/null; wait "$ACKER_PID" 2>/dev/null
	check "shake --acks: a status line out of order, both held pushes 503 ($(cut -c1-3 "$TMP/code1") $a)" \
		eval '[[ "$(cut -c1-3 "$TMP/code1") $a" == "503 503 "* ]]'
	check "shake --acks: out of order named on stderr, exit 75 ($RXA_RC)" \
		eval '[ "$RXA_RC" -eq 75 ] && grep -q "out of order" "$TMP/rxa.err"'
}

# a phone that hangs up before its status line leaves nothing behind
# (under SAN=1 a use after free would stop the receiver); SIGTERM drains:
# a held push is answered 200 when its status line comes after the signal
cli_shake_rx_acks_gone() {
	local port=24022 code
	rxa_bodies
	rxa_start $port 1:delay=1 3:hold="$TMP/go" || { fail "shake --acks gone: receiver starts"; return; }
	code=$(curl -s -m 0.3 -o /dev/null -w '%{http_code}' --data-binary @"$TMP/a1" "http://127.0.0.1:$port/push")
	check "shake --acks: a client gone before its status line ($code)" test "$code" = 000
	sleep 1
	check "shake --acks: the receiver still answers, 200 ($(rxa_push $port 2))" test "$(cat "$TMP/b2")" = ok
	rxa_push $port 3 >"$TMP/code3" &
	sleep 0.3
	kill -TERM "$RX_PID"; sleep 0.3; touch "$TMP/go"
	wait $!
	wait "$RX_PID"; RXA_RC=$?
	wait "$ACKER_PID" 2>/dev/null
	check "shake --acks: SIGTERM waits for a held push's status line: 200 ($(cat "$TMP/code3"))" test "$(cat "$TMP/code3")" = "200 ok"
	check "shake --acks: then exits 0, no sanitizer report ($RXA_RC)" \
		eval '[ "$RXA_RC" -eq 0 ] && ! grep -q -e AddressSanitizer -e "runtime error" "$TMP/rxa.err"'
	"$QS" --pushes --acks "$TMP/x" </dev/null >/dev/null 2>&1
	check "shake --acks without --listen: exit 64" test $? -eq 64
	"$QS" --listen 127.0.0.1:$port --acks "$TMP/nosuch" </dev/null >/dev/null 2>&1
	check "shake --acks: no such FIFO, exit 74" test $? -eq 74
	"$QS" --listen 127.0.0.1:$port --acks "$TMP/x" --ack-timeout 0 </dev/null >/dev/null 2>&1
	check "shake --ack-timeout 0: exit 64" test $? -eq 64
}

# a push to any path is taken, as the page says (Sensor Logger's URL field
# is free text); /healthz stays itself
cli_shake_rx_any_path() {
	local port=24030 code p
	python3 tests/gen_pushes.py table | sed -n 1,3p >"$TMP/ap"
	rx_start $port || { fail "shake receiver starts (any path)"; return; }
	for p in /data /push/x /; do
		code=$(curl -s -o "$TMP/body" -w '%{http_code}' --data-binary @<(sed -n 1p "$TMP/ap") "http://127.0.0.1:$port$p")
		check "shake receiver: POST $p is a push, 200 ($code)" test "$code" = 200
	done
	code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/data")
	check "shake receiver: GET /data is 404 ($code)" test "$code" = 404
	code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @<(sed -n 1p "$TMP/ap") "http://127.0.0.1:$port/healthz")
	check "shake receiver: POST /healthz is 405 ($code)" test "$code" = 405
	rx_stop
	check "shake receiver: the three pushes written" test "$(wc -l <"$TMP/rx.out")" -eq 3
}

# the page for the phones (GET / and /devices): its files from --assets, the
# token to loopback visitors, each device's rate, location and triggered
# state after pushes; POST to the page's paths stays a push; without its
# files the page is 404 and pushes go on
cli_shake_rx_page() {
	local port=24031 code j p
	printf 'page-token\n' >"$TMP/ptoken"
	python3 tests/gen_pushes.py network >"$TMP/pp"
	rx_start $port --max-rate 0 --token-file "$TMP/ptoken" --assets "$TOP/$B/share/quake/web" \
		--public-url http://192.0.2.7:8081/push || { fail "shake receiver starts (page)"; return; }
	check "shake page: GET / is the page ($(curl -s -o /dev/null -w '%{http_code} %{content_type}' "http://127.0.0.1:$port/"))" \
		eval 'curl -s "http://127.0.0.1:$port/" | grep -q "Sensor Logger"'
	for p in /phones.js /phones.css /vendor/qrcode.js; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$p")
		check "shake page: GET $p, 200 ($code)" test "$code" = 200
	done
	j=$(curl -s "http://127.0.0.1:$port/devices")
	check "shake page: /devices gives the push URL and, to loopback, the token ($j)" \
		test "$(jq -c '[.setup.push_url, .setup.token, .setup.token_required, (.devices | length)]' <<<"$j")" = '["http://192.0.2.7:8081/push","page-token",true,0]'
	for h in "Host: rebound.example:$port" "Host: 127.0.0.1.rebound.example" "Host: localhost.example"; do
		check "shake page: a loopback peer asking under another name ($h: DNS rebinding) is not given the token" \
			test "$(curl -s -H "$h" "http://127.0.0.1:$port/devices" | jq -c '[.setup.token, .setup.token_required]')" = '[null,true]'
	done
	check "shake page: under localhost:PORT the token is given" \
		test "$(curl -s -H "Host: localhost:$port" "http://127.0.0.1:$port/devices" | jq -r .setup.token)" = page-token
	python3 tests/shake_push.py seq $port "$TMP/pp" >/dev/null
	j=$(curl -s "http://127.0.0.1:$port/devices")
	check "shake page: five devices after the pushes" test "$(jq '.devices | length' <<<"$j")" = 5
	check "shake page: each at about 100 samples/s with its location ($(jq -c '[.devices[] | .rate_hz]' <<<"$j"))" \
		test "$(jq '[.devices[] | select(.rate_hz > 80 and .rate_hz < 120 and .location)] | length' <<<"$j")" = 5
	check "shake page: the four shaken ones had an onset, the quiet one none ($(jq -c '[.devices[] | [.id, .last_onset_ms > 0]]' <<<"$j"))" \
		test "$(jq -c '[.devices[] | select(.last_onset_ms > 0) | .id] | sort' <<<"$j")" = '["phone-a","phone-b","phone-c","phone-d"]'
	for p in / /devices /phones.js; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @<(sed -n 1p "$TMP/pp") "http://127.0.0.1:$port$p")
		check "shake page: POST $p is a push, 200 ($code)" test "$code" = 200
	done
	rx_stop
	rx_start $port --assets "$TMP/no-such-dir" || { fail "shake receiver starts (no page)"; return; }
	code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")
	check "shake page: without its files, GET / is 404 ($code)" test "$code" = 404
	code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @<(sed -n 1p "$TMP/pp") "http://127.0.0.1:$port/")
	check "shake page: and pushes are taken, 200 ($code)" test "$code" = 200
	check "shake page: /devices says no token is needed ($(curl -s "http://127.0.0.1:$port/devices" | jq -c .setup))" \
		test "$(curl -s "http://127.0.0.1:$port/devices" | jq -c '[.setup.token_required, .setup.push_url]')" = '[false,null]'
	rx_stop
}

# --max-skew: a push whose samples are far from the receiver's clock is
# refused with a line saying why; none written
cli_shake_rx_max_skew() {
	local port=24031 code now
	now=$(date +%s)
	python3 -c '
import sys
sys.path.insert(0, "tests"); import shake_push
now = int(sys.argv[2]) * 10**9
for name, t0 in (("now", now), ("ahead", now + 3600 * 10**9), ("behind", now - 3600 * 10**9)):
    open(sys.argv[1] + name, "wb").write(shake_push.body("sk", 1, 5, t0 - 10**9))' "$TMP/sk." "$now"
	rx_start $port --max-skew 1m || { fail "shake receiver starts (skew)"; return; }
	code=$(rx_post $port "$TMP/sk.now")
	check "shake --max-skew: samples of now, 200 ($code)" test "$code" = 200
	code=$(rx_post $port "$TMP/sk.ahead")
	check "shake --max-skew: an hour ahead, 400 saying why ($code $(cat "$TMP/body"))" \
		eval 'test "$code" = 400 && grep -q "ahead of the receiver.s clock" "$TMP/body"'
	code=$(rx_post $port "$TMP/sk.behind")
	check "shake --max-skew: an hour behind, 400 saying why ($code $(cat "$TMP/body"))" \
		eval 'test "$code" = 400 && grep -q "behind the receiver.s clock" "$TMP/body"'
	rx_stop
	check "shake --max-skew: only the push of now written" test "$(wc -l <"$TMP/rx.out")" -eq 1
	rx_start $port || { fail "shake receiver starts (skew 2)"; return; }
	code=$(rx_post $port "$TMP/sk.ahead")
	check "shake: without --max-skew, an hour ahead is taken ($code)" test "$code" = 200
	rx_stop
	"$QS" --pushes --max-skew 1m </dev/null >/dev/null 2>&1
	check "shake --max-skew without --listen: exit 64" test $? -eq 64
}

# issue 28.3: a group grows. Four phones shaken together, the fourth
# trigger after the group of three is made: the detection is written again
# with 4 devices and the same id; its values follow the documented rules
# (time the earliest onset, centroid the members' mean, peak the largest
# onset peak), computed here from the onset lines; --coincide across two
# detectors gives the same lines; quake-alert sends one notice for the id
cli_shake_group_grows() {
	local d=$TMP/grows want pid rc c
	mkdir -p "$d"
	python3 tests/gen_pushes.py four "$(date +%s)000000000" | "$QS" --pushes >"$d/samples"
	"$QS" --detect <"$d/samples" >"$d/single"
	"$QS" --detect --onsets <"$d/samples" | grep -F '"kind":"onset"' >"$d/onsets"
	detections "$d/single" >"$d/dets"
	check "grows: two detection lines, 3 then 4 devices, one id ($(jq -c '[.devices, .id]' "$d/dets" | tr '\n' ' '))" \
		test "$(jq -r .devices "$d/dets" | tr '\n' ' ')$(jq -r .id "$d/dets" | sort -u | wc -l)" = "3 4 1"
	want=$(jq -s -r '"\(map(.on) | min) \(map(.lat) | add / length * 1e6 | round) \(map(.lon) | add / length * 1e6 | round) \(map(.peak) | max)"' "$d/onsets")
	check "grows: the revised line's time, centroid and peak from its 4 members' onsets ($want)" \
		test "$(tail -1 "$d/dets" | jq -r '"\(.time) \(.lat * 1e6 | round) \(.lon * 1e6 | round) \(.peak)"')" = "$want"
	for c in 94 95; do
		jq -c "select((.lat / 0.5 | floor) == $c)" "$d/samples" | "$QS" --detect --onsets >"$d/onsets$c"
	done
	cat "$d/onsets94" "$d/onsets95" | jq -s -c 'sort_by(.on) | .[]' >"$d/bytime"
	"$QS" --coincide <"$d/bytime" >"$d/co1"
	check "grows: --coincide over two detectors' onsets in time order: the same two lines" \
		cmp -s "$d/co1" "$d/dets"
	cat "$d/onsets95" "$d/onsets94" | "$QS" --coincide >"$d/co2"
	check "grows: the other detector first: the last line has the same members' values" \
		test "$(tail -1 "$d/co2" | jq -c 'del(.id)')" = "$(tail -1 "$d/dets" | jq -c 'del(.id)')"
	check "grows: the other detector first: one id over its lines" test "$(jq -r .id "$d/co2" | sort -u | wc -l)" = 1
	printf '{"rules":[{"name":"edge","minmagnitude":9,"circle":{"lat":47.5,"lon":8.6,"radius_km":50},"detections":true,"ntfy":"http://127.0.0.1:24032/shake"}]}\n' >"$d/rules.json"
	python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        with open(sys.argv[1], "ab") as f:
            f.write(self.rfile.read(n) + b"\n")
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", 24032), H).serve_forever()' "$d/posts" & pid=$!
	timeout 30 "$B/bin/quake-alert" --rules "$d/rules.json" --state "$d/state" <"$d/dets" >"$d/status" 2>"$d/err"; rc=$?
	kill "$pid"; wait "$pid" 2>/dev/null
	check "grows: quake-alert, both lines: exit 0, one notice for the id ($rc $(wc -l <"$d/posts" 2>/dev/null))" \
		test "$rc" -eq 0 -a "$(wc -l <"$d/posts" 2>/dev/null)" -eq 1
}
