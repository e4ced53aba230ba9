# integration-run — what `make run` runs (scripts/quake-run), offline with
# QUAKE_REPLAY: its own broker, DynamoDB Local and the three services come
# up; the recorded frames (times moved to now) reach the map and the table;
# a SIGTERM to quake-run alone stops every process it started; started again
# (offline, no replay) it shows the same events on the map, in FDSN and in
# the table: the broker's data is kept and the map warms from the table.
# Offline it holds a generated week (QUAKE_WEEK, Gutenberg-Richter) besides
# the recorded frames; its state is under a directory derived from the
# checkout (HOME is the test's); a stop signal exits 0 with one line; the
# printed aws line works in an empty environment; and the phones: a
# simulated phone pushing to the printed URL appears on the receiver's page
# and, shaken with two more, on the map and in the example rules' notices
# (tests/run-phones.py, Chromium).
# Sourced by suite-integration.sh (needs wait_for).

run_count() { curl -s -m 2 "http://127.0.0.1:$RUN_MAP/fdsnws/event/1/count" 2>/dev/null; }
run_map_has() { test "$(run_count)" = "$1"; }
run_ddb_count() {
	python3 -c 'import sys, boto3
t = boto3.resource("dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="x", aws_secret_access_key="x").Table("quake")
print(t.scan(Select="COUNT")["Count"])' "http://127.0.0.1:$1" 2>/dev/null
}
run_archive_rows() { curl -s "http://127.0.0.1:$RUN_MAP/fdsnws/event/1/query?format=text&starttime=$(date -u -d '-400 days' +%F)" | grep -vc '^#'; }
run_archive_has() { test "$(run_archive_rows)" = "$1"; }
run_ddb_has() { test "$(run_ddb_count "$1")" = "$2"; }
run_left() { pgrep -f "$TMP/home" >/dev/null || pgrep -f "quake-map --listen 127.0.0.1:$RUN_MAP" >/dev/null; }
run_stopped() { [ "$1" = 0 ] && ! run_left; }

make_run() {
	local base=${QUAKE_TEST_RUN_PORT:-19600} pid rc n l py week=400
	local RUN_MAP=$((base + 1)) kp=$((base + 2)) dp=$((base + 4)) sp=$((base + 6)) np=$((base + 7))
	local frames=tests/data/emsc/ws-frames.ndjson want rd url token aws gr
	py=${QUAKE_CACHE:-$HOME/.cache/quake}/venv-browser/bin/python
	want=$(( $(grep -c . "$frames") + week ))
	# the state directory quake-run derives from this checkout, under the test's HOME
	rd=$TMP/home/.cache/quake/run-$(basename "$PWD")-$(printf %s "$PWD" | cksum | cut -d' ' -f1)
	# a terminal's Ctrl-C: the default SIGINT disposition (a background job
	# of this shell has it ignored) and a process group to send it to
	env HOME="$TMP/home" QUAKE_CACHE="${QUAKE_CACHE:-$HOME/.cache/quake}" KAFKA_PORT=$kp DDB_PORT=$dp \
		MAP_PORT=$RUN_MAP SHAKE_PORT=$sp NOTICE_PORT=$np QUAKE_REPLAY=$frames QUAKE_WEEK=$week \
		python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
		scripts/quake-run >"$TMP/run.out" 2>&1 &
	pid=$!
	wait_for 180 run_map_has "$want"
	check "make run: the first line is the map's URL ($(head -1 "$TMP/run.out"))" \
		grep -qx "quake-run: the live map: http://127.0.0.1:$RUN_MAP/ (once the services below are up)" <(head -1 "$TMP/run.out")
	check "make run: its state is under a directory of this checkout's own ($rd)" test -s "$rd/quake.env"
	check "make run: no SLF4J lines" eval '! grep -q SLF4J "$TMP/run.out"'
	check "make run (replay): the map holds the recorded events and a generated week, $want (count $(run_count))" run_map_has "$want"
	check "make run: the page is served from the build's assets" \
		grep -q '^200 text/html' <<<"$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "http://127.0.0.1:$RUN_MAP/")"
	n=$(curl -s -N -m 2 "http://127.0.0.1:$RUN_MAP/events/stream" | grep -c '^data: ')
	check "make run (replay): the stream sends them ($n)" test "$n" = "$want"
	n=$(curl -s "http://127.0.0.1:$RUN_MAP/fdsnws/event/1/query?format=text&starttime=$(date -u -d '-8 days' +%FT%T)" | grep -vc '^#')
	check "make run (replay): their times are moved to the last days ($n of $want)" test "$n" = "$want"
	n=$(curl -s "http://127.0.0.1:$RUN_MAP/fdsnws/event/1/query?format=text&endtime=$(date -u -d '-4 days' +%FT%T)" | grep -vc '^#')
	check "make run (replay): the week is spread over the days (older than 4 days: $n)" test "$n" -gt 20
	gr=$(curl -s "http://127.0.0.1:$RUN_MAP/fdsnws/event/1/query?format=text" |
		awk -F'|' '!/^#/ { if ($11 < 3.5) a++; else if ($11 < 4.5) b++; else c++ } END { print a + 0, b + 0, c + 0 }')
	check "make run (replay): its magnitudes fall off as Gutenberg-Richter's (M<3.5, <4.5, more: $gr)" \
		eval 'set -- $gr; [ "$1" -gt "$2" ] && [ "$2" -gt "$3" ] && [ "$3" -gt 0 ]'
	wait_for 60 run_ddb_has "$dp" "$want"
	check "make run (replay): the table holds them ($(run_ddb_count "$dp") items)" run_ddb_has "$dp" "$want"
	# the aws line as printed, in a shell with nothing set up
	aws=$(sed -n '/ aws dynamodb query /{N;s/\\\n//;p}' "$TMP/run.out")
	if command -v aws >/dev/null; then
		check "make run: the printed aws line works in a new shell ($(env -i PATH="$PATH" PYENV_ROOT="${PYENV_ROOT:-}" HOME="$TMP/empty" bash -c "$aws" 2>&1 | tr -d '\n ' | head -c 80))" \
			eval 'env -i PATH="$PATH" PYENV_ROOT="${PYENV_ROOT:-}" HOME="$TMP/empty" bash -c "$aws" 2>/dev/null | jq -e ".Count > 0" >/dev/null'
	fi
	# the phones
	url=$(sed -n 's/^  push URL: *//p' "$TMP/run.out")
	token=$(sed -n 's/^  auth header: Bearer //p' "$TMP/run.out")
	check "make run: prints the push URL and the token ($url, ${#token} characters)" \
		test "$url" = "http://127.0.0.1:$sp/push" -a ${#token} -ge 16
	if [ ! -x /usr/bin/chromedriver ] || ! "$py" -c 'import selenium' 2>/dev/null; then
		fail "make run: the phones in Chromium" "needs chromium-driver and selenium (scripts/install-deps)"
	else
		while IFS= read -r l; do
			case $l in
			PASS\ *) pass "make run: ${l#PASS }" ;;
			FAIL\ *) l=${l#FAIL }; fail "make run: ${l%%: *}" "${l#*: }" ;;
			esac
			echo "$l" >>"$TMP/run-phones.out"
		done < <(timeout 300 "$py" tests/run-phones.py "$url" "$token" "http://127.0.0.1:$RUN_MAP" 2>"$TMP/run-phones.err")
		check "make run: the browser checks all ran ($(grep -c '^[PF]' "$TMP/run-phones.out") of 14; $(tail -1 "$TMP/run-phones.err"))" \
			test "$(grep -c '^[PF]' "$TMP/run-phones.out")" = 14
		wait_for 60 grep -q 'Phones shaking near' "$rd/notices.log"
		check "make run: the example rules tell of the phones shaking, named by the gazetteer ($(grep -m1 'Phones shaking' "$rd/notices.log"))" \
			grep -q 'Phones shaking near Kloten: phones near Kloten are shaking' "$rd/notices.log"
		check "make run: and of the week's M5+ events ($(grep -c 'Z M[5-9]\.' "$rd/notices.log"))" grep -q 'Z M[5-9]\.' "$rd/notices.log"
	fi
	kill -TERM "$pid"
	timeout 60 tail --pid="$pid" -f /dev/null; rc=$?
	wait "$pid"; l=$?
	check "make run: SIGTERM to it alone stops it, and nothing it started is left" run_stopped "$rc"
	check "make run: and it exits 0 (not 143: make's 'Error 143'), exit $l" test "$l" = 0
	check "make run: saying so in one line ($(sed -n '/^Ctrl-C stops everything/,$p' "$TMP/run.out" | sed 1d | tr '\n' '|'))" \
		test "$(sed -n '/^Ctrl-C stops everything/,$p' "$TMP/run.out" | sed 1d | grep -c .)/$(tail -1 "$TMP/run.out" | cut -c1-18)" = "1/quake-run: stopped"
	kill -KILL -- -"$pid" 2>/dev/null	# whatever is left of its group
	pkill -9 -f "$TMP/home" 2>/dev/null || true

	# stop + start: no replay this time (the EMSC feed is out of reach), so
	# what the map shows comes from the kept topic and the table
	env HOME="$TMP/home" QUAKE_CACHE="${QUAKE_CACHE:-$HOME/.cache/quake}" KAFKA_PORT=$kp DDB_PORT=$dp \
		MAP_PORT=$RUN_MAP SHAKE_PORT=$sp NOTICE_PORT=$np \
		python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
		scripts/quake-run >"$TMP/run2.out" 2>&1 &
	pid=$!
	wait_for 180 run_map_has "$want"
	check "make run again: the map holds the same $want events (count $(run_count))" run_map_has "$want"
	check "make run again: the broker kept its data" grep -q 'the broker keeps its data from the last run' "$TMP/run2.out"
	n=$(curl -s -N -m 2 "http://127.0.0.1:$RUN_MAP/events/stream" | grep -c '^data: ')
	check "make run again: the stream sends them ($n)" test "$n" = "$want"
	# 400 day partitions read from DynamoDB Local on a loaded machine may
	# answer 503 (the archive's worker says why): asked again until the rows
	# come, a 60 s hang guard
	wait_for 60 run_archive_has "$want"
	n=$(run_archive_rows)
	check "make run again: FDSN from a year back (the archive) has them once each ($n$([ "$n" = "$want" ] || curl -s "http://127.0.0.1:$RUN_MAP/fdsnws/event/1/query?format=text&starttime=$(date -u -d '-400 days' +%F)" | head -c 200))" test "$n" = "$want"
	check "make run again: the table holds them ($(run_ddb_count "$dp") items)" run_ddb_has "$dp" "$want"
	kill -TERM "$pid"
	timeout 60 tail --pid="$pid" -f /dev/null; rc=$?
	wait "$pid" 2>/dev/null
	check "make run again: SIGTERM stops it, nothing left" run_stopped "$rc"
	kill -KILL -- -"$pid" 2>/dev/null
	pkill -9 -f "$TMP/home" 2>/dev/null || true
}
