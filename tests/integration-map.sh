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
	wait_for 10 map_has 201
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
