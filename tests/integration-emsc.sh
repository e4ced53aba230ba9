# integration-emsc — emsc-tail's live feed against tests/emsc-standin.py on
# 127.0.0.1: order, dropped and stalled connections, restarts, FDSN faults,
# checkpoints across kill -9 and acknowledgements, TLS. Sourced by
# suite-integration.sh. Every wait is bounded.

ET="$B/bin/emsc-tail"

# emsc_up NAME ARGS...: start a stand-in; sets EP (port) and EURL/FURL/CTL
emsc_up() {
	local name=$1; shift
	python3 tests/emsc-standin.py --log "$TMP/$name.pub" "$@" >"$TMP/$name.sout" 2>"$TMP/$name.serr" &
	echo $! >"$TMP/$name.spid"
	: >"$TMP/$name.pub"
	EP=""
	for _ in $(seq 100); do
		EP=$(awk '/^ready/ {print $2}' "$TMP/$name.sout" 2>/dev/null)
		[ -n "$EP" ] && break
		sleep 0.1
	done
	local s=ws; case " $* " in *" --tls "*) s=wss ;; esac
	EURL=$s://127.0.0.1:$EP/standing_order/websocket
	FURL=http${s#ws}://127.0.0.1:$EP/fdsnws/event/1/query
	CTL=http${s#ws}://127.0.0.1:$EP
}
emsc_down() { kill "$(cat "$TMP/$1.spid")" 2>/dev/null; wait "$(cat "$TMP/$1.spid")" 2>/dev/null; }
stat_of() { curl -sk "$CTL/stats" | jq -r ".$1"; }
stat_at_least() { [ "$(stat_of "$1")" -ge "$2" ] 2>/dev/null; }
# the checker is satisfied (re-run each poll)
complete() { python3 tests/emsc-check.py "$@" >"$TMP/echeck" 2>&1; }

emsc_live_order() {
	local pid rc
	emsc_up order --events 200 --revs 2 --rate 0
	"$ET" --url "$EURL" --fdsn-url "$FURL" --count 400 >"$TMP/order.out" 2>"$TMP/order.err" & pid=$!
	wait_for 30 stat_at_least clients 1
	curl -s "$CTL/control?publish=400" >/dev/null
	wait_for 30 at_least 400 "$TMP/order.out"
	wait $pid; rc=$?
	check "live: --count 400 exits 0" test $rc -eq 0
	complete "$TMP/order.pub" "$TMP/order.out" --order
	check "live: frames printed in the order sent ($(head -1 "$TMP/echeck"))" test $? -eq 0
	check "live: every line is a valid event line" \
		test "$("$B/bin/quake-produce" -b 127.0.0.1:1 -t x -T 0 <"$TMP/order.out" 2>&1 >/dev/null | grep -c rejected)" -eq 0
	emsc_down order
}

# the connection drops and the server refuses us for a second: what was
# published meanwhile comes through back-fill, each revision once
emsc_drop() {
	local pid
	emsc_up drop --events 400 --revs 2 --rate 200
	"$ET" --url "$EURL" --fdsn-url "$FURL" >"$TMP/drop.out" 2>"$TMP/drop.err" & pid=$!
	wait_for 30 at_least 100 "$TMP/drop.out"
	curl -s "$CTL/control?down=1" >/dev/null
	wait_for 30 stat_at_least published 800
	wait_for 30 complete "$TMP/drop.pub" "$TMP/drop.out"
	check "drop: every event at its newest revision, none twice ($(head -1 "$TMP/echeck"))" complete "$TMP/drop.pub" "$TMP/drop.out"
	check "drop: it reconnected" test "$(stat_of ws_connections)" -ge 2
	check "drop: back-fill found what was missed" grep -q 'msg=back-filled .* new=[1-9]' "$TMP/drop.err"
	check "drop: each state change is one stderr line" grep -q 'msg=disconnected reason=.* retry_in_ms=' "$TMP/drop.err"
	kill -TERM $pid; wait $pid
	check "drop: SIGTERM exits 0" test $? -eq 0
	emsc_down drop
}

# a server that keeps the socket open but answers nothing: detected within
# the idle limit and redialled
emsc_stall() {
	local pid
	emsc_up stall --events 300 --revs 1 --rate 100
	"$ET" --url "$EURL" --fdsn-url "$FURL" --idle 3 >"$TMP/stall.out" 2>"$TMP/stall.err" & pid=$!
	wait_for 30 at_least 20 "$TMP/stall.out"
	curl -s "$CTL/control?stall=1" >/dev/null
	# 30 s is a hang guard (ten idle limits: a link left hanging, never a
	# speed; how fast: bench/)
	check "stall: the quiet link given up and redialled" wait_for 30 stat_at_least ws_connections 2
	check "stall: the disconnection said once on stderr" \
		test "$(grep -c 'msg=disconnected' "$TMP/stall.err")" -ge 1
	check "stall: it pinged the quiet link" test "$(stat_of pings)" -ge 1
	wait_for 30 stat_at_least published 300
	wait_for 30 complete "$TMP/stall.pub" "$TMP/stall.out"
	check "stall: nothing missed ($(head -1 "$TMP/echeck"))" complete "$TMP/stall.pub" "$TMP/stall.out"
	kill -TERM $pid; wait $pid
	emsc_down stall
}

# FDSN answers 500 twice, then slowly, in pages; the last page is a 204
emsc_fdsn() {
	local pid
	emsc_up fdsn --events 90 --revs 1 --rate 0
	curl -s "$CTL/control?publish=90" >/dev/null
	curl -s "$CTL/control?fdsn_fail=2&fdsn_slow=0.2" >/dev/null
	"$ET" --url "$EURL" --fdsn-url "$FURL" --since 1h --page-size 30 >"$TMP/fdsn.out" 2>"$TMP/fdsn.err" & pid=$!
	wait_for 30 at_least 90 "$TMP/fdsn.out"
	sleep 0.3
	kill -TERM $pid; wait $pid
	check "fdsn: --since back-fills a first start ($(grep -c . "$TMP/fdsn.out") lines)" complete "$TMP/fdsn.pub" "$TMP/fdsn.out"
	check "fdsn: each 500 is one line, then retried" test "$(grep -c 'msg="back-fill failed".*HTTP 500' "$TMP/fdsn.err")" -eq 2
	check "fdsn: three full pages, then 204" grep -q 'msg=back-filled .* pages=3 events=90 new=90' "$TMP/fdsn.err"
	# the same pages framed each way HTTP/1.1 allows, read by emsc-tail's
	# own client: chunked (in pieces), to the close, after a redirect
	local mode
	curl -s "$CTL/control?fdsn_slow=0" >/dev/null
	for mode in chunked close redirect; do
		curl -s "$CTL/control?fdsn_mode=$mode" >/dev/null
		"$ET" --url "$EURL" --fdsn-url "$FURL" --since 1h --page-size 30 >"$TMP/fdsn-$mode.out" 2>"$TMP/fdsn-$mode.err" & pid=$!
		wait_for 30 grep -q msg=back-filled "$TMP/fdsn-$mode.err"
		kill -TERM $pid; wait $pid
		check "fdsn: pages framed $mode: all 90 events, three pages" \
			grep -q 'msg=back-filled .* pages=3 events=90 new=90' "$TMP/fdsn-$mode.err"
	done
	curl -s "$CTL/control?fdsn_mode=length" >/dev/null
	emsc_down fdsn
}

# kill -9 mid-stream: the state file is whole and a restart from it misses
# nothing; with --acks the checkpoint follows the status lines only
emsc_state() {
	local pid lu
	emsc_up state --events 300 --revs 2 --rate 150
	"$ET" --url "$EURL" --fdsn-url "$FURL" --state "$TMP/state" >"$TMP/state1.out" 2>"$TMP/state1.err" & pid=$!
	wait_for 30 at_least 200 "$TMP/state1.out"
	sleep 1.2
	kill -9 $pid; wait $pid 2>/dev/null
	lu=$(cat "$TMP/state" 2>/dev/null)
	check "kill -9: the state file holds a whole time" grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z$' "$TMP/state"
	check "kill -9: the checkpoint is a printed revision" grep -q "\"lastupdate\":\"$lu\"" "$TMP/state1.out"
	sleep 1	# events published while it is down
	"$ET" --url "$EURL" --fdsn-url "$FURL" --state "$TMP/state" >"$TMP/state2.out" 2>"$TMP/state2.err" & pid=$!
	wait_for 30 stat_at_least published 600
	wait_for 30 complete "$TMP/state.pub" "$TMP/state1.out" "$TMP/state2.out"
	check "kill -9: the restart back-fills from the checkpoint, nothing missed ($(head -1 "$TMP/echeck"))" \
		complete "$TMP/state.pub" "$TMP/state1.out" "$TMP/state2.out"
	kill -TERM $pid; wait $pid
	check "SIGTERM: the checkpoint is the newest printed" \
		test "$(cat "$TMP/state")" = "$(jq -r .lastupdate "$TMP/state1.out" "$TMP/state2.out" | sort | tail -1)"
	emsc_down state

	# --acks: only the first 50 lines come back acknowledged
	emsc_up acks --events 100 --revs 1 --rate 0
	rm -f "$TMP/ackfifo" "$TMP/astate"; mkfifo "$TMP/ackfifo"
	"$ET" --url "$EURL" --fdsn-url "$FURL" --state "$TMP/astate" --acks "$TMP/ackfifo" 2>"$TMP/acks.err" |
		python3 -c '
import json, sys
out = open(sys.argv[1], "w"); fifo = open(sys.argv[2], "w")
for n, line in enumerate(sys.stdin, 1):
    out.write(line); out.flush()
    if n <= 50:
        fifo.write(json.dumps({"id": json.loads(line)["id"], "status": "produced", "line": n}) + "\n"); fifo.flush()
' "$TMP/acks.out" "$TMP/ackfifo" & pid=$!
	wait_for 30 stat_at_least clients 1
	curl -s "$CTL/control?publish=100" >/dev/null
	wait_for 30 at_least 100 "$TMP/acks.out"
	sleep 1.5
	pkill -TERM -f "emsc-tail --url $EURL"; wait $pid
	check "--acks: the checkpoint is the newest acknowledged line, not the newest printed" \
		test "$(cat "$TMP/astate")" = "$(head -50 "$TMP/acks.out" | jq -r .lastupdate | sort | tail -1)"
	emsc_down acks
}

emsc_misc() {
	local pid rc
	# TLS is verified: a self-signed server is refused unless trusted
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
	emsc_up tls --events 50 --revs 1 --rate 0 --tls "$TMP/cert.pem" "$TMP/key.pem"
	timeout 3 "$ET" --url "$EURL" --fdsn-url "$FURL" --count 1 >"$TMP/tls1.out" 2>"$TMP/tls1.err"
	check "tls: an untrusted certificate is refused" test ! -s "$TMP/tls1.out" -a "$(grep -c 'msg=disconnected reason=.*SSL' "$TMP/tls1.err")" -ge 1
	"$ET" --url "$EURL" --fdsn-url "$FURL" --cacert "$TMP/cert.pem" --count 5 >"$TMP/tls2.out" 2>"$TMP/tls2.err" & pid=$!
	wait_for 30 stat_at_least clients 1
	curl -sk "$CTL/control?publish=5" >/dev/null
	wait_for 30 at_least 5 "$TMP/tls2.out"
	wait $pid
	check "tls: trusted with --cacert" test "$(wc -l <"$TMP/tls2.out")" -eq 5
	# the system store is a hashed directory, read lazily; SSL_CERT_DIR
	# points elsewhere, as with openssl(1): trusted there, WebSocket and FDSN
	mkdir -p "$TMP/certs" && cp "$TMP/cert.pem" "$TMP/certs/standin.pem" && openssl rehash "$TMP/certs" 2>/dev/null
	SSL_CERT_DIR="$TMP/certs" "$ET" --url "$EURL" --fdsn-url "$FURL" --since 1h --count 8 >"$TMP/tls3.out" 2>"$TMP/tls3.err" & pid=$!
	wait_for 30 at_least 5 "$TMP/tls3.out"
	wait_for 30 grep -q msg=connected "$TMP/tls3.err"
	curl -sk "$CTL/control?publish=3" >/dev/null
	wait_for 30 at_least 8 "$TMP/tls3.out"
	kill $pid 2>/dev/null; wait $pid
	check "tls: trusted through SSL_CERT_DIR, WebSocket and https back-fill" \
		test "$(wc -l <"$TMP/tls3.out")" -eq 8 -a "$(grep -c 'msg=back-filled .*events=5 ' "$TMP/tls3.err")" -ge 1
	SSL_CERT_DIR="$TMP" timeout 3 "$ET" --url "$EURL" --fdsn-url "$FURL" --since 1h --count 1 >"$TMP/tls4.out" 2>"$TMP/tls4.err"
	check "tls: https back-fill refuses an untrusted server, saying why" \
		grep -q 'msg="back-fill failed".*error="TLS certificate: self-signed certificate"' "$TMP/tls4.err"
	emsc_down tls

	# a bad frame on the wire: one stderr line, dead-lettered, the stream goes on
	emsc_up bad --events 20 --revs 1 --rate 0
	rm -f "$TMP/bad.dl"
	"$ET" --url "$EURL" --fdsn-url "$FURL" --dead-letter "$TMP/bad.dl" >"$TMP/bad.out" 2>"$TMP/bad.err" & pid=$!
	wait_for 30 stat_at_least clients 1
	curl -s "$CTL/control?publish=3" >/dev/null; curl -s "$CTL/control?bad=1" >/dev/null
	curl -s "$CTL/control?publish=3" >/dev/null
	wait_for 30 at_least 6 "$TMP/bad.out"
	kill -TERM $pid; wait $pid; rc=$?
	check "bad frame: the stream goes on" test "$(wc -l <"$TMP/bad.out")" -eq 6
	check "bad frame: one stderr line naming the frame" test "$(grep -c 'msg=rejected line=4 ' "$TMP/bad.err")" -eq 1
	check "bad frame: kept in the dead-letter file" grep -q '"id":"x"' "$TMP/bad.dl"
	check "bad frame: SIGTERM still exits 0" test $rc -eq 0
	# EPIPE is a quiet stop, noticed at the next line after the reader left
	( "$ET" --url "$EURL" --fdsn-url "$FURL" --since 1h 2>"$TMP/pipe.err"; echo $? >"$TMP/pipe.rc" ) |
		head -1 >/dev/null & pid=$!
	wait_for 30 stat_at_least clients 2
	sleep 0.3; curl -s "$CTL/control?publish=2" >/dev/null
	wait_for 30 test -s "$TMP/pipe.rc"
	check "EPIPE: exit 0, no error line" test "$(cat "$TMP/pipe.rc" 2>/dev/null)" = 0 -a "$(grep -c level=error "$TMP/pipe.err")" -eq 0
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
	"$ET" --url "http://x/" </dev/null >/dev/null 2>&1
	check "a non-WebSocket --url: exit 64" test $? -eq 64
	emsc_down bad
}

# wired as scripts/quake-ingest wires it (a stand-in for quake-produce that
# sends each line back as its status line): a back-fill of 2000 events at
# start, larger than either pipe, flows through. emsc-tail used to open its
# ack FIFO after that first back-fill, while the downstream shell, opening
# the FIFO to write, waited for a reader before starting the filter; and it
# read status lines only between writes, so with both pipes full each
# filter waited for the other to read: both waited for ever.
emsc_service_backfill() {
	local pid
	emsc_up svc --events 2000 --revs 1 --rate 0
	curl -s "$CTL/control?publish=2000" >/dev/null
	wait_for 30 stat_at_least published 2000
	mkdir -p "$TMP/svcbin"
	ln -sf "$(cd "$B/bin" && pwd)/emsc-tail" "$TMP/svcbin/emsc-tail"
	cat >"$TMP/svcbin/quake-produce" <<'SH'
#!/bin/sh
n=0
while read -r l; do
	n=$((n + 1))
	echo "$l" >>"$SVC_SEEN"
	printf '{"id":"x","status":"produced","line":%d}\n' "$n"
done
SH
	chmod +x "$TMP/svcbin/quake-produce"
	: >"$TMP/svc.seen"
	env QUAKE_BIN="$TMP/svcbin" QUAKE_ENV_FILE=/dev/null QUAKE_STATE_DIR="$TMP/svcstate" \
		SVC_SEEN="$TMP/svc.seen" QUAKE_EMSC_ARGS="--url $EURL --fdsn-url $FURL --since 1h" \
		scripts/quake-ingest 2>"$TMP/svc.err" & pid=$!
	wait_for 30 at_least 2000 "$TMP/svc.seen"
	check "service: a back-fill larger than a pipe at start flows through (got $(lines "$TMP/svc.seen") of 2000)" \
		test "$(lines "$TMP/svc.seen")" -ge 2000
	kill -TERM $pid; wait $pid
	emsc_down svc
}
