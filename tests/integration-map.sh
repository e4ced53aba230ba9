# integration-map — scripts/quake-web on the real broker: the real
# quake-consume (a group of its own, --since) into the real quake-map; the map
# holds what the topic holds, follows it, and a restart rebuilds it from the
# topic. Sourced by suite-integration.sh (needs $BK, $QP, wait_for).

map_count() { curl -s -m 2 "http://127.0.0.1:$MAP_PORT/fdsnws/event/1/count" 2>/dev/null; }
map_has() { test "$(map_count)" = "$1"; }

# start quake-web with the built binaries; WEB_PID= its pid
web_start() {
	env QUAKE_BIN="$TOP/$B/bin" QUAKE_ENV_FILE=/dev/null QUAKE_STATE_DIR="$TMP/web-state" \
		QUAKE_BROKERS="$BK" QUAKE_TOPIC=maptopic QUAKE_MAP_LISTEN="127.0.0.1:$MAP_PORT" \
		QUAKE_MAP_ARGS="--assets $TOP/$B/share/quake/web" QUAKE_MAP_GROUP=map-test \
		scripts/quake-web 2>>"$TMP/web.err" &
	WEB_PID=$!
}

kafka_map_service() {
	local rc MAP_PORT=$(( ${QUAKE_TEST_MAP_PORT:-19480} + 1 ))
	scripts/kafka-local topic maptopic 4 2>/dev/null
	python3 tests/map-lines.py 200 >"$TMP/map-in"
	"$QP" -b "$BK" -t maptopic <"$TMP/map-in" >/dev/null 2>&1
	web_start
	wait_for 30 map_has 200
	check "quake-web: the map holds the topic's 200 events (FDSN count $(map_count))" map_has 200
	check "quake-web: /healthz 200 once the backlog is read" \
		test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MAP_PORT/healthz")" = 200
	python3 tests/map-lines.py 201 | tail -1 | sed 's/"id":"[^"]*"/"id":"maptest_0000001"/' |
		"$QP" -b "$BK" -t maptopic >/dev/null 2>&1
	wait_for 30 map_has 201
	check "quake-web: a record produced later is on the map (count $(map_count))" map_has 201
	kill -TERM $WEB_PID; wait $WEB_PID; rc=$?
	check "quake-web: SIGTERM stops quake-consume and quake-map, exit 0 ($rc)" \
		test $rc -eq 0 -a -z "$(pgrep -f "quake-map --listen 127.0.0.1:$MAP_PORT")"
	# a restart rebuilds the map from the topic (--since), though the group committed
	rm -rf "$TMP/web-state"
	web_start
	wait_for 30 map_has 201
	check "quake-web: restarted, the map is rebuilt from the topic (count $(map_count))" map_has 201
	kill -TERM $WEB_PID; wait $WEB_PID
}

# the phones' detections through Kafka to the map: quake-produce --kind
# detections (validated, keyed by id) onto a topic of their own, and one
# quake-consume in scripts/quake-web reading both topics (-t twice)
kafka_detections() {
	local rc MAP_PORT=$(( ${QUAKE_TEST_MAP_PORT:-19480} + 2 )) now u
	u=http://127.0.0.1:$MAP_PORT
	now=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
	scripts/kafka-local topic detev 2 2>/dev/null
	scripts/kafka-local topic detdet 1 2>/dev/null
	python3 tests/map-lines.py 5 | "$QP" -b "$BK" -t detev >/dev/null 2>&1
	{ printf '{"kind":"detection","id":"shake-k1","time":"%s","lat":47.37,"lon":8.54,"devices":3,"peak":0.7,"radius_km":2.3}\n' "$now"
	  printf '{"kind":"detection","id":"shake-k2","time":"%s"}\n' "$now"
	  printf '{"kind":"detection","id":"shake-k1","time":"%s","lat":47.37,"lon":8.54,"devices":5,"peak":0.9,"radius_km":2.3}\n' "$now"
	} | "$QP" -b "$BK" -t detdet --kind detections >"$TMP/det-acks" 2>/dev/null; rc=$?
	check "detections: quake-produce --kind detections exits 65 for the bad line" test $rc -eq 65
	check "detections: produced, rejected, produced, in order, produced ones named by id" \
		test "$(jq -r '[.line, .id, .status] | join(":")' "$TMP/det-acks" | tr '\n' ' ')" = "1:shake-k1:produced 2::rejected 3:shake-k1:produced "
	check "detections: keyed by id, the lines as they were" \
		test "$(kcat -C -b "$BK" -t detdet -e -q -f '%k %s\n' 2>/dev/null | jq -Rr 'split(" ") | .[0] + "=" + (.[1:] | join(" ") | fromjson | .devices | tostring)' | tr '\n' ' ')" = "shake-k1=3 shake-k1=5 "
	"$QC" -b "$BK" -t detev -t detdet -g det-both -e >"$TMP/det-both" 2>/dev/null; rc=$?
	check "quake-consume -t A -t B: both topics' records (5 events, 2 detections), exit $rc" \
		test "$rc/$(grep -c '"kind":"detection"' "$TMP/det-both")/$(grep -vc '"kind"' "$TMP/det-both")" = 0/2/5
	"$QC" -b "$BK" -t detev -t detdet -g det-both -e >"$TMP/det-again" 2>/dev/null
	check "quake-consume -t A -t B: the group committed both, nothing again" test ! -s "$TMP/det-again"
	env QUAKE_BIN="$TOP/$B/bin" QUAKE_ENV_FILE=/dev/null QUAKE_STATE_DIR="$TMP/det-web-state" \
		QUAKE_BROKERS="$BK" QUAKE_TOPIC=detev QUAKE_DETECTIONS_TOPIC=detdet QUAKE_MAP_LISTEN="127.0.0.1:$MAP_PORT" \
		QUAKE_MAP_ARGS="--assets $TOP/$B/share/quake/web" QUAKE_MAP_GROUP=map-det \
		scripts/quake-web 2>>"$TMP/web.err" & WEB_PID=$!
	wait_for 30 map_has 5
	wait_for 30 eval 'test "$(curl -s -m 2 "$u/detections" | jq -r ".features[0].properties.devices" 2>/dev/null)" = 5'
	check "quake-web with QUAKE_DETECTIONS_TOPIC: 5 events in the FDSN service ($(map_count))" map_has 5
	check "quake-web with QUAKE_DETECTIONS_TOPIC: /detections holds shake-k1 at its newest (5 devices)" \
		test "$(curl -s "$u/detections" | jq -c '[.features[] | [.id, .properties.devices]]')" = '[["shake-k1",5]]'
	printf '{"kind":"detection","id":"shake-k3","time":"%s","lat":35.7,"lon":139.7,"devices":4,"peak":1.1,"radius_km":3}\n' "$now" |
		"$QP" -b "$BK" -t detdet --kind detections >/dev/null 2>&1
	wait_for 30 eval 'curl -s -m 2 "$u/detections" | grep -q shake-k3'
	check "quake-web: a detection produced later is on the map's detections layer" \
		eval 'curl -s "$u/detections" | grep -q shake-k3'
	kill -TERM $WEB_PID; wait $WEB_PID
}

# ids that mean the same revision on every instance (tests/map-resume.py):
# two quake-consume --positions | quake-map pairs, a client resumed on the
# other one in both start orders, a restart, a rebalance, an older id
kafka_map_resume() {
	local port=$(( ${QUAKE_TEST_MAP_PORT:-19480} + 10 ))
	scripts/kafka-local topic resume 4 2>/dev/null
	py_checks "map resume" timeout 300 python3 tests/map-resume.py "$TOP/$B/bin" "$BK" resume "$port"
}

# two map instances behind Debian's HAProxy, the page in Chromium
# (tests/browser-lb.py): the page's instance killed -9 while events keep
# coming; the page and a raw SSE client end with exactly the produced set
kafka_map_lb() {
	local py=${QUAKE_CACHE:-$HOME/.cache/quake}/venv-browser/bin/python port=$(( ${QUAKE_TEST_MAP_PORT:-19480} + 20 ))
	[ -x "$py" ] || py=python3
	if ! command -v haproxy >/dev/null || [ ! -x /usr/bin/chromedriver ] || ! "$py" -c 'import selenium' 2>/dev/null; then
		fail "map behind haproxy" "needs haproxy, chromium-driver and selenium (scripts/install-deps)"; return
	fi
	scripts/kafka-local topic lbtopic 4 2>/dev/null
	py_checks "map behind haproxy" timeout 300 "$py" tests/browser-lb.py "$TOP/$B/bin" "$TOP/$B/share/quake/web" "$BK" lbtopic "$port"
}
