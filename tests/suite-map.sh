# suite-map — quake-map, the server side: FDSN answers against an independent
# reference filter (and ObsPy as the client), the event stream, bad input on
# stdin and over HTTP, idle and slow clients, health, TLS, exit statuses.
# Every map_* function is a case; servers listen on 127.0.0.1 only, ports
# from QUAKE_TEST_MAP_PORT (default 22010) up. Sourced by tests/run.
MAP_PORT=${QUAKE_TEST_MAP_PORT:-22010}
QM="$B/bin/quake-map"
MAP_OBSPY=${QUAKE_CACHE:-$HOME/.cache/quake}/venv-shake/bin/python

# qm_start PORT ARGS... <stdin: start quake-map; MAP_PID
qm_start() {
	local port=$1; shift
	# <&0: a background command's stdin would be /dev/null
	"$QM" --listen "127.0.0.1:$port" "$@" <&0 2>>"$TMP/map-$port.err" &
	MAP_PID=$!
	qm_wait_up "$port"
}
# 30 s: a hang guard, not a speed
qm_wait_up() { local t=300; until curl -s -o /dev/null "http://127.0.0.1:$1/healthz"; do t=$((t - 1)); [ $t -gt 0 ] || return 1; sleep 0.1; done; }
qm_stop() { kill "$MAP_PID" 2>/dev/null; wait "$MAP_PID" 2>/dev/null; }
# qm_code URL [CURL ARGS...]: the status code
qm_code() { local u=$1; shift; curl -s -o /dev/null -w '%{http_code}' "$@" "$u"; }
qm_metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m {print $2}'; }
qm_metric_is() { [ "$(qm_metric "$1" "$2")" = "$3" ]; }
# qm_until SECONDS CMD...: poll CMD until it succeeds; SECONDS is a hang
# guard (30 or more), never a speed asserted
qm_until() { local t=$(($1 * 10)); shift; until "$@"; do t=$((t - 1)); [ $t -gt 0 ] || return 1; sleep 0.1; done; }
qm_lines_read() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^quake_map_lines_total/ {n += $2} END {print n + 0}'; }
# qm_py PYTHON MODE ARGS...: each PASS/FAIL line of tests/map-check.py a check
qm_py() { local py=$1; shift; py_checks "" timeout 300 "$py" tests/map-check.py "$@"; }
qm_fixture() { [ -s "$TMP/map-fx" ] || python3 tests/map-check.py gen "$TMP/map-fx"; }

map_fdsn() {
	local p=$MAP_PORT
	qm_fixture
	qm_start $p --window 0 <"$TMP/map-fx"
	qm_py python3 fdsn "http://127.0.0.1:$p" "$TMP/map-fx"
	if "$MAP_OBSPY" -c 'import obspy' 2>/dev/null; then
		qm_py "$MAP_OBSPY" obspy "http://127.0.0.1:$p" "$TMP/map-fx"
	else
		fail "obspy as the FDSN client" "no ObsPy in $MAP_OBSPY: run scripts/install-deps"
	fi
	check "fdsn: version 1.2.0" test "$(curl -s "http://127.0.0.1:$p/fdsnws/event/1/version")" = 1.2.0
	check "fdsn: catalogs lists EMSC-RTS" grep -q '<Catalog>EMSC-RTS</Catalog>' <(curl -s "http://127.0.0.1:$p/fdsnws/event/1/catalogs")
	check "fdsn: contributors lists GFZ" grep -q '<Contributor>GFZ</Contributor>' <(curl -s "http://127.0.0.1:$p/fdsnws/event/1/contributors")
	check "fdsn: the QuakeML is well-formed XML" python3 -c 'import sys, xml.dom.minidom as m; m.parseString(sys.stdin.buffer.read())' \
		< <(curl -s "http://127.0.0.1:$p/fdsnws/event/1/query?limit=500")
	qm_stop
}

map_sse() {
	local p=$((MAP_PORT + 1)) n
	qm_fixture
	rm -f "$TMP/map-fifo"; mkfifo "$TMP/map-fifo"
	"$QM" --listen "127.0.0.1:$p" --window 0 <"$TMP/map-fifo" 2>>"$TMP/map-$p.err" & MAP_PID=$!
	exec 7>"$TMP/map-fifo"
	cat "$TMP/map-fx" >&7
	n=$(wc -l <"$TMP/map-fx")
	wait_for_lines() { [ "$(qm_lines_read $p)" -ge "$n" ]; }
	local t=100; until wait_for_lines 2>/dev/null; do t=$((t - 1)); [ $t -gt 0 ] || break; sleep 0.1; done
	qm_py python3 sse "http://127.0.0.1:$p" "$TMP/map-fx" "$TMP/map-fifo"
	exec 7>&-
	qm_stop
}

map_http_limits() {
	local p=$((MAP_PORT + 2)) u hdr
	mkdir -p "$TMP/map-assets/sub" "$TMP/map-outside"
	printf '<!doctype html><title>t</title>\n' >"$TMP/map-assets/index.html"
	printf 'secret\n' >"$TMP/map-outside/secret.txt"
	ln -sf "$TMP/map-outside/secret.txt" "$TMP/map-assets/link.txt"
	printf 'body{}\n' >"$TMP/map-assets/sub/a.css"
	qm_start $p --assets "$TMP/map-assets" </dev/null
	u=http://127.0.0.1:$p
	check "GET / is index.html" grep -q '<title>t</title>' <(curl -s "$u/")
	check "a file below the assets directory, with its type" \
		grep -qi '^content-type: text/css' <(curl -s -D - -o /dev/null "$u/sub/a.css")
	check "traversal ../ is 404" test "$(qm_code "$u/../../../../etc/passwd" --path-as-is)" = 404
	check "traversal %2e%2e is 404" test "$(qm_code "$u/%2e%2e/%2e%2e/etc/passwd" --path-as-is)" = 404
	check "traversal sub/../../ is 404" test "$(qm_code "$u/sub/../../map-outside/secret.txt" --path-as-is)" = 404
	check "a symlink out of the assets directory is 404" test "$(qm_code "$u/link.txt")" = 404
	check "a missing file is 404" test "$(qm_code "$u/nope.js")" = 404
	check "a directory without index.html is 404" test "$(qm_code "$u/sub/")" = 404
	# targets of exactly 8192 bytes (the limit): served; the FDSN layer
	# reads the whole id (400 naming it: too long for an id), not 414
	check "a target of 8192 bytes is served: /healthz?x=... is 200" \
		test "$(qm_code "$u/healthz?x=$(head -c 8181 /dev/zero | tr '\0' a)")" = 200
	check "an FDSN target of 8192 bytes reaches the FDSN layer: 400 for the eventid, not 414" \
		test "$(curl -s -w ' %{http_code}' "$u/fdsnws/event/1/count?eventid=$(head -c 8162 /dev/zero | tr '\0' a)" | grep -c 'eventid: malformed value')" = 1 -a \
		"$(qm_code "$u/fdsnws/event/1/count?eventid=$(head -c 8162 /dev/zero | tr '\0' a)")" = 400
	check "URL over 8 KiB is 414" test "$(qm_code "$u/fdsnws/event/1/query?eventid=$(head -c 9000 /dev/zero | tr '\0' a)")" = 414
	check "a 9 KiB path is 414" test "$(qm_code "$u/$(head -c 9000 /dev/zero | tr '\0' a)")" = 414
	check "a 60 KiB query value is 414, not a closed connection" test "$(qm_code "$u/fdsnws/event/1/query?eventid=$(head -c 60000 /dev/zero | tr '\0' a)")" = 414
	check "a 60 KiB path is 414" test "$(qm_code "$u/$(head -c 60000 /dev/zero | tr '\0' a)")" = 414
	for m in PUT DELETE PATCH OPTIONS POST; do
		check "$m is 405" test "$(qm_code "$u/fdsnws/event/1/query" -X $m -d x)" = 405
	done
	check "405 says Allow: GET, HEAD" grep -qi '^allow: GET, HEAD' <(curl -s -D - -o /dev/null -X DELETE "$u/")
	hdr=$(curl -s -D - -o /dev/null "$u/")
	check "CSP allows only 'self'" grep -qi "^content-security-policy: default-src 'self'; object-src 'none'" <<<"$hdr"
	check "X-Content-Type-Options: nosniff" grep -qi '^x-content-type-options: nosniff' <<<"$hdr"
	check "the security headers appear once each" test "$(grep -ci '^content-security-policy:\|^x-content-type-options:\|^referrer-policy:' <<<"$hdr")" = 3
	hdr=$(curl -s -D - -o /dev/null "$u/fdsnws/event/1/query?minlat=%zz")
	check "lws's own answer (403, a broken %-escape) has CSP and nosniff too" test "$(grep -ci "^content-security-policy: default-src 'self'\|^x-content-type-options: nosniff" <<<"$hdr")" = 2
	check "HEAD: headers and no body" test "$(curl -s -I "$u/healthz" | grep -ci '^content-length: 3')/$(curl -s -X HEAD -m 2 "$u/healthz" | wc -c)" = 1/0
	check "/summary?bin=5m: JSON with 4 bands" python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["bin_seconds"] == 300 and d["bands"] == ["<2","2-4","4-6",">=6"] and all(len(c) == 4 for c in d["counts"])' < <(curl -s "$u/summary?bin=5m")
	check "/summary?bin=7m is 400" test "$(qm_code "$u/summary?bin=7m")" = 400
	check "/metrics is Prometheus text" grep -q '^# TYPE quake_map_events gauge' <(curl -s "$u/metrics")
	qm_stop
}

map_bad_stdin() {
	local p=$((MAP_PORT + 3))
	python3 tests/gen-lines.py 20 1 >"$TMP/map-good"
	{ head -5 "$TMP/map-good"; echo 'not json'; sed -n 6,10p "$TMP/map-good"
	  echo '{"id":"x","action":"create"}'; printf '\001\002\377\n'
	  head -c 20000 /dev/zero | tr '\0' x; echo; sed -n 11,20p "$TMP/map-good"
	  sed -n 3p "$TMP/map-good" | sed 's/"lat":[^,]*/"lat":123.0/'; } >"$TMP/map-bad"
	: >"$TMP/map-$p.err"
	qm_start $p --window 0 <"$TMP/map-bad"
	check "bad stdin: every good line served (20)" test "$(curl -s "http://127.0.0.1:$p/fdsnws/event/1/count")" = 20
	check "bad stdin: one stderr line for each of the 5 bad lines" test "$(grep -c 'msg=rejected' "$TMP/map-$p.err")" = 5
	check "bad stdin: the lines are named (6 12 13 14 25)" test "$(grep -o 'msg=rejected line=[0-9]*' "$TMP/map-$p.err" | cut -d= -f3 | tr '\n' ' ')" = "6 12 13 14 25 "
	check "bad stdin: /metrics counts 5 rejected" test "$(curl -s "http://127.0.0.1:$p/metrics" | awk '/^quake_map_lines_total/ && /outcome="rejected"/ {print $2}')" = 5
	check "bad stdin: the 20,000-byte line is said to pass quake-map's own cap (8192), not another tool's" \
		grep -q 'msg=rejected line=14 reason="line longer than 8192 bytes"' "$TMP/map-$p.err"
	qm_stop
	# --dead-letter: each rejected line appended verbatim, in input order
	# (the binary one too), a bad detection line as well; the 20,000-byte
	# one is over the line cap (twice an event line's), dropped unread, so
	# only its number is logged; a trigger line is skipped, not rejected; a
	# file that was there is appended to
	{ cat "$TMP/map-bad"; echo '{"kind":"detection","id":"shake-x","time":"2026-01-01T00:00:00.000000Z"}'
	  echo '{"kind":"trigger","device":"d"}'; } >"$TMP/map-bad2"
	printf 'kept\n' >"$TMP/map-dead"
	qm_start $p --window 0 --dead-letter "$TMP/map-dead" <"$TMP/map-bad2"
	check "dead letter: the good lines still served (20)" test "$(curl -s "http://127.0.0.1:$p/fdsnws/event/1/count")" = 20
	qm_stop
	check "dead letter: what was there, then lines 6 12 13 25 26 verbatim, nothing else" \
		cmp -s "$TMP/map-dead" <(printf 'kept\n'; sed -n '6p;12p;13p;25p;26p' "$TMP/map-bad2")
	timeout 30 "$QM" --listen 127.0.0.1:$p --dead-letter "$TMP/no-such-dir/dead" </dev/null 2>"$TMP/map-dead.err"	# a hang guard
	check "dead letter: a file that cannot be opened is exit 74, said once" \
		test "$? $(grep -c level=error "$TMP/map-dead.err")" = "74 1"
}

map_health() {
	local p=$((MAP_PORT + 4)) y
	# a backlog of 1M lines (the same event: stale after the first) takes
	# a while to read: not ready meanwhile
	python3 tests/gen-lines.py 1 1 >"$TMP/map-one"
	yes "$(cat "$TMP/map-one")" | head -n 1000000 >"$TMP/map-sparse"
	qm_start $p <"$TMP/map-sparse"
	# the answer came before the last line was read: the count read after
	# it says so (a regular file never makes a read wait)
	y=$(qm_code "http://127.0.0.1:$p/healthz")
	check "/healthz is 503 while stdin has not yet been idle ($y, then $(qm_lines_read $p) of 1000000 lines read)" \
		test "$y" = 503 -a "$(qm_lines_read $p)" -lt 1000000
	check "/healthz 503 says why" grep -q 'starting: reading stdin' <(curl -s "http://127.0.0.1:$p/healthz")
	qm_stop; rm -f "$TMP/map-sparse"
	rm -f "$TMP/map-fifo4"; mkfifo "$TMP/map-fifo4"
	"$QM" --listen 127.0.0.1:$p <"$TMP/map-fifo4" 2>/dev/null & MAP_PID=$!
	exec 6>"$TMP/map-fifo4"
	qm_wait_up $p
	check "/healthz is 200 once stdin is idle" qm_until 30 eval 'test "$(qm_code "http://127.0.0.1:$p/healthz")" = 200'
	check "/healthz: stdin idle, nothing read" test "$(qm_lines_read $p)" = 0
	exec 6>&-
	qm_stop
}

# lines of magnitude 8.9 (none in the fixture) with ids PREFIX0000001...
qm_big() {
	python3 -c 'import json, sys
e = json.loads(open(sys.argv[1]).readline())
for i in range(1, int(sys.argv[3]) + 1):
    print(json.dumps(dict(e, id="%s%07d" % (sys.argv[2], i), mag=8.9), separators=(",", ":")))' "$TMP/map-fx" "$1" "$2"
}

map_clients() {
	local p=$((MAP_PORT + 5)) rss0 rss1 got idle l1 l2 l3 n sent
	qm_fixture
	qm_big 20991230_ 20000 >"$TMP/map-big1"; qm_big 20991231_ 120 >"$TMP/map-big2"
	rm -f "$TMP/map-fifo5"; mkfifo "$TMP/map-fifo5"
	( ulimit -n 20000; exec "$QM" --listen 127.0.0.1:$p --window 0 --client-queue 50 <"$TMP/map-fifo5" 2>>"$TMP/map-$p.err" ) & MAP_PID=$!
	exec 8>"$TMP/map-fifo5"
	cat "$TMP/map-fx" >&8
	qm_wait_up $p
	rss0=$(awk '/VmRSS/ {print $2}' /proc/$MAP_PID/status)
	# a client that reads, then 50 that never read and 10,000 idle
	# connections, each step once quake-map has it (the sse_clients gauge;
	# the idle ones once the load tool opened them all); held until killed
	# below (120 s at most). Every wait is a hang guard.
	( exec timeout 120 curl -s -N "http://127.0.0.1:$p/events/stream?minmagnitude=8.9" >"$TMP/map-live" ) & l3=$!
	qm_until 30 qm_metric_is $p quake_map_sse_clients 1
	python3 tests/map-load.py slow 127.0.0.1 $p 50 120 >"$TMP/map-slow" & l2=$!
	qm_until 30 qm_metric_is $p quake_map_sse_clients 51
	( ulimit -n 20000; exec python3 tests/map-load.py idle 127.0.0.1 $p 10000 120 >"$TMP/map-idle" ) & l1=$!
	qm_until 60 test -s "$TMP/map-idle"
	# 6.6 MB: more than the kernel buffers of a client that never reads;
	# a client is closed when a new line finds it full, 50 behind and idle
	# for 2 s (the contract): one more line every 0.5 s until all 50 are
	# (the counter is the barrier; 60 s a hang guard)
	n=$(qm_lines_read $p)
	cat "$TMP/map-big1" >&8
	qm_until 60 eval '[ "$(qm_lines_read $p)" -ge $((n + 20000)) ]'
	sent=0
	while ! qm_metric_is $p quake_map_sse_dropped_total 50 && [ $sent -lt 120 ]; do
		sent=$((sent + 1)); sed -n "${sent}p" "$TMP/map-big2" >&8; sleep 0.5
	done
	qm_until 60 eval '[ "$(grep -c "^data: " "$TMP/map-live")" -ge $((20000 + sent)) ]'
	rss1=$(awk '/VmRSS/ {print $2}' /proc/$MAP_PID/status)
	got=$(grep -c '^data: ' "$TMP/map-live")
	idle=$(cat "$TMP/map-idle")
	check "10,000 idle connections opened ($idle)" test "${idle:-0}" -eq 10000
	check "50 clients that never read, and the idle ones: a reading client gets every new line ($got/$((20000 + sent)))" \
		test "$got" -eq $((20000 + sent))
	check "memory stays bounded: RSS $((rss0 / 1024)) -> $((rss1 / 1024)) MiB (< 200)" test "$rss1" -lt 204800
	check "stuck clients are closed once 50 revisions behind: all 50 ($(qm_metric $p quake_map_sse_dropped_total)), the reading one kept ($(qm_metric $p quake_map_sse_clients))" \
		test "$(qm_metric $p quake_map_sse_dropped_total)/$(qm_metric $p quake_map_sse_clients)" = 50/1
	kill $l1 $l2 $l3 2>/dev/null
	wait $l1 $l2 $l3 2>/dev/null
	check "after the flood: served again" test "$(qm_code "http://127.0.0.1:$p/healthz" -m 20)" = 200
	exec 8>&-
	qm_stop
}

map_store() {
	local p=$((MAP_PORT + 6))
	python3 tests/map-lines.py 100 >"$TMP/map-100"
	qm_start $p --window 2d --max-events 30 <"$TMP/map-100"
	check "--max-events 30 holds 30" test "$(curl -s "http://127.0.0.1:$p/fdsnws/event/1/count")" = 30
	check "--max-events keeps the newest event times" cmp -s \
		<(tail -30 "$TMP/map-100" | python3 -c 'import sys,json; [print(json.loads(l)["id"]) for l in sys.stdin]' | sort) \
		<(curl -s "http://127.0.0.1:$p/fdsnws/event/1/query?format=text" | tail -n +2 | cut -d'|' -f1 | sort)
	qm_stop
	qm_start $p --window 1d <"$TMP/map-100"
	check "--window 1d holds only the last day" test "$(curl -s "http://127.0.0.1:$p/fdsnws/event/1/count")" = \
		"$(python3 -c 'import sys,json,datetime as d; n=d.datetime.now(d.timezone.utc)-d.timedelta(days=1); print(sum(1 for l in open(sys.argv[1]) if d.datetime.fromisoformat(json.loads(l)["time"].replace("Z","+00:00")) >= n))' "$TMP/map-100")"
	qm_stop
}

map_tls_and_exits() {
	local p=$((MAP_PORT + 7)) rc
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 2 \
		-keyout "$TMP/map-key.pem" -out "$TMP/map-cert.pem" 2>/dev/null
	"$QM" --listen 127.0.0.1:$p --cert "$TMP/map-cert.pem" --key "$TMP/map-key.pem" </dev/null 2>/dev/null & MAP_PID=$!
	local t=50; until curl -sk -o /dev/null "https://127.0.0.1:$p/healthz"; do t=$((t - 1)); [ $t -gt 0 ] || break; sleep 0.1; done
	check "--cert/--key: HTTPS answers" test "$(curl -sk "https://127.0.0.1:$p/healthz")" = ok
	qm_stop; rc=$?
	"$QM" --listen 127.0.0.1:$p </dev/null 2>/dev/null & MAP_PID=$!; qm_wait_up $p
	kill -TERM $MAP_PID; wait $MAP_PID; rc=$?
	check "SIGTERM: exit 0" test $rc -eq 0
	"$QM" --bogus </dev/null 2>/dev/null; check "unknown option: exit 64" test $? -eq 64
	"$QM" --listen nope </dev/null 2>/dev/null; check "bad --listen: exit 64" test $? -eq 64
	"$QM" --cert x </dev/null 2>/dev/null; check "--cert without --key: exit 64" test $? -eq 64
	"$QM" --assets "$TMP/no-such-dir" --listen 127.0.0.1:$p </dev/null 2>/dev/null; check "missing --assets: exit 78" test $? -eq 78
	"$QM" --listen 127.0.0.1:$p </dev/null 2>/dev/null & MAP_PID=$!; qm_wait_up $p
	timeout 5 "$QM" --listen 127.0.0.1:$p </dev/null 2>"$TMP/map-busy.err"; rc=$?
	check "port in use: exit 69 and one error line" test "$rc $(grep -c level=error "$TMP/map-busy.err")" = "69 1"
	qm_stop
}

suite_map() {
	run_cases map_
}

# quake-shake's detection lines on the same stdin: their own layer
# (/detections, /detections/stream), never events (FDSN, /events/stream)
map_detections() {
	local p=$((MAP_PORT + 8)) u now old ids
	u=http://127.0.0.1:$p
	now=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
	old=$(date -u -d '-40 days' +%Y-%m-%dT%H:%M:%S.000000Z)
	det() { printf '{"kind":"detection","id":"%s","time":"%s","lat":%s,"lon":%s,"devices":%s,"peak":0.73,"radius_km":2.3}\n' "$@"; }
	python3 tests/gen-lines.py 10 1 >"$TMP/det-events"
	{ head -4 "$TMP/det-events"; det shake-A "$now" 47.37 8.54 3
	  head -1 tests/golden/shake/network.ndjson	# a trigger line: skipped
	  echo '{"kind":"detection","id":"shake-B","time":"'$now'","lat":47.4}'
	  sed -n 5,7p "$TMP/det-events"; det 'shake-\"C\"' "$now" -33.45 -70.66 5
	  det shake-D "$now" 95 8.5 3; det shake-E "$now" 35.7 139.7 0
	  det shake-old "$old" 35.7 139.7 3; det shake-A "$now" 47.37 8.54 2
	  echo '{"kind":"detection","id":"shake-F","time":"'$now'","lat":1,"lon":1,"devices":3,"peak":1,"radius_km":1,"x":1}'
	  sed -n 8,10p "$TMP/det-events"; } >"$TMP/det-in"
	rm -f "$TMP/det-fifo"; mkfifo "$TMP/det-fifo"
	: >"$TMP/map-$p.err"
	"$QM" --listen "127.0.0.1:$p" <"$TMP/det-fifo" 2>>"$TMP/map-$p.err" & MAP_PID=$!
	exec 7>"$TMP/det-fifo"
	cat "$TMP/det-in" >&7
	qm_wait_up $p
	ids=$(curl -s "$u/detections" | jq -r '[.features[].properties.id] | sort | join(" ")')
	check "detections: /detections holds shake-A and shake-\"C\" (got $ids)" test "$ids" = 'shake-"C" shake-A'
	check "detections: GeoJSON points at [lon, lat], devices and peak as read" \
		test "$(curl -s "$u/detections" | jq -c '.features[] | select(.id == "shake-A") | [.geometry.coordinates, .properties.devices, .properties.peak]')" = '[[8.54,47.37],3,0.73]'
	check "detections: the FDSN service holds the 10 events only" test "$(curl -s "$u/fdsnws/event/1/count")" = 10
	check "detections: no detection in the FDSN geojson" test "$(curl -s "$u/fdsnws/event/1/query?format=geojson" | grep -c shake)" = 0
	check "detections: /events/stream sends the 10 event lines, no detection" \
		test "$(curl -sN -m 1 "$u/events/stream" | sed -n 's/^data: //p' | jq -r 'has("kind")' | sort | uniq -c | tr -s ' ')" = " 10 false"
	check "detections: bad detection lines, one stderr line each (lines 7 12 13 16)" \
		test "$(grep -o 'msg=rejected line=[0-9]*' "$TMP/map-$p.err" | cut -d= -f3 | tr '\n' ' ')" = "7 12 13 16 "
	check "detections: the rejections name the field (lon, lat, devices, x)" \
		test "$(grep -o 'msg=rejected line=[0-9]* field=[a-z_]*' "$TMP/map-$p.err" | sed 's/.*field=//' | tr '\n' ' ')" = "lon lat devices x "
	check "detections: metrics count 2 held, 2 created, 1 stale, 1 outside, 4 rejected, 1 skipped" \
		test "$(curl -s "$u/metrics" | awk '/^quake_map_detections / {h=$2} /^quake_map_detection_lines_total/ {split($1, a, "\""); o[a[2]]=$2}
			END {print h, o["created"], o["stale"], o["outside"], o["rejected"], o["skipped"]}')" = "2 2 1 1 4 1"
	check "detections: event lines by outcome unaffected (10 created, 0 rejected)" \
		test "$(qm_metric $p 'quake_map_lines_total{outcome="created"}')/$(qm_metric $p 'quake_map_lines_total{outcome="rejected"}')" = 10/0
	# the stream: the held set, then live; curl | sed | jq works
	curl -sN -m 3 "$u/detections/stream" >"$TMP/det-stream" & local cp=$!
	sleep 0.5
	det shake-A "$now" 47.37 8.54 4 >&7
	wait $cp
	check "detections stream: retry first, the two held, then shake-A's update live" \
		test "$(sed -n 's/^data: //p' "$TMP/det-stream" | jq -r '.id + ":" + (.devices | tostring)' | tr '\n' ' ')" = 'shake-A:3 shake-"C":5 shake-A:4 '
	check "detections stream: starts with retry: 2000" test "$(head -1 "$TMP/det-stream")" = "retry: 2000"
	local last; last=$(grep '^id: ' "$TMP/det-stream" | sed -n 2p | cut -d' ' -f2)
	check "detections stream: Last-Event-ID sends only what came after it (shake-A:4)" \
		test "$(curl -sN -m 1 -H "Last-Event-ID: $last" "$u/detections/stream" | sed -n 's/^data: //p' | jq -r '.id + ":" + (.devices | tostring)')" = "shake-A:4"
	check "detections stream: ?since= as Last-Event-ID" \
		test "$(curl -sN -m 1 "$u/detections/stream?since=$last" | grep -c '^data: ')" = 1
	check "detections stream: a seq from another process sends all" \
		test "$(curl -sN -m 1 "$u/detections/stream?since=99999999999999999" | grep -c '^data: ')" = 2
	check "detections stream: ?since=x is 400" test "$(qm_code "$u/detections/stream?since=x")" = 400
	check "detections stream: an unknown parameter is 400" test "$(qm_code "$u/detections/stream?minmag=3")" = 400
	check "detections: /detections?x=1 is 400, HEAD is 200" test "$(qm_code "$u/detections?x=1")/$(curl -s -o /dev/null -w '%{http_code}' -I "$u/detections")" = 400/200
	exec 7>&-
	qm_stop
}

# FDSN's corners a script written for another service meets: nodata=404's
# error document, decimal floats only, includeall* answered
map_fdsn_corners() {
	local p=$((MAP_PORT + 20)) u body
	python3 tests/gen-lines.py 20 1 >"$TMP/map-corners"
	qm_start $p --window 0 <"$TMP/map-corners"
	u=http://127.0.0.1:$p/fdsnws/event/1
	body=$(curl -s -w ' %{http_code}' "$u/query?minmag=9.9&nodata=404")
	check "fdsn nodata=404: 404 with the FDSN error document ($body)" \
		eval 'case $body in "Error 404: Not Found"*"Request:"*"nodata=404"*" 404") true ;; *) false ;; esac'
	check "fdsn nodata=404 asked twice (cached): the document again" \
		grep -q '^Error 404: Not Found' <(curl -s "$u/query?minmag=9.9&nodata=404")
	check "fdsn no match without nodata: 204, empty" test "$(curl -s -w '%{http_code}' "$u/query?minmag=9.9")" = 204
	check "fdsn mindepth=0x10 (hex): 400 naming it" \
		grep -q '^mindepth: not a number' <(curl -s "$u/query?mindepth=0x10")
	check "fdsn minmag=-2.5e0: decimal with an exponent, 200" test "$(qm_code "$u/query?minmag=-2.5e0")" = 200
	check "fdsn includeallorigins=true&includeallmagnitudes=true&includearrivals=true: answered, as false is" \
		cmp -s <(curl -s "$u/query?format=text&includeallorigins=true&includeallmagnitudes=true&includearrivals=true") \
		<(curl -s "$u/query?format=text&includeallorigins=false")
	check "fdsn includearrivals=true: 200" test "$(qm_code "$u/count?includearrivals=true")" = 200
	qm_stop
}

# one rule for control characters in an event's strings: refused at input,
# so format=text stays one line of 14 columns per event and /contributors
# holds no raw newline
map_control_chars() {
	local p=$((MAP_PORT + 21))
	python3 tests/gen-lines.py 5 1 >"$TMP/map-ctl"
	sed -n 1p "$TMP/map-ctl" | sed 's/"id":"[^"]*"/"id":"ctl1"/; s/"region":"[^"]*"/"region":"A\\nB|C"/' >>"$TMP/map-ctl"
	sed -n 2p "$TMP/map-ctl" | sed 's/"id":"[^"]*"/"id":"ctl2"/; s/"auth":"[^"]*"/"auth":"X\\r\\nY"/' >>"$TMP/map-ctl"
	sed -n 3p "$TMP/map-ctl" | sed 's/"id":"[^"]*"/"id":"ctl3"/; s/"magtype":"[^"]*"/"magtype":"M\\u0007"/' >>"$TMP/map-ctl"
	: >"$TMP/map-$p.err"
	qm_start $p --window 0 <"$TMP/map-ctl"
	check "control characters: the 3 lines with one refused, each naming the field" \
		test "$(grep -o 'msg=rejected line=[0-9]* field=[a-z]*' "$TMP/map-$p.err" | tr '\n' ' ')" = \
		"msg=rejected line=6 field=region msg=rejected line=7 field=auth msg=rejected line=8 field=magtype "
	check "control characters: format=text is 1 + 5 lines of 14 columns" \
		test "$(curl -s "http://127.0.0.1:$p/fdsnws/event/1/query?format=text" | awk -F'|' 'NF == 14 {n++} END {print NR "/" n}')" = 6/6
	check "control characters: /contributors holds no raw CR or LF" \
		test "$(curl -s "http://127.0.0.1:$p/fdsnws/event/1/contributors" | grep -c 'X.*Y\|^Y')" = 0
	qm_stop
}

# --tiles: /basemap.json tells the page, the CSP allows that one origin, a
# template that is not one is a usage error (the page's side: browser-basemap.py)
map_tiles() {
	local p=$((MAP_PORT + 23)) u hdr bad
	u=http://127.0.0.1:$p
	qm_start $p </dev/null
	check "tiles: without --tiles /basemap.json is {}" test "$(curl -s "$u/basemap.json")" = "{}"
	qm_stop
	qm_start $p --tiles 'https://tiles.example.org:8443/osm/{z}/{x}/{y}{r}.png' \
		--tiles-attribution '© "Example" <tiles>' </dev/null
	check "tiles: /basemap.json holds the template and the attribution, JSON-escaped" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d == {"tiles": "https://tiles.example.org:8443/osm/{z}/{x}/{y}{r}.png", "attribution": "© \"Example\" <tiles>"}, d
' "$(curl -s "$u/basemap.json")"
	hdr=$(curl -sI "$u/" | tr -d '\r')
	check "tiles: the CSP's img-src is 'self' and that origin only" grep -qx \
		"content-security-policy: default-src 'self'; img-src 'self' https://tiles.example.org:8443; object-src 'none'; base-uri 'self'; frame-ancestors 'none'" <<<"$hdr"
	check "tiles: lws's own answer (403) carries the same policy" grep -qi "img-src 'self' https://tiles.example.org:8443;" \
		<<<"$(curl -si "$u/%zz" | tr -d '\r')"
	qm_stop
	QUAKE_MAP_TILES='http://127.0.0.1:9/{z}/{x}/{y}.png' qm_start $p </dev/null
	check "tiles: QUAKE_MAP_TILES does the same, with a default attribution" \
		test "$(curl -s "$u/basemap.json")" = '{"tiles":"http://127.0.0.1:9/{z}/{x}/{y}.png","attribution":"map tiles: 127.0.0.1:9"}'
	qm_stop
	for bad in 'ftp://a.org/{z}/{x}/{y}' 'https://{s}.tile.org/{z}/{x}/{y}.png' 'https://a.org/{z}/{x}.png' \
		"https://a.org'/{z}/{x}/{y}" 'https://a.org;x/{z}/{x}/{y}' 'https://a.org/{z}/{x}/{y} x' \
		'https://a.org/{z}/{x}/{y}"' 'https://a.org/{q}/{z}/{x}/{y}' 'https://a.org:123456/{z}/{x}/{y}' 'https://a.org'; do
		"$QM" --tiles "$bad" </dev/null 2>/dev/null
		check "tiles: refused with 64: $bad" test $? -eq 64
	done
	"$QM" --tiles 'https://a.org/{z}/{x}/{y}' --tiles-attribution "$(printf 'a\nb')" </dev/null 2>/dev/null
	check "tiles: a control character in the attribution: 64" test $? -eq 64
}

# "N km DIR of <town>" (issue 26): the gazetteer beside the assets (as make
# and make install put it) or --places; each held revision's place in the
# GeoJSON and the event stream equals tests/place_text.py's (pyproj and brute
# force over the same file); the text export keeps EMSC's region
map_places() {
	local p=$((MAP_PORT + 22)) u=http://127.0.0.1:$((MAP_PORT + 22)) tsv="$B/share/quake/places.tsv" rc
	local py=${QUAKE_CACHE:-$HOME/.cache/quake}/venv-alert/bin/python
	if [ ! -s "$tsv" ] || ! "$py" -c 'import pyproj, numpy' 2>/dev/null; then
		fail "places" "needs $tsv (make) and pyproj in $py (scripts/install-deps)"; return
	fi
	python3 tests/gen-lines.py 300 1 >"$TMP/places-in"
	printf '{"kind":"detection","id":"shake-lx","time":"%s","lat":38.72,"lon":-9.14,"devices":4,"peak":0.5,"radius_km":2.3}\n' \
		"$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)" >>"$TMP/places-in"
	qm_start $p --window 0 --assets "$TOP/$B/share/quake/web" <"$TMP/places-in"
	curl -s "$u/fdsnws/event/1/query?format=geojson&orderby=time-asc" >"$TMP/places.geojson"
	jq -r '.features[] | "\(.properties.lat) \(.properties.lon)"' "$TMP/places.geojson" |
		"$py" tests/place_text.py "$tsv" >"$TMP/places-want"
	jq -r '.features[].properties.place' "$TMP/places.geojson" >"$TMP/places-got"
	check "places: 300 GeoJSON features, each with the place pyproj gives (default: beside the assets; $(head -1 "$TMP/places-got"))" \
		awk -v n=300 'NR == FNR { w[FNR] = $0; next } { g = $0; k++; if (w[FNR] != g && !(w[FNR] ~ / \?$/)) bad++ }
			END { exit !(k == n && !bad) }' "$TMP/places-want" "$TMP/places-got"
	check "places: the event stream carries the same place as the GeoJSON" test \
		"$(timeout 3 curl -sN "$u/events/stream" | sed -n 's/^data: //p' | head -300 | jq -r .place | sort | md5sum)" = \
		"$(sort "$TMP/places-got" | md5sum)"
	check "places: a detection's place in /detections and its stream, as pyproj gives it ($(echo 38.72 -9.14 | "$py" tests/place_text.py "$tsv"))" test \
		"$(curl -s "$u/detections" | jq -r '.features[0].properties.place')/$(timeout 3 curl -sN "$u/detections/stream" | sed -n 's/^data: //p' | jq -r .place)" = \
		"$(echo 38.72 -9.14 | "$py" tests/place_text.py "$tsv")/$(echo 38.72 -9.14 | "$py" tests/place_text.py "$tsv")"
	check "places: the text export's location name is still EMSC's region" test \
		"$(curl -s "$u/fdsnws/event/1/query?format=text&limit=1&orderby=time-asc" | tail -1 | cut -d'|' -f13)" = "TEST REGION 0"
	qm_stop
	qm_start $p --window 0 --assets "$TOP/$B/share/quake/web" --places '' <"$TMP/places-in"
	check "places: --places '' names none" test "$(curl -s "$u/fdsnws/event/1/query?format=geojson" | jq '[.features[].properties | select(has("place"))] | length')" = 0
	qm_stop
	qm_start $p --window 0 <"$TMP/places-in"
	check "places: no gazetteer beside missing assets: a warning, no place, still serving" test \
		"$(curl -s "$u/fdsnws/event/1/query?format=geojson" | jq '[.features[].properties | select(has("place"))] | length')/$(grep -c 'no places' "$TMP/map-$p.err")" = 0/1
	qm_stop
	printf 'Lisbon\tPT\t38.7\n' >"$TMP/places-bad.tsv"
	"$QM" --listen 127.0.0.1:$p --places "$TMP/places-bad.tsv" </dev/null 2>/dev/null; rc=$?
	check "places: a --places file that is no gazetteer: exit 78" test $rc -eq 78
	"$QM" --listen 127.0.0.1:$p --places "$TMP/no-such.tsv" </dev/null 2>/dev/null; rc=$?
	check "places: a missing --places file: exit 78" test $rc -eq 78
}

# catch-up is bounded across clients (issue 28.5): 400 clients catching up
# on 60,000 events at once share a budget per loop turn, so /healthz and an
# FDSN query are answered while they still catch up (each wait a hang
# guard); a filtered catch-up looks at what it sends, not at all held
map_catchup() {
	local p=$((MAP_PORT + 24)) cl res behind tmax visits
	qm_fixture
	python3 tests/map-lines.py 60000 >"$TMP/map-60k"
	rm -f "$TMP/map-fifo22"; mkfifo "$TMP/map-fifo22"
	( ulimit -n 20000; exec "$QM" --listen 127.0.0.1:$p --window 0 <"$TMP/map-fifo22" 2>>"$TMP/map-$p.err" ) & MAP_PID=$!
	exec 9>"$TMP/map-fifo22"
	cat "$TMP/map-60k" >&9
	qm_wait_up $p
	qm_until 60 eval '[ "$(qm_lines_read $p)" -ge 60000 ]'
	: >"$TMP/map-cu"
	timeout 120 python3 tests/map-catchup.py 127.0.0.1 $p /events/stream 400 100 >"$TMP/map-cu" & cl=$!
	qm_until 60 grep -q connected "$TMP/map-cu"
	qm_until 30 eval '[ "$(qm_metric $p quake_map_sse_behind)" -gt 0 ] 2>/dev/null'
	check "catch-up: /healthz answers 200 while 400 clients catch up on 60,000 events" \
		test "$(qm_code "http://127.0.0.1:$p/healthz" -m 30)" = 200
	check "catch-up: an FDSN query answers 200 meanwhile" \
		test "$(qm_code "http://127.0.0.1:$p/fdsnws/event/1/query?minmag=6&format=text" -m 30)" = 200
	behind=$(qm_metric $p quake_map_sse_behind)
	check "catch-up: those answers came while clients were still behind ($behind)" test "${behind:-0}" -gt 0
	tmax=$(qm_metric $p quake_map_sse_catchup_turn_max)
	# 512 KiB a turn + one step (a 16 KiB chunk and 4096 records at 16)
	check "catch-up: no loop turn did more than its budget + one step ($tmax <= 622592)" \
		test "${tmax:-999999999}" -le 622592
	kill $cl 2>/dev/null; wait $cl 2>/dev/null
	res=$(tail -1 "$TMP/map-cu")
	check "catch-up: round-robin, every one of the 400 clients was served ($res)" \
		eval '[ "$(echo "$res" | awk "{print \$4}")" -gt 4096 ]'
	# a filtered catch-up: 2,000 clients, M9.9 only, of 200,000 held (none
	# matches): each is live at once, looking at a few hundred records and
	# blocks; before, each looked at all 200,000
	python3 tests/map-lines.py 140000 | sed 's/"id":"\([0-9]*\)_9/"id":"\1_8/' >"$TMP/map-140k"
	cat "$TMP/map-140k" >&9
	qm_until 120 eval '[ "$(qm_lines_read $p)" -ge 200000 ]'
	visits=$(qm_metric $p quake_map_sse_visits_total)
	: >"$TMP/map-cu"
	( ulimit -n 20000; exec timeout 150 python3 tests/map-catchup.py 127.0.0.1 $p "/events/stream?minmagnitude=9.9" 2000 120 20991231_cu0000001 >"$TMP/map-cu" ) & cl=$!
	qm_until 120 grep -q connected "$TMP/map-cu"
	qm_until 60 eval '[ "$(qm_metric $p quake_map_sse_behind)" = 0 ]'
	qm_big 20991231_cu 1 | sed 's/"mag":8.9/"mag":9.9/' >&9
	wait $cl
	res=$(tail -1 "$TMP/map-cu")
	check "catch-up: 2,000 clients with minmagnitude=9.9 over 200,000 held all got the next M9.9 ($res)" \
		test "$(echo "$res" | awk '{print $2}')" = 2000
	visits=$(( $(qm_metric $p quake_map_sse_visits_total) - visits ))
	check "catch-up: filtered, they looked at $visits records and blocks in all (< 2,000 x 1,000; all held: 2,000 x 200,000)" \
		test "$visits" -lt 2000000
	exec 9>&-
	qm_stop
}
