# integration-run — what `make run` runs (scripts/quake-run), offline with
# QUAKE_REPLAY: its own broker, DynamoDB Local and the three services come
# up; the recorded frames (times moved to now) reach the map and the table;
# a SIGTERM to quake-run alone stops every process it started; started again
# (offline, no replay) it shows the same events on the map, in FDSN and in
# the table: the broker's data is kept and the map warms from the table.
# Sourced by suite-integration.sh (needs wait_for).

run_count() { curl -s -m 2 "http://127.0.0.1:$RUN_MAP/fdsnws/event/1/count" 2>/dev/null; }
run_map_has() { test "$(run_count)" = "$1"; }
run_ddb_count() {
	python3 -c 'import sys, boto3
t = boto3.resource("dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="x", aws_secret_access_key="x").Table("quake")
print(t.scan(Select="COUNT")["Count"])' "http://127.0.0.1:$1" 2>/dev/null
}
run_ddb_has() { test "$(run_ddb_count "$1")" = "$2"; }
run_left() { pgrep -f "$TMP/run" >/dev/null || pgrep -f "quake-map --listen 127.0.0.1:$RUN_MAP" >/dev/null; }
run_stopped() { [ "$1" = 0 ] && ! run_left; }

make_run() {
	local base=${QUAKE_TEST_RUN_PORT:-19600} pid rc n
	local RUN_MAP=$((base + 1)) kp=$((base + 2)) dp=$((base + 4))
	local frames=tests/data/emsc/ws-frames.ndjson want
	want=$(grep -c . "$frames")
	# a terminal's Ctrl-C: the default SIGINT disposition (a background job
	# of this shell has it ignored) and a process group to send it to
	env KAFKA_PORT=$kp KAFKA_DIR="$TMP/run-kafka" DDB_PORT=$dp MAP_PORT=$RUN_MAP \
		QUAKE_RUN_DIR="$TMP/run" QUAKE_REPLAY=$frames \
		python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
		scripts/quake-run >"$TMP/run.out" 2>&1 &
	pid=$!
	wait_for 180 run_map_has "$want"
	check "make run: the first line is the map's URL ($(head -1 "$TMP/run.out"))" \
		grep -qx "quake-run: the live map: http://127.0.0.1:$RUN_MAP/ (once the services below are up)" <(head -1 "$TMP/run.out")
	check "make run (replay): the map holds the $want recorded events (count $(run_count))" run_map_has "$want"
	check "make run: the page is served from the build's assets" \
		grep -q '^200 text/html' <<<"$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "http://127.0.0.1:$RUN_MAP/")"
	n=$(curl -s -N -m 2 "http://127.0.0.1:$RUN_MAP/events/stream" | grep -c '^data: ')
	check "make run (replay): the stream sends them ($n)" test "$n" = "$want"
	n=$(curl -s "http://127.0.0.1:$RUN_MAP/fdsnws/event/1/query?format=text&starttime=$(date -u -d '-8 days' +%FT%T)" | grep -vc '^#')
	check "make run (replay): their times are moved to the last days ($n of $want)" test "$n" = "$want"
	wait_for 60 run_ddb_has "$dp" "$want"
	check "make run (replay): the table holds them ($(run_ddb_count "$dp") items)" run_ddb_has "$dp" "$want"
	# a SIGTERM to it alone (kill PID; Ctrl-C signals the whole group)
	kill -TERM "$pid"
	timeout 60 tail --pid="$pid" -f /dev/null; rc=$?
	wait "$pid" 2>/dev/null
	check "make run: SIGTERM to it alone stops it, and nothing it started is left" run_stopped "$rc"
	kill -KILL -- -"$pid" 2>/dev/null	# whatever is left of its group
	pkill -9 -f "$TMP/run" 2>/dev/null || true

	# stop + start: no replay this time (the EMSC feed is out of reach), so
	# what the map shows comes from the kept topic and the table
	env KAFKA_PORT=$kp KAFKA_DIR="$TMP/run-kafka" DDB_PORT=$dp MAP_PORT=$RUN_MAP \
		QUAKE_RUN_DIR="$TMP/run" \
		python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
		scripts/quake-run >"$TMP/run2.out" 2>&1 &
	pid=$!
	wait_for 180 run_map_has "$want"
	check "make run again: the map holds the same $want events (count $(run_count))" run_map_has "$want"
	check "make run again: the broker kept its data" grep -q 'the broker keeps its data from the last run' "$TMP/run2.out"
	n=$(curl -s -N -m 2 "http://127.0.0.1:$RUN_MAP/events/stream" | grep -c '^data: ')
	check "make run again: the stream sends them ($n)" test "$n" = "$want"
	n=$(curl -s "http://127.0.0.1:$RUN_MAP/fdsnws/event/1/query?format=text&starttime=$(date -u -d '-400 days' +%F)" | grep -vc '^#')
	check "make run again: FDSN from a year back (the archive) has them once each ($n)" test "$n" = "$want"
	check "make run again: the table holds them ($(run_ddb_count "$dp") items)" run_ddb_has "$dp" "$want"
	kill -TERM "$pid"
	timeout 60 tail --pid="$pid" -f /dev/null; rc=$?
	wait "$pid" 2>/dev/null
	check "make run again: SIGTERM stops it, nothing left" run_stopped "$rc"
	kill -KILL -- -"$pid" 2>/dev/null
	pkill -9 -f "$TMP/run" 2>/dev/null || true
}
